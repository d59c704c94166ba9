/* test-coach-view.c: the coach's nudges and my goals on the week page, acted on through the real
 * agent on a private bus
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-coach-view"

#include "config.h"

#include <adwaita.h>
#include <gtk/gtk.h>
#include <string.h>

#include "tend-dbus.h"
#include "tend-demo.h"
#include "tend-goal-dialog.h"
#include "tend-goal-row.h"
#include "tend-goal.h"
#include "tend-nudge-row.h"
#include "tend-store.h"
#include "tend-test-ui.h"
#include "tend-test-util.h"
#include "tend-test-week.h"
#include "tend-week-page.h"

/* The demo history ends on Wednesday 2026-03-04, 12:00 UTC, in week 2026-W10. */
#define DEMO_NOW "2026-03-04T12:00:00Z"
#define DEMO_WEEKS 20
#define DEMO_SEED 7
/* Long enough for a loaded machine, short enough to fail rather than hang. */
#define WAIT_SECONDS 60

static gboolean have_display;

/* What the window does on the agent's DataChanged, counted. */
typedef struct
{
  TendWeekPage *page;
  guint         changes;
} Follower;

static void
data_changed_cb (TendDBusAgent1 *agent, Follower *follower)
{
  follower->changes++;
  tend_week_page_reload (follower->page);
}

/* Waits for the agent's DataChanged after @before and for the week it reloads. */
static void
wait_for_change (Follower *follower, guint before)
{
  TEND_TEST_UI_WAIT_UNTIL (follower->changes != before
                               && !tend_week_page_get_loading (follower->page),
                           WAIT_SECONDS, "DataChanged");
}

static GPtrArray *
nudge_rows (TendWeekPage *page)
{
  GPtrArray *rows = g_ptr_array_new ();

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
  return rows;
}

static gboolean
has_nudge (GPtrArray *nudges, const char *id)
{
  for (guint i = 0; i < nudges->len; i++)
    if (g_str_equal (tend_nudge_get_id (g_ptr_array_index (nudges, i)), id))
      return TRUE;
  return FALSE;
}

/* The nudge ids of @week's advice, joined: a fingerprint to compare before and after. */
static char *
advice_of (const char *path, const TendWeek *week)
{
  g_autoptr (GPtrArray) nudges = tend_test_week_expected_nudges (path, week, NULL);
  g_autoptr (GString) ids = g_string_new (NULL);

  for (guint i = 0; i < nudges->len; i++)
    g_string_append_printf (ids, "%s ", tend_nudge_get_id (g_ptr_array_index (nudges, i)));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static GPtrArray *
stored_goals (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  GPtrArray *goals;

  g_assert_no_error (error);
  goals = tend_goal_list (store, &error);
  g_assert_no_error (error);
  return goals;
}

static TendGoalDialog *
find_goal_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (TEND_IS_GOAL_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return TEND_GOAL_DIALOG (window);
    }
  return NULL;
}

/* Adds a goal as a person would: Add Goal…, pick the figure, keep or change the direction the
 * dialog suggests, type the target, Add. */
static void
add_goal_through_dialog (TendWeekPage *page, Follower *follower, TendMetric metric,
                         TendGoalComparison comparison, double target, const char *png)
{
  GtkWidget      *add = tend_test_week_find_action_button (GTK_WIDGET (page), "week.add-goal");
  TendGoalDialog *dialog;
  GtkWidget      *metric_row;
  GtkWidget      *comparison_row;
  GListModel     *metrics;
  guint           before = follower->changes;
  guint           timeout;

  g_assert_true (gtk_widget_is_sensitive (add));
  tend_test_week_click (add);
  dialog = find_goal_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog))
                 == GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 5);

  /* The figures on offer are named as on the cards; the chosen one sets the unit. */
  {
    g_autoptr (GPtrArray) combos = g_ptr_array_new ();

    tend_test_week_collect (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, combos);
    g_assert_cmpuint (combos->len, ==, 2);
    metric_row = g_ptr_array_index (combos, 0);
    comparison_row = g_ptr_array_index (combos, 1);
  }
  metrics = adw_combo_row_get_model (ADW_COMBO_ROW (metric_row));
  for (guint i = 0; i < g_list_model_get_n_items (metrics); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (metrics), i),
                     tend_metric_get_title (metric)))
      adw_combo_row_set_selected (ADW_COMBO_ROW (metric_row), i);
  g_assert_cmpint (tend_goal_dialog_get_metric (dialog), ==, metric);
  /* The direction that is good for the figure comes first. */
  g_assert_cmpint (tend_goal_dialog_get_comparison (dialog), ==,
                   tend_metric_get_polarity (metric) == TEND_POLARITY_HIGHER_IS_BETTER
                       ? TEND_GOAL_AT_LEAST
                       : TEND_GOAL_AT_MOST);
  adw_combo_row_set_selected (ADW_COMBO_ROW (comparison_row), comparison);
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (tend_test_week_find_type (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON)),
      target);
  g_assert_cmpfloat (tend_goal_dialog_get_target (dialog), ==, target);
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (dialog)), >=, 5);
  tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 5);
  if (png != NULL)
    tend_test_ui_save_png (GTK_WIDGET (dialog), png);

  tend_test_week_click (tend_test_week_find_action_button (GTK_WIDGET (dialog), "goal-dialog.add"));
  /* The dialog closes once the agent has written the goal; DataChanged shows it. */
  timeout
      = g_timeout_add_seconds (WAIT_SECONDS, tend_test_ui_timeout_cb, (gpointer) "the goal dialog");
  while (dialog != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  wait_for_change (follower, before);
}

static void
test_coach_view (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *path = g_build_filename (data, "tend", "tend.db", NULL);
  g_autoptr (GSubprocess) agent = NULL;
  g_autoptr (TendDBusAgent1) proxy = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  g_autoptr (GPtrArray) others_before = g_ptr_array_new_with_free_func (g_free);
  Follower         follower = { 0 };
  GtkWidget       *window;
  TendWeekPage    *page;
  TendWeek         w09;
  g_autofree char *dismissed = NULL;
  g_autofree char *next = NULL;
  g_autofree char *snoozed = NULL;

  if (!tend_test_ui_can_run_agent (have_display))
    return;

  /* The agent of a person who opted in, with a history in their own database. */
  agent = tend_test_spawn_agent (home, config, data, NULL);
  proxy = tend_test_ui_agent_proxy ();
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (proxy, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  {
    g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);

    g_assert_no_error (error);
    g_assert_true (tend_demo_generate (store, DEMO_SEED, DEMO_WEEKS, now, utc, &error));
    g_assert_no_error (error);
  }
  g_assert_true (tend_week_parse ("2026-W09", &w09, NULL));
  for (int i = -4; i <= 1; i++)
    {
      TendWeek week;

      tend_week_add (&w09, i, &week);
      g_ptr_array_add (others_before, advice_of (path, &week));
    }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 860);
  page = TEND_WEEK_PAGE (tend_week_page_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  follower.page = page;
  g_signal_connect (proxy, "data-changed", G_CALLBACK (data_changed_cb), &follower);

  /* Until the agent is known nothing can be changed, and the page says why. */
  tend_week_page_set_database (page, path, FALSE);
  tend_week_page_set_week (page, &w09);
  tend_test_week_wait_for_report (page);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "report");
  g_assert_cmpuint (tend_test_week_assert_nudges (page, path, &w09), >=, 2);
  tend_test_week_assert_locked (
      page, "Tend’s agent is not running, so nudges and goals cannot be changed now.");
  g_object_set (page, "agent", proxy, NULL);
  g_assert_true (tend_week_page_get_agent (page) == proxy);
  g_assert_true (gtk_widget_is_sensitive (
      tend_test_week_find_action_button (GTK_WIDGET (page), "week.add-goal")));
  tend_test_week_assert_rows_accessible (page);
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (window), >=, 5);

  /* Dismiss: the nudge goes at once, the agent writes it, and after DataChanged the coach no
   * longer gives it for this week. Other weeks keep their advice. */
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    GtkWidget *row = g_ptr_array_index (rows, 0);
    GtkWidget *button = tend_test_week_find_action_button (row, "nudge.dismiss");
    guint      before = follower.changes;

    dismissed = g_strdup (tend_nudge_get_id (tend_nudge_row_get_nudge (TEND_NUDGE_ROW (row))));
    next = g_strdup (tend_nudge_get_id (
        tend_nudge_row_get_nudge (TEND_NUDGE_ROW (g_ptr_array_index (rows, 1)))));
    g_assert_true (gtk_widget_is_sensitive (button));
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
    tend_test_ui_wait_for_frames (window, 3);
    /* From the keyboard: the focus moves on to the next nudge, and stays on it when the week
     * is shown again. */
    g_assert_true (gtk_widget_grab_focus (button));
    tend_test_week_click (button);
    g_assert_false (gtk_widget_get_visible (row));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                           g_ptr_array_index (rows, 1)));
    wait_for_change (&follower, before);
  }
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    gboolean   kept = FALSE;

    for (guint i = 0; i < rows->len; i++)
      if (focus != NULL && gtk_widget_is_ancestor (focus, g_ptr_array_index (rows, i)))
        kept = g_str_equal (
            tend_nudge_get_id (tend_nudge_row_get_nudge (g_ptr_array_index (rows, i))), next);
    g_assert_true (kept);
  }
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    g_autoptr (GPtrArray) advice = tend_test_week_expected_nudges (path, &w09, NULL);

    g_assert_false (has_nudge (advice, dismissed));
    for (guint i = 0; i < rows->len; i++)
      g_assert_cmpstr (tend_nudge_get_id (tend_nudge_row_get_nudge (g_ptr_array_index (rows, i))),
                       !=, dismissed);
    tend_test_week_assert_nudges (page, path, &w09);
  }
  for (int i = -4; i <= 1; i++)
    {
      TendWeek         week;
      g_autofree char *after = NULL;

      if (i == 0)
        continue;
      tend_week_add (&w09, i, &week);
      after = advice_of (path, &week);
      g_assert_cmpstr (after, ==, g_ptr_array_index (others_before, i + 4));
    }

  /* Snooze for a week (the menu's first item): gone from this week, and the weeks before it
   * still show what they showed. */
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    GtkWidget *row = g_ptr_array_index (rows, 0);
    GtkWidget *menu = tend_test_week_find_type (row, GTK_TYPE_MENU_BUTTON);
    guint      before = follower.changes;

    snoozed = g_strdup (tend_nudge_get_id (tend_nudge_row_get_nudge (TEND_NUDGE_ROW (row))));
    g_assert_true (gtk_widget_is_sensitive (menu));
    g_assert_true (gtk_widget_activate_action (row, "nudge.snooze", "u", 1));
    g_assert_false (gtk_widget_get_visible (row));
    wait_for_change (&follower, before);
  }
  {
    g_autoptr (GPtrArray) advice = tend_test_week_expected_nudges (path, &w09, NULL);

    g_assert_false (has_nudge (advice, snoozed));
    g_assert_false (has_nudge (advice, dismissed));
    tend_test_week_assert_nudges (page, path, &w09);
  }
  for (int i = -4; i < 0; i++)
    {
      TendWeek         week;
      g_autofree char *after = NULL;

      tend_week_add (&w09, i, &week);
      after = advice_of (path, &week);
      g_assert_cmpstr (after, ==, g_ptr_array_index (others_before, i + 4));
    }

  /* Goals: added through the dialog, written by the agent, shown with their progress. */
  g_assert_true (tend_test_week_label_shown (
      GTK_WIDGET (page), "No goals yet. A goal is a weekly limit or aim of your own, such as at "
                         "most two late evenings."));
  add_goal_through_dialog (page, &follower, TEND_METRIC_AFTER_HOURS_DAYS, TEND_GOAL_AT_MOST, 2,
                           "goal-dialog.png");
  {
    g_autoptr (GPtrArray) goals = stored_goals (path);
    TendGoal *goal;

    g_assert_cmpuint (goals->len, ==, 1);
    goal = g_ptr_array_index (goals, 0);
    g_assert_cmpint (tend_goal_get_metric (goal), ==, TEND_METRIC_AFTER_HOURS_DAYS);
    g_assert_cmpint (tend_goal_get_comparison (goal), ==, TEND_GOAL_AT_MOST);
    g_assert_cmpfloat (tend_goal_get_target (goal), ==, 2);
  }
  add_goal_through_dialog (page, &follower, TEND_METRIC_FOCUS_HOURS, TEND_GOAL_AT_LEAST, 12.5,
                           NULL);
  g_assert_cmpuint (stored_goals (path)->len, ==, 2);
  tend_test_week_assert_goals (page, path, &w09, FALSE);
  tend_test_week_assert_rows_accessible (page);

  /* The pictures: the nudges open, one with its reason, and the goals below. */
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    GtkWidget *why;

    for (guint i = 0; i < rows->len; i++)
      adw_expander_row_set_expanded (g_ptr_array_index (rows, i), TRUE);
    why = tend_test_week_find_type (g_ptr_array_index (rows, 0), GTK_TYPE_TOGGLE_BUTTON);
    tend_test_week_click (why);
    tend_test_ui_wait_for_frames (window, 5);
    g_assert_cmpuint (tend_test_ui_assert_controls_accessible (window), >=, 3 * rows->len + 1);
    tend_test_week_save_view (window, page, g_ptr_array_index (rows, 0), "coach");
    tend_test_week_save_view (
        window, page, tend_test_week_find_type (GTK_WIDGET (page), TEND_TYPE_GOAL_ROW), "goals");
  }

  /* Remove: the row goes at once, and the agent's database loses the goal. */
  {
    g_autoptr (GPtrArray) rows = g_ptr_array_new ();
    GtkWidget *row;
    gint64     removed;
    guint      before = follower.changes;

    tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_GOAL_ROW, rows);
    g_assert_cmpuint (rows->len, ==, 2);
    row = g_ptr_array_index (rows, 0);
    removed = tend_goal_get_id (tend_goal_row_get_goal (TEND_GOAL_ROW (row)));
    tend_test_week_click (tend_test_week_find_action_button (row, "goal.remove"));
    g_assert_false (gtk_widget_get_visible (row));
    wait_for_change (&follower, before);

    g_ptr_array_set_size (rows, 0);
    tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_GOAL_ROW, rows);
    g_assert_cmpuint (rows->len, ==, 1);
    {
      g_autoptr (GPtrArray) goals = stored_goals (path);

      g_assert_cmpuint (goals->len, ==, 1);
      g_assert_cmpint (tend_goal_get_id (g_ptr_array_index (goals, 0)), !=, removed);
    }
    tend_test_week_assert_goals (page, path, &w09, FALSE);
  }

  /* The demo is read-only even with the agent running. */
  tend_week_page_set_database (page, path, TRUE);
  tend_test_week_wait_for_report (page);
  tend_test_week_assert_locked (
      page, "The demo’s figures are invented and read-only: its nudges and goals cannot be "
            "changed.");
  tend_week_page_set_database (page, path, FALSE);
  tend_test_week_wait_for_report (page);

  /* The agent gone mid-click: the nudge comes back, with the reason above the list. */
  tend_test_ui_stop_agent (agent);
  {
    g_autoptr (GPtrArray) rows = nudge_rows (page);
    GtkWidget       *row = g_ptr_array_index (rows, 0);
    const char      *title = tend_nudge_get_title (tend_nudge_row_get_nudge (TEND_NUDGE_ROW (row)));
    g_autofree char *prefix = g_strdup_printf ("Could not dismiss “%s”: ", title);
    GtkWidget       *error_label = NULL;
    guint            timeout;

    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_week_click (tend_test_week_find_action_button (row, "nudge.dismiss"));
    timeout = g_timeout_add_seconds (WAIT_SECONDS, tend_test_ui_timeout_cb, (gpointer) "the error");
    while (!gtk_widget_get_visible (row))
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (timeout);
    {
      g_autoptr (GPtrArray) labels = g_ptr_array_new ();

      tend_test_week_collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
      for (guint i = 0; i < labels->len; i++)
        if (g_str_has_prefix (gtk_label_get_label (g_ptr_array_index (labels, i)), prefix))
          error_label = g_ptr_array_index (labels, i);
    }
    g_assert_nonnull (error_label);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)) + strlen (prefix), ==,
                     "Tend’s agent did not answer. Try again once it is running.");
    g_assert_true (gtk_widget_get_visible (error_label));
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_ui_save_png (window, "coach-error.png");
  }
  /* A goal the agent cannot take keeps its dialog open, with the reason, until cancelled. */
  {
    TendGoalDialog *dialog;
    GtkWidget      *error_label;
    guint           timeout;

    tend_test_week_click (tend_test_week_find_action_button (GTK_WIDGET (page), "week.add-goal"));
    dialog = find_goal_dialog ();
    g_assert_nonnull (dialog);
    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 5);
    tend_test_week_click (
        tend_test_week_find_action_button (GTK_WIDGET (dialog), "goal-dialog.add"));
    timeout = g_timeout_add_seconds (WAIT_SECONDS, tend_test_ui_timeout_cb,
                                     (gpointer) "the dialog's error");
    while ((error_label = tend_test_week_find_label (
                GTK_WIDGET (dialog), "Could not add the goal: Tend’s agent did not answer. Try "
                                     "again once it is running."))
               == NULL
           || !gtk_widget_get_visible (error_label))
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (timeout);
    g_assert_nonnull (dialog);
    g_assert_true (gtk_widget_is_sensitive (
        tend_test_week_find_action_button (GTK_WIDGET (dialog), "goal-dialog.add")));
    tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 5);
    tend_test_ui_save_png (GTK_WIDGET (dialog), "goal-dialog-error.png");
    tend_test_week_click (tend_test_week_find_action_button (GTK_WIDGET (dialog), "window.close"));
    timeout = g_timeout_add_seconds (WAIT_SECONDS, tend_test_ui_timeout_cb,
                                     (gpointer) "the dialog to close");
    while (dialog != NULL)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (timeout);
    g_assert_cmpuint (stored_goals (path)->len, ==, 1);
  }

  /* The window then tells the page the agent is gone. */
  tend_week_page_set_agent (page, NULL);
  tend_test_week_assert_locked (
      page, "Tend’s agent is not running, so nudges and goals cannot be changed now.");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = tend_test_ui_set_home ("tend-coach-view-XXXXXX");
  int              status;

  /* Weeks and the demo's days in UTC, whatever the machine's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  have_display = tend_test_ui_init (&argc, &argv);
  g_test_add_func ("/coach-view/nudges-and-goals", test_coach_view);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
