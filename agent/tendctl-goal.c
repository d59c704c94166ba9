/* tendctl-goal.c: tendctl goal
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Adding and removing a goal of one's own goes through the agent, the database's single writer;
 * listing reads the database. With --database or --demo, tendctl writes that file itself: the
 * agent writes only the user's own database.
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tend-goal.h"
#include "tendctl.h"

static gboolean
through_agent (const TendctlOptions *options)
{
  return options->database == NULL && !options->demo;
}

/* How goal @id reads, from the database the agent wrote it to; NULL if it cannot be read. */
static char *
describe_stored_goal (const TendctlOptions *options, gint64 id)
{
  g_autoptr (TendStore) store = tendctl_open_store (options, TEND_STORE_OPEN_READ_ONLY, NULL, NULL);
  g_autoptr (GPtrArray) goals = store != NULL ? tend_goal_list (store, NULL) : NULL;

  for (guint i = 0; goals != NULL && i < goals->len; i++)
    if (tend_goal_get_id (g_ptr_array_index (goals, i)) == id)
      return tend_goal_describe (g_ptr_array_index (goals, i));
  return NULL;
}

static int
goal_add_through_agent (const TendctlOptions *options, GOptionContext *context,
                        const char *metric_key, const char *comparison, double target)
{
  g_autoptr (TendDBusAgent1) agent = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *number = NULL;
  TendMetric       metric;
  gint64           id = 0;

  if (!tend_metric_from_key (metric_key, &metric))
    {
      /* Translators: %s is what was typed instead of a figure's key. */
      g_autofree char *message
          = g_strdup_printf (_ ("“%s” is not a figure Tend computes"), metric_key);

      return tendctl_usage_error (context, message);
    }
  if (!(agent = tendctl_connect_agent (&error)))
    return tendctl_report_error (error);
  if (!tend_dbus_agent1_call_add_goal_sync (agent, metric_key, comparison, target, &id, NULL,
                                            &error))
    return tendctl_report_agent_error (error);

  number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  description = describe_stored_goal (options, id);
  if (description == NULL)
    /* Translators: %s is the new goal's number. */
    g_print (_ ("Goal %s added.\n"), number);
  else
    /* Translators: %1$s is the new goal's number, %2$s the goal (“Focus time: at least 10.0 h”). */
    g_print (_ ("Goal %1$s added: %2$s\n"), number, description);
  return TENDCTL_EXIT_OK;
}

/* Goals live in the database that `tendctl week` reads, so that a goal set while trying the demo
 * shows up in the demo's weeks instead of creating an empty database of one's own. */
static TendStore *
open_store (const TendctlOptions *options, gboolean write, gboolean *is_demo, GError **error)
{
  g_autoptr (TendStore) reader = NULL;
  g_autofree char *path = NULL;

  reader = tendctl_open_store (options, TEND_STORE_OPEN_READ_ONLY, is_demo, error);
  if (reader == NULL || !write)
    return g_steal_pointer (&reader);
  path = g_strdup (tend_store_get_path (reader));
  g_clear_object (&reader);
  return tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, error);
}

static int
report_error (GOptionContext *context, const GError *error)
{
  if (error->domain == TEND_GOAL_ERROR && error->code != TEND_GOAL_ERROR_NOT_FOUND)
    return tendctl_usage_error (context, error->message);
  return tendctl_report_error (error);
}

static void
print_demo_note (gboolean is_demo)
{
  if (is_demo)
    g_print ("%s\n", _ ("(These goals belong to the demo database.)"));
}

static int
goal_add (const TendctlOptions *options, GOptionContext *context, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendGoal) goal = NULL;
  g_autofree char   *description = NULL;
  g_autofree char   *number = NULL;
  TendGoalComparison comparison;
  gboolean           is_demo = FALSE;
  char              *end = NULL;
  double             target;

  if (argc != 5)
    return tendctl_usage_error (context, _ ("Usage: tendctl goal add METRIC at-most|at-least N"));
  if (!tend_goal_comparison_parse (argv[3], &comparison, &error))
    return report_error (context, error);
  target = g_ascii_strtod (argv[4], &end);
  if (end == argv[4] || *end != '\0')
    {
      /* Translators: %s is what was typed instead of a number. */
      g_autofree char *message = g_strdup_printf (_ ("“%s” is not a number"), argv[4]);

      return tendctl_usage_error (context, message);
    }
  if (through_agent (options))
    return goal_add_through_agent (options, context, argv[2],
                                   tend_goal_comparison_to_string (comparison), target);

  if (!(store = open_store (options, TRUE, &is_demo, &error))
      || !(goal = tend_goal_add (store, argv[2], comparison, target, &error)))
    return report_error (context, error);

  description = tend_goal_describe (goal);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, tend_goal_get_id (goal));
  /* Translators: %1$s is the new goal's number, %2$s the goal (“Focus time: at least 10.0 h”). */
  g_print (_ ("Goal %1$s added: %2$s\n"), number, description);
  print_demo_note (is_demo);
  return TENDCTL_EXIT_OK;
}

static int
goal_list (const TendctlOptions *options, GOptionContext *context, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (GPtrArray) goals = NULL;
  gboolean is_demo = FALSE;

  if (argc != 2)
    return tendctl_usage_error (context, _ ("tendctl goal list takes no arguments"));
  if (!(store = open_store (options, FALSE, &is_demo, &error))
      || !(goals = tend_goal_list (store, &error)))
    return report_error (context, error);

  if (goals->len == 0)
    g_print ("%s\n", _ ("No goals yet. Set one with, for example, “tendctl goal add "
                        "after_hours_days at-most 2”."));
  for (guint i = 0; i < goals->len; i++)
    {
      TendGoal        *goal = g_ptr_array_index (goals, i);
      g_autofree char *description = tend_goal_describe (goal);

      g_print ("%" G_GINT64_FORMAT "  %s\n", tend_goal_get_id (goal), description);
    }
  print_demo_note (is_demo);
  return TENDCTL_EXIT_OK;
}

static int
goal_remove (const TendctlOptions *options, GOptionContext *context, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  gboolean is_demo = FALSE;
  gint64   id;

  if (argc != 3)
    return tendctl_usage_error (context, _ ("Usage: tendctl goal remove ID"));
  if (!g_ascii_string_to_signed (argv[2], 10, 1, G_MAXINT64, &id, NULL))
    {
      /* Translators: %s is what was typed instead of a goal's number. */
      g_autofree char *message = g_strdup_printf (_ ("“%s” is not a goal number; “tendctl goal "
                                                     "list” shows them"),
                                                  argv[2]);

      return tendctl_usage_error (context, message);
    }

  if (through_agent (options))
    {
      g_autoptr (TendDBusAgent1) agent = tendctl_connect_agent (&error);

      if (agent == NULL)
        return tendctl_report_error (error);
      if (!tend_dbus_agent1_call_remove_goal_sync (agent, id, NULL, &error))
        return tendctl_report_agent_error (error);
    }
  else if (!(store = open_store (options, TRUE, &is_demo, &error))
           || !tend_goal_remove (store, id, &error))
    return report_error (context, error);

  /* Translators: %s is the goal's number. */
  g_print (_ ("Goal %s removed.\n"), argv[2]);
  print_demo_note (is_demo);
  return TENDCTL_EXIT_OK;
}

/* The figures a goal can name, for --help. */
static char *
describe_metrics (void)
{
  GString *text = g_string_new (_ ("Actions:\n"
                                   "  add METRIC at-most|at-least N   set a goal\n"
                                   "  list                            show your goals\n"
                                   "  remove ID                       remove a goal\n"
                                   "\n"
                                   "Example: tendctl goal add after_hours_days at-most 2\n"
                                   "(at most two days a week with work after hours)\n"
                                   "\n"
                                   "Figures (METRIC):\n"));
  guint    width = 0;

  for (guint m = 0; m < TEND_N_METRICS; m++)
    width = MAX (width, (guint) strlen (tend_metric_get_key (m)));
  for (guint m = 0; m < TEND_N_METRICS; m++)
    g_string_append_printf (text, "  %-*s  %s\n", (int) width, tend_metric_get_key (m),
                            tend_metric_get_title (m));
  g_string_append (text, _ ("\nShares (such as answered_within_24h_share) are between 0 and 1.\n"));
  return g_string_free (text, FALSE);
}

int
tendctl_goal (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *description = NULL;
  int              status = TENDCTL_EXIT_OK;

  context = g_option_context_new (_ ("add METRIC at-most|at-least N | list | remove ID — your own "
                                     "goals"));
  g_option_context_set_summary (context,
                                _ ("Goals you set yourself, such as at most two late evenings a "
                                   "week. “tendctl week” shows how each week measures up."));
  description = describe_metrics ();
  g_option_context_set_description (context, description);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return tendctl_usage_error (context, _ ("Name an action: add, list or remove"));

  if (g_str_equal (argv[1], "add"))
    return goal_add (options, context, argc, argv);
  if (g_str_equal (argv[1], "list"))
    return goal_list (options, context, argc, argv);
  if (g_str_equal (argv[1], "remove"))
    return goal_remove (options, context, argc, argv);

  {
    g_autofree char *message = g_strdup_printf (
        /* Translators: %s is what was typed instead of add, list or remove. */
        _ ("Unknown action “%s”: use add, list or remove"), argv[1]);

    return tendctl_usage_error (context, message);
  }
}
