/* test-api-client.c: retries, Retry-After, refresh on 401 and cancellation against fakeapi.py
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-test"

#include "config.h"

#include "tend-api-client.h"
#include "tend-test-fake.h"

typedef struct
{
  guint       calls;
  guint       refreshes;
  const char *first;
  const char *after_refresh; /* what a refresh hands out */
} Tokens;

static char *
token_cb (gboolean refresh, gpointer user_data, GCancellable *cancellable, GError **error)
{
  Tokens *tokens = user_data;

  tokens->calls++;
  if (refresh)
    {
      tokens->refreshes++;
      return g_strdup (tokens->after_refresh);
    }
  return g_strdup (tokens->refreshes > 0 ? tokens->after_refresh : tokens->first);
}

static TendApiClient *
new_client (Tokens *tokens, guint attempts, guint base_ms, guint max_ms)
{
  TendApiClient *client = tend_api_client_new (token_cb, tokens, NULL);

  tend_api_client_set_retry (client, attempts, base_ms, max_ms);
  return client;
}

static char *
echo_url (TendTestFake *fake)
{
  return g_strconcat (tend_test_fake_get_url (fake), "/echo", NULL);
}

static void
control (TendTestFake *fake, const char *request)
{
  g_autoptr (json_t) answer = tend_test_fake_control (fake, request);

  g_assert_true (json_is_true (json_object_get (answer, "ok")));
}

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static void
test_ok (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };
  const char      *headers[] = { "Prefer", "odata.maxpagesize=10", NULL };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  client = new_client (&tokens, 3, 10, 100);
  root = tend_api_client_get_json (client, url, headers, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_is_true (json_object_get (root, "ok")));
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 1);
  g_assert_cmpuint (tokens.calls, ==, 1);
}

/* Three 429s: two say "Retry-After: 0", one "1". The backoff base is 20 s, so finishing in
 * about one second proves the header was honoured: 4 requests, ≥ 0.9 s, well under 20 s. */
static void
test_retry_after_seconds (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };
  gint64           start;

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"count\": 2, \"status\": 429, \"retry_after\": \"0\"}");
  control (fake, "{\"op\": \"fail\", \"count\": 1, \"status\": 429, \"retry_after\": \"1\"}");
  client = new_client (&tokens, 6, 20000, 60000);
  start = g_get_monotonic_time ();
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 4);
  g_assert_cmpfloat (seconds_since (start), >=, 0.9);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
}

/* Retry-After as an HTTP-date two seconds ahead: the wait is 1–2 s (the date has whole
 * seconds), again far below the 20 s backoff base. */
static void
test_retry_after_date (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = g_date_time_add_seconds (now, 2);
  g_autofree char *date = g_date_time_format (then, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree char *request = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };
  gint64           start;

  if (fake == NULL)
    return;
  url = echo_url (fake);
  request = g_strdup_printf ("{\"op\": \"fail\", \"status\": 503, \"retry_after\": \"%s\"}", date);
  control (fake, request);
  client = new_client (&tokens, 6, 20000, 60000);
  start = g_get_monotonic_time ();
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 2);
  g_assert_cmpfloat (seconds_since (start), >=, 0.9);
  g_assert_cmpfloat (seconds_since (start), <, 5.0);
}

/* 503 without Retry-After: backoff, then success (3 requests). With more 503s than attempts
 * the client gives up after exactly max_attempts requests with TEND_API_ERROR_HTTP. */
static void
test_backoff (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (TendApiClient) impatient = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autoptr (json_t) none = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"count\": 2, \"status\": 503}");
  client = new_client (&tokens, 6, 20, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 3);

  control (fake, "{\"op\": \"fail\", \"count\": 10, \"status\": 503}");
  impatient = new_client (&tokens, 3, 10, 20);
  none = tend_api_client_get_json (impatient, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_HTTP);
  g_assert_null (none);
  g_assert_cmpuint (tend_api_client_get_n_requests (impatient), ==, 3);
}

/* Gmail reports a per-user or per-project burst as 403 with reason userRateLimitExceeded or
 * rateLimitExceeded: retried like a 429 (3 requests: 2 refusals, then the answer). A 403 for a
 * missing scope is not: 1 request, TEND_API_ERROR_FORBIDDEN. */
static void
test_rate_limit_403 (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (TendApiClient) refused = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autoptr (json_t) none = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"status\": 403, \"body\": {\"error\": {\"code\": 403, "
                 "\"message\": \"User Rate Limit Exceeded\", \"errors\": [{\"domain\": "
                 "\"usageLimits\", \"reason\": \"userRateLimitExceeded\"}]}}}");
  control (fake, "{\"op\": \"fail\", \"status\": 403, \"body\": {\"error\": {\"code\": 403, "
                 "\"message\": \"Rate Limit Exceeded\", \"errors\": [{\"domain\": "
                 "\"usageLimits\", \"reason\": \"rateLimitExceeded\"}]}}}");
  client = new_client (&tokens, 6, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_is_true (json_object_get (root, "ok")));
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 3);

  control (fake, "{\"op\": \"fail\", \"status\": 403, \"body\": {\"error\": {\"code\": 403, "
                 "\"status\": \"PERMISSION_DENIED\", \"message\": \"Insufficient Permission\", "
                 "\"errors\": [{\"domain\": \"global\", \"reason\": "
                 "\"insufficientPermissions\"}]}}}");
  refused = new_client (&tokens, 6, 10, 100);
  none = tend_api_client_get_json (refused, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_FORBIDDEN);
  g_assert_null (none);
  g_assert_cmpuint (tend_api_client_get_n_requests (refused), ==, 1);
}

/* A quota that stays exceeded ends, after every attempt, as a plain HTTP error: not as a
 * missing permission, which a source would take for "this account has no such service". */
static void
test_rate_limit_403_exhausted (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) none = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"count\": 10, \"status\": 403, \"body\": {\"error\": "
                 "{\"code\": 403, \"message\": \"Rate Limit Exceeded\", \"errors\": "
                 "[{\"reason\": \"rateLimitExceeded\"}]}}}");
  client = new_client (&tokens, 3, 10, 20);
  none = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_HTTP);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 3);
}

static void
test_malformed (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autoptr (json_t) again = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"malformed\"}");
  client = new_client (&tokens, 3, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED);
  g_assert_null (root);
  g_clear_error (&error);

  /* The fault was for one answer only. */
  again = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

/* The token expires: 401, one refresh hands out t2, the retry succeeds (2 requests). */
static void
test_refresh (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autoptr (json_t) stats = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"expire_token\", \"token\": \"t1\"}");
  client = new_client (&tokens, 3, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpuint (tokens.refreshes, ==, 1);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 2);
  stats = tend_test_fake_stats (fake);
  g_assert_cmpint (json_integer_value (json_object_get (stats, "tokens")), ==, 2);
}

/* A refresh that hands out the refused token again: one refresh only, then UNAUTHORIZED. */
static void
test_unauthorized (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t1" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"expire_token\", \"token\": \"t1\"}");
  client = new_client (&tokens, 6, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED);
  g_assert_null (root);
  g_assert_cmpuint (tokens.refreshes, ==, 1);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 2);
}

static void
test_gone (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"status\": 410}");
  client = new_client (&tokens, 6, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_GONE);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 1);
}

/* A 404 is not retried; the provider's error code travels in the message. */
static void
test_not_found (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = g_strconcat (tend_test_fake_get_url (fake), "/nowhere", NULL);
  client = new_client (&tokens, 6, 10, 100);
  root = tend_api_client_get_json (client, url, NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "(NotFound: No such resource.)"));
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 1);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

/* The server asks for a 60 s pause; a cancellation 0.2 s in ends the wait at once. */
static void
test_cancel_wait (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };
  GThread         *thread;
  gint64           start;

  if (fake == NULL)
    return;
  url = echo_url (fake);
  control (fake, "{\"op\": \"fail\", \"status\": 429, \"retry_after\": \"60\"}");
  client = new_client (&tokens, 6, 1000, 120000);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  root = tend_api_client_get_json (client, url, NULL, cancellable, &error);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (root);
  g_assert_cmpfloat (seconds_since (start), <, 2.0);
}

typedef struct
{
  TendApiClient *client;
  const char    *url;
} ThreadRequest;

static gpointer
request_in_thread (gpointer data)
{
  ThreadRequest *request = data;
  g_autoptr (GError) error = NULL;
  json_t *root = tend_api_client_get_json (request->client, request->url, NULL, NULL, &error);

  g_assert_no_error (error);
  return root;
}

/* The agent makes the client in its main thread and syncs in a worker thread: the session
 * serves requests from a thread other than the one that created it, twice in a row. */
static void
test_other_thread (void)
{
  g_autoptr (TendTestFake) fake = tend_test_fake_start ("fakeapi.py", NULL);
  g_autoptr (TendApiClient) client = NULL;
  g_autofree char *url = NULL;
  Tokens           tokens = { .first = "t1", .after_refresh = "t2" };

  if (fake == NULL)
    return;
  url = echo_url (fake);
  client = new_client (&tokens, 3, 10, 100);
  for (guint i = 0; i < 2; i++)
    {
      ThreadRequest request = { client, url };
      g_autoptr (json_t) root = g_thread_join (g_thread_new ("sync", request_in_thread, &request));

      g_assert_true (json_is_true (json_object_get (root, "ok")));
    }
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 2);
}

/* Nothing listens on port 1: every attempt fails to connect, then TEND_API_ERROR_NETWORK. */
static void
test_network (void)
{
  g_autoptr (TendApiClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (json_t) root = NULL;
  Tokens tokens = { .first = "t1", .after_refresh = "t2" };

  client = new_client (&tokens, 3, 10, 20);
  root = tend_api_client_get_json (client, "http://127.0.0.1:1/echo", NULL, NULL, &error);
  g_assert_error (error, TEND_API_ERROR, TEND_API_ERROR_NETWORK);
  g_assert_cmpuint (tend_api_client_get_n_requests (client), ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-client/ok", test_ok);
  g_test_add_func ("/api-client/retry-after/seconds", test_retry_after_seconds);
  g_test_add_func ("/api-client/retry-after/date", test_retry_after_date);
  g_test_add_func ("/api-client/backoff", test_backoff);
  g_test_add_func ("/api-client/rate-limit-403", test_rate_limit_403);
  g_test_add_func ("/api-client/rate-limit-403/exhausted", test_rate_limit_403_exhausted);
  g_test_add_func ("/api-client/malformed", test_malformed);
  g_test_add_func ("/api-client/refresh", test_refresh);
  g_test_add_func ("/api-client/unauthorized", test_unauthorized);
  g_test_add_func ("/api-client/gone", test_gone);
  g_test_add_func ("/api-client/not-found", test_not_found);
  g_test_add_func ("/api-client/cancel-wait", test_cancel_wait);
  g_test_add_func ("/api-client/network", test_network);
  g_test_add_func ("/api-client/other-thread", test_other_thread);

  return g_test_run ();
}
