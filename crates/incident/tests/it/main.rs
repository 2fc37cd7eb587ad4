//! The incident core's integration tests: one binary, a module per concern.

// Helpers outside `#[test]` functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used)]

mod auto;
mod common;
mod lifecycle;
mod metrics;
mod reminders;
mod sar;
mod units;
