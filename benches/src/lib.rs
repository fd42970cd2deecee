//! Criterion benchmarks of the reference solutions live in `benches/`; this crate has no library
//! code of its own.
