/* tend-week.h: ISO 8601 weeks in the user's time zone
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEND_WEEK_ERROR (tend_week_error_quark ())

typedef enum
{
  TEND_WEEK_ERROR_INVALID,
} TendWeekError;

/* An ISO 8601 week: weeks start on Monday and week 1 is the week that holds the year's first
 * Thursday, so "year" is the week-numbering year (2026-12-31 is in 2026-W53 but 2025-12-29 is
 * in 2026-W01). */
typedef struct
{
  int year;
  int week;
} TendWeek;

GQuark     tend_week_error_quark     (void);
gboolean   tend_week_parse           (const char *text, TendWeek *out, GError **error);
char      *tend_week_to_string       (const TendWeek *week);
void       tend_week_from_date_time  (GDateTime *date_time, TendWeek *out);
void       tend_week_from_unix       (gint64 unix_time, GTimeZone *tz, TendWeek *out);
void       tend_week_current         (GTimeZone *tz, TendWeek *out);
void       tend_week_add             (const TendWeek *week, int weeks, TendWeek *out);
int        tend_week_compare         (const TendWeek *a, const TendWeek *b);
int        tend_week_weeks_in_year   (int year);
GDateTime *tend_week_get_day         (const TendWeek *week, int day, GTimeZone *tz);
GDateTime *tend_week_get_start       (const TendWeek *week, GTimeZone *tz);
GDateTime *tend_week_get_end         (const TendWeek *week, GTimeZone *tz);

G_END_DECLS
