/* tend-token-store.h: OAuth tokens in the Secret Service, and nowhere else
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEND_TOKEN_STORE_ERROR (tend_token_store_error_quark ())

/**
 * TendTokenStoreError:
 * @TEND_TOKEN_STORE_ERROR_CORRUPT: the stored secret is not a token set that Tend wrote
 *
 * Failures of the Secret Service itself (no keyring running, a dismissed unlock prompt,
 * cancellation) come through as libsecret's, D-Bus's or GIO's own errors.
 */
typedef enum
{
  TEND_TOKEN_STORE_ERROR_CORRUPT,
} TendTokenStoreError;

/**
 * TendTokens:
 * @access_token: the bearer token sent with each API request
 * @refresh_token: (nullable): what buys the next access token, if the provider issued one
 * @expires_at: when @access_token expires, in Unix seconds (UTC); 0 if the provider did not say
 * @scope: (nullable): the space-separated scopes the provider granted
 *
 * One account's token set. Never print, log or persist it outside the Secret Service.
 */
typedef struct
{
  char  *access_token;
  char  *refresh_token;
  gint64 expires_at;
  char  *scope;
} TendTokens;

GQuark      tend_token_store_error_quark      (void);

void        tend_tokens_free                  (TendTokens           *tokens);

void        tend_token_store_save_async       (const char           *provider,
                                               const char           *account,
                                               const TendTokens     *tokens,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    tend_token_store_save_finish      (GAsyncResult         *result,
                                               GError              **error);

void        tend_token_store_lookup_async     (const char           *provider,
                                               const char           *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
TendTokens *tend_token_store_lookup_finish    (GAsyncResult         *result,
                                               GError              **error);

void        tend_token_store_clear_async      (const char           *provider,
                                               const char           *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    tend_token_store_clear_finish     (GAsyncResult         *result,
                                               GError              **error);

void        tend_token_store_clear_all_async  (GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    tend_token_store_clear_all_finish (GAsyncResult         *result,
                                               GError              **error);

/* The same, blocking: for a thread that needs a token before it can go on. */
gboolean    tend_token_store_save_sync        (const char           *provider,
                                               const char           *account,
                                               const TendTokens     *tokens,
                                               GCancellable         *cancellable,
                                               GError              **error);
TendTokens *tend_token_store_lookup_sync      (const char           *provider,
                                               const char           *account,
                                               GCancellable         *cancellable,
                                               GError              **error);
gboolean    tend_token_store_clear_sync       (const char           *provider,
                                               const char           *account,
                                               GCancellable         *cancellable,
                                               GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendTokens, tend_tokens_free)

G_END_DECLS
