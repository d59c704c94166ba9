/* tend-coach.h: advice on a week, measured against my own usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-nudge.h"
#include "tend-store.h"
#include "tend-week-report.h"
#include "tend-week.h"

G_BEGIN_DECLS

/* Most nudges one week's advice holds: a handful is read, a list is skimmed. */
#define TEND_COACH_MAX_NUDGES 5

#define TEND_TYPE_COACH (tend_coach_get_type ())

G_DECLARE_FINAL_TYPE (TendCoach, tend_coach, TEND, COACH, GObject)

/* @store holds the nudges I dismissed or snoozed. */
TendCoach *tend_coach_new           (TendStore *store);
/* The moment snoozes are measured against and that decides whether a week is over (Unix
 * seconds); 0, the default, follows the clock. */
void       tend_coach_set_now       (TendCoach *self, gint64 unix_time);

/* (element-type TendNudge): at most TEND_COACH_MAX_NUDGES, most important first, with praise
 * among them when any was earned, without those dismissed for the report's week or snoozed
 * until later than now. Empty for a week without data. */
GPtrArray *tend_coach_advise        (TendCoach *self, TendWeekReport *report, GError **error);
/* Hides @nudge_id from @week's advice for good. */
gboolean   tend_coach_dismiss       (TendCoach *self, const char *nudge_id, const TendWeek *week,
                                     GError **error);
/* Hides @nudge_id from the advice for @week and later weeks until @until. */
gboolean   tend_coach_snooze        (TendCoach *self, const char *nudge_id, const TendWeek *week,
                                     GDateTime *until, GError **error);

/* The change from @baseline to @value as the coach writes it ("+30 %"), or NULL when it has no
 * meaning (an undefined figure, or a usual week of zero). */
char      *tend_coach_format_change (double value, double baseline);

G_END_DECLS
