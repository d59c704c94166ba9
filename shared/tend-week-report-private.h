/* tend-week-report-private.h: how libtend fills a week report
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "tend-week-report.h"

G_BEGIN_DECLS

typedef enum
{
  TEND_COLLABORATORS_TOP,
  TEND_COLLABORATORS_FADING,
  TEND_COLLABORATORS_NEW,
} TendCollaboratorList;

/* A report with every value NAN, no data, no trend, seven empty days and empty lists. */
TendWeekReport *_tend_week_report_new              (const TendWeek *week, GTimeZone *tz);
void            _tend_week_report_set_value        (TendWeekReport *self, TendMetric metric,
                                                    double value);
void            _tend_week_report_set_has_data     (TendWeekReport *self, gboolean has_data);
/* Copies TEND_TREND_WEEKS values, oldest first; the report then has a trend. */
void            _tend_week_report_set_series       (TendWeekReport *self, TendMetric metric,
                                                    const double *values);
void            _tend_week_report_set_baseline     (TendWeekReport *self, TendMetric metric,
                                                    double value);
void            _tend_week_report_set_day          (TendWeekReport *self, guint day,
                                                    const TendDayFigures *figures);
void            _tend_week_report_add_collaborator (TendWeekReport *self,
                                                    TendCollaboratorList list,
                                                    const char *address, const char *name,
                                                    guint interactions);
/* What the figures were computed with, for the JSON object. */
void            _tend_week_report_set_settings     (TendWeekReport *self,
                                                    const char *working_hours,
                                                    guint focus_minimum);

G_END_DECLS
