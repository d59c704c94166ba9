/* tend-demo.h: a synthetic history to try Tend with and to measure it on
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tend-store.h"

G_BEGIN_DECLS

/* The provider of the one account that demo data is filed under. */
#define TEND_DEMO_PROVIDER "demo"
/* Whose history the demo tells; every address of the demo is in an .invalid domain. */
#define TEND_DEMO_ME_ADDRESS "alex@demo.tend.invalid"

gboolean tend_demo_generate        (TendStore *store, guint32 seed, guint weeks, GDateTime *now,
                                    GTimeZone *tz, GError **error);
gboolean tend_demo_generate_bulk   (TendStore *store, guint32 seed, guint weeks, guint n_messages,
                                    guint n_events, guint n_people, GDateTime *now, GTimeZone *tz,
                                    GError **error);
/* Whether @store may be replaced by a demo: it holds demo data or nothing. */
gboolean tend_demo_is_demo_store   (TendStore *store, gboolean *is_demo, GError **error);
/* Whether some of @store's figures are invented: it holds the demo's account. */
gboolean tend_demo_holds_demo_data (TendStore *store, gboolean *holds, GError **error);

G_END_DECLS
