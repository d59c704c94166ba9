/* tend-connect-page.c: after opting in, the way to one's own data
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-agent-util.h"
#include "tend-connect-page.h"

/* Pulses of the first sync's bar while the agent does not know how much there is. */
#define PULSE_MS 150

typedef enum
{
  STATE_IDLE,
  STATE_CONNECTING,
  STATE_SYNCING,
  STATE_IMPORTING,
} State;

struct _TendConnectPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkBox         *providers_box;
  GtkWidget      *status_box;
  GtkSpinner     *spinner;
  GtkLabel       *status_label;
  GtkLabel       *code_label;
  GtkProgressBar *progress_bar;
  GtkWidget      *cancel_button;
  GtkLabel       *message_label;
  GtkWidget      *done_button;
  GtkWidget      *demo_button;

  /* The first configured provider's button, inside @providers_box */
  GtkWidget *suggested_button;

  /* Owned */
  TendDBusAgent1       *agent;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *provider;
  char                 *provider_name;
  char                 *account;

  State state;
  guint pulse_id;
  guint has_data : 1;
};

G_DEFINE_FINAL_TYPE (TendConnectPage, tend_connect_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_AGENT,
  N_PROPS
};

enum
{
  DONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static gboolean
pulse_cb (gpointer user_data)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (user_data);

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (TendConnectPage *self, gboolean pulsing)
{
  if (pulsing && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (PULSE_MS, pulse_cb, self);
  else if (!pulsing)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
update_view (TendConnectPage *self)
{
  GtkWidget  *widget = GTK_WIDGET (self);
  gboolean    idle = self->state == STATE_IDLE;
  gboolean    waiting = self->state == STATE_CONNECTING || self->state == STATE_IMPORTING;
  const char *status = NULL;

  gtk_widget_action_set_enabled (widget, "connect.connect", self->agent != NULL && idle);
  gtk_widget_action_set_enabled (widget, "connect.choose-files", self->agent != NULL && idle);
  gtk_widget_action_set_enabled (widget, "connect.cancel", self->state == STATE_CONNECTING);
  gtk_widget_action_set_enabled (widget, "connect.done", self->has_data && idle);

  if (self->state == STATE_CONNECTING)
    status = _ ("Waiting for you to sign in in your browser…");
  else if (self->state == STATE_IMPORTING)
    status = _ ("Importing…");
  gtk_widget_set_visible (self->status_box, !idle);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), waiting);
  gtk_spinner_set_spinning (self->spinner, waiting);
  if (status != NULL)
    gtk_label_set_label (self->status_label, status);
  gtk_widget_set_visible (self->cancel_button, self->state == STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), self->state == STATE_SYNCING);
  if (self->state != STATE_CONNECTING)
    gtk_widget_set_visible (GTK_WIDGET (self->code_label), FALSE);
  if (self->state != STATE_SYNCING)
    set_pulsing (self, FALSE);
  gtk_widget_set_visible (self->done_button, self->has_data && idle);
  /* With data of one's own, the demo has served its purpose and the week is the next step. */
  gtk_widget_set_visible (self->demo_button, !self->has_data);
  if (self->suggested_button != NULL && self->has_data)
    gtk_widget_remove_css_class (self->suggested_button, "suggested-action");
  else if (self->suggested_button != NULL)
    gtk_widget_add_css_class (self->suggested_button, "suggested-action");
}

static void
set_state (TendConnectPage *self, State state)
{
  self->state = state;
  if (state == STATE_IDLE)
    g_clear_object (&self->cancellable);
  update_view (self);
}

static void
set_message (TendConnectPage *self, const char *message, gboolean is_error)
{
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

/* Sign-in */

/* The account's details in the agent's Accounts, or NULL while it is not listed yet. */
static GVariant *
lookup_account (TendConnectPage *self)
{
  GVariant    *accounts = tend_dbus_agent1_get_accounts (self->agent);
  GVariantIter iter;
  const char  *provider;
  const char  *name;
  GVariant    *details;

  if (accounts == NULL)
    return NULL;
  g_variant_iter_init (&iter, accounts);
  while (g_variant_iter_next (&iter, "(&s&s@a{sv})", &provider, &name, &details))
    {
      if (g_strcmp0 (provider, self->provider) == 0 && g_strcmp0 (name, self->account) == 0)
        return details;
      g_variant_unref (details);
    }
  return NULL;
}

/* The first sync's bar: items done against items known, over the account's collections; a
 * pulse while the agent does not know the total yet. */
static void
update_progress (TendConnectPage *self)
{
  guint64 done;
  guint64 total;

  tend_agent_account_progress (self->agent, self->provider, self->account, &done, &total);
  set_pulsing (self, total == 0);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) done / total));
}

/* Follows the account from the sign-in to the end of its first sync, then leads on. */
static void
follow_first_sync (TendConnectPage *self)
{
  g_autoptr (GVariant) details = NULL;
  const char      *state = "";
  const char      *last_error = "";
  g_autofree char *message = NULL;

  if (self->state != STATE_SYNCING)
    return;
  update_progress (self);
  if ((details = lookup_account (self)) == NULL)
    return;
  g_variant_lookup (details, "state", "&s", &state);
  g_variant_lookup (details, "last-error", "&s", &last_error);
  /* An account signed in to again may have synced before: any sync under way is followed. */
  if (tend_agent_account_in_first_sync (details) || g_str_equal (state, "syncing")
      || g_str_equal (state, "waiting"))
    return;

  if (g_str_equal (state, "idle"))
    {
      set_state (self, STATE_IDLE);
      g_signal_emit (self, signals[DONE], 0);
      return;
    }
  if (g_str_equal (state, "offline"))
    message = g_strdup_printf (_ ("Tend could not reach %s. The first sync starts when the "
                                  "network is back."),
                               self->provider_name);
  else if (g_str_equal (state, "paused"))
    message = g_strdup (_ ("Collection is paused. The first sync starts when you resume it."));
  else if (*last_error != '\0')
    message = g_strdup_printf (_ ("The first sync failed: %s"), last_error);
  else
    message = g_strdup (_ ("The first sync failed. Try connecting again."));
  set_state (self, STATE_IDLE);
  set_message (self, message, TRUE);
}

static void
agent_accounts_cb (TendDBusAgent1 *agent, GParamSpec *pspec, TendConnectPage *self)
{
  follow_first_sync (self);
}

static void
device_code_cb (TendDBusAgent1 *agent, const char *provider, const char *user_code,
                const char *verification_uri, gint64 expires_at, TendConnectPage *self)
{
  g_autofree char *text = NULL;

  if (self->state != STATE_CONNECTING || g_strcmp0 (provider, self->provider) != 0)
    return;
  text = tend_device_code_describe (user_code, verification_uri);
  gtk_label_set_label (self->code_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->code_label), TRUE);
}

static void
connect_account_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendConnectPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *account
      = tend_agent_connect_account_finish (G_DBUS_PROXY (object), result, &error);
  g_autofree char *message = NULL;
  g_autofree char *status = NULL;

  if (account == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = tend_agent_error_describe (error);
      set_state (self, STATE_IDLE);
      set_message (self, message, TRUE);
      return;
    }

  g_free (self->account);
  self->account = g_steal_pointer (&account);
  /* Translators: %1$s is an account such as “me@example.org”, %2$s a provider such as
   * “Google”. */
  status = g_strdup_printf (_ ("Syncing %1$s from %2$s for the first time…"), self->account,
                            self->provider_name);
  gtk_label_set_label (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  set_state (self, STATE_SYNCING);
  follow_first_sync (self);
}

static void
connect_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (widget);
  const char      *id = g_variant_get_string (parameter, NULL);
  GVariant        *providers = tend_dbus_agent1_get_providers (self->agent);
  GVariantIter     iter;
  const char      *provider;
  const char      *name;

  g_return_if_fail (self->agent != NULL);
  g_return_if_fail (self->state == STATE_IDLE);

  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->provider_name, g_free);
  g_clear_pointer (&self->account, g_free);
  self->provider = g_strdup (id);
  if (providers != NULL)
    {
      g_variant_iter_init (&iter, providers);
      while (g_variant_iter_next (&iter, "(&s&sb)", &provider, &name, NULL))
        if (g_str_equal (provider, id))
          self->provider_name = g_strdup (tend_provider_display_name (provider, name));
    }
  if (self->provider_name == NULL)
    self->provider_name = g_strdup (id);

  set_message (self, NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  set_state (self, STATE_CONNECTING);
  /* It returns once the person has signed in. */
  tend_agent_connect_account (G_DBUS_PROXY (self->agent), id, self->cancellable, connect_account_cb,
                              g_object_ref (self));
}

/* Stops waiting; the agent gives up the sign-in itself when the browser never comes back. */
static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_state (self, STATE_IDLE);
}

static void
done_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[DONE], 0);
}

static GtkWidget *
new_provider_button (TendConnectPage *self, const char *id, const char *name, gboolean configured)
{
  /* Translators: %s is a provider such as “Microsoft 365” or “Google”. */
  g_autofree char *label = g_strdup_printf (_ ("Connect %s"), name);
  GtkWidget       *button = gtk_button_new_with_label (label);
  GtkWidget       *box;
  GtkWidget       *note;
  const char      *why;

  gtk_widget_add_css_class (button, "pill");
  if (configured)
    {
      g_autofree char *tooltip = g_strdup_printf (_ ("Sign in to %s in your browser"), name);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "connect.connect");
      gtk_widget_set_tooltip_text (button, tooltip);
      return button;
    }

  why = _ ("Your organization has not set this up");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  note = gtk_label_new (why);
  gtk_widget_set_sensitive (button, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, why,
                                  -1);
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_justify (GTK_LABEL (note), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_add_css_class (note, "caption");
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), note);
  return box;
}

/* One button per provider, those one can use first. Those the organization has not set up are
 * shown, insensitive, so that nobody looks for them in vain; a generic one that is not set up
 * means nothing to show. */
static void
update_providers (TendConnectPage *self)
{
  GVariant  *providers = self->agent != NULL ? tend_dbus_agent1_get_providers (self->agent) : NULL;
  GtkWidget *child;
  GVariantIter iter;
  const char  *id;
  const char  *name;
  gboolean     configured;

  self->suggested_button = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->providers_box))) != NULL)
    gtk_box_remove (self->providers_box, child);
  if (providers == NULL)
    return;

  for (int usable = 1; usable >= 0; usable--)
    {
      g_variant_iter_init (&iter, providers);
      while (g_variant_iter_next (&iter, "(&s&sb)", &id, &name, &configured))
        {
          GtkWidget *button;

          /* Only the public providers are worth showing while not set up. */
          if (configured != usable
              || (!configured && !g_str_equal (id, "microsoft") && !g_str_equal (id, "google")))
            continue;
          button
              = new_provider_button (self, id, tend_provider_display_name (id, name), configured);
          if (configured && self->suggested_button == NULL)
            self->suggested_button = button;
          gtk_box_append (self->providers_box, button);
        }
    }
}

static void
agent_providers_cb (TendDBusAgent1 *agent, GParamSpec *pspec, TendConnectPage *self)
{
  update_providers (self);
  update_view (self);
}

/* Import */

static char *
describe_summary (GVariant *summary)
{
  guint32 messages = 0, known_messages = 0, events = 0, known_events = 0;
  guint32 count, skipped = 0;
  g_autoptr (GVariant) reasons = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *messages_text = NULL;
  g_autofree char *events_text = NULL;
  GVariantIter     iter;

  g_variant_lookup (summary, "messages_added", "u", &messages);
  g_variant_lookup (summary, "messages_unchanged", "u", &known_messages);
  g_variant_lookup (summary, "events_added", "u", &events);
  g_variant_lookup (summary, "events_unchanged", "u", &known_events);
  reasons = g_variant_lookup_value (summary, "skipped", G_VARIANT_TYPE ("a{su}"));
  if (reasons != NULL)
    {
      g_variant_iter_init (&iter, reasons);
      while (g_variant_iter_next (&iter, "{&su}", NULL, &count))
        skipped += count;
    }

  /* The ' flag groups the digits as the person's language does: “1 204”. */
  messages_text = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%'u message", "%'u messages", messages), messages);
  events_text
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u event", "%'u events", events), events);
  if (messages + events > 0)
    /* Translators: %1$s is a count such as “1 204 messages”, %2$s one such as “56 events”. */
    g_string_append_printf (text, _ ("Imported %1$s and %2$s."), messages_text, events_text);
  else
    g_string_append (text, _ ("Nothing new was found in these files."));
  if (known_messages + known_events > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "%'u item was already known.",
                                           "%'u items were already known.",
                                           known_messages + known_events),
                              known_messages + known_events);
    }
  if (skipped > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (
          text,
          g_dngettext (GETTEXT_PACKAGE, "%'u item was skipped: it could not be read.",
                       "%'u items were skipped: they could not be read.", skipped),
          skipped);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
import_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendConnectPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (object), result, &error);
  g_autoptr (GVariant) summary = NULL;
  g_autofree char *message = NULL;

  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_state (self, STATE_IDLE);
  if (reply == NULL)
    {
      g_autofree char *reason = tend_agent_error_describe (error);

      message = g_strdup_printf (_ ("Could not import: %s"), reason);
      set_message (self, message, TRUE);
      return;
    }
  g_variant_get (reply, "(@a{sv})", &summary);
  message = describe_summary (summary);
  set_message (self, message, FALSE);
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, TendConnectPage *self)
{
  g_autoptr (GListModel) files = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);

          if (path != NULL)
            g_ptr_array_add (paths, path);
        }
    }
  g_clear_object (&self->chooser);
  if (paths->len == 0)
    return;
  g_ptr_array_add (paths, NULL);
  /* Through the window's action, which tests and the menu use as well. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.import-paths", "^as", paths->pdata);
}

static void
choose_files_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  tend_connect_page_choose_files (TEND_CONNECT_PAGE (widget));
}

static void
tend_connect_page_dispose (GObject *object)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->agent);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->provider_name, g_free);
  g_clear_pointer (&self->account, g_free);

  G_OBJECT_CLASS (tend_connect_page_parent_class)->dispose (object);
}

static void
tend_connect_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_connect_page_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  TendConnectPage *self = TEND_CONNECT_PAGE (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      tend_connect_page_set_agent (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_connect_page_class_init (TendConnectPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_connect_page_dispose;
  object_class->get_property = tend_connect_page_get_property;
  object_class->set_property = tend_connect_page_set_property;

  properties[PROP_AGENT]
      = g_param_spec_object ("agent", NULL, NULL, TEND_DBUS_TYPE_AGENT1,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The person is done here: an account finished its first sync, or they asked for the week. */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-connect-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, providers_box);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, status_box);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, done_button);
  gtk_widget_class_bind_template_child (widget_class, TendConnectPage, demo_button);

  gtk_widget_class_install_action (widget_class, "connect.connect", "s", connect_action);
  gtk_widget_class_install_action (widget_class, "connect.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "connect.choose-files", NULL, choose_files_action);
  gtk_widget_class_install_action (widget_class, "connect.done", NULL, done_action);
}

static void
tend_connect_page_init (TendConnectPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_view (self);
}

GtkWidget *
tend_connect_page_new (void)
{
  return g_object_new (TEND_TYPE_CONNECT_PAGE, NULL);
}

/* The agent to connect and import through; NULL while it is not running, which ends whatever
 * was under way. */
void
tend_connect_page_set_agent (TendConnectPage *self, TendDBusAgent1 *agent)
{
  g_return_if_fail (TEND_IS_CONNECT_PAGE (self));
  g_return_if_fail (agent == NULL || TEND_DBUS_IS_AGENT1 (agent));

  if (self->agent == agent)
    return;
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_set_object (&self->agent, agent);
  if (agent != NULL)
    {
      g_signal_connect_object (agent, "notify::providers", G_CALLBACK (agent_providers_cb), self,
                               G_CONNECT_DEFAULT);
      g_signal_connect_object (agent, "notify::accounts", G_CALLBACK (agent_accounts_cb), self,
                               G_CONNECT_DEFAULT);
      g_signal_connect_object (agent, "notify::sources", G_CALLBACK (agent_accounts_cb), self,
                               G_CONNECT_DEFAULT);
      g_signal_connect_object (agent, "device-code", G_CALLBACK (device_code_cb), self,
                               G_CONNECT_DEFAULT);
    }
  else
    {
      g_cancellable_cancel (self->cancellable);
      set_state (self, STATE_IDLE);
    }
  update_providers (self);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}

void
tend_connect_page_set_has_data (TendConnectPage *self, gboolean has_data)
{
  g_return_if_fail (TEND_IS_CONNECT_PAGE (self));

  self->has_data = !!has_data;
  update_view (self);
}

gboolean
tend_connect_page_get_busy (TendConnectPage *self)
{
  g_return_val_if_fail (TEND_IS_CONNECT_PAGE (self), FALSE);

  return self->state != STATE_IDLE;
}

const char *
tend_connect_page_get_message (TendConnectPage *self)
{
  g_return_val_if_fail (TEND_IS_CONNECT_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_label (self->message_label);
}

/* Asks the agent to import @paths (absolute: mbox files, Maildir folders, .eml messages, .ics
 * calendars); the summary, or why it failed, is shown in place. */
void
tend_connect_page_import (TendConnectPage *self, const char *const *paths)
{
  g_return_if_fail (TEND_IS_CONNECT_PAGE (self));
  g_return_if_fail (paths != NULL);

  if (self->agent == NULL || self->state != STATE_IDLE)
    return;
  set_message (self, NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  set_state (self, STATE_IMPORTING);
  /* A large mailbox takes minutes: no D-Bus timeout. */
  g_dbus_proxy_call (
      G_DBUS_PROXY (self->agent), "Import",
      g_variant_new ("(^as@a{sv})", paths, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
      G_DBUS_CALL_FLAGS_NONE, G_MAXINT, self->cancellable, import_cb, g_object_ref (self));
}

/* GTK 4.8 has no GtkFileDialog; the native chooser goes through the portal where there is one. */
void
tend_connect_page_choose_files (TendConnectPage *self)
{
  GtkRoot       *root;
  GtkFileFilter *filter;

  g_return_if_fail (TEND_IS_CONNECT_PAGE (self));

  if (self->chooser != NULL || self->agent == NULL || self->state != STATE_IDLE)
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_ ("Import Files"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("Mail and Calendar Files"));
  gtk_file_filter_add_mime_type (filter, "application/mbox");
  gtk_file_filter_add_mime_type (filter, "message/rfc822");
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_filter_add_suffix (filter, "mbox");
  gtk_file_filter_add_suffix (filter, "eml");
  gtk_file_filter_add_suffix (filter, "ics");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);
  /* Mailboxes exported by some programs have no suffix at all (“Inbox”). */
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("All Files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_object_unref (filter);

  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
