/* tend-sync-source.h: a collection kept in sync with a provider's API
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-store.h"

G_BEGIN_DECLS

/* What one sync changed, for DataChanged and the first-sync notification. */
typedef struct
{
  guint messages_added;
  guint messages_removed;
  guint events_changed;
  guint events_removed;
  guint skipped; /* items the provider sent that could not be read; logged by reason */
} TendSyncReport;

/* Called from the sync thread after each page. @total is 0 while unknown. */
typedef void (*TendSyncProgressFunc) (const char *collection, guint done, guint total,
                                      gpointer user_data);

#define TEND_TYPE_SYNC_SOURCE (tend_sync_source_get_type ())

G_DECLARE_INTERFACE (TendSyncSource, tend_sync_source, TEND, SYNC_SOURCE, GObject)

struct _TendSyncSourceInterface
{
  GTypeInterface parent_iface;

  const char *const *(*get_collections) (TendSyncSource *self);
  gboolean           (*sync)            (TendSyncSource *self, TendStore *store, gint64 account_id,
                                         TendSyncProgressFunc progress, gpointer progress_data,
                                         TendSyncReport *report, GCancellable *cancellable,
                                         GError **error);
};

const char *const *tend_sync_source_get_collections (TendSyncSource *self);
gboolean           tend_sync_source_sync            (TendSyncSource *self, TendStore *store,
                                                     gint64 account_id,
                                                     TendSyncProgressFunc progress,
                                                     gpointer progress_data,
                                                     TendSyncReport *report,
                                                     GCancellable *cancellable, GError **error);

G_END_DECLS
