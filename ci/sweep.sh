#!/usr/bin/env bash
# The catch-rate sweep: the mutants test once per seed 1..RUNS (default 20), then, for every
# mutant, in how many runs a failure blamed its checklist item. Writes target/poolcheck/sweep.md
# (ci/report.sh puts it in REPORT.md) and exits 1 if any mutant was missed in any run, or the
# reference failed anything. `.ci/run` runs a CI-sized sweep (`ci/sweep.sh 2`).
# Usage: ci/sweep.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
out=target/poolcheck/sweep
rm -rf "$out"
mkdir -p "$out"
cargo build -q -p harness --tests
for seed in $(seq 1 "$runs"); do
  start=$SECONDS
  set +e
  HARNESS_SEED=$seed POOLCHECK_OUT="$out/$seed" cargo test -q -p harness --test mutants >"$out/$seed.log" 2>&1
  set -e
  echo "sweep: seed $seed done in $((SECONDS - start)) s"
done
python3 ci/tally.py "$out" "$runs" > target/poolcheck/sweep.md
