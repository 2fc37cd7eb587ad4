//! The decision: [`can_see`] and its helpers for derived objects.

use std::fmt;

use model::{AgencyId, Alert, Classification, Marking, ObjectKind, SourceKinds, Time, Track};
use serde::Serialize;

use crate::{Agreement, Viewer};

/// What kind of data a subject is, with the facts agreements are scoped by.
#[derive(Clone, Copy, Debug)]
pub enum SubjectKind<'a> {
    Track { kind: ObjectKind, source_kinds: SourceKinds },
    Alert,
    Incident { category: &'a str },
    Unit,
}

/// The facts about one object that the policy needs, and nothing else.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub owner: &'a AgencyId,
    pub marking: &'a Marking,
    pub kind: SubjectKind<'a>,
    /// `(lon, lat)` where the object is, for agreements limited to an area.
    pub position: Option<(f64, f64)>,
}

/// Why a decision went the way it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The viewer's agency owns it (or contributed every part of it).
    Owner,
    /// Its marking releases it to the viewer's agency.
    Marking,
    /// A sharing agreement in force releases it.
    Agreement { id: String },
    /// No agreement in force from the owner to the viewer's agency.
    NotShared { owner: AgencyId },
    /// Agreements exist but none covers this kind of data.
    KindNotShared { owner: AgencyId },
    /// Agreements cover the kind but not where the object is.
    OutsideArea { owner: AgencyId },
    /// Agreements cover it but the object's classification is above their ceiling.
    AboveCeiling { owner: AgencyId, level: Classification },
    /// A derived object with a part the viewer may not see.
    Part { part: Box<Reason> },
    /// A unit tasked to an incident the viewer may see (the incident releases it).
    Tasked,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Owner => f.write_str("owned by the viewer's agency"),
            Reason::Marking => f.write_str("released to the viewer's agency by its marking"),
            Reason::Agreement { id } => write!(f, "released by sharing agreement {id}"),
            Reason::NotShared { owner } => {
                write!(f, "{owner} shares nothing with the viewer's agency")
            }
            Reason::KindNotShared { owner } => {
                write!(f, "{owner} does not share this kind of data")
            }
            Reason::OutsideArea { owner } => {
                write!(f, "{owner} does not share data from this area")
            }
            Reason::AboveCeiling { owner, level } => {
                write!(f, "{owner} does not share data classified {level:?}")
            }
            Reason::Part { part } => write!(f, "a part of it may not be seen: {part}"),
            Reason::Tasked => f.write_str("tasked to an incident the viewer may see"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    #[serde(flatten)]
    pub reason: Reason,
}

impl Decision {
    fn allow(reason: Reason) -> Decision {
        Decision { allowed: true, reason }
    }

    fn deny(reason: Reason) -> Decision {
        Decision { allowed: false, reason }
    }
}

/// May `viewer` see `subject`, given the `agreements` and the time `now`?
pub fn can_see(
    viewer: &Viewer,
    subject: &Subject<'_>,
    agreements: &[Agreement],
    now: Time,
) -> Decision {
    if *subject.owner == viewer.agency {
        return Decision::allow(Reason::Owner);
    }
    if subject.marking.releasable_to.contains(&viewer.agency) {
        return Decision::allow(Reason::Marking);
    }
    let owner = subject.owner.clone();
    // The most specific refusal seen, so that the reason says what is missing.
    let mut refusal = Reason::NotShared { owner: owner.clone() };
    for agreement in agreements {
        if agreement.from != *subject.owner
            || agreement.to != viewer.agency
            || !agreement.in_force(now)
        {
            continue;
        }
        if !covers_kind(agreement, &subject.kind) {
            if matches!(refusal, Reason::NotShared { .. }) {
                refusal = Reason::KindNotShared { owner: owner.clone() };
            }
            continue;
        }
        if !agreement.covers_area(subject.position) {
            if matches!(refusal, Reason::NotShared { .. } | Reason::KindNotShared { .. }) {
                refusal = Reason::OutsideArea { owner: owner.clone() };
            }
            continue;
        }
        if subject.marking.level > agreement.ceiling {
            refusal = Reason::AboveCeiling { owner: owner.clone(), level: subject.marking.level };
            continue;
        }
        return Decision::allow(Reason::Agreement { id: agreement.id.clone() });
    }
    Decision::deny(refusal)
}

fn covers_kind(agreement: &Agreement, kind: &SubjectKind<'_>) -> bool {
    let scope = &agreement.scope;
    match kind {
        SubjectKind::Track { kind, source_kinds } => scope.tracks.as_ref().is_some_and(|t| {
            (t.kinds.is_empty() || t.kinds.contains(kind))
                && (t.source_kinds.is_empty()
                    || source_kinds.iter().all(|s| t.source_kinds.contains(&s)))
        }),
        SubjectKind::Alert => scope.alerts,
        SubjectKind::Incident { category } => {
            scope.incidents.as_ref().is_some_and(|c| c.is_empty() || c.contains(*category))
        }
        SubjectKind::Unit => scope.units,
    }
}

/// A track, with the derived-object rule: every contributing agency must release it.
pub fn can_see_track(
    viewer: &Viewer,
    track: &Track,
    agreements: &[Agreement],
    now: Time,
) -> Decision {
    let position = Some((track.position.lon, track.position.lat));
    let kind = SubjectKind::Track { kind: track.kind, source_kinds: track.source_kinds };
    let owner = can_see(
        viewer,
        &Subject { owner: &track.agency, marking: &track.marking, kind, position },
        agreements,
        now,
    );
    if !owner.allowed {
        return owner;
    }
    for contributor in &track.contributors {
        if *contributor == track.agency {
            continue;
        }
        let part = Subject { owner: contributor, marking: &track.marking, kind, position };
        let decision = can_see(viewer, &part, agreements, now);
        if !decision.allowed {
            return Decision::deny(Reason::Part { part: Box::new(decision.reason) });
        }
    }
    owner
}

/// An alert: released itself, and every track it names visible.
pub fn can_see_alert(
    viewer: &Viewer,
    alert: &Alert,
    tracks: &[&Track],
    agreements: &[Agreement],
    now: Time,
) -> Decision {
    let position = alert.evidence.last().map(|p| (p.lon, p.lat));
    let subject = Subject {
        owner: &alert.agency,
        marking: &alert.marking,
        kind: SubjectKind::Alert,
        position,
    };
    let decision = can_see(viewer, &subject, agreements, now);
    if !decision.allowed {
        return decision;
    }
    for track in tracks {
        let part = can_see_track(viewer, track, agreements, now);
        if !part.allowed {
            return Decision::deny(Reason::Part { part: Box::new(part.reason) });
        }
    }
    decision
}
