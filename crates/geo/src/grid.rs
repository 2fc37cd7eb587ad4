//! A uniform 0.1° grid over the region box that answers "which zones may contain this point"
//! in one lookup, and "certainly contains" for cells wholly inside a polygon.
//!
//! The R-tree answers the same question for any point, but walking it costs more than the
//! exact tests it saves here; the grid makes the common case (a fix inside Libya's box) a
//! single cell read. Each cell lists, per zone, either *full* (the cell lies inside the
//! polygon, so no test is needed) or *partial* (an edge may pass through: test exactly).
//! Zones covering more than `MAX_CELLS` cells are kept aside and tested on every query.

use crate::shape::PolygonShape;

/// The flag on a cell entry meaning "the whole cell is inside the zone".
pub const FULL: u32 = 1 << 31;
/// Cell size in degrees.
pub const CELL_DEG: f64 = 0.1;
/// Zones whose box covers more cells than this are not gridded.
pub const MAX_CELLS: usize = 40_000;

#[derive(Debug, Clone)]
pub struct Grid {
    min: [f64; 2],
    max: [f64; 2],
    nx: usize,
    ny: usize,
    start: Vec<u32>,
    entries: Vec<u32>,
    /// Zones too big to grid: tested on every query that the grid answers.
    pub big: Vec<u32>,
}

/// What the grid needs to know of a zone.
pub enum Footprint<'a> {
    Polygon(&'a PolygonShape),
    /// A box whose every cell is partial (circles).
    Box([f64; 2], [f64; 2]),
}

impl Grid {
    pub fn new(min: [f64; 2], max: [f64; 2], zones: &[(u32, Footprint<'_>)]) -> Grid {
        let nx = ((max[0] - min[0]) / CELL_DEG).ceil().max(1.0) as usize;
        let ny = ((max[1] - min[1]) / CELL_DEG).ceil().max(1.0) as usize;
        let mut grid =
            Grid { min, max, nx, ny, start: Vec::new(), entries: Vec::new(), big: Vec::new() };
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (zone, footprint) in zones {
            let (lo, hi) = match footprint {
                Footprint::Polygon(p) => (p.min, p.max),
                Footprint::Box(lo, hi) => (*lo, *hi),
            };
            let Some((x0, y0, x1, y1)) = grid.cell_range(lo, hi) else { continue };
            let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
            if w * h > MAX_CELLS {
                grid.big.push(*zone);
                continue;
            }
            match footprint {
                Footprint::Box(..) => {
                    for y in y0..=y1 {
                        for x in x0..=x1 {
                            pairs.push(((y * nx + x) as u32, *zone));
                        }
                    }
                }
                Footprint::Polygon(p) => {
                    let mut edge = vec![false; w * h];
                    for [a, b] in p.edges() {
                        let lo = [a[0].min(b[0]), a[1].min(b[1])];
                        let hi = [a[0].max(b[0]), a[1].max(b[1])];
                        let Some((ex0, ey0, ex1, ey1)) = grid.cell_range(lo, hi) else { continue };
                        for y in ey0.max(y0)..=ey1.min(y1) {
                            for x in ex0.max(x0)..=ex1.min(x1) {
                                edge[(y - y0) * w + x - x0] = true;
                            }
                        }
                    }
                    for y in y0..=y1 {
                        for x in x0..=x1 {
                            let cell = (y * nx + x) as u32;
                            if edge[(y - y0) * w + x - x0] {
                                pairs.push((cell, *zone));
                            } else if p.contains(grid.centre(x, y)) {
                                pairs.push((cell, *zone | FULL));
                            }
                        }
                    }
                }
            }
        }
        pairs.sort_unstable();
        let mut start = vec![0u32; nx * ny + 1];
        for &(cell, _) in &pairs {
            start[cell as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        grid.start = start;
        grid.entries = pairs.into_iter().map(|(_, z)| z).collect();
        grid
    }

    fn centre(&self, x: usize, y: usize) -> [f64; 2] {
        [self.min[0] + (x as f64 + 0.5) * CELL_DEG, self.min[1] + (y as f64 + 0.5) * CELL_DEG]
    }

    /// Cells overlapped by a box, clamped to the grid; `None` if the box misses the grid.
    fn cell_range(&self, lo: [f64; 2], hi: [f64; 2]) -> Option<(usize, usize, usize, usize)> {
        if !(hi[0] >= self.min[0]
            && lo[0] <= self.max[0]
            && hi[1] >= self.min[1]
            && lo[1] <= self.max[1])
        {
            return None;
        }
        let cx = |lon: f64| (((lon - self.min[0]) / CELL_DEG).max(0.0) as usize).min(self.nx - 1);
        let cy = |lat: f64| (((lat - self.min[1]) / CELL_DEG).max(0.0) as usize).min(self.ny - 1);
        Some((cx(lo[0]), cy(lo[1]), cx(hi[0]), cy(hi[1])))
    }

    /// The entries of the cell holding `p`, or `None` if `p` is outside the grid (or NaN).
    pub fn cell(&self, p: [f64; 2]) -> Option<&[u32]> {
        if !(p[0] >= self.min[0] && p[0] < self.max[0] && p[1] >= self.min[1] && p[1] < self.max[1])
        {
            return None;
        }
        let x = (((p[0] - self.min[0]) / CELL_DEG) as usize).min(self.nx - 1);
        let y = (((p[1] - self.min[1]) / CELL_DEG) as usize).min(self.ny - 1);
        let c = y * self.nx + x;
        let (from, to) = (self.start[c] as usize, self.start[c + 1] as usize);
        self.entries.get(from..to)
    }
}
