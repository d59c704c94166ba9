/* tendctl.c: Tend's command-line face
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tendctl.h"

typedef int (*CommandFunc) (const TendctlOptions *options, int argc, char **argv);

static const struct
{
  const char *name;
  CommandFunc func;
  const char *summary;
} commands[] = {
  { "status", tendctl_status, N_ ("Show whether Tend collects (asks the agent)") },
  { "opt-in", tendctl_opt_in, N_ ("Start keeping your figures (asks the agent)") },
  { "opt-out", tendctl_opt_out, N_ ("Stop, sign out and delete everything Tend keeps") },
  { "connect", tendctl_connect, N_ ("Sign in to your own Microsoft 365 or Google account") },
  { "disconnect", tendctl_disconnect, N_ ("Sign out of an account and stop syncing it") },
  { "sync", tendctl_sync, N_ ("Sync every connected account now") },
  { "pause", tendctl_pause, N_ ("Stop syncing until you resume") },
  { "resume", tendctl_resume, N_ ("Sync again after a pause") },
  { "sharing", tendctl_sharing, N_ ("Stop sharing anonymized figures (“sharing off”)") },
  { "import", tendctl_import, N_ ("Import mail (mbox, Maildir, .eml) and calendars (.ics)") },
  { "week", tendctl_week, N_ ("Show a week’s figures and the coach’s nudges") },
  { "goal", tendctl_goal, N_ ("Set, list and remove your own goals") },
  { "export", tendctl_export, N_ ("Export everything Tend stores as JSON or CSV") },
  { "forget", tendctl_forget, N_ ("Delete the database and everything in it") },
  { "demo", tendctl_demo, N_ ("Create a demo database with a synthetic year") },
};

char *
tendctl_get_store_path (const TendctlOptions *options)
{
  if (options->database != NULL)
    return g_strdup (options->database);
  if (options->demo)
    return tend_store_get_demo_path ();
  return tend_store_get_default_path ();
}

TendStore *
tendctl_open_store (const TendctlOptions *options, TendStoreOpenFlags flags, gboolean *is_demo,
                    GError **error)
{
  g_autofree char *path = tendctl_get_store_path (options);
  gboolean         demo = options->demo;

  if ((flags & TEND_STORE_OPEN_READ_ONLY) && options->database == NULL && !options->demo
      && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *demo_path = tend_store_get_demo_path ();

      if (g_file_test (demo_path, G_FILE_TEST_EXISTS))
        {
          g_free (path);
          path = g_steal_pointer (&demo_path);
          demo = TRUE;
        }
    }

  if (is_demo != NULL)
    *is_demo = demo;
  return tend_store_open (path, flags, error);
}

int
tendctl_report_error (const GError *error)
{
  /* The first thing a newcomer meets: say what to do, not only what is missing. */
  if (g_error_matches (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND))
    {
      g_printerr ("tendctl: %s\n",
                  _ ("There is no Tend database yet. Import your mail and calendars with "
                     "“tendctl import PATH…”, or try Tend on invented data with “tendctl demo”."));
      return TENDCTL_EXIT_DATABASE;
    }

  g_printerr ("tendctl: %s\n", error->message);
  if (error->domain == TEND_STORE_ERROR)
    return TENDCTL_EXIT_DATABASE;
  if (error->domain == G_OPTION_ERROR)
    return TENDCTL_EXIT_USAGE;
  return TENDCTL_EXIT_FAILURE;
}

int
tendctl_usage_error (GOptionContext *context, const char *message)
{
  g_printerr ("tendctl: %s\n", message);
  g_printerr (_ ("Try “%s --help”.\n"), g_get_prgname ());
  return TENDCTL_EXIT_USAGE;
}

/* Parses a subcommand's options; on failure sets @status to the exit code to return. */
gboolean
tendctl_parse (GOptionContext *context, int *argc, char ***argv, int *status)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = tendctl_usage_error (context, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_ ("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-9s %s\n", commands[i].name, _ (commands[i].summary));
  g_string_append (text, _ ("\nRun “tendctl COMMAND --help” for a command’s options.\n\n"
                            "Exit status:\n"
                            "  0  success\n"
                            "  1  failure\n"
                            "  2  wrong usage: unknown command, option or argument\n"
                            "  3  the database is locked, read-only, damaged, too new or missing\n"
                            "  4  a confirmation was declined\n"));
  return g_string_free (text, FALSE);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *description = NULL;
  g_autofree char   *prgname = NULL;
  TendctlOptions     options = { 0 };
  gboolean           version = FALSE;
  int                status;
  const GOptionEntry entries[]
      = { { "database", 'd', 0, G_OPTION_ARG_FILENAME, &options.database,
            N_ ("Use the database at PATH"), N_ ("PATH") },
          { "demo", 0, 0, G_OPTION_ARG_NONE, &options.demo, N_ ("Use the demo database"), NULL },
          { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version and exit"), NULL },
          { NULL } };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("tendctl");

  context = g_option_context_new (_ ("COMMAND [OPTION…]"));
  g_option_context_set_summary (context, _ ("Tend keeps your work habits on your own computer and "
                                            "coaches you on them, privately."));
  description = describe_commands ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Everything from the command's name on belongs to the command. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = tendctl_usage_error (context, error->message);
      goto out;
    }

  if (version)
    {
      g_print ("tendctl %s\n", PACKAGE_VERSION);
      status = TENDCTL_EXIT_OK;
      goto out;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      status = TENDCTL_EXIT_USAGE;
      goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          prgname = g_strdup_printf ("tendctl %s", commands[i].name);
          g_set_prgname (prgname);
          status = commands[i].func (&options, argc - 1, argv + 1);
          goto out;
        }
    }

  {
    g_autofree char *message = g_strdup_printf (_ ("Unknown command “%s”"), argv[1]);
    status = tendctl_usage_error (context, message);
  }

out:
  g_free (options.database);
  return status;
}
