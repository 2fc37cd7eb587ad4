//! The grid hash of the multi-track rules: track numbers filed by the cell of their last
//! fix, and the cell of a position in a grid of cells at least so many metres wide.

use rustc_hash::FxHashMap;

use crate::list::List;

/// Metres per degree of longitude at 60° N or S: cells sized with it are wide enough up to 60°.
const LON_METRES_AT_60: f64 = 55_660.0;

pub(crate) type Cell = (i32, i32);

/// Track numbers filed by cell. Where a track is filed follows from its position when it was
/// filed, which is its position until its next fix moves it: a map from track to cell beside
/// this cost a look-up per fix and some 24 bytes per filed track.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub(super) cells: FxHashMap<Cell, List<u64>>,
}

pub(crate) fn cell_of(lon: f64, lat: f64, metres: f64) -> Cell {
    cell_in(lon, lat, cell_deg(metres))
}

/// The width in degrees of cells at least `metres` wide (up to 60° N or S).
pub(crate) fn cell_deg(metres: f64) -> f64 {
    (metres / LON_METRES_AT_60).max(1e-4)
}

/// The cell of a grid of cells `deg` wide that holds a point.
pub(crate) fn cell_in(lon: f64, lat: f64, deg: f64) -> Cell {
    (floor_i32(lon / deg), floor_i32(lat / deg))
}

/// `x.floor() as i32`, exactly, for every `x`: saturating, and NaN to 0, so a bad position
/// files somewhere harmless and never panics. Without SSE4.1 in the target, `floor` is a call
/// into the math library, made several times on every fix.
fn floor_i32(x: f64) -> i32 {
    let i = x as i32;
    if f64::from(i) > x { i.saturating_sub(1) } else { i }
}

impl Grid {
    /// Files `n` under `cell`; `was` is where it was filed, if it was.
    pub fn put(&mut self, n: u64, was: Option<Cell>, cell: Cell) {
        if was == Some(cell) {
            debug_assert!(self.holds(n, cell), "track {n} is not where its position files it");
            return;
        }
        if let Some(was) = was {
            self.remove(n, was);
        }
        self.cells.entry(cell).or_default().push(n);
    }

    pub fn remove(&mut self, n: u64, cell: Cell) {
        debug_assert!(self.holds(n, cell), "track {n} is not where its position files it");
        if let Some(list) = self.cells.get_mut(&cell) {
            list.remove(n);
            if list.is_empty() {
                self.cells.remove(&cell);
            }
        }
    }

    fn holds(&self, n: u64, cell: Cell) -> bool {
        self.cells.get(&cell).is_some_and(|l| l.as_slice().contains(&n))
    }

    /// Tracks filed in the 3 × 3 cells around `cell`, but `n`, ascending, into `out` (cleared
    /// first: the caller keeps one buffer rather than allocating one on every fix).
    pub fn near(&self, cell: Cell, n: u64, out: &mut Vec<u64>) {
        out.clear();
        for dx in -1..=1 {
            for dy in -1..=1 {
                let c = (cell.0.saturating_add(dx), cell.1.saturating_add(dy));
                if let Some(list) = self.cells.get(&c) {
                    out.extend(list.as_slice().iter().copied().filter(|x| *x != n));
                }
            }
        }
        out.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::floor_i32;

    #[test]
    fn floor_i32_is_floor_as_i32_at_the_edges() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            -1.0,
            1.0 - f64::EPSILON,
            -1e-300,
            2_147_483_647.0,
            2_147_483_647.5,
            2_147_483_648.0,
            -2_147_483_648.0,
            -2_147_483_648.5,
            -2_147_483_649.0,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for x in edges {
            assert_eq!(floor_i32(x), x.floor() as i32, "{x}");
        }
    }

    proptest! {
        #[test]
        fn floor_i32_is_floor_as_i32(x in any::<f64>()) {
            prop_assert_eq!(floor_i32(x), x.floor() as i32);
        }
    }
}
