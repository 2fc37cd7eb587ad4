//! Who is asking: a user of an agency, with roles.

use std::collections::BTreeSet;

use model::{AgencyId, Role};
use serde::{Deserialize, Serialize};

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
