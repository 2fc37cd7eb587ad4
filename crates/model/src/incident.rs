//! Incident and unit events: the log's schema for the cases people work on and the units they task.
//!
//! Each variant is a decision already validated by the `incident` crate's command functions; the
//! fold only applies them. The time of every event is the envelope's [`crate::Event::time`], so
//! none of these payloads carries a "now" of its own. Variant and field names are the log's
//! schema: add optional fields freely, never rename.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{AgencyId, IncidentState, Marking, Position, Time, TrackId, UnitKind, UnitStatus};

/// Who did something: a user and the agency they act for. Automatic decisions name the
/// system user `tansiq` and the agency whose alert caused them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub user: String,
    pub agency: AgencyId,
}

impl Actor {
    pub fn new(user: impl Into<String>, agency: impl Into<String>) -> Actor {
        Actor { user: user.into(), agency: AgencyId::new(agency) }
    }
}

/// EUROSUR impact level of an event (low … very high).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ImpactLevel {
    Low,
    #[default]
    Medium,
    High,
    VeryHigh,
}

/// Where an incident is: a point, or an area as a closed ring of WGS84 `[lon, lat]` pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IncidentLocation {
    Point { position: Position },
    Area { ring: Vec<[f64; 2]> },
}

/// Persons involved, as last reported. `on_board` is unknown until someone counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persons {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_board: Option<u32>,
    #[serde(default)]
    pub rescued: u32,
    #[serde(default)]
    pub missing: u32,
    #[serde(default)]
    pub dead: u32,
}

/// Why an incident was closed (after it was resolved). Dismissal has its own free-text reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    /// Persons rescued and landed or handed to the competent authority.
    Rescued,
    /// Vessel, vehicle or persons intercepted; the case passed to the judicial authority.
    Intercepted,
    /// Suspects apprehended or goods seized.
    Seized,
    /// The target left the area of responsibility (or crossed back) before interception.
    LeftArea,
    /// Handled by another authority or state.
    Transferred,
    /// The same event is followed in another incident.
    Duplicate,
    /// Nothing further can be done (search suspended, no trace found).
    NoFurtherAction,
}

/// IAMSAR emergency phases, from least to most severe.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SarPhase {
    /// INCERFA: doubt about the safety of persons.
    #[default]
    Uncertainty,
    /// ALERFA: apprehension for their safety.
    Alert,
    /// DETRESFA: reasonable certainty of grave and imminent danger.
    Distress,
}

/// Distress factors recorded for a boat (IAMSAR / EUROSUR regulation 656/2014 art. 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistressFactor {
    RequestForHelp,
    Unseaworthy,
    Overloaded,
    LackOfSupplies,
    NoQualifiedCrew,
    NoSafetyEquipment,
    NoCommunication,
    MedicalCases,
    Deceased,
    PregnantWomenOrChildren,
    AdverseWeather,
}

/// The free-text parts of a SAR case that feed the SITREP (fields E, F, H and J–N).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SarDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistance_required: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinating_rcc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weather: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_actions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinating_instructions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub future_plans: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
}

/// Reports owed to EUROSUR that have timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The first event report (within 24 h of detection).
    First,
    /// The SAR closure report (within 24 h of the end of the operation).
    SarClosure,
}

/// A new incident. Its id is not chosen here: the fold names it `i{seq}` from the log position,
/// so two offices opening incidents at once can never collide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentOpened {
    /// Code from the shared taxonomy, e.g. `sar.distress`.
    pub category: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<IncidentLocation>,
    /// The border section the incident lies in, as the caller's geography named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_section: Option<String>,
    pub originator: AgencyId,
    pub owner: AgencyId,
    pub impact: ImpactLevel,
    /// Confidence in percent (0–100), from the source's reliability and the validation state.
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
    /// When the event was first detected (the first alert's time); the opening time if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected: Option<Time>,
    /// True when an auto-incident rule opened it rather than a person.
    #[serde(default)]
    pub automatic: bool,
    pub actor: Actor,
}

/// Changes to an open incident's descriptive fields; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<IncidentLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<ImpactLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<Persons>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marking: Option<Marking>,
}

/// Where a unit's position came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitPositionSource {
    Cot,
    Ais,
    Manual,
}

/// A unit as registered: what it is and what it can do. Status and position change by events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitRegistration {
    pub id: String,
    pub name: String,
    pub agency: AgencyId,
    pub kind: UnitKind,
    /// Free capability tags, e.g. `rescue`, `boarding`, `night_vision`, `medical`.
    #[serde(default)]
    pub capabilities: BTreeSet<String>,
    /// Maximum speed in metres per second (0 for a fixed post).
    pub max_speed_mps: f64,
    /// The home base, used as the position until a fix arrives.
    pub base: Position,
    #[serde(default)]
    pub marking: Marking,
    /// CoT uid or MMSI of the unit's own tracker, to bind incoming fixes to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracker: Option<String>,
}

/// Incident and unit events. Externally tagged, snake_case, like [`crate::EventKind`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentEvent {
    Opened(Box<IncidentOpened>),
    Updated {
        id: String,
        patch: IncidentPatch,
        actor: Actor,
    },
    /// A person took notice of the incident (the first one sets "acknowledged").
    Acknowledged {
        id: String,
        actor: Actor,
    },
    Transitioned {
        id: String,
        from: IncidentState,
        to: IncidentState,
        actor: Actor,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closure: Option<ClosureReason>,
    },
    HandoverOffered {
        id: String,
        from: AgencyId,
        to: AgencyId,
        actor: Actor,
        reason: String,
    },
    HandoverAccepted {
        id: String,
        actor: Actor,
    },
    HandoverDeclined {
        id: String,
        actor: Actor,
        reason: String,
    },
    AlertLinked {
        id: String,
        alert: String,
        #[serde(default)]
        tracks: Vec<TrackId>,
        /// When the alert first fired (may move "detected" earlier).
        alert_time: Time,
        actor: Actor,
    },
    TrackLinked {
        id: String,
        track: TrackId,
        actor: Actor,
    },
    StepCompleted {
        id: String,
        step: String,
        actor: Actor,
        #[serde(default)]
        note: String,
    },
    /// A EUROSUR report was filed (stops its timer).
    ReportFiled {
        id: String,
        report: ReportKind,
        actor: Actor,
        #[serde(default)]
        reference: String,
    },
    SarPhaseSet {
        id: String,
        phase: SarPhase,
        factors: BTreeSet<DistressFactor>,
        actor: Actor,
        reason: String,
    },
    SarDetailsSet {
        id: String,
        details: SarDetails,
        actor: Actor,
    },
    UnitRegistered(Box<UnitRegistration>),
    /// A note on the incident's timeline: what someone in the field said about it (a TAK
    /// GeoChat message or marker linked to the incident) or wrote in the centre.
    NoteAdded {
        id: String,
        actor: Actor,
        text: String,
        /// Where it came from, e.g. `tak:ANDROID-1` and the CoT event's uid.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<Position>,
    },
    UnitTasked {
        incident: String,
        unit: String,
        actor: Actor,
        /// True when the unit belongs to another agency than the actor's (a sharing
        /// permission was given).
        #[serde(default)]
        cross_agency: bool,
    },
    UnitAcknowledged {
        incident: String,
        unit: String,
        actor: Actor,
    },
    UnitStatusChanged {
        unit: String,
        status: UnitStatus,
        actor: Actor,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        incident: Option<String>,
    },
    UnitPositionSet {
        unit: String,
        position: Position,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed_mps: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        course_deg: Option<f64>,
        source: UnitPositionSource,
        actor: Actor,
    },
}

impl IncidentEvent {
    /// A short, stable name for the kind of event (audit listings, metrics).
    pub fn name(&self) -> &'static str {
        match self {
            IncidentEvent::Opened(_) => "incident_opened",
            IncidentEvent::Updated { .. } => "incident_updated",
            IncidentEvent::Acknowledged { .. } => "incident_acknowledged",
            IncidentEvent::Transitioned { .. } => "incident_transitioned",
            IncidentEvent::HandoverOffered { .. } => "incident_handover_offered",
            IncidentEvent::HandoverAccepted { .. } => "incident_handover_accepted",
            IncidentEvent::HandoverDeclined { .. } => "incident_handover_declined",
            IncidentEvent::AlertLinked { .. } => "incident_alert_linked",
            IncidentEvent::TrackLinked { .. } => "incident_track_linked",
            IncidentEvent::StepCompleted { .. } => "incident_step_completed",
            IncidentEvent::ReportFiled { .. } => "incident_report_filed",
            IncidentEvent::SarPhaseSet { .. } => "incident_sar_phase_set",
            IncidentEvent::SarDetailsSet { .. } => "incident_sar_details_set",
            IncidentEvent::UnitRegistered(_) => "unit_registered",
            IncidentEvent::NoteAdded { .. } => "incident_note_added",
            IncidentEvent::UnitTasked { .. } => "unit_tasked",
            IncidentEvent::UnitAcknowledged { .. } => "unit_acknowledged",
            IncidentEvent::UnitStatusChanged { .. } => "unit_status_changed",
            IncidentEvent::UnitPositionSet { .. } => "unit_position_set",
        }
    }

    /// Position fixes are telemetry like observations; everything else is a decision to audit.
    pub fn is_audit(&self) -> bool {
        !matches!(self, IncidentEvent::UnitPositionSet { .. })
    }
}
