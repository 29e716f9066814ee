#!/usr/bin/env bash
# Differential runs: glint side by side with the real Glance.
#   v1: Images v1 against Glance 15.0.2 (start-glance-v1.sh)
#   v2: Images v2 against Glance 33.0.0 in secure-RBAC mode (start-glance.sh, DECISIONS D16)
#
#   bash e2e/peer_diff/run.sh [diff.py args, e.g. --verbose]
#
# Starts the peers (installing them into ~/.cache/glint-peer on first use, a few minutes) and
# one glint per API, each on a free loopback port with a fresh data dir, sends each pair the
# same scripted requests (diff.py) and prints the comparisons. Exit status: 1 on any
# unexpected difference (in v2: in an enforced section); else 2 when a peer could not be set
# up or started (the other API's run still happens and is reported); else 0.
#
# Environment:
#   GLINT_PEER_DIFF_APIS  which runs: "v1 v2" (default), "v1" or "v2"
#   GLINT_PEER_DIFF_V2_ENFORCE  v2 sections whose unexpected differences fail the run:
#                      comma-separated (discovery,images,members) or "all"; default:
#                      DEFAULT_ENFORCED in scenario_v2.py
#   GLINT_BIN          use this glint binary instead of `cargo build -p glint`
#   GLINT_PEER_DIR     directory holding start-glance*.sh / stop-glance.sh
#                      (default: the shared/peer/ beside this repo)
#   GLINT_PEER_DIFF_VENV  virtualenv for the differ (default ~/.cache/glint-peer-diff/venv)
#   GLINT_PEER_DIFF_KEEP  non-empty: keep the temporary dirs (logs, reports) after the run
#   PYTHON             interpreter used to create the venv (default python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
apis="${GLINT_PEER_DIFF_APIS:-v1 v2}"
apis="${apis//,/ }"

peer_dir="${GLINT_PEER_DIR:-}"
if [[ -z $peer_dir ]]; then
  for cand in "$repo/../shared/peer" "$repo/shared/peer" /work/shared/peer; do
    if [[ -f $cand/stop-glance.sh ]]; then peer_dir="$(cd "$cand" && pwd)"; break; fi
  done
fi
if [[ -z $peer_dir || ! -f $peer_dir/stop-glance.sh ]]; then
  echo "peer_diff: stop-glance.sh not found (looked in ../shared/peer; set GLINT_PEER_DIR)." \
       "The differential runs need the Glance peer scripts." >&2
  exit 2
fi
start_script() { [[ $1 == v1 ]] && echo "$peer_dir/start-glance-v1.sh" || echo "$peer_dir/start-glance.sh"; }
peer_name() { [[ $1 == v1 ]] && echo "Glance 15.0.2" || echo "Glance 33.0.0 (srbac)"; }

# --- the differ's virtualenv (stdlib + requests) and the glint binary -------------------
# shellcheck source=e2e/lib.sh
source "$here/../lib.sh"
venv="${GLINT_PEER_DIFF_VENV:-$HOME/.cache/glint-peer-diff/venv}"
ensure_venv peer_diff "$venv" "$here/requirements.txt"
glint_binary "$repo"

# --- free ports: v1 peer PORT and PORT+1 (registry); v2 peer; one glint per API --------
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
taken = set()
while True:
    p = any_port()
    if p < 65000 and free(p + 1):
        break
taken |= {p, p + 1}
out = [p]
for _ in range(3):
    while True:
        q = any_port()
        if q not in taken:
            break
    taken.add(q); out.append(q)
print(*out)
EOF
}
declare -A peer_port glint_port peer_pid_file glint_pid peer_ok result
read -r peer_port[v1] peer_port[v2] glint_port[v1] glint_port[v2] < <(free_ports)

work="$(mktemp -d "${TMPDIR:-/tmp}/glint-peer-diff.XXXXXX")"
starters=()

cleanup() {
  local rc=$?
  local pid api
  for pid in "${starters[@]}"; do kill "$pid" 2>/dev/null || true; done
  for api in v1 v2; do
    pid="${glint_pid[$api]:-}"
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
    if [[ -d $work/glance-$api/run ]]; then
      bash "$peer_dir/stop-glance.sh" "$work/glance-$api" >/dev/null 2>&1 || true
    fi
  done
  if [[ -n "${GLINT_PEER_DIFF_KEEP:-}" ]]; then
    echo "peer_diff: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start the peers in parallel (Glance 33 needs ~20 s warm), then glint ---------------
t0=$SECONDS
for api in $apis; do
  script="$(start_script "$api")"
  if [[ ! -f $script ]]; then
    echo "peer_diff: $script not found; the $api run is skipped" >&2
    continue
  fi
  echo "peer_diff: starting $(peer_name "$api") on 127.0.0.1:${peer_port[$api]}" >&2
  (
    [[ $api == v2 ]] && export GLANCE_POLICY_MODE=srbac
    exec bash "$script" "${peer_port[$api]}" "$work/glance-$api"
  ) > "$work/peer-$api.out" 2> "$work/peer-$api.err" &
  starters+=($!)
  peer_pid_file[$api]=$!
done

for api in $apis; do
  mkdir -p "$work/glint-$api"
  # Run from the data dir so no ./glint.toml of the caller's is picked up; clear GLINT_* config.
  (
    cd "$work/glint-$api"
    for v in $(env | sed -n 's/^\(GLINT_[A-Z_0-9]*\)=.*/\1/p'); do
      [[ $v == GLINT_BIN ]] || unset "$v"
    done
    exec "$GLINT_BIN" serve --bind "127.0.0.1:${glint_port[$api]}" --data-dir "$work/glint-$api/data" \
      --auth trusted-headers
  ) > "$work/glint-$api.log" 2>&1 &
  glint_pid[$api]=$!
done
for api in $apis; do
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:${glint_port[$api]}/versions"; then break; fi
    if ! kill -0 "${glint_pid[$api]}" 2>/dev/null; then
      echo "peer_diff: glint exited:" >&2; tail -20 "$work/glint-$api.log" >&2; exit 2
    fi
    sleep 0.1
  done
done

for api in $apis; do
  peer_ok[$api]=no
  [[ -n ${peer_pid_file[$api]:-} ]] || continue
  if wait "${peer_pid_file[$api]}"; then
    peer_ok[$api]=yes
    echo "peer_diff: $(peer_name "$api") ready after $((SECONDS - t0))s" >&2
  else
    echo "peer_diff: $(peer_name "$api") did not start:" >&2
    tail -40 "$work/peer-$api.err" >&2
  fi
done
starters=()

# --- diff ------------------------------------------------------------------------------
export PYTHONDONTWRITEBYTECODE=1
final=0
unavailable=0
for api in $apis; do
  if [[ ${peer_ok[$api]} != yes ]]; then
    result[$api]="SKIPPED (peer unavailable)"
    unavailable=1
    continue
  fi
  echo >&2
  echo "peer_diff: $api run against $(peer_name "$api")" >&2
  args=(--api "$api" --peer "http://127.0.0.1:${peer_port[$api]}"
        --glint "http://127.0.0.1:${glint_port[$api]}" --report "$work/report-$api.md")
  if [[ $api == v2 && -n ${GLINT_PEER_DIFF_V2_ENFORCE:-} ]]; then
    args+=(--enforce "$GLINT_PEER_DIFF_V2_ENFORCE")
  fi
  status=0
  "$venv/bin/python" "$here/diff.py" "${args[@]}" "$@" || status=$?
  case $status in
    0) result[$api]="passed" ;;
    1) result[$api]="FAILED (unexpected differences)"; final=1 ;;
    *) result[$api]="ERROR (harness exit $status)"; final=1 ;;
  esac
done

echo >&2
for api in $apis; do
  echo "peer_diff: $api: ${result[$api]:-not run}" >&2
done
if [[ $final -ne 0 ]]; then exit 1; fi
if [[ $unavailable -ne 0 ]]; then exit 2; fi
exit 0
