/* test-tendctl.c: tendctl end to end, as a person runs it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"
#include "tend-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>

typedef struct
{
  char *home; /* XDG_DATA_HOME of the run */
  char *db;   /* where tendctl puts the database by default */
  char *mbox;
  char *ics;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->home = g_dir_make_tmp ("tend-e2e-XXXXXX", NULL);
  f->db = g_build_filename (f->home, "tend", "tend.db", NULL);
  f->mbox = g_build_filename (TEND_TEST_DATA, "e2e", "mail.mbox", NULL);
  f->ics = g_build_filename (TEND_TEST_DATA, "e2e", "calendar.ics", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tend_test_remove_tree (f->home);
  g_free (f->home);
  g_free (f->db);
  g_free (f->mbox);
  g_free (f->ics);
}

static void
run_tendctl (Fixture *f, const char *input, Run *run, const char *first_arg, ...)
{
  va_list ap;

  va_start (ap, first_arg);
  run->status = tend_test_run_tendctl_va (f->home, input, &run->out, &run->err, first_arg, ap);
  va_end (ap);
}

static void
import_fixtures (Fixture *f)
{
  g_auto (Run) run = { 0 };

  run_tendctl (f, NULL, &run, "--database", f->db, "import", "--me", "Me@Tend.example", f->mbox,
               f->ics, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "6 new messages, 0 already known"));
}

static void
test_help (Fixture *f, gconstpointer data)
{
  const char *commands[]
      = { "status", "opt-in", "opt-out", "import", "week", "goal", "export", "forget", "demo" };
  g_auto (Run) run = { 0 };

  run_tendctl (f, NULL, &run, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Exit status"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto (Run) sub = { 0 };

      run_tendctl (f, NULL, &sub, commands[i], "--help", NULL);
      g_assert_cmpint (sub.status, ==, 0);
      g_assert_nonnull (strstr (sub.out, "Usage:"));
    }
}

static void
test_usage_errors (Fixture *f, gconstpointer data)
{
  g_auto (Run) unknown = { 0 };
  g_auto (Run) bad_option = { 0 };
  g_auto (Run) no_paths = { 0 };
  g_auto (Run) bad_week = { 0 };

  run_tendctl (f, NULL, &unknown, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  run_tendctl (f, NULL, &bad_option, "import", "--bogus", NULL);
  g_assert_cmpint (bad_option.status, ==, 2);
  run_tendctl (f, NULL, &no_paths, "import", NULL);
  g_assert_cmpint (no_paths.status, ==, 2);
  run_tendctl (f, NULL, &bad_week, "week", "--week", "2026-W99", NULL);
  g_assert_cmpint (bad_week.status, ==, 2);
}

static void
test_import_idempotent (Fixture *f, gconstpointer data)
{
  g_auto (Run) again = { 0 };

  import_fixtures (f);
  run_tendctl (f, NULL, &again, "--database", f->db, "import", f->mbox, f->ics, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_nonnull (strstr (again.out, "0 new messages"));
  g_assert_nonnull (strstr (again.out, "Calendar: 0 occurrences new or changed"));
}

static double
number (json_t *object, const char *key)
{
  json_t *value = json_object_get (object, key);

  g_assert_true (json_is_number (value));
  return json_number_value (value);
}

/* The fixtures hold one week, 2026-W10 (Mon 2 – Sun 8 March, Berlin, UTC+1), worked out here
 * with the default working hours Mon–Fri 09:00–17:00 and the 2-hour focus minimum.
 *
 * Calendar: Mon 09:30–10:00 team (weekly series, accepted); Tue 13:00–14:30 review I organize
 * with 9 people (large); Wed 10:00–11:00 declined; Thu all-day offsite (not a meeting);
 * Thu 15:00–16:00 accepted and 15:30–16:30 tentative, overlapping: 1.5 h once.
 *   meeting_hours = 0.5 + 1.5 + 1.5 = 3.5; meetings = 4; large = 1;
 *   back-to-back runs = 1 (the two Thursday syncs overlap).
 *   Focus (gaps ≥ 2 h inside 09:00–17:00): Mon 10:00–17:00 = 7; Tue 09:00–13:00 = 4 and
 *   14:30–17:00 = 2.5; Wed 8 (declined frees it); Thu 09:00–15:00 = 6 (16:30–17:00 too short);
 *   Fri 8 → focus_hours = 35.5.
 * Mail: received Mon 10:00 (Ann), Wed 14:00 (Dave), Fri 16:30 (Bob); sent Mon 11:30 (reply to
 * Ann), Tue 21:00 (to Carol, after hours), Sat 10:00 (reply to Bob, after hours, weekend).
 *   messages_sent = 3, messages_received = 3, after_hours_messages_sent = 2;
 *   replies: 90 min and Fri 16:30 → Sat 10:00 = 1050 min wall; the median of two is their
 *   mean, 570. On the working clock 90 and 30 (Fri 16:30–17:00 only): median 60. */
static void
test_week_json (Fixture *f, gconstpointer data)
{
  g_auto (Run) run = { 0 };
  json_error_t json_error;
  json_t      *root;

  import_fixtures (f);
  run_tendctl (f, NULL, &run, "week", "--week", "2026-W10", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  root = json_loads (run.out, 0, &json_error);
  g_assert_nonnull (root);

  g_assert_cmpstr (json_string_value (json_object_get (root, "week")), ==, "2026-W10");
  g_assert_true (json_is_false (json_object_get (root, "demo")));
  g_assert_cmpfloat (number (root, "meeting_hours"), ==, 3.5);
  g_assert_cmpfloat (number (root, "meetings"), ==, 4);
  g_assert_cmpfloat (number (root, "large_meetings"), ==, 1);
  g_assert_cmpfloat (number (root, "back_to_back_chains"), ==, 1);
  g_assert_cmpfloat (number (root, "focus_hours"), ==, 35.5);
  g_assert_cmpfloat (number (root, "messages_sent"), ==, 3);
  g_assert_cmpfloat (number (root, "messages_received"), ==, 3);
  g_assert_cmpfloat (number (root, "after_hours_messages_sent"), ==, 2);
  g_assert_cmpfloat (number (root, "reply_median_minutes"), ==, 570);
  g_assert_cmpfloat (number (root, "reply_median_work_minutes"), ==, 60);
  /* Ann, Bob, Carol and Dave. */
  g_assert_cmpfloat (number (root, "collaborators"), ==, 4);
  g_assert_true (json_is_array (json_object_get (root, "nudges")));
  g_assert_true (json_is_array (json_object_get (root, "goals")));
  json_decref (root);
}

static void
test_week_without_database (Fixture *f, gconstpointer data)
{
  g_auto (Run) run = { 0 };

  run_tendctl (f, NULL, &run, "week", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "tendctl import"));
}

/* The database must not be left damaged or half-written by a second writer: the second is told
 * it is busy and exits with 3. */
static void
test_locked_database (Fixture *f, gconstpointer data)
{
  g_auto (Run) run = { 0 };
  sqlite3 *db = NULL;

  import_fixtures (f);
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  run_tendctl (f, NULL, &run, "--database", f->db, "import", f->mbox, NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "in use"));

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
}

static void
test_corrupt_database (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (f->db);
  g_autofree char *garbage = g_strnfill (4096, '#');
  g_auto (Run) run = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->db, garbage, -1, NULL));
  run_tendctl (f, NULL, &run, "--database", f->db, "import", f->mbox, NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "damaged"));
}

static void
test_export (Fixture *f, gconstpointer data)
{
  g_autofree char *json_path = g_build_filename (f->home, "out.json", NULL);
  g_autofree char *csv_path = g_build_filename (f->home, "out.csv", NULL);
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (Run) json_run = { 0 };
  g_auto (Run) csv_run = { 0 };
  json_error_t json_error;
  json_t      *root, *messages;
  GStatBuf     st;

  import_fixtures (f);

  run_tendctl (f, NULL, &json_run, "export", "--format", "json", json_path, NULL);
  g_assert_cmpint (json_run.status, ==, 0);
  g_assert_cmpint (g_stat (json_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  root = json_load_file (json_path, 0, &json_error);
  g_assert_nonnull (root);
  g_assert_cmpstr (json_string_value (json_object_get (root, "format")), ==, "tend-export");
  messages = json_object_get (root, "messages");
  g_assert_cmpuint (json_array_size (messages), ==, 6);
  /* Sorted by time: Ann's message first, to me. */
  g_assert_cmpstr (json_string_value (json_object_get (json_array_get (messages, 0), "from")), ==,
                   "ann@example.org");
  g_assert_cmpstr (json_string_value (json_object_get (json_array_get (messages, 1), "direction")),
                   ==, "sent");
  /* The team meeting's 10 weekly occurrences, the review, the declined pitch, the offsite and the
   * two syncs. */
  g_assert_cmpuint (json_array_size (json_object_get (root, "events")), ==, 15);
  json_decref (root);

  run_tendctl (f, NULL, &csv_run, "export", "--format", "csv", csv_path, NULL);
  g_assert_cmpint (csv_run.status, ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  /* Header, 6 messages, 15 events, and the empty string after the last line break. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 15 + 1);
  g_assert_true (g_str_has_prefix (lines[0], "record,account,start_utc"));
  for (guint i = 1; i < 22; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 26);
    }
}

static void
test_forget (Fixture *f, gconstpointer data)
{
  g_auto (Run) declined = { 0 };
  g_auto (Run) confirmed = { 0 };
  g_auto (Run) no_all = { 0 };

  import_fixtures (f);

  run_tendctl (f, NULL, &no_all, "forget", NULL);
  g_assert_cmpint (no_all.status, ==, 2);

  run_tendctl (f, "no\n", &declined, "forget", "--all", NULL);
  g_assert_cmpint (declined.status, ==, 4);
  g_assert_true (g_file_test (f->db, G_FILE_TEST_EXISTS));

  run_tendctl (f, "yes\n", &confirmed, "forget", "--all", NULL);
  g_assert_cmpint (confirmed.status, ==, 0);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/tendctl/help", test_help);
  ADD ("/tendctl/usage-errors", test_usage_errors);
  ADD ("/tendctl/import/idempotent", test_import_idempotent);
  ADD ("/tendctl/week/json", test_week_json);
  ADD ("/tendctl/week/no-database", test_week_without_database);
  ADD ("/tendctl/database/locked", test_locked_database);
  ADD ("/tendctl/database/corrupt", test_corrupt_database);
  ADD ("/tendctl/export", test_export);
  ADD ("/tendctl/forget", test_forget);
#undef ADD

  return g_test_run ();
}
