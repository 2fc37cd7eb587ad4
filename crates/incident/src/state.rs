//! The incident state and its fold: `Incidents::apply` is the only way anything here changes.

use std::collections::{BTreeMap, BTreeSet};

use model::incident::{
    Actor, ClosureReason, DistressFactor, ImpactLevel, IncidentEvent, IncidentLocation, Persons,
    ReportKind, SarDetails, SarPhase,
};
use model::{AgencyId, Incident, IncidentState, Marking, Time, TrackId};
use serde::{Deserialize, Serialize};

use crate::lifecycle::{allowed_transitions, is_closed};
use crate::units::UnitState;

/// The user name automatic decisions are made under.
pub const SYSTEM_USER: &str = "tansiq";

/// The computer-aided-dispatch timestamps of one incident, each the first time it happened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub detected: Option<Time>,
    pub reported: Option<Time>,
    pub acknowledged: Option<Time>,
    pub verified: Option<Time>,
    pub dispatched: Option<Time>,
    pub unit_acknowledged: Option<Time>,
    pub en_route: Option<Time>,
    pub on_scene: Option<Time>,
    pub resolved: Option<Time>,
    pub closed: Option<Time>,
    pub dismissed: Option<Time>,
}

fn first(slot: &mut Option<Time>, time: Time) {
    if slot.is_none() {
        *slot = Some(time);
    }
}

/// One transition as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionRecord {
    pub seq: u64,
    pub time: Time,
    pub from: IncidentState,
    pub to: IncidentState,
    pub actor: Actor,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingHandover {
    pub from: AgencyId,
    pub to: AgencyId,
    pub offered: Time,
    pub actor: Actor,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    pub time: Time,
    pub actor: Actor,
    pub note: String,
}

/// A note on an incident's timeline (`IncidentEvent::NoteAdded`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteRecord {
    pub seq: u64,
    pub time: Time,
    pub actor: Actor,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<model::Position>,
}

/// A unit's tasking on one incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub tasked: Time,
    pub actor: Actor,
    pub cross_agency: bool,
    pub acknowledged: Option<Time>,
}

/// The IAMSAR side of a SAR incident. The case number is one per boat: one SAR incident each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SarCase {
    pub case_number: String,
    pub phase: SarPhase,
    pub factors: BTreeSet<DistressFactor>,
    pub details: SarDetails,
}

/// Everything known about one incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    pub id: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: Option<IncidentLocation>,
    pub border_section: Option<String>,
    pub originator: AgencyId,
    pub owner: AgencyId,
    pub impact: ImpactLevel,
    pub confidence: u8,
    pub alerts: BTreeSet<String>,
    pub tracks: BTreeSet<TrackId>,
    pub persons: Persons,
    pub exercise: bool,
    pub marking: Marking,
    pub automatic: bool,
    pub state: IncidentState,
    pub opened: Time,
    pub updated: Time,
    pub handover: Option<PendingHandover>,
    pub closure: Option<ClosureReason>,
    pub dismissal: Option<String>,
    pub transitions: Vec<TransitionRecord>,
    pub steps: BTreeMap<String, StepRecord>,
    pub units: BTreeMap<String, TaskRecord>,
    pub reports: BTreeMap<ReportKind, Time>,
    pub sar: Option<SarCase>,
    pub timeline: Timeline,
    /// Notes in the order they were logged (left out when none, so older snapshots and
    /// records without notes serialize as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteRecord>,
}

impl IncidentRecord {
    /// The summary every crate shares (`model::Incident`).
    pub fn summary(&self) -> Incident {
        Incident {
            id: self.id.clone(),
            category: self.category.clone(),
            title: self.title.clone(),
            state: self.state,
            originator: self.originator.clone(),
            owner: self.owner.clone(),
            marking: self.marking.clone(),
            opened: self.opened,
            exercise: self.exercise,
        }
    }

    pub fn is_closed(&self) -> bool {
        is_closed(self.state)
    }

    fn touched_by(&mut self, actor: &Actor, time: Time) {
        self.updated = time;
        if actor.user != SYSTEM_USER {
            first(&mut self.timeline.acknowledged, time);
        }
    }
}

/// What a folded event changed, for the engine to publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Changed {
    Incident(String),
    Unit(String),
}

/// All incidents and units: a deterministic fold over incident events, snapshotted with serde.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Incidents {
    pub(crate) incidents: BTreeMap<String, IncidentRecord>,
    pub(crate) units: BTreeMap<String, UnitState>,
}

impl Incidents {
    pub fn new() -> Incidents {
        Incidents::default()
    }

    pub fn get(&self, id: &str) -> Option<&IncidentRecord> {
        self.incidents.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &IncidentRecord> {
        self.incidents.values()
    }

    pub fn unit(&self, id: &str) -> Option<&UnitState> {
        self.units.get(id)
    }

    pub fn units(&self) -> impl Iterator<Item = &UnitState> {
        self.units.values()
    }

    /// A copy with only the incidents `keep` selects (units kept): for derived views such as
    /// metrics and reminders that must cover only what one viewer may see.
    pub fn filtered(&self, keep: impl Fn(&IncidentRecord) -> bool) -> Incidents {
        Incidents {
            incidents: self
                .incidents
                .iter()
                .filter(|(_, r)| keep(r))
                .map(|(id, r)| (id.clone(), r.clone()))
                .collect(),
            units: self.units.clone(),
        }
    }

    /// The id the fold gives an incident opened by the event at `seq`.
    pub fn id_for(seq: u64) -> String {
        format!("i{seq}")
    }

    /// The id of the `rank`-th incident a fold derives while folding the event at `seq`
    /// (automatic incidents): `i{seq}` for rank 0, `i{seq}.{rank}` after, as alerts are named.
    pub fn id_for_rank(seq: u64, rank: u32) -> String {
        if rank == 0 { Incidents::id_for(seq) } else { format!("i{seq}.{rank}") }
    }

    /// Folds one event logged at `seq` with the envelope time `time`. Pure and total: an event
    /// that does not fit the state (unknown id, a transition no longer allowed) changes nothing,
    /// so replay is deterministic even over a log written by older rules.
    pub fn apply(&mut self, seq: u64, time: Time, event: &IncidentEvent) -> Vec<Changed> {
        self.apply_ranked(seq, 0, time, event)
    }

    /// As [`Incidents::apply`], naming an `Opened` incident [`Incidents::id_for_rank`]: for
    /// events the fold derives itself (several may open incidents while one event is folded).
    pub fn apply_ranked(
        &mut self,
        seq: u64,
        rank: u32,
        time: Time,
        event: &IncidentEvent,
    ) -> Vec<Changed> {
        match event {
            IncidentEvent::Opened(opened) => {
                let id = Incidents::id_for_rank(seq, rank);
                if self.incidents.contains_key(&id) {
                    return Vec::new();
                }
                let record = crate::lifecycle::record_from(id.clone(), time, opened);
                self.incidents.insert(id.clone(), record);
                vec![Changed::Incident(id)]
            }
            IncidentEvent::UnitRegistered(_)
            | IncidentEvent::UnitStatusChanged { .. }
            | IncidentEvent::UnitPositionSet { .. }
            | IncidentEvent::UnitTasked { .. }
            | IncidentEvent::UnitAcknowledged { .. } => crate::units::apply(self, time, event),
            other => self.apply_to_incident(seq, time, other),
        }
    }

    fn apply_to_incident(&mut self, seq: u64, time: Time, event: &IncidentEvent) -> Vec<Changed> {
        let Some(id) = incident_id(event) else { return Vec::new() };
        let Some(record) = self.incidents.get_mut(id) else { return Vec::new() };
        let was_closed = record.is_closed();
        if !fold_incident(record, seq, time, event) {
            return Vec::new();
        }
        let mut changed = vec![Changed::Incident(id.to_owned())];
        if !was_closed && record.is_closed() {
            self.release_units(id, time, &mut changed);
        }
        changed
    }

    /// Closing or dismissing an incident frees the units still tasked to it, as a dispatch
    /// system clears units when the call is closed: they can be tasked again at once.
    fn release_units(&mut self, id: &str, time: Time, changed: &mut Vec<Changed>) {
        for unit in self.units.values_mut().filter(|u| u.incident.as_deref() == Some(id)) {
            unit.incident = None;
            if unit.status != model::UnitStatus::OutOfService {
                unit.status = model::UnitStatus::Available;
            }
            unit.updated = time;
            changed.push(Changed::Unit(unit.registration.id.clone()));
        }
    }
}

fn incident_id(event: &IncidentEvent) -> Option<&str> {
    match event {
        IncidentEvent::Updated { id, .. }
        | IncidentEvent::Acknowledged { id, .. }
        | IncidentEvent::Transitioned { id, .. }
        | IncidentEvent::HandoverOffered { id, .. }
        | IncidentEvent::HandoverAccepted { id, .. }
        | IncidentEvent::HandoverDeclined { id, .. }
        | IncidentEvent::AlertLinked { id, .. }
        | IncidentEvent::TrackLinked { id, .. }
        | IncidentEvent::StepCompleted { id, .. }
        | IncidentEvent::ReportFiled { id, .. }
        | IncidentEvent::SarPhaseSet { id, .. }
        | IncidentEvent::SarDetailsSet { id, .. }
        | IncidentEvent::NoteAdded { id, .. } => Some(id),
        _ => None,
    }
}

/// Applies an incident-scoped event; false when it does not fit and changed nothing.
fn fold_incident(r: &mut IncidentRecord, seq: u64, time: Time, event: &IncidentEvent) -> bool {
    // Reports may still be filed after closure (the SAR closure report is filed after it).
    let closed_ok = matches!(event, IncidentEvent::ReportFiled { .. });
    if r.is_closed() && !closed_ok {
        return false;
    }
    match event {
        IncidentEvent::Updated { patch, actor, .. } => {
            crate::lifecycle::apply_patch(r, patch);
            r.touched_by(actor, time);
        }
        IncidentEvent::Acknowledged { actor, .. } => r.touched_by(actor, time),
        IncidentEvent::Transitioned { to, actor, reason, closure, .. } => {
            if !allowed_transitions(r.state).contains(to) {
                return false;
            }
            let from = r.state;
            r.state = *to;
            r.transitions.push(TransitionRecord {
                seq,
                time,
                from,
                to: *to,
                actor: actor.clone(),
                reason: reason.clone(),
            });
            stamp_transition(r, *to, time, reason, *closure);
            r.touched_by(actor, time);
        }
        IncidentEvent::HandoverOffered { from, to, actor, reason, .. } => {
            if r.handover.is_some() || *to == r.owner {
                return false;
            }
            r.handover = Some(PendingHandover {
                from: from.clone(),
                to: to.clone(),
                offered: time,
                actor: actor.clone(),
                reason: reason.clone(),
            });
            r.touched_by(actor, time);
        }
        IncidentEvent::HandoverAccepted { actor, .. } => {
            let Some(pending) = r.handover.take_if(|p| p.to == actor.agency) else { return false };
            r.owner = pending.to;
            r.touched_by(actor, time);
        }
        IncidentEvent::HandoverDeclined { actor, .. } => {
            if r.handover.take_if(|p| p.to == actor.agency).is_none() {
                return false;
            }
            r.updated = time;
        }
        IncidentEvent::AlertLinked { alert, tracks, alert_time, actor, .. } => {
            r.alerts.insert(alert.clone());
            r.tracks.extend(tracks.iter().cloned());
            r.timeline.detected =
                Some(r.timeline.detected.map_or(*alert_time, |d| d.min(*alert_time)));
            r.touched_by(actor, time);
        }
        IncidentEvent::TrackLinked { track, actor, .. } => {
            r.tracks.insert(track.clone());
            r.touched_by(actor, time);
        }
        IncidentEvent::StepCompleted { step, actor, note, .. } => {
            if r.steps.contains_key(step) {
                return false;
            }
            let record = StepRecord { time, actor: actor.clone(), note: note.clone() };
            r.steps.insert(step.clone(), record);
            r.touched_by(actor, time);
        }
        IncidentEvent::ReportFiled { report, .. } => {
            r.reports.entry(*report).or_insert(time);
            r.updated = time;
        }
        IncidentEvent::SarPhaseSet { phase, factors, actor, .. } => {
            let Some(sar) = r.sar.as_mut() else { return false };
            sar.phase = *phase;
            sar.factors = factors.clone();
            r.touched_by(actor, time);
        }
        IncidentEvent::NoteAdded { actor, text, source, position, .. } => {
            r.notes.push(NoteRecord {
                seq,
                time,
                actor: actor.clone(),
                text: text.clone(),
                source: source.clone(),
                position: *position,
            });
            // A note is news, not an acknowledgement: it does not stamp the timeline.
            r.updated = time;
        }
        IncidentEvent::SarDetailsSet { details, actor, .. } => {
            let Some(sar) = r.sar.as_mut() else { return false };
            sar.details = details.clone();
            r.touched_by(actor, time);
        }
        _ => return false,
    }
    true
}

fn stamp_transition(
    r: &mut IncidentRecord,
    to: IncidentState,
    time: Time,
    reason: &str,
    closure: Option<ClosureReason>,
) {
    let t = &mut r.timeline;
    match to {
        IncidentState::Reported => {}
        IncidentState::Verified => first(&mut t.verified, time),
        IncidentState::Assigned => first(&mut t.dispatched, time),
        IncidentState::Responding => first(&mut t.en_route, time),
        IncidentState::OnScene => first(&mut t.on_scene, time),
        IncidentState::Resolved => first(&mut t.resolved, time),
        IncidentState::Closed => {
            first(&mut t.closed, time);
            r.closure = closure;
        }
        IncidentState::Dismissed => {
            first(&mut t.dismissed, time);
            r.dismissal = Some(reason.to_owned());
        }
    }
}
