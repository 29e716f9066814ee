#!/usr/bin/env bash
# Runs a command with a real PostgreSQL and a real S3-compatible server on loopback, and with
# GLINT_TEST_DATABASE_URL / GLINT_TEST_S3_URL pointing at them; stops what it started afterwards.
#
#   bash scripts/with-scale-out-backends.sh cargo test -p glint --test api
#
# PostgreSQL: the machine's server on 127.0.0.1:5432 when it answers with trust auth; otherwise a
# throw-away cluster (Debian's postgresql packages, installed when missing) in a temp dir on a
# free port (GLINT_OWN_POSTGRES=1 forces that). S3: s3s-fs 0.14.1 (the newest release that builds with rustc 1.95), built once into
# $GLINT_CACHE_DIR (default ~/.cache/glint) and started on a free port over a temp dir.
set -euo pipefail

cache_dir="${GLINT_CACHE_DIR:-$HOME/.cache/glint}"
s3s_version=0.14.1
s3s_bin="$cache_dir/s3s-fs-$s3s_version/bin/s3s-fs"
work_dir="$(mktemp -d -t glint-scale-out.XXXXXX)"
chmod 755 "$work_dir"
started_pg=""
s3s_pid=""

log() { printf '[scale-out] %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  if [[ -n "$s3s_pid" ]]; then
    kill "$s3s_pid" 2>/dev/null || true
    wait "$s3s_pid" 2>/dev/null || true
  fi
  if [[ -n "$started_pg" ]]; then
    runuser -u postgres -- "$started_pg/pg_ctl" -D "$work_dir/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work_dir"
  exit "$status"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most ~30 s) until something accepts connections on 127.0.0.1:$1.
wait_for_port() {
  local port=$1
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "nothing listens on 127.0.0.1:$port"
  return 1
}

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

start_postgres() {
  if [[ -n "${GLINT_TEST_DATABASE_URL:-}" ]]; then
    log "PostgreSQL: using GLINT_TEST_DATABASE_URL from the environment"
    return
  fi
  local machine_url="postgres://postgres@127.0.0.1:5432/postgres"
  # GLINT_OWN_POSTGRES=1 skips the machine's server (to exercise the path CI takes elsewhere).
  if [[ "${GLINT_OWN_POSTGRES:-}" != 1 ]] && command -v psql >/dev/null &&
    psql "$machine_url" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    log "PostgreSQL: the machine's server on 127.0.0.1:5432"
    export GLINT_TEST_DATABASE_URL="$machine_url"
    return
  fi
  local bindir
  if ! bindir="$(pg_bindir)"; then
    log "PostgreSQL: installing Debian's postgresql packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir="$(pg_bindir)"
  fi
  local port
  port="$(free_port)"
  # initdb refuses to run as root: the cluster belongs to the postgres system user.
  install -d -o postgres -g postgres "$work_dir/pg" "$work_dir/pg-socket"
  runuser -u postgres -- "$bindir/initdb" -D "$work_dir/pg" --auth=trust -U postgres >/dev/null
  runuser -u postgres -- "$bindir/pg_ctl" -D "$work_dir/pg" -l "$work_dir/pg/server.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work_dir/pg-socket -c max_connections=200 -c fsync=off" \
    start >/dev/null
  started_pg="$bindir"
  log "PostgreSQL: started a cluster on 127.0.0.1:$port"
  export GLINT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

start_s3() {
  if [[ -n "${GLINT_TEST_S3_URL:-}" ]]; then
    log "S3: using GLINT_TEST_S3_URL from the environment"
    return
  fi
  if [[ ! -x "$s3s_bin" ]]; then
    log "S3: building s3s-fs $s3s_version into $cache_dir (once per machine, a few minutes)"
    mkdir -p "$cache_dir"
    cargo install s3s-fs --version "$s3s_version" --features binary --locked \
      --root "$cache_dir/s3s-fs-$s3s_version" >"$cache_dir/s3s-fs-install.log" 2>&1 || {
      tail -20 "$cache_dir/s3s-fs-install.log" >&2
      return 1
    }
  fi
  local port key secret bucket=glint-test
  port="$(free_port)"
  key="glint-$RANDOM$RANDOM"
  secret="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  mkdir -p "$work_dir/s3/$bucket"
  "$s3s_bin" --host 127.0.0.1 --port "$port" --access-key "$key" --secret-key "$secret" \
    "$work_dir/s3" >"$work_dir/s3s-fs.log" 2>&1 &
  s3s_pid=$!
  wait_for_port "$port"
  log "S3: s3s-fs $s3s_version on 127.0.0.1:$port, bucket $bucket"
  export GLINT_TEST_S3_URL="http://$key:$secret@127.0.0.1:$port/$bucket"
}

start_postgres
start_s3
log "running: $*"
"$@"
