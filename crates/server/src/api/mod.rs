//! Handlers of the REST API, grouped by what they serve.

pub mod access;
pub mod alerts;
pub mod dashboard;
pub mod incidents;
pub mod replay;
pub mod reports;
pub(crate) mod request;
pub mod stream;
pub mod tracks;
pub mod units;
pub mod zones;
