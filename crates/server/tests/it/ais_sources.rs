//! AIS sources over real sockets and files: sentences become tracks, static data reaches the
//! vessel's identity, garbage is counted by reason, the TCP client reconnects, files replay.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use server::sources::{self, RunningSource, SourceConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, UdpSocket};

use crate::{TestCentre, now_ms};

fn sample_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ais/gpsd/test/sample.aivdm")
}

/// The AIS lines of gpsd's sample, in order.
fn sample_lines() -> Vec<String> {
    let text = std::fs::read_to_string(sample_path()).expect("sample.aivdm");
    text.lines().filter(|l| l.starts_with('!')).map(str::to_string).collect()
}

fn sample_line(prefix: &str) -> String {
    sample_lines().into_iter().find(|l| l.starts_with(prefix)).expect("sample line")
}

fn nmea_checksum(body: &str) -> u8 {
    body.bytes().fold(0, |a, b| a ^ b)
}

fn push(bits: &mut Vec<u8>, value: u64, width: u32) {
    for i in (0..width).rev() {
        bits.push(((value >> i) & 1) as u8);
    }
}

/// A type 1 position report as one `!AIVDM` sentence: 10 knots, course 90°, no heading.
fn type1(mmsi: u32, lon: f64, lat: f64, status: u8) -> String {
    let mut bits = Vec::new();
    push(&mut bits, 1, 6);
    push(&mut bits, 0, 2);
    push(&mut bits, u64::from(mmsi), 30);
    push(&mut bits, u64::from(status), 4);
    push(&mut bits, 0x80, 8);
    push(&mut bits, 100, 10);
    push(&mut bits, 0, 1);
    push(&mut bits, ((lon * 600_000.0).round() as i64 as u64) & 0xfff_ffff, 28);
    push(&mut bits, ((lat * 600_000.0).round() as i64 as u64) & 0x7ff_ffff, 27);
    push(&mut bits, 900, 12);
    push(&mut bits, 511, 9);
    push(&mut bits, 0, 6 + 2 + 3 + 1 + 19);
    let payload: String = bits
        .chunks(6)
        .map(|c| {
            let v = c.iter().fold(0u8, |a, b| (a << 1) | b);
            char::from(if v < 40 { v + 48 } else { v + 56 })
        })
        .collect();
    let body = format!("AIVDM,1,1,,A,{payload},0");
    format!("!{body}*{:02X}", nmea_checksum(&body))
}

/// `sentence` behind a tag block whose `c:` is `ms` (13 digits).
fn tagged(ms: i64, sentence: &str) -> String {
    let tag = format!("c:{ms}");
    format!("\\{tag}*{:02X}\\{sentence}", nmea_checksum(&tag))
}

async fn start(c: &TestCentre, toml_text: &str) -> RunningSource {
    let config: SourceConfig = toml::from_str(toml_text).expect("source config");
    sources::start(&config, c.centre.clone(), c.config.validation_limits()).await.expect("start")
}

async fn udp_source(c: &TestCentre, id: &str) -> (RunningSource, UdpSocket) {
    let toml_text =
        format!("type = \"ais_udp\"\nid = \"{id}\"\nlisten = \"127.0.0.1:0\"\nagency = \"CGW\"\n");
    let source = start(c, &toml_text).await;
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("client socket");
    socket.connect(source.local_addr).await.expect("connect");
    (source, socket)
}

async fn tracks(c: &TestCentre) -> Vec<Value> {
    let (_, body) = c.get("/api/v1/tracks").await;
    body["features"].as_array().cloned().unwrap_or_default()
}

fn by_mmsi(features: &[Value], mmsi: u32) -> Option<Value> {
    features
        .iter()
        .find(|f| f["properties"]["identity"]["mmsi"] == mmsi)
        .map(|f| f["properties"].clone())
}

/// Waits until tracks with every one of `mmsis` are in the picture.
async fn wait_for(c: &TestCentre, mmsis: &[u32]) -> Vec<Value> {
    for _ in 0..500 {
        let features = tracks(c).await;
        if mmsis.iter().all(|m| by_mmsi(&features, *m).is_some()) {
            return features;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no tracks for {mmsis:?}: {:?}", tracks(c).await);
}

async fn metrics(c: &TestCentre) -> String {
    let (_, body) = c.get("/metrics").await;
    body.as_str().unwrap_or_default().to_string()
}

/// The value of one metric line, 0 when absent.
async fn metric(c: &TestCentre, series: &str) -> u64 {
    let text = metrics(c).await;
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0)
}

/// Waits until a counter reaches `value` (the forwarder counts after the log acknowledges,
/// which may be a moment after the engine folded), then returns it.
async fn settled(c: &TestCentre, series: &str, value: u64) -> u64 {
    for _ in 0..200 {
        if metric(c, series).await >= value {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    metric(c, series).await
}

#[tokio::test]
async fn udp_sentences_become_tracks_and_type_5_reaches_the_identity() {
    let c = TestCentre::new().await;
    let (source, socket) = udp_source(&c, "ais-udp").await;
    let first = sample_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ");
    let second = sample_line("!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r");
    let part1 = sample_line("!AIVDM,2,1,1,A,55?MbV02");
    let part2 = sample_line("!AIVDM,2,2,1,A,88888888880");
    // One datagram with two lines, CR/LF; the type 5 fragments in datagrams of their own.
    socket.send(format!("{first}\r\n{second}\r\n").as_bytes()).await.expect("send");
    socket.send(part1.as_bytes()).await.expect("send");
    socket.send(part2.as_bytes()).await.expect("send");
    socket.send(type1(351_759_000, 13.19, 32.90, 0).as_bytes()).await.expect("send");

    let features = wait_for(&c, &[371_798_000, 440_348_000, 351_759_000]).await;
    let p = by_mmsi(&features, 371_798_000).expect("track");
    assert_eq!(p["sources"], serde_json::json!(["ais-udp"]));
    assert_eq!(p["source_kinds"], serde_json::json!(["ais"]));
    assert_eq!(p["kind"], "vessel");
    assert_eq!(p["agency"], "CGW");
    let speed = p["speed_mps"].as_f64().expect("speed");
    assert!((speed - 12.3 * 0.514_444).abs() < 1e-9, "{speed}");
    assert_eq!(p["identity"]["flag"], "PA", "MID 371 is Panama");
    let ever = by_mmsi(&features, 351_759_000).expect("EVER DIADEM");
    let identity = &ever["identity"];
    assert_eq!(identity["name"], "EVER DIADEM", "{ever}");
    assert_eq!(identity["callsign"], "3FOF8");
    assert_eq!(identity["imo"], 9_134_270);
    assert_eq!(identity["ship_type"], 70);
    assert_eq!(identity["mmsi_valid"], true);
    assert_eq!(identity["nav_status"], 0);

    let accepted = "tansiq_ingest_observations_accepted_total{source=\"ais-udp\"}";
    assert_eq!(settled(&c, accepted, 3).await, 3);
    let text = metrics(&c).await;
    for series in [
        "tansiq_ais_sentences_total{source=\"ais-udp\"} 5",
        "tansiq_ais_messages_total{source=\"ais-udp\"} 4",
        "tansiq_ais_reassembly_timeouts_total{source=\"ais-udp\"} 0",
    ] {
        assert!(text.contains(series), "{series} missing from\n{text}");
    }
    source.stop();
}

#[tokio::test]
async fn udp_garbage_is_counted_by_reason_and_the_source_keeps_serving() {
    let c = TestCentre::new().await;
    let (source, socket) = udp_source(&c, "ais-garbage").await;
    let good = sample_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ");
    let bad_checksum = good.replace("*4A", "*4B");
    let garbage: Vec<Vec<u8>> = vec![
        b"\x00\xff\xfe\x80 binary\n\x01\x02\x03".to_vec(),
        (0..60_000).map(|i| (i * 7 % 256) as u8).collect(),
        vec![b'!'; 60_000],
        bad_checksum.into_bytes(),
        b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47".to_vec(),
        b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ".to_vec(),
        {
            let body = "AIVDM,2,3,1,A,55?MbV02,0";
            format!("!{body}*{:02X}", nmea_checksum(body)).into_bytes()
        },
        b"\n\r\n\r\n".to_vec(),
    ];
    for datagram in &garbage {
        socket.send(datagram).await.expect("send garbage");
    }
    socket.send(type1(642_000_001, 12.5, 33.1, 0).as_bytes()).await.expect("send");
    let features = wait_for(&c, &[642_000_001]).await;
    assert_eq!(features.len(), 1, "garbage made no track: {features:?}");
    let p = by_mmsi(&features, 642_000_001).expect("track");
    assert_eq!(p["identity"]["flag"], "LY");
    assert_eq!(p["identity"]["mmsi_valid"], true);

    let reject = |reason: &str| {
        format!("tansiq_ais_rejects_total{{source=\"ais-garbage\",reason=\"{reason}\"}}")
    };
    assert_eq!(metric(&c, &reject("bad_checksum")).await, 1);
    assert!(metric(&c, &reject("missing_checksum")).await >= 1);
    assert_eq!(metric(&c, &reject("bad_fragment")).await, 1);
    assert!(metric(&c, &reject("not_ais")).await >= 4, "{}", metrics(&c).await);
    let text = metrics(&c).await;
    let rejects: u64 = text
        .lines()
        .filter(|l| l.starts_with("tansiq_ais_rejects_total{source=\"ais-garbage\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert!(rejects >= 8, "every bad line is counted: {text}");
    let accepted = "tansiq_ingest_observations_accepted_total{source=\"ais-garbage\"}";
    assert_eq!(settled(&c, accepted, 1).await, 1);
    source.stop();
}

#[tokio::test]
async fn udp_survives_mutated_sentences_and_random_bytes() {
    let c = TestCentre::new().await;
    let (source, socket) = udp_source(&c, "ais-fuzz").await;
    let sample = sample_lines();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..400 {
        let datagram: Vec<u8> = if i % 2 == 0 {
            let mut line = sample[next() as usize % sample.len()].clone().into_bytes();
            for _ in 0..1 + next() % 3 {
                let at = next() as usize % line.len();
                line[at] = next() as u8;
            }
            line
        } else {
            (0..next() % 2_000).map(|_| next() as u8).collect()
        };
        socket.send(&datagram).await.expect("send");
        if i % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    socket.send(type1(642_000_099, 12.5, 33.1, 0).as_bytes()).await.expect("send");
    wait_for(&c, &[642_000_099]).await;
    let text = metrics(&c).await;
    let rejects: u64 = text
        .lines()
        .filter(|l| l.starts_with("tansiq_ais_rejects_total{source=\"ais-fuzz\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert!(rejects >= 200, "random bytes are rejected and counted: {text}");
    source.stop();
}

#[tokio::test]
async fn an_unfinished_multi_fragment_message_times_out_and_is_counted() {
    let c = TestCentre::new().await;
    let (source, socket) = udp_source(&c, "ais-frag").await;
    let part1 = sample_line("!AIVDM,2,1,1,A,55?MbV02");
    let part2 = sample_line("!AIVDM,2,2,1,A,88888888880");
    let t = now_ms() - 300_000;
    // The first try never finishes; two minutes later (tag time) the message comes whole.
    for line in [tagged(t, &part1), tagged(t + 120_000, &part1), tagged(t + 120_000, &part2)] {
        socket.send(line.as_bytes()).await.expect("send");
    }
    socket.send(type1(351_759_000, 13.19, 32.90, 0).as_bytes()).await.expect("send");
    let features = wait_for(&c, &[351_759_000]).await;
    let p = by_mmsi(&features, 351_759_000).expect("track");
    assert_eq!(p["identity"]["name"], "EVER DIADEM");
    let timeouts = "tansiq_ais_reassembly_timeouts_total{source=\"ais-frag\"}";
    assert_eq!(metric(&c, timeouts).await, 1);
    assert_eq!(metric(&c, "tansiq_ais_messages_total{source=\"ais-frag\"}").await, 2);
    source.stop();
}

#[tokio::test]
async fn identity_at_the_edge_flags_beacons_and_tag_times_are_used_when_plausible() {
    let c = TestCentre::new().await;
    let (source, socket) = udp_source(&c, "ais-edge").await;
    let minute_ago = now_ms() - 60_000;
    let sart = tagged(minute_ago, &type1(970_012_345, 12.3, 33.2, 14));
    let mob = type1(972_000_111, 12.4, 33.3, 14);
    let invalid = tagged(1_262_304_000_000, &type1(123_456, 12.5, 33.4, 0)); // c: in 2010
    let started = now_ms();
    socket.send(format!("{sart}\n{mob}\n{invalid}\n").as_bytes()).await.expect("send");
    let features = wait_for(&c, &[970_012_345, 972_000_111, 123_456]).await;

    let sart = by_mmsi(&features, 970_012_345).expect("sart");
    assert_eq!(sart["identity"]["ais_beacon"], "sart");
    assert_eq!(sart["identity"]["nav_status"], 14);
    assert_eq!(sart["identity"]["mmsi_valid"], true);
    assert_eq!(sart["last_time"], minute_ago, "a plausible c: time is the observation's time");
    let mob = by_mmsi(&features, 972_000_111).expect("mob");
    assert_eq!(mob["identity"]["ais_beacon"], "mob");
    assert_eq!(mob["kind"], "person");
    let odd = by_mmsi(&features, 123_456).expect("invalid mmsi");
    assert_eq!(odd["identity"]["mmsi_valid"], false);
    let time = odd["last_time"].as_i64().expect("time");
    assert!(time >= started, "an implausible c: time gives way to the receive time: {time}");
    source.stop();
}

#[tokio::test]
async fn tcp_client_reconnects_after_the_feed_drops() {
    let c = TestCentre::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("addr");
    let feed = tokio::spawn(async move {
        let (mut first, _) = listener.accept().await.expect("accept");
        let lines = format!(
            "{}\r\n{}\r\n",
            type1(642_000_010, 12.0, 33.0, 0),
            type1(642_000_011, 12.1, 33.0, 0)
        );
        // A 1 MB line first: counted once as too long, and the feed goes on.
        let mut long = vec![b'!'; 1 << 20];
        long.push(b'\n');
        first.write_all(&long).await.expect("write long line");
        first.write_all(lines.as_bytes()).await.expect("write");
        drop(first);
        let (mut second, _) = listener.accept().await.expect("accept again");
        // Split mid-line across writes.
        let line = type1(642_000_012, 12.2, 33.0, 0);
        let (a, b) = line.split_at(20);
        second.write_all(a.as_bytes()).await.expect("write");
        second.flush().await.expect("flush");
        tokio::time::sleep(Duration::from_millis(50)).await;
        second.write_all(format!("{b}\n").as_bytes()).await.expect("write");
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let source = start(
        &c,
        &format!(
            "type = \"ais_tcp\"\nid = \"ais-tcp\"\nconnect = \"{addr}\"\nagency = \"CGW\"\n\
             reconnect_min_ms = 50\nreconnect_max_ms = 200\n"
        ),
    )
    .await;
    wait_for(&c, &[642_000_010, 642_000_011, 642_000_012]).await;
    assert_eq!(metric(&c, "tansiq_ais_connections_total{source=\"ais-tcp\"}").await, 2);
    assert_eq!(metric(&c, "tansiq_ais_messages_total{source=\"ais-tcp\"}").await, 3);
    let too_long = "tansiq_ais_rejects_total{source=\"ais-tcp\",reason=\"line_too_long\"}";
    assert_eq!(metric(&c, too_long).await, 1);
    source.stop();
    feed.abort();
}

#[tokio::test]
async fn tcp_client_counts_failed_connections_and_never_gives_up() {
    let c = TestCentre::new().await;
    let addr = TcpListener::bind("127.0.0.1:0").await.expect("probe").local_addr().expect("addr");
    let source = start(
        &c,
        &format!(
            "type = \"ais_tcp\"\nid = \"ais-down\"\nconnect = \"{addr}\"\nagency = \"CGW\"\n\
             reconnect_min_ms = 20\nreconnect_max_ms = 80\n"
        ),
    )
    .await;
    let failures = "tansiq_ais_connection_failures_total{source=\"ais-down\"}";
    for _ in 0..200 {
        if metric(&c, failures).await >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(metric(&c, failures).await >= 3, "{}", metrics(&c).await);
    let listener = TcpListener::bind(addr).await.expect("listen on the same port");
    let (mut stream, _) = listener.accept().await.expect("the client came back");
    stream
        .write_all(format!("{}\n", type1(642_000_020, 12.0, 33.0, 0)).as_bytes())
        .await
        .expect("write");
    wait_for(&c, &[642_000_020]).await;
    source.stop();
}

#[tokio::test]
async fn file_replay_fast_reads_gpsds_sample_to_the_end() {
    let c = TestCentre::new().await;
    let path = sample_path();
    let mut decoder = ais::Decoder::default();
    let text = std::fs::read(&path).expect("sample");
    for line in text.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            let _ = decoder.decode_line(line, 0, now_ms());
        }
    }
    let expected = decoder.counts().messages();
    assert!(expected > 100, "{expected}");
    let toml_text = format!(
        "type = \"ais_file\"\nid = \"ais-file\"\npath = {:?}\nagency = \"CGW\"\npace = \"fast\"\n",
        path.display().to_string()
    );
    let source = start(&c, &toml_text).await;
    let series = "tansiq_ais_messages_total{source=\"ais-file\"}";
    for _ in 0..500 {
        if metric(&c, series).await >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(metric(&c, series).await, expected, "every message of the file was decoded");
    assert_eq!(
        metric(&c, "tansiq_ais_sentences_total{source=\"ais-file\"}").await,
        decoder.counts().sentences
    );
    assert!(
        metric(&c, "tansiq_ais_rejects_total{source=\"ais-file\",reason=\"not_ais\"}").await > 100,
        "comments are not AIS"
    );
    let accepted = "tansiq_ingest_observations_accepted_total{source=\"ais-file\"}";
    for _ in 0..500 {
        if metric(&c, accepted).await >= 14 && c.centre.read(|e| e.track_count()) >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Types 1–3, 9, 18, 19 and 27 with a position: 14 reports of at least 10 vessels.
    assert_eq!(metric(&c, accepted).await, 14, "{}", metrics(&c).await);
    assert!(c.centre.read(|e| e.track_count()) >= 10);
    source.stop();
}

#[tokio::test]
async fn file_replay_at_original_pace_waits_as_the_tag_times_say() {
    let c = TestCentre::new().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("paced.nmea");
    let t = 1_700_000_000_000;
    let lines = [
        tagged(t, &type1(642_000_030, 12.0, 33.0, 0)),
        tagged(t + 400, &type1(642_000_031, 12.1, 33.0, 0)),
    ];
    std::fs::write(&path, lines.join("\r\n")).expect("write file");
    let toml_text = format!(
        "type = \"ais_file\"\nid = \"ais-paced\"\npath = {:?}\nagency = \"CGW\"\n",
        path.display().to_string()
    );
    let source = start(&c, &toml_text).await;
    let first = wait_for(&c, &[642_000_030]).await;
    let p = by_mmsi(&first, 642_000_030).expect("first");
    let second = wait_for(&c, &[642_000_031]).await;
    let q = by_mmsi(&second, 642_000_031).expect("second");
    // A 2023 recording is older than the validation window: both are timed on receipt,
    // 400 ms apart.
    let gap = q["last_time"].as_i64().unwrap_or(0) - p["last_time"].as_i64().unwrap_or(0);
    assert!(gap >= 390, "replayed {gap} ms apart");
    source.stop();
}

#[tokio::test]
async fn ais_configs_take_defaults_and_refuse_unknown_keys_and_bad_values() {
    let udp: SourceConfig =
        toml::from_str("type = \"ais_udp\"\nid = \"a\"\nagency = \"CGW\"\n").expect("udp");
    let SourceConfig::AisUdp(sources::AisUdp { listen, .. }) = &udp else { panic!("{udp:?}") };
    assert_eq!(listen.to_string(), "127.0.0.1:10110");
    let tcp: SourceConfig = toml::from_str(
        "type = \"ais_tcp\"\nid = \"t\"\nagency = \"CGW\"\nconnect = \"feed:5631\"\n",
    )
    .expect("tcp");
    let SourceConfig::AisTcp(sources::AisTcp { reconnect_min_ms, reconnect_max_ms, .. }) = &tcp
    else {
        panic!("{tcp:?}")
    };
    assert_eq!((*reconnect_min_ms, *reconnect_max_ms), (1_000, 60_000));
    let file: SourceConfig =
        toml::from_str("type = \"ais_file\"\nid = \"f\"\nagency = \"CGW\"\npath = \"x.nmea\"\n")
            .expect("file");
    let SourceConfig::AisFile(sources::AisFile { pace, .. }) = &file else { panic!("{file:?}") };
    assert_eq!(*pace, sources::Pace::Original);

    let err = toml::from_str::<SourceConfig>(
        "type = \"ais_udp\"\nid = \"a\"\nagency = \"CGW\"\ncolour = 1\n",
    )
    .expect_err("unknown key");
    assert!(err.to_string().contains("colour"), "{err}");
    let err = toml::from_str::<SourceConfig>(
        "type = \"ais_file\"\nid = \"f\"\nagency = \"CGW\"\npath = \"x\"\npace = \"slow\"\n",
    )
    .expect_err("bad pace");
    assert!(err.to_string().contains("slow"), "{err}");

    let c = TestCentre::new().await;
    let limits = c.config.validation_limits();
    for (text, wanted) in [
        (
            "type = \"ais_tcp\"\nid = \"t\"\nagency = \"CGW\"\nconnect = \"nohost\"\n",
            "not host:port",
        ),
        (
            "type = \"ais_tcp\"\nid = \"t\"\nagency = \"CGW\"\nconnect = \"h:1\"\n\
             reconnect_min_ms = 0\n",
            "reconnect_min_ms",
        ),
        (
            "type = \"ais_file\"\nid = \"f\"\nagency = \"CGW\"\npath = \"/nonexistent/x.nmea\"\n",
            "cannot open",
        ),
    ] {
        let config: SourceConfig = toml::from_str(text).expect("config");
        let err = sources::start(&config, c.centre.clone(), limits).await.expect_err(text);
        assert!(err.to_string().contains(wanted), "{err}");
    }
}

#[test]
fn the_readme_configuration_example_parses_with_its_ais_sources() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let section = readme.split("## Configuration").nth(1).expect("configuration section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let toml_text: String =
        section.split("```toml\n").skip(1).filter_map(|block| block.split("```").next()).collect();
    let config = server::Config::from_toml(&root.join("README.md"), &toml_text).expect("parses");
    let ids: Vec<_> = config.sources.iter().map(SourceConfig::id).collect();
    assert_eq!(
        ids,
        ["radar-zuwara", "ais-udp-zuwara", "ais-feed", "radar-zuwara-arpa", "ais-replay"]
    );
    let tak = config.tak.expect("the README shows a [tak] table");
    assert!(tak.require_auth && tak.tls_listen.is_some() && tak.groups.contains_key("cgw.watch"));
}
