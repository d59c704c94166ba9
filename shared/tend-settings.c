/* tend-settings.c: the user's settings (GSettings dev.tend.Tend), when the schema is installed
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-settings"

#include "config.h"

#include "tend-settings.h"

/**
 * tend_settings_new_if_installed:
 *
 * Run from a build tree without GSETTINGS_SCHEMA_DIR, Tend's schema is not installed, and
 * g_settings_new() would abort: every user of the settings then keeps to their documented
 * defaults instead.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL when the schema is not installed
 */
GSettings *
tend_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * tend_settings_get_time_zone:
 *
 * The zone in which weeks and working hours are reckoned: the "time-zone" setting, or the
 * system's when it is empty, unknown, or the schema is not installed.
 *
 * Returns: (transfer full): the time zone
 */
GTimeZone *
tend_settings_get_time_zone (void)
{
  g_autoptr (GSettings) settings = tend_settings_new_if_installed ();
  g_autofree char *identifier = NULL;
  GTimeZone       *tz = NULL;

  if (settings != NULL)
    identifier = g_settings_get_string (settings, "time-zone");
  if (identifier != NULL && *identifier != '\0')
    {
      if (!(tz = g_time_zone_new_identifier (identifier)))
        g_debug ("Unknown time zone in settings; following the system's");
    }
  if (tz == NULL)
    tz = g_time_zone_new_local ();
  return tz;
}
