//! Integration tests of the geo crate: the shipped geography, bad input, and properties.

mod bad_input;
mod libya;
mod props;
mod user_zones;
