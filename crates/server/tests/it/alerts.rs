//! From raw observations through the pipeline to an alert: listed through the policy,
//! acknowledged as an event, published live; and the zones as GeoJSON.

use engine::geo::Geography;
use engine::geo::sphere::M_PER_DEG;
use serde_json::{Value, json};

use crate::{Socket, TestCentre, now_ms, read_until};

/// A radar contact without identity leaving the coast near Zuwara northbound at 5 kn, seen
/// every 30 s for the last `minutes`.
fn departure(minutes: i64) -> Value {
    let geo = Geography::libya().expect("geography");
    let coast = geo.locate_on_line("coast.lby", 12.08, 33.0).expect("coast").closest;
    let speed = 5.0 * 1_852.0 / 3_600.0;
    let now = now_ms();
    let items: Vec<Value> = (0..=minutes * 2)
        .map(|i| {
            let s = i * 30;
            let lat = coast[1] + (1_000.0 + speed * s as f64) / M_PER_DEG;
            json!({
                "source": "radar-zuwara", "source_kind": "radar", "agency": "CGW",
                "time": now - minutes * 60_000 + s * 1_000,
                "position": { "lon": coast[0], "lat": lat },
                "speed_mps": speed,
                "identity": { "source_track": "T-17" },
            })
        })
        .collect();
    Value::Array(items)
}

fn alerts_of(body: &Value, rule: &str) -> Vec<Value> {
    body["alerts"]
        .as_array()
        .map(|a| a.iter().filter(|x| x["rule"] == rule).cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_departure_becomes_an_alert_that_is_acknowledged_and_hidden_from_others() {
    let c = TestCentre::new().await;
    let batch = departure(6);
    let n = batch.as_array().map(Vec::len).unwrap_or(0) as u64;
    let (status, body) = c.post("/api/v1/observations", &batch).await;
    assert_eq!(status, 200, "{body}");
    c.folded(n).await;

    let (status, open) = c.get("/api/v1/alerts?state=open").await;
    assert_eq!(status, 200, "{open}");
    let found = alerts_of(&open, "coast.unidentified_departure");
    assert_eq!(found.len(), 1, "{open}");
    let alert = &found[0];
    assert_eq!(alert["severity"], "high");
    assert_eq!(alert["agency"], "CGW");
    assert!(alert["title_ar"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(alert["evidence"].as_array().is_some_and(|e| !e.is_empty()));
    let id = alert["id"].as_str().expect("id").to_string();

    // Another agency with no agreement sees nothing and cannot acknowledge: the same 404.
    let ars = c.login("ars.watch").await;
    let (_, theirs) = c.call_as(Some(&ars), "GET", "/api/v1/alerts", "").await;
    assert!(alerts_of(&theirs, "coast.unidentified_departure").is_empty(), "{theirs}");
    let uri = format!("/api/v1/alerts/{id}/ack");
    let (status, _) = c.call_as(Some(&ars), "POST", &uri, "").await;
    assert_eq!(status, 404);
    let (status, _) = c.post("/api/v1/alerts/a999999/ack", &json!({})).await;
    assert_eq!(status, 404);

    let (status, acked) = c.post(&uri, &json!({})).await;
    assert_eq!(status, 200, "{acked}");
    assert_eq!(acked["state"], "acknowledged");
    assert_eq!(acked["acknowledged_by"], "cgw.watch");
    let (_, listed) = c.get("/api/v1/alerts?state=acknowledged").await;
    assert_eq!(alerts_of(&listed, "coast.unidentified_departure").len(), 1);
    let (_, open) = c.get("/api/v1/alerts?state=open").await;
    assert!(alerts_of(&open, "coast.unidentified_departure").is_empty());

    // The acknowledgement is in the audit trail, with the actor.
    let kinds = c.centre.read(|e| e.alert(&id).map(|a| a.acknowledged_by().map(str::to_string)));
    assert_eq!(kinds, Some(Some("cgw.watch".to_string())));
}

#[tokio::test]
async fn four_minutes_of_departure_is_not_yet_an_alert() {
    let c = TestCentre::new().await;
    let batch = departure(4);
    let n = batch.as_array().map(Vec::len).unwrap_or(0) as u64;
    assert_eq!(c.post("/api/v1/observations", &batch).await.0, 200);
    c.folded(n).await;
    let (_, all) = c.get("/api/v1/alerts").await;
    assert!(alerts_of(&all, "coast.unidentified_departure").is_empty(), "{all}");
}

#[tokio::test]
async fn a_bad_state_is_a_400() {
    let c = TestCentre::new().await;
    let (status, body) = c.get("/api/v1/alerts?state=maybe").await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_sart_alert_is_published_to_live_subscribers() {
    let c = TestCentre::new().await;
    let mut updates = c.centre.subscribe();
    let mut sart = crate::observation(970_123_456, 13.3, 33.3);
    sart["identity"] = json!({ "mmsi": 970_123_456 });
    c.post("/api/v1/observations", &json!([sart])).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let update = tokio::time::timeout_at(deadline, updates.recv())
            .await
            .expect("an alert update in time")
            .expect("update");
        if let server::Update::Alert { entry: Some(entry), .. } = &*update {
            assert_eq!(entry.alert.rule, "sar.beacon");
            assert_eq!(entry.alert.severity, model::Severity::Critical);
            break;
        }
    }
}

#[tokio::test]
async fn the_rule_catalogue_has_ids_titles_and_thresholds() {
    let c = TestCentre::new().await;
    let (status, body) = c.get("/api/v1/rules").await;
    assert_eq!(status, 200);
    let rules = body["rules"].as_array().expect("rules");
    let encounter = rules.iter().find(|r| r["id"] == "encounter").expect("encounter");
    assert!(encounter["title_ar"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(body["config"]["encounter"]["max_distance_m"], 500.0);
}

#[tokio::test]
async fn zones_are_a_feature_collection_with_arabic_names_and_impact() {
    let c = TestCentre::new().await;
    let (status, body) = c.get("/api/v1/zones").await;
    assert_eq!(status, 200);
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().expect("features");
    let find = |id: &str| features.iter().find(|f| f["id"] == id).cloned().expect(id);
    let tummo = find("bcp.tummo");
    assert_eq!(tummo["properties"]["kind"], "crossing_point");
    assert_eq!(tummo["geometry"]["type"], "Polygon");
    assert!(tummo["properties"]["radius_m"].as_f64().is_some());
    let section = find("section.coast.zuwara");
    assert!(section["properties"]["impact"].is_string(), "{section}");
    assert!(section["properties"]["name_ar"].is_string());
    assert_eq!(find("border.ner")["geometry"]["type"], "LineString");
}

async fn stream_of(c: &TestCentre, user: &str) -> (Socket, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = c.router.clone().into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let token = c.login(user).await;
    let url = format!("ws://{addr}/api/v1/stream?access_token={token}");
    let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("connect stream");
    (socket, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_forwards_alerts_only_to_those_who_may_see_them() {
    let c = TestCentre::new().await;
    let (mut cgw, server) = stream_of(&c, "cgw.watch").await;
    let (mut ars, _) = stream_of(&c, "ars.watch").await;
    read_until(&mut cgw, |m| m["kind"] == "sync").await;
    read_until(&mut ars, |m| m["kind"] == "sync").await;

    let mut sart = crate::observation(970_123_456, 13.3, 33.3);
    sart["identity"] = json!({ "mmsi": 970_123_456 });
    c.post("/api/v1/observations", &json!([sart])).await;
    let got = read_until(&mut cgw, |m| m["kind"] == "alert").await;
    let alert = got.last().expect("alert");
    assert_eq!(alert["data"]["rule"], "sar.beacon");

    // ARS reports its own vehicle afterwards: by the time ARS hears of it, it has been
    // passed (or not) everything published before, and no alert may be among it.
    let ars_token = c.login("ars.watch").await;
    let mut truck = crate::observation(0, 14.0, 26.0);
    truck["agency"] = json!("ARS");
    truck["kind"] = json!("vehicle");
    truck["source_kind"] = json!("sensor");
    truck["identity"] = json!({ "plate": "ARS-1" });
    let (status, body) = c
        .call_as(Some(&ars_token), "POST", "/api/v1/observations", json!([truck]).to_string())
        .await;
    assert_eq!(status, 200, "{body}");
    let got = read_until(&mut ars, |m| m["kind"] == "track").await;
    assert!(got.iter().all(|m| m["kind"] != "alert"), "{got:?}");

    // CGW shares its maritime picture and alerts with ARS: the stream resynchronises and
    // now carries the alert.
    let now = crate::now();
    let agreement = model::Agreement {
        id: "cgw-ars".into(),
        from: model::AgencyId::new("CGW"),
        to: model::AgencyId::new("ARS"),
        scope: model::AgreementScope {
            tracks: Some(model::TrackScope::default()),
            alerts: true,
            incidents: None,
            units: false,
        },
        areas: Vec::new(),
        ceiling: model::Classification::Restricted,
        valid_from: now,
        valid_until: None,
        revoked: None,
    };
    let kind = model::EventKind::AgreementSet { agreement, actor: "test".into() };
    c.centre.append_folded(vec![model::Event { time: now, kind }]).await.expect("agreement");
    // Read until the alert, not until the next `sync`: the resynchronisation that ARS's second
    // sign-in set off may still be on its way, and its `sync` comes before the agreement's.
    let got =
        read_until(&mut ars, |m| m["kind"] == "alert" && m["data"]["rule"] == "sar.beacon").await;
    assert_eq!(got.last().map(|m| m["op"].clone()), Some(json!("upsert")), "{got:?}");
    server.abort();
}

/// A user zone from the config is served by GET /api/v1/zones beside the shipped ones; a
/// vessel that enters and leaves it leaves a closed `zone.entry` that `?state=closed` lists.
#[tokio::test]
async fn a_user_zone_is_served_and_its_closed_entry_is_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zones = dir.path().join("zones.toml");
    let text = "[[zone]]\nid = \"aoi.test\"\nname = \"Test area\"\n\
                circle = { center = [13.3, 33.3], radius_m = 5000.0 }\n";
    std::fs::write(&zones, text).expect("zones file");
    let mut config =
        server::config::Config { data_dir: dir.path().join("data"), ..Default::default() };
    config.log.max_batch_delay_ms = 2;
    config.geography.zones = vec![zones];
    let c = TestCentre::with_config(config, Some(dir)).await;

    let (status, body) = c.get("/api/v1/zones").await;
    assert_eq!(status, 200);
    let features = body["features"].as_array().expect("features");
    let zone = features.iter().find(|f| f["id"] == "aoi.test").expect("the user zone");
    assert_eq!(zone["properties"]["kind"], "user", "{zone}");
    assert_eq!(zone["properties"]["radius_m"], 5000.0, "{zone}");

    // Outside, inside twice (the entry's debounce), outside twice; ten minutes apart, at a
    // plausible speed (a faster move would be a position jump).
    let t = now_ms() - 60 * 60_000;
    let lats = [33.355, 33.33, 33.32, 33.355, 33.36];
    let batch: Vec<Value> = lats
        .iter()
        .enumerate()
        .map(|(i, lat)| {
            let mut o = crate::observation(642_777_001, 13.3, *lat);
            o["time"] = json!(t + i as i64 * 10 * 60_000);
            o
        })
        .collect();
    let (status, body) = c.post("/api/v1/observations", &Value::Array(batch)).await;
    assert_eq!(status, 200, "{body}");
    c.folded(lats.len() as u64).await;
    let (status, closed) = c.get("/api/v1/alerts?state=closed").await;
    assert_eq!(status, 200, "{closed}");
    let entries = alerts_of(&closed, "zone.entry");
    assert_eq!(entries.len(), 1, "{closed}");
    assert_eq!(entries[0]["zone"], "aoi.test");
    let all = closed["alerts"].as_array().expect("alerts");
    assert!(all.iter().all(|a| a["state"] == "closed"), "{closed}");
    let (_, open) = c.get("/api/v1/alerts?state=open").await;
    assert!(alerts_of(&open, "zone.entry").is_empty(), "{open}");
}

/// The joint centre raises a border section to critical: the zone as GET /api/v1/zones shows
/// it, a zone change to live subscribers, an audit event; others may not, and only sections
/// have an impact level.
#[tokio::test]
async fn a_section_raised_to_critical_is_served_published_and_audited() {
    let c = TestCentre::new().await;
    let id = "section.coast.zuwara";
    let uri = format!("/api/v1/zones/{id}/impact");
    let body = json!({ "impact": "critical" }).to_string();
    for user in ["cgw.watch", "cgw.duty"] {
        let token = c.login(user).await;
        let (status, answer) = c.call_as(Some(&token), "PUT", &uri, body.clone()).await;
        assert_eq!(status, 403, "{user}: {answer}");
    }
    let joc = c.login("joc.duty").await;
    // Another agency's operator watching the stream hears of it too: zones are reference data.
    let (mut ars, _server) = stream_of(&c, "ars.watch").await;
    read_until(&mut ars, |m| m["kind"] == "sync").await;
    let mut updates = c.centre.subscribe();
    let (status, zone) = c.call_as(Some(&joc), "PUT", &uri, body.clone()).await;
    assert_eq!(status, 200, "{zone}");
    assert_eq!(zone["properties"]["impact"], "critical", "{zone}");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let update = tokio::time::timeout_at(deadline, updates.recv())
            .await
            .expect("a zone update in time")
            .expect("update");
        if let server::Update::Zone(zone) = &*update {
            assert_eq!(zone.id, id);
            assert_eq!(zone.impact, Some(model::Severity::Critical));
            break;
        }
    }
    let heard = read_until(&mut ars, |m| m["kind"] == "zone").await;
    let zone_message = heard.last().expect("a zone message");
    assert_eq!(zone_message["op"], "upsert");
    assert_eq!(zone_message["data"]["properties"]["impact"], "critical", "{zone_message}");
    let (_, zones) = c.get("/api/v1/zones").await;
    let features = zones["features"].as_array().expect("features");
    let served = features.iter().find(|f| f["id"] == id).expect("the section");
    assert_eq!(served["properties"]["impact"], "critical");
    let audited = c.audit_events("zone_impact_set").await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0]["detail"]["actor"], "joc.duty", "{audited:?}");

    for (uri, body, status) in [
        ("/api/v1/zones/port.zuwara/impact", json!({ "impact": "high" }), 400),
        (uri.as_str(), json!({ "impact": "info" }), 400),
        (uri.as_str(), json!({ "impact": "extreme" }), 400),
        (uri.as_str(), json!({ "impact": "high", "colour": "red" }), 400),
        ("/api/v1/zones/section.nowhere/impact", json!({ "impact": "high" }), 404),
    ] {
        let (got, answer) = c.call_as(Some(&joc), "PUT", uri, body.to_string()).await;
        assert_eq!(got, status, "{uri} {body}: {answer}");
    }
}
