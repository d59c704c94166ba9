/* test-agent-edits.c: the agent's small writes (nudges, goals) and consent to share
 *
 * Runs the real agent on a private session bus (see meson.build), in a temporary home, with an
 * organization file of the test's own named by TEND_ORG_CONF. The database is only ever read
 * here, read-only: the agent is its writer.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "tend-aggregate.h"
#include "tend-dbus.h"
#include "tend-settings.h"
#include "tend-test-util.h"
#include "tend-week.h"

#define ORGANIZATION "Example Cooperative"
#define COLLECTOR "https://collector.example.org/tend"

typedef struct
{
  TendTestAgent agent;
  char         *org_conf;
} Fixture;

static void
write_org_conf (Fixture *f, const char *organization, const char *collector)
{
  g_autoptr (GString) text = g_string_new ("[collector]\n");
  g_autoptr (GError) error = NULL;

  if (organization != NULL)
    g_string_append_printf (text, "organization=%s\n", organization);
  if (collector != NULL)
    g_string_append_printf (text, "url=%s\n", collector);
  g_file_set_contents (f->org_conf, text->str, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  tend_test_agent_init (&f->agent, "tend-edits-XXXXXX", FALSE);
  f->org_conf = g_build_filename (f->agent.home, "org.conf", NULL);
  /* The agent and its workers inherit it: where the organization's file is, nothing more. */
  g_setenv ("TEND_ORG_CONF", f->org_conf, TRUE);
  write_org_conf (f, ORGANIZATION, COLLECTOR);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tend_test_agent_clear (&f->agent);
  g_unsetenv ("TEND_ORG_CONF");
  g_free (f->org_conf);
}

static void
start_agent (Fixture *f)
{
  tend_test_agent_start (&f->agent, TEND_DBUS_TYPE_AGENT1_PROXY);
}

static void
opt_in (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->agent.proxy, NULL, &error));
  g_assert_no_error (error);
  while (!tend_dbus_agent1_get_opted_in (f->agent.proxy))
    g_main_context_iteration (NULL, TRUE);
}

/* Waits for DataChanged number @count. */
static void
wait_for_data_changed (Fixture *f, guint count)
{
  while (f->agent.data_changed < count)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
sharing_enabled (Fixture *f, gint64 *since)
{
  GVariant *sharing = tend_dbus_agent1_get_sharing (f->agent.proxy);
  gboolean  enabled = FALSE;

  g_assert_nonnull (sharing);
  g_assert_true (g_variant_lookup (sharing, "enabled", "b", &enabled));
  if (since != NULL)
    g_assert_true (g_variant_lookup (sharing, "since", "x", since));
  return enabled;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Property changes reach the proxy as a signal, after the method's reply; at start-up, consent
 * shows once the agent has checked it against the consent log. */
static void
wait_for_sharing (Fixture *f, gboolean expected)
{
  gboolean timed_out = FALSE;
  guint    timeout = g_timeout_add_seconds (20, timed_out_cb, &timed_out);

  while (sharing_enabled (f, NULL) != expected && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_cmpint (sharing_enabled (f, NULL), ==, expected);
}

static void
assert_sharing_names (Fixture *f, const char *organization, const char *collector)
{
  GVariant   *sharing = tend_dbus_agent1_get_sharing (f->agent.proxy);
  const char *value = NULL;

  g_assert_true (g_variant_lookup (sharing, "organization", "&s", &value));
  g_assert_cmpstr (value, ==, organization);
  g_assert_true (g_variant_lookup (sharing, "collector", "&s", &value));
  g_assert_cmpstr (value, ==, collector);
}

/* An administrator's state file, written before the person opted in, that claims consent to the
 * very organization and collector configured. */
static void
write_preseeded_ini (Fixture *f)
{
  g_autofree char *ini_dir = g_build_filename (f->agent.config, "tend", NULL);
  g_autofree char *ini = g_build_filename (ini_dir, "agent.ini", NULL);

  g_assert_cmpint (g_mkdir_with_parents (ini_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini,
                                      "[agent]\nopted-in=false\n"
                                      "[sharing]\nenabled=true\norganization=" ORGANIZATION
                                      "\ncollector=" COLLECTOR "\nsince=1\n",
                                      -1, NULL));
}

/* What the person is shown before they agree: the week and its contribution. */
static void
preview (Fixture *f, char **week, char **payload)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tend_dbus_agent1_call_preview_contribution_sync (f->agent.proxy, week, payload,
                                                                  NULL, &error));
  g_assert_no_error (error);
}

/* Agrees to share @week with ORGANIZATION's @collector, and waits for sharing to show as on. */
static void
give_consent (Fixture *f, const char *collector, const char *week)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION,
                                                         collector, week, NULL, &error));
  g_assert_no_error (error);
  wait_for_sharing (f, TRUE);
}

static void
take_consent_back (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, FALSE, "", "", "", NULL, &error));
  g_assert_no_error (error);
}

/* The database, read-only: one number from @sql. */
static gint64
query_int (Fixture *f, const char *sql)
{
  g_autofree char *path = g_build_filename (f->agent.data, "tend", "tend.db", NULL);
  sqlite3         *db = NULL;
  sqlite3_stmt    *stmt = NULL;
  gint64           value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Whether agent.ini claims consent. */
static gboolean
ini_sharing_enabled (Fixture *f)
{
  g_autofree char *ini = g_build_filename (f->agent.config, "tend", "agent.ini", NULL);
  g_autoptr (GKeyFile) state = g_key_file_new ();

  g_assert_true (g_key_file_load_from_file (state, ini, G_KEY_FILE_NONE, NULL));
  return g_key_file_get_boolean (state, "sharing", "enabled", NULL);
}

/* An RFC 5322 date, in English whatever the locale. */
static char *
format_date (GDateTime *time)
{
  static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *months[]
      = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autofree char *rest = g_date_time_format (time, "%Y %H:%M:%S %z");

  return g_strdup_printf ("%s, %02d %s %s", days[g_date_time_get_day_of_week (time) - 1],
                          g_date_time_get_day_of_month (time),
                          months[g_date_time_get_month (time) - 1], rest);
}

static void
append_message (GString *mbox, guint n, GDateTime *time, gboolean from_me)
{
  g_autofree char *date = format_date (time);
  const char      *from = from_me ? "me@tend.example" : "ann@example.org";
  const char      *to = from_me ? "ann@example.org" : "me@tend.example";

  g_string_append_printf (mbox,
                          "From %s Mon Jan  1 00:00:00 2024\n"
                          "Message-ID: <m%u@tend.example>\n"
                          "Date: %s\n"
                          "From: %s\n"
                          "To: %s\n"
                          "Subject: Note %u\n"
                          "Content-Type: text/plain; charset=utf-8\n"
                          "\n"
                          "A short note.\n"
                          "\n",
                          from, n, date, from, to, n);
}

/* An mbox of a few messages on the working days of last week, in the user's time zone. */
static char *
write_last_week_mbox (Fixture *f)
{
  g_autoptr (GTimeZone) tz = tend_settings_get_time_zone ();
  g_autoptr (GString) mbox = g_string_new (NULL);
  g_autofree char *path = g_build_filename (f->agent.home, "last-week.mbox", NULL);
  g_autoptr (GError) error = NULL;
  TendWeek this_week, last_week;
  guint    n = 0;

  tend_week_current (tz, &this_week);
  tend_week_add (&this_week, -1, &last_week);
  for (int day = 0; day < 5; day++)
    {
      g_autoptr (GDateTime) start = tend_week_get_day (&last_week, day, tz);

      for (int hour = 9; hour < 21; hour += 3)
        {
          g_autoptr (GDateTime) time = g_date_time_add_hours (start, hour);

          append_message (mbox, n, time, n % 2 == 0);
          n++;
        }
    }
  g_file_set_contents (path, mbox->str, mbox->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
import_last_week (Fixture *f)
{
  g_autofree char *mbox = write_last_week_mbox (f);
  const char      *paths[] = { mbox, NULL };
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GError) error = NULL;
  guint32 added = 0;

  g_assert_true (tend_dbus_agent1_call_import_sync (
      f->agent.proxy, paths, g_variant_new_parsed ("{'me': <['me@tend.example']>}"), &summary, NULL,
      &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 20);
}

/* Before opt-in every new method is refused, except taking consent back, which always works. */
static void
test_before_opt_in (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;
  gint64           id = 0;

  start_agent (f);
  tend_dbus_agent1_call_dismiss_nudge_sync (f->agent.proxy, "meetings-up", "2026-W10", NULL,
                                            &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);
  tend_dbus_agent1_call_snooze_nudge_sync (f->agent.proxy, "meetings-up", "2026-W10", 1, NULL,
                                           &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);
  tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "after_hours_days", "at-most", 2, &id, NULL,
                                       &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);
  tend_dbus_agent1_call_remove_goal_sync (f->agent.proxy, 1, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);
  tend_dbus_agent1_call_preview_contribution_sync (f->agent.proxy, &week, &payload, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, COLLECTOR, "2026-W10",
                                          NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  g_clear_error (&error);

  take_consent_back (f);
  assert_sharing_names (f, ORGANIZATION, COLLECTOR);
  g_assert_false (sharing_enabled (f, NULL));
  /* Still nothing of the user's: not even a database, nor a state file. */
  g_assert_false (g_file_test (f->agent.data, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->agent.config, G_FILE_TEST_EXISTS));
}

static void
test_coach_and_goals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *again = NULL;
  g_autofree char *command = NULL;
  gint64           id = 0, id2 = 0;

  start_agent (f);
  opt_in (f);

  g_assert_true (tend_dbus_agent1_call_dismiss_nudge_sync (f->agent.proxy, "meetings-up",
                                                           "2026-W10", NULL, &error));
  g_assert_no_error (error);
  wait_for_data_changed (f, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM nudge_state WHERE nudge_id = 'meetings-up'"
                                 " AND week = '2026-W10'"),
                   ==, 1);

  g_assert_true (tend_dbus_agent1_call_snooze_nudge_sync (f->agent.proxy, "focus-down", "2026-W10",
                                                          1900000000, NULL, &error));
  g_assert_no_error (error);
  wait_for_data_changed (f, 2);
  g_assert_cmpint (query_int (f, "SELECT until_at FROM nudge_state WHERE nudge_id = 'focus-down'"),
                   ==, 1900000000);

  g_assert_true (tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "after_hours_days", "at-most",
                                                      2, &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  wait_for_data_changed (f, 3);
  command = g_strdup_printf ("SELECT count(*) FROM goal WHERE id = %" G_GINT64_FORMAT
                             " AND metric = 'after_hours_days' AND comparison = 0 AND target = 2",
                             id);
  g_assert_cmpint (query_int (f, command), ==, 1);

  g_assert_true (tend_dbus_agent1_call_remove_goal_sync (f->agent.proxy, id, NULL, &error));
  g_assert_no_error (error);
  wait_for_data_changed (f, 4);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM goal"), ==, 0);

  /* libtend's reasons, as Error.Failed, and nothing written. */
  tend_dbus_agent1_call_remove_goal_sync (f->agent.proxy, id, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "no_such_figure", "at-most", 2, &id2, NULL,
                                       &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_assert_nonnull (strstr (error->message, "no_such_figure"));
  g_clear_error (&error);
  tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "after_hours_days", "at-most", -1, &id2,
                                       NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "after_hours_days", "roughly", 2, &id2, NULL,
                                       &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  tend_dbus_agent1_call_dismiss_nudge_sync (f->agent.proxy, "meetings-up", "2026-W99", NULL,
                                            &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM goal"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM nudge_state"), ==, 2);

  /* tendctl goal add and remove go through the agent; list reads the database. */
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &added, NULL, "goal", "add",
                                          "focus_hours", "at-least", "10", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (added, "added: "));
  wait_for_data_changed (f, 5);
  id = query_int (f, "SELECT id FROM goal WHERE metric = 'focus_hours'");
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &listed, NULL, "goal", "list", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (listed, "Focus"));
  g_free (command);
  command = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_assert_cmpint (
      tend_test_run_tendctl (f->agent.data, NULL, &removed, NULL, "goal", "remove", command, NULL),
      ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM goal"), ==, 0);
  g_assert_cmpint (
      tend_test_run_tendctl (f->agent.data, NULL, &again, NULL, "goal", "remove", command, NULL),
      ==, 1);
}

static void
wait_for_revocations (Fixture *f, gint64 expected)
{
  /* The agent records a revocation in the background; it lands within moments. */
  for (guint tries = 0; tries < 200; tries++)
    {
      if (query_int (f, "SELECT count(*) FROM consent_log WHERE action = 'revoke'") >= expected)
        return;
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log WHERE action = 'revoke'"), ==,
                   expected);
}

static void
test_consent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *week2 = NULL;
  g_autofree char *payload2 = NULL;
  g_autofree char *status = NULL;
  g_autofree char *status_off = NULL;
  g_autofree char *off = NULL;
  g_autofree char *on = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gint64 since = 0;

  /* An administrator pre-seeds the user's state before they opt in: it grants nothing. */
  write_preseeded_ini (f);
  start_agent (f);
  assert_sharing_names (f, ORGANIZATION, COLLECTOR);
  g_assert_false (sharing_enabled (f, NULL));
  opt_in (f);
  g_assert_false (sharing_enabled (f, NULL));
  import_last_week (f);

  /* Not without having seen the payload. */
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, COLLECTOR, "2026-W01",
                                          NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);

  preview (f, &week, &payload);
  bytes = g_bytes_new (payload, strlen (payload));
  g_assert_true (tend_aggregate_validate (bytes, &error));
  g_assert_no_error (error);
  /* Noised once: the same bytes every time. */
  preview (f, &week2, &payload2);
  g_assert_cmpstr (week2, ==, week);
  g_assert_cmpstr (payload2, ==, payload);

  /* Specific: the organization and collector shown, and a week that was shown. */
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, "Someone Else", COLLECTOR, week,
                                          NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION,
                                          "https://elsewhere.example.net/", week, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, COLLECTOR, "2020-W01",
                                          NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  g_assert_false (sharing_enabled (f, NULL));
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log"), ==, 0);

  give_consent (f, COLLECTOR, week);
  g_assert_true (sharing_enabled (f, &since));
  g_assert_cmpint (since, >, 0);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log WHERE action = 'give' AND "
                                 "destination = '" COLLECTOR "'"),
                   ==, 1);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &status, NULL, "status", NULL), ==,
                   0);
  g_assert_nonnull (strstr (status, "Sharing: on"));
  g_assert_nonnull (strstr (status, ORGANIZATION));

  /* It lasts across a restart, once the agent has found it in the consent log… */
  tend_test_agent_stop (&f->agent, SIGTERM);
  start_agent (f);
  wait_for_sharing (f, TRUE);

  /* …but not across a change of collector: the person is asked again. */
  tend_test_agent_stop (&f->agent, SIGTERM);
  write_org_conf (f, ORGANIZATION, "https://collector.example.org/v2");
  start_agent (f);
  g_assert_false (sharing_enabled (f, &since));
  g_assert_cmpint (since, ==, 0);
  assert_sharing_names (f, ORGANIZATION, "https://collector.example.org/v2");
  wait_for_revocations (f, 1);

  /* Taking it back always works; tendctl can only take it back. */
  write_org_conf (f, ORGANIZATION, COLLECTOR);
  take_consent_back (f);
  g_clear_pointer (&week, g_free);
  g_clear_pointer (&payload, g_free);
  preview (f, &week, &payload);
  give_consent (f, COLLECTOR, week);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &on, NULL, "sharing", "on", NULL),
                   ==, 2);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &off, NULL, "sharing", "off", NULL),
                   ==, 0);
  wait_for_sharing (f, FALSE);
  wait_for_revocations (f, 2);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &status_off, NULL, "status", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (status_off, "Sharing: off"));

  /* Opting out and in again starts with sharing off. */
  give_consent (f, COLLECTOR, week);
  g_assert_true (tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  wait_for_sharing (f, FALSE);
  opt_in (f);
  g_assert_false (sharing_enabled (f, NULL));
  /* And a week previewed before the opt-out no longer counts. */
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, COLLECTOR, week, NULL,
                                          &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
}

/* Without a collector there is nobody to share with. */
static void
test_no_collector (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;

  write_org_conf (f, ORGANIZATION, NULL);
  start_agent (f);
  opt_in (f);
  assert_sharing_names (f, ORGANIZATION, "");
  import_last_week (f);
  preview (f, &week, &payload);
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, "", week, NULL,
                                          &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_assert_false (sharing_enabled (f, NULL));
}

/* Invariant 4: no setting exists that could switch sharing on, and a state file written before
 * the opt-in does not. */
static void
test_nothing_else_grants_consent (Fixture *f, gconstpointer data)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  /* No setting exists that could. */
  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, "dev.tend.Tend", TRUE);
  g_assert_nonnull (schema);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_assert_null (strstr (keys[i], "shar"));
      g_assert_null (strstr (keys[i], "consent"));
    }

  /* A state file that an administrator wrote before the person opted in, claiming consent to
   * the very organization and collector configured: opting in starts with sharing off. */
  write_preseeded_ini (f);
  start_agent (f);
  g_assert_false (sharing_enabled (f, NULL));
  opt_in (f);
  g_assert_false (sharing_enabled (f, NULL));
  g_assert_false (ini_sharing_enabled (f));
  tend_test_agent_stop (&f->agent, SIGTERM);
  start_agent (f);
  g_assert_false (sharing_enabled (f, NULL));
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log"), ==, 0);
}

/* Writes agent.ini's [sharing] group as consent to @week given at @since, the rest as it is. */
static void
write_ini_sharing (Fixture *f, const char *week, gint64 since)
{
  g_autofree char *ini = g_build_filename (f->agent.config, "tend", "agent.ini", NULL);
  g_autoptr (GKeyFile) state = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (g_key_file_load_from_file (state, ini, G_KEY_FILE_NONE, &error));
  g_key_file_set_boolean (state, "sharing", "enabled", TRUE);
  g_key_file_set_string (state, "sharing", "organization", ORGANIZATION);
  g_key_file_set_string (state, "sharing", "collector", COLLECTOR);
  g_key_file_set_string (state, "sharing", "week", week);
  g_key_file_set_int64 (state, "sharing", "since", since);
  g_assert_true (g_key_file_save_to_file (state, ini, &error));
}

/* agent.ini is saved right after the revocation's row: it is cleared within moments. */
static void
wait_for_ini_cleared (Fixture *f)
{
  for (guint tries = 0; tries < 200 && ini_sharing_enabled (f); tries++)
    g_usleep (50 * 1000);
  g_assert_false (ini_sharing_enabled (f));
}

/* The consent log, not agent.ini, says whether sharing is on: a [sharing] group written by hand
 * after opting in, or the state file as it was before consent was taken back (a save that
 * failed), leaves sharing off, and the agent clears it and logs that. */
static void
test_state_file_cannot_switch_on (Fixture *f, gconstpointer data)
{
  g_autofree char *ini = g_build_filename (f->agent.config, "tend", "agent.ini", NULL);
  g_autofree char *given = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;
  g_autoptr (GTimeZone) tz = tend_settings_get_time_zone ();
  g_autofree char *last_week_text = NULL;
  TendWeek         this_week, last_week;

  start_agent (f);
  opt_in (f);
  import_last_week (f);
  tend_test_agent_stop (&f->agent, SIGTERM);
  tend_week_current (tz, &this_week);
  tend_week_add (&this_week, -1, &last_week);
  last_week_text = tend_week_to_string (&last_week);
  write_ini_sharing (f, last_week_text, 1);

  start_agent (f);
  g_assert_false (sharing_enabled (f, NULL));
  wait_for_revocations (f, 1);
  g_assert_false (sharing_enabled (f, NULL));
  wait_for_ini_cleared (f);

  /* Consent given for real, then taken back; agent.ini put back as it was while given. */
  preview (f, &week, &payload);
  give_consent (f, COLLECTOR, week);
  g_assert_true (g_file_get_contents (ini, &given, NULL, NULL));
  take_consent_back (f);
  wait_for_sharing (f, FALSE);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log WHERE action = 'revoke'"), ==,
                   2);
  tend_test_agent_stop (&f->agent, SIGTERM);
  g_assert_true (g_file_set_contents (ini, given, -1, NULL));
  g_assert_true (ini_sharing_enabled (f));

  start_agent (f);
  g_assert_false (sharing_enabled (f, NULL));
  wait_for_revocations (f, 3);
  g_assert_false (sharing_enabled (f, NULL));
  wait_for_ini_cleared (f);
}

/* Consent names what was shown: a week previewed with one collector cannot be agreed to for
 * another, and the log records the organization, the collector, the week and the time. */
static void
test_consent_names_what_was_shown (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *week2 = NULL;
  g_autofree char *payload2 = NULL;
  g_autofree char *sql = NULL;
  const char      *other = "https://collector.example.org/v2";
  gint64           since = 0;

  start_agent (f);
  opt_in (f);
  import_last_week (f);
  preview (f, &week, &payload);

  /* The organization moves its collector after the week was shown. */
  write_org_conf (f, ORGANIZATION, other);
  tend_dbus_agent1_call_set_sharing_sync (f->agent.proxy, TRUE, ORGANIZATION, other, week, NULL,
                                          &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  g_assert_false (sharing_enabled (f, NULL));
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM consent_log"), ==, 0);

  /* Shown again, with the new collector: now it may be agreed to. */
  preview (f, &week2, &payload2);
  g_assert_cmpstr (week2, ==, week);
  give_consent (f, other, week);
  g_assert_true (sharing_enabled (f, &since));
  sql = g_strdup_printf ("SELECT count(*) FROM consent_log WHERE action = 'give' AND organization"
                         " = '" ORGANIZATION
                         "' AND destination = '%s' AND week = '%s' AND at = %" G_GINT64_FORMAT,
                         other, week, since);
  g_assert_cmpint (query_int (f, sql), ==, 1);
}

static void
set_sharing_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Opting out while consent is being recorded: SetSharing does not report success for a consent
 * that the opt-out has already deleted. */
static void
test_consent_racing_opt_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;

  start_agent (f);
  opt_in (f);
  import_last_week (f);
  preview (f, &week, &payload);

  /* The agent handles both calls in order: the opt-out arrives while a worker records the
   * consent. */
  tend_dbus_agent1_call_set_sharing (f->agent.proxy, TRUE, ORGANIZATION, COLLECTOR, week, NULL,
                                     set_sharing_done_cb, &result);
  g_assert_true (tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tend_dbus_agent1_call_set_sharing_finish (f->agent.proxy, result, &error));
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  wait_for_sharing (f, FALSE);
  g_assert_false (ini_sharing_enabled (f));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/agent-edits/before-opt-in", test_before_opt_in);
  ADD ("/agent-edits/coach-and-goals", test_coach_and_goals);
  ADD ("/agent-edits/consent", test_consent);
  ADD ("/agent-edits/no-collector", test_no_collector);
  ADD ("/agent-edits/nothing-else-grants-consent", test_nothing_else_grants_consent);
  ADD ("/agent-edits/state-file-cannot-switch-on", test_state_file_cannot_switch_on);
  ADD ("/agent-edits/consent-names-what-was-shown", test_consent_names_what_was_shown);
  ADD ("/agent-edits/consent-racing-opt-out", test_consent_racing_opt_out);
#undef ADD

  return g_test_run ();
}
