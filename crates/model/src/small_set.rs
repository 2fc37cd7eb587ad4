//! [`SmallSet`]: a sorted set for the few members a track has (its sources, its agencies).

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set kept as a sorted vector of exactly its members, or inline while it has one: a track
/// has one or two sources and agencies, for which a B-tree would allocate a node of eleven
/// slots each, and a vector of one a buffer of its own. Iterates in order and serializes as a
/// sequence, like `BTreeSet`, so the log and the API read the same; a sequence read back is
/// sorted and deduplicated.
#[derive(Clone)]
pub struct SmallSet<T>(Repr<T>);

#[derive(Clone)]
enum Repr<T> {
    One(T),
    /// None, or more than one, sorted.
    Many(Vec<T>),
}

impl<T: Ord> SmallSet<T> {
    pub const fn new() -> SmallSet<T> {
        SmallSet(Repr::Many(Vec::new()))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match &self.0 {
            Repr::One(v) => v.borrow() == value,
            Repr::Many(vs) => vs.binary_search_by(|v| v.borrow().cmp(value)).is_ok(),
        }
    }

    /// Adds `value`; false if it was there already. Grows by exactly one slot: sets stay small.
    pub fn insert(&mut self, value: T) -> bool {
        let (repr, added) = match std::mem::replace(&mut self.0, Repr::Many(Vec::new())) {
            Repr::One(v) if v == value => (Repr::One(v), false),
            Repr::One(v) => {
                let mut both = Vec::with_capacity(2);
                if v < value {
                    both.extend([v, value]);
                } else {
                    both.extend([value, v]);
                }
                (Repr::Many(both), true)
            }
            Repr::Many(vs) if vs.is_empty() => (Repr::One(value), true),
            Repr::Many(mut vs) => {
                let added = match vs.binary_search(&value) {
                    Ok(_) => false,
                    Err(at) => {
                        vs.reserve_exact(1);
                        vs.insert(at, value);
                        true
                    }
                };
                (Repr::Many(vs), added)
            }
        };
        self.0 = repr;
        added
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }

    /// Whether no member is in both sets.
    pub fn is_disjoint(&self, other: &SmallSet<T>) -> bool {
        !self.iter().any(|v| other.contains(v))
    }
}

impl<T> SmallSet<T> {
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::One(v) => std::slice::from_ref(v),
            Repr::Many(vs) => vs,
        }
    }
}

/// Equality, order and hash are the members', whichever way they are kept.
impl<T: PartialEq> PartialEq for SmallSet<T> {
    fn eq(&self, other: &SmallSet<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for SmallSet<T> {}

impl<T: PartialOrd> PartialOrd for SmallSet<T> {
    fn partial_cmp(&self, other: &SmallSet<T>) -> Option<std::cmp::Ordering> {
        self.as_slice().partial_cmp(other.as_slice())
    }
}

impl<T: Ord> Ord for SmallSet<T> {
    fn cmp(&self, other: &SmallSet<T>) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl<T: Hash> Hash for SmallSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state)
    }
}

impl<T: Ord> Default for SmallSet<T> {
    fn default() -> SmallSet<T> {
        SmallSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SmallSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.as_slice()).finish()
    }
}

impl<T: Ord> FromIterator<T> for SmallSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> SmallSet<T> {
        // A set of one (every new track's sources and agencies) needs no vector at all.
        let mut iter = iter.into_iter();
        let Some(first) = iter.next() else { return SmallSet::new() };
        let Some(second) = iter.next() else { return SmallSet(Repr::One(first)) };
        let mut v: Vec<T> = [first, second].into_iter().chain(iter).collect();
        v.sort();
        v.dedup();
        if v.len() == 1 {
            return SmallSet(Repr::One(v.remove(0)));
        }
        v.shrink_to_fit();
        SmallSet(Repr::Many(v))
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SmallSet<T> {
    fn from(values: [T; N]) -> SmallSet<T> {
        values.into_iter().collect()
    }
}

impl<T: Ord> Extend<T> for SmallSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl<'a, T> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T> IntoIterator for SmallSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::One(v) => vec![v].into_iter(),
            Repr::Many(vs) => vs.into_iter(),
        }
    }
}

impl<T: Serialize> Serialize for SmallSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for SmallSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SmallSet<T>, D::Error> {
        Ok(Vec::<T>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::SmallSet;

    #[test]
    fn behaves_like_a_btree_set() {
        let mut small = SmallSet::new();
        let mut btree = BTreeSet::new();
        for v in [5, 1, 5, 3, 9, 1, 0, 3] {
            assert_eq!(small.insert(v), btree.insert(v), "insert {v}");
        }
        assert_eq!(small.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>());
        assert!(small.contains(&9) && !small.contains(&4));
        assert_eq!(small.len(), 5);
        assert!(small.is_disjoint(&SmallSet::from([2, 4])));
        assert!(!small.is_disjoint(&SmallSet::from([4, 5])));
    }

    #[test]
    fn one_member_is_kept_inline_and_compares_like_any_other() {
        let mut one = SmallSet::new();
        assert!(one.insert("ais".to_string()));
        assert!(!one.insert("ais".to_string()));
        assert_eq!(one.as_slice(), ["ais"]);
        assert!(one.contains("ais") && !one.contains("radar"));
        assert!(one.insert("adsb".to_string()));
        assert_eq!(one.as_slice(), ["adsb", "ais"]);
        let read: SmallSet<String> = serde_json::from_str(r#"["ais"]"#).unwrap();
        assert_eq!(read, SmallSet::from(["ais".to_string()]));
        assert_eq!(serde_json::to_string(&read).unwrap(), r#"["ais"]"#);
        assert_eq!(read.into_iter().collect::<Vec<_>>(), ["ais"]);
        // One inline member costs no buffer and at most a word more than a vector.
        assert!(size_of::<SmallSet<String>>() <= size_of::<Vec<String>>() + 8);
    }

    #[test]
    fn reads_and_writes_the_json_of_a_btree_set() {
        let btree: BTreeSet<String> = ["radar".into(), "ais".into()].into();
        let json = serde_json::to_string(&btree).unwrap();
        let small: SmallSet<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&small).unwrap(), json);
        // An unsorted sequence with a repeat is read as the set it names.
        let small: SmallSet<u8> = serde_json::from_str("[3, 1, 3]").unwrap();
        assert_eq!(small.as_slice(), &[1, 3]);
    }
}
