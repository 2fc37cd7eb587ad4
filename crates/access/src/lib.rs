//! The access policy: one pure function decides every read.
//!
//! [`can_see`] takes a [`Viewer`] (a signed-in user of an agency), a [`Subject`] (what the
//! viewer asks to see, described by the facts the policy needs), the sharing [`Agreement`]s in
//! force and the current time, and returns a [`Decision`] with its reason. Every outbound path
//! — REST, the live stream, and later CoT, federation, exports and reports — calls it; none
//! decides on its own. It does no I/O and reads no clock, so it can be property-tested.
//!
//! # The rule
//!
//! An agency always sees what it owns. Another agency sees an object when the owner released
//! it: either the object's marking names the viewer's agency in `releasable_to`, or a sharing
//! agreement from the owner to the viewer's agency is in force, covers the object's kind of
//! data (and, for tracks, its object kind and source kinds; for incidents, its category),
//! covers its position when the agreement is limited to an area, and has a classification
//! ceiling at or above the object's level.
//!
//! # Derived objects
//!
//! Release narrows when data combine. A track fused from several agencies' observations is
//! visible to a viewer only if **every** contributing agency would release its part to that
//! viewer (an agency's own part counts as released to itself). An alert is visible only if
//! the alert itself is released to the viewer *and* every track it names is visible. So
//! fusing or alerting never carries an agency's data past what that agency shared.
//!
//! # TAK groups
//!
//! What a TAK client says reaches another TAK client only if the agency rule allows it *and*
//! the two share a TAK group ([`tak_groups_meet`]; group-less clients are `__ANON__`).

mod incident;
mod policy;
mod tak;
mod viewer;

pub use incident::{IncidentFacts, UnitFacts, can_see_incident, can_see_unit, may_task_unit};
pub use model::{Agreement, AgreementScope, Area, Role, TrackScope};
pub use policy::{Decision, Reason, Subject, SubjectKind, can_see, can_see_alert, can_see_track};
pub use tak::{ANONYMOUS_GROUP, tak_groups_meet};
pub use viewer::Viewer;
