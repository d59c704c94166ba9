/* tendctl-agent.c: tendctl status, opt-in and opt-out, through the agent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "tend-dbus.h"
#include "tendctl.h"

/* The agent is started by D-Bus activation when it is not running yet. */
static TendDBusAgent1 *
connect_agent (GError **error)
{
  g_autoptr (GError) local_error = NULL;
  TendDBusAgent1 *agent;

  agent = tend_dbus_agent1_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                                   "dev.tend.Agent", "/dev/tend/Agent", NULL,
                                                   &local_error);
  if (agent == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 _ ("Cannot reach Tend’s agent on the session bus: %s"), local_error->message);
  return agent;
}

/* D-Bus errors carry their name before the message; a person needs the message. */
static int
report_agent_error (GError *error)
{
  g_dbus_error_strip_remote_error (error);
  return tendctl_report_error (error);
}

static gboolean
parse_no_arguments (GOptionContext *context, const GOptionEntry *entries, int *argc, char ***argv,
                    int *status)
{
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, argc, argv, status))
    return FALSE;
  if (*argc > 1)
    {
      *status = tendctl_usage_error (context, _ ("This command takes no arguments"));
      return FALSE;
    }
  return TRUE;
}

int
tendctl_status (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— show whether Tend collects"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  if (!parse_no_arguments (context, NULL, &argc, &argv, &status))
    return status;
  if (!(agent = connect_agent (&error)))
    return tendctl_report_error (error);

  if (tend_dbus_agent1_get_opted_in (agent))
    g_print (_ ("Opted in: Tend keeps your figures on this computer.\n"));
  else
    g_print (_ ("Not opted in: Tend reads and keeps nothing. Opt in with “tendctl opt-in”.\n"));
  return TENDCTL_EXIT_OK;
}

int
tendctl_opt_in (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— start keeping your figures"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  int status = TENDCTL_EXIT_OK;

  g_option_context_set_summary (context,
                                _ ("Tend reads your own mail and calendars only after you opt in, "
                                   "and keeps what it learns on this computer. Nothing is shared "
                                   "unless you switch sharing on yourself."));
  if (!parse_no_arguments (context, NULL, &argc, &argv, &status))
    return status;
  if (!(agent = connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_opt_in_sync (agent, NULL, &error))
    return report_agent_error (error);

  g_print (_ ("Opted in. Import files with “tendctl import”.\n"));
  return TENDCTL_EXIT_OK;
}

int
tendctl_opt_out (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— stop keeping your figures"));
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  gboolean delete = FALSE, yes = FALSE;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[]
      = { { "delete-everything", 0, 0, G_OPTION_ARG_NONE, &delete,
            N_ ("Also delete everything Tend has stored"), NULL },
          { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_ ("Do not ask for confirmation"), NULL },
          { NULL } };

  if (!parse_no_arguments (context, entries, &argc, &argv, &status))
    return status;

  if (delete &&!yes)
    {
      char answer[64] = { 0 };

      g_print (_ ("This deletes everything Tend has stored. It cannot be undone. "
                  "Type “yes” to delete: "));
      fflush (stdout);
      if (fgets (answer, sizeof answer, stdin) == NULL
          || g_ascii_strcasecmp (g_strstrip (answer), "yes") != 0)
        {
          g_print (_ ("Nothing was changed.\n"));
          return TENDCTL_EXIT_CANCELLED;
        }
    }

  if (!(agent = connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_opt_out_sync (agent, delete, NULL, &error))
    return report_agent_error (error);

  g_print (delete ? _ ("Opted out, and everything Tend stored is deleted.\n")
                  : _ ("Opted out. What Tend stored stays until you delete it.\n"));
  return TENDCTL_EXIT_OK;
}
