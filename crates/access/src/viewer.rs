//! Who is asking: a user of an agency, with roles.

use std::collections::BTreeSet;

use model::AgencyId;
use serde::{Deserialize, Serialize};

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

/// A signed-in user, as the policy sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: String,
    pub agency: AgencyId,
    pub roles: BTreeSet<Role>,
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
