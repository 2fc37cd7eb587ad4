//! Units: the registry, their status and position, and tasking them to incidents.

use model::incident::{Actor, IncidentEvent, UnitPositionSource, UnitRegistration};
use model::{IncidentState, Position, Time, Unit, UnitStatus};
use serde::{Deserialize, Serialize};

use crate::lifecycle::{allowed_transitions, open_incident};
use crate::state::{Changed, TaskRecord};
use crate::{IncidentError, Incidents};

/// The last known position of a unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitFix {
    pub time: Time,
    pub position: Position,
    pub speed_mps: Option<f64>,
    pub course_deg: Option<f64>,
    pub source: UnitPositionSource,
}

/// A registered unit and what it is doing now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitState {
    pub registration: UnitRegistration,
    pub status: UnitStatus,
    pub fix: Option<UnitFix>,
    /// The incident it is tasked to, until it is available again.
    pub incident: Option<String>,
    pub updated: Time,
}

impl UnitState {
    /// Where the unit is: the last fix, else its base.
    pub fn position(&self) -> Position {
        self.fix.as_ref().map_or(self.registration.base, |f| f.position)
    }

    /// The summary every crate shares (`model::Unit`).
    pub fn summary(&self) -> Unit {
        let r = &self.registration;
        Unit {
            id: r.id.clone(),
            name: r.name.clone(),
            agency: r.agency.clone(),
            kind: r.kind,
            status: self.status,
            marking: r.marking.clone(),
            position: Some(self.position()),
        }
    }
}

/// Permission to task another agency's unit: an input decided by the caller from the sharing
/// agreements (the `access` crate), never assumed here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPermission {
    pub cross_agency: bool,
}

fn valid_position(p: &Position) -> Result<(), IncidentError> {
    if p.lon.is_finite() && p.lat.is_finite() && p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0 {
        Ok(())
    } else {
        Err(IncidentError::InvalidCoordinates { lon: p.lon, lat: p.lat })
    }
}

fn known_unit<'a>(state: &'a Incidents, id: &str) -> Result<&'a UnitState, IncidentError> {
    state.unit(id).ok_or_else(|| IncidentError::UnknownUnit { id: id.to_owned() })
}

pub fn decide_register_unit(
    state: &Incidents,
    registration: UnitRegistration,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    if registration.id.trim().is_empty() {
        return Err(IncidentError::InvalidValue { field: "unit id", problem: "empty".into() });
    }
    if state.unit(&registration.id).is_some() {
        return Err(IncidentError::UnitAlreadyRegistered { id: registration.id });
    }
    let speed = registration.max_speed_mps;
    if !(speed.is_finite() && (0.0..=400.0).contains(&speed)) {
        return Err(IncidentError::InvalidValue {
            field: "max_speed_mps",
            problem: format!("{speed} is not between 0 and 400"),
        });
    }
    valid_position(&registration.base)?;
    Ok(vec![IncidentEvent::UnitRegistered(Box::new(registration))])
}

/// Tasks `unit` to `incident`. A unit of another agency than the actor's needs
/// `permission.cross_agency`. Tasking an incident that is `reported` or `verified` also moves it
/// to `assigned`, as one decision.
pub fn decide_task(
    state: &Incidents,
    incident: &str,
    unit: &str,
    actor: &Actor,
    permission: TaskPermission,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, incident)?;
    let u = known_unit(state, unit)?;
    let cross_agency = u.registration.agency != actor.agency;
    if cross_agency && !permission.cross_agency {
        return Err(IncidentError::CrossAgencyTasking {
            unit: unit.to_owned(),
            unit_agency: u.registration.agency.clone(),
            actor_agency: actor.agency.clone(),
        });
    }
    if let Some(current) = &u.incident {
        return Err(IncidentError::UnitAlreadyTasked {
            unit: unit.to_owned(),
            incident: current.clone(),
        });
    }
    if u.status != UnitStatus::Available {
        return Err(IncidentError::UnitNotAvailable { unit: unit.to_owned(), status: u.status });
    }
    let mut events = vec![IncidentEvent::UnitTasked {
        incident: incident.to_owned(),
        unit: unit.to_owned(),
        actor: actor.clone(),
        cross_agency,
    }];
    if matches!(record.state, IncidentState::Reported | IncidentState::Verified) {
        events.push(IncidentEvent::Transitioned {
            id: incident.to_owned(),
            from: record.state,
            to: IncidentState::Assigned,
            actor: actor.clone(),
            reason: format!("unit {unit} tasked"),
            closure: None,
        });
    }
    Ok(events)
}

fn tasked_unit<'a>(
    state: &'a Incidents,
    incident: &str,
    unit: &str,
) -> Result<&'a UnitState, IncidentError> {
    let u = known_unit(state, unit)?;
    if u.incident.as_deref() != Some(incident) {
        return Err(IncidentError::UnitNotTasked {
            unit: unit.to_owned(),
            incident: incident.to_owned(),
        });
    }
    Ok(u)
}

/// The unit (its crew, through TAK or a person) confirms the task.
pub fn decide_unit_acknowledge(
    state: &Incidents,
    incident: &str,
    unit: &str,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    tasked_unit(state, incident, unit)?;
    Ok(vec![IncidentEvent::UnitAcknowledged {
        incident: incident.to_owned(),
        unit: unit.to_owned(),
        actor: actor.clone(),
    }])
}

/// A unit's status change. En route and on scene move its incident along the lifecycle when
/// that is the next step (assigned → responding, responding → on scene).
pub fn decide_unit_status(
    state: &Incidents,
    unit: &str,
    status: UnitStatus,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let u = known_unit(state, unit)?;
    if matches!(status, UnitStatus::Tasked) {
        return Err(IncidentError::InvalidValue {
            field: "status",
            problem: "a unit becomes tasked only by tasking it to an incident".into(),
        });
    }
    if matches!(status, UnitStatus::EnRoute | UnitStatus::OnScene) && u.incident.is_none() {
        return Err(IncidentError::InvalidValue {
            field: "status",
            problem: format!("unit `{unit}` is not tasked to any incident"),
        });
    }
    let incident = u.incident.clone();
    let mut events = vec![IncidentEvent::UnitStatusChanged {
        unit: unit.to_owned(),
        status,
        actor: actor.clone(),
        incident: incident.clone(),
    }];
    let next = match status {
        UnitStatus::EnRoute => Some(IncidentState::Responding),
        UnitStatus::OnScene => Some(IncidentState::OnScene),
        _ => None,
    };
    if let (Some(id), Some(to)) = (incident, next)
        && let Some(record) = state.get(&id)
        && allowed_transitions(record.state).contains(&to)
    {
        events.push(IncidentEvent::Transitioned {
            from: record.state,
            to,
            actor: actor.clone(),
            reason: format!(
                "unit {unit} {}",
                if to == IncidentState::OnScene { "on scene" } else { "en route" }
            ),
            closure: None,
            id,
        });
    }
    Ok(events)
}

pub fn decide_unit_position(
    state: &Incidents,
    unit: &str,
    position: Position,
    speed_mps: Option<f64>,
    course_deg: Option<f64>,
    source: UnitPositionSource,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    known_unit(state, unit)?;
    valid_position(&position)?;
    Ok(vec![IncidentEvent::UnitPositionSet {
        unit: unit.to_owned(),
        position,
        speed_mps: speed_mps.filter(|s| s.is_finite() && *s >= 0.0),
        course_deg: course_deg.filter(|c| c.is_finite()),
        source,
        actor: actor.clone(),
    }])
}

/// The fold of unit events (called by [`Incidents::apply`]).
pub(crate) fn apply(state: &mut Incidents, time: Time, event: &IncidentEvent) -> Vec<Changed> {
    match event {
        IncidentEvent::UnitRegistered(reg) => {
            if state.units.contains_key(&reg.id) {
                return Vec::new();
            }
            let unit = UnitState {
                registration: (**reg).clone(),
                status: UnitStatus::Available,
                fix: None,
                incident: None,
                updated: time,
            };
            state.units.insert(reg.id.clone(), unit);
            vec![Changed::Unit(reg.id.clone())]
        }
        IncidentEvent::UnitTasked { incident, unit, actor, cross_agency } => {
            let Some(record) = state.incidents.get_mut(incident) else { return Vec::new() };
            let Some(u) = state.units.get_mut(unit) else { return Vec::new() };
            if record.is_closed() || u.incident.is_some() {
                return Vec::new();
            }
            u.status = UnitStatus::Tasked;
            u.incident = Some(incident.clone());
            u.updated = time;
            let task = TaskRecord {
                tasked: time,
                actor: actor.clone(),
                cross_agency: *cross_agency,
                acknowledged: None,
            };
            record.units.insert(unit.clone(), task);
            record.timeline.dispatched.get_or_insert(time);
            record.timeline.acknowledged.get_or_insert(time);
            record.updated = time;
            vec![Changed::Unit(unit.clone()), Changed::Incident(incident.clone())]
        }
        IncidentEvent::UnitAcknowledged { incident, unit, .. } => {
            let Some(record) = state.incidents.get_mut(incident) else { return Vec::new() };
            let Some(task) = record.units.get_mut(unit) else { return Vec::new() };
            task.acknowledged.get_or_insert(time);
            record.timeline.unit_acknowledged.get_or_insert(time);
            record.updated = time;
            vec![Changed::Incident(incident.clone())]
        }
        IncidentEvent::UnitStatusChanged { unit, status, .. } => {
            let Some(u) = state.units.get_mut(unit) else { return Vec::new() };
            u.status = *status;
            u.updated = time;
            let mut changed = vec![Changed::Unit(unit.clone())];
            let incident = u.incident.clone();
            if matches!(status, UnitStatus::Available | UnitStatus::OutOfService) {
                u.incident = None;
            }
            if let Some(record) = incident.and_then(|id| state.incidents.get_mut(&id)) {
                let t = &mut record.timeline;
                match status {
                    UnitStatus::EnRoute => _ = t.en_route.get_or_insert(time),
                    UnitStatus::OnScene => _ = t.on_scene.get_or_insert(time),
                    _ => {}
                }
                record.updated = time;
                changed.push(Changed::Incident(record.id.clone()));
            }
            changed
        }
        IncidentEvent::UnitPositionSet {
            unit, position, speed_mps, course_deg, source, ..
        } => {
            let Some(u) = state.units.get_mut(unit) else { return Vec::new() };
            u.fix = Some(UnitFix {
                time,
                position: *position,
                speed_mps: *speed_mps,
                course_deg: *course_deg,
                source: *source,
            });
            u.updated = time;
            vec![Changed::Unit(unit.clone())]
        }
        _ => Vec::new(),
    }
}
