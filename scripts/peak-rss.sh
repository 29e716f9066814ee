#!/usr/bin/env bash
# Peak resident memory of `glint serve` while a large image is uploaded (chunked, from a pipe)
# and downloaded again, read from the kernel's VmHWM for the server's PID.
#
#   scripts/peak-rss.sh [SIZE_BYTES]        (default 4 GiB; builds the release binary)
#
# Environment: GLINT_BIN (skip the build), GLINT_RSS_DIR (parent of the temporary data dir;
# needs SIZE_BYTES free), GLINT_RSS_PORT (default 9393).
set -euo pipefail
size="${1:-4294967296}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${GLINT_RSS_PORT:-9393}"
if [[ -z "${GLINT_BIN:-}" ]]; then
  (cd "$repo" && cargo build --release -p glint)
  GLINT_BIN="$repo/target/release/glint"
fi
dir="$(mktemp -d "${GLINT_RSS_DIR:-$repo}/rss.XXXXXX")"
"$GLINT_BIN" serve --bind "127.0.0.1:$port" --data-dir "$dir" --auth fake-token >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/healthcheck" >/dev/null; do sleep 0.1; done
hwm() { awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status"; }
now() { date +%s.%N; }
mib_per_s() { python3 -c "import sys; print(f'{$size/1048576/($2-$1):.0f} MiB/s')" "$@"; }
auth='X-Auth-Token: bench:bench-project:member'
echo "idle peak RSS: $(hwm)"

t0=$(now)
head -c "$size" /dev/zero | curl -sf -T - -X POST -H "$auth" \
  -H 'Content-Type: application/octet-stream' -H 'x-image-meta-name: big' \
  -H 'x-image-meta-disk_format: raw' -H 'x-image-meta-container_format: bare' \
  "http://127.0.0.1:$port/v1/images" -o "$dir/created.json"
t1=$(now)
read -r id status stored checksum < <(python3 -c 'import json, sys
i = json.load(open(sys.argv[1]))["image"]
print(i["id"], i["status"], i["size"], i["checksum"])' "$dir/created.json")
echo "upload: $status, $stored bytes, $(mib_per_s "$t0" "$t1"); peak RSS so far: $(hwm)"

t0=$(now)
got="$(curl -sf -H "$auth" "http://127.0.0.1:$port/v1/images/$id" | md5sum | cut -d' ' -f1)"
t1=$(now)
[[ "$got" == "$checksum" ]] || { echo "download checksum $got != $checksum" >&2; exit 1; }
echo "download: checksum ok, $(mib_per_s "$t0" "$t1"); peak RSS: $(hwm)"
