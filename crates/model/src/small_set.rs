//! [`SmallSet`]: a sorted set for the few members a track has (its sources, its agencies).

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set kept as a sorted vector of exactly its members: a track has one or two sources and
/// agencies, for which a B-tree would allocate a node of eleven slots each. Iterates in order
/// and serializes as a sequence, like `BTreeSet`, so the log and the API read the same; a
/// sequence read back is sorted and deduplicated.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SmallSet<T>(Vec<T>);

impl<T: Ord> SmallSet<T> {
    pub const fn new() -> SmallSet<T> {
        SmallSet(Vec::new())
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|v| v.borrow().cmp(value)).is_ok()
    }

    /// Adds `value`; false if it was there already. Grows by exactly one slot: sets stay small.
    pub fn insert(&mut self, value: T) -> bool {
        match self.0.binary_search(&value) {
            Ok(_) => false,
            Err(at) => {
                self.0.reserve_exact(1);
                self.0.insert(at, value);
                true
            }
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    /// Whether no member is in both sets.
    pub fn is_disjoint(&self, other: &SmallSet<T>) -> bool {
        !self.0.iter().any(|v| other.contains(v))
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: Ord> Default for SmallSet<T> {
    fn default() -> SmallSet<T> {
        SmallSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SmallSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

impl<T: Ord> FromIterator<T> for SmallSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> SmallSet<T> {
        let mut v: Vec<T> = iter.into_iter().collect();
        v.sort();
        v.dedup();
        v.shrink_to_fit();
        SmallSet(v)
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
        self.0.iter()
    }
}

impl<T> IntoIterator for SmallSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Serialize> Serialize for SmallSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
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
