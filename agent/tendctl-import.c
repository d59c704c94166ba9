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

/* @summary: as tend_import_report_to_variant() and the agent's Import return it. */
static void
print_summary (GVariant *summary)
{
  guint32      added = 0, unchanged = 0, events_added = 0, events_unchanged = 0, removed = 0;
  guint32      count, skipped = 0;
  GVariantIter iter;
  const char  *key;
  g_autoptr (GVariant) reasons = NULL;
  g_autofree const char **me = NULL;

  g_variant_lookup (summary, "messages_added", "u", &added);
  g_variant_lookup (summary, "messages_unchanged", "u", &unchanged);
  g_variant_lookup (summary, "events_added", "u", &events_added);
  g_variant_lookup (summary, "events_unchanged", "u", &events_unchanged);
  g_variant_lookup (summary, "events_removed", "u", &removed);
  reasons = g_variant_lookup_value (summary, "skipped", G_VARIANT_TYPE ("a{su}"));

  /* Translators: the plural form follows the first number, of new messages; the second counts
   * messages as well. */
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u new message, %u already known\n",
                        "%u new messages, %u already known\n", added),
           added, unchanged);
  g_print (_ ("Calendar: %u occurrences new or changed, %u unchanged, %u removed\n"), events_added,
           events_unchanged, removed);

  if (reasons != NULL)
    {
      g_variant_iter_init (&iter, reasons);
      while (g_variant_iter_next (&iter, "{&su}", &key, &count))
        skipped += count;
    }
  if (skipped > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "Skipped %u item:\n", "Skipped %u items:\n", skipped),
               skipped);
      g_variant_iter_init (&iter, reasons);
      while (g_variant_iter_next (&iter, "{&su}", &key, &count))
        {
          TendSkipReason reason = tend_skip_reason_from_key (key);

          g_print ("  %6u  %s\n", count,
                   reason < TEND_SKIP_N_REASONS ? tend_skip_reason_to_string (reason) : key);
        }
    }
  else
    g_print (_ ("Nothing was skipped.\n"));

  g_variant_lookup (summary, "inferred_me", "^a&s", &me);
  for (guint i = 0; me != NULL && me[i] != NULL; i++)
    g_print (_ ("Taken to be your address, from the senders of your Sent folders: %s\n"
                "  (name your addresses with --me if that is wrong)\n"),
             me[i]);
}

/* The usual way: the agent imports, as the database's one writer, and only after opt-in. */
static int
import_through_agent (char **paths, char **me)
{
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GVariant) summary = NULL;
  g_autoptr (GPtrArray) absolute = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GVariantDict options;

  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_get_opted_in (agent))
    {
      g_printerr (_ ("Tend reads nothing until you opt in. Run “tendctl opt-in” first, or import "
                     "into a database file of your own with --database.\n"));
      return TENDCTL_EXIT_FAILURE;
    }

  /* The agent runs elsewhere: it needs paths that do not depend on this folder. */
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = g_canonicalize_filename (paths[i], NULL);

      /* D-Bus strings must be UTF-8: GDBus refuses to send any other. */
      if (!g_utf8_validate (path, -1, NULL))
        {
          g_autofree char *shown = g_filename_display_name (path);

          g_printerr (_ ("Tend cannot pass “%s” to its agent: the name is not valid UTF-8. Rename "
                         "it, or import into a database file of your own with --database.\n"),
                      shown);
          return TENDCTL_EXIT_USAGE;
        }
      g_ptr_array_add (absolute, g_steal_pointer (&path));
    }
  g_ptr_array_add (absolute, NULL);
  g_variant_dict_init (&options, NULL);
  if (me != NULL)
    g_variant_dict_insert (&options, "me", "^as", me);

  if (isatty (STDERR_FILENO))
    g_printerr (_ ("Importing…\n"));
  /* A big mailbox takes minutes: no D-Bus timeout. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (agent), G_MAXINT);
  if (!tend_dbus_agent1_call_import_sync (agent, (const char *const *) absolute->pdata,
                                          g_variant_dict_end (&options), &summary, NULL, &error))
    return tendctl_report_agent_error (error);
  print_summary (summary);
  return TENDCTL_EXIT_OK;
}

int
tendctl_import (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendImporter) importer = NULL;
  g_autoptr (TendImportReport) report = NULL;
  g_autoptr (GVariant) summary = NULL;
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

  if (options->database == NULL && !options->demo)
    return import_through_agent (argv + 1, me);

  /* A database named with --database or --demo is the user's own file to fill. */
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

  summary = g_variant_ref_sink (tend_import_report_to_variant (report));
  print_summary (summary);

  if (!(known_me = tend_store_dup_me (store, &error)))
    return tendctl_report_error (error);
  if (known_me[0] == NULL)
    g_print (_ ("Tend does not know your address yet, so nothing counts as sent by you. "
                "Import again with --me ADDRESS.\n"));

  return TENDCTL_EXIT_OK;
}
