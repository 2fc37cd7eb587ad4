//! What a viewer may see of the folded state: the facts `access::can_see_*` needs about an
//! alert, incident or unit, gathered from the engine, and the answer. Every outbound path (the
//! REST handlers, the live stream, the TAK hub, reports and the dashboard) asks here, so that
//! one policy decides every read and no path borrows another's helpers.

use access::Viewer;
use engine::incident::{IncidentRecord, UnitState};
use engine::{AlertEntry, Engine};
use model::incident::IncidentLocation;
use model::{Agreement, Time, Track};

/// The sharing agreements in force, as the policy functions take them.
pub fn agreements(engine: &Engine) -> Vec<Agreement> {
    engine.directory().agreements().cloned().collect()
}

/// Whether `viewer` may see the alert now: the alert itself released, and every track it names
/// that is still kept visible (see `access::can_see_alert`).
pub fn alert(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[Agreement],
    entry: &AlertEntry,
    now: Time,
) -> bool {
    let tracks: Vec<&Track> =
        entry.alert.tracks.iter().filter_map(|id| engine.track(id)).map(|e| &e.track).collect();
    access::can_see_alert(viewer, &entry.alert, &tracks, agreements, now).allowed
}

/// Where an incident is, for agreements limited to an area.
pub fn incident_position(record: &IncidentRecord) -> Option<(f64, f64)> {
    match record.location.as_ref()? {
        IncidentLocation::Point { position } => Some((position.lon, position.lat)),
        IncidentLocation::Area { ring } => ring.first().map(|p| (p[0], p[1])),
    }
}

/// Whether `viewer` may see the incident now (`access::can_see_incident`).
pub fn incident(
    viewer: &Viewer,
    agreements: &[Agreement],
    record: &IncidentRecord,
    now: Time,
) -> bool {
    let facts = access::IncidentFacts {
        owner: &record.owner,
        originator: &record.originator,
        offered_to: record.handover.as_ref().map(|h| &h.to),
        marking: &record.marking,
        category: &record.category,
        position: incident_position(record),
    };
    access::can_see_incident(viewer, &facts, agreements, now).allowed
}

/// The facts the policy needs about a unit.
pub fn unit_facts(unit: &UnitState, released_by_incident: bool) -> access::UnitFacts<'_> {
    let p = unit.position();
    access::UnitFacts {
        agency: &unit.registration.agency,
        marking: &unit.registration.marking,
        position: Some((p.lon, p.lat)),
        released_by_incident,
    }
}

/// Whether `viewer` may see the unit now: its own agreements, or an incident it is tasked to
/// that the viewer may see (`access::can_see_unit`).
pub fn unit(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[Agreement],
    unit: &UnitState,
    now: Time,
) -> bool {
    let released = unit.incident.as_deref().is_some_and(|id| {
        engine.incidents().get(id).is_some_and(|r| incident(viewer, agreements, r, now))
    });
    access::can_see_unit(viewer, &unit_facts(unit, released), agreements, now).allowed
}
