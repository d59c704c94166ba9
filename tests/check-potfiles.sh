#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Every source file with a translatable string must be in po/POTFILES.in, or its strings are
# never offered to translators; and every file listed there must exist. Prints TAP.
set -eu
cd "${1:?usage: check-potfiles.sh SOURCE_ROOT}"

listed=$(mktemp)
trap 'rm -f "$listed"' EXIT
grep -v '^#' po/POTFILES.in | grep -v '^$' | sort > "$listed"

echo "1..2"
# GtkBuilder files mark their strings with translatable="yes".
missing=$( (grep -lE '(^|[^A-Za-z0-9_])(N?_|g_dngettext|ngettext) ?\(' \
              agent/*.c agent/auth/*.c agent/sources/*.c agent/tray/*.c shared/*.c ui/*.c
            grep -l 'translatable="yes"' ui/*.ui) \
          | sort | comm -23 - "$listed")
if [ -z "$missing" ]; then
  echo "ok 1 - every file with translatable strings is listed"
else
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in:"
  echo "$missing" | sed 's/^/#   /'
fi

gone=$(while read -r file; do [ -e "$file" ] || echo "$file"; done < "$listed")
if [ -z "$gone" ]; then
  echo "ok 2 - every listed file exists"
else
  echo "not ok 2 - po/POTFILES.in lists files that do not exist:"
  echo "$gone" | sed 's/^/#   /'
fi
[ -z "$missing" ] && [ -z "$gone" ]
