#!/usr/bin/env bash
# race_free: model-checks the pool kernels with loom, every interleaving of a small pool, and proves
# the model can fail on a racy mutant. Release build (loom is slow unoptimised).
# Replay a failing interleaving: LOOM_CHECKPOINT_FILE=loom.json LOOM_CHECKPOINT_INTERVAL=1 ci/loom.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Each model sets its own preemption bound (harness/tests/loom.rs); LOOM_MAX_PREEMPTIONS overrides all.
cargo test -p harness --features loom --release --test loom "$@"
