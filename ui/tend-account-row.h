/* tend-account-row.h: a connected account in the preferences
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEND_TYPE_ACCOUNT_ROW (tend_account_row_get_type ())

G_DECLARE_FINAL_TYPE (TendAccountRow, tend_account_row, TEND, ACCOUNT_ROW, AdwActionRow)

GtkWidget  *tend_account_row_new               (const char *provider, const char *provider_name,
                                                const char *account);
const char *tend_account_row_get_provider      (TendAccountRow *self);
const char *tend_account_row_get_provider_name (TendAccountRow *self);
const char *tend_account_row_get_account       (TendAccountRow *self);
void        tend_account_row_update            (TendAccountRow *self, GVariant *details,
                                                guint64 done, guint64 total);
void        tend_account_row_set_signing_in    (TendAccountRow *self, gboolean signing_in);
void        tend_account_row_set_note          (TendAccountRow *self, const char *note,
                                                gboolean is_error);

G_END_DECLS
