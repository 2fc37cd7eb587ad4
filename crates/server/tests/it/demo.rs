//! The demo end to end: a simulated 24 h of the Libya scenario fed into a centre seeded as
//! `tansiq demo` seeds it, as fast as it folds; then, through the API as the joint centre's
//! duty officer, every scenario's expected alerts are there in its window, and the alerts no
//! scenario explains stay within the false-alarm budget.
//!
//! The day is fixed (date and seed), so the verdict does not depend on when the suite runs.
//! `cargo bench -p server --bench demo_days` plays other fixed seeds beside it and prints each
//! one's unexplained count, so that a tuning that fits this one day is not taken for one that
//! holds.

use crate::demo_day::{self, Day};

/// The gating day: Tuesday 2026-03-03 with the demo's own seed, 1. Chosen for being ordinary:
/// over the benchmark's eleven seeds (1-11) on this date the unexplained counts were 9, 10, 12,
/// 12, 13, 14, 14, 14, 20, 33 and 34, and seed 1's 14 is their median. Three of the eleven are
/// over the budget; the alert-quality work is where that is dealt with, not here.
pub const GATING_DAY: Day =
    Day { start_ms: 1_772_496_000_000, seed: 1, background: 0.02, hours: 24.0 };

/// Alerts at or above medium severity that no scenario explains, over the simulated day: at
/// most this many. What is left is true to the rules but not staged: fishing boats without AIS
/// (40 % of the fleet, as off Libya) whose radar track first appears outside the port zone, so
/// their run out to sea reads as an unidentified departure, and the odd radar track joined to
/// the wrong boat in a crowded port before it is released. The alert-quality work replaces this
/// budget with scored precision.
const FALSE_ALARM_BUDGET: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_day_raises_every_scenarios_alerts_within_the_false_alarm_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outcome = demo_day::play(GATING_DAY, dir.path(), crate::password_hash()).await;
    let seen = outcome.alerts.len();
    println!("{seen} alerts seen by JOC over the simulated day:\n{}", outcome.summary);
    assert!(outcome.missing.is_empty(), "{:#?}\n{}", outcome.missing, outcome.summary);
    let listed = &outcome.unexplained;
    println!("unexplained alerts at medium or above: {}: {listed:?}", listed.len());
    assert!(
        listed.len() <= FALSE_ALARM_BUDGET,
        "{} unexplained alerts, budget {FALSE_ALARM_BUDGET}: {listed:?}",
        listed.len()
    );
}

#[test]
fn the_gating_day_is_a_utc_midnight() {
    assert_eq!(GATING_DAY.start_ms % demo_day::DAY, 0);
    assert_eq!(sim::iso8601(GATING_DAY.start_ms), "2026-03-03T00:00:00.000Z");
}
