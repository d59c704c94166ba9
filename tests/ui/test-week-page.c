/* test-week-page.c: the week page and its summary cards
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-week-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "tend-test-ui.h"
#include "tend-test-week.h"
#include "tend-day-chart.h"
#include "tend-demo.h"
#include "tend-goal-row.h"
#include "tend-goal.h"
#include "tend-insights.h"
#include "tend-nudge-row.h"
#include "tend-sparkline.h"
#include "tend-store.h"
#include "tend-summary-card.h"
#include "tend-week-page.h"

/* The demo history ends on Wednesday 2026-03-04, 12:00 UTC, in week 2026-W10. */
#define DEMO_NOW "2026-03-04T12:00:00Z"
#define DEMO_WEEKS 20
#define DEMO_SEED 7

static void
assert_card (TendSummaryCard *card, const char *value_text, const char *change_text,
             const char *label)
{
  g_assert_cmpstr (tend_summary_card_get_value_text (card), ==, value_text);
  g_assert_cmpstr (tend_summary_card_get_change_text (card), ==, change_text);
  gtk_test_accessible_assert_property (card, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
}

static void
test_summary_card_figures (void)
{
  GtkWidget       *widget = g_object_ref_sink (tend_summary_card_new (TEND_METRIC_MEETING_HOURS));
  TendSummaryCard *card = TEND_SUMMARY_CARD (widget);

  gtk_test_accessible_assert_role (card, GTK_ACCESSIBLE_ROLE_GROUP);
  g_assert_cmpint (tend_summary_card_get_metric (card), ==, TEND_METRIC_MEETING_HOURS);

  /* Nothing set yet: no value, no baseline. */
  assert_card (card, "—", "No usual week yet",
               "Meeting time: no value this week. No usual week yet.");

  /* 12.5 h against a usual 10.5 h: 12.5 − 10.5 = +2.0 h. */
  tend_summary_card_set_figures (card, 12.5, 10.5);
  assert_card (card, "12.5 h", "+2.0 h vs your usual week",
               "Meeting time: 12.5 h this week. +2.0 h vs your usual week.");

  /* 8.0 h against 10.5 h: 8.0 − 10.5 = −2.5 h, written with a minus sign. */
  tend_summary_card_set_figures (card, 8.0, 10.5);
  assert_card (card, "8.0 h", "−2.5 h vs your usual week",
               "Meeting time: 8.0 h this week. −2.5 h vs your usual week.");

  /* 10.52 h and 10.48 h both show as 10.5 h: no change worth a figure. */
  tend_summary_card_set_figures (card, 10.52, 10.48);
  assert_card (card, "10.5 h", "Same as your usual week",
               "Meeting time: 10.5 h this week. Same as your usual week.");

  /* Fewer than three earlier weeks with data: the baseline is NAN. */
  tend_summary_card_set_figures (card, 6.0, NAN);
  assert_card (card, "6.0 h", "No usual week yet",
               "Meeting time: 6.0 h this week. No usual week yet.");

  g_object_unref (widget);
}

static void
test_summary_card_units (void)
{
  GtkWidget *reply = g_object_ref_sink (tend_summary_card_new (TEND_METRIC_REPLY_MEDIAN_MINUTES));
  GtkWidget *sent = g_object_ref_sink (tend_summary_card_new (TEND_METRIC_MESSAGES_SENT));
  GtkWidget *after = g_object_ref_sink (tend_summary_card_new (TEND_METRIC_AFTER_HOURS_DAYS));

  /* No reply this week, a usual median of 42 minutes. */
  tend_summary_card_set_figures (TEND_SUMMARY_CARD (reply), NAN, 42.0);
  assert_card (TEND_SUMMARY_CARD (reply), "—", "Usual week: 42 min",
               "Typical reply time: no value this week. Usual week: 42 min.");

  /* 40 sent against a median of 37.5 (two middle weeks 37 and 38): 40 − 37.5 = +2.5. */
  tend_summary_card_set_figures (TEND_SUMMARY_CARD (sent), 40, 37.5);
  assert_card (TEND_SUMMARY_CARD (sent), "40", "+2.5 vs your usual week",
               "Messages sent: 40 this week. +2.5 vs your usual week.");

  /* 3 days against 1: +2 days, plural. */
  tend_summary_card_set_figures (TEND_SUMMARY_CARD (after), 3, 1);
  assert_card (TEND_SUMMARY_CARD (after), "3 days", "+2 days vs your usual week",
               "Days with after-hours work: 3 days this week. +2 days vs your usual week.");

  g_object_unref (reply);
  g_object_unref (sent);
  g_object_unref (after);
}

static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();

  tend_test_week_collect (root, type, found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

static void
assert_has_label (TendWeekPage *page, const char *text)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  tend_test_week_collect (GTK_WIDGET (page), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
      return;
  g_error ("No label “%s” on the page", text);
}

/* Compares each card with a report computed here, apart from the page, for @week. */
static void
assert_cards_show (TendWeekPage *page, const char *path, const TendWeek *week)
{
  g_autoptr (TendWeekReport) report = tend_test_week_compute_report (path, week, NULL);
  g_autoptr (GPtrArray) cards = g_ptr_array_new ();

  g_assert_true (tend_week_report_has_data (report));

  g_assert_cmpint (tend_week_compare (tend_week_page_get_week (page), week), ==, 0);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "report");

  tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_SUMMARY_CARD, cards);
  g_assert_cmpuint (cards->len, ==, 5);
  for (guint i = 0; i < cards->len; i++)
    {
      TendSummaryCard *card = g_ptr_array_index (cards, i);
      TendMetric       metric = tend_summary_card_get_metric (card);
      double           value = tend_week_report_get_value (report, metric);
      g_autofree char *expected = tend_metric_format_value (metric, value);
      g_autofree char *label = NULL;

      g_assert_cmpstr (tend_summary_card_get_value_text (card), ==, expected);
      if (isnan (value))
        label = g_strdup_printf ("%s: no value this week. %s.", tend_metric_get_title (metric),
                                 tend_summary_card_get_change_text (card));
      else
        label = g_strdup_printf ("%s: %s this week. %s.", tend_metric_get_title (metric), expected,
                                 tend_summary_card_get_change_text (card));
      gtk_test_accessible_assert_property (card, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    }

  /* The sparklines show the report's 12 weeks when it has a trend, and nothing otherwise. */
  {
    g_autoptr (GPtrArray) sparklines = g_ptr_array_new ();

    tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_SPARKLINE, sparklines);
    g_assert_cmpuint (sparklines->len, ==, 5);
    for (guint i = 0; i < sparklines->len; i++)
      {
        GtkWidget    *sparkline = g_ptr_array_index (sparklines, i);
        TendMetric    metric = tend_sparkline_get_metric (TEND_SPARKLINE (sparkline));
        const double *series;
        g_autoptr (GString) label = NULL;

        g_assert_cmpint (gtk_widget_get_visible (sparkline), ==,
                         tend_week_report_has_trend (report));
        if (!tend_week_report_has_trend (report))
          continue;

        /* “Meeting time over 12 weeks: 10.5 h, …, 9.0 h; this week: 12.5 h”. */
        series = tend_week_report_get_series (report, metric);
        label = g_string_new (NULL);
        g_string_append_printf (label, "%s over %d weeks: ", tend_metric_get_title (metric),
                                TEND_TREND_WEEKS);
        for (guint w = 0; w < TEND_TREND_WEEKS; w++)
          {
            g_autofree char *value = isnan (series[w])
                                         ? g_strdup ("no value")
                                         : tend_metric_format_value (metric, series[w]);

            if (w == TEND_TREND_WEEKS - 1)
              g_string_append (label, "; this week: ");
            else if (w > 0)
              g_string_append (label, ", ");
            g_string_append (label, value);
          }
        gtk_test_accessible_assert_property (sparkline, GTK_ACCESSIBLE_PROPERTY_LABEL, label->str);
      }
  }

  /* The day chart reads the report's seven days, Monday first. */
  {
    TendDayChart *chart = TEND_DAY_CHART (find_widget (GTK_WIDGET (page), TEND_TYPE_DAY_CHART));
    g_autoptr (GtkWidget) expected = g_object_ref_sink (tend_day_chart_new ());

    tend_day_chart_set_days (TEND_DAY_CHART (expected), tend_week_report_get_days (report), 7);
    g_assert_true (g_str_has_prefix (tend_day_chart_get_description (chart), "Monday"));
    g_assert_true (strstr (tend_day_chart_get_description (chart), "; Sunday") != NULL);
    g_assert_cmpstr (tend_day_chart_get_description (chart), ==,
                     tend_day_chart_get_description (TEND_DAY_CHART (expected)));
    gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         tend_day_chart_get_description (chart));
  }
}

/* Each status in words, for a finished week and for one still running: a met "at most" goal is
 * only on track until the week ends, an unmet "at least" one not there yet. */
static void
assert_goal_statuses (const char *path, const TendWeek *week)
{
  static const char *const finished[] = { "Not met", "Goal met", "Goal met", "Not met" };
  static const char *const running[] = { "Not met", "Goal met", "On track", "Not there yet" };
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendWeekReport) report = tend_test_week_compute_report (path, week, &store);
  g_autoptr (GPtrArray) goals = NULL;

  goals = tend_goal_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (goals->len, ==, G_N_ELEMENTS (finished));

  for (guint i = 0; i < goals->len; i++)
    for (guint in_progress = 0; in_progress < 2; in_progress++)
      {
        g_autoptr (TendGoalProgress) progress
            = tend_goal_get_progress (g_ptr_array_index (goals, i), report, in_progress);
        g_autoptr (GtkWidget) row = g_object_ref_sink (tend_goal_row_new (progress, in_progress));
        GtkWidget *meter = tend_test_week_find_type (row, GTK_TYPE_LEVEL_BAR);
        double     fraction = progress->value / tend_goal_get_target (progress->goal);

        g_assert_cmpstr (tend_goal_row_get_status_text (TEND_GOAL_ROW (row)), ==,
                         in_progress ? running[i] : finished[i]);
        g_assert_cmpstr (tend_goal_row_get_summary (TEND_GOAL_ROW (row)), ==, progress->summary);
        /* The bar fills with the part of the target reached, full once past it. */
        g_assert_cmpfloat_with_epsilon (gtk_level_bar_get_value (GTK_LEVEL_BAR (meter)),
                                        MIN (fraction, 1), 1e-9);
        gtk_test_accessible_assert_property (meter, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                             progress->summary);
      }
}

/* The week's dates take one line, however narrow the window: on a phone they lose their years
 * (the line below names the week's year) and "This Week" shrinks to its icon, still named. */
static void
assert_header_fits (TendWeekPage *page, const char *dates, const char *short_dates, gboolean wide)
{
  g_autoptr (GPtrArray) squeezers = g_ptr_array_new ();
  GtkWidget *title;
  GtkWidget *today;

  tend_test_week_collect (GTK_WIDGET (page), ADW_TYPE_SQUEEZER, squeezers);
  g_assert_cmpuint (squeezers->len, ==, 2);
  title = adw_squeezer_get_visible_child (g_ptr_array_index (squeezers, 0));
  today = adw_squeezer_get_visible_child (g_ptr_array_index (squeezers, 1));

  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, wide ? dates : short_dates);
  g_assert_true (gtk_widget_get_mapped (title));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (title))), ==, 1);
  if (!wide)
    g_assert_cmpstr (gtk_widget_get_tooltip_text (title), ==, dates);

  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (today)), ==, "week.today");
  if (wide)
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (today)), ==, "_This Week");
  else
    {
      g_assert_null (gtk_button_get_label (GTK_BUTTON (today)));
      gtk_test_accessible_assert_property (today, GTK_ACCESSIBLE_PROPERTY_LABEL, "This week");
    }
  g_assert_true (gtk_widget_get_mapped (today));
  g_assert_true (gtk_widget_get_focusable (today));
}

static void
test_week_page_demo (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-week-page-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  g_autoptr (TendGoal) goal = NULL;
  TendWeek      w09, w08, w07, current;
  GtkWidget    *window;
  TendWeekPage *page;
  guint         n_nudges;

  g_assert_no_error (error);
  path = g_build_filename (dir, "tend.db", NULL);
  {
    g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);

    g_assert_no_error (error);
    g_assert_true (tend_demo_generate (store, DEMO_SEED, DEMO_WEEKS, now, utc, &error));
    g_assert_no_error (error);
    /* Two goals of the person's own, as `tendctl goal add` would write them. */
    g_clear_object (&goal);
    goal = tend_goal_add (store, "after_hours_days", TEND_GOAL_AT_MOST, 2, &error);
    g_assert_no_error (error);
    g_clear_object (&goal);
    goal = tend_goal_add (store, "focus_hours", TEND_GOAL_AT_LEAST, 12, &error);
    g_assert_no_error (error);
    /* Within reach and out of reach, for the statuses of a week still running. */
    g_clear_object (&goal);
    goal = tend_goal_add (store, "after_hours_days", TEND_GOAL_AT_MOST, 7, &error);
    g_assert_no_error (error);
    g_clear_object (&goal);
    goal = tend_goal_add (store, "focus_hours", TEND_GOAL_AT_LEAST, 100, &error);
    g_assert_no_error (error);
  }

  window = gtk_window_new ();
  /* Tall enough for the cards and the day chart below them. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 860);
  page = TEND_WEEK_PAGE (tend_week_page_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));

  /* The page opens on this week; past the last week of data there is no next week to see. */
  tend_week_current (utc, &current);
  g_assert_cmpint (tend_week_compare (tend_week_page_get_week (page), &current), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (page), "week.next", NULL);
  g_assert_cmpint (tend_week_compare (tend_week_page_get_week (page), &current), ==, 0);

  /* 2026-W09 (23 Feb – 1 Mar 2026) is the last full week of the demo. */
  g_assert_true (tend_week_parse ("2026-W09", &w09, NULL));
  tend_week_page_set_database (page, path, TRUE);
  tend_week_page_set_week (page, &w09);
  g_assert_true (tend_week_page_get_loading (page));
  tend_test_week_wait_for_report (page);
  assert_cards_show (page, path, &w09);
  assert_has_label (page, "23 Feb – 1 Mar 2026");
  assert_has_label (page, "Week 9 of 2026 · Demo data, invented, not yours");

  tend_test_ui_wait_for_frames (window, 3);
  tend_test_ui_save_png (window, "week-page.png");

  /* The coach's nudges for the week, as the coach gives them; the goals with their progress.
   * The demo is read-only, and without an agent nothing could be changed anyway. */
  n_nudges = tend_test_week_assert_nudges (page, path, &w09);
  g_assert_cmpuint (n_nudges, >, 0);
  tend_test_week_assert_goals (page, path, &w09, FALSE);
  assert_goal_statuses (path, &w09);
  tend_test_week_assert_locked (
      page, "The demo’s figures are invented and read-only: its nudges and goals "
            "cannot be changed.");
  tend_test_week_assert_rows_accessible (page);
  {
    g_autoptr (GPtrArray) rows = g_ptr_array_new ();

    tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
    for (guint i = 0; i < rows->len; i++)
      tend_test_week_assert_nudge_expands (g_ptr_array_index (rows, i), window);
    /* Expanded nudges stay expanded when the same week is computed again (DataChanged). */
    tend_week_page_reload (page);
    tend_test_week_wait_for_report (page);
    g_ptr_array_set_size (rows, 0);
    tend_test_week_collect (GTK_WIDGET (page), TEND_TYPE_NUDGE_ROW, rows);
    g_assert_cmpuint (rows->len, ==, n_nudges);
    for (guint i = 0; i < rows->len; i++)
      g_assert_true (adw_expander_row_get_expanded (g_ptr_array_index (rows, i)));
    tend_test_week_scroll_to (page, g_ptr_array_index (rows, 0));
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_ui_save_png (window, "week-page-coach.png");
  }

  /* The page fits a phone's 360 px: every line of its header and cards wraps. */
  {
    int minimum;

    gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                        NULL);
    g_assert_cmpint (minimum, <=, 360);
    assert_header_fits (page, "23 Feb – 1 Mar 2026", "23 Feb – 1 Mar", TRUE);
    gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_ui_save_png (window, "week-page-360.png");
    assert_header_fits (page, "23 Feb – 1 Mar 2026", "23 Feb – 1 Mar", FALSE);
    /* A week across the new year has the longest dates. */
    {
      TendWeek w01;

      g_assert_true (tend_week_parse ("2026-W01", &w01, NULL));
      tend_week_page_set_week (page, &w01);
      tend_test_week_wait_for_report (page);
      tend_test_ui_wait_for_frames (window, 3);
      tend_test_ui_save_png (window, "week-page-360-new-year.png");
      assert_header_fits (page, "29 Dec 2025 – 4 Jan 2026", "29 Dec – 4 Jan", FALSE);
      tend_week_page_set_week (page, &w09);
      tend_test_week_wait_for_report (page);
    }
    gtk_window_set_default_size (GTK_WINDOW (window), 900, 860);
    tend_test_ui_wait_for_frames (window, 3);
    assert_header_fits (page, "23 Feb – 1 Mar 2026", "23 Feb – 1 Mar", TRUE);
  }

  /* Alt+Left's action: the week before. */
  gtk_widget_activate_action (GTK_WIDGET (page), "week.previous", NULL);
  g_assert_true (tend_week_parse ("2026-W08", &w08, NULL));
  g_assert_cmpint (tend_week_compare (tend_week_page_get_week (page), &w08), ==, 0);
  tend_test_week_wait_for_report (page);
  assert_cards_show (page, path, &w08);

  /* Two steps in a row: the first request is cancelled and only W07's figures land. */
  gtk_widget_activate_action (GTK_WIDGET (page), "week.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "week.previous", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "week.previous", NULL);
  g_assert_true (tend_week_parse ("2026-W07", &w07, NULL));
  tend_test_week_wait_for_report (page);
  assert_cards_show (page, path, &w07);

  /* Reloading the same week (the agent's DataChanged) keeps the cards on screen meanwhile. */
  tend_week_page_reload (page);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "report");
  tend_test_week_wait_for_report (page);
  assert_cards_show (page, path, &w07);

  /* This week is after the demo's history: the empty state. Back from there with week.today. */
  {
    TendWeek before;

    g_assert_true (tend_week_parse ("2020-W01", &before, NULL));
    tend_week_page_set_week (page, &before);
    tend_test_week_wait_for_report (page);
    g_assert_cmpstr (tend_test_week_visible_page (page), ==, "empty");
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_ui_save_png (window, "week-page-empty.png");
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "week.today", NULL);
  g_assert_cmpint (tend_week_compare (tend_week_page_get_week (page), &current), ==, 0);
  tend_test_week_wait_for_report (page);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (tend_store_delete_files (path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_week_page_missing_database (void)
{
  g_autofree char *path
      = g_build_filename (g_get_tmp_dir (), "tend-week-page-none", "tend.db", NULL);
  GtkWidget    *window = gtk_window_new ();
  TendWeekPage *page = TEND_WEEK_PAGE (tend_week_page_new ());

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  /* No database yet is nothing collected yet, not an error. */
  tend_week_page_set_database (page, path, FALSE);
  tend_test_week_wait_for_report (page);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "empty");

  /* While the first sync runs, an empty week is only "not yet". */
  g_assert_false (tend_week_page_get_syncing (page));
  tend_week_page_set_syncing (page, TRUE);
  g_assert_true (tend_week_page_get_syncing (page));
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "syncing");
  gtk_window_present (GTK_WINDOW (window));
  tend_test_ui_wait_for_frames (window, 3);
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (page), "Still Syncing"));
  g_assert_true (tend_test_week_label_shown (
      GTK_WIDGET (page), "Your figures appear as your mail and calendar arrive."));
  tend_test_ui_save_png (window, "week-page-syncing.png");
  /* It stays so across a reload, and ends with the sync. */
  tend_week_page_reload (page);
  tend_test_week_wait_for_report (page);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "syncing");
  g_object_set (page, "syncing", FALSE, NULL);
  g_assert_cmpstr (tend_test_week_visible_page (page), ==, "empty");
  g_assert_true (tend_test_week_label_shown (GTK_WIDGET (page), "No Data for This Week"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!tend_test_ui_widget_init (&argc, &argv))
    return 0;

  g_test_add_func ("/summary-card/figures", test_summary_card_figures);
  g_test_add_func ("/summary-card/units", test_summary_card_units);
  g_test_add_func ("/week-page/demo", test_week_page_demo);
  g_test_add_func ("/week-page/missing-database", test_week_page_missing_database);

  return g_test_run ();
}
