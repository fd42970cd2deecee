//! JUnit XML as cargo-nextest writes it: one `<testsuite>`, one `<testcase>` per scenario.

use super::results_json::MESSAGE_CAP;
use super::{cap, Run};
use crate::runner::Status;
use std::fmt::Write;

/// Text as XML 1.0 character data or attribute value: markup escaped, and every character XML 1.0
/// forbids (controls, U+FFFE, U+FFFF) dropped, capped so no solution's output floods a report.
fn esc(s: &str) -> String {
    cap(s, MESSAGE_CAP)
        .chars()
        .filter(|c| {
            (!c.is_control() || matches!(c, '\n' | '\t')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .fold(String::new(), |mut o, c| {
            match c {
                '&' => o.push_str("&amp;"),
                '<' => o.push_str("&lt;"),
                '>' => o.push_str("&gt;"),
                '"' => o.push_str("&quot;"),
                '\'' => o.push_str("&apos;"),
                c => o.push(c),
            }
            o
        })
}

pub fn junit(run: &Run) -> String {
    let count = |s: Status| run.verdicts.iter().filter(|v| v.status == s).count();
    let secs = |ms: u64| ms as f64 / 1000.0;
    let total: u64 = run.verdicts.iter().map(|v| v.millis).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"poolcheck\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">",
        run.verdicts.len(),
        count(Status::Fail),
        secs(total)
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"poolcheck: {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{:.3}\">",
        esc(&run.solution),
        run.verdicts.len(),
        count(Status::Fail),
        count(Status::NotAttempted),
        secs(total)
    );
    let _ = write!(
        x,
        "    <properties><property name=\"HARNESS_SEED\" value=\"{}\"/>",
        run.seed
    );
    if let Some(p) = &run.pending {
        let _ = write!(x, "<property name=\"incomplete\" value=\"{}\"/>", esc(p));
    }
    x += "</properties>\n";
    for v in &run.verdicts {
        let _ = write!(
            x,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            esc(&v.scenario.task_id()),
            esc(&v.scenario.name),
            secs(v.millis)
        );
        match (v.status, &v.failure) {
            (Status::Fail, Some(f)) => {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{}: {}\" type=\"{}\">{}</failure>",
                    f.check,
                    esc(&cap(&f.observed, 300)),
                    f.check,
                    esc(&v.message())
                );
                if !v.logs.is_empty() {
                    let _ = writeln!(
                        x,
                        "      <system-out>{}</system-out>",
                        esc(&v.logs.join("\n"))
                    );
                }
                x += "    </testcase>\n";
            }
            (Status::NotAttempted, _) => {
                let why = v.note.clone().unwrap_or_default();
                let _ = writeln!(
                    x,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    esc(&why)
                );
            }
            _ => x += "/>\n",
        }
    }
    x += "  </testsuite>\n</testsuites>\n";
    x
}

/// The report of a run where nothing could run: one errored test case carrying the message.
pub fn junit_error(message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"poolcheck\" tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite name=\"poolcheck\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"poolcheck\" name=\"build\">\n      <error message=\"nothing could run\">{}</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n",
        esc(message)
    )
}
