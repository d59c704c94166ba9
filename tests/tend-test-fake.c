/* tend-test-fake.c: run a fake provider API of tests/fakes, or another test server, for one test
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-test-fake"

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tend-test-fake.h"

struct _TendTestFake
{
  GSubprocess *process;
  SoupSession *session;
  char        *url;
};

/* Starts @argv, a server that prints one JSON line with its address under @url_key once it
 * listens and exits when its stdin closes (so a crashed test leaves nothing behind), and waits
 * for that line. Any failure fails the test. */
TendTestFake *
tend_test_fake_start_argv (const char *const *argv, const char *url_key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  json_t          *ready;
  json_error_t     jerror;
  TendTestFake    *fake = g_new0 (TendTestFake, 1);

  fake->process = g_subprocess_newv (argv,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                         | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                     &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  /* The pipe stays open when this reader goes: a server writing to a closed pipe dies. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  ready = json_loads (line, 0, &jerror);
  g_assert_nonnull (ready);
  fake->url = g_strdup (json_string_value (json_object_get (ready, url_key)));
  json_decref (ready);
  g_assert_nonnull (fake->url);
  g_assert_true (g_str_has_prefix (fake->url, "http://127.0.0.1:"));
  fake->session = soup_session_new ();
  return fake;
}

/* Starts tests/fakes/@script with @args. Returns NULL after g_test_skip() when python3 is not
 * installed. */
TendTestFake *
tend_test_fake_start (const char *script, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return NULL;
    }
  g_ptr_array_add (argv, g_steal_pointer (&python));
  g_ptr_array_add (argv, g_build_filename (TEND_TEST_DATA, "..", "fakes", script, NULL));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  return tend_test_fake_start_argv ((const char *const *) argv->pdata, "url");
}

/* Whether the OpenID provider of tests/oidc can run: Node.js is there and its pinned packages
 * are installed, as tests/oidc/smoke.sh installs them (which needs the npm registry once).
 * Otherwise the test is skipped. */
gboolean
tend_test_oidc_available (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *lock
      = g_build_filename (TEND_OIDC_DIR, "node_modules", ".package-lock.json", NULL);
  const char *npm[] = { "npm", "ci", "--prefix", TEND_OIDC_DIR, "--no-audit", "--no-fund", NULL };
  int         status = 0;

  if (node == NULL)
    {
      g_test_skip ("node is not installed");
      return FALSE;
    }
  if (g_file_test (lock, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_spawn_sync (NULL, (char **) npm, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("tests/oidc/node_modules is missing and npm ci failed (offline?)");
      return FALSE;
    }
  return TRUE;
}

const char *
tend_test_fake_get_url (TendTestFake *fake)
{
  return fake->url;
}

static json_t *
request (TendTestFake *fake, const char *method, const char *path, const char *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autofree char *url = g_strconcat (fake->url, path, NULL);
  json_error_t     jerror;
  json_t          *root;
  gsize            len;
  const char      *data;

  message = soup_message_new (method, url);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (fake->session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  data = g_bytes_get_data (answer, &len);
  root = json_loadb (data, len, 0, &jerror);
  g_assert_nonnull (root);
  return root;
}

/* POSTs @request_json to /_control and returns the answer; fails the test unless it is 200. */
json_t *
tend_test_fake_control (TendTestFake *fake, const char *request_json)
{
  return request (fake, SOUP_METHOD_POST, "/_control", request_json);
}

json_t *
tend_test_fake_stats (TendTestFake *fake)
{
  return request (fake, SOUP_METHOD_GET, "/_stats", NULL);
}

void
tend_test_fake_stop (TendTestFake *fake)
{
  g_autoptr (GError) error = NULL;

  if (fake == NULL)
    return;
  /* Closing stdin is the fake's signal to exit. */
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (fake->process), NULL, &error));
  g_assert_true (g_subprocess_wait (fake->process, NULL, &error));
  g_clear_object (&fake->session);
  g_clear_object (&fake->process);
  g_free (fake->url);
  g_free (fake);
}
