/* tend-aggregate.h: the anonymized weekly contribution that could be shared, with consent
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Invariant 5: only a fixed-size vector of clipped, coarse weekly figures with local
 * differential-privacy noise may leave the machine, with no identifier and no time finer than
 * an ISO week. A week's contribution is encoded once and stored: noising the same week again
 * would let repeated uploads average the noise away. docs/PRIVACY.md gives the figures, their
 * ranges and the noise.
 */
#pragma once

#include <glib.h>

#include "tend-insights.h"
#include "tend-store.h"
#include "tend-week-report.h"
#include "tend-week.h"

G_BEGIN_DECLS

/* The payload's format version, in the payload and in the consent log. */
#define TEND_AGGREGATE_VERSION 1

#define TEND_AGGREGATE_ERROR (tend_aggregate_error_quark ())

/**
 * TendAggregateError:
 * @TEND_AGGREGATE_ERROR_NO_DATA: the week holds no figures, so there is nothing to share
 * @TEND_AGGREGATE_ERROR_INVALID: a payload is not exactly the documented format, or a figure
 *   that must be defined is not
 * @TEND_AGGREGATE_ERROR_NOT_OVER: the week has not ended yet, and a week is encoded only once
 * @TEND_AGGREGATE_ERROR_FAILED: the system's random number generator failed
 */
typedef enum
{
  TEND_AGGREGATE_ERROR_NO_DATA,
  TEND_AGGREGATE_ERROR_INVALID,
  TEND_AGGREGATE_ERROR_NOT_OVER,
  TEND_AGGREGATE_ERROR_FAILED,
} TendAggregateError;

/* A uniform random number in the open interval (0, 1). */
typedef double (*TendAggregateUniformFunc) (gpointer user_data);

GQuark    tend_aggregate_error_quark    (void);

/* The payload of @report's week: compact JSON, {"version":1,"week":"2026-W47","figures":{…}}
 * with every figure of docs/PRIVACY.md, in its order, as a JSON integer. @uniform is called once
 * per figure, in that order; NULL means the system's cryptographic generator (getrandom). */
GBytes   *tend_aggregate_encode         (TendWeekReport *report, TendAggregateUniformFunc uniform,
                                         gpointer user_data, GError **error);
/* Whether @payload is exactly what tend_aggregate_encode writes, byte for byte. */
gboolean  tend_aggregate_validate       (GBytes *payload, GError **error);

/* The stored payload of @week, or NULL without an error when there is none. */
GBytes   *tend_aggregate_lookup         (TendStore *store, const TendWeek *week, GError **error);
/* @week's payload, encoded now with the system's generator, not stored. Fails with NOT_OVER
 * before the week has ended (in @insights's zone) and with NO_DATA for a week without data.
 * Only reads: @insights's store may be read-only. */
GBytes   *tend_aggregate_compute        (TendInsights *insights, const TendWeek *week,
                                         GError **error);
/* Stores @payload as @week's unless the week has one already: returns the week's payload as
 * stored, which may be another process's. */
GBytes   *tend_aggregate_store          (TendStore *store, const TendWeek *week, GBytes *payload,
                                         GError **error);

/**
 * TendAggregateConsent:
 * @given: whether sharing was switched on (a "give") or off (a "revoke")
 * @at: when, in Unix time
 * @organization: the organization named to the person
 * @destination: the collector's address
 * @week: the week whose contribution the person was shown ("" for a revocation)
 *
 * One row of the consent log.
 */
typedef struct
{
  gboolean given;
  gint64   at;
  char    *organization;
  char    *destination;
  char    *week;
} TendAggregateConsent;

void      tend_aggregate_consent_clear  (TendAggregateConsent *consent);

/* Appends to the consent log that sharing with @organization's @destination was switched on
 * (@given), having been shown @week, or off; @at is the time the agent keeps with it. */
gboolean  tend_aggregate_record_consent (TendStore *store, gboolean given,
                                         const char *organization, const char *destination,
                                         const char *week, gint64 at, GError **error);
/* The consent log's last row into @consent; FALSE without an error when the log is empty. */
gboolean  tend_aggregate_last_consent   (TendStore *store, TendAggregateConsent *consent,
                                         GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TendAggregateConsent, tend_aggregate_consent_clear)

G_END_DECLS
