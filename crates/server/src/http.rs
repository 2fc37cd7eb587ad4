//! The HTTP API: routes, JSON wire shapes and error responses.
//!
//! The router is built in two halves: `public` (health) and `protected` (everything else).
//! Sign-in arrives as one layer on `protected`; no handler needs to change for it.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use model::{ObjectKind, Time, Track, TrackId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::centre::{AppendError, Centre};
use crate::config::Config;
use crate::ingest::{self, BodyError};

#[derive(Clone, Debug)]
struct AppState {
    centre: Centre,
    limits: model::ValidationLimits,
    max_items: usize,
}

pub fn router(centre: Centre, config: &Config) -> Router {
    let state =
        AppState { centre, limits: config.validation_limits(), max_items: config.http.max_items };
    let public = Router::new().route("/healthz", get(healthz));
    let protected = Router::new()
        .route("/metrics", get(metrics))
        .route("/api/v1/observations", post(post_observations))
        .route("/api/v1/tracks", get(list_tracks))
        .route("/api/v1/tracks/{id}", get(get_track))
        .route("/api/v1/tracks/{id}/history", get(track_history));
    Router::new()
        .merge(public)
        .merge(protected)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(config.http.max_body_bytes))
        .with_state(state)
}

/// An API error: `{"error": {"code": "...", "message": "..."}}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    extra: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), extra: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let (Some(Value::Object(extra)), Some(obj)) = (self.extra, body.as_object_mut()) {
            obj.extend(extra);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({ "status": "ok" }))
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.centre.metrics().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// The receiving edge's clock: the only place the API reads it.
pub(crate) fn now() -> Time {
    let ms =
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    Time(ms)
}

async fn post_observations(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let metrics = state.centre.metrics();
    let body = body.map_err(|rejection| {
        metrics.rejected("http", "body");
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "request body is too large")
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_body", rejection.body_text())
        }
    })?;
    let now = now();
    let (observations, rejected) = ingest::parse(&body, now, state.limits, state.max_items)
        .map_err(|e| {
            metrics.rejected("http", "body");
            let status = match e {
                BodyError::TooMany { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            ApiError::new(status, "bad_body", e.to_string())
        })?;
    for r in &rejected {
        metrics.rejected("http", r.reason);
    }
    let accepted = observations.len();
    let seqs = if observations.is_empty() {
        None
    } else {
        let sources: Vec<String> = observations.iter().map(|o| o.source.clone()).collect();
        let events = observations.into_iter().map(|o| model::Event::observation(now, o)).collect();
        let range = state.centre.append(events).await.map_err(|e| match e {
            AppendError::Busy(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
            }
            AppendError::Stopping => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "stopping", e.to_string())
            }
            AppendError::Store(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string())
            }
        })?;
        for source in sources {
            metrics.accepted(&source, 1);
        }
        Some([range.start, range.end])
    };
    let body = json!({ "accepted": accepted, "rejected": rejected, "seq": seqs });
    if rejected.is_empty() {
        return Ok((StatusCode::OK, axum::Json(body)).into_response());
    }
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_items",
        format!(
            "{} of {} observations refused; the others were stored",
            rejected.len(),
            accepted + rejected.len()
        ),
    );
    error.extra = Some(body);
    Err(error)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackQuery {
    /// `min_lon,min_lat,max_lon,max_lat`
    bbox: Option<String>,
    kind: Option<ObjectKind>,
    /// Only tracks updated at or after this time (UTC ms).
    since: Option<i64>,
}

fn parse_bbox(text: &str) -> Result<[f64; 4], ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "bbox must be min_lon,min_lat,max_lon,max_lat",
        )
    };
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match parts.as_slice() {
        [a, b, c, d] if [a, b, c, d].iter().all(|v| v.is_finite()) => Ok([*a, *b, *c, *d]),
        _ => Err(bad()),
    }
}

fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", rejection.body_text())
}

async fn list_tracks(
    State(state): State<AppState>,
    query: Result<Query<TrackQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let bbox = query.bbox.as_deref().map(parse_bbox).transpose()?;
    let features = state.centre.read(|engine| {
        engine
            .tracks()
            .filter(|t| query.kind.is_none_or(|k| t.kind == k))
            .filter(|t| query.since.is_none_or(|s| t.last_time.0 >= s))
            .filter(|t| {
                bbox.is_none_or(|[x0, y0, x1, y1]| {
                    (x0..=x1).contains(&t.position.lon) && (y0..=y1).contains(&t.position.lat)
                })
            })
            .map(track_feature)
            .collect::<Vec<_>>()
    });
    Ok(axum::Json(json!({ "type": "FeatureCollection", "features": features })))
}

fn unknown_track(id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no track {id}"))
}

async fn get_track(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let track_id = TrackId(id);
    state
        .centre
        .read(|engine| engine.track(&track_id).map(|e| track_feature(&e.track)))
        .map(axum::Json)
        .ok_or_else(|| unknown_track(&track_id.0))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// A track's kept history as a GeoJSON LineString feature whose `times` run beside the
/// coordinates (the history is thinned: see the engine's `history_max`).
async fn track_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let track_id = TrackId(id);
    let points = state
        .centre
        .read(|engine| {
            engine.track(&track_id).map(|entry| {
                entry
                    .history
                    .iter()
                    .filter(|p| query.from.is_none_or(|f| p.time.0 >= f))
                    .filter(|p| query.to.is_none_or(|t| p.time.0 <= t))
                    .copied()
                    .collect::<Vec<_>>()
            })
        })
        .ok_or_else(|| unknown_track(&track_id.0))?;
    let coordinates: Vec<[f64; 2]> = points.iter().map(|p| [p.lon, p.lat]).collect();
    let times: Vec<i64> = points.iter().map(|p| p.time.0).collect();
    Ok(axum::Json(json!({
        "type": "Feature",
        "id": track_id.0,
        "geometry": { "type": "LineString", "coordinates": coordinates },
        "properties": { "id": track_id.0, "times": times, "points": points },
    })))
}

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
        }
    })
}
