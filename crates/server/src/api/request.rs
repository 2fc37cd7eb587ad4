//! What every handler does with a request: read its JSON body and its bounding box, explain a
//! query it could not read, and answer an append the log refused. One copy for every route.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::StatusCode;

use crate::api::ApiError;
use crate::centre::AppendError;

/// An append the log did not acknowledge: 503 while it is busy or stopping, 500 if it failed.
pub(crate) fn append_error(e: AppendError) -> ApiError {
    match e {
        AppendError::Busy(_) | AppendError::Stopping => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string())
        }
        AppendError::Store(_) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string())
        }
    }
}

/// A JSON body, or a 400 (413 when too large) naming what is wrong with it.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "request body is too large")
        } else {
            ApiError::bad_request("bad_body", rejection.body_text())
        }
    })?;
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("bad_body", format!("invalid request body: {e}")))
}

/// `bbox=min_lon,min_lat,max_lon,max_lat`, four finite numbers, or a 400.
pub(crate) fn parse_bbox(text: &str) -> Result<[f64; 4], ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "bbox must be min_lon,min_lat,max_lon,max_lat",
        )
    };
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match parts.as_slice() {
        [a, b, c, d] if [a, b, c, d].iter().all(|v| v.is_finite()) => Ok([*a, *b, *c, *d]),
        _ => Err(bad()),
    }
}

/// A query string that does not read as the route's parameters: a 400 saying why.
pub(crate) fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request("bad_query", rejection.body_text())
}
