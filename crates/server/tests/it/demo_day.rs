//! One simulated 24 h of the Libya scenario played into a fresh centre, judged against what the
//! day's scenarios must raise. Shared by the gating test (`demo.rs`, one fixed day) and the
//! benchmark `benches/demo_days.rs` (other fixed seeds), which includes this file by path; so it
//! uses only the server's public API and no test-harness helper.
//!
//! Everything is fixed by its arguments: the centre runs on a clock set to the evening before
//! `day`, the simulator is seeded with `seed` (plus the day's number, as the demo feed does), so
//! the same arguments give the same day whatever the date the suite runs.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::clock::Clock;
use server::sources::demo::{self as demo_feed, FeedConfig};
use server::{Centre, Config};
use tower::ServiceExt;

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

/// Scenario windows (hours from the day's start, per `sim::libya::SCHEDULE`) and the alerts each
/// must raise (any one of the rule ids in a group).
pub const EXPECTED: [(&str, i64, i64, &[&[&str]]); 6] = [
    ("night departure near Zuwara", 1, 3, &[&["coast.unidentified_departure"]]),
    ("AIS-SART distress north of Sabratha", 4, 6, &[&["sar.beacon"]]),
    (
        "desert convoy across the Niger border away from Tummo",
        10,
        13,
        &[&["convoy"], &["crossing.outside_bcp"], &["crossing.pre_alert", "crossing.border"]],
    ),
    (
        "ship-to-ship transfer off Zuwara with an AIS gap",
        19,
        25,
        &[&["encounter", "rendezvous"], &["ais.disabling", "ais.gap_in_coverage", "ais.gap"]],
    ),
    (
        "fast contact from the western to the central coast",
        14,
        16,
        &[&["coast.unidentified_departure"]],
    ),
    ("exercise period off Tripoli", 16, 18, &[&["coast.unidentified_departure"]]),
];

/// What a played day asks of the simulator.
#[derive(Clone, Copy, Debug)]
pub struct Day {
    /// The day's start, UTC midnight in ms.
    pub start_ms: i64,
    /// The demo feed's seed (the simulator gets `seed + day number`).
    pub seed: u64,
    /// Share of the background traffic.
    pub background: f64,
    /// Simulated hours to play (24 for the whole day).
    pub hours: f64,
}

/// What the joint centre's duty officer saw of a played day.
#[derive(Debug)]
pub struct Outcome {
    pub alerts: Vec<Value>,
    /// The scenario expectations that no alert met: `scenario: group in hours a-b`.
    pub missing: Vec<String>,
    /// Alerts at medium severity or above that no scenario explains: `rule at h H`.
    pub unexplained: Vec<String>,
    /// One line per rule: how many alerts and at which hours of the day.
    pub summary: String,
}

/// Plays `day` into a fresh centre in `data_dir` with `password_hash` for the demo users, and
/// reads the alerts back through the API as `joint.duty`.
pub async fn play(day: Day, data_dir: &std::path::Path, password_hash: &str) -> Outcome {
    // The evening before: after every seeded event, so the day plays whole and in order.
    let clock = Clock::starting_at(model::Time(day.start_ms - 8 * HOUR));
    let mut config = Config { data_dir: data_dir.to_path_buf(), ..Config::default() };
    config.log.max_batch_delay_ms = 2;
    let centre = Centre::start_with_clock(config.centre(), clock.clone()).expect("start");
    centre.append_folded(server::seed::demo(password_hash, clock.now())).await.expect("seed");
    let router = server::http::router(centre.clone(), &config);
    let login = json!({ "username": "joint.duty", "password": "demo" }).to_string();
    let (status, answer) = call(&router, None, "POST", "/api/v1/auth/login", login).await;
    assert_eq!(status, StatusCode::OK, "login: {answer}");
    let token = answer["token"].as_str().expect("token").to_string();

    let feed = FeedConfig {
        speed: 1.0e9,
        seed: day.seed,
        background: day.background,
        hours: Some(day.hours),
        start_ms: Some(day.start_ms),
    };
    let task =
        demo_feed::start(feed, centre.clone(), data_dir.to_path_buf(), config.validation_limits());
    tokio::time::timeout(Duration::from_secs(900), task).await.expect("fed in time").expect("feed");
    // Wait for the fold to catch up with the log.
    let mut last = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let folded = centre.read(|e| e.folded());
        if folded == last {
            break;
        }
        last = folded;
    }
    let (status, body) = call(&router, Some(&token), "GET", "/api/v1/alerts", String::new()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    centre.stop();
    judge(day.start_ms, body["alerts"].as_array().cloned().unwrap_or_default())
}

/// Which expectations the alerts meet, and which alerts no scenario explains.
pub fn judge(day_start: i64, alerts: Vec<Value>) -> Outcome {
    let hour_of =
        |a: &Value| (a["first_time"].as_i64().unwrap_or(0) - day_start) as f64 / HOUR as f64;
    let mut by_rule: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for a in &alerts {
        by_rule.entry(a["rule"].as_str().unwrap_or("?").to_string()).or_default().push(hour_of(a));
    }
    let summary: Vec<String> = by_rule
        .iter()
        .map(|(rule, hours)| {
            let hours: Vec<String> = hours.iter().map(|h| format!("{h:.1}")).collect();
            format!("{rule}: {} at h {}", hours.len(), hours.join(" "))
        })
        .collect();
    let mut missing = Vec::new();
    let mut explained = vec![false; alerts.len()];
    for (scenario, from, to, groups) in EXPECTED {
        let exercise = scenario.starts_with("exercise");
        for group in groups {
            let hits: Vec<usize> = (0..alerts.len())
                .filter(|i| {
                    let a = &alerts[*i];
                    let h = hour_of(a);
                    group.contains(&a["rule"].as_str().unwrap_or(""))
                        && h >= from as f64
                        && h < to as f64
                        && a["exercise"].as_bool() == Some(exercise)
                })
                .collect();
            if hits.is_empty() {
                missing.push(format!("{scenario}: no {group:?} alert in hours {from}-{to}"));
            }
            for i in hits {
                explained[i] = true;
            }
        }
    }
    let unexplained = alerts
        .iter()
        .zip(&explained)
        .filter(|(a, done)| {
            !**done && matches!(a["severity"].as_str(), Some("medium" | "high" | "critical"))
        })
        .map(|(a, _)| format!("{} at h {:.1}", a["rule"], hour_of(a)))
        .collect();
    Outcome { alerts, missing, unexplained, summary: summary.join("\n") }
}

/// One request through the router; the answer as JSON (or as a JSON string if it is not).
/// The test harness's `TestCentre::call_as` is this too.
pub async fn call(
    router: &axum::Router,
    token: Option<&str>,
    method: &str,
    uri: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut request =
        Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request.body(body.into()).expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}
