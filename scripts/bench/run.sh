#!/usr/bin/env bash
# glint and the real Glance side by side, in one run, on this machine (issue #6).
#
#   scripts/bench/run.sh                    (builds glint and glint-bench in release)
#
# Starts glint (SQLite + file store, trusted-headers), Glance 33 (v2; SQLite, file store, header
# auth, secure-RBAC defaults) and Glance 15.0.2 (v1, for /v1/shared-images) on free loopback
# ports, measures `dd … conv=fdatasync` on the same disk, runs the same glint-bench scenarios
# against glint and then Glance, seeds 10 k / 100 k / 1 M images (10 % shared with the member)
# straight into both SQLite files and times GET /v2/images on each, and prints the side-by-side
# table (ratios glint / Glance first). Everything is written under the work directory it prints.
#
# Environment (all optional):
#   GLINT_BIN, GLINT_BENCH_BIN   skip the build and use these binaries
#   BENCH_DIR          parent of the work directory (default: target/); same disk as dd
#   BENCH_SIZES        image counts for list-images (default: "10000 100000 1000000")
#   BENCH_GLANCE_MAX   largest count also seeded into Glance (default: 1000000)
#   BENCH_REQUESTS     requests per metadata scenario and concurrency (default: 1000)
#   BENCH_MAX_SECONDS  cap per scenario and concurrency (default: 30)
#   BENCH_TRANSFER     bytes per transfer scenario and concurrency (default: 1 GiB)
#   BENCH_SCENARIOS    metadata/transfer scenarios (default:
#                      create,add-member,list-members,upload,download; "none" skips them)
#   BENCH_SKIP_V1=1    skip the Glance 15 v1 peer (and shared-images)
#   GLINT_PEER_DIR     the peer scripts (default: ../shared/peer next to the repository)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
peer="${GLINT_PEER_DIR:-$repo/../shared/peer}"
sizes="${BENCH_SIZES:-10000 100000 1000000}"
glance_max="${BENCH_GLANCE_MAX:-1000000}"
requests="${BENCH_REQUESTS:-1000}"
max_seconds="${BENCH_MAX_SECONDS:-30}"
transfer="${BENCH_TRANSFER:-1073741824}"
scenarios="${BENCH_SCENARIOS:-create,add-member,list-members,upload,download}"

if [[ -z "${GLINT_BIN:-}" || -z "${GLINT_BENCH_BIN:-}" ]]; then
  (cd "$repo" && cargo build --release -p glint -p glint-bench)
  GLINT_BIN="$repo/target/release/glint"
  GLINT_BENCH_BIN="$repo/target/release/glint-bench"
fi
work="$(mktemp -d "${BENCH_DIR:-$repo/target}/bench.XXXXXX")"
echo "work directory: $work"

free_port() { # a port that is free now, and (for the v1 peer) whose successor is free too
  python3 - <<'EOF'
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 1)); print(port); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
EOF
}

glint_pid=""
cleanup() {
  [[ -n "$glint_pid" ]] && kill "$glint_pid" 2>/dev/null && wait "$glint_pid" 2>/dev/null
  bash "$peer/stop-glance.sh" "$work/glance" 2>/dev/null || true
  [[ "${BENCH_SKIP_V1:-}" == 1 ]] || bash "$peer/stop-glance.sh" "$work/glance-v1" 2>/dev/null || true
  rm -rf "$work/glint/images" "$work/glance/images" "$work/glance-v1/images"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the machine
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  echo "disk: $(df -h "$work" | awk 'NR==2 {print $1 " (" $2 ")"}')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$work/machine.txt"

# ---------------------------------------------------------------- dd baseline, same disk
dd_line="$(dd if=/dev/zero of="$work/dd.img" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)"
rm -f "$work/dd.img"
echo "dd (1 GiB, conv=fdatasync): $dd_line" | tee -a "$work/machine.txt"

# ---------------------------------------------------------------- servers
p_glint="$(free_port)"
"$GLINT_BIN" serve --bind "127.0.0.1:$p_glint" --data-dir "$work/glint" \
  --auth trusted-headers >"$work/glint.log" 2>&1 &
glint_pid=$!
until curl -sf "http://127.0.0.1:$p_glint/healthcheck" >/dev/null; do sleep 0.1; done

p_glance="$(free_port)"
glance_pid="$(GLANCE_POLICY_MODE=srbac bash "$peer/start-glance.sh" "$p_glance" "$work/glance" 2>"$work/glance-start.log" | tail -1)"
if [[ "${BENCH_SKIP_V1:-}" != 1 ]]; then
  p_v1="$(free_port)"
  bash "$peer/start-glance-v1.sh" "$p_v1" "$work/glance-v1" >"$work/glance-v1-start.log" 2>&1
  v1_pid="$(cat "$work/glance-v1/run/glance-api.pid")"
fi
echo "glint pid $glint_pid :$p_glint, Glance 33 pid $glance_pid :$p_glance${p_v1:+, Glance 15 pid $v1_pid :$p_v1}"

bench() { "$GLINT_BENCH_BIN" run --requests "$requests" --max-seconds "$max_seconds" \
  --transfer-bytes "$transfer" "$@"; }

# ---------------------------------------------------------------- metadata and transfer
if [[ "$scenarios" != none ]]; then
  bench --label glint --scenarios "$scenarios" --url "http://127.0.0.1:$p_glint" \
    --server-pid "$glint_pid" --out "$work/glint.jsonl"
  bench --label glance --scenarios "$scenarios" --url "http://127.0.0.1:$p_glance" \
    --server-pid "$glance_pid" --out "$work/glance.jsonl"
fi

if [[ "${BENCH_SKIP_V1:-}" != 1 ]]; then
  bench --label glint --scenarios shared-images --url "http://127.0.0.1:$p_glint" \
    --server-pid "$glint_pid" --out "$work/glint.jsonl"
  bench --label glance --scenarios shared-images --url "http://127.0.0.1:$p_v1" \
    --server-pid "$v1_pid" --out "$work/glance.jsonl"
fi

# ---------------------------------------------------------------- list-images at each size
for n in $sizes; do
  "$GLINT_BENCH_BIN" seed-sqlite --flavor glint --db "$work/glint/glint.db" --images "$n"
  bench --label glint --scenarios list-images --images "$n" --url "http://127.0.0.1:$p_glint" \
    --server-pid "$glint_pid" --out "$work/glint.jsonl"
  if (( n <= glance_max )); then
    "$GLINT_BENCH_BIN" seed-sqlite --flavor glance --db "$work/glance/glance.sqlite" --images "$n"
    bench --label glance --scenarios list-images --images "$n" --url "http://127.0.0.1:$p_glance" \
      --server-pid "$glance_pid" --out "$work/glance.jsonl"
  fi
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/machine.txt"
"$GLINT_BENCH_BIN" compare "$work/glint.jsonl" "$work/glance.jsonl" | tee "$work/table.md"
