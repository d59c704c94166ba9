/* tend-agent.c: the per-user agent service
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-agent"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-agent.h"
#include "tend-dbus.h"
#include "tend-importer.h"
#include "tend-store.h"

#define AGENT_OBJECT_PATH "/dev/tend/Agent"
#define STATE_GROUP "agent"
#define STATE_OPTED_IN "opted-in"

struct _TendAgent
{
  GApplication parent_instance;

  /* Owned */
  TendDBusAgent1 *skeleton;
  char           *state_path; /* $XDG_CONFIG_HOME/tend/agent.ini: the opt-in state */
  TendStore      *store;      /* NULL until the user opts in */
  GCancellable   *importing;  /* non-NULL while an import runs */
  gboolean        delete_after_import;
};

G_DEFINE_FINAL_TYPE (TendAgent, tend_agent, G_TYPE_APPLICATION)

static const GDBusErrorEntry agent_error_entries[] = {
  { TEND_AGENT_ERROR_FAILED, "dev.tend.Agent1.Error.Failed" },
  { TEND_AGENT_ERROR_NOT_OPTED_IN, "dev.tend.Agent1.Error.NotOptedIn" },
  { TEND_AGENT_ERROR_BUSY, "dev.tend.Agent1.Error.Busy" },
};

GQuark
tend_agent_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("tend-agent-error-quark", &quark, agent_error_entries,
                                      G_N_ELEMENTS (agent_error_entries));
  return (GQuark) quark;
}

/* The opt-in state is the one file the agent reads before opt-in (invariant 1): its own. */
static gboolean
load_opted_in (TendAgent *self)
{
  g_autoptr (GKeyFile) state = g_key_file_new ();

  if (!g_key_file_load_from_file (state, self->state_path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  return g_key_file_get_boolean (state, STATE_GROUP, STATE_OPTED_IN, NULL);
}

static gboolean
save_opted_in (TendAgent *self, gboolean opted_in, GError **error)
{
  g_autoptr (GKeyFile) state = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (self->state_path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                   _ ("Cannot create the folder %s"), dir);
      return FALSE;
    }
  g_key_file_set_boolean (state, STATE_GROUP, STATE_OPTED_IN, opted_in);
  return g_key_file_save_to_file (state, self->state_path, error);
}

static gboolean
open_store (TendAgent *self, GError **error)
{
  g_autofree char *path = tend_store_get_default_path ();

  if (self->store != NULL)
    return TRUE;
  self->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, error);
  return self->store != NULL;
}

/* Opting out with delete_everything removes the database and its journals (invariant 8). */
static void
delete_everything (TendAgent *self)
{
  g_autofree char *path = tend_store_get_default_path ();
  g_autoptr (GError) error = NULL;

  g_clear_object (&self->store);
  if (!tend_store_delete_files (path, &error))
    g_warning ("Could not delete the database: %s", error->message);
}

static gboolean
handle_opt_in_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  if (!save_opted_in (self, TRUE, &error) || !open_store (self, &error))
    {
      g_dbus_method_invocation_return_error_literal (invocation, TEND_AGENT_ERROR,
                                                     TEND_AGENT_ERROR_FAILED, error->message);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  tend_dbus_agent1_set_opted_in (skeleton, TRUE);
  tend_dbus_agent1_complete_opt_in (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_opt_out_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation, gboolean delete,
                   TendAgent *self)
{
  g_autoptr (GError) error = NULL;

  if (!save_opted_in (self, FALSE, &error))
    {
      g_dbus_method_invocation_return_error_literal (invocation, TEND_AGENT_ERROR,
                                                     TEND_AGENT_ERROR_FAILED, error->message);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  tend_dbus_agent1_set_opted_in (skeleton, FALSE);

  /* Collection stops now; a running import is told to stop, and the files go when it has. */
  if (self->importing != NULL)
    {
      g_cancellable_cancel (self->importing);
      self->delete_after_import = delete;
    }
  else if (delete)
    delete_everything (self);
  else
    g_clear_object (&self->store);

  tend_dbus_agent1_complete_opt_out (skeleton, invocation);
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

typedef struct
{
  TendImporter          *importer;
  char                 **paths;
  GDBusMethodInvocation *invocation;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_object_unref (data->importer);
  g_strfreev (data->paths);
  g_clear_object (&data->invocation);
  g_free (data);
}

static void
import_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (GError) error = NULL;

  if (!tend_importer_run (data->importer, (const char *const *) data->paths, report, cancellable,
                          &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&report),
                           (GDestroyNotify) tend_import_report_free);
}

static void
import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TendAgent  *self = TEND_AGENT (source);
  ImportData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (TendImportReport) report = NULL;
  g_autoptr (GError) error = NULL;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  g_clear_object (&self->importing);

  if (!tend_dbus_agent1_get_opted_in (self->skeleton))
    {
      if (self->delete_after_import)
        delete_everything (self);
      else
        g_clear_object (&self->store);
      self->delete_after_import = FALSE;
    }

  if (report == NULL)
    g_dbus_method_invocation_return_error_literal (g_steal_pointer (&data->invocation),
                                                   TEND_AGENT_ERROR, TEND_AGENT_ERROR_FAILED,
                                                   error->message);
  else
    {
      if (report->messages_added + report->events_added + report->events_removed > 0)
        tend_dbus_agent1_emit_data_changed (self->skeleton);
      tend_dbus_agent1_complete_import (self->skeleton, g_steal_pointer (&data->invocation),
                                        summary_to_variant (report));
    }
  g_application_release (G_APPLICATION (self));
}

static gboolean
handle_import_cb (TendDBusAgent1 *skeleton, GDBusMethodInvocation *invocation,
                  const char *const *paths, TendAgent *self)
{
  g_autoptr (GTask) task = NULL;
  ImportData *data;

  if (!tend_dbus_agent1_get_opted_in (skeleton))
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_NOT_OPTED_IN,
          _ ("Tend reads nothing until you opt in. Opt in first, then import."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (self->importing != NULL)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, TEND_AGENT_ERROR, TEND_AGENT_ERROR_BUSY,
          _ ("Another import is running; try again when it has finished."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* The store is used by the import thread alone until the import is done. */
  data = g_new0 (ImportData, 1);
  data->importer = tend_importer_new (self->store);
  data->paths = g_strdupv ((char **) paths);
  /* The handler owns the invocation until it is answered: the task carries it there. */
  data->invocation = invocation;
  self->importing = g_cancellable_new ();
  g_application_hold (G_APPLICATION (self));

  task = g_task_new (self, self->importing, import_done_cb, NULL);
  g_task_set_source_tag (task, handle_import_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
tend_agent_dbus_register (GApplication *application, GDBusConnection *connection,
                          const char *object_path, GError **error)
{
  TendAgent *self = TEND_AGENT (application);

  if (!G_APPLICATION_CLASS (tend_agent_parent_class)
           ->dbus_register (application, connection, object_path, error))
    return FALSE;

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           AGENT_OBJECT_PATH, error);
}

static void
tend_agent_dbus_unregister (GApplication *application, GDBusConnection *connection,
                            const char *object_path)
{
  TendAgent *self = TEND_AGENT (application);

  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                                      connection);

  G_APPLICATION_CLASS (tend_agent_parent_class)
      ->dbus_unregister (application, connection, object_path);
}

static void
tend_agent_startup (GApplication *application)
{
  TendAgent *self = TEND_AGENT (application);
  g_autoptr (GError) error = NULL;

  G_APPLICATION_CLASS (tend_agent_parent_class)->startup (application);

  /* A service lives as long as the session; nothing else keeps it. */
  g_application_hold (application);

  if (load_opted_in (self))
    {
      if (!open_store (self, &error))
        g_warning ("Could not open the database: %s", error->message);
      tend_dbus_agent1_set_opted_in (self->skeleton, TRUE);
    }
}

static void
tend_agent_finalize (GObject *object)
{
  TendAgent *self = (TendAgent *) object;

  g_clear_object (&self->skeleton);
  g_clear_object (&self->store);
  g_clear_object (&self->importing);
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
  application_class->dbus_register = tend_agent_dbus_register;
  application_class->dbus_unregister = tend_agent_dbus_unregister;
}

static void
tend_agent_init (TendAgent *self)
{
  self->state_path = g_build_filename (g_get_user_config_dir (), "tend", "agent.ini", NULL);
  self->skeleton = tend_dbus_agent1_skeleton_new ();
  g_signal_connect (self->skeleton, "handle-opt-in", G_CALLBACK (handle_opt_in_cb), self);
  g_signal_connect (self->skeleton, "handle-opt-out", G_CALLBACK (handle_opt_out_cb), self);
  g_signal_connect (self->skeleton, "handle-import", G_CALLBACK (handle_import_cb), self);
}

TendAgent *
tend_agent_new (void)
{
  return g_object_new (TEND_TYPE_AGENT, "application-id", "dev.tend.Agent", "flags",
                       G_APPLICATION_IS_SERVICE, NULL);
}
