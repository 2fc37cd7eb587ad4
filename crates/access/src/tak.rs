//! TAK group routing: which TAK clients may hear each other, on top of the agency rule.

use std::collections::BTreeSet;

/// The group of a TAK client that belongs to none (TAK Server's name for it).
pub const ANONYMOUS_GROUP: &str = "__ANON__";

/// May a TAK client in `receiver` groups hear what a client in `sender` groups said?
///
/// Like TAK Server, a message reaches only clients sharing at least one group with its
/// sender; a client with no group is in [`ANONYMOUS_GROUP`], so group-less clients hear each
/// other and nobody else. This narrows [`crate::can_see`], never widens it: the server routes
/// to a client only when both the agency decision and this one allow it.
pub fn tak_groups_meet(sender: &BTreeSet<String>, receiver: &BTreeSet<String>) -> bool {
    match (sender.is_empty(), receiver.is_empty()) {
        (true, true) => true,
        (true, false) => receiver.contains(ANONYMOUS_GROUP),
        (false, true) => sender.contains(ANONYMOUS_GROUP),
        (false, false) => sender.intersection(receiver).next().is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_shared_group_routes_and_distinct_groups_do_not() {
        assert!(tak_groups_meet(&groups(&["Cyan"]), &groups(&["Cyan"])));
        assert!(tak_groups_meet(&groups(&["Cyan", "Red"]), &groups(&["Red", "Blue"])));
        assert!(!tak_groups_meet(&groups(&["Cyan"]), &groups(&["Red"])));
    }

    #[test]
    fn groupless_clients_are_anonymous_together_and_apart_from_the_rest() {
        assert!(tak_groups_meet(&groups(&[]), &groups(&[])));
        assert!(!tak_groups_meet(&groups(&[]), &groups(&["Cyan"])));
        assert!(!tak_groups_meet(&groups(&["Cyan"]), &groups(&[])));
        assert!(tak_groups_meet(&groups(&[ANONYMOUS_GROUP]), &groups(&[])));
    }
}
