/* test-work-hours.c: working hours as text, as GVariant and from GSettings
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tend-work-hours.h"

static void
assert_day (const TendWorkHours *hours, guint day, guint start, guint end)
{
  g_assert_cmpuint (hours->days[day].start, ==, start);
  g_assert_cmpuint (hours->days[day].end, ==, end);
}

static void
test_default (void)
{
  g_autofree char *text = NULL;
  TendWorkHours    hours;

  tend_work_hours_init_default (&hours);
  /* Monday to Friday 09:00 (540) – 17:00 (1020); the weekend off. */
  for (guint day = 0; day < 5; day++)
    {
      assert_day (&hours, day, 540, 1020);
      g_assert_false (tend_work_hours_is_day_off (&hours, day));
    }
  g_assert_true (tend_work_hours_is_day_off (&hours, 5));
  g_assert_true (tend_work_hours_is_day_off (&hours, 6));

  text = tend_work_hours_to_string (&hours);
  g_assert_cmpstr (text, ==, "mon-fri 09:00-17:00");
}

static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *mixed_text = NULL;
  TendWorkHours    hours;

  g_assert_true (tend_work_hours_parse (&hours, "mon-fri 09:00-17:00,sat 10:00-12:00", &error));
  g_assert_no_error (error);
  for (guint day = 0; day < 5; day++)
    assert_day (&hours, day, 540, 1020);
  assert_day (&hours, 5, 600, 720);
  g_assert_true (tend_work_hours_is_day_off (&hours, 6));
  text = tend_work_hours_to_string (&hours);
  g_assert_cmpstr (text, ==, "mon-fri 09:00-17:00,sat 10:00-12:00");

  /* Case, spaces and single-digit hours are forgiven; 24:00 ends at midnight. Tuesday and
   * Friday are off; Wednesday and Thursday share hours and print as one run. */
  g_assert_true (
      tend_work_hours_parse (&hours, " Mon 9:00-12:30 ,  WED-thu   08:00-24:00 ", &error));
  g_assert_no_error (error);
  assert_day (&hours, 0, 540, 750);
  g_assert_true (tend_work_hours_is_day_off (&hours, 1));
  assert_day (&hours, 2, 480, 1440);
  assert_day (&hours, 3, 480, 1440);
  g_assert_true (tend_work_hours_is_day_off (&hours, 4));
  mixed_text = tend_work_hours_to_string (&hours);
  g_assert_cmpstr (mixed_text, ==, "mon 09:00-12:30,wed-thu 08:00-24:00");

  g_assert_true (tend_work_hours_parse (&hours, "none", &error));
  g_assert_no_error (error);
  for (guint day = 0; day < 7; day++)
    g_assert_true (tend_work_hours_is_day_off (&hours, day));
  g_clear_pointer (&text, g_free);
  text = tend_work_hours_to_string (&hours);
  g_assert_cmpstr (text, ==, "none");
}

static void
test_parse_invalid (void)
{
  static const char *const bad[] = {
    "",
    "   ",
    "funday 09:00-17:00",
    "fri-mon 09:00-17:00", /* backwards */
    "mon 17:00-09:00",     /* ends before it starts */
    "mon 09:00-09:00",     /* empty */
    "mon 09:00",           /* no end */
    "mon 09:00-25:00",
    "mon 9:60-10:00",
    "mon 123:00-124:00",
    "mon-fri 09:00-17:00,wed 10:00-11:00", /* Wednesday twice */
    "mon 09:00-17:00 extra",
    "mon",
    "09:00-17:00",
    "mon-fri 09:00-17:00,",
  };
  TendWorkHours hours;

  tend_work_hours_init_default (&hours);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (tend_work_hours_parse (&hours, bad[i], &error));
      g_assert_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID);
    }
  /* A failed parse leaves the hours as they were. */
  assert_day (&hours, 0, 540, 1020);
}

static void
test_variant (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) variant = NULL;
  g_autoptr (GVariant) expected = NULL;
  TendWorkHours hours, back;

  g_assert_true (tend_work_hours_parse (&hours, "mon-tue 08:30-16:30,sun 10:00-11:00", NULL));
  variant = g_variant_ref_sink (tend_work_hours_to_variant (&hours));
  g_assert_cmpstr (g_variant_get_type_string (variant), ==, "a(yqq)");
  expected = g_variant_ref_sink (
      g_variant_new_parsed ("[(byte 1, uint16 510, uint16 990), (2, 510, 990), (7, 600, 660)]"));
  g_assert_true (g_variant_equal (variant, expected));

  memset (&back, 0xff, sizeof back);
  g_assert_true (tend_work_hours_from_variant (&back, variant, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&back, sizeof back, &hours, sizeof hours);

  /* A listed day with start == end is a day off, like an unlisted one. */
  g_clear_pointer (&variant, g_variant_unref);
  variant = g_variant_ref_sink (g_variant_new_parsed ("[(byte 3, uint16 600, uint16 600)]"));
  g_assert_true (tend_work_hours_from_variant (&back, variant, &error));
  g_assert_no_error (error);
  for (guint day = 0; day < 7; day++)
    g_assert_true (tend_work_hours_is_day_off (&back, day));
}

static void
test_variant_invalid (void)
{
  static const char *const bad[] = {
    "@as ['mon']",
    "[(byte 0, uint16 540, uint16 1020)]",
    "[(byte 8, uint16 540, uint16 1020)]",
    "[(byte 1, uint16 1020, uint16 540)]",
    "[(byte 1, uint16 540, uint16 1441)]",
    "[(byte 1, uint16 540, uint16 600), (1, 700, 800)]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GVariant) variant = g_variant_ref_sink (g_variant_new_parsed (bad[i]));
      g_autoptr (GError) error = NULL;
      TendWorkHours hours;

      tend_work_hours_init_default (&hours);
      g_assert_false (tend_work_hours_from_variant (&hours, variant, &error));
      g_assert_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID);
      assert_day (&hours, 0, 540, 1020);
    }
}

/* The test environment uses the memory GSettings backend and the schema compiled in the build
 * tree. */
static void
test_load (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  TendWorkHours hours, expected;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_test_skip ("The dev.tend.Tend schema is not available (GSETTINGS_SCHEMA_DIR unset)");
      return;
    }
  settings = g_settings_new (APPLICATION_ID);

  /* The schema's default is the same as the built-in one. */
  g_assert_true (tend_work_hours_load (&hours, &error));
  g_assert_no_error (error);
  tend_work_hours_init_default (&expected);
  g_assert_cmpmem (&hours, sizeof hours, &expected, sizeof expected);

  g_assert_true (g_settings_set_value (settings, "working-hours",
                                       g_variant_new_parsed ("[(byte 1, uint16 480, uint16 960),"
                                                             " (6, 600, 720)]")));
  g_assert_true (tend_work_hours_load (&hours, &error));
  g_assert_no_error (error);
  assert_day (&hours, 0, 480, 960);
  for (guint day = 1; day < 5; day++)
    g_assert_true (tend_work_hours_is_day_off (&hours, day));
  assert_day (&hours, 5, 600, 720);
  g_assert_true (tend_work_hours_is_day_off (&hours, 6));

  /* A value the schema's type allows but the rules do not is an error, not a silent default. */
  g_assert_true (g_settings_set_value (
      settings, "working-hours", g_variant_new_parsed ("[(byte 9, uint16 480, uint16 960)]")));
  g_assert_false (tend_work_hours_load (&hours, &error));
  g_assert_error (error, TEND_WORK_HOURS_ERROR, TEND_WORK_HOURS_ERROR_INVALID);

  g_settings_reset (settings, "working-hours");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/work-hours/default", test_default);
  g_test_add_func ("/work-hours/parse", test_parse);
  g_test_add_func ("/work-hours/parse-invalid", test_parse_invalid);
  g_test_add_func ("/work-hours/variant", test_variant);
  g_test_add_func ("/work-hours/variant-invalid", test_variant_invalid);
  g_test_add_func ("/work-hours/load", test_load);

  return g_test_run ();
}
