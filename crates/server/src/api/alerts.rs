//! Alerts: the list the caller may see, and acknowledgement (an event in the log, like every
//! decision). Every read goes through `access::can_see_alert`.

use access::Viewer;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use model::{AlertState, Event, EventKind, Role};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::append_error;
use crate::api::{ApiError, AppState};
use crate::visibility;
use crate::wire::alert_view;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    state: Option<AlertState>,
    /// A rule id, e.g. `encounter`.
    rule: Option<String>,
}

pub async fn list_alerts(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<AlertQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) =
        query.map_err(|r| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", r.body_text()))?;
    let now = state.centre.now();
    let alerts = state.centre.read(|engine| {
        let agreements: Vec<model::Agreement> = engine.directory().agreements().cloned().collect();
        engine
            .alerts()
            .filter(|e| query.state.is_none_or(|s| e.alert.state == s))
            .filter(|e| query.rule.as_deref().is_none_or(|r| e.alert.rule == r))
            .filter(|e| visibility::alert(engine, &viewer, &agreements, e, now))
            .map(alert_view)
            .collect::<Vec<_>>()
    });
    Ok(axum::Json(json!({ "alerts": alerts })))
}

fn may_acknowledge(viewer: &Viewer) -> bool {
    [Role::Admin, Role::DutyOfficer, Role::WatchOfficer].iter().any(|r| viewer.has(*r))
}

/// Acknowledges an alert: appends `AlertAcknowledged` with the caller as actor and answers the
/// alert as folded. Hidden and missing alerts answer the same 404.
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let unknown = || ApiError::not_found(format!("no alert {id}"));
    let now = state.centre.now();
    let found = state.centre.read(|engine| {
        let agreements: Vec<model::Agreement> = engine.directory().agreements().cloned().collect();
        engine
            .alert(&id)
            .filter(|e| visibility::alert(engine, &viewer, &agreements, e, now))
            .map(|e| e.alert.state)
    });
    let Some(alert_state) = found else { return Err(unknown()) };
    if !may_acknowledge(&viewer) {
        return Err(ApiError::forbidden(
            "only watch officers, duty officers and admins acknowledge alerts",
        ));
    }
    if alert_state == AlertState::Open {
        let event = Event {
            time: state.centre.now(),
            kind: EventKind::AlertAcknowledged { id: id.clone(), actor: viewer.user.clone() },
        };
        state.centre.append_folded(vec![event]).await.map_err(append_error)?;
    }
    state
        .centre
        .read(|engine| engine.alert(&id).map(alert_view))
        .map(axum::Json)
        .ok_or_else(unknown)
}

/// `GET /api/v1/rules`: the rule catalogue (stable ids, English and Arabic titles, default
/// severities) and the thresholds the engine runs with.
pub async fn list_rules(State(state): State<AppState>) -> axum::Json<Value> {
    let config = state.centre.read(|engine| engine.config().rules.clone());
    axum::Json(json!({ "rules": engine::rules::rules(), "config": config }))
}
