/* tend-mail-importer.c: mail files (mbox, Maildir, .eml) into the store
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * How a file goes in: it is mapped, and an mbox is cut at its "From " lines. GMime parses each
 * message; its headers become a TendMessage, its body is counted by the lexicon
 * (tend-mail-importer-body.c) and dropped, and the message is stored. Messages are committed in
 * batches, each with the mbox offset it reached, so that an interrupted import resumes there.
 */
#define G_LOG_DOMAIN "tend-mail"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tend-lexicon.h"
#include "tend-mail-importer-private.h"
#include "tend-mail-importer.h"

/* A header block larger than this is an attack or a broken file, not mail. It is measured before
 * GMime reads it, so that no message costs more memory than this for its headers. */
#define MAX_HEADER_BYTES (1024 * 1024)
/* Stored messages per transaction: bounds what a crash loses and how long the lock is held. */
#define BATCH_SIZE 1000
/* How much of a file tend_mail_importer_can_import() reads. */
#define SNIFF_BYTES 4096
/* "Not skipped", beside the skip reasons. */
#define NOT_SKIPPED TEND_SKIP_N_REASONS

struct _TendMailImporter
{
  GObject parent_instance;

  /* Owned */
  TendStore  *store;
  GByteArray *text;         /* the decoded body being analysed, emptied after each message */
  GHashTable *sent_senders; /* sender → number of Sent-folder messages (GUINT_TO_POINTER) */
  guint       sent_total;   /* messages read in Sent folders */
  gint64      account_id;
  guint       pending; /* messages stored since the last commit */
  gboolean    in_transaction;

  /* Borrowed */
  TendLexicon *lexicon;
};

/* The file being imported. */
typedef struct
{
  GMimeStream      *stream; /* a GMimeStreamMmap of the whole file */
  GMimeParser      *parser; /* one parser for all its messages */
  const char       *data;
  gsize             size;
  gint64            mtime;
  gboolean          mbox;
  gboolean          sent_folder;
  TendImportReport *report;
} MailFile;

/* A mailbox as written in a header: pointers into the header's value. */
typedef struct
{
  const char *addr;
  gsize       addr_len;
  const char *name;
  gsize       name_len;
} RawMailbox;

G_DEFINE_FINAL_TYPE (TendMailImporter, tend_mail_importer, G_TYPE_OBJECT)

/* GMime 3.2 defines no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)

static gboolean
ensure_transaction (TendMailImporter *self, GError **error)
{
  if (self->in_transaction)
    return TRUE;
  if (!tend_store_begin (self->store, error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
commit (TendMailImporter *self, GError **error)
{
  if (!self->in_transaction)
    return TRUE;
  self->in_transaction = FALSE;
  self->pending = 0;
  /* On failure the store has already rolled back. */
  return tend_store_commit (self->store, error);
}

static void
rollback (TendMailImporter *self)
{
  if (!self->in_transaction)
    return;
  tend_store_rollback (self->store);
  self->in_transaction = FALSE;
  self->pending = 0;
}

/* Header fields: a name of printable ASCII other than ':', then ':'. */
static gboolean
is_field_name (const char *name, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) name[i] < 33 || (guchar) name[i] > 126 || name[i] == ':')
      return FALSE;
  return TRUE;
}

/* A single RFC 5322 message starts with header fields, and at least one of them is one that
 * mail has, which tells it from other "Name: value" files such as iCalendar or vCard. */
static gboolean
looks_like_message (const char *data, gsize len)
{
  static const char *const known[] = {
    "from", "date",        "message-id",   "received",     "return-path",
    "to",   "subject",     "mime-version", "delivered-to", "reply-to",
    "cc",   "in-reply-to", "references",   "sender",       "x-from",
  };
  gboolean seen_known = FALSE;
  guint    fields = 0;
  gsize    pos = 0;

  while (pos < len)
    {
      const char *line = data + pos, *newline = memchr (line, '\n', len - pos);
      gsize       line_len = newline != NULL ? (gsize) (newline - line) : len - pos;
      const char *colon;

      if (line_len == 0 || (line_len == 1 && *line == '\r'))
        break;
      if (*line == ' ' || *line == '\t')
        {
          if (fields == 0)
            return FALSE;
        }
      else
        {
          if (!(colon = memchr (line, ':', line_len)) || !is_field_name (line, colon - line))
            return FALSE;
          fields++;
          for (guint i = 0; i < G_N_ELEMENTS (known) && !seen_known; i++)
            seen_known = (gsize) (colon - line) == strlen (known[i])
                         && g_ascii_strncasecmp (line, known[i], colon - line) == 0;
        }
      if (newline == NULL)
        break;
      pos += line_len + 1;
    }
  return seen_known;
}

static gboolean
is_mbox_separator (const char *data, gsize size, gsize pos)
{
  return size - pos >= 5 && memcmp (data + pos, "From ", 5) == 0;
}

/* The offset of the next line at or after @pos (a line start) that begins with "From ", the
 * mbox separator, or @size when there is none. Like GMime's mbox mode, any such line separates:
 * writers escape "From " at the start of a body line as ">From ". Looks for an 'F' after a line
 * break rather than at each line: far fewer steps on a large mbox. */
static gsize
find_mbox_separator (const char *data, gsize size, gsize pos)
{
  gsize start = pos;

  while (pos < size)
    {
      const char *f = memchr (data + pos, 'F', size - pos);

      if (f == NULL)
        break;
      pos = f - data;
      if ((pos == start || data[pos - 1] == '\n') && is_mbox_separator (data, size, pos))
        return pos;
      pos++;
    }
  return size;
}

/* The length of the header block of the message at @message (up to the blank line), or -1 when
 * it is longer than MAX_HEADER_BYTES. Reads no further than that limit. */
static gssize
find_header_end (const char *message, gsize len)
{
  gsize limit = MIN (len, MAX_HEADER_BYTES), pos = 0;

  while (pos < limit)
    {
      const char *newline;

      if (message[pos] == '\n'
          || (message[pos] == '\r' && pos + 1 < len && message[pos + 1] == '\n'))
        return pos;
      if (!(newline = memchr (message + pos, '\n', limit - pos)))
        break;
      pos = newline - message + 1;
    }
  return len <= MAX_HEADER_BYTES ? (gssize) len : -1;
}

/* Sent folders as mail clients and exports name them: "Sent", "Sent Items", "sent_items",
 * "_sent_mail", "Sent Mail" (also Gmail's "[Gmail]/Sent Mail"), "Sent Messages", Maildir++'s
 * ".Sent" and ".INBOX.Sent", and "Sent.mbox". */
static gboolean
is_sent_folder_name (const char *component)
{
  static const char *const names[] = { "sent", "sent items", "sent mail", "sent messages" };
  g_autofree char         *name = g_ascii_strdown (component, -1);
  char                    *p = name;

  if (g_str_has_suffix (p, ".mbox"))
    p[strlen (p) - strlen (".mbox")] = '\0';
  if (*p == '.')
    p = strrchr (p, '.') + 1;
  while (*p == '_')
    p++;
  for (char *c = p; *c != '\0'; c++)
    if (*c == '_' || *c == '-')
      *c = ' ';
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (p, names[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_in_sent_folder (const char *path)
{
  g_auto (GStrv) components = g_strsplit (path, G_DIR_SEPARATOR_S, -1);

  for (guint i = 0; components[i] != NULL; i++)
    if (*components[i] != '\0' && is_sent_folder_name (components[i]))
      return TRUE;
  return FALSE;
}

/* Finds the mailbox in one element of an address list, [@start, @end): "Name <addr>", a bare
 * "addr" or "addr (comment)". Only addresses with an "@" count. */
static gboolean
parse_mailbox (const char *start, const char *end, RawMailbox *out)
{
  const char *open = NULL, *close = NULL, *word = NULL;
  gboolean    quoted = FALSE;
  int         comment = 0;

  for (const char *p = start; p < end && close == NULL; p++)
    {
      if (quoted)
        {
          if (*p == '\\' && p + 1 < end)
            p++;
          else if (*p == '"')
            quoted = FALSE;
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == '(')
        comment++;
      else if (*p == ')' && comment > 0)
        comment--;
      else if (comment == 0 && *p == '<' && open == NULL)
        open = p;
      else if (comment == 0 && *p == '>' && open != NULL)
        close = p;
    }

  *out = (RawMailbox){ NULL, 0, NULL, 0 };
  if (open != NULL && close != NULL)
    {
      out->addr = open + 1;
      out->addr_len = close - open - 1;
      out->name = start;
      out->name_len = open - start;
    }
  else
    {
      /* The first word with an "@" outside comments and quotes. */
      quoted = FALSE;
      comment = 0;
      for (const char *p = start; p <= end; p++)
        {
          gboolean separator = p == end || g_ascii_isspace (*p) || *p == '(' || *p == '"';

          if (!separator && word == NULL && !quoted && comment == 0)
            word = p;
          if (separator && word != NULL)
            {
              if (memchr (word, '@', p - word) != NULL)
                {
                  out->addr = word;
                  out->addr_len = p - word;
                  break;
                }
              word = NULL;
            }
          if (p < end && *p == '"')
            quoted = !quoted;
          else if (p < end && *p == '(' && !quoted)
            comment++;
          else if (p < end && *p == ')' && !quoted && comment > 0)
            comment--;
        }
    }

  while (out->addr_len > 0 && g_ascii_isspace (*out->addr))
    out->addr++, out->addr_len--;
  while (out->addr_len > 0 && g_ascii_isspace (out->addr[out->addr_len - 1]))
    out->addr_len--;
  if (out->addr == NULL || out->addr_len == 0 || memchr (out->addr, '@', out->addr_len) == NULL)
    return FALSE;
  for (gsize i = 0; i < out->addr_len; i++)
    if (g_ascii_isspace (out->addr[i]) || out->addr[i] == '"' || out->addr[i] == '<')
      return FALSE;
  return TRUE;
}

/* Steps through the mailboxes of a raw address-list header value. Leniently: GMime rejects
 * addresses such as "k..allen@enron.com" that real mail, the Enron corpus among it, is full of.
 * Groups ("Team: a@example.com, b@example.com;") give their members. */
static gboolean
next_mailbox (const char **cursor, RawMailbox *out)
{
  const char *p = *cursor;

  while (*p != '\0')
    {
      const char *start = p, *end;
      gboolean    quoted = FALSE;
      int         comment = 0, angle = 0;

      for (; *p != '\0'; p++)
        {
          if (quoted)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              else if (*p == '"')
                quoted = FALSE;
            }
          else if (*p == '"')
            quoted = TRUE;
          else if (*p == '(')
            comment++;
          else if (*p == ')' && comment > 0)
            comment--;
          else if (comment > 0)
            continue;
          else if (*p == '<')
            angle++;
          else if (*p == '>' && angle > 0)
            angle--;
          else if (angle == 0 && *p == ':')
            start = p + 1;
          else if (angle == 0 && (*p == ',' || *p == ';'))
            break;
        }
      end = p;
      if (*p != '\0')
        p++;
      if (parse_mailbox (start, end, out))
        {
          *cursor = p;
          return TRUE;
        }
    }
  *cursor = p;
  return FALSE;
}

/* tend_normalize_address() of the @len bytes at @address, which need not end in NUL. */
static char *
normalize_address (const char *address, gsize len)
{
  g_autofree char *copy = g_strndup (address, len);

  return tend_normalize_address (copy);
}

static void
add_recipients (TendMessage *message, const char *value)
{
  const char *cursor = value;
  RawMailbox  mailbox;

  while (next_mailbox (&cursor, &mailbox))
    {
      char *normalized = normalize_address (mailbox.addr, mailbox.addr_len);

      if (normalized != NULL)
        g_ptr_array_add (message->recipients, normalized);
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Keeps each recipient once. Mailing lists reach hundreds of recipients, so this sorts rather
 * than comparing each address with all the others. */
static void
remove_duplicates (GPtrArray *addresses)
{
  guint kept = 0;

  if (addresses->len < 2)
    return;
  g_ptr_array_sort (addresses, compare_strings);
  for (guint i = 0; i < addresses->len; i++)
    {
      char *address = g_ptr_array_index (addresses, i);

      if (kept > 0 && g_str_equal (address, g_ptr_array_index (addresses, kept - 1)))
        g_free (address);
      else
        addresses->pdata[kept++] = address;
    }
  /* The duplicates are freed already: shrink without freeing again. */
  g_ptr_array_set_free_func (addresses, NULL);
  g_ptr_array_set_size (addresses, kept);
  g_ptr_array_set_free_func (addresses, g_free);
}

/* The first mailbox of From, as GMime reads it; failing that, as next_mailbox() does. */
static void
read_sender (GMimeMessage *mime, const char *raw_from, TendMessage *message)
{
  InternetAddressList *from = g_mime_message_get_from (mime);
  RawMailbox           mailbox;
  const char          *cursor = raw_from;

  for (int i = 0; from != NULL && i < internet_address_list_length (from); i++)
    {
      InternetAddress *address = internet_address_list_get_address (from, i);
      const char      *addr;

      if (INTERNET_ADDRESS_IS_GROUP (address))
        {
          InternetAddressList *members
              = internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address));

          if (members == NULL || internet_address_list_length (members) == 0)
            continue;
          address = internet_address_list_get_address (members, 0);
        }
      if (!INTERNET_ADDRESS_IS_MAILBOX (address))
        continue;
      addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
      if (addr == NULL || !(message->sender = normalize_address (addr, strlen (addr))))
        continue;
      if (internet_address_get_name (address) != NULL && *internet_address_get_name (address))
        message->sender_name = g_strdup (internet_address_get_name (address));
      return;
    }

  if (raw_from != NULL && next_mailbox (&cursor, &mailbox))
    {
      g_autofree char *name
          = g_strndup (mailbox.name != NULL ? mailbox.name : "", mailbox.name_len);

      message->sender = normalize_address (mailbox.addr, mailbox.addr_len);
      g_strstrip (name);
      if (*name == '"' && name[1] != '\0' && g_str_has_suffix (name, "\""))
        {
          name[strlen (name) - 1] = '\0';
          memmove (name, name + 1, strlen (name));
        }
      if (message->sender != NULL && *name != '\0')
        message->sender_name = g_mime_utils_header_decode_phrase (NULL, name);
    }
}

/* GMime reads a four-digit year below 100 ("0001", seen in the Enron corpus) as a two-digit one
 * and dates the message in 2001; the date is absurd, not in 2001. The year comes before the
 * time in RFC 5322 dates. */
static gboolean
has_ancient_year (const char *value)
{
  const char *p = value;

  while (*p != '\0')
    {
      const char *word;
      gboolean    digits = TRUE;

      while (*p != '\0' && (g_ascii_isspace (*p) || *p == ','))
        p++;
      for (word = p; *p != '\0' && !g_ascii_isspace (*p) && *p != ','; p++)
        {
          if (*p == ':')
            return FALSE;
          digits = digits && g_ascii_isdigit (*p);
        }
      if (digits && p - word == 4)
        return strtol (word, NULL, 10) < 1990;
    }
  return FALSE;
}

/* The first message id of an In-Reply-To or References value, without its angle brackets. The
 * plain "<id>" that nearly all are is read here; anything else goes to GMime's parser. */
static char *
first_message_id (const char *value)
{
  const char      *open, *close;
  GMimeReferences *references;
  char            *id = NULL;

  if (value == NULL)
    return NULL;
  if ((open = strchr (value, '<')) != NULL && (close = strchr (open, '>')) != NULL
      && close > open + 1)
    {
      gboolean plain = TRUE;

      for (const char *p = value; p < open && plain; p++)
        plain = g_ascii_isspace (*p);
      for (const char *p = open + 1; p < close && plain; p++)
        plain = !g_ascii_isspace (*p) && *p != '<' && *p != '(' && *p != '"';
      if (plain)
        return g_strndup (open + 1, close - open - 1);
    }

  if (!(references = g_mime_references_parse (NULL, value)))
    return NULL;
  if (g_mime_references_length (references) > 0)
    id = g_strdup (g_mime_references_get_message_id (references, 0));
  g_mime_references_free (references);
  return id;
}

typedef enum
{
  HEADER_OTHER,
  HEADER_FROM,
  HEADER_DATE,
  HEADER_RECIPIENTS, /* To, Cc, Bcc */
  HEADER_MESSAGE_ID,
  HEADER_IN_REPLY_TO,
  HEADER_REFERENCES,
} HeaderKind;

/* Which of the headers Tend reads @name is. Messages have dozens of headers, so the first letter
 * sorts out most of them before any string comparison. */
static HeaderKind
classify_header (const char *name)
{
  switch (g_ascii_tolower (*name))
    {
    case 'f':
      return g_ascii_strcasecmp (name, "from") == 0 ? HEADER_FROM : HEADER_OTHER;
    case 'd':
      return g_ascii_strcasecmp (name, "date") == 0 ? HEADER_DATE : HEADER_OTHER;
    case 't':
    case 'c':
    case 'b':
      return g_ascii_strcasecmp (name, "to") == 0 || g_ascii_strcasecmp (name, "cc") == 0
                     || g_ascii_strcasecmp (name, "bcc") == 0
                 ? HEADER_RECIPIENTS
                 : HEADER_OTHER;
    case 'm':
      return g_ascii_strcasecmp (name, "message-id") == 0 ? HEADER_MESSAGE_ID : HEADER_OTHER;
    case 'i':
      return g_ascii_strcasecmp (name, "in-reply-to") == 0 ? HEADER_IN_REPLY_TO : HEADER_OTHER;
    case 'r':
      return g_ascii_strcasecmp (name, "references") == 0 ? HEADER_REFERENCES : HEADER_OTHER;
    default:
      return HEADER_OTHER;
    }
}

/* Fills @message from the headers of @mime; returns why the message is skipped, or
 * NOT_SKIPPED. @header_block is the raw header block, for messages without a Message-ID. */
static TendSkipReason
read_headers (GMimeMessage *mime, const char *header_block, gsize header_len, TendMessage *message)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (mime));
  const char *raw_from = NULL, *raw_date = NULL, *raw_in_reply_to = NULL, *raw_references = NULL;
  const char *id;
  GDateTime  *date;
  int         n_headers = g_mime_header_list_get_count (headers);

  if (n_headers == 0)
    return TEND_SKIP_GARBAGE;

  for (int i = 0; i < n_headers; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      HeaderKind   kind = classify_header (g_mime_header_get_name (header));
      const char  *raw = g_mime_header_get_raw_value (header);

      if (kind == HEADER_OTHER || raw == NULL)
        continue;
      /* RFC 6532 allows raw UTF-8 in headers, and nothing else. */
      if (!g_utf8_validate (raw, -1, NULL))
        return TEND_SKIP_INVALID_UTF8;
      if (kind == HEADER_FROM && raw_from == NULL)
        raw_from = raw;
      else if (kind == HEADER_DATE && raw_date == NULL)
        raw_date = raw;
      else if (kind == HEADER_IN_REPLY_TO && raw_in_reply_to == NULL)
        raw_in_reply_to = raw;
      else if (kind == HEADER_REFERENCES && raw_references == NULL)
        raw_references = raw;
      else if (kind == HEADER_RECIPIENTS)
        add_recipients (message, raw);
    }
  remove_duplicates (message->recipients);

  read_sender (mime, raw_from, message);
  if (message->sender == NULL)
    return TEND_SKIP_MISSING_SENDER;

  if (raw_date == NULL || !(date = g_mime_message_get_date (mime)))
    return TEND_SKIP_MISSING_DATE;
  message->sent_at = g_date_time_to_unix (date);
  if (has_ancient_year (raw_date) || message->sent_at < TEND_IMPORT_EARLIEST_DATE
      || message->sent_at > g_get_real_time () / G_USEC_PER_SEC + 24 * 60 * 60)
    return TEND_SKIP_ABSURD_DATE;

  id = g_mime_message_get_message_id (mime);
  if (id != NULL && *id != '\0')
    message->provider_id = g_strdup (id);
  else
    {
      /* Stable across imports, so that importing the file again finds the same message. */
      g_autofree char *digest = g_compute_checksum_for_data (
          G_CHECKSUM_SHA256, (const guchar *) header_block, header_len);

      message->provider_id = g_strconcat ("tend-sha256:", digest, NULL);
    }

  message->in_reply_to = first_message_id (raw_in_reply_to);
  message->conversation_id = first_message_id (raw_references);
  if (message->conversation_id == NULL)
    message->conversation_id
        = g_strdup (message->in_reply_to != NULL ? message->in_reply_to : message->provider_id);
  message->kind = TEND_MESSAGE_KIND_MAIL;
  return NOT_SKIPPED;
}

/* Counts what the lexicon finds in the body, in memory. The text is dropped right after:
 * bodies are never stored (invariant 3). */
static void
analyse_body (TendMailImporter *self, GMimeMessage *mime, gboolean from_mbox,
              TendContentFeatures *features)
{
  gsize len = _tend_mail_importer_extract_text (mime, from_mbox, self->text);

  tend_lexicon_analyse (self->lexicon, (const char *) self->text->data, len, features);
  g_byte_array_set_size (self->text, 0);
}

static void
skip (MailFile *file, TendSkipReason reason)
{
  g_debug ("Skipped a message: %s", tend_skip_reason_get_key (reason));
  tend_import_report_skip (file->report, reason);
}

/* Imports the message at [@start, @start + @len) of @file. Bad messages are counted and
 * skipped; FALSE means a database failure. */
static gboolean
import_message (TendMailImporter *self, MailFile *file, gsize start, gsize len, GError **error)
{
  const char *raw = file->data + start;
  gssize      header_len = find_header_end (raw, len);
  g_autoptr (GMimeStream) substream = NULL;
  g_autoptr (GMimeMessage) mime = NULL;
  g_autoptr (TendMessage) message = NULL;
  TendSkipReason reason;
  gboolean       inserted;

  if (header_len < 0)
    {
      skip (file, TEND_SKIP_OVERSIZED);
      return TRUE;
    }

  substream = g_mime_stream_substream (file->stream, start, start + len);
  g_mime_parser_init_with_stream (file->parser, substream);
  g_mime_parser_set_format (file->parser, GMIME_FORMAT_MESSAGE);
  if (!(mime = g_mime_parser_construct_message (file->parser, NULL)))
    {
      skip (file, TEND_SKIP_GARBAGE);
      return TRUE;
    }

  message = tend_message_new ();
  if ((reason = read_headers (mime, raw, header_len, message)) != NOT_SKIPPED)
    {
      skip (file, reason);
      return TRUE;
    }
  analyse_body (self, mime, file->mbox, &message->features);

  if (!ensure_transaction (self, error)
      || !tend_store_add_message (self->store, self->account_id, message, &inserted, error))
    return FALSE;
  self->pending++;
  if (inserted)
    file->report->messages_added++;
  else
    file->report->messages_unchanged++;

  if (file->sent_folder)
    {
      gpointer count = g_hash_table_lookup (self->sent_senders, message->sender);

      g_hash_table_insert (self->sent_senders, g_strdup (message->sender),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
      self->sent_total++;
    }
  return TRUE;
}

static gboolean
set_mbox_cursor (TendMailImporter *self, MailFile *file, const char *collection, gsize offset,
                 GError **error)
{
  g_autofree char *cursor = g_strdup_printf (
      "%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT ":%" G_GINT64_FORMAT, offset, file->size, file->mtime);

  return ensure_transaction (self, error)
         && tend_store_set_cursor (self->store, self->account_id, collection, cursor, error);
}

/* Where to start reading an mbox imported before. Mail clients append to an mbox, so when it has
 * only grown and the stored offset still starts a message there, reading resumes there; when it
 * shrank or was rewritten, it is read again from the start (which stores nothing twice). Returns
 * file->size when nothing changed. */
static gsize
mbox_resume_offset (TendMailImporter *self, MailFile *file, const char *collection)
{
  g_autofree char *cursor = tend_store_get_cursor (self->store, self->account_id, collection, NULL);
  g_auto (GStrv) fields = NULL;
  guint64 offset, size;
  gint64  mtime;

  if (cursor == NULL)
    return 0;
  fields = g_strsplit (cursor, ":", -1);
  if (g_strv_length (fields) != 3
      || !g_ascii_string_to_unsigned (fields[0], 10, 0, G_MAXUINT64, &offset, NULL)
      || !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT64, &size, NULL)
      || !g_ascii_string_to_signed (fields[2], 10, G_MININT64, G_MAXINT64, &mtime, NULL)
      || offset > size)
    return 0;

  if (file->size < size || (file->size == size && file->mtime != mtime))
    return 0;
  if (offset == file->size)
    return offset;
  if (offset > 0
      && (file->data[offset - 1] != '\n' || !is_mbox_separator (file->data, file->size, offset)))
    return 0;
  return offset;
}

/* The sync_cursor collection of the mbox at @path. Only a digest of the path is kept: folder
 * names ("Lawyer", "Job search") can say more than Tend needs to know. */
static char *
mbox_collection (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);

  return g_strconcat ("mbox-sha256:", digest, NULL);
}

static gboolean
import_mbox (TendMailImporter *self, MailFile *file, const char *path, GCancellable *cancellable,
             GError **error)
{
  g_autofree char *collection = mbox_collection (path);
  gsize            pos = mbox_resume_offset (self, file, collection);

  if (pos == file->size && pos > 0)
    {
      g_debug ("Mailbox unchanged since the last import");
      return TRUE;
    }
  if (pos > 0)
    g_debug ("Resuming a mailbox at offset %" G_GSIZE_FORMAT, pos);

  if (pos == 0 && !is_mbox_separator (file->data, file->size, 0))
    {
      gsize first = find_mbox_separator (file->data, file->size, 0);

      for (gsize i = 0; i < first; i++)
        if (!g_ascii_isspace (file->data[i]))
          {
            skip (file, TEND_SKIP_GARBAGE);
            break;
          }
      pos = first;
    }

  while (pos < file->size)
    {
      const char *newline = memchr (file->data + pos, '\n', file->size - pos);
      gsize       start = newline != NULL ? (gsize) (newline - file->data) + 1 : file->size;
      gsize       next = find_mbox_separator (file->data, file->size, start);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!import_message (self, file, start, next - start, error))
        return FALSE;
      pos = next;
      /* The cursor commits with the messages it covers, so an interrupted import resumes
       * without loss or duplicates. */
      if (self->pending >= BATCH_SIZE
          && (!set_mbox_cursor (self, file, collection, pos, error) || !commit (self, error)))
        return FALSE;
    }

  return set_mbox_cursor (self, file, collection, file->size, error);
}

static void
tend_mail_importer_dispose (GObject *object)
{
  TendMailImporter *self = (TendMailImporter *) object;

  /* Without finish(), what is pending is discarded: never half of a batch. */
  if (self->store != NULL)
    rollback (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tend_mail_importer_parent_class)->dispose (object);
}

static void
tend_mail_importer_finalize (GObject *object)
{
  TendMailImporter *self = (TendMailImporter *) object;

  g_byte_array_unref (self->text);
  g_hash_table_unref (self->sent_senders);

  G_OBJECT_CLASS (tend_mail_importer_parent_class)->finalize (object);
}

static void
tend_mail_importer_class_init (TendMailImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_mail_importer_dispose;
  object_class->finalize = tend_mail_importer_finalize;

  g_mime_init ();
}

static void
tend_mail_importer_init (TendMailImporter *self)
{
  self->text = g_byte_array_new ();
  self->sent_senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lexicon = tend_lexicon_get_default ();
}

TendMailImporter *
tend_mail_importer_new (TendStore *store, gint64 account_id)
{
  TendMailImporter *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);

  self = g_object_new (TEND_TYPE_MAIL_IMPORTER, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  return self;
}

/**
 * tend_mail_importer_can_import:
 *
 * Returns: %TRUE if @path starts like an mbox ("From " line) or like a single RFC 5322 message.
 */
gboolean
tend_mail_importer_can_import (const char *path)
{
  char   head[SNIFF_BYTES];
  gssize got;
  int    fd;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Non-blocking, so that a named pipe does not wait for a writer. */
  if ((fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0)) < 0)
    return FALSE;
  do
    got = read (fd, head, sizeof head);
  while (got < 0 && errno == EINTR);
  close (fd);
  if (got <= 0)
    return FALSE;
  return is_mbox_separator (head, got, 0) || looks_like_message (head, got);
}

/* Opens and maps @path, or counts why it cannot and returns NULL; an empty file is not counted.
 *
 * The file is mapped rather than read: an mbox may hold gigabytes. Mail clients append to an
 * mbox (the map covers what was there) and replace Maildir files by renaming, so the map stays
 * valid. A program that shrinks the file in place while it is being read (mutt rewriting an
 * mbox) makes the process fail with SIGBUS; catching that signal would cost more than the rare
 * case is worth. */
static GMimeStream *
map_file (const char *path, gint64 *mtime, TendImportReport *report)
{
  GMimeStream *stream;
  struct stat  info;
  int          fd;

  /* Non-blocking, so that a named pipe does not wait for a writer; it is refused below. */
  if ((fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0)) < 0)
    {
      g_debug ("Cannot open a mail file: %s", g_strerror (errno));
      tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      return NULL;
    }
  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      close (fd);
      tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      return NULL;
    }
  if (info.st_size == 0)
    {
      close (fd);
      return NULL;
    }
  /* The stream owns the descriptor from here on. */
  if (!(stream = g_mime_stream_mmap_new (fd, PROT_READ, MAP_PRIVATE)))
    {
      g_debug ("Cannot map a mail file: %s", g_strerror (errno));
      close (fd);
      tend_import_report_skip (report, TEND_SKIP_UNREADABLE);
      return NULL;
    }
  *mtime = info.st_mtime;
  return stream;
}

/* Imports @file as an mbox or as a single message, whichever it is. */
static gboolean
import_contents (TendMailImporter *self, MailFile *file, const char *path,
                 GCancellable *cancellable, GError **error)
{
  if (is_mbox_separator (file->data, file->size, 0))
    file->mbox = TRUE;
  else if (looks_like_message (file->data, MIN (file->size, MAX_HEADER_BYTES)))
    return import_message (self, file, 0, file->size, error);
  /* Some exports write a line of their own before the first "From " line. */
  else if (find_mbox_separator (file->data, file->size, 0) < file->size)
    file->mbox = TRUE;
  else
    {
      skip (file, TEND_SKIP_GARBAGE);
      return TRUE;
    }
  return import_mbox (self, file, path, cancellable, error);
}

/**
 * tend_mail_importer_import_file:
 * @path: an mbox, or a file holding one message (.eml, a Maildir entry, an Enron-style
 *   numbered file)
 *
 * Reads the messages of @path into the store, in the transaction kept open across files. Bad
 * messages and unreadable files are counted in @report and skipped.
 *
 * Returns: %FALSE only on a database failure or when cancelled; what was pending since the last
 *   commit is then rolled back.
 */
gboolean
tend_mail_importer_import_file (TendMailImporter *self, const char *path, TendImportReport *report,
                                GCancellable *cancellable, GError **error)
{
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeParser) parser = NULL;
  MailFile file = { 0 };

  g_return_val_if_fail (TEND_IS_MAIL_IMPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  report->files++;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      rollback (self);
      return FALSE;
    }
  if (!(stream = map_file (path, &file.mtime, report)))
    return TRUE;

  parser = g_mime_parser_new ();
  file.stream = stream;
  file.parser = parser;
  file.data = GMIME_STREAM_MMAP (stream)->map;
  file.size = GMIME_STREAM_MMAP (stream)->maplen;
  file.sent_folder = is_in_sent_folder (path);
  file.report = report;

  if (!import_contents (self, &file, path, cancellable, error)
      || (self->pending >= BATCH_SIZE && !commit (self, error)))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

static gboolean
infer_me (TendMailImporter *self, TendImportReport *report, GError **error)
{
  g_autoptr (GPtrArray) senders = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       sender, count;

  g_hash_table_iter_init (&iter, self->sent_senders);
  while (g_hash_table_iter_next (&iter, &sender, &count))
    if (2 * (guint64) GPOINTER_TO_UINT (count) >= self->sent_total)
      g_ptr_array_add (senders, sender);
  g_ptr_array_sort (senders, compare_strings);

  for (guint i = 0; i < senders->len; i++)
    {
      if (!tend_store_add_me (self->store, g_ptr_array_index (senders, i), error))
        return FALSE;
      g_ptr_array_add (report->inferred_me, g_strdup (g_ptr_array_index (senders, i)));
    }
  g_debug ("Inferred %u address(es) of mine from %u Sent-folder messages", senders->len,
           self->sent_total);
  return TRUE;
}

/**
 * tend_mail_importer_finish:
 *
 * Commits what is pending. When the store knows none of my addresses yet, the sender of at least
 * half of the messages found in Sent folders is taken to be me: marked with tend_store_add_me()
 * and added to @report's inferred_me.
 */
gboolean
tend_mail_importer_finish (TendMailImporter *self, TendImportReport *report, GError **error)
{
  g_return_val_if_fail (TEND_IS_MAIL_IMPORTER (self), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  if (self->sent_total > 0)
    {
      g_auto (GStrv) me = NULL;

      if (!ensure_transaction (self, error))
        return FALSE;
      if (!(me = tend_store_dup_me (self->store, error))
          || (me[0] == NULL && !infer_me (self, report, error)))
        {
          rollback (self);
          return FALSE;
        }
      g_hash_table_remove_all (self->sent_senders);
      self->sent_total = 0;
    }

  return commit (self, error);
}
