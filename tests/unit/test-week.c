/* test-week.c: ISO weeks across years and DST changes
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include "tend-week.h"

static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  TendWeek         week;

  g_assert_true (tend_week_parse ("2026-W09", &week, &error));
  g_assert_no_error (error);
  g_assert_cmpint (week.year, ==, 2026);
  g_assert_cmpint (week.week, ==, 9);
  text = tend_week_to_string (&week);
  g_assert_cmpstr (text, ==, "2026-W09");

  g_assert_true (tend_week_parse ("2020-w53", &week, NULL));
  g_assert_cmpint (week.week, ==, 53);

  /* 2021 has 52 ISO weeks: no W53. */
  g_assert_false (tend_week_parse ("2021-W53", &week, &error));
  g_assert_error (error, TEND_WEEK_ERROR, TEND_WEEK_ERROR_INVALID);
  g_clear_error (&error);

  for (guint i = 0; i < 7; i++)
    {
      const char *bad[] = { "", "2026", "2026-09", "2026-W", "2026-W00", "26-W01", "2026-W1x" };

      g_assert_false (tend_week_parse (bad[i], &week, &error));
      g_assert_error (error, TEND_WEEK_ERROR, TEND_WEEK_ERROR_INVALID);
      g_clear_error (&error);
    }
}

/* ISO years differ from calendar years at their edges. */
static void
test_year_edges (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) start = NULL;
  TendWeek week;

  /* 2026-01-01 is a Thursday: week 1 of 2026 starts Monday 2025-12-29. */
  tend_week_from_unix (1767225600 /* 2026-01-01T00:00Z */, utc, &week);
  g_assert_cmpint (week.year, ==, 2026);
  g_assert_cmpint (week.week, ==, 1);
  start = tend_week_get_start (&week, utc);
  g_assert_cmpint (g_date_time_get_year (start), ==, 2025);
  g_assert_cmpint (g_date_time_get_month (start), ==, 12);
  g_assert_cmpint (g_date_time_get_day_of_month (start), ==, 29);

  /* 2021-01-03 (a Sunday) still belongs to 2020-W53. */
  tend_week_from_unix (1609675200 /* 2021-01-03T12:00Z */, utc, &week);
  g_assert_cmpint (week.year, ==, 2020);
  g_assert_cmpint (week.week, ==, 53);

  g_assert_cmpint (tend_week_weeks_in_year (2020), ==, 53);
  g_assert_cmpint (tend_week_weeks_in_year (2026), ==, 53);
  g_assert_cmpint (tend_week_weeks_in_year (2025), ==, 52);
}

static void
test_add (void)
{
  TendWeek week = { 2020, 52 }, out;

  tend_week_add (&week, 1, &out);
  g_assert_cmpint (out.year, ==, 2020);
  g_assert_cmpint (out.week, ==, 53);
  tend_week_add (&week, 2, &out);
  g_assert_cmpint (out.year, ==, 2021);
  g_assert_cmpint (out.week, ==, 1);

  week = (TendWeek){ 2026, 3 };
  tend_week_add (&week, -3, &out);
  g_assert_cmpint (out.year, ==, 2025);
  g_assert_cmpint (out.week, ==, 52);
  /* Monday 2026-01-12 less 420 days is Monday 2024-11-18, in 2024-W47. */
  tend_week_add (&week, -60, &out);
  g_assert_cmpint (out.year, ==, 2024);
  g_assert_cmpint (out.week, ==, 47);

  g_assert_cmpint (tend_week_compare (&week, &out), >, 0);
  g_assert_cmpint (tend_week_compare (&out, &week), <, 0);
  g_assert_cmpint (tend_week_compare (&week, &week), ==, 0);
}

/* A week holding a DST change is 167 or 169 hours long, and its days still start at local
 * midnight. */
static void
check_dst_week (const char *zone, const char *iso_week, double expected_hours)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zone);
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  TendWeek week;

  g_assert_nonnull (tz);
  g_assert_true (tend_week_parse (iso_week, &week, NULL));
  start = tend_week_get_start (&week, tz);
  end = tend_week_get_end (&week, tz);
  g_assert_cmpfloat_with_epsilon (g_date_time_difference (end, start) / (double) G_TIME_SPAN_HOUR,
                                  expected_hours, 1e-9);

  for (int day = 0; day <= 7; day++)
    {
      g_autoptr (GDateTime) midnight = tend_week_get_day (&week, day, tz);

      g_assert_cmpint (g_date_time_get_hour (midnight), ==, 0);
      g_assert_cmpint (g_date_time_get_minute (midnight), ==, 0);
      g_assert_cmpint (g_date_time_get_day_of_week (midnight), ==, day == 7 ? 1 : day + 1);
    }
}

static void
test_dst (void)
{
  /* Europe/Berlin: 2026-03-29 02:00 → 03:00 (W13), 2026-10-25 03:00 → 02:00 (W43). */
  check_dst_week ("Europe/Berlin", "2026-W13", 167);
  check_dst_week ("Europe/Berlin", "2026-W43", 169);
  check_dst_week ("Europe/Berlin", "2026-W14", 168);
  /* America/New_York changes on 2026-03-08 (a Sunday: W10) and 2026-11-01 (W44). */
  check_dst_week ("America/New_York", "2026-W10", 167);
  check_dst_week ("America/New_York", "2026-W44", 169);
  check_dst_week ("America/New_York", "2026-W45", 168);
}

/* The same instant falls in different weeks in different zones. */
static void
test_zone_boundary (void)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr (GTimeZone) new_york = g_time_zone_new_identifier ("America/New_York");
  /* 2026-03-02T02:00Z: Monday 03:00 in Berlin (W10), Sunday 21:00 in New York (W09). */
  gint64   instant = 1772416800;
  TendWeek week;

  tend_week_from_unix (instant, berlin, &week);
  g_assert_cmpint (week.week, ==, 10);
  tend_week_from_unix (instant, new_york, &week);
  g_assert_cmpint (week.week, ==, 9);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/week/parse", test_parse);
  g_test_add_func ("/week/year-edges", test_year_edges);
  g_test_add_func ("/week/add", test_add);
  g_test_add_func ("/week/dst", test_dst);
  g_test_add_func ("/week/zone-boundary", test_zone_boundary);

  return g_test_run ();
}
