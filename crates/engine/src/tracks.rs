//! Tracks: association of observations to tracks, lifecycle by event time, thinned history.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use model::{
    Event, EventKind, Identity, Observation, Time, Track, TrackId, TrackPoint, TrackState,
};
use serde::{Deserialize, Serialize};

use crate::EngineConfig;

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
    Directory(crate::DirectoryChange),
}

/// A track with its history, as kept in the state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackEntry {
    pub track: Track,
    pub history: Vec<TrackPoint>,
    /// What associates observations to this track.
    key: AssocKey,
    /// Where the track's entry in `Engine::deadlines` is filed. Derived: rebuilt on restore.
    #[serde(skip)]
    filed: Time,
}

/// Which track an observation belongs to, before association by position arrives. Exercise
/// data gets its own keys so that it never merges into a real track. MMSI keys, the hot case,
/// are built without allocating.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AssocKey {
    Mmsi {
        mmsi: u32,
        exercise: bool,
    },
    Cot {
        uid: String,
        exercise: bool,
    },
    SourceTrack {
        source: String,
        number: String,
        exercise: bool,
    },
    Plate {
        plate: String,
        exercise: bool,
    },
    /// Nothing identifies it: a track of its own, named by the observation's sequence number.
    Single {
        seq: u64,
    },
}

impl AssocKey {
    fn of(seq: u64, obs: &Observation) -> AssocKey {
        let exercise = obs.exercise;
        let id = &obs.identity;
        if let Some(mmsi) = id.mmsi {
            AssocKey::Mmsi { mmsi, exercise }
        } else if let Some(uid) = &id.cot_uid {
            AssocKey::Cot { uid: uid.clone(), exercise }
        } else if let Some(number) = &id.source_track {
            AssocKey::SourceTrack { source: obs.source.clone(), number: number.clone(), exercise }
        } else if let Some(plate) = &id.plate {
            AssocKey::Plate { plate: plate.clone(), exercise }
        } else {
            AssocKey::Single { seq }
        }
    }
}

/// Track ids are `t` and the sequence number of the event that created the track.
fn track_number(id: &TrackId) -> Option<u64> {
    id.0.strip_prefix('t')?.parse().ok()
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
    directory: crate::Directory,
    /// Tracks by number (see [`track_number`]).
    tracks: BTreeMap<u64, TrackEntry>,
    /// Association key → track number. Derived: rebuilt on restore, never iterated.
    #[serde(skip)]
    keys: FxHashMap<AssocKey, u64>,
    /// One entry per track: a time at or before which its lifecycle state may change (see
    /// [`next_deadline`]). Entries are lazy: an update that moves the deadline later does not
    /// move the entry; when the entry comes due the sweep recomputes the real deadline and
    /// re-files it if it lies ahead. Only an update that moves it earlier (a coasting track
    /// heard again) re-files at once. So most updates cost no set operation, and time passing
    /// costs only the tracks it may affect. Derived: rebuilt on restore.
    #[serde(skip)]
    deadlines: BTreeSet<(Time, u64)>,
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
            directory: crate::Directory::default(),
            tracks: BTreeMap::new(),
            keys: FxHashMap::default(),
            deadlines: BTreeSet::new(),
        }
    }

    /// The number of events folded: the sequence number the next event must carry.
    pub fn folded(&self) -> u64 {
        self.folded
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// Agencies, users, sessions and sharing agreements.
    pub fn directory(&self) -> &crate::Directory {
        &self.directory
    }

    pub fn tracks(&self) -> impl Iterator<Item = &Track> {
        self.tracks.values().map(|e| &e.track)
    }

    pub fn track(&self, id: &TrackId) -> Option<&TrackEntry> {
        self.tracks.get(&track_number(id)?).filter(|e| e.track.id == *id)
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
            other => {
                if let Some(change) = self.directory.apply(event.time, other) {
                    changes.push(Change::Directory(change));
                }
            }
        }
        self.sweep(&mut changes);
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
        let config = &engine.config;
        for entry in engine.tracks.values_mut() {
            entry.filed = next_deadline(&entry.track, config);
        }
        engine.deadlines = engine.tracks.iter().map(|(n, e)| (e.filed, *n)).collect();
        engine.keys = engine.tracks.iter().map(|(n, e)| (e.key.clone(), *n)).collect();
        Ok(engine)
    }

    fn observe(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        let key = AssocKey::of(seq, obs);
        let Some(&number) = self.keys.get(&key) else {
            let id = TrackId(format!("t{seq}"));
            self.keys.insert(key.clone(), seq);
            let mut entry = new_entry(id.clone(), key, obs);
            entry.filed = next_deadline(&entry.track, &self.config);
            self.deadlines.insert((entry.filed, seq));
            self.tracks.insert(seq, entry);
            changes.push(Change::Track { id, op: ChangeOp::Upsert });
            return;
        };
        let Some(entry) = self.tracks.get_mut(&number) else { return };
        update_entry(entry, obs, &self.config);
        let due = next_deadline(&entry.track, &self.config);
        if due < entry.filed {
            self.deadlines.remove(&(entry.filed, number));
            self.deadlines.insert((due, number));
            entry.filed = due;
        }
        changes.push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
    }

    /// Moves tracks whose deadline has passed along their lifecycle, and forgets long-lost ones.
    fn sweep(&mut self, changes: &mut Vec<Change>) {
        while let Some(&(deadline, number)) = self.deadlines.first() {
            if deadline > self.now {
                break;
            }
            self.deadlines.pop_first();
            let Some(entry) = self.tracks.get_mut(&number) else { continue };
            let due = next_deadline(&entry.track, &self.config);
            if due > self.now {
                // Updated since it was filed: file it again at its real deadline.
                self.deadlines.insert((due, number));
                entry.filed = due;
                continue;
            }
            let idle = self.now.since(entry.track.last_time);
            if idle >= self.config.forget_after_ms {
                if let Some(entry) = self.tracks.remove(&number) {
                    self.keys.remove(&entry.key);
                    changes.push(Change::Track { id: entry.track.id, op: ChangeOp::Remove });
                }
                continue;
            }
            let timeouts = self.config.timeouts(entry.track.kind);
            let state = if idle >= timeouts.lost_after_ms {
                TrackState::Lost
            } else if idle >= timeouts.coast_after_ms {
                TrackState::Coasting
            } else {
                entry.track.state
            };
            if entry.track.state != state {
                entry.track.state = state;
                changes.push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
            }
            entry.filed = next_deadline(&entry.track, &self.config);
            self.deadlines.insert((entry.filed, number));
        }
    }
}

/// When, in event time, `track`'s lifecycle state changes next if nothing else is heard.
fn next_deadline(track: &Track, config: &EngineConfig) -> Time {
    let timeouts = config.timeouts(track.kind);
    let after = match track.state {
        TrackState::Tentative | TrackState::Confirmed => timeouts.coast_after_ms,
        TrackState::Coasting => timeouts.lost_after_ms,
        TrackState::Lost => config.forget_after_ms,
    };
    track.last_time.plus_millis(after.max(1))
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

fn new_entry(id: TrackId, key: AssocKey, obs: &Observation) -> TrackEntry {
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
    TrackEntry { track, history: vec![point(obs)], key, filed: Time(i64::MIN) }
}

fn update_entry(entry: &mut TrackEntry, obs: &Observation, config: &EngineConfig) {
    let track = &mut entry.track;
    track.observations += 1;
    // Check before inserting: the common case is a known agency and source, and cloning their
    // names for every observation showed up in profiles.
    if !track.contributors.contains(&obs.agency) {
        track.contributors.insert(obs.agency.clone());
    }
    if !track.sources.contains(&obs.source) {
        track.sources.insert(obs.source.clone());
    }
    track.source_kinds.insert(obs.source_kind);
    if track.marking != obs.marking {
        track.marking = track.marking.combine(&obs.marking);
    }
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
    fn fill<T: Clone + PartialEq>(slot: &mut Option<T>, value: &Option<T>) {
        if value.is_some() && slot != value {
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
