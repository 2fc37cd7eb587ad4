//! The policy's rules, case by case, and its invariants under random worlds.

mod cases;
mod properties;

use std::collections::BTreeSet;

use access::{Agreement, AgreementScope, Role, TrackScope, Viewer};
use model::{
    AgencyId, Classification, Identity, Marking, ObjectKind, Position, SourceKind, Time, Track,
    TrackId, TrackState,
};

pub const NOW: Time = Time(1_790_000_000_000);

pub fn agency(code: &str) -> AgencyId {
    AgencyId::new(code)
}

pub fn viewer(code: &str) -> Viewer {
    Viewer {
        user: format!("{code}.user"),
        agency: agency(code),
        roles: BTreeSet::from([Role::WatchOfficer]),
    }
}

pub fn track(
    owner: &str,
    contributors: &[&str],
    level: Classification,
    lon: f64,
    lat: f64,
) -> Track {
    Track {
        id: TrackId("t1".into()),
        kind: ObjectKind::Vessel,
        state: TrackState::Confirmed,
        agency: agency(owner),
        marking: Marking::new(level),
        identity: Identity::default(),
        contributors: contributors.iter().map(|c| agency(c)).chain([agency(owner)]).collect(),
        sources: model::SmallSet::from(["radar".into()]),
        source_kinds: model::SourceKinds::from([SourceKind::Radar]),
        first_time: NOW,
        last_time: NOW,
        position: Position { lon, lat, alt_m: None, accuracy_m: None },
        speed_mps: None,
        course_deg: None,
        heading_deg: None,
        observations: 1,
        exercise: false,
    }
}

pub fn tracks_agreement(id: &str, from: &str, to: &str, ceiling: Classification) -> Agreement {
    Agreement {
        id: id.into(),
        from: agency(from),
        to: agency(to),
        scope: AgreementScope { tracks: Some(TrackScope::default()), ..AgreementScope::default() },
        areas: Vec::new(),
        ceiling,
        valid_from: Time(0),
        valid_until: None,
        revoked: None,
    }
}
