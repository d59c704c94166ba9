/* tend-test-ui.c: what the window's tests share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "tend-test-ui.h"

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
