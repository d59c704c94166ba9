/* tend-metric.h: the figures Tend computes for a week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

/* Every figure of a week. Each is defined precisely in docs/INSIGHTS.md, under its key. */
typedef enum
{
  /* Meetings */
  TEND_METRIC_MEETING_HOURS,
  TEND_METRIC_MEETINGS,
  TEND_METRIC_BACK_TO_BACK_CHAINS,
  TEND_METRIC_LARGE_MEETINGS,
  TEND_METRIC_RECURRING_MEETING_SHARE,
  TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK,
  /* Focus */
  TEND_METRIC_FOCUS_HOURS,
  /* After hours */
  TEND_METRIC_AFTER_HOURS_MESSAGES_SENT,
  TEND_METRIC_AFTER_HOURS_MEETING_MINUTES,
  TEND_METRIC_AFTER_HOURS_DAYS,
  TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS,
  TEND_METRIC_WEEKEND_DAYS_ACTIVE,
  /* Communication */
  TEND_METRIC_MAIL_SENT,
  TEND_METRIC_MAIL_RECEIVED,
  TEND_METRIC_CHAT_SENT,
  TEND_METRIC_CHAT_RECEIVED,
  TEND_METRIC_MESSAGES_SENT,
  TEND_METRIC_MESSAGES_RECEIVED,
  TEND_METRIC_REPLY_MEDIAN_MINUTES,
  TEND_METRIC_REPLY_P90_MINUTES,
  TEND_METRIC_REPLY_MEDIAN_WORK_MINUTES,
  TEND_METRIC_REPLY_P90_WORK_MINUTES,
  TEND_METRIC_ANSWERED_WITHIN_24H_SHARE,
  /* Network */
  TEND_METRIC_COLLABORATORS,
  TEND_METRIC_NEW_COLLABORATORS,
  TEND_METRIC_FADING_COLLABORATORS,
  /* Content of what I sent, and recognition I received */
  TEND_METRIC_GRATITUDE_SENT,
  TEND_METRIC_GRATITUDE_RECEIVED,
  TEND_METRIC_APOLOGIES,
  TEND_METRIC_HEDGES,
  TEND_METRIC_NEGATIVE,
  TEND_METRIC_QUESTIONS,

  TEND_N_METRICS
} TendMetric;

typedef enum
{
  TEND_UNIT_HOURS,
  TEND_UNIT_MINUTES,
  TEND_UNIT_COUNT,
  TEND_UNIT_DAYS,
  TEND_UNIT_SHARE, /* 0 … 1 */
} TendUnit;

/* Which way is good for *me*, by my own standard: the coach praises movement this way. */
typedef enum
{
  TEND_POLARITY_NEUTRAL,
  TEND_POLARITY_HIGHER_IS_BETTER,
  TEND_POLARITY_LOWER_IS_BETTER,
} TendPolarity;

const char   *tend_metric_get_key       (TendMetric metric);
const char   *tend_metric_get_title     (TendMetric metric);
TendUnit      tend_metric_get_unit      (TendMetric metric);
TendPolarity  tend_metric_get_polarity  (TendMetric metric);
gboolean      tend_metric_from_key      (const char *key, TendMetric *out);
char         *tend_metric_format_value  (TendMetric metric, double value);
/* The JSON of a figure, as docs/INSIGHTS.md defines it: rounded to its unit, a whole number as a
 * JSON integer, null when undefined (NAN). */
json_t       *tend_metric_value_to_json (TendMetric metric, double value);
json_t       *tend_unit_value_to_json   (TendUnit unit, double value);

G_END_DECLS
