#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Runs smoke.mjs (TAP) after installing the pinned packages from package-lock.json into
# tests/oidc/node_modules when they are missing or older than the lockfile.
# Skips when Node.js or npm is missing, or when npm cannot fetch the packages (offline).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

skip() {
  echo "1..0 # SKIP $1"
  exit 0
}

command -v node >/dev/null 2>&1 || skip "node is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
  || skip "node $(node --version) is older than 18"

if [ ! -e "$here/node_modules/.package-lock.json" ] \
   || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  log=$(mktemp)
  if ! npm ci --prefix "$here" --no-audit --no-fund >"$log" 2>&1; then
    sed 's/^/# /' "$log"
    rm -f "$log"
    skip "npm ci failed (offline?); its output is above"
  fi
  rm -f "$log"
fi

exec node "$here/smoke.mjs"
