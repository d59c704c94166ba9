/* test-window.c: the window against the real agent — welcome, opt in, the week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "tend-test-ui.h"
#include "tend-application.h"
#include "tend-connect-page.h"
#include "tend-people-page.h"
#include "tend-store.h"
#include "tend-test-util.h"
#include "tend-week-page.h"
#include "tend-window.h"

static gboolean have_display;

/* Long enough for a loaded machine, short enough to fail rather than hang. */
#define WAIT_SECONDS 60

static void
wait_for_demo (TendWindow *window, gboolean is_demo)
{
  TEND_TEST_UI_WAIT_UNTIL (tend_window_get_is_demo (window) == is_demo, WAIT_SECONDS,
                           is_demo ? "the demo" : "the own week");
}

/* Tab, as a keyboard user would press it, reaches the widget within one round of the window. */
static gboolean
tab_reaches (GtkWidget *window, GtkWidget *target)
{
  for (guint i = 0; i < 100; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        continue;
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      if (focus != NULL && (focus == target || gtk_widget_is_ancestor (focus, target)))
        return TRUE;
    }
  return FALSE;
}

static void
wait_for_people (TendPeoplePage *page)
{
  TEND_TEST_UI_WAIT_UNTIL (!tend_people_page_get_loading (page), WAIT_SECONDS, "the people");
}

static void
wait_for_idle (TendConnectPage *page)
{
  TEND_TEST_UI_WAIT_UNTIL (!tend_connect_page_get_busy (page), WAIT_SECONDS, "the agent's reply");
}

/* An export of the kind a person would import: a Sent folder, whose most frequent sender is taken
 * to be them, and a calendar, all in the week of Monday 2 March 2026 (2026-W10). One colleague has
 * the kind of long address that has to fit a phone's width on the People page. */
static const char export_mbox[]
    = "From me@tend.example Mon Mar  2 09:00:00 2026\n"
      "Message-ID: <w1@tend.example>\n"
      "Date: Mon, 02 Mar 2026 10:00:00 +0100\n"
      "From: Me Myself <me@tend.example>\n"
      "To: maximiliane.oberholzer-vandenberghe@procurement.subsidiary.example.org\n"
      "Subject: Order\n"
      "\n"
      "Could you place the order?\n"
      "\n"
      "From me@tend.example Tue Mar  3 09:00:00 2026\n"
      "Message-ID: <w2@tend.example>\n"
      "Date: Tue, 03 Mar 2026 10:00:00 +0100\n"
      "From: Me Myself <me@tend.example>\n"
      "To: maximiliane.oberholzer-vandenberghe@procurement.subsidiary.example.org,\n"
      " Ann Archer <ann@example.org>\n"
      "Subject: Order, again\n"
      "\n"
      "And the invoice.\n"
      "\n"
      "From me@tend.example Wed Mar  4 21:00:00 2026\n"
      "Message-ID: <w3@tend.example>\n"
      "Date: Wed, 04 Mar 2026 22:00:00 +0100\n"
      "From: Me Myself <me@tend.example>\n"
      "To: Ann Archer <ann@example.org>\n"
      "Subject: Late\n"
      "\n"
      "One more thing.\n";

static const char export_ics[] = "BEGIN:VCALENDAR\r\n"
                                 "VERSION:2.0\r\n"
                                 "PRODID:-//Tend//Window test//EN\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:planning@tend.example\r\n"
                                 "DTSTAMP:20260201T000000Z\r\n"
                                 "DTSTART:20260303T130000Z\r\n"
                                 "DTEND:20260303T143000Z\r\n"
                                 "ORGANIZER:mailto:me@tend.example\r\n"
                                 "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@tend.example\r\n"
                                 "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.org\r\n"
                                 "SUMMARY:Planning\r\n"
                                 "END:VEVENT\r\n"
                                 "END:VCALENDAR\r\n";

static void
test_welcome_opt_in_week (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *own = NULL;
  g_autoptr (GSubprocess) agent = NULL;
  g_autoptr (TendApplication) application = NULL;
  g_autoptr (GError) error = NULL;
  TendWindow      *window = NULL;
  g_autofree char *demo_path = NULL;
  GtkWidget       *opt_in;
  GtkWidget       *demo;
  GtkWidget       *back;
  TendWeekPage    *week_page;
  TendPeoplePage  *people_page;
  TendConnectPage *connect_page;
  g_autofree char *conf = NULL;
  g_autofree char *mbox = NULL;
  g_autofree char *ics = NULL;

  if (!tend_test_ui_can_run_agent (have_display))
    return;

  /* The organization set up Microsoft 365, not Google, as its tend.conf would say. */
  conf = g_build_filename (config, "tend", "tend.conf", NULL);
  tend_test_ui_write_file (conf, "[microsoft]\nclient-id=11111111-2222-3333-4444-555555555555\n");

  /* The window reads the same folders as the agent it talks to (main's temporary home). */
  agent = tend_test_spawn_agent (home, config, data, NULL);

  application = tend_application_new ();
  window = TEND_WINDOW (tend_test_ui_activate (GTK_APPLICATION (application)));

  /* A fresh home: the agent runs but nobody opted in, so the window explains and invites. */
  tend_test_ui_wait_for_page (window, "welcome", WAIT_SECONDS);
  g_assert_false (tend_window_get_is_demo (window));
  tend_test_ui_save_view (GTK_WIDGET (window), "welcome");
  /* The header's menu, Try the Demo, Opt In. */
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 3);
  g_assert_true (tab_reaches (GTK_WIDGET (window),
                              tend_test_ui_find_actionable (GTK_WIDGET (window), "win.show-demo")));
  g_assert_true (tab_reaches (
      GTK_WIDGET (window), tend_test_ui_find_actionable (GTK_WIDGET (window), "welcome.opt-in")));
  /* Alt+2's action does nothing over the welcome: there are no people to show yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "people"));
  g_assert_cmpstr (tend_window_get_visible_view (window), ==, "week");

  /* Trying the demo needs no opt-in: the window invents the demo's year in a file of its own,
   * and marks the week as invented; the bar's button leads back to the welcome. */
  demo = tend_test_ui_find_actionable (GTK_WIDGET (window), "win.show-demo");
  g_assert_nonnull (demo);
  g_assert_true (gtk_widget_activate (demo));
  tend_test_ui_wait_for_page (window, "week", WAIT_SECONDS);
  wait_for_demo (window, TRUE);
  demo_path = g_build_filename (data, "tend", "demo.db", NULL);
  g_assert_true (g_file_test (demo_path, G_FILE_TEST_EXISTS));
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 30);
  tend_test_ui_save_view (GTK_WIDGET (window), "demo");
  /* The menu, Week and People, Opt In…, previous, This Week, next. */
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 7);

  /* Alt+2 and Alt+1: the people of the week the week page shows, and back. */
  week_page = TEND_WEEK_PAGE (tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_WEEK_PAGE));
  people_page
      = TEND_PEOPLE_PAGE (tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_PEOPLE_PAGE));
  g_assert_nonnull (week_page);
  g_assert_nonnull (people_page);
  g_assert_cmpstr (tend_window_get_visible_view (window), ==, "week");
  gtk_widget_activate_action (GTK_WIDGET (week_page), "week.previous", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "people"));
  g_assert_cmpstr (tend_window_get_visible_view (window), ==, "people");
  g_assert_cmpint (tend_week_compare (tend_people_page_get_week (people_page),
                                      tend_week_page_get_week (week_page)),
                   ==, 0);
  wait_for_people (people_page);
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 30);
  tend_test_ui_save_view (GTK_WIDGET (window), "people");
  /* The menu, Week and People, Opt In…. */
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 4);
  /* On a phone's 360 px the header has no room for the switcher: it moves to the bottom. */
  {
    AdwViewSwitcherBar *bar = ADW_VIEW_SWITCHER_BAR (
        tend_test_ui_find_type (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR));

    g_assert_false (adw_view_switcher_bar_get_reveal (bar));
    gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
    tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
    g_assert_true (adw_view_switcher_bar_get_reveal (bar));
    gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
    tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
    g_assert_false (adw_view_switcher_bar_get_reveal (bar));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "week"));
  g_assert_cmpstr (tend_window_get_visible_view (window), ==, "week");
  back = tend_test_ui_find_actionable (GTK_WIDGET (window), "win.show-welcome");
  g_assert_nonnull (back);
  g_assert_true (gtk_widget_get_mapped (back));
  g_assert_true (gtk_widget_activate (back));
  tend_test_ui_wait_for_page (window, "welcome", WAIT_SECONDS);

  opt_in = tend_test_ui_find_actionable (GTK_WIDGET (window), "welcome.opt-in");
  g_assert_nonnull (opt_in);
  g_assert_true (gtk_widget_is_sensitive (opt_in));
  g_assert_true (gtk_widget_activate (opt_in));

  /* OptIn reaches the agent and its OptedIn property comes back. The new database is empty and
   * no account is connected: the window leads on to connecting one or importing files, one
   * button per provider the agent knows, those the organization has not set up insensitive. */
  tend_test_ui_wait_for_page (window, "connect", WAIT_SECONDS);
  g_assert_true (tend_application_get_opted_in (application));
  own = g_build_filename (data, "tend", "tend.db", NULL);
  g_assert_true (g_file_test (own, G_FILE_TEST_EXISTS));
  connect_page
      = TEND_CONNECT_PAGE (tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_CONNECT_PAGE));
  g_assert_nonnull (connect_page);
  {
    GtkWidget *microsoft
        = tend_test_ui_find_button (GTK_WIDGET (connect_page), "Connect Microsoft 365");
    GtkWidget *google = tend_test_ui_find_button (GTK_WIDGET (connect_page), "Connect Google");

    g_assert_nonnull (microsoft);
    g_assert_nonnull (google);
    g_assert_true (gtk_widget_is_sensitive (microsoft));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (microsoft)), ==,
                     "connect.connect");
    g_assert_false (gtk_widget_is_sensitive (google));
    gtk_test_accessible_assert_property (google, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         "Your organization has not set this up");
    /* A generic sign-in nobody set up means nothing to a person: not shown. */
    g_assert_null (tend_test_ui_find_button (GTK_WIDGET (connect_page), "Connect oidc"));
    g_assert_null (tend_test_ui_find_button (GTK_WIDGET (connect_page), "Connect OpenID Connect"));
  }
  g_assert_null (tend_connect_page_get_message (connect_page));
  tend_test_ui_save_view (GTK_WIDGET (window), "connect");
  /* The menu, the two providers, Import Files…, Try the Demo. */
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 5);
  g_assert_true (
      tab_reaches (GTK_WIDGET (window),
                   tend_test_ui_find_actionable (GTK_WIDGET (window), "connect.choose-files")));
  g_assert_true (tab_reaches (
      GTK_WIDGET (window), tend_test_ui_find_actionable (GTK_WIDGET (window), "connect.connect")));

  /* Signing in where the organization set nothing up fails in place, in plain words. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (connect_page), "connect.connect", "s", "google"));
  g_assert_true (tend_connect_page_get_busy (connect_page));
  wait_for_idle (connect_page);
  g_assert_nonnull (tend_connect_page_get_message (connect_page));
  g_assert_nonnull (
      strstr (tend_connect_page_get_message (connect_page), "organization has not set up"));
  g_assert_cmpstr (tend_window_get_visible_page (window), ==, "connect");
  tend_test_ui_save_view (GTK_WIDGET (window), "connect-error");

  /* The demo meanwhile, marked as such, with the way back to connecting in its bar. */
  g_assert_true (gtk_widget_activate (
      tend_test_ui_find_actionable (GTK_WIDGET (connect_page), "win.show-demo")));
  tend_test_ui_wait_for_page (window, "week", WAIT_SECONDS);
  wait_for_demo (window, TRUE);
  {
    GtkWidget *connect = tend_test_ui_find_actionable (GTK_WIDGET (window), "win.connect-account");

    g_assert_nonnull (connect);
    g_assert_true (gtk_widget_get_mapped (connect));
    g_assert_true (gtk_widget_activate (connect));
  }
  tend_test_ui_wait_for_page (window, "connect", WAIT_SECONDS);

  /* Importing files, through the action the file chooser uses: the summary in place, then the
   * week, now the user's own. */
  mbox = g_build_filename (home, "export", "Sent", "messages.mbox", NULL);
  ics = g_build_filename (home, "export", "calendar.ics", NULL);
  tend_test_ui_write_file (mbox, export_mbox);
  tend_test_ui_write_file (ics, export_ics);
  {
    const char *paths[] = { mbox, ics, NULL };

    g_action_group_activate_action (G_ACTION_GROUP (window), "import-paths",
                                    g_variant_new_strv (paths, -1));
  }
  g_assert_true (tend_connect_page_get_busy (connect_page));
  wait_for_idle (connect_page);
  g_assert_cmpstr (tend_connect_page_get_message (connect_page), ==,
                   "Imported 3 messages and 1 event.");
  {
    GtkWidget *done = tend_test_ui_find_actionable (GTK_WIDGET (connect_page), "connect.done");

    /* The agent's DataChanged: the window counts the rows again and offers the week. */
    TEND_TEST_UI_WAIT_UNTIL (gtk_widget_get_mapped (done) && gtk_widget_is_sensitive (done),
                             WAIT_SECONDS, "the data");
    tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
    tend_test_ui_save_view (GTK_WIDGET (window), "connect-imported");
    /* The menu, Show My Week, the two providers, Import Files…. */
    g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 5);
    g_assert_true (tab_reaches (GTK_WIDGET (window), done));
    g_assert_true (gtk_widget_activate (done));
  }
  tend_test_ui_wait_for_page (window, "week", WAIT_SECONDS);
  wait_for_demo (window, FALSE);
  {
    g_autoptr (TendStore) store = tend_store_open (own, TEND_STORE_OPEN_READ_ONLY, &error);
    TendStoreCounts counts;

    g_assert_no_error (error);
    g_assert_true (tend_store_get_counts (store, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpint (counts.messages, ==, 3);
    g_assert_cmpint (counts.events, >=, 1);
  }

  /* Connecting and importing stay within reach from the menu; with data, the step leads back. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "connect-account"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect-account", NULL);
  g_assert_cmpstr (tend_window_get_visible_page (window), ==, "connect");
  g_assert_true (gtk_widget_activate (
      tend_test_ui_find_actionable (GTK_WIDGET (connect_page), "connect.done")));
  tend_test_ui_wait_for_page (window, "week", WAIT_SECONDS);
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 30);
  tend_test_ui_save_view (GTK_WIDGET (window), "week");
  /* The menu, Week and People, previous, This Week, next. */
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (window)), >=, 6);
  /* The focus ring a keyboard user follows, on the previous week's button. */
  {
    GtkWidget *previous = tend_test_ui_find_actionable (GTK_WIDGET (window), "week.previous");

    g_assert_nonnull (previous);
    gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
    g_assert_true (gtk_widget_grab_focus (previous));
    tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
    g_assert_true (gtk_widget_has_visible_focus (previous));
    tend_test_ui_save_png (GTK_WIDGET (window), "week-focus.png");
  }

  /* The agent's weekly notification opens a given week through the app action; a malformed week
   * changes nothing. 2026-W10 is Monday 2 March to Sunday 8 March 2026. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "show-week",
                                  g_variant_new_string ("2026-W10"));
  g_assert_cmpint (tend_week_page_get_week (week_page)->year, ==, 2026);
  g_assert_cmpint (tend_week_page_get_week (week_page)->week, ==, 10);
  g_action_group_activate_action (G_ACTION_GROUP (application), "show-week",
                                  g_variant_new_string ("not a week"));
  g_assert_cmpint (tend_week_page_get_week (week_page)->week, ==, 10);
  g_assert_cmpstr (tend_window_get_visible_page (window), ==, "week");

  /* The imported week's people, among them the long address, on a phone's width as well. */
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
  tend_test_ui_save_view (GTK_WIDGET (window), "week-imported");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "people"));
  wait_for_people (people_page);
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 10);
  tend_test_ui_save_view (GTK_WIDGET (window), "people-imported");

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (application));

  tend_test_ui_stop_agent (agent);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = tend_test_ui_set_home ("tend-window-XXXXXX");
  int              status;

  have_display = tend_test_ui_init (&argc, &argv);
  g_test_add_func ("/window/welcome-opt-in-week", test_welcome_opt_in_week);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
