//! The daily report through the router: known counts in JSON, Arabic HTML with its map, and
//! a PDF whose Arabic words `pdftotext` reads back (skipped, with the reason printed, when
//! Chromium or pdftotext is not installed).

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use super::{at_sea, call, code, open};
use crate::{TestCentre, now_ms};

async fn raw(c: &TestCentre, uri: &str) -> (u16, String, Vec<u8>) {
    let request = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {}", c.token))
        .body(Body::empty())
        .expect("request");
    let response = c.router.clone().oneshot(request).await.expect("response");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    (status, kind, bytes)
}

#[tokio::test]
async fn the_daily_report_counts_the_day_in_json_html_and_pdf() {
    let c = TestCentre::new().await;
    let t = c.token.clone();
    let mut high = at_sea("departure", "migration.departure");
    high["impact"] = json!("high");
    high["border_section"] = json!("sea.west");
    open(&c, &t, high).await;
    let mut low = at_sea("nets", "fishing.illegal");
    low["impact"] = json!("low");
    let dismissed = open(&c, &t, low).await;
    let mut drill = at_sea("drill", "sar.distress");
    drill["exercise"] = json!(true);
    open(&c, &t, drill).await;
    let uri = format!("/api/v1/incidents/{dismissed}/transition");
    let (status, _) =
        call(&c, &t, "POST", &uri, json!({ "to": "dismissed", "reason": "legal" })).await;
    assert_eq!(status, 200);
    let hidden = c.login("ars.watch").await;
    open(&c, &hidden, at_sea("theirs", "other")).await;

    let date = model::Time(now_ms()).utc_date();
    let (status, r) = c.get(&format!("/api/v1/reports/daily?date={date}")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["date"], date.as_str());
    assert_eq!(r["counts"]["opened"], 2, "{r}");
    assert_eq!(r["counts"]["dismissed"], 1);
    assert_eq!(r["counts"]["closed"], 0);
    assert_eq!(r["counts"]["open"], 1);
    assert_eq!(r["counts"]["exercise_opened"], 1);
    assert_eq!(r["impact"], json!({ "low": 1, "high": 1 }));
    assert_eq!(r["incidents"].as_array().map(Vec::len), Some(3), "ARS's incident is not in it");
    let events = r["events"].as_array().expect("events");
    assert!(
        events.iter().any(|e| e["section"] == "sea.west"
            && e["category"] == "migration.departure"
            && e["incidents"] == 1),
        "{r}"
    );
    assert!(r["response_times"]["overall"]["measures"]["report"]["count"] == 2, "{r}");

    let (status, kind, html) =
        raw(&c, &format!("/api/v1/reports/daily?date={date}&lang=ar&format=html")).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("التقرير اليومي"), "{html}");
    assert!(html.contains("انطلاق قارب هجرة غير نظامية"), "the category in Arabic");
    assert!(html.contains("<svg") && html.contains("class=\"incident\""), "a map with the points");
    let (_, _, en) =
        raw(&c, &format!("/api/v1/reports/daily?date={date}&lang=en&format=html")).await;
    assert!(String::from_utf8_lossy(&en).contains("<html lang=\"en\" dir=\"ltr\">"));

    for bad in ["date=2026-02-30", "date=yesterday", "format=xml", "lang=fr", "colour=red"] {
        let (status, v) = c.get(&format!("/api/v1/reports/daily?{bad}")).await;
        assert_eq!((status.as_u16(), code(&v)), (400, "bad_query"), "{bad}: {v}");
    }

    let chromium = std::path::Path::new("/usr/bin/chromium").exists();
    let pdftotext = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if !(chromium && pdftotext) {
        eprintln!("skipping the pdf check: chromium {chromium}, pdftotext {pdftotext}");
        return;
    }
    let (status, kind, pdf) =
        raw(&c, &format!("/api/v1/reports/daily?date={date}&lang=ar&format=pdf")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let out =
        std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["التقرير", "اليومي", "الحوادث"] {
        assert!(text.contains(word), "{word} not in the pdf text: {text}");
    }
}

/// Times and measured durations vary run to run; counts, names, sections and structure do not.
fn redact(value: &mut serde_json::Value, in_times: bool) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let timed = in_times || key == "response_times" || key == "date" || key == "id";
                redact(v, timed);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, in_times)),
        Value::Number(n) if in_times || n.as_f64().is_some_and(|f| f.abs() > 1.0e9) => {
            *value = Value::String("<varies>".into());
        }
        Value::String(s) if in_times && s.chars().any(|c| c.is_ascii_digit()) => {
            *value = Value::String("<varies>".into());
        }
        _ => {}
    }
}

/// The JSON report of a known day, redacted of what varies, against `report.snap.json`
/// (`UPDATE_SNAPSHOTS=1` rewrites it): a change to the report's shape or counts shows in review.
#[tokio::test]
async fn the_daily_report_json_matches_its_snapshot() {
    let c = TestCentre::new().await;
    let t = c.token.clone();
    let mut high = at_sea("departure", "migration.departure");
    high["impact"] = json!("high");
    high["border_section"] = json!("sea.west");
    open(&c, &t, high).await;
    let mut low = at_sea("nets", "fishing.illegal");
    low["impact"] = json!("low");
    let dismissed = open(&c, &t, low).await;
    let uri = format!("/api/v1/incidents/{dismissed}/transition");
    let (status, _) =
        call(&c, &t, "POST", &uri, json!({ "to": "dismissed", "reason": "legal" })).await;
    assert_eq!(status, 200);
    let date = model::Time(now_ms()).utc_date();
    let (status, mut report) = c.get(&format!("/api/v1/reports/daily?date={date}")).await;
    assert_eq!(status, 200, "{report}");
    redact(&mut report, false);
    let got = serde_json::to_string_pretty(&report).expect("json") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/incidents/report.snap.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&path).expect("snapshot (UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(got, want, "the daily report changed; review and UPDATE_SNAPSHOTS=1 if intended");
}
