/* test-connect.c: signing in from the window, then the first sync, against real components
 *
 * The window in-process, the real agent, a gnome-keyring-daemon of its own (with-keyring.sh), the
 * OpenID provider of tests/oidc with its scripted browser as the desktop's web browser, and the
 * fake Microsoft Graph of tests/fakes, named in the user's tend.conf as an organization would.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-connect"

#include "config.h"

#include <gtk/gtk.h>

#include "tend-application.h"
#include "tend-connect-page.h"
#include "tend-fake-desktop.h"
#include "tend-test-fake.h"
#include "tend-test-ui.h"
#include "tend-test-util.h"
#include "tend-week-page.h"
#include "tend-welcome-page.h"
#include "tend-window.h"

#define LOGIN "me@tend.test"
#define WAIT_SECONDS 120

static gboolean have_display;

static void
test_sign_in_first_sync (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *provider_script = g_build_filename (TEND_OIDC_DIR, "provider.mjs", NULL);
  const char      *provider_argv[] = { "node", provider_script, "--access-ttl", "3600", NULL };
  const char      *graph_args[] = { "--messages", "2000", NULL };
  g_autoptr (TendTestFake) graph = NULL;
  g_autoptr (TendTestFake) provider = NULL;
  g_autoptr (TendFakeNotifications) notifications = NULL;
  g_autoptr (GSubprocess) agent = NULL;
  g_autoptr (TendApplication) application = NULL;
  TendWindow      *window = NULL;
  TendConnectPage *connect_page;
  TendWeekPage    *week_page;
  gboolean         saw_progress = FALSE;
  gboolean         saw_syncing = FALSE;
  guint            timeout;

  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return;
    }
  if (g_getenv ("TEND_TEST_KEYRING_HOME") == NULL)
    {
      g_test_skip ("no test keyring (gnome-keyring-daemon is missing)");
      return;
    }
  if (!tend_test_oidc_available () || !(graph = tend_test_fake_start ("fake-graph.py", graph_args)))
    return;
  provider = tend_test_fake_start_argv (provider_argv, "issuer");
  tend_test_ui_write_desktop (config, data, TEND_OIDC_DIR, provider, graph, LOGIN);
  /* The agent tells of the first sync in a notification: someone has to take it. */
  notifications = tend_fake_notifications_new ();
  agent = tend_test_spawn_agent (home, config, data, NULL);

  application = tend_application_new ();
  window = TEND_WINDOW (tend_test_ui_activate (GTK_APPLICATION (application)));
  connect_page
      = TEND_CONNECT_PAGE (tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_CONNECT_PAGE));
  week_page = TEND_WEEK_PAGE (tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_WEEK_PAGE));

  tend_test_ui_wait_for_page (window, "welcome", WAIT_SECONDS);
  g_assert_true (gtk_widget_activate_action (
      tend_test_ui_find_type (GTK_WIDGET (window), TEND_TYPE_WELCOME_PAGE), "welcome.opt-in",
      NULL));
  tend_test_ui_wait_for_page (window, "connect", WAIT_SECONDS);

  /* The organization's own sign-in is the one usable provider: its button, by its name. */
  g_assert_nonnull (
      tend_test_ui_find_shown_label (GTK_WIDGET (connect_page), "Connect OpenID Connect"));
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (connect_page), "connect.connect", "s", "oidc"));
  g_assert_true (tend_connect_page_get_busy (connect_page));
  g_assert_nonnull (tend_test_ui_find_shown_label (GTK_WIDGET (connect_page),
                                                   "Waiting for you to sign in in your browser…"));
  /* The scripted browser may have signed in already: a picture of whichever comes first. */
  tend_test_ui_wait_for_frames (GTK_WIDGET (window), 3);
  tend_test_ui_save_png (GTK_WIDGET (window), "connect-signing-in.png");

  /* The scripted browser signs in; the first sync's bar follows the agent's Sources, and the
   * week page knows meanwhile that the first sync is still running. Then the week. */
  timeout
      = g_timeout_add_seconds (WAIT_SECONDS, tend_test_ui_timeout_cb, (gpointer) "the first sync");
  while (g_strcmp0 (tend_window_get_visible_page (window), "week") != 0)
    {
      GtkWidget *bar = tend_test_ui_find_type (GTK_WIDGET (connect_page), GTK_TYPE_PROGRESS_BAR);

      if (!saw_progress && bar != NULL && gtk_widget_get_mapped (bar))
        {
          saw_progress = TRUE;
          tend_test_ui_wait_for_frames (GTK_WIDGET (window), 3);
          tend_test_ui_save_png (GTK_WIDGET (window), "connect-first-sync.png");
        }
      saw_syncing = saw_syncing || tend_week_page_get_syncing (week_page);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (timeout);
  g_assert_true (saw_progress);
  g_assert_true (saw_syncing);
  g_assert_false (tend_connect_page_get_busy (connect_page));
  g_assert_null (tend_connect_page_get_message (connect_page));
  g_assert_false (tend_window_get_is_demo (window));
  /* The sync is over: no more "still syncing". */
  g_assert_false (tend_week_page_get_syncing (week_page));

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (application));
  tend_test_ui_stop_agent (agent);
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = tend_test_ui_set_home ("tend-connect-XXXXXX");
  int              status;

  have_display = tend_test_ui_init (&argc, &argv);
  g_test_add_func ("/connect/sign-in-first-sync", test_sign_in_first_sync);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
