/* test-goal.c: goals I set myself, stored, listed, removed and measured
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tend-goal.h"
#include "tend-week-report-private.h"

typedef struct
{
  char      *dir;
  TendStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("tend-goal-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_strdup (tend_store_get_path (f->store));

  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (path, NULL));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

static TendWeekReport *
make_report (gboolean has_data, double after_hours_days)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  TendWeek        week = { 2026, 9 };
  TendWeekReport *report = _tend_week_report_new (&week, utc);

  _tend_week_report_set_has_data (report, has_data);
  _tend_week_report_set_value (report, TEND_METRIC_AFTER_HOURS_DAYS, after_hours_days);
  _tend_week_report_set_value (report, TEND_METRIC_FOCUS_HOURS, 6.0);
  return report;
}

static void
test_add_list_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendGoal) evenings = NULL;
  g_autoptr (TendGoal) focus = NULL;
  g_autoptr (GPtrArray) goals = NULL;
  g_autoptr (GPtrArray) remaining = NULL;
  g_autofree char *description = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  TendGoal        *listed;

  /* "At most two late evenings a week." */
  evenings = tend_goal_add (f->store, "after_hours_days", TEND_GOAL_AT_MOST, 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (evenings);
  g_assert_cmpint (tend_goal_get_metric (evenings), ==, TEND_METRIC_AFTER_HOURS_DAYS);
  g_assert_cmpint (tend_goal_get_comparison (evenings), ==, TEND_GOAL_AT_MOST);
  g_assert_cmpfloat (tend_goal_get_target (evenings), ==, 2.0);
  g_assert_cmpint (tend_goal_get_created_at (evenings), >=, now);
  description = tend_goal_describe (evenings);
  g_assert_cmpstr (description, ==, "Days with after-hours work: at most 2 days");

  focus = tend_goal_add (f->store, "focus_hours", TEND_GOAL_AT_LEAST, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tend_goal_get_id (focus), >, tend_goal_get_id (evenings));

  goals = tend_goal_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (goals->len, ==, 2);
  listed = g_ptr_array_index (goals, 0);
  g_assert_cmpint (tend_goal_get_id (listed), ==, tend_goal_get_id (evenings));
  g_assert_cmpint (tend_goal_get_metric (listed), ==, TEND_METRIC_AFTER_HOURS_DAYS);
  g_assert_cmpint (tend_goal_get_created_at (listed), ==, tend_goal_get_created_at (evenings));
  listed = g_ptr_array_index (goals, 1);
  g_assert_cmpint (tend_goal_get_metric (listed), ==, TEND_METRIC_FOCUS_HOURS);
  g_assert_cmpint (tend_goal_get_comparison (listed), ==, TEND_GOAL_AT_LEAST);
  g_assert_cmpfloat (tend_goal_get_target (listed), ==, 10.0);

  g_assert_true (tend_goal_remove (f->store, tend_goal_get_id (evenings), &error));
  g_assert_no_error (error);
  remaining = tend_goal_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (remaining->len, ==, 1);
  g_assert_cmpint (tend_goal_get_id (g_ptr_array_index (remaining, 0)), ==,
                   tend_goal_get_id (focus));

  /* Removing it again: there is no such goal any more. */
  g_assert_false (tend_goal_remove (f->store, tend_goal_get_id (evenings), &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_NOT_FOUND);
}

static void
test_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) goals = NULL;
  TendGoalComparison comparison;

  g_assert_null (tend_goal_add (f->store, "late_evenings", TEND_GOAL_AT_MOST, 2, &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_METRIC);
  g_assert_nonnull (strstr (error->message, "late_evenings"));
  g_clear_error (&error);

  g_assert_null (tend_goal_add (f->store, "focus_hours", TEND_GOAL_AT_LEAST, -1, &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET);
  g_clear_error (&error);
  g_assert_null (tend_goal_add (f->store, "focus_hours", TEND_GOAL_AT_LEAST, NAN, &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET);
  g_clear_error (&error);
  /* Shares run from 0 to 1: 80 is not 80 %. */
  g_assert_null (
      tend_goal_add (f->store, "answered_within_24h_share", TEND_GOAL_AT_LEAST, 80, &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET);
  g_clear_error (&error);

  g_assert_true (tend_goal_comparison_parse ("at-most", &comparison, &error));
  g_assert_cmpint (comparison, ==, TEND_GOAL_AT_MOST);
  g_assert_true (tend_goal_comparison_parse ("at-least", &comparison, &error));
  g_assert_cmpint (comparison, ==, TEND_GOAL_AT_LEAST);
  g_assert_no_error (error);
  g_assert_false (tend_goal_comparison_parse ("below", &comparison, &error));
  g_assert_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_COMPARISON);
  g_clear_error (&error);

  /* Nothing was stored by the failed attempts. */
  goals = tend_goal_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (goals->len, ==, 0);
}

static void
test_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendGoal) evenings = NULL;
  g_autoptr (TendGoal) focus = NULL;
  g_autoptr (TendWeekReport) two = make_report (TRUE, 2);
  g_autoptr (TendWeekReport) three = make_report (TRUE, 3);
  g_autoptr (TendWeekReport) empty = make_report (FALSE, 0);
  g_autoptr (TendGoalProgress) on_track = NULL;
  g_autoptr (TendGoalProgress) met = NULL;
  g_autoptr (TendGoalProgress) over = NULL;
  g_autoptr (TendGoalProgress) no_data = NULL;
  g_autoptr (TendGoalProgress) not_yet = NULL;
  g_autoptr (TendGoalProgress) not_met = NULL;
  g_autoptr (TendGoalProgress) copy = NULL;

  evenings = tend_goal_add (f->store, "after_hours_days", TEND_GOAL_AT_MOST, 2, &error);
  g_assert_no_error (error);
  focus = tend_goal_add (f->store, "focus_hours", TEND_GOAL_AT_LEAST, 10, &error);
  g_assert_no_error (error);

  /* 2 late evenings against at most 2: met, exactly at the target. */
  on_track = tend_goal_get_progress (evenings, two, TRUE);
  g_assert_cmpint (on_track->status, ==, TEND_GOAL_STATUS_MET);
  g_assert_cmpfloat (on_track->value, ==, 2.0);
  g_assert_cmpstr (on_track->summary, ==,
                   "Days with after-hours work: 2 days of at most 2 days — on track");
  met = tend_goal_get_progress (evenings, two, FALSE);
  g_assert_cmpstr (met->summary, ==,
                   "Days with after-hours work: 2 days of at most 2 days — goal met");

  over = tend_goal_get_progress (evenings, three, FALSE);
  g_assert_cmpint (over->status, ==, TEND_GOAL_STATUS_NOT_MET);
  g_assert_cmpstr (over->summary, ==,
                   "Days with after-hours work: 3 days, over the goal of at most 2 days");

  no_data = tend_goal_get_progress (evenings, empty, FALSE);
  g_assert_cmpint (no_data->status, ==, TEND_GOAL_STATUS_NO_DATA);
  g_assert_true (isnan (no_data->value));

  /* 6 h of focus against at least 10 h: not yet while the week runs, not met once it ended. */
  not_yet = tend_goal_get_progress (focus, two, TRUE);
  g_assert_cmpint (not_yet->status, ==, TEND_GOAL_STATUS_NOT_MET);
  g_assert_cmpstr (not_yet->summary, ==, "Focus time: 6.0 h of at least 10.0 h — not there yet");
  not_met = tend_goal_get_progress (focus, two, FALSE);
  g_assert_cmpstr (not_met->summary, ==, "Focus time: 6.0 h of at least 10.0 h — not met");

  copy = tend_goal_progress_copy (on_track);
  g_assert_true (copy->goal == evenings);
  g_assert_cmpstr (copy->summary, ==, on_track->summary);
}

static void
test_json (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendGoal) evenings = NULL;
  g_autoptr (TendWeekReport) two = make_report (TRUE, 2);
  g_autoptr (TendWeekReport) empty = make_report (FALSE, 0);
  g_autoptr (TendGoalProgress) met = NULL;
  g_autoptr (TendGoalProgress) no_data = NULL;
  json_t *object;

  evenings = tend_goal_add (f->store, "after_hours_days", TEND_GOAL_AT_MOST, 2, &error);
  g_assert_no_error (error);

  met = tend_goal_get_progress (evenings, two, FALSE);
  object = tend_goal_progress_to_json (met);
  g_assert_cmpint (json_integer_value (json_object_get (object, "id")), ==,
                   tend_goal_get_id (evenings));
  g_assert_cmpstr (json_string_value (json_object_get (object, "metric")), ==, "after_hours_days");
  g_assert_cmpstr (json_string_value (json_object_get (object, "comparison")), ==, "at-most");
  g_assert_cmpfloat (json_number_value (json_object_get (object, "target")), ==, 2.0);
  g_assert_cmpfloat (json_number_value (json_object_get (object, "value")), ==, 2.0);
  g_assert_cmpstr (json_string_value (json_object_get (object, "status")), ==, "met");
  g_assert_cmpstr (json_string_value (json_object_get (object, "summary")), ==, met->summary);
  json_decref (object);

  no_data = tend_goal_get_progress (evenings, empty, FALSE);
  object = tend_goal_progress_to_json (no_data);
  g_assert_true (json_is_null (json_object_get (object, "value")));
  g_assert_cmpstr (json_string_value (json_object_get (object, "status")), ==, "no-data");
  json_decref (object);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/goal/add-list-remove", test_add_list_remove);
  ADD ("/goal/invalid", test_invalid);
  ADD ("/goal/progress", test_progress);
  ADD ("/goal/json", test_json);
#undef ADD

  return g_test_run ();
}
