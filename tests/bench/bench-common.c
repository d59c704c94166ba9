/* bench-common.c: timing and reporting shared by the benchmarks
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>

#include "bench-common.h"

void
bench_fail (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s: %s\n", g_get_prgname (), message);
  exit (1);
}

double
bench_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @samples (of double) in place. */
double
bench_median (GArray *samples)
{
  guint n = samples->len;

  g_return_val_if_fail (n > 0, 0);

  g_array_sort (samples, compare_double);
  if (n % 2 == 1)
    return g_array_index (samples, double, n / 2);
  return (g_array_index (samples, double, n / 2 - 1) + g_array_index (samples, double, n / 2)) / 2;
}

/* The best of several throughputs: on a shared machine, noise only ever slows a run down. */
double
bench_max (GArray *samples)
{
  double best = 0;

  for (guint i = 0; i < samples->len; i++)
    best = MAX (best, g_array_index (samples, double, i));
  return best;
}

/* The folder to work in: the first argument, else a new temporary one. */
char *
bench_get_dir (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  char *dir;

  if (argc > 1)
    {
      if (g_mkdir_with_parents (argv[1], 0700) != 0)
        bench_fail ("Cannot create %s", argv[1]);
      return g_strdup (argv[1]);
    }
  if (!(dir = g_dir_make_tmp ("tend-bench-XXXXXX", &error)))
    bench_fail ("%s", error->message);
  return dir;
}

/* Runs per measurement: TEND_BENCH_RUNS, else @fallback. */
guint
bench_get_runs (guint fallback)
{
  const char *runs = g_getenv ("TEND_BENCH_RUNS");
  guint64     n;

  if (runs != NULL && g_ascii_string_to_unsigned (runs, 10, 1, 1000, &n, NULL))
    return (guint) n;
  return fallback;
}

/* One line for tests/bench/run, tab-separated: the figure, the baseline measured in the same
 * run (NAN when there is none) and the target, "ratio>=X", "ratio<=X", "value<=X" or "-".
 * The ratio is value / baseline. */
void
bench_result (const char *name, double value, const char *unit, const char *baseline_name,
              double baseline, const char *target)
{
  g_print ("RESULT\t%s\t%.6g\t%s\t%s\t%.6g\t%s\n", name, value, unit,
           baseline_name != NULL ? baseline_name : "-", baseline, target);
}

/* Runs in each child before exec: if the bench dies (bench_fail() exits at once), the bus and
 * the services go with it rather than linger. */
void
bench_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
bench_start_bus (char **address)
{
  /* Its complaint that it cannot raise its file limit as a user is no news. */
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  GSubprocess *bus;

  g_subprocess_launcher_set_child_setup (launcher, bench_die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                     "--print-address", NULL);
  if (bus == NULL)
    bench_fail ("Cannot start dbus-daemon: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  *address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (*address == NULL || **address == '\0')
    bench_fail ("dbus-daemon did not give its address");
  return bus;
}
