//! The report people read: a task × checklist matrix, then each failure in full.

use super::Run;
use crate::checklist::Check;
use crate::runner::{Status, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

/// One cell of the matrix: what the scenarios of one task said about one checklist item.
fn cell(verdicts: &[&Verdict], check: Check) -> &'static str {
    let covering: Vec<_> = verdicts
        .iter()
        .filter(|v| v.checks.contains(&check))
        .collect();
    let broke = verdicts
        .iter()
        .any(|v| v.failure.as_ref().is_some_and(|f| f.check == check));
    if broke {
        "❌"
    } else if covering.is_empty() {
        if check == Check::RaceFree && verdicts.iter().any(|v| v.task.number == 1) {
            "loom"
        } else {
            "·"
        }
    } else if covering.iter().all(|v| v.status == Status::NotAttempted) {
        "—"
    } else {
        "✅"
    }
}

pub fn markdown(run: &Run) -> String {
    let count = |s: Status| run.verdicts.iter().filter(|v| v.status == s).count();
    let mut m = format!("# poolcheck report: {}\n\n", run.solution);
    let _ = writeln!(
        m,
        "Seed `HARNESS_SEED={}`. {} passed, {} failed, {} not attempted.\n",
        run.seed,
        count(Status::Pass),
        count(Status::Fail),
        count(Status::NotAttempted)
    );
    let mut by_task: BTreeMap<u8, Vec<&Verdict>> = BTreeMap::new();
    for v in &run.verdicts {
        by_task.entry(v.task.number).or_default().push(v);
    }

    m += "## Checklist by task\n\n";
    m += "✅ held in every scenario that checks it · ❌ broken · — not attempted · \
          `·` no scenario checks it for this task · `loom` decided by the loom model check \
          (`ci/loom.sh`)\n\n| task |";
    for c in Check::ALL {
        let _ = write!(m, " {} |", c.name());
    }
    m += "\n|---|";
    m += &"---|".repeat(Check::ALL.len());
    m += "\n";
    for vs in by_task.values() {
        let _ = write!(m, "| {} |", vs[0].task.id());
        for c in Check::ALL {
            let _ = write!(m, " {} |", cell(vs, c));
        }
        m += "\n";
    }

    m += "\n## Scenarios\n\n| scenario | checks | verdict | decides |\n|---|---|---|---|\n";
    for v in &run.verdicts {
        let verdict = match (&v.status, &v.failure) {
            (Status::Pass, _) => "pass".to_string(),
            (Status::NotAttempted, _) => "not attempted".to_string(),
            (Status::Fail, Some(f)) => format!("**fail: {}**", f.check),
            (Status::Fail, None) => "**fail**".to_string(),
        };
        let checks: Vec<_> = v.checks.iter().map(|c| c.name()).collect();
        let _ = writeln!(
            m,
            "| `{}` | {} | {} | {} |",
            v.name(),
            checks.join(", "),
            verdict,
            v.about
        );
    }

    let failed: Vec<_> = run
        .verdicts
        .iter()
        .filter(|v| v.status == Status::Fail)
        .collect();
    if !failed.is_empty() {
        m += "\n## Failures\n";
        for v in failed {
            let _ = write!(m, "\n### `{}`\n\n```text\n{}\n```\n", v.name(), v.message());
        }
    }
    m
}
