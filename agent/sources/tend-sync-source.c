/* tend-sync-source.c: a collection kept in sync with a provider's API
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-sync-source"

#include "config.h"

#include "tend-sync-source.h"

G_DEFINE_INTERFACE (TendSyncSource, tend_sync_source, G_TYPE_OBJECT)

static void
tend_sync_source_default_init (TendSyncSourceInterface *iface)
{
}

/* The names of the collections the source keeps, each with its own cursor in the store. */
const char *const *
tend_sync_source_get_collections (TendSyncSource *self)
{
  g_return_val_if_fail (TEND_IS_SYNC_SOURCE (self), NULL);

  return TEND_SYNC_SOURCE_GET_IFACE (self)->get_collections (self);
}

/* Brings every collection up to date: each page is one transaction that holds its rows and the
 * cursor that follows them, so a sync stopped at any point resumes where it stopped. @report
 * (may be NULL) is zeroed first and then counts what changed, also when the sync fails. */
gboolean
tend_sync_source_sync (TendSyncSource *self, TendStore *store, gint64 account_id,
                       TendSyncProgressFunc progress, gpointer progress_data,
                       TendSyncReport *report, GCancellable *cancellable, GError **error)
{
  TendSyncReport scratch;

  g_return_val_if_fail (TEND_IS_SYNC_SOURCE (self), FALSE);
  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report == NULL)
    report = &scratch;
  *report = (TendSyncReport){ 0 };
  return TEND_SYNC_SOURCE_GET_IFACE (self)->sync (self, store, account_id, progress, progress_data,
                                                  report, cancellable, error);
}
