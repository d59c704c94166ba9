/* tend-work-hours.h: which hours of each weekday are working time
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEND_WORK_HOURS_ERROR (tend_work_hours_error_quark ())

typedef enum
{
  TEND_WORK_HOURS_ERROR_INVALID,
} TendWorkHoursError;

/* One weekday's working time, in minutes after local midnight (0 … 1440). start == end is a
 * day off. Working time never crosses midnight. */
typedef struct
{
  guint16 start;
  guint16 end;
} TendWorkDay;

/* days[0] is Monday … days[6] is Sunday (ISO 8601 weekday − 1). */
typedef struct
{
  TendWorkDay days[7];
} TendWorkHours;

GQuark    tend_work_hours_error_quark  (void);
void      tend_work_hours_init_default (TendWorkHours *hours);
gboolean  tend_work_hours_is_day_off   (const TendWorkHours *hours, guint day);
/* GVariant type "a(yqq)": (ISO weekday 1 … 7, start minute, end minute), as in the GSettings
 * key working-hours. Weekdays that are not listed are days off. */
gboolean  tend_work_hours_from_variant (TendWorkHours *hours, GVariant *variant, GError **error);
GVariant *tend_work_hours_to_variant   (const TendWorkHours *hours);
/* Text such as "mon-fri 09:00-17:00,sat 10:00-12:00" (or "none"), as tendctl --hours takes and
 * prints it. */
gboolean  tend_work_hours_parse        (TendWorkHours *hours, const char *text, GError **error);
char     *tend_work_hours_to_string    (const TendWorkHours *hours);
/* The user's working hours from GSettings (dev.tend.Tend working-hours) when the schema is
 * installed, Monday to Friday 09:00–17:00 otherwise. */
gboolean  tend_work_hours_load         (TendWorkHours *hours, GError **error);

G_END_DECLS
