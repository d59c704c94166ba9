/* tend-store-private.h: what the rest of libtend needs of the store's insides
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "tend-store.h"

G_BEGIN_DECLS

/* The schema version a store opened read-write is migrated to. */
#define TEND_STORE_SCHEMA_VERSION 3

sqlite3      *_tend_store_get_db       (TendStore *self);
sqlite3_stmt *_tend_store_prepare      (TendStore *self, const char *sql, GError **error);
gboolean      _tend_store_set_error    (TendStore *self, int rc, GError **error);
gboolean      _tend_store_migrate      (sqlite3 *db, int target_version, GError **error);
gint64        _tend_store_hash_id      (const char *provider_id);

G_END_DECLS
