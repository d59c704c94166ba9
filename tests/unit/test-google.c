/* test-google.c: TendGoogleSource against tests/fakes/fake-google.py
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * What the fake's generated mailbox holds, by message index i (0 the newest): i % 3 == 0 sent by
 * me, the others received; i % 5 == 0 a reply to i + 1; every body has "Quokka<i>Marmalade".
 * Its calendar gives 4 single events + 14 occurrences of a weekly series + E generated ones in
 * the first sync's window (fake-google.py's docstring lists them).
 */
#define G_LOG_DOMAIN "tend-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tend-google-source.h"
#include "tend-store-private.h"
#include "tend-test-fake.h"
#include "tend-test-util.h"

#define ME "me@example.com"

typedef struct
{
  TendTestFake     *fake;
  char             *dir;
  char             *db_path;
  TendStore        *store;
  gint64            account;
  TendApiClient    *client;
  TendGoogleSource *source;
} Fixture;

static char *
token_cb (gboolean refresh, gpointer user_data, GCancellable *cancellable, GError **error)
{
  return g_strdup ("google-test-token");
}

/* Starts the fake with @args and opens an empty store. FALSE when the test was skipped. */
static gboolean
fixture_start (Fixture *f, const char *const *args, guint page_size)
{
  g_autoptr (GError) error = NULL;

  memset (f, 0, sizeof *f);
  if (!(f->fake = tend_test_fake_start ("fake-google.py", args)))
    return FALSE;
  f->dir = g_dir_make_tmp ("tend-google-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (f->db_path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  f->account = tend_store_ensure_account (f->store, "google", ME, &error);
  g_assert_no_error (error);
  f->client = tend_api_client_new (token_cb, NULL, NULL);
  tend_api_client_set_retry (f->client, 3, 10, 50);
  f->source = tend_google_source_new (f->client, tend_test_fake_get_url (f->fake));
  tend_google_source_set_page_size (f->source, page_size);
  return TRUE;
}

static void
fixture_stop (Fixture *f)
{
  g_clear_object (&f->source);
  g_clear_object (&f->client);
  g_clear_object (&f->store);
  g_clear_pointer (&f->fake, tend_test_fake_stop);
  if (f->dir != NULL)
    tend_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
}

static gboolean
run_sync (Fixture *f, TendSyncProgressFunc progress, gpointer data, GCancellable *cancellable,
          TendSyncReport *report, GError **error)
{
  return tend_sync_source_sync (TEND_SYNC_SOURCE (f->source), f->store, f->account, progress, data,
                                report, cancellable, error);
}

static void
sync_ok (Fixture *f, TendSyncReport *report)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (run_sync (f, NULL, NULL, NULL, report, &error));
  g_assert_no_error (error);
}

static void
control (Fixture *f, const char *request)
{
  g_autoptr (json_t) answer = tend_test_fake_control (f->fake, request);

  g_assert_false (json_is_false (json_object_get (answer, "ok")));
}

static gint64
query_int (Fixture *f, const char *sql)
{
  sqlite3      *db = _tend_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static TendStoreCounts
counts (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  TendStoreCounts out;

  g_assert_true (tend_store_get_counts (f->store, &out, &error));
  g_assert_no_error (error);
  return out;
}

/* One event row, as "all_day attendee_count my_response online recurring tzid". */
static char *
describe_event (Fixture *f, const char *uid)
{
  sqlite3      *db = _tend_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  char         *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT all_day, attendee_count, my_response, online,"
                                       " recurring, tzid FROM event WHERE uid = ?1",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup_printf ("%d %d %d %d %d %s", sqlite3_column_int (stmt, 0),
                            sqlite3_column_int (stmt, 1), sqlite3_column_int (stmt, 2),
                            sqlite3_column_int (stmt, 3), sqlite3_column_int (stmt, 4),
                            (const char *) sqlite3_column_text (stmt, 5));
  sqlite3_finalize (stmt);
  return text;
}

static gint64
count_uid (Fixture *f, const char *uid)
{
  sqlite3      *db = _tend_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM event WHERE uid = ?1", -1, &stmt, NULL), ==,
      SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* 40 messages in the window and 3 older ones; 5 generated events. */
static void
test_initial (void)
{
  const char      *args[] = { "--messages", "40", "--old", "3", "--events", "5", NULL };
  g_autofree char *meeting = NULL, *organized = NULL, *allday = NULL, *declined = NULL;
  g_auto (GStrv) me = NULL;
  g_autoptr (GError) error = NULL;
  TendSyncReport  report = { 0 };
  TendStoreCounts c;
  Fixture         f;

  if (!fixture_start (&f, args, 7))
    return;
  sync_ok (&f, &report);

  /* The 3 old messages lie outside the 26-week window. */
  c = counts (&f);
  g_assert_cmpint (c.messages, ==, 40);
  g_assert_cmpuint (report.messages_added, ==, 40);
  /* 4 single events + 15 - 1 cancelled occurrences + 5 generated. */
  g_assert_cmpint (c.events, ==, 23);
  g_assert_cmpuint (report.events_changed, ==, 23);
  g_assert_cmpuint (report.skipped, ==, 0);

  me = tend_store_dup_me (f.store, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) me, ME));
  /* i % 3 == 0 for i in 0..39: 0, 3, …, 39 is 14 messages sent. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE direction = 1"), ==, 14);
  /* Every message had a body with words in it, HTML-only ones included. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE words = 0"), ==, 0);
  /* Each body says "Thanks" and "Sorry" once. */
  g_assert_cmpint (query_int (&f, "SELECT min (gratitude) FROM message"), >=, 1);

  /* evt-meeting: me and Ada (the room is not a person), accepted (2), online. */
  meeting = describe_event (&f, "evt-meeting");
  g_assert_cmpstr (meeting, ==, "0 2 2 1 0 Europe/Berlin");
  /* evt-organized: 3 people, I organize (1), online via conferenceData. */
  organized = describe_event (&f, "evt-organized");
  g_assert_cmpstr (organized, ==, "0 3 1 1 0 Europe/Berlin");
  /* evt-allday: no attendees, so no answer (0), but me as its organizer (1, as file import
   * counts an ORGANIZER without attendees); the calendar's zone. */
  allday = describe_event (&f, "evt-allday");
  g_assert_cmpstr (allday, ==, "1 1 0 0 0 Europe/Berlin");
  declined = describe_event (&f, "evt-declined");
  g_assert_cmpstr (declined, ==, "0 2 4 0 0 Europe/Berlin");
  g_assert_cmpint (count_uid (&f, "series-weekly"), ==, 14);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE uid = 'series-weekly'"
                                  " AND recurring = 1 AND recurrence_id > 0"),
                   ==, 14);
  /* The moved occurrence keeps its original start as recurrence id: two hours apart. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE uid = 'series-weekly'"
                                  " AND start_at - recurrence_id = 7200"),
                   ==, 1);
  g_assert_cmpint (count_uid (&f, "evt-deleted"), ==, 0);
  g_assert_cmpint (count_uid (&f, "evt-location"), ==, 0);
  g_assert_cmpint (count_uid (&f, "evt-old"), ==, 0);

  /* A second sync finds nothing new. */
  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 0);
  g_assert_cmpuint (report.events_changed, ==, 0);
  g_assert_cmpint (counts (&f).messages, ==, 40);
  g_assert_cmpint (counts (&f).events, ==, 23);

  fixture_stop (&f);
}

/* Replies: i % 5 == 0 answers i + 1, so in 0..39: 0, 5, …, 35 is 8 linked replies; and one added
 * later that answers generated message 1. */
static void
test_replies (void)
{
  const char *args[] = { "--messages", "40", "--events", "0", NULL };
  const char *linked = "SELECT count(*) FROM message r JOIN message p"
                       " ON r.reply_to_key = p.provider_key AND r.account_id = p.account_id";
  Fixture     f;

  if (!fixture_start (&f, args, 100))
    return;
  sync_ok (&f, NULL);
  g_assert_cmpint (query_int (&f, linked), ==, 8);
  /* Each reply shares its parent's thread. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message r JOIN message p"
                                  " ON r.reply_to_key = p.provider_key"
                                  " WHERE r.conversation_key = p.conversation_key"),
                   ==, 8);

  control (&f, "{\"op\": \"add_messages\", \"count\": 1, \"from_me\": true,"
               " \"reply_to\": \"18a0000000000001\"}");
  sync_ok (&f, NULL);
  g_assert_cmpint (query_int (&f, linked), ==, 9);
  fixture_stop (&f);
}

/* New mail arrives through users.history.list; drafts and spam do not count. */
static void
test_history (void)
{
  const char *args[] = { "--messages", "20", "--events", "0", NULL };
  g_autoptr (json_t) stats = NULL;
  TendSyncReport report = { 0 };
  Fixture        f;

  if (!fixture_start (&f, args, 3))
    return;
  sync_ok (&f, NULL);
  g_assert_cmpint (counts (&f).messages, ==, 20);

  control (&f, "{\"op\": \"add_messages\", \"count\": 4}");
  control (&f, "{\"op\": \"add_messages\", \"count\": 1, \"from_me\": true}");
  control (&f, "{\"op\": \"add_messages\", \"count\": 2, \"labels\": [\"DRAFT\"]}");
  control (&f, "{\"op\": \"add_messages\", \"count\": 1, \"labels\": [\"SPAM\"]}");
  control (&f, "{\"op\": \"reset_stats\"}");
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 5);
  g_assert_cmpint (counts (&f).messages, ==, 25);
  /* Sent: among the generated 0..19, 7 (0, 3, …, 18); and the one added from me. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE direction = 1"), ==, 8);

  /* Only the 5 new messages were read: drafts and spam are known by their labels. No listing. */
  stats = tend_test_fake_stats (f.fake);
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (stats, "by_path"),
                                                        "/gmail/v1/users/me/messages")),
                   ==, 0);
  g_assert_null (json_object_get (json_object_get (stats, "by_path"),
                                  "/gmail/v1/users/me/messages/18b0000000000005"));

  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 0);
  fixture_stop (&f);
}

/* A historyId Gmail no longer knows (404) makes a full listing again, with no duplicates. */
static void
test_history_expired (void)
{
  const char    *args[] = { "--messages", "30", "--events", "0", NULL };
  TendSyncReport report = { 0 };
  Fixture        f;

  if (!fixture_start (&f, args, 8))
    return;
  sync_ok (&f, NULL);
  control (&f, "{\"op\": \"add_messages\", \"count\": 2}");
  control (&f, "{\"op\": \"expire_history\"}");
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 2);
  g_assert_cmpint (counts (&f).messages, ==, 32);

  /* The new historyId works. */
  control (&f, "{\"op\": \"add_messages\", \"count\": 1}");
  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 1);
  g_assert_cmpint (counts (&f).messages, ==, 33);
  fixture_stop (&f);
}

/* 410 Gone on the syncToken: a full calendar sync again, nothing doubled. */
static void
test_calendar_gone (void)
{
  const char    *args[] = { "--messages", "0", "--events", "10", NULL };
  TendSyncReport report = { 0 };
  Fixture        f;

  if (!fixture_start (&f, args, 5))
    return;
  sync_ok (&f, NULL);
  /* 4 + 14 + 10. */
  g_assert_cmpint (counts (&f).events, ==, 28);

  control (&f, "{\"op\": \"cal_add\", \"id\": \"evt-new\", \"hours_from_now\": 30}");
  control (&f, "{\"op\": \"expire_sync_tokens\"}");
  sync_ok (&f, &report);
  g_assert_cmpuint (report.events_changed, ==, 1);
  g_assert_cmpint (counts (&f).events, ==, 29);
  g_assert_cmpint (count_uid (&f, "evt-new"), ==, 1);

  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.events_changed, ==, 0);
  fixture_stop (&f);
}

static void
assert_refused (Fixture *f, const char *path_and_query)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strconcat (tend_test_fake_get_url (f->fake), path_and_query, NULL);
  g_autoptr (json_t) answer = tend_api_client_get_json (f->client, url, NULL, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "HTTP 400"));
  g_assert_nonnull (strstr (error->message, "INVALID_ARGUMENT"));
}

/* The fake refuses what the references rule out, so that the source cannot drift from them:
 * events.list with a syncToken and timeMin, orderBy or q, or showDeleted=false; orderBy=startTime
 * without singleEvents; messages.get with an unknown format; history.list with an unknown
 * history type. The source's own requests pass: a first sync and a second one on the tokens. */
static void
test_documented_options (void)
{
  const char      *args[] = { "--messages", "3", "--events", "2", NULL };
  g_autofree char *sync_token = NULL;
  g_autofree char *query = NULL;
  Fixture          f;

  if (!fixture_start (&f, args, 50))
    return;
  sync_ok (&f, NULL);
  sync_ok (&f, NULL);

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *url
        = g_strconcat (tend_test_fake_get_url (f.fake),
                       "/calendar/v3/calendars/primary/events?singleEvents=true", NULL);
    g_autoptr (json_t) answer = tend_api_client_get_json (f.client, url, NULL, NULL, &error);

    g_assert_no_error (error);
    sync_token = g_uri_escape_string (json_string_value (json_object_get (answer, "nextSyncToken")),
                                      NULL, FALSE);
  }
  query = g_strconcat ("/calendar/v3/calendars/primary/events?syncToken=", sync_token, NULL);
  {
    g_autofree char *with_min = g_strconcat (query, "&timeMin=2020-01-01T00:00:00Z", NULL);
    g_autofree char *with_order = g_strconcat (query, "&orderBy=updated", NULL);
    g_autofree char *with_q = g_strconcat (query, "&q=budget", NULL);
    g_autofree char *hiding = g_strconcat (query, "&showDeleted=false", NULL);

    assert_refused (&f, with_min);
    assert_refused (&f, with_order);
    assert_refused (&f, with_q);
    assert_refused (&f, hiding);
  }
  assert_refused (&f, "/calendar/v3/calendars/primary/events?orderBy=startTime");
  assert_refused (&f, "/gmail/v1/users/me/messages/gen-0?format=everything");
  assert_refused (&f, "/gmail/v1/users/me/history?startHistoryId=4000&historyTypes=messageRead");
  fixture_stop (&f);
}

/* Gmail answers a burst over the per-user quota with 403 userRateLimitExceeded: the sync waits
 * and carries on (3 attempts a request here, so two refusals in a row still pass). */
static void
test_rate_limited (void)
{
  const char    *args[] = { "--messages", "20", "--events", "2", NULL };
  TendSyncReport report = { 0 };
  Fixture        f;

  if (!fixture_start (&f, args, 50))
    return;
  control (&f, "{\"op\": \"fail\", \"count\": 2, \"status\": 403, \"body\": {\"error\": "
               "{\"code\": 403, \"message\": \"User-rate limit exceeded.\", \"errors\": "
               "[{\"domain\": \"usageLimits\", \"reason\": \"userRateLimitExceeded\", "
               "\"message\": \"User-rate limit exceeded.\"}]}}}");
  sync_ok (&f, &report);
  g_assert_cmpint (counts (&f).messages, ==, 20);
  fixture_stop (&f);
}

/* A cancelled event or occurrence leaves the store. */
static void
test_cancelled (void)
{
  const char      *args[] = { "--messages", "0", "--events", "2", NULL };
  g_autofree char *stamp = NULL;
  TendSyncReport   report = { 0 };
  Fixture          f;

  if (!fixture_start (&f, args, 50))
    return;
  sync_ok (&f, NULL);
  g_assert_cmpint (counts (&f).events, ==, 20);
  g_assert_cmpint (count_uid (&f, "evt-meeting"), ==, 1);

  control (&f, "{\"op\": \"cal_cancel\", \"id\": \"evt-meeting\"}");
  control (&f, "{\"op\": \"cal_cancel\", \"id\": \"gen-1\"}");
  sync_ok (&f, &report);
  g_assert_cmpuint (report.events_removed, ==, 2);
  g_assert_cmpint (count_uid (&f, "evt-meeting"), ==, 0);
  g_assert_cmpint (count_uid (&f, "gen-1"), ==, 0);
  g_assert_cmpint (counts (&f).events, ==, 18);
  fixture_stop (&f);
}

/* Looks for @needle in the file at @path, if it exists. */
static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize            len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  /* The file holds NUL bytes: no string function will do. */
  for (gsize i = 0; i + strlen (needle) <= len; i++)
    if (memcmp (data + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

/* Invariant 3: no body text in the database or its WAL. Every body (and Gmail's snippet) holds
 * "Marmalade" and "Thanks for the notes". */
static void
test_no_bodies (void)
{
  const char *args[] = { "--messages", "60", "--events", "0", NULL };
  const char *needles[] = { "Marmalade", "Thanks for the notes", "quoted words" };
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  Fixture     f;

  if (!fixture_start (&f, args, 25))
    return;
  sync_ok (&f, NULL);
  g_assert_cmpint (counts (&f).messages, ==, 60);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f.db_path, suffixes[i], NULL);

      for (guint j = 0; j < G_N_ELEMENTS (needles); j++)
        g_assert_false (file_contains (path, needles[j]));
    }
  /* The WAL was there to be searched. */
  {
    g_autofree char *wal = g_strconcat (f.db_path, "-wal", NULL);

    g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
  fixture_stop (&f);
}

typedef struct
{
  Fixture      *f;
  guint         pages;
  guint         fail_after; /* pages */
  GCancellable *cancel;     /* cancelled instead of a malformed page, when set */
} Interrupt;

static void
interrupt_cb (const char *collection, guint done, guint total, gpointer user_data)
{
  Interrupt *interrupt = user_data;

  if (!g_str_equal (collection, "gmail") || ++interrupt->pages != interrupt->fail_after)
    return;
  if (interrupt->cancel != NULL)
    g_cancellable_cancel (interrupt->cancel);
  else
    control (interrupt->f, "{\"op\": \"malformed\", \"count\": 1}");
}

/* A page that is not JSON fails the mail sync after two pages were stored; the calendar still
 * syncs; the next sync resumes at the third page and completes without duplicates. */
static void
test_malformed (void)
{
  const char *args[] = { "--messages", "30", "--events", "3", NULL };
  g_autoptr (GError) error = NULL;
  TendSyncReport report = { 0 };
  Interrupt      interrupt = { .fail_after = 2 };
  Fixture        f;

  if (!fixture_start (&f, args, 10))
    return;
  interrupt.f = &f;
  g_assert_false (run_sync (&f, interrupt_cb, &interrupt, NULL, &report, &error));
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED);
  g_assert_cmpint (counts (&f).messages, ==, 20);
  g_assert_cmpint (counts (&f).events, ==, 21);

  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 10);
  g_assert_cmpint (counts (&f).messages, ==, 30);
  fixture_stop (&f);
}

/* Cancelled between pages (as a kill would stop it), the sync resumes where the last committed
 * page left off. */
static void
test_resume (void)
{
  const char *args[] = { "--messages", "50", "--events", "0", NULL };
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) stats = NULL;
  Interrupt      interrupt = { .fail_after = 3, .cancel = cancel };
  TendSyncReport report = { 0 };
  Fixture        f;

  if (!fixture_start (&f, args, 10))
    return;
  g_assert_false (run_sync (&f, interrupt_cb, &interrupt, cancel, &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (counts (&f).messages, ==, 30);

  control (&f, "{\"op\": \"reset_stats\"}");
  memset (&report, 0, sizeof report);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 20);
  g_assert_cmpint (counts (&f).messages, ==, 50);
  /* Resumed, not restarted: 2 list pages, 20 messages read, 1 history page, and 3 calendar
   * pages (21 items: 18 occurrences, 2 cancelled ones, 1 working-location marker); no profile. */
  stats = tend_test_fake_stats (f.fake);
  g_assert_cmpint (json_integer_value (json_object_get (stats, "requests")), ==, 26);
  fixture_stop (&f);
}

/* A large mailbox: every message arrives once. Each message costs a request of its own
 * (users.messages.get), about 1 ms on loopback, mostly the kernel's and the Python fake's: 50 000
 * take some 45 s on two shared cores. The default (5000) keeps the test near 4 s;
 * TEND_GOOGLE_LARGE=50000 runs the full size (the fake generates any size lazily). */
static void
test_large (void)
{
  const char    *count = g_getenv ("TEND_GOOGLE_LARGE") ? g_getenv ("TEND_GOOGLE_LARGE") : "5000";
  const char    *args[] = { "--messages", count, "--events", "0", NULL };
  TendSyncReport report = { 0 };
  gint64         start = g_get_monotonic_time ();
  Fixture        f;

  if (!fixture_start (&f, args, 500))
    return;
  sync_ok (&f, &report);
  g_assert_cmpint (counts (&f).messages, ==, g_ascii_strtoll (count, NULL, 10));
  g_assert_cmpuint (report.messages_added, ==, g_ascii_strtoll (count, NULL, 10));
  g_test_message ("%s messages in %.1f s", count,
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/google/initial", test_initial);
  g_test_add_func ("/google/replies", test_replies);
  g_test_add_func ("/google/history", test_history);
  g_test_add_func ("/google/history-expired", test_history_expired);
  g_test_add_func ("/google/calendar-gone", test_calendar_gone);
  g_test_add_func ("/google/cancelled", test_cancelled);
  g_test_add_func ("/google/no-bodies", test_no_bodies);
  g_test_add_func ("/google/malformed", test_malformed);
  g_test_add_func ("/google/resume", test_resume);
  g_test_add_func ("/google/documented-options", test_documented_options);
  g_test_add_func ("/google/rate-limited", test_rate_limited);
  g_test_add_func ("/google/large", test_large);

  return g_test_run ();
}
