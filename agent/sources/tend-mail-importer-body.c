/* tend-mail-importer-body.c: the text of a message body, for TendMailImporter's lexicon
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Everything that reads a message body is here and in tend-lexicon.c. The text lives in memory
 * only, in a buffer the importer empties after each message (invariant 3).
 */
#define G_LOG_DOMAIN "tend-mail"

#include "config.h"

#include <string.h>

#include "tend-mail-importer-private.h"

/* A body part is decoded up to this size. The lexicon reads at most 8 MiB of the writer's own
 * words, which quoted lines may precede; a multi-gigabyte log pasted into a message is not
 * copied whole. */
#define MAX_TEXT_BYTES (16 * 1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)

/* The first text part of @subtype that is not an attachment. Forwarded messages
 * (message/rfc822) are someone else's words, and encrypted parts cannot be read. */
static GMimePart *
find_text_part (GMimeObject *object, const char *subtype)
{
  GMimeContentType *type;

  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);

      if (GMIME_IS_MULTIPART_ENCRYPTED (object))
        return NULL;
      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        {
          GMimePart *part = find_text_part (g_mime_multipart_get_part (multipart, i), subtype);

          if (part != NULL)
            return part;
        }
      return NULL;
    }
  if (!GMIME_IS_PART (object) || g_mime_part_is_attachment (GMIME_PART (object)))
    return NULL;
  type = g_mime_object_get_content_type (object);
  return type != NULL && g_mime_content_type_is_type (type, "text", subtype) ? GMIME_PART (object)
                                                                             : NULL;
}

static gboolean
is_utf8_compatible (const char *charset)
{
  static const char *const names[] = { "utf-8", "utf8", "us-ascii", "ascii" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (charset, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Runs @len bytes at @in through the transfer decoder and the charset converter, either of them
 * possibly NULL, and appends the result to @text. @last flushes what the filters hold back. */
static void
append_decoded (GByteArray *text, GMimeFilter *decoder, GMimeFilter *converter, char *in,
                size_t len, gboolean last)
{
  size_t prespace = 0;

  if (decoder != NULL && last)
    g_mime_filter_complete (decoder, in, len, prespace, &in, &len, &prespace);
  else if (decoder != NULL)
    g_mime_filter_filter (decoder, in, len, prespace, &in, &len, &prespace);
  if (converter != NULL && last)
    g_mime_filter_complete (converter, in, len, prespace, &in, &len, &prespace);
  else if (converter != NULL)
    g_mime_filter_filter (converter, in, len, prespace, &in, &len, &prespace);
  g_byte_array_append (text, (const guint8 *) in, len);
}

/* Decodes the content of @part (transfer encoding, then charset to UTF-8) into @text, up to
 * about MAX_TEXT_BYTES. A body in UTF-8 or ASCII without a transfer encoding, the common case,
 * is copied as it is. */
static void
decode_text (GMimePart *part, GByteArray *text)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  const char *charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
  g_autoptr (GMimeFilter) decoder = NULL;
  g_autoptr (GMimeFilter) converter = NULL;
  GMimeStream *source;
  char         buffer[4096];
  gssize       got;

  g_byte_array_set_size (text, 0);
  if (content == NULL || (source = g_mime_data_wrapper_get_stream (content)) == NULL)
    return;

  switch (g_mime_data_wrapper_get_encoding (content))
    {
    case GMIME_CONTENT_ENCODING_BASE64:
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
    case GMIME_CONTENT_ENCODING_UUENCODE:
      decoder = g_mime_filter_basic_new (g_mime_data_wrapper_get_encoding (content), FALSE);
      break;
    default:
      break;
    }
  /* An unknown charset leaves the bytes as they are; the lexicon copes with bad UTF-8. */
  if (charset != NULL && !is_utf8_compatible (charset))
    converter = g_mime_filter_charset_new (charset, "UTF-8");

  g_mime_stream_reset (source);
  while (text->len < MAX_TEXT_BYTES
         && (got = g_mime_stream_read (source, buffer, sizeof buffer)) > 0)
    append_decoded (text, decoder, converter, buffer, got, FALSE);
  append_decoded (text, decoder, converter, buffer, 0, TRUE);
}

static gboolean
tag_is (const char *name, gsize len, const char *tag)
{
  return len == strlen (tag) && g_ascii_strncasecmp (name, tag, len) == 0;
}

static gboolean
is_block_tag (const char *name, gsize len)
{
  static const char *const tags[] = { "br", "p",  "div", "tr", "li", "ul", "ol", "table",
                                      "hr", "h1", "h2",  "h3", "h4", "h5", "h6", "pre" };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    if (tag_is (name, len, tags[i]))
      return TRUE;
  return FALSE;
}

/* Writes the character that the entity at @p (after its '&') stands for to @out and returns
 * how many input bytes it took, or 0 if it is not one Tend knows. Never writes more bytes than
 * it takes, so that the conversion can work in place. */
static gsize
decode_entity (const char *p, const char *end, char *out, gsize *written)
{
  static const struct
  {
    const char *name;
    char        c;
  } named[] = { { "amp", '&' },  { "lt", '<' },    { "gt", '>' },
                { "quot", '"' }, { "apos", '\'' }, { "nbsp", ' ' } };
  const char *semicolon = memchr (p, ';', MIN ((gsize) (end - p), 10));
  gsize       len;

  if (semicolon == NULL)
    return 0;
  len = semicolon - p;
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (tag_is (p, len, named[i].name))
      {
        *out = named[i].c;
        *written = 1;
        return len + 1;
      }
  if (len >= 2 && *p == '#')
    {
      gboolean hex = p[1] == 'x' || p[1] == 'X';
      char     digits[10] = { 0 };
      gunichar c;

      memcpy (digits, p + 1 + hex, len - 1 - hex);
      c = strtoul (digits, NULL, hex ? 16 : 10);
      /* "&#N;" is at least 4 bytes and a character at most 4 in UTF-8. */
      *written = g_unichar_validate (c) && c != 0 ? (gsize) g_unichar_to_utf8 (c, out) : 0;
      return len + 1;
    }
  return 0;
}

/* A crude HTML-to-text conversion, in place: tags are dropped (block tags become line breaks),
 * entities decoded, and what is not the writer's text left out — scripts, styles, and quoted
 * replies (<blockquote>). Returns the new length. */
static gsize
html_to_text (char *html, gsize len)
{
  static const char *const hidden[] = { "script", "style", "head", "title", "blockquote" };
  const char              *p = html, *end = html + len, *hiding = NULL;
  char                    *out = html;
  guint                    depth = 0;

  while (p < end)
    {
      if (*p == '<')
        {
          const char *close, *name;
          gboolean    closing;
          gsize       name_len = 0;

          if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
            {
              const char *c = g_strstr_len (p + 4, end - p - 4, "-->");

              p = c != NULL ? c + 3 : end;
              continue;
            }
          if (!(close = memchr (p, '>', end - p)))
            break;
          closing = p + 1 < close && p[1] == '/';
          name = p + 1 + closing;
          while (name + name_len < close && g_ascii_isalnum (name[name_len]))
            name_len++;
          p = close + 1;

          if (hiding != NULL)
            {
              if (tag_is (name, name_len, hiding) && !closing)
                depth++;
              else if (tag_is (name, name_len, hiding) && --depth == 0)
                hiding = NULL;
              continue;
            }
          for (guint i = 0; i < G_N_ELEMENTS (hidden) && !closing; i++)
            if (tag_is (name, name_len, hidden[i]) && close[-1] != '/')
              hiding = hidden[i], depth = 1;
          if (is_block_tag (name, name_len))
            *out++ = '\n';
          else if (tag_is (name, name_len, "td") || tag_is (name, name_len, "th"))
            *out++ = ' ';
          continue;
        }
      if (hiding != NULL)
        p++;
      else if (*p == '&')
        {
          gsize written = 0, taken = decode_entity (p + 1, end, out, &written);

          if (taken == 0)
            *out++ = *p++;
          else
            out += written, p += taken + 1;
        }
      else
        *out++ = *p++;
    }
  return out - html;
}

/* mbox writers escape a body line starting "From " as ">From " (and ">From " as ">>From ");
 * undoes one level, in place, so that such a line does not read as a quote. Returns the new
 * length. */
static gsize
unescape_from_lines (char *text, gsize len)
{
  const char *p = text, *end = text + len;
  gboolean    line_start = TRUE;
  char       *out = text;

  while (p < end)
    {
      if (line_start)
        {
          const char *q = p;

          while (q < end && *q == '>')
            q++;
          if (q > p && end - q >= 5 && memcmp (q, "From ", 5) == 0)
            p++;
        }
      line_start = *p == '\n';
      *out++ = *p++;
    }
  return out - text;
}

/**
 * _tend_mail_importer_extract_text:
 * @mime: a message
 * @from_mbox: whether @mime was read from an mbox, whose writers escape "From " lines
 * @text: where the text goes; emptied first
 *
 * Puts the text of the first plain-text part of @mime in @text, or failing that of the first
 * HTML part converted to text. Attachments, forwarded messages and encrypted parts are not read.
 *
 * Returns: the length of the text in @text, which may be less than @text->len
 */
gsize
_tend_mail_importer_extract_text (GMimeMessage *mime, gboolean from_mbox, GByteArray *text)
{
  GMimeObject *body = g_mime_message_get_mime_part (mime);
  GMimePart   *part;
  gsize        len;

  g_byte_array_set_size (text, 0);
  if (body == NULL)
    return 0;
  if ((part = find_text_part (body, "plain")) != NULL)
    {
      decode_text (part, text);
      len = text->len;
    }
  else if ((part = find_text_part (body, "html")) != NULL)
    {
      decode_text (part, text);
      len = html_to_text ((char *) text->data, text->len);
    }
  else
    return 0;
  if (from_mbox)
    len = unescape_from_lines ((char *) text->data, len);
  return len;
}

/* For the API sources, whose bodies arrive as HTML without a MIME envelope (Teams chats). */
gsize
_tend_mail_importer_html_to_text (char *html, gsize len)
{
  return html_to_text (html, len);
}
