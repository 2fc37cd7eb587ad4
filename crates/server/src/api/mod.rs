//! Handlers of the REST API, grouped by what they serve, with the state they share and the
//! error shape they answer with. The route table and the router are `crate::http`'s.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::RateLimiter;
use crate::centre::Centre;

pub mod access;
pub mod alerts;
pub mod dashboard;
pub mod incidents;
pub mod replay;
pub mod reports;
pub(crate) mod request;
pub mod session;
pub mod stream;
pub mod tracks;
pub mod units;
pub mod zones;

#[derive(Clone, Debug)]
pub struct AppState {
    pub centre: Centre,
    pub limits: model::ValidationLimits,
    pub max_items: usize,
    pub limiter: Arc<RateLimiter>,
    pub session_ttl_ms: i64,
}

/// An API error: `{"error": {"code": "...", "message": "..."}}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    pub(crate) extra: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), extra: None }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let (Some(Value::Object(extra)), Some(obj)) = (self.extra, body.as_object_mut()) {
            obj.extend(extra);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// One route of the API, as documented.
#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub public: bool,
}
