//! Crash safety: SIGKILL the server at random moments while observations stream in, restart
//! it, and check that every acknowledged observation is in the log and the chain verifies.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use store::EventLog;

use crate::{BIN, add_user, agent, login, serve};

const ROUNDS: usize = 25;

/// A small deterministic generator; the seed is printed so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as i64
}

/// Posts batches with unique call signs until told to stop or the server dies; returns the
/// call signs the server acknowledged.
fn stream(
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    next_id: Arc<Mutex<u64>>,
    seed: u64,
) -> Vec<String> {
    let agent = agent();
    let mut rng = Lcg(seed);
    let mut acked = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let size = 1 + rng.next(40);
        let ids: Vec<u64> = {
            let mut next = next_id.lock().expect("ids");
            let first = *next;
            *next += size;
            (first..first + size).collect()
        };
        let batch: Vec<_> = ids
            .iter()
            .map(|id| {
                json!({
                    "source": "crash-test", "source_kind": "ais", "agency": "CGW", "time": now_ms(),
                    "position": { "lon": 12.0 + (*id % 50) as f64 * 0.001, "lat": 33.0 },
                    "identity": { "mmsi": 642000000 + id % 50, "callsign": format!("c{id}") },
                    "kind": "vessel"
                })
            })
            .collect();
        let response = agent
            .post(format!("{base}/api/v1/observations"))
            .header("authorization", &format!("Bearer {token}"))
            .content_type("application/json")
            .send(serde_json::Value::Array(batch).to_string());
        match response {
            Ok(r) if r.status() == 200 => acked.extend(ids.iter().map(|id| format!("c{id}"))),
            Ok(r) if r.status() == 503 => std::thread::sleep(Duration::from_millis(5)),
            Ok(r) => panic!("unexpected status {}", r.status()),
            Err(_) => break, // the server was killed mid-request: not acknowledged
        }
    }
    acked
}

#[test]
fn every_acknowledged_observation_survives_sigkill() {
    let seed = std::env::var("TANSIQ_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| now_ms() as u64);
    eprintln!("crash test seed {seed} (set TANSIQ_CRASH_SEED to replay)");
    let mut rng = Lcg(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("centre");
    add_user(&data);
    let next_id = Arc::new(Mutex::new(0u64));
    let mut acknowledged: BTreeSet<String> = BTreeSet::new();

    for round in 0..ROUNDS {
        let mut served = serve(&data);
        let token = login(&served.base, "cgw.watch").expect("login");
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (base, stop, ids) =
                    (served.base.clone(), Arc::clone(&stop), Arc::clone(&next_id));
                let seed = seed ^ ((round * 2 + w) as u64);
                let token = token.clone();
                std::thread::spawn(move || stream(base, token, stop, ids, seed))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(20 + rng.next(300)));
        served.child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        served.child.wait().expect("reap");
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            acknowledged.extend(writer.join().expect("writer"));
        }
    }
    assert!(
        acknowledged.len() > ROUNDS * 10,
        "the test streamed too little: {}",
        acknowledged.len()
    );

    let verify = std::process::Command::new(BIN)
        .args(["audit", "verify", "--data"])
        .arg(&data)
        .output()
        .expect("audit verify");
    assert!(verify.status.success(), "chain broken: {}", String::from_utf8_lossy(&verify.stdout));

    let log = store::RedbLog::open(&data.join("log.redb")).expect("open log");
    let mut stored = BTreeSet::new();
    log.scan(0, &mut |record| {
        if let model::EventKind::Observation(o) = record.event.kind
            && let Some(c) = o.identity.callsign
        {
            stored.insert(String::from(c));
        }
        true
    })
    .expect("scan");
    let lost: Vec<_> = acknowledged.difference(&stored).take(10).collect();
    assert!(lost.is_empty(), "acknowledged but not in the log: {lost:?}");
    let folded = log.head().expect("head").next_seq;
    drop(log);

    // One more start: the state folds the whole log and serves it.
    let mut served = serve(&data);
    let token = login(&served.base, "cgw.watch").expect("login");
    let response = agent()
        .get(format!("{}/api/v1/tracks", served.base))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .expect("tracks");
    let body: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().expect("body")).expect("json");
    let tracks = body["features"].as_array().map(Vec::len).unwrap_or(0);
    served.child.kill().expect("kill");
    served.child.wait().expect("reap");
    eprintln!(
        "{ROUNDS} kills, {} acknowledged, {folded} in the log, {tracks} tracks",
        acknowledged.len()
    );
    assert!(tracks > 0 && tracks <= 50, "{tracks} tracks from 50 MMSIs");
}
