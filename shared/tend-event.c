/* tend-event.c: one calendar occurrence as Tend keeps it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-event"

#include "config.h"

#include "tend-event.h"

TendEvent *
tend_event_new (void)
{
  return g_new0 (TendEvent, 1);
}

void
tend_event_free (TendEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->uid);
  g_free (event->tzid);
  g_free (event->organizer);
  g_free (event);
}

/* Whether the time is spent in the event: accepted, tentatively accepted, organized, or my own
 * appointment. Unanswered and declined invitations do not take my time. */
gboolean
tend_response_is_attending (TendResponse response)
{
  switch (response)
    {
    case TEND_RESPONSE_NONE:
    case TEND_RESPONSE_ORGANIZER:
    case TEND_RESPONSE_ACCEPTED:
    case TEND_RESPONSE_TENTATIVE:
      return TRUE;
    case TEND_RESPONSE_DECLINED:
    case TEND_RESPONSE_NEEDS_ACTION:
    default:
      return FALSE;
    }
}
