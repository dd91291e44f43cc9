#!/usr/bin/env bash
# Runs the libFuzzer targets of a CTP_FUZZ build (make fuzz, make fuzz-smoke; docs/fuzzing.md).
# usage: tests/fuzz/run_fuzzers.sh [--smoke] BUILD_DIR SECONDS [TARGET...]
# For each target (all when none is named): every saved input of tests/fuzz/regressions/TARGET/
# once, then SECONDS of fuzzing from the seeds (tests/fuzz/corpus/TARGET/ and the project's own
# files of that format) with the target's dictionary. Inputs that add coverage are kept in
# BUILD_DIR/fuzz/corpus/TARGET/ (with --smoke: in a temporary folder, and with a fixed seed, so
# the run is repeatable), crashers in BUILD_DIR/fuzz/crashes/TARGET/, the log in
# BUILD_DIR/fuzz/logs/TARGET.log.
# Prints one line per target; exits 1 when any target failed.
set -euo pipefail
source=$(cd "$(dirname "$0")/../.." && pwd)
smoke=false
if [ "${1:-}" = --smoke ]; then smoke=true; shift; fi
[ $# -ge 2 ] || { echo "usage: $0 [--smoke] BUILD_DIR SECONDS [TARGET...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
all_targets=(script params secrets component model patch_shard geojson idx)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
# An input may run this long (s) before it counts as a hang: scripts stop at 10 million Lua
# instructions, well under a second.
timeout=${FUZZ_TIMEOUT:-30}

# The project's own files of each target's format, besides tests/fuzz/corpus/TARGET/.
seed_globs() {
  case "$1" in
    script) echo scripts/*.lua scripts/components/*.lua tests/interpreter/scripts/*.lua \
                 tests/interpreter/kfp_components/*.lua tests/interpreter/bad_scripts/*.lua ;;
    params) echo scripts/settings.yaml ;;
    component) echo scripts/components/*/component.yaml tests/interpreter/kfp_components/*.yaml \
                    tests/interpreter/bad_scripts/kfp/*.yaml ;;
    geojson) echo tests/native/testdata/annotations/*/*.geojson \
                  tests/native/testdata/annotations/*/*/*.geojson \
                  scripts/data/region-annotation/*/*/*.geojson ;;
  esac
}

dictionary() {
  case "$1" in
    script) echo "$source/tests/fuzz/dictionaries/lua.dict" ;;
    params|secrets|component) echo "$source/tests/fuzz/dictionaries/yaml.dict" ;;
    model|geojson) echo "$source/tests/fuzz/dictionaries/json.dict" ;;
  esac
}

failed=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/ctp_fuzz_$target"
  [ -x "$binary" ] || { echo "$target: no fuzzer $binary (build the ctp_fuzzers target)" >&2; exit 2; }
  work="$build/fuzz"
  seeds="$work/seeds/$target"
  crashes="$work/crashes/$target"
  log="$work/logs/$target.log"
  rm -rf "$seeds"
  mkdir -p "$seeds" "$crashes" "$work/logs"
  (cd "$source" && for file in $(seed_globs "$target"); do
     [ -f "$file" ] && cp "$file" "$seeds/$(echo "$file" | tr / _)"
   done) || true
  corpus="$work/corpus/$target"
  if $smoke; then corpus=$(mktemp -d "${TMPDIR:-/tmp}/ctp-fuzz-corpus.XXXXXX"); fi
  mkdir -p "$corpus"
  regressions="$source/tests/fuzz/regressions/$target"
  options=(-timeout="$timeout" -rss_limit_mb=2048 -close_fd_mask=1 -print_final_stats=1
           -artifact_prefix="$crashes/")
  # The smoke run is repeatable: the same mutations in the same order each time (a crash it finds
  # is in the code, not in the draw).
  $smoke && options+=(-seed=1)
  dict=$(dictionary "$target")
  [ -z "$dict" ] || options+=(-dict="$dict")
  status=0
  {
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
      echo "== regressions: $regressions"
      "$binary" "${options[@]}" "$regressions"/* </dev/null || exit 1
    fi
    echo "== fuzzing for ${seconds}s"
    dirs=("$corpus" "$seeds" "$source/tests/fuzz/corpus/$target")
    [ -d "$regressions" ] && dirs+=("$regressions")
    "$binary" "${options[@]}" -max_total_time="$seconds" "${dirs[@]}" </dev/null
  } >"$log" 2>&1 || status=$?
  $smoke && rm -rf "$corpus"
  stats=$(awk '/^stat::number_of_executed_units/ {runs=$2} /^stat::peak_rss_mb/ {rss=$2}
               /#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)/ {for (i = 1; i <= NF; i++) {
                 if ($i == "cov:") cov=$(i+1); if ($i == "ft:") ft=$(i+1)}}
               END {printf "%s runs, cov %s, ft %s, peak rss %s MB", runs, cov, ft, rss}' "$log")
  if [ $status -eq 0 ]; then
    echo "$target: ok (${seconds}s: $stats)"
  else
    failed=1
    echo "$target: FAILED (exit $status; log $log)"
    grep -E "^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|MS: |the error does not name)|runtime error|terminate called|what\(\)" \
      "$log" | head -20 | sed 's/^/  /'
  fi
done
exit $failed
