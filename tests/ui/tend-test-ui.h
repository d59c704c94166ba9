/* tend-test-ui.h: what the window's tests share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-dbus.h"
#include "tend-test-fake.h"
#include "tend-window.h"

G_BEGIN_DECLS

/* Fails the test, naming @user_data (a string) as what it waited for. */
gboolean   tend_test_ui_timeout_cb                 (gpointer user_data);

/* Runs the main loop until @condition holds, as the window would while a person waits, failing
 * after @seconds. */
#define TEND_TEST_UI_WAIT_UNTIL(condition, seconds, what)                                          \
  G_STMT_START                                                                                     \
  {                                                                                                \
    guint timeout_                                                                                 \
        = g_timeout_add_seconds ((seconds), tend_test_ui_timeout_cb, (gpointer) (what));           \
    while (!(condition))                                                                           \
      g_main_context_iteration (NULL, TRUE);                                                       \
    g_source_remove (timeout_);                                                                    \
  }                                                                                                \
  G_STMT_END

/* A home of its own in a new temporary folder named after @tmpl (HOME and the XDG folders),
 * set before GLib caches the user's folders; returned for tend_test_remove_tree(). */
char      *tend_test_ui_set_home                   (const char *tmpl);
/* g_test_init(), then GTK and libadwaita without animations; FALSE without a display. */
gboolean   tend_test_ui_init                       (int *argc, char ***argv);
/* gtk_test_init() for the widget tests, in UTC and without animations; FALSE, with the whole
 * test reported skipped, without a display. */
gboolean   tend_test_ui_widget_init                (int *argc, char ***argv);
/* The organization's configuration in @home, which the agent reads instead of
 * /etc/tend/org.conf. */
void       tend_test_ui_set_org_conf               (const char *home, const char *collector,
                                                    const char *organization);
/* FALSE, with the test skipped, without a display or without TEND_AGENT. */
gboolean   tend_test_ui_can_run_agent              (gboolean have_display);
/* A proxy of the agent this test started, which is already on the bus. */
TendDBusAgent1 *tend_test_ui_agent_proxy           (void);
/* Whether the agent says the person agreed to share. */
gboolean        tend_test_ui_sharing_enabled       (TendDBusAgent1 *agent);
/* Stops the agent as the session would and asserts it ended cleanly. */
void       tend_test_ui_stop_agent                 (GSubprocess *agent);
/* Runs the main loop until @window shows @page, failing after @seconds. */
void       tend_test_ui_wait_for_page              (TendWindow *window, const char *page,
                                                    guint seconds);
/* Registers and activates @application and returns the window it showed. */
GtkWindow *tend_test_ui_activate                   (GtkApplication *application);
void       tend_test_ui_write_file                 (const char *path, const char *contents);

void       tend_test_ui_wait_for_frames            (GtkWidget *widget, guint n_frames);
void       tend_test_ui_save_png                   (GtkWidget *widget, const char *name);
/* NAME-light.png, NAME-dark.png and NAME-360.png of @window. */
void       tend_test_ui_save_view                  (GtkWidget *window, const char *name);

/* Whether @widget is the one looked for, as @data describes it. */
typedef gboolean (*TendTestUiMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget in @root's tree, @root included, that @match accepts, or NULL. */
GtkWidget *tend_test_ui_find                       (GtkWidget *root, TendTestUiMatch match,
                                                    gconstpointer data);
/* The first widget of @type in @root's tree, @root included, or NULL. */
GtkWidget *tend_test_ui_find_type                  (GtkWidget *root, GType type);
GtkWidget *tend_test_ui_find_actionable            (GtkWidget *root, const char *action_name);
/* The button, or the preferences row, a person reads as @text (mnemonic underscores left out). */
GtkWidget *tend_test_ui_find_button                (GtkWidget *root, const char *text);
GtkWidget *tend_test_ui_find_row                   (GtkWidget *root, const char *text);
/* A label showing exactly @text, or with @text in it, shown or not, or NULL. */
GtkWidget *tend_test_ui_find_label                 (GtkWidget *root, const char *text);
GtkWidget *tend_test_ui_find_label_with            (GtkWidget *root, const char *text);
/* The first visible toplevel of @type, or NULL. */
GtkWidget *tend_test_ui_find_toplevel              (GType type);
/* The mapped label showing exactly @text, as a person would see it, or NULL. */
GtkWidget *tend_test_ui_find_shown_label           (GtkWidget *root, const char *text);

gboolean   tend_test_ui_is_control                 (GtkWidget *widget);
gboolean   tend_test_ui_has_accessible_name        (GtkWidget *widget);
/* Every control shown is focusable and named; returns how many were checked. */
guint      tend_test_ui_assert_controls_accessible (GtkWidget *widget);

/* A week of meetings and mail of @me's in the last complete ISO week, as files to import. */
void       tend_test_ui_write_last_week            (const char *ics_path, const char *mbox_path,
                                                    const char *me);

/* The organization's sign-in through @provider (tests/oidc's OpenID provider, in @oidc_dir) and its
 * API through @graph (the fake Microsoft Graph) in the user's tend.conf, and tests/oidc's scripted
 * browser, signing in as @login, as the desktop's web browser. */
void       tend_test_ui_write_desktop              (const char *config, const char *data,
                                                    const char *oidc_dir, TendTestFake *provider,
                                                    TendTestFake *graph, const char *login);

G_END_DECLS
