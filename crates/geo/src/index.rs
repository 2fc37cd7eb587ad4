//! `Geography`: every zone, compiled, behind one R-tree, and the queries the rules ask.
//!
//! How it is built, from the shipped data and the user's zones, is in `build`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use model::{AgencyId, Zone, ZoneKind};
use rstar::{
    AABB, RTree,
    primitives::{GeomWithData, Rectangle},
};
use serde::Deserialize;

mod build;
mod crossing;
mod edit;

pub use build::GeographyBuilder;
pub use crossing::BorderCrossing;

use crate::grid::{FULL, Grid};
use crate::shape::{LineDistance, LineShape, PolygonShape};
use crate::sphere::{valid_lonlat, within_m};

/// Defaults for the shipped zones; deserializable from a config table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Agency that owns the shipped zones.
    pub owner: AgencyId,
    /// Radius of an official crossing point (`bcp.*`).
    pub crossing_radius_m: f64,
    /// Radius of a port or terminal anchorage (`port.*`).
    pub port_radius_m: f64,
}

fn default_owner() -> AgencyId {
    AgencyId::new("JOC")
}

/// 2 km: beyond it a crossing is `crossing.outside_bcp` (docs/domain.md).
pub const DEFAULT_CROSSING_RADIUS_M: f64 = 2_000.0;
/// 3 km: the port-visit entry distance (docs/domain.md, after GFW).
pub const DEFAULT_PORT_RADIUS_M: f64 = 3_000.0;

impl Default for Options {
    fn default() -> Options {
        Options {
            owner: default_owner(),
            crossing_radius_m: DEFAULT_CROSSING_RADIUS_M,
            port_radius_m: DEFAULT_PORT_RADIUS_M,
        }
    }
}

#[derive(Debug, Clone)]
enum Compiled {
    Polygon(PolygonShape),
    Line(LineShape),
    Circle { center: [f64; 2], radius_m: f64 },
}

/// What lies under a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    /// Inside Libya's land polygon.
    Libya,
    /// Inside another country's land polygon.
    OtherLand,
    /// In the region box and on no land polygon.
    Sea,
    /// Outside the region box (lon 5–30 E, lat 15–38.5 N) or not a valid position.
    Unknown,
}

/// A point's relation to the nearest land border.
#[derive(Clone, Copy, Debug)]
pub struct BorderFix<'a> {
    /// The `border.*` zone.
    pub border: &'a Zone,
    /// The `section.*` zone holding the closest point, if the sections cover it.
    pub section: Option<&'a Zone>,
    pub at: LineDistance,
    /// Whether the point is inside Libya's land polygon (the border's Libyan side).
    pub in_libya: bool,
}

/// The region box of the shipped data: `[lon, lat]` min and max.
pub const REGION: ([f64; 2], [f64; 2]) = ([5.0, 15.0], [30.0, 38.5]);

type AreaItem = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// All zones, compiled and indexed. Build once, query from any thread (`Sync`).
#[derive(Debug, Clone)]
pub struct Geography {
    zones: Vec<Zone>,
    shapes: Vec<Compiled>,
    by_id: BTreeMap<String, usize>,
    areas: RTree<AreaItem>,
    grid: Grid,
    borders: Vec<usize>,
    /// Per line zone index: its sections as `(start_km, end_km, zone index)`, sorted.
    sections: BTreeMap<usize, Vec<(f64, f64, usize)>>,
    coast: usize,
    /// Every circle zone's centre and index, by kind, each kind's sorted by latitude, for
    /// nearest-of-kind searches: a search reads only the centres of its kind around its
    /// latitude, not every zone and its shape.
    circles: Vec<(ZoneKind, Centres)>,
    /// Every coastline of the data, for distance from any coast.
    shores: LineShape,
    libya: PolygonShape,
    land: Vec<PolygonShape>,
    /// The other countries' polygons whose box meets each whole-degree cell of [`REGION`],
    /// row by row: a point is tested against the few there, not against every island.
    land_cells: Vec<Box<[u16]>>,
    /// The exact distance to Libya's coast at the centre of each [`COAST_CELLS`] cell of
    /// [`REGION`], measured the first time a point of the cell asks (NaN: none), and shared
    /// by clones: see [`Geography::coast_at_cell`].
    coast_cells: Arc<[OnceLock<f64>]>,
    /// Every road as one shape (see [`crate::roads_from_geojson`]), shared by clones: a
    /// region's network is large, and the geography is cloned when a section's impact changes.
    roads: Option<Arc<LineShape>>,
}

/// Whether a point is valid and inside [`REGION`], edges included.
fn in_region(p: [f64; 2]) -> bool {
    let (lo, hi) = REGION;
    valid_lonlat(p) && p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1]
}

/// Cells this many degrees wide across [`REGION`], west to east and south to north, numbered
/// row by row.
#[derive(Clone, Copy)]
struct RegionCells(f64);

/// The cells of [`Geography::coast_at_cell`]: a centre lies within 8 km of any of its points.
const COAST_CELLS: RegionCells = RegionCells(0.1);

/// The cells of [`Geography::land_cells`].
const LAND_CELLS: RegionCells = RegionCells(1.0);

impl RegionCells {
    /// Columns and rows.
    fn size(self) -> (usize, usize) {
        let (lo, hi) = REGION;
        let n = |a: f64, b: f64| ((b - a) / self.0).ceil() as usize;
        (n(lo[0], hi[0]), n(lo[1], hi[1]))
    }

    /// The cell of a point of [`REGION`] (clamped to it), as (column, row).
    fn cell(self, p: [f64; 2]) -> (usize, usize) {
        let ((lo, _), (nx, ny)) = (REGION, self.size());
        // `as` saturates: west or south of the region is column or row 0.
        let at = |v: f64, o: f64, n: usize| (((v - o) / self.0) as usize).min(n - 1);
        (at(p[0], lo[0], nx), at(p[1], lo[1], ny))
    }

    /// The cell's number.
    fn index(self, (x, y): (usize, usize)) -> usize {
        y * self.size().0 + x
    }

    /// The centre of a cell.
    fn centre(self, (x, y): (usize, usize)) -> [f64; 2] {
        let lo = REGION.0;
        [lo[0] + (x as f64 + 0.5) * self.0, lo[1] + (y as f64 + 0.5) * self.0]
    }
}

/// Circle zones' centres and indexes, sorted by latitude.
type Centres = Vec<([f64; 2], usize)>;

impl Geography {
    /// Every zone, shipped first, then user zones in the order given.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    pub fn zone(&self, id: &str) -> Option<&Zone> {
        self.by_id.get(id).map(|&i| &self.zones[i])
    }

    /// Where the zone `id` stands in [`Geography::zones`].
    pub fn zone_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Calls `f` for every polygon or circle zone containing the point (lon, lat in degrees).
    /// Line zones contain nothing. An invalid position contains nothing. The order of the calls
    /// is the index's and differs from place to place; [`Geography::zone_index`] gives the
    /// zones' own order.
    pub fn for_each_containing<'a>(&'a self, lon: f64, lat: f64, mut f: impl FnMut(&'a Zone)) {
        let p = [lon, lat];
        if !valid_lonlat(p) {
            return;
        }
        if let Some(cell) = self.grid.cell(p) {
            for &entry in cell {
                let i = (entry & !FULL) as usize;
                if entry & FULL != 0 || self.contains_exactly(i, p) {
                    f(&self.zones[i]);
                }
            }
            for &i in &self.grid.big {
                if self.contains_exactly(i as usize, p) {
                    f(&self.zones[i as usize]);
                }
            }
            return;
        }
        for item in self.areas.locate_in_envelope_intersecting(&AABB::from_point(p)) {
            let i = item.data as usize;
            if self.contains_exactly(i, p) {
                f(&self.zones[i]);
            }
        }
    }

    /// Whether the zone `id` contains the point; false for an unknown zone, a line zone and an
    /// invalid position.
    pub fn zone_contains(&self, id: &str, lon: f64, lat: f64) -> bool {
        let p = [lon, lat];
        valid_lonlat(p) && self.zone_index(id).is_some_and(|i| self.contains_exactly(i, p))
    }

    fn contains_exactly(&self, i: usize, p: [f64; 2]) -> bool {
        match &self.shapes[i] {
            Compiled::Polygon(s) => s.contains(p),
            Compiled::Circle { center, radius_m } => within_m(*center, p, *radius_m),
            Compiled::Line(_) => false,
        }
    }

    /// The polygon and circle zones containing the point, in index order.
    pub fn containing(&self, lon: f64, lat: f64) -> Vec<&Zone> {
        let mut out = Vec::new();
        self.for_each_containing(lon, lat, |z| out.push(z));
        out.sort_by_key(|z| self.by_id.get(&z.id).copied());
        out
    }

    /// Distance, side and along-line km from the point to a line zone (border, section,
    /// coast or user line); `None` if the id is not a line or the position is invalid.
    pub fn locate_on_line(&self, id: &str, lon: f64, lat: f64) -> Option<LineDistance> {
        match &self.shapes[*self.by_id.get(id)?] {
            Compiled::Line(l) => l.locate([lon, lat]),
            _ => None,
        }
    }

    /// The nearest land border, the section there, and which side the point is on.
    pub fn nearest_border(&self, lon: f64, lat: f64) -> Option<BorderFix<'_>> {
        let p = [lon, lat];
        if !valid_lonlat(p) {
            return None;
        }
        // Nearest box first; skip a border whose box is already farther than the best hit.
        let mut lines: Vec<(f64, usize, &LineShape)> = Vec::with_capacity(self.borders.len());
        for &i in &self.borders {
            if let Compiled::Line(l) = &self.shapes[i] {
                lines.push((l.lower_bound_m(p), i, l));
            }
        }
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut best: Option<(usize, LineDistance)> = None;
        for (bound, i, l) in lines {
            if best.is_some_and(|(_, b)| bound > b.metres) {
                break;
            }
            if let Some(d) = l.locate(p)
                && best.is_none_or(|(_, b)| d.metres < b.metres)
            {
                best = Some((i, d));
            }
        }
        let (i, at) = best?;
        Some(BorderFix {
            border: &self.zones[i],
            section: self.section_index(i, at.along_km).map(|s| &self.zones[s]),
            at,
            in_libya: self.libya.contains(p),
        })
    }

    fn section_index(&self, line: usize, km: f64) -> Option<usize> {
        let list = self.sections.get(&line)?;
        let k = list.partition_point(|s| s.0 <= km).checked_sub(1)?;
        Some(list[k].2)
    }

    /// The section of a line (`border.tun`, `coast.lby`) at an along-line position in km.
    pub fn section_at(&self, line_id: &str, km: f64) -> Option<&Zone> {
        self.section_index(*self.by_id.get(line_id)?, km).map(|i| &self.zones[i])
    }

    /// The sections of a line in order, with their start and end km along it.
    pub fn sections(&self, line_id: &str) -> Vec<(&Zone, f64, f64)> {
        let Some(list) = self.by_id.get(line_id).and_then(|i| self.sections.get(i)) else {
            return Vec::new();
        };
        list.iter().map(|&(a, b, i)| (&self.zones[i], a, b)).collect()
    }

    /// The nearest official crossing point and the distance to its centre in metres.
    pub fn nearest_crossing(&self, lon: f64, lat: f64) -> Option<(&Zone, f64)> {
        self.nearest_of_kind(ZoneKind::CrossingPoint, lon, lat)
    }

    /// Distance in metres from the point to Libya's coastline (on land or at sea).
    pub fn distance_to_coast_m(&self, lon: f64, lat: f64) -> Option<f64> {
        match &self.shapes[self.coast] {
            Compiled::Line(l) => l.locate([lon, lat]).map(|d| d.metres),
            _ => None,
        }
    }

    /// The centre of the point's cell of a grid over [`REGION`] and the exact distance from it
    /// to Libya's coast (as [`Geography::distance_to_coast_m`] gives it), measured once for
    /// all the points of the cell; `None` outside the region. The distance changes no faster
    /// than the point moves, so it bounds the point's own distance within the point's distance
    /// from the centre, and most questions of "how near the coast" need no more: for tracks
    /// heard for the first time, most of a picture's, a coast measurement apiece was the
    /// costliest step of their first fix. Results never depend on what was measured before.
    pub fn coast_at_cell(&self, lon: f64, lat: f64) -> Option<([f64; 2], f64)> {
        if !in_region([lon, lat]) {
            return None;
        }
        let cell = COAST_CELLS.cell([lon, lat]);
        let centre = COAST_CELLS.centre(cell);
        let cell = self.coast_cells.get(COAST_CELLS.index(cell))?;
        let d = *cell
            .get_or_init(|| self.distance_to_coast_m(centre[0], centre[1]).unwrap_or(f64::NAN));
        d.is_finite().then_some((centre, d))
    }

    /// Whether the point is at most `metres` from Libya's coastline.
    pub fn near_coast(&self, lon: f64, lat: f64, metres: f64) -> bool {
        match &self.shapes[self.coast] {
            Compiled::Line(l) => l.within([lon, lat], metres),
            _ => false,
        }
    }

    /// The other countries' polygons that may hold `p`, a point of [`REGION`]: those whose
    /// box meets its land cell (a point in a polygon is in its box, and its box meets the
    /// point's cell).
    fn land_at(&self, p: [f64; 2]) -> impl Iterator<Item = &PolygonShape> {
        let cell = LAND_CELLS.index(LAND_CELLS.cell(p));
        let cell = self.land_cells.get(cell).map_or(&[][..], |c| &c[..]);
        cell.iter().filter_map(|&i| self.land.get(usize::from(i)))
    }

    /// Land (Libya's or another country's) or sea, from the shipped country polygons.
    pub fn surface(&self, lon: f64, lat: f64) -> Surface {
        let p = [lon, lat];
        if !in_region(p) {
            return Surface::Unknown;
        }
        if self.libya.contains(p) {
            Surface::Libya
        } else if self.land_at(p).any(|s| s.contains(p)) {
            Surface::OtherLand
        } else {
            Surface::Sea
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    fn geography() -> &'static Geography {
        static G: OnceLock<Geography> = OnceLock::new();
        G.get_or_init(|| {
            let text = "[[zone]]\nid = \"c\"\ncircle = { center = [12.5, 33.2], radius_m = 30000.0 }\n\
                        [[zone]]\nid = \"big\"\ncircle = { center = [18.0, 27.0], radius_m = 1500000.0 }\n\
                        [[zone]]\nid = \"tri\"\npolygon = [[[12.0, 33.0], [13.0, 33.05], [12.4, 33.6], [12.0, 33.0]]]\n";
            let zones = crate::zones_from_toml("t.toml", text, &AgencyId::new("JOC"));
            Geography::builder().zones(zones.unwrap_or_default()).build().unwrap_or_else(|e| panic!("{e}"))
        })
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn grid_agrees_with_the_r_tree(
            (lon, lat) in proptest::prop_oneof![
                (5.0..30.0f64, 15.0..38.5f64),
                (11.4..25.2f64, 30.2..34.2f64),
                (11.9..12.6f64, 32.8..33.7f64),
            ]
        ) {
            let g = geography();
            let p = [lon, lat];
            let mut fast = Vec::new();
            g.for_each_containing(lon, lat, |z| fast.push(z.id.clone()));
            let mut slow: Vec<String> = g
                .areas
                .locate_in_envelope_intersecting(&AABB::from_point(p))
                .filter(|item| g.contains_exactly(item.data as usize, p))
                .map(|item| g.zones[item.data as usize].id.clone())
                .collect();
            fast.sort();
            slow.sort();
            proptest::prop_assert_eq!(fast, slow);
        }

        /// Land found through the land cells is land found by testing every polygon, over
        /// the region and past its edges, and on the cells' edges.
        #[test]
        fn land_cells_find_what_every_polygon_finds(
            (lon, lat) in proptest::prop_oneof![
                (4.0..31.0f64, 14.0..39.5f64),
                (9.0..12.0f64, 30.0..38.0f64),
                (5i32..=30, 15i32..=38).prop_map(|(x, y)| (f64::from(x), f64::from(y))),
            ]
        ) {
            let g = geography();
            let p = [lon, lat];
            let every = g.land.iter().any(|s| s.contains(p));
            let (lo, hi) = REGION;
            let in_region = p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1];
            if in_region {
                proptest::prop_assert_eq!(g.land_at(p).any(|s| s.contains(p)), every);
            }
        }
    }

    #[test]
    fn land_polygons_are_numbered_in_sixteen_bits() {
        assert!(geography().land.len() < usize::from(u16::MAX));
    }
}
