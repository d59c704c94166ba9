/* bench-common.h: timing and reporting shared by the benchmarks
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void bench_fail (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
double bench_seconds (void);
double bench_median (GArray *samples);
double bench_max (GArray *samples);
char *bench_get_dir (int argc, char **argv);
guint bench_get_runs (guint fallback);
void bench_result (const char *name, double value, const char *unit, const char *baseline_name,
                   double baseline, const char *target);

/* For a GSubprocessLauncher's child setup: the child dies with the bench. */
void bench_die_with_parent (gpointer user_data);
/* A session bus of the bench's own; sets @address to its address. */
GSubprocess *bench_start_bus (char **address);

G_END_DECLS
