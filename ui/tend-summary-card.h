/* tend-summary-card.h: one figure of my week against my usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-metric.h"

G_BEGIN_DECLS

#define TEND_TYPE_SUMMARY_CARD (tend_summary_card_get_type ())

G_DECLARE_FINAL_TYPE (TendSummaryCard, tend_summary_card, TEND, SUMMARY_CARD, GtkWidget)

GtkWidget  *tend_summary_card_new             (TendMetric metric);
TendMetric  tend_summary_card_get_metric      (TendSummaryCard *self);
/* @value and @baseline may be NAN: a figure undefined this week, or no usual week yet. */
void        tend_summary_card_set_figures     (TendSummaryCard *self, double value,
                                               double baseline);
/* The figure's last @n_weeks weeks, oldest first, as a sparkline; NULL and 0 hide it. */
void        tend_summary_card_set_series      (TendSummaryCard *self, const double *series,
                                               guint n_weeks);
const char *tend_summary_card_get_value_text  (TendSummaryCard *self);
const char *tend_summary_card_get_change_text (TendSummaryCard *self);

G_END_DECLS
