//! The report people read: a task × checklist matrix, then each failure in full.

use super::results_json::MESSAGE_CAP;
use super::{cap, Run};
use crate::checklist::Check;
use crate::runner::{Status, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Tasks whose pool kernel `harness/tests/loom.rs` model-checks (`ci/loom.sh`): their
/// `race_free` is decided there when no scenario covers it.
const LOOM_MODELS: [u8; 4] = [1, 8, 11, 14];

/// One cell of the matrix: what the scenarios of one task said about one checklist item.
fn cell(verdicts: &[&Verdict], check: Check) -> &'static str {
    let covering: Vec<_> = verdicts
        .iter()
        .filter(|v| v.scenario.checks.contains(&check))
        .collect();
    let broke = verdicts
        .iter()
        .any(|v| v.failure.as_ref().is_some_and(|f| f.check == check));
    if broke {
        "❌"
    } else if covering.is_empty() {
        if check == Check::RaceFree
            && verdicts
                .iter()
                .any(|v| LOOM_MODELS.contains(&v.scenario.task))
        {
            "loom"
        } else {
            "·"
        }
    } else if covering.iter().all(|v| v.status == Status::NotAttempted) {
        "—"
    } else if covering.iter().any(|v| v.status == Status::Fail) {
        // A scenario that decides this item failed on another one first: nothing is known.
        "?"
    } else {
        "✅"
    }
}

/// Text a solution may have chosen (its name, a panic message), as inert Markdown: every
/// character Markdown or HTML could read as markup is escaped, and line breaks become spaces so a
/// table row stays one row.
fn inert(s: &str) -> String {
    cap(s, 300).chars().fold(String::new(), |mut o, c| {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' => {
                o.push('\\');
                o.push(c)
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' | '\r' => o.push(' '),
            c if c.is_control() => {}
            c => o.push(c),
        }
        o
    })
}

/// A name as a code span when it is a plain identifier path, else as inert text.
fn code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        format!("`{s}`")
    } else {
        inert(s)
    }
}

/// A task id as the matrix shows it: as is when plain, else inert.
fn plain(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        s.to_string()
    } else {
        inert(s)
    }
}

/// A fenced block that no backtick run inside `text` can close early.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let text: String = cap(text, MESSAGE_CAP)
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    format!("{fence}text\n{text}\n{fence}")
}

pub fn markdown(run: &Run) -> String {
    let count = |s: Status| run.verdicts.iter().filter(|v| v.status == s).count();
    let mut m = format!("# poolcheck report: {}\n\n", inert(&run.solution));
    if let Some(p) = &run.pending {
        let _ = writeln!(m, "**{}**\n", inert(p));
    }
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
        by_task.entry(v.scenario.task).or_default().push(v);
    }

    m += "## Checklist by task\n\n";
    m += "✅ held in every scenario that checks it · ❌ broken · ? undecided (a scenario that \
          checks it failed on another item first) · — not attempted · \
          `·` no scenario checks it for this task · `loom` decided by the loom model check \
          (`ci/loom.sh`)\n\n| task |";
    for c in Check::ALL {
        let _ = write!(m, " {} |", c.name());
    }
    m += "\n|---|";
    m += &"---|".repeat(Check::ALL.len());
    m += "\n";
    for vs in by_task.values() {
        let _ = write!(m, "| {} |", plain(&vs[0].scenario.task_id()));
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
        let checks: Vec<_> = v.scenario.checks.iter().map(|c| c.name()).collect();
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} |",
            code(&v.name()),
            checks.join(", "),
            verdict,
            inert(&v.scenario.about)
        );
    }

    let simulated: Vec<_> = run.verdicts.iter().filter(|v| v.simulated_ms > 0).collect();
    if !simulated.is_empty() {
        m += "\n## Virtual time\n\nThe scenarios that run simulated worlds: the virtual time their \
              worlds ran, the scenario's whole wall time (its process, setup included), and how many \
              simulated seconds each wall second bought (for the scenarios whose worlds ran a second or more \
              of virtual time).\n\n\
              | scenario | simulated | wall | simulated s per wall s |\n|---|---|---|---|\n";
        for v in simulated {
            // Under a second of virtual time (a refusal, a world that only settles) decides no
            // timing: its ratio would measure the world's setup, not a simulation.
            let rate = match v.millis {
                _ if v.simulated_ms < 1_000 => "— (no timing decided)".to_string(),
                0 => "under 1 ms of wall time".to_string(),
                ms => format!("{:.0}×", v.simulated_ms as f64 / ms as f64),
            };
            let _ = writeln!(
                m,
                "| {} | {:.2} s | {} ms | {rate} |",
                code(&v.name()),
                v.simulated_ms as f64 / 1000.0,
                v.millis,
            );
        }
    }

    let failed: Vec<_> = run
        .verdicts
        .iter()
        .filter(|v| v.status == Status::Fail)
        .collect();
    if !failed.is_empty() {
        m += "\n## Failures\n";
        for v in failed {
            let _ = write!(m, "\n### {}\n\n{}\n", code(&v.name()), fenced(&v.message()));
        }
    }
    m
}
