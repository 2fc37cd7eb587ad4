//! The geography's zones as GeoJSON: borders, sections with their impact, crossing points,
//! ports, the maritime belts and user zones.

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use model::{Event, EventKind, Role, Severity, ZoneKind};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::{append_error, parse_body};
use crate::api::{ApiError, AppState};
use crate::wire::zone_feature;

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
