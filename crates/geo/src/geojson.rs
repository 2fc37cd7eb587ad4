//! A minimal GeoJSON reader (RFC 7946 FeatureCollection) for the shapes zones use, with errors
//! that name the file and the feature.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::GeoError;

#[derive(Debug, Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<Feature>,
}

#[derive(Debug, Deserialize)]
struct Feature {
    geometry: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
}

/// A geometry as read, positions reduced to `[lon, lat]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
    MultiLine(Vec<Vec<[f64; 2]>>),
    Other(String),
}

/// One feature: its index in the file, shape and properties.
#[derive(Debug, Clone)]
pub struct Item {
    pub index: usize,
    pub shape: Shape,
    pub properties: Map<String, Value>,
}

impl Item {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    pub fn f64(&self, key: &str) -> Option<f64> {
        self.properties.get(key).and_then(Value::as_f64)
    }
}

/// Reads a FeatureCollection; `file` names the input in errors.
pub fn read(file: &str, text: &str) -> Result<Vec<Item>, GeoError> {
    let c: Collection = serde_json::from_str(text)
        .map_err(|e| GeoError::Json { file: file.to_string(), message: e.to_string() })?;
    if c.kind != "FeatureCollection" {
        return Err(GeoError::Json {
            file: file.to_string(),
            message: format!("type is {:?}, want \"FeatureCollection\"", c.kind),
        });
    }
    c.features
        .into_iter()
        .enumerate()
        .map(|(index, f)| {
            let bad =
                |problem: String| GeoError::BadFeature { file: file.to_string(), index, problem };
            let shape = match f.geometry {
                Some(g) => shape(&g).map_err(bad)?,
                None => return Err(bad("no geometry".into())),
            };
            Ok(Item { index, shape, properties: f.properties.unwrap_or_default() })
        })
        .collect()
}

fn shape(g: &Value) -> Result<Shape, String> {
    let kind = g.get("type").and_then(Value::as_str).ok_or("geometry has no type")?;
    let coords = g.get("coordinates");
    let need = || coords.ok_or_else(|| format!("{kind} has no coordinates"));
    Ok(match kind {
        "Point" => Shape::Point(position(need()?)?),
        "LineString" => Shape::Line(positions(need()?)?),
        "Polygon" => {
            let rings = need()?.as_array().ok_or("polygon coordinates are not an array")?;
            Shape::Polygon(rings.iter().map(positions).collect::<Result<_, _>>()?)
        }
        "MultiLineString" => {
            let lines = need()?.as_array().ok_or("multilinestring coordinates are not an array")?;
            Shape::MultiLine(lines.iter().map(positions).collect::<Result<_, _>>()?)
        }
        "MultiPolygon" => {
            let polys = need()?.as_array().ok_or("multipolygon coordinates are not an array")?;
            let mut out = Vec::with_capacity(polys.len());
            for poly in polys {
                let rings = poly.as_array().ok_or("polygon coordinates are not an array")?;
                out.push(rings.iter().map(positions).collect::<Result<_, _>>()?);
            }
            Shape::MultiPolygon(out)
        }
        other => Shape::Other(other.to_string()),
    })
}

fn positions(v: &Value) -> Result<Vec<[f64; 2]>, String> {
    v.as_array().ok_or("coordinates are not an array")?.iter().map(position).collect()
}

fn position(v: &Value) -> Result<[f64; 2], String> {
    let a = v.as_array().ok_or("a position is not an array")?;
    let num = |i: usize| a.get(i).and_then(Value::as_f64);
    match (num(0), num(1)) {
        (Some(lon), Some(lat)) => Ok([lon, lat]),
        _ => Err("a position needs two numbers [lon, lat]".into()),
    }
}
