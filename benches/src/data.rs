//! Seeded data sets of the seed's sizes, for the task programs, `ci/perf.sh` and the benchmarks.
//!
//! At scale 1 (`gendata --scale 1`, what `ci/perf.sh` runs):
//! - task 2: 1 GiB of random bytes in 256 files of varied sizes, two directories deep;
//! - task 4: a 1 GB CSV `id,name,score` of about 27.5 M records, 1% of them invalid by one of the
//!   contract's rules, some valid ones quoted (a comma, a doubled quote, a line break inside);
//! - task 5: about 223 MB of text in 32 files, about 48 M words drawn from a Zipf-distributed
//!   vocabulary of 100,000 words (a few with non-ASCII letters), sentences capitalised.
//!
//! A smaller scale shrinks the bytes and keeps the file counts. The same seed and scale give the
//! same bytes. Each generator returns a [`Manifest`] with the answer the task must find (files and
//! bytes, valid rows, errors and histogram, word totals and top ten), so a run can be checked.

use fastrand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Task 2 at scale 1: 1 GiB in 256 files.
pub const TREE_BYTES: u64 = 1 << 30;
pub const TREE_FILES: u64 = 256;
/// Task 4 at scale 1: 1 GB (about 27.5 M records).
pub const CSV_BYTES: u64 = 1_000_000_000;
/// Task 5 at scale 1: 223 MB in 32 files (about 48 M words).
pub const CORPUS_BYTES: u64 = 223_000_000;
pub const CORPUS_FILES: u64 = 32;

/// What a data set holds: what a correct run of its task reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub task: u8,
    pub seed: u64,
    pub scale: f64,
    pub files: u64,
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvCounts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<WordCounts>,
}

/// Task 4's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvCounts {
    pub records: u64,
    pub valid: u64,
    pub errors: u64,
    /// Valid rows per score bucket `score / 10`, buckets 0 to 10.
    pub histogram: Vec<u64>,
}

/// Task 5's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordCounts {
    pub words: u64,
    pub distinct: u64,
    /// Most frequent first, ties in ascending byte order.
    pub top_ten: Vec<(String, u64)>,
}

/// A seed and a scale: which data set, and how big.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub seed: u64,
    pub scale: f64,
}

impl Spec {
    fn bytes(&self, full: u64) -> u64 {
        (full as f64 * self.scale).round().max(1.0) as u64
    }

    fn manifest(&self, task: u8, files: u64, bytes: u64) -> Manifest {
        let (seed, scale) = (self.seed, self.scale);
        Manifest {
            task,
            seed,
            scale,
            files,
            bytes,
            csv: None,
            words: None,
        }
    }

    /// Task 2: random bytes in [`TREE_FILES`] files under `root`, `root/d?/d?/file???.bin`.
    pub fn tree(&self, root: &Path) -> io::Result<Manifest> {
        let mut rng = Rng::with_seed(self.seed ^ 2);
        let total = self.bytes(TREE_BYTES);
        // Varied sizes (up to 5 times the smallest) that add up to the total exactly.
        let weights: Vec<f64> = (0..TREE_FILES).map(|_| 0.25 + rng.f64()).collect();
        let sum: f64 = weights.iter().sum();
        let mut sizes: Vec<u64> = weights
            .iter()
            .map(|w| (total as f64 * w / sum) as u64)
            .collect();
        sizes[0] += total - sizes.iter().sum::<u64>();
        let mut chunk = vec![0u8; 1 << 20];
        for (i, size) in sizes.iter().enumerate() {
            let dir = root.join(format!("d{}/d{}", i % 4, i / 4 % 8));
            fs::create_dir_all(&dir)?;
            let mut file = File::create(dir.join(format!("file{i:03}.bin")))?;
            let mut left = *size as usize;
            while left > 0 {
                let n = left.min(chunk.len());
                rng.fill(&mut chunk[..n]);
                file.write_all(&chunk[..n])?;
                left -= n;
            }
        }
        Ok(self.manifest(2, TREE_FILES, total))
    }

    /// Task 4: a CSV of `id,name,score` records at `path`, ids counting from 1.
    pub fn csv(&self, path: &Path) -> io::Result<Manifest> {
        let mut rng = Rng::with_seed(self.seed ^ 4);
        let names = Names::new(&mut rng);
        let target = self.bytes(CSV_BYTES);
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let header = format!("{}\n", harness::contracts::task04_csv_parser::HEADER);
        out.write_all(header.as_bytes())?;
        let mut bytes = header.len() as u64;
        let mut counts = CsvCounts {
            records: 0,
            valid: 0,
            errors: 0,
            histogram: vec![0; 11],
        };
        let mut line = Vec::with_capacity(256);
        while bytes < target {
            counts.records += 1;
            line.clear();
            match record(&mut rng, &names, counts.records, &mut line) {
                Some(score) => {
                    counts.valid += 1;
                    counts.histogram[usize::from(score / 10)] += 1;
                }
                None => counts.errors += 1,
            }
            out.write_all(&line)?;
            bytes += line.len() as u64;
        }
        out.flush()?;
        Ok(Manifest {
            csv: Some(counts),
            ..self.manifest(4, 1, bytes)
        })
    }

    /// Task 5: [`CORPUS_FILES`] text files `part??.txt` in `dir`.
    pub fn corpus(&self, dir: &Path) -> io::Result<Manifest> {
        let mut rng = Rng::with_seed(self.seed ^ 5);
        let vocab = Vocabulary::new(&mut rng, 100_000);
        let mut counts = vec![0u64; vocab.words.len()];
        let per_file = self.bytes(CORPUS_BYTES) / CORPUS_FILES;
        fs::create_dir_all(dir)?;
        let mut bytes = 0;
        for f in 0..CORPUS_FILES {
            let mut out = BufWriter::with_capacity(
                1 << 20,
                File::create(dir.join(format!("part{f:02}.txt")))?,
            );
            let (mut written, mut column) = (0u64, 0usize);
            while written < per_file.max(1) {
                let length = rng.usize(4..=18);
                for i in 0..length {
                    let id = vocab.sample(&mut rng);
                    counts[id] += 1;
                    let word = if i == 0 {
                        &vocab.capitalised[id]
                    } else {
                        &vocab.words[id]
                    };
                    let sep: &[u8] = match (i + 1 == length, rng.u8(..15)) {
                        (true, _) => b".",
                        (false, 0) => b",",
                        _ => b"",
                    };
                    column += word.len() + sep.len() + 1;
                    let space: &[u8] = if column > 72 {
                        column = 0;
                        b"\n"
                    } else {
                        b" "
                    };
                    for part in [word.as_bytes(), sep, space] {
                        out.write_all(part)?;
                        written += part.len() as u64;
                    }
                }
            }
            out.flush()?;
            bytes += written;
        }
        let mut ranked: Vec<(String, u64)> = (counts.iter().zip(&vocab.words))
            .filter(|(n, _)| **n > 0)
            .map(|(n, w)| (w.clone(), *n))
            .collect();
        let distinct = ranked.len() as u64;
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(10);
        Ok(Manifest {
            words: Some(WordCounts {
                words: counts.iter().sum(),
                distinct,
                top_ten: ranked,
            }),
            ..self.manifest(5, CORPUS_FILES, bytes)
        })
    }
}

/// Appends `n` in decimal.
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Invalid records, in per mille of all records.
const INVALID_PER_MILLE: u32 = 10;

/// Writes record `id` into `line`, ending in `\n`: its score when it is a valid row, `None` when
/// it breaks exactly one of the contract's rules.
fn record(rng: &mut Rng, names: &Names, id: u64, line: &mut Vec<u8>) -> Option<u8> {
    let score = rng.u8(0..=100);
    let roll = rng.u32(0..1000);
    if roll < INVALID_PER_MILLE {
        invalid(rng, names, id, score, line);
        return None;
    }
    let (first, last) = names.pick(rng);
    push_u64(line, id);
    line.push(b',');
    match roll {
        // Quoted, as a spreadsheet writes a name with a comma, a quote or a line break in it.
        ..30 => line.extend_from_slice(format!("\"{last}, {first}\"").as_bytes()),
        30..32 => line.extend_from_slice(format!("\"{first} \"\"{last}\"\"\n{last}\"").as_bytes()),
        _ => {
            line.extend_from_slice(first.as_bytes());
            line.push(b' ');
            line.extend_from_slice(last.as_bytes());
        }
    }
    line.push(b',');
    match roll {
        32..35 => line.extend_from_slice(format!("{score:03}").as_bytes()), // "007" is valid
        _ => push_u64(line, u64::from(score)),
    }
    line.push(b'\n');
    Some(score)
}

/// One record that breaks one rule: an empty name, a score out of range or not an integer, an
/// id that is not a `u64`, a missing or extra field, a name that is not UTF-8.
fn invalid(rng: &mut Rng, names: &Names, id: u64, score: u8, line: &mut Vec<u8>) {
    let (first, last) = names.pick(rng);
    let name = format!("{first} {last}");
    let text = match rng.u8(0..9) {
        0 => format!("{id},,{score}"),
        1 => format!("{id},{name},{}", rng.u16(101..=999)),
        2 => format!("{id},{name},-{}", score.max(1)),
        3 => format!("{id},{name},{score}.0"),
        4 => format!("x{id},{name},{score}"),
        5 => format!(" {id},{name},{score}"),
        6 => format!("{id},{name}"),
        7 => format!("{id},{name},{score},"),
        _ => {
            line.extend_from_slice(format!("{id},{name}").as_bytes());
            line.push(0xff);
            format!(",{score}")
        }
    };
    line.extend_from_slice(text.as_bytes());
    line.push(b'\n');
}

/// First and last names made of syllables.
struct Names {
    first: Vec<String>,
    last: Vec<String>,
}

impl Names {
    fn new(rng: &mut Rng) -> Self {
        let mut make = |syllables: std::ops::RangeInclusive<usize>| -> String {
            let mut name = String::new();
            for _ in 0..rng.usize(syllables.clone()) {
                name.push(letter(rng, b"bcdfghjklmnprstvz"));
                name.push(letter(rng, b"aeiou"));
                if rng.u8(..3) == 0 {
                    name.push(letter(rng, b"lmnrs"));
                }
            }
            name[..1].to_uppercase() + &name[1..]
        };
        Names {
            first: (0..512).map(|_| make(4..=6)).collect(),
            last: (0..512).map(|_| make(3..=6)).collect(),
        }
    }

    fn pick(&self, rng: &mut Rng) -> (&str, &str) {
        let first = &self.first[rng.usize(..self.first.len())];
        (first, &self.last[rng.usize(..self.last.len())])
    }
}

/// One of `letters`, uniformly.
fn letter(rng: &mut Rng, letters: &[u8]) -> char {
    letters[rng.usize(..letters.len())] as char
}

/// Words ranked by frequency, drawn with Zipf's law (the word of rank r has weight 1/r); the
/// frequent ones are short.
struct Vocabulary {
    words: Vec<String>,
    capitalised: Vec<String>,
    /// The inverse of the cumulative distribution, quantised: a uniform index gives a rank.
    table: Vec<u32>,
}

const TABLE_BITS: u32 = 22;

impl Vocabulary {
    fn new(rng: &mut Rng, size: usize) -> Self {
        // Letters roughly as often as in English text.
        const LETTERS: &[u8] = b"eeeeeeeeeeeetttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddlllluuccmmwwffggyyppbbvkjxqz";
        const ACCENTED: [char; 6] = ['é', 'ü', 'ö', 'ñ', 'ç', 'å'];
        let mut seen = HashSet::new();
        let mut words = Vec::with_capacity(size);
        for rank in 1..=size {
            let mut length = 1 + (0.45 * (rank as f64).ln() + rng.f64()) as usize;
            let word = 'fresh: loop {
                for _ in 0..20 {
                    let mut word: String = (0..length).map(|_| letter(rng, LETTERS)).collect();
                    if length >= 3 && rng.u8(..100) == 0 {
                        let at = rng.usize(..length);
                        let accented = ACCENTED[rng.usize(..ACCENTED.len())];
                        word.replace_range(at..at + 1, accented.encode_utf8(&mut [0; 4]));
                    }
                    if seen.insert(word.clone()) {
                        break 'fresh word;
                    }
                }
                length += 1; // short words run out: 26 of one letter, 676 of two
            };
            words.push(word);
        }
        let capitalised = words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
                first.unwrap_or_default() + chars.as_str()
            })
            .collect();
        let norm: f64 = (1..=size).map(|r| 1.0 / r as f64).sum();
        let slots = 1usize << TABLE_BITS;
        let mut table = Vec::with_capacity(slots);
        let (mut rank, mut cumulative) = (0usize, 1.0 / norm);
        for slot in 0..slots {
            let u = (slot as f64 + 0.5) / slots as f64;
            while cumulative < u && rank + 1 < size {
                rank += 1;
                cumulative += 1.0 / ((rank + 1) as f64 * norm);
            }
            table.push(rank as u32);
        }
        Vocabulary {
            words,
            capitalised,
            table,
        }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        self.table[(rng.u32(..) >> (32 - TABLE_BITS)) as usize] as usize
    }
}
