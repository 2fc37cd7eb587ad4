//! Libya's shipped geography, read from the files embedded from `data/region/`: land borders,
//! coastline, border sections, crossing points, ports and terminals, maritime belts, land.

use std::collections::BTreeMap;

use model::{AgencyId, Marking, Severity, Zone, ZoneGeometry, ZoneKind};
use serde::Deserialize;

use crate::GeoError;
use crate::geojson::{self, Item, Shape};
use crate::shape::LineShape;

pub const LAND_BORDERS: &str = include_str!("../../../data/region/libya_land_borders.geojson");
pub const COASTLINE: &str = include_str!("../../../data/region/coastline.geojson");
pub const COUNTRIES: &str = include_str!("../../../data/region/countries.geojson");
pub const TERRITORIAL_SEA: &str =
    include_str!("../../../data/region/libya_territorial_sea.geojson");
pub const CONTIGUOUS_ZONE: &str =
    include_str!("../../../data/region/libya_contiguous_zone.geojson");
pub const CROSSINGS: &str = include_str!("../../../data/region/libya_border_crossings.geojson");
pub const PORTS: &str = include_str!("../../../data/region/libya_ports.geojson");
/// The default border sections (editable: see the file's header).
pub const BORDER_SECTIONS: &str = include_str!("../../../data/region/border_sections.toml");

/// Id of Libya's coastline zone.
pub const COAST_ID: &str = "coast.lby";

pub fn zone(
    id: String,
    name: String,
    name_ar: String,
    kind: ZoneKind,
    geometry: ZoneGeometry,
    owner: &AgencyId,
) -> Zone {
    Zone {
        id,
        name,
        name_ar,
        kind,
        geometry,
        agency: owner.clone(),
        marking: Marking::default(),
        impact: None,
        parent: None,
    }
}

fn missing(file: &str, item: &Item, property: &str) -> GeoError {
    GeoError::BadFeature {
        file: file.to_string(),
        index: item.index,
        problem: format!("missing or wrong property {property}"),
    }
}

/// `border.<iso>` line zones, one per neighbour.
pub fn land_borders(owner: &AgencyId) -> Result<Vec<Zone>, GeoError> {
    let file = "libya_land_borders.geojson";
    geojson::read(file, LAND_BORDERS)?
        .iter()
        .map(|item| {
            let iso = item.str("neighbour").ok_or_else(|| missing(file, item, "neighbour"))?;
            let Shape::Line(points) = &item.shape else {
                return Err(missing(file, item, "geometry LineString"));
            };
            let name = item.str("neighbour_name").unwrap_or(iso);
            let name_ar = item.str("neighbour_name_ar").unwrap_or(iso);
            Ok(zone(
                format!("border.{}", iso.to_ascii_lowercase()),
                format!("Libya - {name} land border"),
                format!("الحدود البرية الليبية مع {name_ar}"),
                ZoneKind::LandBorder,
                ZoneGeometry::LineString { points: points.clone() },
                owner,
            ))
        })
        .collect()
}

/// `coast.lby`: Libya's coastline from the Tunisian to the Egyptian border.
pub fn coast(owner: &AgencyId) -> Result<Zone, GeoError> {
    let file = "coastline.geojson";
    let items = geojson::read(file, COASTLINE)?;
    let item = items.iter().find(|i| i.str("iso_a3") == Some("LBY")).ok_or_else(|| {
        GeoError::BadFeature {
            file: file.to_string(),
            index: 0,
            problem: "no feature with iso_a3 LBY".into(),
        }
    })?;
    let Shape::Line(points) = &item.shape else {
        return Err(missing(file, item, "geometry LineString"));
    };
    Ok(zone(
        COAST_ID.into(),
        "Libyan coast".into(),
        "الساحل الليبي".into(),
        ZoneKind::Coast,
        ZoneGeometry::LineString { points: points.clone() },
        owner,
    ))
}

/// One polygon zone from a single-feature belt file.
pub fn belt(
    file: &str,
    text: &str,
    id: &str,
    names: (&str, &str),
    kind: ZoneKind,
    owner: &AgencyId,
) -> Result<Zone, GeoError> {
    let items = geojson::read(file, text)?;
    let rings = match items.first().map(|i| &i.shape) {
        Some(Shape::Polygon(rings)) => rings.clone(),
        _ => {
            return Err(GeoError::BadFeature {
                file: file.into(),
                index: 0,
                problem: "want one Polygon".into(),
            });
        }
    };
    Ok(zone(
        id.into(),
        names.0.into(),
        names.1.into(),
        kind,
        ZoneGeometry::Polygon { rings },
        owner,
    ))
}

/// A stable slug from a feature's `id` property, or its English name up to the first
/// parenthesis: "Ras Ajdir (Ras Jedir) - Ben Gardane road" → `ras-ajdir`.
pub fn slug(item: &Item) -> Option<String> {
    if let Some(id) = item.str("id") {
        return Some(id.to_string());
    }
    let name = item.str("name_en")?;
    let head = name.split(" (").next().unwrap_or(name);
    let mut out = String::new();
    for c in head.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// Circle zones (`<prefix>.<slug>`) around the points of a file.
pub fn points(
    file: &str,
    text: &str,
    prefix: &str,
    kind: ZoneKind,
    radius_m: f64,
    owner: &AgencyId,
) -> Result<Vec<Zone>, GeoError> {
    geojson::read(file, text)?
        .iter()
        .map(|item| {
            let Shape::Point(center) = item.shape else {
                return Err(missing(file, item, "geometry Point"));
            };
            let slug = slug(item).ok_or_else(|| missing(file, item, "name_en"))?;
            let name = item.str("name_en").ok_or_else(|| missing(file, item, "name_en"))?;
            let name_ar = item.str("name_ar").unwrap_or_default();
            Ok(zone(
                format!("{prefix}.{slug}"),
                name.into(),
                name_ar.into(),
                kind,
                ZoneGeometry::Circle { center, radius_m },
                owner,
            ))
        })
        .collect()
}

/// Country polygons (every part of every country) as `(iso_a3, rings)`.
/// Rings of one polygon: exterior first, then holes.
pub type Rings = Vec<Vec<[f64; 2]>>;

pub fn countries() -> Result<Vec<(String, Rings)>, GeoError> {
    let file = "countries.geojson";
    let mut out = Vec::new();
    for item in geojson::read(file, COUNTRIES)? {
        let iso = item.str("iso_a3").ok_or_else(|| missing(file, &item, "iso_a3"))?.to_string();
        match item.shape {
            Shape::Polygon(rings) => out.push((iso, rings)),
            Shape::MultiPolygon(polys) => out.extend(polys.into_iter().map(|r| (iso.clone(), r))),
            _ => return Err(missing(file, &item, "geometry Polygon or MultiPolygon")),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsFile {
    section: Vec<SectionSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionSpec {
    line: String,
    slug: String,
    name: String,
    name_ar: String,
    start_km: f64,
    end_km: f64,
    impact: Severity,
}

/// Slack allowed between the last section's end and the line's computed length, in km.
pub const END_SLACK_KM: f64 = 5.0;

/// Section zones cut from their lines. `lines` maps a line key (`coast`, `tun` …) to the
/// line's zone id and shape. Checks that each line is covered from 0 km to its end with no
/// gap or overlap.
pub fn sections(
    file: &str,
    text: &str,
    lines: &BTreeMap<String, (String, LineShape)>,
    owner: &AgencyId,
) -> Result<Vec<Zone>, GeoError> {
    let parsed: SectionsFile = toml::from_str(text)
        .map_err(|e| GeoError::Toml { file: file.to_string(), message: e.to_string() })?;
    let mut by_line: BTreeMap<&str, Vec<&SectionSpec>> = BTreeMap::new();
    for s in &parsed.section {
        let id = format!("section.{}.{}", s.line, s.slug);
        let bad = |problem: String| GeoError::Section { section: id.clone(), problem };
        if !lines.contains_key(&s.line) {
            let known: Vec<&str> = lines.keys().map(String::as_str).collect();
            return Err(bad(format!(
                "unknown line {:?}, want one of {}",
                s.line,
                known.join(", ")
            )));
        }
        if !(s.start_km.is_finite()
            && s.end_km.is_finite()
            && s.start_km >= 0.0
            && s.end_km > s.start_km)
        {
            return Err(bad(format!(
                "want 0 <= start_km < end_km, got {} .. {}",
                s.start_km, s.end_km
            )));
        }
        if s.impact == Severity::Info {
            return Err(bad("impact must be low, medium, high or critical".into()));
        }
        by_line.entry(s.line.as_str()).or_default().push(s);
    }
    let mut out = Vec::new();
    for (key, (line_id, shape)) in lines {
        let mut specs = by_line.remove(key.as_str()).unwrap_or_default();
        specs.sort_by(|a, b| a.start_km.total_cmp(&b.start_km));
        let gap = |problem: String| GeoError::Coverage { line: key.clone(), problem };
        let total = shape.length_km();
        let mut at = 0.0;
        for s in &specs {
            if s.start_km != at {
                let what = if s.start_km > at { "gap" } else { "overlap" };
                return Err(gap(format!(
                    "{what} between {at} km and {} km (section {})",
                    s.start_km, s.slug
                )));
            }
            at = s.end_km;
        }
        if (at - total).abs() > END_SLACK_KM {
            return Err(gap(format!("sections end at {at} km, the line is {total:.1} km long")));
        }
        let last = specs.len().saturating_sub(1);
        for (k, s) in specs.into_iter().enumerate() {
            // The last section runs to the line's end, whatever the slack.
            let end_km = if k == last { total } else { s.end_km };
            let points = shape.cut(s.start_km, end_km);
            let mut z = zone(
                format!("section.{}.{}", s.line, s.slug),
                s.name.clone(),
                s.name_ar.clone(),
                ZoneKind::BorderSection,
                ZoneGeometry::LineString { points },
                owner,
            );
            z.impact = Some(s.impact);
            z.parent = Some(line_id.clone());
            out.push(z);
        }
    }
    Ok(out)
}

/// Every coastline in the data (all countries of the region box), as polylines.
pub fn coastlines() -> Result<Vec<Vec<[f64; 2]>>, GeoError> {
    let file = "coastline.geojson";
    let mut out = Vec::new();
    for item in geojson::read(file, COASTLINE)? {
        match item.shape {
            Shape::Line(points) => out.push(points),
            Shape::MultiLine(lines) => out.extend(lines),
            _ => return Err(missing(file, &item, "geometry LineString or MultiLineString")),
        }
    }
    Ok(out)
}
