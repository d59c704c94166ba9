/* tend-notifier.c: the agent's desktop notifications
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-notifier"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "tend-insights.h"
#include "tend-notifier.h"
#include "tend-settings.h"
#include "tend-worker.h"

#define DIGEST_ID "weekly-digest"
#define INVITE_ID "opt-in"

struct _TendNotifier
{
  GObject parent_instance;

  /* Borrowed: the application owns the notifier */
  GApplication *application;

  /* Owned */
  GHashTable   *shown;      /* ids of the notifications sent, to withdraw them on opt-out */
  GSettings    *settings;   /* NULL when the schema is not installed */
  gboolean      enabled;    /* FALSE before opt-in: the digest reads nothing then */
  GCancellable *computing;  /* non-NULL while the worker computes a digest */
  GSource      *timer;      /* the one timer, to the next digest */
  int           timer_fd;   /* its timerfd, or -1 */
  TendWeek      shown_week; /* the week whose digest was shown; year 0 for none */
  gint64        now;        /* 0: the real clock */
};

G_DEFINE_FINAL_TYPE (TendNotifier, tend_notifier, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_digest (TendNotifier *self);

static void
clear_timer (TendNotifier *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->timer_fd >= 0)
    close (self->timer_fd);
  self->timer_fd = -1;
}

static gint64
get_now (TendNotifier *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static void
send (TendNotifier *self, const char *id, GNotification *notification)
{
  g_hash_table_add (self->shown, g_strdup (id));
  g_application_send_notification (self->application, id, notification);
}

/* Unix time of @minute (0 … 1440) of day @day (0 = Monday) of @week, on the wall clock of
 * @tz: built from the date and the time of day, so that a DST change between midnight and
 * that minute does not move it. */
static gint64
week_minute (const TendWeek *week, guint day, guint minute, GTimeZone *tz)
{
  g_autoptr (GDateTime) midnight = tend_week_get_day (week, day + minute / 1440, tz);
  g_autoptr (GDateTime) moment = NULL;

  minute %= 1440;
  moment = g_date_time_new (tz, g_date_time_get_year (midnight), g_date_time_get_month (midnight),
                            g_date_time_get_day_of_month (midnight), minute / 60, minute % 60, 0);
  return g_date_time_to_unix (moment);
}

/* The first working day of @week: its start and its end. */
static void
first_working_day (const TendWeek *week, GTimeZone *tz, const TendWorkHours *hours, gint64 *start,
                   gint64 *end)
{
  TendWorkHours fallback;

  for (guint day = 0; day < 7; day++)
    if (!tend_work_hours_is_day_off (hours, day))
      {
        *start = week_minute (week, day, hours->days[day].start, tz);
        *end = week_minute (week, day, hours->days[day].end, tz);
        return;
      }

  /* No working day at all: the digest still comes, on Monday at the default start. */
  tend_work_hours_init_default (&fallback);
  *start = week_minute (week, 0, fallback.days[0].start, tz);
  *end = week_minute (week, 0, fallback.days[0].end, tz);
}

gint64
tend_notifier_next_digest_time (gint64 now, GTimeZone *tz, const TendWorkHours *hours,
                                const TendWeek *shown_week)
{
  TendWeek week, next;
  gint64   start, end;

  g_return_val_if_fail (tz != NULL, 0);
  g_return_val_if_fail (hours != NULL, 0);

  tend_week_from_unix (now, tz, &week);
  first_working_day (&week, tz, hours, &start, &end);
  if (now < start)
    return start;
  /* Started late (logged in at 09:20, opted in at noon): the digest is still welcome that
   * day, but only once. */
  if (now < end && (shown_week == NULL || tend_week_compare (shown_week, &week) < 0))
    return now;

  tend_week_add (&week, 1, &next);
  first_working_day (&next, tz, hours, &start, &end);
  return start;
}

/* @details: what the worker's digest command gives: week, title and body, or nothing when the
 * week has no data. */
static void
show_digest (TendNotifier *self, GVariant *details)
{
  g_autoptr (GNotification) notification = NULL;
  const char *week, *title, *body;

  if (!g_variant_lookup (details, "week", "&s", &week)
      || !g_variant_lookup (details, "title", "&s", &title)
      || !g_variant_lookup (details, "body", "&s", &body))
    return;
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-week", "s", week);
  g_notification_add_button_with_target (notification, _ ("Open last week"), "app.open-week", "s",
                                         week);
  send (self, DIGEST_ID, notification);
}

/* One digest run: the notifier and the cancellable that run was started with, which tells its
 * answer from that of a run cancelled and replaced since. */
typedef struct
{
  TendNotifier *self;
  GCancellable *cancellable;
} DigestRun;

static void
digest_run_free (DigestRun *run)
{
  g_object_unref (run->self);
  g_object_unref (run->cancellable);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DigestRun, digest_run_free)

static void
digest_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DigestRun) run = user_data;
  TendNotifier *self = run->self;
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;

  details = tend_worker_run_finish (result, &error);
  /* A run that is no longer the current one (disabled or restarted meanwhile) shows nothing and
   * leaves the current one alone. The reference held here keeps its cancellable's address from
   * being reused by a newer run. */
  if (run->cancellable != self->computing)
    return;
  /* The current run is over whatever its outcome, a cancel by the worker included: otherwise
   * no digest would ever be scheduled again. */
  g_clear_object (&self->computing);

  if (details == NULL)
    g_debug ("No weekly digest: %s", error->message);
  else
    show_digest (self, details);
  schedule_digest (self);
}

static void
digest_due (TendNotifier *self)
{
  g_autoptr (GTimeZone) tz = tend_settings_get_time_zone ();
  g_autofree char *week = NULL;
  TendWeek         last_week;
  const char      *arguments[] = { "digest", NULL, NULL };
  DigestRun       *run;

  /* Marked as shown before it is computed: a week without data gets no digest, and no retry. */
  tend_week_from_unix (get_now (self), tz, &self->shown_week);
  tend_week_add (&self->shown_week, -1, &last_week);
  week = tend_week_to_string (&last_week);
  arguments[1] = week;

  /* The worker reads the database: the agent links no SQLite of its own for this. */
  self->computing = g_cancellable_new ();
  run = g_new0 (DigestRun, 1);
  run->self = g_object_ref (self);
  run->cancellable = g_object_ref (self->computing);
  tend_worker_run_async (arguments, NULL, NULL, self->computing, digest_done_cb, run);
}

static gboolean
digest_idle_cb (gpointer user_data)
{
  TendNotifier *self = user_data;

  clear_timer (self);
  digest_due (self);
  return G_SOURCE_REMOVE;
}

static gboolean
digest_timer_cb (int fd, GIOCondition condition, gpointer user_data)
{
  TendNotifier *self = user_data;
  guint64       expirations;
  gboolean      clock_set;

  /* ECANCELED: someone set the clock; work the instant out again. */
  clock_set = read (fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED;
  clear_timer (self);
  if (clock_set)
    schedule_digest (self);
  else
    digest_due (self);
  return G_SOURCE_REMOVE;
}

/* A timer on the wall clock (CLOCK_REALTIME), unlike GLib's monotonic timeouts: a laptop
 * suspended over the weekend still gets its digest when it wakes on Monday morning. */
static int
wall_clock_timer_new (gint64 when, GError **error)
{
  struct itimerspec spec = { .it_value = { .tv_sec = when } };
  int               fd;

  fd = timerfd_create (CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "timerfd_create: %s",
                   g_strerror (saved_errno));
      return -1;
    }
  if (timerfd_settime (fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) < 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "timerfd_settime: %s",
                   g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

static void
schedule_digest (TendNotifier *self)
{
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GError) error = NULL;
  TendWorkHours hours;
  gint64        now, when;

  clear_timer (self);
  if (!self->enabled || self->computing != NULL)
    return;

  if (!tend_work_hours_load (&hours, &error))
    {
      g_debug ("Working hours unreadable, using the default: %s", error->message);
      tend_work_hours_init_default (&hours);
      g_clear_error (&error);
    }
  tz = tend_settings_get_time_zone ();
  now = get_now (self);
  when = tend_notifier_next_digest_time (now, tz, &hours,
                                         self->shown_week.year != 0 ? &self->shown_week : NULL);

  if (when <= now)
    {
      self->timer = g_idle_source_new ();
      g_source_set_callback (self->timer, digest_idle_cb, self, NULL);
    }
  else
    {
      /* With a clock of its own (tests), the same distance from the real one. */
      self->timer_fd
          = wall_clock_timer_new (g_get_real_time () / G_USEC_PER_SEC + (when - now), &error);
      if (self->timer_fd < 0)
        {
          g_warning ("No weekly digest: %s", error->message);
          return;
        }
      self->timer = g_unix_fd_source_new (self->timer_fd, G_IO_IN);
      g_source_set_callback (self->timer, G_SOURCE_FUNC (digest_timer_cb), self, NULL);
    }
  g_source_attach (self->timer, NULL);
}

static void
settings_changed_cb (GSettings *settings, const char *key, TendNotifier *self)
{
  if (g_str_equal (key, "working-hours") || g_str_equal (key, "time-zone"))
    schedule_digest (self);
}

static void
tend_notifier_dispose (GObject *object)
{
  TendNotifier *self = TEND_NOTIFIER (object);

  tend_notifier_set_enabled (self, FALSE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tend_notifier_parent_class)->dispose (object);
}

static void
tend_notifier_finalize (GObject *object)
{
  TendNotifier *self = TEND_NOTIFIER (object);

  g_hash_table_unref (self->shown);

  G_OBJECT_CLASS (tend_notifier_parent_class)->finalize (object);
}

static void
tend_notifier_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TendNotifier *self = TEND_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      self->application = g_value_get_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_notifier_class_init (TendNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_notifier_dispose;
  object_class->finalize = tend_notifier_finalize;
  object_class->set_property = tend_notifier_set_property;

  properties[PROP_APPLICATION]
      = g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_notifier_init (TendNotifier *self)
{
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->timer_fd = -1;

  self->settings = tend_settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                               0);
    }
}

TendNotifier *
tend_notifier_new (GApplication *application)
{
  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  return g_object_new (TEND_TYPE_NOTIFIER, "application", application, NULL);
}

void
tend_notifier_sign_in_expired (TendNotifier *self, const char *provider_id, const char *account)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (TEND_IS_NOTIFIER (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (account != NULL);

  /* TRANSLATORS: %s is an account, e.g. "alex@example.com" */
  title = g_strdup_printf (_ ("Sign in again to %s"), account);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _ ("Tend cannot update your figures from this account "
                                            "until you sign in again."));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app.open");
  g_notification_add_button_with_target (notification, _ ("Sign in"), "app.connect", "s",
                                         provider_id);
  /* One per provider: a newer expiry replaces the older. */
  id = g_strconcat ("sign-in-", provider_id, NULL);
  send (self, id, notification);
}

void
tend_notifier_first_sync (TendNotifier *self, const char *account, guint messages, guint events)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *n_messages = NULL;
  g_autofree char *n_events = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (TEND_IS_NOTIFIER (self));
  g_return_if_fail (account != NULL);

  n_messages = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages", messages), messages);
  n_events
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", events), events);
  /* TRANSLATORS: "Tend has read 1 200 messages and 85 events from alex@example.com." */
  body = g_strdup_printf (_ ("Tend has read %s and %s from %s."), n_messages, n_events, account);

  notification = g_notification_new (_ ("Your first sync is done"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.open");
  id = g_strconcat ("first-sync-", account, NULL);
  send (self, id, notification);
}

void
tend_notifier_invite_opt_in (TendNotifier *self)
{
  g_autoptr (GNotification) notification = NULL;

  g_return_if_fail (TEND_IS_NOTIFIER (self));

  notification = g_notification_new (_ ("Tend is ready when you are"));
  g_notification_set_body (
      notification,
      _ ("If you opt in, Tend reads the mail, calendar and chat of the accounts you connect, to "
         "show you how your own weeks go. It keeps what it reads on this computer and sends "
         "nothing anywhere."));
  /* No default action: only the button opts in, so a stray click on the banner cannot. */
  g_notification_add_button (notification, _ ("Opt in"), "app.confirm-opt-in");
  send (self, INVITE_ID, notification);
}

void
tend_notifier_set_enabled (TendNotifier *self, gboolean enabled)
{
  g_return_if_fail (TEND_IS_NOTIFIER (self));

  if (self->computing != NULL)
    {
      g_cancellable_cancel (self->computing);
      g_clear_object (&self->computing);
    }
  self->enabled = enabled;
  if (!enabled)
    self->shown_week.year = 0;
  schedule_digest (self);
}

void
tend_notifier_withdraw_all (TendNotifier *self)
{
  GHashTableIter iter;
  const char    *id;

  g_return_if_fail (TEND_IS_NOTIFIER (self));

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_application_withdraw_notification (self->application, id);
  g_hash_table_remove_all (self->shown);
}

void
tend_notifier_set_now (TendNotifier *self, gint64 unix_time)
{
  g_return_if_fail (TEND_IS_NOTIFIER (self));

  self->now = unix_time;
  schedule_digest (self);
}
