/* tend-agent-worker.h: what the files of tend-agent-worker share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * tend-agent-worker runs one command and exits; the protocol it speaks on its standard output
 * is described in tend-worker.h, the agent's side of it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable; /* cancelled by SIGTERM */
  int           status;      /* the exit status, once finished */
} TendAgentWorker;

/* Writes one line of the protocol: (kind, @details), @details of type a{sv} (floating or not).
 * Thread-safe. */
void tend_agent_worker_emit (const char *kind, GVariant *details);

/* Ends the command: "done" with @done (a{sv}), or "error" from @error, which it takes. Call it
 * once, in the main context. */
void tend_agent_worker_finish (TendAgentWorker *worker, GVariant *done, GError *error);

/* Parses a command's options: @argv[0] is the command's name. */
gboolean tend_agent_worker_parse (GOptionContext *context, int *argc, char ***argv, GError **error);

/* The account commands (tend-agent-worker-account.c). Each starts its work and returns TRUE,
 * finishing later with tend_agent_worker_finish(); or returns FALSE with @error set when its
 * arguments are wrong. */
gboolean tend_agent_worker_sign_in (TendAgentWorker *worker, int argc, char **argv, GError **error);
gboolean tend_agent_worker_disconnect (TendAgentWorker *worker, int argc, char **argv,
                                       GError **error);
gboolean tend_agent_worker_opt_out (TendAgentWorker *worker, int argc, char **argv, GError **error);

G_END_DECLS
