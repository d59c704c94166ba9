/* tend-agent-main.c: tend-agent, the per-user service
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-agent"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "tend-agent.h"

int
main (int argc, char *argv[])
{
  g_autoptr (TendAgent) agent = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  agent = tend_agent_new ();
  return g_application_run (G_APPLICATION (agent), argc, argv);
}
