/* tend-test-ui.c: what the window's tests share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include "tend-test-ui.h"

gboolean
tend_test_ui_timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

char *
tend_test_ui_set_home (const char *tmpl)
{
  char            *home = g_dir_make_tmp (tmpl, NULL);
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it also hides XDG_DATA_DIRS, and with it the icon theme and
   * the MIME database. */
  g_assert_nonnull (home);
  config = g_build_filename (home, "config", NULL);
  data = g_build_filename (home, "data", NULL);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  return home;
}

gboolean
tend_test_ui_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    return FALSE;
  adw_init ();
  /* The picture a person would see once transitions are over, without waiting for them. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return TRUE;
}

gboolean
tend_test_ui_widget_init (int *argc, char ***argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return FALSE;
    }
  /* Weeks and the demo's days in UTC, whatever the machine's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return TRUE;
}

void
tend_test_ui_set_org_conf (const char *home, const char *collector, const char *organization)
{
  g_autofree char *org_conf = g_build_filename (home, "org.conf", NULL);
  g_autofree char *text
      = g_strdup_printf ("[collector]\nurl=%s\norganization=%s\n", collector, organization);

  g_assert_true (g_file_set_contents (org_conf, text, -1, NULL));
  g_setenv ("TEND_ORG_CONF", org_conf, TRUE);
}

gboolean
tend_test_ui_can_run_agent (gboolean have_display)
{
  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return FALSE;
    }
  if (g_getenv ("TEND_AGENT") == NULL)
    {
      g_test_skip ("TEND_AGENT is not set");
      return FALSE;
    }
  return TRUE;
}

/* Whether the agent says the person agreed to share. */
gboolean
tend_test_ui_sharing_enabled (TendDBusAgent1 *agent)
{
  GVariant *sharing = tend_dbus_agent1_get_sharing (agent);
  gboolean  enabled = FALSE;

  if (sharing != NULL)
    g_variant_lookup (sharing, "enabled", "b", &enabled);
  return enabled;
}

TendDBusAgent1 *
tend_test_ui_agent_proxy (void)
{
  g_autoptr (GError) error = NULL;
  TendDBusAgent1 *agent = tend_dbus_agent1_proxy_new_for_bus_sync (
      G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, "dev.tend.Agent", "/dev/tend/Agent",
      NULL, &error);

  g_assert_no_error (error);
  return agent;
}

void
tend_test_ui_stop_agent (GSubprocess *agent)
{
  g_subprocess_send_signal (agent, SIGTERM);
  g_assert_true (g_subprocess_wait (agent, NULL, NULL));
  g_assert_true (g_subprocess_get_successful (agent));
}

void
tend_test_ui_wait_for_page (TendWindow *window, const char *page, guint seconds)
{
  TEND_TEST_UI_WAIT_UNTIL (g_strcmp0 (tend_window_get_visible_page (window), page) == 0, seconds,
                           page);
}

GtkWindow *
tend_test_ui_activate (GtkApplication *application)
{
  g_autoptr (GError) error = NULL;
  GtkWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  /* The primary instance: a remote one would show its window in another process. */
  g_assert_false (g_application_get_is_remote (G_APPLICATION (application)));
  g_application_activate (G_APPLICATION (application));
  window = gtk_application_get_active_window (application);
  g_assert_nonnull (window);
  return window;
}

/* A frame stuck for this long is a hang, not a slow machine. */
#define FRAME_TIMEOUT_SECONDS 20

static gboolean
count_frame_cb (GtkWidget *widget, GdkFrameClock *frame_clock, gpointer user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frame_timeout_cb (gpointer user_data)
{
  g_error ("No frame drawn in %d s", FRAME_TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Lets @widget draw @n_frames frames, so that a transition has ended and the layout settled
 * before a picture or a check. */
void
tend_test_ui_wait_for_frames (GtkWidget *widget, guint n_frames)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  guint timeout = g_timeout_add_seconds (FRAME_TIMEOUT_SECONDS, frame_timeout_cb, NULL);

  while (frames < n_frames)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  gtk_widget_remove_tick_callback (widget, id);
  g_source_remove (timeout);
}

/* What a person would see, as a PNG in the tests' build folder. */
void
tend_test_ui_save_png (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  int              width = gtk_widget_get_width (widget);
  int              height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

/* The view in light, in dark, and on a phone's 360 px, e.g. week-light.png, week-dark.png and
 * week-360.png. The 360 px picture is also a check: a view that cannot shrink that far makes the
 * window wider than asked. */
void
tend_test_ui_save_view (GtkWidget *window, const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);
  g_autofree char *narrow = g_strdup_printf ("%s-360.png", name);
  int              width;
  int              height;
  int              frame;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  tend_test_ui_wait_for_frames (window, 10);
  tend_test_ui_save_png (window, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  tend_test_ui_wait_for_frames (window, 10);
  tend_test_ui_save_png (window, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* The default size counts the client-side frame around the widget as well. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  frame = width - gtk_widget_get_width (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  tend_test_ui_wait_for_frames (window, 10);
  tend_test_ui_save_png (window, narrow);
  /* A dialog-like window may drop its shadow when narrow: it must not be wider than asked. */
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);
  g_assert_cmpint (gtk_widget_get_width (window), >=, 360 - frame);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  tend_test_ui_wait_for_frames (window, 10);
}

GtkWidget *
tend_test_ui_find (GtkWidget *root, TendTestUiMatch match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tend_test_ui_find (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget *widget, gconstpointer data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, *(const GType *) data);
}

GtkWidget *
tend_test_ui_find_type (GtkWidget *root, GType type)
{
  return tend_test_ui_find (root, is_type, &type);
}

static gboolean
has_action (GtkWidget *widget, gconstpointer action_name)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
tend_test_ui_find_actionable (GtkWidget *root, const char *action_name)
{
  return tend_test_ui_find (root, has_action, action_name);
}

/* Whether @shown reads as @text once its mnemonic underscores are left out. */
static gboolean
reads_as (const char *shown, const char *text)
{
  g_autoptr (GString) read = NULL;

  if (shown == NULL)
    return FALSE;
  read = g_string_new (shown);
  g_string_replace (read, "_", "", 0);
  return g_strcmp0 (read->str, text) == 0;
}

static gboolean
is_button (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_BUTTON (widget) && reads_as (gtk_button_get_label (GTK_BUTTON (widget)), text);
}

GtkWidget *
tend_test_ui_find_button (GtkWidget *root, const char *text)
{
  return tend_test_ui_find (root, is_button, text);
}

static gboolean
is_row (GtkWidget *widget, gconstpointer text)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && reads_as (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text);
}

GtkWidget *
tend_test_ui_find_row (GtkWidget *root, const char *text)
{
  return tend_test_ui_find (root, is_row, text);
}

static gboolean
is_label (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkWidget *
tend_test_ui_find_label (GtkWidget *root, const char *text)
{
  return tend_test_ui_find (root, is_label, text);
}

static gboolean
is_label_with (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

GtkWidget *
tend_test_ui_find_label_with (GtkWidget *root, const char *text)
{
  return tend_test_ui_find (root, is_label_with, text);
}

GtkWidget *
tend_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
is_shown_label (GtkWidget *widget, gconstpointer text)
{
  return gtk_widget_get_mapped (widget) && is_label (widget, text);
}

GtkWidget *
tend_test_ui_find_shown_label (GtkWidget *root, const char *text)
{
  return tend_test_ui_find (root, is_shown_label, text);
}

/* Text shown now inside the widget, which is what GTK reads out for a button with a label. */
static gboolean
has_label_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (has_label_text (child))
        return TRUE;
    }
  return FALSE;
}

/* A screen reader's name: set outright, borrowed from another widget, or read from the text the
 * control shows. A tooltip alone is only a description. */
gboolean
tend_test_ui_has_accessible_name (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
         || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_RELATION_LABELLED_BY)
         || has_label_text (widget);
}

gboolean
tend_test_ui_is_control (GtkWidget *widget)
{
  /* What only shows the state of the row around it, out of reach of the pointer and of screen
   * readers alike: the row is the control. */
  if (!gtk_widget_get_can_target (widget)
      && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget))
             == GTK_ACCESSIBLE_ROLE_PRESENTATION)
    return FALSE;
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget)
         || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_EDITABLE (widget)
         || GTK_IS_SCALE (widget)
         || (GTK_IS_LIST_BOX_ROW (widget)
             && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)));
}

/* Every control shown can take the keyboard focus and has a name to be read out. A menu button
 * takes the focus in its inner button, which is named by the menu button around it; a spin
 * button or a search entry is one control that takes the focus in its text. */
guint
tend_test_ui_assert_controls_accessible (GtkWidget *widget)
{
  guint checked = 0;

  /* Minimize, maximize and close are the window manager's, kept out of the focus chain by GTK
   * itself, and reached by its own shortcuts. */
  if (!gtk_widget_get_mapped (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return 0;
  if (tend_test_ui_is_control (widget))
    {
      GtkWidget *focus = widget;

      if (GTK_IS_MENU_BUTTON (widget))
        focus = gtk_widget_get_first_child (widget);
      else if (GTK_IS_EDITABLE (widget)
               && gtk_editable_get_delegate (GTK_EDITABLE (widget)) != NULL)
        focus = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (widget)));
      if (!gtk_widget_get_focusable (focus) || !gtk_widget_get_can_focus (focus))
        g_error ("%s %p (%s, in %s) cannot take the focus", G_OBJECT_TYPE_NAME (widget), widget,
                 gtk_widget_get_tooltip_text (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      if (!tend_test_ui_has_accessible_name (widget))
        g_error ("%s %p (%s, in %s) has no accessible name", G_OBJECT_TYPE_NAME (widget), widget,
                 gtk_widget_get_tooltip_text (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      if (focus != widget)
        return 1;
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += tend_test_ui_assert_controls_accessible (child);
  return checked;
}

/* Last complete ISO week's Monday, at midnight UTC: the week a contribution is built from. */
static GDateTime *
last_monday (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) today
      = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                             g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_add_days (today, -(g_date_time_get_day_of_week (today) - 1) - 7);
}

/* Three meetings and three messages a day, Monday to Friday: what a preview of the contribution
 * is built from. */
void
tend_test_ui_write_last_week (const char *ics_path, const char *mbox_path, const char *me)
{
  g_autoptr (GDateTime) monday = last_monday ();
  g_autoptr (GString) ics = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                          "PRODID:-//Tend//Test UI//EN\r\n");
  g_autoptr (GString) mbox = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (int day = 0; day < 5; day++)
    {
      g_autoptr (GDateTime) date = g_date_time_add_days (monday, day);

      for (int hour = 9; hour < 16; hour += 3)
        {
          g_autoptr (GDateTime) start = g_date_time_add_hours (date, hour);
          g_autoptr (GDateTime) end = g_date_time_add_hours (start, 1);
          g_autofree char *start_text = g_date_time_format (start, "%Y%m%dT%H%M%SZ");
          g_autofree char *end_text = g_date_time_format (end, "%Y%m%dT%H%M%SZ");

          g_string_append_printf (ics,
                                  "BEGIN:VEVENT\r\nUID:meeting-%d-%d@example.org\r\n"
                                  "DTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Sync\r\n"
                                  "ORGANIZER:mailto:ann@example.org\r\n"
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.org\r\n"
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:%s\r\n"
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\r\n"
                                  "END:VEVENT\r\n",
                                  day, hour, start_text, start_text, end_text, me);
        }
      for (int n = 0; n < 3; n++)
        {
          g_autoptr (GDateTime) sent = g_date_time_add_minutes (date, 10 * 60 + 90 * n);
          g_autofree char *from_line = g_date_time_format (sent, "%a %b %e %H:%M:%S %Y");
          g_autofree char *date_header = g_date_time_format (sent, "%a, %d %b %Y %H:%M:%S +0000");

          g_string_append_printf (mbox,
                                  "From %s %s\nMessage-ID: <m%d-%d@tend.example>\n"
                                  "Date: %s\nFrom: Me Myself <%s>\n"
                                  "To: Ann Archer <ann@example.org>\nSubject: Update %d\n"
                                  "Content-Type: text/plain; charset=utf-8\n\nAn update.\n\n",
                                  me, from_line, day, n, date_header, me, n);
        }
    }
  g_string_append (ics, "END:VCALENDAR\r\n");
  g_assert_true (g_file_set_contents (ics_path, ics->str, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (mbox_path, mbox->str, -1, &error));
  g_assert_no_error (error);
}

void
tend_test_ui_write_file (const char *path, const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

/* The organization's settings as the user's overrides, and the scripted browser as the desktop's
 * default handler of web addresses. */
void
tend_test_ui_write_desktop (const char *config, const char *data, const char *oidc_dir,
                            TendTestFake *provider, TendTestFake *graph, const char *login)
{
  g_autofree char *conf = g_build_filename (config, "tend", "tend.conf", NULL);
  g_autofree char *conf_text = NULL;
  g_autofree char *desktop
      = g_build_filename (data, "applications", "tend-test-browser.desktop", NULL);
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);

  conf_text = g_strdup_printf ("[oidc]\nissuer=%s\nclient-id=tend-test\n"
                               "api=microsoft-graph\napi-url=%s/v1.0\n",
                               tend_test_fake_get_url (provider), tend_test_fake_get_url (graph));
  tend_test_ui_write_file (conf, conf_text);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test browser\n"
                                  "Exec=node %s/browser.mjs --login %s %%u\n"
                                  "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n"
                                  "NoDisplay=true\n",
                                  oidc_dir, login);
  tend_test_ui_write_file (desktop, desktop_text);
  tend_test_ui_write_file (mimeapps, "[Default Applications]\n"
                                     "x-scheme-handler/http=tend-test-browser.desktop\n"
                                     "x-scheme-handler/https=tend-test-browser.desktop\n");
}
