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

/// The machine's PostgreSQL (`TANSIQ_TEST_PG`), as the pglog crate's own tests reach it.
fn pg_url() -> String {
    std::env::var("TANSIQ_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

#[tokio::test]
async fn a_centre_on_postgres_comes_back_with_its_picture_and_a_chain_that_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let chain = format!("it-{}-{nanos}", std::process::id());
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    config.log.backend = server::settings::Backend::Postgres;
    config.log.url = Some(pg_url());
    config.log.chain = chain.clone();
    config.log.max_batch_delay_ms = 1;
    config.log.snapshot_every = 7;
    let c = TestCentre::with_config(config.clone(), None).await;
    for i in 0..12u32 {
        let batch = json!([observation(642000000 + i % 4, 12.0 + f64::from(i) * 0.01, 33.0)]);
        assert_eq!(c.post("/api/v1/observations", &batch).await.0, 200);
    }
    c.folded(12).await;
    let before = tracks(&c).await;
    assert!(before["features"].as_array().is_some_and(|f| !f.is_empty()), "{before}");
    let folded = c.centre.read(|e| e.folded());
    c.centre.stop();
    drop(c);
    assert!(!dir.path().join("log.redb").exists(), "nothing went to the embedded log");

    let c = TestCentre::with_config(config.clone(), None).await;
    assert_eq!(tracks(&c).await, before, "the picture comes back from PostgreSQL");
    let folded_again = c.centre.read(|e| e.folded());
    c.centre.stop();
    drop(c);

    let mut log = pglog::PgLog::open(&pg_url(), &chain).expect("the writer's lock is free");
    let report = store::EventLog::verify(&mut log).expect("the chain verifies");
    assert_eq!(report.records, folded_again);
    assert!(folded_again > folded, "the second sign-in was logged too");
    drop(log);
    // The synchronous client runs a runtime of its own: off this test's runtime.
    let cleanup = std::thread::spawn(move || {
        if let Ok(mut client) = postgres::Client::connect(&pg_url(), postgres::NoTls) {
            for table in ["tansiq_log", "tansiq_head", "tansiq_snapshots"] {
                let sql = format!("DELETE FROM {table} WHERE chain = $1");
                let _ = client.execute(sql.as_str(), &[&chain]);
            }
        }
    });
    cleanup.join().expect("clean up");
}

#[tokio::test]
async fn a_postgres_log_without_its_url_or_password_is_a_clear_error() {
    let mut config = Config::default();
    config.log.backend = server::settings::Backend::Postgres;
    let error = server::Centre::start(config.centre()).expect_err("no url");
    assert!(error.to_string().contains("needs url"), "{error}");
    config.log.url = Some(pg_url());
    config.log.password_env = Some("TANSIQ_TEST_NO_SUCH_VARIABLE".into());
    let error = server::Centre::start(config.centre()).expect_err("no password");
    assert!(error.to_string().contains("TANSIQ_TEST_NO_SUCH_VARIABLE"), "{error}");
}
