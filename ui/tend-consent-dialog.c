/* tend-consent-dialog.c: what sharing would send, to whom, before the person agrees
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "tend-agent-util.h"
#include "tend-consent-dialog.h"
#include "tend-metric.h"

/* The figures listed beside the literal payload; a longer payload is only shown literally. */
#define MAX_FIGURES 40

struct _TendConsentDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton           *cancel_button;
  GtkButton           *share_button;
  GtkSpinner          *spinner;
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkLabel            *intro_label;
  GtkLabel            *error_label;
  AdwActionRow        *organization_row;
  AdwActionRow        *collector_row;
  AdwPreferencesGroup *figures_group;
  GtkListBox          *figures_list;
  GtkLabel            *payload_label;

  /* Owned */
  TendDBusAgent1 *agent;
  GCancellable   *cancellable;
  char           *organization;
  char           *collector;
  char           *week;
  char           *payload;

  guint sharing : 1;
};

G_DEFINE_FINAL_TYPE (TendConsentDialog, tend_consent_dialog, ADW_TYPE_WINDOW)

/* Sharing can be agreed to only once the person saw a payload, and once at a time. Once Share
 * is pressed the agent may record consent at any moment: the dialog cannot be cancelled until it
 * answers, so that it never looks cancelled while consent was recorded. */
static void
update_actions (TendConsentDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "consent.share",
                                 self->payload != NULL && !self->sharing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "consent.cancel", !self->sharing);
  gtk_widget_set_visible (GTK_WIDGET (self->share_button),
                          self->payload != NULL || self->week == NULL);
}

static char *
format_scalar (json_t *value)
{
  if (json_is_string (value))
    return g_strdup (json_string_value (value));
  if (json_is_integer (value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) json_integer_value (value));
  if (json_is_real (value))
    return g_strdup_printf ("%g", json_real_value (value));
  if (json_is_true (value))
    return g_strdup (_ ("yes"));
  if (json_is_false (value))
    return g_strdup (_ ("no"));
  return g_strdup ("—");
}

static void
add_row (TendConsentDialog *self, const char *title, const char *subtitle, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (self->figures_list, row);
}

/* One row per figure: what it measures in words, its key as the payload spells it, and its
 * value as sent. */
static guint
add_figures (TendConsentDialog *self, json_t *root)
{
  json_t     *figures = json_object_get (root, "figures");
  json_t     *week = json_object_get (root, "week");
  const char *key;
  json_t     *value;
  guint       n_figures = 0;

  if (json_is_string (week))
    add_row (self, _ ("Week"), "week", json_string_value (week));
  if (!json_is_object (figures))
    return 0;
  json_object_foreach (figures, key, value)
  {
    g_autofree char *text = NULL;
    TendMetric       metric;

    if (n_figures >= MAX_FIGURES)
      break;
    if (json_is_integer (value) && tend_metric_from_key (key, &metric))
      {
        text = tend_metric_format_value (metric, (double) json_integer_value (value));
        add_row (self, tend_metric_get_title (metric), key, text);
      }
    else
      {
        text = format_scalar (value);
        add_row (self, key, NULL, text);
      }
    n_figures++;
  }
  return n_figures;
}

/* A readable table of the figures, read from the payload itself so that it cannot say something
 * the payload does not. */
static void
show_figures (TendConsentDialog *self)
{
  json_error_t json_error;
  json_t      *root = json_loads (self->payload, 0, &json_error);
  guint        n_figures = 0;

  if (root != NULL)
    {
      n_figures = add_figures (self, root);
      json_decref (root);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->figures_group), n_figures > 0);
}

static void
preview_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendConsentDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *week = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *description = NULL;
  g_autofree char *escaped = NULL;

  if (!tend_dbus_agent1_call_preview_contribution_finish (TEND_DBUS_AGENT1 (object), &week,
                                                          &payload, result, &error))
    {
      g_autofree char *reason = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A status page's description is markup. */
      reason = tend_agent_error_describe (error);
      escaped = g_markup_escape_text (reason, -1);
      /* Nothing was shown, so nothing can be agreed to: only Cancel is left. */
      self->week = g_strdup ("");
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      update_actions (self);
      return;
    }

  self->week = g_steal_pointer (&week);
  self->payload = g_steal_pointer (&payload);
  /* Verbatim: no markup, no reformatting, so the person reads the very bytes. */
  gtk_label_set_use_markup (self->payload_label, FALSE);
  gtk_label_set_text (self->payload_label, self->payload);
  intro = g_strdup_printf (_ ("Once a week, Tend would send the figures of the week before, like "
                              "these of week %s, to your organization’s collector. Nothing else "
                              "leaves this computer."),
                           self->week);
  gtk_label_set_text (self->intro_label, intro);
  description = g_strdup_printf (_ ("Your figures for week %s, with their noise already added: "
                                    "some may look odd, or even fall below zero."),
                                 self->week);
  /* A group's description is markup. */
  escaped = g_markup_escape_text (description, -1);
  adw_preferences_group_set_description (self->figures_group, escaped);
  show_figures (self);
  gtk_stack_set_visible_child_name (self->stack, "preview");
  update_actions (self);
}

static void
set_sharing_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendConsentDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;
  gboolean         done;

  done = tend_dbus_agent1_call_set_sharing_finish (TEND_DBUS_AGENT1 (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sharing = FALSE;
  if (done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  reason = tend_agent_error_describe (error);
  /* Translators: %s is the agent's reason, a sentence. */
  message = g_strdup_printf (_ ("Sharing was not switched on: %s"), reason);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  update_actions (self);
}

/* Consent names exactly what was shown: this organization, this collector, this week. */
static void
share_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendConsentDialog *self = TEND_CONSENT_DIALOG (widget);

  g_return_if_fail (self->payload != NULL);

  self->sharing = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  update_actions (self);
  tend_dbus_agent1_call_set_sharing (self->agent, TRUE, self->organization, self->collector,
                                     self->week, self->cancellable, set_sharing_cb,
                                     g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static gboolean
tend_consent_dialog_close_request (GtkWindow *window)
{
  TendConsentDialog *self = TEND_CONSENT_DIALOG (window);

  /* Closing now would hide an answer the agent is about to give. */
  if (self->sharing)
    return TRUE;
  return GTK_WINDOW_CLASS (tend_consent_dialog_parent_class)->close_request (window);
}

static void
tend_consent_dialog_dispose (GObject *object)
{
  TendConsentDialog *self = TEND_CONSENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agent);

  G_OBJECT_CLASS (tend_consent_dialog_parent_class)->dispose (object);
}

static void
tend_consent_dialog_finalize (GObject *object)
{
  TendConsentDialog *self = TEND_CONSENT_DIALOG (object);

  g_free (self->organization);
  g_free (self->collector);
  g_free (self->week);
  g_free (self->payload);

  G_OBJECT_CLASS (tend_consent_dialog_parent_class)->finalize (object);
}

static void
tend_consent_dialog_class_init (TendConsentDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tend_consent_dialog_dispose;
  object_class->finalize = tend_consent_dialog_finalize;
  window_class->close_request = tend_consent_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/tend/Tend/tend-consent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, share_button);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, organization_row);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, collector_row);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, figures_group);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, figures_list);
  gtk_widget_class_bind_template_child (widget_class, TendConsentDialog, payload_label);

  gtk_widget_class_install_action (widget_class, "consent.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "consent.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "consent.cancel", NULL);
}

static void
tend_consent_dialog_init (TendConsentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Enter cancels: agreeing takes a deliberate click on Share. */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->cancel_button));
  update_actions (self);
}

/* Opens over @parent and asks the agent for last week's contribution at once. */
GtkWidget *
tend_consent_dialog_new (GtkWindow *parent, TendDBusAgent1 *agent, const char *organization,
                         const char *collector)
{
  TendConsentDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TEND_DBUS_IS_AGENT1 (agent), NULL);
  g_return_val_if_fail (organization != NULL, NULL);
  g_return_val_if_fail (collector != NULL, NULL);

  self = g_object_new (TEND_TYPE_CONSENT_DIALOG, "transient-for", parent, NULL);
  self->agent = g_object_ref (agent);
  self->organization = g_strdup (organization);
  self->collector = g_strdup (collector);
  adw_action_row_set_subtitle (self->organization_row, *organization != '\0'
                                                           ? organization
                                                           : _ ("Your organization gave no name"));
  adw_action_row_set_subtitle (self->collector_row, collector);
  tend_dbus_agent1_call_preview_contribution (self->agent, self->cancellable, preview_cb,
                                              g_object_ref (self));
  return GTK_WIDGET (self);
}

/* Whether the preview is still on its way. */
gboolean
tend_consent_dialog_get_loading (TendConsentDialog *self)
{
  g_return_val_if_fail (TEND_IS_CONSENT_DIALOG (self), FALSE);

  return self->week == NULL;
}

/* The week previewed, or %NULL. */
const char *
tend_consent_dialog_get_week (TendConsentDialog *self)
{
  g_return_val_if_fail (TEND_IS_CONSENT_DIALOG (self), NULL);

  return self->payload != NULL ? self->week : NULL;
}

/* The payload as the dialog shows it, or %NULL when none is shown. */
const char *
tend_consent_dialog_get_payload (TendConsentDialog *self)
{
  g_return_val_if_fail (TEND_IS_CONSENT_DIALOG (self), NULL);

  if (self->payload == NULL)
    return NULL;
  return gtk_label_get_text (self->payload_label);
}

/* Why there is nothing to agree to, or %NULL. */
const char *
tend_consent_dialog_get_error (TendConsentDialog *self)
{
  g_return_val_if_fail (TEND_IS_CONSENT_DIALOG (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") != 0)
    return NULL;
  return adw_status_page_get_description (self->error_page);
}
