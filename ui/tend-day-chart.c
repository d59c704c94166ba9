/* tend-day-chart.c: my week day by day — meetings, focus and after-hours work
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tend-day-chart.h"

#define N_DAYS 7
#define N_SERIES 3
/* Pixels: the widest bar, the gap between a day's bars, the space between the rows. */
#define MAX_BAR_WIDTH 14.f
#define BAR_GAP 2.f
#define ROW_SPACING 6.f
#define SWATCH_SIZE 10.f
#define DOT_SIZE 6.f
#define MIN_DAY_WIDTH 36
#define NATURAL_DAY_WIDTH 84
#define PLOT_HEIGHT 140

/* The GNOME palette's blue 3, green 5 and orange 5: each keeps a 3:1 contrast on both the light
 * and the dark window background, and they differ in lightness as well as hue. */
static const GdkRGBA series_colors[N_SERIES] = {
  { 0.208f, 0.518f, 0.894f, 1.f },
  { 0.149f, 0.635f, 0.412f, 1.f },
  { 0.902f, 0.380f, 0.000f, 1.f },
};

static const char *const series_names[N_SERIES] = {
  N_ ("Meetings"),
  N_ ("Focus"),
  N_ ("After hours"),
};

static const char *const day_names[N_DAYS] = {
  N_ ("Monday"), N_ ("Tuesday"),  N_ ("Wednesday"), N_ ("Thursday"),
  N_ ("Friday"), N_ ("Saturday"), N_ ("Sunday"),
};

static const char *const day_abbreviations[N_DAYS] = {
  NC_ ("weekday", "Mon"), NC_ ("weekday", "Tue"), NC_ ("weekday", "Wed"), NC_ ("weekday", "Thu"),
  NC_ ("weekday", "Fri"), NC_ ("weekday", "Sat"), NC_ ("weekday", "Sun"),
};

struct _TendDayChart
{
  GtkWidget parent_instance;

  TendDayFigures days[N_DAYS];
  guint          n_days;
  char          *description;
};

G_DEFINE_FINAL_TYPE (TendDayChart, tend_day_chart, GTK_TYPE_WIDGET)

static double
series_hours (const TendDayFigures *day, guint series)
{
  switch (series)
    {
    case 0:
      return day->meeting_minutes / 60.;
    case 1:
      return day->focus_minutes / 60.;
    default:
      return day->after_hours_minutes / 60.;
    }
}

static char *
format_hours (double hours)
{
  return tend_metric_format_value (TEND_METRIC_MEETING_HOURS, hours);
}

static char *
describe_after_hours (const TendDayFigures *day)
{
  g_autofree char *hours = NULL;

  if (day->after_hours_minutes <= 0 && day->after_hours_messages == 0)
    return g_strdup (_ ("no after-hours work"));

  hours = format_hours (day->after_hours_minutes / 60.);
  if (day->after_hours_messages == 0)
    /* Translators: %s is a time in hours (“0.5 h”). */
    return g_strdup_printf (_ ("%s of meetings after hours"), hours);
  if (day->after_hours_minutes <= 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message sent after hours",
                                         "%u messages sent after hours", day->after_hours_messages),
                            day->after_hours_messages);
  /* Translators: %1$s is a time in hours (“0.5 h”), %2$u a number of messages. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%1$s of meetings and %2$u message sent after hours",
                                       "%1$s of meetings and %2$u messages sent after hours",
                                       day->after_hours_messages),
                          hours, day->after_hours_messages);
}

static char *
describe_meetings (const TendDayFigures *day)
{
  g_autofree char *hours = NULL;

  if (day->meeting_minutes <= 0)
    return g_strdup (_ ("no meetings"));
  hours = format_hours (day->meeting_minutes / 60.);
  /* Translators: %s is a time in hours (“2.5 h”). */
  return g_strdup_printf (_ ("%s of meetings"), hours);
}

static char *
describe_focus (const TendDayFigures *day)
{
  g_autofree char *hours = NULL;

  if (day->focus_minutes <= 0)
    return g_strdup (_ ("no focus time"));
  hours = format_hours (day->focus_minutes / 60.);
  /* Translators: %s is a time in hours (“4.0 h”). */
  return g_strdup_printf (_ ("%s of focus"), hours);
}

static char *
describe_day (const TendDayFigures *day, guint weekday)
{
  const char      *name = _ (day_names[weekday]);
  g_autofree char *meetings = describe_meetings (day);
  g_autofree char *focus = describe_focus (day);
  g_autofree char *after_hours = describe_after_hours (day);

  if (day->day_off && day->meeting_minutes <= 0 && day->focus_minutes <= 0
      && day->after_hours_minutes <= 0 && day->after_hours_messages == 0)
    /* Translators: %s is a weekday (“Saturday”). */
    return g_strdup_printf (_ ("%s: day off"), name);
  if (day->day_off)
    /* Translators: %1$s is a weekday (“Saturday”), %2$s its meetings (“2.5 h of meetings”),
     * %3$s its focus time (“no focus time”), %4$s its after-hours work (“no after-hours
     * work”). */
    return g_strdup_printf (_ ("%1$s (day off): %2$s, %3$s, %4$s"), name, meetings, focus,
                            after_hours);
  /* Translators: %1$s is a weekday (“Monday”), %2$s its meetings (“2.5 h of meetings”), %3$s its
   * focus time (“4.0 h of focus”), %4$s its after-hours work (“no after-hours work”). */
  return g_strdup_printf (_ ("%1$s: %2$s, %3$s, %4$s"), name, meetings, focus, after_hours);
}

static void
update_description (TendDayChart *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (self->n_days == 0)
    g_string_append (text, _ ("No figures"));
  for (guint i = 0; i < self->n_days; i++)
    {
      g_autofree char *day = describe_day (&self->days[i], i);

      if (i > 0)
        /* Translators: between the descriptions of two days. */
        g_string_append (text, _ ("; "));
      g_string_append (text, day);
    }
  g_string_append_c (text, '.');

  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
}

/* The top of the scale: the longest bar rounded up to an even number of hours, so that the
 * middle line falls on a whole hour. */
static double
scale_hours (TendDayChart *self)
{
  double longest = 0;

  for (guint i = 0; i < self->n_days; i++)
    for (guint s = 0; s < N_SERIES; s++)
      longest = MAX (longest, series_hours (&self->days[i], s));
  return MAX (2., 2. * ceil (longest / 2.));
}

static int
line_height (GtkWidget *widget)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, "Mg");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
append_text (GtkSnapshot *snapshot, PangoLayout *layout, float x, float y, const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_dot (GtkSnapshot *snapshot, float x, float y)
{
  GskRoundedRect dot;

  gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (x, y, DOT_SIZE, DOT_SIZE),
                                   DOT_SIZE / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &dot);
  gtk_snapshot_append_color (snapshot, &series_colors[N_SERIES - 1], &dot.bounds);
  gtk_snapshot_pop (snapshot);
}

/* The legend: a swatch and a name for each series, in one row from the left. */
static void
snapshot_legend (GtkWidget *widget, GtkSnapshot *snapshot, const GdkRGBA *fg, float text_height)
{
  float x = 0;

  for (guint s = 0; s < N_SERIES; s++)
    {
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, _ (series_names[s]));
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      gtk_snapshot_append_color (
          snapshot, &series_colors[s],
          &GRAPHENE_RECT_INIT (x, (text_height - SWATCH_SIZE) / 2, SWATCH_SIZE, SWATCH_SIZE));
      x += SWATCH_SIZE + 4;
      /* After-hours messages are dots beside a day's name: the dot joins the swatch here. */
      if (s == N_SERIES - 1)
        {
          snapshot_dot (snapshot, x, (text_height - DOT_SIZE) / 2);
          x += DOT_SIZE + 4;
        }
      append_text (snapshot, layout, x, 0, fg);
      x += width + 12;
    }
}

static void
snapshot_bar (GtkSnapshot *snapshot, const GdkRGBA *color, float x, float bottom, float width,
              float height)
{
  GskRoundedRect bar;
  float          radius = MIN (3.f, MIN (width / 2, height));

  if (height <= 0)
    return;
  /* Rounded at the top only: the bars stand on the base line. */
  gsk_rounded_rect_init (&bar, &GRAPHENE_RECT_INIT (x, bottom - height, width, height),
                         &GRAPHENE_SIZE_INIT (radius, radius), &GRAPHENE_SIZE_INIT (radius, radius),
                         &GRAPHENE_SIZE_INIT (0, 0), &GRAPHENE_SIZE_INIT (0, 0));
  gtk_snapshot_push_rounded_clip (snapshot, &bar);
  gtk_snapshot_append_color (snapshot, color, &bar.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
tend_day_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  TendDayChart *self = TEND_DAY_CHART (widget);
  float         width = gtk_widget_get_width (widget);
  float         height = gtk_widget_get_height (widget);
  float         text_height = line_height (widget);
  float         plot_top, plot_bottom, day_width, bar_width;
  double        top_hours = scale_hours (self);
  GdkRGBA       fg, dim, grid;

  /* Deprecated only from GTK 4.10, which has gtk_widget_get_color instead. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  dim = fg;
  dim.alpha *= 0.55f;
  grid = fg;
  grid.alpha *= 0.15f;

  plot_top = text_height + ROW_SPACING + text_height;
  plot_bottom = height - text_height - ROW_SPACING;
  if (plot_bottom <= plot_top || width <= 0)
    return;

  snapshot_legend (widget, snapshot, &fg, text_height);

  /* Lines at the top of the scale, its middle and zero, with the top's value above its line. */
  for (guint line = 0; line < 3; line++)
    {
      float y = plot_top + (plot_bottom - plot_top) * line / 2.f;

      gtk_snapshot_append_color (snapshot, line == 2 ? &dim : &grid,
                                 &GRAPHENE_RECT_INIT (0, roundf (y), width, 1));
    }
  {
    g_autofree char *top_text = format_hours (top_hours);
    g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, top_text);

    append_text (snapshot, layout, 0, plot_top - text_height, &dim);
  }

  day_width = width / N_DAYS;
  bar_width = MIN (MAX_BAR_WIDTH, (day_width * 0.8f - (N_SERIES - 1) * BAR_GAP) / N_SERIES);
  for (guint i = 0; i < N_DAYS; i++)
    {
      const char *abbreviation = g_dpgettext2 (GETTEXT_PACKAGE, "weekday", day_abbreviations[i]);
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, abbreviation);
      float group_width = N_SERIES * bar_width + (N_SERIES - 1) * BAR_GAP;
      float x = i * day_width + (day_width - group_width) / 2;
      int   label_width;

      if (i < self->n_days)
        for (guint s = 0; s < N_SERIES; s++)
          {
            double hours = series_hours (&self->days[i], s);
            float  bar_height = (plot_bottom - plot_top) * MIN (hours / top_hours, 1.);

            snapshot_bar (snapshot, &series_colors[s], x + s * (bar_width + BAR_GAP), plot_bottom,
                          bar_width, bar_height);
          }

      /* A day off reads dimmer, and messages sent after hours get a dot beside its name. */
      pango_layout_get_pixel_size (layout, &label_width, NULL);
      append_text (snapshot, layout, i * day_width + (day_width - label_width) / 2,
                   plot_bottom + ROW_SPACING,
                   i < self->n_days && self->days[i].day_off ? &dim : &fg);
      if (i < self->n_days && self->days[i].after_hours_messages > 0)
        snapshot_dot (snapshot, i * day_width + (day_width + label_width) / 2 + 3,
                      plot_bottom + ROW_SPACING + (text_height - DOT_SIZE) / 2);
    }
}

static void
tend_day_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                        int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = N_DAYS * MIN_DAY_WIDTH;
      *natural = N_DAYS * NATURAL_DAY_WIDTH;
    }
  else
    {
      /* The legend, the top value, the plot and the day names. */
      *minimum = *natural = 3 * line_height (widget) + 2 * ROW_SPACING + PLOT_HEIGHT;
    }
}

static void
tend_day_chart_finalize (GObject *object)
{
  TendDayChart *self = TEND_DAY_CHART (object);

  g_free (self->description);

  G_OBJECT_CLASS (tend_day_chart_parent_class)->finalize (object);
}

static void
tend_day_chart_class_init (TendDayChartClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tend_day_chart_finalize;

  widget_class->snapshot = tend_day_chart_snapshot;
  widget_class->measure = tend_day_chart_measure;

  /* A picture to assistive technologies: its label names it, its description reads every
   * figure that the bars show. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "daychart");
}

static void
tend_day_chart_init (TendDayChart *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Meetings, focus and after-hours work by day"), -1);
  update_description (self);
}

GtkWidget *
tend_day_chart_new (void)
{
  return g_object_new (TEND_TYPE_DAY_CHART, NULL);
}

void
tend_day_chart_set_days (TendDayChart *self, const TendDayFigures *days, guint n_days)
{
  g_return_if_fail (TEND_IS_DAY_CHART (self));
  g_return_if_fail (days != NULL || n_days == 0);
  g_return_if_fail (n_days <= N_DAYS);

  memset (self->days, 0, sizeof self->days);
  if (n_days > 0)
    memcpy (self->days, days, n_days * sizeof *days);
  self->n_days = n_days;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
tend_day_chart_get_description (TendDayChart *self)
{
  g_return_val_if_fail (TEND_IS_DAY_CHART (self), NULL);

  return self->description;
}
