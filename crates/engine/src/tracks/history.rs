//! A track's thinned history: fixes quantised to 16 bytes, filed in time order, thinned when
//! full.

use model::{Time, TrackPoint};
use serde::{Deserialize, Serialize};

/// A track's history, oldest first, growing by half its length rather than doubling. A
/// history is read as [`TrackPoint`]s and stored in snapshots as their sequence.
///
/// Only the trail is quantised: the track's current position, speed and course
/// ([`Track`]) stay exact `f64`. Each fix takes 16 bytes instead of 40: the time exact, as
/// milliseconds after the history's base time, the position in 1e-7 degree (about 1.1 cm),
/// speed in 0.01 m/s and course in 0.01 degree — finer than any sensor reports (AIS:
/// 1/10,000 minute ≈ 18 cm, 0.1 kn, 0.1°). A stored value reads back within half a quantum,
/// and reading then storing gives the same fix, so a snapshot restored from JSON holds the
/// same history, byte for byte.
///
/// A trail covers at most [`SPAN_MS`] (49.7 days, what 32 bits of milliseconds hold) back
/// from its newest fix: a fix older than that is dropped from the trail (not from the
/// track), which only a track followed for seven weeks, or a fix that late, ever sees.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// At or before every fix's time; where it lies changes only the encoding, never what
    /// the history holds or how it behaves.
    base: Time,
    fixes: Vec<Fix>,
}

/// How far back from its newest fix a history reaches, in milliseconds.
pub const SPAN_MS: i64 = u32::MAX as i64;

/// One fix of a history in 16 bytes: see [`History`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fix {
    /// Milliseconds after the history's base time.
    after: u32,
    /// Longitude and latitude in 1e-7 degree (±180° is ±1.8e9, inside `i32`).
    lon: i32,
    lat: i32,
    /// Speed in 0.01 m/s, [`UNKNOWN`] if unknown. Speeds above 655.34 m/s (about Mach 1.9;
    /// the edge accepts up to 1,000 m/s) are kept as 655.34 m/s: only a fast jet's trail
    /// saturates, its current speed stays exact. Negative speeds (the edge refuses them, the
    /// fold does not check) are kept as 0. The fold drops non-finite speeds before they reach
    /// the history; NaN is read as unknown here, infinity as 655.34 m/s.
    speed: u16,
    /// Course in 0.01 degree, in [0, 360), [`UNKNOWN`] if unknown or not finite.
    course: u16,
}

const _: () = assert!(size_of::<Fix>() == 16);

/// Speed or course not known.
const UNKNOWN: u16 = u16::MAX;
/// Degrees to 1e-7 degree.
const DEG: f64 = 1e7;
/// m/s to 0.01 m/s, degrees to 0.01 degree.
const CENTI: f64 = 100.0;

/// `x.round()` (half away from zero), but for the sign of a zero, without the call into the
/// math library it costs on this target: four a fix.
fn round(x: f64) -> f64 {
    // NaN, the infinities and every magnitude from 2^52 up are whole already.
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    // Exact: below 2^52 a float's whole part fits an i64, and taking it away loses nothing.
    let whole = (x as i64) as f64;
    let part = x - whole;
    // Without branches: which way a fraction rounds is random to the processor. Adding or
    // taking 0 or 1 from a whole number below 2^52 is exact.
    whole + f64::from(u8::from(part >= 0.5)) - f64::from(u8::from(part <= -0.5))
}

/// Degrees in 1e-7 degree. Out-of-range values (the fold refuses them) saturate.
fn degrees_q(deg: f64) -> i32 {
    round(deg * DEG) as i32
}

/// 1e-7 degree in degrees, correctly rounded: `degrees_q(degrees(q)) == q` for every `q`.
fn degrees(q: i32) -> f64 {
    f64::from(q) / DEG
}

fn speed_q(speed_mps: Option<f64>) -> u16 {
    match speed_mps {
        None => UNKNOWN,
        Some(v) if v.is_nan() => UNKNOWN,
        // Negative speeds as 0, anything above 655.34 m/s (infinity too) as 655.34 m/s.
        Some(v) => round(v.max(0.0) * CENTI).min(f64::from(UNKNOWN - 1)) as u16,
    }
}

fn course_q(course_deg: Option<f64>) -> u16 {
    match course_deg {
        Some(v) if v.is_finite() => {
            // rem_euclid may give 360 for a tiny negative course, and 359.996 rounds to 36000:
            // both are north. It is the identity on [0, 360), where nearly every course lies,
            // and costs a call into the math library (`fmod`) on every fix otherwise.
            let turned = if (0.0..360.0).contains(&v) { v } else { v.rem_euclid(360.0) };
            let q = round(turned * CENTI) as u16;
            if q >= 36_000 { 0 } else { q }
        }
        _ => UNKNOWN,
    }
}

/// 0.01 units in units, correctly rounded; [`UNKNOWN`] as `None`.
fn centi(q: u16) -> Option<f64> {
    (q != UNKNOWN).then(|| f64::from(q) / CENTI)
}

impl Fix {
    /// `after`: the point's time after the history's base, which the caller checked.
    fn of(p: TrackPoint, after: u32) -> Fix {
        Fix {
            after,
            lon: degrees_q(p.lon),
            lat: degrees_q(p.lat),
            speed: speed_q(p.speed_mps),
            course: course_q(p.course_deg),
        }
    }

    fn point(self, base: Time) -> TrackPoint {
        TrackPoint {
            time: Time(base.0.wrapping_add(i64::from(self.after))),
            lon: degrees(self.lon),
            lat: degrees(self.lat),
            speed_mps: centi(self.speed),
            course_deg: centi(self.course),
        }
    }
}

impl History {
    pub fn len(&self) -> usize {
        self.fixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fixes.is_empty()
    }

    /// The points, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = TrackPoint> + ExactSizeIterator + '_ {
        self.fixes.iter().map(|f| f.point(self.base))
    }

    pub fn last(&self) -> Option<TrackPoint> {
        self.fixes.last().map(|f| f.point(self.base))
    }

    /// Asks for the newest fix's cache line (see `Engine::warm`).
    pub(crate) fn prefetch_last(&self) {
        crate::prefetch::item(&self.fixes, self.fixes.len().wrapping_sub(1));
    }

    /// Makes room for a fix at `time`: its offset from the base, moving the base (and
    /// dropping fixes more than [`SPAN_MS`] older than the newest) if it falls outside;
    /// `None` if the fix is itself that much older than the newest.
    fn admit(&mut self, time: Time) -> Option<u32> {
        if self.fixes.is_empty() {
            self.base = time;
            return Some(0);
        }
        let base = i128::from(self.base.0);
        let offset = i128::from(time.0) - base;
        if (0..=i128::from(SPAN_MS)).contains(&offset) {
            return u32::try_from(offset).ok();
        }
        // Rare: seven weeks of trail, or a fix older than every other.
        let at = |f: &Fix| base + i128::from(f.after);
        let newest = self.fixes.iter().map(at).max().unwrap_or(base).max(i128::from(time.0));
        let floor = newest - i128::from(SPAN_MS);
        if i128::from(time.0) < floor {
            return None;
        }
        self.fixes.retain(|f| at(f) >= floor);
        let lowest = self.fixes.iter().map(at).min().unwrap_or(i128::MAX).min(i128::from(time.0));
        for f in &mut self.fixes {
            // Within the span of the newest, so within 32 bits of the lowest.
            f.after = u32::try_from(at(f) - lowest).unwrap_or(u32::MAX);
        }
        self.base = Time(i64::try_from(lowest).unwrap_or(time.0));
        u32::try_from(i128::from(time.0) - lowest).ok()
    }

    /// A history of `points` in their order (fixes too old for the span dropped).
    fn of_points(points: &[TrackPoint], capacity: usize) -> History {
        let mut history = History { base: Time::default(), fixes: Vec::with_capacity(capacity) };
        for p in points {
            if let Some(after) = history.admit(p.time) {
                history.fixes.push(Fix::of(*p, after));
            }
        }
        history
    }

    /// Grows by half its length, but not past the `max + 1` fixes it holds before it is
    /// thinned: a long-lived track's history is then exactly that, not 73 slots for 65.
    fn grow(&mut self, max: usize) {
        let len = self.fixes.len();
        if len == self.fixes.capacity() {
            let room = (max + 1).saturating_sub(len).max(1);
            self.fixes.reserve_exact((len / 2).max(2).min(room));
        }
    }

    /// Appends the track's newest fix; in time order if the history holds newer ones (taken
    /// in from a track fused into this one, which was heard after this one's last fix).
    pub(super) fn push(&mut self, p: TrackPoint, max: usize) {
        if let Some(after) = self.admit(p.time) {
            self.grow(max);
            let at = match self.fixes.last() {
                Some(last) if last.after > after => {
                    self.fixes.partition_point(|f| f.after <= after)
                }
                _ => self.fixes.len(),
            };
            self.fixes.insert(at, Fix::of(p, after));
        }
    }

    /// Files a late fix in time order; false, filing nothing, if the history holds it already
    /// (the same time and place: an older report heard again, by another receiver say).
    pub(super) fn insert(&mut self, p: TrackPoint, max: usize) -> bool {
        let Some(after) = self.admit(p.time) else { return true };
        let fix = Fix::of(p, after);
        let at = self.fixes.partition_point(|f| f.after <= after);
        let mut same_time = self.fixes[..at].iter().rev().take_while(|f| f.after == after);
        if same_time.any(|f| (f.lon, f.lat) == (fix.lon, fix.lat)) {
            return false;
        }
        self.grow(max);
        self.fixes.insert(at, fix);
        true
    }

    /// Takes in the history of a track fused into this one.
    pub(super) fn absorb(&mut self, other: History) {
        let mut points: Vec<TrackPoint> = self.iter().chain(other.iter()).collect();
        points.sort_by_key(|p| p.time);
        *self = History::of_points(&points, points.len());
    }

    /// Keeps the newer half whole and every other point of the older half.
    pub(super) fn thin(&mut self) {
        let half = self.fixes.len() / 2;
        let mut index = 0;
        self.fixes.retain(|_| {
            let keep = index >= half || index % 2 == 0;
            index += 1;
            keep
        });
    }
}

/// Equal when they hold the same points, wherever their bases lie.
impl PartialEq for History {
    fn eq(&self, other: &History) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<TrackPoint> for History {
    fn from_iter<I: IntoIterator<Item = TrackPoint>>(iter: I) -> History {
        let points: Vec<TrackPoint> = iter.into_iter().collect();
        History::of_points(&points, points.len())
    }
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<History, D::Error> {
        let points = Vec::<TrackPoint>::deserialize(deserializer)?;
        Ok(History::of_points(&points, points.len()))
    }
}

#[cfg(test)]
mod tests {
    use model::{Time, TrackPoint};
    use proptest::prelude::*;

    use super::{
        CENTI, DEG, History, SPAN_MS, UNKNOWN, course_q, degrees, degrees_q, round, speed_q,
    };

    #[test]
    fn round_is_round_at_the_edges() {
        let two52 = 4_503_599_627_370_496.0;
        for x in [
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            0.0,
            -0.0,
            two52,
            -two52,
            two52 - 0.5,
            two52 + 1.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            2_147_483_647.5,
            -2_147_483_648.5,
        ] {
            assert_eq!(round(x), x.round(), "{x}");
        }
        assert!(round(f64::NAN).is_nan());
    }

    fn fix(lon: f64, lat: f64, speed_mps: Option<f64>, course_deg: Option<f64>) -> TrackPoint {
        TrackPoint { time: Time(1_764_400_000_123), lon, lat, speed_mps, course_deg }
    }

    /// Stores `p` and reads it back.
    fn stored(p: TrackPoint) -> TrackPoint {
        History::from_iter([p]).last().expect("one fix")
    }

    /// Half a quantum, plus the rounding of the read-back value itself.
    fn within(read: f64, stored: f64, quantum: f64) -> bool {
        (read - stored).abs() <= quantum / 2.0 * (1.0 + 1e-9)
    }

    #[test]
    fn a_fix_reads_back_within_half_a_quantum() {
        let positions = [
            (0.0, 0.0),
            (13.191_234_567_89, 32.887_654_321),
            (-0.000_000_049_9, -0.000_000_05),
            (-179.999_999_96, -89.999_999_94),
            (180.0, 90.0),
            (-180.0, -90.0),
            (11.500_000_05, 33.123_456_749_999),
            (-5.432_109_876_5, 47.000_000_123_4),
        ];
        let speeds = [0.0, 0.004_9, 0.005, 3.172_59, 12.345, 200.0, 655.34];
        let courses = [0.0, 0.004, 45.678_9, 180.0, 270.001, 359.99, 359.994_9];
        for (lon, lat) in positions {
            for (speed, course) in speeds.into_iter().zip(courses) {
                let p = fix(lon, lat, Some(speed), Some(course));
                let r = stored(p);
                assert_eq!(r.time, p.time);
                assert!(within(r.lon, lon, 1.0 / DEG), "lon {lon} read as {}", r.lon);
                assert!(within(r.lat, lat, 1.0 / DEG), "lat {lat} read as {}", r.lat);
                let s = r.speed_mps.expect("speed known");
                assert!(within(s, speed, 1.0 / CENTI), "speed {speed} read as {s}");
                let c = r.course_deg.expect("course known");
                assert!(within(c, course, 1.0 / CENTI), "course {course} read as {c}");
            }
        }
        // ±180 and ±90 are exact.
        let r = stored(fix(-180.0, 90.0, None, None));
        assert_eq!((r.lon, r.lat), (-180.0, 90.0));
        let r = stored(fix(180.0, -90.0, None, None));
        assert_eq!((r.lon, r.lat), (180.0, -90.0));
        // Negative longitudes keep their sign and round to the nearest 1e-7 degree.
        assert_eq!(stored(fix(-12.345_678_94, 0.0, None, None)).lon, -12.345_678_9);
        assert_eq!(stored(fix(-12.345_678_96, 0.0, None, None)).lon, -12.345_679);
    }

    #[test]
    fn unknown_speed_and_course_stay_unknown() {
        let r = stored(fix(13.2, 32.9, None, None));
        assert_eq!((r.speed_mps, r.course_deg), (None, None));
        let r = stored(fix(13.2, 32.9, Some(0.0), None));
        assert_eq!((r.speed_mps, r.course_deg), (Some(0.0), None));
        let r = stored(fix(13.2, 32.9, None, Some(0.0)));
        assert_eq!((r.speed_mps, r.course_deg), (None, Some(0.0)));
        // What the fold never lets through is still not read as a known value.
        assert_eq!(stored(fix(0.0, 0.0, Some(f64::NAN), Some(f64::NAN))).speed_mps, None);
        for course in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(stored(fix(0.0, 0.0, None, Some(course))).course_deg, None);
        }
    }

    #[test]
    fn course_is_normalised_into_0_to_360() {
        let course = |c: f64| stored(fix(0.0, 0.0, None, Some(c))).course_deg;
        assert_eq!(course(359.999), Some(0.0));
        assert_eq!(course(359.995), Some(0.0));
        assert_eq!(course(359.994), Some(359.99));
        assert_eq!(course(360.0), Some(0.0));
        assert_eq!(course(-0.0), Some(0.0));
        assert_eq!(course(-1e-20), Some(0.0));
        assert_eq!(course(-90.0), Some(270.0));
        assert_eq!(course(725.5), Some(5.5));
    }

    #[test]
    fn speeds_saturate_and_negative_speeds_are_zero() {
        let speed = |s: f64| stored(fix(0.0, 0.0, Some(s), None)).speed_mps;
        assert_eq!(speed(655.34), Some(655.34));
        assert_eq!(speed(655.35), Some(655.34), "655.35 m/s is not read as unknown");
        assert_eq!(speed(1_000.0), Some(655.34));
        assert_eq!(speed(f64::INFINITY), Some(655.34));
        assert_eq!(speed(-3.0), Some(0.0));
        assert_eq!(speed(-0.0), Some(0.0));
    }

    #[test]
    fn every_speed_and_course_quantum_survives_a_read() {
        for q in 0..UNKNOWN {
            assert_eq!(speed_q(Some(f64::from(q) / CENTI)), q);
        }
        for q in 0..36_000 {
            assert_eq!(course_q(Some(f64::from(q) / CENTI)), q);
        }
    }

    #[test]
    fn degree_quanta_at_the_ends_survive_a_read() {
        let ends = [i32::MIN, i32::MIN + 1, -1_800_000_000, -1, 0, 1, 1_800_000_000, i32::MAX];
        for q in ends.into_iter().chain(-100_000..100_000) {
            assert_eq!(degrees_q(degrees(q)), q);
        }
        for q in (-1_800_000_000..=1_800_000_000).step_by(997) {
            assert_eq!(degrees_q(degrees(q)), q);
        }
    }

    proptest! {
        #[test]
        fn round_is_round(x in prop_oneof![any::<f64>(), -1e10..1e10f64, -4.0..4.0f64]) {
            let (ours, std) = (round(x), x.round());
            prop_assert!(ours == std || (ours.is_nan() && std.is_nan()), "{x}: {ours} {std}");
        }

        #[test]
        fn every_degree_quantum_survives_a_read(q in any::<i32>()) {
            prop_assert_eq!(degrees_q(degrees(q)), q);
        }

        #[test]
        fn a_read_degree_survives_json(q in -1_800_000_000..=1_800_000_000_i32) {
            let json = serde_json::to_string(&degrees(q)).expect("json");
            let back: f64 = serde_json::from_str(&json).expect("json");
            prop_assert_eq!(degrees_q(back), q);
        }
    }

    #[test]
    fn a_history_survives_json_byte_for_byte() {
        let history: History = (0..200_i32)
            .map(|i| {
                let x = f64::from(i);
                TrackPoint {
                    time: Time(1_764_400_000_000 + i64::from(i) * 997),
                    lon: -179.999_999_97 + x * 1.812_345_678_912_3,
                    lat: -89.999_999_91 + x * 0.901_234_567_891_23,
                    speed_mps: (i % 3 != 0).then_some(x * 3.321_987),
                    course_deg: (i % 4 != 0).then_some(x * 7.777_777 - 30.0),
                }
            })
            .collect();
        let json = serde_json::to_string(&history).expect("json");
        let back: History = serde_json::from_str(&json).expect("json");
        assert_eq!(back, history);
        assert_eq!(serde_json::to_string(&back).expect("json"), json);
        // And the points read are what was serialized.
        let points: Vec<TrackPoint> = serde_json::from_str(&json).expect("json");
        assert!(points.iter().copied().eq(back.iter()));
    }

    fn at(t: i64) -> TrackPoint {
        TrackPoint { time: Time(t), lon: 13.2, lat: 32.9, speed_mps: Some(3.0), course_deg: None }
    }

    fn times(history: &History) -> Vec<i64> {
        history.iter().map(|p| p.time.0).collect()
    }

    /// After a merge took in newer fixes, the track's own next fix still files in time order.
    #[test]
    fn a_fix_after_a_merge_files_in_time_order() {
        let mut h: History = [at(1_000), at(2_000)].into_iter().collect();
        h.absorb([at(1_500), at(9_000)].into_iter().collect());
        h.push(at(3_000), 64);
        assert_eq!(times(&h), [1_000, 1_500, 2_000, 3_000, 9_000]);
        h.push(at(9_000), 64);
        h.push(at(9_500), 64);
        assert_eq!(times(&h), [1_000, 1_500, 2_000, 3_000, 9_000, 9_000, 9_500]);
    }

    /// Times are kept to the millisecond however far apart, up to the span; a late fix older
    /// than every other moves the base and reads back exactly, as do the others.
    #[test]
    fn times_read_back_exactly_across_the_span() {
        let t0 = 1_764_400_000_123;
        let mut h = History::default();
        h.push(at(t0), 64);
        h.push(at(t0 + SPAN_MS), 64);
        assert_eq!(times(&h), [t0, t0 + SPAN_MS]);
        h.insert(at(t0 + 1), 64);
        assert_eq!(times(&h), [t0, t0 + 1, t0 + SPAN_MS]);
        // One millisecond past the span of the newest: not kept.
        h.insert(at(t0 - 1), 64);
        assert_eq!(times(&h), [t0, t0 + 1, t0 + SPAN_MS]);
        let mut h = History::default();
        h.push(at(t0), 64);
        h.insert(at(t0 - 1_000_000_000), 64);
        h.push(at(t0 + 7), 64);
        assert_eq!(times(&h), [t0 - 1_000_000_000, t0, t0 + 7]);
    }

    /// A newer fix past the span drops the fixes it leaves behind, and only those.
    #[test]
    fn a_trail_reaches_back_one_span_from_its_newest_fix() {
        let day = 86_400_000;
        let mut h = History::default();
        for d in 0..60 {
            h.push(at(d * day), 1_000);
        }
        let kept = times(&h);
        assert_eq!(kept.first(), Some(&(10 * day)), "60 days of fixes keep the last 49.7");
        assert_eq!(kept.last(), Some(&(59 * day)));
        assert_eq!(kept.len(), 50);
        // Serialized and read back: the same points.
        let json = serde_json::to_string(&h).expect("json");
        let back: History = serde_json::from_str(&json).expect("json");
        assert_eq!(back, h);
        assert_eq!(serde_json::to_string(&back).expect("json"), json);
    }

    /// The extremes of time (the fold does not refuse them) neither panic nor wrap.
    #[test]
    fn extreme_times_never_panic() {
        for (a, b) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (0, i64::MIN), (i64::MAX, 0)] {
            let mut h = History::default();
            h.push(at(a), 64);
            h.push(at(b), 64);
            h.insert(at(a / 2 + b / 2), 64);
            let kept = times(&h);
            assert!(kept.len() <= 2, "{kept:?}");
            assert!(kept.contains(&a.max(b)), "the newest is kept: {kept:?}");
            let mut other = History::default();
            other.push(at(a), 64);
            h.absorb(other);
            assert!(!h.is_empty());
        }
    }

    #[test]
    fn a_full_history_holds_no_more_slots_than_fixes_before_thinning() {
        let max = 64;
        let mut history = History::default();
        for i in 0..1_000 {
            let p =
                TrackPoint { time: Time(i), lon: 0.0, lat: 0.0, speed_mps: None, course_deg: None };
            history.push(p, max);
            if history.len() > max {
                history.thin();
            }
            let slots = history.fixes.capacity();
            assert!(slots <= max + 1, "{slots} slots at fix {i}");
        }
    }
}
