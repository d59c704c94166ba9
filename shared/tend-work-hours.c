/* tend-work-hours.c: which hours of each weekday are working time
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-work-hours"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "tend-settings.h"
#include "tend-work-hours.h"

#define MINUTES_PER_DAY 1440

G_DEFINE_QUARK (tend_work_hours_error_quark, tend_work_hours_error)

/* Command-line syntax, not prose: these stay English in every locale. */
static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

void
tend_work_hours_init_default (TendWorkHours *hours)
{
  g_return_if_fail (hours != NULL);

  memset (hours, 0, sizeof *hours);
  for (guint i = 0; i < 5; i++)
    {
      hours->days[i].start = 9 * 60;
      hours->days[i].end = 17 * 60;
    }
}

gboolean
tend_work_hours_is_day_off (const TendWorkHours *hours, guint day)
{
  g_return_val_if_fail (hours != NULL, TRUE);
  g_return_val_if_fail (day < 7, TRUE);

  return hours->days[day].start >= hours->days[day].end;
}

gboolean
tend_work_hours_from_variant (TendWorkHours *hours, GVariant *variant, GError **error)
{
  TendWorkHours parsed = { 0 };
  gboolean      seen[7] = { FALSE };
  GVariantIter  iter;
  guint8        weekday;
  guint16       start, end;

  g_return_val_if_fail (hours != NULL, FALSE);
  g_return_val_if_fail (variant != NULL, FALSE);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE ("a(yqq)")))
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("Working hours must be a list of (weekday, start minute, end minute), not "
                      "of type %s"),
                   g_variant_get_type_string (variant));
      return FALSE;
    }

  g_variant_iter_init (&iter, variant);
  while (g_variant_iter_next (&iter, "(yqq)", &weekday, &start, &end))
    {
      if (weekday < 1 || weekday > 7 || seen[weekday - 1] || start > end || end > MINUTES_PER_DAY)
        {
          g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                       _ ("Invalid working hours (%u, %u, %u): each weekday 1–7 at most once, "
                          "from a start to a later end minute within the day"),
                       weekday, start, end);
          return FALSE;
        }
      seen[weekday - 1] = TRUE;
      parsed.days[weekday - 1].start = start;
      parsed.days[weekday - 1].end = end;
    }

  *hours = parsed;
  return TRUE;
}

GVariant *
tend_work_hours_to_variant (const TendWorkHours *hours)
{
  GVariantBuilder builder;

  g_return_val_if_fail (hours != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(yqq)"));
  for (guint i = 0; i < 7; i++)
    if (!tend_work_hours_is_day_off (hours, i))
      g_variant_builder_add (&builder, "(yqq)", (guint8) (i + 1), hours->days[i].start,
                             hours->days[i].end);
  return g_variant_builder_end (&builder);
}

static int
parse_day (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
    if (g_ascii_strcasecmp (text, day_names[i]) == 0)
      return i;
  return -1;
}

/* "9:00", "09:30" or "24:00" → minutes after midnight, or -1. */
static int
parse_time (const char *text, const char **end)
{
  int hour = 0, minute = 0, digits = 0;

  for (; g_ascii_isdigit (*text) && digits < 2; text++, digits++)
    hour = hour * 10 + (*text - '0');
  if (digits == 0 || *text++ != ':')
    return -1;
  if (!g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]))
    return -1;
  minute = (text[0] - '0') * 10 + (text[1] - '0');
  *end = text + 2;
  if (minute > 59 || hour * 60 + minute > MINUTES_PER_DAY)
    return -1;
  return hour * 60 + minute;
}

static gboolean
parse_entry (TendWorkHours *hours, gboolean seen[7], const char *entry, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (entry, " \t", -1);
  const char *days = NULL, *times = NULL, *end = NULL;
  g_auto (GStrv) range = NULL;
  int first, last, start, stop;

  /* Exactly two non-empty words: the days and the times. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (days == NULL)
        days = parts[i];
      else if (times == NULL)
        times = parts[i];
      else
        goto invalid;
    }
  if (days == NULL || times == NULL)
    goto invalid;

  range = g_strsplit (days, "-", 2);
  first = parse_day (range[0]);
  last = range[1] != NULL ? parse_day (range[1]) : first;
  if (first < 0 || last < 0)
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("“%s” is not a weekday or a range of weekdays such as mon-fri"), days);
      return FALSE;
    }
  if (last < first)
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("The weekdays “%s” run backwards; write them from Monday towards Sunday"),
                   days);
      return FALSE;
    }

  if ((start = parse_time (times, &end)) < 0 || *end++ != '-' || (stop = parse_time (end, &end)) < 0
      || *end != '\0')
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("“%s” is not a time range such as 09:00-17:00"), times);
      return FALSE;
    }
  if (stop <= start)
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("The working time “%s” ends before it starts"), times);
      return FALSE;
    }

  for (int day = first; day <= last; day++)
    {
      if (seen[day])
        {
          g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                       _ ("Working hours for “%s” are given twice"), day_names[day]);
          return FALSE;
        }
      seen[day] = TRUE;
      hours->days[day].start = start;
      hours->days[day].end = stop;
    }
  return TRUE;

invalid:
  g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
               _ ("“%s” is not of the form “mon-fri 09:00-17:00”"), entry);
  return FALSE;
}

gboolean
tend_work_hours_parse (TendWorkHours *hours, const char *text, GError **error)
{
  TendWorkHours    parsed = { 0 };
  gboolean         seen[7] = { FALSE };
  g_autofree char *stripped = NULL;
  g_auto (GStrv) entries = NULL;

  g_return_val_if_fail (hours != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  if (g_ascii_strcasecmp (stripped, "none") == 0)
    {
      *hours = parsed;
      return TRUE;
    }
  if (*stripped == '\0')
    {
      g_set_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID,
                   _ ("No working hours given; write them as “mon-fri 09:00-17:00”, or “none”"));
      return FALSE;
    }

  entries = g_strsplit (stripped, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    if (!parse_entry (&parsed, seen, g_strstrip (entries[i]), error))
      return FALSE;

  *hours = parsed;
  return TRUE;
}

/* Canonical text: runs of consecutive weekdays with the same hours are joined ("mon-fri"). */
char *
tend_work_hours_to_string (const TendWorkHours *hours)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (hours != NULL, NULL);

  for (guint day = 0; day < 7;)
    {
      const TendWorkDay *wd = &hours->days[day];
      guint              last = day;

      if (tend_work_hours_is_day_off (hours, day))
        {
          day++;
          continue;
        }
      while (last + 1 < 7 && hours->days[last + 1].start == wd->start
             && hours->days[last + 1].end == wd->end)
        last++;

      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append (text, day_names[day]);
      if (last > day)
        g_string_append_printf (text, "-%s", day_names[last]);
      g_string_append_printf (text, " %02u:%02u-%02u:%02u", wd->start / 60, wd->start % 60,
                              wd->end / 60, wd->end % 60);
      day = last + 1;
    }

  if (text->len == 0)
    g_string_append (text, "none");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
tend_work_hours_load (TendWorkHours *hours, GError **error)
{
  g_autoptr (GSettings) settings = tend_settings_new_if_installed ();
  g_autoptr (GVariant) value = NULL;

  g_return_val_if_fail (hours != NULL, FALSE);

  if (settings == NULL)
    {
      tend_work_hours_init_default (hours);
      return TRUE;
    }

  value = g_settings_get_value (settings, "working-hours");
  return tend_work_hours_from_variant (hours, value, error);
}
