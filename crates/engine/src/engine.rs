//! The engine: the fold of events into tracks, alerts and the directory, with snapshots.

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::Geography;
use model::{Event, EventKind, Observation, Time, Track, TrackId, TrackState};
use serde::{Deserialize, Serialize};

use crate::alerts::{AlertEntry, Alerts};
use crate::deadlines::Deadlines;
use crate::fusion::{self, Probe};
use crate::rules::{self, Ctx, Rule, RulesConfig, proximity::Proximity};
use crate::tracks::{Folded, Keys, current, new_entry, next_deadline, track_number, update_entry};
use crate::{EngineConfig, TrackEntry};

mod assoc;
mod warm;

use assoc::Route;

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

/// The serialized part of [`Engine`], field for field.
#[derive(Deserialize)]
struct Stored {
    /// Absent from snapshots older than the version stamp: version 0.
    #[serde(default)]
    fold: u32,
    folded: u64,
    now: Time,
    directory: crate::Directory,
    tracks: crate::tracks::Tracks,
    alerts: Alerts,
    proximity: Proximity,
    #[serde(default)]
    refused: u64,
    #[serde(default)]
    late: u64,
    #[serde(default)]
    duplicates: u64,
    #[serde(default)]
    teleports: u64,
    #[serde(default)]
    impacts: BTreeMap<String, model::Severity>,
    #[serde(default)]
    incidents: incident::Incidents,
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("snapshot cannot be decoded: {0}")]
    Decode(String),
    #[error("snapshot written by fold version {found}, this is version {expected}")]
    Version { found: u32, expected: u32 },
}

/// The version of what the fold computes from the log. A snapshot records the version that
/// wrote it and is restored only by the same one: state a changed fold would not have
/// reached (a duplicate counted as late, an override chosen another way) must not carry
/// over, or the state would no longer equal a replay of the log. A centre whose snapshot is
/// of another version replays its whole log. Raise it with every change to what the fold
/// computes; changes only to how fast it computes it leave it (`bench/picture.sh
/// --state-hash` tells which is which).
///
/// 2: gating finds a track wherever it is predicted (a fast track long unheard was missed,
/// and its plot started a track of its own), and the near-coast memo starts from its cell's
/// measurement (`geo::Geography::coast_at_cell`) with a 0.1 % slack.
pub const FOLD_VERSION: u32 = 2;

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

    pub fn restore(
        config: EngineConfig,
        geo: Arc<Geography>,
        bytes: &[u8],
    ) -> Result<Engine, RestoreError> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|e| RestoreError::Decode(e.to_string()))?;
        if stored.fold != FOLD_VERSION {
            return Err(RestoreError::Version { found: stored.fold, expected: FOLD_VERSION });
        }
        let mut engine = Engine::new(config, geo);
        engine.folded = stored.folded;
        engine.now = stored.now;
        engine.directory = stored.directory;
        engine.tracks = stored.tracks;
        engine.alerts = stored.alerts;
        engine.alerts.rebuild();
        engine.proximity = stored.proximity;
        engine.refused = stored.refused;
        engine.late = stored.late;
        engine.duplicates = stored.duplicates;
        engine.teleports = stored.teleports;
        for (zone, impact) in stored.impacts {
            engine.set_impact(&zone, impact, &mut Vec::new());
        }
        engine.incidents = stored.incidents;
        let config = &engine.config;
        for (_, entry) in engine.tracks.iter_mut_unordered() {
            entry.filed = next_deadline(entry, config);
        }
        engine.deadlines = engine.tracks.iter().map(|(n, e)| (e.filed, *n)).collect();
        for (n, e) in engine.tracks.iter() {
            for key in std::iter::once(&e.key).chain(&e.aliases) {
                engine.keys.insert(key.clone(), *n);
            }
        }
        for (n, e) in engine.tracks.iter_mut_unordered() {
            fusion::file(&mut engine.fused, &engine.config.fusion, *n, e);
        }
        let mut changes = Vec::new();
        let Engine { geo, config, zone_rules, alerts, proximity, tracks, .. } = &mut engine;
        let ctx = Ctx { geo, config, zones: zone_rules, alerts, changes: &mut changes };
        proximity.rebuild(&ctx, tracks);
        Ok(engine)
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

    /// The state as bytes, for a snapshot. Deterministic: equal states give equal bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn observe(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        // The edge validates, but the fold must not trust the log: an impossible position is
        // counted and skipped, a non-finite speed or course is dropped.
        let p = &obs.position;
        if !geo::sphere::valid_lonlat([p.lon, p.lat]) {
            self.refused += 1;
            return;
        }
        let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
        if !(finite(obs.speed_mps)
            && finite(obs.course_deg)
            && finite(obs.heading_deg)
            && finite(p.alt_m)
            && finite(p.accuracy_m))
        {
            let keep = |v: Option<f64>| v.filter(|x| x.is_finite());
            let mut clean = obs.clone();
            clean.speed_mps = keep(obs.speed_mps);
            clean.course_deg = keep(obs.course_deg);
            clean.heading_deg = keep(obs.heading_deg);
            clean.position.alt_m = keep(p.alt_m);
            clean.position.accuracy_m = keep(p.accuracy_m);
            return self.observe_valid(seq, &clean, changes);
        }
        self.observe_valid(seq, obs, changes);
    }

    fn observe_valid(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        self.release_stray_radar_track(obs);
        let mut conflict = None;
        let (number, prev) = match self.route(seq, obs) {
            Route::New { key, split_of } => {
                let id = TrackId(smol_str::format_smolstr!("t{seq}"));
                self.keys.insert(key.clone(), seq);
                let mut entry = new_entry(id.clone(), key, obs);
                entry.filed = next_deadline(&entry, &self.config);
                self.deadlines.file(entry.filed, seq);
                self.tracks.insert(seq, Box::new(entry));
                changes.push(Change::Track { id, op: ChangeOp::Upsert });
                if let Some(primary) = split_of {
                    self.split(primary, seq, changes);
                }
                (seq, None)
            }
            route @ (Route::Track(_) | Route::Adopt { .. } | Route::Split { .. }) => {
                let by_identity = matches!(route, Route::Track(_));
                let number = match route {
                    Route::Split { primary, number } => {
                        conflict = Some((primary, number));
                        number
                    }
                    Route::Adopt { key, number } => {
                        self.keys.insert(key.clone(), number);
                        if let Some(e) = self.tracks.get_mut(&number) {
                            e.aliases.push(key);
                        }
                        number
                    }
                    Route::Track(number) | Route::New { split_of: Some(number), .. } => number,
                    Route::New { .. } => return,
                };
                let Some(entry) = self.tracks.get_mut(&number) else { return };
                let prev = current(&entry.track);
                let folded = update_entry(entry, obs, &self.config);
                match folded {
                    Folded::Late => self.late += 1,
                    Folded::Duplicate => self.duplicates += 1,
                    Folded::Moved => {
                        // An MMSI's jumps were judged in routing (split off, or consistent).
                        if by_identity
                            && obs.identity.mmsi.is_none()
                            && teleported(&prev, obs, &self.config.fusion)
                        {
                            self.teleports += 1;
                        }
                    }
                }
                let moved = folded == Folded::Moved;
                changes.push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
                if let Some((primary, split)) = conflict {
                    self.conflict(primary, split, changes);
                }
                if !moved {
                    // A late or repeated fix may still have identified the track (an AIS
                    // report heard with a radar's): it is gated among identified tracks now.
                    if let Some(entry) = self.tracks.get_mut(&number) {
                        fusion::file(&mut self.fused, &self.config.fusion, number, entry);
                    }
                    return;
                }
                (number, Some(prev))
            }
        };
        let Engine { geo, config, zone_rules, alerts, proximity, tracks, deadlines, fused, .. } =
            self;
        let mut ctx = Ctx { geo, config, zones: zone_rules, alerts, changes };
        let mut merge_into = None;
        // What the steps below the rules need of the entry, read while it is at hand: the
        // proximity rules read other tracks, so the entry is looked up again only to write.
        let mut after = None;
        if let Some(entry) = tracks.get_mut(&number) {
            let mut kin = entry.rules.kin.get();
            fusion::Kinematics::update(&mut kin, &current(&entry.track), &config.fusion);
            entry.rules.kin.set(kin);
            fusion::file(fused, &config.fusion, number, entry);
            rules::on_fix(&mut ctx, number, entry, prev);
            let due = next_deadline(entry, config);
            if due < entry.filed {
                // The entry filed before is stale now: skipped when it comes out.
                deadlines.file(due, number);
                entry.filed = due;
            }
            after = Some((entry.in_grids, rules::is_unidentified(&entry.track)));
        }
        let Some((mut in_grids, unidentified)) = after else { return };
        let was = prev.map(|p| [p.lon, p.lat]);
        proximity.on_fix(&mut ctx, tracks, number, &mut in_grids, was);
        if let Some(entry) = tracks.get_mut(&number) {
            entry.in_grids = in_grids;
        }
        if config.fusion.enabled
            && unidentified
            && let Some(entry) = tracks.get(&number)
        {
            let probe = Probe {
                at: [entry.track.position.lon, entry.track.position.lat],
                time: entry.track.last_time,
                accuracy_m: 0.0,
                exercise: entry.track.exercise,
            };
            let tracks_now: &crate::tracks::Tracks = tracks;
            let radars = &entry.track.sources;
            // Never into a track this radar already follows: two of its tracks are two boats.
            let among = fusion::Among::Identified;
            let found =
                fusion::gate(tracks_now, fused, &config.fusion, probe, number, among, |e| {
                    !rules::is_unidentified(&e.track) && e.track.sources.is_disjoint(radars)
                });
            if let Some(entry) = tracks.get_mut(&number) {
                let fusing = found.map(|into| match entry.rules.rare().fusing {
                    Some((n, count)) if n == into => (into, count + 1),
                    _ => (into, 1),
                });
                entry.rules.with_rare(|r| r.fusing = fusing);
                merge_into = fusing
                    .filter(|(_, count)| *count >= config.fusion.fuse_after)
                    .map(|(into, _)| into);
            }
        }
        if let Some(into) = merge_into {
            self.merge(number, into, changes);
        }
    }

    /// Moves tracks whose deadline has passed along their lifecycle, raises AIS gaps that came
    /// due, and forgets long-lost tracks.
    fn sweep(&mut self, changes: &mut Vec<Change>) {
        let Engine {
            geo,
            config,
            zone_rules,
            alerts,
            proximity,
            tracks,
            keys,
            deadlines,
            now,
            fused,
            ..
        } = self;
        let now = *now;
        let mut ctx = Ctx { geo, config, zones: zone_rules, alerts, changes };
        let mut stuck = Vec::new();
        while let Some((deadline, number)) = deadlines.pop_due(now) {
            let Some(entry) = tracks.get_mut(&number).filter(|e| e.filed == deadline) else {
                // Stale: the track was filed again earlier, or is gone.
                continue;
            };
            let due = next_deadline(entry, config);
            if due != deadline {
                // Updated since it was filed: file it again at its real deadline, so that
                // tracks come due in the order of their real deadlines (alert ids depend on it,
                // and a restored engine files them there from the start).
                deadlines.file(due, number);
                entry.filed = due;
                continue;
            }
            if rules::gap_check(&mut ctx, config, number, entry, now) {
                entry.filed = next_deadline(entry, config);
                deadlines.file(entry.filed, number);
                continue;
            }
            let idle = now.since(entry.track.last_time);
            if idle >= config.forget_after_ms {
                if let Some(mut entry) = tracks.remove(&number) {
                    // A key another track took over (a released radar track) stays with it.
                    for key in std::iter::once(&entry.key).chain(&entry.aliases) {
                        if keys.get(key.as_ref()) == Some(number) {
                            keys.remove(key.as_ref());
                        }
                    }
                    fused.remove(number, &mut entry.fused_at);
                    ctx.alerts.clear_track(number, now, |_| true, ctx.changes);
                    let at = [entry.track.position.lon, entry.track.position.lat];
                    proximity.remove(&mut ctx, number, now, &mut entry.in_grids, at);
                    ctx.changes.push(Change::Track { id: entry.track.id, op: ChangeOp::Remove });
                }
                continue;
            }
            let timeouts = config.timeouts(entry.track.kind);
            let state = if idle >= timeouts.lost_after_ms {
                TrackState::Lost
            } else if idle >= timeouts.coast_after_ms {
                TrackState::Coasting
            } else {
                entry.track.state
            };
            if entry.track.state != state {
                entry.track.state = state;
                ctx.changes
                    .push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
                if state == TrackState::Lost {
                    fused.remove(number, &mut entry.fused_at);
                    // A lost track's conditions have ended, but the silence an AIS gap is about.
                    let silence = |r| matches!(r, Rule::AisGap | Rule::AisGapInCoverage);
                    ctx.alerts.clear_track(number, now, |r| !silence(r), ctx.changes);
                    let at = [entry.track.position.lon, entry.track.position.lat];
                    proximity.remove(&mut ctx, number, now, &mut entry.in_grids, at);
                }
            }
            entry.filed = next_deadline(entry, config);
            if entry.filed == deadline {
                // No progress: only a deadline stuck at the end of time (a fix stamped near
                // i64::MAX, which saturates) comes out again unchanged. Filed after this sweep,
                // or the sweep would take it out again for ever.
                stuck.push(number);
            } else {
                deadlines.file(entry.filed, number);
            }
        }
        for number in stuck {
            if let Some(entry) = tracks.get(&number) {
                deadlines.file(entry.filed, number);
            }
        }
    }
}

/// Speeds above this are a position error, not a move (about Mach 3: the edge refuses reported
/// speeds above it too).
pub const TELEPORT_MPS: f64 = 1_000.0;

/// Moves shorter than this are not judged: a teleport is a jump across the map, and two
/// sensors of one fused track disagree by up to a gate a moment apart (see [`teleported`]).
const TELEPORT_MIN_M: f64 = 10_000.0;

/// Whether the fix `obs`, at or after `prev`, lies farther from it than [`TELEPORT_MPS`] allows
/// and farther than [`TELEPORT_MIN_M`] or twice the largest fusion gate, whichever is more: a
/// radar fix of a track fused with an AIS vessel may lie up to the gate from the vessel's
/// report of the same millisecond.
fn teleported(prev: &model::TrackPoint, obs: &Observation, fusion: &fusion::FusionConfig) -> bool {
    let least = TELEPORT_MIN_M.max(2.0 * fusion.max_gate_m);
    // Nearly every move is settled by a bound, with no trigonometry. NaN (never from
    // positions the fold admits) is no teleport.
    let (from, to) = ([prev.lon, prev.lat], [obs.position.lon, obs.position.lat]);
    let Some(metres) = geo::sphere::farther_than(from, to, least) else { return false };
    let seconds = obs.time.since(prev.time) as f64 / 1_000.0;
    metres > TELEPORT_MPS * seconds
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
