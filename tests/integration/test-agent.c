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
  TendTestAgent agent;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  tend_test_agent_init (&f->agent, "tend-agent-XXXXXX", FALSE);
}

/* Invariant 8: none of the database's files is left beside it: journal, shared memory, the
 * writers' turn. */
static void
assert_no_database_files (const char *db)
{
  static const char *const suffixes[] = { "-wal", "-shm", "-journal", "-turn" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);

      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tend_test_agent_clear (&f->agent);
}

/* Starts the agent in the fixture's home and waits for its name. */
static void
start_agent (Fixture *f)
{
  tend_test_agent_start (&f->agent, TEND_DBUS_TYPE_AGENT1_PROXY);
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

/* Property changes reach the proxy as a signal after the method's reply. */
static void
wait_for_opted_in (Fixture *f, gboolean expected)
{
  while (tend_dbus_agent1_get_opted_in (f->agent.proxy) != expected)
    g_main_context_iteration (NULL, TRUE);
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
  const char      *pid = g_subprocess_get_identifier (f->agent.process);
  g_autofree char *fd_dir = g_build_filename ("/proc", pid, "fd", NULL);
  g_autofree char *own_config = g_build_filename (f->agent.config, "tend", NULL);
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
      else if (g_str_has_prefix (target, f->agent.home) && !g_str_has_prefix (target, own_config))
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
  g_assert_false (tend_dbus_agent1_get_opted_in (f->agent.proxy));
  assert_agent_holds_nothing_of_the_user (f);

  tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &summary, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
  assert_agent_holds_nothing_of_the_user (f);

  /* Nothing was written under the home: no data, no cache, not even its own config. */
  home = g_dir_open (f->agent.home, 0, NULL);
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
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->agent.proxy, NULL, &error));
  g_assert_no_error (error);
  wait_for_opted_in (f, TRUE);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &summary,
                                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (summary, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 6);
  g_assert_true (g_variant_lookup (summary, "events_added", "u", &added));
  g_assert_cmpuint (added, ==, 15);
  while (f->agent.data_changed == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Nothing new the second time, so no DataChanged either. */
  g_assert_true (tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &again,
                                                    NULL, &error));
  g_assert_true (g_variant_lookup (again, "messages_added", "u", &added));
  g_assert_cmpuint (added, ==, 0);

  /* The choice survives a restart. */
  tend_test_agent_stop (&f->agent, SIGTERM);
  start_agent (f);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->agent.proxy));

  /* Invariant 8: opting out leaves no database behind, and no cache. */
  cache = g_build_filename (f->agent.home, "tend", NULL); /* XDG_CACHE_HOME is the home */
  charts = g_build_filename (cache, "charts", NULL);
  chart = g_build_filename (charts, "week.png", NULL);
  g_assert_cmpint (g_mkdir_with_parents (charts, 0700), ==, 0);
  g_assert_true (g_file_set_contents (chart, "png", -1, NULL));
  g_assert_true (tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  wait_for_opted_in (f, FALSE);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  assert_no_database_files (db);

  g_clear_pointer (&again, g_variant_unref);
  tend_dbus_agent1_call_import_sync (f->agent.proxy, paths, no_options (), &again, NULL, &error);
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.NotOptedIn");
}

/* Opting out always deletes everything (invariant 8): a caller that did not confirm that is
 * refused, and nothing changes; pausing is the way to stop and keep the history. */
static void
test_opt_out_needs_confirmation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = database_path (f);

  start_agent (f);
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->agent.proxy, NULL, &error));
  wait_for_opted_in (f, TRUE);
  g_assert_false (tend_dbus_agent1_call_opt_out_sync (f->agent.proxy, FALSE, NULL, &error));
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Failed");
  g_clear_error (&error);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->agent.proxy));
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_true (tend_dbus_agent1_call_set_paused_sync (f->agent.proxy, TRUE, NULL, &error));
  g_assert_no_error (error);
  while (!tend_dbus_agent1_get_paused (f->agent.proxy))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (tend_dbus_agent1_call_sync_now_sync (f->agent.proxy, NULL, &error));
  tend_test_assert_remote_error (error, "dev.tend.Agent1.Error.Paused");
  g_clear_error (&error);

  /* Paused survives a restart, and the data stays. */
  tend_test_agent_stop (&f->agent, SIGTERM);
  start_agent (f);
  g_assert_true (tend_dbus_agent1_get_paused (f->agent.proxy));
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
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
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &before, NULL, "status", NULL), ==,
                   0);
  g_assert_nonnull (strstr (before, "Not opted in"));
  /* Before opt-in, tendctl import does nothing either. */
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &refused, NULL, "import",
                                          TEND_TEST_DATA "/e2e/mail.mbox", NULL),
                   ==, 1);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &opt_in, NULL, "opt-in", NULL), ==,
                   0);
  wait_for_opted_in (f, TRUE);
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &after, NULL, "status", NULL), ==,
                   0);
  g_assert_true (g_str_has_prefix (after, "Opted in"));
  /* After it, the agent imports: the one writer. */
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, NULL, &imported, NULL, "import", "--me",
                                          "me@tend.example", TEND_TEST_DATA "/e2e/mail.mbox", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (imported, "6 new messages, 0 already known"));
  while (f->agent.data_changed == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, "no\n", &declined, NULL, "opt-out", NULL),
                   ==, 4);
  g_assert_true (tend_dbus_agent1_get_opted_in (f->agent.proxy));
  g_assert_cmpint (tend_test_run_tendctl (f->agent.data, "yes\n", &opt_out, NULL, "opt-out", NULL),
                   ==, 0);
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
