/* tend-week-page.c: how my week went, against my usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-week-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "tend-day-chart.h"
#include "tend-insights.h"
#include "tend-settings.h"
#include "tend-store.h"
#include "tend-summary-card.h"
#include "tend-week-page.h"

/* The figures on the cards, in the order shown; docs/INSIGHTS.md defines each. */
static const TendMetric card_metrics[] = {
  TEND_METRIC_MEETING_HOURS, TEND_METRIC_FOCUS_HOURS,          TEND_METRIC_AFTER_HOURS_DAYS,
  TEND_METRIC_MESSAGES_SENT, TEND_METRIC_REPLY_MEDIAN_MINUTES,
};

#define N_CARDS G_N_ELEMENTS (card_metrics)

struct _TendWeekPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkFlowBox    *cards;
  TendDayChart  *day_chart;
  AdwStatusPage *error_page;

  /* Borrowed: children of @cards */
  TendSummaryCard *card[N_CARDS];

  /* Owned */
  char           *path;
  GTimeZone      *tz;
  GCancellable   *cancellable;
  TendWeekReport *report;

  TendWeek week;
  guint    is_demo : 1;
  guint    loading : 1;
};

G_DEFINE_FINAL_TYPE (TendWeekPage, tend_week_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (TendWeekPage *self, gboolean loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_actions (TendWeekPage *self)
{
  TendWeek current;

  tend_week_current (self->tz, &current);
  /* The weeks to come hold no figures yet, only meetings already planned: stop at this one. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.next",
                                 tend_week_compare (&self->week, &current) < 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.today",
                                 tend_week_compare (&self->week, &current) != 0);
}

static void
update_title (TendWeekPage *self)
{
  g_autoptr (GDateTime) first = tend_week_get_day (&self->week, 0, self->tz);
  g_autoptr (GDateTime) last = tend_week_get_day (&self->week, 6, self->tz);
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (g_date_time_get_year (first) == g_date_time_get_year (last))
    /* Translators: the first day of a week whose last day is in the same year, in
     * g_date_time_format() syntax: “23 Feb”. */
    first_text = g_date_time_format (first, _ ("%-d %b"));
  else
    /* Translators: the first day of a week that ends in the next year, in g_date_time_format()
     * syntax: “29 Dec 2025”. */
    first_text = g_date_time_format (first, _ ("%-d %b %Y"));
  /* Translators: the last day of a week, in g_date_time_format() syntax: “1 Mar 2026”. */
  last_text = g_date_time_format (last, _ ("%-d %b %Y"));
  /* Translators: %1$s is a week's first day (“23 Feb”), %2$s its last day (“1 Mar 2026”). */
  title = g_strdup_printf (_ ("%1$s – %2$s"), first_text, last_text);

  if (self->is_demo)
    /* Translators: %1$d is an ISO week number, %2$d its year. */
    subtitle = g_strdup_printf (_ ("Week %1$d of %2$d · Demo data, invented, not yours"),
                                self->week.week, self->week.year);
  else
    subtitle = g_strdup_printf (_ ("Week %1$d of %2$d"), self->week.week, self->week.year);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, subtitle);
}

static void
show_report (TendWeekPage *self)
{
  if (!tend_week_report_has_data (self->report))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < N_CARDS; i++)
    {
      const double *series = tend_week_report_get_series (self->report, card_metrics[i]);

      tend_summary_card_set_figures (self->card[i],
                                     tend_week_report_get_value (self->report, card_metrics[i]),
                                     tend_week_report_get_baseline (self->report, card_metrics[i]));
      /* Without a trend there are too few earlier weeks for a line to say anything. */
      if (tend_week_report_has_trend (self->report) && series != NULL)
        tend_summary_card_set_series (self->card[i], series, TEND_TREND_WEEKS);
      else
        tend_summary_card_set_series (self->card[i], NULL, 0);
    }
  tend_day_chart_set_days (self->day_chart, tend_week_report_get_days (self->report), 7);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
report_computed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);
  g_autoptr (GError) error = NULL;
  g_autoptr (TendWeekReport) report = tend_insights_compute_from_file_finish (result, &error);

  /* A newer request replaced this one, or the page went away; the newer one owns the page. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);
  g_clear_object (&self->report);

  if (error != NULL)
    {
      /* No database yet is not a failure: nothing has been collected. */
      if (g_error_matches (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND))
        {
          gtk_stack_set_visible_child_name (self->stack, "empty");
          return;
        }
      g_debug ("Could not compute the week: %s error %d", g_quark_to_string (error->domain),
               error->code);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->report = g_steal_pointer (&report);
  show_report (self);
}

static void
week_previous_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_add (&self->week, -1, &week);
  tend_week_page_set_week (self, &week);
}

static void
week_next_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_add (&self->week, 1, &week);
  tend_week_page_set_week (self, &week);
}

static void
week_today_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_current (self->tz, &week);
  tend_week_page_set_week (self, &week);
}

static void
tend_week_page_dispose (GObject *object)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->report);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_WEEK_PAGE);

  G_OBJECT_CLASS (tend_week_page_parent_class)->dispose (object);
}

static void
tend_week_page_finalize (GObject *object)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (tend_week_page_parent_class)->finalize (object);
}

static void
tend_week_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_week_page_class_init (TendWeekPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_week_page_dispose;
  object_class->finalize = tend_week_page_finalize;
  object_class->get_property = tend_week_page_get_property;

  properties[PROP_LOADING]
      = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TEND_TYPE_DAY_CHART);
  g_type_ensure (TEND_TYPE_SUMMARY_CARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-week-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, box);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, cards);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, day_chart);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, error_page);

  gtk_widget_class_install_action (widget_class, "week.previous", NULL, week_previous_action);
  gtk_widget_class_install_action (widget_class, "week.next", NULL, week_next_action);
  gtk_widget_class_install_action (widget_class, "week.today", NULL, week_today_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "week.previous",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "week.next",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "week.today",
                                       NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weekpage");
}

static void
tend_week_page_init (TendWeekPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_CARDS; i++)
    {
      self->card[i] = TEND_SUMMARY_CARD (tend_summary_card_new (card_metrics[i]));
      gtk_flow_box_append (self->cards, GTK_WIDGET (self->card[i]));
    }

  self->tz = tend_settings_get_time_zone ();
  tend_week_current (self->tz, &self->week);
  update_title (self);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
tend_week_page_new (void)
{
  return g_object_new (TEND_TYPE_WEEK_PAGE, NULL);
}

void
tend_week_page_set_database (TendWeekPage *self, const char *path, gboolean is_demo)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));
  g_return_if_fail (path != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  self->is_demo = !!is_demo;
  g_clear_object (&self->report);
  update_title (self);
  tend_week_page_reload (self);
}

void
tend_week_page_reload (TendWeekPage *self)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));

  if (self->path == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The same week computed again keeps its figures on screen until the new ones arrive. */
  if (self->report == NULL
      || tend_week_compare (tend_week_report_get_week (self->report), &self->week) != 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);

  tend_insights_compute_from_file_async (self, self->path, &self->week, TRUE, self->cancellable,
                                         report_computed_cb, NULL);
}

const TendWeek *
tend_week_page_get_week (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), NULL);

  return &self->week;
}

void
tend_week_page_set_week (TendWeekPage *self, const TendWeek *week)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));
  g_return_if_fail (week != NULL);

  if (tend_week_compare (&self->week, week) == 0)
    return;
  self->week = *week;
  update_title (self);
  update_actions (self);
  tend_week_page_reload (self);
}

gboolean
tend_week_page_get_loading (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), FALSE);

  return self->loading;
}
