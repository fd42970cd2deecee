#!/usr/bin/env bash
# Regenerates REPORT.md: the conformance report of the reference solutions (every scenario, the
# task x checklist matrix), the loom model check, the mutant -> caught-by tables (in-repo and
# blind, with the blind set's first run and its triage), the catch rate of every mutant over 20
# seeded runs (ci/sweep.sh), the hostile solutions (ci/hostile.sh), the benchmarks and the
# performance table on data of the seed's sizes (ci/perf.sh).
# Usage: ci/report.sh              (HARNESS_SEED defaults to 1 so the report is reproducible)
#        ci/report.sh --keep-perf  keeps the last run's benchmarks and performance table (each
#                                  dated in its header), for a change that cannot move them
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS_SEED="${HARNESS_SEED:-1}"
out=target/poolcheck
keep=""
if [ "${1:-}" = "--keep-perf" ]; then
  keep=$(mktemp -d)
  for f in bench.txt perf.txt perf.md perf.json; do
    cp "$out/$f" "$keep/" || { echo "report: --keep-perf needs a previous run's $out/$f" >&2; exit 2; }
  done
fi
rm -rf "$out"
mkdir -p "$out"
# The hostile crates first: a forger writes reports wherever it finds them.
bash ci/hostile.sh > "$out/hostile.txt" 2>&1 || true
POOLCHECK_OUT="$out" cargo test -q -p harness --test suite --test mutants
bash ci/loom.sh 2>&1 | grep -E '^test |^test result' > "$out/loom.txt"
bash ci/sweep.sh 20 || true
if [ -n "$keep" ]; then
  cp "$keep"/* "$out/"
else
  cargo bench -q -p benches -- --warm-up-time 1 --measurement-time 3 > "$out/bench.txt" 2>&1
  bash ci/perf.sh > "$out/perf.txt" 2>&1 && cp target/perf/perf.md target/perf/perf.json "$out/"
fi
python3 ci/compose_report.py "$out" > REPORT.md
echo "REPORT.md written"
