/* tendctl-week.c: tendctl week
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tendctl"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-coach.h"
#include "tend-demo.h"
#include "tend-goal.h"
#include "tend-insights.h"
#include "tendctl.h"

/* Where the text report wraps its sentences: narrow enough for an 80-column terminal once
 * indented. */
#define WRAP_COLUMNS 76
/* Room for a figure ("123.5 h", "2 days") before its usual week. */
#define VALUE_COLUMNS 10

/* Everything `tendctl week` prints. */
typedef struct
{
  /* Owned */
  TendWeekReport *report;
  GPtrArray      *nudges;   /* TendNudge */
  GPtrArray      *progress; /* TendGoalProgress */

  gboolean demo;
  gboolean in_progress;
} WeekView;

static void append_people (GString *out, WeekView *view);

/* The report's sections, as ranges of TendMetric (tend-metric.h keeps each group together),
 * with what a section shows after its figures. */
static const struct
{
  const char *title;
  TendMetric  first;
  TendMetric  last;
  void (*append_more) (GString *out, WeekView *view);
} sections[] = {
  { N_ ("Meetings"), TEND_METRIC_MEETING_HOURS, TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK, NULL },
  { N_ ("Focus"), TEND_METRIC_FOCUS_HOURS, TEND_METRIC_FOCUS_HOURS, NULL },
  { N_ ("After hours"), TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, TEND_METRIC_WEEKEND_DAYS_ACTIVE,
    NULL },
  { N_ ("Communication"), TEND_METRIC_MAIL_SENT, TEND_METRIC_ANSWERED_WITHIN_24H_SHARE, NULL },
  { N_ ("People"), TEND_METRIC_COLLABORATORS, TEND_METRIC_FADING_COLLABORATORS, append_people },
  { N_ ("Content"), TEND_METRIC_GRATITUDE_SENT, TEND_METRIC_QUESTIONS, NULL },
};

/* Appends @text to @out, wrapped at WRAP_COLUMNS characters and indented by @indent spaces. */
static void
append_wrapped (GString *out, guint indent, const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  guint column = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint length = g_utf8_strlen (words[i], -1);

      if (*words[i] == '\0')
        continue;
      if (column > 0 && column + 1 + length > WRAP_COLUMNS)
        {
          g_string_append_c (out, '\n');
          column = 0;
        }
      if (column == 0)
        {
          g_string_append_printf (out, "%*s", indent, "");
          column = indent;
        }
      else
        {
          g_string_append_c (out, ' ');
          column++;
        }
      g_string_append (out, words[i]);
      column += length;
    }
  g_string_append_c (out, '\n');
}

/* Pads @text with spaces to @width characters, which printf's widths count in bytes. */
static void
append_padded (GString *out, const char *text, guint width)
{
  guint length = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (; length < width; length++)
    g_string_append_c (out, ' ');
}

static void
append_header (GString *out, WeekView *view)
{
  const TendWeek *week = tend_week_report_get_week (view->report);
  GTimeZone      *tz = tend_week_report_get_time_zone (view->report);
  g_autoptr (GDateTime) first = tend_week_get_day (week, 0, tz);
  g_autoptr (GDateTime) last = tend_week_get_day (week, 6, tz);
  g_autofree char *name = tend_week_to_string (week);
  /* Translators: a date in the week's header, in g_date_time_format() syntax: “Mon 2026-02-23”. */
  g_autofree char *first_text = g_date_time_format (first, _ ("%a %Y-%m-%d"));
  g_autofree char *last_text = g_date_time_format (last, _ ("%a %Y-%m-%d"));

  /* Translators: %1$s is an ISO week (“2026-W09”), %2$s and %3$s its first and last days, %4$s a
   * time zone (“Europe/Berlin”). */
  g_string_append_printf (out, _ ("Week %1$s: %2$s to %3$s (%4$s)"), name, first_text, last_text,
                          g_time_zone_get_identifier (tz));
  if (view->in_progress)
    g_string_append (out, _ (" — so far"));
  g_string_append_c (out, '\n');
  if (view->demo)
    g_string_append_printf (out, "%s\n",
                            _ ("DEMO DATA — invented by “tendctl demo”, not your own. Import yours "
                               "with “tendctl import”."));
}

static char *
describe_usual (TendMetric metric, double value, double baseline)
{
  g_autofree char *usual = NULL;
  g_autofree char *change = NULL;

  if (!isfinite (baseline))
    return g_strdup ("");
  usual = tend_metric_format_value (metric, baseline);
  change = tend_coach_format_change (value, baseline);
  if (change == NULL)
    /* Translators: %s is the figure in the person's usual week (“5.0 h”). */
    return g_strdup_printf (_ ("(usual %s)"), usual);
  /* Translators: %1$s is the figure in the person's usual week (“5.0 h”), %2$s the change
   * (“+30 %”). */
  return g_strdup_printf (_ ("(usual %1$s, %2$s)"), usual, change);
}

static void
append_figures (GString *out, WeekView *view)
{
  guint title_width = 0;

  for (guint m = 0; m < TEND_N_METRICS; m++)
    title_width = MAX (title_width, g_utf8_strlen (tend_metric_get_title (m), -1));

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      g_string_append_printf (out, "\n%s\n", _ (sections[s].title));
      for (TendMetric m = sections[s].first; m <= sections[s].last; m++)
        {
          double           value = tend_week_report_get_value (view->report, m);
          double           baseline = tend_week_report_get_baseline (view->report, m);
          g_autofree char *current = tend_metric_format_value (m, value);
          g_autofree char *usual = describe_usual (m, value, baseline);

          g_string_append (out, "  ");
          append_padded (out, tend_metric_get_title (m), title_width + 2);
          if (*usual != '\0')
            {
              append_padded (out, current, VALUE_COLUMNS);
              g_string_append (out, usual);
            }
          else
            g_string_append (out, current);
          g_string_append_c (out, '\n');
        }
      if (sections[s].append_more != NULL)
        sections[s].append_more (out, view);
    }
}

static void
append_people (GString *out, WeekView *view)
{
  GPtrArray *top = tend_week_report_get_top_collaborators (view->report);
  g_autoptr (GString) names = NULL;
  g_autofree char *line = NULL;

  if (top == NULL || top->len == 0)
    return;
  names = g_string_new (NULL);
  for (guint i = 0; i < top->len; i++)
    {
      const TendCollaborator *c = g_ptr_array_index (top, i);

      if (i > 0)
        /* Translators: separates names in a list. */
        g_string_append (names, _ (", "));
      g_string_append (names, c->name != NULL && *c->name != '\0' ? c->name : c->address);
    }
  /* Translators: %s is a list of names. */
  line = g_strdup_printf (_ ("Most in touch with: %s"), names->str);
  append_wrapped (out, 2, line);
}

static void
append_nudges (GString *out, WeekView *view)
{
  g_string_append_printf (out, "\n%s\n", _ ("Coach"));
  if (view->nudges->len == 0)
    {
      append_wrapped (out, 2, _ ("Nothing stands out this week compared with your usual week."));
      return;
    }
  for (guint i = 0; i < view->nudges->len; i++)
    {
      TendNudge       *nudge = g_ptr_array_index (view->nudges, i);
      g_autofree char *heading = NULL;
      g_autofree char *suggestion = NULL;

      if (i > 0)
        g_string_append_c (out, '\n');
      /* Translators: %1$s is a nudge's kind (“Tip”), %2$s its title. */
      heading = g_strdup_printf (_ ("%1$s: %2$s"),
                                 tend_nudge_kind_get_label (tend_nudge_get_kind (nudge)),
                                 tend_nudge_get_title (nudge));
      append_wrapped (out, 2, heading);
      append_wrapped (out, 4, tend_nudge_get_explanation (nudge));
      append_wrapped (out, 4, tend_nudge_get_evidence (nudge));
      /* Translators: %s is the coach's suggestion, one concrete thing to try. */
      suggestion = g_strdup_printf (_ ("Try: %s"), tend_nudge_get_suggestion (nudge));
      append_wrapped (out, 4, suggestion);
    }
}

static void
append_goals (GString *out, WeekView *view)
{
  g_string_append_printf (out, "\n%s\n", _ ("Goals"));
  if (view->progress->len == 0)
    {
      append_wrapped (out, 2,
                      _ ("No goals yet. Set one with, for example, “tendctl goal add "
                         "after_hours_days at-most 2”."));
      return;
    }
  for (guint i = 0; i < view->progress->len; i++)
    {
      const TendGoalProgress *progress = g_ptr_array_index (view->progress, i);
      g_autofree char        *line = g_strdup_printf (
                 "[%" G_GINT64_FORMAT "] %s", tend_goal_get_id (progress->goal), progress->summary);

      append_wrapped (out, 2, line);
    }
}

static char *
format_text (WeekView *view)
{
  g_autoptr (GString) out = g_string_new (NULL);

  append_header (out, view);
  if (!tend_week_report_has_data (view->report))
    {
      g_string_append_c (out, '\n');
      append_wrapped (out, 0, _ ("Tend holds no mail, chat or calendar data for this week."));
    }
  else
    {
      append_figures (out, view);
      append_nudges (out, view);
    }
  append_goals (out, view);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
format_json (WeekView *view)
{
  json_t *root = tend_week_report_to_json (view->report);
  json_t *nudges = json_array ();
  json_t *goals = json_array ();
  char   *text;

  for (guint i = 0; i < view->nudges->len; i++)
    json_array_append_new (nudges, tend_nudge_to_json (g_ptr_array_index (view->nudges, i)));
  for (guint i = 0; i < view->progress->len; i++)
    json_array_append_new (goals,
                           tend_goal_progress_to_json (g_ptr_array_index (view->progress, i)));
  json_object_set_new (root, "demo", json_boolean (view->demo));
  json_object_set_new (root, "nudges", nudges);
  json_object_set_new (root, "goals", goals);

  /* Insertion order, not JSON_SORT_KEYS: the documented order reads better, and jansson keeps
   * it stable. */
  text = json_dumps (root, JSON_INDENT (2) | JSON_REAL_PRECISION (12));
  json_decref (root);
  return text;
}

static void
week_view_clear (WeekView *view)
{
  g_clear_object (&view->report);
  g_clear_pointer (&view->nudges, g_ptr_array_unref);
  g_clear_pointer (&view->progress, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WeekView, week_view_clear)

/* The database to report on. Its figures are invented when it is the demo's own file, or any
 * file with demo data in it (a demo database named with --database). */
static TendStore *
open_store (const TendctlOptions *options, gboolean *demo, GError **error)
{
  g_autoptr (TendStore) store = NULL;
  gboolean demo_file = FALSE, demo_data = FALSE;

  store = tendctl_open_store (options, TEND_STORE_OPEN_READ_ONLY, &demo_file, error);
  if (store == NULL || !tend_demo_holds_demo_data (store, &demo_data, error))
    return NULL;
  *demo = demo_file || demo_data;
  return g_steal_pointer (&store);
}

/* Computes @week's report, the coach's advice on it and how each goal stands. */
static gboolean
week_view_compute (WeekView *view, TendStore *store, TendInsights *insights, const TendWeek *week,
                   GError **error)
{
  g_autoptr (TendCoach) coach = tend_coach_new (store);
  g_autoptr (GPtrArray) goals = NULL;
  g_autoptr (GDateTime) end = tend_week_get_end (week, tend_insights_get_time_zone (insights));

  view->in_progress = g_get_real_time () / G_USEC_PER_SEC < g_date_time_to_unix (end);
  if (!(view->report = tend_insights_compute (insights, week, error))
      || !(view->nudges = tend_coach_advise (coach, view->report, error))
      || !(goals = tend_goal_list (store, error)))
    return FALSE;

  view->progress = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_goal_progress_free);
  for (guint i = 0; i < goals->len; i++)
    g_ptr_array_add (view->progress, tend_goal_get_progress (g_ptr_array_index (goals, i),
                                                             view->report, view->in_progress));
  return TRUE;
}

int
tendctl_week (const TendctlOptions *options, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TendStore) store = NULL;
  g_autoptr (TendInsights) insights = NULL;
  g_autofree char *week_text = NULL;
  g_autofree char *hours_text = NULL;
  g_autofree char *output = NULL;
  g_auto (WeekView) view = { 0 };
  gboolean           json = FALSE;
  int                status = TENDCTL_EXIT_OK;
  TendWorkHours      hours;
  TendWeek           week;
  const GOptionEntry entries[]
      = { { "week", 'w', 0, G_OPTION_ARG_STRING, &week_text,
            N_ ("The ISO week to show, such as 2026-W09 (default: this week)"), N_ ("YYYY-Www") },
          { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the report as JSON"), NULL },
          { "hours", 0, 0, G_OPTION_ARG_STRING, &hours_text,
            N_ ("Working hours for this report, such as “mon-thu 08:00-16:00,fri 08:00-12:00”"),
            N_ ("SPEC") },
          { NULL } };

  context = g_option_context_new (_ ("— show a week’s figures, the coach’s nudges and your goals"));
  g_option_context_set_summary (context,
                                _ ("Shows each figure of the week next to your usual week (the "
                                   "median of your previous eight weeks with data), then the "
                                   "coach’s advice and how your goals stand. Everything is "
                                   "computed on this computer and compared only with yourself."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!tendctl_parse (context, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return tendctl_usage_error (context, _ ("tendctl week takes no arguments"));
  /* Arguments are checked before the database is opened: a typo is a usage error. */
  if (week_text != NULL && !tend_week_parse (week_text, &week, &error))
    return tendctl_usage_error (context, error->message);
  if (hours_text != NULL && !tend_work_hours_parse (&hours, hours_text, &error))
    return tendctl_usage_error (context, error->message);

  store = open_store (options, &view.demo, &error);
  if (store == NULL)
    return tendctl_report_error (error);

  if (!(insights = tend_insights_new_for_user (store, &error)))
    return tendctl_report_error (error);
  /* --hours replaces only the working hours: the zone and focus minimum stay the user's. */
  if (hours_text != NULL)
    tend_insights_set_work_hours (insights, &hours);
  if (week_text == NULL)
    tend_week_current (tend_insights_get_time_zone (insights), &week);
  if (!week_view_compute (&view, store, insights, &week, &error))
    return tendctl_report_error (error);

  output = json ? format_json (&view) : format_text (&view);
  g_print ("%s%s", output, json ? "\n" : "");
  return TENDCTL_EXIT_OK;
}
