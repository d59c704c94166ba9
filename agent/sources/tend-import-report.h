/* tend-import-report.h: what an import took in, and what it skipped and why
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 1990-01-01T00:00:00Z. Mail or events dated earlier come from a broken clock, a typo or a
 * placeholder: they are skipped as TEND_SKIP_ABSURD_DATE. */
#define TEND_IMPORT_EARLIEST_DATE G_GINT64_CONSTANT (631152000)

/* Why an item was skipped. Each reason is counted; the import goes on. */
typedef enum
{
  TEND_SKIP_INVALID_UTF8,     /* a header that is not valid UTF-8 after decoding */
  TEND_SKIP_MISSING_DATE,     /* no Date header / no DTSTART */
  TEND_SKIP_ABSURD_DATE,      /* before 1990, or too far ahead: mail a day, events 20 years */
  TEND_SKIP_OVERSIZED,        /* headers over the 1 MiB limit, or a file over its limit */
  TEND_SKIP_UNKNOWN_TZID,     /* a TZID that is neither in the file nor a known zone */
  TEND_SKIP_GARBAGE,          /* bytes that are not a message between messages */
  TEND_SKIP_MISSING_SENDER,   /* no From */
  TEND_SKIP_MALFORMED,        /* anything else the parser rejected */
  TEND_SKIP_UNREADABLE,       /* a file that could not be opened or read */
  TEND_SKIP_UNSUPPORTED,      /* a file that is neither mail nor calendar */
  TEND_SKIP_N_REASONS
} TendSkipReason;

typedef struct
{
  guint messages_added;
  guint messages_unchanged;
  guint events_added;          /* occurrences newly stored or changed */
  guint events_unchanged;
  guint events_removed;        /* occurrences gone from a re-imported series */
  guint files;                 /* files handed to an importer, whether they could be read or not */
  guint skipped[TEND_SKIP_N_REASONS];
  GPtrArray *inferred_me;      /* (element-type utf8): addresses inferred as mine, if any */
} TendImportReport;

TendImportReport *tend_import_report_new            (void);
void              tend_import_report_free           (TendImportReport *report);
void              tend_import_report_skip           (TendImportReport *report,
                                                     TendSkipReason reason);
guint             tend_import_report_total_skipped  (const TendImportReport *report);
const char       *tend_skip_reason_to_string        (TendSkipReason reason);
const char       *tend_skip_reason_get_key          (TendSkipReason reason);
TendSkipReason    tend_skip_reason_from_key         (const char *key);
GVariant         *tend_import_report_to_variant     (const TendImportReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendImportReport, tend_import_report_free)

G_END_DECLS
