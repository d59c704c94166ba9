/* tend-export.c: everything Tend stores, in a file the user owns
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-export"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <jansson.h>
#include <string.h>

#include "tend-export.h"
#include "tend-goal.h"
#include "tend-store-private.h"

/* Rows are written as they are read: a five-year database must not be built up in memory.
 * The SQL texts are static because the store caches statements by their address. */

static const char message_sql[]
    = "SELECT account.provider || ':' || account.name, printf ('%016x', provider_key), kind,"
      " printf ('%016x', conversation_key), sent_at, direction,"
      " (SELECT min (address) FROM identity WHERE person_id = sender_id),"
      " (SELECT group_concat (address, ';') FROM"
      "   (SELECT (SELECT min (address) FROM identity i WHERE i.person_id = r.person_id) AS address"
      "    FROM message_recipient r WHERE r.message_id = message.id ORDER BY address)),"
      " printf ('%016x', reply_to_key), words, gratitude, apologies, hedges, negative, questions"
      " FROM message JOIN account ON account.id = account_id ORDER BY sent_at, message.id";

static const char event_sql[]
    = "SELECT account.provider || ':' || account.name, uid, recurrence_id, start_at, end_at, tzid,"
      " all_day, (SELECT min (address) FROM identity WHERE person_id = organizer_id),"
      " attendee_count, my_response, cancelled, recurring, online"
      " FROM event JOIN account ON account.id = account_id ORDER BY start_at, event.id";

static const char person_sql[]
    = "SELECT person.id, display_name, is_me, group_concat (address, ';')"
      " FROM person JOIN identity ON identity.person_id = person.id"
      " GROUP BY person.id ORDER BY person.id";

static const char *const response_names[] = {
  "none", "organizer", "accepted", "tentative", "declined", "needs-action",
};

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static char *
iso_time (gint64 unix_time)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("");
}

static const char *
response_name (int response)
{
  if (response < 0 || response >= (int) G_N_ELEMENTS (response_names))
    return "none";
  return response_names[response];
}

static gboolean
write_text (GOutputStream *out, const char *text, GCancellable *cancellable, GError **error)
{
  return g_output_stream_write_all (out, text, strlen (text), NULL, cancellable, error);
}

static gboolean
finish_rows (TendStore *store, sqlite3_stmt *stmt, int rc, GError **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tend_store_set_error (store, rc, error);
  return TRUE;
}

static json_t *
message_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *sent = iso_time (sqlite3_column_int64 (stmt, 4));
  json_t          *recipients = json_array ();
  g_auto (GStrv) addresses = NULL;

  if (column_text (stmt, 7) != NULL)
    addresses = g_strsplit (column_text (stmt, 7), ";", -1);
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    json_array_append_new (recipients, json_string (addresses[i]));

  return json_pack (
      "{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:o, s:s?, s:{s:i, s:i, s:i, s:i, "
      "s:i, s:i}}",
      "account", column_text (stmt, 0), "id_key", column_text (stmt, 1), "kind",
      sqlite3_column_int (stmt, 2) == 1 ? "chat" : "mail", "conversation_key",
      sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NULL : column_text (stmt, 3), "sent_at", sent,
      "direction", sqlite3_column_int (stmt, 5) == 1 ? "sent" : "received", "from",
      column_text (stmt, 6), "to", recipients, "reply_to_key",
      sqlite3_column_type (stmt, 8) == SQLITE_NULL ? NULL : column_text (stmt, 8), "features",
      "words", sqlite3_column_int (stmt, 9), "gratitude", sqlite3_column_int (stmt, 10),
      "apologies", sqlite3_column_int (stmt, 11), "hedges", sqlite3_column_int (stmt, 12),
      "negative", sqlite3_column_int (stmt, 13), "questions", sqlite3_column_int (stmt, 14));
}

static json_t *
event_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *start = iso_time (sqlite3_column_int64 (stmt, 3));
  g_autofree char *end = iso_time (sqlite3_column_int64 (stmt, 4));
  g_autofree char *rid = NULL;

  if (sqlite3_column_int64 (stmt, 2) != 0)
    rid = iso_time (sqlite3_column_int64 (stmt, 2));

  return json_pack (
      "{s:s, s:s, s:s?, s:s, s:s, s:s?, s:b, s:s?, s:i, s:s, s:b, s:b, s:b}", "account",
      column_text (stmt, 0), "uid", column_text (stmt, 1), "recurrence_id", rid, "start", start,
      "end", end, "time_zone", column_text (stmt, 5), "all_day", sqlite3_column_int (stmt, 6),
      "organizer", column_text (stmt, 7), "attendees", sqlite3_column_int (stmt, 8), "my_response",
      response_name (sqlite3_column_int (stmt, 9)), "cancelled", sqlite3_column_int (stmt, 10),
      "recurring", sqlite3_column_int (stmt, 11), "online", sqlite3_column_int (stmt, 12));
}

static json_t *
person_to_json (sqlite3_stmt *stmt)
{
  g_auto (GStrv) addresses = g_strsplit (column_text (stmt, 3), ";", -1);
  json_t *list = json_array ();

  for (guint i = 0; addresses[i] != NULL; i++)
    json_array_append_new (list, json_string (addresses[i]));
  return json_pack ("{s:I, s:s?, s:b, s:o}", "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
                    "name", column_text (stmt, 1), "me", sqlite3_column_int (stmt, 2), "addresses",
                    list);
}

/* What the coach remembers, my goals, and everything about sharing: the JSON export is all of
 * Tend's database, not only the collected rows. */
static const char *const goal_sql
    = "SELECT id, metric, comparison, target, created_at FROM goal ORDER BY id";

static const char *const nudge_state_sql
    = "SELECT nudge_id, week, state, until_at FROM nudge_state ORDER BY week, nudge_id";

static const char *const contribution_sql
    = "SELECT week, version, CAST (payload AS TEXT), created_at FROM contribution ORDER BY week";

static const char *const consent_sql
    = "SELECT at, action, destination, payload_version, organization, week FROM consent_log"
      " ORDER BY id";

static const char *const upload_sql
    = "SELECT at, week, destination, CAST (payload AS TEXT) FROM upload_log ORDER BY id";

static json_t *
goal_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *created = iso_time (sqlite3_column_int64 (stmt, 4));

  return json_pack ("{s:I, s:s, s:s, s:f, s:s}", "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
                    "metric", column_text (stmt, 1), "comparison",
                    tend_goal_comparison_to_string (sqlite3_column_int (stmt, 2)), "target",
                    sqlite3_column_double (stmt, 3), "created_at", created);
}

static json_t *
nudge_state_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *until = NULL;

  /* tend-coach.c's states: 1 dismissed, 2 snoozed until until_at. */
  if (sqlite3_column_int64 (stmt, 3) != 0)
    until = iso_time (sqlite3_column_int64 (stmt, 3));
  return json_pack ("{s:s, s:s, s:s, s:s?}", "nudge", column_text (stmt, 0), "week",
                    column_text (stmt, 1), "state",
                    sqlite3_column_int (stmt, 2) == 2 ? "snoozed" : "dismissed", "until", until);
}

static json_t *
contribution_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *created = iso_time (sqlite3_column_int64 (stmt, 3));

  return json_pack ("{s:s, s:i, s:s, s:s}", "week", column_text (stmt, 0), "version",
                    sqlite3_column_int (stmt, 1), "payload", column_text (stmt, 2), "created_at",
                    created);
}

static json_t *
consent_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *at = iso_time (sqlite3_column_int64 (stmt, 0));

  return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:i}", "at", at, "action", column_text (stmt, 1),
                    "organization", column_text (stmt, 4), "destination", column_text (stmt, 2),
                    "week", column_text (stmt, 5), "payload_version", sqlite3_column_int (stmt, 3));
}

static json_t *
upload_to_json (sqlite3_stmt *stmt)
{
  g_autofree char *at = iso_time (sqlite3_column_int64 (stmt, 0));

  return json_pack ("{s:s, s:s, s:s, s:s}", "at", at, "week", column_text (stmt, 1), "destination",
                    column_text (stmt, 2), "payload", column_text (stmt, 3));
}

typedef json_t *(*RowToJson) (sqlite3_stmt *stmt);

static gboolean
write_json_array (TendStore *store, GOutputStream *out, const char *name, const char *sql,
                  RowToJson to_json, gboolean last, GCancellable *cancellable, GError **error)
{
  g_autofree char *opening = g_strdup_printf ("  \"%s\": [", name);
  sqlite3_stmt    *stmt;
  gboolean         first = TRUE;
  int              rc;

  if (!(stmt = _tend_store_prepare (store, sql, error))
      || !write_text (out, opening, cancellable, error))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_t          *row = to_json (stmt);
      char            *dumped = json_dumps (row, JSON_COMPACT);
      g_autofree char *text = g_strconcat (first ? "\n    " : ",\n    ", dumped, NULL);

      free (dumped);
      json_decref (row);
      first = FALSE;
      if (!write_text (out, text, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;
  return write_text (out, first ? "]" : "\n  ]", cancellable, error)
         && write_text (out, last ? "\n" : ",\n", cancellable, error);
}

static gboolean
export_json (TendStore *store, GOutputStream *out, GCancellable *cancellable, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format_iso8601 (now);
  g_autofree char *header = g_strdup_printf ("{\n  \"format\": \"tend-export\",\n"
                                             "  \"version\": 1,\n"
                                             "  \"exported_at\": \"%s\",\n",
                                             now_text);

  return write_text (out, header, cancellable, error)
         && write_json_array (store, out, "people", person_sql, person_to_json, FALSE, cancellable,
                              error)
         && write_json_array (store, out, "messages", message_sql, message_to_json, FALSE,
                              cancellable, error)
         && write_json_array (store, out, "events", event_sql, event_to_json, FALSE, cancellable,
                              error)
         && write_json_array (store, out, "goals", goal_sql, goal_to_json, FALSE, cancellable,
                              error)
         && write_json_array (store, out, "nudges", nudge_state_sql, nudge_state_to_json, FALSE,
                              cancellable, error)
         && write_json_array (store, out, "contributions", contribution_sql, contribution_to_json,
                              FALSE, cancellable, error)
         && write_json_array (store, out, "consent", consent_sql, consent_to_json, FALSE,
                              cancellable, error)
         && write_json_array (store, out, "uploads", upload_sql, upload_to_json, TRUE, cancellable,
                              error)
         && write_text (out, "}\n", cancellable, error);
}

/* RFC 4180: quote a field that holds a comma, quote or line break; double inner quotes. */
static void
append_csv_field (GString *line, const char *value)
{
  if (line->len > 0)
    g_string_append_c (line, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
append_csv_int (GString *line, gint64 value)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, value);
  append_csv_field (line, buffer);
}

#define CSV_HEADER                                                                                 \
  "record,account,start_utc,end_utc,kind,direction,from,to,conversation_key,reply_to_key,words,"   \
  "gratitude,apologies,hedges,negative,questions,uid,recurrence_id,time_zone,all_day,"             \
  "organizer,attendees,my_response,cancelled,recurring,online\r\n"

static gboolean
write_csv_line (GOutputStream *out, GString *line, GCancellable *cancellable, GError **error)
{
  g_string_append (line, "\r\n");
  return g_output_stream_write_all (out, line->str, line->len, NULL, cancellable, error);
}

static gboolean
export_csv (TendStore *store, GOutputStream *out, GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) line = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int           rc;

  if (!write_text (out, CSV_HEADER, cancellable, error))
    return FALSE;

  if (!(stmt = _tend_store_prepare (store, message_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *sent = iso_time (sqlite3_column_int64 (stmt, 4));

      g_string_truncate (line, 0);
      append_csv_field (line, "message");
      append_csv_field (line, column_text (stmt, 0));
      append_csv_field (line, sent);
      append_csv_field (line, NULL);
      append_csv_field (line, sqlite3_column_int (stmt, 2) == 1 ? "chat" : "mail");
      append_csv_field (line, sqlite3_column_int (stmt, 5) == 1 ? "sent" : "received");
      append_csv_field (line, column_text (stmt, 6));
      append_csv_field (line, column_text (stmt, 7));
      append_csv_field (line, sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NULL
                                                                           : column_text (stmt, 3));
      append_csv_field (line, sqlite3_column_type (stmt, 8) == SQLITE_NULL ? NULL
                                                                           : column_text (stmt, 8));
      for (int column = 9; column <= 14; column++)
        append_csv_int (line, sqlite3_column_int64 (stmt, column));
      /* The event columns stay empty for a message. */
      for (int column = 0; column < 10; column++)
        g_string_append_c (line, ',');
      if (!write_csv_line (out, line, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  if (!finish_rows (store, stmt, rc, error))
    return FALSE;

  if (!(stmt = _tend_store_prepare (store, event_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *start = iso_time (sqlite3_column_int64 (stmt, 3));
      g_autofree char *end = iso_time (sqlite3_column_int64 (stmt, 4));
      g_autofree char *rid = NULL;

      if (sqlite3_column_int64 (stmt, 2) != 0)
        rid = iso_time (sqlite3_column_int64 (stmt, 2));

      g_string_truncate (line, 0);
      append_csv_field (line, "event");
      append_csv_field (line, column_text (stmt, 0));
      append_csv_field (line, start);
      append_csv_field (line, end);
      /* The message columns stay empty for an event. */
      for (int column = 0; column < 12; column++)
        g_string_append_c (line, ',');
      append_csv_field (line, column_text (stmt, 1));
      append_csv_field (line, rid);
      append_csv_field (line, column_text (stmt, 5));
      append_csv_int (line, sqlite3_column_int (stmt, 6));
      append_csv_field (line, column_text (stmt, 7));
      append_csv_int (line, sqlite3_column_int (stmt, 8));
      append_csv_field (line, response_name (sqlite3_column_int (stmt, 9)));
      append_csv_int (line, sqlite3_column_int (stmt, 10));
      append_csv_int (line, sqlite3_column_int (stmt, 11));
      append_csv_int (line, sqlite3_column_int (stmt, 12));
      if (!write_csv_line (out, line, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  return finish_rows (store, stmt, rc, error);
}

gboolean
tend_export_format_from_string (const char *text, TendExportFormat *out, GError **error)
{
  if (g_strcmp0 (text, "json") == 0)
    *out = TEND_EXPORT_JSON;
  else if (g_strcmp0 (text, "csv") == 0)
    *out = TEND_EXPORT_CSV;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("Unknown export format “%s”; use json or csv"), text);
      return FALSE;
    }
  return TRUE;
}

/* One read transaction, so the export is a consistent snapshot even while the agent writes. */
gboolean
tend_export_write (TendStore *store, TendExportFormat format, GOutputStream *out,
                   GCancellable *cancellable, GError **error)
{
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (TEND_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  db = _tend_store_get_db (store);
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return _tend_store_set_error (store, sqlite3_errcode (db), error);

  ok = format == TEND_EXPORT_JSON ? export_json (store, out, cancellable, error)
                                  : export_csv (store, out, cancellable, error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  return ok;
}
