/* tend-export.h: everything Tend stores, in a file the user owns
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-store.h"

G_BEGIN_DECLS

typedef enum
{
  TEND_EXPORT_JSON,
  TEND_EXPORT_CSV,
} TendExportFormat;

gboolean tend_export_format_from_string (const char *text, TendExportFormat *out, GError **error);
gboolean tend_export_write              (TendStore *store, TendExportFormat format,
                                         GOutputStream *out, GCancellable *cancellable,
                                         GError **error);

G_END_DECLS
