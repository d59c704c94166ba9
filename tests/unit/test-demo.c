/* test-demo.c: the demo history is reproducible and has something for every figure
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tend-demo.h"
#include "tend-week.h"

typedef struct
{
  char      *dir;
  GTimeZone *tz;
  GDateTime *now;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tend-demo-XXXXXX", &error);
  g_assert_no_error (error);
  /* A zone with DST changes, if the system knows it. */
  fixture->tz = g_time_zone_new_identifier ("Europe/Paris");
  if (fixture->tz == NULL)
    fixture->tz = g_time_zone_new_utc ();
  /* A Wednesday afternoon: the current week is half over. */
  fixture->now = g_date_time_new (fixture->tz, 2025, 11, 19, 15, 0, 0);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_time_zone_unref (fixture->tz);
  g_date_time_unref (fixture->now);
}

static char *
generate (Fixture *fixture, const char *name, guint32 seed, guint weeks)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_true (tend_demo_generate (store, seed, weeks, fixture->now, fixture->tz, &error));
  g_assert_no_error (error);
  return path;
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* SHA-256 over every row Tend stored, in a fixed order: equal databases, equal sums. The
 * account's creation time is left out: it is the clock's, not the generator's. */
static char *
checksum_db (const char *path)
{
  static const char *const queries[] = {
    "SELECT provider, name FROM account ORDER BY id",
    "SELECT id, display_name, is_me FROM person ORDER BY id",
    "SELECT address, person_id FROM identity ORDER BY address",
    "SELECT id, account_id, provider_key, kind, conversation_key, sent_at, direction, sender_id,"
    " reply_to_key, words, gratitude, apologies, hedges, negative, questions"
    " FROM message ORDER BY id",
    "SELECT message_id, person_id FROM message_recipient ORDER BY message_id, person_id",
    "SELECT id, account_id, uid, recurrence_id, start_at, end_at, tzid, all_day, organizer_id,"
    " attendee_count, my_response, cancelled, recurring, online FROM event ORDER BY id",
  };
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = open_db (path);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, c);

              g_checksum_update (checksum, (const guchar *) (text != NULL ? text : "\1"), -1);
              g_checksum_update (checksum, (const guchar *) "|", 1);
            }
          g_checksum_update (checksum, (const guchar *) "\n", 1);
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (checksum));
}

static void
get_counts (const char *path, TendStoreCounts *counts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  g_assert_true (tend_store_get_counts (store, counts, &error));
  g_assert_no_error (error);
}

static void
test_reproducible (Fixture *fixture, gconstpointer data)
{
  g_autofree char *a = generate (fixture, "a.db", 7, 52);
  g_autofree char *b = generate (fixture, "b.db", 7, 52);
  g_autofree char *c = generate (fixture, "c.db", 8, 52);
  g_autofree char *sum_a = checksum_db (a);
  g_autofree char *sum_b = checksum_db (b);
  g_autofree char *sum_c = checksum_db (c);
  TendStoreCounts  counts_a, counts_b, counts_c;

  get_counts (a, &counts_a);
  get_counts (b, &counts_b);
  get_counts (c, &counts_c);

  g_assert_cmpint (counts_a.accounts, ==, 1);
  g_assert_cmpint (counts_a.people, ==, counts_b.people);
  g_assert_cmpint (counts_a.messages, ==, counts_b.messages);
  g_assert_cmpint (counts_a.events, ==, counts_b.events);
  g_assert_cmpstr (sum_a, ==, sum_b);

  g_assert_true (counts_a.messages != counts_c.messages || counts_a.events != counts_c.events);
  g_assert_cmpstr (sum_a, !=, sum_c);
}

/* Weeks of the history that hold at least one message, in the fixture's zone. */
static guint
count_weeks_with_messages (Fixture *fixture, sqlite3 *db)
{
  g_autoptr (GHashTable) weeks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT DISTINCT sent_at FROM message", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      TendWeek week;

      tend_week_from_unix (sqlite3_column_int64 (stmt, 0), fixture->tz, &week);
      g_hash_table_add (weeks, tend_week_to_string (&week));
    }
  sqlite3_finalize (stmt);
  return g_hash_table_size (weeks);
}

/* Messages I sent at @hour or later, local time. */
static guint
count_sent_from_hour (Fixture *fixture, sqlite3 *db, int hour, gboolean weekend)
{
  sqlite3_stmt *stmt = NULL;
  guint         n = 0;

  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT sent_at FROM message WHERE direction = 1", -1, &stmt, NULL),
      ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 0));
      g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, fixture->tz);

      if (g_date_time_get_hour (local) >= hour
          && (!weekend || g_date_time_get_day_of_week (local) >= 6))
        n++;
    }
  sqlite3_finalize (stmt);
  return n;
}

static void
test_year (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = generate (fixture, "year.db", 1, 52);
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_auto (GStrv) me = NULL;
  gint64           now = g_date_time_to_unix (fixture->now);
  g_autofree char *sql = NULL;
  sqlite3         *db = open_db (path);
  sqlite3_stmt    *stmt = NULL;
  TendStoreCounts  counts;

  g_assert_no_error (error);
  me = tend_store_dup_me (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (me, ((const char *const[]){ TEND_DEMO_ME_ADDRESS, NULL }));

  g_assert_true (tend_store_get_counts (store, &counts, &error));
  g_assert_cmpint (counts.messages, >, 5000);
  g_assert_cmpint (counts.events, >, 300);
  /* About 25 colleagues and 40 contacts, and me. */
  g_assert_cmpint (counts.people, >=, 50);
  g_assert_cmpint (counts.people, <=, 70);

  /* Vacations leave a few weeks empty, no more. */
  g_assert_cmpuint (count_weeks_with_messages (fixture, db), >=, 45);
  g_assert_cmpuint (count_weeks_with_messages (fixture, db), <=, 52);

  sql = g_strdup_printf ("SELECT count(*) FROM message WHERE sent_at > %" G_GINT64_FORMAT, now);
  g_assert_cmpint (query_int (db, sql), ==, 0);
  g_clear_pointer (&sql, g_free);
  /* The current week has begun: Monday to Wednesday afternoon hold messages. */
  sql = g_strdup_printf ("SELECT count(*) FROM message WHERE sent_at > %" G_GINT64_FORMAT,
                         now - 2 * 24 * 3600);
  g_assert_cmpint (query_int (db, sql), >, 20);
  g_clear_pointer (&sql, g_free);

  /* Both ways, both kinds, replies that point at stored messages. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE direction = 1"), >, 1000);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE direction = 0"), >, 1000);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE kind = 1"), >, 1000);
  g_assert_cmpint (query_int (db,
                              "SELECT count(*) FROM message m WHERE direction = 1 AND"
                              " EXISTS (SELECT 1 FROM message p WHERE p.direction = 0"
                              " AND p.account_id = m.account_id AND p.provider_key = m.reply_to_key"
                              " AND p.sent_at < m.sent_at)"),
                   >, 500);
  g_assert_cmpint (
      query_int (db, "SELECT count(*) FROM message m WHERE direction = 0 AND"
                     " EXISTS (SELECT 1 FROM message p WHERE p.direction = 1"
                     " AND p.account_id = m.account_id AND p.provider_key = m.reply_to_key)"),
      >, 100);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message m WHERE reply_to_key IS NOT NULL"
                                  " AND NOT EXISTS (SELECT 1 FROM message p"
                                  " WHERE p.account_id = m.account_id"
                                  " AND p.provider_key = m.reply_to_key)"),
                   ==, 0);

  /* Content features are small counts, each present somewhere. */
  g_assert_cmpint (query_int (db, "SELECT max(words) FROM message"), <=, 1500);
  g_assert_cmpint (query_int (db, "SELECT min(words) FROM message"), >=, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE gratitude > 0"
                                  " AND direction = 1"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE gratitude > 0"
                                  " AND direction = 0"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE apologies > 0"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE hedges > 0"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE negative > 0"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE questions > 0"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT max(gratitude + apologies + negative + questions)"
                                  " FROM message"),
                   <, 10);

  /* Evenings and weekends, now and then. */
  g_assert_cmpuint (count_sent_from_hour (fixture, db, 19, FALSE), >, 50);
  g_assert_cmpuint (count_sent_from_hour (fixture, db, 0, TRUE), >, 5);

  /* A calendar with every kind of event the figures look at. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE recurring"
                                  " AND recurrence_id <> 0"),
                   >, 200);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT uid) FROM event WHERE recurring"), >=, 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE recurring"
                                  " AND start_at <> recurrence_id"),
                   >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE NOT recurring"
                                  " AND NOT all_day"),
                   >, 100);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE my_response = 4"), >, 10);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE my_response = 1"), >, 10);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE cancelled"), >, 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE attendee_count >= 8"), >, 20);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE online"), >, 20);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE all_day"), >=, 3);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE end_at <= start_at"), ==, 0);

  /* Only invented addresses. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM identity"
                                  " WHERE address NOT LIKE '%.invalid'"),
                   ==, 0);

  /* Someone close fades away: often in touch until six weeks ago, not in the last two. And
   * someone new: first in touch in the last three weeks, a few times since. */
  sql = g_strdup_printf ("WITH touch (person_id, at) AS ("
                         " SELECT sender_id, sent_at FROM message"
                         " UNION ALL SELECT person_id, sent_at FROM message_recipient"
                         " JOIN message ON message.id = message_id),"
                         " per_person AS (SELECT person_id, count(*) AS n, min(at) AS first,"
                         " max(at) AS last, count(*) FILTER (WHERE at < %1$" G_GINT64_FORMAT
                         " - 42 * 86400) AS early FROM touch GROUP BY person_id)"
                         " SELECT count(*) FILTER (WHERE early >= 20"
                         " AND last < %1$" G_GINT64_FORMAT " - 14 * 86400),"
                         " count(*) FILTER (WHERE first > %1$" G_GINT64_FORMAT " - 21 * 86400"
                         " AND n >= 3)"
                         " FROM per_person JOIN person ON person.id = person_id WHERE NOT is_me",
                         now);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 2);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), >=, 2);
  sqlite3_finalize (stmt);

  sqlite3_close (db);
}

/* Histories shorter than the cast's timeline still work. */
static void
test_short (Fixture *fixture, gconstpointer data)
{
  for (guint weeks = 1; weeks <= 4; weeks++)
    {
      g_autofree char *name = g_strdup_printf ("short-%u.db", weeks);
      g_autofree char *path = generate (fixture, name, weeks, weeks);
      TendStoreCounts  counts;

      get_counts (path, &counts);
      g_assert_cmpint (counts.messages, >, 0);
      g_assert_cmpint (counts.events, >, 0);
    }
}

static void
test_bulk (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "bulk.db", NULL);
  g_autofree char *again = g_build_filename (fixture->dir, "bulk-again.db", NULL);
  g_autofree char *sum = NULL;
  g_autofree char *sum_again = NULL;
  g_autofree char *sql = NULL;
  TendStoreCounts  counts;
  sqlite3         *db;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (TendStore) store
          = tend_store_open (i == 0 ? path : again, TEND_STORE_OPEN_READ_WRITE, &error);

      g_assert_no_error (error);
      g_assert_true (
          tend_demo_generate_bulk (store, 3, 10, 3000, 400, 80, fixture->now, fixture->tz, &error));
      g_assert_no_error (error);
    }

  /* Exactly as many as asked for; people are me and at most the 80 others. */
  get_counts (path, &counts);
  g_assert_cmpint (counts.messages, ==, 3000);
  g_assert_cmpint (counts.events, ==, 400);
  g_assert_cmpint (counts.people, <=, 81);
  g_assert_cmpint (counts.people, >, 20);

  sum = checksum_db (path);
  sum_again = checksum_db (again);
  g_assert_cmpstr (sum, ==, sum_again);

  db = open_db (path);
  sql = g_strdup_printf ("SELECT count(*) FROM message WHERE sent_at > %" G_GINT64_FORMAT,
                         g_date_time_to_unix (fixture->now));
  g_assert_cmpint (query_int (db, sql), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message WHERE direction = 1"), >, 500);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM message m WHERE EXISTS (SELECT 1"
                                  " FROM message p WHERE p.account_id = m.account_id"
                                  " AND p.provider_key = m.reply_to_key)"),
                   >, 500);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM event WHERE recurring"), >, 0);
  sqlite3_close (db);
}

static void
test_is_demo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "mine.db", NULL);
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  gboolean is_demo = FALSE;
  gboolean holds = TRUE;

  g_assert_no_error (error);
  /* Empty: nothing to lose, but no invented figures either. */
  g_assert_true (tend_demo_is_demo_store (store, &is_demo, &error));
  g_assert_no_error (error);
  g_assert_true (is_demo);
  g_assert_true (tend_demo_holds_demo_data (store, &holds, &error));
  g_assert_no_error (error);
  g_assert_false (holds);

  g_assert_true (tend_demo_generate (store, 5, 2, fixture->now, fixture->tz, &error));
  g_assert_no_error (error);
  g_assert_true (tend_demo_is_demo_store (store, &is_demo, &error));
  g_assert_true (is_demo);
  g_assert_true (tend_demo_holds_demo_data (store, &holds, &error));
  g_assert_true (holds);

  /* Someone's own mail is never demo data; the demo's figures mixed in are still invented. */
  g_assert_cmpint (tend_store_ensure_account (store, "mbox", "work", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (tend_demo_is_demo_store (store, &is_demo, &error));
  g_assert_no_error (error);
  g_assert_false (is_demo);
  g_assert_true (tend_demo_holds_demo_data (store, &holds, &error));
  g_assert_no_error (error);
  g_assert_true (holds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/demo/reproducible", Fixture, NULL, fixture_set_up, test_reproducible,
              fixture_tear_down);
  g_test_add ("/demo/year", Fixture, NULL, fixture_set_up, test_year, fixture_tear_down);
  g_test_add ("/demo/short", Fixture, NULL, fixture_set_up, test_short, fixture_tear_down);
  g_test_add ("/demo/bulk", Fixture, NULL, fixture_set_up, test_bulk, fixture_tear_down);
  g_test_add ("/demo/is-demo", Fixture, NULL, fixture_set_up, test_is_demo, fixture_tear_down);

  return g_test_run ();
}
