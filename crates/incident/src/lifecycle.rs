//! The lifecycle of docs/domain.md and the commands that move incidents along it.
//!
//! Every `decide_*` function checks a request against the current state and returns the events
//! to append, or the reason it is refused. They never change the state: the fold does, once the
//! events are in the log.

use model::incident::{
    Actor, ClosureReason, ImpactLevel, IncidentEvent, IncidentLocation, IncidentOpened,
    IncidentPatch, Persons,
};
use model::{AgencyId, IncidentState, Marking, Time, TrackId};
use serde::{Deserialize, Serialize};

use crate::state::{IncidentRecord, SarCase, Timeline};
use crate::{IncidentError, Incidents, Taxonomy};

use IncidentState as S;

/// Where an incident may go from `from`. `dismissed` (did not occur) is open to every state
/// before `resolved`: once resolved, the event did occur. `reported → assigned` lets a unit be
/// tasked before verification, as SAR demands; `responding → resolved` covers a target that
/// turned back.
pub fn allowed_transitions(from: IncidentState) -> &'static [IncidentState] {
    match from {
        S::Reported => &[S::Verified, S::Assigned, S::Dismissed],
        S::Verified => &[S::Assigned, S::Dismissed],
        S::Assigned => &[S::Responding, S::Dismissed],
        S::Responding => &[S::OnScene, S::Resolved, S::Dismissed],
        S::OnScene => &[S::Resolved, S::Dismissed],
        S::Resolved => &[S::Closed],
        S::Closed | S::Dismissed => &[],
    }
}

/// Closed and dismissed incidents are final.
pub fn is_closed(state: IncidentState) -> bool {
    matches!(state, S::Closed | S::Dismissed)
}

pub fn state_name(state: IncidentState) -> &'static str {
    match state {
        S::Reported => "reported",
        S::Verified => "verified",
        S::Assigned => "assigned",
        S::Responding => "responding",
        S::OnScene => "on_scene",
        S::Resolved => "resolved",
        S::Closed => "closed",
        S::Dismissed => "dismissed",
    }
}

pub(crate) fn state_list(states: &[IncidentState]) -> String {
    if states.is_empty() {
        return "none".to_owned();
    }
    states.iter().map(|s| state_name(*s)).collect::<Vec<_>>().join(", ")
}

/// A request to open an incident, as a person or a script sends it. Omitted impact takes the
/// category's default; omitted owner and originator are the actor's agency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub location: Option<IncidentLocation>,
    #[serde(default)]
    pub border_section: Option<String>,
    #[serde(default)]
    pub owner: Option<AgencyId>,
    #[serde(default)]
    pub impact: Option<ImpactLevel>,
    #[serde(default = "default_confidence")]
    pub confidence: u8,
    #[serde(default)]
    pub alerts: Vec<String>,
    #[serde(default)]
    pub tracks: Vec<TrackId>,
    #[serde(default)]
    pub persons: Persons,
    #[serde(default)]
    pub exercise: bool,
    #[serde(default)]
    pub marking: Marking,
    #[serde(default)]
    pub detected: Option<Time>,
}

pub fn default_confidence() -> u8 {
    50
}

fn check_location(location: Option<&IncidentLocation>) -> Result<(), IncidentError> {
    let points: Vec<[f64; 2]> = match location {
        None => return Ok(()),
        Some(IncidentLocation::Point { position }) => vec![[position.lon, position.lat]],
        Some(IncidentLocation::Area { ring }) => {
            if ring.len() < 3 {
                return Err(IncidentError::InvalidValue {
                    field: "area",
                    problem: format!("a ring needs at least 3 points, got {}", ring.len()),
                });
            }
            ring.clone()
        }
    };
    for [lon, lat] in points {
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(IncidentError::InvalidCoordinates { lon, lat });
        }
    }
    Ok(())
}

fn check_confidence(confidence: u8) -> Result<(), IncidentError> {
    if confidence > 100 {
        return Err(IncidentError::InvalidValue {
            field: "confidence",
            problem: format!("{confidence} is above 100 percent"),
        });
    }
    Ok(())
}

pub fn decide_open(
    taxonomy: &Taxonomy,
    request: OpenRequest,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let category = taxonomy.get(&request.category)?;
    if request.title.trim().is_empty() {
        return Err(IncidentError::InvalidValue { field: "title", problem: "empty".into() });
    }
    check_confidence(request.confidence)?;
    check_location(request.location.as_ref())?;
    let opened = IncidentOpened {
        impact: request.impact.unwrap_or(category.impact),
        category: request.category,
        title: request.title,
        description: request.description,
        location: request.location,
        border_section: request.border_section,
        originator: actor.agency.clone(),
        owner: request.owner.unwrap_or_else(|| actor.agency.clone()),
        confidence: request.confidence,
        alerts: request.alerts,
        tracks: request.tracks,
        persons: request.persons,
        exercise: request.exercise,
        marking: request.marking,
        detected: request.detected,
        automatic: false,
        actor: actor.clone(),
    };
    Ok(vec![IncidentEvent::Opened(Box::new(opened))])
}

/// The record a fold makes of an `Opened` event.
pub(crate) fn record_from(id: String, time: Time, o: &IncidentOpened) -> IncidentRecord {
    // By code prefix, not by the taxonomy file: replay must not depend on editable data.
    let sar = o.category.starts_with("sar.");
    let timeline = Timeline {
        detected: Some(o.detected.map_or(time, |d| d.min(time))),
        reported: Some(time),
        acknowledged: (!o.automatic).then_some(time),
        ..Timeline::default()
    };
    IncidentRecord {
        sar: sar.then(|| SarCase { case_number: format!("SAR-{id}"), ..SarCase::default() }),
        id,
        category: o.category.clone(),
        title: o.title.clone(),
        description: o.description.clone(),
        location: o.location.clone(),
        border_section: o.border_section.clone(),
        originator: o.originator.clone(),
        owner: o.owner.clone(),
        impact: o.impact,
        confidence: o.confidence.min(100),
        alerts: o.alerts.iter().cloned().collect(),
        tracks: o.tracks.iter().cloned().collect(),
        persons: o.persons,
        exercise: o.exercise,
        marking: o.marking.clone(),
        automatic: o.automatic,
        state: S::Reported,
        opened: time,
        updated: time,
        handover: None,
        closure: None,
        dismissal: None,
        transitions: Vec::new(),
        steps: Default::default(),
        units: Default::default(),
        reports: Default::default(),
        timeline,
        notes: Vec::new(),
    }
}

pub(crate) fn apply_patch(r: &mut IncidentRecord, p: &IncidentPatch) {
    if let Some(v) = &p.title {
        r.title.clone_from(v);
    }
    if let Some(v) = &p.description {
        r.description.clone_from(v);
    }
    if let Some(v) = &p.location {
        r.location = Some(v.clone());
    }
    if let Some(v) = &p.border_section {
        r.border_section = Some(v.clone());
    }
    if let Some(v) = p.impact {
        r.impact = v;
    }
    if let Some(v) = p.confidence {
        r.confidence = v.min(100);
    }
    if let Some(v) = p.persons {
        r.persons = v;
    }
    if let Some(v) = &p.marking {
        r.marking = v.clone();
    }
}

/// The incident, if it exists and is still open.
/// The longest note kept, in characters; a longer text is cut there.
pub const MAX_NOTE_CHARS: usize = 4_000;

/// Adds a note to an open incident's timeline; blank text adds nothing.
pub fn decide_note(
    state: &Incidents,
    id: &str,
    actor: &Actor,
    text: &str,
    source: &str,
    position: Option<model::Position>,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    open_incident(state, id)?;
    let text: String = text.trim().chars().take(MAX_NOTE_CHARS).collect();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![IncidentEvent::NoteAdded {
        id: id.to_owned(),
        actor: actor.clone(),
        text,
        source: source.to_owned(),
        position,
    }])
}

pub(crate) fn open_incident<'a>(
    state: &'a Incidents,
    id: &str,
) -> Result<&'a IncidentRecord, IncidentError> {
    let record =
        state.get(id).ok_or_else(|| IncidentError::UnknownIncident { id: id.to_owned() })?;
    if record.is_closed() {
        return Err(IncidentError::IncidentClosed { id: id.to_owned(), state: record.state });
    }
    Ok(record)
}

pub fn decide_update(
    state: &Incidents,
    id: &str,
    patch: IncidentPatch,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    open_incident(state, id)?;
    if patch.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(IncidentError::InvalidValue { field: "title", problem: "empty".into() });
    }
    if let Some(c) = patch.confidence {
        check_confidence(c)?;
    }
    check_location(patch.location.as_ref())?;
    Ok(vec![IncidentEvent::Updated { id: id.to_owned(), patch, actor: actor.clone() }])
}

pub fn decide_acknowledge(
    state: &Incidents,
    id: &str,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    open_incident(state, id)?;
    Ok(vec![IncidentEvent::Acknowledged { id: id.to_owned(), actor: actor.clone() }])
}

/// Moves an incident to `to`. Dismissal needs a reason; closure needs a closure reason.
pub fn decide_transition(
    state: &Incidents,
    id: &str,
    to: IncidentState,
    actor: &Actor,
    reason: &str,
    closure: Option<ClosureReason>,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, id)?;
    let allowed = allowed_transitions(record.state);
    if !allowed.contains(&to) {
        return Err(IncidentError::InvalidTransition {
            id: id.to_owned(),
            from: record.state,
            to,
            allowed: allowed.to_vec(),
        });
    }
    if to == S::Dismissed && reason.trim().is_empty() {
        return Err(IncidentError::ReasonRequired { action: "dismiss an incident" });
    }
    if to == S::Closed && closure.is_none() {
        return Err(IncidentError::ClosureReasonRequired { id: id.to_owned() });
    }
    Ok(vec![IncidentEvent::Transitioned {
        id: id.to_owned(),
        from: record.state,
        to,
        actor: actor.clone(),
        reason: reason.to_owned(),
        closure: if to == S::Closed { closure } else { None },
    }])
}

/// Offers the incident to agency `to`; ownership moves only when `to` accepts.
pub fn decide_handover_offer(
    state: &Incidents,
    id: &str,
    to: &AgencyId,
    actor: &Actor,
    reason: &str,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, id)?;
    if let Some(pending) = &record.handover {
        return Err(IncidentError::HandoverPending { id: id.to_owned(), to: pending.to.clone() });
    }
    if *to == record.owner {
        return Err(IncidentError::HandoverToOwner { id: id.to_owned(), agency: to.clone() });
    }
    if to.as_str().trim().is_empty() {
        return Err(IncidentError::InvalidValue { field: "agency", problem: "empty".into() });
    }
    Ok(vec![IncidentEvent::HandoverOffered {
        id: id.to_owned(),
        from: record.owner.clone(),
        to: to.clone(),
        actor: actor.clone(),
        reason: reason.to_owned(),
    }])
}

fn pending_for<'a>(
    state: &'a Incidents,
    id: &str,
    actor: &Actor,
) -> Result<&'a IncidentRecord, IncidentError> {
    let record = open_incident(state, id)?;
    let pending =
        record.handover.as_ref().ok_or(IncidentError::NoHandoverPending { id: id.to_owned() })?;
    if pending.to != actor.agency {
        return Err(IncidentError::NotHandoverReceiver {
            id: id.to_owned(),
            agency: actor.agency.clone(),
            expected: pending.to.clone(),
        });
    }
    Ok(record)
}

/// Only someone of the receiving agency may accept.
pub fn decide_handover_accept(
    state: &Incidents,
    id: &str,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    pending_for(state, id, actor)?;
    Ok(vec![IncidentEvent::HandoverAccepted { id: id.to_owned(), actor: actor.clone() }])
}

pub fn decide_handover_decline(
    state: &Incidents,
    id: &str,
    actor: &Actor,
    reason: &str,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    pending_for(state, id, actor)?;
    if reason.trim().is_empty() {
        return Err(IncidentError::ReasonRequired { action: "decline a hand-over" });
    }
    Ok(vec![IncidentEvent::HandoverDeclined {
        id: id.to_owned(),
        actor: actor.clone(),
        reason: reason.to_owned(),
    }])
}

pub fn decide_link_alert(
    state: &Incidents,
    id: &str,
    alert: &model::Alert,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, id)?;
    if record.alerts.contains(&alert.id) {
        return Err(IncidentError::AlreadyLinked {
            id: id.to_owned(),
            what: "alert",
            value: alert.id.clone(),
        });
    }
    Ok(vec![IncidentEvent::AlertLinked {
        id: id.to_owned(),
        alert: alert.id.clone(),
        tracks: alert.tracks.clone(),
        alert_time: alert.first_time,
        actor: actor.clone(),
    }])
}

pub fn decide_link_track(
    state: &Incidents,
    id: &str,
    track: &TrackId,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, id)?;
    if record.tracks.contains(track) {
        return Err(IncidentError::AlreadyLinked {
            id: id.to_owned(),
            what: "track",
            value: track.0.to_string(),
        });
    }
    Ok(vec![IncidentEvent::TrackLinked {
        id: id.to_owned(),
        track: track.clone(),
        actor: actor.clone(),
    }])
}
