/* tend-tray.c: the agent's tray icon: org.kde.StatusNotifierItem with a com.canonical.dbusmenu menu
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-tray"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libdbusmenu-glib/dbusmenu-glib.h>
#include <unistd.h>

#include "tend-tray.h"

#define SNI_INTERFACE "org.kde.StatusNotifierItem"
#define SNI_PATH "/StatusNotifierItem"
#define MENU_PATH "/StatusNotifierItem/Menu"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"

/* The StatusNotifierItem interface, as hosts (KDE Plasma, the GNOME AppIndicator extension,
 * waybar, …) read it. Tend draws no pixmaps: icons come by name from the icon theme. */
static const char sni_xml[]
    = "<node>"
      " <interface name='org.kde.StatusNotifierItem'>"
      "  <property name='Category' type='s' access='read'/>"
      "  <property name='Id' type='s' access='read'/>"
      "  <property name='Title' type='s' access='read'/>"
      "  <property name='Status' type='s' access='read'/>"
      "  <property name='WindowId' type='i' access='read'/>"
      "  <property name='IconName' type='s' access='read'/>"
      "  <property name='IconPixmap' type='a(iiay)' access='read'/>"
      "  <property name='OverlayIconName' type='s' access='read'/>"
      "  <property name='AttentionIconName' type='s' access='read'/>"
      "  <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
      "  <property name='ItemIsMenu' type='b' access='read'/>"
      "  <property name='Menu' type='o' access='read'/>"
      "  <method name='ContextMenu'><arg name='x' type='i' direction='in'/>"
      "   <arg name='y' type='i' direction='in'/></method>"
      "  <method name='Activate'><arg name='x' type='i' direction='in'/>"
      "   <arg name='y' type='i' direction='in'/></method>"
      "  <method name='SecondaryActivate'><arg name='x' type='i' direction='in'/>"
      "   <arg name='y' type='i' direction='in'/></method>"
      "  <method name='Scroll'><arg name='delta' type='i' direction='in'/>"
      "   <arg name='orientation' type='s' direction='in'/></method>"
      "  <signal name='NewTitle'/>"
      "  <signal name='NewIcon'/>"
      "  <signal name='NewAttentionIcon'/>"
      "  <signal name='NewOverlayIcon'/>"
      "  <signal name='NewToolTip'/>"
      "  <signal name='NewStatus'><arg name='status' type='s'/></signal>"
      " </interface>"
      "</node>";

typedef enum
{
  ITEM_OPEN,
  ITEM_OPT_IN,
  ITEM_PAUSE,
  ITEM_SYNC_NOW,
  ITEM_SEPARATOR,
  ITEM_QUIT,
  N_ITEMS
} Item;

/* Each item activates the application action of the same name; the separator has none. */
static const struct
{
  const char *action;
  const char *label;
} items[N_ITEMS] = {
  [ITEM_OPEN] = { "open", N_ ("Open Tend") }, [ITEM_OPT_IN] = { "opt-in", N_ ("Opt in…") },
  [ITEM_PAUSE] = { "pause", N_ ("Pause") },   [ITEM_SYNC_NOW] = { "sync-now", N_ ("Sync now") },
  [ITEM_SEPARATOR] = { NULL, NULL },          [ITEM_QUIT] = { "quit", N_ ("Quit") },
};

/* Icon, StatusNotifierItem status and default tooltip text of each state. Passive items may be
 * tucked away by the host; before opt-in the icon is the way in, so it stays Active. */
static const struct
{
  const char *icon_name;
  const char *status;
  const char *text;
} states[] = {
  [TEND_TRAY_STATE_NOT_OPTED_IN] = { "dev.tend.Agent-off-symbolic", "Active",
                                     N_ ("Not opted in: Tend reads nothing until you opt in") },
  [TEND_TRAY_STATE_SYNCING] = { "dev.tend.Agent-syncing-symbolic", "Active", N_ ("Syncing…") },
  [TEND_TRAY_STATE_UP_TO_DATE] = { "dev.tend.Agent-symbolic", "Passive", N_ ("Up to date") },
  [TEND_TRAY_STATE_PAUSED] = { "dev.tend.Agent-paused-symbolic", "Passive", N_ ("Paused") },
  [TEND_TRAY_STATE_NEEDS_ATTENTION]
  = { "dev.tend.Agent-attention-symbolic", "NeedsAttention", N_ ("Needs your attention") },
};

struct _TendTray
{
  GObject parent_instance;

  /* Borrowed: the application owns the tray */
  GApplication *application;

  /* Owned */
  GDBusNodeInfo    *node_info;
  DbusmenuMenuitem *root;
  DbusmenuMenuitem *items[N_ITEMS];
  TendTrayState     state;
  char             *detail;

  /* While exported */
  GDBusConnection *connection;
  DbusmenuServer  *menu_server;
  GCancellable    *cancellable;
  char            *bus_name;
  guint            registration_id;
  guint            own_name_id;
  guint            watch_id;
  gboolean         told_no_watcher;
};

G_DEFINE_FINAL_TYPE (TendTray, tend_tray, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The application's own action, looked up in its action map: unlike GActionGroup queries, that
 * works while the application is still registering, when the agent creates its tray. */
static GAction *
lookup_action (TendTray *self, const char *name)
{
  return g_action_map_lookup_action (G_ACTION_MAP (self->application), name);
}

static gboolean
action_is_enabled (TendTray *self, const char *name)
{
  GAction *action = lookup_action (self, name);

  return action != NULL && g_action_get_enabled (action);
}

static void
update_item (TendTray *self, Item item)
{
  DbusmenuMenuitem *menuitem = self->items[item];
  const char       *action = items[item].action;
  gboolean          shown;

  if (action == NULL)
    return;

  /* The agent disables what makes no sense now ("opt-in" once opted in, "sync-now" while
   * paused): such items are hidden rather than greyed out, so the menu stays short. */
  shown = action_is_enabled (self, action);
  dbusmenu_menuitem_property_set_bool (menuitem, DBUSMENU_MENUITEM_PROP_VISIBLE, shown);
  dbusmenu_menuitem_property_set_bool (menuitem, DBUSMENU_MENUITEM_PROP_ENABLED, shown);

  if (item == ITEM_PAUSE)
    {
      g_autoptr (GVariant) state = NULL;
      gboolean paused = FALSE;

      if (shown)
        state = g_action_get_state (lookup_action (self, action));
      if (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
        paused = g_variant_get_boolean (state);
      dbusmenu_menuitem_property_set (menuitem, DBUSMENU_MENUITEM_PROP_LABEL,
                                      paused ? _ ("Resume") : _ ("Pause"));
    }
}

static void
update_items_for_action (TendTray *self, const char *action)
{
  for (guint i = 0; i < N_ITEMS; i++)
    if (g_strcmp0 (items[i].action, action) == 0)
      update_item (self, i);
}

static GVariant *
build_tool_tip (TendTray *self)
{
  const char *text = self->detail != NULL ? self->detail : _ (states[self->state].text);

  return g_variant_new ("(s@a(iiay)ss)", states[self->state].icon_name,
                        g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0), _ ("Tend"), text);
}

static void
emit_signal (TendTray *self, const char *name, GVariant *parameters)
{
  g_autoptr (GError) error = NULL;

  if (self->connection == NULL)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return;
    }
  if (!g_dbus_connection_emit_signal (self->connection, NULL, SNI_PATH, SNI_INTERFACE, name,
                                      parameters, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
}

static void
action_added_cb (GActionGroup *group, const char *action, TendTray *self)
{
  update_items_for_action (self, action);
}

static void
action_removed_cb (GActionGroup *group, const char *action, TendTray *self)
{
  update_items_for_action (self, action);
}

static void
action_enabled_changed_cb (GActionGroup *group, const char *action, gboolean enabled,
                           TendTray *self)
{
  update_items_for_action (self, action);
}

static void
action_state_changed_cb (GActionGroup *group, const char *action, GVariant *state, TendTray *self)
{
  update_items_for_action (self, action);
}

static void
item_activated_cb (DbusmenuMenuitem *menuitem, guint timestamp, TendTray *self)
{
  for (guint i = 0; i < N_ITEMS; i++)
    if (self->items[i] == menuitem && items[i].action != NULL
        && action_is_enabled (self, items[i].action))
      g_action_group_activate_action (G_ACTION_GROUP (self->application), items[i].action, NULL);
}

static void
register_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The StatusNotifierWatcher refused the tray icon: %s", error->message);
}

/* Called at once when a watcher runs, and again each time one (re)starts: a new watcher knows
 * no items until they register. */
static void
watcher_appeared_cb (GDBusConnection *connection, const char *name, const char *owner,
                     gpointer user_data)
{
  TendTray *self = user_data;

  self->told_no_watcher = FALSE;
  g_dbus_connection_call (connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem", g_variant_new ("(s)", self->bus_name), NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable, register_cb,
                          NULL);
}

static void
watcher_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  TendTray *self = user_data;

  /* Without a watcher the window still opens from the app grid: nothing more to do. */
  if (!self->told_no_watcher)
    g_debug ("No StatusNotifierWatcher runs; the tray icon waits for one");
  self->told_no_watcher = TRUE;
}

static void
name_lost_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  g_debug ("Could not own %s", name);
}

static void
handle_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                    const char *interface_name, const char *method_name, GVariant *parameters,
                    GDBusMethodInvocation *invocation, gpointer user_data)
{
  TendTray *self = user_data;

  /* A left click opens the window. The host shows the menu itself for a right click, and
   * scrolling or a middle click mean nothing to Tend. */
  if (g_str_equal (method_name, "Activate") && action_is_enabled (self, "open"))
    g_action_group_activate_action (G_ACTION_GROUP (self->application), "open", NULL);

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
handle_get_property (GDBusConnection *connection, const char *sender, const char *object_path,
                     const char *interface_name, const char *property_name, GError **error,
                     gpointer user_data)
{
  TendTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string ("dev.tend.Agent");
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (_ ("Tend"));
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (states[self->state].status);
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (states[self->state].icon_name);
  if (g_str_equal (property_name, "IconPixmap"))
    return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
  if (g_str_equal (property_name, "OverlayIconName"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (states[TEND_TRAY_STATE_NEEDS_ATTENTION].icon_name);
  if (g_str_equal (property_name, "ToolTip"))
    return build_tool_tip (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (MENU_PATH);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable sni_vtable = {
  .method_call = handle_method_call,
  .get_property = handle_get_property,
};

static void
tend_tray_constructed (GObject *object)
{
  TendTray *self = TEND_TRAY (object);

  G_OBJECT_CLASS (tend_tray_parent_class)->constructed (object);

  self->root = dbusmenu_menuitem_new ();
  for (guint i = 0; i < N_ITEMS; i++)
    {
      DbusmenuMenuitem *menuitem = dbusmenu_menuitem_new ();

      if (items[i].action == NULL)
        dbusmenu_menuitem_property_set (menuitem, DBUSMENU_MENUITEM_PROP_TYPE,
                                        DBUSMENU_CLIENT_TYPES_SEPARATOR);
      else
        {
          dbusmenu_menuitem_property_set (menuitem, DBUSMENU_MENUITEM_PROP_LABEL,
                                          _ (items[i].label));
          g_signal_connect_object (menuitem, DBUSMENU_MENUITEM_SIGNAL_ITEM_ACTIVATED,
                                   G_CALLBACK (item_activated_cb), self, 0);
        }
      dbusmenu_menuitem_child_append (self->root, menuitem);
      /* The root holds the items; the tray keeps borrowed pointers. */
      self->items[i] = menuitem;
      g_object_unref (menuitem);
      update_item (self, i);
    }

  g_signal_connect_object (self->application, "action-added", G_CALLBACK (action_added_cb), self,
                           0);
  g_signal_connect_object (self->application, "action-removed", G_CALLBACK (action_removed_cb),
                           self, 0);
  g_signal_connect_object (self->application, "action-enabled-changed",
                           G_CALLBACK (action_enabled_changed_cb), self, 0);
  g_signal_connect_object (self->application, "action-state-changed",
                           G_CALLBACK (action_state_changed_cb), self, 0);
}

static void
tend_tray_dispose (GObject *object)
{
  TendTray *self = TEND_TRAY (object);

  tend_tray_unexport (self);
  g_clear_object (&self->root);

  G_OBJECT_CLASS (tend_tray_parent_class)->dispose (object);
}

static void
tend_tray_finalize (GObject *object)
{
  TendTray *self = TEND_TRAY (object);

  g_clear_pointer (&self->node_info, g_dbus_node_info_unref);
  g_free (self->detail);

  G_OBJECT_CLASS (tend_tray_parent_class)->finalize (object);
}

static void
tend_tray_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendTray *self = TEND_TRAY (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      self->application = g_value_get_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_tray_class_init (TendTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tend_tray_constructed;
  object_class->dispose = tend_tray_dispose;
  object_class->finalize = tend_tray_finalize;
  object_class->set_property = tend_tray_set_property;

  properties[PROP_APPLICATION]
      = g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_tray_init (TendTray *self)
{
  self->state = TEND_TRAY_STATE_NOT_OPTED_IN;
  /* The XML is a constant of this file: it parses. */
  self->node_info = g_dbus_node_info_new_for_xml (sni_xml, NULL);
  g_assert (self->node_info != NULL);
}

TendTray *
tend_tray_new (GApplication *application)
{
  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  return g_object_new (TEND_TYPE_TRAY, "application", application, NULL);
}

gboolean
tend_tray_export (TendTray *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (TEND_IS_TRAY (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->connection == NULL, FALSE);

  self->registration_id = g_dbus_connection_register_object (
      connection, SNI_PATH, self->node_info->interfaces[0], &sni_vtable, self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  self->cancellable = g_cancellable_new ();

  /* libdbusmenu serves the menu on the session bus, which is the application's connection. */
  self->menu_server = dbusmenu_server_new (MENU_PATH);
  dbusmenu_server_set_root (self->menu_server, self->root);

  /* The name the specification asks for: org.kde.StatusNotifierItem-PID-ID. */
  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-1", (int) getpid ());
  self->own_name_id = g_bus_own_name_on_connection (connection, self->bus_name,
                                                    G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, NULL,
                                                    name_lost_cb, NULL, NULL);
  self->watch_id
      = g_bus_watch_name_on_connection (connection, WATCHER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        watcher_appeared_cb, watcher_vanished_cb, self, NULL);
  return TRUE;
}

void
tend_tray_unexport (TendTray *self)
{
  g_return_if_fail (TEND_IS_TRAY (self));

  if (self->connection == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->own_name_id, g_bus_unown_name);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->menu_server);
  g_clear_pointer (&self->bus_name, g_free);
  g_clear_object (&self->connection);
  self->told_no_watcher = FALSE;
}

void
tend_tray_set_state (TendTray *self, TendTrayState state, const char *detail)
{
  TendTrayState old_state;

  g_return_if_fail (TEND_IS_TRAY (self));
  g_return_if_fail (state <= TEND_TRAY_STATE_NEEDS_ATTENTION);

  if (state == self->state && g_strcmp0 (detail, self->detail) == 0)
    return;

  old_state = self->state;
  self->state = state;
  g_free (self->detail);
  self->detail = g_strdup (detail);

  /* Hosts read properties again when told so by these signals (the specification has no
   * PropertiesChanged). */
  if (old_state != state)
    {
      emit_signal (self, "NewIcon", NULL);
      emit_signal (self, "NewStatus", g_variant_new ("(s)", states[state].status));
    }
  emit_signal (self, "NewToolTip", NULL);
}
