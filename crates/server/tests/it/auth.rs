//! Sign-in, tokens, the 401 wall, the 404 for other agencies' objects, agreements and audit.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{PASSWORD, TestCentre, observation};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// Replaces `{id}` and `{step}` in a documented path with something plausible.
fn concrete(path: &str) -> String {
    path.replace("{id}", "t0").replace("{step}", "s0")
}

#[tokio::test]
async fn every_route_but_login_and_healthz_answers_401_without_a_token() {
    let c = TestCentre::new().await;
    let routes = server::http::routes();
    assert!(routes.len() >= 15);
    let mut protected = 0;
    for (spec, _) in routes {
        let uri = concrete(spec.path);
        let method = spec.method.to_uppercase();
        for token in [None, Some("0".repeat(64).as_str()), Some("not-a-token")] {
            let (status, body) = c.call_as(token, &method, &uri, "{}").await;
            if spec.public {
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{method} {uri} is public");
            } else {
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {uri} with {token:?}: {body}"
                );
                assert_eq!(code(&body), "unauthorized");
            }
        }
        protected += usize::from(!spec.public);
    }
    assert!(protected >= 13);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let c = TestCentre::new().await;
    let (status, doc) = c.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for (spec, _) in server::http::routes() {
        let op = &doc["paths"][spec.path][spec.method];
        assert!(op.is_object(), "{} {} missing from the document", spec.method, spec.path);
        assert_eq!(op.get("security").is_none(), spec.public, "{} {}", spec.method, spec.path);
    }
}

#[tokio::test]
async fn login_answers_one_way_for_every_failure_and_audits_it() {
    let c = TestCentre::new().await;
    let login =
        |user: &str, password: &str| json!({ "username": user, "password": password }).to_string();
    let (status, body) =
        c.call_as(None, "POST", "/api/v1/auth/login", login("cgw.watch", "wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "bad_credentials");
    let (status, body2) = c.call_as(None, "POST", "/api/v1/auth/login", login("nobody", "x")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, body2, "an unknown user and a wrong password look the same");
    let (status, ok) =
        c.call_as(None, "POST", "/api/v1/auth/login", login("joc.duty", PASSWORD)).await;
    assert_eq!(status, 200);
    assert_eq!(ok["agency"], "JOC");
    assert_eq!(ok["roles"], json!(["duty_officer"]));
    assert_eq!(ok["user"], "joc.duty");

    let auditor = c.login("auditor").await;
    let (status, audit) = c.call_as(Some(&auditor), "GET", "/api/v1/audit", "").await;
    assert_eq!(status, 200, "{audit}");
    let events = audit["events"].as_array().expect("events");
    let failed = events.iter().filter(|e| e["type"] == "login_failed").count();
    assert_eq!(failed, 2, "{audit}");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "session_opened" && e["detail"]["username"] == "joc.duty")
    );
    let text = audit.to_string();
    assert!(!text.contains("$argon2"), "no password hash in the audit listing");
    let (status, _) = c.get("/api/v1/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a watch officer may not read the audit trail");
}

#[tokio::test]
async fn brute_force_is_rate_limited_per_user_and_address() {
    let c = TestCentre::new().await;
    let body = json!({ "username": "moi.watch", "password": "guess" }).to_string();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(c.call_as(None, "POST", "/api/v1/auth/login", body.clone()).await.0);
    }
    assert_eq!(&statuses[..5], &[StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits out the window: the limiter does not tell guesses apart.
    let right = json!({ "username": "moi.watch", "password": PASSWORD }).to_string();
    let (status, body) = c.call_as(None, "POST", "/api/v1/auth/login", right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(code(&body), "rate_limited");
    // Others are unaffected.
    c.login("moi.analyst").await;
}

#[tokio::test]
async fn malformed_and_oversized_sign_in_bodies_are_4xx() {
    let c = TestCentre::new().await;
    for body in [
        "",
        "{",
        "[]",
        "{\"username\": 1, \"password\": 2}",
        "{\"username\": \"a\"}",
        "{\"username\":\"a\",\"password\":\"b\",\"x\":1}",
    ] {
        let (status, answer) = c.call_as(None, "POST", "/api/v1/auth/login", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
    }
    let huge = json!({ "username": "a", "password": "p".repeat(10_000) }).to_string();
    let (status, _) = c.call_as(None, "POST", "/api/v1/auth/login", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    c.login("cgw.watch").await;
}

#[tokio::test]
async fn tampered_revoked_and_disabled_tokens_are_refused() {
    let c = TestCentre::new().await;
    let token = c.login("ars.watch").await;
    let (status, _) = c.call_as(Some(&token), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, 200);
    let mut tampered = token.clone().into_bytes();
    tampered[10] = if tampered[10] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).expect("hex");
    let (status, _) = c.call_as(Some(&tampered), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = c.call_as(Some(&token), "POST", "/api/v1/auth/logout", "").await;
    assert_eq!(status, 200);
    let (status, _) = c.call_as(Some(&token), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a signed-out token is dead");

    let token = c.login("moi.watch").await;
    let event = model::Event {
        time: crate::now(),
        kind: model::EventKind::UserDisabled { username: "moi.watch".into(), actor: "test".into() },
    };
    c.centre.append_folded(vec![event]).await.expect("disable");
    let (status, _) = c.call_as(Some(&token), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled user's session ends at once");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config =
        server::Config { data_dir: dir.path().to_path_buf(), ..server::Config::default() };
    config.log.max_batch_delay_ms = 1;
    config.auth.session_ttl_ms = 300;
    let c = TestCentre::with_config(config, Some(dir)).await;
    let token = c.login("ars.watch").await;
    let (status, _) = c.call_as(Some(&token), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (status, _) = c.call_as(Some(&token), "GET", "/api/v1/tracks", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_agencys_track_is_404_until_shared_and_again_after_revocation() {
    let c = TestCentre::new().await;
    assert_eq!(
        c.post("/api/v1/observations", &json!([observation(642000001, 12.0, 33.0)])).await.0,
        200
    );
    c.folded(1).await;
    let (_, tracks) = c.get("/api/v1/tracks").await;
    let id = tracks["features"][0]["id"].as_str().expect("CGW sees its own track").to_string();
    let joc = c.login("joc.watch").await;
    let (status, body) = c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{id}"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, missing) = c.call_as(Some(&joc), "GET", "/api/v1/tracks/t999999", "").await;
    assert_eq!(body["error"]["code"], missing["error"]["code"], "hidden and absent look alike");
    let (status, _) =
        c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{id}/history"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = c.call_as(Some(&joc), "GET", "/api/v1/tracks", "").await;
    assert_eq!(list["features"], json!([]));

    // CGW's duty officer shares tracks with JOC.
    let duty = c.login("cgw.duty").await;
    let agreement =
        json!({ "id": "cgw-joc", "to": "JOC", "scope": { "tracks": {} }, "ceiling": "restricted" });
    let (status, created) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", agreement.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["from"], "CGW");
    let (status, _) = c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{id}"), "").await;
    assert_eq!(status, 200, "shared now");
    let (_, list) = c.call_as(Some(&joc), "GET", "/api/v1/tracks", "").await;
    assert_eq!(list["features"].as_array().map(Vec::len), Some(1));
    let moi = c.login("moi.watch").await;
    let (_, list) = c.call_as(Some(&moi), "GET", "/api/v1/tracks", "").await;
    assert_eq!(list["features"], json!([]), "only to JOC");

    // A watch officer may not revoke; the duty officer may, and it takes effect at once.
    let (status, _) = c.call("POST", "/api/v1/sharing-agreements/cgw-joc/revoke", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        c.call_as(Some(&joc), "POST", "/api/v1/sharing-agreements/cgw-joc/revoke", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "JOC cannot revoke what CGW granted");
    let (status, _) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements/cgw-joc/revoke", "").await;
    assert_eq!(status, 200);
    let (status, _) = c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{id}"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked at once");
    let (status, _) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements/cgw-joc/revoke", "").await;
    assert_eq!(status, StatusCode::CONFLICT);

    let auditor = c.login("auditor").await;
    let (_, audit) = c.call_as(Some(&auditor), "GET", "/api/v1/audit", "").await;
    let kinds: Vec<&str> = audit["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(kinds.contains(&"agreement_set") && kinds.contains(&"agreement_revoked"), "{kinds:?}");
}

#[tokio::test]
async fn agreement_input_is_checked() {
    let c = TestCentre::new().await;
    let duty = c.login("cgw.duty").await;
    let post = |body: Value| {
        let duty = duty.clone();
        let c = &c;
        async move {
            c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", body.to_string()).await
        }
    };
    let base = json!({ "to": "JOC", "scope": { "tracks": {} }, "ceiling": "secret" });
    let mut to_self = base.clone();
    to_self["to"] = json!("CGW");
    let mut unknown = base.clone();
    unknown["to"] = json!("XYZ");
    let mut backwards = base.clone();
    backwards["valid_from"] = json!(2_000);
    backwards["valid_until"] = json!(1_000);
    let mut bad_area = base.clone();
    bad_area["areas"] = json!([{ "bbox": [10.0, 30.0, 5.0, 20.0] }]);
    let mut extra = base.clone();
    extra["from"] = json!("ARS");
    for (body, expected) in
        [(to_self, 400), (unknown, 400), (backwards, 400), (bad_area, 400), (extra, 400)]
    {
        let (status, answer) = post(body.clone()).await;
        assert_eq!(status.as_u16(), expected, "{body}: {answer}");
    }
    let (status, answer) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (status, _) = post(base.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = c.call("POST", "/api/v1/sharing-agreements", base.to_string()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a watch officer may not create agreements");
}

#[tokio::test]
async fn a_user_reports_only_for_their_own_agency() {
    let c = TestCentre::new().await;
    let mut other = observation(642000005, 12.0, 33.0);
    other["agency"] = json!("ARS");
    let (status, answer) =
        c.post("/api/v1/observations", &json!([observation(642000004, 12.0, 33.0), other])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["accepted"], 1);
    assert_eq!(answer["rejected"][0]["index"], 1);
    assert_eq!(answer["rejected"][0]["reason"], "agency");
    let analyst = c.login("moi.analyst").await;
    let (status, _) = c.call_as(Some(&analyst), "POST", "/api/v1/observations", "[]").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reading_another_agencys_restricted_history_is_audited() {
    let c = TestCentre::new().await;
    let mut restricted = observation(642000011, 12.0, 33.0);
    restricted["marking"] = json!({ "level": "restricted", "releasable_to": ["JOC"] });
    assert_eq!(c.post("/api/v1/observations", &json!([restricted])).await.0, 200);
    c.folded(1).await;
    let (_, list) = c.get("/api/v1/tracks").await;
    let id = list["features"][0]["id"].as_str().expect("track").to_string();
    // CGW reading its own history is not an event; JOC reading it is.
    assert_eq!(c.get(&format!("/api/v1/tracks/{id}/history")).await.0, 200);
    let joc = c.login("joc.watch").await;
    let (status, _) =
        c.call_as(Some(&joc), "GET", &format!("/api/v1/tracks/{id}/history"), "").await;
    assert_eq!(status, 200, "released to JOC by its marking");
    let accessed = c.audit_events("accessed").await;
    let reads: Vec<&Value> =
        accessed.iter().filter(|e| e["detail"]["action"] == "track.history").collect();
    assert_eq!(reads.len(), 1, "{accessed:?}");
    assert_eq!(reads[0]["detail"]["actor"], "joc.watch");
    assert_eq!(reads[0]["detail"]["object"], id.as_str());
}

#[tokio::test]
async fn an_agreement_can_be_limited_to_named_zones() {
    let c = TestCentre::new().await;
    // One vessel inside the territorial sea off Zuwara (about 5 nm out), one far offshore.
    let inside = observation(642000021, 12.08, 33.02);
    let outside = observation(642000022, 14.0, 35.5);
    assert_eq!(c.post("/api/v1/observations", &json!([inside, outside])).await.0, 200);
    c.folded(2).await;
    let duty = c.login("cgw.duty").await;
    let agreement = json!({
        "id": "cgw-joc-territorial", "to": "JOC", "scope": { "tracks": {} },
        "zones": ["sea.territorial"], "ceiling": "secret"
    });
    let (status, body) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", agreement.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let joc = c.login("joc.watch").await;
    let (_, list) = c.call_as(Some(&joc), "GET", "/api/v1/tracks", "").await;
    let mmsis: Vec<u64> = list["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["properties"]["identity"]["mmsi"].as_u64())
        .collect();
    assert_eq!(mmsis, vec![642000021], "only the vessel inside the zone is released");
    for (zones, what) in
        [(json!(["border.ner"]), "a line"), (json!(["sea.atlantis"]), "unknown zone")]
    {
        let bad =
            json!({ "to": "JOC", "scope": { "tracks": {} }, "zones": zones, "ceiling": "secret" });
        let (status, body) =
            c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", bad.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    }
    let forged = json!({ "to": "JOC", "scope": { "tracks": {} }, "ceiling": "secret",
        "areas": [{ "circle": { "id": "x", "center": [12.0, 33.0], "radius_m": 1e9 } }] });
    let (status, _) =
        c.call_as(Some(&duty), "POST", "/api/v1/sharing-agreements", forged.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "named shapes only through `zones`");
}
