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

use std::collections::BTreeSet;

use access::Viewer;
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use model::{Agreement, AlertState, TrackId};
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::api::tracks::track_feature;
use crate::api::{alerts, incidents};
use crate::http::{AppState, now};

/// WebSocket close code for "your session ended" (private range 4000-4999).
const SESSION_ENDED: u16 = 4401;

pub async fn stream(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Extension(session): Extension<SessionKey>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| serve(state, viewer, session, socket))
}

/// The hash of the token the stream was opened with, so that it can notice the session end.
#[derive(Clone, Debug)]
pub struct SessionKey(pub String);

fn message(kind: &str, op: &str, data: Value) -> Message {
    Message::Text(Utf8Bytes::from(json!({ "kind": kind, "op": op, "data": data }).to_string()))
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
}

impl Filter {
    /// Everything the caller may see now, and the removes for what it may no longer see.
    fn resync(&mut self, state: &AppState) -> Vec<Message> {
        let now = now();
        let (agreements, visible, alerts, cases) = state.centre.read(|engine| {
            let agreements: Vec<Agreement> = engine.directory().agreements().cloned().collect();
            let visible: Vec<(TrackId, Value)> = engine
                .tracks()
                .filter(|t| access::can_see_track(&self.viewer, t, &agreements, now).allowed)
                .map(|t| (t.id.clone(), track_feature(t)))
                .collect();
            let alerts: Vec<(String, Value)> = engine
                .alerts()
                .filter(|e| e.alert.state != AlertState::Closed)
                .filter(|e| alerts::visible(engine, &self.viewer, &agreements, e))
                .map(|e| (e.alert.id.clone(), alerts::alert_view(e)))
                .collect();
            let cases = incidents::visible_cases(engine, &self.viewer, &agreements);
            (agreements, visible, alerts, cases)
        });
        self.agreements = agreements;
        let now_visible: BTreeSet<TrackId> = visible.iter().map(|(id, _)| id.clone()).collect();
        let mut out: Vec<Message> = self
            .sent
            .difference(&now_visible)
            .map(|id| message("track", "remove", json!({ "id": id })))
            .collect();
        out.extend(visible.into_iter().map(|(_, feature)| message("track", "upsert", feature)));
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
            "tracks": now_visible.len(), "alerts": alerts_visible.len(),
            "incidents": n_incidents, "units": n_units,
        });
        out.push(message("sync", "upsert", counts));
        self.sent = now_visible;
        self.sent_alerts = alerts_visible;
        out
    }

    /// The message for one alert change, if the caller should get one.
    fn alert(&mut self, state: &AppState, id: &str) -> Option<Message> {
        let view = state.centre.read(|engine| {
            let entry = engine.alert(id)?;
            alerts::visible(engine, &self.viewer, &self.agreements, entry)
                .then(|| alerts::alert_view(entry))
        });
        match view {
            Some(view) => {
                self.sent_alerts.insert(id.to_string());
                Some(message("alert", "upsert", view))
            }
            None if self.sent_alerts.remove(id) => {
                Some(message("alert", "remove", json!({ "id": id })))
            }
            None => None,
        }
    }

    /// The message for one incident or unit change, if the caller should get one.
    fn case(&mut self, state: &AppState, kind: &'static str, id: &str) -> Option<Message> {
        let view = state.centre.read(|engine| {
            incidents::visible_case(engine, &self.viewer, &self.agreements, kind, id)
        });
        let key = (kind, id.to_string());
        match view {
            Some(view) => {
                self.sent_cases.insert(key);
                Some(message(kind, "upsert", view))
            }
            None if self.sent_cases.remove(&key) => {
                Some(message(kind, "remove", json!({ "id": id })))
            }
            None => None,
        }
    }

    /// The message for one track change, if the caller should get one.
    fn track(&mut self, state: &AppState, id: &TrackId) -> Option<Message> {
        let now = now();
        let visible = state.centre.read(|engine| {
            engine.track(id).and_then(|entry| {
                access::can_see_track(&self.viewer, &entry.track, &self.agreements, now)
                    .allowed
                    .then(|| track_feature(&entry.track))
            })
        });
        match visible {
            Some(feature) => {
                self.sent.insert(id.clone());
                Some(message("track", "upsert", feature))
            }
            None if self.sent.remove(id) => Some(message("track", "remove", json!({ "id": id }))),
            None => None,
        }
    }
}

fn session_alive(state: &AppState, session: &SessionKey) -> bool {
    let now = now();
    state.centre.read(|engine| engine.directory().session(&session.0, now).is_some())
}

async fn send_all(socket: &mut WebSocket, messages: Vec<Message>) -> bool {
    for m in messages {
        if socket.send(m).await.is_err() {
            return false;
        }
    }
    true
}

async fn serve(state: AppState, viewer: Viewer, session: SessionKey, mut socket: WebSocket) {
    let mut updates = state.centre.subscribe();
    let mut filter = Filter {
        viewer,
        agreements: Vec::new(),
        sent: BTreeSet::new(),
        sent_alerts: BTreeSet::new(),
        sent_cases: BTreeSet::new(),
    };
    if !send_all(&mut socket, filter.resync(&state)).await {
        return;
    }
    loop {
        tokio::select! {
            update = updates.recv() => {
                let messages = match update {
                    Ok(update) if update.kind == "track" => {
                        let id = update.data["id"].as_str().map(|s| TrackId(s.to_string()));
                        id.and_then(|id| filter.track(&state, &id)).into_iter().collect()
                    }
                    Ok(update) if update.kind == "alert" => {
                        let id = update.data["id"].as_str();
                        id.and_then(|id| filter.alert(&state, id)).into_iter().collect()
                    }
                    Ok(update) if update.kind == "incident" || update.kind == "unit" => {
                        let id = update.data["id"].as_str();
                        id.and_then(|id| filter.case(&state, update.kind, id)).into_iter().collect()
                    }
                    Ok(_) => {
                        // A directory change: sessions may have ended, agreements changed.
                        if !session_alive(&state, &session) {
                            let frame = CloseFrame { code: SESSION_ENDED, reason: Utf8Bytes::from_static("session ended") };
                            let _ = socket.send(Message::Close(Some(frame))).await;
                            return;
                        }
                        filter.resync(&state)
                    }
                    Err(RecvError::Lagged(missed)) => {
                        state.centre.metrics().subscriber_lagged.inc_by(missed);
                        filter.resync(&state)
                    }
                    Err(RecvError::Closed) => return,
                };
                if !send_all(&mut socket, messages).await {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // The stream is one-way; pings are answered by the library, text is ignored.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
