/* test-tray.c: the tray icon as a panel sees it, on a private bus
 *
 * Runs under dbus-run-session (see meson.build). A fake StatusNotifierWatcher and a fake
 * notification server (tend-fake-desktop.c) play the desktop. The /tray/app cases drive a
 * TendTray in this process, behind a small GApplication with the agent's actions; the
 * /tray/agent cases drive the real tend-agent ($TEND_AGENT).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "tend-dbus.h"
#include "tend-fake-desktop.h"
#include "tend-notifier.h"
#include "tend-test-util.h"
#include "tend-tray.h"

#define SNI_INTERFACE "org.kde.StatusNotifierItem"
#define SNI_PATH "/StatusNotifierItem"

typedef struct
{
  int      id;
  char    *label;
  char    *type;
  gboolean visible;
  gboolean enabled;
} MenuEntry;

typedef struct
{
  TendFakeWatcher       *watcher;
  TendFakeNotifications *server;
  /* /tray/app */
  GApplication *app;
  TendTray     *tray;
  TendNotifier *notifier;
  GPtrArray    *activated; /* names of the actions activated */
  /* /tray/agent */
  char           *home;
  GSubprocess    *agent;
  TendDBusAgent1 *proxy;
  /* what the host saw */
  char *service;
  guint new_icon, new_status, new_tool_tip;
  guint layout_updated;
  guint signal_id;
} Fixture;

static void
menu_entry_free (gpointer data)
{
  MenuEntry *entry = data;

  g_free (entry->label);
  g_free (entry->type);
  g_free (entry);
}

static void
sni_signal_cb (GDBusConnection *connection, const char *sender, const char *path,
               const char *interface, const char *signal, GVariant *parameters, gpointer user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (signal, "NewIcon"))
    f->new_icon++;
  else if (g_str_equal (signal, "NewStatus"))
    f->new_status++;
  else if (g_str_equal (signal, "NewToolTip"))
    f->new_tool_tip++;
  else if (g_str_equal (signal, "LayoutUpdated"))
    f->layout_updated++;
}

/* Waits for the item's registration with the watcher, and listens to its signals as a host. */
static void
wait_for_registration (Fixture *f, const char *expected_service, guint n)
{
  TEND_WAIT_UNTIL (f->watcher->services->len >= n);
  g_assert_cmpuint (f->watcher->services->len, ==, n);
  g_assert_cmpstr (g_ptr_array_index (f->watcher->services, n - 1), ==, expected_service);

  if (f->signal_id == 0)
    f->signal_id
        = g_dbus_connection_signal_subscribe (f->watcher->connection, NULL, NULL, NULL, NULL, NULL,
                                              G_DBUS_SIGNAL_FLAGS_NONE, sni_signal_cb, f, NULL);
  g_free (f->service);
  f->service = g_strdup (expected_service);
}

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} CallResult;

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CallResult *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

/* A call from the host's connection, waiting in the main loop: the /tray/app item answers from
 * this very process. */
static GVariant *
host_call_full (Fixture *f, const char *path, const char *interface, const char *method,
                GVariant *parameters, const GVariantType *reply_type, GError **error)
{
  CallResult call = { FALSE, NULL, NULL };

  g_dbus_connection_call (f->watcher->connection, f->service, path, interface, method, parameters,
                          reply_type, G_DBUS_CALL_FLAGS_NONE, -1, NULL, call_done_cb, &call);
  TEND_WAIT_UNTIL (call.done);
  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.reply;
}

static GVariant *
host_call (Fixture *f, const char *path, const char *interface, const char *method,
           GVariant *parameters, const GVariantType *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply;

  reply = host_call_full (f, path, interface, method, parameters, reply_type, &error);
  g_assert_no_error (error);
  return reply;
}

static GVariant *
get_property (Fixture *f, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *value;

  reply = host_call (f, SNI_PATH, "org.freedesktop.DBus.Properties", "Get",
                     g_variant_new ("(ss)", SNI_INTERFACE, name), G_VARIANT_TYPE ("(v)"));
  g_variant_get (reply, "(v)", &value);
  return value;
}

static char *
get_string_property (Fixture *f, const char *name)
{
  g_autoptr (GVariant) value = get_property (f, name);

  return g_variant_dup_string (value, NULL);
}

static void
call_item (Fixture *f, const char *method, GVariant *parameters)
{
  g_autoptr (GVariant) reply = host_call (f, SNI_PATH, SNI_INTERFACE, method, parameters, NULL);
}

static GVariant *
layout_args (void)
{
  return g_variant_new ("(ii@as)", 0, -1, g_variant_new_strv (NULL, 0));
}

/* The menu as a host reads it: com.canonical.dbusmenu GetLayout of the whole tree. Properties
 * at their default value are left out of the layout: visible and enabled are TRUE then. */
static GPtrArray *
get_menu (Fixture *f)
{
  g_autofree char *menu_path = NULL;
  g_autoptr (GVariant) menu = get_property (f, "Menu");
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) children = NULL;
  g_autoptr (GError) error = NULL;
  guint        before;
  GPtrArray   *entries = g_ptr_array_new_with_free_func (menu_entry_free);
  GVariantIter iter;
  GVariant    *child;
  guint        revision;
  int          root_id;

  menu_path = g_variant_dup_string (menu, NULL);
  /* libdbusmenu puts the menu on the bus once its own lookup of the bus is done: a host that
   * asks before that waits for LayoutUpdated, as the protocol has it. */
  before = f->layout_updated;
  reply = host_call_full (f, menu_path, "com.canonical.dbusmenu", "GetLayout", layout_args (),
                          G_VARIANT_TYPE ("(u(ia{sv}av))"), &error);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    {
      g_clear_error (&error);
      TEND_WAIT_UNTIL (f->layout_updated > before);
      reply = host_call (f, menu_path, "com.canonical.dbusmenu", "GetLayout", layout_args (),
                         G_VARIANT_TYPE ("(u(ia{sv}av))"));
    }
  g_assert_no_error (error);
  g_variant_get (reply, "(u(i@a{sv}@av))", &revision, &root_id, NULL, &children);
  g_assert_cmpint (root_id, ==, 0);

  g_variant_iter_init (&iter, children);
  while (g_variant_iter_next (&iter, "v", &child))
    {
      MenuEntry *entry = g_new0 (MenuEntry, 1);
      g_autoptr (GVariant) properties = NULL;
      g_autoptr (GVariantDict) dict = NULL;

      g_variant_get (child, "(i@a{sv}@av)", &entry->id, &properties, NULL);
      dict = g_variant_dict_new (properties);
      if (!g_variant_dict_lookup (dict, "label", "s", &entry->label))
        entry->label = g_strdup ("");
      if (!g_variant_dict_lookup (dict, "type", "s", &entry->type))
        entry->type = g_strdup ("standard");
      if (!g_variant_dict_lookup (dict, "visible", "b", &entry->visible))
        entry->visible = TRUE;
      if (!g_variant_dict_lookup (dict, "enabled", "b", &entry->enabled))
        entry->enabled = TRUE;
      g_ptr_array_add (entries, entry);
      g_variant_unref (child);
    }
  return entries;
}

/* The visible entries, as the user would read them: "Open Tend|Opt in…|-|Quit". */
static char *
visible_menu (Fixture *f)
{
  g_autoptr (GPtrArray) entries = get_menu (f);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      MenuEntry *entry = g_ptr_array_index (entries, i);

      if (!entry->visible)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '|');
      g_string_append (text, g_str_equal (entry->type, "separator") ? "-" : entry->label);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
menu_is (Fixture *f, const char *expected)
{
  g_autofree char *text = visible_menu (f);

  return g_str_equal (text, expected);
}

static void
click (Fixture *f, const char *label)
{
  g_autoptr (GPtrArray) entries = get_menu (f);
  g_autofree char *menu_path = get_string_property (f, "Menu");
  g_autoptr (GVariant) reply = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      MenuEntry *entry = g_ptr_array_index (entries, i);

      if (!g_str_equal (entry->label, label))
        continue;
      g_assert_true (entry->visible && entry->enabled);
      reply = host_call (f, menu_path, "com.canonical.dbusmenu", "Event",
                         g_variant_new ("(isvu)", entry->id, "clicked", g_variant_new_int32 (0), 0),
                         NULL);
      return;
    }
  g_error ("No menu item %s", label);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (f->watcher->connection, f->signal_id);
  g_clear_object (&f->tray);
  g_clear_object (&f->notifier);
  g_clear_object (&f->app);
  g_clear_object (&f->proxy);
  if (f->agent != NULL)
    {
      g_subprocess_send_signal (f->agent, SIGTERM);
      g_subprocess_wait (f->agent, NULL, NULL);
      g_clear_object (&f->agent);
    }
  g_clear_pointer (&f->watcher, tend_fake_watcher_free);
  g_clear_pointer (&f->server, tend_fake_notifications_free);
  g_clear_pointer (&f->activated, g_ptr_array_unref);
  if (f->home != NULL)
    tend_test_remove_tree (f->home);
  g_free (f->home);
  g_free (f->service);
}

/* The application side: a GApplication with the agent's actions and their rules. */

static void
set_enabled (Fixture *f, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (f->app), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
activate_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Fixture    *f = user_data;
  const char *name = g_action_get_name (G_ACTION (action));

  g_ptr_array_add (f->activated, g_strdup (name));
  if (g_str_equal (name, "opt-in"))
    tend_notifier_invite_opt_in (f->notifier);
  else if (g_str_equal (name, "confirm-opt-in"))
    {
      set_enabled (f, "opt-in", FALSE);
      set_enabled (f, "pause", TRUE);
      set_enabled (f, "sync-now", TRUE);
    }
}

static void
change_pause_cb (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  Fixture *f = user_data;

  g_simple_action_set_state (action, value);
  set_enabled (f, "sync-now", !g_variant_get_boolean (value));
}

static void
app_set_up (Fixture *f, gconstpointer data)
{
  static guint       n_apps;
  const GActionEntry entries[] = {
    { "open", activate_cb },           { "opt-in", activate_cb },
    { "confirm-opt-in", activate_cb }, { "pause", NULL, NULL, "false", change_pause_cb },
    { "sync-now", activate_cb },       { "quit", activate_cb },
  };
  g_autofree char *app_id = g_strdup_printf ("dev.tend.TestTray%u", ++n_apps);
  g_autoptr (GError) error = NULL;

  f->activated = g_ptr_array_new_with_free_func (g_free);
  f->server = tend_fake_notifications_new ();
  f->app = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  g_action_map_add_action_entries (G_ACTION_MAP (f->app), entries, G_N_ELEMENTS (entries), f);
  set_enabled (f, "pause", FALSE);
  set_enabled (f, "sync-now", FALSE);
  g_application_register (f->app, NULL, &error);
  g_assert_no_error (error);
  f->notifier = tend_notifier_new (f->app);
  f->tray = tend_tray_new (f->app);
}

static char *
own_service (void)
{
  return g_strdup_printf ("org.kde.StatusNotifierItem-%d-1", (int) getpid ());
}

static void
export_tray (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (tend_tray_export (f->tray, g_application_get_dbus_connection (f->app), &error));
  g_assert_no_error (error);
}

static void
assert_activated (Fixture *f, const char *expected)
{
  TEND_WAIT_UNTIL (f->activated->len > 0);
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->activated, 0), ==, expected);
  g_ptr_array_set_size (f->activated, 0);
}

static void
test_app_menu (Fixture *f, gconstpointer data)
{
  g_autofree char *service = own_service ();
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  g_autofree char *icon = NULL;
  g_autoptr (GVariant) tool_tip = NULL;
  g_autoptr (GVariant) value = NULL;
  TendFakeNote *note;
  const char   *title, *description;

  f->watcher = tend_fake_watcher_new ();
  export_tray (f);
  wait_for_registration (f, service, 1);

  /* Before opt-in: an active item the host shows, with the way in. */
  value = get_property (f, "Category");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "ApplicationStatus");
  g_clear_pointer (&value, g_variant_unref);
  value = get_property (f, "Id");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "dev.tend.Agent");
  g_clear_pointer (&value, g_variant_unref);
  value = get_property (f, "ItemIsMenu");
  g_assert_false (g_variant_get_boolean (value));
  status = get_string_property (f, "Status");
  g_assert_cmpstr (status, ==, "Active");
  icon = get_string_property (f, "IconName");
  g_assert_cmpstr (icon, ==, "dev.tend.Agent-off-symbolic");
  text = visible_menu (f);
  g_assert_cmpstr (text, ==, "Open Tend|Opt in…|-|Quit");

  /* "Opt in…" → the invitation → its button → opted in: the menu changes. */
  click (f, "Opt in…");
  assert_activated (f, "opt-in");
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = g_ptr_array_index (f->server->notes, 0);
  g_assert_cmpstr (note->summary, ==, "Tend is ready when you are");
  tend_fake_notifications_invoke (f->server, note->id, "app.confirm-opt-in");
  assert_activated (f, "confirm-opt-in");
  g_free (text);
  text = visible_menu (f);
  g_assert_cmpstr (text, ==, "Open Tend|Pause|Sync now|-|Quit");

  /* Paused: the item reads "Resume" and there is nothing to sync. */
  click (f, "Pause");
  TEND_WAIT_UNTIL (f->activated->len == 0
                   && !g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "sync-now"));
  g_free (text);
  text = visible_menu (f);
  g_assert_cmpstr (text, ==, "Open Tend|Resume|-|Quit");
  click (f, "Resume");
  TEND_WAIT_UNTIL (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "sync-now"));
  click (f, "Sync now");
  assert_activated (f, "sync-now");

  /* Syncing: the host is told, and the tooltip shows the progress. */
  tend_tray_set_state (f->tray, TEND_TRAY_STATE_SYNCING, "Syncing mail: 1 200 of 5 000");
  TEND_WAIT_UNTIL (f->new_icon == 1 && f->new_status == 1 && f->new_tool_tip == 1);
  g_free (icon);
  icon = get_string_property (f, "IconName");
  g_assert_cmpstr (icon, ==, "dev.tend.Agent-syncing-symbolic");
  tool_tip = get_property (f, "ToolTip");
  g_assert_true (g_variant_is_of_type (tool_tip, G_VARIANT_TYPE ("(sa(iiay)ss)")));
  g_variant_get (tool_tip, "(&s@a(iiay)&s&s)", NULL, NULL, &title, &description);
  g_assert_cmpstr (title, ==, "Tend");
  g_assert_cmpstr (description, ==, "Syncing mail: 1 200 of 5 000");

  /* Progress alone changes the tooltip, not the icon. */
  tend_tray_set_state (f->tray, TEND_TRAY_STATE_SYNCING, "Syncing mail: 2 400 of 5 000");
  TEND_WAIT_UNTIL (f->new_tool_tip == 2);
  g_assert_cmpuint (f->new_icon, ==, 1);

  tend_tray_set_state (f->tray, TEND_TRAY_STATE_NEEDS_ATTENTION, NULL);
  TEND_WAIT_UNTIL (f->new_status == 2);
  g_free (status);
  status = get_string_property (f, "Status");
  g_assert_cmpstr (status, ==, "NeedsAttention");
  tend_tray_set_state (f->tray, TEND_TRAY_STATE_UP_TO_DATE, NULL);
  TEND_WAIT_UNTIL (f->new_status == 3);
  g_free (status);
  status = get_string_property (f, "Status");
  g_assert_cmpstr (status, ==, "Passive");

  /* A left click opens Tend; the others do nothing. */
  call_item (f, "SecondaryActivate", g_variant_new ("(ii)", 0, 0));
  call_item (f, "Scroll", g_variant_new ("(is)", 1, "vertical"));
  call_item (f, "Activate", g_variant_new ("(ii)", 10, 10));
  assert_activated (f, "open");
  click (f, "Quit");
  assert_activated (f, "quit");
}

static void
test_app_watcher_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *service = own_service ();

  f->watcher = tend_fake_watcher_new ();
  export_tray (f);
  wait_for_registration (f, service, 1);

  /* The panel restarts: the new watcher knows nothing until the item registers again. */
  g_dbus_connection_signal_unsubscribe (f->watcher->connection, f->signal_id);
  f->signal_id = 0;
  g_clear_pointer (&f->watcher, tend_fake_watcher_free);
  f->watcher = tend_fake_watcher_new ();
  wait_for_registration (f, service, 1);

  /* Unexported, it stays away. */
  tend_tray_unexport (f->tray);
  g_dbus_connection_signal_unsubscribe (f->watcher->connection, f->signal_id);
  f->signal_id = 0;
  g_clear_pointer (&f->watcher, tend_fake_watcher_free);
  f->watcher = tend_fake_watcher_new ();
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->watcher->services->len, ==, 0);
}

static void
test_app_no_watcher (Fixture *f, gconstpointer data)
{
  g_autofree char *service = own_service ();
  g_autofree char *text = NULL;

  /* No panel at start: the application still works… */
  export_tray (f);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "confirm-opt-in", NULL);
  assert_activated (f, "confirm-opt-in");

  /* …and the icon shows once one comes. */
  f->watcher = tend_fake_watcher_new ();
  wait_for_registration (f, service, 1);
  text = visible_menu (f);
  g_assert_cmpstr (text, ==, "Open Tend|Pause|Sync now|-|Quit");
}

/* The real agent */

static void
name_appeared_cb (GDBusConnection *connection, const char *name, const char *owner,
                  gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
agent_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *data_home = NULL;
  const char      *agent = g_getenv ("TEND_AGENT");
  gboolean         appeared = FALSE;
  guint            watch;

  g_assert_nonnull (agent);
  f->server = tend_fake_notifications_new ();
  if (GPOINTER_TO_INT (data))
    f->watcher = tend_fake_watcher_new ();

  f->home = g_dir_make_tmp ("tend-tray-XXXXXX", NULL);
  config = g_build_filename (f->home, "config", NULL);
  data_home = g_build_filename (f->home, "data", NULL);
  g_subprocess_launcher_setenv (launcher, "HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->home, TRUE);
  f->agent = g_subprocess_launcher_spawn (launcher, &error, agent, NULL);
  g_assert_no_error (error);

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "dev.tend.Agent", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            name_appeared_cb, NULL, &appeared, NULL);
  TEND_WAIT_UNTIL (appeared);
  g_bus_unwatch_name (watch);

  f->proxy = tend_dbus_agent1_proxy_new_for_bus_sync (
      G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, "dev.tend.Agent", "/dev/tend/Agent",
      NULL, &error);
  g_assert_no_error (error);
}

static char *
agent_service (Fixture *f)
{
  return g_strdup_printf ("org.kde.StatusNotifierItem-%s-1",
                          g_subprocess_get_identifier (f->agent));
}

static void
test_agent_opt_in (Fixture *f, gconstpointer data)
{
  g_autofree char *service = agent_service (f);
  g_autofree char *text = NULL;
  g_autofree char *icon = NULL;
  TendFakeNote    *note;

  wait_for_registration (f, service, 1);
  icon = get_string_property (f, "IconName");
  g_assert_cmpstr (icon, ==, "dev.tend.Agent-off-symbolic");
  text = visible_menu (f);
  g_assert_cmpstr (text, ==, "Open Tend|Opt in…|-|Quit");
  g_assert_false (tend_dbus_agent1_get_opted_in (f->proxy));

  /* The tray's "Opt in…" reaches the agent, which asks in a notification; its button opts in. */
  click (f, "Opt in…");
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = g_ptr_array_index (f->server->notes, 0);
  g_assert_cmpstr (note->summary, ==, "Tend is ready when you are");
  g_assert_cmpstr (tend_fake_note_get_action (note, "app.confirm-opt-in"), ==, "Opt in");
  g_assert_false (tend_dbus_agent1_get_opted_in (f->proxy));
  tend_fake_notifications_invoke (f->server, note->id, "app.confirm-opt-in");
  TEND_WAIT_UNTIL (tend_dbus_agent1_get_opted_in (f->proxy));

  /* Opted in, the menu offers what now makes sense. */
  TEND_WAIT_UNTIL (menu_is (f, "Open Tend|Pause|Sync now|-|Quit"));
}

static void
test_agent_no_watcher (Fixture *f, gconstpointer data)
{
  g_autofree char *service = agent_service (f);
  g_autoptr (GError) error = NULL;

  /* No panel: the agent runs and opts in over D-Bus all the same. */
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (f->proxy, NULL, &error));
  g_assert_no_error (error);
  TEND_WAIT_UNTIL (tend_dbus_agent1_get_opted_in (f->proxy));

  /* A panel that starts later gets the icon. */
  f->watcher = tend_fake_watcher_new ();
  wait_for_registration (f, service, 1);
  TEND_WAIT_UNTIL (menu_is (f, "Open Tend|Pause|Sync now|-|Quit"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tray/app/menu", Fixture, NULL, app_set_up, test_app_menu, fixture_tear_down);
  g_test_add ("/tray/app/watcher-restart", Fixture, NULL, app_set_up, test_app_watcher_restart,
              fixture_tear_down);
  g_test_add ("/tray/app/no-watcher", Fixture, NULL, app_set_up, test_app_no_watcher,
              fixture_tear_down);
  g_test_add ("/tray/agent/opt-in", Fixture, GINT_TO_POINTER (TRUE), agent_set_up,
              test_agent_opt_in, fixture_tear_down);
  g_test_add ("/tray/agent/no-watcher", Fixture, GINT_TO_POINTER (FALSE), agent_set_up,
              test_agent_no_watcher, fixture_tear_down);

  return g_test_run ();
}
