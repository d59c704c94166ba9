/* tend-message.h: one mail or chat message as Tend keeps it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TEND_MESSAGE_KIND_MAIL = 0,
  TEND_MESSAGE_KIND_CHAT = 1,
} TendMessageKind;

typedef enum
{
  TEND_DIRECTION_RECEIVED = 0,
  TEND_DIRECTION_SENT = 1,
} TendDirection;

/* What the coach may know of a body: counts, computed in memory at ingest. The body itself is
 * never stored (invariant 3). */
typedef struct
{
  guint words;
  guint gratitude;
  guint apologies;
  guint hedges;
  guint negative;
  guint questions;
} TendContentFeatures;

/* A message between parsing and the store. Addresses are normalized (lower case, trimmed);
 * sent_at is Unix time in UTC. No field ever holds body text. */
typedef struct
{
  char *provider_id;     /* Message-ID, Graph or Gmail id: unique within an account */
  TendMessageKind kind;
  char *conversation_id; /* thread or chat id, NULL if unknown */
  gint64 sent_at;
  char *sender;
  char *sender_name;     /* display name, NULL if none */
  GPtrArray *recipients; /* (element-type utf8): To, Cc and Bcc addresses */
  char *in_reply_to;     /* provider id of the parent message, NULL if none */
  TendContentFeatures features;
} TendMessage;

TendMessage *tend_message_new                (void);
void         tend_message_free               (TendMessage *message);
void         tend_message_add_recipient      (TendMessage *message, const char *address);
char        *tend_normalize_address          (const char *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendMessage, tend_message_free)

G_END_DECLS
