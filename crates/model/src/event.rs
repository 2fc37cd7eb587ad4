//! Events: the entries of the log, from which all state is folded.

use serde::{Deserialize, Serialize};

use crate::{Observation, Time};

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
}

impl Event {
    pub fn observation(time: Time, observation: Observation) -> Event {
        Event { time, kind: EventKind::Observation(observation) }
    }
}
