//! The routes of the core API and their wire shapes.

use serde_json::json;

use crate::{TestCentre, now_ms, observation};

#[tokio::test]
async fn healthz_answers_without_anything_else() {
    let c = TestCentre::new().await;
    let (status, body) = c.get("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn observations_become_tracks_with_history() {
    let c = TestCentre::new().await;
    let batch = json!([observation(642000001, 12.0, 33.0), observation(642000002, 20.0, 32.0)]);
    let (status, body) = c.post("/api/v1/observations", &batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], 2);
    let (status, _) =
        c.post("/api/v1/observations", &json!([observation(642000001, 12.0005, 33.0005)])).await;
    assert_eq!(status, 200);
    c.folded(3).await;

    let (status, tracks) = c.get("/api/v1/tracks").await;
    assert_eq!(status, 200);
    assert_eq!(tracks["type"], "FeatureCollection");
    let features = tracks["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    let first =
        features.iter().find(|f| f["properties"]["identity"]["mmsi"] == 642000001).expect("track");
    let props = &first["properties"];
    for key in
        ["id", "kind", "agency", "marking", "last_time", "speed_mps", "course_deg", "identity"]
    {
        assert!(props.get(key).is_some(), "property {key} missing: {props}");
    }
    assert_eq!(props["kind"], "vessel");
    assert_eq!(props["agency"], "CGW");
    assert_eq!(props["state"], "confirmed");
    assert_eq!(first["geometry"]["coordinates"], json!([12.0005, 33.0005]));

    let id = props["id"].as_str().expect("id");
    let (status, one) = c.get(&format!("/api/v1/tracks/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], id);
    let (status, history) = c.get(&format!("/api/v1/tracks/{id}/history")).await;
    assert_eq!(status, 200);
    assert_eq!(history["geometry"]["coordinates"].as_array().map(Vec::len), Some(2));
    let (_, none) = c.get(&format!("/api/v1/tracks/{id}/history?from={}", now_ms() + 60_000)).await;
    assert_eq!(none["geometry"]["coordinates"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn history_is_downsampled_for_display_keeping_the_ends() {
    let c = TestCentre::new().await;
    let t0 = now_ms() - 60_000;
    let fixes: Vec<_> = (0..20)
        .map(|i| {
            let mut o = observation(642000003, 12.0 + f64::from(i) * 0.000_05, 33.0);
            o["time"] = json!(t0 + i64::from(i) * 1_000);
            o
        })
        .collect();
    assert_eq!(c.post("/api/v1/observations", &json!(fixes)).await.0, 200);
    c.folded(20).await;
    let (_, tracks) = c.get("/api/v1/tracks").await;
    let id = tracks["features"][0]["id"].as_str().expect("id").to_string();
    let (_, whole) = c.get(&format!("/api/v1/tracks/{id}/history")).await;
    assert_eq!(whole["properties"]["times"].as_array().map(Vec::len), Some(20));
    let (status, few) = c.get(&format!("/api/v1/tracks/{id}/history?max_points=4")).await;
    assert_eq!(status, 200);
    let times = few["properties"]["times"].as_array().expect("times");
    assert_eq!(times.len(), 4);
    assert_eq!(times[0], json!(t0));
    assert_eq!(times[3], json!(t0 + 19_000));
    let (status, _) = c.get(&format!("/api/v1/tracks/{id}/history?max_points=lots")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn track_filters_by_bbox_kind_and_time() {
    let c = TestCentre::new().await;
    let mut truck = observation(1, 14.0, 25.0);
    truck["kind"] = json!("vehicle");
    truck["identity"] = json!({ "plate": "LY-1" });
    truck["source_kind"] = json!("sensor");
    let batch =
        json!([observation(642000001, 12.0, 33.0), observation(642000002, 20.0, 32.0), truck]);
    assert_eq!(c.post("/api/v1/observations", &batch).await.0, 200);
    c.folded(3).await;
    let count = |v: &serde_json::Value| v["features"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(count(&c.get("/api/v1/tracks?bbox=11,32,13,34").await.1), 1);
    assert_eq!(count(&c.get("/api/v1/tracks?kind=vehicle").await.1), 1);
    assert_eq!(count(&c.get("/api/v1/tracks?kind=vessel").await.1), 2);
    assert_eq!(count(&c.get(&format!("/api/v1/tracks?since={}", now_ms() + 60_000)).await.1), 0);
}

#[tokio::test]
async fn geojson_feature_collections_are_accepted() {
    let c = TestCentre::new().await;
    let body = json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [11.9, 33.1] },
            "properties": { "source": "radar-zuwara", "source_kind": "radar", "agency": "CGW",
                            "time": now_ms(), "identity": { "source_track": "17" } }
        }]
    });
    let (status, answer) = c.post("/api/v1/observations", &body).await;
    assert_eq!(status, 200, "{answer}");
    c.folded(1).await;
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert_eq!(tracks["features"][0]["properties"]["source_kinds"], json!(["radar"]));
}

#[tokio::test]
async fn metrics_count_what_happened() {
    let c = TestCentre::new().await;
    c.post("/api/v1/observations", &json!([observation(642000001, 12.0, 33.0)])).await;
    c.post("/api/v1/observations", &json!([observation(642000001, 12.0, 95.0)])).await;
    c.folded(1).await;
    let (status, text) = c.get("/metrics").await;
    assert_eq!(status, 200);
    let text = text.as_str().expect("text");
    let appended = format!("tansiq_log_events_appended_total {}", c.base + 1);
    assert!(text.contains(&appended), "{text}");
    assert!(!text.contains("tansiq_log_append_latency_seconds_count 0"), "{text}");
    assert!(
        text.contains("tansiq_ingest_observations_accepted_total{source=\"ais-test\"} 1"),
        "{text}"
    );
    assert!(
        text.contains(
            "tansiq_ingest_observations_rejected_total{source=\"http\",reason=\"latitude\"} 1"
        ),
        "{text}"
    );
}

/// A radar track reported 500 km from where it was ten seconds before moves there, and the
/// jump is counted on /metrics.
#[tokio::test]
async fn a_teleport_is_counted_on_metrics() {
    let c = TestCentre::new().await;
    let t = now_ms() - 60_000;
    let fix = |dt_ms: i64, lon: f64| {
        json!({ "source": "radar-zuwara", "source_kind": "radar", "agency": "CGW",
                "time": t + dt_ms, "position": { "lon": lon, "lat": 33.1 },
                "identity": { "source_track": "17" } })
    };
    let (status, body) = c.post("/api/v1/observations", &json!([fix(0, 11.9)])).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = c.post("/api/v1/observations", &json!([fix(10_000, 17.0)])).await;
    assert_eq!(status, 200, "{body}");
    c.folded(2).await;
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert_eq!(tracks["features"].as_array().map(Vec::len), Some(1), "{tracks}");
    assert_eq!(tracks["features"][0]["geometry"]["coordinates"][0], json!(17.0), "{tracks}");
    let (_, text) = c.get("/metrics").await;
    let text = text.as_str().expect("text");
    assert!(text.contains("tansiq_engine_observations_teleported 1"), "{text}");
}

#[tokio::test]
async fn live_subscribers_hear_track_changes() {
    let c = TestCentre::new().await;
    let mut updates = c.centre.subscribe();
    c.post("/api/v1/observations", &json!([observation(642000009, 12.0, 33.0)])).await;
    let update = tokio::time::timeout(std::time::Duration::from_secs(5), updates.recv())
        .await
        .expect("an update in time")
        .expect("update");
    let server::Update::Track { track: Some(track), .. } = &*update else {
        panic!("a track update, not {update:?}")
    };
    assert_eq!(track.identity.mmsi, Some(642000009));
}
