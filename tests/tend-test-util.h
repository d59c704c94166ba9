/* tend-test-util.h: what several test programs need
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <stdarg.h>

G_BEGIN_DECLS

void tend_test_remove_tree      (const char *path);
int  tend_test_run_tendctl_va   (const char *data_home, const char *input, char **out, char **err,
                                 const char *first_arg, va_list ap);
GSubprocess *tend_test_spawn_agent (const char *home, const char *config, const char *data,
                                    const char *log);
void tend_test_grep_tree        (const char *path, const char *needle, GPtrArray *found,
                                 guint *n_files);

G_END_DECLS
