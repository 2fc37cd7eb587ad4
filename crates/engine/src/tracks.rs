//! Tracks: what associates observations to a track, a track's update, its lifecycle deadline
//! and its thinned history.

use model::{
    Identity, Observation, SmallSet, SourceKinds, Time, Track, TrackId, TrackPoint, TrackState,
};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::EngineConfig;
use crate::rules::TrackRules;

/// The live tracks by number. Boxed: a B-tree's nodes are about half full when keys only
/// grow, and a track entry is most of a kilobyte, so the map holds pointers, not entries.
pub(crate) type Tracks = std::collections::BTreeMap<u64, Box<TrackEntry>>;

/// A track with its history, as kept in the state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackEntry {
    pub track: Track,
    pub history: History,
    /// What associates observations to this track.
    pub(crate) key: AssocKey,
    /// Keys of tracks fused into this one (a radar track adopted by position): they lead here.
    #[serde(default, skip_serializing_if = "Aliases::is_empty")]
    pub(crate) aliases: Aliases,
    /// What the rules remember about this track.
    #[serde(default)]
    pub(crate) rules: TrackRules,
    /// Where the track's entry in `Engine::deadlines` is filed. Derived: rebuilt on restore.
    #[serde(skip)]
    pub(crate) filed: Time,
    /// Where the track is filed in `Engine::fused`. Derived: rebuilt on restore.
    #[serde(skip)]
    pub(crate) fused_at: crate::fusion::FusedAt,
}

/// Which track an observation belongs to by identity. Exercise data gets its own keys so that
/// it never merges into a real track. MMSI keys, the hot case, are built without allocating;
/// the others hold `Box<str>` (serialized as strings), 16 bytes a name rather than 24.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AssocKey {
    Mmsi {
        mmsi: u32,
        exercise: bool,
    },
    Cot {
        uid: Box<str>,
        exercise: bool,
    },
    SourceTrack {
        source: Box<str>,
        number: Box<str>,
        exercise: bool,
    },
    Plate {
        plate: Box<str>,
        exercise: bool,
    },
    /// Nothing identifies it, or it was split off another track: a track of its own, named by
    /// the observation's sequence number.
    Single {
        seq: u64,
    },
}

/// Keys of tracks fused into this one. Most tracks have none: a pointer until the first, not
/// a vector's three words. Stored as a list.
#[derive(Clone, Debug, Default, PartialEq)]
#[expect(clippy::box_collection, reason = "one word in every entry, three only when needed")]
pub(crate) struct Aliases(Option<Box<Vec<AssocKey>>>);

impl Aliases {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn as_slice(&self) -> &[AssocKey] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    pub fn push(&mut self, key: AssocKey) {
        self.0.get_or_insert_default().push(key);
    }

    pub fn extend(&mut self, other: Aliases) {
        if let Some(keys) = other.0 {
            self.0.get_or_insert_default().extend(*keys);
        }
    }

    pub fn retain(&mut self, keep: impl FnMut(&AssocKey) -> bool) {
        if let Some(keys) = &mut self.0 {
            keys.retain(keep);
            if keys.is_empty() {
                self.0 = None;
            }
        }
    }
}

impl<'a> IntoIterator for &'a Aliases {
    type Item = &'a AssocKey;
    type IntoIter = std::slice::Iter<'a, AssocKey>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl Serialize for Aliases {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Aliases {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Aliases, D::Error> {
        let keys = Vec::<AssocKey>::deserialize(deserializer)?;
        Ok(Aliases((!keys.is_empty()).then(|| Box::new(keys))))
    }
}

/// Track numbers by name (a uid, a plate, a source's own track number).
type ByName = FxHashMap<Box<str>, u64>;

/// An [`AssocKey`] borrowed from an observation: what looks a track up without allocating.
/// Most observations are of tracks already held, and building an owned key cloned the
/// radar's name and track number (or the uid, or the plate) on every one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyRef<'a> {
    Mmsi { mmsi: u32, exercise: bool },
    Cot { uid: &'a str, exercise: bool },
    SourceTrack { source: &'a str, number: &'a str, exercise: bool },
    Plate { plate: &'a str, exercise: bool },
    Single { seq: u64 },
}

impl<'a> KeyRef<'a> {
    /// The key of an observation: its MMSI, else its CoT uid, else its source's own track
    /// number, else its plate; nothing identifying it, a key of its own (`seq`).
    pub fn of(seq: u64, obs: &'a Observation) -> KeyRef<'a> {
        let exercise = obs.exercise;
        let id = &obs.identity;
        if let Some(mmsi) = id.mmsi {
            KeyRef::Mmsi { mmsi, exercise }
        } else if let Some(uid) = &id.cot_uid {
            KeyRef::Cot { uid, exercise }
        } else if let Some(number) = &id.source_track {
            KeyRef::SourceTrack { source: obs.source.as_str(), number, exercise }
        } else if let Some(plate) = &id.plate {
            KeyRef::Plate { plate, exercise }
        } else {
            KeyRef::Single { seq }
        }
    }

    pub fn owned(self) -> AssocKey {
        match self {
            KeyRef::Mmsi { mmsi, exercise } => AssocKey::Mmsi { mmsi, exercise },
            KeyRef::Cot { uid, exercise } => AssocKey::Cot { uid: uid.into(), exercise },
            KeyRef::SourceTrack { source, number, exercise } => {
                AssocKey::SourceTrack { source: source.into(), number: number.into(), exercise }
            }
            KeyRef::Plate { plate, exercise } => AssocKey::Plate { plate: plate.into(), exercise },
            KeyRef::Single { seq } => AssocKey::Single { seq },
        }
    }
}

impl AssocKey {
    pub fn as_ref(&self) -> KeyRef<'_> {
        match self {
            AssocKey::Mmsi { mmsi, exercise } => KeyRef::Mmsi { mmsi: *mmsi, exercise: *exercise },
            AssocKey::Cot { uid, exercise } => KeyRef::Cot { uid, exercise: *exercise },
            AssocKey::SourceTrack { source, number, exercise } => {
                KeyRef::SourceTrack { source, number, exercise: *exercise }
            }
            AssocKey::Plate { plate, exercise } => KeyRef::Plate { plate, exercise: *exercise },
            AssocKey::Single { seq } => KeyRef::Single { seq: *seq },
        }
    }
}

/// Association key → track number, a map per kind of key (and per exercise flag), each looked
/// up by borrowed strings: MMSI keys, most of them, in 16-byte entries; a radar's track numbers
/// under its name, so that a key costs its number's string and not a whole 40-byte key. Never
/// iterated.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    mmsi: FxHashMap<(u32, bool), u64>,
    /// Indexed by the exercise flag, as are the others.
    cot: [ByName; 2],
    source_track: [FxHashMap<Box<str>, ByName>; 2],
    plate: [ByName; 2],
    single: FxHashMap<u64, u64>,
}

impl Keys {
    pub fn get(&self, key: KeyRef<'_>) -> Option<u64> {
        match key {
            KeyRef::Mmsi { mmsi, exercise } => self.mmsi.get(&(mmsi, exercise)),
            KeyRef::Cot { uid, exercise } => self.cot[usize::from(exercise)].get(uid),
            KeyRef::SourceTrack { source, number, exercise } => {
                self.source_track[usize::from(exercise)].get(source).and_then(|m| m.get(number))
            }
            KeyRef::Plate { plate, exercise } => self.plate[usize::from(exercise)].get(plate),
            KeyRef::Single { seq } => self.single.get(&seq),
        }
        .copied()
    }

    pub fn insert(&mut self, key: AssocKey, number: u64) {
        match key {
            AssocKey::Mmsi { mmsi, exercise } => self.mmsi.insert((mmsi, exercise), number),
            AssocKey::Cot { uid, exercise } => self.cot[usize::from(exercise)].insert(uid, number),
            AssocKey::SourceTrack { source, number: n, exercise } => self.source_track
                [usize::from(exercise)]
            .entry(source)
            .or_default()
            .insert(n, number),
            AssocKey::Plate { plate, exercise } => {
                self.plate[usize::from(exercise)].insert(plate, number)
            }
            AssocKey::Single { seq } => self.single.insert(seq, number),
        };
    }

    pub fn remove(&mut self, key: KeyRef<'_>) {
        match key {
            KeyRef::Mmsi { mmsi, exercise } => {
                self.mmsi.remove(&(mmsi, exercise));
            }
            KeyRef::Cot { uid, exercise } => {
                self.cot[usize::from(exercise)].remove(uid);
            }
            KeyRef::SourceTrack { source, number, exercise } => {
                let by_source = &mut self.source_track[usize::from(exercise)];
                if let Some(m) = by_source.get_mut(source) {
                    m.remove(number);
                    if m.is_empty() {
                        by_source.remove(source);
                    }
                }
            }
            KeyRef::Plate { plate, exercise } => {
                self.plate[usize::from(exercise)].remove(plate);
            }
            KeyRef::Single { seq } => {
                self.single.remove(&seq);
            }
        }
    }
}

/// Track ids are `t` and the sequence number of the event that created the track.
pub(crate) fn track_number(id: &TrackId) -> Option<u64> {
    id.0.strip_prefix('t')?.parse().ok()
}

/// When, in event time, something about the track may change if nothing else is heard: its
/// lifecycle state, or an AIS gap coming due.
pub(crate) fn next_deadline(entry: &TrackEntry, config: &EngineConfig) -> Time {
    let track = &entry.track;
    let timeouts = config.timeouts(track.kind);
    let after = match track.state {
        TrackState::Tentative | TrackState::Confirmed => timeouts.coast_after_ms,
        TrackState::Coasting => timeouts.lost_after_ms,
        TrackState::Lost => config.forget_after_ms,
    };
    let lifecycle = track.last_time.plus_millis(after.max(1));
    match entry.rules.gap_due(track.last_time, config) {
        Some(gap) => gap.min(lifecycle),
        None => lifecycle,
    }
}

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
        fused_at: crate::fusion::FusedAt::Nowhere,
    }
}

/// What an observation did to its track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Folded {
    /// A fix at or after the newest: the track moved.
    Moved,
    /// Older than the newest fix: filled into the history only.
    Late,
    /// The newest fix again (same time and place): only its source and identity count.
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
    } else {
        // Late fix: it belongs in the history, not in the current position.
        entry.history.insert(point(obs), config.history_max);
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

/// A track's history, oldest first: its fixes in 40 bytes each (speed and course unknown as
/// NaN rather than `Option`'s 16 bytes), growing by half its length rather than doubling. A
/// history is read as [`TrackPoint`]s and stored in snapshots as their sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History(Vec<Fix>);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Fix {
    time: Time,
    lon: f64,
    lat: f64,
    speed_mps: f64,
    course_deg: f64,
}

impl Fix {
    fn of(p: TrackPoint) -> Fix {
        Fix {
            time: p.time,
            lon: p.lon,
            lat: p.lat,
            speed_mps: p.speed_mps.unwrap_or(f64::NAN),
            course_deg: p.course_deg.unwrap_or(f64::NAN),
        }
    }

    fn point(self) -> TrackPoint {
        let known = |v: f64| (!v.is_nan()).then_some(v);
        TrackPoint {
            time: self.time,
            lon: self.lon,
            lat: self.lat,
            speed_mps: known(self.speed_mps),
            course_deg: known(self.course_deg),
        }
    }
}

impl History {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The points, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = TrackPoint> + ExactSizeIterator + '_ {
        self.0.iter().map(|f| f.point())
    }

    pub fn last(&self) -> Option<TrackPoint> {
        self.0.last().map(|f| f.point())
    }

    /// Grows by half its length, but not past the `max + 1` fixes it holds before it is
    /// thinned: a long-lived track's history is then exactly that, not 73 slots for 65.
    fn grow(&mut self, max: usize) {
        let len = self.0.len();
        if len == self.0.capacity() {
            let room = (max + 1).saturating_sub(len).max(1);
            self.0.reserve_exact((len / 2).max(2).min(room));
        }
    }

    /// Appends the newest fix.
    fn push(&mut self, p: TrackPoint, max: usize) {
        self.grow(max);
        self.0.push(Fix::of(p));
    }

    /// Files a late fix in time order.
    fn insert(&mut self, p: TrackPoint, max: usize) {
        self.grow(max);
        let at = self.0.partition_point(|f| f.time <= p.time);
        self.0.insert(at, Fix::of(p));
    }

    /// Takes in the history of a track fused into this one.
    fn absorb(&mut self, other: History) {
        self.0.extend(other.0);
        self.0.sort_by_key(|f| f.time);
    }

    /// Keeps the newer half whole and every other point of the older half.
    fn thin(&mut self) {
        let half = self.0.len() / 2;
        let mut index = 0;
        self.0.retain(|_| {
            let keep = index >= half || index % 2 == 0;
            index += 1;
            keep
        });
    }
}

impl FromIterator<TrackPoint> for History {
    fn from_iter<I: IntoIterator<Item = TrackPoint>>(iter: I) -> History {
        History(iter.into_iter().map(Fix::of).collect())
    }
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<History, D::Error> {
        let points = Vec::<TrackPoint>::deserialize(deserializer)?;
        let mut fixes: Vec<Fix> = Vec::with_capacity(points.len());
        fixes.extend(points.into_iter().map(Fix::of));
        Ok(History(fixes))
    }
}

#[cfg(test)]
mod tests {
    use model::{Time, TrackPoint};

    use super::History;

    #[test]
    fn a_full_history_holds_no_more_slots_than_fixes_before_thinning() {
        let max = 64;
        let mut history = History::default();
        for i in 0..1_000 {
            let p =
                TrackPoint { time: Time(i), lon: 0.0, lat: 0.0, speed_mps: None, course_deg: None };
            history.push(p, max);
            if history.len() > max {
                history.thin();
            }
            assert!(history.0.capacity() <= max + 1, "{} slots at fix {i}", history.0.capacity());
        }
    }
}
