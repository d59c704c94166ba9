/* test-provider.c: provider profiles and the organization's configuration
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-test"

#include "config.h"

#include <glib/gstdio.h>

#include "tend-provider.h"

typedef struct
{
  char *dir;
  char *org_path;
  char *user_path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("tend-provider-XXXXXX", &error);
  g_assert_no_error (error);
  f->org_path = g_build_filename (f->dir, "org.conf", NULL);
  f->user_path = g_build_filename (f->dir, "tend.conf", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_unlink (f->org_path);
  g_unlink (f->user_path);
  g_rmdir (f->dir);
  g_free (f->org_path);
  g_free (f->user_path);
  g_free (f->dir);
}

static void
write_file (const char *path, const char *contents)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static TendOrgConfig *
load_config (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  TendOrgConfig *config = tend_org_config_new_from_files (f->org_path, f->user_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static TendProvider *
load_provider (const char *id, TendOrgConfig *config)
{
  g_autoptr (GError) error = NULL;
  TendProvider *provider = tend_provider_new (id, config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (provider);
  return provider;
}

static const char org_all[] = "[microsoft]\n"
                              "client-id=11111111-2222-3333-4444-555555555555\n"
                              "[google]\n"
                              "client-id=example.apps.googleusercontent.com\n"
                              "[oidc]\n"
                              "issuer=https://id.example.org/realms/staff\n"
                              "client-id=tend\n";

/* The three shipped profiles load, with the scopes the sources need. */
static void
test_profiles (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) ids = tend_provider_list_ids ();
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) microsoft = NULL;
  g_autoptr (TendProvider) google = NULL;
  g_autoptr (TendProvider) oidc = NULL;
  g_autofree char  *scope = NULL;
  const char *const expected_ids[] = { "google", "microsoft", "oidc", NULL };

  g_assert_cmpstrv (ids, expected_ids);

  write_file (f->org_path, org_all);
  config = load_config (f);

  microsoft = load_provider ("microsoft", config);
  g_assert_cmpstr (tend_provider_get_id (microsoft), ==, "microsoft");
  g_assert_cmpstr (tend_provider_get_name (microsoft), ==, "Microsoft 365");
  g_assert_cmpstr (tend_provider_get_client_id (microsoft), ==,
                   "11111111-2222-3333-4444-555555555555");
  g_assert_true (g_strv_contains (tend_provider_get_scopes (microsoft), "offline_access"));
  g_assert_true (g_strv_contains (tend_provider_get_scopes (microsoft),
                                  "https://graph.microsoft.com/Mail.Read"));
  g_assert_true (g_strv_contains (tend_provider_get_scopes (microsoft),
                                  "https://graph.microsoft.com/Calendars.Read"));
  g_assert_true (g_strv_contains (tend_provider_get_scopes (microsoft),
                                  "https://graph.microsoft.com/Chat.Read"));
  g_assert_true (tend_provider_get_device_flow (microsoft));
  g_assert_false (tend_provider_get_revocation (microsoft));

  google = load_provider ("google", config);
  g_assert_cmpstr (tend_provider_get_issuer (google), ==, "https://accounts.google.com");
  /* openid, email, profile, then Gmail and Calendar, read-only, space-separated. */
  scope = tend_provider_dup_scope_string (google);
  g_assert_cmpstr (scope, ==,
                   "openid email profile https://www.googleapis.com/auth/gmail.readonly "
                   "https://www.googleapis.com/auth/calendar.readonly");
  g_assert_false (tend_provider_get_device_flow (google));
  g_assert_true (tend_provider_get_revocation (google));

  oidc = load_provider ("oidc", config);
  g_assert_cmpstr (tend_provider_get_issuer (oidc), ==, "https://id.example.org/realms/staff");
  g_assert_cmpstr (tend_provider_get_client_id (oidc), ==, "tend");
}

/* {tenant} in the issuer: "organizations" by default, the configured one otherwise. */
static void
test_tenant (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (GError) error = NULL;

  write_file (f->org_path, "[microsoft]\nclient-id=abc\n");
  config = load_config (f);
  provider = load_provider ("microsoft", config);
  g_assert_cmpstr (tend_provider_get_issuer (provider), ==,
                   "https://login.microsoftonline.com/organizations/v2.0");
  g_clear_object (&provider);
  g_clear_object (&config);

  write_file (f->org_path, "[microsoft]\nclient-id=abc\ntenant=contoso.onmicrosoft.com\n");
  config = load_config (f);
  provider = load_provider ("microsoft", config);
  g_assert_cmpstr (tend_provider_get_issuer (provider), ==,
                   "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0");
  g_clear_object (&provider);
  g_clear_object (&config);

  /* A tenant that would change the URL's meaning is refused. */
  write_file (f->org_path, "[microsoft]\nclient-id=abc\ntenant=evil.example/x?\n");
  config = load_config (f);
  provider = tend_provider_new ("microsoft", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG);
  g_assert_null (provider);
}

/* The user's file wins key by key; what it does not set, or leaves empty, stays the org's. */
static void
test_user_override (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) microsoft = NULL;
  g_autoptr (TendProvider) google = NULL;

  write_file (f->org_path, "[microsoft]\nclient-id=org-app\ntenant=org-tenant\n"
                           "[google]\nclient-id=org-google\n"
                           "[collector]\nurl=https://collector.example.org\n");
  write_file (f->user_path, "[microsoft]\ntenant=user-tenant\n"
                            "[google]\nclient-id=\n"
                            "[collector]\nurl=https://elsewhere.example.net\n");
  config = load_config (f);

  microsoft = load_provider ("microsoft", config);
  g_assert_cmpstr (tend_provider_get_client_id (microsoft), ==, "org-app");
  g_assert_cmpstr (tend_provider_get_issuer (microsoft), ==,
                   "https://login.microsoftonline.com/user-tenant/v2.0");

  google = load_provider ("google", config);
  g_assert_cmpstr (tend_provider_get_client_id (google), ==, "org-google");

  /* Where aggregates would go is the organization's choice alone. */
  g_assert_cmpstr (tend_org_config_get_collector_url (config), ==, "https://collector.example.org");
}

/* Each profile names its API; the generic one opens none unless the organization (or the user)
 * names a gateway that speaks Graph's or Google's. */
static void
test_api (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) microsoft = NULL;
  g_autoptr (TendProvider) google = NULL;
  g_autoptr (TendProvider) oidc = NULL;
  g_autoptr (GError) error = NULL;

  write_file (f->org_path, org_all);
  config = load_config (f);
  microsoft = load_provider ("microsoft", config);
  g_assert_cmpint (tend_provider_get_api (microsoft), ==, TEND_PROVIDER_API_MICROSOFT_GRAPH);
  g_assert_cmpstr (tend_provider_get_api_url (microsoft), ==, "https://graph.microsoft.com/v1.0");
  google = load_provider ("google", config);
  g_assert_cmpint (tend_provider_get_api (google), ==, TEND_PROVIDER_API_GOOGLE);
  g_assert_cmpstr (tend_provider_get_api_url (google), ==, "https://www.googleapis.com");
  oidc = load_provider ("oidc", config);
  g_assert_cmpint (tend_provider_get_api (oidc), ==, TEND_PROVIDER_API_NONE);
  g_assert_null (tend_provider_get_api_url (oidc));
  g_clear_object (&oidc);
  g_clear_object (&microsoft);
  g_clear_object (&config);

  /* The organization's gateway; the user points it at a server on this computer. The trailing
   * slash goes, since sources append paths that start with one. Microsoft's API is the
   * profile's and no key changes it. */
  write_file (f->org_path, "[oidc]\nissuer=https://id.example.org\nclient-id=tend\n"
                           "api=microsoft-graph\napi-url=https://graph.example.org/v1.0\n"
                           "[microsoft]\nclient-id=abc\napi=google\n"
                           "api-url=https://elsewhere.example.net\n");
  write_file (f->user_path, "[oidc]\napi=google\napi-url=http://127.0.0.1:8080/\n");
  config = load_config (f);
  oidc = load_provider ("oidc", config);
  g_assert_cmpint (tend_provider_get_api (oidc), ==, TEND_PROVIDER_API_GOOGLE);
  g_assert_cmpstr (tend_provider_get_api_url (oidc), ==, "http://127.0.0.1:8080");
  microsoft = load_provider ("microsoft", config);
  g_assert_cmpint (tend_provider_get_api (microsoft), ==, TEND_PROVIDER_API_MICROSOFT_GRAPH);
  g_assert_cmpstr (tend_provider_get_api_url (microsoft), ==, "https://graph.microsoft.com/v1.0");
  g_clear_object (&oidc);
  g_clear_object (&config);
  g_unlink (f->user_path);

  /* An API no source speaks is refused, naming the value. */
  write_file (f->org_path, "[oidc]\nissuer=https://id.example.org\nclient-id=tend\napi=imap\n"
                           "api-url=https://mail.example.org\n");
  config = load_config (f);
  oidc = tend_provider_new ("oidc", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "imap"));
  g_assert_null (oidc);
  g_clear_error (&error);
  g_clear_object (&config);

  /* An API without an address: the error names the key to set. */
  write_file (f->org_path, "[oidc]\nissuer=https://id.example.org\nclient-id=tend\n"
                           "api=microsoft-graph\n");
  config = load_config (f);
  oidc = tend_provider_new ("oidc", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "api-url"));
  g_clear_error (&error);
  g_clear_object (&config);

  /* Tokens go over https only, except to this computer. */
  write_file (f->org_path, "[oidc]\nissuer=https://id.example.org\nclient-id=tend\n"
                           "api=google\napi-url=http://gateway.example.org\n");
  config = load_config (f);
  oidc = tend_provider_new ("oidc", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG);
  g_assert_null (oidc);
}

#define ORG_SECRET "GOCSPX-org-placeholder"
#define USER_SECRET "GOCSPX-user-placeholder"

/* Collects every message of the auth code's log domain, whatever its level. */
static void
collect_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (message));
}

/* [google] client-secret: absent unless configured, overridable by the user like client-id, and
 * read for Google alone; no log line ever carries it. */
static void
test_client_secret (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) google = NULL;
  g_autoptr (TendProvider) microsoft = NULL;
  g_autoptr (TendProvider) oidc = NULL;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  guint handler;

  /* Not configured: Google signs in as a public client, like the others. */
  write_file (f->org_path, org_all);
  config = load_config (f);
  google = load_provider ("google", config);
  g_assert_null (tend_provider_get_client_secret (google));
  microsoft = load_provider ("microsoft", config);
  g_assert_null (tend_provider_get_client_secret (microsoft));
  g_clear_object (&google);
  g_clear_object (&microsoft);
  g_clear_object (&config);

  /* The organization's secret, with the same key in groups that have none: those are ignored,
   * and the debug lines that say so name the key, never the value. */
  handler
      = g_log_set_handler ("tend-auth", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL, collect_log, messages);
  write_file (f->org_path, "[google]\nclient-id=org-google\nclient-secret=" ORG_SECRET "\n"
                           "[microsoft]\nclient-id=abc\nclient-secret=" ORG_SECRET "\n"
                           "[oidc]\nissuer=https://id.example.org\nclient-id=tend\n"
                           "client-secret=" ORG_SECRET "\n");
  config = load_config (f);
  google = load_provider ("google", config);
  g_assert_cmpstr (tend_provider_get_client_secret (google), ==, ORG_SECRET);
  microsoft = load_provider ("microsoft", config);
  g_assert_null (tend_provider_get_client_secret (microsoft));
  oidc = load_provider ("oidc", config);
  g_assert_null (tend_provider_get_client_secret (oidc));
  g_clear_object (&google);
  g_clear_object (&config);

  /* The user's own Google client wins, secret included... */
  write_file (f->user_path, "[google]\nclient-id=user-google\nclient-secret=" USER_SECRET "\n");
  config = load_config (f);
  google = load_provider ("google", config);
  g_assert_cmpstr (tend_provider_get_client_id (google), ==, "user-google");
  g_assert_cmpstr (tend_provider_get_client_secret (google), ==, USER_SECRET);
  g_clear_object (&google);
  g_clear_object (&config);

  /* ...and an empty value is a placeholder that leaves the organization's. */
  write_file (f->user_path, "[google]\nclient-secret=\n");
  config = load_config (f);
  google = load_provider ("google", config);
  g_assert_cmpstr (tend_provider_get_client_secret (google), ==, ORG_SECRET);
  g_log_remove_handler ("tend-auth", handler);

  /* The org file was read three times, each time reporting [microsoft] and [oidc]
   * client-secret as ignored: 6 lines, none with a secret in it. */
  g_assert_cmpuint (messages->len, ==, 6);
  for (guint i = 0; i < messages->len; i++)
    {
      const char *message = g_ptr_array_index (messages, i);

      g_assert_nonnull (strstr (message, "client-secret"));
      g_assert_null (strstr (message, ORG_SECRET));
      g_assert_null (strstr (message, USER_SECRET));
    }
}

/* Google's profile asks for offline access and its consent screen, which is what makes it issue
 * a refresh token on every sign-in; the others need no extra parameter (Microsoft and the generic
 * profile ask for a refresh token with the offline_access scope). The configuration cannot add
 * or change any: such keys are ignored like any unknown key. */
static void
test_authorization_parameters (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendProvider) google = NULL;
  g_autoptr (TendProvider) microsoft = NULL;
  g_autoptr (TendProvider) oidc = NULL;
  const char *const google_parameters[] = { "access_type=offline", "prompt=consent", NULL };
  const char *const none[] = { NULL };

  write_file (f->org_path, "[google]\nclient-id=org-google\naccess_type=online\nprompt=none\n"
                           "authorization-parameters=prompt=none;\n"
                           "[microsoft]\nclient-id=abc\n"
                           "[oidc]\nissuer=https://id.example.org\nclient-id=tend\n");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [google] access_type*");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [google] prompt*");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG,
                         "*ignoring [google] authorization-parameters*");
  config = load_config (f);
  g_test_assert_expected_messages ();

  google = load_provider ("google", config);
  g_assert_cmpstrv (tend_provider_get_authorization_parameters (google), google_parameters);
  microsoft = load_provider ("microsoft", config);
  g_assert_cmpstrv (tend_provider_get_authorization_parameters (microsoft), none);
  g_assert_true (g_strv_contains (tend_provider_get_scopes (microsoft), "offline_access"));
  oidc = load_provider ("oidc", config);
  g_assert_cmpstrv (tend_provider_get_authorization_parameters (oidc), none);
  g_assert_true (g_strv_contains (tend_provider_get_scopes (oidc), "offline_access"));
}

/* No client id anywhere: the error tells the administrator which key to set, and where. */
static void
test_not_configured (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = load_config (f);
  g_autoptr (TendProvider) provider = NULL;
  g_autoptr (GError) error = NULL;

  provider = tend_provider_new ("google", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED);
  g_assert_null (provider);
  g_assert_nonnull (strstr (error->message, "/etc/tend/org.conf"));
  g_assert_nonnull (strstr (error->message, "client-id"));
  g_assert_nonnull (strstr (error->message, "[google]"));
  g_clear_error (&error);

  provider = tend_provider_new ("oidc", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "issuer"));
  g_clear_error (&error);

  g_assert_null (tend_org_config_get_collector_url (config));
  g_clear_object (&config);

  /* An issuer must be https, except on this computer. */
  write_file (f->org_path, "[oidc]\nclient-id=tend\nissuer=http://id.example.org\n");
  config = load_config (f);
  provider = tend_provider_new ("oidc", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_INVALID_CONFIG);
  g_assert_null (provider);
  g_clear_error (&error);
  g_clear_object (&config);
  write_file (f->org_path, "[oidc]\nclient-id=tend\nissuer=http://127.0.0.1:3000\n");
  config = load_config (f);
  provider = load_provider ("oidc", config);
  g_assert_cmpstr (tend_provider_get_issuer (provider), ==, "http://127.0.0.1:3000");
  g_clear_object (&provider);

  provider = tend_provider_new ("yahoo", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_UNKNOWN);
  g_clear_error (&error);
  provider = tend_provider_new ("../providers/google", config, &error);
  g_assert_error (error, TEND_PROVIDER_ERROR, TEND_PROVIDER_ERROR_UNKNOWN);
}

/* Invariant 4: no setting can give consent. Keys that look like one are skipped with a debug
 * message, and the configuration is the same as without them. */
static void
test_consent_keys_ignored (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (TendOrgConfig) plain = NULL;
  g_autofree GParamSpec **properties = NULL;
  guint                   n_properties = 0;

  write_file (f->org_path, "[collector]\nurl=https://collector.example.org\n");
  plain = load_config (f);

  write_file (f->org_path, "[collector]\nurl=https://collector.example.org\nconsent=true\n"
                           "[consent]\nshare=true\n");
  /* A client secret is read beside them, and Google's consent screen (prompt=consent, a sign-in
   * matter) is no consent to share either. */
  write_file (f->user_path, "[microsoft]\nshare=true\n"
                            "[google]\nclient-secret=" USER_SECRET "\nconsent=true\n");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [collector] consent*");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [consent] share*");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [microsoft] share*");
  g_test_expect_message ("tend-auth", G_LOG_LEVEL_DEBUG, "*ignoring [google] consent*");
  config = load_config (f);
  g_test_assert_expected_messages ();

  g_assert_cmpstr (tend_org_config_get_collector_url (config), ==,
                   tend_org_config_get_collector_url (plain));
  g_assert_null (tend_org_config_get (config, "collector", "consent"));
  g_assert_null (tend_org_config_get (config, "consent", "share"));
  g_assert_null (tend_org_config_get (config, "microsoft", "share"));
  g_assert_null (tend_org_config_get (config, "google", "consent"));
  g_assert_cmpstr (tend_org_config_get (config, "google", "client-secret"), ==, USER_SECRET);

  /* Nothing to read a consent from, either. */
  properties = g_object_class_list_properties (G_OBJECT_GET_CLASS (config), &n_properties);
  g_assert_cmpuint (n_properties, ==, 0);
}

/* A file that is not a key file is an error, not an empty configuration. */
static void
test_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr (TendOrgConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  write_file (f->org_path, "client-id = no group above me\n");
  config = tend_org_config_new_from_files (f->org_path, NULL, &error);
  g_assert_error (error, TEND_ORG_CONFIG_ERROR, TEND_ORG_CONFIG_ERROR_INVALID);
  g_assert_null (config);
  g_assert_nonnull (strstr (error->message, f->org_path));
  g_clear_error (&error);

  write_file (f->org_path, org_all);
  write_file (f->user_path, "[microsoft\ntenant=x\n");
  config = tend_org_config_new_from_files (f->org_path, f->user_path, &error);
  g_assert_error (error, TEND_ORG_CONFIG_ERROR, TEND_ORG_CONFIG_ERROR_INVALID);
  g_assert_null (config);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/provider/profiles", Fixture, NULL, fixture_set_up, test_profiles,
              fixture_tear_down);
  g_test_add ("/provider/tenant", Fixture, NULL, fixture_set_up, test_tenant, fixture_tear_down);
  g_test_add ("/provider/user-override", Fixture, NULL, fixture_set_up, test_user_override,
              fixture_tear_down);
  g_test_add ("/provider/api", Fixture, NULL, fixture_set_up, test_api, fixture_tear_down);
  g_test_add ("/provider/client-secret", Fixture, NULL, fixture_set_up, test_client_secret,
              fixture_tear_down);
  g_test_add ("/provider/authorization-parameters", Fixture, NULL, fixture_set_up,
              test_authorization_parameters, fixture_tear_down);
  g_test_add ("/provider/not-configured", Fixture, NULL, fixture_set_up, test_not_configured,
              fixture_tear_down);
  g_test_add ("/provider/consent-keys-ignored", Fixture, NULL, fixture_set_up,
              test_consent_keys_ignored, fixture_tear_down);
  g_test_add ("/provider/malformed", Fixture, NULL, fixture_set_up, test_malformed,
              fixture_tear_down);

  return g_test_run ();
}
