/* tend-sync-scheduler.h: the database's single writer: account syncs and file imports, in turn
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-provider.h"

G_BEGIN_DECLS

/**
 * TendSyncState:
 * @TEND_SYNC_STATE_IDLE: up to date, or never synced yet
 * @TEND_SYNC_STATE_SYNCING: a sync runs now
 * @TEND_SYNC_STATE_WAITING: queued behind another sync or an import
 * @TEND_SYNC_STATE_OFFLINE: the provider cannot be reached; retried when the network changes
 * @TEND_SYNC_STATE_PAUSED: the user paused collection
 * @TEND_SYNC_STATE_NEEDS_SIGN_IN: the provider refused the tokens: the user must sign in again
 * @TEND_SYNC_STATE_ERROR: the last sync failed; retried at the next interval
 */
typedef enum
{
  TEND_SYNC_STATE_IDLE,
  TEND_SYNC_STATE_SYNCING,
  TEND_SYNC_STATE_WAITING,
  TEND_SYNC_STATE_OFFLINE,
  TEND_SYNC_STATE_PAUSED,
  TEND_SYNC_STATE_NEEDS_SIGN_IN,
  TEND_SYNC_STATE_ERROR,
} TendSyncState;

const char *tend_sync_state_to_string (TendSyncState state);

#define TEND_TYPE_SYNC_SCHEDULER (tend_sync_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (TendSyncScheduler, tend_sync_scheduler, TEND, SYNC_SCHEDULER, GObject)

TendSyncScheduler *tend_sync_scheduler_new            (void);

void               tend_sync_scheduler_add_account    (TendSyncScheduler *self,
                                                       TendProvider *provider,
                                                       const char *name, gint64 last_sync);
void               tend_sync_scheduler_remove_account_async  (TendSyncScheduler *self,
                                                              const char *provider_id,
                                                              const char *name,
                                                              GAsyncReadyCallback callback,
                                                              gpointer user_data);
gboolean           tend_sync_scheduler_remove_account_finish (TendSyncScheduler *self,
                                                              GAsyncResult *result,
                                                              GError **error);
gint64             tend_sync_scheduler_get_last_sync  (TendSyncScheduler *self,
                                                       const char *provider_id,
                                                       const char *name);
char             **tend_sync_scheduler_dup_account_keys (TendSyncScheduler *self);

void               tend_sync_scheduler_sync_now       (TendSyncScheduler *self);
void               tend_sync_scheduler_set_paused     (TendSyncScheduler *self, gboolean paused);
void               tend_sync_scheduler_set_interval   (TendSyncScheduler *self, guint seconds);

void               tend_sync_scheduler_import_async   (TendSyncScheduler *self,
                                                       const char *const *paths,
                                                       const char *const *me,
                                                       GAsyncReadyCallback callback,
                                                       gpointer user_data);
GVariant          *tend_sync_scheduler_import_finish  (TendSyncScheduler *self,
                                                       GAsyncResult *result, GError **error);

void               tend_sync_scheduler_stop_async     (TendSyncScheduler *self,
                                                       GAsyncReadyCallback callback,
                                                       gpointer user_data);
gboolean           tend_sync_scheduler_stop_finish    (TendSyncScheduler *self,
                                                       GAsyncResult *result, GError **error);

GVariant          *tend_sync_scheduler_describe_accounts (TendSyncScheduler *self);
GVariant          *tend_sync_scheduler_describe_sources  (TendSyncScheduler *self);
TendSyncState      tend_sync_scheduler_get_overall_state (TendSyncScheduler *self,
                                                          guint *done, guint *total);

G_END_DECLS
