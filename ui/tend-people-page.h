/* tend-people-page.h: who I worked with this week — visible only to me
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tend-week.h"

G_BEGIN_DECLS

#define TEND_TYPE_PEOPLE_PAGE (tend_people_page_get_type ())

G_DECLARE_FINAL_TYPE (TendPeoplePage, tend_people_page, TEND, PEOPLE_PAGE, GtkWidget)

GtkWidget      *tend_people_page_new          (void);
/* Reads the database at @path read-only; @is_demo marks its people as invented. */
void            tend_people_page_set_database (TendPeoplePage *self, const char *path,
                                               gboolean is_demo);
/* Computes the shown week's lists again, after the agent's DataChanged. */
void            tend_people_page_reload       (TendPeoplePage *self);
const TendWeek *tend_people_page_get_week     (TendPeoplePage *self);
void            tend_people_page_set_week     (TendPeoplePage *self, const TendWeek *week);
/* Whether the lists are being computed. */
gboolean        tend_people_page_get_loading  (TendPeoplePage *self);

G_END_DECLS
