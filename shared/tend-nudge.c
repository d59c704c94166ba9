/* tend-nudge.c: one piece of advice from the coach
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-nudge"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "tend-nudge.h"

struct _TendNudge
{
  GObject parent_instance;

  /* Owned */
  char *id;
  char *title;
  char *explanation;
  char *evidence;
  char *suggestion;
  char *why;

  TendNudgeKind kind;
  TendMetric    metric;
  double        value;
  double        baseline;
  double        importance;
};

G_DEFINE_FINAL_TYPE (TendNudge, tend_nudge, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TendNudgeKind, tend_nudge_kind,
                    G_DEFINE_ENUM_VALUE (TEND_NUDGE_KIND_PRAISE, "praise"),
                    G_DEFINE_ENUM_VALUE (TEND_NUDGE_KIND_WARNING, "warning"),
                    G_DEFINE_ENUM_VALUE (TEND_NUDGE_KIND_TIP, "tip"),
                    G_DEFINE_ENUM_VALUE (TEND_NUDGE_KIND_INFO, "info"))

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_METRIC,
  PROP_VALUE,
  PROP_BASELINE,
  PROP_IMPORTANCE,
  PROP_TITLE,
  PROP_EXPLANATION,
  PROP_EVIDENCE,
  PROP_SUGGESTION,
  PROP_WHY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
tend_nudge_kind_to_string (TendNudgeKind kind)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (TEND_TYPE_NUDGE_KIND);
  const GEnumValue *value = g_enum_get_value (klass, kind);

  g_return_val_if_fail (value != NULL, NULL);

  /* The nicks are static strings: they outlive the class reference. */
  return value->value_nick;
}

const char *
tend_nudge_kind_get_label (TendNudgeKind kind)
{
  switch (kind)
    {
    case TEND_NUDGE_KIND_PRAISE:
      /* Translators: the kind of a coach's nudge, shown with its title. */
      return _ ("Well done");
    case TEND_NUDGE_KIND_WARNING:
      /* Translators: the kind of a coach's nudge, shown with its title. */
      return _ ("Watch out");
    case TEND_NUDGE_KIND_TIP:
      /* Translators: the kind of a coach's nudge, shown with its title. */
      return _ ("Tip");
    case TEND_NUDGE_KIND_INFO:
    default:
      /* Translators: the kind of a coach's nudge, shown with its title. */
      return _ ("Note");
    }
}

static void
tend_nudge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TendNudge *self = TEND_NUDGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_METRIC:
      g_value_set_int (value, self->metric);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_BASELINE:
      g_value_set_double (value, self->baseline);
      break;
    case PROP_IMPORTANCE:
      g_value_set_double (value, self->importance);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_EXPLANATION:
      g_value_set_string (value, self->explanation);
      break;
    case PROP_EVIDENCE:
      g_value_set_string (value, self->evidence);
      break;
    case PROP_SUGGESTION:
      g_value_set_string (value, self->suggestion);
      break;
    case PROP_WHY:
      g_value_set_string (value, self->why);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_nudge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendNudge *self = TEND_NUDGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_METRIC:
      self->metric = g_value_get_int (value);
      break;
    case PROP_IMPORTANCE:
      self->importance = g_value_get_double (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_EXPLANATION:
      self->explanation = g_value_dup_string (value);
      break;
    case PROP_EVIDENCE:
      self->evidence = g_value_dup_string (value);
      break;
    case PROP_SUGGESTION:
      self->suggestion = g_value_dup_string (value);
      break;
    case PROP_WHY:
      self->why = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_nudge_finalize (GObject *object)
{
  TendNudge *self = (TendNudge *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->explanation);
  g_free (self->evidence);
  g_free (self->suggestion);
  g_free (self->why);

  G_OBJECT_CLASS (tend_nudge_parent_class)->finalize (object);
}

static void
tend_nudge_class_init (TendNudgeClass *klass)
{
  GObjectClass     *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  /* NAN, the figure that is undefined, does not pass a GParamSpecDouble's range check, so
   * tend_nudge_new() sets these two itself. */
  const GParamFlags figure_flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tend_nudge_get_property;
  object_class->set_property = tend_nudge_set_property;
  object_class->finalize = tend_nudge_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_KIND]
      = g_param_spec_enum ("kind", NULL, NULL, TEND_TYPE_NUDGE_KIND, TEND_NUDGE_KIND_TIP, flags);
  /* A TendMetric, or TEND_N_METRICS for none. */
  properties[PROP_METRIC]
      = g_param_spec_int ("metric", NULL, NULL, 0, TEND_N_METRICS, TEND_N_METRICS, flags);
  properties[PROP_VALUE]
      = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, figure_flags);
  properties[PROP_BASELINE]
      = g_param_spec_double ("baseline", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, figure_flags);
  properties[PROP_IMPORTANCE]
      = g_param_spec_double ("importance", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_EXPLANATION] = g_param_spec_string ("explanation", NULL, NULL, NULL, flags);
  properties[PROP_EVIDENCE] = g_param_spec_string ("evidence", NULL, NULL, NULL, flags);
  properties[PROP_SUGGESTION] = g_param_spec_string ("suggestion", NULL, NULL, NULL, flags);
  properties[PROP_WHY] = g_param_spec_string ("why", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_nudge_init (TendNudge *self)
{
  self->metric = TEND_N_METRICS;
}

TendNudge *
tend_nudge_new (const char *id, TendNudgeKind kind, TendMetric metric, double value,
                double baseline, double importance, const char *title, const char *explanation,
                const char *evidence, const char *suggestion, const char *why)
{
  TendNudge *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (metric <= TEND_N_METRICS, NULL);
  g_return_val_if_fail (title != NULL && explanation != NULL && evidence != NULL, NULL);
  g_return_val_if_fail (suggestion != NULL && why != NULL, NULL);

  self = g_object_new (TEND_TYPE_NUDGE, "id", id, "kind", kind, "metric", (int) metric,
                       "importance", importance, "title", title, "explanation", explanation,
                       "evidence", evidence, "suggestion", suggestion, "why", why, NULL);
  self->value = value;
  self->baseline = baseline;
  return self;
}

const char *
tend_nudge_get_id (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->id;
}

TendNudgeKind
tend_nudge_get_kind (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), TEND_NUDGE_KIND_TIP);

  return self->kind;
}

TendMetric
tend_nudge_get_metric (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), TEND_N_METRICS);

  return self->metric;
}

double
tend_nudge_get_value (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NAN);

  return self->value;
}

double
tend_nudge_get_baseline (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NAN);

  return self->baseline;
}

double
tend_nudge_get_importance (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), 0.0);

  return self->importance;
}

const char *
tend_nudge_get_title (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->title;
}

const char *
tend_nudge_get_explanation (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->explanation;
}

const char *
tend_nudge_get_evidence (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->evidence;
}

const char *
tend_nudge_get_suggestion (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->suggestion;
}

const char *
tend_nudge_get_why (TendNudge *self)
{
  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  return self->why;
}

json_t *
tend_nudge_to_json (TendNudge *self)
{
  json_t *object;

  g_return_val_if_fail (TEND_IS_NUDGE (self), NULL);

  /* Inserted in the documented order: json_dumps keeps it without JSON_SORT_KEYS. */
  object = json_object ();
  json_object_set_new (object, "id", json_string (self->id));
  json_object_set_new (object, "kind", json_string (tend_nudge_kind_to_string (self->kind)));
  json_object_set_new (object, "title", json_string (self->title));
  json_object_set_new (object, "explanation", json_string (self->explanation));
  json_object_set_new (object, "evidence", json_string (self->evidence));
  json_object_set_new (object, "suggestion", json_string (self->suggestion));
  json_object_set_new (object, "why", json_string (self->why));
  json_object_set_new (object, "metric",
                       self->metric < TEND_N_METRICS
                           ? json_string (tend_metric_get_key (self->metric))
                           : json_null ());
  if (self->metric < TEND_N_METRICS)
    {
      json_object_set_new (object, "value", tend_metric_value_to_json (self->metric, self->value));
      json_object_set_new (object, "baseline",
                           tend_metric_value_to_json (self->metric, self->baseline));
    }
  else
    {
      json_object_set_new (object, "value", json_null ());
      json_object_set_new (object, "baseline", json_null ());
    }
  return object;
}
