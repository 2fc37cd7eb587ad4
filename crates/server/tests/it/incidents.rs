//! Incidents, units and the daily report through the router: the lifecycle with its
//! refusals, hand-over, tasking across agencies, recommendations, automatic incidents from a
//! SAR beacon, exercises, visibility, the daily report and bad input.
//!
//! An invalid transition is a **409** (`invalid_transition`): the request is well formed but
//! does not fit the incident's state; the message and `"allowed"` list the states it may go to.

use model::Role;
use serde_json::{Value, json};

use crate::{TestCentre, observation, password_hash};

mod report;
mod stream;

pub(crate) fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

pub(crate) fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or("")
}

pub(crate) async fn call(
    c: &TestCentre,
    token: &str,
    method: &str,
    uri: &str,
    body: Value,
) -> (u16, Value) {
    let text = if body.is_null() { String::new() } else { body.to_string() };
    let (status, value) = c.call_as(Some(token), method, uri, text).await;
    (status.as_u16(), value)
}

/// Opens an incident as `token` and returns its id.
pub(crate) async fn open(c: &TestCentre, token: &str, body: Value) -> String {
    let (status, v) = call(c, token, "POST", "/api/v1/incidents", body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().expect("id").to_string()
}

pub(crate) fn at_sea(title: &str, category: &str) -> Value {
    json!({
        "category": category, "title": title,
        "location": { "type": "point", "position": { "lon": 12.5, "lat": 33.6 } },
    })
}

/// Adds users the tests need beyond the shared seed.
async fn more_users(c: &TestCentre) {
    let h = password_hash();
    let users = vec![
        server::seed::user("ars.duty", "ARS", &[Role::DutyOfficer], h),
        server::seed::user("cgw.analyst", "CGW", &[Role::Analyst], h),
    ];
    c.centre.append_folded(users).await.expect("users");
}

#[tokio::test]
async fn an_incident_moves_along_its_lifecycle_and_refuses_bad_moves() {
    let c = TestCentre::new().await;
    let t = c.token.clone();
    let body = json!({
        "category": "migration.departure", "title": "boat leaving Zuwara",
        "location": { "type": "point", "position": { "lon": 12.08, "lat": 32.95 } },
    });
    let (status, v) = call(&c, &t, "POST", "/api/v1/incidents", body).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(v["state"], "reported");
    assert_eq!(v["originator"], "CGW");
    assert_eq!(v["owner"], "CGW");
    assert_eq!(v["exercise"], false);
    assert!(v["category_ar"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert_eq!(v["allowed_transitions"], json!(["verified", "assigned", "dismissed"]));

    let uri = format!("/api/v1/incidents/{id}/transition");
    let (status, v) =
        call(&c, &t, "POST", &uri, json!({ "to": "verified", "reason": "radar confirms" })).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "verified");

    // Invalid: refused with the allowed ones listed, in the message and as data.
    let (status, v) = call(&c, &t, "POST", &uri, json!({ "to": "closed", "reason": "" })).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(code(&v), "invalid_transition");
    assert!(message(&v).contains("allowed: assigned, dismissed"), "{v}");
    assert_eq!(v["allowed"], json!(["assigned", "dismissed"]));

    let (status, v) = call(&c, &t, "POST", &uri, json!({ "to": "dismissed" })).await;
    assert_eq!((status, code(&v)), (400, "reason_required"), "{v}");
    let (status, v) =
        call(&c, &t, "POST", &uri, json!({ "to": "dismissed", "reason": "fishing boat" })).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "dismissed");

    // From a closed (dismissed) incident nothing moves.
    let (status, v) = call(&c, &t, "POST", &uri, json!({ "to": "verified", "reason": "" })).await;
    assert_eq!((status, code(&v)), (409, "incident_closed"), "{v}");
    let patch = json!({ "title": "again" });
    let (status, _) = call(&c, &t, "PATCH", &format!("/api/v1/incidents/{id}"), patch).await;
    assert_eq!(status, 409);

    let (status, tl) =
        call(&c, &t, "GET", &format!("/api/v1/incidents/{id}/timeline"), Value::Null).await;
    assert_eq!(status, 200, "{tl}");
    let transitions = tl["transitions"].as_array().expect("transitions");
    assert_eq!(transitions.len(), 2, "{tl}");
    assert_eq!(transitions[0]["actor"]["user"], "cgw.watch");
    assert_eq!(transitions[0]["reason"], "radar confirms");
    assert_eq!(transitions[1]["to"], "dismissed");
    assert!(tl["timeline"]["verified"].is_i64() && tl["timeline"]["dismissed"].is_i64(), "{tl}");
    assert_eq!(tl["playbook"], "migration.departure");
    assert!(tl["steps"].as_array().is_some_and(|s| !s.is_empty()), "{tl}");
}

#[tokio::test]
async fn owners_change_incidents_analysts_read_and_patches_and_steps_apply() {
    let c = TestCentre::new().await;
    more_users(&c).await;
    let t = c.token.clone();
    let id = open(&c, &t, at_sea("persons in the water", "sar.distress")).await;
    let analyst = c.login("cgw.analyst").await;
    let (status, _) =
        call(&c, &analyst, "GET", &format!("/api/v1/incidents/{id}"), Value::Null).await;
    assert_eq!(status, 200);
    let (status, v) = call(&c, &analyst, "POST", "/api/v1/incidents", at_sea("x", "other")).await;
    assert_eq!((status, code(&v)), (403, "forbidden"), "{v}");
    let mut theirs = at_sea("for the army", "other");
    theirs["owner"] = json!("ARS");
    let (status, v) = call(&c, &t, "POST", "/api/v1/incidents", theirs).await;
    assert_eq!((status, code(&v)), (403, "forbidden"), "{v}");
    assert!(message(&v).contains("hand it over"), "{v}");

    let patch = json!({ "title": "12 persons in the water", "persons": { "on_board": 12 }, "impact": "high" });
    let (status, v) = call(&c, &t, "PATCH", &format!("/api/v1/incidents/{id}"), patch).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["title"], "12 persons in the water");
    assert_eq!(v["persons"]["on_board"], 12);
    assert_eq!(v["impact"], "high");

    let (status, tl) =
        call(&c, &t, "GET", &format!("/api/v1/incidents/{id}/timeline"), Value::Null).await;
    assert_eq!(status, 200);
    let step = tl["steps"][0]["step"]["id"].as_str().expect("a step").to_string();
    let uri = format!("/api/v1/incidents/{id}/steps/{step}");
    let (status, v) = call(&c, &t, "POST", &uri, json!({ "note": "rcc informed" })).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["steps"][&step]["note"], "rcc informed");
    let (status, v) = call(&c, &t, "POST", &uri, Value::Null).await;
    assert_eq!((status, code(&v)), (409, "step_already_completed"), "{v}");
    let (status, v) =
        call(&c, &t, "POST", &format!("/api/v1/incidents/{id}/steps/nope"), Value::Null).await;
    assert_eq!((status, code(&v)), (400, "unknown_step"), "{v}");

    for lang in ["ar", "en"] {
        let uri = format!("/api/v1/incidents/{id}/sitrep?lang={lang}");
        let (status, v) = call(&c, &t, "GET", &uri, Value::Null).await;
        assert_eq!(status, 200, "{v}");
        assert!(v["text"].as_str().is_some_and(|s| s.contains(&format!("SAR-{id}"))), "{v}");
    }
    let (_, ar) =
        call(&c, &t, "GET", &format!("/api/v1/incidents/{id}/sitrep?lang=ar"), Value::Null).await;
    assert!(
        ar["text"]
            .as_str()
            .is_some_and(|s| s.chars().any(|ch| ('\u{600}'..='\u{6ff}').contains(&ch)))
    );
    let (status, v) =
        call(&c, &t, "GET", &format!("/api/v1/incidents/{id}/sitrep?lang=fr"), Value::Null).await;
    assert_eq!((status, code(&v)), (400, "bad_query"), "{v}");
    assert!(message(&v).contains("fr"), "{v}");
}

#[tokio::test]
async fn handover_is_offered_accepted_by_the_receiver_and_hidden_from_others() {
    let c = TestCentre::new().await;
    let cgw = c.token.clone();
    let ars = c.login("ars.watch").await;
    let moi = c.login("moi.watch").await;
    let id = open(&c, &cgw, at_sea("suspect vessel", "suspect.unidentified")).await;
    let one = format!("/api/v1/incidents/{id}");

    // Not released to ARS: the same 404 as a missing incident, and absent from the list.
    let (status, v) = call(&c, &ars, "GET", &one, Value::Null).await;
    assert_eq!(status, 404, "{v}");
    let (status, _) = call(&c, &ars, "GET", "/api/v1/incidents/i999999", Value::Null).await;
    assert_eq!(status, 404);
    let (_, list) = call(&c, &ars, "GET", "/api/v1/incidents", Value::Null).await;
    assert!(list["incidents"].as_array().is_some_and(|l| l.iter().all(|i| i["id"] != id.as_str())));
    let (status, _) =
        call(&c, &ars, "POST", &format!("{one}/transition"), json!({ "to": "verified" })).await;
    assert_eq!(status, 404);

    let (status, v) =
        call(&c, &cgw, "POST", &format!("{one}/handover"), json!({ "agency": "XYZ" })).await;
    assert_eq!((status, code(&v)), (400, "unknown_agency"), "{v}");
    let (status, v) =
        call(&c, &cgw, "POST", &format!("{one}/handover"), json!({ "agency": "ARS" })).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["handover"]["to"], "ARS");
    assert_eq!(v["owner"], "CGW");

    // The receiver now sees it; a third agency still does not; only the receiver accepts.
    let (status, _) = call(&c, &ars, "GET", &one, Value::Null).await;
    assert_eq!(status, 200);
    let (status, _) = call(&c, &moi, "POST", &format!("{one}/handover/accept"), Value::Null).await;
    assert_eq!(status, 404);
    let (status, v) = call(&c, &cgw, "POST", &format!("{one}/handover/accept"), Value::Null).await;
    assert_eq!((status, code(&v)), (403, "not_handover_receiver"), "{v}");
    let (status, v) = call(&c, &ars, "POST", &format!("{one}/handover/accept"), Value::Null).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["owner"], "ARS");
    assert!(v["handover"].is_null());

    // The originator keeps sight of it but no longer changes it.
    let (status, _) = call(&c, &cgw, "GET", &one, Value::Null).await;
    assert_eq!(status, 200);
    let (status, v) =
        call(&c, &cgw, "POST", &format!("{one}/transition"), json!({ "to": "verified" })).await;
    assert_eq!((status, code(&v)), (403, "forbidden"), "{v}");
    let (status, v) =
        call(&c, &ars, "POST", &format!("{one}/transition"), json!({ "to": "verified" })).await;
    assert_eq!(status, 200, "{v}");
    // A decline needs a pending offer.
    let (status, v) =
        call(&c, &ars, "POST", &format!("{one}/handover/decline"), json!({ "reason": "no" })).await;
    assert_eq!((status, code(&v)), (409, "no_handover_pending"), "{v}");
}

fn unit(id: &str, kind: &str, lon: f64, lat: f64, speed: f64, marking: Value) -> Value {
    json!({
        "id": id, "name": id, "kind": kind, "max_speed_mps": speed,
        "base": { "lon": lon, "lat": lat }, "capabilities": ["rescue"], "marking": marking,
    })
}

#[tokio::test]
async fn units_are_ranked_by_eta_and_another_agencys_unit_is_not_tasked_without_agreement() {
    let c = TestCentre::new().await;
    more_users(&c).await;
    let cgw = c.token.clone();
    let cgw_duty = c.login("cgw.duty").await;
    let ars_duty = c.login("ars.duty").await;
    let none = json!({});
    let to_cgw = json!({ "releasable_to": ["CGW"] });
    for (token, body) in [
        (&cgw_duty, unit("cgw-near", "boat", 12.4, 33.5, 15.0, none.clone())),
        (&cgw_duty, unit("cgw-far", "boat", 11.6, 33.0, 15.0, none.clone())),
        (&cgw_duty, unit("cgw-truck", "vehicle", 12.4, 32.8, 20.0, none.clone())),
        (&ars_duty, unit("ars-seen", "boat", 12.45, 33.55, 20.0, to_cgw)),
        (&ars_duty, unit("ars-hidden", "boat", 12.45, 33.55, 20.0, none.clone())),
    ] {
        let (status, v) = call(&c, token, "POST", "/api/v1/units", body).await;
        assert_eq!(status, 201, "{v}");
    }
    let (status, v) =
        call(&c, &cgw, "POST", "/api/v1/units", unit("x", "boat", 12.0, 33.0, 5.0, none.clone()))
            .await;
    assert_eq!(status, 403, "watch officers do not register units: {v}");
    let (status, v) = call(
        &c,
        &cgw_duty,
        "POST",
        "/api/v1/units",
        unit("cgw-near", "boat", 12.0, 33.0, 5.0, none.clone()),
    )
    .await;
    assert_eq!((status, code(&v)), (409, "unit_already_registered"), "{v}");

    let (_, units) = call(&c, &cgw, "GET", "/api/v1/units", Value::Null).await;
    let mut ids: Vec<&str> =
        units["units"].as_array().expect("units").iter().filter_map(|u| u["id"].as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["ars-seen", "cgw-far", "cgw-near", "cgw-truck"]);

    let id = open(&c, &cgw, at_sea("boat adrift", "sar.distress")).await;
    let uri = format!("/api/v1/incidents/{id}/recommendations");
    let (status, rec) = call(&c, &cgw, "GET", &uri, Value::Null).await;
    assert_eq!(status, 200, "{rec}");
    let list = rec["recommendations"].as_array().expect("list");
    let order: Vec<&str> = list.iter().filter_map(|r| r["unit"].as_str()).collect();
    // Boats only (a sea category), CGW's own only (no agreement with ARS), fastest first.
    assert_eq!(order, ["cgw-near", "cgw-far"], "{rec}");
    let eta = |i: usize| list[i]["eta_s"].as_f64().unwrap_or(f64::NAN);
    assert!(eta(0) < eta(1), "{rec}");

    let tasks = format!("/api/v1/incidents/{id}/tasks");
    let (status, v) = call(&c, &cgw, "POST", &tasks, json!({ "unit": "ars-seen" })).await;
    assert_eq!((status, code(&v)), (403, "cross_agency_tasking"), "{v}");
    assert!(message(&v).contains("ars-seen") && message(&v).contains("ARS"), "{v}");
    let (status, v) = call(&c, &cgw, "POST", &tasks, json!({ "unit": "ars-hidden" })).await;
    assert_eq!((status, code(&v)), (404, "unknown_unit"), "{v}");
    let (status, v) = call(&c, &cgw, "POST", &tasks, json!({ "unit": "cgw-near" })).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "assigned");
    assert!(v["units"]["cgw-near"].is_object(), "{v}");
    let other = open(&c, &cgw, at_sea("second boat", "sar.distress")).await;
    let (status, v) = call(
        &c,
        &cgw,
        "POST",
        &format!("/api/v1/incidents/{other}/tasks"),
        json!({ "unit": "cgw-near" }),
    )
    .await;
    assert_eq!((status, code(&v)), (409, "unit_already_tasked"), "{v}");

    let (status, v) =
        call(&c, &cgw, "POST", "/api/v1/units/cgw-near/status", json!({ "status": "en_route" }))
            .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "en_route");
    let (_, inc) = call(&c, &cgw, "GET", &format!("/api/v1/incidents/{id}"), Value::Null).await;
    assert_eq!(inc["state"], "responding");
    let (status, v) =
        call(&c, &cgw, "POST", "/api/v1/units/ars-seen/status", json!({ "status": "available" }))
            .await;
    assert_eq!((status, code(&v)), (403, "forbidden"), "{v}");
    let (status, v) =
        call(&c, &cgw, "POST", "/api/v1/units/cgw-far/status", json!({ "status": "flying" })).await;
    assert_eq!((status, code(&v)), (400, "bad_body"), "{v}");
}

async fn incidents_of(c: &TestCentre, category: &str) -> Vec<Value> {
    let (_, v) = c.get(&format!("/api/v1/incidents?category={category}")).await;
    v["incidents"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_sar_beacon_opens_a_very_high_distress_incident_and_exercises_are_flagged() {
    let c = TestCentre::new().await;
    let mut live = observation(970_123_456, 12.5, 33.6);
    live["identity"]["name"] = json!("SART");
    let mut drill = observation(970_000_001, 12.7, 33.7);
    drill["exercise"] = json!(true);
    let (status, v) = c.post("/api/v1/observations", &json!([live, drill])).await;
    assert_eq!(status, 200, "{v}");
    c.folded(2).await;

    let (_, alerts) = c.get("/api/v1/alerts?rule=sar.beacon").await;
    let alerts = alerts["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    let found = incidents_of(&c, "sar.distress").await;
    assert_eq!(found.len(), 2, "{found:?}");
    let real = found.iter().find(|i| i["exercise"] == false).expect("real incident");
    assert_eq!(real["impact"], "very_high");
    assert_eq!(real["automatic"], true);
    assert_eq!(real["state"], "reported");
    let alert = alerts.iter().find(|a| a["exercise"] == false).expect("alert");
    assert_eq!(real["alerts"], json!([alert["id"]]));
    assert!(found.iter().any(|i| i["exercise"] == true));

    // A second fix of the same beacon keeps the one incident.
    c.post("/api/v1/observations", &observation(970_123_456, 12.5, 33.6)).await;
    c.folded(3).await;
    assert_eq!(incidents_of(&c, "sar.distress").await.len(), 2);

    // Opened by hand as an exercise: flagged, and filtered by ?exercise=.
    let mut body = at_sea("drill: boat adrift", "sar.distress");
    body["exercise"] = json!(true);
    let id = open(&c, &c.token, body).await;
    let (_, v) = c.get("/api/v1/incidents?exercise=true").await;
    let ids: Vec<&str> =
        v["incidents"].as_array().expect("list").iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(ids.contains(&id.as_str()) && ids.len() == 2, "{v}");

    // A person acknowledges the automatic incident, sets its IAMSAR phase, files the first
    // EUROSUR report.
    let real_id = real["id"].as_str().expect("id").to_string();
    assert!(real["timeline"]["acknowledged"].is_null(), "{real}");
    let one = format!("/api/v1/incidents/{real_id}");
    let (status, v) = c.post(&format!("{one}/acknowledge"), &json!({})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["timeline"]["acknowledged"].is_i64(), "{v}");
    let sar = json!({ "phase": "distress", "factors": ["overloaded"], "reason": "beacon",
        "details": { "coordinating_rcc": "JRCC Tripoli" } });
    let (status, v) = c.post(&format!("{one}/sar"), &sar).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["sar"]["phase"], "distress");
    let (status, v) = c.post(&format!("{one}/reports"), &json!({ "report": "first" })).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = c.post(&format!("{one}/reports"), &json!({ "report": "first" })).await;
    assert_eq!((status.as_u16(), code(&v)), (409, "report_already_filed"), "{v}");
    let (status, v) = c.post(&format!("{one}/reports"), &json!({ "report": "sar_closure" })).await;
    assert_eq!((status.as_u16(), code(&v)), (400, "invalid_value"), "{v}");

    // Another agency sees none of it.
    let ars = c.login("ars.watch").await;
    let (_, v) = call(&c, &ars, "GET", "/api/v1/incidents", Value::Null).await;
    assert_eq!(v["incidents"], json!([]));
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_problem() {
    let c = TestCentre::new().await;
    let t = c.token.clone();
    let cases = [
        (
            json!({ "category": "smuggling.unicorns", "title": "x" }),
            "unknown_category",
            "smuggling.unicorns",
        ),
        (json!({ "category": "other" }), "bad_body", "title"),
        (json!({ "category": "other", "title": "x", "colour": "red" }), "bad_body", "colour"),
        (json!({ "category": "other", "title": " " }), "invalid_value", "title"),
        (json!({ "category": "other", "title": "x", "impact": "huge" }), "bad_body", "huge"),
        (json!({ "category": "other", "title": "x", "confidence": 150 }), "invalid_value", "150"),
        (
            json!({ "category": "other", "title": "x", "location": { "type": "point", "position": { "lon": 200.0, "lat": 33.0 } } }),
            "invalid_coordinates",
            "200",
        ),
    ];
    for (body, want, named) in cases {
        let (status, v) = call(&c, &t, "POST", "/api/v1/incidents", body.clone()).await;
        assert_eq!((status, code(&v)), (400, want), "{body}: {v}");
        assert!(message(&v).contains(named), "{body}: {v}");
    }
    let (status, v) = c.call("POST", "/api/v1/incidents", "{not json").await;
    assert_eq!((status.as_u16(), code(&v)), (400, "bad_body"), "{v}");
    let id = open(&c, &t, at_sea("x", "other")).await;
    let uri = format!("/api/v1/incidents/{id}/transition");
    let (status, v) = call(&c, &t, "POST", &uri, json!({ "to": "flying" })).await;
    assert_eq!((status, code(&v)), (400, "bad_body"), "{v}");
    assert!(message(&v).contains("flying"), "{v}");
    let (status, v) =
        call(&c, &t, "POST", &format!("/api/v1/incidents/{id}/tasks"), json!({})).await;
    assert_eq!((status, code(&v)), (400, "bad_body"), "{v}");
    let (status, v) = c.get("/api/v1/incidents?category=nope").await;
    assert_eq!((status.as_u16(), code(&v)), (400, "unknown_category"), "{v}");
    let (status, v) = c.get("/api/v1/incidents?state=lost").await;
    assert_eq!((status.as_u16(), code(&v)), (400, "bad_query"), "{v}");
    let (status, v) = c.get("/api/v1/metrics/response-times?from=10&to=5").await;
    assert_eq!((status.as_u16(), code(&v)), (400, "bad_query"), "{v}");
    let (status, v) = c.get("/api/v1/metrics/response-times").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["percentile_method"], "nearest-rank");
    assert_eq!(v["overall"]["incidents"], 1);
    let (status, v) = c.get("/api/v1/reminders").await;
    assert_eq!(status, 200, "{v}");
    assert!(v["reminders"].is_array());
    let (status, v) = c.get("/api/v1/units/nope").await;
    assert!(status.as_u16() == 404 || status.as_u16() == 405, "{v}");
}

#[tokio::test]
async fn response_targets_come_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config =
        server::Config { data_dir: dir.path().to_path_buf(), ..server::Config::default() };
    config.log.max_batch_delay_ms = 2;
    config.engine.response_targets.acknowledge_s = 0;
    let c = TestCentre::with_config(config, Some(dir)).await;
    // An automatic incident nobody acknowledged is over a zero-second target at once.
    let mut sart = observation(970_123_456, 12.5, 33.6);
    sart["time"] = json!(crate::now_ms() - 5_000);
    c.post("/api/v1/observations", &sart).await;
    c.folded(1).await;
    let (status, v) = c.get("/api/v1/metrics/response-times").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["targets"]["acknowledge_s"], 0);
    assert_eq!(v["overall"]["incidents"], 1, "{v}");
    assert_eq!(v["overall"]["breaches"]["acknowledge"], 1, "{v}");
}
