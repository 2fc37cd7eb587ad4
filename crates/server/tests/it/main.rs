//! The server through its router: routes, bad input, restart, live updates.

mod ais_sources;
mod alerts;
mod api;
mod auth;
mod bad_input;
mod dashboard;
mod demo;
mod demo_day;
mod incidents;
mod leaks;
mod radar_sources;
mod replay;
mod restart;
mod sources;
mod tak;
mod viewport;

use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{Value, json};
use server::clock::Clock;
use server::{Centre, Config};

#[derive(Debug)]
pub struct TestCentre {
    pub centre: Centre,
    pub router: Router,
    pub config: Config,
    /// The token of `cgw.watch`, used by `get` and `post`.
    pub token: String,
    /// Events in the log once seeded and signed in; tests count from here.
    pub base: u64,
    pub _dir: Option<tempfile::TempDir>,
}

/// The password of every test user, hashed once per test binary (Argon2id is slow on purpose).
pub const PASSWORD: &str = "demo";

pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| server::auth::hash_password(PASSWORD).expect("hash"))
}

/// Agencies CGW, ARS, MOI, JOC and a user per role that the tests need.
pub fn seed_events() -> Vec<model::Event> {
    use model::{AgencyKind, Role};
    use server::seed::{agency, user};
    let h = password_hash();
    vec![
        agency("CGW", "Coast Guard West", "خفر السواحل", AgencyKind::CoastGuard),
        agency("ARS", "Army South", "الجيش", AgencyKind::Army),
        agency("MOI", "Interior", "الداخلية", AgencyKind::Police),
        agency("JOC", "Joint Centre", "المركز المشترك", AgencyKind::JointCentre),
        user("cgw.watch", "CGW", &[Role::WatchOfficer], h),
        user("cgw.duty", "CGW", &[Role::DutyOfficer], h),
        user("ars.watch", "ARS", &[Role::WatchOfficer], h),
        user("moi.watch", "MOI", &[Role::WatchOfficer], h),
        user("moi.analyst", "MOI", &[Role::Analyst], h),
        user("joc.duty", "JOC", &[Role::DutyOfficer], h),
        user("joc.watch", "JOC", &[Role::WatchOfficer], h),
        user("auditor", "JOC", &[Role::Auditor], h),
    ]
}

impl TestCentre {
    /// A fresh centre on the tests' clock.
    pub async fn new() -> TestCentre {
        TestCentre::new_on(clock().clone()).await
    }

    /// A fresh centre on the system clock, for tests whose other side is an outside program
    /// (pytak, takproto) that stamps what it sends with the system clock: both then read one
    /// clock, so what the test compares stays relative and its verdict does not hang on the date.
    pub async fn on_system_clock() -> TestCentre {
        TestCentre::new_on(Clock::system()).await
    }

    async fn new_on(clock: Clock) -> TestCentre {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        config.log.max_batch_delay_ms = 2;
        config.http.max_body_bytes = 64 * 1024;
        config.http.max_items = 100;
        TestCentre::with_config_on(config, Some(dir), clock).await
    }

    /// A centre with `config` on the tests' clock.
    pub async fn with_config(config: Config, dir: Option<tempfile::TempDir>) -> TestCentre {
        TestCentre::with_config_on(config, dir, clock().clone()).await
    }

    async fn with_config_on(
        config: Config,
        dir: Option<tempfile::TempDir>,
        clock: Clock,
    ) -> TestCentre {
        let centre = Centre::start_with_clock(config.centre(), clock).expect("start");
        let router = server::http::router(centre.clone(), &config);
        let seeded = centre.read(|e| e.directory().user("cgw.watch").is_some());
        let mut c = TestCentre { centre, router, config, token: String::new(), base: 0, _dir: dir };
        if !seeded {
            c.centre.append_folded(seed_events()).await.expect("seed");
        }
        c.token = c.login("cgw.watch").await;
        c.base = c.centre.read(|e| e.folded());
        c
    }

    /// The audit trail's events of one type, read as the auditor.
    pub async fn audit_events(&self, kind: &str) -> Vec<Value> {
        let auditor = self.login("auditor").await;
        let (status, audit) = self.call_as(Some(&auditor), "GET", "/api/v1/audit", "").await;
        assert_eq!(status, 200, "{audit}");
        let events = audit["events"].as_array().expect("events");
        events.iter().filter(|e| e["type"] == kind).cloned().collect()
    }

    /// Signs `user` in and returns the token.
    pub async fn login(&self, user: &str) -> String {
        let body = json!({ "username": user, "password": PASSWORD });
        let (status, answer) =
            self.call_as(None, "POST", "/api/v1/auth/login", body.to_string()).await;
        assert_eq!(status, 200, "login {user}: {answer}");
        answer["token"].as_str().expect("token").to_string()
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let token = self.token.clone();
        self.call_as(Some(&token), method, uri, body).await
    }

    pub async fn call_as(
        &self,
        token: Option<&str>,
        method: &str,
        uri: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        demo_day::call(&self.router, token, method, uri, body).await
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
            if self.centre.read(|e| e.folded()) >= self.base + n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("engine did not fold {n} events");
    }
}

/// Where the tests' clock starts: Monday 2026-03-02 08:00 UTC, an ordinary working morning far
/// from a midnight, a month's end and a leap day, so that a test's minutes stay on one day.
pub const TEST_START: model::Time = model::Time(1_772_438_400_000);

/// The tests' clock: every test centre runs on it and `now` reads it, so that no verdict
/// depends on the date or the hour the suite runs. It starts at [`TEST_START`] when first read
/// and runs on at real speed (sessions still expire, timers still fire).
pub fn clock() -> &'static Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(|| Clock::starting_at(TEST_START))
}

pub fn now() -> model::Time {
    clock().now()
}

pub fn now_ms() -> i64 {
    now().0
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

/// A client's end of the live stream (`/api/v1/stream`).
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Stream messages up to and including the first one `until` accepts (10 s at most).
pub async fn read_until(socket: &mut Socket, until: impl Fn(&Value) -> bool) -> Vec<Value> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next()).await.expect("stream quiet");
        let Some(Ok(Message::Text(text))) = next else { panic!("stream ended: {next:?}") };
        let m: Value = serde_json::from_str(&text).expect("json");
        let done = until(&m);
        seen.push(m);
        if done {
            return seen;
        }
    }
}
