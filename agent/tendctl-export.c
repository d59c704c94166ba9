/* tendctl-export.c: tendctl export
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gunixoutputstream.h>

#include "tend-export.h"
#include "tendctl.h"

int
tendctl_export (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileOutputStream) out = NULL;
  g_autofree char   *format_name = NULL;
  TendExportFormat   format = TEND_EXPORT_JSON;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[] = { { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
                                     N_ ("json (default) or csv"), N_ ("FORMAT") },
                                   { NULL } };

  context = g_option_context_new (_ ("FILE — export everything Tend stores"));
  g_option_context_set_summary (context,
                                _ ("Writes every account, person, message and event Tend "
                                   "stores to FILE (“-” for standard output). Only metadata and "
                                   "counts: Tend never stored message text."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return tendctl_usage_error (context, _ ("Name one file to write"));
  if (format_name != NULL && !tend_export_format_from_string (format_name, &format, &error))
    return tendctl_usage_error (context, error->message);

  if (!(store = tendctl_open_store (options, TEND_STORE_OPEN_READ_ONLY, NULL, &error)))
    return tendctl_report_error (error);

  if (g_str_equal (argv[1], "-"))
    {
      g_autoptr (GOutputStream) stdout_stream = g_unix_output_stream_new (1, FALSE);

      if (!tend_export_write (store, format, stdout_stream, NULL, &error))
        return tendctl_report_error (error);
      return TENDCTL_EXIT_OK;
    }

  /* The export holds the same personal data as the database: private to its owner too. */
  file = g_file_new_for_commandline_arg (argv[1]);
  out = g_file_replace (file, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, &error);
  if (out == NULL || !tend_export_write (store, format, G_OUTPUT_STREAM (out), NULL, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error))
    return tendctl_report_error (error);

  g_print (_ ("Exported to %s\n"), argv[1]);
  return TENDCTL_EXIT_OK;
}
