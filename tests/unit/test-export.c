/* test-export.c: the JSON export holds everything the database keeps, not only the rows
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tend-aggregate.h"
#include "tend-coach.h"
#include "tend-export.h"
#include "tend-goal.h"
#include "tend-store-private.h"

#define ME "me@example.com"
/* Wednesday 2026-02-25 10:00 UTC, in 2026-W09. */
#define SENT_AT 1772013600

typedef struct
{
  char      *dir;
  TendStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendMessage) message = tend_message_new ();
  g_autofree char *path = NULL;
  gboolean         inserted = FALSE;
  gint64           account;

  f->dir = g_dir_make_tmp ("tend-export-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_add_me (f->store, ME, &error));
  account = tend_store_ensure_account (f->store, "imap", ME, &error);
  g_assert_no_error (error);

  message->provider_id = g_strdup ("m1");
  message->sent_at = SENT_AT;
  message->sender = g_strdup (ME);
  tend_message_add_recipient (message, "ann@example.org");
  g_assert_true (tend_store_add_message (f->store, account, message, &inserted, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_strdup (tend_store_get_path (f->store));

  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (path, NULL));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

static char *export(Fixture *f, TendExportFormat format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_true (tend_export_write (f->store, format, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static json_t *
array_member (json_t *root, const char *name, gsize length)
{
  json_t *array = json_object_get (root, name);

  g_assert_true (json_is_array (array));
  g_assert_cmpuint (json_array_size (array), ==, length);
  return array;
}

static void
test_everything (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendGoal) goal = NULL;
  g_autoptr (TendCoach) coach = tend_coach_new (f->store);
  g_autoptr (GDateTime) until = g_date_time_new_from_unix_utc (SENT_AT + 7 * 86400);
  g_autofree char *text = NULL;
  const TendWeek   week = { 2026, 9 };
  const char      *payload = "{\"version\":1,\"week\":\"2026-W09\"}";
  sqlite3_stmt    *stmt;
  json_error_t     json_error;
  json_t          *root, *row;

  goal = tend_goal_add (f->store, "after_hours_days", TEND_GOAL_AT_MOST, 2, &error);
  g_assert_no_error (error);
  g_assert_true (tend_coach_dismiss (coach, "meeting-load", &week, &error));
  g_assert_true (tend_coach_snooze (coach, "focus-time", &week, until, &error));
  g_assert_no_error (error);
  g_assert_true (tend_aggregate_record_consent (f->store, TRUE, "Example Cooperative",
                                                "https://collector.example", "2026-W09", 1772000000,
                                                &error));
  g_assert_no_error (error);
  /* The export shows stored bytes as they are, whatever they hold. */
  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (f->store),
                                       "INSERT INTO contribution VALUES ('2026-W09', 1, ?, 1)", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, payload, strlen (payload), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  text = export(f, TEND_EXPORT_JSON);
  root = json_loads (text, 0, &json_error);
  g_assert_nonnull (root);

  array_member (root, "messages", 1);
  row = json_array_get (array_member (root, "goals", 1), 0);
  g_assert_cmpstr (json_string_value (json_object_get (row, "metric")), ==, "after_hours_days");
  g_assert_cmpstr (json_string_value (json_object_get (row, "comparison")), ==, "at-most");
  g_assert_cmpfloat (json_real_value (json_object_get (row, "target")), ==, 2.0);

  row = json_array_get (array_member (root, "nudges", 2), 0);
  g_assert_cmpstr (json_string_value (json_object_get (row, "nudge")), ==, "focus-time");
  g_assert_cmpstr (json_string_value (json_object_get (row, "state")), ==, "snoozed");
  g_assert_cmpstr (json_string_value (json_object_get (row, "until")), ==, "2026-03-04T10:00:00Z");
  row = json_array_get (json_object_get (root, "nudges"), 1);
  g_assert_cmpstr (json_string_value (json_object_get (row, "state")), ==, "dismissed");
  g_assert_true (json_is_null (json_object_get (row, "until")));

  row = json_array_get (array_member (root, "contributions", 1), 0);
  g_assert_cmpstr (json_string_value (json_object_get (row, "payload")), ==, payload);
  row = json_array_get (array_member (root, "consent", 1), 0);
  g_assert_cmpstr (json_string_value (json_object_get (row, "action")), ==, "give");
  g_assert_cmpstr (json_string_value (json_object_get (row, "destination")), ==,
                   "https://collector.example");
  g_assert_cmpstr (json_string_value (json_object_get (row, "organization")), ==,
                   "Example Cooperative");
  g_assert_cmpstr (json_string_value (json_object_get (row, "week")), ==, "2026-W09");
  array_member (root, "uploads", 0);
  json_decref (root);
}

/* The CSV is one table for spreadsheets: a line per message and event. */
static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *text = export(f, TEND_EXPORT_CSV);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[1], "message,imap:" ME ",2026-02-25T10:00:00Z,"));
  g_assert_cmpstr (lines[2], ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/export/everything", Fixture, NULL, fixture_set_up, test_everything,
              fixture_tear_down);
  g_test_add ("/export/csv", Fixture, NULL, fixture_set_up, test_csv, fixture_tear_down);
  return g_test_run ();
}
