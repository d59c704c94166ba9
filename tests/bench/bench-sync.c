/* bench-sync.c: a first sync of 100 000 messages from the fake Graph, against fetching alone
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * tests/fakes/fake-graph.py serves the mailbox on loopback. TendGraphSource syncs it into a new
 * store at its default page size; the baseline, in the same run, asks the fake for the same
 * pages with a bare TendApiClient and only parses them. The requests the sync made are
 * compared with the fewest that can carry the same items at that page size.
 */
#define G_LOG_DOMAIN "tend-bench"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "bench-common.h"
#include "tend-graph-source.h"

#define N_MESSAGES 100000
/* fake-graph.py's "me" */
#define ME "morgan.lee@contoso.example"
/* What tend-graph-source.c asks for, so that the baseline receives the same bytes. Should the
 * source ask for something else, the counts differ and the bench fails rather than compare
 * different work. */
#define WEEKS_BACK 26
#define WEEKS_AHEAD 8
#define MAX_CHAT_PAGE_SIZE 50
#define MAIL_SELECT                                                                                \
  "$select=id,conversationId,conversationIndex,internetMessageId,sentDateTime,receivedDateTime,"   \
  "from,sender,toRecipients,ccRecipients,bccRecipients,isDraft,uniqueBody"

typedef struct
{
  GSubprocess   *process;
  char          *url;  /* e.g. http://127.0.0.1:PORT */
  char          *base; /* url + /v1.0 */
  TendApiClient *control;
} Fake;

/* Pages and items of one pass over the fake, by collection. */
typedef struct
{
  guint   page_size; /* the first Inbox page's item count */
  guint   inbox_items, inbox_pages;
  guint   sent_items, sent_pages;
  guint   calendar_items, calendar_pages;
  guint   chat_list_pages;
  GArray *chat_items; /* guint: items of each chat, all of its pages */
  guint   chat_pages;
  guint   messages; /* mail, and chat messages of type "message" */
} Pass;

static char *
token_cb (gboolean refresh, gpointer user_data, GCancellable *cancellable, GError **error)
{
  return g_strdup ("bench-token");
}

static void
fake_start (Fake *fake)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (json_t) ready = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = g_build_filename (TEND_FAKES_DIR, "fake-graph.py", NULL);
  g_autofree char *count = g_strdup_printf ("%u", N_MESSAGES);
  g_autofree char *line = NULL;
  const char      *url;

  if (python == NULL)
    bench_fail ("python3 is needed to run %s", script);
  /* Its stdin stays open as long as we live: the fake exits when it closes. */
  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                    &error, python, script, "--messages", count, NULL);
  if (fake->process == NULL)
    bench_fail ("Cannot start %s: %s", script, error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL)
    bench_fail ("%s did not say where it listens", script);
  ready = json_loads (line, 0, NULL);
  if (ready == NULL || !(url = json_string_value (json_object_get (ready, "url"))))
    bench_fail ("%s: unexpected ready line: %s", script, line);
  fake->url = g_strdup (url);
  fake->base = g_strconcat (url, "/v1.0", NULL);
  fake->control = tend_api_client_new (token_cb, NULL, NULL);
}

static void
fake_stop (Fake *fake)
{
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_close (g_subprocess_get_stdin_pipe (fake->process), NULL, &error)
      || !g_subprocess_wait_check (fake->process, NULL, &error))
    bench_fail ("fake-graph.py: %s", error->message);
  g_clear_object (&fake->process);
  g_clear_object (&fake->control);
  g_free (fake->url);
  g_free (fake->base);
}

/* API requests the fake has answered so far (its /_stats does not count itself). */
static guint
fake_requests (Fake *fake)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) stats = NULL;
  g_autofree char *url = g_strconcat (fake->url, "/_stats", NULL);

  if (!(stats = tend_api_client_get_json (fake->control, url, NULL, NULL, &error)))
    bench_fail ("fake-graph.py /_stats: %s", error->message);
  return (guint) json_integer_value (json_object_get (stats, "requests"));
}

static void
pass_clear (Pass *pass)
{
  g_clear_pointer (&pass->chat_items, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pass, pass_clear)

static void
progress_cb (const char *collection, guint done, guint total, gpointer user_data)
{
  Pass *pass = user_data;

  if (g_str_equal (collection, "mail-inbox"))
    {
      if (pass->inbox_pages++ == 0)
        pass->page_size = done;
      pass->inbox_items = done;
    }
  else if (g_str_equal (collection, "mail-sent"))
    {
      pass->sent_pages++;
      pass->sent_items = done;
    }
  else if (g_str_equal (collection, "calendar"))
    {
      pass->calendar_pages++;
      pass->calendar_items = done;
    }
  else if (g_str_equal (collection, "chats"))
    pass->chat_pages++;
}

/* Seconds for TendGraphSource to sync the whole fake into a new store at @db. */
static double
sync_with_source (Fake *fake, const char *db, Pass *pass, guint *n_requests)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendApiClient) client = tend_api_client_new (token_cb, NULL, NULL);
  g_autoptr (TendGraphSource) source = tend_graph_source_new (client, fake->base);
  TendSyncReport report = { 0 };
  gint64         account;
  guint          before;
  double         start;

  if (!tend_store_delete_files (db, &error)
      || !(store = tend_store_open (db, TEND_STORE_OPEN_READ_WRITE, &error))
      || !(account = tend_store_ensure_account (store, "microsoft", ME, &error)))
    bench_fail ("%s", error->message);

  before = fake_requests (fake);
  start = bench_seconds ();
  if (!tend_sync_source_sync (TEND_SYNC_SOURCE (source), store, account, progress_cb, pass, &report,
                              NULL, &error))
    bench_fail ("sync: %s", error->message);
  start = bench_seconds () - start;
  *n_requests = fake_requests (fake) - before;

  if (*n_requests != tend_api_client_get_n_requests (client))
    bench_fail ("the fake answered %u requests, the client sent %u", *n_requests,
                tend_api_client_get_n_requests (client));
  if (report.skipped > 0)
    bench_fail ("the sync skipped %u items", report.skipped);
  pass->messages = report.messages_added;
  return start;
}

/* Follows one collection's pages from @url to the last; returns the items. */
static guint
fetch_pages (TendApiClient *client, const char *url, const char *const *headers, guint *pages,
             guint *messages)
{
  g_autofree char *next = g_strdup (url);
  guint            items = 0;

  while (next != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (json_t) page = tend_api_client_get_json (client, next, headers, NULL, &error);
      json_t *value, *item;
      size_t  i;

      if (page == NULL)
        bench_fail ("%s", error->message);
      value = json_object_get (page, "value");
      if (!json_is_array (value))
        bench_fail ("a page without items from %s", next);
      (*pages)++;
      items += (guint) json_array_size (value);
      json_array_foreach (value, i, item)
      {
        const char *type = json_string_value (json_object_get (item, "messageType"));

        if (messages != NULL && (type == NULL || g_str_equal (type, "message")))
          (*messages)++;
      }
      g_free (next);
      next = g_strdup (json_string_value (json_object_get (page, "@odata.nextLink")));
    }
  return items;
}

static char *
format_utc (gint64 unix_time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

/* Seconds to GET and parse what the sync reads, with the same URLs and headers at page size
 * @pass->page_size, storing nothing. */
static double
fetch_only (Fake *fake, Pass *pass, guint *n_requests)
{
  g_autoptr (TendApiClient) client = tend_api_client_new (token_cb, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) me = NULL;
  g_autoptr (json_t) chats = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *since = format_utc (now - WEEKS_BACK * 7 * 24 * 3600);
  g_autofree char *until = format_utc (now + WEEKS_AHEAD * 7 * 24 * 3600);
  g_autofree char *chat_filter = g_strconcat ("lastModifiedDateTime gt ", since, NULL);
  g_autofree char *chat_filter_escaped = g_uri_escape_string (chat_filter, NULL, FALSE);
  g_autofree char *mail_prefer = g_strdup_printf (
      "odata.maxpagesize=%u, outlook.body-content-type=\"text\"", pass->page_size);
  g_autofree char *calendar_prefer = g_strdup_printf ("odata.maxpagesize=%u", pass->page_size);
  g_autofree char *url = NULL;
  const char      *mail_headers[] = { "Prefer", mail_prefer, NULL };
  const char      *calendar_headers[] = { "Prefer", calendar_prefer, NULL };
  const char      *folders[] = { "inbox", "sentitems" };
  guint           *items[] = { &pass->inbox_items, &pass->sent_items };
  guint           *pages[] = { &pass->inbox_pages, &pass->sent_pages };
  guint            before = fake_requests (fake);
  double           start = bench_seconds ();
  json_t          *chat;
  size_t           i;

  url = g_strconcat (fake->base, "/me?$select=mail,userPrincipalName", NULL);
  if (!(me = tend_api_client_get_json (client, url, NULL, NULL, &error)))
    bench_fail ("%s", error->message);

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_free (url);
      url = g_strdup_printf ("%s/me/mailFolders/%s/messages/delta?changeType=created&" MAIL_SELECT,
                             fake->base, folders[f]);
      *items[f] = fetch_pages (client, url, mail_headers, pages[f], &pass->messages);
    }

  g_free (url);
  url = g_strdup_printf ("%s/me/calendarView/delta?startDateTime=%s&endDateTime=%s", fake->base,
                         since, until);
  pass->calendar_items = fetch_pages (client, url, calendar_headers, &pass->calendar_pages, NULL);

  g_free (url);
  url = g_strconcat (fake->base, "/me/chats?$expand=members", NULL);
  if (!(chats = tend_api_client_get_json (client, url, NULL, NULL, &error)))
    bench_fail ("%s", error->message);
  if (json_object_get (chats, "@odata.nextLink") != NULL)
    bench_fail ("the fake's chats come on more than one page: the baseline reads only one");
  pass->chat_list_pages = 1;
  json_array_foreach (json_object_get (chats, "value"), i, chat)
  {
    g_autofree char *id
        = g_uri_escape_string (json_string_value (json_object_get (chat, "id")), NULL, FALSE);
    guint n;

    g_free (url);
    url = g_strdup_printf (
        "%s/me/chats/%s/messages?$top=%u&$orderby=lastModifiedDateTime%%20desc&$filter=%s",
        fake->base, id, MIN (pass->page_size, MAX_CHAT_PAGE_SIZE), chat_filter_escaped);
    n = fetch_pages (client, url, NULL, &pass->chat_pages, &pass->messages);
    g_array_append_val (pass->chat_items, n);
  }

  start = bench_seconds () - start;
  *n_requests = fake_requests (fake) - before;
  if (*n_requests != tend_api_client_get_n_requests (client))
    bench_fail ("the fake answered %u requests, the client sent %u", *n_requests,
                tend_api_client_get_n_requests (client));
  return start;
}

/* Pages that @items need at @size a page: a delta round ends with a page, even an empty one. */
static guint
pages_for (guint items, guint size)
{
  return MAX (1, (items + size - 1) / size);
}

/* The fewest requests that carry what @pass read at its page size P: /me, then
 * ceil(inbox/P) + ceil(sent/P) + ceil(calendar/P) delta pages, the pages of the chat list,
 * and ceil(items/min(P, 50)) for each chat; each term at least 1. */
static guint
minimum_requests (const Pass *pass)
{
  guint chat_size = MIN (pass->page_size, MAX_CHAT_PAGE_SIZE);
  guint n = 1 + pages_for (pass->inbox_items, pass->page_size)
            + pages_for (pass->sent_items, pass->page_size)
            + pages_for (pass->calendar_items, pass->page_size) + pass->chat_list_pages;

  for (guint i = 0; i < pass->chat_items->len; i++)
    n += pages_for (g_array_index (pass->chat_items, guint, i), chat_size);
  return n;
}

int
main (int argc, char **argv)
{
  g_autoptr (GArray) sync_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) fetch_rates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *name = NULL;
  g_autofree char *minimum_name = NULL;
  g_autofree char *requests_name = NULL;
  guint            runs = bench_get_runs (3);
  guint            sync_requests = 0, minimum = 0;
  Fake             fake = { 0 };

  g_set_prgname ("bench-sync");
  dir = bench_get_dir (argc, argv);
  db = g_build_filename (dir, "sync.db", NULL);
  fake_start (&fake);

  for (guint run = 0; run < runs; run++)
    {
      g_auto (Pass) synced = { .chat_items = g_array_new (FALSE, FALSE, sizeof (guint)) };
      g_auto (Pass) fetched = { .chat_items = g_array_new (FALSE, FALSE, sizeof (guint)) };
      guint  fetch_requests;
      double sync_time = sync_with_source (&fake, db, &synced, &sync_requests);
      double fetch_time, sync_rate, fetch_rate;

      /* The baseline asks for pages of the size the source chose. */
      fetched.page_size = synced.page_size;
      fetch_time = fetch_only (&fake, &fetched, &fetch_requests);
      minimum = minimum_requests (&fetched);

      if (synced.messages != fetched.messages || synced.messages < N_MESSAGES)
        bench_fail ("the sync stored %u messages; the fake served %u", synced.messages,
                    fetched.messages);
      if (fetch_requests != minimum)
        bench_fail ("the baseline made %u requests, not the %u expected", fetch_requests, minimum);
      g_printerr ("bench-sync: run %u: page size %u; sync %.2f s (%.0f msg/s, %u requests), "
                  "fetch alone %.2f s (%.0f msg/s, %u requests)\n",
                  run + 1, synced.page_size, sync_time, synced.messages / sync_time, sync_requests,
                  fetch_time, fetched.messages / fetch_time, fetch_requests);
      g_printerr ("bench-sync: items (pages): inbox %u (%u), sent %u (%u), calendar %u (%u), "
                  "chats %u (%u lists + %u pages of messages); %u messages stored\n",
                  fetched.inbox_items, synced.inbox_pages, fetched.sent_items, synced.sent_pages,
                  fetched.calendar_items, synced.calendar_pages, fetched.chat_items->len,
                  fetched.chat_list_pages, synced.chat_pages, synced.messages);
      sync_rate = synced.messages / sync_time;
      fetch_rate = fetched.messages / fetch_time;
      g_array_append_val (sync_rates, sync_rate);
      g_array_append_val (fetch_rates, fetch_rate);
    }
  fake_stop (&fake);
  if (!tend_store_delete_files (db, NULL))
    g_printerr ("bench-sync: could not delete %s\n", db);

  name = g_strdup_printf ("sync: %u messages from fake Graph, msg/s, best of %u", N_MESSAGES, runs);
  bench_result (name, bench_max (sync_rates), "msg/s",
                "same pages fetched and parsed, nothing stored", bench_max (fetch_rates), "-");
  minimum_name = g_strdup_printf (
      "minimum for the page size: 1 /me + ceil(items/page) per delta collection + chat list "
      "+ ceil(messages/min(page,50)) per chat = %u",
      minimum);
  requests_name = g_strdup_printf ("sync: HTTP requests for %u messages", N_MESSAGES);
  bench_result (requests_name, sync_requests, "requests", minimum_name, minimum, "ratio<=1.1");
  return 0;
}
