/* tend-agent-util.h: what the window's views say about the agent's answers
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-dbus.h"

G_BEGIN_DECLS

/* ConnectAccount waits for the person in their browser or on another device. The agent gives up
 * by itself when the browser never comes back or the device code expires (providers' codes last
 * up to half an hour), so the call only has to outlast that. */
#define TEND_CONNECT_ACCOUNT_TIMEOUT_MS (40 * 60 * 1000)

char       *tend_agent_error_describe  (const GError *error);
const char *tend_provider_display_name (const char   *id,
                                        const char   *name);
char       *tend_device_code_describe  (const char   *user_code,
                                        const char   *verification_uri);

void        tend_agent_connect_account        (GDBusProxy          *agent,
                                               const char          *provider,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char       *tend_agent_connect_account_finish (GDBusProxy          *agent,
                                               GAsyncResult        *result,
                                               GError             **error);

gboolean    tend_agent_account_in_first_sync  (GVariant            *details);
void        tend_agent_account_progress       (TendDBusAgent1      *agent,
                                               const char          *provider,
                                               const char          *account,
                                               guint64             *done,
                                               guint64             *total);

G_END_DECLS
