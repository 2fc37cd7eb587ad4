//! The engine's fold: determinism, snapshot + tail = replay, lifecycle by event time.

mod fold;
mod lifecycle;
