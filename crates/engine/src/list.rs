//! [`List`]: a short list in two words.

/// A list that is usually one or two items long, kept exactly as long as it is: a boxed
/// slice, two words where a `Vec` takes three. The grids and indexes keep one per cell or
/// per track, tens of thousands of them, each changed now and then (a push or a removal
/// reallocates, which a `Vec` grown one slot at a time did as well).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct List<T>(Box<[T]>);

/// Empty, whatever `T` (a derived `Default` would ask `T` for one).
impl<T> Default for List<T> {
    fn default() -> List<T> {
        List(Box::default())
    }
}

impl<T: Copy + PartialEq> List<T> {
    pub fn push(&mut self, item: T) {
        let mut items = Vec::from(std::mem::take(&mut self.0));
        items.reserve_exact(1);
        items.push(item);
        self.0 = items.into_boxed_slice();
    }

    /// Removes every `item`.
    pub fn remove(&mut self, item: T) {
        if self.0.contains(&item) {
            let mut items = Vec::from(std::mem::take(&mut self.0));
            items.retain(|x| *x != item);
            self.0 = items.into_boxed_slice();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::List;

    #[test]
    fn a_list_is_two_words_and_exactly_as_long_as_it_is() {
        assert_eq!(size_of::<List<u64>>(), 2 * size_of::<usize>());
        let mut list = List::default();
        for n in [3u64, 1, 3, 2] {
            list.push(n);
        }
        assert_eq!(list.as_slice(), [3, 1, 3, 2]);
        list.remove(3);
        assert_eq!(list.as_slice(), [1, 2]);
        list.remove(7);
        list.remove(1);
        list.remove(2);
        assert!(list.is_empty());
    }
}
