/* test-people-page.c: the people page on the demo's invented colleagues
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-people-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "tend-test-ui.h"
#include "tend-demo.h"
#include "tend-insights.h"
#include "tend-people-page.h"
#include "tend-store.h"

/* The demo history ends on Wednesday 2026-03-04, 12:00 UTC, in week 2026-W10. */
#define DEMO_NOW "2026-03-04T12:00:00Z"
#define DEMO_WEEKS 20
#define DEMO_SEED 7
/* Longest wait for the lists before the test fails, in seconds. */
#define PEOPLE_TIMEOUT 60

static void
collect_widgets (GtkWidget *widget, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

static gboolean
people_timeout_cb (gpointer user_data)
{
  g_error ("No people after %d s", PEOPLE_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static void
wait_for_people (TendPeoplePage *page)
{
  guint timeout = g_timeout_add_seconds (PEOPLE_TIMEOUT, people_timeout_cb, NULL);

  while (tend_people_page_get_loading (page))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* The page's three lists, in the order shown: top, fading, new. */
static GPtrArray *
find_lists (TendPeoplePage *page)
{
  GPtrArray *lists = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (page), GTK_TYPE_LIST_BOX, lists);
  g_assert_cmpuint (lists->len, ==, 3);
  return lists;
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

/* The texts a row shows, in order: the name or the address, the address below a name, the
 * count. */
static void
collect_texts (GtkWidget *widget, GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

/* An address is never wrapped, where Pango would break it with a hyphen that is not part of it,
 * but shortened in the middle. Returns how many addresses it saw. */
static guint
assert_addresses_unbroken (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && strchr (gtk_label_get_text (GTK_LABEL (widget)), '@') != NULL
      && GTK_IS_LIST_BOX_ROW (gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW)))
    {
      g_assert_false (gtk_label_get_wrap (GTK_LABEL (widget)));
      g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (widget)), ==, PANGO_ELLIPSIZE_MIDDLE);
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_addresses_unbroken (child);
  return n;
}

/* Each row names the person (the name, else the address, which is never wrapped: shortened in
 * the middle, whole in the tooltip) and says the count, and the address, to screen readers. */
static void
assert_list_shows (GtkListBox *list, GPtrArray *people, const char *when)
{
  g_assert_cmpuint (count_rows (list), ==, people->len);
  for (guint i = 0; i < people->len; i++)
    {
      const TendCollaborator *person = g_ptr_array_index (people, i);
      GtkListBoxRow          *row = gtk_list_box_get_row_at_index (list, i);
      gboolean                has_name = person->name != NULL && *person->name != '\0';
      const char             *title = has_name ? person->name : person->address;
      g_autoptr (GPtrArray) texts = g_ptr_array_new ();
      g_autofree char *who = NULL;
      g_autofree char *label = NULL;

      g_assert_nonnull (row);
      collect_texts (GTK_WIDGET (row), texts);
      g_assert_cmpuint (texts->len, ==, has_name ? 3 : 2);
      g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, title);
      if (has_name)
        g_assert_cmpstr (g_ptr_array_index (texts, 1), ==, person->address);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, person->address);
      who = has_name ? g_strdup_printf ("%s (%s)", person->name, person->address)
                     : g_strdup (person->address);
      label = g_strdup_printf ("%s, %u interaction%s %s", who, person->interactions,
                               person->interactions == 1 ? "" : "s", when);
      gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    }
}

static TendWeekReport *
compute_report (const char *path, const TendWeek *week)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
  g_autoptr (TendInsights) insights = NULL;
  TendWeekReport *report;

  g_assert_no_error (error);
  insights = tend_insights_new_for_user (store, &error);
  g_assert_no_error (error);
  report = tend_insights_compute_week (insights, week, &error);
  g_assert_no_error (error);
  return report;
}

static void
assert_page_shows (TendPeoplePage *page, const char *path, const TendWeek *week)
{
  g_autoptr (TendWeekReport) report = compute_report (path, week);
  g_autoptr (GPtrArray) lists = find_lists (page);

  g_assert_cmpint (tend_week_compare (tend_people_page_get_week (page), week), ==, 0);
  assert_list_shows (g_ptr_array_index (lists, 0), tend_week_report_get_top_collaborators (report),
                     "this week");
  assert_list_shows (g_ptr_array_index (lists, 1),
                     tend_week_report_get_fading_collaborators (report), "in the weeks before");
  assert_list_shows (g_ptr_array_index (lists, 2), tend_week_report_get_new_collaborators (report),
                     "this week");
}

static void
test_people_page_demo (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-people-page-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  g_autoptr (GPtrArray) lists = NULL;
  TendWeek        w09, w08, w07, before;
  GtkWidget      *window;
  TendPeoplePage *page;
  GtkListBoxRow  *first;

  g_assert_no_error (error);
  path = g_build_filename (dir, "tend.db", NULL);
  {
    g_autoptr (TendStore) store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);

    g_assert_no_error (error);
    g_assert_true (tend_demo_generate (store, DEMO_SEED, DEMO_WEEKS, now, utc, &error));
    g_assert_no_error (error);
  }

  /* Not on screen: the page waits with its work until it is shown. */
  page = TEND_PEOPLE_PAGE (g_object_ref_sink (tend_people_page_new ()));
  tend_people_page_set_database (page, path, TRUE);
  g_assert_false (tend_people_page_get_loading (page));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 900);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  g_object_unref (page);
  g_assert_true (tend_week_parse ("2026-W09", &w09, NULL));
  tend_people_page_set_week (page, &w09);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tend_people_page_get_loading (page));
  wait_for_people (page);
  assert_page_shows (page, path, &w09);

  /* The demo's colleagues have names from its pools, so the first of the week's top list is
   * listed by name, with the address below it. */
  lists = find_lists (page);
  first = gtk_list_box_get_row_at_index (g_ptr_array_index (lists, 0), 0);
  g_assert_nonnull (first);
  {
    g_autoptr (GPtrArray) texts = g_ptr_array_new ();

    collect_texts (GTK_WIDGET (first), texts);
    g_assert_cmpuint (texts->len, ==, 3);
    g_assert_nonnull (strchr (g_ptr_array_index (texts, 0), ' '));
    g_assert_true (g_str_has_suffix (g_ptr_array_index (texts, 1), ".invalid"));
  }

  tend_test_ui_wait_for_frames (window, 3);
  tend_test_ui_save_png (window, "people.png");

  /* The page fits a phone's 360 px: every line wraps, but addresses, which are shortened. */
  {
    int minimum;

    gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                        NULL);
    g_assert_cmpint (minimum, <=, 360);
    gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
    tend_test_ui_wait_for_frames (window, 3);
    tend_test_ui_save_png (window, "people-360.png");
    g_assert_cmpuint (assert_addresses_unbroken (GTK_WIDGET (page)), >, 0);
  }

  /* Two weeks in a row: the first request is cancelled and only W07's people land. */
  g_assert_true (tend_week_parse ("2026-W08", &w08, NULL));
  g_assert_true (tend_week_parse ("2026-W07", &w07, NULL));
  tend_people_page_set_week (page, &w08);
  tend_people_page_set_week (page, &w07);
  wait_for_people (page);
  assert_page_shows (page, path, &w07);

  /* Reloading the same week (the agent's DataChanged) computes it again. */
  tend_people_page_reload (page);
  g_assert_true (tend_people_page_get_loading (page));
  wait_for_people (page);
  assert_page_shows (page, path, &w07);

  /* Before the demo's history: three empty lists, each with its placeholder. */
  g_assert_true (tend_week_parse ("2020-W01", &before, NULL));
  tend_people_page_set_week (page, &before);
  wait_for_people (page);
  for (guint i = 0; i < lists->len; i++)
    g_assert_cmpuint (count_rows (g_ptr_array_index (lists, i)), ==, 0);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 900);
  tend_test_ui_wait_for_frames (window, 3);
  tend_test_ui_save_png (window, "people-empty.png");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (tend_store_delete_files (path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_people_page_missing_database (void)
{
  g_autofree char *path
      = g_build_filename (g_get_tmp_dir (), "tend-people-page-none", "tend.db", NULL);
  GtkWidget      *window = gtk_window_new ();
  TendPeoplePage *page = TEND_PEOPLE_PAGE (tend_people_page_new ());
  g_autoptr (GPtrArray) lists = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  /* No database yet is nobody met yet, not an error. */
  tend_people_page_set_database (page, path, FALSE);
  wait_for_people (page);
  lists = find_lists (page);
  for (guint i = 0; i < lists->len; i++)
    g_assert_cmpuint (count_rows (g_ptr_array_index (lists, i)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  if (!tend_test_ui_widget_init (&argc, &argv))
    return 0;

  g_test_add_func ("/people-page/demo", test_people_page_demo);
  g_test_add_func ("/people-page/missing-database", test_people_page_missing_database);

  return g_test_run ();
}
