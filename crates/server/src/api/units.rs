//! Units: the registry, status and position, read through the access policy.
//!
//! A unit stays with its owner agency unless its marking or a sharing agreement covering units
//! releases it, or it is tasked to an incident the caller may see (`access::can_see_unit`).
//! Registration is for admins and duty officers; a unit's status and position are changed by
//! its own agency (watch officers, duty officers, admins, and the unit's own crew accounts).

use std::collections::BTreeSet;

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use engine::incident::{self, UnitState};
use model::incident::{UnitPositionSource, UnitRegistration};
use model::{Event, EventKind, Marking, Position, Role, UnitKind, UnitStatus};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::incidents::{actor, refused};
use crate::api::request::{append_error, parse_body};
use crate::api::{ApiError, AppState};
use crate::visibility;
use crate::wire::unit_view;

type Answer = Result<axum::Json<Value>, ApiError>;

pub async fn list_units(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Answer {
    let now = state.centre.now();
    let list = state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        engine
            .incidents()
            .units()
            .filter(|u| visibility::unit(engine, &viewer, &agreements, u, now))
            .map(unit_view)
            .collect::<Vec<_>>()
    });
    Ok(axum::Json(json!({ "units": list })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    id: String,
    name: String,
    kind: UnitKind,
    #[serde(default)]
    capabilities: BTreeSet<String>,
    max_speed_mps: f64,
    base: Position,
    #[serde(default)]
    marking: Marking,
    #[serde(default)]
    tracker: Option<String>,
    /// Must be the caller's agency when given.
    #[serde(default)]
    agency: Option<model::AgencyId>,
}

async fn append_unit(
    state: &AppState,
    id: &str,
    events: Vec<model::incident::IncidentEvent>,
) -> Answer {
    let time = state.centre.now();
    let events: Vec<Event> =
        events.into_iter().map(|e| Event { time, kind: EventKind::Incident(e) }).collect();
    state.centre.append_folded(events).await.map_err(append_error)?;
    state
        .centre
        .read(|engine| engine.incidents().unit(id).map(unit_view))
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found(format!("no unit {id}")))
}

/// `POST /api/v1/units`: registers a unit of the caller's agency → 201 and the unit.
pub async fn register_unit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    if !(viewer.has(Role::Admin) || viewer.has(Role::DutyOfficer)) {
        return Err(ApiError::forbidden("only admins and duty officers register units"));
    }
    let b: RegisterBody = parse_body(body)?;
    if let Some(agency) = b.agency.as_ref().filter(|a| **a != viewer.agency) {
        return Err(ApiError::forbidden(format!(
            "a unit of {agency} is registered by its own agency, not by {}",
            viewer.agency
        )));
    }
    let registration = UnitRegistration {
        id: b.id,
        name: b.name,
        agency: viewer.agency.clone(),
        kind: b.kind,
        capabilities: b.capabilities,
        max_speed_mps: b.max_speed_mps,
        base: b.base,
        marking: b.marking,
        tracker: b.tracker,
    };
    let id = registration.id.clone();
    let events = state
        .centre
        .read(|engine| incident::decide_register_unit(engine.incidents(), registration))
        .map_err(refused)?;
    append_unit(&state, &id, events).await.map(|json| (StatusCode::CREATED, json))
}

/// Runs `decide` on a unit of the caller's own agency (404 if hidden, 403 if another's).
fn own_unit<T>(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    decide: impl FnOnce(&incident::Incidents, &UnitState) -> Result<T, incident::IncidentError>,
) -> Result<T, ApiError> {
    let roles = [Role::Admin, Role::DutyOfficer, Role::WatchOfficer, Role::Unit];
    if !roles.iter().any(|r| viewer.has(*r)) {
        return Err(ApiError::forbidden(
            "analysts, auditors and liaison officers do not change units",
        ));
    }
    let now = state.centre.now();
    state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        let unit = engine
            .incidents()
            .unit(id)
            .filter(|u| visibility::unit(engine, viewer, &agreements, u, now))
            .ok_or_else(|| ApiError::not_found(format!("no unit {id}")))?;
        if unit.registration.agency != viewer.agency {
            return Err(ApiError::forbidden(format!(
                "unit {id} belongs to {}; only its own agency changes its status",
                unit.registration.agency
            )));
        }
        decide(engine.incidents(), unit).map_err(refused)
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: UnitStatus,
}

/// `POST /api/v1/units/{id}/status` `{"status"}`: en route and on scene also move the unit's
/// incident along its lifecycle.
pub async fn set_status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: StatusBody = parse_body(body)?;
    let actor = actor(&viewer);
    let events = own_unit(&state, &viewer, &id, |s, _| {
        incident::decide_unit_status(s, &id, b.status, &actor)
    })?;
    append_unit(&state, &id, events).await
}

/// `POST /api/v1/units/{id}/acknowledge`: the unit confirms the task it was given.
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Answer {
    let actor = actor(&viewer);
    let events = own_unit(&state, &viewer, &id, |s, u| {
        let incident = u.incident.clone().ok_or_else(|| incident::IncidentError::InvalidValue {
            field: "unit",
            problem: format!("unit `{id}` is not tasked to any incident"),
        })?;
        incident::decide_unit_acknowledge(s, &incident, &id, &actor)
    })?;
    append_unit(&state, &id, events).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionBody {
    lon: f64,
    lat: f64,
    #[serde(default)]
    speed_mps: Option<f64>,
    #[serde(default)]
    course_deg: Option<f64>,
}

/// `POST /api/v1/units/{id}/position` `{"lon","lat","speed_mps"?,"course_deg"?}`: set by hand.
pub async fn set_position(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: PositionBody = parse_body(body)?;
    let actor = actor(&viewer);
    let position = Position { lon: b.lon, lat: b.lat, ..Position::default() };
    let events = own_unit(&state, &viewer, &id, |s, _| {
        incident::decide_unit_position(
            s,
            &id,
            position,
            b.speed_mps,
            b.course_deg,
            UnitPositionSource::Manual,
            &actor,
        )
    })?;
    append_unit(&state, &id, events).await
}
