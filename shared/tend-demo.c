/* tend-demo.c: a synthetic history to try Tend with and to measure it on
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-demo"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tend-demo.h"
#include "tend-store-private.h"
#include "tend-week.h"

#define DEMO_DOMAIN "demo.tend.invalid"
#define DEMO_ME_NAME "Alex Rivera"

#define MINUTE 60
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

/* Few, big transactions are what make SQLite fast; a bounded one keeps the WAL of a bulk
 * history from growing without limit. */
#define ROWS_PER_TRANSACTION 20000

/* Replies in the bulk history pick their parent among this many recent messages. */
#define BULK_RECENT 64

typedef enum
{
  DAY_WORK,
  DAY_WEEKEND,
  DAY_HOLIDAY,
  DAY_VACATION,
} DayKind;

typedef struct
{
  gint64   base;    /* Unix time of local midnight, by the UTC offset in force at noon */
  int      weekday; /* 1 = Monday … 7 = Sunday */
  int      month;
  int      day_of_month;
  DayKind  kind;
  double   intensity; /* how much is going on: 1 is an ordinary day, busy periods more */
  gboolean busy;
  gboolean evening; /* I carry on in the evening (at a weekend: I do anything at all) */
  gboolean offsite; /* in workshops all day, with the team */
  int      start;   /* my working day, in local seconds after midnight */
  int      end;
} DemoDay;

typedef struct
{
  char    *address;
  char    *name;
  double   weight;    /* how often we are in touch, relative to the others */
  guint    first_day; /* in touch on days [first_day, last_day) only */
  guint    last_day;
  gboolean colleague;
} DemoPerson;

typedef struct
{
  TendStore  *store;
  gint64      account_id;
  GRand      *rand;
  guint32     seed;
  gint64      now;
  const char *tzid;

  DemoDay *days;
  guint    n_days;

  DemoPerson *me;
  GPtrArray  *people;     /* (element-type DemoPerson): everyone but me, people[0] always around */
  double     *cumulative; /* running sums of the people's weights, for weighted picks */

  guint64 serial; /* makes ids unique within the history */
  guint   rows;   /* written since the last commit */
} DemoGenerator;

/* Days away from work: [first_day, first_day + n_days). */
typedef struct
{
  guint first_day;
  guint n_days;
} DemoBlock;

/* A weekly series of the calendar. Its organizer is an index into the people, or -1 for me;
 * only the first few people, who neither fade nor arrive late, organize one. */
typedef struct
{
  const char *key;
  guint       weekdays; /* bit n set: held on weekday n (1 = Monday) */
  int         start;    /* local seconds after midnight */
  int         minutes;
  guint       interval; /* every this many weeks */
  double      first;    /* the share of the history it runs in, 0 … 1 */
  double      last;
  guint       attendees; /* the organizer included */
  int         organizer;
  gboolean    online;
  double      decline; /* how often I decline an occurrence */
} DemoSeries;

#define WEEKDAY(n) (1u << (n))

static const DemoSeries demo_series[] = {
  { "team-sync", WEEKDAY (1), 9 * HOUR + 30 * MINUTE, 45, 1, 0.0, 1.0, 12, 0, TRUE, 0.04 },
  { "standup", WEEKDAY (2) | WEEKDAY (3) | WEEKDAY (4) | WEEKDAY (5), 9 * HOUR + 15 * MINUTE, 15, 1,
    0.3, 1.0, 6, 1, TRUE, 0.08 },
  { "one-on-one", WEEKDAY (2), 14 * HOUR, 30, 1, 0.0, 1.0, 2, 0, FALSE, 0.03 },
  { "mentoring", WEEKDAY (4), 11 * HOUR, 30, 2, 0.0, 1.0, 2, -1, TRUE, 0.05 },
  { "design-review", WEEKDAY (3), 15 * HOUR, 60, 1, 0.15, 0.75, 9, 2, TRUE, 0.15 },
  { "all-hands", WEEKDAY (4), 16 * HOUR, 60, 4, 0.0, 1.0, 60, 0, TRUE, 0.2 },
};

static const char *const first_names[] = {
  "Sam",   "Priya", "Jonas",  "Mei",   "Tomás", "Aisha", "Lukas", "Noor",   "Elena", "Kwame",
  "Hana",  "Mateo", "Ingrid", "Ravi",  "Chloé", "Omar",  "Sofia", "Daniel", "Yuki",  "Fatima",
  "Nils",  "Grace", "Arjun",  "Leila", "Marco", "Zoe",   "Tariq", "Anouk",  "Felix", "Amara",
  "Diego", "Freya", "Kenji",  "Lucia", "Pavel", "Rosa",  "Theo",  "Wen",    "Ines",  "Bruno",
};

static const char *const last_names[] = {
  "Okafor",  "Lindqvist", "Chen",   "Moreau",  "Haddad", "Novak",     "Sato",    "Fischer",
  "Mensah",  "Kowalski",  "Ortega", "Brennan", "Iyer",   "Larsen",    "Dubois",  "Kim",
  "Petrov",  "Nakamura",  "Walsh",  "Rahman",  "Costa",  "Bergström", "Adeyemi", "Varga",
  "Schmidt", "Alvarez",   "Nguyen", "Hughes",  "Rossi",  "Jansen",    "Ali",     "Kaur",
  "Müller",  "Silva",     "Murphy", "Popescu", "Yilmaz", "Andersen",  "Tanaka",  "Weber",
};

G_STATIC_ASSERT (G_N_ELEMENTS (first_names) == G_N_ELEMENTS (last_names));

static const char *const external_domains[] = {
  "harbor-labs.invalid",         "bluefinch.invalid",       "quarry-partners.invalid",
  "lakeside-university.invalid", "pinecrest-legal.invalid",
};

/* The demo's team and its wider circle. */
#define DEMO_COLLEAGUES 25
#define DEMO_CONTACTS 40

/* Random draws */

static gboolean
chance (DemoGenerator *gen, double p)
{
  return g_rand_double (gen->rand) < p;
}

/* Uniform in [lo, hi]. */
static int
rand_between (DemoGenerator *gen, int lo, int hi)
{
  return g_rand_int_range (gen->rand, lo, hi + 1);
}

static double
rand_normal (DemoGenerator *gen)
{
  /* Box–Muller; 1 - u keeps the logarithm finite. */
  double u = 1.0 - g_rand_double (gen->rand);
  double v = g_rand_double (gen->rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static double
rand_lognormal (DemoGenerator *gen, double median, double sigma)
{
  return median * exp (sigma * rand_normal (gen));
}

/* Knuth's method, fine for the small means used here. */
static guint
rand_poisson (DemoGenerator *gen, double mean)
{
  double limit = exp (-mean);
  double product = g_rand_double (gen->rand);
  guint  n = 0;

  while (product > limit)
    {
      n++;
      product *= g_rand_double (gen->rand);
    }
  return n;
}

static DemoPerson *
pick_person (DemoGenerator *gen, guint day, gboolean colleague_only)
{
  guint  n = gen->people->len;
  double total = gen->cumulative[n - 1];

  for (guint attempt = 0; attempt < 64; attempt++)
    {
      double      x = g_rand_double (gen->rand) * total;
      guint       lo = 0, hi = n - 1;
      DemoPerson *person;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (gen->cumulative[mid] > x)
            hi = mid;
          else
            lo = mid + 1;
        }
      person = g_ptr_array_index (gen->people, lo);
      if (day >= person->first_day && day < person->last_day
          && (person->colleague || !colleague_only))
        return person;
    }
  /* Everyone drawn was out of reach that day. */
  return g_ptr_array_index (gen->people, 0);
}

static char *
new_id (DemoGenerator *gen, const char *what)
{
  return g_strdup_printf ("%s-%08x-%" G_GUINT64_FORMAT "@" DEMO_DOMAIN, what, gen->seed,
                          ++gen->serial);
}

/* The generator */

static void
demo_person_free (gpointer data)
{
  DemoPerson *person = data;

  g_free (person->address);
  g_free (person->name);
  g_free (person);
}

static void
demo_generator_clear (DemoGenerator *gen)
{
  g_clear_pointer (&gen->rand, g_rand_free);
  g_clear_pointer (&gen->days, g_free);
  g_clear_pointer (&gen->me, demo_person_free);
  g_clear_pointer (&gen->people, g_ptr_array_unref);
  g_clear_pointer (&gen->cumulative, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoGenerator, demo_generator_clear)

static gboolean
is_holiday (const DemoDay *day)
{
  switch (day->month)
    {
    case 1:
      return day->day_of_month == 1;
    case 5:
      /* Labour Day, and the last Monday of May. */
      return day->day_of_month == 1 || (day->weekday == 1 && day->day_of_month > 24);
    case 9:
      return day->weekday == 1 && day->day_of_month <= 7;
    case 12:
      return day->day_of_month == 25 || day->day_of_month == 26;
    default:
      return FALSE;
    }
}

/* Lays out the @weeks weeks that end with the one holding @now, day by day. */
static void
demo_generator_init (DemoGenerator *gen, TendStore *store, guint32 seed, guint weeks,
                     GDateTime *now, GTimeZone *tz)
{
  g_autoptr (GDateTime) first = NULL;
  TendWeek week;

  gen->store = store;
  gen->seed = seed;
  gen->rand = g_rand_new_with_seed (seed);
  gen->now = g_date_time_to_unix (now);
  gen->tzid = g_time_zone_get_identifier (tz);

  tend_week_from_unix (gen->now, tz, &week);
  tend_week_add (&week, 1 - (int) weeks, &week);
  first = tend_week_get_start (&week, tz);

  gen->n_days = weeks * 7;
  gen->days = g_new0 (DemoDay, gen->n_days);
  for (guint i = 0; i < gen->n_days; i++)
    {
      g_autoptr (GDateTime) date = g_date_time_add_days (first, i);
      g_autoptr (GDateTime) noon = NULL;
      DemoDay *day = &gen->days[i];

      /* Noon's offset is the day's offset for all but the small hours of a DST change. */
      noon = g_date_time_new (tz, g_date_time_get_year (date), g_date_time_get_month (date),
                              g_date_time_get_day_of_month (date), 12, 0, 0);
      day->base = g_date_time_to_unix (noon) - 12 * HOUR;
      day->weekday = g_date_time_get_day_of_week (date);
      day->month = g_date_time_get_month (date);
      day->day_of_month = g_date_time_get_day_of_month (date);
      day->kind = day->weekday >= 6 ? DAY_WEEKEND : DAY_WORK;
      if (day->kind == DAY_WORK && is_holiday (day))
        day->kind = DAY_HOLIDAY;
      day->intensity = 1.0;
      day->start = 9 * HOUR;
      day->end = 17 * HOUR + 30 * MINUTE;
    }

  gen->people = g_ptr_array_new_with_free_func (demo_person_free);
  gen->me = g_new0 (DemoPerson, 1);
  gen->me->address = g_strdup (TEND_DEMO_ME_ADDRESS);
  gen->me->name = g_strdup (DEMO_ME_NAME);
  gen->me->last_day = gen->n_days;
}

static void
shuffle (DemoGenerator *gen, const char **items, guint n)
{
  for (guint i = n - 1; i > 0; i--)
    {
      guint       j = g_rand_int_range (gen->rand, 0, i + 1);
      const char *swap = items[i];

      items[i] = items[j];
      items[j] = swap;
    }
}

/* Adds @n people with names of the pools, shuffled by the seed; the address is the ASCII
 * form of the name (plus @suffix, if any) in @domain. */
static void
add_people (DemoGenerator *gen, guint n, const char *domain, gboolean colleague, const char *suffix)
{
  const char *firsts[G_N_ELEMENTS (first_names)];
  const char *lasts[G_N_ELEMENTS (last_names)];
  const guint pool = G_N_ELEMENTS (first_names);

  memcpy (firsts, first_names, sizeof firsts);
  memcpy (lasts, last_names, sizeof lasts);
  shuffle (gen, firsts, pool);
  shuffle (gen, lasts, pool);

  for (guint i = 0; i < n; i++)
    {
      DemoPerson *person = g_new0 (DemoPerson, 1);
      /* Pairs repeat only after pool² people: the surname shifts by one each round. */
      const char      *given = firsts[i % pool];
      const char      *family = lasts[(i + i / pool) % pool];
      g_autofree char *ascii = NULL;
      g_autofree char *local = NULL;

      person->name = g_strdup_printf ("%s %s", given, family);
      ascii = g_str_to_ascii (person->name, "C");
      local = g_ascii_strdown (ascii, -1);
      g_strdelimit (local, " ", '.');
      if (i >= pool * pool)
        {
          g_autofree char *plain = g_steal_pointer (&local);

          local = g_strdup_printf ("%s.%u", plain, i / (pool * pool));
        }
      person->address = g_strdup_printf (
          "%s%s@%s", local, suffix != NULL ? suffix : "",
          domain != NULL ? domain : external_domains[i % G_N_ELEMENTS (external_domains)]);
      person->colleague = colleague;
      person->weight = 1.0;
      person->last_day = gen->n_days;
      g_ptr_array_add (gen->people, person);
    }
}

/* Registers everyone by name up front: a person first seen as a recipient would otherwise stay
 * nameless. */
static gboolean
register_people (DemoGenerator *gen, GError **error)
{
  for (guint i = 0; i < gen->people->len; i++)
    {
      DemoPerson *person = g_ptr_array_index (gen->people, i);

      if (!tend_store_ensure_person (gen->store, person->address, person->name, error))
        return FALSE;
    }
  return TRUE;
}

static void
compute_cumulative_weights (DemoGenerator *gen)
{
  double sum = 0;

  gen->cumulative = g_new (double, gen->people->len);
  for (guint i = 0; i < gen->people->len; i++)
    {
      DemoPerson *person = g_ptr_array_index (gen->people, i);

      sum += person->weight;
      gen->cumulative[i] = sum;
    }
}

static guint
days_before_end (DemoGenerator *gen, guint days)
{
  return gen->n_days > days ? gen->n_days - days : 0;
}

/* The realistic cast: a manager and two close colleagues who organize the series, three close
 * colleagues who fade away near the end, one who left and one who joined mid-way, two new
 * colleagues and a new outside contact in the last weeks. */
static void
cast_people (DemoGenerator *gen)
{
  DemoPerson *person;

  add_people (gen, DEMO_COLLEAGUES, DEMO_DOMAIN, TRUE, NULL);
  add_people (gen, DEMO_CONTACTS, NULL, FALSE, NULL);

  for (guint i = 0; i < DEMO_COLLEAGUES; i++)
    {
      person = g_ptr_array_index (gen->people, i);
      person->weight = CLAMP (rand_lognormal (gen, 1.0, 0.6), 0.4, 3.0);
    }
  /* Outside contacts: a few write now and then all year; most belong to one project of a few
   * weeks (too short for the coach to call them fading when it ends). */
  for (guint i = 0; i < DEMO_CONTACTS; i++)
    {
      guint weeks = gen->n_days / 7;
      guint length = rand_between (gen, 2, 3);

      person = g_ptr_array_index (gen->people, DEMO_COLLEAGUES + i);
      if (i < DEMO_CONTACTS / 5 || weeks <= length)
        {
          person->weight = CLAMP (rand_lognormal (gen, 0.04, 0.5), 0.01, 0.2);
          continue;
        }
      person->weight = CLAMP (rand_lognormal (gen, 0.5, 0.5), 0.1, 1.5);
      person->first_day = 7 * rand_between (gen, 0, weeks - length);
      person->last_day = person->first_day + 7 * length;
    }

  ((DemoPerson *) g_ptr_array_index (gen->people, 0))->weight = 4.0;
  ((DemoPerson *) g_ptr_array_index (gen->people, 1))->weight = 3.0;
  ((DemoPerson *) g_ptr_array_index (gen->people, 2))->weight = 2.5;

  for (guint i = 3; i <= 5; i++)
    {
      person = g_ptr_array_index (gen->people, i);
      person->weight = 2.8 - 0.2 * i;
      person->last_day = days_before_end (gen, 7 * (8 - i));
    }

  person = g_ptr_array_index (gen->people, 6);
  person->last_day = gen->n_days * 45 / 100;
  person = g_ptr_array_index (gen->people, 7);
  person->first_day = gen->n_days * 40 / 100;

  person = g_ptr_array_index (gen->people, DEMO_COLLEAGUES - 2);
  person->first_day = days_before_end (gen, 12);
  person->weight = 2.5;
  person = g_ptr_array_index (gen->people, DEMO_COLLEAGUES - 1);
  person->first_day = days_before_end (gen, 8);
  person->weight = 2.0;
  person = g_ptr_array_index (gen->people, DEMO_COLLEAGUES);
  person->first_day = days_before_end (gen, 10);
  person->last_day = gen->n_days;
  person->weight = 1.5;

  compute_cumulative_weights (gen);
}

static void
mark_vacation (DemoGenerator *gen, guint first_day, guint n_days)
{
  for (guint i = first_day; i < first_day + n_days && i < gen->n_days; i++)
    if (gen->days[i].kind != DAY_WEEKEND)
      gen->days[i].kind = DAY_VACATION;
}

/* Two busy periods of three weeks, and the last two weeks, so that the current week has
 * something for the coach to say. */
static void
plan_busy_weeks (DemoGenerator *gen)
{
  guint weeks = gen->n_days / 7;

  if (weeks >= 12)
    {
      for (guint period = 0; period < 2; period++)
        {
          guint first = rand_between (gen, 2, weeks - 10);

          for (guint i = first * 7; i < (first + 3) * 7; i++)
            gen->days[i].busy = TRUE;
        }
    }
  for (guint i = days_before_end (gen, 14); i < gen->n_days; i++)
    gen->days[i].busy = TRUE;
}

/* A long summer break, a week in spring and a few long weekends, none in the last six weeks:
 * they stay for the trend. Once a year, a week of workshops away with the team. */
static void
plan_time_off (DemoGenerator *gen, GArray *vacations)
{
  guint weeks = gen->n_days / 7;

  if (weeks >= 20)
    {
      guint     summer = MIN (weeks * 55 / 100 + rand_between (gen, -2, 2), weeks - 9);
      guint     spring = weeks * 25 / 100 + rand_between (gen, -2, 2);
      DemoBlock blocks[] = { { spring * 7, 9 }, { summer * 7, 16 } };

      for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
        {
          mark_vacation (gen, blocks[i].first_day, blocks[i].n_days);
          g_array_append_val (vacations, blocks[i]);
        }
    }
  if (weeks > 7)
    {
      for (guint i = 0; i < 4; i++)
        {
          guint     week = rand_between (gen, 1, weeks - 7);
          DemoBlock block = { week * 7 + (chance (gen, 0.5) ? 0 : 4), 1 };

          if (gen->days[block.first_day].kind != DAY_WORK)
            continue;
          mark_vacation (gen, block.first_day, 1);
          g_array_append_val (vacations, block);
        }
    }

  /* Not one free hour that week. */
  if (weeks >= 20)
    {
      guint offsite = weeks * 70 / 100 + rand_between (gen, -2, 2);

      for (guint i = offsite * 7; i < offsite * 7 + 5; i++)
        gen->days[i].offsite = gen->days[i].kind == DAY_WORK;
    }
}

/* Each day's rhythm: how full it is, when I start and stop, and whether I carry on at night. */
static void
plan_days (DemoGenerator *gen)
{
  double mood = 1.0;

  for (guint i = 0; i < gen->n_days; i++)
    {
      DemoDay *day = &gen->days[i];

      /* Some weeks are simply fuller than others. */
      if (i % 7 == 0)
        mood = 0.85 + 0.3 * g_rand_double (gen->rand);
      day->intensity = (day->busy ? 1.5 : day->offsite ? 0.5 : 1.0) * mood;
      /* Around 09:00–17:00; busy days run late. */
      day->start = 9 * HOUR + rand_between (gen, -10, 20) * MINUTE;
      day->end = 17 * HOUR + rand_between (gen, -30, 10) * MINUTE + (day->busy ? 45 * MINUTE : 0);
      switch (day->kind)
        {
        case DAY_WORK:
          day->evening = chance (gen, day->busy ? 0.5 : 0.12);
          break;
        case DAY_WEEKEND:
          day->evening = chance (gen, day->busy ? 0.35 : 0.07);
          break;
        case DAY_HOLIDAY:
          day->evening = chance (gen, 0.03);
          break;
        case DAY_VACATION:
          day->evening = FALSE;
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* Chooses which weeks are busy and which are spent away, and each day's rhythm. The draws keep
 * their order: the same seed gives the same year. */
static void
plan_year (DemoGenerator *gen, GArray *vacations)
{
  plan_busy_weeks (gen);
  plan_time_off (gen, vacations);
  plan_days (gen);
}

static gboolean
row_written (DemoGenerator *gen, GError **error)
{
  if (++gen->rows < ROWS_PER_TRANSACTION)
    return TRUE;
  gen->rows = 0;
  return tend_store_commit (gen->store, error) && tend_store_begin (gen->store, error);
}

static guint
day_of (DemoGenerator *gen, gint64 t)
{
  gint64 i;

  if (t < gen->days[0].base)
    return 0;
  i = MIN ((t - gen->days[0].base) / DAY, (gint64) gen->n_days - 1);
  /* A DST change moves midnights by an hour. */
  while (i > 0 && t < gen->days[i].base)
    i--;
  while (i + 1 < gen->n_days && t >= gen->days[i + 1].base)
    i++;
  return (guint) i;
}

/* Messages */

static void
draw_features (DemoGenerator *gen, TendMessageKind kind, double stress, TendContentFeatures *f)
{
  gboolean mail = kind == TEND_MESSAGE_KIND_MAIL;
  double   words = mail ? rand_lognormal (gen, 60, 0.8) : rand_lognormal (gen, 8, 0.6);

  f->words = (guint) CLAMP (words, 1, mail ? 1500 : 120);
  f->gratitude = chance (gen, mail ? 0.22 : 0.12) ? 1 + chance (gen, 0.2) : 0;
  f->apologies = chance (gen, 0.04 * stress);
  f->hedges = rand_poisson (gen, mail ? 0.3 * stress : 0.08);
  f->negative = chance (gen, 0.03 * stress * stress);
  f->questions = chance (gen, mail ? 0.3 : 0.25) ? 1 + chance (gen, 0.3) : 0;
}

/* Stores a message unless it lies after "now". @id_out, if not NULL, receives its provider id,
 * or NULL when it was not stored. */
static gboolean
emit_message (DemoGenerator *gen, TendMessageKind kind, gint64 sent_at, const DemoPerson *sender,
              const DemoPerson *const *recipients, guint n_recipients, const char *conversation,
              const char *in_reply_to, double stress, char **id_out, GError **error)
{
  g_autoptr (TendMessage) message = NULL;

  if (id_out != NULL)
    *id_out = NULL;
  if (sent_at > gen->now)
    return TRUE;

  message = tend_message_new ();
  message->provider_id = new_id (gen, kind == TEND_MESSAGE_KIND_MAIL ? "mail" : "chat");
  message->kind = kind;
  message->conversation_id = g_strdup (conversation);
  message->sent_at = sent_at;
  message->sender = g_strdup (sender->address);
  message->sender_name = g_strdup (sender->name);
  for (guint i = 0; i < n_recipients; i++)
    if (recipients[i] != sender)
      tend_message_add_recipient (message, recipients[i]->address);
  message->in_reply_to = g_strdup (in_reply_to);
  draw_features (gen, kind, stress, &message->features);

  if (!tend_store_add_message (gen->store, gen->account_id, message, NULL, error))
    return FALSE;
  if (id_out != NULL)
    *id_out = g_steal_pointer (&message->provider_id);
  return row_written (gen, error);
}

/* Minutes until someone answers: mostly within the hour, often a few hours, now and then the
 * next day. Busy days stretch it. */
static gint64
draw_reply_delay (DemoGenerator *gen, double intensity)
{
  double r = g_rand_double (gen->rand);
  double minutes;

  if (r < 0.45)
    minutes = rand_lognormal (gen, 12, 0.9);
  else if (r < 0.85)
    minutes = rand_lognormal (gen, 90, 0.8);
  else
    minutes = rand_lognormal (gen, 20 * 60, 0.6);
  return MINUTE + (gint64) (minutes * intensity * MINUTE);
}

/* When I really answer what reached me at @t: at once within my working day or on an evening
 * I work, else at the start of my next working day. */
static gint64
my_answer_time (DemoGenerator *gen, gint64 t)
{
  guint          i = day_of (gen, t);
  const DemoDay *day = &gen->days[i];
  gint64         local = t - day->base;

  if (day->kind == DAY_WORK)
    {
      if (local < day->start)
        return day->base + day->start + rand_between (gen, 0, 40) * MINUTE;
      if (local < day->end || (day->evening && local < 23 * HOUR))
        return t;
    }
  else if (day->evening && local >= 10 * HOUR && local < 22 * HOUR)
    return t;

  for (i++; i < gen->n_days; i++)
    if (gen->days[i].kind == DAY_WORK)
      return gen->days[i].base + gen->days[i].start + rand_between (gen, 0, 60) * MINUTE;
  return G_MAXINT64;
}

/* Others keep office hours on weekdays too, with exceptions; my holidays are theirs. */
static gint64
their_answer_time (DemoGenerator *gen, gint64 t)
{
  guint          i = day_of (gen, t);
  const DemoDay *day = &gen->days[i];
  gint64         local = t - day->base;

  if (day->kind == DAY_WORK || day->kind == DAY_VACATION)
    {
      if (local < 8 * HOUR)
        return day->base + 8 * HOUR + rand_between (gen, 0, 90) * MINUTE;
      if (local < 18 * HOUR + 30 * MINUTE || chance (gen, 0.1))
        return t;
    }
  for (i++; i < gen->n_days; i++)
    if (gen->days[i].kind == DAY_WORK || gen->days[i].kind == DAY_VACATION)
      return gen->days[i].base + 8 * HOUR + rand_between (gen, 0, 120) * MINUTE;
  return G_MAXINT64;
}

/* A moment of my working day, with a lunch break. */
static gint64
draw_work_time (DemoGenerator *gen, const DemoDay *day)
{
  for (;;)
    {
      int s = rand_between (gen, day->start, day->end);

      if (s < 12 * HOUR + 15 * MINUTE || s >= 13 * HOUR || !chance (gen, 0.7))
        return day->base + s;
    }
}

static gint64
draw_evening_time (DemoGenerator *gen, const DemoDay *day)
{
  return day->base + rand_between (gen, 19 * HOUR, 22 * HOUR + 45 * MINUTE);
}

/* When others write to me: mostly office hours, some early or late; at weekends, by day. */
static gint64
draw_their_time (DemoGenerator *gen, const DemoDay *day)
{
  if (day->kind == DAY_WEEKEND || day->kind == DAY_HOLIDAY)
    return day->base + rand_between (gen, 9 * HOUR, 21 * HOUR);
  if (chance (gen, 0.8))
    return day->base + rand_between (gen, 8 * HOUR, 18 * HOUR + 30 * MINUTE);
  return day->base + rand_between (gen, 6 * HOUR + 30 * MINUTE, 22 * HOUR + 30 * MINUTE);
}

/* Up to @max people, the first one @first, the others colleagues drawn at random. */
static guint
draw_group (DemoGenerator *gen, guint d, DemoPerson *first, double extra_mean, guint max,
            const DemoPerson **out)
{
  guint n = 1, extra = rand_poisson (gen, extra_mean);

  out[0] = first;
  for (guint i = 0; i < extra && n < max; i++)
    {
      DemoPerson *person = pick_person (gen, d, TRUE);
      gboolean    seen = FALSE;

      for (guint j = 0; j < n; j++)
        seen |= out[j] == person;
      if (!seen)
        out[n++] = person;
    }
  return n;
}

/* A mail to me (maybe copying others), my reply to some, and their answer to a few replies. */
static gboolean
receive_mail (DemoGenerator *gen, guint d, GError **error)
{
  const DemoDay *day = &gen->days[d];
  DemoPerson    *from = pick_person (gen, d, FALSE);
  /* Me, the sender (who is no recipient of their own mail) and whoever they copy. */
  const DemoPerson *to[5] = { gen->me };
  guint             n_to = 1 + draw_group (gen, d, from, 0.6, 4, to + 1);
  g_autofree char  *conversation = new_id (gen, "thread");
  g_autofree char  *id = NULL;
  g_autofree char  *reply_id = NULL;
  g_autofree char  *answer_id = NULL;
  gint64            t = draw_their_time (gen, day);
  gint64            reply_at, answer_at;

  if (!emit_message (gen, TEND_MESSAGE_KIND_MAIL, t, from, to, n_to, conversation, NULL,
                     day->intensity, &id, error))
    return FALSE;
  if (id == NULL || !chance (gen, from->colleague ? 0.45 : 0.3))
    return TRUE;

  /* Sometimes to all, else to the sender alone. */
  reply_at = my_answer_time (gen, t + draw_reply_delay (gen, day->intensity));
  if (!emit_message (gen, TEND_MESSAGE_KIND_MAIL, reply_at, gen->me, to,
                     chance (gen, 0.4) ? n_to : 2, conversation, id, day->intensity, &reply_id,
                     error))
    return FALSE;
  if (reply_id == NULL || !chance (gen, 0.3))
    return TRUE;

  answer_at = their_answer_time (gen, reply_at + draw_reply_delay (gen, 1.0));
  return emit_message (gen, TEND_MESSAGE_KIND_MAIL, answer_at, from, to, 1, conversation, reply_id,
                       1.0, &answer_id, error);
}

/* A mail I start, an answer to half of them, and my follow-up to some answers. */
static gboolean
send_mail (DemoGenerator *gen, guint d, gboolean evening, GError **error)
{
  const DemoDay    *day = &gen->days[d];
  DemoPerson       *first = pick_person (gen, d, chance (gen, 0.8));
  const DemoPerson *to[4];
  guint             n_to = draw_group (gen, d, first, 0.7, G_N_ELEMENTS (to), to);
  g_autofree char  *conversation = new_id (gen, "thread");
  g_autofree char  *id = NULL;
  g_autofree char  *answer_id = NULL;
  g_autofree char  *follow_up_id = NULL;
  gint64            t = evening ? draw_evening_time (gen, day) : draw_work_time (gen, day);
  const DemoPerson *back[1] = { gen->me };
  gint64            answer_at, follow_up_at;

  if (!emit_message (gen, TEND_MESSAGE_KIND_MAIL, t, gen->me, to, n_to, conversation, NULL,
                     day->intensity, &id, error))
    return FALSE;
  if (id == NULL || !chance (gen, 0.55))
    return TRUE;

  answer_at = their_answer_time (gen, t + draw_reply_delay (gen, 1.0));
  if (!emit_message (gen, TEND_MESSAGE_KIND_MAIL, answer_at, to[0], back, 1, conversation, id, 1.0,
                     &answer_id, error))
    return FALSE;
  if (answer_id == NULL || !chance (gen, 0.25))
    return TRUE;

  follow_up_at = my_answer_time (gen, answer_at + draw_reply_delay (gen, day->intensity));
  return emit_message (gen, TEND_MESSAGE_KIND_MAIL, follow_up_at, gen->me, to, 1, conversation,
                       answer_id, day->intensity, &follow_up_id, error);
}

/* A burst of chat with one colleague, or in the team's group chat. */
static gboolean
chat (DemoGenerator *gen, guint d, gboolean evening, GError **error)
{
  const DemoDay    *day = &gen->days[d];
  const DemoPerson *members[7] = { gen->me };
  g_autofree char  *conversation = NULL;
  guint             n_members, n_messages;
  const DemoPerson *speaker;
  gint64            t;

  if (chance (gen, 0.15))
    {
      n_members = 1 + draw_group (gen, d, pick_person (gen, d, TRUE), 3.0, 6, members + 1);
      conversation = g_strdup_printf ("team-chat-%08x@" DEMO_DOMAIN, gen->seed);
    }
  else
    {
      n_members = 1 + draw_group (gen, d, pick_person (gen, d, TRUE), 0, 1, members + 1);
      conversation = g_strdup_printf ("chat-%08x-%s", gen->seed, members[1]->address);
    }

  t = evening ? draw_evening_time (gen, day) : draw_work_time (gen, day);
  n_messages = 2 + rand_poisson (gen, 3.0);
  speaker = chance (gen, 0.5) ? gen->me : members[rand_between (gen, 1, n_members - 1)];
  for (guint i = 0; i < n_messages; i++)
    {
      if (!emit_message (gen, TEND_MESSAGE_KIND_CHAT, t, speaker, members, n_members, conversation,
                         NULL, day->intensity, NULL, error))
        return FALSE;
      t += 5 + (gint64) rand_lognormal (gen, 50, 1.0);
      if (chance (gen, 0.65))
        speaker = speaker == gen->me ? members[rand_between (gen, 1, n_members - 1)] : gen->me;
    }
  return TRUE;
}

static gboolean
simulate_messages (DemoGenerator *gen, guint d, GError **error)
{
  const DemoDay *day = &gen->days[d];
  double         received;
  guint          n;

  switch (day->kind)
    {
    case DAY_WORK:
      received = 20 * day->intensity;
      break;
    case DAY_VACATION:
      /* Fewer: my out-of-office reply tells people. */
      received = 8;
      break;
    case DAY_WEEKEND:
    case DAY_HOLIDAY:
    default:
      received = 1;
      break;
    }

  n = rand_poisson (gen, received);
  for (guint i = 0; i < n; i++)
    if (!receive_mail (gen, d, error))
      return FALSE;

  if (day->kind == DAY_WORK)
    {
      n = rand_poisson (gen, 5 * day->intensity);
      for (guint i = 0; i < n; i++)
        if (!send_mail (gen, d, FALSE, error))
          return FALSE;
      n = rand_poisson (gen, 4 * day->intensity);
      for (guint i = 0; i < n; i++)
        if (!chat (gen, d, FALSE, error))
          return FALSE;
    }

  if (day->evening)
    {
      n = 1 + rand_poisson (gen, 2 * day->intensity);
      for (guint i = 0; i < n; i++)
        if (!(chance (gen, 0.6) ? send_mail (gen, d, TRUE, error) : chat (gen, d, TRUE, error)))
          return FALSE;
    }
  return TRUE;
}

/* Calendar */

typedef struct
{
  int   start[32]; /* local seconds after midnight of the meetings I attend that day */
  int   end[32];
  guint n;
} DaySchedule;

static void
schedule_add (DaySchedule *schedule, int start, int end)
{
  if (schedule->n < G_N_ELEMENTS (schedule->start))
    {
      schedule->start[schedule->n] = start;
      schedule->end[schedule->n] = end;
      schedule->n++;
    }
}

static gboolean
schedule_is_free (const DaySchedule *schedule, int start, int end)
{
  for (guint i = 0; i < schedule->n; i++)
    if (start < schedule->end[i] && schedule->start[i] < end)
      return FALSE;
  return TRUE;
}

static TendResponse
draw_invitee_response (DemoGenerator *gen, double decline)
{
  double r = g_rand_double (gen->rand);

  if (r < decline)
    return TEND_RESPONSE_DECLINED;
  if (r < decline + 0.06)
    return TEND_RESPONSE_TENTATIVE;
  if (r < decline + 0.12)
    return TEND_RESPONSE_NEEDS_ACTION;
  return TEND_RESPONSE_ACCEPTED;
}

static gboolean
emit_event (DemoGenerator *gen, const TendEvent *event, GError **error)
{
  return tend_store_add_event (gen->store, gen->account_id, event, NULL, error)
         && row_written (gen, error);
}

static gboolean
emit_all_day (DemoGenerator *gen, const char *what, guint first_day, guint n_days, GError **error)
{
  g_autoptr (TendEvent) event = tend_event_new ();
  guint last = MIN (first_day + n_days, gen->n_days);

  event->uid = new_id (gen, what);
  event->start = gen->days[first_day].base;
  event->end = last < gen->n_days ? gen->days[last].base : gen->days[last - 1].base + DAY;
  event->tzid = g_strdup (gen->tzid);
  event->all_day = TRUE;
  return emit_event (gen, event, error);
}

static gboolean
emit_occurrence (DemoGenerator *gen, const DemoSeries *series, guint d, DaySchedule *schedule,
                 GError **error)
{
  const DemoDay *day = &gen->days[d];
  g_autoptr (TendEvent) event = tend_event_new ();
  const DemoPerson *organizer
      = series->organizer < 0 ? gen->me : g_ptr_array_index (gen->people, series->organizer);

  event->uid = g_strdup_printf ("%s-%08x@" DEMO_DOMAIN, series->key, gen->seed);
  event->recurrence_id = day->base + series->start;
  event->start = event->recurrence_id;
  /* Now and then one occurrence moves by half an hour or more. */
  if (chance (gen, 0.05))
    event->start += (chance (gen, 0.5) ? -1 : 1) * rand_between (gen, 1, 4) * 30 * MINUTE;
  event->end = event->start + series->minutes * MINUTE;
  event->tzid = g_strdup (gen->tzid);
  event->organizer = g_strdup (organizer->address);
  event->attendee_count = series->attendees;
  event->recurring = TRUE;
  event->online = series->online;
  event->my_response = organizer == gen->me ? TEND_RESPONSE_ORGANIZER
                                            : draw_invitee_response (gen, series->decline);
  event->cancelled = chance (gen, 0.03) || day->kind == DAY_HOLIDAY;
  if (day->kind == DAY_VACATION)
    {
      if (organizer == gen->me)
        event->cancelled = TRUE;
      else
        event->my_response = TEND_RESPONSE_DECLINED;
    }

  if (!event->cancelled && tend_response_is_attending (event->my_response))
    schedule_add (schedule, event->start - day->base, event->end - day->base);
  return emit_event (gen, event, error);
}

static gboolean
emit_meeting (DemoGenerator *gen, guint d, int start, int minutes, DaySchedule *schedule,
              GError **error)
{
  const DemoDay *day = &gen->days[d];
  g_autoptr (TendEvent) event = tend_event_new ();

  event->uid = new_id (gen, "meeting");
  event->start = day->base + start;
  event->end = event->start + minutes * MINUTE;
  event->tzid = g_strdup (gen->tzid);
  event->attendee_count
      = chance (gen, 0.12) ? (guint) rand_between (gen, 8, 25) : 2 + rand_poisson (gen, 1.5);
  if (chance (gen, 0.3))
    {
      event->organizer = g_strdup (gen->me->address);
      event->my_response = TEND_RESPONSE_ORGANIZER;
    }
  else
    {
      event->organizer = g_strdup (pick_person (gen, d, FALSE)->address);
      event->my_response = draw_invitee_response (gen, 0.12);
    }
  event->cancelled = chance (gen, 0.05);
  event->online = chance (gen, 0.6);

  if (!event->cancelled && tend_response_is_attending (event->my_response))
    schedule_add (schedule, start, start + minutes * MINUTE);
  return emit_event (gen, event, error);
}

static gboolean
emit_workshop (DemoGenerator *gen, guint d, int start, int end, GError **error)
{
  const DemoDay *day = &gen->days[d];
  g_autoptr (TendEvent) event = tend_event_new ();

  event->uid = new_id (gen, "offsite");
  event->start = day->base + start;
  event->end = day->base + end;
  event->tzid = g_strdup (gen->tzid);
  event->organizer = g_strdup (((DemoPerson *) g_ptr_array_index (gen->people, 0))->address);
  event->attendee_count = 15;
  event->my_response = TEND_RESPONSE_ACCEPTED;
  return emit_event (gen, event, error);
}

/* Ad-hoc meetings fill free slots of my working day, often right after another meeting (which
 * makes back-to-back chains); on evenings I work, a late call now and then. */
static gboolean
simulate_meetings (DemoGenerator *gen, guint d, GError **error)
{
  static const int durations[] = { 30, 30, 30, 45, 60, 60, 90 };
  const DemoDay   *day = &gen->days[d];
  DaySchedule      schedule = { 0 };
  guint            week = d / 7;
  guint            weeks = gen->n_days / 7;
  guint            n;

  for (guint i = 0; i < G_N_ELEMENTS (demo_series); i++)
    {
      const DemoSeries *series = &demo_series[i];
      guint             first = (guint) (series->first * weeks);
      guint             last = (guint) ceil (series->last * weeks);

      if ((series->weekdays & WEEKDAY (day->weekday)) && week >= first && week < last
          && (week - first) % series->interval == 0
          && !emit_occurrence (gen, series, d, &schedule, error))
        return FALSE;
    }

  if (day->kind != DAY_WORK)
    return TRUE;

  if (day->offsite)
    return emit_workshop (gen, d, 9 * HOUR, 12 * HOUR + 30 * MINUTE, error)
           && emit_workshop (gen, d, 13 * HOUR + 30 * MINUTE, 17 * HOUR, error);

  n = rand_poisson (gen, 1.4 * day->intensity);
  for (guint i = 0; i < n; i++)
    {
      int minutes = durations[rand_between (gen, 0, G_N_ELEMENTS (durations) - 1)];
      int start = 0;

      for (guint attempt = 0; attempt < 8; attempt++)
        {
          if (schedule.n > 0 && chance (gen, 0.45))
            start = schedule.end[rand_between (gen, 0, schedule.n - 1)];
          else
            start = 9 * HOUR + rand_between (gen, 0, (8 * 60 + 30 - minutes) / 15) * 15 * MINUTE;
          if (schedule_is_free (&schedule, start, start + minutes * MINUTE))
            break;
        }
      if (!emit_meeting (gen, d, start, minutes, &schedule, error))
        return FALSE;
    }

  if (day->evening && chance (gen, 0.25)
      && !emit_meeting (gen, d, rand_between (gen, 18, 19) * HOUR, 45, &schedule, error))
    return FALSE;
  return TRUE;
}

static gboolean
begin (DemoGenerator *gen, GError **error)
{
  if (!tend_store_begin (gen->store, error))
    return FALSE;
  /* Before any message: a message's direction is fixed when it is stored. */
  if (!tend_store_ensure_person (gen->store, gen->me->address, gen->me->name, error)
      || !tend_store_add_me (gen->store, gen->me->address, error)
      || !(gen->account_id
           = tend_store_ensure_account (gen->store, TEND_DEMO_PROVIDER, "Demo", error)))
    {
      tend_store_rollback (gen->store);
      return FALSE;
    }
  return TRUE;
}

static gboolean
generate_year (DemoGenerator *gen, GError **error)
{
  g_autoptr (GArray) vacations = g_array_new (FALSE, FALSE, sizeof (DemoBlock));

  cast_people (gen);
  plan_year (gen, vacations);
  if (!register_people (gen, error))
    return FALSE;

  for (guint i = 0; i < vacations->len; i++)
    {
      const DemoBlock *block = &g_array_index (vacations, DemoBlock, i);

      if (!emit_all_day (gen, "vacation", block->first_day, block->n_days, error))
        return FALSE;
    }

  for (guint d = 0; d < gen->n_days; d++)
    {
      if (is_holiday (&gen->days[d]) && !emit_all_day (gen, "holiday", d, 1, error))
        return FALSE;
      if (!simulate_meetings (gen, d, error) || !simulate_messages (gen, d, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * tend_demo_generate:
 * @store: a store opened read-write, normally empty
 * @seed: the same seed gives the same database
 * @weeks: how many weeks of history
 * @now: the end of the history; the calendar runs to the end of its week, messages stop here
 * @tz: the zone whose working hours and weeks the history follows
 * @error: return location for a #GError
 *
 * Fills @store with a believable synthetic year of one person's mail, chat and calendar: a
 * team and outside contacts, working-day rhythm, evenings, vacations, busy periods, replies,
 * recurring and ad-hoc meetings, colleagues who fade away and new ones. It is written in a few
 * big transactions: on failure, @store may hold part of it.
 *
 * Returns: %TRUE on success
 */
gboolean
tend_demo_generate (TendStore *store, guint32 seed, guint weeks, GDateTime *now, GTimeZone *tz,
                    GError **error)
{
  g_auto (DemoGenerator) gen = { 0 };

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (weeks > 0, FALSE);
  g_return_val_if_fail (now != NULL && tz != NULL, FALSE);

  demo_generator_init (&gen, store, seed, weeks, now, tz);
  if (!begin (&gen, error))
    return FALSE;
  if (!generate_year (&gen, error))
    {
      tend_store_rollback (store);
      return FALSE;
    }
  return tend_store_commit (store, error);
}

/* The bulk history */

typedef struct
{
  char *id;
  char *conversation;
} RecentMessage;

static void
recent_message_clear (RecentMessage *recent)
{
  g_clear_pointer (&recent->id, g_free);
  g_clear_pointer (&recent->conversation, g_free);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Splits @total over the days up to now by weight (a weekend day counts as @weekend of a
 * working day), exactly: @counts[d] is the rounded running share minus its predecessor. */
static void
share_over_days (DemoGenerator *gen, guint n_active, guint total, double weekend, guint *counts)
{
  double sum = 0, running = 0;
  guint  assigned = 0;

  for (guint d = 0; d < n_active; d++)
    sum += gen->days[d].kind == DAY_WORK ? 1.0 : weekend;
  for (guint d = 0; d < n_active; d++)
    {
      guint target;

      running += gen->days[d].kind == DAY_WORK ? 1.0 : weekend;
      target = sum > 0 ? (guint) llround (total * running / sum) : 0;
      counts[d] = target - assigned;
      assigned = target;
    }
}

static gboolean
bulk_message (DemoGenerator *gen, guint d, gint64 t, RecentMessage *sent, RecentMessage *received,
              guint64 *n_sent, guint64 *n_received, GError **error)
{
  gboolean          mine = chance (gen, 0.35);
  TendMessageKind   kind = chance (gen, 0.4) ? TEND_MESSAGE_KIND_CHAT : TEND_MESSAGE_KIND_MAIL;
  DemoPerson       *other = pick_person (gen, d, FALSE);
  const DemoPerson *people[4] = { gen->me };
  guint             n_people = 1 + draw_group (gen, d, other, 0.5, 3, people + 1);
  /* I answer what I received; they answer what I sent. */
  RecentMessage       *pool = mine ? received : sent;
  guint64              pool_size = MIN (mine ? *n_received : *n_sent, BULK_RECENT);
  const RecentMessage *parent = NULL;
  RecentMessage       *slot;
  g_autofree char     *conversation = NULL;
  g_autofree char     *id = NULL;

  if (pool_size > 0 && chance (gen, mine ? 0.5 : 0.3))
    parent = &pool[rand_between (gen, 0, (int) pool_size - 1)];
  conversation = parent != NULL ? g_strdup (parent->conversation) : new_id (gen, "thread");

  if (!emit_message (gen, kind, t, mine ? gen->me : other, people, n_people, conversation,
                     parent != NULL ? parent->id : NULL, 1.0, &id, error))
    return FALSE;

  slot = mine ? &sent[(*n_sent)++ % BULK_RECENT] : &received[(*n_received)++ % BULK_RECENT];
  recent_message_clear (slot);
  slot->id = g_steal_pointer (&id);
  slot->conversation = g_steal_pointer (&conversation);
  return TRUE;
}

static gboolean
bulk_event (DemoGenerator *gen, guint d, guint index_in_day, GError **error)
{
  const DemoDay *day = &gen->days[d];
  guint          slot = index_in_day % 32;
  g_autoptr (TendEvent) event = NULL;
  DaySchedule schedule = { 0 };

  if (chance (gen, 0.01))
    return emit_all_day (gen, "away", d, 1, error);

  /* The first meeting of every fourth quarter-hour slot belongs to a weekly series. */
  if (index_in_day < 32 && slot % 4 == 0)
    {
      event = tend_event_new ();
      event->uid
          = g_strdup_printf ("series-%08x-%d-%u@" DEMO_DOMAIN, gen->seed, day->weekday, slot);
      event->recurrence_id = day->base + 9 * HOUR + slot * 15 * MINUTE;
      event->start = event->recurrence_id;
      event->end = event->start + 30 * MINUTE;
      event->tzid = g_strdup (gen->tzid);
      event->organizer = g_strdup (pick_person (gen, d, FALSE)->address);
      event->attendee_count = 2 + rand_poisson (gen, 3);
      event->my_response = draw_invitee_response (gen, 0.1);
      event->cancelled = chance (gen, 0.03);
      event->recurring = TRUE;
      event->online = chance (gen, 0.6);
      return emit_event (gen, event, error);
    }
  return emit_meeting (gen, d, 9 * HOUR + slot * 15 * MINUTE, chance (gen, 0.5) ? 30 : 60,
                       &schedule, error);
}

static gboolean
generate_bulk (DemoGenerator *gen, guint n_messages, guint n_events, guint n_people, GError **error)
{
  RecentMessage     sent[BULK_RECENT] = { { 0 } };
  RecentMessage     received[BULK_RECENT] = { { 0 } };
  g_autofree guint *message_counts = NULL;
  g_autofree guint *event_counts = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint64  n_sent = 0, n_received = 0;
  gboolean ok = TRUE;
  guint    n_active = 0;

  add_people (gen, n_people, DEMO_DOMAIN, TRUE, NULL);
  /* Zipf-like: a few people make most of the traffic, as in any inbox. */
  for (guint i = 0; i < gen->people->len; i++)
    ((DemoPerson *) g_ptr_array_index (gen->people, i))->weight = 1.0 / (i + 1);
  compute_cumulative_weights (gen);
  if (!register_people (gen, error))
    return FALSE;

  while (n_active < gen->n_days && gen->days[n_active].base <= gen->now)
    n_active++;
  message_counts = g_new0 (guint, gen->n_days);
  event_counts = g_new0 (guint, gen->n_days);
  share_over_days (gen, n_active, n_messages, 0.08, message_counts);
  share_over_days (gen, n_active, n_events, 0, event_counts);

  for (guint d = 0; d < n_active && ok; d++)
    {
      const DemoDay *day = &gen->days[d];
      gint64         limit = MIN (day->base + DAY - 1, gen->now);

      /* Each day's messages in time order, so that a reply follows what it answers. */
      g_array_set_size (times, message_counts[d]);
      for (guint i = 0; i < times->len; i++)
        {
          gint64 t = day->base
                     + (chance (gen, 0.85) ? rand_between (gen, 8 * HOUR, 18 * HOUR)
                                           : rand_between (gen, 0, DAY - 1));

          g_array_index (times, gint64, i)
              = t <= limit ? t : day->base + rand_between (gen, 0, (int) (limit - day->base));
        }
      g_array_sort (times, compare_gint64);

      for (guint i = 0; i < times->len && ok; i++)
        ok = bulk_message (gen, d, g_array_index (times, gint64, i), sent, received, &n_sent,
                           &n_received, error);
      for (guint i = 0; i < event_counts[d] && ok; i++)
        ok = bulk_event (gen, d, i, error);
    }

  for (guint i = 0; i < BULK_RECENT; i++)
    {
      recent_message_clear (&sent[i]);
      recent_message_clear (&received[i]);
    }
  return ok;
}

/**
 * tend_demo_generate_bulk:
 * @store: a store opened read-write, normally empty
 * @seed: the same seed gives the same database
 * @weeks: how many weeks of history
 * @n_messages: exactly this many messages
 * @n_events: exactly this many calendar occurrences
 * @n_people: how many people besides me
 * @now: the end of the history: nothing lies after it
 * @tz: the zone whose working hours and weeks the history follows
 * @error: return location for a #GError
 *
 * A plainer history than tend_demo_generate()'s, sized at will, to measure Tend on: messages
 * and meetings spread over the working days, a third of the messages mine, many of them
 * replies, a few people in touch far more often than the rest.
 *
 * Returns: %TRUE on success
 */
gboolean
tend_demo_generate_bulk (TendStore *store, guint32 seed, guint weeks, guint n_messages,
                         guint n_events, guint n_people, GDateTime *now, GTimeZone *tz,
                         GError **error)
{
  g_auto (DemoGenerator) gen = { 0 };

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (weeks > 0 && n_people > 0, FALSE);
  g_return_val_if_fail (now != NULL && tz != NULL, FALSE);

  demo_generator_init (&gen, store, seed, weeks, now, tz);
  if (!begin (&gen, error))
    return FALSE;
  if (!generate_bulk (&gen, n_messages, n_events, n_people, error))
    {
      tend_store_rollback (store);
      return FALSE;
    }
  return tend_store_commit (store, error);
}

/* Runs @sql, which selects one boolean. */
static gboolean
query_boolean (TendStore *store, const char *sql, gboolean *out, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  if (!(stmt = _tend_store_prepare (store, sql, error)))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return _tend_store_set_error (store, rc, error);
  return TRUE;
}

/**
 * tend_demo_is_demo_store:
 * @store: an open store
 * @is_demo: (out): set to %TRUE when @store holds nothing but demo data
 * @error: return location for a #GError
 *
 * Tells whether @store may be thrown away and made anew as a demo: it has no account but the
 * demo's (an empty store has none at all).
 *
 * Returns: %TRUE on success
 */
gboolean
tend_demo_is_demo_store (TendStore *store, gboolean *is_demo, GError **error)
{
  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (is_demo != NULL, FALSE);

  return query_boolean (store,
                        "SELECT NOT EXISTS (SELECT 1 FROM account"
                        " WHERE provider <> '" TEND_DEMO_PROVIDER "')",
                        is_demo, error);
}

/**
 * tend_demo_holds_demo_data:
 * @store: an open store
 * @holds: (out): set to %TRUE when some of @store's data is the demo's
 * @error: return location for a #GError
 *
 * Tells whether figures computed from @store are (at least partly) invented: it has the demo's
 * account. Unlike tend_demo_is_demo_store(), an empty store holds no demo data.
 *
 * Returns: %TRUE on success
 */
gboolean
tend_demo_holds_demo_data (TendStore *store, gboolean *holds, GError **error)
{
  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (holds != NULL, FALSE);

  return query_boolean (store,
                        "SELECT EXISTS (SELECT 1 FROM account"
                        " WHERE provider = '" TEND_DEMO_PROVIDER "')",
                        holds, error);
}
