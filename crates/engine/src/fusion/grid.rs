//! The fusion grid: live tracks by cell, identified and unidentified apart, each filed under
//! the cells its prediction can reach while it may be gated.

use geo::sphere::M_PER_DEG;
use model::{Time, TrackState};
use rustc_hash::FxHashMap;

use super::filter::cos_at_or_past;
use super::{FusionConfig, lon_metres, predictor};
use crate::TrackEntry;
use crate::list::List;
use crate::rules::proximity::{Cell, cell_deg, cell_in};

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
pub(super) struct Cells([FxHashMap<Cell, List<u64>>; LEVELS]);

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
    pub(super) fn levels(
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
pub(super) fn around(at: [f64; 2], deg: f64) -> impl Iterator<Item = Cell> {
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
    pub(super) fn among(&self, among: Among) -> impl Iterator<Item = &Cells> {
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
