//! `tansiq replay` into a running demo centre, and the demo's and simulator's bad input: one
//! clear line and a non-zero exit, never a panic or a half-written log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::BIN;

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(BIN);
    command.args(args).env("TANSIQ_LOG", "error").stdin(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run tansiq");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `tansiq demo --no-feed --port 0 --data DATA` and its URL.
fn demo(data: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["demo", "--no-feed", "--port", "0", "--data"])
        .arg(data)
        .env("TANSIQ_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("demo");
    let stdout = child.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Tansiq demo centre: ").map(str::to_string))
        .expect("the demo prints its URL");
    (child, url)
}

#[test]
fn a_simulated_hour_replays_into_a_running_centre() {
    let dir = tempfile::tempdir().expect("tempdir");
    let recording = dir.path().join("recording");
    let rec = recording.to_str().expect("utf-8");
    let (code, _, err) = run(
        &["sim", "--scenario", "libya", "--out", rec, "--hours", "1", "--background", "0.01"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (mut child, url) = demo(&dir.path().join("centre"));

    let (code, _, err) =
        run(&["replay", rec, "--to", &url, "--speed", "36000"], &[("TANSIQ_PASSWORD", "demo")]);
    assert_eq!(code, 0, "{err}");
    let summary = err.lines().last().unwrap_or_default();
    assert!(summary.starts_with("replayed "), "{err}");
    let sent: u64 = summary
        .split(": ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(sent > 1_000, "{summary}");

    let token = crate::login(&url, "admin").expect("admin signs in");
    let response = crate::agent()
        .get(format!("{url}/api/v1/tracks"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .expect("tracks");
    let body: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().expect("body")).expect("json");
    let tracks = body["features"].as_array().map(Vec::len).unwrap_or(0);
    assert!(tracks > 20, "the replayed picture reaches the joint centre: {tracks} tracks");

    // A wrong password and a folder that is not a recording: one line each, exit non-zero.
    let (code, _, err) =
        run(&["replay", rec, "--to", &url, "--speed", "36000"], &[("TANSIQ_PASSWORD", "nope")]);
    assert_ne!(code, 0);
    assert!(err.contains("sign-in as admin refused (401)"), "{err}");
    let empty = dir.path().to_str().expect("utf-8");
    let (code, _, err) = run(&["replay", empty, "--to", &url], &[("TANSIQ_PASSWORD", "demo")]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot read") && err.contains("ais.nmea"), "{err}");
    child.kill().expect("kill");
    child.wait().expect("reap");

    // The centre has gone: the URL cannot be reached.
    let (code, _, err) = run(&["replay", rec, "--to", &url], &[("TANSIQ_PASSWORD", "demo")]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot reach the centre"), "{err}");
    let (code, _, err) = run(&["replay", rec, "--to", "127.0.0.1:8080"], &[]);
    assert_ne!(code, 0);
    assert!(err.contains("--to must be the centre's URL"), "{err}");
}

fn one_line_error(err: &str) {
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn demo_and_sim_refuse_bad_input_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out = out.to_str().expect("utf-8");
    let (code, _, err) = run(&["sim", "--scenario", "atlantis", "--out", out], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
    assert!(err.contains("unknown scenario \"atlantis\""), "{err}");

    // An output folder that cannot be written: a file stands where a folder should be.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").expect("write");
    let inside = blocker.join("out");
    let (code, _, err) =
        run(&["sim", "--scenario", "libya", "--out", inside.to_str().expect("utf-8")], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
    assert!(err.contains("cannot write"), "{err}");

    // A port in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let data = dir.path().join("centre");
    let data = data.to_str().expect("utf-8");
    let (code, _, err) = run(&["demo", "--no-feed", "--port", &port, "--data", data], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
    assert!(err.contains("cannot listen on"), "{err}");

    // A corrupt data folder: the log file is garbage. Nothing is written over it.
    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir_all(&corrupt).expect("mkdir");
    let garbage = vec![0x5au8; 8192];
    std::fs::write(corrupt.join("log.redb"), &garbage).expect("write");
    let corrupt_str = corrupt.to_str().expect("utf-8");
    let (code, _, err) = run(&["demo", "--no-feed", "--port", "0", "--data", corrupt_str], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
    assert!(err.contains("cannot open the log"), "{err}");
    assert_eq!(std::fs::read(corrupt.join("log.redb")).expect("read"), garbage);

    let (code, _, err) = run(&["demo", "--no-feed", "--speed=0", "--data", data], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
    let (code, _, err) = run(&["demo", "--background", "7", "--data", data], &[]);
    assert_ne!(code, 0);
    one_line_error(&err);
}
