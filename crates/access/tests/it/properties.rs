//! Invariants of the policy over random worlds.

use std::collections::BTreeSet;

use access::{Agreement, AgreementScope, Reason, TrackScope, can_see_track};
use model::{Classification, Time};
use proptest::prelude::*;

use crate::{NOW, agency, track, viewer};

const AGENCIES: [&str; 4] = ["CGW", "ARS", "MOI", "JOC"];

fn level() -> impl Strategy<Value = Classification> {
    prop_oneof![
        Just(Classification::Unclassified),
        Just(Classification::Restricted),
        Just(Classification::Confidential),
        Just(Classification::Secret)
    ]
}

fn agreement() -> impl Strategy<Value = Agreement> {
    (0..4usize, 0..4usize, level(), any::<bool>(), prop::option::of(-5i64..5), any::<bool>())
        .prop_map(|(from, to, ceiling, tracks, revoked, alerts)| Agreement {
            id: format!("{from}-{to}"),
            from: agency(AGENCIES[from]),
            to: agency(AGENCIES[to]),
            scope: AgreementScope {
                tracks: tracks.then(TrackScope::default),
                alerts,
                ..AgreementScope::default()
            },
            areas: Vec::new(),
            ceiling,
            valid_from: Time(0),
            valid_until: None,
            revoked: revoked.map(|d| NOW.plus_millis(d)),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Whatever the agreements: an owner sees its own track, a revoked agreement releases
    /// nothing, nothing above an agreement's ceiling is released by it, and a released track
    /// was released by its owner to exactly the viewer's agency.
    #[test]
    fn decisions_respect_ownership_revocation_and_ceilings(
        owner in 0..4usize,
        other in 0..4usize,
        who in 0..4usize,
        lvl in level(),
        mut agreements in prop::collection::vec(agreement(), 0..6),
    ) {
        for (i, a) in agreements.iter_mut().enumerate() {
            a.id = format!("{}-{i}", a.id);
        }
        let contributors: Vec<&str> = if other == owner { vec![] } else { vec![AGENCIES[other]] };
        let t = track(AGENCIES[owner], &contributors, lvl, 12.0, 33.0);
        let v = viewer(AGENCIES[who]);
        let d = can_see_track(&viewer(AGENCIES[owner]), &t, &agreements, NOW);
        if contributors.is_empty() {
            prop_assert!(d.allowed);
        }
        let d = can_see_track(&v, &t, &agreements, NOW);
        if let Reason::Agreement { id } = &d.reason {
            let a = agreements.iter().find(|a| &a.id == id && a.in_force(NOW)).expect("a cited agreement is in force");
            prop_assert!(lvl <= a.ceiling);
            prop_assert_eq!(&a.to, &v.agency);
            prop_assert!(a.revoked.is_none_or(|r| NOW < r));
        }
        if d.allowed && v.agency != t.agency {
            let releasing: BTreeSet<_> = agreements
                .iter()
                .filter(|a| a.in_force(NOW) && a.scope.tracks.is_some() && lvl <= a.ceiling && a.to == v.agency)
                .map(|a| a.from.clone())
                .collect();
            for c in &t.contributors {
                prop_assert!(*c == v.agency || releasing.contains(c), "{c} released nothing to {}", v.agency);
            }
        }
        // Revoking every agreement leaves only ownership.
        let revoked: Vec<Agreement> = agreements.iter().cloned().map(|mut a| { a.revoked = Some(NOW); a }).collect();
        let d = can_see_track(&v, &t, &revoked, NOW);
        prop_assert_eq!(d.allowed, t.contributors.iter().all(|c| *c == v.agency));
    }
}
