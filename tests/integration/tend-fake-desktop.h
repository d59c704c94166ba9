/* tend-fake-desktop.h: the desktop side of the tray and notifications, for tests
 *
 * A StatusNotifierWatcher and a notification server, each on a connection of its own to the
 * (private) session bus, as a panel and a notification daemon would be.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterates the default main context until @cond holds; fails the test after 20 s. */
#define TEND_WAIT_UNTIL(cond)                                                                    \
  G_STMT_START                                                                                   \
  {                                                                                              \
    gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;                            \
    guint  _tick = g_timeout_add (50, tend_fake_tick_cb, NULL);                                  \
    while (!(cond))                                                                              \
      {                                                                                          \
        if (g_get_monotonic_time () > _deadline)                                                 \
          g_error ("Timed out waiting for %s", #cond);                                           \
        g_main_context_iteration (NULL, TRUE);                                                   \
      }                                                                                          \
    g_source_remove (_tick);                                                                     \
  }                                                                                              \
  G_STMT_END

gboolean tend_fake_tick_cb (gpointer user_data);

typedef struct
{
  GDBusConnection *connection;
  guint            owner_id;
  guint            registration_id;
  gboolean         owned;
  GPtrArray       *services; /* what each RegisterStatusNotifierItem named */
} TendFakeWatcher;

/* Owns org.kde.StatusNotifierWatcher and returns once it does. */
TendFakeWatcher *tend_fake_watcher_new  (void);
/* Releases the name and returns once the bus says it has. */
void             tend_fake_watcher_free (TendFakeWatcher *self);

typedef struct
{
  guint32  id;
  char    *app_name;
  guint32  replaces_id;
  char    *summary;
  char    *body;
  GStrv    actions; /* key, label, key, label, … */
  GVariant *hints;
} TendFakeNote;

typedef struct
{
  GDBusConnection *connection;
  guint            owner_id;
  guint            registration_id;
  gboolean         owned;
  guint32          next_id;
  GPtrArray       *notes;  /* TendFakeNote, in the order received */
  GArray          *closed; /* guint32: the ids CloseNotification named */
} TendFakeNotifications;

/* Owns org.freedesktop.Notifications and returns once it does. */
TendFakeNotifications *tend_fake_notifications_new    (void);
void                   tend_fake_notifications_free   (TendFakeNotifications *self);
/* What a click on a button (or "default" for the banner) of notification @id sends. */
void                   tend_fake_notifications_invoke (TendFakeNotifications *self, guint32 id,
                                                       const char *action);
/* The label of @key among @note's actions, or NULL. */
const char            *tend_fake_note_get_action      (const TendFakeNote *note, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendFakeWatcher, tend_fake_watcher_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendFakeNotifications, tend_fake_notifications_free)

G_END_DECLS
