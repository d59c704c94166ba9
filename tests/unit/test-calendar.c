/* test-calendar.c: the iCalendar importer, from hand-written fixtures and real-world files
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend-calendar-importer.h"
#include "tend-store-private.h"

/* Unix times below were worked out by hand from the zone rules: Europe/Berlin is UTC+1 until
 * 2026-03-29 02:00 and from 2026-10-25 03:00, UTC+2 in between; America/New_York is UTC-5
 * until 2026-03-08 02:00 and from 2026-11-01 02:00, UTC-4 in between. */

typedef struct
{
  char                 *dir;
  char                 *path;
  TendStore            *store;
  gint64                account;
  TendCalendarImporter *importer;
} Fixture;

typedef struct
{
  gint64       start;
  gint64       end;
  char        *tzid;
  gboolean     all_day;
  char        *organizer;
  guint        attendee_count;
  TendResponse my_response;
  gboolean     cancelled;
  gboolean     recurring;
  gboolean     online;
} Row;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->tzid, g_free);
  g_clear_pointer (&row->organizer, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static void
fixture_open (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  g_assert_nonnull (berlin);
  f->dir = g_dir_make_tmp ("tend-calendar-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (f->path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  f->account = tend_store_ensure_account (f->store, "file", "local", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->account, >, 0);

  /* Fixed zone and window, so that the results do not depend on the machine or the day. */
  f->importer = tend_calendar_importer_new (f->store, f->account);
  tend_calendar_importer_set_time_zone (f->importer, berlin);
  tend_calendar_importer_set_window (f->importer, 1767225600 /* 2026-01-01T00:00Z */,
                                     1798761600 /* 2027-01-01T00:00Z */);
}

static void
fixture_close (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->importer);
  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (f->path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (TEND_TEST_DATA, "calendar", name, NULL);
}

static void
import_fixture (Fixture *f, const char *name, TendImportReport *report)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fixture_path (name);

  g_assert_true (tend_calendar_importer_import_file (f->importer, path, report, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
get_row (Fixture *f, const char *uid, gint64 rid, Row *row)
{
  sqlite3      *db = _tend_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gboolean      found;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT start_at, end_at, tzid, all_day,"
                                       " (SELECT min (address) FROM identity"
                                       "  WHERE person_id = organizer_id),"
                                       " attendee_count, my_response, cancelled, recurring,"
                                       " online FROM event"
                                       " WHERE account_id = ?1 AND uid = ?2"
                                       " AND recurrence_id = ?3",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, f->account);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, rid);

  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      row->start = sqlite3_column_int64 (stmt, 0);
      row->end = sqlite3_column_int64 (stmt, 1);
      row->tzid = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->all_day = sqlite3_column_int (stmt, 3);
      row->organizer = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->attendee_count = sqlite3_column_int (stmt, 5);
      row->my_response = sqlite3_column_int (stmt, 6);
      row->cancelled = sqlite3_column_int (stmt, 7);
      row->recurring = sqlite3_column_int (stmt, 8);
      row->online = sqlite3_column_int (stmt, 9);
    }
  sqlite3_finalize (stmt);
  return found;
}

/* The row of @uid/@rid, which must exist. */
static void
require_row (Fixture *f, const char *uid, gint64 rid, Row *row)
{
  if (!get_row (f, uid, rid, row))
    g_error ("No event %s at %" G_GINT64_FORMAT, uid, rid);
}

static gint64
count_rows (Fixture *f, const char *uid)
{
  sqlite3      *db = _tend_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64        n;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM event"
                                       " WHERE account_id = ?1 AND (?2 IS NULL OR uid = ?2)",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, f->account);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Every event row as text, to compare the database before and after. */
static char *
dump_events (Fixture *f)
{
  sqlite3 *db = _tend_store_get_db (f->store);
  g_autoptr (GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT uid, recurrence_id, start_at, end_at, tzid,"
                                       " all_day, organizer_id, attendee_count, my_response,"
                                       " cancelled, recurring, online FROM event"
                                       " ORDER BY uid, recurrence_id",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (out, "%s|", (const char *) sqlite3_column_text (stmt, i));
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
contains_bytes (const char *haystack, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_single (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "single.ics", report);
  g_assert_cmpuint (report->files, ==, 1);
  g_assert_cmpuint (report->events_added, ==, 4);
  g_assert_cmpuint (report->events_unchanged, ==, 0);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);

  /* 2026-03-10 14:00–15:00 UTC. */
  require_row (&f, "single-utc@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1773151200);
  g_assert_cmpint (row.end, ==, 1773154800);
  g_assert_null (row.tzid);
  g_assert_false (row.all_day);
  g_assert_null (row.organizer);
  g_assert_cmpuint (row.attendee_count, ==, 0);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NONE);
  g_assert_false (row.cancelled);
  g_assert_false (row.recurring);
  g_assert_false (row.online);
  row_clear (&row);

  /* Floating 09:00–09:30 placed in the importer's zone, Berlin in winter (UTC+1): 08:00Z. */
  require_row (&f, "single-floating@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1773129600);
  g_assert_cmpint (row.end, ==, 1773131400);
  g_assert_null (row.tzid);
  row_clear (&row);

  /* 2026-07-10 09:00 Berlin summer time (UTC+2) = 07:00Z, DURATION 45 minutes. */
  require_row (&f, "single-zoned@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1783666800);
  g_assert_cmpint (row.end, ==, 1783666800 + 45 * 60);
  g_assert_cmpstr (row.tzid, ==, "Europe/Berlin");
  row_clear (&row);

  /* 2026-03-10 09:00 New York, after the US change (UTC-4) = 13:00Z; no end: zero length. */
  require_row (&f, "single-no-end@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1773147600);
  g_assert_cmpint (row.end, ==, 1773147600);
  g_assert_cmpstr (row.tzid, ==, "America/New_York");
  row_clear (&row);

  /* Invariant 3: summaries, descriptions and locations never reach the database. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *file = g_strconcat (f.path, i == 0 ? "" : "-wal", NULL);
      g_autofree char *contents = NULL;
      gsize            length = 0;

      if (!g_file_get_contents (file, &contents, &length, NULL))
        continue;
      g_assert_false (contains_bytes (contents, length, "zebra"));
      g_assert_false (contains_bytes (contents, length, "okapi"));
      g_assert_false (contains_bytes (contents, length, "Aardvark"));
    }

  fixture_close (&f);
}

static void
test_dst_weekly_berlin (void)
{
  /* 09:30 Berlin every Monday: 03-16 and 03-23 in winter time (UTC+1, 08:30Z), 03-30 and
   * 04-06 in summer time (UTC+2, 07:30Z) — the UTC time moves, the local one does not. */
  const gint64 starts[] = { 1773649800, 1774254600, 1774855800, 1775460600 };
  Fixture      f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();

  fixture_open (&f);
  import_fixture (&f, "dst-weekly-berlin.ics", report);
  g_assert_cmpuint (report->events_added, ==, 4);
  g_assert_cmpint (count_rows (&f, "weekly-berlin@tend.test"), ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      g_auto (Row) row = { 0 };
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (starts[i]);
      g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
      g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, berlin);

      require_row (&f, "weekly-berlin@tend.test", starts[i], &row);
      g_assert_cmpint (row.start, ==, starts[i]);
      g_assert_cmpint (row.end, ==, starts[i] + 30 * 60);
      g_assert_cmpstr (row.tzid, ==, "Europe/Berlin");
      g_assert_true (row.recurring);
      g_assert_cmpint (g_date_time_get_hour (local), ==, 9);
      g_assert_cmpint (g_date_time_get_minute (local), ==, 30);
    }
  g_assert_cmpint (starts[2] - starts[1], ==, 7 * 24 * 3600 - 3600);

  fixture_close (&f);
}

static void
test_new_york_dst (void)
{
  /* Mondays 10:00 New York until 2026-11-10: 10-26 in EDT (14:00Z), 11-02 and 11-09 in EST
   * (15:00Z). Daily 08:00 from 03-06, four times: 03-06 and 03-07 in EST (13:00Z), 03-08 and
   * 03-09 in EDT (12:00Z). The zone comes from the file's own VTIMEZONE. */
  const gint64 fall[] = { 1793023200, 1793631600, 1794236400 };
  const gint64 spring[] = { 1772802000, 1772888400, 1772971200, 1773057600 };
  Fixture      f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();

  fixture_open (&f);
  import_fixture (&f, "new-york-dst.ics", report);
  g_assert_cmpuint (report->events_added, ==, 7);
  g_assert_cmpint (count_rows (&f, "standup-fall@tend.test"), ==, 3);
  g_assert_cmpint (count_rows (&f, "standup-spring@tend.test"), ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (fall); i++)
    {
      g_auto (Row) row = { 0 };

      require_row (&f, "standup-fall@tend.test", fall[i], &row);
      g_assert_cmpint (row.end - row.start, ==, 15 * 60);
      g_assert_cmpstr (row.tzid, ==, "America/New_York");
    }
  for (guint i = 0; i < G_N_ELEMENTS (spring); i++)
    {
      g_auto (Row) row = { 0 };

      require_row (&f, "standup-spring@tend.test", spring[i], &row);
      g_assert_cmpint (row.end - row.start, ==, 30 * 60);
    }

  fixture_close (&f);
}

static void
test_rrule_count_until (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "rrule-count-until.ics", report);
  /* 3 (COUNT) + 4 (UNTIL) + 4 (INTERVAL=2, COUNT) */
  g_assert_cmpuint (report->events_added, ==, 11);

  /* COUNT=3 daily from 2026-03-02 08:00Z: 03-02, 03-03, 03-04; not 03-05 (1772697600). */
  g_assert_cmpint (count_rows (&f, "count@tend.test"), ==, 3);
  require_row (&f, "count@tend.test", 1772438400, &row);
  g_assert_cmpint (row.end, ==, 1772438400 + 1800);
  row_clear (&row);
  g_assert_true (get_row (&f, "count@tend.test", 1772611200, &row));
  row_clear (&row);
  g_assert_false (get_row (&f, "count@tend.test", 1772697600, &row));

  /* Daily 17:00 Berlin (16:00Z) until 2026-03-05T16:00Z, which is itself an instance:
   * 03-02, 03-03, 03-04, 03-05. */
  g_assert_cmpint (count_rows (&f, "until@tend.test"), ==, 4);
  require_row (&f, "until@tend.test", 1772726400, &row);
  row_clear (&row);
  require_row (&f, "until@tend.test", 1772467200, &row);
  row_clear (&row);

  /* Every other week on Tuesday and Thursday, 10:00Z, from Tuesday 03-03: 03-03, 03-05,
   * 03-17, 03-19. */
  require_row (&f, "interval@tend.test", 1772532000, &row);
  row_clear (&row);
  require_row (&f, "interval@tend.test", 1772704800, &row);
  row_clear (&row);
  require_row (&f, "interval@tend.test", 1773741600, &row);
  row_clear (&row);
  require_row (&f, "interval@tend.test", 1773914400, &row);
  row_clear (&row);
  g_assert_cmpint (count_rows (&f, "interval@tend.test"), ==, 4);

  fixture_close (&f);
}

static void
test_rdate (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "rdate.ics", report);
  g_assert_cmpuint (report->events_added, ==, 4);

  /* DTSTART 03-05 14:00 Berlin (13:00Z), one hour. */
  require_row (&f, "rdate@tend.test", 1772715600, &row);
  g_assert_cmpint (row.end, ==, 1772715600 + 3600);
  g_assert_true (row.recurring);
  row_clear (&row);
  /* RDATE 03-12 14:00 Berlin (13:00Z), the series' hour. */
  require_row (&f, "rdate@tend.test", 1773320400, &row);
  g_assert_cmpint (row.end, ==, 1773320400 + 3600);
  row_clear (&row);
  /* RDATE 04-02 16:00 Berlin summer time (14:00Z). */
  require_row (&f, "rdate@tend.test", 1775138400, &row);
  row_clear (&row);
  /* RDATE PERIOD 04-15 09:00Z–12:00Z brings its own three hours. */
  require_row (&f, "rdate@tend.test", 1776243600, &row);
  g_assert_cmpint (row.end, ==, 1776254400);
  row_clear (&row);

  fixture_close (&f);
}

static void
test_exdate (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "series-weekly-exdate.ics", report);
  /* Mondays 11:00 Berlin summer time (09:00Z) from 05-04, five times, minus 05-18. */
  g_assert_cmpuint (report->events_added, ==, 4);
  g_assert_cmpint (count_rows (&f, "weekly-review@tend.test"), ==, 4);
  require_row (&f, "weekly-review@tend.test", 1777885200, &row);
  row_clear (&row);
  require_row (&f, "weekly-review@tend.test", 1780304400, &row);
  row_clear (&row);
  g_assert_false (get_row (&f, "weekly-review@tend.test", 1779094800, &row));

  fixture_close (&f);
}

static void
test_override_moved (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "override-moved.ics", report);
  g_assert_cmpuint (report->events_added, ==, 3);
  g_assert_cmpint (count_rows (&f, "moved@tend.test"), ==, 3);

  /* 06-01 10:00–11:00 Berlin (08:00Z), as the rule says. */
  require_row (&f, "moved@tend.test", 1780300800, &row);
  g_assert_cmpint (row.start, ==, 1780300800);
  g_assert_cmpint (row.end, ==, 1780300800 + 3600);
  row_clear (&row);

  /* The 06-08 instance (rid 08:00Z) moved to Tuesday 06-09 14:00–16:30 Berlin
   * (12:00Z–14:30Z). */
  require_row (&f, "moved@tend.test", 1780905600, &row);
  g_assert_cmpint (row.start, ==, 1781006400);
  g_assert_cmpint (row.end, ==, 1781015400);
  g_assert_true (row.recurring);
  g_assert_false (row.cancelled);
  row_clear (&row);

  /* The 06-15 instance starts half an hour later (08:30Z) and, having no end of its own,
   * keeps the series' hour (09:30Z). */
  require_row (&f, "moved@tend.test", 1781510400, &row);
  g_assert_cmpint (row.start, ==, 1781512200);
  g_assert_cmpint (row.end, ==, 1781515800);
  row_clear (&row);

  fixture_close (&f);
}

static void
test_override_cancelled (void)
{
  /* Tuesdays 15:00Z: 06-02, 06-09 (cancelled), 06-16. */
  const gint64 rids[] = { 1780412400, 1781017200, 1781622000 };
  Fixture      f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();

  fixture_open (&f);
  import_fixture (&f, "override-cancelled.ics", report);
  g_assert_cmpuint (report->events_added, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (rids); i++)
    {
      g_auto (Row) row = { 0 };

      require_row (&f, "one-on-one@tend.test", rids[i], &row);
      g_assert_cmpint (row.cancelled, ==, i == 1);
      g_assert_cmpint (row.end - row.start, ==, 1800);
    }

  fixture_close (&f);
}

static void
test_only_overrides (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };
  const char *shared;

  fixture_open (&f);
  import_fixture (&f, "only-overrides.ics", report);
  g_assert_cmpuint (report->events_added, ==, 2);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);

  /* RECURRENCE-ID 09-07 09:30 Berlin (07:30Z), moved to 10:00–10:30 (08:00Z–08:30Z). */
  require_row (&f, "orphan@tend.test", 1788766200, &row);
  g_assert_cmpint (row.start, ==, 1788768000);
  g_assert_cmpint (row.end, ==, 1788769800);
  g_assert_true (row.recurring);
  row_clear (&row);
  /* RECURRENCE-ID 09-14 09:30 Berlin (07:30Z). */
  require_row (&f, "orphan@tend.test", 1789371000, &row);
  g_assert_cmpint (row.start, ==, 1789372800);
  row_clear (&row);

  /* Without the master nothing may be pruned: a second import removes nothing. */
  import_fixture (&f, "only-overrides.ics", report);
  g_assert_cmpuint (report->events_unchanged, ==, 2);
  g_assert_cmpuint (report->events_removed, ==, 0);

  /* A real Google export made of overrides (and masters elsewhere). */
  shared = g_getenv ("TEND_SHARED_DATA");
  if (shared != NULL)
    {
      g_autofree char *path = g_build_filename (shared, "ical", "recurring-ical-events",
                                                "issue_173_only_modifications_error.ics", NULL);
      g_autoptr (TendImportReport) real = tend_import_report_new ();
      g_autoptr (GError) error = NULL;

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_assert_true (tend_calendar_importer_import_file (f.importer, path, real, NULL, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (real->events_added, >, 100);
        }
    }

  fixture_close (&f);
}

static void
test_custom_vtimezone (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "custom-vtimezone.ics", report);
  g_assert_cmpuint (report->events_added, ==, 3);
  /* Mars/Olympus_Mons, an undefined "Pacific Standard Time", and the zone whose rule repeats
   * every second (ignored, so its TZID is unknown). */
  g_assert_cmpuint (report->skipped[TEND_SKIP_UNKNOWN_TZID], ==, 3);

  /* 2026-07-01 10:00 in the file's Windows zone, summer time UTC+2: 08:00Z. */
  require_row (&f, "windows-zone@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1782892800);
  g_assert_cmpint (row.end, ==, 1782892800 + 3600);
  g_assert_cmpstr (row.tzid, ==, "W. Europe Standard Time");
  row_clear (&row);

  /* A zone only the file knows, fixed at UTC+05:30: 10:00 there is 04:30Z. */
  require_row (&f, "custom-zone@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1782880200);
  g_assert_cmpstr (row.tzid, ==, "Tend Test Standard Time");
  row_clear (&row);

  /* Evolution's prefixed TZID, found in libical's database: 01-15 10:00 Berlin = 09:00Z. */
  require_row (&f, "prefixed-zone@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1768467600);
  row_clear (&row);

  g_assert_false (get_row (&f, "unknown-zone@tend.test", 0, &row));
  g_assert_false (get_row (&f, "undefined-windows-zone@tend.test", 0, &row));
  g_assert_false (get_row (&f, "hostile-zone@tend.test", 0, &row));

  fixture_close (&f);
}

static void
test_all_day (void)
{
  /* Midnights in Berlin: 10-19 and 10-20 in summer time (22:00Z the day before), 10-26,
   * 10-27, 11-02 and 11-03 in winter time (23:00Z the day before). */
  const gint64 weekly[][2] = {
    { 1792360800, 1792447200 },
    { 1792969200, 1793055600 },
    { 1793574000, 1793660400 },
  };
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "all-day.ics", report);
  g_assert_cmpuint (report->events_added, ==, 6);

  /* 2026-03-29, the day Berlin moves to summer time, without DTEND: one day from midnight
   * (03-28 23:00Z) to midnight (03-29 22:00Z), 23 hours long. */
  require_row (&f, "allday-one@tend.test", 0, &row);
  g_assert_true (row.all_day);
  g_assert_null (row.tzid);
  g_assert_cmpint (row.start, ==, 1774738800);
  g_assert_cmpint (row.end, ==, 1774821600);
  g_assert_cmpint (row.end - row.start, ==, 23 * 3600);
  row_clear (&row);

  /* 08-05 to 08-08 (exclusive): three days, 08-04 22:00Z to 08-07 22:00Z. */
  require_row (&f, "allday-three@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1785880800);
  g_assert_cmpint (row.end, ==, 1786140000);
  row_clear (&row);

  /* DURATION:P2D from 09-01: 08-31 22:00Z to 09-02 22:00Z. */
  require_row (&f, "allday-duration@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1788213600);
  g_assert_cmpint (row.end, ==, 1788386400);
  row_clear (&row);

  /* Weekly all-day Mondays across the October change; the rid is the local midnight. */
  for (guint i = 0; i < G_N_ELEMENTS (weekly); i++)
    {
      require_row (&f, "allday-weekly@tend.test", weekly[i][0], &row);
      g_assert_true (row.all_day);
      g_assert_true (row.recurring);
      g_assert_cmpint (row.start, ==, weekly[i][0]);
      g_assert_cmpint (row.end, ==, weekly[i][1]);
      row_clear (&row);
    }

  fixture_close (&f);
}

static void
test_partstat (void)
{
  g_autoptr (GError) error = NULL;
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);

  /* Me not known yet: an invitation (METHOD:REQUEST) with attendees waits for my answer. */
  import_fixture (&f, "invitation.ics", report);
  require_row (&f, "invitation@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NEEDS_ACTION);
  /* Two ATTENDEEs (a mail address and a room's URN) plus the unlisted ORGANIZER. */
  g_assert_cmpuint (row.attendee_count, ==, 3);
  g_assert_cmpstr (row.organizer, ==, "boss@example.org");
  row_clear (&row);

  g_assert_true (tend_store_add_me (f.store, "me@example.org", &error));
  g_assert_no_error (error);
  import_fixture (&f, "partstat.ics", report);

  /* Me (written Me@Example.org) and a colleague, plus the boss who organizes. */
  require_row (&f, "ps-accepted@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_ACCEPTED);
  g_assert_cmpuint (row.attendee_count, ==, 3);
  g_assert_cmpstr (row.organizer, ==, "boss@example.org");
  row_clear (&row);

  /* The boss is listed as an attendee too, so not counted twice: 2. */
  require_row (&f, "ps-tentative@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_TENTATIVE);
  g_assert_cmpuint (row.attendee_count, ==, 2);
  row_clear (&row);

  require_row (&f, "ps-declined@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_DECLINED);
  g_assert_cmpuint (row.attendee_count, ==, 4);
  row_clear (&row);

  /* No PARTSTAT means NEEDS-ACTION (RFC 5545 §3.2.12). */
  require_row (&f, "ps-needs-action@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NEEDS_ACTION);
  row_clear (&row);

  /* Attendees, none of them me, in a published calendar (METHOD:PUBLISH): NONE. */
  require_row (&f, "ps-others@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NONE);
  g_assert_cmpuint (row.attendee_count, ==, 2);
  row_clear (&row);

  /* No attendees: an appointment, NONE; the organizer alone counts as one. */
  require_row (&f, "ps-alone@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NONE);
  g_assert_cmpuint (row.attendee_count, ==, 1);
  row_clear (&row);

  require_row (&f, "ps-nobody@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NONE);
  g_assert_cmpuint (row.attendee_count, ==, 0);
  g_assert_null (row.organizer);
  row_clear (&row);

  /* Now that I am known, the invitation carries my own (missing, so NEEDS-ACTION) answer. */
  import_fixture (&f, "invitation.ics", report);
  require_row (&f, "invitation@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NEEDS_ACTION);
  row_clear (&row);

  fixture_close (&f);
}

static void
test_organizer_me (void)
{
  g_autoptr (GError) error = NULL;
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  g_assert_true (tend_store_add_me (f.store, "me@example.org", &error));
  g_assert_no_error (error);
  import_fixture (&f, "organizer.ics", report);
  g_assert_cmpuint (report->events_added, ==, 3);

  /* ORGANIZER mailto:ME@example.org, also listed as an attendee: three people in all. */
  require_row (&f, "org-me@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_ORGANIZER);
  g_assert_cmpstr (row.organizer, ==, "me@example.org");
  g_assert_cmpuint (row.attendee_count, ==, 3);
  row_clear (&row);

  /* I organize and invite Ann, without listing myself: two people. */
  require_row (&f, "org-me-unlisted@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_ORGANIZER);
  g_assert_cmpuint (row.attendee_count, ==, 2);
  row_clear (&row);

  /* Organized by me with nobody invited: my own appointment, NONE. */
  require_row (&f, "org-me-alone@tend.test", 0, &row);
  g_assert_cmpint (row.my_response, ==, TEND_RESPONSE_NONE);
  g_assert_cmpuint (row.attendee_count, ==, 1);
  row_clear (&row);

  fixture_close (&f);
}

static void
test_cancelled (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "cancelled.ics", report);
  import_fixture (&f, "cancel-method.ics", report);
  g_assert_cmpuint (report->events_added, ==, 3);

  require_row (&f, "cancel-status@tend.test", 0, &row);
  g_assert_true (row.cancelled);
  row_clear (&row);
  require_row (&f, "cancel-confirmed@tend.test", 0, &row);
  g_assert_false (row.cancelled);
  row_clear (&row);
  /* METHOD:CANCEL cancels what it carries, without a STATUS. */
  require_row (&f, "cancel-method@tend.test", 0, &row);
  g_assert_true (row.cancelled);
  row_clear (&row);

  fixture_close (&f);
}

static void
test_online (void)
{
  const struct
  {
    const char *uid;
    gboolean    online;
  } cases[] = {
    { "online-conference@tend.test", TRUE },
    { "online-teams-property@tend.test", TRUE },
    { "online-teams-flag@tend.test", TRUE },
    { "online-google@tend.test", TRUE },
    { "online-zoom-location@tend.test", TRUE },
    /* The link is split by line folding and written in capitals. */
    { "online-teams-description@tend.test", TRUE },
    { "online-webex-description@tend.test", TRUE },
    /* "Zoom" as a room name and "zoom.usability" are not links to zoom.us. */
    { "offline-room@tend.test", FALSE },
    { "offline-plain@tend.test", FALSE },
  };
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();

  fixture_open (&f);
  import_fixture (&f, "online.ics", report);
  g_assert_cmpuint (report->events_added, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Row) row = { 0 };

      require_row (&f, cases[i].uid, 0, &row);
      if (row.online != cases[i].online)
        g_error ("%s: online is %d", cases[i].uid, row.online);
    }

  fixture_close (&f);
}

static void
test_open_ended_window (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) moved = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);

  /* Window [2026-03-02, 2026-03-09): the daily 09:00Z series since 2020 gives the seven days
   * 03-02 … 03-08; the yearly birthday since 1985 gives 2026-03-04 (midnight Berlin,
   * 03-03 23:00Z) — its first instance is before 1990, but only instances are judged. */
  tend_calendar_importer_set_window (f.importer, 1772409600, 1773014400);
  import_fixture (&f, "open-ended.ics", report);
  g_assert_cmpuint (report->events_added, ==, 8);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);
  g_assert_cmpint (count_rows (&f, "daily-forever@tend.test"), ==, 7);
  require_row (&f, "daily-forever@tend.test", 1772442000, &row);
  g_assert_cmpint (row.end, ==, 1772442000 + 900);
  row_clear (&row);
  require_row (&f, "daily-forever@tend.test", 1772960400, &row);
  row_clear (&row);
  require_row (&f, "birthday@tend.test", 1772578800, &row);
  g_assert_true (row.all_day);
  row_clear (&row);

  /* Moving the window to [03-05, 03-12): 03-05 … 03-08 are unchanged, 03-09 … 03-11 are new,
   * and 03-02 … 03-04 and the birthday, outside the window, are history that stays: pruning
   * only judges the instances it expanded. 7 + 1 + 3 rows. */
  tend_calendar_importer_set_window (f.importer, 1772668800, 1773273600);
  import_fixture (&f, "open-ended.ics", moved);
  g_assert_cmpuint (moved->events_unchanged, ==, 4);
  g_assert_cmpuint (moved->events_added, ==, 3);
  g_assert_cmpuint (moved->events_removed, ==, 0);
  g_assert_cmpint (count_rows (&f, NULL), ==, 11);

  /* Far ahead, each instance is judged: those more than 20 years from now are absurd. In
   * [2046-01-01, 2048-01-01) the daily series has 730 instances from 2046-01-01T09:00Z, the
   * birthday two (2046-03-04 and 2047-03-04, midnight Berlin winter time). How many are
   * stored depends on today's date, so the expectation is computed the same way. */
  {
    g_autoptr (TendImportReport) far = tend_import_report_new ();
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) limit = g_date_time_add_years (now, 20);
    gint64 max = g_date_time_to_unix (limit);
    guint  daily = 0, birthday = (2403730800 <= max) + (2435266800 <= max);

    for (gint64 i = 0; i < 730; i++)
      daily += 2398410000 + i * 86400 <= max;

    tend_calendar_importer_set_window (f.importer, 2398377600, 2461449600);
    import_fixture (&f, "open-ended.ics", far);
    /* Beside the 10 daily and 1 birthday instances of the earlier windows. */
    g_assert_cmpint (count_rows (&f, "daily-forever@tend.test"), ==, 10 + daily);
    g_assert_cmpint (count_rows (&f, "birthday@tend.test"), ==, 1 + birthday);
    g_assert_cmpuint (far->events_added, ==, daily + birthday);
    g_assert_cmpuint (far->skipped[TEND_SKIP_ABSURD_DATE], ==, 732 - daily - birthday);
  }

  fixture_close (&f);
}

static void
test_instance_cap (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  gint64 started = g_get_monotonic_time ();

  fixture_open (&f);
  /* March 2026 holds 2.7 million seconds; each FREQ=SECONDLY series stops at 20 000. The
   * third one (COUNT, from 1995, by the minute) cannot be moved forward and runs out of
   * steps long before reaching the window. Each of the three is counted as malformed. */
  tend_calendar_importer_set_window (f.importer, 1772323200, 1775001600);
  import_fixture (&f, "instance-cap.ics", report);
  g_assert_cmpint (count_rows (&f, "bomb@tend.test"), ==, 20000);
  g_assert_cmpint (count_rows (&f, "bomb-old@tend.test"), ==, 20000);
  g_assert_cmpint (count_rows (&f, "bomb-count@tend.test"), ==, 0);
  g_assert_cmpuint (report->events_added, ==, 40000);
  g_assert_cmpuint (report->skipped[TEND_SKIP_MALFORMED], ==, 3);
  /* Generous for a slow machine under valgrind; a hang would take far longer. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 120 * G_USEC_PER_SEC);

  fixture_close (&f);
}

/* However many series a file holds, expanding them takes at most 2 000 000 rule steps in all.
 * Ten series that cannot be moved forward (COUNT) each take their 200 000 steps without reaching
 * the window, and leave none for the eleventh, which keeps its DTSTART only. */
static void
test_file_budget (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (GString) text = g_string_new ("BEGIN:VCALENDAR\nVERSION:2.0\n");
  Fixture f = { 0 };

  for (guint i = 0; i < 10; i++)
    g_string_append_printf (text,
                            "BEGIN:VEVENT\nUID:slow-%u@tend.test\nDTSTART:19950101T000000Z\n"
                            "RRULE:FREQ=MINUTELY;COUNT=100000000\nEND:VEVENT\n",
                            i);
  g_string_append (text, "BEGIN:VEVENT\nUID:daily@tend.test\nDTSTART:20260316T090000Z\n"
                         "RRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n");

  fixture_open (&f);
  g_assert_true (tend_calendar_importer_import_data (f.importer, text->str, (gssize) text->len,
                                                     report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (&f, "daily@tend.test"), ==, 1);
  g_assert_cmpint (count_rows (&f, NULL), ==, 1);
  g_assert_cmpuint (report->skipped[TEND_SKIP_MALFORMED], ==, 11);

  fixture_close (&f);
}

/* VTIMEZONEs that would keep libical busy for minutes are ignored, and dates too far ahead are not
 * even converted (libical would expand the zone's rules up to them). */
static void
test_hostile_zones (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) many = tend_import_report_new ();
  g_autoptr (GString) text = g_string_new ("BEGIN:VCALENDAR\nVERSION:2.0\n");
  Fixture f = { 0 };
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "hostile-zones.ics", report);
  /* "Exploding Time" changes its offset 4 × 4 × 6 = 96 times a year: not a zone, so its event's
   * TZID is unknown. The year 2500 is absurd. */
  g_assert_cmpuint (report->events_added, ==, 1);
  g_assert_cmpuint (report->skipped[TEND_SKIP_UNKNOWN_TZID], ==, 1);
  g_assert_cmpuint (report->skipped[TEND_SKIP_ABSURD_DATE], ==, 1);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 2);
  /* 2026-07-01 10:00 in the file's summer time, UTC+2: 08:00Z. */
  require_row (&f, "yearly-zone@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1782892800);
  row_clear (&row);

  /* 130 zones of two rules each: 128 of them fill the file's 256 rules, two are ignored (which
   * two depends on the order libical keeps them in). */
  for (guint i = 0; i < 130; i++)
    g_string_append_printf (text,
                            "BEGIN:VTIMEZONE\nTZID:Zone %u\n"
                            "BEGIN:STANDARD\nDTSTART:16010101T030000\nTZOFFSETFROM:+0200\n"
                            "TZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n"
                            "END:STANDARD\n"
                            "BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\n"
                            "TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n"
                            "END:DAYLIGHT\nEND:VTIMEZONE\n",
                            i);
  for (guint i = 0; i < 130; i++)
    g_string_append_printf (text,
                            "BEGIN:VEVENT\nUID:zone-%u@tend.test\n"
                            "DTSTART;TZID=Zone %u:20260701T100000\nEND:VEVENT\n",
                            i, i);
  g_string_append (text, "END:VCALENDAR\n");
  g_assert_true (tend_calendar_importer_import_data (f.importer, text->str, (gssize) text->len,
                                                     many, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (many->events_added, ==, 128);
  g_assert_cmpuint (many->skipped[TEND_SKIP_UNKNOWN_TZID], ==, 2);
  g_assert_cmpint (count_rows (&f, NULL), ==, 1 + 128);
  require_row (&f, "zone-64@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1782892800);

  fixture_close (&f);
}

/* 100 000 nested components would overflow the stack of libical's recursive copy and free. The
 * input ends at the 32nd level, and the event before it is kept. */
static void
test_deep_nesting (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (GString) text = g_string_new ("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
                                           "UID:before@tend.test\nDTSTART:20260316T090000Z\n"
                                           "END:VEVENT\n");
  Fixture f = { 0 };

  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "BEGIN:X-DEEPER\n");

  fixture_open (&f);
  g_assert_true (tend_calendar_importer_import_data (f.importer, text->str, (gssize) text->len,
                                                     report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (&f, "before@tend.test"), ==, 1);
  g_assert_cmpuint (report->events_added, ==, 1);
  g_assert_cmpuint (report->skipped[TEND_SKIP_MALFORMED], ==, 1);

  fixture_close (&f);
}

/* A named pipe is not read: that would wait for a writer for ever. */
static void
test_named_pipe (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autofree char *pipe = NULL;
  Fixture          f = { 0 };

  fixture_open (&f);
  pipe = g_build_filename (f.dir, "pipe.ics", NULL);
  g_assert_cmpint (mkfifo (pipe, 0600), ==, 0);
  g_assert_false (tend_calendar_importer_import_file (f.importer, pipe, report, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_assert_cmpuint (report->files, ==, 1);
  g_assert_cmpint (g_unlink (pipe), ==, 0);

  fixture_close (&f);
}

static void
test_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) other = tend_import_report_new ();
  g_autofree char *big = NULL;
  g_autofree char *missing = NULL;
  const char      *garbage = "Hello,\nthis is a letter, not a calendar.\n";
  const char      *truncated = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
                               "UID:complete@tend.test\r\nDTSTART:20260316T090000Z\r\n"
                               "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:cut@tend.test\r\nDTSTA";
  const char binary[] = { '\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n', '\0', '\0', '\xff' };
  int        fd;

  fixture_open (&f);
  /* The file also opens with a stray END:VEVENT, which is dropped without a word. */
  import_fixture (&f, "bad-input.ics", report);

  /* good-1, good-2, the DTSTART of the series whose rule can never occur (BYMONTHDAY=30 in
   * February), and the event whose RRULE (INTERVAL=0) libical's parser drops as unreadable. */
  g_assert_cmpuint (report->events_added, ==, 4);
  g_assert_cmpint (count_rows (&f, "good-1@tend.test"), ==, 1);
  g_assert_cmpint (count_rows (&f, "good-2@tend.test"), ==, 1);
  g_assert_cmpint (count_rows (&f, "impossible-rule@tend.test"), ==, 1);
  g_assert_cmpint (count_rows (&f, "interval-zero@tend.test"), ==, 1);
  /* No DTSTART, and a DTSTART libical cannot read. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_MISSING_DATE], ==, 2);
  /* 1985 and 2099. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_ABSURD_DATE], ==, 2);
  g_assert_cmpuint (report->skipped[TEND_SKIP_UNKNOWN_TZID], ==, 1);
  /* Latin-1 bytes, and a NUL byte. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_INVALID_UTF8], ==, 2);
  /* The rule that can never occur. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_MALFORMED], ==, 1);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 8);

  /* Not a calendar at all: skipped, not an error. */
  g_assert_true (tend_calendar_importer_import_data (f.importer, garbage, -1, other, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (
      tend_calendar_importer_import_data (f.importer, binary, sizeof binary, other, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tend_calendar_importer_import_data (f.importer, "", 0, other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (other->skipped[TEND_SKIP_GARBAGE], ==, 3);
  g_assert_cmpuint (other->events_added, ==, 0);

  /* A file cut off in the middle keeps its complete events. */
  g_assert_true (
      tend_calendar_importer_import_data (f.importer, truncated, -1, other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (&f, "complete@tend.test"), ==, 1);
  g_assert_cmpint (count_rows (&f, "cut@tend.test"), ==, 0);

  /* Over 64 MiB: skipped unread (the file is sparse, so this costs no disk). */
  big = g_build_filename (f.dir, "big.ics", NULL);
  fd = g_open (big, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 64 * 1024 * 1024 + 1), ==, 0);
  g_assert_cmpint (g_close (fd, NULL), ==, TRUE);
  g_assert_true (tend_calendar_importer_import_file (f.importer, big, other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (other->skipped[TEND_SKIP_OVERSIZED], ==, 1);
  g_assert_cmpint (g_unlink (big), ==, 0);

  /* A file that cannot be read fails the import. */
  missing = g_build_filename (f.dir, "missing.ics", NULL);
  g_assert_false (tend_calendar_importer_import_file (f.importer, missing, other, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tend_calendar_importer_import_file (f.importer, f.dir, other, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);

  fixture_close (&f);
}

static void
test_duplicates (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) again = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  import_fixture (&f, "duplicates.ics", report);
  /* dup@ once (three versions and a REPLY), two versions of one instance of a series that is
   * not in the file, and the event without a UID. */
  g_assert_cmpuint (report->events_added, ==, 3);
  g_assert_cmpint (count_rows (&f, NULL), ==, 3);

  /* SEQUENCE:2 wins: 2026-03-16 11:00Z. The REPLY (SEQUENCE:5) is an answer, not an event. */
  require_row (&f, "dup@tend.test", 0, &row);
  g_assert_cmpint (row.start, ==, 1773658800);
  g_assert_cmpuint (row.attendee_count, ==, 0);
  row_clear (&row);

  /* The instance originally at 03-18 09:00Z: SEQUENCE:1 (10:00Z) beats the SEQUENCE:0 that
   * comes after it in the file. */
  require_row (&f, "dup-instance@tend.test", 1773824400, &row);
  g_assert_cmpint (row.start, ==, 1773828000);
  row_clear (&row);

  /* The UID made up for the last one is stable: nothing changes the second time. */
  import_fixture (&f, "duplicates.ics", again);
  g_assert_cmpuint (again->events_added, ==, 0);
  g_assert_cmpuint (again->events_unchanged, ==, 3);
  g_assert_cmpint (count_rows (&f, NULL), ==, 3);

  fixture_close (&f);
}

static void
test_idempotent (void)
{
  const char *files[] = {
    "single.ics",         "dst-weekly-berlin.ics",
    "new-york-dst.ics",   "rrule-count-until.ics",
    "rdate.ics",          "series-weekly-exdate.ics",
    "override-moved.ics", "override-cancelled.ics",
    "only-overrides.ics", "custom-vtimezone.ics",
    "all-day.ics",        "partstat.ics",
    "organizer.ics",      "online.ics",
    "bad-input.ics",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (TendImportReport) first = tend_import_report_new ();
  g_autoptr (TendImportReport) second = tend_import_report_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  Fixture          f = { 0 };

  fixture_open (&f);
  g_assert_true (tend_store_add_me (f.store, "me@example.org", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    import_fixture (&f, files[i], first);
  before = dump_events (&f);
  g_assert_cmpuint (first->events_added, >, 40);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    import_fixture (&f, files[i], second);
  after = dump_events (&f);

  g_assert_cmpuint (second->events_added, ==, 0);
  g_assert_cmpuint (second->events_removed, ==, 0);
  g_assert_cmpuint (second->events_unchanged, ==, first->events_added);
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    g_assert_cmpuint (second->skipped[i], ==, first->skipped[i]);
  g_assert_cmpstr (before, ==, after);

  fixture_close (&f);
}

static void
test_exdate_added_later (void)
{
  Fixture f = { 0 };
  g_autoptr (TendImportReport) first = tend_import_report_new ();
  g_autoptr (TendImportReport) second = tend_import_report_new ();
  g_auto (Row) row = { 0 };

  fixture_open (&f);
  /* Five Mondays 11:00 Berlin (09:00Z) from 2026-05-04. */
  import_fixture (&f, "series-weekly.ics", first);
  g_assert_cmpuint (first->events_added, ==, 5);
  require_row (&f, "weekly-review@tend.test", 1779094800, &row);
  row_clear (&row);

  /* The same series with EXDATE 05-18 11:00 Berlin (09:00Z): that instance alone goes. */
  import_fixture (&f, "series-weekly-exdate.ics", second);
  g_assert_cmpuint (second->events_added, ==, 0);
  g_assert_cmpuint (second->events_unchanged, ==, 4);
  g_assert_cmpuint (second->events_removed, ==, 1);
  g_assert_false (get_row (&f, "weekly-review@tend.test", 1779094800, &row));
  g_assert_cmpint (count_rows (&f, "weekly-review@tend.test"), ==, 4);

  fixture_close (&f);
}

static void
test_cancellable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autofree char *path = fixture_path ("single.ics");
  Fixture          f = { 0 };

  fixture_open (&f);
  g_cancellable_cancel (cancellable);
  g_assert_false (
      tend_calendar_importer_import_file (f.importer, path, report, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (count_rows (&f, NULL), ==, 0);
  g_assert_cmpuint (report->events_added, ==, 0);

  fixture_close (&f);
}

static void
collect_ics_files (const char *dir, GPtrArray *out)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_ics_files (path, out);
      else if (g_str_has_suffix (name, ".ics"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_shared_data (void)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = NULL;
  const char      *shared = g_getenv ("TEND_SHARED_DATA");
  Fixture          f = { 0 };

  if (shared == NULL
      || !g_file_test ((root = g_build_filename (shared, "ical", NULL)), G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("TEND_SHARED_DATA/ical is not available");
      return;
    }
  collect_ics_files (root, files);
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >, 0);

  fixture_open (&f);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (TendImportReport) first = tend_import_report_new ();
      g_autoptr (TendImportReport) second = tend_import_report_new ();
      g_autoptr (TendCalendarImporter) importer = NULL;
      g_autofree char *contents = NULL;
      gint64           account;

      g_test_message ("%s", path + strlen (root) + 1);
      /* One account per file, so that files sharing UIDs do not meet. */
      account = tend_store_ensure_account (f.store, "file", path, &error);
      g_assert_no_error (error);
      importer = tend_calendar_importer_new (f.store, account);
      /* From 1990 on: several files hold only series that ended long before the default
       * window, and would otherwise, rightly, import nothing. */
      tend_calendar_importer_set_window (importer, 631152000 /* 1990-01-01T00:00Z */,
                                         g_get_real_time () / G_USEC_PER_SEC + 365 * 86400);

      g_assert_true (tend_calendar_importer_import_file (importer, path, first, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      if (strstr (contents, "BEGIN:VEVENT") != NULL)
        g_assert_cmpuint (first->events_added + tend_import_report_total_skipped (first), >, 0);

      /* Real files are idempotent too. */
      g_assert_true (tend_calendar_importer_import_file (importer, path, second, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (second->events_added, ==, 0);
      g_assert_cmpuint (second->events_removed, ==, 0);
      g_assert_cmpuint (second->events_unchanged, ==, first->events_added);
    }
  fixture_close (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/single", test_single);
  g_test_add_func ("/calendar/dst-weekly-berlin", test_dst_weekly_berlin);
  g_test_add_func ("/calendar/new-york-dst", test_new_york_dst);
  g_test_add_func ("/calendar/rrule-count-until", test_rrule_count_until);
  g_test_add_func ("/calendar/rdate", test_rdate);
  g_test_add_func ("/calendar/exdate", test_exdate);
  g_test_add_func ("/calendar/override-moved", test_override_moved);
  g_test_add_func ("/calendar/override-cancelled", test_override_cancelled);
  g_test_add_func ("/calendar/only-overrides", test_only_overrides);
  g_test_add_func ("/calendar/custom-vtimezone", test_custom_vtimezone);
  g_test_add_func ("/calendar/all-day", test_all_day);
  g_test_add_func ("/calendar/partstat", test_partstat);
  g_test_add_func ("/calendar/organizer-me", test_organizer_me);
  g_test_add_func ("/calendar/cancelled", test_cancelled);
  g_test_add_func ("/calendar/online", test_online);
  g_test_add_func ("/calendar/open-ended-window", test_open_ended_window);
  g_test_add_func ("/calendar/instance-cap", test_instance_cap);
  g_test_add_func ("/calendar/file-budget", test_file_budget);
  g_test_add_func ("/calendar/hostile-zones", test_hostile_zones);
  g_test_add_func ("/calendar/deep-nesting", test_deep_nesting);
  g_test_add_func ("/calendar/named-pipe", test_named_pipe);
  g_test_add_func ("/calendar/bad-input", test_bad_input);
  g_test_add_func ("/calendar/duplicates", test_duplicates);
  g_test_add_func ("/calendar/idempotent", test_idempotent);
  g_test_add_func ("/calendar/exdate-added-later", test_exdate_added_later);
  g_test_add_func ("/calendar/cancellable", test_cancellable);
  g_test_add_func ("/calendar/shared-data", test_shared_data);

  return g_test_run ();
}
