//! Agencies and markings: who owns an object and who else may see it.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The short code of an agency, such as `CGW` (coast guard, western region) or `JOC`. A
/// `Box<str>`: every track, observation and alert holds one or more.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyId(pub Box<str>);

impl AgencyId {
    pub fn new(code: impl Into<String>) -> AgencyId {
        AgencyId(code.into().into_boxed_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgencyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    CoastGuard,
    BorderGuard,
    Army,
    Police,
    Customs,
    JointCentre,
}

/// An institution with its own users, sensors, units and data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub id: AgencyId,
    pub name_en: String,
    pub name_ar: String,
    pub kind: AgencyKind,
}

/// Classification levels, ordered from least to most sensitive.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    #[default]
    Unclassified,
    Restricted,
    Confidential,
    Secret,
}

/// Classification level plus the agencies, beyond the owner, an object is releasable to.
///
/// The owner is not listed: it always sees its own objects. Sharing agreements (the `access`
/// crate) may release more; the marking is the object's own statement.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marking {
    #[serde(default)]
    pub level: Classification,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub releasable_to: BTreeSet<AgencyId>,
}

impl Marking {
    pub fn new(level: Classification) -> Marking {
        Marking { level, releasable_to: BTreeSet::new() }
    }

    /// The marking of something derived from both `self` and `other`: the higher level, and
    /// only the agencies both release to (release narrows, never widens, when data is combined).
    pub fn combine(&self, other: &Marking) -> Marking {
        Marking {
            level: self.level.max(other.level),
            releasable_to: self.releasable_to.intersection(&other.releasable_to).cloned().collect(),
        }
    }
}

/// What a user may do. Roles grant actions; what data a user sees is decided by agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    DutyOfficer,
    WatchOfficer,
    Analyst,
    Auditor,
    Liaison,
    Unit,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::DutyOfficer,
        Role::WatchOfficer,
        Role::Analyst,
        Role::Auditor,
        Role::Liaison,
        Role::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::DutyOfficer => "duty_officer",
            Role::WatchOfficer => "watch_officer",
            Role::Analyst => "analyst",
            Role::Auditor => "auditor",
            Role::Liaison => "liaison",
            Role::Unit => "unit",
        }
    }
}
