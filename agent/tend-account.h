/* tend-account.h: one connected account: its sign-in, its tokens and their refresh
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-provider.h"

G_BEGIN_DECLS

/* Shown to the user during a device sign-in (RFC 8628); called in the main context. */
typedef void (*TendAccountDeviceFunc) (const char *user_code, const char *verification_uri,
                                       gint64 expires_at, gpointer user_data);

#define TEND_TYPE_ACCOUNT (tend_account_get_type ())

G_DECLARE_FINAL_TYPE (TendAccount, tend_account, TEND, ACCOUNT, GObject)

/* An account signed in before: its tokens are looked up in the Secret Service when first
 * needed. */
TendAccount  *tend_account_new                 (TendProvider *provider, const char *name);

/* Signs in with the browser (RFC 8252) or, with @device_func, the device grant (RFC 8628);
 * the tokens go to the Secret Service, replacing those of an earlier sign-in to the account,
 * which is named by the ID token's email. A sign-in that ends without an account, cancelled or
 * failed, revokes the tokens it got. */
void          tend_account_sign_in_async       (TendProvider *provider,
                                                TendAccountDeviceFunc device_func,
                                                gpointer device_data,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
TendAccount  *tend_account_sign_in_finish      (GAsyncResult *result, GError **error);

const char   *tend_account_get_name            (TendAccount *self);
TendProvider *tend_account_get_provider        (TendAccount *self);

/* Blocking, for the sync thread; thread-safe. Returns a token valid for at least a minute,
 * refreshing it (and saving a rotated refresh token at once) when needed or when @refresh
 * says the last one was refused. Fails with TEND_API_ERROR_UNAUTHORIZED when the user must
 * sign in again; with a TendOauthError or the keyring's error when that may pass (the provider
 * or the keyring could not be reached). */
char         *tend_account_get_access_token    (TendAccount *self, gboolean refresh,
                                                GCancellable *cancellable, GError **error);

/* Revokes the tokens where the provider offers it (RFC 7009) and removes them from the Secret
 * Service. The tokens are removed even when the revocation fails; a failed revocation alone is
 * no error (it is logged), and the error, if any, is the keyring's. */
void          tend_account_disconnect_async    (TendAccount *self, GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
gboolean      tend_account_disconnect_finish   (TendAccount *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
