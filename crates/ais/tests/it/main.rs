//! Integration tests of the `ais` crate: conformance against gpsd, libais and pyais reference
//! decodes, and bad input that must be counted, never panic.

mod alloc;
mod bad_input;
mod gpsd;
mod peers;
mod reassembly;
mod support;
