/* tend-test-util.h: what several test programs need
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <stdarg.h>

G_BEGIN_DECLS

/* A test's own tend-agent: its temporary home, with config/ and data/ (its XDG folders) in it,
 * the file its standard error goes to (or NULL), the process, a proxy of it (a
 * TendDBusAgent1Proxy, which this library, built without libtend, cannot name), and how many
 * DataChanged signals that proxy has seen. */
typedef struct
{
  char       *home;
  char       *config;
  char       *data;
  char       *log;
  GSubprocess *process;
  gpointer     proxy;
  guint       data_changed;
} TendTestAgent;

void         tend_test_remove_tree         (const char    *path);
int          tend_test_run_tendctl         (const char    *data_home,
                                            const char    *input,
                                            char         **out,
                                            char         **err,
                                            const char    *first_arg,
                                            ...) G_GNUC_NULL_TERMINATED;
int          tend_test_run_tendctl_va      (const char    *data_home,
                                            const char    *input,
                                            char         **out,
                                            char         **err,
                                            const char    *first_arg,
                                            va_list        ap);
GSubprocess *tend_test_spawn_agent         (const char    *home,
                                            const char    *config,
                                            const char    *data,
                                            const char    *log);
void         tend_test_agent_init          (TendTestAgent *self,
                                            const char    *tmp_template,
                                            gboolean       keep_log);
void         tend_test_agent_start         (TendTestAgent *self,
                                            GType          proxy_type);
void         tend_test_agent_stop          (TendTestAgent *self,
                                            int            signal_number);
void         tend_test_agent_clear         (TendTestAgent *self);
void         tend_test_assert_remote_error (const GError  *error,
                                            const char    *name);
void         tend_test_grep_tree           (const char    *path,
                                            const char    *needle,
                                            GPtrArray     *found,
                                            guint         *n_files);

G_END_DECLS
