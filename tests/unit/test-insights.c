/* test-insights.c: the week's figures, worked out by hand on small databases
 *
 * Every fixture is built in code in Europe/Berlin (CET +01:00 until 2026-03-29 02:00, CEST
 * +02:00 after). Weeks used: 2026-W09 is Mon 23 Feb … Sun 1 Mar; W10 is 2 … 8 Mar; W13 is
 * 23 … 29 Mar (the DST change is on its Sunday); W20 is 11 … 17 May.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>

#include "tend-settings.h"
#include "tend-insights.h"

#define ME "me@example.com"
/* Far after every fixture: all their days are over. */
#define LATER 2000000000

static GTimeZone *berlin;

typedef struct
{
  char      *dir;
  char      *path;
  TendStore *store;
  gint64     mail;
  gint64     other_mail;
  gint64     chat;
} Fixture;

static Fixture *
fixture_new (void)
{
  g_autoptr (GError) error = NULL;
  Fixture *f = g_new0 (Fixture, 1);

  f->dir = g_dir_make_tmp ("tend-insights-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "tend.db", NULL);
  f->store = tend_store_open (f->path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  g_assert_true (tend_store_add_me (f->store, ME, &error));
  g_assert_no_error (error);
  f->mail = tend_store_ensure_account (f->store, "imap", ME, &error);
  g_assert_no_error (error);
  f->other_mail = tend_store_ensure_account (f->store, "imap", "me@elsewhere.example", &error);
  g_assert_no_error (error);
  f->chat = tend_store_ensure_account (f->store, "chat", ME, &error);
  g_assert_no_error (error);
  return f;
}

static void
fixture_free (Fixture *f)
{
  g_clear_object (&f->store);
  g_assert_true (tend_store_delete_files (f->path, NULL));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->path);
  g_free (f->dir);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

/* "2026-02-23 09:30" in Berlin → Unix time. */
static gint64
at (const char *local)
{
  g_autoptr (GDateTime) date_time = NULL;
  int year, month, day, hour, minute;

  g_assert_cmpint (sscanf (local, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute), ==, 5);
  date_time = g_date_time_new (berlin, year, month, day, hour, minute, 0);
  g_assert_nonnull (date_time);
  return g_date_time_to_unix (date_time);
}

static TendMessage *
message_new (TendMessageKind kind, const char *id, const char *when, const char *from,
             const char *to)
{
  TendMessage *message = tend_message_new ();
  g_auto (GStrv) recipients = g_strsplit (to != NULL ? to : "", ",", -1);

  message->kind = kind;
  message->provider_id = g_strdup (id);
  message->sent_at = at (when);
  message->sender = g_strdup (from);
  for (guint i = 0; recipients[i] != NULL; i++)
    if (*recipients[i] != '\0')
      tend_message_add_recipient (message, recipients[i]);
  return message;
}

static void
store_message (Fixture *f, gint64 account, TendMessage *message)
{
  g_autoptr (GError) error = NULL;
  gboolean inserted = FALSE;

  g_assert_true (tend_store_add_message (f->store, account, message, &inserted, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
}

/* A mail in the main account; @reply_to names the parent's id. */
static void
mail (Fixture *f, const char *id, const char *when, const char *from, const char *to,
      const char *reply_to)
{
  g_autoptr (TendMessage) message = message_new (TEND_MESSAGE_KIND_MAIL, id, when, from, to);

  message->in_reply_to = g_strdup (reply_to);
  store_message (f, f->mail, message);
}

static void
chat (Fixture *f, const char *id, const char *when, const char *from, const char *conversation)
{
  g_autoptr (TendMessage) message = message_new (TEND_MESSAGE_KIND_CHAT, id, when, from, NULL);

  message->conversation_id = g_strdup (conversation);
  store_message (f, f->chat, message);
}

typedef enum
{
  PLAIN = 0,
  RECURRING = 1 << 0,
  CANCELLED = 1 << 1,
  ALL_DAY = 1 << 2,
} EventFlags;

static void
event (Fixture *f, const char *uid, const char *start, const char *end, TendResponse response,
       guint attendees, EventFlags flags, const char *organizer)
{
  g_autoptr (TendEvent) e = tend_event_new ();
  g_autoptr (GError) error = NULL;

  e->uid = g_strdup (uid);
  e->start = at (start);
  e->end = at (end);
  e->my_response = response;
  e->attendee_count = attendees;
  e->recurring = (flags & RECURRING) != 0;
  e->cancelled = (flags & CANCELLED) != 0;
  e->all_day = (flags & ALL_DAY) != 0;
  e->organizer = g_strdup (organizer);
  g_assert_true (tend_store_add_event (f->store, f->mail, e, NULL, &error));
  g_assert_no_error (error);
}

static TendInsights *
insights_new (Fixture *f, const char *hours_text)
{
  TendWorkHours hours;
  TendInsights *insights;

  if (hours_text != NULL)
    g_assert_true (tend_work_hours_parse (&hours, hours_text, NULL));
  else
    tend_work_hours_init_default (&hours);
  insights = tend_insights_new (f->store, berlin, &hours);
  tend_insights_set_now (insights, LATER);
  return insights;
}

static TendWeekReport *
compute_week (TendInsights *insights, const char *week_text)
{
  g_autoptr (GError) error = NULL;
  TendWeekReport *report;
  TendWeek        week;

  g_assert_true (tend_week_parse (week_text, &week, NULL));
  report = tend_insights_compute_week (insights, &week, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static TendWeekReport *
compute_trend (TendInsights *insights, const char *week_text)
{
  g_autoptr (GError) error = NULL;
  TendWeekReport *report;
  TendWeek        week;

  g_assert_true (tend_week_parse (week_text, &week, NULL));
  report = tend_insights_compute (insights, &week, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

#define assert_value(report, metric, expected)                                                     \
  g_assert_cmpfloat_with_epsilon (tend_week_report_get_value ((report), (metric)), (expected), 1e-9)
#define assert_nan(value) g_assert_true (isnan (value))

static void
add_meetings (Fixture *f)
{
  /* Monday: A and B overlap (10:00–11:30 once), C starts 3 min after B ends: one run of three. */
  event (f, "a", "2026-02-23 10:00", "2026-02-23 11:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  event (f, "b", "2026-02-23 10:30", "2026-02-23 11:30", TEND_RESPONSE_ACCEPTED, 3, RECURRING,
         NULL);
  event (f, "c", "2026-02-23 11:33", "2026-02-23 12:00", TEND_RESPONSE_ORGANIZER, 2, PLAIN, NULL);
  /* Not meetings: declined, cancelled, all-day, unanswered, a timed two-day block, and a
   * reminder of no length on Friday. */
  event (f, "d", "2026-02-23 12:10", "2026-02-23 12:30", TEND_RESPONSE_DECLINED, 3, PLAIN, NULL);
  event (f, "e", "2026-02-23 13:00", "2026-02-23 14:00", TEND_RESPONSE_ACCEPTED, 3, CANCELLED,
         NULL);
  event (f, "f", "2026-02-23 00:00", "2026-02-24 00:00", TEND_RESPONSE_ACCEPTED, 3, ALL_DAY, NULL);
  event (f, "g", "2026-02-23 14:00", "2026-02-23 15:00", TEND_RESPONSE_NEEDS_ACTION, 3, PLAIN,
         NULL);
  event (f, "n", "2026-02-26 08:00", "2026-02-28 08:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  event (f, "z", "2026-02-27 10:00", "2026-02-27 10:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  /* Tuesday: 16:00–18:00 with 10 people (1 h inside, 1 h after work), then 18:06–18:30,
   * 6 min after: no run. */
  event (f, "h", "2026-02-24 16:00", "2026-02-24 18:00", TEND_RESPONSE_ACCEPTED, 10, PLAIN, NULL);
  event (f, "i", "2026-02-24 18:06", "2026-02-24 18:30", TEND_RESPONSE_TENTATIVE, 3, PLAIN, NULL);
  /* Wednesday: 09:00–09:30 recurring with 8 people, then 09:30–10:00: a run of two. */
  event (f, "l", "2026-02-25 09:00", "2026-02-25 09:30", TEND_RESPONSE_ACCEPTED, 8, RECURRING,
         NULL);
  event (f, "m", "2026-02-25 09:30", "2026-02-25 10:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  /* Thursday: 09:00–11:00 and 12:59–13:29 leave a 1 h 59 gap, which is not focus time. */
  event (f, "p", "2026-02-26 09:00", "2026-02-26 11:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  event (f, "q", "2026-02-26 12:59", "2026-02-26 13:29", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  /* Clipped at the week's edges: from the Sunday before (only Mon 00:00–01:00 counts, and it
   * is not one of this week's meetings) and into the Monday after (Sun 23:30–24:00), an
   * appointment of my own. */
  event (f, "j", "2026-02-22 23:00", "2026-02-23 01:00", TEND_RESPONSE_ACCEPTED, 3, PLAIN, NULL);
  event (f, "k", "2026-03-01 23:30", "2026-03-02 00:30", TEND_RESPONSE_NONE, 0, PLAIN, NULL);
}

static void
test_meetings (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  const TendDayFigures *days;

  add_meetings (f);
  insights = insights_new (f, NULL);
  report = compute_week (insights, "2026-W09");

  g_assert_true (tend_week_report_has_data (report));
  g_assert_false (tend_week_report_has_trend (report));
  g_assert_null (tend_week_report_get_series (report, TEND_METRIC_MEETING_HOURS));
  assert_nan (tend_week_report_get_baseline (report, TEND_METRIC_MEETING_HOURS));

  /* Union: Mon 00:00–01:00 (1 h), 10:00–11:30 (1.5 h), 11:33–12:00 (0.45 h); Tue 16:00–18:00
   * (2 h), 18:06–18:30 (0.4 h); Wed 09:00–10:00 (1 h); Thu 09:00–11:00 (2 h), 12:59–13:29
   * (0.5 h); Sun 23:30–24:00 (0.5 h) = 9.35 h. */
  assert_value (report, TEND_METRIC_MEETING_HOURS, 9.35);
  /* Starting in the week: a b c h i l m p q k = 10 (j started the week before). */
  assert_value (report, TEND_METRIC_MEETINGS, 10);
  /* a-b-c and l-m. */
  assert_value (report, TEND_METRIC_BACK_TO_BACK_CHAINS, 2);
  /* h (10) and l (8). */
  assert_value (report, TEND_METRIC_LARGE_MEETINGS, 2);
  /* Recurring: b 1 h + l 0.5 h = 1.5 h of 9.35 h. */
  assert_value (report, TEND_METRIC_RECURRING_MEETING_SHARE, 1.5 / 9.35);
  /* Outside 09:00–17:00: Mon 00–01 (1 h), Tue 17:00–18:00 (1 h) and 18:06–18:30 (0.4 h), Sun
   * 0.5 h = 2.9 h = 174 min. */
  assert_value (report, TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK, 2.9);
  assert_value (report, TEND_METRIC_AFTER_HOURS_MEETING_MINUTES, 174);
  /* Focus (≥ 120 min gaps in 09:00–17:00): Mon 12:00–17:00 300; Tue 09:00–16:00 420; Wed
   * 10:00–17:00 420; Thu only 13:29–17:00 211 (11:00–12:59 is 119); Fri 480 = 1831 min. */
  assert_value (report, TEND_METRIC_FOCUS_HOURS, 1831 / 60.0);
  /* After-hours days: Mon, Tue, Sun. Working days without: Wed, Thu, Fri. Days off with
   * work: Sunday. */
  assert_value (report, TEND_METRIC_AFTER_HOURS_DAYS, 3);
  assert_value (report, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 3);
  assert_value (report, TEND_METRIC_WEEKEND_DAYS_ACTIVE, 1);
  assert_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 0);

  days = tend_week_report_get_days (report);
  /* Mon 60 + 90 + 27; Tue 120 + 24; Wed 60; Thu 120 + 30; Sun 30. */
  g_assert_cmpfloat_with_epsilon (days[0].meeting_minutes, 177, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[1].meeting_minutes, 144, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[2].meeting_minutes, 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[3].meeting_minutes, 150, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[4].meeting_minutes, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[5].meeting_minutes, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[6].meeting_minutes, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[0].after_hours_minutes, 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[1].after_hours_minutes, 84, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[6].after_hours_minutes, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[0].focus_minutes, 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[3].focus_minutes, 211, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[4].focus_minutes, 480, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[5].focus_minutes, 0, 1e-9);
  g_assert_false (days[4].day_off);
  g_assert_true (days[5].day_off);
  g_assert_true (days[6].day_off);

  /* With a 60 min minimum, Monday's 09:00–10:00 and Thursday's 11:00–12:59 count too. */
  g_clear_object (&report);
  tend_insights_set_focus_minimum (insights, 60);
  report = compute_week (insights, "2026-W09");
  days = tend_week_report_get_days (report);
  g_assert_cmpfloat_with_epsilon (days[0].focus_minutes, 360, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[3].focus_minutes, 330, 1e-9);
  assert_value (report, TEND_METRIC_FOCUS_HOURS, (1831 + 60 + 119) / 60.0);

  /* On Thursday at noon only Mon–Wed are over; of those only Wednesday had no after hours. */
  g_clear_object (&report);
  tend_insights_set_now (insights, at ("2026-02-26 12:00"));
  report = compute_week (insights, "2026-W09");
  assert_value (report, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 1);
  assert_value (report, TEND_METRIC_AFTER_HOURS_DAYS, 3);
}

/* Wednesday is a day off as well as the weekend. */
static void
test_after_hours (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  const TendDayFigures *days;
  TendMessage          *message;

  /* Sent: Mon 08:59 (after hours), 09:00, 16:59 (inside), 17:00 (after: the end is
   * exclusive), Wed 11:00 (day off), Sat 10:00 chat (weekend). */
  message = message_new (TEND_MESSAGE_KIND_MAIL, "s1", "2026-03-02 08:59", ME, "bob@example.com");
  message->features.questions = 2;
  store_message (f, f->mail, message);
  tend_message_free (message);
  message = message_new (TEND_MESSAGE_KIND_MAIL, "s2", "2026-03-02 09:00", ME, "bob@example.com");
  message->features.gratitude = 2;
  message->features.hedges = 3;
  store_message (f, f->mail, message);
  tend_message_free (message);
  mail (f, "s3", "2026-03-02 16:59", ME, "bob@example.com", NULL);
  message = message_new (TEND_MESSAGE_KIND_MAIL, "s4", "2026-03-02 17:00", ME, "bob@example.com");
  message->features.apologies = 1;
  message->features.negative = 1;
  store_message (f, f->mail, message);
  tend_message_free (message);
  mail (f, "s5", "2026-03-04 11:00", ME, "bob@example.com", NULL);
  message = message_new (TEND_MESSAGE_KIND_CHAT, "s6", "2026-03-07 10:00", ME, NULL);
  message->features.gratitude = 1;
  message->features.questions = 1;
  store_message (f, f->chat, message);
  tend_message_free (message);
  /* Received: Tue 12:00 mail (thanks ×4, an apology that is not mine), Sun 23:30 chat. Only
   * what I send is after-hours work. */
  message = message_new (TEND_MESSAGE_KIND_MAIL, "r1", "2026-03-03 12:00", "bob@example.com", ME);
  message->features.gratitude = 4;
  message->features.apologies = 5;
  store_message (f, f->mail, message);
  tend_message_free (message);
  chat (f, "r2", "2026-03-08 23:30", "bob@example.com", "c1");
  /* Next week's Monday 00:00 is not this week. */
  mail (f, "s7", "2026-03-09 00:00", ME, "bob@example.com", NULL);

  insights = insights_new (f, "mon-tue 09:00-17:00,thu-fri 09:00-17:00");
  report = compute_week (insights, "2026-W10");

  assert_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 4);
  /* Mon, Wed, Sat. */
  assert_value (report, TEND_METRIC_AFTER_HOURS_DAYS, 3);
  /* Working days Mon, Tue, Thu, Fri; Monday had after-hours mail. */
  assert_value (report, TEND_METRIC_DAYS_WITHOUT_AFTER_HOURS, 3);
  /* Days off Wed, Sat, Sun; I sent on Wed and Sat. */
  assert_value (report, TEND_METRIC_WEEKEND_DAYS_ACTIVE, 2);
  assert_value (report, TEND_METRIC_AFTER_HOURS_MEETING_MINUTES, 0);

  assert_value (report, TEND_METRIC_MAIL_SENT, 5);
  assert_value (report, TEND_METRIC_CHAT_SENT, 1);
  assert_value (report, TEND_METRIC_MESSAGES_SENT, 6);
  assert_value (report, TEND_METRIC_MAIL_RECEIVED, 1);
  assert_value (report, TEND_METRIC_CHAT_RECEIVED, 1);
  assert_value (report, TEND_METRIC_MESSAGES_RECEIVED, 2);

  /* Sums over what I sent; gratitude also over what I received. */
  assert_value (report, TEND_METRIC_GRATITUDE_SENT, 3);
  assert_value (report, TEND_METRIC_GRATITUDE_RECEIVED, 4);
  assert_value (report, TEND_METRIC_APOLOGIES, 1);
  assert_value (report, TEND_METRIC_HEDGES, 3);
  assert_value (report, TEND_METRIC_NEGATIVE, 1);
  assert_value (report, TEND_METRIC_QUESTIONS, 3);

  days = tend_week_report_get_days (report);
  g_assert_cmpuint (days[0].messages_sent, ==, 4);
  g_assert_cmpuint (days[0].after_hours_messages, ==, 2);
  g_assert_cmpuint (days[1].messages_received, ==, 1);
  g_assert_cmpuint (days[2].messages_sent, ==, 1);
  g_assert_cmpuint (days[2].after_hours_messages, ==, 1);
  g_assert_true (days[2].day_off);
  g_assert_cmpuint (days[5].after_hours_messages, ==, 1);
  g_assert_cmpuint (days[6].messages_received, ==, 1);
  g_assert_cmpuint (days[6].messages_sent, ==, 0);
}

/* 2026-W13 ends on the night clocks go forward: Sunday 29 March has 23 hours, and its 09:00 is
 * 07:00 UTC where Saturday's was 08:00 UTC. Working every day 09:00–17:00. */
static void
test_dst (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  const TendDayFigures *days;
  TendWeek              week;

  g_assert_true (tend_week_parse ("2026-W13", &week, NULL));
  start = tend_week_get_start (&week, berlin);
  end = tend_week_get_end (&week, berlin);
  g_assert_cmpint (g_date_time_to_unix (end) - g_date_time_to_unix (start), ==, 167 * 3600);

  /* Sat 09:00–10:00 CET: inside. Sun 01:00 CET – 04:00 CEST: 2 real hours, after hours. Sun
   * 08:30–09:00 CEST: after hours; 09:00–10:00 CEST: inside, and back to back with it. */
  event (f, "sat", "2026-03-28 09:00", "2026-03-28 10:00", TEND_RESPONSE_ACCEPTED, 2, PLAIN, NULL);
  event (f, "night", "2026-03-29 01:00", "2026-03-29 04:00", TEND_RESPONSE_ACCEPTED, 2, PLAIN,
         NULL);
  event (f, "early", "2026-03-29 08:30", "2026-03-29 09:00", TEND_RESPONSE_ACCEPTED, 2, PLAIN,
         NULL);
  event (f, "sun", "2026-03-29 09:00", "2026-03-29 10:00", TEND_RESPONSE_ACCEPTED, 2, PLAIN, NULL);
  /* Sent Sun 16:59 CEST (inside) and 17:00 CEST (after hours). */
  mail (f, "s1", "2026-03-29 16:59", ME, "bob@example.com", NULL);
  mail (f, "s2", "2026-03-29 17:00", ME, "bob@example.com", NULL);
  /* Received Sun 23:30 CEST (this week) and Mon 30 Mar 00:30 CEST (next week). */
  mail (f, "r1", "2026-03-29 23:30", "bob@example.com", ME, NULL);
  mail (f, "r2", "2026-03-30 00:30", "bob@example.com", ME, NULL);

  insights = insights_new (f, "mon-sun 09:00-17:00");
  report = compute_week (insights, "2026-W13");

  /* 1 + 2 + 0.5 + 1 h; outside: 2 + 0.5 h. */
  assert_value (report, TEND_METRIC_MEETING_HOURS, 4.5);
  assert_value (report, TEND_METRIC_MEETING_HOURS_OUTSIDE_WORK, 2.5);
  assert_value (report, TEND_METRIC_BACK_TO_BACK_CHAINS, 1);
  assert_value (report, TEND_METRIC_AFTER_HOURS_MESSAGES_SENT, 1);
  assert_value (report, TEND_METRIC_MESSAGES_RECEIVED, 1);
  /* Focus: Mon–Fri 480 each; Sat 10:00–17:00 420; Sun 10:00–17:00 420 = 3240 min. */
  assert_value (report, TEND_METRIC_FOCUS_HOURS, 54);

  days = tend_week_report_get_days (report);
  g_assert_cmpfloat_with_epsilon (days[5].meeting_minutes, 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[5].after_hours_minutes, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[6].meeting_minutes, 210, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[6].after_hours_minutes, 150, 1e-9);
  g_assert_cmpfloat_with_epsilon (days[6].focus_minutes, 420, 1e-9);
  g_assert_cmpuint (days[6].after_hours_messages, ==, 1);
  g_assert_cmpuint (days[6].messages_received, ==, 1);
}

static void
add_replies (Fixture *f)
{
  g_autoptr (TendMessage) elsewhere = NULL;

  /* 1. Received Fri 20 Feb 16:30, answered Mon 23 Feb 09:30: 65 h = 3900 min on the wall, but
   *    Fri 16:30–17:00 + Mon 09:00–09:30 = 60 working minutes. */
  mail (f, "r1", "2026-02-20 16:30", "alice@example.com", ME, NULL);
  mail (f, "s1", "2026-02-23 09:30", ME, "alice@example.com", "r1");
  /* 2. Received Mon 10:00, answered 10:20 (20 min); a second answer at 11:00 does not count. */
  mail (f, "r2", "2026-02-23 10:00", "bob@example.com", ME, NULL);
  mail (f, "s2", "2026-02-23 10:20", ME, "bob@example.com", "r2");
  mail (f, "s2b", "2026-02-23 11:00", ME, "bob@example.com", "r2");
  /* 3. Received Tue 16:00, answered Wed 10:00: 18 h = 1080 min; 60 + 60 working minutes. */
  mail (f, "r3", "2026-02-24 16:00", "carol@example.com", ME, NULL);
  mail (f, "s3", "2026-02-25 10:00", ME, "carol@example.com", "r3");
  /* Not replies: to a message 14 days old, to one in another account, to one of my own. */
  mail (f, "r4", "2026-02-10 10:00", "dave@example.com", ME, NULL);
  mail (f, "s4", "2026-02-24 10:00", ME, "dave@example.com", "r4");
  elsewhere
      = message_new (TEND_MESSAGE_KIND_MAIL, "r5", "2026-02-24 11:00", "erin@example.com", ME);
  store_message (f, f->other_mail, elsewhere);
  mail (f, "s5", "2026-02-24 11:30", ME, "erin@example.com", "r5");
  mail (f, "s6", "2026-02-24 12:00", ME, "bob@example.com", "s2");

  /* Chat c1: received Thu 10:00 and 10:05, I answer 10:30: 30 min from the earliest. Then
   * received 10:40, I answer 10:41 (1 min) and again 10:42 (nothing new to answer). */
  chat (f, "c1-1", "2026-02-26 10:00", "carol@example.com", "c1");
  chat (f, "c1-2", "2026-02-26 10:05", "carol@example.com", "c1");
  chat (f, "c1-3", "2026-02-26 10:30", ME, "c1");
  chat (f, "c1-4", "2026-02-26 10:40", "carol@example.com", "c1");
  chat (f, "c1-5", "2026-02-26 10:41", ME, "c1");
  chat (f, "c1-6", "2026-02-26 10:42", ME, "c1");
  /* Chat c2: a message of Wed 18 Feb 09:00 is more than 7 days before my answer on Thu 26 Feb
   * 15:10, which answers the one of 15:00 instead: 10 min. */
  chat (f, "c2-1", "2026-02-18 09:00", "dave@example.com", "c2");
  chat (f, "c2-2", "2026-02-26 15:00", "dave@example.com", "c2");
  chat (f, "c2-3", "2026-02-26 15:10", ME, "c2");
  /* Received Sun 1 Mar 20:00, answered Mon 2 Mar 08:00: a reply of W10, 720 min on the wall
   * and none in working hours. */
  mail (f, "r7", "2026-03-01 20:00", "alice@example.com", ME, NULL);
  mail (f, "s7", "2026-03-02 08:00", ME, "alice@example.com", "r7");
}

static void
test_replies (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (TendWeekReport) next = NULL;
  g_autoptr (TendWeekReport) quiet = NULL;

  add_replies (f);
  insights = insights_new (f, NULL);
  report = compute_week (insights, "2026-W09");

  /* Replies: wall 3900, 20, 1080, 30, 1, 10 → sorted 1 10 20 30 1080 3900: median (20 + 30) / 2
   * = 25, p90 the ⌈5.4⌉ = 6th = 3900. Working: 60, 20, 120, 30, 1, 10 → 1 10 20 30 60 120:
   * median 25, p90 120. Within 24 h: 5 of 6. */
  assert_value (report, TEND_METRIC_REPLY_MEDIAN_MINUTES, 25);
  assert_value (report, TEND_METRIC_REPLY_P90_MINUTES, 3900);
  assert_value (report, TEND_METRIC_REPLY_MEDIAN_WORK_MINUTES, 25);
  assert_value (report, TEND_METRIC_REPLY_P90_WORK_MINUTES, 120);
  assert_value (report, TEND_METRIC_ANSWERED_WITHIN_24H_SHARE, 5.0 / 6.0);

  next = compute_week (insights, "2026-W10");
  assert_value (next, TEND_METRIC_REPLY_MEDIAN_MINUTES, 720);
  assert_value (next, TEND_METRIC_REPLY_P90_MINUTES, 720);
  assert_value (next, TEND_METRIC_REPLY_MEDIAN_WORK_MINUTES, 0);
  assert_value (next, TEND_METRIC_ANSWERED_WITHIN_24H_SHARE, 1);

  /* No replies at all: undefined, not zero. */
  quiet = compute_week (insights, "2026-W11");
  g_assert_false (tend_week_report_has_data (quiet));
  assert_nan (tend_week_report_get_value (quiet, TEND_METRIC_REPLY_MEDIAN_MINUTES));
  assert_nan (tend_week_report_get_value (quiet, TEND_METRIC_REPLY_P90_WORK_MINUTES));
  assert_nan (tend_week_report_get_value (quiet, TEND_METRIC_ANSWERED_WITHIN_24H_SHARE));
  assert_nan (tend_week_report_get_value (quiet, TEND_METRIC_RECURRING_MEETING_SHARE));
  assert_value (quiet, TEND_METRIC_MESSAGES_SENT, 0);
}

/* A mail I send to @to (comma-separated addresses). */
static void
send_in (Fixture *f, const char *id, const char *when, const char *to)
{
  mail (f, id, when, ME, to, NULL);
}

static void
add_network (Fixture *f)
{
  g_autoptr (TendMessage) named = NULL;

  /* In order of first appearance, which is also the order of person ids. 2026-W07 (13 weeks
   * before W20): gus. W08 (12 weeks before): hal. */
  send_in (f, "gus-07", "2026-02-10 10:00", "gus@example.com");
  send_in (f, "hal-08", "2026-02-17 10:00", "hal@example.com");
  /* dan: W11, W12, W14 (twice), W18: 4 active weeks of W11–W18, then silence: fading (5). */
  send_in (f, "dan-11", "2026-03-10 10:00", "dan@example.com");
  send_in (f, "dan-12", "2026-03-17 10:00", "dan@example.com");
  send_in (f, "dan-14a", "2026-03-31 10:00", "dan@example.com");
  send_in (f, "dan-14b", "2026-04-01 10:00", "dan@example.com");
  send_in (f, "dan-18", "2026-04-28 10:00", "dan@example.com");
  /* eve: only 3 weeks (W11–W13): not fading. */
  send_in (f, "eve-11", "2026-03-11 10:00", "eve@example.com");
  send_in (f, "eve-12", "2026-03-18 10:00", "eve@example.com");
  send_in (f, "eve-13", "2026-03-25 10:00", "eve@example.com");
  /* fay: W12–W15 and W19: seen last week, not fading. */
  send_in (f, "fay-12", "2026-03-19 10:00", "fay@example.com");
  send_in (f, "fay-13", "2026-03-26 10:00", "fay@example.com");
  send_in (f, "fay-14", "2026-04-02 10:00", "fay@example.com");
  send_in (f, "fay-15", "2026-04-09 10:00", "fay@example.com");
  send_in (f, "fay-19", "2026-05-07 10:00", "fay@example.com");
  /* ben: W10, so not new in W20. ann: W15, with her name. */
  mail (f, "ben-10", "2026-03-05 10:00", "ben@example.com", ME, NULL);
  named = message_new (TEND_MESSAGE_KIND_MAIL, "ann-15", "2026-04-08 10:00", "ann@example.com", ME);
  named->sender_name = g_strdup ("Ann Example");
  store_message (f, f->mail, named);

  /* W20. ann 4 (two mails to her and carol, one to her alone, one from her to me and others);
   * ben 3 (received, I am in Cc); hal 2; carol 2 (recipient of two of mine); cat 1 (a chat);
   * joe 1 (I wrote to him and to myself: I am not a collaborator); gus 1 (organizer of a
   * meeting I accepted). */
  send_in (f, "w20-1", "2026-05-11 10:00", "ann@example.com,carol@example.com");
  send_in (f, "w20-2", "2026-05-11 11:00", "ann@example.com,carol@example.com");
  send_in (f, "w20-3", "2026-05-12 11:00", "ann@example.com");
  mail (f, "w20-4", "2026-05-12 12:00", "ann@example.com", "team@example.com," ME, NULL);
  mail (f, "w20-5", "2026-05-12 13:00", "ben@example.com", "x@example.com," ME, NULL);
  mail (f, "w20-6", "2026-05-12 14:00", "ben@example.com", ME, NULL);
  mail (f, "w20-7", "2026-05-13 14:00", "ben@example.com", ME, NULL);
  send_in (f, "w20-8", "2026-05-13 15:00", "hal@example.com");
  send_in (f, "w20-9", "2026-05-13 16:00", "hal@example.com");
  chat (f, "w20-10", "2026-05-14 09:00", "cat@example.com", "c-cat");
  send_in (f, "w20-11", "2026-05-14 10:00", "joe@example.com," ME);
  event (f, "gus-meeting", "2026-05-15 10:00", "2026-05-15 11:00", TEND_RESPONSE_ACCEPTED, 4, PLAIN,
         "gus@example.com");
  /* Not interactions: a list mail not addressed to me, a meeting I declined. */
  mail (f, "w20-12", "2026-05-14 11:00", "list@example.com", "all@example.com", NULL);
  event (f, "ivy-meeting", "2026-05-15 14:00", "2026-05-15 15:00", TEND_RESPONSE_DECLINED, 4, PLAIN,
         "ivy@example.com");
}

static void
assert_collaborator (GPtrArray *list, guint i, const char *address, const char *name,
                     guint interactions)
{
  const TendCollaborator *c;

  g_assert_cmpuint (i, <, list->len);
  c = g_ptr_array_index (list, i);
  g_assert_cmpstr (c->address, ==, address);
  g_assert_cmpstr (c->name, ==, name);
  g_assert_cmpuint (c->interactions, ==, interactions);
}

static void
test_collaborators (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (TendWeekReport) early = NULL;
  GPtrArray *list;

  add_network (f);
  insights = insights_new (f, NULL);
  report = compute_week (insights, "2026-W20");

  /* ann ben hal carol cat joe gus. */
  assert_value (report, TEND_METRIC_COLLABORATORS, 7);
  /* Not seen in W08–W19: carol, cat, joe, gus (whose W07 mail is 13 weeks back). */
  assert_value (report, TEND_METRIC_NEW_COLLABORATORS, 4);
  assert_value (report, TEND_METRIC_FADING_COLLABORATORS, 1);

  /* Top 5 by interactions; ties by who Tend met first: hal (W08) before carol (W20). */
  list = tend_week_report_get_top_collaborators (report);
  g_assert_cmpuint (list->len, ==, 5);
  assert_collaborator (list, 0, "ann@example.com", "Ann Example", 4);
  assert_collaborator (list, 1, "ben@example.com", NULL, 3);
  assert_collaborator (list, 2, "hal@example.com", NULL, 2);
  assert_collaborator (list, 3, "carol@example.com", NULL, 2);
  assert_collaborator (list, 4, "gus@example.com", NULL, 1);

  list = tend_week_report_get_new_collaborators (report);
  g_assert_cmpuint (list->len, ==, 4);
  assert_collaborator (list, 0, "carol@example.com", NULL, 2);
  assert_collaborator (list, 1, "gus@example.com", NULL, 1);
  assert_collaborator (list, 2, "cat@example.com", NULL, 1);
  assert_collaborator (list, 3, "joe@example.com", NULL, 1);

  list = tend_week_report_get_fading_collaborators (report);
  g_assert_cmpuint (list->len, ==, 1);
  assert_collaborator (list, 0, "dan@example.com", NULL, 5);

  /* In W08 the store holds less than 12 weeks of history (its first message is from W07), so
   * everyone would look new: undefined instead. */
  early = compute_week (insights, "2026-W08");
  assert_value (early, TEND_METRIC_COLLABORATORS, 1);
  assert_nan (tend_week_report_get_value (early, TEND_METRIC_NEW_COLLABORATORS));
  g_assert_cmpuint (tend_week_report_get_new_collaborators (early)->len, ==, 0);
}

/* Mails sent per week over 2026-W09 … W20, with W13 empty. */
static const int sent_per_week[TEND_TREND_WEEKS] = { 5, 2, 2, 4, -1, 8, 1, 3, 7, 9, 10, 4 };

static void
add_trend (Fixture *f)
{
  TendWeek first;

  g_assert_true (tend_week_parse ("2026-W09", &first, NULL));
  for (guint w = 0; w < TEND_TREND_WEEKS; w++)
    {
      TendWeek week;
      g_autoptr (GDateTime) tuesday = NULL;

      tend_week_add (&first, w, &week);
      tuesday = tend_week_get_day (&week, 1, berlin);
      for (int i = 0; i < sent_per_week[w]; i++)
        {
          g_autoptr (GDateTime) when = g_date_time_add_minutes (tuesday, 10 * 60 + i);
          g_autoptr (TendMessage) message = tend_message_new ();

          message->provider_id = g_strdup_printf ("w%u-%d", w, i);
          message->sent_at = g_date_time_to_unix (when);
          message->sender = g_strdup (ME);
          tend_message_add_recipient (message, "bob@example.com");
          store_message (f, f->mail, message);
        }
    }

  /* Chat replies of 10, 20 and 60 min in W14, W15 and W16 (3 of the 8 weeks before W20). */
  chat (f, "t1", "2026-03-31 11:00", "bob@example.com", "t");
  chat (f, "t2", "2026-03-31 11:10", ME, "t");
  chat (f, "t3", "2026-04-07 11:00", "bob@example.com", "t");
  chat (f, "t4", "2026-04-07 11:20", ME, "t");
  chat (f, "t5", "2026-04-14 11:00", "bob@example.com", "t");
  chat (f, "t6", "2026-04-14 12:00", ME, "t");
}

static void
test_trend (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (TendWeekReport) single = NULL;
  const double *series;

  add_trend (f);
  insights = insights_new (f, NULL);
  report = compute_trend (insights, "2026-W20");
  g_assert_true (tend_week_report_has_trend (report));

  /* Mail only: the chat replies add to messages_sent in W14–W16. */
  series = tend_week_report_get_series (report, TEND_METRIC_MAIL_SENT);
  g_assert_nonnull (series);
  for (guint w = 0; w < TEND_TREND_WEEKS; w++)
    if (sent_per_week[w] < 0)
      assert_nan (series[w]);
    else
      g_assert_cmpfloat (series[w], ==, sent_per_week[w]);
  assert_value (report, TEND_METRIC_MESSAGES_SENT, 4);

  /* Baseline: W12–W19 hold 4, (empty), 8, 1, 3, 7, 9, 10 → 1 3 4 7 8 9 10 → 7. */
  g_assert_cmpfloat (tend_week_report_get_baseline (report, TEND_METRIC_MAIL_SENT), ==, 7);
  /* Reply medians 10, 20, 60 in three of them → 20; three values are enough. */
  g_assert_cmpfloat (tend_week_report_get_baseline (report, TEND_METRIC_REPLY_MEDIAN_MINUTES), ==,
                     20);
  /* Meeting share is undefined in every week: no baseline. */
  assert_nan (tend_week_report_get_baseline (report, TEND_METRIC_RECURRING_MEETING_SHARE));

  /* The week alone gives the same figures. */
  single = compute_week (insights, "2026-W20");
  for (guint m = 0; m < TEND_N_METRICS; m++)
    {
      double a = tend_week_report_get_value (report, m);
      double b = tend_week_report_get_value (single, m);

      g_test_message ("%s", tend_metric_get_key (m));
      g_assert_true ((isnan (a) && isnan (b)) || a == b);
    }
}

static void
test_trend_sparse (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;

  /* Two chat replies (10 and 20 min) in the 8 weeks before W20: fewer than 3 → no baseline. */
  chat (f, "t1", "2026-03-31 11:00", "bob@example.com", "t");
  chat (f, "t2", "2026-03-31 11:10", ME, "t");
  chat (f, "t3", "2026-04-07 11:00", "bob@example.com", "t");
  chat (f, "t4", "2026-04-07 11:20", ME, "t");
  insights = insights_new (f, NULL);
  report = compute_trend (insights, "2026-W20");
  assert_nan (tend_week_report_get_baseline (report, TEND_METRIC_REPLY_MEDIAN_MINUTES));
  assert_nan (tend_week_report_get_baseline (report, TEND_METRIC_MESSAGES_SENT));
  g_assert_false (tend_week_report_has_data (report));
}

static double
json_get_number (json_t *object, const char *key)
{
  json_t *value = json_object_get (object, key);

  g_assert_nonnull (value);
  g_assert_true (json_is_number (value));
  return json_number_value (value);
}

static void
test_json (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = NULL;
  g_autoptr (TendWeekReport) report = NULL;
  g_autoptr (TendWeekReport) trend_report = NULL;
  json_t *root, *days, *monday, *collaborators, *baseline, *trend;

  add_meetings (f);
  insights = insights_new (f, NULL);
  report = compute_week (insights, "2026-W09");
  root = tend_week_report_to_json (report);

  g_assert_cmpstr (json_string_value (json_object_get (root, "week")), ==, "2026-W09");
  g_assert_cmpstr (json_string_value (json_object_get (root, "time_zone")), ==, "Europe/Berlin");
  g_assert_cmpstr (json_string_value (json_object_get (root, "start")), ==,
                   "2026-02-23T00:00:00+01");
  g_assert_cmpstr (json_string_value (json_object_get (root, "working_hours")), ==,
                   "mon-fri 09:00-17:00");
  g_assert_cmpfloat (json_get_number (root, "focus_minimum_minutes"), ==, 120);
  g_assert_true (json_is_true (json_object_get (root, "has_data")));

  for (guint m = 0; m < TEND_N_METRICS; m++)
    g_assert_nonnull (json_object_get (root, tend_metric_get_key (m)));
  /* Hours to 2 decimals, minutes to 1, shares to 3. */
  g_assert_cmpfloat (json_get_number (root, "meeting_hours"), ==, 9.35);
  g_assert_cmpfloat (json_get_number (root, "focus_hours"), ==, 30.52);
  g_assert_cmpfloat (json_get_number (root, "recurring_meeting_share"), ==, 0.16);
  g_assert_cmpfloat (json_get_number (root, "after_hours_meeting_minutes"), ==, 174);
  g_assert_true (json_is_integer (json_object_get (root, "meetings")));
  g_assert_cmpfloat (json_get_number (root, "messages_sent"), ==, 0);
  g_assert_cmpfloat (json_get_number (root, "messages_received"), ==, 0);
  g_assert_cmpfloat (json_get_number (root, "after_hours_messages_sent"), ==, 0);
  /* NAN is null. */
  g_assert_true (json_is_null (json_object_get (root, "reply_median_minutes")));

  baseline = json_object_get (root, "baseline");
  g_assert_true (json_is_object (baseline));
  g_assert_cmpuint (json_object_size (baseline), ==, TEND_N_METRICS);
  g_assert_true (json_is_null (json_object_get (baseline, "meeting_hours")));
  g_assert_null (json_object_get (root, "trend"));

  days = json_object_get (root, "days");
  g_assert_cmpuint (json_array_size (days), ==, 7);
  monday = json_array_get (days, 0);
  g_assert_cmpstr (json_string_value (json_object_get (monday, "date")), ==, "2026-02-23");
  g_assert_cmpstr (json_string_value (json_object_get (monday, "weekday")), ==, "mon");
  g_assert_true (json_is_false (json_object_get (monday, "day_off")));
  g_assert_cmpfloat (json_get_number (monday, "meeting_minutes"), ==, 177);
  g_assert_cmpfloat (json_get_number (monday, "focus_minutes"), ==, 300);
  g_assert_cmpfloat (json_get_number (monday, "after_hours_minutes"), ==, 60);
  g_assert_cmpfloat (json_get_number (monday, "after_hours_messages"), ==, 0);
  g_assert_cmpfloat (json_get_number (monday, "messages_sent"), ==, 0);
  g_assert_cmpfloat (json_get_number (monday, "messages_received"), ==, 0);
  g_assert_true (json_is_true (json_object_get (json_array_get (days, 6), "day_off")));

  /* The metric keeps its key; the lists live under "people". */
  g_assert_true (json_is_number (json_object_get (root, "collaborators")));
  collaborators = json_object_get (root, "people");
  g_assert_true (json_is_array (json_object_get (collaborators, "top")));
  g_assert_true (json_is_array (json_object_get (collaborators, "fading")));
  g_assert_true (json_is_array (json_object_get (collaborators, "new")));
  json_decref (root);

  /* With a trend: 12 values a metric, oldest first, and the weeks they belong to. */
  trend_report = compute_trend (insights, "2026-W09");
  root = tend_week_report_to_json (trend_report);
  trend = json_object_get (root, "trend");
  g_assert_true (json_is_object (trend));
  g_assert_cmpuint (json_object_size (trend), ==, TEND_N_METRICS);
  g_assert_cmpuint (json_array_size (json_object_get (trend, "meeting_hours")), ==, 12);
  g_assert_cmpfloat (
      json_number_value (json_array_get (json_object_get (trend, "meeting_hours"), 11)), ==, 9.35);
  /* W08 held only the Sunday-night part of event j, which started there: a week with data. */
  g_assert_cmpfloat (
      json_number_value (json_array_get (json_object_get (trend, "meeting_hours"), 10)), ==, 1);
  g_assert_true (json_is_null (json_array_get (json_object_get (trend, "meeting_hours"), 0)));
  g_assert_cmpstr (json_string_value (json_array_get (json_object_get (root, "trend_weeks"), 0)),
                   ==, "2025-W50");
  g_assert_cmpstr (json_string_value (json_array_get (json_object_get (root, "trend_weeks"), 11)),
                   ==, "2026-W09");
  json_decref (root);
}

static void
test_empty_store (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = insights_new (f, NULL);
  g_autoptr (TendWeekReport) report = compute_trend (insights, "2026-W09");

  g_assert_false (tend_week_report_has_data (report));
  assert_value (report, TEND_METRIC_MEETING_HOURS, 0);
  /* No meetings: the whole of working time is focus time. */
  assert_value (report, TEND_METRIC_FOCUS_HOURS, 40);
  assert_nan (tend_week_report_get_value (report, TEND_METRIC_NEW_COLLABORATORS));
  for (guint m = 0; m < TEND_N_METRICS; m++)
    assert_nan (tend_week_report_get_series (report, m)[TEND_TREND_WEEKS - 1]);
  g_assert_cmpuint (tend_week_report_get_top_collaborators (report)->len, ==, 0);
}

/* Working hours set after construction apply to the next computation. */
static void
test_set_work_hours (void)
{
  g_autoptr (Fixture) f = fixture_new ();
  g_autoptr (TendInsights) insights = insights_new (f, NULL);
  g_autoptr (TendWeekReport) before = compute_week (insights, "2026-W09");
  g_autoptr (TendWeekReport) after = NULL;
  TendWorkHours hours;

  /* Monday to Friday 09:00–17:00 without meetings: 5 × 8 h of focus time. */
  assert_value (before, TEND_METRIC_FOCUS_HOURS, 40);

  /* Monday to Thursday 08:00–16:00 and Friday 08:00–12:00: 4 × 8 h + 4 h. */
  g_assert_true (tend_work_hours_parse (&hours, "mon-thu 08:00-16:00,fri 08:00-12:00", NULL));
  tend_insights_set_work_hours (insights, &hours);
  g_assert_cmpuint (tend_insights_get_work_hours (insights)->days[4].end, ==, 12 * 60);
  after = compute_week (insights, "2026-W09");
  assert_value (after, TEND_METRIC_FOCUS_HOURS, 36);
}

static void
test_user_time_zone (void)
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GTimeZone) local = NULL;
  g_autoptr (GTimeZone) tokyo = NULL;
  g_autoptr (GTimeZone) fallback = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_test_skip ("The dev.tend.Tend schema is not available (GSETTINGS_SCHEMA_DIR unset)");
      return;
    }
  settings = g_settings_new (APPLICATION_ID);

  /* Empty: TZ, which main () set. */
  local = tend_settings_get_time_zone ();
  g_assert_cmpstr (g_time_zone_get_identifier (local), ==, "Europe/Berlin");

  g_assert_true (g_settings_set_string (settings, "time-zone", "Asia/Tokyo"));
  tokyo = tend_settings_get_time_zone ();
  g_assert_cmpstr (g_time_zone_get_identifier (tokyo), ==, "Asia/Tokyo");

  g_assert_true (g_settings_set_string (settings, "time-zone", "Nowhere/Atlantis"));
  fallback = tend_settings_get_time_zone ();
  g_assert_cmpstr (g_time_zone_get_identifier (fallback), ==, "Europe/Berlin");

  g_settings_reset (settings, "time-zone");
}

static void
test_metric_info (void)
{
  g_autofree char *hours = tend_metric_format_value (TEND_METRIC_MEETING_HOURS, 3.5);
  g_autofree char *minutes = tend_metric_format_value (TEND_METRIC_REPLY_MEDIAN_MINUTES, 42);
  g_autofree char *share = tend_metric_format_value (TEND_METRIC_ANSWERED_WITHIN_24H_SHARE, 0.666);
  g_autofree char *count = tend_metric_format_value (TEND_METRIC_MEETINGS, 12);
  g_autofree char *half = tend_metric_format_value (TEND_METRIC_MEETINGS, 6.5);
  g_autofree char *days = tend_metric_format_value (TEND_METRIC_AFTER_HOURS_DAYS, 2);
  g_autofree char *none = tend_metric_format_value (TEND_METRIC_REPLY_MEDIAN_MINUTES, NAN);
  TendMetric       metric;

  g_assert_cmpstr (hours, ==, "3.5 h");
  g_assert_cmpstr (minutes, ==, "42 min");
  g_assert_cmpstr (share, ==, "67 %");
  g_assert_cmpstr (count, ==, "12");
  g_assert_cmpstr (half, ==, "6.5");
  g_assert_cmpstr (days, ==, "2 days");
  g_assert_cmpstr (none, ==, "—");

  /* Keys are the enum names in snake case, unique, and round-trip. */
  g_assert_cmpstr (tend_metric_get_key (TEND_METRIC_BACK_TO_BACK_CHAINS), ==,
                   "back_to_back_chains");
  g_assert_cmpstr (tend_metric_get_key (TEND_METRIC_ANSWERED_WITHIN_24H_SHARE), ==,
                   "answered_within_24h_share");
  for (guint m = 0; m < TEND_N_METRICS; m++)
    {
      g_assert_nonnull (tend_metric_get_title (m));
      g_assert_true (tend_metric_from_key (tend_metric_get_key (m), &metric));
      g_assert_cmpint (metric, ==, m);
    }
  g_assert_false (tend_metric_from_key ("meeting_hour", &metric));

  g_assert_cmpint (tend_metric_get_polarity (TEND_METRIC_FOCUS_HOURS), ==,
                   TEND_POLARITY_HIGHER_IS_BETTER);
  g_assert_cmpint (tend_metric_get_polarity (TEND_METRIC_AFTER_HOURS_MESSAGES_SENT), ==,
                   TEND_POLARITY_LOWER_IS_BETTER);
  g_assert_cmpint (tend_metric_get_polarity (TEND_METRIC_MEETINGS), ==, TEND_POLARITY_NEUTRAL);
  g_assert_cmpint (tend_metric_get_unit (TEND_METRIC_RECURRING_MEETING_SHARE), ==, TEND_UNIT_SHARE);
}

/* Asserts that @json (taken) is the number @expected, and an integer exactly when @integer. */
static void
assert_json_number (json_t *json, double expected, gboolean integer)
{
  g_assert_true (json_is_number (json));
  g_assert_cmpint (json_is_integer (json), ==, integer);
  g_assert_cmpfloat_with_epsilon (json_number_value (json), expected, 1e-9);
  json_decref (json);
}

static void
test_metric_json (void)
{
  json_t *json;

  /* Hours to 2 decimals: 9.3456 → 9.35; minutes to 1: 42.25 → 42.3 (round half away from 0). */
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_MEETING_HOURS, 9.3456), 9.35, FALSE);
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_REPLY_MEDIAN_MINUTES, 42.25), 42.3,
                      FALSE);
  /* Shares to 3: 2/3 → 0.667. */
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_ANSWERED_WITHIN_24H_SHARE, 2.0 / 3),
                      0.667, FALSE);
  /* Whole numbers are integers, also after rounding (7.999 h → 8), and a halfway baseline of a
   * count keeps its half. */
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_MEETINGS, 12), 12, TRUE);
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_MEETING_HOURS, 7.999), 8, TRUE);
  assert_json_number (tend_metric_value_to_json (TEND_METRIC_MEETINGS, 6.5), 6.5, FALSE);
  assert_json_number (tend_unit_value_to_json (TEND_UNIT_MINUTES, 177.04), 177, TRUE);
  /* Undefined is null. */
  json = tend_metric_value_to_json (TEND_METRIC_REPLY_MEDIAN_MINUTES, NAN);
  g_assert_true (json_is_null (json));
  json_decref (json);
}

int
main (int argc, char *argv[])
{
  int result;

  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);
  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_assert_nonnull (berlin);

  g_test_add_func ("/insights/metric-info", test_metric_info);
  g_test_add_func ("/insights/metric-json", test_metric_json);
  g_test_add_func ("/insights/meetings", test_meetings);
  g_test_add_func ("/insights/after-hours", test_after_hours);
  g_test_add_func ("/insights/dst", test_dst);
  g_test_add_func ("/insights/replies", test_replies);
  g_test_add_func ("/insights/collaborators", test_collaborators);
  g_test_add_func ("/insights/trend", test_trend);
  g_test_add_func ("/insights/trend-sparse", test_trend_sparse);
  g_test_add_func ("/insights/json", test_json);
  g_test_add_func ("/insights/empty-store", test_empty_store);
  g_test_add_func ("/insights/set-work-hours", test_set_work_hours);
  g_test_add_func ("/insights/user-time-zone", test_user_time_zone);

  result = g_test_run ();
  g_time_zone_unref (berlin);
  return result;
}
