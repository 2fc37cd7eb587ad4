//! The layer on every protected route: a bearer token → the [`Viewer`] its handler receives.

use access::Viewer;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use crate::auth::token_hash;

/// The bearer token of a request, if it has a well-formed one: from the Authorization header,
/// or, for the WebSocket stream only (browsers cannot set headers on it), `?access_token=`.
fn bearer(request: &Request) -> Option<String> {
    let from_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let from_query = || {
        (request.uri().path() == "/api/v1/stream")
            .then(|| request.uri().query())
            .flatten()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("access_token=")))
    };
    let token = from_header.or_else(from_query)?.trim();
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_string())
}

/// The layer on every protected route: a valid, unexpired session of an enabled user, or 401.
pub async fn require_viewer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let now = state.centre.now();
    let viewer = bearer(&request).and_then(|token| {
        let hash = token_hash(&token);
        state.centre.read(|engine| {
            engine.directory().session(&hash, now).map(|(_, user)| {
                let viewer = Viewer {
                    user: user.username.clone(),
                    agency: user.agency.clone(),
                    roles: user.roles.clone(),
                };
                (viewer, hash.clone())
            })
        })
    });
    match viewer {
        Some((viewer, hash)) => {
            request.extensions_mut().insert(viewer);
            request.extensions_mut().insert(super::stream::SessionKey(hash));
            next.run(request).await
        }
        None => {
            state.centre.metrics().unauthorized.inc();
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first: POST /api/v1/auth/login, then send Authorization: Bearer TOKEN",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            response
        }
    }
}
