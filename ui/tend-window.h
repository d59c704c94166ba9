/* tend-window.h: Tend's main window
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-application.h"
#include "tend-week.h"

G_BEGIN_DECLS

#define TEND_TYPE_WINDOW (tend_window_get_type ())

G_DECLARE_FINAL_TYPE (TendWindow, tend_window, TEND, WINDOW, AdwApplicationWindow)

TendWindow *tend_window_new              (TendApplication *application);
void        tend_window_show_week        (TendWindow *self, const TendWeek *week);
const char *tend_window_get_visible_page (TendWindow *self);
const char *tend_window_get_visible_view (TendWindow *self);
gboolean    tend_window_get_is_demo      (TendWindow *self);

G_END_DECLS
