/* tend-agent.c: the per-user agent service
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * The agent answers dev.tend.Agent1 on the session bus and shows the tray icon. Before the user
 * opts in that is all it does (invariant 1): no network, no database, no user file but its own
 * state. After opt-in it keeps the connected accounts in sync through a TendSyncScheduler, the
 * database's single writer.
 */
#define G_LOG_DOMAIN "tend-agent"

#include "config.h"

#include <errno.h>
#include <gio/gdesktopappinfo.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "tend-account.h"
#include "tend-agent.h"
#include "tend-dbus.h"
#include "tend-notifier.h"
#include "tend-org-config.h"
#include "tend-settings.h"
#include "tend-store.h"
#include "tend-sync-scheduler.h"
#include "tend-token-store.h"
#include "tend-tray.h"

#define AGENT_OBJECT_PATH "/dev/tend/Agent"
#define TEND_APP_ID "dev.tend.Tend"
#define STATE_GROUP "agent"
#define STATE_OPTED_IN "opted-in"
#define STATE_PAUSED "paused"
#define STATE_ACCOUNTS "accounts"
#define STATE_DELETING "deleting"

struct _TendAgent
{
  GApplication parent_instance;

  TendDBusAgent1 *skeleton;
  char           *state_path; /* $XDG_CONFIG_HOME/tend/agent.ini: opt-in, pause, accounts */
  TendOrgConfig  *config;
  TendTray       *tray;
  TendNotifier   *notifier;

  /* Only while opted in */
  TendStore         *store;
  TendSyncScheduler *scheduler;
  GSettings         *settings;
  GError            *start_error; /* why the database could not be opened, if it could not */
  GCancellable      *connecting;  /* non-NULL while a sign-in runs */

  /* Opting out: until every token and file is gone, agent.ini says so, and a restart resumes */
  gboolean   opting_out;
  gboolean   deletion_pending; /* the last opt-out could not remove everything */
  GPtrArray *leaving;          /* (element-type TendAccount): the accounts to sign out of */
  gboolean   quit_when_done;
  guint      sigterm_id;
  guint      sigint_id;
};

G_DEFINE_FINAL_TYPE (TendAgent, tend_agent, G_TYPE_APPLICATION)

static const GDBusErrorEntry agent_error_entries[] = {
  { TEND_AGENT_ERROR_FAILED, "dev.tend.Agent1.Error.Failed" },
  { TEND_AGENT_ERROR_NOT_OPTED_IN, "dev.tend.Agent1.Error.NotOptedIn" },
  { TEND_AGENT_ERROR_BUSY, "dev.tend.Agent1.Error.Busy" },
  { TEND_AGENT_ERROR_NOT_CONFIGURED, "dev.tend.Agent1.Error.NotConfigured" },
  { TEND_AGENT_ERROR_UNKNOWN_ACCOUNT, "dev.tend.Agent1.Error.UnknownAccount" },
  { TEND_AGENT_ERROR_PAUSED, "dev.tend.Agent1.Error.Paused" },
};

GQuark
tend_agent_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("tend-agent-error-quark", &quark, agent_error_entries,
                                      G_N_ELEMENTS (agent_error_entries));
  return (GQuark) quark;
}

static void update_tray (TendAgent *self);

static gboolean
is_opted_in (TendAgent *self)
{
  return tend_dbus_agent1_get_opted_in (self->skeleton);
}

/* Refuses a method call before opt-in, in words that say what to do. */
static gboolean
require_opted_in (TendAgent *self, GDBusMethodInvocation *invocation)
{
  if (is_opted_in (self) && !self->opting_out)
    return TRUE;
  g_dbus_method_invocation_return_error_literal (
      invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
      _ ("Tend reads nothing until you opt in. Opt in first, then try again."));
  return FALSE;
}

/* Refuses a call that needs the database when it could not be opened. */
static gboolean
require_collecting (TendAgent *self, GDBusMethodInvocation *invocation)
{
  if (!require_opted_in (self, invocation))
    return FALSE;
  if (self->scheduler != NULL)
    return TRUE;
  g_dbus_method_invocation_return_error (
      invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
      _ ("Tend could not open its database (%s). Fix that, then opt in again."),
      self->start_error != NULL ? self->start_error->message : _ ("unknown error"));
  return FALSE;
}

/* State file */

static GKeyFile *
load_state (TendAgent *self)
{
  GKeyFile *state = g_key_file_new ();

  /* A missing or unreadable file means a fresh start: not opted in. */
  g_key_file_load_from_file (state, self->state_path, G_KEY_FILE_NONE, NULL);
  return state;
}

/* Accounts are kept as "provider:name", the name being an email address. */
static gboolean
save_state (TendAgent *self, GError **error)
{
  g_autoptr (GKeyFile) state = g_key_file_new ();
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;
  g_autofree char *dir = g_path_get_dirname (self->state_path);
  g_autofree char *data = NULL;
  gsize            length;
  int              saved_errno;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                   _ ("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  g_key_file_set_boolean (state, STATE_GROUP, STATE_OPTED_IN, is_opted_in (self));
  g_key_file_set_boolean (state, STATE_GROUP, STATE_PAUSED,
                          tend_dbus_agent1_get_paused (self->skeleton));
  g_key_file_set_boolean (state, STATE_GROUP, STATE_DELETING,
                          self->opting_out || self->deletion_pending);
  /* While opting out, the accounts still to sign out of: a restart finishes the job. */
  if (self->opting_out || self->deletion_pending)
    accounts = g_ptr_array_ref (self->leaving);
  else if (self->scheduler != NULL)
    accounts = tend_sync_scheduler_dup_accounts (self->scheduler);
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      TendAccount     *account = g_ptr_array_index (accounts, i);
      g_autofree char *key
          = g_strconcat (tend_provider_get_id (tend_account_get_provider (account)), ":",
                         tend_account_get_name (account), NULL);

      g_strv_builder_add (names, key);
    }
  list = g_strv_builder_end (names);
  g_key_file_set_string_list (state, STATE_GROUP, STATE_ACCOUNTS, (const char *const *) list,
                              g_strv_length (list));

  /* It names the user's accounts: readable by the user alone. */
  data = g_key_file_to_data (state, &length, NULL);
  return g_file_set_contents_full (self->state_path, data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

static void
save_state_or_warn (TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  if (!save_state (self, &error))
    g_warning ("Could not save the agent's state: %s", error->message);
}

/* Providers */

static GVariant *
describe_providers (TendAgent *self)
{
  g_auto (GStrv) ids = tend_provider_list_ids ();
  GVariantBuilder providers;

  g_variant_builder_init (&providers, G_VARIANT_TYPE ("a(ssb)"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr (TendProvider) provider = NULL;
      g_autoptr (GError) error = NULL;

      if (self->config != NULL)
        provider = tend_provider_new (ids[i], self->config, &error);
      g_variant_builder_add (&providers, "(ssb)", ids[i],
                             provider != NULL ? tend_provider_get_name (provider) : ids[i],
                             provider != NULL);
    }
  return g_variant_builder_end (&providers);
}

/* Opening Tend's window */

/* The window is a separate application; without it (a minimal install) there is nothing to
 * open, and the tray and notifications still work. */
static gboolean
open_tend (TendAgent *self, const char *action, GVariant *parameter)
{
  g_autoptr (GDesktopAppInfo) info = g_desktop_app_info_new (TEND_APP_ID ".desktop");
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (self));
  g_autoptr (GError) error = NULL;
  GVariantBuilder parameters;

  if (info == NULL)
    {
      g_message ("Tend’s window is not installed");
      return FALSE;
    }
  if (action == NULL || connection == NULL)
    {
      if (!g_app_info_launch (G_APP_INFO (info), NULL, NULL, &error))
        g_warning ("Could not open Tend: %s", error->message);
      return error == NULL;
    }

  /* org.freedesktop.Application starts the window by D-Bus activation if needed. */
  g_variant_builder_init (&parameters, G_VARIANT_TYPE ("av"));
  if (parameter != NULL)
    g_variant_builder_add (&parameters, "v", parameter);
  g_dbus_connection_call (connection, TEND_APP_ID, "/dev/tend/Tend", "org.freedesktop.Application",
                          "ActivateAction", g_variant_new ("(sava{sv})", action, &parameters, NULL),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  return TRUE;
}

/* Collecting */

static void
scheduler_changed_cb (TendSyncScheduler *scheduler, TendAgent *self)
{
  tend_dbus_agent1_set_accounts (self->skeleton, tend_sync_scheduler_describe_accounts (scheduler));
  tend_dbus_agent1_set_sources (self->skeleton, tend_sync_scheduler_describe_sources (scheduler));
  update_tray (self);
}

static void
scheduler_data_changed_cb (TendSyncScheduler *scheduler, TendAgent *self)
{
  tend_dbus_agent1_emit_data_changed (self->skeleton);
}

static void
scheduler_sign_in_needed_cb (TendSyncScheduler *scheduler, TendAccount *account, TendAgent *self)
{
  tend_notifier_sign_in_expired (self->notifier,
                                 tend_provider_get_id (tend_account_get_provider (account)),
                                 tend_account_get_name (account));
}

static void
scheduler_first_sync_done_cb (TendSyncScheduler *scheduler, TendAccount *account, guint messages,
                              guint events, TendAgent *self)
{
  tend_notifier_first_sync (self->notifier, tend_account_get_name (account), messages, events);
}

static void
sync_interval_changed_cb (GSettings *settings, const char *key, TendAgent *self)
{
  tend_sync_scheduler_set_interval (self->scheduler,
                                    60 * g_settings_get_uint (settings, "sync-interval-minutes"));
}

/* The accounts agent.ini names, as TendAccounts; a provider that is no longer configured is
 * skipped. */
static GPtrArray *
load_saved_accounts (TendAgent *self, GKeyFile *state)
{
  g_auto (GStrv) keys = g_key_file_get_string_list (state, STATE_GROUP, STATE_ACCOUNTS, NULL, NULL);
  GPtrArray *accounts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (keys[i], ":", 2);
      g_autoptr (TendProvider) provider = NULL;
      g_autoptr (GError) error = NULL;

      if (g_strv_length (parts) != 2 || self->config == NULL)
        continue;
      provider = tend_provider_new (parts[0], self->config, &error);
      if (provider == NULL)
        {
          g_warning ("Cannot use a saved %s account: %s", parts[0], error->message);
          continue;
        }
      g_ptr_array_add (accounts, tend_account_new (provider, parts[1]));
    }
  return accounts;
}

/* Opens the database and starts syncing: at start-up when opted in, and on opt-in. */
/* Opens the database and starts syncing: at start-up when opted in, and on opt-in. */
static gboolean
start_collecting (TendAgent *self, GKeyFile *state, GError **error)
{
  g_autofree char *path = tend_store_get_default_path ();
  g_autoptr (GPtrArray) accounts = NULL;

  if (self->store != NULL)
    return TRUE;
  g_clear_error (&self->start_error);
  self->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, error);
  if (self->store == NULL)
    {
      self->start_error = g_error_copy (*error);
      return FALSE;
    }

  self->scheduler = tend_sync_scheduler_new (self->store);
  g_signal_connect (self->scheduler, "changed", G_CALLBACK (scheduler_changed_cb), self);
  g_signal_connect (self->scheduler, "data-changed", G_CALLBACK (scheduler_data_changed_cb), self);
  g_signal_connect (self->scheduler, "sign-in-needed", G_CALLBACK (scheduler_sign_in_needed_cb),
                    self);
  g_signal_connect (self->scheduler, "first-sync-done", G_CALLBACK (scheduler_first_sync_done_cb),
                    self);

  /* Without the schema (a build tree), the scheduler's default interval applies. */
  self->settings = tend_settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_signal_connect (self->settings, "changed::sync-interval-minutes",
                        G_CALLBACK (sync_interval_changed_cb), self);
      sync_interval_changed_cb (self->settings, NULL, self);
    }

  tend_sync_scheduler_set_paused (self->scheduler, tend_dbus_agent1_get_paused (self->skeleton));
  if (state != NULL)
    {
      accounts = load_saved_accounts (self, state);
      for (guint i = 0; i < accounts->len; i++)
        tend_sync_scheduler_add_account (self->scheduler, g_ptr_array_index (accounts, i));
    }
  tend_notifier_set_store (self->notifier, self->store);
  tend_sync_scheduler_sync_now (self->scheduler);
  return TRUE;
}

/* Stops syncing and lets go of the database. The notifier goes first: its digest may still be
 * reading. */
static void
stop_collecting (TendAgent *self)
{
  tend_notifier_set_store (self->notifier, NULL);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  tend_dbus_agent1_set_accounts (self->skeleton, tend_sync_scheduler_describe_accounts (NULL));
  tend_dbus_agent1_set_sources (self->skeleton, tend_sync_scheduler_describe_sources (NULL));
}

static gboolean
opt_in (TendAgent *self, GError **error)
{
  if (self->opting_out)
    {
      g_set_error_literal (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_BUSY,
                           _ ("Tend is still deleting what it kept. Try again in a moment."));
      return FALSE;
    }
  if (self->deletion_pending)
    {
      g_set_error_literal (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                           _ ("Tend could not finish deleting what it kept when you opted out. "
                              "Opt out again to finish, then opt in."));
      return FALSE;
    }
  /* Opted in but without a database (it could not be opened at start-up): try again. */
  if (is_opted_in (self) && self->store != NULL)
    return TRUE;

  tend_dbus_agent1_set_opted_in (self->skeleton, TRUE);
  if (!save_state (self, error) || !start_collecting (self, NULL, error))
    {
      tend_dbus_agent1_set_opted_in (self->skeleton, FALSE);
      save_state_or_warn (self);
      return FALSE;
    }
  update_tray (self);
  return TRUE;
}

/* Opting out (invariant 8): stop, revoke and remove every token, delete the database and the
 * cache. agent.ini says "deleting" until all of it is done, so that a quit, a logout or a crash
 * half-way only delays it: the next start finishes the job. */

typedef struct
{
  TendAgent             *self;
  GDBusMethodInvocation *invocation;    /* owned until answered; NULL when not asked over D-Bus */
  GError                *keyring_error; /* the first token that could not be removed */
  guint                  pending;
} OptOut;

static void
opt_out_free (OptOut *data)
{
  g_clear_error (&data->keyring_error);
  g_application_release (G_APPLICATION (data->self));
  g_free (data);
}

/* Removes @path and everything below it; what is already gone is no error. */
static gboolean
delete_tree (GFile *file, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) local_error = NULL;
  GFileInfo *info;
  GFile     *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  while (children != NULL)
    {
      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;
      if (!delete_tree (child, error))
        return FALSE;
    }
  /* Not a folder, or not there: g_file_delete says which matters. */
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
opt_out_finish (OptOut *data)
{
  TendAgent       *self = data->self;
  g_autofree char *path = tend_store_get_default_path ();
  g_autofree char *cache_path = g_build_filename (g_get_user_cache_dir (), "tend", NULL);
  g_autoptr (GFile) cache = g_file_new_for_path (cache_path);
  g_autoptr (GError) error = NULL;

  if (!tend_store_delete_files (path, &error) || !delete_tree (cache, &error))
    g_warning ("Could not delete what Tend kept: %s", error->message);
  tend_notifier_withdraw_all (self->notifier);

  self->opting_out = FALSE;
  self->deletion_pending = error != NULL || data->keyring_error != NULL;
  if (!self->deletion_pending)
    g_ptr_array_set_size (self->leaving, 0);
  save_state_or_warn (self);
  update_tray (self);

  if (data->invocation != NULL)
    {
      if (error != NULL)
        g_dbus_method_invocation_return_error (
            g_steal_pointer (&data->invocation), TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
            _ ("Tend stopped, but could not delete what it kept (%s). Opt out again to retry."),
            error->message);
      else if (data->keyring_error != NULL)
        g_dbus_method_invocation_return_error (
            g_steal_pointer (&data->invocation), TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
            _ ("Tend deleted what it kept, but could not remove its sign-in from your keyring "
               "(%s). Unlock the keyring, then opt out again."),
            data->keyring_error->message);
      else
        tend_dbus_agent1_complete_opt_out (self->skeleton, g_steal_pointer (&data->invocation));
    }
  if (self->quit_when_done)
    g_application_quit (G_APPLICATION (self));
  opt_out_free (data);
}

/* The database goes only once nothing holds it open: when the last reference to the store is
 * dropped (a digest may still be reading), its finalization closes the connection, and this idle
 * runs after that. */
static gboolean
store_released_cb (gpointer user_data)
{
  opt_out_finish (user_data);
  return G_SOURCE_REMOVE;
}

static void
store_gone_cb (gpointer user_data, GObject *where_the_object_was)
{
  OptOut  *data = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, store_released_cb, data, NULL);
  g_source_attach (source, g_main_context_default ());
  g_source_unref (source);
}

static void
opt_out_release_store (OptOut *data)
{
  TendAgent *self = data->self;

  if (self->store == NULL)
    {
      opt_out_finish (data);
      return;
    }
  g_object_weak_ref (G_OBJECT (self->store), store_gone_cb, data);
  stop_collecting (self);
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
  opt_out_release_store (data);
}

static void
opt_out_account_disconnected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OptOut *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!tend_account_disconnect_finish (TEND_ACCOUNT (source), result, &error))
    opt_out_keep_error (data, error);
  if (--data->pending > 0)
    return;
  /* Whatever a failed revocation left behind, no Tend token stays in the keyring. */
  tend_token_store_clear_all_async (NULL, opt_out_tokens_cleared_cb, data);
}

/* Revokes and removes the tokens of every account being left, then all of Tend's. */
static void
opt_out_sign_out (OptOut *data)
{
  GPtrArray *accounts = data->self->leaving;

  data->pending = accounts->len;
  if (data->pending == 0)
    {
      tend_token_store_clear_all_async (NULL, opt_out_tokens_cleared_cb, data);
      return;
    }
  for (guint i = 0; i < accounts->len; i++)
    tend_account_disconnect_async (g_ptr_array_index (accounts, i), NULL,
                                   opt_out_account_disconnected_cb, data);
}

static void
opt_out_stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!tend_sync_scheduler_stop_finish (TEND_SYNC_SCHEDULER (source), result, &error))
    g_warning ("Stopping the sync: %s", error->message);
  opt_out_sign_out (user_data);
}

/* @accounts: the accounts to sign out of when resuming an opt-out at start-up; otherwise those
 * the scheduler syncs. */
static void
opt_out (TendAgent *self, GDBusMethodInvocation *invocation, GPtrArray *accounts)
{
  g_autoptr (GPtrArray) syncing = NULL;
  OptOut *data = g_new0 (OptOut, 1);

  data->self = self;
  data->invocation = invocation;
  g_application_hold (G_APPLICATION (self));

  /* Collection stops now: the state says so before anything is deleted. A later opt-in starts
   * afresh, unpaused. */
  tend_dbus_agent1_set_opted_in (self->skeleton, FALSE);
  tend_dbus_agent1_set_paused (self->skeleton, FALSE);
  g_simple_action_set_state (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "pause")),
      g_variant_new_boolean (FALSE));
  self->opting_out = TRUE;
  g_cancellable_cancel (self->connecting);
  if (accounts == NULL && self->scheduler != NULL)
    syncing = tend_sync_scheduler_dup_accounts (self->scheduler);
  /* A retry after a failure keeps the accounts still to sign out of. */
  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    g_ptr_array_add (self->leaving, g_object_ref (g_ptr_array_index (accounts, i)));
  for (guint i = 0; syncing != NULL && i < syncing->len; i++)
    g_ptr_array_add (self->leaving, g_object_ref (g_ptr_array_index (syncing, i)));
  save_state_or_warn (self);
  update_tray (self);

  if (self->scheduler != NULL)
    tend_sync_scheduler_stop_async (self->scheduler, opt_out_stopped_cb, data);
  else
    opt_out_sign_out (data);
}

/* Pause */

static void
set_paused (TendAgent *self, gboolean paused)
{
  tend_dbus_agent1_set_paused (self->skeleton, paused);
  if (self->scheduler != NULL)
    tend_sync_scheduler_set_paused (self->scheduler, paused);
  g_simple_action_set_state (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "pause")),
      g_variant_new_boolean (paused));
  save_state_or_warn (self);
  update_tray (self);
}

/* Connecting an account */

typedef struct
{
  TendAgent             *self;
  GDBusMethodInvocation *invocation; /* NULL when the notification's button started it */
  char                  *provider_id;
  guint                  caller_watch;
} Connect;

/* Whoever asked for the sign-in went away (tendctl stopped with Ctrl-C): stop waiting for it. */
static void
caller_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Connect *data = user_data;

  g_cancellable_cancel (data->self->connecting);
}

static void
connect_free (Connect *data)
{
  if (data->caller_watch != 0)
    g_bus_unwatch_name (data->caller_watch);
  g_free (data->provider_id);
  g_application_release (G_APPLICATION (data->self));
  g_free (data);
}

static void
device_code_cb (const char *user_code, const char *verification_uri, gint64 expires_at,
                gpointer user_data)
{
  Connect *data = user_data;

  tend_dbus_agent1_emit_device_code (data->self->skeleton, data->provider_id, user_code,
                                     verification_uri, expires_at);
}

static void
sign_in_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connect   *data = user_data;
  TendAgent *self = data->self;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendAccount) previous = NULL;
  g_autoptr (GError) error = NULL;

  account = tend_account_sign_in_finish (result, &error);
  g_clear_object (&self->connecting);

  if ((account != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      && self->scheduler == NULL)
    {
      g_clear_error (&error);
      g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                           _ ("You opted out while signing in; the sign-in was stopped and "
                              "nothing was kept."));
    }
  if (error != NULL)
    {
      if (account != NULL)
        tend_account_disconnect_async (account, NULL, NULL, NULL);
      if (data->invocation != NULL)
        {
          if (error->domain == TEND_AGENT_ERROR)
            g_dbus_method_invocation_return_gerror (g_steal_pointer (&data->invocation), error);
          else
            g_dbus_method_invocation_return_error (
                g_steal_pointer (&data->invocation), TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                _ ("Signing in did not work: %s"), error->message);
        }
      else
        g_message ("Signing in did not work: %s", error->message);
      connect_free (data);
      return;
    }

  /* Signing in again replaces the account, and with it a "needs sign-in" state. */
  previous = tend_sync_scheduler_remove_account (
      self->scheduler, tend_provider_get_id (tend_account_get_provider (account)),
      tend_account_get_name (account));
  tend_sync_scheduler_add_account (self->scheduler, account);
  save_state_or_warn (self);
  if (data->invocation != NULL)
    tend_dbus_agent1_complete_connect_account (self->skeleton, g_steal_pointer (&data->invocation),
                                               tend_account_get_name (account));
  tend_sync_scheduler_sync_now (self->scheduler);
  connect_free (data);
}

static gboolean
start_connect (TendAgent *self, const char *provider_id, gboolean device,
               GDBusMethodInvocation *invocation, GError **error)
{
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (GError) local_error = NULL;
  Connect *data;

  if (self->connecting != NULL)
    {
      g_set_error_literal (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_BUSY,
                           _ ("Another sign-in is under way. Finish it in the browser, or "
                              "wait a few minutes and try again."));
      return FALSE;
    }
  if (self->config == NULL
      || (provider = tend_provider_new (provider_id, self->config, &local_error)) == NULL)
    {
      g_set_error (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_CONFIGURED, "%s",
                   local_error != NULL ? local_error->message
                                       : _ ("Tend’s organization settings could not be read."));
      return FALSE;
    }
  if (device && !tend_provider_get_device_flow (provider))
    {
      g_set_error (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_CONFIGURED,
                   _ ("%s does not offer sign-in with a code on another device."),
                   tend_provider_get_name (provider));
      return FALSE;
    }

  data = g_new0 (Connect, 1);
  data->self = self;
  data->invocation = invocation;
  data->provider_id = g_strdup (provider_id);
  g_application_hold (G_APPLICATION (self));
  self->connecting = g_cancellable_new ();
  if (invocation != NULL)
    data->caller_watch = g_bus_watch_name_on_connection (
        g_dbus_method_invocation_get_connection (invocation),
        g_dbus_method_invocation_get_sender (invocation), G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
        caller_vanished_cb, data, NULL);
  tend_account_sign_in_async (provider, device ? device_code_cb : NULL, data, self->connecting,
                              sign_in_done_cb, data);
  return TRUE;
}

/* D-Bus methods */

static gboolean
handle_opt_in_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  if (!opt_in (self, &error))
    {
      g_dbus_method_invocation_return_error_literal (invocation, TEND_AGENT_ERROR,
                                                     TEND_AGENT_ERROR_FAILED, error->message);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  tend_dbus_agent1_complete_opt_in (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_opt_out_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, gboolean confirmed,
                   TendAgent *self)
{
  if (!confirmed)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
          _ ("Opting out deletes everything Tend keeps and signs out of every account. "
             "To stop collecting for a while and keep your history, pause instead."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (self->opting_out)
    {
      g_dbus_method_invocation_return_error_literal (invocation, TEND_AGENT_ERROR,
                                                     TEND_AGENT_ERROR_BUSY,
                                                     _ ("Tend is already deleting what it kept."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  opt_out (self, invocation, NULL);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_paused_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, gboolean paused,
                      TendAgent *self)
{
  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  set_paused (self, paused);
  tend_dbus_agent1_complete_set_paused (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_connect_account_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                           const char *provider_id, gboolean device, TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (!start_connect (self, provider_id, device, invocation, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct
{
  TendAgent             *self;
  GDBusMethodInvocation *invocation;
} Call;

static void
disconnect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call        *call = user_data;
  TendAgent   *self = call->self;
  TendAccount *account = TEND_ACCOUNT (source);
  g_autoptr (GError) error = NULL;

  if (tend_account_disconnect_finish (account, result, &error))
    tend_dbus_agent1_complete_disconnect_account (self->skeleton, call->invocation);
  else
    {
      /* The tokens are still in the keyring: keep the account, so that a retry can remove them. */
      if (self->scheduler != NULL)
        {
          tend_sync_scheduler_add_account (self->scheduler, account);
          save_state_or_warn (self);
        }
      g_dbus_method_invocation_return_error (
          call->invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
          _ ("Tend could not remove the account’s sign-in from your keyring (%s). Unlock the "
             "keyring, then disconnect again."),
          error->message);
    }
  g_application_release (G_APPLICATION (self));
  g_free (call);
}

static gboolean
handle_disconnect_account_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                              const char *provider_id, const char *name, TendAgent *self)
{
  g_autoptr (TendAccount) account = NULL;
  Call *call;

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  account = tend_sync_scheduler_remove_account (self->scheduler, provider_id, name);
  if (account == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, TEND_AGENT_ERROR,
                                             TEND_AGENT_ERROR_UNKNOWN_ACCOUNT,
                                             _ ("No account %s is connected."), name);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  save_state_or_warn (self);

  call = g_new0 (Call, 1);
  call->self = self;
  call->invocation = invocation;
  g_application_hold (G_APPLICATION (self));
  tend_account_disconnect_async (account, NULL, disconnect_done_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_sync_now_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, TendAgent *self)
{
  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (tend_dbus_agent1_get_paused (skeleton))
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_PAUSED,
          _ ("Collection is paused. Resume it to sync."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  tend_sync_scheduler_sync_now (self->scheduler);
  /* The new states go out before the reply, so a caller that waits sees them first. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (skeleton));
  tend_dbus_agent1_complete_sync_now (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static GVariant *
summary_to_variant (const TendImportReport *report)
{
  GVariantBuilder summary, skipped;

  g_variant_builder_init (&skipped, G_VARIANT_TYPE ("a{su}"));
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    if (report->skipped[i] > 0)
      g_variant_builder_add (&skipped, "{su}", tend_skip_reason_get_key (i), report->skipped[i]);

  g_variant_builder_init (&summary, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&summary, "{sv}", "messages_added",
                         g_variant_new_uint32 (report->messages_added));
  g_variant_builder_add (&summary, "{sv}", "messages_unchanged",
                         g_variant_new_uint32 (report->messages_unchanged));
  g_variant_builder_add (&summary, "{sv}", "events_added",
                         g_variant_new_uint32 (report->events_added));
  g_variant_builder_add (&summary, "{sv}", "events_unchanged",
                         g_variant_new_uint32 (report->events_unchanged));
  g_variant_builder_add (&summary, "{sv}", "events_removed",
                         g_variant_new_uint32 (report->events_removed));
  g_variant_builder_add (&summary, "{sv}", "skipped", g_variant_builder_end (&skipped));
  return g_variant_builder_end (&summary);
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (TendImportReport) report = NULL;
  g_autoptr (GError) error = NULL;

  report = tend_sync_scheduler_import_finish (TEND_SYNC_SCHEDULER (source), result, &error);
  if (report == NULL)
    g_dbus_method_invocation_return_error_literal (call->invocation, TEND_AGENT_ERROR,
                                                   TEND_AGENT_ERROR_FAILED, error->message);
  else
    {
      if (report->messages_added + report->events_added + report->events_removed > 0)
        tend_dbus_agent1_emit_data_changed (call->self->skeleton);
      tend_dbus_agent1_complete_import (call->self->skeleton, call->invocation,
                                        summary_to_variant (report));
    }
  g_application_release (G_APPLICATION (call->self));
  g_free (call);
}

static gboolean
handle_import_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *const *paths, TendAgent *self)
{
  Call *call;

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  call = g_new0 (Call, 1);
  call->self = self;
  call->invocation = invocation;
  g_application_hold (G_APPLICATION (self));
  tend_sync_scheduler_import_async (self->scheduler, paths, import_done_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Application actions: the tray menu and the notifications' buttons */

static void
update_tray (TendAgent *self)
{
  GActionMap      *actions = G_ACTION_MAP (self);
  gboolean         opted_in = is_opted_in (self);
  gboolean         paused = tend_dbus_agent1_get_paused (self->skeleton);
  TendSyncState    state = TEND_SYNC_STATE_IDLE;
  guint            done = 0, total = 0;
  g_autofree char *detail = NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (actions, "opt-in")),
                               !opted_in && !self->opting_out);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (actions, "pause")),
                               opted_in);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (actions, "sync-now")),
                               opted_in && !paused);
  if (self->tray == NULL)
    return;

  if (!opted_in)
    {
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_NOT_OPTED_IN, NULL);
      return;
    }
  if (self->scheduler != NULL)
    state = tend_sync_scheduler_get_overall_state (self->scheduler, &done, &total);
  switch (state)
    {
    case TEND_SYNC_STATE_NEEDS_SIGN_IN:
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_NEEDS_ATTENTION,
                           _ ("Sign in again to keep your figures up to date"));
      break;
    case TEND_SYNC_STATE_ERROR:
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_NEEDS_ATTENTION,
                           _ ("The last sync did not work; Tend will try again"));
      break;
    case TEND_SYNC_STATE_PAUSED:
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_PAUSED, _ ("Collection is paused"));
      break;
    case TEND_SYNC_STATE_SYNCING:
    case TEND_SYNC_STATE_WAITING:
      if (total > 0)
        detail = g_strdup_printf (_ ("Syncing: %u of %u"), done, total);
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_SYNCING,
                           detail != NULL ? detail : _ ("Syncing"));
      break;
    case TEND_SYNC_STATE_OFFLINE:
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_UP_TO_DATE,
                           _ ("Offline: Tend syncs when the network is back"));
      break;
    case TEND_SYNC_STATE_IDLE:
    default:
      tend_tray_set_state (self->tray, TEND_TRAY_STATE_UP_TO_DATE, _ ("Up to date"));
      break;
    }
}

static void
open_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_tend (TEND_AGENT (user_data), NULL, NULL);
}

/* Tend's window explains what opting in means; without it, a notification does, and only its
 * button opts in. */
static void
opt_in_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendAgent *self = TEND_AGENT (user_data);

  if (!open_tend (self, NULL, NULL))
    tend_notifier_invite_opt_in (self->notifier);
}

static void
confirm_opt_in_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!opt_in (TEND_AGENT (user_data), &error))
    g_warning ("Could not opt in: %s", error->message);
}

static void
pause_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  set_paused (TEND_AGENT (user_data), g_variant_get_boolean (value));
}

static void
sync_now_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendAgent *self = TEND_AGENT (user_data);

  if (self->scheduler != NULL)
    tend_sync_scheduler_sync_now (self->scheduler);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendAgent *self = TEND_AGENT (user_data);

  /* An opt-out under way finishes first: it would otherwise leave tokens behind until the next
   * start. */
  if (self->opting_out)
    self->quit_when_done = TRUE;
  else
    g_application_quit (G_APPLICATION (self));
}

static void
open_week_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_tend (TEND_AGENT (user_data), "show-week", parameter);
}

static void
connect_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendAgent *self = TEND_AGENT (user_data);
  g_autoptr (GError) error = NULL;

  if (is_opted_in (self)
      && !start_connect (self, g_variant_get_string (parameter, NULL), FALSE, NULL, &error))
    g_message ("Cannot sign in: %s", error->message);
}

/* SIGTERM (logout, systemctl stop) and SIGINT quit as the tray's Quit does. */
static gboolean
terminate_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "open", open_activated, NULL, NULL, NULL },
  { "opt-in", opt_in_activated, NULL, NULL, NULL },
  { "confirm-opt-in", confirm_opt_in_activated, NULL, NULL, NULL },
  { "pause", NULL, NULL, "false", pause_change_state },
  { "sync-now", sync_now_activated, NULL, NULL, NULL },
  { "quit", quit_activated, NULL, NULL, NULL },
  { "open-week", open_week_activated, "s", NULL, NULL },
  { "connect", connect_activated, "s", NULL, NULL },
};

/* GApplication */

static gboolean
tend_agent_dbus_register (GApplication *application, GDBusConnection *connection,
                          const char *object_path, GError **error)
{
  TendAgent *self = TEND_AGENT (application);
  g_autoptr (GError) local_error = NULL;

  if (!G_APPLICATION_CLASS (tend_agent_parent_class)
           ->dbus_register (application, connection, object_path, error))
    return FALSE;
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                         AGENT_OBJECT_PATH, error))
    return FALSE;

  /* Without a tray the agent still works: the window opens from the app grid. */
  self->tray = tend_tray_new (application);
  if (!tend_tray_export (self->tray, connection, &local_error))
    g_warning ("No tray icon: %s", local_error->message);
  return TRUE;
}

static void
tend_agent_dbus_unregister (GApplication *application, GDBusConnection *connection,
                            const char *object_path)
{
  TendAgent *self = TEND_AGENT (application);

  if (self->tray != NULL)
    tend_tray_unexport (self->tray);
  g_clear_object (&self->tray);
  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                                      connection);

  G_APPLICATION_CLASS (tend_agent_parent_class)
      ->dbus_unregister (application, connection, object_path);
}

static void
tend_agent_startup (GApplication *application)
{
  TendAgent *self = TEND_AGENT (application);
  g_autoptr (GKeyFile) state = load_state (self);
  g_autoptr (GError) error = NULL;

  G_APPLICATION_CLASS (tend_agent_parent_class)->startup (application);

  /* A service lives as long as the session; nothing else keeps it. */
  g_application_hold (application);

  /* Tend's own configuration: the organization's file and the user's overrides. */
  self->config = tend_org_config_new_default (&error);
  if (self->config == NULL)
    g_warning ("Cannot read Tend’s organization settings: %s", error->message);
  g_clear_error (&error);
  tend_dbus_agent1_set_providers (self->skeleton, describe_providers (self));

  tend_dbus_agent1_set_paused (self->skeleton,
                               g_key_file_get_boolean (state, STATE_GROUP, STATE_PAUSED, NULL));
  g_simple_action_set_state (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "pause")),
      g_variant_new_boolean (tend_dbus_agent1_get_paused (self->skeleton)));

  self->sigterm_id = g_unix_signal_add (SIGTERM, terminate_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, terminate_cb, self);

  if (g_key_file_get_boolean (state, STATE_GROUP, STATE_DELETING, NULL))
    {
      /* The last opt-out was cut short: finish it before anything else. */
      g_autoptr (GPtrArray) leaving = load_saved_accounts (self, state);

      opt_out (self, NULL, leaving);
    }
  else if (g_key_file_get_boolean (state, STATE_GROUP, STATE_OPTED_IN, NULL))
    {
      tend_dbus_agent1_set_opted_in (self->skeleton, TRUE);
      if (!start_collecting (self, state, &error))
        g_message ("Could not open the database: %s", error->message);
    }
  update_tray (self);
}

static void
tend_agent_shutdown (GApplication *application)
{
  TendAgent *self = TEND_AGENT (application);

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_cancellable_cancel (self->connecting);
  stop_collecting (self);

  G_APPLICATION_CLASS (tend_agent_parent_class)->shutdown (application);
}

static void
tend_agent_finalize (GObject *object)
{
  TendAgent *self = (TendAgent *) object;

  g_clear_object (&self->skeleton);
  g_clear_object (&self->config);
  g_clear_object (&self->tray);
  g_clear_object (&self->notifier);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->connecting);
  g_clear_error (&self->start_error);
  g_clear_pointer (&self->leaving, g_ptr_array_unref);
  g_free (self->state_path);

  G_OBJECT_CLASS (tend_agent_parent_class)->finalize (object);
}

static void
tend_agent_class_init (TendAgentClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tend_agent_finalize;
  application_class->startup = tend_agent_startup;
  application_class->shutdown = tend_agent_shutdown;
  application_class->dbus_register = tend_agent_dbus_register;
  application_class->dbus_unregister = tend_agent_dbus_unregister;
}

static void
tend_agent_init (TendAgent *self)
{
  self->state_path = g_build_filename (g_get_user_config_dir (), "tend", "agent.ini", NULL);
  self->skeleton = tend_dbus_agent1_skeleton_new ();
  self->leaving = g_ptr_array_new_with_free_func (g_object_unref);
  /* Before registration, so that the tray finds them. */
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  self->notifier = tend_notifier_new (G_APPLICATION (self));
  tend_dbus_agent1_set_accounts (self->skeleton, tend_sync_scheduler_describe_accounts (NULL));
  tend_dbus_agent1_set_sources (self->skeleton, tend_sync_scheduler_describe_sources (NULL));
  g_signal_connect (self->skeleton, "handle-opt-in", G_CALLBACK (handle_opt_in_cb), self);
  g_signal_connect (self->skeleton, "handle-opt-out", G_CALLBACK (handle_opt_out_cb), self);
  g_signal_connect (self->skeleton, "handle-set-paused", G_CALLBACK (handle_set_paused_cb), self);
  g_signal_connect (self->skeleton, "handle-connect-account",
                    G_CALLBACK (handle_connect_account_cb), self);
  g_signal_connect (self->skeleton, "handle-disconnect-account",
                    G_CALLBACK (handle_disconnect_account_cb), self);
  g_signal_connect (self->skeleton, "handle-sync-now", G_CALLBACK (handle_sync_now_cb), self);
  g_signal_connect (self->skeleton, "handle-import", G_CALLBACK (handle_import_cb), self);
}

TendAgent *
tend_agent_new (void)
{
  return g_object_new (TEND_TYPE_AGENT, "application-id", "dev.tend.Agent", "flags",
                       G_APPLICATION_IS_SERVICE, NULL);
}
