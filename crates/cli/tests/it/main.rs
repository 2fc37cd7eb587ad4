//! The `tansiq` binary as a user and an operator meet it: commands, exit codes, crashes.

mod commands;
mod crash;
mod replay;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_tansiq");

/// A `tansiq serve` child process and the address it listens on.
#[derive(Debug)]
pub struct Served {
    pub child: Child,
    pub base: String,
}

/// Starts `tansiq serve --data DIR --port 0` and waits for its "listening" line.
pub fn serve(data: &Path) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--port", "0"])
        .env("TANSIQ_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn tansiq serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("tansiq listening on ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let base = rx.recv_timeout(Duration::from_secs(30)).expect("server did not start");
    Served { child, base }
}

/// Registers agency CGW and user `cgw.watch` (password `demo`) in a stopped centre's folder.
pub fn add_user(data: &Path) {
    use std::io::Write;
    let status = Command::new(BIN)
        .args(["agency", "add", "--data"])
        .arg(data)
        .args([
            "CGW",
            "--name-en",
            "Coast Guard West",
            "--name-ar",
            "خفر السواحل",
            "--kind",
            "coast_guard",
        ])
        .status()
        .expect("agency add");
    assert!(status.success());
    let mut child = Command::new(BIN)
        .args(["user", "add", "--data"])
        .arg(data)
        .args(["cgw.watch", "--agency", "CGW", "--role", "watch_officer"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("user add");
    child.stdin.take().expect("stdin").write_all(b"demo\n").expect("password");
    assert!(child.wait().expect("user add").success());
}

/// Signs in as `user` with password `demo`.
pub fn login(base: &str, user: &str) -> Option<String> {
    let body = serde_json::json!({ "username": user, "password": "demo" }).to_string();
    let response = agent()
        .post(format!("{base}/api/v1/auth/login"))
        .content_type("application/json")
        .send(body)
        .ok()?;
    let text = response.into_body().read_to_string().ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["token"].as_str().map(str::to_string)
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}
