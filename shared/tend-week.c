/* tend-week.c: ISO 8601 weeks in the user's time zone
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-week"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "tend-week.h"

G_DEFINE_QUARK (tend_week_error_quark, tend_week_error)

/* The Monday of week 1 of an ISO year as a GDate: the week holding January 4th. */
static void
week_one_monday (int year, GDate *out)
{
  g_date_clear (out, 1);
  g_date_set_dmy (out, 4, G_DATE_JANUARY, year);
  g_date_subtract_days (out, g_date_get_weekday (out) - G_DATE_MONDAY);
}

int
tend_week_weeks_in_year (int year)
{
  GDate date;

  /* December 28th is always in the last ISO week of its year. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 28, G_DATE_DECEMBER, year);
  return g_date_get_iso8601_week_of_year (&date);
}

gboolean
tend_week_parse (const char *text, TendWeek *out, GError **error)
{
  g_autofree char *upper = NULL;
  char            *end = NULL;
  gint64           year, week;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  upper = g_ascii_strup (text, -1);

  if (!g_ascii_isdigit (upper[0]))
    goto invalid;
  year = g_ascii_strtoll (upper, &end, 10);
  if (end - upper != 4 || end[0] != '-' || end[1] != 'W' || !g_ascii_isdigit (end[2]))
    goto invalid;
  week = g_ascii_strtoll (end + 2, &end, 10);
  if (*end != '\0' || year < 1 || year > 9998 || week < 1 || week > tend_week_weeks_in_year (year))
    goto invalid;

  out->year = year;
  out->week = week;
  return TRUE;

invalid:
  g_set_error (error, TEND_WEEK_ERROR, TEND_WEEK_ERROR_INVALID,
               _ ("“%s” is not an ISO week; write it as YYYY-Www, for example 2026-W09"), text);
  return FALSE;
}

char *
tend_week_to_string (const TendWeek *week)
{
  g_return_val_if_fail (week != NULL, NULL);

  return g_strdup_printf ("%04d-W%02d", week->year, week->week);
}

void
tend_week_from_date_time (GDateTime *date_time, TendWeek *out)
{
  g_return_if_fail (date_time != NULL);
  g_return_if_fail (out != NULL);

  out->year = g_date_time_get_week_numbering_year (date_time);
  out->week = g_date_time_get_week_of_year (date_time);
}

void
tend_week_from_unix (gint64 unix_time, GTimeZone *tz, TendWeek *out)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, tz);

  tend_week_from_date_time (local, out);
}

void
tend_week_current (GTimeZone *tz, TendWeek *out)
{
  g_autoptr (GDateTime) now = g_date_time_new_now (tz);

  tend_week_from_date_time (now, out);
}

void
tend_week_add (const TendWeek *week, int weeks, TendWeek *out)
{
  GDate thursday;
  int   days;

  g_return_if_fail (week != NULL);
  g_return_if_fail (out != NULL);

  /* An ISO week belongs to the year that holds its Thursday. */
  week_one_monday (week->year, &thursday);
  days = 7 * (week->week - 1 + weeks) + 3;
  if (days >= 0)
    g_date_add_days (&thursday, days);
  else
    g_date_subtract_days (&thursday, -days);

  out->year = g_date_get_year (&thursday);
  out->week = g_date_get_iso8601_week_of_year (&thursday);
}

int
tend_week_compare (const TendWeek *a, const TendWeek *b)
{
  if (a->year != b->year)
    return a->year < b->year ? -1 : 1;
  if (a->week != b->week)
    return a->week < b->week ? -1 : 1;
  return 0;
}

/* Local midnight that opens day @day (0 = Monday … 7 = the next Monday) of @week in @tz. Where
 * midnight does not exist (a DST jump at 00:00) GLib moves forward to the first valid instant. */
GDateTime *
tend_week_get_day (const TendWeek *week, int day, GTimeZone *tz)
{
  GDate date;

  g_return_val_if_fail (week != NULL, NULL);
  g_return_val_if_fail (day >= 0 && day <= 7, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  week_one_monday (week->year, &date);
  g_date_add_days (&date, 7 * (week->week - 1) + day);
  return g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date), 0, 0, 0);
}

GDateTime *
tend_week_get_start (const TendWeek *week, GTimeZone *tz)
{
  return tend_week_get_day (week, 0, tz);
}

GDateTime *
tend_week_get_end (const TendWeek *week, GTimeZone *tz)
{
  return tend_week_get_day (week, 7, tz);
}
