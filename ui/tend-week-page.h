/* tend-week-page.h: how my week went, against my usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-dbus.h"
#include "tend-week.h"

G_BEGIN_DECLS

#define TEND_TYPE_WEEK_PAGE (tend_week_page_get_type ())

G_DECLARE_FINAL_TYPE (TendWeekPage, tend_week_page, TEND, WEEK_PAGE, GtkWidget)

GtkWidget      *tend_week_page_new          (void);
/* Reads the database at @path read-only; @is_demo marks its figures as invented. */
void            tend_week_page_set_database (TendWeekPage *self, const char *path,
                                             gboolean is_demo);
/* Computes the shown week again, after the agent's DataChanged. */
void            tend_week_page_reload       (TendWeekPage *self);
const TendWeek *tend_week_page_get_week     (TendWeekPage *self);
void            tend_week_page_set_week     (TendWeekPage *self, const TendWeek *week);
/* Whether a report is being computed. */
gboolean        tend_week_page_get_loading  (TendWeekPage *self);
/* The agent that dismisses and snoozes nudges and adds and removes goals; NULL while it is not
 * running, which leaves those controls insensitive. */
TendDBusAgent1 *tend_week_page_get_agent    (TendWeekPage *self);
void            tend_week_page_set_agent    (TendWeekPage *self, TendDBusAgent1 *agent);
/* While the first sync runs, a week without data says so rather than "no data". */
gboolean        tend_week_page_get_syncing  (TendWeekPage *self);
void            tend_week_page_set_syncing  (TendWeekPage *self, gboolean syncing);

G_END_DECLS
