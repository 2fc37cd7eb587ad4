//! What associates observations to a track: its key (an MMSI, a CoT uid, a source's own
//! track number, a plate), borrowed or owned, the keys of tracks fused into it, and the maps
//! from keys to track numbers.

use model::Observation;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Which track an observation belongs to by identity. Exercise data gets its own keys so that
/// it never merges into a real track. MMSI keys, the hot case, are built without allocating;
/// the others hold `Box<str>`. A radar's name and its track number share one string (split
/// at `split`), so that a key is 24 bytes in every track, not 40. Stored as [`StoredKey`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "StoredKey", into = "StoredKey")]
pub(crate) enum AssocKey {
    Mmsi {
        mmsi: u32,
        exercise: bool,
    },
    Cot {
        uid: Box<str>,
        exercise: bool,
    },
    /// The source's name, then its track number from byte `split` on.
    SourceTrack {
        joined: Box<str>,
        split: u32,
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

const _: () = assert!(size_of::<AssocKey>() == 24);

/// An [`AssocKey`] as snapshots hold it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StoredKey {
    Mmsi { mmsi: u32, exercise: bool },
    Cot { uid: Box<str>, exercise: bool },
    SourceTrack { source: Box<str>, number: Box<str>, exercise: bool },
    Plate { plate: Box<str>, exercise: bool },
    Single { seq: u64 },
}

impl From<StoredKey> for AssocKey {
    fn from(key: StoredKey) -> AssocKey {
        match key {
            StoredKey::Mmsi { mmsi, exercise } => AssocKey::Mmsi { mmsi, exercise },
            StoredKey::Cot { uid, exercise } => AssocKey::Cot { uid, exercise },
            StoredKey::SourceTrack { source, number, exercise } => {
                KeyRef::SourceTrack { source: &source, number: &number, exercise }.owned()
            }
            StoredKey::Plate { plate, exercise } => AssocKey::Plate { plate, exercise },
            StoredKey::Single { seq } => AssocKey::Single { seq },
        }
    }
}

impl From<AssocKey> for StoredKey {
    fn from(key: AssocKey) -> StoredKey {
        match key {
            AssocKey::Mmsi { mmsi, exercise } => StoredKey::Mmsi { mmsi, exercise },
            AssocKey::Cot { uid, exercise } => StoredKey::Cot { uid, exercise },
            AssocKey::SourceTrack { joined, split, exercise } => {
                let (source, number) = split_joined(&joined, split);
                StoredKey::SourceTrack { source: source.into(), number: number.into(), exercise }
            }
            AssocKey::Plate { plate, exercise } => StoredKey::Plate { plate, exercise },
            AssocKey::Single { seq } => StoredKey::Single { seq },
        }
    }
}

/// A source's name and its track number out of their joined string.
fn split_joined(joined: &str, split: u32) -> (&str, &str) {
    joined.split_at_checked(split as usize).unwrap_or((joined, ""))
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
            KeyRef::SourceTrack { source, number, exercise } => AssocKey::SourceTrack {
                joined: [source, number].concat().into(),
                // A name longer than 4 GiB cannot reach the fold (the edge caps bodies).
                split: u32::try_from(source.len()).unwrap_or(u32::MAX),
                exercise,
            },
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
            AssocKey::SourceTrack { joined, split, exercise } => {
                let (source, number) = split_joined(joined, *split);
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
            AssocKey::SourceTrack { joined, split, exercise } => {
                let (source, n) = split_joined(&joined, split);
                self.source_track[usize::from(exercise)]
                    .entry(source.into())
                    .or_default()
                    .insert(n.into(), number)
            }
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

#[cfg(test)]
mod tests {
    /// A radar's key is stored as it always was, and its two names never run together.
    #[test]
    fn a_radar_key_is_stored_as_two_names() {
        let radar =
            |source, number| super::KeyRef::SourceTrack { source, number, exercise: false }.owned();
        let key = radar("radar-1", "42");
        let json = serde_json::to_string(&key).expect("json");
        assert_eq!(json, r#"{"source_track":{"source":"radar-1","number":"42","exercise":false}}"#);
        let back: super::AssocKey = serde_json::from_str(&json).expect("json");
        assert_eq!(back, key);
        let expected =
            super::KeyRef::SourceTrack { source: "radar-1", number: "42", exercise: false };
        assert_eq!(back.as_ref(), expected);
        assert_ne!(radar("ab", "c"), radar("a", "bc"));
        assert_eq!(
            radar("رادار", "٧").as_ref(),
            super::KeyRef::SourceTrack { source: "رادار", number: "٧", exercise: false }
        );
    }
}
