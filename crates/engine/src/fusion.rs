//! Fusion by position: observations that carry no identity (radar plots), and radar tracks
//! seen for the first time, are associated to an existing track when they fall inside its
//! gate around the position an α-β filter predicts; a radar-only track that keeps falling
//! inside the gate of an identified track is merged into it, which then has both sources.
//!
//! Gating looks only at the 3 × 3 cells of a grid of live tracks around the observation (cells
//! as wide as the largest gate), and picks the nearest candidate relative to its gate, ties to
//! the oldest track, so the choice never depends on the order tracks were filed in.

use geo::sphere::{M_PER_DEG, haversine_m};
use model::{Observation, Time, TrackPoint, TrackState};
use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::TrackEntry;
use crate::list::List;
use crate::rules::proximity::Cell;

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

/// Seconds below which the time between two fixes does not scale a velocity correction.
const MIN_VELOCITY_STEP_S: f64 = 30.0;

/// The α-β filter's state: a smoothed position and a velocity in metres per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Kinematics {
    pub time: Time,
    pub lon: f64,
    pub lat: f64,
    pub east: f64,
    pub north: f64,
}

impl Kinematics {
    fn start(p: &TrackPoint) -> Kinematics {
        let (east, north) = match (p.speed_mps, p.course_deg) {
            (Some(s), Some(c)) => (s * c.to_radians().sin(), s * c.to_radians().cos()),
            _ => (0.0, 0.0),
        };
        Kinematics { time: p.time, lon: p.lon, lat: p.lat, east, north }
    }

    /// Where the object should be at `t` (extrapolated at most an hour).
    pub fn predict(&self, t: Time) -> [f64; 2] {
        let dt = (t.since(self.time) as f64 / 1_000.0).clamp(0.0, 3_600.0);
        let lat = self.lat + self.north * dt / M_PER_DEG;
        let lon = self.lon + self.east * dt / (M_PER_DEG * self.lat.to_radians().cos().max(1e-6));
        [lon, lat]
    }

    /// Folds a new fix into the filter.
    pub fn update(state: &mut Option<Kinematics>, p: &TrackPoint, cfg: &FusionConfig) {
        let Some(k) = state else {
            *state = Some(Kinematics::start(p));
            return;
        };
        let dt = p.time.since(k.time) as f64 / 1_000.0;
        if dt <= 0.0 {
            return;
        }
        let [plon, plat] = k.predict(p.time);
        let scale = M_PER_DEG * plat.to_radians().cos().max(1e-6);
        let (re, rn) = ((p.lon - plon) * scale, (p.lat - plat) * M_PER_DEG);
        // A fix that carries speed and course (AIS, most radar trackers) says the velocity; only
        // bare plots need it estimated. The estimate's step is floored: fixes from two sensors a
        // few seconds apart would otherwise turn metres of noise into knots of speed.
        let (east, north) = match (p.speed_mps, p.course_deg) {
            (Some(s), Some(c)) => (s * c.to_radians().sin(), s * c.to_radians().cos()),
            _ => {
                let step = dt.max(MIN_VELOCITY_STEP_S);
                (k.east + cfg.beta * re / step, k.north + cfg.beta * rn / step)
            }
        };
        let next = Kinematics {
            time: p.time,
            lon: plon + cfg.alpha * re / scale,
            lat: plat + cfg.alpha * rn / M_PER_DEG,
            east,
            north,
        };
        let finite = [next.lon, next.lat, next.east, next.north].iter().all(|v| v.is_finite());
        *state = Some(if finite { next } else { Kinematics::start(p) });
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

/// Live tracks by grid cell (cells as wide as the largest gate), for gating: identified tracks
/// and unidentified ones apart. An unidentified radar track is gated against identified tracks
/// only, on every fix; with both kinds in one list it paid a cache miss for every radar contact
/// around it as well.
///
/// A cell holds track numbers only; the gate reads what it needs (the filter's state, the
/// last fix) from the tracks themselves. A track is filed again only when it changes cell or
/// kind, not on every fix: a copy of its filter in the cell cost 64 bytes a track and a
/// write on every fix.
#[derive(Debug, Default)]
pub(crate) struct FusionGrid {
    identified: Cells,
    unidentified: Cells,
}

/// Which filed tracks a gate looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Among {
    /// Identified tracks only (not [`crate::rules::is_unidentified`]).
    Identified,
    All,
}

/// Where a track is filed in the fusion grid. Kept in its entry, so that re-filing a track on
/// every fix needs no look-up of where it was: a map from track to cell cost a cache miss per
/// fix and some 27 bytes per track. Derived: rebuilt on restore.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum FusedAt {
    #[default]
    Nowhere,
    Identified(Cell),
    Unidentified(Cell),
}

#[derive(Debug, Default)]
struct Cells(FxHashMap<Cell, List<u64>>);

impl Cells {
    fn put(&mut self, n: u64, cell: Cell) {
        self.0.entry(cell).or_default().push(n);
    }

    fn remove(&mut self, n: u64, cell: Cell) {
        if let Some(list) = self.0.get_mut(&cell) {
            list.remove(n);
            if list.is_empty() {
                self.0.remove(&cell);
            }
        }
    }

    fn at(&self, cell: Cell) -> &[u64] {
        self.0.get(&cell).map_or(&[], List::as_slice)
    }
}

impl FusionGrid {
    /// Reads the identified tracks that gating a fix at `at` looks at: the 3 × 3 cells around
    /// it and each track filed there (see `Engine::warm`).
    pub fn warm_gate(
        &self,
        tracks: &crate::tracks::Tracks,
        at: [f64; 2],
        cfg: &FusionConfig,
    ) -> u64 {
        let cell = crate::rules::proximity::cell_of(at[0], at[1], cfg.max_gate_m);
        let mut sum = 0u64;
        for (dx, dy) in NEIGHBOURS {
            let c = (cell.0.saturating_add(dx), cell.1.saturating_add(dy));
            for n in self.identified.at(c) {
                let kin = tracks.get(n).and_then(|e| e.rules.kin.get());
                sum = sum.wrapping_add(kin.map_or(0, |k| k.time.0 as u64));
            }
        }
        sum
    }

    /// Takes track `n` out of the grid, wherever `at` says it is filed.
    pub fn remove(&mut self, n: u64, at: &mut FusedAt) {
        match std::mem::take(at) {
            FusedAt::Nowhere => {}
            FusedAt::Identified(cell) => self.identified.remove(n, cell),
            FusedAt::Unidentified(cell) => self.unidentified.remove(n, cell),
        }
    }
}

/// The 3 × 3 cells around a cell, as offsets.
const NEIGHBOURS: [(i32, i32); 9] =
    [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)];

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
    let cell = crate::rules::proximity::cell_of(at[0], at[1], cfg.max_gate_m);
    let mut best: Option<(f64, u64)> = None;
    // Metres per degree of longitude a little under the least within the largest gate (a
    // great circle is shorter than its parallel only to second order at these distances):
    // with the latitude difference, a lower bound that rejects most candidates before any
    // trigonometry.
    let far_lat = (at[1].abs() + cfg.max_gate_m / M_PER_DEG).min(90.0);
    let lon_m = M_PER_DEG * far_lat.to_radians().cos() * 0.99;
    let grids: &[&Cells] = match among {
        Among::Identified => &[&grid.identified],
        Among::All => &[&grid.identified, &grid.unidentified],
    };
    for cells in grids {
        for (dx, dy) in NEIGHBOURS {
            let c = (cell.0.saturating_add(dx), cell.1.saturating_add(dy));
            for &n in cells.at(c) {
                if n == exclude {
                    continue;
                }
                let Some(e) = tracks.get(&n) else { continue };
                let last = e.track.last_time;
                let age = obs.time.since(last).saturating_abs();
                if e.track.exercise != obs.exercise || age > cfg.max_age_ms {
                    continue;
                }
                let predicted = predictor(e).predict(obs.time);
                let gate = (cfg.gate_m + cfg.gate_growth_mps * age as f64 / 1_000.0 + accuracy)
                    .min(cfg.max_gate_m);
                if (predicted[1] - at[1]).abs() * M_PER_DEG > gate
                    || (predicted[0] - at[0]).abs() * lon_m > gate
                {
                    continue;
                }
                let score = haversine_m(predicted, at) / gate;
                // The order cells and lists are visited in cannot change the choice: the
                // smallest (score, track number) wins.
                if score > 1.0 || best.is_some_and(|(s, b)| score > s || (score == s && n > b)) {
                    continue;
                }
                if e.track.state != TrackState::Lost && want(e) {
                    best = Some((score, n));
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
/// the filter has not started.
fn predictor(entry: &TrackEntry) -> Kinematics {
    let (p, last) = (&entry.track.position, entry.track.last_time);
    let still = Kinematics { time: last, lon: p.lon, lat: p.lat, east: 0.0, north: 0.0 };
    entry.rules.kin.get().unwrap_or(still)
}

/// Files a track in the fusion grid under its position, or takes it out once lost. Costs
/// nothing while the track stays in its cell and kind.
pub(crate) fn file(grid: &mut FusionGrid, cfg: &FusionConfig, n: u64, entry: &mut TrackEntry) {
    if !cfg.enabled || entry.track.state == TrackState::Lost {
        grid.remove(n, &mut entry.fused_at);
        return;
    }
    let p = &entry.track.position;
    let cell = crate::rules::proximity::cell_of(p.lon, p.lat, cfg.max_gate_m);
    let at = if crate::rules::is_unidentified(&entry.track) {
        FusedAt::Unidentified(cell)
    } else {
        FusedAt::Identified(cell)
    };
    if entry.fused_at == at {
        return;
    }
    grid.remove(n, &mut entry.fused_at);
    match at {
        FusedAt::Identified(cell) => grid.identified.put(n, cell),
        FusedAt::Unidentified(cell) => grid.unidentified.put(n, cell),
        FusedAt::Nowhere => {}
    }
    entry.fused_at = at;
}
