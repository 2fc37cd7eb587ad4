//! The redb backend against the conformance suite, and against edits to its file.

use std::path::{Path, PathBuf};

use store::conformance::{run_all, sample_event};
use store::{EventLog, RedbLog, StoreError};

fn fresh_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.redb");
    (dir, path)
}

#[test]
fn redb_passes_the_conformance_suite() {
    let dirs = std::cell::RefCell::new(Vec::new());
    run_all(
        || {
            let (dir, path) = fresh_path();
            let log = RedbLog::open(&path).expect("open");
            dirs.borrow_mut().push((dir, path));
            log
        },
        |log| {
            drop(log);
            let path = dirs.borrow().last().expect("a log was opened").1.clone();
            RedbLog::open(&path).expect("reopen")
        },
    );
}

fn write_log(path: &Path, n: u64) {
    let mut log = RedbLog::open(path).expect("open");
    let events: Vec<_> = (0..n).map(sample_event).collect();
    for chunk in events.chunks(100) {
        log.append(chunk).expect("append");
    }
}

/// Changes one stored byte of record `n`: the last byte of its longitude, a binary double that
/// still decodes, so that only the hash chain can tell.
fn tamper(path: &Path, n: u64) {
    let lon = match sample_event(n).kind {
        model::EventKind::Observation(o) => o.position.lon,
        other => panic!("sample events are observations, not {}", other.name()),
    };
    let mut needle = vec![0xcb]; // MessagePack float64
    needle.extend_from_slice(&lon.to_be_bytes());
    let mut bytes = std::fs::read(path).expect("read");
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("record in file");
    bytes[at + needle.len() - 1] ^= 0x01;
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn an_intact_log_verifies() {
    let (_dir, path) = fresh_path();
    write_log(&path, 1_000);
    let report = RedbLog::open(&path).expect("open").verify().expect("verify");
    assert_eq!(report.records, 1_000);
}

#[test]
fn a_changed_byte_in_an_event_names_the_broken_record() {
    let (_dir, path) = fresh_path();
    write_log(&path, 300);
    tamper(&path, 123);
    let outcome = RedbLog::open(&path).and_then(|mut log| log.verify());
    match outcome {
        Err(StoreError::Broken { seq, .. }) => assert_eq!(seq, 123),
        other => panic!("tampering went unnoticed: {other:?}"),
    }
}

#[test]
fn a_changed_byte_in_the_last_event_is_caught_by_the_head() {
    let (_dir, path) = fresh_path();
    write_log(&path, 50);
    tamper(&path, 49);
    let outcome = RedbLog::open(&path).and_then(|mut log| log.verify());
    match outcome {
        Err(StoreError::Broken { seq, .. }) => assert_eq!(seq, 49),
        other => panic!("tampering went unnoticed: {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_log_is_an_error_not_a_panic() {
    let (_dir, path) = fresh_path();
    std::fs::write(&path, b"this is not a redb file, just some words").expect("write");
    assert!(RedbLog::open(&path).is_err());
}

#[test]
fn a_large_append_spans_segments_and_reads_back_from_anywhere() {
    let (_dir, path) = fresh_path();
    let mut log = RedbLog::open(&path).expect("open");
    let events: Vec<_> = (0..3_000).map(sample_event).collect();
    assert_eq!(log.append(&events).expect("append"), 0..3_000);
    assert_eq!(log.append(&events[..10]).expect("append"), 3_000..3_010);
    for from in [0, 1, 199, 200, 1_234, 2_999, 3_000, 3_009, 3_010, 5_000] {
        let mut seqs = Vec::new();
        log.scan(from, &mut |r| {
            seqs.push(r.seq);
            true
        })
        .expect("scan");
        let want: Vec<u64> = (from.min(3_010)..3_010).collect();
        assert_eq!(seqs, want, "scan from {from}");
    }
    drop(log);
    let mut log = RedbLog::open(&path).expect("reopen");
    assert_eq!(log.verify().expect("verify").records, 3_010);
    let stored = store::read_all(&log).expect("read");
    assert_eq!(stored[2_500].event, sample_event(2_500));
}
