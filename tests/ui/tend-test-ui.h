/* tend-test-ui.h: what the window's tests share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-test-fake.h"

G_BEGIN_DECLS

void       tend_test_ui_wait_for_frames            (GtkWidget *widget, guint n_frames);
void       tend_test_ui_save_png                   (GtkWidget *widget, const char *name);
/* NAME-light.png, NAME-dark.png and NAME-360.png of @window. */
void       tend_test_ui_save_view                  (GtkWidget *window, const char *name);

/* The first widget of @type in @root's tree, @root included, or NULL. */
GtkWidget *tend_test_ui_find_type                  (GtkWidget *root, GType type);
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
