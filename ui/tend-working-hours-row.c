/* tend-working-hours-row.c: one weekday's working hours in the preferences
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "tend-working-hours-row.h"

struct _TendWorkingHoursRow
{
  AdwExpanderRow parent_instance;

  /* Borrowed: children of the row */
  GtkSwitch     *working_switch;
  GtkSpinButton *start_spin;
  GtkSpinButton *end_spin;

  guint weekday;
  /* Set while the row shows values it was given, so that only a person's changes are told. */
  guint updating : 1;
};

G_DEFINE_FINAL_TYPE (TendWorkingHoursRow, tend_working_hours_row, ADW_TYPE_EXPANDER_ROW)

enum
{
  PROP_0,
  PROP_WEEKDAY,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* ISO weekdays, 1 = Monday. */
static const char *const weekday_names[] = {
  NULL,          N_ ("Monday"),   N_ ("Tuesday"), N_ ("Wednesday"), N_ ("Thursday"),
  N_ ("Friday"), N_ ("Saturday"), N_ ("Sunday"),
};

static char *
format_minutes (guint minutes)
{
  return g_strdup_printf ("%02u:%02u", minutes / 60, minutes % 60);
}

/* Shows minutes after midnight as a time of day. */
static gboolean
spin_output_cb (GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = format_minutes ((guint) gtk_spin_button_get_value (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  /* A screen reader would read the minutes since midnight otherwise. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
  return TRUE;
}

/* Reads "9", "9:30" or "09:30" back into minutes after midnight. */
static int
spin_input_cb (GtkSpinButton *spin, double *new_value, gpointer user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char       *end = NULL;
  long        hours;
  long        minutes = 0;

  hours = strtol (text, &end, 10);
  if (end == text || hours < 0 || hours > 24)
    return GTK_INPUT_ERROR;
  if (*end == ':' || *end == '.' || *end == 'h')
    {
      const char *rest = end + 1;

      minutes = strtol (rest, &end, 10);
      if (end == rest || minutes < 0 || minutes > 59)
        return GTK_INPUT_ERROR;
    }
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' || hours * 60 + minutes > 24 * 60)
    return GTK_INPUT_ERROR;
  *new_value = (double) (hours * 60 + minutes);
  return TRUE;
}

static void
update_subtitle (TendWorkingHoursRow *self)
{
  g_autofree char *start = format_minutes (tend_working_hours_row_get_start (self));
  g_autofree char *end = format_minutes (tend_working_hours_row_get_end (self));
  g_autofree char *subtitle = NULL;

  if (!gtk_switch_get_active (self->working_switch))
    subtitle = g_strdup (_ ("Day off"));
  else if (!tend_working_hours_row_is_valid (self))
    /* Translators: %1$s is the working day's start, %2$s its end, e.g. "17:00 – 09:00". */
    subtitle = g_strdup_printf (_ ("%1$s – %2$s: the day must end after it starts"), start, end);
  else
    /* Translators: %1$s is the working day's start, %2$s its end, e.g. "09:00 – 17:00". */
    subtitle = g_strdup_printf (_ ("%1$s – %2$s"), start, end);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  if (gtk_switch_get_active (self->working_switch) && !tend_working_hours_row_is_valid (self))
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
}

static void
changed (TendWorkingHoursRow *self)
{
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self),
                                         gtk_switch_get_active (self->working_switch));
  update_subtitle (self);
  if (!self->updating)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
value_changed_cb (GtkSpinButton *spin, TendWorkingHoursRow *self)
{
  changed (self);
}

static void
active_changed_cb (GtkSwitch *working_switch, GParamSpec *pspec, TendWorkingHoursRow *self)
{
  changed (self);
}

static GtkSpinButton *
add_time_row (TendWorkingHoursRow *self, const char *title, const char *accessible_name)
{
  GtkWidget     *row = adw_action_row_new ();
  GtkAdjustment *adjustment = gtk_adjustment_new (0, 0, 24 * 60, 15, 60, 0);
  GtkWidget     *spin = gtk_spin_button_new (adjustment, 1, 0);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  g_signal_connect (spin, "output", G_CALLBACK (spin_output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (spin_input_cb), NULL);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  return GTK_SPIN_BUTTON (spin);
}

static void
tend_working_hours_row_constructed (GObject *object)
{
  TendWorkingHoursRow *self = TEND_WORKING_HOURS_ROW (object);
  const char          *day = _ (weekday_names[self->weekday]);
  g_autofree char     *work = g_strdup_printf (_ ("Work on %s"), day);
  g_autofree char     *starts = g_strdup_printf (_ ("%s starts at"), day);
  g_autofree char     *ends = g_strdup_printf (_ ("%s ends at"), day);

  G_OBJECT_CLASS (tend_working_hours_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), day);

  self->working_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->working_switch), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->working_switch), work);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->working_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, work, -1);
  g_signal_connect_object (self->working_switch, "notify::active", G_CALLBACK (active_changed_cb),
                           self, G_CONNECT_DEFAULT);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), GTK_WIDGET (self->working_switch));

  self->start_spin = add_time_row (self, _ ("Starts"), starts);
  self->end_spin = add_time_row (self, _ ("Ends"), ends);
  tend_working_hours_row_set_hours (self, FALSE, 9 * 60, 17 * 60);
}

static void
tend_working_hours_row_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  TendWorkingHoursRow *self = TEND_WORKING_HOURS_ROW (object);

  switch (prop_id)
    {
    case PROP_WEEKDAY:
      g_value_set_uint (value, self->weekday);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_working_hours_row_set_property (GObject *object, guint prop_id, const GValue *value,
                                     GParamSpec *pspec)
{
  TendWorkingHoursRow *self = TEND_WORKING_HOURS_ROW (object);

  switch (prop_id)
    {
    case PROP_WEEKDAY:
      self->weekday = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_working_hours_row_class_init (TendWorkingHoursRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tend_working_hours_row_constructed;
  object_class->get_property = tend_working_hours_row_get_property;
  object_class->set_property = tend_working_hours_row_set_property;

  properties[PROP_WEEKDAY]
      = g_param_spec_uint ("weekday", NULL, NULL, 1, 7, 1,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A person changed the day: whether they work, or its hours. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
tend_working_hours_row_init (TendWorkingHoursRow *self)
{
}

GtkWidget *
tend_working_hours_row_new (guint weekday)
{
  g_return_val_if_fail (weekday >= 1 && weekday <= 7, NULL);

  return g_object_new (TEND_TYPE_WORKING_HOURS_ROW, "weekday", weekday, NULL);
}

guint
tend_working_hours_row_get_weekday (TendWorkingHoursRow *self)
{
  g_return_val_if_fail (TEND_IS_WORKING_HOURS_ROW (self), 0);

  return self->weekday;
}

gboolean
tend_working_hours_row_get_working (TendWorkingHoursRow *self)
{
  g_return_val_if_fail (TEND_IS_WORKING_HOURS_ROW (self), FALSE);

  return gtk_switch_get_active (self->working_switch);
}

/* Minutes after local midnight. */
guint
tend_working_hours_row_get_start (TendWorkingHoursRow *self)
{
  g_return_val_if_fail (TEND_IS_WORKING_HOURS_ROW (self), 0);

  return (guint) gtk_spin_button_get_value (self->start_spin);
}

guint
tend_working_hours_row_get_end (TendWorkingHoursRow *self)
{
  g_return_val_if_fail (TEND_IS_WORKING_HOURS_ROW (self), 0);

  return (guint) gtk_spin_button_get_value (self->end_spin);
}

/* A day off is always valid; a working day ends after it starts. */
gboolean
tend_working_hours_row_is_valid (TendWorkingHoursRow *self)
{
  g_return_val_if_fail (TEND_IS_WORKING_HOURS_ROW (self), FALSE);

  return !tend_working_hours_row_get_working (self)
         || tend_working_hours_row_get_start (self) < tend_working_hours_row_get_end (self);
}

/* Shows the day as the settings have it, without emitting "changed". */
void
tend_working_hours_row_set_hours (TendWorkingHoursRow *self, gboolean working, guint start,
                                  guint end)
{
  g_return_if_fail (TEND_IS_WORKING_HOURS_ROW (self));

  self->updating = TRUE;
  gtk_switch_set_active (self->working_switch, working);
  gtk_spin_button_set_value (self->start_spin, start);
  gtk_spin_button_set_value (self->end_spin, end);
  self->updating = FALSE;
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (self), working);
  /* Enabling expands the row; the settings shown as they are stay folded. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), FALSE);
  update_subtitle (self);
}
