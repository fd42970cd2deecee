#!/usr/bin/env bash
# race_free: model-checks task 1's pool with loom, every interleaving of a small pool, and proves
# the model can fail on a racy mutant. Release build (loom is slow unoptimised).
# Replay a failing interleaving: LOOM_CHECKPOINT_FILE=loom.json LOOM_CHECKPOINT_INTERVAL=1 ci/loom.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
cargo test -p harness --features loom --release --test loom "$@"
