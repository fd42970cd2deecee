"""Adds up a catch-rate sweep (ci/sweep.sh): per mutant, in how many seeded runs a failure blamed
its checklist item. Prints a Markdown table; exits 1 if any mutant was missed in any run or the
reference failed in any run. Usage: tally.py SWEEP_DIR RUNS"""
import json
import os
import sys

d, runs = sys.argv[1], int(sys.argv[2])
tally, missing_runs, reference_failed = {}, [], []
for seed in range(1, runs + 1):
    path = os.path.join(d, str(seed), "mutants.json")
    if not os.path.exists(path):
        missing_runs.append(seed)
        continue
    with open(path) as f:
        doc = json.load(f)
    for m in doc["mutants"]:
        t = tally.setdefault(m["name"], {"breaks": m["breaks"], "blamed": 0, "caught": 0, "uncertain": m.get("uncertain", False)})
        t["caught"] += m["caught"]
        t["blamed"] += m["caught"] and m["blamed"]
    with open(os.path.join(d, f"{seed}.log")) as f:
        if "reference_passes_everything ... FAILED" in f.read():
            reference_failed.append(seed)

done = runs - len(missing_runs)
short = {n: t for n, t in tally.items() if t["blamed"] < done}
gating = {n: t for n, t in short.items() if not t["uncertain"]}
print(f"Seeds 1 to {runs}: {done} complete runs. A mutant counts as caught in a run when some")
print("scenario fails it and a failure names the checklist item it breaks.\n")
own = [n for n in tally if "::blind_" not in n]
blind = [n for n in tally if "::blind_" in n]
for label, names in (("in-repo", own), ("blind", blind)):
    full = sum(tally[n]["blamed"] == done for n in names)
    print(f"- {label}: {len(names)} mutants, {full} caught and blamed in {done} of {done} runs")
if reference_failed:
    print(f"- **the reference failed in runs {reference_failed}**")
if missing_runs:
    print(f"- **runs {missing_runs} left no mutants.json**")
print()
if short:
    print("Missed in some runs (*measured* marks the blind races whose rate is measured, not required):\n")
    print("| mutant | must be blamed on | caught and blamed | caught at all |\n|---|---|---|---|")
    for n, t in sorted(short.items()):
        mark = " *measured*" if t["uncertain"] else ""
        print(f"| `{n}`{mark} | {t['breaks']} | {t['blamed']}/{done} | {t['caught']}/{done} |")
else:
    print(f"Every mutant, in-repo and blind, was caught and blamed on its item in {done} of {done} runs.")
sys.exit(1 if gating or reference_failed or missing_runs else 0)
