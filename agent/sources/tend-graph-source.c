/* tend-graph-source.c: Microsoft Graph: Inbox and Sent Items, the calendar, Teams chats
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * docs/SYNC.md ("Microsoft Graph") says how each collection maps to the store and why.
 */
#define G_LOG_DOMAIN "tend-graph"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-graph-source.h"
#include "tend-lexicon.h"
#include "tend-mail-importer-private.h"

#define DEFAULT_PAGE_SIZE 200
/* Graph answers at most 50 chat messages a page. */
#define MAX_CHAT_PAGE_SIZE 50
/* The first sync reads this far back; the calendar also this far ahead. */
#define WEEKS_BACK 26
#define WEEKS_AHEAD 8
/* A calendarView delta round keeps the window of its first request for ever, so a round older
 * than this starts afresh over a window around today. */
#define CALENDAR_ROUND_DAYS 28

struct _TendGraphSource
{
  GObject parent_instance;

  /* Owned */
  TendApiClient *client;
  char          *base_url;
  guint          page_size;
};

typedef struct
{
  TendGraphSource     *self;
  TendStore           *store;
  gint64               account_id;
  TendSyncProgressFunc progress;
  gpointer             progress_data;
  TendSyncReport      *report;
  GCancellable        *cancellable;
} Sync;

/* Reads one item of a page into the store; FALSE only when the store failed. */
typedef gboolean (*ItemFunc) (Sync *sync, json_t *item, gpointer data, GError **error);

static void tend_graph_source_iface_init (TendSyncSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendGraphSource, tend_graph_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_SYNC_SOURCE,
                                                      tend_graph_source_iface_init))

static const char *const collections[] = { "mail-inbox", "mail-sent", "calendar", "chats", NULL };

static const char *
get_string (json_t *object, const char *key)
{
  return json_string_value (json_object_get (object, key));
}

static const char *
get_address (json_t *recipient)
{
  return get_string (json_object_get (recipient, "emailAddress"), "address");
}

static gint64
parse_utc (const char *iso)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) when = NULL;

  if (iso == NULL || !(when = g_date_time_new_from_iso8601 (iso, utc)))
    return -1;
  return g_date_time_to_unix (when);
}

static char *
format_utc (gint64 unix_time)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
escape (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

/* The text the writer typed: Graph sends plain text when asked (Prefer:
 * outlook.body-content-type), but chat messages and some mail come as HTML. The copy lives only
 * as long as the analysis (invariant 3). */
static void
analyse_body (json_t *body, TendContentFeatures *features)
{
  g_autofree char *text = NULL;
  const char      *content = get_string (body, "content");
  const char      *type = get_string (body, "contentType");
  gsize            len;

  if (content == NULL || *content == '\0')
    return;
  text = g_strdup (content);
  len = strlen (text);
  if (type != NULL && g_ascii_strcasecmp (type, "html") == 0)
    len = _tend_mail_importer_html_to_text (text, len);
  tend_lexicon_analyse (tend_lexicon_get_default (), text, (gssize) len, features);
  memset (text, 0, len);
}

/* conversationIndex is a 22-byte header for the first message of a conversation and grows by
 * 5 bytes with each reply, so a reply's index minus its last 5 bytes is its parent's. Exchange
 * builds it for mail from outside too (from Thread-Index or In-Reply-To), which makes it the one
 * link that also holds for my own sent replies, whose headers Graph does not give. */
static gboolean
conversation_ids (const char *index, char **provider_id, char **in_reply_to)
{
  g_autofree guchar *raw = NULL;
  g_autofree char   *hex = NULL;
  gsize              len = 0;

  *provider_id = *in_reply_to = NULL;
  if (index == NULL || *index == '\0')
    return FALSE;
  raw = g_base64_decode (index, &len);
  if (len < 22 || (len - 22) % 5 != 0)
    return FALSE;
  hex = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", raw[i]);
  *provider_id = g_strconcat ("ci:", hex, NULL);
  if (len > 22)
    *in_reply_to = g_strndup (*provider_id, 3 + (len - 5) * 2);
  return TRUE;
}

static void
add_recipients (TendMessage *message, json_t *list)
{
  size_t  i;
  json_t *recipient;

  json_array_foreach (list, i, recipient)
  {
    const char *address = get_address (recipient);

    if (address != NULL)
      tend_message_add_recipient (message, address);
  }
}

/* @data: the gint64 before which mail is left out (see sync_mail). */
static gboolean
mail_item (Sync *sync, json_t *item, gpointer data, GError **error)
{
  const gint64 *since = data;
  g_autoptr (TendMessage) message = NULL;
  const char *address, *name;
  json_t     *from;
  gboolean    inserted;

  /* Deleted or moved away: the mail did arrive, so the figures keep it (docs/SYNC.md). */
  if (json_object_get (item, "@removed") != NULL
      || json_is_true (json_object_get (item, "isDraft")))
    return TRUE;

  from = json_object_get (item, "from");
  if (from == NULL || json_is_null (from))
    from = json_object_get (item, "sender");
  address = get_address (from);
  name = get_string (json_object_get (from, "emailAddress"), "name");

  message = tend_message_new ();
  message->kind = TEND_MESSAGE_KIND_MAIL;
  message->sent_at = parse_utc (get_string (item, "sentDateTime"));
  if (message->sent_at < 0)
    message->sent_at = parse_utc (get_string (item, "receivedDateTime"));
  message->sender = address != NULL ? tend_normalize_address (address) : NULL;
  if (message->sender == NULL || message->sent_at < 0 || get_string (item, "id") == NULL)
    {
      g_debug ("Skipping a message without sender, date or id");
      sync->report->skipped++;
      return TRUE;
    }
  if (message->sent_at < *since)
    return TRUE;
  message->sender_name = name != NULL && *name != '\0' ? g_strdup (name) : NULL;
  message->conversation_id = g_strdup (get_string (item, "conversationId"));
  if (!conversation_ids (get_string (item, "conversationIndex"), &message->provider_id,
                         &message->in_reply_to))
    message->provider_id = g_strdup (get_string (item, "internetMessageId"));
  if (message->provider_id == NULL)
    message->provider_id = g_strconcat ("id:", get_string (item, "id"), NULL);
  add_recipients (message, json_object_get (item, "toRecipients"));
  add_recipients (message, json_object_get (item, "ccRecipients"));
  add_recipients (message, json_object_get (item, "bccRecipients"));

  /* uniqueBody leaves out the quoted conversation below a reply: only my words count. */
  if (json_is_object (json_object_get (item, "uniqueBody")))
    analyse_body (json_object_get (item, "uniqueBody"), &message->features);
  else
    analyse_body (json_object_get (item, "body"), &message->features);

  if (!tend_store_add_message (sync->store, sync->account_id, message, &inserted, error))
    return FALSE;
  if (inserted)
    sync->report->messages_added++;
  return TRUE;
}

/* Graph gives times as a wall-clock dateTime plus a timeZone; without a Prefer:
 * outlook.timezone header that zone is UTC. An all-day event is a date, kept from local
 * midnight to local midnight. */
static gint64
parse_event_time (json_t *time, gboolean all_day)
{
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GDateTime) when = NULL;
  const char *date_time = get_string (time, "dateTime");
  const char *zone_name = get_string (time, "timeZone");

  if (date_time == NULL)
    return -1;
  if (all_day)
    {
      int year, month, day;

      if (sscanf (date_time, "%d-%d-%d", &year, &month, &day) != 3)
        return -1;
      zone = g_time_zone_new_local ();
      when = g_date_time_new (zone, year, month, day, 0, 0, 0);
      return when != NULL ? g_date_time_to_unix (when) : -1;
    }
  if (zone_name != NULL && g_ascii_strcasecmp (zone_name, "UTC") != 0)
    zone = g_time_zone_new_identifier (zone_name);
  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  when = g_date_time_new_from_iso8601 (date_time, zone);
  return when != NULL ? g_date_time_to_unix (when) : -1;
}

static TendResponse
my_response (json_t *item)
{
  static const struct
  {
    const char  *name;
    TendResponse response;
  } map[] = {
    { "organizer", TEND_RESPONSE_ORGANIZER },           { "accepted", TEND_RESPONSE_ACCEPTED },
    { "tentativelyAccepted", TEND_RESPONSE_TENTATIVE }, { "declined", TEND_RESPONSE_DECLINED },
    { "notResponded", TEND_RESPONSE_NEEDS_ACTION },
  };
  const char *response = get_string (json_object_get (item, "responseStatus"), "response");

  /* No attendees: an appointment of my own, as TendResponse defines it. */
  if (json_array_size (json_object_get (item, "attendees")) == 0)
    return TEND_RESPONSE_NONE;
  if (json_is_true (json_object_get (item, "isOrganizer")))
    return TEND_RESPONSE_ORGANIZER;
  for (guint i = 0; response != NULL && i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (response, map[i].name))
      return map[i].response;
  return TEND_RESPONSE_NEEDS_ACTION;
}

/* Each row is keyed by the Graph id of the instance itself (a delta's @removed carries nothing
 * else); an occurrence or exception also records its series' original start as recurrence_id. */
static gboolean
event_item (Sync *sync, json_t *item, gpointer data, GError **error)
{
  g_autoptr (TendEvent) event = NULL;
  const char *id = get_string (item, "id");
  const char *type = get_string (item, "type");
  const char *organizer = get_address (json_object_get (item, "organizer"));
  const char *zone = get_string (item, "originalStartTimeZone");
  gboolean    changed;
  guint       n_removed;

  if (id == NULL)
    {
      sync->report->skipped++;
      return TRUE;
    }
  if (json_object_get (item, "@removed") != NULL
      || json_is_true (json_object_get (item, "isCancelled")))
    {
      if (!tend_store_remove_event (sync->store, sync->account_id, id, -1, &n_removed, error))
        return FALSE;
      sync->report->events_removed += n_removed;
      return TRUE;
    }

  event = tend_event_new ();
  event->uid = g_strdup (id);
  event->all_day = json_is_true (json_object_get (item, "isAllDay"));
  event->start = parse_event_time (json_object_get (item, "start"), event->all_day);
  event->end = parse_event_time (json_object_get (item, "end"), event->all_day);
  if (event->start < 0 || event->end < event->start)
    {
      g_debug ("Skipping an event without a readable start and end");
      sync->report->skipped++;
      return TRUE;
    }
  event->recurring = type != NULL && !g_str_equal (type, "singleInstance");
  if (event->recurring)
    event->recurrence_id = MAX (0, parse_utc (get_string (item, "originalStart")));
  if (zone != NULL && g_ascii_strcasecmp (zone, "UTC") != 0
      && !g_str_equal (zone, "tzone://Microsoft/Utc"))
    event->tzid = g_strdup (zone);
  event->organizer = organizer != NULL ? tend_normalize_address (organizer) : NULL;
  /* Graph lists the attendees without the organizer. */
  event->attendee_count = (guint) json_array_size (json_object_get (item, "attendees"))
                          + (event->organizer != NULL ? 1 : 0);
  event->my_response = my_response (item);
  event->online = json_is_true (json_object_get (item, "isOnlineMeeting"))
                  || json_is_object (json_object_get (item, "onlineMeeting"));

  if (!tend_store_add_event (sync->store, sync->account_id, event, &changed, error))
    return FALSE;
  if (changed)
    sync->report->events_changed++;
  return TRUE;
}

static gboolean
is_gone (const GError *error)
{
  return g_error_matches (error, TEND_API_ERROR, TEND_API_ERROR_GONE);
}

static gboolean
clear_cursor (Sync *sync, const char *collection, GError **error)
{
  if (!tend_store_begin (sync->store, error))
    return FALSE;
  if (!tend_store_clear_cursors (sync->store, sync->account_id, collection, error)
      || !tend_store_commit (sync->store, error))
    {
      tend_store_rollback (sync->store);
      return FALSE;
    }
  return TRUE;
}

/* Stores one page's items and the cursor that follows them in one transaction. */
static gboolean
store_page (Sync *sync, json_t *items, ItemFunc func, gpointer data, const char *collection,
            const char *cursor, GError **error)
{
  size_t  i;
  json_t *item;

  if (!tend_store_begin (sync->store, error))
    return FALSE;
  json_array_foreach (items, i, item)
  {
    if (!func (sync, item, data, error))
      goto failed;
  }
  if (!tend_store_set_cursor (sync->store, sync->account_id, collection, cursor, error)
      || !tend_store_commit (sync->store, error))
    goto failed;
  return TRUE;

failed:
  tend_store_rollback (sync->store);
  return FALSE;
}

static gboolean
malformed (GError **error)
{
  g_set_error (error, TEND_API_ERROR, TEND_API_ERROR_MALFORMED,
               _ ("Microsoft Graph answered a page without items or a next link"));
  return FALSE;
}

/* One delta round or its continuation: the stored cursor is "<round start> <link>", the link
 * being the nextLink while paging and the deltaLink once the round is complete. A provider that
 * forgot the state (410) makes the round start again from @initial_url; rows are idempotent on
 * their ids, so nothing is counted twice. */
static gboolean
sync_delta (Sync *sync, const char *collection, const char *initial_url, const char *const *headers,
            gint64 max_round_age, ItemFunc func, gpointer data, GError **error)
{
  g_autofree char *cursor = NULL;
  g_autofree char *url = NULL;
  GError          *local_error = NULL;
  gint64           now = g_get_real_time () / G_USEC_PER_SEC, round_start = now;
  gboolean         restarted = FALSE;
  guint            done = 0;

  cursor = tend_store_get_cursor (sync->store, sync->account_id, collection, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (cursor != NULL)
    {
      char  *link = NULL;
      gint64 started = g_ascii_strtoll (cursor, &link, 10);

      if (link != NULL && *link == ' ' && (max_round_age == 0 || now - started < max_round_age))
        {
          url = g_strdup (link + 1);
          round_start = started;
        }
    }
  if (url == NULL)
    url = g_strdup (initial_url);

  for (;;)
    {
      g_autoptr (json_t) page = NULL;
      g_autofree char *next_cursor = NULL;
      const char      *next, *delta;
      json_t          *items;

      if (g_cancellable_set_error_if_cancelled (sync->cancellable, error))
        return FALSE;
      page = tend_api_client_get_json (sync->self->client, url, headers, sync->cancellable,
                                       &local_error);
      if (page == NULL)
        {
          if (is_gone (local_error) && !restarted)
            {
              g_debug ("%s: the delta state is gone; starting a new round", collection);
              g_clear_error (&local_error);
              restarted = TRUE;
              if (!clear_cursor (sync, collection, error))
                return FALSE;
              g_free (url);
              url = g_strdup (initial_url);
              round_start = g_get_real_time () / G_USEC_PER_SEC;
              continue;
            }
          g_propagate_error (error, local_error);
          return FALSE;
        }

      items = json_object_get (page, "value");
      next = get_string (page, "@odata.nextLink");
      delta = get_string (page, "@odata.deltaLink");
      if (!json_is_array (items) || (next == NULL && delta == NULL))
        return malformed (error);
      next_cursor
          = g_strdup_printf ("%" G_GINT64_FORMAT " %s", round_start, next != NULL ? next : delta);
      if (!store_page (sync, items, func, data, collection, next_cursor, error))
        return FALSE;
      done += (guint) json_array_size (items);
      if (sync->progress != NULL)
        sync->progress (collection, done, 0, sync->progress_data);
      if (next == NULL)
        return TRUE;
      g_free (url);
      url = g_strdup (next);
    }
}

static gboolean
sync_me (Sync *sync, GError **error)
{
  g_autofree char *url
      = g_strconcat (sync->self->base_url, "/me?$select=mail,userPrincipalName", NULL);
  g_auto (GStrv) known = NULL;
  g_autoptr (json_t) me = NULL;
  GError          *local_error = NULL;
  const char      *keys[] = { "mail", "userPrincipalName" };
  g_autofree char *previous = NULL;

  if (!(me = tend_api_client_get_json (sync->self->client, url, NULL, sync->cancellable, error)))
    return FALSE;
  if (!(known = tend_store_dup_me (sync->store, &local_error)))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *address = NULL;
      const char      *value = get_string (me, keys[i]);

      /* Adding an address re-derives the direction of every stored message: only when new. */
      if (value == NULL || !(address = tend_normalize_address (value))
          || g_strv_contains ((const char *const *) known, address)
          || g_strcmp0 (address, previous) == 0)
        continue;
      if (!tend_store_add_me (sync->store, address, error))
        return FALSE;
      g_free (previous);
      previous = g_steal_pointer (&address);
    }
  return TRUE;
}

static char *
page_size_preference (TendGraphSource *self, gboolean text_bodies)
{
  if (text_bodies)
    return g_strdup_printf ("odata.maxpagesize=%u, outlook.body-content-type=\"text\"",
                            self->page_size);
  return g_strdup_printf ("odata.maxpagesize=%u", self->page_size);
}

/* No $filter: Graph allows only receivedDateTime ge/gt on message delta, but a filtered round
 * ends after 5 000 messages ("Get incremental changes to messages in a folder"), in no
 * guaranteed order, and would silently lose the rest of a busy mailbox's half year. The first
 * round therefore reads the whole folder and leaves out what arrived before the window;
 * changeType=created makes later rounds bring new mail only, as changes and deletions do not
 * alter what arrived (docs/SYNC.md). */
static gboolean
sync_mail (Sync *sync, const char *collection, const char *folder, GError **error)
{
  gint64           since = g_get_real_time () / G_USEC_PER_SEC - WEEKS_BACK * 7 * 24 * 3600;
  g_autofree char *prefer = page_size_preference (sync->self, TRUE);
  g_autofree char *url = NULL;
  const char      *headers[] = { "Prefer", prefer, NULL };

  url = g_strdup_printf ("%s/me/mailFolders/%s/messages/delta?changeType=created"
                         "&$select=id,conversationId,conversationIndex,internetMessageId,"
                         "sentDateTime,receivedDateTime,from,sender,toRecipients,ccRecipients,"
                         "bccRecipients,isDraft,uniqueBody",
                         sync->self->base_url, folder);
  return sync_delta (sync, collection, url, headers, 0, mail_item, &since, error);
}

static gboolean
sync_calendar (Sync *sync, GError **error)
{
  gint64           now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *from = format_utc (now - WEEKS_BACK * 7 * 24 * 3600);
  g_autofree char *to = format_utc (now + WEEKS_AHEAD * 7 * 24 * 3600);
  g_autofree char *prefer = page_size_preference (sync->self, FALSE);
  g_autofree char *url = NULL;
  const char      *headers[] = { "Prefer", prefer, NULL };

  url = g_strdup_printf ("%s/me/calendarView/delta?startDateTime=%s&endDateTime=%s",
                         sync->self->base_url, from, to);
  return sync_delta (sync, "calendar", url, headers, CALENDAR_ROUND_DAYS * 24 * 3600, event_item,
                     NULL, error);
}

typedef struct
{
  const char *chat_id;
  GHashTable *emails; /* user id → address */
  gint64      newest; /* the newest lastModifiedDateTime seen this round */
} Chat;

static gboolean
chat_message_item (Sync *sync, json_t *item, gpointer data, GError **error)
{
  Chat *chat = data;
  g_autoptr (TendMessage) message = NULL;
  GHashTableIter iter;
  gpointer       user_id, address;
  json_t        *user = json_object_get (json_object_get (item, "from"), "user");
  const char    *id = get_string (item, "id");
  const char    *type = get_string (item, "messageType");
  const char    *sender;
  json_t        *deleted = json_object_get (item, "deletedDateTime");
  gboolean       inserted;

  /* System events (members added, renamed) and deleted messages are nobody's words. */
  if ((type != NULL && !g_str_equal (type, "message"))
      || (deleted != NULL && !json_is_null (deleted)))
    return TRUE;

  sender = get_string (user, "id") != NULL
               ? g_hash_table_lookup (chat->emails, get_string (user, "id"))
               : NULL;
  message = tend_message_new ();
  message->kind = TEND_MESSAGE_KIND_CHAT;
  message->sent_at = parse_utc (get_string (item, "createdDateTime"));
  if (id == NULL || sender == NULL || message->sent_at < 0)
    {
      g_debug ("Skipping a chat message without id, date or a sender among the members");
      sync->report->skipped++;
      return TRUE;
    }
  /* Chat message ids are timestamps, unique only within their chat. */
  message->provider_id = g_strconcat ("chat:", chat->chat_id, "/", id, NULL);
  message->conversation_id = g_strdup (chat->chat_id);
  message->sender = g_strdup (sender);
  message->sender_name = g_strdup (get_string (user, "displayName"));
  g_hash_table_iter_init (&iter, chat->emails);
  while (g_hash_table_iter_next (&iter, &user_id, &address))
    if (!g_str_equal (address, sender))
      tend_message_add_recipient (message, address);
  analyse_body (json_object_get (item, "body"), &message->features);

  if (!tend_store_add_message (sync->store, sync->account_id, message, &inserted, error))
    return FALSE;
  if (inserted)
    sync->report->messages_added++;
  return TRUE;
}

/* Chat messages have no delta for delegated use. Each chat keeps a high-water mark of
 * lastModifiedDateTime in cursor "chats/<id>": "<mark>" between rounds, "<mark> <nextLink>"
 * while paging (newest first), so that a sync stopped between pages resumes at the next one. */
static gboolean
sync_chat (Sync *sync, Chat *chat, guint *done, GError **error)
{
  g_autofree char *collection = g_strconcat ("chats/", chat->chat_id, NULL);
  g_autofree char *cursor = NULL;
  g_autofree char *url = NULL;
  GError          *local_error = NULL;
  gint64           mark;

  cursor = tend_store_get_cursor (sync->store, sync->account_id, collection, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  mark = g_get_real_time () / G_USEC_PER_SEC - WEEKS_BACK * 7 * 24 * 3600;
  if (cursor != NULL)
    {
      char  *link = NULL;
      gint64 stored = g_ascii_strtoll (cursor, &link, 10);

      if (link != cursor)
        mark = stored;
      if (link != NULL && *link == ' ')
        url = g_strdup (link + 1);
    }
  chat->newest = mark;
  if (url == NULL)
    {
      g_autofree char *since = format_utc (mark);
      g_autofree char *filter = g_strconcat ("lastModifiedDateTime gt ", since, NULL);
      g_autofree char *chat_escaped = escape (chat->chat_id);
      g_autofree char *filter_escaped = escape (filter);

      url = g_strdup_printf ("%s/me/chats/%s/messages?$top=%u&$orderby=lastModifiedDateTime%%20desc"
                             "&$filter=%s",
                             sync->self->base_url, chat_escaped,
                             MIN (sync->self->page_size, MAX_CHAT_PAGE_SIZE), filter_escaped);
    }

  for (;;)
    {
      g_autoptr (json_t) page = NULL;
      g_autofree char *next_cursor = NULL;
      const char      *next;
      json_t          *items;

      if (g_cancellable_set_error_if_cancelled (sync->cancellable, error))
        return FALSE;
      if (!(page
            = tend_api_client_get_json (sync->self->client, url, NULL, sync->cancellable, error)))
        return FALSE;
      items = json_object_get (page, "value");
      next = get_string (page, "@odata.nextLink");
      if (!json_is_array (items))
        return malformed (error);
      /* The new mark goes into the cursor with the page. Marks have whole seconds, cut
       * down, so a message of the same second is read again rather than missed. */
      {
        size_t  i;
        json_t *item;

        json_array_foreach (items, i, item)
        {
          chat->newest = MAX (chat->newest, parse_utc (get_string (item, "lastModifiedDateTime")));
        }
      }
      if (next != NULL)
        next_cursor = g_strdup_printf ("%" G_GINT64_FORMAT " %s", chat->newest, next);
      else
        next_cursor = g_strdup_printf ("%" G_GINT64_FORMAT, chat->newest);
      if (!store_page (sync, items, chat_message_item, chat, collection, next_cursor, error))
        return FALSE;
      *done += (guint) json_array_size (items);
      if (sync->progress != NULL)
        sync->progress ("chats", *done, 0, sync->progress_data);
      if (next == NULL)
        return TRUE;
      g_free (url);
      url = g_strdup (next);
    }
}

/* The chats come with their members ($expand=members), whose addresses name the senders of
 * the messages: one request a page of chats rather than one per message. */
static gboolean
sync_chats (Sync *sync, GError **error)
{
  g_autofree char *url = g_strconcat (sync->self->base_url, "/me/chats?$expand=members", NULL);
  GError          *local_error = NULL;
  gboolean         first = TRUE;
  guint            done = 0;

  while (url != NULL)
    {
      g_autoptr (json_t) page = NULL;
      json_t *items, *item;
      size_t  i;

      page = tend_api_client_get_json (sync->self->client, url, NULL, sync->cancellable,
                                       &local_error);
      /* An account without Teams (or whose organization withholds Chat.Read) has mail and a
       * calendar all the same. */
      if (page == NULL && first
          && (g_error_matches (local_error, TEND_API_ERROR, TEND_API_ERROR_FORBIDDEN)
              || g_error_matches (local_error, TEND_API_ERROR, TEND_API_ERROR_NOT_FOUND)))
        {
          g_debug ("No chats for this account: %s", local_error->message);
          g_clear_error (&local_error);
          return TRUE;
        }
      if (page == NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      first = FALSE;
      items = json_object_get (page, "value");
      if (!json_is_array (items))
        return malformed (error);
      json_array_foreach (items, i, item)
      {
        g_autoptr (GHashTable) emails
            = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        Chat    chat = { .chat_id = get_string (item, "id"), .emails = emails };
        json_t *member;
        size_t  j;

        if (chat.chat_id == NULL)
          continue;
        json_array_foreach (json_object_get (item, "members"), j, member)
        {
          const char *user_id = get_string (member, "userId");
          const char *email = get_string (member, "email");
          char       *address;

          if (user_id != NULL && email != NULL && (address = tend_normalize_address (email)))
            g_hash_table_replace (emails, g_strdup (user_id), address);
        }
        if (!sync_chat (sync, &chat, &done, error))
          return FALSE;
      }
      g_free (url);
      url = g_strdup (get_string (page, "@odata.nextLink"));
    }
  return TRUE;
}

static const char *const *
tend_graph_source_get_collections (TendSyncSource *source)
{
  return collections;
}

/* /me first (my addresses decide which mail is sent), then each collection in turn. */
static gboolean
tend_graph_source_sync (TendSyncSource *source, TendStore *store, gint64 account_id,
                        TendSyncProgressFunc progress, gpointer progress_data,
                        TendSyncReport *report, GCancellable *cancellable, GError **error)
{
  Sync sync = {
    .self = TEND_GRAPH_SOURCE (source),
    .store = store,
    .account_id = account_id,
    .progress = progress,
    .progress_data = progress_data,
    .report = report,
    .cancellable = cancellable,
  };

  return sync_me (&sync, error) && sync_mail (&sync, "mail-inbox", "inbox", error)
         && sync_mail (&sync, "mail-sent", "sentitems", error) && sync_calendar (&sync, error)
         && sync_chats (&sync, error);
}

static void
tend_graph_source_iface_init (TendSyncSourceInterface *iface)
{
  iface->get_collections = tend_graph_source_get_collections;
  iface->sync = tend_graph_source_sync;
}

static void
tend_graph_source_finalize (GObject *object)
{
  TendGraphSource *self = TEND_GRAPH_SOURCE (object);

  g_clear_object (&self->client);
  g_free (self->base_url);

  G_OBJECT_CLASS (tend_graph_source_parent_class)->finalize (object);
}

static void
tend_graph_source_class_init (TendGraphSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_graph_source_finalize;
}

static void
tend_graph_source_init (TendGraphSource *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;
}

TendGraphSource *
tend_graph_source_new (TendApiClient *client, const char *base_url)
{
  TendGraphSource *self;

  g_return_val_if_fail (TEND_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (TEND_TYPE_GRAPH_SOURCE, NULL);
  self->client = g_object_ref (client);
  self->base_url = g_strdup (base_url);
  /* A trailing slash would double in every path. */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  return self;
}

/* Items a page asks Graph for (Prefer: odata.maxpagesize); chats are capped at 50. */
void
tend_graph_source_set_page_size (TendGraphSource *self, guint page_size)
{
  g_return_if_fail (TEND_IS_GRAPH_SOURCE (self));
  g_return_if_fail (page_size > 0);

  self->page_size = page_size;
}
