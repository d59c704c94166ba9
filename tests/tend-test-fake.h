/* tend-test-fake.h: run a fake provider API of tests/fakes for one test
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef struct _TendTestFake TendTestFake;

TendTestFake *tend_test_fake_start      (const char *script, const char *const *args);
TendTestFake *tend_test_fake_start_argv (const char *const *argv, const char *url_key);
gboolean      tend_test_oidc_available  (void);
const char   *tend_test_fake_get_url (TendTestFake *fake);
json_t       *tend_test_fake_control (TendTestFake *fake, const char *request_json);
json_t       *tend_test_fake_stats   (TendTestFake *fake);
void          tend_test_fake_stop    (TendTestFake *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendTestFake, tend_test_fake_stop)

G_END_DECLS
