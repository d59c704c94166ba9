/* bench-store.c: rows per second through the store, against raw SQLite inserts
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "bench-common.h"
#include "tend-store-private.h"

#define N_MESSAGES 100000
#define N_PEOPLE 500
#define MESSAGES_PER_TRANSACTION 10000
#define MAX_RECIPIENTS 3
#define ME "me@bench.tend.invalid"

/* One message as both contenders see it: the store a TendMessage, the raw baseline the values
 * the store would have derived from it (keys, person ids), ready to bind. */
typedef struct
{
  TendMessage *message;
  gint64       provider_key;
  gint64       conversation_key;
  gint64       reply_to_key; /* 0: none */
  gint64       sender_id;
  gint64       recipient_ids[MAX_RECIPIENTS];
  guint        n_recipients;
} BenchRow;

static char *
person_address (guint i)
{
  return i == 0 ? g_strdup (ME) : g_strdup_printf ("person%u@bench.tend.invalid", i);
}

/* Person ids as the baseline numbers them: me 1, person i i + 1. */
static GArray *
make_rows (guint64 *n_rows)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  GArray *rows = g_array_sized_new (FALSE, TRUE, sizeof (BenchRow), N_MESSAGES);
  gint64  t = 1700000000;

  *n_rows = 0;
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      BenchRow     row = { 0 };
      TendMessage *message = tend_message_new ();
      guint sender = g_rand_double (rand) < 0.35 ? 0 : g_rand_int_range (rand, 1, N_PEOPLE + 1);
      guint n = g_rand_int_range (rand, 1, MAX_RECIPIENTS + 1);
      g_autofree char *sender_address = person_address (sender);

      t += g_rand_int_range (rand, 1, 600);
      message->provider_id = g_strdup_printf ("<%u.bench@bench.tend.invalid>", i);
      message->kind = g_rand_double (rand) < 0.4 ? TEND_MESSAGE_KIND_CHAT : TEND_MESSAGE_KIND_MAIL;
      message->conversation_id = g_strdup_printf ("thread-%u", i / 4);
      message->sent_at = t;
      message->sender = g_strdup (sender_address);
      if (i > 0 && g_rand_double (rand) < 0.4)
        message->in_reply_to = g_strdup_printf ("<%u.bench@bench.tend.invalid>", i - 1);
      message->features.words = g_rand_int_range (rand, 1, 300);
      message->features.questions = g_rand_int_range (rand, 0, 2);
      message->features.gratitude = g_rand_int_range (rand, 0, 2);

      row.sender_id = sender + 1;
      /* Me, when someone else sent it; then distinct others. */
      for (guint r = 0; row.n_recipients < n && r < 16; r++)
        {
          guint            to = (sender != 0 && row.n_recipients == 0)
                                    ? 0
                                    : (guint) g_rand_int_range (rand, 1, N_PEOPLE + 1);
          gboolean         seen = to == sender;
          g_autofree char *address = NULL;

          for (guint k = 0; k < row.n_recipients; k++)
            seen |= row.recipient_ids[k] == to + 1;
          if (seen)
            continue;
          address = person_address (to);
          tend_message_add_recipient (message, address);
          row.recipient_ids[row.n_recipients++] = to + 1;
        }

      row.message = message;
      row.provider_key = _tend_store_hash_id (message->provider_id);
      row.conversation_key = _tend_store_hash_id (message->conversation_id);
      row.reply_to_key = message->in_reply_to ? _tend_store_hash_id (message->in_reply_to) : 0;
      *n_rows += 1 + row.n_recipients;
      g_array_append_val (rows, row);
    }
  return rows;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    bench_fail ("%s", error != NULL ? error->message : "failed");
}

static TendStore *
open_fresh_store (const char *path)
{
  g_autoptr (GError) error = NULL;
  TendStore *store;

  check (tend_store_delete_files (path, &error), error);
  store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  check (store != NULL, error);
  return store;
}

/* Seconds to store every row through tend_store_add_message, in batches. */
static double
run_store (const char *path, GArray *rows)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = open_fresh_store (path);
  gint64 account;
  double start;

  check (tend_store_add_me (store, ME, &error), error);
  account = tend_store_ensure_account (store, "bench", "bench", &error);
  check (account != 0, error);

  start = bench_seconds ();
  for (guint i = 0; i < rows->len; i++)
    {
      const BenchRow *row = &g_array_index (rows, BenchRow, i);

      if (i % MESSAGES_PER_TRANSACTION == 0)
        check (tend_store_begin (store, &error), error);
      check (tend_store_add_message (store, account, row->message, NULL, &error), error);
      if ((i + 1) % MESSAGES_PER_TRANSACTION == 0 || i + 1 == rows->len)
        check (tend_store_commit (store, &error), error);
    }
  return bench_seconds () - start;
}

static void
check_rc (sqlite3 *db, int rc, int expected)
{
  if (rc != expected)
    bench_fail ("SQLite: %s", sqlite3_errmsg (db));
}

static sqlite3_stmt *
prepare (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  check_rc (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  return stmt;
}

static void
step (sqlite3 *db, sqlite3_stmt *stmt)
{
  check_rc (db, sqlite3_step (stmt), SQLITE_DONE);
  sqlite3_reset (stmt);
}

/* Seconds to insert the same rows (people, messages, recipients) with prepared statements in
 * one transaction, into the schema the store created, with the connection set up as the
 * store sets up its own. */
static double
run_raw (const char *path, GArray *rows)
{
  g_autoptr (TendStore) store = open_fresh_store (path);
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *person, *identity, *message, *recipient;
  gint64        account;
  sqlite3      *db = NULL;
  double        start, seconds;

  account = tend_store_ensure_account (store, "bench", "bench", &error);
  check (account != 0, error);
  g_clear_object (&store);

  check_rc (db, sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  check_rc (
      db,
      sqlite3_exec (db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", NULL, NULL, NULL),
      SQLITE_OK);
  person = prepare (db, "INSERT INTO person (id, display_name, is_me) VALUES (?1, NULL, ?2)");
  identity = prepare (db, "INSERT INTO identity (address, person_id) VALUES (?1, ?2)");
  message = prepare (db, "INSERT INTO message (account_id, provider_key, kind, conversation_key,"
                         " sent_at, direction, sender_id, reply_to_key, words, gratitude,"
                         " apologies, hedges, negative, questions)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  recipient = prepare (db, "INSERT INTO message_recipient (message_id, person_id) VALUES (?1, ?2)");

  start = bench_seconds ();
  check_rc (db, sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  for (guint i = 0; i <= N_PEOPLE; i++)
    {
      g_autofree char *address = person_address (i);

      sqlite3_bind_int64 (person, 1, i + 1);
      sqlite3_bind_int (person, 2, i == 0);
      step (db, person);
      sqlite3_bind_text (identity, 1, address, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (identity, 2, i + 1);
      step (db, identity);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      const BenchRow            *row = &g_array_index (rows, BenchRow, i);
      const TendContentFeatures *f = &row->message->features;
      gint64                     message_id;

      sqlite3_bind_int64 (message, 1, account);
      sqlite3_bind_int64 (message, 2, row->provider_key);
      sqlite3_bind_int (message, 3, row->message->kind);
      sqlite3_bind_int64 (message, 4, row->conversation_key);
      sqlite3_bind_int64 (message, 5, row->message->sent_at);
      sqlite3_bind_int (message, 6, row->sender_id == 1);
      sqlite3_bind_int64 (message, 7, row->sender_id);
      if (row->reply_to_key != 0)
        sqlite3_bind_int64 (message, 8, row->reply_to_key);
      else
        sqlite3_bind_null (message, 8);
      sqlite3_bind_int (message, 9, f->words);
      sqlite3_bind_int (message, 10, f->gratitude);
      sqlite3_bind_int (message, 11, f->apologies);
      sqlite3_bind_int (message, 12, f->hedges);
      sqlite3_bind_int (message, 13, f->negative);
      sqlite3_bind_int (message, 14, f->questions);
      step (db, message);
      message_id = sqlite3_last_insert_rowid (db);
      for (guint r = 0; r < row->n_recipients; r++)
        {
          sqlite3_bind_int64 (recipient, 1, message_id);
          sqlite3_bind_int64 (recipient, 2, row->recipient_ids[r]);
          step (db, recipient);
        }
    }
  check_rc (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  seconds = bench_seconds () - start;

  sqlite3_finalize (person);
  sqlite3_finalize (identity);
  sqlite3_finalize (message);
  sqlite3_finalize (recipient);
  sqlite3_close (db);
  return seconds;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = bench_get_dir (argc, argv);
  g_autofree char *store_path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.db", NULL);
  g_autoptr (GArray) store_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) raw_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) rows = NULL;
  g_autofree char *name = NULL;
  guint            runs = bench_get_runs (5);
  guint64          n_rows;

  g_set_prgname ("bench-store");
  rows = make_rows (&n_rows);
  g_printerr ("bench-store: %u messages, %" G_GUINT64_FORMAT " rows with their recipients, "
              "%u runs each\n",
              rows->len, n_rows, runs);

  /* Alternating, so that a disturbance of the machine hits both alike. */
  for (guint run = 0; run < runs; run++)
    {
      double store_rate = n_rows / run_store (store_path, rows);
      double raw_rate = n_rows / run_raw (raw_path, rows);

      g_printerr ("bench-store: run %u: store %.0f rows/s, raw %.0f rows/s\n", run + 1, store_rate,
                  raw_rate);
      g_array_append_val (store_rates, store_rate);
      g_array_append_val (raw_rates, raw_rate);
    }

  name = g_strdup_printf ("storing: rows/s via tend_store_add_message, best of %u", runs);
  bench_result (name, bench_max (store_rates), "rows/s", "raw SQLite prepared inserts, same rows",
                bench_max (raw_rates), "ratio>=0.67");

  for (guint i = 0; i < rows->len; i++)
    tend_message_free (g_array_index (rows, BenchRow, i).message);
  tend_store_delete_files (store_path, NULL);
  tend_store_delete_files (raw_path, NULL);
  return 0;
}
