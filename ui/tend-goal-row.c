/* tend-goal-row.c: one of my goals, and how the shown week measures up to it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-goal-row.h"

struct _TendGoalRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkLabel    *title_label;
  GtkLevelBar *level_bar;
  GtkImage    *status_icon;
  GtkLabel    *status_label;
  GtkLabel    *summary_label;
  GtkButton   *remove_button;

  /* Owned */
  TendGoal *goal;
  char     *locked_reason;
};

G_DEFINE_FINAL_TYPE (TendGoalRow, tend_goal_row, GTK_TYPE_LIST_BOX_ROW)

enum
{
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How far the week has come towards the target, 0 to 1: for "at least" the part reached, for
 * "at most" the part of the allowance used up (full once over it). */
static double
progress_fraction (const TendGoalProgress *progress)
{
  double target = tend_goal_get_target (progress->goal);

  if (!isfinite (progress->value))
    return 0;
  if (target <= 0)
    return progress->value > 0 ? 1 : 0;
  return CLAMP (progress->value / target, 0, 1);
}

static void
set_status (TendGoalRow *self, const TendGoalProgress *progress, gboolean week_in_progress)
{
  gboolean    at_most = tend_goal_get_comparison (progress->goal) == TEND_GOAL_AT_MOST;
  const char *icon_name;
  const char *style;
  const char *text;

  /* The status in words beside its icon: colour and shape alone say nothing to some people. */
  switch (progress->status)
    {
    case TEND_GOAL_STATUS_MET:
      icon_name = "object-select-symbolic";
      style = "success";
      if (at_most && week_in_progress)
        /* Translators: a goal's status: an “at most” goal, below its limit so far this week. */
        text = _ ("On track");
      else
        /* Translators: a goal's status. */
        text = _ ("Goal met");
      break;

    case TEND_GOAL_STATUS_NOT_MET:
      if (!at_most && week_in_progress)
        {
          icon_name = "content-loading-symbolic";
          style = NULL;
          /* Translators: a goal's status: an “at least” goal, with days of the week to go. */
          text = _ ("Not there yet");
        }
      else
        {
          icon_name = "dialog-warning-symbolic";
          style = "warning";
          /* Translators: a goal's status. */
          text = _ ("Not met");
        }
      break;

    case TEND_GOAL_STATUS_NO_DATA:
    default:
      icon_name = "dialog-question-symbolic";
      style = "dim-label";
      /* Translators: a goal's status: the week has no figure to measure it with. */
      text = _ ("No data");
      break;
    }

  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), style);
  gtk_label_set_label (self->status_label, text);
}

static void
update_lock (TendGoalRow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "goal.remove", self->locked_reason == NULL);
  if (self->locked_reason != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), self->locked_reason);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->locked_reason, -1);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->remove_button), _ ("Remove Goal"));
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->remove_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
remove_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

static void
tend_goal_row_dispose (GObject *object)
{
  TendGoalRow *self = TEND_GOAL_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_GOAL_ROW);
  g_clear_object (&self->goal);

  G_OBJECT_CLASS (tend_goal_row_parent_class)->dispose (object);
}

static void
tend_goal_row_finalize (GObject *object)
{
  TendGoalRow *self = TEND_GOAL_ROW (object);

  g_free (self->locked_reason);

  G_OBJECT_CLASS (tend_goal_row_parent_class)->finalize (object);
}

static void
tend_goal_row_class_init (TendGoalRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_goal_row_dispose;
  object_class->finalize = tend_goal_row_finalize;

  /* The row only asks: the page that holds the agent's proxy removes the goal. */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-goal-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, level_bar);
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TendGoalRow, remove_button);

  gtk_widget_class_install_action (widget_class, "goal.remove", NULL, remove_action);
}

static void
tend_goal_row_init (TendGoalRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* One colour whatever the fill: GTK's default low/high/full offsets would paint an "at most"
   * goal near its limit as if it were a success. The status says how it stands. */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  update_lock (self);
}

GtkWidget *
tend_goal_row_new (const TendGoalProgress *progress, gboolean week_in_progress)
{
  TendGoalRow     *self;
  g_autofree char *title = NULL;
  g_autofree char *remove_name = NULL;

  g_return_val_if_fail (progress != NULL, NULL);
  g_return_val_if_fail (TEND_IS_GOAL (progress->goal), NULL);

  self = g_object_new (TEND_TYPE_GOAL_ROW, NULL);
  self->goal = g_object_ref (progress->goal);

  title = tend_goal_describe (self->goal);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->summary_label, progress->summary);
  gtk_level_bar_set_value (self->level_bar, progress_fraction (progress));
  set_status (self, progress, week_in_progress);

  /* A meter's figure read as the summary's sentence rather than as a bare fraction. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, progress->summary, -1);
  /* Translators: a button's name for screen readers; %s is a goal (“Meeting time: at most
   * 10.0 h”). */
  remove_name = g_strdup_printf (_ ("Remove goal: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  return GTK_WIDGET (self);
}

TendGoal *
tend_goal_row_get_goal (TendGoalRow *self)
{
  g_return_val_if_fail (TEND_IS_GOAL_ROW (self), NULL);

  return self->goal;
}

const char *
tend_goal_row_get_status_text (TendGoalRow *self)
{
  g_return_val_if_fail (TEND_IS_GOAL_ROW (self), NULL);

  return gtk_label_get_label (self->status_label);
}

const char *
tend_goal_row_get_summary (TendGoalRow *self)
{
  g_return_val_if_fail (TEND_IS_GOAL_ROW (self), NULL);

  return gtk_label_get_label (self->summary_label);
}

void
tend_goal_row_set_locked_reason (TendGoalRow *self, const char *reason)
{
  g_return_if_fail (TEND_IS_GOAL_ROW (self));

  if (g_strcmp0 (self->locked_reason, reason) == 0)
    return;
  g_free (self->locked_reason);
  self->locked_reason = g_strdup (reason);
  update_lock (self);
}
