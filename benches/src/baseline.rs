//! Each task's work done on one thread, without a pool: the baseline a pool's time is read
//! against (`limits` reports them, the benchmarks run them beside the pools). Same inputs, same
//! rules and same answers as the contracts ask of the pools.

use crate::data::CsvCounts;
use csv::{ByteRecord, ReaderBuilder};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::from_utf8;

/// Every regular file under `root`, in path order.
pub fn files_under(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            match entry.file_type()? {
                t if t.is_dir() => dirs.push(entry.path()),
                t if t.is_file() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every file to its end into one reused buffer (`cat > /dev/null`); returns the bytes read.
pub fn read_all(paths: &[PathBuf]) -> io::Result<u64> {
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0;
    for path in paths {
        let mut file = File::open(path)?;
        loop {
            match file.read(&mut buf)? {
                0 => break,
                n => bytes += n as u64,
            }
        }
    }
    Ok(bytes)
}

/// Task 2 on one thread: the SHA-256 of every file, streamed as the pool's workers stream it.
pub fn hash_files(paths: &[PathBuf]) -> io::Result<Vec<[u8; 32]>> {
    let hash = |path: &PathBuf| -> io::Result<[u8; 32]> {
        let mut hasher = Sha256::new();
        io::copy(&mut File::open(path)?, &mut hasher)?;
        Ok(hasher.finalize().into())
    };
    paths.iter().map(hash).collect()
}

/// Task 4 on one thread: the csv crate's reader and the contract's rules, without allocating a
/// row: the valid rows, the errors and the score histogram.
pub fn parse_csv(path: &Path) -> io::Result<CsvCounts> {
    let mut reader = ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(File::open(path)?);
    let mut counts = CsvCounts {
        records: 0,
        valid: 0,
        errors: 0,
        histogram: vec![0; 11],
    };
    let mut record = ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        counts.records += 1;
        match score(&record) {
            Some(score) => {
                counts.valid += 1;
                counts.histogram[usize::from(score / 10)] += 1;
            }
            None => counts.errors += 1,
        }
    }
    Ok(counts)
}

/// A valid row's score, by the contract's rules; `None` for an error record.
fn score(record: &ByteRecord) -> Option<u8> {
    let [id, name, score] = [0, 1, 2].map(|i| record.get(i).and_then(|f| from_utf8(f).ok()));
    if record.len() != 3 || id?.parse::<u64>().is_err() || name?.is_empty() {
        return None;
    }
    score?.parse::<u8>().ok().filter(|s| *s <= 100)
}

/// Task 5 on one thread: the contract's words (maximal alphanumeric runs, each lowercased) of
/// every file, counted into one map.
pub fn count_words(paths: &[PathBuf]) -> io::Result<HashMap<String, u64>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for path in paths {
        let bytes = std::fs::read(path)?;
        let text = String::from_utf8_lossy(&bytes);
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = word.to_lowercase();
            match counts.get_mut(&word) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(word, 1);
                }
            }
        }
    }
    Ok(counts)
}
