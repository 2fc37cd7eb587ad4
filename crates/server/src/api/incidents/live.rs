//! Incidents and units on the live paths: the updates the engine thread publishes after a
//! batch, and what the stream sends each caller (through the same visibility as REST).

use access::Viewer;
use engine::Engine;
use model::{Agreement, Time};
use serde_json::Value;

use super::{incident_view, visible};

/// The live updates for incidents and units changed by one folded batch (one per object, the
/// latest state); the stream filters them per caller.
pub(crate) fn updates(
    engine: &Engine,
    mut incidents: Vec<String>,
    mut units: Vec<String>,
    out: &mut Vec<crate::centre::Update>,
) {
    use crate::centre::Update;
    use engine::ChangeOp;
    incidents.sort_unstable();
    incidents.dedup();
    units.sort_unstable();
    units.dedup();
    let s = engine.incidents();
    for id in incidents {
        if let Some(record) = s.get(&id) {
            out.push(Update {
                kind: "incident",
                op: ChangeOp::Upsert,
                data: incident_view(record),
            });
        }
    }
    for id in units {
        if let Some(unit) = s.unit(&id) {
            let data = crate::api::units::unit_view(unit);
            out.push(Update { kind: "unit", op: ChangeOp::Upsert, data });
        }
    }
}

/// For the stream's (re)synchronisation: every incident not closed and every unit `viewer`
/// may see, as `(kind, id, view)`.
pub(crate) fn visible_cases(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[Agreement],
    now: Time,
) -> Vec<(&'static str, String, Value)> {
    let s = engine.incidents();
    let incidents = s
        .iter()
        .filter(|r| !r.is_closed() && visible(viewer, agreements, r, now))
        .map(|r| ("incident", r.id.clone(), incident_view(r)));
    let units = s
        .units()
        .filter(|u| crate::api::units::visible(engine, viewer, agreements, u, now))
        .map(|u| ("unit", u.registration.id.clone(), crate::api::units::unit_view(u)));
    incidents.chain(units).collect()
}

/// For the stream: the view of one incident or unit if `viewer` may see it.
pub(crate) fn visible_case(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[Agreement],
    kind: &str,
    id: &str,
    now: Time,
) -> Option<Value> {
    let s = engine.incidents();
    match kind {
        "incident" => s.get(id).filter(|r| visible(viewer, agreements, r, now)).map(incident_view),
        _ => s
            .unit(id)
            .filter(|u| crate::api::units::visible(engine, viewer, agreements, u, now))
            .map(crate::api::units::unit_view),
    }
}
