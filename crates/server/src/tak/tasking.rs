//! Tasks out to field units: when a unit is tasked to an incident, the TAK client of its
//! tracker (the unit's CoT uid, else its id, matched against client uids and call signs) gets
//! a marker at the incident with the task in its remarks and a GeoChat message saying the same.
//!
//! It follows the centre's live updates (a `unit` update after every unit change), so a task
//! that could not be delivered — the unit's client was not connected — goes out with the next
//! change to that unit. Each tasking (unit, incident) is sent once.

use std::collections::HashSet;

use engine::Engine;
use model::incident::IncidentLocation;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{Hub, TaskError, task_events};
use crate::centre::{Centre, Update};

struct Task {
    unit: String,
    tracker: String,
    incident: String,
    title: String,
    at: (f64, f64),
}

/// The task a unit is on, if it is tasked to an incident.
fn task_for(engine: &Engine, unit: &str) -> Option<Task> {
    let incidents = engine.incidents();
    let state = incidents.unit(unit)?;
    let incident = state.incident.clone()?;
    let record = incidents.get(&incident)?;
    let at = match &record.location {
        Some(IncidentLocation::Point { position }) => Some((position.lat, position.lon)),
        Some(IncidentLocation::Area { ring }) => ring.first().map(|p| (p[1], p[0])),
        None => None,
    };
    let at = at.unwrap_or_else(|| {
        let p = state.position();
        (p.lat, p.lon)
    });
    let registration = &state.registration;
    Some(Task {
        unit: registration.id.clone(),
        tracker: registration.tracker.clone().unwrap_or_else(|| registration.id.clone()),
        title: format!("Task {incident}: {}", record.title),
        incident,
        at,
    })
}

pub(crate) async fn run(hub: Hub, centre: Centre) {
    let mut updates = centre.subscribe();
    let mut sent: HashSet<(String, String)> = HashSet::new();
    loop {
        let update = match updates.recv().await {
            Ok(update) => update,
            Err(RecvError::Lagged(missed)) => {
                centre.metrics().subscriber_lagged.inc_by(missed);
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        let Update::Unit(unit) = &*update else { continue };
        let unit = unit.registration.id.as_str();
        let Some(task) = centre.read(|engine| task_for(engine, unit)) else {
            sent.retain(|(u, _)| u != unit);
            continue;
        };
        if sent.contains(&(task.unit.clone(), task.incident.clone())) {
            continue;
        }
        let events =
            match task_events(&task.tracker, &task.incident, &task.title, task.at, centre.now()) {
                Ok(events) => events,
                Err(error) => {
                    tracing::warn!(%error, unit = %task.unit, "tak task not encodable");
                    continue;
                }
            };
        match hub.send_task(&task.tracker, events) {
            Ok(_) => {
                tracing::info!(unit = %task.unit, incident = %task.incident, "task sent to tak client");
                sent.insert((task.unit, task.incident));
            }
            Err(error @ (TaskError::NotConnected(_) | TaskError::QueueFull(_))) => {
                tracing::info!(%error, incident = %task.incident, "task not sent to tak");
            }
        }
    }
}
