//! The engine: the fold of events into tracks, alerts and the directory, with snapshots.
//! An observation is folded in `observe` (routed in `assoc`), time passing in `sweep`,
//! snapshots written and restored in `snapshot`, and a group of events read ahead in `warm`.

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::Geography;
use model::{Event, EventKind, Time, Track, TrackId};
use serde::Serialize;

use crate::alerts::{AlertEntry, Alerts};
use crate::deadlines::Deadlines;
use crate::fusion;
use crate::rules::{RulesConfig, proximity::Proximity};
use crate::tracks::{Keys, track_number};
use crate::{EngineConfig, TrackEntry};

mod assoc;
mod observe;
mod snapshot;
mod sweep;
mod warm;

pub use observe::TELEPORT_MPS;
pub use snapshot::{FOLD_VERSION, RestoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Remove,
}

/// Something subscribers should hear about after an event was folded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Track {
        id: TrackId,
        op: ChangeOp,
    },
    Alert {
        id: String,
        op: ChangeOp,
    },
    Incident {
        id: String,
        op: ChangeOp,
    },
    Unit {
        id: String,
        op: ChangeOp,
    },
    /// A zone's properties changed (a border section's impact level).
    Zone {
        id: String,
        op: ChangeOp,
    },
    Directory(crate::DirectoryChange),
}

/// The folded state. Everything in it is derived from the log; see the crate docs. The
/// geography and the configuration are inputs, not state: they stay out of the snapshot, but
/// for the sections' impact levels the log set (`impacts`), laid over the geography.
#[derive(Debug, Serialize)]
pub struct Engine {
    #[serde(skip)]
    config: EngineConfig,
    #[serde(skip)]
    geo: Arc<Geography>,
    /// The geography as configured, before any impact level the log set ([`Engine::impacts`]):
    /// what a fold from the log's start begins with.
    #[serde(skip)]
    configured: Arc<Geography>,
    /// Per-zone rule overrides, resolved once.
    #[serde(skip)]
    zone_rules: BTreeMap<String, RulesConfig>,
    /// [`FOLD_VERSION`], in the snapshot: a snapshot written by another fold is not restored.
    fold: u32,
    /// Events folded so far (the next expected sequence number).
    folded: u64,
    /// The newest event time folded.
    now: Time,
    directory: crate::Directory,
    /// Tracks by number (see [`track_number`]).
    tracks: crate::tracks::Tracks,
    alerts: Alerts,
    proximity: Proximity,
    /// Observations skipped because their position is impossible (NaN, out of range).
    refused: u64,
    /// Observations older than their track's newest fix: kept in the history only.
    #[serde(default)]
    late: u64,
    /// Observations repeating their track's newest fix (same time and place, e.g. one AIS
    /// report heard by two receivers): they add their source, nothing else.
    #[serde(default)]
    duplicates: u64,
    /// Fixes that moved a track keyed by anything but an MMSI (a CoT uid, a plate, a radar's
    /// track number) faster than anything moves: taken as its newest position, and counted.
    /// An MMSI's impossible jumps split off into tracks of their own instead.
    #[serde(default)]
    teleports: u64,
    /// Border sections' impact levels as the joint centre set them, over the configured ones:
    /// state, so in the snapshot, and laid over the geography on restore.
    #[serde(default)]
    impacts: BTreeMap<String, model::Severity>,
    /// Incidents and units, with the automatic incidents derived from alerts.
    incidents: incident::Incidents,
    /// Association key → track number. Derived: rebuilt on restore, never iterated.
    #[serde(skip)]
    keys: Keys,
    /// When each track may next change (see [`Deadlines`]): most updates cost no operation on
    /// it, and time passing costs only the tracks it may affect. Derived.
    #[serde(skip)]
    deadlines: Deadlines,
    /// Live tracks by cell, for gating. Derived: rebuilt on restore.
    #[serde(skip)]
    fused: fusion::FusionGrid,
}

impl Engine {
    /// An empty state. Per-zone rule overrides that do not resolve are ignored here; callers
    /// check them first with [`EngineConfig::check`].
    pub fn new(config: EngineConfig, geo: Arc<Geography>) -> Engine {
        let zone_rules = config.rules.resolve_all().unwrap_or_default();
        Engine {
            config,
            configured: Arc::clone(&geo),
            geo,
            zone_rules,
            fold: FOLD_VERSION,
            folded: 0,
            now: Time(i64::MIN),
            directory: crate::Directory::default(),
            tracks: crate::tracks::Tracks::default(),
            alerts: Alerts::default(),
            proximity: Proximity::new(),
            refused: 0,
            late: 0,
            duplicates: 0,
            teleports: 0,
            impacts: BTreeMap::new(),
            incidents: incident::Incidents::new(),
            keys: Keys::default(),
            deadlines: Deadlines::default(),
            fused: fusion::FusionGrid::default(),
        }
    }

    /// The number of events folded: the sequence number the next event must carry.
    pub fn folded(&self) -> u64 {
        self.folded
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The geography as it stands, with the impact levels the log set.
    pub fn geography(&self) -> &Arc<Geography> {
        &self.geo
    }

    /// The geography as configured: for a fold of the log from its start (replay).
    pub fn configured_geography(&self) -> &Arc<Geography> {
        &self.configured
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

    /// Every alert kept, open, acknowledged or closed, oldest first.
    pub fn alerts(&self) -> impl Iterator<Item = &AlertEntry> {
        self.alerts.iter()
    }

    pub fn alert(&self, id: &str) -> Option<&AlertEntry> {
        self.alerts.get(id)
    }

    /// Observations the fold skipped because their position was impossible.
    pub fn refused(&self) -> u64 {
        self.refused
    }

    /// Observations older than their track's newest fix (kept in the history only).
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Observations that repeated their track's newest fix.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Fixes that moved a non-MMSI track faster than [`TELEPORT_MPS`] (see the field).
    pub fn teleports(&self) -> u64 {
        self.teleports
    }

    pub fn alert_count(&self) -> usize {
        self.alerts.len()
    }

    /// Incidents and units.
    pub fn incidents(&self) -> &incident::Incidents {
        &self.incidents
    }

    /// Folds one event. `seq` must be [`Engine::folded`]; an event already folded (a replay
    /// overlap after a snapshot) is ignored and reports no change.
    pub fn apply(&mut self, seq: u64, event: &Event) -> Vec<Change> {
        let mut changes = Vec::new();
        self.apply_into(seq, event, &mut changes);
        changes
    }

    /// Folds a run of consecutive events, the first with sequence number `first_seq`, and
    /// appends what changed to `changes`. The state and the changes are exactly those of
    /// [`Engine::apply`] on each event in turn; it is faster on a large picture because before
    /// each group of a few events it reads what they will touch (see [`warm`]), so that their
    /// cache misses overlap instead of coming one after another.
    pub fn apply_all(&mut self, first_seq: u64, events: &[Event], changes: &mut Vec<Change>) {
        for (g, group) in events.chunks(warm::GROUP).enumerate() {
            let seq = first_seq + (g * warm::GROUP) as u64;
            std::hint::black_box(self.warm(seq, group));
            for (i, event) in group.iter().enumerate() {
                self.apply_into(seq + i as u64, event, changes);
            }
        }
    }

    /// [`Engine::apply`], appending to `changes`: the fold reads the event's own changes back
    /// (automatic incidents look at the alerts it raised), those from where `changes` ended.
    fn apply_into(&mut self, seq: u64, event: &Event, changes: &mut Vec<Change>) {
        let start = changes.len();
        if seq < self.folded {
            return;
        }
        self.folded = seq + 1;
        if event.time > self.now {
            self.now = event.time;
        }
        self.alerts.begin(seq);
        match &event.kind {
            EventKind::Observation(observation) => {
                self.observe(seq, observation, changes);
            }
            EventKind::AlertAcknowledged { id, actor } => {
                self.alerts.acknowledge(id, actor, event.time, changes);
            }
            EventKind::Incident(e) => {
                crate::incidents::apply_logged(&mut self.incidents, seq, event.time, e, changes);
            }
            EventKind::ZoneImpactSet { zone, impact, .. } => {
                self.set_impact(zone, *impact, changes);
            }
            other => {
                if let Some(change) = self.directory.apply(event.time, other) {
                    changes.push(Change::Directory(change));
                }
            }
        }
        self.sweep(changes);
        if self.deadlines.needs_rebuild(self.tracks.len()) {
            self.deadlines = self.tracks.iter().map(|(n, e)| (e.filed, *n)).collect();
        }
        self.alerts.prune(self.now, self.config.alert_retention_ms, changes);
        let Engine { config, incidents, alerts, tracks, .. } = self;
        crate::incidents::derive(
            &config.incidents,
            incidents,
            alerts,
            tracks,
            (seq, event.time),
            changes,
            start,
        );
    }

    /// Sets a border section's impact level, as [`EventKind::ZoneImpactSet`] says. The edge
    /// checks the zone and the level first; one the geography refuses (an unknown zone, not a
    /// section, `info`) changes nothing here either.
    fn set_impact(&mut self, zone: &str, impact: model::Severity, changes: &mut Vec<Change>) {
        let current = self.geo.zone(zone).and_then(|z| z.impact);
        if current == Some(impact) {
            self.impacts.insert(zone.to_string(), impact);
            return;
        }
        let mut geo = (*self.geo).clone();
        if geo.set_impact(zone, impact).is_ok() {
            self.geo = Arc::new(geo);
            self.impacts.insert(zone.to_string(), impact);
            changes.push(Change::Zone { id: zone.to_string(), op: ChangeOp::Upsert });
        }
    }

    /// Border sections' impact levels set since the start (see [`EventKind::ZoneImpactSet`]).
    pub fn impacts(&self) -> &BTreeMap<String, model::Severity> {
        &self.impacts
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use model::{
        AgencyId, Event, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time,
    };

    use super::Engine;
    use crate::EngineConfig;

    fn fix(mmsi: u32, t: i64) -> Event {
        let o = Observation {
            source: "ais".into(),
            source_kind: SourceKind::Ais,
            agency: AgencyId::new("CGW"),
            marking: Marking::default(),
            time: Time(t),
            position: Position { lon: 14.0, lat: 34.0, alt_m: None, accuracy_m: None },
            speed_mps: Some(1.0),
            course_deg: Some(90.0),
            heading_deg: None,
            identity: Identity { mmsi: Some(mmsi), ..Identity::default() },
            kind: ObjectKind::Vessel,
            exercise: false,
        };
        Event::observation(Time(t), o)
    }

    /// A vessel lost and heard again, over and over, with tracks never forgotten: every
    /// revival files an earlier deadline and leaves the old one (never due) in the heap, which
    /// is built again from the tracks once the stale entries outnumber them.
    #[test]
    fn stale_deadlines_do_not_pile_up() {
        let config = EngineConfig { forget_after_ms: i64::MAX / 4, ..EngineConfig::default() };
        let geo = Arc::new(geo::Geography::libya().expect("geography"));
        let mut engine = Engine::new(config, geo);
        let minute = Time::MS_PER_MINUTE;
        let mut seq = 0;
        for i in 0..3_000 {
            let t = 1_764_400_000_000 + i * 40 * minute;
            for event in [fix(642_000_001, t), fix(642_000_002, t + 35 * minute)] {
                engine.apply(seq, &event);
                seq += 1;
            }
        }
        assert_eq!(engine.track_count(), 2);
        let held = engine.deadlines.len();
        assert!(held <= 2 * 2 + 1_024 + 1, "{held} deadlines held for two tracks");
    }

    /// A snapshot is restored only by the fold version that wrote it: one from another version,
    /// or from before snapshots carried one, is refused, and the centre replays its log.
    #[test]
    fn a_snapshot_of_another_fold_version_is_refused() {
        let geo = Arc::new(geo::Geography::libya().expect("geography"));
        let mut engine = Engine::new(EngineConfig::default(), geo.clone());
        engine.apply(0, &fix(642_000_001, 1_764_400_000_000));
        let bytes = engine.snapshot();
        let restored = Engine::restore(EngineConfig::default(), geo.clone(), &bytes);
        assert_eq!(restored.expect("same version").snapshot(), bytes);
        let text = String::from_utf8(bytes).expect("json");
        let stamp = format!("\"fold\":{}", super::FOLD_VERSION);
        assert!(text.contains(&stamp), "{stamp} not in the snapshot");
        let other = text.replace(&stamp, &format!("\"fold\":{}", super::FOLD_VERSION + 1));
        let older = text.replace(&format!("{stamp},"), "");
        for bytes in [other, older] {
            let err = Engine::restore(EngineConfig::default(), geo.clone(), bytes.as_bytes());
            assert!(matches!(err, Err(super::RestoreError::Version { .. })), "{err:?}");
        }
    }

    /// A section's impact level set in the log changes the engine's geography, is reported as
    /// a zone change, and survives a snapshot; the configured geography keeps the old level,
    /// and a zone the geography refuses (a port has no impact level) changes nothing.
    #[test]
    fn a_section_s_impact_set_in_the_log_is_state() {
        use model::{EventKind, Severity};
        let geo = Arc::new(geo::Geography::libya().expect("geography"));
        let mut engine = Engine::new(EngineConfig::default(), geo.clone());
        let set = |zone: &str, impact| {
            let kind =
                EventKind::ZoneImpactSet { zone: zone.into(), impact, actor: "joc.duty".into() };
            Event { time: Time(1_764_400_000_000), kind }
        };
        let id = "section.coast.zuwara";
        let before = geo.zone(id).and_then(|z| z.impact);
        assert_ne!(before, Some(Severity::Critical));
        let changes = engine.apply(0, &set(id, Severity::Critical));
        assert_eq!(
            changes,
            vec![super::Change::Zone { id: id.into(), op: super::ChangeOp::Upsert }]
        );
        assert_eq!(engine.geography().zone(id).and_then(|z| z.impact), Some(Severity::Critical));
        assert_eq!(engine.configured_geography().zone(id).and_then(|z| z.impact), before);
        assert!(engine.apply(1, &set("port.zuwara", Severity::High)).is_empty());
        assert!(engine.apply(2, &set(id, Severity::Info)).is_empty());
        let restored =
            Engine::restore(EngineConfig::default(), geo, &engine.snapshot()).expect("restore");
        assert_eq!(restored.geography().zone(id).and_then(|z| z.impact), Some(Severity::Critical));
        assert_eq!(restored.snapshot(), engine.snapshot());
    }

    /// Fixes stamped at the end of time (the edge refuses them; the fold must survive any
    /// log): their deadlines saturate and came out of the sweep unchanged for ever.
    #[test]
    fn a_fix_at_the_end_of_time_does_not_stop_the_fold() {
        let geo = Arc::new(geo::Geography::libya().expect("geography"));
        let mut engine = Engine::new(EngineConfig::default(), geo);
        let end = i64::MAX;
        for (seq, t) in [end, end, end - 1, end].into_iter().enumerate() {
            engine.apply(seq as u64, &fix(642_000_009 + seq as u32 % 2, t));
        }
        assert_eq!(engine.folded(), 4);
        assert_eq!(engine.track_count(), 2);
    }
}
