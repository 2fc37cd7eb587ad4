//! The one change a built geography accepts: a border section's impact level, which the
//! joint centre raises (to critical, temporarily) and lowers as the situation changes.

use model::{Severity, ZoneKind};

use super::Geography;
use crate::GeoError;

impl Geography {
    /// Sets the impact level of a `section.*` zone.
    pub fn set_impact(&mut self, section_id: &str, impact: Severity) -> Result<(), GeoError> {
        let bad = |problem: &str| GeoError::Section {
            section: section_id.to_string(),
            problem: problem.into(),
        };
        let i = *self.by_id.get(section_id).ok_or_else(|| bad("no such section"))?;
        let zone = &mut self.zones[i];
        if zone.kind != ZoneKind::BorderSection {
            return Err(bad("not a border section"));
        }
        if impact == Severity::Info {
            return Err(bad("impact must be low, medium, high or critical"));
        }
        zone.impact = Some(impact);
        Ok(())
    }
}
