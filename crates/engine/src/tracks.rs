//! Tracks: the live tracks by number and a track's entry, with its lifecycle deadline. What
//! associates observations to a track is in `keys`, a track's update in `update`, its
//! thinned history in `history`.

use model::{Time, Track, TrackId, TrackState};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::EngineConfig;
use crate::rules::TrackRules;

mod history;
mod keys;
mod update;

pub use history::History;
use keys::Aliases;
pub(crate) use keys::{AssocKey, KeyRef, Keys};
pub(crate) use update::{Folded, absorb, current, new_entry, update_entry};

/// The live tracks by number: a hash map for the look-ups every fix makes (several, and a
/// B-tree of 100k tracks cost a few cache misses each), and the numbers in ascending order
/// for everything that iterates (the API, snapshots), so that order never depends on hashing.
/// Entries are boxed: a track entry is most of a kilobyte and the map holds pointers.
///
/// Track numbers are the sequence numbers of the events that created the tracks, so they are
/// inserted in ascending order and the order is kept by appending; a removed number stays in
/// the order until the dead outnumber the live, then the order is compacted.
#[derive(Debug, Default)]
pub(crate) struct Tracks {
    map: FxHashMap<u64, Box<TrackEntry>>,
    order: Vec<u64>,
    /// Numbers in `order` whose track is gone.
    dead: usize,
}

impl Tracks {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn get(&self, n: &u64) -> Option<&TrackEntry> {
        self.map.get(n).map(|e| &**e)
    }

    pub fn get_mut(&mut self, n: &u64) -> Option<&mut TrackEntry> {
        self.map.get_mut(n).map(|e| &mut **e)
    }

    pub fn contains_key(&self, n: &u64) -> bool {
        self.map.contains_key(n)
    }

    pub fn insert(&mut self, n: u64, entry: Box<TrackEntry>) {
        if self.map.insert(n, entry).is_some() {
            return;
        }
        match self.order.last() {
            Some(last) if *last >= n => {
                // Not the newest number (never so in the fold; kept correct regardless).
                let at = self.order.partition_point(|x| *x < n);
                if self.order.get(at) != Some(&n) {
                    self.order.insert(at, n);
                } else {
                    // A dead slot of the same number comes alive again.
                    self.dead -= 1;
                }
            }
            _ => self.order.push(n),
        }
    }

    pub fn remove(&mut self, n: &u64) -> Option<Box<TrackEntry>> {
        let gone = self.map.remove(n)?;
        self.dead += 1;
        if self.dead > self.map.len() {
            let map = &self.map;
            self.order.retain(|x| map.contains_key(x));
            self.dead = 0;
        }
        Some(gone)
    }

    /// The tracks in ascending number order.
    pub fn iter(&self) -> impl Iterator<Item = (&u64, &TrackEntry)> {
        self.order.iter().filter_map(|n| self.map.get_key_value(n)).map(|(n, e)| (n, &**e))
    }

    pub fn values(&self) -> impl Iterator<Item = &TrackEntry> {
        self.iter().map(|(_, e)| e)
    }

    /// Every track, in no particular order: only for work whose result does not depend on it.
    pub fn iter_mut_unordered(&mut self) -> impl Iterator<Item = (&u64, &mut TrackEntry)> {
        self.map.iter_mut().map(|(n, e)| (n, &mut **e))
    }
}

/// Stored as the map of number to entry it was, in ascending order.
impl Serialize for Tracks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Tracks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Tracks, D::Error> {
        let stored = std::collections::BTreeMap::<u64, Box<TrackEntry>>::deserialize(deserializer)?;
        let mut tracks = Tracks::default();
        for (n, e) in stored {
            tracks.insert(n, e);
        }
        Ok(tracks)
    }
}

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
    /// Which encounter and convoy grids the track is in (stored: see `InGrids`).
    #[serde(default, skip_serializing_if = "crate::rules::proximity::InGrids::is_none")]
    pub(crate) in_grids: crate::rules::proximity::InGrids,
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

#[cfg(test)]
mod tests {
    use model::Time;

    /// A map of numbers to entries against the B-tree it replaced: any sequence of inserts and
    /// removes leaves the same tracks, iterated in the same (ascending) order, and serialized
    /// to the same bytes.
    #[test]
    fn tracks_keep_ascending_order_through_inserts_removes_and_compaction() {
        let entry = |n: u64| {
            let obs = model::Observation {
                source: "s".into(),
                source_kind: model::SourceKind::Radar,
                agency: model::AgencyId::new("CGW"),
                marking: model::Marking::default(),
                time: Time(n as i64),
                position: model::Position { lon: 12.0, lat: 33.0, alt_m: None, accuracy_m: None },
                speed_mps: None,
                course_deg: None,
                heading_deg: None,
                identity: model::Identity::default(),
                kind: model::ObjectKind::Unknown,
                exercise: false,
            };
            let id = model::TrackId(format!("t{n}").into());
            Box::new(super::new_entry(id, super::KeyRef::Single { seq: n }.owned(), &obs))
        };
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut ours = super::Tracks::default();
        let mut theirs = std::collections::BTreeMap::new();
        let mut seq = 0u64;
        for _ in 0..5_000 {
            match next() % 10 {
                // Mostly new tracks with growing numbers, as in the fold ...
                0..=5 => {
                    seq += 1 + next() % 3;
                    ours.insert(seq, entry(seq));
                    theirs.insert(seq, entry(seq));
                }
                // ... now and then an older number ...
                6 => {
                    let n = next() % (seq + 1);
                    ours.insert(n, entry(n));
                    theirs.insert(n, entry(n));
                }
                // ... and removals, of held and unheld numbers.
                _ => {
                    let n = next() % (seq + 1);
                    assert_eq!(ours.remove(&n).is_some(), theirs.remove(&n).is_some());
                }
            }
            assert_eq!(ours.len(), theirs.len());
        }
        let order: Vec<u64> = ours.iter().map(|(n, _)| *n).collect();
        assert_eq!(order, theirs.keys().copied().collect::<Vec<_>>());
        assert!(ours.order.len() <= 2 * ours.len() + 1, "compacted");
        let bytes = serde_json::to_vec(&ours).expect("json");
        assert_eq!(bytes, serde_json::to_vec(&theirs).expect("json"));
        let back: super::Tracks = serde_json::from_slice(&bytes).expect("back");
        assert_eq!(serde_json::to_vec(&back).expect("json"), bytes);
    }
}
