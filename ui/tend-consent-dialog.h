/* tend-consent-dialog.h: what sharing would send, to whom, before the person agrees
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"

G_BEGIN_DECLS

#define TEND_TYPE_CONSENT_DIALOG (tend_consent_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TendConsentDialog, tend_consent_dialog, TEND, CONSENT_DIALOG, AdwWindow)

GtkWidget  *tend_consent_dialog_new         (GtkWindow *parent, TendDBusAgent1 *agent,
                                             const char *organization, const char *collector);
gboolean    tend_consent_dialog_get_loading (TendConsentDialog *self);
const char *tend_consent_dialog_get_week    (TendConsentDialog *self);
const char *tend_consent_dialog_get_payload (TendConsentDialog *self);
const char *tend_consent_dialog_get_error   (TendConsentDialog *self);

G_END_DECLS
