//! One case per rule, including the rule for derived objects.

use std::collections::BTreeSet;

use access::{Area, Reason, TrackScope, can_see_alert, can_see_track};
use model::{
    Alert, AlertState, Classification, ObjectKind, Severity, SourceKind, Time, TrackPoint,
};

use crate::{NOW, agency, track, tracks_agreement, viewer};

#[test]
fn an_agency_sees_what_it_owns_and_nothing_else_by_default() {
    let t = track("CGW", &[], Classification::Secret, 12.0, 33.0);
    assert_eq!(can_see_track(&viewer("CGW"), &t, &[], NOW).reason, Reason::Owner);
    let other = can_see_track(&viewer("ARS"), &t, &[], NOW);
    assert!(!other.allowed);
    assert_eq!(other.reason, Reason::NotShared { owner: agency("CGW") });
}

#[test]
fn a_marking_releases_to_the_agencies_it_names() {
    let mut t = track("CGW", &[], Classification::Restricted, 12.0, 33.0);
    t.marking.releasable_to = BTreeSet::from([agency("JOC")]);
    assert_eq!(can_see_track(&viewer("JOC"), &t, &[], NOW).reason, Reason::Marking);
    assert!(!can_see_track(&viewer("MOI"), &t, &[], NOW).allowed);
}

#[test]
fn an_agreement_releases_up_to_its_ceiling_only() {
    let a = [tracks_agreement("cgw-joc", "CGW", "JOC", Classification::Restricted)];
    let low = track("CGW", &[], Classification::Restricted, 12.0, 33.0);
    let high = track("CGW", &[], Classification::Confidential, 12.0, 33.0);
    assert!(can_see_track(&viewer("JOC"), &low, &a, NOW).allowed);
    let d = can_see_track(&viewer("JOC"), &high, &a, NOW);
    assert!(!d.allowed);
    assert!(matches!(d.reason, Reason::AboveCeiling { .. }), "{:?}", d.reason);
    assert!(!can_see_track(&viewer("MOI"), &low, &a, NOW).allowed, "only to the named agency");
}

#[test]
fn an_agreement_applies_only_while_in_force() {
    let t = track("CGW", &[], Classification::Unclassified, 12.0, 33.0);
    let mut a = tracks_agreement("a", "CGW", "JOC", Classification::Secret);
    a.valid_from = NOW.plus_millis(1);
    assert!(!can_see_track(&viewer("JOC"), &t, &[a.clone()], NOW).allowed, "not yet valid");
    a.valid_from = Time(0);
    a.valid_until = Some(NOW);
    assert!(!can_see_track(&viewer("JOC"), &t, &[a.clone()], NOW).allowed, "expired");
    a.valid_until = None;
    a.revoked = Some(NOW);
    assert!(!can_see_track(&viewer("JOC"), &t, &[a.clone()], NOW).allowed, "revoked");
    a.revoked = Some(NOW.plus_millis(1));
    assert!(can_see_track(&viewer("JOC"), &t, &[a], NOW).allowed, "revoked later");
}

#[test]
fn an_agreement_is_scoped_by_kind_source_and_area() {
    let t = track("ARS", &[], Classification::Unclassified, 14.0, 23.0);
    let mut a = tracks_agreement("ars-moi", "ARS", "MOI", Classification::Secret);
    a.scope.tracks = Some(TrackScope {
        kinds: BTreeSet::from([ObjectKind::Vehicle]),
        source_kinds: BTreeSet::new(),
    });
    let d = can_see_track(&viewer("MOI"), &t, &[a.clone()], NOW);
    assert!(
        matches!(d.reason, Reason::KindNotShared { .. }),
        "a vessel is not a vehicle: {:?}",
        d.reason
    );
    a.scope.tracks = Some(TrackScope {
        kinds: BTreeSet::new(),
        source_kinds: BTreeSet::from([SourceKind::Sensor]),
    });
    assert!(!can_see_track(&viewer("MOI"), &t, &[a.clone()], NOW).allowed, "radar is not shared");
    a.scope.tracks = Some(TrackScope::default());
    a.areas = vec![Area::Bbox([10.0, 20.0, 12.0, 22.0])];
    let d = can_see_track(&viewer("MOI"), &t, &[a.clone()], NOW);
    assert!(matches!(d.reason, Reason::OutsideArea { .. }), "{:?}", d.reason);
    a.areas.push(Area::Bbox([13.0, 22.0, 15.0, 24.0]));
    assert!(can_see_track(&viewer("MOI"), &t, &[a], NOW).allowed);
}

#[test]
fn a_fused_track_needs_every_contributor_to_release_it() {
    // CGW's radar and ARS's sensor both fed this track; CGW owns it.
    let t = track("CGW", &["ARS"], Classification::Unclassified, 12.0, 33.0);
    let cgw_joc = tracks_agreement("cgw-joc", "CGW", "JOC", Classification::Secret);
    let ars_joc = tracks_agreement("ars-joc", "ARS", "JOC", Classification::Secret);
    let d = can_see_track(&viewer("JOC"), &t, std::slice::from_ref(&cgw_joc), NOW);
    assert!(!d.allowed, "ARS did not share its part");
    assert!(matches!(d.reason, Reason::Part { .. }), "{:?}", d.reason);
    assert!(can_see_track(&viewer("JOC"), &t, &[cgw_joc, ars_joc], NOW).allowed);
    // A contributor sees the fused track only if the owner releases it in turn.
    assert!(!can_see_track(&viewer("ARS"), &t, &[], NOW).allowed);
    let cgw_ars = tracks_agreement("cgw-ars", "CGW", "ARS", Classification::Secret);
    assert!(can_see_track(&viewer("ARS"), &t, &[cgw_ars], NOW).allowed);
}

#[test]
fn an_alert_on_a_shared_track_needs_the_alert_and_the_track_released() {
    let t = track("CGW", &[], Classification::Unclassified, 12.0, 33.0);
    let alert = Alert {
        id: "a1".into(),
        rule: "zone.entry".into(),
        severity: Severity::High,
        state: AlertState::Open,
        agency: agency("CGW"),
        marking: Default::default(),
        tracks: vec![t.id.clone()],
        zone: None,
        first_time: NOW,
        last_time: NOW,
        evidence: vec![TrackPoint {
            time: NOW,
            lon: 12.0,
            lat: 33.0,
            speed_mps: None,
            course_deg: None,
        }],
        exercise: false,
    };
    let tracks_only = tracks_agreement("t", "CGW", "JOC", Classification::Secret);
    assert!(
        !can_see_alert(&viewer("JOC"), &alert, &[&t], std::slice::from_ref(&tracks_only), NOW)
            .allowed
    );
    let mut alerts_only = tracks_agreement("a", "CGW", "JOC", Classification::Secret);
    alerts_only.scope.tracks = None;
    alerts_only.scope.alerts = true;
    let d = can_see_alert(&viewer("JOC"), &alert, &[&t], &[alerts_only.clone()], NOW);
    assert!(!d.allowed, "the alert is shared but its track is not");
    assert!(can_see_alert(&viewer("JOC"), &alert, &[&t], &[alerts_only, tracks_only], NOW).allowed);
}
