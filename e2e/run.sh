#!/usr/bin/env bash
# End-to-end suite: the real glint binary driven by the real OpenStack clients
# (python-glanceclient v1 and v2, openstacksdk, python-openstackclient).
#
#   bash e2e/run.sh [pytest args...]
#
# Environment:
#   GLINT_E2E_TARGET  glint (default) | peer: run the v2 suites against the real Glance 33
#                   (../shared/peer/start-glance.sh, see e2e/README.md); nothing is built then
#   GLINT_BIN       use this glint binary instead of running `cargo build -p glint`
#   GLINT_E2E_VENV  virtualenv to create/reuse (default ~/.cache/glint-e2e/venv); it is
#                   rebuilt when e2e/requirements.txt or the Python version changes
#   PYTHON          interpreter used to create the venv (default python3)
#   GLINT_E2E_KEEP  non-empty: keep glint's temporary data dir and log after the run
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${GLINT_E2E_VENV:-$HOME/.cache/glint-e2e/venv}"
# shellcheck source=e2e/lib.sh
source "$here/lib.sh"
ensure_venv e2e "$venv" "$here/requirements.txt"
if [[ "${GLINT_E2E_TARGET:-glint}" != peer ]]; then
  glint_binary "$repo"
fi

# No .pytest_cache or __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
status=0
# e2e/keystone/ is its own suite: it needs a real Keystone, which e2e/keystone/run.sh starts.
(cd "$here" && "$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$here" \
  --ignore="$here/keystone" "$here" "$@") \
  || status=$?
if [[ $status -eq 5 ]]; then
  echo "e2e: pytest collected no tests; treating that as a failure" >&2
  status=1
fi
exit $status
