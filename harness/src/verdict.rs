//! What a scenario concludes: pass, not attempted, or a failure that teaches.

use crate::checklist::Check;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One broken promise: which checklist item, what the task asked for, what the solution did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub check: Check,
    pub expected: String,
    pub observed: String,
    /// Where to look in the solution, for a learner reading the failure cold.
    pub hint: Option<String>,
    /// The run never reached what the scenario decides on (see [`Failure::undecided`]): a
    /// failure, never a pass, but not a catch of any bug.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
}

impl Failure {
    pub fn new(check: Check, expected: impl Into<String>, observed: impl Into<String>) -> Self {
        Failure {
            check,
            expected: expected.into(),
            observed: observed.into(),
            hint: None,
            undecided: false,
        }
    }

    /// Marks a run that decided nothing (the pool never got into the state the scenario looks
    /// at): it fails, but the mutants test does not count it as catching a mutant.
    pub fn undecided(mut self) -> Self {
        self.undecided = true;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "checklist: {} ({})", self.check, self.check.meaning())?;
        writeln!(f, "expected:  {}", self.expected)?;
        write!(f, "observed:  {}", self.observed)?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint:      {h}")?;
        }
        Ok(())
    }
}

/// Why a scenario stopped before passing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    Fail(Failure),
    /// The solution does not attempt this task (or this stretch goal); never a failure.
    NotAttempted(String),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Fail(f)
    }
}

/// What a scenario body returns; `?` works on both [`Failure`] and [`Stop`].
pub type Outcome = Result<(), Stop>;

/// `Ok(())` if `holds`, else the failure `make` describes: the one assertion form scenarios use.
pub fn ensure(holds: bool, make: impl FnOnce() -> Failure) -> Result<(), Failure> {
    if holds {
        Ok(())
    } else {
        Err(make())
    }
}

/// Shorthand for asserting equality with a checklist item and a hint.
pub fn ensure_eq<T: PartialEq + fmt::Debug>(
    check: Check,
    what: &str,
    expected: T,
    observed: T,
    hint: &str,
) -> Result<(), Failure> {
    ensure(expected == observed, || {
        Failure::new(
            check,
            format!("{what} = {expected:?}"),
            format!("{what} = {observed:?}"),
        )
        .hint(hint)
    })
}
