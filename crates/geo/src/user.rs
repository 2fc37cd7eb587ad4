//! User zones (polygons, lines, circles) from GeoJSON or TOML, turned into `model::Zone`.
//!
//! GeoJSON: a FeatureCollection whose features carry `id` (required), `name`, `name_ar` and,
//! for a Point, `radius_m` (it becomes a circle). TOML: `[[zone]]` tables with `id`, `name`,
//! `name_ar`, `impact` and exactly one of `polygon` (rings of `[lon, lat]`), `line` or
//! `circle = { center = [lon, lat], radius_m = … }`. Unknown TOML keys are an error.

use model::{AgencyId, Marking, Severity, Zone, ZoneGeometry, ZoneKind};
use serde::Deserialize;

use crate::GeoError;
use crate::geojson::{self, Shape};
use crate::validate::check_zone;

fn zone(
    id: String,
    name: Option<String>,
    name_ar: String,
    geometry: ZoneGeometry,
    owner: &AgencyId,
) -> Zone {
    Zone {
        name: name.unwrap_or_else(|| id.clone()),
        id,
        name_ar,
        kind: ZoneKind::User,
        geometry,
        agency: owner.clone(),
        marking: Marking::default(),
        impact: None,
        parent: None,
    }
}

/// Reads user zones from a GeoJSON FeatureCollection and checks each one.
pub fn zones_from_geojson(file: &str, text: &str, owner: &AgencyId) -> Result<Vec<Zone>, GeoError> {
    geojson::read(file, text)?
        .into_iter()
        .map(|item| {
            let id = item.str("id").ok_or_else(|| GeoError::BadFeature {
                file: file.to_string(),
                index: item.index,
                problem: "missing string property id".into(),
            })?;
            let id = id.to_string();
            let geometry = match &item.shape {
                Shape::Polygon(rings) => ZoneGeometry::Polygon { rings: rings.clone() },
                Shape::Line(points) => ZoneGeometry::LineString { points: points.clone() },
                Shape::Point(center) => {
                    let radius_m = item.f64("radius_m").ok_or_else(|| GeoError::BadProperty {
                        zone: id.clone(),
                        problem: "a point zone needs a numeric radius_m".into(),
                    })?;
                    ZoneGeometry::Circle { center: *center, radius_m }
                }
                Shape::MultiPolygon(_) | Shape::MultiLine(_) => {
                    let kind = "multi-geometry (split it into one feature per part)".to_string();
                    return Err(GeoError::Unsupported { zone: id, kind });
                }
                Shape::Other(kind) => {
                    return Err(GeoError::Unsupported { zone: id, kind: kind.clone() });
                }
            };
            let name = item.str("name").map(str::to_string);
            let name_ar = item.str("name_ar").unwrap_or_default().to_string();
            let z = zone(id, name, name_ar, geometry, owner);
            check_zone(&z)?;
            Ok(z)
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlZones {
    #[serde(default)]
    zone: Vec<TomlZone>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlZone {
    id: String,
    name: Option<String>,
    #[serde(default)]
    name_ar: String,
    impact: Option<Severity>,
    polygon: Option<Vec<Vec<[f64; 2]>>>,
    line: Option<Vec<[f64; 2]>>,
    circle: Option<TomlCircle>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlCircle {
    center: [f64; 2],
    radius_m: f64,
}

/// Reads user zones from TOML (`[[zone]]` tables) and checks each one.
pub fn zones_from_toml(file: &str, text: &str, owner: &AgencyId) -> Result<Vec<Zone>, GeoError> {
    let parsed: TomlZones = toml::from_str(text)
        .map_err(|e| GeoError::Toml { file: file.to_string(), message: e.to_string() })?;
    parsed
        .zone
        .into_iter()
        .map(|t| {
            let geometry = match (t.polygon, t.line, t.circle) {
                (Some(rings), None, None) => ZoneGeometry::Polygon { rings },
                (None, Some(points), None) => ZoneGeometry::LineString { points },
                (None, None, Some(c)) => {
                    ZoneGeometry::Circle { center: c.center, radius_m: c.radius_m }
                }
                _ => {
                    return Err(GeoError::BadProperty {
                        zone: t.id,
                        problem: "give exactly one of polygon, line or circle".into(),
                    });
                }
            };
            let mut z = zone(t.id, t.name, t.name_ar, geometry, owner);
            z.impact = t.impact;
            check_zone(&z)?;
            Ok(z)
        })
        .collect()
}
