#!/bin/sh
# Start-up cost of the ctp CLI (docs/benchmarks.md, "Start-up"): CPU (task-clock) and wall time,
# mean of 40 runs, of `ctp --version`, `ctp emit scripts/hello.lua` and a 5-step emit
# (bench/startup/g5.lua, the 5-step case of bench/peers/emit_vs_kfp.py's generated pipeline).
# Usage: bench/startup/measure.sh [path/to/ctp]   (run from the repository root)
set -eu
ctp=${1:-build-wt/ctp}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for command in "--version" "emit scripts/hello.lua -o $out/hello.yaml" \
               "emit bench/startup/g5.lua -o $out/g5.yaml"; do
  # shellcheck disable=SC2086  # the command is split into words on purpose
  perf stat -r 40 "$ctp" $command 2>&1 >/dev/null |
    awk -v c="ctp ${command%% -o *}" '/task-clock/ {cpu=$1} /time elapsed/ {printf "%-32s CPU %6.2f ms  wall %6.2f ms\n", c, cpu, $1*1000}'
done
