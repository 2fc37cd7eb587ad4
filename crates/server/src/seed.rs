//! Seeding a centre: the demo's agencies, users and sharing agreements (docs/contracts.md), as
//! ordinary events through the log, so a seeded centre is replayed like any other.

use std::collections::BTreeSet;

use model::{
    Agency, AgencyId, AgencyKind, Agreement, AgreementScope, Classification, Event, EventKind,
    ObjectKind, Role, Time, TrackScope, UserRecord,
};

pub fn agency(id: &str, name_en: &str, name_ar: &str, kind: AgencyKind) -> Event {
    let agency =
        Agency { id: AgencyId::new(id), name_en: name_en.into(), name_ar: name_ar.into(), kind };
    Event { time: Time(0), kind: EventKind::AgencyRegistered(agency) }
}

pub fn user(username: &str, agency: &str, roles: &[Role], password_hash: &str) -> Event {
    let user = UserRecord {
        username: username.into(),
        agency: AgencyId::new(agency),
        roles: roles.iter().copied().collect(),
        password_hash: password_hash.into(),
        disabled: false,
    };
    Event { time: Time(0), kind: EventKind::UserRegistered(user) }
}

fn agreement(id: &str, from: &str, to: &str, scope: AgreementScope) -> Event {
    let agreement = Agreement {
        id: id.into(),
        from: AgencyId::new(from),
        to: AgencyId::new(to),
        scope,
        areas: Vec::new(),
        ceiling: Classification::Confidential,
        valid_from: Time(0),
        valid_until: None,
        revoked: None,
    };
    Event { time: Time(0), kind: EventKind::AgreementSet { agreement, actor: "seed".into() } }
}

/// The maritime incident categories the western coast guard shares with the joint centre.
const MARITIME_CATEGORIES: [&str; 6] = [
    "migration.departure",
    "sar.distress",
    "smuggling.fuel",
    "fishing.illegal",
    "crossing.irregular",
    "suspect.unidentified",
];

/// Exactly the demo of docs/contracts.md: five agencies' worth of users with password `demo`
/// (hashed once by the caller), CGW sharing its maritime picture with JOC, ARS sharing
/// land-border tracks and alerts with JOC and MOI, unit positions kept by their owners.
pub fn demo(password_hash: &str, now: Time) -> Vec<Event> {
    use AgencyKind::*;
    let mut events = vec![
        agency("JOC", "Joint Operations Centre", "مركز العمليات المشترك", JointCentre),
        agency("CGW", "Coast Guard, Western Region", "خفر السواحل - المنطقة الغربية", CoastGuard),
        agency("ARS", "Army, Southern Military Region", "الجيش - المنطقة العسكرية الجنوبية", Army),
        agency("MOI", "Interior Ministry Border Police", "شرطة الحدود - وزارة الداخلية", Police),
        user("admin", "JOC", &[Role::Admin], password_hash),
        user("joint.duty", "JOC", &[Role::DutyOfficer], password_hash),
        user("cgw.watch", "CGW", &[Role::WatchOfficer], password_hash),
        user("army.south", "ARS", &[Role::WatchOfficer], password_hash),
        user("moi.analyst", "MOI", &[Role::Analyst], password_hash),
    ];
    let maritime = AgreementScope {
        tracks: Some(TrackScope {
            kinds: BTreeSet::from([ObjectKind::Vessel, ObjectKind::Unknown]),
            source_kinds: BTreeSet::new(),
        }),
        alerts: true,
        incidents: Some(MARITIME_CATEGORIES.iter().map(|c| c.to_string()).collect()),
        units: false,
    };
    let land = AgreementScope {
        tracks: Some(TrackScope {
            kinds: BTreeSet::from([ObjectKind::Vehicle, ObjectKind::Person, ObjectKind::Unknown]),
            source_kinds: BTreeSet::new(),
        }),
        alerts: true,
        incidents: None,
        units: false,
    };
    events.push(agreement("cgw-joc-maritime", "CGW", "JOC", maritime));
    events.push(agreement("ars-joc-land", "ARS", "JOC", land.clone()));
    events.push(agreement("ars-moi-land", "ARS", "MOI", land));
    events.extend(demo_units());
    for event in &mut events {
        event.time = now;
    }
    events
}

/// The field units of the simulated scenario, registered so that incidents can be tasked to
/// them: each follows its own CoT tracker (the uids `tansiq sim` writes), starting at its base.
fn demo_units() -> Vec<Event> {
    use model::incident::{IncidentEvent, UnitRegistration};
    use model::{Marking, Position, UnitKind};
    let unit = |id: String,
                name: String,
                agency: &str,
                kind,
                speed: f64,
                base: [f64; 2],
                caps: &[&str]| {
        let registration = UnitRegistration {
            tracker: Some(id.clone()),
            id,
            name,
            agency: AgencyId::new(agency),
            kind,
            capabilities: caps.iter().map(|c| c.to_string()).collect(),
            max_speed_mps: speed,
            base: Position { lon: base[0], lat: base[1], alt_m: None, accuracy_m: None },
            marking: Marking::default(),
        };
        let kind = EventKind::Incident(IncidentEvent::UnitRegistered(Box::new(registration)));
        Event { time: Time(0), kind }
    };
    let mut out = Vec::new();
    // Three patrol boats in each of four ports (sim: `CGW-PB-01` …), 25 knots at most.
    let ports = [[12.08, 32.97], [13.19, 32.93], [15.10, 32.42], [20.07, 32.16]];
    for (i, port) in ports.iter().enumerate() {
        for k in 0..3 {
            let n = i * 3 + k + 1;
            let (id, name) = (format!("CGW-PB-{n:02}"), format!("CGW Patrol {n}"));
            out.push(unit(id, name, "CGW", UnitKind::Boat, 12.9, *port, &["rescue", "boarding"]));
        }
    }
    // The army's southern patrols (sim: `ARS-V-01` …), 100 km/h at most.
    let bases = [[14.43, 27.04], [13.9, 23.3], [10.17, 24.96], [23.30, 24.20], [14.65, 24.93]];
    for (i, base) in bases.iter().enumerate() {
        let (id, name) = (format!("ARS-V-{:02}", i + 1), format!("ARS Patrol {}", i + 1));
        out.push(unit(id, name, "ARS", UnitKind::Vehicle, 27.8, *base, &["patrol"]));
    }
    out
}
