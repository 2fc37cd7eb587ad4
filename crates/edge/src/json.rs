//! Observations from request bodies: a JSON array (or one object), or a GeoJSON
//! FeatureCollection whose Point features carry the other fields as properties.
//!
//! Each item is decoded and validated on its own, so one bad item is named and refused while
//! the good ones go on; a body that is not JSON at all is refused whole.

use model::{Observation, Position, Time, ValidationLimits};
use serde_json::Value;

use crate::Stamp;

/// One refused item: its index in the request and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Rejected {
    pub index: usize,
    pub reason: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("request body is not valid JSON: {0}")]
    Malformed(String),
    #[error(
        "expected a JSON array of observations, one observation, or a GeoJSON FeatureCollection"
    )]
    Shape,
    #[error("{count} items is more than the limit of {limit} per request")]
    TooMany { count: usize, limit: usize },
}

/// Splits a body into items and decodes each one.
pub fn parse(
    body: &[u8],
    now: Time,
    limits: ValidationLimits,
    max_items: usize,
) -> Result<(Vec<Observation>, Vec<Rejected>), BodyError> {
    parse_from(body, now, limits, max_items, None)
}

impl Stamp {
    fn apply(&self, o: &mut Observation, marked: bool) {
        o.source.clone_from(&self.source);
        o.agency = self.agency.clone();
        o.source_kind = self.source_kind;
        if !marked {
            o.marking = self.marking.clone();
        }
    }
}

/// Like [`parse`], for a configured source: items may omit `source`, `source_kind` and
/// `agency`, which the stamp supplies.
pub fn parse_from(
    body: &[u8],
    now: Time,
    limits: ValidationLimits,
    max_items: usize,
    stamp: Option<&Stamp>,
) -> Result<(Vec<Observation>, Vec<Rejected>), BodyError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| BodyError::Malformed(e.to_string()))?;
    let items = match value {
        Value::Array(items) => items.into_iter().map(Item::Plain).collect::<Vec<_>>(),
        Value::Object(mut map) => match map.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => match map.remove("features") {
                Some(Value::Array(features)) => features.into_iter().map(Item::Feature).collect(),
                _ => return Err(BodyError::Shape),
            },
            Some("Feature") => vec![Item::Feature(Value::Object(map))],
            _ => vec![Item::Plain(Value::Object(map))],
        },
        _ => return Err(BodyError::Shape),
    };
    if items.len() > max_items {
        return Err(BodyError::TooMany { count: items.len(), limit: max_items });
    }
    let mut accepted = Vec::with_capacity(items.len());
    let mut rejected = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let decoded = item.decode(stamp);
        match decoded.and_then(|o| validate(o, now, limits)) {
            Ok(observation) => accepted.push(observation),
            Err((reason, message)) => rejected.push(Rejected { index, reason, message }),
        }
    }
    Ok((accepted, rejected))
}

enum Item {
    Plain(Value),
    Feature(Value),
}

type ItemError = (&'static str, String);

impl Item {
    fn decode(self, stamp: Option<&Stamp>) -> Result<Observation, ItemError> {
        let mut value = match self {
            Item::Plain(value) => value,
            Item::Feature(feature) => feature_to_observation(feature)?,
        };
        let mut marked = false;
        if let (Some(stamp), Value::Object(map)) = (stamp, &mut value) {
            // Placeholders that the stamp overwrites after decoding.
            map.insert("source".into(), Value::String(stamp.source.clone()));
            map.insert("agency".into(), Value::String(stamp.agency.to_string()));
            map.insert("source_kind".into(), serde_json::json!(stamp.source_kind));
            marked = map.contains_key("marking");
        }
        let mut observation: Observation =
            serde_json::from_value(value).map_err(|e| ("invalid", e.to_string()))?;
        if let Some(stamp) = stamp {
            stamp.apply(&mut observation, marked);
        }
        Ok(observation)
    }
}

fn validate(o: Observation, now: Time, limits: ValidationLimits) -> Result<Observation, ItemError> {
    o.validate(now, limits).map_err(|e| (e.reason(), e.to_string()))?;
    Ok(o)
}

/// `{"type":"Feature","geometry":{"type":"Point","coordinates":[lon,lat(,alt)]},"properties":{…}}`
fn feature_to_observation(feature: Value) -> Result<Value, ItemError> {
    let Value::Object(mut feature) = feature else {
        return Err(("invalid", "a feature must be a JSON object".into()));
    };
    let geometry = feature.remove("geometry").unwrap_or(Value::Null);
    let coordinates =
        match (geometry.get("type").and_then(Value::as_str), geometry.get("coordinates")) {
            (Some("Point"), Some(Value::Array(c))) => c.clone(),
            _ => return Err(("invalid", "a feature's geometry must be a Point".into())),
        };
    let number = |i: usize| coordinates.get(i).and_then(Value::as_f64);
    let (Some(lon), Some(lat)) = (number(0), number(1)) else {
        return Err(("invalid", "a Point needs numeric [lon, lat]".into()));
    };
    let mut properties = match feature.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => return Err(("invalid", "a feature needs an object of properties".into())),
    };
    let accuracy_m = properties.remove("accuracy_m").and_then(|v| v.as_f64());
    let position = Position { lon, lat, alt_m: number(2), accuracy_m };
    let position = serde_json::to_value(position).map_err(|e| ("invalid", e.to_string()))?;
    properties.insert("position".into(), position);
    Ok(Value::Object(properties))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Time = Time(1_700_000_000_000);

    fn run(body: &str) -> Result<(Vec<Observation>, Vec<Rejected>), BodyError> {
        parse(body.as_bytes(), NOW, ValidationLimits::default(), 100)
    }

    #[test]
    fn geojson_and_plain_forms_decode_alike() {
        let plain = r#"[{"source":"r","source_kind":"radar","agency":"CGW","time":1700000000000,
            "position":{"lon":12.1,"lat":33.2,"alt_m":5.0}}]"#;
        let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "geometry":{"type":"Point","coordinates":[12.1,33.2,5.0]},
            "properties":{"source":"r","source_kind":"radar","agency":"CGW","time":1700000000000}}]}"#;
        let (a, ra) = run(plain).expect("plain");
        let (b, rb) = run(geo).expect("geojson");
        assert!(ra.is_empty() && rb.is_empty(), "{ra:?} {rb:?}");
        assert_eq!(a, b);
    }

    #[test]
    fn each_bad_item_is_named_and_the_good_ones_pass() {
        let body = r#"[
            {"source":"r","source_kind":"radar","agency":"CGW","time":1700000000000,"position":{"lon":12,"lat":33}},
            {"source":"r","source_kind":"radar","agency":"CGW","time":1700000000000,"position":{"lon":12,"lat":95}},
            {"source":"r","source_kind":"sonar","agency":"CGW","time":1700000000000,"position":{"lon":12,"lat":33}},
            {"source":"r","source_kind":"radar","agency":"CGW","time":"yesterday","position":{"lon":12,"lat":33}},
            {"source":"r","source_kind":"radar","agency":"CGW","time":9999999999999,"position":{"lon":12,"lat":33}},
            {"source":"r","source_kind":"radar","agency":"CGW","time":1700000000000,"position":{"lon":12,"lat":33},"extra":1}
        ]"#;
        let (ok, bad) = run(body).expect("parse");
        assert_eq!(ok.len(), 1);
        let reasons: Vec<_> = bad.iter().map(|r| (r.index, r.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                (1, "latitude"),
                (2, "invalid"),
                (3, "invalid"),
                (4, "future_time"),
                (5, "invalid")
            ]
        );
        assert!(bad[4].message.contains("extra"), "{}", bad[4].message);
    }

    #[test]
    fn malformed_json_and_wrong_shapes_are_refused_whole() {
        assert!(matches!(run("[{\"source\":"), Err(BodyError::Malformed(_))));
        assert!(matches!(run("[{\"lat\": NaN}]"), Err(BodyError::Malformed(_))));
        assert!(matches!(run("42"), Err(BodyError::Shape)));
        let many = format!("[{}]", vec!["{}"; 101].join(","));
        assert!(matches!(run(&many), Err(BodyError::TooMany { count: 101, .. })));
    }
}
