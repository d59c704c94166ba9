/* tend-notifier.h: the agent's desktop notifications
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-week.h"
#include "tend-work-hours.h"

G_BEGIN_DECLS

#define TEND_TYPE_NOTIFIER (tend_notifier_get_type ())

G_DECLARE_FINAL_TYPE (TendNotifier, tend_notifier, TEND, NOTIFIER, GObject)

/* Notifications go through @application (borrowed: it must outlive the notifier) and their
 * buttons activate its actions: "connect" (s: provider id), "confirm-opt-in", "open" and
 * "open-week" (s: ISO week such as "2026-W47"). */
TendNotifier *tend_notifier_new (GApplication *application);

void tend_notifier_sign_in_expired (TendNotifier *self, const char *provider_id,
                                    const char *account);
void tend_notifier_first_sync (TendNotifier *self, const char *account, guint messages,
                               guint events);
void tend_notifier_invite_opt_in (TendNotifier *self);
/* The weekly digest is computed by tend-agent-worker, which reads the database, and only after
 * opt-in: enable it when the user opts in, disable it when they opt out. Enabling (re)schedules
 * the digest; disabling cancels it. */
void tend_notifier_set_enabled (TendNotifier *self, gboolean enabled);
/* Withdraws every notification this notifier has shown (on opt-out). */
void tend_notifier_withdraw_all (TendNotifier *self);
/* The clock the digest is scheduled by (Unix seconds); 0, the default, follows the real one. */
void tend_notifier_set_now (TendNotifier *self, gint64 unix_time);

/* When the weekly digest is due, in Unix seconds: the start of the week's first working day
 * (the first working morning) in @tz; @now itself when that morning has begun, its working
 * day is not over and the digest of @now's week was not yet shown (@shown_week NULL: none
 * was); else next week's first working morning. Without any working day, Monday 09:00. */
gint64 tend_notifier_next_digest_time (gint64 now, GTimeZone *tz, const TendWorkHours *hours,
                                       const TendWeek *shown_week);

G_END_DECLS
