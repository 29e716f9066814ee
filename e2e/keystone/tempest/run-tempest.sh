#!/usr/bin/env bash
# Run Tempest's image-sharing tests against glint registered in a Keystone of start-keystone.sh.
#
#   run-tempest.sh ACCOUNTS_JSON WORKDIR v2|v1
#
# v2: Tempest 47.0.0 (requirements.txt; venv ~/.cache/glint-tempest/venv):
#     tempest.api.image.v2.test_images_member, ...test_images_member_negative and
#     tempest.api.image.v2.test_images.ListSharedImagesTest
# v1: Tempest 35.0.0, the last release with Images v1 tests (requirements-v1.txt; venv
#     ~/.cache/glint-tempest/venv-v1): tempest.api.image.v1.test_image_members and
#     ..._negative, with [image-feature-enabled] api_v1 = true.
#
# WORKDIR gets etc/tempest.conf, .stestr.conf, the stestr repository, tempest.log and
# results.txt (one line per test: status and id). Exit status: stestr's (non-zero on failure).
# Environment: GLINT_TEMPEST_CACHE (default ~/.cache/glint-tempest), GLINT_TEMPEST_CONCURRENCY
# (stestr workers, default 1 = serial).
set -euo pipefail
if [[ $# -ne 3 || ! $3 =~ ^v[12]$ ]]; then
  echo "usage: $0 ACCOUNTS_JSON WORKDIR v2|v1" >&2
  exit 2
fi
ACCOUNTS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$2
API=$3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${GLINT_TEMPEST_CACHE:-$HOME/.cache/glint-tempest}
CONCURRENCY=${GLINT_TEMPEST_CONCURRENCY:-1}
# shellcheck source=e2e/lib.sh
source "$HERE/../../lib.sh"

if [[ $API == v2 ]]; then
  VENV=$CACHE/venv
  ensure_venv tempest "$VENV" "$HERE/requirements.txt"
  REGEX='^tempest\.api\.image\.v2\.(test_images_member\.|test_images_member_negative\.|test_images\.ListSharedImagesTest\.)'
  conf_args=()
else
  VENV=$CACHE/venv-v1
  ensure_venv tempest-v1 "$VENV" "$HERE/requirements-v1.txt"
  REGEX='^tempest\.api\.image\.v1\.(test_image_members\.|test_image_members_negative\.)'
  conf_args=(--v1)
fi

mkdir -p "$WORK/etc"
WORK=$(cd "$WORK" && pwd)
SITE=$("$VENV/bin/python" -c 'import os, tempest; print(os.path.dirname(os.path.dirname(tempest.__file__)))')
"$VENV/bin/python" "$HERE/gen_tempest_conf.py" "$ACCOUNTS" "$WORK/etc/tempest.conf" \
  --log-file "$WORK/tempest.log" "${conf_args[@]}"
cat > "$WORK/.stestr.conf" <<EOF
[DEFAULT]
test_path=$SITE/tempest/test_discover
top_dir=$SITE
group_regex=([^\.]*\.)*
EOF

cd "$WORK"
[[ -d .stestr ]] || "$VENV/bin/stestr" init > /dev/null
export TEMPEST_CONFIG_DIR=$WORK/etc TEMPEST_CONFIG=tempest.conf
echo "tempest $API: $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("tempest"))') regex $REGEX" >&2
status=0
"$VENV/bin/stestr" run --concurrency "$CONCURRENCY" "$REGEX" || status=$?
# One line per test for the report: status and id (skips carry their reason in the stestr output).
"$VENV/bin/stestr" last --subunit | "$VENV/bin/subunit2csv" --no-passthrough 2>/dev/null |
  "$VENV/bin/python" -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
for r in rows:
    print("%-8s %s" % (r["status"], r["test"]))
counts = {}
for r in rows:
    counts[r["status"]] = counts.get(r["status"], 0) + 1
print("tempest: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
' > "$WORK/results.txt" || true
cat "$WORK/results.txt" >&2
exit $status
