/* test-token-store.c: the token store against a real gnome-keyring-daemon
 *
 * Runs under dbus-run-session and with-keyring.sh (see meson.build): a keyring daemon of its
 * own, unlocked with a test password, keeps its keyrings under a temporary home that the
 * script names in TEND_TEST_KEYRING_HOME. Never run it against your own session's keyring:
 * the opt-out case deletes every Tend token it finds.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "tend-test-util.h"
#include "tend-token-store.h"

/* The schema as DESIGN.md names it, written out again so that a change in the store that
 * would orphan the tokens of existing installations fails here. */
static const SecretSchema tend_schema = {
  "dev.tend.Token",
  SECRET_SCHEMA_NONE,
  {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

/* Another application's items, with the same attribute names and values as Tend's. */
static const SecretSchema foreign_schema = {
  "org.example.Foreign",
  SECRET_SCHEMA_NONE,
  {
      { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
save (const char *provider, const char *account, const TendTokens *tokens, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_token_store_save_async (provider, account, tokens, NULL, result_cb, &result);
  return tend_token_store_save_finish (wait_for (&result), error);
}

static TendTokens *
lookup (const char *provider, const char *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_token_store_lookup_async (provider, account, NULL, result_cb, &result);
  return tend_token_store_lookup_finish (wait_for (&result), error);
}

static gboolean
clear (const char *provider, const char *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_token_store_clear_async (provider, account, NULL, result_cb, &result);
  return tend_token_store_clear_finish (wait_for (&result), error);
}

static gboolean
clear_all (GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  tend_token_store_clear_all_async (NULL, result_cb, &result);
  return tend_token_store_clear_all_finish (wait_for (&result), error);
}

/* Token strings no other test and no file can contain by chance. */
static TendTokens *
make_tokens (gboolean with_optional)
{
  TendTokens      *tokens = g_new0 (TendTokens, 1);
  g_autofree char *access = g_uuid_string_random ();
  g_autofree char *refresh = g_uuid_string_random ();

  tokens->access_token = g_strconcat ("access-", access, NULL);
  tokens->expires_at = 1767225600 + g_random_int_range (0, 86400);
  if (with_optional)
    {
      tokens->refresh_token = g_strconcat ("refresh-", refresh, NULL);
      tokens->scope = g_strdup ("openid offline_access Mail.Read Calendars.Read");
    }
  return tokens;
}

static char *
make_account (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s@example.org", uuid);
}

static void
assert_tokens_equal (const TendTokens *a, const TendTokens *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
  g_assert_cmpint (a->expires_at, ==, b->expires_at);
  g_assert_cmpstr (a->scope, ==, b->scope);
}

/* The Tend items the keyring holds for @account at @provider (NULL: any), locked or not.
 * libsecret's _sync calls leak parts of each item's D-Bus proxy in their private main
 * context, so this waits on the default one instead. */
static GList *
search_items (const char *provider, const char *account)
{
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GList *items;

  if (provider != NULL)
    g_hash_table_insert (attributes, "provider", (gpointer) provider);
  if (account != NULL)
    g_hash_table_insert (attributes, "account", (gpointer) account);
  secret_password_searchv (&tend_schema, attributes, SECRET_SEARCH_ALL, NULL, result_cb, &result);
  items = secret_password_search_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return items;
}

static guint
count_items (const char *provider, const char *account)
{
  GList *items = search_items (provider, account);
  guint  n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}

static void
test_lookup_none (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autoptr (TendTokens) found = NULL;

  found = lookup ("microsoft", account, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Clearing what is not there is not an error: a second disconnect must not fail. */
  g_assert_true (clear ("microsoft", account, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autoptr (TendTokens) full = make_tokens (TRUE);
  g_autoptr (TendTokens) bare = make_tokens (FALSE);
  g_autoptr (TendTokens) found = NULL;

  g_assert_true (save ("microsoft", account, full, &error));
  g_assert_no_error (error);
  found = lookup ("microsoft", account, &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, full);
  g_clear_pointer (&found, tend_tokens_free);

  /* A provider that grants no refresh token and names no scope: both come back NULL. */
  g_assert_true (save ("google", account, bare, &error));
  g_assert_no_error (error);
  found = lookup ("google", account, &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, bare);
  g_assert_null (found->refresh_token);
  g_assert_null (found->scope);
}

static void
test_item_shape (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (TendTokens) tokens = make_tokens (TRUE);
  g_autoptr (GHashTable) attributes = NULL;
  GList *items;

  g_assert_true (save ("microsoft", account, tokens, &error));
  g_assert_no_error (error);

  items = search_items ("microsoft", account);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  /* The label names the account, and the attributes carry names only: keyrings keep both in
   * the clear, so no token may be there. */
  label = secret_retrievable_get_label (items->data);
  expected = g_strdup_printf ("Tend token for %s (microsoft)", account);
  g_assert_cmpstr (label, ==, expected);
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, "dev.tend.Token");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "provider"), ==, "microsoft");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "account"), ==, account);

  /* In the default collection, the one gnome-keyring unlocks at login. */
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (items->data),
                                   "/org/freedesktop/secrets/collection/login/"));

  g_list_free_full (items, g_object_unref);
}

static void
test_rotation (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autoptr (TendTokens) first = make_tokens (TRUE);
  g_autoptr (TendTokens) rotated = make_tokens (TRUE);
  g_autoptr (TendTokens) found = NULL;

  g_assert_true (save ("microsoft", account, first, &error));
  g_assert_no_error (error);
  g_assert_true (save ("microsoft", account, rotated, &error));
  g_assert_no_error (error);

  /* The new set replaced the old one: one item, holding the rotated refresh token. */
  g_assert_cmpuint (count_items ("microsoft", account), ==, 1);
  found = lookup ("microsoft", account, &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, rotated);
}

static void
test_accounts_apart (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *alice = make_account ();
  g_autofree char *bob = make_account ();
  g_autoptr (TendTokens) alice_ms = make_tokens (TRUE);
  g_autoptr (TendTokens) alice_google = make_tokens (TRUE);
  g_autoptr (TendTokens) bob_ms = make_tokens (FALSE);
  g_autoptr (TendTokens) found = NULL;

  g_assert_true (save ("microsoft", alice, alice_ms, &error));
  g_assert_true (save ("google", alice, alice_google, &error));
  g_assert_true (save ("microsoft", bob, bob_ms, &error));
  g_assert_no_error (error);

  found = lookup ("microsoft", alice, &error);
  assert_tokens_equal (found, alice_ms);
  g_clear_pointer (&found, tend_tokens_free);
  found = lookup ("google", alice, &error);
  assert_tokens_equal (found, alice_google);
  g_clear_pointer (&found, tend_tokens_free);
  found = lookup ("microsoft", bob, &error);
  assert_tokens_equal (found, bob_ms);
  g_clear_pointer (&found, tend_tokens_free);
  g_assert_no_error (error);

  /* Disconnecting Alice's Microsoft account leaves her Google one and Bob's alone. */
  g_assert_true (clear ("microsoft", alice, &error));
  g_assert_no_error (error);
  found = lookup ("microsoft", alice, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_cmpuint (count_items ("microsoft", alice), ==, 0);
  found = lookup ("google", alice, &error);
  assert_tokens_equal (found, alice_google);
  g_clear_pointer (&found, tend_tokens_free);
  found = lookup ("microsoft", bob, &error);
  assert_tokens_equal (found, bob_ms);
  g_assert_no_error (error);
}

static void
test_corrupt (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autoptr (TendTokens) found = NULL;
  const char *damaged[] = {
    "not json",
    "{\"refresh_token\": \"r\"}",
    "{\"access_token\": \"\"}",
    "{\"access_token\": 42}",
    "{\"access_token\": \"a\", \"expires_at\": -1}",
    "{\"access_token\": \"a\", \"access_token\": \"b\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr (SecretValue) value = secret_value_new (damaged[i], -1, "application/json");

      g_test_message ("secret: %s", damaged[i]);
      secret_password_store_binary_sync (&tend_schema, SECRET_COLLECTION_DEFAULT, "damaged", value,
                                         NULL, &error, "provider", "microsoft", "account", account,
                                         NULL);
      g_assert_no_error (error);
      found = lookup ("microsoft", account, &error);
      g_assert_error (error, TEND_TOKEN_STORE_ERROR, TEND_TOKEN_STORE_ERROR_CORRUPT);
      g_assert_null (found);
      g_clear_error (&error);
    }

  /* A plain password, as another tool might have written under the same schema. */
  secret_password_store_sync (&tend_schema, SECRET_COLLECTION_DEFAULT, "plain", "{}", NULL, &error,
                              "provider", "microsoft", "account", account, NULL);
  g_assert_no_error (error);
  found = lookup ("microsoft", account, &error);
  g_assert_error (error, TEND_TOKEN_STORE_ERROR, TEND_TOKEN_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Damaged or not, clearing removes it, so the user can connect again. */
  g_assert_true (clear ("microsoft", account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items ("microsoft", account), ==, 0);
}

static void
test_clear_all (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autofree char *other = make_account ();
  g_autofree char *foreign = NULL;
  g_autoptr (TendTokens) tokens = make_tokens (TRUE);
  g_autoptr (TendTokens) found = NULL;

  /* Another application's item with the very same provider and account. */
  secret_password_store_sync (&foreign_schema, SECRET_COLLECTION_DEFAULT, "Someone else's",
                              "foreign-secret", NULL, &error, "provider", "microsoft", "account",
                              account, NULL);
  g_assert_no_error (error);

  g_assert_true (save ("microsoft", account, tokens, &error));
  g_assert_true (save ("google", other, tokens, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (NULL, NULL), >=, 2);

  g_assert_true (clear_all (&error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_items (NULL, NULL), ==, 0);
  found = lookup ("microsoft", account, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  foreign = secret_password_lookup_sync (&foreign_schema, NULL, &error, "provider", "microsoft",
                                         "account", account, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (foreign, ==, "foreign-secret");

  /* Opting out twice is fine. */
  g_assert_true (clear_all (&error));
  g_assert_no_error (error);
}

/* The blocking variants, for the sync thread, keep the same item as the asynchronous ones. */
static void
test_sync (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autoptr (TendTokens) first = make_tokens (TRUE);
  g_autoptr (TendTokens) rotated = make_tokens (TRUE);
  g_autoptr (TendTokens) found = NULL;

  found = tend_token_store_lookup_sync ("microsoft", account, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  g_assert_true (tend_token_store_save_sync ("microsoft", account, first, NULL, &error));
  g_assert_no_error (error);
  found = lookup ("microsoft", account, &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, first);
  g_clear_pointer (&found, tend_tokens_free);

  /* A rotated set replaces the first: one item, the new tokens. */
  g_assert_true (tend_token_store_save_sync ("microsoft", account, rotated, NULL, &error));
  g_assert_no_error (error);
  found = tend_token_store_lookup_sync ("microsoft", account, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, rotated);
  g_clear_pointer (&found, tend_tokens_free);
  g_assert_cmpuint (count_items ("microsoft", account), ==, 1);

  g_assert_true (tend_token_store_clear_sync ("microsoft", account, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items ("microsoft", account), ==, 0);
  /* Clearing what is not there is no error. */
  g_assert_true (tend_token_store_clear_sync ("microsoft", account, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_nowhere (const char *needle)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) environment = g_get_environ ();
  guint n_files = 0;

  tend_test_grep_tree (g_getenv ("TEND_TEST_KEYRING_HOME"), needle, found, &n_files);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("a token is in %s", (const char *) found->pdata[i]);
  g_assert_cmpuint (found->len, ==, 0);
  /* The keyring and the keystore at least were read. */
  g_assert_cmpuint (n_files, >=, 2);

  for (guint i = 0; environment[i] != NULL; i++)
    g_assert_null (strstr (environment[i], needle));
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
test_no_token_bytes (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *account = make_account ();
  g_autofree char *keyring
      = g_build_filename (g_get_user_data_dir (), "keyrings", "login.keyring", NULL);
  g_autoptr (TendTokens) first = make_tokens (TRUE);
  g_autoptr (TendTokens) rotated = make_tokens (TRUE);
  g_autofree char *canary = g_uuid_string_random ();
  g_autofree char *canary_path = g_build_filename (g_get_user_cache_dir (), "canary", NULL);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint  n_files = 0;
  gint64 size_before;

  /* The search finds what is there: a file holding a known string, among the others. */
  g_file_set_contents (canary_path, canary, -1, &error);
  g_assert_no_error (error);
  tend_test_grep_tree (g_getenv ("TEND_TEST_KEYRING_HOME"), canary, found, &n_files);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (found->pdata[0], ==, canary_path);
  g_assert_cmpint (g_remove (canary_path), ==, 0);

  size_before = file_size (keyring);
  g_assert_true (save ("microsoft", account, first, &error));
  g_assert_no_error (error);

  /* The item did reach the disk, in the login keyring, which grew by at least its label... */
  g_assert_cmpint (file_size (keyring), >, size_before);

  /* ...encrypted: neither token is in any file under the home, the keyring file included,
   * nor in the environment. */
  assert_nowhere (first->access_token);
  assert_nowhere (first->refresh_token);

  g_assert_true (save ("microsoft", account, rotated, &error));
  g_assert_no_error (error);
  assert_nowhere (first->access_token);
  assert_nowhere (first->refresh_token);
  assert_nowhere (rotated->access_token);
  assert_nowhere (rotated->refresh_token);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Refuse to run on the real session's keyring: see the comment at the top. */
  if (g_getenv ("TEND_TEST_KEYRING_HOME") == NULL
      || g_strcmp0 (g_getenv ("HOME"), g_getenv ("TEND_TEST_KEYRING_HOME")) != 0)
    {
      g_printerr ("Run this test through tests/integration/with-keyring.sh\n");
      return 1;
    }

  g_test_add_func ("/token-store/lookup/none", test_lookup_none);
  g_test_add_func ("/token-store/save/round-trip", test_round_trip);
  g_test_add_func ("/token-store/save/item-shape", test_item_shape);
  g_test_add_func ("/token-store/save/rotation", test_rotation);
  g_test_add_func ("/token-store/accounts/apart", test_accounts_apart);
  g_test_add_func ("/token-store/lookup/corrupt", test_corrupt);
  g_test_add_func ("/token-store/clear/all", test_clear_all);
  g_test_add_func ("/token-store/sync", test_sync);
  g_test_add_func ("/token-store/privacy/no-token-bytes", test_no_token_bytes);

  status = g_test_run ();
  secret_service_disconnect ();
  return status;
}
