/* test-preferences.c: the preferences against the real agent — schedule, collection, consent,
 * deleting everything
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>

#include "tend-account-row.h"
#include "tend-application.h"
#include "tend-consent-dialog.h"
#include "tend-preferences-window.h"
#include "tend-store.h"
#include "tend-test-ui.h"
#include "tend-test-util.h"
#include "tend-window.h"
#include "tend-working-hours-row.h"

static gboolean have_display;

/* Long enough for a loaded machine, short enough to fail rather than hang. */
#define WAIT_SECONDS 60

#define ORGANIZATION "Example Cooperative"
#define COLLECTOR "https://collector.example.org/tend"
#define ME "me@tend.example"

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds, as the window would while a person waits. */
#define WAIT_UNTIL(condition, what)                                                                \
  G_STMT_START                                                                                     \
  {                                                                                                \
    guint timeout_ = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, (gpointer) (what));          \
    while (!(condition))                                                                           \
      g_main_context_iteration (NULL, TRUE);                                                       \
    g_source_remove (timeout_);                                                                    \
  }                                                                                                \
  G_STMT_END

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

static gboolean
has_accessible_name (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
         || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_RELATION_LABELLED_BY)
         || has_label_text (widget);
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget)
         || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_EDITABLE (widget)
         || GTK_IS_SCALE (widget)
         || (GTK_IS_LIST_BOX_ROW (widget)
             && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)));
}

/* Every control shown can take the keyboard focus and has a name to be read out. A spin button
 * or a search entry is one control that takes the focus in its text, its +/− reached with the
 * arrow keys; a menu button takes the focus in its inner button. */
static guint
assert_controls_accessible (GtkWidget *widget)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return 0;
  if (is_control (widget))
    {
      GtkWidget *focus = widget;

      if (GTK_IS_MENU_BUTTON (widget))
        focus = gtk_widget_get_first_child (widget);
      else if (GTK_IS_EDITABLE (widget) && gtk_editable_get_delegate (GTK_EDITABLE (widget)))
        focus = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (widget)));
      if (!gtk_widget_get_focusable (focus) || !gtk_widget_get_can_focus (focus))
        g_error ("%s %p (%s, in %s) cannot take the focus", G_OBJECT_TYPE_NAME (widget), widget,
                 gtk_widget_get_tooltip_text (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      if (!has_accessible_name (widget))
        g_error ("%s %p (%s, in %s) has no accessible name", G_OBJECT_TYPE_NAME (widget), widget,
                 gtk_widget_get_tooltip_text (widget),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      if (GTK_IS_MENU_BUTTON (widget) || GTK_IS_EDITABLE (widget))
        return 1;
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += assert_controls_accessible (child);
  return checked;
}

/* The view in light, in dark, and on a phone's 360 px. */
static void
save_view (GtkWidget *window, const char *view)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light.png", view);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", view);
  g_autofree char *narrow = g_strdup_printf ("%s-360.png", view);
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

static GtkWidget *
find_type (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A preferences row by the title a person reads (mnemonic underscores left out). */
static GtkWidget *
find_row (GtkWidget *widget, const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    {
      g_autoptr (GString) shown
          = g_string_new (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));

      g_string_replace (shown, "_", "", 0);
      if (g_strcmp0 (shown->str, title) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A button by the text it shows (mnemonic underscores left out). */
static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autoptr (GString) shown = g_string_new (gtk_button_get_label (GTK_BUTTON (widget)));

      g_string_replace (shown, "_", "", 0);
      if (g_strcmp0 (shown->str, label) == 0)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label that shows exactly @text. */
static GtkWidget *
find_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (shows_text (child, text))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_toplevel (GType type)
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
poll_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
is_json_file (const char *path)
{
  json_error_t error;
  json_t      *root = json_load_file (path, 0, &error);
  gboolean     is_object = json_is_object (root);

  json_decref (root);
  return is_object;
}

static gboolean
sharing_enabled (TendDBusAgent1 *agent)
{
  GVariant *sharing = tend_dbus_agent1_get_sharing (agent);
  gboolean  enabled = FALSE;

  if (sharing != NULL)
    g_variant_lookup (sharing, "enabled", "b", &enabled);
  return enabled;
}

static gint64
count_rows (const char *path, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3         *db = NULL;
  sqlite3_stmt    *statement = NULL;
  gint64           count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) == SQLITE_OK
      && sqlite3_step (statement) == SQLITE_ROW)
    count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return count;
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

/* A week of meetings and mail in the last complete week, as files to import: what a preview of
 * the contribution is built from. */
static void
write_last_week (const char *ics_path, const char *mbox_path)
{
  g_autoptr (GDateTime) monday = last_monday ();
  g_autoptr (GString) ics = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                          "PRODID:-//Tend//Test preferences//EN\r\n");
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
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:" ME "\r\n"
                                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\r\n"
                                  "END:VEVENT\r\n",
                                  day, hour, start_text, start_text, end_text);
        }
      for (int n = 0; n < 3; n++)
        {
          g_autoptr (GDateTime) sent = g_date_time_add_minutes (date, 10 * 60 + 90 * n);
          g_autofree char *from_line = g_date_time_format (sent, "%a %b %e %H:%M:%S %Y");
          g_autofree char *date_header = g_date_time_format (sent, "%a, %d %b %Y %H:%M:%S +0000");

          g_string_append_printf (mbox,
                                  "From " ME " %s\nMessage-ID: <m%d-%d@tend.example>\n"
                                  "Date: %s\nFrom: Me Myself <" ME ">\n"
                                  "To: Ann Archer <ann@example.org>\nSubject: Update %d\n"
                                  "Content-Type: text/plain; charset=utf-8\n\nAn update.\n\n",
                                  from_line, day, n, date_header, n);
        }
    }
  g_string_append (ics, "END:VCALENDAR\r\n");
  g_assert_true (g_file_set_contents (ics_path, ics->str, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (mbox_path, mbox->str, -1, &error));
  g_assert_no_error (error);
}

static void
activate_cb (GApplication *application, TendWindow **window)
{
  *window = TEND_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
}

static void
show_page (AdwPreferencesWindow *preferences, const char *page, const char *view, guint controls)
{
  adw_preferences_window_set_visible_page_name (preferences, page);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_cmpuint (assert_controls_accessible (GTK_WIDGET (preferences)), >=, controls);
  save_view (GTK_WIDGET (preferences), view);
}

/* Whether the working-hours setting has @day, and its hours. */
static gboolean
setting_has_day (GSettings *settings, guint8 day, guint *start, guint *end)
{
  g_autoptr (GVariant) hours = g_settings_get_value (settings, "working-hours");
  GVariantIter iter;
  guint8       each;
  guint16      from;
  guint16      to;

  g_variant_iter_init (&iter, hours);
  while (g_variant_iter_next (&iter, "(yqq)", &each, &from, &to))
    {
      if (each == day)
        {
          *start = from;
          *end = to;
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_schedule (AdwPreferencesWindow *preferences, GSettings *settings)
{
  TendWorkingHoursRow *saturday = NULL;
  GtkWidget           *child;
  GtkWidget           *zone_row;
  GtkWidget           *paris;
  GtkSwitch           *working;
  GtkSpinButton       *spins[2] = { NULL };
  guint                n_spins = 0;
  guint                start;
  guint                end;
  g_autofree char     *expected = NULL;

  adw_preferences_window_set_visible_page_name (preferences, "schedule");
  for (GtkWidget *row = find_type (GTK_WIDGET (preferences), TEND_TYPE_WORKING_HOURS_ROW);
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (TEND_IS_WORKING_HOURS_ROW (row)
          && tend_working_hours_row_get_weekday (TEND_WORKING_HOURS_ROW (row)) == 6)
        saturday = TEND_WORKING_HOURS_ROW (row);
    }
  g_assert_nonnull (saturday);
  g_assert_false (tend_working_hours_row_get_working (saturday));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (saturday), TRUE);

  working = GTK_SWITCH (find_type (GTK_WIDGET (saturday), GTK_TYPE_SWITCH));
  child = find_type (GTK_WIDGET (saturday), GTK_TYPE_SPIN_BUTTON);
  for (GtkWidget *row = gtk_widget_get_ancestor (child, GTK_TYPE_LIST_BOX_ROW); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *spin = find_type (row, GTK_TYPE_SPIN_BUTTON);

      if (spin != NULL && n_spins < 2)
        spins[n_spins++] = GTK_SPIN_BUTTON (spin);
    }
  g_assert_cmpuint (n_spins, ==, 2);

  /* Working on Saturday from 10:00 to 14:00, as a person would set it. */
  gtk_switch_set_active (working, TRUE);
  gtk_spin_button_set_value (spins[0], 10 * 60);
  gtk_spin_button_set_value (spins[1], 14 * 60);
  g_assert_true (setting_has_day (settings, 6, &start, &end));
  g_assert_cmpuint (start, ==, 600);
  g_assert_cmpuint (end, ==, 840);
  g_assert_true (setting_has_day (settings, 1, &start, &end));
  g_assert_cmpuint (start, ==, 540);
  g_assert_cmpuint (end, ==, 1020);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_cmpuint (assert_controls_accessible (GTK_WIDGET (preferences)), >=, 12);

  /* Ending before it starts is shown and never written. */
  gtk_spin_button_set_value (spins[1], 9 * 60);
  g_assert_false (tend_working_hours_row_is_valid (saturday));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (saturday), "error"));
  g_assert_nonnull (
      strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (saturday)), "must end after"));
  g_assert_true (setting_has_day (settings, 6, &start, &end));
  g_assert_cmpuint (end, ==, 840);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  tend_test_ui_save_png (GTK_WIDGET (preferences), "preferences-invalid-hours.png");

  /* A day off again: Saturday leaves the setting. */
  gtk_switch_set_active (working, FALSE);
  g_assert_false (setting_has_day (settings, 6, &start, &end));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (saturday), FALSE);

  /* The time zone: the system's, then one chosen from the searchable list. */
  zone_row = find_row (GTK_WIDGET (preferences), "Time Zone");
  g_assert_nonnull (zone_row);
  g_assert_true (
      g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (zone_row)), "System ("));
  g_signal_emit_by_name (zone_row, "activated");
  WAIT_UNTIL ((paris = find_row (GTK_WIDGET (preferences), "Europe/Paris")) != NULL
                  && gtk_widget_get_mapped (paris),
              "the time zones");
  gtk_editable_set_text (GTK_EDITABLE (find_type (GTK_WIDGET (preferences), GTK_TYPE_SEARCH_ENTRY)),
                         "paris");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_true (gtk_widget_get_child_visible (paris));
  g_assert_cmpuint (assert_controls_accessible (GTK_WIDGET (preferences)), >=, 3);
  tend_test_ui_save_png (GTK_WIDGET (preferences), "preferences-time-zone.png");
  g_signal_emit_by_name (gtk_widget_get_parent (paris), "row-activated", paris);
  expected = g_settings_get_string (settings, "time-zone");
  g_assert_cmpstr (expected, ==, "Europe/Paris");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (zone_row)), ==, "Europe/Paris");
  g_settings_reset (settings, "time-zone");
}

static void
test_preferences (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *db_path = g_build_filename (data, "tend", "tend.db", NULL);
  g_autofree char *ics = g_build_filename (home, "last-week.ics", NULL);
  g_autofree char *mbox = g_build_filename (home, "last-week.mbox", NULL);
  g_autoptr (GSubprocess) agent_process = NULL;
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (TendApplication) application = NULL;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  TendWindow           *window = NULL;
  AdwPreferencesWindow *preferences;
  GtkWidget            *row;
  GtkSwitch            *pause;
  GtkSwitch            *sharing;
  TendConsentDialog    *consent;
  g_autofree char      *week = NULL;
  g_autofree char      *payload = NULL;
  gint64                consents;
  const char           *paths[] = { NULL, NULL, NULL };
  const char           *me[] = { ME, NULL };
  GVariantDict          options;

  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return;
    }
  if (g_getenv ("TEND_AGENT") == NULL)
    {
      g_test_skip ("TEND_AGENT is not set");
      return;
    }

  agent_process = tend_test_spawn_agent (home, config, data, NULL);
  agent
      = tend_dbus_agent1_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                                 "dev.tend.Agent", "/dev/tend/Agent", NULL, &error);
  g_assert_no_error (error);
  settings = g_settings_new (APPLICATION_ID);

  application = tend_application_new ();
  g_signal_connect_after (application, "activate", G_CALLBACK (activate_cb), &window);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (application));
  g_assert_nonnull (window);

  /* Opted in, with nothing collected yet. */
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (agent, NULL, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tend_application_get_opted_in (application), "the opt-in");

  /* Ctrl+, opens one preferences window over the main window. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = ADW_PREFERENCES_WINDOW (find_toplevel (TEND_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  g_assert_true (ADW_PREFERENCES_WINDOW (find_toplevel (TEND_TYPE_PREFERENCES_WINDOW))
                 == preferences);
  {
    g_auto (GStrv) accels
        = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "app.preferences");

    g_assert_cmpstr (accels[0], ==, "<Control>comma");
  }

  /* Without last week's figures there is nothing to agree to: the dialog says why and offers
   * only Cancel; the switch stays off. */
  adw_preferences_window_set_visible_page_name (preferences, "sharing");
  row = find_row (GTK_WIDGET (preferences), "Share anonymized figures with " ORGANIZATION);
  g_assert_nonnull (row);
  sharing = GTK_SWITCH (find_type (row, GTK_TYPE_SWITCH));
  gtk_switch_set_active (sharing, TRUE);
  WAIT_UNTIL ((consent = TEND_CONSENT_DIALOG (find_toplevel (TEND_TYPE_CONSENT_DIALOG))) != NULL
                  && !tend_consent_dialog_get_loading (consent),
              "the consent dialog without data");
  g_assert_nonnull (tend_consent_dialog_get_error (consent));
  g_test_message ("Nothing to share: %s", tend_consent_dialog_get_error (consent));
  g_assert_null (tend_consent_dialog_get_payload (consent));
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (consent), "Share")));
  tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 10);
  g_assert_cmpuint (assert_controls_accessible (GTK_WIDGET (consent)), >=, 1);
  tend_test_ui_save_png (GTK_WIDGET (consent), "consent-no-data-light.png");
  g_assert_true (gtk_widget_activate (find_button (GTK_WIDGET (consent), "Cancel")));
  WAIT_UNTIL (find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  g_assert_false (gtk_switch_get_active (sharing));
  g_assert_false (sharing_enabled (agent));

  /* Last week's meetings and mail: what a contribution is built from. */
  write_last_week (ics, mbox);
  paths[0] = ics;
  paths[1] = mbox;
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert_value (&options, "me", g_variant_new_strv (me, -1));
  g_assert_true (tend_dbus_agent1_call_import_sync (agent, paths, g_variant_dict_end (&options),
                                                    &summary, NULL, &error));
  g_assert_no_error (error);

  /* Seven days, the time zone, the shortest focus block, and the pages' switcher. */
  show_page (preferences, "schedule", "preferences-schedule", 10);
  test_schedule (preferences, settings);

  show_page (preferences, "accounts", "preferences-accounts", 3);
  /* The sync interval is the setting's. */
  {
    GtkSpinButton *interval = GTK_SPIN_BUTTON (
        find_type (find_row (GTK_WIDGET (preferences), "Sync Interval"), GTK_TYPE_SPIN_BUTTON));

    gtk_spin_button_set_value (interval, 60);
    g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval-minutes"), ==, 60);
    g_settings_reset (settings, "sync-interval-minutes");
    g_assert_cmpfloat (gtk_spin_button_get_value (interval), ==, 30);
  }

  /* Pause: the switch asks the agent, and shows what the agent did. */
  row = find_row (GTK_WIDGET (preferences), "Pause Collection");
  g_assert_nonnull (row);
  pause = GTK_SWITCH (find_type (row, GTK_TYPE_SWITCH));
  g_assert_false (tend_dbus_agent1_get_paused (agent));
  gtk_switch_set_active (pause, TRUE);
  WAIT_UNTIL (tend_dbus_agent1_get_paused (agent) && gtk_switch_get_state (pause), "the pause");
  gtk_switch_set_active (pause, FALSE);
  WAIT_UNTIL (!tend_dbus_agent1_get_paused (agent) && !gtk_switch_get_state (pause), "the resume");

  show_page (preferences, "data", "preferences-data", 3);

  /* Delete Everything names what goes; Cancel keeps it all. */
  {
    g_autoptr (TendStore) store = tend_store_open (db_path, TEND_STORE_OPEN_READ_ONLY, &error);
    TendStoreCounts   counts;
    g_autofree char  *messages = NULL;
    g_autofree char  *events = NULL;
    AdwMessageDialog *dialog;
    const char       *body;

    g_assert_no_error (error);
    g_assert_true (tend_store_get_counts (store, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpint (counts.messages, >, 0);
    g_assert_cmpint (counts.events, >, 0);
    messages = g_strdup_printf ("%" G_GINT64_FORMAT " messages", counts.messages);
    events = g_strdup_printf ("%" G_GINT64_FORMAT " events", counts.events);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences),
                                               "preferences.delete-everything", NULL));
    WAIT_UNTIL ((dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG))) != NULL,
                "the confirmation");
    body = adw_message_dialog_get_body (dialog);
    g_test_message ("Delete Everything says: %s", body);
    g_assert_nonnull (strstr (body, messages));
    g_assert_nonnull (strstr (body, events));
    g_assert_nonnull (strstr (body, "database"));
    g_assert_nonnull (strstr (body, "cache"));
    g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
    g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                     ADW_RESPONSE_DESTRUCTIVE);
    tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 10);
    tend_test_ui_save_png (GTK_WIDGET (dialog), "preferences-delete-everything.png");
    g_assert_nonnull (find_button (GTK_WIDGET (dialog), "Delete Everything"));
    g_assert_true (gtk_widget_activate (find_button (GTK_WIDGET (dialog), "Cancel")));
    WAIT_UNTIL (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, "the confirmation to close");
    tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
    g_assert_true (tend_dbus_agent1_get_opted_in (agent));
    g_assert_true (g_file_test (db_path, G_FILE_TEST_EXISTS));
  }

  /* Export: the save dialog, then everything Tend keeps as JSON in the file chosen. */
  {
    g_autofree char *export_path = g_build_filename (home, "export.json", NULL);
    g_autoptr (GFile) folder = g_file_new_for_path (home);
    GtkWidget *chooser;
    guint      poll;

    g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (preferences), "preferences.export", NULL));
    WAIT_UNTIL ((chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL,
                "the save dialog");
    tend_test_ui_wait_for_frames (chooser, 5);
    g_assert_true (
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error));
    g_assert_no_error (error);
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "export.json");
    tend_test_ui_wait_for_frames (chooser, 5);
    {
      g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *chosen_path = g_file_get_path (chosen);

      g_assert_cmpstr (chosen_path, ==, export_path);
    }
    tend_test_ui_save_png (chooser, "preferences-export.png");
    g_assert_true (gtk_widget_activate (find_button (chooser, "Export")));
    /* The file is written in a thread: look again every tenth of a second until it is whole. */
    poll = g_timeout_add (100, poll_cb, NULL);
    WAIT_UNTIL (is_json_file (export_path), "the export");
    g_source_remove (poll);
  }

  /* Sharing: the organization's collector is configured, so the switch can be used. */
  show_page (preferences, "sharing", "preferences-sharing", 1);
  row = find_row (GTK_WIDGET (preferences), "Share anonymized figures with " ORGANIZATION);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_sensitive (row));
  sharing = GTK_SWITCH (find_type (row, GTK_TYPE_SWITCH));
  g_assert_false (sharing_enabled (agent));
  g_assert_false (gtk_switch_get_active (sharing));

  /* Switching on only asks: the dialog opens and the switch stays off. */
  gtk_switch_set_active (sharing, TRUE);
  WAIT_UNTIL ((consent = TEND_CONSENT_DIALOG (find_toplevel (TEND_TYPE_CONSENT_DIALOG))) != NULL
                  && !tend_consent_dialog_get_loading (consent),
              "the consent dialog");
  tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 5);
  g_assert_false (gtk_switch_get_active (sharing));
  g_assert_false (gtk_switch_get_state (sharing));
  g_assert_false (sharing_enabled (agent));
  if (tend_consent_dialog_get_error (consent) != NULL)
    g_error ("No preview: %s", tend_consent_dialog_get_error (consent));

  /* The very bytes the agent would upload, to whom. */
  g_assert_true (
      tend_dbus_agent1_call_preview_contribution_sync (agent, &week, &payload, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tend_consent_dialog_get_week (consent), ==, week);
  g_assert_cmpstr (tend_consent_dialog_get_payload (consent), ==, payload);
  g_assert_true (shows_text (GTK_WIDGET (consent), ORGANIZATION));
  g_assert_true (shows_text (GTK_WIDGET (consent), COLLECTOR));
  g_assert_true (shows_text (GTK_WIDGET (consent), "at least 10 people"));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (consent)));
  /* Enter cancels; sharing takes the Share button. */
  g_assert_cmpstr (gtk_actionable_get_action_name (
                       GTK_ACTIONABLE (gtk_window_get_default_widget (GTK_WINDOW (consent)))),
                   ==, "consent.cancel");
  g_assert_cmpuint (assert_controls_accessible (GTK_WIDGET (consent)), >=, 2);
  save_view (GTK_WIDGET (consent), "consent");
  /* Further down, the literal payload; a keyboard user reaches it and can select it. */
  {
    GtkWidget *literal = find_label (GTK_WIDGET (consent), payload);

    g_assert_nonnull (literal);
    g_assert_true (gtk_label_get_selectable (GTK_LABEL (literal)));
    g_assert_true (gtk_widget_grab_focus (literal));
    tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 10);
    tend_test_ui_save_png (GTK_WIDGET (consent), "consent-payload-light.png");
  }

  /* Cancel: nothing changes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (consent), "consent.cancel", NULL));
  WAIT_UNTIL (find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  g_assert_false (sharing_enabled (agent));
  g_assert_false (gtk_switch_get_active (sharing));

  /* Share: the agent records consent to what was shown, and the switch follows it. */
  consents = count_rows (db_path, "consent_log");
  gtk_switch_set_active (sharing, TRUE);
  WAIT_UNTIL ((consent = TEND_CONSENT_DIALOG (find_toplevel (TEND_TYPE_CONSENT_DIALOG))) != NULL
                  && !tend_consent_dialog_get_loading (consent),
              "the consent dialog, again");
  g_assert_cmpstr (tend_consent_dialog_get_payload (consent), ==, payload);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (consent), "consent.share", NULL));
  WAIT_UNTIL (sharing_enabled (agent) && gtk_switch_get_state (sharing), "sharing to be on");
  WAIT_UNTIL (find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  g_assert_true (gtk_switch_get_active (sharing));
  g_assert_cmpint (count_rows (db_path, "consent_log"), ==, consents + 1);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  tend_test_ui_save_png (GTK_WIDGET (preferences), "preferences-sharing-on-light.png");

  /* Off is one click, at once. */
  gtk_switch_set_active (sharing, FALSE);
  WAIT_UNTIL (!sharing_enabled (agent) && !gtk_switch_get_state (sharing), "sharing to be off");
  g_assert_false (gtk_switch_get_active (sharing));
  /* The agent writes its consent log after answering: nothing else tells when, so look again
   * every tenth of a second. */
  {
    guint poll = g_timeout_add (100, poll_cb, NULL);

    WAIT_UNTIL (count_rows (db_path, "consent_log") == consents + 2, "the consent log");
    g_source_remove (poll);
  }

  /* The organization stops running a collector: nothing to share with, and the row says so. */
  {
    g_autofree char *week_again = NULL;
    g_autofree char *payload_again = NULL;

    g_assert_true (g_file_set_contents (g_getenv ("TEND_ORG_CONF"),
                                        "[collector]\nurl=\norganization=\n", -1, &error));
    g_assert_no_error (error);
    /* The agent reads its organization's settings again when asked for a preview. */
    g_assert_true (tend_dbus_agent1_call_preview_contribution_sync (agent, &week_again,
                                                                    &payload_again, NULL, &error));
    g_assert_no_error (error);
    WAIT_UNTIL (!gtk_widget_get_sensitive (row), "sharing to become unavailable");
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "no collector"));
    g_assert_false (gtk_switch_get_active (sharing));
    tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
    tend_test_ui_save_png (GTK_WIDGET (preferences), "preferences-sharing-no-collector-light.png");
  }

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (application));

  g_subprocess_send_signal (agent_process, SIGTERM);
  g_assert_true (g_subprocess_wait (agent_process, NULL, NULL));
  g_assert_true (g_subprocess_get_successful (agent_process));
}

static void
disconnect_cb (TendAccountRow *row, gboolean *asked)
{
  *asked = TRUE;
}

/* A connected account's row: when it last synced, its state and last error, a first sync's
 * progress, and a Disconnect button that names the account. */
static void
test_account_row (void)
{
  g_autoptr (GtkWidget) row = NULL;
  g_autoptr (GVariant) idle = NULL;
  g_autoptr (GVariant) first = NULL;
  g_autoptr (GVariant) failing = NULL;
  gint64      now = g_get_real_time () / G_USEC_PER_SEC;
  GtkWidget  *progress;
  GtkWidget  *button;
  const char *subtitle;
  gboolean    asked = FALSE;

  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return;
    }

  row = g_object_ref_sink (tend_account_row_new ("microsoft", "Microsoft 365", "ana@example.org"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "ana@example.org");
  progress = find_type (row, GTK_TYPE_PROGRESS_BAR);
  button = find_button (row, "Disconnect…");
  g_assert_nonnull (progress);
  g_assert_nonnull (button);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Disconnect ana@example.org");

  idle = g_variant_ref_sink (g_variant_new_parsed (
      "{'state': <'idle'>, 'last-sync': <%x>, 'last-error': <''>}", now - 600));
  tend_account_row_update (TEND_ACCOUNT_ROW (row), idle, 0, 0);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "Microsoft 365"));
  g_assert_nonnull (strstr (subtitle, "Last synced 10 minutes ago"));
  g_assert_false (gtk_widget_get_visible (progress));

  first = g_variant_ref_sink (
      g_variant_new_parsed ("{'state': <'syncing'>, 'last-sync': <int64 0>, 'last-error': <''>}"));
  tend_account_row_update (TEND_ACCOUNT_ROW (row), first, 30, 120);
  g_assert_true (gtk_widget_get_visible (progress));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (progress)), ==, 0.25);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "First sync"));

  failing = g_variant_ref_sink (g_variant_new_parsed (
      "{'state': <'needs-sign-in'>, 'last-sync': <%x>, 'last-error': <'The sign-in expired.'>}",
      now - 2 * 3600));
  tend_account_row_update (TEND_ACCOUNT_ROW (row), failing, 0, 0);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "Last synced 2 hours ago"));
  g_assert_nonnull (strstr (subtitle, "sign in again"));
  g_assert_nonnull (strstr (subtitle, "The sign-in expired."));
  g_assert_false (gtk_widget_get_visible (progress));

  /* The row only asks: the preferences confirm, then disconnect. */
  g_signal_connect (row, "disconnect", G_CALLBACK (disconnect_cb), &asked);
  g_assert_true (gtk_widget_activate_action (row, "account.disconnect", NULL));
  g_assert_true (asked);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("tend-preferences-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *org_conf = g_build_filename (home, "org.conf", NULL);
  int              status;

  g_assert_nonnull (home);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  /* The organization's configuration the agent reads instead of /etc/tend/org.conf. */
  g_assert_true (g_file_set_contents (
      org_conf, "[collector]\nurl=" COLLECTOR "\norganization=" ORGANIZATION "\n", -1, NULL));
  g_setenv ("TEND_ORG_CONF", org_conf, TRUE);

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();

  if (have_display)
    {
      adw_init ();
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
    }
  g_test_add_func ("/preferences/account-row", test_account_row);
  g_test_add_func ("/preferences/schedule-collection-data-sharing", test_preferences);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
