/* tend-nudge-row.c: one of the coach's nudges, expandable to its explanation and evidence
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-nudge-row.h"

struct _TendNudgeRow
{
  AdwExpanderRow parent_instance;

  /* Template widgets */
  GtkImage        *kind_icon;
  GtkLabel        *explanation_label;
  GtkLabel        *evidence_label;
  GtkLabel        *suggestion_label;
  GtkToggleButton *why_button;
  GtkLabel        *why_label;
  GtkMenuButton   *snooze_button;
  GtkButton       *dismiss_button;

  /* Owned */
  TendNudge *nudge;
  char      *locked_reason;

  guint has_details : 1;
};

G_DEFINE_FINAL_TYPE (TendNudgeRow, tend_nudge_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  PROP_0,
  PROP_NUDGE,
  N_PROPS
};

enum
{
  DISMISS,
  SNOOZE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static const char *
kind_icon_name (TendNudgeKind kind)
{
  switch (kind)
    {
    case TEND_NUDGE_KIND_PRAISE:
      return "starred-symbolic";
    case TEND_NUDGE_KIND_WARNING:
      return "dialog-warning-symbolic";
    case TEND_NUDGE_KIND_TIP:
      return "emoji-objects-symbolic";
    case TEND_NUDGE_KIND_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static void
update_lock (TendNudgeRow *self)
{
  gboolean locked = self->locked_reason != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nudge.dismiss", !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "nudge.snooze", !locked);
  /* A menu button is not an actionable: its own sensitivity follows the lock. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->snooze_button), !locked);

  if (locked)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->dismiss_button), self->locked_reason);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->snooze_button), self->locked_reason);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->dismiss_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->locked_reason, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->snooze_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->locked_reason, -1);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->dismiss_button),
                                   _ ("Hide this nudge from this week for good"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->snooze_button),
                                   _ ("Hide this nudge for a while, from this week on"));
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->dismiss_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->snooze_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
dismiss_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[DISMISS], 0);
}

static void
snooze_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SNOOZE], 0, g_variant_get_uint32 (parameter));
}

/* A folded expander row still measures its hidden content: wrapping four paragraphs for every
 * nudge was most of the week view's first frame. They are written when first unfolded. */
static void
show_details (TendNudgeRow *self)
{
  g_autofree char *suggestion = NULL;

  if (self->has_details)
    return;
  self->has_details = TRUE;
  gtk_label_set_label (self->explanation_label, tend_nudge_get_explanation (self->nudge));
  gtk_label_set_label (self->evidence_label, tend_nudge_get_evidence (self->nudge));
  /* Translators: %s is the coach's suggestion, one concrete thing to try. */
  suggestion = g_strdup_printf (_ ("Try: %s"), tend_nudge_get_suggestion (self->nudge));
  gtk_label_set_label (self->suggestion_label, suggestion);
  gtk_label_set_label (self->why_label, tend_nudge_get_why (self->nudge));
}

static void
expanded_cb (TendNudgeRow *self, GParamSpec *pspec, gpointer user_data)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self)))
    show_details (self);
}

static void
tend_nudge_row_constructed (GObject *object)
{
  TendNudgeRow    *self = TEND_NUDGE_ROW (object);
  TendNudgeKind    kind = tend_nudge_get_kind (self->nudge);
  const char      *title = tend_nudge_get_title (self->nudge);
  g_autofree char *dismiss_name = NULL;
  g_autofree char *snooze_name = NULL;
  g_autofree char *why_name = NULL;
  g_autofree char *escaped_title = NULL;

  G_OBJECT_CLASS (tend_nudge_row_parent_class)->constructed (object);

  /* libadwaita 1.2's expander row reads its title as markup whatever use-markup says. */
  escaped_title = g_markup_escape_text (title, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), escaped_title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), tend_nudge_kind_get_label (kind));
  gtk_image_set_from_icon_name (self->kind_icon, kind_icon_name (kind));

  g_signal_connect (self, "notify::expanded", G_CALLBACK (expanded_cb), NULL);
  expanded_cb (self, NULL, NULL);

  /* Every nudge has the same three buttons: their names say which nudge they act on. */
  /* Translators: a button's name for screen readers; %s is a nudge's title. */
  dismiss_name = g_strdup_printf (_ ("Dismiss: %s"), title);
  /* Translators: a button's name for screen readers; %s is a nudge's title. */
  snooze_name = g_strdup_printf (_ ("Snooze: %s"), title);
  /* Translators: a button's name for screen readers; %s is a nudge's title. */
  why_name = g_strdup_printf (_ ("Why am I seeing this: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dismiss_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, dismiss_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->snooze_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, snooze_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->why_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  why_name, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->why_button),
                                  GTK_ACCESSIBLE_RELATION_CONTROLS, self->why_label, NULL, -1);
  update_lock (self);
}

static void
tend_nudge_row_dispose (GObject *object)
{
  TendNudgeRow *self = TEND_NUDGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_NUDGE_ROW);
  g_clear_object (&self->nudge);

  G_OBJECT_CLASS (tend_nudge_row_parent_class)->dispose (object);
}

static void
tend_nudge_row_finalize (GObject *object)
{
  TendNudgeRow *self = TEND_NUDGE_ROW (object);

  g_free (self->locked_reason);

  G_OBJECT_CLASS (tend_nudge_row_parent_class)->finalize (object);
}

static void
tend_nudge_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendNudgeRow *self = TEND_NUDGE_ROW (object);

  switch (prop_id)
    {
    case PROP_NUDGE:
      g_value_set_object (value, self->nudge);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_nudge_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendNudgeRow *self = TEND_NUDGE_ROW (object);

  switch (prop_id)
    {
    case PROP_NUDGE:
      self->nudge = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_nudge_row_class_init (TendNudgeRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tend_nudge_row_constructed;
  object_class->dispose = tend_nudge_row_dispose;
  object_class->finalize = tend_nudge_row_finalize;
  object_class->get_property = tend_nudge_row_get_property;
  object_class->set_property = tend_nudge_row_set_property;

  properties[PROP_NUDGE]
      = g_param_spec_object ("nudge", NULL, NULL, TEND_TYPE_NUDGE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The row only asks: the page that holds the agent's proxy does it. */
  signals[DISMISS] = g_signal_new ("dismiss", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  /* With the number of weeks to hide the nudge for. */
  signals[SNOOZE] = g_signal_new ("snooze", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-nudge-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, evidence_label);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, suggestion_label);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, why_button);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, why_label);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, snooze_button);
  gtk_widget_class_bind_template_child (widget_class, TendNudgeRow, dismiss_button);

  gtk_widget_class_install_action (widget_class, "nudge.dismiss", NULL, dismiss_action);
  gtk_widget_class_install_action (widget_class, "nudge.snooze", "u", snooze_action);
}

static void
tend_nudge_row_init (TendNudgeRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_nudge_row_new (TendNudge *nudge)
{
  g_return_val_if_fail (TEND_IS_NUDGE (nudge), NULL);

  return g_object_new (TEND_TYPE_NUDGE_ROW, "nudge", nudge, NULL);
}

TendNudge *
tend_nudge_row_get_nudge (TendNudgeRow *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE_ROW (self), NULL);

  return self->nudge;
}

void
tend_nudge_row_set_locked_reason (TendNudgeRow *self, const char *reason)
{
  g_return_if_fail (TEND_IS_NUDGE_ROW (self));

  if (g_strcmp0 (self->locked_reason, reason) == 0)
    return;
  g_free (self->locked_reason);
  self->locked_reason = g_strdup (reason);
  update_lock (self);
}
