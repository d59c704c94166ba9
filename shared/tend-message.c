/* tend-message.c: one mail or chat message as Tend keeps it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-message"

#include "config.h"

#include "tend-message.h"

TendMessage *
tend_message_new (void)
{
  TendMessage *message = g_new0 (TendMessage, 1);

  message->recipients = g_ptr_array_new_with_free_func (g_free);
  return message;
}

void
tend_message_free (TendMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->provider_id);
  g_free (message->conversation_id);
  g_free (message->sender);
  g_free (message->sender_name);
  g_ptr_array_unref (message->recipients);
  g_free (message->in_reply_to);
  g_free (message);
}

void
tend_message_add_recipient (TendMessage *message, const char *address)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (message != NULL);

  normalized = tend_normalize_address (address);
  if (normalized == NULL)
    return;
  for (guint i = 0; i < message->recipients->len; i++)
    if (g_str_equal (g_ptr_array_index (message->recipients, i), normalized))
      return;
  g_ptr_array_add (message->recipients, g_steal_pointer (&normalized));
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* Addresses compare case-insensitively in practice (RFC 5321 allows a case-sensitive local
 * part, but no provider Tend reads uses one), so one person is one case-folded address. Case
 * folding, unlike g_utf8_strdown, does not depend on the locale (a Turkish "I"). Returns NULL
 * for an empty or non-UTF-8 address. */
char *
tend_normalize_address (const char *address)
{
  g_autofree char *stripped = NULL;
  g_autofree char *composed = NULL;

  if (address == NULL || !g_utf8_validate (address, -1, NULL))
    return NULL;

  stripped = g_strstrip (g_strdup (address));
  if (*stripped == '\0')
    return NULL;
  if (is_ascii (stripped))
    return g_ascii_strdown (stripped, -1);

  composed = g_utf8_normalize (stripped, -1, G_NORMALIZE_NFC);
  return g_utf8_casefold (composed, -1);
}
