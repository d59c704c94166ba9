/* tend-fake-desktop.c: the desktop side of the tray and notifications, for tests
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "tend-fake-desktop.h"

static const char watcher_xml[]
    = "<node>"
      " <interface name='org.kde.StatusNotifierWatcher'>"
      "  <method name='RegisterStatusNotifierItem'><arg name='service' type='s' direction='in'/>"
      "  </method>"
      "  <method name='RegisterStatusNotifierHost'><arg name='service' type='s' direction='in'/>"
      "  </method>"
      "  <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
      " </interface>"
      "</node>";

static const char notifications_xml[]
    = "<node>"
      " <interface name='org.freedesktop.Notifications'>"
      "  <method name='Notify'>"
      "   <arg name='app_name' type='s' direction='in'/>"
      "   <arg name='replaces_id' type='u' direction='in'/>"
      "   <arg name='app_icon' type='s' direction='in'/>"
      "   <arg name='summary' type='s' direction='in'/>"
      "   <arg name='body' type='s' direction='in'/>"
      "   <arg name='actions' type='as' direction='in'/>"
      "   <arg name='hints' type='a{sv}' direction='in'/>"
      "   <arg name='expire_timeout' type='i' direction='in'/>"
      "   <arg name='id' type='u' direction='out'/>"
      "  </method>"
      "  <method name='CloseNotification'><arg name='id' type='u' direction='in'/></method>"
      "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
      "  <method name='GetServerInformation'>"
      "   <arg name='name' type='s' direction='out'/><arg name='vendor' type='s' direction='out'/>"
      "   <arg name='version' type='s' direction='out'/>"
      "   <arg name='spec_version' type='s' direction='out'/>"
      "  </method>"
      "  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
      "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
      " </interface>"
      "</node>";

gboolean
tend_fake_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* A connection of its own, so that the name comes and goes like another process's. */
static GDBusConnection *
private_connection_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static GDBusNodeInfo *
node_info (const char *xml)
{
  g_autoptr (GError) error = NULL;
  GDBusNodeInfo *node = g_dbus_node_info_new_for_xml (xml, &error);

  g_assert_no_error (error);
  return node;
}

static void
acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
lost_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *) user_data = FALSE;
}

static void
watcher_method_cb (GDBusConnection *connection, const char *sender, const char *object_path,
                   const char *interface_name, const char *method_name, GVariant *parameters,
                   GDBusMethodInvocation *invocation, gpointer user_data)
{
  TendFakeWatcher *self = user_data;
  const char      *service;

  g_variant_get (parameters, "(&s)", &service);
  if (g_str_equal (method_name, "RegisterStatusNotifierItem"))
    g_ptr_array_add (self->services, g_strdup (service));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable watcher_vtable = { .method_call = watcher_method_cb };

TendFakeWatcher *
tend_fake_watcher_new (void)
{
  TendFakeWatcher *self = g_new0 (TendFakeWatcher, 1);
  g_autoptr (GDBusNodeInfo) node = node_info (watcher_xml);
  g_autoptr (GError) error = NULL;

  self->services = g_ptr_array_new_with_free_func (g_free);
  self->connection = private_connection_new ();
  self->registration_id = g_dbus_connection_register_object (
      self->connection, "/StatusNotifierWatcher", node->interfaces[0], &watcher_vtable, self, NULL,
      &error);
  g_assert_no_error (error);
  self->owner_id = g_bus_own_name_on_connection (self->connection, "org.kde.StatusNotifierWatcher",
                                                 G_BUS_NAME_OWNER_FLAGS_NONE, acquired_cb, lost_cb,
                                                 &self->owned, NULL);
  TEND_WAIT_UNTIL (self->owned);
  return self;
}

static gboolean
name_has_owner (const char *name)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner;

  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
      g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

void
tend_fake_watcher_free (TendFakeWatcher *self)
{
  g_bus_unown_name (self->owner_id);
  g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  TEND_WAIT_UNTIL (!name_has_owner ("org.kde.StatusNotifierWatcher"));
  g_object_unref (self->connection);
  g_ptr_array_unref (self->services);
  g_free (self);
}

static void
note_free (gpointer data)
{
  TendFakeNote *note = data;

  g_free (note->app_name);
  g_free (note->summary);
  g_free (note->body);
  g_strfreev (note->actions);
  g_variant_unref (note->hints);
  g_free (note);
}

static void
notifications_method_cb (GDBusConnection *connection, const char *sender, const char *object_path,
                         const char *interface_name, const char *method_name, GVariant *parameters,
                         GDBusMethodInvocation *invocation, gpointer user_data)
{
  TendFakeNotifications *self = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      TendFakeNote *note = g_new0 (TendFakeNote, 1);
      gint32        timeout;

      g_variant_get (parameters, "(su&sss^as@a{sv}i)", &note->app_name, &note->replaces_id, NULL,
                     &note->summary, &note->body, &note->actions, &note->hints, &timeout);
      /* As the specification says: replacing keeps the id. */
      note->id = note->replaces_id != 0 ? note->replaces_id : ++self->next_id;
      g_ptr_array_add (self->notes, note);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", note->id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      g_array_append_val (self->closed, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      static const char *const capabilities[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", capabilities));
    }
  else
    g_dbus_method_invocation_return_value (
        invocation, g_variant_new ("(ssss)", "tend-test", "Tend", "1", "1.2"));
}

static const GDBusInterfaceVTable notifications_vtable = { .method_call = notifications_method_cb };

TendFakeNotifications *
tend_fake_notifications_new (void)
{
  TendFakeNotifications *self = g_new0 (TendFakeNotifications, 1);
  g_autoptr (GDBusNodeInfo) node = node_info (notifications_xml);
  g_autoptr (GError) error = NULL;

  self->notes = g_ptr_array_new_with_free_func (note_free);
  self->closed = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->connection = private_connection_new ();
  self->registration_id = g_dbus_connection_register_object (
      self->connection, "/org/freedesktop/Notifications", node->interfaces[0],
      &notifications_vtable, self, NULL, &error);
  g_assert_no_error (error);
  self->owner_id = g_bus_own_name_on_connection (self->connection, "org.freedesktop.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_NONE, acquired_cb, lost_cb,
                                                 &self->owned, NULL);
  TEND_WAIT_UNTIL (self->owned);
  return self;
}

void
tend_fake_notifications_free (TendFakeNotifications *self)
{
  g_bus_unown_name (self->owner_id);
  g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  TEND_WAIT_UNTIL (!name_has_owner ("org.freedesktop.Notifications"));
  g_object_unref (self->connection);
  g_ptr_array_unref (self->notes);
  g_array_unref (self->closed);
  g_free (self);
}

void
tend_fake_notifications_invoke (TendFakeNotifications *self, guint32 id, const char *action)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (self->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, action), &error);
  g_assert_no_error (error);
  g_dbus_connection_emit_signal (self->connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "NotificationClosed",
                                 g_variant_new ("(uu)", id, 2), &error);
  g_assert_no_error (error);
}

const char *
tend_fake_note_get_action (const TendFakeNote *note, const char *key)
{
  for (guint i = 0; note->actions[i] != NULL && note->actions[i + 1] != NULL; i += 2)
    if (g_str_equal (note->actions[i], key))
      return note->actions[i + 1];
  return NULL;
}
