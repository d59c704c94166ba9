/* bench-window.c: time to the week view's first frame, and the window's RSS then
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Needs a display (tests/bench/run wraps it in xvfb-run) and bench-insights' five-year database
 * in DIR. Starts a dbus-daemon of its own and tend-agent on it, opted in, in a temporary home
 * whose database is a copy of the five-year one. Then, TEND_BENCH_RUNS times (5 by default),
 * it spawns afresh itself with --child, which runs the window's own code (libtend_ui) on the
 * last week of that history, and tests/bench/bare-window.c, a bare AdwApplicationWindow, one
 * after the other. Each child prints the monotonic time of its first frame and its VmRSS then;
 * the time counts from just before the spawn, so it includes loading the libraries.
 *
 * Tend's first frame of the week view is the first frame painted once the window shows the
 * user's own database (not the demo) on that week and its report has been computed: the
 * state is checked in the frame clock's "after-paint", which follows the layout and paint of
 * the same frame with no main loop iteration in between. No hook in the application: the
 * child reaches the week page through the widget tree.
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>

#include "bench-common.h"
#include "tend-application.h"
#include "tend-week-page.h"
#include "tend-window.h"

#define AGENT_NAME "dev.tend.Agent"
/* bench-insights' history ends on 2025-06-18, in ISO week 25. */
#define BENCH_WEEK "2025-W25"
#define DEFAULT_RUNS 5
#define START_TIMEOUT_SECONDS 30
#define FRAME_TIMEOUT_SECONDS 60

/* The child: the window, up to its first frame of the week view. */

typedef struct
{
  TendApplication *application;
  TendWindow      *window;
  TendWeekPage    *week_page;
  TendWeek         week;
} Child;

static guint64
read_rss_kib (void)
{
  g_autofree char *text = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL)
      || !(line = strstr (text, "\nVmRSS:")))
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static gboolean
shows_week (Child *child)
{
  return child->week_page != NULL
         && g_strcmp0 (tend_window_get_visible_page (child->window), "week") == 0
         && !tend_window_get_is_demo (child->window)
         && tend_week_compare (tend_week_page_get_week (child->week_page), &child->week) == 0
         && !tend_week_page_get_loading (child->week_page);
}

static void
after_paint_cb (GdkFrameClock *clock, Child *child)
{
  gint64 now = g_get_monotonic_time ();

  if (!shows_week (child))
    return;
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, child);
  g_print ("FRAME\t%" G_GINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n", now, read_rss_kib ());
  g_application_quit (G_APPLICATION (child->application));
}

/* A finished report changes what the page shows; this makes sure a frame follows. */
static void
loading_cb (TendWeekPage *page, GParamSpec *pspec, Child *child)
{
  if (shows_week (child))
    gtk_widget_queue_draw (GTK_WIDGET (child->window));
}

static void
realize_cb (GtkWidget *window, Child *child)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb),
                    child);
}

static TendWeekPage *
find_week_page (GtkWidget *widget)
{
  if (TEND_IS_WEEK_PAGE (widget))
    return TEND_WEEK_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      TendWeekPage *page = find_week_page (child);

      if (page != NULL)
        return page;
    }
  return NULL;
}

/* Runs before the application's own activate, which presents the window again. */
static void
activate_cb (GApplication *application, Child *child)
{
  /* As the agent's weekly notification opens a week. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "show-week",
                                  g_variant_new_string (BENCH_WEEK));
  child->window = TEND_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  if (child->window == NULL || !(child->week_page = find_week_page (GTK_WIDGET (child->window))))
    bench_fail ("The window has no week page");
  g_signal_connect (child->week_page, "notify::loading", G_CALLBACK (loading_cb), child);
  /* The action presents the window, which may already be realized. */
  if (gtk_widget_get_realized (GTK_WIDGET (child->window)))
    realize_cb (GTK_WIDGET (child->window), child);
  else
    g_signal_connect (child->window, "realize", G_CALLBACK (realize_cb), child);
}

static int
run_child (void)
{
  g_autoptr (TendApplication) application = NULL;
  g_autoptr (GError) error = NULL;
  Child child = { 0 };

  /* What tend-main.c does before anything else. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name (_ ("Tend"));

  if (!tend_week_parse (BENCH_WEEK, &child.week, &error))
    bench_fail ("%s", error->message);
  application = tend_application_new ();
  child.application = application;
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), &child);
  return g_application_run (G_APPLICATION (application), 0, NULL);
}

/* The parent: the bus, the agent, and the runs. */

/* Until the agent owns its name and says it is opted in. */
static void
wait_for_agent (GDBusConnection *bus, GSubprocess *agent)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (GVariant) reply = NULL;
      g_autoptr (GVariant) value = NULL;

      reply = g_dbus_connection_call_sync (
          bus, AGENT_NAME, "/dev/tend/Agent", "org.freedesktop.DBus.Properties", "Get",
          g_variant_new ("(ss)", "dev.tend.Agent1", "OptedIn"), G_VARIANT_TYPE ("(v)"),
          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL);
      if (reply != NULL)
        {
          g_variant_get (reply, "(v)", &value);
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)
              || !g_variant_get_boolean (value))
            bench_fail ("tend-agent did not start opted in");
          return;
        }
      if (g_subprocess_get_identifier (agent) == NULL || g_get_monotonic_time () > deadline)
        bench_fail ("tend-agent did not come up on the bus within %d s", START_TIMEOUT_SECONDS);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}

typedef struct
{
  GMainLoop *loop;
  char      *out;
  GError    *error;
  gboolean   timed_out;
} Wait;

static void
communicate_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &wait->out, NULL,
                                        &wait->error);
  g_main_loop_quit (wait->loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* Spawns @argv and returns the seconds to its first frame, and its VmRSS (KiB) then. */
static double
time_first_frame (GSubprocessLauncher *launcher, const char *const *argv, guint64 *rss)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *out = NULL;
  Wait             wait = { .loop = loop };
  gint64           start, frame;
  const char      *line;
  char            *end;
  guint            timeout;

  start = g_get_monotonic_time ();
  if (!(process = g_subprocess_launcher_spawnv (launcher, argv, &error)))
    bench_fail ("Cannot start %s: %s", argv[0], error->message);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &wait);
  timeout = g_timeout_add_seconds (FRAME_TIMEOUT_SECONDS, timeout_cb, &wait);
  g_main_loop_run (loop);
  if (wait.timed_out)
    {
      g_subprocess_force_exit (process);
      bench_fail ("%s showed no frame within %d s", argv[0], FRAME_TIMEOUT_SECONDS);
    }
  g_source_remove (timeout);
  out = wait.out;
  if (wait.error != NULL)
    bench_fail ("%s: %s", argv[0], wait.error->message);
  if (!g_subprocess_get_successful (process) || out == NULL
      || !(line = g_str_has_prefix (out, "FRAME\t") ? out : strstr (out, "\nFRAME\t")))
    bench_fail ("%s failed, or ended before its first frame", argv[0]);
  line = strchr (line, '\t') + 1;
  frame = g_ascii_strtoll (line, &end, 10);
  *rss = g_ascii_strtoull (end, NULL, 10);
  if (frame <= start || *rss == 0)
    bench_fail ("%s reported “%s”", argv[0], g_strchomp (out));
  return (frame - start) / (double) G_USEC_PER_SEC;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else if (g_unlink (child) != 0)
        g_printerr ("bench-window: could not remove %s\n", child);
    }
  if (g_rmdir (path) != 0)
    g_printerr ("bench-window: could not remove %s\n", path);
}

/* A home opted in, whose own database is a copy of the five-year one: the agent may write to
 * the database it owns, the benchmark's stays as bench-insights made it. */
static char *
make_home (const char *dir, const char *database)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = g_build_filename (dir, "window-XXXXXX", NULL);
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GFile) from = g_file_new_for_path (database);
  g_autoptr (GFile) to = NULL;

  if (g_mkdtemp (home) == NULL)
    bench_fail ("Cannot create %s", home);
  config = g_build_filename (home, "config", "tend", NULL);
  data = g_build_filename (home, "data", "tend", NULL);
  if (g_mkdir_with_parents (config, 0700) != 0 || g_mkdir_with_parents (data, 0700) != 0)
    bench_fail ("Cannot create the folders of %s", home);
  g_free (config);
  config = g_build_filename (home, "config", "tend", "agent.ini", NULL);
  if (!g_file_set_contents (config, "[agent]\nopted-in=true\n", -1, &error))
    bench_fail ("%s", error->message);
  to = g_file_new_build_filename (data, "tend.db", NULL);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
    bench_fail ("Cannot copy %s: %s", database, error->message);
  return g_steal_pointer (&home);
}

static void
set_home (GSubprocessLauncher *launcher, const char *home, const char *address)
{
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);

  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  /* Xvfb has no GL: both windows draw with cairo rather than each probe GL and fall back. */
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr (GSubprocessLauncher) agent_launcher = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GSubprocess) bus = NULL;
  g_autoptr (GSubprocess) agent = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) tend_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char   *agent_path = NULL;
  g_autofree char   *agent_dir = NULL;
  g_autofree char   *worker_path = NULL;
  g_autofree char   *bare_path = NULL;
  g_autofree char   *self_path = NULL;
  g_autofree char   *dir = NULL;
  g_autofree char   *database = NULL;
  g_autofree char   *home = NULL;
  g_autofree char   *address = NULL;
  gboolean           child = FALSE;
  double             best[2] = { G_MAXDOUBLE, G_MAXDOUBLE };
  GArray            *rss[2] = { tend_rss, bare_rss };
  double             median_rss[2];
  guint              runs = bench_get_runs (DEFAULT_RUNS);
  const GOptionEntry entries[]
      = { { "agent", 0, 0, G_OPTION_ARG_FILENAME, &agent_path, "The tend-agent to run", "PATH" },
          { "bare-window", 0, 0, G_OPTION_ARG_FILENAME, &bare_path,
            "The bare AdwApplicationWindow to compare with", "PATH" },
          { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child,
            "Open the window and report its first frame of the week view", NULL },
          { NULL } };

  g_set_prgname ("bench-window");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    bench_fail ("%s", error->message);
  if (child)
    return run_child ();
  if (agent_path == NULL || bare_path == NULL)
    bench_fail ("--agent and --bare-window are required");
  if (g_getenv ("DISPLAY") == NULL)
    bench_fail ("No display: run it under xvfb-run -a");

  dir = bench_get_dir (argc, argv);
  database = g_build_filename (dir, "insights-5y.db", NULL);
  if (!g_file_test (database, G_FILE_TEST_IS_REGULAR))
    bench_fail ("No %s: bench-insights makes it, run it first", database);
  if (!(self_path = g_file_read_link ("/proc/self/exe", &error)))
    bench_fail ("%s", error->message);
  home = make_home (dir, database);

  bus = bench_start_bus (&address);
  agent_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (agent_launcher, bench_die_with_parent, NULL, NULL);
  set_home (agent_launcher, home, address);
  agent_dir = g_path_get_dirname (agent_path);
  worker_path = g_build_filename (agent_dir, "tend-agent-worker", NULL);
  g_subprocess_launcher_setenv (agent_launcher, "TEND_AGENT_WORKER", worker_path, TRUE);
  if (!(agent = g_subprocess_launcher_spawn (agent_launcher, &error, agent_path, NULL)))
    bench_fail ("Cannot start %s: %s", agent_path, error->message);
  connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (connection == NULL)
    bench_fail ("Cannot connect to the private bus: %s", error->message);
  wait_for_agent (connection, agent);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, bench_die_with_parent, NULL, NULL);
  set_home (launcher, home, address);
  for (guint run = 0; run < runs; run++)
    {
      const char *const  tend_argv[] = { self_path, "--child", NULL };
      const char *const  bare_argv[] = { bare_path, NULL };
      const char *const *argvs[2] = { tend_argv, bare_argv };

      for (guint i = 0; i < G_N_ELEMENTS (argvs); i++)
        {
          guint64 kib;
          double  seconds = time_first_frame (launcher, argvs[i], &kib);
          double  mib = kib / 1024.0;

          g_printerr ("bench-window: run %u: %s: first frame after %.0f ms, VmRSS %.1f MiB\n",
                      run + 1, i == 0 ? "tend" : "bare window", seconds * 1000, mib);
          best[i] = MIN (best[i], seconds);
          g_array_append_val (rss[i], mib);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (rss); i++)
    median_rss[i] = bench_median (rss[i]);

  g_subprocess_send_signal (agent, SIGTERM);
  if (!g_subprocess_wait (agent, NULL, &error))
    g_printerr ("bench-window: tend-agent: %s\n", error->message);
  g_clear_object (&connection);
  g_subprocess_send_signal (bus, SIGTERM);
  if (!g_subprocess_wait (bus, NULL, &error))
    g_printerr ("bench-window: dbus-daemon: %s\n", error->message);
  remove_tree (home);

  bench_result ("window: start to first frame of the week view, 5-year db (ms)", best[0] * 1000,
                "ms", "bare AdwApplicationWindow (bare-window.c), same bus, same run",
                best[1] * 1000, "ratio<=1.5");
  bench_result ("window: VmRSS at that first frame (median)", median_rss[0], "MiB",
                "bare AdwApplicationWindow's VmRSS at its first frame", median_rss[1], "-");
  return 0;
}
