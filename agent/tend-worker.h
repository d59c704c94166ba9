/* tend-worker.h: one run of tend-agent-worker, the process that does the agent's heavy work
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * The agent stays small and long-lived; syncing, importing, signing in and deleting run in a
 * short-lived tend-agent-worker with the libraries they need (libsoup, liboauth2, libsecret,
 * GMime, libical, SQLite). See docs/ARCHITECTURE.md, "The worker".
 *
 * Protocol: the worker writes one GVariant per line on its standard output, in GVariant text
 * format, of type (sa{sv}): a kind and its details. Kinds:
 *   "progress"    collection (s), done (u), total (u)
 *   "device-code" user-code (s), verification-uri (s), expires-at (x)
 *   "done"        the command's result (see each command), then it exits with status 0
 *   "error"       code (s: one of "failed", "unauthorized", "network", "not-configured"),
 *                 message (s); then it exits with status 1
 * SIGTERM asks it to stop: it cancels what it does and ends with an "error" of code
 * "cancelled", leaving the database as after a whole page.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEND_WORKER_ERROR (tend_worker_error_quark ())

/**
 * TendWorkerError:
 * @TEND_WORKER_ERROR_FAILED: the command failed; the message says why
 * @TEND_WORKER_ERROR_UNAUTHORIZED: the provider refused the tokens: the user must sign in again
 * @TEND_WORKER_ERROR_NETWORK: the provider could not be reached
 * @TEND_WORKER_ERROR_NOT_CONFIGURED: the provider is unknown or not set up
 * @TEND_WORKER_ERROR_CRASHED: the worker died without saying why
 *
 * A run that was cancelled fails with G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  TEND_WORKER_ERROR_FAILED,
  TEND_WORKER_ERROR_UNAUTHORIZED,
  TEND_WORKER_ERROR_NETWORK,
  TEND_WORKER_ERROR_NOT_CONFIGURED,
  TEND_WORKER_ERROR_CRASHED,
} TendWorkerError;

/* Called in the main context for each "progress" and "device-code" line. */
typedef void (*TendWorkerMessageFunc) (const char *kind, GVariant *details, gpointer user_data);

GQuark    tend_worker_error_quark (void);

void      tend_worker_run_async   (const char *const *arguments, TendWorkerMessageFunc on_message,
                                   gpointer message_data, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GVariant *tend_worker_run_finish  (GAsyncResult *result, GError **error);

void      tend_worker_wait_idle_async  (GAsyncReadyCallback callback, gpointer user_data);
gboolean  tend_worker_wait_idle_finish (GAsyncResult *result, GError **error);

G_END_DECLS
