#!/usr/bin/env bash
# End-to-end suite: the real glint binary driven by the real python-glanceclient.
#
#   bash e2e/run.sh [pytest args...]
#
# Environment:
#   GLINT_BIN       use this glint binary instead of running `cargo build -p glint`
#   GLINT_E2E_VENV  virtualenv to create/reuse (default ~/.cache/glint-e2e/venv); it is
#                   rebuilt when e2e/requirements.txt or the Python version changes
#   PYTHON          interpreter used to create the venv (default python3)
#   GLINT_E2E_KEEP  non-empty: keep glint's temporary data dir and log after the run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
venv="${GLINT_E2E_VENV:-$HOME/.cache/glint-e2e/venv}"
requirements="$here/requirements.txt"
stamp="$venv/.glint-e2e-requirements"

want="$( { cat "$requirements"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "e2e: preparing virtualenv $venv" >&2
  if [[ -e "$venv" ]]; then
    # Only ever wipe something that looks like a virtualenv.
    if [[ ! -f "$venv/pyvenv.cfg" ]]; then
      echo "e2e: $venv exists and is not a virtualenv; refusing to replace it" >&2
      exit 2
    fi
    rm -rf "$venv"
  fi
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"  # written last: an interrupted install is redone next time
fi

if [[ -z "${GLINT_BIN:-}" ]]; then
  (cd "$repo" && cargo build -p glint)
  target_dir="$(cd "$repo" && cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
  GLINT_BIN="$target_dir/debug/glint"
fi
export GLINT_BIN

# No .pytest_cache or __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
status=0
(cd "$here" && "$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$here" "$here" "$@") \
  || status=$?
if [[ $status -eq 5 ]]; then
  echo "e2e: pytest collected no tests; treating that as a failure" >&2
  status=1
fi
exit $status
