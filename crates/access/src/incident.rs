//! Incidents and units under the policy: who besides the owner may see them, and who may task
//! another agency's unit.
//!
//! An incident is seen by its owner agency, by its originator (who reported it keeps sight of
//! it after a hand-over), by the agency a hand-over is offered to (it must read what it is asked
//! to accept), and by whoever the owner released it to — its marking, or an agreement covering
//! incidents of its category ([`can_see`]). A unit stays with its owner unless its marking or
//! an agreement covering units releases it, or it is tasked to an incident the viewer may see:
//! an incident releases the units working on it to everyone who sees the incident.

use model::{AgencyId, Marking, Time};

use crate::{Agreement, Decision, Reason, Subject, SubjectKind, Viewer, can_see};

/// The facts about an incident the policy needs.
#[derive(Clone, Copy, Debug)]
pub struct IncidentFacts<'a> {
    pub owner: &'a AgencyId,
    pub originator: &'a AgencyId,
    /// The agency a pending hand-over is offered to.
    pub offered_to: Option<&'a AgencyId>,
    pub marking: &'a Marking,
    pub category: &'a str,
    pub position: Option<(f64, f64)>,
}

pub fn can_see_incident(
    viewer: &Viewer,
    incident: &IncidentFacts<'_>,
    agreements: &[Agreement],
    now: Time,
) -> Decision {
    if *incident.originator == viewer.agency || incident.offered_to == Some(&viewer.agency) {
        return Decision { allowed: true, reason: Reason::Owner };
    }
    let subject = Subject {
        owner: incident.owner,
        marking: incident.marking,
        kind: SubjectKind::Incident { category: incident.category },
        position: incident.position,
    };
    can_see(viewer, &subject, agreements, now)
}

/// The facts about a unit the policy needs.
#[derive(Clone, Copy, Debug)]
pub struct UnitFacts<'a> {
    pub agency: &'a AgencyId,
    pub marking: &'a Marking,
    pub position: Option<(f64, f64)>,
    /// The unit is tasked to an incident the viewer may see.
    pub released_by_incident: bool,
}

pub fn can_see_unit(
    viewer: &Viewer,
    unit: &UnitFacts<'_>,
    agreements: &[Agreement],
    now: Time,
) -> Decision {
    let subject = Subject {
        owner: unit.agency,
        marking: unit.marking,
        kind: SubjectKind::Unit,
        position: unit.position,
    };
    let decision = can_see(viewer, &subject, agreements, now);
    if !decision.allowed && unit.released_by_incident {
        return Decision { allowed: true, reason: Reason::Tasked };
    }
    decision
}

/// May `viewer`'s agency task a unit of `unit_agency`? Its own, always; another agency's only
/// under a sharing agreement in force from that agency covering units (a marking releases a
/// unit to be seen, not to be commanded).
pub fn may_task_unit(
    viewer: &Viewer,
    unit: &UnitFacts<'_>,
    agreements: &[Agreement],
    now: Time,
) -> bool {
    if *unit.agency == viewer.agency {
        return true;
    }
    let unmarked = Marking { level: unit.marking.level, ..Marking::default() };
    let subject = Subject {
        owner: unit.agency,
        marking: &unmarked,
        kind: SubjectKind::Unit,
        position: unit.position,
    };
    matches!(can_see(viewer, &subject, agreements, now).reason, Reason::Agreement { .. })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use model::{AgreementScope, Classification, Role};

    use super::*;

    fn viewer(agency: &str) -> Viewer {
        Viewer {
            user: "u".into(),
            agency: AgencyId::new(agency),
            roles: BTreeSet::from([Role::WatchOfficer]),
        }
    }

    fn agreement(from: &str, to: &str, scope: AgreementScope) -> Agreement {
        Agreement {
            id: "g1".into(),
            from: AgencyId::new(from),
            to: AgencyId::new(to),
            scope,
            areas: Vec::new(),
            ceiling: Classification::default(),
            valid_from: Time(0),
            valid_until: None,
            revoked: None,
        }
    }

    #[test]
    fn incidents_are_seen_by_owner_originator_receiver_and_release_only() {
        let (a, b, c) = (AgencyId::new("A"), AgencyId::new("B"), AgencyId::new("C"));
        let marking = Marking::default();
        let facts = IncidentFacts {
            owner: &a,
            originator: &b,
            offered_to: None,
            marking: &marking,
            category: "other",
            position: None,
        };
        let now = Time(1);
        assert!(can_see_incident(&viewer("A"), &facts, &[], now).allowed);
        assert!(can_see_incident(&viewer("B"), &facts, &[], now).allowed);
        assert!(!can_see_incident(&viewer("C"), &facts, &[], now).allowed);
        let offered = IncidentFacts { offered_to: Some(&c), ..facts };
        assert!(can_see_incident(&viewer("C"), &offered, &[], now).allowed);
        let released = Marking { releasable_to: BTreeSet::from([c.clone()]), ..Marking::default() };
        let marked = IncidentFacts { marking: &released, ..facts };
        assert!(can_see_incident(&viewer("C"), &marked, &[], now).allowed);
        let scope =
            AgreementScope { incidents: Some(BTreeSet::new()), ..AgreementScope::default() };
        assert!(can_see_incident(&viewer("C"), &facts, &[agreement("A", "C", scope)], now).allowed);
    }

    #[test]
    fn units_are_tasked_across_agencies_only_under_an_agreement() {
        let a = AgencyId::new("A");
        let released =
            Marking { releasable_to: BTreeSet::from([AgencyId::new("B")]), ..Marking::default() };
        let unit = UnitFacts {
            agency: &a,
            marking: &released,
            position: None,
            released_by_incident: false,
        };
        let now = Time(1);
        assert!(may_task_unit(&viewer("A"), &unit, &[], now));
        assert!(can_see_unit(&viewer("B"), &unit, &[], now).allowed);
        assert!(!may_task_unit(&viewer("B"), &unit, &[], now));
        let scope = AgreementScope { units: true, ..AgreementScope::default() };
        assert!(may_task_unit(&viewer("B"), &unit, &[agreement("A", "B", scope)], now));
        let plain = Marking::default();
        let hidden = UnitFacts { marking: &plain, ..unit };
        assert!(!can_see_unit(&viewer("B"), &hidden, &[], now).allowed);
        let tasked = UnitFacts { released_by_incident: true, ..hidden };
        assert!(can_see_unit(&viewer("B"), &tasked, &[], now).allowed);
    }
}
