/* tend-settings.h: the user's settings (GSettings dev.tend.Tend), when the schema is installed
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *tend_settings_new_if_installed (void);
GTimeZone *tend_settings_get_time_zone    (void);

G_END_DECLS
