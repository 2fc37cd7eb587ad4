//! The web UI, embedded at compile time and served as the router's fallback.
//!
//! `build.rs` builds `web/` with npm and names the folder to embed in `TANSIQ_WEB_DIST`: `web/dist`,
//! or a one-page placeholder when the UI could not be built. Paths under `/api/` (and the other
//! machine routes) that no route matched keep the API's JSON 404. Every other GET is the UI:
//! a file of the bundle when one matches, else `index.html` (the single-page app routes itself).
//! Vite's hashed `/assets/*` are cached for a year; everything else is revalidated.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, File, include_dir};

use crate::api::ApiError;

static DIST: Dir<'static> = include_dir!("$TANSIQ_WEB_DIST");

/// Paths that belong to the machine interfaces, never to the UI.
const API_PREFIXES: &[&str] = &["/api/", "/ogc/", "/metrics", "/healthz"];

/// What the UI may load: only this origin (the map draws from data the server ships); workers
/// and images from blobs MapLibre makes itself.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; \
    child-src 'self' blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The router's fallback: the UI for browser paths, the API's 404 for API paths.
pub async fn fallback(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || API_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return ApiError::not_found("no such route").into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "the UI is read-only",
        )
        .into_response();
    }
    let relative = path.trim_start_matches('/');
    if let Some(file) = (!relative.is_empty()).then(|| DIST.get_file(relative)).flatten() {
        return serve(file, relative.starts_with("assets/"));
    }
    // A missing bundle file is a real 404; anything else is a route of the single-page app.
    if relative.starts_with("assets/") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match DIST.get_file("index.html") {
        Some(index) => serve(index, false),
        None => (StatusCode::NOT_FOUND, "the web UI is not built into this binary").into_response(),
    }
}

fn serve(file: &'static File<'static>, immutable: bool) -> Response {
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = file.contents().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(file)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

fn content_type(file: &File<'_>) -> &'static str {
    let extension = file.path().extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pbf" => "application/x-protobuf",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(path: &str) -> Response {
        fallback(Method::GET, path.parse().unwrap_or_default()).await
    }

    #[tokio::test]
    async fn index_and_spa_routes_are_html_and_api_paths_stay_json() {
        for path in ["/", "/map", "/alerts/a12"] {
            let response = get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
            assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        }
        for path in ["/api/v1/nope", "/api", "/metrics/x"] {
            let response = get(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        }
        assert_eq!(get("/assets/missing-123.js").await.status(), StatusCode::NOT_FOUND);
        let post = fallback(Method::POST, Uri::from_static("/")).await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn bundle_assets_are_immutable_with_their_type() {
        let Some(asset) = DIST.get_dir("assets").and_then(|d| d.files().next()) else {
            return; // the placeholder has no assets
        };
        let path = format!("/{}", asset.path().display());
        let response = get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()[header::CACHE_CONTROL].to_str().unwrap_or("").contains("immutable")
        );
        assert_ne!(response.headers()[header::CONTENT_TYPE], "application/octet-stream");
    }
}
