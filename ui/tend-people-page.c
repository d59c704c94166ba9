/* tend-people-page.c: who I worked with this week — visible only to me
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "tend-insights.h"
#include "tend-people-page.h"
#include "tend-settings.h"
#include "tend-store.h"

struct _TendPeoplePage
{
  GtkWidget parent_instance;

  /* Template widgets; @scroller is the page's only child, unparented with the template. */
  GtkWidget     *scroller;
  GtkLabel      *week_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkListBox    *top_list;
  GtkListBox    *fading_list;
  GtkListBox    *new_list;
  AdwStatusPage *error_page;

  /* Owned */
  char           *path;
  GTimeZone      *tz;
  GCancellable   *cancellable;
  TendWeekReport *report;

  TendWeek week;
  guint    is_demo : 1;
  guint    loading : 1;
  /* The lists are out of date but the page is not on screen: computed when it is mapped. */
  guint stale : 1;
};

G_DEFINE_FINAL_TYPE (TendPeoplePage, tend_people_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (TendPeoplePage *self, gboolean loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_week_label (TendPeoplePage *self)
{
  g_autofree char *text = NULL;

  if (self->is_demo)
    /* Translators: %1$d is an ISO week number, %2$d its year. */
    text = g_strdup_printf (_ ("Week %1$d of %2$d · Demo data, invented, not yours"),
                            self->week.week, self->week.year);
  else
    text = g_strdup_printf (_ ("Week %1$d of %2$d"), self->week.week, self->week.year);
  gtk_label_set_label (self->week_label, text);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *row;

  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0))) != NULL)
    gtk_list_box_remove (list, row);
}

/* A name wraps between words, never inside one with a hyphen; an address does not wrap at all
 * but loses its middle, keeping the start that says who and the end that says where; the row's
 * tooltip and accessible label have all of it. */
static GtkWidget *
new_row_label (const char *text, gboolean is_address, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, css_class);
  if (is_address)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
    }
  else
    {
      g_autoptr (PangoAttrList) attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
      gtk_label_set_attributes (GTK_LABEL (label), attributes);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  return label;
}

/* One person: the name when known, else the address; the count at the end. The fading list
 * counts the earlier weeks' interactions, the others this week's. Laid out as libadwaita lays
 * out its rows (the same style classes), with labels of its own so that addresses can be
 * shortened in the middle. */
static GtkWidget *
new_person_row (const TendCollaborator *person, gboolean earlier)
{
  GtkWidget       *row = gtk_list_box_row_new ();
  GtkWidget       *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget       *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget       *count;
  gboolean         has_name = person->name != NULL && *person->name != '\0';
  const char      *title = has_name ? person->name : person->address;
  g_autofree char *count_text = NULL;
  g_autofree char *who = NULL;
  g_autofree char *label = NULL;

  count_text = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u interaction", "%u interactions", person->interactions),
      person->interactions);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (header, "header");
  gtk_widget_add_css_class (titles, "title");
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  /* Names and addresses come from other people's mail: never markup. */
  gtk_box_append (GTK_BOX (titles), new_row_label (title, !has_name, "title"));
  if (has_name)
    gtk_box_append (GTK_BOX (titles), new_row_label (person->address, TRUE, "subtitle"));
  gtk_box_append (GTK_BOX (header), titles);

  count = gtk_label_new (count_text);
  gtk_widget_set_valign (count, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (header), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), header);
  gtk_widget_set_tooltip_text (row, person->address);

  /* Translators: %1$s is a person's name, %2$s their email address. */
  who = has_name ? g_strdup_printf (_ ("%1$s (%2$s)"), person->name, person->address)
                 : g_strdup (person->address);
  if (earlier)
    /* Translators: %1$s is a person, %2$s a count such as “12 interactions”. */
    label = g_strdup_printf (_ ("%1$s, %2$s in the weeks before"), who, count_text);
  else
    /* Translators: %1$s is a person, %2$s a count such as “12 interactions”. */
    label = g_strdup_printf (_ ("%1$s, %2$s this week"), who, count_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return row;
}

static void
fill_list (GtkListBox *list, GPtrArray *people, gboolean earlier)
{
  clear_list (list);
  for (guint i = 0; i < people->len; i++)
    gtk_list_box_append (list, new_person_row (g_ptr_array_index (people, i), earlier));
}

static void
show_report (TendPeoplePage *self)
{
  fill_list (self->top_list, tend_week_report_get_top_collaborators (self->report), FALSE);
  fill_list (self->fading_list, tend_week_report_get_fading_collaborators (self->report), TRUE);
  fill_list (self->new_list, tend_week_report_get_new_collaborators (self->report), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "people");
}

static void
people_computed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TendPeoplePage *self = TEND_PEOPLE_PAGE (object);
  g_autoptr (GError) error = NULL;
  g_autoptr (TendWeekReport) report = tend_insights_compute_from_file_finish (result, &error);

  /* A newer request replaced this one, or the page went away; the newer one owns the page. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);
  g_clear_object (&self->report);

  if (error != NULL)
    {
      /* No database yet is not a failure: nobody has been met yet, so the lists are empty. */
      if (g_error_matches (error, TEND_STORE_ERROR, TEND_STORE_ERROR_NOT_FOUND))
        {
          clear_list (self->top_list);
          clear_list (self->fading_list);
          clear_list (self->new_list);
          gtk_stack_set_visible_child_name (self->stack, "people");
          return;
        }
      g_autofree char *escaped = NULL;

      g_debug ("Could not compute the people: %s error %d", g_quark_to_string (error->domain),
               error->code);
      /* A status page's description is markup. */
      escaped = g_markup_escape_text (error->message, -1);
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->report = g_steal_pointer (&report);
  show_report (self);
}

static void
tend_people_page_map (GtkWidget *widget)
{
  TendPeoplePage *self = TEND_PEOPLE_PAGE (widget);

  GTK_WIDGET_CLASS (tend_people_page_parent_class)->map (widget);

  if (self->stale)
    tend_people_page_reload (self);
}

static void
tend_people_page_dispose (GObject *object)
{
  TendPeoplePage *self = TEND_PEOPLE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->report);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_PEOPLE_PAGE);

  G_OBJECT_CLASS (tend_people_page_parent_class)->dispose (object);
}

static void
tend_people_page_finalize (GObject *object)
{
  TendPeoplePage *self = TEND_PEOPLE_PAGE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (tend_people_page_parent_class)->finalize (object);
}

static void
tend_people_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendPeoplePage *self = TEND_PEOPLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_people_page_class_init (TendPeoplePageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_people_page_dispose;
  object_class->finalize = tend_people_page_finalize;
  object_class->get_property = tend_people_page_get_property;
  widget_class->map = tend_people_page_map;

  properties[PROP_LOADING]
      = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/dev/tend/Tend/tend-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, week_label);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, stack);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, top_list);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, fading_list);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, new_list);
  gtk_widget_class_bind_template_child (widget_class, TendPeoplePage, error_page);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "peoplepage");
}

static void
tend_people_page_init (TendPeoplePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tz = tend_settings_get_time_zone ();
  tend_week_current (self->tz, &self->week);
  update_week_label (self);
  gtk_stack_set_visible_child_name (self->stack, "people");
}

GtkWidget *
tend_people_page_new (void)
{
  return g_object_new (TEND_TYPE_PEOPLE_PAGE, NULL);
}

void
tend_people_page_set_database (TendPeoplePage *self, const char *path, gboolean is_demo)
{
  g_return_if_fail (TEND_IS_PEOPLE_PAGE (self));
  g_return_if_fail (path != NULL);

  g_free (self->path);
  self->path = g_strdup (path);
  self->is_demo = !!is_demo;
  g_clear_object (&self->report);
  update_week_label (self);
  tend_people_page_reload (self);
}

void
tend_people_page_reload (TendPeoplePage *self)
{
  g_return_if_fail (TEND_IS_PEOPLE_PAGE (self));

  if (self->path == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  /* A page nobody looks at costs nothing: it catches up once it is shown. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      set_loading (self, FALSE);
      return;
    }
  self->stale = FALSE;
  self->cancellable = g_cancellable_new ();

  /* The same week computed again keeps its lists on screen until the new ones arrive. */
  if (self->report == NULL
      || tend_week_compare (tend_week_report_get_week (self->report), &self->week) != 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);

  /* The lists need the week's figures only, not the twelve-week trend. */
  tend_insights_compute_from_file_async (self, self->path, &self->week, FALSE, self->cancellable,
                                         people_computed_cb, NULL);
}

const TendWeek *
tend_people_page_get_week (TendPeoplePage *self)
{
  g_return_val_if_fail (TEND_IS_PEOPLE_PAGE (self), NULL);

  return &self->week;
}

void
tend_people_page_set_week (TendPeoplePage *self, const TendWeek *week)
{
  g_return_if_fail (TEND_IS_PEOPLE_PAGE (self));
  g_return_if_fail (week != NULL);

  if (tend_week_compare (&self->week, week) == 0)
    return;
  self->week = *week;
  update_week_label (self);
  tend_people_page_reload (self);
}

gboolean
tend_people_page_get_loading (TendPeoplePage *self)
{
  g_return_val_if_fail (TEND_IS_PEOPLE_PAGE (self), FALSE);

  return self->loading;
}
