/* tend-sync-scheduler.c: the database's single writer: account syncs and file imports, in turn
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Jobs run one at a time, each in a tend-agent-worker process (tend-worker.h), so the database
 * never sees two writers and the agent itself never loads what syncing needs. A sync of every
 * account runs at start-up, on SyncNow and then once per interval, on one timer for all
 * accounts; nothing else wakes the agent while it is idle.
 */
#define G_LOG_DOMAIN "tend-agent"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-sync-scheduler.h"
#include "tend-worker.h"

#define DEFAULT_INTERVAL_SECONDS (30 * 60)

typedef struct
{
  char         *name;
  TendSyncState state;
  guint         done;
  guint         total;
  gint64        last_sync;
  char         *last_error;
} Collection;

/* A connected account and what is known of its syncs. Shared with the job that syncs it. */
typedef struct
{
  TendProvider    *provider;
  char            *name;
  gboolean         syncable; /* the provider has an API Tend reads */
  GNetworkAddress *api_address;
  GPtrArray       *collections; /* (element-type Collection): as the worker reports them */
  TendSyncState    state;
  gint64           last_sync;
  char            *last_error;
  gboolean         queued;
  gboolean         removed;
} Entry;

typedef enum
{
  JOB_SYNC,
  JOB_IMPORT,
} JobKind;

typedef struct
{
  JobKind            kind;
  TendSyncScheduler *scheduler;       /* unowned: it outlives its jobs */
  Entry             *entry;           /* JOB_SYNC */
  char             **arguments;       /* the worker's command line */
  GPtrArray         *removed_waiters; /* (element-type GTask): removals waiting for it to end */
  GTask             *import_task;     /* JOB_IMPORT: the caller's */
} Job;

struct _TendSyncScheduler
{
  GObject parent_instance;

  GNetworkMonitor *monitor;
  GPtrArray       *entries; /* (element-type Entry) */
  GQueue           jobs;
  Job             *running;
  GCancellable    *cancellable; /* of the running job */
  GPtrArray       *stop_tasks;
  guint            interval;
  guint            timer_id;
  guint            n_reaching; /* reachability checks under way */
  gulong           network_handler;
  gboolean         paused;
  gboolean         stopped;
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_DATA_CHANGED,
  SIGNAL_SIGN_IN_NEEDED,
  SIGNAL_FIRST_SYNC_DONE,
  SIGNAL_SYNCED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TendSyncScheduler, tend_sync_scheduler, G_TYPE_OBJECT)

static void start_next_job (TendSyncScheduler *self);
static void schedule_next_sync (TendSyncScheduler *self);
static void request_sync (TendSyncScheduler *self, Entry *entry);

const char *
tend_sync_state_to_string (TendSyncState state)
{
  static const char *const names[] = {
    "idle", "syncing", "waiting", "offline", "paused", "needs-sign-in", "error",
  };

  g_return_val_if_fail (state < G_N_ELEMENTS (names), "error");
  return names[state];
}

static void
collection_free (Collection *collection)
{
  g_free (collection->name);
  g_free (collection->last_error);
  g_free (collection);
}

static void
entry_clear (Entry *entry)
{
  g_clear_object (&entry->provider);
  g_clear_pointer (&entry->name, g_free);
  g_clear_object (&entry->api_address);
  g_clear_pointer (&entry->collections, g_ptr_array_unref);
  g_clear_pointer (&entry->last_error, g_free);
}

static Entry *
entry_ref (Entry *entry)
{
  return g_atomic_rc_box_acquire (entry);
}

static void
entry_unref (Entry *entry)
{
  g_atomic_rc_box_release_full (entry, (GDestroyNotify) entry_clear);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->entry, entry_unref);
  g_strfreev (job->arguments);
  g_clear_object (&job->import_task);
  g_clear_pointer (&job->removed_waiters, g_ptr_array_unref);
  g_free (job);
}

static Collection *
entry_get_collection (Entry *entry, const char *name)
{
  Collection *collection;

  for (guint i = 0; i < entry->collections->len; i++)
    {
      collection = g_ptr_array_index (entry->collections, i);
      if (g_str_equal (collection->name, name))
        return collection;
    }
  collection = g_new0 (Collection, 1);
  collection->name = g_strdup (name);
  g_ptr_array_add (entry->collections, collection);
  return collection;
}

static void
replace_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* A success clears the last error; so does nothing else but a new error. */
static void
entry_set_state (Entry *entry, TendSyncState state, const char *error_message)
{
  entry->state = state;
  if (state == TEND_SYNC_STATE_IDLE || error_message != NULL)
    replace_string (&entry->last_error, error_message);
  for (guint i = 0; i < entry->collections->len; i++)
    {
      Collection *collection = g_ptr_array_index (entry->collections, i);

      collection->state = state;
      if (state == TEND_SYNC_STATE_IDLE || error_message != NULL)
        replace_string (&collection->last_error, error_message);
    }
}

static void
emit_changed (TendSyncScheduler *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static Entry *
find_entry (TendSyncScheduler *self, const char *provider_id, const char *name, guint *index)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_str_equal (tend_provider_get_id (entry->provider), provider_id)
          && g_str_equal (entry->name, name))
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }
  return NULL;
}

/* A provider on this machine (a test server, a local gateway) is reachable without a network. */
static gboolean
entry_on_loopback (Entry *entry)
{
  const char *host = g_network_address_get_hostname (entry->api_address);
  g_autoptr (GInetAddress) address = NULL;

  if (g_str_equal (host, "localhost"))
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* A "progress" line of the worker that syncs @user_data. */
static void
sync_message_cb (const char *kind, GVariant *details, gpointer user_data)
{
  Job        *job = user_data;
  Collection *collection;
  const char *name = NULL;
  guint32     done = 0, total = 0;

  if (!g_str_equal (kind, "progress") || job->entry->removed
      || !g_variant_lookup (details, "collection", "&s", &name))
    return;
  g_variant_lookup (details, "done", "u", &done);
  g_variant_lookup (details, "total", "u", &total);
  collection = entry_get_collection (job->entry, name);
  collection->state = TEND_SYNC_STATE_SYNCING;
  collection->done = done;
  collection->total = total;
  emit_changed (job->scheduler);
}

static guint32
lookup_count (GVariant *details, const char *key)
{
  guint32 count = 0;

  if (details != NULL)
    g_variant_lookup (details, key, "u", &count);
  return count;
}

/* @details: the worker's "done" line, NULL when it failed with @error. */
static void
finish_sync (TendSyncScheduler *self, Job *job, GVariant *details, const GError *error)
{
  Entry  *entry = job->entry;
  gint64  previous_sync = 0, synced_at = 0;
  guint32 messages = lookup_count (details, "messages-added");
  guint32 events = lookup_count (details, "events-changed");

  /* What a sync committed counts, even when the account went meanwhile. */
  if (messages + events + lookup_count (details, "messages-removed")
          + lookup_count (details, "events-removed")
      > 0)
    g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
  if (entry->removed)
    return;

  if (details != NULL)
    {
      g_variant_lookup (details, "previous-sync", "x", &previous_sync);
      g_variant_lookup (details, "synced-at", "x", &synced_at);
    }

  if (error == NULL)
    {
      entry->last_sync = synced_at;
      entry_set_state (entry, self->paused ? TEND_SYNC_STATE_PAUSED : TEND_SYNC_STATE_IDLE, NULL);
      for (guint i = 0; i < entry->collections->len; i++)
        ((Collection *) g_ptr_array_index (entry->collections, i))->last_sync = entry->last_sync;
      g_signal_emit (self, signals[SIGNAL_SYNCED], 0);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    entry_set_state (entry, self->paused ? TEND_SYNC_STATE_PAUSED : TEND_SYNC_STATE_IDLE, NULL);
  else if (g_error_matches (error, TEND_WORKER_ERROR, TEND_WORKER_ERROR_UNAUTHORIZED))
    {
      entry_set_state (entry, TEND_SYNC_STATE_NEEDS_SIGN_IN, error->message);
      g_signal_emit (self, signals[SIGNAL_SIGN_IN_NEEDED], 0,
                     tend_provider_get_id (entry->provider), entry->name);
    }
  else if (g_error_matches (error, TEND_WORKER_ERROR, TEND_WORKER_ERROR_NETWORK))
    entry_set_state (entry, TEND_SYNC_STATE_OFFLINE, NULL);
  else
    {
      /* The provider, never the account's address: logs hold no personal data. */
      g_message ("A sync with %s failed: %s", tend_provider_get_id (entry->provider),
                 error->message);
      entry_set_state (entry, TEND_SYNC_STATE_ERROR, error->message);
    }

  if (error == NULL && previous_sync == 0)
    g_signal_emit (self, signals[SIGNAL_FIRST_SYNC_DONE], 0, entry->name, messages, events);
}

static void
finish_stop (TendSyncScheduler *self)
{
  g_autoptr (GPtrArray) tasks = g_steal_pointer (&self->stop_tasks);

  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job               *job = user_data;
  TendSyncScheduler *self = job->scheduler;
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;

  details = tend_worker_run_finish (result, &error);
  self->running = NULL;
  g_clear_object (&self->cancellable);
  for (guint i = 0; job->removed_waiters != NULL && i < job->removed_waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (job->removed_waiters, i), TRUE);

  if (job->kind == JOB_IMPORT)
    {
      if (details == NULL)
        g_task_return_error (job->import_task, g_steal_pointer (&error));
      else
        g_task_return_pointer (job->import_task, g_steal_pointer (&details),
                               (GDestroyNotify) g_variant_unref);
    }
  else
    {
      job->entry->queued = FALSE;
      finish_sync (self, job, details, error);
      /* Paused and resumed while it ran: the resume could not queue it; do it now. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->paused
          && !self->stopped && !job->entry->removed)
        request_sync (self, job->entry);
      emit_changed (self);
    }
  job_free (job);

  if (self->stopped)
    finish_stop (self);
  else
    start_next_job (self);
  g_object_unref (self);
}

static void
push_sync_job (TendSyncScheduler *self, Entry *entry)
{
  Job        *job = g_new0 (Job, 1);
  const char *arguments[] = { "sync", tend_provider_get_id (entry->provider), entry->name, NULL };

  job->kind = JOB_SYNC;
  job->scheduler = self;
  job->entry = entry_ref (entry);
  job->arguments = g_strdupv ((char **) arguments);
  g_queue_push_tail (&self->jobs, job);
}

typedef struct
{
  TendSyncScheduler *self;
  Entry             *entry;
} Reach;

/* Whether the provider can be reached, as the network monitor knows the routes: a network
 * without a default route (a VPN, a proxy-only office) still syncs. */
static void
reach_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reach             *reach = user_data;
  TendSyncScheduler *self = reach->self;
  Entry             *entry = reach->entry;
  gboolean           reachable;

  reachable = g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (source), result, NULL);
  self->n_reaching--;
  if (entry->queued && !entry->removed && !self->paused && !self->stopped && reachable)
    {
      push_sync_job (self, entry);
      start_next_job (self);
    }
  else if (entry->queued && !entry->removed)
    {
      entry->queued = FALSE;
      if (!self->paused && !self->stopped)
        entry_set_state (entry, TEND_SYNC_STATE_OFFLINE, NULL);
      emit_changed (self);
      schedule_next_sync (self);
    }
  entry_unref (entry);
  g_object_unref (self);
  g_free (reach);
}

/* Queues a sync of @entry, unless one is queued already or the user must sign in first. */
static void
request_sync (TendSyncScheduler *self, Entry *entry)
{
  Reach *reach;

  if (!entry->syncable || entry->queued || entry->state == TEND_SYNC_STATE_NEEDS_SIGN_IN)
    return;
  entry->queued = TRUE;
  entry_set_state (entry, TEND_SYNC_STATE_WAITING, NULL);
  if (entry_on_loopback (entry))
    {
      push_sync_job (self, entry);
      return;
    }
  reach = g_new0 (Reach, 1);
  reach->self = g_object_ref (self);
  reach->entry = entry_ref (entry);
  self->n_reaching++;
  g_network_monitor_can_reach_async (self->monitor, G_SOCKET_CONNECTABLE (entry->api_address), NULL,
                                     reach_done_cb, reach);
}

static gboolean
timer_cb (gpointer user_data)
{
  TendSyncScheduler *self = user_data;

  self->timer_id = 0;
  tend_sync_scheduler_sync_now (self);
  return G_SOURCE_REMOVE;
}

/* One timer for every account, set when the last job has ended and nothing is about to start:
 * the interval runs from the end of a round, and the agent sleeps in between. */
static void
schedule_next_sync (TendSyncScheduler *self)
{
  if (self->paused || self->stopped || self->timer_id != 0 || self->entries->len == 0
      || self->running != NULL || self->n_reaching > 0 || !g_queue_is_empty (&self->jobs))
    return;
  self->timer_id = g_timeout_add_seconds (self->interval, timer_cb, self);
}

static void
start_next_job (TendSyncScheduler *self)
{
  Job *job;

  if (self->running != NULL || self->stopped)
    return;
  job = g_queue_pop_head (&self->jobs);
  if (job == NULL)
    {
      schedule_next_sync (self);
      return;
    }

  if (job->kind == JOB_SYNC)
    {
      entry_set_state (job->entry, TEND_SYNC_STATE_SYNCING, NULL);
      emit_changed (self);
    }
  self->running = job;
  self->cancellable = g_cancellable_new ();
  /* The scheduler stays until the worker it started has exited: job_done_cb drops this. */
  g_object_ref (self);
  tend_worker_run_async ((const char *const *) job->arguments,
                         job->kind == JOB_SYNC ? sync_message_cb : NULL, job, self->cancellable,
                         job_done_cb, job);
}

static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, gpointer user_data)
{
  TendSyncScheduler *self = user_data;
  gboolean           requested = FALSE;

  if (self->paused || self->stopped)
    return;
  /* Any change may bring a provider back (a VPN, a route, not only a default one): the accounts
   * that could not reach theirs try again; the others keep their interval. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->state == TEND_SYNC_STATE_OFFLINE)
        {
          request_sync (self, entry);
          requested = TRUE;
        }
    }
  if (requested)
    {
      emit_changed (self);
      start_next_job (self);
    }
}

static void
tend_sync_scheduler_dispose (GObject *object)
{
  TendSyncScheduler *self = (TendSyncScheduler *) object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);

  G_OBJECT_CLASS (tend_sync_scheduler_parent_class)->dispose (object);
}

static void
tend_sync_scheduler_finalize (GObject *object)
{
  TendSyncScheduler *self = (TendSyncScheduler *) object;

  g_clear_object (&self->monitor);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->stop_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (tend_sync_scheduler_parent_class)->finalize (object);
}

static void
tend_sync_scheduler_class_init (TendSyncSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_sync_scheduler_dispose;
  object_class->finalize = tend_sync_scheduler_finalize;

  /* Accounts or sources changed state or progress. "sign-in-needed" gives the provider id and
   * the account's name. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DATA_CHANGED]
      = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_SIGN_IN_NEEDED]
      = g_signal_new ("sign-in-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* The account, the messages and the events its first sync brought. */
  signals[SIGNAL_FIRST_SYNC_DONE]
      = g_signal_new ("first-sync-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
  /* An account synced completely: its last-sync time changed. */
  signals[SIGNAL_SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tend_sync_scheduler_init (TendSyncScheduler *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_unref);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->interval = DEFAULT_INTERVAL_SECONDS;
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler
      = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
}

TendSyncScheduler *
tend_sync_scheduler_new (void)
{
  return g_object_new (TEND_TYPE_SYNC_SCHEDULER, NULL);
}

void
tend_sync_scheduler_add_account (TendSyncScheduler *self, TendProvider *provider, const char *name,
                                 gint64 last_sync)
{
  const char *url;
  Entry      *entry;

  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));
  g_return_if_fail (TEND_IS_PROVIDER (provider));
  g_return_if_fail (name != NULL);

  if (find_entry (self, tend_provider_get_id (provider), name, NULL))
    return;

  entry = g_atomic_rc_box_new0 (Entry);
  entry->provider = g_object_ref (provider);
  entry->name = g_strdup (name);
  entry->last_sync = last_sync;
  entry->collections = g_ptr_array_new_with_free_func ((GDestroyNotify) collection_free);
  entry->state = self->paused ? TEND_SYNC_STATE_PAUSED : TEND_SYNC_STATE_IDLE;
  url = tend_provider_get_api_url (provider);
  if (tend_provider_get_api (provider) != TEND_PROVIDER_API_NONE && url != NULL)
    entry->api_address = G_NETWORK_ADDRESS (g_network_address_parse_uri (url, 443, NULL));
  entry->syncable = entry->api_address != NULL;
  g_ptr_array_add (self->entries, entry);
  emit_changed (self);
}

/* Stops syncing the account: fails with G_IO_ERROR_NOT_FOUND when it is not connected, and
 * completes once a sync of it that runs now has stopped (what it committed stays), so that
 * nothing of it writes the keyring or the database any more. */
void
tend_sync_scheduler_remove_account_async (TendSyncScheduler *self, const char *provider_id,
                                          const char *name, GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Entry *entry;
  guint  index;

  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tend_sync_scheduler_remove_account_async);
  entry = find_entry (self, provider_id, name, &index);
  if (entry == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _ ("No account %s is connected."), name);
      return;
    }
  entry->removed = TRUE;

  for (GList *l = self->jobs.head; l != NULL;)
    {
      GList *next = l->next;
      Job   *job = l->data;

      if (job->entry == entry)
        {
          job_free (job);
          g_queue_delete_link (&self->jobs, l);
        }
      l = next;
    }
  g_ptr_array_remove_index (self->entries, index);
  emit_changed (self);

  if (self->running == NULL || self->running->entry != entry)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->running->removed_waiters == NULL)
    self->running->removed_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->running->removed_waiters, g_steal_pointer (&task));
  g_cancellable_cancel (self->cancellable);
}

gboolean
tend_sync_scheduler_remove_account_finish (TendSyncScheduler *self, GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The connected accounts as "provider:name". */
char **
tend_sync_scheduler_dup_account_keys (TendSyncScheduler *self)
{
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();

  g_return_val_if_fail (TEND_IS_SYNC_SCHEDULER (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry           *entry = g_ptr_array_index (self->entries, i);
      g_autofree char *key
          = g_strconcat (tend_provider_get_id (entry->provider), ":", entry->name, NULL);

      g_strv_builder_add (keys, key);
    }
  return g_strv_builder_end (keys);
}

void
tend_sync_scheduler_sync_now (TendSyncScheduler *self)
{
  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));

  if (self->paused || self->stopped)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  for (guint i = 0; i < self->entries->len; i++)
    request_sync (self, g_ptr_array_index (self->entries, i));
  emit_changed (self);
  start_next_job (self);
}

void
tend_sync_scheduler_set_paused (TendSyncScheduler *self, gboolean paused)
{
  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));

  if (self->paused == !!paused)
    return;
  self->paused = !!paused;

  if (!self->paused)
    {
      for (guint i = 0; i < self->entries->len; i++)
        {
          Entry *entry = g_ptr_array_index (self->entries, i);

          if (entry->state == TEND_SYNC_STATE_PAUSED)
            entry_set_state (entry, TEND_SYNC_STATE_IDLE, NULL);
        }
      tend_sync_scheduler_sync_now (self);
      return;
    }

  /* Pausing stops the running sync too; its cursor lets the next one carry on. Imports, which
   * the user starts by hand, are left to run. */
  g_clear_handle_id (&self->timer_id, g_source_remove);
  for (GList *l = self->jobs.head; l != NULL;)
    {
      GList *next = l->next;
      Job   *job = l->data;

      if (job->kind == JOB_SYNC)
        {
          job->entry->queued = FALSE;
          job_free (job);
          g_queue_delete_link (&self->jobs, l);
        }
      l = next;
    }
  if (self->running != NULL && self->running->kind == JOB_SYNC)
    g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->state != TEND_SYNC_STATE_NEEDS_SIGN_IN)
        entry_set_state (entry, TEND_SYNC_STATE_PAUSED, NULL);
    }
  emit_changed (self);
}

void
tend_sync_scheduler_set_interval (TendSyncScheduler *self, guint seconds)
{
  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));
  g_return_if_fail (seconds > 0);

  self->interval = seconds;
  if (self->timer_id != 0)
    {
      g_clear_handle_id (&self->timer_id, g_source_remove);
      schedule_next_sync (self);
    }
}

/* @me: (nullable): the user's addresses, for files that do not say which are theirs. */
void
tend_sync_scheduler_import_async (TendSyncScheduler *self, const char *const *paths,
                                  const char *const *me, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GStrvBuilder) arguments = g_strv_builder_new ();
  Job *job;

  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));
  g_return_if_fail (paths != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tend_sync_scheduler_import_async);
  if (self->stopped)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _ ("Tend stopped collecting."));
      return;
    }

  g_strv_builder_add (arguments, "import");
  for (guint i = 0; me != NULL && me[i] != NULL; i++)
    {
      g_strv_builder_add (arguments, "--me");
      g_strv_builder_add (arguments, me[i]);
    }
  /* Paths never pass for options. */
  g_strv_builder_add (arguments, "--");
  g_strv_builder_addv (arguments, (const char **) paths);

  job = g_new0 (Job, 1);
  job->kind = JOB_IMPORT;
  job->scheduler = self;
  job->arguments = g_strv_builder_end (arguments);
  job->import_task = g_steal_pointer (&task);
  g_queue_push_tail (&self->jobs, job);
  start_next_job (self);
}

/* Returns: (transfer full): the import's summary, as the agent's Import method returns it */
GVariant *
tend_sync_scheduler_import_finish (TendSyncScheduler *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For opting out: nothing new starts, queued imports fail, the running job is cancelled, and
 * the call completes once the worker has exited, so that nothing holds the database. */
void
tend_sync_scheduler_stop_async (TendSyncScheduler *self, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Job *job;

  g_return_if_fail (TEND_IS_SYNC_SCHEDULER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tend_sync_scheduler_stop_async);

  self->stopped = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  while ((job = g_queue_pop_head (&self->jobs)) != NULL)
    {
      if (job->kind == JOB_IMPORT)
        g_task_return_new_error (job->import_task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _ ("Tend stopped collecting."));
      else
        job->entry->queued = FALSE;
      job_free (job);
    }

  if (self->running == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_ptr_array_add (self->stop_tasks, g_steal_pointer (&task));
}

gboolean
tend_sync_scheduler_stop_finish (TendSyncScheduler *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static GVariant *
describe_details (TendSyncState state, guint done, guint total, gint64 last_sync,
                  const char *last_error, gboolean with_progress)
{
  GVariantBuilder details;

  g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&details, "{sv}", "state",
                         g_variant_new_string (tend_sync_state_to_string (state)));
  if (with_progress)
    {
      g_variant_builder_add (&details, "{sv}", "done", g_variant_new_uint32 (done));
      g_variant_builder_add (&details, "{sv}", "total", g_variant_new_uint32 (total));
    }
  g_variant_builder_add (&details, "{sv}", "last-sync", g_variant_new_int64 (last_sync));
  g_variant_builder_add (&details, "{sv}", "last-error",
                         g_variant_new_string (last_error != NULL ? last_error : ""));
  return g_variant_builder_end (&details);
}

GVariant *
tend_sync_scheduler_describe_accounts (TendSyncScheduler *self)
{
  GVariantBuilder accounts;

  g_variant_builder_init (&accounts, G_VARIANT_TYPE ("a(ssa{sv})"));
  for (guint i = 0; self != NULL && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      g_variant_builder_add (
          &accounts, "(ss@a{sv})", tend_provider_get_id (entry->provider), entry->name,
          describe_details (entry->state, 0, 0, entry->last_sync, entry->last_error, FALSE));
    }
  return g_variant_builder_end (&accounts);
}

GVariant *
tend_sync_scheduler_describe_sources (TendSyncScheduler *self)
{
  GVariantBuilder sources;

  g_variant_builder_init (&sources, G_VARIANT_TYPE ("a(sssa{sv})"));
  for (guint i = 0; self != NULL && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      for (guint j = 0; j < entry->collections->len; j++)
        {
          Collection *collection = g_ptr_array_index (entry->collections, j);

          g_variant_builder_add (&sources, "(sss@a{sv})", tend_provider_get_id (entry->provider),
                                 entry->name, collection->name,
                                 describe_details (collection->state, collection->done,
                                                   collection->total, collection->last_sync,
                                                   collection->last_error, TRUE));
        }
    }
  return g_variant_builder_end (&sources);
}

/* One state for the tray: what needs the user first, then what is happening. @done and @total
 * add up the collections that sync now. */
TendSyncState
tend_sync_scheduler_get_overall_state (TendSyncScheduler *self, guint *done, guint *total)
{
  gboolean syncing = FALSE, failed = FALSE, offline = FALSE;

  g_return_val_if_fail (TEND_IS_SYNC_SCHEDULER (self), TEND_SYNC_STATE_IDLE);

  *done = *total = 0;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->state == TEND_SYNC_STATE_NEEDS_SIGN_IN)
        return TEND_SYNC_STATE_NEEDS_SIGN_IN;
      failed |= entry->state == TEND_SYNC_STATE_ERROR;
      offline |= entry->state == TEND_SYNC_STATE_OFFLINE;
      if (entry->state != TEND_SYNC_STATE_SYNCING && entry->state != TEND_SYNC_STATE_WAITING)
        continue;
      syncing = TRUE;
      for (guint j = 0; j < entry->collections->len; j++)
        {
          Collection *collection = g_ptr_array_index (entry->collections, j);

          if (collection->state == TEND_SYNC_STATE_SYNCING)
            {
              *done += collection->done;
              *total += MAX (collection->total, collection->done);
            }
        }
    }
  if (failed)
    return TEND_SYNC_STATE_ERROR;
  if (self->paused)
    return TEND_SYNC_STATE_PAUSED;
  if (syncing)
    return TEND_SYNC_STATE_SYNCING;
  return offline ? TEND_SYNC_STATE_OFFLINE : TEND_SYNC_STATE_IDLE;
}

/* When the account last synced completely, 0 if never or if it is not connected. */
gint64
tend_sync_scheduler_get_last_sync (TendSyncScheduler *self, const char *provider_id,
                                   const char *name)
{
  Entry *entry;

  g_return_val_if_fail (TEND_IS_SYNC_SCHEDULER (self), 0);

  entry = find_entry (self, provider_id, name, NULL);
  return entry != NULL ? entry->last_sync : 0;
}
