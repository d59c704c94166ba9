/* tend-test-fake.c: run a fake provider API of tests/fakes for one test
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tend-test-fake"

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "tend-test-fake.h"

struct _TendTestFake
{
  GSubprocess *process;
  SoupSession *session;
  char        *url;
};

/* Starts tests/fakes/@script with @args and waits for its ready line. Returns NULL after
 * g_test_skip() when python3 is not installed; any other failure fails the test. The fake
 * exits when its stdin closes, so a crashed test leaves nothing behind. */
TendTestFake *
tend_test_fake_start (const char *script, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDataInputStream) out = NULL;
  json_t          *ready;
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *line = NULL;
  TendTestFake    *fake;
  json_error_t     jerror;

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

  fake = g_new0 (TendTestFake, 1);
  fake->process
      = g_subprocess_newv ((const char *const *) argv->pdata,
                           G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  ready = json_loads (line, 0, &jerror);
  g_assert_nonnull (ready);
  fake->url = g_strdup (json_string_value (json_object_get (ready, "url")));
  json_decref (ready);
  g_assert_nonnull (fake->url);
  fake->session = soup_session_new ();
  return fake;
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
