//! What is derived from incidents for people: unit recommendations, the SITREP, the SOP
//! checklist, reminders of overdue duties and the response-time dashboard.

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use engine::incident::{
    self, Lang, MetricsQuery, RecommendConfig, Target, TaskPermission, Taxonomy,
};
use model::{Time, TrackId};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{actor, commit, may_act, parse_query, refused, with_visible};
use crate::api::request::parse_body;
use crate::api::{ApiError, AppState};
use crate::visibility;

type Answer = Result<axum::Json<Value>, ApiError>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendQuery {
    /// A track to intercept instead of the incident's first linked track or its location.
    track: Option<String>,
}

/// `GET /api/v1/incidents/{id}/recommendations`: available, suitable units the caller may task,
/// fastest first (`eta_s`); at sea the intercept of the incident's track when it has one.
pub async fn recommendations(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    query: Result<Query<RecommendQuery>, QueryRejection>,
) -> Answer {
    let q = parse_query(query)?;
    with_visible(&state, &viewer, &id, |engine, record| {
        let agreements = visibility::agreements(engine);
        let now = state.centre.now();
        let wanted: Vec<TrackId> = match q.track {
            Some(t) => vec![TrackId(t.into())],
            None => record.tracks.iter().cloned().collect(),
        };
        let target = wanted
            .iter()
            .filter_map(|t| engine.track(t))
            .map(|e| &e.track)
            .find(|t| access::can_see_track(&viewer, t, &agreements, now).allowed)
            .map(Target::from_track);
        // Every unit is considered, then only those the caller may task are kept.
        let configured = &engine.config().recommend;
        let config = RecommendConfig { max_results: usize::MAX, ..configured.clone() };
        let all = TaskPermission { cross_agency: true };
        let s = engine.incidents();
        let mut list = incident::recommend_units(
            s,
            Taxonomy::builtin(),
            &config,
            &id,
            target,
            &viewer.agency,
            all,
        )
        .map_err(refused)?;
        list.retain(|r| {
            s.unit(&r.unit).is_some_and(|u| {
                visibility::unit(engine, &viewer, &agreements, u, now)
                    && access::may_task_unit(
                        &viewer,
                        &visibility::unit_facts(u, false),
                        &agreements,
                        now,
                    )
            })
        });
        list.truncate(configured.max_results);
        Ok(axum::Json(json!({
            "incident": id,
            "target": target.map(|t| t.position).or_else(|| record.location.as_ref().and_then(Target::from_location).map(|t| t.position)),
            "recommendations": list,
        })))
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangQuery {
    lang: Option<String>,
}

pub(crate) fn lang_of(code: Option<&str>) -> Result<Lang, ApiError> {
    match code {
        None => Ok(Lang::En),
        Some(c) => Lang::parse(c).ok_or_else(|| {
            ApiError::bad_request("bad_query", format!("unknown lang `{c}`: use ar or en"))
        }),
    }
}

/// `GET /api/v1/incidents/{id}/sitrep?lang=ar|en`: the IAMSAR SITREP (fields A–N) as text.
pub async fn sitrep(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    query: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let q = parse_query(query)?;
    let lang = lang_of(q.lang.as_deref())?;
    with_visible(&state, &viewer, &id, |_, record| {
        let text = incident::sitrep(record, lang, state.centre.now()).map_err(refused)?;
        Ok(axum::Json(json!({ "incident": id, "lang": lang, "text": text })))
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/incidents/{id}/steps/{step}` (`{"note"}` optional): marks an SOP step done.
pub async fn step(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, step)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    may_act(&viewer)?;
    let note = match &body {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => String::new(),
        _ => parse_body::<StepBody>(body)?.note,
    };
    let actor = actor(&viewer);
    let events = with_visible(&state, &viewer, &id, |engine, record| {
        if record.owner != viewer.agency {
            return Err(ApiError::forbidden(format!(
                "incident {id} is owned by {}; only its owner agency completes its steps",
                record.owner
            )));
        }
        let playbooks = incident::Playbooks::builtin();
        incident::decide_step(engine.incidents(), playbooks, &id, &step, &actor, &note)
            .map_err(refused)
    })?;
    commit(&state, &id, events).await
}

/// `GET /api/v1/reminders`: overdue EUROSUR reports and SOP steps of incidents the caller sees.
pub async fn reminders(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Answer {
    let now = state.centre.now();
    let list = state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        let mine =
            engine.incidents().filtered(|r| visibility::incident(&viewer, &agreements, r, now));
        incident::reminders(&mine, state.centre.now())
    });
    Ok(axum::Json(json!({ "reminders": list })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsParams {
    /// Detection time from (inclusive), milliseconds since the epoch.
    from: Option<i64>,
    /// ... to (exclusive).
    to: Option<i64>,
    #[serde(default)]
    exercise: bool,
}

/// `GET /api/v1/metrics/response-times?from=&to=&exercise=`: per incident the dispatch times,
/// and p50/p90 per category, agency, border section and day against the targets.
pub async fn metrics(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<MetricsParams>, QueryRejection>,
) -> Answer {
    let q = parse_query(query)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::bad_request("bad_query", format!("from {from} is after to {to}")));
    }
    let query =
        MetricsQuery { from: q.from.map(Time), to: q.to.map(Time), include_exercise: q.exercise };
    let now = state.centre.now();
    let metrics = state.centre.read(|engine| {
        let agreements = visibility::agreements(engine);
        let mine =
            engine.incidents().filtered(|r| visibility::incident(&viewer, &agreements, r, now));
        let targets = &engine.config().response_targets;
        incident::response_metrics(&mine, &query, targets, state.centre.now())
    });
    Ok(axum::Json(serde_json::to_value(metrics).unwrap_or(Value::Null)))
}
