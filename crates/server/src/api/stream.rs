//! The live stream (`GET /api/v1/stream`, WebSocket): the picture as it changes, filtered for
//! the caller by the access policy, message by message.
//!
//! On connect the caller receives an upsert for every track and every open or acknowledged
//! alert it may see (alerts through `access::can_see_alert`), every incident not closed and
//! every unit it may see (`access::can_see_incident`, `access::can_see_unit`). After that, each
//! change is checked against the policy before it is sent; the stream remembers what it told
//! the caller, so a track that stops being visible (an agreement revoked, a marking raised)
//! is withdrawn with a `remove`. A directory change (agreements, users, sessions) makes the
//! stream re-check its session — a revoked or expired session closes it — and resynchronise.
//! A caller too slow to keep up misses updates; the stream then resynchronises in full.
//! Every (re)synchronisation ends with a `{"kind": "sync"}` message: after it, the client
//! holds exactly the picture it may see.
//!
//! **Viewport mode.** A client that says what it looks at — the message
//! `{"kind": "viewport", "bbox": [w, s, e, n], "zoom": z, "limit": n?, "selected": id?}`, or
//! the same as query parameters on connect (`?bbox=w,s,e,n&zoom=z&limit=n&selected=id`) — gets
//! only the tracks it may see inside that view, padded by half the view on each side (so a
//! short pan finds its tracks already there), plus the selected track wherever it is. Beyond
//! `limit` tracks (at most [`MAX_IN_VIEW`]) the view is thinned: the selected track, then
//! alerted tracks, then the caller's own units (its own agency's CoT tracks), then tracks on
//! screen before those in the padding, each tier in turns of one track per grid cell (a cell
//! is about 32 screen pixels at `zoom`), preferring what the client already holds so the
//! picture does not flicker; what is left out is counted per cell and sent as `cluster` cells
//! (`{"kind": "cluster", "op": "upsert", "data": {"cell_deg": d, "cells": [[lon, lat, n], …]}}`).
//! Tracks that leave the view are removed, so the client never holds more than the limit.
//! Changes are coalesced per object and sent at most every [`BATCH_EVERY`] as one message,
//! `{"kind": "batch", "op": "upsert", "data": {"time": ms, "messages": [ … ]}}`, holding the
//! usual messages (a resynchronisation's `sync` last); `time` is the server's clock when the
//! batch was sent. Alerts, incidents and units are not limited by the view. The access
//! policy decides every track, alert, incident and unit exactly as without a viewport.
//! A malformed client message is ignored, counted in
//! `tansiq_stream_client_messages_rejected_total{reason}` and answered with
//! `{"kind": "error", "op": "upsert", "data": {"code", "message"}}`; the stream keeps serving.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use access::Viewer;
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use engine::AlertEntry;
use model::{Agreement, AlertState, Position, SourceKind, Time, Track, TrackId};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::MissedTickBehavior;

use crate::api::AppState;
use crate::api::incidents;
use crate::api::incidents::Case;
use crate::centre::Update;
use crate::visibility;
use crate::wire::{alert_view, message, track_feature, zone_feature};

/// WebSocket close code for "your session ended" (private range 4000-4999).
const SESSION_ENDED: u16 = 4401;

/// The most tracks a viewport client is sent at once; a client may ask for fewer.
pub const MAX_IN_VIEW: usize = 2_000;

/// How often a viewport client receives its coalesced batch of changes.
pub const BATCH_EVERY: Duration = Duration::from_millis(500);

/// A grid cell for thinning and clusters is about this many screen pixels (512-pixel tiles).
const CELL_PX: f64 = 32.0;

pub async fn stream(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Extension(session): Extension<SessionKey>,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    // A viewport given on connect; a bad one is counted and the stream starts without it.
    let view = viewport_from_query(&uri).unwrap_or_else(|error| {
        reject(&state, error.0);
        None
    });
    upgrade.on_upgrade(move |socket| serve(state, viewer, session, view, socket))
}

/// The hash of the token the stream was opened with, so that it can notice the session end.
#[derive(Clone, Debug)]
pub struct SessionKey(pub String);

fn text(value: &Value) -> Message {
    Message::Text(Utf8Bytes::from(value.to_string()))
}

/// What a viewport client looks at.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewport {
    /// West, south, east, north, as the client sent it.
    view: [f64; 4],
    /// The view and half its size again on each side: what a short pan reveals is already
    /// held when the pan ends.
    padded: [f64; 4],
    zoom: f64,
    limit: usize,
    selected: Option<TrackId>,
}

/// Why a client message was ignored: the metric's reason and the explanation sent back.
#[derive(Debug, PartialEq)]
pub struct Rejected(pub &'static str, pub String);

impl Viewport {
    /// Reads `{"kind": "viewport", …}` (the `kind` already checked).
    pub fn parse(value: &Value) -> Result<Viewport, Rejected> {
        let bbox = value["bbox"]
            .as_array()
            .filter(|b| b.len() == 4)
            .and_then(|b| b.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>())
            .ok_or_else(|| Rejected("bbox", "bbox must be [west, south, east, north]".into()))?;
        let zoom = value["zoom"]
            .as_f64()
            .ok_or_else(|| Rejected("zoom", "zoom must be a number".into()))?;
        let limit = match &value["limit"] {
            Value::Null => MAX_IN_VIEW,
            v => v
                .as_u64()
                .filter(|n| *n >= 1)
                .map(|n| (n as usize).min(MAX_IN_VIEW))
                .ok_or_else(|| Rejected("limit", "limit must be a whole number >= 1".into()))?,
        };
        let selected = match &value["selected"] {
            Value::Null => None,
            Value::String(id) if !id.is_empty() && id.len() <= 128 => {
                Some(TrackId(id.as_str().into()))
            }
            _ => return Err(Rejected("selected", "selected must be a track id or null".into())),
        };
        Viewport::new([bbox[0], bbox[1], bbox[2], bbox[3]], zoom, limit, selected)
    }

    fn new(
        bbox: [f64; 4],
        zoom: f64,
        limit: usize,
        selected: Option<TrackId>,
    ) -> Result<Viewport, Rejected> {
        let [w, s, e, n] = bbox;
        let lon_ok = |x: f64| (-180.0..=180.0).contains(&x);
        let lat_ok = |y: f64| (-90.0..=90.0).contains(&y);
        if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n)) {
            return Err(Rejected(
                "bbox",
                "bbox out of range (longitudes -180..180, latitudes -90..90)".into(),
            ));
        }
        if !(w < e && s < n) {
            return Err(Rejected("bbox", "bbox must have west < east and south < north".into()));
        }
        if !(0.0..=24.0).contains(&zoom) {
            return Err(Rejected("zoom", "zoom must be between 0 and 24".into()));
        }
        let (dx, dy) = ((e - w) / 2.0, (n - s) / 2.0);
        let padded =
            [(w - dx).max(-180.0), (s - dy).max(-90.0), (e + dx).min(180.0), (n + dy).min(90.0)];
        Ok(Viewport { view: bbox, padded, zoom, limit, selected })
    }

    /// Inside the padded view.
    fn near(&self, p: &Position) -> bool {
        inside(&self.padded, p)
    }

    /// Inside the view itself.
    fn shows(&self, p: &Position) -> bool {
        inside(&self.view, p)
    }

    /// The side of a thinning cell in degrees: [`CELL_PX`] at this zoom.
    fn cell_deg(&self) -> f64 {
        360.0 * CELL_PX / (512.0 * 2f64.powf(self.zoom))
    }
}

fn inside(bbox: &[f64; 4], p: &Position) -> bool {
    let [w, s, e, n] = *bbox;
    p.lon >= w && p.lon <= e && p.lat >= s && p.lat <= n
}

/// A viewport from the connect URL's query (`bbox`, `zoom`, `limit`, `selected`); `None`
/// without a `bbox`.
fn viewport_from_query(uri: &Uri) -> Result<Option<Viewport>, Rejected> {
    let Query(params) = Query::<BTreeMap<String, String>>::try_from_uri(uri)
        .map_err(|e| Rejected("query", e.body_text()))?;
    let Some(bbox) = params.get("bbox") else { return Ok(None) };
    let bbox: Vec<Value> =
        bbox.split(',').map(|x| x.trim().parse::<f64>().map_or(Value::Null, Value::from)).collect();
    let number = |key: &str| -> Value {
        params.get(key).map_or(Value::Null, |v| {
            v.parse::<u64>()
                .map(Value::from)
                .or_else(|_| v.parse::<f64>().map(Value::from))
                .unwrap_or_else(|_| Value::String(v.clone()))
        })
    };
    let message = json!({
        "kind": "viewport",
        "bbox": bbox,
        "zoom": number("zoom"),
        "limit": number("limit"),
        "selected": params.get("selected"),
    });
    Viewport::parse(&message).map(Some)
}

fn reject(state: &AppState, reason: &'static str) {
    state
        .centre
        .metrics()
        .stream_rejected
        .get_or_create(&crate::metrics::ReasonLabels { reason: reason.to_string() })
        .inc();
}

/// One track considered for a view.
struct Candidate<'a> {
    track: &'a Track,
    /// 0 selected, 1 alerted, 2 own unit, 3 on screen, 4 in the padding.
    tier: u8,
    cell: (i64, i64),
    held: bool,
}

/// Keeps at most `limit` candidates: by tier, then in turns across cells (held tracks first
/// within a cell); returns the kept indices and the left-out count per cell.
fn thin(candidates: &[Candidate<'_>], limit: usize) -> (Vec<usize>, BTreeMap<(i64, i64), u32>) {
    if candidates.len() <= limit {
        return ((0..candidates.len()).collect(), BTreeMap::new());
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&candidates[a], &candidates[b]);
        (a.cell, a.tier, !a.held, &a.track.id).cmp(&(b.cell, b.tier, !b.held, &b.track.id))
    });
    let mut rank = vec![0u32; candidates.len()];
    for pair in 1..order.len() {
        let (before, this) = (order[pair - 1], order[pair]);
        if candidates[before].cell == candidates[this].cell {
            rank[this] = rank[before] + 1;
        }
    }
    order.sort_by(|&a, &b| {
        let key =
            |i: usize| (candidates[i].tier, rank[i], candidates[i].cell, &candidates[i].track.id);
        key(a).cmp(&key(b))
    });
    let mut left_out: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    for &i in &order[limit..] {
        *left_out.entry(candidates[i].cell).or_default() += 1;
    }
    order.truncate(limit);
    order.sort_unstable();
    (order, left_out)
}

struct Filter {
    viewer: Viewer,
    agreements: Vec<Agreement>,
    /// Tracks the caller has been told about and not told to remove.
    sent: BTreeSet<TrackId>,
    /// Alerts likewise.
    sent_alerts: BTreeSet<String>,
    /// Incidents and units likewise (`kind`, id).
    sent_cases: BTreeSet<(&'static str, String)>,
    /// What the caller looks at, once it said so.
    view: Option<Viewport>,
    /// The cluster cells last sent (`[lon, lat, count]`).
    clusters: Vec<[f64; 3]>,
}

/// Changes waiting for a viewport client's next batch.
#[derive(Default)]
struct Pending {
    resync: bool,
    view_changed: bool,
    tracks: BTreeSet<TrackId>,
    /// The latest state of each changed alert (`None`: gone).
    alerts: BTreeMap<String, Option<Arc<AlertEntry>>>,
    /// The latest state of each changed incident and unit.
    cases: BTreeMap<(&'static str, String), Case>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        !self.resync
            && !self.view_changed
            && self.tracks.is_empty()
            && self.alerts.is_empty()
            && self.cases.is_empty()
    }
}

impl Filter {
    /// Everything the caller may see now (in its view, if it has one), and the removes for
    /// what it may no longer see.
    fn resync(&mut self, state: &AppState) -> Vec<Value> {
        let now = state.centre.now();
        let with_view = self.view.is_some();
        let (agreements, visible, alerts, cases) = state.centre.read(|engine| {
            let agreements: Vec<Agreement> = engine.directory().agreements().cloned().collect();
            let visible: Vec<(TrackId, Value)> = if with_view {
                Vec::new()
            } else {
                engine
                    .tracks()
                    .filter(|t| access::can_see_track(&self.viewer, t, &agreements, now).allowed)
                    .map(|t| (t.id.clone(), track_feature(t)))
                    .collect()
            };
            let alerts: Vec<(String, Value)> = engine
                .alerts()
                .filter(|e| e.alert.state != AlertState::Closed)
                .filter(|e| visibility::alert(engine, &self.viewer, &agreements, e, now))
                .map(|e| (e.alert.id.clone(), alert_view(e)))
                .collect();
            let cases = incidents::visible_cases(engine, &self.viewer, &agreements, now);
            (agreements, visible, alerts, cases)
        });
        self.agreements = agreements;
        let mut out = if with_view {
            self.clusters.clear();
            self.in_view(state, &BTreeSet::new(), true)
        } else {
            let now_visible: BTreeSet<TrackId> = visible.iter().map(|(id, _)| id.clone()).collect();
            let mut out: Vec<Value> = self
                .sent
                .difference(&now_visible)
                .map(|id| message("track", "remove", json!({ "id": id })))
                .collect();
            out.extend(visible.into_iter().map(|(_, feature)| message("track", "upsert", feature)));
            self.sent = now_visible;
            out
        };
        let alerts_visible: BTreeSet<String> = alerts.iter().map(|(id, _)| id.clone()).collect();
        out.extend(
            self.sent_alerts
                .difference(&alerts_visible)
                .map(|id| message("alert", "remove", json!({ "id": id }))),
        );
        out.extend(alerts.into_iter().map(|(_, view)| message("alert", "upsert", view)));
        let cases_visible: BTreeSet<(&'static str, String)> =
            cases.iter().map(|(kind, id, _)| (*kind, id.clone())).collect();
        out.extend(
            self.sent_cases
                .difference(&cases_visible)
                .map(|(kind, id)| message(kind, "remove", json!({ "id": id }))),
        );
        let count = |k: &str| cases_visible.iter().filter(|(kind, _)| *kind == k).count();
        let (n_incidents, n_units) = (count("incident"), count("unit"));
        out.extend(cases.into_iter().map(|(kind, _, view)| message(kind, "upsert", view)));
        self.sent_cases = cases_visible;
        // Tells the client that what it holds now is the whole picture it may see.
        let counts = json!({
            "tracks": self.sent.len(), "alerts": alerts_visible.len(),
            "incidents": n_incidents, "units": n_units,
        });
        out.push(message("sync", "upsert", counts));
        self.sent_alerts = alerts_visible;
        out
    }

    /// The track messages that bring the caller's view up to date: removes for what left it
    /// (or the policy now refuses, or thinning dropped), upserts for what entered it and for
    /// `dirty` tracks still in it (every kept track when `everything`), and the cluster cells
    /// when they changed.
    fn in_view(
        &mut self,
        state: &AppState,
        dirty: &BTreeSet<TrackId>,
        everything: bool,
    ) -> Vec<Value> {
        let Some(view) = self.view.clone() else { return Vec::new() };
        let now = state.centre.now();
        let cell_deg = view.cell_deg();
        let cell =
            |p: &Position| ((p.lon / cell_deg).floor() as i64, (p.lat / cell_deg).floor() as i64);
        let (kept, upserts, left_out) = state.centre.read(|engine| {
            // Alerts raise a track's rank only when the caller may see the alert.
            let alerted: BTreeSet<&TrackId> = engine
                .alerts()
                .filter(|e| e.alert.state != AlertState::Closed)
                .filter(|e| visibility::alert(engine, &self.viewer, &self.agreements, e, now))
                .flat_map(|e| e.alert.tracks.iter())
                .collect();
            let candidates: Vec<Candidate<'_>> = engine
                .tracks()
                .filter_map(|t| {
                    let selected = view.selected.as_ref() == Some(&t.id);
                    if !selected && !view.near(&t.position) {
                        return None;
                    }
                    if !access::can_see_track(&self.viewer, t, &self.agreements, now).allowed {
                        return None;
                    }
                    let own_unit =
                        t.agency == self.viewer.agency && t.source_kinds.contains(&SourceKind::Cot);
                    let tier = match () {
                        _ if selected => 0,
                        _ if alerted.contains(&t.id) => 1,
                        _ if own_unit => 2,
                        _ if view.shows(&t.position) => 3,
                        _ => 4,
                    };
                    Some(Candidate {
                        track: t,
                        tier,
                        cell: cell(&t.position),
                        held: self.sent.contains(&t.id),
                    })
                })
                .collect();
            let (kept, left_out) = thin(&candidates, view.limit);
            let kept_ids: BTreeSet<TrackId> =
                kept.iter().map(|&i| candidates[i].track.id.clone()).collect();
            let upserts: Vec<Value> = kept
                .iter()
                .map(|&i| &candidates[i])
                .filter(|c| everything || !c.held || dirty.contains(&c.track.id))
                .map(|c| message("track", "upsert", track_feature(c.track)))
                .collect();
            (kept_ids, upserts, left_out)
        });
        let mut out: Vec<Value> = self
            .sent
            .difference(&kept)
            .map(|id| message("track", "remove", json!({ "id": id })))
            .collect();
        out.extend(upserts);
        self.sent = kept;
        let clusters: Vec<[f64; 3]> = left_out
            .into_iter()
            .map(|((x, y), n)| {
                [(x as f64 + 0.5) * cell_deg, (y as f64 + 0.5) * cell_deg, f64::from(n)]
            })
            .collect();
        if everything || clusters != self.clusters {
            out.push(message(
                "cluster",
                "upsert",
                json!({ "cell_deg": cell_deg, "cells": clusters }),
            ));
            self.clusters = clusters;
        }
        out
    }

    /// A viewport client's batch: everything pending, coalesced.
    fn flush(&mut self, state: &AppState, pending: Pending) -> Vec<Value> {
        if pending.resync {
            return self.resync(state);
        }
        let mut out: Vec<Value> = Vec::new();
        for (id, entry) in &pending.alerts {
            out.extend(self.alert(state, id, entry.as_deref()));
        }
        for case in pending.cases.values() {
            out.extend(self.case(state, case));
        }
        if pending.view_changed || !pending.tracks.is_empty() || !pending.alerts.is_empty() {
            out.extend(self.in_view(state, &pending.tracks, false));
        }
        out
    }

    /// The message for one alert change, if the caller should get one.
    fn alert(&mut self, state: &AppState, id: &str, entry: Option<&AlertEntry>) -> Option<Value> {
        let now = state.centre.now();
        let visible = entry.is_some_and(|entry| {
            state.centre.read(|engine| {
                visibility::alert(engine, &self.viewer, &self.agreements, entry, now)
            })
        });
        match entry {
            Some(entry) if visible => {
                self.sent_alerts.insert(id.to_string());
                Some(message("alert", "upsert", alert_view(entry)))
            }
            _ if self.sent_alerts.remove(id) => {
                Some(message("alert", "remove", json!({ "id": id })))
            }
            _ => None,
        }
    }

    /// An incident or unit change: kept for the next batch (viewport), or its message now.
    fn changed_case(
        &mut self,
        state: &AppState,
        pending: &mut Pending,
        batched: bool,
        case: Case,
    ) -> Vec<Value> {
        if batched {
            pending.cases.insert(case.key(), case);
            return Vec::new();
        }
        self.case(state, &case).into_iter().collect()
    }

    /// The message for one incident or unit change, if the caller should get one.
    fn case(&mut self, state: &AppState, case: &Case) -> Option<Value> {
        let now = state.centre.now();
        let view = state.centre.read(|engine| {
            incidents::visible_case(engine, &self.viewer, &self.agreements, case, now)
        });
        let key = case.key();
        let kind = key.0;
        match view {
            Some(view) => {
                self.sent_cases.insert(key);
                Some(message(kind, "upsert", view))
            }
            None if self.sent_cases.remove(&key) => {
                Some(message(kind, "remove", json!({ "id": key.1 })))
            }
            None => None,
        }
    }

    /// The message for one track change, if the caller should get one (no viewport).
    fn track(&mut self, state: &AppState, id: &TrackId, track: Option<&Track>) -> Option<Value> {
        let now = state.centre.now();
        let visible = track.filter(|track| {
            access::can_see_track(&self.viewer, track, &self.agreements, now).allowed
        });
        match visible {
            Some(track) => {
                self.sent.insert(id.clone());
                Some(message("track", "upsert", track_feature(track)))
            }
            None if self.sent.remove(id) => Some(message("track", "remove", json!({ "id": id }))),
            None => None,
        }
    }
}

fn session_alive(state: &AppState, session: &SessionKey) -> bool {
    let now = state.centre.now();
    state.centre.read(|engine| engine.directory().session(&session.0, now).is_some())
}

/// Sends messages one by one (no viewport) or as one batch (viewport).
async fn send(socket: &mut WebSocket, batched: bool, messages: Vec<Value>, now: Time) -> bool {
    if messages.is_empty() {
        return true;
    }
    if batched {
        let batch = message("batch", "upsert", json!({ "time": now.0, "messages": messages }));
        return socket.send(text(&batch)).await.is_ok();
    }
    for m in messages {
        if socket.send(text(&m)).await.is_err() {
            return false;
        }
    }
    true
}

/// A message from the client: a viewport, or garbage (counted, explained, ignored).
fn client_message(incoming: &Message) -> Result<Option<Viewport>, Rejected> {
    let raw = match incoming {
        Message::Text(raw) => raw.as_str(),
        Message::Binary(_) => {
            return Err(Rejected("binary", "binary messages are not understood".into()));
        }
        _ => return Ok(None),
    };
    let value: Value =
        serde_json::from_str(raw).map_err(|e| Rejected("json", format!("not JSON: {e}")))?;
    match value["kind"].as_str() {
        Some("viewport") => Viewport::parse(&value).map(Some),
        _ => Err(Rejected("kind", "expected {\"kind\": \"viewport\", …}".into())),
    }
}

async fn serve(
    state: AppState,
    viewer: Viewer,
    session: SessionKey,
    view: Option<Viewport>,
    mut socket: WebSocket,
) {
    let mut updates = state.centre.subscribe();
    let mut filter = Filter {
        viewer,
        agreements: Vec::new(),
        sent: BTreeSet::new(),
        sent_alerts: BTreeSet::new(),
        sent_cases: BTreeSet::new(),
        view,
        clusters: Vec::new(),
    };
    if !send(&mut socket, filter.view.is_some(), filter.resync(&state), state.centre.now()).await {
        return;
    }
    let mut pending = Pending::default();
    let mut tick = tokio::time::interval(BATCH_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let batched = filter.view.is_some();
        tokio::select! {
            update = updates.recv() => {
                let messages = match update.as_deref() {
                    Ok(Update::Track { id, .. }) if batched => {
                        pending.tracks.insert(id.clone());
                        Vec::new()
                    }
                    Ok(Update::Track { id, track }) => {
                        filter.track(&state, id, track.as_deref()).into_iter().collect()
                    }
                    Ok(Update::Alert { id, entry }) if batched => {
                        pending.alerts.insert(id.clone(), entry.clone());
                        Vec::new()
                    }
                    Ok(Update::Alert { id, entry }) => {
                        filter.alert(&state, id, entry.as_deref()).into_iter().collect()
                    }
                    // Reference data every signed-in user sees (GET /api/v1/zones): sent as it
                    // comes, batched or not; zones change rarely.
                    Ok(Update::Zone(zone)) => vec![message("zone", "upsert", zone_feature(zone))],
                    Ok(Update::Incident(record)) => {
                        let case = Case::Incident(Arc::clone(record));
                        filter.changed_case(&state, &mut pending, batched, case)
                    }
                    Ok(Update::Unit(unit)) => {
                        let case = Case::Unit(Arc::clone(unit));
                        filter.changed_case(&state, &mut pending, batched, case)
                    }
                    Ok(Update::Directory(_)) => {
                        // Sessions may have ended, agreements changed.
                        if !session_alive(&state, &session) {
                            let frame = CloseFrame { code: SESSION_ENDED, reason: Utf8Bytes::from_static("session ended") };
                            let _ = socket.send(Message::Close(Some(frame))).await;
                            return;
                        }
                        if batched { pending.resync = true; Vec::new() } else { filter.resync(&state) }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        state.centre.metrics().subscriber_lagged.inc_by(*missed);
                        if batched { pending.resync = true; Vec::new() } else { filter.resync(&state) }
                    }
                    Err(RecvError::Closed) => return,
                };
                if !send(&mut socket, false, messages, state.centre.now()).await {
                    return;
                }
            }
            _ = tick.tick(), if batched && !pending.is_empty() => {
                let messages = filter.flush(&state, std::mem::take(&mut pending));
                if !send(&mut socket, true, messages, state.centre.now()).await {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // Pings are answered by the library; a viewport changes what is sent.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(incoming)) => match client_message(&incoming) {
                    Ok(Some(view)) => {
                        if filter.view.as_ref() != Some(&view) {
                            filter.view = Some(view);
                            pending.view_changed = true;
                        }
                    }
                    Ok(None) => {}
                    Err(Rejected(reason, explanation)) => {
                        reject(&state, reason);
                        let error = message("error", "upsert", json!({ "code": format!("bad_{reason}"), "message": explanation }));
                        if socket.send(text(&error)).await.is_err() {
                            return;
                        }
                    }
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_viewports_are_refused_with_a_reason() {
        let bad = [
            (json!({"kind": "viewport", "bbox": [1, 2, 3], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 5, 35], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 35, 15, 30], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 95], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, "x"], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 99}), "zoom"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35]}), "zoom"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 5, "limit": 0}), "limit"),
            (
                json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 5, "selected": 7}),
                "selected",
            ),
        ];
        for (value, reason) in bad {
            assert_eq!(Viewport::parse(&value).map_err(|e| e.0), Err(reason), "{value}");
        }
        let good = json!({"kind": "viewport", "bbox": [10, 30, 20, 35], "zoom": 5, "limit": 9000});
        let view = Viewport::parse(&good).expect("a good viewport");
        assert_eq!(view.limit, MAX_IN_VIEW, "a limit above the server's is capped");
        assert_eq!(view.padded, [5.0, 27.5, 25.0, 37.5], "padded by half the view on each side");
    }

    #[test]
    fn a_viewport_in_the_query_reads_like_the_message() {
        let uri = |q: &str| format!("/api/v1/stream?{q}").parse::<Uri>().expect("uri");
        let view = viewport_from_query(&uri(
            "access_token=x&bbox=10,30,20,35&zoom=5.5&limit=7&selected=t3",
        ))
        .expect("parsed")
        .expect("a viewport");
        assert_eq!(view.limit, 7);
        assert_eq!(view.selected, Some(TrackId("t3".into())));
        assert_eq!(viewport_from_query(&uri("access_token=x")).expect("parsed"), None);
        assert_eq!(
            viewport_from_query(&uri("bbox=10,30,NaN,35&zoom=5")).map_err(|e| e.0),
            Err("bbox")
        );
    }
}
