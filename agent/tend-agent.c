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

#include "tend-agent.h"
#include "tend-dbus.h"
#include "tend-notifier.h"
#include "tend-org-config.h"
#include "tend-settings.h"
#include "tend-sync-scheduler.h"
#include "tend-tray.h"
#include "tend-worker.h"

#define AGENT_OBJECT_PATH "/dev/tend/Agent"
#define TEND_APP_ID "dev.tend.Tend"
#define STATE_GROUP "agent"
#define STATE_OPTED_IN "opted-in"
#define STATE_PAUSED "paused"
#define STATE_ACCOUNTS "accounts"
#define STATE_DELETING "deleting"
#define STATE_LAST_SYNC_GROUP "last-sync" /* "provider:name" = Unix time of its last full sync */
/* Consent to share (invariant 4): written only when the person decides, through SetSharing. */
#define SHARING_GROUP "sharing"
#define SHARING_ENABLED "enabled"
#define SHARING_ORGANIZATION "organization"
#define SHARING_COLLECTOR "collector"
#define SHARING_SINCE "since"
#define SHARING_WEEK "week"

struct _TendAgent
{
  GApplication parent_instance;

  TendDBusAgent1 *skeleton;
  char           *state_path; /* $XDG_CONFIG_HOME/tend/agent.ini: opt-in, pause, accounts */
  TendOrgConfig  *config;
  TendTray       *tray;
  TendNotifier   *notifier;

  /* Only while opted in */
  TendSyncScheduler *scheduler;
  GSettings         *settings;
  GCancellable      *connecting; /* non-NULL while a sign-in runs */
  gboolean           opting_in;  /* the worker creates the database */

  /* Consent to share, for exactly this organization and collector; off unless the person gave
   * it in Tend's consent dialog. Sharing is on only once the consent log confirms it. */
  gboolean    sharing;           /* given, as agent.ini keeps it */
  gboolean    sharing_confirmed; /* and the consent log's last row is this very "give" */
  char       *sharing_organization;
  char       *sharing_collector;
  char       *sharing_week;
  gint64      sharing_since;
  guint       sharing_serial;  /* changes with every change of consent */
  GHashTable *previewed;       /* week ("2026-W47") shown → Previewed: to whom it would go */
  GQueue     *consent_log;     /* (element-type ConsentEntry): changes still to record */
  gboolean    logging_consent; /* a worker records the head of consent_log */

  /* Opting out: until every token and file is gone, agent.ini says so, and a restart resumes */
  gboolean   opting_out;
  gboolean   deletion_pending; /* the last opt-out could not remove everything */
  GPtrArray *leaving;          /* (element-type utf8): "provider:name" of the accounts to leave */
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

/* Refuses a call that needs collection running while opting in has not finished. */
static gboolean
require_collecting (TendAgent *self, GDBusMethodInvocation *invocation)
{
  if (!require_opted_in (self, invocation))
    return FALSE;
  if (self->scheduler != NULL)
    return TRUE;
  g_dbus_method_invocation_return_error_literal (
      invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_BUSY,
      _ ("Tend is still setting up its database. Try again in a moment."));
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
    for (guint i = 0; i < self->leaving->len; i++)
      g_strv_builder_add (names, g_ptr_array_index (self->leaving, i));
  else if (self->scheduler != NULL)
    {
      g_auto (GStrv) keys = tend_sync_scheduler_dup_account_keys (self->scheduler);

      g_strv_builder_addv (names, (const char **) keys);
    }
  list = g_strv_builder_end (names);
  g_key_file_set_string_list (state, STATE_GROUP, STATE_ACCOUNTS, (const char *const *) list,
                              g_strv_length (list));
  g_key_file_set_boolean (state, SHARING_GROUP, SHARING_ENABLED, self->sharing);
  if (self->sharing)
    {
      g_key_file_set_string (state, SHARING_GROUP, SHARING_ORGANIZATION,
                             self->sharing_organization);
      g_key_file_set_string (state, SHARING_GROUP, SHARING_COLLECTOR, self->sharing_collector);
      g_key_file_set_string (state, SHARING_GROUP, SHARING_WEEK, self->sharing_week);
      g_key_file_set_int64 (state, SHARING_GROUP, SHARING_SINCE, self->sharing_since);
    }
  /* So that "last synced" is known at once after a restart, before any sync. */
  for (guint i = 0; self->scheduler != NULL && list[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (list[i], ":", 2);
      gint64 last_sync
          = g_strv_length (parts) == 2
                ? tend_sync_scheduler_get_last_sync (self->scheduler, parts[0], parts[1])
                : 0;

      if (last_sync > 0)
        g_key_file_set_int64 (state, STATE_LAST_SYNC_GROUP, list[i], last_sync);
    }

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
scheduler_sign_in_needed_cb (TendSyncScheduler *scheduler, const char *provider_id,
                             const char *name, TendAgent *self)
{
  tend_notifier_sign_in_expired (self->notifier, provider_id, name);
}

static void
scheduler_first_sync_done_cb (TendSyncScheduler *scheduler, const char *name, guint messages,
                              guint events, TendAgent *self)
{
  tend_notifier_first_sync (self->notifier, name, messages, events);
}

static void
sync_interval_changed_cb (GSettings *settings, const char *key, TendAgent *self)
{
  tend_sync_scheduler_set_interval (self->scheduler,
                                    60 * g_settings_get_uint (settings, "sync-interval-minutes"));
}

/* Adds an account named "provider:name" (as agent.ini keeps them) to the scheduler. */
static void
add_account_key (TendAgent *self, const char *key, gint64 last_sync)
{
  g_auto (GStrv) parts = g_strsplit (key, ":", 2);
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (GError) error = NULL;

  if (g_strv_length (parts) != 2 || self->config == NULL)
    return;
  provider = tend_provider_new (parts[0], self->config, &error);
  if (provider == NULL)
    {
      g_warning ("Cannot sync a saved %s account: %s", parts[0], error->message);
      return;
    }
  tend_sync_scheduler_add_account (self->scheduler, provider, parts[1], last_sync);
}

/* Starts syncing: at start-up when opted in, and on opt-in. The database itself is the worker's:
 * the agent never opens it. */
static void
start_collecting (TendAgent *self, GKeyFile *state)
{
  g_auto (GStrv) keys = NULL;

  if (self->scheduler != NULL)
    return;
  self->scheduler = tend_sync_scheduler_new ();
  g_signal_connect (self->scheduler, "changed", G_CALLBACK (scheduler_changed_cb), self);
  g_signal_connect (self->scheduler, "data-changed", G_CALLBACK (scheduler_data_changed_cb), self);
  g_signal_connect (self->scheduler, "sign-in-needed", G_CALLBACK (scheduler_sign_in_needed_cb),
                    self);
  g_signal_connect (self->scheduler, "first-sync-done", G_CALLBACK (scheduler_first_sync_done_cb),
                    self);
  g_signal_connect_swapped (self->scheduler, "synced", G_CALLBACK (save_state_or_warn), self);

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
    keys = g_key_file_get_string_list (state, STATE_GROUP, STATE_ACCOUNTS, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    add_account_key (self, keys[i],
                     g_key_file_get_int64 (state, STATE_LAST_SYNC_GROUP, keys[i], NULL));
  tend_notifier_set_enabled (self->notifier, TRUE);
  tend_sync_scheduler_sync_now (self->scheduler);
}

static void
stop_collecting (TendAgent *self)
{
  tend_notifier_set_enabled (self->notifier, FALSE);
  if (self->scheduler != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      /* A worker still running is told to stop; it dies with the agent in any case. */
      tend_sync_scheduler_stop_async (self->scheduler, NULL, NULL);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->settings);
  tend_dbus_agent1_set_accounts (self->skeleton, tend_sync_scheduler_describe_accounts (NULL));
  tend_dbus_agent1_set_sources (self->skeleton, tend_sync_scheduler_describe_sources (NULL));
}

/* Opting in: the worker creates the database, then syncing starts. */

typedef struct
{
  TendAgent             *self;
  GDBusMethodInvocation *invocation; /* owned until answered; NULL from the notification */
} Call;

static void
call_free (Call *call)
{
  g_application_release (G_APPLICATION (call->self));
  g_free (call);
}

static Call *
call_new (TendAgent *self, GDBusMethodInvocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->self = self;
  call->invocation = invocation;
  g_application_hold (G_APPLICATION (self));
  return call;
}

static void
return_error (Call *call, GError *error)
{
  if (call->invocation == NULL)
    g_message ("%s", error->message);
  else if (error->domain == TEND_AGENT_ERROR)
    g_dbus_method_invocation_return_gerror (call->invocation, error);
  else if (g_error_matches (error, TEND_WORKER_ERROR, TEND_WORKER_ERROR_NOT_CONFIGURED))
    g_dbus_method_invocation_return_error_literal (call->invocation, TEND_AGENT_ERROR,
                                                   TEND_AGENT_ERROR_NOT_CONFIGURED, error->message);
  else
    g_dbus_method_invocation_return_error_literal (call->invocation, TEND_AGENT_ERROR,
                                                   TEND_AGENT_ERROR_FAILED, error->message);
}

/* Consent to share (invariant 4)
 *
 * Sharing is on only after the person agreed in Tend's consent dialog, to the organization and
 * collector it showed beside the week's payload. The database's consent log is the source of
 * truth; agent.ini remembers the consent so that the agent knows what to check at start-up:
 *
 * - Giving: agent.ini first (given, with its time), then the log's "give" row with that same
 *   time; only once the row is committed does Sharing say enabled, and then the call returns.
 * - At start-up, consent in agent.ini counts only if the log's last row is that very "give"
 *   (same organization, collector, week and time); until a worker has read it, Sharing says
 *   off, and if it is not, the consent is cleared and a "revoke" logged. A hand-edited
 *   agent.ini, or a crash between the two writes above, thus leaves sharing off.
 * - Revoking: off in memory and in Sharing at once, then the "revoke" row, then agent.ini.
 *   Either record keeps the next start off; the call fails only if neither could be written.
 *
 * A change of the organization's settings turns sharing off (see check_sharing). Every change is
 * recorded by one worker at a time, so that the log keeps the order of the changes. */

typedef enum
{
  CONSENT_GIVE,
  CONSENT_REVOKE,
  CONSENT_CHECK, /* reads the log's last row to confirm agent.ini's consent */
} ConsentAction;

typedef struct
{
  ConsentAction action;
  char         *organization;
  char         *destination;
  char         *week;
  gint64        at;
  guint         serial; /* self->sharing_serial when queued: the consent it is about */
  Call         *call;   /* answered once recorded; its invocation NULL when nobody waits */
} ConsentEntry;

/* What PreviewContribution showed with a week's payload: consent must name the same. */
typedef struct
{
  char *organization;
  char *collector;
} Previewed;

static void log_next_consent (TendAgent *self);

static void
previewed_free (Previewed *previewed)
{
  g_free (previewed->organization);
  g_free (previewed->collector);
  g_free (previewed);
}

static const char *
configured_organization (TendAgent *self)
{
  const char *name = self->config != NULL ? tend_org_config_get_organization (self->config) : NULL;

  return name != NULL ? name : "";
}

static const char *
configured_collector (TendAgent *self)
{
  const char *url = self->config != NULL ? tend_org_config_get_collector_url (self->config) : NULL;

  return url != NULL ? url : "";
}

/* Sharing says enabled only for a consent the log confirms: the uploader checks it. */
static void
update_sharing (TendAgent *self)
{
  gboolean        enabled = self->sharing && self->sharing_confirmed;
  GVariantBuilder sharing;

  g_variant_builder_init (&sharing, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&sharing, "{sv}", "organization",
                         g_variant_new_string (configured_organization (self)));
  g_variant_builder_add (&sharing, "{sv}", "collector",
                         g_variant_new_string (configured_collector (self)));
  g_variant_builder_add (&sharing, "{sv}", "enabled", g_variant_new_boolean (enabled));
  g_variant_builder_add (&sharing, "{sv}", "since",
                         g_variant_new_int64 (enabled ? self->sharing_since : 0));
  tend_dbus_agent1_set_sharing (self->skeleton, g_variant_builder_end (&sharing));
}

/* Forgets the consent in memory; the caller updates Sharing and saves the state. */
static void
clear_sharing (TendAgent *self)
{
  self->sharing = FALSE;
  self->sharing_confirmed = FALSE;
  self->sharing_since = 0;
  self->sharing_serial++;
  g_clear_pointer (&self->sharing_organization, g_free);
  g_clear_pointer (&self->sharing_collector, g_free);
  g_clear_pointer (&self->sharing_week, g_free);
}

static void
consent_entry_free (ConsentEntry *entry)
{
  g_free (entry->organization);
  g_free (entry->destination);
  g_free (entry->week);
  g_free (entry);
}

/* Whether @entry is about the consent the agent holds now. */
static gboolean
consent_is_current (TendAgent *self, ConsentEntry *entry)
{
  return self->sharing && entry->serial == self->sharing_serial;
}

static void
finish_give (TendAgent *self, ConsentEntry *entry, GVariant *done, GError *error)
{
  g_autoptr (GError) changed = NULL;

  if (!consent_is_current (self, entry))
    {
      /* Opted out, taken back or asked again meanwhile: whatever was recorded, this consent no
       * longer holds, and a later row (or the deleted database) says so. */
      if (!is_opted_in (self) || self->opting_out)
        changed = g_error_new_literal (TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                                       _ ("You opted out meanwhile; nothing is shared."));
      else
        changed = g_error_new_literal (TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                                       _ ("Sharing was switched off meanwhile; nothing is "
                                          "shared."));
      return_error (entry->call, changed);
      return;
    }
  if (done == NULL)
    {
      /* No consent without its record: sharing stays off. */
      clear_sharing (self);
      save_state_or_warn (self);
      update_sharing (self);
      g_prefix_error (&error, _ ("Tend could not record your consent, so sharing stays off: "));
      return_error (entry->call, error);
      return;
    }
  self->sharing_confirmed = TRUE;
  update_sharing (self);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  if (entry->call->invocation != NULL)
    g_dbus_method_invocation_return_value (entry->call->invocation, NULL);
}

static void
finish_revoke (TendAgent *self, ConsentEntry *entry, GVariant *done, GError *error)
{
  g_autoptr (GError) save_error = NULL;
  gboolean saved = save_state (self, &save_error);

  /* Without a database (opted out meanwhile) there is no log to record in. */
  if (done == NULL)
    g_message ("Could not record in the consent log that sharing was switched off: %s",
               error->message);
  if (!saved)
    g_warning ("Could not save the agent's state: %s", save_error->message);
  if (entry->call->invocation == NULL)
    return;
  /* Either record keeps sharing off after a restart; without both, it would come back on. */
  if (done != NULL || saved)
    g_dbus_method_invocation_return_value (entry->call->invocation, NULL);
  else
    g_dbus_method_invocation_return_error (
        entry->call->invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
        _ ("Sharing is off, but Tend could not record that, so it would be on again after a "
           "restart: %s; %s"),
        error->message, save_error->message);
}

static void stop_sharing (TendAgent *self, GDBusMethodInvocation *invocation);

static void
finish_check (TendAgent *self, ConsentEntry *entry, GVariant *done, GError *error)
{
  const char *action = NULL, *organization = NULL, *destination = NULL, *week = NULL;
  gint64      at = 0;

  if (!consent_is_current (self, entry) || self->sharing_confirmed)
    return;
  if (done != NULL && g_variant_lookup (done, "action", "&s", &action)
      && g_variant_lookup (done, "organization", "&s", &organization)
      && g_variant_lookup (done, "destination", "&s", &destination)
      && g_variant_lookup (done, "week", "&s", &week) && g_variant_lookup (done, "at", "x", &at)
      && g_str_equal (action, "give") && g_strcmp0 (organization, self->sharing_organization) == 0
      && g_strcmp0 (destination, self->sharing_collector) == 0
      && g_strcmp0 (week, self->sharing_week) == 0 && at == self->sharing_since)
    {
      self->sharing_confirmed = TRUE;
      update_sharing (self);
      return;
    }
  if (done == NULL)
    g_message ("Cannot read the consent log, so sharing is off: %s", error->message);
  else
    g_message ("The consent log does not hold the consent agent.ini names: sharing is off");
  stop_sharing (self, NULL);
}

static void
finish_consent (TendAgent *self, ConsentEntry *entry, GVariant *done, GError *error)
{
  switch (entry->action)
    {
    case CONSENT_GIVE:
      finish_give (self, entry, done, error);
      break;
    case CONSENT_REVOKE:
      finish_revoke (self, entry, done, error);
      break;
    case CONSENT_CHECK:
    default:
      finish_check (self, entry, done, error);
      break;
    }
  call_free (entry->call);
  consent_entry_free (entry);
}

static void
consent_logged_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TendAgent    *self = user_data;
  ConsentEntry *entry = g_queue_pop_head (self->consent_log);
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;

  done = tend_worker_run_finish (result, &error);
  self->logging_consent = FALSE;
  finish_consent (self, entry, done, error);
  log_next_consent (self);
  g_object_unref (self);
}

/* Without a database (opted out, or still creating it) there is nothing to record in. */
static void
log_next_consent (TendAgent *self)
{
  ConsentEntry *entry;

  while (!self->logging_consent && (entry = g_queue_peek_head (self->consent_log)) != NULL)
    {
      g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, entry->at);
      const char      *verb = entry->action == CONSENT_GIVE ? "give" : "revoke";
      const char      *record[]
          = { "consent", verb, entry->organization, entry->destination, entry->week, at, NULL };
      const char *status[] = { "consent", "status", NULL };
      g_autoptr (GError) error = NULL;

      if (self->scheduler != NULL)
        {
          self->logging_consent = TRUE;
          tend_worker_run_async (entry->action == CONSENT_CHECK ? status : record, NULL, NULL, NULL,
                                 consent_logged_cb, g_object_ref (self));
          return;
        }
      g_queue_pop_head (self->consent_log);
      g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                           _ ("Tend keeps no database while you are not opted in."));
      finish_consent (self, entry, NULL, error);
    }
}

/* @invocation: answered once the change is recorded, or NULL. */
static void
log_consent (TendAgent *self, ConsentAction action, const char *organization,
             const char *destination, const char *week, gint64 at,
             GDBusMethodInvocation *invocation)
{
  ConsentEntry *entry = g_new0 (ConsentEntry, 1);

  entry->action = action;
  entry->organization = g_strdup (organization != NULL ? organization : "");
  entry->destination = g_strdup (destination != NULL ? destination : "");
  entry->week = g_strdup (week != NULL ? week : "");
  entry->at = at;
  entry->serial = self->sharing_serial;
  entry->call = call_new (self, invocation);
  g_queue_push_tail (self->consent_log, entry);
  log_next_consent (self);
}

/* Turns sharing off at once, then records that: the consent log, then agent.ini.
 * @invocation: answered once both were tried, or NULL. */
static void
stop_sharing (TendAgent *self, GDBusMethodInvocation *invocation)
{
  g_autofree char *organization = g_strdup (self->sharing_organization);
  g_autofree char *collector = g_strdup (self->sharing_collector);

  if (!self->sharing)
    {
      if (invocation != NULL)
        g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }
  clear_sharing (self);
  update_sharing (self);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  log_consent (self, CONSENT_REVOKE, organization, collector, "",
               g_get_real_time () / G_USEC_PER_SEC, invocation);
}

/* Consent is specific: given to the organization and collector configured now, or to none. */
static void
check_sharing (TendAgent *self)
{
  if (self->sharing
      && (*configured_collector (self) == '\0'
          || g_strcmp0 (self->sharing_collector, configured_collector (self)) != 0
          || g_strcmp0 (self->sharing_organization, configured_organization (self)) != 0))
    {
      g_message ("The organization changed where or to whom figures would go: sharing is off");
      stop_sharing (self, NULL);
    }
  else
    update_sharing (self);
}

/* Reads the organization's settings and the user's overrides again. */
static void
read_config (TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&self->config);
  self->config = tend_org_config_new_default (&error);
  if (self->config == NULL)
    g_warning ("Cannot read Tend’s organization settings: %s", error->message);
  tend_dbus_agent1_set_providers (self->skeleton, describe_providers (self));
  check_sharing (self);
}

/* At start-up, when opted in: agent.ini's consent holds only for the settings it names, and
 * only once the consent log confirms it. */
static void
load_sharing (TendAgent *self, GKeyFile *state)
{
  clear_sharing (self);
  if (g_key_file_get_boolean (state, SHARING_GROUP, SHARING_ENABLED, NULL))
    {
      self->sharing = TRUE;
      self->sharing_organization
          = g_key_file_get_string (state, SHARING_GROUP, SHARING_ORGANIZATION, NULL);
      self->sharing_collector
          = g_key_file_get_string (state, SHARING_GROUP, SHARING_COLLECTOR, NULL);
      self->sharing_week = g_key_file_get_string (state, SHARING_GROUP, SHARING_WEEK, NULL);
      self->sharing_since = g_key_file_get_int64 (state, SHARING_GROUP, SHARING_SINCE, NULL);
      if (self->sharing_organization == NULL)
        self->sharing_organization = g_strdup ("");
      if (self->sharing_week == NULL)
        self->sharing_week = g_strdup ("");
    }
  check_sharing (self);
  if (self->sharing)
    log_consent (self, CONSENT_CHECK, NULL, NULL, NULL, 0, NULL);
}

/* Opting in, continued */

static void
created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call      *call = user_data;
  TendAgent *self = call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;

  done = tend_worker_run_finish (result, &error);
  self->opting_in = FALSE;
  /* Opted out meanwhile: that opt-out waited for this worker and deletes what it created. */
  if (done != NULL && (self->opting_out || !is_opted_in (self)))
    {
      g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                           _ ("You opted out while Tend was getting ready; nothing was kept."));
      return_error (call, error);
      call_free (call);
      return;
    }
  if (done == NULL)
    {
      tend_dbus_agent1_set_opted_in (self->skeleton, FALSE);
      save_state_or_warn (self);
      update_tray (self);
      return_error (call, error);
      call_free (call);
      return;
    }
  start_collecting (self, NULL);
  update_tray (self);
  if (call->invocation != NULL)
    tend_dbus_agent1_complete_opt_in (self->skeleton, call->invocation);
  call_free (call);
}

static void
opt_in (TendAgent *self, GDBusMethodInvocation *invocation)
{
  const char *arguments[] = { "create", NULL };
  g_autoptr (GError) error = NULL;
  Call *call = call_new (self, invocation);

  if (self->opting_out || self->opting_in)
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_BUSY,
                         _ ("Tend is busy with your last choice. Try again in a moment."));
  else if (self->deletion_pending)
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Tend could not finish deleting what it kept when you opted out. "
                            "Opt out again to finish, then opt in."));
  if (error != NULL)
    {
      return_error (call, error);
      call_free (call);
      return;
    }
  /* Already collecting: nothing to do. */
  if (is_opted_in (self) && self->scheduler != NULL)
    {
      if (invocation != NULL)
        tend_dbus_agent1_complete_opt_in (self->skeleton, invocation);
      call_free (call);
      return;
    }

  /* Sharing always starts off: nothing written before the person opted in can switch it on. */
  clear_sharing (self);
  g_hash_table_remove_all (self->previewed);
  update_sharing (self);
  tend_dbus_agent1_set_opted_in (self->skeleton, TRUE);
  if (!save_state (self, &error))
    {
      tend_dbus_agent1_set_opted_in (self->skeleton, FALSE);
      return_error (call, error);
      call_free (call);
      return;
    }
  self->opting_in = TRUE;
  tend_worker_run_async (arguments, NULL, NULL, NULL, created_cb, call);
}

/* Opting out (invariant 8): stop, revoke and remove every token, delete the database and the
 * cache — all done by one worker run. agent.ini says "deleting" until it has succeeded, so that
 * a quit, a logout or a crash half-way only delays it: the next start finishes the job. */

static void
opted_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call      *call = user_data;
  TendAgent *self = call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;

  done = tend_worker_run_finish (result, &error);
  tend_notifier_withdraw_all (self->notifier);
  self->opting_out = FALSE;
  self->deletion_pending = done == NULL;
  if (!self->deletion_pending)
    g_ptr_array_set_size (self->leaving, 0);
  save_state_or_warn (self);
  update_tray (self);

  if (done == NULL)
    return_error (call, error);
  else if (call->invocation != NULL)
    tend_dbus_agent1_complete_opt_out (self->skeleton, call->invocation);
  if (self->quit_when_done)
    g_application_quit (G_APPLICATION (self));
  call_free (call);
}

static void
opt_out_run (Call *call)
{
  TendAgent *self = call->self;
  g_autoptr (GStrvBuilder) arguments = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;

  g_strv_builder_add (arguments, "opt-out");
  for (guint i = 0; i < self->leaving->len; i++)
    g_strv_builder_add (arguments, g_ptr_array_index (self->leaving, i));
  argv = g_strv_builder_end (arguments);
  tend_worker_run_async ((const char *const *) argv, NULL, NULL, NULL, opted_out_cb, call);
}

static void
workers_stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!tend_worker_wait_idle_finish (result, &error))
    g_warning ("Waiting for Tend’s workers: %s", error->message);
  opt_out_run (user_data);
}

static void
add_leaving (TendAgent *self, const char *key)
{
  for (guint i = 0; i < self->leaving->len; i++)
    if (g_str_equal (g_ptr_array_index (self->leaving, i), key))
      return;
  g_ptr_array_add (self->leaving, g_strdup (key));
}

/* @keys: the accounts to sign out of when resuming an opt-out at start-up; otherwise those the
 * scheduler syncs. */
static void
opt_out (TendAgent *self, GDBusMethodInvocation *invocation, const char *const *keys)
{
  g_auto (GStrv) syncing = NULL;
  Call *call = call_new (self, invocation);

  /* Collection stops now: the state says so before anything is deleted. A later opt-in starts
   * afresh, unpaused. */
  tend_dbus_agent1_set_opted_in (self->skeleton, FALSE);
  tend_dbus_agent1_set_paused (self->skeleton, FALSE);
  g_simple_action_set_state (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "pause")),
      g_variant_new_boolean (FALSE));
  self->opting_out = TRUE;
  /* The consent log goes with the database; a later opt-in asks again. */
  clear_sharing (self);
  g_hash_table_remove_all (self->previewed);
  update_sharing (self);
  g_cancellable_cancel (self->connecting);
  if (self->scheduler != NULL)
    syncing = tend_sync_scheduler_dup_account_keys (self->scheduler);
  /* A retry after a failure keeps the accounts still to sign out of. */
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    add_leaving (self, keys[i]);
  for (guint i = 0; syncing != NULL && syncing[i] != NULL; i++)
    add_leaving (self, syncing[i]);
  save_state_or_warn (self);
  update_tray (self);

  /* Everything else stops first — a sync, an import, a sign-in, the creation of the database,
   * the digest — so that nothing writes a token or a file after the deletion. */
  stop_collecting (self);
  tend_worker_wait_idle_async (workers_stopped_cb, call);
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

/* Connecting an account: the worker signs in (browser or device code) and keeps the tokens in
 * the keyring; the agent learns the account's name. */

typedef struct
{
  Call *call;
  char *provider_id;
  guint caller_watch;
} Connect;

static void
connect_free (Connect *data)
{
  if (data->caller_watch != 0)
    g_bus_unwatch_name (data->caller_watch);
  g_free (data->provider_id);
  call_free (data->call);
  g_free (data);
}

/* Whoever asked for the sign-in went away (tendctl stopped with Ctrl-C): stop waiting for it. */
static void
caller_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Connect *data = user_data;

  g_cancellable_cancel (data->call->self->connecting);
}

static void
sign_in_message_cb (const char *kind, GVariant *details, gpointer user_data)
{
  Connect    *data = user_data;
  const char *user_code = NULL, *uri = NULL;
  gint64      expires_at = 0;

  if (!g_str_equal (kind, "device-code")
      || !g_variant_lookup (details, "user-code", "&s", &user_code)
      || !g_variant_lookup (details, "verification-uri", "&s", &uri))
    return;
  g_variant_lookup (details, "expires-at", "x", &expires_at);
  tend_dbus_agent1_emit_device_code (data->call->self->skeleton, data->provider_id, user_code, uri,
                                     expires_at);
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connect   *data = user_data;
  TendAgent *self = data->call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendProvider) provider = NULL;
  const char *name = NULL;

  done = tend_worker_run_finish (result, &error);
  g_clear_object (&self->connecting);

  if (done != NULL && !g_variant_lookup (done, "account", "&s", &name))
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Signing in did not say which account it was."));
  if (error == NULL && self->scheduler == NULL)
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                         _ ("You opted out while signing in; the sign-in was stopped and "
                            "nothing was kept."));
  if (error == NULL)
    provider = tend_provider_new (data->provider_id, self->config, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->scheduler == NULL)
        {
          g_clear_error (&error);
          g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                               _ ("You opted out while signing in; the sign-in was stopped and "
                                  "nothing was kept."));
        }
      else if (error->domain != TEND_AGENT_ERROR)
        g_prefix_error (&error, _ ("Signing in did not work: "));
      return_error (data->call, error);
      connect_free (data);
      return;
    }

  /* Signing in again replaces the account, and with it a "needs sign-in" state. */
  tend_sync_scheduler_remove_account_async (self->scheduler, data->provider_id, name, NULL, NULL);
  tend_sync_scheduler_add_account (self->scheduler, provider, name, 0);
  save_state_or_warn (self);
  if (data->call->invocation != NULL)
    tend_dbus_agent1_complete_connect_account (self->skeleton, data->call->invocation, name);
  tend_sync_scheduler_sync_now (self->scheduler);
  connect_free (data);
}

static gboolean
start_connect (TendAgent *self, const char *provider_id, gboolean device,
               GDBusMethodInvocation *invocation, GError **error)
{
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *arguments[] = { "sign-in", provider_id, device ? "--device" : NULL, NULL };
  Connect    *data;

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
  data->call = call_new (self, invocation);
  data->provider_id = g_strdup (provider_id);
  self->connecting = g_cancellable_new ();
  if (invocation != NULL)
    data->caller_watch = g_bus_watch_name_on_connection (
        g_dbus_method_invocation_get_connection (invocation),
        g_dbus_method_invocation_get_sender (invocation), G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
        caller_vanished_cb, data, NULL);
  tend_worker_run_async (arguments, sign_in_message_cb, data, self->connecting, signed_in_cb, data);
  return TRUE;
}

/* D-Bus methods */

static gboolean
handle_opt_in_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, TendAgent *self)
{
  opt_in (self, invocation);
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
  Call *call;
  char *key; /* "provider:name" */
} Disconnect;

static void
disconnected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Disconnect *data = user_data;
  TendAgent  *self = data->call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;

  done = tend_worker_run_finish (result, &error);
  if (done != NULL)
    tend_dbus_agent1_complete_disconnect_account (self->skeleton, data->call->invocation);
  else
    {
      /* The tokens are still in the keyring: keep the account, so that a retry can remove them. */
      if (self->scheduler != NULL)
        {
          add_account_key (self, data->key, 0);
          save_state_or_warn (self);
        }
      return_error (data->call, error);
    }
  call_free (data->call);
  g_free (data->key);
  g_free (data);
}

/* The account's sync has stopped: nothing of it writes any more, and its tokens can go. */
static void
account_removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Disconnect *data = user_data;
  TendAgent  *self = data->call->self;
  g_auto (GStrv) parts = g_strsplit (data->key, ":", 2);
  const char *arguments[] = { "disconnect", parts[0], parts[1], NULL };
  g_autoptr (GError) error = NULL;

  if (!tend_sync_scheduler_remove_account_finish (TEND_SYNC_SCHEDULER (source), result, &error))
    {
      g_dbus_method_invocation_return_error_literal (data->call->invocation, TEND_AGENT_ERROR,
                                                     TEND_AGENT_ERROR_UNKNOWN_ACCOUNT,
                                                     error->message);
      call_free (data->call);
      g_free (data->key);
      g_free (data);
      return;
    }
  save_state_or_warn (self);
  tend_worker_run_async (arguments, NULL, NULL, NULL, disconnected_cb, data);
}

static gboolean
handle_disconnect_account_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                              const char *provider_id, const char *name, TendAgent *self)
{
  Disconnect *data;

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  data = g_new0 (Disconnect, 1);
  data->call = call_new (self, invocation);
  data->key = g_strconcat (provider_id, ":", name, NULL);
  tend_sync_scheduler_remove_account_async (self->scheduler, provider_id, name, account_removed_cb,
                                            data);
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

static void
imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GError) error = NULL;
  guint32 added = 0, events_added = 0, events_removed = 0;

  summary = tend_sync_scheduler_import_finish (TEND_SYNC_SCHEDULER (source), result, &error);
  if (summary == NULL)
    return_error (call, error);
  else
    {
      g_variant_lookup (summary, "messages_added", "u", &added);
      g_variant_lookup (summary, "events_added", "u", &events_added);
      g_variant_lookup (summary, "events_removed", "u", &events_removed);
      if (added + events_added + events_removed > 0)
        tend_dbus_agent1_emit_data_changed (call->self->skeleton);
      tend_dbus_agent1_complete_import (call->self->skeleton, call->invocation,
                                        g_steal_pointer (&summary));
    }
  call_free (call);
}

static gboolean
handle_import_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *const *paths, GVariant *options, TendAgent *self)
{
  g_autofree const char **me = NULL;

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  for (guint i = 0; paths[i] != NULL; i++)
    if (!g_path_is_absolute (paths[i]))
      {
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               _ ("“%s” is not an absolute path."), paths[i]);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
      }
  g_variant_lookup (options, "me", "^a&s", &me);
  for (guint i = 0; me != NULL && me[i] != NULL; i++)
    if (*me[i] == '\0')
      {
        g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR,
                                                       G_DBUS_ERROR_INVALID_ARGS,
                                                       _ ("An address of yours cannot be empty."));
        return G_DBUS_METHOD_INVOCATION_HANDLED;
      }
  tend_sync_scheduler_import_async (self->scheduler, paths, me, imported_cb,
                                    call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The coach's and the goals' edits: one small write each, run at once beside any sync (see
 * docs/ARCHITECTURE.md, "Syncing"), so that the window answers a click at once. */

static void
edited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call      *call = user_data;
  TendAgent *self = call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  done = tend_worker_run_finish (result, &error);
  if (done == NULL)
    return_error (call, error);
  else if (g_str_equal (g_dbus_method_invocation_get_method_name (call->invocation), "AddGoal"))
    {
      if (!g_variant_lookup (done, "id", "x", &id))
        {
          g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                               _ ("Adding the goal did not say which it was."));
          return_error (call, error);
        }
      else
        tend_dbus_agent1_complete_add_goal (self->skeleton, call->invocation, id);
    }
  else
    g_dbus_method_invocation_return_value (call->invocation, NULL);
  if (error == NULL && self->scheduler != NULL)
    tend_dbus_agent1_emit_data_changed (self->skeleton);
  call_free (call);
}

static void
run_edit (TendAgent *self, GDBusMethodInvocation *invocation, const char *const *arguments)
{
  tend_worker_run_async (arguments, NULL, NULL, NULL, edited_cb, call_new (self, invocation));
}

static gboolean
require_nudge_id (GDBusMethodInvocation *invocation, const char *nudge_id)
{
  if (*nudge_id != '\0')
    return TRUE;
  g_dbus_method_invocation_return_error_literal (
      invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, _ ("Name the nudge to hide."));
  return FALSE;
}

static gboolean
handle_dismiss_nudge_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                         const char *nudge_id, const char *week, TendAgent *self)
{
  const char *arguments[] = { "dismiss", nudge_id, week, NULL };

  if (require_collecting (self, invocation) && require_nudge_id (invocation, nudge_id))
    run_edit (self, invocation, arguments);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_snooze_nudge_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                        const char *nudge_id, const char *week, gint64 until, TendAgent *self)
{
  g_autofree char *until_text = g_strdup_printf ("%" G_GINT64_FORMAT, until);
  const char      *arguments[] = { "snooze", nudge_id, week, until_text, NULL };

  if (require_collecting (self, invocation) && require_nudge_id (invocation, nudge_id))
    run_edit (self, invocation, arguments);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_add_goal_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, const char *metric,
                    const char *comparison, double target, TendAgent *self)
{
  char        target_text[G_ASCII_DTOSTR_BUF_SIZE];
  const char *arguments[] = { "goal-add", metric, comparison, target_text, NULL };

  g_ascii_dtostr (target_text, sizeof target_text, target);
  if (require_collecting (self, invocation))
    run_edit (self, invocation, arguments);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_remove_goal_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, gint64 id,
                       TendAgent *self)
{
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char      *arguments[] = { "goal-remove", id_text, NULL };

  if (require_collecting (self, invocation))
    run_edit (self, invocation, arguments);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Sharing */

static void
previewed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call      *call = user_data;
  TendAgent *self = call->self;
  g_autoptr (GVariant) done = NULL;
  g_autoptr (GError) error = NULL;
  const char *week = NULL, *payload = NULL;

  done = tend_worker_run_finish (result, &error);
  if (done != NULL
      && (!g_variant_lookup (done, "week", "&s", &week)
          || !g_variant_lookup (done, "payload", "&s", &payload)))
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Preparing the contribution did not say what it holds."));
  if (error == NULL && self->scheduler == NULL)
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
                         _ ("You opted out meanwhile; nothing is shared."));
  if (error != NULL)
    return_error (call, error);
  else
    {
      Previewed *shown = g_new0 (Previewed, 1);

      /* Consent may name this week from now on, with the organization and collector that Sharing
       * showed beside it. */
      shown->organization = g_strdup (configured_organization (self));
      shown->collector = g_strdup (configured_collector (self));
      g_hash_table_replace (self->previewed, g_strdup (week), shown);
      g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skeleton));
      tend_dbus_agent1_complete_preview_contribution (self->skeleton, call->invocation, week,
                                                      payload);
    }
  call_free (call);
}

static gboolean
handle_preview_contribution_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                                TendAgent *self)
{
  const char *arguments[] = { "contribution", NULL };

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  /* The consent dialog shows Sharing's organization and collector beside the payload: they are
   * as configured now. */
  read_config (self);
  tend_worker_run_async (arguments, NULL, NULL, NULL, previewed_cb, call_new (self, invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_sharing_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                       gboolean enabled, const char *organization, const char *collector,
                       const char *week, TendAgent *self)
{
  g_autoptr (GError) error = NULL;
  Previewed *shown;

  /* Taking consent back always works, at once; the reply waits for its record. */
  if (!enabled)
    {
      stop_sharing (self, invocation);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  if (!require_collecting (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  read_config (self);
  shown = g_hash_table_lookup (self->previewed, week);
  if (*configured_collector (self) == '\0')
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Your organization has set up nowhere to share figures with, so "
                            "sharing cannot be switched on."));
  else if (!g_str_equal (organization, configured_organization (self))
           || !g_str_equal (collector, configured_collector (self)))
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Your organization changed who would receive your figures. Look at "
                            "what would be shared, and with whom, again before you agree."));
  else if (shown == NULL)
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("Look at what would be shared first: Tend shares nothing you have "
                            "not been shown."));
  else if (!g_str_equal (organization, shown->organization)
           || !g_str_equal (collector, shown->collector))
    g_set_error_literal (&error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                         _ ("This week was shown to you with another recipient. Look at what "
                            "would be shared, and with whom, again before you agree."));
  if (error != NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* agent.ini first: if the agent stops before the log's row is committed, the check at the
   * next start finds no matching row and turns sharing off. */
  clear_sharing (self);
  self->sharing = TRUE;
  self->sharing_organization = g_strdup (organization);
  self->sharing_collector = g_strdup (collector);
  self->sharing_week = g_strdup (week);
  self->sharing_since = g_get_real_time () / G_USEC_PER_SEC;
  if (!save_state (self, &error))
    {
      clear_sharing (self);
      update_sharing (self);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* Sharing stays disabled until the "give" row is committed; then it flips, then the reply. */
  update_sharing (self);
  log_consent (self, CONSENT_GIVE, organization, collector, week, self->sharing_since, invocation);
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
  opt_in (TEND_AGENT (user_data), NULL);
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

  /* As for ConnectAccount: only while collecting, not while opting in or out. */
  if (self->scheduler != NULL && !self->opting_out
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

  G_APPLICATION_CLASS (tend_agent_parent_class)->startup (application);

  /* A service lives as long as the session; nothing else keeps it. */
  g_application_hold (application);

  /* Tend's own configuration: the organization's file and the user's overrides. */
  read_config (self);

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
      g_auto (GStrv) leaving
          = g_key_file_get_string_list (state, STATE_GROUP, STATE_ACCOUNTS, NULL, NULL);

      opt_out (self, NULL, (const char *const *) leaving);
    }
  else if (g_key_file_get_boolean (state, STATE_GROUP, STATE_OPTED_IN, NULL))
    {
      tend_dbus_agent1_set_opted_in (self->skeleton, TRUE);
      start_collecting (self, state);
      load_sharing (self, state);
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
  g_clear_object (&self->connecting);
  g_clear_pointer (&self->leaving, g_ptr_array_unref);
  g_clear_pointer (&self->previewed, g_hash_table_unref);
  g_queue_free_full (self->consent_log, (GDestroyNotify) consent_entry_free);
  g_free (self->sharing_organization);
  g_free (self->sharing_collector);
  g_free (self->sharing_week);
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
  self->leaving = g_ptr_array_new_with_free_func (g_free);
  self->previewed
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) previewed_free);
  self->consent_log = g_queue_new ();
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
  g_signal_connect (self->skeleton, "handle-dismiss-nudge", G_CALLBACK (handle_dismiss_nudge_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-snooze-nudge", G_CALLBACK (handle_snooze_nudge_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-add-goal", G_CALLBACK (handle_add_goal_cb), self);
  g_signal_connect (self->skeleton, "handle-remove-goal", G_CALLBACK (handle_remove_goal_cb), self);
  g_signal_connect (self->skeleton, "handle-preview-contribution",
                    G_CALLBACK (handle_preview_contribution_cb), self);
  g_signal_connect (self->skeleton, "handle-set-sharing", G_CALLBACK (handle_set_sharing_cb), self);
}

TendAgent *
tend_agent_new (void)
{
  return g_object_new (TEND_TYPE_AGENT, "application-id", "dev.tend.Agent", "flags",
                       G_APPLICATION_IS_SERVICE, NULL);
}
