/* test-store.c: the local database
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tend-store-private.h"
#include "tend-test-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("tend-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  /* A folder that does not exist yet: the store must create it, private. */
  f->path = g_build_filename (f->dir, "tend", "tend.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  tend_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static TendMessage *
make_message (const char *id, const char *from, const char *to, gint64 sent_at)
{
  TendMessage *message = tend_message_new ();

  message->provider_id = g_strdup (id);
  message->sender = g_strdup (from);
  message->sent_at = sent_at;
  tend_message_add_recipient (message, to);
  return message;
}

static gint64
query_int (TendStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_open_creates_private_files (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  GStatBuf         st;

  store = tend_store_open (f->path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tend_store_get_schema_version (store), ==, TEND_STORE_SCHEMA_VERSION);

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_cmpint (query_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==,
                   1);
}

static void
test_message_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autoptr (TendMessage) message
      = make_message ("a@x", "Ann@Example.org ", "me@example.org", 1000);
  TendStoreCounts counts;
  gboolean        inserted;
  gint64          account;

  g_assert_no_error (error);
  account = tend_store_ensure_account (store, "file", "local", &error);
  g_assert_no_error (error);
  g_assert_cmpint (account, >, 0);
  g_assert_cmpint (tend_store_ensure_account (store, "file", "local", NULL), ==, account);

  g_assert_true (tend_store_begin (store, &error));
  g_assert_true (tend_store_add_message (store, account, message, &inserted, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
  g_assert_true (tend_store_add_message (store, account, message, &inserted, &error));
  g_assert_false (inserted);
  g_assert_true (tend_store_commit (store, &error));

  g_assert_true (tend_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.messages, ==, 1);
  /* Ann and me; the address was normalized, so no third person. */
  g_assert_cmpint (counts.people, ==, 2);
  g_assert_cmpint (
      query_int (store, "SELECT count(*) FROM identity WHERE address = 'ann@example.org'"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM message_recipient"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT direction FROM message"), ==, TEND_DIRECTION_RECEIVED);

  /* The same provider id in another account is another message. */
  account = tend_store_ensure_account (store, "file", "other", &error);
  g_assert_true (tend_store_add_message (store, account, message, &inserted, &error));
  g_assert_true (inserted);
}

/* A name learned after the address (first a recipient, later a sender) fills the person in, even
 * when the address is already cached, and a differently written address is the same person. */
static void
test_person_name_later (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autoptr (TendMessage) first = make_message ("1", "ann@example.org", "bob@example.org", 10);
  g_autoptr (TendMessage) second = make_message ("2", " BOB@Example.org", "ann@example.org", 20);
  gint64 account = tend_store_ensure_account (store, "file", "local", &error);

  second->sender_name = g_strdup ("Bob Brown");
  g_assert_true (tend_store_add_message (store, account, first, NULL, &error));
  g_assert_true (tend_store_add_message (store, account, second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM person"), ==, 2);
  g_assert_cmpint (
      query_int (store, "SELECT count(*) FROM person WHERE display_name = 'Bob Brown'"), ==, 1);
  g_assert_cmpint (tend_store_ensure_person (store, "bob@example.org", "Robert", &error), ==,
                   tend_store_ensure_person (store, "Bob@Example.Org", NULL, &error));
  /* The first name seen stays. */
  g_assert_cmpint (
      query_int (store, "SELECT count(*) FROM person WHERE display_name = 'Bob Brown'"), ==, 1);
}

/* Marking an address as mine merges my identities into one person and makes what I sent "sent",
 * also for messages stored before. */
static void
test_me_merges_and_redirects (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autoptr (TendMessage) m1 = make_message ("1", "me@work.example", "bob@example.org", 10);
  g_autoptr (TendMessage) m2 = make_message ("2", "me@home.example", "bob@example.org", 20);
  g_autoptr (TendMessage) m3 = make_message ("3", "bob@example.org", "me@home.example", 30);
  g_auto (GStrv) me = NULL;
  gint64 account = tend_store_ensure_account (store, "file", "local", &error);

  g_assert_true (tend_store_add_message (store, account, m1, NULL, &error));
  g_assert_true (tend_store_add_message (store, account, m2, NULL, &error));
  g_assert_true (tend_store_add_message (store, account, m3, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT sum (direction) FROM message"), ==, 0);

  g_assert_true (tend_store_add_me (store, "ME@work.example", &error));
  g_assert_true (tend_store_add_me (store, "me@home.example", &error));
  g_assert_no_error (error);

  me = tend_store_dup_me (store, &error);
  g_assert_cmpuint (g_strv_length (me), ==, 2);
  g_assert_cmpstr (me[0], ==, "me@home.example");
  g_assert_cmpstr (me[1], ==, "me@work.example");
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM person WHERE is_me"), ==, 1);
  g_assert_cmpint (
      query_int (store, "SELECT count(DISTINCT sender_id) FROM message WHERE direction = 1"), ==,
      1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM message WHERE direction = 1"), ==, 2);
  /* Bob's message is addressed to the merged me. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM message_recipient"
                                     " JOIN person ON person.id = person_id WHERE is_me"),
                   ==, 1);

  /* New messages from any of my addresses are sent. */
  {
    g_autoptr (TendMessage) m4 = make_message ("4", "me@home.example", "carol@example.org", 40);

    g_assert_true (tend_store_add_message (store, account, m4, NULL, &error));
    g_assert_cmpint (query_int (store, "SELECT direction FROM message WHERE sent_at = 40"), ==, 1);
  }
}

static TendEvent *
make_event (const char *uid, gint64 rid, gint64 start)
{
  TendEvent *event = tend_event_new ();

  event->uid = g_strdup (uid);
  event->recurrence_id = rid;
  event->start = start;
  event->end = start + 1800;
  event->attendee_count = 3;
  event->my_response = TEND_RESPONSE_ACCEPTED;
  event->recurring = rid != 0;
  return event;
}

static void
test_event_upsert_and_prune (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  gint64       account = tend_store_ensure_account (store, "file", "local", &error);
  const gint64 keep[] = { 300, 100 };
  gboolean     changed;
  guint        removed;

  for (gint64 rid = 100; rid <= 300; rid += 100)
    {
      g_autoptr (TendEvent) event = make_event ("series", rid, rid);

      g_assert_true (tend_store_add_event (store, account, event, &changed, &error));
      g_assert_true (changed);
    }

  {
    g_autoptr (TendEvent) same = make_event ("series", 100, 100);
    g_autoptr (TendEvent) moved = make_event ("series", 200, 250);

    g_assert_true (tend_store_add_event (store, account, same, &changed, &error));
    g_assert_false (changed);
    g_assert_true (tend_store_add_event (store, account, moved, &changed, &error));
    g_assert_true (changed);
    g_assert_cmpint (query_int (store, "SELECT start_at FROM event WHERE recurrence_id = 200"), ==,
                     250);
  }

  /* An EXDATE took the instance of 200 away. */
  /* Outside the range nothing goes, even what is not kept. */
  g_assert_true (
      tend_store_prune_series (store, account, "series", 0, 150, keep + 1, 1, &removed, &error));
  g_assert_cmpuint (removed, ==, 0);
  g_assert_true (tend_store_prune_series (store, account, "series", 0, G_MAXINT64, keep,
                                          G_N_ELEMENTS (keep), &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM event"), ==, 2);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM event WHERE recurrence_id = 200"), ==,
                   0);
}

static void
test_cursor (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  gint64           account = tend_store_ensure_account (store, "graph", "me@example.org", &error);
  g_autofree char *none = NULL;
  g_autofree char *cursor = NULL;

  none = tend_store_get_cursor (store, account, "inbox", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_true (tend_store_set_cursor (store, account, "inbox", "delta-1", &error));
  g_assert_true (tend_store_set_cursor (store, account, "inbox", "delta-2", &error));
  cursor = tend_store_get_cursor (store, account, "inbox", &error);
  g_assert_cmpstr (cursor, ==, "delta-2");
}

/* A rolled-back batch leaves nothing behind, not even the people it created. */
static void
test_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autoptr (TendMessage) message = make_message ("r", "dan@example.org", "eve@example.org", 5);
  gint64          account = tend_store_ensure_account (store, "file", "local", &error);
  TendStoreCounts counts;

  g_assert_true (tend_store_begin (store, &error));
  g_assert_true (tend_store_add_message (store, account, message, NULL, &error));
  tend_store_rollback (store);
  g_assert_true (tend_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.messages, ==, 0);
  g_assert_cmpint (counts.people, ==, 0);

  /* The person cache was dropped with the transaction: adding again works. */
  g_assert_true (tend_store_add_message (store, account, message, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tend_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.messages, ==, 1);
}

/* A database made by the first schema, with data in it, is upgraded in place and keeps it. */
static void
test_migrate_from_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3         *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_true (_tend_store_migrate (db, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO account VALUES (1, 'file', 'local', 0);"
                                 "INSERT INTO person VALUES (1, 'Ann', 0);"
                                 "INSERT INTO identity VALUES ('ann@example.org', 1);"
                                 "INSERT INTO message (account_id, provider_key, kind, sent_at,"
                                 " direction, sender_id) VALUES (1, 42, 0, 1000, 0, 1);",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  store = tend_store_open (f->path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tend_store_get_schema_version (store), ==, 3);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM message WHERE provider_key = 42"), ==,
                   1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                     " ('goal', 'nudge_state', 'consent_log', 'upload_log',"
                                     " 'contribution')"),
                   ==, 5);
  /* Consent names the organization and the week shown, besides the collector. */
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM pragma_table_info ('consent_log')"
                                     " WHERE name IN ('organization', 'week')"),
                   ==, 2);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
}

static void
test_read_only_needs_upgrade (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3         *db = NULL;

  store = tend_store_open (f->path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND);
  g_assert_null (store);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_true (_tend_store_migrate (db, 1, NULL));
  sqlite3_close (db);

  store = tend_store_open (f->path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NEEDS_UPGRADE);
}

static void
test_too_new (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3         *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = tend_store_open (f->path, 0, &error);
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *garbage = g_strnfill (8192, 'x');

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, garbage, -1, NULL));

  store = tend_store_open (f->path, 0, &error);
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_CORRUPT);
  g_assert_null (store);
}

/* Root writes through file modes, so for root the file is made immutable instead. */
static gboolean
make_unwritable (const char *path, gboolean unwritable)
{
  const char *argv[] = { "chattr", unwritable ? "+i" : "-i", path, NULL };
  int         status = -1;

  if (geteuid () != 0)
    return g_chmod (path, unwritable ? 0400 : 0600) == 0;
  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                           | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

static void
test_read_only_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;

  store = tend_store_open (f->path, 0, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  if (!make_unwritable (f->path, TRUE))
    {
      g_test_skip ("cannot make a file unwritable here");
      return;
    }

  store = tend_store_open (f->path, 0, &error);
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY);
  g_assert_null (store);
  g_clear_error (&error);

  g_assert_true (make_unwritable (f->path, FALSE));
}

/* A second writer does not corrupt anything: it is told the database is busy. */
static void
test_busy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) first = tend_store_open (f->path, 0, &error);
  g_autoptr (TendStore) second = NULL;

  g_assert_no_error (error);
  g_assert_true (tend_store_begin (first, &error));
  second = tend_store_open (f->path, 0, &error);
  g_assert_no_error (error);
  g_assert_false (tend_store_begin (second, &error));
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_BUSY);
  g_assert_true (tend_store_commit (first, NULL));
}

typedef struct
{
  const char *path;
  gint        begun; /* transactions begun */
  gint        stop;
} Writer;

/* Like an import: one batch after another, beginning again as soon as it has committed. */
static gpointer
busy_writer (gpointer data)
{
  Writer *writer = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (writer->path, 0, &error);
  gint64 account;

  g_assert_no_error (error);
  account = tend_store_ensure_account (store, "imap", "me@example.org", &error);
  g_assert_no_error (error);
  for (guint batch = 0; !g_atomic_int_get (&writer->stop); batch++)
    {
      g_assert_true (tend_store_begin (store, &error));
      g_atomic_int_inc (&writer->begun);
      for (guint i = 0; i < 500; i++)
        {
          g_autofree char *id = g_strdup_printf ("%u-%u", batch, i);
          g_autoptr (TendMessage) message
              = make_message (id, "ann@example.org", "me@example.org", 1700000000 + batch);

          g_assert_true (tend_store_add_message (store, account, message, NULL, &error));
        }
      g_assert_true (tend_store_commit (store, &error));
    }
  return NULL;
}

/* Waits, at most ten seconds, for @writer to have begun @count transactions. */
static void
wait_for_batches (Writer *writer, gint count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (g_atomic_int_get (&writer->begun) < count)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* A short edit opened with PRIORITY gets the database between two batches of a writer that
 * never pauses: at most the batch under way when it asked goes first. The writer carries on once
 * the edit is done. */
static void
test_priority_turn (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) created = tend_store_open (f->path, 0, &error);
  g_autoptr (TendStore) edit = NULL;
  Writer   writer = { f->path, 0, 0 };
  GThread *thread;
  gint     before, after;

  g_assert_no_error (error);
  g_clear_object (&created);
  thread = g_thread_new ("writer", busy_writer, &writer);
  wait_for_batches (&writer, 3);

  before = g_atomic_int_get (&writer.begun);
  edit = tend_store_open (f->path, TEND_STORE_OPEN_PRIORITY, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_add_me (edit, "me@example.org", &error));
  g_assert_no_error (error);
  after = g_atomic_int_get (&writer.begun);
  g_test_message ("the writer began %d batches while the edit waited", after - before);
  g_assert_cmpint (after - before, <=, 1);
  g_clear_object (&edit);

  wait_for_batches (&writer, after + 3);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
}

/* A writer waits for an edit's turn no longer than its busy timeout, then hears it is busy. */
static void
test_priority_turn_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) writer = tend_store_open (f->path, 0, &error);
  g_autoptr (TendStore) edit = NULL;
  gint64 start;

  g_assert_no_error (error);
  edit = tend_store_open (f->path, TEND_STORE_OPEN_PRIORITY, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  g_assert_false (tend_store_begin (writer, &error));
  g_assert_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_BUSY);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  g_clear_error (&error);

  /* Once the edit is done, the writer's turn comes at once. */
  g_clear_object (&edit);
  g_assert_true (tend_store_begin (writer, &error));
  g_assert_no_error (error);
  g_assert_true (tend_store_commit (writer, &error));
}

/* Whether anything is stored, as the window asks after opt-in, agrees with the counts. */
static void
test_has_rows (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  gboolean has_rows = TRUE;

  g_assert_no_error (error);
  g_assert_true (tend_store_has_rows (store, &has_rows, &error));
  g_assert_no_error (error);
  g_assert_false (has_rows);

  g_assert_cmpint (tend_store_ensure_account (store, "imap", "me@example.org", &error), >, 0);
  g_assert_true (tend_store_has_rows (store, &has_rows, &error));
  g_assert_true (has_rows);
}

/* Steps of a query long enough for SQLite to ask whether to stop many times. */
static int
step_long_query (TendStore *store)
{
  sqlite3_stmt *stmt = NULL;
  int           rc;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (store),
                                       "WITH RECURSIVE c (x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                                       "FROM c WHERE x < 100000) SELECT count (*) FROM c",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc;
}

/* A cancelled report's queries stop instead of running to the end. */
static void
test_stop_on_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_assert_no_error (error);
  tend_store_stop_on_cancel (store, cancellable);
  g_assert_cmpint (step_long_query (store), ==, SQLITE_ROW);

  g_cancellable_cancel (cancellable);
  g_assert_cmpint (step_long_query (store), ==, SQLITE_INTERRUPT);

  tend_store_stop_on_cancel (store, NULL);
  g_assert_cmpint (step_long_query (store), ==, SQLITE_ROW);
}

static void
test_normalize_address (void)
{
  struct
  {
    const char *in, *out;
  } cases[] = {
    { " Ann@Example.ORG ", "ann@example.org" },
    /* ASCII folds the same whatever the locale: no dotless ı for "I". */
    { "IVAN@EXAMPLE.ORG", "ivan@example.org" },
    { "\xc3\x84nn@B\xc3\xbc"
      "cher.example",
      "\xc3\xa4nn@b\xc3\xbc"
      "cher.example" },
    /* The decomposed A + combining diaeresis is the same person as the composed Ä. */
    { "A\xcc\x88nn@example.org", "\xc3\xa4nn@example.org" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = tend_normalize_address (cases[i].in);

      g_assert_cmpstr (normalized, ==, cases[i].out);
    }
  g_assert_null (tend_normalize_address ("   "));
  g_assert_null (tend_normalize_address ("\xff@example.org"));
  g_assert_null (tend_normalize_address (NULL));
}

static void
test_hash_id (void)
{
  /* Stable across runs and builds: the key is part of the on-disk format. */
  g_assert_cmpint (_tend_store_hash_id ("abc"), ==,
                   (gint64) G_GUINT64_CONSTANT (0xba7816bf8f01cfea));
  g_assert_cmpint (_tend_store_hash_id ("a"), !=, _tend_store_hash_id ("b"));
}

static void
test_delete_files (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (f->path, 0, &error);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *turn = g_strconcat (f->path, "-turn", NULL);

  g_assert_true (g_file_test (turn, G_FILE_TEST_EXISTS));
  g_clear_object (&store);
  g_assert_true (tend_store_delete_files (f->path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (turn, G_FILE_TEST_EXISTS));
  /* Deleting what is not there is not an error. */
  g_assert_true (tend_store_delete_files (f->path, &error));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/open/private-files", test_open_creates_private_files);
  ADD ("/store/message/idempotent", test_message_idempotent);
  ADD ("/store/person/name-later", test_person_name_later);
  ADD ("/store/me/merge", test_me_merges_and_redirects);
  ADD ("/store/event/upsert-prune", test_event_upsert_and_prune);
  ADD ("/store/cursor", test_cursor);
  ADD ("/store/rollback", test_rollback);
  ADD ("/store/migrate/from-v1", test_migrate_from_v1);
  ADD ("/store/open/read-only-needs-upgrade", test_read_only_needs_upgrade);
  ADD ("/store/open/too-new", test_too_new);
  ADD ("/store/open/corrupt", test_corrupt);
  ADD ("/store/open/read-only-file", test_read_only_file);
  ADD ("/store/busy", test_busy);
  ADD ("/store/stop-on-cancel", test_stop_on_cancel);
  ADD ("/store/has-rows", test_has_rows);
  ADD ("/store/priority-turn", test_priority_turn);
  ADD ("/store/priority-turn-timeout", test_priority_turn_timeout);
  ADD ("/store/delete-files", test_delete_files);
#undef ADD
  g_test_add_func ("/store/hash-id", test_hash_id);
  g_test_add_func ("/store/normalize-address", test_normalize_address);

  return g_test_run ();
}
