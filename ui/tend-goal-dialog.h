/* tend-goal-dialog.h: a new goal of my own, added through the agent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"
#include "tend-goal.h"
#include "tend-week-report.h"

G_BEGIN_DECLS

#define TEND_TYPE_GOAL_DIALOG (tend_goal_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TendGoalDialog, tend_goal_dialog, TEND, GOAL_DIALOG, AdwWindow)

/* @report (nullable): the shown week, whose usual figures suggest a target. */
GtkWidget          *tend_goal_dialog_new            (TendDBusAgent1 *agent,
                                                     TendWeekReport *report);
TendMetric          tend_goal_dialog_get_metric     (TendGoalDialog *self);
TendGoalComparison  tend_goal_dialog_get_comparison (TendGoalDialog *self);
/* In the metric's own unit, as AddGoal takes it. */
double              tend_goal_dialog_get_target     (TendGoalDialog *self);

G_END_DECLS
