/* tend-import-report.c: what an import took in, and what it skipped and why
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-import"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-import-report.h"

static const struct
{
  const char *key;
  const char *text;
} reasons[TEND_SKIP_N_REASONS] = {
  [TEND_SKIP_INVALID_UTF8] = { "invalid-utf8", N_ ("invalid UTF-8 in a header") },
  [TEND_SKIP_MISSING_DATE] = { "missing-date", N_ ("no date") },
  [TEND_SKIP_ABSURD_DATE] = { "absurd-date", N_ ("a date before 1990 or in the future") },
  [TEND_SKIP_OVERSIZED] = { "oversized", N_ ("headers or file too large") },
  [TEND_SKIP_UNKNOWN_TZID] = { "unknown-tzid", N_ ("an unknown time zone") },
  [TEND_SKIP_GARBAGE] = { "garbage", N_ ("text that is not a message") },
  [TEND_SKIP_MISSING_SENDER] = { "missing-sender", N_ ("no sender") },
  [TEND_SKIP_MALFORMED] = { "malformed", N_ ("malformed") },
  [TEND_SKIP_UNREADABLE] = { "unreadable", N_ ("file could not be read") },
  [TEND_SKIP_UNSUPPORTED] = { "unsupported", N_ ("neither mail nor calendar") },
};

TendImportReport *
tend_import_report_new (void)
{
  TendImportReport *report = g_new0 (TendImportReport, 1);

  report->inferred_me = g_ptr_array_new_with_free_func (g_free);
  return report;
}

void
tend_import_report_free (TendImportReport *report)
{
  if (report == NULL)
    return;

  g_ptr_array_unref (report->inferred_me);
  g_free (report);
}

void
tend_import_report_skip (TendImportReport *report, TendSkipReason reason)
{
  g_return_if_fail (report != NULL);
  g_return_if_fail (reason < TEND_SKIP_N_REASONS);

  report->skipped[reason]++;
}

guint
tend_import_report_total_skipped (const TendImportReport *report)
{
  guint total = 0;

  g_return_val_if_fail (report != NULL, 0);

  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    total += report->skipped[i];
  return total;
}

/* A translated phrase for the summary: "3 skipped: no date". */
const char *
tend_skip_reason_to_string (TendSkipReason reason)
{
  g_return_val_if_fail (reason < TEND_SKIP_N_REASONS, NULL);

  return _ (reasons[reason].text);
}

/* A stable key for machine-readable output. */
const char *
tend_skip_reason_get_key (TendSkipReason reason)
{
  g_return_val_if_fail (reason < TEND_SKIP_N_REASONS, NULL);

  return reasons[reason].key;
}

/**
 * tend_import_report_to_variant:
 *
 * The report as the agent's Import method returns it: messages_added, messages_unchanged,
 * events_added, events_unchanged, events_removed (u), skipped (a{su}, by reason key) and
 * inferred_me (as).
 *
 * Returns: (transfer floating): an a{sv}
 */
GVariant *
tend_import_report_to_variant (const TendImportReport *report)
{
  GVariantBuilder summary, skipped, me;

  g_return_val_if_fail (report != NULL, NULL);

  g_variant_builder_init (&skipped, G_VARIANT_TYPE ("a{su}"));
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    if (report->skipped[i] > 0)
      g_variant_builder_add (&skipped, "{su}", tend_skip_reason_get_key (i), report->skipped[i]);
  g_variant_builder_init (&me, G_VARIANT_TYPE_STRING_ARRAY);
  for (guint i = 0; i < report->inferred_me->len; i++)
    g_variant_builder_add (&me, "s", g_ptr_array_index (report->inferred_me, i));

  g_variant_builder_init (&summary, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&summary, "{sv}", "messages_added",
                         g_variant_new_uint32 (report->messages_added));
  g_variant_builder_add (&summary, "{sv}", "messages_unchanged",
                         g_variant_new_uint32 (report->messages_unchanged));
  g_variant_builder_add (&summary, "{sv}", "events_added",
                         g_variant_new_uint32 (report->events_added));
  g_variant_builder_add (&summary, "{sv}", "events_unchanged",
                         g_variant_new_uint32 (report->events_unchanged));
  g_variant_builder_add (&summary, "{sv}", "events_removed",
                         g_variant_new_uint32 (report->events_removed));
  g_variant_builder_add (&summary, "{sv}", "skipped", g_variant_builder_end (&skipped));
  g_variant_builder_add (&summary, "{sv}", "inferred_me", g_variant_builder_end (&me));
  return g_variant_builder_end (&summary);
}

/* The reason whose key is @key, or TEND_SKIP_N_REASONS. */
TendSkipReason
tend_skip_reason_from_key (const char *key)
{
  for (guint i = 0; i < TEND_SKIP_N_REASONS; i++)
    if (g_str_equal (tend_skip_reason_get_key (i), key))
      return i;
  return TEND_SKIP_N_REASONS;
}
