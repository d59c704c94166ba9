/* test-coach.c: the coach's rules, ordering, and dismissed and snoozed nudges
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tend-coach.h"
#include "tend-week-report-private.h"

/* 2026-W09 runs from Monday 2026-02-23 to Sunday 2026-03-01 (UTC). */
#define WEEK_START 1771804800 /* 2026-02-23T00:00:00Z */
#define WEEK_END (WEEK_START + 7 * 24 * 3600)
#define AFTER_WEEK (WEEK_END + 3600)

typedef struct
{
  char      *dir;
  TendStore *store;
  TendCoach *coach;
} Fixture;

/* An ordinary week: every figure equals its baseline, so no rule has reason to fire. */
static const struct
{
  TendMetric metric;
  double     value;
} usual_week[] = {
  { TEND_METRIC_MEETING_HOURS, 10.0 },      { TEND_METRIC_MEETINGS, 12.0 },
  { TEND_METRIC_BACK_TO_BACK_CHAINS, 2.0 }, { TEND_METRIC_LARGE_MEETINGS, 2.0 },
  { TEND_METRIC_FOCUS_HOURS, 15.0 },        { TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 4.0 },
  { TEND_METRIC_AFTER_HOURS_DAYS, 2.0 },    { TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 3.0 },
  { TEND_METRIC_WEEKEND_DAYS_ACTIVE, 0.0 }, { TEND_METRIC_MESSAGES_SENT, 60.0 },
  { TEND_METRIC_MESSAGES_RECEIVED, 150.0 }, { TEND_METRIC_REPLY_MEDIAN_MINUTES, 60.0 },
  { TEND_METRIC_GRATITUDE_SENT, 5.0 },      { TEND_METRIC_FADING_COLLABORATORS, 0.0 },
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("tend-coach-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  f->coach = tend_coach_new (f->store);
  tend_coach_set_now (f->coach, AFTER_WEEK);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_strdup (tend_store_get_path (f->store));

  g_clear_object (&f->coach);
  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (path, NULL));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

/* A week with data, a trend and a baseline, Monday to Friday working days. */
static TendWeekReport *
make_report (int week_number)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  TendWeek        week = { 2026, week_number };
  TendWeekReport *report = _tend_week_report_new (&week, utc);

  _tend_week_report_set_has_data (report, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (usual_week); i++)
    {
      double series[TEND_TREND_WEEKS];

      for (guint w = 0; w < TEND_TREND_WEEKS; w++)
        series[w] = usual_week[i].value;
      _tend_week_report_set_series (report, usual_week[i].metric, series);
      _tend_week_report_set_value (report, usual_week[i].metric, usual_week[i].value);
      _tend_week_report_set_baseline (report, usual_week[i].metric, usual_week[i].value);
    }
  for (guint day = 5; day < 7; day++)
    _tend_week_report_set_day (report, day, &(TendDayFigures){ .day_off = TRUE });
  return report;
}

static GPtrArray *
advise (Fixture *f, TendWeekReport *report)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *nudges = tend_coach_advise (f->coach, report, &error);

  g_assert_no_error (error);
  g_assert_nonnull (nudges);
  g_assert_cmpuint (nudges->len, <=, TEND_COACH_MAX_NUDGES);
  for (guint i = 0; i < nudges->len; i++)
    {
      TendNudge *nudge = g_ptr_array_index (nudges, i);

      /* Every nudge explains itself, and says it compares me only with myself. */
      g_assert_cmpstr (tend_nudge_get_title (nudge), !=, "");
      g_assert_cmpstr (tend_nudge_get_explanation (nudge), !=, "");
      g_assert_cmpstr (tend_nudge_get_evidence (nudge), !=, "");
      g_assert_cmpstr (tend_nudge_get_suggestion (nudge), !=, "");
      g_assert_nonnull (strstr (tend_nudge_get_why (nudge), "only with yourself"));
      g_assert_nonnull (strstr (tend_nudge_get_why (nudge), tend_nudge_get_id (nudge)));
      if (i > 0)
        g_assert_cmpfloat (tend_nudge_get_importance (g_ptr_array_index (nudges, i - 1)), >=,
                           tend_nudge_get_importance (nudge));
    }
  return nudges;
}

static TendNudge *
find (GPtrArray *nudges, const char *id)
{
  for (guint i = 0; i < nudges->len; i++)
    if (g_str_equal (tend_nudge_get_id (g_ptr_array_index (nudges, i)), id))
      return g_ptr_array_index (nudges, i);
  return NULL;
}

/* Advice on the usual week with @metric set to @value (and its baseline to @baseline unless
 * NAN); asserts whether @id fired. */
static TendNudge *
check_rule (Fixture *f, const char *id, TendMetric metric, double value, double baseline,
            gboolean fires)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;
  TendNudge *nudge;

  _tend_week_report_set_value (report, metric, value);
  if (!isnan (baseline))
    _tend_week_report_set_baseline (report, metric, baseline);
  nudges = advise (f, report);
  nudge = find (nudges, id);
  if (!fires)
    {
      g_assert_null (nudge);
      return NULL;
    }
  g_assert_nonnull (nudge);
  g_assert_cmpint (tend_nudge_get_metric (nudge), ==, metric);
  g_assert_cmpfloat (tend_nudge_get_value (nudge), ==, value);
  return g_object_ref (nudge);
}

static void
test_usual_week (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (GPtrArray) nudges = advise (f, report);

  g_assert_cmpuint (nudges->len, ==, 0);
}

static void
test_meeting_load (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) up = NULL;
  g_autoptr (TendNudge) down = NULL;

  /* 13 h against 10 h: +30 % and +3 h. */
  up = check_rule (f, "meeting-load-up", TEND_METRIC_MEETING_HOURS, 13.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (up), ==, TEND_NUDGE_KIND_WARNING);
  g_assert_cmpfloat (tend_nudge_get_baseline (up), ==, 10.0);
  g_assert_nonnull (strstr (tend_nudge_get_evidence (up), "13.0 h"));
  g_assert_nonnull (strstr (tend_nudge_get_evidence (up), "10.0 h"));
  g_assert_nonnull (strstr (tend_nudge_get_evidence (up), "+30 %"));
  /* 12 h is +20 %: under the 25 %. */
  check_rule (f, "meeting-load-up", TEND_METRIC_MEETING_HOURS, 12.0, NAN, FALSE);
  /* 4 h → 5.5 h is +37 % but only 1.5 h. */
  check_rule (f, "meeting-load-up", TEND_METRIC_MEETING_HOURS, 5.5, 4.0, FALSE);

  /* 7 h against 10 h: −30 % and −3 h. */
  down = check_rule (f, "meeting-load-down", TEND_METRIC_MEETING_HOURS, 7.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (down), ==, TEND_NUDGE_KIND_PRAISE);
  check_rule (f, "meeting-load-down", TEND_METRIC_MEETING_HOURS, 8.5, NAN, FALSE);
}

static void
test_focus (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) up = NULL;
  g_autoptr (TendNudge) down = NULL;
  g_autoptr (TendNudge) none = NULL;
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;

  /* 18.5 h against 15 h: +23 % and +3.5 h. */
  up = check_rule (f, "focus-up", TEND_METRIC_FOCUS_HOURS, 18.5, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (up), ==, TEND_NUDGE_KIND_PRAISE);
  /* 16.5 h is only +10 %. */
  check_rule (f, "focus-up", TEND_METRIC_FOCUS_HOURS, 16.5, NAN, FALSE);

  /* 8 h against 15 h: −47 % and −7 h. */
  down = check_rule (f, "focus-down", TEND_METRIC_FOCUS_HOURS, 8.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (down), ==, TEND_NUDGE_KIND_WARNING);
  /* 10 h is −33 %: not "a lot". */
  check_rule (f, "focus-down", TEND_METRIC_FOCUS_HOURS, 10.0, NAN, FALSE);

  /* No focus at all replaces "less than usual". */
  none = check_rule (f, "no-focus", TEND_METRIC_FOCUS_HOURS, 0.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (none), ==, TEND_NUDGE_KIND_WARNING);
  check_rule (f, "focus-down", TEND_METRIC_FOCUS_HOURS, 0.0, NAN, FALSE);
  /* …even when my usual week has none either: it is about my own working hours. */
  g_object_unref (check_rule (f, "no-focus", TEND_METRIC_FOCUS_HOURS, 0.0, 0.0, TRUE));

  /* A week with no working days at all has no focus time to miss. */
  _tend_week_report_set_value (report, TEND_METRIC_FOCUS_HOURS, 0.0);
  for (guint day = 0; day < 7; day++)
    _tend_week_report_set_day (report, day, &(TendDayFigures){ .day_off = TRUE });
  nudges = advise (f, report);
  g_assert_null (find (nudges, "no-focus"));
}

static void
test_after_hours (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) up = NULL;
  g_autoptr (TendNudge) down = NULL;

  /* 10 against 4: +150 % and +6 messages. */
  up = check_rule (f, "after-hours-up", TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 10.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (up), ==, TEND_NUDGE_KIND_WARNING);
  /* 8 is +100 % but only 4 more. */
  check_rule (f, "after-hours-up", TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 8.0, NAN, FALSE);

  /* 5 against 12: −58 % and −7. */
  down = check_rule (f, "after-hours-down", TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 5.0, 12.0, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (down), ==, TEND_NUDGE_KIND_PRAISE);
  check_rule (f, "after-hours-down", TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 8.0, 12.0, FALSE);
}

static void
test_evenings_free (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (TendWeekReport) partial = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;
  g_autoptr (GPtrArray) partial_nudges = NULL;
  TendNudge *nudge;

  /* No after-hours day, and all five working days (Monday to Friday) without after-hours work.
   * The after-hours messages fall from 12 to 0, but the whole free week says more. */
  _tend_week_report_set_value (report, TEND_METRIC_AFTER_HOURS_DAYS, 0.0);
  _tend_week_report_set_value (report, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 5.0);
  _tend_week_report_set_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 0.0);
  _tend_week_report_set_baseline (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 12.0);
  nudges = advise (f, report);
  nudge = find (nudges, "evenings-free");
  g_assert_nonnull (nudge);
  g_assert_cmpint (tend_nudge_get_kind (nudge), ==, TEND_NUDGE_KIND_PRAISE);
  g_assert_nonnull (strstr (tend_nudge_get_why (nudge), "None of your 5 working days"));
  g_assert_null (find (nudges, "after-hours-down"));

  /* Only four of the five working days were clear: no praise yet. */
  _tend_week_report_set_value (partial, TEND_METRIC_AFTER_HOURS_DAYS, 0.0);
  _tend_week_report_set_value (partial, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 4.0);
  partial_nudges = advise (f, partial);
  g_assert_null (find (partial_nudges, "evenings-free"));
}

static void
test_weekend_work (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) tip = NULL;

  /* One day off with work, against none usually. */
  tip = check_rule (f, "weekend-work", TEND_METRIC_WEEKEND_DAYS_ACTIVE, 1.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (tip), ==, TEND_NUDGE_KIND_TIP);
  g_assert_nonnull (strstr (tend_nudge_get_explanation (tip), "1 day off"));
  /* One day, against two usually, is progress. */
  check_rule (f, "weekend-work", TEND_METRIC_WEEKEND_DAYS_ACTIVE, 1.0, 2.0, FALSE);
  /* Two, as usual, still deserves the tip. */
  g_clear_object (&tip);
  tip = check_rule (f, "weekend-work", TEND_METRIC_WEEKEND_DAYS_ACTIVE, 2.0, 2.0, TRUE);
  g_assert_nonnull (strstr (tend_nudge_get_explanation (tip), "2 days off"));
}

static void
test_meeting_shapes (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) chains = NULL;
  g_autoptr (TendNudge) large = NULL;

  /* 4 runs against 2: +100 % and +2. */
  chains = check_rule (f, "back-to-back-up", TEND_METRIC_BACK_TO_BACK_CHAINS, 4.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (chains), ==, TEND_NUDGE_KIND_TIP);
  g_assert_nonnull (strstr (tend_nudge_get_suggestion (chains), "five minutes"));
  check_rule (f, "back-to-back-up", TEND_METRIC_BACK_TO_BACK_CHAINS, 3.0, NAN, FALSE);

  large = check_rule (f, "large-meetings-up", TEND_METRIC_LARGE_MEETINGS, 4.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (large), ==, TEND_NUDGE_KIND_TIP);
  check_rule (f, "large-meetings-up", TEND_METRIC_LARGE_MEETINGS, 3.0, NAN, FALSE);
}

static void
test_instant_replies (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (TendWeekReport) daytime = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;
  g_autoptr (GPtrArray) daytime_nudges = NULL;
  TendNudge *nudge;

  /* Replies in 20 min against 60 (a third, 40 min faster) while after-hours messages went from 4
   * to 8 (+100 %, +4: enough here, though not for after-hours-up). */
  _tend_week_report_set_value (report, TEND_METRIC_REPLY_MEDIAN_MINUTES, 20.0);
  _tend_week_report_set_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 8.0);
  nudges = advise (f, report);
  nudge = find (nudges, "instant-replies");
  g_assert_nonnull (nudge);
  g_assert_cmpint (tend_nudge_get_kind (nudge), ==, TEND_NUDGE_KIND_TIP);
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge), "20 min"));
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge), "Messages sent after hours"));
  g_assert_null (find (nudges, "after-hours-up"));

  /* Fast replies alone, in an ordinary evening week, are nobody's business. */
  _tend_week_report_set_value (daytime, TEND_METRIC_REPLY_MEDIAN_MINUTES, 20.0);
  daytime_nudges = advise (f, daytime);
  g_assert_null (find (daytime_nudges, "instant-replies"));
}

static void
test_gratitude (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) praise = NULL;

  /* 8 against 5: +60 %, +3. */
  praise = check_rule (f, "gratitude-up", TEND_METRIC_GRATITUDE_SENT, 8.0, NAN, TRUE);
  g_assert_cmpint (tend_nudge_get_kind (praise), ==, TEND_NUDGE_KIND_PRAISE);
  check_rule (f, "gratitude-up", TEND_METRIC_GRATITUDE_SENT, 6.0, NAN, FALSE);
}

static void
test_fading (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) one = make_report (9);
  g_autoptr (TendWeekReport) many = make_report (9);
  g_autoptr (GPtrArray) one_nudges = NULL;
  g_autoptr (TendWeekReport) capped = make_report (9);
  g_autoptr (GPtrArray) many_nudges = NULL;
  g_autoptr (GPtrArray) capped_nudges = NULL;
  TendNudge *nudge;

  _tend_week_report_add_collaborator (one, TEND_COLLABORATORS_FADING, "ann@example.org",
                                      "Ann Example", 12);
  one_nudges = advise (f, one);
  nudge = find (one_nudges, "fading-collaborators");
  g_assert_nonnull (nudge);
  g_assert_cmpint (tend_nudge_get_kind (nudge), ==, TEND_NUDGE_KIND_TIP);
  g_assert_cmpstr (tend_nudge_get_title (nudge), ==, "Losing touch with someone");
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge), "Ann Example"));
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge), "Only you can see this name"));

  /* Three are named (by address without a name), the other two counted. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *address = g_strdup_printf ("p%u@example.org", i);

      _tend_week_report_add_collaborator (many, TEND_COLLABORATORS_FADING, address, NULL, 5);
    }
  many_nudges = advise (f, many);
  nudge = find (many_nudges, "fading-collaborators");
  g_assert_nonnull (nudge);
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge),
                            "p0@example.org, p1@example.org, p2@example.org and 2 others"));
  g_assert_null (strstr (tend_nudge_get_evidence (nudge), "p3@"));

  /* The report lists only the first few; the figure counts everyone: 12 fading, 1 listed. */
  _tend_week_report_set_value (capped, TEND_METRIC_FADING_COLLABORATORS, 12);
  _tend_week_report_add_collaborator (capped, TEND_COLLABORATORS_FADING, "ann@example.org", NULL,
                                      7);
  capped_nudges = advise (f, capped);
  nudge = find (capped_nudges, "fading-collaborators");
  g_assert_nonnull (nudge);
  g_assert_nonnull (strstr (tend_nudge_get_evidence (nudge), "ann@example.org and 11 others"));
  g_assert_nonnull (strstr (tend_nudge_get_why (nudge), "12 people"));
}

static void
test_no_data (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;

  /* Figures that would fire several rules, in a week that holds no data. */
  _tend_week_report_set_value (report, TEND_METRIC_MEETING_HOURS, 30.0);
  _tend_week_report_set_value (report, TEND_METRIC_FOCUS_HOURS, 0.0);
  _tend_week_report_set_has_data (report, FALSE);
  nudges = advise (f, report);
  g_assert_cmpuint (nudges->len, ==, 0);
}

static void
test_welcome (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  TendWeek week = { 2026, 9 };
  g_autoptr (TendWeekReport) no_trend = _tend_week_report_new (&week, utc);
  g_autoptr (TendWeekReport) no_baseline = _tend_week_report_new (&week, utc);
  g_autoptr (GPtrArray) nudges = NULL;
  g_autoptr (GPtrArray) again = NULL;
  double     series[TEND_TREND_WEEKS];
  TendNudge *welcome;

  /* A first week: no trend at all, but a meeting-heavy week with no focus. */
  _tend_week_report_set_has_data (no_trend, TRUE);
  _tend_week_report_set_value (no_trend, TEND_METRIC_MEETING_HOURS, 30.0);
  _tend_week_report_set_value (no_trend, TEND_METRIC_FOCUS_HOURS, 0.0);
  nudges = advise (f, no_trend);
  g_assert_cmpuint (nudges->len, ==, 1);
  welcome = g_ptr_array_index (nudges, 0);
  g_assert_cmpstr (tend_nudge_get_id (welcome), ==, "welcome");
  g_assert_cmpint (tend_nudge_get_kind (welcome), ==, TEND_NUDGE_KIND_INFO);
  g_assert_cmpint (tend_nudge_get_metric (welcome), ==, TEND_N_METRICS);
  g_assert_true (isnan (tend_nudge_get_value (welcome)));

  /* A trend with only two earlier weeks of data: every baseline is undefined. */
  for (guint w = 0; w < TEND_TREND_WEEKS; w++)
    series[w] = w >= TEND_TREND_WEEKS - 3 ? 10.0 : NAN;
  _tend_week_report_set_has_data (no_baseline, TRUE);
  _tend_week_report_set_series (no_baseline, TEND_METRIC_MEETING_HOURS, series);
  _tend_week_report_set_value (no_baseline, TEND_METRIC_MEETING_HOURS, 10.0);
  again = advise (f, no_baseline);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (again, 0)), ==, "welcome");
}

static void
test_order_and_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (GPtrArray) nudges = NULL;
  TendNudge *last;

  /* Seven rules fire: five warnings and tips outrank the one praise (gratitude-up), which still
   * takes the last place. */
  _tend_week_report_set_value (report, TEND_METRIC_MEETING_HOURS, 16.0);             /* +60 % */
  _tend_week_report_set_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 12.0); /* +200 % */
  _tend_week_report_set_value (report, TEND_METRIC_WEEKEND_DAYS_ACTIVE, 2.0);
  _tend_week_report_set_value (report, TEND_METRIC_BACK_TO_BACK_CHAINS, 5.0);
  _tend_week_report_set_value (report, TEND_METRIC_LARGE_MEETINGS, 5.0);
  _tend_week_report_set_value (report, TEND_METRIC_GRATITUDE_SENT, 8.0);
  _tend_week_report_add_collaborator (report, TEND_COLLABORATORS_FADING, "ann@example.org", NULL,
                                      9);
  nudges = advise (f, report);
  g_assert_cmpuint (nudges->len, ==, TEND_COACH_MAX_NUDGES);

  /* Importance is the rule's weight plus 10 × the relative change (at most 10):
   * after-hours-up 40 + 10 (+200 %) = 50, meeting-load-up 40 + 6 (+60 %) = 46, weekend-work
   * 32 + 10 (none usually) = 42, back-to-back-up 25 + 10 (+150 %) = 35, large-meetings-up
   * 20 + 10 = 30, gratitude-up 22 + 6 = 28, fading-collaborators 18. The first five hold no
   * praise, so gratitude-up takes the fifth place from large-meetings-up. */
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (nudges, 0)), ==, "after-hours-up");
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (nudges, 1)), ==, "meeting-load-up");
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (nudges, 2)), ==, "weekend-work");
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (nudges, 3)), ==, "back-to-back-up");
  last = g_ptr_array_index (nudges, 4);
  g_assert_cmpstr (tend_nudge_get_id (last), ==, "gratitude-up");
  g_assert_cmpint (tend_nudge_get_kind (last), ==, TEND_NUDGE_KIND_PRAISE);
  g_assert_null (find (nudges, "large-meetings-up"));
  g_assert_null (find (nudges, "fading-collaborators"));
}

/* While a week runs, only what can no longer be undone is judged: more meetings than usual
 * stays true, fewer may not. */
static void
test_week_in_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (TendWeekReport) heavy = make_report (9);
  g_autoptr (TendWeekReport) light = make_report (9);
  g_autoptr (GPtrArray) heavy_nudges = NULL;
  g_autoptr (GPtrArray) light_nudges = NULL;

  tend_coach_set_now (f->coach, WEEK_START + 2 * 24 * 3600);
  _tend_week_report_set_value (heavy, TEND_METRIC_MEETING_HOURS, 13.0);
  heavy_nudges = advise (f, heavy);
  g_assert_nonnull (find (heavy_nudges, "meeting-load-up"));

  _tend_week_report_set_value (light, TEND_METRIC_MEETING_HOURS, 4.0);
  _tend_week_report_set_value (light, TEND_METRIC_FOCUS_HOURS, 0.0);
  light_nudges = advise (f, light);
  g_assert_cmpuint (light_nudges->len, ==, 0);
}

static void
test_dismiss (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (TendWeekReport) next = make_report (10);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) next_nudges = NULL;

  _tend_week_report_set_value (report, TEND_METRIC_MEETING_HOURS, 13.0);
  _tend_week_report_set_value (report, TEND_METRIC_GRATITUDE_SENT, 8.0);
  _tend_week_report_set_value (next, TEND_METRIC_MEETING_HOURS, 13.0);
  before = advise (f, report);
  g_assert_cmpuint (before->len, ==, 2);

  g_assert_true (
      tend_coach_dismiss (f->coach, "meeting-load-up", tend_week_report_get_week (report), &error));
  g_assert_no_error (error);
  /* Dismissing twice is harmless. */
  g_assert_true (
      tend_coach_dismiss (f->coach, "meeting-load-up", tend_week_report_get_week (report), &error));
  g_assert_no_error (error);

  after = advise (f, report);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (tend_nudge_get_id (g_ptr_array_index (after, 0)), ==, "gratitude-up");

  /* Only for that week: the next heavy week says so again. */
  tend_coach_set_now (f->coach, AFTER_WEEK + 7 * 24 * 3600);
  next_nudges = advise (f, next);
  g_assert_nonnull (find (next_nudges, "meeting-load-up"));
}

static void
test_snooze (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendWeekReport) report = make_report (9);
  g_autoptr (TendWeekReport) earlier = make_report (8);
  g_autoptr (TendWeekReport) later = make_report (10);
  g_autoptr (GDateTime) until = g_date_time_new_from_unix_utc (AFTER_WEEK + 10 * 24 * 3600);
  g_autoptr (GPtrArray) snoozed = NULL;
  g_autoptr (GPtrArray) snoozed_later = NULL;
  g_autoptr (GPtrArray) earlier_nudges = NULL;
  g_autoptr (GPtrArray) awake = NULL;

  _tend_week_report_set_value (report, TEND_METRIC_MEETING_HOURS, 13.0);
  _tend_week_report_set_value (earlier, TEND_METRIC_MEETING_HOURS, 13.0);
  _tend_week_report_set_value (later, TEND_METRIC_MEETING_HOURS, 13.0);

  g_assert_true (tend_coach_snooze (f->coach, "meeting-load-up", tend_week_report_get_week (report),
                                    until, &error));
  g_assert_no_error (error);

  /* Hidden in its week and the next one while the snooze lasts (ten days after the week)… */
  tend_coach_set_now (f->coach, AFTER_WEEK + 9 * 24 * 3600);
  snoozed = advise (f, report);
  g_assert_null (find (snoozed, "meeting-load-up"));
  snoozed_later = advise (f, later);
  g_assert_null (find (snoozed_later, "meeting-load-up"));
  /* …but not in the week before it. */
  earlier_nudges = advise (f, earlier);
  g_assert_nonnull (find (earlier_nudges, "meeting-load-up"));

  /* From the snooze's end on, it is back. */
  tend_coach_set_now (f->coach, g_date_time_to_unix (until));
  awake = advise (f, report);
  g_assert_nonnull (find (awake, "meeting-load-up"));
}

static void
test_json (Fixture *f, gconstpointer data)
{
  g_autoptr (TendNudge) nudge = NULL;
  g_autoptr (TendNudge) welcome = NULL;
  g_autofree char *text = NULL;
  json_t          *object;

  nudge = check_rule (f, "meeting-load-up", TEND_METRIC_MEETING_HOURS, 13.0, NAN, TRUE);
  object = tend_nudge_to_json (nudge);
  g_assert_cmpstr (json_string_value (json_object_get (object, "id")), ==, "meeting-load-up");
  g_assert_cmpstr (json_string_value (json_object_get (object, "kind")), ==, "warning");
  g_assert_cmpstr (json_string_value (json_object_get (object, "metric")), ==, "meeting_hours");
  g_assert_cmpfloat (json_number_value (json_object_get (object, "value")), ==, 13.0);
  g_assert_cmpfloat (json_number_value (json_object_get (object, "baseline")), ==, 10.0);
  g_assert_nonnull (json_object_get (object, "why"));
  text = json_dumps (object, 0);
  /* Keys in the documented order. */
  g_assert_true (g_str_has_prefix (text, "{\"id\": \"meeting-load-up\", \"kind\": \"warning\", "
                                         "\"title\":"));
  json_decref (object);

  welcome = tend_nudge_new ("welcome", TEND_NUDGE_KIND_INFO, TEND_N_METRICS, NAN, NAN, 1.0, "t",
                            "e", "v", "s", "w");
  object = tend_nudge_to_json (welcome);
  g_assert_true (json_is_null (json_object_get (object, "metric")));
  g_assert_true (json_is_null (json_object_get (object, "value")));
  g_assert_true (json_is_null (json_object_get (object, "baseline")));
  json_decref (object);
}

static void
test_format_change (void)
{
  g_autofree char *up = tend_coach_format_change (6.5, 5.0);
  g_autofree char *down = tend_coach_format_change (4.0, 5.0);

  g_assert_cmpstr (up, ==, "+30 %");
  g_assert_cmpstr (down, ==, "-20 %");
  g_assert_null (tend_coach_format_change (3.0, 0.0));
  g_assert_null (tend_coach_format_change (NAN, 5.0));
  g_assert_null (tend_coach_format_change (3.0, NAN));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/coach/usual-week", test_usual_week);
  ADD ("/coach/rule/meeting-load", test_meeting_load);
  ADD ("/coach/rule/focus", test_focus);
  ADD ("/coach/rule/after-hours", test_after_hours);
  ADD ("/coach/rule/evenings-free", test_evenings_free);
  ADD ("/coach/rule/weekend-work", test_weekend_work);
  ADD ("/coach/rule/meeting-shapes", test_meeting_shapes);
  ADD ("/coach/rule/instant-replies", test_instant_replies);
  ADD ("/coach/rule/gratitude", test_gratitude);
  ADD ("/coach/rule/fading", test_fading);
  ADD ("/coach/no-data", test_no_data);
  ADD ("/coach/welcome", test_welcome);
  ADD ("/coach/order-and-limit", test_order_and_limit);
  ADD ("/coach/week-in-progress", test_week_in_progress);
  ADD ("/coach/dismiss", test_dismiss);
  ADD ("/coach/snooze", test_snooze);
  ADD ("/coach/json", test_json);
#undef ADD
  g_test_add_func ("/coach/format-change", test_format_change);

  return g_test_run ();
}
