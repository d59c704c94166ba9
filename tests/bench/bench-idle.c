/* bench-idle.c: the idle agent's memory and wake-ups, against a bare GApplication service
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Starts a dbus-daemon of its own, then tend-agent (opted in, in a temporary home, with no
 * account: an account needs a keyring and a sign-in) and tests/bench/bare-service.c side by
 * side on that bus. Once both are quiet, it watches them for a window of
 * TEND_BENCH_IDLE_SECONDS (60 by default) without talking to them: the resident set
 * (VmRSS) at the end, and the wake-ups during it.
 *
 * A wake-up is counted as a context switch: a thread that sleeps in poll() and is woken by a
 * timer or a message is switched in, and back out when it sleeps again, which the kernel counts
 * as one voluntary switch; preemptions count as nonvoluntary ones. The figure is the sum of both
 * over every thread of the process (/proc/PID/task/TID/status), read every second: a thread
 * that ends during the window counts what it had at the last reading, plus the one wake-up in
 * which it ended.
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>

#include "bench-common.h"

#define AGENT_NAME "dev.tend.Agent"
#define BARE_NAME "dev.tend.BenchBareService"
#define DEFAULT_WINDOW_SECONDS 60
/* Idle: no context switch in any thread for this long, and started this long ago at least:
 * GLib ends a worker thread 15 s after its last task, which is still starting up. */
#define QUIET_SECONDS 3
#define MIN_SETTLE_SECONDS 20
#define MAX_SETTLE_SECONDS 45
#define START_TIMEOUT_SECONDS 30

typedef struct
{
  const char  *label;
  GSubprocess *process;
  const char  *pid;
  GHashTable  *start; /* TID → Thread, at the start of the window */
  GHashTable  *seen;  /* TID → Thread, at its last reading during the window */
  GHashTable  *last;  /* TID → Thread, at the end of the window */
} Service;

typedef struct
{
  char   *comm;
  guint64 switches;
} Thread;

static void
thread_free (Thread *thread)
{
  g_free (thread->comm);
  g_free (thread);
}

/* The number in "Name:\tNUMBER" of a /proc status file; FALSE when the file or line is
 * missing (the thread or process has gone). */
static gboolean
read_status_field (const char *path, const char *field, guint64 *value)
{
  g_autofree char *text = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char      *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(line = strstr (text, key)))
    return FALSE;
  *value = g_ascii_strtoull (line + strlen (key), NULL, 10);
  return TRUE;
}

/* Voluntary and nonvoluntary switches of each thread of @pid, by TID. */
static GHashTable *
read_threads (const char *pid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tasks = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr (GDir) dir = g_dir_open (tasks, 0, &error);
  GHashTable *threads
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) thread_free);
  const char *tid;

  if (dir == NULL)
    bench_fail ("%s", error->message);
  while ((tid = g_dir_read_name (dir)))
    {
      g_autofree char *status = g_build_filename (tasks, tid, "status", NULL);
      g_autofree char *comm_path = g_build_filename (tasks, tid, "comm", NULL);
      guint64          voluntary, nonvoluntary;
      Thread          *thread;

      if (!read_status_field (status, "voluntary_ctxt_switches", &voluntary)
          || !read_status_field (status, "nonvoluntary_ctxt_switches", &nonvoluntary))
        continue;
      thread = g_new0 (Thread, 1);
      thread->switches = voluntary + nonvoluntary;
      if (g_file_get_contents (comm_path, &thread->comm, NULL, NULL))
        g_strchomp (thread->comm);
      else
        thread->comm = g_strdup ("?");
      g_hash_table_insert (threads, g_strdup (tid), thread);
    }
  return threads;
}

static guint64
sum_switches (GHashTable *threads)
{
  GHashTableIter iter;
  gpointer       value;
  guint64        sum = 0;

  g_hash_table_iter_init (&iter, threads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum += ((Thread *) value)->switches;
  return sum;
}

static guint64
total_switches (Service *service)
{
  g_autoptr (GHashTable) threads = read_threads (service->pid);

  return sum_switches (threads);
}

static gboolean
is_alive (Service *service)
{
  g_autofree char *status = g_build_filename ("/proc", service->pid, "status", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (status, &text, NULL, NULL) && !strstr (text, "\nState:\tZ");
}

static guint64
read_kib (Service *service, const char *field)
{
  g_autofree char *status = g_build_filename ("/proc", service->pid, "status", NULL);
  guint64          kib;

  if (!read_status_field (status, field, &kib))
    bench_fail ("%s: no %s in %s", service->label, field, status);
  return kib;
}

static GSubprocess *
spawn (GSubprocessLauncher *launcher, const char *path)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *process = g_subprocess_launcher_spawn (launcher, &error, path, NULL);

  if (process == NULL)
    bench_fail ("Cannot start %s: %s", path, error->message);
  return process;
}

static void
wait_for_name (GDBusConnection *bus, Service *service, const char *name)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = NULL;
      gboolean owned = FALSE;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      if (reply == NULL)
        bench_fail ("NameHasOwner: %s", error->message);
      g_variant_get (reply, "(b)", &owned);
      if (owned)
        return;
      if (!is_alive (service))
        bench_fail ("%s exited before owning %s", service->label, name);
      if (g_get_monotonic_time () > deadline)
        bench_fail ("%s did not own %s within %d s", service->label, name, START_TIMEOUT_SECONDS);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}

static gboolean
agent_opted_in (GDBusConnection *bus)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) value = NULL;

  reply = g_dbus_connection_call_sync (
      bus, AGENT_NAME, "/dev/tend/Agent", "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "dev.tend.Agent1", "OptedIn"), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, &error);
  if (reply == NULL)
    bench_fail ("OptedIn: %s", error->message);
  g_variant_get (reply, "(v)", &value);
  return g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (value);
}

/* Waits until neither service has switched for QUIET_SECONDS, at least MIN_SETTLE_SECONDS after
 * they started and at most MAX_SETTLE_SECONDS. */
static void
wait_until_quiet (Service *services, guint n_services)
{
  guint64 last[2] = { 0 };
  guint   quiet = 0;

  g_return_if_fail (n_services <= G_N_ELEMENTS (last));

  for (guint second = 0; second <= MAX_SETTLE_SECONDS; second++)
    {
      gboolean changed = FALSE;

      for (guint i = 0; i < n_services; i++)
        {
          guint64 now = total_switches (&services[i]);

          changed |= second == 0 || now != last[i];
          last[i] = now;
        }
      quiet = changed ? 0 : quiet + 1;
      if (quiet >= QUIET_SECONDS && second >= MIN_SETTLE_SECONDS)
        {
          g_printerr ("bench-idle: quiet after %u s\n", second);
          return;
        }
      g_usleep (G_USEC_PER_SEC);
    }
  g_printerr ("bench-idle: still switching after %d s; measuring anyway\n", MAX_SETTLE_SECONDS);
}

/* Reads @service's threads again; a thread keeps its last reading after it ended. */
static void
read_again (Service *service)
{
  GHashTableIter iter;
  gpointer       tid, thread;

  g_clear_pointer (&service->last, g_hash_table_unref);
  service->last = read_threads (service->pid);
  g_hash_table_iter_init (&iter, service->last);
  while (g_hash_table_iter_next (&iter, &tid, &thread))
    {
      Thread *copy = g_new0 (Thread, 1);

      copy->comm = g_strdup (((Thread *) thread)->comm);
      copy->switches = ((Thread *) thread)->switches;
      g_hash_table_replace (service->seen, g_strdup (tid), copy);
    }
}

/* The wake-ups during the window, and in @detail each thread's share, to find who wakes up. */
static guint64
count_wake_ups (Service *service, char **detail)
{
  g_autoptr (GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer       tid, value;
  guint64        sum = 0;

  g_hash_table_iter_init (&iter, service->seen);
  while (g_hash_table_iter_next (&iter, &tid, &value))
    {
      Thread  *now = value, *then = g_hash_table_lookup (service->start, tid);
      gboolean ended = !g_hash_table_contains (service->last, tid);
      guint64  delta = now->switches - (then != NULL ? then->switches : 0) + (ended ? 1 : 0);

      sum += delta;
      g_string_append_printf (text, "%s%s[%s]%s %" G_GUINT64_FORMAT, text->len > 0 ? ", " : "",
                              now->comm, (const char *) tid,
                              ended          ? " (ended)"
                              : then == NULL ? " (new)"
                                             : "",
                              delta);
    }
  *detail = g_string_free (g_steal_pointer (&text), FALSE);
  return sum;
}

/* The temporary home holds only plain files and folders. */
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
        g_printerr ("bench-idle: could not remove %s\n", child);
    }
  if (g_rmdir (path) != 0)
    g_printerr ("bench-idle: could not remove %s\n", path);
}

static void
stop (Service *service)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (service->process, SIGTERM);
  if (!g_subprocess_wait (service->process, NULL, &error))
    g_printerr ("bench-idle: %s: %s\n", service->label, error->message);
  g_clear_object (&service->process);
  g_clear_pointer (&service->start, g_hash_table_unref);
  g_clear_pointer (&service->seen, g_hash_table_unref);
  g_clear_pointer (&service->last, g_hash_table_unref);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GSubprocess) bus = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *agent_path = NULL;
  g_autofree char   *bare_path = NULL;
  g_autofree char   *dir = NULL;
  g_autofree char   *home = NULL;
  g_autofree char   *config = NULL;
  g_autofree char   *data = NULL;
  g_autofree char   *state_dir = NULL;
  g_autofree char   *state = NULL;
  g_autofree char   *address = NULL;
  g_autofree char   *wake_name = NULL;
  const char        *window_env = g_getenv ("TEND_BENCH_IDLE_SECONDS");
  guint64            window = DEFAULT_WINDOW_SECONDS;
  guint64            rss[2], switches[2];
  double             per_minute[2];
  Service            services[2] = { { .label = "tend-agent" }, { .label = "bare service" } };
  const char        *names[2] = { AGENT_NAME, BARE_NAME };
  const GOptionEntry entries[] = { { "agent", 0, 0, G_OPTION_ARG_FILENAME, &agent_path,
                                     "The tend-agent to measure", "PATH" },
                                   { "bare-service", 0, 0, G_OPTION_ARG_FILENAME, &bare_path,
                                     "The bare GApplication service to compare with", "PATH" },
                                   { NULL } };

  g_set_prgname ("bench-idle");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    bench_fail ("%s", error->message);
  if (agent_path == NULL || bare_path == NULL)
    bench_fail ("--agent and --bare-service are required");
  if (window_env != NULL && !g_ascii_string_to_unsigned (window_env, 10, 1, 3600, &window, NULL))
    bench_fail ("TEND_BENCH_IDLE_SECONDS must be a number of seconds, not “%s”", window_env);

  /* A home of its own, opted in, with no account (an account needs a keyring and a sign-in). */
  dir = bench_get_dir (argc, argv);
  home = g_build_filename (dir, "idle-XXXXXX", NULL);
  if (g_mkdtemp (home) == NULL)
    bench_fail ("Cannot create %s", home);
  config = g_build_filename (home, "config", NULL);
  data = g_build_filename (home, "data", NULL);
  state_dir = g_build_filename (config, "tend", NULL);
  state = g_build_filename (state_dir, "agent.ini", NULL);
  if (g_mkdir_with_parents (state_dir, 0700) != 0
      || !g_file_set_contents (state, "[agent]\nopted-in=true\n", -1, &error))
    bench_fail ("Cannot write %s: %s", state, error != NULL ? error->message : "mkdir failed");

  bus = bench_start_bus (&address);
  g_subprocess_launcher_set_child_setup (launcher, bench_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  services[0].process = spawn (launcher, agent_path);
  services[1].process = spawn (launcher, bare_path);

  connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (connection == NULL)
    bench_fail ("Cannot connect to the private bus: %s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      services[i].pid = g_subprocess_get_identifier (services[i].process);
      wait_for_name (connection, &services[i], names[i]);
    }
  /* The agent itself never opens the database (its worker does): opted in is what matters. */
  if (!agent_opted_in (connection))
    bench_fail ("tend-agent did not start opted in");

  wait_until_quiet (services, G_N_ELEMENTS (services));
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      services[i].start = read_threads (services[i].pid);
      services[i].seen
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) thread_free);
      read_again (&services[i]);
    }
  g_printerr ("bench-idle: watching both for %" G_GUINT64_FORMAT " s\n", window);
  /* Reading /proc costs the services nothing: it neither wakes nor schedules them. */
  for (gint64 end = g_get_monotonic_time () + (gint64) window * G_USEC_PER_SEC;
       g_get_monotonic_time () < end;)
    {
      g_usleep (MIN (G_USEC_PER_SEC, end - g_get_monotonic_time ()));
      for (guint i = 0; i < G_N_ELEMENTS (services); i++)
        read_again (&services[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autofree char *detail = NULL;
      g_autofree char *rollup = g_build_filename ("/proc", services[i].pid, "smaps_rollup", NULL);
      guint64          pss;

      if (!is_alive (&services[i]))
        bench_fail ("%s exited during the window", services[i].label);
      read_again (&services[i]);
      switches[i] = count_wake_ups (&services[i], &detail);
      per_minute[i] = switches[i] * 60.0 / window;
      rss[i] = read_kib (&services[i], "VmRSS");
      /* Pss shares each library page among the processes that map it. */
      if (!read_status_field (rollup, "Pss", &pss))
        pss = 0;
      g_printerr ("bench-idle: %s: VmRSS %" G_GUINT64_FORMAT " KiB (RssAnon %" G_GUINT64_FORMAT
                  ", RssFile %" G_GUINT64_FORMAT ", Pss %" G_GUINT64_FORMAT
                  "), %u threads, %" G_GUINT64_FORMAT " context switches in %" G_GUINT64_FORMAT
                  " s: %s\n",
                  services[i].label, rss[i], read_kib (&services[i], "RssAnon"),
                  read_kib (&services[i], "RssFile"), pss, g_hash_table_size (services[i].last),
                  switches[i], window, detail);
    }

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    stop (&services[i]);
  g_clear_object (&connection);
  g_subprocess_send_signal (bus, SIGTERM);
  if (!g_subprocess_wait (bus, NULL, &error))
    g_printerr ("bench-idle: dbus-daemon: %s\n", error->message);
  remove_tree (home);

  bench_result ("idle: tend-agent RSS (opted in, no account)", rss[0] / 1024.0, "MiB",
                "bare GApplication service (bare-service.c), same bus, same time", rss[1] / 1024.0,
                "ratio<=1.5");
  wake_name = g_strdup_printf (
      "idle: tend-agent wake-ups/min (context switches, %" G_GUINT64_FORMAT " s)", window);
  bench_result (wake_name, per_minute[0], "/min", "bare service's wake-ups/min, same window",
                per_minute[1], "value<=1");
  return 0;
}
