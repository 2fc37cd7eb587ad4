//! Sources: configured components that turn bytes from the outside into observations.
//!
//! Each kind of source is one file here and one variant of [`SourceConfig`] (a `[[sources]]`
//! table; `type` names the kind). Its configuration implements [`Source`]: `build` binds or
//! opens what it needs and returns the task that receives and decodes, given a
//! [`SourceContext`] that owns the rest — the receive clock and validation limits, the bounded
//! queue into the log (a full queue drops the newest observation of a live feed and counts it,
//! `tansiq_pipeline_queue_full_total{stage="source:ID"}` and a `queue_full` reject, since the
//! sender of a datagram has no way to be told to slow down; a file or the demo waits instead),
//! the forwarder that drains it into the log in batches, and the counters. The decoding itself
//! is the `edge` crate's, pure. The TAK server's intake of CoT atoms ([`crate::tak`]) and the
//! demo's feed ([`demo`]) go through a context of their own the same way.

mod ais;
mod ais_file;
mod ais_tcp;
mod context;
pub mod demo;
mod json_udp;
mod ttm_udp;
mod udp;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;

use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::centre::Centre;
pub use ais::{AisUdp, default_listen};
pub use ais_file::{AisFile, MAX_PACE_GAP_MS, Pace};
pub use ais_tcp::AisTcp;
pub use context::{Shutdown, SourceContext};
pub use json_udp::JsonUdp;
pub use ttm_udp::TtmUdp;

/// A configured input: `build` prepares it and returns the task that runs it.
pub trait Source {
    /// Binds or opens what the source reads; a problem with its configuration or its socket
    /// is an error here, before anything runs.
    fn build(&self, cx: SourceContext) -> impl Future<Output = Result<Built, SourceError>> + Send;
}

/// A source ready to run: where it listens, and what runs it.
pub struct Built {
    /// The bound address; sources that do not listen (a TCP client, a file) say `0.0.0.0:0`.
    pub local_addr: SocketAddr,
    pub run: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built").field("local_addr", &self.local_addr).finish_non_exhaustive()
    }
}

impl Built {
    pub fn new(local_addr: SocketAddr, run: impl Future<Output = ()> + Send + 'static) -> Built {
        Built { local_addr, run: Box::pin(run) }
    }

    /// A source that does not listen.
    pub fn unbound(run: impl Future<Output = ()> + Send + 'static) -> Built {
        Built::new(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), run)
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SourceConfig {
    /// Observations as JSON in UDP datagrams: one object, an array, or a GeoJSON
    /// FeatureCollection per datagram.
    JsonUdp(JsonUdp),
    /// AIS NMEA lines (`!xxVDM`/`!xxVDO`, tag blocks allowed) in UDP datagrams.
    AisUdp(AisUdp),
    /// A TCP client to an AIS feed server.
    AisTcp(AisTcp),
    /// `$xxTTM` tracked targets from a radar's ARPA tracker in UDP datagrams.
    TtmUdp(TtmUdp),
    /// Replays a file of AIS lines once.
    AisFile(AisFile),
}

impl SourceConfig {
    pub fn id(&self) -> &str {
        match self {
            SourceConfig::JsonUdp(s) => &s.id,
            SourceConfig::AisUdp(s) => &s.id,
            SourceConfig::AisTcp(s) => &s.id,
            SourceConfig::TtmUdp(s) => &s.id,
            SourceConfig::AisFile(s) => &s.id,
        }
    }

    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        match self {
            SourceConfig::JsonUdp(s) => s.build(cx).await,
            SourceConfig::AisUdp(s) => s.build(cx).await,
            SourceConfig::AisTcp(s) => s.build(cx).await,
            SourceConfig::TtmUdp(s) => s.build(cx).await,
            SourceConfig::AisFile(s) => s.build(cx).await,
        }
    }
}

/// A started source: where it listens, and its task.
#[derive(Debug)]
pub struct RunningSource {
    pub id: String,
    pub local_addr: SocketAddr,
    shutdown: Shutdown,
    run: JoinHandle<()>,
}

impl RunningSource {
    /// Stops receiving at once (its socket or file is closed); what the source had queued
    /// still goes into the log.
    pub fn stop(&self) {
        self.shutdown.stop();
        self.run.abort();
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

impl SourceError {
    pub(crate) fn bind(cx: &SourceContext, addr: SocketAddr, error: std::io::Error) -> Self {
        SourceError::Bind { id: cx.id().to_string(), addr, message: error.to_string() }
    }

    pub(crate) fn invalid(cx: &SourceContext, message: String) -> Self {
        SourceError::Invalid { id: cx.id().to_string(), message }
    }
}

/// Starts a configured source. Must be called inside a tokio runtime.
pub async fn start(
    config: &SourceConfig,
    centre: Centre,
    limits: model::ValidationLimits,
) -> Result<RunningSource, SourceError> {
    let (cx, shutdown, _forwarder) = SourceContext::open(config.id(), &centre, limits);
    let built = config.build(cx.clone()).await?;
    let run = tokio::spawn(async move {
        tokio::select! {
            () = built.run => {}
            () = cx.stopped() => {}
        }
    });
    let (id, local_addr) = (config.id().to_string(), built.local_addr);
    Ok(RunningSource { id, local_addr, shutdown, run })
}
