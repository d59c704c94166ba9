/* tend-google-source.h: Google: Gmail and Google Calendar
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include "tend-api-client.h"
#include "tend-sync-source.h"

G_BEGIN_DECLS

#define TEND_TYPE_GOOGLE_SOURCE (tend_google_source_get_type ())

G_DECLARE_FINAL_TYPE (TendGoogleSource, tend_google_source, TEND, GOOGLE_SOURCE, GObject)

/* @base_url is "https://www.googleapis.com" in production: Gmail under /gmail/v1, the
 * calendar under /calendar/v3. */
TendGoogleSource *tend_google_source_new           (TendApiClient *client, const char *base_url);
void              tend_google_source_set_page_size (TendGoogleSource *self, guint page_size);

G_END_DECLS
