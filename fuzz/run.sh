#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for a bounded time, starting from the
# committed seeds (fuzz/seeds/TARGET) plus a scratch corpus. Fails when a target crashes, panics
# (an invariant broke), leaks past the memory limit or hangs; the input that did it is saved
# under fuzz/artifacts/TARGET/ and printed with the command that replays it.
#
#   fuzz/run.sh SECONDS_PER_TARGET [TARGET...]      # e.g. fuzz/run.sh 45
#
# There is no nightly toolchain here: RUSTC_BOOTSTRAP=1 lets stable rustc take the
# sanitizer-coverage flags cargo-fuzz passes. Sanitizers are off (`-s none`): glint forbids unsafe
# code, so what is hunted is panics, broken invariants, hangs and memory blow-ups, and the build
# and executions are several times faster without AddressSanitizer.
#
# Environment:
#   GLINT_FUZZ_TARGET_DIR  cargo target directory (default ~/.cache/glint-fuzz/target: kept between
#                          runs and clones, so a warm build only recompiles glint's crates)
#   GLINT_FUZZ_JOBS        libFuzzer processes per target (default 1)
set -euo pipefail

seconds="${1:?usage: fuzz/run.sh SECONDS_PER_TARGET [TARGET...]}"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="${GLINT_FUZZ_TARGET_DIR:-$HOME/.cache/glint-fuzz/target}"
jobs="${GLINT_FUZZ_JOBS:-1}"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
fuzz=(cargo fuzz)
common=(--fuzz-dir "$here" -s none -a --target-dir "$target_dir")

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <("${fuzz[@]}" list --fuzz-dir "$here")
fi

start=$(date +%s)
"${fuzz[@]}" build "${common[@]}"
echo "fuzz: build took $(( $(date +%s) - start )) s" >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
total_execs=0
for target in "${targets[@]}"; do
  mkdir -p "$work/corpus/$target" "$here/artifacts/$target"
  log="$work/$target.log"
  status=0
  parallel=()
  if [[ "$jobs" -gt 1 ]]; then
    # libFuzzer writes each job's output to fuzz-N.log in the current directory.
    parallel=(-jobs="$jobs" -workers="$jobs")
  fi
  (cd "$work" && "${fuzz[@]}" run "${common[@]}" "$target" "$work/corpus/$target" \
    "$here/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 "${parallel[@]}" \
    -artifact_prefix="$here/artifacts/$target/") >"$log" 2>&1 || status=$?
  if [[ "$jobs" -gt 1 ]]; then
    cat "$work"/fuzz-*.log >>"$log" 2>/dev/null || true
    rm -f "$work"/fuzz-*.log
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' \
    | awk '{s += $1} END {print s + 0}')"
  corpus="$(find "$work/corpus/$target" -type f | wc -l)"
  total_execs=$((total_execs + execs))
  if [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
    echo "fuzz: $target ok: $execs executions in ${seconds} s, $corpus new corpus entries"
  else
    failed=$((failed + 1))
    echo "fuzz: $target FAILED (exit $status) after $execs executions; log tail:"
    grep -v '^#[0-9]' "$log" | tail -40
    for artifact in "$here/artifacts/$target"/*; do
      [[ -f "$artifact" ]] || continue
      echo "fuzz: replay with: RUSTC_BOOTSTRAP=1 cargo fuzz run ${common[*]} $target $artifact"
    done
  fi
done
echo "fuzz: $total_execs executions in total"
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
