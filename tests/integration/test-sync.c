/* test-sync.c: the agent end to end: sign-in, sync, refresh, disconnect, kill -9 and resume
 *
 * Real components on loopback, under dbus-run-session and with-keyring.sh: the tend-agent
 * binary, a gnome-keyring-daemon, the OpenID provider of tests/oidc (with its scripted browser
 * as the desktop's default web browser, so the agent opens it as it would open Firefox), and
 * the fake Microsoft Graph of tests/fakes. The agent is told where they are the way an
 * organization would: through [oidc] in the user's tend.conf.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "tend-dbus.h"
#include "tend-fake-desktop.h"
#include "tend-test-fake.h"
#include "tend-oauth-flow.h"
#include "tend-store.h"
#include "tend-test-util.h"
#include "tend-token-store.h"

#define LOGIN "me@tend.test"

typedef struct
{
  TendTestAgent          agent;
  TendTestFake          *provider;
  TendTestFake          *graph;
  TendFakeNotifications *notifications;
} Fixture;

static gboolean
have_tools (void)
{
  if (g_getenv ("TEND_TEST_KEYRING_HOME") == NULL)
    {
      g_test_skip ("no test keyring (gnome-keyring-daemon is missing)");
      return FALSE;
    }
  return tend_test_oidc_available ();
}

static void
write_file (const char *path, const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The organization's settings as the user's overrides, and the scripted browser as the
 * desktop's default handler of web addresses. */
static void
write_desktop (Fixture *f)
{
  g_autofree char *conf = g_build_filename (f->agent.config, "tend", "tend.conf", NULL);
  g_autofree char *conf_text = NULL;
  g_autofree char *desktop
      = g_build_filename (f->agent.data, "applications", "tend-test-browser.desktop", NULL);
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = g_build_filename (f->agent.config, "mimeapps.list", NULL);

  conf_text
      = g_strdup_printf ("[oidc]\nissuer=%s\nclient-id=tend-test\n"
                         "api=microsoft-graph\napi-url=%s/v1.0\n",
                         tend_test_fake_get_url (f->provider), tend_test_fake_get_url (f->graph));
  write_file (conf, conf_text);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test browser\n"
                                  "Exec=node %s/browser.mjs --login " LOGIN " %%u\n"
                                  "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n"
                                  "NoDisplay=true\n",
                                  TEND_OIDC_DIR);
  write_file (desktop, desktop_text);
  write_file (mimeapps, "[Default Applications]\n"
                        "x-scheme-handler/http=tend-test-browser.desktop\n"
                        "x-scheme-handler/https=tend-test-browser.desktop\n");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *provider = g_build_filename (TEND_OIDC_DIR, "provider.mjs", NULL);
  const char      *provider_argv[] = { "node", provider, "--access-ttl", "3600", NULL };
  const char      *graph_args[] = { "--messages", data, NULL };

  if (!have_tools () || !(f->graph = tend_test_fake_start ("fake-graph.py", graph_args)))
    return;
  tend_test_agent_init (&f->agent, "tend-sync-XXXXXX", TRUE);
  f->provider = tend_test_fake_start_argv (provider_argv, "issuer");
  write_desktop (f);
  f->notifications = tend_fake_notifications_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tend_test_agent_stop (&f->agent, SIGTERM);
  g_clear_pointer (&f->notifications, tend_fake_notifications_free);
  g_clear_pointer (&f->graph, tend_test_fake_stop);
  g_clear_pointer (&f->provider, tend_test_fake_stop);
  tend_test_agent_clear (&f->agent);
}

static void
start_agent (Fixture *f)
{
  tend_test_agent_start (&f->agent, TEND_DBUS_TYPE_AGENT1_PROXY);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (f->agent.proxy), 120000);
}

/* The one account's details, or NULL when none is connected. */
static GVariant *
account_details (Fixture *f)
{
  GVariant *accounts = tend_dbus_agent1_get_accounts (f->agent.proxy);

  if (accounts == NULL || g_variant_n_children (accounts) == 0)
    return NULL;
  g_assert_cmpuint (g_variant_n_children (accounts), ==, 1);
  return g_variant_get_child_value (g_variant_get_child_value (accounts, 0), 2);
}

static char *
account_state (Fixture *f, gint64 *last_sync)
{
  g_autoptr (GVariant) details = account_details (f);
  const char *state = NULL;

  if (details == NULL)
    return NULL;
  g_variant_lookup (details, "state", "&s", &state);
  if (last_sync != NULL)
    g_variant_lookup (details, "last-sync", "x", last_sync);
  return g_strdup (state);
}

/* Waits until the account's sync has ended in @expected after at least @after (Unix time). */
static void
wait_for_sync (Fixture *f, const char *expected, gint64 after)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  /* The agent sent the states of a SyncNow before its reply: take them in first. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (;;)
    {
      gint64           last_sync = 0;
      g_autofree char *state = account_state (f, &last_sync);

      if (state != NULL && g_str_equal (state, expected)
          && (!g_str_equal (expected, "idle") || last_sync >= after))
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static char *
connect_account (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  char *name = NULL;

  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->agent.proxy, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tend_dbus_agent1_call_connect_account_sync (f->agent.proxy, "oidc", FALSE, &name,
                                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, LOGIN);
  return name;
}

static void
lookup_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The account's tokens in the keyring, or NULL. */
static TendTokens *
lookup_tokens (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  TendTokens *tokens;

  tend_token_store_lookup_async ("oidc", LOGIN, NULL, lookup_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tokens = tend_token_store_lookup_finish (result, &error);
  g_assert_no_error (error);
  return tokens;
}

/* Import's options: none. */
static GVariant *
no_options (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static char *
database_path (Fixture *f)
{
  return g_build_filename (f->agent.data, "tend", "tend.db", NULL);
}

/* Every message and event, with people as addresses and without row ids, one per line in a
 * fixed order: two databases with the same lines hold the same data. */
static char *
dump_database (Fixture *f)
{
  g_autofree char *path = database_path (f);
  g_autoptr (GString) dump = g_string_new (NULL);
  sqlite3      *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char   *queries[] = {
      "SELECT 'message', m.provider_key, m.kind, m.conversation_key, m.sent_at, m.direction,"
        " (SELECT min (address) FROM identity WHERE person_id = m.sender_id), m.reply_to_key,"
        " m.words, m.gratitude, m.apologies, m.hedges, m.negative, m.questions,"
        " (SELECT group_concat (a, ',') FROM (SELECT min (i.address) AS a FROM message_recipient r"
        "  JOIN identity i ON i.person_id = r.person_id WHERE r.message_id = m.id"
        "  GROUP BY r.person_id ORDER BY a))"
        " FROM message m ORDER BY m.provider_key",
      "SELECT 'event', uid, recurrence_id, start_at, end_at, tzid, all_day,"
        " (SELECT min (address) FROM identity WHERE person_id = organizer_id), attendee_count,"
        " my_response, cancelled, recurring, online FROM event ORDER BY uid, recurrence_id",
      "SELECT 'cursor', collection FROM sync_cursor ORDER BY collection",
  };

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* A worker may still be checkpointing the journal it just committed. */
  sqlite3_busy_timeout (db, 5000);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const unsigned char *text = sqlite3_column_text (stmt, c);

              g_string_append_printf (dump, "%s|", text != NULL ? (const char *) text : "NULL");
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* Fails if @needle is in any file under @path: database, journal, state, log. */
static void
assert_not_in_files (const char *path, const char *needle)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  tend_test_grep_tree (path, needle, found, &n_files);
  g_assert_cmpuint (n_files, >, 0);
  if (found->len > 0)
    g_error ("a token is in %s", (const char *) g_ptr_array_index (found, 0));
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The notification with @summary, or NULL. */
static const TendFakeNote *
find_note (Fixture *f, const char *summary)
{
  for (guint i = 0; i < f->notifications->notes->len; i++)
    {
      const TendFakeNote *note = g_ptr_array_index (f->notifications->notes, i);

      if (g_str_equal (note->summary, summary))
        return note;
    }
  return NULL;
}

/* Sign-in through the desktop's browser, a first sync, a refresh after a 401 with the rotated
 * refresh token saved, a grant revoked elsewhere, disconnect and opt-out — and no token anywhere
 * but in the keyring. */
static void
test_sign_in_sync_disconnect (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *db = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (TendTokens) refreshed = NULL;
  g_autoptr (TendTokens) gone = NULL;
  g_autoptr (TendStore) store = NULL;
  TendStoreCounts counts;
  json_t         *stats;
  gint64          started;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  name = connect_account (f);
  wait_for_sync (f, "idle", 1);
  g_assert_cmpuint (f->agent.data_changed, >, 0);

  db = database_path (f);
  store = tend_store_open (db, TEND_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_get_counts (store, &counts, &error));
  /* The fake's mailbox: every message of Inbox and Sent Items, and the chats' messages. */
  g_assert_cmpint (counts.messages, >=, 300);
  g_assert_cmpint (counts.events, >, 0);
  g_clear_object (&store);
  first = dump_database (f);

  /* A second sync finds nothing new and changes nothing. */
  started = now ();
  tend_dbus_agent1_call_sync_now_sync (f->agent.proxy, NULL, &error);
  g_assert_no_error (error);
  wait_for_sync (f, "idle", started);
  again = dump_database (f);
  g_assert_cmpstr (again, ==, first);

  /* Invariant 2: the tokens are in the keyring and nowhere under the home. */
  tokens = lookup_tokens ();
  g_assert_nonnull (tokens);
  g_assert_nonnull (tokens->refresh_token);
  assert_not_in_files (f->agent.home, tokens->access_token);
  assert_not_in_files (f->agent.home, tokens->refresh_token);

  /* The API refuses the token: the agent refreshes once, carries on, and keeps the rotated
   * refresh token (the old one is dead: the provider rotates them). */
  json_decref (tend_test_fake_control (f->graph, "{\"op\": \"expire_token\"}"));
  started = now ();
  tend_dbus_agent1_call_sync_now_sync (f->agent.proxy, NULL, &error);
  g_assert_no_error (error);
  wait_for_sync (f, "idle", started);
  stats = tend_test_fake_stats (f->graph);
  g_assert_cmpint (
      json_integer_value (json_object_get (json_object_get (stats, "by_status"), "401")), ==, 1);
  json_decref (stats);
  refreshed = lookup_tokens ();
  g_assert_nonnull (refreshed);
  g_assert_cmpstr (refreshed->access_token, !=, tokens->access_token);
  g_assert_cmpstr (refreshed->refresh_token, !=, tokens->refresh_token);
  assert_not_in_files (f->agent.home, refreshed->access_token);
  assert_not_in_files (f->agent.home, refreshed->refresh_token);
  g_assert_nonnull (find_note (f, "Your first sync is done"));

  /* The grant is revoked elsewhere (an administrator, another device): the refresh fails, the
   * account needs a new sign-in, and a notification says so with a button that starts one. */
  {
    g_autofree char *revocation
        = g_strconcat (tend_test_fake_get_url (f->provider), "/token/revocation", NULL);
    const TendFakeNote *note;

    g_assert_true (tend_oauth_revoke (revocation, "tend-test", NULL, refreshed->refresh_token,
                                      "refresh_token", &error));
    g_assert_no_error (error);
    json_decref (tend_test_fake_control (f->graph, "{\"op\": \"expire_token\"}"));
    tend_dbus_agent1_call_sync_now_sync (f->agent.proxy, NULL, &error);
    g_assert_no_error (error);
    wait_for_sync (f, "needs-sign-in", 0);
    TEND_WAIT_UNTIL ((note = find_note (f, "Sign in again to " LOGIN)) != NULL
                     || f->notifications->notes->len > 16);
    g_assert_nonnull (note);
    g_assert_nonnull (tend_fake_note_get_action (note, "app.connect::oidc"));
  }

  /* Disconnecting removes the tokens; what was synced stays. */
  g_assert_true (
      tend_dbus_agent1_call_disconnect_account_sync (f->agent.proxy, "oidc", LOGIN, NULL, &error));
  g_assert_no_error (error);
  gone = lookup_tokens ();
  g_assert_null (gone);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  while (account_details (f) != NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Invariant 8: opting out deletes the database. */
  g_assert_true (tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

/* A sync killed at any point resumes without loss or duplicates: the cursor commits with the
 * rows it covers. The database after twenty kills equals the one of an uninterrupted sync. */
static void
test_kill_resume (Fixture *f, gconstpointer data)
{
  g_autofree char *db = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;
  guint  kills = 0, attempts = 0, completed = 0;
  gint64 started, duration;

  if (f->agent.home == NULL)
    return;
  db = database_path (f);
  start_agent (f);
  started = g_get_monotonic_time ();
  name = connect_account (f);
  wait_for_sync (f, "idle", 1);
  duration = g_get_monotonic_time () - started;
  reference = dump_database (f);

  /* Start again from an empty database: the account and its tokens stay. */
  tend_test_agent_stop (&f->agent, SIGTERM);
  g_assert_true (tend_store_delete_files (db, &error));
  start_agent (f);

  while (kills < 20)
    {
      g_autofree char *state = NULL;
      gint64           last_sync = 0;

      g_assert_cmpuint (++attempts, <, 200);
      g_usleep (g_test_rand_int_range (0, (gint32) MAX (duration / 8, 2000)));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      state = account_state (f, &last_sync);
      if (state != NULL && g_str_equal (state, "idle") && last_sync > 0)
        {
          /* The sync finished between two kills: it must be whole; then start over. */
          g_autofree char *complete = dump_database (f);

          g_assert_cmpstr (complete, ==, reference);
          completed++;
          tend_test_agent_stop (&f->agent, SIGTERM);
          g_assert_true (tend_store_delete_files (db, &error));
          start_agent (f);
          continue;
        }
      tend_test_agent_stop (&f->agent, SIGKILL);
      kills++;
      start_agent (f);
    }

  wait_for_sync (f, "idle", 1);
  {
    g_autofree char *resumed = dump_database (f);

    g_assert_cmpstr (resumed, ==, reference);
  }
  g_test_message ("%u kills, %u syncs completed between kills", kills, completed);
}

/* The device grant through tendctl: it prints the code the agent announced, a person enters it
 * on another device (the scripted browser), and the account connects; then tendctl's sync,
 * status and disconnect. */
static void
test_tendctl_device (Fixture *f, gconstpointer data)
{
  g_autofree char *browser = g_build_filename (TEND_OIDC_DIR, "browser.mjs", NULL);
  g_autoptr (GSubprocess) connect = NULL;
  g_autoptr (GSubprocess) device = NULL;
  g_autoptr (GDataInputStream) output = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (TendTokens) gone = NULL;
  g_autofree char *line = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *code = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *complaints = NULL;
  g_autofree char *synced = NULL;
  g_autofree char *status = NULL;
  g_autofree char *disconnected = NULL;
  g_autofree char *unknown = NULL;
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, NULL, NULL, "opt-in", NULL), ==, 0);

  connect = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("TENDCTL"), "connect", "oidc", "--device", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (connect));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  regex = g_regex_new ("open (\\S+) on any device and enter the code (\\S+) ", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (regex, line, 0, &match));
  uri = g_match_info_fetch (match, 1);
  code = g_match_info_fetch (match, 2);

  device = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "node", browser, "--login",
                             LOGIN, "--device", code, uri, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (device, NULL, &error));
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (connect, NULL, NULL, &rest, &complaints, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (connect))
    g_error ("tendctl connect failed: %s", complaints);
  g_assert_nonnull (strstr (rest, "Connected " LOGIN));
  tokens = lookup_tokens ();
  g_assert_nonnull (tokens);

  g_assert_cmpint (
      tend_test_run_tendctl (f->agent.data, NULL, &synced, NULL, "sync", "--wait", NULL), ==, 0);
  g_assert_nonnull (strstr (synced, "oidc " LOGIN ": up to date, last synced 2"));
  g_assert_nonnull (strstr (synced, "mail-inbox: up to date"));
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &status, NULL, "status", NULL), ==,
                   0);
  g_assert_nonnull (strstr (status, "Opted in"));
  g_assert_nonnull (strstr (status, "oidc " LOGIN));

  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &unknown, NULL, "disconnect", "oidc",
                                          "nobody@tend.test", NULL),
                   ==, 1);
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &disconnected, NULL, "disconnect",
                                          "oidc", LOGIN, NULL),
                   ==, 0);
  gone = lookup_tokens ();
  g_assert_null (gone);
}

/* Pausing stops a sync at a page boundary; resuming at once carries it on to the end, without
 * waiting for the next interval. */
static void
test_pause_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  name = connect_account (f);
  tend_dbus_agent1_call_set_paused_sync (f->agent.proxy, TRUE, NULL, &error);
  g_assert_no_error (error);
  wait_for_sync (f, "paused", 0);
  tend_dbus_agent1_call_set_paused_sync (f->agent.proxy, FALSE, NULL, &error);
  g_assert_no_error (error);
  wait_for_sync (f, "idle", 1);
  state = account_state (f, NULL);
  g_assert_cmpstr (state, ==, "idle");
}

/* Disconnecting in the middle of a sync: the sync stops first, then the tokens go, and nothing
 * writes them back afterwards. */
static void
test_disconnect_during_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr (TendTokens) after = NULL;
  g_autoptr (TendTokens) later = NULL;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  name = connect_account (f);
  wait_for_sync (f, "syncing", 0);
  tend_dbus_agent1_call_disconnect_account_sync (f->agent.proxy, "oidc", LOGIN, NULL, &error);
  g_assert_no_error (error);
  after = lookup_tokens ();
  g_assert_null (after);
  g_assert_null (account_details (f));
  /* A sync worker still refreshing would have saved its tokens by now. */
  g_usleep (G_USEC_PER_SEC / 2);
  later = lookup_tokens ();
  g_assert_null (later);
}

/* A goal is a small write: it is not queued behind a long first sync but written beside it, at
 * once, between two of the sync's pages. The fake holds the first sync for about five seconds
 * (five 503s with Retry-After: 1, which the sync's client waits out and retries): the goal's
 * reply must come while the account still syncs. */
static void
test_goal_during_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;
  gint64           id = 0;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  json_decref (tend_test_fake_control (
      f->graph, "{\"op\": \"fail\", \"count\": 5, \"status\": 503, \"retry_after\": \"1\"}"));
  name = connect_account (f);
  wait_for_sync (f, "syncing", 0);
  g_assert_true (tend_dbus_agent1_call_add_goal_sync (f->agent.proxy, "focus_hours", "at-least", 10,
                                                      &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* The states the agent sent before its reply. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  state = account_state (f, NULL);
  g_assert_cmpstr (state, ==, "syncing");
  wait_for_sync (f, "idle", 1);
}

/* Opting out in the middle of a sync: the sync stops, the tokens are revoked and removed, the
 * database goes. */
static void
test_opt_out_during_sync (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *db = database_path (f);
  g_autofree char *token_endpoint = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (TendTokens) after = NULL;
  g_autoptr (TendTokens) refreshed = NULL;

  if (f->agent.home == NULL)
    return;
  start_agent (f);
  name = connect_account (f);
  tokens = lookup_tokens ();
  g_assert_nonnull (tokens);
  wait_for_sync (f, "syncing", 0);

  tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  after = lookup_tokens ();
  g_assert_null (after);
  /* Revoked at the provider, not only forgotten here. */
  token_endpoint = g_strconcat (tend_test_fake_get_url (f->provider), "/token", NULL);
  refreshed = tend_oauth_refresh (token_endpoint, "tend-test", NULL, tokens->refresh_token, &error);
  g_assert_null (refreshed);
  g_assert_nonnull (error);
}

static gboolean
state_says (const char *path, const char *line)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, line) != NULL;
}

/* An opt-out cut short (the agent killed half-way) is finished by the next start: agent.ini says
 * "deleting" until everything is gone. */
static void
test_opt_out_resumed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = database_path (f);
  g_autofree char *state = g_build_filename (f->agent.config, "tend", "agent.ini", NULL);
  g_autoptr (TendTokens) tokens = g_new0 (TendTokens, 1);
  g_autoptr (TendTokens) after = NULL;
  g_autoptr (TendStore) store = NULL;

  if (f->agent.home == NULL)
    return;
  /* What a killed opt-out leaves: the state, a database, a token in the keyring. */
  store = tend_store_open (db, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  tokens->access_token = g_strdup ("left-behind-access");
  tokens->refresh_token = g_strdup ("left-behind-refresh");
  g_assert_true (tend_token_store_save_sync ("oidc", LOGIN, tokens, NULL, &error));
  g_assert_no_error (error);
  write_file (state, "[agent]\nopted-in=false\ndeleting=true\naccounts=oidc:" LOGIN ";\n");

  start_agent (f);
  TEND_WAIT_UNTIL (state_says (state, "deleting=false"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  after = lookup_tokens ();
  g_assert_null (after);
  g_assert_false (tend_dbus_agent1_get_opted_in (f->agent.proxy));
}

/* A database that cannot be opened: the worker says why, in words, and the call fails with
 * that; once the cause is gone, the next call works. */
static void
test_database_unopenable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autofree char *db = database_path (f);
  g_autofree char *state = g_build_filename (f->agent.config, "tend", "agent.ini", NULL);
  const char      *paths[] = { TEND_TEST_DATA "/e2e/mail.mbox", NULL };
  guint32          added = 0;

  if (f->agent.home == NULL)
    return;
  write_file (state, "[agent]\nopted-in=true\n");
  g_assert_cmpint (g_mkdir_with_parents (db, 0700), ==, 0);

  start_agent (f);
  TEND_WAIT_UNTIL (tend_dbus_agent1_get_opted_in (f->agent.proxy));
  g_assert_false (tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &summary,
                                                     NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, db));
  g_clear_error (&error);

  g_assert_cmpint (g_rmdir (db), ==, 0);
  g_assert_true (tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &summary,
                                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 6);
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/sign-in-sync-disconnect", Fixture, "300", fixture_set_up,
              test_sign_in_sync_disconnect, fixture_tear_down);
  g_test_add ("/sync/tendctl-device", Fixture, "100", fixture_set_up, test_tendctl_device,
              fixture_tear_down);
  g_test_add ("/sync/pause-resume", Fixture, "2000", fixture_set_up, test_pause_resume,
              fixture_tear_down);
  g_test_add ("/sync/disconnect-during-sync", Fixture, "2000", fixture_set_up,
              test_disconnect_during_sync, fixture_tear_down);
  g_test_add ("/sync/goal-during-sync", Fixture, "2000", fixture_set_up, test_goal_during_sync,
              fixture_tear_down);
  g_test_add ("/sync/opt-out-during-sync", Fixture, "2000", fixture_set_up,
              test_opt_out_during_sync, fixture_tear_down);
  g_test_add ("/sync/opt-out-resumed", Fixture, "10", fixture_set_up, test_opt_out_resumed,
              fixture_tear_down);
  g_test_add ("/sync/database-unopenable", Fixture, "10", fixture_set_up, test_database_unopenable,
              fixture_tear_down);
  g_test_add ("/sync/kill-resume", Fixture, "2000", fixture_set_up, test_kill_resume,
              fixture_tear_down);

  return g_test_run ();
}
