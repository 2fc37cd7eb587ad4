//! The geography's zones as GeoJSON: borders, sections with their impact, crossing points,
//! ports, the maritime belts and user zones.

use axum::extract::State;
use model::{Zone, ZoneGeometry};
use serde_json::{Value, json};

use crate::http::AppState;

/// Points on a circle's edge when drawn as a polygon (GeoJSON has no circles).
const CIRCLE_STEPS: usize = 32;

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

/// `GET /api/v1/zones`. Zones are reference data every signed-in user may see.
pub async fn list_zones(State(state): State<AppState>) -> axum::Json<Value> {
    let geo = state.centre.read(|engine| std::sync::Arc::clone(engine.geography()));
    let features: Vec<Value> = geo.zones().iter().map(zone_feature).collect();
    axum::Json(json!({ "type": "FeatureCollection", "features": features }))
}
