#!/usr/bin/env bash
# Stop a Keystone started by start-keystone.sh for DIR.
#
#   stop-keystone.sh DIR
#
# SIGTERM to the recorded gunicorn master (it stops its workers), up to 20 s of grace, then
# SIGKILL to its process group (started with setsid: the group holds only it and its workers).
# The data (database, keys, logs) stays: start-keystone.sh DIR starts it again quickly.
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
pidfile=$1/run/keystone.pid
if [[ ! -f $pidfile ]]; then
  echo "[stop-keystone] no $pidfile: nothing to stop" >&2
  exit 0
fi
pid=$(cat "$pidfile")
if ! kill -0 "$pid" 2>/dev/null; then
  echo "[stop-keystone] pid $pid not running" >&2
  rm -f "$pidfile"
  exit 0
fi
if ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q gunicorn; then
  echo "[stop-keystone] pid $pid is not a gunicorn process; refusing" >&2
  exit 1
fi
kill -TERM "$pid"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  echo "[stop-keystone] pid $pid still alive after 20s, killing its process group" >&2
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" || true
fi
rm -f "$pidfile"
echo "[stop-keystone] stopped pid $pid" >&2
