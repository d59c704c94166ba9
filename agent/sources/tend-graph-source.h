/* tend-graph-source.h: Microsoft Graph: Inbox and Sent Items, the calendar, Teams chats
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "tend-api-client.h"
#include "tend-sync-source.h"

G_BEGIN_DECLS

#define TEND_TYPE_GRAPH_SOURCE (tend_graph_source_get_type ())

G_DECLARE_FINAL_TYPE (TendGraphSource, tend_graph_source, TEND, GRAPH_SOURCE, GObject)

/* @base_url is "https://graph.microsoft.com/v1.0" in production. */
TendGraphSource *tend_graph_source_new           (TendApiClient *client, const char *base_url);
void             tend_graph_source_set_page_size (TendGraphSource *self, guint page_size);

G_END_DECLS
