//! A seeded source of jitter: the same key and retry always give the same pause, so a scenario
//! predicts every backoff gap exactly, and a solution that draws its jitter elsewhere (a global
//! RNG, none at all) shows in the gaps the servers measure.

use std::time::Duration;

/// Jitter for retries, handed to a solution by the harness. Cheap to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jitter {
    seed: u64,
    step: Duration,
    steps: u32,
}

impl Jitter {
    /// Jitter of 1 to `steps` whole `step`s, chosen by `seed`, the key and the retry.
    pub fn new(seed: u64, step: Duration, steps: u32) -> Self {
        assert!(steps > 0, "jitter needs at least one step");
        Jitter { seed, step, steps }
    }

    /// The jitter to add to the backoff before retry `retry` (1 for the first retry) of the job
    /// keyed `key`: between one step and `steps` steps, never zero.
    pub fn of(&self, key: &str, retry: u32) -> Duration {
        let mut h = self.seed ^ 0x9e37_79b9_7f4a_7c15;
        for b in key.bytes().chain(retry.to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        // splitmix64's finaliser: neighbouring keys get unrelated jitter.
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
        self.step * (1 + (h % u64::from(self.steps)) as u32)
    }

    /// The largest jitter [`Jitter::of`] gives.
    pub fn max(&self) -> Duration {
        self.step * self.steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_and_retry_same_jitter_within_its_range() {
        let j = Jitter::new(7, Duration::from_millis(10), 8);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..200 {
            let key = format!("http://a.test/{i}");
            for retry in 1..=3 {
                let d = j.of(&key, retry);
                assert_eq!(
                    d,
                    j.of(&key, retry),
                    "jitter must be a function of key and retry"
                );
                assert!(
                    d >= Duration::from_millis(10) && d <= j.max(),
                    "{d:?} out of range"
                );
                seen.insert(d);
            }
        }
        assert_eq!(seen.len(), 8, "every step is used");
        assert_ne!(
            (0..20).map(|i| j.of(&i.to_string(), 1)).collect::<Vec<_>>(),
            (0..20)
                .map(|i| Jitter { seed: 8, ..j }.of(&i.to_string(), 1))
                .collect::<Vec<_>>(),
            "another seed, other jitter"
        );
    }
}
