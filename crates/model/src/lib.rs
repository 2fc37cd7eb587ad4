//! Tansiq's domain model: the nouns every other crate speaks.
//!
//! This crate is deliberately inert. It holds plain data types with serde derives and the
//! validation rules that belong to the data itself (a latitude beyond 90° is wrong whoever
//! reads it). It does no I/O and never reads the clock: every time is a [`Time`] carried in the
//! data, so that folding the same events always yields the same state.
//!
//! The shapes here are the log's schema. Adding an optional field is a compatible change;
//! renaming or removing one breaks the replay of old logs and needs a migration.

mod access;
mod event;
pub mod incident;
pub mod mmsi;
mod name;
mod objects;
mod observation;
mod sharing;
mod small_set;
pub mod time;

pub use access::{Agency, AgencyId, AgencyKind, Classification, Marking, Role};
pub use event::{Event, EventKind, UserRecord};
pub use name::Name;
pub use objects::{
    Alert, AlertState, Incident, IncidentState, Severity, Track, TrackId, TrackPoint, TrackState,
    Unit, UnitKind, UnitStatus, Zone, ZoneGeometry, ZoneKind,
};
pub use observation::{
    Identity, ObjectKind, Observation, ObservationError, Position, SourceKind, SourceKinds,
    SourceKindsIter, ValidationLimits,
};
pub use sharing::{Agreement, AgreementScope, Area, TrackScope};
pub use small_set::SmallSet;
pub use time::{Date, Time};
