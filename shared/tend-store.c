/* tend-store.c: the local SQLite database
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tend-store-private.h"

struct _TendStore
{
  GObject parent_instance;

  /* Owned */
  sqlite3    *db;
  char       *path;
  GHashTable *statements;     /* const char *sql (static) → sqlite3_stmt */
  GHashTable *people;         /* address as seen and normalized → CachedPerson (borrowed) */
  GPtrArray  *person_entries; /* owns the CachedPerson structs */
  GHashTable *me_people;      /* person ids that are me */
  GChecksum  *hasher;         /* reused for every key: a new one per id is a third of an insert */
  gboolean    read_only;
  gboolean    in_transaction;
  /* SQLite's busy handler is not fair: a writer that commits and begins again at once keeps
   * the lock, so an edit waiting on a long import never got it. Writers therefore take turns
   * through a flock on "<database>-turn": a priority store (a short edit) holds it exclusively
   * while it is open, every other writer passes through it (shared) before each transaction. */
  int      turn_fd;
  gboolean priority;
  int      busy_timeout_ms; /* for SQLite's lock and for the turn alike */
};

#define TURN_POLL_MS 10

G_DEFINE_FINAL_TYPE (TendStore, tend_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend_store_error_quark, tend_store_error)

/* Each entry moves the schema from version i to i + 1 and runs in one transaction with the
 * PRAGMA user_version that records it. Never edit an entry once released: add one. */
static const char *const migrations[] = {
  /* 1: accounts, people, messages, events and sync cursors. Provider and conversation ids are
   * kept as 64-bit keys of their SHA-256 (see _tend_store_hash_id): they are only ever compared,
   * and a Message-ID costs 40–80 bytes a row where a key costs 8. */
  "CREATE TABLE account ("
  "  id INTEGER PRIMARY KEY,"
  "  provider TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (provider, name));"
  "CREATE TABLE person ("
  "  id INTEGER PRIMARY KEY,"
  "  display_name TEXT,"
  "  is_me INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE identity ("
  "  address TEXT PRIMARY KEY,"
  "  person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE"
  ") WITHOUT ROWID;"
  "CREATE INDEX identity_person ON identity (person_id);"
  "CREATE TABLE message ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,"
  "  provider_key INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  conversation_key INTEGER,"
  "  sent_at INTEGER NOT NULL,"
  "  direction INTEGER NOT NULL,"
  "  sender_id INTEGER NOT NULL REFERENCES person (id),"
  "  reply_to_key INTEGER,"
  "  words INTEGER NOT NULL DEFAULT 0,"
  "  gratitude INTEGER NOT NULL DEFAULT 0,"
  "  apologies INTEGER NOT NULL DEFAULT 0,"
  "  hedges INTEGER NOT NULL DEFAULT 0,"
  "  negative INTEGER NOT NULL DEFAULT 0,"
  "  questions INTEGER NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX message_provider ON message (account_id, provider_key);"
  /* Covers the week's interaction queries, which then never touch the table itself. */
  "CREATE INDEX message_sent_at ON message (sent_at, direction, kind, sender_id);"
  "CREATE TABLE message_recipient ("
  "  message_id INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,"
  "  person_id INTEGER NOT NULL REFERENCES person (id),"
  "  PRIMARY KEY (message_id, person_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE event ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,"
  "  uid TEXT NOT NULL,"
  "  recurrence_id INTEGER NOT NULL DEFAULT 0,"
  "  start_at INTEGER NOT NULL,"
  "  end_at INTEGER NOT NULL,"
  "  tzid TEXT,"
  "  all_day INTEGER NOT NULL,"
  "  organizer_id INTEGER REFERENCES person (id),"
  "  attendee_count INTEGER NOT NULL,"
  "  my_response INTEGER NOT NULL,"
  "  cancelled INTEGER NOT NULL,"
  "  recurring INTEGER NOT NULL,"
  "  online INTEGER NOT NULL,"
  "  UNIQUE (account_id, uid, recurrence_id));"
  "CREATE INDEX event_start ON event (start_at);"
  "CREATE TABLE sync_cursor ("
  "  account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,"
  "  collection TEXT NOT NULL,"
  "  cursor TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (account_id, collection)"
  ") WITHOUT ROWID;",

  /* 2: what the coach remembers (dismissed and snoozed nudges, goals), and the consent and
   * upload logs that the consent issue fills. */
  "CREATE TABLE nudge_state ("
  "  nudge_id TEXT NOT NULL,"
  "  week TEXT NOT NULL,"
  "  state INTEGER NOT NULL,"
  "  until_at INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (nudge_id, week)"
  ") WITHOUT ROWID;"
  "CREATE TABLE goal ("
  "  id INTEGER PRIMARY KEY,"
  "  metric TEXT NOT NULL,"
  "  comparison INTEGER NOT NULL,"
  "  target REAL NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE consent_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  action TEXT NOT NULL,"
  "  destination TEXT NOT NULL,"
  "  payload_version INTEGER NOT NULL);"
  "CREATE TABLE upload_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  week TEXT NOT NULL,"
  "  destination TEXT NOT NULL,"
  "  payload BLOB NOT NULL);",

  /* 3: each week's anonymized contribution, encoded once (tend-aggregate.c); consent names the
   * organization and the week the person was shown, not only where figures would go. */
  "CREATE TABLE contribution ("
  "  week TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL,"
  "  payload BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "ALTER TABLE consent_log ADD COLUMN organization TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE consent_log ADD COLUMN week TEXT NOT NULL DEFAULT '';",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TEND_STORE_SCHEMA_VERSION);

static gboolean
set_error_from_rc (sqlite3 *db, int rc, GError **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_BUSY,
                   _ ("The database is in use by another Tend process; try again when it has "
                      "finished"));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY,
                   _ ("The database cannot be written: %s"), detail);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_CORRUPT,
                   _ ("The database is damaged or is not a Tend database: %s"), detail);
      break;
    default:
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_FAILED, _ ("Database error: %s"),
                   detail);
      break;
    }
  return FALSE;
}

static gboolean
exec (sqlite3 *db, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_error_from_rc (db, rc, error);
  return TRUE;
}

static int
get_user_version (sqlite3 *db, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc, version = -1;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version < 0)
    set_error_from_rc (db, rc, error);
  return version;
}

gboolean
_tend_store_migrate (sqlite3 *db, int target_version, GError **error)
{
  int version;

  g_return_val_if_fail (target_version <= TEND_STORE_SCHEMA_VERSION, FALSE);

  if ((version = get_user_version (db, error)) < 0)
    return FALSE;
  if (version > TEND_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_TOO_NEW,
                   _ ("The database was made by a newer version of Tend (schema %d, this "
                      "version knows %d)"),
                   version, TEND_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < target_version; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      g_debug ("Migrating schema %d → %d", version, version + 1);
      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (db, migrations[version], error) || !exec (db, bump, error)
          || !exec (db, "COMMIT", error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* SHA-256 rather than a fast hash: a sender who can choose a Message-ID must not be able to
 * make it collide with another message and so hide that one from the figures. */
static gint64
hash_id (GChecksum *checksum, const char *provider_id)
{
  guint8  digest[32];
  gsize   len = sizeof digest;
  guint64 key = 0;

  g_checksum_reset (checksum);
  g_checksum_update (checksum, (const guchar *) provider_id, -1);
  g_checksum_get_digest (checksum, digest, &len);
  for (guint i = 0; i < 8; i++)
    key = (key << 8) | digest[i];
  return (gint64) key;
}

gint64
_tend_store_hash_id (const char *provider_id)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  return hash_id (checksum, provider_id);
}

static gboolean
ensure_private_directory (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY,
                   _ ("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Invariant: the database and its WAL/SHM companions are readable by their owner alone. */
static void
restrict_permissions (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_chmod (file, 0600) != 0 && errno != ENOENT)
        g_warning ("Cannot restrict permissions of the database: %s", g_strerror (errno));
    }
}

/* Polls rather than blocks, so that a turn held too long (a stuck edit) fails like a busy
 * database, after the same timeout, instead of stopping the writer for good. */
static gboolean
take_turn (TendStore *self, int operation, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + self->busy_timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      int saved_errno;

      if (flock (self->turn_fd, operation | LOCK_NB) == 0)
        return TRUE;
      saved_errno = errno;
      if (saved_errno == EINTR)
        continue;
      if (saved_errno != EWOULDBLOCK)
        {
          /* Only a broken descriptor fails otherwise; without the turn, writers are merely
           * unfair. */
          g_warning ("Cannot take a turn to write: %s", g_strerror (saved_errno));
          return TRUE;
        }
      if (g_get_monotonic_time () >= deadline)
        return set_error_from_rc (self->db, SQLITE_BUSY, error);
      g_usleep (TURN_POLL_MS * G_TIME_SPAN_MILLISECOND);
    }
}

static gboolean
open_turn (TendStore *self, GError **error)
{
  g_autofree char *turn = g_strconcat (self->path, "-turn", NULL);

  self->turn_fd = g_open (turn, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->turn_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY,
                   _ ("The database cannot be written: %s: %s"), turn, g_strerror (saved_errno));
      return FALSE;
    }
  /* Released when the store is finalized: a priority store lives for one short edit. */
  if (self->priority)
    return take_turn (self, LOCK_EX, error);
  return TRUE;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
tend_store_finalize (GObject *object)
{
  TendStore *self = (TendStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->people, g_hash_table_unref);
  g_clear_pointer (&self->person_entries, g_ptr_array_unref);
  g_clear_pointer (&self->me_people, g_hash_table_unref);
  g_clear_pointer (&self->hasher, g_checksum_free);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  if (self->turn_fd >= 0)
    close (self->turn_fd);
  g_free (self->path);

  G_OBJECT_CLASS (tend_store_parent_class)->finalize (object);
}

static void
tend_store_class_init (TendStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_store_finalize;
}

static void
tend_store_init (TendStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  self->people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->person_entries = g_ptr_array_new_with_free_func (g_free);
  self->me_people = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->hasher = g_checksum_new (G_CHECKSUM_SHA256);
  self->turn_fd = -1;
}

char *
tend_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tend", "tend.db", NULL);
}

/* The demo lives apart so that trying Tend never mixes invented figures with one's own. */
char *
tend_store_get_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tend", "demo.db", NULL);
}

gboolean
tend_store_delete_files (const char *path, GError **error)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", "-turn" };

  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY,
                       _ ("Cannot delete %s: %s"), file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static void
forget_cached_people (TendStore *self)
{
  g_hash_table_remove_all (self->people);
  g_ptr_array_set_size (self->person_entries, 0);
  g_hash_table_remove_all (self->me_people);
}

static gboolean
load_me (TendStore *self, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  if (!(stmt = _tend_store_prepare (self, "SELECT id FROM person WHERE is_me", error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_hash_table_add (self->me_people, g_memdup2 (&id, sizeof id));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_rc (self->db, rc, error);
  return TRUE;
}

TendStore *
tend_store_open (const char *path, TendStoreOpenFlags flags, GError **error)
{
  g_autoptr (TendStore) self = NULL;
  gboolean read_only = (flags & TEND_STORE_OPEN_READ_ONLY) != 0;
  int      rc, version;

  g_return_val_if_fail (path != NULL, NULL);

  if (read_only && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND,
                   _ ("There is no database at %s yet"), path);
      return NULL;
    }
  if (!read_only && !ensure_private_directory (path, error))
    return NULL;

  self = g_object_new (TEND_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = read_only;
  self->priority = !read_only && (flags & TEND_STORE_OPEN_PRIORITY) != 0;

  /* Every store is opened, used and closed by one thread (the window's report threads, the
   * worker's job thread, tendctl): without the connection's own mutex, which SQLite would
   * otherwise take around every sqlite3_column_*() call, a week's report costs a tenth less. */
  rc = sqlite3_open_v2 (
      path, &self->db,
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
          | SQLITE_OPEN_NOMUTEX,
      NULL);
  if (rc != SQLITE_OK)
    {
      /* Opening is where a path is wrong: say which. */
      set_error_from_rc (self->db, rc, error);
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  /* A second writer waits this long for the lock before the caller hears it is busy; an edit
   * may wait for the batch of an import in progress to end. */
  self->busy_timeout_ms = self->priority ? 10000 : 2000;
  sqlite3_busy_timeout (self->db, self->busy_timeout_ms);

  if (!read_only && sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_READ_ONLY,
                   _ ("The database %s is read-only"), path);
      return NULL;
    }

  if ((version = get_user_version (self->db, error)) < 0)
    return NULL;

  if (!exec (self->db, "PRAGMA foreign_keys = ON", error))
    return NULL;

  if (read_only)
    {
      if (version < TEND_STORE_SCHEMA_VERSION)
        {
          g_set_error (error, TEND_STORE_ERROR,
                       version > TEND_STORE_SCHEMA_VERSION ? TEND_STORE_ERROR_TOO_NEW
                                                           : TEND_STORE_ERROR_NEEDS_UPGRADE,
                       _ ("The database has schema %d; Tend's agent must upgrade it to %d first"),
                       version, TEND_STORE_SCHEMA_VERSION);
          return NULL;
        }
    }
  else
    {
      /* WAL lets the window read while the agent writes; NORMAL sync is durable at each
       * checkpoint and loses at most the last transaction on power loss, never consistency. */
      if (!exec (self->db, "PRAGMA journal_mode = WAL", error)
          || !exec (self->db, "PRAGMA synchronous = NORMAL", error)
          || !_tend_store_migrate (self->db, TEND_STORE_SCHEMA_VERSION, error))
        return NULL;
      restrict_permissions (path);
      if (!open_turn (self, error))
        return NULL;
    }

  if (!load_me (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
tend_store_get_path (TendStore *self)
{
  g_return_val_if_fail (TEND_IS_STORE (self), NULL);

  return self->path;
}

int
tend_store_get_schema_version (TendStore *self)
{
  g_return_val_if_fail (TEND_IS_STORE (self), -1);

  return get_user_version (self->db, NULL);
}

sqlite3 *
_tend_store_get_db (TendStore *self)
{
  return self->db;
}

gboolean
_tend_store_set_error (TendStore *self, int rc, GError **error)
{
  return set_error_from_rc (self->db, rc, error);
}

/* Statements are cached by the address of their SQL text, so @sql must be a string literal.
 * The statement comes back reset with no bindings; the caller resets it after use. */
sqlite3_stmt *
_tend_store_prepare (TendStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int           rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_rc (self->db, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* Runs a prepared statement that returns no rows to its end, and resets it. */
static gboolean
step_done (TendStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_rc (self->db, rc, error);
  return TRUE;
}

/**
 * tend_store_has_rows:
 * @out: (out): whether any account, person, message or event is stored
 *
 * What tend_store_get_counts() would say is more than nothing, without counting: on a large
 * database each count reads a whole index.
 */
gboolean
tend_store_has_rows (TendStore *self, gboolean *out, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  stmt = _tend_store_prepare (
      self,
      "SELECT EXISTS (SELECT 1 FROM account) OR EXISTS (SELECT 1 FROM person)"
      " OR EXISTS (SELECT 1 FROM message) OR EXISTS (SELECT 1 FROM event)",
      error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_error_from_rc (self->db, rc, error);
    }
  *out = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
tend_store_get_counts (TendStore *self, TendStoreCounts *out, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  stmt
      = _tend_store_prepare (self,
                             "SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM person),"
                             " (SELECT count(*) FROM message), (SELECT count(*) FROM event)",
                             error);
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return set_error_from_rc (self->db, rc, error);
    }
  out->accounts = sqlite3_column_int64 (stmt, 0);
  out->people = sqlite3_column_int64 (stmt, 1);
  out->messages = sqlite3_column_int64 (stmt, 2);
  out->events = sqlite3_column_int64 (stmt, 3);
  sqlite3_reset (stmt);
  return TRUE;
}

/* How often SQLite asks whether to stop, in virtual machine steps: well under a millisecond. */
#define CANCEL_CHECK_STEPS 10000

static int
interrupt_if_cancelled (void *user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

/**
 * tend_store_stop_on_cancel:
 * @cancellable: (nullable): stops this store's queries when cancelled; it must outlive the store
 *   or be replaced first
 *
 * A query running when @cancellable is cancelled fails at once (an interrupted query's error),
 * rather than keep a core busy for a report no one will read.
 */
void
tend_store_stop_on_cancel (TendStore *self, GCancellable *cancellable)
{
  g_return_if_fail (TEND_IS_STORE (self));

  if (cancellable == NULL)
    sqlite3_progress_handler (self->db, 0, NULL, NULL);
  else
    sqlite3_progress_handler (self->db, CANCEL_CHECK_STEPS, interrupt_if_cancelled, cancellable);
}

gboolean
tend_store_begin (TendStore *self, GError **error)
{
  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (self->turn_fd >= 0 && !self->priority)
    {
      if (!take_turn (self, LOCK_SH, error) || !take_turn (self, LOCK_UN, error))
        return FALSE;
    }

  /* IMMEDIATE takes the write lock now, so a busy database fails here and not half-way. */
  if (!exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

gboolean
tend_store_commit (TendStore *self, GError **error)
{
  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (!exec (self->db, "COMMIT", error))
    {
      tend_store_rollback (self);
      return FALSE;
    }
  self->in_transaction = FALSE;
  return TRUE;
}

void
tend_store_rollback (TendStore *self)
{
  g_return_if_fail (TEND_IS_STORE (self));

  if (!self->in_transaction)
    return;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->in_transaction = FALSE;
  /* Ids handed out inside the transaction are gone with it. */
  forget_cached_people (self);
  load_me (self, NULL);
}

gint64
tend_store_ensure_account (TendStore *self, const char *provider, const char *name, GError **error)
{
  sqlite3_stmt *stmt;
  gint64        id = 0;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (self), 0);
  g_return_val_if_fail (provider != NULL && name != NULL, 0);

  stmt = _tend_store_prepare (self,
                              "INSERT INTO account (provider, name, created_at) VALUES (?1, ?2, ?3)"
                              " ON CONFLICT (provider, name) DO UPDATE SET provider = provider"
                              " RETURNING id",
                              error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    set_error_from_rc (self->db, rc, error);
  sqlite3_reset (stmt);
  return id;
}

/* A person as the cache knows them, under both the address as seen and its normal form. */
typedef struct
{
  gint64   id;
  gboolean named;
} CachedPerson;

static CachedPerson *
cache_person (TendStore *self, const char *address, const char *normalized, gint64 id,
              gboolean named)
{
  CachedPerson *person = g_new (CachedPerson, 1);

  person->id = id;
  person->named = named;
  g_ptr_array_add (self->person_entries, person);
  g_hash_table_insert (self->people, g_strdup (normalized), person);
  if (!g_str_equal (address, normalized))
    g_hash_table_insert (self->people, g_strdup (address), person);
  return person;
}

/* Finds or creates the person behind @normalized in the database. */
static CachedPerson *
load_person (TendStore *self, const char *address, const char *normalized, const char *display_name,
             GError **error)
{
  sqlite3_stmt *stmt;
  gint64        id = 0;
  gboolean      named = FALSE;
  int           rc;

  stmt = _tend_store_prepare (self,
                              "SELECT person_id, display_name IS NOT NULL FROM identity"
                              " JOIN person ON person.id = person_id WHERE address = ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normalized, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      named = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_error_from_rc (self->db, rc, error);
      return NULL;
    }
  if (id != 0)
    return cache_person (self, address, normalized, id, named);

  stmt = _tend_store_prepare (self, "INSERT INTO person (display_name) VALUES (?1)", error);
  if (stmt == NULL)
    return NULL;
  named = display_name != NULL && *display_name != '\0';
  sqlite3_bind_text (stmt, 1, named ? display_name : NULL, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    return NULL;
  id = sqlite3_last_insert_rowid (self->db);

  stmt = _tend_store_prepare (self, "INSERT INTO identity (address, person_id) VALUES (?1, ?2)",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normalized, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!step_done (self, stmt, error))
    return NULL;
  return cache_person (self, address, normalized, id, named);
}

/* Returns the person behind @address (normalized), creating both on first sight. A display name
 * seen later fills in a person that had none. */
gint64
tend_store_ensure_person (TendStore *self, const char *address, const char *display_name,
                          GError **error)
{
  CachedPerson *person;

  g_return_val_if_fail (TEND_IS_STORE (self), 0);

  /* Most addresses arrive as they were seen before: look them up before normalizing. */
  person = address != NULL ? g_hash_table_lookup (self->people, address) : NULL;
  if (person == NULL)
    {
      g_autofree char *normalized = tend_normalize_address (address);

      if (normalized == NULL)
        {
          g_set_error (error, TEND_STORE_ERROR, TEND_STORE_ERROR_FAILED, _ ("Empty address"));
          return 0;
        }
      if ((person = g_hash_table_lookup (self->people, normalized)) != NULL)
        g_hash_table_insert (self->people, g_strdup (address), person);
      else if (!(person = load_person (self, address, normalized, display_name, error)))
        return 0;
    }

  if (!person->named && display_name != NULL && *display_name != '\0')
    {
      sqlite3_stmt *stmt = _tend_store_prepare (self,
                                                "UPDATE person SET display_name = ?2"
                                                " WHERE id = ?1 AND display_name IS NULL",
                                                error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, person->id);
      sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_STATIC);
      if (!step_done (self, stmt, error))
        return 0;
      person->named = TRUE;
    }

  return person->id;
}

static gboolean
is_me (TendStore *self, gint64 person_id)
{
  return g_hash_table_contains (self->me_people, &person_id);
}

/* Marks @address as one of mine. All my addresses become one person, and the direction of every
 * message already stored is derived again, since "sent" means "sent by me". */
gboolean
tend_store_add_me (TendStore *self, const char *address, GError **error)
{
  static const char *const statements[] = {
    /* Move every identity of a "me" person to the lowest such person. */
    "UPDATE identity SET person_id = (SELECT min (id) FROM person WHERE is_me)"
    " WHERE person_id IN (SELECT id FROM person WHERE is_me)",
    "UPDATE message SET sender_id = (SELECT min (id) FROM person WHERE is_me)"
    " WHERE sender_id IN (SELECT id FROM person WHERE is_me)",
    "UPDATE OR IGNORE message_recipient SET person_id = (SELECT min (id) FROM person WHERE is_me)"
    " WHERE person_id IN (SELECT id FROM person WHERE is_me)",
    "DELETE FROM message_recipient WHERE person_id IN"
    " (SELECT id FROM person WHERE is_me AND id > (SELECT min (id) FROM person WHERE is_me))",
    "UPDATE event SET organizer_id = (SELECT min (id) FROM person WHERE is_me)"
    " WHERE organizer_id IN (SELECT id FROM person WHERE is_me)",
    "DELETE FROM person WHERE is_me AND id > (SELECT min (id) FROM person WHERE is_me)",
    "UPDATE message SET direction = (sender_id IN (SELECT id FROM person WHERE is_me))",
  };
  gboolean      own_transaction;
  sqlite3_stmt *stmt;
  gint64        id;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);

  own_transaction = !self->in_transaction;
  if (own_transaction && !tend_store_begin (self, error))
    return FALSE;

  if ((id = tend_store_ensure_person (self, address, NULL, error)) == 0)
    goto failed;
  if (!(stmt = _tend_store_prepare (self, "UPDATE person SET is_me = 1 WHERE id = ?1", error)))
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_done (self, stmt, error))
    goto failed;
  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (!exec (self->db, statements[i], error))
      goto failed;

  /* Person ids may have merged: start the caches afresh. */
  forget_cached_people (self);
  if (!load_me (self, error))
    goto failed;

  if (own_transaction && !tend_store_commit (self, error))
    return FALSE;
  return TRUE;

failed:
  if (own_transaction)
    tend_store_rollback (self);
  return FALSE;
}

char **
tend_store_dup_me (TendStore *self, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (self), NULL);

  stmt = _tend_store_prepare (self,
                              "SELECT address FROM identity JOIN person ON person.id = person_id"
                              " WHERE is_me ORDER BY address",
                              error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error_from_rc (self->db, rc, error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

static void
bind_key (TendStore *self, sqlite3_stmt *stmt, int index, const char *id)
{
  if (id != NULL && *id != '\0')
    sqlite3_bind_int64 (stmt, index, hash_id (self->hasher, id));
  else
    sqlite3_bind_null (stmt, index);
}

/* Messages are immutable at their providers, so a second sight of one changes nothing. */
gboolean
tend_store_add_message (TendStore *self, gint64 account_id, const TendMessage *message,
                        gboolean *inserted, GError **error)
{
  const TendContentFeatures *f;
  sqlite3_stmt              *stmt;
  gint64                     sender_id, message_id;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (message != NULL && message->provider_id != NULL, FALSE);
  g_return_val_if_fail (message->sender != NULL, FALSE);

  if (inserted != NULL)
    *inserted = FALSE;

  if (!(sender_id = tend_store_ensure_person (self, message->sender, message->sender_name, error)))
    return FALSE;

  stmt
      = _tend_store_prepare (self,
                             "INSERT INTO message (account_id, provider_key, kind,"
                             " conversation_key, sent_at, direction, sender_id, reply_to_key,"
                             " words, gratitude, apologies, hedges, negative, questions)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
                             " ON CONFLICT (account_id, provider_key) DO NOTHING",
                             error);
  if (stmt == NULL)
    return FALSE;
  f = &message->features;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_key (self, stmt, 2, message->provider_id);
  sqlite3_bind_int (stmt, 3, message->kind);
  bind_key (self, stmt, 4, message->conversation_id);
  sqlite3_bind_int64 (stmt, 5, message->sent_at);
  sqlite3_bind_int (stmt, 6,
                    is_me (self, sender_id) ? TEND_DIRECTION_SENT : TEND_DIRECTION_RECEIVED);
  sqlite3_bind_int64 (stmt, 7, sender_id);
  bind_key (self, stmt, 8, message->in_reply_to);
  sqlite3_bind_int (stmt, 9, f->words);
  sqlite3_bind_int (stmt, 10, f->gratitude);
  sqlite3_bind_int (stmt, 11, f->apologies);
  sqlite3_bind_int (stmt, 12, f->hedges);
  sqlite3_bind_int (stmt, 13, f->negative);
  sqlite3_bind_int (stmt, 14, f->questions);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return TRUE;
  message_id = sqlite3_last_insert_rowid (self->db);

  for (guint i = 0; i < message->recipients->len; i++)
    {
      const char *address = g_ptr_array_index (message->recipients, i);
      gint64      person_id;

      if (!(person_id = tend_store_ensure_person (self, address, NULL, error)))
        return FALSE;
      stmt = _tend_store_prepare (self,
                                  "INSERT OR IGNORE INTO message_recipient (message_id, person_id)"
                                  " VALUES (?1, ?2)",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int64 (stmt, 2, person_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  if (inserted != NULL)
    *inserted = TRUE;
  return TRUE;
}

/* Events change at their providers (moved, cancelled, answered), so a second sight updates the
 * row; @changed is TRUE only when something about it was new or different. */
gboolean
tend_store_add_event (TendStore *self, gint64 account_id, const TendEvent *event, gboolean *changed,
                      GError **error)
{
  sqlite3_stmt *stmt;
  gint64        organizer_id = 0;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (event != NULL && event->uid != NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;

  if (event->organizer != NULL
      && !(organizer_id = tend_store_ensure_person (self, event->organizer, NULL, error)))
    return FALSE;

  stmt = _tend_store_prepare (self,
                              "INSERT INTO event (account_id, uid, recurrence_id, start_at, end_at,"
                              " tzid, all_day, organizer_id, attendee_count, my_response,"
                              " cancelled, recurring, online)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                              " ON CONFLICT (account_id, uid, recurrence_id) DO UPDATE SET"
                              " start_at = excluded.start_at, end_at = excluded.end_at,"
                              " tzid = excluded.tzid, all_day = excluded.all_day,"
                              " organizer_id = excluded.organizer_id,"
                              " attendee_count = excluded.attendee_count,"
                              " my_response = excluded.my_response,"
                              " cancelled = excluded.cancelled, recurring = excluded.recurring,"
                              " online = excluded.online"
                              " WHERE (start_at, end_at, tzid, all_day, organizer_id,"
                              " attendee_count, my_response, cancelled, recurring, online)"
                              " IS NOT (excluded.start_at, excluded.end_at, excluded.tzid,"
                              " excluded.all_day, excluded.organizer_id, excluded.attendee_count,"
                              " excluded.my_response, excluded.cancelled, excluded.recurring,"
                              " excluded.online)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, event->uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, event->recurrence_id);
  sqlite3_bind_int64 (stmt, 4, event->start);
  sqlite3_bind_int64 (stmt, 5, event->end);
  sqlite3_bind_text (stmt, 6, event->tzid, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, event->all_day ? 1 : 0);
  if (organizer_id != 0)
    sqlite3_bind_int64 (stmt, 8, organizer_id);
  else
    sqlite3_bind_null (stmt, 8);
  sqlite3_bind_int (stmt, 9, event->attendee_count);
  sqlite3_bind_int (stmt, 10, event->my_response);
  sqlite3_bind_int (stmt, 11, event->cancelled ? 1 : 0);
  sqlite3_bind_int (stmt, 12, event->recurring ? 1 : 0);
  sqlite3_bind_int (stmt, 13, event->online ? 1 : 0);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (changed != NULL)
    *changed = sqlite3_changes (self->db) > 0;
  return TRUE;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Removes the stored instances of series @uid whose original start lies in [@from, @to) and that
 * are not in @keep: those an EXDATE, a shorter RRULE or a cancelled override took away since the
 * last import. Instances outside the range were not expanded this time, so they stay. */
gboolean
tend_store_prune_series (TendStore *self, gint64 account_id, const char *uid, gint64 from,
                         gint64 to, const gint64 *keep, guint n_keep, guint *n_removed,
                         GError **error)
{
  g_autoptr (GArray) doomed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree gint64 *sorted = g_memdup2 (keep, sizeof (gint64) * n_keep);
  sqlite3_stmt      *stmt;
  int                rc;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (uid != NULL, FALSE);

  if (n_removed != NULL)
    *n_removed = 0;
  if (n_keep > 0)
    qsort (sorted, n_keep, sizeof (gint64), compare_gint64);

  stmt = _tend_store_prepare (self,
                              "SELECT recurrence_id FROM event WHERE account_id = ?1 AND uid = ?2"
                              " AND recurrence_id >= ?3 AND recurrence_id < ?4",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rid = sqlite3_column_int64 (stmt, 0);

      if (n_keep == 0 || bsearch (&rid, sorted, n_keep, sizeof (gint64), compare_gint64) == NULL)
        g_array_append_val (doomed, rid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error_from_rc (self->db, rc, error);

  for (guint i = 0; i < doomed->len; i++)
    {
      stmt = _tend_store_prepare (self,
                                  "DELETE FROM event"
                                  " WHERE account_id = ?1 AND uid = ?2 AND recurrence_id = ?3",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_array_index (doomed, gint64, i));
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  if (n_removed != NULL)
    *n_removed = doomed->len;
  return TRUE;
}

char *
tend_store_get_cursor (TendStore *self, gint64 account_id, const char *collection, GError **error)
{
  sqlite3_stmt *stmt;
  char         *cursor = NULL;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (self), NULL);

  stmt = _tend_store_prepare (self,
                              "SELECT cursor FROM sync_cursor"
                              " WHERE account_id = ?1 AND collection = ?2",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    cursor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    set_error_from_rc (self->db, rc, error);
  sqlite3_reset (stmt);
  return cursor;
}

gboolean
tend_store_set_cursor (TendStore *self, gint64 account_id, const char *collection,
                       const char *cursor, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (collection != NULL && cursor != NULL, FALSE);

  stmt = _tend_store_prepare (self,
                              "INSERT INTO sync_cursor (account_id, collection, cursor, updated_at)"
                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id, collection)"
                              " DO UPDATE SET cursor = excluded.cursor,"
                              " updated_at = excluded.updated_at",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, cursor, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (self, stmt, error);
}

/* Clears every cursor of an account, so that its next sync starts from the beginning: after the
 * provider forgot a delta token, or when the account is connected again. */
gboolean
tend_store_clear_cursors (TendStore *self, gint64 account_id, const char *collection,
                          GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);

  stmt = _tend_store_prepare (self,
                              "DELETE FROM sync_cursor"
                              " WHERE account_id = ?1 AND (?2 IS NULL OR collection = ?2)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (collection != NULL)
    sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  return step_done (self, stmt, error);
}

/* Removes one occurrence of an event, or with recurrence_id < 0 every occurrence of the uid. */
gboolean
tend_store_remove_event (TendStore *self, gint64 account_id, const char *uid, gint64 recurrence_id,
                         guint *n_removed, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);
  g_return_val_if_fail (uid != NULL, FALSE);

  if (n_removed != NULL)
    *n_removed = 0;
  stmt = _tend_store_prepare (self,
                              "DELETE FROM event WHERE account_id = ?1 AND uid = ?2"
                              " AND (?3 < 0 OR recurrence_id = ?3)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, recurrence_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (n_removed != NULL)
    *n_removed = (guint) sqlite3_changes (self->db);
  return TRUE;
}
