/* bare-window.c: an AdwApplicationWindow with a label: bench-window's baseline
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * What any libadwaita application costs before its first frame: it registers on the session
 * bus, opens a window with a header bar and a label, and once that window has painted prints
 * "FRAME", the monotonic time in µs and its VmRSS in KiB, tab-separated, then quits.
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <adwaita.h>

static guint64
read_rss_kib (void)
{
  g_autofree char *text = NULL;
  const char      *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL)
      || !(line = strstr (text, "\nVmRSS:")))
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static void
after_paint_cb (GdkFrameClock *clock, GtkApplication *application)
{
  gint64 now = g_get_monotonic_time ();

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, application);
  g_print ("FRAME\t%" G_GINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n", now, read_rss_kib ());
  g_application_quit (G_APPLICATION (application));
}

/* The frame clock exists once the window is realized. */
static void
realize_cb (GtkWidget *window, GtkApplication *application)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb),
                    application);
}

static void
activate_cb (GtkApplication *application, gpointer user_data)
{
  GtkWidget *window = adw_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Bare window");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  /* The size of Tend's window: the same pixels to paint. */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), application);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr (AdwApplication) application
      = adw_application_new ("dev.tend.BenchBareWindow", G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
