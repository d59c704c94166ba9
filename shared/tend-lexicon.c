/* tend-lexicon.c: word lists that turn a message body into content features
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-lexicon"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include "tend-lexicon.h"
#include "tend-resources.h"

/* The first line of every lexicon file: magic word, format version, language. */
#define LEXICON_MAGIC "tend-lexicon"
#define LEXICON_VERSION "1"

/* Text beyond this is a paste or a log rather than something a person wrote; the cap also keeps
 * ICU's 32-bit offsets safe. */
#define MAX_ANALYSED_BYTES (8 * 1024 * 1024)

/* The longest entry, in words. */
#define MAX_ENTRY_WORDS 8

/* Token ids start at 1; 0 is a word that no entry uses. */
#define TOKEN_UNKNOWN 0

typedef enum
{
  CATEGORY_NONE = -1,
  CATEGORY_GRATITUDE,
  CATEGORY_APOLOGIES,
  CATEGORY_HEDGES,
  CATEGORY_NEGATIVE,
  N_CATEGORIES
} Category;

static const char *const category_names[N_CATEGORIES] = {
  [CATEGORY_GRATITUDE] = "gratitude",
  [CATEGORY_APOLOGIES] = "apologies",
  [CATEGORY_HEDGES] = "hedges",
  [CATEGORY_NEGATIVE] = "negative",
};

/* A node of the phrase trie: the path from the root spells a token sequence. */
typedef struct
{
  GHashTable *children; /* token id → node index, both as GUINT_TO_POINTER; NULL when a leaf */
  Category    category; /* the category of the entry that ends here, if any */
} Node;

struct _TendLexicon
{
  GObject parent_instance;

  /* Owned */
  char           *language;
  GHashTable     *vocabulary; /* folded token → token id (GUINT_TO_POINTER, from 1) */
  GArray         *nodes;      /* Node; index 0 is the root */
  guint           n_entries;
  GMutex          iterator_lock;
  UBreakIterator *iterator; /* under iterator_lock */
};

G_DEFINE_FINAL_TYPE (TendLexicon, tend_lexicon, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend_lexicon_error_quark, tend_lexicon_error)

typedef void (*TokenFunc) (const char *folded, gpointer user_data);

typedef struct
{
  const char *start;
  gsize       len;
} Line;

static UBreakIterator *
open_iterator (const char *language, GError **error)
{
  UErrorCode      status = U_ZERO_ERROR;
  UBreakIterator *iterator = ubrk_open (UBRK_WORD, language, NULL, 0, &status);

  if (U_FAILURE (status))
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_FAILED,
                   _ ("Cannot start the word segmenter: %s"), u_errorName (status));
      return NULL;
    }
  return iterator;
}

/* Typographic apostrophes become ASCII ones so that "don’t" and "don't" are one word. */
static void
normalize_apostrophes (char *s)
{
  char *out = s;

  while (*s != '\0')
    {
      /* Compared byte by byte, so that nothing is read past the terminating nul. */
      if ((guchar) s[0] == 0xE2 && (guchar) s[1] == 0x80
          && ((guchar) s[2] == 0x99 || (guchar) s[2] == 0x98))
        *out++ = '\'', s += 3;
      else if ((guchar) s[0] == 0xCA && (guchar) s[1] == 0xBC)
        *out++ = '\'', s += 2;
      else
        *out++ = *s++;
    }
  *out = '\0';
}

/* Case-folds and NFKC-normalizes one word. ASCII words, nearly all of them in practice, are
 * lowered into @buf without allocating; others are returned in *@heap. Returns NULL for a "word"
 * without a letter or a digit: UAX #29 makes one of a run of underscores ("_____", Outlook's
 * reply separator), which Tend does not count. */
static const char *
fold_token (const char *token, gsize len, char *buf, gsize buf_size, char **heap)
{
  g_autofree char *folded = NULL;
  gboolean         alnum = FALSE;
  gsize            i;

  for (i = 0; i < len && (guchar) token[i] < 0x80; i++)
    alnum = alnum || g_ascii_isalnum (token[i]);
  if (i == len && len < buf_size)
    {
      if (!alnum)
        return NULL;
      for (i = 0; i < len; i++)
        buf[i] = token[i] >= 'A' && token[i] <= 'Z' ? token[i] + ('a' - 'A') : token[i];
      buf[len] = '\0';
      return buf;
    }

  for (const char *p = token; !alnum && p < token + len; p = g_utf8_next_char (p))
    alnum = g_unichar_isalnum (g_utf8_get_char (p));
  if (!alnum)
    return NULL;
  folded = g_utf8_casefold (token, len);
  *heap = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
  if (*heap == NULL)
    *heap = g_steal_pointer (&folded);
  normalize_apostrophes (*heap);
  return *heap;
}

/* Whether a character between two words ends a sentence or a clause. */
static gboolean
is_break (gunichar c)
{
  if (c < 0x80)
    return c == '.' || c == '!' || c == '?' || c == ',' || c == ';' || c == ':';
  return u_hasBinaryProperty (c, UCHAR_TERMINAL_PUNCTUATION);
}

/* Calls @func for each word of @text (valid UTF-8), in order, folded; and with NULL where a
 * sentence or paragraph ends between two words, since no phrase spans such a break. Returns the
 * number of words. */
static guint
tokenize (UBreakIterator *iterator, const char *text, gsize len, TokenFunc func, gpointer user_data)
{
  UText      utext = UTEXT_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  gboolean   barrier = FALSE, any_word = FALSE;
  guint      words = 0, newlines = 0;
  int32_t    start, end;
  char       buf[64];

  utext_openUTF8 (&utext, text, (int64_t) len, &status);
  ubrk_setUText (iterator, &utext, &status);
  if (U_FAILURE (status))
    {
      utext_close (&utext);
      return 0;
    }

  for (start = ubrk_first (iterator), end = ubrk_next (iterator); end != UBRK_DONE;
       start = end, end = ubrk_next (iterator))
    {
      if (ubrk_getRuleStatus (iterator) >= UBRK_WORD_NONE_LIMIT)
        {
          g_autofree char *heap = NULL;
          const char      *folded = fold_token (text + start, end - start, buf, sizeof buf, &heap);

          if (folded != NULL)
            {
              if (barrier && any_word)
                func (NULL, user_data);
              barrier = FALSE;
              newlines = 0;
              any_word = TRUE;
              words++;
              func (folded, user_data);
              continue;
            }
        }

      for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
        {
          gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char (p);

          if ((c == '\n' && ++newlines >= 2) || is_break (c))
            barrier = TRUE;
        }
    }

  utext_close (&utext);
  return words;
}

static void
lexicon_take_iterator (TendLexicon *self, UBreakIterator **iterator, gboolean *shared)
{
  /* The lexicon is shared between threads; a second concurrent caller opens its own. */
  if (g_mutex_trylock (&self->iterator_lock))
    {
      *shared = TRUE;
      *iterator = self->iterator;
      return;
    }
  *shared = FALSE;
  *iterator = open_iterator (self->language, NULL);
}

static void
lexicon_give_iterator (TendLexicon *self, UBreakIterator *iterator, gboolean shared)
{
  if (shared)
    g_mutex_unlock (&self->iterator_lock);
  else if (iterator != NULL)
    ubrk_close (iterator);
}

static guint
node_child (TendLexicon *self, guint node, guint token)
{
  GHashTable *children = g_array_index (self->nodes, Node, node).children;

  if (children == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (children, GUINT_TO_POINTER (token)));
}

static guint
node_ensure_child (TendLexicon *self, guint node, guint token)
{
  Node *parent = &g_array_index (self->nodes, Node, node);
  Node  child = { NULL, CATEGORY_NONE };
  guint index;

  if ((index = node_child (self, node, token)) != 0)
    return index;
  if (parent->children == NULL)
    parent->children = g_hash_table_new (NULL, NULL);
  index = self->nodes->len;
  g_hash_table_insert (parent->children, GUINT_TO_POINTER (token), GUINT_TO_POINTER (index));
  g_array_append_val (self->nodes, child);
  return index;
}

typedef struct
{
  TendLexicon *lexicon;
  GArray      *tokens;
  gboolean     split; /* the entry spans a sentence break */
} EntryBuilder;

static void
entry_token_cb (const char *folded, gpointer user_data)
{
  EntryBuilder *builder = user_data;
  gpointer      id;

  if (folded == NULL)
    {
      builder->split = TRUE;
      return;
    }
  if (!g_hash_table_lookup_extended (builder->lexicon->vocabulary, folded, NULL, &id))
    {
      id = GUINT_TO_POINTER (g_hash_table_size (builder->lexicon->vocabulary) + 1);
      g_hash_table_insert (builder->lexicon->vocabulary, g_strdup (folded), id);
    }
  g_array_append_val (builder->tokens, id);
}

static gboolean
add_entry (TendLexicon *self, const char *entry, gsize len, Category category, guint line_number,
           GError **error)
{
  g_autoptr (GArray) tokens = g_array_new (FALSE, FALSE, sizeof (gpointer));
  EntryBuilder builder = { self, tokens, FALSE };
  Node        *node;
  guint        index = 0;

  tokenize (self->iterator, entry, len, entry_token_cb, &builder);
  if (tokens->len == 0 || tokens->len > MAX_ENTRY_WORDS || builder.split)
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("Line %u: “%.*s” must be one to %u words without sentence punctuation"),
                   line_number, (int) len, entry, MAX_ENTRY_WORDS);
      return FALSE;
    }

  for (guint i = 0; i < tokens->len; i++)
    index = node_ensure_child (self, index, GPOINTER_TO_UINT (g_array_index (tokens, gpointer, i)));
  node = &g_array_index (self->nodes, Node, index);
  if (node->category != CATEGORY_NONE)
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("Line %u: “%.*s” is already listed in [%s]"), line_number, (int) len, entry,
                   category_names[node->category]);
      return FALSE;
    }
  node->category = category;
  self->n_entries++;
  return TRUE;
}

static gboolean
next_line (const char *text, gsize len, gsize *pos, Line *line)
{
  const char *newline;

  if (*pos >= len)
    return FALSE;
  line->start = text + *pos;
  newline = memchr (line->start, '\n', len - *pos);
  line->len = newline != NULL ? (gsize) (newline - line->start) : len - *pos;
  *pos += line->len + (newline != NULL ? 1 : 0);
  if (line->len > 0 && line->start[line->len - 1] == '\r')
    line->len--;
  return TRUE;
}

static Line
line_trim (const Line *line)
{
  Line trimmed = *line;

  while (trimmed.len > 0 && g_ascii_isspace (*trimmed.start))
    trimmed.start++, trimmed.len--;
  while (trimmed.len > 0 && g_ascii_isspace (trimmed.start[trimmed.len - 1]))
    trimmed.len--;
  return trimmed;
}

static gboolean
line_has_prefix (const Line *line, const char *prefix)
{
  gsize n = strlen (prefix);

  return line->len >= n && g_ascii_strncasecmp (line->start, prefix, n) == 0;
}

static gboolean
line_has_suffix (const Line *line, const char *suffix)
{
  gsize n = strlen (suffix);

  return line->len >= n && g_ascii_strncasecmp (line->start + line->len - n, suffix, n) == 0;
}

static gboolean
line_contains (const Line *line, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= line->len; i++)
    if (g_ascii_strncasecmp (line->start + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
line_equals (const Line *line, const char *text)
{
  return line->len == strlen (text) && memcmp (line->start, text, line->len) == 0;
}

static gboolean
parse_header (const Line *line, const char *language, GError **error)
{
  g_autofree char *text = g_strndup (line->start, line->len);
  g_auto (GStrv) fields = g_strsplit_set (g_strstrip (text), " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();

  for (guint i = 0; fields[i] != NULL; i++)
    if (*fields[i] != '\0')
      g_ptr_array_add (words, fields[i]);

  if (words->len != 3 || !g_str_equal (g_ptr_array_index (words, 0), LEXICON_MAGIC))
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("The first line must read “%s %s LANGUAGE”"), LEXICON_MAGIC, LEXICON_VERSION);
      return FALSE;
    }
  if (!g_str_equal (g_ptr_array_index (words, 1), LEXICON_VERSION))
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("Lexicon format version %s is not supported; this version of Tend reads "
                      "version %s"),
                   (const char *) g_ptr_array_index (words, 1), LEXICON_VERSION);
      return FALSE;
    }
  if (g_ascii_strcasecmp (g_ptr_array_index (words, 2), language) != 0)
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("The lexicon is for the language “%s”, not “%s”"),
                   (const char *) g_ptr_array_index (words, 2), language);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_section (const Line *line, guint line_number, Category *category, GError **error)
{
  for (guint i = 0; i < N_CATEGORIES; i++)
    if (line->len == strlen (category_names[i]) + 2
        && g_ascii_strncasecmp (line->start + 1, category_names[i], line->len - 2) == 0)
      {
        *category = i;
        return TRUE;
      }

  g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
               _ ("Line %u: unknown section %.*s; the sections are [gratitude], [apologies], "
                  "[hedges] and [negative]"),
               line_number, (int) line->len, line->start);
  return FALSE;
}

static gboolean
lexicon_load (TendLexicon *self, const char *data, gsize len, GError **error)
{
  const char *invalid = NULL;
  Category    category = CATEGORY_NONE;
  gboolean    have_header = FALSE;
  guint       line_number = 0;
  gsize       pos = 0;
  Line        line;

  if (!g_utf8_validate_len (data, len, &invalid))
    {
      guint bad_line = 1;

      for (const char *p = data; p < invalid; p++)
        bad_line += *p == '\n';
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("Line %u: the text is not valid UTF-8"), bad_line);
      return FALSE;
    }
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;

  while (next_line (data, len, &pos, &line))
    {
      Line trimmed = line_trim (&line);

      line_number++;
      if (trimmed.len == 0 || *trimmed.start == '#')
        continue;

      if (!have_header)
        {
          if (!parse_header (&trimmed, self->language, error))
            return FALSE;
          have_header = TRUE;
        }
      else if (*trimmed.start == '[' && trimmed.start[trimmed.len - 1] == ']')
        {
          if (!parse_section (&trimmed, line_number, &category, error))
            return FALSE;
        }
      else if (category == CATEGORY_NONE)
        {
          g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                       _ ("Line %u: an entry must follow a section such as [gratitude]"),
                       line_number);
          return FALSE;
        }
      else if (!add_entry (self, trimmed.start, trimmed.len, category, line_number, error))
        return FALSE;
    }

  if (!have_header)
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_INVALID,
                   _ ("The lexicon is empty: the first line must read “%s %s LANGUAGE”"),
                   LEXICON_MAGIC, LEXICON_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* Where the writer's own words end: a signature, or a quoted or forwarded message below a reply
 * header. Only the person's own text may count. *@drop_previous asks to drop the line before too
 * (a Lotus Notes "Name on date" line above its To:/cc:/Subject: block). */
static gboolean
ends_own_text (const Line *line, const char *text, gsize len, gsize next, gboolean *drop_previous)
{
  Line  trimmed = line_trim (line), ahead;
  gsize pos = next;

  *drop_previous = FALSE;
  if (line_equals (line, "-- ") || line_equals (line, "--"))
    return TRUE;
  if (line_has_prefix (&trimmed, "--")
      && (line_contains (&trimmed, "original message") || line_contains (&trimmed, "forwarded")))
    return TRUE;
  if (line_has_prefix (&trimmed, "begin forwarded message"))
    return TRUE;

  if (line_has_prefix (&trimmed, "on "))
    {
      /* "On Mon, 3 Dec 2001, Jane <jane@example.com> wrote:", often wrapped in two lines. */
      if (line_has_suffix (&trimmed, "wrote:"))
        return TRUE;
      if (next_line (text, len, &pos, &ahead))
        {
          ahead = line_trim (&ahead);
          return line_has_suffix (&ahead, "wrote:");
        }
      return FALSE;
    }

  if (line_has_prefix (&trimmed, "from:"))
    {
      /* Outlook's block: From:, Sent: (or Date:), To:, Subject:. */
      for (guint i = 0; i < 4 && next_line (text, len, &pos, &ahead); i++)
        {
          ahead = line_trim (&ahead);
          if (line_has_prefix (&ahead, "sent:") || line_has_prefix (&ahead, "date:"))
            return TRUE;
        }
      return FALSE;
    }

  if (line_has_prefix (&trimmed, "to:"))
    {
      for (guint i = 0; i < 3 && next_line (text, len, &pos, &ahead); i++)
        {
          ahead = line_trim (&ahead);
          if (line_has_prefix (&ahead, "cc:") || line_has_prefix (&ahead, "subject:"))
            {
              *drop_previous = TRUE;
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* The writer's own lines of @text: without quoted lines ("> …"), and up to the signature or the
 * first quoted or forwarded message. They are usually a prefix of @text, which is then returned
 * as it is; only when quoted lines must be cut out of the middle is a copy made, in *@copy.
 * Returns the text and its length in *@own_len. */
static const char *
own_text (const char *text, gsize len, gsize *own_len, GString **copy)
{
  gsize    pos = 0, end = 0, previous_start = 0;
  gboolean previous_blank = TRUE;
  Line     line;

  *copy = NULL;
  while (end < MAX_ANALYSED_BYTES && next_line (text, len, &pos, &line))
    {
      Line     trimmed = line_trim (&line);
      gboolean drop_previous;

      if (trimmed.len > 0 && *trimmed.start == '>')
        {
          if (*copy == NULL)
            *copy = g_string_new_len (text, end);
          continue;
        }
      if (ends_own_text (&line, text, len, pos, &drop_previous))
        {
          if (drop_previous && !previous_blank)
            end = previous_start;
          break;
        }
      previous_start = end;
      previous_blank = trimmed.len == 0;
      if (*copy != NULL)
        {
          g_string_append_len (*copy, line.start, pos - (line.start - text));
          end = (*copy)->len;
        }
      else
        end = pos;
    }

  if (*copy != NULL)
    {
      g_string_truncate (*copy, end);
      text = (*copy)->str;
    }
  if (end > MAX_ANALYSED_BYTES)
    {
      const char *last = g_utf8_find_prev_char (text, text + MAX_ANALYSED_BYTES + 1);

      end = last != NULL ? (gsize) (last - text) : 0;
    }
  *own_len = end;
  return text;
}

static gboolean
is_question_mark (gunichar c)
{
  /* ASCII, fullwidth, Arabic and Greek question marks, and the double ones. */
  return c == '?' || c == 0xFF1F || c == 0x061F || c == 0x037E || c == 0x2047 || c == 0x2048
         || c == 0x2049;
}

/* Counts questions: runs of question marks ("??", "?!") not followed by a letter or a digit, so
 * that the "?" of a link's query string is not one. */
static guint
count_questions (const char *text, gsize len)
{
  const char *p = text, *end = text + len;
  guint       questions = 0;

  while (p < end)
    {
      gunichar c;

      /* Most text is ASCII without a question mark: skip it byte by byte. */
      if ((guchar) *p < 0x80 && *p != '?')
        {
          p++;
          continue;
        }
      c = g_utf8_get_char (p);
      p = g_utf8_next_char (p);
      if (!is_question_mark (c))
        continue;
      while (p < end && ((c = g_utf8_get_char (p)) == '!' || c == 0xFF01 || is_question_mark (c)))
        p = g_utf8_next_char (p);
      if (p >= end || !g_unichar_isalnum (g_utf8_get_char (p)))
        questions++;
    }
  return questions;
}

static void
add_count (TendContentFeatures *features, Category category)
{
  switch (category)
    {
    case CATEGORY_GRATITUDE:
      features->gratitude++;
      break;
    case CATEGORY_APOLOGIES:
      features->apologies++;
      break;
    case CATEGORY_HEDGES:
      features->hedges++;
      break;
    case CATEGORY_NEGATIVE:
      features->negative++;
      break;
    case CATEGORY_NONE:
    case N_CATEGORIES:
    default:
      g_assert_not_reached ();
    }
}

/* Finds entries in a stream of tokens. The window holds the words since the last word no entry
 * uses or the last sentence break, as no entry spans one; it never holds more than an entry's
 * longest possible length, so the text is not kept. */
typedef struct
{
  TendLexicon         *lexicon;
  TendContentFeatures *features;
  guint                window[MAX_ENTRY_WORDS];
  guint                n_window;
} Matcher;

/* Longest match first at the start of the window, and each word counts towards one entry at
 * most: "thank you so much" is one expression of gratitude, not two. */
static void
matcher_step (Matcher *matcher)
{
  TendLexicon *self = matcher->lexicon;
  Category     best = CATEGORY_NONE;
  guint        node = 0, consumed = 1;

  for (guint j = 0; j < matcher->n_window; j++)
    {
      if ((node = node_child (self, node, matcher->window[j])) == 0)
        break;
      if (g_array_index (self->nodes, Node, node).category != CATEGORY_NONE)
        {
          best = g_array_index (self->nodes, Node, node).category;
          consumed = j + 1;
        }
    }
  if (best != CATEGORY_NONE)
    add_count (matcher->features, best);
  matcher->n_window -= consumed;
  memmove (matcher->window, matcher->window + consumed, matcher->n_window * sizeof (guint));
}

static void
matcher_flush (Matcher *matcher)
{
  while (matcher->n_window > 0)
    matcher_step (matcher);
}

static void
matcher_token_cb (const char *folded, gpointer user_data)
{
  Matcher *matcher = user_data;
  guint    id = TOKEN_UNKNOWN;

  if (folded != NULL)
    id = GPOINTER_TO_UINT (g_hash_table_lookup (matcher->lexicon->vocabulary, folded));
  if (id == TOKEN_UNKNOWN)
    {
      matcher_flush (matcher);
      return;
    }
  matcher->window[matcher->n_window++] = id;
  if (matcher->n_window == MAX_ENTRY_WORDS)
    matcher_step (matcher);
}

static gboolean
is_language_tag (const char *language)
{
  gsize len = strlen (language);

  if (len == 0 || len > 35)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (language[i]) && language[i] != '-' && language[i] != '_')
      return FALSE;
  return TRUE;
}

static void
tend_lexicon_finalize (GObject *object)
{
  TendLexicon *self = (TendLexicon *) object;

  for (guint i = 0; self->nodes != NULL && i < self->nodes->len; i++)
    g_clear_pointer (&g_array_index (self->nodes, Node, i).children, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->vocabulary, g_hash_table_unref);
  g_clear_pointer (&self->iterator, ubrk_close);
  g_mutex_clear (&self->iterator_lock);
  g_free (self->language);

  G_OBJECT_CLASS (tend_lexicon_parent_class)->finalize (object);
}

static void
tend_lexicon_class_init (TendLexiconClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_lexicon_finalize;
}

static void
tend_lexicon_init (TendLexicon *self)
{
  Node root = { NULL, CATEGORY_NONE };

  g_mutex_init (&self->iterator_lock);
  self->vocabulary = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->nodes = g_array_new (FALSE, FALSE, sizeof (Node));
  g_array_append_val (self->nodes, root);
}

/* Loads the lexicon of @language shipped in Tend's resources. */
TendLexicon *
tend_lexicon_new_for_language (const char *language, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gconstpointer data;
  gsize         len;

  g_return_val_if_fail (language != NULL, NULL);

  if (is_language_tag (language))
    {
      path = g_strdup_printf ("/dev/tend/lexicon/%s.lexicon", language);
      bytes
          = g_resource_lookup_data (tend_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    }
  if (bytes == NULL)
    {
      g_set_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_NOT_FOUND,
                   _ ("Tend has no word lists for the language “%s”"), language);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  return tend_lexicon_new_from_data (language, data, len, error);
}

/* Loads a lexicon from @data, in the format of docs/LEXICON.md, written for @language. */
TendLexicon *
tend_lexicon_new_from_data (const char *language, const char *data, gsize len, GError **error)
{
  g_autoptr (TendLexicon) self = NULL;

  g_return_val_if_fail (language != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  self = g_object_new (TEND_TYPE_LEXICON, NULL);
  self->language = g_strdup (language);
  if (!(self->iterator = open_iterator (language, error)))
    return NULL;
  if (!lexicon_load (self, data, len, error))
    return NULL;
  g_debug ("Lexicon %s: %u entries, %u distinct words", language, self->n_entries,
           g_hash_table_size (self->vocabulary));
  return g_steal_pointer (&self);
}

/**
 * tend_lexicon_get_default:
 *
 * Returns: (transfer none): the English lexicon, loaded on first use and kept.
 */
TendLexicon *
tend_lexicon_get_default (void)
{
  static TendLexicon *default_lexicon;

  if (g_once_init_enter (&default_lexicon))
    {
      g_autoptr (GError) error = NULL;
      TendLexicon *lexicon = tend_lexicon_new_for_language ("en", &error);

      /* The shipped data is checked by the tests; failing here is a broken build. */
      if (lexicon == NULL)
        g_error ("The built-in English lexicon cannot be loaded: %s", error->message);
      g_once_init_leave (&default_lexicon, lexicon);
    }
  return default_lexicon;
}

const char *
tend_lexicon_get_language (TendLexicon *self)
{
  g_return_val_if_fail (TEND_IS_LEXICON (self), NULL);

  return self->language;
}

guint
tend_lexicon_get_n_entries (TendLexicon *self)
{
  g_return_val_if_fail (TEND_IS_LEXICON (self), 0);

  return self->n_entries;
}

/**
 * tend_lexicon_analyse:
 * @text: a plain-text body; invalid UTF-8 is tolerated
 * @length: its length in bytes, or -1 if nul-terminated
 *
 * Adds the counts of @text to @features. Only the writer's own words count: quoted lines, the
 * signature and any quoted or forwarded message below a reply header are left out. The text is
 * only read, in memory, and nothing of it is kept (invariant 3).
 */
void
tend_lexicon_analyse (TendLexicon *self, const char *text, gssize length,
                      TendContentFeatures *features)
{
  g_autofree char *valid = NULL;
  g_autoptr (GString) copy = NULL;
  Matcher         matcher = { self, features, { 0 }, 0 };
  UBreakIterator *iterator;
  const char     *own;
  gboolean        shared;
  gsize           len, own_len;

  g_return_if_fail (TEND_IS_LEXICON (self));
  g_return_if_fail (text != NULL || length == 0);
  g_return_if_fail (features != NULL);

  if (text == NULL)
    return;
  len = length < 0 ? strlen (text) : (gsize) length;
  if (!g_utf8_validate_len (text, len, NULL))
    {
      valid = g_utf8_make_valid (text, len);
      text = valid;
      len = strlen (valid);
    }

  own = own_text (text, len, &own_len, &copy);
  features->questions += count_questions (own, own_len);

  lexicon_take_iterator (self, &iterator, &shared);
  if (iterator != NULL)
    features->words += tokenize (iterator, own, own_len, matcher_token_cb, &matcher);
  lexicon_give_iterator (self, iterator, shared);
  matcher_flush (&matcher);
}
