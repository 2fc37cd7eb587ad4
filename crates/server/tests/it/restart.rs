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
    let c = TestCentre::with_config(config.clone(), None);
    for i in 0..20u32 {
        let batch = json!([observation(642000000 + i % 6, 12.0 + f64::from(i) * 0.01, 33.0)]);
        assert_eq!(c.post("/api/v1/observations", &batch).await.0, 200);
    }
    c.folded(20).await;
    let before = tracks(&c).await;
    let state_before = c.centre.read(|e| e.snapshot());
    c.centre.stop();
    drop(c);

    let c = TestCentre::with_config(config.clone(), None);
    assert_eq!(c.centre.read(|e| e.folded()), 20);
    assert_eq!(tracks(&c).await, before);
    assert_eq!(c.centre.read(|e| e.snapshot()), state_before);
    c.centre.stop();
    drop(c);

    // Without any snapshot, a full replay gives the same bytes too.
    config.log.snapshot_every = u64::MAX;
    let fresh = tempfile::tempdir().expect("tempdir");
    let mut other = config.clone();
    other.data_dir = fresh.path().to_path_buf();
    std::fs::copy(dir.path().join("log.redb"), fresh.path().join("log.redb")).expect("copy");
    let replayed = {
        let log = store::RedbLog::open(&fresh.path().join("log.redb")).expect("open");
        let mut engine = engine::Engine::new(other.engine.clone());
        store::EventLog::scan(&log, 0, &mut |r| {
            engine.apply(r.seq, &r.event);
            true
        })
        .expect("scan");
        engine.snapshot()
    };
    assert_eq!(replayed, state_before);
}
