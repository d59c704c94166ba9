/* bench-common.h: timing and reporting shared by the benchmarks
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void bench_fail (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
double bench_seconds (void);
double bench_median (GArray *samples);
double bench_max (GArray *samples);
char *bench_get_dir (int argc, char **argv);
guint bench_get_runs (guint fallback);
void bench_result (const char *name, double value, const char *unit, const char *baseline_name,
                   double baseline, const char *target);

G_END_DECLS
