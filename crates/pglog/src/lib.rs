//! The event log on PostgreSQL, behind `store::EventLog` like the embedded redb log, for a
//! centre whose archive and analysts' queries live in a database.
//!
//! Three tables, shared by any number of chains (one per centre) told apart by `chain`:
//! `tansiq_log (chain, seq, prev_hash, event)` with the same record hash chain as every
//! backend (`store::record_hash` over the encoded event), `tansiq_head (chain, next_seq,
//! hash)` and `tansiq_snapshots (chain, seq, state)`.
//!
//! - **One writer per chain.** Opening takes a session-level advisory lock keyed by the chain
//!   (message-db's pattern); a second writer is refused until the first has gone, so two
//!   processes can never fork the chain. Each append also locks the head row and checks it
//!   against the head it holds, which catches a writer that lost its session and its lock.
//!   (Reading back a plain `bigserial` in order would lose events committed out of order.)
//! - **Durable, batched appends.** One transaction per call: the records go in through one
//!   `INSERT … SELECT FROM UNNEST` of arrays, the head is updated, and the call returns only
//!   after `COMMIT` (with PostgreSQL's default `synchronous_commit = on`).
//! - **Reads beside the writer.** `reader()` and `snapshot_store()` open connections of their
//!   own on first use, so the folder and the audit never wait for the writer's connection.
//!
//! Connections take a libpq-style URL (`postgres://user@host:5432/db`) without TLS; the
//! password, when there is one, comes with the URL from the centre's configuration.

use std::ops::Range;
use std::sync::{Arc, Mutex};

mod connection;

use connection::{Conn, Target, blocking, redact};
use model::Event;
use postgres::Client;
use store::{
    EventLog, GENESIS, Hash, Head, LogReader, Record, SnapshotStore, StoreError, VerifyReport,
    decode_event, encode_event, record_hash,
};

/// Snapshots kept per chain, in case the newest is unreadable by a newer engine.
const SNAPSHOTS_KEPT: i64 = 2;
/// Records a scan reads per round trip.
const SCAN_BATCH: i64 = 4_096;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS tansiq_log (
        chain text NOT NULL, seq bigint NOT NULL, prev_hash bytea NOT NULL, event bytea NOT NULL,
        PRIMARY KEY (chain, seq));
    CREATE TABLE IF NOT EXISTS tansiq_head (
        chain text PRIMARY KEY, next_seq bigint NOT NULL, hash bytea NOT NULL);
    CREATE TABLE IF NOT EXISTS tansiq_snapshots (
        chain text NOT NULL, seq bigint NOT NULL, state bytea NOT NULL,
        PRIMARY KEY (chain, seq));";

/// Why a PostgreSQL log could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot connect to PostgreSQL at {url}: {message}")]
    Connect { url: String, message: String },
    #[error("another writer holds the log {chain:?}: one writer per chain")]
    Locked { chain: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn backend(error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(error.to_string())
}

/// The advisory lock's key for a chain: stable across processes and versions.
fn lock_key(chain: &str) -> i64 {
    let digest = record_hash(0, &GENESIS, chain.as_bytes());
    i64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]))
}

fn to_hash(bytes: &[u8], seq: u64) -> Result<Hash, StoreError> {
    bytes.try_into().map_err(|_| StoreError::Broken {
        seq,
        message: format!("a stored hash is {} bytes, not 32", bytes.len()),
    })
}

fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// The log of one chain in a PostgreSQL database; the only writer of that chain while open.
pub struct PgLog {
    target: Target,
    chain: String,
    client: Conn,
    head: Head,
}

impl std::fmt::Debug for PgLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLog")
            .field("url", &redact(&self.target.url))
            .field("chain", &self.chain)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl PgLog {
    /// Opens the chain `chain` at `url`, creating the tables and an empty chain if needed,
    /// and takes its writer's lock.
    pub fn open(url: &str, chain: &str) -> Result<PgLog, OpenError> {
        PgLog::open_with_password(url, None, chain)
    }

    /// As [`PgLog::open`], with a password that is not in the URL.
    pub fn open_with_password(
        url: &str,
        password: Option<&str>,
        chain: &str,
    ) -> Result<PgLog, OpenError> {
        let target = Target { url: url.to_string(), password: password.map(str::to_string) };
        blocking(|| PgLog::open_target(target, chain))
    }

    fn open_target(target: Target, chain: &str) -> Result<PgLog, OpenError> {
        let mut client = target.connect()?;
        client.batch_execute(SCHEMA).map_err(backend)?;
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&lock_key(chain)])
            .map_err(backend)?
            .get(0);
        if !locked {
            return Err(OpenError::Locked { chain: chain.to_string() });
        }
        client
            .execute(
                "INSERT INTO tansiq_head (chain, next_seq, hash) VALUES ($1, 0, $2)
                 ON CONFLICT (chain) DO NOTHING",
                &[&chain, &GENESIS.as_slice()],
            )
            .map_err(backend)?;
        let head = read_head(&mut *client, chain, false)?;
        let log = PgLog { target, chain: chain.to_string(), client, head };
        Ok(log)
    }

    /// The chain this writer holds.
    pub fn chain(&self) -> &str {
        &self.chain
    }
}

fn read_head(
    client: &mut impl postgres::GenericClient,
    chain: &str,
    lock: bool,
) -> Result<Head, StoreError> {
    let query = if lock {
        "SELECT next_seq, hash FROM tansiq_head WHERE chain = $1 FOR UPDATE"
    } else {
        "SELECT next_seq, hash FROM tansiq_head WHERE chain = $1"
    };
    let row = client.query_one(query, &[&chain]).map_err(backend)?;
    let next_seq: i64 = row.get(0);
    let hash: &[u8] = row.get(1);
    let next_seq = next_seq as u64;
    Ok(Head { next_seq, hash: to_hash(hash, next_seq.saturating_sub(1))? })
}

/// What `scan_raw` hands each stored record to: its seq, predecessor hash and encoded event.
type RawVisit<'a> = dyn FnMut(u64, Hash, &[u8]) -> Result<bool, StoreError> + 'a;

/// Calls `visit` with each stored record from `from` on, in order, its event still encoded,
/// until it returns `Ok(false)`.
fn scan_raw(
    client: &mut Client,
    chain: &str,
    from: u64,
    visit: &mut RawVisit<'_>,
) -> Result<(), StoreError> {
    // Ranges of seq rather than `LIMIT`: a bounded range is an index scan whatever the
    // planner's statistics say, where `seq >= $2 ORDER BY seq LIMIT n` read and sorted the
    // whole tail each time. After an empty range the next stored seq is looked up, so that a
    // gap (a broken log) is seen by `verify` rather than ending the scan.
    let mut next = from as i64;
    loop {
        let end = next.saturating_add(SCAN_BATCH);
        let rows = blocking(|| {
            client.query(
                "SELECT seq, prev_hash, event FROM tansiq_log
                 WHERE chain = $1 AND seq >= $2 AND seq < $3 ORDER BY seq",
                &[&chain, &next, &end],
            )
        })
        .map_err(backend)?;
        if rows.is_empty() {
            let after = blocking(|| {
                client.query_one(
                    "SELECT min(seq) FROM tansiq_log WHERE chain = $1 AND seq >= $2",
                    &[&chain, &next],
                )
            })
            .map_err(backend)?;
            match after.get::<_, Option<i64>>(0) {
                Some(seq) => {
                    next = seq;
                    continue;
                }
                None => return Ok(()),
            }
        }
        for row in rows {
            let seq: i64 = row.get(0);
            let seq = seq as u64;
            if !visit(seq, to_hash(row.get(1), seq)?, row.get(2))? {
                return Ok(());
            }
            next = seq as i64 + 1;
        }
    }
}

fn scan(
    client: &mut Client,
    chain: &str,
    from: u64,
    visit: &mut dyn FnMut(Record) -> bool,
) -> Result<(), StoreError> {
    scan_raw(client, chain, from, &mut |seq, prev_hash, body| {
        Ok(visit(Record { seq, prev_hash, event: decode_event(seq, body)? }))
    })
}

fn put_snapshot(
    client: &mut Client,
    chain: &str,
    seq: u64,
    state: &[u8],
) -> Result<(), StoreError> {
    let mut txn = client.transaction().map_err(backend)?;
    txn.execute(
        "INSERT INTO tansiq_snapshots (chain, seq, state) VALUES ($1, $2, $3)
         ON CONFLICT (chain, seq) DO UPDATE SET state = EXCLUDED.state",
        &[&chain, &(seq as i64), &state],
    )
    .map_err(backend)?;
    txn.execute(
        "DELETE FROM tansiq_snapshots WHERE chain = $1 AND seq NOT IN
         (SELECT seq FROM tansiq_snapshots WHERE chain = $1 ORDER BY seq DESC LIMIT $2)",
        &[&chain, &SNAPSHOTS_KEPT],
    )
    .map_err(backend)?;
    txn.commit().map_err(backend)
}

fn latest_snapshot(client: &mut Client, chain: &str) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let row = client
        .query_opt(
            "SELECT seq, state FROM tansiq_snapshots WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
            &[&chain],
        )
        .map_err(backend)?;
    Ok(row.map(|row| {
        let seq: i64 = row.get(0);
        (seq as u64, row.get::<_, Vec<u8>>(1))
    }))
}

impl EventLog for PgLog {
    fn append(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError> {
        blocking(|| self.append_here(events))
    }

    fn head(&self) -> Result<Head, StoreError> {
        Ok(self.head)
    }

    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        // `&self`: the writer's connection needs `&mut`, so a scan has a connection of its own.
        let target = &self.target;
        let mut client = blocking(|| target.connect()).map_err(backend)?;
        scan(&mut client, &self.chain, from, visit)
    }

    fn put_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        let (client, chain) = (&mut self.client, self.chain.as_str());
        blocking(|| put_snapshot(client, chain, seq, state))
    }

    fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let (target, chain) = (&self.target, self.chain.as_str());
        blocking(|| {
            let mut client = target.connect().map_err(backend)?;
            latest_snapshot(&mut client, chain)
        })
    }

    fn verify(&mut self) -> Result<VerifyReport, StoreError> {
        self.verify_chain()
    }

    fn reader(&self) -> Arc<dyn LogReader> {
        Arc::new(Beside::new(&self.target, &self.chain))
    }

    fn snapshot_store(&self) -> Arc<dyn SnapshotStore> {
        Arc::new(Beside::new(&self.target, &self.chain))
    }
}

impl PgLog {
    fn append_here(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError> {
        let first = self.head.next_seq;
        if events.is_empty() {
            return Ok(first..first);
        }
        let mut head = self.head;
        let mut seqs = Vec::with_capacity(events.len());
        let mut prevs: Vec<Vec<u8>> = Vec::with_capacity(events.len());
        let mut bodies: Vec<Vec<u8>> = Vec::with_capacity(events.len());
        for event in events {
            // Each body goes into the insert's array as it is: encoded once, copied never.
            let mut body = Vec::with_capacity(512);
            encode_event(&mut body, event)?;
            let hash = record_hash(head.next_seq, &head.hash, &body);
            seqs.push(head.next_seq as i64);
            prevs.push(head.hash.to_vec());
            bodies.push(body);
            head = Head { next_seq: head.next_seq + 1, hash };
        }
        let chain = self.chain.as_str();
        let mut txn = self.client.transaction().map_err(backend)?;
        let stored = read_head(&mut txn, chain, true)?;
        if stored != self.head {
            return Err(StoreError::Broken {
                seq: stored.next_seq.saturating_sub(1),
                message: format!(
                    "the log {chain:?} moved under this writer (it holds {} records, the \
                     database {}): another writer appended",
                    self.head.next_seq, stored.next_seq
                ),
            });
        }
        txn.execute(
            "INSERT INTO tansiq_log (chain, seq, prev_hash, event)
             SELECT $1, * FROM UNNEST($2::bigint[], $3::bytea[], $4::bytea[])",
            &[&chain, &seqs, &prevs, &bodies],
        )
        .map_err(backend)?;
        txn.execute(
            "UPDATE tansiq_head SET next_seq = $2, hash = $3 WHERE chain = $1",
            &[&chain, &(head.next_seq as i64), &head.hash.as_slice()],
        )
        .map_err(backend)?;
        txn.commit().map_err(backend)?;
        self.head = head;
        Ok(first..head.next_seq)
    }

    fn verify_chain(&mut self) -> Result<VerifyReport, StoreError> {
        let mut expected = 0u64;
        let mut prev = GENESIS;
        let chain = self.chain.clone();
        scan_raw(&mut self.client, &chain, 0, &mut |seq, prev_hash, body| {
            if seq != expected {
                return Err(StoreError::Broken {
                    seq: expected,
                    message: format!("record {expected} is missing (next stored is {seq})"),
                });
            }
            if prev_hash != prev {
                let broken = expected.saturating_sub(1);
                return Err(StoreError::Broken {
                    seq: broken,
                    message: format!(
                        "record {broken} hashes to {} but record {expected} links to {}: one \
                         of them was altered",
                        hex(&prev),
                        hex(&prev_hash)
                    ),
                });
            }
            decode_event(seq, body)?;
            prev = record_hash(seq, &prev_hash, body);
            expected += 1;
            Ok(true)
        })?;
        let client = &mut self.client;
        let head = blocking(|| read_head(&mut **client, &chain, false))?;
        if head.next_seq != expected || head.hash != prev {
            return Err(StoreError::Broken {
                seq: expected.saturating_sub(1),
                message: format!(
                    "the head ({} records, {}) does not match the chain ({expected} records, {})",
                    head.next_seq,
                    hex(&head.hash),
                    hex(&prev)
                ),
            });
        }
        Ok(VerifyReport { records: expected, head: prev })
    }
}

/// A connection of its own beside the writer, opened on first use.
struct Beside {
    target: Target,
    chain: String,
    client: Mutex<Option<Conn>>,
}

impl std::fmt::Debug for Beside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Beside").field("chain", &self.chain).finish_non_exhaustive()
    }
}

impl Beside {
    fn new(target: &Target, chain: &str) -> Beside {
        Beside { target: target.clone(), chain: chain.to_string(), client: Mutex::new(None) }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(|conn| conn.is_closed()) {
            *slot = Some(blocking(|| self.target.connect()).map_err(backend)?);
        }
        let conn = slot.as_mut().ok_or_else(|| backend("no connection"))?;
        f(conn)
    }
}

impl LogReader for Beside {
    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        self.with(|client| scan(client, &self.chain, from, visit))
    }
}

impl SnapshotStore for Beside {
    fn put(&self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        self.with(|client| blocking(|| put_snapshot(client, &self.chain, seq, state)))
    }

    fn latest(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.with(|client| blocking(|| latest_snapshot(client, &self.chain)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_never_show_the_password() {
        assert_eq!(redact("postgres://tansiq:s3cret@db:5432/x"), "postgres://tansiq:***@db:5432/x");
        assert_eq!(redact("postgres://tansiq@db/x"), "postgres://tansiq@db/x");
        assert_eq!(redact("host=db"), "host=db");
    }

    #[test]
    fn the_lock_key_is_stable_and_tells_chains_apart() {
        assert_eq!(lock_key("west"), lock_key("west"));
        assert_ne!(lock_key("west"), lock_key("east"));
    }
}
