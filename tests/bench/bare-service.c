/* bare-service.c: a GApplication service that does nothing: bench-idle's baseline
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * What every GApplication service on the session bus costs: it owns its name, exports
 * GApplication's own interfaces and holds itself, as tend-agent does, and nothing else.
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <gio/gio.h>

static void
startup_cb (GApplication *application, gpointer user_data)
{
  /* A service lives as long as the session. */
  g_application_hold (application);
}

int
main (int argc, char **argv)
{
  g_autoptr (GApplication) application
      = g_application_new ("dev.tend.BenchBareService", G_APPLICATION_IS_SERVICE);

  g_signal_connect (application, "startup", G_CALLBACK (startup_cb), NULL);
  return g_application_run (application, argc, argv);
}
