/* tend-metric.c: the figures Tend computes for a week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-metric"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-metric.h"

typedef struct
{
  const char  *key;
  const char  *title;
  TendUnit     unit;
  TendPolarity polarity;
} MetricInfo;

#define NEUTRAL TEND_POLARITY_NEUTRAL
#define HIGHER TEND_POLARITY_HIGHER_IS_BETTER
#define LOWER TEND_POLARITY_LOWER_IS_BETTER

/* Polarity is what a person who wants sustainable habits would call progress. Volumes (how much
 * mail, how many people) and reply speed are neutral: faster or more is not better in itself. */
static const MetricInfo metrics[TEND_N_METRICS] = {
  [TEND_METRIC_MEETING_HOURS] = { "meeting_hours", N_ ("Meeting time"), TEND_UNIT_HOURS, LOWER },
  [TEND_METRIC_MEETINGS] = { "meetings", N_ ("Meetings"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_BACK_TO_BACK_CHAINS]
  = { "back_to_back_chains", N_ ("Back-to-back meeting runs"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_LARGE_MEETINGS]
  = { "large_meetings", N_ ("Large meetings"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_RECURRING_MEETING_SHARE]
  = { "recurring_meeting_share", N_ ("Meeting time in recurring meetings"), TEND_UNIT_SHARE,
      NEUTRAL },
  [TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK]
  = { "meeting_hours_outside_work", N_ ("Meeting time outside working hours"), TEND_UNIT_HOURS,
      LOWER },
  [TEND_METRIC_FOCUS_HOURS] = { "focus_hours", N_ ("Focus time"), TEND_UNIT_HOURS, HIGHER },
  [TEND_METRIC_AFTER_HOURS_MESSAGES_SENT]
  = { "after_hours_messages_sent", N_ ("Messages sent after hours"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_AFTER_HOURS_MEETING_MINUTES]
  = { "after_hours_meeting_minutes", N_ ("Meeting time after hours"), TEND_UNIT_MINUTES, LOWER },
  [TEND_METRIC_AFTER_HOURS_DAYS]
  = { "after_hours_days", N_ ("Days with after-hours work"), TEND_UNIT_DAYS, LOWER },
  [TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS]
  = { "days_without_after_hours", N_ ("Working days without after-hours work"), TEND_UNIT_DAYS,
      HIGHER },
  [TEND_METRIC_WEEKEND_DAYS_ACTIVE]
  = { "weekend_days_active", N_ ("Days off with work"), TEND_UNIT_DAYS, LOWER },
  [TEND_METRIC_MAIL_SENT] = { "mail_sent", N_ ("Mail sent"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_MAIL_RECEIVED] = { "mail_received", N_ ("Mail received"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_CHAT_SENT] = { "chat_sent", N_ ("Chat messages sent"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_CHAT_RECEIVED]
  = { "chat_received", N_ ("Chat messages received"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_MESSAGES_SENT] = { "messages_sent", N_ ("Messages sent"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_MESSAGES_RECEIVED]
  = { "messages_received", N_ ("Messages received"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_REPLY_MEDIAN_MINUTES]
  = { "reply_median_minutes", N_ ("Typical reply time"), TEND_UNIT_MINUTES, NEUTRAL },
  [TEND_METRIC_REPLY_P90_MINUTES]
  = { "reply_p90_minutes", N_ ("Slow reply time (90th percentile)"), TEND_UNIT_MINUTES, NEUTRAL },
  [TEND_METRIC_REPLY_MEDIAN_WORK_MINUTES]
  = { "reply_median_work_minutes", N_ ("Typical reply time in working hours"), TEND_UNIT_MINUTES,
      NEUTRAL },
  [TEND_METRIC_REPLY_P90_WORK_MINUTES] = { "reply_p90_work_minutes",
                                           N_ ("Slow reply time in working hours (90th "
                                               "percentile)"),
                                           TEND_UNIT_MINUTES, NEUTRAL },
  [TEND_METRIC_ANSWERED_WITHIN_24H_SHARE]
  = { "answered_within_24h_share", N_ ("Replies within a day"), TEND_UNIT_SHARE, HIGHER },
  [TEND_METRIC_COLLABORATORS] = { "collaborators", N_ ("Collaborators"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_NEW_COLLABORATORS]
  = { "new_collaborators", N_ ("New collaborators"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_FADING_COLLABORATORS]
  = { "fading_collaborators", N_ ("Fading collaborators"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_GRATITUDE_SENT] = { "gratitude_sent", N_ ("Thanks given"), TEND_UNIT_COUNT, HIGHER },
  [TEND_METRIC_GRATITUDE_RECEIVED]
  = { "gratitude_received", N_ ("Thanks received"), TEND_UNIT_COUNT, NEUTRAL },
  [TEND_METRIC_APOLOGIES] = { "apologies", N_ ("Apologies"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_HEDGES] = { "hedges", N_ ("Hedges"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_NEGATIVE] = { "negative", N_ ("Negative words"), TEND_UNIT_COUNT, LOWER },
  [TEND_METRIC_QUESTIONS] = { "questions", N_ ("Questions asked"), TEND_UNIT_COUNT, NEUTRAL },
};

#undef NEUTRAL
#undef HIGHER
#undef LOWER

const char *
tend_metric_get_key (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  return metrics[metric].key;
}

const char *
tend_metric_get_title (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  return _ (metrics[metric].title);
}

TendUnit
tend_metric_get_unit (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, TEND_UNIT_COUNT);

  return metrics[metric].unit;
}

TendPolarity
tend_metric_get_polarity (TendMetric metric)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, TEND_POLARITY_NEUTRAL);

  return metrics[metric].polarity;
}

gboolean
tend_metric_from_key (const char *key, TendMetric *out)
{
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint i = 0; i < TEND_N_METRICS; i++)
    if (g_str_equal (key, metrics[i].key))
      {
        if (out != NULL)
          *out = i;
        return TRUE;
      }
  return FALSE;
}

/* "3.5 h", "42 min", "67 %", "12", "2 days"; "—" for an undefined value (NAN). Counts that are
 * not whole (a baseline median between two weeks) keep one decimal. */
char *
tend_metric_format_value (TendMetric metric, double value)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  if (isnan (value))
    return g_strdup ("—");

  switch (metrics[metric].unit)
    {
    case TEND_UNIT_HOURS:
      /* TRANSLATORS: a duration in hours, e.g. "3.5 h" */
      return g_strdup_printf (_ ("%.1f h"), value);
    case TEND_UNIT_MINUTES:
      /* TRANSLATORS: a duration in minutes, e.g. "42 min" */
      return g_strdup_printf (_ ("%.0f min"), value);
    case TEND_UNIT_SHARE:
      /* TRANSLATORS: a percentage, e.g. "67 %" */
      return g_strdup_printf (_ ("%.0f %%"), value * 100.0);
    case TEND_UNIT_DAYS:
      if (value != floor (value))
        /* TRANSLATORS: a fractional number of days, e.g. "2.5 days" */
        return g_strdup_printf (_ ("%.1f days"), value);
      return g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%.0f day", "%.0f days", (gulong) fabs (value)), value);
    case TEND_UNIT_COUNT:
    default:
      if (value != floor (value))
        return g_strdup_printf ("%.1f", value);
      return g_strdup_printf ("%.0f", value);
    }
}

/* Hours to 2 decimals, minutes to 1, shares to 3. Counts and days are whole in a week, but a
 * baseline (the mean of two middle weeks) may fall halfway: 1 decimal keeps it. */
json_t *
tend_unit_value_to_json (TendUnit unit, double value)
{
  double scale;

  if (!isfinite (value))
    return json_null ();

  switch (unit)
    {
    case TEND_UNIT_HOURS:
      scale = 100;
      break;
    case TEND_UNIT_SHARE:
      scale = 1000;
      break;
    case TEND_UNIT_MINUTES:
    case TEND_UNIT_COUNT:
    case TEND_UNIT_DAYS:
    default:
      scale = 10;
      break;
    }
  value = round (value * scale) / scale;
  /* Only magnitudes that json_int_t surely holds become integers: the cast would overflow. */
  if (value == floor (value) && fabs (value) < 1e15)
    return json_integer ((json_int_t) value);
  return json_real (value);
}

json_t *
tend_metric_value_to_json (TendMetric metric, double value)
{
  g_return_val_if_fail (metric < TEND_N_METRICS, NULL);

  return tend_unit_value_to_json (metrics[metric].unit, value);
}
