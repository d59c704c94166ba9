/* tend-sparkline.h: a figure's last weeks as a small line, this week marked
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-metric.h"

G_BEGIN_DECLS

#define TEND_TYPE_SPARKLINE (tend_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (TendSparkline, tend_sparkline, TEND, SPARKLINE, GtkWidget)

GtkWidget  *tend_sparkline_new        (TendMetric metric);
TendMetric  tend_sparkline_get_metric (TendSparkline *self);
/* @values: @n_values weekly values, oldest first, this week last; NAN for a week without a
 * value. NULL and 0 clear the line. */
void        tend_sparkline_set_series (TendSparkline *self,
                                       const double  *values,
                                       guint          n_values);

G_END_DECLS
