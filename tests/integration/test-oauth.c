/* test-oauth.c: sign-in against a real OpenID provider on loopback (tests/oidc)
 *
 * Each case starts its own `node tests/oidc/provider.mjs` with a stdin pipe (the provider
 * exits when the pipe closes) and drives `tests/oidc/browser.mjs` as the browser.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <jansson.h>
#include <string.h>

#include "tend-oauth-flow.h"
#include "tend-test-fake.h"

#define CLIENT_ID "tend-test"
#define SCOPE "openid offline_access email profile"

typedef struct
{
  TendTestFake *server;
  const char   *issuer;
} Provider;

static void
provider_stop (Provider *provider)
{
  tend_test_fake_stop (provider->server);
  g_free (provider);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Provider, provider_stop)

static Provider *
provider_start (const char *id_token_ttl)
{
  g_autofree char *script = g_build_filename (TEND_OIDC_DIR, "provider.mjs", NULL);
  const char      *argv[] = { "node", script, "--id-token-ttl", id_token_ttl, NULL };
  Provider        *provider = g_new0 (Provider, 1);

  provider->server = tend_test_fake_start_argv (argv, "issuer");
  provider->issuer = tend_test_fake_get_url (provider->server);
  return provider;
}

/* Runs browser.mjs to the end and returns its JSON answer. */
static json_t *
run_browser (const char *url, gboolean stop_at_redirect)
{
  g_autofree char *script = g_build_filename (TEND_OIDC_DIR, "browser.mjs", NULL);
  g_autoptr (GSubprocess) browser = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  json_t          *answer;

  if (stop_at_redirect)
    browser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "node", script,
                                "--stop-at-redirect", url, NULL);
  else
    browser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "node", script, url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (browser, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (browser));
  answer = json_loads (out, 0, NULL);
  g_assert_true (json_is_object (answer));
  return answer;
}

/* What the browser thread saw, for the flow tests. */
typedef struct
{
  gboolean      stop_at_redirect;
  GThread      *thread;
  char         *url;
  int           status;         /* the app's HTTP status as the scripted browser reported it */
  int           wrong_status;   /* the loopback's answer to a wrong state */
  int           unknown_status; /* the loopback's answer to another path */
  int           right_status;   /* the loopback's answer to the real redirect */
  GAsyncResult *result;
} Browse;

/* A plain HTTP/1.1 GET to the loopback redirect; returns the status code. */
static int
http_get_status (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *line = NULL;
  int              status = 0;

  g_assert_nonnull (uri);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                                (guint16) g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET %s%s%s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                             g_uri_get_path (uri), g_uri_get_query (uri) != NULL ? "?" : "",
                             g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "",
                             g_uri_get_host (uri), g_uri_get_port (uri));
  g_assert_true (
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                 strlen (request), NULL, NULL, &error));
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  line = g_data_input_stream_read_line_utf8 (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (sscanf (line, "HTTP/1.1 %d", &status) == 1);
  return status;
}

static char *
replace_param (const char *url, const char *name, const char *value)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GHashTable) params
      = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_autoptr (GString) query = g_string_new (NULL);
  GHashTableIter iter;
  gpointer       key, old;

  g_hash_table_insert (params, g_strdup (name), g_strdup (value));
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &old))
    {
      g_autofree char *escaped = g_uri_escape_string (old, NULL, FALSE);

      g_string_append_printf (query, "%s%s=%s", query->len > 0 ? "&" : "", (char *) key, escaped);
    }
  return g_strdup_printf ("http://%s:%d%s?%s", g_uri_get_host (uri), g_uri_get_port (uri),
                          g_uri_get_path (uri), query->str);
}

static gpointer
browse_thread (gpointer user_data)
{
  Browse *browse = user_data;
  json_t *answer = run_browser (browse->url, browse->stop_at_redirect);
  json_t *status = json_object_get (answer, "status");

  if (browse->stop_at_redirect)
    {
      const char      *location = json_string_value (json_object_get (answer, "location"));
      g_autofree char *wrong = replace_param (location, "state", "not-the-state");
      g_autoptr (GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED, NULL);
      g_autofree char *other
          = g_strdup_printf ("http://127.0.0.1:%d/favicon.ico", g_uri_get_port (uri));

      g_assert_true (json_is_null (status));
      browse->wrong_status = http_get_status (wrong);
      browse->unknown_status = http_get_status (other);
      browse->right_status = http_get_status (location);
    }
  else
    browse->status = (int) json_integer_value (status);
  json_decref (answer);
  return NULL;
}

static gboolean
open_in_browser (const char *uri, gpointer user_data, GError **error)
{
  Browse *browse = user_data;

  /* The flow waits on the main context, so the browser runs beside it. */
  browse->url = g_strdup (uri);
  browse->thread = g_thread_new ("browser", browse_thread, browse);
  return TRUE;
}

static gboolean
open_nothing (const char *uri, gpointer user_data, GError **error)
{
  return TRUE;
}

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static TendTokens *
sign_in (TendOauthFlow *flow, TendOauthOpenUri open_uri, Browse *browse, char **email,
         GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_oauth_flow_sign_in_async (flow, open_uri, browse, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (browse != NULL && browse->thread != NULL)
    g_thread_join (browse->thread);
  if (browse != NULL)
    g_free (browse->url);
  return tend_oauth_flow_sign_in_finish (flow, result, email, error);
}

static void
test_sign_in (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendOauthFlow) flow = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *email = NULL;
  Browse           browse = { 0 };
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  flow = tend_oauth_flow_new (provider->issuer, CLIENT_ID, SCOPE);
  tokens = sign_in (flow, open_in_browser, &browse, &email, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  /* The browser got the "you can close this tab" page. */
  g_assert_cmpint (browse.status, ==, 200);
  g_assert_cmpstr (email, ==, "me@tend.test");
  g_assert_nonnull (tokens->access_token);
  /* provider.mjs issues a refresh token with every code exchange. */
  g_assert_nonnull (tokens->refresh_token);
  /* Access tokens live 3600 s: expires_at is about now + 3600. */
  g_assert_cmpint (tokens->expires_at, >=, now + 3600 - 5);
  g_assert_cmpint (tokens->expires_at, <=, now + 3600 + 60);
  /* Nothing of the sign-in (task, loopback server, sources) holds on to the flow. */
  g_assert_finalize_object (g_steal_pointer (&flow));
}

static void
test_wrong_state (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendOauthFlow) flow = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *email = NULL;
  Browse           browse = { .stop_at_redirect = TRUE };

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  flow = tend_oauth_flow_new (provider->issuer, CLIENT_ID, SCOPE);
  tokens = sign_in (flow, open_in_browser, &browse, &email, &error);
  /* The wrong state and the stray path got a 400 and the flow kept waiting; the real
   * redirect, delivered after them, completed it. */
  g_assert_cmpint (browse.wrong_status, ==, 400);
  g_assert_cmpint (browse.unknown_status, ==, 400);
  g_assert_cmpint (browse.right_status, ==, 200);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (email, ==, "me@tend.test");
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
open_and_cancel (const char *uri, gpointer user_data, GError **error)
{
  /* The user gives up while the browser is open. */
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_later, g_object_ref (user_data), g_object_unref);
  return TRUE;
}

static void
test_cancel (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendOauthFlow) flow = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (GError) error = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  flow = tend_oauth_flow_new (provider->issuer, CLIENT_ID, SCOPE);
  tend_oauth_flow_sign_in_async (flow, open_and_cancel, cancellable, cancellable, result_cb,
                                 &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tokens = tend_oauth_flow_sign_in_finish (flow, result, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (tokens);
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&flow));
}

static void
test_timeout (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendOauthFlow) flow = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (GError) error = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  flow = tend_oauth_flow_new (provider->issuer, CLIENT_ID, SCOPE);
  tend_oauth_flow_set_timeout (flow, 1);
  tokens = sign_in (flow, open_nothing, NULL, NULL, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TIMEOUT);
  g_assert_null (tokens);
}

/* The flow's steps by hand: a code from the scripted browser, stopped at the redirect. */
typedef struct
{
  char *token_endpoint;
  char *revocation_endpoint;
  char *jwks;
  char *redirect_uri;
  char *code;
  char *verifier;
  char *nonce;
} Manual;

static void
manual_clear (Manual *manual)
{
  g_free (manual->token_endpoint);
  g_free (manual->revocation_endpoint);
  g_free (manual->jwks);
  g_free (manual->redirect_uri);
  g_free (manual->code);
  g_free (manual->verifier);
  g_free (manual->nonce);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Manual, manual_clear)

static void
manual_authorize (Provider *provider, Manual *manual)
{
  g_autofree char *discovery_url
      = g_strconcat (provider->issuer, "/.well-known/openid-configuration", NULL);
  g_autofree char *discovery = NULL;
  g_autofree char *state = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) location = NULL;
  g_autoptr (GHashTable) params = NULL;
  json_t *config;
  json_t *answer;

  discovery = tend_oauth_http_get (discovery_url, &error);
  g_assert_no_error (error);
  config = json_loads (discovery, 0, NULL);
  manual->token_endpoint
      = g_strdup (json_string_value (json_object_get (config, "token_endpoint")));
  manual->revocation_endpoint
      = g_strdup (json_string_value (json_object_get (config, "revocation_endpoint")));
  g_assert_nonnull (manual->revocation_endpoint);
  manual->jwks
      = tend_oauth_http_get (json_string_value (json_object_get (config, "jwks_uri")), &error);
  g_assert_no_error (error);

  /* Any port is allowed (RFC 8252 §7.3); nothing listens on 9 and nothing needs to. */
  manual->redirect_uri = g_strdup ("http://127.0.0.1:9/callback");
  manual->verifier = tend_oauth_random_string (&error);
  g_assert_no_error (error);
  manual->nonce = tend_oauth_random_string (&error);
  g_assert_no_error (error);
  state = tend_oauth_random_string (&error);
  g_assert_no_error (error);
  challenge = tend_oauth_pkce_challenge (manual->verifier);
  url = tend_oauth_authorization_url (
      json_string_value (json_object_get (config, "authorization_endpoint")), CLIENT_ID,
      manual->redirect_uri, SCOPE, state, manual->nonce, challenge, NULL);
  json_decref (config);

  answer = run_browser (url, TRUE);
  location = g_uri_parse (json_string_value (json_object_get (answer, "location")),
                          G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);
  manual->code = g_strdup (g_hash_table_lookup (params, "code"));
  g_assert_nonnull (manual->code);
  json_decref (answer);
}

static void
test_pkce_challenge (void)
{
  g_autofree char *challenge = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr (GError) error = NULL;

  /* RFC 7636 appendix B's example pair. */
  challenge = tend_oauth_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

  /* 32 random bytes in base64url without padding: ceil (32 * 4 / 3) = 43 characters. */
  a = tend_oauth_random_string (&error);
  g_assert_no_error (error);
  b = tend_oauth_random_string (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (a), ==, 43);
  g_assert_cmpstr (a, !=, b);
  g_assert_null (strpbrk (a, "+/="));
}

static void
test_replayed_code (void)
{
  g_autoptr (Provider) provider = NULL;
  g_auto (Manual) manual = { 0 };
  g_autoptr (TendTokens) first = NULL;
  g_autoptr (TendTokens) second = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *replay_id_token = NULL;
  g_autoptr (GError) error = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  manual_authorize (provider, &manual);
  first = tend_oauth_exchange_code (manual.token_endpoint, CLIENT_ID, NULL, manual.redirect_uri,
                                    manual.code, manual.verifier, &id_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  second = tend_oauth_exchange_code (manual.token_endpoint, CLIENT_ID, NULL, manual.redirect_uri,
                                     manual.code, manual.verifier, &replay_id_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST);
  g_assert_null (second);
  g_assert_null (replay_id_token);
}

static void
test_id_token (void)
{
  g_autoptr (Provider) provider = NULL;
  g_auto (Manual) manual = { 0 };
  g_autoptr (TendTokens) tokens = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *email = NULL;
  g_autofree char *tampered = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char  *last;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  manual_authorize (provider, &manual);
  tokens = tend_oauth_exchange_code (manual.token_endpoint, CLIENT_ID, NULL, manual.redirect_uri,
                                     manual.code, manual.verifier, &id_token, &error);
  g_assert_no_error (error);

  g_assert_true (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer, CLIENT_ID,
                                             manual.nonce, now, &email, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "me@tend.test");

  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer, CLIENT_ID,
                                              "another-nonce", now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* This token carries a nonce: it cannot pass for one of a flow without nonces. */
  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer, CLIENT_ID,
                                              NULL, now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_clear_error (&error);

  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer,
                                              "another-client", manual.nonce, now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, "http://127.0.0.1:1",
                                              CLIENT_ID, manual.nonce, now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* ID tokens live 3600 s here: an hour and a minute on, this one is stale. */
  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer, CLIENT_ID,
                                              manual.nonce, now + 3660, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* One changed character in the signature (kept in the base64url alphabet). */
  tampered = g_strdup (id_token);
  last = tampered + strlen (tampered) - 2;
  *last = *last == 'A' ? 'B' : 'A';
  g_assert_false (tend_oauth_verify_id_token (manual.jwks, tampered, provider->issuer, CLIENT_ID,
                                              manual.nonce, now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
}

static void
test_expired_id_token (void)
{
  g_autoptr (Provider) provider = NULL;
  g_auto (Manual) manual = { 0 };
  g_autoptr (TendTokens) tokens = NULL;
  g_autofree char *id_token = NULL;
  g_autoptr (GError) error = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("1");
  manual_authorize (provider, &manual);
  tokens = tend_oauth_exchange_code (manual.token_endpoint, CLIENT_ID, NULL, manual.redirect_uri,
                                     manual.code, manual.verifier, &id_token, &error);
  g_assert_no_error (error);
  /* A one-second ID token, checked two seconds later by the real clock. */
  g_usleep (2 * G_USEC_PER_SEC);
  g_assert_false (tend_oauth_verify_id_token (manual.jwks, id_token, provider->issuer, CLIENT_ID,
                                              manual.nonce, g_get_real_time () / G_USEC_PER_SEC,
                                              NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
}

/* Signs in by hand and returns the first token set. */
static TendTokens *
manual_tokens (Provider *provider, Manual *manual)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id_token = NULL;
  TendTokens      *tokens;

  manual_authorize (provider, manual);
  tokens = tend_oauth_exchange_code (manual->token_endpoint, CLIENT_ID, NULL, manual->redirect_uri,
                                     manual->code, manual->verifier, &id_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_nonnull (tokens->refresh_token);
  return tokens;
}

static void
test_refresh_rotation (void)
{
  g_autoptr (Provider) provider = NULL;
  g_auto (Manual) manual = { 0 };
  g_autoptr (TendTokens) first = NULL;
  g_autoptr (TendTokens) second = NULL;
  g_autoptr (TendTokens) replayed = NULL;
  g_autoptr (TendTokens) third = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  first = manual_tokens (provider, &manual);

  second
      = tend_oauth_refresh (manual.token_endpoint, CLIENT_ID, NULL, first->refresh_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_nonnull (second->access_token);
  g_assert_cmpstr (second->access_token, !=, first->access_token);
  /* provider.mjs rotates: the answer carries a new refresh token, and the result holds it. */
  g_assert_nonnull (second->refresh_token);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  /* Access tokens live 3600 s: expires_at is about now + 3600. */
  g_assert_cmpint (second->expires_at, >=, now + 3600 - 5);
  g_assert_cmpint (second->expires_at, <=, now + 3600 + 60);

  /* The rotated-out refresh token is refused as invalid_grant, with a sign-in-again message. */
  replayed
      = tend_oauth_refresh (manual.token_endpoint, CLIENT_ID, NULL, first->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (replayed);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_assert_nonnull (strstr (error->message, "sign in to Tend again"));
  /* The message names the error code only, never a token. */
  g_assert_null (strstr (error->message, first->refresh_token));
  g_clear_error (&error);

  /* The replay revoked the whole grant (tests/oidc/README.md): the newest token is dead too. */
  third
      = tend_oauth_refresh (manual.token_endpoint, CLIENT_ID, NULL, second->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (third);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
}

static void
test_revoke (void)
{
  g_autoptr (Provider) provider = NULL;
  g_auto (Manual) manual = { 0 };
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (TendTokens) refreshed = NULL;
  g_autoptr (GError) error = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  tokens = manual_tokens (provider, &manual);

  g_assert_true (tend_oauth_revoke (manual.revocation_endpoint, CLIENT_ID, NULL,
                                    tokens->refresh_token, "refresh_token", &error));
  g_assert_no_error (error);

  refreshed
      = tend_oauth_refresh (manual.token_endpoint, CLIENT_ID, NULL, tokens->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (refreshed);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_clear_error (&error);

  /* RFC 7009 §2.2: a token the provider no longer knows, or never knew, still gets a 200. */
  g_assert_true (tend_oauth_revoke (manual.revocation_endpoint, CLIENT_ID, NULL,
                                    tokens->refresh_token, "refresh_token", &error));
  g_assert_no_error (error);
  g_assert_true (
      tend_oauth_revoke (manual.revocation_endpoint, CLIENT_ID, NULL, "not-a-token", NULL, &error));
  g_assert_no_error (error);
}

/* Reads discovery and the keys; returns the configuration. */
static json_t *
discover (Provider *provider, char **jwks)
{
  g_autofree char *discovery_url
      = g_strconcat (provider->issuer, "/.well-known/openid-configuration", NULL);
  g_autofree char *discovery = NULL;
  g_autoptr (GError) error = NULL;
  json_t *config;

  discovery = tend_oauth_http_get (discovery_url, &error);
  g_assert_no_error (error);
  config = json_loads (discovery, 0, NULL);
  g_assert_true (json_is_object (config));
  *jwks = tend_oauth_http_get (json_string_value (json_object_get (config, "jwks_uri")), &error);
  g_assert_no_error (error);
  return config;
}

static void
test_device_flow (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendDeviceAuthorization) device = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (TendTokens) unknown = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *script = g_build_filename (TEND_OIDC_DIR, "browser.mjs", NULL);
  g_autofree char *jwks = NULL;
  g_autofree char *id_token = NULL;
  g_autofree char *unknown_id_token = NULL;
  g_autofree char *email = NULL;
  g_autoptr (GSubprocess) browser = NULL;
  const char *device_endpoint;
  const char *token_endpoint;
  json_t     *config;
  gint64      now = g_get_real_time () / G_USEC_PER_SEC;
  gint64      deadline;
  guint       interval;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  config = discover (provider, &jwks);
  device_endpoint = json_string_value (json_object_get (config, "device_authorization_endpoint"));
  token_endpoint = json_string_value (json_object_get (config, "token_endpoint"));
  g_assert_nonnull (device_endpoint);
  g_assert_nonnull (token_endpoint);

  device = tend_oauth_device_authorize (device_endpoint, CLIENT_ID, SCOPE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
  g_assert_nonnull (device->device_code);
  g_assert_nonnull (device->user_code);
  g_assert_true (g_str_has_prefix (device->verification_uri, provider->issuer));
  /* provider.mjs sends no interval: RFC 8628 §3.2's default of 5 s applies. */
  g_assert_cmpuint (device->interval, ==, 5);
  g_assert_cmpint (device->expires_at, >, now);

  /* Nobody has approved yet. */
  tokens = tend_oauth_device_poll (token_endpoint, CLIENT_ID, NULL, device->device_code, &id_token,
                                   &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_PENDING);
  g_assert_null (tokens);
  g_assert_null (id_token);
  g_clear_error (&error);

  /* A device code the provider never issued is refused outright, not pending. */
  unknown = tend_oauth_device_poll (token_endpoint, CLIENT_ID, NULL, "not-a-device-code",
                                    &unknown_id_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST);
  g_assert_null (unknown);
  g_clear_error (&error);

  browser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "node", script, "--device",
                              device->user_code, device->verification_uri, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (browser, NULL, &error));
  g_assert_no_error (error);

  /* Poll as a device would: wait the interval first, add 5 s on slow_down (§3.5). Approved
   * already, so the first poll should do; 20 s bounds it. */
  interval = device->interval;
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (tokens == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time () + interval * G_USEC_PER_SEC, <=, deadline);
      g_usleep (interval * G_USEC_PER_SEC);
      g_clear_error (&error);
      tokens = tend_oauth_device_poll (token_endpoint, CLIENT_ID, NULL, device->device_code,
                                       &id_token, &error);
      if (g_error_matches (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_SLOW_DOWN))
        interval += 5;
      else if (!g_error_matches (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_PENDING))
        g_assert_no_error (error);
    }
  g_assert_no_error (error);
  g_assert_nonnull (tokens->access_token);
  g_assert_nonnull (tokens->refresh_token);
  g_assert_nonnull (id_token);

  /* No nonce in the device flow: NULL means the token must carry none. */
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (tend_oauth_verify_id_token (jwks, id_token, provider->issuer, CLIENT_ID, NULL, now,
                                             &email, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "me@tend.test");
  g_assert_false (tend_oauth_verify_id_token (jwks, id_token, provider->issuer, CLIENT_ID,
                                              "a-nonce", now, NULL, &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN);
  g_clear_error (&error);
  json_decref (config);
}

#define TENANT_ISSUER "https://login.microsoftonline.com/{tenantid}/v2.0"
#define TENANT_ID "0b3a1f6e-4c2d-4e8f-9a7b-1c2d3e4f5a6b"

/* Microsoft's multi-tenant issuer: the token's tid, and nothing else, fills the pattern. The
 * test provider cannot sign a token with another issuer, so the matching is tested directly
 * with the claims a token would carry. */
static void
test_issuer_matches (void)
{
  const char *tenant_iss = "https://login.microsoftonline.com/" TENANT_ID "/v2.0";

  /* An ordinary issuer must be named exactly; a tid changes nothing. */
  g_assert_true (tend_oauth_issuer_matches ("https://accounts.google.com",
                                            "https://accounts.google.com", NULL));
  g_assert_false (tend_oauth_issuer_matches ("https://accounts.google.com",
                                             "https://accounts.google.com/", NULL));
  g_assert_false (tend_oauth_issuer_matches ("https://accounts.google.com", NULL, NULL));
  g_assert_false (tend_oauth_issuer_matches ("https://accounts.google.com", tenant_iss, TENANT_ID));

  /* The pattern with the token's own tid. */
  g_assert_true (tend_oauth_issuer_matches (TENANT_ISSUER, tenant_iss, TENANT_ID));
  /* No tid, or another tenant's: refused. */
  g_assert_false (tend_oauth_issuer_matches (TENANT_ISSUER, tenant_iss, NULL));
  g_assert_false (tend_oauth_issuer_matches (TENANT_ISSUER, tenant_iss,
                                             "11111111-2222-3333-4444-555555555555"));
  /* The pattern itself, or a keyword, is no tenant's issuer. */
  g_assert_false (tend_oauth_issuer_matches (TENANT_ISSUER, TENANT_ISSUER, "{tenantid}"));
  g_assert_false (tend_oauth_issuer_matches (
      TENANT_ISSUER, "https://login.microsoftonline.com/organizations/v2.0", "organizations"));
  /* A tid that is not a GUID cannot smuggle another host or path into the issuer. */
  g_assert_false (tend_oauth_issuer_matches (
      TENANT_ISSUER, "https://login.microsoftonline.com/evil.example/x/v2.0", "evil.example/x"));
  g_assert_false (tend_oauth_issuer_matches (
      TENANT_ISSUER, "https://login.microsoftonline.com/" TENANT_ID "x/v2.0", TENANT_ID "x"));
  g_assert_false (tend_oauth_issuer_matches (
      TENANT_ISSUER, "https://login.microsoftonline.com/0b3a1f6e4c2d4e8f9a7b1c2d3e4f5a6b/v2.0",
      "0b3a1f6e4c2d4e8f9a7b1c2d3e4f5a6b"));
  /* Another host with the right tid. */
  g_assert_false (tend_oauth_issuer_matches (TENANT_ISSUER,
                                             "https://evil.example/" TENANT_ID "/v2.0", TENANT_ID));
}

/* A one-shot HTTP server on loopback that answers one request with @status and @document, in a
 * thread of its own since the request it serves blocks the test's thread. It keeps the request
 * line and the body (a POST's form) for the test to look at. */
typedef struct
{
  GSocketListener *listener;
  guint16          port;
  guint            status;
  char            *document;
  GThread         *thread;
  char            *request_line;
  char            *body;
} DocumentServer;

static gpointer
document_server_thread (gpointer user_data)
{
  DocumentServer *server = user_data;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *response = NULL;
  gsize            content_length = 0;
  gsize            read = 0;
  char            *line;

  connection = g_socket_listener_accept (server->listener, NULL, NULL, &error);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  /* The request line and headers, up to the empty line. */
  while ((line = g_data_input_stream_read_line (input, NULL, NULL, &error)) != NULL)
    {
      gboolean end = line[0] == '\0' || g_str_equal (line, "\r");

      g_strchomp (line);
      if (server->request_line == NULL)
        server->request_line = g_strdup (line);
      else if (g_ascii_strncasecmp (line, "Content-Length:", strlen ("Content-Length:")) == 0)
        content_length = g_ascii_strtoull (line + strlen ("Content-Length:"), NULL, 10);
      g_free (line);
      if (end)
        break;
    }
  g_assert_no_error (error);
  server->body = g_malloc0 (content_length + 1);
  g_assert_true (g_input_stream_read_all (G_INPUT_STREAM (input), server->body, content_length,
                                          &read, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read, ==, content_length);
  response = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                              server->status, server->status == 200 ? "OK" : "Bad Request",
                              strlen (server->document), server->document);
  g_assert_true (
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), response,
                                 strlen (response), NULL, NULL, &error));
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return NULL;
}

static DocumentServer *
document_server_start (void)
{
  DocumentServer *server = g_new0 (DocumentServer, 1);
  g_autoptr (GError) error = NULL;

  server->listener = g_socket_listener_new ();
  server->port = g_socket_listener_add_any_inet_port (server->listener, NULL, &error);
  g_assert_no_error (error);
  return server;
}

/* Answers the next request with @status and @document; the previous request is forgotten. */
static void
document_server_answer (DocumentServer *server, guint status, const char *document)
{
  g_clear_pointer (&server->request_line, g_free);
  g_clear_pointer (&server->body, g_free);
  g_free (server->document);
  server->status = status;
  server->document = g_strdup (document);
  server->thread = g_thread_new ("document", document_server_thread, server);
}

static void
document_server_serve (DocumentServer *server, const char *issuer)
{
  g_autofree char *document = g_strdup_printf (
      "{\"issuer\": \"%s\", \"authorization_endpoint\": \"http://127.0.0.1:%u/auth\", "
      "\"token_endpoint\": \"http://127.0.0.1:%u/token\", "
      "\"jwks_uri\": \"http://127.0.0.1:%u/keys\"}",
      issuer, server->port, server->port, server->port);

  document_server_answer (server, 200, document);
}

static void
document_server_stop (DocumentServer *server)
{
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_free (server->document);
  g_free (server->request_line);
  g_free (server->body);
  g_free (server);
}

/* Discovery names the issuer it was read from, or for Microsoft's organizations and common
 * endpoints the tenant pattern; a configuration naming anything else is refused. */
static void
test_discovery_issuer (void)
{
  DocumentServer *server = document_server_start ();
  g_autoptr (GError) error = NULL;
  g_autofree char  *base = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autofree char  *pattern = g_strconcat (base, "/{tenantid}/v2.0", NULL);
  const char *const keywords[] = { "organizations", "common" };
  const char *const refused[] = { "consumers", "contoso.example", TENANT_ID };

  for (gsize i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      g_autofree char *asked = g_strdup_printf ("%s/%s/v2.0", base, keywords[i]);
      g_autoptr (TendOauthDiscovery) discovery = NULL;

      document_server_serve (server, pattern);
      discovery = tend_oauth_discover (asked, &error);
      g_thread_join (server->thread);
      g_assert_no_error (error);
      g_assert_cmpstr (discovery->issuer, ==, pattern);
      g_assert_null (discovery->revocation_endpoint);
      g_assert_null (discovery->device_authorization_endpoint);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *asked = g_strdup_printf ("%s/%s/v2.0", base, refused[i]);
      g_autoptr (TendOauthDiscovery) discovery = NULL;

      document_server_serve (server, pattern);
      discovery = tend_oauth_discover (asked, &error);
      g_thread_join (server->thread);
      g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DISCOVERY);
      g_assert_null (discovery);
      g_clear_error (&error);
    }

  /* An ordinary configuration must name exactly the issuer asked. */
  {
    g_autoptr (TendOauthDiscovery) discovery = NULL;
    g_autofree char *other = g_strconcat (base, "/other", NULL);

    document_server_serve (server, other);
    discovery = tend_oauth_discover (base, &error);
    g_thread_join (server->thread);
    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_DISCOVERY);
    g_assert_null (discovery);
  }
  document_server_stop (server);
}

/* The form a request posted, as a table; the thread that served it is joined first. */
static GHashTable *
document_server_take_form (DocumentServer *server)
{
  g_autoptr (GError) error = NULL;
  GHashTable *form;

  g_thread_join (server->thread);
  g_assert_true (g_str_has_prefix (server->request_line, "POST "));
  form = g_uri_parse_params (server->body, -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  return form;
}

#define EXTRA_PARAMETERS ((const char *const[]){ "access_type=offline", "prompt=consent", NULL })

/* A provider's own parameters follow the standard ones in the authorization URL, escaped like
 * them; without any, the URL has only the standard ones. */
static void
test_authorization_parameters (void)
{
  g_autofree char *url = NULL;
  g_autofree char *plain = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GHashTable) plain_params = NULL;
  g_autoptr (GError) error = NULL;
  const char *const extra[] = { "access_type=offline", "prompt=consent", "hint=a b&c", NULL };

  url = tend_oauth_authorization_url ("https://id.example.org/auth", CLIENT_ID,
                                      "http://127.0.0.1:9/callback", SCOPE, "the-state",
                                      "the-nonce", "the-challenge", extra);
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/auth");
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  /* 8 standard parameters and the 3 extra ones. */
  g_assert_cmpuint (g_hash_table_size (params), ==, 11);
  g_assert_cmpstr (g_hash_table_lookup (params, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "consent");
  /* A value with a space and an ampersand comes back whole. */
  g_assert_cmpstr (g_hash_table_lookup (params, "hint"), ==, "a b&c");
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, SCOPE);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "the-state");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");

  plain = tend_oauth_authorization_url ("https://id.example.org/auth", CLIENT_ID,
                                        "http://127.0.0.1:9/callback", SCOPE, "the-state",
                                        "the-nonce", "the-challenge", NULL);
  g_clear_pointer (&uri, g_uri_unref);
  uri = g_uri_parse (plain, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  plain_params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (plain_params), ==, 8);
  g_assert_false (g_hash_table_contains (plain_params, "access_type"));
  g_assert_false (g_hash_table_contains (plain_params, "prompt"));
}

#define CLIENT_SECRET "GOCSPX-test-only-placeholder"

/* A client secret goes as client_secret with the code, refresh, device and revocation requests,
 * and a public client sends none. The test provider of tests/oidc takes public clients only, so
 * a loopback server records the forms instead; its error answers also show that no error
 * message carries the secret. */
static void
test_client_secret (void)
{
  DocumentServer  *server = document_server_start ();
  g_autofree char *token_endpoint = g_strdup_printf ("http://127.0.0.1:%u/token", server->port);
  g_autofree char *revocation_endpoint
      = g_strdup_printf ("http://127.0.0.1:%u/revoke", server->port);
  const char *invalid_grant = "{\"error\": \"invalid_grant\"}";
  g_autoptr (GError) error = NULL;
  g_autofree char *id_token = NULL;

  /* The code: refused here (400 invalid_grant), but the form is what counts. */
  {
    g_autoptr (TendTokens) tokens = NULL;
    g_autoptr (GHashTable) form = NULL;

    document_server_answer (server, 400, invalid_grant);
    tokens = tend_oauth_exchange_code (token_endpoint, CLIENT_ID, CLIENT_SECRET,
                                       "http://127.0.0.1:9/callback", "the-code", "the-verifier",
                                       &id_token, &error);
    form = document_server_take_form (server);
    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST);
    g_assert_null (strstr (error->message, CLIENT_SECRET));
    g_clear_error (&error);
    g_assert_null (tokens);
    g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
    g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, CLIENT_ID);
    g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);
    g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "the-code");
    g_assert_cmpstr (g_hash_table_lookup (form, "code_verifier"), ==, "the-verifier");
  }

  /* The same request of a public client has no client_secret at all. */
  {
    g_autoptr (TendTokens) tokens = NULL;
    g_autoptr (GHashTable) form = NULL;

    document_server_answer (server, 400, invalid_grant);
    tokens
        = tend_oauth_exchange_code (token_endpoint, CLIENT_ID, NULL, "http://127.0.0.1:9/callback",
                                    "the-code", "the-verifier", &id_token, &error);
    form = document_server_take_form (server);
    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST);
    g_clear_error (&error);
    g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, CLIENT_ID);
    g_assert_false (g_hash_table_contains (form, "client_secret"));
  }

  /* A refresh. */
  {
    g_autoptr (TendTokens) tokens = NULL;
    g_autoptr (GHashTable) form = NULL;

    document_server_answer (server, 400, invalid_grant);
    tokens = tend_oauth_refresh (token_endpoint, CLIENT_ID, CLIENT_SECRET, "the-refresh-token",
                                 &error);
    form = document_server_take_form (server);
    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
    g_assert_null (strstr (error->message, CLIENT_SECRET));
    g_clear_error (&error);
    g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "refresh_token");
    g_assert_cmpstr (g_hash_table_lookup (form, "refresh_token"), ==, "the-refresh-token");
    g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);
  }

  /* A device poll, at the same token endpoint. */
  {
    g_autoptr (TendTokens) tokens = NULL;
    g_autoptr (GHashTable) form = NULL;

    document_server_answer (server, 400, "{\"error\": \"authorization_pending\"}");
    tokens = tend_oauth_device_poll (token_endpoint, CLIENT_ID, CLIENT_SECRET, "the-device-code",
                                     &id_token, &error);
    form = document_server_take_form (server);
    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_PENDING);
    g_clear_error (&error);
    g_assert_cmpstr (g_hash_table_lookup (form, "device_code"), ==, "the-device-code");
    g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);
  }

  /* A revocation (RFC 7009 §2.1 authenticates the client as the token endpoint does). */
  {
    g_autoptr (GHashTable) form = NULL;

    document_server_answer (server, 200, "");
    g_assert_true (tend_oauth_revoke (revocation_endpoint, CLIENT_ID, CLIENT_SECRET,
                                      "the-refresh-token", "refresh_token", &error));
    g_assert_no_error (error);
    form = document_server_take_form (server);
    g_assert_true (g_str_has_prefix (server->request_line, "POST /revoke "));
    g_assert_cmpstr (g_hash_table_lookup (form, "token"), ==, "the-refresh-token");
    g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, CLIENT_ID);
    g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);
  }
  document_server_stop (server);
}

/* The browser side of test_flow_secret: comes back to the loopback redirect with a code. */
typedef struct
{
  char    *url;
  GThread *thread;
  int      status;
} Redirect;

static gpointer
redirect_thread (gpointer user_data)
{
  Redirect *redirect = user_data;
  g_autoptr (GUri) uri = g_uri_parse (redirect->url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GHashTable) params
      = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autofree char *state = g_uri_escape_string (g_hash_table_lookup (params, "state"), NULL, FALSE);
  g_autofree char *callback = g_strdup_printf (
      "%s?state=%s&code=the-code", (char *) g_hash_table_lookup (params, "redirect_uri"), state);

  redirect->status = http_get_status (callback);
  return NULL;
}

static gboolean
open_and_redirect (const char *uri, gpointer user_data, GError **error)
{
  Redirect *redirect = user_data;

  redirect->url = g_strdup (uri);
  redirect->thread = g_thread_new ("redirect", redirect_thread, redirect);
  return TRUE;
}

/* The flow puts the provider's parameters in the URL it opens and its secret in the code
 * request. */
static void
test_flow_secret (void)
{
  DocumentServer  *server = document_server_start ();
  g_autofree char *issuer = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autoptr (TendOauthDiscovery) discovery = NULL;
  g_autoptr (TendOauthFlow) flow = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (TendTokens) tokens = NULL;
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) error = NULL;
  Redirect redirect = { 0 };

  document_server_serve (server, issuer);
  discovery = tend_oauth_discover (issuer, &error);
  g_thread_join (server->thread);
  g_assert_no_error (error);

  flow = tend_oauth_flow_new (issuer, CLIENT_ID, SCOPE);
  tend_oauth_flow_set_discovery (flow, discovery);
  tend_oauth_flow_set_client_secret (flow, CLIENT_SECRET);
  tend_oauth_flow_set_authorization_parameters (flow, EXTRA_PARAMETERS);
  document_server_answer (server, 400, "{\"error\": \"invalid_grant\"}");
  tend_oauth_flow_sign_in_async (flow, open_and_redirect, &redirect, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (redirect.thread);
  tokens = tend_oauth_flow_sign_in_finish (flow, result, NULL, &error);
  form = document_server_take_form (server);

  /* The browser came back to a waiting flow, whose code the fake token endpoint refused. */
  g_assert_cmpint (redirect.status, ==, 200);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TOKEN_REQUEST);
  g_clear_error (&error);
  g_assert_null (tokens);
  g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "the-code");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);

  uri = g_uri_parse (redirect.url, G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "consent");
  /* The secret belongs to the token request only, never to the URL a browser sees. */
  g_assert_false (g_hash_table_contains (params, "client_secret"));
  g_assert_null (strstr (redirect.url, CLIENT_SECRET));

  g_free (redirect.url);
  document_server_stop (server);
}

/* A port of 127.0.0.1 that nothing listens on: bound for a moment, then closed again. */
static guint16
closed_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, &error);
  g_assert_no_error (error);
  return port;
}

/* No HTTP answer at all is a network error, whichever request met it: a refresh, a discovery,
 * a revocation, a device sign-in. */
static void
test_unreachable (void)
{
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *token_endpoint = g_strconcat (base, "/token", NULL);
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (TendTokens) tokens
        = tend_oauth_refresh (token_endpoint, CLIENT_ID, NULL, "a-refresh-token", &error);

    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK);
    g_assert_null (tokens);
    g_clear_error (&error);
  }
  {
    g_autoptr (TendOauthDiscovery) discovery = tend_oauth_discover (base, &error);

    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK);
    g_assert_null (discovery);
    g_clear_error (&error);
  }
  g_assert_false (
      tend_oauth_revoke (token_endpoint, CLIENT_ID, NULL, "a-token", "access_token", &error));
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK);
  g_clear_error (&error);
  {
    g_autoptr (TendDeviceAuthorization) device
        = tend_oauth_device_authorize (token_endpoint, CLIENT_ID, SCOPE, &error);

    g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK);
    g_assert_null (device);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/pkce-challenge", test_pkce_challenge);
  g_test_add_func ("/oauth/issuer-matches", test_issuer_matches);
  g_test_add_func ("/oauth/discovery-issuer", test_discovery_issuer);
  g_test_add_func ("/oauth/authorization-parameters", test_authorization_parameters);
  g_test_add_func ("/oauth/client-secret", test_client_secret);
  g_test_add_func ("/oauth/flow-secret", test_flow_secret);
  g_test_add_func ("/oauth/sign-in", test_sign_in);
  g_test_add_func ("/oauth/wrong-state", test_wrong_state);
  g_test_add_func ("/oauth/timeout", test_timeout);
  g_test_add_func ("/oauth/cancel", test_cancel);
  g_test_add_func ("/oauth/replayed-code", test_replayed_code);
  g_test_add_func ("/oauth/id-token", test_id_token);
  g_test_add_func ("/oauth/expired-id-token", test_expired_id_token);
  g_test_add_func ("/oauth/refresh-rotation", test_refresh_rotation);
  g_test_add_func ("/oauth/revoke", test_revoke);
  g_test_add_func ("/oauth/device-flow", test_device_flow);
  g_test_add_func ("/oauth/unreachable", test_unreachable);

  return g_test_run ();
}
