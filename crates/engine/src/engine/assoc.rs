//! Association: which track an observation belongs to (identity, the jump check, gating),
//! splitting an MMSI's impossible jumps off and merging a radar track into its AIS vessel.

use model::{Observation, SourceKind};

use super::{Change, ChangeOp, Engine};
use crate::TrackEntry;
use crate::alerts::EpisodeKey;
use crate::fusion::{self, Probe};
use crate::rules::{self, Ctx, Rule};
use crate::tracks::{AssocKey, KeyRef, current};

/// Where an observation goes.
pub(super) enum Route {
    Track(u64),
    /// A new track; `split_of` when it splits off an MMSI's track by an impossible jump.
    New {
        key: AssocKey,
        split_of: Option<u64>,
    },
    /// A radar track seen for the first time inside an existing track's gate: its key now
    /// leads to that track.
    Adopt {
        key: AssocKey,
        number: u64,
    },
    /// A fix of an MMSI consistent with one of the tracks split off its primary.
    Split {
        primary: u64,
        number: u64,
    },
}

/// Whether a fix whose key leads to no track is gated by position, among every track: a plot
/// without identity, or a radar's new track number (see `Engine::route_by_position`).
pub(super) fn gated_by_position(key: KeyRef<'_>, obs: &Observation) -> bool {
    match key {
        KeyRef::Single { .. } => true,
        KeyRef::SourceTrack { .. } => obs.source_kind == SourceKind::Radar,
        _ => false,
    }
}

impl Engine {
    pub(super) fn route(&self, seq: u64, obs: &Observation) -> Route {
        let key = KeyRef::of(seq, obs);
        // One look-up of the track for the key and the jump check both.
        let known = self.keys.get(key).and_then(|n| Some((n, self.tracks.get(&n)?)));
        let Some((number, primary)) = known else {
            return self.route_by_position(key.owned(), obs);
        };
        if !matches!(key, KeyRef::Mmsi { .. }) {
            return Route::Track(number);
        }
        let rules = &self.config.rules;
        let splits = primary.rules.rare().splits.iter();
        let candidates = std::iter::once((number, Some(primary)))
            .chain(splits.map(|&n| (n, self.tracks.get(&n))));
        for (n, e) in candidates {
            if let Some(e) = e
                && rules::consistent(e, obs, rules)
            {
                return if n == number {
                    Route::Track(n)
                } else {
                    Route::Split { primary: number, number: n }
                };
            }
        }
        Route::New { key: AssocKey::Single { seq }, split_of: Some(number) }
    }

    /// A radar track once associated with another track (its key an alias there) whose fix
    /// now lies farther from that track than the largest gate is something else: the alias is
    /// dropped, so the fix is routed afresh by position. Boats crowd in port, and a first
    /// association can be wrong. (Associating within the gate but releasing only beyond the
    /// largest one keeps a noisy fix from flapping between the two.)
    pub(super) fn release_stray_radar_track(&mut self, obs: &Observation) {
        if obs.source_kind != SourceKind::Radar || !self.config.fusion.enabled {
            return;
        }
        let key = KeyRef::of(0, obs);
        if !matches!(key, KeyRef::SourceTrack { .. }) {
            return;
        }
        let Some(number) = self.keys.get(key) else { return };
        let Some(entry) = self.tracks.get_mut(&number) else { return };
        if entry.key.as_ref() == key
            || fusion::within(entry, Probe::of(obs), self.config.fusion.max_gate_m)
        {
            return;
        }
        entry.aliases.retain(|a| a.as_ref() != key);
        self.keys.remove(key);
    }

    /// A key not seen before: a plot without identity, or a radar's new track number, may
    /// belong to a track already held (see [`crate::fusion`]).
    fn route_by_position(&self, key: AssocKey, obs: &Observation) -> Route {
        let cfg = &self.config.fusion;
        let gate = |want: &dyn Fn(&TrackEntry) -> bool| {
            let (tracks, grid, all) = (&self.tracks, &self.fused, fusion::Among::All);
            fusion::gate(tracks, grid, cfg, Probe::of(obs), u64::MAX, all, want)
        };
        if cfg.enabled && gated_by_position(key.as_ref(), obs) {
            match key.as_ref() {
                KeyRef::SourceTrack { source, .. } => {
                    // Not another track of the same radar: two boats side by side stay two.
                    if let Some(number) = gate(&|e| !e.track.sources.contains(source)) {
                        return Route::Adopt { key, number };
                    }
                }
                _ => {
                    if let Some(n) = gate(&|_| true) {
                        return Route::Track(n);
                    }
                }
            }
        }
        Route::New { key, split_of: None }
    }

    /// The radar-only track `from` is the same object as the identified track `into`.
    pub(super) fn merge(&mut self, from: u64, into: u64, changes: &mut Vec<Change>) {
        if from == into || !self.tracks.contains_key(&into) {
            return;
        }
        let Some(mut gone) = self.tracks.remove(&from) else { return };
        self.fused.remove(from, &mut gone.fused_at);
        for key in std::iter::once(&gone.key).chain(&gone.aliases) {
            self.keys.insert(key.clone(), into);
        }
        let now = self.now;
        let Engine { geo, config, zone_rules, alerts, proximity, tracks, fused, .. } = self;
        let mut ctx = Ctx { geo, config, zones: zone_rules, alerts, changes };
        ctx.alerts.clear_track(from, now, |_| true, ctx.changes);
        let at = [gone.track.position.lon, gone.track.position.lat];
        proximity.remove(&mut ctx, from, now, &mut gone.in_grids, at);
        gone.rules = Default::default();
        let id = gone.track.id.clone();
        if let Some(entry) = tracks.get_mut(&into) {
            crate::tracks::absorb(entry, *gone, config);
            // Filed again in case absorbing changed what files it (its identity).
            fusion::file(fused, &config.fusion, into, entry);
            changes.push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
        }
        changes.push(Change::Track { id, op: ChangeOp::Remove });
    }

    /// Track `split` was split off `primary` by an impossible jump: suspected spoofing.
    pub(super) fn split(&mut self, primary: u64, split: u64, changes: &mut Vec<Change>) {
        if let Some(entry) = self.tracks.get_mut(&primary) {
            entry.rules.with_rare(|r| {
                r.splits.retain(|n| *n != split);
                r.splits.push(split);
            });
        }
        let (Some(a), Some(b)) = (self.tracks.get(&primary), self.tracks.get(&split)) else {
            return;
        };
        let evidence = [current(&a.track), current(&b.track)];
        let key = EpisodeKey::track(Rule::PositionJump, primary, None);
        let mut ctx = Ctx {
            geo: &self.geo,
            config: &self.config,
            zones: &self.zone_rules,
            alerts: &mut self.alerts,
            changes,
        };
        ctx.raise(key, &[&a.track, &b.track], b.track.last_time, &evidence);
    }

    /// A split-off track heard again while its primary still reports after the split: two
    /// transmitters with one MMSI that cannot be one vessel.
    pub(super) fn conflict(&mut self, primary: u64, split: u64, changes: &mut Vec<Change>) {
        let (Some(a), Some(b)) = (self.tracks.get(&primary), self.tracks.get(&split)) else {
            return;
        };
        let both = a.track.last_time > b.track.first_time
            && a.track.state != model::TrackState::Lost
            && self.config.rules.identity_conflict.enabled;
        if !both {
            return;
        }
        let evidence = [current(&a.track), current(&b.track)];
        let key = EpisodeKey::track(Rule::IdentityConflict, primary, None);
        let mut ctx = Ctx {
            geo: &self.geo,
            config: &self.config,
            zones: &self.zone_rules,
            alerts: &mut self.alerts,
            changes,
        };
        ctx.raise(key, &[&a.track, &b.track], b.track.last_time, &evidence);
    }
}
