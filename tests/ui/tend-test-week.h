/* tend-test-week.h: what the tests of the week page, its nudges and goals share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tend-nudge-row.h"
#include "tend-store.h"
#include "tend-week-page.h"
#include "tend-week-report.h"

G_BEGIN_DECLS

/* The page's widgets, found by walking its tree: the page keeps them private. */
void        tend_test_week_collect                    (GtkWidget *widget, GType type,
                                                       GPtrArray *found);
GtkWidget  *tend_test_week_find_type                  (GtkWidget *root, GType type);
GtkWidget  *tend_test_week_find_label                 (GtkWidget *root, const char *text);
gboolean    tend_test_week_label_shown                (GtkWidget *root, const char *text);
GtkWidget  *tend_test_week_find_action_button         (GtkWidget *root, const char *action_name);
void        tend_test_week_click                      (GtkWidget *button);
void        tend_test_week_wait_for_report            (TendWeekPage *page);
const char *tend_test_week_visible_page               (TendWeekPage *page);
void        tend_test_week_scroll_to                  (TendWeekPage *page, GtkWidget *widget);

/* The report on @week of the database at @path, computed apart from the page; @store_out, if not
 * NULL, gets the database opened read-only. */
TendWeekReport *tend_test_week_compute_report         (const char *path, const TendWeek *week,
                                                       TendStore **store_out);
/* (element-type TendNudge): the coach's advice for @week, computed apart from the page. */
GPtrArray  *tend_test_week_expected_nudges            (const char *path, const TendWeek *week,
                                                       TendWeekReport **report_out);
guint       tend_test_week_assert_nudges              (TendWeekPage *page, const char *path,
                                                       const TendWeek *week);
void        tend_test_week_assert_nudge_expands       (TendNudgeRow *row, GtkWidget *window);
void        tend_test_week_assert_locked              (TendWeekPage *page, const char *reason);
void        tend_test_week_assert_rows_accessible     (TendWeekPage *page);
void        tend_test_week_assert_goals               (TendWeekPage *page, const char *path,
                                                       const TendWeek *week,
                                                       gboolean week_in_progress);
void        tend_test_week_save_view                  (GtkWidget *window, TendWeekPage *page,
                                                       GtkWidget *shown, const char *name);

G_END_DECLS
