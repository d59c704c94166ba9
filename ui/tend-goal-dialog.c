/* tend-goal-dialog.c: a new goal of my own, added through the agent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-agent-util.h"
#include "tend-goal-dialog.h"

/* The figures a weekly limit or aim makes sense for, in the order offered: the ones the coach
 * speaks about, each something a person can steer. Shares and reply times are left out: a
 * target on them rewards answering faster, which is not a habit to encourage. */
static const TendMetric goal_metrics[] = {
  TEND_METRIC_MEETING_HOURS,       TEND_METRIC_FOCUS_HOURS,
  TEND_METRIC_AFTER_HOURS_DAYS,    TEND_METRIC_AFTER_HOURS_MESSAGES_SENT,
  TEND_METRIC_WEEKEND_DAYS_ACTIVE, TEND_METRIC_MEETINGS,
  TEND_METRIC_BACK_TO_BACK_CHAINS, TEND_METRIC_LARGE_MEETINGS,
  TEND_METRIC_MESSAGES_SENT,       TEND_METRIC_GRATITUDE_SENT,
};

struct _TendGoalDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkSpinner    *spinner;
  AdwComboRow   *metric_row;
  AdwComboRow   *comparison_row;
  AdwActionRow  *target_row;
  GtkSpinButton *target_spin;
  GtkAdjustment *target_adjustment;
  GtkLabel      *unit_label;
  GtkLabel      *error_label;

  /* Owned */
  TendDBusAgent1 *agent;
  TendWeekReport *report;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (TendGoalDialog, tend_goal_dialog, ADW_TYPE_WINDOW)

/* Each unit's wording, range, step and decimals; a week has 168 hours and 7 days. */
typedef struct
{
  const char *unit;
  double      upper;
  double      step;
  guint       digits;
} UnitRange;

static const UnitRange unit_ranges[] = {
  /* Translators: after a goal's target in hours (“at most 10.0 hours a week”). */
  [TEND_UNIT_HOURS] = { N_ ("hours a week"), 168, 0.5, 1 },
  /* Translators: after a goal's target in minutes. */
  [TEND_UNIT_MINUTES] = { N_ ("minutes"), 10080, 5, 0 },
  /* Translators: after a goal's target that is a count (“at most 40 a week”). */
  [TEND_UNIT_COUNT] = { N_ ("a week"), 10000, 1, 0 },
  /* Translators: after a goal's target in days (“at most 2 days a week”). */
  [TEND_UNIT_DAYS] = { N_ ("days a week"), 7, 1, 0 },
};

static void
set_unit (TendGoalDialog *self, TendMetric metric)
{
  TendUnit         kind = tend_metric_get_unit (metric);
  const UnitRange *range;
  const char      *unit;
  g_autofree char *name = NULL;

  /* A share, or a unit added later, is counted like any other figure. */
  if ((guint) kind >= G_N_ELEMENTS (unit_ranges))
    kind = TEND_UNIT_COUNT;
  range = &unit_ranges[kind];
  unit = _ (range->unit);
  gtk_label_set_label (self->unit_label, unit);
  gtk_spin_button_set_digits (self->target_spin, range->digits);
  gtk_adjustment_configure (
      self->target_adjustment,
      CLAMP (gtk_adjustment_get_value (self->target_adjustment), 0, range->upper), 0, range->upper,
      range->step, range->step * 10, 0);
  /* Translators: the target's name for screen readers; %s is its unit (“hours a week”). */
  name = g_strdup_printf (_ ("Target, %s"), unit);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->target_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

/* A new figure starts from my own usual week, the fairest first target, and from the direction
 * the figure is good in. */
static void
metric_changed_cb (TendGoalDialog *self)
{
  guint            selected = adw_combo_row_get_selected (self->metric_row);
  TendMetric       metric;
  double           usual = NAN;
  double           step;
  g_autofree char *hint = NULL;

  if (selected >= G_N_ELEMENTS (goal_metrics))
    return;
  metric = goal_metrics[selected];

  adw_combo_row_set_selected (self->comparison_row,
                              tend_metric_get_polarity (metric) == TEND_POLARITY_HIGHER_IS_BETTER
                                  ? TEND_GOAL_AT_LEAST
                                  : TEND_GOAL_AT_MOST);
  set_unit (self, metric);

  if (self->report != NULL)
    usual = tend_week_report_get_baseline (self->report, metric);
  step = gtk_adjustment_get_step_increment (self->target_adjustment);
  if (isfinite (usual))
    {
      g_autofree char *usual_text = tend_metric_format_value (metric, usual);

      /* Translators: %s is the figure in my usual week (“12.5 h”). */
      hint = g_strdup_printf (_ ("Your usual week: %s"), usual_text);
      gtk_adjustment_set_value (self->target_adjustment, round (usual / step) * step);
    }
  else
    gtk_adjustment_set_value (self->target_adjustment, 0);
  adw_action_row_set_subtitle (self->target_row, hint);
}

static void
set_busy (TendGoalDialog *self, gboolean busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "goal-dialog.add",
                                 !busy && self->agent != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->metric_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->comparison_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_row), !busy);
}

/* The dialog stays open on an error, with the agent's reason, so that the goal can be fixed. */
static void
add_goal_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TendGoalDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;
  gint64           id = 0;

  if (tend_dbus_agent1_call_add_goal_finish (TEND_DBUS_AGENT1 (object), &id, result, &error))
    {
      g_clear_object (&self->cancellable);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  /* Translators: %s is the agent's reason, a sentence. */
  reason = tend_agent_error_describe (error);
  message = g_strdup_printf (_ ("Could not add the goal: %s"), reason);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  set_busy (self, FALSE);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TendGoalDialog *self = TEND_GOAL_DIALOG (widget);

  g_return_if_fail (self->agent != NULL);

  if (self->cancellable != NULL)
    return;
  /* What is typed but not yet committed with Enter counts. */
  gtk_spin_button_update (self->target_spin);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  tend_dbus_agent1_call_add_goal (
      self->agent, tend_metric_get_key (tend_goal_dialog_get_metric (self)),
      tend_goal_comparison_to_string (tend_goal_dialog_get_comparison (self)),
      tend_goal_dialog_get_target (self), self->cancellable, add_goal_cb, g_object_ref (self));
}

static void
tend_goal_dialog_dispose (GObject *object)
{
  TendGoalDialog *self = TEND_GOAL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agent);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (tend_goal_dialog_parent_class)->dispose (object);
}

static void
tend_goal_dialog_class_init (TendGoalDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_goal_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-goal-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, metric_row);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, comparison_row);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, target_spin);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, target_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, unit_label);
  gtk_widget_class_bind_template_child (widget_class, TendGoalDialog, error_label);

  gtk_widget_class_install_action (widget_class, "goal-dialog.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tend_goal_dialog_init (TendGoalDialog *self)
{
  g_autoptr (GtkStringList) metrics = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (goal_metrics); i++)
    gtk_string_list_append (metrics, tend_metric_get_title (goal_metrics[i]));
  adw_combo_row_set_model (self->metric_row, G_LIST_MODEL (metrics));
  /* Enter in the target adds the goal, as in any dialog with one thing to type (the spin
   * button's own property for it is newer than GTK 4.8). */
  gtk_text_set_activates_default (
      GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->target_spin))), TRUE);
  g_signal_connect_swapped (self->metric_row, "notify::selected", G_CALLBACK (metric_changed_cb),
                            self);
}

GtkWidget *
tend_goal_dialog_new (TendDBusAgent1 *agent, TendWeekReport *report)
{
  TendGoalDialog *self;

  g_return_val_if_fail (TEND_DBUS_IS_AGENT1 (agent), NULL);
  g_return_val_if_fail (report == NULL || TEND_IS_WEEK_REPORT (report), NULL);

  self = g_object_new (TEND_TYPE_GOAL_DIALOG, NULL);
  self->agent = g_object_ref (agent);
  g_set_object (&self->report, report);
  metric_changed_cb (self);
  set_busy (self, FALSE);
  return GTK_WIDGET (self);
}

TendMetric
tend_goal_dialog_get_metric (TendGoalDialog *self)
{
  guint selected;

  g_return_val_if_fail (TEND_IS_GOAL_DIALOG (self), TEND_METRIC_MEETING_HOURS);

  selected = adw_combo_row_get_selected (self->metric_row);
  return selected < G_N_ELEMENTS (goal_metrics) ? goal_metrics[selected] : goal_metrics[0];
}

TendGoalComparison
tend_goal_dialog_get_comparison (TendGoalDialog *self)
{
  g_return_val_if_fail (TEND_IS_GOAL_DIALOG (self), TEND_GOAL_AT_MOST);

  /* The rows are in the order of TendGoalComparison's values. */
  return adw_combo_row_get_selected (self->comparison_row) == TEND_GOAL_AT_LEAST
             ? TEND_GOAL_AT_LEAST
             : TEND_GOAL_AT_MOST;
}

double
tend_goal_dialog_get_target (TendGoalDialog *self)
{
  g_return_val_if_fail (TEND_IS_GOAL_DIALOG (self), 0);

  return gtk_spin_button_get_value (self->target_spin);
}
