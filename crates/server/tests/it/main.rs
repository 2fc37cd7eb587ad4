//! The server through its router: routes, bad input, restart, live updates.

mod api;
mod bad_input;
mod restart;
mod sources;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{Centre, Config};
use tower::ServiceExt;

#[derive(Debug)]
pub struct TestCentre {
    pub centre: Centre,
    pub router: Router,
    pub config: Config,
    pub _dir: Option<tempfile::TempDir>,
}

impl TestCentre {
    #[allow(clippy::new_without_default)]
    pub fn new() -> TestCentre {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        config.log.max_batch_delay_ms = 2;
        config.http.max_body_bytes = 64 * 1024;
        config.http.max_items = 100;
        TestCentre::with_config(config, Some(dir))
    }

    pub fn with_config(config: Config, dir: Option<tempfile::TempDir>) -> TestCentre {
        let centre = Centre::start(&config).expect("start");
        let router = server::http::router(centre.clone(), &config);
        TestCentre { centre, router, config, _dir: dir }
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.call("GET", uri, Body::empty()).await
    }

    pub async fn post(&self, uri: &str, body: &Value) -> (StatusCode, Value) {
        self.call("POST", uri, body.to_string()).await
    }

    /// Waits until the engine has folded `n` events (appends are acknowledged when durable;
    /// folding follows a moment later).
    pub async fn folded(&self, n: u64) {
        for _ in 0..500 {
            if self.centre.read(|e| e.folded()) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("engine did not fold {n} events");
    }
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as i64
}

pub fn observation(mmsi: u32, lon: f64, lat: f64) -> Value {
    json!({
        "source": "ais-test",
        "source_kind": "ais",
        "agency": "CGW",
        "time": now_ms(),
        "position": { "lon": lon, "lat": lat },
        "speed_mps": 4.0,
        "course_deg": 15.0,
        "identity": { "mmsi": mmsi, "name": "AL BAHR" },
        "kind": "vessel"
    })
}
