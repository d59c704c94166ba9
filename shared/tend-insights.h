/* tend-insights.h: a week's figures from the store
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-store.h"
#include "tend-week-report.h"
#include "tend-work-hours.h"

G_BEGIN_DECLS

/* Shortest meeting-free stretch of working time that counts as focus time, in minutes. */
#define TEND_DEFAULT_FOCUS_MINIMUM 120
/* People in a report's list of top collaborators, and at most in its fading and new lists. */
#define TEND_TOP_COLLABORATORS 5
#define TEND_LISTED_COLLABORATORS 10

#define TEND_TYPE_INSIGHTS (tend_insights_get_type ())

/* Computes week reports from a store. Use it on the thread that uses the store: it shares the
 * store's cached statements. */
G_DECLARE_FINAL_TYPE (TendInsights, tend_insights, TEND, INSIGHTS, GObject)

/* The zone weeks are reckoned in: the GSettings key time-zone when set to a known zone, else
 * TZ or the system's zone. */

/* @hours NULL means Monday to Friday, 09:00–17:00. */
TendInsights        *tend_insights_new                (TendStore *store, GTimeZone *tz,
                                                       const TendWorkHours *hours);
/* With the user's zone, working hours and focus minimum from GSettings. */
TendInsights        *tend_insights_new_for_user       (TendStore *store, GError **error);

GTimeZone           *tend_insights_get_time_zone      (TendInsights *self);
const TendWorkHours *tend_insights_get_work_hours     (TendInsights *self);
void                 tend_insights_set_work_hours     (TendInsights *self,
                                                       const TendWorkHours *hours);
guint                tend_insights_get_focus_minimum  (TendInsights *self);
void                 tend_insights_set_focus_minimum  (TendInsights *self, guint minutes);
/* The moment that decides which days of the current week are over (Unix seconds); 0, the
 * default, follows the clock. */
void                 tend_insights_set_now            (TendInsights *self, gint64 unix_time);

/* The week's figures only (no baseline, no series). */
TendWeekReport      *tend_insights_compute_week       (TendInsights *self, const TendWeek *week,
                                                       GError **error);
/* Figures plus the TEND_TREND_WEEKS-week series (this week last) and the baseline (median of
 * the previous TEND_BASELINE_WEEKS weeks). */
TendWeekReport      *tend_insights_compute            (TendInsights *self, const TendWeek *week,
                                                       GError **error);

void                 tend_insights_compute_from_file_async  (gpointer source_object,
                                                             const char *path,
                                                             const TendWeek *week,
                                                             gboolean with_trend,
                                                             GCancellable *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer user_data);
TendWeekReport      *tend_insights_compute_from_file_finish (GAsyncResult *result,
                                                             GError **error);

G_END_DECLS
