//! The `tansiq` binary as a user and an operator meet it: commands, exit codes, crashes.

mod commands;
mod crash;
mod tidy;

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

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}
