/* tend-goal.h: goals I set myself, and how a week measures up to them
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <jansson.h>

#include "tend-metric.h"
#include "tend-store.h"
#include "tend-week-report.h"

G_BEGIN_DECLS

#define TEND_GOAL_ERROR (tend_goal_error_quark ())

/**
 * TendGoalError:
 * @TEND_GOAL_ERROR_INVALID_METRIC: the metric key names no figure Tend computes
 * @TEND_GOAL_ERROR_INVALID_COMPARISON: neither "at-most" nor "at-least"
 * @TEND_GOAL_ERROR_INVALID_TARGET: negative, not a number, or a share above 1
 * @TEND_GOAL_ERROR_NOT_FOUND: no goal has that id
 */
typedef enum
{
  TEND_GOAL_ERROR_INVALID_METRIC,
  TEND_GOAL_ERROR_INVALID_COMPARISON,
  TEND_GOAL_ERROR_INVALID_TARGET,
  TEND_GOAL_ERROR_NOT_FOUND,
} TendGoalError;

/* Stored as these numbers in the goal table: never renumber. */
typedef enum
{
  TEND_GOAL_AT_MOST = 0,
  TEND_GOAL_AT_LEAST = 1,
} TendGoalComparison;

typedef enum
{
  TEND_GOAL_STATUS_NO_DATA,
  TEND_GOAL_STATUS_MET,
  TEND_GOAL_STATUS_NOT_MET,
} TendGoalStatus;

#define TEND_TYPE_GOAL (tend_goal_get_type ())

G_DECLARE_FINAL_TYPE (TendGoal, tend_goal, TEND, GOAL, GObject)

GQuark              tend_goal_error_quark          (void);
/* "at-most" and "at-least", as on tendctl's command line and in JSON. */
const char         *tend_goal_comparison_to_string (TendGoalComparison comparison);
gboolean            tend_goal_comparison_parse     (const char *text, TendGoalComparison *out,
                                                    GError **error);

TendGoal           *tend_goal_add                  (TendStore *store, const char *metric_key,
                                                    TendGoalComparison comparison, double target,
                                                    GError **error);
/* (element-type TendGoal): oldest first. */
GPtrArray          *tend_goal_list                 (TendStore *store, GError **error);
gboolean            tend_goal_remove               (TendStore *store, gint64 id, GError **error);

gint64              tend_goal_get_id               (TendGoal *self);
TendMetric          tend_goal_get_metric           (TendGoal *self);
TendGoalComparison  tend_goal_get_comparison       (TendGoal *self);
double              tend_goal_get_target           (TendGoal *self);
/* Seconds since the Unix epoch. */
gint64              tend_goal_get_created_at       (TendGoal *self);
/* "At most 2 days" in the words of the user's language. */
char               *tend_goal_describe             (TendGoal *self);

typedef struct
{
  TendGoal *goal;
  TendGoalStatus status;
  double value;  /* NAN without data */
  char *summary; /* "After-hours days: 2 days of at most 2 days — on track" */
} TendGoalProgress;

#define TEND_TYPE_GOAL_PROGRESS (tend_goal_progress_get_type ())

GType tend_goal_progress_get_type (void);
/* @week_in_progress: the report's week has not ended yet, so an unmet "at least" goal may still
 * be reached and a met "at most" one is "on track" rather than done. */
TendGoalProgress *tend_goal_get_progress     (TendGoal *self, TendWeekReport *report,
                                              gboolean week_in_progress);
TendGoalProgress *tend_goal_progress_copy    (const TendGoalProgress *progress);
void              tend_goal_progress_free    (TendGoalProgress *progress);
/* id, metric, comparison, target, value (null without data), status ("met", "not-met",
 * "no-data") and summary. */
json_t           *tend_goal_progress_to_json (const TendGoalProgress *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendGoalProgress, tend_goal_progress_free)

G_END_DECLS
