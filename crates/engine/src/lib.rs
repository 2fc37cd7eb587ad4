//! The engine: the state of the centre as a pure fold over the event log.
//!
//! [`Engine::apply`] takes one event with its sequence number and returns what changed. It does
//! no I/O and reads no clock: "now" is the newest event time it has folded. Given the same
//! events in the same order and the same [`EngineConfig`], two engines reach byte-identical
//! state, which is what makes replay, snapshots and after-action review trustworthy.
//!
//! Today the engine keeps tracks: one per identified object (MMSI, CoT uid, a sensor's own
//! track number, a plate), with a lifecycle tentative → confirmed → coasting → lost driven by
//! event time, and a bounded, thinned history. Association by gating on predicted positions,
//! rules and alerts arrive with the picture issue and plug in here.

mod config;
mod directory;
mod tracks;

pub use config::{EngineConfig, KindTimeouts};
pub use directory::{Directory, DirectoryChange, Session};
pub use tracks::{Change, ChangeOp, Engine, RestoreError, TrackEntry};
