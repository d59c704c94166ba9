/* tend-application.c: the window's application, dev.tend.Tend
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-application.h"
#include "tend-preferences-window.h"
#include "tend-week.h"
#include "tend-window.h"

struct _TendApplication
{
  AdwApplication parent_instance;

  /* Owned */
  TendDBusAgent1 *proxy;
  GCancellable   *cancellable;

  /* Borrowed: the one preferences window, while it is open */
  GtkWidget *preferences;

  /* Whether the attempt to reach the agent has finished, one way or the other. */
  guint agent_ready : 1;
  guint opted_in : 1;
};

G_DEFINE_FINAL_TYPE (TendApplication, tend_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_AGENT,
  PROP_AGENT_READY,
  PROP_OPTED_IN,
  N_PROPS
};

enum
{
  DATA_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void create_proxy (TendApplication *self, GDBusProxyFlags flags);

static gboolean
agent_has_owner (TendApplication *self)
{
  g_autofree char *owner = NULL;

  if (self->proxy == NULL)
    return FALSE;
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->proxy));
  return owner != NULL;
}

/* The agent's properties vanish from the proxy's cache when the agent goes away, so OptedIn
 * reads FALSE then: the window shows the demo instead of a page it cannot fill. */
static void
update_state (TendApplication *self)
{
  gboolean opted_in = agent_has_owner (self) && tend_dbus_agent1_get_opted_in (self->proxy);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
  if (opted_in != self->opted_in)
    {
      self->opted_in = opted_in;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPTED_IN]);
    }
}

static void
set_agent_ready (TendApplication *self)
{
  if (self->agent_ready)
    return;
  self->agent_ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_READY]);
}

static void
properties_changed_cb (GDBusProxy *proxy, GVariant *changed, const char *const *invalidated,
                       TendApplication *self)
{
  update_state (self);
}

static void
name_owner_changed_cb (GObject *proxy, GParamSpec *pspec, TendApplication *self)
{
  update_state (self);
}

static void
data_changed_cb (TendDBusAgent1 *proxy, TendApplication *self)
{
  g_signal_emit (self, signals[DATA_CHANGED], 0);
}

static void
proxy_ready_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  TendDBusAgent1 *proxy = tend_dbus_agent1_proxy_new_for_bus_finish (result, &error);

  if (proxy == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Activation failed (the agent is not installed or would not start): follow the name
       * without starting it, so the window notices an agent started later. */
      g_debug ("Could not start Tend’s agent: %s", error->message);
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED)
          || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_SIGNALED))
        {
          create_proxy (self, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START);
          return;
        }
      set_agent_ready (self);
      return;
    }

  self->proxy = proxy;
  g_signal_connect_object (proxy, "g-properties-changed", G_CALLBACK (properties_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (proxy, "notify::g-name-owner", G_CALLBACK (name_owner_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (proxy, "data-changed", G_CALLBACK (data_changed_cb), self,
                           G_CONNECT_DEFAULT);
  update_state (self);
  set_agent_ready (self);
}

/* Without DO_NOT_AUTO_START the bus starts the agent when it is not running (D-Bus activation),
 * asynchronously: the window opens at once and follows. */
static void
create_proxy (TendApplication *self, GDBusProxyFlags flags)
{
  tend_dbus_agent1_proxy_new_for_bus (G_BUS_TYPE_SESSION, flags, "dev.tend.Agent",
                                      "/dev/tend/Agent", self->cancellable, proxy_ready_cb,
                                      g_object_ref (self));
}

static TendWindow *
ensure_window (TendApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (tend_window_new (self));
  return TEND_WINDOW (window);
}

static void
show_week_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendApplication *self = TEND_APPLICATION (user_data);
  g_autoptr (GError) error = NULL;
  TendWindow *window;
  TendWeek    week;

  /* Whoever sent the week (the agent's notification, another program) is told nothing back;
   * a malformed week still opens the window, on its current week. */
  window = ensure_window (self);
  if (tend_week_parse (g_variant_get_string (parameter, NULL), &week, &error))
    tend_window_show_week (window, &week);
  else
    g_debug ("Ignoring show-week: %s", error->message);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendApplication *self = TEND_APPLICATION (user_data);
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget       *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", window, "application-name",
                        _ ("Tend"), "application-icon", APPLICATION_ID "-symbolic", "version",
                        PACKAGE_VERSION, "comments", _ ("A private coach for your work habits"),
                        "license-type", GTK_LICENSE_AGPL_3_0, "translator-credits",
                        _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* One preferences window at a time, over the window it was asked from. */
static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendApplication *self = TEND_APPLICATION (user_data);
  GtkWindow       *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->preferences == NULL)
    {
      self->preferences = tend_preferences_window_new (self);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      if (window != NULL)
        gtk_window_set_transient_for (GTK_WINDOW (self->preferences), window);
    }
  gtk_window_present (GTK_WINDOW (self->preferences));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "show-week", show_week_action, "s" },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

static void
tend_application_startup (GApplication *application)
{
  TendApplication   *self = TEND_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (tend_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  /* GtkWindow's own action. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  create_proxy (self, G_DBUS_PROXY_FLAGS_NONE);
}

static void
tend_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ensure_window (TEND_APPLICATION (application))));
}

static void
tend_application_shutdown (GApplication *application)
{
  TendApplication *self = TEND_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  G_APPLICATION_CLASS (tend_application_parent_class)->shutdown (application);
}

static void
tend_application_dispose (GObject *object)
{
  TendApplication *self = TEND_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->preferences != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
  self->preferences = NULL;
  g_clear_object (&self->proxy);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tend_application_parent_class)->dispose (object);
}

static void
tend_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendApplication *self = TEND_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_object (value, tend_application_get_agent (self));
      break;
    case PROP_AGENT_READY:
      g_value_set_boolean (value, self->agent_ready);
      break;
    case PROP_OPTED_IN:
      g_value_set_boolean (value, self->opted_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_application_class_init (TendApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tend_application_dispose;
  object_class->get_property = tend_application_get_property;

  application_class->startup = tend_application_startup;
  application_class->activate = tend_application_activate;
  application_class->shutdown = tend_application_shutdown;

  properties[PROP_AGENT]
      = g_param_spec_object ("agent", NULL, NULL, TEND_DBUS_TYPE_AGENT1,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AGENT_READY]
      = g_param_spec_boolean ("agent-ready", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OPTED_IN]
      = g_param_spec_boolean ("opted-in", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tend_application_init (TendApplication *self)
{
  self->cancellable = g_cancellable_new ();
}

TendApplication *
tend_application_new (void)
{
  return g_object_new (TEND_TYPE_APPLICATION, "application-id", APPLICATION_ID,
                       "resource-base-path", "/dev/tend/Tend", "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/* The agent's proxy while the agent runs, or NULL. */
TendDBusAgent1 *
tend_application_get_agent (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);

  return agent_has_owner (self) ? self->proxy : NULL;
}

gboolean
tend_application_get_agent_ready (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), FALSE);

  return self->agent_ready;
}

gboolean
tend_application_get_opted_in (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), FALSE);

  return self->opted_in;
}
