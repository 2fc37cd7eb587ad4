//! Garbage in: a clear 4xx naming the problem, nothing half-stored, the server keeps serving.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{TestCentre, now_ms, observation};

async fn assert_still_serving(c: &TestCentre, expected_events: u64) {
    let (status, _) = c.get("/healthz").await;
    assert_eq!(status, 200);
    let (status, body) =
        c.post("/api/v1/observations", &json!([observation(642000077, 12.0, 33.0)])).await;
    assert_eq!(status, 200, "{body}");
    c.folded(expected_events + 1).await;
    assert_eq!(
        c.centre.read(|e| e.folded()) - c.base,
        expected_events + 1,
        "nothing else was stored"
    );
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn malformed_json_is_400_and_stores_nothing() {
    let c = TestCentre::new().await;
    for body in
        ["[{\"source\": ", "not json", "[{\"position\": {\"lat\": NaN}}]", "\u{0}\u{1}\u{2}"]
    {
        let (status, answer) = c.call("POST", "/api/v1/observations", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(error_code(&answer), "bad_body");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, _) = c.call("POST", "/api/v1/observations", "42").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_still_serving(&c, 0).await;
}

#[tokio::test]
async fn each_bad_item_is_named_with_its_reason() {
    let c = TestCentre::new().await;
    let good = observation(642000001, 12.0, 33.0);
    let mut wrong_type = good.clone();
    wrong_type["position"]["lat"] = json!("thirty-three");
    let mut nan_text = good.clone();
    nan_text["position"]["lon"] = json!("NaN");
    let lat_out = observation(642000001, 12.0, -90.0001);
    let lon_out = observation(642000001, 180.5, 33.0);
    let mut future = good.clone();
    future["time"] = json!(now_ms() + 3_600_000);
    let mut past = good.clone();
    past["time"] = json!(now_ms() - 30 * 86_400_000);
    let mut unknown = good.clone();
    unknown["colour"] = json!("grey");
    let batch = json!([good, wrong_type, nan_text, lat_out, lon_out, future, past, unknown]);
    let (status, answer) = c.post("/api/v1/observations", &batch).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(error_code(&answer), "invalid_items");
    assert_eq!(answer["accepted"], 1);
    let reasons: Vec<(u64, String)> = answer["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (r["index"].as_u64().unwrap_or(99), r["reason"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let expected = [
        (1, "invalid"),
        (2, "invalid"),
        (3, "latitude"),
        (4, "longitude"),
        (5, "future_time"),
        (6, "stale_time"),
        (7, "invalid"),
    ];
    let expected: Vec<(u64, String)> = expected.iter().map(|(i, r)| (*i, r.to_string())).collect();
    assert_eq!(reasons, expected);
    assert!(answer["rejected"][6]["message"].as_str().is_some_and(|m| m.contains("colour")));
    // A number too large for a double is malformed JSON as a whole.
    let huge = r#"[{"source":"s","source_kind":"ais","agency":"CGW","time":1,"position":{"lon":1,"lat":1e400}}]"#;
    let (status, _) = c.call("POST", "/api/v1/observations", huge).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    c.folded(1).await;
    assert_still_serving(&c, 1).await;
}

#[tokio::test]
async fn an_all_bad_batch_stores_nothing() {
    let c = TestCentre::new().await;
    let batch = json!([observation(1, 12.0, 91.0), observation(2, 200.0, 33.0)]);
    let (status, answer) = c.post("/api/v1/observations", &batch).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["accepted"], 0);
    assert_eq!(answer["seq"], Value::Null);
    assert_still_serving(&c, 0).await;
}

#[tokio::test]
async fn oversized_bodies_and_batches_are_413() {
    let c = TestCentre::new().await;
    let big = format!("[{}]", "1,".repeat(c.config.http.max_body_bytes) + "1");
    let (status, answer) = c.call("POST", "/api/v1/observations", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(error_code(&answer), "too_large");
    let many: Vec<Value> = (0..101).map(|i| observation(i, 12.0, 33.0)).collect();
    let (status, answer) = c.post("/api/v1/observations", &Value::Array(many)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_still_serving(&c, 0).await;
}

#[tokio::test]
async fn bad_queries_and_unknown_things_are_clear_errors() {
    let c = TestCentre::new().await;
    for uri in [
        "/api/v1/tracks?bbox=1,2,3",
        "/api/v1/tracks?bbox=a,b,c,d",
        "/api/v1/tracks?kind=submarine",
        "/api/v1/tracks?since=yesterday",
        "/api/v1/tracks?colour=red",
    ] {
        let (status, answer) = c.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {answer}");
        assert_eq!(error_code(&answer), "bad_query", "{uri}");
    }
    let (status, answer) = c.get("/api/v1/tracks/t999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&answer), "not_found");
    let (status, _) = c.get("/api/v1/tracks/t999/history").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, answer) = c.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&answer), "not_found");
    assert_still_serving(&c, 0).await;
}
