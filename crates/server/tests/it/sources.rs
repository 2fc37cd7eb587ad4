//! A configured source over a real UDP socket: good datagrams become tracks, garbage is counted
//! and the source keeps listening.

use std::time::Duration;

use serde_json::json;
use server::sources::{self, SourceConfig};

use crate::{TestCentre, now_ms};

#[tokio::test]
async fn json_udp_source_stamps_its_identity_and_survives_garbage() {
    let c = TestCentre::new().await;
    let config: SourceConfig = toml::from_str(
        "type = \"json_udp\"\nid = \"radar-zuwara\"\nlisten = \"127.0.0.1:0\"\nagency = \"CGW\"\nsource_kind = \"radar\"\nmarking = { level = \"restricted\" }\n",
    )
    .expect("source config");
    let source = sources::start(&config, c.centre.clone(), c.config.validation_limits())
        .await
        .expect("start source");
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.expect("client socket");
    let target = source.local_addr;

    let good = |n: u32| {
        json!({ "time": now_ms(), "position": { "lon": 12.0, "lat": 33.0 },
                "identity": { "source_track": format!("{n}") }, "agency": "SOMEONE-ELSE" })
        .to_string()
    };
    socket.send_to(good(1).as_bytes(), target).await.expect("send");
    let garbage: Vec<Vec<u8>> = vec![
        b"\x00\xff\xfe binary".to_vec(),
        b"{\"time\": ".to_vec(),
        vec![b'['; 60_000],
        b"[]".to_vec(),
        json!({ "time": now_ms(), "position": { "lon": 500.0, "lat": 33.0 } })
            .to_string()
            .into_bytes(),
    ];
    for datagram in &garbage {
        socket.send_to(datagram, target).await.expect("send garbage");
    }
    socket.send_to(good(2).as_bytes(), target).await.expect("send");

    for _ in 0..400 {
        if c.centre.read(|e| e.track_count()) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, tracks) = c.get("/api/v1/tracks").await;
    let features = tracks["features"].as_array().expect("features");
    assert_eq!(features.len(), 2, "{tracks}");
    let props = &features[0]["properties"];
    assert_eq!(props["agency"], "CGW", "a source speaks only for its own agency");
    assert_eq!(props["sources"], json!(["radar-zuwara"]));
    assert_eq!(props["source_kinds"], json!(["radar"]));
    assert_eq!(props["marking"]["level"], "restricted", "the source's default marking");

    // The source counts an observation as accepted once its append returns, which may be a
    // moment after the engine has folded it: wait for the count before reading the rest.
    let accepted = "tansiq_ingest_observations_accepted_total{source=\"radar-zuwara\"} 2";
    let mut metrics = String::new();
    for _ in 0..400 {
        let (_, text) = c.get("/metrics").await;
        metrics = text.as_str().expect("text").to_owned();
        if metrics.contains(accepted) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(metrics.contains("tansiq_ingest_observations_rejected_total{source=\"radar-zuwara\",reason=\"bad_datagram\"} 3"), "{metrics}");
    assert!(metrics.contains("tansiq_ingest_observations_rejected_total{source=\"radar-zuwara\",reason=\"longitude\"} 1"), "{metrics}");
    assert!(metrics.contains(accepted), "{metrics}");
    source.stop();
}

#[tokio::test]
async fn a_stopped_source_lets_go_of_its_socket() {
    let c = TestCentre::new().await;
    let config: SourceConfig = toml::from_str(
        "type = \"json_udp\"\nid = \"radar-stop\"\nlisten = \"127.0.0.1:0\"\nagency = \"CGW\"\n",
    )
    .expect("source config");
    let source = sources::start(&config, c.centre.clone(), c.config.validation_limits())
        .await
        .expect("start source");
    let addr = source.local_addr;
    assert!(tokio::net::UdpSocket::bind(addr).await.is_err(), "the source holds its port");
    source.stop();
    let mut free = false;
    for _ in 0..200 {
        if tokio::net::UdpSocket::bind(addr).await.is_ok() {
            free = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(free, "{addr} is still held after stop");
}
