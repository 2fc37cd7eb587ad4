//! Replay: the picture as the fold of the log had it at a past moment of the last 24 hours.
//!
//! `GET /api/v1/replay?at=<RFC 3339>[&bbox=]` answers the tracks (the same GeoJSON features as
//! `GET /api/v1/tracks`) and the alerts open at `at`. The state comes from the log and nothing
//! else: a fresh [`Engine`] folds the *longest prefix of the log whose events are all stamped at
//! or before `at`* (the event's time is the receiving edge's clock; the demo's feed stamps the
//! simulated time). Access is decided by the same policy as the live routes
//! (`access::can_see_track`, [`alerts::visible`]), with the sharing agreements **as they are
//! now**, not as they were at `at`: a replay never shows what the viewer may no longer see.
//!
//! Folding a day on every slider move would be too slow, so [`Replay`] keeps checkpoints: engine
//! snapshots on a grid of event time (every `spacing` ms, 5 minutes to begin with), made while
//! folding — lazily, on the first request, or by `GET /api/v1/replay/window`, which starts
//! folding to the log's head in a blocking task. A request restores the newest checkpoint at or
//! before `at` (or the state it answered last, when that lies between the checkpoint and `at`:
//! a slider moved forward, or playing) and folds forward from it. The log only grows, and a
//! checkpoint is made only once an event stamped after its time has been read, so a checkpoint
//! never goes stale. Memory is bounded by [`BUDGET_BYTES`] of snapshots (each filed as it is
//! made) plus the one parked state: over the budget, the grid's spacing doubles and every other
//! checkpoint is dropped; checkpoints older than the window are dropped as the log grows.
//! Measured on a simulated demo day (3.09M events, ~2,800 tracks, release build, 2 busy
//! cores): the first fold makes the checkpoints in 33 s (36 kept, ~14 MB each, 40 min apart);
//! then a slider move to a random time answers in 0.50 s (median of 30) and a step forward
//! while playing at 1 min/s in 0.13 s.
//!
//! The window is the 24 hours up to the centre's time: the later of the wall clock and the
//! newest event folded (the demo's simulation clock may run ahead of the wall clock). `at`
//! outside it answers 400 `replay_too_old` or `replay_in_future`; an unreadable `at` answers 400
//! `bad_time`. A time before the log's first event answers an empty picture.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use access::Viewer;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use engine::geo::Geography;
use engine::{Engine, EngineConfig};
use model::{AlertState, Time};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::{bad_query, parse_bbox};
use crate::api::{ApiError, AppState};
use crate::centre::Centre;
use crate::visibility;
use crate::wire::{alert_view, track_feature};

/// How far back a replay reaches.
pub const WINDOW_MS: i64 = 24 * Time::MS_PER_HOUR;
/// The checkpoints' first spacing in event time.
pub const FIRST_SPACING_MS: i64 = 5 * Time::MS_PER_MINUTE;
/// Most bytes of snapshots kept; over it the spacing doubles.
pub const BUDGET_BYTES: usize = 512 * 1024 * 1024;

/// Checkpoints of the fold, one set per router (so per centre).
#[derive(Debug)]
pub struct Replay {
    points: Mutex<Points>,
    /// Held while folding past the newest checkpoint, so that concurrent requests wait for one
    /// fold to make the checkpoints rather than each folding the whole day.
    extending: Mutex<()>,
    /// The state last answered and its time (see [`Replay::park`]).
    parked: Mutex<Option<(i64, Engine)>>,
    warming: AtomicBool,
    budget: usize,
}

#[derive(Debug)]
struct Points {
    spacing: i64,
    /// Grid time → the fold of the longest log prefix stamped at or before it.
    by_time: BTreeMap<i64, Checkpoint>,
    bytes: usize,
}

#[derive(Clone, Debug)]
struct Checkpoint {
    bytes: Arc<Vec<u8>>,
}

/// What a fold did, for the answer and the logs.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoldStats {
    /// The checkpoint the fold started from, if any (its grid time).
    pub from_checkpoint: Option<i64>,
    /// Or the parked state it started from (its time).
    pub from_parked: Option<i64>,
    /// Events folded after the checkpoint.
    pub events: u64,
    /// Events in the replayed state (the log prefix's length).
    pub folded: u64,
    /// Checkpoints made on the way.
    pub made: usize,
}

impl Replay {
    pub fn shared() -> Arc<Replay> {
        Arc::new(Replay::with_budget(FIRST_SPACING_MS, BUDGET_BYTES))
    }

    pub fn with_budget(spacing: i64, budget: usize) -> Replay {
        Replay {
            points: Mutex::new(Points {
                spacing: spacing.max(1),
                by_time: BTreeMap::new(),
                bytes: 0,
            }),
            extending: Mutex::new(()),
            parked: Mutex::new(None),
            warming: AtomicBool::new(false),
            budget,
        }
    }

    fn points(&self) -> std::sync::MutexGuard<'_, Points> {
        self.points.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checkpoints kept, their spacing and their bytes.
    pub fn stats(&self) -> (usize, i64, usize) {
        let p = self.points();
        (p.by_time.len(), p.spacing, p.bytes)
    }

    /// Whether a fold to `at` would have to make checkpoints first.
    pub fn needs_extending(&self, at: i64) -> bool {
        let p = self.points();
        p.by_time.range(..=at).next_back().is_none_or(|(t, _)| at - t > 2 * p.spacing)
    }

    /// The state the log's longest prefix stamped at or before `at` folds to. Blocking: call it
    /// from a blocking task.
    pub fn fold_to(
        &self,
        centre: &Centre,
        config: &EngineConfig,
        geo: &Arc<Geography>,
        at: i64,
        window_from: i64,
    ) -> Result<(Engine, FoldStats), String> {
        let nearest =
            |points: &Points| points.by_time.range(..=at).next_back().map(|(t, c)| (*t, c.clone()));
        let mut found = nearest(&self.points());
        let mut _extending = None;
        if found.as_ref().is_none_or(|(t, _)| at - t > 2 * self.points().spacing) {
            // Checkpoints are missing before `at`: make them once, whoever comes first.
            _extending = Some(self.extending.lock().unwrap_or_else(|p| p.into_inner()));
            found = nearest(&self.points());
        }
        let mut stats = FoldStats::default();
        // The last state answered serves when it lies between the checkpoint and `at`: a slider
        // moved forward or playing folds on from it without restoring.
        let parked = {
            let mut slot = self.parked.lock().unwrap_or_else(|p| p.into_inner());
            let usable = slot
                .as_ref()
                .is_some_and(|(t, _)| *t <= at && found.as_ref().is_none_or(|(k, _)| *t >= *k));
            if usable { slot.take() } else { None }
        };
        let mut last_key = found.as_ref().map_or(i64::MIN, |(t, _)| *t);
        let mut engine = match (parked, &found) {
            (Some((t, engine)), _) => {
                stats.from_parked = Some(t);
                engine
            }
            (None, Some((t, checkpoint))) => {
                stats.from_checkpoint = Some(*t);
                Engine::restore(config.clone(), Arc::clone(geo), &checkpoint.bytes)
                    .map_err(|e| e.to_string())?
            }
            (None, None) => Engine::new(config.clone(), Arc::clone(geo)),
        };
        let mut spacing = self.points().spacing;
        let from = engine.folded();
        centre
            .log_reader()
            .scan(from, &mut |record| {
                let t = record.event.time.0;
                if t > at {
                    return false;
                }
                // The largest grid time before this event: if everything folded so far is
                // stamped at or before it, the state now is that grid time's prefix. Grid
                // times whose successor is still before the window would be dropped at once.
                let key = (t - 1).div_euclid(spacing) * spacing;
                if key > last_key
                    && key + spacing > window_from
                    && engine.folded() > 0
                    && engine.now().0 <= key
                {
                    spacing = self.keep(key, engine.snapshot(), window_from);
                    stats.made += 1;
                    last_key = key;
                }
                engine.apply(record.seq, &record.event);
                stats.events += 1;
                true
            })
            .map_err(|e| e.to_string())?;
        stats.folded = engine.folded();
        Ok((engine, stats))
    }

    /// Keeps `engine`, the state at `at`, for the next request to fold on from.
    pub fn park(&self, at: i64, engine: Engine) {
        *self.parked.lock().unwrap_or_else(|p| p.into_inner()) = Some((at, engine));
    }

    /// Files a checkpoint (unless the grid has grown coarser meanwhile), drops those older
    /// than the window (all but the newest before it) and thins the grid while over the
    /// budget. Answers the grid's spacing now.
    fn keep(&self, key: i64, bytes: Vec<u8>, window_from: i64) -> i64 {
        let mut p = self.points();
        if key % p.spacing == 0 && !p.by_time.contains_key(&key) {
            p.bytes += bytes.len();
            p.by_time.insert(key, Checkpoint { bytes: Arc::new(bytes) });
        }
        if let Some(&keep_from) = p.by_time.range(..=window_from).next_back().map(|(t, _)| t) {
            let old: Vec<i64> = p.by_time.range(..keep_from).map(|(t, _)| *t).collect();
            for t in old {
                if let Some(c) = p.by_time.remove(&t) {
                    p.bytes -= c.bytes.len();
                }
            }
        }
        while p.bytes > self.budget && p.by_time.len() > 1 {
            p.spacing *= 2;
            let spacing = p.spacing;
            let dropped: Vec<i64> =
                p.by_time.keys().filter(|t| *t % spacing != 0).copied().collect();
            if dropped.is_empty() {
                // Every kept checkpoint sits on the coarser grid too: drop the oldest.
                let oldest = p.by_time.keys().next().copied();
                dropped_one(&mut p, oldest);
                continue;
            }
            for t in dropped {
                dropped_one(&mut p, Some(t));
            }
            tracing::info!(spacing_ms = spacing, bytes = p.bytes, "replay checkpoints thinned");
        }
        p.spacing
    }
}

fn dropped_one(p: &mut Points, key: Option<i64>) {
    if let Some(c) = key.and_then(|t| p.by_time.remove(&t)) {
        p.bytes -= c.bytes.len();
    }
}

/// The replay window `[from, to]` in UTC ms: the 24 h up to the later of the wall clock and the
/// newest event folded.
pub fn window(centre: &Centre) -> (i64, i64) {
    let to = centre.now().0.max(centre.read(|e| e.now().0));
    (to - WINDOW_MS, to)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayQuery {
    /// RFC 3339, e.g. `2026-11-29T04:00:00Z`.
    at: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat`
    bbox: Option<String>,
}

/// Reads `at` and checks it against the window.
pub fn parse_at(text: Option<&str>, (from, to): (i64, i64)) -> Result<i64, ApiError> {
    let text = text.ok_or_else(|| {
        ApiError::bad_request(
            "bad_time",
            "at is required: an RFC 3339 time, e.g. 2026-11-29T04:00:00Z",
        )
    })?;
    let at = cot::parse_time(text)
        .map_err(|_| {
            ApiError::bad_request(
                "bad_time",
                format!(
                    "at must be an RFC 3339 time such as 2026-11-29T04:00:00Z, not {:?}",
                    text.chars().take(40).collect::<String>()
                ),
            )
        })?
        .0;
    let window = || Some(json!({ "window": { "from": iso(from), "to": iso(to) } }));
    if at > to {
        let mut error = ApiError::bad_request(
            "replay_in_future",
            format!("at {} is after the centre's time {}", iso(at), iso(to)),
        );
        error.extra = window();
        return Err(error);
    }
    if at < from {
        let mut error = ApiError::bad_request(
            "replay_too_old",
            format!("at {} is more than 24 h before the centre's time {}", iso(at), iso(to)),
        );
        error.extra = window();
        return Err(error);
    }
    Ok(at)
}

/// A time as the API writes it: RFC 3339 in UTC with milliseconds.
pub fn iso(ms: i64) -> String {
    cot::format_time(Time(ms))
}

fn internal(message: String) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "replay", message)
}

/// `GET /api/v1/replay?at=&bbox=`: the tracks and open alerts at `at`, as the caller may see them.
pub async fn replay(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Extension(cache): Extension<Arc<Replay>>,
    query: Result<Query<ReplayQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let bbox = query.bbox.as_deref().map(parse_bbox).transpose()?;
    let window = window(&state.centre);
    let at = parse_at(query.at.as_deref(), window)?;
    let centre = state.centre.clone();
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || {
        let (config, geo, agreements) = centre.read(|e| {
            let agreements: Vec<model::Agreement> = e.directory().agreements().cloned().collect();
            (e.config().clone(), Arc::clone(e.configured_geography()), agreements)
        });
        let (engine, stats) = cache.fold_to(&centre, &config, &geo, at, window.0)?;
        let now = state.centre.now();
        let features: Vec<Value> = engine
            .tracks()
            .filter(|t| access::can_see_track(&viewer, t, &agreements, now).allowed)
            .filter(|t| {
                bbox.is_none_or(|[x0, y0, x1, y1]| {
                    (x0..=x1).contains(&t.position.lon) && (y0..=y1).contains(&t.position.lat)
                })
            })
            .map(track_feature)
            .collect();
        let open: Vec<Value> = engine
            .alerts()
            .filter(|e| e.alert.state == AlertState::Open)
            .filter(|e| visibility::alert(&engine, &viewer, &agreements, e, now))
            .map(alert_view)
            .collect();
        let newest = engine.now();
        cache.park(at, engine);
        Ok::<_, String>((features, open, stats, newest))
    })
    .await
    .map_err(|e| internal(e.to_string()))?
    .map_err(internal)?;
    let (features, open, stats, newest) = answer;
    tracing::debug!(
        at = %iso(at),
        events = stats.events,
        made = stats.made,
        ms = started.elapsed().as_millis() as u64,
        "replayed"
    );
    Ok(axum::Json(json!({
        "at": iso(at),
        "window": { "from": iso(window.0), "to": iso(window.1) },
        // The newest event time in the replayed prefix (null before the log's first event).
        "newest_event": (newest.0 != i64::MIN).then(|| iso(newest.0)),
        "folded": stats.folded,
        "checkpoint": stats.from_checkpoint.or(stats.from_parked).map(iso),
        "events_from_checkpoint": stats.events,
        "tracks": { "type": "FeatureCollection", "features": features },
        "alerts": open,
    })))
}

/// `GET /api/v1/replay/window`: the times a replay may ask for, and the log's first event time.
/// Starts making the checkpoints up to the log's head in the background, so that the slider's
/// first moves are quick.
pub async fn replay_window(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<Replay>>,
) -> Result<axum::Json<Value>, ApiError> {
    let (from, to) = window(&state.centre);
    let centre = state.centre.clone();
    let first = tokio::task::spawn_blocking(move || {
        let mut first = None;
        centre.log_reader().scan(0, &mut |record| {
            first = Some(record.event.time.0);
            false
        })?;
        Ok::<_, store::StoreError>(first)
    })
    .await
    .map_err(|e| internal(e.to_string()))?
    .map_err(|e| internal(e.to_string()))?;
    if cache.needs_extending(to) && !cache.warming.swap(true, Ordering::AcqRel) {
        let centre = state.centre.clone();
        let warm = Arc::clone(&cache);
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let (config, geo) =
                centre.read(|e| (e.config().clone(), Arc::clone(e.configured_geography())));
            match warm.fold_to(&centre, &config, &geo, to, from) {
                Ok((_, stats)) => {
                    let (kept, spacing, bytes) = warm.stats();
                    tracing::info!(
                        events = stats.events,
                        made = stats.made,
                        kept,
                        spacing_ms = spacing,
                        bytes,
                        ms = started.elapsed().as_millis() as u64,
                        "replay checkpoints made"
                    );
                }
                Err(error) => tracing::warn!(%error, "replay checkpoints failed"),
            }
            warm.warming.store(false, Ordering::Release);
        });
    }
    let (checkpoints, spacing, bytes) = cache.stats();
    Ok(axum::Json(json!({
        "from": iso(from),
        "to": iso(to),
        "log_start": first.map(iso),
        "checkpoints": checkpoints,
        "spacing_ms": spacing,
        "checkpoint_bytes": bytes,
    })))
}
