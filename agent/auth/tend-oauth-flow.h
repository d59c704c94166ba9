/* tend-oauth-flow.h: sign-in with the RFC 8252 native-app flow (authorization code + PKCE)
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-token-store.h"

G_BEGIN_DECLS

#define TEND_OAUTH_ERROR (tend_oauth_error_quark ())

/**
 * TendOauthError:
 * @TEND_OAUTH_ERROR_DISCOVERY: the provider's OpenID configuration or keys could not be read
 * @TEND_OAUTH_ERROR_TIMEOUT: the browser did not come back in time, or a device code expired
 *   before the user approved it (RFC 8628 `expired_token`)
 * @TEND_OAUTH_ERROR_DENIED: the provider answered the authorization request with an error, or
 *   the user turned the device sign-in down (RFC 8628 `access_denied`)
 * @TEND_OAUTH_ERROR_TOKEN_REQUEST: the token endpoint refused the code or answered nonsense
 * @TEND_OAUTH_ERROR_INVALID_ID_TOKEN: the ID token failed verification
 * @TEND_OAUTH_ERROR_REVOCATION: the revocation endpoint refused
 * @TEND_OAUTH_ERROR_PENDING: the user has not approved the device sign-in yet (RFC 8628
 *   `authorization_pending`): poll again after the interval
 * @TEND_OAUTH_ERROR_SLOW_DOWN: the provider asks to poll less often (RFC 8628 `slow_down`): add
 *   5 seconds to the interval for this and every later poll (§3.5)
 * @TEND_OAUTH_ERROR_INVALID_GRANT: the provider refused a refresh token as expired, revoked or
 *   replayed (RFC 6749 §5.2 `invalid_grant`): only a new sign-in helps
 * @TEND_OAUTH_ERROR_NETWORK: the provider gave no HTTP answer at all (unreachable, refused
 *   connection, timeout): trying again later may help, where every other code is an answer
 */
typedef enum
{
  TEND_OAUTH_ERROR_DISCOVERY,
  TEND_OAUTH_ERROR_TIMEOUT,
  TEND_OAUTH_ERROR_DENIED,
  TEND_OAUTH_ERROR_TOKEN_REQUEST,
  TEND_OAUTH_ERROR_INVALID_ID_TOKEN,
  TEND_OAUTH_ERROR_REVOCATION,
  TEND_OAUTH_ERROR_PENDING,
  TEND_OAUTH_ERROR_SLOW_DOWN,
  TEND_OAUTH_ERROR_INVALID_GRANT,
  TEND_OAUTH_ERROR_NETWORK,
} TendOauthError;

/**
 * TendOauthDiscovery:
 * @issuer: the issuer the provider's configuration names; for Microsoft's multi-tenant
 *   endpoints a pattern with `{tenantid}` in it (see tend_oauth_issuer_matches())
 * @authorization_endpoint: where the browser is sent
 * @token_endpoint: where codes, refresh tokens and device codes are traded for tokens
 * @jwks_uri: the provider's signing keys
 * @revocation_endpoint: (nullable): the RFC 7009 endpoint, when the provider has one
 * @device_authorization_endpoint: (nullable): the RFC 8628 endpoint, when the provider has one
 *
 * What a provider's OpenID configuration says (OpenID Connect Discovery 1.0 §3). Reference
 * counted and never changed once read, so threads may share it.
 */
typedef struct
{
  char *issuer;
  char *authorization_endpoint;
  char *token_endpoint;
  char *jwks_uri;
  char *revocation_endpoint;
  char *device_authorization_endpoint;
} TendOauthDiscovery;

TendOauthDiscovery *tend_oauth_discover        (const char *issuer, GError **error);
TendOauthDiscovery *tend_oauth_discovery_ref   (TendOauthDiscovery *discovery);
void                tend_oauth_discovery_unref (TendOauthDiscovery *discovery);
gboolean            tend_oauth_issuer_matches  (const char *issuer, const char *iss,
                                                const char *tid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendOauthDiscovery, tend_oauth_discovery_unref)

/**
 * TendDeviceAuthorization:
 * @device_code: what the device presents when it polls; a secret, never shown or logged
 * @user_code: the short code the user types at @verification_uri
 * @verification_uri: where the user goes, on any device, to approve the sign-in
 * @verification_uri_complete: (nullable): @verification_uri with @user_code in it, if the
 *   provider offers one (for a QR code, say)
 * @interval: the seconds to wait between polls; 5 when the provider did not say (RFC 8628 §3.2)
 * @expires_at: when @device_code expires, in Unix seconds (UTC)
 *
 * The provider's answer to a device authorization request (RFC 8628 §3.2).
 */
typedef struct
{
  char  *device_code;
  char  *user_code;
  char  *verification_uri;
  char  *verification_uri_complete;
  guint  interval;
  gint64 expires_at;
} TendDeviceAuthorization;

void tend_device_authorization_free (TendDeviceAuthorization *authorization);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendDeviceAuthorization, tend_device_authorization_free)

/**
 * TendOauthOpenUri:
 * @uri: the authorization URL to show to the user
 * @user_data: the data given with the callback
 * @error: return location for an error
 *
 * Opens @uri in a browser. The agent uses the desktop's default handler; tests use a
 * scripted browser. Returns %FALSE with @error set when no browser could be started.
 */
typedef gboolean (*TendOauthOpenUri) (const char *uri, gpointer user_data, GError **error);

#define TEND_TYPE_OAUTH_FLOW (tend_oauth_flow_get_type ())
G_DECLARE_FINAL_TYPE (TendOauthFlow, tend_oauth_flow, TEND, OAUTH_FLOW, GObject)

GQuark tend_oauth_error_quark (void);

TendOauthFlow *tend_oauth_flow_new (const char *issuer, const char *client_id, const char *scope);
void           tend_oauth_flow_set_client_secret (TendOauthFlow *self, const char *client_secret);
void           tend_oauth_flow_set_authorization_parameters (TendOauthFlow     *self,
                                                             const char *const *parameters);
void           tend_oauth_flow_set_timeout (TendOauthFlow *self, guint seconds);
void           tend_oauth_flow_set_discovery (TendOauthFlow *self, TendOauthDiscovery *discovery);
void           tend_oauth_flow_sign_in_async (TendOauthFlow *self, TendOauthOpenUri open_uri,
                                              gpointer open_uri_data, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
TendTokens *tend_oauth_flow_sign_in_finish (TendOauthFlow *self, GAsyncResult *result, char **email,
                                            GError **error);

/* The protocol steps the flow is made of. The blocking ones (HTTP) belong in a thread. A
 * client_secret is %NULL for a public client; when set, it goes with every request to the
 * token and revocation endpoints. */
char       *tend_oauth_random_string (GError **error);
char       *tend_oauth_pkce_challenge (const char *verifier);
char       *tend_oauth_authorization_url (const char *authorization_endpoint, const char *client_id,
                                          const char *redirect_uri, const char *scope, const char *state,
                                          const char *nonce, const char *challenge,
                                          const char *const *extra_parameters);
char       *tend_oauth_http_get (const char *url, GError **error);
TendTokens *tend_oauth_exchange_code (const char *token_endpoint, const char *client_id,
                                      const char *client_secret, const char *redirect_uri,
                                      const char *code, const char *verifier, char **id_token,
                                      GError **error);
TendTokens *tend_oauth_refresh (const char *token_endpoint, const char *client_id,
                                const char *client_secret, const char *refresh_token,
                                GError **error);
gboolean    tend_oauth_revoke (const char *revocation_endpoint, const char *client_id,
                               const char *client_secret, const char *token,
                               const char *token_type_hint, GError **error);
TendDeviceAuthorization *tend_oauth_device_authorize (const char *device_endpoint,
                                                      const char *client_id, const char *scope,
                                                      GError **error);
TendTokens *tend_oauth_device_poll (const char *token_endpoint, const char *client_id,
                                    const char *client_secret, const char *device_code,
                                    char **id_token, GError **error);
gboolean    tend_oauth_verify_id_token (const char *jwks_json, const char *id_token,
                                        const char *issuer, const char *client_id, const char *nonce,
                                        gint64 now, char **email, GError **error);

G_END_DECLS
