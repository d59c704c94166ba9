/* test-agent.c: tend-agent on a private session bus
 *
 * Runs under dbus-run-session (see meson.build): the agent owns dev.tend.Agent on a bus of its
 * own, and every file it touches is under a temporary home.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tend-dbus.h"
#include "tend-test-util.h"

typedef struct
{
  char           *home;
  char           *config;
  char           *data;
  GSubprocess    *agent;
  TendDBusAgent1 *proxy;
  guint           data_changed;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->home = g_dir_make_tmp ("tend-agent-XXXXXX", NULL);
  f->config = g_build_filename (f->home, "config", NULL);
  f->data = g_build_filename (f->home, "data", NULL);
}

static void
stop_agent (Fixture *f)
{
  g_clear_object (&f->proxy);
  if (f->agent != NULL)
    {
      g_subprocess_send_signal (f->agent, SIGTERM);
      g_subprocess_wait (f->agent, NULL, NULL);
      /* No crash on the way out, and under the sanitizers no leak. */
      g_assert_true (g_subprocess_get_successful (f->agent));
      g_clear_object (&f->agent);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  stop_agent (f);
  tend_test_remove_tree (f->home);
  g_free (f->home);
  g_free (f->config);
  g_free (f->data);
}

static void
data_changed_cb (TendDBusAgent1 *proxy, Fixture *f)
{
  f->data_changed++;
}

/* Starts the agent in the fixture's home and waits for its name. */
static void
start_agent (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  f->agent = tend_test_spawn_agent (f->home, f->config, f->data, NULL);
  f->proxy = tend_dbus_agent1_proxy_new_for_bus_sync (
      G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, "dev.tend.Agent", "/dev/tend/Agent",
      NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (f->proxy, "data-changed", G_CALLBACK (data_changed_cb), f);
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
  return g_build_filename (f->data, "tend", "tend.db", NULL);
}

/* Property changes reach the proxy as a signal after the method's reply. */
static void
wait_for_opted_in (Fixture *f, gboolean expected)
{
  while (tend_dbus_agent1_get_opted_in (f->proxy) != expected)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_remote_error (GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

/* The inodes of the internet sockets (TCP, UDP, raw; IPv4 and IPv6) in the agent's network
 * namespace, from /proc/PID/net. */
static GHashTable *
internet_socket_inodes (const char *pid)
{
  static const char *const tables[] = { "tcp", "tcp6", "udp", "udp6", "raw", "raw6" };
  GHashTable              *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *path = g_build_filename ("/proc", pid, "net", tables[t], NULL);
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      /* Skip the header; the inode is the tenth column. */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto (GStrv) columns = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          guint column = 0;

          for (guint c = 0; columns[c] != NULL; c++)
            if (*columns[c] != '\0' && column++ == 9)
              g_hash_table_add (inodes, g_strdup (columns[c]));
        }
    }
  return inodes;
}

/* What the agent holds open: no internet socket, and no file under the home but its own
 * config folder. */
static void
assert_agent_holds_nothing_of_the_user (Fixture *f)
{
  const char      *pid = g_subprocess_get_identifier (f->agent);
  g_autofree char *fd_dir = g_build_filename ("/proc", pid, "fd", NULL);
  g_autofree char *own_config = g_build_filename (f->config, "tend", NULL);
  g_autoptr (GHashTable) internet = internet_socket_inodes (pid);
  g_autoptr (GDir) dir = g_dir_open (fd_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (target == NULL)
        continue;
      if (g_str_has_prefix (target, "socket:["))
        {
          g_autofree char *inode = g_strndup (target + 8, strlen (target) - 9);

          if (g_hash_table_contains (internet, inode))
            g_error ("the agent holds an internet socket before opt-in");
        }
      else if (g_str_has_prefix (target, f->home) && !g_str_has_prefix (target, own_config))
        g_error ("the agent holds a file of the user's open before opt-in: %s", target);
    }
}

/* Invariant 1: before opt-in the agent opens no internet socket, creates no database, writes
 * nothing of the user's, and refuses to read files. */
static void
test_nothing_before_opt_in (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GDir) home = NULL;
  const char *paths[] = { TEND_TEST_DATA "/e2e/mail.mbox", NULL };
  const char *name;

  start_agent (f);
  g_assert_false (tend_dbus_agent1_get_opted_in (f->proxy));
  assert_agent_holds_nothing_of_the_user (f);

  tend_dbus_agent1_call_import_sync (f->proxy, paths, no_options (), &summary, NULL, &error);
  assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  assert_agent_holds_nothing_of_the_user (f);

  /* Nothing was written under the home: no data, no cache, not even its own config. */
  home = g_dir_open (f->home, 0, NULL);
  while ((name = g_dir_read_name (home)) != NULL)
    g_error ("the agent wrote %s before opt-in", name);
}

static void
test_opt_in_import_opt_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GVariant) again = NULL;
  g_autofree char *db = database_path (f);
  g_autofree char *cache = NULL;
  g_autofree char *charts = NULL;
  g_autofree char *chart = NULL;
  const char      *paths[]
      = { TEND_TEST_DATA "/e2e/mail.mbox", TEND_TEST_DATA "/e2e/calendar.ics", NULL };
  GStatBuf st;
  guint32  added = 0;

  start_agent (f);
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->proxy, NULL, &error));
  g_assert_no_error (error);
  wait_for_opted_in (f, TRUE);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (
      tend_dbus_agent1_call_import_sync (f->proxy, paths, no_options (), &summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 6);
  g_assert_true (g_variant_lookup (summary, "events_added", "u", &added));
  g_assert_cmpuint (added, ==, 15);
  while (f->data_changed == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Nothing new the second time, so no DataChanged either. */
  g_assert_true (
      tend_dbus_agent1_call_import_sync (f->proxy, paths, no_options (), &again, NULL, &error));
  g_assert_true (g_variant_lookup (again, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 0);

  /* The choice survives a restart. */
  stop_agent (f);
  start_agent (f);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->proxy));

  /* Invariant 8: opting out leaves no database behind, and no cache. */
  cache = g_build_filename (f->home, "tend", NULL); /* XDG_CACHE_HOME is the home */
  charts = g_build_filename (cache, "charts", NULL);
  chart = g_build_filename (charts, "week.png", NULL);
  g_assert_cmpint (g_mkdir_with_parents (charts, 0700), ==, 0);
  g_assert_true (g_file_set_contents (chart, "png", -1, NULL));
  g_assert_true (tend_dbus_agent1_call_opt_out_sync (f->proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  wait_for_opted_in (f, FALSE);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));

  g_clear_pointer (&again, g_variant_unref);
  tend_dbus_agent1_call_import_sync (f->proxy, paths, no_options (), &again, NULL, &error);
  assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
}

/* Opting out always deletes everything (invariant 8): a caller that did not confirm that is
 * refused, and nothing changes; pausing is the way to stop and keep the history. */
static void
test_opt_out_needs_confirmation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = database_path (f);

  start_agent (f);
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->proxy, NULL, &error));
  wait_for_opted_in (f, TRUE);
  g_assert_false (tend_dbus_agent1_call_opt_out_sync (f->proxy, FALSE, NULL, &error));
  assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->proxy));
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_true (tend_dbus_agent1_call_set_paused_sync (f->proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  while (!tend_dbus_agent1_get_paused (f->proxy))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tend_dbus_agent1_call_sync_now_sync (f->proxy, NULL, &error));
  assert_remote_error (error, "dev.tend.Agent1.Error.Paused");
  g_clear_error (&error);

  /* Paused survives a restart, and the data stays. */
  stop_agent (f);
  start_agent (f);
  g_assert_true (tend_dbus_agent1_get_paused (f->proxy));
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
}

static int
run_tendctl (Fixture *f, const char *input, char **out, const char *first_arg, ...)
{
  va_list ap;
  int     status;

  va_start (ap, first_arg);
  status = tend_test_run_tendctl_va (f->data, input, out, NULL, first_arg, ap);
  va_end (ap);
  return status;
}

/* tendctl's status, opt-in and opt-out go through the agent, which alone writes. */
static void
test_tendctl (Fixture *f, gconstpointer data)
{
  g_autofree char *db = database_path (f);
  g_autofree char *before = NULL;
  g_autofree char *opt_in = NULL;
  g_autofree char *after = NULL;
  g_autofree char *declined = NULL;
  g_autofree char *opt_out = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *imported = NULL;

  start_agent (f);
  g_assert_cmpint (run_tendctl (f, NULL, &before, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (before, "Not opted in"));
  /* Before opt-in, tendctl import does nothing either. */
  g_assert_cmpint (run_tendctl (f, NULL, &refused, "import", TEND_TEST_DATA "/e2e/mail.mbox", NULL),
                   ==, 1);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run_tendctl (f, NULL, &opt_in, "opt-in", NULL), ==, 0);
  wait_for_opted_in (f, TRUE);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run_tendctl (f, NULL, &after, "status", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (after, "Opted in"));
  /* After it, the agent imports: the one writer. */
  g_assert_cmpint (run_tendctl (f, NULL, &imported, "import", "--me", "me@tend.example",
                                TEND_TEST_DATA "/e2e/mail.mbox", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (imported, "6 new messages, 0 already known"));
  while (f->data_changed == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (run_tendctl (f, "no\n", &declined, "opt-out", NULL), ==, 4);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->proxy));
  g_assert_cmpint (run_tendctl (f, "yes\n", &opt_out, "opt-out", NULL), ==, 0);
  wait_for_opted_in (f, FALSE);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/agent/nothing-before-opt-in", test_nothing_before_opt_in);
  ADD ("/agent/opt-in-import-opt-out", test_opt_in_import_opt_out);
  ADD ("/agent/opt-out-needs-confirmation", test_opt_out_needs_confirmation);
  ADD ("/agent/tendctl", test_tendctl);
#undef ADD

  return g_test_run ();
}
