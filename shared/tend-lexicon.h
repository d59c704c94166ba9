/* tend-lexicon.h: word lists that turn a message body into content features
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-message.h"

G_BEGIN_DECLS

#define TEND_LEXICON_ERROR (tend_lexicon_error_quark ())

/**
 * TendLexiconError:
 * @TEND_LEXICON_ERROR_NOT_FOUND: no lexicon is shipped for the language asked for
 * @TEND_LEXICON_ERROR_INVALID: the lexicon data does not follow the format of docs/LEXICON.md
 * @TEND_LEXICON_ERROR_FAILED: ICU's word segmenter could not be started
 */
typedef enum
{
  TEND_LEXICON_ERROR_NOT_FOUND,
  TEND_LEXICON_ERROR_INVALID,
  TEND_LEXICON_ERROR_FAILED,
} TendLexiconError;

#define TEND_TYPE_LEXICON (tend_lexicon_get_type ())

G_DECLARE_FINAL_TYPE (TendLexicon, tend_lexicon, TEND, LEXICON, GObject)

GQuark       tend_lexicon_error_quark      (void);
TendLexicon *tend_lexicon_new_for_language (const char *language, GError **error);
TendLexicon *tend_lexicon_new_from_data    (const char *language, const char *data, gsize len,
                                            GError **error);
TendLexicon *tend_lexicon_get_default      (void);
const char  *tend_lexicon_get_language     (TendLexicon *self);
guint        tend_lexicon_get_n_entries    (TendLexicon *self);
void         tend_lexicon_analyse          (TendLexicon *self, const char *text, gssize length,
                                            TendContentFeatures *features);

G_END_DECLS
