//! The event log: Tansiq's single source of truth.
//!
//! Every input and every decision is an [`Event`] appended here. Records get gap-free sequence
//! numbers from 0, and each stores the hash of its predecessor, so that
//! [`EventLog::verify`] can prove nothing was changed or removed after the fact. The state
//! (tracks, alerts, incidents) is never stored as truth: it is a fold over this log, and
//! snapshots of it are only a cache that bounds restart time.
//!
//! The crate is shaped like quickwit's metastore: one trait, [`EventLog`], with an embedded
//! backend ([`RedbLog`], the default for one centre) and a conformance suite
//! ([`conformance`]) that every backend must pass. [`Committer`] adds group commit in front of
//! any backend: many producers, one durable transaction per batch, an acknowledgement to each
//! producer only once its events are durable.

mod chain;
mod codec;
mod committer;
pub mod conformance;
mod redb_log;
mod segment;

use std::ops::Range;
use std::sync::Arc;

use model::Event;

pub use chain::{GENESIS, Hash, record_hash};
pub use codec::{decode_event, encode_event};
pub use committer::{Ack, AppendRequest, CommitConfig, Committed, Committer, SubmitError};
pub use redb_log::RedbLog;

/// A record as stored: its sequence number, its predecessor's hash and the event.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub seq: u64,
    pub prev_hash: Hash,
    pub event: Event,
}

/// The last record of the log: the sequence number the next append will get, and the hash
/// the next record will chain to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub next_seq: u64,
    pub hash: Hash,
}

impl Head {
    pub const EMPTY: Head = Head { next_seq: 0, hash: GENESIS };
}

/// What a successful verification saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    pub records: u64,
    pub head: Hash,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Backend(String),
    #[error("event {seq} cannot be decoded: {message}")]
    Decode { seq: u64, message: String },
    #[error("event cannot be encoded: {0}")]
    Encode(String),
    #[error("the log is broken at seq {seq}: {message}")]
    Broken { seq: u64, message: String },
    #[error("the committer has stopped")]
    Closed,
}

impl StoreError {
    pub(crate) fn backend(error: impl std::fmt::Display) -> StoreError {
        StoreError::Backend(error.to_string())
    }
}

/// An append-only, hash-chained log of events plus a snapshot slot.
///
/// Implementations must make `append` atomic and durable before returning: either every event
/// of the call is stored, in order, with consecutive sequence numbers, or none is.
pub trait EventLog: Send {
    /// Appends `events` in one durable transaction and returns their sequence numbers.
    fn append(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError>;

    fn head(&self) -> Result<Head, StoreError>;

    /// Calls `visit` for every record with `seq >= from`, in order, until it returns `false`.
    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError>;

    /// Stores a snapshot of the folded state as of the record `seq - 1` (that is, `seq` events
    /// folded). Older snapshots may be dropped.
    fn put_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError>;

    /// The newest snapshot: how many events it folded, and its bytes.
    fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError>;

    /// Walks the whole chain and checks every link, the sequence numbers and the head.
    fn verify(&mut self) -> Result<VerifyReport, StoreError>;

    /// A read-only view that scans what is committed while the log itself is owned by the
    /// writer (the committer's thread): audit queries, replay, exports.
    fn reader(&self) -> Arc<dyn LogReader>;

    /// The snapshot slot, written beside the writer (by the thread that folds).
    fn snapshot_store(&self) -> Arc<dyn SnapshotStore>;
}

/// A boxed log is a log, so that a centre can hold whichever backend its configuration names.
impl<L: EventLog + ?Sized> EventLog for Box<L> {
    fn append(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError> {
        (**self).append(events)
    }

    fn head(&self) -> Result<Head, StoreError> {
        (**self).head()
    }

    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        (**self).scan(from, visit)
    }

    fn put_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        (**self).put_snapshot(seq, state)
    }

    fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        (**self).latest_snapshot()
    }

    fn verify(&mut self) -> Result<VerifyReport, StoreError> {
        (**self).verify()
    }

    fn reader(&self) -> Arc<dyn LogReader> {
        (**self).reader()
    }

    fn snapshot_store(&self) -> Arc<dyn SnapshotStore> {
        (**self).snapshot_store()
    }
}

/// Scans a log beside its writer; see [`EventLog::reader`].
pub trait LogReader: Send + Sync + std::fmt::Debug {
    /// As [`EventLog::scan`], on the records committed when the call starts.
    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError>;
}

/// A log's snapshot slot beside its writer; see [`EventLog::snapshot_store`].
pub trait SnapshotStore: Send + Sync + std::fmt::Debug {
    /// As [`EventLog::put_snapshot`].
    fn put(&self, seq: u64, state: &[u8]) -> Result<(), StoreError>;

    /// As [`EventLog::latest_snapshot`].
    fn latest(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError>;
}

/// Reads every record into memory. For tests and small logs; the server streams with `scan`.
pub fn read_all(log: &dyn EventLog) -> Result<Vec<Record>, StoreError> {
    let mut out = Vec::new();
    log.scan(0, &mut |r| {
        out.push(r);
        true
    })?;
    Ok(out)
}
