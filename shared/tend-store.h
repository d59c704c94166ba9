/* tend-store.h: the local SQLite database
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-event.h"
#include "tend-message.h"

G_BEGIN_DECLS

#define TEND_STORE_ERROR (tend_store_error_quark ())

/**
 * TendStoreError:
 * @TEND_STORE_ERROR_FAILED: any other SQLite failure
 * @TEND_STORE_ERROR_BUSY: another process holds the write lock
 * @TEND_STORE_ERROR_READ_ONLY: the file or its directory cannot be written
 * @TEND_STORE_ERROR_CORRUPT: the file is not an SQLite database, or is damaged
 * @TEND_STORE_ERROR_TOO_NEW: made by a newer Tend, whose schema this build does not know
 * @TEND_STORE_ERROR_NEEDS_UPGRADE: opened read-only but its schema is older than this build's
 * @TEND_STORE_ERROR_NOT_FOUND: opened read-only but the file does not exist
 */
typedef enum
{
  TEND_STORE_ERROR_FAILED,
  TEND_STORE_ERROR_BUSY,
  TEND_STORE_ERROR_READ_ONLY,
  TEND_STORE_ERROR_CORRUPT,
  TEND_STORE_ERROR_TOO_NEW,
  TEND_STORE_ERROR_NEEDS_UPGRADE,
  TEND_STORE_ERROR_NOT_FOUND,
} TendStoreError;

typedef enum
{
  TEND_STORE_OPEN_READ_WRITE = 0,
  TEND_STORE_OPEN_READ_ONLY = 1 << 0,
  /* For a short edit a person waits for: its transactions go before the next batch of an
   * import or sync that holds the write lock, and it waits longer for that lock. */
  TEND_STORE_OPEN_PRIORITY = 1 << 1,
} TendStoreOpenFlags;

typedef struct
{
  gint64 accounts;
  gint64 people;
  gint64 messages;
  gint64 events;
} TendStoreCounts;

#define TEND_TYPE_STORE (tend_store_get_type ())

G_DECLARE_FINAL_TYPE (TendStore, tend_store, TEND, STORE, GObject)

GQuark     tend_store_error_quark        (void);
char      *tend_store_get_default_path   (void);
char      *tend_store_get_demo_path      (void);
gboolean   tend_store_delete_files       (const char *path, GError **error);

TendStore *tend_store_open               (const char *path, TendStoreOpenFlags flags, GError **error);
const char *tend_store_get_path          (TendStore *self);
int        tend_store_get_schema_version (TendStore *self);
gboolean   tend_store_get_counts         (TendStore *self, TendStoreCounts *out, GError **error);
gboolean   tend_store_has_rows           (TendStore *self, gboolean *out, GError **error);
void       tend_store_stop_on_cancel     (TendStore *self, GCancellable *cancellable);

gboolean   tend_store_begin              (TendStore *self, GError **error);
gboolean   tend_store_commit             (TendStore *self, GError **error);
void       tend_store_rollback           (TendStore *self);

gint64     tend_store_ensure_account     (TendStore *self, const char *provider, const char *name,
                                          GError **error);
gint64     tend_store_ensure_person      (TendStore *self, const char *address,
                                          const char *display_name, GError **error);
gboolean   tend_store_add_me             (TendStore *self, const char *address, GError **error);
char     **tend_store_dup_me             (TendStore *self, GError **error);

gboolean   tend_store_add_message        (TendStore *self, gint64 account_id,
                                          const TendMessage *message, gboolean *inserted,
                                          GError **error);
gboolean   tend_store_add_event          (TendStore *self, gint64 account_id,
                                          const TendEvent *event, gboolean *changed,
                                          GError **error);
gboolean   tend_store_prune_series       (TendStore *self, gint64 account_id, const char *uid,
                                          gint64 from, gint64 to, const gint64 *keep,
                                          guint n_keep, guint *n_removed, GError **error);

char      *tend_store_get_cursor         (TendStore *self, gint64 account_id,
                                          const char *collection, GError **error);
gboolean   tend_store_set_cursor         (TendStore *self, gint64 account_id,
                                          const char *collection, const char *cursor,
                                          GError **error);
gboolean   tend_store_clear_cursors      (TendStore *self, gint64 account_id,
                                          const char *collection, GError **error);

gboolean   tend_store_remove_event       (TendStore *self, gint64 account_id, const char *uid,
                                          gint64 recurrence_id, guint *n_removed,
                                          GError **error);

G_END_DECLS
