/* tend-sparkline.c: a figure's last weeks as a small line, this week marked
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-sparkline.h"

/* Pixels: room around the line for the marked point, which is larger than the line. */
#define PADDING 4.
#define LINE_WIDTH 1.5
#define DOT_RADIUS 3.5
#define MIN_WIDTH 60
#define NATURAL_WIDTH 140
#define HEIGHT 32

/* The GNOME palette's blue 3, as in the day chart: readable on light and dark backgrounds. */
static const GdkRGBA current_color = { 0.208f, 0.518f, 0.894f, 1.f };

struct _TendSparkline
{
  GtkWidget parent_instance;

  TendMetric metric;
  GArray    *values; /* double */
};

G_DEFINE_FINAL_TYPE (TendSparkline, tend_sparkline, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_METRIC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_value (TendSparkline *self, double value)
{
  if (isnan (value))
    return g_strdup (_ ("no value"));
  return tend_metric_format_value (self->metric, value);
}

static void
update_label (TendSparkline *self)
{
  g_autoptr (GString) earlier = g_string_new (NULL);
  g_autofree char *current = NULL;
  g_autofree char *label = NULL;
  guint            n = self->values->len;

  if (n == 0)
    {
      /* Translators: %s is a figure's name (“Meeting time”). */
      label = g_strdup_printf (_ ("%s: no earlier weeks"), tend_metric_get_title (self->metric));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      return;
    }

  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *value = format_value (self, g_array_index (self->values, double, i));

      if (i > 0)
        /* Translators: between two weeks' values in a list of them. */
        g_string_append (earlier, _ (", "));
      g_string_append (earlier, value);
    }
  current = format_value (self, g_array_index (self->values, double, n - 1));

  if (n == 1)
    /* Translators: %1$s is a figure's name (“Meeting time”), %2$s its value (“12.5 h”). */
    label = g_strdup_printf (_ ("%1$s, this week: %2$s"), tend_metric_get_title (self->metric),
                             current);
  else
    /* Translators: %1$s is a figure's name (“Meeting time”), %2$u a number of weeks, %3$s the
     * values of the weeks before this one, oldest first (“10.5 h, 12.0 h”), %4$s this week's. */
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%1$s over %2$u week: %3$s; this week: %4$s",
                                          "%1$s over %2$u weeks: %3$s; this week: %4$s", n),
                             tend_metric_get_title (self->metric), n, earlier->str, current);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Week @i of @n, spread across the width; a single week in the middle. */
static double
point_x (guint i, guint n, int width)
{
  if (n < 2)
    return width / 2.;
  return PADDING + (width - 2 * PADDING) * i / (n - 1.);
}

static double
point_y (double value, double low, double high, int height)
{
  return height - PADDING - (height - 2 * PADDING) * (value - low) / (high - low);
}

static void
tend_sparkline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  TendSparkline *self = TEND_SPARKLINE (widget);
  int            width = gtk_widget_get_width (widget);
  int            height = gtk_widget_get_height (widget);
  guint          n = self->values->len;
  double         low = INFINITY, high = -INFINITY, last;
  gboolean       drawing = FALSE;
  GdkRGBA        line_color;
  cairo_t       *cr;

  for (guint i = 0; i < n; i++)
    {
      double value = g_array_index (self->values, double, i);

      if (!isnan (value))
        {
          low = MIN (low, value);
          high = MAX (high, value);
        }
    }
  if (isinf (low) || width <= 2 * PADDING || height <= 2 * PADDING)
    return;
  /* A flat series runs along the middle instead of along an edge. */
  if (high - low < 1e-9)
    {
      low -= 1;
      high += 1;
    }

  /* Deprecated only from GTK 4.10, which has gtk_widget_get_color instead. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &line_color);
  line_color.alpha *= 0.6f;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  gdk_cairo_set_source_rgba (cr, &line_color);

  /* A week without a value breaks the line rather than bridging it with a guess. */
  for (guint i = 0; i < n; i++)
    {
      double value = g_array_index (self->values, double, i);

      if (isnan (value))
        drawing = FALSE;
      else if (drawing)
        cairo_line_to (cr, point_x (i, n, width), point_y (value, low, high, height));
      else
        {
          cairo_move_to (cr, point_x (i, n, width), point_y (value, low, high, height));
          /* A lone week between two gaps still shows, as a dot of the line's width. */
          cairo_line_to (cr, point_x (i, n, width), point_y (value, low, high, height));
          drawing = TRUE;
        }
    }
  cairo_stroke (cr);

  last = g_array_index (self->values, double, n - 1);
  if (!isnan (last))
    {
      gdk_cairo_set_source_rgba (cr, &current_color);
      cairo_arc (cr, point_x (n - 1, n, width), point_y (last, low, high, height), DOT_RADIUS, 0,
                 2 * G_PI);
      cairo_fill (cr);
    }

  cairo_destroy (cr);
}

static void
tend_sparkline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                        int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    *minimum = *natural = HEIGHT;
}

static void
tend_sparkline_finalize (GObject *object)
{
  TendSparkline *self = TEND_SPARKLINE (object);

  g_clear_pointer (&self->values, g_array_unref);

  G_OBJECT_CLASS (tend_sparkline_parent_class)->finalize (object);
}

static void
tend_sparkline_constructed (GObject *object)
{
  TendSparkline *self = TEND_SPARKLINE (object);

  G_OBJECT_CLASS (tend_sparkline_parent_class)->constructed (object);

  update_label (self);
}

static void
tend_sparkline_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendSparkline *self = TEND_SPARKLINE (object);

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
tend_sparkline_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendSparkline *self = TEND_SPARKLINE (object);

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
tend_sparkline_class_init (TendSparklineClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tend_sparkline_constructed;
  object_class->finalize = tend_sparkline_finalize;
  object_class->get_property = tend_sparkline_get_property;
  object_class->set_property = tend_sparkline_set_property;

  widget_class->snapshot = tend_sparkline_snapshot;
  widget_class->measure = tend_sparkline_measure;

  properties[PROP_METRIC]
      = g_param_spec_uint ("metric", NULL, NULL, 0, TEND_N_METRICS - 1, 0,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A picture whose label reads every week's value, oldest first. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "sparkline");
}

static void
tend_sparkline_init (TendSparkline *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
}

GtkWidget *
tend_sparkline_new (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  return g_object_new (TEND_TYPE_SPARKLINE, "metric", (guint) metric, NULL);
}

TendMetric
tend_sparkline_get_metric (TendSparkline *self)
{
  g_return_val_if_fail (TEND_IS_SPARKLINE (self), TEND_METRIC_MEETING_HOURS);

  return self->metric;
}

void
tend_sparkline_set_series (TendSparkline *self, const double *values, guint n_values)
{
  g_return_if_fail (TEND_IS_SPARKLINE (self));
  g_return_if_fail (values != NULL || n_values == 0);

  g_array_set_size (self->values, 0);
  if (n_values > 0)
    g_array_append_vals (self->values, values, n_values);
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
