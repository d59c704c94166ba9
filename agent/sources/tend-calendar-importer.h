/* tend-calendar-importer.h: events from iCalendar (.ics) data
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-import-report.h"
#include "tend-store.h"

G_BEGIN_DECLS

/*
 * TendCalendarImporter turns the VEVENTs of an iCalendar file into TendEvent rows, one per
 * occurrence. What it keeps is metadata only: SUMMARY, DESCRIPTION and LOCATION are read in
 * memory to spot a video-call link and are never stored.
 *
 * Times
 * - Recurring series (RRULE, RDATE, EXDATE) are expanded in the zone of their DTSTART, so a
 *   09:30 Europe/Berlin meeting stays at 09:30 Berlin time across a DST change.
 * - A TZID is looked up in the file's VTIMEZONEs first, then in libical's zone database,
 *   which also knows prefixed ids such as "/freeassociation.sourceforge.net/Europe/Berlin";
 *   other vendors' prefixes are matched by the Olson name they end in. An event whose TZID
 *   is neither is skipped as TEND_SKIP_UNKNOWN_TZID (Windows names like "Pacific Standard
 *   Time" without their VTIMEZONE, too). VTIMEZONEs are ignored as hostile when a rule of
 *   theirs steps faster than monthly or changes the offset more than twice in its first year,
 *   or once the file's VTIMEZONEs hold 256 rules.
 * - Floating times and all-day dates are placed in the importer's zone (default: local).
 *   An all-day event without DTEND lasts one day; a timed one without DTEND or DURATION
 *   lasts zero seconds. An override without DTEND or DURATION keeps its series' duration.
 * - recurrence_id is the UTC start the instance originally had (0 for a single event).
 *
 * Series
 * - Instances are produced only within the window (default: 10 years back to 1 year ahead),
 *   at most 20 000 per series and 500 000 per file; a series cut short by those caps (or by
 *   taking more than 200 000 rule steps, or the file's 2 000 000) is counted once as
 *   TEND_SKIP_MALFORMED, because counting each dropped instance would mean expanding it. A
 *   rule that can never occur also counts as TEND_SKIP_MALFORMED; one libical cannot parse at
 *   all is dropped by libical, which leaves the DTSTART as the only instance.
 * - A RECURRENCE-ID override replaces its instance (moved, resized, STATUS:CANCELLED); an
 *   override wins over an EXDATE of the same instance, and is kept when its original or its
 *   new start is in the window. Overrides without their master are stored as they are,
 *   whatever their date. After each series whose master is in the file, the stored instances
 *   that were not produced this time (a new EXDATE, a shorter rule, instances that left the
 *   window) are removed.
 * - Several VEVENTs with the same UID and RECURRENCE-ID: the highest SEQUENCE wins, then the
 *   last one in the file. A VEVENT without UID gets a stable one derived from a SHA-256 of
 *   its text.
 * - Calendars whose METHOD is REPLY, REFRESH, COUNTER or DECLINECOUNTER carry answers to an
 *   invitation, not events, and are ignored.
 *
 * People
 * - attendee_count is the number of ATTENDEE properties, plus the ORGANIZER when not among
 *   them.
 * - my_response: NONE when the event has no ATTENDEE at all (my own appointment, whoever
 *   the ORGANIZER is); ORGANIZER when the organizer is one of my addresses; otherwise the
 *   PARTSTAT of the ATTENDEE that is me (a missing PARTSTAT is NEEDS-ACTION, DELEGATED
 *   counts as DECLINED). When attendees exist but none is me (my address is unknown, or the
 *   file is someone else's calendar), the calendar's METHOD decides: REQUEST is an
 *   invitation to me, so NEEDS_ACTION; any other method gives NONE.
 *
 * Flags
 * - cancelled: STATUS:CANCELLED on the event or instance, or METHOD:CANCEL.
 * - online: a CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL,
 *   X-MICROSOFT-ONLINEMEETINGINFORMATION or X-GOOGLE-CONFERENCE property, or a Teams, Meet,
 *   Zoom or Webex link in LOCATION or DESCRIPTION.
 *
 * Bad input is skipped and counted in the TendImportReport, and the import goes on: invalid
 * UTF-8 (per VEVENT), no DTSTART, dates before 1990 or more than 20 years ahead (judged per
 * instance), unknown TZIDs, data without a VCALENDAR (TEND_SKIP_GARBAGE, once per file) and
 * files over 64 MiB (TEND_SKIP_OVERSIZED). A file cut off before its end keeps its complete
 * events; so does one whose components nest more than 32 deep, which ends there and counts
 * once as TEND_SKIP_MALFORMED. Only failures of the whole import return FALSE: a file that
 * cannot be read or is not a regular file (G_IO_ERROR), a database error (TEND_STORE_ERROR),
 * cancellation (G_IO_ERROR_CANCELLED). Nothing of a failed call stays in the store.
 */

#define TEND_TYPE_CALENDAR_IMPORTER (tend_calendar_importer_get_type ())

G_DECLARE_FINAL_TYPE (TendCalendarImporter, tend_calendar_importer, TEND, CALENDAR_IMPORTER,
                      GObject)

TendCalendarImporter *tend_calendar_importer_new           (TendStore *store, gint64 account_id);
void                  tend_calendar_importer_set_time_zone (TendCalendarImporter *self,
                                                            GTimeZone *tz);
void                  tend_calendar_importer_set_window    (TendCalendarImporter *self,
                                                            gint64 start, gint64 end);
gboolean              tend_calendar_importer_import_file   (TendCalendarImporter *self,
                                                            const char *path,
                                                            TendImportReport *report,
                                                            GCancellable *cancellable,
                                                            GError **error);
gboolean              tend_calendar_importer_import_data   (TendCalendarImporter *self,
                                                            const char *data, gssize length,
                                                            TendImportReport *report,
                                                            GCancellable *cancellable,
                                                            GError **error);

G_END_DECLS
