//! A track's update: a new track's entry from its first observation, an observation folded
//! into its track, and one track absorbed into another.

use model::{
    Identity, Observation, SmallSet, SourceKinds, Time, Track, TrackId, TrackPoint, TrackState,
};

use super::{Aliases, AssocKey, History, TrackEntry};
use crate::EngineConfig;
use crate::rules::TrackRules;

pub(crate) fn point(obs: &Observation) -> TrackPoint {
    TrackPoint {
        time: obs.time,
        lon: obs.position.lon,
        lat: obs.position.lat,
        speed_mps: obs.speed_mps,
        course_deg: obs.course_deg,
    }
}

/// The track's current position as a history point.
pub(crate) fn current(track: &Track) -> TrackPoint {
    TrackPoint {
        time: track.last_time,
        lon: track.position.lon,
        lat: track.position.lat,
        speed_mps: track.speed_mps,
        course_deg: track.course_deg,
    }
}

pub(crate) fn new_entry(id: TrackId, key: AssocKey, obs: &Observation) -> TrackEntry {
    let track = Track {
        id,
        kind: obs.kind,
        state: TrackState::Tentative,
        agency: obs.agency.clone(),
        marking: obs.marking.clone(),
        identity: obs.identity.clone(),
        contributors: SmallSet::from([obs.agency.clone()]),
        sources: SmallSet::from([obs.source.as_str().into()]),
        source_kinds: SourceKinds::from([obs.source_kind]),
        first_time: obs.time,
        last_time: obs.time,
        position: obs.position,
        speed_mps: obs.speed_mps,
        course_deg: obs.course_deg,
        heading_deg: obs.heading_deg,
        observations: 1,
        exercise: obs.exercise,
    };
    TrackEntry {
        track,
        history: History::from_iter([point(obs)]),
        key,
        aliases: Aliases::default(),
        rules: TrackRules::default(),
        filed: Time(i64::MIN),
        fused_at: crate::fusion::FusedAt::default(),
        in_grids: crate::rules::proximity::InGrids::default(),
    }
}

/// What an observation did to its track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Folded {
    /// A fix at or after the newest: the track moved.
    Moved,
    /// Older than the newest fix: filled into the history only.
    Late,
    /// A fix the track holds already (same time and place), the newest or an older one: only
    /// its source and identity count.
    Duplicate,
}

/// Folds an observation into its track.
pub(crate) fn update_entry(
    entry: &mut TrackEntry,
    obs: &Observation,
    config: &EngineConfig,
) -> Folded {
    let track = &mut entry.track;
    track.observations += 1;
    // Check before inserting: the common case is a known agency and source, and cloning their
    // names for every observation showed up in profiles.
    if !track.contributors.contains(&obs.agency) {
        track.contributors.insert(obs.agency.clone());
    }
    if !track.sources.contains(obs.source.as_str()) {
        track.sources.insert(obs.source.as_str().into());
    }
    track.source_kinds.insert(obs.source_kind);
    if track.marking != obs.marking {
        track.marking = track.marking.combine(&obs.marking);
    }
    merge_identity(&mut track.identity, &obs.identity);
    if track.kind == model::ObjectKind::Unknown {
        track.kind = obs.kind;
    }
    if obs.time == track.last_time
        && obs.position.lon == track.position.lon
        && obs.position.lat == track.position.lat
    {
        return Folded::Duplicate;
    }
    if obs.source_kind == model::SourceKind::Ais
        && entry.rules.last_ais.get().is_none_or(|(t, ..)| obs.time >= t)
    {
        entry.rules.last_ais.set(Some((obs.time, obs.position.lon, obs.position.lat)));
    }
    let track = &mut entry.track;
    let moved = obs.time >= track.last_time;
    if moved {
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
        entry.history.push(point(obs), config.history_max);
    } else if !entry.history.insert(point(obs), config.history_max) {
        // A late fix belongs in the history, not in the current position; one the history
        // holds already is a duplicate, like a repeat of the newest.
        return Folded::Duplicate;
    }
    if entry.history.len() > config.history_max {
        entry.history.thin();
    }
    if moved { Folded::Moved } else { Folded::Late }
}

/// Folds the track `from` into `into`: one object seen by both, so every observation,
/// source and agency of `from` now counts for `into`.
pub(crate) fn absorb(into: &mut TrackEntry, from: TrackEntry, config: &EngineConfig) {
    let track = &mut into.track;
    track.observations += from.track.observations;
    track.contributors.extend(from.track.contributors);
    track.sources.extend(from.track.sources);
    track.source_kinds.extend(from.track.source_kinds);
    track.marking = track.marking.combine(&from.track.marking);
    merge_identity(&mut track.identity, &from.track.identity);
    track.first_time = track.first_time.min(from.track.first_time);
    into.history.absorb(from.history);
    if into.history.len() > config.history_max {
        into.history.thin();
    }
    into.aliases.push(from.key);
    into.aliases.extend(from.aliases);
}

pub(crate) fn merge_identity(into: &mut Identity, from: &Identity) {
    // Inlined: twelve of these a fix, most with nothing to fill.
    #[inline(always)]
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
    fill(&mut into.ship_type, &from.ship_type);
    fill(&mut into.mmsi_valid, &from.mmsi_valid);
    fill(&mut into.flag, &from.flag);
    fill(&mut into.ais_beacon, &from.ais_beacon);
    // The newest navigational status known: 14 (AIS-SART active) must reach the rules.
    fill(&mut into.nav_status, &from.nav_status);
}
