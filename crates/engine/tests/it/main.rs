//! The engine's fold: determinism, snapshot + tail = replay, lifecycle by event time, rules.

mod fold;
mod fusion;
mod lifecycle;
mod replay;
mod rules_land;
mod rules_more;
mod rules_sea;
mod support;

use std::sync::{Arc, OnceLock};

use engine::geo::Geography;

/// The shipped geography, built once per test binary.
pub fn geography() -> Arc<Geography> {
    static G: OnceLock<Arc<Geography>> = OnceLock::new();
    G.get_or_init(|| Arc::new(Geography::libya().expect("the shipped geography builds"))).clone()
}
