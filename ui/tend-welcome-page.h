/* tend-welcome-page.h: what Tend does, and the way in
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"

G_BEGIN_DECLS

#define TEND_TYPE_WELCOME_PAGE (tend_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (TendWelcomePage, tend_welcome_page, TEND, WELCOME_PAGE, AdwBin)

GtkWidget      *tend_welcome_page_new       (void);
TendDBusAgent1 *tend_welcome_page_get_agent (TendWelcomePage *self);
void            tend_welcome_page_set_agent (TendWelcomePage *self, TendDBusAgent1 *agent);

G_END_DECLS
