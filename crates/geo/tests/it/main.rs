//! Integration tests of the geo crate: the shipped geography, bad input, and properties.

// Helpers outside #[test] functions unwrap what the tests built themselves.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod libya;
mod props;
mod roads;
mod user_zones;
