//! The dashboard's counts (`GET /api/v1/dashboard`): alerts and incidents per border section
//! and per hour, only what the caller may see, exercises apart, bad queries refused.

use serde_json::{Value, json};

use crate::{TestCentre, observation};

fn sum(board: &Value, list: &str, field: &str) -> u64 {
    board[list].as_array().map_or(0, |l| l.iter().map(|x| x[field].as_u64().unwrap_or(0)).sum())
}

#[tokio::test]
async fn the_dashboard_counts_what_the_caller_sees_per_section_and_hour() {
    let c = TestCentre::new().await;
    // A SART just off Zuwara (a coast section) and an exercise beacon further out.
    let mut live = observation(970_123_456, 12.08, 32.95);
    live["identity"] = json!({ "mmsi": 970_123_456 });
    let mut drill = observation(970_000_001, 12.7, 33.7);
    drill["identity"] = json!({ "mmsi": 970_000_001 });
    drill["exercise"] = json!(true);
    let (status, v) = c.post("/api/v1/observations", &json!([live, drill])).await;
    assert_eq!(status, 200, "{v}");
    c.folded(2).await;
    // The automatic incidents follow the alerts inside the fold.
    let (_, incidents) = c.get("/api/v1/incidents").await;
    assert_eq!(incidents["incidents"].as_array().map(Vec::len), Some(2), "{incidents}");

    let (status, board) = c.get("/api/v1/dashboard").await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["hours"], 24);
    assert_eq!(board["hourly"].as_array().map(Vec::len), Some(24), "{board}");
    assert_eq!(board["to"].as_i64().unwrap() - board["from"].as_i64().unwrap(), 24 * 3_600_000);
    assert_eq!(board["totals"]["alerts"], 1, "{board}");
    assert_eq!(board["totals"]["incidents"], 1, "{board}");
    assert_eq!(board["totals"]["exercise_alerts"], 1, "{board}");
    assert_eq!(board["totals"]["exercise_incidents"], 1, "{board}");
    for field in ["alerts", "incidents", "exercise_alerts", "exercise_incidents"] {
        assert_eq!(
            sum(&board, "hourly", field),
            board["totals"][field].as_u64().unwrap(),
            "{field}"
        );
        assert_eq!(
            sum(&board, "sections", field),
            board["totals"][field].as_u64().unwrap(),
            "{field}"
        );
    }
    // The live beacon is placed in a coast section with its names; the drill far out is not.
    let sections = board["sections"].as_array().cloned().unwrap_or_default();
    let coast = sections
        .iter()
        .find(|s| s["alerts"] == 1)
        .unwrap_or_else(|| panic!("no section with the live alert: {board}"));
    assert_ne!(coast["section"], "none", "{board}");
    assert!(coast["name_ar"].as_str().is_some_and(|s| !s.is_empty() && !s.is_ascii()), "{coast}");
    assert!(coast["impact"].is_string(), "{coast}");
    let outside = sections.iter().find(|s| s["section"] == "none").expect("none");
    assert_eq!(outside["exercise_alerts"], 1, "{board}");
    assert_eq!(outside["name_ar"], "خارج القطاعات الحدودية");

    // Army South sees none of the coast guard's events.
    let ars = c.login("ars.watch").await;
    let (status, theirs) = c.call_as(Some(&ars), "GET", "/api/v1/dashboard?hours=6", "").await;
    assert_eq!(status, 200, "{theirs}");
    assert_eq!(theirs["hourly"].as_array().map(Vec::len), Some(6));
    assert_eq!(theirs["sections"], json!([]), "{theirs}");
    for field in ["alerts", "incidents", "exercise_alerts", "exercise_incidents"] {
        assert_eq!(theirs["totals"][field], 0, "{field}: {theirs}");
    }
}

#[tokio::test]
async fn the_dashboard_refuses_bad_queries_and_strangers() {
    let c = TestCentre::new().await;
    for query in ["hours=0", "hours=169", "hours=abc", "hours=-1", "days=2"] {
        let (status, v) = c.get(&format!("/api/v1/dashboard?{query}")).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["error"]["code"], "bad_query", "{query}: {v}");
    }
    let (status, _) = c.call_as(None, "GET", "/api/v1/dashboard", "").await;
    assert_eq!(status, 401);
    let (status, v) = c.get("/api/v1/dashboard?hours=168").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["hourly"].as_array().map(Vec::len), Some(168));
}
