//! Alerts: the list the caller may see, and acknowledgement (an event in the log, like every
//! decision). Every read goes through `access::can_see_alert`.

use access::Viewer;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use engine::{AlertEntry, Engine};
use model::{AlertState, Event, EventKind, Role, Time, Track};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::centre::AppendError;
use crate::http::{ApiError, AppState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    state: Option<AlertState>,
    /// A rule id, e.g. `encounter`.
    rule: Option<String>,
}

/// Whether `viewer` may see the alert now: the alert itself released, and every track it names
/// that is still kept visible (see `access::can_see_alert`).
pub fn visible(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[model::Agreement],
    entry: &AlertEntry,
    now: Time,
) -> bool {
    let tracks: Vec<&Track> =
        entry.alert.tracks.iter().filter_map(|id| engine.track(id)).map(|e| &e.track).collect();
    access::can_see_alert(viewer, &entry.alert, &tracks, agreements, now).allowed
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
            .filter(|e| visible(engine, &viewer, &agreements, e, now))
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
            .filter(|e| visible(engine, &viewer, &agreements, e, now))
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
        state.centre.append_folded(vec![event]).await.map_err(|e| match e {
            AppendError::Busy(_) | AppendError::Stopping => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
            }
            AppendError::Store(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string())
            }
        })?;
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
