/* tend-api-client.c: JSON over HTTPS to a provider's API, with the user's own access token
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-api-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tend-api-client.h"

/* Defaults: six tries spread over up to about a minute, no single wait longer than five. */
#define DEFAULT_MAX_ATTEMPTS 6
#define DEFAULT_BASE_DELAY_MS 1000
#define DEFAULT_MAX_DELAY_MS (5 * 60 * 1000)

struct _TendApiClient
{
  GObject parent_instance;

  /* Owned */
  SoupSession     *session;
  TendApiTokenFunc token_func;
  gpointer         token_data;
  GDestroyNotify   token_destroy;

  guint max_attempts;
  guint base_delay_ms;
  guint max_delay_ms;
  guint n_requests; /* atomic */
};

G_DEFINE_FINAL_TYPE (TendApiClient, tend_api_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend - api - error - quark, tend_api_error)

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean cancelled;
} Wait;

static void
wait_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Wait *wait = user_data;

  g_mutex_lock (&wait->mutex);
  wait->cancelled = TRUE;
  g_cond_signal (&wait->cond);
  g_mutex_unlock (&wait->mutex);
}

/* Sleeps @delay_ms on a condition variable that a cancellation wakes at once. */
static gboolean
wait_for (guint delay_ms, GCancellable *cancellable, GError **error)
{
  Wait   wait = { 0 };
  gulong handler = 0;
  gint64 end = g_get_monotonic_time () + (gint64) delay_ms * G_TIME_SPAN_MILLISECOND;

  g_mutex_init (&wait.mutex);
  g_cond_init (&wait.cond);
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled_cb), &wait, NULL);

  g_mutex_lock (&wait.mutex);
  while (!wait.cancelled)
    if (!g_cond_wait_until (&wait.cond, &wait.mutex, end))
      break;
  g_mutex_unlock (&wait.mutex);

  /* Blocks until a callback running in another thread has returned, so @wait outlives it. */
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  g_mutex_clear (&wait.mutex);
  g_cond_clear (&wait.cond);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Exponential backoff with full jitter: a uniform wait in [0, min (cap, base · 2^(attempt-1))],
 * so that many clients refused at once do not all come back at once. */
static guint
backoff_delay (TendApiClient *self, guint attempt)
{
  guint64 ceiling = self->base_delay_ms;

  for (guint i = 1; i < attempt && ceiling < self->max_delay_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, self->max_delay_ms);
  if (ceiling == 0)
    return 0;
  return (guint) g_random_int_range (0, (gint32) MIN (ceiling, G_MAXINT32 - 1) + 1);
}

/* Retry-After (RFC 9110 §10.2.3) is delta-seconds or an HTTP-date. Returns -1 when absent or
 * unreadable; the wait is capped at max_delay_ms so a server cannot park the sync for hours. */
static gint64
retry_after_ms (TendApiClient *self, SoupMessage *message)
{
  const char *value;
  gint64      ms;

  value = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  if (value == NULL)
    return -1;
  value += strspn (value, " \t");
  if (g_ascii_isdigit (*value))
    {
      char   *end = NULL;
      guint64 seconds = g_ascii_strtoull (value, &end, 10);

      if (end[strspn (end, " \t")] != '\0' || seconds > G_MAXUINT32)
        return -1;
      ms = (gint64) seconds * 1000;
    }
  else
    {
      g_autoptr (GDateTime) when = soup_date_time_new_from_http_string (value);
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

      if (when == NULL)
        return -1;
      ms = MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_MILLISECOND);
    }
  return MIN (ms, (gint64) self->max_delay_ms);
}

/* libsoup 3.2 has no name for 429 (RFC 6585). */
#define STATUS_TOO_MANY_REQUESTS 429

static gboolean
is_retryable_status (guint status)
{
  return status == STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_INTERNAL_SERVER_ERROR
         || status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_SERVICE_UNAVAILABLE
         || status == SOUP_STATUS_GATEWAY_TIMEOUT;
}

/* Google refuses a burst over the per-user or per-project quota with 403 rather than 429, told
 * apart from a refused permission only by the reason in the body (Gmail's "Resolve errors"
 * guide): those pass like a 429. A daily quota ("dailyLimitExceeded") does not, as a retry
 * within minutes cannot succeed. */
static gboolean
is_rate_limited (guint status, GBytes *body)
{
  g_autoptr (json_t) root = NULL;
  json_t     *item;
  size_t      i;
  gsize       len;
  const char *data;

  if (status != SOUP_STATUS_FORBIDDEN || body == NULL)
    return FALSE;
  data = g_bytes_get_data (body, &len);
  if (data == NULL || !(root = json_loadb (data, len, 0, NULL)))
    return FALSE;
  json_array_foreach (json_object_get (json_object_get (root, "error"), "errors"), i, item)
  {
    const char *reason = json_string_value (json_object_get (item, "reason"));

    if (g_strcmp0 (reason, "rateLimitExceeded") == 0
        || g_strcmp0 (reason, "userRateLimitExceeded") == 0)
      return TRUE;
  }
  return FALSE;
}

static json_t *
parse_object (GBytes *body, GError **error)
{
  json_error_t jerror;
  json_t      *root;
  gsize        len;
  const char  *data = g_bytes_get_data (body, &len);

  root = json_loadb (data != NULL ? data : "", len, 0, &jerror);
  if (root == NULL || !json_is_object (root))
    {
      if (root != NULL)
        json_decref (root);
      g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED,
                   _ ("The server’s answer is not the JSON object expected"));
      return NULL;
    }
  return root;
}

/* The provider's own words for a refusal, as " (code: message)": Graph's error.code, or
 * Google's error.status, and error.message, cut short. For the account's "last error". */
static char *
provider_error (GBytes *body)
{
  g_autoptr (json_t) root = NULL;
  g_autofree char *message = NULL;
  const char      *code, *text;
  json_t          *error;
  gsize            len;
  const char      *data = g_bytes_get_data (body, &len);

  if (data == NULL || !(root = json_loadb (data, len, 0, NULL)))
    return NULL;
  error = json_object_get (root, "error");
  code = json_string_value (json_object_get (error, "code"));
  if (code == NULL)
    code = json_string_value (json_object_get (error, "status"));
  if (code == NULL)
    return NULL;
  text = json_string_value (json_object_get (error, "message"));
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup_printf (" (%s)", code);
  message = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 200));
  return g_strdup_printf (" (%s: %s)", code, message);
}

static char *
get_token (TendApiClient *self, gboolean refresh, GCancellable *cancellable, GError **error)
{
  char *token = self->token_func (refresh, self->token_data, cancellable, error);

  if (token == NULL && error != NULL && *error == NULL)
    g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED,
                 _ ("No access token: sign in again"));
  return token;
}

static void
tend_api_client_finalize (GObject *object)
{
  TendApiClient *self = TEND_API_CLIENT (object);

  g_clear_object (&self->session);
  if (self->token_destroy != NULL)
    self->token_destroy (self->token_data);

  G_OBJECT_CLASS (tend_api_client_parent_class)->finalize (object);
}

static void
tend_api_client_class_init (TendApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_api_client_finalize;
}

static void
tend_api_client_init (TendApiClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Tend/" PACKAGE_VERSION, "timeout",
                                                 60, "idle-timeout", 60, NULL);
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = DEFAULT_MAX_DELAY_MS;
}

/* @token_func is called from the thread that makes the requests, once per
 * tend_api_client_get_json() call and once more after a 401. */
TendApiClient *
tend_api_client_new (TendApiTokenFunc token_func, gpointer user_data, GDestroyNotify destroy)
{
  TendApiClient *self;

  g_return_val_if_fail (token_func != NULL, NULL);

  self = g_object_new (TEND_TYPE_API_CLIENT, NULL);
  self->token_func = token_func;
  self->token_data = user_data;
  self->token_destroy = destroy;
  return self;
}

/* @max_attempts counts every try of one request, the first included (at least 1). */
void
tend_api_client_set_retry (TendApiClient *self, guint max_attempts, guint base_delay_ms,
                           guint max_delay_ms)
{
  g_return_if_fail (TEND_IS_API_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (max_delay_ms, base_delay_ms);
}

guint
tend_api_client_get_n_requests (TendApiClient *self)
{
  g_return_val_if_fail (TEND_IS_API_CLIENT (self), 0);

  return (guint) g_atomic_int_get (&self->n_requests);
}

/* Never logs the token or the Authorization header; only the status and the attempt. */
json_t *
tend_api_client_get_json (TendApiClient *self, const char *url, const char *const *headers,
                          GCancellable *cancellable, GError **error)
{
  g_autofree char *token = NULL;
  gboolean         refreshed = FALSE;
  guint            attempt = 0;

  g_return_val_if_fail (TEND_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(token = get_token (self, FALSE, cancellable, error)))
    return NULL;

  for (;;)
    {
      g_autoptr (SoupMessage) message = NULL;
      g_autoptr (GBytes) body = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char    *authorization = NULL;
      SoupMessageHeaders *request_headers;
      guint               status;
      gint64              delay_ms;

      attempt++;
      if (!(message = soup_message_new (SOUP_METHOD_GET, url)))
        {
          g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_HTTP, _ ("Invalid address “%s”"), url);
          return NULL;
        }
      request_headers = soup_message_get_request_headers (message);
      authorization = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (request_headers, "Authorization", authorization);
      soup_message_headers_replace (request_headers, "Accept", "application/json");
      for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
        soup_message_headers_append (request_headers, headers[i], headers[i + 1]);

      g_atomic_int_inc (&self->n_requests);
      body = soup_session_send_and_read (self->session, message, cancellable, &local_error);
      g_clear_pointer (&authorization, g_free);

      if (body == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_debug ("Attempt %u: no answer: %s", attempt, local_error->message);
          if (attempt >= self->max_attempts)
            {
              g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_NETWORK,
                           _ ("The server could not be reached: %s"), local_error->message);
              return NULL;
            }
          if (!wait_for (backoff_delay (self, attempt), cancellable, error))
            return NULL;
          continue;
        }

      status = soup_message_get_status (message);
      g_debug ("Attempt %u: HTTP %u", attempt, status);
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        return parse_object (body, error);

      if (status == SOUP_STATUS_UNAUTHORIZED)
        {
          if (refreshed)
            {
              g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED,
                           _ ("The provider refused the access token: sign in again"));
              return NULL;
            }
          /* A refresh is not a failure of the server: it does not use up an attempt. */
          refreshed = TRUE;
          attempt--;
          g_clear_pointer (&token, g_free);
          if (!(token = get_token (self, TRUE, cancellable, error)))
            return NULL;
          continue;
        }

      if (status == SOUP_STATUS_GONE)
        {
          g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_GONE,
                       _ ("The provider no longer knows the sync position: starting afresh"));
          return NULL;
        }

      if ((!is_retryable_status (status) && !is_rate_limited (status, body))
          || attempt >= self->max_attempts)
        {
          g_autofree char *code = provider_error (body);
          TendApiError     kind = TEND_API_ERROR_HTTP;

          /* A quota still exceeded after every retry is no missing permission. */
          if (status == SOUP_STATUS_FORBIDDEN && !is_rate_limited (status, body))
            kind = TEND_API_ERROR_FORBIDDEN;
          else if (status == SOUP_STATUS_NOT_FOUND)
            kind = TEND_API_ERROR_NOT_FOUND;

          g_set_error (error, TEND_API_ERROR, kind,
                       _ ("The server refused the request: HTTP %u %s%s"), status,
                       soup_message_get_reason_phrase (message), code != NULL ? code : "");
          return NULL;
        }

      delay_ms = retry_after_ms (self, message);
      if (delay_ms < 0)
        delay_ms = backoff_delay (self, attempt);
      if (!wait_for ((guint) delay_ms, cancellable, error))
        return NULL;
    }
}
