//! Shared by the criterion benchmarks (`benches/`), the data generator (`gendata`) and the
//! machine's limits (`limits`): seeded data sets of the seed's shapes ([`data`]) and the
//! one-thread baselines the pools are measured against ([`baseline`]).

pub mod baseline;
pub mod data;
