/* tend-welcome-page.c: what Tend does, and the way in
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-agent-util.h"
#include "tend-welcome-page.h"

struct _TendWelcomePage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkSpinner *spinner;
  GtkLabel   *error_label;

  /* Owned */
  TendDBusAgent1 *agent;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (TendWelcomePage, tend_welcome_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_AGENT,
  N_PROPS
};

enum
{
  OPTED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* Opting in can only be asked of a running agent, and once at a time. */
static void
update_actions (TendWelcomePage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.opt-in",
                                 self->agent != NULL && self->cancellable == NULL);
}

static void
set_busy (TendWelcomePage *self, gboolean busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  if (!busy)
    g_clear_object (&self->cancellable);
  update_actions (self);
}

/* The window moves on when the agent's OptedIn changes; "opted-in" tells it when the agent
 * has also made the database. */
static void
opt_in_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendWelcomePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (tend_dbus_agent1_call_opt_in_finish (TEND_DBUS_AGENT1 (object), result, &error))
    {
      set_busy (self, FALSE);
      g_signal_emit (self, signals[OPTED_IN], 0);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  reason = tend_agent_error_describe (error);
  /* Translators: %s is the reason, a sentence. */
  message = g_strdup_printf (_ ("Could not opt in: %s"), reason);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  set_busy (self, FALSE);
}

static void
opt_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWelcomePage *self = TEND_WELCOME_PAGE (widget);

  g_return_if_fail (self->agent != NULL);
  g_return_if_fail (self->cancellable == NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  tend_dbus_agent1_call_opt_in (self->agent, self->cancellable, opt_in_cb, g_object_ref (self));
}

static void
tend_welcome_page_dispose (GObject *object)
{
  TendWelcomePage *self = TEND_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agent);

  G_OBJECT_CLASS (tend_welcome_page_parent_class)->dispose (object);
}

static void
tend_welcome_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendWelcomePage *self = TEND_WELCOME_PAGE (object);

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
tend_welcome_page_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  TendWelcomePage *self = TEND_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      tend_welcome_page_set_agent (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_welcome_page_class_init (TendWelcomePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_welcome_page_dispose;
  object_class->get_property = tend_welcome_page_get_property;
  object_class->set_property = tend_welcome_page_set_property;

  properties[PROP_AGENT]
      = g_param_spec_object ("agent", NULL, NULL, TEND_DBUS_TYPE_AGENT1,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPTED_IN] = g_signal_new ("opted-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendWelcomePage, error_label);

  gtk_widget_class_install_action (widget_class, "welcome.opt-in", NULL, opt_in_action);
}

static void
tend_welcome_page_init (TendWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
tend_welcome_page_new (void)
{
  return g_object_new (TEND_TYPE_WELCOME_PAGE, NULL);
}

TendDBusAgent1 *
tend_welcome_page_get_agent (TendWelcomePage *self)
{
  g_return_val_if_fail (TEND_IS_WELCOME_PAGE (self), NULL);

  return self->agent;
}

/* The agent to opt in with; NULL while it is not running. */
void
tend_welcome_page_set_agent (TendWelcomePage *self, TendDBusAgent1 *agent)
{
  g_return_if_fail (TEND_IS_WELCOME_PAGE (self));
  g_return_if_fail (agent == NULL || TEND_DBUS_IS_AGENT1 (agent));

  if (!g_set_object (&self->agent, agent))
    return;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}
