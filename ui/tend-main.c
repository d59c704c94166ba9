/* tend-main.c: the window's entry point
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "tend-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (TendApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_ ("Tend"));
  application = tend_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
