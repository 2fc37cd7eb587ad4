//! Incidents: open, change, move along the lifecycle, hand over, task units.
//!
//! Commands follow the alert acknowledgement's pattern: read the folded state, let the
//! `incident` crate's `decide_*` function check the request against it, append the events it
//! returns through the centre, wait until they are folded, and answer the incident as folded.
//! A request that raced another one and no longer fits is ignored by the fold (the fold is
//! total), so the answer always shows the state as it is. Refusals carry the status of
//! `IncidentError::kind()`: 404, 409 (an invalid transition, with the allowed ones listed in
//! the message and as `"allowed"`), 403 or 400.
//!
//! Every read goes through `access::can_see_incident`; hidden and missing incidents answer the
//! same 404. Only the owner agency changes an incident (403 for others who can see it); the
//! receiver of a hand-over accepts or declines it. Analysts, auditors and liaison officers read.

mod actions;
mod derived;
mod live;
pub mod routes;

pub use actions::{acknowledge, file_report, set_sar};
pub(crate) use derived::lang_of;
pub use derived::{metrics, recommendations, reminders, sitrep, step};
pub(crate) use live::{Case, visible_case, visible_cases};

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use engine::Engine;
use engine::incident::{
    self, IncidentError, IncidentRecord, Incidents, OpenRequest, TaskPermission, Taxonomy,
};
use model::incident::{Actor, ClosureReason, IncidentLocation, IncidentPatch};
use model::{Event, EventKind, IncidentState, Role, Time};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::{append_error, parse_body};
use crate::api::{ApiError, AppState};
use crate::visibility;
use crate::wire::incident_view;

type Answer = Result<axum::Json<Value>, ApiError>;

/// The API error for a refusal of the incident core.
pub fn refused(error: IncidentError) -> ApiError {
    let status = match error.kind() {
        incident::ErrorKind::NotFound => StatusCode::NOT_FOUND,
        incident::ErrorKind::Conflict => StatusCode::CONFLICT,
        incident::ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        incident::ErrorKind::Invalid => StatusCode::BAD_REQUEST,
    };
    let mut api = ApiError::new(status, error.code(), error.to_string());
    if let IncidentError::InvalidTransition { allowed, .. } = &error {
        let names: Vec<&str> = allowed.iter().map(|s| incident::state_name(*s)).collect();
        api.extra = Some(json!({ "allowed": names }));
    }
    api
}

pub(crate) fn parse_query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(q)| q).map_err(|r| ApiError::bad_request("bad_query", r.body_text()))
}

pub(crate) fn actor(viewer: &Viewer) -> Actor {
    Actor { user: viewer.user.clone(), agency: viewer.agency.clone() }
}

/// Watch officers, duty officers and admins act on incidents; the other roles read.
pub(crate) fn may_act(viewer: &Viewer) -> Result<(), ApiError> {
    if [Role::Admin, Role::DutyOfficer, Role::WatchOfficer].iter().any(|r| viewer.has(*r)) {
        Ok(())
    } else {
        Err(ApiError::forbidden("only watch officers, duty officers and admins act on incidents"))
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("no incident {id}"))
}

/// Runs `f` on the incident if the viewer may see it; a 404 otherwise.
pub(crate) fn with_visible<T>(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    f: impl FnOnce(&Engine, &IncidentRecord) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = state.centre.now();
    state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        match engine.incidents().get(id) {
            Some(record) if visibility::incident(viewer, &agreements, record, now) => {
                f(engine, record)
            }
            _ => Err(not_found(id)),
        }
    })
}

/// As [`with_visible`], for a change only the owner agency may make.
fn with_owned<T>(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    f: impl FnOnce(&Engine, &Incidents) -> Result<T, IncidentError>,
) -> Result<T, ApiError> {
    may_act(viewer)?;
    with_visible(state, viewer, id, |engine, record| {
        if record.owner != viewer.agency {
            return Err(ApiError::forbidden(format!(
                "incident {id} is owned by {}; only its owner agency changes it",
                record.owner
            )));
        }
        f(engine, engine.incidents()).map_err(refused)
    })
}

/// Appends decided events, waits until they are folded and answers the incident.
pub(crate) async fn commit(
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
        .read(|engine| engine.incidents().get(id).map(incident_view))
        .map(axum::Json)
        .ok_or_else(|| not_found(id))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    state: Option<IncidentState>,
    category: Option<String>,
    exercise: Option<bool>,
    /// Only incidents not closed or dismissed.
    open: Option<bool>,
}

pub async fn list_incidents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    let q = parse_query(query)?;
    if let Some(code) = &q.category {
        Taxonomy::builtin().get(code).map_err(refused)?;
    }
    let now = state.centre.now();
    let list = state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        engine
            .incidents()
            .iter()
            .filter(|r| q.state.is_none_or(|s| r.state == s))
            .filter(|r| q.category.as_deref().is_none_or(|c| r.category == c))
            .filter(|r| q.exercise.is_none_or(|x| r.exercise == x))
            .filter(|r| q.open.is_none_or(|o| o != r.is_closed()))
            .filter(|r| visibility::incident(&viewer, &agreements, r, now))
            .map(incident_view)
            .collect::<Vec<_>>()
    });
    Ok(axum::Json(json!({ "incidents": list })))
}

pub async fn get_incident(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Answer {
    with_visible(&state, &viewer, &id, |_, record| Ok(axum::Json(incident_view(record))))
}

/// A land border section within 20 km of the point, else a coast section within 50 km (the
/// contiguous zone is 24 nm): where an incident is counted in the reports.
pub(crate) fn section_at(geo: &engine::geo::Geography, lon: f64, lat: f64) -> Option<String> {
    if let Some(fix) = geo.nearest_border(lon, lat).filter(|f| f.at.metres <= 20_000.0) {
        return fix.section.map(|z| z.id.clone());
    }
    let coast = geo.locate_on_line("coast.lby", lon, lat).filter(|d| d.metres <= 50_000.0)?;
    geo.section_at("coast.lby", coast.along_km).map(|z| z.id.clone())
}

/// `POST /api/v1/incidents`: `OpenRequest` → 201 and the incident. A border section is looked
/// up in the geography when a point is given without one.
pub async fn open_incident(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    may_act(&viewer)?;
    let mut request: OpenRequest = parse_body(body)?;
    // Ownership moves only when the receiver accepts: opening for another agency would skip it.
    if let Some(owner) = request.owner.as_ref().filter(|o| **o != viewer.agency) {
        return Err(ApiError::forbidden(format!(
            "an incident is opened for the caller's agency {}; hand it over to {owner} once opened",
            viewer.agency
        )));
    }
    if request.border_section.is_none()
        && let Some(IncidentLocation::Point { position }) = &request.location
    {
        request.border_section =
            state.centre.read(|e| section_at(e.geography(), position.lon, position.lat));
    }
    let events =
        incident::decide_open(Taxonomy::builtin(), request, &actor(&viewer)).map_err(refused)?;
    let time = state.centre.now();
    let events: Vec<Event> =
        events.into_iter().map(|e| Event { time, kind: EventKind::Incident(e) }).collect();
    let range = state.centre.append_folded(events).await.map_err(append_error)?;
    let id = Incidents::id_for(range.start);
    let view = state.centre.read(|engine| engine.incidents().get(&id).map(incident_view));
    view.map(|v| (StatusCode::CREATED, axum::Json(v))).ok_or_else(|| not_found(&id))
}

pub async fn patch_incident(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let patch: IncidentPatch = parse_body(body)?;
    let actor = actor(&viewer);
    let events =
        with_owned(&state, &viewer, &id, |_, s| incident::decide_update(s, &id, patch, &actor))?;
    commit(&state, &id, events).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    to: IncidentState,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    closure: Option<ClosureReason>,
}

/// `{"to", "reason", "closure"?}`; an invalid transition is a 409 listing the allowed ones.
pub async fn transition(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: TransitionBody = parse_body(body)?;
    let actor = actor(&viewer);
    let events = with_owned(&state, &viewer, &id, |_, s| {
        incident::decide_transition(s, &id, b.to, &actor, &b.reason, b.closure)
    })?;
    commit(&state, &id, events).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverBody {
    agency: model::AgencyId,
    #[serde(default)]
    reason: String,
}

/// Offers the incident to another agency; ownership moves when that agency accepts.
pub async fn handover(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: HandoverBody = parse_body(body)?;
    let known = state.centre.read(|e| e.directory().agencies().any(|a| a.id == b.agency));
    if !known {
        return Err(ApiError::bad_request(
            "unknown_agency",
            format!("unknown agency `{}`", b.agency),
        ));
    }
    let actor = actor(&viewer);
    let events = with_owned(&state, &viewer, &id, |_, s| {
        incident::decide_handover_offer(s, &id, &b.agency, &actor, &b.reason)
    })?;
    commit(&state, &id, events).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// An empty body or `{"reason"}`.
fn reason_of(body: Result<Bytes, BytesRejection>) -> Result<String, ApiError> {
    match &body {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(String::new()),
        _ => parse_body::<ReasonBody>(body).map(|b| b.reason),
    }
}

async fn answer_handover(
    state: AppState,
    viewer: Viewer,
    id: String,
    body: Result<Bytes, BytesRejection>,
    accept: bool,
) -> Answer {
    may_act(&viewer)?;
    let reason = reason_of(body)?;
    let actor = actor(&viewer);
    let events = with_visible(&state, &viewer, &id, |engine, _| {
        let s = engine.incidents();
        if accept {
            incident::decide_handover_accept(s, &id, &actor)
        } else {
            incident::decide_handover_decline(s, &id, &actor, &reason)
        }
        .map_err(refused)
    })?;
    commit(&state, &id, events).await
}

/// The receiving agency takes the incident over.
pub async fn handover_accept(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    answer_handover(state, viewer, id, body, true).await
}

/// The receiving agency declines, with a reason; the owner keeps the incident.
pub async fn handover_decline(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    answer_handover(state, viewer, id, body, false).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskBody {
    unit: String,
}

/// Tasks a unit. Another agency's unit needs a sharing agreement covering units (403 without
/// one); a unit the caller may not see is a 404 like a missing one.
pub async fn task_unit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: TaskBody = parse_body(body)?;
    let actor = actor(&viewer);
    let now = state.centre.now();
    let events = with_owned(&state, &viewer, &id, |engine, s| {
        let agreements = visibility::agreements(engine);
        let unknown = || IncidentError::UnknownUnit { id: b.unit.clone() };
        let unit = s.unit(&b.unit).ok_or_else(unknown)?;
        if !visibility::unit(engine, &viewer, &agreements, unit, now) {
            return Err(unknown());
        }
        let facts = visibility::unit_facts(unit, false);
        let cross_agency = access::may_task_unit(&viewer, &facts, &agreements, now);
        incident::decide_task(s, &id, &b.unit, &actor, TaskPermission { cross_agency })
    })?;
    commit(&state, &id, events).await
}

/// `GET /api/v1/incidents/{id}/timeline`: the dispatch timestamps, every transition with actor,
/// time and reason, the SOP checklist with completion, tasked units, reports filed and notes
/// (from the field, e.g. TAK GeoChat).
pub async fn timeline(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Answer {
    with_visible(&state, &viewer, &id, |_, r| {
        let playbook = incident::Playbooks::builtin().for_category(&r.category);
        let steps: Vec<Value> = playbook
            .map(|p| {
                p.steps
                    .iter()
                    .map(|s| {
                        let done = r.steps.get(&s.id);
                        json!({
                            "step": s, "due": r.opened.plus_millis(i64::from(s.target_min) * Time::MS_PER_MINUTE),
                            "completed": done.map(|d| d.time), "by": done.map(|d| &d.actor), "note": done.map(|d| &d.note),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(axum::Json(json!({
            "id": r.id, "state": r.state, "exercise": r.exercise,
            "timeline": r.timeline, "transitions": r.transitions,
            "playbook": playbook.map(|p| &p.category), "steps": steps,
            "units": r.units, "reports": r.reports, "handover": r.handover, "notes": r.notes,
        })))
    })
}
