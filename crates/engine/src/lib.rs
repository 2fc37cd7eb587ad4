//! The engine: the state of the centre as a pure fold over the event log.
//!
//! [`Engine::apply`] takes one event with its sequence number and returns what changed;
//! [`Engine::apply_all`] folds a run of them the same way, reading ahead so that a large
//! picture's cache misses overlap (what the server uses). It does no I/O and reads no clock:
//! "now" is the newest event time it has folded. Given the same events in the same order, the
//! same [`EngineConfig`] and the same [`geo::Geography`], two engines reach byte-identical
//! state, which is what makes replay, snapshots and after-action review trustworthy. The
//! geography is an input like the configuration: it is shared (`Arc`), never part of a
//! snapshot.
//!
//! The engine keeps tracks — one per identified object (MMSI, CoT uid, a sensor's own track
//! number, a plate), with a lifecycle tentative → confirmed → coasting → lost driven by event
//! time, and a bounded, thinned history — and alerts: the detection rules of [`rules`] run on
//! every fix and as time passes, and keep one alert per episode of their condition. An
//! operator's acknowledgement is an input event like any other.

mod alerts;
mod config;
mod deadlines;
mod directory;
mod engine;
mod fusion;
mod incidents;
mod keyed;
mod list;
mod prefetch;
pub mod rules;
mod tracks;

pub use alerts::AlertEntry;
pub use config::{EngineConfig, KindTimeouts};
pub use directory::{Directory, DirectoryChange, Session};
pub use engine::{Change, ChangeOp, Engine, FOLD_VERSION, RestoreError, TELEPORT_MPS};
pub use fusion::FusionConfig;
pub use geo;
pub use incident;
pub use tracks::{History, TrackEntry};
