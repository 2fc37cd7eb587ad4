//! The TAK server against real clients: pytak over TCP and TLS (client certificates made here
//! with rcgen), takproto speaking TAK protocol v1 after a negotiation on a raw socket, and raw
//! sockets sending what a hostile or broken client would. The Python clients run from the
//! virtualenv `scripts/test` makes (or `TANSIQ_PYTHON`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use server::tak::{self, RunningTak, TakConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::TestCentre;

/// Where `scripts/test` puts the virtualenv with pytak and takproto.
const DEFAULT_VENV_PYTHON: &str = "/var/tmp/tansiq-tak-venv/bin/python";

fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("TANSIQ_PYTHON") {
        return PathBuf::from(path);
    }
    let default = PathBuf::from(DEFAULT_VENV_PYTHON);
    assert!(
        default.exists(),
        "the TAK tests need Python with pytak and takproto: run ./scripts/test (it makes \
         {DEFAULT_VENV_PYTHON}) or set TANSIQ_PYTHON to a python that has them"
    );
    default
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tak").join(name)
}

/// What a client script did: its exit code and the JSON lines it printed.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    lines: Vec<serde_json::Value>,
    stderr: String,
}

impl Run {
    fn uids_of_type(&self, cot_type: &str) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l["type"] == cot_type)
            .filter_map(|l| l["uid"].as_str().map(str::to_owned))
            .collect()
    }

    fn assert_code(&self, code: i32) {
        assert_eq!(self.code, Some(code), "lines: {:?}\nstderr: {}", self.lines, self.stderr);
    }

    fn has_type(&self, cot_type: &str) -> bool {
        self.lines.iter().any(|l| l["type"] == cot_type)
    }
}

async fn run(name: &str, args: Vec<String>, env: Vec<(&'static str, String)>) -> Run {
    let mut command = Command::new(python());
    command.arg(script(name)).args(args);
    for (k, v) in &env {
        command.env(k, v);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    Run {
        code: output.status.code(),
        lines: stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn tcp_env(tak: &RunningTak) -> Vec<(&'static str, String)> {
    vec![("COT_URL", format!("tcp://127.0.0.1:{}", tak.tcp_addr.port()))]
}

async fn start(c: &TestCentre, mut config: TakConfig, dir: &Path) -> RunningTak {
    config.listen = "127.0.0.1:0".parse().expect("addr");
    tak::start(&config, c.centre.clone(), dir, c.config.validation_limits()).await.expect("tak")
}

/// Opens an incident off Zuwara as the test centre's user; its id.
async fn open_incident(c: &TestCentre) -> String {
    let incident = serde_json::json!({
        "category": "migration.departure", "title": "boat leaving Zuwara",
        "location": { "type": "point", "position": { "lon": 12.08, "lat": 32.95 } },
    });
    let (status, v) = c.post("/api/v1/incidents", &incident).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

fn metric(c: &TestCentre, needle: &str) -> bool {
    c.centre.metrics().render().lines().any(|l| l.starts_with(needle))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pytak_clients_exchange_sa_over_tcp_and_become_tracks() {
    let c = TestCentre::on_system_clock().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let env = tcp_env(&tak);
    let a = run(
        "pytak_client.py",
        args(&["--uid", "BOAT-A", "--callsign", "ALPHA", "--expect-uid", "BOAT-B"]),
        env.clone(),
    );
    let b = run(
        "pytak_client.py",
        args(&["--uid", "BOAT-B", "--callsign", "BRAVO", "--expect-uid", "BOAT-A"]),
        env.clone(),
    );
    let (a, b) = tokio::join!(a, b);
    a.assert_code(0);
    b.assert_code(0);
    for run in [&a, &b] {
        assert!(run.has_type("t-x-takp-v"), "the server offers protocol v1: {run:?}");
    }
    for _ in 0..200 {
        if c.centre.read(|e| e.track_count()) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, tracks) = c.get("/api/v1/tracks").await;
    let text = tracks.to_string();
    assert!(text.contains("BOAT-A") && text.contains("BOAT-B"), "{tracks}");
    assert!(metric(&c, "tansiq_tak_events_received_total{kind=\"sa\"}"));
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_is_answered_to_the_sender_only_and_a_leaver_is_deleted() {
    let c = TestCentre::on_system_clock().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let env = tcp_env(&tak);
    // A pings, and leaves once it has its pong and B's SA; B waits for A's t-x-d-d.
    let a = run(
        "pytak_client.py",
        args(&[
            "--uid",
            "A",
            "--callsign",
            "A",
            "--ping",
            "--expect-type",
            "t-x-c-t-r",
            "--expect-uid",
            "B",
        ]),
        env.clone(),
    );
    let b = run(
        "pytak_client.py",
        args(&["--uid", "B", "--callsign", "B", "--expect-uid", "A", "--expect-delete", "A"]),
        env.clone(),
    );
    let (a, b) = tokio::join!(a, b);
    a.assert_code(0);
    b.assert_code(0);
    assert!(!b.has_type("t-x-c-t") && !b.has_type("t-x-c-t-r"), "pings stay private: {b:?}");
    assert!(b.uids_of_type("t-x-d-d").iter().all(|uid| uid == "tansiq"), "{b:?}");
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takproto_negotiates_version_1_and_trades_sa_with_an_xml_client() {
    let c = TestCentre::on_system_clock().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let port = tak.tcp_addr.port().to_string();
    let proto = run(
        "takproto_v1.py",
        args(&["--port", &port, "--uid", "PROTO-1", "--expect-uid", "XML-1"]),
        vec![],
    );
    let xml = run(
        "pytak_client.py",
        args(&["--uid", "XML-1", "--callsign", "XML", "--expect-uid", "PROTO-1"]),
        tcp_env(&tak),
    );
    let (proto, xml) = tokio::join!(proto, xml);
    proto.assert_code(0);
    xml.assert_code(0);
    assert_eq!(proto.lines[0]["version"], "1", "{proto:?}");
    assert_eq!(proto.lines[1]["status"], "true", "{proto:?}");
    let peer = proto.lines.iter().find(|l| l["uid"] == "XML-1").expect("peer sa as protobuf");
    assert_eq!(peer["callsign"], "XML");
    assert!((peer["lat"].as_f64().expect("lat") - 32.9).abs() < 1e-9, "{peer}");
    tak.stop();
}

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    /// A CA, a server certificate for 127.0.0.1, and client certificates whose CN is a user.
    fn new(users: &[&str]) -> Pki {
        let dir = tempfile::tempdir().expect("tempdir");
        let write =
            |name: &str, text: String| std::fs::write(dir.path().join(name), text).expect("write");
        let ca_key = rcgen::KeyPair::generate().expect("key");
        let mut ca = rcgen::CertificateParams::new(Vec::new()).expect("ca");
        ca.distinguished_name.push(rcgen::DnType::CommonName, "Tansiq test CA");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        write("ca.pem", ca.self_signed(&ca_key).expect("ca cert").pem());
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf = |name: &str, sans: Vec<String>| {
            let key = rcgen::KeyPair::generate().expect("key");
            let mut params = rcgen::CertificateParams::new(sans).expect("params");
            params.distinguished_name.push(rcgen::DnType::CommonName, name);
            write(&format!("{name}.pem"), params.signed_by(&key, &issuer).expect("sign").pem());
            write(&format!("{name}.key"), key.serialize_pem());
        };
        leaf("server", vec!["localhost".into(), "127.0.0.1".into()]);
        for user in users {
            leaf(user, Vec::new());
        }
        Pki { dir }
    }

    fn env(&self, tak: &RunningTak, user: &str) -> Vec<(&'static str, String)> {
        let path = |name: String| self.dir.path().join(name).display().to_string();
        let port = tak.tls_addr.expect("tls").port();
        vec![
            ("COT_URL", format!("tls://127.0.0.1:{port}")),
            ("PYTAK_TLS_CLIENT_CERT", path(format!("{user}.pem"))),
            ("PYTAK_TLS_CLIENT_KEY", path(format!("{user}.key"))),
            ("PYTAK_TLS_CLIENT_CAFILE", path("ca.pem".into())),
        ]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pytak_over_tls_is_the_certificates_user_and_sees_what_its_agency_may() {
    let c = TestCentre::on_system_clock().await;
    let pki = Pki::new(&["cgw.watch", "moi.watch", "nobody"]);
    let mut config = TakConfig::plain("CGW");
    config.tls_listen = Some("127.0.0.1:0".parse().expect("addr"));
    config.cert = Some("server.pem".into());
    config.key = Some("server.key".into());
    config.client_ca = Some("ca.pem".into());
    let tak = start(&c, config, pki.dir.path()).await;
    let tls_port = tak.tls_addr.expect("tls").port();

    // Half-open handshakes: one says nothing, one stops inside its ClientHello.
    let mut silent = TcpStream::connect(("127.0.0.1", tls_port)).await.expect("connect");
    let mut partial = TcpStream::connect(("127.0.0.1", tls_port)).await.expect("connect");
    partial.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]).await.expect("partial hello");

    // cgw.watch over TLS and a plain CGW client see each other; moi.watch (no agreement in
    // the test directory) sees neither; a certificate naming no user is refused.
    let cgw = run(
        "pytak_client.py",
        args(&["--uid", "TLS-CGW", "--callsign", "CGW1", "--expect-uid", "TCP-CGW"]),
        pki.env(&tak, "cgw.watch"),
    );
    let plain = run(
        "pytak_client.py",
        args(&["--uid", "TCP-CGW", "--callsign", "CGW2", "--expect-uid", "TLS-CGW"]),
        tcp_env(&tak),
    );
    let moi = run(
        "pytak_client.py",
        args(&[
            "--uid",
            "TLS-MOI",
            "--callsign",
            "MOI1",
            "--expect-uid",
            "TLS-CGW",
            "--timeout",
            "4",
        ]),
        pki.env(&tak, "moi.watch"),
    );
    let nobody = run(
        "pytak_client.py",
        args(&["--uid", "X", "--callsign", "X", "--expect-uid", "TLS-CGW", "--timeout", "4"]),
        pki.env(&tak, "nobody"),
    );
    let (cgw, plain, moi, nobody) = tokio::join!(cgw, plain, moi, nobody);
    cgw.assert_code(0);
    plain.assert_code(0);
    assert_eq!(moi.code, Some(1), "moi must time out: {moi:?}");
    assert!(moi.lines.iter().all(|l| l["uid"] != "TLS-CGW" && l["uid"] != "TCP-CGW"), "{moi:?}");
    assert_ne!(nobody.code, Some(0), "{nobody:?}");
    assert!(metric(&c, "tansiq_tak_disconnects_total{reason=\"unknown_user\"} 1"));
    assert!(metric(&c, "tansiq_tak_connections_total{listener=\"tls\"} 2"));
    let _ = silent.write_all(b"").await;
    drop((silent, partial));
    tak.stop();
}

// ---- bad input over raw sockets ----

fn sa(uid: &str, remarks: &str) -> String {
    let now = cot::format_time(model::Time(crate::now_ms()));
    let stale = cot::format_time(model::Time(crate::now_ms() + 60_000));
    format!(
        "<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-S-X\" how=\"m-g\" time=\"{now}\" start=\"{now}\" stale=\"{stale}\"><point lat=\"32.9\" lon=\"13.2\" hae=\"0\" ce=\"10\" le=\"10\"/><detail><contact callsign=\"{uid}\"/><remarks>{remarks}</remarks></detail></event>"
    )
}

/// A client that reads everything and reports when an event with `uid` has arrived.
fn watcher(stream: TcpStream, uid: &str) -> tokio::task::JoinHandle<bool> {
    watch_for(stream, format!("uid=\"{uid}\""))
}

/// A client that reads everything and reports when `needle` has arrived.
fn watch_for(mut stream: TcpStream, needle: String) -> tokio::task::JoinHandle<bool> {
    let needle = needle.into_bytes();
    tokio::spawn(async move {
        let mut seen = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await
            {
                Ok(Ok(n)) if n > 0 => n,
                _ => return false,
            };
            seen.extend_from_slice(&buf[..n]);
            if seen.windows(needle.len()).any(|w| w == needle) {
                return true;
            }
            let keep = seen.len().saturating_sub(needle.len());
            seen.drain(..keep);
        }
    })
}

async fn closed_within(stream: &mut TcpStream, secs: u64) -> bool {
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while let Ok(read) = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
        if matches!(read, Ok(0) | Err(_)) {
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_closes_or_skips_with_a_counted_reason_and_others_keep_flowing() {
    let c = TestCentre::new().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let addr = tak.tcp_addr;
    let observer = TcpStream::connect(addr).await.expect("observer");
    let seen_good = watcher(observer, "GOOD");
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Skipped, the connection goes on: an entity bomb and protobuf garbage, then a good SA.
    let mut skipper = TcpStream::connect(addr).await.expect("connect");
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><event version=\"2.0\" uid=\"BOMB\" type=\"a-f-S\" how=\"m-g\" time=\"2026-01-01T00:00:00Z\" start=\"2026-01-01T00:00:00Z\" stale=\"2036-01-01T00:00:00Z\"><point lat=\"1\" lon=\"1\"/><detail><remarks>&lol2;</remarks></detail></event>";
    skipper.write_all(bomb.as_bytes()).await.expect("bomb");
    skipper.write_all(&[0xbf, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff]).await.expect("garbage");
    skipper.write_all(sa("GOOD", "after garbage").as_bytes()).await.expect("good");
    assert!(seen_good.await.expect("join"), "the good SA after the garbage reaches others");

    // Fatal: the connection is closed, and why is counted.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("invalid_varint", [vec![0xbf], vec![0xff; 10]].concat()),
        ("xml_too_large", {
            let mut big = b"<event version=\"2.0\" uid=\"BIG\"><detail><remarks>".to_vec();
            big.resize(10 * 1024 * 1024, b'a');
            big
        }),
        ("unexpected_byte", b"\x00\x01 not cot".to_vec()),
    ];
    for (reason, bytes) in cases {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let _ = stream.write_all(&bytes).await;
        assert!(closed_within(&mut stream, 10).await, "{reason}: the server closes");
        let needle = format!("tansiq_tak_disconnects_total{{reason=\"{reason}\"}} 1");
        for _ in 0..100 {
            if metric(&c, &needle) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(metric(&c, &needle), "{needle}\n{}", c.centre.metrics().render());
    }
    // Unterminated: the client stops inside an event.
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(b"<event version=\"2.0\" uid=\"HALF\"><point").await.expect("half");
    stream.shutdown().await.expect("shutdown");
    assert!(closed_within(&mut stream, 10).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(metric(&c, "tansiq_tak_disconnects_total{reason=\"truncated\"} 1"));
    assert!(metric(&c, "tansiq_tak_frames_skipped_total{reason=\"invalid_event\"} 2"));
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert!(!tracks.to_string().contains("BOMB"), "{tracks}");
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected_and_the_others_keep_flowing() {
    let c = TestCentre::new().await;
    let mut config = TakConfig::plain("CGW");
    config.client_queue = 1_024;
    let tak = start(&c, config, Path::new(".")).await;
    let addr = tak.tcp_addr;
    // A small receive buffer, so that the server's queue, not the kernel, holds the backlog.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4_096).expect("rcvbuf");
    let sleeper = socket.connect(addr).await.expect("slow client");
    let observer = TcpStream::connect(addr).await.expect("observer");
    let seen_last = watcher(observer, "LAST");
    let mut sender = TcpStream::connect(addr).await.expect("sender");
    tokio::time::sleep(Duration::from_millis(100)).await;
    // 30 MB of SAs at about 10 MB/s: far more than the slow client's queue and buffers hold,
    // slow enough for a reading client in a debug build on a busy machine.
    let padding = "x".repeat(10_000);
    for i in 0..3_000 {
        sender.write_all(sa(&format!("FAST-{}", i % 10), &padding).as_bytes()).await.expect("send");
        if i % 5 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    sender.write_all(sa("LAST", "done").as_bytes()).await.expect("send last");
    let seen = seen_last.await.expect("join");
    assert!(seen, "the reading client got everything\n{}", c.centre.metrics().render());
    // Exactly one: the sleeper, not the reader.
    assert!(metric(&c, "tansiq_tak_disconnects_total{reason=\"slow_client\"} 1"));
    drop(sleeper);
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_datagrams_reach_stream_clients_and_garbage_is_counted() {
    let c = TestCentre::new().await;
    let mut config = TakConfig::plain("CGW");
    config.udp_listen = Some("127.0.0.1:0".parse().expect("addr"));
    let tak = start(&c, config, Path::new(".")).await;
    let observer = TcpStream::connect(tak.tcp_addr).await.expect("observer");
    let seen = watcher(observer, "UDP-1");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    let target = tak.udp_addr.expect("udp");
    socket.send_to(b"\xbf\x01\xbf\xff\xff garbage", target).await.expect("garbage");
    socket.send_to(b"", target).await.expect("empty");
    socket.send_to(sa("UDP-1", "by datagram").as_bytes(), target).await.expect("sa");
    assert!(seen.await.expect("join"), "the datagram's SA reaches a stream client");
    assert!(metric(&c, "tansiq_tak_frames_skipped_total{reason=\"invalid_event\"} 1"));
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tasked_unit_hears_of_its_task_on_its_tak_client() {
    use serde_json::json;
    let c = TestCentre::new().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let mut boat = TcpStream::connect(tak.tcp_addr).await.expect("connect");
    boat.write_all(sa("BOAT-T", "on patrol").as_bytes()).await.expect("sa");
    let chat = watch_for(boat, "uid=\"GeoChat.tansiq.BOAT-T.".to_owned());
    let duty = c.login("cgw.duty").await;
    let unit = json!({
        "id": "cgw-boat", "name": "Patrol 7", "kind": "boat", "max_speed_mps": 12.0,
        "base": { "lon": 12.1, "lat": 32.9 }, "capabilities": [], "marking": {},
        "tracker": "BOAT-T",
    });
    let (status, v) = c.call_as(Some(&duty), "POST", "/api/v1/units", unit.to_string()).await;
    assert_eq!(status, 201, "{v}");
    let id = open_incident(&c).await;
    let tasks = format!("/api/v1/incidents/{id}/tasks");
    let (status, v) = c.post(&tasks, &json!({ "unit": "cgw-boat" })).await;
    assert!(status.is_success(), "{status} {v}");
    assert!(chat.await.expect("join"), "the unit's client gets the task as GeoChat");
    tak.stop();
}

// ---- sign-in with <auth> and TAK groups ----

fn auth(user: &str, password: &str) -> String {
    format!("<auth><cot username=\"{user}\" password=\"{password}\" uid=\"{user}-uid\"/></auth>")
}

/// An SA naming its TAK group (`__group`), as ATAK sends it.
fn sa_in_group(uid: &str, group: &str) -> String {
    sa(uid, "grouped")
        .replace("<remarks>", &format!("<__group name=\"{group}\" role=\"Team Member\"/><remarks>"))
}

/// Reads until `needle` arrives; everything read by then (empty if it never came).
fn read_until(mut stream: TcpStream, needle: &str) -> tokio::task::JoinHandle<String> {
    let needle = needle.to_owned();
    tokio::spawn(async move {
        let mut seen = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await
        {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&seen).contains(&needle) {
                return String::from_utf8_lossy(&seen).into_owned();
            }
        }
        String::new()
    })
}

async fn wait_metric(c: &TestCentre, needle: &str) -> bool {
    for _ in 0..500 {
        if metric(c, needle) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_auth_maps_a_signed_in_client_to_its_agency_and_refuses_the_rest() {
    let c = TestCentre::on_system_clock().await;
    let mut config = TakConfig::plain("CGW");
    config.require_auth = true;
    let tak = start(&c, config, Path::new(".")).await;
    let env = tcp_env(&tak);
    // Good credentials: two MOI users see each other; a CGW user (no agreement with MOI in the
    // test directory) sees neither, though the listener's own agency is CGW.
    let moi =
        |uid: &'static str, user: &'static str, other: &'static str, timeout: &'static str| {
            run(
                "pytak_client.py",
                args(&[
                    "--uid",
                    uid,
                    "--callsign",
                    uid,
                    "--auth",
                    user,
                    "--expect-uid",
                    other,
                    "--timeout",
                    timeout,
                ]),
                env.clone(),
            )
        };
    let a = moi("MOI-A", "moi.watch:demo", "MOI-B", "20");
    let b = moi("MOI-B", "moi.analyst:demo", "MOI-A", "20");
    let cgw = moi("CGW-C", "cgw.watch:demo", "MOI-A", "4");
    let (a, b, cgw) = tokio::join!(a, b, cgw);
    a.assert_code(0);
    b.assert_code(0);
    assert_eq!(cgw.code, Some(1), "CGW must not hear MOI: {cgw:?}");
    assert!(cgw.lines.iter().all(|l| l["uid"] != "MOI-A" && l["uid"] != "MOI-B"), "{cgw:?}");
    // The SA became MOI's data in the picture: MOI sees it, CGW does not.
    let moi_token = c.login("moi.watch").await;
    let mut seen_by_moi = false;
    for _ in 0..300 {
        let (_, tracks) = c.call_as(Some(&moi_token), "GET", "/api/v1/tracks", "").await;
        if tracks.to_string().contains("MOI-A") {
            seen_by_moi = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen_by_moi, "the signed-in client's SA is MOI's track");
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert!(!tracks.to_string().contains("MOI-A"), "cgw.watch must not see MOI's units: {tracks}");

    // Wrong password, unknown user, and no <auth> at all: closed, each with its reason.
    let cases = [
        ("auth_failed", auth("moi.watch", "wrong")),
        ("auth_failed", auth("nobody", "demo")),
        ("auth_required", sa("NO-AUTH", "who am I")),
    ];
    for (reason, first) in cases {
        let mut stream = TcpStream::connect(tak.tcp_addr).await.expect("connect");
        stream.write_all(first.as_bytes()).await.expect("write");
        assert!(closed_within(&mut stream, 10).await, "{reason}: the server closes");
    }
    assert!(wait_metric(&c, "tansiq_tak_disconnects_total{reason=\"auth_failed\"} 2").await);
    assert!(wait_metric(&c, "tansiq_tak_disconnects_total{reason=\"auth_required\"} 1").await);
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert!(!tracks.to_string().contains("NO-AUTH"), "{tracks}");
    // Refusals are in the audit trail, like refused web sign-ins.
    let failed = c.audit_events("login_failed").await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed.iter().any(|e| e["detail"]["reason"] == "wrong_password"), "{failed:?}");
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tak_and_web_sign_ins_share_one_throttle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config =
        server::config::Config { data_dir: dir.path().to_path_buf(), ..Default::default() };
    config.log.max_batch_delay_ms = 2;
    config.auth.max_failures = 2;
    let c = TestCentre::with_config(config, Some(dir)).await;
    let mut tak_config = TakConfig::plain("CGW");
    tak_config.require_auth = true;
    let tak = start(&c, tak_config, Path::new(".")).await;
    let addr = tak.tcp_addr;
    let attempt = |first: String| async move {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(first.as_bytes()).await.expect("write");
        closed_within(&mut stream, 10).await
    };
    // Two wrong passwords through TAK, then the right one: refused without being checked.
    assert!(attempt(auth("moi.watch", "wrong")).await, "wrong password: closed");
    assert!(attempt(auth("moi.watch", "wrong")).await, "wrong password: closed");
    let right = format!("{}{}", auth("moi.watch", "demo"), sa("MOI-THROTTLED", "signed in?"));
    assert!(attempt(right).await, "throttled: closed even with the right password");
    assert!(wait_metric(&c, "tansiq_tak_disconnects_total{reason=\"auth_failed\"} 3").await);
    let (_, tracks) = c.get("/api/v1/tracks").await;
    assert!(!tracks.to_string().contains("MOI-THROTTLED"), "{tracks}");
    // The web sign-in of the same user is throttled by what happened over TAK.
    let body = serde_json::json!({ "username": "moi.watch", "password": "demo" }).to_string();
    let (status, answer) = c.call_as(None, "POST", "/api/v1/auth/login", body).await;
    assert_eq!(status, 429, "{answer}");
    // The audit trail says why the third TAK sign-in was refused.
    let failed = c.audit_events("login_failed").await;
    let reasons: Vec<&str> = failed.iter().filter_map(|e| e["detail"]["reason"].as_str()).collect();
    assert!(reasons.contains(&"rate_limited"), "{reasons:?}");
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tak_groups_narrow_routing_within_an_agency() {
    let c = TestCentre::new().await;
    let mut config = TakConfig::plain("CGW");
    // cgw.duty is in Red whatever its SA says.
    config.groups.insert("cgw.duty".into(), ["Red".to_owned()].into());
    let tak = start(&c, config, Path::new(".")).await;
    let addr = tak.tcp_addr;
    let mut cyan = TcpStream::connect(addr).await.expect("cyan");
    let mut red = TcpStream::connect(addr).await.expect("red");
    let mut duty = TcpStream::connect(addr).await.expect("duty");
    cyan.write_all(sa_in_group("B-CYAN", "Cyan").as_bytes()).await.expect("sa");
    red.write_all(sa_in_group("C-RED", "Red").as_bytes()).await.expect("sa");
    let signed_in = format!("{}{}", auth("cgw.duty", "demo"), sa_in_group("D-DUTY", "Cyan"));
    duty.write_all(signed_in.as_bytes()).await.expect("sa");
    assert!(wait_metric(&c, "tansiq_tak_events_received_total{kind=\"sa\"} 3").await);
    let (cyan_seen, red_seen, duty_seen) =
        (read_until(cyan, "A-CYAN"), read_until(red, "E-RED"), read_until(duty, "E-RED"));
    // Same agency, two groups: Cyan's SA reaches Cyan only; then a Red SA as a marker that
    // everything before it has been routed.
    let mut a = TcpStream::connect(addr).await.expect("a");
    a.write_all(sa_in_group("A-CYAN", "Cyan").as_bytes()).await.expect("sa");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut e = TcpStream::connect(addr).await.expect("e");
    e.write_all(sa_in_group("E-RED", "Red").as_bytes()).await.expect("sa");
    let (cyan_seen, red_seen, duty_seen) = (
        cyan_seen.await.expect("join"),
        red_seen.await.expect("join"),
        duty_seen.await.expect("join"),
    );
    assert!(cyan_seen.contains("A-CYAN"), "same group hears it");
    assert!(!cyan_seen.contains("C-RED"), "Cyan never hears Red: {cyan_seen}");
    assert!(red_seen.contains("E-RED") && !red_seen.contains("A-CYAN"), "{red_seen}");
    assert!(red_seen.contains("D-DUTY"), "cgw.duty is Red by the config: {red_seen}");
    assert!(duty_seen.contains("E-RED") && !duty_seen.contains("A-CYAN"), "{duty_seen}");
    // A newcomer hears its group's latest SA once its own SA names the group.
    let mut late = TcpStream::connect(addr).await.expect("late");
    late.write_all(sa_in_group("F-LATE", "Cyan").as_bytes()).await.expect("sa");
    let late_seen = read_until(late, "A-CYAN").await.expect("join");
    assert!(late_seen.contains("A-CYAN") && !late_seen.contains("E-RED"), "{late_seen}");
    drop((a, e));
    tak.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_geochat_in_an_incidents_room_becomes_a_note_on_its_timeline() {
    let c = TestCentre::on_system_clock().await;
    let tak = start(&c, TakConfig::plain("CGW"), Path::new(".")).await;
    let id = open_incident(&c).await;
    // MOI may not see CGW's incident (no agreement in the test directory): its chat in the
    // incident's room is no note. Then a CGW boat's chat is.
    let moi = run(
        "pytak_client.py",
        args(&[
            "--uid",
            "MOI-BOAT",
            "--callsign",
            "MOI1",
            "--auth",
            "moi.watch:demo",
            "--chat",
            &id,
            "from another agency",
            "--linger",
            "1",
        ]),
        tcp_env(&tak),
    )
    .await;
    moi.assert_code(0);
    let cgw = run(
        "pytak_client.py",
        args(&["--uid", "CGW-BOAT", "--callsign", "ALPHA", "--chat", &id, "two people aboard"]),
        tcp_env(&tak),
    )
    .await;
    cgw.assert_code(0);
    let path = format!("/api/v1/incidents/{id}/timeline");
    let mut notes = serde_json::Value::Null;
    for _ in 0..500 {
        let (status, timeline) = c.get(&path).await;
        assert_eq!(status, 200, "{timeline}");
        notes = timeline["notes"].clone();
        if notes.as_array().is_some_and(|n| !n.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let notes = notes.as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["text"], "ALPHA: two people aboard");
    assert_eq!(notes[0]["actor"]["agency"], "CGW");
    assert_eq!(notes[0]["actor"]["user"], "tak:ALPHA");
    assert!(notes[0]["source"].as_str().is_some_and(|s| s.starts_with("tak:GeoChat.CGW-BOAT.")));
    // Those who may not see the incident do not see its notes either.
    let moi_token = c.login("moi.watch").await;
    let (status, _) = c.call_as(Some(&moi_token), "GET", &path, "").await;
    assert_eq!(status, 404);
    tak.stop();
}
