/* test-mail.c: mail files (mbox, Maildir, .eml) into the store
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "tend-mail-importer.h"
#include "tend-store-private.h"
#include "tend-test-util.h"

typedef struct
{
  char      *dir;
  char      *path;
  TendStore *store;
  gint64     account;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("tend-mail-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (f->path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  f->account = tend_store_ensure_account (f->store, "file", "local", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->account, >, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  tend_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
data_path (const char *name)
{
  return g_build_filename (TEND_TEST_DATA, "mail", name, NULL);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The files of a folder, sorted, with their full paths; dot files are left out. */
static GPtrArray *
list_files (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray  *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (*name != '.')
      g_ptr_array_add (files, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (files, compare_paths);
  return files;
}

/* Imports the files of @paths with a fresh importer and finishes. */
static TendImportReport *
import_all (Fixture *f, GPtrArray *paths)
{
  g_autoptr (TendMailImporter) importer = tend_mail_importer_new (f->store, f->account);
  g_autoptr (GError) error = NULL;
  TendImportReport *report = tend_import_report_new ();

  for (guint i = 0; i < paths->len; i++)
    {
      g_assert_true (tend_mail_importer_import_file (importer, g_ptr_array_index (paths, i), report,
                                                     NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tend_mail_importer_finish (importer, report, &error));
  g_assert_no_error (error);
  return report;
}

static TendImportReport *
import_one (Fixture *f, const char *path)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();

  g_ptr_array_add (paths, (gpointer) path);
  return import_all (f, paths);
}

static void
add_folder (GPtrArray *paths, const char *folder)
{
  g_autoptr (GPtrArray) files = list_files (folder);

  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (paths, g_strdup (g_ptr_array_index (files, i)));
}

static gint64
query_int (TendStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_type (stmt, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (TendStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char         *value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* A column of the message whose provider id is @id. */
static gint64
message_int (Fixture *f, const char *id, const char *column)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT %s FROM message WHERE provider_key = %" G_GINT64_FORMAT, column,
                         _tend_store_hash_id (id));

  return query_int (f->store, sql);
}

static gint64
count_messages (Fixture *f)
{
  return query_int (f->store, "SELECT count(*) FROM message");
}

static char *
copy_to_dir (Fixture *f, const char *source, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  char            *target = g_build_filename (f->dir, name, NULL);
  gsize            len;

  g_assert_true (g_file_get_contents (source, &contents, &len, &error));
  g_assert_true (g_file_set_contents (target, contents, len, &error));
  g_assert_no_error (error);
  return target;
}

static void
set_mtime (const char *path, gint64 mtime)
{
  struct utimbuf times = { mtime, mtime };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static char *
expected_cursor (const char *path, gsize offset)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return g_strdup_printf ("%" G_GSIZE_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, offset,
                          (gint64) info.st_size, (gint64) info.st_mtime);
}

/* The importer keys an mbox's cursor by a digest of its absolute path, not by the path. */
static char *
mbox_collection (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);

  return g_strconcat ("mbox-sha256:", digest, NULL);
}

static char *
mbox_cursor (Fixture *f, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *collection = mbox_collection (path);
  char            *cursor = tend_store_get_cursor (f->store, f->account, collection, &error);

  g_assert_no_error (error);
  return cursor;
}

static void
test_can_import (Fixture *f, gconstpointer data)
{
  g_autofree char *eml = data_path ("single.eml");
  g_autofree char *mbox = data_path ("inbox.mbox");
  g_autofree char *maildir = data_path ("Maildir/new/1715591700.M2P200.tend-test");
  g_autofree char *ics = g_build_filename (f->dir, "meeting.ics", NULL);
  g_autofree char *json = g_build_filename (f->dir, "page.json", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);

  g_assert_true (
      g_file_set_contents (ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y\r\n", -1, NULL));
  g_assert_true (g_file_set_contents (json, "{\"value\": []}\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  g_assert_true (tend_mail_importer_can_import (eml));
  g_assert_true (tend_mail_importer_can_import (mbox));
  g_assert_true (tend_mail_importer_can_import (maildir));
  /* "Name:value" lines, but no header that mail has. */
  g_assert_false (tend_mail_importer_can_import (ics));
  g_assert_false (tend_mail_importer_can_import (json));
  g_assert_false (tend_mail_importer_can_import (empty));
  g_assert_false (tend_mail_importer_can_import (missing));
  g_assert_false (tend_mail_importer_can_import (f->dir));
}

static void
test_eml (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_path ("single.eml");
  g_autoptr (TendImportReport) report = import_one (f, path);
  g_autofree char *sender = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  const char      *id = "eml-1@example.org";

  g_assert_cmpuint (report->files, ==, 1);
  g_assert_cmpuint (report->messages_added, ==, 1);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);

  /* Tue, 14 May 2024 09:30:00 +0200 = 2024-05-14T07:30:00Z. */
  g_assert_cmpint (message_int (f, id, "sent_at"), ==, 1715671800);
  g_assert_cmpint (message_int (f, id, "kind"), ==, TEND_MESSAGE_KIND_MAIL);
  g_assert_cmpint (message_int (f, id, "direction"), ==, TEND_DIRECTION_RECEIVED);
  /* A thread root: its own conversation, no parent. */
  g_assert_cmpint (message_int (f, id, "conversation_key"), ==, _tend_store_hash_id (id));
  g_assert_cmpint (message_int (f, id, "reply_to_key"), ==, -1);

  /* The first text/plain part, ISO-8859-1 in quoted-printable, up to the "-- " signature:
   * Hi Ben (2) / Thanks for the draft great job (6) / I think the naïve budget is a bit high (9)
   * / Could you check it (4) = 21 words. Had "na=EF" not been converted, U+FFFD would split
   * "naïve" in two (22). Gratitude: thanks, great job; hedges: i think, a bit; 1 question. The
   * HTML copy ("Sorry, sorry, sorry") is not read. */
  g_assert_cmpint (message_int (f, id, "words"), ==, 21);
  g_assert_cmpint (message_int (f, id, "gratitude"), ==, 2);
  g_assert_cmpint (message_int (f, id, "hedges"), ==, 2);
  g_assert_cmpint (message_int (f, id, "apologies"), ==, 0);
  g_assert_cmpint (message_int (f, id, "negative"), ==, 0);
  g_assert_cmpint (message_int (f, id, "questions"), ==, 1);

  /* From: =?UTF-8?Q?Ana_Lima?= <Ana.Lima@Example.org>: decoded name, lower-case address. */
  sql = g_strdup_printf ("SELECT address FROM identity JOIN message ON identity.person_id ="
                         " message.sender_id WHERE provider_key = %" G_GINT64_FORMAT,
                         _tend_store_hash_id (id));
  sender = query_text (f->store, sql);
  g_assert_cmpstr (sender, ==, "ana.lima@example.org");
  name = query_text (f->store, "SELECT display_name FROM person JOIN identity ON person.id ="
                               " identity.person_id WHERE address = 'ana.lima@example.org'");
  g_assert_cmpstr (name, ==, "Ana Lima");

  /* To: ben, wei.chen; Cc: ben again, team: 3 distinct recipients. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM message_recipient JOIN message ON message.id ="
                         " message_id WHERE provider_key = %" G_GINT64_FORMAT,
                         _tend_store_hash_id (id));
  g_assert_cmpint (query_int (f->store, sql), ==, 3);
}

static void
test_html (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_path ("html.eml");
  g_autoptr (TendImportReport) report = import_one (f, path);
  const char *id = "html-1@example.org";

  g_assert_cmpuint (report->messages_added, ==, 1);
  /* Only HTML: tags, <head>, comments and the <blockquote>d reply are dropped, entities decoded:
   * "Sorry for the delay & thank-you! / Maybe Friday? / On Tue, Ana wrote:" → Sorry for the
   * delay thank you Maybe Friday = 8 words, up to the "wrote:" line. */
  g_assert_cmpint (message_int (f, id, "words"), ==, 8);
  g_assert_cmpint (message_int (f, id, "apologies"), ==, 1);
  g_assert_cmpint (message_int (f, id, "gratitude"), ==, 1);
  g_assert_cmpint (message_int (f, id, "hedges"), ==, 1);
  g_assert_cmpint (message_int (f, id, "questions"), ==, 1);
}

static void
test_mbox (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_path ("inbox.mbox");
  g_autoptr (TendImportReport) report = import_one (f, path);
  g_autofree char *cursor = mbox_cursor (f, path);
  g_autofree char *expected = NULL;
  GStatBuf         info;

  /* Four messages; the ">From the list" body line is an escaped line, not a fifth message. */
  g_assert_cmpuint (report->files, ==, 1);
  g_assert_cmpuint (report->messages_added, ==, 4);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);
  g_assert_cmpint (count_messages (f), ==, 4);

  /* "Ana, which week suits you for the offsite?" (8) + "From the list below, pick two." (6),
   * the escape undone so that the line does not read as a quote. */
  g_assert_cmpint (message_int (f, "root@example.com", "words"), ==, 14);
  g_assert_cmpint (message_int (f, "root@example.com", "questions"), ==, 1);
  /* Mon, 13 May 2024 12:00:00 -0400 = 16:00Z. */
  g_assert_cmpint (message_int (f, "reply-2@example.com", "sent_at"), ==, 1715616000);

  /* The whole file is read: offset = size. */
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  expected = expected_cursor (path, info.st_size);
  g_assert_cmpstr (cursor, ==, expected);
}

static void
test_maildir (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (TendImportReport) report = NULL;
  g_autofree char *cur = data_path ("Maildir/cur");
  g_autofree char *new_folder = data_path ("Maildir/new");

  /* Each file of cur/ and new/ is one message; tmp/ holds deliveries still being written. */
  add_folder (paths, cur);
  add_folder (paths, new_folder);
  g_assert_cmpuint (paths->len, ==, 2);
  report = import_all (f, paths);

  g_assert_cmpuint (report->files, ==, 2);
  g_assert_cmpuint (report->messages_added, ==, 2);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 0);
  /* "Lunch at noon?" */
  g_assert_cmpint (message_int (f, "maildir-2@example.com", "words"), ==, 3);
  g_assert_cmpint (message_int (f, "maildir-2@example.com", "questions"), ==, 1);
  /* Mon, 13 May 2024 10:15:00 +0100 = 09:15Z. */
  g_assert_cmpint (message_int (f, "maildir-2@example.com", "sent_at"), ==, 1715591700);
  /* No cursor for single-message files. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM sync_cursor"), ==, 0);
}

static void
test_threading (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_path ("inbox.mbox");
  g_autoptr (TendImportReport) report = import_one (f, path);
  gint64 root = _tend_store_hash_id ("root@example.com");

  g_assert_cmpuint (report->messages_added, ==, 4);

  /* The root starts the conversation; each reply names the root first in References. */
  g_assert_cmpint (message_int (f, "root@example.com", "conversation_key"), ==, root);
  g_assert_cmpint (message_int (f, "root@example.com", "reply_to_key"), ==, -1);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "conversation_key"), ==, root);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "reply_to_key"), ==, root);
  g_assert_cmpint (message_int (f, "reply-2@example.com", "conversation_key"), ==, root);
  g_assert_cmpint (message_int (f, "reply-2@example.com", "reply_to_key"), ==,
                   _tend_store_hash_id ("reply-1@example.org"));
  /* Only In-Reply-To: the parent stands for the conversation. */
  g_assert_cmpint (message_int (f, "orphan@example.net", "conversation_key"), ==,
                   _tend_store_hash_id ("lost@example.net"));
  g_assert_cmpint (message_int (f, "orphan@example.net", "reply_to_key"), ==,
                   _tend_store_hash_id ("lost@example.net"));

  /* The reply's own words only: "Sorry, maybe the second week works better." = 7 words, 1
   * apology, 1 hedge; the quoted "Thanks!" and question below "On … wrote:" do not count. */
  g_assert_cmpint (message_int (f, "reply-1@example.org", "words"), ==, 7);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "apologies"), ==, 1);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "hedges"), ==, 1);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "gratitude"), ==, 0);
  g_assert_cmpint (message_int (f, "reply-1@example.org", "questions"), ==, 0);
}

static void
test_no_message_id_idempotent (Fixture *f, gconstpointer data)
{
  g_autofree char *path = data_path ("no-message-id.eml");
  g_autofree char *contents = NULL;
  g_autofree char *mbox_text = NULL;
  g_autofree char *mbox = g_build_filename (f->dir, "copy.mbox", NULL);
  g_autofree char *digest = NULL;
  g_autofree char *id = NULL;
  g_autoptr (TendImportReport) first = NULL;
  g_autoptr (TendImportReport) second = NULL;
  g_autoptr (TendImportReport) third = NULL;
  const char *blank;
  gsize       len;

  first = import_one (f, path);
  g_assert_cmpuint (first->messages_added, ==, 1);

  /* The synthetic id is the SHA-256 of the raw header block, up to its last line break. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  blank = strstr (contents, "\n\n");
  g_assert_nonnull (blank);
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents,
                                        blank - contents + 1);
  id = g_strconcat ("tend-sha256:", digest, NULL);
  g_assert_cmpint (message_int (f, id, "sent_at"), ==, 1715587200);

  /* The same file again: the same id, nothing new. */
  second = import_one (f, path);
  g_assert_cmpuint (second->messages_added, ==, 0);
  g_assert_cmpuint (second->messages_unchanged, ==, 1);

  /* The same message inside an mbox: the "From " line is not part of the header block. */
  mbox_text = g_strconcat ("From eli@example.net Mon May 13 08:00:00 2024\n", contents, NULL);
  g_assert_true (g_file_set_contents (mbox, mbox_text, -1, NULL));
  third = import_one (f, mbox);
  g_assert_cmpuint (third->messages_added, ==, 0);
  g_assert_cmpuint (third->messages_unchanged, ==, 1);
  g_assert_cmpint (count_messages (f), ==, 1);
}

static void
test_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *source = data_path ("inbox.mbox");
  g_autofree char *mbox = copy_to_dir (f, source, "inbox.mbox");
  g_autofree char *cur = data_path ("Maildir/cur");
  g_autofree char *new_folder = data_path ("Maildir/new");
  g_autoptr (TendImportReport) first = NULL;
  g_autoptr (TendImportReport) second = NULL;
  g_autoptr (TendImportReport) third = NULL;
  GStatBuf info;

  g_ptr_array_add (paths, data_path ("single.eml"));
  g_ptr_array_add (paths, g_strdup (mbox));
  add_folder (paths, cur);
  add_folder (paths, new_folder);

  /* 1 + 4 + 2. */
  first = import_all (f, paths);
  g_assert_cmpuint (first->messages_added, ==, 7);
  g_assert_cmpint (count_messages (f), ==, 7);

  /* Again: nothing added. The unchanged mbox is not even read (its cursor says so); the other
   * three files are, and their messages are known. */
  second = import_all (f, paths);
  g_assert_cmpuint (second->messages_added, ==, 0);
  g_assert_cmpuint (second->messages_unchanged, ==, 3);
  g_assert_cmpuint (tend_import_report_total_skipped (second), ==, 0);

  /* Rewritten in place (same size, new time): read again from the start, still nothing new. */
  g_assert_cmpint (g_stat (mbox, &info), ==, 0);
  set_mtime (mbox, info.st_mtime + 60);
  third = import_all (f, paths);
  g_assert_cmpuint (third->messages_added, ==, 0);
  g_assert_cmpuint (third->messages_unchanged, ==, 3 + 4);
  g_assert_cmpint (count_messages (f), ==, 7);
}

static const char appended[] = "From dana@example.org Thu May 16 09:00:00 2024\n"
                               "Message-ID: <appended-1@example.org>\n"
                               "Date: Thu, 16 May 2024 09:00:00 +0000\n"
                               "From: Dana Ruiz <dana@example.org>\n"
                               "To: ana.lima@example.org\n"
                               "\n"
                               "First new one.\n"
                               "\n"
                               "From dana@example.org Thu May 16 10:00:00 2024\n"
                               "Message-ID: <appended-2@example.org>\n"
                               "Date: Thu, 16 May 2024 10:00:00 +0000\n"
                               "From: Dana Ruiz <dana@example.org>\n"
                               "To: ana.lima@example.org\n"
                               "\n"
                               "Second new one.\n";

static void
test_mbox_resume (Fixture *f, gconstpointer data)
{
  g_autofree char *source = data_path ("inbox.mbox");
  g_autofree char *mbox = copy_to_dir (f, source, "inbox.mbox");
  g_autofree char *contents = NULL;
  g_autofree char *grown = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (TendImportReport) first = NULL;
  g_autoptr (TendImportReport) second = NULL;
  g_autoptr (TendImportReport) third = NULL;
  const char *second_message;
  gsize       len;
  GStatBuf    info;

  first = import_one (f, mbox);
  g_assert_cmpuint (first->messages_added, ==, 4);
  g_assert_true (g_file_get_contents (mbox, &contents, &len, NULL));
  cursor = mbox_cursor (f, mbox);
  expected = expected_cursor (mbox, len);
  g_assert_cmpstr (cursor, ==, expected);

  /* A mail client appends two messages. Only they are read: none is found unchanged. */
  grown = g_strconcat (contents, appended, NULL);
  g_assert_true (g_file_set_contents (mbox, grown, -1, NULL));
  g_assert_cmpint (g_stat (mbox, &info), ==, 0);
  set_mtime (mbox, info.st_mtime + 60);
  second = import_one (f, mbox);
  g_assert_cmpuint (second->messages_added, ==, 2);
  g_assert_cmpuint (second->messages_unchanged, ==, 0);
  g_clear_pointer (&cursor, g_free);
  g_clear_pointer (&expected, g_free);
  cursor = mbox_cursor (f, mbox);
  expected = expected_cursor (mbox, strlen (grown));
  g_assert_cmpstr (cursor, ==, expected);

  /* Compacted to its first message: it shrank, so it is read from the start. */
  second_message = strstr (contents, "\nFrom ana.lima");
  g_assert_nonnull (second_message);
  g_assert_true (g_file_set_contents (mbox, contents, second_message - contents + 1, NULL));
  third = import_one (f, mbox);
  g_assert_cmpuint (third->messages_added, ==, 0);
  g_assert_cmpuint (third->messages_unchanged, ==, 1);
  g_assert_cmpint (count_messages (f), ==, 6);
}

/* An interrupted import of a large mbox keeps what it committed, with the cursor of exactly
 * those messages, and resumes after them. */
static void
test_mbox_batches (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *mbox = g_build_filename (f->dir, "big.mbox", NULL);
  g_autoptr (TendMailImporter) importer = tend_mail_importer_new (f->store, f->account);
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) resumed = NULL;
  g_autoptr (TendStore) reader = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *expected = NULL;
  TendStoreCounts  counts;
  gsize            offset_2001 = 0;

  for (guint i = 1; i <= 2500; i++)
    {
      if (i == 2001)
        offset_2001 = text->len;
      g_string_append_printf (text,
                              "From ben@example.com Mon May 13 08:00:00 2024\n"
                              "Message-ID: <bulk-%u@example.com>\n"
                              "Date: Mon, 13 May 2024 08:00:00 +0000\n"
                              "From: ben@example.com\n"
                              "To: ana.lima@example.org\n"
                              "\n"
                              "Message %u.\n\n",
                              i, i);
    }
  g_assert_true (g_file_set_contents (mbox, text->str, text->len, NULL));

  g_assert_true (tend_mail_importer_import_file (importer, mbox, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->messages_added, ==, 2500);

  /* Another connection sees the two committed batches of 1000 and their cursor. */
  reader = tend_store_open (f->path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_get_counts (reader, &counts, &error));
  g_assert_cmpint (counts.messages, ==, 2000);
  collection = mbox_collection (mbox);
  cursor = tend_store_get_cursor (reader, f->account, collection, &error);
  expected = expected_cursor (mbox, offset_2001);
  g_assert_cmpstr (cursor, ==, expected);

  /* Dropped without finish(): the last 500 are discarded, never half of a batch. */
  g_clear_object (&importer);
  g_assert_cmpint (count_messages (f), ==, 2000);

  /* The next import starts at message 2001. */
  resumed = import_one (f, mbox);
  g_assert_cmpuint (resumed->messages_added, ==, 500);
  g_assert_cmpuint (resumed->messages_unchanged, ==, 0);
  g_assert_cmpint (count_messages (f), ==, 2500);
}

static void
append_message (GString *mbox, const char *headers, const char *body)
{
  g_string_append (mbox, "From someone@example.com Mon May 13 08:00:00 2024\n");
  g_string_append (mbox, headers);
  g_string_append (mbox, "\n");
  g_string_append (mbox, body);
  g_string_append (mbox, "\n\n");
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  static const char binary[] = "\x00\x01\x02\x03 no header at all\n\n";
  g_autoptr (GString) text = g_string_new ("Some bytes before the first message\n\x01\x02\n");
  g_autoptr (GString) big = g_string_new (NULL);
  g_autofree char *mbox = g_build_filename (f->dir, "bad.mbox", NULL);
  g_autofree char *oversized = g_build_filename (f->dir, "oversized.eml", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.eml", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.eml", NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (TendImportReport) report = NULL;

  append_message (text,
                  "Message-ID: <good-1@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n"
                  "From: ben@example.com\nTo: ana.lima@example.org\n",
                  "First good one.");
  /* Latin-1 in a raw header. */
  append_message (text,
                  "Message-ID: <latin1@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n"
                  "From: J\xe9r\xf4me <jerome@example.com>\n",
                  "Bonjour.");
  append_message (text, "Message-ID: <no-date@example.com>\nFrom: ben@example.com\n", "No date.");
  append_message (text,
                  "Message-ID: <bad-date@example.com>\nDate: sometime soon\n"
                  "From: ben@example.com\n",
                  "A date nobody can read.");
  /* The Enron corpus has both of these. */
  append_message (text,
                  "Message-ID: <1979@example.com>\nDate: Mon, 31 Dec 1979 16:00:00 -0800\n"
                  "From: ben@example.com\n",
                  "Too old.");
  append_message (text,
                  "Message-ID: <0001@example.com>\nDate: Wed, 21 Dec 0001 22:31:43 -0800\n"
                  "From: ben@example.com\n",
                  "Year one.");
  append_message (text,
                  "Message-ID: <future@example.com>\nDate: Fri, 1 Jan 2100 00:00:00 +0000\n"
                  "From: ben@example.com\n",
                  "Sent from the future.");
  append_message (text,
                  "Message-ID: <no-from@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n",
                  "Nobody sent this.");
  /* A "From " line over binary noise: nothing GMime can make a message of. */
  g_string_append (text, "From nowhere Mon May 13 08:00:00 2024\n");
  g_string_append_len (text, binary, sizeof binary - 1);
  /* A 10 MB header line. */
  g_string_append (text, "From someone@example.com Mon May 13 08:00:00 2024\n"
                         "Message-ID: <huge@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n"
                         "From: ben@example.com\nX-Padding: ");
  for (guint i = 0; i < 10 * 1024 * 1024 / 64; i++)
    g_string_append (text, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_string_append (text, "\n\nBody of the huge one.\n\n");
  /* Odd but readable: a charset nobody knows, and a multipart without its boundary. */
  append_message (text,
                  "Message-ID: <charset@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n"
                  "From: ben@example.com\nContent-Type: text/plain; charset=x-unheard-of\n"
                  "Content-Transfer-Encoding: 8bit\n",
                  "Caf\xe9 \xff\xfe ok?");
  append_message (text,
                  "Message-ID: <multipart@example.com>\nDate: Mon, 13 May 2024 08:00:00 +0000\n"
                  "From: ben@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n",
                  "--nowhere\nContent-Type: text/plain\n\nLost part.\n--nowhere--");
  append_message (text,
                  "Message-ID: <good-2@example.com>\nDate: Mon, 13 May 2024 09:00:00 +0000\n"
                  "From: ana.lima@example.org\nTo: ben@example.com\n",
                  "Second good one, after all that.");
  g_assert_true (g_file_set_contents (mbox, text->str, text->len, NULL));

  /* A single message whose headers pass 1 MiB, binary junk, a file that is not there and a
   * folder. */
  g_string_append (big, "From: ben@example.com\nDate: Mon, 13 May 2024 08:00:00 +0000\nX-Big: ");
  for (guint i = 0; i < 2 * 1024 * 1024 / 16; i++)
    g_string_append (big, "0123456789abcdef");
  g_string_append (big, "\n\nbody\n");
  g_assert_true (g_file_set_contents (oversized, big->str, big->len, NULL));
  g_assert_true (g_file_set_contents (junk,
                                      "\x7f"
                                      "ELF\x02\x01\x01\x00\x00\x00",
                                      10, NULL));

  g_ptr_array_add (paths, mbox);
  g_ptr_array_add (paths, oversized);
  g_ptr_array_add (paths, junk);
  g_ptr_array_add (paths, missing);
  g_ptr_array_add (paths, f->dir);
  report = import_all (f, paths);

  g_assert_cmpuint (report->files, ==, 5);
  g_assert_cmpuint (report->messages_added, ==, 4);
  g_assert_cmpint (message_int (f, "good-1@example.com", "words"), ==, 3);
  g_assert_cmpint (message_int (f, "good-2@example.com", "words"), ==, 6);
  /* The unknown charset is left as it is and its bad bytes replaced: "Caf" and "ok", 1 question. */
  g_assert_cmpint (message_int (f, "charset@example.com", "words"), ==, 2);
  g_assert_cmpint (message_int (f, "charset@example.com", "questions"), ==, 1);
  g_assert_cmpint (count_messages (f), ==, 4);

  /* Leading bytes, the binary chunk and junk.eml. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_GARBAGE], ==, 3);
  g_assert_cmpuint (report->skipped[TEND_SKIP_INVALID_UTF8], ==, 1);
  /* No Date, and one that cannot be read. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_MISSING_DATE], ==, 2);
  /* 1979, year 1 and 2100. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_ABSURD_DATE], ==, 3);
  g_assert_cmpuint (report->skipped[TEND_SKIP_MISSING_SENDER], ==, 1);
  /* The 10 MB header line and oversized.eml. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_OVERSIZED], ==, 2);
  /* missing.eml and the folder. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_UNREADABLE], ==, 2);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 3 + 1 + 2 + 3 + 1 + 2 + 2);
}

static void
test_infer_me (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sent = data_path ("Maildir/.Sent/cur");
  g_autofree char *cur = data_path ("Maildir/cur");
  g_autofree char *new_folder = data_path ("Maildir/new");
  g_autoptr (TendImportReport) report = NULL;
  g_autoptr (TendImportReport) again = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) me = NULL;

  add_folder (paths, sent);
  add_folder (paths, cur);
  add_folder (paths, new_folder);
  report = import_all (f, paths);
  g_assert_cmpuint (report->messages_added, ==, 6);

  /* In .Sent: three messages from Ana, one from Pat on her behalf. 3/4 ≥ 50%, 1/4 is not. */
  g_assert_cmpuint (report->inferred_me->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->inferred_me, 0), ==, "ana.lima@example.org");
  me = tend_store_dup_me (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (me), ==, 1);
  g_assert_cmpstr (me[0], ==, "ana.lima@example.org");

  /* Directions follow: Ana's three are sent, Pat's and the two in the inbox received. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM message WHERE direction = 1"), ==, 3);
  g_assert_cmpint (message_int (f, "sent-2@example.org", "direction"), ==, TEND_DIRECTION_SENT);
  g_assert_cmpint (message_int (f, "sent-4@example.org", "direction"), ==, TEND_DIRECTION_RECEIVED);
  g_assert_cmpint (message_int (f, "maildir-1@example.org", "direction"), ==,
                   TEND_DIRECTION_RECEIVED);

  /* Once the store knows me, nothing more is inferred. */
  again = import_all (f, paths);
  g_assert_cmpuint (again->inferred_me->len, ==, 0);
}

static void
test_me_explicit (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sent = data_path ("Maildir/.Sent/cur");
  g_autofree char *cur = data_path ("Maildir/cur");
  g_autoptr (TendImportReport) report = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (tend_store_add_me (f->store, "Ana.Lima@Example.org", &error));
  g_assert_no_error (error);

  g_ptr_array_add (paths, data_path ("single.eml"));
  add_folder (paths, sent);
  add_folder (paths, cur);
  report = import_all (f, paths);
  g_assert_cmpuint (report->messages_added, ==, 6);
  g_assert_cmpuint (report->inferred_me->len, ==, 0);

  /* From Ana: single.eml and three in .Sent; from others: Pat's and Dana's. */
  g_assert_cmpint (message_int (f, "eml-1@example.org", "direction"), ==, TEND_DIRECTION_SENT);
  g_assert_cmpint (message_int (f, "sent-1@example.org", "direction"), ==, TEND_DIRECTION_SENT);
  g_assert_cmpint (message_int (f, "sent-4@example.org", "direction"), ==, TEND_DIRECTION_RECEIVED);
  g_assert_cmpint (message_int (f, "maildir-1@example.org", "direction"), ==,
                   TEND_DIRECTION_RECEIVED);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM message WHERE direction = 1"), ==, 4);
}

/* A body in base64 and windows-1252 is decoded and then converted, in that order. */
static void
test_base64_charset (Fixture *f, gconstpointer data)
{
  static const char text[] = "Great job on the na\xefve plan. Sorry for the delay.\n";
  g_autofree char  *encoded = g_base64_encode ((const guchar *) text, sizeof text - 1);
  g_autofree char  *message = NULL;
  g_autofree char  *path = g_build_filename (f->dir, "base64.eml", NULL);
  g_autoptr (TendImportReport) report = NULL;
  const char *id = "base64-1@example.org";

  message = g_strconcat ("Message-ID: <base64-1@example.org>\n"
                         "Date: Mon, 13 May 2024 08:00:00 +0000\n"
                         "From: ben@example.com\n"
                         "MIME-Version: 1.0\n"
                         "Content-Type: text/plain; charset=windows-1252\n"
                         "Content-Transfer-Encoding: base64\n"
                         "\n",
                         encoded, "\n", NULL);
  g_assert_true (g_file_set_contents (path, message, -1, NULL));
  report = import_one (f, path);
  g_assert_cmpuint (report->messages_added, ==, 1);

  /* Great job on the naïve plan (6) / Sorry for the delay (4) = 10 words; read as Latin-1 bytes
   * in UTF-8, "na\xef" would break "naïve" in two (11). */
  g_assert_cmpint (message_int (f, id, "words"), ==, 10);
  g_assert_cmpint (message_int (f, id, "gratitude"), ==, 1);
  g_assert_cmpint (message_int (f, id, "apologies"), ==, 1);
}

/* Cancelling rolls back what is pending; the transaction does not stay open. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (TendMailImporter) importer = tend_mail_importer_new (f->store, f->account);
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *eml = data_path ("single.eml");
  g_autofree char *mbox = data_path ("inbox.mbox");

  g_assert_true (tend_mail_importer_import_file (importer, eml, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_messages (f), ==, 1);

  g_cancellable_cancel (cancellable);
  g_assert_false (tend_mail_importer_import_file (importer, mbox, report, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (count_messages (f), ==, 0);
  g_assert_cmpuint (report->files, ==, 2);

  /* The store takes a new transaction, and the importer goes on. */
  g_assert_true (tend_store_begin (f->store, &error));
  g_assert_no_error (error);
  tend_store_rollback (f->store);
  g_assert_true (tend_mail_importer_import_file (importer, mbox, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tend_mail_importer_finish (importer, report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_messages (f), ==, 4);
}

/* A named pipe is neither sniffed nor read: opening it would wait for a writer for ever. */
static void
test_named_pipe (Fixture *f, gconstpointer data)
{
  g_autofree char *pipe = g_build_filename (f->dir, "pipe.eml", NULL);
  g_autoptr (TendImportReport) report = NULL;

  g_assert_cmpint (mkfifo (pipe, 0600), ==, 0);
  g_assert_false (tend_mail_importer_can_import (pipe));
  report = import_one (f, pipe);
  g_assert_cmpuint (report->files, ==, 1);
  g_assert_cmpuint (report->skipped[TEND_SKIP_UNREADABLE], ==, 1);
  g_assert_cmpuint (tend_import_report_total_skipped (report), ==, 1);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize            len, needle_len = strlen (needle);

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (contents + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Invariant 3: bodies are analysed in memory and never stored. */
static void
test_no_body_stored (Fixture *f, gconstpointer data)
{
  static const char *const sentences[] = {
    "budget is a bit high",                 /* single.eml, quoted-printable */
    "which week suits you for the offsite", /* inbox.mbox */
    "Following up on the thread",           /* inbox.mbox, last message */
    "Maybe Friday",                         /* html.eml */
    "Quarterly review",                     /* a subject is not stored either */
    "inbox.mbox",                           /* nor the name of an mbox, in its cursor */
  };
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (TendImportReport) report = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *eml = data_path ("single.eml");

  g_ptr_array_add (paths, g_strdup (eml));
  g_ptr_array_add (paths, data_path ("inbox.mbox"));
  g_ptr_array_add (paths, data_path ("html.eml"));
  report = import_all (f, paths);
  g_assert_cmpuint (report->messages_added, ==, 6);

  g_assert_true (file_contains (eml, sentences[0]));
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
    {
      g_assert_false (file_contains (f->path, sentences[i]));
      g_assert_false (file_contains (wal, sentences[i]));
    }
}

static void
collect_tree (const char *path, GPtrArray *files)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      collect_tree (child, files);
    }
}

/* The Enron sample: a real, messy corpus of one message per file. */
static void
test_shared_data (Fixture *f, gconstpointer data)
{
  const char      *shared = g_getenv ("TEND_SHARED_DATA");
  g_autofree char *root = NULL;
  g_autofree char *allen = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) allen_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (TendMailImporter) importer = NULL;
  g_autoptr (TendImportReport) report = tend_import_report_new ();
  g_autoptr (TendImportReport) allen_report = NULL;
  g_autoptr (GError) error = NULL;
  const char *const trees[] = { "maildir", "maildir-inbox-only" };
  Fixture           allen_fixture = { 0 };

  if (shared == NULL)
    {
      g_test_skip ("TEND_SHARED_DATA is not set");
      return;
    }
  root = g_build_filename (shared, "enron-maildir", NULL);
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No Enron sample in TEND_SHARED_DATA");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      g_autofree char *tree = g_build_filename (root, trees[i], NULL);

      if (g_file_test (tree, G_FILE_TEST_IS_DIR))
        collect_tree (tree, files);
    }
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >, 0);

  importer = tend_mail_importer_new (f->store, f->account);
  for (guint i = 0; i < files->len; i++)
    {
      guint before = report->messages_added + report->messages_unchanged
                     + tend_import_report_total_skipped (report);
      guint after;

      g_assert_true (tend_mail_importer_import_file (importer, g_ptr_array_index (files, i), report,
                                                     NULL, &error));
      g_assert_no_error (error);
      /* Each file holds one message: it is added, found unchanged, or skipped with a reason. */
      after = report->messages_added + report->messages_unchanged
              + tend_import_report_total_skipped (report);
      if (after != before + 1)
        g_test_message ("file %u accounted %u times", i, after - before);
      g_assert_cmpuint (after, ==, before + 1);
    }
  g_assert_true (tend_mail_importer_finish (importer, report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->files, ==, files->len);
  g_assert_cmpint (count_messages (f), ==, report->messages_added);
  g_test_message ("%u files: %u added, %u unchanged, %u skipped", files->len,
                  report->messages_added, report->messages_unchanged,
                  tend_import_report_total_skipped (report));
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    if (report->skipped[i] > 0)
      g_test_message ("  %s: %u", tend_skip_reason_get_key (i), report->skipped[i]);
  /* The sample has two messages dated 1979-12-31 and two dated in year 1. */
  g_assert_cmpuint (report->skipped[TEND_SKIP_ABSURD_DATE], >=, 4);

  /* Phillip Allen's mailbox alone: his Sent folders make him me. Of their 85 messages, 59 are
   * from phillip.allen@enron.com; 25 from "k..allen@enron.com" (an address GMime rejects, read
   * leniently) and 1 from a colleague fall short of half. */
  allen = g_build_filename (root, "maildir", "allen-p", NULL);
  if (!g_file_test (allen, G_FILE_TEST_IS_DIR))
    return;
  collect_tree (allen, allen_files);
  g_ptr_array_sort (allen_files, compare_paths);
  fixture_set_up (&allen_fixture, NULL);
  allen_report = import_all (&allen_fixture, allen_files);
  g_assert_cmpuint (allen_report->inferred_me->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (allen_report->inferred_me, 0), ==, "phillip.allen@enron.com");
  g_assert_cmpint (query_int (allen_fixture.store, "SELECT count(*) FROM message JOIN identity"
                                                   " ON identity.person_id = sender_id"
                                                   " WHERE address = 'k..allen@enron.com'"),
                   >, 0);
  fixture_tear_down (&allen_fixture, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/mail/can-import", test_can_import);
  ADD ("/mail/eml", test_eml);
  ADD ("/mail/html", test_html);
  ADD ("/mail/mbox", test_mbox);
  ADD ("/mail/maildir", test_maildir);
  ADD ("/mail/threading", test_threading);
  ADD ("/mail/no-message-id-idempotent", test_no_message_id_idempotent);
  ADD ("/mail/idempotent", test_idempotent);
  ADD ("/mail/mbox-resume", test_mbox_resume);
  ADD ("/mail/mbox-batches", test_mbox_batches);
  ADD ("/mail/bad-input", test_bad_input);
  ADD ("/mail/infer-me", test_infer_me);
  ADD ("/mail/me-explicit", test_me_explicit);
  ADD ("/mail/base64-charset", test_base64_charset);
  ADD ("/mail/cancel", test_cancel);
  ADD ("/mail/named-pipe", test_named_pipe);
  ADD ("/mail/no-body-stored", test_no_body_stored);
  ADD ("/mail/shared-data", test_shared_data);
#undef ADD

  return g_test_run ();
}
