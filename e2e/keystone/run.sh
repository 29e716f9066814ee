#!/usr/bin/env bash
# glint behind a real Keystone: the integration tests (pytest) and Tempest's image-sharing tests.
#
#   bash e2e/keystone/run.sh [all|pytest|tempest|tempest-v1] [pytest args...]
#
# Installs what it needs (virtualenvs under ~/.cache/glint-keystone and ~/.cache/glint-tempest,
# from the pinned requirements files here), builds glint (`cargo build -p glint`, or uses
# $GLINT_BIN), starts Keystone 30 on a free loopback port with a fresh data dir
# (start-keystone.sh), registers glint and the test accounts in it (bootstrap.py), then
#   pytest      test_keystone_auth.py: starts its own glints in keystone mode (conftest.py)
#   tempest     Tempest 47.0.0: tempest.api.image.v2.test_images_member, ..._negative and
#               test_images.ListSharedImagesTest against a glint found through the catalog
#   tempest-v1  Tempest 35.0.0: tempest.api.image.v1.test_image_members and ..._negative
# and stops everything it started. `all` (the default) runs the three in that order and exits
# non-zero if any failed.
#
# Environment: GLINT_BIN (skip the build), GLINT_KS_KEEP=1 (keep the work dir with all logs),
# GLINT_TEMPEST_CONCURRENCY (stestr workers, default 1).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WHAT=${1:-all}
[[ $# -gt 0 ]] && shift
case $WHAT in all | pytest | tempest | tempest-v1) ;; *)
  echo "usage: $0 [all|pytest|tempest|tempest-v1] [pytest args...]" >&2
  exit 2
  ;;
esac
KS_VENV=${KEYSTONE_VENV:-$HOME/.cache/glint-keystone/venv}
export KEYSTONE_VENV=$KS_VENV

# shellcheck source=e2e/lib.sh
source "$HERE/../lib.sh"
log() { printf '[keystone-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

t0=$SECONDS
ensure_venv keystone "$KS_VENV" "$HERE/requirements.txt"
glint_binary "$REPO"
log "venv + glint build ready ($((SECONDS - t0)) s)"

WORK=$(mktemp -d /tmp/glint-keystone-e2e.XXXXXX)
KS_DIR=$WORK/keystone
GLINT_PID=
cleanup() {
  local rc=$?
  if [[ -n $GLINT_PID ]] && kill -0 "$GLINT_PID" 2>/dev/null; then
    kill "$GLINT_PID" 2>/dev/null || true
    wait "$GLINT_PID" 2>/dev/null || true
  fi
  bash "$HERE/stop-keystone.sh" "$KS_DIR" 2>/dev/null || true
  if [[ -n ${GLINT_KS_KEEP:-} || $rc -ne 0 ]]; then
    log "work dir kept: $WORK (Keystone, glint and Tempest logs)"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT

# ---------------------------------------------------------------- Keystone + accounts
KS_PORT=$(free_port)
bash "$HERE/start-keystone.sh" "$KS_PORT" "$KS_DIR" > /dev/null
GLINT_PORT=$(free_port)
GLINT_URL=http://127.0.0.1:$GLINT_PORT
"$KS_VENV/bin/python" "$HERE/bootstrap.py" --keystone "http://127.0.0.1:$KS_PORT" \
  --glint-url "$GLINT_URL" --out "$KS_DIR/accounts.json" >&2
log "Keystone up and bootstrapped ($((SECONDS - t0)) s)"

# ---------------------------------------------------------------- the catalog's glint
# What Tempest talks to: keystone mode, the port registered as the image endpoint.
start_catalog_glint() {
  local password
  password=$("$KS_VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["users"]["glint"]["password"])' "$KS_DIR/accounts.json")
  mkdir -p "$WORK/glint"
  env -u GLINT_BIN -u GLINT_KS_KEEP -u GLINT_TEMPEST_CONCURRENCY \
    GLINT_AUTH__MODE=keystone \
    GLINT_AUTH__KEYSTONE__URL="http://127.0.0.1:$KS_PORT" \
    GLINT_AUTH__KEYSTONE__USERNAME=glint \
    GLINT_AUTH__KEYSTONE__PASSWORD="$password" \
    GLINT_AUTH__KEYSTONE__PROJECT_NAME=service \
    "$GLINT_BIN" serve --bind "127.0.0.1:$GLINT_PORT" --data-dir "$WORK/glint/data" \
    < /dev/null > "$WORK/glint/glint.log" 2>&1 &
  GLINT_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -s -o /dev/null "$GLINT_URL/versions"; do
    if ! kill -0 "$GLINT_PID" 2>/dev/null || ((SECONDS > deadline)); then
      log "glint did not start; its log:"
      tail -30 "$WORK/glint/glint.log" >&2
      return 1
    fi
    sleep 0.2
  done
  log "glint (keystone mode) at $GLINT_URL"
}

status=0
run_step() { # name command...
  local name=$1 s=$SECONDS rc=0
  shift
  log "== $name"
  "$@" || rc=$?
  log "== $name: exit $rc ($((SECONDS - s)) s)"
  if [[ $rc -ne 0 ]]; then status=1; fi
  SUMMARY+=("$name: exit $rc, $((SECONDS - s)) s")
}
SUMMARY=()

pytest_step() {
  local rc=0
  (cd "$HERE" && GLINT_BIN=$GLINT_BIN GLINT_KS_DIR=$KS_DIR PYTHONDONTWRITEBYTECODE=1 \
    "$KS_VENV/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$HERE" \
    "$HERE/test_keystone_auth.py" "$@") || rc=$?
  if [[ $rc -eq 5 ]]; then
    echo "keystone e2e: pytest collected no tests; treating that as a failure" >&2
    rc=1
  fi
  return $rc
}

if [[ $WHAT == all || $WHAT == pytest ]]; then
  run_step "pytest against Keystone" pytest_step "$@"
fi
if [[ $WHAT == all || $WHAT == tempest || $WHAT == tempest-v1 ]]; then
  start_catalog_glint
fi
if [[ $WHAT == all || $WHAT == tempest ]]; then
  run_step "tempest v2 (47.0.0)" bash "$HERE/tempest/run-tempest.sh" "$KS_DIR/accounts.json" "$WORK/tempest-v2" v2
fi
if [[ $WHAT == all || $WHAT == tempest-v1 ]]; then
  run_step "tempest v1 (35.0.0)" bash "$HERE/tempest/run-tempest.sh" "$KS_DIR/accounts.json" "$WORK/tempest-v1" v1
fi

log "summary (total $((SECONDS - t0)) s):"
for line in "${SUMMARY[@]}"; do log "  $line"; done
exit $status
