/* test-consent.c: the consent dialog against the real agent, rows that show text from data, and
 * what the views say about the agent's answers
 *
 * Text a person did not write (an organization's name, an address, an agent's error) is shown as
 * it is: "&" or "<" in it must neither vanish nor break the label.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-consent"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tend-account-row.h"
#include "tend-agent-util.h"
#include "tend-consent-dialog.h"
#include "tend-dbus.h"
#include "tend-nudge-row.h"
#include "tend-test-ui.h"
#include "tend-test-util.h"

/* Long enough for a loaded machine, short enough to fail rather than hang. */
#define WAIT_SECONDS 60

#define ORGANIZATION "AT&T <Research> & Sons"
#define COLLECTOR "https://collector.example.org/tend?org=att&week=1"
#define ME "me@tend.example"

static gboolean have_display;

/* Runs the main loop until @condition holds, as the window would while a person waits. */
#define WAIT_UNTIL(condition, what) TEND_TEST_UI_WAIT_UNTIL (condition, WAIT_SECONDS, what)

static char *
sharing_string (TendDBusAgent1 *agent, const char *key)
{
  GVariant *sharing = tend_dbus_agent1_get_sharing (agent);
  char     *value = NULL;

  if (sharing == NULL || !g_variant_lookup (sharing, key, "s", &value))
    return NULL;
  return value;
}

/* The organization and collector are shown exactly as the organization spelled them; once
 * Share is pressed, the dialog can be neither cancelled nor closed until the agent answers. */
static void
test_consent (void)
{
  const char      *home = g_get_home_dir ();
  const char      *config = g_get_user_config_dir ();
  const char      *data = g_get_user_data_dir ();
  g_autofree char *ics = g_build_filename (home, "last-week.ics", NULL);
  g_autofree char *mbox = g_build_filename (home, "last-week.mbox", NULL);
  g_autofree char *organization = NULL;
  g_autofree char *collector = NULL;
  g_autofree char *agreed_organization = NULL;
  g_autoptr (GSubprocess) agent_process = NULL;
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) summary = NULL;
  TendConsentDialog *dialog;
  GtkWidget         *cancel;
  const char        *paths[] = { NULL, NULL, NULL };
  const char        *me[] = { ME, NULL };
  GVariantDict       options;

  if (!tend_test_ui_can_run_agent (have_display))
    return;

  agent_process = tend_test_spawn_agent (home, config, data, NULL);
  agent = tend_test_ui_agent_proxy ();
  g_assert_true (tend_dbus_agent1_call_opt_in_sync (agent, NULL, &error));
  g_assert_no_error (error);

  /* Last week's meetings and mail: what a contribution is built from. */
  tend_test_ui_write_last_week (ics, mbox, ME);
  paths[0] = ics;
  paths[1] = mbox;
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert_value (&options, "me", g_variant_new_strv (me, -1));
  g_assert_true (tend_dbus_agent1_call_import_sync (agent, paths, g_variant_dict_end (&options),
                                                    &summary, NULL, &error));
  g_assert_no_error (error);

  /* As the preferences open it: with the organization and collector the agent reports. */
  WAIT_UNTIL ((organization = sharing_string (agent, "organization")) != NULL, "the organization");
  collector = sharing_string (agent, "collector");
  g_assert_cmpstr (organization, ==, ORGANIZATION);
  g_assert_cmpstr (collector, ==, COLLECTOR);
  dialog = TEND_CONSENT_DIALOG (tend_consent_dialog_new (NULL, agent, organization, collector));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_UNTIL (!tend_consent_dialog_get_loading (dialog), "the preview");
  if (tend_consent_dialog_get_error (dialog) != NULL)
    g_error ("No preview: %s", tend_consent_dialog_get_error (dialog));
  tend_test_ui_wait_for_frames (GTK_WIDGET (dialog), 5);

  /* Who would receive the figures, shown as the organization wrote it. */
  g_assert_nonnull (tend_test_ui_find_shown_label (GTK_WIDGET (dialog), ORGANIZATION));
  g_assert_nonnull (tend_test_ui_find_shown_label (GTK_WIDGET (dialog), COLLECTOR));
  /* Taking consent back cannot recall what was already sent, and the dialog says so. */
  g_assert_nonnull (tend_test_ui_find_label_with (GTK_WIDGET (dialog), "cannot be called back"));
  g_assert_cmpuint (tend_test_ui_assert_controls_accessible (GTK_WIDGET (dialog)), >=, 2);
  tend_test_ui_save_png (GTK_WIDGET (dialog), "consent-markup-light.png");

  /* Share, then every way out at once: Cancel, Escape's action and the window's close. */
  cancel = tend_test_ui_find_actionable (GTK_WIDGET (dialog), "consent.cancel");
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.share", NULL));
  g_assert_false (gtk_widget_is_sensitive (cancel));
  gtk_widget_activate (cancel);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.cancel", NULL);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* The dialog goes only with the agent's answer, and consent was recorded as shown. */
  WAIT_UNTIL (dialog == NULL, "the dialog to close after the reply");
  WAIT_UNTIL (tend_test_ui_sharing_enabled (agent), "sharing to be on");
  agreed_organization = sharing_string (agent, "organization");
  g_assert_cmpstr (agreed_organization, ==, ORGANIZATION);
}

/* Rows of data the person did not write: an account's address and last error, and a nudge's
 * title, each shown exactly. Markup would turn them into empty labels and a warning, which
 * G_DEBUG=fatal-warnings makes a failure. */
static void
test_rows_show_text (void)
{
  const char *account = "R&D <lab>@example.org";
  const char *last_error = "Could not reach graph.example.org?a=1&b=2 <timeout>";
  g_autoptr (TendNudge) nudge = NULL;
  g_autoptr (GVariant) failing = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget       *window;
  GtkWidget       *list;
  GtkWidget       *row;
  GtkWidget       *nudge_row;

  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return;
    }

  window = gtk_window_new ();
  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_window_set_child (GTK_WINDOW (window), list);

  row = tend_account_row_new ("microsoft", "Microsoft 365", account);
  failing = g_variant_ref_sink (g_variant_new_parsed (
      "{'state': <'idle'>, 'last-sync': <int64 0>, 'last-error': <%s>}", last_error));
  tend_account_row_update (TEND_ACCOUNT_ROW (row), failing, 0, 0);
  gtk_list_box_append (GTK_LIST_BOX (list), row);

  nudge = tend_nudge_new ("test", TEND_NUDGE_KIND_TIP, TEND_METRIC_MEETING_HOURS, 10, 8, 1,
                          "Meetings with R&D <lab>", "An explanation.", "Evidence.",
                          "A suggestion.", "Why.");
  nudge_row = tend_nudge_row_new (nudge);
  gtk_list_box_append (GTK_LIST_BOX (list), nudge_row);

  gtk_window_present (GTK_WINDOW (window));
  tend_test_ui_wait_for_frames (window, 5);

  g_assert_nonnull (tend_test_ui_find_shown_label (row, account));
  subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  g_assert_nonnull (strstr (subtitle, last_error));
  g_assert_nonnull (tend_test_ui_find_shown_label (row, subtitle));
  g_assert_nonnull (tend_test_ui_find_shown_label (nudge_row, "Meetings with R&D <lab>"));
  tend_test_ui_save_png (window, "rows-markup-light.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static char *
describe_remote (const char *name, const char *message)
{
  g_autoptr (GError) error = g_dbus_error_new_for_dbus_error (name, message);

  return tend_agent_error_describe (error);
}

/* What the views say about the agent's answers, and the names of providers not set up yet. */
static void
test_agent_util (void)
{
  g_autoptr (GError) closed = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED, "closed");
  g_autoptr (GError) no_owner
      = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot invoke method; no owner");
  const char      *no_answer = "Tend’s agent did not answer. Try again once it is running.";
  g_autofree char *text = NULL;

  /* The agent's own sentence, without D-Bus's error name, and not changed: it is not markup. */
  text = describe_remote ("dev.tend.Agent1.Error.Failed", "AT&T <Research> refused.");
  g_assert_cmpstr (text, ==, "AT&T <Research> refused.");
  g_clear_pointer (&text, g_free);
  text = describe_remote ("org.freedesktop.DBus.Error.InvalidArgs", "Unknown metric “x”.");
  g_assert_cmpstr (text, ==, "Unknown metric “x”.");
  g_clear_pointer (&text, g_free);
  /* What the person can act on, in plain words. */
  text = describe_remote ("dev.tend.Agent1.Error.Paused", "paused");
  g_assert_cmpstr (text, ==, "Collection is paused. Resume it in Preferences, then try again.");
  g_clear_pointer (&text, g_free);
  text = describe_remote ("dev.tend.Agent1.Error.NotOptedIn", "not opted in");
  g_assert_cmpstr (text, ==, "Tend is not collecting: opt in first.");
  g_clear_pointer (&text, g_free);
  /* The bus's own failures mean the agent is not there. */
  text = describe_remote ("org.freedesktop.DBus.Error.ServiceUnknown", "no such name");
  g_assert_cmpstr (text, ==, no_answer);
  g_clear_pointer (&text, g_free);
  text = tend_agent_error_describe (closed);
  g_assert_cmpstr (text, ==, no_answer);
  g_clear_pointer (&text, g_free);
  text = tend_agent_error_describe (no_owner);
  g_assert_cmpstr (text, ==, no_answer);
  g_clear_pointer (&text, g_free);

  g_assert_cmpstr (tend_provider_display_name ("microsoft", "microsoft"), ==, "Microsoft 365");
  g_assert_cmpstr (tend_provider_display_name ("google", "google"), ==, "Google");
  g_assert_cmpstr (tend_provider_display_name ("oidc", "OpenID Connect"), ==, "OpenID Connect");
  g_assert_cmpstr (tend_provider_display_name ("other", "other"), ==, "other");

  text = tend_device_code_describe ("ABCD-EFGH", "https://example.org/device?x=1&y=2");
  g_assert_cmpstr (text, ==,
                   "Or, on another device, open https://example.org/device?x=1&y=2 and enter the "
                   "code ABCD-EFGH");
}

int
main (int argc, char *argv[])
{
  g_autofree char *home = tend_test_ui_set_home ("tend-consent-XXXXXX");
  int              status;

  tend_test_ui_set_org_conf (home, COLLECTOR, ORGANIZATION);
  have_display = tend_test_ui_init (&argc, &argv);
  g_test_add_func ("/consent/agent-util", test_agent_util);
  g_test_add_func ("/consent/rows-show-text", test_rows_show_text);
  g_test_add_func ("/consent/organization-and-share", test_consent);
  status = g_test_run ();
  tend_test_remove_tree (home);
  return status;
}
