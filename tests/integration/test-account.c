/* test-account.c: TendAccount against the real OpenID provider of tests/oidc and a real keyring
 *
 * Runs under dbus-run-session and tests/integration/with-keyring.sh, in the temporary home that
 * script makes. The scripted browser (tests/oidc/browser.mjs) is made the desktop's default
 * handler for http in that home, so the sign-in opens it the way it opens a person's browser:
 * g_app_info_launch_default_for_uri(). Each case starts its own provider.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <libsecret/secret.h>
#include <string.h>

#include "tend-account.h"
#include "tend-api-client.h"
#include "tend-oauth-flow.h"
#include "tend-test-fake.h"
#include "tend-test-util.h"
#include "tend-token-store.h"

#define CLIENT_ID "tend-test"
#define LOGIN "me@tend.test"

typedef struct
{
  TendTestFake  *server;
  const char    *issuer;
  TendProvider  *provider;
  TendOrgConfig *config;
} Provider;

static void
provider_stop (Provider *provider)
{
  tend_test_fake_stop (provider->server);
  g_clear_object (&provider->provider);
  g_clear_object (&provider->config);
  g_free (provider);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Provider, provider_stop)

/* Starts provider.mjs with access tokens living @access_ttl seconds, and loads Tend's generic
 * OpenID profile for it from an org.conf that names it. */
static Provider *
provider_start (const char *access_ttl)
{
  g_autofree char *script = g_build_filename (TEND_OIDC_DIR, "provider.mjs", NULL);
  g_autofree char *org_path = g_build_filename (g_get_home_dir (), "org.conf", NULL);
  g_autofree char *org = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "node", script, "--access-ttl", access_ttl, NULL };
  Provider   *provider = g_new0 (Provider, 1);

  provider->server = tend_test_fake_start_argv (argv, "issuer");
  provider->issuer = tend_test_fake_get_url (provider->server);

  org = g_strdup_printf ("[oidc]\nissuer=%s\nclient-id=" CLIENT_ID "\n", provider->issuer);
  g_file_set_contents (org_path, org, -1, &error);
  g_assert_no_error (error);
  provider->config = tend_org_config_new_from_files (org_path, NULL, &error);
  g_assert_no_error (error);
  provider->provider = tend_provider_new ("oidc", provider->config, &error);
  g_assert_no_error (error);
  g_assert_true (tend_provider_get_revocation (provider->provider));
  g_assert_true (tend_provider_get_device_flow (provider->provider));
  return provider;
}

/* Makes browser.mjs the desktop's default handler for http and https in the temporary home.
 * A small script runs it so that what it prints does not mix with this test's TAP output. */
static void
install_browser (void)
{
  g_autofree char *applications = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *script = g_build_filename (g_get_home_dir (), "browser.sh", NULL);
  g_autofree char *desktop = g_build_filename (applications, "tend-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *browser = g_build_filename (TEND_OIDC_DIR, "browser.mjs", NULL);
  g_autofree char *script_text = NULL;
  g_autofree char *desktop_text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  script_text = g_strdup_printf ("#!/bin/sh\nexec node '%s' \"$@\" >/dev/null\n", browser);
  g_file_set_contents (script, script_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Tend test browser\n"
                                  "Exec=%s %%u\nMimeType=x-scheme-handler/http;"
                                  "x-scheme-handler/https;\nNoDisplay=true\n",
                                  script);
  g_file_set_contents (desktop, desktop_text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (mimeapps,
                       "[Default Applications]\n"
                       "x-scheme-handler/http=tend-test-browser.desktop\n"
                       "x-scheme-handler/https=tend-test-browser.desktop\n",
                       -1, &error);
  g_assert_no_error (error);
}

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static TendAccount *
sign_in (Provider *provider, TendAccountDeviceFunc device_func, gpointer device_data,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_account_sign_in_async (provider->provider, device_func, device_data, cancellable, result_cb,
                              &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return tend_account_sign_in_finish (result, error);
}

static gboolean
disconnect (TendAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_account_disconnect_async (account, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return tend_account_disconnect_finish (account, result, error);
}

static TendTokens *
keyring_tokens (const char *name)
{
  g_autoptr (GError) error = NULL;
  TendTokens *tokens = tend_token_store_lookup_sync ("oidc", name, NULL, &error);

  g_assert_no_error (error);
  return tokens;
}

static char *
discovery_member (Provider *provider, const char *name)
{
  g_autofree char *url = g_strconcat (provider->issuer, "/.well-known/openid-configuration", NULL);
  g_autofree char *body = NULL;
  g_autoptr (GError) error = NULL;
  json_t *json;
  char   *value;

  body = tend_oauth_http_get (url, &error);
  g_assert_no_error (error);
  json = json_loads (body, 0, NULL);
  value = g_strdup (json_string_value (json_object_get (json, name)));
  json_decref (json);
  g_assert_nonnull (value);
  return value;
}

/* The HTTP status of UserInfo asked with @access_token: 200 while the token is good. */
static guint
userinfo_status (Provider *provider, const char *access_token)
{
  g_autofree char *endpoint = discovery_member (provider, "userinfo_endpoint");
  g_autoptr (GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *line = NULL;
  guint            status = 0;

  g_assert_nonnull (uri);
  /* Straight to loopback: no proxy lookup of any kind. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                                (guint16) g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                             "Connection: close\r\n\r\n",
                             g_uri_get_path (uri), g_uri_get_host (uri), g_uri_get_port (uri),
                             access_token);
  g_assert_true (
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                 strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  line = g_data_input_stream_read_line_utf8 (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (sscanf (line, "HTTP/1.1 %u", &status) == 1);
  return status;
}

/* Invariant 2: no token in any file of the home, the keyring's own file included. */
static void
assert_nowhere (const char *token)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  tend_test_grep_tree (g_getenv ("TEND_TEST_KEYRING_HOME"), token, found, &n_files);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("a token is in %s", (const char *) found->pdata[i]);
  g_assert_cmpuint (found->len, ==, 0);
  /* The keyring, org.conf, the browser's desktop file and mimeapps.list at least. */
  g_assert_cmpuint (n_files, >=, 4);
}

static void
assert_tokens_nowhere (GPtrArray *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    assert_nowhere (tokens->pdata[i]);
}

static char *
get_token (TendAccount *account, gboolean refresh)
{
  g_autoptr (GError) error = NULL;
  char *token = tend_account_get_access_token (account, refresh, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* Sign-in opens the default browser, saves the tokens under the ID token's email, and the
 * access token is then handed out as long as it has more than a minute to live. */
static void
test_sign_in (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendAccount) restarted = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (TendTokens) refreshed = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;
  g_autofree char *forced = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (tend_account_get_name (account), ==, LOGIN);
  g_assert_true (tend_account_get_provider (account) == provider->provider);

  saved = keyring_tokens (LOGIN);
  g_assert_nonnull (saved);
  g_assert_nonnull (saved->refresh_token);
  g_ptr_array_add (seen, g_strdup (saved->access_token));
  g_ptr_array_add (seen, g_strdup (saved->refresh_token));

  /* An hour to live: the saved token, unchanged, no refresh. */
  token = get_token (account, FALSE);
  g_assert_cmpstr (token, ==, saved->access_token);
  g_assert_cmpuint (userinfo_status (provider, token), ==, 200);

  /* A new process: the token comes from the keyring. */
  restarted = tend_account_new (provider->provider, LOGIN);
  again = get_token (restarted, FALSE);
  g_assert_cmpstr (again, ==, saved->access_token);

  /* The API refused it (say): a refresh whatever the expiry, and the rotated set is saved. */
  forced = get_token (restarted, TRUE);
  g_assert_cmpstr (forced, !=, saved->access_token);
  refreshed = keyring_tokens (LOGIN);
  g_assert_cmpstr (refreshed->access_token, ==, forced);
  g_assert_nonnull (refreshed->refresh_token);
  g_assert_cmpstr (refreshed->refresh_token, !=, saved->refresh_token);
  g_ptr_array_add (seen, g_strdup (refreshed->access_token));
  g_ptr_array_add (seen, g_strdup (refreshed->refresh_token));
  g_assert_cmpuint (userinfo_status (provider, forced), ==, 200);

  assert_tokens_nowhere (seen);
  g_assert_true (disconnect (restarted, &error));
  g_assert_no_error (error);
}

typedef struct
{
  TendAccount *account;
  char        *token;
  GError      *error;
} Racer;

static gpointer
race_thread (gpointer user_data)
{
  Racer *racer = user_data;

  racer->token = tend_account_get_access_token (racer->account, TRUE, NULL, &racer->error);
  return NULL;
}

/* Access tokens of 30 s are always within the minute's margin: every call refreshes, and each
 * rotated refresh token must reach the keyring before the next is used, or the provider ends
 * the grant (tests/oidc/README.md). */
static void
test_rotation (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendTokens) first = NULL;
  g_autoptr (TendTokens) second = NULL;
  g_autoptr (TendTokens) third = NULL;
  g_autoptr (TendTokens) replayed = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *after_restart = NULL;
  g_autofree char *token_endpoint = NULL;
  g_autofree char *dead = NULL;
  Racer            racers[2] = { { 0 } };
  GThread         *threads[2];
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("30");
  account = sign_in (provider, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  first = keyring_tokens (LOGIN);
  /* 30 s: about now + 30. */
  g_assert_cmpint (first->expires_at, <=, now + 30 + 60);
  g_ptr_array_add (seen, g_strdup (first->access_token));
  g_ptr_array_add (seen, g_strdup (first->refresh_token));

  token = get_token (account, FALSE);
  g_assert_cmpstr (token, !=, first->access_token);
  second = keyring_tokens (LOGIN);
  g_assert_cmpstr (second->access_token, ==, token);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  g_ptr_array_add (seen, g_strdup (second->access_token));
  g_ptr_array_add (seen, g_strdup (second->refresh_token));

  /* A restart: the new account finds the rotated refresh token and can refresh again. */
  g_clear_object (&account);
  account = tend_account_new (provider->provider, LOGIN);
  after_restart = get_token (account, FALSE);
  g_assert_cmpstr (after_restart, !=, second->access_token);
  third = keyring_tokens (LOGIN);
  g_assert_cmpstr (third->refresh_token, !=, second->refresh_token);
  g_assert_cmpuint (userinfo_status (provider, after_restart), ==, 200);
  g_ptr_array_add (seen, g_strdup (third->access_token));
  g_ptr_array_add (seen, g_strdup (third->refresh_token));

  /* Two sync threads refused at once: one refreshes at a time, each with the newest refresh
   * token, so both get a token and the grant lives on. */
  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      racers[i].account = account;
      threads[i] = g_thread_new ("racer", race_thread, &racers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (racers[i].error);
      g_assert_nonnull (racers[i].token);
      g_assert_cmpuint (userinfo_status (provider, racers[i].token), ==, 200);
      g_ptr_array_add (seen, racers[i].token);
    }
  g_assert_cmpstr (racers[0].token, !=, racers[1].token);
  assert_tokens_nowhere (seen);

  /* Presenting a rotated-out refresh token ends the grant at the provider: Tend's next refresh
   * is refused, and the error says to sign in again. */
  token_endpoint = discovery_member (provider, "token_endpoint");
  replayed = tend_oauth_refresh (token_endpoint, CLIENT_ID, NULL, first->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (replayed);
  g_clear_error (&error);
  dead = tend_account_get_access_token (account, FALSE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (dead);
  g_assert_nonnull (strstr (error->message, "Sign in to OpenID Connect again"));
  g_assert_nonnull (strstr (error->message, LOGIN));
  for (guint i = 0; i < seen->len; i++)
    g_assert_null (strstr (error->message, seen->pdata[i]));

  g_clear_error (&error);
  g_assert_true (disconnect (account, &error));
  g_assert_no_error (error);
}

/* A provider that issued no refresh token: the access token serves until its last minute, and
 * then only a new sign-in helps. Decided before any request, so no provider runs. */
static void
test_no_refresh_token (void)
{
  g_autofree char *org_path = g_build_filename (g_get_home_dir (), "org.conf", NULL);
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *refused = NULL;
  TendTokens       tokens = { .access_token = (char *) "access-without-refresh" };
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  /* Port 9 (discard): nothing listens there. */
  g_file_set_contents (org_path, "[oidc]\nissuer=http://127.0.0.1:9\nclient-id=" CLIENT_ID "\n", -1,
                       &error);
  g_assert_no_error (error);
  config = tend_org_config_new_from_files (org_path, NULL, &error);
  g_assert_no_error (error);
  provider = tend_provider_new ("oidc", config, &error);
  g_assert_no_error (error);

  /* An hour to live: handed out. */
  tokens.expires_at = now + 3600;
  g_assert_true (tend_token_store_save_sync ("oidc", LOGIN, &tokens, NULL, &error));
  g_assert_no_error (error);
  account = tend_account_new (provider, LOGIN);
  token = get_token (account, FALSE);
  g_assert_cmpstr (token, ==, "access-without-refresh");

  /* Refused by the API: nothing to renew it with. */
  refused = tend_account_get_access_token (account, TRUE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (refused);
  g_clear_error (&error);
  g_clear_object (&account);

  /* Thirty seconds to live, within the minute's margin: the same. */
  tokens.expires_at = now + 30;
  g_assert_true (tend_token_store_save_sync ("oidc", LOGIN, &tokens, NULL, &error));
  g_assert_no_error (error);
  account = tend_account_new (provider, LOGIN);
  refused = tend_account_get_access_token (account, FALSE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (refused);
  g_clear_error (&error);

  /* Revocation is allowed but the configuration cannot be read: the tokens still go. */
  g_test_expect_message ("tend-account", G_LOG_LEVEL_MESSAGE, "*without revoking*");
  g_assert_true (disconnect (account, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
}

/* A grant revoked elsewhere (the user removed Tend's access in their account settings): the
 * next refresh says to sign in again. */
static void
test_revoked_elsewhere (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *token = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  saved = keyring_tokens (LOGIN);
  endpoint = discovery_member (provider, "revocation_endpoint");
  g_assert_true (
      tend_oauth_revoke (endpoint, CLIENT_ID, NULL, saved->refresh_token, "refresh_token", &error));
  g_assert_no_error (error);

  token = tend_account_get_access_token (account, TRUE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (token);
  g_clear_error (&error);
  /* The keyring is read again and holds the same dead grant: still unauthorized. */
  token = tend_account_get_access_token (account, TRUE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  g_assert_true (disconnect (account, &error));
  g_assert_no_error (error);
}

/* Disconnecting revokes both tokens at the provider and removes them from the keyring. */
static void
test_disconnect (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendAccount) restarted = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (TendTokens) refreshed = NULL;
  g_autoptr (TendTokens) left = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token_endpoint = NULL;
  g_autofree char *token = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  saved = keyring_tokens (LOGIN);
  g_assert_nonnull (saved);
  g_assert_cmpuint (userinfo_status (provider, saved->access_token), ==, 200);

  /* A new process disconnects: it reads the tokens to revoke from the keyring. */
  g_clear_object (&account);
  restarted = tend_account_new (provider->provider, LOGIN);
  g_assert_true (disconnect (restarted, &error));
  g_assert_no_error (error);

  left = keyring_tokens (LOGIN);
  g_assert_null (left);
  /* Both are dead at the provider: UserInfo refuses the access token, and the refresh token
   * buys nothing. */
  g_assert_cmpuint (userinfo_status (provider, saved->access_token), ==, 401);
  token_endpoint = discovery_member (provider, "token_endpoint");
  refreshed = tend_oauth_refresh (token_endpoint, CLIENT_ID, NULL, saved->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (refreshed);
  g_clear_error (&error);

  /* Nothing left to use. */
  token = tend_account_get_access_token (restarted, FALSE, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (token);
  g_clear_error (&error);

  /* Disconnecting again is no error. */
  g_assert_true (disconnect (restarted, &error));
  g_assert_no_error (error);
}

/* The provider is gone: the revocation fails, and the tokens leave the keyring all the same. */
static void
test_disconnect_offline (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendAccount) restarted = NULL;
  g_autoptr (TendTokens) left = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendProvider) tend_provider = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&account);
  tend_provider = g_object_ref (provider->provider);
  g_clear_pointer (&provider, provider_stop);

  /* A fresh account has not read the provider's configuration yet, and cannot now. */
  restarted = tend_account_new (tend_provider, LOGIN);
  g_test_expect_message ("tend-account", G_LOG_LEVEL_MESSAGE, "*without revoking*");
  g_assert_true (disconnect (restarted, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  left = keyring_tokens (LOGIN);
  g_assert_null (left);
}

typedef struct
{
  GSubprocess  *browser;
  GCancellable *cancel;
  gint64        expires_at;
  guint         calls;
} DeviceUser;

static void
show_code (const char *user_code, const char *verification_uri, gint64 expires_at,
           gpointer user_data)
{
  DeviceUser      *user = user_data;
  g_autofree char *script = g_build_filename (TEND_OIDC_DIR, "browser.mjs", NULL);
  g_autoptr (GError) error = NULL;

  user->calls++;
  user->expires_at = expires_at;
  g_assert_nonnull (user_code);
  g_assert_true (g_str_has_prefix (verification_uri, "http://127.0.0.1:"));
  if (user->cancel != NULL)
    {
      /* The user gives up instead. */
      g_cancellable_cancel (user->cancel);
      return;
    }
  /* The user types the code in a browser on another device. */
  user->browser = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "node", script,
                                    "--device", user_code, verification_uri, NULL);
  g_assert_no_error (error);
}

/* RFC 8628: the code is shown, approved elsewhere, polled for, and the tokens saved. */
static void
test_device (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  DeviceUser       user = { 0 };
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, show_code, &user, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpuint (user.calls, ==, 1);
  g_assert_cmpint (user.expires_at, >, now);
  g_assert_true (g_subprocess_wait_check (user.browser, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&user.browser);

  g_assert_cmpstr (tend_account_get_name (account), ==, LOGIN);
  saved = keyring_tokens (LOGIN);
  g_assert_nonnull (saved);
  token = get_token (account, FALSE);
  g_assert_cmpstr (token, ==, saved->access_token);
  g_assert_cmpuint (userinfo_status (provider, token), ==, 200);
  assert_nowhere (saved->access_token);
  assert_nowhere (saved->refresh_token);

  g_assert_true (disconnect (account, &error));
  g_assert_no_error (error);
}

/* A source that cancels @cancellable as soon as its predicate holds. Its check runs in every
 * main loop iteration, and at high priority it is dispatched alone, before the default-priority
 * callbacks of the sign-in: so the cancel lands after what the predicate saw happened and before
 * the sign-in hears of it. */
typedef struct
{
  GSource source;
  gboolean (*ready) (gpointer data);
  gpointer      data;
  GCancellable *cancellable;
} CancelSource;

static gboolean
cancel_source_prepare (GSource *source, gint *timeout)
{
  /* Look again every 10 ms even when nothing else wakes the loop. */
  *timeout = 10;
  return FALSE;
}

static gboolean
cancel_source_check (GSource *source)
{
  CancelSource *self = (CancelSource *) source;

  return self->ready (self->data);
}

static gboolean
cancel_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  g_cancellable_cancel (((CancelSource *) source)->cancellable);
  return G_SOURCE_REMOVE;
}

static GSource *
cancel_when (gboolean (*ready) (gpointer data), gpointer data, GCancellable *cancellable)
{
  static GSourceFuncs funcs
      = { cancel_source_prepare, cancel_source_check, cancel_source_dispatch, NULL, NULL, NULL };
  GSource      *source = g_source_new (&funcs, sizeof (CancelSource));
  CancelSource *self = (CancelSource *) source;

  self->ready = ready;
  self->data = data;
  self->cancellable = cancellable;
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_attach (source, NULL);
  return source;
}

static gboolean
tokens_saved (gpointer data)
{
  TendTokens **saved = data;

  if (*saved == NULL)
    *saved = keyring_tokens (LOGIN);
  return *saved != NULL;
}

/* Opting out while the sign-in saves its tokens (invariant 8): the provider had issued them and
 * they were in the keyring when the cancel came, and afterwards they are dead at the provider
 * and gone from the keyring. */
static void
test_cancel_after_save (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (TendTokens) left = NULL;
  g_autoptr (TendTokens) refreshed = NULL;
  g_autoptr (GSource) watch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token_endpoint = NULL;

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  left = keyring_tokens (LOGIN);
  g_assert_null (left);

  watch = cancel_when (tokens_saved, &saved, cancellable);
  account = sign_in (provider, NULL, NULL, cancellable, &error);
  g_source_destroy (watch);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (account);
  g_clear_error (&error);

  g_assert_nonnull (saved);
  left = keyring_tokens (LOGIN);
  g_assert_null (left);
  g_assert_cmpuint (userinfo_status (provider, saved->access_token), ==, 401);
  token_endpoint = discovery_member (provider, "token_endpoint");
  refreshed = tend_oauth_refresh (token_endpoint, CLIENT_ID, NULL, saved->refresh_token, &error);
  g_assert_error (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (refreshed);
}

/* Cancelled while the user would be typing the code: it stops within the polling wait, and
 * nothing is saved. */
static void
test_device_cancel (void)
{
  g_autoptr (Provider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendTokens) saved = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  DeviceUser user = { .cancel = cancellable };
  gint64     start = g_get_monotonic_time ();

  if (!tend_test_oidc_available ())
    return;
  provider = provider_start ("3600");
  account = sign_in (provider, show_code, &user, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (account);
  g_assert_cmpuint (user.calls, ==, 1);
  /* Well before the first poll's 5 s are up. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  saved = keyring_tokens (LOGIN);
  g_assert_null (saved);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The keyring is emptied and the desktop's browser replaced: only in with-keyring.sh's home. */
  if (g_getenv ("TEND_TEST_KEYRING_HOME") == NULL
      || g_strcmp0 (g_getenv ("HOME"), g_getenv ("TEND_TEST_KEYRING_HOME")) != 0)
    {
      g_printerr ("Run this test through tests/integration/with-keyring.sh\n");
      return 1;
    }
  install_browser ();

  g_test_add_func ("/account/sign-in", test_sign_in);
  g_test_add_func ("/account/rotation", test_rotation);
  g_test_add_func ("/account/no-refresh-token", test_no_refresh_token);
  g_test_add_func ("/account/revoked-elsewhere", test_revoked_elsewhere);
  g_test_add_func ("/account/disconnect", test_disconnect);
  g_test_add_func ("/account/disconnect-offline", test_disconnect_offline);
  g_test_add_func ("/account/device", test_device);
  g_test_add_func ("/account/device-cancel", test_device_cancel);
  g_test_add_func ("/account/cancel-after-save", test_cancel_after_save);

  status = g_test_run ();
  secret_service_disconnect ();
  return status;
}
