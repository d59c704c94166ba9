/* tend-agent-worker-account.c: the worker's account commands: sign-in, disconnect, opt-out
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-worker"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-account.h"
#include "tend-agent-worker.h"
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

/* sign-in PROVIDER [--device]
 *
 * Signing in again to an account replaces its tokens in the keyring; the old grant is not
 * revoked. With Google, revoking any token of Tend's ends the user's whole grant to Tend, the new
 * sign-in's included; an old grant that expired or was revoked, the usual reason to sign in
 * again, needs no revoking; and Microsoft offers no revocation. */

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TendAgentWorker *worker = user_data;
  g_autoptr (TendAccount) account = NULL;
  GError         *error = NULL;
  GVariantBuilder done;

  account = tend_account_sign_in_finish (result, &error);
  if (account == NULL)
    tend_agent_worker_finish (worker, NULL, error);
  else
    {
      g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&done, "{sv}", "account",
                             g_variant_new_string (tend_account_get_name (account)));
      tend_agent_worker_finish (worker, g_variant_builder_end (&done), NULL);
    }
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

gboolean
tend_agent_worker_sign_in (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (TendProvider) provider = NULL;
  gboolean           device = FALSE;
  const GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_NONE, &device, NULL, NULL },
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

  tend_account_sign_in_async (provider, device ? device_code_cb : NULL, NULL, worker->cancellable,
                              signed_in_cb, worker);
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

/* Removes @file, of @type, and everything below it; what is already gone is no error. */
static gboolean
delete_entry (GFile *file, GFileType type, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) local_error = NULL;

  /* Only a real folder is entered. A link to a folder has the type SYMBOLIC_LINK when read
   * without following links: the link goes, what it points to is not Tend's and stays. */
  if (type == G_FILE_TYPE_DIRECTORY)
    children = g_file_enumerate_children (
        file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  while (children != NULL)
    {
      GFileInfo *info;
      GFile     *child;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;
      if (!delete_entry (child, g_file_info_get_file_type (info), error))
        return FALSE;
    }
  /* A folder that could not be listed, or nothing there: g_file_delete() says which matters. */
  g_clear_error (&local_error);
  if (!g_file_delete (file, NULL, &local_error)
      && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Removes @file and everything below it, without following links. */
static gboolean
delete_tree (GFile *file, GError **error)
{
  return delete_entry (
      file, g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL), error);
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
