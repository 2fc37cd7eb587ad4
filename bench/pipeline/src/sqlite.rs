//! The peer: the same event log (same encoding, same hash chain, one row per record) on SQLite (WAL, synchronous=FULL), behind the same trait, so the
//! same group-commit code drives both.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use model::Event;
use rusqlite::{Connection, params};
use store::{EventLog, GENESIS, Hash, Head, LogReader, Record, SnapshotStore, StoreError, VerifyReport, record_hash};

pub struct SqliteLog {
    path: PathBuf,
    conn: Connection,
    head: Head,
}

/// A connection of its own beside the writer, as the trait asks (WAL lets it read).
#[derive(Debug)]
struct Beside(Mutex<Connection>);

impl LogReader for Beside {
    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        scan(&self.0.lock().unwrap_or_else(|p| p.into_inner()), from, visit)
    }
}

impl SnapshotStore for Beside {
    fn put(&self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        put_snapshot(&self.0.lock().unwrap_or_else(|p| p.into_inner()), seq, state)
    }

    fn latest(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        latest_snapshot(&self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn beside(path: &Path) -> Arc<Beside> {
    Arc::new(Beside(Mutex::new(Connection::open(path).expect("a second sqlite connection"))))
}

fn scan(conn: &Connection, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
    let mut stmt = conn.prepare("SELECT seq, prev, body FROM log WHERE seq >= ?1 ORDER BY seq").map_err(err)?;
    let mut rows = stmt.query(params![from as i64]).map_err(err)?;
    while let Some(row) = rows.next().map_err(err)? {
        let seq: i64 = row.get(0).map_err(err)?;
        let prev: Vec<u8> = row.get(1).map_err(err)?;
        let body = row.get_ref(2).map_err(err)?.as_blob().map_err(err)?;
        let event: Event = store::decode_event(seq as u64, body)?;
        let prev_hash: Hash = prev.as_slice().try_into().unwrap_or(GENESIS);
        if !visit(Record { seq: seq as u64, prev_hash, event }) {
            break;
        }
    }
    Ok(())
}

fn put_snapshot(conn: &Connection, seq: u64, state: &[u8]) -> Result<(), StoreError> {
    conn.execute("INSERT OR REPLACE INTO snapshots (seq, state) VALUES (?1, ?2)", params![seq as i64, state])
        .map_err(err)?;
    Ok(())
}

fn latest_snapshot(conn: &Connection) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let mut stmt = conn.prepare("SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1").map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    match rows.next().map_err(err)? {
        Some(row) => Ok(Some((row.get::<_, i64>(0).map_err(err)? as u64, row.get(1).map_err(err)?))),
        None => Ok(None),
    }
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl SqliteLog {
    pub fn open(path: &Path) -> Result<SqliteLog, StoreError> {
        let conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, prev BLOB NOT NULL, body BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, state BLOB NOT NULL);",
        )
        .map_err(err)?;
        Ok(SqliteLog { path: path.to_path_buf(), conn, head: Head::EMPTY })
    }
}

impl EventLog for SqliteLog {
    fn append(&mut self, events: &[Event]) -> Result<Range<u64>, StoreError> {
        let first = self.head.next_seq;
        let mut head = self.head;
        let txn = self.conn.transaction().map_err(err)?;
        {
            let mut insert = txn
                .prepare_cached("INSERT INTO log (seq, prev, body) VALUES (?1, ?2, ?3)")
                .map_err(err)?;
            let mut body = Vec::with_capacity(512);
            for event in events {
                body.clear();
                store::encode_event(&mut body, event)?;
                let hash = record_hash(head.next_seq, &head.hash, &body);
                insert.execute(params![head.next_seq as i64, &head.hash[..], &body]).map_err(err)?;
                head = Head { next_seq: head.next_seq + 1, hash };
            }
        }
        txn.commit().map_err(err)?;
        self.head = head;
        Ok(first..head.next_seq)
    }

    fn head(&self) -> Result<Head, StoreError> {
        Ok(self.head)
    }

    fn scan(&self, from: u64, visit: &mut dyn FnMut(Record) -> bool) -> Result<(), StoreError> {
        scan(&self.conn, from, visit)
    }

    fn put_snapshot(&mut self, seq: u64, state: &[u8]) -> Result<(), StoreError> {
        put_snapshot(&self.conn, seq, state)
    }

    fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        latest_snapshot(&self.conn)
    }

    fn reader(&self) -> Arc<dyn LogReader> {
        beside(&self.path)
    }

    fn snapshot_store(&self) -> Arc<dyn SnapshotStore> {
        beside(&self.path)
    }

    fn verify(&mut self) -> Result<VerifyReport, StoreError> {
        Err(StoreError::Backend("not needed by the benchmark".into()))
    }
}
