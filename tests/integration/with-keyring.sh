#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs a TAP test program against a real gnome-keyring-daemon of its own, under a temporary
# home: run it inside dbus-run-session, as `with-keyring.sh PROGRAM [ARGS...]`.
#
# The daemon reads the password from stdin and, as the home has no keyrings yet, creates the
# "login" keyring with it, unlocked, and makes it the default collection. The program finds
# the home in TEND_TEST_KEYRING_HOME; it is deleted afterwards.
set -eu

if ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "1..0 # SKIP gnome-keyring-daemon is not installed"
  exit 0
fi
# On a desktop session's bus this would find the user's own keyring, which the tests empty.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] \
   || dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true; then
  echo "Bail out! run with-keyring.sh inside dbus-run-session, on a bus with no Secret Service"
  exit 1
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/tend-keyring-XXXXXX")
daemon_pid=

cleanup () {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    # Wait for it to go, so that it writes nothing into a folder being removed.
    tries=0
    while kill -0 "$daemon_pid" 2>/dev/null && [ "$tries" -lt 50 ]; do
      sleep 0.1
      tries=$((tries + 1))
    done
  fi
  rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

export HOME="$home"
export XDG_DATA_HOME="$home/data"
export XDG_CONFIG_HOME="$home/config"
export XDG_CACHE_HOME="$home/cache"
export XDG_RUNTIME_DIR="$home/runtime"
mkdir -m 0700 "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"

# The password goes through a pipe, never argv or the environment. With --daemonize the
# command returns once the daemon is ready, printing the variables its other components
# would need (none for the secrets component alone, but export whatever it says).
# The tests' G_DEBUG=fatal-warnings is for Tend's code: gnome-keyring 42 warns "asked to
# register item …, but it's already registered" each time an item is replaced, and would abort.
if ! (
  unset G_DEBUG
  printf '%s' 'tend-test-password' \
    | gnome-keyring-daemon --unlock --components=secrets --daemonize >"$home/daemon.env"
); then
  echo "Bail out! gnome-keyring-daemon failed to start"
  exit 1
fi
while IFS= read -r line; do
  case "$line" in
    [A-Za-z_]*=*) export "${line?}" ;;
  esac
done <"$home/daemon.env"

# The daemon is ready before it owns its bus name, and the bus knows how to start another
# keyring daemon on demand, which would have no password and could only prompt: wait until
# ours answers (asking for the owner's pid starts nothing), and learn its pid to stop it.
tries=0
while [ -z "$daemon_pid" ]; do
  daemon_pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
                 /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
                 string:org.freedesktop.secrets 2>/dev/null | awk '{ print $2 }') || true
  if [ -z "$daemon_pid" ]; then
    if [ "$tries" -ge 100 ]; then
      echo "Bail out! gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s"
      exit 1
    fi
    sleep 0.1
    tries=$((tries + 1))
  fi
done

export TEND_TEST_KEYRING_HOME="$home"
status=0
"$@" || status=$?
exit "$status"
