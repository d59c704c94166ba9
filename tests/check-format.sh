#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The .c files are formatted by the committed .clang-format (Debian 12's clang-format 14).
# Headers are aligned by hand, GNOME-style, which clang-format 14 cannot express. Prints TAP.
set -eu
cd "${1:?usage: check-format.sh SOURCE_ROOT}"

echo "1..1"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "ok 1 # SKIP clang-format is not installed"
  exit 0
fi
if out=$(clang-format --dry-run --Werror agent/*.c agent/auth/*.c agent/sources/*.c agent/tray/*.c \
           shared/*.c ui/*.c tests/*.c tests/unit/*.c tests/integration/*.c tests/bench/*.c \
           tests/ui/*.c 2>&1); then
  echo "ok 1 - every .c file is formatted"
else
  echo "not ok 1 - run clang-format -i on these files:"
  echo "$out" | grep -o '^[^:]*\.c' | sort -u | sed 's/^/#   /'
  exit 1
fi
