/* tend-calendar-importer.c: events from iCalendar (.ics) data
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * How a file goes in (the header says what comes out): libical parses it, hostile VTIMEZONEs
 * are dropped, and the VEVENTs are grouped by UID into a Series, a master and its
 * RECURRENCE-ID overrides. Then, in one transaction for the file, each series is read
 * (read_timing(), read_traits()), expanded within the window (import_recurring()) and its
 * occurrences stored; those stored before that the series no longer has are pruned.
 */
#define G_LOG_DOMAIN "tend-calendar"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libical/ical.h>

#include "tend-calendar-importer.h"

/* Larger files are not read at all: no real calendar comes near this. libical holds the whole
 * file as a tree, which for a file of a million bare VEVENTs costs some 17 times its size. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)
/* Components nest three deep in real calendars (VCALENDAR, VEVENT, VALARM). */
#define MAX_DEPTH 32
/* Rules in the VTIMEZONEs of one file; real zones have one or two each. */
#define MAX_ZONE_RULES 256
/* Instances stored per series: a FREQ=SECONDLY rule must not fill the disk. */
#define MAX_INSTANCES 20000
/* Rule steps per series, counting those before the window; about half a second of libical. */
#define MAX_STEPS 200000
/* The same for all the series of a file, so that thousands of such series cannot take hours.
 * A real calendar (a hundred daily series over the ten-year window) stays far below both. */
#define MAX_FILE_INSTANCES (25 * MAX_INSTANCES)
#define MAX_FILE_STEPS (10 * MAX_STEPS)
/* All-day events longer than ten years are taken for mistakes and cut. */
#define MAX_ALL_DAY_DAYS 3660
#define MAX_YEARS_AHEAD 20
#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

struct _TendCalendarImporter
{
  GObject parent_instance;

  /* Owned */
  TendStore *store;
  GTimeZone *tz;

  gint64   account_id;
  gboolean has_window;
  gint64   window_start;
  gint64   window_end;
};

G_DEFINE_FINAL_TYPE (TendCalendarImporter, tend_calendar_importer, G_TYPE_OBJECT)

/* The state of one import call. */
typedef struct
{
  TendCalendarImporter *self;
  TendImportReport     *report;       /* this call's counts, added to the caller's on commit */
  GHashTable           *me;           /* my normalized addresses */
  GPtrArray            *calendars;    /* (element-type icalcomponent): borrowed VCALENDARs */
  GHashTable           *shared_zones; /* TZID → what find_shared_zone() found, maybe NULL */
  gboolean              check_utf8;
  gint64                window_start;
  gint64                window_end;
  gint64                max_date;
  int                   max_year;       /* later dates are not even converted */
  guint                 instances_left; /* of MAX_FILE_INSTANCES */
  guint                 steps_left;     /* of MAX_FILE_STEPS */
} Import;

/* A VEVENT and the calendar around it. */
typedef struct
{
  icalcomponent *event;
  icalcomponent *calendar;
} Item;

/* The VEVENTs that share a UID. */
typedef struct
{
  char      *uid;
  Item      *master;    /* the one without RECURRENCE-ID, NULL if the file has none */
  GPtrArray *overrides; /* (element-type Item) */
} Series;

/* When a VEVENT happens, resolved. */
typedef struct
{
  struct icaltimetype wall; /* DTSTART as written */
  icaltimezone       *zone; /* NULL for floating times and dates */
  const char         *tzid; /* borrowed from the VEVENT, NULL for UTC and floating */
  gint64              start;
  gint64              end;
  gboolean            has_end;  /* DTEND or DURATION was given */
  gint64              duration; /* seconds, for timed events */
  int                 days;     /* for all-day events */
} Timing;

/* Who and how, the same for every instance a VEVENT stands for. */
typedef struct
{
  char        *organizer;
  guint        attendee_count;
  TendResponse my_response;
  gboolean     cancelled;
  gboolean     online;
} Traits;

/* One occurrence of an expanded series. */
typedef struct
{
  gint64              rid;
  gint64              start;
  gint64              end;
  struct icaltimetype wall;     /* its original start, in the series' zone */
  gboolean            excluded; /* by an EXDATE */
  Item               *override; /* NULL for an instance generated from the master */
  Timing              timing;   /* the override's own, if any */
} Instance;

typedef struct
{
  GArray     *instances;     /* (element-type Instance) */
  GHashTable *by_rid;        /* gint64 rid → index + 1 */
  guint       max_instances; /* MAX_INSTANCES, or less once the file's budget runs low */
  guint       steps_left;    /* rule steps this series may still take */
  gboolean    truncated;
} Expansion;

static const char *const online_properties[] = {
  "X-MICROSOFT-SKYPETEAMSMEETINGURL",
  "X-MICROSOFT-ONLINEMEETINGINFORMATION",
  "X-GOOGLE-CONFERENCE",
};

/* Hosts of video-call links; subdomains count too (us02web.zoom.us, acme.webex.com). */
static const char *const meeting_hosts[] = {
  "teams.microsoft.com", "teams.live.com", "meet.google.com", "zoom.us", "zoomgov.com", "webex.com",
};

static void
series_free (Series *series)
{
  g_free (series->uid);
  g_clear_pointer (&series->master, g_free);
  g_ptr_array_unref (series->overrides);
  g_free (series);
}

static void
traits_clear (Traits *traits)
{
  g_clear_pointer (&traits->organizer, g_free);
}

static void
add_counts (TendImportReport *to, const TendImportReport *from)
{
  to->events_added += from->events_added;
  to->events_unchanged += from->events_unchanged;
  to->events_removed += from->events_removed;
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    to->skipped[i] += from->skipped[i];
}

/* Parsing */

typedef struct
{
  const char *pos;
  const char *end;
  guint       depth;         /* BEGIN lines not yet closed */
  gboolean    at_line_start; /* the next piece starts a line */
  gboolean    dropping;      /* the rest of the current line is dropped */
  gboolean    too_deep;      /* input ended early at a component nested beyond MAX_DEPTH */
} LineReader;

/* Whether @line is named @keyword, as "END:VEVENT" and "end;x=y:VEVENT" are named END. */
static gboolean
is_keyword_line (const char *line, const char *keyword)
{
  size_t len = strlen (keyword);

  return g_ascii_strncasecmp (line, keyword, len) == 0 && (line[len] == ':' || line[len] == ';');
}

/* Hands libical one line at a time, like fgets(), from a buffer that need not end in NUL.
 * A NUL byte is not text: it becomes an invalid byte, so the VEVENT holding it fails the UTF-8
 * check instead of being cut short silently. An END without its BEGIN is dropped here, since
 * libical would complain about it on stderr. A BEGIN nested deeper than MAX_DEPTH ends the
 * input: libical copies and frees components recursively, and 300 000 nested BEGIN lines
 * overflow the stack. */
static char *
read_line_cb (char *buf, size_t size, void *user_data)
{
  LineReader *reader = user_data;

  while (reader->pos < reader->end && size >= 2 && !reader->too_deep)
    {
      gboolean    line_start = reader->at_line_start;
      const char *newline;
      size_t      n;

      n = MIN ((size_t) (reader->end - reader->pos), size - 1);
      if ((newline = memchr (reader->pos, '\n', n)) != NULL)
        n = (size_t) (newline - reader->pos) + 1;
      memcpy (buf, reader->pos, n);
      buf[n] = '\0';
      reader->pos += n;
      reader->at_line_start = buf[n - 1] == '\n';

      for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0')
          buf[i] = (char) 0xff;

      if (!line_start)
        {
          if (reader->dropping)
            continue;
        }
      else if (is_keyword_line (buf, "BEGIN") && reader->depth == MAX_DEPTH)
        {
          reader->too_deep = TRUE;
          break;
        }
      else if (is_keyword_line (buf, "BEGIN"))
        reader->depth++;
      else if (is_keyword_line (buf, "END") && reader->depth == 0)
        {
          reader->dropping = TRUE;
          continue;
        }
      else if (is_keyword_line (buf, "END"))
        reader->depth--;
      reader->dropping = FALSE;
      return buf;
    }

  /* libical still reads the buffer when told the input has ended. */
  if (size > 0)
    buf[0] = '\0';
  return NULL;
}

/* The components of @data; *@too_deep tells that the input was cut at a component nested too
 * deeply. */
static icalcomponent *
parse (const char *data, gsize length, gboolean *too_deep)
{
  LineReader     reader = { .pos = data, .end = data + length, .at_line_start = TRUE };
  icalparser    *parser = icalparser_new ();
  icalcomponent *root;

  icalparser_set_gen_data (parser, &reader);
  root = icalparser_parse (parser, read_line_cb);
  /* A file cut off before its END:VCALENDAR still holds complete events. The parser keeps
   * and frees what icalparser_clean() returns, hence the copy. */
  if (root == NULL && (root = icalparser_clean (parser)) != NULL)
    root = icalcomponent_new_clone (root);
  icalparser_free (parser);
  icalerror_clear_errno ();
  *too_deep = reader.too_deep;
  return root;
}

/* Whether the RRULE @prop of a VTIMEZONE observance that starts at @start changes the offset at
 * most twice in its first year, as real zones do (a yearly rule can fire twice within 366 days of
 * its DTSTART). libical expands each rule from its DTSTART up to the year it is asked about; a rule
 * that fires every second, or one whose BYHOUR and BYMINUTE lists fire 10 000 times a year, would
 * keep it busy for minutes. Rules stepping faster than monthly are refused unread: libical may step
 * through millions of candidates between two of their occurrences. */
static gboolean
zone_rule_is_sane (struct icaltimetype start, icalproperty *prop)
{
  struct icalrecurrencetype rule = icalproperty_get_rrule (prop);
  struct icaltimetype       limit;
  icalrecur_iterator       *iter;
  guint                     changes = 0;

  if (rule.freq != ICAL_YEARLY_RECURRENCE && rule.freq != ICAL_MONTHLY_RECURRENCE)
    return FALSE;
  /* Without a DTSTART, or with a rule libical cannot iterate, libical expands nothing. */
  if (icaltime_is_null_time (start) || (iter = icalrecur_iterator_new (rule, start)) == NULL)
    {
      icalerror_clear_errno ();
      return TRUE;
    }

  limit = start;
  limit.year++;
  for (struct icaltimetype next = icalrecur_iterator_next (iter);
       !icaltime_is_null_time (next) && icaltime_compare (next, limit) < 0 && changes <= 2;
       next = icalrecur_iterator_next (iter))
    changes++;
  icalrecur_iterator_free (iter);
  icalerror_clear_errno ();
  return changes <= 2;
}

/* Removes the VTIMEZONEs that would make libical work for minutes: those with a rule that
 * changes the offset too often, and those that would bring the file's rules over MAX_ZONE_RULES
 * (each rule costs libical up to two changes a year since its DTSTART, which may be year 1).
 * @n_rules counts the rules kept so far, across the calendars of the file. */
static void
drop_insane_vtimezones (icalcomponent *calendar, guint *n_rules)
{
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();

  for (icalcomponent *vtz = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
       vtz != NULL; vtz = icalcomponent_get_next_component (calendar, ICAL_VTIMEZONE_COMPONENT))
    {
      gboolean sane = TRUE;
      guint    rules = 0;

      for (icalcomponent *part = icalcomponent_get_first_component (vtz, ICAL_ANY_COMPONENT);
           part != NULL && sane; part = icalcomponent_get_next_component (vtz, ICAL_ANY_COMPONENT))
        {
          /* Read before the loop: libical's property cursor is shared by every accessor. */
          struct icaltimetype start = icalcomponent_get_dtstart (part);

          for (icalproperty *prop = icalcomponent_get_first_property (part, ICAL_RRULE_PROPERTY);
               prop != NULL && sane;
               prop = icalcomponent_get_next_property (part, ICAL_RRULE_PROPERTY))
            {
              sane = zone_rule_is_sane (start, prop);
              rules++;
            }
        }

      if (sane && *n_rules + rules <= MAX_ZONE_RULES)
        *n_rules += rules;
      else
        g_ptr_array_add (doomed, vtz);
    }

  for (guint i = 0; i < doomed->len; i++)
    {
      icalcomponent *vtz = g_ptr_array_index (doomed, i);

      g_debug ("Ignoring a VTIMEZONE whose rules would take too long to expand");
      icalcomponent_remove_component (calendar, vtz);
      icalcomponent_free (vtz);
    }
}

static gboolean
component_is_utf8 (icalcomponent *event)
{
  char    *text = icalcomponent_as_ical_string_r (event);
  gboolean valid = text != NULL && g_utf8_validate (text, -1, NULL);

  icalmemory_free_buffer (text);
  return valid;
}

/* A stable stand-in for a missing UID, so that importing the same file twice finds the same
 * rows. Only the digest is kept, never the text it was computed from. */
static char *
synthesize_uid (icalcomponent *event)
{
  char            *text = icalcomponent_as_ical_string_r (event);
  g_autofree char *digest = NULL;

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text != NULL ? text : "", -1);
  icalmemory_free_buffer (text);
  return g_strconcat ("tend-no-uid-", digest, NULL);
}

/* Whether @item should replace @current as the version of the same occurrence: a higher
 * SEQUENCE wins, and on a tie the later one in the file (@item) does. */
static gboolean
supersedes (const Item *item, const Item *current)
{
  return icalcomponent_get_sequence (item->event) >= icalcomponent_get_sequence (current->event);
}

static gboolean
method_carries_events (icalproperty_method method)
{
  switch (method)
    {
    case ICAL_METHOD_REPLY:
    case ICAL_METHOD_REFRESH:
    case ICAL_METHOD_COUNTER:
    case ICAL_METHOD_DECLINECOUNTER:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
collect_events (Import *imp, icalcomponent *calendar, GHashTable *by_uid, GPtrArray *order)
{
  if (!method_carries_events (icalcomponent_get_method (calendar)))
    return;

  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      g_autofree char *synthesized = NULL;
      const char      *uid;
      Series          *series;
      Item            *item;

      if (imp->check_utf8 && !component_is_utf8 (event))
        {
          tend_import_report_skip (imp->report, TEND_SKIP_INVALID_UTF8);
          continue;
        }

      uid = icalcomponent_get_uid (event);
      if (uid == NULL || *uid == '\0')
        uid = synthesized = synthesize_uid (event);

      if ((series = g_hash_table_lookup (by_uid, uid)) == NULL)
        {
          series = g_new0 (Series, 1);
          series->uid = g_strdup (uid);
          series->overrides = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_uid, series->uid, series);
          g_ptr_array_add (order, series);
        }

      item = g_new0 (Item, 1);
      item->event = event;
      item->calendar = calendar;

      if (icalcomponent_get_first_property (event, ICAL_RECURRENCEID_PROPERTY) != NULL)
        g_ptr_array_add (series->overrides, item);
      else if (series->master == NULL || supersedes (item, series->master))
        {
          g_clear_pointer (&series->master, g_free);
          series->master = item;
        }
      else
        g_free (item);
    }
}

/* Time */

/* TZIDs reach libical's zone database, which reads files under /usr/share/zoneinfo: keep
 * the lookup to names that look like zone names. */
static gboolean
is_plausible_zone_name (const char *tzid)
{
  if (strlen (tzid) > 200 || strstr (tzid, "..") != NULL)
    return FALSE;
  for (const char *p = tzid; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/_+-.", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* The zone @tzid names in any calendar of the file, or in libical's database. */
static icaltimezone *
find_shared_zone (Import *imp, const char *tzid)
{
  icaltimezone *zone;

  for (guint i = 0; i < imp->calendars->len; i++)
    if ((zone = icalcomponent_get_timezone (g_ptr_array_index (imp->calendars, i), tzid)) != NULL)
      return zone;

  if (!is_plausible_zone_name (tzid))
    return NULL;
  if ((zone = icaltimezone_get_builtin_timezone_from_tzid (tzid)) != NULL
      || (zone = icaltimezone_get_builtin_timezone (tzid)) != NULL)
    return zone;

  /* Other vendors' prefixes end in an Olson name too:
   * "/softwarestudio.org/Olson_20011030_5/America/Chicago". */
  if (tzid[0] == '/')
    for (const char *p = strchr (tzid + 1, '/'); p != NULL; p = strchr (p + 1, '/'))
      if (p[1] != '\0' && (zone = icaltimezone_get_builtin_timezone (p + 1)) != NULL)
        return zone;
  return NULL;
}

/* The VTIMEZONE of the event's own calendar comes first. What is found beyond it is the same for
 * every event, and is kept: a file may hold a hundred thousand calendars. */
static icaltimezone *
lookup_zone (Import *imp, icalcomponent *calendar, const char *tzid)
{
  icaltimezone *zone;
  gpointer      shared;

  if ((zone = icalcomponent_get_timezone (calendar, tzid)) != NULL)
    return zone;
  if (g_hash_table_lookup_extended (imp->shared_zones, tzid, NULL, &shared))
    return shared;
  zone = find_shared_zone (imp, tzid);
  g_hash_table_insert (imp->shared_zones, g_strdup (tzid), zone);
  return zone;
}

/* The zone of a date-time property: its TZID, UTC for "Z", else @fallback (NULL: floating).
 * FALSE when the TZID is unknown. @tzid is NULL for UTC. */
static gboolean
resolve_zone (Import *imp, icalcomponent *calendar, icalproperty *prop, struct icaltimetype tt,
              icaltimezone *fallback, icaltimezone **zone, const char **tzid)
{
  icaltimezone  *utc = icaltimezone_get_utc_timezone ();
  icalparameter *param;
  const char    *id;

  *zone = NULL;
  if (tzid != NULL)
    *tzid = NULL;

  if (tt.is_date)
    return TRUE;
  if (icaltime_is_utc (tt))
    {
      *zone = utc;
      return TRUE;
    }
  if ((param = icalproperty_get_first_parameter (prop, ICAL_TZID_PARAMETER)) == NULL)
    {
      *zone = fallback;
      return TRUE;
    }

  id = icalparameter_get_tzid (param);
  if (id == NULL || *id == '\0' || (*zone = lookup_zone (imp, calendar, id)) == NULL)
    return FALSE;
  if (tzid != NULL && *zone != utc)
    *tzid = id;
  return TRUE;
}

static gboolean
date_time_to_unix (GDateTime *dt, gint64 *out)
{
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  g_date_time_unref (dt);
  return TRUE;
}

/* Midnight at the start of @date in the importer's zone. */
static gboolean
local_midnight (Import *imp, const GDate *date, gint64 *out)
{
  return date_time_to_unix (g_date_time_new (imp->self->tz, g_date_get_year (date),
                                             g_date_get_month (date), g_date_get_day (date), 0, 0,
                                             0),
                            out);
}

static gboolean
time_to_date (struct icaltimetype tt, GDate *date)
{
  g_date_clear (date, 1);
  if (tt.year < 1 || tt.year > 9999 || tt.month < 1 || tt.month > 12 || tt.day < 1 || tt.day > 31
      || !g_date_valid_dmy (tt.day, tt.month, tt.year))
    return FALSE;
  g_date_set_dmy (date, tt.day, tt.month, tt.year);
  return TRUE;
}

/* Unix time of @tt read in @zone; floating times and dates are placed in the importer's
 * zone. FALSE for dates GLib and libical cannot represent, and for those after imp->max_year:
 * libical expands a VTIMEZONE's rules up to the year asked about, which may be 2582. */
static gboolean
to_unix (Import *imp, struct icaltimetype tt, icaltimezone *zone, gint64 *out)
{
  GDate date;

  if (tt.year > imp->max_year || !time_to_date (tt, &date))
    return FALSE;
  if (tt.is_date)
    return local_midnight (imp, &date, out);
  if (tt.hour < 0 || tt.hour > 23 || tt.minute < 0 || tt.minute > 59 || tt.second < 0
      || tt.second > 60)
    return FALSE;

  /* A leap second is read as the last second of its minute. */
  tt.second = MIN (tt.second, 59);
  if (zone == NULL)
    return date_time_to_unix (
        g_date_time_new (imp->self->tz, tt.year, tt.month, tt.day, tt.hour, tt.minute, tt.second),
        out);
  if (zone == icaltimezone_get_utc_timezone ())
    return date_time_to_unix (
        g_date_time_new_utc (tt.year, tt.month, tt.day, tt.hour, tt.minute, tt.second), out);

  tt.zone = NULL;
  *out = (gint64) icaltime_as_timet_with_zone (tt, zone);
  return TRUE;
}

/* The local midnight @days after @tt's date. */
static gboolean
date_plus_days (Import *imp, struct icaltimetype tt, int days, gint64 *out)
{
  GDate date;

  if (!time_to_date (tt, &date))
    return FALSE;
  g_date_add_days (&date, (guint) CLAMP (days, 0, MAX_ALL_DAY_DAYS));
  return local_midnight (imp, &date, out);
}

static gint64
duration_to_seconds (struct icaldurationtype d)
{
  gint64 seconds = (gint64) d.weeks * 7 * SECONDS_PER_DAY + (gint64) d.days * SECONDS_PER_DAY
                   + (gint64) d.hours * 3600 + (gint64) d.minutes * 60 + d.seconds;

  return d.is_neg ? -seconds : seconds;
}

/* Reads DTSTART and DTEND or DURATION of @item. */
static gboolean
read_timing (Import *imp, Item *item, Timing *out, TendSkipReason *reason)
{
  icalproperty       *prop;
  icaltimezone       *end_zone;
  struct icaltimetype end_tt;

  memset (out, 0, sizeof *out);

  if ((prop = icalcomponent_get_first_property (item->event, ICAL_DTSTART_PROPERTY)) == NULL
      || icaltime_is_null_time (out->wall = icalproperty_get_dtstart (prop)))
    {
      *reason = TEND_SKIP_MISSING_DATE;
      return FALSE;
    }
  if (!resolve_zone (imp, item->calendar, prop, out->wall, NULL, &out->zone, &out->tzid))
    {
      *reason = TEND_SKIP_UNKNOWN_TZID;
      return FALSE;
    }
  if (!to_unix (imp, out->wall, out->zone, &out->start))
    {
      *reason = TEND_SKIP_ABSURD_DATE;
      return FALSE;
    }

  if ((prop = icalcomponent_get_first_property (item->event, ICAL_DTEND_PROPERTY)) != NULL
      && !icaltime_is_null_time (end_tt = icalproperty_get_dtend (prop)))
    {
      if (!resolve_zone (imp, item->calendar, prop, end_tt, out->zone, &end_zone, NULL))
        {
          *reason = TEND_SKIP_UNKNOWN_TZID;
          return FALSE;
        }
      out->has_end = to_unix (imp, end_tt, end_zone, &out->end);
      if (out->has_end && out->wall.is_date)
        {
          GDate from, to;

          if (end_tt.is_date && time_to_date (out->wall, &from) && time_to_date (end_tt, &to))
            out->days = g_date_days_between (&from, &to);
          else
            out->days = (int) ((out->end - out->start + SECONDS_PER_DAY / 2) / SECONDS_PER_DAY);
        }
    }
  else if ((prop = icalcomponent_get_first_property (item->event, ICAL_DURATION_PROPERTY)) != NULL)
    {
      gint64 seconds = duration_to_seconds (icalproperty_get_duration (prop));

      out->has_end = TRUE;
      out->end = out->start + CLAMP (seconds, 0, MAX_ALL_DAY_DAYS * SECONDS_PER_DAY);
      out->days = (int) (CLAMP (seconds, 0, MAX_ALL_DAY_DAYS * SECONDS_PER_DAY) / SECONDS_PER_DAY);
    }

  if (out->wall.is_date)
    {
      /* RFC 5545 §3.6.1: an all-day event without an end takes up its day. */
      if (!out->has_end || out->days < 1)
        out->days = 1;
      if (!date_plus_days (imp, out->wall, out->days, &out->end))
        out->end = out->start + out->days * SECONDS_PER_DAY;
      out->duration = out->end - out->start;
    }
  else
    {
      if (!out->has_end || out->end < out->start)
        out->end = out->start;
      out->duration = out->end - out->start;
    }
  return TRUE;
}

/* The end of an instance of @timing's series that starts at @start (@wall in its zone). */
static gint64
instance_end (Import *imp, const Timing *timing, struct icaltimetype wall, gint64 start)
{
  gint64 end;

  if (timing->wall.is_date && date_plus_days (imp, wall, timing->days, &end))
    return end;
  return start + timing->duration;
}

/* Brings @tt to the form of the series' DTSTART: a date for all-day series, the DTSTART's time
 * of day for a bare date in a timed series. */
static struct icaltimetype
match_form (struct icaltimetype tt, const Timing *series)
{
  if (series->wall.is_date && !tt.is_date)
    {
      tt.is_date = 1;
      tt.hour = tt.minute = tt.second = 0;
    }
  else if (!series->wall.is_date && tt.is_date)
    {
      tt.is_date = 0;
      tt.hour = series->wall.hour;
      tt.minute = series->wall.minute;
      tt.second = series->wall.second;
    }
  return tt;
}

static gboolean
is_absurd (Import *imp, gint64 start)
{
  return start < TEND_IMPORT_EARLIEST_DATE || start > imp->max_date;
}

static gboolean
in_window (Import *imp, gint64 t)
{
  return t >= imp->window_start && t < imp->window_end;
}

/* People and flags */

/* The address in a CAL-ADDRESS: "mailto:Ann@Example.org" → "ann@example.org". NULL for URNs
 * and other values that are not mail addresses. */
static char *
normalize_cal_address (const char *value)
{
  g_autofree char *address = NULL;

  if (value == NULL)
    return NULL;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_strncasecmp (value, "mailto:", 7) == 0)
    value += 7;
  else if (strchr (value, ':') != NULL)
    return NULL;

  address = tend_normalize_address (value);
  if (address == NULL || strchr (address, '@') == NULL)
    return NULL;
  return g_steal_pointer (&address);
}

static TendResponse
response_from_partstat (icalproperty *attendee)
{
  icalparameter *param = icalproperty_get_first_parameter (attendee, ICAL_PARTSTAT_PARAMETER);

  /* RFC 5545 §3.2.12: PARTSTAT defaults to NEEDS-ACTION. */
  if (param == NULL)
    return TEND_RESPONSE_NEEDS_ACTION;
  switch (icalparameter_get_partstat (param))
    {
    case ICAL_PARTSTAT_ACCEPTED:
      return TEND_RESPONSE_ACCEPTED;
    case ICAL_PARTSTAT_TENTATIVE:
      return TEND_RESPONSE_TENTATIVE;
    case ICAL_PARTSTAT_DECLINED:
    case ICAL_PARTSTAT_DELEGATED:
      return TEND_RESPONSE_DECLINED;
    default:
      return TEND_RESPONSE_NEEDS_ACTION;
    }
}

/* Whether @text holds a link to one of the meeting hosts, as a whole host name or a
 * subdomain of one. The text is only looked at, never kept. */
static gboolean
mentions_meeting_link (const char *text)
{
  g_autofree char *lower = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  lower = g_ascii_strdown (text, -1);

  for (guint i = 0; i < G_N_ELEMENTS (meeting_hosts); i++)
    {
      const char *host = meeting_hosts[i];
      size_t      len = strlen (host);

      for (const char *hit = strstr (lower, host); hit != NULL; hit = strstr (hit + 1, host))
        {
          char before = hit > lower ? hit[-1] : ' ';
          char after = hit[len];

          if ((g_ascii_isalnum (before) || before == '-')
              || (g_ascii_isalnum (after) || after == '-' || after == '.'))
            continue;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_online_property (icalproperty *prop)
{
  const char *name;

  if (icalproperty_isa (prop) == ICAL_CONFERENCE_PROPERTY)
    return TRUE;
  if (icalproperty_isa (prop) != ICAL_X_PROPERTY || (name = icalproperty_get_x_name (prop)) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (online_properties); i++)
    if (g_ascii_strcasecmp (name, online_properties[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
read_traits (Import *imp, Item *item, Traits *out)
{
  icalproperty_method method = icalcomponent_get_method (item->calendar);
  g_autoptr (GPtrArray) attendees = g_ptr_array_new_with_free_func (g_free);
  gboolean     have_organizer = FALSE, organizer_listed = FALSE;
  guint        n_attendees = 0;
  TendResponse mine = TEND_RESPONSE_NONE;
  gboolean     found_me = FALSE;

  memset (out, 0, sizeof *out);

  /* One pass over the properties: libical's property cursor is shared by every accessor. */
  for (icalproperty *prop = icalcomponent_get_first_property (item->event, ICAL_ANY_PROPERTY);
       prop != NULL; prop = icalcomponent_get_next_property (item->event, ICAL_ANY_PROPERTY))
    {
      switch (icalproperty_isa (prop))
        {
        case ICAL_ATTENDEE_PROPERTY:
          {
            char *address = normalize_cal_address (icalproperty_get_attendee (prop));

            n_attendees++;
            if (address == NULL)
              break;
            /* With two of my addresses invited, an actual answer beats NEEDS-ACTION. */
            if (g_hash_table_contains (imp->me, address)
                && (!found_me || mine == TEND_RESPONSE_NEEDS_ACTION))
              {
                mine = response_from_partstat (prop);
                found_me = TRUE;
              }
            g_ptr_array_add (attendees, address);
          }
          break;
        case ICAL_ORGANIZER_PROPERTY:
          if (!have_organizer)
            {
              have_organizer = TRUE;
              out->organizer = normalize_cal_address (icalproperty_get_organizer (prop));
            }
          break;
        case ICAL_STATUS_PROPERTY:
          if (icalproperty_get_status (prop) == ICAL_STATUS_CANCELLED)
            out->cancelled = TRUE;
          break;
        case ICAL_LOCATION_PROPERTY:
          out->online = out->online || mentions_meeting_link (icalproperty_get_location (prop));
          break;
        case ICAL_DESCRIPTION_PROPERTY:
          out->online = out->online || mentions_meeting_link (icalproperty_get_description (prop));
          break;
        default:
          out->online = out->online || is_online_property (prop);
          break;
        }
    }

  if (out->organizer != NULL)
    for (guint i = 0; i < attendees->len && !organizer_listed; i++)
      organizer_listed = g_str_equal (g_ptr_array_index (attendees, i), out->organizer);
  out->attendee_count = n_attendees + (have_organizer && !organizer_listed ? 1 : 0);

  if (method == ICAL_METHOD_CANCEL)
    out->cancelled = TRUE;

  /* Without attendees it is an appointment, not a meeting, whoever the ORGANIZER is. */
  if (n_attendees == 0)
    out->my_response = TEND_RESPONSE_NONE;
  else if (out->organizer != NULL && g_hash_table_contains (imp->me, out->organizer))
    out->my_response = TEND_RESPONSE_ORGANIZER;
  else if (found_me)
    out->my_response = mine;
  else
    out->my_response
        = method == ICAL_METHOD_REQUEST ? TEND_RESPONSE_NEEDS_ACTION : TEND_RESPONSE_NONE;
}

/* Storing */

static gboolean
store_event (Import *imp, const TendEvent *event, GError **error)
{
  gboolean changed = FALSE;

  if (!tend_store_add_event (imp->self->store, imp->self->account_id, event, &changed, error))
    return FALSE;
  if (changed)
    imp->report->events_added++;
  else
    imp->report->events_unchanged++;
  return TRUE;
}

static void
fill_event (TendEvent *event, const char *uid, gint64 rid, gint64 start, gint64 end,
            const Timing *timing, const Traits *traits, gboolean recurring)
{
  event->uid = (char *) uid;
  event->recurrence_id = rid;
  event->start = start;
  event->end = end;
  event->tzid = (char *) timing->tzid;
  event->all_day = timing->wall.is_date;
  event->organizer = traits->organizer;
  event->attendee_count = traits->attendee_count;
  event->my_response = traits->my_response;
  event->cancelled = traits->cancelled;
  event->recurring = recurring;
  event->online = traits->online;
}

/* The UTC original start of the instance @item overrides. @series is the master's timing,
 * whose zone also applies to a floating RECURRENCE-ID, or NULL without a master. */
static gboolean
read_recurrence_id (Import *imp, Item *item, const Timing *series, gint64 *rid,
                    TendSkipReason *reason)
{
  icalproperty *prop = icalcomponent_get_first_property (item->event, ICAL_RECURRENCEID_PROPERTY);
  struct icaltimetype tt = icalproperty_get_recurrenceid (prop);
  icaltimezone       *zone;

  if (icaltime_is_null_time (tt))
    {
      *reason = TEND_SKIP_MALFORMED;
      return FALSE;
    }
  if (series != NULL)
    tt = match_form (tt, series);
  if (!resolve_zone (imp, item->calendar, prop, tt, series != NULL ? series->zone : NULL, &zone,
                     NULL))
    {
      *reason = TEND_SKIP_UNKNOWN_TZID;
      return FALSE;
    }
  if (!to_unix (imp, tt, zone, rid))
    {
      *reason = TEND_SKIP_ABSURD_DATE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_lone_override (Import *imp, Series *series, Item *item, gint64 rid, GError **error)
{
  TendEvent      event = { 0 };
  Traits         traits;
  Timing         timing;
  TendSkipReason reason;
  gboolean       ok;

  if (!read_timing (imp, item, &timing, &reason))
    {
      tend_import_report_skip (imp->report, reason);
      return TRUE;
    }
  if (is_absurd (imp, timing.start))
    {
      tend_import_report_skip (imp->report, TEND_SKIP_ABSURD_DATE);
      return TRUE;
    }

  read_traits (imp, item, &traits);
  fill_event (&event, series->uid, rid, timing.start, timing.end, &timing, &traits, TRUE);
  ok = store_event (imp, &event, error);
  traits_clear (&traits);
  return ok;
}

/* Stores the overrides as they stand, for a UID whose master is missing, broken or not a
 * series. Of several versions of one instance only the latest is stored, or a second import
 * would flip the row between them. Nothing is pruned: the file does not show the whole
 * series. */
static gboolean
import_lone_overrides (Import *imp, Series *series, GError **error)
{
  g_autoptr (GHashTable) latest = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer       key, value;

  for (guint i = 0; i < series->overrides->len; i++)
    {
      Item          *item = g_ptr_array_index (series->overrides, i);
      TendSkipReason reason;
      Item          *current;
      gint64         rid;

      if (!read_recurrence_id (imp, item, NULL, &rid, &reason))
        tend_import_report_skip (imp->report, reason);
      else if ((current = g_hash_table_lookup (latest, &rid)) == NULL)
        g_hash_table_insert (latest, g_memdup2 (&rid, sizeof rid), item);
      else if (supersedes (item, current))
        g_hash_table_replace (latest, g_memdup2 (&rid, sizeof rid), item);
    }

  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!import_lone_override (imp, series, value, *(gint64 *) key, error))
      return FALSE;
  return TRUE;
}

static gboolean
has_recurrence (icalcomponent *event)
{
  return icalcomponent_get_first_property (event, ICAL_RRULE_PROPERTY) != NULL
         || icalcomponent_get_first_property (event, ICAL_RDATE_PROPERTY) != NULL;
}

static Instance *
find_instance (Expansion *x, gint64 rid)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (x->by_rid, &rid));

  return index > 0 ? &g_array_index (x->instances, Instance, index - 1) : NULL;
}

/* Adds an instance unless it is already there; FALSE once the series is full. */
static gboolean
add_instance (Expansion *x, gint64 rid, gint64 start, gint64 end, struct icaltimetype wall)
{
  Instance instance = { .rid = rid, .start = start, .end = end, .wall = wall };

  if (find_instance (x, rid) != NULL)
    return TRUE;
  if (x->instances->len >= x->max_instances)
    {
      x->truncated = TRUE;
      return FALSE;
    }
  g_array_append_val (x->instances, instance);
  g_hash_table_insert (x->by_rid, g_memdup2 (&rid, sizeof rid),
                       GUINT_TO_POINTER (x->instances->len));
  return TRUE;
}

/* The wall time in @zone (NULL: the importer's zone) at Unix time @t. */
static gboolean
unix_to_wall (Import *imp, gint64 t, icaltimezone *zone, struct icaltimetype *out)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (zone != NULL)
    {
      *out = icaltime_from_timet_with_zone ((time_t) t, 0, zone);
      return TRUE;
    }
  if ((utc = g_date_time_new_from_unix_utc (t)) == NULL
      || (local = g_date_time_to_timezone (utc, imp->self->tz)) == NULL)
    return FALSE;

  *out = icaltime_null_time ();
  out->year = g_date_time_get_year (local);
  out->month = g_date_time_get_month (local);
  out->day = g_date_time_get_day_of_month (local);
  out->hour = g_date_time_get_hour (local);
  out->minute = g_date_time_get_minute (local);
  out->second = g_date_time_get_second (local);
  return TRUE;
}

/* Rules that step by the hour or faster would take millions of steps to get from an old
 * DTSTART to the window, so their iterator starts near the window. Rules with COUNT cannot
 * be moved (libical refuses); MAX_STEPS bounds those. */
static void
skip_to_window (Import *imp, icalrecur_iterator *iter, const Timing *timing,
                struct icalrecurrencetype rule)
{
  /* Two days early: libical keeps DTSTART's time of day when it starts elsewhere. */
  gint64              target = imp->window_start - 2 * SECONDS_PER_DAY;
  struct icaltimetype wall;

  if (timing->wall.is_date || rule.count > 0 || target <= timing->start
      || (rule.freq != ICAL_SECONDLY_RECURRENCE && rule.freq != ICAL_MINUTELY_RECURRENCE
          && rule.freq != ICAL_HOURLY_RECURRENCE))
    return;
  if (!unix_to_wall (imp, target, timing->zone, &wall))
    return;
  wall.zone = timing->zone;
  if (!icalrecur_iterator_set_start (iter, wall))
    g_debug ("Could not move a recurrence to the window; stepping from DTSTART");
}

static void
expand_rule (Import *imp, Expansion *x, const Timing *timing, struct icalrecurrencetype rule)
{
  struct icaltimetype dtstart = timing->wall;
  icalrecur_iterator *iter;

  dtstart.zone = timing->zone;
  if ((iter = icalrecur_iterator_new (rule, dtstart)) == NULL)
    {
      icalerror_clear_errno ();
      tend_import_report_skip (imp->report, TEND_SKIP_MALFORMED);
      return;
    }
  skip_to_window (imp, iter, timing, rule);

  for (;;)
    {
      struct icaltimetype next = icalrecur_iterator_next (iter);
      gint64              start;

      if (icaltime_is_null_time (next))
        break;
      if (x->steps_left == 0)
        {
          x->truncated = TRUE;
          break;
        }
      x->steps_left--;
      if (!to_unix (imp, next, timing->zone, &start) || start >= imp->window_end)
        break;
      if (start < imp->window_start)
        continue;
      if (!add_instance (x, start, start, instance_end (imp, timing, next, start), next))
        break;
    }
  icalrecur_iterator_free (iter);
  icalerror_clear_errno ();
}

static void
add_rdate (Import *imp, Expansion *x, Item *master, const Timing *timing, icalproperty *prop)
{
  struct icaldatetimeperiodtype value = icalproperty_get_rdate (prop);
  struct icaltimetype           tt;
  icaltimezone                 *zone;
  gint64                        start, end;

  tt = icaltime_is_null_time (value.time) ? value.period.start : value.time;
  if (icaltime_is_null_time (tt))
    return;
  tt = match_form (tt, timing);
  if (!resolve_zone (imp, master->calendar, prop, tt, timing->zone, &zone, NULL)
      || !to_unix (imp, tt, zone, &start) || !in_window (imp, start))
    return;

  end = instance_end (imp, timing, tt, start);
  /* A PERIOD brings its own length (RFC 5545 §3.8.5.2). */
  if (!tt.is_date && icaltime_is_null_time (value.time))
    {
      gint64 period_end;

      if (!icaltime_is_null_time (value.period.end)
          && to_unix (imp, value.period.end, zone, &period_end))
        end = MAX (period_end, start);
      else if (!icaldurationtype_is_null_duration (value.period.duration))
        end = start + MAX (duration_to_seconds (value.period.duration), 0);
    }
  add_instance (x, start, start, end, tt);
}

static guint
date_key (struct icaltimetype tt)
{
  return (guint) (tt.year * 10000 + tt.month * 100 + tt.day);
}

/* EXDATEs in the series' own form remove one instance each; a bare date in a timed series
 * (seen in the wild) removes every instance on that day. */
static void
apply_exdates (Import *imp, Expansion *x, Item *master, const Timing *timing)
{
  g_autoptr (GHashTable) days = g_hash_table_new (NULL, NULL);

  for (icalproperty *prop = icalcomponent_get_first_property (master->event, ICAL_EXDATE_PROPERTY);
       prop != NULL; prop = icalcomponent_get_next_property (master->event, ICAL_EXDATE_PROPERTY))
    {
      struct icaltimetype tt = icalproperty_get_exdate (prop);
      icaltimezone       *zone;
      Instance           *instance;
      gint64              rid;

      if (icaltime_is_null_time (tt))
        continue;
      if (tt.is_date && !timing->wall.is_date)
        {
          g_hash_table_add (days, GUINT_TO_POINTER (date_key (tt)));
          continue;
        }
      tt = match_form (tt, timing);
      if (resolve_zone (imp, master->calendar, prop, tt, timing->zone, &zone, NULL)
          && to_unix (imp, tt, zone, &rid) && (instance = find_instance (x, rid)) != NULL)
        instance->excluded = TRUE;
    }

  if (g_hash_table_size (days) > 0)
    for (guint i = 0; i < x->instances->len; i++)
      {
        Instance *instance = &g_array_index (x->instances, Instance, i);

        if (g_hash_table_contains (days, GUINT_TO_POINTER (date_key (instance->wall))))
          instance->excluded = TRUE;
      }
}

static void
apply_overrides (Import *imp, Expansion *x, Series *series, const Timing *timing)
{
  for (guint i = 0; i < series->overrides->len; i++)
    {
      Item          *item = g_ptr_array_index (series->overrides, i);
      TendSkipReason reason;
      Timing         own;
      Instance      *instance;
      gint64         rid;

      if (!read_recurrence_id (imp, item, timing, &rid, &reason)
          || !read_timing (imp, item, &own, &reason))
        {
          tend_import_report_skip (imp->report, reason);
          continue;
        }

      if ((instance = find_instance (x, rid)) == NULL)
        {
          if (!(in_window (imp, rid) || in_window (imp, own.start))
              || !add_instance (x, rid, own.start, own.end, own.wall))
            continue;
          instance = find_instance (x, rid);
        }
      else if (instance->override != NULL && !supersedes (item, instance->override))
        continue;

      instance->override = item;
      instance->timing = own;
      instance->excluded = FALSE;
    }
}

static gboolean
store_instance (Import *imp, Series *series, const Instance *instance, const Timing *timing,
                const Traits *traits, GError **error)
{
  const Timing *own = &instance->timing;
  TendEvent     event = { 0 };
  Traits        own_traits;
  gint64        end;
  gboolean      ok;

  if (instance->override == NULL)
    {
      fill_event (&event, series->uid, instance->rid, instance->start, instance->end, timing,
                  traits, TRUE);
      return store_event (imp, &event, error);
    }

  /* An override that says nothing about its end keeps the length of its series. */
  end = own->has_end ? own->end : instance_end (imp, timing, own->wall, own->start);
  read_traits (imp, instance->override, &own_traits);
  fill_event (&event, series->uid, instance->rid, own->start, end, own, &own_traits, TRUE);
  ok = store_event (imp, &event, error);
  traits_clear (&own_traits);
  return ok;
}

static gboolean
import_recurring (Import *imp, Series *series, const Timing *timing, const Traits *traits,
                  GError **error)
{
  Expansion x = { 0 };
  g_autoptr (GArray) keep = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) rules = g_ptr_array_new ();
  g_autoptr (GPtrArray) rdates = g_ptr_array_new ();
  Item    *master = series->master;
  gboolean ok = FALSE;
  guint    removed = 0, steps_granted;

  x.instances = g_array_new (FALSE, FALSE, sizeof (Instance));
  x.by_rid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  x.max_instances = MIN (MAX_INSTANCES, imp->instances_left);
  x.steps_left = steps_granted = MIN (MAX_STEPS, imp->steps_left);

  /* RFC 5545 §3.8.5.3: DTSTART is always the first instance. */
  if (in_window (imp, timing->start))
    add_instance (&x, timing->start, timing->start, timing->end, timing->wall);

  for (icalproperty *prop = icalcomponent_get_first_property (master->event, ICAL_ANY_PROPERTY);
       prop != NULL; prop = icalcomponent_get_next_property (master->event, ICAL_ANY_PROPERTY))
    if (icalproperty_isa (prop) == ICAL_RRULE_PROPERTY)
      g_ptr_array_add (rules, prop);
    else if (icalproperty_isa (prop) == ICAL_RDATE_PROPERTY)
      g_ptr_array_add (rdates, prop);

  for (guint i = 0; i < rules->len && !x.truncated; i++)
    expand_rule (imp, &x, timing, icalproperty_get_rrule (g_ptr_array_index (rules, i)));
  for (guint i = 0; i < rdates->len && !x.truncated; i++)
    add_rdate (imp, &x, master, timing, g_ptr_array_index (rdates, i));
  apply_exdates (imp, &x, master, timing);
  apply_overrides (imp, &x, series, timing);
  /* What this series took comes off the file's budget. */
  imp->instances_left -= x.instances->len;
  imp->steps_left -= steps_granted - x.steps_left;

  if (x.truncated)
    {
      g_debug ("A series was cut at %u instances", x.instances->len);
      tend_import_report_skip (imp->report, TEND_SKIP_MALFORMED);
    }

  for (guint i = 0; i < x.instances->len; i++)
    {
      const Instance *instance = &g_array_index (x.instances, Instance, i);

      if (instance->excluded)
        continue;
      /* Judged per instance: a series that began before 1990 may well go on today. */
      if (is_absurd (imp, instance->override != NULL ? instance->timing.start : instance->start))
        {
          tend_import_report_skip (imp->report, TEND_SKIP_ABSURD_DATE);
          continue;
        }
      if (!store_instance (imp, series, instance, timing, traits, error))
        goto out;
      g_array_append_val (keep, instance->rid);
    }

  if (!tend_store_prune_series (imp->self->store, imp->self->account_id, series->uid,
                                imp->window_start, imp->window_end,
                                (const gint64 *) (gpointer) keep->data, keep->len, &removed, error))
    goto out;
  imp->report->events_removed += removed;
  ok = TRUE;

out:
  g_array_unref (x.instances);
  g_hash_table_unref (x.by_rid);
  return ok;
}

static gboolean
import_series (Import *imp, Series *series, GError **error)
{
  gboolean master_is_series = FALSE;

  if (series->master != NULL)
    {
      TendSkipReason reason;
      Timing         timing;
      Traits         traits;
      gboolean       ok = TRUE;

      if (!read_timing (imp, series->master, &timing, &reason))
        tend_import_report_skip (imp->report, reason);
      else
        {
          read_traits (imp, series->master, &traits);
          if (has_recurrence (series->master->event))
            {
              master_is_series = TRUE;
              ok = import_recurring (imp, series, &timing, &traits, error);
            }
          else if (is_absurd (imp, timing.start))
            tend_import_report_skip (imp->report, TEND_SKIP_ABSURD_DATE);
          else
            {
              TendEvent event = { 0 };

              fill_event (&event, series->uid, 0, timing.start, timing.end, &timing, &traits,
                          series->overrides->len > 0);
              ok = store_event (imp, &event, error);
            }
          traits_clear (&traits);
        }
      if (!ok)
        return FALSE;
    }

  if (master_is_series)
    return TRUE;

  return import_lone_overrides (imp, series, error);
}

static void
find_calendars (icalcomponent *root, GPtrArray *calendars)
{
  if (root == NULL)
    return;
  if (icalcomponent_isa (root) == ICAL_VCALENDAR_COMPONENT)
    {
      g_ptr_array_add (calendars, root);
      return;
    }
  if (icalcomponent_isa (root) != ICAL_XROOT_COMPONENT)
    return;
  for (icalcomponent *child = icalcomponent_get_first_component (root, ICAL_VCALENDAR_COMPONENT);
       child != NULL; child = icalcomponent_get_next_component (root, ICAL_VCALENDAR_COMPONENT))
    g_ptr_array_add (calendars, child);
}

static void
compute_window (TendCalendarImporter *self, Import *imp)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) latest = g_date_time_add_years (now, MAX_YEARS_AHEAD);

  imp->max_date = latest != NULL ? g_date_time_to_unix (latest) : G_MAXINT64;
  imp->max_year = latest != NULL ? g_date_time_get_year (latest) + 1 : 9999;
  imp->instances_left = MAX_FILE_INSTANCES;
  imp->steps_left = MAX_FILE_STEPS;

  if (self->has_window)
    {
      imp->window_start = self->window_start;
      imp->window_end = self->window_end;
    }
  else
    {
      g_autoptr (GDateTime) start = g_date_time_add_years (now, -10);
      g_autoptr (GDateTime) end = g_date_time_add_years (now, 1);

      imp->window_start = g_date_time_to_unix (start);
      imp->window_end = g_date_time_to_unix (end);
    }
}

static gboolean
import_calendars (TendCalendarImporter *self, Import *imp, GCancellable *cancellable,
                  GError **error)
{
  g_autoptr (GHashTable) by_uid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  guint n_zone_rules = 0;

  for (guint i = 0; i < imp->calendars->len; i++)
    drop_insane_vtimezones (g_ptr_array_index (imp->calendars, i), &n_zone_rules);
  for (guint i = 0; i < imp->calendars->len; i++)
    collect_events (imp, g_ptr_array_index (imp->calendars, i), by_uid, order);

  if (!tend_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !import_series (imp, g_ptr_array_index (order, i), error))
        {
          tend_store_rollback (self->store);
          return FALSE;
        }
    }
  return tend_store_commit (self->store, error);
}

static gboolean
import_bytes (TendCalendarImporter *self, const char *data, gsize length, TendImportReport *report,
              GCancellable *cancellable, GError **error)
{
  g_autoptr (TendImportReport) counts = tend_import_report_new ();
  g_autoptr (GHashTable) me = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) calendars = g_ptr_array_new ();
  g_autoptr (GHashTable) shared_zones
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) addresses = NULL;
  icalcomponent *root;
  Import         imp = { 0 };
  gboolean       too_deep, ok;

  if (length > MAX_FILE_SIZE)
    {
      tend_import_report_skip (report, TEND_SKIP_OVERSIZED);
      return TRUE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* A UTF-8 byte order mark would hide the first BEGIN:VCALENDAR from libical. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    data += 3, length -= 3;

  if ((addresses = tend_store_dup_me (self->store, error)) == NULL)
    return FALSE;
  for (guint i = 0; addresses[i] != NULL; i++)
    g_hash_table_add (me, g_strdup (addresses[i]));

  root = parse (data, length, &too_deep);
  find_calendars (root, calendars);
  if (calendars->len == 0)
    {
      g_debug ("No VCALENDAR in %" G_GSIZE_FORMAT " bytes", length);
      tend_import_report_skip (report, TEND_SKIP_GARBAGE);
      g_clear_pointer (&root, icalcomponent_free);
      return TRUE;
    }
  if (too_deep)
    tend_import_report_skip (counts, TEND_SKIP_MALFORMED);

  imp.self = self;
  imp.report = counts;
  imp.me = me;
  imp.calendars = calendars;
  imp.shared_zones = shared_zones;
  /* The whole is valid in the common case, which spares checking every VEVENT. */
  imp.check_utf8 = !g_utf8_validate (data, (gssize) length, NULL);
  compute_window (self, &imp);

  ok = import_calendars (self, &imp, cancellable, error);
  icalcomponent_free (root);
  icalerror_clear_errno ();

  if (ok)
    add_counts (report, counts);
  return ok;
}

static void
tend_calendar_importer_finalize (GObject *object)
{
  TendCalendarImporter *self = (TendCalendarImporter *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (tend_calendar_importer_parent_class)->finalize (object);
}

static void
tend_calendar_importer_class_init (TendCalendarImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_calendar_importer_finalize;

  /* Broken input must come back as NULL values and X-LIC-ERROR properties, not an abort. */
  icalerror_set_errors_are_fatal (0);
}

static void
tend_calendar_importer_init (TendCalendarImporter *self)
{
  self->tz = g_time_zone_new_local ();
}

TendCalendarImporter *
tend_calendar_importer_new (TendStore *store, gint64 account_id)
{
  TendCalendarImporter *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);

  self = g_object_new (TEND_TYPE_CALENDAR_IMPORTER, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  return self;
}

/* Sets the zone of floating times and all-day dates; NULL means the local zone. */
void
tend_calendar_importer_set_time_zone (TendCalendarImporter *self, GTimeZone *tz)
{
  g_return_if_fail (TEND_IS_CALENDAR_IMPORTER (self));

  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
}

/* Recurrences are expanded only within [@start, @end), Unix seconds. */
void
tend_calendar_importer_set_window (TendCalendarImporter *self, gint64 start, gint64 end)
{
  g_return_if_fail (TEND_IS_CALENDAR_IMPORTER (self));
  g_return_if_fail (start < end);

  self->has_window = TRUE;
  self->window_start = start;
  self->window_end = end;
}

/* Imports the .ics file at @path in one store transaction. A file over 64 MiB or that is not
 * iCalendar is counted as skipped and is not an error; a file that cannot be read is. */
gboolean
tend_calendar_importer_import_file (TendCalendarImporter *self, const char *path,
                                    TendImportReport *report, GCancellable *cancellable,
                                    GError **error)
{
  g_autoptr (TendImportReport) own_report = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *contents = NULL;
  gsize            length = 0;

  g_return_val_if_fail (TEND_IS_CALENDAR_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report == NULL)
    report = own_report = tend_import_report_new ();
  report->files++;

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    {
      g_prefix_error (error, _ ("Could not read the calendar file: "));
      return FALSE;
    }
  /* Reading a named pipe would wait for a writer forever. */
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, G_IO_ERROR,
                           g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY
                               ? G_IO_ERROR_IS_DIRECTORY
                               : G_IO_ERROR_NOT_REGULAR_FILE,
                           _ ("Could not read the calendar file: it is not a regular file"));
      return FALSE;
    }
  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      tend_import_report_skip (report, TEND_SKIP_OVERSIZED);
      return TRUE;
    }
  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    {
      g_prefix_error (error, _ ("Could not read the calendar file: "));
      return FALSE;
    }

  return import_bytes (self, contents, length, report, cancellable, error);
}

/* Imports iCalendar text held in memory; @length may be -1 for NUL-terminated @data. */
gboolean
tend_calendar_importer_import_data (TendCalendarImporter *self, const char *data, gssize length,
                                    TendImportReport *report, GCancellable *cancellable,
                                    GError **error)
{
  g_autoptr (TendImportReport) own_report = NULL;

  g_return_val_if_fail (TEND_IS_CALENDAR_IMPORTER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report == NULL)
    report = own_report = tend_import_report_new ();
  if (data == NULL)
    data = "";
  if (length < 0)
    length = (gssize) strlen (data);

  return import_bytes (self, data, (gsize) length, report, cancellable, error);
}
