/* tendctl-import.c: tendctl import
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <unistd.h>

#include "tend-importer.h"
#include "tendctl.h"

static void
progress_cb (guint files_done, guint files_total, gpointer user_data)
{
  /* Redraw at most ~100 times: a Maildir has thousands of files. */
  if (files_done == files_total || files_done % MAX (1, files_total / 100) == 0)
    g_printerr (_ ("\rImporting… %u of %u files"), files_done, files_total);
  if (files_done == files_total)
    g_printerr ("\n");
}

static void
print_summary (const TendImportReport *report)
{
  guint skipped = tend_import_report_total_skipped (report);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Messages: %u new, %u already known\n",
                        "Messages: %u new, %u already known\n", report->messages_added),
           report->messages_added, report->messages_unchanged);
  g_print (_ ("Calendar: %u occurrences new or changed, %u unchanged, %u removed\n"),
           report->events_added, report->events_unchanged, report->events_removed);

  if (skipped > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "Skipped %u item:\n", "Skipped %u items:\n", skipped),
               skipped);
      for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
        if (report->skipped[i] > 0)
          g_print ("  %6u  %s\n", report->skipped[i], tend_skip_reason_to_string (i));
    }
  else
    g_print (_ ("Nothing was skipped.\n"));

  for (guint i = 0; i < report->inferred_me->len; i++)
    g_print (_ ("Taken to be your address, from the senders of your Sent folders: %s\n"
                "  (name your addresses with --me if that is wrong)\n"),
             (const char *) g_ptr_array_index (report->inferred_me, i));
}

int
tendctl_import (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendImporter) importer = NULL;
  g_autoptr (TendImportReport) report = NULL;
  g_auto (GStrv) me = NULL;
  g_auto (GStrv) known_me = NULL;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[]
      = { { "me", 0, 0, G_OPTION_ARG_STRING_ARRAY, &me,
            N_ ("An address of yours; repeat for each (otherwise inferred from Sent folders)"),
            N_ ("ADDRESS") },
          { NULL } };

  context = g_option_context_new (_ ("PATH… — import mail and calendar files"));
  g_option_context_set_summary (context,
                                _ ("Reads mbox files, Maildir folders, .eml messages and .ics "
                                   "calendars below each PATH. Message bodies are read only to "
                                   "count features such as thanks or questions, and never kept. "
                                   "Importing the same files again changes nothing."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return tendctl_usage_error (context, _ ("Name at least one file or folder to import"));

  if (!(store = tendctl_open_store (options, TEND_STORE_OPEN_READ_WRITE, NULL, &error)))
    return tendctl_report_error (error);

  for (guint i = 0; me != NULL && me[i] != NULL; i++)
    if (!tend_store_add_me (store, me[i], &error))
      return tendctl_report_error (error);

  report = tend_import_report_new ();
  importer = tend_importer_new (store);
  if (isatty (STDERR_FILENO))
    tend_importer_set_progress (importer, progress_cb, NULL);

  if (!tend_importer_run (importer, (const char *const *) argv + 1, report, NULL, &error))
    return tendctl_report_error (error);

  print_summary (report);

  if (!(known_me = tend_store_dup_me (store, &error)))
    return tendctl_report_error (error);
  if (known_me[0] == NULL)
    g_print (_ ("Tend does not know your address yet, so nothing counts as sent by you. "
                "Import again with --me ADDRESS.\n"));

  return TENDCTL_EXIT_OK;
}
