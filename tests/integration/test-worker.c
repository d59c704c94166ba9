/* test-worker.c: tend-agent-worker, run as the agent runs it
 *
 * Each test runs the worker ($TEND_AGENT_WORKER) in a temporary home and reads its standard
 * output line by line, as GVariants of type (sa{sv}) (see agent/tend-worker.h). Runs under
 * dbus-run-session and with-keyring.sh (see meson.build): opting out empties the keyring.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tend-store.h"
#include "tend-test-util.h"

/* Enough mail that an import takes a second or more: 30 files of 2 000 messages each. */
#define BIG_FILES 30
#define BIG_MESSAGES 2000

typedef struct
{
  char *home;
  char *data;
  char *cache;
} Fixture;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *output;
  GPtrArray        *lines; /* (element-type GVariant) */
} Run;

static void
fixture_set_up (Fixture *f, gconstpointer user_data)
{
  f->home = g_dir_make_tmp ("tend-worker-XXXXXX", NULL);
  g_assert_nonnull (f->home);
  f->data = g_build_filename (f->home, "data", NULL);
  f->cache = g_build_filename (f->home, "cache", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer user_data)
{
  tend_test_remove_tree (f->home);
  g_free (f->home);
  g_free (f->data);
  g_free (f->cache);
}

static void
run_free (Run *run)
{
  g_clear_object (&run->process);
  g_clear_object (&run->output);
  g_ptr_array_unref (run->lines);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Starts the worker with @arguments (NULL-terminated, after the program's name). */
static Run *
run_start (Fixture *f, const char *const *arguments)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  const char *worker = g_getenv ("TEND_AGENT_WORKER");
  Run        *run = g_new0 (Run, 1);

  g_assert_nonnull (worker);
  g_strv_builder_add (builder, worker);
  g_strv_builder_addv (builder, (const char **) arguments);
  argv = g_strv_builder_end (builder);

  g_subprocess_launcher_setenv (launcher, "HOME", f->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", f->cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->home, TRUE);
  run->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  g_assert_no_error (error);
  run->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run->process));
  run->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  return run;
}

/* The next line of the protocol, parsed, or NULL at the end of the output. Every line must
 * parse as (sa{sv}). */
static GVariant *
run_read_line (Run *run)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  GVariant        *message;

  line = g_data_input_stream_read_line_utf8 (run->output, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    return NULL;
  message = g_variant_parse (G_VARIANT_TYPE ("(sa{sv})"), line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (run->lines, g_variant_ref_sink (message));
  return message;
}

/* Reads to the end and waits for the exit; returns the exit status. */
static int
run_wait (Run *run)
{
  g_autoptr (GError) error = NULL;

  while (run_read_line (run) != NULL)
    ;
  g_subprocess_wait (run->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (run->process));
  return g_subprocess_get_exit_status (run->process);
}

static const char *
line_kind (GVariant *line)
{
  const char *kind;

  g_variant_get (line, "(&s@a{sv})", &kind, NULL);
  return kind;
}

static GVariant *
line_details (GVariant *line)
{
  return g_variant_get_child_value (line, 1);
}

/* The last line, which must be of @kind; returns its details. */
static GVariant *
last_line (Run *run, const char *kind)
{
  GVariant *line;

  g_assert_cmpuint (run->lines->len, >, 0);
  line = g_ptr_array_index (run->lines, run->lines->len - 1);
  g_assert_cmpstr (line_kind (line), ==, kind);
  return line_details (line);
}

static guint
lookup_uint (GVariant *details, const char *key)
{
  guint32 value = G_MAXUINT32;

  g_assert_true (g_variant_lookup (details, key, "u", &value));
  return value;
}

static void
assert_error (Run *run, int status, const char *code)
{
  g_autoptr (GVariant) details = NULL;
  const char *actual = NULL;
  const char *message = NULL;

  g_assert_cmpint (status, ==, 1);
  /* Nothing but the error line. */
  g_assert_cmpuint (run->lines->len, ==, 1);
  details = last_line (run, "error");
  g_assert_true (g_variant_lookup (details, "code", "&s", &actual));
  g_assert_true (g_variant_lookup (details, "message", "&s", &message));
  g_assert_cmpstr (actual, ==, code);
  g_assert_cmpstr (message, !=, "");
}

static char *
database_path (Fixture *f)
{
  return g_build_filename (f->data, "tend", "tend.db", NULL);
}

static void
test_create (Fixture *f, gconstpointer user_data)
{
  const char *arguments[] = { "create", NULL };
  g_autoptr (Run) run = run_start (f, arguments);
  g_autoptr (GVariant) details = NULL;
  g_autofree char *path = database_path (f);
  GStatBuf         st;

  g_assert_cmpint (run_wait (run), ==, 0);
  g_assert_cmpuint (run->lines->len, ==, 1);
  details = last_line (run, "done");
  g_assert_cmpuint (g_variant_n_children (details), ==, 0);

  /* Private to its user (invariant 1). */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_import (Fixture *f, gconstpointer user_data)
{
  g_autofree char *mbox = g_build_filename (TEND_TEST_DATA, "e2e", "mail.mbox", NULL);
  g_autofree char *ics = g_build_filename (TEND_TEST_DATA, "e2e", "calendar.ics", NULL);
  const char      *arguments[] = { "import", "--me", "me@example.invalid", mbox, ics, NULL };
  g_autoptr (Run) run = run_start (f, arguments);
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GVariant) skipped = NULL;
  g_autoptr (GVariant) inferred = NULL;
  guint last_done = 0;

  g_assert_cmpint (run_wait (run), ==, 0);

  /* One progress line per file, counting up to the two files. */
  g_assert_cmpuint (run->lines->len, ==, 3);
  for (guint i = 0; i + 1 < run->lines->len; i++)
    {
      GVariant *line = g_ptr_array_index (run->lines, i);
      g_autoptr (GVariant) progress = line_details (line);
      const char *collection = NULL;

      g_assert_cmpstr (line_kind (line), ==, "progress");
      g_assert_true (g_variant_lookup (progress, "collection", "&s", &collection));
      g_assert_cmpstr (collection, ==, "files");
      g_assert_cmpuint (lookup_uint (progress, "total"), ==, 2);
      g_assert_cmpuint (lookup_uint (progress, "done"), ==, last_done + 1);
      last_done++;
    }

  /* The fixtures' own counts, as tendctl's end-to-end test has them: 6 messages, and 15
   * occurrences of the calendar's events. */
  details = last_line (run, "done");
  g_assert_cmpuint (lookup_uint (details, "messages_added"), ==, 6);
  g_assert_cmpuint (lookup_uint (details, "messages_unchanged"), ==, 0);
  g_assert_cmpuint (lookup_uint (details, "events_added"), ==, 15);
  g_assert_cmpuint (lookup_uint (details, "events_removed"), ==, 0);
  skipped = g_variant_lookup_value (details, "skipped", G_VARIANT_TYPE ("a{su}"));
  g_assert_nonnull (skipped);
  /* Named with --me, the address is not inferred. */
  inferred = g_variant_lookup_value (details, "inferred_me", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_nonnull (inferred);
  g_assert_cmpuint (g_variant_n_children (inferred), ==, 0);

  /* Again: nothing new. */
  {
    g_autoptr (Run) again = run_start (f, arguments);
    g_autoptr (GVariant) summary = NULL;

    g_assert_cmpint (run_wait (again), ==, 0);
    summary = last_line (again, "done");
    /* An mbox read to its end is not read again. */
    g_assert_cmpuint (lookup_uint (summary, "messages_added"), ==, 0);
    g_assert_cmpuint (lookup_uint (summary, "events_added"), ==, 0);
    g_assert_cmpuint (lookup_uint (summary, "events_unchanged"), ==, 15);
  }
}

static void
test_bad_arguments (Fixture *f, gconstpointer user_data)
{
  const char        *unknown[] = { "frobnicate", NULL };
  const char        *none[] = { NULL };
  const char        *sync_one[] = { "sync", "microsoft", NULL };
  const char        *import_none[] = { "import", NULL };
  const char        *import_option[] = { "import", "--no-such-option", "x", NULL };
  const char        *digest_week[] = { "digest", "2026-W99", NULL };
  const char        *opt_out_account[] = { "opt-out", "no-provider-here", NULL };
  const char        *dismiss_one[] = { "dismiss", "meetings-up", NULL };
  const char        *dismiss_empty[] = { "dismiss", "", "2026-W10", NULL };
  const char        *snooze_until[] = { "snooze", "meetings-up", "2026-W10", "soon", NULL };
  const char        *goal_add_two[] = { "goal-add", "focus_hours", "at-least", NULL };
  const char        *goal_remove_word[] = { "goal-remove", "first", NULL };
  const char        *contribution_week[] = { "contribution", "2026-W99", NULL };
  const char        *consent_maybe[] = { "consent", "maybe", "https://collector.invalid", NULL };
  const char *const *cases[] = {
    unknown,           none,          sync_one,      import_none,  import_option, digest_week,
    opt_out_account,   dismiss_one,   dismiss_empty, snooze_until, goal_add_two,  goal_remove_word,
    contribution_week, consent_maybe,
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Run) run = run_start (f, cases[i]);

      assert_error (run, run_wait (run), "failed");
    }

  /* A provider without a profile is not configured. */
  {
    const char *sync_unknown[] = { "sync", "no-such-provider", "alex@example.invalid", NULL };
    g_autoptr (Run) run = run_start (f, sync_unknown);

    assert_error (run, run_wait (run), "not-configured");
  }
}

/* goal-add's done line carries the new goal's id; libtend's refusals are "failed" errors. */
static void
test_goals (Fixture *f, gconstpointer user_data)
{
  const char *create[] = { "create", NULL };
  const char *add[] = { "goal-add", "after_hours_days", "at-most", "2", NULL };
  const char *add_unknown[] = { "goal-add", "no_such_figure", "at-most", "2", NULL };
  g_autoptr (Run) created = run_start (f, create);
  g_autoptr (Run) added = NULL;
  g_autoptr (Run) unknown = NULL;
  g_autoptr (Run) removed = NULL;
  g_autoptr (Run) again = NULL;
  g_autoptr (GVariant) details = NULL;
  g_autofree char *id_text = NULL;
  gint64           id = 0;

  g_assert_cmpint (run_wait (created), ==, 0);
  added = run_start (f, add);
  g_assert_cmpint (run_wait (added), ==, 0);
  details = last_line (added, "done");
  g_assert_true (g_variant_lookup (details, "id", "x", &id));
  g_assert_cmpint (id, >, 0);

  unknown = run_start (f, add_unknown);
  assert_error (unknown, run_wait (unknown), "failed");

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *remove[] = { "goal-remove", id_text, NULL };

    removed = run_start (f, remove);
    g_assert_cmpint (run_wait (removed), ==, 0);
    again = run_start (f, remove);
    assert_error (again, run_wait (again), "failed");
  }
}

/* SIGTERM stops an import between two messages: it ends with "cancelled", and what it committed
 * stays readable. */
static void
test_cancel (Fixture *f, gconstpointer user_data)
{
  g_autofree char *folder = g_build_filename (f->home, "mail", NULL);
  const char      *arguments[] = { "import", folder, NULL };
  g_autoptr (Run) run = NULL;
  g_autoptr (GVariant) first = NULL;
  g_autoptr (GVariant) progress = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  for (guint i = 0; i < BIG_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("box%02u.mbox", i);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr (GString) text = g_string_new (NULL);
      g_autoptr (GError) error = NULL;

      for (guint j = 0; j < BIG_MESSAGES; j++)
        g_string_append_printf (text,
                                "From alex@example.invalid Mon Feb 23 10:00:00 2026\n"
                                "From: Alex <alex@example.invalid>\n"
                                "To: Sam <sam@example.invalid>\n"
                                "Subject: Note %u-%u\n"
                                "Date: Mon, 23 Feb 2026 10:%02u:00 +0100\n"
                                "Message-ID: <%u-%u@example.invalid>\n"
                                "\n"
                                "Could you have a look?\n"
                                "\n",
                                i, j, j % 60, i, j);
      g_file_set_contents (path, text->str, text->len, &error);
      g_assert_no_error (error);
    }

  run = run_start (f, arguments);
  /* After the first file of thirty, the import is far from done. */
  first = run_read_line (run);
  g_assert_nonnull (first);
  g_variant_ref (first);
  g_assert_cmpstr (line_kind (first), ==, "progress");
  progress = line_details (first);
  g_assert_cmpuint (lookup_uint (progress, "done"), ==, 1);
  g_assert_cmpuint (lookup_uint (progress, "total"), ==, BIG_FILES);
  g_subprocess_send_signal (run->process, SIGTERM);

  g_assert_cmpint (run_wait (run), ==, 1);
  {
    g_autoptr (GVariant) details = last_line (run, "error");
    const char *code = NULL;

    g_assert_true (g_variant_lookup (details, "code", "&s", &code));
    g_assert_cmpstr (code, ==, "cancelled");
  }

  /* The same import again adds what is missing, and nothing twice: the first file's messages
   * were committed before the cancel. */
  {
    g_autoptr (Run) again = run_start (f, arguments);
    g_autoptr (GVariant) summary = NULL;
    g_autoptr (TendStore) store = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *path = database_path (f);
    TendStoreCounts  counts;

    g_assert_cmpint (run_wait (again), ==, 0);
    summary = last_line (again, "done");
    g_assert_cmpuint (lookup_uint (summary, "messages_added"), <=, (BIG_FILES - 1) * BIG_MESSAGES);
    store = tend_store_open (path, TEND_STORE_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    g_assert_true (tend_store_get_counts (store, &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpint (counts.messages, ==, BIG_FILES * BIG_MESSAGES);
  }
}

/* The digest of a week with data, and of one without. The e2e calendar has 2026-W09's
 * meetings; 2020-W01 has nothing. */
static void
test_digest (Fixture *f, gconstpointer user_data)
{
  g_autofree char *ics = g_build_filename (TEND_TEST_DATA, "e2e", "calendar.ics", NULL);
  const char      *import[] = { "import", ics, NULL };
  const char      *digest[] = { "digest", "2026-W09", NULL };
  const char      *empty[] = { "digest", "2020-W01", NULL };
  g_autoptr (Run) run = run_start (f, import);
  g_autoptr (GVariant) details = NULL;
  const char *week = NULL;
  const char *title = NULL;
  const char *body = NULL;

  g_assert_cmpint (run_wait (run), ==, 0);
  g_clear_pointer (&run, run_free);

  run = run_start (f, digest);
  g_assert_cmpint (run_wait (run), ==, 0);
  details = last_line (run, "done");
  g_assert_true (g_variant_lookup (details, "week", "&s", &week));
  g_assert_true (g_variant_lookup (details, "title", "&s", &title));
  g_assert_true (g_variant_lookup (details, "body", "&s", &body));
  g_assert_cmpstr (week, ==, "2026-W09");
  g_assert_cmpstr (title, ==, "Your last week");
  /* Three figures, one a line, carried on one protocol line. */
  g_assert_true (g_str_has_prefix (body, "Meeting time: "));
  g_assert_nonnull (strstr (body, "\nFocus time: "));
  g_assert_nonnull (strstr (body, "\nDays with after-hours work: "));
  g_clear_pointer (&details, g_variant_unref);
  g_clear_pointer (&run, run_free);

  run = run_start (f, empty);
  g_assert_cmpint (run_wait (run), ==, 0);
  details = last_line (run, "done");
  g_assert_cmpuint (g_variant_n_children (details), ==, 0);
}

/* Opting out deletes the database and the cache, and empties Tend's part of the keyring. */
static void
test_opt_out (Fixture *f, gconstpointer user_data)
{
  const char      *create[] = { "create", NULL };
  const char      *opt_out[] = { "opt-out", NULL };
  g_autofree char *path = database_path (f);
  g_autofree char *cache_dir = g_build_filename (f->cache, "tend", "thumbnails", NULL);
  g_autofree char *cached = g_build_filename (cache_dir, "a", NULL);
  g_autoptr (Run) run = run_start (f, create);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (run_wait (run), ==, 0);
  g_clear_pointer (&run, run_free);
  g_assert_cmpint (g_mkdir_with_parents (cache_dir, 0700), ==, 0);
  g_file_set_contents (cached, "x", 1, &error);
  g_assert_no_error (error);

  run = run_start (f, opt_out);
  g_assert_cmpint (run_wait (run), ==, 0);
  g_assert_cmpuint (run->lines->len, ==, 1);
  g_variant_unref (last_line (run, "done"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (f->cache, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (cache_dir, G_FILE_TEST_EXISTS));
  {
    g_autofree char *tend_cache = g_build_filename (f->cache, "tend", NULL);

    g_assert_false (g_file_test (tend_cache, G_FILE_TEST_EXISTS));
  }
}

/* Opting out removes a link in the cache, not what it points to: a folder outside Tend's cache
 * keeps its files, whether the link is inside the cache or is the cache itself. */
static void
test_opt_out_link (Fixture *f, gconstpointer user_data)
{
  const char      *opt_out[] = { "opt-out", NULL };
  g_autofree char *outside = g_build_filename (f->home, "outside", NULL);
  g_autofree char *kept = g_build_filename (outside, "kept", NULL);
  g_autofree char *tend_cache = g_build_filename (f->cache, "tend", NULL);
  g_autofree char *link = g_build_filename (tend_cache, "link", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_file_set_contents (kept, "x", 1, &error);
  g_assert_no_error (error);

  /* $XDG_CACHE_HOME/tend/link -> outside */
  g_assert_cmpint (g_mkdir_with_parents (tend_cache, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  {
    g_autoptr (Run) run = run_start (f, opt_out);

    g_assert_cmpint (run_wait (run), ==, 0);
    g_variant_unref (last_line (run, "done"));
  }
  g_assert_false (g_file_test (tend_cache, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* $XDG_CACHE_HOME/tend -> outside */
  g_assert_cmpint (symlink (outside, tend_cache), ==, 0);
  {
    g_autoptr (Run) run = run_start (f, opt_out);

    g_assert_cmpint (run_wait (run), ==, 0);
    g_variant_unref (last_line (run, "done"));
  }
  g_assert_false (g_file_test (tend_cache, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (tend_cache, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/worker/create", test_create);
  ADD ("/worker/import", test_import);
  ADD ("/worker/bad-arguments", test_bad_arguments);
  ADD ("/worker/goals", test_goals);
  ADD ("/worker/cancel", test_cancel);
  ADD ("/worker/digest", test_digest);
  ADD ("/worker/opt-out", test_opt_out);
  ADD ("/worker/opt-out-link", test_opt_out_link);
#undef ADD

  return g_test_run ();
}
