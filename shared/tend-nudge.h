/* tend-nudge.h: one piece of advice from the coach
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <jansson.h>

#include "tend-metric.h"

G_BEGIN_DECLS

/**
 * TendNudgeKind:
 * @TEND_NUDGE_KIND_PRAISE: something went better than my own usual
 * @TEND_NUDGE_KIND_WARNING: something went clearly worse than my own usual
 * @TEND_NUDGE_KIND_TIP: a habit worth a look, with a small thing to try
 * @TEND_NUDGE_KIND_INFO: about the coach itself (it has no baseline yet)
 */
typedef enum
{
  TEND_NUDGE_KIND_PRAISE,
  TEND_NUDGE_KIND_WARNING,
  TEND_NUDGE_KIND_TIP,
  TEND_NUDGE_KIND_INFO,
} TendNudgeKind;

#define TEND_TYPE_NUDGE_KIND (tend_nudge_kind_get_type ())
GType tend_nudge_kind_get_type (void);

/* The stable name of @kind in JSON: "praise", "warning", "tip" or "info". */
const char *tend_nudge_kind_to_string (TendNudgeKind kind);
/* @kind in words, translated, for people: so that it never rests on an icon alone. */
const char *tend_nudge_kind_get_label (TendNudgeKind kind);

#define TEND_TYPE_NUDGE (tend_nudge_get_type ())

G_DECLARE_FINAL_TYPE (TendNudge, tend_nudge, TEND, NUDGE, GObject)

/* @metric is TEND_N_METRICS for a nudge about no single figure; @value and @baseline are NAN
 * where they do not apply. */
TendNudge     *tend_nudge_new             (const char *id, TendNudgeKind kind, TendMetric metric,
                                           double value, double baseline, double importance,
                                           const char *title, const char *explanation,
                                           const char *evidence, const char *suggestion,
                                           const char *why);
const char    *tend_nudge_get_id          (TendNudge *self);
TendNudgeKind  tend_nudge_get_kind        (TendNudge *self);
TendMetric     tend_nudge_get_metric      (TendNudge *self);
double         tend_nudge_get_value       (TendNudge *self);
double         tend_nudge_get_baseline    (TendNudge *self);
/* Higher comes first among a week's nudges. */
double         tend_nudge_get_importance  (TendNudge *self);
const char    *tend_nudge_get_title       (TendNudge *self);
const char    *tend_nudge_get_explanation (TendNudge *self);
const char    *tend_nudge_get_evidence    (TendNudge *self);
const char    *tend_nudge_get_suggestion  (TendNudge *self);
const char    *tend_nudge_get_why         (TendNudge *self);

/* The nudge as in `tendctl week --json`: id, kind, title, explanation, evidence, suggestion,
 * why, metric (its key or null), value and baseline (null when undefined). */
json_t        *tend_nudge_to_json         (TendNudge *self);

G_END_DECLS
