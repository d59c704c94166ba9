/* test-graph.c: TendGraphSource against tests/fakes/fake-graph.py
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-test"

#include "config.h"

#include <gio/gio.h>

#include "tend-graph-source.h"
#include "tend-store-private.h"
#include "tend-test-fake.h"
#include "tend-test-util.h"

/* fake-graph.py's fixed content besides the generated mailbox (see its docstring): two chats
 * of 12 and 30 messages (system events aside); 20 single events, one all-day event and a
 * series of 10 of which one is cancelled: 30 occurrences kept. */
#define N_CHAT_MESSAGES 42
#define N_EVENTS 30
#define ME "morgan.lee@contoso.example"
#define BODY_MARKER "periwinkle ledger"

typedef struct
{
  TendTestFake    *fake;
  TendApiClient   *client;
  TendGraphSource *source;
  TendStore       *store;
  char            *dir;
  char            *db_path;
  gint64           account_id;
} Fixture;

static char *
token_cb (gboolean refresh, gpointer user_data, GCancellable *cancellable, GError **error)
{
  return g_strdup (refresh ? "graph-token-2" : "graph-token-1");
}

static gboolean
fixture_set_up (Fixture *f, guint n_messages, guint page_size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *count = g_strdup_printf ("%u", n_messages);
  g_autofree char *base = NULL;
  const char      *args[] = { "--messages", count, NULL };

  *f = (Fixture){ 0 };
  if (!(f->fake = tend_test_fake_start ("fake-graph.py", args)))
    return FALSE;
  f->client = tend_api_client_new (token_cb, NULL, NULL);
  tend_api_client_set_retry (f->client, 4, 10, 100);
  base = g_strconcat (tend_test_fake_get_url (f->fake), "/v1.0", NULL);
  f->source = tend_graph_source_new (f->client, base);
  tend_graph_source_set_page_size (f->source, page_size);
  f->dir = g_dir_make_tmp ("tend-graph-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (f->db_path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  f->account_id = tend_store_ensure_account (f->store, "microsoft", ME, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->account_id, >, 0);
  return TRUE;
}

static void
fixture_tear_down (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_object (&f->source);
  g_clear_object (&f->client);
  g_clear_pointer (&f->fake, tend_test_fake_stop);
  if (f->dir != NULL)
    tend_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_tear_down)

static gboolean
sync_once (Fixture *f, TendSyncReport *report, GError **error)
{
  return tend_sync_source_sync (TEND_SYNC_SOURCE (f->source), f->store, f->account_id, NULL, NULL,
                                report, NULL, error);
}

static void
sync_ok (Fixture *f, TendSyncReport *report)
{
  g_autoptr (GError) error = NULL;

  gboolean ok = sync_once (f, report, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
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

static gint64
query_int (Fixture *f, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (f->store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
control (Fixture *f, const char *request)
{
  g_autoptr (json_t) answer = tend_test_fake_control (f->fake, request);

  g_assert_true (json_is_true (json_object_get (answer, "ok")));
}

static gint64
stat_status (Fixture *f, const char *status)
{
  g_autoptr (json_t) stats = tend_test_fake_stats (f->fake);

  return json_integer_value (json_object_get (json_object_get (stats, "by_status"), status));
}

/* 50 messages: thread t holds messages 3t (Inbox), 3t+1 (Sent) and 3t+2 (Inbox), so Sent
 * Items has (50 + 1) / 3 = 17 and the Inbox 33; with the chats 92 messages in all. */
static void
test_initial (void)
{
  g_auto (Fixture) f;
  g_auto (GStrv) me = NULL;
  g_autoptr (GError) error = NULL;
  TendSyncReport  report;
  TendStoreCounts c;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  c = counts (&f);
  g_assert_cmpint (c.messages, ==, 50 + N_CHAT_MESSAGES);
  g_assert_cmpuint (report.messages_added, ==, 50 + N_CHAT_MESSAGES);
  g_assert_cmpint (c.events, ==, N_EVENTS);
  g_assert_cmpuint (report.events_changed, ==, N_EVENTS);
  g_assert_cmpuint (report.skipped, ==, 0);

  me = tend_store_dup_me (f.store, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (me, ((const char *const[]){ ME, NULL }));
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE kind = 0 AND direction = 1"),
                   ==, 17);
  /* The exception moved by an hour keeps its series' original start as recurrence_id. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE recurring"), ==, 9);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE recurring"
                                  " AND start_at != recurrence_id"),
                   ==, 1);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE all_day"), ==, 1);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM event WHERE my_response = 1"), ==, 10);
}

/* A second sync asks only for what changed: nothing new, nothing counted twice. */
static void
test_second_sync (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;
  gint64         requests;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  requests = tend_api_client_get_n_requests (f.client);
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 0);
  g_assert_cmpuint (report.events_changed, ==, 0);
  g_assert_cmpuint (report.events_removed, ==, 0);
  g_assert_cmpint (counts (&f).messages, ==, 50 + N_CHAT_MESSAGES);
  /* /me, two mail folders, the calendar, the chat list and one page per chat. */
  g_assert_cmpint (tend_api_client_get_n_requests (f.client) - requests, ==, 7);
}

/* New mail in both folders and new chat messages arrive through the delta links; mail removed
 * at the provider stays in the figures (it did arrive); a cancelled and a deleted event leave. */
static void
test_delta (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  control (&f, "{\"op\": \"add_messages\", \"folder\": \"inbox\", \"count\": 3}");
  control (&f, "{\"op\": \"add_messages\", \"folder\": \"sentitems\", \"count\": 2}");
  control (&f, "{\"op\": \"remove_messages\", \"folder\": \"inbox\", \"count\": 2}");
  control (&f, "{\"op\": \"add_chat_message\", \"chat\": \"19:launch-team@thread.v2\","
               " \"count\": 2}");
  control (&f, "{\"op\": \"cancel_event\", \"id\": \"AAMkEvent-3\"}");
  control (&f, "{\"op\": \"remove_event\", \"id\": \"AAMkEvent-5\"}");
  sync_ok (&f, &report);
  g_assert_cmpuint (report.messages_added, ==, 3 + 2 + 2);
  g_assert_cmpint (counts (&f).messages, ==, 50 + N_CHAT_MESSAGES + 7);
  g_assert_cmpuint (report.events_removed, ==, 2);
  g_assert_cmpint (counts (&f).events, ==, N_EVENTS - 2);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE kind = 0 AND direction = 1"),
                   ==, 17 + 2);
}

/* The provider forgets every delta token: 410, the cursors are cleared, the rounds start again
 * and, as rows are idempotent on their ids, nothing is added twice. */
static void
test_gone (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  control (&f, "{\"op\": \"expire_delta\"}");
  control (&f, "{\"op\": \"add_messages\", \"folder\": \"inbox\", \"count\": 1}");
  sync_ok (&f, &report);
  /* Inbox, Sent Items and the calendar each met a 410 once. */
  g_assert_cmpint (stat_status (&f, "410"), ==, 3);
  g_assert_cmpuint (report.messages_added, ==, 1);
  g_assert_cmpint (counts (&f).messages, ==, 50 + N_CHAT_MESSAGES + 1);
  g_assert_cmpint (counts (&f).events, ==, N_EVENTS);
}

/* A reply's conversationIndex extends its parent's by 5 bytes: every message i with
 * i % 3 != 0 answers message i - 1, 50 - 17 = 33 of them, sent ones included. */
static void
test_replies (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message m JOIN message p"
                                  " ON p.account_id = m.account_id"
                                  " AND p.provider_key = m.reply_to_key"),
                   ==, 33);
  /* My 17 replies answer received mail. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message m JOIN message p"
                                  " ON p.account_id = m.account_id"
                                  " AND p.provider_key = m.reply_to_key"
                                  " WHERE m.direction = 1 AND p.direction = 0"),
                   ==, 17);
  /* The lexicon read the bodies: every message has words. */
  g_assert_cmpint (query_int (&f, "SELECT count(*) FROM message WHERE words = 0"), ==, 0);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize            len = 0;

  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Invariant 3: bodies are read, never stored — neither in the database nor its WAL. */
static void
test_no_bodies (void)
{
  g_auto (Fixture) f;
  g_autofree char *wal = NULL;
  TendSyncReport   report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  wal = g_strconcat (f.db_path, "-wal", NULL);
  g_assert_true (g_file_test (f.db_path, G_FILE_TEST_EXISTS));
  g_assert_false (file_contains (f.db_path, BODY_MARKER));
  g_assert_false (file_contains (wal, BODY_MARKER));
  /* A known sender's address is there, so the search itself works. */
  g_assert_true (file_contains (f.db_path, "ada.okafor@contoso.example")
                 || file_contains (wal, "ada.okafor@contoso.example"));
}

typedef struct
{
  GCancellable *cancellable;
  guint         pages;
  guint         stop_after;
} Stopper;

static void
stop_progress_cb (const char *collection, guint done, guint total, gpointer user_data)
{
  Stopper *stopper = user_data;

  if (++stopper->pages == stopper->stop_after)
    g_cancellable_cancel (stopper->cancellable);
}

/* A sync stopped after any page resumes from its cursor: whatever page it stopped at, the
 * totals come out exact. */
static void
test_resume (void)
{
  for (guint stop_after = 1; stop_after <= 12; stop_after += 3)
    {
      g_auto (Fixture) f;
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      Stopper        stopper = { .cancellable = cancellable, .stop_after = stop_after };
      TendSyncReport report;

      if (!fixture_set_up (&f, 50, 7))
        return;
      g_assert_false (tend_sync_source_sync (TEND_SYNC_SOURCE (f.source), f.store, f.account_id,
                                             stop_progress_cb, &stopper, &report, cancellable,
                                             &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (counts (&f).messages, <, 50 + N_CHAT_MESSAGES);
      sync_ok (&f, &report);
      g_assert_cmpint (counts (&f).messages, ==, 50 + N_CHAT_MESSAGES);
      g_assert_cmpint (counts (&f).events, ==, N_EVENTS);
    }
}

/* A page that is not JSON fails the sync; the next sync picks up from the last good page. */
static void
test_malformed (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  TendSyncReport report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  sync_ok (&f, &report);
  control (&f, "{\"op\": \"add_messages\", \"folder\": \"inbox\", \"count\": 20}");
  control (&f, "{\"op\": \"malformed\"}");
  g_assert_false (sync_once (&f, &report, &error));
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED);
  sync_ok (&f, &report);
  g_assert_cmpint (counts (&f).messages, ==, 50 + N_CHAT_MESSAGES + 20);
}

/* An account whose chats are forbidden (403) still syncs its mail and calendar. */
static void
test_no_chats (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;

  if (!fixture_set_up (&f, 50, 7))
    return;
  control (&f, "{\"op\": \"forbid_chats\"}");
  sync_ok (&f, &report);
  g_assert_cmpint (counts (&f).messages, ==, 50);
  g_assert_cmpint (counts (&f).events, ==, N_EVENTS);
}

static json_t *
fake_get (Fixture *f, const char *path_and_query, const char *prefer, GError **error)
{
  g_autofree char *url
      = g_strconcat (tend_test_fake_get_url (f->fake), "/v1.0", path_and_query, NULL);
  const char *headers[] = { "Prefer", prefer, NULL };

  return tend_api_client_get_json (f->client, url, prefer != NULL ? headers : NULL, NULL, error);
}

static void
assert_refused (Fixture *f, const char *path_and_query, const char *graph_code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) page = fake_get (f, path_and_query, NULL, &error);

  g_assert_null (page);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "400"));
  g_assert_nonnull (strstr (error->message, graph_code));
}

/* The fake holds to the query options the Graph reference documents, so that a source that
 * strays fails here rather than against Microsoft:
 * - "message: delta": $filter only receivedDateTime ge|gt; a filtered round ends after 5 000
 *   messages. 12 000 messages put 8 000 in the Inbox (i % 3 != 1), so a round filtered from
 *   the year 2000 stops at 5 000, in 5 pages of 1 000, the last with the deltaLink.
 * - "event: delta": no $select on calendarView delta.
 * - "List messages in a chat": $top at most 50; a $filter on lastModifiedDateTime is ignored
 *   unless $orderby names lastModifiedDateTime too, so a filter "after 2100" still lists
 *   the 12 messages (and the system event) of the one-on-one chat under createdDateTime. */
static void
test_documented_options (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) chat = NULL;
  g_autofree char *next = NULL;
  guint            items = 0, pages = 0;

  if (!fixture_set_up (&f, 12000, 1000))
    return;
  assert_refused (&f, "/me/mailFolders/inbox/messages/delta?$filter=subject%20eq%20'x'",
                  "ErrorInvalidUrlQueryFilter");
  assert_refused (&f, "/me/mailFolders/inbox/messages/delta?$search=%22budget%22", "BadRequest");
  assert_refused (&f, "/me/mailFolders/inbox/messages/delta?$orderby=subject",
                  "ErrorInvalidUrlQuery");
  assert_refused (&f,
                  "/me/calendarView/delta?startDateTime=2020-01-01T00:00:00Z"
                  "&endDateTime=2030-01-01T00:00:00Z&$select=subject",
                  "ErrorInvalidUrlQuery");
  assert_refused (&f, "/me/chats/19:launch-team@thread.v2/messages?$top=51", "BadRequest");

  next = g_strdup ("/me/mailFolders/inbox/messages/delta"
                   "?$filter=receivedDateTime%20ge%202000-01-01T00:00:00Z&$select=id");
  for (;;)
    {
      g_autoptr (json_t) page = fake_get (&f, next, "odata.maxpagesize=1000", &error);
      const char *link;

      g_assert_no_error (error);
      items += (guint) json_array_size (json_object_get (page, "value"));
      pages++;
      link = json_string_value (json_object_get (page, "@odata.nextLink"));
      if (link == NULL)
        {
          g_assert_nonnull (json_object_get (page, "@odata.deltaLink"));
          break;
        }
      g_free (next);
      next = g_strdup (strstr (link, "/v1.0") + strlen ("/v1.0"));
    }
  g_assert_cmpuint (items, ==, 5000);
  g_assert_cmpuint (pages, ==, 5);

  chat = fake_get (&f,
                   "/me/chats/19:oneonone-ada@unq.gbl.spaces/messages?$top=50"
                   "&$orderby=createdDateTime%20desc"
                   "&$filter=lastModifiedDateTime%20gt%202100-01-01T00:00:00Z",
                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_size (json_object_get (chat, "value")), ==, 13);
}

/* 50 000 messages in pages of 1000: about 50 requests for mail, well under 20 s. */
static void
test_large (void)
{
  g_auto (Fixture) f;
  TendSyncReport report;
  gint64         start;

  if (!fixture_set_up (&f, 50000, 1000))
    return;
  start = g_get_monotonic_time ();
  sync_ok (&f, &report);
  g_test_message ("50 000 messages in %.1f s, %u requests",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
                  tend_api_client_get_n_requests (f.client));
  g_assert_cmpint (counts (&f).messages, ==, 50000 + N_CHAT_MESSAGES);
  g_assert_cmpuint (report.messages_added, ==, 50000 + N_CHAT_MESSAGES);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph/initial", test_initial);
  g_test_add_func ("/graph/second-sync", test_second_sync);
  g_test_add_func ("/graph/delta", test_delta);
  g_test_add_func ("/graph/gone", test_gone);
  g_test_add_func ("/graph/replies", test_replies);
  g_test_add_func ("/graph/no-bodies", test_no_bodies);
  g_test_add_func ("/graph/resume", test_resume);
  g_test_add_func ("/graph/malformed", test_malformed);
  g_test_add_func ("/graph/no-chats", test_no_chats);
  g_test_add_func ("/graph/documented-options", test_documented_options);
  g_test_add_func ("/graph/large", test_large);

  return g_test_run ();
}
