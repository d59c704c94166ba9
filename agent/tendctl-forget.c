/* tendctl-forget.c: tendctl forget
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "tendctl.h"

/* Asks on the terminal; only an explicit "yes" (or the translated word) deletes. */
static gboolean
confirm (const char *path)
{
  char answer[64] = { 0 };

  g_print (_ ("This deletes %s and everything Tend has learned from it.\n"
              "It cannot be undone. Type “yes” to delete: "),
           path);
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  /* Translators: the word a person types to confirm deleting everything. */
  return g_ascii_strcasecmp (answer, "yes") == 0 || g_strcmp0 (answer, _ ("yes")) == 0;
}

int
tendctl_forget (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *path = NULL;
  gboolean           all = FALSE, yes = FALSE;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[]
      = { { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_ ("Delete the whole database"), NULL },
          { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_ ("Do not ask for confirmation"), NULL },
          { NULL } };

  context = g_option_context_new (_ ("--all — delete everything Tend stores"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (!all || argc > 1)
    return tendctl_usage_error (context, _ ("Say --all: Tend forgets everything or nothing"));

  path = tendctl_get_store_path (options);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_print (_ ("There is nothing to forget: %s does not exist.\n"), path);
      return TENDCTL_EXIT_OK;
    }

  if (!yes && !confirm (path))
    {
      g_print (_ ("Nothing was deleted.\n"));
      return TENDCTL_EXIT_CANCELLED;
    }

  if (!tend_store_delete_files (path, &error))
    return tendctl_report_error (error);

  g_print (_ ("Deleted %s.\n"), path);
  return TENDCTL_EXIT_OK;
}
