//! The radar TTM source over a real socket: targets become radar tracks at range and bearing
//! from the site, fuse with an AIS track inside the gate, and garbage is counted by reason.

use std::time::Duration;

use serde_json::{Value, json};
use server::sources::{self, RunningSource, SourceConfig};
use tokio::net::UdpSocket;

use crate::{TestCentre, now_ms, observation};

const SITE: [f64; 2] = [12.08, 32.93];

fn ttm(body: &str) -> String {
    let sum = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("${body}*{sum:02X}\r\n")
}

async fn radar(c: &TestCentre) -> (RunningSource, UdpSocket) {
    let text = format!(
        "type = \"ttm_udp\"\nid = \"radar-zuwara\"\nlisten = \"127.0.0.1:0\"\nagency = \"CGW\"\nsite = [{}, {}]\n",
        SITE[0], SITE[1]
    );
    let config: SourceConfig = toml::from_str(&text).expect("config");
    let source = sources::start(&config, c.centre.clone(), c.config.validation_limits())
        .await
        .expect("start");
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    socket.connect(source.local_addr).await.expect("connect");
    (source, socket)
}

async fn features(c: &TestCentre) -> Vec<Value> {
    let (_, body) = c.get("/api/v1/tracks").await;
    body["features"].as_array().cloned().unwrap_or_default()
}

async fn wait(c: &TestCentre, what: &str, test: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..500 {
        let f = features(c).await;
        if test(&f) {
            return f;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what}: {:?}", features(c).await);
}

fn radar_only(f: &Value) -> bool {
    f["properties"]["source_kinds"] == json!(["radar"])
}

#[tokio::test]
async fn a_ttm_target_becomes_a_radar_track_where_range_and_bearing_put_it() {
    let c = TestCentre::new().await;
    let (source, socket) = radar(&c).await;
    // 6 nm due east of the site, then a second fix.
    socket.send(ttm("RATTM,17,6.0,090.0,T,8.0,000.0,T,,,N,,T,,,A").as_bytes()).await.unwrap();
    socket.send(ttm("RATTM,17,6.0,089.9,T,8.0,000.0,T,,,N,,T,,,A").as_bytes()).await.unwrap();
    let all = wait(&c, "radar track", |f| f.iter().any(radar_only)).await;
    let track = all.iter().find(|f| radar_only(f)).unwrap();
    let p = &track["properties"];
    assert_eq!(p["sources"], json!(["radar-zuwara"]));
    assert_eq!(p["agency"], "CGW");
    let [lon, lat] = [0, 1].map(|i| track["geometry"]["coordinates"][i].as_f64().unwrap());
    // 6 nm east at 32.93° N: 11,112 m / (111,195 m × cos 32.93°) ≈ 0.1192° of longitude.
    assert!((lon - (SITE[0] + 0.1192)).abs() < 0.002, "{lon}");
    assert!((lat - SITE[1]).abs() < 0.002, "{lat}");
    source.stop();
}

#[tokio::test]
async fn a_radar_target_on_an_ais_vessel_fuses_into_its_track() {
    let c = TestCentre::new().await;
    let (source, socket) = radar(&c).await;
    // The AIS vessel 4 nm north of the radar, then the radar's target there.
    let at = [SITE[0], SITE[1] + 4.0 / 60.0];
    let mut o = observation(642_000_123, at[0], at[1]);
    o["speed_mps"] = json!(0.0);
    o["time"] = json!(now_ms());
    assert_eq!(c.post("/api/v1/observations", &json!([o])).await.0, 200);
    socket.send(ttm("RATTM,03,4.0,000.0,T,0.0,000.0,T,,,N,,T,,,A").as_bytes()).await.unwrap();
    let all = wait(&c, "fused track", |f| {
        f.iter().any(|t| {
            t["properties"]["source_kinds"] == json!(["ais", "radar"])
                || t["properties"]["source_kinds"] == json!(["radar", "ais"])
        })
    })
    .await;
    assert_eq!(all.len(), 1, "one object, one track: {all:?}");
    assert_eq!(all[0]["properties"]["identity"]["mmsi"], 642_000_123);
    source.stop();
}

#[tokio::test]
async fn ttm_garbage_is_counted_by_reason_and_the_source_keeps_serving() {
    let c = TestCentre::new().await;
    let (source, socket) = radar(&c).await;
    let mut bad = ttm("RATTM,01,1.0,010.0,T,,,T,,,N,,T,,,A").into_bytes();
    bad[9] = b'7';
    socket.send(&bad).await.unwrap();
    socket.send(b"\xff\xfe\x00 garbage\n$RATTM,,,*\n").await.unwrap();
    socket.send(ttm("RATTM,01,1.0,010.0,R,,,T,,,N,,T,,,A").as_bytes()).await.unwrap();
    socket.send(ttm("RATTM,02,1.0,010.0,T,,,T,,,N,,L,,,A").as_bytes()).await.unwrap();
    socket
        .send(ttm("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,").as_bytes())
        .await
        .unwrap();
    socket.send(ttm("RATTM,05,2.0,200.0,T,3.0,100.0,T,,,N,,T,,,A").as_bytes()).await.unwrap();
    wait(&c, "the good target", |f| f.iter().any(radar_only)).await;
    let (_, text) = c.get("/metrics").await;
    let text = text.as_str().unwrap_or_default().to_string();
    for reason in ["bad_checksum", "not_ttm", "relative_bearing", "ttm_lost"] {
        let series = format!("reason=\"{reason}\"");
        assert!(
            text.lines().any(|l| l.contains("radar-zuwara") && l.contains(&series)),
            "{reason} not counted in\n{text}"
        );
    }
    source.stop();
}
