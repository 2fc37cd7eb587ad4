//! The one error type of the incident core: every refusal names the thing that was wrong.

use model::{AgencyId, IncidentState, UnitStatus};
use thiserror::Error;

use crate::lifecycle::{state_list, state_name};

/// What kind of refusal an error is, for the API's status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The incident or unit does not exist (404).
    NotFound,
    /// The request does not fit the current state: closed, pending, already done (409).
    Conflict,
    /// The caller's agency may not do this (403).
    Forbidden,
    /// The request itself is malformed or names something unknown (400 / 422).
    Invalid,
}

/// Why a command was refused. The messages are lowercase and name the offending value, so the
/// API can show them as they are (with a 4xx status: none of these is the server's fault).
#[derive(Clone, Debug, PartialEq, Error)]
pub enum IncidentError {
    #[error("unknown incident category `{code}`")]
    UnknownCategory { code: String },
    #[error("unknown incident `{id}`")]
    UnknownIncident { id: String },
    #[error("unknown unit `{id}`")]
    UnknownUnit { id: String },
    #[error("incident `{id}` is {}: a closed incident takes no transition or change", state_name(*.state))]
    IncidentClosed { id: String, state: IncidentState },
    #[error(
        "incident `{id}` cannot go from {} to {}; allowed: {}",
        state_name(*.from), state_name(*.to), state_list(.allowed)
    )]
    InvalidTransition {
        id: String,
        from: IncidentState,
        to: IncidentState,
        allowed: Vec<IncidentState>,
    },
    #[error("a reason is required to {action}")]
    ReasonRequired { action: &'static str },
    #[error("closing incident `{id}` needs a closure reason")]
    ClosureReasonRequired { id: String },
    #[error("incident `{id}` already has a hand-over pending to `{to}`")]
    HandoverPending { id: String, to: AgencyId },
    #[error("incident `{id}` has no hand-over pending")]
    NoHandoverPending { id: String },
    #[error("incident `{id}` is already owned by `{agency}`")]
    HandoverToOwner { id: String, agency: AgencyId },
    #[error("hand-over of incident `{id}` is offered to `{expected}`, not to `{agency}`")]
    NotHandoverReceiver { id: String, agency: AgencyId, expected: AgencyId },
    #[error("unit `{id}` is already registered")]
    UnitAlreadyRegistered { id: String },
    #[error("unit `{unit}` is already tasked to incident `{incident}`")]
    UnitAlreadyTasked { unit: String, incident: String },
    #[error("unit `{unit}` is not available (status {status:?})")]
    UnitNotAvailable { unit: String, status: UnitStatus },
    #[error("unit `{unit}` is not tasked to incident `{incident}`")]
    UnitNotTasked { unit: String, incident: String },
    #[error(
        "unit `{unit}` belongs to `{unit_agency}`; tasking it from `{actor_agency}` needs a sharing permission"
    )]
    CrossAgencyTasking { unit: String, unit_agency: AgencyId, actor_agency: AgencyId },
    #[error("incident `{id}` has no SOP step `{step}`")]
    UnknownStep { id: String, step: String },
    #[error("SOP step `{step}` of incident `{id}` is already completed")]
    StepAlreadyCompleted { id: String, step: String },
    #[error("{what} `{value}` is already linked to incident `{id}`")]
    AlreadyLinked { id: String, what: &'static str, value: String },
    #[error("incident `{id}` is `{category}`, not a search-and-rescue case")]
    NotSar { id: String, category: String },
    #[error("the {report} report of incident `{id}` is already filed")]
    ReportAlreadyFiled { id: String, report: &'static str },
    #[error("impossible coordinates: lon {lon}, lat {lat}")]
    InvalidCoordinates { lon: f64, lat: f64 },
    #[error("invalid {field}: {problem}")]
    InvalidValue { field: &'static str, problem: String },
}

impl IncidentError {
    pub fn kind(&self) -> ErrorKind {
        use IncidentError as E;
        match self {
            E::UnknownIncident { .. } | E::UnknownUnit { .. } => ErrorKind::NotFound,
            E::IncidentClosed { .. }
            | E::InvalidTransition { .. }
            | E::HandoverPending { .. }
            | E::NoHandoverPending { .. }
            | E::HandoverToOwner { .. }
            | E::UnitAlreadyRegistered { .. }
            | E::UnitAlreadyTasked { .. }
            | E::UnitNotAvailable { .. }
            | E::UnitNotTasked { .. }
            | E::StepAlreadyCompleted { .. }
            | E::AlreadyLinked { .. }
            | E::ReportAlreadyFiled { .. } => ErrorKind::Conflict,
            E::NotHandoverReceiver { .. } | E::CrossAgencyTasking { .. } => ErrorKind::Forbidden,
            E::UnknownCategory { .. }
            | E::ReasonRequired { .. }
            | E::ClosureReasonRequired { .. }
            | E::UnknownStep { .. }
            | E::NotSar { .. }
            | E::InvalidCoordinates { .. }
            | E::InvalidValue { .. } => ErrorKind::Invalid,
        }
    }

    /// A stable snake_case code for `{"error": {"code": …}}`.
    pub fn code(&self) -> &'static str {
        use IncidentError as E;
        match self {
            E::UnknownCategory { .. } => "unknown_category",
            E::UnknownIncident { .. } => "unknown_incident",
            E::UnknownUnit { .. } => "unknown_unit",
            E::IncidentClosed { .. } => "incident_closed",
            E::InvalidTransition { .. } => "invalid_transition",
            E::ReasonRequired { .. } => "reason_required",
            E::ClosureReasonRequired { .. } => "closure_reason_required",
            E::HandoverPending { .. } => "handover_pending",
            E::NoHandoverPending { .. } => "no_handover_pending",
            E::HandoverToOwner { .. } => "handover_to_owner",
            E::NotHandoverReceiver { .. } => "not_handover_receiver",
            E::UnitAlreadyRegistered { .. } => "unit_already_registered",
            E::UnitAlreadyTasked { .. } => "unit_already_tasked",
            E::UnitNotAvailable { .. } => "unit_not_available",
            E::UnitNotTasked { .. } => "unit_not_tasked",
            E::CrossAgencyTasking { .. } => "cross_agency_tasking",
            E::UnknownStep { .. } => "unknown_step",
            E::StepAlreadyCompleted { .. } => "step_already_completed",
            E::AlreadyLinked { .. } => "already_linked",
            E::NotSar { .. } => "not_sar",
            E::ReportAlreadyFiled { .. } => "report_already_filed",
            E::InvalidCoordinates { .. } => "invalid_coordinates",
            E::InvalidValue { .. } => "invalid_value",
        }
    }
}
