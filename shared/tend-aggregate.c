/* tend-aggregate.c: the anonymized weekly contribution that could be shared, with consent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-aggregate"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "tend-aggregate.h"
#include "tend-store-private.h"

G_DEFINE_QUARK (tend_aggregate_error_quark, tend_aggregate_error)

/* One figure of the payload; docs/PRIVACY.md has this table. */
typedef struct
{
  TendMetric metric;
  double     high;    /* the true value is clipped to [0, high], in the figure's unit */
  double     grain;   /* the noised value is rounded to a multiple of this (a whole number) */
  double     epsilon; /* the figure's privacy budget */
} Figure;

/* Always defined for a week with data (0 when nothing happened), in TendMetric's order. */
static const Figure figures[] = {
  { TEND_METRIC_MEETING_HOURS, 60.0, 1.0, 1.0 },
  { TEND_METRIC_BACK_TO_BACK_CHAINS, 20.0, 1.0, 1.0 },
  { TEND_METRIC_FOCUS_HOURS, 40.0, 1.0, 1.0 },
  { TEND_METRIC_AFTER_HOURS_DAYS, 7.0, 1.0, 1.0 },
  { TEND_METRIC_WEEKEND_DAYS_ACTIVE, 2.0, 1.0, 1.0 },
  { TEND_METRIC_MESSAGES_SENT, 500.0, 10.0, 1.0 },
};

/* Draws are kept at least 2^-53 from 0 and 1 (the system's always are), so no noise exceeds
 * 53 ln 2 ≈ 36.7 scales: a figure further out than this cannot come from the mechanism. */
#define MIN_UNIFORM 0x1p-53
#define MAX_NOISE_SCALES 37.0

typedef struct
{
  int errsv; /* the first errno of getrandom, 0 while it works */
} SystemRandom;

/* 53 random bits k ≠ 0, as k / 2^53: exactly representable, in (0, 1), never 0 or 1. */
static double
system_uniform (gpointer user_data)
{
  SystemRandom *state = user_data;
  guint64       bits;

  for (;;)
    {
      ssize_t n = getrandom (&bits, sizeof bits, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n != (ssize_t) sizeof bits)
        {
          if (state->errsv == 0)
            state->errsv = n < 0 ? errno : EIO;
          return 0.5;
        }
      bits >>= 11;
      if (bits != 0)
        return ldexp ((double) bits, -53);
    }
}

/* Inverse CDF of the Laplace distribution with mean 0 and @scale, at @u in (0, 1). */
static double
laplace (double scale, double u)
{
  if (u < 0.5)
    return scale * log (2.0 * u);
  return -scale * log (2.0 * (1.0 - u));
}

static gboolean
is_last_week (const TendWeek *week, GTimeZone *tz)
{
  TendWeek current, last;

  tend_week_current (tz, &current);
  tend_week_add (&current, -1, &last);
  return tend_week_compare (week, &last) == 0;
}

GBytes *
tend_aggregate_encode (TendWeekReport *report, TendAggregateUniformFunc uniform, gpointer user_data,
                       GError **error)
{
  SystemRandom     system = { 0 };
  const TendWeek  *week;
  g_autofree char *week_text = NULL;
  json_t          *root, *values;
  char            *dumped;
  GBytes          *payload;

  g_return_val_if_fail (TEND_IS_WEEK_REPORT (report), NULL);

  week = tend_week_report_get_week (report);
  week_text = tend_week_to_string (week);
  if (!tend_week_report_has_data (report))
    {
      if (is_last_week (week, tend_week_report_get_time_zone (report)))
        g_set_error_literal (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NO_DATA,
                             _ ("Last week holds no figures yet, so there is nothing that could "
                                "be shared."));
      else
        g_set_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NO_DATA,
                     /* Translators: %s is an ISO week, such as “2026-W47”. */
                     _ ("Week %s holds no figures, so there is nothing that could be shared."),
                     week_text);
      return NULL;
    }

  if (uniform == NULL)
    {
      uniform = system_uniform;
      user_data = &system;
    }

  values = json_object ();
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      const Figure *figure = &figures[i];
      double        value = tend_week_report_get_value (report, figure->metric);
      double        u, noised;

      if (!isfinite (value))
        {
          json_decref (values);
          g_set_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_INVALID,
                       /* Translators: %1$s is a figure's name, %2$s an ISO week. */
                       _ ("%1$s is undefined in week %2$s, so the week cannot be shared"),
                       tend_metric_get_title (figure->metric), week_text);
          return NULL;
        }
      u = uniform (user_data);
      if (!(u > 0.0 && u < 1.0))
        {
          json_decref (values);
          g_return_val_if_reached (NULL);
        }
      u = CLAMP (u, MIN_UNIFORM, 1.0 - MIN_UNIFORM);
      /* Clipping bounds the sensitivity by the range; the noise is not clipped afterwards, so
       * that the mean over many people's figures stays unbiased. */
      noised = CLAMP (value, 0.0, figure->high) + laplace (figure->high / figure->epsilon, u);
      json_object_set_new (
          values, tend_metric_get_key (figure->metric),
          json_integer ((json_int_t) (round (noised / figure->grain) * figure->grain)));
    }

  if (system.errsv != 0)
    {
      json_decref (values);
      g_set_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_FAILED,
                   _ ("The system could not provide random numbers: %s"),
                   g_strerror (system.errsv));
      return NULL;
    }

  /* Inserted in the documented order, which json_dumps keeps without JSON_SORT_KEYS. */
  root = json_object ();
  json_object_set_new (root, "version", json_integer (TEND_AGGREGATE_VERSION));
  json_object_set_new (root, "week", json_string (week_text));
  json_object_set_new (root, "figures", values);
  dumped = json_dumps (root, JSON_COMPACT);
  json_decref (root);
  g_assert (dumped != NULL);
  payload = g_bytes_new (dumped, strlen (dumped));
  free (dumped);
  return payload;
}

static gboolean
invalid (GError **error, const char *detail)
{
  g_set_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_INVALID,
               /* Translators: %s says what is wrong, such as “a figure is missing”. */
               _ ("The contribution is not in Tend’s format: %s"), detail);
  return FALSE;
}

static gboolean
validate_figures (json_t *values, GError **error)
{
  void *iter;
  guint i = 0;

  if (!json_is_object (values))
    return invalid (error, _ ("the figures are not an object"));
  for (iter = json_object_iter (values); iter != NULL;
       iter = json_object_iter_next (values, iter), i++)
    {
      json_t       *value = json_object_iter_value (iter);
      const Figure *figure;
      double        number, bound;

      if (i >= G_N_ELEMENTS (figures))
        return invalid (error, _ ("there are more figures than the format has"));
      figure = &figures[i];
      if (!g_str_equal (json_object_iter_key (iter), tend_metric_get_key (figure->metric)))
        return invalid (error, _ ("a figure is missing, unknown or out of order"));
      if (!json_is_integer (value))
        return invalid (error, _ ("a figure is not a whole number"));
      number = (double) json_integer_value (value);
      bound = figure->high + MAX_NOISE_SCALES * figure->high / figure->epsilon + figure->grain;
      if (fmod (number, figure->grain) != 0.0 || number < -bound || number > bound)
        return invalid (error, _ ("a figure is not a value the noise could give"));
    }
  if (i != G_N_ELEMENTS (figures))
    return invalid (error, _ ("a figure is missing"));
  return TRUE;
}

static gboolean
validate_json (json_t *root, GError **error)
{
  static const char *const keys[] = { "version", "week", "figures" };
  json_t                  *version, *week;
  g_autofree char         *week_text = NULL;
  TendWeek                 parsed;
  void                    *iter;
  guint                    i = 0;

  if (!json_is_object (root))
    return invalid (error, _ ("it is not an object"));
  for (iter = json_object_iter (root); iter != NULL; iter = json_object_iter_next (root, iter), i++)
    if (i >= G_N_ELEMENTS (keys) || !g_str_equal (json_object_iter_key (iter), keys[i]))
      return invalid (error, _ ("its fields are not version, week and figures, in this order"));
  if (i != G_N_ELEMENTS (keys))
    return invalid (error, _ ("its fields are not version, week and figures, in this order"));

  version = json_object_get (root, "version");
  if (!json_is_integer (version) || json_integer_value (version) != TEND_AGGREGATE_VERSION)
    return invalid (error, _ ("its version is not one this Tend knows"));

  /* Only the canonical spelling, so that a week cannot be written two ways. */
  week = json_object_get (root, "week");
  if (!json_is_string (week) || !tend_week_parse (json_string_value (week), &parsed, NULL))
    return invalid (error, _ ("its week is not an ISO week"));
  week_text = tend_week_to_string (&parsed);
  if (!g_str_equal (week_text, json_string_value (week)))
    return invalid (error, _ ("its week is not an ISO week"));

  return validate_figures (json_object_get (root, "figures"), error);
}

gboolean
tend_aggregate_validate (GBytes *payload, GError **error)
{
  json_error_t jerror;
  const char  *data;
  gsize        size;
  json_t      *root;
  char        *dumped = NULL;
  gboolean     valid;

  g_return_val_if_fail (payload != NULL, FALSE);

  data = g_bytes_get_data (payload, &size);
  root = json_loadb (data != NULL ? data : "", size, JSON_REJECT_DUPLICATES, &jerror);
  if (root == NULL)
    return invalid (error, _ ("it is not JSON"));

  valid = validate_json (root, error);
  /* Byte for byte as encode writes it: no spaces, escapes or other spellings that could carry
   * something beyond the figures. */
  if (valid)
    {
      dumped = json_dumps (root, JSON_COMPACT);
      if (dumped == NULL || strlen (dumped) != size || memcmp (dumped, data, size) != 0)
        valid = invalid (error, _ ("it is not written in the compact form"));
    }
  free (dumped);
  json_decref (root);
  return valid;
}

GBytes *
tend_aggregate_lookup (TendStore *store, const TendWeek *week, GError **error)
{
  g_autofree char *week_text = NULL;
  GBytes          *payload = NULL;
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (week != NULL, NULL);

  stmt = _tend_store_prepare (store, "SELECT payload FROM contribution WHERE week = ?1", error);
  if (stmt == NULL)
    return NULL;
  week_text = tend_week_to_string (week);
  sqlite3_bind_text (stmt, 1, week_text, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    payload = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _tend_store_set_error (store, rc, error);
  return payload;
}

static gboolean
insert (TendStore *store, const char *week_text, GBytes *payload, GError **error)
{
  sqlite3_stmt *stmt;
  gconstpointer data;
  gsize         size;
  int           rc;

  stmt = _tend_store_prepare (store,
                              "INSERT INTO contribution (week, version, payload, created_at)"
                              " VALUES (?1, ?2, ?3, ?4)",
                              error);
  if (stmt == NULL)
    return FALSE;
  data = g_bytes_get_data (payload, &size);
  sqlite3_bind_text (stmt, 1, week_text, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, TEND_AGGREGATE_VERSION);
  sqlite3_bind_blob64 (stmt, 3, data, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  return TRUE;
}

GBytes *
tend_aggregate_compute (TendInsights *insights, const TendWeek *week, GError **error)
{
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autofree char *week_text = NULL;

  g_return_val_if_fail (TEND_IS_INSIGHTS (insights), NULL);
  g_return_val_if_fail (week != NULL, NULL);

  /* Encoded once and frozen, a week still in progress would be shared with its later days
   * missing. */
  week_text = tend_week_to_string (week);
  end = tend_week_get_end (week, tend_insights_get_time_zone (insights));
  if (g_date_time_to_unix (end) > g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NOT_OVER,
                   /* Translators: %s is an ISO week, such as “2026-W47”. */
                   _ ("Week %s is not over yet; its figures can be shared once it has ended."),
                   week_text);
      return NULL;
    }

  report = tend_insights_compute_week (insights, week, error);
  if (report == NULL)
    return NULL;
  return tend_aggregate_encode (report, NULL, NULL, error);
}

GBytes *
tend_aggregate_store (TendStore *store, const TendWeek *week, GBytes *payload, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autofree char *week_text = NULL;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (week != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  /* The lookup and insert under the write lock: if another process stored the week meanwhile,
   * its payload wins and this one is dropped unseen. */
  if (!tend_store_begin (store, error))
    return NULL;
  stored = tend_aggregate_lookup (store, week, &local_error);
  if (local_error != NULL)
    {
      tend_store_rollback (store);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (stored != NULL)
    {
      tend_store_rollback (store);
      return g_steal_pointer (&stored);
    }
  week_text = tend_week_to_string (week);
  if (!insert (store, week_text, payload, error))
    {
      tend_store_rollback (store);
      return NULL;
    }
  if (!tend_store_commit (store, error))
    return NULL;
  return g_bytes_ref (payload);
}

void
tend_aggregate_consent_clear (TendAggregateConsent *consent)
{
  g_clear_pointer (&consent->organization, g_free);
  g_clear_pointer (&consent->destination, g_free);
  g_clear_pointer (&consent->week, g_free);
  consent->given = FALSE;
  consent->at = 0;
}

gboolean
tend_aggregate_record_consent (TendStore *store, gboolean given, const char *organization,
                               const char *destination, const char *week, gint64 at, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (organization != NULL, FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);
  g_return_val_if_fail (week != NULL, FALSE);

  stmt = _tend_store_prepare (store,
                              "INSERT INTO consent_log (at, action, destination, payload_version,"
                              " organization, week) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_text (stmt, 2, given ? "give" : "revoke", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, destination, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, TEND_AGGREGATE_VERSION);
  sqlite3_bind_text (stmt, 5, organization, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, week, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  return TRUE;
}

gboolean
tend_aggregate_last_consent (TendStore *store, TendAggregateConsent *consent, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (consent != NULL, FALSE);

  stmt = _tend_store_prepare (store,
                              "SELECT action, at, organization, destination, week FROM consent_log"
                              " ORDER BY id DESC LIMIT 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      consent->given = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "give") == 0;
      consent->at = sqlite3_column_int64 (stmt, 1);
      consent->organization = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      consent->destination = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      consent->week = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  return rc == SQLITE_ROW;
}
