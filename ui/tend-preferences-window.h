/* tend-preferences-window.h: schedule, accounts, data and sharing
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-application.h"

G_BEGIN_DECLS

#define TEND_TYPE_PREFERENCES_WINDOW (tend_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TendPreferencesWindow, tend_preferences_window, TEND, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *tend_preferences_window_new (TendApplication *application);

G_END_DECLS
