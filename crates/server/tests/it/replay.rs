//! Replay: the picture at a past time, folded from the log, through the access policy.

use std::sync::Arc;

use engine::Engine;
use engine::geo::Geography;
use engine::geo::sphere::M_PER_DEG;
use serde_json::{Value, json};
use server::api::replay::{Replay, iso};

use crate::{TestCentre, now_ms};

fn vessel(agency: &str, mmsi: u32, lon: f64, lat: f64, time: i64) -> Value {
    json!({
        "source": format!("ais-{agency}"), "source_kind": "ais", "agency": agency,
        "time": time,
        "position": { "lon": lon, "lat": lat },
        "speed_mps": 4.0, "course_deg": 15.0,
        "identity": { "mmsi": mmsi, "name": "AL BAHR" },
        "kind": "vessel"
    })
}

/// A radar contact without identity leaving the coast near Zuwara northbound at 5 kn, seen
/// every 30 s for the last six minutes: an open `coast.unidentified_departure` alert.
fn departure() -> Value {
    let geo = Geography::libya().expect("geography");
    let coast = geo.locate_on_line("coast.lby", 12.08, 33.0).expect("coast").closest;
    let speed = 5.0 * 1_852.0 / 3_600.0;
    let now = now_ms();
    let items: Vec<Value> = (0..=12)
        .map(|i| {
            let s = i * 30;
            let lat = coast[1] + (1_000.0 + speed * s as f64) / M_PER_DEG;
            json!({
                "source": "radar-zuwara", "source_kind": "radar", "agency": "CGW",
                "time": now - 6 * 60_000 + s * 1_000,
                "position": { "lon": coast[0], "lat": lat },
                "speed_mps": speed,
                "identity": { "source_track": "T-17" },
            })
        })
        .collect();
    Value::Array(items)
}

/// The time stamped on the newest event of the log.
fn newest_event_time(c: &TestCentre) -> i64 {
    let mut newest = i64::MIN;
    c.centre
        .log_reader()
        .scan(0, &mut |r| {
            newest = r.event.time.0;
            true
        })
        .expect("scan");
    newest
}

/// Waits until the edge's clock has passed `t`, so the next event is stamped after it.
async fn clock_past(t: i64) {
    while now_ms() <= t {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

/// A fresh engine folded over the longest prefix of the log stamped at or before `at`.
fn fresh_fold(c: &TestCentre, at: i64) -> Engine {
    let geo = c.centre.read(|e| Arc::clone(e.geography()));
    let mut engine = Engine::new(c.config.engine.clone(), geo);
    c.centre
        .log_reader()
        .scan(0, &mut |r| {
            if r.event.time.0 > at {
                return false;
            }
            engine.apply(r.seq, &r.event);
            true
        })
        .expect("scan");
    engine
}

fn features(body: &Value) -> Vec<Value> {
    body["tracks"]["features"].as_array().cloned().unwrap_or_default()
}

fn by_mmsi(features: &[Value], mmsi: u32) -> Option<Value> {
    features.iter().find(|f| f["properties"]["identity"]["mmsi"] == mmsi).cloned()
}

#[tokio::test]
async fn the_past_picture_is_what_a_fresh_fold_to_that_time_shows() {
    let c = TestCentre::new().await;
    let t0 = now_ms();
    let batch = departure();
    let n = batch.as_array().map(Vec::len).unwrap_or(0) as u64;
    let (status, body) = c.post("/api/v1/observations", &batch).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = c
        .post("/api/v1/observations", &json!([vessel("CGW", 642000101, 12.5, 33.5, t0 - 60_000)]))
        .await;
    assert_eq!(status, 200, "{body}");
    c.folded(n + 1).await;
    let past = newest_event_time(&c);
    let (_, open) = c.get("/api/v1/alerts?state=open").await;
    let alert = open["alerts"][0]["id"].as_str().expect("an open alert").to_string();

    // After `past`: the vessel moves on and the alert is acknowledged.
    clock_past(past).await;
    let moved = vessel("CGW", 642000101, 12.502, 33.503, t0);
    let (status, body) = c.post("/api/v1/observations", &json!([moved])).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = c.post(&format!("/api/v1/alerts/{alert}/ack"), &json!({})).await;
    assert_eq!(status, 200, "{body}");
    c.folded(n + 3).await;

    let (status, live) = c.get("/api/v1/tracks").await;
    assert_eq!(status, 200, "{live}");
    let live_vessel =
        by_mmsi(live["features"].as_array().expect("features"), 642000101).expect("live");
    assert_eq!(live_vessel["geometry"]["coordinates"], json!([12.502, 33.503]));

    let (status, replayed) = c.get(&format!("/api/v1/replay?at={}", iso(past))).await;
    assert_eq!(status, 200, "{replayed}");
    let then = by_mmsi(&features(&replayed), 642000101).expect("the vessel then");
    assert_eq!(then["geometry"]["coordinates"], json!([12.5, 33.5]), "{then}");
    let alerts = replayed["alerts"].as_array().expect("alerts");
    assert!(alerts.iter().any(|a| a["id"] == alert.as_str() && a["state"] == "open"), "{replayed}");

    // Exactly what a fresh engine folded to that time holds, feature for feature.
    let fresh = fresh_fold(&c, past);
    let expected: Vec<Value> = fresh.tracks().map(server::wire::track_feature).collect();
    assert_eq!(features(&replayed), expected);
    let open_then: Vec<&str> = fresh
        .alerts()
        .filter(|e| e.alert.state == model::AlertState::Open)
        .map(|e| e.alert.id.as_str())
        .collect();
    let replayed_ids: Vec<&str> = alerts.iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(replayed_ids, open_then);
    assert_eq!(replayed["folded"], fresh.folded());

    // Now: the live picture, the alert acknowledged and so not among the open ones.
    let (status, now) = c.get(&format!("/api/v1/replay?at={}", iso(newest_event_time(&c)))).await;
    assert_eq!(status, 200, "{now}");
    let vessel_now = by_mmsi(&features(&now), 642000101).expect("the vessel now");
    assert_eq!(vessel_now["geometry"]["coordinates"], json!([12.502, 33.503]));
    assert!(now["alerts"].as_array().expect("alerts").iter().all(|a| a["id"] != alert.as_str()));

    // A bbox leaves out what lies outside it.
    let uri = format!("/api/v1/replay?at={}&bbox=12.4,33.4,12.6,33.6", iso(past));
    let (status, boxed) = c.get(&uri).await;
    assert_eq!(status, 200, "{boxed}");
    assert_eq!(features(&boxed).len(), 1, "{boxed}");
}

#[tokio::test]
async fn checkpoints_give_the_same_state_as_a_fold_from_the_start() {
    let c = TestCentre::new().await;
    let mut times = Vec::new();
    for i in 0..6u32 {
        let t = now_ms();
        let lon = 12.5 + f64::from(i) * 0.001;
        let (status, body) =
            c.post("/api/v1/observations", &json!([vessel("CGW", 642000201, lon, 33.5, t)])).await;
        assert_eq!(status, 200, "{body}");
        c.folded(u64::from(i) + 1).await;
        let stamped = newest_event_time(&c);
        times.push(stamped);
        clock_past(stamped).await;
    }
    let (config, geo) = c.centre.read(|e| (e.config().clone(), Arc::clone(e.geography())));
    // A 1 ms grid: a checkpoint wherever the stamped time moves on.
    let replay = Replay::with_budget(1, usize::MAX);
    let last = *times.last().expect("times");
    let (_, first) = replay.fold_to(&c.centre, &config, &geo, last, 0).expect("fold");
    assert!(first.made >= 5, "{first:?}");
    for &at in &times {
        let (engine, stats) = replay.fold_to(&c.centre, &config, &geo, at, 0).expect("fold");
        assert!(stats.from_checkpoint.is_some(), "{stats:?}");
        assert_eq!(engine.snapshot(), fresh_fold(&c, at).snapshot(), "at {at}");
    }

    // A parked state serves a later time when no checkpoint lies between (a grid of a
    // century: the only checkpoint is the epoch's); an earlier time restores the checkpoint.
    let coarse = Replay::with_budget(100 * 365 * 24 * 3_600_000, usize::MAX);
    let (engine, _) = coarse.fold_to(&c.centre, &config, &geo, times[2], 0).expect("fold");
    coarse.park(times[2], engine);
    let (engine, stats) = coarse.fold_to(&c.centre, &config, &geo, times[4], 0).expect("fold");
    assert_eq!(stats.from_parked, Some(times[2]), "{stats:?}");
    assert_eq!(engine.snapshot(), fresh_fold(&c, times[4]).snapshot());
    coarse.park(times[4], engine);
    let (engine, stats) = coarse.fold_to(&c.centre, &config, &geo, times[1], 0).expect("fold");
    assert!(stats.from_parked.is_none(), "{stats:?}");
    assert_eq!(engine.snapshot(), fresh_fold(&c, times[1]).snapshot());

    // Over its budget the grid thins: fewer checkpoints, a wider spacing, the state unchanged.
    let small = Replay::with_budget(1, 1);
    small.fold_to(&c.centre, &config, &geo, last, 0).expect("fold");
    let (kept, spacing, _) = small.stats();
    assert!(kept <= 1 && spacing > 1, "kept {kept}, spacing {spacing}");
    let (engine, _) = small.fold_to(&c.centre, &config, &geo, times[3], 0).expect("fold");
    assert_eq!(engine.snapshot(), fresh_fold(&c, times[3]).snapshot());
}

#[tokio::test]
async fn an_agency_sees_only_its_own_at_that_time() {
    let c = TestCentre::new().await;
    let t = now_ms();
    let ars = c.login("ars.watch").await;
    let (status, body) =
        c.post("/api/v1/observations", &json!([vessel("CGW", 642000301, 12.5, 33.5, t)])).await;
    assert_eq!(status, 200, "{body}");
    let body = json!([vessel("ARS", 642000302, 13.5, 33.2, t)]).to_string();
    let (status, answer) = c.call_as(Some(&ars), "POST", "/api/v1/observations", body).await;
    assert_eq!(status, 200, "{answer}");
    c.folded(2).await;
    let at = newest_event_time(&c);
    let uri = format!("/api/v1/replay?at={}", iso(at));

    let (status, theirs) = c.call_as(Some(&ars), "GET", &uri, "").await;
    assert_eq!(status, 200, "{theirs}");
    let theirs = features(&theirs);
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["properties"]["agency"], "ARS");
    let (status, ours) = c.get(&uri).await;
    assert_eq!(status, 200, "{ours}");
    let ours = features(&ours);
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0]["properties"]["agency"], "CGW");
}

#[tokio::test]
async fn bad_times_are_refused_with_a_code() {
    let c = TestCentre::new().await;
    let now = now_ms();
    let cases = [
        ("/api/v1/replay".to_string(), "bad_time"),
        ("/api/v1/replay?at=yesterday".to_string(), "bad_time"),
        ("/api/v1/replay?at=2026-13-01T00:00:00Z".to_string(), "bad_time"),
        ("/api/v1/replay?at=".to_string(), "bad_time"),
        (format!("/api/v1/replay?at={}", iso(now + 3_600_000)), "replay_in_future"),
        (format!("/api/v1/replay?at={}", iso(now - 25 * 3_600_000)), "replay_too_old"),
        (format!("/api/v1/replay?at={}&bbox=1,2,3", iso(now)), "bad_query"),
        (format!("/api/v1/replay?at={}&colour=red", iso(now)), "bad_query"),
    ];
    for (uri, code) in cases {
        let (status, body) = c.get(&uri).await;
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    }
    let (status, _) = c.call_as(None, "GET", &format!("/api/v1/replay?at={}", iso(now)), "").await;
    assert_eq!(status, 401);
}

/// A centre whose log starts now: the test seed's directory stamped with the present (the
/// shared seed is stamped at the epoch, outside any replay window).
async fn centre_starting_now() -> TestCentre {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config =
        server::Config { data_dir: dir.path().to_path_buf(), ..server::Config::default() };
    config.log.max_batch_delay_ms = 2;
    let centre =
        server::Centre::start_with_clock(config.centre(), crate::clock().clone()).expect("start");
    let now = model::Time(now_ms());
    let seed = crate::seed_events().into_iter().map(|e| model::Event { time: now, ..e }).collect();
    centre.append_folded(seed).await.expect("seed");
    centre.stop();
    drop(centre);
    TestCentre::with_config(config, Some(dir)).await
}

#[tokio::test]
async fn a_time_before_the_log_starts_is_an_empty_picture() {
    let c = centre_starting_now().await;
    let (status, body) = c
        .post("/api/v1/observations", &json!([vessel("CGW", 642000401, 12.5, 33.5, now_ms())]))
        .await;
    assert_eq!(status, 200, "{body}");
    c.folded(1).await;

    let (status, window) = c.get("/api/v1/replay/window").await;
    assert_eq!(status, 200, "{window}");
    let first = first_event_time(&c);
    assert_eq!(window["log_start"], iso(first));

    let (status, body) = c.get(&format!("/api/v1/replay?at={}", iso(first - 1))).await;
    assert_eq!(status, 200, "{body}");
    assert!(features(&body).is_empty(), "{body}");
    assert_eq!(body["alerts"], json!([]));
    assert_eq!(body["folded"], 0);
    assert_eq!(body["newest_event"], Value::Null);

    // The same centre a moment later shows the vessel.
    let (status, body) = c.get(&format!("/api/v1/replay?at={}", iso(newest_event_time(&c)))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(features(&body).len(), 1, "{body}");
}

/// The time of the log's first event.
fn first_event_time(c: &TestCentre) -> i64 {
    let mut first = None;
    c.centre
        .log_reader()
        .scan(0, &mut |r| {
            first = Some(r.event.time.0);
            false
        })
        .expect("scan");
    first.expect("a first event")
}
