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
//!
//! The viewport and the client's messages are read in `viewport`, the caller's picture is kept
//! in step by `filter`, and a viewport's tracks are thinned and clustered in `thinning`; this
//! file holds the endpoint and the per-client loop.

mod filter;
mod thinning;
mod viewport;

pub use viewport::{Rejected, Viewport};

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use access::Viewer;
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::Uri;
use axum::response::Response;
use model::Time;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::MissedTickBehavior;

use crate::api::AppState;
use crate::api::incidents::Case;
use crate::centre::Update;
use crate::wire::{message, zone_feature};
use filter::{Filter, Pending};
use viewport::{client_message, viewport_from_query};

/// WebSocket close code for "your session ended" (private range 4000-4999).
const SESSION_ENDED: u16 = 4401;

/// The most tracks a viewport client is sent at once; a client may ask for fewer.
pub const MAX_IN_VIEW: usize = 2_000;

/// How often a viewport client receives its coalesced batch of changes.
pub const BATCH_EVERY: Duration = Duration::from_millis(500);

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

fn reject(state: &AppState, reason: &'static str) {
    state
        .centre
        .metrics()
        .stream_rejected
        .get_or_create(&crate::metrics::ReasonLabels { reason: reason.to_string() })
        .inc();
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
