//! Group commit: many producers, one durable transaction per batch.
//!
//! Producers submit [`AppendRequest`]s on a bounded queue. One thread takes the first request,
//! then gathers more until the batch holds `max_batch_events` events or `max_batch_delay` has
//! passed since the first one arrived, appends the batch in one transaction, and only then calls
//! each request's acknowledgement. Committed events are handed downstream (the engine) in log
//! order. A full queue is the producer's decision point: `try_submit` reports it instead of
//! growing memory.

use std::ops::Range;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use model::Event;

use crate::{EventLog, StoreError};

/// Called once per request, after its events are durable (or failed to become so).
pub type Ack = Box<dyn FnOnce(Result<Range<u64>, StoreError>) + Send>;

/// Events to append together, and who to tell when they are durable.
pub struct AppendRequest {
    pub events: Vec<Event>,
    pub ack: Ack,
}

impl std::fmt::Debug for AppendRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppendRequest").field("events", &self.events.len()).finish()
    }
}

/// Tuning of the group commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitConfig {
    /// A batch is committed as soon as it holds this many events.
    pub max_batch_events: usize,
    /// ... or this long after its first request arrived, whichever comes first.
    pub max_batch_delay: Duration,
    /// Requests that may wait for the committer before producers are told it is full.
    pub queue_capacity: usize,
}

impl Default for CommitConfig {
    fn default() -> CommitConfig {
        CommitConfig {
            max_batch_events: 1_000,
            max_batch_delay: Duration::from_millis(50),
            queue_capacity: 1_024,
        }
    }
}

/// A durable batch, handed downstream in log order.
#[derive(Debug)]
pub struct Committed {
    pub first_seq: u64,
    pub events: Vec<Event>,
    /// Time spent in the durable append itself.
    pub append_latency: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the log's queue is full")]
    Full(AppendRequest),
    #[error("the log has stopped")]
    Closed(AppendRequest),
}

/// A cloneable handle for producers, and the committer thread.
#[derive(Debug)]
pub struct Committer {
    tx: SyncSender<AppendRequest>,
}

impl Clone for Committer {
    fn clone(&self) -> Committer {
        Committer { tx: self.tx.clone() }
    }
}

impl Committer {
    /// Starts the committer thread over `log`. `downstream` receives every durable batch; the
    /// thread ends when every `Committer` handle has been dropped and the queue is drained, and
    /// returns the log.
    pub fn spawn<L, D>(
        log: L,
        config: CommitConfig,
        downstream: D,
    ) -> std::io::Result<(Committer, JoinHandle<L>)>
    where
        L: EventLog + 'static,
        D: FnMut(Committed) + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(config.queue_capacity.max(1));
        let handle = std::thread::Builder::new()
            .name("log-committer".into())
            .spawn(move || run(log, config, rx, downstream))?;
        Ok((Committer { tx }, handle))
    }

    /// Queues a request without waiting; a full queue is reported, not waited on.
    pub fn try_submit(&self, request: AppendRequest) -> Result<(), SubmitError> {
        self.tx.try_send(request).map_err(|e| match e {
            TrySendError::Full(r) => SubmitError::Full(r),
            TrySendError::Disconnected(r) => SubmitError::Closed(r),
        })
    }

    /// Queues a request, waiting for room (backpressure for producers that can wait).
    pub fn submit(&self, request: AppendRequest) -> Result<(), SubmitError> {
        self.tx.send(request).map_err(|e| SubmitError::Closed(e.0))
    }
}

fn run<L: EventLog, D: FnMut(Committed)>(
    mut log: L,
    config: CommitConfig,
    rx: Receiver<AppendRequest>,
    mut downstream: D,
) -> L {
    let mut batch: Vec<AppendRequest> = Vec::new();
    while let Ok(first) = rx.recv() {
        let deadline = Instant::now() + config.max_batch_delay;
        let mut count = first.events.len();
        batch.push(first);
        while count < config.max_batch_events {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(request) => {
                    count += request.events.len();
                    batch.push(request);
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        commit_batch(&mut log, &mut batch, count, &mut downstream);
    }
    log
}

fn commit_batch<L: EventLog, D: FnMut(Committed)>(
    log: &mut L,
    batch: &mut Vec<AppendRequest>,
    count: usize,
    downstream: &mut D,
) {
    let mut events = Vec::with_capacity(count);
    let mut acks = Vec::with_capacity(batch.len());
    for request in batch.drain(..) {
        acks.push((request.events.len() as u64, request.ack));
        events.extend(request.events);
    }
    let started = Instant::now();
    match log.append(&events) {
        Ok(range) => {
            let append_latency = started.elapsed();
            let mut next = range.start;
            for (n, ack) in acks {
                ack(Ok(next..next + n));
                next += n;
            }
            downstream(Committed { first_seq: range.start, events, append_latency });
        }
        Err(error) => {
            tracing::error!(%error, events = count, "log append failed; producers are told");
            let message = error.to_string();
            for (_, ack) in acks {
                ack(Err(StoreError::Backend(message.clone())));
            }
        }
    }
}
