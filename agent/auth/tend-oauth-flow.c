/* tend-oauth-flow.c: sign-in with the RFC 8252 native-app flow (authorization code + PKCE)
 *
 * liboauth2 does the protocol work: hashing and encoding for PKCE, the form-encoded token
 * request, and the JWS signature check against the provider's keys. The claims an ID token
 * must carry for us (iss, aud, exp, nonce) are checked here, against a caller-given clock.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-oauth"

#include "config.h"

#include "tend-oauth-flow.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <errno.h>
#include <jansson.h>
#include <oauth2/http.h>
#include <oauth2/jose.h>
#include <oauth2/mem.h>
#include <oauth2/oauth2.h>
#include <oauth2/util.h>
#include <string.h>
#include <sys/random.h>

#define DEFAULT_TIMEOUT_SECONDS 300
#define HTTP_TIMEOUT_SECONDS 20
#define RANDOM_BYTES 32

struct _TendOauthFlow
{
  GObject parent_instance;

  char               *issuer;
  char               *client_id;
  char               *client_secret;
  char               *scope;
  GStrv               authorization_parameters;
  guint               timeout;
  TendOauthDiscovery *discovery;
};

G_DEFINE_TYPE (TendOauthFlow, tend_oauth_flow, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend - oauth - error - quark, tend_oauth_error)

/* liboauth2 logs request and response bodies at debug level, which would include tokens:
 * its log goes nowhere. */
static void
drop_log (oauth2_log_sink_t *sink, const char *filename, unsigned long line, const char *function,
          oauth2_log_level_t level, const char *msg)
{
}

static oauth2_log_t *
get_log (void)
{
  static gsize         once = 0;
  static oauth2_log_t *log = NULL;

  if (g_once_init_enter (&once))
    {
      oauth2_log_sink_t *sink = oauth2_log_sink_create (OAUTH2_LOG_ERROR, drop_log, NULL);

      log = oauth2_init (OAUTH2_LOG_ERROR, sink);
      g_once_init_leave (&once, 1);
    }
  return log;
}

/**
 * tend_oauth_random_string:
 * @error: return location for an error
 *
 * Returns: 32 bytes from the kernel's random source, base64url-encoded (43 characters): fit
 * for a PKCE verifier (RFC 7636 §4.1), a `state` or a `nonce`.
 */
char *
tend_oauth_random_string (GError **error)
{
  guint8 bytes[RANDOM_BYTES];
  char  *encoded = NULL;
  char  *result;

  if (getrandom (bytes, sizeof bytes, 0) != (ssize_t) sizeof bytes)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Could not read random bytes: %s"), g_strerror (saved_errno));
      return NULL;
    }
  if (oauth2_base64url_encode (get_log (), bytes, sizeof bytes, &encoded) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Could not encode random bytes"));
      return NULL;
    }
  result = g_strdup (encoded);
  oauth2_mem_free (encoded);
  return result;
}

/**
 * tend_oauth_pkce_challenge:
 * @verifier: a PKCE code verifier
 *
 * Returns: the S256 code challenge: base64url (no padding) of the SHA-256 of @verifier.
 */
char *
tend_oauth_pkce_challenge (const char *verifier)
{
  unsigned char *hash = NULL;
  unsigned int   hash_len = 0;
  char          *encoded = NULL;
  char          *result;

  g_return_val_if_fail (verifier != NULL, NULL);

  if (!oauth2_jose_hash_bytes (get_log (), OAUTH2_JOSE_OPENSSL_ALG_SHA256,
                               (const unsigned char *) verifier, strlen (verifier), &hash,
                               &hash_len))
    return NULL;
  oauth2_base64url_encode (get_log (), hash, hash_len, &encoded);
  oauth2_mem_free (hash);
  result = g_strdup (encoded);
  oauth2_mem_free (encoded);
  return result;
}

/**
 * tend_oauth_authorization_url:
 * @extra_parameters: (nullable): the provider's own parameters, each `name=value`, such as
 *   Google's `access_type=offline`; none may repeat one of the standard ones
 *
 * Returns: the authorization request URL: response type `code`, PKCE S256, the given state and
 * nonce, then @extra_parameters.
 */
char *
tend_oauth_authorization_url (const char *authorization_endpoint, const char *client_id,
                              const char *redirect_uri, const char *scope, const char *state,
                              const char *nonce, const char *challenge,
                              const char *const *extra_parameters)
{
  oauth2_log_t     *log = get_log ();
  oauth2_nv_list_t *params;
  char             *url;
  char             *result;

  g_return_val_if_fail (authorization_endpoint != NULL, NULL);
  g_return_val_if_fail (client_id != NULL && redirect_uri != NULL && scope != NULL, NULL);
  g_return_val_if_fail (state != NULL && nonce != NULL && challenge != NULL, NULL);
  for (gsize i = 0; extra_parameters != NULL && extra_parameters[i] != NULL; i++)
    g_return_val_if_fail (strchr (extra_parameters[i], '=') != NULL, NULL);

  params = oauth2_nv_list_init (log);
  oauth2_nv_list_add (log, params, "response_type", "code");
  oauth2_nv_list_add (log, params, "client_id", client_id);
  oauth2_nv_list_add (log, params, "redirect_uri", redirect_uri);
  oauth2_nv_list_add (log, params, "scope", scope);
  oauth2_nv_list_add (log, params, "state", state);
  oauth2_nv_list_add (log, params, "nonce", nonce);
  oauth2_nv_list_add (log, params, "code_challenge", challenge);
  oauth2_nv_list_add (log, params, "code_challenge_method", "S256");
  for (gsize i = 0; extra_parameters != NULL && extra_parameters[i] != NULL; i++)
    {
      const char      *equals = strchr (extra_parameters[i], '=');
      g_autofree char *name
          = g_strndup (extra_parameters[i], (gsize) (equals - extra_parameters[i]));

      oauth2_nv_list_add (log, params, name, equals + 1);
    }
  url = oauth2_http_url_query_encode (log, authorization_endpoint, params);
  oauth2_nv_list_free (log, params);
  result = g_strdup (url);
  oauth2_mem_free (url);
  return result;
}

static oauth2_http_call_ctx_t *
new_call_ctx (void)
{
  oauth2_http_call_ctx_t *ctx = oauth2_http_call_ctx_init (get_log ());

  oauth2_http_call_ctx_timeout_set (get_log (), ctx, HTTP_TIMEOUT_SECONDS);
  oauth2_http_call_ctx_ssl_verify_set (get_log (), ctx, true);
  return ctx;
}

/**
 * tend_oauth_http_get:
 * @url: a provider document (discovery, JWKS)
 * @error: return location for an error
 *
 * Blocks: call it from a thread.
 *
 * Returns: the body of a 200 answer, or %NULL with @error set (%TEND_OAUTH_ERROR_NETWORK when
 *   the provider did not answer, else %TEND_OAUTH_ERROR_DISCOVERY)
 */
char *
tend_oauth_http_get (const char *url, GError **error)
{
  oauth2_http_call_ctx_t   *ctx;
  char                     *response = NULL;
  oauth2_http_status_code_t status = 0;
  gboolean                  ok;
  char                     *result = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  ctx = new_call_ctx ();
  ok = oauth2_http_get (get_log (), url, NULL, ctx, &response, &status);
  oauth2_http_call_ctx_free (get_log (), ctx);
  if (status == 0)
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK,
                 _ ("Could not reach the sign-in provider at %s"), url);
  else if (!ok || status != 200 || response == NULL)
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DISCOVERY,
                 _ ("Could not read %s from the sign-in provider (HTTP status %u)"), url,
                 (guint) status);
  else
    result = g_strdup (response);
  oauth2_mem_free (response);
  return result;
}

#define TENANT_PLACEHOLDER "{tenantid}"

/* A Microsoft tenant id: a GUID, 8-4-4-4-12 hexadecimal digits, and nothing else. */
static gboolean
is_tenant_id (const char *tid)
{
  static const guint groups[] = { 8, 4, 4, 4, 12 };
  const char        *p = tid;

  for (gsize g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (guint i = 0; i < groups[g]; i++, p++)
        if (!g_ascii_isxdigit (*p))
          return FALSE;
      if (*p != (g + 1 < G_N_ELEMENTS (groups) ? '-' : '\0'))
        return FALSE;
      if (*p == '-')
        p++;
    }
  return TRUE;
}

/**
 * tend_oauth_issuer_matches:
 * @issuer: the issuer of the provider's configuration
 * @iss: the `iss` an ID token names
 * @tid: (nullable): the token's `tid` claim (Microsoft's tenant id)
 *
 * Microsoft's multi-tenant endpoints (`organizations`, `common`) publish the issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, and each ID token names the issuer of
 * the user's own tenant. Such a token is accepted when its `iss` is exactly @issuer with
 * `{tenantid}` replaced by its `tid`, and `tid` is a tenant id. Any other @issuer must equal
 * @iss.
 */
gboolean
tend_oauth_issuer_matches (const char *issuer, const char *iss, const char *tid)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *expected = NULL;

  g_return_val_if_fail (issuer != NULL, FALSE);

  if (iss == NULL)
    return FALSE;
  if (strstr (issuer, TENANT_PLACEHOLDER) == NULL)
    return g_str_equal (issuer, iss);
  if (tid == NULL || !is_tenant_id (tid))
    return FALSE;
  parts = g_strsplit (issuer, TENANT_PLACEHOLDER, -1);
  expected = g_strjoinv (tid, parts);
  return g_str_equal (expected, iss);
}

/* Whether @iss, from the authorization response (RFC 9207), names @issuer, or for a tenant
 * pattern some tenant's issuer: its `tid` is not known yet. The ID token's own check, which
 * has the `tid`, is the strict one. */
static gboolean
issuer_names_a_tenant (const char *issuer, const char *iss)
{
  const char      *placeholder = strstr (issuer, TENANT_PLACEHOLDER);
  const char      *suffix;
  gsize            prefix_len;
  gsize            suffix_len;
  gsize            iss_len = strlen (iss);
  g_autofree char *tid = NULL;

  if (placeholder == NULL)
    return g_str_equal (issuer, iss);
  prefix_len = (gsize) (placeholder - issuer);
  suffix = placeholder + strlen (TENANT_PLACEHOLDER);
  suffix_len = strlen (suffix);
  if (iss_len <= prefix_len + suffix_len || strncmp (iss, issuer, prefix_len) != 0
      || !g_str_equal (iss + iss_len - suffix_len, suffix))
    return FALSE;
  tid = g_strndup (iss + prefix_len, iss_len - prefix_len - suffix_len);
  return tend_oauth_issuer_matches (issuer, iss, tid);
}

/* OpenID Discovery §4.3: the configuration must name the issuer it was read from. Microsoft's
 * multi-tenant endpoints are the one exception: asked as `organizations` or `common`, they
 * name a pattern for every tenant's issuer. */
static gboolean
configuration_names_issuer (const char *asked, const char *named)
{
  const char              *placeholder = strstr (named, TENANT_PLACEHOLDER);
  static const char *const keywords[] = { "organizations", "common" };

  if (placeholder == NULL)
    return g_str_equal (asked, named);
  for (gsize i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      g_auto (GStrv) parts = g_strsplit (named, TENANT_PLACEHOLDER, -1);
      g_autofree char *expected = g_strjoinv (keywords[i], parts);

      if (g_str_equal (expected, asked))
        return TRUE;
    }
  return FALSE;
}

static void
discovery_clear (TendOauthDiscovery *discovery)
{
  g_free (discovery->issuer);
  g_free (discovery->authorization_endpoint);
  g_free (discovery->token_endpoint);
  g_free (discovery->jwks_uri);
  g_free (discovery->revocation_endpoint);
  g_free (discovery->device_authorization_endpoint);
}

TendOauthDiscovery *
tend_oauth_discovery_ref (TendOauthDiscovery *discovery)
{
  g_return_val_if_fail (discovery != NULL, NULL);
  return g_atomic_rc_box_acquire (discovery);
}

void
tend_oauth_discovery_unref (TendOauthDiscovery *discovery)
{
  if (discovery != NULL)
    g_atomic_rc_box_release_full (discovery, (GDestroyNotify) discovery_clear);
}

static char *
dup_member (json_t *json, const char *name)
{
  return g_strdup (json_string_value (json_object_get (json, name)));
}

/**
 * tend_oauth_discover:
 * @issuer: the provider's issuer, as configured
 * @error: return location for an error
 *
 * Reads `@issuer/.well-known/openid-configuration`. Blocks: call it from a thread.
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 *   (%TEND_OAUTH_ERROR_NETWORK when the provider did not answer, else
 *   %TEND_OAUTH_ERROR_DISCOVERY)
 */
TendOauthDiscovery *
tend_oauth_discover (const char *issuer, GError **error)
{
  g_autofree char    *url = NULL;
  g_autofree char    *body = NULL;
  TendOauthDiscovery *discovery;
  json_t             *json;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  url = g_strconcat (issuer, "/.well-known/openid-configuration", NULL);
  body = tend_oauth_http_get (url, error);
  if (body == NULL)
    return NULL;

  json = json_loads (body, 0, NULL);
  discovery = g_atomic_rc_box_new0 (TendOauthDiscovery);
  discovery->issuer = dup_member (json, "issuer");
  discovery->authorization_endpoint = dup_member (json, "authorization_endpoint");
  discovery->token_endpoint = dup_member (json, "token_endpoint");
  discovery->jwks_uri = dup_member (json, "jwks_uri");
  discovery->revocation_endpoint = dup_member (json, "revocation_endpoint");
  discovery->device_authorization_endpoint = dup_member (json, "device_authorization_endpoint");
  if (json != NULL)
    json_decref (json);

  if (discovery->issuer == NULL || !configuration_names_issuer (issuer, discovery->issuer)
      || discovery->authorization_endpoint == NULL || discovery->token_endpoint == NULL
      || discovery->jwks_uri == NULL)
    {
      tend_oauth_discovery_unref (discovery);
      g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DISCOVERY,
                   _ ("The sign-in provider’s OpenID configuration at %s is not usable"), url);
      return NULL;
    }
  return discovery;
}

/* Posts the form of name/value pairs that follows @error (a NULL name ends it; a NULL value
 * leaves its name out) to one of the provider's endpoints (token, device authorization).
 * Returns the answer's JSON object, or NULL with @error set when there was no readable answer;
 * @status is the HTTP status. */
static json_t *
post_form (const char *endpoint, oauth2_http_status_code_t *status, GError **error, ...)
{
  oauth2_log_t           *log = get_log ();
  oauth2_http_call_ctx_t *ctx = new_call_ctx ();
  oauth2_nv_list_t       *params = oauth2_nv_list_init (log);
  char                   *response = NULL;
  const char             *name;
  gboolean                ok;
  json_t                 *json = NULL;
  va_list                 ap;

  va_start (ap, error);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);

      if (value != NULL)
        oauth2_nv_list_add (log, params, name, value);
    }
  va_end (ap);

  *status = 0;
  ok = oauth2_http_post_form (log, endpoint, params, ctx, &response, status);
  oauth2_http_call_ctx_free (log, ctx);
  oauth2_nv_list_free (log, params);
  if (ok && response != NULL)
    json = json_loads (response, 0, NULL);
  oauth2_mem_free (response);
  /* No status at all: the request never got an answer, which a later try may get. */
  if (*status == 0)
    {
      g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK,
                   _ ("Could not reach the sign-in provider at %s"), endpoint);
      if (json != NULL)
        json_decref (json);
      return NULL;
    }
  if (!ok || !json_is_object (json))
    {
      g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST,
                   _ ("The sign-in provider did not answer at %s (HTTP status %u)"), endpoint,
                   (guint) *status);
      if (json != NULL)
        json_decref (json);
      return NULL;
    }
  return json;
}

/* The error code is safe to show: RFC 6749 §5.2 defines it as a fixed ASCII word. */
static const char *
provider_error (json_t *json)
{
  const char *code = json_string_value (json_object_get (json, "error"));

  return code != NULL ? code : _ ("no access token");
}

/* A successful token response (RFC 6749 §5.1) as a token set. */
static TendTokens *
tokens_from_response (json_t *json)
{
  TendTokens *tokens = g_new0 (TendTokens, 1);
  json_t     *expires_in = json_object_get (json, "expires_in");

  tokens->access_token = g_strdup (json_string_value (json_object_get (json, "access_token")));
  tokens->refresh_token = g_strdup (json_string_value (json_object_get (json, "refresh_token")));
  tokens->scope = g_strdup (json_string_value (json_object_get (json, "scope")));
  if (json_is_integer (expires_in) && json_integer_value (expires_in) > 0)
    tokens->expires_at = g_get_real_time () / G_USEC_PER_SEC + json_integer_value (expires_in);
  return tokens;
}

/**
 * tend_oauth_exchange_code:
 * @client_secret: (nullable): the client's secret, or %NULL for a public client
 * @id_token: (out): the ID token that came with the tokens
 *
 * Trades an authorization code and its PKCE verifier for tokens at @token_endpoint. Blocks:
 * call it from a thread.
 */
TendTokens *
tend_oauth_exchange_code (const char *token_endpoint, const char *client_id,
                          const char *client_secret, const char *redirect_uri, const char *code,
                          const char *verifier, char **id_token, GError **error)
{
  oauth2_http_status_code_t status = 0;
  json_t                   *json;
  TendTokens               *tokens = NULL;

  g_return_val_if_fail (token_endpoint != NULL && client_id != NULL, NULL);
  g_return_val_if_fail (redirect_uri != NULL && code != NULL && verifier != NULL, NULL);
  g_return_val_if_fail (id_token != NULL, NULL);

  json = post_form (token_endpoint, &status, error, "grant_type", "authorization_code", "code",
                    code, "redirect_uri", redirect_uri, "client_id", client_id, "client_secret",
                    client_secret, "code_verifier", verifier, NULL);
  if (json == NULL)
    return NULL;

  if (status != 200 || json_string_value (json_object_get (json, "access_token")) == NULL)
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST,
                 _ ("The sign-in provider refused the authorization code (%s)"),
                 provider_error (json));
  else if (json_string_value (json_object_get (json, "id_token")) == NULL)
    g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN,
                         _ ("The sign-in provider sent no ID token"));
  else
    {
      tokens = tokens_from_response (json);
      *id_token = g_strdup (json_string_value (json_object_get (json, "id_token")));
    }
  json_decref (json);
  return tokens;
}

/**
 * tend_oauth_refresh:
 * @token_endpoint: the provider's token endpoint
 * @client_id: this installation's client id
 * @client_secret: (nullable): the client's secret, or %NULL for a public client
 * @refresh_token: the newest refresh token of the sign-in
 * @error: return location for an error
 *
 * Buys a new access token with @refresh_token (RFC 6749 §6). A provider that rotates refresh
 * tokens sends a new one, which the result holds and which must replace @refresh_token
 * wherever it is stored: presenting the old one again may end the whole sign-in. A provider
 * that does not rotate sends none, and the result keeps @refresh_token. Blocks: call it from
 * a thread.
 *
 * Returns: (transfer full): the new token set, or %NULL with @error set:
 *   %TEND_OAUTH_ERROR_INVALID_GRANT when only a new sign-in helps,
 *   %TEND_OAUTH_ERROR_NETWORK when the token endpoint did not answer,
 *   %TEND_OAUTH_ERROR_TOKEN_REQUEST for any other failure
 */
TendTokens *
tend_oauth_refresh (const char *token_endpoint, const char *client_id, const char *client_secret,
                    const char *refresh_token, GError **error)
{
  oauth2_http_status_code_t status = 0;
  json_t                   *json;
  const char               *code;
  TendTokens               *tokens = NULL;

  g_return_val_if_fail (token_endpoint != NULL && client_id != NULL, NULL);
  g_return_val_if_fail (refresh_token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  json = post_form (token_endpoint, &status, error, "grant_type", "refresh_token", "refresh_token",
                    refresh_token, "client_id", client_id, "client_secret", client_secret, NULL);
  if (json == NULL)
    return NULL;

  code = provider_error (json);
  if (status == 200 && json_string_value (json_object_get (json, "access_token")) != NULL)
    {
      tokens = tokens_from_response (json);
      if (tokens->refresh_token == NULL)
        tokens->refresh_token = g_strdup (refresh_token);
    }
  /* RFC 6749 §5.2: the grant expired, was revoked or was replayed; only a new sign-in helps. */
  else if (g_str_equal (code, "invalid_grant"))
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT,
                 _ ("The sign-in has expired or was revoked; sign in to Tend again (%s)"), code);
  else
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST,
                 _ ("The sign-in provider refused to renew the sign-in (%s)"), code);
  json_decref (json);
  return tokens;
}

/**
 * tend_oauth_revoke:
 * @revocation_endpoint: the provider's RFC 7009 revocation endpoint
 * @client_id: this installation's client id
 * @client_secret: (nullable): the client's secret, or %NULL for a public client
 * @token: the access or refresh token to revoke
 * @token_type_hint: (nullable): `access_token` or `refresh_token`, to spare the provider a
 *   search
 * @error: return location for an error
 *
 * Asks the provider to revoke @token (RFC 7009 §2.1). The provider answers 200 also for a
 * token it does not know, which is already as good as revoked (§2.2). Blocks: call it from a
 * thread.
 *
 * Returns: %TRUE once the token is revoked, or %FALSE with @error set
 *   (%TEND_OAUTH_ERROR_NETWORK when the endpoint did not answer, else
 *   %TEND_OAUTH_ERROR_REVOCATION)
 */
gboolean
tend_oauth_revoke (const char *revocation_endpoint, const char *client_id,
                   const char *client_secret, const char *token, const char *token_type_hint,
                   GError **error)
{
  oauth2_log_t             *log = get_log ();
  oauth2_nv_list_t         *params;
  oauth2_http_call_ctx_t   *ctx;
  char                     *response = NULL;
  oauth2_http_status_code_t status = 0;
  gboolean                  ok;
  json_t                   *json = NULL;
  const char               *code = NULL;

  g_return_val_if_fail (revocation_endpoint != NULL && client_id != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  params = oauth2_nv_list_init (log);
  oauth2_nv_list_add (log, params, "token", token);
  if (token_type_hint != NULL)
    oauth2_nv_list_add (log, params, "token_type_hint", token_type_hint);
  oauth2_nv_list_add (log, params, "client_id", client_id);
  if (client_secret != NULL)
    oauth2_nv_list_add (log, params, "client_secret", client_secret);
  ctx = new_call_ctx ();
  ok = oauth2_http_post_form (log, revocation_endpoint, params, ctx, &response, &status);
  oauth2_http_call_ctx_free (log, ctx);
  oauth2_nv_list_free (log, params);

  /* A 200 has an empty body; only an error answer carries JSON (RFC 7009 §2.2.1). */
  if (ok && status == 200)
    {
      oauth2_mem_free (response);
      return TRUE;
    }
  if (ok && response != NULL)
    json = json_loads (response, 0, NULL);
  oauth2_mem_free (response);
  code = json_string_value (json_object_get (json, "error"));
  if (status == 0)
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK,
                 _ ("Could not reach the sign-in provider at %s"), revocation_endpoint);
  else if (code != NULL)
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_REVOCATION,
                 _ ("The sign-in provider refused to revoke the sign-in (%s)"), code);
  else
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_REVOCATION,
                 _ ("The sign-in provider refused to revoke the sign-in (HTTP status %u)"),
                 (guint) status);
  if (json != NULL)
    json_decref (json);
  return FALSE;
}

#define DEVICE_GRANT_TYPE "urn:ietf:params:oauth:grant-type:device_code"
#define DEFAULT_DEVICE_INTERVAL 5

/**
 * tend_device_authorization_free:
 * @authorization: (nullable): a device authorization
 *
 * Frees @authorization, overwriting its device code first: until it expires, that code is
 * as good as the tokens it may buy.
 */
void
tend_device_authorization_free (TendDeviceAuthorization *authorization)
{
  if (authorization == NULL)
    return;

  if (authorization->device_code != NULL)
    explicit_bzero (authorization->device_code, strlen (authorization->device_code));
  g_free (authorization->device_code);
  g_free (authorization->user_code);
  g_free (authorization->verification_uri);
  g_free (authorization->verification_uri_complete);
  g_free (authorization);
}

/**
 * tend_oauth_device_authorize:
 * @device_endpoint: the provider's device authorization endpoint
 * @client_id: this installation's client id
 * @scope: the space-separated scopes to ask for
 * @error: return location for an error
 *
 * Starts a device sign-in (RFC 8628 §3.1): the user then approves it at the returned
 * verification URI, with the returned user code, while the caller polls with
 * tend_oauth_device_poll(). Blocks: call it from a thread.
 *
 * Returns: (transfer full): the device authorization, or %NULL with @error set
 *   (%TEND_OAUTH_ERROR_NETWORK when the endpoint did not answer, else
 *   %TEND_OAUTH_ERROR_TOKEN_REQUEST)
 */
TendDeviceAuthorization *
tend_oauth_device_authorize (const char *device_endpoint, const char *client_id, const char *scope,
                             GError **error)
{
  oauth2_http_status_code_t status = 0;
  json_t                   *json;
  json_t                   *expires_in;
  json_t                   *interval;
  TendDeviceAuthorization  *authorization = NULL;

  g_return_val_if_fail (device_endpoint != NULL && client_id != NULL && scope != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  json = post_form (device_endpoint, &status, error, "client_id", client_id, "scope", scope, NULL);
  if (json == NULL)
    return NULL;

  expires_in = json_object_get (json, "expires_in");
  interval = json_object_get (json, "interval");
  /* §3.2: device_code, user_code, verification_uri and expires_in are all required. */
  if (status != 200 || json_string_value (json_object_get (json, "device_code")) == NULL
      || json_string_value (json_object_get (json, "user_code")) == NULL
      || json_string_value (json_object_get (json, "verification_uri")) == NULL
      || !json_is_integer (expires_in) || json_integer_value (expires_in) <= 0)
    {
      g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST,
                   _ ("The sign-in provider refused to start a sign-in for this device (%s)"),
                   json_string_value (json_object_get (json, "error")) != NULL
                       ? json_string_value (json_object_get (json, "error"))
                       : _ ("incomplete answer"));
      json_decref (json);
      return NULL;
    }

  authorization = g_new0 (TendDeviceAuthorization, 1);
  authorization->device_code = g_strdup (json_string_value (json_object_get (json, "device_code")));
  authorization->user_code = g_strdup (json_string_value (json_object_get (json, "user_code")));
  authorization->verification_uri
      = g_strdup (json_string_value (json_object_get (json, "verification_uri")));
  authorization->verification_uri_complete
      = g_strdup (json_string_value (json_object_get (json, "verification_uri_complete")));
  authorization->interval = DEFAULT_DEVICE_INTERVAL;
  if (json_is_integer (interval) && json_integer_value (interval) > 0
      && json_integer_value (interval) <= G_MAXUINT)
    authorization->interval = (guint) json_integer_value (interval);
  authorization->expires_at = g_get_real_time () / G_USEC_PER_SEC + json_integer_value (expires_in);
  json_decref (json);
  return authorization;
}

/**
 * tend_oauth_device_poll:
 * @token_endpoint: the provider's token endpoint
 * @client_id: this installation's client id
 * @client_secret: (nullable): the client's secret, or %NULL for a public client
 * @device_code: the device code of tend_oauth_device_authorize()'s answer
 * @id_token: (out): the ID token that came with the tokens
 * @error: return location for an error
 *
 * Asks once whether the user has approved the device sign-in yet (RFC 8628 §3.4). Wait the
 * authorization's interval between two polls. Blocks: call it from a thread.
 *
 * Returns: (transfer full): the token set once the user approved, or %NULL with @error set:
 *   %TEND_OAUTH_ERROR_PENDING (not yet: poll again), %TEND_OAUTH_ERROR_SLOW_DOWN (poll again,
 *   5 seconds less often from now on), %TEND_OAUTH_ERROR_DENIED (the user said no),
 *   %TEND_OAUTH_ERROR_TIMEOUT (the device code expired), or another code when the request
 *   failed
 */
TendTokens *
tend_oauth_device_poll (const char *token_endpoint, const char *client_id,
                        const char *client_secret, const char *device_code, char **id_token,
                        GError **error)
{
  oauth2_http_status_code_t status = 0;
  json_t                   *json;
  const char               *code;
  TendTokens               *tokens = NULL;

  g_return_val_if_fail (token_endpoint != NULL && client_id != NULL, NULL);
  g_return_val_if_fail (device_code != NULL && id_token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  json = post_form (token_endpoint, &status, error, "grant_type", DEVICE_GRANT_TYPE, "device_code",
                    device_code, "client_id", client_id, "client_secret", client_secret, NULL);
  if (json == NULL)
    return NULL;

  code = provider_error (json);
  if (status == 200 && json_string_value (json_object_get (json, "access_token")) != NULL)
    {
      if (json_string_value (json_object_get (json, "id_token")) == NULL)
        g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN,
                             _ ("The sign-in provider sent no ID token"));
      else
        {
          tokens = tokens_from_response (json);
          *id_token = g_strdup (json_string_value (json_object_get (json, "id_token")));
        }
    }
  else if (g_str_equal (code, "authorization_pending"))
    g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_PENDING,
                         _ ("The sign-in has not been approved yet"));
  else if (g_str_equal (code, "slow_down"))
    g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_SLOW_DOWN,
                         _ ("The sign-in provider asks Tend to check less often"));
  else if (g_str_equal (code, "access_denied"))
    g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DENIED,
                         _ ("The sign-in was turned down"));
  else if (g_str_equal (code, "expired_token"))
    g_set_error_literal (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TIMEOUT,
                         _ ("The sign-in code expired before it was approved; start again"));
  else
    g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST,
                 _ ("The sign-in provider refused the device sign-in (%s)"), code);
  json_decref (json);
  return tokens;
}

static gboolean
audience_matches (json_t *payload, const char *client_id)
{
  json_t     *aud = json_object_get (payload, "aud");
  const char *azp = json_string_value (json_object_get (payload, "azp"));
  gboolean    found = FALSE;
  size_t      i;
  json_t     *value;

  if (json_is_string (aud))
    return g_str_equal (json_string_value (aud), client_id);
  if (!json_is_array (aud))
    return FALSE;
  json_array_foreach (aud, i, value)
  {
    if (json_is_string (value) && g_str_equal (json_string_value (value), client_id))
      found = TRUE;
  }
  /* OpenID Connect Core §3.1.3.7: with several audiences, azp must name us. */
  if (found && json_array_size (aud) > 1)
    found = azp != NULL && g_str_equal (azp, client_id);
  return found;
}

static gboolean
invalid_id_token (GError **error, const char *why)
{
  g_set_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN,
               _ ("The sign-in provider’s ID token is not valid: %s"), why);
  return FALSE;
}

/**
 * tend_oauth_verify_id_token:
 * @jwks_json: the provider's JSON Web Key Set
 * @id_token: the compact-serialized ID token
 * @issuer: the issuer the token must name: the one of the provider's configuration, which
 *   may be a tenant pattern (see tend_oauth_issuer_matches())
 * @client_id: the audience the token must name
 * @nonce: (nullable): the nonce sent with the authorization request, or %NULL when none
 *   was sent (the device flow has no nonce), in which case the token must carry none
 * @now: the current time in Unix seconds; the token must expire after it
 * @email: (out) (optional): the token's `email` claim, or %NULL if it has none
 * @error: return location for an error
 *
 * Checks the signature with a key of @jwks_json, then `iss`, `aud` (and `azp`), `exp` and
 * `nonce`.
 */
gboolean
tend_oauth_verify_id_token (const char *jwks_json, const char *id_token, const char *issuer,
                            const char *client_id, const char *nonce, gint64 now, char **email,
                            GError **error)
{
  oauth2_log_t              *log = get_log ();
  oauth2_cfg_token_verify_t *verify = NULL;
  json_t                    *jwks;
  json_t                    *keys;
  json_t                    *key;
  json_t                    *payload = NULL;
  json_t                    *exp;
  const char                *iss;
  const char                *token_nonce;
  size_t                     i;
  gboolean                   ok = FALSE;

  g_return_val_if_fail (jwks_json != NULL && id_token != NULL, FALSE);
  g_return_val_if_fail (issuer != NULL && client_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  jwks = json_loads (jwks_json, 0, NULL);
  keys = json_object_get (jwks, "keys");
  if (!json_is_array (keys) || json_array_size (keys) == 0)
    {
      json_decref (jwks);
      return invalid_id_token (error, _ ("the provider published no signing keys"));
    }
  /* Claims are checked below against the caller's clock, so liboauth2 checks only the
   * signature; it picks the key whose kid the token's header names. */
  json_array_foreach (keys, i, key)
  {
    g_autofree char *key_json = json_dumps (key, JSON_COMPACT);
    char            *problem;

    if (key_json == NULL)
      continue;
    problem = oauth2_cfg_token_verify_add_options (log, &verify, "jwk", key_json,
                                                   "verify.iss=skip&verify.exp=skip&"
                                                   "verify.iat=skip");
    oauth2_mem_free (problem);
  }
  json_decref (jwks);

  if (verify == NULL || !oauth2_token_verify (log, NULL, verify, id_token, &payload))
    {
      invalid_id_token (error, _ ("its signature does not match the provider’s keys"));
      goto out;
    }

  iss = json_string_value (json_object_get (payload, "iss"));
  exp = json_object_get (payload, "exp");
  token_nonce = json_string_value (json_object_get (payload, "nonce"));
  if (!tend_oauth_issuer_matches (issuer, iss,
                                  json_string_value (json_object_get (payload, "tid"))))
    invalid_id_token (error, _ ("it was issued by someone else"));
  else if (!audience_matches (payload, client_id))
    invalid_id_token (error, _ ("it was issued to another application"));
  else if (!json_is_integer (exp) || json_integer_value (exp) <= now)
    invalid_id_token (error, _ ("it has expired"));
  /* A token with a nonce when none was sent was minted for some other, browser sign-in. */
  else if (nonce == NULL ? token_nonce != NULL
                         : token_nonce == NULL || !g_str_equal (token_nonce, nonce))
    invalid_id_token (error, _ ("it belongs to another sign-in"));
  else
    ok = TRUE;

  if (ok && email != NULL)
    *email = g_strdup (json_string_value (json_object_get (payload, "email")));

out:
  if (payload != NULL)
    json_decref (payload);
  if (verify != NULL)
    oauth2_cfg_token_verify_free (log, verify);
  return ok;
}

/* One sign-in, from discovery to verified tokens. */
typedef struct
{
  char            *issuer;
  char            *client_id;
  char            *client_secret;
  char            *scope;
  GStrv            authorization_parameters;
  guint            timeout;
  TendOauthOpenUri open_uri;
  gpointer         open_uri_data;

  TendOauthDiscovery *discovery;

  char *state;
  char *nonce;
  char *verifier;
  char *redirect_uri;
  char *code;

  GSocketService *service;
  GSource        *timeout_source;
  GSource        *cancel_source;
  gboolean        finished;

  TendTokens *tokens;
  char       *email;
} SignIn;

static void
stop_waiting (SignIn *sign_in)
{
  if (sign_in->service != NULL)
    {
      g_socket_service_stop (sign_in->service);
      g_socket_listener_close (G_SOCKET_LISTENER (sign_in->service));
      g_clear_object (&sign_in->service);
    }
  if (sign_in->timeout_source != NULL)
    {
      g_source_destroy (sign_in->timeout_source);
      g_clear_pointer (&sign_in->timeout_source, g_source_unref);
    }
  if (sign_in->cancel_source != NULL)
    {
      g_source_destroy (sign_in->cancel_source);
      g_clear_pointer (&sign_in->cancel_source, g_source_unref);
    }
}

static void
sign_in_free (SignIn *sign_in)
{
  stop_waiting (sign_in);
  g_free (sign_in->issuer);
  g_free (sign_in->client_id);
  g_free (sign_in->client_secret);
  g_free (sign_in->scope);
  g_strfreev (sign_in->authorization_parameters);
  g_clear_pointer (&sign_in->discovery, tend_oauth_discovery_unref);
  g_free (sign_in->state);
  g_free (sign_in->nonce);
  g_free (sign_in->verifier);
  g_free (sign_in->redirect_uri);
  g_free (sign_in->code);
  g_clear_pointer (&sign_in->tokens, tend_tokens_free);
  g_free (sign_in->email);
  g_free (sign_in);
}

static void
discover_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  GError *error = NULL;

  /* A configuration given with tend_oauth_flow_set_discovery() is not read again. */
  if (sign_in->discovery == NULL)
    sign_in->discovery = tend_oauth_discover (sign_in->issuer, &error);
  if (sign_in->discovery == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
exchange_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  g_autoptr (TendTokens) tokens = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *jwks = NULL;
  GError          *error = NULL;

  tokens = tend_oauth_exchange_code (sign_in->discovery->token_endpoint, sign_in->client_id,
                                     sign_in->client_secret, sign_in->redirect_uri, sign_in->code,
                                     sign_in->verifier, &id_token, &error);
  if (tokens != NULL)
    jwks = tend_oauth_http_get (sign_in->discovery->jwks_uri, &error);
  if (jwks != NULL
      && tend_oauth_verify_id_token (jwks, id_token, sign_in->discovery->issuer, sign_in->client_id,
                                     sign_in->nonce, g_get_real_time () / G_USEC_PER_SEC,
                                     &sign_in->email, &error))
    {
      sign_in->tokens = g_steal_pointer (&tokens);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
exchange_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_waiting (GTask *task, GError *error)
{
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->finished)
    {
      g_clear_error (&error);
      return;
    }
  sign_in->finished = TRUE;
  stop_waiting (sign_in);
  /* The reference that waiting held (see discover_done) goes to the exchange or is dropped. */
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else
    {
      /* The code is in, and the provider issues tokens for it whatever happens now: they go to
       * the caller even after a cancel, so that it can revoke them (invariant 8). */
      GTask *exchange = g_task_new (NULL, NULL, exchange_done, task);

      g_task_set_check_cancellable (task, FALSE);
      g_task_set_task_data (exchange, sign_in, NULL);
      g_task_run_in_thread (exchange, exchange_thread);
      g_object_unref (exchange);
    }
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;

  finish_waiting (task, g_error_new_literal (TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TIMEOUT,
                                             _ ("Sign-in timed out: the browser did not come "
                                                "back")));
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;

  finish_waiting (
      task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Sign-in was cancelled")));
  return G_SOURCE_REMOVE;
}

/* One HTTP exchange on the loopback redirect. */
typedef struct
{
  GTask             *task;
  GSocketConnection *connection;
  GDataInputStream  *input;
  char              *target;
} Visit;

static void
visit_free (Visit *visit)
{
  g_object_unref (visit->task);
  g_object_unref (visit->connection);
  g_object_unref (visit->input);
  g_free (visit->target);
  g_free (visit);
}

static void
respond (Visit *visit, guint status, const char *message)
{
  GOutputStream   *output = g_io_stream_get_output_stream (G_IO_STREAM (visit->connection));
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  g_autofree char *body = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>Tend</title></head><body><p>%s</p></body>"
                                           "</html>\n",
                                           escaped);
  g_autofree char *response
      = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                         "Content-Type: text/html; charset=utf-8\r\n"
                         "Content-Length: %zu\r\n"
                         "Cache-Control: no-store\r\n"
                         "Connection: close\r\n\r\n%s",
                         status, status == 200 ? "OK" : "Bad Request", strlen (body), body);

  /* A page of a few hundred bytes to a fresh loopback socket fits its send buffer: this
   * write does not block in practice. */
  g_output_stream_write_all (output, response, strlen (response), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (visit->connection), NULL, NULL);
}

static void
handle_visit (Visit *visit)
{
  SignIn *sign_in = g_task_get_task_data (visit->task);
  g_autoptr (GHashTable) params = NULL;
  const char *query;
  const char *state;
  const char *code;
  const char *iss;
  const char *denied;

  if (sign_in->finished || visit->target == NULL || !g_str_has_prefix (visit->target, "/callback?"))
    {
      respond (visit, 400, _ ("This is not a sign-in answer Tend is waiting for."));
      return;
    }
  query = visit->target + strlen ("/callback?");
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  state = params != NULL ? g_hash_table_lookup (params, "state") : NULL;
  if (state == NULL || !g_str_equal (state, sign_in->state))
    {
      respond (visit, 400, _ ("This is not a sign-in answer Tend is waiting for."));
      return;
    }

  code = g_hash_table_lookup (params, "code");
  iss = g_hash_table_lookup (params, "iss");
  denied = g_hash_table_lookup (params, "error");
  /* RFC 9207: when the provider names itself in the answer, it must be the one we asked (for
   * a tenant pattern, some tenant's issuer: the ID token's tid pins it down later). */
  if (iss != NULL && !issuer_names_a_tenant (sign_in->discovery->issuer, iss))
    {
      respond (visit, 400, _ ("Sign-in failed. You can close this tab."));
      finish_waiting (visit->task,
                      g_error_new_literal (TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DENIED,
                                           _ ("The sign-in answer came from another provider")));
    }
  else if (denied != NULL || code == NULL)
    {
      respond (visit, 400, _ ("Sign-in failed. You can close this tab."));
      finish_waiting (visit->task, g_error_new (TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DENIED,
                                                _ ("The sign-in provider refused: %s"),
                                                denied != NULL ? denied : _ ("no code")));
    }
  else
    {
      respond (visit, 200, _ ("You are signed in to Tend. You can close this tab."));
      sign_in->code = g_strdup (code);
      finish_waiting (visit->task, NULL);
    }
}

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Visit           *visit = user_data;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish (visit->input, result, NULL, NULL);
  if (line == NULL)
    {
      visit_free (visit);
      return;
    }
  g_strchomp (line);
  if (visit->target == NULL)
    {
      /* The request line: "GET /callback?... HTTP/1.1". */
      g_auto (GStrv) parts = g_strsplit (line, " ", 3);

      visit->target
          = g_strdup (g_strv_length (parts) == 3 && g_str_equal (parts[0], "GET") ? parts[1] : "");
    }
  else if (*line == '\0')
    {
      /* The headers are read, so closing does not reset the connection under the browser. */
      handle_visit (visit);
      visit_free (visit);
      return;
    }
  g_data_input_stream_read_line_async (visit->input, G_PRIORITY_DEFAULT, NULL, read_line_cb, visit);
}

static gboolean
incoming_cb (GSocketService *service, GSocketConnection *connection, GObject *source_object,
             gpointer user_data)
{
  GTask *task = user_data;
  Visit *visit = g_new0 (Visit, 1);

  visit->task = g_object_ref (task);
  visit->connection = g_object_ref (connection);
  visit->input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (visit->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_data_input_stream_read_line_async (visit->input, G_PRIORITY_DEFAULT, NULL, read_line_cb, visit);
  return TRUE;
}

static gboolean
start_waiting (GTask *task, GError **error)
{
  SignIn *sign_in = g_task_get_task_data (task);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  GCancellable    *cancellable = g_task_get_cancellable (task);

  sign_in->state = tend_oauth_random_string (error);
  if (sign_in->state == NULL)
    return FALSE;
  sign_in->nonce = tend_oauth_random_string (error);
  if (sign_in->nonce == NULL)
    return FALSE;
  sign_in->verifier = tend_oauth_random_string (error);
  if (sign_in->verifier == NULL)
    return FALSE;
  challenge = tend_oauth_pkce_challenge (sign_in->verifier);
  if (challenge == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Could not compute the PKCE code challenge"));
      return FALSE;
    }

  /* RFC 8252 §7.3 and §8.3: the loopback IP literal, on a port the system picks. */
  sign_in->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (sign_in->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective,
                                      error))
    return FALSE;
  sign_in->redirect_uri
      = g_strdup_printf ("http://127.0.0.1:%u/callback",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_signal_connect_object (sign_in->service, "incoming", G_CALLBACK (incoming_cb), task, 0);

  sign_in->timeout_source = g_timeout_source_new_seconds (sign_in->timeout);
  g_source_set_callback (sign_in->timeout_source, timeout_cb, task, NULL);
  g_source_attach (sign_in->timeout_source, g_task_get_context (task));
  if (cancellable != NULL)
    {
      sign_in->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (sign_in->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (sign_in->cancel_source, g_task_get_context (task));
    }
  g_socket_service_start (sign_in->service);

  url = tend_oauth_authorization_url (sign_in->discovery->authorization_endpoint,
                                      sign_in->client_id, sign_in->redirect_uri, sign_in->scope,
                                      sign_in->state, sign_in->nonce, challenge,
                                      (const char *const *) sign_in->authorization_parameters);
  return sign_in->open_uri (url, sign_in->open_uri_data, error);
}

static void
discover_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask  *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || !start_waiting (task, &error))
    {
      sign_in->finished = TRUE;
      stop_waiting (sign_in);
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  /* Otherwise the reference stays with the wait until finish_waiting ends it. */
}

/**
 * tend_oauth_flow_sign_in_async:
 * @open_uri: (scope call): opens the authorization URL in a browser
 *
 * Discovers the provider, waits on a loopback redirect for the browser to come back with a
 * code, trades the code for tokens and verifies the ID token.
 */
void
tend_oauth_flow_sign_in_async (TendOauthFlow *self, TendOauthOpenUri open_uri,
                               gpointer open_uri_data, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) discover = NULL;
  SignIn *sign_in;

  g_return_if_fail (TEND_IS_OAUTH_FLOW (self));
  g_return_if_fail (open_uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_oauth_flow_sign_in_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->issuer = g_strdup (self->issuer);
  if (self->discovery != NULL)
    sign_in->discovery = tend_oauth_discovery_ref (self->discovery);
  sign_in->client_id = g_strdup (self->client_id);
  sign_in->client_secret = g_strdup (self->client_secret);
  sign_in->scope = g_strdup (self->scope);
  sign_in->authorization_parameters = g_strdupv (self->authorization_parameters);
  sign_in->timeout = self->timeout;
  sign_in->open_uri = open_uri;
  sign_in->open_uri_data = open_uri_data;
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  discover = g_task_new (NULL, cancellable, discover_done, g_object_ref (task));
  g_task_set_task_data (discover, sign_in, NULL);
  g_task_run_in_thread (discover, discover_thread);
}

/**
 * tend_oauth_flow_sign_in_finish:
 * @email: (out) (optional): the verified `email` claim, or %NULL if the provider gave none
 *
 * A cancel stops the sign-in only until the browser has come back with a code: the tokens
 * bought with it are returned even when the cancellable was cancelled meanwhile, and the
 * caller then revokes them.
 *
 * Returns: (transfer full): the tokens, or %NULL with @error set
 */
TendTokens *
tend_oauth_flow_sign_in_finish (TendOauthFlow *self, GAsyncResult *result, char **email,
                                GError **error)
{
  SignIn *sign_in;

  g_return_val_if_fail (TEND_IS_OAUTH_FLOW (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  sign_in = g_task_get_task_data (G_TASK (result));
  if (email != NULL)
    *email = g_steal_pointer (&sign_in->email);
  return g_steal_pointer (&sign_in->tokens);
}

/**
 * tend_oauth_flow_set_client_secret:
 * @client_secret: (nullable): the client's secret, or %NULL for a public client (the default)
 *
 * Google's token endpoint wants the secret of its "Desktop app" clients, although such a secret
 * cannot stay secret in an installed application and Google does not treat it as one.
 */
void
tend_oauth_flow_set_client_secret (TendOauthFlow *self, const char *client_secret)
{
  g_return_if_fail (TEND_IS_OAUTH_FLOW (self));

  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
}

/**
 * tend_oauth_flow_set_authorization_parameters:
 * @parameters: (nullable): the provider's own authorization request parameters, each
 *   `name=value`, or %NULL for none (the default)
 */
void
tend_oauth_flow_set_authorization_parameters (TendOauthFlow *self, const char *const *parameters)
{
  g_return_if_fail (TEND_IS_OAUTH_FLOW (self));

  g_strfreev (self->authorization_parameters);
  self->authorization_parameters = g_strdupv ((char **) parameters);
}

void
tend_oauth_flow_set_timeout (TendOauthFlow *self, guint seconds)
{
  g_return_if_fail (TEND_IS_OAUTH_FLOW (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

/**
 * tend_oauth_flow_set_discovery:
 * @discovery: the configuration of the flow's issuer, read with tend_oauth_discover()
 *
 * Spares the sign-in reading the provider's configuration again.
 */
void
tend_oauth_flow_set_discovery (TendOauthFlow *self, TendOauthDiscovery *discovery)
{
  g_return_if_fail (TEND_IS_OAUTH_FLOW (self));
  g_return_if_fail (discovery != NULL);

  g_clear_pointer (&self->discovery, tend_oauth_discovery_unref);
  self->discovery = tend_oauth_discovery_ref (discovery);
}

static void
tend_oauth_flow_finalize (GObject *object)
{
  TendOauthFlow *self = TEND_OAUTH_FLOW (object);

  g_free (self->issuer);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->scope);
  g_strfreev (self->authorization_parameters);
  g_clear_pointer (&self->discovery, tend_oauth_discovery_unref);
  G_OBJECT_CLASS (tend_oauth_flow_parent_class)->finalize (object);
}

static void
tend_oauth_flow_class_init (TendOauthFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_oauth_flow_finalize;
}

static void
tend_oauth_flow_init (TendOauthFlow *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
}

/**
 * tend_oauth_flow_new:
 * @issuer: the OpenID provider's issuer URL, without a trailing slash
 * @client_id: this installation's client id at that provider
 * @scope: the space-separated scopes to ask for; must include `openid`
 */
TendOauthFlow *
tend_oauth_flow_new (const char *issuer, const char *client_id, const char *scope)
{
  TendOauthFlow *self;

  g_return_val_if_fail (issuer != NULL && client_id != NULL && scope != NULL, NULL);

  self = g_object_new (TEND_TYPE_OAUTH_FLOW, NULL);
  self->issuer = g_strdup (issuer);
  self->client_id = g_strdup (client_id);
  self->scope = g_strdup (scope);
  return self;
}
