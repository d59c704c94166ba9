/* tend-week-page.c: how my week went, against my usual week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "tend-agent-util.h"
#include "tend-coach.h"
#include "tend-day-chart.h"
#include "tend-goal-dialog.h"
#include "tend-goal-row.h"
#include "tend-goal.h"
#include "tend-insights.h"
#include "tend-nudge-row.h"
#include "tend-settings.h"
#include "tend-store.h"
#include "tend-summary-card.h"
#include "tend-week-page.h"

/* The figures on the cards, in the order shown; docs/INSIGHTS.md defines each. */
static const TendMetric card_metrics[] = {
  TEND_METRIC_MEETING_HOURS, TEND_METRIC_FOCUS_HOURS,          TEND_METRIC_AFTER_HOURS_DAYS,
  TEND_METRIC_MESSAGES_SENT, TEND_METRIC_REPLY_MEDIAN_MINUTES,
};

#define N_CARDS G_N_ELEMENTS (card_metrics)

/* What the page shows of one week, computed together in one thread from one read-only store. */
typedef struct
{
  TendWeekReport *report;
  GPtrArray      *nudges;   /* (element-type TendNudge) */
  GPtrArray      *progress; /* (element-type TendGoalProgress) */
  gboolean        in_progress;
} WeekView;

typedef struct
{
  char    *path;
  TendWeek week;
} WeekRequest;

/* One dismiss, snooze or goal removal in flight: the row comes back if the agent refuses. */
typedef struct
{
  TendWeekPage *self;
  GtkWidget    *row;
  char         *what;
} AgentCall;

struct _TendWeekPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkLabel      *short_title_label;
  GtkLabel      *subtitle_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkFlowBox    *cards;
  TendDayChart  *day_chart;
  AdwStatusPage *error_page;
  GtkSpinner    *sync_spinner;
  GtkListBox    *nudge_list;
  GtkLabel      *nudge_error_label;
  GtkListBox    *goal_list;
  GtkLabel      *goal_error_label;
  GtkButton     *add_goal_button;

  /* Borrowed: children of @cards */
  TendSummaryCard *card[N_CARDS];

  /* Owned */
  char           *path;
  GTimeZone      *tz;
  GCancellable   *cancellable;
  TendWeekReport *report;
  TendDBusAgent1 *agent;
  /* The agent's calls, which outlive a change of week but not the page. */
  GCancellable *agent_cancellable;

  TendWeek week;
  guint    is_demo : 1;
  guint    loading : 1;
  guint    syncing : 1;
};

G_DEFINE_FINAL_TYPE (TendWeekPage, tend_week_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADING,
  PROP_AGENT,
  PROP_SYNCING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  AGENT_CALL_DISMISS,
  AGENT_CALL_SNOOZE,
  AGENT_CALL_REMOVE_GOAL,
} AgentCallKind;

static void
week_view_free (WeekView *view)
{
  g_clear_object (&view->report);
  g_clear_pointer (&view->nudges, g_ptr_array_unref);
  g_clear_pointer (&view->progress, g_ptr_array_unref);
  g_free (view);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WeekView, week_view_free)

static void
week_request_free (WeekRequest *request)
{
  g_free (request->path);
  g_free (request);
}

static AgentCall *
agent_call_new (TendWeekPage *self, GtkWidget *row, const char *what)
{
  AgentCall *call = g_new0 (AgentCall, 1);

  call->self = g_object_ref (self);
  call->row = g_object_ref (row);
  call->what = g_strdup (what);
  return call;
}

static void
agent_call_free (AgentCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->row);
  g_free (call->what);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AgentCall, agent_call_free)

/* The report, the coach's advice on it and how each goal stands, from one read-only store so
 * that the three agree with each other. */
static void
compute_view_thread (GTask *task, gpointer source_object, gpointer task_data,
                     GCancellable *cancellable)
{
  WeekRequest *request = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendCoach) coach = NULL;
  g_autoptr (GPtrArray) goals = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autoptr (WeekView) view = g_new0 (WeekView, 1);

  /* The task returns as soon as it is cancelled; the store's queries stop then too. */
  if ((store = tend_store_open (request->path, TEND_STORE_OPEN_READ_ONLY, &error)) != NULL)
    tend_store_stop_on_cancel (store, cancellable);
  if (store == NULL || (insights = tend_insights_new_for_user (store, &error)) == NULL
      || (view->report = tend_insights_compute (insights, &request->week, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  coach = tend_coach_new (store);
  if ((view->nudges = tend_coach_advise (coach, view->report, &error)) == NULL
      || (goals = tend_goal_list (store, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  end = tend_week_get_end (&request->week, tend_insights_get_time_zone (insights));
  view->in_progress = g_get_real_time () / G_USEC_PER_SEC < g_date_time_to_unix (end);
  view->progress = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_goal_progress_free);
  for (guint i = 0; i < goals->len; i++)
    g_ptr_array_add (view->progress, tend_goal_get_progress (g_ptr_array_index (goals, i),
                                                             view->report, view->in_progress));

  g_task_return_pointer (task, g_steal_pointer (&view), (GDestroyNotify) week_view_free);
}

static void
compute_view_async (TendWeekPage *self, GCancellable *cancellable, GAsyncReadyCallback callback)
{
  g_autoptr (GTask) task = NULL;
  WeekRequest *request = g_new0 (WeekRequest, 1);

  request->path = g_strdup (self->path);
  request->week = self->week;

  task = g_task_new (self, cancellable, callback, NULL);
  g_task_set_source_tag (task, compute_view_async);
  g_task_set_task_data (task, request, (GDestroyNotify) week_request_free);
  /* An older week is of no use once a newer one is asked for: stop waiting for it at once. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, compute_view_thread);
}

static void
set_loading (TendWeekPage *self, gboolean loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Why nudges and goals cannot be changed now, or NULL when they can. */
static const char *
locked_reason (TendWeekPage *self)
{
  if (self->is_demo)
    return _ ("The demo’s figures are invented and read-only: its nudges and goals cannot be "
              "changed.");
  if (self->agent == NULL)
    return _ ("Tend’s agent is not running, so nudges and goals cannot be changed now.");
  return NULL;
}

static void
update_lock (TendWeekPage *self)
{
  const char    *reason = locked_reason (self);
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->nudge_list, i)) != NULL; i++)
    tend_nudge_row_set_locked_reason (TEND_NUDGE_ROW (row), reason);
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->goal_list, i)) != NULL; i++)
    tend_goal_row_set_locked_reason (TEND_GOAL_ROW (row), reason);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.add-goal", reason == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->add_goal_button),
                               reason != NULL ? reason
                                              : _ ("Set a weekly limit or aim of your own"));
  if (reason != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_goal_button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->add_goal_button),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
update_actions (TendWeekPage *self)
{
  TendWeek current;

  tend_week_current (self->tz, &current);
  /* The weeks to come hold no figures yet, only meetings already planned: stop at this one. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.next",
                                 tend_week_compare (&self->week, &current) < 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.today",
                                 tend_week_compare (&self->week, &current) != 0);
}

static void
update_title (TendWeekPage *self)
{
  g_autoptr (GDateTime) first = tend_week_get_day (&self->week, 0, self->tz);
  g_autoptr (GDateTime) last = tend_week_get_day (&self->week, 6, self->tz);
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;
  g_autofree char *title = NULL;
  g_autofree char *short_first = NULL;
  g_autofree char *short_last = NULL;
  g_autofree char *short_title = NULL;
  g_autofree char *subtitle = NULL;

  if (g_date_time_get_year (first) == g_date_time_get_year (last))
    /* xgettext:no-c-format
     * Translators: the first day of a week whose last day is in the same year, in
     * g_date_time_format() syntax (%-d the day without padding, %b the month's short name):
     * “23 Feb”. Reorder or change it to your language's usual short date. */
    first_text = g_date_time_format (first, _ ("%-d %b"));
  else
    /* xgettext:no-c-format
     * Translators: the first day of a week that ends in the next year, in g_date_time_format()
     * syntax (%Y the year): “29 Dec 2025”. */
    first_text = g_date_time_format (first, _ ("%-d %b %Y"));
  /* xgettext:no-c-format
   * Translators: the last day of a week, in g_date_time_format() syntax: “1 Mar 2026”. */
  last_text = g_date_time_format (last, _ ("%-d %b %Y"));
  /* Translators: %1$s is a week's first day (“23 Feb”), %2$s its last day (“1 Mar 2026”). */
  title = g_strdup_printf (_ ("%1$s – %2$s"), first_text, last_text);
  /* Without the years, for a narrow window: the line below names the week's year. */
  /* xgettext:no-c-format
   * Translators: a week's first day, in g_date_time_format() syntax: “23 Feb”. */
  short_first = g_date_time_format (first, _ ("%-d %b"));
  /* xgettext:no-c-format
   * Translators: a week's last day, in g_date_time_format() syntax: “1 Mar”. */
  short_last = g_date_time_format (last, _ ("%-d %b"));
  short_title = g_strdup_printf (_ ("%1$s – %2$s"), short_first, short_last);

  if (self->is_demo)
    /* Translators: %1$d is an ISO week number, %2$d its year. */
    subtitle = g_strdup_printf (_ ("Week %1$d of %2$d · Demo data, invented, not yours"),
                                self->week.week, self->week.year);
  else
    subtitle = g_strdup_printf (_ ("Week %1$d of %2$d"), self->week.week, self->week.year);

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->short_title_label, short_title);
  /* The whole dates stay one hover (and, as the description, one screen reader query) away. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->short_title_label), title);
  gtk_label_set_label (self->subtitle_label, subtitle);
}

/* A week without data: while the first sync runs, that is only "not yet". */
static void
show_empty (TendWeekPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, self->syncing ? "syncing" : "empty");
  gtk_spinner_set_spinning (self->sync_spinner, self->syncing);
}

static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* The widget with the keyboard focus if it is inside @widget, else NULL. */
static GtkWidget *
focus_within (GtkWidget *widget)
{
  GtkRoot   *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)) ? focus
                                                                                      : NULL;
}

/* A row about to hide passes the keyboard focus to its neighbour, so that a keyboard user goes on
 * from where they were rather than from the top of the window. */
static void
hide_row (GtkWidget *row)
{
  if (focus_within (row) != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (row);

      while (next != NULL && !gtk_widget_get_visible (next))
        next = gtk_widget_get_next_sibling (next);
      if (next == NULL || !gtk_widget_child_focus (next, GTK_DIR_TAB_FORWARD))
        gtk_widget_child_focus (gtk_widget_get_parent (row), GTK_DIR_TAB_FORWARD);
    }
  gtk_widget_set_visible (row, FALSE);
}

static void
hide_errors (TendWeekPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->nudge_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->goal_error_label), FALSE);
}

/* The agent refused or could not be reached: the row comes back, with the reason above it. */
static void
agent_call_failed (AgentCall *call, AgentCallKind kind, GError *error)
{
  TendWeekPage    *self = call->self;
  g_autofree char *message = NULL;
  g_autofree char *reason = NULL;
  GtkLabel        *label;

  /* Cancelled: the page went away. */
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  reason = tend_agent_error_describe (error);
  switch (kind)
    {
    case AGENT_CALL_DISMISS:
      /* Translators: %1$s is a nudge's title, %2$s the agent's reason, a sentence. */
      message = g_strdup_printf (_ ("Could not dismiss “%1$s”: %2$s"), call->what, reason);
      label = self->nudge_error_label;
      break;

    case AGENT_CALL_SNOOZE:
      /* Translators: %1$s is a nudge's title, %2$s the agent's reason, a sentence. */
      message = g_strdup_printf (_ ("Could not snooze “%1$s”: %2$s"), call->what, reason);
      label = self->nudge_error_label;
      break;

    case AGENT_CALL_REMOVE_GOAL:
    default:
      /* Translators: %1$s is a goal (“Meeting time: at most 10.0 h”), %2$s the agent's reason,
       * a sentence. */
      message = g_strdup_printf (_ ("Could not remove the goal “%1$s”: %2$s"), call->what, reason);
      label = self->goal_error_label;
      break;
    }
  gtk_widget_set_visible (call->row, TRUE);
  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

/* On success the agent's DataChanged reloads the week; until then the row stays hidden. */
static void
dismiss_nudge_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AgentCall) call = user_data;
  g_autoptr (GError) error = NULL;

  tend_dbus_agent1_call_dismiss_nudge_finish (TEND_DBUS_AGENT1 (object), result, &error);
  agent_call_failed (call, AGENT_CALL_DISMISS, error);
}

static void
snooze_nudge_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AgentCall) call = user_data;
  g_autoptr (GError) error = NULL;

  tend_dbus_agent1_call_snooze_nudge_finish (TEND_DBUS_AGENT1 (object), result, &error);
  agent_call_failed (call, AGENT_CALL_SNOOZE, error);
}

static void
remove_goal_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AgentCall) call = user_data;
  g_autoptr (GError) error = NULL;

  tend_dbus_agent1_call_remove_goal_finish (TEND_DBUS_AGENT1 (object), result, &error);
  agent_call_failed (call, AGENT_CALL_REMOVE_GOAL, error);
}

static void
nudge_dismiss_cb (TendNudgeRow *row, TendWeekPage *self)
{
  TendNudge       *nudge = tend_nudge_row_get_nudge (row);
  g_autofree char *week = NULL;

  if (self->agent == NULL || self->report == NULL)
    return;

  week = tend_week_to_string (tend_week_report_get_week (self->report));
  hide_errors (self);
  hide_row (GTK_WIDGET (row));
  tend_dbus_agent1_call_dismiss_nudge (
      self->agent, tend_nudge_get_id (nudge), week, self->agent_cancellable, dismiss_nudge_cb,
      agent_call_new (self, GTK_WIDGET (row), tend_nudge_get_title (nudge)));
}

static void
nudge_snooze_cb (TendNudgeRow *row, guint weeks, TendWeekPage *self)
{
  TendNudge       *nudge = tend_nudge_row_get_nudge (row);
  g_autofree char *week = NULL;
  gint64           until;

  if (self->agent == NULL || self->report == NULL)
    return;

  week = tend_week_to_string (tend_week_report_get_week (self->report));
  until = g_get_real_time () / G_USEC_PER_SEC + (gint64) weeks * 7 * 24 * 60 * 60;
  hide_errors (self);
  hide_row (GTK_WIDGET (row));
  tend_dbus_agent1_call_snooze_nudge (
      self->agent, tend_nudge_get_id (nudge), week, until, self->agent_cancellable, snooze_nudge_cb,
      agent_call_new (self, GTK_WIDGET (row), tend_nudge_get_title (nudge)));
}

static void
goal_remove_cb (TendGoalRow *row, TendWeekPage *self)
{
  TendGoal        *goal = tend_goal_row_get_goal (row);
  g_autofree char *description = tend_goal_describe (goal);

  if (self->agent == NULL)
    return;

  hide_errors (self);
  hide_row (GTK_WIDGET (row));
  tend_dbus_agent1_call_remove_goal (self->agent, tend_goal_get_id (goal), self->agent_cancellable,
                                     remove_goal_cb,
                                     agent_call_new (self, GTK_WIDGET (row), description));
}

/* The same week shown again after DataChanged keeps the nudges that were open open, and the
 * keyboard focus on the nudge that had it. */
static void
show_nudges (TendWeekPage *self, GPtrArray *nudges, gboolean same_week)
{
  g_autoptr (GHashTable) expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *focused = NULL;
  GtkListBoxRow   *row;
  const char      *reason = locked_reason (self);

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->nudge_list, i)) != NULL; i++)
    {
      const char *id = tend_nudge_get_id (tend_nudge_row_get_nudge (TEND_NUDGE_ROW (row)));

      if (!same_week)
        break;
      if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
        g_hash_table_add (expanded, g_strdup (id));
      if (gtk_widget_get_visible (GTK_WIDGET (row)) && focus_within (GTK_WIDGET (row)) != NULL)
        focused = g_strdup (id);
    }
  clear_list (self->nudge_list);

  for (guint i = 0; i < nudges->len; i++)
    {
      TendNudge *nudge = g_ptr_array_index (nudges, i);
      GtkWidget *widget = tend_nudge_row_new (nudge);

      tend_nudge_row_set_locked_reason (TEND_NUDGE_ROW (widget), reason);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (widget),
                                     g_hash_table_contains (expanded, tend_nudge_get_id (nudge)));
      g_signal_connect_object (widget, "dismiss", G_CALLBACK (nudge_dismiss_cb), self, 0);
      g_signal_connect_object (widget, "snooze", G_CALLBACK (nudge_snooze_cb), self, 0);
      gtk_list_box_append (self->nudge_list, widget);
      if (g_strcmp0 (focused, tend_nudge_get_id (nudge)) == 0)
        gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
    }
}

static void
show_goals (TendWeekPage *self, GPtrArray *progress, gboolean in_progress)
{
  const char *reason = locked_reason (self);

  clear_list (self->goal_list);
  for (guint i = 0; i < progress->len; i++)
    {
      GtkWidget *widget = tend_goal_row_new (g_ptr_array_index (progress, i), in_progress);

      tend_goal_row_set_locked_reason (TEND_GOAL_ROW (widget), reason);
      g_signal_connect_object (widget, "remove", G_CALLBACK (goal_remove_cb), self, 0);
      gtk_list_box_append (self->goal_list, widget);
    }
}

static void
show_report (TendWeekPage *self, WeekView *view, gboolean same_week)
{
  if (!tend_week_report_has_data (self->report))
    {
      show_empty (self);
      return;
    }

  for (guint i = 0; i < N_CARDS; i++)
    {
      const double *series = tend_week_report_get_series (self->report, card_metrics[i]);

      tend_summary_card_set_figures (self->card[i],
                                     tend_week_report_get_value (self->report, card_metrics[i]),
                                     tend_week_report_get_baseline (self->report, card_metrics[i]));
      /* Without a trend there are too few earlier weeks for a line to say anything. */
      if (tend_week_report_has_trend (self->report) && series != NULL)
        tend_summary_card_set_series (self->card[i], series, TEND_TREND_WEEKS);
      else
        tend_summary_card_set_series (self->card[i], NULL, 0);
    }
  tend_day_chart_set_days (self->day_chart, tend_week_report_get_days (self->report), 7);
  show_nudges (self, view->nudges, same_week);
  show_goals (self, view->progress, view->in_progress);
  gtk_stack_set_visible_child_name (self->stack, "report");
  gtk_spinner_set_spinning (self->sync_spinner, FALSE);
}

static void
view_computed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);
  g_autoptr (GError) error = NULL;
  g_autoptr (WeekView) view = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean same_week;

  /* A newer request replaced this one, or the page went away; the newer one owns the page. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);
  same_week = self->report != NULL
              && tend_week_compare (tend_week_report_get_week (self->report), &self->week) == 0;
  g_clear_object (&self->report);

  if (error != NULL)
    {
      /* No database yet is not a failure: nothing has been collected. */
      if (g_error_matches (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND))
        {
          show_empty (self);
          return;
        }
      g_autofree char *escaped = NULL;

      g_debug ("Could not compute the week: %s error %d", g_quark_to_string (error->domain),
               error->code);
      /* A status page's description is markup. */
      escaped = g_markup_escape_text (error->message, -1);
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->report = g_steal_pointer (&view->report);
  show_report (self, view, same_week);
}

static void
week_previous_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_add (&self->week, -1, &week);
  tend_week_page_set_week (self, &week);
}

static void
week_next_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_add (&self->week, 1, &week);
  tend_week_page_set_week (self, &week);
}

static void
week_today_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  TendWeek      week;

  tend_week_current (self->tz, &week);
  tend_week_page_set_week (self, &week);
}

/* The new goal shows once the agent's DataChanged reloads the week. */
static void
add_goal_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendWeekPage *self = TEND_WEEK_PAGE (widget);
  GtkRoot      *root = gtk_widget_get_root (widget);
  GtkWidget    *dialog;

  g_return_if_fail (self->agent != NULL);

  hide_errors (self);
  dialog = tend_goal_dialog_new (self->agent, self->report);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
tend_week_page_dispose (GObject *object)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->agent_cancellable);
  g_clear_object (&self->agent_cancellable);
  g_clear_object (&self->report);
  g_clear_object (&self->agent);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_WEEK_PAGE);

  G_OBJECT_CLASS (tend_week_page_parent_class)->dispose (object);
}

static void
tend_week_page_finalize (GObject *object)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (tend_week_page_parent_class)->finalize (object);
}

static void
tend_week_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;

    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_week_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendWeekPage *self = TEND_WEEK_PAGE (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      tend_week_page_set_agent (self, g_value_get_object (value));
      break;

    case PROP_SYNCING:
      tend_week_page_set_syncing (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_week_page_class_init (TendWeekPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_week_page_dispose;
  object_class->finalize = tend_week_page_finalize;
  object_class->get_property = tend_week_page_get_property;
  object_class->set_property = tend_week_page_set_property;

  properties[PROP_LOADING]
      = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AGENT]
      = g_param_spec_object ("agent", NULL, NULL, TEND_DBUS_TYPE_AGENT1,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SYNCING]
      = g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TEND_TYPE_DAY_CHART);
  g_type_ensure (TEND_TYPE_SUMMARY_CARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-week-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, box);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, short_title_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, cards);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, day_chart);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, nudge_list);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, nudge_error_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, goal_list);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, goal_error_label);
  gtk_widget_class_bind_template_child (widget_class, TendWeekPage, add_goal_button);

  gtk_widget_class_install_action (widget_class, "week.previous", NULL, week_previous_action);
  gtk_widget_class_install_action (widget_class, "week.next", NULL, week_next_action);
  gtk_widget_class_install_action (widget_class, "week.today", NULL, week_today_action);
  gtk_widget_class_install_action (widget_class, "week.add-goal", NULL, add_goal_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "week.previous",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "week.next",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "week.today",
                                       NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "weekpage");
}

static void
tend_week_page_init (TendWeekPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_CARDS; i++)
    {
      self->card[i] = TEND_SUMMARY_CARD (tend_summary_card_new (card_metrics[i]));
      gtk_flow_box_append (self->cards, GTK_WIDGET (self->card[i]));
    }

  self->agent_cancellable = g_cancellable_new ();
  self->tz = tend_settings_get_time_zone ();
  tend_week_current (self->tz, &self->week);
  update_title (self);
  update_actions (self);
  update_lock (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
tend_week_page_new (void)
{
  return g_object_new (TEND_TYPE_WEEK_PAGE, NULL);
}

void
tend_week_page_set_database (TendWeekPage *self, const char *path, gboolean is_demo)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));
  g_return_if_fail (path != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  self->is_demo = !!is_demo;
  g_clear_object (&self->report);
  update_title (self);
  update_lock (self);
  tend_week_page_reload (self);
}

void
tend_week_page_reload (TendWeekPage *self)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));

  if (self->path == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  /* The same week computed again keeps its figures on screen until the new ones arrive. */
  if (self->report == NULL
      || tend_week_compare (tend_week_report_get_week (self->report), &self->week) != 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);

  compute_view_async (self, self->cancellable, view_computed_cb);
}

const TendWeek *
tend_week_page_get_week (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), NULL);

  return &self->week;
}

void
tend_week_page_set_week (TendWeekPage *self, const TendWeek *week)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));
  g_return_if_fail (week != NULL);

  if (tend_week_compare (&self->week, week) == 0)
    return;
  self->week = *week;
  hide_errors (self);
  update_title (self);
  update_actions (self);
  tend_week_page_reload (self);
}

gboolean
tend_week_page_get_loading (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), FALSE);

  return self->loading;
}

TendDBusAgent1 *
tend_week_page_get_agent (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), NULL);

  return self->agent;
}

void
tend_week_page_set_agent (TendWeekPage *self, TendDBusAgent1 *agent)
{
  g_return_if_fail (TEND_IS_WEEK_PAGE (self));
  g_return_if_fail (agent == NULL || TEND_DBUS_IS_AGENT1 (agent));

  if (!g_set_object (&self->agent, agent))
    return;
  update_lock (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT]);
}

gboolean
tend_week_page_get_syncing (TendWeekPage *self)
{
  g_return_val_if_fail (TEND_IS_WEEK_PAGE (self), FALSE);

  return self->syncing;
}

void
tend_week_page_set_syncing (TendWeekPage *self, gboolean syncing)
{
  const char *visible;

  g_return_if_fail (TEND_IS_WEEK_PAGE (self));

  if (self->syncing == !!syncing)
    return;
  self->syncing = !!syncing;

  /* Only the empty state depends on it: a week with figures shows them either way. */
  visible = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (visible, "empty") == 0 || g_strcmp0 (visible, "syncing") == 0)
    show_empty (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}
