//! Observations in, tracks out: every track read goes through the access policy.

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::{Classification, ObjectKind, TrackId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::{bad_query, parse_bbox};
use crate::api::{ApiError, AppState};
use crate::centre::AppendError;
use crate::wire::track_feature;
use edge::json::{self as ingest, BodyError};

pub async fn post_observations(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
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
    if !can_report(&viewer) {
        return Err(ApiError::forbidden(
            "analysts, auditors and liaison officers cannot report observations",
        ));
    }
    let now = state.centre.now();
    let (observations, rejected) = ingest::parse(&body, now, state.limits, state.max_items)
        .map_err(|e| {
            metrics.rejected("http", "body");
            let status = match e {
                BodyError::TooMany { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            ApiError::new(status, "bad_body", e.to_string())
        })?;
    let (observations, rejected) = own_agency_only(&viewer, observations, rejected);
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

fn can_report(viewer: &Viewer) -> bool {
    use model::Role::{Admin, DutyOfficer, Unit, WatchOfficer};
    [Admin, DutyOfficer, WatchOfficer, Unit].iter().any(|r| viewer.has(*r))
}

/// A user reports for their own agency only; items naming another agency are refused.
fn own_agency_only(
    viewer: &Viewer,
    observations: Vec<model::Observation>,
    mut rejected: Vec<ingest::Rejected>,
) -> (Vec<model::Observation>, Vec<ingest::Rejected>) {
    // Indices in `rejected` refer to the request's items; recover each accepted item's index.
    let mut taken: Vec<usize> = rejected.iter().map(|r| r.index).collect();
    taken.sort_unstable();
    let mut index = 0;
    let mut kept = Vec::with_capacity(observations.len());
    for o in observations {
        while taken.binary_search(&index).is_ok() {
            index += 1;
        }
        if o.agency == viewer.agency {
            kept.push(o);
        } else {
            rejected.push(ingest::Rejected {
                index,
                reason: "agency",
                message: format!(
                    "{} may report only for {}, not {}",
                    viewer.user, viewer.agency, o.agency
                ),
            });
        }
        index += 1;
    }
    rejected.sort_by_key(|r| r.index);
    (kept, rejected)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackQuery {
    /// `min_lon,min_lat,max_lon,max_lat`
    bbox: Option<String>,
    kind: Option<ObjectKind>,
    /// Only tracks updated at or after this time (UTC ms).
    since: Option<i64>,
}

pub async fn list_tracks(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<TrackQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let bbox = query.bbox.as_deref().map(parse_bbox).transpose()?;
    let now = state.centre.now();
    let features = state.centre.read(|engine| {
        let agreements: Vec<model::Agreement> = engine.directory().agreements().cloned().collect();
        engine
            .tracks()
            .filter(|t| access::can_see_track(&viewer, t, &agreements, now).allowed)
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

/// The same answer whether the track does not exist or may not be seen: nothing is revealed.
fn unknown_track(id: &str) -> ApiError {
    ApiError::not_found(format!("no track {id}"))
}

/// The track if it exists and `viewer` may see it, with what `f` extracts from it.
fn visible<T>(
    state: &AppState,
    viewer: &Viewer,
    id: &TrackId,
    f: impl FnOnce(&engine::TrackEntry) -> T,
) -> Option<T> {
    let now = state.centre.now();
    state.centre.read(|engine| {
        let entry = engine.track(id)?;
        let agreements: Vec<model::Agreement> = engine.directory().agreements().cloned().collect();
        access::can_see_track(viewer, &entry.track, &agreements, now).allowed.then(|| f(entry))
    })
}

pub async fn get_track(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let track_id = TrackId(id.into());
    visible(&state, &viewer, &track_id, |e| track_feature(&e.track))
        .map(axum::Json)
        .ok_or_else(|| unknown_track(&track_id.0))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    from: Option<i64>,
    to: Option<i64>,
    /// At most this many points, chosen to keep the trail's shape (for display).
    max_points: Option<usize>,
}

/// Points a history answer holds unless `max_points` asks for fewer.
const HISTORY_MAX_POINTS: usize = 2_000;

/// A track's kept history as a GeoJSON LineString feature whose `times` run beside the
/// coordinates (the history is thinned: see the engine's `history_max`), downsampled for
/// display to `max_points` (default and ceiling 2,000) keeping the turns.
pub async fn track_history(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let track_id = TrackId(id.into());
    let (points, owner, level) = visible(&state, &viewer, &track_id, |entry| {
        let points = entry
            .history
            .iter()
            .filter(|p| query.from.is_none_or(|f| p.time.0 >= f))
            .filter(|p| query.to.is_none_or(|t| p.time.0 <= t))
            .collect::<Vec<_>>();
        let max = query.max_points.unwrap_or(HISTORY_MAX_POINTS).min(HISTORY_MAX_POINTS);
        let trail: Vec<[f64; 2]> = points.iter().map(|p| [p.lon, p.lat]).collect();
        let points: Vec<_> =
            engine::geo::thin::keep_shape(&trail, max).into_iter().map(|i| points[i]).collect();
        (points, entry.track.agency.clone(), entry.track.marking.level)
    })
    .ok_or_else(|| unknown_track(&track_id.0))?;
    if level >= Classification::Restricted && owner != viewer.agency {
        // Reading another agency's restricted history is recorded in the audit trail.
        crate::api::access::record_access(&state, &viewer, "track.history", &track_id.0).await;
    }
    let coordinates: Vec<[f64; 2]> = points.iter().map(|p| [p.lon, p.lat]).collect();
    let times: Vec<i64> = points.iter().map(|p| p.time.0).collect();
    Ok(axum::Json(json!({
        "type": "Feature",
        "id": track_id.0,
        "geometry": { "type": "LineString", "coordinates": coordinates },
        "properties": { "id": track_id.0, "times": times, "points": points },
    })))
}
