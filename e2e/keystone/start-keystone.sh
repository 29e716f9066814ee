#!/usr/bin/env bash
# Start a real OpenStack Keystone (PyPI package `keystone`, pinned in requirements.txt beside this
# script) on loopback, for glint's Keystone and Tempest tests.
#
#   start-keystone.sh PORT DIR
#
# - installs Keystone + gunicorn into $KEYSTONE_VENV (default ~/.cache/glint-keystone/venv) when it
#   is missing or requirements.txt changed (about a minute); otherwise reuses it;
# - first start for DIR: writes DIR/etc/keystone.conf (SQLite database DIR/keystone.sqlite, fernet
#   token and credential keys under DIR), runs `keystone-manage db_sync`, `fernet_setup`,
#   `credential_setup` and `bootstrap` (admin user in project `admin`, roles admin/member/reader
#   with admin => member => reader, region RegionOne, identity endpoint http://127.0.0.1:PORT/v3);
#   later starts for the same DIR skip all that (a restart takes a few seconds);
# - runs Keystone's WSGI app under gunicorn on 127.0.0.1:PORT only, in the background, waits until
#   GET /v3 answers, prints the master PID (also in DIR/run/keystone.pid).
#
# The access log (DIR/log/access.log) has one line per request.
#
# Environment knobs (all optional):
#   KEYSTONE_VENV              venv to use/create (default ~/.cache/glint-keystone/venv)
#   KEYSTONE_ADMIN_PASSWORD    bootstrap admin's password (default: admin-secret)
#   KEYSTONE_TOKEN_EXPIRATION  [token] expiration in seconds (default: Keystone's 3600)
#   KEYSTONE_SHARE_STATE_FROM  DIR of another instance started by this script: use its database
#                              and keys (no bootstrap). Two such Keystones are one identity
#                              service, e.g. one issuing short-lived tokens for expiry tests.
#   KEYSTONE_WORKERS           gunicorn workers (default 1; 8 threads each)
#   KEYSTONE_READY_TIMEOUT     seconds to wait for readiness (default 120)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PORT DIR" >&2
  exit 2
fi
PORT=$1
DATA=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${KEYSTONE_VENV:-$HOME/.cache/glint-keystone/venv}
ADMIN_PASSWORD=${KEYSTONE_ADMIN_PASSWORD:-admin-secret}
EXPIRATION=${KEYSTONE_TOKEN_EXPIRATION:-3600}
SHARE_FROM=${KEYSTONE_SHARE_STATE_FROM:-}
WORKERS=${KEYSTONE_WORKERS:-1}
READY_TIMEOUT=${KEYSTONE_READY_TIMEOUT:-120}

log() { echo "[start-keystone] $*" >&2; }

# ---------------------------------------------------------------- install
# shellcheck source=e2e/lib.sh
source "$HERE/../lib.sh"
ensure_venv keystone "$VENV" "$HERE/requirements.txt"

# ---------------------------------------------------------------- refuse a busy port
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "something already listens on 127.0.0.1:$PORT"
  exit 1
fi

mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
mkdir -p "$DATA/etc" "$DATA/log" "$DATA/run"
if [[ -f $DATA/run/keystone.pid ]] && kill -0 "$(cat "$DATA/run/keystone.pid")" 2>/dev/null; then
  log "keystone already running for $DATA (pid $(cat "$DATA/run/keystone.pid"))"
  exit 1
fi

# State (database, keys) lives in STATE: DATA itself, or the instance we share with.
if [[ -n $SHARE_FROM ]]; then
  STATE=$(cd "$SHARE_FROM" && pwd)
  [[ -f $STATE/run/bootstrapped ]] || { log "$STATE was never bootstrapped"; exit 1; }
else
  STATE=$DATA
fi

# ---------------------------------------------------------------- configure
CONF=$DATA/etc/keystone.conf
cat > "$CONF" <<EOF
[DEFAULT]
log_file = $DATA/log/keystone.log
use_stderr = false
debug = false

[database]
connection = sqlite:///$STATE/keystone.sqlite

[token]
provider = fernet
expiration = $EXPIRATION

[fernet_tokens]
key_repository = $STATE/fernet-keys

[fernet_receipts]
key_repository = $STATE/fernet-keys

[credential]
key_repository = $STATE/credential-keys

[identity]
# The fewest bcrypt rounds Keystone accepts: tests authenticate many times and the
# default (12) costs a quarter of a second of CPU per password check.
password_hash_rounds = 4

[cache]
# In-process cache (one gunicorn worker): without it every authenticated request costs some
# 300 SQLite queries. Keystone invalidates it itself on revocation; expiry is checked on
# every validation, cached or not.
enabled = true
backend = dogpile.cache.memory
EOF

manage() { "$VENV/bin/keystone-manage" --config-file "$CONF" "$@" >> "$DATA/log/keystone-manage.log" 2>&1 ||
  { log "keystone-manage $1 failed, see $DATA/log/keystone-manage.log"; tail -20 "$DATA/log/keystone-manage.log" >&2; exit 1; }; }

if [[ -z $SHARE_FROM && ! -f $DATA/run/bootstrapped ]]; then
  log "first start for $DATA: db_sync, keys, bootstrap (about 30 s)"
  mkdir -p "$DATA/fernet-keys" "$DATA/credential-keys"
  chmod 700 "$DATA/fernet-keys" "$DATA/credential-keys"
  manage db_sync
  manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
    --bootstrap-username admin --bootstrap-project-name admin \
    --bootstrap-role-name admin \
    --bootstrap-region-id RegionOne \
    --bootstrap-admin-url "http://127.0.0.1:$PORT/v3" \
    --bootstrap-internal-url "http://127.0.0.1:$PORT/v3" \
    --bootstrap-public-url "http://127.0.0.1:$PORT/v3"
  echo "$PORT" > "$DATA/run/bootstrapped"
fi

# ---------------------------------------------------------------- start
# keystone_wsgi.py (beside this script) hides gunicorn's command line from oslo.config.
log "starting keystone (gunicorn, $WORKERS worker(s)) on 127.0.0.1:$PORT, token expiration ${EXPIRATION}s"
OS_KEYSTONE_CONFIG_FILES=$CONF setsid "$VENV/bin/gunicorn" \
  --pythonpath "$HERE" --chdir "$DATA" \
  --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 8 --timeout 120 \
  --access-logfile "$DATA/log/access.log" --error-logfile "$DATA/log/gunicorn.log" \
  --pid "$DATA/run/gunicorn.pid" --no-control-socket \
  keystone_wsgi:application < /dev/null > "$DATA/log/gunicorn.stdout" 2>&1 &
PID=$!
echo "$PID" > "$DATA/run/keystone.pid"
echo "$PORT" > "$DATA/run/keystone.port"

deadline=$((SECONDS + READY_TIMEOUT))
until code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v3") && [[ $code == 200 ]]; do
  if ! kill -0 "$PID" 2>/dev/null; then
    log "keystone exited; last log lines:"
    tail -30 "$DATA/log/gunicorn.log" >&2 || true
    exit 1
  fi
  if grep -q "exited with code" "$DATA/log/gunicorn.log" 2>/dev/null; then
    log "keystone worker failed to boot; see $DATA/log/gunicorn.log and keystone.log"
    tail -30 "$DATA/log/gunicorn.log" >&2 || true
    "$HERE/stop-keystone.sh" "$DATA" >&2 || true
    exit 1
  fi
  if ((SECONDS > deadline)); then
    log "not ready after ${READY_TIMEOUT}s (last HTTP code: ${code:-none}); stopping it"
    "$HERE/stop-keystone.sh" "$DATA" >&2 || true
    exit 1
  fi
  sleep 0.3
done
log "ready: http://127.0.0.1:$PORT/v3 (pid $PID, data $DATA)"
echo "$PID"
