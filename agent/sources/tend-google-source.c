/* tend-google-source.c: Gmail and Google Calendar kept in sync with the store
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * Two collections, each with one cursor in the store, committed in the same transaction as the
 * rows of the page it covers, so that a sync killed at any point resumes without loss or
 * duplicates:
 *
 * - "gmail": the first sync notes the mailbox's historyId (users.getProfile), then lists the
 *   messages of a window (users.messages.list) and reads each one (users.messages.get,
 *   format=full). Afterwards users.history.list gives the messages added since that historyId.
 *   A body is decoded in memory, counted by the lexicon and dropped (invariant 3).
 * - "calendar": events.list of the primary calendar with singleEvents, a time window for the
 *   first sync and the syncToken after it. Cancelled occurrences leave the store.
 *
 * docs/SYNC.md describes the cursors and the choices made here.
 */
#define G_LOG_DOMAIN "tend-google"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>
#include <string.h>

#include "tend-google-source.h"
#include "tend-import-report.h"
#include "tend-lexicon.h"
#include "tend-mail-importer-private.h"

/* The first sync reads this far back; the calendar also this far ahead. Half a year of mail
 * is enough for weekly figures and trends, and keeps the first sync within Gmail's quota. */
#define WINDOW_WEEKS_BACK 26
#define WINDOW_WEEKS_AHEAD 8
#define WEEK_SECONDS (7 * 24 * 60 * 60)

#define DEFAULT_PAGE_SIZE 100
#define GMAIL_MAX_PAGE_SIZE 500   /* users.messages.list and users.history.list */
#define CALENDAR_MAX_RESULTS 2500 /* events.list */

#define COLLECTION_GMAIL "gmail"
#define COLLECTION_CALENDAR "calendar"

struct _TendGoogleSource
{
  GObject parent_instance;

  /* Owned */
  TendApiClient *client;
  char          *base_url; /* without a trailing slash */
  guint          page_size;

  /* Borrowed */
  TendLexicon *lexicon;
};

/* One run of sync(). */
typedef struct
{
  TendGoogleSource    *self;
  TendStore           *store;
  gint64               account_id;
  TendSyncProgressFunc progress;
  gpointer             progress_data;
  TendSyncReport      *report;
  GCancellable        *cancellable;
  GHashTable          *me;   /* my normalized addresses */
  GByteArray          *text; /* the body being analysed, emptied after each message */
  guint                done;
  guint                total;
} Sync;

static void tend_google_source_sync_source_init (TendSyncSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendGoogleSource, tend_google_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_SYNC_SOURCE,
                                                      tend_google_source_sync_source_init))

/* GMime 3.2 defines no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

static const char *const collections[] = { COLLECTION_GMAIL, COLLECTION_CALENDAR, NULL };

/* Helpers */

static const char *
get_string (json_t *object, const char *key)
{
  return json_string_value (json_object_get (object, key));
}

static gboolean
get_bool (json_t *object, const char *key)
{
  return json_is_true (json_object_get (object, key));
}

static gboolean
set_malformed (GError **error, const char *what)
{
  g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED,
               _ ("Google sent an answer Tend cannot read (%s)"), what);
  return FALSE;
}

/* Appends "&name=value" (or "?name=value" to a URL without a query yet), escaped. */
static void
append_param (GString *url, const char *name, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append (url, name);
  g_string_append_c (url, '=');
  g_string_append (url, escaped);
}

static void
append_uint_param (GString *url, const char *name, guint value)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  append_param (url, name, text);
}

static void
report_progress (Sync *sync, const char *collection)
{
  if (sync->progress != NULL)
    sync->progress (collection, sync->done, MAX (sync->total, sync->done), sync->progress_data);
}

/* A cursor is a small JSON object. One that cannot be read starts the collection afresh,
 * which stores nothing twice. */
static json_t *
load_cursor (Sync *sync, const char *collection, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text
      = tend_store_get_cursor (sync->store, sync->account_id, collection, &local_error);
  json_t *cursor;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL)
    return json_object ();
  cursor = json_loads (text, 0, NULL);
  if (!json_is_object (cursor))
    {
      g_debug ("Unreadable %s cursor: starting again", collection);
      if (cursor != NULL)
        json_decref (cursor);
      return json_object ();
    }
  return cursor;
}

static gboolean
save_cursor (Sync *sync, const char *collection, json_t *cursor, GError **error)
{
  g_autofree char *text = json_dumps (cursor, JSON_COMPACT | JSON_SORT_KEYS);

  /* jansson fails only when out of memory. */
  if (text == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not encode a sync cursor");
      return FALSE;
    }
  return tend_store_set_cursor (sync->store, sync->account_id, collection, text, error);
}

/* Gmail: reading one message */

/* Messages that were neither sent nor received: drafts, spam, the bin and old Hangouts chats.
 * users.messages.list leaves spam and the bin out by default; history does not. */
static gboolean
has_ignored_label (json_t *message)
{
  static const char *const ignored[] = { "DRAFT", "SPAM", "TRASH", "CHAT" };
  json_t                  *labels = json_object_get (message, "labelIds");
  json_t                  *label;
  size_t                   i;

  json_array_foreach (labels, i, label)
  {
    for (guint j = 0; j < G_N_ELEMENTS (ignored); j++)
      if (g_strcmp0 (json_string_value (label), ignored[j]) == 0)
        return TRUE;
  }
  return FALSE;
}

static gboolean
has_label (json_t *message, const char *name)
{
  json_t *labels = json_object_get (message, "labelIds");
  json_t *label;
  size_t  i;

  json_array_foreach (labels, i, label)
  {
    if (g_strcmp0 (json_string_value (label), name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The value of the first header @name of a payload part: names compare without case. */
static const char *
find_header (json_t *part, const char *name)
{
  json_t *headers = json_object_get (part, "headers");
  json_t *header;
  size_t  i;

  json_array_foreach (headers, i, header)
  {
    const char *header_name = get_string (header, "name");

    if (header_name != NULL && g_ascii_strcasecmp (header_name, name) == 0)
      return get_string (header, "value");
  }
  return NULL;
}

/* The first part of type @mime_type with its data inline that is not an attachment.
 * Forwarded messages are someone else's words, and encrypted parts cannot be read. */
static json_t *
find_text_part (json_t *part, const char *mime_type)
{
  const char *type = get_string (part, "mimeType");
  const char *filename = get_string (part, "filename");
  const char *disposition = find_header (part, "Content-Disposition");
  json_t     *child;
  size_t      i;

  if (type == NULL)
    return NULL;
  if (g_ascii_strncasecmp (type, "multipart/", strlen ("multipart/")) == 0)
    {
      if (g_ascii_strcasecmp (type, "multipart/encrypted") == 0)
        return NULL;
      json_array_foreach (json_object_get (part, "parts"), i, child)
      {
        json_t *found = find_text_part (child, mime_type);

        if (found != NULL)
          return found;
      }
      return NULL;
    }
  if ((filename != NULL && *filename != '\0')
      || (disposition != NULL && g_ascii_strncasecmp (disposition, "attachment", 10) == 0))
    return NULL;
  if (g_ascii_strcasecmp (type, mime_type) != 0
      || get_string (json_object_get (part, "body"), "data") == NULL)
    return NULL;
  return part;
}

/* Gmail sends part data in base64url (RFC 4648 §5), padded or not. */
static GByteArray *
decode_base64url (const char *data)
{
  gsize len = strlen (data), decoded_len = 0;
  char *copy = g_malloc (len + 4);

  for (gsize i = 0; i < len; i++)
    copy[i] = data[i] == '-' ? '+' : data[i] == '_' ? '/' : data[i];
  while (len % 4 != 0)
    copy[len++] = '=';
  copy[len] = '\0';
  g_base64_decode_inplace (copy, &decoded_len);
  return g_byte_array_new_take ((guint8 *) copy, decoded_len);
}

/* Counts what the lexicon finds in the text of the message's plain-text part (or, failing that,
 * its HTML part), in memory. The part goes through the same decoding as imported mail: its
 * charset, and for HTML the conversion to text without quoted replies. The text is dropped
 * right after: bodies are never stored (invariant 3). */
static void
analyse_body (Sync *sync, json_t *payload, TendContentFeatures *features)
{
  const char *subtype = "plain";
  json_t     *part = find_text_part (payload, "text/plain");
  g_autoptr (GMimePart) mime_part = NULL;
  g_autoptr (GMimeStream) stream = NULL;
  g_autoptr (GMimeDataWrapper) wrapper = NULL;
  g_autoptr (GMimeMessage) mime = NULL;
  const char *content_type;
  gsize       len;

  if (part == NULL)
    {
      subtype = "html";
      part = find_text_part (payload, "text/html");
    }
  if (part == NULL)
    return;

  mime_part = g_mime_part_new_with_type ("text", subtype);
  if ((content_type = find_header (part, "Content-Type")) != NULL)
    {
      g_autoptr (GMimeContentType) parsed = g_mime_content_type_parse (NULL, content_type);
      const char *charset
          = parsed != NULL ? g_mime_content_type_get_parameter (parsed, "charset") : NULL;

      if (charset != NULL)
        g_mime_object_set_content_type_parameter (GMIME_OBJECT (mime_part), "charset", charset);
    }
  stream = g_mime_stream_mem_new_with_byte_array (
      decode_base64url (get_string (json_object_get (part, "body"), "data")));
  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (mime_part, wrapper);
  mime = g_mime_message_new (FALSE);
  g_mime_message_set_mime_part (mime, GMIME_OBJECT (mime_part));

  len = _tend_mail_importer_extract_text (mime, FALSE, sync->text);
  tend_lexicon_analyse (sync->self->lexicon, (const char *) sync->text->data, len, features);
  g_byte_array_set_size (sync->text, 0);
}

/* Adds the mailboxes of @list, group members included, to @message's recipients. */
static void
add_addresses (InternetAddressList *list, TendMessage *message)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        add_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                       message);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        tend_message_add_recipient (
            message, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
    }
}

static gboolean
read_sender (const char *value, TendMessage *message)
{
  g_autoptr (InternetAddressList) list = NULL;

  if (value == NULL || !(list = internet_address_list_parse (NULL, value)))
    return FALSE;
  for (int i = 0; i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      const char      *name;

      if (!INTERNET_ADDRESS_IS_MAILBOX (address))
        continue;
      message->sender = tend_normalize_address (
          internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
      if (message->sender == NULL)
        continue;
      name = internet_address_get_name (address);
      if (name != NULL && *name != '\0')
        message->sender_name = g_strdup (name);
      return TRUE;
    }
  return FALSE;
}

static char *
first_reference (const char *value)
{
  GMimeReferences *references;
  char            *id = NULL;

  if (value == NULL || !(references = g_mime_references_parse (NULL, value)))
    return NULL;
  if (g_mime_references_length (references) > 0)
    id = g_strdup (g_mime_references_get_message_id (references, 0));
  g_mime_references_free (references);
  return id;
}

static gboolean
is_plausible_date (gint64 when)
{
  return when >= TEND_IMPORT_EARLIEST_DATE
         && when <= g_get_real_time () / G_USEC_PER_SEC + 24 * 60 * 60;
}

/* The Date header, as for imported mail; when it is missing or absurd, the time Gmail received
 * the message (internalDate, milliseconds). Returns 0 when neither is usable. */
static gint64
read_date (json_t *resource, const char *value)
{
  const char *internal = get_string (resource, "internalDate");
  guint64     ms;

  if (value != NULL)
    {
      g_autoptr (GDateTime) date = g_mime_utils_header_decode_date (value);

      if (date != NULL && is_plausible_date (g_date_time_to_unix (date)))
        return g_date_time_to_unix (date);
    }
  if (internal != NULL && g_ascii_string_to_unsigned (internal, 10, 0, G_MAXINT64, &ms, NULL)
      && is_plausible_date ((gint64) (ms / 1000)))
    return (gint64) (ms / 1000);
  return 0;
}

/* Turns a users.messages resource into a TendMessage, or NULL (counted as skipped) when it has
 * no sender or no usable date. */
static TendMessage *
parse_message (Sync *sync, json_t *resource)
{
  json_t     *payload = json_object_get (resource, "payload");
  const char *gmail_id = get_string (resource, "id");
  const char *thread_id = get_string (resource, "threadId");
  const char *message_id;
  g_autoptr (TendMessage) message = tend_message_new ();
  static const char *const recipient_headers[] = { "To", "Cc", "Bcc" };

  if (gmail_id == NULL || !json_is_object (payload)
      || !read_sender (find_header (payload, "From"), message))
    return NULL;
  if ((message->sent_at = read_date (resource, find_header (payload, "Date"))) == 0)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (recipient_headers); i++)
    {
      const char *value = find_header (payload, recipient_headers[i]);
      g_autoptr (InternetAddressList) list = NULL;

      if (value != NULL && (list = internet_address_list_parse (NULL, value)) != NULL)
        add_addresses (list, message);
    }

  /* The RFC 5322 Message-ID, as file import uses, so that In-Reply-To links a reply to its
   * parent whichever way either came in. */
  message_id = find_header (payload, "Message-ID");
  if (message_id != NULL)
    message->provider_id = g_mime_utils_decode_message_id (message_id);
  if (message->provider_id == NULL || *message->provider_id == '\0')
    {
      g_free (message->provider_id);
      message->provider_id = g_strconcat ("gmail:", gmail_id, NULL);
    }
  message->in_reply_to = first_reference (find_header (payload, "In-Reply-To"));
  message->conversation_id = g_strdup (thread_id != NULL ? thread_id : message->provider_id);
  message->kind = TEND_MESSAGE_KIND_MAIL;

  analyse_body (sync, payload, &message->features);
  return g_steal_pointer (&message);
}

/* Gmail files what I sent under SENT, from any of the addresses I may send as. An alias the
 * store does not know yet becomes one of mine, so that the direction of its mail is right. */
static gboolean
note_sent_from (Sync *sync, const char *sender, GError **error)
{
  if (g_hash_table_contains (sync->me, sender))
    return TRUE;
  if (!tend_store_add_me (sync->store, sender, error))
    return FALSE;
  g_hash_table_add (sync->me, g_strdup (sender));
  return TRUE;
}

/* Reads one message. *@out is NULL when it is to be left out: deleted since it was listed,
 * a draft, spam, or unreadable (counted as skipped). */
static gboolean
fetch_message (Sync *sync, const char *id, TendMessage **out, gboolean *sent, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GString) url = g_string_new (sync->self->base_url);
  g_autoptr (json_t) resource = NULL;
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  *out = NULL;
  *sent = FALSE;
  g_string_append_printf (url, "/gmail/v1/users/me/messages/%s", escaped);
  append_param (url, "format", "full");
  resource = tend_api_client_get_json (sync->self->client, url->str, NULL, sync->cancellable,
                                       &local_error);
  if (resource == NULL)
    {
      if (g_error_matches (local_error, TEND_API_ERROR, TEND_API_ERROR_NOT_FOUND))
        {
          g_debug ("A listed message is gone");
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (has_ignored_label (resource))
    return TRUE;
  if (!(*out = parse_message (sync, resource)))
    {
      g_debug ("Skipped a message without a sender or a date");
      sync->report->skipped++;
      return TRUE;
    }
  *sent = has_label (resource, "SENT");
  return TRUE;
}

/* Fetches the messages @ids (users.messages resources with at least an id) and stores them
 * with @cursor, in one transaction. The network is done with before the transaction starts:
 * the write lock is never held while waiting for Google. */
static gboolean
store_messages (Sync *sync, GPtrArray *ids, json_t *cursor, GError **error)
{
  g_autoptr (GPtrArray) messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_message_free);
  g_autoptr (GArray) sent = g_array_new (FALSE, FALSE, sizeof (gboolean));

  for (guint i = 0; i < ids->len; i++)
    {
      TendMessage *message;
      gboolean     was_sent;

      if (g_cancellable_set_error_if_cancelled (sync->cancellable, error))
        return FALSE;
      if (!fetch_message (sync, g_ptr_array_index (ids, i), &message, &was_sent, error))
        return FALSE;
      if (message != NULL)
        {
          g_ptr_array_add (messages, message);
          g_array_append_val (sent, was_sent);
        }
    }

  if (!tend_store_begin (sync->store, error))
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      TendMessage *message = g_ptr_array_index (messages, i);
      gboolean     inserted;

      if (g_array_index (sent, gboolean, i) && !note_sent_from (sync, message->sender, error))
        goto failed;
      if (!tend_store_add_message (sync->store, sync->account_id, message, &inserted, error))
        goto failed;
      if (inserted)
        sync->report->messages_added++;
    }
  if (!save_cursor (sync, COLLECTION_GMAIL, cursor, error))
    goto failed;
  /* On failure the store has already rolled back. */
  if (!tend_store_commit (sync->store, error))
    return FALSE;
  sync->done += ids->len;
  return TRUE;

failed:
  tend_store_rollback (sync->store);
  return FALSE;
}

/* Gmail: the three phases */

/* Notes where the mailbox's history stands before listing it, so that whatever arrives during
 * the listing is found by the history that follows, and the window the listing covers. */
static gboolean
gmail_start (Sync *sync, json_t *cursor, GError **error)
{
  g_autofree char *url = g_strconcat (sync->self->base_url, "/gmail/v1/users/me/profile", NULL);
  g_autoptr (json_t) profile = NULL;
  g_autofree char *me = NULL;
  const char      *history_id;
  gint64           after;

  profile = tend_api_client_get_json (sync->self->client, url, NULL, sync->cancellable, error);
  if (profile == NULL)
    return FALSE;
  if (!(history_id = get_string (profile, "historyId"))
      || !(me = tend_normalize_address (get_string (profile, "emailAddress"))))
    return set_malformed (error, "users.getProfile");

  after = g_get_real_time () / G_USEC_PER_SEC - (gint64) WINDOW_WEEKS_BACK * WEEK_SECONDS;
  json_object_clear (cursor);
  json_object_set_new (cursor, "historyId", json_string (history_id));
  json_object_set_new (cursor, "after", json_integer (after));

  if (!tend_store_begin (sync->store, error))
    return FALSE;
  if (!g_hash_table_contains (sync->me, me))
    {
      if (!tend_store_add_me (sync->store, me, error))
        {
          tend_store_rollback (sync->store);
          return FALSE;
        }
      g_hash_table_add (sync->me, g_steal_pointer (&me));
    }
  if (!save_cursor (sync, COLLECTION_GMAIL, cursor, error))
    {
      tend_store_rollback (sync->store);
      return FALSE;
    }
  return tend_store_commit (sync->store, error);
}

/* Lists the window page by page. The cursor keeps the window and the next page's token, so an
 * interrupted listing goes on with the very same query; after the last page only the historyId
 * remains. */
static gboolean
gmail_list (Sync *sync, json_t *cursor, GError **error)
{
  g_autofree char *query = g_strdup_printf ("after:%" JSON_INTEGER_FORMAT,
                                            json_integer_value (json_object_get (cursor, "after")));
  guint            page_size = MIN (sync->self->page_size, GMAIL_MAX_PAGE_SIZE);

  for (;;)
    {
      g_autoptr (GString) url = g_string_new (sync->self->base_url);
      g_autoptr (json_t) page = NULL;
      g_autoptr (GPtrArray) ids = g_ptr_array_new ();
      const char *page_token = get_string (cursor, "pageToken");
      const char *next;
      json_t     *messages, *message;
      size_t      i;

      g_string_append (url, "/gmail/v1/users/me/messages");
      append_uint_param (url, "maxResults", page_size);
      append_param (url, "q", query);
      if (page_token != NULL)
        append_param (url, "pageToken", page_token);
      if (!(page = tend_api_client_get_json (sync->self->client, url->str, NULL, sync->cancellable,
                                             error)))
        return FALSE;

      messages = json_object_get (page, "messages");
      if (messages != NULL && !json_is_array (messages))
        return set_malformed (error, "users.messages.list");
      json_array_foreach (messages, i, message)
      {
        const char *id = get_string (message, "id");

        if (id == NULL)
          return set_malformed (error, "users.messages.list");
        g_ptr_array_add (ids, (gpointer) id);
      }
      if (json_is_integer (json_object_get (page, "resultSizeEstimate")))
        sync->total = MAX (
            sync->total,
            sync->done + (guint) json_integer_value (json_object_get (page, "resultSizeEstimate")));

      next = get_string (page, "nextPageToken");
      if (next != NULL)
        json_object_set_new (cursor, "pageToken", json_string (next));
      else
        {
          json_object_del (cursor, "pageToken");
          json_object_del (cursor, "after");
        }
      if (!store_messages (sync, ids, cursor, error))
        return FALSE;
      report_progress (sync, COLLECTION_GMAIL);
      if (next == NULL)
        return TRUE;
    }
}

/* Messages added since the cursor's historyId. After a page with more to come the cursor is the
 * id of its last history record (history comes in increasing historyId), which resumes right
 * after it; after the last page it is the mailbox's current historyId. */
static gboolean
gmail_history (Sync *sync, json_t *cursor, GError **error)
{
  g_autofree char *start = g_strdup (get_string (cursor, "historyId"));
  g_autofree char *page_token = NULL;
  guint            page_size = MIN (sync->self->page_size, GMAIL_MAX_PAGE_SIZE);

  for (;;)
    {
      g_autoptr (GString) url = g_string_new (sync->self->base_url);
      g_autoptr (json_t) page = NULL;
      g_autoptr (GPtrArray) ids = g_ptr_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      const char *next, *last_record = NULL, *history_id;
      json_t     *history, *record;
      size_t      i;

      g_string_append (url, "/gmail/v1/users/me/history");
      append_param (url, "startHistoryId", start);
      append_param (url, "historyTypes", "messageAdded");
      append_uint_param (url, "maxResults", page_size);
      if (page_token != NULL)
        append_param (url, "pageToken", page_token);
      if (!(page = tend_api_client_get_json (sync->self->client, url->str, NULL, sync->cancellable,
                                             error)))
        return FALSE;

      history = json_object_get (page, "history");
      if ((history != NULL && !json_is_array (history))
          || !(history_id = get_string (page, "historyId")))
        return set_malformed (error, "users.history.list");
      json_array_foreach (history, i, record)
      {
        json_t *added, *item;
        size_t  j;

        if (get_string (record, "id") != NULL)
          last_record = get_string (record, "id");
        added = json_object_get (record, "messagesAdded");
        json_array_foreach (added, j, item)
        {
          json_t     *message = json_object_get (item, "message");
          const char *id = get_string (message, "id");

          /* The labels are known already: drafts and spam need not be fetched. */
          if (id == NULL || has_ignored_label (message) || g_hash_table_contains (seen, id))
            continue;
          g_hash_table_add (seen, (gpointer) id);
          g_ptr_array_add (ids, (gpointer) id);
        }
      }

      next = get_string (page, "nextPageToken");
      if (next != NULL && last_record != NULL)
        json_object_set_new (cursor, "historyId", json_string (last_record));
      else if (next == NULL)
        json_object_set_new (cursor, "historyId", json_string (history_id));
      if (!store_messages (sync, ids, cursor, error))
        return FALSE;
      report_progress (sync, COLLECTION_GMAIL);
      if (next == NULL)
        return TRUE;
      g_free (page_token);
      page_token = g_strdup (next);
    }
}

static gboolean
clear_cursor (Sync *sync, const char *collection, GError **error)
{
  return tend_store_clear_cursors (sync->store, sync->account_id, collection, error);
}

static gboolean
sync_gmail (Sync *sync, GError **error)
{
  g_autoptr (json_t) cursor = load_cursor (sync, COLLECTION_GMAIL, error);

  if (cursor == NULL)
    return FALSE;
  sync->done = sync->total = 0;

  /* A second round only after Google forgot the history id: the full listing that follows
   * gives a fresh one. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (GError) local_error = NULL;

      if (get_string (cursor, "historyId") == NULL && !gmail_start (sync, cursor, error))
        return FALSE;
      if (json_object_get (cursor, "after") != NULL && !gmail_list (sync, cursor, error))
        return FALSE;
      if (gmail_history (sync, cursor, &local_error))
        return TRUE;
      /* users.history.list answers 404 for a startHistoryId too old to remember. Mail already
       * stored stays: the listing stores nothing twice. */
      if (round > 0 || !g_error_matches (local_error, TEND_API_ERROR, TEND_API_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Gmail history expired: listing the mailbox again");
      json_object_clear (cursor);
      if (!clear_cursor (sync, COLLECTION_GMAIL, error))
        return FALSE;
    }
  g_assert_not_reached ();
}

/* Calendar */

/* An event time: {"dateTime": RFC 3339} or, for an all-day event, {"date": "yyyy-mm-dd"}, which
 * is midnight in the calendar's zone @zone. */
static gboolean
parse_event_time (json_t *time, GTimeZone *zone, gint64 *when, gboolean *all_day)
{
  const char *date_time = get_string (time, "dateTime");
  const char *date = get_string (time, "date");

  if (date_time != NULL)
    {
      g_autoptr (GDateTime) parsed = g_date_time_new_from_iso8601 (date_time, NULL);

      if (parsed == NULL)
        return FALSE;
      *when = g_date_time_to_unix (parsed);
      *all_day = FALSE;
      return TRUE;
    }
  if (date != NULL)
    {
      g_autoptr (GDateTime) midnight = NULL;
      guint64 y, m, d;
      g_auto (GStrv) fields = g_strsplit (date, "-", -1);

      if (g_strv_length (fields) != 3
          || !g_ascii_string_to_unsigned (fields[0], 10, 1, 9999, &y, NULL)
          || !g_ascii_string_to_unsigned (fields[1], 10, 1, 12, &m, NULL)
          || !g_ascii_string_to_unsigned (fields[2], 10, 1, 31, &d, NULL)
          || !g_date_valid_dmy (d, m, y) || !(midnight = g_date_time_new (zone, y, m, d, 0, 0, 0)))
        return FALSE;
      *when = g_date_time_to_unix (midnight);
      *all_day = TRUE;
      return TRUE;
    }
  return FALSE;
}

static TendResponse
response_from_status (const char *status)
{
  if (g_strcmp0 (status, "accepted") == 0)
    return TEND_RESPONSE_ACCEPTED;
  if (g_strcmp0 (status, "tentative") == 0)
    return TEND_RESPONSE_TENTATIVE;
  if (g_strcmp0 (status, "declined") == 0)
    return TEND_RESPONSE_DECLINED;
  return TEND_RESPONSE_NEEDS_ACTION;
}

/* Rooms and equipment are invited as attendees too, but they are not people. */
static void
read_attendees (json_t *item, TendEvent *event)
{
  json_t     *attendees = json_object_get (item, "attendees");
  json_t     *attendee;
  const char *my_status = NULL;
  gboolean    organizer_listed = FALSE;
  guint       people = 0;
  size_t      i;

  json_array_foreach (attendees, i, attendee)
  {
    g_autofree char *address = tend_normalize_address (get_string (attendee, "email"));

    if (get_bool (attendee, "resource"))
      continue;
    people++;
    if (get_bool (attendee, "self"))
      my_status = get_string (attendee, "responseStatus");
    if (get_bool (attendee, "organizer")
        || (address != NULL && g_strcmp0 (address, event->organizer) == 0))
      organizer_listed = TRUE;
  }

  event->attendee_count = people + (event->organizer != NULL && !organizer_listed ? 1 : 0);
  /* Without attendees it is an appointment, not a meeting, whoever organized it. */
  if (people == 0)
    event->my_response = TEND_RESPONSE_NONE;
  else if (get_bool (json_object_get (item, "organizer"), "self"))
    event->my_response = TEND_RESPONSE_ORGANIZER;
  else if (my_status != NULL)
    event->my_response = response_from_status (my_status);
  else
    event->my_response = TEND_RESPONSE_NONE;
}

/* Events that are markers rather than time spent: where I work from, and birthdays. */
static gboolean
is_ignored_event_type (const char *type)
{
  return g_strcmp0 (type, "workingLocation") == 0 || g_strcmp0 (type, "birthday") == 0;
}

/* Turns an events resource into a TendEvent, or NULL when it cannot be read. */
static TendEvent *
parse_event (json_t *item, GTimeZone *zone, const char *calendar_zone)
{
  g_autoptr (TendEvent) event = tend_event_new ();
  const char *id = get_string (item, "id");
  const char *series = get_string (item, "recurringEventId");
  const char *start_zone = get_string (json_object_get (item, "start"), "timeZone");
  json_t     *conference = json_object_get (item, "conferenceData");
  gboolean    end_all_day;

  if (id == NULL
      || !parse_event_time (json_object_get (item, "start"), zone, &event->start, &event->all_day))
    return NULL;
  if (!parse_event_time (json_object_get (item, "end"), zone, &event->end, &end_all_day)
      || event->end < event->start)
    event->end = event->start;

  if (series != NULL)
    {
      gboolean original_all_day;

      event->uid = g_strdup (series);
      event->recurring = TRUE;
      if (!parse_event_time (json_object_get (item, "originalStartTime"), zone,
                             &event->recurrence_id, &original_all_day))
        event->recurrence_id = event->start;
    }
  else
    event->uid = g_strdup (id);

  /* The zone it was written in; all-day events belong to the calendar's. UTC is no zone. */
  if (start_zone == NULL && event->all_day)
    start_zone = calendar_zone;
  if (start_zone != NULL && g_strcmp0 (start_zone, "UTC") != 0
      && g_strcmp0 (start_zone, "Etc/UTC") != 0)
    event->tzid = g_strdup (start_zone);

  event->organizer
      = tend_normalize_address (get_string (json_object_get (item, "organizer"), "email"));
  read_attendees (item, event);
  event->online = get_string (item, "hangoutLink") != NULL
                  || json_array_size (json_object_get (conference, "entryPoints")) > 0;
  return g_steal_pointer (&event);
}

/* Stores or removes the events of one page. */
static gboolean
apply_events (Sync *sync, json_t *items, GTimeZone *zone, const char *calendar_zone, GError **error)
{
  json_t *item;
  size_t  i;

  json_array_foreach (items, i, item)
  {
    const char *id = get_string (item, "id");
    g_autoptr (TendEvent) event = NULL;
    gboolean changed;

    if (id == NULL)
      {
        sync->report->skipped++;
        continue;
      }
    /* Deleted events and cancelled occurrences come as "cancelled", often with nothing but
     * their ids. A cancelled series or single event takes all its occurrences along. */
    if (g_strcmp0 (get_string (item, "status"), "cancelled") == 0
        || is_ignored_event_type (get_string (item, "eventType")))
      {
        const char *series = get_string (item, "recurringEventId");
        gint64      recurrence_id = -1;
        gboolean    unused;
        guint       removed;

        if (series != NULL
            && !parse_event_time (json_object_get (item, "originalStartTime"), zone, &recurrence_id,
                                  &unused))
          {
            sync->report->skipped++;
            continue;
          }
        if (!tend_store_remove_event (sync->store, sync->account_id, series != NULL ? series : id,
                                      recurrence_id, &removed, error))
          return FALSE;
        sync->report->events_removed += removed;
        continue;
      }

    if (!(event = parse_event (item, zone, calendar_zone)))
      {
        g_debug ("Skipped an event without a readable start");
        sync->report->skipped++;
        continue;
      }
    if (!tend_store_add_event (sync->store, sync->account_id, event, &changed, error))
      return FALSE;
    if (changed)
      sync->report->events_changed++;
  }
  return TRUE;
}

static char *
format_utc (gint64 when)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (when);

  return g_date_time_format_iso8601 (date);
}

/* Pages through events.list. The cursor holds either the first sync's window or the syncToken,
 * plus the next page's token while paging, so that an interrupted sync goes on with the very
 * same query. The last page gives the nextSyncToken. */
static gboolean
calendar_pages (Sync *sync, json_t *cursor, GError **error)
{
  guint page_size = MIN (sync->self->page_size, CALENDAR_MAX_RESULTS);

  if (get_string (cursor, "syncToken") == NULL && get_string (cursor, "timeMin") == NULL)
    {
      gint64           now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *min = format_utc (now - (gint64) WINDOW_WEEKS_BACK * WEEK_SECONDS);
      g_autofree char *max = format_utc (now + (gint64) WINDOW_WEEKS_AHEAD * WEEK_SECONDS);

      json_object_set_new (cursor, "timeMin", json_string (min));
      json_object_set_new (cursor, "timeMax", json_string (max));
    }

  for (;;)
    {
      g_autoptr (GString) url = g_string_new (sync->self->base_url);
      g_autoptr (json_t) page = NULL;
      g_autoptr (GTimeZone) zone = NULL;
      const char *sync_token = get_string (cursor, "syncToken");
      const char *page_token = get_string (cursor, "pageToken");
      const char *calendar_zone, *next, *next_sync;
      json_t     *items;

      g_string_append (url, "/calendar/v3/calendars/primary/events");
      append_param (url, "singleEvents", "true");
      append_param (url, "showDeleted", "true");
      append_uint_param (url, "maxResults", page_size);
      if (sync_token != NULL)
        append_param (url, "syncToken", sync_token);
      else
        {
          append_param (url, "timeMin", get_string (cursor, "timeMin"));
          append_param (url, "timeMax", get_string (cursor, "timeMax"));
        }
      if (page_token != NULL)
        append_param (url, "pageToken", page_token);
      if (!(page = tend_api_client_get_json (sync->self->client, url->str, NULL, sync->cancellable,
                                             error)))
        return FALSE;

      items = json_object_get (page, "items");
      next = get_string (page, "nextPageToken");
      next_sync = get_string (page, "nextSyncToken");
      if ((items != NULL && !json_is_array (items)) || (next == NULL && next_sync == NULL))
        return set_malformed (error, "events.list");
      calendar_zone = get_string (page, "timeZone");
      if (calendar_zone == NULL || !(zone = g_time_zone_new_identifier (calendar_zone)))
        zone = g_time_zone_new_utc ();

      if (next != NULL)
        json_object_set_new (cursor, "pageToken", json_string (next));
      else
        {
          json_object_clear (cursor);
          json_object_set_new (cursor, "syncToken", json_string (next_sync));
        }

      if (!tend_store_begin (sync->store, error))
        return FALSE;
      if (!apply_events (sync, items, zone, calendar_zone, error)
          || !save_cursor (sync, COLLECTION_CALENDAR, cursor, error))
        {
          tend_store_rollback (sync->store);
          return FALSE;
        }
      if (!tend_store_commit (sync->store, error))
        return FALSE;
      sync->done += json_array_size (items);
      report_progress (sync, COLLECTION_CALENDAR);
      if (next == NULL)
        return TRUE;
    }
}

static gboolean
sync_calendar (Sync *sync, GError **error)
{
  g_autoptr (json_t) cursor = load_cursor (sync, COLLECTION_CALENDAR, error);

  if (cursor == NULL)
    return FALSE;
  sync->done = sync->total = 0;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (GError) local_error = NULL;

      if (calendar_pages (sync, cursor, &local_error))
        return TRUE;
      /* 410 Gone: the syncToken (or a page token) expired. The full sync that follows asks
       * for deleted events too, which takes away what was cancelled meanwhile. */
      if (round > 0 || !g_error_matches (local_error, TEND_API_ERROR, TEND_API_ERROR_GONE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Calendar sync token expired: syncing the calendar again");
      json_object_clear (cursor);
      if (!clear_cursor (sync, COLLECTION_CALENDAR, error))
        return FALSE;
    }
  g_assert_not_reached ();
}

/* TendSyncSource */

static const char *const *
tend_google_source_get_collections (TendSyncSource *source)
{
  return collections;
}

static gboolean
load_me (Sync *sync, GError **error)
{
  g_auto (GStrv) me = tend_store_dup_me (sync->store, error);

  if (me == NULL)
    return FALSE;
  for (guint i = 0; me[i] != NULL; i++)
    g_hash_table_add (sync->me, g_strdup (me[i]));
  return TRUE;
}

/* Mail first, then the calendar; a failure of one does not keep the other from syncing. The
 * first error is the one returned. */
static gboolean
tend_google_source_sync (TendSyncSource *source, TendStore *store, gint64 account_id,
                         TendSyncProgressFunc progress, gpointer progress_data,
                         TendSyncReport *report, GCancellable *cancellable, GError **error)
{
  TendGoogleSource *self = TEND_GOOGLE_SOURCE (source);
  g_autoptr (GHashTable) me = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GByteArray) text = g_byte_array_new ();
  g_autoptr (GError) mail_error = NULL;
  TendSyncReport unused = { 0 };
  Sync           sync = { 0 };

  sync.self = self;
  sync.store = store;
  sync.account_id = account_id;
  sync.progress = progress;
  sync.progress_data = progress_data;
  sync.report = report != NULL ? report : &unused;
  sync.cancellable = cancellable;
  sync.me = me;
  sync.text = text;

  if (!load_me (&sync, error))
    return FALSE;

  if (!sync_gmail (&sync, &mail_error))
    {
      if (g_error_matches (mail_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_error_matches (mail_error, TEND_API_ERROR, TEND_API_ERROR_UNAUTHORIZED)
          || g_error_matches (mail_error, TEND_API_ERROR, TEND_API_ERROR_NETWORK))
        {
          g_propagate_error (error, g_steal_pointer (&mail_error));
          return FALSE;
        }
      g_debug ("Gmail sync failed: %s", mail_error->message);
    }
  if (!sync_calendar (&sync, error))
    return FALSE;
  if (mail_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&mail_error));
      return FALSE;
    }
  return TRUE;
}

static void
tend_google_source_sync_source_init (TendSyncSourceInterface *iface)
{
  iface->get_collections = tend_google_source_get_collections;
  iface->sync = tend_google_source_sync;
}

static void
tend_google_source_finalize (GObject *object)
{
  TendGoogleSource *self = (TendGoogleSource *) object;

  g_clear_object (&self->client);
  g_free (self->base_url);

  G_OBJECT_CLASS (tend_google_source_parent_class)->finalize (object);
}

static void
tend_google_source_class_init (TendGoogleSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_google_source_finalize;

  g_mime_init ();
}

static void
tend_google_source_init (TendGoogleSource *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;
  self->lexicon = tend_lexicon_get_default ();
}

/**
 * tend_google_source_new:
 * @client: the client that carries the account's token
 * @base_url: where Google's APIs are, "https://www.googleapis.com" in production
 *
 * Returns: (transfer full): a source for the account's Gmail and primary calendar
 */
TendGoogleSource *
tend_google_source_new (TendApiClient *client, const char *base_url)
{
  TendGoogleSource *self;
  gsize             len;

  g_return_val_if_fail (TEND_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (TEND_TYPE_GOOGLE_SOURCE, NULL);
  self->client = g_object_ref (client);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  return self;
}

/**
 * tend_google_source_set_page_size:
 * @page_size: items per page asked for; capped at what each API allows
 *
 * Smaller pages commit more often and cost more requests. Tests use small ones to exercise
 * paging.
 */
void
tend_google_source_set_page_size (TendGoogleSource *self, guint page_size)
{
  g_return_if_fail (TEND_IS_GOOGLE_SOURCE (self));
  g_return_if_fail (page_size > 0);

  self->page_size = page_size;
}
