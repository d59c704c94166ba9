/* test-notifier.c: TendNotifier against a fake notification server on a private bus
 *
 * Runs under dbus-run-session (see meson.build). GLib sends GNotifications to
 * org.freedesktop.Notifications when org.gtk.Notifications is not owned and the process is not
 * sandboxed: the fake server of tend-fake-desktop.c receives them here.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tend-event.h"
#include "tend-fake-desktop.h"
#include "tend-notifier.h"
#include "tend-store.h"
#include "tend-test-util.h"

/* Unix times, worked out with Python's datetime in UTC (ISO week and weekday in brackets). */
#define SUN_2026_11_22_1200 1795348800 /* 2026-W47-7 */
#define MON_2026_11_23_0859 1795424340 /* 2026-W48-1 */
#define MON_2026_11_23_0900 1795424400
#define MON_2026_11_23_1000 1795428000
#define MON_2026_11_23_1700 1795453200
#define TUE_2026_11_24_1000 1795514400 /* 2026-W48-2 */
#define MON_2026_11_30_0900 1796029200 /* 2026-W49-1 */
#define TUE_2026_11_17_1000 1794909600 /* 2026-W47-2 */
#define THU_2026_12_31_2000 1798747200 /* 2026-W53-4 */
#define MON_2027_01_04_0900 1799053200 /* 2027-W01-1 */
#define SUN_2026_03_29_1000 1774778400 /* 2026-W13-7; Berlin moves to CEST at 01:00 UTC */
#define MON_2026_03_30_0700 1774854000 /* 2026-W14-1, 09:00 CEST */
#define WEEK (7 * 24 * 3600)

typedef struct
{
  TendFakeNotifications *server;
  GApplication          *app;
  TendNotifier          *notifier;
  GPtrArray             *activated; /* "name" or "name 'target'" of each action activated */
  char                  *home;
} Fixture;

static void
activate_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Fixture *f = user_data;

  if (parameter == NULL)
    g_ptr_array_add (f->activated, g_strdup (g_action_get_name (G_ACTION (action))));
  else
    {
      g_autofree char *printed = g_variant_print (parameter, FALSE);

      g_ptr_array_add (f->activated,
                       g_strdup_printf ("%s %s", g_action_get_name (G_ACTION (action)), printed));
    }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  static guint       n_apps;
  const GActionEntry entries[] = {
    { "open", activate_cb },
    { "open-week", activate_cb, "s" },
    { "connect", activate_cb, "s" },
    { "confirm-opt-in", activate_cb },
  };
  g_autofree char *app_id = g_strdup_printf ("dev.tend.TestNotifier%u", ++n_apps);
  g_autoptr (GSettings) settings = g_settings_new ("dev.tend.Tend");
  g_autoptr (GError) error = NULL;

  /* The digest is reckoned in UTC, the fixed times above too. */
  g_settings_set_string (settings, "time-zone", "UTC");
  g_settings_reset (settings, "working-hours");

  f->home = g_dir_make_tmp ("tend-notifier-XXXXXX", NULL);
  /* The digest comes from tend-agent-worker ($TEND_AGENT_WORKER), which reads the database in
   * this home, in UTC: its GSettings are not the memory backend's of this process. */
  g_setenv ("XDG_DATA_HOME", f->home, TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  f->activated = g_ptr_array_new_with_free_func (g_free);
  f->server = tend_fake_notifications_new ();
  f->app = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  g_action_map_add_action_entries (G_ACTION_MAP (f->app), entries, G_N_ELEMENTS (entries), f);
  g_application_register (f->app, NULL, &error);
  g_assert_no_error (error);
  f->notifier = tend_notifier_new (f->app);
}

static void
server_information_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  g_assert_nonnull (reply);
  *(gboolean *) user_data = TRUE;
}

/* The server answers in order: once the answer to this call is in, GLib has the ids of the
 * notifications sent before it. */
static void
sync_with_server (Fixture *f)
{
  gboolean done = FALSE;

  g_dbus_connection_call (g_application_get_dbus_connection (f->app),
                          "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.Notifications", "GetServerInformation", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, server_information_cb, &done);
  TEND_WAIT_UNTIL (done);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  /* GLib's freedesktop backend must have its answers before the application goes. */
  sync_with_server (f);
  tend_notifier_withdraw_all (f->notifier);
  sync_with_server (f);
  g_clear_object (&f->notifier);
  g_clear_object (&f->app);
  g_clear_pointer (&f->server, tend_fake_notifications_free);
  g_ptr_array_unref (f->activated);
  tend_test_remove_tree (f->home);
  g_free (f->home);
}

static TendFakeNote *
last_note (Fixture *f)
{
  g_assert_cmpuint (f->server->notes->len, >, 0);
  return g_ptr_array_index (f->server->notes, f->server->notes->len - 1);
}

static void
assert_activated (Fixture *f, const char *expected)
{
  TEND_WAIT_UNTIL (f->activated->len > 0);
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->activated, 0), ==, expected);
  g_ptr_array_set_size (f->activated, 0);
}

static gint64
next (gint64 now, const TendWeek *shown)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  TendWorkHours hours;

  tend_work_hours_init_default (&hours); /* Monday to Friday, 09:00–17:00 */
  return tend_notifier_next_digest_time (now, utc, &hours, shown);
}

static void
test_digest_time_default (void)
{
  TendWeek w48 = { 2026, 48 };

  /* Sunday noon → Monday 09:00, the first working morning. */
  g_assert_cmpint (next (SUN_2026_11_22_1200, NULL), ==, MON_2026_11_23_0900);
  g_assert_cmpint (next (MON_2026_11_23_0859, NULL), ==, MON_2026_11_23_0900);
  /* Monday 09:00 and 10:00: due now, unless this week's digest was shown already. */
  g_assert_cmpint (next (MON_2026_11_23_0900, NULL), ==, MON_2026_11_23_0900);
  g_assert_cmpint (next (MON_2026_11_23_1000, NULL), ==, MON_2026_11_23_1000);
  g_assert_cmpint (next (MON_2026_11_23_1000, &w48), ==, MON_2026_11_30_0900);
  /* Monday 17:00 ends the working day: the digest waits for next Monday. */
  g_assert_cmpint (next (MON_2026_11_23_1700, NULL), ==, MON_2026_11_30_0900);
  g_assert_cmpint (next (TUE_2026_11_24_1000, NULL), ==, MON_2026_11_30_0900);
  /* Thursday 2026-12-31 is in 2026-W53; the next week is 2027-W01, from Monday 4 January. */
  g_assert_cmpint (next (THU_2026_12_31_2000, NULL), ==, MON_2027_01_04_0900);
}

static void
test_digest_time_hours (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GError) error = NULL;
  TendWorkHours hours;

  /* Mondays off: the first working morning is Tuesday 10:00 (Monday 10:00 + 24 h). */
  g_assert_true (tend_work_hours_parse (&hours, "tue-sat 10:00-18:00", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tend_notifier_next_digest_time (MON_2026_11_23_1000, utc, &hours, NULL), ==,
                   MON_2026_11_23_1000 + 24 * 3600);

  /* No working day at all: Monday 09:00. From Monday 10:00 that is due at once. */
  g_assert_true (tend_work_hours_parse (&hours, "none", &error));
  g_assert_no_error (error);
  g_assert_cmpint (tend_notifier_next_digest_time (SUN_2026_11_22_1200, utc, &hours, NULL), ==,
                   MON_2026_11_23_0900);
}

static void
test_digest_time_dst (void)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  TendWorkHours hours;

  if (berlin == NULL)
    {
      g_test_skip ("No time zone data for Europe/Berlin");
      return;
    }
  tend_work_hours_init_default (&hours);
  /* Sunday 29 March 2026 12:00 CEST; Monday 09:00 CEST is 07:00 UTC, not 08:00. */
  g_assert_cmpint (tend_notifier_next_digest_time (SUN_2026_03_29_1000, berlin, &hours, NULL), ==,
                   MON_2026_03_30_0700);
}

static void
test_invite (Fixture *f, gconstpointer data)
{
  TendFakeNote *note;

  tend_notifier_invite_opt_in (f->notifier);
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = last_note (f);
  g_assert_cmpstr (note->summary, ==, "Tend is ready when you are");
  g_assert_nonnull (strstr (note->body, "on this computer"));
  /* One button, and no default action: a click on the banner does not opt in. */
  g_assert_cmpuint (g_strv_length (note->actions), ==, 2);
  g_assert_cmpstr (tend_fake_note_get_action (note, "app.confirm-opt-in"), ==, "Opt in");

  tend_fake_notifications_invoke (f->server, note->id, "app.confirm-opt-in");
  assert_activated (f, "confirm-opt-in");
}

static void
test_sign_in_expired (Fixture *f, gconstpointer data)
{
  TendFakeNote *note;

  tend_notifier_sign_in_expired (f->notifier, "microsoft", "alex@example.invalid");
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = last_note (f);
  g_assert_cmpstr (note->summary, ==, "Sign in again to alex@example.invalid");
  g_assert_cmpstr (tend_fake_note_get_action (note, "app.connect::microsoft"), ==, "Sign in");
  g_assert_nonnull (tend_fake_note_get_action (note, "default"));

  tend_fake_notifications_invoke (f->server, note->id, "app.connect::microsoft");
  assert_activated (f, "connect 'microsoft'");

  /* A second expiry of the same provider replaces the first one's notification. */
  tend_notifier_sign_in_expired (f->notifier, "microsoft", "alex@example.invalid");
  TEND_WAIT_UNTIL (f->server->notes->len == 2);
  sync_with_server (f);
  tend_notifier_sign_in_expired (f->notifier, "microsoft", "alex@example.invalid");
  TEND_WAIT_UNTIL (f->server->notes->len == 3);
  note = last_note (f);
  g_assert_cmpuint (note->replaces_id, ==, ((TendFakeNote *) f->server->notes->pdata[1])->id);

  tend_fake_notifications_invoke (f->server, note->id, "default");
  assert_activated (f, "open");
}

static void
test_first_sync (Fixture *f, gconstpointer data)
{
  TendFakeNote *note;

  tend_notifier_first_sync (f->notifier, "alex@example.invalid", 1200, 1);
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = last_note (f);
  g_assert_cmpstr (note->summary, ==, "Your first sync is done");
  g_assert_cmpstr (note->body, ==,
                   "Tend has read 1200 messages and 1 event from alex@example.invalid.");
}

/* A 2-hour meeting I organized, from @start. */
static void
add_meeting (TendStore *store, gint64 account, const char *uid, gint64 start, gint64 hours)
{
  g_autoptr (TendEvent) event = tend_event_new ();
  g_autoptr (GError) error = NULL;

  event->uid = g_strdup (uid);
  event->start = start;
  event->end = start + hours * 3600;
  event->attendee_count = 3;
  event->my_response = TEND_RESPONSE_ORGANIZER;
  g_assert_true (tend_store_add_event (store, account, event, NULL, &error));
  g_assert_no_error (error);
}

static TendStore *
store_with_weeks (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->home, "tend", "tend.db", NULL);
  g_autoptr (GError) error = NULL;
  TendStore *store;
  gint64     account;

  store = tend_store_open (path, TEND_STORE_OPEN_READ_WRITE, &error);
  g_assert_no_error (error);
  account = tend_store_ensure_account (store, "test", "alex@example.invalid", &error);
  g_assert_no_error (error);
  /* 2026-W47: Tuesday 10:00–12:00. W44, W45, W46: Tuesday 10:00–11:00. */
  add_meeting (store, account, "w47", TUE_2026_11_17_1000, 2);
  for (int w = 1; w <= 3; w++)
    {
      g_autofree char *uid = g_strdup_printf ("w47-%d", w);

      add_meeting (store, account, uid, TUE_2026_11_17_1000 - w * WEEK, 1);
    }
  return store;
}

static void
test_digest (Fixture *f, gconstpointer data)
{
  g_autoptr (TendStore) store = store_with_weeks (f);
  TendFakeNote *note;

  /* Before opt-in the digest is disabled: Monday morning passes without a digest. */
  tend_notifier_set_now (f->notifier, MON_2026_11_23_1000);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->server->notes->len, ==, 0);

  /* Opted in on Monday at 10:00: last week's digest comes at once.
   * W47 meeting time: 2.0 h. Focus time: Monday, Wednesday–Friday 8 h each, Tuesday 12:00–17:00
   * (09:00–10:00 is shorter than 2 h) = 37.0 h. No after-hours work.
   * Baseline, from W44–W46 (the weeks with data): 1.0 h of meetings, 4 × 8 + 6 = 38.0 h of
   * focus, 0 days after hours. */
  tend_notifier_set_enabled (f->notifier, TRUE);
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  note = last_note (f);
  g_assert_cmpstr (note->summary, ==, "Your last week");
  g_assert_cmpstr (note->body, ==,
                   "Meeting time: 2.0 h (usually 1.0 h)\n"
                   "Focus time: 37.0 h (usually 38.0 h)\n"
                   "Days with after-hours work: 0 days (usually 0 days)");
  g_assert_cmpstr (tend_fake_note_get_action (note, "app.open-week::2026-W47"), ==,
                   "Open last week");
  tend_fake_notifications_invoke (f->server, note->id, "app.open-week::2026-W47");
  assert_activated (f, "open-week '2026-W47'");

  /* Shown once: a later reschedule (the settings changed) waits for next Monday. */
  tend_notifier_set_now (f->notifier, MON_2026_11_23_1000 + 600);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->server->notes->len, ==, 1);
}

static void
test_digest_not_yet (Fixture *f, gconstpointer data)
{
  g_autoptr (TendStore) store = store_with_weeks (f);

  /* Sunday noon: the digest waits for Monday 09:00, on a timer, and nothing comes now. */
  tend_notifier_set_now (f->notifier, SUN_2026_11_22_1200);
  tend_notifier_set_enabled (f->notifier, TRUE);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->server->notes->len, ==, 0);
}

/* Disabled and enabled again while the first digest is computed: the first run's answer, late
 * or cancelled, neither ends the second run nor adds a digest of its own. One digest comes. */
static void
test_digest_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (TendStore) store = store_with_weeks (f);
  gint64 settled;

  tend_notifier_set_now (f->notifier, MON_2026_11_23_1000);
  tend_notifier_set_enabled (f->notifier, TRUE);
  tend_notifier_set_enabled (f->notifier, FALSE);
  tend_notifier_set_enabled (f->notifier, TRUE);
  TEND_WAIT_UNTIL (f->server->notes->len == 1);
  g_assert_cmpstr (last_note (f)->summary, ==, "Your last week");

  /* Time for a straggler to arrive: none does. */
  settled = g_get_monotonic_time () + G_USEC_PER_SEC;
  TEND_WAIT_UNTIL (g_get_monotonic_time () > settled);
  sync_with_server (f);
  g_assert_cmpuint (f->server->notes->len, ==, 1);
}

static void
test_withdraw_all (Fixture *f, gconstpointer data)
{
  tend_notifier_invite_opt_in (f->notifier);
  tend_notifier_first_sync (f->notifier, "alex@example.invalid", 1, 2);
  TEND_WAIT_UNTIL (f->server->notes->len == 2);
  sync_with_server (f);

  /* GLib closes what the server has shown (the id it sends differs between GLib versions). */
  tend_notifier_withdraw_all (f->notifier);
  TEND_WAIT_UNTIL (f->server->closed->len == 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/notifier/digest-time/default", test_digest_time_default);
  g_test_add_func ("/notifier/digest-time/hours", test_digest_time_hours);
  g_test_add_func ("/notifier/digest-time/dst", test_digest_time_dst);
  ADD ("/notifier/invite", test_invite);
  ADD ("/notifier/sign-in-expired", test_sign_in_expired);
  ADD ("/notifier/first-sync", test_first_sync);
  ADD ("/notifier/digest", test_digest);
  ADD ("/notifier/digest-not-yet", test_digest_not_yet);
  ADD ("/notifier/digest-restart", test_digest_restart);
  ADD ("/notifier/withdraw-all", test_withdraw_all);
#undef ADD

  return g_test_run ();
}
