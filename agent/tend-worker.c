/* tend-worker.c: one run of tend-agent-worker, the process that does the agent's heavy work
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-agent"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tend-worker.h"

G_DEFINE_QUARK (tend_worker_error_quark, tend_worker_error)

/* A line longer than this is not the protocol: the worker is stopped. */
#define MAX_LINE_LENGTH (1024 * 1024)

/* Workers of this agent still running, and who waits for there to be none (opting out). */
static guint      n_running;
static GPtrArray *idle_waiters;
static pid_t      agent_pid;

typedef struct
{
  GSubprocess          *process;
  GDataInputStream     *output;
  TendWorkerMessageFunc on_message;
  gpointer              message_data;
  GVariant             *done;  /* the details of "done" */
  GError               *error; /* from an "error" line */
  GCancellable         *cancellable;
  gulong                cancelled_id;
} Run;

static void
run_free (Run *run)
{
  if (run->cancelled_id != 0)
    g_cancellable_disconnect (run->cancellable, run->cancelled_id);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->process);
  g_clear_object (&run->output);
  g_clear_pointer (&run->done, g_variant_unref);
  g_clear_error (&run->error);
  g_free (run);
}

/* Next to the running agent: libexecdir when installed, build/agent in a build tree. */
static char *
worker_path (void)
{
  const char      *path = g_getenv ("TEND_AGENT_WORKER");
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    return g_build_filename (LIBEXECDIR, "tend-agent-worker", NULL);
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, "tend-agent-worker", NULL);
}

/* The worker dies with the agent, however the agent dies: a sync left running by a killed
 * agent would be a second writer beside the next agent's. Runs in the child before exec. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The agent may have died between fork and prctl: then nothing would kill this one. */
  if (getppid () != agent_pid)
    _exit (1);
}

static GError *
error_from_line (GVariant *details)
{
  const char *code = "failed";
  const char *message = NULL;

  g_variant_lookup (details, "code", "&s", &code);
  if (!g_variant_lookup (details, "message", "&s", &message))
    message = _ ("Tend’s worker failed without saying why.");
  if (g_str_equal (code, "cancelled"))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, message);
  if (g_str_equal (code, "unauthorized"))
    return g_error_new_literal (TEND_WORKER_ERROR, TEND_WORKER_ERROR_UNAUTHORIZED, message);
  if (g_str_equal (code, "network"))
    return g_error_new_literal (TEND_WORKER_ERROR, TEND_WORKER_ERROR_NETWORK, message);
  if (g_str_equal (code, "not-configured"))
    return g_error_new_literal (TEND_WORKER_ERROR, TEND_WORKER_ERROR_NOT_CONFIGURED, message);
  return g_error_new_literal (TEND_WORKER_ERROR, TEND_WORKER_ERROR_FAILED, message);
}

static void
handle_line (Run *run, const char *line)
{
  g_autoptr (GVariant) message = NULL;
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;
  const char *kind;

  /* GVariant text is UTF-8; anything else is not a message, and reading goes on. */
  if (!g_utf8_validate (line, -1, NULL))
    {
      g_message ("Tend’s worker wrote a line that is not UTF-8");
      return;
    }
  message = g_variant_parse (G_VARIANT_TYPE ("(sa{sv})"), line, NULL, NULL, &error);
  if (message == NULL)
    {
      g_message ("Tend’s worker wrote a line that is not a message: %s", error->message);
      return;
    }
  g_variant_get (message, "(&s@a{sv})", &kind, &details);
  if (g_str_equal (kind, "done"))
    {
      g_clear_pointer (&run->done, g_variant_unref);
      run->done = g_steal_pointer (&details);
    }
  else if (g_str_equal (kind, "error"))
    {
      g_clear_error (&run->error);
      run->error = error_from_line (details);
    }
  else if (run->on_message != NULL)
    run->on_message (kind, details, run->message_data);
}

static void
waited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run          *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (run->done != NULL && g_subprocess_get_successful (run->process))
    g_task_return_pointer (task, g_variant_ref (run->done), (GDestroyNotify) g_variant_unref);
  else if (run->error != NULL)
    g_task_return_error (task, g_steal_pointer (&run->error));
  else if (g_cancellable_is_cancelled (cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Stopped."));
  else
    g_task_return_new_error (task, TEND_WORKER_ERROR, TEND_WORKER_ERROR_CRASHED,
                             _ ("Tend’s worker stopped unexpectedly."));

  if (--n_running == 0 && idle_waiters != NULL)
    {
      g_autoptr (GPtrArray) waiters = g_steal_pointer (&idle_waiters);

      for (guint i = 0; i < waiters->len; i++)
        g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
    }
}

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  gsize            length = 0;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &length,
                                               &error);
  if (line != NULL && length <= MAX_LINE_LENGTH)
    {
      handle_line (run, line);
      g_data_input_stream_read_line_async (run->output, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                           g_steal_pointer (&task));
      return;
    }
  /* Unreadable output: a worker left writing into a full pipe would never exit. */
  if (line != NULL || error != NULL)
    {
      g_message ("Tend’s worker wrote what is not the protocol; stopping it");
      g_subprocess_force_exit (run->process);
    }
  /* End of its output: collect its exit status, whatever was asked meanwhile. */
  g_subprocess_wait_async (run->process, NULL, waited_cb, g_steal_pointer (&task));
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  /* The worker stops at a page boundary and says so; its exit ends the run. */
  g_subprocess_send_signal (G_SUBPROCESS (user_data), SIGTERM);
}

/**
 * tend_worker_run_async:
 * @arguments: the command and its arguments, e.g. { "sync", "microsoft", "me@example.org", NULL }
 * @on_message: (nullable): called for each "progress" and "device-code" line
 *
 * Runs tend-agent-worker with @arguments. Cancelling asks the worker to stop; the run completes
 * only once the worker has exited, so that afterwards nothing else holds the database.
 */
void
tend_worker_run_async (const char *const *arguments, TendWorkerMessageFunc on_message,
                       gpointer message_data, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GStrvBuilder) argv_builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *path = worker_path ();
  g_autoptr (GError) error = NULL;
  Run *run;

  g_return_if_fail (arguments != NULL && arguments[0] != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_worker_run_async);
  /* The worker's own answer counts, even when a cancel came too late to change it. */
  g_task_set_check_cancellable (task, FALSE);
  run = g_new0 (Run, 1);
  run->on_message = on_message;
  run->message_data = message_data;
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  g_strv_builder_add (argv_builder, path);
  g_strv_builder_addv (argv_builder, (const char **) arguments);
  argv = g_strv_builder_end (argv_builder);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  agent_pid = getpid ();
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, TEND_WORKER_ERROR, TEND_WORKER_ERROR_CRASHED,
                               _ ("Cannot start Tend’s worker: %s"), error->message);
      return;
    }
  n_running++;
  run->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run->process));
  if (cancellable != NULL)
    {
      run->cancellable = g_object_ref (cancellable);
      run->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                 g_object_ref (run->process), g_object_unref);
    }
  g_data_input_stream_read_line_async (run->output, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       g_steal_pointer (&task));
}

/**
 * tend_worker_run_finish:
 *
 * Returns: (transfer full): the details of the worker's "done" line
 */
GVariant *
tend_worker_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tend_worker_wait_idle_async:
 *
 * Completes once no worker of this agent runs any more: for opting out, whose deletions must
 * come after every writer and every sign-in has stopped.
 */
void
tend_worker_wait_idle_async (GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, tend_worker_wait_idle_async);
  if (n_running == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (idle_waiters == NULL)
    idle_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (idle_waiters, g_steal_pointer (&task));
}

gboolean
tend_worker_wait_idle_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
