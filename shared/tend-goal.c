/* tend-goal.c: goals I set myself, and how a week measures up to them
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-goal"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-goal.h"
#include "tend-store-private.h"

struct _TendGoal
{
  GObject parent_instance;

  gint64             id;
  TendMetric         metric;
  TendGoalComparison comparison;
  double             target;
  gint64             created_at;
};

G_DEFINE_FINAL_TYPE (TendGoal, tend_goal, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend_goal_error_quark, tend_goal_error)

G_DEFINE_BOXED_TYPE (TendGoalProgress, tend_goal_progress, tend_goal_progress_copy,
                     tend_goal_progress_free)

/* Figures are sums of floating-point hours and shares, so a value a hair's breadth from the
 * target (2.0000000001 days) counts as equal to it. */
#define GOAL_EPSILON 1e-6

static void
tend_goal_class_init (TendGoalClass *klass)
{
}

static void
tend_goal_init (TendGoal *self)
{
}

static TendGoal *
goal_new (gint64 id, TendMetric metric, TendGoalComparison comparison, double target,
          gint64 created_at)
{
  TendGoal *self = g_object_new (TEND_TYPE_GOAL, NULL);

  self->id = id;
  self->metric = metric;
  self->comparison = comparison;
  self->target = target;
  self->created_at = created_at;
  return self;
}

const char *
tend_goal_comparison_to_string (TendGoalComparison comparison)
{
  switch (comparison)
    {
    case TEND_GOAL_AT_MOST:
      return "at-most";
    case TEND_GOAL_AT_LEAST:
      return "at-least";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tend_goal_comparison_parse (const char *text, TendGoalComparison *out, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (g_str_equal (text, "at-most"))
    *out = TEND_GOAL_AT_MOST;
  else if (g_str_equal (text, "at-least"))
    *out = TEND_GOAL_AT_LEAST;
  else
    {
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_COMPARISON,
                   /* Translators: “at-most” and “at-least” are literal arguments: keep them. */
                   _ ("“%s” is neither “at-most” nor “at-least”"), text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_target (TendMetric metric, double target, GError **error)
{
  if (!isfinite (target) || target < 0.0)
    {
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET,
                   _ ("A goal’s target must be a number of zero or more"));
      return FALSE;
    }
  if (tend_metric_get_unit (metric) == TEND_UNIT_SHARE && target > 1.0)
    {
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET,
                   /* Translators: %s is the name of a figure, such as “Recurring meetings”. */
                   _ ("%s is a share: give the target between 0 and 1 (0.8 for 80 %%)"),
                   tend_metric_get_title (metric));
      return FALSE;
    }
  return TRUE;
}

TendGoal *
tend_goal_add (TendStore *store, const char *metric_key, TendGoalComparison comparison,
               double target, GError **error)
{
  sqlite3_stmt *stmt;
  TendMetric    metric;
  gint64        now;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (metric_key != NULL, NULL);
  g_return_val_if_fail (comparison == TEND_GOAL_AT_MOST || comparison == TEND_GOAL_AT_LEAST, NULL);

  if (!tend_metric_from_key (metric_key, &metric))
    {
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_METRIC,
                   _ ("“%s” is not a figure Tend computes"), metric_key);
      return NULL;
    }
  if (!validate_target (metric, target, error))
    return NULL;

  stmt = _tend_store_prepare (store,
                              "INSERT INTO goal (metric, comparison, target, created_at)"
                              " VALUES (?1, ?2, ?3, ?4)",
                              error);
  if (stmt == NULL)
    return NULL;
  now = g_get_real_time () / G_USEC_PER_SEC;
  /* The key rather than the enum's number, so that reordering TendMetric keeps goals intact. */
  sqlite3_bind_text (stmt, 1, tend_metric_get_key (metric), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, comparison);
  sqlite3_bind_double (stmt, 3, target);
  sqlite3_bind_int64 (stmt, 4, now);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tend_store_set_error (store, rc, error);
      return NULL;
    }

  return goal_new (sqlite3_last_insert_rowid (_tend_store_get_db (store)), metric, comparison,
                   target, now);
}

GPtrArray *
tend_goal_list (TendStore *store, GError **error)
{
  g_autoptr (GPtrArray) goals = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);

  stmt = _tend_store_prepare (store,
                              "SELECT id, metric, comparison, target, created_at FROM goal"
                              " ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 1);
      int         comparison = sqlite3_column_int (stmt, 2);
      TendMetric  metric;

      /* A goal written by a newer Tend may name a figure or comparison this one lacks: it stays
       * in the database for that version and is left out here. */
      if (key == NULL || !tend_metric_from_key (key, &metric)
          || (comparison != TEND_GOAL_AT_MOST && comparison != TEND_GOAL_AT_LEAST))
        {
          g_debug ("Skipping goal %" G_GINT64_FORMAT " this version cannot read",
                   (gint64) sqlite3_column_int64 (stmt, 0));
          continue;
        }
      g_ptr_array_add (goals,
                       goal_new (sqlite3_column_int64 (stmt, 0), metric, comparison,
                                 sqlite3_column_double (stmt, 3), sqlite3_column_int64 (stmt, 4)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tend_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&goals);
}

gboolean
tend_goal_remove (TendStore *store, gint64 id, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);

  stmt = _tend_store_prepare (store, "DELETE FROM goal WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  if (sqlite3_changes (_tend_store_get_db (store)) == 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      /* Translators: %s is a goal's number, as `tendctl goal list` shows it. */
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_NOT_FOUND, _ ("There is no goal %s"),
                   number);
      return FALSE;
    }
  return TRUE;
}

gint64
tend_goal_get_id (TendGoal *self)
{
  g_return_val_if_fail (TEND_IS_GOAL (self), 0);

  return self->id;
}

TendMetric
tend_goal_get_metric (TendGoal *self)
{
  g_return_val_if_fail (TEND_IS_GOAL (self), TEND_N_METRICS);

  return self->metric;
}

TendGoalComparison
tend_goal_get_comparison (TendGoal *self)
{
  g_return_val_if_fail (TEND_IS_GOAL (self), TEND_GOAL_AT_MOST);

  return self->comparison;
}

double
tend_goal_get_target (TendGoal *self)
{
  g_return_val_if_fail (TEND_IS_GOAL (self), NAN);

  return self->target;
}

gint64
tend_goal_get_created_at (TendGoal *self)
{
  g_return_val_if_fail (TEND_IS_GOAL (self), 0);

  return self->created_at;
}

char *
tend_goal_describe (TendGoal *self)
{
  g_autofree char *target = NULL;

  g_return_val_if_fail (TEND_IS_GOAL (self), NULL);

  target = tend_metric_format_value (self->metric, self->target);
  if (self->comparison == TEND_GOAL_AT_MOST)
    /* Translators: a goal; %1$s is a figure's name, %2$s its target (“2 days”). */
    return g_strdup_printf (_ ("%1$s: at most %2$s"), tend_metric_get_title (self->metric), target);
  /* Translators: a goal; %1$s is a figure's name, %2$s its target (“10 h”). */
  return g_strdup_printf (_ ("%1$s: at least %2$s"), tend_metric_get_title (self->metric), target);
}

static char *
summarize (TendGoal *goal, TendGoalStatus status, double value, gboolean week_in_progress)
{
  const char      *title = tend_metric_get_title (goal->metric);
  g_autofree char *target = tend_metric_format_value (goal->metric, goal->target);
  g_autofree char *current = NULL;
  gboolean         at_most = goal->comparison == TEND_GOAL_AT_MOST;

  if (status == TEND_GOAL_STATUS_NO_DATA)
    {
      if (at_most)
        /* Translators: %1$s is a figure's name, %2$s the goal's target (“2 days”). */
        return g_strdup_printf (_ ("%1$s: no figure this week (goal: at most %2$s)"), title,
                                target);
      /* Translators: %1$s is a figure's name, %2$s the goal's target (“10 h”). */
      return g_strdup_printf (_ ("%1$s: no figure this week (goal: at least %2$s)"), title, target);
    }

  current = tend_metric_format_value (goal->metric, value);

  /* One sentence per status, comparison and state of the week, each whole for translators. */
  if (at_most && status == TEND_GOAL_STATUS_MET && week_in_progress)
    /* Translators: %1$s is a figure's name, %2$s its value so far this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s of at most %3$s — on track"), title, current, target);
  if (at_most && status == TEND_GOAL_STATUS_MET)
    /* Translators: %1$s is a figure's name, %2$s its value this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s of at most %3$s — goal met"), title, current, target);
  if (at_most && week_in_progress)
    /* Translators: %1$s is a figure's name, %2$s its value so far this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s, over the goal of at most %3$s so far"), title, current,
                            target);
  if (at_most)
    /* Translators: %1$s is a figure's name, %2$s its value this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s, over the goal of at most %3$s"), title, current,
                            target);
  if (status == TEND_GOAL_STATUS_MET)
    /* Translators: %1$s is a figure's name, %2$s its value this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s of at least %3$s — goal met"), title, current, target);
  if (week_in_progress)
    /* Translators: %1$s is a figure's name, %2$s its value so far this week, %3$s the target. */
    return g_strdup_printf (_ ("%1$s: %2$s of at least %3$s — not there yet"), title, current,
                            target);
  /* Translators: %1$s is a figure's name, %2$s its value this week, %3$s the target. */
  return g_strdup_printf (_ ("%1$s: %2$s of at least %3$s — not met"), title, current, target);
}

TendGoalProgress *
tend_goal_get_progress (TendGoal *self, TendWeekReport *report, gboolean week_in_progress)
{
  TendGoalProgress *progress;
  double            value = NAN;

  g_return_val_if_fail (TEND_IS_GOAL (self), NULL);
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (report), NULL);

  if (tend_week_report_has_data (report))
    value = tend_week_report_get_value (report, self->metric);

  progress = g_new0 (TendGoalProgress, 1);
  progress->goal = g_object_ref (self);
  progress->value = value;
  if (!isfinite (value))
    progress->status = TEND_GOAL_STATUS_NO_DATA;
  else if (self->comparison == TEND_GOAL_AT_MOST)
    progress->status
        = value <= self->target + GOAL_EPSILON ? TEND_GOAL_STATUS_MET : TEND_GOAL_STATUS_NOT_MET;
  else
    progress->status
        = value >= self->target - GOAL_EPSILON ? TEND_GOAL_STATUS_MET : TEND_GOAL_STATUS_NOT_MET;
  progress->summary = summarize (self, progress->status, value, week_in_progress);
  return progress;
}

TendGoalProgress *
tend_goal_progress_copy (const TendGoalProgress *progress)
{
  TendGoalProgress *copy;

  g_return_val_if_fail (progress != NULL, NULL);

  copy = g_new0 (TendGoalProgress, 1);
  copy->goal = g_object_ref (progress->goal);
  copy->status = progress->status;
  copy->value = progress->value;
  copy->summary = g_strdup (progress->summary);
  return copy;
}

void
tend_goal_progress_free (TendGoalProgress *progress)
{
  if (progress == NULL)
    return;
  g_object_unref (progress->goal);
  g_free (progress->summary);
  g_free (progress);
}

json_t *
tend_goal_progress_to_json (const TendGoalProgress *progress)
{
  static const char *const statuses[] = {
    [TEND_GOAL_STATUS_NO_DATA] = "no-data",
    [TEND_GOAL_STATUS_MET] = "met",
    [TEND_GOAL_STATUS_NOT_MET] = "not-met",
  };
  TendGoal *goal;
  json_t   *object;

  g_return_val_if_fail (progress != NULL, NULL);

  goal = progress->goal;
  object = json_object ();
  json_object_set_new (object, "id", json_integer (goal->id));
  json_object_set_new (object, "metric", json_string (tend_metric_get_key (goal->metric)));
  json_object_set_new (object, "comparison",
                       json_string (tend_goal_comparison_to_string (goal->comparison)));
  json_object_set_new (object, "target", tend_metric_value_to_json (goal->metric, goal->target));
  json_object_set_new (object, "value", tend_metric_value_to_json (goal->metric, progress->value));
  json_object_set_new (object, "status", json_string (statuses[progress->status]));
  json_object_set_new (object, "summary", json_string (progress->summary));
  return object;
}
