//! What the stream has told its caller, and the messages that keep the caller's picture in
//! step with the policy: a full resynchronisation, one change at a time, or a viewport
//! client's coalesced batch.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use access::Viewer;
use engine::AlertEntry;
use model::{Agreement, AlertState, Track, TrackId};
use serde_json::{Value, json};

use super::viewport::Viewport;
use crate::api::AppState;
use crate::api::incidents;
use crate::api::incidents::Case;
use crate::visibility;
use crate::wire::{alert_view, message, track_feature};

pub(super) struct Filter {
    pub(super) viewer: Viewer,
    pub(super) agreements: Vec<Agreement>,
    /// Tracks the caller has been told about and not told to remove.
    pub(super) sent: BTreeSet<TrackId>,
    /// Alerts likewise.
    pub(super) sent_alerts: BTreeSet<String>,
    /// Incidents and units likewise (`kind`, id).
    pub(super) sent_cases: BTreeSet<(&'static str, String)>,
    /// What the caller looks at, once it said so.
    pub(super) view: Option<Viewport>,
    /// The cluster cells last sent (`[lon, lat, count]`).
    pub(super) clusters: Vec<[f64; 3]>,
}

/// Changes waiting for a viewport client's next batch.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) resync: bool,
    pub(super) view_changed: bool,
    pub(super) tracks: BTreeSet<TrackId>,
    /// The latest state of each changed alert (`None`: gone).
    pub(super) alerts: BTreeMap<String, Option<Arc<AlertEntry>>>,
    /// The latest state of each changed incident and unit.
    pub(super) cases: BTreeMap<(&'static str, String), Case>,
}

impl Pending {
    pub(super) fn is_empty(&self) -> bool {
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
    pub(super) fn resync(&mut self, state: &AppState) -> Vec<Value> {
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

    /// A viewport client's batch: everything pending, coalesced.
    pub(super) fn flush(&mut self, state: &AppState, pending: Pending) -> Vec<Value> {
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
    pub(super) fn alert(
        &mut self,
        state: &AppState,
        id: &str,
        entry: Option<&AlertEntry>,
    ) -> Option<Value> {
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
    pub(super) fn changed_case(
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
    pub(super) fn track(
        &mut self,
        state: &AppState,
        id: &TrackId,
        track: Option<&Track>,
    ) -> Option<Value> {
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
