//! A stopped centre comes back with the same state, from snapshot plus tail or from the log.

use serde_json::{Value, json};
use server::Config;

use crate::{TestCentre, observation};

async fn tracks(c: &TestCentre) -> Value {
    c.get("/api/v1/tracks").await.1
}

#[tokio::test]
async fn a_restart_rebuilds_the_same_picture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    config.log.max_batch_delay_ms = 1;
    // A snapshot every 7 events, so the restart uses a snapshot and a tail.
    config.log.snapshot_every = 7;
    let c = TestCentre::with_config(config.clone(), None).await;
    for i in 0..20u32 {
        let batch = json!([observation(642000000 + i % 6, 12.0 + f64::from(i) * 0.01, 33.0)]);
        assert_eq!(c.post("/api/v1/observations", &batch).await.0, 200);
    }
    c.folded(20).await;
    let before = tracks(&c).await;
    let state_before = c.centre.read(|e| e.snapshot());
    let folded_before = c.centre.read(|e| e.folded());
    c.centre.stop();
    drop(c);

    // The restarted state, before anything new (a sign-in is an event too) is appended.
    let centre =
        server::Centre::start_with_clock(config.centre(), crate::clock().clone()).expect("restart");
    assert_eq!(centre.read(|e| e.folded()), folded_before);
    assert_eq!(centre.read(|e| e.snapshot()), state_before);
    centre.stop();
    drop(centre);
    let c = TestCentre::with_config(config.clone(), None).await;
    assert_eq!(tracks(&c).await, before);
    c.centre.stop();
    drop(c);

    // Without any snapshot, a full replay gives the same bytes too.
    config.log.snapshot_every = u64::MAX;
    let fresh = tempfile::tempdir().expect("tempdir");
    let mut other = config.clone();
    other.data_dir = fresh.path().to_path_buf();
    std::fs::copy(dir.path().join("log.redb"), fresh.path().join("log.redb")).expect("copy");
    assert_eq!(replayed_prefix(&fresh, &other, folded_before), state_before);
}

/// The state folded from the first `n` events of the log in `dir`, with no snapshot.
fn replayed_prefix(dir: &tempfile::TempDir, config: &Config, n: u64) -> Vec<u8> {
    let log = store::RedbLog::open(&dir.path().join("log.redb")).expect("open");
    let geo = engine::geo::Geography::libya().expect("geography");
    let mut engine = engine::Engine::new(config.engine.clone(), std::sync::Arc::new(geo));
    store::EventLog::scan(&log, 0, &mut |r| {
        if r.seq < n {
            engine.apply(r.seq, &r.event);
        }
        r.seq + 1 < n
    })
    .expect("scan");
    engine.snapshot()
}
