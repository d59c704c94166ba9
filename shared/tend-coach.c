/* tend-coach.c: advice on a week, measured against my own usual week
 *
 * Every rule compares a week with the same person's baseline (the median of their previous
 * weeks), never with colleagues or population norms: Tend's invariant 7. The only absolute
 * thresholds are about the person's own working time ("no focus time at all", "work on a day
 * off"). docs/COACH.md lists the rules and why each exists.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-coach"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-coach.h"
#include "tend-store-private.h"

struct _TendCoach
{
  GObject parent_instance;

  /* Owned */
  TendStore *store;

  gint64 now;
};

G_DEFINE_FINAL_TYPE (TendCoach, tend_coach, G_TYPE_OBJECT)

/* Stored in nudge_state.state: never renumber. */
enum
{
  NUDGE_STATE_DISMISSED = 1,
  NUDGE_STATE_SNOOZED = 2,
};

/* Meeting time: a quarter more or less than usual is a week that felt different, not noise; the
 * two hours keep a light usual week (2 h → 2.5 h) from counting as a change. */
#define MEETING_CHANGE_RATIO 0.25
#define MEETING_CHANGE_HOURS 2.0

/* Focus time: a fifth more and one more two-hour block is progress worth naming. */
#define FOCUS_RISE_RATIO 0.20
#define FOCUS_RISE_HOURS 2.0
/* Losing focus time is only worth a warning when it is a lot: two fifths of it, and at least two
 * blocks' worth. */
#define FOCUS_FALL_RATIO 0.40
#define FOCUS_FALL_HOURS 4.0

/* After-hours messages: half as many again (or half as few), and at least five, since a couple of
 * evening replies either way is an ordinary week. */
#define AFTER_HOURS_CHANGE_RATIO 0.50
#define AFTER_HOURS_CHANGE_MESSAGES 5.0

/* Back-to-back runs and large meetings: half as many again and at least two more, so one extra
 * meeting in a sparse week does not count. */
#define BACK_TO_BACK_RISE_RATIO 0.50
#define BACK_TO_BACK_RISE_COUNT 2.0
#define LARGE_MEETINGS_RISE_RATIO 0.50
#define LARGE_MEETINGS_RISE_COUNT 2.0

/* Replies: "much faster" is half the usual time or less, and at least a quarter of an hour
 * faster, so that a usual 8 minutes becoming 3 is not called a change. It only matters together
 * with more after-hours messages: a quarter more and at least three. */
#define REPLY_FAST_RATIO 0.50
#define REPLY_FAST_MINUTES 15.0
#define REPLY_AFTER_HOURS_RATIO 0.25
#define REPLY_AFTER_HOURS_MESSAGES 3.0

/* Thanks: a quarter more and at least two more than usual. */
#define GRATITUDE_RISE_RATIO 0.25
#define GRATITUDE_RISE_COUNT 2.0

/* A single day off with work is already worth a gentle word: it is the person's own time. */
#define WEEKEND_MIN_DAYS 1.0

/* How many fading collaborators a nudge names; the rest are counted. */
#define FADING_NAMES_SHOWN 3

/* Ordering: each rule has a weight (below), and a larger change from the baseline adds up to
 * this much, so that among rules of the same weight the biggest change comes first. */
#define MAGNITUDE_WEIGHT 10.0

/* Rule weights: warnings about rest and focus first, then what touches recovery (days off,
 * evening replies) and the praise worth hearing, then the smaller tips. The welcome, when shown,
 * is alone. */
#define WEIGHT_WELCOME 100.0
#define WEIGHT_NO_FOCUS 45.0
#define WEIGHT_MEETING_LOAD_UP 40.0
#define WEIGHT_FOCUS_DOWN 40.0
#define WEIGHT_AFTER_HOURS_UP 40.0
#define WEIGHT_WEEKEND_WORK 32.0
#define WEIGHT_INSTANT_REPLIES 30.0
#define WEIGHT_FOCUS_UP 28.0
#define WEIGHT_EVENINGS_FREE 27.0
#define WEIGHT_AFTER_HOURS_DOWN 26.0
#define WEIGHT_BACK_TO_BACK_UP 25.0
#define WEIGHT_MEETING_LOAD_DOWN 24.0
#define WEIGHT_GRATITUDE_UP 22.0
#define WEIGHT_LARGE_MEETINGS_UP 20.0
#define WEIGHT_FADING 18.0
/* Praise or a tip that would read the same every week (no change from the usual week) still
 * counts, but ranks this much lower so that it does not push out news. */
#define WEIGHT_ROUTINE_PENALTY 10.0

/* What the rules of one report share. */
typedef struct
{
  TendWeekReport *report;
  /* Over: figures that can only grow during a week (meetings held, messages sent) may already be
   * judged while it runs, but "less than usual" only once the week has ended. */
  gboolean   week_over;
  GPtrArray *nudges;
} Advice;

static double
value_of (Advice *a, TendMetric metric)
{
  return tend_week_report_get_value (a->report, metric);
}

static double
baseline_of (Advice *a, TendMetric metric)
{
  return tend_week_report_get_baseline (a->report, metric);
}

/* @value is at least @ratio and @amount above @baseline. */
static gboolean
rose (double value, double baseline, double ratio, double amount)
{
  if (!isfinite (value) || !isfinite (baseline))
    return FALSE;
  return value - baseline >= amount && value >= baseline * (1.0 + ratio);
}

/* @value is at least @ratio and @amount below @baseline. */
static gboolean
fell (double value, double baseline, double ratio, double amount)
{
  if (!isfinite (value) || !isfinite (baseline))
    return FALSE;
  return baseline - value >= amount && value <= baseline * (1.0 - ratio);
}

static double
magnitude (double value, double baseline)
{
  if (!isfinite (value) || !isfinite (baseline))
    return 0.0;
  if (baseline > 0.0)
    return MIN (fabs (value - baseline) / baseline, 1.0) * MAGNITUDE_WEIGHT;
  return value != baseline ? MAGNITUDE_WEIGHT : 0.0;
}

char *
tend_coach_format_change (double value, double baseline)
{
  if (!isfinite (value) || !isfinite (baseline) || baseline <= 0.0)
    return NULL;
  /* Translators: a change against the usual week, in percent, with its sign: “+30 %”. */
  return g_strdup_printf (_ ("%+.0f %%"), (value - baseline) / baseline * 100.0);
}

/* "Meeting time: 6.5 h this week; your usual week: 5.0 h (+30 %)." */
static char *
describe_figure (TendMetric metric, double value, double baseline)
{
  g_autofree char *current = tend_metric_format_value (metric, value);
  g_autofree char *usual = tend_metric_format_value (metric, baseline);
  g_autofree char *change = tend_coach_format_change (value, baseline);

  if (!isfinite (baseline))
    /* Translators: %1$s is a figure's name, %2$s its value this week (“6.5 h”). */
    return g_strdup_printf (_ ("%1$s: %2$s this week."), tend_metric_get_title (metric), current);
  if (change == NULL)
    /* Translators: %1$s is a figure's name, %2$s its value this week (“6.5 h”), %3$s its value
     * in the person's usual week. */
    return g_strdup_printf (_ ("%1$s: %2$s this week; your usual week: %3$s."),
                            tend_metric_get_title (metric), current, usual);
  /* Translators: %1$s is a figure's name, %2$s its value this week (“6.5 h”), %3$s its value in
   * the person's usual week (“5.0 h”), %4$s the change (“+30 %”). */
  return g_strdup_printf (_ ("%1$s: %2$s this week; your usual week: %3$s (%4$s)."),
                          tend_metric_get_title (metric), current, usual, change);
}

/* Takes @condition: what made the rule fire, with the figures. */
static char *
explain_why (const char *rule_id, char *condition)
{
  g_autofree char *owned = condition;

  /* Translators: %1$s is the name of a coach rule (“meeting-load-up”), %2$s the condition that
   * made it fire, a sentence without its full stop (“Meeting time: 6.5 h this week, …”). */
  return g_strdup_printf (_ ("The rule “%1$s” fired: %2$s. Tend compares you only with yourself: "
                             "your usual week is the median of your own earlier weeks with data "
                             "(up to eight), never anyone else’s figures."),
                          rule_id, owned);
}

/* Takes @evidence (NULL for the metric's figure against its baseline) and @condition. */
static void
add_nudge (Advice *a, const char *id, TendNudgeKind kind, TendMetric metric, double weight,
           const char *title, const char *explanation, const char *suggestion, char *evidence,
           char *condition)
{
  g_autofree char *owned_evidence = evidence;
  g_autofree char *why = explain_why (id, condition);
  double           value = value_of (a, metric);
  double           baseline = baseline_of (a, metric);

  if (owned_evidence == NULL)
    owned_evidence = describe_figure (metric, value, baseline);
  g_ptr_array_add (a->nudges, tend_nudge_new (id, kind, metric, value, baseline,
                                              weight + magnitude (value, baseline), title,
                                              explanation, owned_evidence, suggestion, why));
}

static guint
count_working_days (TendWeekReport *report)
{
  const TendDayFigures *days = tend_week_report_get_days (report);
  guint                 n = 0;

  for (guint i = 0; i < 7; i++)
    if (!days[i].day_off)
      n++;
  return n;
}

/* Rules */

/* A rule that fires on a clear change of one figure from my usual week: by at least @ratio of
 * the baseline and by @amount in the figure's unit. */
typedef struct
{
  const char   *id;
  TendNudgeKind kind;
  TendMetric    metric;
  /* A fall is judged only once the week is over: a running week's figures can only grow. */
  gboolean rise;
  double   ratio;
  double   amount;
  double   weight;
  /* A rule that says more about the same week; when it fired, this one stays silent. */
  const char *replaced_by;
  const char *title;
  const char *explanation;
  const char *suggestion;
} ChangeRule;

static const ChangeRule change_rules[] = {
  {
      .id = "meeting-load-up",
      .kind = TEND_NUDGE_KIND_WARNING,
      .metric = TEND_METRIC_MEETING_HOURS,
      .rise = TRUE,
      .ratio = MEETING_CHANGE_RATIO,
      .amount = MEETING_CHANGE_HOURS,
      .weight = WEIGHT_MEETING_LOAD_UP,
      .title = N_ ("More meetings than usual"),
      .explanation = N_ ("You spent clearly more time in meetings this week than in your usual "
                         "week. A week full of meetings leaves little room for work that needs a "
                         "clear head."),
      .suggestion = N_ ("Look at next week’s calendar and decline or shorten one meeting where you "
                        "are not really needed."),
  },
  {
      .id = "meeting-load-down",
      .kind = TEND_NUDGE_KIND_PRAISE,
      .metric = TEND_METRIC_MEETING_HOURS,
      .rise = FALSE,
      .ratio = MEETING_CHANGE_RATIO,
      .amount = MEETING_CHANGE_HOURS,
      .weight = WEIGHT_MEETING_LOAD_DOWN,
      .title = N_ ("A lighter meeting week"),
      .explanation = N_ ("You spent clearly less time in meetings than in your usual week, which "
                         "left more time for your own work."),
      .suggestion = N_ ("Note what made the difference — a cancelled series, a shorter stand-up — "
                        "and keep what worked."),
  },
  {
      .id = "focus-up",
      .kind = TEND_NUDGE_KIND_PRAISE,
      .metric = TEND_METRIC_FOCUS_HOURS,
      .rise = TRUE,
      .ratio = FOCUS_RISE_RATIO,
      .amount = FOCUS_RISE_HOURS,
      .weight = WEIGHT_FOCUS_UP,
      .title = N_ ("More focus time than usual"),
      .explanation = N_ ("You had more long stretches of working time without meetings than in "
                         "your usual week: time for work that needs concentration."),
      .suggestion = N_ ("Protect what worked: block the same hours in your calendar for next "
                        "week."),
  },
  {
      .id = "focus-down",
      .kind = TEND_NUDGE_KIND_WARNING,
      .metric = TEND_METRIC_FOCUS_HOURS,
      .rise = FALSE,
      .ratio = FOCUS_FALL_RATIO,
      .amount = FOCUS_FALL_HOURS,
      .weight = WEIGHT_FOCUS_DOWN,
      .replaced_by = "no-focus",
      .title = N_ ("Much less focus time than usual"),
      .explanation = N_ ("Meetings and interruptions left you far fewer long, quiet stretches than "
                         "in your usual week."),
      .suggestion = N_ ("Book a focus block in your calendar for next week before it fills up, "
                        "and treat it like a meeting."),
  },
  {
      .id = "after-hours-up",
      .kind = TEND_NUDGE_KIND_WARNING,
      .metric = TEND_METRIC_AFTER_HOURS_MESSAGES_SENT,
      .rise = TRUE,
      .ratio = AFTER_HOURS_CHANGE_RATIO,
      .amount = AFTER_HOURS_CHANGE_MESSAGES,
      .weight = WEIGHT_AFTER_HOURS_UP,
      .title = N_ ("More after-hours messages than usual"),
      .explanation = N_ ("You sent clearly more messages outside your working hours than in your "
                         "usual week. Evenings that fill with work leave less time to recover."),
      .suggestion = N_ ("Choose a time to stop this week, and schedule anything you write later to "
                        "go out the next morning."),
  },
  {
      .id = "after-hours-down",
      .kind = TEND_NUDGE_KIND_PRAISE,
      .metric = TEND_METRIC_AFTER_HOURS_MESSAGES_SENT,
      .rise = FALSE,
      .ratio = AFTER_HOURS_CHANGE_RATIO,
      .amount = AFTER_HOURS_CHANGE_MESSAGES,
      .weight = WEIGHT_AFTER_HOURS_DOWN,
      .replaced_by = "evenings-free",
      .title = N_ ("Quieter evenings"),
      .explanation = N_ ("You sent clearly fewer messages outside your working hours than in your "
                         "usual week."),
      .suggestion = N_ ("Whatever helped — a stop time, notifications off — is worth keeping."),
  },
  {
      .id = "back-to-back-up",
      .kind = TEND_NUDGE_KIND_TIP,
      .metric = TEND_METRIC_BACK_TO_BACK_CHAINS,
      .rise = TRUE,
      .ratio = BACK_TO_BACK_RISE_RATIO,
      .amount = BACK_TO_BACK_RISE_COUNT,
      .weight = WEIGHT_BACK_TO_BACK_UP,
      .title = N_ ("More back-to-back meetings"),
      .explanation = N_ ("More of your meetings ran straight into the next one than in your usual "
                         "week, with no pause in between."),
      .suggestion = N_ ("End the meetings you organise five minutes early, so that everyone has a "
                        "short break before the next one."),
  },
  {
      .id = "gratitude-up",
      .kind = TEND_NUDGE_KIND_PRAISE,
      .metric = TEND_METRIC_GRATITUDE_SENT,
      .rise = TRUE,
      .ratio = GRATITUDE_RISE_RATIO,
      .amount = GRATITUDE_RISE_COUNT,
      .weight = WEIGHT_GRATITUDE_UP,
      .title = N_ ("More thanks given"),
      .explanation = N_ ("You thanked people more often than in your usual week. Recognition is "
                         "one of the simplest ways to keep a team going."),
      .suggestion = N_ ("Keep it up: a thank-you that says what the person did and why it helped "
                        "counts most."),
  },
  {
      .id = "large-meetings-up",
      .kind = TEND_NUDGE_KIND_TIP,
      .metric = TEND_METRIC_LARGE_MEETINGS,
      .rise = TRUE,
      .ratio = LARGE_MEETINGS_RISE_RATIO,
      .amount = LARGE_MEETINGS_RISE_COUNT,
      .weight = WEIGHT_LARGE_MEETINGS_UP,
      .title = N_ ("More large meetings"),
      .explanation = N_ ("You were in more large meetings than in your usual week. In a large "
                         "meeting each person has little time to speak, and often little reason "
                         "to be there."),
      .suggestion = N_ ("Before the next large meeting, ask whether you could follow it through "
                        "its notes instead."),
  },
};

static gboolean
has_nudge (Advice *a, const char *id)
{
  for (guint i = 0; i < a->nudges->len; i++)
    if (g_str_equal (tend_nudge_get_id (g_ptr_array_index (a->nudges, i)), id))
      return TRUE;
  return FALSE;
}

/* "Meeting time: 6.5 h this week, at least 25 % and 2.0 h above your usual 4.0 h" */
static char *
change_condition (Advice *a, const ChangeRule *rule)
{
  TendMetric       m = rule->metric;
  g_autofree char *current = tend_metric_format_value (m, value_of (a, m));
  g_autofree char *usual = tend_metric_format_value (m, baseline_of (a, m));
  g_autofree char *step = tend_metric_format_value (m, rule->amount);

  if (rule->rise)
    /* Translators: %1$s is a figure's name, %2$s its value this week, %3$.0f a percentage, %4$s
     * an amount in the figure's unit and %5$s the usual value. Note the %% for a percent sign. */
    return g_strdup_printf (_ ("%1$s: %2$s this week, at least %3$.0f %% and %4$s above your "
                               "usual %5$s"),
                            tend_metric_get_title (m), current, rule->ratio * 100.0, step, usual);
  /* Translators: %1$s is a figure's name, %2$s its value this week, %3$.0f a percentage, %4$s
   * an amount in the figure's unit and %5$s the usual value. Note the %% for a percent sign. */
  return g_strdup_printf (_ ("%1$s: %2$s this week, at least %3$.0f %% and %4$s below your "
                             "usual %5$s"),
                          tend_metric_get_title (m), current, rule->ratio * 100.0, step, usual);
}

static void
apply_change_rule (Advice *a, const ChangeRule *rule)
{
  double   v = value_of (a, rule->metric), b = baseline_of (a, rule->metric);
  gboolean fired;

  if (rule->rise)
    fired = rose (v, b, rule->ratio, rule->amount);
  else
    fired = a->week_over && fell (v, b, rule->ratio, rule->amount);
  if (!fired || (rule->replaced_by != NULL && has_nudge (a, rule->replaced_by)))
    return;

  add_nudge (a, rule->id, rule->kind, rule->metric, rule->weight, _ (rule->title),
             _ (rule->explanation), _ (rule->suggestion), NULL, change_condition (a, rule));
}

/* No focus time at all is about my own working hours, so it needs no comparison; it says more
 * than "less than usual" and replaces it. */
static void
rule_no_focus (Advice *a)
{
  if (!a->week_over || value_of (a, TEND_METRIC_FOCUS_HOURS) != 0.0
      || count_working_days (a->report) == 0)
    return;

  add_nudge (a, "no-focus", TEND_NUDGE_KIND_WARNING, TEND_METRIC_FOCUS_HOURS, WEIGHT_NO_FOCUS,
             _ ("No focus time at all this week"),
             _ ("Not one stretch of your working hours was long enough and free enough of "
                "meetings to count as focus time."),
             _ ("Pick one morning next week and block it in your calendar for your own work."),
             NULL,
             /* Translators: follows “The rule … fired:”. */
             g_strdup (_ ("No stretch of your working hours this week counted as focus time")));
}

/* A whole week of free evenings says more than "fewer messages", and replaces it. */
static void
rule_evenings_free (Advice *a)
{
  TendMetric m = TEND_METRIC_AFTER_HOURS_DAYS;
  double     clear_days = value_of (a, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS);
  guint      working_days = count_working_days (a->report);
  double     weight;
  char      *condition;

  if (!a->week_over || value_of (a, m) != 0.0 || working_days == 0 || !isfinite (clear_days)
      || clear_days < working_days)
    return;

  /* Praise that reads the same every week, when my usual week is free of evenings too. */
  weight = WEIGHT_EVENINGS_FREE - (baseline_of (a, m) >= 1.0 ? 0.0 : WEIGHT_ROUTINE_PENALTY);
  condition = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            /* Translators: follows “The rule … fired:”; %u is
                                             * a number of days. */
                                            "Your %u working day had no after-hours work",
                                            "None of your %u working days had after-hours work",
                                            working_days),
                               working_days);
  add_nudge (a, "evenings-free", TEND_NUDGE_KIND_PRAISE, m, weight, _ ("Evenings free all week"),
             _ ("You did no work outside your working hours on any working day this week."),
             _ ("Enjoy it, and notice what made it possible, so you can do it again."), NULL,
             condition);
}

static void
rule_weekend_work (Advice *a)
{
  TendMetric       m = TEND_METRIC_WEEKEND_DAYS_ACTIVE;
  double           v = value_of (a, m), b = baseline_of (a, m);
  g_autofree char *explanation = NULL;
  char            *condition;
  gulong           n;

  /* Fewer days off with work than usual is progress, not a reason for a nudge. */
  if (!isfinite (v) || v < WEEKEND_MIN_DAYS || (isfinite (b) && v < b))
    return;

  n = (gulong) v;
  explanation = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "You worked on %lu day off this week. Days off are "
                                              "when you recover for the week ahead.",
                                              "You worked on %lu days off this week. Days off are "
                                              "when you recover for the week ahead.",
                                              n),
                                 n);
  condition = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            /* Translators: follows “The rule … fired:”; %lu is
                                             * a number of days. */
                                            "You worked on %lu day off this week, no fewer than "
                                            "in your usual week",
                                            "You worked on %lu days off this week, no fewer than "
                                            "in your usual week",
                                            n),
                               n);
  add_nudge (a, "weekend-work", TEND_NUDGE_KIND_TIP, m,
             WEIGHT_WEEKEND_WORK - (v > b ? 0.0 : WEIGHT_ROUTINE_PENALTY),
             _ ("Work on your days off"), explanation,
             _ ("If it was not urgent, leave it for your next working day — or take the time back "
                "during the week."),
             NULL, condition);
}

static void
rule_instant_replies (Advice *a)
{
  TendMetric       m = TEND_METRIC_REPLY_MEDIAN_MINUTES;
  TendMetric       ah = TEND_METRIC_AFTER_HOURS_MESSAGES_SENT;
  g_autofree char *reply_figure = NULL;
  g_autofree char *after_figure = NULL;
  g_autofree char *current = NULL;
  g_autofree char *usual = NULL;
  g_autofree char *step = NULL;
  char            *condition;

  if (!fell (value_of (a, m), baseline_of (a, m), REPLY_FAST_RATIO, REPLY_FAST_MINUTES)
      || !rose (value_of (a, ah), baseline_of (a, ah), REPLY_AFTER_HOURS_RATIO,
                REPLY_AFTER_HOURS_MESSAGES))
    return;

  reply_figure = describe_figure (m, value_of (a, m), baseline_of (a, m));
  after_figure = describe_figure (ah, value_of (a, ah), baseline_of (a, ah));
  current = tend_metric_format_value (m, value_of (a, m));
  usual = tend_metric_format_value (m, baseline_of (a, m));
  step = tend_metric_format_value (m, REPLY_FAST_MINUTES);
  /* Translators: follows “The rule … fired:”; %1$s, %3$s and %4$s are reply times (“12 min”),
   * %2$.0f and %5$.0f percentages. Note the %% for a percent sign. */
  condition = g_strdup_printf (_ ("Your typical reply time (%1$s) was at least %2$.0f %% and %3$s "
                                  "shorter than your usual %4$s, while your after-hours messages "
                                  "rose at least %5$.0f %%"),
                               current, REPLY_FAST_RATIO * 100.0, step, usual,
                               REPLY_AFTER_HOURS_RATIO * 100.0);
  add_nudge (a, "instant-replies", TEND_NUDGE_KIND_TIP, m, WEIGHT_INSTANT_REPLIES,
             _ ("Not everything needs an instant answer"),
             _ ("You answered much faster than usual while also writing more outside your working "
                "hours. Answering at once can pull you back into work at any hour."),
             _ ("Turn notifications off after work: most messages can wait until the morning."),
             g_strconcat (reply_figure, " ", after_figure, NULL), condition);
}

/* Names the people, which is fine: advice is shown to its owner alone, on their computer. */
static void
rule_fading (Advice *a)
{
  GPtrArray *fading = tend_week_report_get_fading_collaborators (a->report);
  double     count = value_of (a, TEND_METRIC_FADING_COLLABORATORS);
  g_autoptr (GString) names = NULL;
  char *evidence, *condition;
  guint total, shown;

  if (fading == NULL || fading->len == 0)
    return;
  /* The report lists only the first TEND_LISTED_COLLABORATORS; the figure counts them all. */
  total = isfinite (count) && count > fading->len ? (guint) count : fading->len;

  names = g_string_new (NULL);
  shown = MIN (fading->len, FADING_NAMES_SHOWN);
  for (guint i = 0; i < shown; i++)
    {
      const TendCollaborator *c = g_ptr_array_index (fading, i);

      if (i > 0)
        /* Translators: separates names in a list. */
        g_string_append (names, _ (", "));
      g_string_append (names, c->name != NULL && *c->name != '\0' ? c->name : c->address);
    }
  if (total > shown)
    g_string_append_printf (names,
                            g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: follows a list of names; %u is how
                                          * many more people there are. */
                                         " and %u other", " and %u others", total - shown),
                            total - shown);

  evidence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           /* Translators: %s is a list of names. */
                                           "You used to work with %s regularly, but hardly at all "
                                           "in recent weeks. Only you can see this name.",
                                           "You used to work with %s regularly, but hardly at all "
                                           "in recent weeks. Only you can see these names.",
                                           total),
                              names->str);
  condition = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            /* Translators: follows “The rule … fired:”; %u is
                                             * a number of people. */
                                            "%u person you used to work with regularly has "
                                            "hardly appeared in your recent weeks",
                                            "%u people you used to work with regularly have "
                                            "hardly appeared in your recent weeks",
                                            total),
                               total);
  add_nudge (a, "fading-collaborators", TEND_NUDGE_KIND_TIP, TEND_METRIC_FADING_COLLABORATORS,
             WEIGHT_FADING,
             g_dngettext (GETTEXT_PACKAGE, "Losing touch with someone",
                          "Losing touch with a few people", total),
             _ ("Working relationships fade quietly when nobody writes. Sometimes that is fine — a "
                "project ended — and sometimes it is worth a word."),
             _ ("If one of them still matters to your work, send a short note or suggest a quick "
                "catch-up."),
             evidence, condition);
}

/* A report has a baseline once at least three earlier weeks hold data; before that, every
 * baseline is undefined (see tend_week_report_get_baseline). */
static gboolean
has_baseline (TendWeekReport *report)
{
  if (!tend_week_report_has_trend (report))
    return FALSE;
  for (guint m = 0; m < TEND_N_METRICS; m++)
    if (isfinite (tend_week_report_get_baseline (report, m)))
      return TRUE;
  return FALSE;
}

static void
add_welcome (Advice *a)
{
  g_autofree char *why = NULL;

  /* Translators: follows “The rule … fired:”. */
  why = explain_why ("welcome", g_strdup (_ ("Fewer than three of your earlier weeks hold data, so "
                                             "you have no usual week yet")));

  g_ptr_array_add (a->nudges,
                   tend_nudge_new ("welcome", TEND_NUDGE_KIND_INFO, TEND_N_METRICS, NAN, NAN,
                                   WEIGHT_WELCOME, _ ("Your coach is getting to know your weeks"),
                                   _ ("The coach compares each week only with your own usual "
                                      "week, and it needs a few weeks of history to know what "
                                      "usual is for you. Until then you see your figures without "
                                      "advice."),
                                   _ ("This is one of your first weeks in Tend: fewer than three "
                                      "of the weeks before it hold data."),
                                   _ ("Keep importing your mail and calendar; advice starts once "
                                      "three weeks of your history are in."),
                                   why));
}

static int
compare_importance (gconstpointer a, gconstpointer b)
{
  TendNudge *x = *(TendNudge *const *) a;
  TendNudge *y = *(TendNudge *const *) b;
  double     ix = tend_nudge_get_importance (x), iy = tend_nudge_get_importance (y);

  if (ix != iy)
    return ix > iy ? -1 : 1;
  /* The id settles ties, so that the same week always reads the same. */
  return g_strcmp0 (tend_nudge_get_id (x), tend_nudge_get_id (y));
}

/* The ids hidden from @week's advice at @now. */
static GHashTable *
load_hidden (TendCoach *self, const TendWeek *week, gint64 now, GError **error)
{
  g_autoptr (GHashTable) hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *week_text = tend_week_to_string (week);
  sqlite3_stmt    *stmt;
  int              rc;

  /* Week strings ("2026-W09") sort like the weeks they name. */
  stmt = _tend_store_prepare (self->store,
                              "SELECT nudge_id FROM nudge_state"
                              " WHERE (state = 1 AND week = ?1)"
                              " OR (state = 2 AND week <= ?1 AND until_at > ?2)",
                              error);
  if (stmt == NULL)
    return NULL;
  G_STATIC_ASSERT (NUDGE_STATE_DISMISSED == 1 && NUDGE_STATE_SNOOZED == 2);
  sqlite3_bind_text (stmt, 1, week_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (hidden, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tend_store_set_error (self->store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&hidden);
}

/* Keeps the TEND_COACH_MAX_NUDGES most important, but a week that earned praise shows at least
 * one: advice that only ever warns is advice people stop reading. */
static void
select_nudges (GPtrArray *nudges)
{
  guint best_praise = G_MAXUINT;

  g_ptr_array_sort (nudges, compare_importance);
  if (nudges->len <= TEND_COACH_MAX_NUDGES)
    return;

  for (guint i = 0; i < nudges->len && best_praise == G_MAXUINT; i++)
    if (tend_nudge_get_kind (g_ptr_array_index (nudges, i)) == TEND_NUDGE_KIND_PRAISE)
      best_praise = i;

  if (best_praise >= TEND_COACH_MAX_NUDGES && best_praise != G_MAXUINT)
    {
      TendNudge *praise = g_ptr_array_steal_index (nudges, best_praise);

      g_ptr_array_insert (nudges, TEND_COACH_MAX_NUDGES - 1, praise);
    }
  g_ptr_array_set_size (nudges, TEND_COACH_MAX_NUDGES);
}

static gint64
get_now (TendCoach *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static void
tend_coach_finalize (GObject *object)
{
  TendCoach *self = (TendCoach *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (tend_coach_parent_class)->finalize (object);
}

static void
tend_coach_class_init (TendCoachClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_coach_finalize;
}

static void
tend_coach_init (TendCoach *self)
{
}

TendCoach *
tend_coach_new (TendStore *store)
{
  TendCoach *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);

  self = g_object_new (TEND_TYPE_COACH, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
tend_coach_set_now (TendCoach *self, gint64 unix_time)
{
  g_return_if_fail (TEND_IS_COACH (self));

  self->now = unix_time;
}

GPtrArray *
tend_coach_advise (TendCoach *self, TendWeekReport *report, GError **error)
{
  g_autoptr (GPtrArray) nudges = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) hidden = NULL;
  g_autoptr (GDateTime) end = NULL;
  const TendWeek *week;
  gint64          now;
  Advice          advice;

  g_return_val_if_fail (TEND_IS_COACH (self), NULL);
  g_return_val_if_fail (TEND_IS_WEEK_REPORT (report), NULL);

  /* A week without data has nothing to say about habits, not even that it is new. */
  if (!tend_week_report_has_data (report))
    return g_steal_pointer (&nudges);

  week = tend_week_report_get_week (report);
  now = get_now (self);
  end = tend_week_get_end (week, tend_week_report_get_time_zone (report));
  advice = (Advice){
    .report = report,
    .week_over = now >= g_date_time_to_unix (end),
    .nudges = nudges,
  };

  if (!has_baseline (report))
    add_welcome (&advice);
  else
    {
      /* Before the change rules: they replace some of them. */
      rule_no_focus (&advice);
      rule_evenings_free (&advice);
      for (guint i = 0; i < G_N_ELEMENTS (change_rules); i++)
        apply_change_rule (&advice, &change_rules[i]);
      rule_weekend_work (&advice);
      rule_instant_replies (&advice);
      rule_fading (&advice);
    }

  if (!(hidden = load_hidden (self, week, now, error)))
    return NULL;
  for (guint i = nudges->len; i > 0; i--)
    if (g_hash_table_contains (hidden, tend_nudge_get_id (g_ptr_array_index (nudges, i - 1))))
      g_ptr_array_remove_index (nudges, i - 1);

  select_nudges (nudges);
  return g_steal_pointer (&nudges);
}

static gboolean
set_state (TendCoach *self, const char *nudge_id, const TendWeek *week, int state, gint64 until_at,
           GError **error)
{
  g_autofree char *week_text = tend_week_to_string (week);
  sqlite3_stmt    *stmt;
  int              rc;

  stmt = _tend_store_prepare (self->store,
                              "INSERT INTO nudge_state (nudge_id, week, state, until_at)"
                              " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (nudge_id, week)"
                              " DO UPDATE SET state = excluded.state,"
                              " until_at = excluded.until_at",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, nudge_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, week_text, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, state);
  sqlite3_bind_int64 (stmt, 4, until_at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (self->store, rc, error);
  return TRUE;
}

gboolean
tend_coach_dismiss (TendCoach *self, const char *nudge_id, const TendWeek *week, GError **error)
{
  g_return_val_if_fail (TEND_IS_COACH (self), FALSE);
  g_return_val_if_fail (nudge_id != NULL && *nudge_id != '\0', FALSE);
  g_return_val_if_fail (week != NULL, FALSE);

  return set_state (self, nudge_id, week, NUDGE_STATE_DISMISSED, 0, error);
}

gboolean
tend_coach_snooze (TendCoach *self, const char *nudge_id, const TendWeek *week, GDateTime *until,
                   GError **error)
{
  g_return_val_if_fail (TEND_IS_COACH (self), FALSE);
  g_return_val_if_fail (nudge_id != NULL && *nudge_id != '\0', FALSE);
  g_return_val_if_fail (week != NULL, FALSE);
  g_return_val_if_fail (until != NULL, FALSE);

  return set_state (self, nudge_id, week, NUDGE_STATE_SNOOZED, g_date_time_to_unix (until), error);
}
