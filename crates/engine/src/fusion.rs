//! Fusion by position: observations that carry no identity (radar plots), and radar tracks
//! seen for the first time, are associated to an existing track when they fall inside its
//! gate around the position an α-β filter predicts; a radar-only track that keeps falling
//! inside the gate of an identified track is merged into it, which then has both sources.
//!
//! Gating looks only at the 3 × 3 cells of a grid of live tracks around the observation (cells
//! as wide as the largest gate, each track filed under every cell its prediction can reach:
//! see [`FusionGrid`]), and picks the nearest candidate relative to its gate, ties to the
//! oldest track, so the choice never depends on the order tracks were filed in.
//!
//! The α-β filter is in `filter`, the grid and how a track is filed in it in `grid`; the gate
//! itself is here.

use geo::sphere::{M_PER_DEG, haversine_m};
use model::{Observation, Time, TrackState};
use serde::{Deserialize, Serialize};

use crate::TrackEntry;
use crate::list::List;

mod filter;
mod grid;

pub(crate) use filter::Kinematics;
use grid::around;
pub(crate) use grid::{Among, FusedAt, FusionGrid, file};

/// How positions associate observations to tracks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FusionConfig {
    pub enabled: bool,
    /// Gate radius around the predicted position for a fresh track ...
    pub gate_m: f64,
    /// ... growing this much per second since the track's last fix ...
    pub gate_growth_mps: f64,
    /// ... up to this.
    pub max_gate_m: f64,
    /// Tracks not heard from for longer are not gated against.
    pub max_age_ms: i64,
    /// α-β filter gains.
    pub alpha: f64,
    pub beta: f64,
    /// Consecutive radar fixes inside an identified track's gate before the radar track is
    /// merged into it.
    pub fuse_after: u32,
}

impl Default for FusionConfig {
    fn default() -> FusionConfig {
        FusionConfig {
            enabled: true,
            gate_m: 500.0,
            gate_growth_mps: 10.0,
            max_gate_m: 2_000.0,
            max_age_ms: 5 * Time::MS_PER_MINUTE,
            alpha: 0.5,
            beta: 0.3,
            fuse_after: 2,
        }
    }
}

/// A fix to gate: where, when, how accurate, and whether exercise data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Probe {
    pub at: [f64; 2],
    pub time: Time,
    pub accuracy_m: f64,
    pub exercise: bool,
}

impl Probe {
    pub fn of(obs: &Observation) -> Probe {
        Probe {
            at: [obs.position.lon, obs.position.lat],
            time: obs.time,
            accuracy_m: obs.position.accuracy_m.filter(|a| a.is_finite()).unwrap_or(0.0),
            exercise: obs.exercise,
        }
    }
}

/// The track whose gate the probe falls in best, among those `want` accepts, but `exclude`.
pub(crate) fn gate(
    tracks: &crate::tracks::Tracks,
    grid: &FusionGrid,
    cfg: &FusionConfig,
    probe: Probe,
    exclude: u64,
    among: Among,
    want: impl Fn(&TrackEntry) -> bool,
) -> Option<u64> {
    let Probe { at, accuracy_m: accuracy, .. } = probe;
    let obs = probe;
    let mut best: Option<(f64, u64)> = None;
    // Metres per degree of longitude a little under the least within the largest gate (a
    // great circle is shorter than its parallel only to second order at these distances):
    // with the latitude difference, a lower bound that rejects most candidates before any
    // trigonometry.
    let far_lat = (at[1].abs() + cfg.max_gate_m / M_PER_DEG).min(90.0);
    let lon_m = lon_metres(far_lat.to_radians().cos());
    for cells in grid.among(among) {
        for (deg, level) in cells.levels(cfg) {
            for c in around(at, deg) {
                for &n in level.get(&c).map_or(&[][..], List::as_slice) {
                    if n == exclude {
                        continue;
                    }
                    let Some(e) = tracks.get(&n) else { continue };
                    // The latitude first: it needs no trigonometry, and rejects most. First
                    // against the largest gate, which needs only the filter's state: most
                    // candidates are rejected on what `warm_gate` read, before the track's
                    // time, kind and state, lines apart in the entry, are read.
                    let predictor = predictor(e);
                    let lat = predictor.predict_lat(obs.time);
                    let off_m = (lat - at[1]).abs() * M_PER_DEG;
                    if off_m > cfg.max_gate_m {
                        continue;
                    }
                    let last = e.track.last_time;
                    let age = obs.time.since(last).saturating_abs();
                    if e.track.exercise != obs.exercise || age > cfg.max_age_ms {
                        continue;
                    }
                    let gate = (cfg.gate_m + cfg.gate_growth_mps * age as f64 / 1_000.0 + accuracy)
                        .min(cfg.max_gate_m);
                    if off_m > gate {
                        continue;
                    }
                    let predicted = predictor.predict(obs.time);
                    if (predicted[0] - at[0]).abs() * lon_m > gate {
                        continue;
                    }
                    let score = haversine_m(predicted, at) / gate;
                    // The order cells and lists are visited in cannot change the choice: the
                    // smallest (score, track number) wins. A track filed in two of the cells
                    // comes twice, with one score.
                    if score > 1.0 || best.is_some_and(|(s, b)| score > s || (score == s && n > b))
                    {
                        continue;
                    }
                    if e.track.state != TrackState::Lost && want(e) {
                        best = Some((score, n));
                    }
                }
            }
        }
    }
    best.map(|(_, n)| n)
}

/// Whether the probe lies within `metres` of the track's predicted position.
pub(crate) fn within(entry: &TrackEntry, probe: Probe, metres: f64) -> bool {
    let track = &entry.track;
    let at = [track.position.lon, track.position.lat];
    let predicted = entry.rules.kin.get().map_or(at, |k| k.predict(probe.time));
    haversine_m(predicted, probe.at) <= metres
}

/// What predicts a track's position: its filter's state, or its last fix standing still while
/// the filter has not started. The track's own fields are read only then: the gate reads the
/// filter's state first and rejects most candidates on it.
fn predictor(entry: &TrackEntry) -> Kinematics {
    entry.rules.kin.get().unwrap_or_else(|| {
        let (p, last) = (&entry.track.position, entry.track.last_time);
        Kinematics { time: last, lon: p.lon, lat: p.lat, east: 0.0, north: 0.0 }
    })
}

/// Metres per degree of longitude the gate takes, from the cosine of a latitude a gate past
/// the fix's: a little under the least within a gate of the fix (a great circle is shorter
/// than its parallel only to second order at these distances).
fn lon_metres(cos_far: f64) -> f64 {
    M_PER_DEG * cos_far * 0.99
}

#[cfg(test)]
mod tests {
    use model::{Time, TrackState};
    use proptest::prelude::*;

    use super::{Among, FusionConfig, FusionGrid, Kinematics, Probe, file, gate, predictor};
    use crate::tracks::{KeyRef, Tracks, current, new_entry};
    use geo::sphere::haversine_m;

    const T0: i64 = 1_700_000_000_000;

    /// A track heard `age_s` before `T0` at a point, moving at `speed` m/s on `course` (or with
    /// no velocity at all, filter not started).
    fn entry(
        n: u64,
        lon: f64,
        lat: f64,
        age_s: i64,
        velocity: Option<(f64, f64)>,
    ) -> crate::TrackEntry {
        let obs = model::Observation {
            source: "ais".into(),
            source_kind: model::SourceKind::Ais,
            agency: model::AgencyId::new("CGW"),
            marking: model::Marking::default(),
            time: Time(T0 - age_s * 1_000),
            position: model::Position { lon, lat, alt_m: None, accuracy_m: None },
            speed_mps: velocity.map(|v| v.0),
            course_deg: velocity.map(|v| v.1),
            heading_deg: None,
            identity: model::Identity { mmsi: Some(201_000_000 + n as u32), ..Default::default() },
            kind: model::ObjectKind::Vessel,
            exercise: false,
        };
        let id = model::TrackId(format!("t{n}").into());
        let mut e = new_entry(id, KeyRef::Single { seq: n }.owned(), &obs);
        if velocity.is_some() {
            let mut kin = None;
            Kinematics::update(&mut kin, &current(&e.track), &FusionConfig::default());
            e.rules.kin.set(kin);
        }
        e.track.state = TrackState::Confirmed;
        e
    }

    /// The point `metres` from `from` on `bearing` (degrees from north), on the sphere the
    /// haversine measures on.
    fn destination(from: [f64; 2], bearing: f64, metres: f64) -> [f64; 2] {
        let r = geo::sphere::M_PER_DEG.to_degrees();
        let (d, theta) = (metres / r, bearing.to_radians());
        let (lambda, phi) = (from[0].to_radians(), from[1].to_radians());
        let phi2 = (phi.sin() * d.cos() + phi.cos() * d.sin() * theta.cos()).asin();
        let lambda2 =
            lambda + (theta.sin() * d.sin() * phi.cos()).atan2(d.cos() - phi.sin() * phi2.sin());
        [lambda2.to_degrees(), phi2.to_degrees()]
    }

    /// Every track, one by one: what the grid must find.
    fn every_track(tracks: &Tracks, cfg: &FusionConfig, probe: Probe) -> Option<u64> {
        let mut best: Option<(f64, u64)> = None;
        for (&n, e) in tracks.iter() {
            let age = probe.time.since(e.track.last_time).saturating_abs();
            if age > cfg.max_age_ms {
                continue;
            }
            let gate =
                (cfg.gate_m + cfg.gate_growth_mps * age as f64 / 1_000.0).min(cfg.max_gate_m);
            let score = haversine_m(predictor(e).predict(probe.time), probe.at) / gate;
            if score <= 1.0 && best.is_none_or(|(s, b)| score < s || (score == s && n < b)) {
                best = Some((score, n));
            }
        }
        best.map(|(_, n)| n)
    }

    /// Near a pole a gate spans every longitude: a track there is still filed where a fix on
    /// it looks (it was filed at saturated cells no fix reaches), standing or going fast.
    #[test]
    fn a_track_near_a_pole_is_found() {
        let cfg = FusionConfig::default();
        for (lat, velocity) in
            [(88.97, None), (89.9, Some((5.0, 0.0))), (86.3, Some((1_000.0, 0.0)))]
        {
            let (mut grid, mut all) = (FusionGrid::default(), Tracks::default());
            let mut e = Box::new(entry(7, 10.0, lat, 0, velocity));
            file(&mut grid, &cfg, 7, &mut e);
            all.insert(7, e);
            let at = predictor(all.get(&7).expect("the track")).predict(Time(T0));
            let probe = Probe { at, time: Time(T0), accuracy_m: 0.0, exercise: false };
            let found = gate(&all, &grid, &cfg, probe, u64::MAX, Among::All, |_| true);
            assert_eq!(found, Some(7), "at {lat}°, {velocity:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_024))]

        /// The box [`Kinematics::reach`] gives holds every prediction between its two times,
        /// whether the filter was last stepped inside that window or long before it.
        #[test]
        fn a_filter_s_reach_holds_its_predictions(
            lon in -179.0..179.0f64,
            lat in -85.0..85.0f64,
            east in -1_000.0..1_000.0f64,
            north in -1_000.0..1_000.0f64,
            stepped_s in -4_000..400i64,
            at in 0.0..=1.0f64,
        ) {
            let k = Kinematics { time: Time(T0 + stepped_s * 1_000), lon, lat, east, north };
            let ends = [Time(T0 - 300_000), Time(T0 + 300_000)];
            let [a, b] = k.reach(ends);
            let t = Time(T0 - 300_000 + (600_000.0 * at) as i64);
            let p = k.predict(t);
            for axis in 0..2 {
                let (lo, hi) = (a[axis].min(b[axis]), a[axis].max(b[axis]));
                prop_assert!(lo <= p[axis] && p[axis] <= hi, "{:?} not in {:?}..{:?}", p, a, b);
            }
        }

        /// A fix within a track's gate of where the track is predicted finds it, at any time
        /// the gate looks at it, however fast it goes, at any latitude (near a pole too), and
        /// for fixes at the edge of the gate in any direction.
        #[test]
        fn a_fix_in_the_gate_finds_its_track(
            lon in -179.0..179.0f64,
            lat in prop_oneof![-70.0..70.0f64, -89.99..89.99f64],
            speed in prop_oneof![0.0..30.0f64, 0.0..1_000.0f64],
            course in 0.0..360.0f64,
            age_s in 0..300i64,
            edge in 0.9..0.999f64,
            bearing in 0.0..360.0f64,
        ) {
            let cfg = FusionConfig::default();
            let (mut grid, mut all) = (FusionGrid::default(), Tracks::default());
            let mut e = Box::new(entry(7, lon, lat, age_s, Some((speed, course))));
            file(&mut grid, &cfg, 7, &mut e);
            all.insert(7, e);
            let track = all.get(&7).expect("the track");
            let predicted = predictor(track).predict(Time(T0));
            let gate_m = (cfg.gate_m + cfg.gate_growth_mps * age_s as f64).min(cfg.max_gate_m);
            let at = destination(predicted, bearing, gate_m * edge);
            let probe = Probe { at, time: Time(T0), accuracy_m: 0.0, exercise: false };
            // The fold admits fixes on the Earth only. The filter extrapolates in straight
            // lines of longitude and latitude, so near a pole a fast prediction runs off the
            // Earth (past 90°, or round it in longitude), and so does a point beside it; and a
            // point across the ±180° line from the prediction has a longitude far from it.
            // The gate's own bounds refuse both where the haversine would accept: out of scope.
            prop_assume!(geo::sphere::valid_lonlat(predicted));
            prop_assume!(geo::sphere::valid_lonlat(at));
            prop_assume!(haversine_m(predicted, at) < gate_m);
            let found = gate(&all, &grid, &cfg, probe, u64::MAX, Among::All, |_| true);
            prop_assert_eq!(found, Some(7));
        }

        /// Gating through the grid picks what a look at every track picks, for tracks of any
        /// speed (up to what the edge admits) heard up to past the gate's age limit, and fixes
        /// anywhere around their predictions.
        #[test]
        fn the_grid_finds_what_a_full_scan_finds(
            tracks in proptest::collection::vec(
                (
                    12.0..14.0f64,
                    prop_oneof![32.0..34.0f64, -70.0..70.0f64],
                    0..400i64,
                    proptest::option::of((prop_oneof![0.0..30.0f64, 0.0..1_000.0f64], 0.0..360.0f64)),
                ),
                1..40,
            ),
            pick in any::<prop::sample::Index>(),
            offset in (-3_000.0..3_000.0f64, -3_000.0..3_000.0f64),
            moved in proptest::collection::vec((any::<prop::sample::Index>(), 0..300i64, 0.0..60.0f64, 0.0..360.0f64), 0..10),
        ) {
            let cfg = FusionConfig::default();
            let (mut grid, mut all) = (FusionGrid::default(), Tracks::default());
            for (n, &(lon, lat, age, velocity)) in tracks.iter().enumerate() {
                let mut e = Box::new(entry(n as u64, lon, lat, age, velocity));
                file(&mut grid, &cfg, n as u64, &mut e);
                all.insert(n as u64, e);
            }
            // Some tracks heard again, elsewhere, faster or slower: filed again.
            for (i, age, speed, course) in moved {
                let n = i.index(tracks.len()) as u64;
                let (lon, lat) = (tracks[n as usize].0 + 0.01, tracks[n as usize].1);
                let mut e = Box::new(entry(n, lon, lat, age, Some((speed, course))));
                if let Some(old) = all.get_mut(&n) {
                    e.fused_at = old.fused_at;
                }
                file(&mut grid, &cfg, n, &mut e);
                all.insert(n, e);
            }
            let target = all.get(&(pick.index(tracks.len()) as u64)).expect("a track");
            let at = predictor(target).predict(Time(T0));
            let at = [
                at[0] + offset.0 / (geo::sphere::M_PER_DEG * at[1].to_radians().cos()),
                at[1] + offset.1 / geo::sphere::M_PER_DEG,
            ];
            let probe = Probe { at, time: Time(T0), accuracy_m: 0.0, exercise: false };
            let found = gate(&all, &grid, &cfg, probe, u64::MAX, Among::All, |_| true);
            prop_assert_eq!(found, every_track(&all, &cfg, probe));
        }
    }
}
