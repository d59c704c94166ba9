/* tend-goal-row.h: one of my goals, and how the shown week measures up to it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-goal.h"

G_BEGIN_DECLS

#define TEND_TYPE_GOAL_ROW (tend_goal_row_get_type ())

G_DECLARE_FINAL_TYPE (TendGoalRow, tend_goal_row, TEND, GOAL_ROW, GtkListBoxRow)

/* @week_in_progress: as for tend_goal_get_progress(). */
GtkWidget  *tend_goal_row_new               (const TendGoalProgress *progress,
                                             gboolean week_in_progress);
TendGoal   *tend_goal_row_get_goal          (TendGoalRow *self);
/* "On track", "Goal met", "Not met"… as shown beside the status icon. */
const char *tend_goal_row_get_status_text   (TendGoalRow *self);
const char *tend_goal_row_get_summary       (TendGoalRow *self);
/* NULL lets the person remove the goal; otherwise why they cannot. */
void        tend_goal_row_set_locked_reason (TendGoalRow *self, const char *reason);

G_END_DECLS
