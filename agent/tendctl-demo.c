/* tendctl-demo.c: tendctl demo
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "tend-settings.h"
#include "tend-demo.h"
#include "tend-insights.h"
#include "tend-week.h"
#include "tendctl.h"

#define DEFAULT_SEED 1
#define DEFAULT_WEEKS 52
/* Ten years: more than anyone needs to try Tend, few enough to generate in seconds. */
#define MAX_WEEKS 520

/* A database named with --database is replaced only if it holds demo data or nothing: the
 * path might be someone's own database, typed by mistake. */
static gboolean
check_replaceable (const char *path, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean is_demo = FALSE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &local_error);
  if (store != NULL && !tend_demo_is_demo_store (store, &is_demo, &local_error))
    g_clear_object (&store);
  if (store == NULL || !is_demo)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _ ("%s is not a demo database; the demo does not replace it (%s)"), path,
                   local_error != NULL ? local_error->message
                                       : _ ("it holds imported or synchronized data"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_demo (const char *path, guint32 seed, guint weeks, GDateTime *now, GTimeZone *tz,
             TendStoreCounts *counts, GError **error)
{
  g_autoptr (TendStore) store = NULL;

  if (!tend_store_delete_files (path, error))
    return FALSE;
  store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, error);
  if (store == NULL)
    return FALSE;
  if (!tend_demo_generate (store, seed, weeks, now, tz, error)
      || !tend_store_get_counts (store, counts, error))
    {
      /* Leave no half-made demo behind. */
      g_clear_object (&store);
      tend_store_delete_files (path, NULL);
      return FALSE;
    }
  return TRUE;
}

int
tendctl_demo (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char   *path = NULL;
  g_autofree char   *first_text = NULL;
  g_autofree char   *last_text = NULL;
  TendctlOptions     demo_options = *options;
  TendStoreCounts    counts = { 0 };
  TendWeek           first, last;
  int                seed = DEFAULT_SEED, weeks = DEFAULT_WEEKS;
  int                status = TENDCTL_EXIT_OK;
  const GOptionEntry entries[]
      = { { "seed", 0, 0, G_OPTION_ARG_INT, &seed,
            N_ ("Invent a different history: the same N always gives the same one (default 1)"),
            N_ ("N") },
          { "weeks", 0, 0, G_OPTION_ARG_INT, &weeks,
            N_ ("Weeks of history, up to this one (default 52)"), N_ ("N") },
          { NULL } };

  context = g_option_context_new (_ ("— create a demo database with a synthetic history"));
  g_option_context_set_summary (context,
                                _ ("Invents a year of someone’s mail, chat and calendar, so you "
                                   "can see what Tend shows before importing anything of yours. "
                                   "Without --database it goes to its own demo database, never "
                                   "to yours."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return tendctl_usage_error (context, _ ("tendctl demo takes no arguments"));
  if (seed < 0)
    return tendctl_usage_error (context, _ ("--seed takes a number from 0 up"));
  if (weeks < 1 || weeks > MAX_WEEKS)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("--weeks takes a number from 1 to %d"), MAX_WEEKS);

      return tendctl_usage_error (context, message);
    }

  /* --database wins; otherwise the demo's own file, never the real database. */
  demo_options.demo = TRUE;
  path = tendctl_get_store_path (&demo_options);
  if (options->database != NULL && !check_replaceable (path, &error))
    return tendctl_report_error (error);

  tz = tend_settings_get_time_zone ();
  now = g_date_time_new_now (tz);
  if (!create_demo (path, (guint32) seed, (guint) weeks, now, tz, &counts, &error))
    return tendctl_report_error (error);

  tend_week_from_date_time (now, &last);
  tend_week_add (&last, 1 - weeks, &first);
  first_text = tend_week_to_string (&first);
  last_text = tend_week_to_string (&last);

  g_print (_ ("Created the demo database %s\n"), path);
  g_print (_ ("  weeks %s to %s, seed %d\n"), first_text, last_text, seed);
  g_print (ngettext ("  %d message\n", "  %d messages\n", (gulong) counts.messages),
           (int) counts.messages);
  g_print (ngettext ("  %d calendar event\n", "  %d calendar events\n", (gulong) counts.events),
           (int) counts.events);
  g_print (ngettext ("  %d person\n", "  %d people\n", (gulong) counts.people),
           (int) counts.people);
  if (options->database != NULL)
    g_print (_ ("See it with “tendctl --database %s week”.\n"), options->database);
  else
    g_print (_ ("See it with “tendctl --demo week”.\n"));
  return TENDCTL_EXIT_OK;
}
