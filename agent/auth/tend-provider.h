/* tend-provider.h: a sign-in provider, from a profile shipped with Tend and the org's settings
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-org-config.h"

G_BEGIN_DECLS

#define TEND_PROVIDER_ERROR (tend_provider_error_quark ())

/**
 * TendProviderError:
 * @TEND_PROVIDER_ERROR_UNKNOWN: no profile has that id
 * @TEND_PROVIDER_ERROR_INVALID_PROFILE: the shipped profile is malformed
 * @TEND_PROVIDER_ERROR_NOT_CONFIGURED: the administrator has not set a required value
 * @TEND_PROVIDER_ERROR_INVALID_CONFIG: a configured value cannot be used
 */
typedef enum
{
  TEND_PROVIDER_ERROR_UNKNOWN,
  TEND_PROVIDER_ERROR_INVALID_PROFILE,
  TEND_PROVIDER_ERROR_NOT_CONFIGURED,
  TEND_PROVIDER_ERROR_INVALID_CONFIG,
} TendProviderError;

/**
 * TendProviderApi:
 * @TEND_PROVIDER_API_NONE: sign-in only: no API Tend can sync from
 * @TEND_PROVIDER_API_MICROSOFT_GRAPH: Microsoft Graph (mail, calendar, chats)
 * @TEND_PROVIDER_API_GOOGLE: Google's Gmail and Calendar APIs
 *
 * Which API the provider's tokens open, and so which sync sources an account gets.
 */
typedef enum
{
  TEND_PROVIDER_API_NONE,
  TEND_PROVIDER_API_MICROSOFT_GRAPH,
  TEND_PROVIDER_API_GOOGLE,
} TendProviderApi;

#define TEND_TYPE_PROVIDER (tend_provider_get_type ())
G_DECLARE_FINAL_TYPE (TendProvider, tend_provider, TEND, PROVIDER, GObject)

GQuark              tend_provider_error_quark                  (void);

char              **tend_provider_list_ids                     (void);
TendProvider       *tend_provider_new                          (const char     *id,
                                                                TendOrgConfig  *config,
                                                                GError        **error);

const char         *tend_provider_get_id                       (TendProvider   *self);
const char         *tend_provider_get_name                     (TendProvider   *self);
const char         *tend_provider_get_issuer                   (TendProvider   *self);
const char         *tend_provider_get_client_id                (TendProvider   *self);
const char         *tend_provider_get_client_secret            (TendProvider   *self);
const char * const *tend_provider_get_scopes                   (TendProvider   *self);
char               *tend_provider_dup_scope_string             (TendProvider   *self);
const char * const *tend_provider_get_authorization_parameters (TendProvider   *self);
gboolean            tend_provider_get_device_flow              (TendProvider   *self);
gboolean            tend_provider_get_revocation               (TendProvider   *self);
TendProviderApi     tend_provider_get_api                      (TendProvider   *self);
const char         *tend_provider_get_api_url                  (TendProvider   *self);

G_END_DECLS
