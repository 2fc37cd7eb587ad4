//! Fusion by position: observations that carry no identity (radar plots), and radar tracks
//! seen for the first time, are associated to an existing track when they fall inside its
//! gate around the position an α-β filter predicts; a radar-only track that keeps falling
//! inside the gate of an identified track is merged into it, which then has both sources.
//!
//! Gating looks only at the 3 × 3 cells of a grid of live tracks around the observation (cells
//! as wide as the largest gate, each track filed under every cell its prediction can reach:
//! see [`FusionGrid`]), and picks the nearest candidate relative to its gate, ties to the
//! oldest track, so the choice never depends on the order tracks were filed in.

use geo::sphere::{M_PER_DEG, haversine_m};
use model::{Observation, Time, TrackPoint, TrackState};
use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use crate::TrackEntry;
use crate::list::List;
use crate::rules::proximity::{Cell, cell_deg, cell_in};

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
        let dt = self.step(t);
        let lat = self.lat_after(dt);
        let lon = self.lon + self.east * dt / (M_PER_DEG * self.lat.to_radians().cos().max(1e-6));
        [lon, lat]
    }

    /// Two corners of a box around [`Kinematics::predict`] at every time from `ts[0]` to
    /// `ts[1]`: the latitudes exact, the longitudes as far out as a cosine from a table (at or
    /// past the latitude, so never larger) makes them. A prediction moves along a straight
    /// line in longitude and latitude as time passes, each step rounded the same way, so it
    /// lies between its ends, and the ends' longitudes lie within these.
    pub fn reach(&self, ts: [Time; 2]) -> [[f64; 2]; 2] {
        let (d0, d1) = (self.step(ts[0]), self.step(ts[1]));
        let lat = |dt: f64| self.lat_after(dt);
        // The far end farther out than `predict`'s longitude, by the smaller cosine; the near
        // end nearer in, as if the cosine were 1; each with a margin for rounding. A filter
        // not yet stepped at the near end (the usual case) is exactly where it is.
        let near = M_PER_DEG * (1.0 + 1e-9);
        let far = M_PER_DEG * cos_at_or_past(self.lat).max(1e-6) / (1.0 + 1e-9);
        let lon = |dt: f64, scale: f64| {
            if dt == 0.0 { self.lon } else { self.lon + self.east * dt / scale }
        };
        [[lon(d0, near), lat(d0)], [lon(d1, far), lat(d1)]]
    }

    /// The latitude of [`Kinematics::predict`], exactly, without its trigonometry.
    pub fn predict_lat(&self, t: Time) -> f64 {
        self.lat_after(self.step(t))
    }

    /// The predicted latitude `dt` seconds on.
    fn lat_after(&self, dt: f64) -> f64 {
        self.lat + self.north * dt / M_PER_DEG
    }

    /// Seconds to extrapolate to `t`.
    fn step(&self, t: Time) -> f64 {
        (t.since(self.time) as f64 / 1_000.0).clamp(0.0, 3_600.0)
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

/// Live tracks by grid cell, for gating: identified tracks and unidentified ones apart. An
/// unidentified radar track is gated against identified tracks only, on every fix; with both
/// kinds in one list it paid a cache miss for every radar contact around it as well.
///
/// A track is filed so that a fix in its gate finds it wherever it is predicted while it may
/// still be gated: the positions its filter predicts from `max_age_ms` before its last fix to
/// as long after, a segment along its course (see [`reach`]). Filed at its last fix only, a
/// 30 kn boat unheard for four minutes was kilometres past its cell, and a plot on it started
/// a new track. Cells are as wide as the largest gate, and most tracks need one; a track that
/// would need more than [`SPAN`] along an axis (a fast one) is filed at the first coarser
/// level, of cells 2, 4, 8 … times as wide, where it needs no more, and gating looks at every
/// level that holds a track.
///
/// A cell holds track numbers only; the gate reads what it needs (the filter's state, the
/// last fix) from the tracks themselves. A track is filed again only when its cells or its
/// kind change, not on every fix: a copy of its filter in the cell cost 64 bytes a track and a
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

/// Levels of cells: level `k`'s are `2^k` times as wide as the largest gate. Filing brings what
/// lies off the Earth back to its edge, so by level 13 (cells of 294° for a 2 km gate) every
/// track fits; the rest are there for smaller gates.
const LEVELS: usize = 17;

/// The most cells along an axis a track is filed under at one level.
const SPAN: i64 = 3;

/// Which half of the grid a track is filed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Which {
    #[default]
    Nowhere,
    Identified,
    Unidentified,
}

/// Where a track is filed in the fusion grid: `w` × `h` cells from `lo` at level `level`.
/// Kept in its entry, so that re-filing a track on every fix needs no look-up of where it was:
/// a map from track to cell cost a cache miss per fix and some 27 bytes per track. Twelve
/// bytes. Derived: rebuilt on restore.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FusedAt {
    which: Which,
    level: u8,
    w: u8,
    h: u8,
    lo: Cell,
}

impl FusedAt {
    fn cells(self) -> impl Iterator<Item = Cell> {
        let (x, y) = self.lo;
        (0..i32::from(self.w)).flat_map(move |dx| {
            (0..i32::from(self.h)).map(move |dy| (x.saturating_add(dx), y.saturating_add(dy)))
        })
    }
}

#[derive(Debug, Default)]
struct Cells([FxHashMap<Cell, List<u64>>; LEVELS]);

impl Cells {
    fn put(&mut self, n: u64, at: FusedAt) {
        let level = &mut self.0[usize::from(at.level)];
        for cell in at.cells() {
            level.entry(cell).or_default().push(n);
        }
    }

    fn remove(&mut self, n: u64, at: FusedAt) {
        let level = &mut self.0[usize::from(at.level)];
        for cell in at.cells() {
            if let Some(list) = level.get_mut(&cell) {
                list.remove(n);
                if list.is_empty() {
                    level.remove(&cell);
                }
            }
        }
    }

    /// The levels that hold a track, with the width of their cells in degrees.
    fn levels(
        &self,
        cfg: &FusionConfig,
    ) -> impl Iterator<Item = (f64, &FxHashMap<Cell, List<u64>>)> {
        let base = cell_deg(cfg.max_gate_m);
        self.0
            .iter()
            .enumerate()
            .filter(|(_, cells)| !cells.is_empty())
            .map(move |(k, cells)| (level_deg(base, k), cells))
    }
}

/// The width of level `k`'s cells, from level 0's: exact, a power of two.
fn level_deg(base: f64, k: usize) -> f64 {
    base * f64::from(1u32 << k)
}

/// The cells around `at` that gating looks at, at a level of cells `deg` wide.
fn around(at: [f64; 2], deg: f64) -> impl Iterator<Item = Cell> {
    let cell = cell_in(at[0], at[1], deg);
    NEIGHBOURS.iter().map(move |(dx, dy)| (cell.0.saturating_add(*dx), cell.1.saturating_add(*dy)))
}

impl FusionGrid {
    /// Reads the tracks that gating a fix at `at` among `among` looks at: the 3 × 3 cells
    /// around it and each track filed there, whose filter state it prefetches (see
    /// `Engine::warm`).
    pub fn warm_gate(
        &self,
        tracks: &crate::tracks::Tracks,
        at: [f64; 2],
        among: Among,
        cfg: &FusionConfig,
    ) -> u64 {
        let mut sum = 0u64;
        for cells in self.among(among) {
            for (deg, level) in cells.levels(cfg) {
                for c in around(at, deg) {
                    for n in level.get(&c).map_or(&[][..], List::as_slice) {
                        // The filter's state, which may straddle two lines: asked for, not
                        // waited for (the look-up of the entry is a load).
                        if let Some(e) = tracks.get(n) {
                            crate::prefetch::lines(&e.rules.kin);
                            crate::prefetch::lines(&e.track.last_time);
                            sum = sum.wrapping_add(*n);
                        }
                    }
                }
            }
        }
        sum
    }

    /// The halves of the grid a gate among `among` looks at.
    fn among(&self, among: Among) -> impl Iterator<Item = &Cells> {
        let all = among == Among::All;
        std::iter::once(&self.identified).chain(all.then_some(&self.unidentified))
    }

    /// Takes track `n` out of the grid, wherever `at` says it is filed.
    pub fn remove(&mut self, n: u64, at: &mut FusedAt) {
        let was = std::mem::take(at);
        match was.which {
            Which::Nowhere => {}
            Which::Identified => self.identified.remove(n, was),
            Which::Unidentified => self.unidentified.remove(n, was),
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

/// Files a track in the fusion grid under the cells its prediction can reach (see
/// [`FusionGrid`]), or takes it out once lost. Costs nothing while those cells and its kind
/// stay the same.
pub(crate) fn file(grid: &mut FusionGrid, cfg: &FusionConfig, n: u64, entry: &mut TrackEntry) {
    if !cfg.enabled || entry.track.state == TrackState::Lost {
        grid.remove(n, &mut entry.fused_at);
        return;
    }
    let which = if crate::rules::is_unidentified(&entry.track) {
        Which::Unidentified
    } else {
        Which::Identified
    };
    let at = FusedAt { which, ..reach(entry, cfg) };
    if entry.fused_at == at {
        return;
    }
    grid.remove(n, &mut entry.fused_at);
    match which {
        Which::Identified => grid.identified.put(n, at),
        Which::Unidentified => grid.unidentified.put(n, at),
        Which::Nowhere => {}
    }
    entry.fused_at = at;
}

/// The cells a track is filed under (see [`FusionGrid`]): at the finest level where they
/// span at most [`SPAN`] cells along each axis.
///
/// The gate accepts a track only for a fix at most `max_age_ms` from its last, and predicts
/// it at the fix's time. The prediction moves along a straight line in longitude and latitude
/// as time passes (and stops at its clamps), every step rounded the same way up or down, so it
/// lies between the predictions at the two ends of that window. A fix the gate accepts lies
/// within a gate of the prediction along each axis (its own bounds say so), and the 3 × 3
/// cells around the fix hold every point within a cell's width of it. So the track needs
/// filing only under cells within a cell's width less a gate of every point of the window's
/// segment: along each axis, the segment's extent cut by that much at both ends, or its
/// middle when that leaves nothing. Most tracks need one cell; a fast one, a line of them.
/// Where a cell is narrower than a gate (from about 59°, the latitude taken two gates past the
/// segment's and rounded up a degree), the extent grows instead of shrinking. The gate compares
/// longitudes as they are, so a fix across the ±180° line from a prediction is refused by the
/// gate itself, filed or not.
fn reach(entry: &TrackEntry, cfg: &FusionConfig) -> FusedAt {
    let last = entry.track.last_time;
    let window = cfg.max_age_ms.max(0);
    let ends = [Time(last.0.saturating_sub(window)), Time(last.0.saturating_add(window))];
    let [a, b] = predictor(entry).reach(ends);
    let (lon_lo, lon_hi) = (a[0].min(b[0]), a[0].max(b[0]));
    let (lat_lo, lat_hi) = (a[1].min(b[1]), a[1].max(b[1]));
    // How far from the prediction, in degrees, a fix the gate accepts can lie: in latitude,
    // a gate; in longitude, a gate over the gate's own metres per degree at the fix (within
    // a gate of the segment), taken at a latitude past the fix's, rounded up to a degree.
    let gate_lat = cfg.max_gate_m / M_PER_DEG;
    let far = lat_lo.abs().max(lat_hi.abs()) + 2.0 * gate_lat;
    let gate_lon = cfg.max_gate_m / lon_metres(cos_at_or_past(far));
    let base = cell_deg(cfg.max_gate_m);
    let mut at = FusedAt::default();
    for level in 0..LEVELS {
        let deg = level_deg(base, level);
        // A ten-thousandth of a millimetre spare, for rounding. Every fix lies on the Earth,
        // so what lies off it is brought back to its edge, which is nearer every fix: near a
        // pole a gate spans every longitude, and the segment grown by that would otherwise
        // saturate the cells and leave the track where no fix looks.
        let (x0, x1) = cut(lon_lo, lon_hi, deg - gate_lon - 1e-9);
        let (y0, y1) = cut(lat_lo, lat_hi, deg - gate_lat - 1e-9);
        let (x0, x1) = (x0.clamp(-180.0, 180.0), x1.clamp(-180.0, 180.0));
        let (y0, y1) = (y0.clamp(-90.0, 90.0), y1.clamp(-90.0, 90.0));
        let (lo, hi) = (cell_in(x0, y0, deg), cell_in(x1, y1, deg));
        let w = i64::from(hi.0) - i64::from(lo.0) + 1;
        let h = i64::from(hi.1) - i64::from(lo.1) + 1;
        // The last level's cells are wider than the Earth: it always fits.
        at = FusedAt {
            which: Which::Nowhere,
            level: level as u8,
            w: w.clamp(1, SPAN) as u8,
            h: h.clamp(1, SPAN) as u8,
            lo,
        };
        if w <= SPAN && h <= SPAN {
            break;
        }
    }
    at
}

/// `[lo, hi]` cut by `margin` at both ends (grown, for a negative one): every point of
/// `[lo, hi]` lies within `margin` of the result. Its middle when the cut leaves nothing.
fn cut(lo: f64, hi: f64, margin: f64) -> (f64, f64) {
    if hi - lo <= 2.0 * margin {
        let mid = lo + (hi - lo) / 2.0;
        (mid, mid)
    } else {
        (lo + margin, hi - margin)
    }
}

/// Metres per degree of longitude the gate takes, from the cosine of a latitude a gate past
/// the fix's: a little under the least within a gate of the fix (a great circle is shorter
/// than its parallel only to second order at these distances).
fn lon_metres(cos_far: f64) -> f64 {
    M_PER_DEG * cos_far * 0.99
}

/// The cosine of `lat` degrees (its absolute value up to 90), or of a latitude a little past
/// it: of the next whole degree, from a table, where filing needs only a bound and a cosine
/// per fix would cost more than the rest of the filing.
fn cos_at_or_past(lat: f64) -> f64 {
    static TABLE: std::sync::LazyLock<[f64; 91]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|d| (d as f64).to_radians().cos()));
    // The next whole degree without `ceil`, a call into the math library on this target.
    // `as` saturates: beyond 90 takes the last entry (NaN, which the fold never admits, the
    // first).
    let (abs, whole) = (lat.abs(), lat.abs() as usize);
    TABLE[whole.saturating_add(usize::from((whole as f64) < abs)).min(90)]
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
