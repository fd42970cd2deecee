//! A crate whose only solution's `name()` never returns. `grade` asks for names in a child
//! process, so it must give up on this crate with exit 2 and a report, not hang.

use harness::contracts::Solution;

pub struct Silent;

impl Solution for Silent {
    fn name(&self) -> &str {
        loop {
            std::thread::park();
        }
    }
}

pub static SILENT: Silent = Silent;

pub fn solutions() -> Vec<&'static dyn Solution> {
    vec![&SILENT]
}
