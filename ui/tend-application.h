/* tend-application.h: the window's application, dev.tend.Tend
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"

G_BEGIN_DECLS

#define TEND_TYPE_APPLICATION (tend_application_get_type ())

G_DECLARE_FINAL_TYPE (TendApplication, tend_application, TEND, APPLICATION, AdwApplication)

TendApplication *tend_application_new             (void);
TendDBusAgent1  *tend_application_get_agent       (TendApplication *self);
gboolean         tend_application_get_agent_ready (TendApplication *self);
gboolean         tend_application_get_opted_in    (TendApplication *self);

G_END_DECLS
