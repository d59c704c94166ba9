/* tend-window.c: Tend's main window
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-agent-util.h"
#include "tend-connect-page.h"
#include "tend-demo.h"
#include "tend-people-page.h"
#include "tend-settings.h"
#include "tend-store.h"
#include "tend-week-page.h"
#include "tend-welcome-page.h"
#include "tend-window.h"

/* The demo the window makes when there is none yet: the same year `tendctl demo` invents. */
#define DEMO_SEED 1
#define DEMO_WEEKS 52

struct _TendWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  GtkLabel             *demo_pill;
  GtkRevealer          *demo_revealer;
  GtkLabel             *demo_label;
  GtkWidget            *demo_opt_in_button;
  GtkWidget            *demo_connect_button;
  GtkStack             *stack;
  TendWelcomePage      *welcome_page;
  TendConnectPage      *connect_page;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  TendWeekPage         *week_page;
  TendPeoplePage       *people_page;

  /* Owned */
  char         *database;
  GCancellable *demo_cancellable;
  char         *demo_error;
  GCancellable *count_cancellable;

  TendWeek pending_week;
  guint    has_pending_week : 1;
  guint    is_demo : 1;
  guint    demo_requested : 1;
  /* Whether the user's own database was counted since opt-in, and found to hold anything. */
  guint counted : 1;
  guint has_data : 1;
  /* The last count failed: until something changes, the week page says why. */
  guint count_failed : 1;
  /* Whether the window leads the user through connecting or importing, until they are done. */
  guint setup_active : 1;
};

G_DEFINE_FINAL_TYPE (TendWindow, tend_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_page (TendWindow *self);

/* What leads to connecting or importing, from the menu as well: only once opted in. */
static const char *const setup_actions[] = { "connect-account", "import-files", "import-paths" };

static void
generate_demo_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GTimeZone) tz = tend_settings_get_time_zone ();
  g_autoptr (GDateTime) now = g_date_time_new_now (tz);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      return g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                      "%s: %s", dir, g_strerror (saved_errno));
    }
  store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  if (store == NULL || !tend_demo_generate (store, DEMO_SEED, DEMO_WEEKS, now, tz, &error))
    {
      /* Leave no half-made demo behind for the next start to trust. */
      g_clear_object (&store);
      tend_store_delete_files (path, NULL);
      return g_task_return_error (task, g_steal_pointer (&error));
    }
  g_task_return_boolean (task, TRUE);
}

static void
generate_demo_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  TendWindow *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = TEND_WINDOW (object);
  g_clear_object (&self->demo_cancellable);
  if (error != NULL)
    self->demo_error = g_strdup_printf (_ ("Could not create the demo: %s"), error->message);
  update_page (self);
}

/* Whether the user's database holds anything at all, read-only and in a thread. */
static void
count_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  gboolean has_rows = FALSE;

  if (store == NULL || !tend_store_has_rows (store, &has_rows, &error))
    return g_task_return_error (task, g_steal_pointer (&error));
  g_task_return_boolean (task, has_rows);
}

static void
count_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gboolean    has_data = g_task_propagate_boolean (G_TASK (result), &error);
  TendWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = TEND_WINDOW (object);
  g_clear_object (&self->count_cancellable);
  /* A database that cannot be read is the week page's to explain, not a reason to connect; it
   * may also be one the agent is still making, so the next change counts again. */
  self->count_failed = error != NULL;
  if (error != NULL)
    g_debug ("Could not count the rows of the database: %s", error->message);
  else
    {
      self->counted = TRUE;
      self->has_data = has_data;
      tend_connect_page_set_has_data (self->connect_page, has_data);
    }
  update_page (self);
}

/* Counts again from the start: what a count under way read may be out of date. */
static void
count_database (TendWindow *self, const char *path)
{
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  self->count_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->count_cancellable, count_cb, NULL);
  g_task_set_source_tag (task, count_database);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, count_thread);
}

static gboolean
has_accounts (TendDBusAgent1 *agent)
{
  GVariant *accounts = agent != NULL ? tend_dbus_agent1_get_accounts (agent) : NULL;

  return accounts != NULL && g_variant_n_children (accounts) > 0;
}

/* "Still syncing": an account that has never finished a sync and is at it now. */
static gboolean
first_sync_running (TendDBusAgent1 *agent)
{
  GVariant    *accounts = agent != NULL ? tend_dbus_agent1_get_accounts (agent) : NULL;
  GVariantIter iter;
  GVariant    *details;

  if (accounts == NULL)
    return FALSE;
  g_variant_iter_init (&iter, accounts);
  while (g_variant_iter_next (&iter, "(&s&s@a{sv})", NULL, NULL, &details))
    {
      g_autoptr (GVariant) owned = details;

      if (tend_agent_account_in_first_sync (details))
        return TRUE;
    }
  return FALSE;
}

/* Points both pages at @path, and at a week asked for meanwhile: they compute in the
 * background whether shown or not. */
static void
load_database (TendWindow *self, const char *path, gboolean is_demo)
{
  if (g_strcmp0 (path, self->database) != 0 || is_demo != self->is_demo)
    {
      g_free (self->database);
      self->database = g_strdup (path);
      self->is_demo = is_demo;
      tend_week_page_set_database (self->week_page, path, is_demo);
      tend_people_page_set_database (self->people_page, path, is_demo);
    }
  if (self->has_pending_week)
    {
      self->has_pending_week = FALSE;
      tend_week_page_set_week (self->week_page, &self->pending_week);
      tend_people_page_set_week (self->people_page, &self->pending_week);
    }
}

static void
show_database (TendWindow *self, const char *path, gboolean is_demo)
{
  load_database (self, path, is_demo);
  gtk_stack_set_visible_child_name (self->stack, "week");
}

/* The demo lives in a file of its own, never in the user's database; the window makes it the
 * first time it is needed, in a thread. */
static void
show_demo (TendWindow *self)
{
  g_autofree char *path = tend_store_get_demo_path ();
  g_autoptr (GTask) task = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      show_database (self, path, TRUE);
      return;
    }
  if (self->demo_error != NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "loading");
  if (self->demo_cancellable != NULL)
    return;
  self->demo_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->demo_cancellable, generate_demo_cb, NULL);
  g_task_set_source_tag (task, show_demo);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, generate_demo_thread);
}

/* Which page, and whether what it shows is invented, follows from the agent: not reachable or
 * no database of the user's own yet means the demo, marked as such. */
static void
update_page (TendWindow *self)
{
  TendApplication *application = TEND_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *own = NULL;
  const char      *demo_reason = NULL;
  TendDBusAgent1  *agent;
  gboolean         agent_running;
  gboolean         opted_in;

  if (application == NULL)
    return;
  agent = tend_application_get_agent (application);
  agent_running = agent != NULL;
  opted_in = tend_application_get_opted_in (application);
  if (!opted_in && tend_application_get_agent_ready (application))
    {
      /* Opting in again starts from a new database. */
      self->counted = FALSE;
      self->count_failed = FALSE;
      self->has_data = FALSE;
      self->setup_active = FALSE;
    }

  if (!tend_application_get_agent_ready (application))
    {
      /* A database of the user's own exists only after opt-in: while the agent answers, its
       * week is computed already, as most starts end on it, and so is whether it is empty. */
      own = tend_store_get_default_path ();
      if (g_file_test (own, G_FILE_TEST_EXISTS))
        {
          load_database (self, own, FALSE);
          if (!self->counted && self->count_cancellable == NULL)
            count_database (self, own);
        }
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  else if (opted_in)
    {
      own = tend_store_get_default_path ();
      if (!g_file_test (own, G_FILE_TEST_EXISTS))
        {
          demo_reason = _ ("Your first sync has not finished yet: until it has, these figures are "
                           "invented.");
          show_demo (self);
        }
      else if (!self->counted && !self->count_failed && !has_accounts (agent))
        {
          load_database (self, own, FALSE);
          if (self->count_cancellable == NULL)
            count_database (self, own);
          gtk_stack_set_visible_child_name (self->stack, "loading");
        }
      else
        {
          /* With an account, the week comes at once; the count only tells the connect step
           * whether it may lead back to the week. */
          if (!self->counted && !self->count_failed && self->count_cancellable == NULL)
            count_database (self, own);
          /* Nothing to show yet, and nothing that would bring it: the way to one's data. */
          if (self->counted && !self->has_data && !has_accounts (agent))
            self->setup_active = TRUE;
          if (self->setup_active && self->demo_requested)
            {
              demo_reason = _ ("This is a demo: everything here is invented. Connect an account "
                               "or import files to see your own week.");
              show_demo (self);
            }
          else if (self->setup_active)
            {
              load_database (self, own, FALSE);
              gtk_stack_set_visible_child_name (self->stack, "connect");
            }
          else
            show_database (self, own, FALSE);
        }
    }
  else if (!agent_running)
    {
      demo_reason = _ ("Tend’s agent is not running, so Tend reads nothing of yours: these "
                       "figures are invented.");
      show_demo (self);
    }
  else if (self->demo_requested)
    {
      demo_reason = _ ("This is a demo: everything here is invented. Opt in to see your own week.");
      show_demo (self);
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "welcome");

  if (demo_reason != NULL && self->demo_error != NULL)
    demo_reason = self->demo_error;
  gtk_label_set_label (self->demo_label, demo_reason != NULL ? demo_reason : "");
  gtk_revealer_set_reveal_child (self->demo_revealer, demo_reason != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_pill), demo_reason != NULL);
  gtk_widget_set_visible (self->demo_opt_in_button, agent_running && !opted_in);
  gtk_widget_set_visible (self->demo_connect_button, agent_running && opted_in);

  for (guint i = 0; i < G_N_ELEMENTS (setup_actions); i++)
    g_simple_action_set_enabled (
        G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), setup_actions[i])),
        agent_running && opted_in);
  tend_week_page_set_syncing (self->week_page, first_sync_running (agent));
}

static void
application_state_cb (TendApplication *application, GParamSpec *pspec, TendWindow *self)
{
  update_page (self);
}

/* New data may mean the user's own database now exists, or that the week shown changed. */
static void
data_changed_cb (TendApplication *application, TendWindow *self)
{
  gboolean         was_own = self->database != NULL && !self->is_demo;
  g_autofree char *own = NULL;

  /* An import or a first sync may have filled the database the connect step waits on. */
  if ((self->counted && !self->has_data) || self->count_failed)
    {
      self->count_failed = FALSE;
      own = tend_store_get_default_path ();
      count_database (self, own);
    }
  update_page (self);
  if (was_own && !self->is_demo)
    {
      tend_week_page_reload (self->week_page);
      tend_people_page_reload (self->people_page);
    }
}

/* OptedIn turns true before the agent has made the database; its reply comes after. */
static void
opted_in_cb (TendWelcomePage *page, TendWindow *self)
{
  g_autofree char *own = tend_store_get_default_path ();

  /* A count made before may have found the database half made: count what the agent made. */
  self->counted = FALSE;
  self->count_failed = FALSE;
  if (g_file_test (own, G_FILE_TEST_EXISTS))
    count_database (self, own);
  update_page (self);
}

static void
show_demo_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendWindow *self = TEND_WINDOW (user_data);

  self->demo_requested = TRUE;
  update_page (self);
}

/* The connect step, also for a user who has data already: it leads back to the week. */
static void
show_setup (TendWindow *self)
{
  self->setup_active = TRUE;
  self->demo_requested = FALSE;
  update_page (self);
}

static void
connect_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  show_setup (TEND_WINDOW (user_data));
}

static void
import_files_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendWindow *self = TEND_WINDOW (user_data);

  show_setup (self);
  tend_connect_page_choose_files (self->connect_page);
}

/* What the file chooser picked, or a test's files: absolute paths. */
static void
import_paths_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendWindow             *self = TEND_WINDOW (user_data);
  g_autofree const char **paths = g_variant_get_strv (parameter, NULL);

  show_setup (self);
  tend_connect_page_import (self->connect_page, (const char *const *) paths);
}

static void
connect_done_cb (TendConnectPage *page, TendWindow *self)
{
  self->setup_active = FALSE;
  update_page (self);
}

static void
show_welcome_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendWindow *self = TEND_WINDOW (user_data);

  self->demo_requested = FALSE;
  update_page (self);
}

/* Switches between the week and its people; only while they are shown at all. */
static void
view_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TendWindow *self = TEND_WINDOW (user_data);
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "week") != 0
      || adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static const GActionEntry win_actions[] = {
  { "show-demo", show_demo_action },
  { "show-welcome", show_welcome_action },
  { "view", view_action, "s" },
  { "connect-account", connect_account_action },
  { "import-files", import_files_action },
  { "import-paths", import_paths_action, "as" },
};

/* The switcher makes sense only over the week and its people, not over the welcome; on narrow
 * windows the header has no room for it and the bar at the bottom takes over. */
static void
update_switcher (TendWindow *self)
{
  gboolean on_week = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "week") == 0;

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, on_week);
  adw_view_switcher_bar_set_reveal (
      self->switcher_bar,
      on_week && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static void
switcher_state_cb (GObject *object, GParamSpec *pspec, TendWindow *self)
{
  update_switcher (self);
}

/* The week page has its own previous/next buttons: the people follow whichever week it shows
 * when they come into view. */
static void
view_changed_cb (AdwViewStack *view_stack, GParamSpec *pspec, TendWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (view_stack), "people") == 0)
    tend_people_page_set_week (self->people_page, tend_week_page_get_week (self->week_page));
}

static void
add_view_shortcut (GtkShortcutController *controller, guint keyval, const char *view)
{
  gtk_shortcut_controller_add_shortcut (
      controller, gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (keyval, GDK_ALT_MASK),
                                                   gtk_named_action_new ("win.view"), "s", view));
}

/* GtkWindow's "application" is set after construction, so the window follows it from here. */
static void
follow_application (TendWindow *self, TendApplication *application)
{
  g_object_bind_property (application, "agent", self->welcome_page, "agent", G_BINDING_SYNC_CREATE);
  g_object_bind_property (application, "agent", self->connect_page, "agent", G_BINDING_SYNC_CREATE);
  /* The week page dismisses and snoozes nudges through the agent. */
  g_object_bind_property (application, "agent", self->week_page, "agent", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (application, "notify::agent-ready", G_CALLBACK (application_state_cb),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (application, "notify::opted-in", G_CALLBACK (application_state_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (application, "notify::agent", G_CALLBACK (application_state_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (application, "data-changed", G_CALLBACK (data_changed_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->welcome_page, "opted-in", G_CALLBACK (opted_in_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->connect_page, "done", G_CALLBACK (connect_done_cb), self,
                           G_CONNECT_DEFAULT);
  update_page (self);
}

static void
tend_window_dispose (GObject *object)
{
  TendWindow *self = TEND_WINDOW (object);

  g_cancellable_cancel (self->demo_cancellable);
  g_clear_object (&self->demo_cancellable);
  g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->demo_error, g_free);

  G_OBJECT_CLASS (tend_window_parent_class)->dispose (object);
}

static void
tend_window_class_init (TendWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_window_dispose;

  g_type_ensure (TEND_TYPE_WELCOME_PAGE);
  g_type_ensure (TEND_TYPE_CONNECT_PAGE);
  g_type_ensure (TEND_TYPE_WEEK_PAGE);
  g_type_ensure (TEND_TYPE_PEOPLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TendWindow, demo_pill);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, demo_opt_in_button);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, demo_connect_button);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, connect_page);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, week_page);
  gtk_widget_class_bind_template_child (widget_class, TendWindow, people_page);
}

static void
tend_window_init (TendWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  /* Alt+1 and Alt+2, like the tabs of other GNOME applications, wherever the focus is. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  add_view_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_1, "week");
  add_view_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_2, "people");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (switcher_state_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (switcher_state_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (view_changed_cb), self, G_CONNECT_DEFAULT);
  update_switcher (self);
}

TendWindow *
tend_window_new (TendApplication *application)
{
  TendWindow *self;

  g_return_val_if_fail (TEND_IS_APPLICATION (application), NULL);

  self = g_object_new (TEND_TYPE_WINDOW, "application", application, NULL);
  follow_application (self, application);
  return self;
}

/* Shows @week on the week page, now or as soon as the window shows a database. */
void
tend_window_show_week (TendWindow *self, const TendWeek *week)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (week != NULL);

  /* A database loaded but not shown yet (the user's own, while the agent answers) computes the
   * week asked for at once, rather than the current week first and this one after. */
  if (self->database != NULL)
    {
      tend_week_page_set_week (self->week_page, week);
      tend_people_page_set_week (self->people_page, week);
      return;
    }
  self->pending_week = *week;
  self->has_pending_week = TRUE;
}

/* "loading", "welcome", "connect" or "week". */
const char *
tend_window_get_visible_page (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/* "week" or "people": which of the two the window shows while its visible page is "week". */
const char *
tend_window_get_visible_view (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

/* Whether the week page shows invented figures. */
gboolean
tend_window_get_is_demo (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), FALSE);

  return g_strcmp0 (tend_window_get_visible_page (self), "week") == 0 && self->is_demo;
}
