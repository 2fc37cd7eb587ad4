//! Code shared by the engine's benchmarks.

pub mod workload;
