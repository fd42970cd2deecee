//! Word-count fixtures shared by tasks 5 and 7 (task 7 is task 5 rebuilt with errgroup, judged
//! on the same corpora): files written to a temporary directory, generated corpora, and the
//! contract's count done one file after another.

use harness::contracts::task05_word_counter::Counts;
use harness::Ctx;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Writes `texts` as `f00.txt`, `f01.txt`, ... in `dir`, in order.
pub(crate) fn write_files(dir: &Path, texts: &[String]) -> Vec<PathBuf> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.join(format!("f{i:02}.txt"));
            std::fs::write(&path, text).expect("the scenario can write its temporary files");
            path
        })
        .collect()
}

pub(crate) fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("the scenario can create a temporary directory")
}

/// `n` short files of ordinary words, for scenarios where the counts are not the question.
pub(crate) fn plain_texts(ctx: &mut Ctx, n: usize) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "go", "Rust", "pool", "worker", "channel", "map", "merge", "word",
    ];
    (0..n)
        .map(|_| {
            let k = ctx.rng.usize(5..30);
            let words: Vec<&str> = (0..k)
                .map(|_| WORDS[ctx.rng.usize(..WORDS.len())])
                .collect();
            words.join(", ")
        })
        .collect()
}

/// The contract's count, one file after another: maximal runs of alphanumeric characters, each
/// lowercased on its own.
pub(crate) fn sequential_count<'a>(texts: impl IntoIterator<Item = &'a str>) -> Counts {
    let mut counts = Counts::new();
    for text in texts {
        let mut word = String::new();
        for c in text.chars().chain([' ']) {
            if c.is_alphanumeric() {
                word.push(c);
            } else if !word.is_empty() {
                *counts.entry(word.to_lowercase()).or_default() += 1;
                word.clear();
            }
        }
    }
    counts
}

/// 32 bytes for proptest's ChaCha from the run's seed (splitmix64), so `--exact` replays them.
pub(crate) fn seed_bytes_from(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// Letters of both cases (some outside ASCII, `Σ` whose lowercase depends on what follows it, `İ`
/// whose lowercase is two characters, the second not alphanumeric), digits (ASCII,
/// Arabic-Indic, superscript, a Roman numeral that has a lowercase), CJK: short words from these
/// collide often, within a file and across files, and after lowercasing.
const ALPHABET: [char; 17] = [
    'a', 'b', 'A', 'B', 'é', 'É', 'ж', 'Ж', 'ß', 'Σ', 'Ο', 'İ', '7', '٣', '²', 'Ⅻ', '中',
];
/// What may stand between words: whitespace of several kinds, punctuation (the apostrophe, which
/// a final sigma looks across), symbols, the replacement character.
const SEPARATORS: [&str; 17] = [
    " ", "\n", "  ", "\t", "\r\n", ",", ", ", ".", "!?", "'", "-", "_", "…", "—", "\u{a0}",
    "\u{3000}", "\u{fffd}",
];

/// A corpus: one to six files, each a run of words and separators (possibly none: empty files).
pub(crate) fn corpus() -> impl Strategy<Value = Vec<String>> {
    let word = prop::collection::vec(prop::sample::select(&ALPHABET[..]), 1..=3)
        .prop_map(|cs| cs.into_iter().collect::<String>());
    let file = (
        prop::sample::select(&SEPARATORS[..]),
        prop::collection::vec((word, prop::sample::select(&SEPARATORS[..])), 0..24),
    )
        .prop_map(|(lead, words)| {
            let mut text = if lead == " " {
                String::new()
            } else {
                lead.into()
            };
            for (w, sep) in words {
                text += &w;
                text += sep;
            }
            text
        });
    prop::collection::vec(file, 1..=6)
}

/// The first few words whose counts differ, as `word: expected x, got y`.
pub(crate) fn differences(expected: &Counts, got: &Counts) -> Vec<String> {
    let mut words: Vec<&String> = expected.keys().chain(got.keys()).collect();
    words.sort();
    words.dedup();
    words
        .into_iter()
        .filter(|w| expected.get(*w) != got.get(*w))
        .take(6)
        .map(|w| {
            format!(
                "{w:?}: expected {}, got {}",
                expected.get(w).copied().unwrap_or(0),
                got.get(w).copied().unwrap_or(0)
            )
        })
        .collect()
}

pub(crate) const COUNT_HINT: &str =
    "split each file with text.split(|c: char| !c.is_alphanumeric()), skip empty pieces, \
     then lowercase each word on its own (lowercasing the whole text first changes a final sigma \
     and splits an İ), read bytes lossily (String::from_utf8_lossy), and merge partial maps with \
     *global.entry(word).or_default() += n: insert() overwrites what other files counted";

/// Bytes that are not UTF-8 between and inside words: a lone continuation byte, a truncated
/// sequence, an overlong encoding, a byte that never occurs.
pub(crate) const NOT_UTF8: &[u8] =
    b"caf\xc3 Caf\xc3\xa9\x80bar \xe2\x82 \xc0\xafquux\xffQUUX 12\xfe34";

/// Words whose lowercase depends on context or grows, and digits, as the contract names them.
pub(crate) const CONTEXT_WORDS: &str =
    "ΟΔΟΣ'Α ΟΔΟΣ οδος'α İstanbul İ ISTANBUL Ⅻ ⅻ x²y 2024 mp3 MP3 ٣٣ ẞ ß";
