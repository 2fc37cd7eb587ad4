//! The running centre: the log, the committer, the engine thread and the publisher.
//!
//! ```text
//! producers ──try_submit──▶ [queue: log.queue_capacity] ──▶ committer thread (group commit)
//!      ▲ ack once durable                                        │ committed batches
//!      └─────────────────────────────────────────────────────────┤ [queue: 64, backpressure]
//!                                                                ▼
//!                                      engine thread: fold, snapshot ──▶ broadcast to subscribers
//! ```
//! A full log queue is refused to the producer (HTTP answers 503) and counted; the engine queue
//! pushes back on the committer (the events are already durable, nothing is lost); a slow
//! subscriber misses updates, is told so, and the misses are counted.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

use engine::geo::Geography;
use engine::incident::{IncidentRecord, UnitState};
use engine::{AlertEntry, Change, DirectoryChange, Engine, EngineConfig};
use model::{Event, Track, TrackId, Zone};
use store::{
    AppendRequest, Committed, Committer, EventLog, LogReader, RedbLog, SnapshotStore, StoreError,
    SubmitError,
};
use tokio::sync::{broadcast, oneshot, watch};

use crate::auth::RateLimiter;
use crate::clock::Clock;
use crate::geography::GeographyConfig;
use crate::metrics::Metrics;
use crate::settings::{AuthConfig, Backend, LogConfig};

/// Committed batches that may wait for the engine before the committer waits for it.
const ENGINE_QUEUE: usize = 64;
/// Updates buffered per live subscriber before it starts missing some.
const PUBLISH_BUFFER: usize = 8_192;

/// A change to the picture, as the engine thread publishes it to live subscribers: typed, and
/// carrying the object as it stood after the batch, so that no subscriber looks it up again to
/// render it. What a subscriber may pass on is still for the access policy to decide; the wire
/// shapes are made at the edges (`crate::wire`).
#[derive(Clone, Debug)]
pub enum Update {
    /// A track changed (`Some`), or is gone (`None`: merged away or dropped).
    Track {
        id: TrackId,
        track: Option<Arc<Track>>,
    },
    /// An alert changed (`Some`), or is gone (`None`).
    Alert {
        id: String,
        entry: Option<Arc<AlertEntry>>,
    },
    Incident(Arc<IncidentRecord>),
    Unit(Arc<UnitState>),
    /// A zone's properties changed. Zones are reference data every signed-in user sees.
    Zone(Arc<Zone>),
    /// Agencies, users, sessions or agreements changed: subscribers re-check what they hold.
    Directory(DirectoryChange),
}

#[derive(Debug, thiserror::Error)]
pub enum CentreError {
    #[error("cannot create data folder {path}: {message}")]
    DataDir { path: PathBuf, message: String },
    #[error("cannot open the log in {path}: {message}")]
    Open { path: PathBuf, message: String },
    #[error("cannot open the log: [log] {0}")]
    Log(String),
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: std::net::SocketAddr, message: String },
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("engine configuration: {0}")]
    Rules(#[from] engine::rules::OverrideError),
    #[error("geography: {0}")]
    Geography(#[from] crate::geography::GeographyError),
}

/// Why an append was not acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The log's queue is full; the events come back for a retry.
    #[error("the log is busy; retry shortly")]
    Busy(Vec<Event>),
    #[error("the centre is stopping")]
    Stopping,
    #[error("the log could not store the events: {0}")]
    Store(StoreError),
}

#[derive(Clone, Debug)]
pub struct Centre {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    committer: RwLock<Option<Committer>>,
    engine: Arc<RwLock<Engine>>,
    updates: broadcast::Sender<Arc<Update>>,
    metrics: Arc<Metrics>,
    /// Failed sign-ins, one throttle for every way in (the web and TAK `<auth>`), so that
    /// guessing through one does not escape the limit of the other.
    sign_ins: Arc<RateLimiter>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// Events folded so far, for callers that must read their own writes.
    folded: watch::Receiver<u64>,
    reader: Arc<dyn LogReader>,
    clock: Clock,
}

/// What the pipeline reads of the configuration (`Config::centre`).
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub data_dir: &'a Path,
    /// The config file's folder: the geography's relative paths are read from here.
    pub base_dir: &'a Path,
    pub geography: &'a GeographyConfig,
    pub engine: &'a EngineConfig,
    pub log: &'a LogConfig,
    pub auth: &'a AuthConfig,
}

impl Centre {
    /// Opens the log under `config.data_dir`, rebuilds the state from the newest snapshot plus
    /// the tail of the log, and starts the committer and engine threads. It runs on the system
    /// clock.
    pub fn start(config: Settings<'_>) -> Result<Centre, CentreError> {
        Centre::start_with_clock(config, Clock::system())
    }

    /// As [`Centre::start`], with the clock its edges stamp and judge by (tests set one).
    pub fn start_with_clock(config: Settings<'_>, clock: Clock) -> Result<Centre, CentreError> {
        let dir = config.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| CentreError::DataDir {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let log = open_log(&config)?;
        let snapshots = log.snapshot_store();
        let reader = log.reader();
        let geo = Arc::new(config.geography.build(config.base_dir)?);
        config.engine.check(&geo)?;
        let engine = rebuild(&log, snapshots.as_ref(), config.engine, &geo)?;
        let (folded_tx, folded) = watch::channel(engine.folded());
        tracing::info!(events = engine.folded(), tracks = engine.track_count(), "state rebuilt");

        let metrics = Arc::new(Metrics::new());
        metrics.tracks.set(engine.track_count() as i64);
        let engine = Arc::new(RwLock::new(engine));
        let (updates, _) = broadcast::channel(PUBLISH_BUFFER);
        let (engine_tx, engine_rx) = mpsc::sync_channel::<Committed>(ENGINE_QUEUE);

        let downstream = {
            let metrics = Arc::clone(&metrics);
            move |committed: Committed| forward(&metrics, &engine_tx, committed)
        };
        let (committer, committer_thread) =
            Committer::spawn(log, config.log.commit_config(), downstream)
                .map_err(|e| CentreError::Io(e.to_string()))?;
        let folder = Folder {
            engine: Arc::clone(&engine),
            updates: updates.clone(),
            metrics: Arc::clone(&metrics),
            snapshots,
            snapshot_every: config.log.snapshot_every.max(1),
            folded: folded_tx,
        };
        let engine_thread = std::thread::Builder::new()
            .name("engine".into())
            .spawn(move || folder.run(engine_rx))
            .map_err(|e| CentreError::Io(e.to_string()))?;
        let joiner = std::thread::Builder::new()
            .name("log-joiner".into())
            .spawn(move || {
                let _log = committer_thread.join();
            })
            .map_err(|e| CentreError::Io(e.to_string()))?;
        Ok(Centre {
            inner: Arc::new(Inner {
                committer: RwLock::new(Some(committer)),
                engine,
                updates,
                metrics,
                sign_ins: Arc::new(RateLimiter::new(
                    std::time::Duration::from_millis(config.auth.failure_window_ms),
                    config.auth.max_failures,
                )),
                threads: Mutex::new(vec![joiner, engine_thread]),
                folded,
                reader,
                clock,
            }),
        })
    }

    /// The time now, by the centre's clock.
    pub fn now(&self) -> model::Time {
        self.inner.clock.now()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The sign-in throttle shared by the web sign-in and the TAK server.
    pub fn sign_ins(&self) -> &Arc<RateLimiter> {
        &self.inner.sign_ins
    }

    /// Reads the state. Hold the guard briefly: the engine thread waits for it.
    pub fn read<T>(&self, f: impl FnOnce(&Engine) -> T) -> T {
        let guard = self.inner.engine.read().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Update>> {
        self.inner.updates.subscribe()
    }

    /// Appends `events` and resolves once they are durable, with their sequence numbers.
    pub async fn append(&self, events: Vec<Event>) -> Result<Range<u64>, AppendError> {
        let (tx, rx) = oneshot::channel();
        let request = AppendRequest {
            events,
            ack: Box::new(move |result| {
                let _ = tx.send(result);
            }),
        };
        {
            let guard = self.inner.committer.read().unwrap_or_else(|p| p.into_inner());
            let committer = guard.as_ref().ok_or(AppendError::Stopping)?;
            match committer.try_submit(request) {
                Ok(()) => {}
                Err(SubmitError::Full(request)) => {
                    self.inner.metrics.full("log");
                    return Err(AppendError::Busy(request.events));
                }
                Err(SubmitError::Closed(_)) => return Err(AppendError::Stopping),
            }
        }
        match rx.await {
            Ok(Ok(range)) => Ok(range),
            Ok(Err(error)) => Err(AppendError::Store(error)),
            Err(_) => Err(AppendError::Stopping),
        }
    }

    /// Appends `events` and resolves once they are durable *and* folded into the state, so
    /// that the caller's next read sees them (sign-in, agreement changes).
    pub async fn append_folded(&self, events: Vec<Event>) -> Result<Range<u64>, AppendError> {
        let range = self.append(events).await?;
        let mut folded = self.inner.folded.clone();
        folded.wait_for(|n| *n >= range.end).await.map_err(|_| AppendError::Stopping)?;
        Ok(range)
    }

    /// A read-only view of the log (audit queries).
    pub fn log_reader(&self) -> &Arc<dyn LogReader> {
        &self.inner.reader
    }

    /// Stops accepting appends, lets the committer drain, folds what it committed, writes a
    /// final snapshot and joins the threads.
    pub fn stop(&self) {
        self.inner.committer.write().unwrap_or_else(|p| p.into_inner()).take();
        let threads: Vec<_> =
            self.inner.threads.lock().unwrap_or_else(|p| p.into_inner()).drain(..).collect();
        for thread in threads {
            let _ = thread.join();
        }
    }
}

/// The log the configuration names: the redb file in the data folder, or a chain in a
/// PostgreSQL database.
pub fn open_log(config: &Settings<'_>) -> Result<Box<dyn EventLog>, CentreError> {
    match config.log.backend {
        Backend::Redb => {
            let path = config.data_dir.join("log.redb");
            let log = RedbLog::open(&path)
                .map_err(|e| CentreError::Open { path: path.clone(), message: e.to_string() })?;
            Ok(Box::new(log))
        }
        Backend::Postgres => {
            let invalid = CentreError::Log;
            let url = config.log.url.as_deref().ok_or_else(|| {
                invalid("backend = \"postgres\" needs url = \"postgres://user@host/db\"".into())
            })?;
            let password = config.log.password(config.base_dir).map_err(invalid)?;
            let log = pglog::PgLog::open_with_password(url, password.as_deref(), &config.log.chain)
                .map_err(|e| invalid(e.to_string()))?;
            Ok(Box::new(log))
        }
    }
}

fn rebuild(
    log: &dyn EventLog,
    snapshots: &dyn SnapshotStore,
    config: &EngineConfig,
    geo: &Arc<Geography>,
) -> Result<Engine, CentreError> {
    let mut engine = match snapshots.latest()? {
        Some((seq, bytes)) => match Engine::restore(config.clone(), Arc::clone(geo), &bytes) {
            Ok(engine) if engine.folded() == seq => engine,
            Ok(engine) => {
                let folded = engine.folded();
                tracing::warn!(seq, folded, "snapshot unusable; replaying the whole log");
                Engine::new(config.clone(), Arc::clone(geo))
            }
            Err(error) => {
                tracing::warn!(seq, %error, "snapshot unusable; replaying the whole log");
                Engine::new(config.clone(), Arc::clone(geo))
            }
        },
        None => Engine::new(config.clone(), Arc::clone(geo)),
    };
    // Folded in runs, as the engine reads ahead within a run (see `Engine::apply_all`).
    const RUN: usize = 1_000;
    let mut run: Vec<Event> = Vec::with_capacity(RUN);
    let mut changes = Vec::new();
    let mut first = engine.folded();
    log.scan(first, &mut |record| {
        if record.seq != first + run.len() as u64 {
            // Never so in a log that verifies; folded as `apply` would fold it regardless.
            engine.apply_all(first, &run, &mut changes);
            changes.clear();
            run.clear();
            first = record.seq;
        }
        run.push(record.event);
        if run.len() == RUN {
            engine.apply_all(first, &run, &mut changes);
            changes.clear();
            first += RUN as u64;
            run.clear();
        }
        true
    })?;
    engine.apply_all(first, &run, &mut changes);
    Ok(engine)
}

fn forward(metrics: &Metrics, engine_tx: &SyncSender<Committed>, committed: Committed) {
    let n = committed.events.len() as u64;
    metrics.events_appended.inc_by(n);
    metrics.batches_committed.inc();
    metrics.append_latency.observe(committed.append_latency.as_secs_f64());
    match engine_tx.try_send(committed) {
        Ok(()) => {}
        Err(TrySendError::Full(committed)) => {
            metrics.full("engine");
            // Backpressure: the events are durable, the committer simply waits for the engine.
            let _ = engine_tx.send(committed);
        }
        Err(TrySendError::Disconnected(_)) => {
            tracing::error!("engine thread is gone; committed events will be folded at restart");
        }
    }
}

/// What one committed batch changed, for publishing.
#[derive(Default)]
struct Changed {
    tracks: Vec<TrackId>,
    alerts: Vec<String>,
    incidents: Vec<String>,
    units: Vec<String>,
    zones: Vec<String>,
}

struct Folder {
    engine: Arc<RwLock<Engine>>,
    updates: broadcast::Sender<Arc<Update>>,
    metrics: Arc<Metrics>,
    snapshots: Arc<dyn SnapshotStore>,
    snapshot_every: u64,
    folded: watch::Sender<u64>,
}

impl Folder {
    fn run(self, rx: Receiver<Committed>) {
        let mut last_snapshot = self.read().folded();
        for committed in rx {
            let mut changed = Changed::default();
            {
                let mut engine = self.engine.write().unwrap_or_else(|p| p.into_inner());
                let mut changes = Vec::new();
                engine.apply_all(committed.first_seq, &committed.events, &mut changes);
                for change in changes {
                    match change {
                        Change::Track { id, .. } => changed.tracks.push(id),
                        Change::Alert { id, .. } => changed.alerts.push(id),
                        Change::Incident { id, .. } => changed.incidents.push(id),
                        Change::Unit { id, .. } => changed.units.push(id),
                        Change::Zone { id, .. } => changed.zones.push(id),
                        Change::Directory(what) => {
                            let _ = self.updates.send(Arc::new(Update::Directory(what)));
                        }
                    }
                }
                self.metrics.tracks.set(engine.track_count() as i64);
                self.metrics.skipped(&engine);
                self.folded.send_replace(engine.folded());
            }
            self.metrics.events_folded.inc_by(committed.events.len() as u64);
            self.publish(changed);
            let folded = self.read().folded();
            if folded - last_snapshot >= self.snapshot_every {
                self.snapshot();
                last_snapshot = folded;
            }
        }
        if self.read().folded() != last_snapshot {
            self.snapshot();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Engine> {
        self.engine.read().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self, mut changed: Changed) {
        if self.updates.receiver_count() == 0
            || (changed.tracks.is_empty()
                && changed.alerts.is_empty()
                && changed.incidents.is_empty()
                && changed.units.is_empty()
                && changed.zones.is_empty())
        {
            return;
        }
        // One update per object per batch: the latest state is what subscribers need.
        changed.tracks.sort_unstable();
        changed.tracks.dedup();
        for ids in
            [&mut changed.alerts, &mut changed.incidents, &mut changed.units, &mut changed.zones]
        {
            ids.sort_unstable();
            ids.dedup();
        }
        let engine = self.read();
        let mut updates = Vec::with_capacity(changed.tracks.len() + changed.alerts.len());
        for id in changed.tracks {
            let track = engine.track(&id).map(|entry| Arc::new(entry.track.clone()));
            updates.push(Update::Track { id, track });
        }
        for id in changed.alerts {
            let entry = engine.alert(&id).map(|entry| Arc::new(entry.clone()));
            updates.push(Update::Alert { id, entry });
        }
        let cases = engine.incidents();
        for id in changed.incidents {
            if let Some(record) = cases.get(&id) {
                updates.push(Update::Incident(Arc::new(record.clone())));
            }
        }
        for id in changed.units {
            if let Some(unit) = cases.unit(&id) {
                updates.push(Update::Unit(Arc::new(unit.clone())));
            }
        }
        for id in changed.zones {
            if let Some(zone) = engine.geography().zone(&id) {
                updates.push(Update::Zone(Arc::new(zone.clone())));
            }
        }
        drop(engine);
        for update in updates {
            if self.updates.send(Arc::new(update)).is_err() {
                break;
            }
        }
    }

    fn snapshot(&self) {
        let (folded, bytes) = {
            let engine = self.read();
            (engine.folded(), engine.snapshot())
        };
        match self.snapshots.put(folded, &bytes) {
            Ok(()) => {
                self.metrics.snapshots_written.inc();
                tracing::debug!(folded, bytes = bytes.len(), "snapshot written");
            }
            Err(error) => tracing::warn!(%error, "snapshot failed; restart will replay more"),
        }
    }
}
