//! Smaller incident commands: acknowledge an automatic incident, file a EUROSUR report (which
//! stops its reminder), and record the IAMSAR phase and SITREP details of a SAR case. Each is
//! for the owner agency's watch officers, duty officers and admins, like every change.

use std::collections::BTreeSet;

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use engine::incident;
use model::incident::{DistressFactor, ReportKind, SarDetails, SarPhase};
use serde::Deserialize;
use serde_json::Value;

use super::{actor, commit, with_owned};
use crate::api::request::parse_body;
use crate::api::{ApiError, AppState};

type Answer = Result<axum::Json<Value>, ApiError>;

/// `POST /api/v1/incidents/{id}/acknowledge`: a person took notice (sets "acknowledged").
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Answer {
    let actor = actor(&viewer);
    let events =
        with_owned(&state, &viewer, &id, |_, s| incident::decide_acknowledge(s, &id, &actor))?;
    commit(&state, &id, events).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    report: ReportKind,
    #[serde(default)]
    reference: String,
}

/// `POST /api/v1/incidents/{id}/reports` `{"report": "first"|"sar_closure", "reference"?}`.
pub async fn file_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: ReportBody = parse_body(body)?;
    let actor = actor(&viewer);
    let events = with_owned(&state, &viewer, &id, |_, s| {
        incident::decide_report(s, &id, b.report, &actor, &b.reference)
    })?;
    commit(&state, &id, events).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SarBody {
    #[serde(default)]
    phase: Option<SarPhase>,
    #[serde(default)]
    factors: BTreeSet<DistressFactor>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    details: Option<SarDetails>,
}

/// `POST /api/v1/incidents/{id}/sar` `{"phase"?, "factors"?, "reason"?, "details"?}`: the IAMSAR
/// phase with its distress factors and the free-text SITREP fields of a SAR case.
pub async fn set_sar(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: SarBody = parse_body(body)?;
    if b.phase.is_none() && b.details.is_none() {
        return Err(ApiError::bad_request("bad_body", "give a phase, details or both"));
    }
    let actor = actor(&viewer);
    let events = with_owned(&state, &viewer, &id, |_, s| {
        let mut events = Vec::new();
        if let Some(phase) = b.phase {
            events.extend(incident::decide_sar_phase(s, &id, phase, b.factors, &actor, &b.reason)?);
        }
        if let Some(details) = b.details {
            events.extend(incident::decide_sar_details(s, &id, details, &actor)?);
        }
        Ok(events)
    })?;
    commit(&state, &id, events).await
}
