//! The HTTP API: the route table, the router built from it, errors and the OpenAPI document.
//!
//! Every route is declared once in [`routes`] with its method, path, summary and whether it is
//! public; the router and `/api/v1/openapi.json` are both built from that table, so the
//! document cannot forget a route, and a test walks the table to prove that every route but
//! the public ones answers 401 without a token. Only [`routes`] decides what is public.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use axum::{Extension, Router};
use serde_json::{Value, json};

use crate::api::{self, AppState};
pub use crate::api::{ApiError, RouteSpec};
use crate::centre::Centre;
use crate::config::Config;

/// Sign-in bodies are small; anything larger is refused before it is read.
const MAX_AUTH_BODY: usize = 4 * 1024;

/// The route table: the single source of the router and of the OpenAPI document.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    let r = |method, path, summary, public| RouteSpec { method, path, summary, public };
    // The replay's checkpoints: one cache per router, so per centre.
    let replay = api::replay::Replay::shared();
    let mut table = vec![
        (r("get", "/healthz", "liveness", true), get(healthz)),
        (
            r(
                "post",
                "/api/v1/auth/login",
                "sign in: {username, password} -> {token, user, agency, roles}",
                true,
            ),
            post(api::access::login).layer(DefaultBodyLimit::max(MAX_AUTH_BODY)),
        ),
        (r("post", "/api/v1/auth/logout", "end this session", false), post(api::access::logout)),
        (r("get", "/metrics", "Prometheus metrics", false), get(metrics)),
        (r("get", "/api/v1/openapi.json", "this document", false), get(openapi)),
        (
            r("post", "/api/v1/observations", "observations as JSON or GeoJSON", false),
            post(api::tracks::post_observations),
        ),
        (
            r("get", "/api/v1/tracks", "tracks the caller may see, as GeoJSON", false),
            get(api::tracks::list_tracks),
        ),
        (r("get", "/api/v1/tracks/{id}", "one track", false), get(api::tracks::get_track)),
        (
            r("get", "/api/v1/tracks/{id}/history", "a track's history", false),
            get(api::tracks::track_history),
        ),
        (
            r(
                "get",
                "/api/v1/alerts",
                "alerts the caller may see (?state=open|acknowledged|closed, ?rule=)",
                false,
            ),
            get(api::alerts::list_alerts),
        ),
        (
            r("post", "/api/v1/alerts/{id}/ack", "acknowledge an alert", false),
            post(api::alerts::acknowledge),
        ),
        (
            r("get", "/api/v1/rules", "the rule catalogue and its thresholds", false),
            get(api::alerts::list_rules),
        ),
        (
            r("get", "/api/v1/zones", "the geography's zones, as GeoJSON", false),
            get(api::zones::list_zones),
        ),
        (
            r("put", "/api/v1/zones/{id}/impact", "set a border section's impact level", false),
            put(api::zones::set_impact),
        ),
        (r("get", "/api/v1/agencies", "the agencies", false), get(api::access::list_agencies)),
        (
            r(
                "get",
                "/api/v1/sharing-agreements",
                "agreements from or to the caller's agency",
                false,
            ),
            get(api::access::list_agreements),
        ),
        (
            r(
                "post",
                "/api/v1/sharing-agreements",
                "create an agreement from the caller's agency",
                false,
            ),
            post(api::access::create_agreement),
        ),
        (
            r("get", "/api/v1/sharing-agreements/{id}", "one agreement", false),
            get(api::access::get_agreement),
        ),
        (
            r("put", "/api/v1/sharing-agreements/{id}", "change an agreement", false),
            put(api::access::change_agreement),
        ),
        (
            r(
                "post",
                "/api/v1/sharing-agreements/{id}/revoke",
                "revoke an agreement, at once",
                false,
            ),
            post(api::access::revoke_agreement),
        ),
        (
            r("get", "/api/v1/audit", "the audit trail (auditors and admins)", false),
            get(api::access::audit),
        ),
        (
            r(
                "get",
                "/api/v1/stream",
                "WebSocket: live changes the caller may see (token in Authorization or ?access_token=)",
                false,
            ),
            get(api::stream::stream),
        ),
        (
            r(
                "get",
                "/api/v1/replay",
                "the tracks and open alerts the caller may see as the log had them at ?at= (RFC 3339, last 24 h; &bbox=)",
                false,
            ),
            get(api::replay::replay).layer(Extension(Arc::clone(&replay))),
        ),
        (
            r(
                "get",
                "/api/v1/replay/window",
                "the times a replay may ask for; starts making its checkpoints",
                false,
            ),
            get(api::replay::replay_window).layer(Extension(replay)),
        ),
    ];
    table.extend(api::incidents::routes::table());
    table.push(api::dashboard::route());
    table
}

pub fn router(centre: Centre, config: &Config) -> Router {
    let state = AppState {
        limiter: Arc::clone(centre.sign_ins()),
        centre,
        limits: config.validation_limits(),
        max_items: config.http.max_items,
        session_ttl_ms: config.auth.session_ttl_ms,
    };
    let mut public: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    let mut protected: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    for (spec, method_router) in routes() {
        let side = if spec.public { &mut public } else { &mut protected };
        let merged = match side.remove(spec.path) {
            Some(existing) => existing.merge(method_router),
            None => method_router,
        };
        side.insert(spec.path, merged);
    }
    let public = public.into_iter().fold(Router::new(), |r, (path, m)| r.route(path, m));
    let protected =
        protected.into_iter().fold(Router::new(), |r, (path, m)| r.route(path, m)).route_layer(
            axum::middleware::from_fn_with_state(state.clone(), api::session::require_viewer),
        );
    Router::new()
        .merge(public)
        .merge(protected)
        .fallback(crate::web::fallback)
        .layer(DefaultBodyLimit::max(config.http.max_body_bytes))
        .with_state(state)
}

async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({ "status": "ok" }))
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.centre.metrics().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// OpenAPI 3.1, generated from the route table.
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for (spec, _) in routes() {
        let entry = paths.entry(spec.path.to_string()).or_insert_with(|| json!({}));
        let mut operation = json!({
            "summary": spec.summary,
            "responses": {
                "200": { "description": "success" },
                "400": { "description": "bad input; body {\"error\": {\"code\", \"message\"}}" },
            }
        });
        if !spec.public {
            operation["security"] = json!([{ "bearer": [] }]);
            operation["responses"]["401"] = json!({ "description": "no valid token" });
        }
        let params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        entry[spec.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Tansiq API", "version": env!("CARGO_PKG_VERSION") },
        "components": { "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } } },
        "paths": paths,
    })
}

async fn openapi() -> axum::Json<Value> {
    axum::Json(openapi_document())
}
