/* tend-test-week.c: what the tests of the week page, its nudges and goals share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "tend-test-week.h"

#include "tend-coach.h"
#include "tend-goal-row.h"
#include "tend-goal.h"
#include "tend-insights.h"
#include "tend-store.h"
#include "tend-test-ui.h"

/* Longest wait for a report or a click before the test fails, in seconds. */
#define WAIT_SECONDS 60

/* The page's widgets, found by walking its tree: the page keeps them private. */
void
tend_test_week_collect (GtkWidget *widget, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    tend_test_week_collect (child, type, found);
}

GtkWidget *
tend_test_week_find_type (GtkWidget *root, GType type)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();

  tend_test_week_collect (root, type, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static gboolean
report_timeout_cb (gpointer user_data)
{
  g_error ("Nothing happened in %d s", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

void
tend_test_week_wait_for_report (TendWeekPage *page)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, report_timeout_cb, NULL);

  while (tend_week_page_get_loading (page))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* The page's own stack, among those of popover menus. */
const char *
tend_test_week_visible_page (TendWeekPage *page)
{
  g_autoptr (GPtrArray) stacks = g_ptr_array_new ();

  tend_test_week_collect (GTK_WIDGET (page), GTK_TYPE_STACK, stacks);
  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_child_by_name (g_ptr_array_index (stacks, i), "report") != NULL)
      return gtk_stack_get_visible_child_name (g_ptr_array_index (stacks, i));
  g_error ("The page has no stack");
}

/* Scrolls the report so that @widget is at the top of the view, as a person would to read it. */
void
tend_test_week_scroll_to (TendWeekPage *page, GtkWidget *widget)
{
  GtkWidget     *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  GtkWidget     *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t point;

  /* In the content's own coordinates, which do not move as it scrolls. */
  g_assert_true (gtk_widget_compute_point (widget, gtk_viewport_get_child (GTK_VIEWPORT (viewport)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, point.y - 12);
}

/* A mapped label of @root showing @text: what a person sees now. */
GtkWidget *
tend_test_week_find_label (GtkWidget *root, const char *text)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  tend_test_week_collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
      return g_ptr_array_index (labels, i);
  return NULL;
}

gboolean
tend_test_week_label_shown (GtkWidget *root, const char *text)
{
  GtkWidget *label = tend_test_week_find_label (root, text);

  return label != NULL && gtk_widget_get_mapped (label);
}

static void
clicked_cb (GtkButton *button, gboolean *clicked)
{
  *clicked = TRUE;
}

/* Presses @button as the keyboard's Space does: GTK holds it down for a moment before the
 * click. */
void
tend_test_week_click (GtkWidget *widget)
{
  /* Kept until the end: a click may close the window the button is in. */
  g_autoptr (GtkWidget) button = g_object_ref (widget);
  gboolean clicked = FALSE;
  gulong   handler = g_signal_connect (button, "clicked", G_CALLBACK (clicked_cb), &clicked);
  guint    timeout = g_timeout_add_seconds (WAIT_SECONDS, report_timeout_cb, NULL);

  /* Only what is on screen can be pressed. */
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
  while (!clicked)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_signal_handler_disconnect (button, handler);
}

/* The button of @root that runs @action_name, or NULL. */
GtkWidget *
tend_test_week_find_action_button (GtkWidget *root, const char *action_name)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();

  tend_test_week_collect (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action_name)
        == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

TendWeekReport *
tend_test_week_compute_report (const char *path, const TendWeek *week, TendStore **store_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_autoptr (TendInsights) insights = NULL;
  TendWeekReport *report;

  g_assert_no_error (error);
  insights = tend_insights_new_for_user (store, &error);
  g_assert_no_error (error);
  report = tend_insights_compute (insights, week, &error);
  g_assert_no_error (error);
  if (store_out != NULL)
    *store_out = g_steal_pointer (&store);
  return report;
}

/* The coach's advice and the goals' progress for @week, computed here apart from the page. */
GPtrArray *
tend_test_week_expected_nudges (const char *path, const TendWeek *week, TendWeekReport **report_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendWeekReport) report = tend_test_week_compute_report (path, week, &store);
  g_autoptr (TendCoach) coach = NULL;
  GPtrArray *nudges;

  coach = tend_coach_new (store);
  nudges = tend_coach_advise (coach, report, &error);
  g_assert_no_error (error);
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return nudges;
}

/* The page's nudges are the coach's for the week, in its order, each expandable to its
 * explanation, evidence and suggestion, and to the rule behind it. Returns how many. */
guint
tend_test_week_assert_nudges (TendWeekPage *page, const char *path, const TendWeek *week)
{
  g_autoptr (GPtrArray) expected = tend_test_week_expected_nudges (path, week, NULL);
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
  g_assert_cmpuint (rows->len, ==, expected->len);
  for (guint i = 0; i < rows->len; i++)
    {
      TendNudgeRow    *row = g_ptr_array_index (rows, i);
      TendNudge       *nudge = g_ptr_array_index (expected, i);
      g_autofree char *title = g_markup_escape_text (tend_nudge_get_title (nudge), -1);

      g_assert_cmpstr (tend_nudge_get_id (tend_nudge_row_get_nudge (row)), ==,
                       tend_nudge_get_id (nudge));
      /* The row's title is markup. */
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
    }
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (page), "No suggestions this week")
                 == (rows->len == 0));
  return rows->len;
}

void
tend_test_week_assert_nudge_expands (TendNudgeRow *row, GtkWidget *window)
{
  TendNudge       *nudge = tend_nudge_row_get_nudge (row);
  g_autofree char *suggestion = g_strdup_printf ("Try: %s", tend_nudge_get_suggestion (nudge));
  GtkWidget       *why;

  /* Folded, the row shows its title and kind only. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
  tend_test_ui_wait_for_frames (window, 3);
  g_assert_false (
      tend_test_week_label_shown (GTK_WIDGET (row), tend_nudge_get_explanation (nudge)));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  tend_test_ui_wait_for_frames (window, 3);
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (row), tend_nudge_get_explanation (nudge)));
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (row), tend_nudge_get_evidence (nudge)));
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (row), suggestion));

  /* "Why am I seeing this?" opens the rule and its numbers, and closes them again. */
  g_assert_false (tend_test_week_label_shown (GTK_WIDGET (row), tend_nudge_get_why (nudge)));
  why = tend_test_week_find_label (GTK_WIDGET (row), "_Why Am I Seeing This?");
  g_assert_nonnull (why);
  why = gtk_widget_get_ancestor (why, GTK_TYPE_TOGGLE_BUTTON);
  g_assert_nonnull (why);
  tend_test_week_click (why);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (why)));
  tend_test_ui_wait_for_frames (window, 3);
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (row), tend_nudge_get_why (nudge)));
  gtk_test_accessible_assert_state (why, GTK_ACCESSIBLE_STATE_PRESSED,
                                    GTK_ACCESSIBLE_TRISTATE_TRUE);
}

/* Dismiss and snooze cannot be pressed, and say why, on the demo or without the agent. */
void
tend_test_week_assert_locked (TendWeekPage *page, const char *reason)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *add = tend_test_week_find_action_button (GTK_WIDGET (page), "week.add-goal");

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkWidget *dismiss = tend_test_week_find_action_button (row, "nudge.dismiss");
      GtkWidget *snooze = tend_test_week_find_type (row, GTK_TYPE_MENU_BUTTON);

      g_assert_false (gtk_widget_is_sensitive (dismiss));
      g_assert_false (gtk_widget_is_sensitive (snooze));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (dismiss), ==, reason);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (snooze), ==, reason);
      gtk_test_accessible_assert_property (dismiss, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason);
    }
  g_assert_false (gtk_widget_is_sensitive (add));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add), ==, reason);
}

/* Each control of the nudges and goals is reachable by keyboard and named for a screen reader:
 * the nudge's and goal's buttons by what they act on, as every row has the same ones. */
void
tend_test_week_assert_rows_accessible (TendWeekPage *page)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GPtrArray) goals = g_ptr_array_new ();

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget  *row = g_ptr_array_index (rows, i);
      const char *title = tend_nudge_get_title (tend_nudge_row_get_nudge (TEND_NUDGE_ROW (row)));
      g_autofree char *dismiss_name = g_strdup_printf ("Dismiss: %s", title);
      g_autofree char *snooze_name = g_strdup_printf ("Snooze: %s", title);
      g_autofree char *why_name = g_strdup_printf ("Why am I seeing this: %s", title);
      GtkWidget       *dismiss = tend_test_week_find_action_button (row, "nudge.dismiss");
      GtkWidget       *snooze = tend_test_week_find_type (row, GTK_TYPE_MENU_BUTTON);
      GtkWidget       *why = tend_test_week_find_type (row, GTK_TYPE_TOGGLE_BUTTON);

      /* Snooze offers a week or four. */
      {
        GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (snooze));
        GMenuModel *section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
        const guint weeks[] = { 1, 4 };

        g_assert_cmpint (g_menu_model_get_n_items (section), ==, G_N_ELEMENTS (weeks));
        for (guint w = 0; w < G_N_ELEMENTS (weeks); w++)
          {
            g_autofree char *action = NULL;
            g_autoptr (GVariant) target = g_menu_model_get_item_attribute_value (
                section, w, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_UINT32);

            g_assert_true (g_menu_model_get_item_attribute (section, w, G_MENU_ATTRIBUTE_ACTION,
                                                            "s", &action));
            g_assert_cmpstr (action, ==, "nudge.snooze");
            g_assert_cmpuint (g_variant_get_uint32 (target), ==, weeks[w]);
          }
        g_object_unref (section);
      }
      gtk_test_accessible_assert_property (dismiss, GTK_ACCESSIBLE_PROPERTY_LABEL, dismiss_name);
      gtk_test_accessible_assert_property (snooze, GTK_ACCESSIBLE_PROPERTY_LABEL, snooze_name);
      gtk_test_accessible_assert_property (why, GTK_ACCESSIBLE_PROPERTY_LABEL, why_name);
      g_assert_true (gtk_widget_get_focusable (dismiss));
      g_assert_true (gtk_widget_get_focusable (gtk_widget_get_first_child (snooze)));
      g_assert_true (gtk_widget_get_focusable (why));
      /* The row's header is what expands it from the keyboard. */
      gtk_test_accessible_assert_role (row, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
    }

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_GOAL_ROW, goals);
  for (guint i = 0; i < goals->len; i++)
    {
      GtkWidget       *row = g_ptr_array_index (goals, i);
      g_autofree char *title = tend_goal_describe (tend_goal_row_get_goal (TEND_GOAL_ROW (row)));
      g_autofree char *remove_name = g_strdup_printf ("Remove goal: %s", title);
      GtkWidget       *remove = tend_test_week_find_action_button (row, "goal.remove");
      GtkWidget       *meter = tend_test_week_find_type (row, GTK_TYPE_LEVEL_BAR);

      gtk_test_accessible_assert_property (remove, GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name);
      g_assert_true (gtk_widget_get_focusable (remove));
      gtk_test_accessible_assert_role (meter, GTK_ACCESSIBLE_ROLE_METER);
      gtk_test_accessible_assert_property (meter, GTK_ACCESSIBLE_PROPERTY_LABEL, title);
      gtk_test_accessible_assert_property (meter, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                           tend_goal_row_get_summary (TEND_GOAL_ROW (row)));
    }
  g_assert_true (gtk_widget_get_focusable (
      tend_test_week_find_action_button (GTK_WIDGET (page), "week.add-goal")));
}

/* The goals' rows against their progress computed here for @week. */
void
tend_test_week_assert_goals (TendWeekPage *page, const char *path, const TendWeek *week,
                             gboolean week_in_progress)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendWeekReport) report = tend_test_week_compute_report (path, week, &store);
  g_autoptr (GPtrArray) goals = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  goals = tend_goal_list (store, &error);
  g_assert_no_error (error);

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_GOAL_ROW, rows);
  g_assert_cmpuint (rows->len, ==, goals->len);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr (TendGoalProgress) progress
          = tend_goal_get_progress (g_ptr_array_index (goals, i), report, week_in_progress);
      TendGoalRow *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (tend_goal_get_id (tend_goal_row_get_goal (row)), ==,
                       tend_goal_get_id (progress->goal));
      g_assert_cmpstr (tend_goal_row_get_summary (row), ==, progress->summary);
      /* The status in words beside its icon. */
      switch (progress->status)
        {
        case TEND_GOAL_STATUS_MET:
          g_assert_cmpstr (tend_goal_row_get_status_text (row), ==, "Goal met");
          break;
        case TEND_GOAL_STATUS_NOT_MET:
          g_assert_cmpstr (tend_goal_row_get_status_text (row), ==, "Not met");
          break;
        case TEND_GOAL_STATUS_NO_DATA:
        default:
          g_assert_cmpstr (tend_goal_row_get_status_text (row), ==, "No data");
          break;
        }
    }
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (page),
                                             "No goals yet. A goal is a weekly limit or aim "
                                             "of your own, such as at most two late evenings.")
                 == (rows->len == 0));
}

/* The view in light, in dark, and on a phone's 360 px: NAME-light.png, NAME-dark.png and
 * NAME-360.png, each scrolled to @shown. */
void
tend_test_week_save_view (GtkWidget *window, TendWeekPage *page, GtkWidget *shown, const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);
  g_autofree char *narrow = g_strdup_printf ("%s-360.png", name);
  int              width;
  int              height;

  tend_test_week_scroll_to (page, shown);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  tend_test_ui_wait_for_frames (window, 5);
  tend_test_ui_save_png (window, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  tend_test_ui_wait_for_frames (window, 5);
  tend_test_ui_save_png (window, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  tend_test_ui_wait_for_frames (window, 5);
  /* Narrower, the text above is taller. */
  tend_test_week_scroll_to (page, shown);
  tend_test_ui_wait_for_frames (window, 5);
  tend_test_ui_save_png (window, narrow);
  /* A page that cannot shrink that far makes the window wider than asked. */
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  tend_test_ui_wait_for_frames (window, 5);
}
