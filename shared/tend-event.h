/* tend-event.h: one calendar occurrence as Tend keeps it
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* My answer to an invitation. ORGANIZER when I organized it; NONE when the event has no
 * attendee list at all (an appointment in my own calendar, which I implicitly organized). */
typedef enum
{
  TEND_RESPONSE_NONE = 0,
  TEND_RESPONSE_ORGANIZER = 1,
  TEND_RESPONSE_ACCEPTED = 2,
  TEND_RESPONSE_TENTATIVE = 3,
  TEND_RESPONSE_DECLINED = 4,
  TEND_RESPONSE_NEEDS_ACTION = 5,
} TendResponse;

/* One occurrence: a single event, or one instance of an expanded recurring series. Times are
 * Unix seconds in UTC; all-day events run from local midnight to local midnight of their
 * original zone. */
typedef struct
{
  char *uid;
  gint64 recurrence_id; /* original start of this instance, 0 for a non-recurring event */
  gint64 start;
  gint64 end;
  char *tzid;           /* the zone the organizer wrote it in, NULL for floating or UTC */
  gboolean all_day;
  char *organizer;      /* normalized address, NULL if none */
  guint attendee_count; /* everyone invited, the organizer included */
  TendResponse my_response;
  gboolean cancelled;
  gboolean recurring;
  gboolean online;      /* has a video-call link or an online-meeting flag */
} TendEvent;

TendEvent *tend_event_new  (void);
void       tend_event_free (TendEvent *event);

gboolean   tend_response_is_attending (TendResponse response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendEvent, tend_event_free)

G_END_DECLS
