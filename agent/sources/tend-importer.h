/* tend-importer.h: imports files and folders of mail and calendars
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-import-report.h"
#include "tend-store.h"

G_BEGIN_DECLS

/* Called after each file with the number of files done and found so far. */
typedef void (*TendImportProgressFunc) (guint files_done, guint files_total, gpointer user_data);

#define TEND_TYPE_IMPORTER (tend_importer_get_type ())

G_DECLARE_FINAL_TYPE (TendImporter, tend_importer, TEND, IMPORTER, GObject)

TendImporter *tend_importer_new          (TendStore *store);
void          tend_importer_set_progress (TendImporter *self, TendImportProgressFunc func,
                                          gpointer user_data);
gboolean      tend_importer_run          (TendImporter *self, const char *const *paths,
                                          TendImportReport *report, GCancellable *cancellable,
                                          GError **error);

G_END_DECLS
