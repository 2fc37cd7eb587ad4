//! The geography's zones as GeoJSON: borders, sections with their impact, crossing points,
//! ports, the maritime belts and user zones.

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use model::{Event, EventKind, Role, Severity, Zone, ZoneGeometry, ZoneKind};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::incidents::{append_error, parse_body};
use crate::http::{ApiError, AppState};

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpactBody {
    impact: Severity,
}

/// `PUT /api/v1/zones/{id}/impact` `{"impact": "critical"}`: sets a border section's impact
/// level, as the joint centre raises a section for a while and lowers it again. Logged as
/// `ZoneImpactSet` with the caller as actor, published to live subscribers as a zone change,
/// and answered with the zone as GET /api/v1/zones has it. Admins, and duty officers of the
/// agency that owns the zone (the joint centre for the shipped sections), may set it.
pub async fn set_impact(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let zone = state.centre.read(|engine| engine.geography().zone(&id).cloned());
    let Some(zone) = zone else { return Err(ApiError::not_found(format!("no zone {id}"))) };
    let owner = zone.agency == viewer.agency;
    if !(viewer.has(Role::Admin) || (viewer.has(Role::DutyOfficer) && owner)) {
        return Err(ApiError::forbidden(
            "only admins and the zone's own agency's duty officers set its impact level",
        ));
    }
    if zone.kind != ZoneKind::BorderSection {
        return Err(ApiError::bad_request(
            "not_a_section",
            format!("{id} is not a border section: only sections have an impact level"),
        ));
    }
    let b: ImpactBody = parse_body(body)?;
    if b.impact == Severity::Info {
        return Err(ApiError::bad_request(
            "bad_impact",
            "a section's impact is low, medium, high or critical",
        ));
    }
    let event = Event {
        time: state.centre.now(),
        kind: EventKind::ZoneImpactSet {
            zone: id.clone(),
            impact: b.impact,
            actor: viewer.user.clone(),
        },
    };
    state.centre.append_folded(vec![event]).await.map_err(append_error)?;
    state
        .centre
        .read(|engine| engine.geography().zone(&id).map(zone_feature))
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found(format!("no zone {id}")))
}
