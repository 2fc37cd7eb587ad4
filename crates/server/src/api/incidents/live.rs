//! Incidents and units on the live paths: the updates the engine thread publishes after a
//! batch, and what the stream sends each caller (through the same visibility as REST).

use std::sync::Arc;

use access::Viewer;
use engine::Engine;
use engine::incident::{IncidentRecord, UnitState};
use model::{Agreement, Time};
use serde_json::Value;

use crate::visibility;
use crate::wire::{incident_view, unit_view};

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
        .filter(|r| !r.is_closed() && visibility::incident(viewer, agreements, r, now))
        .map(|r| ("incident", r.id.clone(), incident_view(r)));
    let units = s
        .units()
        .filter(|u| visibility::unit(engine, viewer, agreements, u, now))
        .map(|u| ("unit", u.registration.id.clone(), unit_view(u)));
    incidents.chain(units).collect()
}

/// For the stream: the view of a changed incident or unit, if `viewer` may see it.
pub(crate) fn visible_case(
    engine: &Engine,
    viewer: &Viewer,
    agreements: &[Agreement],
    case: &Case,
    now: Time,
) -> Option<Value> {
    match case {
        Case::Incident(record) => {
            visibility::incident(viewer, agreements, record, now).then(|| incident_view(record))
        }
        Case::Unit(unit) => {
            visibility::unit(engine, viewer, agreements, unit, now).then(|| unit_view(unit))
        }
    }
}

/// An incident or a unit as a live update carried it.
#[derive(Clone, Debug)]
pub(crate) enum Case {
    Incident(Arc<IncidentRecord>),
    Unit(Arc<UnitState>),
}

impl Case {
    /// The stream's kind and the object's id.
    pub(crate) fn key(&self) -> (&'static str, String) {
        match self {
            Case::Incident(record) => ("incident", record.id.clone()),
            Case::Unit(unit) => ("unit", unit.registration.id.clone()),
        }
    }
}
