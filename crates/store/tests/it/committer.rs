//! Group commit: acknowledgements only after durability, batching, order.

use std::sync::mpsc;
use std::time::Duration;

use store::conformance::sample_event;
use store::{AppendRequest, CommitConfig, Committer, EventLog, RedbLog, read_all};

#[test]
fn every_acknowledged_event_is_in_the_log_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.redb");
    let log = RedbLog::open(&path).expect("open");
    let config = CommitConfig {
        max_batch_events: 64,
        max_batch_delay: Duration::from_millis(5),
        queue_capacity: 16,
    };
    let (batches_tx, batches_rx) = mpsc::channel();
    let (committer, handle) = Committer::spawn(log, config, move |c| {
        let _ = batches_tx.send((c.first_seq, c.events.len()));
    })
    .expect("spawn");

    let (ack_tx, ack_rx) = mpsc::channel();
    let producers: Vec<_> = (0..4u64)
        .map(|p| {
            let committer = committer.clone();
            let ack_tx = ack_tx.clone();
            std::thread::spawn(move || {
                for i in 0..50u64 {
                    let events =
                        vec![sample_event(p * 1_000 + i * 2), sample_event(p * 1_000 + i * 2 + 1)];
                    let ack_tx = ack_tx.clone();
                    let request = AppendRequest {
                        events,
                        ack: Box::new(move |r| {
                            let _ = ack_tx.send(r.expect("durable"));
                        }),
                    };
                    committer.submit(request).expect("submit");
                }
            })
        })
        .collect();
    drop(ack_tx);
    for p in producers {
        p.join().expect("producer");
    }
    drop(committer);
    let log = handle.join().expect("committer thread");

    let mut ranges: Vec<_> = ack_rx.iter().collect();
    ranges.sort_by_key(|r| r.start);
    assert_eq!(ranges.len(), 200);
    let mut next = 0;
    for r in &ranges {
        assert_eq!(r.start, next, "acknowledged ranges tile the log with no gap");
        assert_eq!(r.end - r.start, 2);
        next = r.end;
    }
    let batches: Vec<_> = batches_rx.iter().collect();
    assert!(batches.len() < 200, "requests were grouped: {} batches", batches.len());
    assert!(batches.iter().all(|(_, n)| *n <= 64 + 2), "a batch stops near max_batch_events");
    let records = read_all(&log).expect("read");
    assert_eq!(records.len(), 400);
    assert_eq!(log.head().expect("head").next_seq, 400);
}

#[test]
fn a_full_queue_is_reported_not_grown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = RedbLog::open(&dir.path().join("log.redb")).expect("open");
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let config =
        CommitConfig { max_batch_events: 1, max_batch_delay: Duration::ZERO, queue_capacity: 1 };
    // The downstream blocks until the gate opens, so the committer stalls after one batch.
    let (committer, handle) = Committer::spawn(log, config, move |_| {
        let _ = gate_rx.recv();
    })
    .expect("spawn");
    let mut full = 0;
    for i in 0..20 {
        let request = AppendRequest { events: vec![sample_event(i)], ack: Box::new(|_| {}) };
        if let Err(store::SubmitError::Full(_)) = committer.try_submit(request) {
            full += 1;
        }
    }
    assert!(full > 0, "a stalled committer must make try_submit report a full queue");
    drop(gate_tx);
    drop(committer);
    handle.join().expect("committer thread");
}
