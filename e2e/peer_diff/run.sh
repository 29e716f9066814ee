#!/usr/bin/env bash
# Differential run: glint vs the real Glance 15.0.2 (Images v1), side by side.
#
#   bash e2e/peer_diff/run.sh [diff.py args, e.g. --verbose]
#
# Starts the Glance 15.0.2 peer with ../shared/peer/start-glance-v1.sh (installs it into
# ~/.cache/glint-peer on first use, a few minutes) and glint, each on a free loopback port
# with a fresh data dir, sends them the same scripted requests (diff.py) and prints the
# comparison. Exit status: 0 when every difference is an allowlisted, documented one;
# 1 on any unexpected difference; 2 when something could not be started.
#
# Environment:
#   GLINT_BIN          use this glint binary instead of `cargo build -p glint`
#   GLINT_PEER_DIR     directory holding start-glance-v1.sh / stop-glance.sh
#                      (default: the shared/peer/ beside this repo)
#   GLINT_PEER_DIFF_VENV  virtualenv for the differ (default ~/.cache/glint-peer-diff/venv)
#   GLINT_PEER_DIFF_KEEP  non-empty: keep the temporary dirs (logs, report) after the run
#   PYTHON             interpreter used to create the venv (default python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

peer_dir="${GLINT_PEER_DIR:-}"
if [[ -z $peer_dir ]]; then
  for cand in "$repo/../shared/peer" "$repo/shared/peer" /work/shared/peer; do
    if [[ -f $cand/start-glance-v1.sh ]]; then peer_dir="$(cd "$cand" && pwd)"; break; fi
  done
fi
if [[ -z $peer_dir || ! -f $peer_dir/start-glance-v1.sh || ! -f $peer_dir/stop-glance.sh ]]; then
  echo "peer_diff: start-glance-v1.sh / stop-glance.sh not found (looked in ../shared/peer;" \
       "set GLINT_PEER_DIR). The differential run needs the Glance peer scripts." >&2
  exit 2
fi

# --- the differ's virtualenv (stdlib + requests) and the glint binary -------------------
# shellcheck source=e2e/lib.sh
source "$here/../lib.sh"
venv="${GLINT_PEER_DIFF_VENV:-$HOME/.cache/glint-peer-diff/venv}"
ensure_venv peer_diff "$venv" "$here/requirements.txt"
glint_binary "$repo"

# --- free ports: glance PORT and PORT+1 (registry), glint another ----------------------
free_ports() {
  "$python" - <<'EOF'
import socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
def any_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
while True:
    p = any_port()
    if p < 65000 and free(p + 1):
        break
while True:
    g = any_port()
    if g not in (p, p + 1):
        break
print(p, g)
EOF
}
read -r peer_port glint_port < <(free_ports)

work="$(mktemp -d "${TMPDIR:-/tmp}/glint-peer-diff.XXXXXX")"
peer_data="$work/glance"
glint_data="$work/glint"
mkdir -p "$glint_data"
glint_pid=""

cleanup() {
  local rc=$?
  if [[ -n $glint_pid ]] && kill -0 "$glint_pid" 2>/dev/null; then
    kill "$glint_pid" 2>/dev/null || true
    wait "$glint_pid" 2>/dev/null || true
  fi
  if [[ -d $peer_data/run ]]; then
    bash "$peer_dir/stop-glance.sh" "$peer_data" >/dev/null 2>&1 || true
  fi
  if [[ -n "${GLINT_PEER_DIFF_KEEP:-}" ]]; then
    echo "peer_diff: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start both ------------------------------------------------------------------------
echo "peer_diff: starting Glance 15.0.2 on 127.0.0.1:$peer_port (registry :$((peer_port + 1)))" >&2
t0=$SECONDS
if ! bash "$peer_dir/start-glance-v1.sh" "$peer_port" "$peer_data" > "$work/peer-start.out" 2> "$work/peer-start.err"; then
  echo "peer_diff: the Glance peer did not start:" >&2
  tail -40 "$work/peer-start.err" >&2
  exit 2
fi
echo "peer_diff: Glance ready after $((SECONDS - t0))s" >&2

echo "peer_diff: starting glint ($GLINT_BIN) on 127.0.0.1:$glint_port" >&2
# Run from the data dir so no ./glint.toml of the caller's is picked up; clear GLINT_* config.
(
  cd "$glint_data"
  for v in $(env | sed -n 's/^\(GLINT_[A-Z_]*\)=.*/\1/p'); do
    [[ $v == GLINT_BIN ]] || unset "$v"
  done
  exec "$GLINT_BIN" serve --bind "127.0.0.1:$glint_port" --data-dir "$glint_data/data" \
    --auth trusted-headers
) > "$work/glint.log" 2>&1 &
glint_pid=$!
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$glint_port/versions"; then break; fi
  if ! kill -0 "$glint_pid" 2>/dev/null; then
    echo "peer_diff: glint exited:" >&2; tail -20 "$work/glint.log" >&2; exit 2
  fi
  sleep 0.1
done

# --- diff ------------------------------------------------------------------------------
export PYTHONDONTWRITEBYTECODE=1
status=0
"$venv/bin/python" "$here/diff.py" --peer "http://127.0.0.1:$peer_port" \
  --glint "http://127.0.0.1:$glint_port" --report "$work/report.md" "$@" || status=$?
exit $status
