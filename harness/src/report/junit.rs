//! JUnit XML as cargo-nextest writes it: one `<testsuite>`, one `<testcase>` per scenario.

use super::Run;
use crate::runner::Status;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
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
    let secs = |ms: u128| ms as f64 / 1000.0;
    let total: u128 = run.verdicts.iter().map(|v| v.millis).sum();
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
    let _ = writeln!(
        x,
        "    <properties><property name=\"HARNESS_SEED\" value=\"{}\"/></properties>",
        run.seed
    );
    for v in &run.verdicts {
        let _ = write!(
            x,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            v.task.id(),
            v.scenario,
            secs(v.millis)
        );
        match (v.status, &v.failure) {
            (Status::Fail, Some(f)) => {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{}: {}\" type=\"{}\">{}</failure>",
                    f.check,
                    esc(&f.observed),
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
