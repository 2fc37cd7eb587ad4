//! Sources: configured components that turn bytes from the outside into observations.
//!
//! Each source is built from its `[[sources]]` table (`type` names the kind) and runs as a
//! task: it receives and decodes on its own, then hands observations to a bounded queue that a
//! forwarder drains into the log in batches. A full queue drops the newest observation and
//! counts it (`tansiq_pipeline_queue_full_total{stage="source:ID"}` and a `queue_full` reject):
//! the sender of a datagram has no way to be told to slow down. The AIS sources (UDP, TCP
//! client, file replay) live in [`crate::ais_source`], the radar TTM source in
//! [`crate::radar_source`]; others plug in here as new variants of [`SourceConfig`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use model::{AgencyId, Marking, Observation, SourceKind};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::ais_source::{self, AisStamp, Backoff, Pace};
use crate::centre::{AppendError, Centre};
use crate::ingest::{self, SourceStamp};

/// Observations a source may hold while the log catches up.
const SOURCE_QUEUE: usize = 16_384;
/// Most observations the forwarder appends in one request.
const FORWARD_BATCH: usize = 1_000;
/// Largest datagram read; UDP payloads cannot be larger.
const MAX_DATAGRAM: usize = 65_536;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceConfig {
    /// Observations as JSON in UDP datagrams: one object, an array, or a GeoJSON
    /// FeatureCollection per datagram. `source`, `source_kind` and `agency` come from here.
    JsonUdp {
        id: String,
        listen: SocketAddr,
        agency: AgencyId,
        #[serde(default = "default_kind")]
        source_kind: SourceKind,
        /// Marking given to observations that carry none.
        #[serde(default)]
        marking: Marking,
    },
    /// AIS NMEA lines (`!xxVDM`/`!xxVDO`, tag blocks allowed) in UDP datagrams.
    AisUdp {
        id: String,
        #[serde(default = "ais_source::default_listen")]
        listen: SocketAddr,
        agency: AgencyId,
        #[serde(default)]
        marking: Marking,
    },
    /// A TCP client to an AIS feed server (`host:port`); reconnects with doubling backoff and
    /// never gives up.
    AisTcp {
        id: String,
        connect: String,
        agency: AgencyId,
        #[serde(default)]
        marking: Marking,
        #[serde(default = "ais_source::default_reconnect_min_ms")]
        reconnect_min_ms: u64,
        #[serde(default = "ais_source::default_reconnect_max_ms")]
        reconnect_max_ms: u64,
        /// A connection silent this long is dropped and made again.
        #[serde(default = "ais_source::default_idle_timeout_ms")]
        idle_timeout_ms: u64,
    },
    /// `$xxTTM` tracked targets from a radar's ARPA tracker in UDP datagrams, placed by range
    /// and bearing from `site` (`[lon, lat]` of the antenna).
    TtmUdp {
        id: String,
        listen: SocketAddr,
        agency: AgencyId,
        site: [f64; 2],
        #[serde(default)]
        marking: Marking,
    },
    /// Replays a file of AIS lines once, at its tag-block pace or as fast as possible.
    AisFile {
        id: String,
        path: PathBuf,
        agency: AgencyId,
        #[serde(default)]
        marking: Marking,
        #[serde(default)]
        pace: Pace,
    },
}

fn default_kind() -> SourceKind {
    SourceKind::Sensor
}

impl SourceConfig {
    pub fn id(&self) -> &str {
        match self {
            SourceConfig::JsonUdp { id, .. }
            | SourceConfig::AisUdp { id, .. }
            | SourceConfig::AisTcp { id, .. }
            | SourceConfig::AisFile { id, .. }
            | SourceConfig::TtmUdp { id, .. } => id,
        }
    }
}

/// A started source: where it listens, and its tasks.
#[derive(Debug)]
pub struct RunningSource {
    pub id: String,
    pub local_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSource {
    pub fn stop(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("source {id}: cannot listen on {addr}: {message}")]
    Bind { id: String, addr: SocketAddr, message: String },
    #[error("source {id}: cannot open {path}: {message}")]
    Open { id: String, path: PathBuf, message: String },
    #[error("source {id}: {message}")]
    Invalid { id: String, message: String },
}

/// Starts a source. Must be called inside a tokio runtime.
pub async fn start(
    config: &SourceConfig,
    centre: Centre,
    limits: model::ValidationLimits,
) -> Result<RunningSource, SourceError> {
    match config {
        SourceConfig::JsonUdp { id, listen, agency, source_kind, marking } => {
            let socket = tokio::net::UdpSocket::bind(listen).await.map_err(|e| {
                SourceError::Bind { id: id.clone(), addr: *listen, message: e.to_string() }
            })?;
            let local_addr = socket.local_addr().map_err(|e| SourceError::Bind {
                id: id.clone(),
                addr: *listen,
                message: e.to_string(),
            })?;
            let stamp = SourceStamp {
                source: id.clone(),
                source_kind: *source_kind,
                agency: agency.clone(),
                marking: marking.clone(),
            };
            let (tx, rx) = mpsc::channel(SOURCE_QUEUE);
            let receiver =
                tokio::spawn(receive_json_udp(socket, stamp, centre.clone(), limits, tx));
            let forwarder = tokio::spawn(forward(id.clone(), rx, centre));
            tracing::info!(source = %id, %local_addr, "json_udp source listening");
            Ok(RunningSource { id: id.clone(), local_addr, tasks: vec![receiver, forwarder] })
        }
        SourceConfig::AisUdp { id, listen, agency, marking } => {
            let stamp = AisStamp::new(id, agency, marking);
            let (local_addr, tasks) = ais_source::start_udp(stamp, *listen, centre, limits).await?;
            Ok(RunningSource { id: id.clone(), local_addr, tasks })
        }
        SourceConfig::AisTcp {
            id,
            connect,
            agency,
            marking,
            reconnect_min_ms,
            reconnect_max_ms,
            idle_timeout_ms,
        } => {
            let stamp = AisStamp::new(id, agency, marking);
            let backoff = Backoff {
                min_ms: *reconnect_min_ms,
                max_ms: *reconnect_max_ms,
                idle_timeout_ms: *idle_timeout_ms,
            };
            let (local_addr, tasks) =
                ais_source::start_tcp(stamp, connect, backoff, centre, limits)?;
            Ok(RunningSource { id: id.clone(), local_addr, tasks })
        }
        SourceConfig::TtmUdp { id, listen, agency, site, marking } => {
            let radar = crate::radar_source::RadarSite {
                id: id.clone(),
                agency: agency.clone(),
                marking: marking.clone(),
                site: *site,
            };
            let (local_addr, tasks) =
                crate::radar_source::start_ttm_udp(radar, *listen, centre, limits).await?;
            Ok(RunningSource { id: id.clone(), local_addr, tasks })
        }
        SourceConfig::AisFile { id, path, agency, marking, pace } => {
            let stamp = AisStamp::new(id, agency, marking);
            let (local_addr, tasks) =
                ais_source::start_file(stamp, path, *pace, centre, limits).await?;
            Ok(RunningSource { id: id.clone(), local_addr, tasks })
        }
    }
}

async fn receive_json_udp(
    socket: tokio::net::UdpSocket,
    stamp: SourceStamp,
    centre: Centre,
    limits: model::ValidationLimits,
    tx: mpsc::Sender<(model::Time, Observation)>,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let metrics = centre.metrics();
    loop {
        let n = match socket.recv_from(&mut buf).await {
            Ok((n, _peer)) => n,
            Err(error) => {
                // ICMP errors and the like: count, wait a moment, keep listening.
                metrics.rejected(&stamp.source, "socket");
                tracing::warn!(%error, source = %stamp.source, "receive failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let now = centre.now();
        let (observations, rejected) =
            match ingest::parse_from(&buf[..n], now, limits, FORWARD_BATCH, Some(&stamp)) {
                Ok(parsed) => parsed,
                Err(error) => {
                    metrics.rejected(&stamp.source, "bad_datagram");
                    tracing::debug!(%error, source = %stamp.source, "datagram rejected");
                    continue;
                }
            };
        for r in &rejected {
            metrics.rejected(&stamp.source, r.reason);
        }
        for observation in observations {
            if tx.try_send((now, observation)).is_err() {
                metrics.full(&format!("source:{}", stamp.source));
                metrics.rejected(&stamp.source, "queue_full");
            }
        }
    }
}

/// Drains a source's queue into the log, a batch at a time, retrying while the log is busy.
/// Each event is timed by its observation's receive time at the edge.
pub(crate) async fn forward(
    id: String,
    mut rx: mpsc::Receiver<(model::Time, Observation)>,
    centre: Centre,
) {
    let mut batch = Vec::with_capacity(FORWARD_BATCH);
    while rx.recv_many(&mut batch, FORWARD_BATCH).await > 0 {
        let events: Vec<_> =
            batch.drain(..).map(|(t, o)| model::Event::observation(t, o)).collect();
        let n = events.len() as u64;
        let mut pending = Some(events);
        while let Some(events) = pending.take() {
            match centre.append(events).await {
                Ok(_) => centre.metrics().accepted(&id, n),
                Err(AppendError::Busy(events)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    pending = Some(events);
                }
                Err(AppendError::Stopping) => return,
                Err(error) => {
                    tracing::error!(%error, source = %id, "append failed; batch dropped");
                    centre.metrics().rejected(&id, "store");
                }
            }
        }
    }
}
