//! The PostgreSQL log against the conformance suite every backend passes, and its one-writer
//! rule, on the real server (`TANSIQ_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/test`).

use std::sync::atomic::{AtomicU32, Ordering};

use pglog::{OpenError, PgLog};
use store::EventLog;
use store::conformance::{run_all, sample_event};

fn url() -> String {
    std::env::var("TANSIQ_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// Deletes what this process's tests wrote, so that runs do not pile up in the database.
fn clean_up() {
    let Ok(mut client) = postgres::Client::connect(&url(), postgres::NoTls) else { return };
    let pattern = format!("test-{}-%", std::process::id());
    for table in ["tansiq_log", "tansiq_head", "tansiq_snapshots"] {
        let sql = format!("DELETE FROM {table} WHERE chain LIKE $1");
        let _ = client.execute(sql.as_str(), &[&pattern]);
    }
}

/// A chain no other test (or earlier run) has written.
fn fresh_chain() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("test-{}-{nanos}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn open(chain: &str) -> PgLog {
    PgLog::open(&url(), chain).unwrap_or_else(|e| {
        panic!("PostgreSQL must be running for these tests ({e}); set TANSIQ_TEST_PG to reach it")
    })
}

#[test]
fn the_postgres_log_passes_the_conformance_suite() {
    run_all(
        || open(&fresh_chain()),
        |log| {
            let chain = log.chain().to_string();
            drop(log);
            open(&chain)
        },
    );
    clean_up();
}

#[test]
fn a_second_writer_is_refused_until_the_first_is_gone() {
    let chain = fresh_chain();
    let mut first = open(&chain);
    first.append(&[sample_event(0)]).expect("append");
    match PgLog::open(&url(), &chain) {
        Err(OpenError::Locked { chain: c }) => assert_eq!(c, chain),
        other => panic!("a second writer must be refused, got {other:?}"),
    }
    drop(first);
    let mut second = open(&chain);
    assert_eq!(second.append(&[sample_event(1)]).expect("append"), 1..2);
    assert_eq!(second.verify().expect("verify").records, 2);
    drop(second);
    clean_up();
}

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let error = PgLog::open("postgres://tansiq:s3cret@127.0.0.1:1/none", "x").expect_err("port 1");
    let text = error.to_string();
    assert!(text.contains("127.0.0.1:1") && !text.contains("s3cret"), "{text}");
}

#[test]
fn verify_names_an_edited_record_and_a_deleted_one() {
    let mut client = postgres::Client::connect(&url(), postgres::NoTls).expect("connect");
    let events: Vec<_> = (0..10).map(sample_event).collect();

    let edited = fresh_chain();
    let mut log = open(&edited);
    log.append(&events).expect("append");
    assert_eq!(log.verify().expect("intact").records, 10);
    let sql = "UPDATE tansiq_log SET event = event || '\\x00'::bytea WHERE chain = $1 AND seq = 3";
    client.execute(sql, &[&edited]).expect("edit record 3");
    let error = log.verify().expect_err("an edited record");
    assert!(error.to_string().contains("record 3 hashes to"), "{error}");
    drop(log);

    let deleted = fresh_chain();
    let mut log = open(&deleted);
    log.append(&events).expect("append");
    let sql = "DELETE FROM tansiq_log WHERE chain = $1 AND seq = 6";
    client.execute(sql, &[&deleted]).expect("delete record 6");
    let error = log.verify().expect_err("a deleted record");
    assert!(error.to_string().contains("record 6 is missing (next stored is 7)"), "{error}");
    drop(log);
    clean_up();
}
