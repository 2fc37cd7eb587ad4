//! Questions about a move between two fixes and about the open sea: which land border a step
//! crossed and where, the nearest anchorage, and distance from any coast.

use model::{Zone, ZoneKind};

use super::{Compiled, Geography};
use crate::sphere::{EARTH_RADIUS_M, haversine_m, valid_lonlat};

/// A step between two fixes that crossed a land border line.
#[derive(Clone, Copy, Debug)]
pub struct BorderCrossing<'a> {
    /// The `border.*` zone crossed.
    pub border: &'a Zone,
    /// The `section.*` zone where it was crossed.
    pub section: Option<&'a Zone>,
    /// Where the step met the line, `[lon, lat]`.
    pub point: [f64; 2],
    /// Position of that point along the border line, in km.
    pub along_km: f64,
    /// Whether the step ends inside Libya's land polygon (entering) or not (leaving).
    pub into_libya: bool,
    /// The nearest official crossing point to where the line was crossed, and the distance
    /// to its centre in metres (over the radius → `crossing.outside_bcp`).
    pub nearest_bcp: Option<(&'a Zone, f64)>,
}

impl Geography {
    /// The first land border line met going from `from` to `to` (`[lon, lat]`), if any.
    pub fn border_crossing(&self, from: [f64; 2], to: [f64; 2]) -> Option<BorderCrossing<'_>> {
        let mut best: Option<(f64, usize, [f64; 2], f64)> = None;
        for &i in &self.borders {
            let Compiled::Line(line) = &self.shapes[i] else { continue };
            if let Some((point, along_km)) = line.first_crossing(from, to) {
                let d = haversine_m(from, point);
                if best.is_none_or(|(bd, ..)| d < bd) {
                    best = Some((d, i, point, along_km));
                }
            }
        }
        let (_, i, point, along_km) = best?;
        Some(BorderCrossing {
            border: &self.zones[i],
            section: self.section_index(i, along_km).map(|s| &self.zones[s]),
            point,
            along_km,
            into_libya: self.libya.contains(to),
            nearest_bcp: self.nearest_crossing(point[0], point[1]),
        })
    }

    /// The first land border found within `metres` of the point, if any: a cheap pre-filter
    /// (it stops at the first segment in reach) before [`Geography::nearest_border`].
    pub fn near_border(&self, lon: f64, lat: f64, metres: f64) -> Option<&Zone> {
        let p = [lon, lat];
        self.borders.iter().find_map(|&i| match &self.shapes[i] {
            Compiled::Line(l) if l.within(p, metres) => Some(&self.zones[i]),
            _ => None,
        })
    }

    /// The nearest circle zone of a kind (crossing points, ports) and the distance to its
    /// centre in metres.
    pub fn nearest_of_kind(&self, kind: ZoneKind, lon: f64, lat: f64) -> Option<(&Zone, f64)> {
        let p = [lon, lat];
        if !valid_lonlat(p) {
            return None;
        }
        let (_, centres) = self.circles.iter().find(|(k, _)| *k == kind)?;
        // The first nearest, in zone order, from the centres nearest in latitude outwards,
        // south and north. A centre farther in latitude alone than the best so far cannot be
        // nearer (a great circle is at least as long as its latitude difference; the margin
        // covers rounding), nor can any past it: the search stops there, with no trigonometry.
        let start = centres.partition_point(|(c, _)| c[1] < lat);
        let mut best: Option<(usize, f64)> = None;
        let mut consider = |&(center, i): &([f64; 2], usize)| {
            let far = (center[1] - lat).abs().to_radians() * EARTH_RADIUS_M * (1.0 - 1e-9) - 1e-6;
            if best.is_some_and(|(_, b)| far > b) {
                return false;
            }
            let d = haversine_m(center, p);
            if best.is_none_or(|(bi, b)| d < b || (d == b && i < bi)) {
                best = Some((i, d));
            }
            true
        };
        let (south, north) = centres.split_at(start);
        let (mut south, mut north) = (south.iter().rev(), north.iter());
        let (mut s_open, mut n_open) = (true, true);
        while s_open || n_open {
            if n_open {
                n_open = north.next().is_some_and(&mut consider);
            }
            if s_open {
                s_open = south.next().is_some_and(&mut consider);
            }
        }
        best.map(|(i, d)| (&self.zones[i], d))
    }

    /// Whether a circle zone of a kind has its centre nearer than `metres` to the point:
    /// exactly whether [`Geography::nearest_of_kind`] finds one nearer, but only the centres
    /// within `metres` in latitude are measured. False for an invalid point.
    pub fn any_of_kind_nearer(&self, kind: ZoneKind, lon: f64, lat: f64, metres: f64) -> bool {
        let p = [lon, lat];
        if !valid_lonlat(p) {
            return false;
        }
        let Some((_, centres)) = self.circles.iter().find(|(k, _)| *k == kind) else {
            return false;
        };
        // Every centre farther in latitude alone is at least as far (the margins cover
        // rounding, the haversine's a nanometre at these distances): the window is a little
        // wider.
        let reach = ((metres + 1e-6) / EARTH_RADIUS_M).to_degrees() * (1.0 + 1e-9);
        let from = centres.partition_point(|(c, _)| c[1] < lat - reach);
        centres[from..]
            .iter()
            .take_while(|(c, _)| c[1] <= lat + reach)
            .any(|&(center, _)| haversine_m(center, p) < metres)
    }

    /// The nearest port or oil terminal (`port.*`) and the distance to it in metres.
    pub fn nearest_port(&self, lon: f64, lat: f64) -> Option<(&Zone, f64)> {
        self.nearest_of_kind(ZoneKind::Port, lon, lat)
    }

    /// Distance in metres to the nearest coastline of any country in the data (Libya, its
    /// neighbours, Malta, Sicily, Crete …): "offshore" for the rules that count from any
    /// coast. The data covers lon 5–30 E, lat 15–38.5 N only.
    pub fn distance_to_any_coast_m(&self, lon: f64, lat: f64) -> Option<f64> {
        self.shores.locate([lon, lat]).map(|d| d.metres)
    }

    /// Whether a road lies within `metres` of the point: the distance to the nearest point of
    /// a road's segment, measured as for the land borders. False with no roads configured,
    /// for an invalid point and for a distance that is not a number.
    pub fn near_road(&self, lon: f64, lat: f64, metres: f64) -> bool {
        self.roads.as_ref().is_some_and(|roads| roads.within([lon, lat], metres))
    }

    /// Whether any road is configured (see [`crate::roads_from_geojson`]).
    pub fn has_roads(&self) -> bool {
        self.roads.is_some()
    }
}
