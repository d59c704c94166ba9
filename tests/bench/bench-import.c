/* bench-import.c: a whole import of a large mbox, against GMime parsing it alone
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <sys/mman.h>

#include "bench-common.h"
#include "tend-mail-importer.h"

#define N_MESSAGES 100000
#define N_PEOPLE 400
#define ME "me@bench.tend.invalid"

static const char *const phrases[] = {
  "Thanks for the quick turnaround on this.",
  "Could you have a look at the attached figures before Thursday?",
  "Sorry for the delay, the week got away from me.",
  "I think we might want to move the review to next week.",
  "The build is green again after the last change.",
  "Can we talk about the roadmap in our next one-on-one?",
  "Here are my notes from the customer call.",
  "This is not working as expected and blocks the release.",
  "Great work everyone, the launch went smoothly.",
  "Perhaps we should ask the platform team first?",
  "Meeting notes and action items are below.",
  "Let me know if anything is unclear.",
};

static const char *const subjects[] = {
  "Quarterly plan", "Release checklist", "Budget review",      "Customer feedback",
  "Hiring update",  "Design review",     "Incident follow-up", "Team offsite",
};

static char *
address (guint i)
{
  return i == 0 ? g_strdup (ME) : g_strdup_printf ("colleague%u@bench.tend.invalid", i);
}

/* An mbox of plausible messages: a third from me, replies with In-Reply-To and References,
 * some with copies, short bodies. The same every time. */
static void
write_mbox (const char *path)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GTimeZone) tz = g_time_zone_new_offset (3600);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GDateTime) start = g_date_time_new (tz, 2023, 1, 2, 9, 0, 0);
  g_autofree char *partial = g_strconcat (path, ".part", NULL);
  FILE            *file = fopen (partial, "w");
  gint64           offset = 0;

  if (file == NULL)
    bench_fail ("Cannot write %s: %s", partial, g_strerror (errno));

  for (guint i = 0; i < N_MESSAGES; i++)
    {
      guint from = g_rand_double (rand) < 0.33 ? 0 : g_rand_int_range (rand, 1, N_PEOPLE);
      guint to = from == 0 ? (guint) g_rand_int_range (rand, 1, N_PEOPLE) : 0;
      g_autofree char *from_address = address (from);
      g_autofree char *to_address = address (to);
      g_autoptr (GDateTime) date = NULL;
      g_autofree char *envelope_date = NULL;
      g_autofree char *header_date = NULL;
      guint            lines = g_rand_int_range (rand, 1, 6);
      gboolean         reply = i > 0 && g_rand_double (rand) < 0.4;

      offset += g_rand_int_range (rand, 30, 1200);
      date = g_date_time_add_seconds (start, offset);
      envelope_date = g_date_time_format (date, "%a %b %e %H:%M:%S %Y");
      header_date = g_date_time_format (date, "%a, %d %b %Y %H:%M:%S %z");

      g_string_append_printf (text, "From %s %s\n", from_address, envelope_date);
      g_string_append_printf (text, "From: Colleague %u <%s>\n", from, from_address);
      g_string_append_printf (text, "To: <%s>\n", to_address);
      if (g_rand_double (rand) < 0.3)
        {
          g_autofree char *cc = address (g_rand_int_range (rand, 1, N_PEOPLE));

          g_string_append_printf (text, "Cc: %s\n", cc);
        }
      g_string_append_printf (text, "Subject: %s%s %u\n", reply ? "Re: " : "",
                              subjects[g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects))], i / 8);
      g_string_append_printf (text, "Date: %s\n", header_date);
      g_string_append_printf (text, "Message-ID: <%u.bench@bench.tend.invalid>\n", i);
      if (reply)
        g_string_append_printf (text,
                                "In-Reply-To: <%u.bench@bench.tend.invalid>\n"
                                "References: <%u.bench@bench.tend.invalid>\n",
                                i - 1, i - 1);
      g_string_append (text, "MIME-Version: 1.0\n"
                             "Content-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: 8bit\n\n");
      for (guint l = 0; l < lines; l++)
        g_string_append_printf (text, "%s\n",
                                phrases[g_rand_int_range (rand, 0, G_N_ELEMENTS (phrases))]);
      g_string_append (text, "\n");

      if (text->len > 1 << 20 || i + 1 == N_MESSAGES)
        {
          if (fwrite (text->str, 1, text->len, file) != text->len)
            bench_fail ("Cannot write %s: %s", partial, g_strerror (errno));
          g_string_truncate (text, 0);
        }
    }
  if (fclose (file) != 0 || g_rename (partial, path) != 0)
    bench_fail ("Cannot write %s: %s", path, g_strerror (errno));
}

/* Seconds for GMime to parse every message of the mbox, as the importer maps it. */
static double
parse_with_gmime (const char *path, guint *n_messages)
{
  GMimeParser *parser;
  GMimeStream *stream;
  double       start = bench_seconds ();
  int          fd = open (path, O_RDONLY);

  /* GMime 3.2 has no autoptr cleanups. */
  if (fd < 0 || !(stream = g_mime_stream_mmap_new (fd, PROT_READ, MAP_PRIVATE)))
    bench_fail ("Cannot read %s", path);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

  *n_messages = 0;
  while (!g_mime_parser_eos (parser))
    {
      GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

      if (message == NULL)
        break;
      (*n_messages)++;
      g_object_unref (message);
    }
  g_object_unref (parser);
  g_object_unref (stream);
  return bench_seconds () - start;
}

static guint
count_messages (const char *db)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (db, TEND_STORE_OPEN_READ_ONLY, &error);
  TendStoreCounts counts;

  if (store == NULL || !tend_store_get_counts (store, &counts, &error))
    bench_fail ("%s", error->message);
  return (guint) counts.messages;
}

/* Seconds for `tendctl --database DB import MBOX`, start to exit, into a new database. */
static double
import_with_tendctl (const char *tendctl, const char *db, const char *mbox, guint *n_messages)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { tendctl, "--database", db, "import", "--me", ME, mbox, NULL };
  double      start;
  int         status;

  if (!tend_store_delete_files (db, &error))
    bench_fail ("%s", error->message);
  start = bench_seconds ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    bench_fail ("tendctl import: %s", error->message);
  start = bench_seconds () - start;
  *n_messages = count_messages (db);
  return start;
}

/* Seconds for what `tendctl import` does with an mbox, in this process: open a new store, run
 * the mail importer on the file, finish, close the store. */
static double
import_in_process (const char *db, const char *mbox, guint *n_messages)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendMailImporter) importer = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  gint64 account;
  double start;

  if (!tend_store_delete_files (db, &error))
    bench_fail ("%s", error->message);
  start = bench_seconds ();
  if (!(store = tend_store_open (db, TEND_STORE_OPEN_READ_WRITE, &error))
      || !tend_store_add_me (store, ME, &error)
      || !(account = tend_store_ensure_account (store, "file", "local", &error)))
    bench_fail ("%s", error->message);
  importer = tend_mail_importer_new (store, account);
  if (!tend_mail_importer_import_file (importer, mbox, report, NULL, &error)
      || !tend_mail_importer_finish (importer, report, &error))
    bench_fail ("import: %s", error->message);
  g_clear_object (&importer);
  g_clear_object (&store);
  start = bench_seconds () - start;
  *n_messages = report->messages_added;
  return start;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("[DIR]");
  g_autoptr (GArray) gmime_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) import_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  g_autofree char   *tendctl = NULL;
  g_autofree char   *dir = NULL;
  g_autofree char   *mbox = NULL;
  g_autofree char   *db = NULL;
  g_autofree char   *name = NULL;
  guint              runs = bench_get_runs (3);
  const GOptionEntry entries[]
      = { { "tendctl", 0, 0, G_OPTION_ARG_FILENAME, &tendctl,
            "Time this tendctl binary rather than the importer in this process", "PATH" },
          { NULL } };

  g_set_prgname ("bench-import");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    bench_fail ("%s", error->message);

  dir = bench_get_dir (argc, argv);
  mbox = g_build_filename (dir, "bench-" G_STRINGIFY (N_MESSAGES) ".mbox", NULL);
  db = g_build_filename (dir, "import.db", NULL);
  g_mime_init ();

  /* Quicker to write anew than to tell whether an old one is still the same. */
  {
    double start = bench_seconds ();

    write_mbox (mbox);
    g_printerr ("bench-import: wrote %s in %.1f s\n", mbox, bench_seconds () - start);
  }

  for (guint run = 0; run < runs; run++)
    {
      guint  parsed = 0, imported = 0;
      double gmime = parse_with_gmime (mbox, &parsed);
      double import = tendctl != NULL ? import_with_tendctl (tendctl, db, mbox, &imported)
                                      : import_in_process (db, mbox, &imported);
      double gmime_rate = parsed / gmime, import_rate = imported / import;

      if (imported != N_MESSAGES || parsed != N_MESSAGES)
        bench_fail ("GMime parsed %u and the import stored %u of %u messages", parsed, imported,
                    N_MESSAGES);
      g_printerr ("bench-import: run %u: GMime %.2f s (%.0f msg/s), import %.2f s (%.0f msg/s)\n",
                  run + 1, gmime, gmime_rate, import, import_rate);
      g_array_append_val (gmime_rates, gmime_rate);
      g_array_append_val (import_rates, import_rate);
    }

  name = g_strdup_printf ("import: %u-message mbox, msg/s %s, best of %u", N_MESSAGES,
                          tendctl != NULL ? "(tendctl import)" : "(importer in-process)", runs);
  bench_result (name, bench_max (import_rates), "msg/s", "GMime mbox parse alone, same file",
                bench_max (gmime_rates), "ratio>=0.5");
  tend_store_delete_files (db, NULL);
  g_unlink (mbox);
  return 0;
}
