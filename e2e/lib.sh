# Shared by the e2e scripts (source it): a requirements-stamped virtualenv and the glint binary.

# ensure_venv LABEL VENV REQUIREMENTS: creates VENV with REQUIREMENTS installed, or reuses it when
# neither the requirements nor the Python version changed since it was made. Uses $PYTHON
# (default python3). Refuses to replace a directory that is not a virtualenv (exit 2).
ensure_venv() {
  local label="$1" venv="$2" requirements="$3"
  local python="${PYTHON:-python3}"
  local stamp="$venv/.glint-requirements"
  local want
  want="$( { cat "$requirements"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "$label: preparing virtualenv $venv" >&2
  if [[ -e "$venv" ]]; then
    # Only ever wipe something that looks like a virtualenv.
    if [[ ! -f "$venv/pyvenv.cfg" ]]; then
      echo "$label: $venv exists and is not a virtualenv; refusing to replace it" >&2
      exit 2
    fi
    rm -rf "$venv"
  fi
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"  # written last: an interrupted install is redone next time
}

# glint_binary REPO: exports GLINT_BIN as an absolute path, building the debug binary with cargo
# (in whatever target directory cargo uses) unless GLINT_BIN is already set.
glint_binary() {
  local repo="$1"
  if [[ -z "${GLINT_BIN:-}" ]]; then
    (cd "$repo" && cargo build -p glint)
    local target_dir
    target_dir="$(cd "$repo" && cargo metadata --format-version 1 --no-deps \
      | "${PYTHON:-python3}" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    GLINT_BIN="$target_dir/debug/glint"
  fi
  GLINT_BIN="$(cd "$(dirname "$GLINT_BIN")" && pwd)/$(basename "$GLINT_BIN")"
  export GLINT_BIN
}
