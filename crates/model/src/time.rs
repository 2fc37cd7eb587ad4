//! Time as UTC milliseconds since the Unix epoch, carried in the data and never read from a clock.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A UTC instant in milliseconds since 1970-01-01T00:00:00Z.
///
/// The core never asks the operating system what time it is; the edges stamp events with a
/// `Time` and everything downstream uses that stamp.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub i64);

impl Time {
    pub const MS_PER_SECOND: i64 = 1_000;
    pub const MS_PER_MINUTE: i64 = 60_000;
    pub const MS_PER_HOUR: i64 = 3_600_000;
    pub const MS_PER_DAY: i64 = 86_400_000;

    pub const fn from_millis(ms: i64) -> Time {
        Time(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Milliseconds from `earlier` to `self`, negative when `self` is earlier.
    pub const fn since(self, earlier: Time) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    pub const fn plus_millis(self, ms: i64) -> Time {
        Time(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}
