//! The embedded backend: the log in one redb file.
//!
//! Table `log` maps the first sequence number of each segment to the [segment](crate::segment)
//! itself (an append writes one or more segments of up to about 60 KiB, in one transaction); `meta` holds the head (record count and last hash) so that
//! a truncated or edited tail is caught; `snapshots` holds the engine's state every so often.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use model::Event;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use crate::chain::{hex, record_hash};
use crate::segment::{Frame, Frames, push_record};
use crate::{
    EventLog, GENESIS, Hash, Head, LogReader, Record, SnapshotStore, StoreError, VerifyReport,
};

/// first seq of an append → its segment.
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
/// "head" → next seq (8 bytes, little-endian) followed by the last record's hash.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// number of events folded → the engine's serialized state.
const SNAPSHOTS: TableDefinition<u64, &[u8]> = TableDefinition::new("snapshots");

const HEAD_KEY: &str = "head";
/// A segment is closed once it holds this many bytes. redb stores a large value in a page
/// whose size is a power of two, so a 300 KB segment took a 512 KB page; segments just under
/// 64 KiB waste little and still make one insert per ~200 events.
const SEGMENT_BYTES: usize = 60 * 1024;
/// Snapshots kept, in case the newest is unreadable by a newer engine.
const SNAPSHOTS_KEPT: usize = 2;

/// The log in a redb database file. One process at a time may open it (redb locks the file).
#[derive(Debug)]
pub struct RedbLog {
    db: Arc<Database>,
    head: Head,
    /// Reused between appends so that a steady stream allocates nothing per batch.
    segment: Vec<u8>,
}

/// The snapshot slot beside the committer-owned writer.
#[derive(Clone, Debug)]
struct RedbSnapshots {
    db: Arc<Database>,
}

/// A read-only view of the log beside the committer-owned writer.
#[derive(Clone, Debug)]
struct RedbReader {
    db: Arc<Database>,
}

impl LogReader for RedbReader {
    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        scan(&self.db, from, visit)
    }
}

impl SnapshotStore for RedbSnapshots {
    fn put(&self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        put_snapshot(&self.db, seq, state)
    }

    fn latest(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        latest_snapshot(&self.db)
    }
}

impl RedbLog {
    /// Opens the log at `path`, creating an empty one if the file does not exist.
    pub fn open(path: &Path) -> Result<RedbLog, StoreError> {
        let db = Database::create(path).map_err(StoreError::backend)?;
        let txn = db.begin_write().map_err(StoreError::backend)?;
        txn.open_table(LOG).map_err(StoreError::backend)?;
        txn.open_table(SNAPSHOTS).map_err(StoreError::backend)?;
        let head = {
            let meta = txn.open_table(META).map_err(StoreError::backend)?;
            let stored = meta.get(HEAD_KEY).map_err(StoreError::backend)?;
            match stored {
                Some(bytes) => decode_head(bytes.value())?,
                None => Head::EMPTY,
            }
        };
        txn.commit().map_err(StoreError::backend)?;
        let log = RedbLog { db: Arc::new(db), head, segment: Vec::new() };
        log.check_head()?;
        Ok(log)
    }

    /// The stored head must count exactly the stored records; anything else means the file
    /// was edited or truncated.
    fn check_head(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_read().map_err(StoreError::backend)?;
        let table = txn.open_table(LOG).map_err(StoreError::backend)?;
        let stored = match table.last().map_err(StoreError::backend)? {
            Some((first, segment)) => {
                let mut frames = Frames::new(first.value(), segment.value());
                for frame in frames.by_ref() {
                    frame?;
                }
                frames.next_seq()
            }
            None => 0,
        };
        if stored != self.head.next_seq {
            return Err(StoreError::Broken {
                seq: stored.min(self.head.next_seq).saturating_sub(1),
                message: format!(
                    "the head names {} records but {stored} are stored",
                    self.head.next_seq
                ),
            });
        }
        Ok(())
    }
}

fn put_snapshot(db: &Database, seq: u64, state: &[u8]) -> Result<(), StoreError> {
    let txn = db.begin_write().map_err(StoreError::backend)?;
    {
        let mut table = txn.open_table(SNAPSHOTS).map_err(StoreError::backend)?;
        table.insert(seq, state).map_err(StoreError::backend)?;
        let keys: Vec<u64> = table
            .iter()
            .map_err(StoreError::backend)?
            .map(|e| e.map(|(k, _)| k.value()))
            .collect::<Result<_, _>>()
            .map_err(StoreError::backend)?;
        let drop = keys.len().saturating_sub(SNAPSHOTS_KEPT);
        for key in &keys[..drop] {
            table.remove(key).map_err(StoreError::backend)?;
        }
    }
    txn.commit().map_err(StoreError::backend)
}

fn latest_snapshot(db: &Database) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let txn = db.begin_read().map_err(StoreError::backend)?;
    let table = txn.open_table(SNAPSHOTS).map_err(StoreError::backend)?;
    let last = table.last().map_err(StoreError::backend)?;
    Ok(last.map(|(k, v)| (k.value(), v.value().to_vec())))
}

fn scan(db: &Database, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
    let txn = db.begin_read().map_err(StoreError::backend)?;
    let table = txn.open_table(LOG).map_err(StoreError::backend)?;
    // Start at the segment holding `from`: the last one whose first seq is <= from.
    let start = match table.range(..=from).map_err(StoreError::backend)?.next_back() {
        Some(entry) => entry.map_err(StoreError::backend)?.0.value(),
        None => from,
    };
    for entry in table.range(start..).map_err(StoreError::backend)? {
        let (first, segment) = entry.map_err(StoreError::backend)?;
        for frame in Frames::new(first.value(), segment.value()) {
            let frame = frame?;
            if frame.seq < from {
                continue;
            }
            let event = decode_event(&frame)?;
            if !visit(Record { seq: frame.seq, prev_hash: frame.prev_hash, event }) {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn decode_head(bytes: &[u8]) -> Result<Head, StoreError> {
    let broken = || StoreError::Broken { seq: 0, message: "the head record is malformed".into() };
    let (seq, hash) = bytes.split_at_checked(8).ok_or_else(broken)?;
    let next_seq = u64::from_le_bytes(seq.try_into().map_err(|_| broken())?);
    let hash: Hash = hash.try_into().map_err(|_| broken())?;
    Ok(Head { next_seq, hash })
}

fn encode_head(head: &Head) -> [u8; 40] {
    let mut out = [0; 40];
    out[..8].copy_from_slice(&head.next_seq.to_le_bytes());
    out[8..].copy_from_slice(&head.hash);
    out
}

fn decode_event(frame: &Frame<'_>) -> Result<Event, StoreError> {
    crate::decode_event(frame.seq, frame.body)
}

impl EventLog for RedbLog {
    fn reader(&self) -> Arc<dyn LogReader> {
        Arc::new(RedbReader { db: Arc::clone(&self.db) })
    }

    fn snapshot_store(&self) -> Arc<dyn SnapshotStore> {
        Arc::new(RedbSnapshots { db: Arc::clone(&self.db) })
    }

    fn append(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError> {
        let first = self.head.next_seq;
        if events.is_empty() {
            return Ok(first..first);
        }
        let mut head = self.head;
        let txn = self.db.begin_write().map_err(StoreError::backend)?;
        {
            let mut table = txn.open_table(LOG).map_err(StoreError::backend)?;
            let segment = &mut self.segment;
            segment.clear();
            let mut segment_first = head.next_seq;
            for event in events {
                let body = push_record(segment, &head.hash, |buf| crate::encode_event(buf, event))?;
                let hash = record_hash(head.next_seq, &head.hash, &segment[body]);
                head = Head { next_seq: head.next_seq + 1, hash };
                if segment.len() >= SEGMENT_BYTES {
                    table.insert(segment_first, segment.as_slice()).map_err(StoreError::backend)?;
                    segment.clear();
                    segment_first = head.next_seq;
                }
            }
            if !segment.is_empty() {
                table.insert(segment_first, segment.as_slice()).map_err(StoreError::backend)?;
            }
            let mut meta = txn.open_table(META).map_err(StoreError::backend)?;
            meta.insert(HEAD_KEY, encode_head(&head).as_slice()).map_err(StoreError::backend)?;
        }
        txn.commit().map_err(StoreError::backend)?;
        self.head = head;
        if self.segment.capacity() > 16 * 1024 * 1024 {
            // One huge append should not pin its buffer for the life of the process.
            self.segment = Vec::new();
        }
        Ok(first..head.next_seq)
    }

    fn head(&self) -> Result<Head, StoreError> {
        Ok(self.head)
    }

    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        scan(&self.db, from, visit)
    }

    fn put_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        put_snapshot(&self.db, seq, state)
    }

    fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        latest_snapshot(&self.db)
    }

    fn verify(&mut self) -> Result<VerifyReport, StoreError> {
        let txn = self.db.begin_read().map_err(StoreError::backend)?;
        let table = txn.open_table(LOG).map_err(StoreError::backend)?;
        let mut expected_seq = 0u64;
        let mut prev = GENESIS;
        for entry in table.iter().map_err(StoreError::backend)? {
            let (first, segment) = entry.map_err(StoreError::backend)?;
            let first = first.value();
            if first != expected_seq {
                return Err(StoreError::Broken {
                    seq: expected_seq,
                    message: format!("record {expected_seq} is missing (next stored is {first})"),
                });
            }
            for frame in Frames::new(first, segment.value()) {
                let frame = frame?;
                if frame.prev_hash != prev {
                    let broken = frame.seq.saturating_sub(1);
                    return Err(StoreError::Broken {
                        seq: broken,
                        message: format!(
                            "record {broken} hashes to {} but record {} links to {}: one of \
                             them was altered",
                            hex(&prev),
                            frame.seq,
                            hex(&frame.prev_hash)
                        ),
                    });
                }
                decode_event(&frame)?;
                prev = record_hash(frame.seq, &frame.prev_hash, frame.body);
                expected_seq += 1;
            }
        }
        let head = self.head;
        if head.next_seq != expected_seq || head.hash != prev {
            let seq = expected_seq.saturating_sub(1);
            return Err(StoreError::Broken {
                seq,
                message: format!(
                    "the head ({} records, {}) does not match the chain ({expected_seq} records, {})",
                    head.next_seq,
                    hex(&head.hash),
                    hex(&prev)
                ),
            });
        }
        drop(table);
        drop(txn);
        // The chain speaks of records; redb's checksums then cover the rest of the file.
        match Arc::get_mut(&mut self.db).map(Database::check_integrity) {
            None => {
                return Err(StoreError::Backend(
                    "the integrity check needs the log opened alone".into(),
                ));
            }
            Some(Ok(true)) => {}
            Some(Ok(false)) => {
                return Err(StoreError::Backend(
                    "the store failed redb's integrity check (redb repaired its own structures; \
                     the log may have been altered)"
                        .into(),
                ));
            }
            Some(Err(e)) => return Err(StoreError::backend(e)),
        }
        Ok(VerifyReport { records: expected_seq, head: prev })
    }
}
