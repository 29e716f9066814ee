#!/usr/bin/env bash
# HTTP-level fuzz pass (RELIABILITY.md §6): schemathesis generates requests — valid and invalid —
# for every operation in openapi/glint.yaml and sends them to a fresh glint (fake-token auth, as
# an admin and as a tenant, empty SQLite database and blob directory, port chosen by the kernel).
# Fails when any answer is a 5xx, when an answer's status, content type or JSON body does not
# match the description, or when glint's log shows a panic.
#
#   bash scripts/schemathesis.sh [MAX_EXAMPLES]     # examples per operation and phase (default 20)
#
# Environment:
#   GLINT_BIN                 use this glint binary instead of `cargo build -p glint`
#   GLINT_SCHEMATHESIS_VENV   virtualenv (default ~/.cache/glint-schemathesis), rebuilt when
#                             scripts/schemathesis-requirements.txt changes
#   GLINT_SCHEMATHESIS_SEED   hypothesis seed (default: random; the run prints it)
#   GLINT_SCHEMATHESIS_KEEP   non-empty: keep the data dir, glint's log and the reports
set -euo pipefail

examples="${1:-20}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${GLINT_SCHEMATHESIS_VENV:-$HOME/.cache/glint-schemathesis}"
# shellcheck source=e2e/lib.sh
source "$repo/e2e/lib.sh"
ensure_venv schemathesis "$venv" "$here/schemathesis-requirements.txt"
glint_binary "$repo"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ -n "${GLINT_SCHEMATHESIS_KEEP:-}" ]]; then
    echo "schemathesis: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

RUST_LOG="${RUST_LOG:-info}" "$GLINT_BIN" serve --bind 127.0.0.1:0 --data-dir "$work/data" \
  --auth fake-token >"$work/glint.log" 2>&1 &
pid=$!
address=""
for _ in $(seq 1 300); do
  # The log may be coloured: strip ANSI escapes before reading `address=…`.
  address="$(sed 's/\x1b\[[0-9;]*m//g' "$work/glint.log" | grep -o 'address=[0-9.]*:[0-9]*' \
    | head -1 | cut -d= -f2 || true)"
  [[ -n "$address" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "schemathesis: glint exited at start-up:" >&2
    cat "$work/glint.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$address" ]]; then
  echo "schemathesis: glint did not report its address within 30 s" >&2
  cat "$work/glint.log" >&2
  exit 1
fi
echo "schemathesis: glint on $address, $examples examples per operation" >&2

seed_args=()
if [[ -n "${GLINT_SCHEMATHESIS_SEED:-}" ]]; then
  seed_args=(--seed "$GLINT_SCHEMATHESIS_SEED")
fi
status=0
# One worker: with two, hypothesis parses lambda sources from two threads at once and CPython
# 3.11.7 fails that with "SystemError: AST constructor recursion depth mismatch" (CPython
# gh-106905), an error of the tool, not of glint.
# Two callers: an admin (every operation allowed) and a tenant (the policy refusals).
for token in fuzz-admin:fuzz-admin-project:admin,member fuzz-user:fuzz-project:member; do
  echo "schemathesis: as ${token%%:*}" >&2
  "$venv/bin/schemathesis" run "$repo/openapi/glint.yaml" \
    --url "http://$address" \
    --header "X-Auth-Token: $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --workers 1 \
    --request-timeout 30 \
    --suppress-health-check all \
    --report junit --report-dir "$work/report-${token%%:*}" \
    "${seed_args[@]}" || status=$?
done
if grep -q 'panicked' "$work/glint.log"; then
  echo "schemathesis: glint panicked:" >&2
  grep -B2 -A10 'panicked' "$work/glint.log" >&2
  status=1
fi
if ! kill -0 "$pid" 2>/dev/null; then
  echo "schemathesis: glint died during the run" >&2
  tail -50 "$work/glint.log" >&2
  status=1
fi
exit "$status"
