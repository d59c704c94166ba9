/* tend-day-chart.h: my week day by day — meetings, focus and after-hours work
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-week-report.h"

G_BEGIN_DECLS

#define TEND_TYPE_DAY_CHART (tend_day_chart_get_type ())

G_DECLARE_FINAL_TYPE (TendDayChart, tend_day_chart, TEND, DAY_CHART, GtkWidget)

GtkWidget  *tend_day_chart_new             (void);
/* @days: @n_days days, Monday first (at most 7); NULL and 0 clear the chart. */
void        tend_day_chart_set_days        (TendDayChart         *self,
                                            const TendDayFigures *days,
                                            guint                 n_days);
/* What a screen reader says about the figures (the accessible description). */
const char *tend_day_chart_get_description (TendDayChart *self);

G_END_DECLS
