//! The conformance suite every [`EventLog`] backend must pass.
//!
//! Call [`run_all`] from a backend's tests with a factory that opens a fresh, empty log and a
//! way to reopen it; the PostgreSQL and NATS backends will run the same suite.

use model::{AgencyId, Event, Marking, ObjectKind, Observation, Position, SourceKind, Time};

use crate::{EventLog, GENESIS, read_all, record_hash};

/// A plausible observation event, distinct per `n`.
pub fn sample_event(n: u64) -> Event {
    let observation = Observation {
        source: format!("sensor-{}", n % 7),
        source_kind: SourceKind::Radar,
        agency: AgencyId::new("CGW"),
        marking: Marking::default(),
        time: Time(1_700_000_000_000 + n as i64 * 1_000),
        position: Position {
            lon: 12.0 + n as f64 * 1e-4,
            lat: 33.0,
            alt_m: None,
            accuracy_m: None,
        },
        speed_mps: Some(2.5),
        course_deg: Some(10.0),
        heading_deg: None,
        identity: Default::default(),
        kind: ObjectKind::Vessel,
        exercise: false,
    };
    Event::observation(Time(1_700_000_000_000 + n as i64 * 1_000), observation)
}

/// Runs every check. `reopen` must close the given log and open the same storage again.
pub fn run_all<L: EventLog>(fresh: impl Fn() -> L, reopen: impl Fn(L) -> L) {
    appends_get_gap_free_sequence_numbers(fresh());
    records_chain_to_their_predecessors(fresh());
    the_log_survives_reopening(fresh(), &reopen);
    snapshots_keep_the_newest(fresh());
    scan_starts_where_asked(fresh());
    handles_beside_the_writer_see_what_it_committed(fresh());
}

fn appends_get_gap_free_sequence_numbers<L: EventLog>(mut log: L) {
    assert_eq!(log.append(&[]).expect("empty append"), 0..0);
    assert_eq!(log.append(&[sample_event(0), sample_event(1)]).expect("append"), 0..2);
    assert_eq!(log.append(&[sample_event(2)]).expect("append"), 2..3);
    let records = read_all(&log).expect("read");
    let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, vec![0, 1, 2]);
    assert_eq!(records[2].event, sample_event(2));
    assert_eq!(log.head().expect("head").next_seq, 3);
}

fn records_chain_to_their_predecessors<L: EventLog>(mut log: L) {
    let events: Vec<Event> = (0..10).map(sample_event).collect();
    log.append(&events).expect("append");
    let records = read_all(&log).expect("read");
    assert_eq!(records[0].prev_hash, GENESIS);
    for pair in records.windows(2) {
        let mut body = Vec::new();
        crate::encode_event(&mut body, &pair[0].event).expect("encode");
        assert_eq!(pair[1].prev_hash, record_hash(pair[0].seq, &pair[0].prev_hash, &body));
    }
    let report = log.verify().expect("verify");
    assert_eq!(report.records, 10);
    assert_eq!(report.head, log.head().expect("head").hash);
}

fn the_log_survives_reopening<L: EventLog>(mut log: L, reopen: &impl Fn(L) -> L) {
    log.append(&[sample_event(0), sample_event(1)]).expect("append");
    let head = log.head().expect("head");
    let mut log = reopen(log);
    assert_eq!(log.head().expect("head"), head);
    assert_eq!(log.append(&[sample_event(2)]).expect("append"), 2..3);
    assert_eq!(log.verify().expect("verify").records, 3);
}

fn snapshots_keep_the_newest<L: EventLog>(mut log: L) {
    assert_eq!(log.latest_snapshot().expect("snapshot"), None);
    for seq in [10, 20, 30, 40] {
        log.put_snapshot(seq, format!("state-{seq}").as_bytes()).expect("put");
    }
    assert_eq!(log.latest_snapshot().expect("snapshot"), Some((40, b"state-40".to_vec())));
}

fn scan_starts_where_asked<L: EventLog>(mut log: L) {
    let events: Vec<Event> = (0..20).map(sample_event).collect();
    log.append(&events).expect("append");
    let mut seen = Vec::new();
    log.scan(15, &mut |r| {
        seen.push(r.seq);
        r.seq < 17
    })
    .expect("scan");
    assert_eq!(seen, vec![15, 16, 17]);
}

fn handles_beside_the_writer_see_what_it_committed<L: EventLog>(mut log: L) {
    let (reader, snapshots) = (log.reader(), log.snapshot_store());
    let mut seen = Vec::new();
    reader
        .scan(0, &mut |r| {
            seen.push(r.seq);
            true
        })
        .expect("scan of an empty log");
    assert!(seen.is_empty());
    let events: Vec<Event> = (0..5).map(sample_event).collect();
    log.append(&events).expect("append");
    reader
        .scan(2, &mut |r| {
            seen.push(r.seq);
            true
        })
        .expect("scan");
    assert_eq!(seen, vec![2, 3, 4], "the reader sees what was committed after it was made");
    assert_eq!(snapshots.latest().expect("snapshot"), None);
    snapshots.put(5, b"state-5").expect("put beside the writer");
    assert_eq!(log.latest_snapshot().expect("snapshot"), Some((5, b"state-5".to_vec())));
    log.put_snapshot(7, b"state-7").expect("put");
    assert_eq!(snapshots.latest().expect("snapshot"), Some((7, b"state-7".to_vec())));
}
