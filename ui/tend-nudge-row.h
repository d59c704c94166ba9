/* tend-nudge-row.h: one of the coach's nudges, expandable to its explanation and evidence
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-nudge.h"

G_BEGIN_DECLS

#define TEND_TYPE_NUDGE_ROW (tend_nudge_row_get_type ())

G_DECLARE_FINAL_TYPE (TendNudgeRow, tend_nudge_row, TEND, NUDGE_ROW, AdwExpanderRow)

GtkWidget *tend_nudge_row_new               (TendNudge *nudge);
TendNudge *tend_nudge_row_get_nudge         (TendNudgeRow *self);
/* NULL lets the person dismiss and snooze; otherwise why they cannot, shown as the tooltip of
 * the insensitive buttons. */
void       tend_nudge_row_set_locked_reason (TendNudgeRow *self, const char *reason);

G_END_DECLS
