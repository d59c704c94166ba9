/* tend-test-util.c: what several test programs need
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
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
