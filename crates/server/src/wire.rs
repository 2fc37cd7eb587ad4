//! The wire: every JSON shape the centre shows the outside, made in this one module (as
//! rust-analyzer's `to_proto`). REST handlers, the live stream and the replay render tracks,
//! alerts, incidents, units and zones through these functions and nowhere else, so that a
//! shape changes in one place and the pipeline never renders JSON itself.

use engine::AlertEntry;
use engine::incident::{self, IncidentRecord, Taxonomy, UnitState};
use model::{Track, Zone, ZoneGeometry};
use serde_json::{Value, json};

/// Points on a circle's edge when drawn as a polygon (GeoJSON has no circles).
const CIRCLE_STEPS: usize = 32;

/// A track as a GeoJSON Point feature; the wire shape of `/tracks` and the live stream.
pub fn track_feature(track: &Track) -> Value {
    let mut coordinates = vec![track.position.lon, track.position.lat];
    if let Some(alt) = track.position.alt_m {
        coordinates.push(alt);
    }
    json!({
        "type": "Feature",
        "id": track.id.0,
        "geometry": { "type": "Point", "coordinates": coordinates },
        "properties": {
            "id": track.id.0,
            "kind": track.kind,
            "state": track.state,
            "agency": track.agency,
            "marking": track.marking,
            "contributors": track.contributors,
            "identity": track.identity,
            "sources": track.sources,
            "source_kinds": track.source_kinds,
            "first_time": track.first_time,
            "last_time": track.last_time,
            "speed_mps": track.speed_mps,
            "course_deg": track.course_deg,
            "heading_deg": track.heading_deg,
            "observations": track.observations,
            "exercise": track.exercise,
            // Radar only, nothing identifies it: what the departure rule watches for.
            "unidentified": engine::rules::is_unidentified(track),
        }
    })
}

/// An alert as the API and the stream show it: the alert, its rule's titles and who
/// acknowledged it.
pub fn alert_view(entry: &AlertEntry) -> Value {
    let mut value = serde_json::to_value(&entry.alert).unwrap_or(Value::Null);
    let info = engine::rules::rules().iter().find(|r| r.id == entry.alert.rule);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), json!(info.map(|i| i.title)));
        obj.insert("title_ar".into(), json!(info.map(|i| i.title_ar)));
        obj.insert("acknowledged_by".into(), json!(entry.acknowledged_by()));
        obj.insert("acknowledged_time".into(), json!(entry.acknowledged_time()));
    }
    value
}

/// An incident as the API and the stream show it: the record, its category's titles and the
/// transitions open to it now.
pub fn incident_view(record: &IncidentRecord) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    let category = Taxonomy::builtin().get(&record.category).ok();
    let allowed: Vec<&str> = incident::allowed_transitions(record.state)
        .iter()
        .map(|s| incident::state_name(*s))
        .collect();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("category_en".into(), json!(category.map(|c| &c.en)));
        obj.insert("category_ar".into(), json!(category.map(|c| &c.ar)));
        obj.insert("allowed_transitions".into(), json!(allowed));
    }
    value
}

/// A unit as the API and the stream show it.
pub fn unit_view(unit: &UnitState) -> Value {
    let mut value = serde_json::to_value(unit).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.insert("id".into(), json!(unit.registration.id));
        obj.insert("agency".into(), json!(unit.registration.agency));
        obj.insert("position".into(), json!(unit.position()));
    }
    value
}

fn geometry(zone: &Zone) -> Value {
    match &zone.geometry {
        ZoneGeometry::Polygon { rings } => json!({ "type": "Polygon", "coordinates": rings }),
        ZoneGeometry::LineString { points } => {
            json!({ "type": "LineString", "coordinates": points })
        }
        ZoneGeometry::Circle { center, radius_m } => {
            let [lon, lat] = *center;
            let dlat = radius_m / 111_195.0;
            let dlon = dlat / lat.to_radians().cos().max(1e-6);
            let ring: Vec<[f64; 2]> = (0..=CIRCLE_STEPS)
                .map(|i| {
                    let a = std::f64::consts::TAU * (i % CIRCLE_STEPS) as f64 / CIRCLE_STEPS as f64;
                    [lon + dlon * a.cos(), lat + dlat * a.sin()]
                })
                .collect();
            json!({ "type": "Polygon", "coordinates": [ring] })
        }
    }
}

/// A zone as a GeoJSON feature. Circles are drawn as polygons and keep their centre and radius
/// in the properties.
pub fn zone_feature(zone: &Zone) -> Value {
    let mut properties = json!({
        "id": zone.id,
        "name": zone.name,
        "name_ar": zone.name_ar,
        "kind": zone.kind,
        "impact": zone.impact,
        "parent": zone.parent,
        "agency": zone.agency,
    });
    if let ZoneGeometry::Circle { center, radius_m } = &zone.geometry {
        properties["center"] = json!(center);
        properties["radius_m"] = json!(radius_m);
    }
    json!({ "type": "Feature", "id": zone.id, "geometry": geometry(zone), "properties": properties })
}

/// A stream message: `{"kind", "op", "data"}`.
pub fn message(kind: &str, op: &str, data: Value) -> Value {
    json!({ "kind": kind, "op": op, "data": data })
}
