//! Tracks: association of observations to tracks, lifecycle by event time, thinned history.

use std::collections::{BTreeMap, BTreeSet};

use model::{
    Event, EventKind, Identity, Observation, Time, Track, TrackId, TrackPoint, TrackState,
};
use serde::{Deserialize, Serialize};

use crate::EngineConfig;

/// How often, in event time, the engine looks for tracks whose timeouts have passed.
const SWEEP_EVERY_MS: i64 = Time::MS_PER_SECOND;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Remove,
}

/// Something subscribers should hear about after an event was folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Track { id: TrackId, op: ChangeOp },
}

/// A track with its history, as kept in the state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackEntry {
    pub track: Track,
    pub history: Vec<TrackPoint>,
}

/// The folded state. Everything in it is derived from the log; see the crate docs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Engine {
    #[serde(skip)]
    config: EngineConfig,
    /// Events folded so far (the next expected sequence number).
    folded: u64,
    /// The newest event time folded.
    now: Time,
    last_sweep: Time,
    tracks: BTreeMap<TrackId, TrackEntry>,
    /// Association key (e.g. `ais:636012345`) → track.
    keys: BTreeMap<String, TrackId>,
    /// Tracks by last update, for the timeout sweep. Derived: rebuilt on restore.
    #[serde(skip)]
    by_last: BTreeSet<(Time, TrackId)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("snapshot cannot be decoded: {0}")]
    Decode(String),
}

impl Engine {
    pub fn new(config: EngineConfig) -> Engine {
        Engine {
            config,
            folded: 0,
            now: Time(i64::MIN),
            last_sweep: Time(i64::MIN),
            tracks: BTreeMap::new(),
            keys: BTreeMap::new(),
            by_last: BTreeSet::new(),
        }
    }

    /// The number of events folded: the sequence number the next event must carry.
    pub fn folded(&self) -> u64 {
        self.folded
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn tracks(&self) -> impl Iterator<Item = &Track> {
        self.tracks.values().map(|e| &e.track)
    }

    pub fn track(&self, id: &TrackId) -> Option<&TrackEntry> {
        self.tracks.get(id)
    }

    pub fn track_count(&self) -> usize {
        self.tracks.len()
    }

    /// Folds one event. `seq` must be [`Engine::folded`]; an event already folded (a replay
    /// overlap after a snapshot) is ignored and reports no change.
    pub fn apply(&mut self, seq: u64, event: &Event) -> Vec<Change> {
        let mut changes = Vec::new();
        if seq < self.folded {
            return changes;
        }
        self.folded = seq + 1;
        if event.time > self.now {
            self.now = event.time;
        }
        match &event.kind {
            EventKind::Observation(observation) => {
                self.observe(seq, observation, &mut changes);
            }
        }
        if self.now.since(self.last_sweep) >= SWEEP_EVERY_MS {
            self.last_sweep = self.now;
            self.sweep(&mut changes);
        }
        changes
    }

    /// The state as bytes, for a snapshot. Deterministic: equal states give equal bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn restore(config: EngineConfig, bytes: &[u8]) -> Result<Engine, RestoreError> {
        let mut engine: Engine =
            serde_json::from_slice(bytes).map_err(|e| RestoreError::Decode(e.to_string()))?;
        engine.config = config;
        engine.by_last =
            engine.tracks.iter().map(|(id, e)| (e.track.last_time, id.clone())).collect();
        Ok(engine)
    }

    fn observe(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        let key = association_key(seq, obs);
        let id = match self.keys.get(&key) {
            Some(id) => id.clone(),
            None => {
                let id = TrackId(format!("t{seq}"));
                self.keys.insert(key, id.clone());
                self.tracks.insert(id.clone(), new_entry(id.clone(), obs));
                self.by_last.insert((obs.time, id.clone()));
                changes.push(Change::Track { id, op: ChangeOp::Upsert });
                return;
            }
        };
        let Some(entry) = self.tracks.get_mut(&id) else { return };
        let before = entry.track.last_time;
        update_entry(entry, obs, &self.config);
        if entry.track.last_time != before {
            self.by_last.remove(&(before, id.clone()));
            self.by_last.insert((entry.track.last_time, id.clone()));
        }
        changes.push(Change::Track { id, op: ChangeOp::Upsert });
    }

    /// Moves tracks along their lifecycle as event time passes, and forgets long-lost ones.
    fn sweep(&mut self, changes: &mut Vec<Change>) {
        let horizon = self.now.plus_millis(-self.config.min_coast_ms());
        let stale: Vec<(Time, TrackId)> =
            self.by_last.range(..(horizon, TrackId(String::new()))).cloned().collect();
        for (last, id) in stale {
            let Some(entry) = self.tracks.get_mut(&id) else { continue };
            let idle = self.now.since(last);
            if idle >= self.config.forget_after_ms {
                self.tracks.remove(&id);
                self.by_last.remove(&(last, id.clone()));
                self.keys.retain(|_, v| *v != id);
                changes.push(Change::Track { id, op: ChangeOp::Remove });
                continue;
            }
            let timeouts = self.config.timeouts(entry.track.kind);
            let state = if idle >= timeouts.lost_after_ms {
                TrackState::Lost
            } else if idle >= timeouts.coast_after_ms {
                TrackState::Coasting
            } else {
                continue;
            };
            if entry.track.state != state {
                entry.track.state = state;
                changes.push(Change::Track { id, op: ChangeOp::Upsert });
            }
        }
    }
}

/// Which track an observation belongs to, before association by position arrives.
/// Exercise data gets its own keys so that it never merges into a real track.
fn association_key(seq: u64, obs: &Observation) -> String {
    let prefix = if obs.exercise { "x:" } else { "" };
    let id = &obs.identity;
    if let Some(mmsi) = id.mmsi {
        format!("{prefix}ais:{mmsi}")
    } else if let Some(uid) = &id.cot_uid {
        format!("{prefix}cot:{uid}")
    } else if let Some(number) = &id.source_track {
        format!("{prefix}src:{}:{number}", obs.source)
    } else if let Some(plate) = &id.plate {
        format!("{prefix}plate:{plate}")
    } else {
        format!("{prefix}obs:{seq}")
    }
}

fn point(obs: &Observation) -> TrackPoint {
    TrackPoint {
        time: obs.time,
        lon: obs.position.lon,
        lat: obs.position.lat,
        speed_mps: obs.speed_mps,
        course_deg: obs.course_deg,
    }
}

fn new_entry(id: TrackId, obs: &Observation) -> TrackEntry {
    let track = Track {
        id,
        kind: obs.kind,
        state: TrackState::Tentative,
        agency: obs.agency.clone(),
        marking: obs.marking.clone(),
        identity: obs.identity.clone(),
        contributors: BTreeSet::from([obs.agency.clone()]),
        sources: BTreeSet::from([obs.source.clone()]),
        source_kinds: BTreeSet::from([obs.source_kind]),
        first_time: obs.time,
        last_time: obs.time,
        position: obs.position,
        speed_mps: obs.speed_mps,
        course_deg: obs.course_deg,
        heading_deg: obs.heading_deg,
        observations: 1,
        exercise: obs.exercise,
    };
    TrackEntry { track, history: vec![point(obs)] }
}

fn update_entry(entry: &mut TrackEntry, obs: &Observation, config: &EngineConfig) {
    let track = &mut entry.track;
    track.observations += 1;
    track.contributors.insert(obs.agency.clone());
    track.sources.insert(obs.source.clone());
    track.source_kinds.insert(obs.source_kind);
    track.marking = track.marking.combine(&obs.marking);
    merge_identity(&mut track.identity, &obs.identity);
    if track.kind == model::ObjectKind::Unknown {
        track.kind = obs.kind;
    }
    if obs.time >= track.last_time {
        track.last_time = obs.time;
        track.position = obs.position;
        track.speed_mps = obs.speed_mps;
        track.course_deg = obs.course_deg;
        track.heading_deg = obs.heading_deg;
        track.state = if track.observations >= config.confirm_after {
            TrackState::Confirmed
        } else {
            TrackState::Tentative
        };
        entry.history.push(point(obs));
    } else {
        // Late fix: it belongs in the history, not in the current position.
        let at = entry.history.partition_point(|p| p.time <= obs.time);
        entry.history.insert(at, point(obs));
    }
    if entry.history.len() > config.history_max {
        thin(&mut entry.history);
    }
}

/// Keeps the newer half whole and every other point of the older half.
fn thin(history: &mut Vec<TrackPoint>) {
    let half = history.len() / 2;
    let mut index = 0;
    history.retain(|_| {
        let keep = index >= half || index % 2 == 0;
        index += 1;
        keep
    });
}

fn merge_identity(into: &mut Identity, from: &Identity) {
    fn fill<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
        if value.is_some() {
            slot.clone_from(value);
        }
    }
    fill(&mut into.mmsi, &from.mmsi);
    fill(&mut into.imo, &from.imo);
    fill(&mut into.callsign, &from.callsign);
    fill(&mut into.name, &from.name);
    fill(&mut into.cot_uid, &from.cot_uid);
    fill(&mut into.plate, &from.plate);
    fill(&mut into.source_track, &from.source_track);
}
