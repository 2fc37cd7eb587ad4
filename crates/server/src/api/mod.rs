//! Handlers of the REST API, grouped by what they serve.

pub mod access;
pub mod alerts;
pub mod stream;
pub mod tracks;
pub mod zones;
