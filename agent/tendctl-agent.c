/* tendctl-agent.c: tendctl status, opt-in, opt-out, connect, disconnect, sync and sharing, through
 * the agent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "tend-dbus.h"
#include "tendctl.h"

/* The agent is started by D-Bus activation when it is not running yet. */
TendDBusAgent1 *
tendctl_connect_agent (GError **error)
{
  g_autoptr (GError) local_error = NULL;
  TendDBusAgent1 *agent;

  agent = tend_dbus_agent1_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                                   "dev.tend.Agent", "/dev/tend/Agent", NULL,
                                                   &local_error);
  if (agent == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 _ ("Cannot reach Tend’s agent on the session bus: %s"), local_error->message);
  return agent;
}

/* D-Bus errors carry their name before the message; a person needs the message. */
int
tendctl_report_agent_error (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  return tendctl_report_error (error);
}

static gboolean
parse_no_arguments (GOptionContext *context, const GOptionEntry *entries, int *argc, char ***argv,
                    int *status)
{
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, argc, argv, status))
    return FALSE;
  if (*argc > 1)
    {
      *status = tendctl_usage_error (context, _ ("This command takes no arguments"));
      return FALSE;
    }
  return TRUE;
}

/* Unix time as the user's local date and time; "never" for 0. */
static char *
format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup (_ ("never"));
  time = g_date_time_new_from_unix_local (unix_time);
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* A sync state of the agent's Accounts and Sources properties, in words. */
static const char *
describe_state (const char *state)
{
  static const struct
  {
    const char *key;
    const char *text;
  } states[] = {
    { "idle", N_ ("up to date") },
    { "syncing", N_ ("syncing") },
    { "waiting", N_ ("waiting to sync") },
    { "offline", N_ ("offline") },
    { "paused", N_ ("paused") },
    { "needs-sign-in", N_ ("sign in again with “tendctl connect”") },
    { "error", N_ ("the last sync failed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (state, states[i].key))
      return _ (states[i].text);
  return state;
}

static void
print_accounts (TendDBusAgent1 *agent)
{
  GVariant    *accounts = tend_dbus_agent1_get_accounts (agent);
  GVariant    *sources = tend_dbus_agent1_get_sources (agent);
  GVariantIter iter;
  const char  *provider, *name;
  GVariant    *details;

  if (accounts == NULL || g_variant_n_children (accounts) == 0)
    {
      g_print (_ ("No account is connected. Connect one with “tendctl connect PROVIDER”.\n"));
      return;
    }
  g_variant_iter_init (&iter, accounts);
  while (g_variant_iter_loop (&iter, "(&s&s@a{sv})", &provider, &name, &details))
    {
      const char      *state = "", *last_error = "", *s_provider, *s_name, *collection;
      gint64           last_sync = 0;
      g_autofree char *when = NULL;
      GVariantIter     source_iter;
      GVariant        *source_details;

      g_variant_lookup (details, "state", "&s", &state);
      g_variant_lookup (details, "last-sync", "x", &last_sync);
      g_variant_lookup (details, "last-error", "&s", &last_error);
      when = format_time (last_sync);
      /* TRANSLATORS: provider id, account, sync state (e.g. "idle"), date of the last sync */
      g_print (_ ("%s %s: %s, last synced %s\n"), provider, name, describe_state (state), when);
      if (*last_error != '\0')
        g_print (_ ("  Last error: %s\n"), last_error);

      g_variant_iter_init (&source_iter, sources);
      while (g_variant_iter_loop (&source_iter, "(&s&s&s@a{sv})", &s_provider, &s_name, &collection,
                                  &source_details))
        {
          const char *s_state = "";
          guint32     done = 0, total = 0;

          if (!g_str_equal (s_provider, provider) || !g_str_equal (s_name, name))
            continue;
          g_variant_lookup (source_details, "state", "&s", &s_state);
          g_variant_lookup (source_details, "done", "u", &done);
          g_variant_lookup (source_details, "total", "u", &total);
          if (g_str_equal (s_state, "syncing") && total > 0)
            g_print (_ ("  %s: syncing, %u of %u\n"), collection, done, total);
          else if (g_str_equal (s_state, "syncing"))
            g_print (_ ("  %s: syncing, %u so far\n"), collection, done);
          else
            g_print ("  %s: %s\n", collection, describe_state (s_state));
        }
    }
}

/* Whether anonymized figures are shared, and with whom. */
static void
print_sharing (TendDBusAgent1 *agent)
{
  GVariant        *sharing = tend_dbus_agent1_get_sharing (agent);
  const char      *organization = "", *collector = "";
  gboolean         enabled = FALSE;
  gint64           since = 0;
  g_autofree char *when = NULL;

  if (sharing != NULL)
    {
      g_variant_lookup (sharing, "organization", "&s", &organization);
      g_variant_lookup (sharing, "collector", "&s", &collector);
      g_variant_lookup (sharing, "enabled", "b", &enabled);
      g_variant_lookup (sharing, "since", "x", &since);
    }
  if (!enabled)
    {
      g_print (_ ("Sharing: off. Nothing leaves this computer.\n"));
      return;
    }
  when = format_time (since);
  if (*organization != '\0')
    /* TRANSLATORS: organization name, collector address, date consent was given */
    g_print (_ ("Sharing: on, anonymized weekly figures with %s at %s, since %s. Stop with "
                "“tendctl sharing off”.\n"),
             organization, collector, when);
  else
    /* TRANSLATORS: collector address, date consent was given */
    g_print (_ ("Sharing: on, anonymized weekly figures with %s, since %s. Stop with “tendctl "
                "sharing off”.\n"),
             collector, when);
}

int
tendctl_status (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("— show whether Tend collects, and its accounts"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  if (!parse_no_arguments (context, NULL, &argc, &argv, &status))
    return status;
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);

  if (!tend_dbus_agent1_get_opted_in (agent))
    {
      g_print (_ ("Not opted in: Tend reads and keeps nothing. Opt in with “tendctl opt-in”.\n"));
      return TENDCTL_EXIT_OK;
    }
  g_print (_ ("Opted in: Tend keeps your figures on this computer.\n"));
  if (tend_dbus_agent1_get_paused (agent))
    g_print (_ ("Collection is paused.\n"));
  print_sharing (agent);
  print_accounts (agent);
  return TENDCTL_EXIT_OK;
}

/* Only "off": consent is given by a person in Tend's window, after seeing what would be shared
 * and with whom (invariant 4), so no command switches sharing on. */
int
tendctl_sharing (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("off — stop sharing anonymized figures"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  g_option_context_set_summary (context,
                                _ ("Takes back your consent to share anonymized weekly figures "
                                   "with your organization. Only you can switch sharing on, in "
                                   "Tend’s window, after seeing what would be shared and with "
                                   "whom; there is no command for it."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || !g_str_equal (argv[1], "off"))
    return tendctl_usage_error (context, _ ("Only “tendctl sharing off” exists: switch sharing "
                                            "on in Tend’s window, where you see what would be "
                                            "shared and with whom"));
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_set_sharing_sync (agent, FALSE, "", "", "", NULL, &error))
    return tendctl_report_agent_error (error);
  g_print (_ ("Sharing is off. Nothing leaves this computer.\n"));
  return TENDCTL_EXIT_OK;
}

int
tendctl_opt_in (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— start keeping your figures"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  g_option_context_set_summary (context,
                                _ ("Tend reads your own mail and calendars only after you opt in, "
                                   "and keeps what it learns on this computer. Nothing is shared "
                                   "unless you switch sharing on yourself."));
  if (!parse_no_arguments (context, NULL, &argc, &argv, &status))
    return status;
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_opt_in_sync (agent, NULL, &error))
    return tendctl_report_agent_error (error);

  g_print (_ ("Opted in. Connect an account with “tendctl connect PROVIDER”, or import files "
              "with “tendctl import”.\n"));
  return TENDCTL_EXIT_OK;
}

int
tendctl_opt_out (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("— stop, sign out and delete everything Tend keeps"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  gboolean           yes = FALSE;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[]
      = { { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_ ("Do not ask for confirmation"), NULL },
          { NULL } };

  g_option_context_set_summary (context,
                                _ ("Opting out signs Tend out of every account (revoking its "
                                   "tokens), removes them from the keyring and deletes the "
                                   "database. To stop for a while instead, use “tendctl pause”."));
  if (!parse_no_arguments (context, entries, &argc, &argv, &status))
    return status;

  if (!yes)
    {
      char answer[64] = { 0 };

      g_print (_ ("Opting out deletes everything Tend has stored and signs out of every account. "
                  "It cannot be undone. Type “yes” to opt out: "));
      fflush (stdout);
      if (fgets (answer, sizeof answer, stdin) == NULL
          || g_ascii_strcasecmp (g_strstrip (answer), "yes") != 0)
        {
          g_print (_ ("Nothing was changed.\n"));
          return TENDCTL_EXIT_CANCELLED;
        }
    }

  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  /* Signing out of providers takes a moment: no D-Bus timeout. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (agent), G_MAXINT);
  if (!tend_dbus_agent1_call_opt_out_sync (agent, TRUE, NULL, &error))
    return tendctl_report_agent_error (error);

  g_print (_ ("Opted out: signed out of every account, and everything Tend stored is deleted.\n"));
  return TENDCTL_EXIT_OK;
}

static int
set_paused (int argc, char **argv, gboolean paused)
{
  g_autoptr (GOptionContext) context = g_option_context_new (
      paused ? _ ("— stop syncing until you resume") : _ ("— sync again after a pause"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  if (!parse_no_arguments (context, NULL, &argc, &argv, &status))
    return status;
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_set_paused_sync (agent, paused, NULL, &error))
    return tendctl_report_agent_error (error);
  g_print (paused ? _ ("Paused. What Tend kept stays; resume with “tendctl resume”.\n")
                  : _ ("Resumed.\n"));
  return TENDCTL_EXIT_OK;
}

int
tendctl_pause (const TendctlOptions *options, int argc, char **argv)
{
  return set_paused (argc, argv, TRUE);
}

int
tendctl_resume (const TendctlOptions *options, int argc, char **argv)
{
  return set_paused (argc, argv, FALSE);
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
device_code_cb (TendDBusAgent1 *agent, const char *provider, const char *user_code,
                const char *verification_uri, gint64 expires_at, gpointer user_data)
{
  g_autofree char *until = format_time (expires_at);

  g_print (_ ("To sign in, open %s on any device and enter the code %s (valid until %s).\n"),
           verification_uri, user_code, until);
}

int
tendctl_connect (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("PROVIDER — sign in to your own account"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = NULL;
  g_autoptr (GString) summary = g_string_new (NULL);
  GVariant          *providers;
  GVariantIter       iter;
  const char        *id, *name;
  gboolean           configured, device = FALSE;
  int                status = TENDCTL_EXIT_OK;
  Wait               wait = { NULL, NULL };
  const GOptionEntry entries[]
      = { { "device", 0, 0, G_OPTION_ARG_NONE, &device,
            N_ ("Sign in with a code on another device instead of this computer’s browser"), NULL },
          { NULL } };

  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);

  g_string_append (summary, _ ("Tend opens your browser to sign in to your own account; the "
                               "tokens are kept in your keyring. Providers:"));
  providers = tend_dbus_agent1_get_providers (agent);
  if (providers != NULL)
    {
      g_variant_iter_init (&iter, providers);
      while (g_variant_iter_next (&iter, "(&s&sb)", &id, &name, &configured))
        g_string_append_printf (summary, "\n  %-10s %s%s", id, name,
                                configured ? "" : _ (" (not set up on this computer)"));
    }
  g_option_context_set_summary (context, summary->str);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return tendctl_usage_error (context, _ ("Name one provider"));

  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  g_signal_connect (agent, "device-code", G_CALLBACK (device_code_cb), NULL);
  if (!device)
    g_print (_ ("Sign in in the browser window that opens…\n"));
  /* Signing in waits for a person: no D-Bus timeout. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (agent), G_MAXINT);
  tend_dbus_agent1_call_connect_account (agent, argv[1], device, NULL, wait_cb, &wait);
  g_main_loop_run (loop);
  if (!tend_dbus_agent1_call_connect_account_finish (agent, &account, wait.result, &error))
    {
      g_object_unref (wait.result);
      return tendctl_report_agent_error (error);
    }
  g_object_unref (wait.result);
  if (tend_dbus_agent1_get_paused (agent))
    g_print (_ ("Connected %s. Collection is paused: it syncs once you run “tendctl resume”.\n"),
             account);
  else
    g_print (_ ("Connected %s. The first sync has started; follow it with “tendctl status”.\n"),
             account);
  return TENDCTL_EXIT_OK;
}

int
tendctl_disconnect (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context
      = g_option_context_new (_ ("PROVIDER ACCOUNT — sign out and stop syncing an account"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  g_option_context_set_summary (context, _ ("Revokes Tend’s tokens for the account and removes "
                                            "them from the keyring. What was synced stays."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return tendctl_usage_error (context, _ ("Name a provider and an account"));
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (agent), G_MAXINT);
  if (!tend_dbus_agent1_call_disconnect_account_sync (agent, argv[1], argv[2], NULL, &error))
    return tendctl_report_agent_error (error);
  g_print (_ ("Disconnected %s.\n"), argv[2]);
  return TENDCTL_EXIT_OK;
}

/* Whether any account still syncs or waits to, and whether any failed. */
static gboolean
sync_running (TendDBusAgent1 *agent, gboolean *failed)
{
  GVariant    *accounts = tend_dbus_agent1_get_accounts (agent);
  GVariantIter iter;
  GVariant    *details;
  gboolean     running = FALSE;

  *failed = FALSE;
  if (accounts == NULL)
    return FALSE;
  g_variant_iter_init (&iter, accounts);
  while (g_variant_iter_loop (&iter, "(&s&s@a{sv})", NULL, NULL, &details))
    {
      const char *state = "";

      g_variant_lookup (details, "state", "&s", &state);
      running |= g_str_equal (state, "syncing") || g_str_equal (state, "waiting");
      *failed |= g_str_equal (state, "error") || g_str_equal (state, "needs-sign-in");
    }
  return running;
}

static void
owner_changed_cb (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static void
properties_changed_cb (GDBusProxy *proxy, GVariant *changed, const char *const *invalidated,
                       gpointer user_data)
{
  gboolean failed;

  if (!sync_running (TEND_DBUS_AGENT1 (proxy), &failed))
    g_main_loop_quit (user_data);
}

int
tendctl_sync (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— sync every account now"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *owner = NULL;
  gboolean           wait = FALSE, failed = FALSE;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[] = { { "wait", 'w', 0, G_OPTION_ARG_NONE, &wait,
                                     N_ ("Wait until the sync has finished"), NULL },
                                   { NULL } };

  if (!parse_no_arguments (context, entries, &argc, &argv, &status))
    return status;
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_sync_now_sync (agent, NULL, &error))
    return tendctl_report_agent_error (error);
  if (!wait)
    {
      g_print (_ ("Syncing. Follow it with “tendctl status”.\n"));
      return TENDCTL_EXIT_OK;
    }

  /* SyncNow has queued every account by the time it returns; the properties say when the
   * queue is empty again. */
  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (agent, "g-properties-changed", G_CALLBACK (properties_changed_cb), loop);
  g_signal_connect (agent, "notify::g-name-owner", G_CALLBACK (owner_changed_cb), loop);
  /* The agent sent the new states before its reply: let the proxy take them in. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (sync_running (agent, &failed))
    g_main_loop_run (loop);
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (agent));
  if (owner == NULL)
    {
      g_printerr (_ ("Tend’s agent stopped during the sync; see “tendctl status”.\n"));
      return TENDCTL_EXIT_FAILURE;
    }
  sync_running (agent, &failed);
  print_accounts (agent);
  return failed ? TENDCTL_EXIT_FAILURE : TENDCTL_EXIT_OK;
}
