//! The speed target: position updates from many tracks folded against all of Libya's
//! zones plus 1,000 user zones with every rule on (target ≥ 1M updates/s on one core).
//!
//! Run: `cargo bench -p engine --bench fold` (release profile; not part of `cargo test`).
//! The workload is in `common/workload.rs`; `bench/picture.sh` runs the same workload side by
//! side with PostGIS. The user zones are watched (entry, exit, dwell), as the issue asks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::workload::{events, geography};
use divan::{Bencher, counter::ItemsCount};
use engine::{Engine, EngineConfig};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn every_rule_on(bencher: Bencher) {
    let events = events();
    let geo = geography();
    bencher
        .counter(ItemsCount::new(events.len()))
        .with_inputs(|| {
            let mut config = EngineConfig::default();
            config.rules.zone.kinds = vec![model::ZoneKind::User];
            Engine::new(config, Arc::clone(&geo))
        })
        .bench_local_values(|mut engine| {
            for (seq, e) in events.iter().enumerate() {
                engine.apply(seq as u64, e);
            }
            engine
        });
}
