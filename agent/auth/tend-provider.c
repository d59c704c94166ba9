/* tend-provider.c: a sign-in provider, from a profile shipped with Tend and the org's settings
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-auth"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "tend-auth-resources.h"
#include "tend-provider.h"

#define PROFILE_PREFIX "/dev/tend/auth/providers/"
#define PROFILE_SUFFIX ".provider"
#define PROFILE_GROUP "Tend Provider"

struct _TendProvider
{
  GObject parent_instance;

  char           *id;
  char           *name;
  char           *issuer;
  char           *client_id;
  char           *client_secret;
  GStrv           scopes;
  GStrv           authorization_parameters;
  gboolean        device_flow;
  gboolean        revocation;
  TendProviderApi api;
  char           *api_url;
};

G_DEFINE_FINAL_TYPE (TendProvider, tend_provider, G_TYPE_OBJECT)

G_DEFINE_QUARK (tend - provider - error - quark, tend_provider_error)

static void
tend_provider_finalize (GObject *object)
{
  TendProvider *self = TEND_PROVIDER (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->issuer);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_strfreev (self->scopes);
  g_strfreev (self->authorization_parameters);
  g_free (self->api_url);

  G_OBJECT_CLASS (tend_provider_parent_class)->finalize (object);
}

static void
tend_provider_class_init (TendProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_provider_finalize;
}

static void
tend_provider_init (TendProvider *self)
{
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/**
 * tend_provider_list_ids:
 *
 * Returns: (transfer full): the ids of the shipped profiles, sorted
 */
char **
tend_provider_list_ids (void)
{
  g_auto (GStrv) names = g_resource_enumerate_children (tend_auth_get_resource (), PROFILE_PREFIX,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GPtrArray *ids = g_ptr_array_new ();

  for (gsize i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], PROFILE_SUFFIX))
      g_ptr_array_add (ids, g_strndup (names[i], strlen (names[i]) - strlen (PROFILE_SUFFIX)));

  qsort (ids->pdata, ids->len, sizeof (char *), compare_strings);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* Microsoft's tenant goes into the issuer URL, so it must be a tenant id, a domain name or one
 * of the identity platform's keywords, and nothing that could change the URL's meaning. */
static gboolean
is_valid_tenant (const char *tenant)
{
  if (*tenant == '\0')
    return FALSE;
  for (const char *p = tenant; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* OpenID Connect requires https issuers, and tokens go to an API over https only; plain http is
 * accepted only on loopback, where a provider or API for development or tests runs and nothing
 * crosses the network. */
static gboolean
is_acceptable_url (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_str_equal (g_uri_get_scheme (uri), "https"))
    return TRUE;
  host = g_uri_get_host (uri);
  return g_str_equal (g_uri_get_scheme (uri), "http")
         && (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1")
             || g_str_equal (host, "localhost"));
}

static gboolean
resolve_issuer (TendProvider *self, GKeyFile *profile, TendOrgConfig *config, GError **error)
{
  g_autofree char *issuer = g_key_file_get_string (profile, PROFILE_GROUP, "Issuer", NULL);
  g_autofree char *default_tenant = NULL;
  g_auto (GStrv) parts = NULL;
  const char *tenant;

  if (issuer == NULL)
    {
      /* A generic profile: the organization names its provider. */
      const char *configured = tend_org_config_get (config, self->id, "issuer");

      if (configured == NULL)
        {
          g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED,
                       _ ("No issuer is configured for “%s”: the administrator sets it as “issuer” "
                          "in the [%s] group of %s"),
                       self->name, self->id, TEND_ORG_CONFIG_SYSTEM_PATH);
          return FALSE;
        }
      if (!is_acceptable_url (configured))
        {
          g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG,
                       _ ("The issuer configured for “%s” must be an https:// address (or http:// "
                          "on this computer), not “%s”"),
                       self->name, configured);
          return FALSE;
        }
      self->issuer = g_strdup (configured);
      return TRUE;
    }

  if (strstr (issuer, "{tenant}") == NULL)
    {
      self->issuer = g_steal_pointer (&issuer);
      return TRUE;
    }

  default_tenant = g_key_file_get_string (profile, PROFILE_GROUP, "DefaultTenant", NULL);
  tenant = tend_org_config_get (config, self->id, "tenant");
  if (tenant == NULL)
    tenant = default_tenant;
  if (tenant == NULL || !is_valid_tenant (tenant))
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG,
                   _ ("The tenant configured for “%s” is not a tenant id or domain name: “%s”"),
                   self->name, tenant != NULL ? tenant : "");
      return FALSE;
    }
  parts = g_strsplit (issuer, "{tenant}", -1);
  self->issuer = g_strjoinv (tenant, parts);
  return TRUE;
}

static const struct
{
  const char     *name;
  TendProviderApi api;
} api_names[] = {
  { "none", TEND_PROVIDER_API_NONE },
  { "microsoft-graph", TEND_PROVIDER_API_MICROSOFT_GRAPH },
  { "google", TEND_PROVIDER_API_GOOGLE },
};

/* The profile names the API; the generic profile lets the organization name one instead, for
 * a gateway that speaks it. The org config knows "api" and "api-url" for [oidc] only. */
static gboolean
resolve_api (TendProvider *self, GKeyFile *profile, TendOrgConfig *config, GError **error)
{
  g_autofree char *profile_api = g_key_file_get_string (profile, PROFILE_GROUP, "Api", NULL);
  g_autofree char *profile_url = g_key_file_get_string (profile, PROFILE_GROUP, "ApiUrl", NULL);
  const char      *api = tend_org_config_get (config, self->id, "api");
  const char      *url = tend_org_config_get (config, self->id, "api-url");
  gboolean         found = FALSE;

  if (api == NULL)
    api = profile_api;
  if (url == NULL)
    url = profile_url;
  if (api == NULL)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_PROFILE,
                   _ ("The profile of the sign-in provider “%s” names no API"), self->id);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (api_names); i++)
    if (g_str_equal (api, api_names[i].name))
      {
        self->api = api_names[i].api;
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG,
                   _ ("The API configured for “%s” must be “microsoft-graph”, “google” or "
                      "“none”, not “%s”"),
                   self->name, api);
      return FALSE;
    }
  /* Without an API there is nothing to send a token to, so any URL is left unused. */
  if (self->api == TEND_PROVIDER_API_NONE)
    return TRUE;
  if (url == NULL)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED,
                   _ ("No API address is configured for “%s”: the administrator sets it as "
                      "“api-url” in the [%s] group of %s"),
                   self->name, self->id, TEND_ORG_CONFIG_SYSTEM_PATH);
      return FALSE;
    }
  if (!is_acceptable_url (url))
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG,
                   _ ("The API address configured for “%s” must be an https:// address (or "
                      "http:// on this computer), not “%s”"),
                   self->name, url);
      return FALSE;
    }
  /* Sources append paths that start with a slash. */
  self->api_url = g_strdup (url);
  while (g_str_has_suffix (self->api_url, "/"))
    self->api_url[strlen (self->api_url) - 1] = '\0';
  return TRUE;
}

/* The parameters the sign-in sets itself, which a profile must not repeat or change. */
static const char *const reserved_parameters[] = {
  "response_type", "client_id",      "redirect_uri",          "scope",         "state",
  "nonce",         "code_challenge", "code_challenge_method", "client_secret", NULL,
};

/* Extra parameters of the authorization request, such as Google's access_type=offline: each a
 * name=value pair, the name not one the sign-in sets itself. */
static gboolean
read_authorization_parameters (TendProvider *self, GKeyFile *profile, GError **error)
{
  g_auto (GStrv) parameters
      = g_key_file_get_string_list (profile, PROFILE_GROUP, "AuthorizationParameters", NULL, NULL);

  if (parameters == NULL)
    parameters = g_new0 (char *, 1);
  for (gsize i = 0; parameters[i] != NULL; i++)
    {
      const char      *equals = strchr (parameters[i], '=');
      g_autofree char *name = NULL;

      if (equals != NULL)
        name = g_strndup (parameters[i], (gsize) (equals - parameters[i]));
      if (name == NULL || *name == '\0' || g_strv_contains (reserved_parameters, name))
        {
          g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_PROFILE,
                       _ ("The profile of the sign-in provider “%s” has an authorization "
                          "parameter Tend cannot send: “%s”"),
                       self->id, parameters[i]);
          return FALSE;
        }
    }
  self->authorization_parameters = g_steal_pointer (&parameters);
  return TRUE;
}

/**
 * tend_provider_new:
 * @id: a profile id, as listed by tend_provider_list_ids()
 * @config: the organization's settings, with the user's overrides
 * @error: return location for an error
 *
 * Fails with %TEND_PROVIDER_ERROR_NOT_CONFIGURED, naming the setting and the file, when the
 * organization has not registered Tend with the provider: Tend ships no client ids.
 *
 * Returns: (transfer full) (nullable): the provider, or %NULL with @error set
 */
TendProvider *
tend_provider_new (const char *id, TendOrgConfig *config, GError **error)
{
  g_autoptr (TendProvider) self = NULL;
  g_autoptr (GKeyFile) profile = g_key_file_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  const char      *client_id;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (TEND_IS_ORG_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = g_strconcat (PROFILE_PREFIX, id, PROFILE_SUFFIX, NULL);
  if (strchr (id, '/') == NULL)
    bytes = g_resource_lookup_data (tend_auth_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                    NULL);
  if (bytes == NULL)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_UNKNOWN,
                   _ ("There is no sign-in provider called “%s”"), id);
      return NULL;
    }

  self = g_object_new (TEND_TYPE_PROVIDER, NULL);
  self->id = g_strdup (id);
  if (!g_key_file_load_from_bytes (profile, bytes, G_KEY_FILE_NONE, &local_error)
      || (name = g_key_file_get_string (profile, PROFILE_GROUP, "Name", &local_error)) == NULL
      || (self->scopes
          = g_key_file_get_string_list (profile, PROFILE_GROUP, "Scopes", NULL, &local_error))
             == NULL)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_PROFILE,
                   _ ("The profile of the sign-in provider “%s” is damaged: %s"), id,
                   local_error->message);
      return NULL;
    }
  /* Provider names are mostly brands; a translation is used where one exists. */
  self->name = g_strdup (g_dgettext (GETTEXT_PACKAGE, name));
  self->device_flow = g_key_file_get_boolean (profile, PROFILE_GROUP, "DeviceFlow", NULL);
  self->revocation = g_key_file_get_boolean (profile, PROFILE_GROUP, "Revocation", NULL);

  if (!read_authorization_parameters (self, profile, error))
    return NULL;
  if (!resolve_issuer (self, profile, config, error))
    return NULL;
  if (!resolve_api (self, profile, config, error))
    return NULL;

  client_id = tend_org_config_get (config, id, "client-id");
  if (client_id == NULL)
    {
      g_set_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED,
                   _ ("Sign-in with %s is not configured: the administrator sets the application’s "
                      "“client-id” in the [%s] group of %s"),
                   self->name, id, TEND_ORG_CONFIG_SYSTEM_PATH);
      return NULL;
    }
  self->client_id = g_strdup (client_id);
  /* The configuration knows a secret for Google's "Desktop app" clients only; every other
   * provider signs in as a public client with PKCE alone. */
  self->client_secret = g_strdup (tend_org_config_get (config, id, "client-secret"));

  return g_steal_pointer (&self);
}

const char *
tend_provider_get_id (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->id;
}

/* The name to show to people, translated. */
const char *
tend_provider_get_name (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->name;
}

/* The OpenID issuer, with Microsoft's tenant filled in; discovery starts from it. */
const char *
tend_provider_get_issuer (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->issuer;
}

const char *
tend_provider_get_client_id (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->client_id;
}

/* The client secret to send to the token and revocation endpoints, or %NULL for a public
 * client. Google gives its installed-app clients one and does not treat it as confidential, yet
 * it is never shown nor logged. */
const char *
tend_provider_get_client_secret (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->client_secret;
}

const char *const *
tend_provider_get_scopes (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return (const char *const *) self->scopes;
}

/* The scopes as the authorization request's space-separated `scope` parameter. */
char *
tend_provider_dup_scope_string (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return g_strjoinv (" ", self->scopes);
}

/* The profile's extra authorization request parameters, each `name=value`; empty, never %NULL,
 * when it has none. */
const char *const *
tend_provider_get_authorization_parameters (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return (const char *const *) self->authorization_parameters;
}

/* Whether `tendctl connect --device` (RFC 8628) is offered for this provider. */
gboolean
tend_provider_get_device_flow (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), FALSE);
  return self->device_flow;
}

/* Whether tokens are revoked at the provider (RFC 7009) on disconnect and opt-out. */
gboolean
tend_provider_get_revocation (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), FALSE);
  return self->revocation;
}

/* Which API the tokens open: the sync sources an account of this provider gets. */
TendProviderApi
tend_provider_get_api (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), TEND_PROVIDER_API_NONE);
  return self->api;
}

/* The API's base URL without a trailing slash, such as https://graph.microsoft.com/v1.0; %NULL
 * when the provider opens no API. */
const char *
tend_provider_get_api_url (TendProvider *self)
{
  g_return_val_if_fail (TEND_IS_PROVIDER (self), NULL);
  return self->api_url;
}
