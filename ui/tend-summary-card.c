/* tend-summary-card.c: one figure of my week against my usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-sparkline.h"
#include "tend-summary-card.h"

struct _TendSummaryCard
{
  GtkWidget parent_instance;

  /* Template widgets (the box is bound so that dispose_template unparents it) */
  GtkWidget *box;
  GtkLabel  *title_label;
  GtkLabel  *value_label;
  GtkLabel  *change_label;
  GtkWidget *sparkline; /* borrowed: a child of @box, made for the metric once it is known */

  TendMetric metric;
};

G_DEFINE_FINAL_TYPE (TendSummaryCard, tend_summary_card, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_METRIC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The change in the figure's own unit ("+2.0 h"), so that it reads like the figure; a change
 * too small to show in that unit counts as none. */
static char *
describe_change (TendMetric metric, double value, double baseline)
{
  g_autofree char *value_text = NULL;
  g_autofree char *baseline_text = NULL;
  g_autofree char *difference = NULL;

  if (isnan (baseline))
    return g_strdup (_ ("No usual week yet"));
  baseline_text = tend_metric_format_value (metric, baseline);
  if (isnan (value))
    /* Translators: %s is the figure in my usual week (“42 min”). */
    return g_strdup_printf (_ ("Usual week: %s"), baseline_text);

  value_text = tend_metric_format_value (metric, value);
  if (g_str_equal (value_text, baseline_text))
    return g_strdup (_ ("Same as your usual week"));

  difference = tend_metric_format_value (metric, fabs (value - baseline));
  if (value > baseline)
    /* Translators: %s is how much higher a figure is than in my usual week (“2.0 h”). */
    return g_strdup_printf (_ ("+%s vs your usual week"), difference);
  /* Translators: %s is how much lower a figure is than in my usual week (“2.0 h”); the sign is
   * a minus sign, U+2212. */
  return g_strdup_printf (_ ("−%s vs your usual week"), difference);
}

static void
tend_summary_card_dispose (GObject *object)
{
  TendSummaryCard *self = TEND_SUMMARY_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_SUMMARY_CARD);

  G_OBJECT_CLASS (tend_summary_card_parent_class)->dispose (object);
}

static void
tend_summary_card_constructed (GObject *object)
{
  TendSummaryCard *self = TEND_SUMMARY_CARD (object);

  G_OBJECT_CLASS (tend_summary_card_parent_class)->constructed (object);

  gtk_label_set_label (self->title_label, tend_metric_get_title (self->metric));
  self->sparkline = tend_sparkline_new (self->metric);
  gtk_widget_set_visible (self->sparkline, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->sparkline);
  tend_summary_card_set_figures (self, NAN, NAN);
}

static void
tend_summary_card_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendSummaryCard *self = TEND_SUMMARY_CARD (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      g_value_set_uint (value, self->metric);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_summary_card_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  TendSummaryCard *self = TEND_SUMMARY_CARD (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      self->metric = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_summary_card_class_init (TendSummaryCardClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tend_summary_card_constructed;
  object_class->dispose = tend_summary_card_dispose;
  object_class->get_property = tend_summary_card_get_property;
  object_class->set_property = tend_summary_card_set_property;

  properties[PROP_METRIC]
      = g_param_spec_uint ("metric", NULL, NULL, 0, TEND_N_METRICS - 1, 0,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-summary-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TendSummaryCard, box);
  gtk_widget_class_bind_template_child (widget_class, TendSummaryCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, TendSummaryCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, TendSummaryCard, change_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  /* A group with one label that reads the whole card: a screen reader then says the figure,
   * its value and its change in one sentence instead of three loose labels. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "summarycard");
}

static void
tend_summary_card_init (TendSummaryCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_summary_card_new (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  return g_object_new (TEND_TYPE_SUMMARY_CARD, "metric", (guint) metric, NULL);
}

TendMetric
tend_summary_card_get_metric (TendSummaryCard *self)
{
  g_return_val_if_fail (TEND_IS_SUMMARY_CARD (self), TEND_METRIC_MEETING_HOURS);

  return self->metric;
}

void
tend_summary_card_set_figures (TendSummaryCard *self, double value, double baseline)
{
  g_autofree char *value_text = NULL;
  g_autofree char *change_text = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (TEND_IS_SUMMARY_CARD (self));

  value_text = tend_metric_format_value (self->metric, value);
  change_text = describe_change (self->metric, value, baseline);
  gtk_label_set_label (self->value_label, value_text);
  gtk_label_set_label (self->change_label, change_text);

  if (isnan (value))
    /* Translators: %1$s is a figure's name (“Typical reply time”), %2$s its change against my
     * usual week (“No usual week yet”). */
    description = g_strdup_printf (_ ("%1$s: no value this week. %2$s."),
                                   tend_metric_get_title (self->metric), change_text);
  else
    /* Translators: %1$s is a figure's name (“Meeting time”), %2$s its value this week
     * (“12.5 h”), %3$s its change against my usual week (“+2.0 h vs your usual week”). */
    description = g_strdup_printf (_ ("%1$s: %2$s this week. %3$s."),
                                   tend_metric_get_title (self->metric), value_text, change_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

const char *
tend_summary_card_get_value_text (TendSummaryCard *self)
{
  g_return_val_if_fail (TEND_IS_SUMMARY_CARD (self), NULL);

  return gtk_label_get_label (self->value_label);
}

const char *
tend_summary_card_get_change_text (TendSummaryCard *self)
{
  g_return_val_if_fail (TEND_IS_SUMMARY_CARD (self), NULL);

  return gtk_label_get_label (self->change_label);
}

void
tend_summary_card_set_series (TendSummaryCard *self, const double *series, guint n_weeks)
{
  g_return_if_fail (TEND_IS_SUMMARY_CARD (self));
  g_return_if_fail (series != NULL || n_weeks == 0);

  tend_sparkline_set_series (TEND_SPARKLINE (self->sparkline), series, n_weeks);
  gtk_widget_set_visible (self->sparkline, n_weeks > 0);
}
