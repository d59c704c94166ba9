/* tend-org-config.c: the organization's settings in /etc/tend/org.conf, with a user's overrides
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-auth"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-org-config.h"

/* Only these keys are read. Anything else is ignored: in particular nothing in either file can
 * give or imply consent to share (DESIGN.md invariant 4), because no such key exists. */
typedef struct
{
  const char *group;
  const char *key;
  gboolean    user_may_override;
} KnownKey;

static const KnownKey known_keys[] = {
  { "microsoft", "client-id", TRUE },
  { "microsoft", "tenant", TRUE },
  { "google", "client-id", TRUE },
  /* Google's token endpoint wants the secret of a "Desktop app" client, which it does not
   * treat as confidential: a user may bring their own client, secret included. */
  { "google", "client-secret", TRUE },
  { "oidc", "issuer", TRUE },
  { "oidc", "client-id", TRUE },
  /* For an organization whose gateway speaks Graph's or Google's API, and for Tend's tests. */
  { "oidc", "api", TRUE },
  { "oidc", "api-url", TRUE },
  /* Where aggregates would go, and who receives them, is the organization's choice, not the
   * user's: consent names both (tend-agent.c). */
  { "collector", "url", FALSE },
  { "collector", "organization", FALSE },
};

struct _TendOrgConfig
{
  GObject parent_instance;

  GHashTable *values; /* "group/key" → value */
};

G_DEFINE_FINAL_TYPE (TendOrgConfig, tend_org_config, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend - org - config - error - quark, tend_org_config_error)

static void
tend_org_config_finalize (GObject *object)
{
  TendOrgConfig *self = TEND_ORG_CONFIG (object);

  g_hash_table_unref (self->values);

  G_OBJECT_CLASS (tend_org_config_parent_class)->finalize (object);
}

static void
tend_org_config_class_init (TendOrgConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_org_config_finalize;
}

static void
tend_org_config_init (TendOrgConfig *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static const KnownKey *
find_known_key (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_str_equal (known_keys[i].group, group) && g_str_equal (known_keys[i].key, key))
      return &known_keys[i];
  return NULL;
}

/* Reads @path into @self; later files override earlier ones key by key. A file that does not
 * exist is no error: most machines have neither. */
static gboolean
merge_file (TendOrgConfig *self, const char *path, gboolean is_user, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) groups = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, TEND_ORG_CONFIG_ERROR, TEND_ORG_CONFIG_ERROR_INVALID,
                   _ ("Cannot read the configuration file “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (file, NULL);
  for (gsize g = 0; groups[g] != NULL; g++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);

      for (gsize k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          const KnownKey  *known = find_known_key (groups[g], keys[k]);
          g_autofree char *value = NULL;

          if (known == NULL || (is_user && !known->user_may_override))
            {
              g_debug ("%s: ignoring [%s] %s, which Tend does not read from this file", path,
                       groups[g], keys[k]);
              continue;
            }

          value = g_key_file_get_string (file, groups[g], keys[k], &local_error);
          if (value == NULL)
            {
              g_set_error (error, TEND_ORG_CONFIG_ERROR, TEND_ORG_CONFIG_ERROR_INVALID,
                           _ ("Cannot read [%s] %s in “%s”: %s"), groups[g], keys[k], path,
                           local_error->message);
              return FALSE;
            }
          /* An empty value is a placeholder, as in the shipped example: it sets nothing. */
          if (*g_strstrip (value) == '\0')
            continue;
          g_hash_table_replace (self->values, g_strconcat (groups[g], "/", keys[k], NULL),
                                g_steal_pointer (&value));
        }
    }
  return TRUE;
}

/**
 * tend_org_config_new_from_files:
 * @org_path: (nullable): the organization's file
 * @user_path: (nullable): the user's file, whose values win key by key
 * @error: return location for an error
 *
 * Missing files are treated as empty; unreadable or malformed ones are an error.
 */
TendOrgConfig *
tend_org_config_new_from_files (const char *org_path, const char *user_path, GError **error)
{
  g_autoptr (TendOrgConfig) self = g_object_new (TEND_TYPE_ORG_CONFIG, NULL);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (org_path != NULL && !merge_file (self, org_path, FALSE, error))
    return NULL;
  if (user_path != NULL && !merge_file (self, user_path, TRUE, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * tend_org_config_new_default:
 * @error: return location for an error
 *
 * Reads `/etc/tend/org.conf` (or the file `$TEND_ORG_CONF` names), then
 * `$XDG_CONFIG_HOME/tend/tend.conf`.
 */
TendOrgConfig *
tend_org_config_new_default (GError **error)
{
  g_autofree char *user_path
      = g_build_filename (g_get_user_config_dir (), "tend", "tend.conf", NULL);
  const char *org_path = g_getenv ("TEND_ORG_CONF");

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* For packagers and tests: it only says where the organization's file is. Nothing in that
   * file can switch sharing on, and consent names the organization and collector it shows. */
  if (org_path == NULL || *org_path == '\0')
    org_path = TEND_ORG_CONFIG_SYSTEM_PATH;
  return tend_org_config_new_from_files (org_path, user_path, error);
}

/**
 * tend_org_config_get:
 * @self: a #TendOrgConfig
 * @group: the group, which is a provider id or `collector`
 * @key: the key
 *
 * Returns: (nullable): the value, or %NULL when neither file sets it to something non-empty
 */
const char *
tend_org_config_get (TendOrgConfig *self, const char *group, const char *key)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (TEND_IS_ORG_CONFIG (self), NULL);
  g_return_val_if_fail (group != NULL && key != NULL, NULL);

  name = g_strconcat (group, "/", key, NULL);
  return g_hash_table_lookup (self->values, name);
}

/**
 * tend_org_config_get_collector_url:
 * @self: a #TendOrgConfig
 *
 * Where the organization's collector is. Knowing it sends nothing: only a person's explicit
 * consent, given in Tend itself, ever does.
 *
 * Returns: (nullable): the URL, or %NULL when the organization runs no collector
 */
const char *
tend_org_config_get_collector_url (TendOrgConfig *self)
{
  g_return_val_if_fail (TEND_IS_ORG_CONFIG (self), NULL);

  return tend_org_config_get (self, "collector", "url");
}

/**
 * tend_org_config_get_organization:
 * @self: a #TendOrgConfig
 *
 * The name the organization gives itself, shown beside the collector when a person is asked
 * whether to share. Only the organization's file sets it.
 *
 * Returns: (nullable): the name, or %NULL when the organization gave none
 */
const char *
tend_org_config_get_organization (TendOrgConfig *self)
{
  g_return_val_if_fail (TEND_IS_ORG_CONFIG (self), NULL);

  return tend_org_config_get (self, "collector", "organization");
}
