//! The centre's clock: the one place the server reads the time of day.
//!
//! The engine has no clock; every event carries its time. The edges stamp what they receive
//! (observations, sign-ins, decisions) with [`Clock::now`] of the centre they feed, and the API
//! asks the same clock when it judges sessions and agreements. A centre runs on the system clock;
//! a test (or an exercise replayed on a fixed day) starts it at a time of its choosing, from
//! which it runs on at real speed, so that nothing it checks depends on the day it runs.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use model::Time;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    set: Option<Arc<SetClock>>,
}

/// A clock set to `origin` at `at`.
#[derive(Debug)]
struct SetClock {
    origin: Time,
    at: Instant,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock { set: None }
    }

    /// A clock that reads `origin` now and runs on from there at real speed.
    pub fn starting_at(origin: Time) -> Clock {
        Clock { set: Some(Arc::new(SetClock { origin, at: Instant::now() })) }
    }

    pub fn now(&self) -> Time {
        match &self.set {
            None => system_now(),
            Some(set) => Time(set.origin.0.saturating_add(set.at.elapsed().as_millis() as i64)),
        }
    }
}

fn system_now() -> Time {
    let ms =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    Time(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_starts_where_it_is_set_and_runs_forward() {
        let origin = Time(1_772_438_400_000); // 2026-03-02T08:00:00Z
        let clock = Clock::starting_at(origin);
        let first = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let second = clock.now();
        assert!(first >= origin && first.0 < origin.0 + 1_000, "{first:?}");
        assert!(second.0 >= first.0 + 5, "{first:?} then {second:?}");
        // Clones read the same clock.
        assert!(clock.clone().now() >= second);
    }

    #[test]
    fn the_system_clock_reads_the_system_time() {
        let before = system_now();
        let now = Clock::system().now();
        assert!(now >= before && now.0 < before.0 + 60_000);
    }
}
