/* tend-agent-worker-account.c: the worker's account commands: sign-in, disconnect, opt-out
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-worker"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account.h"
#include "tend-agent-worker.h"
#include "tend-oauth-flow.h"
#include "tend-provider.h"
#include "tend-store.h"
#include "tend-token-store.h"

static TendProvider *
provider_new (const char *id, GError **error)
{
  g_autoptr (TendOrgConfig) config = tend_org_config_new_default (error);

  if (config == NULL)
    return NULL;
  return tend_provider_new (id, config, error);
}

static gboolean
usage_error (const char *message, GError **error)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
  return FALSE;
}

/* sign-in PROVIDER [--device] [--replacing ACCOUNT]...
 *
 * The agent names with --replacing the accounts of PROVIDER it has already. The worker cannot
 * know which account the user signs in to before the ID token says, and a new sign-in to one of
 * them saves its tokens over the old: so their tokens are read first, and the old grant of the
 * account signed in to again is revoked (RFC 7009) once the new tokens are saved. */

typedef struct
{
  TendAgentWorker *worker;
  TendProvider    *provider;
  gboolean         device;
  char           **replacing;
  GHashTable      *previous; /* account name → TendTokens read before the sign-in */
  TendAccount     *account;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_object_unref (sign_in->provider);
  g_strfreev (sign_in->replacing);
  g_hash_table_unref (sign_in->previous);
  g_clear_object (&sign_in->account);
  g_free (sign_in);
}

static void
sign_in_finish (SignIn *sign_in)
{
  GVariantBuilder done;

  g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&done, "{sv}", "account",
                         g_variant_new_string (tend_account_get_name (sign_in->account)));
  tend_agent_worker_finish (sign_in->worker, g_variant_builder_end (&done), NULL);
  sign_in_free (sign_in);
}

static gboolean
same_token (const char *a, const char *b)
{
  return a != NULL && b != NULL && g_str_equal (a, b);
}

/* Revokes the refresh token first, which ends the grant, then the access token; both are tried.
 * A failure is logged: the new sign-in stands either way. */
static void
revoke_previous_thread (GTask *task, gpointer source_object, gpointer task_data,
                        GCancellable *cancellable)
{
  SignIn           *sign_in = task_data;
  const char       *provider_id = tend_provider_get_id (sign_in->provider);
  const char       *name = tend_account_get_name (sign_in->account);
  const TendTokens *old = g_hash_table_lookup (sign_in->previous, name);
  g_autoptr (TendTokens) current = NULL;
  g_autoptr (TendOauthDiscovery) discovery = NULL;
  g_autoptr (GError) error = NULL;
  const char *client_id = tend_provider_get_client_id (sign_in->provider);
  const char *client_secret = tend_provider_get_client_secret (sign_in->provider);

  /* A provider that handed out the same tokens again would see the new sign-in revoked. */
  current = tend_token_store_lookup_sync (provider_id, name, cancellable, NULL);
  if (current != NULL
      && (same_token (current->refresh_token, old->refresh_token)
          || same_token (current->access_token, old->access_token)))
    return g_task_return_boolean (task, TRUE);

  discovery = tend_oauth_discover (tend_provider_get_issuer (sign_in->provider), &error);
  if (discovery == NULL)
    g_message ("Could not end the previous %s sign-in: %s", provider_id, error->message);
  else if (discovery->revocation_endpoint != NULL)
    {
      if (old->refresh_token != NULL && !g_cancellable_is_cancelled (cancellable)
          && !tend_oauth_revoke (discovery->revocation_endpoint, client_id, client_secret,
                                 old->refresh_token, "refresh_token", &error))
        {
          g_message ("Could not end the previous %s sign-in: %s", provider_id, error->message);
          g_clear_error (&error);
        }
      if (!g_cancellable_is_cancelled (cancellable)
          && !tend_oauth_revoke (discovery->revocation_endpoint, client_id, client_secret,
                                 old->access_token, "access_token", &error))
        g_message ("Could not revoke the previous %s access token: %s", provider_id,
                   error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
previous_revoked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  sign_in_finish (user_data);
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignIn *sign_in = user_data;
  GError *error = NULL;
  g_autoptr (GTask) task = NULL;

  sign_in->account = tend_account_sign_in_finish (result, &error);
  if (sign_in->account == NULL)
    {
      tend_agent_worker_finish (sign_in->worker, NULL, error);
      sign_in_free (sign_in);
      return;
    }
  if (!tend_provider_get_revocation (sign_in->provider)
      || !g_hash_table_contains (sign_in->previous, tend_account_get_name (sign_in->account)))
    {
      sign_in_finish (sign_in);
      return;
    }

  /* The sign-in has happened: SIGTERM now only skips the revocation requests not made yet. */
  task = g_task_new (NULL, sign_in->worker->cancellable, previous_revoked_cb, sign_in);
  g_task_set_source_tag (task, signed_in_cb);
  g_task_set_task_data (task, sign_in, NULL);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, revoke_previous_thread);
}

static void
device_code_cb (const char *user_code, const char *verification_uri, gint64 expires_at,
                gpointer user_data)
{
  GVariantBuilder details;

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&details, "{sv}", "user-code", g_variant_new_string (user_code));
  g_variant_builder_add (&details, "{sv}", "verification-uri",
                         g_variant_new_string (verification_uri));
  g_variant_builder_add (&details, "{sv}", "expires-at", g_variant_new_int64 (expires_at));
  tend_agent_worker_emit ("device-code", g_variant_builder_end (&details));
}

static void
start_sign_in (SignIn *sign_in)
{
  tend_account_sign_in_async (sign_in->provider, sign_in->device ? device_code_cb : NULL, sign_in,
                              sign_in->worker->cancellable, signed_in_cb, sign_in);
}

/* Blocking keyring reads: the keyring may have to be unlocked first. */
static void
read_previous_thread (GTask *task, gpointer source_object, gpointer task_data,
                      GCancellable *cancellable)
{
  SignIn     *sign_in = task_data;
  const char *provider_id = tend_provider_get_id (sign_in->provider);

  for (guint i = 0; sign_in->replacing[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      TendTokens *tokens;

      tokens
          = tend_token_store_lookup_sync (provider_id, sign_in->replacing[i], cancellable, &error);
      if (tokens != NULL)
        g_hash_table_insert (sign_in->previous, g_strdup (sign_in->replacing[i]), tokens);
      else if (error != NULL)
        /* The sign-in goes on: the old grant then ends when its refresh token expires. */
        g_message ("Could not read a previous %s sign-in: %s", provider_id, error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
previous_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  start_sign_in (user_data);
}

gboolean
tend_agent_worker_sign_in (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (TendProvider) provider = NULL;
  g_auto (GStrv) replacing = NULL;
  gboolean           device = FALSE;
  SignIn            *sign_in;
  const GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_NONE, &device, NULL, NULL },
    { "replacing", 0, 0, G_OPTION_ARG_STRING_ARRAY, &replacing, NULL, NULL },
    { NULL },
  };

  g_return_val_if_fail (worker != NULL, FALSE);

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tend_agent_worker_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return usage_error (_ ("Name the provider to sign in to"), error);
  if (!(provider = provider_new (argv[1], error)))
    return FALSE;

  sign_in = g_new0 (SignIn, 1);
  sign_in->worker = worker;
  sign_in->provider = g_steal_pointer (&provider);
  sign_in->device = device;
  sign_in->replacing = replacing != NULL ? g_steal_pointer (&replacing) : g_new0 (char *, 1);
  sign_in->previous
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) tend_tokens_free);

  if (sign_in->replacing[0] == NULL || !tend_provider_get_revocation (sign_in->provider))
    start_sign_in (sign_in);
  else
    {
      g_autoptr (GTask) task = g_task_new (NULL, NULL, previous_read_cb, sign_in);

      g_task_set_source_tag (task, tend_agent_worker_sign_in);
      g_task_set_task_data (task, sign_in, NULL);
      g_task_run_in_thread (task, read_previous_thread);
    }
  return TRUE;
}

/* disconnect PROVIDER ACCOUNT */

static void
disconnected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  if (!tend_account_disconnect_finish (TEND_ACCOUNT (source), result, &error))
    tend_agent_worker_finish (user_data, NULL, error);
  else
    tend_agent_worker_finish (user_data, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                              NULL);
}

static void
tokens_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  if (!tend_token_store_clear_finish (result, &error))
    tend_agent_worker_finish (user_data, NULL, error);
  else
    tend_agent_worker_finish (user_data, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                              NULL);
}

gboolean
tend_agent_worker_disconnect (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (GError) provider_error = NULL;

  g_return_val_if_fail (worker != NULL, FALSE);

  if (argc != 3)
    return usage_error (_ ("Name the provider and the account to disconnect"), error);
  if (!(provider = provider_new (argv[1], &provider_error)))
    {
      /* A provider no longer configured cannot be asked to revoke; the tokens still go. */
      g_message ("Not revoking a %s sign-in: %s", argv[1], provider_error->message);
      tend_token_store_clear_async (argv[1], argv[2], NULL, tokens_cleared_cb, worker);
      return TRUE;
    }
  account = tend_account_new (provider, argv[2]);
  /* SIGTERM skips the revocation requests not made yet; the keyring entry goes all the same. */
  tend_account_disconnect_async (account, worker->cancellable, disconnected_cb, worker);
  return TRUE;
}

/* opt-out [PROVIDER:ACCOUNT]...
 *
 * Invariant 8: revokes and removes the tokens of each account named, removes every token of
 * Tend's from the keyring, then deletes the database and the cache. It does not stop half-way:
 * SIGTERM only skips the revocation requests not made yet. */

typedef struct
{
  TendAgentWorker *worker;
  GError          *keyring_error; /* the first removal from the keyring that failed */
  guint            pending;
} OptOut;

/* Removes @file and everything below it, without following links; what is already gone is no
 * error. */
static gboolean
delete_tree (GFile *file, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) local_error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  while (children != NULL)
    {
      GFileInfo *info;
      GFile     *child;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;
      if (!delete_tree (child, error))
        return FALSE;
    }
  /* Not a folder, or not there: g_file_delete() says which matters. */
  g_clear_error (&local_error);
  if (!g_file_delete (file, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
opt_out_delete_files (OptOut *data)
{
  g_autofree char *path = tend_store_get_default_path ();
  g_autofree char *cache_path = g_build_filename (g_get_user_cache_dir (), "tend", NULL);
  g_autoptr (GFile) cache = g_file_new_for_path (cache_path);
  g_autoptr (GError) error = NULL;

  if (!tend_store_delete_files (path, &error) || !delete_tree (cache, &error))
    tend_agent_worker_finish (
        data->worker, NULL,
        g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                     _ ("Tend could not delete what it kept (%s). Opt out again to retry."),
                     error->message));
  else if (data->keyring_error != NULL)
    tend_agent_worker_finish (
        data->worker, NULL,
        g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                     _ ("Tend deleted what it kept, but could not remove its sign-in from your "
                        "keyring (%s). Unlock the keyring, then opt out again."),
                     data->keyring_error->message));
  else
    tend_agent_worker_finish (data->worker, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                              NULL);
  g_clear_error (&data->keyring_error);
  g_free (data);
}

static void
opt_out_keep_error (OptOut *data, GError *error)
{
  if (data->keyring_error == NULL)
    data->keyring_error = g_error_copy (error);
}

static void
opt_out_tokens_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OptOut *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!tend_token_store_clear_all_finish (result, &error))
    opt_out_keep_error (data, error);
  opt_out_delete_files (data);
}

static void
opt_out_disconnected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OptOut *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!tend_account_disconnect_finish (TEND_ACCOUNT (source), result, &error))
    opt_out_keep_error (data, error);
  if (--data->pending > 0)
    return;
  /* Whatever a failed revocation left behind, no token of Tend's stays in the keyring. */
  tend_token_store_clear_all_async (NULL, opt_out_tokens_cleared_cb, data);
}

gboolean
tend_agent_worker_opt_out (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  OptOut *data;

  g_return_val_if_fail (worker != NULL, FALSE);

  for (int i = 1; i < argc; i++)
    {
      g_auto (GStrv) parts = g_strsplit (argv[i], ":", 2);
      g_autoptr (TendProvider) provider = NULL;
      g_autoptr (GError) provider_error = NULL;

      if (parts[0] == NULL || parts[1] == NULL || *parts[0] == '\0' || *parts[1] == '\0')
        return usage_error (_ ("Name each account as PROVIDER:ACCOUNT"), error);
      /* A provider no longer configured cannot be asked to revoke; its tokens still go. */
      if (!(provider = provider_new (parts[0], &provider_error)))
        g_message ("Not revoking a %s sign-in: %s", parts[0], provider_error->message);
      else
        g_ptr_array_add (accounts, tend_account_new (provider, parts[1]));
    }

  data = g_new0 (OptOut, 1);
  data->worker = worker;
  data->pending = accounts->len;
  if (accounts->len == 0)
    tend_token_store_clear_all_async (NULL, opt_out_tokens_cleared_cb, data);
  for (guint i = 0; i < accounts->len; i++)
    tend_account_disconnect_async (g_ptr_array_index (accounts, i), worker->cancellable,
                                   opt_out_disconnected_cb, data);
  return TRUE;
}
