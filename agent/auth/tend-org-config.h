/* tend-org-config.h: the organization's settings in /etc/tend/org.conf, with a user's overrides
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEND_ORG_CONFIG_ERROR (tend_org_config_error_quark ())

/**
 * TendOrgConfigError:
 * @TEND_ORG_CONFIG_ERROR_INVALID: a configuration file could not be parsed
 */
typedef enum
{
  TEND_ORG_CONFIG_ERROR_INVALID,
} TendOrgConfigError;

#define TEND_ORG_CONFIG_SYSTEM_PATH "/etc/tend/org.conf"

#define TEND_TYPE_ORG_CONFIG (tend_org_config_get_type ())
G_DECLARE_FINAL_TYPE (TendOrgConfig, tend_org_config, TEND, ORG_CONFIG, GObject)

GQuark         tend_org_config_error_quark       (void);

TendOrgConfig *tend_org_config_new_from_files    (const char     *org_path,
                                                  const char     *user_path,
                                                  GError        **error);
TendOrgConfig *tend_org_config_new_default       (GError        **error);

const char    *tend_org_config_get               (TendOrgConfig  *self,
                                                  const char     *group,
                                                  const char     *key);
const char    *tend_org_config_get_collector_url (TendOrgConfig  *self);
const char    *tend_org_config_get_organization  (TendOrgConfig  *self);

G_END_DECLS
