/* tend-week-report.h: a week's figures, with my own baseline and trend
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <jansson.h>

#include "tend-metric.h"
#include "tend-week.h"

G_BEGIN_DECLS

/* Weeks in a trend series and in the baseline before it. */
#define TEND_TREND_WEEKS 12
#define TEND_BASELINE_WEEKS 8

/* One day of the week, for the day-by-day chart. Minutes are local wall-clock minutes. */
typedef struct
{
  double meeting_minutes;
  double focus_minutes;
  double after_hours_minutes;   /* after-hours meeting minutes */
  guint after_hours_messages;   /* messages I sent outside working hours */
  guint messages_sent;
  guint messages_received;
  gboolean day_off;             /* no working hours on this weekday */
} TendDayFigures;

typedef struct
{
  char *address;
  char *name;                   /* NULL if unknown */
  guint interactions;           /* this week's (top, new) or the earlier weeks' (fading) */
} TendCollaborator;

void tend_collaborator_free (TendCollaborator *collaborator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendCollaborator, tend_collaborator_free)

#define TEND_TYPE_WEEK_REPORT (tend_week_report_get_type ())

G_DECLARE_FINAL_TYPE (TendWeekReport, tend_week_report, TEND, WEEK_REPORT, GObject)

const TendWeek       *tend_week_report_get_week         (TendWeekReport *self);
/* The zone the week and its days were reckoned in. */
GTimeZone            *tend_week_report_get_time_zone    (TendWeekReport *self);
/* NAN where a figure is undefined (a reply median in a week with no replies). */
double                tend_week_report_get_value        (TendWeekReport *self, TendMetric metric);
/* Median of the previous TEND_BASELINE_WEEKS weeks that hold data; NAN without a trend or
 * when fewer than 3 of those weeks have a value. */
double                tend_week_report_get_baseline     (TendWeekReport *self, TendMetric metric);
/* TEND_TREND_WEEKS values, oldest first, this week last; NULL without a trend. */
const double         *tend_week_report_get_series       (TendWeekReport *self, TendMetric metric);
gboolean              tend_week_report_has_trend        (TendWeekReport *self);
gboolean              tend_week_report_has_data         (TendWeekReport *self);
/* Seven days, Monday first. */
const TendDayFigures *tend_week_report_get_days         (TendWeekReport *self);
/* (element-type TendCollaborator) */
GPtrArray            *tend_week_report_get_top_collaborators    (TendWeekReport *self);
GPtrArray            *tend_week_report_get_fading_collaborators (TendWeekReport *self);
GPtrArray            *tend_week_report_get_new_collaborators    (TendWeekReport *self);

/* The whole report as the documented JSON object of `tendctl week --json` (without nudges). */
json_t               *tend_week_report_to_json          (TendWeekReport *self);

G_END_DECLS
