/* test-charts.c: the day-by-day chart and the sparklines, on figures written here
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-charts"

#include "config.h"

#include <adwaita.h>
#include <gtk/gtk.h>
#include <math.h>

#include "tend-test-ui.h"
#include "tend-day-chart.h"
#include "tend-sparkline.h"
#include "tend-summary-card.h"

/* A week that uses every wording of a day; minutes, so 150 min = 2.5 h. */
static const TendDayFigures fixture_days[7] = {
  /* Monday: 2.5 h of meetings, 4.0 h of focus, nothing after hours. */
  { .meeting_minutes = 150, .focus_minutes = 240 },
  /* Tuesday: 30 min of meetings after hours = 0.5 h, no message. */
  { .meeting_minutes = 60, .focus_minutes = 300, .after_hours_minutes = 30 },
  /* Wednesday: no meetings, one message after hours. */
  { .focus_minutes = 420, .after_hours_messages = 1, .messages_sent = 9 },
  /* Thursday: 48 min = 0.8 h of meetings after hours and 3 messages. */
  { .meeting_minutes = 90,
    .focus_minutes = 180,
    .after_hours_minutes = 48,
    .after_hours_messages = 3 },
  /* Friday: a working day with nothing at all. */
  { 0 },
  /* Saturday: off, and nothing done. */
  { .day_off = TRUE },
  /* Sunday: off, yet 2 messages sent. */
  { .day_off = TRUE, .after_hours_messages = 2 },
};

#define FIXTURE_DESCRIPTION                                                                        \
  "Monday: 2.5 h of meetings, 4.0 h of focus, no after-hours work; "                               \
  "Tuesday: 1.0 h of meetings, 5.0 h of focus, 0.5 h of meetings after hours; "                    \
  "Wednesday: no meetings, 7.0 h of focus, 1 message sent after hours; "                           \
  "Thursday: 1.5 h of meetings, 3.0 h of focus, 0.8 h of meetings and 3 messages sent after "      \
  "hours; "                                                                                        \
  "Friday: no meetings, no focus time, no after-hours work; "                                      \
  "Saturday: day off; "                                                                            \
  "Sunday (day off): no meetings, no focus time, 2 messages sent after hours."

static void
test_day_chart_description (void)
{
  GtkWidget    *widget = g_object_ref_sink (tend_day_chart_new ());
  TendDayChart *chart = TEND_DAY_CHART (widget);

  gtk_test_accessible_assert_role (chart, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Meetings, focus and after-hours work by day");
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "No figures.");

  tend_day_chart_set_days (chart, fixture_days, G_N_ELEMENTS (fixture_days));
  g_assert_cmpstr (tend_day_chart_get_description (chart), ==, FIXTURE_DESCRIPTION);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       FIXTURE_DESCRIPTION);

  /* Two days only (a partial week): the rest are not read out. */
  tend_day_chart_set_days (chart, fixture_days, 2);
  gtk_test_accessible_assert_property (
      chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
      "Monday: 2.5 h of meetings, 4.0 h of focus, no after-hours work; "
      "Tuesday: 1.0 h of meetings, 5.0 h of focus, 0.5 h of meetings after hours.");

  tend_day_chart_set_days (chart, NULL, 0);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "No figures.");

  g_object_unref (widget);
}

static void
test_sparkline_label (void)
{
  /* Twelve weeks of meeting hours, the fourth without a value; this week is 12.5 h. */
  static const double series[12] = { 10.5, 11, 9.5, NAN, 10, 12, 10.5, 8, 9, 11.5, 10, 12.5 };
  GtkWidget          *widget = g_object_ref_sink (tend_sparkline_new (TEND_METRIC_MEETING_HOURS));
  TendSparkline      *sparkline = TEND_SPARKLINE (widget);

  gtk_test_accessible_assert_role (sparkline, GTK_ACCESSIBLE_ROLE_IMG);
  g_assert_cmpint (tend_sparkline_get_metric (sparkline), ==, TEND_METRIC_MEETING_HOURS);
  gtk_test_accessible_assert_property (sparkline, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Meeting time: no earlier weeks");

  tend_sparkline_set_series (sparkline, series, G_N_ELEMENTS (series));
  gtk_test_accessible_assert_property (
      sparkline, GTK_ACCESSIBLE_PROPERTY_LABEL,
      "Meeting time over 12 weeks: 10.5 h, 11.0 h, 9.5 h, no value, 10.0 h, 12.0 h, 10.5 h, "
      "8.0 h, 9.0 h, 11.5 h, 10.0 h; this week: 12.5 h");

  /* One week alone: nothing earlier to list. */
  tend_sparkline_set_series (sparkline, series, 1);
  gtk_test_accessible_assert_property (sparkline, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Meeting time, this week: 10.5 h");

  g_object_unref (widget);
}

static GtkWidget *
find_sparkline (GtkWidget *widget)
{
  if (TEND_IS_SPARKLINE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_sparkline (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_summary_card_series (void)
{
  /* Messages sent: whole counts, shown without a unit. */
  static const double series[3] = { 30, 41, 37 };
  GtkWidget          *card = g_object_ref_sink (tend_summary_card_new (TEND_METRIC_MESSAGES_SENT));
  GtkWidget          *sparkline = find_sparkline (card);

  g_assert_nonnull (sparkline);
  g_assert_cmpint (tend_sparkline_get_metric (TEND_SPARKLINE (sparkline)), ==,
                   TEND_METRIC_MESSAGES_SENT);
  /* No trend yet: no line. */
  g_assert_false (gtk_widget_get_visible (sparkline));

  tend_summary_card_set_series (TEND_SUMMARY_CARD (card), series, G_N_ELEMENTS (series));
  g_assert_true (gtk_widget_get_visible (sparkline));
  gtk_test_accessible_assert_property (sparkline, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Messages sent over 3 weeks: 30, 41; this week: 37");

  tend_summary_card_set_series (TEND_SUMMARY_CARD (card), NULL, 0);
  g_assert_false (gtk_widget_get_visible (sparkline));

  g_object_unref (card);
}

/* Both charts in a window, light and dark, so that a person can look at them. */
static void
test_charts_picture (void)
{
  static const double series[12] = { 10.5, 11, 9.5, NAN, 10, 12, 10.5, 8, 9, 11.5, 10, 12.5 };
  GtkWidget          *window = gtk_window_new ();
  GtkWidget          *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget          *chart = tend_day_chart_new ();
  GtkWidget          *sparkline = tend_sparkline_new (TEND_METRIC_MEETING_HOURS);

  tend_day_chart_set_days (TEND_DAY_CHART (chart), fixture_days, G_N_ELEMENTS (fixture_days));
  tend_sparkline_set_series (TEND_SPARKLINE (sparkline), series, G_N_ELEMENTS (series));
  gtk_widget_set_halign (sparkline, GTK_ALIGN_START);
  g_object_set (box, "margin-top", 12, "margin-bottom", 12, "margin-start", 12, "margin-end", 12,
                NULL);
  gtk_box_append (GTK_BOX (box), chart);
  gtk_box_append (GTK_BOX (box), sparkline);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, -1);
  gtk_window_present (GTK_WINDOW (window));
  tend_test_ui_wait_for_frames (window, 3);
  tend_test_ui_save_png (window, "charts.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  tend_test_ui_wait_for_frames (window, 3);
  tend_test_ui_save_png (window, "charts-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Down to a phone's width the chart still fits: 7 days of 36 px = 252 px. */
  {
    int minimum;

    gtk_widget_measure (chart, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_assert_cmpint (minimum, ==, 252);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!tend_test_ui_widget_init (&argc, &argv))
    return 0;

  g_test_add_func ("/day-chart/description", test_day_chart_description);
  g_test_add_func ("/sparkline/label", test_sparkline_label);
  g_test_add_func ("/summary-card/series", test_summary_card_series);
  g_test_add_func ("/charts/picture", test_charts_picture);

  return g_test_run ();
}
