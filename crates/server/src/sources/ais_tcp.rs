//! `ais_tcp`: a TCP client to an AIS feed server (`host:port`). It reconnects with doubling
//! backoff and never gives up; a connection silent for `idle_timeout_ms` is dropped and made
//! again. Each connection is its own reassembly connection.

use std::time::Duration;

use edge::lines::Lines;
use model::{AgencyId, Marking};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use super::ais::AisIntake;
use super::{Built, Source, SourceContext, SourceError};
use crate::metrics::SourceLabels;

const READ_CHUNK: usize = 64 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn default_reconnect_min_ms() -> u64 {
    1_000
}
fn default_reconnect_max_ms() -> u64 {
    60_000
}
fn default_idle_timeout_ms() -> u64 {
    300_000
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AisTcp {
    pub id: String,
    pub connect: String,
    pub agency: AgencyId,
    #[serde(default)]
    pub marking: Marking,
    /// The delay before reconnecting starts here and doubles up to `reconnect_max_ms`.
    #[serde(default = "default_reconnect_min_ms")]
    pub reconnect_min_ms: u64,
    #[serde(default = "default_reconnect_max_ms")]
    pub reconnect_max_ms: u64,
    /// A connection silent this long is dropped and made again.
    #[serde(default = "default_idle_timeout_ms")]
    pub idle_timeout_ms: u64,
}

impl Source for AisTcp {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let connect = &self.connect;
        let port = connect.rsplit_once(':').filter(|(host, _)| !host.is_empty()).map(|(_, p)| p);
        if port.and_then(|p| p.parse::<u16>().ok()).is_none() {
            return Err(SourceError::invalid(&cx, format!("connect {connect:?} is not host:port")));
        }
        if self.reconnect_min_ms == 0 || self.reconnect_max_ms < self.reconnect_min_ms {
            return Err(SourceError::invalid(
                &cx,
                format!(
                    "reconnect_min_ms {} must be at least 1 and at most reconnect_max_ms {}",
                    self.reconnect_min_ms, self.reconnect_max_ms
                ),
            ));
        }
        if self.idle_timeout_ms == 0 {
            return Err(SourceError::invalid(&cx, "idle_timeout_ms must be at least 1".into()));
        }
        let intake = AisIntake::new(&self.id, &self.agency, &self.marking, cx);
        tracing::info!(source = %self.id, %connect, "ais_tcp source started");
        Ok(Built::unbound(run(self.clone(), intake)))
    }
}

async fn run(config: AisTcp, mut intake: AisIntake) {
    let connect = config.connect;
    let labels = SourceLabels { source: intake.cx.id().to_string() };
    let metrics = intake.cx.metrics();
    let connections = metrics.ais.connections.get_or_create(&labels).clone();
    let failures = metrics.ais.connection_failures.get_or_create(&labels).clone();
    let idle = Duration::from_millis(config.idle_timeout_ms);
    let mut delay = config.reconnect_min_ms;
    let mut connection = 0u32;
    loop {
        let source = labels.source.as_str();
        match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(&connect)).await
        {
            Ok(Ok(stream)) => {
                connections.inc();
                connection = connection.wrapping_add(1);
                delay = config.reconnect_min_ms;
                tracing::info!(%source, %connect, "ais feed connected");
                let why = read_feed(stream, &mut intake, connection, idle).await;
                tracing::warn!(%source, %connect, reason = %why, "ais feed disconnected");
            }
            Ok(Err(error)) => {
                failures.inc();
                let retry_ms = delay;
                tracing::warn!(%error, %source, %connect, retry_ms, "ais feed connect failed");
            }
            Err(_) => {
                failures.inc();
                tracing::warn!(%source, %connect, retry_ms = delay, "ais feed connect timed out");
            }
        }
        tokio::time::sleep(Duration::from_millis(delay)).await;
        delay = delay.saturating_mul(2).min(config.reconnect_max_ms);
    }
}

/// Reads one connection until it ends; returns why it ended.
async fn read_feed(
    mut stream: tokio::net::TcpStream,
    intake: &mut AisIntake,
    connection: u32,
    idle: Duration,
) -> String {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut lines = Lines::default();
    let mut out = Vec::new();
    let why = loop {
        let n = match tokio::time::timeout(idle, stream.read(&mut buf)).await {
            Err(_) => break "idle timeout".to_string(),
            Ok(Ok(0)) => break "closed by peer".to_string(),
            Ok(Err(error)) => break error.to_string(),
            Ok(Ok(n)) => n,
        };
        let now = intake.cx.now();
        intake.chunk(&mut lines, buf.get(..n).unwrap_or(&[]), connection, now, &mut out);
        intake.offer_all(&mut out, now);
    };
    let now = intake.cx.now();
    intake.end(&mut lines, connection, now, &mut out);
    intake.offer_all(&mut out, now);
    why
}
