#!/usr/bin/env bash
# The CI gate: reads the reports a `POOLCHECK_OUT=target/poolcheck cargo test -p harness` run left
# and grades solutions from outside the workspace, as a grader would.
#  - the reference's results.json says pass;
#  - grading the bundled reference and the outside example crate exits 0;
#  - grading every mutant exits 1, and its report.md blames the checklist item it breaks
#    (the blind races whose catch is measured, not required, are left to ci/sweep.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/poolcheck
fail=0
say() { printf 'gate: %s\n' "$*"; }

status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$out/results.json")
[ "$status" = pass ] || { say "reference results.json status is $status, not pass"; fail=1; }

cargo build -q -p harness --bin grade
grade() { target/debug/grade "$@" >/dev/null 2>&1; }

for crate in impls examples/minimal-solution; do
  if grade "$crate" --out "$out/grade/$(basename "$crate")"; then say "ok: $crate passes"
  else say "FAIL: grading $crate exited $? (want 0)"; fail=1; fi
done
# Task 4's second model answer (records in batches) must pass every task-4 scenario too.
if grade impls --solution batched --only task04 --out "$out/grade/impls-batched"; then say "ok: impls --solution batched passes task 4"
else say "FAIL: grading impls --solution batched exited $? (want 0)"; fail=1; fi

rows=$(python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["mutants"]:
    if not m.get("uncertain"): print(m["name"], m["breaks"])' "$out/mutants.json")
[ -n "$rows" ] || { say "no mutants listed in $out/mutants.json"; exit 1; }
n=0 bad=0
while read -r name check; do
  n=$((n+1))
  dir="$out/grade/mutants/${name//::/__}"
  set +e; grade mutants --solution "$name" --only "${name%%::*}" --out "$dir" --jobs 4; code=$?; set -e
  if [ "$code" != 1 ]; then say "FAIL: mutant $name exited $code (want 1)"; fail=1; bad=$((bad+1))
  elif ! grep -q "fail: $check" "$dir/report.md"; then say "FAIL: mutant $name's report does not blame $check"; fail=1; bad=$((bad+1))
  fi
done <<< "$rows"
[ "$fail" = 0 ] && say "all gates hold" || say "a gate failed"
say "$n mutants graded; each must exit 1 and blame its checklist item"
echo "gate: $((n-bad)) passed, $bad failed"
exit "$fail"
