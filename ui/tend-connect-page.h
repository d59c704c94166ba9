/* tend-connect-page.h: after opting in, the way to one's own data
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"

G_BEGIN_DECLS

#define TEND_TYPE_CONNECT_PAGE (tend_connect_page_get_type ())

G_DECLARE_FINAL_TYPE (TendConnectPage, tend_connect_page, TEND, CONNECT_PAGE, AdwBin)

GtkWidget      *tend_connect_page_new          (void);
void            tend_connect_page_set_agent    (TendConnectPage *self, TendDBusAgent1 *agent);
/* Whether the user's database holds anything: it lets the page lead on to the week. */
void            tend_connect_page_set_has_data (TendConnectPage *self, gboolean has_data);
/* Whether a sign-in, a first sync or an import is under way. */
gboolean        tend_connect_page_get_busy     (TendConnectPage *self);
/* The sentence shown in place (an import's summary, an error), or NULL. */
const char     *tend_connect_page_get_message  (TendConnectPage *self);
void            tend_connect_page_import       (TendConnectPage *self, const char *const *paths);
void            tend_connect_page_choose_files (TendConnectPage *self);

G_END_DECLS
