//! The demo end to end: a simulated 24 h of the Libya scenario fed into a centre seeded as
//! `tansiq demo` seeds it, as fast as it folds; then, through the API as the joint centre's
//! duty officer, every scenario's expected alerts are there in its window, and the alerts no
//! scenario explains stay within the false-alarm budget.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use server::demo_feed::{self, FeedConfig};
use server::{Centre, Config};

use crate::TestCentre;

const HOUR: i64 = 3_600_000;

/// Scenario windows (hours from the day's start, per `sim::libya::SCHEDULE`) and the alerts each
/// must raise (any one of the rule ids in a group).
const EXPECTED: [(&str, i64, i64, &[&[&str]]); 6] = [
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

/// Alerts at or above medium severity that no scenario explains, over the simulated day: at
/// most this many. What is left is true to the rules but not staged: fishing boats without AIS
/// (40 % of the fleet, as off Libya) whose radar track first appears outside the port zone, so
/// their run out to sea reads as an unidentified departure, and the odd radar track joined to
/// the wrong boat in a crowded port before it is released. Last measured: 12.
const FALSE_ALARM_BUDGET: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_day_raises_every_scenarios_alerts_within_the_false_alarm_budget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    config.log.max_batch_delay_ms = 2;
    {
        // Seed as `tansiq demo` does, then hand the folder to the test centre.
        let centre = Centre::start(&config).expect("start");
        let now = model::Time(crate::now_ms());
        centre.append_folded(server::seed::demo(crate::password_hash(), now)).await.expect("seed");
        centre.stop();
    }
    let c = TestCentre::with_config(config, Some(dir)).await;
    let joc = c.login("joint.duty").await;

    // The next UTC midnight: after every seeded event, so the day plays whole and in order.
    let day = (crate::now_ms() / (24 * HOUR) + 1) * 24 * HOUR;
    let feed = FeedConfig {
        speed: 1.0e9,
        seed: 1,
        background: 0.02,
        hours: Some(
            std::env::var("TANSIQ_DEMO_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24.0),
        ),
        start_ms: Some(day),
    };
    let data = c.config.data_dir.clone();
    let task = demo_feed::start(feed, c.centre.clone(), data, c.config.validation_limits());
    tokio::time::timeout(Duration::from_secs(900), task).await.expect("fed in time").expect("feed");
    // Wait for the fold to catch up with the log.
    let mut last = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let folded = c.centre.read(|e| e.folded());
        if folded == last {
            break;
        }
        last = folded;
    }

    let (status, body) = c.call_as(Some(&joc), "GET", "/api/v1/alerts", "").await;
    assert_eq!(status, 200, "{body}");
    let alerts = body["alerts"].as_array().cloned().unwrap_or_default();
    let hour_of = |a: &Value| (a["first_time"].as_i64().unwrap_or(0) - day) as f64 / HOUR as f64;
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
    let summary = summary.join("\n");
    if std::env::var_os("TANSIQ_DEMO_DEBUG").is_some() {
        let (_, near) =
            c.call_as(Some(&joc), "GET", "/api/v1/tracks?bbox=11.9,33.1,12.15,33.26", "").await;
        for f in near["features"].as_array().cloned().unwrap_or_default() {
            println!("near meet: {} {}", f["geometry"]["coordinates"], f["properties"]);
        }
        for rule in [
            "crossing.outside_bcp",
            "crossing.pre_alert",
            "position.jump",
            "identity.conflict",
            "loitering",
        ] {
            for a in alerts.iter().filter(|a| a["rule"] == rule).take(3) {
                let track = a["tracks"][0].as_str().unwrap_or("");
                let (_, t) =
                    c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{track}"), "").await;
                println!(
                    "{rule} h {:.2}: evidence {} track {}",
                    hour_of(a),
                    a["evidence"],
                    t["properties"]
                );
            }
        }
    }
    println!("alerts seen by JOC over the simulated day:\n{summary}");

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
            assert!(
                !hits.is_empty(),
                "{scenario}: no {group:?} alert in hours {from}-{to}\n{summary}"
            );
            for i in hits {
                explained[i] = true;
            }
        }
    }
    let unexplained: Vec<&Value> = alerts
        .iter()
        .zip(&explained)
        .filter(|(a, done)| {
            !**done && matches!(a["severity"].as_str(), Some("medium" | "high" | "critical"))
        })
        .map(|(a, _)| a)
        .collect();
    let listed: Vec<String> =
        unexplained.iter().map(|a| format!("{} at h {:.1}", a["rule"], hour_of(a))).collect();
    println!("unexplained alerts at medium or above: {}: {listed:?}", unexplained.len());
    assert!(
        unexplained.len() <= FALSE_ALARM_BUDGET,
        "{} unexplained alerts, budget {FALSE_ALARM_BUDGET}: {listed:?}",
        unexplained.len()
    );
}
