/* tend-agent-worker.c: the short-lived process that does the agent's heavy work
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * The agent stays resident and small; each sync, import, sign-in or deletion runs here, with
 * the libraries it needs, and the process exits when it is done. Hostile mail and JSON are
 * thus parsed in a process that lives for one job. The protocol is in tend-worker.h: one
 * GVariant per line on standard output; logs go to standard error.
 *
 * The database commands (create, import, sync, digest and the small edits) block, so they run in
 * a thread while the main loop waits for SIGTERM, which cancels them between two pages or two
 * files.
 */
#define G_LOG_DOMAIN "tend-worker"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "tend-settings.h"
#include "tend-account.h"
#include "tend-agent-worker.h"
#include "tend-aggregate.h"
#include "tend-api-client.h"
#include "tend-coach.h"
#include "tend-goal.h"
#include "tend-google-source.h"
#include "tend-graph-source.h"
#include "tend-importer.h"
#include "tend-insights.h"
#include "tend-oauth-flow.h"
#include "tend-provider.h"

/* The time of an account's last complete sync, kept beside its cursors and written only once
 * every collection is up to date: a first sync cut short stays a first sync. The agent's
 * scheduler never reads this cursor: the sync's done line carries the stored time as
 * "previous-sync" and the new one as "synced-at". */
#define LAST_SYNC_COLLECTION "last-sync"

/* The figures of the weekly digest, each shown against my own usual value (invariant 7). */
static const TendMetric digest_metrics[] = {
  TEND_METRIC_MEETING_HOURS,
  TEND_METRIC_FOCUS_HOURS,
  TEND_METRIC_AFTER_HOURS_DAYS,
};

typedef GVariant *(*ThreadCommand) (char **args, GCancellable *cancellable, GError **error);

typedef struct
{
  ThreadCommand func;
  char        **args; /* the command's arguments, after its name and options */
} ThreadJob;

/* The protocol's channel: the original standard output, which nothing else writes to. */
static GMutex        output_lock;
static FILE         *output;
static GCancellable *output_cancellable;

void
tend_agent_worker_emit (const char *kind, GVariant *details)
{
  g_autoptr (GVariant) line = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_if_fail (kind != NULL);
  g_return_if_fail (g_variant_is_of_type (details, G_VARIANT_TYPE_VARDICT));

  line = g_variant_ref_sink (g_variant_new ("(s@a{sv})", kind, details));
  /* The text format escapes control characters: a digest's line breaks stay on one line. */
  text = g_variant_print (line, TRUE);
  locker = g_mutex_locker_new (&output_lock);
  if (fprintf (output, "%s\n", text) < 0 || fflush (output) != 0)
    {
      /* Nobody hears the outcome any more: stop at the next page. */
      g_message ("Could not write to the agent: %s", g_strerror (errno));
      g_cancellable_cancel (output_cancellable);
    }
}

static const char *
error_code (const GError *error)
{
  if (g_error_matches (error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED))
    return "unauthorized";
  /* A provider that did not answer a refresh or a discovery is as unreachable as its API. */
  if (g_error_matches (error, TEND_API_ERROR, TEND_API_ERROR_NETWORK)
      || g_error_matches (error, TEND_OAUTH_ERROR, TEND_OAUTH_ERROR_NETWORK))
    return "network";
  if (g_error_matches (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_UNKNOWN)
      || g_error_matches (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED))
    return "not-configured";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  return "failed";
}

void
tend_agent_worker_finish (TendAgentWorker *worker, GVariant *done, GError *error)
{
  GVariantBuilder details;

  g_return_if_fail (worker != NULL);
  g_return_if_fail ((done == NULL) != (error == NULL));

  if (error == NULL)
    {
      tend_agent_worker_emit ("done", done);
      worker->status = 0;
    }
  else
    {
      g_variant_builder_init (&details, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&details, "{sv}", "code", g_variant_new_string (error_code (error)));
      g_variant_builder_add (&details, "{sv}", "message", g_variant_new_string (error->message));
      tend_agent_worker_emit ("error", g_variant_builder_end (&details));
      worker->status = 1;
      g_error_free (error);
    }
  g_main_loop_quit (worker->loop);
}

gboolean
tend_agent_worker_parse (GOptionContext *context, int *argc, char ***argv, GError **error)
{
  g_return_val_if_fail (context != NULL, FALSE);

  /* No --help: the agent is the only caller, and a help text is no protocol line. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return g_option_context_parse (context, argc, argv, error);
}

static GVariant *
empty_details (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static TendStore *
open_default_store (TendStoreOpenFlags flags, GError **error)
{
  g_autofree char *path = tend_store_get_default_path ();

  return tend_store_open (path, flags, error);
}

/* create: opens the database read-write, which creates or migrates it. */
static GVariant *
create_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = open_default_store (TEND_STORE_OPEN_READ_WRITE, error);

  if (store == NULL)
    return NULL;
  return empty_details ();
}

static void
import_progress_cb (guint files_done, guint files_total, gpointer user_data)
{
  tend_agent_worker_emit ("progress", g_variant_new_parsed ("{'collection': <'files'>, "
                                                            "'done': <%u>, 'total': <%u>}",
                                                            files_done, files_total));
}

/* import: args are the "--me" addresses, an empty string, then the paths (see
 * start_import()). */
static GVariant *
import_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendImporter) importer = NULL;
  g_autoptr (TendImportReport) report = NULL;
  char **paths;

  if (!(store = open_default_store (TEND_STORE_OPEN_READ_WRITE, error)))
    return NULL;
  for (paths = args; **paths != '\0'; paths++)
    if (!tend_store_add_me (store, *paths, error))
      return NULL;
  paths++;

  report = tend_import_report_new ();
  importer = tend_importer_new (store);
  tend_importer_set_progress (importer, import_progress_cb, NULL);
  if (!tend_importer_run (importer, (const char *const *) paths, report, cancellable, error))
    return NULL;
  return tend_import_report_to_variant (report);
}

/* Tokens come from the account, which refreshes them; the API client asks from this thread. */
static char *
get_token_cb (gboolean refresh, gpointer user_data, GCancellable *cancellable, GError **error)
{
  return tend_account_get_access_token (TEND_ACCOUNT (user_data), refresh, cancellable, error);
}

static TendSyncSource *
create_source (TendAccount *account, GError **error)
{
  TendProvider *provider = tend_account_get_provider (account);
  const char   *url = tend_provider_get_api_url (provider);
  g_autoptr (TendApiClient) client = NULL;

  if (url != NULL)
    switch (tend_provider_get_api (provider))
      {
      case TEND_PROVIDER_API_MICROSOFT_GRAPH:
        client = tend_api_client_new (get_token_cb, g_object_ref (account), g_object_unref);
        return TEND_SYNC_SOURCE (tend_graph_source_new (client, url));
      case TEND_PROVIDER_API_GOOGLE:
        client = tend_api_client_new (get_token_cb, g_object_ref (account), g_object_unref);
        return TEND_SYNC_SOURCE (tend_google_source_new (client, url));
      case TEND_PROVIDER_API_NONE:
      default:
        break;
      }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _ ("Tend cannot read mail or calendars from %s"), tend_provider_get_name (provider));
  return NULL;
}

static void
sync_progress_cb (const char *collection, guint done, guint total, gpointer user_data)
{
  tend_agent_worker_emit ("progress", g_variant_new_parsed ("{'collection': <%s>, 'done': <%u>, "
                                                            "'total': <%u>}",
                                                            collection, done, total));
}

/* sync PROVIDER ACCOUNT */
static GVariant *
sync_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (TendAccount) account = NULL;
  g_autoptr (TendSyncSource) source = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *now = NULL;
  TendSyncReport   report = { 0 };
  gint64           account_id, previous_sync, synced_at;
  GVariantBuilder  done;

  if (!(config = tend_org_config_new_default (error))
      || !(provider = tend_provider_new (args[0], config, error)))
    return NULL;
  account = tend_account_new (provider, args[1]);
  if (!(source = create_source (account, error))
      || !(store = open_default_store (TEND_STORE_OPEN_READ_WRITE, error)))
    return NULL;

  account_id = tend_store_ensure_account (store, args[0], args[1], error);
  if (account_id == 0)
    return NULL;
  previous = tend_store_get_cursor (store, account_id, LAST_SYNC_COLLECTION, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  previous_sync = previous != NULL ? g_ascii_strtoll (previous, NULL, 10) : 0;

  if (!tend_sync_source_sync (source, store, account_id, sync_progress_cb, NULL, &report,
                              cancellable, error))
    return NULL;
  synced_at = g_get_real_time () / G_USEC_PER_SEC;
  now = g_strdup_printf ("%" G_GINT64_FORMAT, synced_at);
  if (!tend_store_set_cursor (store, account_id, LAST_SYNC_COLLECTION, now, error))
    return NULL;

  g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&done, "{sv}", "messages-added",
                         g_variant_new_uint32 (report.messages_added));
  g_variant_builder_add (&done, "{sv}", "messages-removed",
                         g_variant_new_uint32 (report.messages_removed));
  g_variant_builder_add (&done, "{sv}", "events-changed",
                         g_variant_new_uint32 (report.events_changed));
  g_variant_builder_add (&done, "{sv}", "events-removed",
                         g_variant_new_uint32 (report.events_removed));
  g_variant_builder_add (&done, "{sv}", "skipped", g_variant_new_uint32 (report.skipped));
  g_variant_builder_add (&done, "{sv}", "previous-sync", g_variant_new_int64 (previous_sync));
  g_variant_builder_add (&done, "{sv}", "synced-at", g_variant_new_int64 (synced_at));
  return g_variant_builder_end (&done);
}

static char *
digest_body (TendWeekReport *report)
{
  g_autoptr (GString) body = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (digest_metrics); i++)
    {
      TendMetric       metric = digest_metrics[i];
      double           baseline = tend_week_report_get_baseline (report, metric);
      g_autofree char *value
          = tend_metric_format_value (metric, tend_week_report_get_value (report, metric));

      if (body->len > 0)
        g_string_append_c (body, '\n');
      if (isnan (baseline))
        /* TRANSLATORS: a figure of last week, e.g. "Focus time: 12.5 h" */
        g_string_append_printf (body, _ ("%s: %s"), tend_metric_get_title (metric), value);
      else
        {
          g_autofree char *usual = tend_metric_format_value (metric, baseline);

          /* TRANSLATORS: a figure of last week and the user's own usual value (the median of
           * their previous weeks), e.g. "Focus time: 12.5 h (usually 9.0 h)" */
          g_string_append_printf (body, _ ("%s: %s (usually %s)"), tend_metric_get_title (metric),
                                  value, usual);
        }
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* The week a command names, or last week in the user's time zone: the last complete one. */
static gboolean
parse_week_or_last (const char *text, TendWeek *week, GError **error)
{
  g_autoptr (GTimeZone) tz = NULL;
  TendWeek this_week;

  if (text != NULL)
    return tend_week_parse (text, week, error);
  tz = tend_settings_get_time_zone ();
  tend_week_current (tz, &this_week);
  tend_week_add (&this_week, -1, week);
  return TRUE;
}

/* digest [WEEK]: the weekly digest of WEEK, by default last week in the user's time zone. */
static GVariant *
digest_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autofree char *week_name = NULL;
  g_autofree char *body = NULL;
  TendWeek         week;
  GVariantBuilder  done;

  if (!parse_week_or_last (args[0], &week, error))
    return NULL;

  if (!(store = open_default_store (TEND_STORE_OPEN_READ_ONLY, error))
      || !(insights = tend_insights_new_for_user (store, error))
      || !(report = tend_insights_compute (insights, &week, error)))
    return NULL;
  if (!tend_week_report_has_data (report))
    return empty_details ();

  week_name = tend_week_to_string (&week);
  body = digest_body (report);
  g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&done, "{sv}", "week", g_variant_new_string (week_name));
  g_variant_builder_add (&done, "{sv}", "title", g_variant_new_string (_ ("Your last week")));
  g_variant_builder_add (&done, "{sv}", "body", g_variant_new_string (body));
  return g_variant_builder_end (&done);
}

/* The coach's and the goals' edits are a single small write each: the agent runs them beside a
 * sync or an import, and TEND_STORE_OPEN_PRIORITY lets them write before the next page or batch. */

static gboolean
check_nudge_id (const char *nudge_id, GError **error)
{
  if (*nudge_id != '\0')
    return TRUE;
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _ ("Name a nudge"));
  return FALSE;
}

/* dismiss NUDGE_ID WEEK */
static GVariant *
dismiss_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendCoach) coach = NULL;
  TendWeek week;

  if (!check_nudge_id (args[0], error) || !tend_week_parse (args[1], &week, error)
      || !(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error)))
    return NULL;
  coach = tend_coach_new (store);
  if (!tend_coach_dismiss (coach, args[0], &week, error))
    return NULL;
  return empty_details ();
}

/* snooze NUDGE_ID WEEK UNTIL (Unix time) */
static GVariant *
snooze_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendCoach) coach = NULL;
  g_autoptr (GDateTime) until = NULL;
  TendWeek week;
  gint64   until_time;

  if (!check_nudge_id (args[0], error) || !tend_week_parse (args[1], &week, error)
      || !g_ascii_string_to_signed (args[2], 10, 0, G_MAXINT64, &until_time, error))
    return NULL;
  if (!(until = g_date_time_new_from_unix_utc (until_time)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("%s is not a time a nudge can be snoozed until"), args[2]);
      return NULL;
    }
  if (!(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error)))
    return NULL;
  coach = tend_coach_new (store);
  if (!tend_coach_snooze (coach, args[0], &week, until, error))
    return NULL;
  return empty_details ();
}

/* goal-add METRIC COMPARISON TARGET: done carries the new goal's "id" (x). */
static GVariant *
goal_add_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendGoal) goal = NULL;
  TendGoalComparison comparison;
  char              *end = NULL;
  double             target;

  if (!tend_goal_comparison_parse (args[1], &comparison, error))
    return NULL;
  target = g_ascii_strtod (args[2], &end);
  if (end == args[2] || *end != '\0')
    {
      g_set_error (error, TEND_GOAL_ERROR, TEND_GOAL_ERROR_INVALID_TARGET,
                   _ ("“%s” is not a number"), args[2]);
      return NULL;
    }
  if (!(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error))
      || !(goal = tend_goal_add (store, args[0], comparison, target, error)))
    return NULL;
  return g_variant_new_parsed ("{'id': <%x>}", tend_goal_get_id (goal));
}

/* goal-remove ID */
static GVariant *
goal_remove_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  gint64 id;

  if (!g_ascii_string_to_signed (args[0], 10, G_MININT64, G_MAXINT64, &id, error)
      || !(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error))
      || !tend_goal_remove (store, id, error))
    return NULL;
  return empty_details ();
}

/* contribution [WEEK]: the contribution of WEEK (last week by default), prepared once and
 * stored; done carries "week" (s) and "payload" (s, the literal bytes an upload would send).
 * The week's report is computed from a read-only store, which takes no turn: only the insert,
 * one row, goes ahead of a sync's next batch, so that a long computation never holds a sync
 * back. */
static GVariant *
contribution_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) reader = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) computed = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *week_name = NULL;
  g_autofree char *text = NULL;
  const char      *data;
  gsize            size;
  TendWeek         week;
  GVariantBuilder  done;

  if (!parse_week_or_last (args[0], &week, error)
      || !(reader = open_default_store (TEND_STORE_OPEN_READ_ONLY, error)))
    return NULL;
  payload = tend_aggregate_lookup (reader, &week, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (payload == NULL)
    {
      if (!(insights = tend_insights_new_for_user (reader, error))
          || !(computed = tend_aggregate_compute (insights, &week, error)))
        return NULL;
      g_clear_object (&insights);
      g_clear_object (&reader);
      if (!(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error))
          || !(payload = tend_aggregate_store (store, &week, computed, error)))
        return NULL;
    }
  /* Invariant 5: what the person is shown, and what would be sent, is exactly the format
   * (which is plain ASCII), even if the stored row was tampered with. */
  if (!tend_aggregate_validate (payload, error))
    return NULL;
  data = g_bytes_get_data (payload, &size);
  text = g_strndup (data, size);
  week_name = tend_week_to_string (&week);
  g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&done, "{sv}", "week", g_variant_new_string (week_name));
  g_variant_builder_add (&done, "{sv}", "payload", g_variant_new_string (text));
  return g_variant_builder_end (&done);
}

/* consent give|revoke ORGANIZATION COLLECTOR WEEK AT: records a change of consent in the consent
 * log, at AT (Unix time), the time the agent keeps with it in agent.ini.
 * consent status: the log's last row, which the agent's state must match; done carries
 * "action", "organization", "destination", "week" (s) and "at" (x), or nothing when the log is
 * empty. */
static GVariant *
consent_thread (char **args, GCancellable *cancellable, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  g_auto (TendAggregateConsent) last = { 0 };
  g_autoptr (GError) local_error = NULL;
  gboolean        given = g_str_equal (args[0], "give");
  gint64          at;
  GVariantBuilder done;

  if (g_str_equal (args[0], "status") && g_strv_length (args) == 1)
    {
      if (!(store = open_default_store (TEND_STORE_OPEN_READ_ONLY, error)))
        return NULL;
      if (!tend_aggregate_last_consent (store, &last, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          return empty_details ();
        }
      g_variant_builder_init (&done, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&done, "{sv}", "action",
                             g_variant_new_string (last.given ? "give" : "revoke"));
      g_variant_builder_add (&done, "{sv}", "organization",
                             g_variant_new_string (last.organization));
      g_variant_builder_add (&done, "{sv}", "destination", g_variant_new_string (last.destination));
      g_variant_builder_add (&done, "{sv}", "week", g_variant_new_string (last.week));
      g_variant_builder_add (&done, "{sv}", "at", g_variant_new_int64 (last.at));
      return g_variant_builder_end (&done);
    }
  if ((!given && !g_str_equal (args[0], "revoke")) || g_strv_length (args) != 5)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _ ("Unknown consent action “%s”, or the wrong arguments for it"), args[0]);
      return NULL;
    }
  if (!g_ascii_string_to_signed (args[4], 10, 0, G_MAXINT64, &at, error)
      || !(store = open_default_store (TEND_STORE_OPEN_PRIORITY, error))
      || !tend_aggregate_record_consent (store, given, args[1], args[2], args[3], at, error))
    return NULL;
  return empty_details ();
}

static void
thread_job_free (ThreadJob *job)
{
  g_strfreev (job->args);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ThreadJob *job = task_data;
  GError    *error = NULL;
  GVariant  *done;

  done = job->func (job->args, cancellable, &error);
  if (done == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_variant_ref_sink (done), (GDestroyNotify) g_variant_unref);
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TendAgentWorker *worker = user_data;
  GError          *error = NULL;
  g_autoptr (GVariant) done = g_task_propagate_pointer (G_TASK (result), &error);

  tend_agent_worker_finish (worker, done, error);
}

/* Runs @func in a thread; @args (owned) is what it gets. */
static void
run_in_thread (TendAgentWorker *worker, ThreadCommand func, char **args)
{
  g_autoptr (GTask) task = g_task_new (NULL, worker->cancellable, job_done_cb, worker);
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->func = func;
  job->args = args;
  g_task_set_source_tag (task, run_in_thread);
  g_task_set_task_data (task, job, (GDestroyNotify) thread_job_free);
  /* The command decides where it stops: a cancel between two pages still ends in an error. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, job_thread);
}

static gboolean
start_import (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_auto (GStrv) me = NULL;
  g_autoptr (GStrvBuilder) args = g_strv_builder_new ();
  const GOptionEntry entries[]
      = { { "me", 0, 0, G_OPTION_ARG_STRING_ARRAY, &me, NULL, NULL }, { NULL } };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tend_agent_worker_parse (context, &argc, &argv, error))
    return FALSE;
  if (argc < 2)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _ ("Name at least one file or folder to import"));
      return FALSE;
    }
  /* The thread gets the addresses, an empty string, then the paths. */
  if (me != NULL)
    g_strv_builder_addv (args, (const char **) me);
  g_strv_builder_add (args, "");
  g_strv_builder_addv (args, (const char **) argv + 1);
  run_in_thread (worker, import_thread, g_strv_builder_end (args));
  return TRUE;
}

/* Each command: the protocol's name, and either its own start (options, or work outside a
 * thread) or the thread that runs it with its MIN to MAX arguments. */
static const struct
{
  const char *name;
  gboolean (*start) (TendAgentWorker *worker, int argc, char **argv, GError **error);
  ThreadCommand thread;
  int           min, max;
} commands[] = {
  { "consent", NULL, consent_thread, 1, 5 },
  { "contribution", NULL, contribution_thread, 0, 1 },
  { "create", NULL, create_thread, 0, 0 },
  { "digest", NULL, digest_thread, 0, 1 },
  { "disconnect", tend_agent_worker_disconnect },
  { "dismiss", NULL, dismiss_thread, 2, 2 },
  { "goal-add", NULL, goal_add_thread, 3, 3 },
  { "goal-remove", NULL, goal_remove_thread, 1, 1 },
  { "import", start_import },
  { "opt-out", tend_agent_worker_opt_out },
  { "sign-in", tend_agent_worker_sign_in },
  { "snooze", NULL, snooze_thread, 3, 3 },
  { "sync", NULL, sync_thread, 2, 2 },
};

static gboolean
start_command (TendAgentWorker *worker, int argc, char **argv, GError **error)
{
  if (argc < 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _ ("Name a command"));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (argv[0], commands[i].name))
        continue;
      if (commands[i].start != NULL)
        return commands[i].start (worker, argc, argv, error);
      /* argc counts the command's name. */
      if (argc - 1 < commands[i].min || argc - 1 > commands[i].max)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                               _ ("Wrong number of arguments"));
          return FALSE;
        }
      run_in_thread (worker, commands[i].thread, g_strdupv (argv + 1));
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _ ("Unknown command “%s”"), argv[0]);
  return FALSE;
}

static gboolean
terminate_cb (gpointer user_data)
{
  TendAgentWorker *worker = user_data;

  g_debug ("Asked to stop");
  g_cancellable_cancel (worker->cancellable);
  return G_SOURCE_CONTINUE;
}

/* Keeps the protocol's channel to itself: whatever a library or a child process (the browser of
 * a sign-in) writes to standard output goes to standard error instead, and the channel is not
 * inherited, so a browser that outlives the worker does not hold it open. */
static gboolean
take_output (GError **error)
{
  int fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);

  if (fd < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0 || !(output = fdopen (fd, "w")))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot set up the output: %s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char *argv[])
{
  TendAgentWorker worker = { 0 };
  g_autoptr (GError) error = NULL;
  guint term_id, int_id;

  /* Once the agent is gone, a write to it must fail with EPIPE, which cancels the job at its next
   * page or file (see tend_agent_worker_emit()), rather than kill the worker outright. GLib only
   * ignores SIGPIPE once something has used GSocket, which the database commands never do. */
  signal (SIGPIPE, SIG_IGN);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!take_output (&error))
    {
      g_printerr ("tend-agent-worker: %s\n", error->message);
      return 1;
    }
  /* Debug and info lines too: standard output is the protocol's. */
  g_log_writer_default_set_use_stderr (TRUE);

  worker.loop = g_main_loop_new (NULL, FALSE);
  worker.cancellable = g_cancellable_new ();
  output_cancellable = worker.cancellable;
  term_id = g_unix_signal_add (SIGTERM, terminate_cb, &worker);
  int_id = g_unix_signal_add (SIGINT, terminate_cb, &worker);

  if (start_command (&worker, argc - 1, argv + 1, &error))
    g_main_loop_run (worker.loop);
  else
    tend_agent_worker_finish (&worker, NULL, g_steal_pointer (&error));

  g_source_remove (term_id);
  g_source_remove (int_id);
  g_clear_object (&worker.cancellable);
  g_main_loop_unref (worker.loop);
  if (fclose (output) != 0)
    return 1;
  return worker.status;
}
