/* tend-mail-importer-private.h: what the files of TendMailImporter share
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

gsize _tend_mail_importer_extract_text (GMimeMessage *mime, gboolean from_mbox, GByteArray *text);
gsize _tend_mail_importer_html_to_text (char *html, gsize len);

G_END_DECLS
