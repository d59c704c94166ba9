/* tend-week-report.c: a week's figures, with my own baseline and trend
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-week-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tend-week-report-private.h"

struct _TendWeekReport
{
  GObject parent_instance;

  TendWeek       week;
  gboolean       has_data;
  double         values[TEND_N_METRICS];
  double         baseline[TEND_N_METRICS];
  TendDayFigures days[7];
  guint          focus_minimum;

  /* Owned */
  GTimeZone *tz;
  char      *working_hours;
  double    *series;   /* TEND_N_METRICS rows of TEND_TREND_WEEKS, NULL without a trend */
  GPtrArray *lists[3]; /* indexed by TendCollaboratorList */
};

G_DEFINE_FINAL_TYPE (TendWeekReport, tend_week_report, G_TYPE_OBJECT)

/* Command-line and JSON syntax, not prose. */
static const char *const weekday_keys[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

void
tend_collaborator_free (TendCollaborator *collaborator)
{
  if (collaborator == NULL)
    return;

  g_free (collaborator->address);
  g_free (collaborator->name);
  g_free (collaborator);
}

static void
tend_week_report_finalize (GObject *object)
{
  TendWeekReport *self = (TendWeekReport *) object;

  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->working_hours, g_free);
  g_clear_pointer (&self->series, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->lists); i++)
    g_clear_pointer (&self->lists[i], g_ptr_array_unref);

  G_OBJECT_CLASS (tend_week_report_parent_class)->finalize (object);
}

static void
tend_week_report_class_init (TendWeekReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_week_report_finalize;
}

static void
tend_week_report_init (TendWeekReport *self)
{
  for (guint i = 0; i < TEND_N_METRICS; i++)
    self->values[i] = self->baseline[i] = NAN;
  for (guint i = 0; i < G_N_ELEMENTS (self->lists); i++)
    self->lists[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_collaborator_free);
}

TendWeekReport *
_tend_week_report_new (const TendWeek *week, GTimeZone *tz)
{
  TendWeekReport *self;

  g_return_val_if_fail (week != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  self = g_object_new (TEND_TYPE_WEEK_REPORT, NULL);
  self->week = *week;
  self->tz = g_time_zone_ref (tz);
  return self;
}

void
_tend_week_report_set_value (TendWeekReport *self, TendMetric metric, double value)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));
  g_return_if_fail (metric < TEND_N_METRICS);

  self->values[metric] = value;
}

void
_tend_week_report_set_has_data (TendWeekReport *self, gboolean has_data)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));

  self->has_data = has_data;
}

void
_tend_week_report_set_series (TendWeekReport *self, TendMetric metric, const double *values)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));
  g_return_if_fail (metric < TEND_N_METRICS);
  g_return_if_fail (values != NULL);

  if (self->series == NULL)
    {
      self->series = g_new (double, TEND_N_METRICS *TEND_TREND_WEEKS);
      for (guint i = 0; i < TEND_N_METRICS * TEND_TREND_WEEKS; i++)
        self->series[i] = NAN;
    }
  memcpy (self->series + metric * TEND_TREND_WEEKS, values, sizeof (double) * TEND_TREND_WEEKS);
}

void
_tend_week_report_set_baseline (TendWeekReport *self, TendMetric metric, double value)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));
  g_return_if_fail (metric < TEND_N_METRICS);

  self->baseline[metric] = value;
}

void
_tend_week_report_set_day (TendWeekReport *self, guint day, const TendDayFigures *figures)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));
  g_return_if_fail (day < 7);
  g_return_if_fail (figures != NULL);

  self->days[day] = *figures;
}

void
_tend_week_report_add_collaborator (TendWeekReport *self, TendCollaboratorList list,
                                    const char *address, const char *name, guint interactions)
{
  TendCollaborator *collaborator;

  g_return_if_fail (TEND_IS_WEEK_REPORT (self));
  g_return_if_fail (list <= TEND_COLLABORATORS_NEW);
  g_return_if_fail (address != NULL);

  collaborator = g_new0 (TendCollaborator, 1);
  collaborator->address = g_strdup (address);
  collaborator->name = g_strdup (name);
  collaborator->interactions = interactions;
  g_ptr_array_add (self->lists[list], collaborator);
}

void
_tend_week_report_set_settings (TendWeekReport *self, const char *working_hours,
                                guint focus_minimum)
{
  g_return_if_fail (TEND_IS_WEEK_REPORT (self));

  g_free (self->working_hours);
  self->working_hours = g_strdup (working_hours);
  self->focus_minimum = focus_minimum;
}

const TendWeek *
tend_week_report_get_week (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return &self->week;
}

GTimeZone *
tend_week_report_get_time_zone (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return self->tz;
}

double
tend_week_report_get_value (TendWeekReport *self, TendMetric metric)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NAN);
  g_return_val_if_fail (metric < TEND_N_METRICS, NAN);

  return self->values[metric];
}

double
tend_week_report_get_baseline (TendWeekReport *self, TendMetric metric)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NAN);
  g_return_val_if_fail (metric < TEND_N_METRICS, NAN);

  return self->baseline[metric];
}

const double *
tend_week_report_get_series (TendWeekReport *self, TendMetric metric)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  if (self->series == NULL)
    return NULL;
  return self->series + metric * TEND_TREND_WEEKS;
}

gboolean
tend_week_report_has_trend (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), FALSE);

  return self->series != NULL;
}

gboolean
tend_week_report_has_data (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), FALSE);

  return self->has_data;
}

const TendDayFigures *
tend_week_report_get_days (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return self->days;
}

GPtrArray *
tend_week_report_get_top_collaborators (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return self->lists[TEND_COLLABORATORS_TOP];
}

GPtrArray *
tend_week_report_get_fading_collaborators (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return self->lists[TEND_COLLABORATORS_FADING];
}

GPtrArray *
tend_week_report_get_new_collaborators (TendWeekReport *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  return self->lists[TEND_COLLABORATORS_NEW];
}

static json_t *
collaborators_to_json (GPtrArray *list)
{
  json_t *array = json_array ();

  for (guint i = 0; i < list->len; i++)
    {
      const TendCollaborator *c = g_ptr_array_index (list, i);

      json_array_append_new (array,
                             json_pack ("{s:s, s:o, s:I}", "address", c->address, "name",
                                        c->name != NULL ? json_string (c->name) : json_null (),
                                        "interactions", (json_int_t) c->interactions));
    }
  return array;
}

static json_t *
day_to_json (TendWeekReport *self, guint day)
{
  const TendDayFigures *f = &self->days[day];
  g_autoptr (GDateTime) date = tend_week_get_day (&self->week, day, self->tz);
  g_autofree char *iso_date = g_date_time_format (date, "%Y-%m-%d");

  return json_pack (
      "{s:s, s:s, s:b, s:o, s:o, s:o, s:I, s:I, s:I}", "date", iso_date, "weekday",
      weekday_keys[day], "day_off", f->day_off, "meeting_minutes",
      tend_unit_value_to_json (TEND_UNIT_MINUTES, f->meeting_minutes), "focus_minutes",
      tend_unit_value_to_json (TEND_UNIT_MINUTES, f->focus_minutes), "after_hours_minutes",
      tend_unit_value_to_json (TEND_UNIT_MINUTES, f->after_hours_minutes), "after_hours_messages",
      (json_int_t) f->after_hours_messages, "messages_sent", (json_int_t) f->messages_sent,
      "messages_received", (json_int_t) f->messages_received);
}

/* Every metric key into @object, with its value from @values (TEND_N_METRICS of them). */
static void
set_metrics (json_t *object, const double *values)
{
  for (guint m = 0; m < TEND_N_METRICS; m++)
    json_object_set_new (object, tend_metric_get_key (m), tend_metric_value_to_json (m, values[m]));
}

/* "trend_weeks": the names of the TEND_TREND_WEEKS weeks, oldest first, and "trend": for every
 * metric key, its values in those weeks. */
static void
set_trend (TendWeekReport *self, json_t *root)
{
  json_t *weeks = json_array ();
  json_t *trend = json_object ();

  for (int i = 0; i < TEND_TREND_WEEKS; i++)
    {
      TendWeek         past;
      g_autofree char *text = NULL;

      tend_week_add (&self->week, i - (TEND_TREND_WEEKS - 1), &past);
      text = tend_week_to_string (&past);
      json_array_append_new (weeks, json_string (text));
    }

  for (guint m = 0; m < TEND_N_METRICS; m++)
    {
      json_t *values = json_array ();

      for (guint i = 0; i < TEND_TREND_WEEKS; i++)
        json_array_append_new (
            values, tend_metric_value_to_json (m, self->series[m * TEND_TREND_WEEKS + i]));
      json_object_set_new (trend, tend_metric_get_key (m), values);
    }

  json_object_set_new (root, "trend_weeks", weeks);
  json_object_set_new (root, "trend", trend);
}

json_t *
tend_week_report_to_json (TendWeekReport *self)
{
  g_autofree char *week = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autoptr (GDateTime) start_time = NULL;
  g_autoptr (GDateTime) end_time = NULL;
  json_t *root, *baseline, *days, *people;

  g_return_val_if_fail (TEND_IS_WEEK_REPORT (self), NULL);

  week = tend_week_to_string (&self->week);
  start_time = tend_week_get_start (&self->week, self->tz);
  end_time = tend_week_get_end (&self->week, self->tz);
  start = g_date_time_format_iso8601 (start_time);
  end = g_date_time_format_iso8601 (end_time);

  /* Inserted in the documented order, which json_dumps keeps without JSON_SORT_KEYS. */
  root = json_object ();
  json_object_set_new (root, "week", json_string (week));
  json_object_set_new (root, "start", json_string (start));
  json_object_set_new (root, "end", json_string (end));
  json_object_set_new (root, "time_zone", json_string (g_time_zone_get_identifier (self->tz)));
  json_object_set_new (root, "working_hours",
                       self->working_hours != NULL ? json_string (self->working_hours)
                                                   : json_null ());
  json_object_set_new (root, "focus_minimum_minutes", json_integer (self->focus_minimum));
  json_object_set_new (root, "has_data", json_boolean (self->has_data));
  set_metrics (root, self->values);

  baseline = json_object ();
  set_metrics (baseline, self->baseline);
  json_object_set_new (root, "baseline", baseline);

  if (self->series != NULL)
    set_trend (self, root);

  days = json_array ();
  for (guint d = 0; d < 7; d++)
    json_array_append_new (days, day_to_json (self, d));
  json_object_set_new (root, "days", days);

  /* Not "collaborators": that key is the metric, the number of distinct people. */
  people = json_object ();
  json_object_set_new (people, "top", collaborators_to_json (self->lists[TEND_COLLABORATORS_TOP]));
  json_object_set_new (people, "fading",
                       collaborators_to_json (self->lists[TEND_COLLABORATORS_FADING]));
  json_object_set_new (people, "new", collaborators_to_json (self->lists[TEND_COLLABORATORS_NEW]));
  json_object_set_new (root, "people", people);

  return root;
}
