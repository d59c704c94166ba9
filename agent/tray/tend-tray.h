/* tend-tray.h: the agent's tray icon: org.kde.StatusNotifierItem with a com.canonical.dbusmenu menu
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TEND_TRAY_STATE_NOT_OPTED_IN,
  TEND_TRAY_STATE_SYNCING,
  TEND_TRAY_STATE_UP_TO_DATE,
  TEND_TRAY_STATE_PAUSED,
  TEND_TRAY_STATE_NEEDS_ATTENTION,
} TendTrayState;

#define TEND_TYPE_TRAY (tend_tray_get_type ())

G_DECLARE_FINAL_TYPE (TendTray, tend_tray, TEND, TRAY, GObject)

/* The menu activates @application's actions: "open", "opt-in", "pause" (boolean state),
 * "sync-now" and "quit"; an item shows while its action exists and is enabled. A left click
 * activates "open". @application is borrowed: it must outlive the tray.
 *
 * tend_tray_export() serves org.kde.StatusNotifierItem at /StatusNotifierItem on @connection,
 * owns org.kde.StatusNotifierItem-PID-1 there and registers with every
 * org.kde.StatusNotifierWatcher that appears; the menu (com.canonical.dbusmenu, by
 * libdbusmenu-glib) is served on the session bus, so @connection should be the session bus.
 * @detail, when not NULL, is the tooltip's text (e.g. sync progress); else the state's own. */
TendTray *tend_tray_new         (GApplication *application);
gboolean  tend_tray_export      (TendTray *self, GDBusConnection *connection, GError **error);
void      tend_tray_unexport    (TendTray *self);
void      tend_tray_set_state   (TendTray *self, TendTrayState state, const char *detail);

G_END_DECLS
