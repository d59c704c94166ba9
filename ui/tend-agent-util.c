/* tend-agent-util.c: what the window's views say about the agent's answers
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "tend-agent-util.h"

#define AGENT_ERROR "dev.tend.Agent1.Error."

/**
 * tend_agent_error_describe:
 * @error: how a call to dev.tend.Agent1 failed (not for errors of anything else: they would
 *   all read as the agent not answering)
 *
 * The agent's own errors carry a sentence meant for the person, which is kept without D-Bus's
 * error name; the kinds a person can do something about get one that says what; the bus's own
 * failures (no agent, a dropped connection, a timeout) are told in plain words.
 *
 * Returns: (transfer full): a sentence to show
 */
char *
tend_agent_error_describe (const GError *error)
{
  g_autoptr (GError) copy = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  copy = g_error_copy (error);
  name = g_dbus_error_get_remote_error (copy);
  g_dbus_error_strip_remote_error (copy);

  if (g_strcmp0 (name, AGENT_ERROR "NotOptedIn") == 0)
    return g_strdup (_ ("Tend is not collecting: opt in first."));
  if (g_strcmp0 (name, AGENT_ERROR "Busy") == 0)
    return g_strdup (_ ("Another sign-in is under way. Finish it in your browser, or wait a few "
                        "minutes and try again."));
  if (g_strcmp0 (name, AGENT_ERROR "NotConfigured") == 0)
    return g_strdup (_ ("Your organization has not set up this way of signing in. Ask whoever "
                        "looks after your computer."));
  if (g_strcmp0 (name, AGENT_ERROR "Paused") == 0)
    return g_strdup (_ ("Collection is paused. Resume it in Preferences, then try again."));
  if (g_strcmp0 (name, AGENT_ERROR "UnknownAccount") == 0)
    return g_strdup (_ ("That account is no longer connected."));
  /* Whatever else the agent itself answered (Failed, a refusal of an argument) explains itself;
   * the bus's own errors do not. */
  if ((name != NULL && !g_str_has_prefix (name, "org.freedesktop.DBus.Error."))
      || g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS))
    return g_strdup (copy->message);
  /* No agent on the bus, a dropped connection, a timeout: the details mean nothing to a person. */
  g_debug ("The agent did not answer: %s", copy->message);
  return g_strdup (_ ("Tend’s agent did not answer. Try again once it is running."));
}

/**
 * tend_provider_display_name:
 * @id: a provider's id, as the agent's Providers list it
 * @name: its name there, which is only @id again while the organization has not set it up
 *
 * Returns: (transfer none): the name to show
 */
const char *
tend_provider_display_name (const char *id, const char *name)
{
  g_return_val_if_fail (id != NULL, NULL);

  if (name != NULL && g_strcmp0 (name, id) != 0)
    return name;
  if (g_str_equal (id, "microsoft"))
    return _ ("Microsoft 365");
  if (g_str_equal (id, "google"))
    return _ ("Google");
  if (g_str_equal (id, "oidc"))
    return _ ("Your Organization’s Sign-In");
  return id;
}

/**
 * tend_device_code_describe:
 * @user_code: the short code the agent's DeviceCode signal carries
 * @verification_uri: the address to enter it at
 *
 * The way to sign in from another device, beside the browser the agent opened.
 *
 * Returns: (transfer full): a sentence to show
 */
char *
tend_device_code_describe (const char *user_code, const char *verification_uri)
{
  g_return_val_if_fail (user_code != NULL, NULL);
  g_return_val_if_fail (verification_uri != NULL, NULL);

  /* Translators: %1$s is a web address, %2$s a short code such as “ABCD-EFGH”. */
  return g_strdup_printf (_ ("Or, on another device, open %1$s and enter the code %2$s"),
                          verification_uri, user_code);
}

/* Signs in to @provider through this desktop's browser. The generated call would give up after
 * D-Bus's default 25 s, long before a person has signed in. */
void
tend_agent_connect_account (GDBusProxy *agent, const char *provider, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_dbus_proxy_call (agent, "ConnectAccount", g_variant_new ("(sb)", provider, FALSE),
                     G_DBUS_CALL_FLAGS_NONE, TEND_CONNECT_ACCOUNT_TIMEOUT_MS, cancellable, callback,
                     user_data);
}

/* The account signed in, e.g. "ana@example.org", or %NULL with @error set. */
char *
tend_agent_connect_account_finish (GDBusProxy *agent, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (agent, result, error);
  char *account = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(s)", &account);
  return account;
}

/**
 * tend_agent_account_in_first_sync:
 * @details: an account's a{sv}, as the agent's Accounts list it
 *
 * Whether the account has never finished a sync and its first one is under way: running,
 * waiting for its turn, or idle because it was just added and not started yet (an account's
 * sync only ends idle once it succeeded, which sets its last-sync time).
 *
 * Returns: whether the first sync is running
 */
gboolean
tend_agent_account_in_first_sync (GVariant *details)
{
  const char *state = "";
  gint64      last_sync = 0;

  g_return_val_if_fail (details != NULL, FALSE);

  g_variant_lookup (details, "state", "&s", &state);
  g_variant_lookup (details, "last-sync", "x", &last_sync);
  return last_sync <= 0
         && (g_str_equal (state, "syncing") || g_str_equal (state, "waiting")
             || g_str_equal (state, "idle"));
}

/**
 * tend_agent_account_progress:
 * @agent: the agent
 * @provider: the account's provider
 * @account: the account's name
 * @done: (out): items synced so far
 * @total: (out): items known, 0 while the agent does not know yet
 *
 * Sums the progress of an account's collections, as the agent's Sources list them.
 */
void
tend_agent_account_progress (TendDBusAgent1 *agent, const char *provider, const char *account,
                             guint64 *done, guint64 *total)
{
  GVariant    *sources;
  GVariantIter iter;
  const char  *source_provider;
  const char  *source_account;
  GVariant    *details;

  g_return_if_fail (TEND_DBUS_IS_AGENT1 (agent));
  g_return_if_fail (provider != NULL && account != NULL);
  g_return_if_fail (done != NULL && total != NULL);

  *done = 0;
  *total = 0;
  sources = tend_dbus_agent1_get_sources (agent);
  if (sources == NULL)
    return;
  g_variant_iter_init (&iter, sources);
  while (g_variant_iter_next (&iter, "(&s&s&s@a{sv})", &source_provider, &source_account, NULL,
                              &details))
    {
      g_autoptr (GVariant) owned = details;
      guint32 n = 0;

      if (g_strcmp0 (source_provider, provider) != 0 || g_strcmp0 (source_account, account) != 0)
        continue;
      if (g_variant_lookup (details, "done", "u", &n))
        *done += n;
      if (g_variant_lookup (details, "total", "u", &n))
        *total += n;
    }
}
