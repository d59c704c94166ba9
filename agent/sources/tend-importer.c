/* tend-importer.c: imports files and folders of mail and calendars
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tend-calendar-importer.h"
#include "tend-importer.h"
#include "tend-mail-importer.h"

struct _TendImporter
{
  GObject parent_instance;

  /* Owned */
  TendStore *store;

  /* Borrowed */
  TendImportProgressFunc progress;
  gpointer               progress_data;
};

G_DEFINE_FINAL_TYPE (TendImporter, tend_importer, G_TYPE_OBJECT)

/* Local files all belong to one account, so the same message found in an mbox and in a Maildir
 * is stored once. */
#define FILE_PROVIDER "file"
#define FILE_ACCOUNT "local"

/* Mail stores keep bookkeeping files beside the messages; they are neither mail nor an error. */
static gboolean
is_mailbox_bookkeeping (const char *name)
{
  static const char *const prefixes[]
      = { "dovecot", "courierimap", ".", "maildirfolder", "subscriptions" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  return FALSE;
}

/* By its extension, in any case, or by its first line. */
static gboolean
looks_like_calendar (const char *path)
{
  static const char *const extensions[] = { ".ics", ".ical", ".ifb" };
  const char              *extension = strrchr (path, '.');
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  char        head[64] = { 0 };
  gsize       got = 0;
  const char *p;

  for (guint i = 0; extension != NULL && i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (extension, extensions[i]) == 0)
      return TRUE;

  file = g_file_new_for_path (path);
  if (!(stream = g_file_read (file, NULL, NULL))
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head - 1, &got, NULL,
                                   NULL))
    return FALSE;
  p = head;
  if (got >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  return g_ascii_strncasecmp (p, "BEGIN:VCALENDAR", strlen ("BEGIN:VCALENDAR")) == 0;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Collects the regular files below @path in a stable (sorted) order. Links below @path are not
 * followed, so that a link to a parent folder cannot make the walk endless; named pipes and
 * devices are not files to read (opening a pipe would wait for a writer). Maildir's tmp/ holds
 * deliveries still being written, so it is left alone. */
static void
collect_files (const char *path, GPtrArray *files, TendImportReport *report,
               GCancellable *cancellable)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *name;

  if (g_cancellable_is_cancelled (cancellable))
    return;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_strdup (path));
      else
        tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      return;
    }

  if (!(dir = g_dir_open (path, 0, NULL)))
    {
      tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char      *child_name = g_ptr_array_index (names, i);
      g_autofree char *child = g_build_filename (path, child_name, NULL);
      GStatBuf         info;

      if (g_lstat (child, &info) != 0)
        tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      else if (S_ISDIR (info.st_mode))
        {
          if (!g_str_equal (child_name, "tmp"))
            collect_files (child, files, report, cancellable);
        }
      else if (S_ISREG (info.st_mode) && !is_mailbox_bookkeeping (child_name))
        g_ptr_array_add (files, g_steal_pointer (&child));
    }
}

static void
tend_importer_finalize (GObject *object)
{
  TendImporter *self = (TendImporter *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (tend_importer_parent_class)->finalize (object);
}

static void
tend_importer_class_init (TendImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_importer_finalize;
}

static void
tend_importer_init (TendImporter *self)
{
}

TendImporter *
tend_importer_new (TendStore *store)
{
  TendImporter *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);

  self = g_object_new (TEND_TYPE_IMPORTER, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
tend_importer_set_progress (TendImporter *self, TendImportProgressFunc func, gpointer user_data)
{
  g_return_if_fail (TEND_IS_IMPORTER (self));

  self->progress = func;
  self->progress_data = user_data;
}

/* Imports every file below @paths. Mail goes first so that the addresses it teaches Tend to be
 * mine are known when the calendars are read (my answer to an invitation depends on them). */
gboolean
tend_importer_run (TendImporter *self, const char *const *paths, TendImportReport *report,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) calendars = g_ptr_array_new ();
  g_autoptr (GPtrArray) mail = g_ptr_array_new ();
  g_autoptr (TendMailImporter) mail_importer = NULL;
  g_autoptr (TendCalendarImporter) calendar_importer = NULL;
  guint  done = 0;
  gint64 account;

  g_return_val_if_fail (TEND_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  for (guint i = 0; paths[i] != NULL; i++)
    collect_files (paths[i], files, report, cancellable);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);

      if (looks_like_calendar (path))
        g_ptr_array_add (calendars, (gpointer) path);
      else if (tend_mail_importer_can_import (path))
        g_ptr_array_add (mail, (gpointer) path);
      else
        {
          g_debug ("Not mail nor calendar: file %u", i);
          tend_import_report_skip (report, TEND_SKIP_UNSUPPORTED);
          done++;
        }
    }

  if (!(account = tend_store_ensure_account (self->store, FILE_PROVIDER, FILE_ACCOUNT, error)))
    return FALSE;

  mail_importer = tend_mail_importer_new (self->store, account);
  for (guint i = 0; i < mail->len; i++)
    {
      if (!tend_mail_importer_import_file (mail_importer, g_ptr_array_index (mail, i), report,
                                           cancellable, error))
        return FALSE;
      if (self->progress != NULL)
        self->progress (++done, files->len, self->progress_data);
    }
  if (!tend_mail_importer_finish (mail_importer, report, error))
    return FALSE;

  calendar_importer = tend_calendar_importer_new (self->store, account);
  for (guint i = 0; i < calendars->len; i++)
    {
      g_autoptr (GError) local_error = NULL;

      /* A calendar that cannot be read is one skipped file, as an unreadable mailbox is; only
       * the database failing, or the user cancelling, stops the import. */
      if (!tend_calendar_importer_import_file (calendar_importer, g_ptr_array_index (calendars, i),
                                               report, cancellable, &local_error))
        {
          if (local_error->domain != G_IO_ERROR
              || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
        }
      if (self->progress != NULL)
        self->progress (++done, files->len, self->progress_data);
    }

  return TRUE;
}
