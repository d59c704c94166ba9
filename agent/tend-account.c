/* tend-account.c: one connected account: its sign-in, its tokens and their refresh
 *
 * The tokens live in the Secret Service (invariant 2); the account keeps the current set in
 * memory as well, so that the sync thread does not ask the keyring before every request. The
 * provider's configuration is read once per account and kept.
 *
 * Refresh tokens rotate: the provider sends a new one with every refresh and, when an old one
 * is ever presented again, ends the whole sign-in. So the new set goes to the keyring right
 * after the refresh, under the same lock, before anyone can use the old one again.
 *
 * Each sign-in, sync and disconnect runs in its own short-lived worker process, so a process has
 * one account object per account: the mutex only orders that object's own threads.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-account"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account.h"
#include "tend-api-client.h"
#include "tend-oauth-flow.h"
#include "tend-token-store.h"

/* An access token that expires within this many seconds is renewed before it is handed out,
 * so that it does not expire during the request it is for. */
#define EXPIRY_MARGIN_SECONDS 60
/* RFC 8628 §3.5: each slow_down adds five seconds to the polling interval. */
#define SLOW_DOWN_SECONDS 5

struct _TendAccount
{
  GObject parent_instance;

  /* Owned, set once */
  TendProvider *provider;
  char         *name;

  /* Guarded by mutex */
  GMutex              mutex;
  TendOauthDiscovery *discovery;
  TendTokens         *tokens;  /* NULL until looked up */
  gboolean            unsaved; /* tokens is a rotated set the keyring has not taken yet */
};

G_DEFINE_FINAL_TYPE (TendAccount, tend_account, G_TYPE_OBJECT)

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Sign-in was cancelled"));
}

static void
set_sign_in_again (TendAccount *self, GError **error)
{
  /* Translators: the first %s is a provider such as "Google", the second an account such as
   * an email address. */
  g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED,
               _ ("Sign in to %s again: Tend’s sign-in for %s is no longer valid"),
               tend_provider_get_name (self->provider), self->name);
}

/* The provider's configuration, read at the first need. Called with the lock held. */
static gboolean
ensure_discovery (TendAccount *self, GError **error)
{
  if (self->discovery == NULL)
    self->discovery = tend_oauth_discover (tend_provider_get_issuer (self->provider), error);
  return self->discovery != NULL;
}

/* Reads the tokens from the keyring unless they are in memory already; leaves self->tokens NULL
 * when none are stored. Called with the lock held. */
static gboolean
load_tokens (TendAccount *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (self->tokens != NULL)
    return TRUE;
  self->tokens = tend_token_store_lookup_sync (tend_provider_get_id (self->provider), self->name,
                                               cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Writes the tokens in memory to the keyring. Not cancellable: a rotated refresh token that is
 * not saved is lost, and with it the sign-in. Called with the lock held. */
static gboolean
save_tokens (TendAccount *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!tend_token_store_save_sync (tend_provider_get_id (self->provider), self->name, self->tokens,
                                   NULL, &local_error))
    {
      /* The provider, never the account's address: a failed sync's message goes to the log. */
      g_set_error (error, local_error->domain, local_error->code,
                   _ ("Could not save the renewed %s sign-in in the keyring: %s"),
                   tend_provider_get_name (self->provider), local_error->message);
      return FALSE;
    }
  self->unsaved = FALSE;
  return TRUE;
}

/* Trades the refresh token for a new token set and saves it. Called with the lock held. */
static gboolean
refresh_tokens (TendAccount *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  TendTokens *fresh;

  if (self->tokens->refresh_token == NULL)
    {
      set_sign_in_again (self, error);
      return FALSE;
    }
  if (!ensure_discovery (self, error) || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  fresh = tend_oauth_refresh (
      self->discovery->token_endpoint, tend_provider_get_client_id (self->provider),
      tend_provider_get_client_secret (self->provider), self->tokens->refresh_token, &local_error);
  if (fresh == NULL)
    {
      if (!g_error_matches (local_error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_GRANT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The keyring is read again next time: a sign-in in another process may have replaced
       * this set. */
      g_clear_pointer (&self->tokens, tend_tokens_free);
      set_sign_in_again (self, error);
      return FALSE;
    }

  /* From here on only the new refresh token is good. */
  tend_tokens_free (self->tokens);
  self->tokens = fresh;
  self->unsaved = TRUE;
  return save_tokens (self, error);
}

/* Revokes the refresh token, then the access token (RFC 7009), when the provider's
 * configuration names a revocation endpoint. */
static gboolean
revoke_token_set (TendProvider *provider, TendOauthDiscovery *discovery, const TendTokens *tokens,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *client_id = tend_provider_get_client_id (provider);
  const char *client_secret = tend_provider_get_client_secret (provider);
  const char *endpoint = discovery->revocation_endpoint;

  if (endpoint == NULL)
    return TRUE;

  /* Revoking the refresh token first ends the grant, so the access token cannot buy a new one
   * in between; both are tried even when the first fails. */
  if (tokens->refresh_token != NULL
      && !g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    tend_oauth_revoke (endpoint, client_id, client_secret, tokens->refresh_token, "refresh_token",
                       &local_error);
  if (!g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr (GError) access_error = NULL;

      if (!tend_oauth_revoke (endpoint, client_id, client_secret, tokens->access_token,
                              "access_token", &access_error)
          && local_error == NULL)
        local_error = g_steal_pointer (&access_error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Revokes the account's tokens where the provider allows it, reading them from the keyring first
 * if they are not in memory. Called with the lock held. */
static gboolean
revoke_tokens (TendAccount *self, GCancellable *cancellable, GError **error)
{
  if (!load_tokens (self, cancellable, error))
    return FALSE;
  if (self->tokens == NULL || !tend_provider_get_revocation (self->provider))
    return TRUE;
  if (!ensure_discovery (self, error))
    return FALSE;
  return revoke_token_set (self->provider, self->discovery, self->tokens, cancellable, error);
}

/* One sign-in, from discovery to saved tokens. */
typedef struct
{
  TendProvider         *provider;
  TendAccountDeviceFunc device_func;
  gpointer              device_data;

  TendOauthDiscovery *discovery;
  TendOauthFlow      *flow;
  TendTokens         *tokens;
  char               *email;

  gboolean saved; /* tokens are in the keyring */
  GError  *error; /* what the sign-in returns once its tokens are revoked */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->provider);
  g_clear_pointer (&sign_in->discovery, tend_oauth_discovery_unref);
  g_clear_object (&sign_in->flow);
  g_clear_pointer (&sign_in->tokens, tend_tokens_free);
  g_free (sign_in->email);
  g_clear_error (&sign_in->error);
  g_free (sign_in);
}

/* Runs @func in a thread for the sign-in @task, whose reference goes to @callback. The steps see
 * the cancellable, and the callbacks decide what a cancel means at their point. */
static void
run_step (GTask *task, GTaskThreadFunc func, GAsyncReadyCallback callback)
{
  g_autoptr (GTask) step = g_task_new (NULL, g_task_get_cancellable (task), callback, task);

  g_task_set_check_cancellable (step, FALSE);
  g_task_set_task_data (step, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (step, func);
}

/* Revokes the tokens of a sign-in that ends without an account, and removes them from the
 * keyring if they got there. Not cancellable: the sign-in may
 * end because it was cancelled, and its grant must not outlive it (invariant 8). */
static void
abandon_thread (GTask *step, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn     *sign_in = task_data;
  const char *provider_id = tend_provider_get_id (sign_in->provider);
  g_autoptr (GError) error = NULL;

  if (tend_provider_get_revocation (sign_in->provider)
      && !revoke_token_set (sign_in->provider, sign_in->discovery, sign_in->tokens, NULL, &error))
    {
      g_message ("Could not revoke the tokens of an unfinished %s sign-in: %s", provider_id,
                 error->message);
      g_clear_error (&error);
    }
  if (sign_in->saved && !tend_token_store_clear_sync (provider_id, sign_in->email, NULL, &error))
    g_warning ("Could not remove the tokens of an unfinished %s sign-in from the keyring: %s",
               provider_id, error->message);
  g_task_return_boolean (step, TRUE);
}

static void
abandoned_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask  *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&sign_in->error));
  g_object_unref (task);
}

/* Ends the sign-in with @error, revoking first whatever tokens it holds. */
static void
abandon_sign_in (GTask *task, GError *error)
{
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->tokens == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  sign_in->error = error;
  run_step (task, abandon_thread, abandoned_cb);
}

/* Saves the tokens, replacing those of an earlier sign-in to the same account. The save is not
 * cancellable: whether the entry was written must be known, to undo it after a cancel. */
static void
save_thread (GTask *step, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  GError *error = NULL;

  if (!tend_token_store_save_sync (tend_provider_get_id (sign_in->provider), sign_in->email,
                                   sign_in->tokens, NULL, &error))
    return g_task_return_error (step, error);
  sign_in->saved = TRUE;
  g_task_return_boolean (step, TRUE);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask       *task = user_data;
  SignIn      *sign_in = g_task_get_task_data (task);
  GError      *error = NULL;
  TendAccount *account;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return abandon_sign_in (task, error);
  /* Opting out cancels a sign-in, and may have emptied the keyring before this save. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return abandon_sign_in (task, cancelled_error ());

  account = tend_account_new (sign_in->provider, sign_in->email);
  account->discovery = g_steal_pointer (&sign_in->discovery);
  account->tokens = g_steal_pointer (&sign_in->tokens);
  g_task_return_pointer (task, account, g_object_unref);
  g_object_unref (task);
}

/* The tokens are in: the ID token's email names the account, under which they are saved. */
static void
save_sign_in (GTask *task)
{
  SignIn *sign_in = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return abandon_sign_in (task, cancelled_error ());
  if (sign_in->email == NULL || *sign_in->email == '\0')
    return abandon_sign_in (task, g_error_new (TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_INVALID_ID_TOKEN,
                                               _ ("%s did not say which account signed in: the "
                                                  "email address is missing"),
                                               tend_provider_get_name (sign_in->provider)));
  run_step (task, save_thread, saved_cb);
}

static void
step_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask  *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return abandon_sign_in (task, error);
  save_sign_in (task);
}

static gboolean
open_default_browser (const char *uri, gpointer user_data, GError **error)
{
  /* RFC 8252 §6: the user's own browser, where they may be signed in already, not a view
   * Tend would control. */
  return g_app_info_launch_default_for_uri (uri, NULL, error);
}

static void
browser_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask  *task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  /* Once the browser came back, the tokens come even after a cancel, for save_sign_in() to
   * revoke. */
  sign_in->tokens = tend_oauth_flow_sign_in_finish (sign_in->flow, result, &sign_in->email, &error);
  if (sign_in->tokens == NULL)
    return abandon_sign_in (task, error);
  save_sign_in (task);
}

static void
discover_thread (GTask *step, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  GError *error = NULL;

  sign_in->discovery = tend_oauth_discover (tend_provider_get_issuer (sign_in->provider), &error);
  if (sign_in->discovery == NULL)
    g_task_return_error (step, error);
  else
    g_task_return_boolean (step, TRUE);
}

static void
discover_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask           *task = user_data;
  SignIn          *sign_in = g_task_get_task_data (task);
  g_autofree char *scope = NULL;
  GError          *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      || g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    return abandon_sign_in (task, error);
  scope = tend_provider_dup_scope_string (sign_in->provider);
  sign_in->flow = tend_oauth_flow_new (tend_provider_get_issuer (sign_in->provider),
                                       tend_provider_get_client_id (sign_in->provider), scope);
  tend_oauth_flow_set_client_secret (sign_in->flow,
                                     tend_provider_get_client_secret (sign_in->provider));
  tend_oauth_flow_set_authorization_parameters (
      sign_in->flow, tend_provider_get_authorization_parameters (sign_in->provider));
  tend_oauth_flow_set_discovery (sign_in->flow, sign_in->discovery);
  tend_oauth_flow_sign_in_async (sign_in->flow, open_default_browser, NULL,
                                 g_task_get_cancellable (task), browser_done, task);
}

/* What the user is shown during a device sign-in. */
typedef struct
{
  TendAccountDeviceFunc func;
  gpointer              data;
  char                 *user_code;
  char                 *verification_uri;
  gint64                expires_at;
} DeviceCode;

static void
device_code_free (DeviceCode *code)
{
  g_free (code->user_code);
  g_free (code->verification_uri);
  g_free (code);
}

static gboolean
show_device_code (gpointer user_data)
{
  DeviceCode *code = user_data;

  code->func (code->user_code, code->verification_uri, code->expires_at, code->data);
  return G_SOURCE_REMOVE;
}

/* Sleeps @seconds, or less when @cancellable is cancelled; returns whether it was not. */
static gboolean
wait_seconds (guint seconds, GCancellable *cancellable)
{
  GPollFD fd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (gint) (seconds * 1000));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep (seconds * G_USEC_PER_SEC);
  return !g_cancellable_is_cancelled (cancellable);
}

/* RFC 8628: starts the device sign-in, has the code shown, and polls until the user approved
 * it elsewhere, turned it down, or the code expired. */
static void
device_thread (GTask *step, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SignIn     *sign_in = task_data;
  const char *client_id = tend_provider_get_client_id (sign_in->provider);
  g_autoptr (TendDeviceAuthorization) device = NULL;
  g_autoptr (GSource) idle = NULL;
  g_autofree char *scope = tend_provider_dup_scope_string (sign_in->provider);
  g_autofree char *id_token = NULL;
  g_autofree char *jwks = NULL;
  GError          *error = NULL;
  DeviceCode      *code;
  guint            interval;

  sign_in->discovery = tend_oauth_discover (tend_provider_get_issuer (sign_in->provider), &error);
  if (sign_in->discovery == NULL)
    return g_task_return_error (step, error);
  if (sign_in->discovery->device_authorization_endpoint == NULL)
    return g_task_return_new_error (step, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                    _ ("%s does not offer sign-in with a code"),
                                    tend_provider_get_name (sign_in->provider));
  device = tend_oauth_device_authorize (sign_in->discovery->device_authorization_endpoint,
                                        client_id, scope, &error);
  if (device == NULL)
    return g_task_return_error (step, error);

  code = g_new0 (DeviceCode, 1);
  code->func = sign_in->device_func;
  code->data = sign_in->device_data;
  code->user_code = g_strdup (device->user_code);
  code->verification_uri = g_strdup (device->verification_uri);
  code->expires_at = device->expires_at;
  /* Queued, not invoked: g_main_context_invoke() would run the callback in this thread when no
   * other thread owns the context at that moment. */
  idle = g_idle_source_new ();
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, show_device_code, code, (GDestroyNotify) device_code_free);
  g_source_attach (idle, g_task_get_context (step));

  /* §3.5: wait the interval before each poll. */
  interval = device->interval;
  while (sign_in->tokens == NULL)
    {
      if (!wait_seconds (interval, cancellable))
        return g_task_return_new_error (step, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _ ("Sign-in was cancelled"));
      if (g_get_real_time () / G_USEC_PER_SEC >= device->expires_at)
        return g_task_return_new_error (step, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_TIMEOUT,
                                        _ ("The sign-in code expired before it was approved; "
                                           "start again"));
      sign_in->tokens = tend_oauth_device_poll (sign_in->discovery->token_endpoint, client_id,
                                                tend_provider_get_client_secret (sign_in->provider),
                                                device->device_code, &id_token, &error);
      if (g_error_matches (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_SLOW_DOWN))
        interval += SLOW_DOWN_SECONDS;
      else if (!g_error_matches (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_PENDING)
               && error != NULL)
        return g_task_return_error (step, error);
      g_clear_error (&error);
    }

  /* From here on a failure leaves sign_in->tokens for step_done() to revoke. The device flow
   * sends no nonce, so the ID token must carry none. */
  jwks = tend_oauth_http_get (sign_in->discovery->jwks_uri, &error);
  if (jwks == NULL
      || !tend_oauth_verify_id_token (jwks, id_token, sign_in->discovery->issuer, client_id, NULL,
                                      g_get_real_time () / G_USEC_PER_SEC, &sign_in->email, &error))
    return g_task_return_error (step, error);
  g_task_return_boolean (step, TRUE);
}

static void
disconnect_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TendAccount *self = source;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (GError) revoke_error = NULL;
  g_autoptr (GError) clear_error = NULL;
  const char *provider_id = tend_provider_get_id (self->provider);

  revoke_tokens (self, cancellable, &revoke_error);
  g_clear_pointer (&self->tokens, tend_tokens_free);
  self->unsaved = FALSE;

  /* Not cancellable: a disconnect leaves no token behind on this computer. */
  if (!tend_token_store_clear_sync (provider_id, self->name, NULL, &clear_error))
    {
      /* The provider, never the account's address: the agent logs what fails in an opt-out
       * it resumes on its own. */
      if (revoke_error != NULL)
        return g_task_return_new_error (
            task, clear_error->domain, clear_error->code,
            _ ("Could not remove the %s sign-in from the keyring (%s), nor end it at the "
               "provider (%s)"),
            tend_provider_get_name (self->provider), clear_error->message, revoke_error->message);
      return g_task_return_new_error (task, clear_error->domain, clear_error->code,
                                      _ ("Could not remove the %s sign-in from the keyring: %s"),
                                      tend_provider_get_name (self->provider),
                                      clear_error->message);
    }
  /* Tend can no longer use the account: that is what the user asked. The provider ends an
   * unrevoked grant when its refresh token expires. */
  if (revoke_error != NULL)
    g_message ("Removed a %s sign-in without revoking it: %s", provider_id, revoke_error->message);
  g_task_return_boolean (task, TRUE);
}

static void
tend_account_finalize (GObject *object)
{
  TendAccount *self = TEND_ACCOUNT (object);

  g_clear_object (&self->provider);
  g_free (self->name);
  g_clear_pointer (&self->discovery, tend_oauth_discovery_unref);
  g_clear_pointer (&self->tokens, tend_tokens_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (tend_account_parent_class)->finalize (object);
}

static void
tend_account_class_init (TendAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_account_finalize;
}

static void
tend_account_init (TendAccount *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * tend_account_new:
 * @provider: the account's provider
 * @name: the account's name at @provider, as tend_account_get_name() gave it at sign-in
 *
 * An account signed in before. Creating it reads nothing: the tokens are looked up when
 * tend_account_get_access_token() first needs them.
 */
TendAccount *
tend_account_new (TendProvider *provider, const char *name)
{
  TendAccount *self;

  g_return_val_if_fail (TEND_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  self = g_object_new (TEND_TYPE_ACCOUNT, NULL);
  self->provider = g_object_ref (provider);
  self->name = g_strdup (name);
  return self;
}

const char *
tend_account_get_name (TendAccount *self)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT (self), NULL);
  return self->name;
}

TendProvider *
tend_account_get_provider (TendAccount *self)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT (self), NULL);
  return self->provider;
}

/**
 * tend_account_sign_in_async:
 * @provider: where to sign in
 * @device_func: (nullable): for a device sign-in (RFC 8628), shows the user the code to enter
 *   and where; %NULL for a sign-in in the desktop's default browser (RFC 8252)
 * @device_data: data for @device_func
 * @cancellable: (nullable): cancels the sign-in while it waits for the user
 *
 * Signs in, verifies the ID token and saves the tokens in the Secret Service under the
 * provider's id and the ID token's `email`, which names the account. They replace those of an
 * earlier sign-in to that account, whose grant is not revoked: with some providers revoking any
 * token ends the user's whole grant to the application, this sign-in's included.
 *
 * A sign-in that ends without an account (cancelled, or failed) after the provider issued
 * tokens revokes them where the provider allows it, and removes them from the keyring if they
 * got there, before it returns its error: %G_IO_ERROR_CANCELLED when it was cancelled.
 */
void
tend_account_sign_in_async (TendProvider *provider, TendAccountDeviceFunc device_func,
                            gpointer device_data, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask  *task;
  SignIn *sign_in;

  g_return_if_fail (TEND_IS_PROVIDER (provider));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_account_sign_in_async);
  /* The steps say what a cancel means where it lands: once tokens exist, they are revoked. */
  g_task_set_check_cancellable (task, FALSE);
  sign_in = g_new0 (SignIn, 1);
  sign_in->provider = g_object_ref (provider);
  sign_in->device_func = device_func;
  sign_in->device_data = device_data;
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  /* The task's reference goes along the steps until one returns it. */
  if (device_func == NULL)
    run_step (task, discover_thread, discover_done);
  else if (tend_provider_get_device_flow (provider))
    run_step (task, device_thread, step_done);
  else
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("%s does not offer sign-in with a code"),
                               tend_provider_get_name (provider));
      g_object_unref (task);
    }
}

/**
 * tend_account_sign_in_finish:
 *
 * Returns: (transfer full): the signed-in account, its tokens saved, or %NULL with @error set
 */
TendAccount *
tend_account_sign_in_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_account_sign_in_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tend_account_get_access_token:
 * @refresh: %TRUE when the API refused the last token (401): a new one is bought whatever its
 *   expiry says
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Blocks: for the sync thread. Thread-safe: one caller at a time refreshes, and the others get
 * the token it bought.
 *
 * Returns: (transfer full): an access token valid for at least a minute as far as the provider
 *   said, or %NULL with @error set: %TEND_API_ERROR_UNAUTHORIZED when only a new sign-in helps
 *   (no tokens stored, no refresh token, or the provider ended the grant), a #TendOauthError
 *   when the provider could not be asked, or the keyring's own error
 */
char *
tend_account_get_access_token (TendAccount *self, gboolean refresh, GCancellable *cancellable,
                               GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  gint64 now;

  g_return_val_if_fail (TEND_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !load_tokens (self, cancellable, error))
    return NULL;
  if (self->tokens == NULL)
    {
      set_sign_in_again (self, error);
      return NULL;
    }
  /* A rotated set the keyring refused last time: until it is saved, a restart would lose it. */
  if (self->unsaved && !save_tokens (self, error))
    return NULL;

  now = g_get_real_time () / G_USEC_PER_SEC;
  /* An expiry of 0 means the provider did not say; the API's 401 will. */
  if (refresh
      || (self->tokens->expires_at != 0 && self->tokens->expires_at - now <= EXPIRY_MARGIN_SECONDS))
    {
      if (!refresh_tokens (self, cancellable, error))
        return NULL;
    }
  return g_strdup (self->tokens->access_token);
}

/**
 * tend_account_disconnect_async:
 * @cancellable: (nullable): skips the revocation requests not made yet; the keyring entry is
 *   removed all the same
 *
 * Revokes the refresh token, then the access token (RFC 7009), when the provider's profile
 * allows revocation and its configuration names a revocation endpoint; then removes the tokens
 * from the Secret Service, whether the revocation worked or not.
 */
void
tend_account_disconnect_async (TendAccount *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (TEND_IS_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_account_disconnect_async);
  /* The outcome is the keyring's, which a cancel does not stop. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, disconnect_thread);
}

/**
 * tend_account_disconnect_finish:
 *
 * A failed revocation alone is no error: the tokens are gone from this computer, and the
 * failure goes to the log. The error is the keyring's, naming the revocation's failure too
 * when there was one.
 *
 * Returns: %TRUE once the tokens are removed from the Secret Service
 */
gboolean
tend_account_disconnect_finish (TendAccount *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (TEND_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_account_disconnect_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
