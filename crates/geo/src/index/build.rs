//! Building a [`Geography`]: the shipped zones (borders, coast, sections, crossing points,
//! ports, the sea belts) and the user's, compiled and indexed once.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use model::{Zone, ZoneGeometry, ZoneKind};
use rstar::{RTree, primitives::Rectangle};

use super::{AreaItem, COAST_CELLS, Centres, Compiled, Geography, LAND_CELLS, Options, REGION};
use crate::GeoError;
use crate::builtin::{self, COAST_ID};
use crate::grid::{Footprint, Grid};
use crate::shape::{LineShape, PolygonShape};
use crate::sphere::circle_box;
use crate::validate::check_zone;

/// For each land cell, the polygons of `land` whose box meets it.
fn land_cells(land: &[PolygonShape]) -> Vec<Box<[u16]>> {
    let (nx, ny) = LAND_CELLS.size();
    let mut cells = vec![Vec::new(); nx * ny];
    for (i, shape) in land.iter().enumerate() {
        let (lo, hi) = (LAND_CELLS.cell(shape.min), LAND_CELLS.cell(shape.max));
        for y in lo.1..=hi.1 {
            for x in lo.0..=hi.0 {
                // Fewer than 65 536 polygons in the shipped countries (tested).
                cells[LAND_CELLS.index((x, y))].push(u16::try_from(i).unwrap_or(u16::MAX));
            }
        }
    }
    cells.into_iter().map(Vec::into_boxed_slice).collect()
}

/// Collects the inputs of a [`Geography`].
#[derive(Debug, Clone, Default)]
pub struct GeographyBuilder {
    options: Options,
    sections: Option<(String, String)>,
    user: Vec<Zone>,
    roads: Vec<Vec<[f64; 2]>>,
}

impl GeographyBuilder {
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Replaces the shipped `border_sections.toml`; `file` names it in errors.
    pub fn sections_toml(mut self, file: &str, text: &str) -> Self {
        self.sections = Some((file.to_string(), text.to_string()));
        self
    }

    /// Adds user zones (see [`crate::zones_from_geojson`], [`crate::zones_from_toml`]).
    pub fn zones(mut self, zones: impl IntoIterator<Item = Zone>) -> Self {
        self.user.extend(zones);
        self
    }

    /// Adds roads (see [`crate::roads_from_geojson`]); `build` refuses a road with a point
    /// off the Earth or fewer than two distinct points, naming its place among those added.
    pub fn roads(mut self, roads: impl IntoIterator<Item = Vec<[f64; 2]>>) -> Self {
        self.roads.extend(roads);
        self
    }

    pub fn build(self) -> Result<Geography, GeoError> {
        let owner = &self.options.owner;
        let mut zones = builtin::land_borders(owner)?;
        zones.push(builtin::coast(owner)?);
        let mut lines = BTreeMap::new();
        for z in &zones {
            check_zone(z)?;
            if let ZoneGeometry::LineString { points } = &z.geometry {
                let key = z.id.strip_prefix("border.").unwrap_or("coast").to_string();
                lines.insert(key, (z.id.clone(), LineShape::new(points)));
            }
        }
        let (file, text) = match &self.sections {
            Some((f, t)) => (f.as_str(), t.as_str()),
            None => ("border_sections.toml", builtin::BORDER_SECTIONS),
        };
        zones.extend(builtin::sections(file, text, &lines, owner)?);
        let crossing = ZoneKind::CrossingPoint;
        let r = self.options.crossing_radius_m;
        zones.extend(builtin::points(
            "libya_border_crossings.geojson",
            builtin::CROSSINGS,
            "bcp",
            crossing,
            r,
            owner,
        )?);
        let r = self.options.port_radius_m;
        zones.extend(builtin::points(
            "libya_ports.geojson",
            builtin::PORTS,
            "port",
            ZoneKind::Port,
            r,
            owner,
        )?);
        zones.push(builtin::belt(
            "libya_territorial_sea.geojson",
            builtin::TERRITORIAL_SEA,
            "sea.territorial",
            ("Libyan territorial sea (12 nm)", "البحر الإقليمي الليبي (12 ميلا بحريا)"),
            ZoneKind::TerritorialSea,
            owner,
        )?);
        zones.push(builtin::belt(
            "libya_contiguous_zone.geojson",
            builtin::CONTIGUOUS_ZONE,
            "sea.contiguous",
            ("Libyan contiguous zone (12-24 nm)", "المنطقة المتاخمة الليبية (12-24 ميلا بحريا)"),
            ZoneKind::ContiguousZone,
            owner,
        )?);
        zones.extend(self.user);
        let mut geo = Geography::index(zones)?;
        if !self.roads.is_empty() {
            let roads = (self.roads.iter().enumerate())
                .map(|(index, road)| {
                    crate::roads::check_road(road)
                        .map_err(|problem| GeoError::BadRoad { index, problem })
                })
                .collect::<Result<Vec<_>, _>>()?;
            geo.roads = Some(Arc::new(LineShape::from_parts(&roads)));
        }
        Ok(geo)
    }
}

impl Geography {
    pub fn builder() -> GeographyBuilder {
        GeographyBuilder::default()
    }

    /// The shipped geography with default options and no user zones.
    pub fn libya() -> Result<Geography, GeoError> {
        Geography::builder().build()
    }

    fn index(zones: Vec<Zone>) -> Result<Geography, GeoError> {
        let mut by_id = BTreeMap::new();
        let mut shapes = Vec::with_capacity(zones.len());
        let mut areas = Vec::new();
        for (i, z) in zones.iter().enumerate() {
            check_zone(z)?;
            if by_id.insert(z.id.clone(), i).is_some() {
                return Err(GeoError::DuplicateId { id: z.id.clone() });
            }
            let compiled = match &z.geometry {
                ZoneGeometry::Polygon { rings } => Compiled::Polygon(PolygonShape::new(rings)),
                ZoneGeometry::LineString { points } => Compiled::Line(LineShape::new(points)),
                ZoneGeometry::Circle { center, radius_m } => {
                    Compiled::Circle { center: *center, radius_m: *radius_m }
                }
            };
            let bbox = match &compiled {
                Compiled::Polygon(p) => Some((p.min, p.max)),
                Compiled::Circle { center, radius_m } => Some(circle_box(*center, *radius_m)),
                Compiled::Line(_) => None,
            };
            if let Some((lo, hi)) = bbox {
                areas.push(AreaItem::new(Rectangle::from_corners(lo, hi), i as u32));
            }
            shapes.push(compiled);
        }
        let find = |id: &str| by_id.get(id).copied();
        let coast = find(COAST_ID).ok_or_else(|| GeoError::Empty { zone: COAST_ID.into() })?;
        let of_kind = |k: ZoneKind| {
            zones.iter().enumerate().filter(move |(_, z)| z.kind == k).map(|(i, _)| i)
        };
        let borders: Vec<usize> = of_kind(ZoneKind::LandBorder).collect();
        let mut circles: Vec<(ZoneKind, Centres)> = Vec::new();
        for (i, shape) in shapes.iter().enumerate() {
            let Compiled::Circle { center, .. } = shape else { continue };
            let kind = zones[i].kind;
            match circles.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, list)) => list.push((*center, i)),
                None => circles.push((kind, vec![(*center, i)])),
            }
        }
        for (_, list) in &mut circles {
            list.sort_by(|a, b| a.0[1].total_cmp(&b.0[1]).then(a.1.cmp(&b.1)));
        }
        let shores = LineShape::from_parts(&builtin::coastlines()?);
        let mut sections: BTreeMap<usize, Vec<(f64, f64, usize)>> = BTreeMap::new();
        for (i, z) in zones.iter().enumerate() {
            let (Some(parent), Compiled::Line(part)) =
                (z.parent.as_deref().and_then(find), &shapes[i])
            else {
                continue;
            };
            let Compiled::Line(whole) = &shapes[parent] else { continue };
            let (Some(first), Some(last)) = (part.points.first(), part.points.last()) else {
                continue;
            };
            let start = whole.locate(*first).map_or(0.0, |d| d.along_km);
            let end = whole.locate(*last).map_or(0.0, |d| d.along_km);
            sections.entry(parent).or_default().push((start, end, i));
        }
        for list in sections.values_mut() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let mut libya = None;
        let mut land = Vec::new();
        for (iso, rings) in builtin::countries()? {
            let shape = PolygonShape::new(&rings);
            if iso == "LBY" {
                libya = Some(shape);
            } else {
                land.push(shape);
            }
        }
        let libya =
            libya.ok_or_else(|| GeoError::Empty { zone: "countries.geojson LBY".into() })?;
        let footprints: Vec<(u32, Footprint<'_>)> = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Compiled::Polygon(p) => Some((i as u32, Footprint::Polygon(p))),
                Compiled::Circle { center, radius_m } => {
                    let (lo, hi) = circle_box(*center, *radius_m);
                    Some((i as u32, Footprint::Box(lo, hi)))
                }
                Compiled::Line(_) => None,
            })
            .collect();
        let grid = Grid::new(REGION.0, REGION.1, &footprints);
        drop(footprints);
        Ok(Geography {
            zones,
            shapes,
            by_id,
            areas: RTree::bulk_load(areas),
            grid,
            borders,
            sections,
            coast,
            circles,
            shores,
            libya,
            land_cells: land_cells(&land),
            land,
            coast_cells: {
                let (nx, ny) = COAST_CELLS.size();
                (0..nx * ny).map(|_| OnceLock::new()).collect()
            },
            roads: None,
        })
    }
}
