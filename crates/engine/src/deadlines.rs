//! [`Deadlines`]: when each track may next change if nothing else is heard.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use model::Time;

/// A time per track at or before which its lifecycle state (or an AIS gap) may change,
/// earliest first: a binary heap of `(time, track number)`, 16 bytes an entry.
///
/// Entries are lazy twice over. An update that moves a track's deadline later does not
/// move its entry: when the entry comes due the sweep recomputes the real deadline and files
/// it again if it lies ahead. An update that moves it earlier (or a merge that removes the
/// track) files the new entry and leaves the old one: the track's entry records where it is
/// filed (`TrackEntry::filed`), and an entry that does not match it is stale and skipped
/// when it comes out. So the live entries, and the order they come due in, are those of a
/// set holding exactly one entry per track (which a B-tree did, in twice the memory).
///
/// A stale entry leaves on its own only when its time comes, which may be a day away (a lost
/// track revived) or never (a "never forget" configuration): once stale entries outnumber the
/// tracks, the heap is built again from the tracks' own deadlines ([`Deadlines::needs_rebuild`]),
/// which changes nothing but its size.
#[derive(Debug, Default)]
pub(crate) struct Deadlines(BinaryHeap<Reverse<(Time, u64)>>);

impl Deadlines {
    pub fn file(&mut self, time: Time, n: u64) {
        // Grown by an eighth rather than doubled: one entry per live track, held for long.
        let heap = &mut self.0;
        if heap.len() == heap.capacity() {
            heap.reserve_exact((heap.len() / 8).max(16));
        }
        heap.push(Reverse((time, n)));
    }

    /// Whether the heap holds more than twice `tracks` entries (and enough to be worth it):
    /// then the caller builds it again from the tracks.
    pub fn needs_rebuild(&self, tracks: usize) -> bool {
        self.0.len() > 2 * tracks + 1_024
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The earliest entry, if it is due at `now`, taken out; stale or not (the caller checks).
    pub fn pop_due(&mut self, now: Time) -> Option<(Time, u64)> {
        let Reverse((time, _)) = self.0.peek()?;
        if *time > now {
            return None;
        }
        self.0.pop().map(|Reverse(e)| e)
    }
}

impl FromIterator<(Time, u64)> for Deadlines {
    fn from_iter<I: IntoIterator<Item = (Time, u64)>>(iter: I) -> Deadlines {
        let entries: Vec<Reverse<(Time, u64)>> = iter.into_iter().map(Reverse).collect();
        Deadlines(BinaryHeap::from(entries))
    }
}

#[cfg(test)]
mod tests {
    use model::Time;

    use super::Deadlines;

    /// Entries come out earliest first, ties by track number, only once due; a track filed
    /// twice comes out twice (the caller skips the entry that does not match the track).
    #[test]
    fn entries_come_out_in_time_then_number_order_once_due() {
        let mut d: Deadlines = [(Time(30), 1), (Time(10), 7), (Time(10), 3)].into_iter().collect();
        d.file(Time(20), 9);
        d.file(Time(5), 1);
        assert_eq!(d.pop_due(Time(4)), None);
        let mut out = Vec::new();
        while let Some(e) = d.pop_due(Time(25)) {
            out.push(e);
        }
        assert_eq!(out, [(Time(5), 1), (Time(10), 3), (Time(10), 7), (Time(20), 9)]);
        assert_eq!(d.pop_due(Time(30)), Some((Time(30), 1)));
        assert_eq!(d.pop_due(Time(i64::MAX)), None);
    }

    #[test]
    fn the_heap_grows_by_an_eighth() {
        let mut d = Deadlines::default();
        for n in 0..100_000 {
            d.file(Time(n), n as u64);
        }
        assert!(d.0.capacity() <= 100_000 + 100_000 / 8 + 16, "{}", d.0.capacity());
    }
}
