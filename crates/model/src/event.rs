//! Events: the entries of the log, from which all state is folded.

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use crate::incident::IncidentEvent;
use crate::{Agency, AgencyId, Agreement, Observation, Role, Time};

/// One entry of the log. `time` is when the edge accepted it (the receiver's clock, read once
/// at the edge); the engine uses it as "now" when it folds the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub time: Time,
    pub kind: EventKind,
}

/// What happened. The variant names are the log's schema: never rename one. Externally tagged
/// (`{"observation": {…}}`) because it is the fastest form serde decodes; a flattened or
/// internally tagged form buffers every event and halved replay speed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An observation passed validation at the edge.
    Observation(Observation),
    /// An agency was registered or its names changed.
    AgencyRegistered(Agency),
    /// A user was created, or re-created with new roles.
    UserRegistered(UserRecord),
    PasswordChanged {
        username: String,
        password_hash: String,
    },
    UserDisabled {
        username: String,
        actor: String,
    },
    /// A successful sign-in; the token itself is never stored, only its hash.
    SessionOpened {
        username: String,
        token_hash: String,
        expires: Time,
        address: String,
    },
    SessionClosed {
        token_hash: String,
        reason: String,
    },
    /// A refused sign-in (audit).
    LoginFailed {
        username: String,
        address: String,
        reason: String,
    },
    /// A sharing agreement was created or changed.
    AgreementSet {
        agreement: Agreement,
        actor: String,
    },
    /// A sharing agreement was revoked; it releases nothing from this event's time on.
    AgreementRevoked {
        id: String,
        actor: String,
    },
    /// A read worth recording (restricted history, exports, the audit trail itself).
    Accessed {
        actor: String,
        agency: AgencyId,
        action: String,
        object: String,
    },
    /// An operator acknowledged an alert (`id` as the engine named it, e.g. `a1042`).
    AlertAcknowledged {
        id: String,
        actor: String,
    },
    /// An incident or unit decision; see [`IncidentEvent`].
    Incident(IncidentEvent),
    /// The joint centre set a border section's impact level (raised to critical for a while,
    /// say, then lowered again). The geography's configured level holds until then.
    ZoneImpactSet {
        zone: String,
        impact: crate::Severity,
        actor: String,
    },
}

/// A user as the log knows them. The password is an Argon2id PHC string, never the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub username: String,
    pub agency: AgencyId,
    pub roles: BTreeSet<Role>,
    pub password_hash: String,
    #[serde(default)]
    pub disabled: bool,
}

impl EventKind {
    /// A short, stable name for the kind of event (audit listings, metrics).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Observation(_) => "observation",
            EventKind::AgencyRegistered(_) => "agency_registered",
            EventKind::UserRegistered(_) => "user_registered",
            EventKind::PasswordChanged { .. } => "password_changed",
            EventKind::UserDisabled { .. } => "user_disabled",
            EventKind::SessionOpened { .. } => "session_opened",
            EventKind::SessionClosed { .. } => "session_closed",
            EventKind::LoginFailed { .. } => "login_failed",
            EventKind::AgreementSet { .. } => "agreement_set",
            EventKind::AgreementRevoked { .. } => "agreement_revoked",
            EventKind::Accessed { .. } => "accessed",
            EventKind::AlertAcknowledged { .. } => "alert_acknowledged",
            EventKind::Incident(event) => event.name(),
            EventKind::ZoneImpactSet { .. } => "zone_impact_set",
        }
    }

    /// Everything but observations belongs to the audit trail.
    pub fn is_audit(&self) -> bool {
        match self {
            EventKind::Observation(_) => false,
            EventKind::AgencyRegistered(_)
            | EventKind::UserRegistered(_)
            | EventKind::PasswordChanged { .. }
            | EventKind::UserDisabled { .. }
            | EventKind::SessionOpened { .. }
            | EventKind::SessionClosed { .. }
            | EventKind::LoginFailed { .. }
            | EventKind::AgreementSet { .. }
            | EventKind::AgreementRevoked { .. }
            | EventKind::Accessed { .. }
            | EventKind::AlertAcknowledged { .. }
            | EventKind::ZoneImpactSet { .. } => true,
            EventKind::Incident(event) => event.is_audit(),
        }
    }
}

impl Event {
    pub fn observation(time: Time, observation: Observation) -> Event {
        Event { time, kind: EventKind::Observation(observation) }
    }
}
