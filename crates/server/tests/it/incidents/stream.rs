//! The live stream carries incident changes only to the agencies that may see them.

use serde_json::json;

use super::{at_sea, open};
use crate::{Socket, TestCentre, read_until};

async fn stream_of(c: &TestCentre, user: &str) -> Socket {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = c.router.clone().into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let token = c.login(user).await;
    let url = format!("ws://{addr}/api/v1/stream?access_token={token}");
    tokio_tungstenite::connect_async(url).await.expect("connect stream").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_sends_incidents_only_to_agencies_that_may_see_them() {
    let c = TestCentre::new().await;
    let mut cgw = stream_of(&c, "cgw.watch").await;
    let mut ars = stream_of(&c, "ars.watch").await;
    let sync = read_until(&mut cgw, |m| m["kind"] == "sync").await;
    assert_eq!(sync.last().map(|m| m["data"]["incidents"].clone()), Some(json!(0)));
    read_until(&mut ars, |m| m["kind"] == "sync").await;

    let id = open(&c, &c.token, at_sea("suspect vessel", "suspect.unidentified")).await;
    let got = read_until(&mut cgw, |m| m["kind"] == "incident").await;
    let m = got.last().expect("message");
    assert_eq!((m["op"].as_str(), m["data"]["id"].as_str()), (Some("upsert"), Some(id.as_str())));

    let uri = format!("/api/v1/incidents/{id}/handover");
    let (status, _) = c.post(&uri, &json!({ "agency": "ARS" })).await;
    assert_eq!(status, 200);
    // ARS hears of the incident only once it is offered to it.
    let got = read_until(&mut ars, |m| m["kind"] == "incident").await;
    let m = got.last().expect("message");
    assert_eq!(m["data"]["handover"]["to"], "ARS", "{m}");
}
