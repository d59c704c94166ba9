/* tend-token-store.c: OAuth tokens in the Secret Service, and nowhere else
 *
 * Each account's token set is one item of the user's default keyring, found by the schema
 * dev.tend.Token and its provider and account attributes. The secret is a small JSON object:
 *
 *   {"access_token": "…", "refresh_token": "…", "expires_at": 1700000000, "scope": "…"}
 *
 * with refresh_token and scope left out when there are none. The attributes are stored in the
 * clear by keyrings and shown in Seahorse, so they hold names, never tokens (invariant 2).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-token-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <jansson.h>
#include <libsecret/secret.h>
#include <string.h>

#include "tend-token-store.h"

#define CONTENT_TYPE "application/json"

static const SecretSchema token_schema = {
  "dev.tend.Token",
  SECRET_SCHEMA_NONE,
  {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

G_DEFINE_QUARK (tend_token_store_error_quark, tend_token_store_error)

/* Overwrites a token before its memory goes back to the allocator, so that the next user of
 * the block, or a core dump, does not find it. */
static void
wipe_string (char *string)
{
  if (string != NULL)
    explicit_bzero (string, strlen (string));
}

static gboolean
is_valid_string (const char *string, gboolean nullable)
{
  if (string == NULL)
    return nullable;
  return string[0] != '\0' && g_utf8_validate (string, -1, NULL);
}

static gboolean
tokens_are_valid (const TendTokens *tokens)
{
  return tokens != NULL && is_valid_string (tokens->access_token, FALSE)
         && is_valid_string (tokens->refresh_token, TRUE) && is_valid_string (tokens->scope, TRUE)
         && tokens->expires_at >= 0;
}

/* The secret as a SecretValue, which keeps its copy in non-pageable memory. */
static SecretValue *
tokens_to_secret (const TendTokens *tokens)
{
  json_t      *root = json_object ();
  char        *text;
  SecretValue *value;

  json_object_set_new (root, "access_token", json_string (tokens->access_token));
  if (tokens->refresh_token != NULL)
    json_object_set_new (root, "refresh_token", json_string (tokens->refresh_token));
  json_object_set_new (root, "expires_at", json_integer (tokens->expires_at));
  if (tokens->scope != NULL)
    json_object_set_new (root, "scope", json_string (tokens->scope));

  /* Only an out-of-memory jansson fails here: the strings were checked to be UTF-8. */
  text = json_dumps (root, JSON_COMPACT);
  g_assert (text != NULL);
  json_decref (root);

  value = secret_value_new (text, -1, CONTENT_TYPE);
  wipe_string (text);
  free (text);

  return value;
}

static TendTokens *
tokens_from_secret (SecretValue *value, GError **error)
{
  g_autoptr (TendTokens) tokens = NULL;
  const char *access_token = NULL;
  const char *refresh_token = NULL;
  const char *scope = NULL;
  json_int_t  expires_at = 0;
  const char *data;
  gsize       length;
  json_t     *root;
  int         unpacked;

  /* The content type is not checked: gnome-keyring 42 keeps only the bytes and hands every
   * secret back as text/plain. */
  data = secret_value_get (value, &length);
  root = json_loadb (data, length, JSON_REJECT_DUPLICATES, NULL);
  if (root == NULL)
    goto corrupt;

  unpacked
      = json_unpack (root, "{s:s, s?:s, s?:I, s?:s}", "access_token", &access_token,
                     "refresh_token", &refresh_token, "expires_at", &expires_at, "scope", &scope);
  if (unpacked == 0)
    {
      tokens = g_new0 (TendTokens, 1);
      tokens->access_token = g_strdup (access_token);
      tokens->refresh_token = g_strdup (refresh_token);
      tokens->expires_at = expires_at;
      tokens->scope = g_strdup (scope);
    }
  json_decref (root);

  if (tokens != NULL && tokens_are_valid (tokens))
    return g_steal_pointer (&tokens);

corrupt:
  g_set_error_literal (error, TEND_TOKEN_STORE_ERROR, TEND_TOKEN_STORE_ERROR_CORRUPT,
                       _ ("The sign-in saved in the keyring for this account is damaged. "
                          "Connect the account again."));
  return NULL;
}

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    return g_task_return_error (task, g_steal_pointer (&error));

  g_debug ("Saved the tokens of a %s account", (const char *) g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (TendTokens) tokens = NULL;

  value = secret_password_lookup_binary_finish (result, &error);
  if (value == NULL)
    {
      if (error != NULL)
        return g_task_return_error (task, g_steal_pointer (&error));
      return g_task_return_pointer (task, NULL, NULL);
    }

  tokens = tokens_from_secret (value, &error);
  if (tokens == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));

  g_task_return_pointer (task, g_steal_pointer (&tokens), (GDestroyNotify) tend_tokens_free);
}

/* Clearing deletes the matching items one after the other; the task data holds those left. */
typedef struct
{
  GList *items;
} ClearData;

static void
clear_data_free (ClearData *data)
{
  g_list_free_full (data->items, g_object_unref);
  g_free (data);
}

static void delete_next (GTask *task);

static void
delete_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    return g_task_return_error (task, g_steal_pointer (&error));

  delete_next (g_steal_pointer (&task));
}

static void
delete_next (GTask *task)
{
  ClearData *data = g_task_get_task_data (task);
  g_autoptr (SecretItem) item = NULL;

  if (data->items == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  item = data->items->data;
  data->items = g_list_delete_link (data->items, data->items);
  secret_item_delete (item, g_task_get_cancellable (task), delete_cb, task);
}

static void
search_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  ClearData *data = g_task_get_task_data (task);

  data->items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    return g_task_return_error (task, g_steal_pointer (&error));

  g_debug ("Deleting %u Tend keyring items", g_list_length (data->items));
  delete_next (g_steal_pointer (&task));
}

/* Deletes every Tend item matching @attributes, in every collection. Locked items are
 * unlocked first (the keyring may prompt), since a token left behind in a locked keyring
 * would outlive the opt-out that was meant to remove it. */
static void
clear_matching (GHashTable *attributes, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data, gpointer source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (ClearData, 1), (GDestroyNotify) clear_data_free);
  secret_service_search (NULL, &token_schema, attributes, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                         cancellable, search_cb, task);
}

void
tend_tokens_free (TendTokens *tokens)
{
  if (tokens == NULL)
    return;

  wipe_string (tokens->access_token);
  wipe_string (tokens->refresh_token);
  g_free (tokens->access_token);
  g_free (tokens->refresh_token);
  g_free (tokens->scope);
  g_free (tokens);
}

/**
 * tend_token_store_save_async:
 * @provider: the provider profile's id, such as "microsoft"
 * @account: the account's name at that provider, usually an email address
 * @tokens: the token set to keep
 *
 * Stores @tokens in the default keyring, replacing what was stored for the same account:
 * a rotated refresh token takes the old one's place.
 */
void
tend_token_store_save_async (const char *provider, const char *account, const TendTokens *tokens,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (SecretValue) value = NULL;
  g_autofree char *label = NULL;
  GTask           *task;

  g_return_if_fail (is_valid_string (provider, FALSE));
  g_return_if_fail (is_valid_string (account, FALSE));
  g_return_if_fail (tokens_are_valid (tokens));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_token_store_save_async);
  g_task_set_task_data (task, g_strdup (provider), g_free);

  value = tokens_to_secret (tokens);
  /* Translators: the name of a keyring item, as Passwords and Keys lists it; the first %s is
   * an account such as an email address, the second the provider's id, such as "google". */
  label = g_strdup_printf (_ ("Tend token for %1$s (%2$s)"), account, provider);
  secret_password_store_binary (&token_schema, SECRET_COLLECTION_DEFAULT, label, value, cancellable,
                                store_cb, task, "provider", provider, "account", account, NULL);
}

gboolean
tend_token_store_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_token_store_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_token_store_lookup_async:
 * @provider: the provider profile's id
 * @account: the account's name at that provider
 *
 * Reads the token set stored for one account. A locked keyring is unlocked first, which may
 * ask the user for its password.
 */
void
tend_token_store_lookup_async (const char *provider, const char *account, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (is_valid_string (provider, FALSE));
  g_return_if_fail (is_valid_string (account, FALSE));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_token_store_lookup_async);
  secret_password_lookup (&token_schema, cancellable, lookup_cb, task, "provider", provider,
                          "account", account, NULL);
}

/**
 * tend_token_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the stored token set, or %NULL with @error set on
 *   failure, or %NULL and no error when nothing is stored for the account
 */
TendTokens *
tend_token_store_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_token_store_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tend_token_store_clear_async:
 * @provider: the provider profile's id
 * @account: the account's name at that provider
 *
 * Deletes the token set of one account, for instance when it is disconnected. Succeeds when
 * none was stored.
 */
void
tend_token_store_clear_async (const char *provider, const char *account, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (is_valid_string (provider, FALSE));
  g_return_if_fail (is_valid_string (account, FALSE));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  attributes
      = secret_attributes_build (&token_schema, "provider", provider, "account", account, NULL);
  clear_matching (attributes, cancellable, callback, user_data, tend_token_store_clear_async);
}

gboolean
tend_token_store_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_token_store_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_token_store_clear_all_async:
 *
 * Deletes every token set Tend ever stored, whatever the provider or account: part of
 * opting out (invariant 8). Items of other applications are left alone, since the search
 * matches on the schema name.
 */
void
tend_token_store_clear_all_async (GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GHashTable) attributes = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  clear_matching (attributes, cancellable, callback, user_data, tend_token_store_clear_all_async);
}

gboolean
tend_token_store_clear_all_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_token_store_clear_all_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_token_store_save_sync:
 *
 * Like tend_token_store_save_async(), blocking. A rotated refresh token is saved with this
 * from the thread that received it, before anything else can happen to the process.
 */
gboolean
tend_token_store_save_sync (const char *provider, const char *account, const TendTokens *tokens,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr (SecretValue) value = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (is_valid_string (provider, FALSE), FALSE);
  g_return_val_if_fail (is_valid_string (account, FALSE), FALSE);
  g_return_val_if_fail (tokens_are_valid (tokens), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  value = tokens_to_secret (tokens);
  label = g_strdup_printf (_ ("Tend token for %1$s (%2$s)"), account, provider);
  if (!secret_password_store_binary_sync (&token_schema, SECRET_COLLECTION_DEFAULT, label, value,
                                          cancellable, error, "provider", provider, "account",
                                          account, NULL))
    return FALSE;
  g_debug ("Saved the tokens of a %s account", provider);
  return TRUE;
}

/**
 * tend_token_store_lookup_sync:
 *
 * Like tend_token_store_lookup_async(), blocking.
 *
 * Returns: (transfer full) (nullable): the stored token set, or %NULL with @error set on
 *   failure, or %NULL and no error when nothing is stored for the account
 */
TendTokens *
tend_token_store_lookup_sync (const char *provider, const char *account, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (is_valid_string (provider, FALSE), NULL);
  g_return_val_if_fail (is_valid_string (account, FALSE), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  value = secret_password_lookup_binary_sync (&token_schema, cancellable, &local_error, "provider",
                                              provider, "account", account, NULL);
  if (value == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return tokens_from_secret (value, error);
}

/**
 * tend_token_store_clear_sync:
 *
 * Like tend_token_store_clear_async(), blocking.
 */
gboolean
tend_token_store_clear_sync (const char *provider, const char *account, GCancellable *cancellable,
                             GError **error)
{
  g_autoptr (GHashTable) attributes = NULL;
  g_autoptr (GError) local_error = NULL;
  GList   *items;
  gboolean ok = TRUE;

  g_return_val_if_fail (is_valid_string (provider, FALSE), FALSE);
  g_return_val_if_fail (is_valid_string (account, FALSE), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  attributes
      = secret_attributes_build (&token_schema, "provider", provider, "account", account, NULL);
  /* As clear_matching does: every collection, locked items unlocked first. */
  items = secret_service_search_sync (NULL, &token_schema, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, cancellable,
                                      &local_error);
  for (GList *l = items; l != NULL && ok; l = l->next)
    ok = secret_item_delete_sync (l->data, cancellable, &local_error);
  g_list_free_full (items, g_object_unref);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
