/* tend-insights.c: a week's figures from the store
 *
 * Every figure is defined in docs/INSIGHTS.md; the comments here say how, not what.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-insights"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tend-insights.h"
#include "tend-settings.h"
#include "tend-store-private.h"
#include "tend-week-report-private.h"

#define SECONDS_PER_DAY 86400
/* The longest timed event that is a meeting; it also bounds the look-back of the event query,
 * so that the event_start index serves it. */
#define MEETING_MAX_SECONDS SECONDS_PER_DAY
/* A reply answers a message received at most this long before it. */
#define REPLY_MAX_SECONDS (7 * SECONDS_PER_DAY)
/* A meeting that starts at most this long after the run before it ends continues the run. */
#define BACK_TO_BACK_SECONDS (5 * 60)
#define LARGE_MEETING_ATTENDEES 8
/* Weeks of interactions before a week that "new" and "fading" look at. */
#define NETWORK_HISTORY_WEEKS 12
#define FADING_WINDOW_WEEKS 8
#define FADING_RECENT_WEEKS 2
#define FADING_MIN_ACTIVE_WEEKS 4
/* A baseline needs at least this many of its weeks to hold data. */
#define BASELINE_MIN_WEEKS 3
/* Days before the first week with figures that the working-hours clock must know: replies look
 * back 7 × 24 hours from its start, which across a DST change reaches an hour before the Monday
 * of the week before; two weeks cover that. */
#define DAYS_BEFORE 14

struct _TendInsights
{
  GObject parent_instance;

  TendWorkHours hours;
  guint         focus_minimum;
  gint64        now;

  /* Owned */
  TendStore *store;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (TendInsights, tend_insights, G_TYPE_OBJECT)

typedef struct
{
  gint64   at;
  gint64   account_id;
  gint64   provider_key;
  gint64   conversation_key;
  gint64   reply_to_key;
  guint8   kind;
  guint8   direction;
  gboolean has_conversation;
  gboolean has_reply_to;
  guint    gratitude;
  guint    apologies;
  guint    hedges;
  guint    negative;
  guint    questions;
} MessageRow;

typedef struct
{
  gint64   start;
  gint64   end;
  gint64   organizer_id; /* 0 if none */
  guint    attendee_count;
  gboolean recurring;
  gboolean meeting; /* timed, not cancelled, attended, at most MEETING_MAX_SECONDS long */
} EventRow;

typedef struct
{
  gint64 start;
  gint64 end;
} Interval;

typedef struct
{
  gint64   start;      /* local midnight */
  gint64   end;        /* the next local midnight */
  gint64   work_start; /* == work_end on a day off */
  gint64   work_end;
  gint64   work_before; /* working seconds in the days before this one */
  gboolean day_off;
} DayInfo;

typedef struct
{
  gint64 at;
  double wall_minutes;
  double work_minutes;
} Reply;

typedef struct
{
  gint64 person_id;
  guint  interactions;
} Candidate;

/* What one computation reads from the store, for @n_targets consecutive weeks that get figures
 * and the NETWORK_HISTORY_WEEKS weeks before them. */
typedef struct
{
  TendInsights *self;
  guint         n_targets;
  guint         n_weeks;    /* NETWORK_HISTORY_WEEKS + n_targets */
  gint64     *week_starts;  /* n_weeks + 1 boundaries; target t is week NETWORK_HISTORY_WEEKS + t */
  GArray     *days;         /* DayInfo: DAYS_BEFORE days, then 7 per target */
  GArray     *messages;     /* MessageRow by time, from REPLY_MAX_SECONDS before the targets */
  GArray     *events;       /* EventRow by start, over all n_weeks */
  GArray     *replies;      /* Reply by time, in the targets */
  GHashTable *interactions; /* person id → guint[n_weeks] */
  gint64      me_id;
  gint64      data_since; /* first message or event in the store, G_MAXINT64 if none */
  gint64      now;
} Context;

static void
context_clear (Context *ctx)
{
  g_clear_pointer (&ctx->week_starts, g_free);
  g_clear_pointer (&ctx->days, g_array_unref);
  g_clear_pointer (&ctx->messages, g_array_unref);
  g_clear_pointer (&ctx->events, g_array_unref);
  g_clear_pointer (&ctx->replies, g_array_unref);
  g_clear_pointer (&ctx->interactions, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Context, context_clear)

/* Intervals */

static int
compare_intervals (gconstpointer a, gconstpointer b)
{
  const Interval *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

/* Sorts @intervals and merges those that overlap or touch, in place. */
static void
intervals_union (GArray *intervals)
{
  guint n = 0;

  g_array_sort (intervals, compare_intervals);
  for (guint i = 0; i < intervals->len; i++)
    {
      Interval *iv = &g_array_index (intervals, Interval, i);
      Interval *last = n > 0 ? &g_array_index (intervals, Interval, n - 1) : NULL;

      if (last != NULL && iv->start <= last->end)
        last->end = MAX (last->end, iv->end);
      else
        g_array_index (intervals, Interval, n++) = *iv;
    }
  g_array_set_size (intervals, n);
}

/* Seconds of the disjoint @intervals inside [a, b). */
static gint64
intervals_measure (GArray *intervals, gint64 a, gint64 b)
{
  gint64 total = 0;

  for (guint i = 0; i < intervals->len; i++)
    {
      const Interval *iv = &g_array_index (intervals, Interval, i);
      gint64          start = MAX (iv->start, a), end = MIN (iv->end, b);

      if (end > start)
        total += end - start;
    }
  return total;
}

/* Seconds of [a, b) outside the disjoint, sorted @intervals, in gaps of at least @minimum. */
static gint64
free_blocks (GArray *intervals, gint64 a, gint64 b, gint64 minimum)
{
  gint64 cursor = a, total = 0;

  for (guint i = 0; i < intervals->len && cursor < b; i++)
    {
      const Interval *iv = &g_array_index (intervals, Interval, i);

      if (iv->end <= cursor)
        continue;
      if (iv->start >= b)
        break;
      if (iv->start - cursor >= minimum)
        total += iv->start - cursor;
      cursor = MAX (cursor, iv->end);
    }
  if (b - cursor >= minimum)
    total += b - cursor;
  return total;
}

/* Statistics */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The middle value of sorted @values; the mean of the two middle ones when @n is even. */
static double
median_of_sorted (const double *values, guint n)
{
  if (n == 0)
    return NAN;
  if (n % 2 == 1)
    return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* Nearest rank: the ⌈0.9 n⌉-th smallest. */
static double
p90_of_sorted (const double *values, guint n)
{
  if (n == 0)
    return NAN;
  return values[(9 * n + 9) / 10 - 1];
}

/* Reading the store */

static gint64
to_unix (GDateTime *date_time)
{
  return g_date_time_to_unix (date_time);
}

static gint64
local_minute (GTimeZone *tz, GDateTime *midnight, gint64 next_midnight, guint minute)
{
  g_autoptr (GDateTime) at = NULL;

  if (minute >= 24 * 60)
    return next_midnight;
  at = g_date_time_new (tz, g_date_time_get_year (midnight), g_date_time_get_month (midnight),
                        g_date_time_get_day_of_month (midnight), minute / 60, minute % 60, 0);
  return to_unix (at);
}

/* Weeks, days and working time of the span, in the user's zone: each boundary is a local
 * wall-clock time, so a day across a DST change lasts 23 or 25 hours. */
static void
context_init_calendar (Context *ctx, const TendWeek *first_target)
{
  TendInsights *self = ctx->self;
  TendWeek      first_day_week;
  gint64        work_before = 0;
  guint         n_days = DAYS_BEFORE + 7 * ctx->n_targets;

  ctx->week_starts = g_new (gint64, ctx->n_weeks + 1);
  for (guint i = 0; i <= ctx->n_weeks; i++)
    {
      g_autoptr (GDateTime) start = NULL;
      TendWeek week;

      tend_week_add (first_target, (int) i - NETWORK_HISTORY_WEEKS, &week);
      start = tend_week_get_start (&week, self->tz);
      ctx->week_starts[i] = to_unix (start);
    }

  G_STATIC_ASSERT (DAYS_BEFORE % 7 == 0);
  tend_week_add (first_target, -DAYS_BEFORE / 7, &first_day_week);
  ctx->days = g_array_sized_new (FALSE, TRUE, sizeof (DayInfo), n_days);
  for (guint i = 0; i < n_days; i++)
    {
      g_autoptr (GDateTime) midnight = NULL;
      g_autoptr (GDateTime) next = NULL;
      TendWeek           week;
      const TendWorkDay *wd = &self->hours.days[i % 7];
      DayInfo            day = { 0 };

      tend_week_add (&first_day_week, i / 7, &week);
      midnight = tend_week_get_day (&week, i % 7, self->tz);
      next = tend_week_get_day (&week, i % 7 + 1, self->tz);
      day.start = to_unix (midnight);
      day.end = to_unix (next);
      day.day_off = tend_work_hours_is_day_off (&self->hours, i % 7);
      if (day.day_off)
        day.work_start = day.work_end = day.start;
      else
        {
          day.work_start
              = CLAMP (local_minute (self->tz, midnight, day.end, wd->start), day.start, day.end);
          day.work_end = CLAMP (local_minute (self->tz, midnight, day.end, wd->end), day.work_start,
                                day.end);
        }
      day.work_before = work_before;
      work_before += day.work_end - day.work_start;
      g_array_append_val (ctx->days, day);
    }
}

static const DayInfo *
context_get_day (Context *ctx, guint target, guint day)
{
  return &g_array_index (ctx->days, DayInfo, DAYS_BEFORE + 7 * target + day);
}

/* Working seconds in the span before @at: the working-hours clock. */
static gint64
work_clock (Context *ctx, gint64 at)
{
  guint          lo = 0, hi = ctx->days->len;
  const DayInfo *day;

  /* The last day that starts at or before @at. */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (ctx->days, DayInfo, mid).start <= at)
        lo = mid;
      else
        hi = mid;
    }
  day = &g_array_index (ctx->days, DayInfo, lo);
  return day->work_before + CLAMP (at, day->work_start, day->work_end) - day->work_start;
}

static gboolean
read_meta (Context *ctx, GError **error)
{
  TendStore    *store = ctx->self->store;
  sqlite3_stmt *stmt;
  int           rc;

  stmt = _tend_store_prepare (store,
                              "SELECT (SELECT min (id) FROM person WHERE is_me),"
                              " (SELECT min (sent_at) FROM message),"
                              " (SELECT min (start_at) FROM event)",
                              error);
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tend_store_set_error (store, rc, error);
    }
  ctx->me_id = sqlite3_column_int64 (stmt, 0);
  ctx->data_since = G_MAXINT64;
  if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    ctx->data_since = sqlite3_column_int64 (stmt, 1);
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    ctx->data_since = MIN (ctx->data_since, sqlite3_column_int64 (stmt, 2));
  sqlite3_reset (stmt);
  return TRUE;
}

/* Within one second, received messages go before sent ones, so that a reply never precedes
 * what it answers. Sorting the few ties here is much cheaper than an ORDER BY that the sent_at
 * index cannot satisfy. */
static void
received_first_within_second (GArray *messages)
{
  for (guint i = 1; i < messages->len; i++)
    {
      MessageRow *rows = (MessageRow *) messages->data;
      MessageRow  row = rows[i];
      guint       j = i;

      for (; j > 0 && rows[j - 1].at == row.at && rows[j - 1].direction > row.direction; j--)
        rows[j] = rows[j - 1];
      rows[j] = row;
    }
}

static gboolean
read_messages (Context *ctx, GError **error)
{
  TendStore    *store = ctx->self->store;
  gint64        from = ctx->week_starts[NETWORK_HISTORY_WEEKS] - REPLY_MAX_SECONDS;
  sqlite3_stmt *stmt;
  int           rc;

  stmt = _tend_store_prepare (store,
                              "SELECT sent_at, kind, direction, account_id, provider_key,"
                              " conversation_key, reply_to_key, gratitude, apologies, hedges,"
                              " negative, questions FROM message"
                              " WHERE sent_at >= ?1 AND sent_at < ?2 ORDER BY sent_at",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, ctx->week_starts[ctx->n_weeks]);

  ctx->messages = g_array_new (FALSE, TRUE, sizeof (MessageRow));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MessageRow row = {
        .at = sqlite3_column_int64 (stmt, 0),
        .kind = sqlite3_column_int (stmt, 1),
        .direction = sqlite3_column_int (stmt, 2),
        .account_id = sqlite3_column_int64 (stmt, 3),
        .provider_key = sqlite3_column_int64 (stmt, 4),
        .has_conversation = sqlite3_column_type (stmt, 5) != SQLITE_NULL,
        .conversation_key = sqlite3_column_int64 (stmt, 5),
        .has_reply_to = sqlite3_column_type (stmt, 6) != SQLITE_NULL,
        .reply_to_key = sqlite3_column_int64 (stmt, 6),
        .gratitude = sqlite3_column_int (stmt, 7),
        .apologies = sqlite3_column_int (stmt, 8),
        .hedges = sqlite3_column_int (stmt, 9),
        .negative = sqlite3_column_int (stmt, 10),
        .questions = sqlite3_column_int (stmt, 11),
      };

      g_array_append_val (ctx->messages, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  received_first_within_second (ctx->messages);
  return TRUE;
}

static gboolean
read_events (Context *ctx, GError **error)
{
  TendStore    *store = ctx->self->store;
  gint64        from = ctx->week_starts[0];
  sqlite3_stmt *stmt;
  int           rc;

  stmt = _tend_store_prepare (store,
                              "SELECT start_at, end_at, all_day, cancelled, my_response,"
                              " attendee_count, recurring, organizer_id FROM event"
                              " WHERE start_at >= ?1 AND start_at < ?2 AND end_at > ?3"
                              " ORDER BY start_at",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from - MEETING_MAX_SECONDS);
  sqlite3_bind_int64 (stmt, 2, ctx->week_starts[ctx->n_weeks]);
  sqlite3_bind_int64 (stmt, 3, from);

  ctx->events = g_array_new (FALSE, TRUE, sizeof (EventRow));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EventRow row = {
        .start = sqlite3_column_int64 (stmt, 0),
        .end = sqlite3_column_int64 (stmt, 1),
        .attendee_count = sqlite3_column_int (stmt, 5),
        .recurring = sqlite3_column_int (stmt, 6) != 0,
        .organizer_id = sqlite3_column_int64 (stmt, 7),
      };
      gboolean     all_day = sqlite3_column_int (stmt, 2) != 0;
      gboolean     cancelled = sqlite3_column_int (stmt, 3) != 0;
      TendResponse response = sqlite3_column_int (stmt, 4);

      row.meeting = !all_day && !cancelled && tend_response_is_attending (response)
                    && row.end > row.start && row.end - row.start <= MEETING_MAX_SECONDS;
      g_array_append_val (ctx->events, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  return TRUE;
}

/* Index of the week (0 … n_weeks − 1) that holds @at, or -1 outside the span. */
static int
context_find_week (Context *ctx, gint64 at)
{
  guint lo = 0, hi = ctx->n_weeks;

  if (at < ctx->week_starts[0] || at >= ctx->week_starts[ctx->n_weeks])
    return -1;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (ctx->week_starts[mid] <= at)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static void
add_interaction (Context *ctx, gint64 person_id, gint64 at)
{
  int    week = context_find_week (ctx, at);
  guint *counts;

  if (week < 0 || person_id <= 0 || person_id == ctx->me_id)
    return;
  /* Person ids are SQLite rowids handed out from 1 upwards: they fit in a pointer, and the
   * direct hash keeps this, the engine's innermost loop, short. */
  counts = g_hash_table_lookup (ctx->interactions, GSIZE_TO_POINTER ((gsize) person_id));
  if (counts == NULL)
    {
      counts = g_new0 (guint, ctx->n_weeks);
      g_hash_table_insert (ctx->interactions, GSIZE_TO_POINTER ((gsize) person_id), counts);
    }
  counts[week]++;
}

/* One interaction per message I received from someone (a mail only when I was among its
 * recipients, which leaves out lists and newsletters), per recipient of a message I sent, and
 * per meeting I attended that someone else organized. */
static gboolean
read_interactions (Context *ctx, GError **error)
{
  static const char *const queries[] = {
    "SELECT m.sent_at, m.sender_id FROM message AS m"
    " WHERE m.sent_at >= ?1 AND m.sent_at < ?2 AND m.direction = 0"
    " AND (m.kind = 1 OR ?3 = 0 OR EXISTS (SELECT 1 FROM message_recipient AS r"
    " WHERE r.message_id = m.id AND r.person_id = ?3))",
    /* CROSS JOIN keeps the sent_at index as the outer loop. */
    "SELECT m.sent_at, r.person_id FROM message AS m CROSS JOIN message_recipient AS r"
    " ON r.message_id = m.id"
    " WHERE m.sent_at >= ?1 AND m.sent_at < ?2 AND m.direction = 1 AND r.person_id <> ?3",
  };
  TendStore *store = ctx->self->store;

  ctx->interactions = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = _tend_store_prepare (store, queries[q], error);
      int           rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ctx->week_starts[0]);
      sqlite3_bind_int64 (stmt, 2, ctx->week_starts[ctx->n_weeks]);
      sqlite3_bind_int64 (stmt, 3, ctx->me_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        add_interaction (ctx, sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 0));
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _tend_store_set_error (store, rc, error);
    }

  for (guint i = 0; i < ctx->events->len; i++)
    {
      const EventRow *event = &g_array_index (ctx->events, EventRow, i);

      if (event->meeting)
        add_interaction (ctx, event->organizer_id, event->start);
    }
  return TRUE;
}

/* Replies */

static guint
mail_key_hash (gconstpointer key)
{
  const MessageRow *row = key;

  return g_int64_hash (&row->provider_key) ^ g_int64_hash (&row->account_id);
}

static gboolean
mail_key_equal (gconstpointer a, gconstpointer b)
{
  const MessageRow *x = a, *y = b;

  return x->account_id == y->account_id && x->provider_key == y->provider_key;
}

static guint
chat_key_hash (gconstpointer key)
{
  const MessageRow *row = key;

  return g_int64_hash (&row->conversation_key) ^ g_int64_hash (&row->account_id);
}

static gboolean
chat_key_equal (gconstpointer a, gconstpointer b)
{
  const MessageRow *x = a, *y = b;

  return x->account_id == y->account_id && x->conversation_key == y->conversation_key;
}

static void
add_reply (Context *ctx, gint64 received_at, gint64 replied_at)
{
  Reply reply = {
    .at = replied_at,
    .wall_minutes = (replied_at - received_at) / 60.0,
    .work_minutes = (work_clock (ctx, replied_at) - work_clock (ctx, received_at)) / 60.0,
  };

  if (replied_at >= ctx->week_starts[NETWORK_HISTORY_WEEKS])
    g_array_append_val (ctx->replies, reply);
}

/* One pass in time order. A mail reply answers the received mail it names, once: my first
 * reply to it. A chat reply answers the earliest message received in the conversation since my
 * previous message there. Either only within REPLY_MAX_SECONDS. */
static void
find_replies (Context *ctx)
{
  g_autoptr (GHashTable) mail = g_hash_table_new (mail_key_hash, mail_key_equal);
  g_autoptr (GHashTable) chats
      = g_hash_table_new_full (chat_key_hash, chat_key_equal, NULL, (GDestroyNotify) g_array_unref);

  ctx->replies = g_array_new (FALSE, FALSE, sizeof (Reply));

  for (guint i = 0; i < ctx->messages->len; i++)
    {
      const MessageRow *m = &g_array_index (ctx->messages, MessageRow, i);

      if (m->kind == TEND_MESSAGE_KIND_MAIL)
        {
          MessageRow probe = { .account_id = m->account_id, .provider_key = m->reply_to_key };
          const MessageRow *parent;

          if (m->direction == TEND_DIRECTION_RECEIVED)
            g_hash_table_add (mail, (gpointer) m);
          else if (m->has_reply_to && (parent = g_hash_table_lookup (mail, &probe)) != NULL)
            {
              if (m->at - parent->at <= REPLY_MAX_SECONDS)
                add_reply (ctx, parent->at, m->at);
              g_hash_table_remove (mail, &probe);
            }
        }
      else if (m->kind == TEND_MESSAGE_KIND_CHAT && m->has_conversation)
        {
          GArray *pending = g_hash_table_lookup (chats, m);

          if (pending == NULL)
            {
              pending = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_hash_table_insert (chats, (gpointer) m, pending);
            }
          if (m->direction == TEND_DIRECTION_RECEIVED)
            g_array_append_val (pending, m->at);
          else
            {
              for (guint j = 0; j < pending->len; j++)
                if (m->at - g_array_index (pending, gint64, j) <= REPLY_MAX_SECONDS)
                  {
                    add_reply (ctx, g_array_index (pending, gint64, j), m->at);
                    break;
                  }
              g_array_set_size (pending, 0);
            }
        }
    }
}

/* Figures of one week */

/* First index in @array (of structs that begin with a gint64 time) whose time is ≥ @at. */
static guint
lower_bound (GArray *array, gint64 at)
{
  guint lo = 0, hi = array->len;
  guint size = g_array_get_element_size (array);

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (*(const gint64 *) (array->data + (gsize) mid * size) < at)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The meetings that start in [@ws, @we): how many, how many large, and the runs of
 * back-to-back ones. */
static void
count_meetings (Context *ctx, gint64 ws, gint64 we, double *values)
{
  guint  meetings = 0, large = 0, chains = 0, run = 0;
  gint64 run_end = 0;

  /* Events come sorted by start, as the runs need. */
  for (guint i = lower_bound (ctx->events, ws); i < ctx->events->len; i++)
    {
      const EventRow *e = &g_array_index (ctx->events, EventRow, i);

      if (e->start >= we)
        break;
      if (!e->meeting)
        continue;

      meetings++;
      if (e->attendee_count >= LARGE_MEETING_ATTENDEES)
        large++;
      if (run > 0 && e->start <= run_end + BACK_TO_BACK_SECONDS)
        {
          run++;
          run_end = MAX (run_end, e->end);
        }
      else
        {
          if (run >= 2)
            chains++;
          run = 1;
          run_end = e->end;
        }
    }
  if (run >= 2)
    chains++;

  values[TEND_METRIC_MEETINGS] = meetings;
  values[TEND_METRIC_LARGE_MEETINGS] = large;
  values[TEND_METRIC_BACK_TO_BACK_CHAINS] = chains;
}

/* Meeting time in the week and its days, inside and outside working time, and the focus time it
 * leaves. A meeting that began before the week counts with its part inside it. */
static void
compute_meeting_time (Context *ctx, guint t, gint64 ws, gint64 we, double *values,
                      TendDayFigures *days)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (Interval));
  g_autoptr (GArray) recurring = g_array_new (FALSE, FALSE, sizeof (Interval));
  gint64 focus_minimum = (gint64) ctx->self->focus_minimum * 60;
  gint64 total, in_work = 0;

  for (guint i = lower_bound (ctx->events, ws - MEETING_MAX_SECONDS); i < ctx->events->len; i++)
    {
      const EventRow *e = &g_array_index (ctx->events, EventRow, i);
      Interval        clipped = { MAX (e->start, ws), MIN (e->end, we) };

      if (e->start >= we)
        break;
      if (!e->meeting || clipped.end <= clipped.start)
        continue;
      g_array_append_val (all, clipped);
      if (e->recurring)
        g_array_append_val (recurring, clipped);
    }
  intervals_union (all);
  intervals_union (recurring);
  total = intervals_measure (all, ws, we);

  for (guint d = 0; d < 7; d++)
    {
      const DayInfo *day = context_get_day (ctx, t, d);
      gint64         day_total = intervals_measure (all, day->start, day->end);
      gint64         day_work = intervals_measure (all, day->work_start, day->work_end);
      gint64         focus = free_blocks (all, day->work_start, day->work_end, focus_minimum);

      in_work += day_work;
      days[d].meeting_minutes = day_total / 60.0;
      days[d].after_hours_minutes = (day_total - day_work) / 60.0;
      days[d].focus_minutes = focus / 60.0;
      values[TEND_METRIC_FOCUS_HOURS] += focus / 3600.0;
    }

  values[TEND_METRIC_MEETING_HOURS] = total / 3600.0;
  values[TEND_METRIC_RECURRING_MEETING_SHARE]
      = total > 0 ? (double) intervals_measure (recurring, ws, we) / total : NAN;
  values[TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK] = (total - in_work) / 3600.0;
  values[TEND_METRIC_AFTER_HOURS_MEETING_MINUTES] = (total - in_work) / 60.0;
}

static void
compute_messages (Context *ctx, guint t, gint64 ws, gint64 we, double *values, TendDayFigures *days)
{
  guint d = 0;

  for (guint i = lower_bound (ctx->messages, ws); i < ctx->messages->len; i++)
    {
      const MessageRow *m = &g_array_index (ctx->messages, MessageRow, i);
      gboolean          mail = m->kind == TEND_MESSAGE_KIND_MAIL;
      const DayInfo    *day;

      if (m->at >= we)
        break;
      while (d < 6 && m->at >= context_get_day (ctx, t, d)->end)
        d++;
      day = context_get_day (ctx, t, d);

      if (m->direction == TEND_DIRECTION_SENT)
        {
          values[mail ? TEND_METRIC_MAIL_SENT : TEND_METRIC_CHAT_SENT]++;
          values[TEND_METRIC_GRATITUDE_SENT] += m->gratitude;
          values[TEND_METRIC_APOLOGIES] += m->apologies;
          values[TEND_METRIC_HEDGES] += m->hedges;
          values[TEND_METRIC_NEGATIVE] += m->negative;
          values[TEND_METRIC_QUESTIONS] += m->questions;
          days[d].messages_sent++;
          if (m->at < day->work_start || m->at >= day->work_end)
            days[d].after_hours_messages++;
        }
      else
        {
          values[mail ? TEND_METRIC_MAIL_RECEIVED : TEND_METRIC_CHAT_RECEIVED]++;
          values[TEND_METRIC_GRATITUDE_RECEIVED] += m->gratitude;
          days[d].messages_received++;
        }
    }

  values[TEND_METRIC_MESSAGES_SENT] = values[TEND_METRIC_MAIL_SENT] + values[TEND_METRIC_CHAT_SENT];
  values[TEND_METRIC_MESSAGES_RECEIVED]
      = values[TEND_METRIC_MAIL_RECEIVED] + values[TEND_METRIC_CHAT_RECEIVED];
}

static void
compute_after_hours (Context *ctx, guint t, double *values, TendDayFigures *days)
{
  for (guint d = 0; d < 7; d++)
    {
      const DayInfo *day = context_get_day (ctx, t, d);
      gboolean after_hours = days[d].after_hours_messages > 0 || days[d].after_hours_minutes > 0;

      days[d].day_off = day->day_off;
      values[TEND_METRIC_AFTER_HOURS_MESSAGES_SENT] += days[d].after_hours_messages;
      if (after_hours)
        values[TEND_METRIC_AFTER_HOURS_DAYS]++;
      /* A day can be judged free of after-hours work only once it is over. */
      if (!day->day_off && !after_hours && day->end <= ctx->now)
        values[TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS]++;
      if (day->day_off && (days[d].messages_sent > 0 || days[d].meeting_minutes > 0))
        values[TEND_METRIC_WEEKEND_DAYS_ACTIVE]++;
    }
}

static void
compute_replies (Context *ctx, gint64 ws, gint64 we, double *values)
{
  g_autoptr (GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  guint within_day = 0;

  for (guint i = lower_bound (ctx->replies, ws); i < ctx->replies->len; i++)
    {
      const Reply *reply = &g_array_index (ctx->replies, Reply, i);

      if (reply->at >= we)
        break;
      g_array_append_val (wall, reply->wall_minutes);
      g_array_append_val (work, reply->work_minutes);
      if (reply->wall_minutes <= 24 * 60)
        within_day++;
    }

  g_array_sort (wall, compare_doubles);
  g_array_sort (work, compare_doubles);
  values[TEND_METRIC_REPLY_MEDIAN_MINUTES] = median_of_sorted ((double *) wall->data, wall->len);
  values[TEND_METRIC_REPLY_P90_MINUTES] = p90_of_sorted ((double *) wall->data, wall->len);
  values[TEND_METRIC_REPLY_MEDIAN_WORK_MINUTES]
      = median_of_sorted ((double *) work->data, work->len);
  values[TEND_METRIC_REPLY_P90_WORK_MINUTES] = p90_of_sorted ((double *) work->data, work->len);
  values[TEND_METRIC_ANSWERED_WITHIN_24H_SHARE]
      = wall->len > 0 ? (double) within_day / wall->len : NAN;
}

static int
compare_candidates (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->interactions != y->interactions)
    return x->interactions > y->interactions ? -1 : 1;
  return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

static gboolean
add_listed (Context *ctx, TendWeekReport *report, TendCollaboratorList list, GArray *candidates,
            guint max, GError **error)
{
  TendStore *store = ctx->self->store;

  g_array_sort (candidates, compare_candidates);
  for (guint i = 0; i < candidates->len && i < max; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);
      sqlite3_stmt    *stmt;
      int              rc;

      stmt = _tend_store_prepare (store,
                                  "SELECT p.display_name,"
                                  " (SELECT min (address) FROM identity WHERE person_id = p.id)"
                                  " FROM person AS p WHERE p.id = ?1",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, c->person_id);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW && sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        _tend_week_report_add_collaborator (
            report, list, (const char *) sqlite3_column_text (stmt, 1),
            (const char *) sqlite3_column_text (stmt, 0), c->interactions);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return _tend_store_set_error (store, rc, error);
    }
  return TRUE;
}

/* The interactions of the FADING_WINDOW_WEEKS weeks before the last FADING_RECENT_WEEKS (week
 * @w among them) when the person was active in enough of those weeks and in none of the recent
 * ones; 0 otherwise. */
static guint
fading_interactions (const guint *counts, guint w)
{
  guint active = 0, earlier = 0;

  for (guint i = 0; i < FADING_RECENT_WEEKS; i++)
    if (counts[w - i] > 0)
      return 0;
  for (guint i = w - FADING_RECENT_WEEKS - FADING_WINDOW_WEEKS + 1; i <= w - FADING_RECENT_WEEKS;
       i++)
    {
      active += counts[i] > 0;
      earlier += counts[i];
    }
  return active >= FADING_MIN_ACTIVE_WEEKS ? earlier : 0;
}

/* @report, when given, receives the lists of people. */
static gboolean
compute_network (Context *ctx, guint t, double *values, TendWeekReport *report, GError **error)
{
  guint w = NETWORK_HISTORY_WEEKS + t;
  /* "New" needs the whole history before the week to exist in the store. */
  gboolean knows_history = ctx->data_since <= ctx->week_starts[w - NETWORK_HISTORY_WEEKS];
  g_autoptr (GArray) top = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr (GArray) fading = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr (GArray) fresh = g_array_new (FALSE, FALSE, sizeof (Candidate));
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, ctx->interactions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const guint *counts = value;
      Candidate    c = { .person_id = (gint64) GPOINTER_TO_SIZE (key) };

      if (counts[w] > 0)
        {
          gboolean seen_before = FALSE;

          for (guint i = w - NETWORK_HISTORY_WEEKS; i < w; i++)
            seen_before |= counts[i] > 0;
          c.interactions = counts[w];
          g_array_append_val (top, c);
          if (knows_history && !seen_before)
            g_array_append_val (fresh, c);
          continue;
        }

      if ((c.interactions = fading_interactions (counts, w)) > 0)
        g_array_append_val (fading, c);
    }

  values[TEND_METRIC_COLLABORATORS] = top->len;
  values[TEND_METRIC_NEW_COLLABORATORS] = knows_history ? fresh->len : NAN;
  values[TEND_METRIC_FADING_COLLABORATORS] = fading->len;

  if (report == NULL)
    return TRUE;
  return add_listed (ctx, report, TEND_COLLABORATORS_TOP, top, TEND_TOP_COLLABORATORS, error)
         && add_listed (ctx, report, TEND_COLLABORATORS_FADING, fading, TEND_LISTED_COLLABORATORS,
                        error)
         && add_listed (ctx, report, TEND_COLLABORATORS_NEW, fresh, TEND_LISTED_COLLABORATORS,
                        error);
}

static gboolean
week_has_data (Context *ctx, gint64 ws, gint64 we)
{
  guint i = lower_bound (ctx->messages, ws);
  guint j = lower_bound (ctx->events, ws);

  return (i < ctx->messages->len && g_array_index (ctx->messages, MessageRow, i).at < we)
         || (j < ctx->events->len && g_array_index (ctx->events, EventRow, j).start < we);
}

/* Figures of target week @t into @values (TEND_N_METRICS) and @days (7). */
static gboolean
compute_target (Context *ctx, guint t, double *values, TendDayFigures *days, gboolean *has_data,
                TendWeekReport *report, GError **error)
{
  gint64 ws = ctx->week_starts[NETWORK_HISTORY_WEEKS + t];
  gint64 we = ctx->week_starts[NETWORK_HISTORY_WEEKS + t + 1];

  for (guint m = 0; m < TEND_N_METRICS; m++)
    values[m] = 0;
  memset (days, 0, 7 * sizeof (TendDayFigures));

  *has_data = week_has_data (ctx, ws, we);
  count_meetings (ctx, ws, we, values);
  compute_meeting_time (ctx, t, ws, we, values, days);
  compute_messages (ctx, t, ws, we, values, days);
  compute_after_hours (ctx, t, values, days);
  compute_replies (ctx, ws, we, values);
  return compute_network (ctx, t, values, report, error);
}

/* Gives @report its trend, @series being TEND_TREND_WEEKS rows of TEND_N_METRICS values (NAN
 * for a week without data), and the baseline each figure's series yields. */
static void
set_trend (TendWeekReport *report, const double *series)
{
  for (guint m = 0; m < TEND_N_METRICS; m++)
    {
      double row[TEND_TREND_WEEKS];
      double before[TEND_BASELINE_WEEKS];
      guint  n = 0;

      for (guint t = 0; t < TEND_TREND_WEEKS; t++)
        row[t] = series[t * TEND_N_METRICS + m];
      _tend_week_report_set_series (report, m, row);

      /* The TEND_BASELINE_WEEKS weeks before the last, without the undefined values. */
      for (guint t = TEND_TREND_WEEKS - 1 - TEND_BASELINE_WEEKS; t < TEND_TREND_WEEKS - 1; t++)
        if (!isnan (row[t]))
          before[n++] = row[t];
      qsort (before, n, sizeof (double), compare_doubles);
      _tend_week_report_set_baseline (report, m,
                                      n >= BASELINE_MIN_WEEKS ? median_of_sorted (before, n) : NAN);
    }
}

/* @week's report from one read of the store, with the figures of the @n_targets weeks that end
 * with it: 1, or TEND_TREND_WEEKS for a trend and baseline. */
static TendWeekReport *
compute (TendInsights *self, const TendWeek *week, guint n_targets, GError **error)
{
  g_auto (Context) ctx = { .self = self, .n_targets = n_targets };
  g_autoptr (TendWeekReport) report = NULL;
  g_autofree double *series = g_new (double, TEND_N_METRICS *n_targets);
  g_autofree char   *hours = NULL;
  TendDayFigures     days[7];
  TendWeek           first;
  guint              last = n_targets - 1;

  ctx.n_weeks = NETWORK_HISTORY_WEEKS + n_targets;
  ctx.now = self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
  tend_week_add (week, -(int) last, &first);
  context_init_calendar (&ctx, &first);

  if (!read_meta (&ctx, error) || !read_messages (&ctx, error) || !read_events (&ctx, error)
      || !read_interactions (&ctx, error))
    return NULL;
  find_replies (&ctx);

  report = _tend_week_report_new (week, self->tz);
  hours = tend_work_hours_to_string (&self->hours);
  _tend_week_report_set_settings (report, hours, self->focus_minimum);

  for (guint t = 0; t < n_targets; t++)
    {
      double  *values = series + t * TEND_N_METRICS;
      gboolean has_data;

      if (!compute_target (&ctx, t, values, days, &has_data, t == last ? report : NULL, error))
        return NULL;
      if (t == last)
        {
          _tend_week_report_set_has_data (report, has_data);
          for (guint m = 0; m < TEND_N_METRICS; m++)
            _tend_week_report_set_value (report, m, values[m]);
          for (guint d = 0; d < 7; d++)
            _tend_week_report_set_day (report, d, &days[d]);
        }
      /* A week without any data is a gap in the trend, not a week of zeros. */
      if (!has_data)
        for (guint m = 0; m < TEND_N_METRICS; m++)
          values[m] = NAN;
    }

  if (n_targets == TEND_TREND_WEEKS)
    set_trend (report, series);

  return g_steal_pointer (&report);
}

/* GObject */

static void
tend_insights_finalize (GObject *object)
{
  TendInsights *self = (TendInsights *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (tend_insights_parent_class)->finalize (object);
}

static void
tend_insights_class_init (TendInsightsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_insights_finalize;
}

static void
tend_insights_init (TendInsights *self)
{
  self->focus_minimum = TEND_DEFAULT_FOCUS_MINIMUM;
  tend_work_hours_init_default (&self->hours);
}

/* Public API */

TendInsights *
tend_insights_new (TendStore *store, GTimeZone *tz, const TendWorkHours *hours)
{
  TendInsights *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  self = g_object_new (TEND_TYPE_INSIGHTS, NULL);
  self->store = g_object_ref (store);
  self->tz = g_time_zone_ref (tz);
  if (hours != NULL)
    self->hours = *hours;
  return self;
}

TendInsights *
tend_insights_new_for_user (TendStore *store, GError **error)
{
  g_autoptr (GTimeZone) tz = tend_settings_get_time_zone ();
  g_autoptr (GSettings) settings = tend_settings_new_if_installed ();
  TendInsights *self;
  TendWorkHours hours;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);

  if (!tend_work_hours_load (&hours, error))
    return NULL;
  self = tend_insights_new (store, tz, &hours);
  if (settings != NULL)
    {
      guint16 minutes;

      g_settings_get (settings, "focus-minimum-minutes", "q", &minutes);
      tend_insights_set_focus_minimum (self, minutes);
    }
  return self;
}

GTimeZone *
tend_insights_get_time_zone (TendInsights *self)
{
  g_return_val_if_fail (TEND_IS_INSIGHTS (self), NULL);

  return self->tz;
}

const TendWorkHours *
tend_insights_get_work_hours (TendInsights *self)
{
  g_return_val_if_fail (TEND_IS_INSIGHTS (self), NULL);

  return &self->hours;
}

void
tend_insights_set_work_hours (TendInsights *self, const TendWorkHours *hours)
{
  g_return_if_fail (TEND_IS_INSIGHTS (self));
  g_return_if_fail (hours != NULL);

  self->hours = *hours;
}

guint
tend_insights_get_focus_minimum (TendInsights *self)
{
  g_return_val_if_fail (TEND_IS_INSIGHTS (self), 0);

  return self->focus_minimum;
}

void
tend_insights_set_focus_minimum (TendInsights *self, guint minutes)
{
  g_return_if_fail (TEND_IS_INSIGHTS (self));
  g_return_if_fail (minutes > 0 && minutes <= 24 * 60);

  self->focus_minimum = minutes;
}

void
tend_insights_set_now (TendInsights *self, gint64 unix_time)
{
  g_return_if_fail (TEND_IS_INSIGHTS (self));

  self->now = unix_time;
}

TendWeekReport *
tend_insights_compute_week (TendInsights *self, const TendWeek *week, GError **error)
{
  g_return_val_if_fail (TEND_IS_INSIGHTS (self), NULL);
  g_return_val_if_fail (week != NULL, NULL);

  return compute (self, week, 1, error);
}

TendWeekReport *
tend_insights_compute (TendInsights *self, const TendWeek *week, GError **error)
{
  g_return_val_if_fail (TEND_IS_INSIGHTS (self), NULL);
  g_return_val_if_fail (week != NULL, NULL);

  return compute (self, week, TEND_TREND_WEEKS, error);
}

/* A report to compute off the caller's thread: copies, so that the thread touches nothing else. */
typedef struct
{
  char    *path;
  TendWeek week;
  gboolean with_trend;
} ReportRequest;

static void
report_request_free (ReportRequest *request)
{
  g_free (request->path);
  g_free (request);
}

/* The store, its statements and the insights live and die in this thread. */
static void
compute_from_file_thread (GTask *task, gpointer source_object, gpointer task_data,
                          GCancellable *cancellable)
{
  ReportRequest *request = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendInsights) insights = NULL;
  TendWeekReport *report = NULL;

  if ((store = tend_store_open (request->path, TEND_STORE_OPEN_READ_ONLY, &error)) != NULL
      && (insights = tend_insights_new_for_user (store, &error)) != NULL)
    {
      /* The caller has its answer as soon as it cancels (return-on-cancel): the queries stop
       * too, rather than keep a core busy for a report no one will read, such as the current
       * week's when the window opens on another. */
      tend_store_stop_on_cancel (store, cancellable);
      report = request->with_trend ? tend_insights_compute (insights, &request->week, &error)
                                   : tend_insights_compute_week (insights, &request->week, &error);
    }
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, g_object_unref);
}

/**
 * tend_insights_compute_from_file_async:
 * @source_object: (nullable): what the callback is called on; kept alive until then
 * @path: a database, opened read-only in a worker thread
 * @with_trend: as tend_insights_compute(); otherwise as tend_insights_compute_week()
 *
 * Computes @week's report off the calling thread, with the user's settings, for a reader such
 * as the window. Cancelling returns at once: an older week's report is of no use once a newer
 * one is asked for.
 */
void
tend_insights_compute_from_file_async (gpointer source_object, const char *path,
                                       const TendWeek *week, gboolean with_trend,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ReportRequest *request;

  g_return_if_fail (path != NULL);
  g_return_if_fail (week != NULL);

  request = g_new0 (ReportRequest, 1);
  request->path = g_strdup (path);
  request->week = *week;
  request->with_trend = with_trend;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_insights_compute_from_file_async);
  g_task_set_task_data (task, request, (GDestroyNotify) report_request_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, compute_from_file_thread);
}

TendWeekReport *
tend_insights_compute_from_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
