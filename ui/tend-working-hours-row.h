/* tend-working-hours-row.h: one weekday's working hours in the preferences
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEND_TYPE_WORKING_HOURS_ROW (tend_working_hours_row_get_type ())

G_DECLARE_FINAL_TYPE (TendWorkingHoursRow, tend_working_hours_row, TEND, WORKING_HOURS_ROW,
                      AdwExpanderRow)

GtkWidget *tend_working_hours_row_new         (guint weekday);
guint      tend_working_hours_row_get_weekday (TendWorkingHoursRow *self);
gboolean   tend_working_hours_row_get_working (TendWorkingHoursRow *self);
guint      tend_working_hours_row_get_start   (TendWorkingHoursRow *self);
guint      tend_working_hours_row_get_end     (TendWorkingHoursRow *self);
gboolean   tend_working_hours_row_is_valid    (TendWorkingHoursRow *self);
void       tend_working_hours_row_set_hours   (TendWorkingHoursRow *self, gboolean working,
                                               guint start, guint end);

G_END_DECLS
