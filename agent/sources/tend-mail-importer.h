/* tend-mail-importer.h: mail files (mbox, Maildir, .eml) into the store
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-import-report.h"
#include "tend-store.h"

G_BEGIN_DECLS

#define TEND_TYPE_MAIL_IMPORTER (tend_mail_importer_get_type ())

G_DECLARE_FINAL_TYPE (TendMailImporter, tend_mail_importer, TEND, MAIL_IMPORTER, GObject)

TendMailImporter *tend_mail_importer_new         (TendStore *store, gint64 account_id);
gboolean          tend_mail_importer_can_import  (const char *path);
gboolean          tend_mail_importer_import_file (TendMailImporter *self, const char *path,
                                                  TendImportReport *report,
                                                  GCancellable *cancellable, GError **error);
gboolean          tend_mail_importer_finish      (TendMailImporter *self, TendImportReport *report,
                                                  GError **error);

G_END_DECLS
