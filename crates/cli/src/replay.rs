//! `tansiq replay DIR --to URL --speed X`: plays recorded feeds (the four files `tansiq sim`
//! writes, or recordings in the same formats) into a running centre over its REST API.
//!
//! Records are decoded here with the centre's own decoders (AIS edge decoding, observation
//! JSON, CoT) and posted in batches to `POST /api/v1/observations` as a signed-in user. Time is
//! re-based: the first record plays now and the rest follow at `speed` times their recorded
//! pace, each observation timed when it is sent, so a live centre accepts them as current (at
//! a speed above 1 the recording's time is compressed: an hour at 60x lasts a minute and is
//! timed as one). The centre takes reports only for the signed-in user's own agency, so every
//! replayed observation is reported as that agency's. A busy centre (503) is retried; refused
//! items are counted and reported with the first reason.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use edge::Stamp;
use edge::ais::AisEdge;
use edge::recording::{Merged, Record, cot_observation, json_observation};
use indicatif::{ProgressBar, ProgressStyle};
use model::{AgencyId, Marking, Observation, Time, ValidationLimits};

const BATCH: usize = 1_000;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub fn replay(dir: &Path, to: &str, speed: f64, user: &str) -> anyhow::Result<ExitCode> {
    if !(speed.is_finite() && speed > 0.0) {
        bail!("--speed must be a positive number, got {speed}");
    }
    let base = to.trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        bail!("--to must be the centre's URL, like http://127.0.0.1:8080 (got {to:?})");
    }
    let total = count_records(dir)?;
    let mut merged = Merged::open(dir).map_err(anyhow::Error::msg)?;
    let password = match std::env::var("TANSIQ_PASSWORD") {
        Ok(p) => p,
        Err(_) => crate::admin::read_password()?,
    };
    let agent = ureq::Agent::new_with_defaults();
    let (token, agency) = login(&agent, base, user, &password)?;

    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} records ({per_sec}, eta {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let limits = ValidationLimits { max_future_ms: i64::MAX / 4, max_age_ms: i64::MAX / 4 };
    let stamp = Stamp::ais("replay-ais", &AgencyId::new("CGW"), &Marking::default());
    let mut ais = AisEdge::new(stamp, limits);
    let first = merged.peek_time().unwrap_or(0);
    let (wall0, start) = (Instant::now(), now_ms());
    let (mut sent, mut refused) = (0u64, 0u64);
    let mut batch: Vec<Observation> = Vec::with_capacity(BATCH);
    while let Some((t, record)) = merged.pop() {
        bar.inc(1);
        let due = Duration::from_secs_f64(((t - first).max(0) as f64 / 1_000.0) / speed);
        let late = wall0.elapsed();
        if due > late {
            flush(&agent, base, &token, &mut batch, &mut sent, &mut refused)?;
            std::thread::sleep(due - late);
        }
        let observation = match record {
            Record::Ais(line) => match ais.line(line.as_bytes(), 0, Time(t)) {
                Ok(Some(pending)) => Some(AisEdge::untimed(pending, Time(t))),
                _ => None,
            },
            Record::Json { source_kind, line } => {
                json_observation(&line, source_kind, Time(t), limits)
            }
            Record::Cot(line) => cot_observation(&line, Time(t), limits),
        };
        let Some(mut observation) = observation else { continue };
        // Re-based: recorded offset from the first record, compressed by the speed.
        observation.time = Time(start + ((t - first) as f64 / speed) as i64);
        observation.agency = agency.clone();
        batch.push(observation);
        if batch.len() >= BATCH {
            flush(&agent, base, &token, &mut batch, &mut sent, &mut refused)?;
            bar.set_message(format!("{sent} sent, {refused} refused"));
        }
    }
    flush(&agent, base, &token, &mut batch, &mut sent, &mut refused)?;
    bar.finish_with_message(format!("{sent} sent, {refused} refused"));
    eprintln!(
        "replayed {total} records from {}: {sent} observations sent, {refused} refused",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Lines in the four feed files, for the progress bar.
fn count_records(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0u64;
    for name in ["ais.nmea", "radar.ndjson", "sensors.ndjson", "units.cot"] {
        let path = dir.join(name);
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {} (a recording folder holds ais.nmea, radar.ndjson, sensors.ndjson and units.cot)", path.display()))?;
        total += std::io::BufReader::new(file).split(b'\n').count() as u64;
    }
    Ok(total)
}

/// The session token and the user's agency.
fn login(
    agent: &ureq::Agent,
    base: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<(String, AgencyId)> {
    let body = serde_json::json!({ "username": user, "password": password });
    let mut response = agent
        .post(&format!("{base}/api/v1/auth/login"))
        .config()
        .http_status_as_error(false)
        .build()
        .send_json(&body)
        .with_context(|| format!("cannot reach the centre at {base}"))?;
    let status = response.status().as_u16();
    let answer: serde_json::Value = response.body_mut().read_json().unwrap_or_default();
    if status != 200 {
        bail!("sign-in as {user} refused ({status}): {}", answer["error"]["message"]);
    }
    let token = answer["token"].as_str().context("the sign-in answer has no token")?;
    let agency = answer["agency"].as_str().context("the sign-in answer has no agency")?;
    Ok((token.to_string(), AgencyId::new(agency)))
}

/// Posts the batch, retrying while the centre is busy.
fn flush(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    batch: &mut Vec<Observation>,
    sent: &mut u64,
    refused: &mut u64,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_value(&*batch)?;
    for attempt in 0u32.. {
        let mut response = agent
            .post(&format!("{base}/api/v1/observations"))
            .header("authorization", &format!("Bearer {token}"))
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(&body)
            .with_context(|| format!("cannot reach the centre at {base}"))?;
        let status = response.status().as_u16();
        let answer: serde_json::Value = response.body_mut().read_json().unwrap_or_default();
        match status {
            200 | 422 => {
                let accepted = answer["accepted"].as_u64().unwrap_or(0);
                *sent += accepted;
                *refused += batch.len() as u64 - accepted.min(batch.len() as u64);
                if let Some(first) = answer["rejected"].get(0) {
                    tracing::debug!(reason = %first["message"], "items refused");
                }
                batch.clear();
                return Ok(());
            }
            503 if attempt < 600 => std::thread::sleep(Duration::from_millis(50)),
            _ => bail!("the centre answered {status}: {}", answer["error"]["message"]),
        }
    }
    Ok(())
}
