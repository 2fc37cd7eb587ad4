//! Benchmark of the core pipeline: 1M observations validated and pushed through group commit
//! into the redb log, then replayed (decode + fold); the same batching on SQLite beside it.
//!
//! Usage: bench-pipeline [--events N] [--runs R] [--dir DIR]. Prints medians and ratios.

mod sqlite;

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use model::{AgencyId, Event, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time, ValidationLimits};
use store::{AppendRequest, CommitConfig, Committer, EventLog, RedbLog};

/// Observations per producer request (a source's or an HTTP client's batch).
const REQUEST: usize = 100;
/// Distinct vessels: a busy regional picture (the central Mediterranean holds a few thousand
/// AIS targets at once), each reporting many times.
const VESSELS: u64 = 20_000;

/// `n` reports from `VESSELS` vessels sailing straight at 5-15 kn from random points of the
/// central Mediterranean, one report every 10 ms in all (a real picture's motion: no
/// teleports, so no vessel is split as a suspected spoof), MMSIs under real MIDs.
fn observations(n: usize) -> Vec<Observation> {
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    let t0 = 1_790_000_000_000i64;
    let mids = [636u32, 538, 215, 642, 247, 256];
    let vessels: Vec<(f64, f64, f64, f64, u32)> = (0..VESSELS)
        .map(|v| {
            let lon = 11.0 + (next() % 100_000) as f64 * 1e-4;
            let lat = 33.0 + (next() % 40_000) as f64 * 1e-4;
            let course = (next() % 3600) as f64 / 10.0;
            let speed_mps = (5.0 + (next() % 100) as f64 / 10.0) * 0.514_444;
            (lon, lat, course, speed_mps, mids[v as usize % mids.len()] * 1_000_000 + v as u32)
        })
        .collect();
    (0..n)
        .map(|i| {
            let r = next();
            let (lon0, lat0, course, speed_mps, mmsi) = vessels[(r % VESSELS) as usize];
            let t = t0 + i as i64 * 10;
            let d = speed_mps * (t - t0) as f64 / 1_000.0;
            let (s, c) = course.to_radians().sin_cos();
            let lat = lat0 + d * c / 111_320.0;
            let lon = lon0 + d * s / (111_320.0 * lat0.to_radians().cos());
            Observation {
                source: format!("ais-{}", r % 8),
                source_kind: SourceKind::Ais,
                agency: AgencyId::new("CGW"),
                marking: Marking::default(),
                time: Time(t),
                position: Position { lon, lat, alt_m: None, accuracy_m: Some(10.0) },
                speed_mps: Some(speed_mps),
                course_deg: Some(course),
                heading_deg: Some(course.round()),
                identity: Identity { mmsi: Some(mmsi), ..Identity::default() },
                kind: ObjectKind::Vessel,
                exercise: false,
            }
        })
        .collect()
}

/// Validates and submits every observation through the committer; returns the time until
/// the last acknowledgement (every event durable).
fn push<L: EventLog + 'static>(log: L, input: &[Observation]) -> (Duration, L) {
    let config = CommitConfig { max_batch_events: 1_000, max_batch_delay: Duration::from_millis(50), queue_capacity: 1_024 };
    let (committer, handle) = Committer::spawn(log, config, |_| {}).expect("spawn committer");
    let (ack_tx, ack_rx) = mpsc::channel::<u64>();
    let now = Time(1_790_000_000_000 + input.len() as i64 * 10);
    let limits = ValidationLimits { max_future_ms: i64::MAX / 4, max_age_ms: i64::MAX / 4 };
    let started = Instant::now();
    for chunk in input.chunks(REQUEST) {
        let events: Vec<Event> = chunk
            .iter()
            .filter(|o| o.validate(now, limits).is_ok())
            .map(|o| Event::observation(now, o.clone()))
            .collect();
        let ack_tx = ack_tx.clone();
        let n = events.len() as u64;
        committer
            .submit(AppendRequest { events, ack: Box::new(move |r| { r.expect("durable"); let _ = ack_tx.send(n); }) })
            .expect("submit");
    }
    drop(ack_tx);
    let acked: u64 = ack_rx.iter().sum();
    let elapsed = started.elapsed();
    assert_eq!(acked as usize, input.len());
    drop(committer);
    let log = handle.join().expect("committer");
    (elapsed, log)
}

/// Reads the whole log, decoding every event; with `fold`, also folds it into an engine.
fn replay(log: &dyn EventLog, fold: bool) -> (Duration, u64) {
    let mut engine = engine::Engine::new(engine::EngineConfig::default(), geography());
    let mut n = 0u64;
    let started = Instant::now();
    log.scan(0, &mut |record| {
        if fold {
            engine.apply(record.seq, &record.event);
        }
        n += 1;
        true
    })
    .expect("scan");
    (started.elapsed(), n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// Where the committer's time goes: encoding alone, then direct appends of 1,000 events.
fn breakdown(input: &[Observation], base: &Path) {
    let now = Time(1_790_000_000_000);
    let events: Vec<Event> = input.iter().map(|o| Event::observation(now, o.clone())).collect();
    let started = Instant::now();
    let mut bytes = 0usize;
    let mut buf = Vec::with_capacity(512);
    for e in &events {
        buf.clear();
        serde_json::to_writer(&mut buf, e).expect("encode");
        bytes += buf.len();
    }
    let t = started.elapsed();
    println!("breakdown: json encode {:.0}/s ({} bytes/event)", events.len() as f64 / t.as_secs_f64(), bytes / events.len());
    let json: Vec<Vec<u8>> = events.iter().map(|e| serde_json::to_vec(e).expect("json")).collect();
    let started = Instant::now();
    for b in &json {
        let e: Event = serde_json::from_slice(b).expect("decode");
        std::hint::black_box(e);
    }
    println!("breakdown: json decode {:.0}/s", events.len() as f64 / started.elapsed().as_secs_f64());
    let started = Instant::now();
    let mut mp_bytes = 0;
    let mut mp = Vec::new();
    for e in &events {
        let b = rmp_serde::to_vec_named(e).expect("msgpack");
        mp_bytes += b.len();
        mp.push(b);
    }
    println!("breakdown: msgpack encode {:.0}/s ({} bytes/event)", events.len() as f64 / started.elapsed().as_secs_f64(), mp_bytes / events.len());
    let started = Instant::now();
    for b in &mp {
        let e: Event = rmp_serde::from_slice(b).expect("decode");
        std::hint::black_box(e);
    }
    println!("breakdown: msgpack decode {:.0}/s", events.len() as f64 / started.elapsed().as_secs_f64());
    assert_eq!(rmp_serde::from_slice::<Event>(&mp[7]).expect("rt"), events[7]);
    let dir = tempfile::tempdir_in(base).expect("tempdir");
    let mut log = RedbLog::open(&dir.path().join("log.redb")).expect("redb");
    let started = Instant::now();
    for chunk in events.chunks(1_000) {
        log.append(chunk).expect("append");
    }
    let t = started.elapsed();
    println!("breakdown: redb direct append, 1000/txn: {:.0}/s", events.len() as f64 / t.as_secs_f64());
    let path = dir.path().join("log.redb");
    let len = file_size(&path);
    drop(log);
    let mut db = redb::Database::open(&path).expect("reopen");
    let compacted = db.compact().expect("compact");
    println!("breakdown: redb file {} MB ({} bytes/event); after compact ({compacted}) {} MB", len / 1_000_000, len / events.len() as u64, file_size(&path) / 1_000_000);
    let value = vec![7u8; 350];
    for (durable, per_txn) in [(true, 1_000), (false, 1_000), (true, 10_000)] {
        let db = redb::Database::create(dir.path().join(format!("raw-{durable}-{per_txn}.redb"))).expect("db");
        let table: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("t");
        let started = Instant::now();
        for chunk in (0..events.len() as u64).collect::<Vec<_>>().chunks(per_txn) {
            let mut txn = db.begin_write().expect("txn");
            if !durable {
                txn.set_durability(redb::Durability::None).expect("durability");
            }
            {
                let mut t = txn.open_table(table).expect("table");
                for k in chunk {
                    t.insert(*k, value.as_slice()).expect("insert");
                }
            }
            txn.commit().expect("commit");
        }
        let t = started.elapsed();
        println!("breakdown: raw redb 350-byte values, durable={durable}, {per_txn}/txn: {:.0}/s", events.len() as f64 / t.as_secs_f64());
    }
}

fn main() {
    if std::env::args().any(|a| a == "--replay-only") {
        let n = arg("--events").and_then(|s| s.parse().ok()).unwrap_or(200_000);
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, log) = push(RedbLog::open(&dir.path().join("log.redb")).expect("redb"), &observations(n));
        let events: Vec<Event> = {
            let mut v = Vec::new();
            log.scan(0, &mut |r| {
                v.push(r.event);
                true
            })
            .expect("scan");
            v
        };
        for _ in 0..2 {
            let mut engine = engine::Engine::new(engine::EngineConfig::default(), geography());
            let started = Instant::now();
            for (i, e) in events.iter().enumerate() {
                engine.apply(i as u64, e);
            }
            println!("fold only (decoded in memory): {:.0}/s, {} tracks", events.len() as f64 / started.elapsed().as_secs_f64(), engine.track_count());
        }
        for fold in [false, true, false, true] {
            let (t, n) = replay(&log, fold);
            println!("replay fold={fold}: {:.0}/s", n as f64 / t.as_secs_f64());
        }
        return;
    }
    if std::env::args().any(|a| a == "--breakdown") {
        let n = arg("--events").and_then(|s| s.parse().ok()).unwrap_or(200_000);
        breakdown(&observations(n), &std::env::temp_dir());
        return;
    }
    let events: usize = arg("--events").and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(3);
    let base = arg("--dir").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let input = observations(events);
    println!("pipeline benchmark: {events} observations, {runs} runs, batches of {REQUEST} per request, group commit ≤ 1000 events / 50 ms, in {}", base.display());

    let mut redb_push = Vec::new();
    let mut sqlite_push = Vec::new();
    let mut redb_replay = Vec::new();
    let mut redb_fold = Vec::new();
    let mut sqlite_replay = Vec::new();
    // `--pg URL`: the PostgreSQL log too (its chains are left in the database, named bench-PID-RUN).
    let pg = arg("--pg");
    let (mut pg_push, mut pg_replay) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let dir = tempfile::tempdir_in(&base).expect("tempdir");
        let (t, log) = push(RedbLog::open(&dir.path().join("log.redb")).expect("redb"), &input);
        redb_push.push(events as f64 / t.as_secs_f64());
        let (t, n) = replay(&log, false);
        redb_replay.push(n as f64 / t.as_secs_f64());
        let (t, n) = replay(&log, true);
        redb_fold.push(n as f64 / t.as_secs_f64());
        let size = file_size(&dir.path().join("log.redb"));
        drop(log);

        let (t, log) = push(sqlite::SqliteLog::open(&dir.path().join("log.sqlite")).expect("sqlite"), &input);
        sqlite_push.push(events as f64 / t.as_secs_f64());
        let (t, n) = replay(&log, false);
        sqlite_replay.push(n as f64 / t.as_secs_f64());
        if let Some(url) = &pg {
            // The PostgreSQL backend through the same committer, on a chain of its own.
            let chain = format!("bench-{}-{run}", std::process::id());
            let (t, log) = push(pglog::PgLog::open(url, &chain).expect("postgres"), &input);
            pg_push.push(events as f64 / t.as_secs_f64());
            let (t, n) = replay(&log, false);
            pg_replay.push(n as f64 / t.as_secs_f64());
            println!("run {}: postgres push {:.0}/s replay {:.0}/s", run + 1, pg_push[run], pg_replay[run]);
        }
        println!(
            "run {}: redb push {:.0}/s replay {:.0}/s replay+fold {:.0}/s ({} MB) | sqlite push {:.0}/s replay {:.0}/s",
            run + 1,
            redb_push[run],
            redb_replay[run],
            redb_fold[run],
            size / 1_000_000,
            sqlite_push[run],
            sqlite_replay[run]
        );
    }
    let (rp, sp) = (median(redb_push), median(sqlite_push));
    let (rr, sr, rf) = (median(redb_replay), median(sqlite_replay), median(redb_fold));
    println!("median push (validate + group commit, durable): redb {rp:.0} obs/s, sqlite {sp:.0} obs/s, ratio redb/sqlite {:.2}", rp / sp);
    println!("median replay (read + decode): redb {rr:.0} events/s, sqlite {sr:.0} events/s, ratio {:.2}", rr / sr);
    println!("median replay + fold into tracks: redb {rf:.0} events/s");
    if pg.is_some() {
        let (pp, pr) = (median(pg_push), median(pg_replay));
        println!("median postgres: push {pp:.0} obs/s (redb/postgres {:.2}, postgres/sqlite {:.2}), replay {pr:.0} events/s", rp / pp, pp / sp);
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The shipped geography the engine folds with, built once.
fn geography() -> std::sync::Arc<engine::geo::Geography> {
    static G: std::sync::OnceLock<std::sync::Arc<engine::geo::Geography>> = std::sync::OnceLock::new();
    G.get_or_init(|| {
        std::sync::Arc::new(engine::geo::Geography::libya().expect("the shipped geography builds"))
    })
    .clone()
}
