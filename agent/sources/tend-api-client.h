/* tend-api-client.h: JSON over HTTPS to a provider's API, with the user's own access token
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <jansson.h>

G_BEGIN_DECLS

#define TEND_API_ERROR (tend_api_error_quark ())

/**
 * TendApiError:
 * @TEND_API_ERROR_UNAUTHORIZED: the token was refused even after a refresh: sign in again
 * @TEND_API_ERROR_GONE: the cursor (delta link, sync token, history id) is no longer valid
 * @TEND_API_ERROR_MALFORMED: the answer was not the JSON the API documents
 * @TEND_API_ERROR_HTTP: any other refusal (4xx, or 5xx after every retry)
 * @TEND_API_ERROR_NETWORK: the server could not be reached, after every retry
 * @TEND_API_ERROR_FORBIDDEN: 403: the token lacks the permission (scope, licence, policy)
 * @TEND_API_ERROR_NOT_FOUND: 404: no such resource (or, for Gmail's history, too old an id)
 */
typedef enum
{
  TEND_API_ERROR_UNAUTHORIZED,
  TEND_API_ERROR_GONE,
  TEND_API_ERROR_MALFORMED,
  TEND_API_ERROR_HTTP,
  TEND_API_ERROR_NETWORK,
  TEND_API_ERROR_FORBIDDEN,
  TEND_API_ERROR_NOT_FOUND,
} TendApiError;

/* Returns the access token to send. With @refresh TRUE the previous one was refused (401):
 * the function must obtain a new one, or fail with TEND_API_ERROR_UNAUTHORIZED. Called from
 * the thread that makes the requests. */
typedef char *(*TendApiTokenFunc) (gboolean refresh, gpointer user_data, GCancellable *cancellable,
                                   GError **error);

#define TEND_TYPE_API_CLIENT (tend_api_client_get_type ())

G_DECLARE_FINAL_TYPE (TendApiClient, tend_api_client, TEND, API_CLIENT, GObject)

GQuark         tend_api_error_quark            (void);

TendApiClient *tend_api_client_new             (TendApiTokenFunc token_func, gpointer user_data,
                                                GDestroyNotify destroy);
void           tend_api_client_set_retry       (TendApiClient *self, guint max_attempts,
                                                guint base_delay_ms, guint max_delay_ms);
/* @headers: NULL, or a NULL-terminated array of alternating names and values sent with the
 * request besides Authorization and Accept, e.g. { "Prefer", "odata.maxpagesize=100", NULL }.
 * Returns a JSON object (never another JSON type) that the caller owns. */
json_t        *tend_api_client_get_json        (TendApiClient *self, const char *url,
                                                const char *const *headers,
                                                GCancellable *cancellable, GError **error);
guint          tend_api_client_get_n_requests  (TendApiClient *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_t, json_decref)

G_END_DECLS
