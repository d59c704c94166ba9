/* test-aggregate.c: the anonymized weekly contribution — format, clipping, noise, storage
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tend-aggregate.h"
#include "tend-store-private.h"
#include "tend-week-report-private.h"

#define ME "me@example.com"
/* 2026-W09 runs from Monday 2026-02-23 to Sunday 2026-03-01 (UTC). */
#define WEEK_START 1771804800 /* 2026-02-23T00:00:00Z */

/* The figures in the payload's order, with their ranges' tops and grains (docs/PRIVACY.md). */
static const struct
{
  TendMetric  metric;
  const char *key;
  double      high;
  double      grain;
} figures[] = {
  { TEND_METRIC_MEETING_HOURS, "meeting_hours", 60, 1 },
  { TEND_METRIC_BACK_TO_BACK_CHAINS, "back_to_back_chains", 20, 1 },
  { TEND_METRIC_FOCUS_HOURS, "focus_hours", 40, 1 },
  { TEND_METRIC_AFTER_HOURS_DAYS, "after_hours_days", 7, 1 },
  { TEND_METRIC_WEEKEND_DAYS_ACTIVE, "weekend_days_active", 2, 1 },
  { TEND_METRIC_MESSAGES_SENT, "messages_sent", 500, 10 },
};

/* A week with every figure defined, as the insight engine leaves it. */
static TendWeekReport *
make_report (int year, int week_number, const double *values)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  TendWeek        week = { year, week_number };
  TendWeekReport *report = _tend_week_report_new (&week, utc);

  _tend_week_report_set_has_data (report, TRUE);
  for (guint m = 0; m < TEND_N_METRICS; m++)
    _tend_week_report_set_value (report, m, 1.0);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    _tend_week_report_set_value (report, figures[i].metric, values[i]);
  return report;
}

static const double usual[] = { 10.0, 2.0, 15.0, 2.0, 0.0, 60.0 };

/* Hands out the doubles of a zero-terminated array, one per call. */
typedef struct
{
  const double *values;
  guint         next;
} Sequence;

static double
sequence_uniform (gpointer user_data)
{
  Sequence *sequence = user_data;

  g_assert_cmpfloat (sequence->values[sequence->next], !=, 0.0);
  return sequence->values[sequence->next++];
}

static double
constant_uniform (gpointer user_data)
{
  return *(const double *) user_data;
}

static double
seeded_uniform (gpointer user_data)
{
  double u;

  do
    u = g_rand_double (user_data);
  while (u == 0.0);
  return u;
}

static char *
encode (TendWeekReport *report, TendAggregateUniformFunc uniform, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) payload = tend_aggregate_encode (report, uniform, user_data, &error);
  gsize       size;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (payload);
  g_assert_true (tend_aggregate_validate (payload, &error));
  g_assert_no_error (error);
  data = g_bytes_get_data (payload, &size);
  return g_strndup (data, size);
}

static void
assert_invalid (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) payload = g_bytes_new (text, strlen (text));

  g_test_message ("rejecting %s", text);
  g_assert_false (tend_aggregate_validate (payload, &error));
  g_assert_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_INVALID);
}

/* With u = ½ the noise is zero: the payload shows the fixed keys, in order, and the rounding. */
static void
test_format (void)
{
  const double values[] = { 10.4, 2.0, 15.6, 2.0, 0.0, 64.9 };
  double       half = 0.5;
  g_autoptr (TendWeekReport) report = make_report (2026, 9, values);
  g_autofree char *text = encode (report, constant_uniform, &half);

  g_assert_cmpstr (text, ==,
                   "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
                   "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
                   "\"weekend_days_active\":0,\"messages_sent\":60}}");
}

static void
test_validate_rejects (void)
{
  static const char *const tampered[] = {
    "",
    "not json",
    "[]",
    "{\"version\":1,\"week\":\"2026-W09\"}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60},\"user\":\"ann\"}",
    "{\"week\":\"2026-W09\",\"version\":1,\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":2,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W9\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-02-23\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    /* A figure missing, one too many, two swapped, one renamed. */
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60,\"meetings\":3}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"back_to_back_chains\":2,"
    "\"meeting_hours\":10,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"mail_sent\":60}}",
    /* A duplicated key. */
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"meeting_hours\":10,\"back_to_back_chains\":2,\"focus_hours\":16,"
    "\"after_hours_days\":2,\"weekend_days_active\":0,\"messages_sent\":60}}",
    /* Values that are not whole, off the grain, beyond what the noise can give, or a string. */
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10.5,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":65}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":100000,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":\"10\","
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":null,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    /* Right content, other spelling: room for something beyond the figures. */
    "{\"version\": 1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
    "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}\n",
    "{\"version\":1,\"week\":\"2026-\\u005709\",\"figures\":{\"meeting_hours\":10,"
    "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
    "\"weekend_days_active\":0,\"messages_sent\":60}}",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) good = NULL;
  const char *accepted = "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":10,"
                         "\"back_to_back_chains\":2,\"focus_hours\":16,\"after_hours_days\":2,"
                         "\"weekend_days_active\":0,\"messages_sent\":60}}";
  const char *documented
      = "{\"version\":1,\"week\":\"2026-W47\",\"figures\":{\"meeting_hours\":-12,"
        "\"back_to_back_chains\":9,\"focus_hours\":71,\"after_hours_days\":4,"
        "\"weekend_days_active\":1,\"messages_sent\":340}}";

  good = g_bytes_new_static (accepted, strlen (accepted));
  g_assert_true (tend_aggregate_validate (good, &error));
  g_assert_no_error (error);
  g_clear_pointer (&good, g_bytes_unref);
  /* The example in docs/PRIVACY.md. */
  good = g_bytes_new_static (documented, strlen (documented));
  g_assert_true (tend_aggregate_validate (good, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (tampered); i++)
    assert_invalid (tampered[i]);
}

/* A week of 80 meeting hours (or 50 focus hours) encodes exactly like one at the range's top. */
static void
test_clipping (void)
{
  const double over[] = { 80.0, 25.0, 50.0, 7.0, 3.0, 900.0 };
  const double top[] = { 60.0, 20.0, 40.0, 7.0, 2.0, 500.0 };
  double       u = 0.3;
  g_autoptr (TendWeekReport) over_report = make_report (2026, 9, over);
  g_autoptr (TendWeekReport) top_report = make_report (2026, 9, top);
  g_autofree char *over_text = encode (over_report, constant_uniform, &u);
  g_autofree char *top_text = encode (top_report, constant_uniform, &u);

  g_assert_cmpstr (over_text, ==, top_text);
}

/* The Laplace noise, worked out by hand: x + b ln (2u) below u = ½, x − b ln (2 − 2u) above,
 * with b = range / ε, then rounded to the grain. */
static void
test_noise (void)
{
  static const double draws[] = { 0.1, 0.25, 0.75, 0.9, 0.95, 0.02, 0.0 };
  Sequence            sequence = { draws, 0 };
  g_autoptr (TendWeekReport) report = make_report (2026, 9, usual);
  g_autofree char *text = encode (report, sequence_uniform, &sequence);

  g_assert_cmpuint (sequence.next, ==, G_N_ELEMENTS (figures));
  /* meeting_hours 10 + 60 ln 0.2 = −86.57 → −87; back_to_back_chains 2 + 20 ln 0.5 = −11.86
   * → −12; focus_hours 15 − 40 ln 0.5 = 42.73 → 43; after_hours_days 2 − 7 ln 0.2 = 13.27 → 13;
   * weekend_days_active 0 − 2 ln 0.1 = 4.61 → 5; messages_sent 60 + 500 ln 0.04 = −1549.4
   * → −1550 (grain 10). */
  g_assert_cmpstr (text, ==,
                   "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{\"meeting_hours\":-87,"
                   "\"back_to_back_chains\":-12,\"focus_hours\":43,\"after_hours_days\":13,"
                   "\"weekend_days_active\":5,\"messages_sent\":-1550}}");
}

/* Over many encodings of one week the mean is the clipped true value (the noise is not clipped)
 * and the spread that of Laplace noise with scale range / ε (standard deviation √2 b). */
static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
test_unbiased (void)
{
  const double values[] = { 80.0, 2.0, 15.0, 2.0, 0.0, 60.0 };
  const guint  n = 20000;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261124);
  g_autoptr (TendWeekReport) report = make_report (2026, 9, values);
  double  sum[G_N_ELEMENTS (figures)] = { 0 };
  double  sum_squares[G_N_ELEMENTS (figures)] = { 0 };
  GArray *deviations[G_N_ELEMENTS (figures)];

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    deviations[i] = g_array_sized_new (FALSE, FALSE, sizeof (double), n);

  for (guint k = 0; k < n; k++)
    {
      g_autofree char *text = encode (report, seeded_uniform, rand);
      json_t          *root = json_loads (text, 0, NULL);
      json_t          *object = json_object_get (root, "figures");

      for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
        {
          double value = (double) json_integer_value (json_object_get (object, figures[i].key));

          g_assert_cmpfloat (fmod (value, figures[i].grain), ==, 0.0);
          double deviation = fabs (value - CLAMP (values[i], 0.0, figures[i].high));

          sum[i] += value;
          sum_squares[i] += value * value;
          g_array_append_val (deviations[i], deviation);
        }
      json_decref (root);
    }

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      double clipped = CLAMP (values[i], 0.0, figures[i].high);
      double sd = sqrt (2.0) * figures[i].high;
      double mean = sum[i] / n;
      double sample_sd = sqrt (sum_squares[i] / n - mean * mean);
      /* Laplace's shape, not only its spread: half of |noise| lies below b·ln 2. Its standard
       * error is b/√n; rounding to the grain moves it by at most half a grain. */
      double median_expected = figures[i].high * G_LN2;
      double median;

      g_array_sort (deviations[i], compare_doubles);
      median = g_array_index (deviations[i], double, n / 2);
      g_test_message ("%s: mean %.3f (true %.1f), sd %.3f (expected %.3f), median |noise| %.3f "
                      "(expected %.3f)",
                      figures[i].key, mean, clipped, sample_sd, sd, median, median_expected);
      g_assert_cmpfloat (fabs (mean - clipped), <, 4.0 * sd / sqrt (n));
      g_assert_cmpfloat (fabs (sample_sd / sd - 1.0), <, 0.05);
      g_assert_cmpfloat (fabs (median - median_expected), <,
                         5.0 * figures[i].high / sqrt (n) + figures[i].grain / 2.0);
      g_array_unref (deviations[i]);
    }
}

/* The system's generator: valid payloads, and not the same noise twice. */
static void
test_system_random (void)
{
  g_autoptr (TendWeekReport) report = make_report (2026, 9, usual);
  g_autofree char *first = encode (report, NULL, NULL);
  g_autofree char *second = encode (report, NULL, NULL);

  g_assert_cmpstr (first, !=, second);
}

static void
test_no_data (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TendWeekReport) last_report = NULL;
  g_autoptr (TendWeekReport) old_report = NULL;
  g_autoptr (GBytes) payload = NULL;
  TendWeek current, last;
  TendWeek old = { 2026, 9 };

  tend_week_current (utc, &current);
  tend_week_add (&current, -1, &last);
  last_report = _tend_week_report_new (&last, utc);
  payload = tend_aggregate_encode (last_report, NULL, NULL, &error);
  g_assert_null (payload);
  g_assert_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NO_DATA);
  g_assert_cmpstr (error->message, ==,
                   "Last week holds no figures yet, so there is nothing that could be shared.");
  g_clear_error (&error);

  old_report = _tend_week_report_new (&old, utc);
  payload = tend_aggregate_encode (old_report, NULL, NULL, &error);
  g_assert_null (payload);
  g_assert_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NO_DATA);
  g_assert_cmpstr (error->message, ==,
                   "Week 2026-W09 holds no figures, so there is nothing that could be shared.");
}

typedef struct
{
  char         *dir;
  TendStore    *store;
  TendInsights *insights;
  gint64        account;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("tend-aggregate-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_add_me (f->store, ME, &error));
  g_assert_no_error (error);
  f->account = tend_store_ensure_account (f->store, "imap", ME, &error);
  g_assert_no_error (error);
  f->insights = tend_insights_new (f->store, utc, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_strdup (tend_store_get_path (f->store));

  g_clear_object (&f->insights);
  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (path, NULL));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

static void
send_mail (Fixture *f, const char *id, gint64 sent_at)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendMessage) message = tend_message_new ();
  gboolean inserted = FALSE;

  message->provider_id = g_strdup (id);
  message->sent_at = sent_at;
  message->sender = g_strdup (ME);
  tend_message_add_recipient (message, "ann@example.org");
  g_assert_true (tend_store_add_message (f->store, f->account, message, &inserted, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
}

static gint64
count_rows (Fixture *f, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64        count;

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (f->store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* What the agent's worker does for a week: the stored payload, else a computed one, stored. */
static GBytes *
contribute (Fixture *f, const TendWeek *week, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autoptr (GBytes) computed = NULL;

  stored = tend_aggregate_lookup (f->store, week, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (stored != NULL)
    return g_steal_pointer (&stored);
  computed = tend_aggregate_compute (f->insights, week, error);
  if (computed == NULL)
    return NULL;
  return tend_aggregate_store (f->store, week, computed, error);
}

/* The week is noised once: the second contribution, even after more data arrived, returns the
 * stored bytes. */
static void
test_contribute (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) looked_up = NULL;
  g_autoptr (GBytes) computed = NULL;
  g_autoptr (GBytes) third = NULL;
  TendWeek    week = { 2026, 9 };
  gsize       size;
  const char *text;

  send_mail (f, "<1@example.com>", WEEK_START + 10 * 3600);

  before = tend_aggregate_lookup (f->store, &week, &error);
  g_assert_no_error (error);
  g_assert_null (before);

  first = contribute (f, &week, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_true (tend_aggregate_validate (first, &error));
  g_assert_no_error (error);
  text = g_bytes_get_data (first, &size);
  g_assert_true (g_str_has_prefix (text, "{\"version\":1,\"week\":\"2026-W09\",\"figures\":{"));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution"), ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution WHERE week = '2026-W09'"
                                  " AND version = 1 AND created_at > 0"),
                   ==, 1);

  send_mail (f, "<2@example.com>", WEEK_START + 11 * 3600);
  second = contribute (f, &week, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, second));

  looked_up = tend_aggregate_lookup (f->store, &week, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, looked_up));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution"), ==, 1);

  /* A payload computed meanwhile (the worker computes before it stores) is dropped: the stored
   * one wins. */
  computed = tend_aggregate_compute (f->insights, &week, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (first, computed));
  third = tend_aggregate_store (f->store, &week, computed, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, third));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution"), ==, 1);
}

static void
test_contribute_no_data (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) payload = NULL;
  TendWeek empty = { 2026, 5 };

  send_mail (f, "<1@example.com>", WEEK_START + 10 * 3600);
  payload = contribute (f, &empty, &error);
  g_assert_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NO_DATA);
  g_assert_null (payload);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution"), ==, 0);
}

/* A week still in progress is not frozen half-way. */
static void
test_contribute_not_over (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) payload = NULL;
  TendWeek current;

  tend_week_current (utc, &current);
  send_mail (f, "<now@example.com>", g_get_real_time () / G_USEC_PER_SEC);
  payload = contribute (f, &current, &error);
  g_assert_error (error, TEND_AGGREGATE_ERROR, TEND_AGGREGATE_ERROR_NOT_OVER);
  g_assert_null (payload);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM contribution"), ==, 0);
}

static void
test_consent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (TendAggregateConsent) last = { 0 };
  sqlite3_stmt            *stmt = NULL;
  static const char *const actions[] = { "give", "revoke" };
  static const char *const weeks[] = { "2026-W46", "" };

  /* An empty log has no last row. */
  g_assert_false (tend_aggregate_last_consent (f->store, &last, &error));
  g_assert_no_error (error);
  g_assert_null (last.destination);

  g_assert_true (tend_aggregate_record_consent (f->store, TRUE, "Example Cooperative",
                                                "https://collector.example/", "2026-W46",
                                                1763900000, &error));
  g_assert_no_error (error);
  g_assert_true (tend_aggregate_last_consent (f->store, &last, &error));
  g_assert_no_error (error);
  g_assert_true (last.given);
  g_assert_cmpint (last.at, ==, 1763900000);
  g_assert_cmpstr (last.organization, ==, "Example Cooperative");
  g_assert_cmpstr (last.destination, ==, "https://collector.example/");
  g_assert_cmpstr (last.week, ==, "2026-W46");
  tend_aggregate_consent_clear (&last);

  g_assert_true (tend_aggregate_record_consent (f->store, FALSE, "Example Cooperative",
                                                "https://collector.example/", "", 1763900100,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (tend_aggregate_last_consent (f->store, &last, &error));
  g_assert_false (last.given);
  g_assert_cmpint (last.at, ==, 1763900100);

  g_assert_cmpint (sqlite3_prepare_v2 (_tend_store_get_db (f->store),
                                       "SELECT at, action, destination, payload_version,"
                                       " organization, week FROM consent_log ORDER BY id",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 1763900000 + 100 * i);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, actions[i]);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==,
                       "https://collector.example/");
      g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, TEND_AGGREGATE_VERSION);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 4), ==, "Example Cooperative");
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 5), ==, weeks[i]);
    }
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/aggregate/format", test_format);
  g_test_add_func ("/aggregate/validate-rejects", test_validate_rejects);
  g_test_add_func ("/aggregate/clipping", test_clipping);
  g_test_add_func ("/aggregate/noise", test_noise);
  g_test_add_func ("/aggregate/unbiased", test_unbiased);
  g_test_add_func ("/aggregate/system-random", test_system_random);
  g_test_add_func ("/aggregate/no-data", test_no_data);
  ADD ("/aggregate/contribute", test_contribute);
  ADD ("/aggregate/contribute-no-data", test_contribute_no_data);
  ADD ("/aggregate/contribute-not-over", test_contribute_not_over);
  ADD ("/aggregate/consent", test_consent);
#undef ADD

  return g_test_run ();
}
