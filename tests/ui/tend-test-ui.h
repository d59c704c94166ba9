/* tend-test-ui.h: what the window's tests share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void tend_test_ui_wait_for_frames (GtkWidget *widget, guint n_frames);
void tend_test_ui_save_png        (GtkWidget *widget, const char *name);

G_END_DECLS
