/* test-preferences.c: the preferences against the real agent — schedule, collection, consent,
 * deleting everything, and a connected account
 *
 * Under with-keyring.sh, as deleting everything and disconnecting clear sign-ins from the keyring.
 * The connected account is signed in as test-connect.c does it: the OpenID provider of tests/oidc
 * with its scripted browser as the desktop's web browser, and the fake Microsoft Graph of
 * tests/fakes; that test skips without Node.js.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <jansson.h>
#include <signal.h>
#include <sys/resource.h>
#include <sqlite3.h>

#include "tend-account-row.h"
#include "tend-application.h"
#include "tend-consent-dialog.h"
#include "tend-preferences-window.h"
#include "tend-fake-desktop.h"
#include "tend-store.h"
#include "tend-test-fake.h"
#include "tend-test-ui.h"
#include "tend-test-util.h"
#include "tend-token-store.h"
#include "tend-window.h"
#include "tend-working-hours-row.h"

static gboolean have_display;

/* Long enough for a loaded machine, short enough to fail rather than hang. */
#define WAIT_SECONDS 60
/* A sign-in and a first sync: two Node.js processes and the agent's worker. */
#define SIGN_IN_SECONDS 180

/* Markup would read "&" as an entity: the name is shown as it is, or the test fails. */
#define ORGANIZATION "Example & Co-operative"
#define COLLECTOR "https://collector.example.org/tend"
#define ME "me@tend.example"
/* How far an export may write before it fails, in the test that makes it fail. */
#define FILE_SIZE_LIMIT 4096
/* "&" in a file name is not markup either. */
#define EXPORT_NAME "tend & co.json"
/* Who the scripted browser signs in as. */
#define LOGIN "me@tend.test"

/* Runs the main loop until @condition holds, as the window would while a person waits. */
#define WAIT_UNTIL(condition, what) TEND_TEST_UI_WAIT_UNTIL (condition, WAIT_SECONDS, what)

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
accessible_checked (GtkWidget *widget)
{
  g_autofree char *differs = NULL;

  if (!gtk_test_accessible_has_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_CHECKED))
    return FALSE;
  differs = gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_CHECKED,
                                             GTK_ACCESSIBLE_TRISTATE_TRUE);
  return differs == NULL;
}

/* Everything the sharing row showed or told a screen reader, from a click on. */
typedef struct
{
  TendDBusAgent1 *agent;
  GtkWidget      *row;
  GtkSwitch      *sharing;
  /* The switch or the row said "on" while the agent's Sharing was off. */
  gboolean claimed_on;
  guint    notified;
} SharingWatch;

/* The application's own proxy: its cache has the agent's answer before the window hears of it. */
static void
sharing_watch_check (SharingWatch *watch)
{
  if (!tend_test_ui_sharing_enabled (watch->agent)
      && (gtk_switch_get_active (watch->sharing) || gtk_switch_get_state (watch->sharing)
          || accessible_checked (GTK_WIDGET (watch->sharing)) || accessible_checked (watch->row)))
    watch->claimed_on = TRUE;
}

static void
sharing_notify_cb (GObject *object, GParamSpec *pspec, SharingWatch *watch)
{
  watch->notified++;
  sharing_watch_check (watch);
}

/* Clicks the sharing row as a person would: the switch in it cannot be clicked by itself, so the
 * click is the row's, and so is the keyboard's Enter. */
static void
click_sharing (SharingWatch *watch)
{
  graphene_point_t centre;
  GtkWidget       *picked;

  g_assert_true (gtk_widget_compute_point (
      GTK_WIDGET (watch->sharing), watch->row,
      &GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (watch->sharing)) / 2.0,
                            gtk_widget_get_height (GTK_WIDGET (watch->sharing)) / 2.0),
      &centre));
  picked = gtk_widget_pick (watch->row, centre.x, centre.y, GTK_PICK_DEFAULT);
  g_assert_nonnull (picked);
  g_assert_false (picked == GTK_WIDGET (watch->sharing)
                  || gtk_widget_is_ancestor (picked, GTK_WIDGET (watch->sharing)));
  g_assert_true (gtk_widget_activate (watch->row));
  sharing_watch_check (watch);
}

/* A mapped label, as a person would see it, with @text in it. */
static gboolean
shows_mapped_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (shows_mapped_text (child, text))
        return TRUE;
    }
  return FALSE;
}

/* Asks for an export and chooses @name in @folder in the save dialog, as a person would. */
static void
choose_export (AdwPreferencesWindow *preferences, const char *folder, const char *name,
               const char *picture)
{
  g_autoptr (GFile) directory = g_file_new_for_path (folder);
  g_autofree char *expected = g_build_filename (folder, name, NULL);
  g_autoptr (GError) error = NULL;
  GtkWidget *chooser;
  GtkWidget *replace = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preferences), "preferences.export", NULL));
  WAIT_UNTIL ((chooser = tend_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL,
              "the save dialog");
  tend_test_ui_wait_for_frames (chooser, 5);
  g_assert_true (
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), directory, &error));
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  tend_test_ui_wait_for_frames (chooser, 5);
  {
    g_autoptr (GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
    g_autofree char *chosen_path = g_file_get_path (chosen);

    g_assert_cmpstr (chosen_path, ==, expected);
  }
  if (picture != NULL)
    tend_test_ui_save_png (chooser, picture);
  g_assert_true (gtk_widget_activate (tend_test_ui_find_button (chooser, "Export")));
  /* Choosing a file that is there asks first whether to replace it. */
  WAIT_UNTIL (tend_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL
                  || (replace = tend_test_ui_find_toplevel (GTK_TYPE_MESSAGE_DIALOG)) != NULL,
              "the save dialog to answer");
  if (replace != NULL)
    g_assert_true (gtk_widget_activate (tend_test_ui_find_button (replace, "Replace")));
  WAIT_UNTIL (tend_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL,
              "the save dialog to close");
}

/* GIO writes a replacement beside the file, as .goutputstream-XXXXXX. */
static void
assert_no_leftovers (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".goutputstream-"));
}

static gint64
count_rows (const char *path, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3         *db = NULL;
  sqlite3_stmt    *statement = NULL;
  gint64           count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* The agent's worker may be writing or checkpointing right now. */
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) == SQLITE_OK
      && sqlite3_step (statement) == SQLITE_ROW)
    count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return count;
}

/* Asks for Delete Everything and answers its confirmation with @button; returns what it said. */
static char *
answer_delete_everything (AdwPreferencesWindow *preferences, const char *button)
{
  AdwMessageDialog *dialog;
  char             *body;

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (preferences), "preferences.delete-everything", NULL));
  WAIT_UNTIL ((dialog = ADW_MESSAGE_DIALOG (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)))
                  != NULL,
              "the confirmation");
  body = g_strdup (adw_message_dialog_get_body (dialog));
  g_test_message ("Delete Everything says: %s", body);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_true (gtk_widget_activate (tend_test_ui_find_button (GTK_WIDGET (dialog), button)));
  WAIT_UNTIL (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL,
              "the confirmation to close");
  return body;
}

/* The person opts in through @agent, then opens the preferences, as the window's menu would. */
static GtkWidget *
opt_in_and_open_preferences (TendApplication *application, TendDBusAgent1 *agent)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *preferences;

  g_assert_true (tend_dbus_agent1_call_opt_in_sync (agent, NULL, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (tend_application_get_opted_in (application), "the opt-in");
  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = tend_test_ui_find_toplevel (TEND_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  return preferences;
}

static void
show_page (AdwPreferencesWindow *preferences, const char *page, const char *view, guint controls)
{
  adw_preferences_window_set_visible_page_name (preferences, page);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (preferences)), >=,
                    controls);
  tend_test_ui_save_view (GTK_WIDGET (preferences), view);
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
  for (GtkWidget *row
       = tend_test_ui_find_type (GTK_WIDGET (preferences), TEND_TYPE_WORKING_HOURS_ROW);
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (TEND_IS_WORKING_HOURS_ROW (row)
          && tend_working_hours_row_get_weekday (TEND_WORKING_HOURS_ROW (row)) == 6)
        saturday = TEND_WORKING_HOURS_ROW (row);
    }
  g_assert_nonnull (saturday);
  g_assert_false (tend_working_hours_row_get_working (saturday));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (saturday), TRUE);

  working = GTK_SWITCH (tend_test_ui_find_type (GTK_WIDGET (saturday), GTK_TYPE_SWITCH));
  child = tend_test_ui_find_type (GTK_WIDGET (saturday), GTK_TYPE_SPIN_BUTTON);
  for (GtkWidget *row = gtk_widget_get_ancestor (child, GTK_TYPE_LIST_BOX_ROW); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *spin = tend_test_ui_find_type (row, GTK_TYPE_SPIN_BUTTON);

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
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (preferences)), >=, 12);

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
  zone_row = tend_test_ui_find_row (GTK_WIDGET (preferences), "Time Zone");
  g_assert_nonnull (zone_row);
  g_assert_true (
      g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (zone_row)), "System ("));
  g_signal_emit_by_name (zone_row, "activated");
  WAIT_UNTIL ((paris = tend_test_ui_find_row (GTK_WIDGET (preferences), "Europe/Paris")) != NULL
                  && gtk_widget_get_mapped (paris),
              "the time zones");
  gtk_editable_set_text (
      GTK_EDITABLE (tend_test_ui_find_type (GTK_WIDGET (preferences), GTK_TYPE_SEARCH_ENTRY)),
      "paris");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 10);
  g_assert_true (gtk_widget_get_child_visible (paris));
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (preferences)), >=, 3);
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
  SharingWatch          watch = { NULL };

  if (!tend_test_ui_can_run_agent (have_display))
    return;

  agent_process = tend_test_spawn_agent (home, config, data, NULL);
  agent = tend_test_ui_agent_proxy ();
  settings = g_settings_new (APPLICATION_ID);

  application = tend_application_new ();
  window = TEND_WINDOW (tend_test_ui_activate (GTK_APPLICATION (application)));

  /* Opted in, with nothing collected yet; Ctrl+, opens one preferences window over the main
   * window. */
  preferences = ADW_PREFERENCES_WINDOW (opt_in_and_open_preferences (application, agent));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  g_assert_true (ADW_PREFERENCES_WINDOW (tend_test_ui_find_toplevel (TEND_TYPE_PREFERENCES_WINDOW))
                 == preferences);
  {
    g_auto (GStrv) accels
        = gtk_application_get_accels_for_action (GTK_APPLICATION (application), "app.preferences");

    g_assert_cmpstr (accels[0], ==, "<Control>comma");
  }

  /* Without last week's figures there is nothing to agree to: the dialog says why and offers
   * only Cancel; the switch stays off. */
  adw_preferences_window_set_visible_page_name (preferences, "sharing");
  row = tend_test_ui_find_row (GTK_WIDGET (preferences),
                               "Share anonymized figures with " ORGANIZATION);
  g_assert_nonnull (row);
  sharing = GTK_SWITCH (tend_test_ui_find_type (row, GTK_TYPE_SWITCH));
  watch.agent = tend_application_get_agent (application);
  watch.row = row;
  watch.sharing = sharing;
  g_signal_connect (sharing, "notify::active", G_CALLBACK (sharing_notify_cb), &watch);
  g_signal_connect (sharing, "notify::state", G_CALLBACK (sharing_notify_cb), &watch);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  /* The organization's name as it is, not read as markup. */
  g_assert_nonnull (
      tend_test_ui_find_shown_label (row, "Share anonymized figures with " ORGANIZATION));
  /* The row is the control: a screen reader hears its title and whether it is on. */
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  g_assert_true (gtk_widget_get_focusable (row));
  g_assert_true (tend_test_ui_has_accessible_name (row));
  g_assert_true (
      gtk_test_accessible_has_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_CHECKED));
  g_assert_false (accessible_checked (row));
  click_sharing (&watch);
  WAIT_UNTIL (
      (sharing_watch_check (&watch),
       (consent = TEND_CONSENT_DIALOG (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG)))
               != NULL
           && !tend_consent_dialog_get_loading (consent)),
      "the consent dialog without data");
  g_assert_nonnull (tend_consent_dialog_get_error (consent));
  g_test_message ("Nothing to share: %s", tend_consent_dialog_get_error (consent));
  g_assert_null (tend_consent_dialog_get_payload (consent));
  g_assert_false (
      gtk_widget_get_visible (tend_test_ui_find_button (GTK_WIDGET (consent), "Share")));
  tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 10);
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (consent)), >=, 1);
  tend_test_ui_save_png (GTK_WIDGET (consent), "consent-no-data-light.png");
  g_assert_true (gtk_widget_activate (tend_test_ui_find_button (GTK_WIDGET (consent), "Cancel")));
  WAIT_UNTIL (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  g_assert_false (gtk_switch_get_active (sharing));
  g_assert_false (tend_test_ui_sharing_enabled (agent));
  g_assert_false (watch.claimed_on);

  /* Last week's meetings and mail: what a contribution is built from. */
  tend_test_ui_write_last_week (ics, mbox, ME);
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
    GtkSpinButton *interval = GTK_SPIN_BUTTON (tend_test_ui_find_type (
        tend_test_ui_find_row (GTK_WIDGET (preferences), "Sync Interval"), GTK_TYPE_SPIN_BUTTON));

    gtk_spin_button_set_value (interval, 60);
    g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval-minutes"), ==, 60);
    g_settings_reset (settings, "sync-interval-minutes");
    g_assert_cmpfloat (gtk_spin_button_get_value (interval), ==, 30);
  }

  /* Pause: the switch asks the agent, and shows what the agent did. */
  row = tend_test_ui_find_row (GTK_WIDGET (preferences), "Pause Collection");
  g_assert_nonnull (row);
  pause = GTK_SWITCH (tend_test_ui_find_type (row, GTK_TYPE_SWITCH));
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
    WAIT_UNTIL ((dialog = ADW_MESSAGE_DIALOG (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)))
                    != NULL,
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
    g_assert_nonnull (tend_test_ui_find_button (GTK_WIDGET (dialog), "Delete Everything"));
    g_assert_true (gtk_widget_activate (tend_test_ui_find_button (GTK_WIDGET (dialog), "Cancel")));
    WAIT_UNTIL (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL,
                "the confirmation to close");
    tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
    g_assert_true (tend_dbus_agent1_get_opted_in (agent));
    g_assert_true (g_file_test (db_path, G_FILE_TEST_EXISTS));
  }

  /* Export: the save dialog, then everything Tend keeps as JSON in the file chosen. A file name
   * is not markup: the toast shows it as it is. */
  {
    g_autofree char *export_path = g_build_filename (home, EXPORT_NAME, NULL);
    g_autofree char *fresh_path = g_build_filename (home, "fresh.json", NULL);
    g_autofree char *exported = NULL;
    g_autofree char *kept = NULL;
    struct rlimit    limit;
    struct rlimit    small;
    g_autoptr (TendStore) reader = NULL;
    TendStoreCounts counts;

    choose_export (preferences, home, EXPORT_NAME, "preferences-export.png");
    WAIT_UNTIL (tend_test_ui_find_shown_label (GTK_WIDGET (preferences), "Exported to " EXPORT_NAME)
                    != NULL,
                "the export");
    g_assert_true (is_json_file (export_path));
    g_assert_true (g_file_get_contents (export_path, &exported, NULL, &error));
    g_assert_no_error (error);

    /* Writing fails half-way, as on a full disk (files may grow only to 4 KiB, which leaves room
     * for the save dialog's list of recent files): the file chosen keeps what it had, and
     * nothing half-written is left beside it. */
    g_assert_cmpuint (strlen (exported), >, 2 * FILE_SIZE_LIMIT);
    /* The export's reading of the database must not be what fails: a reader of its own keeps
     * SQLite's shared-memory file there, at its full size. */
    reader = tend_store_open (db_path, TEND_STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    g_assert_true (tend_store_get_counts (reader, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    small = limit;
    small.rlim_cur = FILE_SIZE_LIMIT;
    signal (SIGXFSZ, SIG_IGN);
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
    choose_export (preferences, home, EXPORT_NAME, NULL);
    WAIT_UNTIL (shows_mapped_text (GTK_WIDGET (preferences), "Could not export: "),
                "the export to fail");
    /* It failed writing, not reading. */
    g_assert_true (shows_mapped_text (GTK_WIDGET (preferences), "File too large"));
    g_assert_true (g_file_get_contents (export_path, &kept, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (kept, ==, exported);
    assert_no_leftovers (home);
    WAIT_UNTIL (!shows_mapped_text (GTK_WIDGET (preferences), "Could not export: "),
                "the failure's toast to go");

    /* A file that was not there before is not left there half-written either. */
    choose_export (preferences, home, "fresh.json", NULL);
    WAIT_UNTIL (shows_mapped_text (GTK_WIDGET (preferences), "Could not export: "),
                "the new export to fail");
    g_assert_true (shows_mapped_text (GTK_WIDGET (preferences), "File too large"));
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    signal (SIGXFSZ, SIG_DFL);
    g_assert_false (g_file_test (fresh_path, G_FILE_TEST_EXISTS));
    assert_no_leftovers (home);
  }

  /* Sharing: the organization's collector is configured, so the switch can be used. */
  show_page (preferences, "sharing", "preferences-sharing", 1);
  row = tend_test_ui_find_row (GTK_WIDGET (preferences),
                               "Share anonymized figures with " ORGANIZATION);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_sensitive (row));
  sharing = GTK_SWITCH (tend_test_ui_find_type (row, GTK_TYPE_SWITCH));
  g_assert_false (tend_test_ui_sharing_enabled (agent));
  g_assert_false (gtk_switch_get_active (sharing));

  /* Switching on only asks: the dialog opens and the switch stays off. */
  click_sharing (&watch);
  WAIT_UNTIL (
      (sharing_watch_check (&watch),
       (consent = TEND_CONSENT_DIALOG (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG)))
               != NULL
           && !tend_consent_dialog_get_loading (consent)),
      "the consent dialog");
  tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 5);
  g_assert_false (gtk_switch_get_active (sharing));
  g_assert_false (gtk_switch_get_state (sharing));
  g_assert_false (tend_test_ui_sharing_enabled (agent));
  g_assert_false (watch.claimed_on);
  if (tend_consent_dialog_get_error (consent) != NULL)
    g_error ("No preview: %s", tend_consent_dialog_get_error (consent));

  /* The very bytes the agent would upload, to whom. */
  g_assert_true (
      tend_dbus_agent1_call_preview_contribution_sync (agent, &week, &payload, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tend_consent_dialog_get_week (consent), ==, week);
  g_assert_cmpstr (tend_consent_dialog_get_payload (consent), ==, payload);
  g_assert_nonnull (tend_test_ui_find_label_with (GTK_WIDGET (consent), ORGANIZATION));
  g_assert_nonnull (tend_test_ui_find_label_with (GTK_WIDGET (consent), COLLECTOR));
  g_assert_nonnull (tend_test_ui_find_label_with (GTK_WIDGET (consent), "at least 10 people"));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (consent)));
  /* Enter cancels; sharing takes the Share button. */
  g_assert_cmpstr (gtk_actionable_get_action_name (
                       GTK_ACTIONABLE (gtk_window_get_default_widget (GTK_WINDOW (consent)))),
                   ==, "consent.cancel");
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (consent)), >=, 2);
  tend_test_ui_save_view (GTK_WIDGET (consent), "consent");
  /* Further down, the literal payload; a keyboard user reaches it and can select it. */
  {
    GtkWidget *literal = tend_test_ui_find_label (GTK_WIDGET (consent), payload);

    g_assert_nonnull (literal);
    g_assert_true (gtk_label_get_selectable (GTK_LABEL (literal)));
    g_assert_true (gtk_widget_grab_focus (literal));
    tend_test_ui_wait_for_frames (GTK_WIDGET (consent), 10);
    tend_test_ui_save_png (GTK_WIDGET (consent), "consent-payload-light.png");
  }

  /* Cancel: nothing changes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (consent), "consent.cancel", NULL));
  WAIT_UNTIL (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  g_assert_false (tend_test_ui_sharing_enabled (agent));
  g_assert_false (gtk_switch_get_active (sharing));

  /* Share: the agent records consent to what was shown, and the switch follows it. */
  consents = count_rows (db_path, "consent_log");
  watch.notified = 0;
  click_sharing (&watch);
  WAIT_UNTIL (
      (sharing_watch_check (&watch),
       (consent = TEND_CONSENT_DIALOG (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG)))
               != NULL
           && !tend_consent_dialog_get_loading (consent)),
      "the consent dialog, again");
  g_assert_cmpstr (tend_consent_dialog_get_payload (consent), ==, payload);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (consent), "consent.share", NULL));
  WAIT_UNTIL ((sharing_watch_check (&watch), tend_test_ui_sharing_enabled (agent))
                  && gtk_switch_get_state (sharing),
              "sharing to be on");
  /* Nothing said "on" from the click until the agent had the consent, and then it did. */
  g_assert_false (watch.claimed_on);
  g_assert_cmpuint (watch.notified, >, 0);
  g_assert_true (accessible_checked (row));
  g_assert_true (accessible_checked (GTK_WIDGET (sharing)));
  WAIT_UNTIL (tend_test_ui_find_toplevel (TEND_TYPE_CONSENT_DIALOG) == NULL, "the dialog to close");
  g_assert_true (gtk_switch_get_active (sharing));
  g_assert_cmpint (count_rows (db_path, "consent_log"), ==, consents + 1);
  tend_test_ui_wait_for_frames (GTK_WIDGET (preferences), 5);
  tend_test_ui_save_png (GTK_WIDGET (preferences), "preferences-sharing-on-light.png");

  /* Off is one click, at once. */
  click_sharing (&watch);
  WAIT_UNTIL (!tend_test_ui_sharing_enabled (agent) && !gtk_switch_get_state (sharing),
              "sharing to be off");
  g_assert_false (gtk_switch_get_active (sharing));
  g_assert_false (accessible_checked (row));
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

  /* Delete Everything, confirmed: the agent opts out and the database goes; with nothing left to
   * set, the preferences close over the window's welcome. */
  {
    g_autofree char *body = NULL;

    adw_preferences_window_set_visible_page_name (preferences, "data");
    body = answer_delete_everything (preferences, "Delete Everything");
    g_assert_null (strstr (body, "sign-in tokens"));
    WAIT_UNTIL (tend_test_ui_find_toplevel (TEND_TYPE_PREFERENCES_WINDOW) == NULL,
                "the preferences to close");
    WAIT_UNTIL (!tend_dbus_agent1_get_opted_in (agent), "the opt-out");
    WAIT_UNTIL (g_strcmp0 (tend_window_get_visible_page (window), "welcome") == 0, "the welcome");
    g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
    g_assert_false (tend_application_get_opted_in (application));
    tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
    tend_test_ui_save_png (GTK_WIDGET (window), "preferences-deleted-welcome.png");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (application));

  tend_test_ui_stop_agent (agent_process);
}

static void
lookup_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Whether the keyring holds the account's sign-in. */
static gboolean
has_tokens (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendTokens) tokens = NULL;

  tend_token_store_lookup_async ("oidc", LOGIN, NULL, lookup_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tokens = tend_token_store_lookup_finish (result, &error);
  g_assert_no_error (error);
  return tokens != NULL;
}

/* The one account's state and last sync in the agent's Accounts; FALSE while there is none. */
static gboolean
account_state (TendDBusAgent1 *agent, const char **state, gint64 *last_sync,
               const char **last_error)
{
  GVariant *accounts = tend_dbus_agent1_get_accounts (agent);
  g_autoptr (GVariant) account = NULL;
  g_autoptr (GVariant) details = NULL;

  *state = NULL;
  *last_sync = 0;
  *last_error = NULL;
  if (accounts == NULL || g_variant_n_children (accounts) == 0)
    return FALSE;
  g_assert_cmpuint (g_variant_n_children (accounts), ==, 1);
  account = g_variant_get_child_value (accounts, 0);
  details = g_variant_get_child_value (account, 2);
  /* The string lives as long as the property's value, which the proxy keeps. */
  g_variant_lookup (details, "state", "&s", state);
  g_variant_lookup (details, "last-sync", "x", last_sync);
  g_variant_lookup (details, "last-error", "&s", last_error);
  return TRUE;
}

/* What the account's row showed each time the agent's properties changed. */
typedef struct
{
  GtkWidget *preferences;
  gboolean   saw_progress;
  gboolean   saw_syncing;
} RowWatch;

/* Connected after the preferences' own handler: sees the row as it was just updated. */
static void
row_watch_cb (GDBusProxy *proxy, GVariant *changed, const char *const *invalidated, RowWatch *watch)
{
  GtkWidget *row = tend_test_ui_find_type (watch->preferences, TEND_TYPE_ACCOUNT_ROW);

  if (row == NULL)
    return;
  watch->saw_progress
      = watch->saw_progress
        || gtk_widget_get_visible (tend_test_ui_find_type (row, GTK_TYPE_PROGRESS_BAR));
  watch->saw_syncing
      = watch->saw_syncing
        || strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Syncing…") != NULL;
}

/* Whether the agent says the account synced after @after, and its row says so too. */
static gboolean
account_synced (TendDBusAgent1 *agent, GtkWidget *preferences, gint64 after)
{
  GtkWidget  *row = tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW);
  const char *state;
  const char *last_error;
  gint64      last_sync;

  return account_state (agent, &state, &last_sync, &last_error) && g_strcmp0 (state, "idle") == 0
         && last_sync >= after && row != NULL
         && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Last synced") != NULL;
}

/* Signs in from the Connect row as a person would: the scripted browser answers the provider. */
static void
connect_from_preferences (TendDBusAgent1 *agent, GtkWidget *preferences, RowWatch *watch,
                          const char *picture)
{
  GtkWidget *connect_row = tend_test_ui_find_row (preferences, "Connect OpenID Connect");
  GtkWidget *button;
  gint64     start = g_get_real_time () / G_USEC_PER_SEC;
  guint      timeout;
  gboolean   saved = picture == NULL;

  g_assert_nonnull (connect_row);
  g_assert_true (gtk_widget_is_sensitive (connect_row));
  button = tend_test_ui_find_button (connect_row, "Connect…");
  g_assert_nonnull (button);
  watch->saw_progress = FALSE;
  g_assert_true (gtk_widget_is_sensitive (button));
  /* A button clicks when its activation's animation ends. */
  g_assert_true (gtk_widget_activate (button));
  WAIT_UNTIL (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (connect_row)),
                         "Waiting for you to sign in, in your browser…")
                  == 0,
              "the sign-in to start");
  /* One sign-in at a time. */
  g_assert_false (gtk_widget_is_sensitive (button));

  timeout = g_timeout_add_seconds (SIGN_IN_SECONDS, tend_test_ui_timeout_cb,
                                   (gpointer) "the first sync");
  while (!account_synced (agent, preferences, start))
    {
      GtkWidget *row = tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW);

      if (!saved && row != NULL
          && gtk_widget_get_mapped (tend_test_ui_find_type (row, GTK_TYPE_PROGRESS_BAR)))
        {
          saved = TRUE;
          tend_test_ui_wait_for_frames (preferences, 3);
          tend_test_ui_save_png (preferences, picture);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (timeout);
  g_assert_true (watch->saw_progress);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (connect_row)), ==,
                   "Connected " LOGIN);
}

/* A connected account in the preferences, against the agent signed in through the OpenID provider
 * of tests/oidc and synced from the fake Graph: its row, Sync Now, Disconnect, and Delete
 * Everything with an account's sign-in in the keyring. */
static void
test_connected_account (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *db_path = g_build_filename (data, "tend", "tend.db", NULL);
  g_autofree char *log = g_build_filename (home, "agent.log", NULL);
  g_autofree char *provider_script = g_build_filename (TEND_OIDC_DIR, "provider.mjs", NULL);
  const char      *provider_argv[] = { "node", provider_script, "--access-ttl", "3600", NULL };
  const char      *graph_args[] = { "--messages", "600", NULL };
  g_autoptr (TendTestFake) graph = NULL;
  g_autoptr (TendTestFake) provider = NULL;
  g_autoptr (TendFakeNotifications) notifications = NULL;
  g_autoptr (GSubprocess) agent_process = NULL;
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (TendApplication) application = NULL;
  g_autoptr (GError) error = NULL;
  TendWindow *window = NULL;
  GtkWidget  *preferences;
  GtkWidget  *row;
  GtkWidget  *no_accounts;
  RowWatch    watch = { NULL };
  gint64      messages;

  if (!tend_test_ui_can_run_agent (have_display))
    return;
  if (g_getenv ("TEND_TEST_KEYRING_HOME") == NULL)
    {
      g_test_skip ("no test keyring (gnome-keyring-daemon is missing)");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_autofree char *python = g_find_program_in_path ("python3");

      /* Says why it skips: Node.js or tests/oidc's packages are missing. */
      if (!tend_test_oidc_available ())
        return;
      if (python == NULL)
        {
          g_test_skip ("python3 is not installed");
          return;
        }
      /* In a process of its own, with a home of its own, before this process has an application
       * of its own on the bus: an application stays registered after its test. */
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  graph = tend_test_fake_start ("fake-graph.py", graph_args);
  g_assert_nonnull (graph);
  provider = tend_test_fake_start_argv (provider_argv, "issuer");
  tend_test_ui_write_desktop (config, data, TEND_OIDC_DIR, provider, graph, LOGIN);
  /* The agent tells of the first sync in a notification: someone has to take it. */
  notifications = tend_fake_notifications_new ();
  /* Its output in a file: the agent outlives a failed test, and would hold this process's output
   * open, which the test runner reads to the end. */
  agent_process = tend_test_spawn_agent (home, config, data, log);
  g_test_message ("The agent logs to %s", log);
  agent = tend_test_ui_agent_proxy ();

  application = tend_application_new ();
  window = TEND_WINDOW (tend_test_ui_activate (GTK_APPLICATION (application)));
  preferences = opt_in_and_open_preferences (application, agent);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "accounts");
  no_accounts = tend_test_ui_find_row (preferences, "No account connected");
  g_assert_nonnull (no_accounts);
  g_assert_true (gtk_widget_get_visible (no_accounts));
  g_assert_null (tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW));
  watch.preferences = preferences;
  g_signal_connect (tend_application_get_agent (application), "g-properties-changed",
                    G_CALLBACK (row_watch_cb), &watch);

  /* Connect: the first sync's bar while it runs, then the row says when it synced. */
  connect_from_preferences (agent, preferences, &watch, "preferences-accounts-first-sync.png");
  messages = count_rows (db_path, "message");
  g_assert_cmpint (messages, >, 0);
  g_assert_true (has_tokens ());
  row = tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, LOGIN);
  g_assert_cmpstr (tend_account_row_get_provider (TEND_ACCOUNT_ROW (row)), ==, "oidc");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "OpenID Connect · Last synced just now"));
  g_assert_false (gtk_widget_get_visible (tend_test_ui_find_type (row, GTK_TYPE_PROGRESS_BAR)));
  g_assert_false (gtk_widget_get_visible (no_accounts));
  show_page (ADW_PREFERENCES_WINDOW (preferences), "accounts", "preferences-accounts-connected", 5);

  /* Sync Now: the agent syncs the account again, and the row shows it syncing, then done. */
  {
    GtkWidget  *button = tend_test_ui_find_button (preferences, "Sync Now");
    gint64      before = g_get_real_time () / G_USEC_PER_SEC;
    const char *state;
    const char *last_error;
    gint64      last_sync;
    const char *subtitle;

    watch.saw_syncing = FALSE;
    g_assert_true (gtk_widget_activate (button));
    WAIT_UNTIL (watch.saw_syncing, "Sync Now's sync to start");
    WAIT_UNTIL (account_synced (agent, preferences, before), "Sync Now's sync to end");
    g_assert_true (account_state (agent, &state, &last_sync, &last_error));
    g_assert_cmpint (last_sync, >=, before);

    /* The Graph answers garbage: the row says the sync failed, in the agent's words. */
    json_decref (tend_test_fake_control (graph, "{\"op\": \"malformed\", \"count\": 1}"));
    g_assert_true (gtk_widget_activate (button));
    WAIT_UNTIL (account_state (agent, &state, &last_sync, &last_error)
                    && g_strcmp0 (state, "error") == 0,
                "the sync to fail");
    g_test_message ("The failed sync says: %s", last_error);
    g_assert_cmpstr (last_error, !=, "");
    tend_test_ui_wait_for_frames (preferences, 5);
    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
    g_assert_true (g_str_has_prefix (subtitle, "OpenID Connect · Last synced "));
    g_assert_nonnull (strstr (subtitle, "The last sync failed"));
    g_assert_nonnull (strstr (subtitle, last_error));
    tend_test_ui_save_png (preferences, "preferences-accounts-error-light.png");

    /* The next sync works, and the error goes. */
    before = g_get_real_time () / G_USEC_PER_SEC;
    g_assert_true (gtk_widget_activate (button));
    WAIT_UNTIL (account_synced (agent, preferences, before), "the sync after the failure");
    g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "failed"));
  }

  /* Delete Everything names the account whose sign-in it removes. */
  {
    g_autofree char *body
        = answer_delete_everything (ADW_PREFERENCES_WINDOW (preferences), "Cancel");

    g_assert_nonnull (strstr (body, "the sign-in tokens of " LOGIN " (OpenID Connect)"));
    g_assert_true (tend_dbus_agent1_get_opted_in (agent));
  }

  /* Disconnect asks first, naming the account and what stays; Cancel keeps it. */
  {
    AdwMessageDialog *dialog;
    GtkWidget        *disconnect = tend_test_ui_find_button (row, "Disconnect…");

    g_assert_nonnull (disconnect);
    g_assert_true (gtk_widget_activate (disconnect));
    WAIT_UNTIL ((dialog = ADW_MESSAGE_DIALOG (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)))
                    != NULL,
                "the disconnect confirmation");
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Disconnect " LOGIN "?");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "What stays"));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "OpenID Connect"));
    g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
    g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "disconnect"), ==,
                     ADW_RESPONSE_DESTRUCTIVE);
    tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 10);
    g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (dialog)), >=, 2);
    tend_test_ui_save_png (GTK_WIDGET (dialog), "preferences-disconnect.png");
    g_assert_true (gtk_widget_activate (tend_test_ui_find_button (GTK_WIDGET (dialog), "Cancel")));
    WAIT_UNTIL (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL,
                "the confirmation to close");
    tend_test_ui_wait_for_frames (preferences, 5);
    g_assert_true (tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW) == row);
    g_assert_true (has_tokens ());

    /* Confirmed: the agent forgets the sign-in, the row goes, what was synced stays. */
    g_assert_true (gtk_widget_activate (disconnect));
    WAIT_UNTIL ((dialog = ADW_MESSAGE_DIALOG (tend_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)))
                    != NULL,
                "the disconnect confirmation, again");
    g_assert_true (
        gtk_widget_activate (tend_test_ui_find_button (GTK_WIDGET (dialog), "Disconnect")));
    WAIT_UNTIL (tend_test_ui_find_type (preferences, TEND_TYPE_ACCOUNT_ROW) == NULL,
                "the row to go");
    g_assert_cmpuint (g_variant_n_children (tend_dbus_agent1_get_accounts (agent)), ==, 0);
    g_assert_true (gtk_widget_get_visible (no_accounts));
    /* The agent drops the account from its list first, then revokes and clears the sign-in. */
    WAIT_UNTIL (!has_tokens (), "the sign-in to leave the keyring");
    g_assert_cmpint (count_rows (db_path, "message"), ==, messages);
  }

  /* Signed in again, then Delete Everything: the database and the sign-in go, and the window
   * is back at its welcome. */
  connect_from_preferences (agent, preferences, &watch, NULL);
  g_assert_true (has_tokens ());
  {
    g_autofree char *body = NULL;

    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "data");
    body = answer_delete_everything (ADW_PREFERENCES_WINDOW (preferences), "Delete Everything");
    g_assert_nonnull (strstr (body, LOGIN));
    WAIT_UNTIL (tend_test_ui_find_toplevel (TEND_TYPE_PREFERENCES_WINDOW) == NULL,
                "the preferences to close");
    WAIT_UNTIL (!tend_dbus_agent1_get_opted_in (agent), "the opt-out");
    WAIT_UNTIL (g_strcmp0 (tend_window_get_visible_page (window), "welcome") == 0, "the welcome");
    g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
    g_assert_false (has_tokens ());
    g_assert_cmpuint (g_variant_n_children (tend_dbus_agent1_get_accounts (agent)), ==, 0);
  }

  g_signal_handlers_disconnect_by_data (tend_application_get_agent (application), &watch);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (application));
  tend_test_ui_stop_agent (agent_process);
}

/* The row asked for something: the preferences confirm or sign in. */
static void
row_asked_cb (TendAccountRow *row, gboolean *asked)
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
  GtkWidget  *sign_in;
  const char *subtitle;
  gboolean    asked = FALSE;
  gboolean    signing_in = FALSE;

  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return;
    }

  row = g_object_ref_sink (tend_account_row_new ("microsoft", "Microsoft 365", "ana@example.org"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "ana@example.org");
  progress = tend_test_ui_find_type (row, GTK_TYPE_PROGRESS_BAR);
  button = tend_test_ui_find_button (row, "Disconnect…");
  sign_in = tend_test_ui_find_button (row, "Sign In Again");
  g_assert_nonnull (sign_in);
  g_assert_false (gtk_widget_get_visible (sign_in));
  g_assert_nonnull (progress);
  g_assert_nonnull (button);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Disconnect ana@example.org");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "First sync of ana@example.org");

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

  /* Signing in again is the way out, from the row itself; its button names the account. */
  g_assert_true (gtk_widget_get_visible (sign_in));
  g_assert_true (gtk_widget_is_sensitive (sign_in));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (sign_in), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Sign in to ana@example.org again");
  g_signal_connect (row, "sign-in", G_CALLBACK (row_asked_cb), &signing_in);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (sign_in)), ==,
                   "account.sign-in");
  g_assert_true (gtk_widget_activate_action (row, "account.sign-in", NULL));
  g_assert_true (signing_in);
  /* While it runs: a spinner, the button waits, and the row says what it waits for. */
  tend_account_row_set_signing_in (TEND_ACCOUNT_ROW (row), TRUE);
  tend_account_row_set_note (TEND_ACCOUNT_ROW (row), "Waiting for you", FALSE);
  g_assert_true (gtk_widget_get_visible (tend_test_ui_find_type (row, GTK_TYPE_SPINNER)));
  g_assert_false (gtk_widget_is_sensitive (sign_in));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Waiting for you"));
  /* It failed: the row says so, in place, and the button is back. */
  tend_account_row_set_signing_in (TEND_ACCOUNT_ROW (row), FALSE);
  tend_account_row_set_note (TEND_ACCOUNT_ROW (row), "Could not sign in: no & way", TRUE);
  g_assert_false (gtk_widget_get_visible (tend_test_ui_find_type (row, GTK_TYPE_SPINNER)));
  g_assert_true (gtk_widget_is_sensitive (sign_in));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  /* Shown as it is, not as markup. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "no & way"));
  /* Signed in again: the agent syncs it, and the row is back to how it syncs. */
  tend_account_row_set_note (TEND_ACCOUNT_ROW (row), NULL, FALSE);
  tend_account_row_update (TEND_ACCOUNT_ROW (row), idle, 0, 0);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (sign_in));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "sign in"));

  /* The row only asks: the preferences confirm, then disconnect. */
  g_signal_connect (row, "disconnect", G_CALLBACK (row_asked_cb), &asked);
  g_assert_true (gtk_widget_activate_action (row, "account.disconnect", NULL));
  g_assert_true (asked);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = tend_test_ui_set_home ("tend-preferences-XXXXXX");
  int              status;

  tend_test_ui_set_org_conf (home, COLLECTOR, ORGANIZATION);
  have_display = tend_test_ui_init (&argc, &argv);
  g_test_add_func ("/preferences/account-row", test_account_row);
  /* Before any application of this process registers: see test_connected_account(). */
  g_test_add_func ("/preferences/connected-account", test_connected_account);
  g_test_add_func ("/preferences/schedule-collection-data-sharing", test_preferences);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
