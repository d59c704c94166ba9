/* tend-test-util.c: what several test programs need
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "tend-test-util.h"

/* Removes @path and everything below it, even folders a test made unreadable. */
void
tend_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_chmod (path, 0700);
      if ((dir = g_dir_open (path, 0, NULL)) != NULL)
        while ((name = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *child = g_build_filename (path, name, NULL);

            tend_test_remove_tree (child);
          }
    }
  g_remove (path);
}

/* Runs $TENDCTL with the arguments from @first_arg on (NULL-terminated) as a person would: its
 * data under @data_home, in Berlin (so week figures do not depend on the machine), @input on
 * its standard input. Returns its exit status; @out and @err (either may be NULL) get what it
 * printed. */
int
tend_test_run_tendctl_va (const char *data_home, const char *input, char **out, char **err,
                          const char *first_arg, va_list ap)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *complaints = NULL;
  const char      *tendctl = g_getenv ("TENDCTL");

  g_assert_nonnull (tendctl);
  g_ptr_array_add (argv, (gpointer) tendctl);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "TZ", "Europe/Berlin", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, &complaints, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("tendctl %s died by signal %d: %s", first_arg, g_subprocess_get_term_sig (process),
             complaints);
  if (err != NULL)
    *err = g_steal_pointer (&complaints);
  return g_subprocess_get_exit_status (process);
}

/* tend_test_run_tendctl_va() with the arguments from @first_arg on, NULL-terminated. */
int
tend_test_run_tendctl (const char *data_home, const char *input, char **out, char **err,
                       const char *first_arg, ...)
{
  va_list ap;
  int     status;

  va_start (ap, first_arg);
  status = tend_test_run_tendctl_va (data_home, input, out, err, first_arg, ap);
  va_end (ap);
  return status;
}

static gboolean
contains (const char *haystack, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Adds to @found the regular files under @path that contain @needle (bytes, not text: a
 * database or a journal is searched whole), and counts the files read in @n_files. Folders that
 * vanish or refuse to open, as a keyring daemon's may, are skipped. */
void
tend_test_grep_tree (const char *path, const char *needle, GPtrArray *found, guint *n_files)
{
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          tend_test_grep_tree (child, needle, found, n_files);
        }
    }
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize            length;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      (*n_files)++;
      if (contains (contents, length, needle))
        g_ptr_array_add (found, g_strdup (path));
    }
}

static void
name_appeared_cb (GDBusConnection *connection, const char *name, const char *owner,
                  gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Starts $TEND_AGENT with its home and XDG folders under @home (config in @config, data in
 * @data, the cache in @home itself), its standard error in @log when not NULL, and returns once
 * it owns dev.tend.Agent on the session bus. */
GSubprocess *
tend_test_spawn_agent (const char *home, const char *config, const char *data, const char *log)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  const char  *agent = g_getenv ("TEND_AGENT");
  GSubprocess *process;
  gboolean     appeared = FALSE;
  guint        watch;

  g_assert_nonnull (agent);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  if (log != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
      g_subprocess_launcher_set_stderr_file_path (launcher, log);
      g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/null");
    }
  process = g_subprocess_launcher_spawn (launcher, &error, agent, NULL);
  g_assert_no_error (error);

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "dev.tend.Agent", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            name_appeared_cb, NULL, &appeared, NULL);
  while (!appeared)
    g_main_context_iteration (NULL, TRUE);
  g_bus_unwatch_name (watch);
  return process;
}

/* A proxy of the agent's dev.tend.Agent1 on the session bus that never starts another agent.
 * @proxy_type is the generated TEND_DBUS_TYPE_AGENT1_PROXY, which this library, built without
 * libtend, cannot name itself. */
static gpointer
agent_proxy_new (GType proxy_type)
{
  g_autoptr (GError) error = NULL;
  gpointer proxy;

  g_assert_true (g_type_is_a (proxy_type, G_TYPE_DBUS_PROXY));
  proxy = g_initable_new (proxy_type, NULL, &error, "g-flags", G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                          "g-name", "dev.tend.Agent", "g-bus-type", G_BUS_TYPE_SESSION,
                          "g-object-path", "/dev/tend/Agent", "g-interface-name", "dev.tend.Agent1",
                          NULL);
  g_assert_no_error (error);
  return proxy;
}

/* Makes a temporary home from @tmp_template (see g_dir_make_tmp()) for an agent that is not
 * started yet; with @keep_log, its standard error and debug messages go to agent.log there. */
void
tend_test_agent_init (TendTestAgent *self, const char *tmp_template, gboolean keep_log)
{
  self->home = g_dir_make_tmp (tmp_template, NULL);
  self->config = g_build_filename (self->home, "config", NULL);
  self->data = g_build_filename (self->home, "data", NULL);
  if (keep_log)
    self->log = g_build_filename (self->home, "agent.log", NULL);
}

static void
data_changed_cb (GObject *proxy, gpointer user_data)
{
  TendTestAgent *self = user_data;

  self->data_changed++;
}

/* Starts the agent (see tend_test_spawn_agent()) and makes its proxy, a @proxy_type, counting
 * its DataChanged signals. */
void
tend_test_agent_start (TendTestAgent *self, GType proxy_type)
{
  self->process = tend_test_spawn_agent (self->home, self->config, self->data, self->log);
  self->proxy = agent_proxy_new (proxy_type);
  g_signal_connect (self->proxy, "data-changed", G_CALLBACK (data_changed_cb), self);
}

/* Drops the proxy, sends @signal_number to the agent if it runs, and waits for it. Asked to
 * stop with SIGTERM, the agent must quit cleanly: no crash, and under the sanitizers no leak. */
void
tend_test_agent_stop (TendTestAgent *self, int signal_number)
{
  g_clear_object (&self->proxy);
  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, signal_number);
  g_subprocess_wait (self->process, NULL, NULL);
  if (signal_number == SIGTERM && !g_subprocess_get_successful (self->process))
    g_error ("the agent did not quit cleanly%s%s", self->log != NULL ? "; see " : "",
             self->log != NULL ? self->log : "");
  g_clear_object (&self->process);
}

/* Stops the agent with SIGTERM and removes its home, if either was made. */
void
tend_test_agent_clear (TendTestAgent *self)
{
  tend_test_agent_stop (self, SIGTERM);
  if (self->home != NULL)
    tend_test_remove_tree (self->home);
  g_clear_pointer (&self->home, g_free);
  g_clear_pointer (&self->config, g_free);
  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->log, g_free);
}

/* Asserts that @error is the D-Bus error @name a remote peer replied with. */
void
tend_test_assert_remote_error (const GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}
