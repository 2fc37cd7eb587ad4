//! AIS sources: NMEA lines from a UDP socket ([`AisUdp`], here), a TCP feed server
//! ([`super::AisTcp`]) or a file ([`super::AisFile`]), decoded by `edge::ais`.
//!
//! Each source owns one [`AisEdge`] (reassembly keyed by the connection: the UDP peer, the TCP
//! connection's number, or the file; the static cache; identity at the edge, described there).
//! The receive time (the centre's clock, read once per datagram, read or replayed chunk) is the
//! event's time. UDP and TCP drop the newest observation when the queue is full and count it (a
//! live feed cannot wait); file replay waits instead, so nothing in a file is lost. Sources
//! that do not listen (TCP client, file) report `0.0.0.0:0` as their local address.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::{Ipv4Addr, SocketAddr};

use edge::Stamp;
use edge::ais::{AisEdge, LineRefused, Pending};
use edge::lines::{Lines, Piece};
use model::{AgencyId, Marking, Observation, Time};
use prometheus_client::metrics::counter::Counter;
use serde::Deserialize;

use super::{Built, Source, SourceContext, SourceError, udp};
use crate::metrics::{RejectLabels, SourceLabels};

pub fn default_listen() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 10110))
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AisUdp {
    pub id: String,
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    pub agency: AgencyId,
    #[serde(default)]
    pub marking: Marking,
}

impl Source for AisUdp {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let (socket, local_addr) = udp::bind(&cx, self.listen).await?;
        let mut intake = AisIntake::new(&self.id, &self.agency, &self.marking, cx.clone());
        tracing::info!(source = %self.id, %local_addr, "ais_udp source listening");
        Ok(Built::new(local_addr, async move {
            udp::each_datagram(socket, &cx, |bytes, peer, now| {
                let connection = connection_of(peer);
                for line in bytes.split(|b| *b == b'\n') {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.is_empty() {
                        continue;
                    }
                    if let Some(pending) = intake.line(line, connection, now) {
                        intake.offer(pending, now);
                    }
                }
            })
            .await;
        }))
    }
}

/// Fragments from different senders must never join, so each peer is its own connection.
fn connection_of(peer: SocketAddr) -> u32 {
    let mut hasher = DefaultHasher::new();
    peer.hash(&mut hasher);
    hasher.finish() as u32
}

/// An AIS source's edge with its counters: `tansiq_ais_*` by source, refusals by reason.
#[derive(Debug)]
pub(crate) struct AisIntake {
    pub(super) edge: AisEdge,
    pub(super) cx: SourceContext,
    /// The stamp's source id, which labels the counters (the demo's feed has one context and
    /// several sources).
    source: String,
    sentences: Counter,
    messages: Counter,
    timeouts: Counter,
    rejects: HashMap<&'static str, Counter>,
    /// Decoder totals already added to the counters.
    seen: [u64; 3],
}

impl AisIntake {
    pub(crate) fn new(
        id: &str,
        agency: &AgencyId,
        marking: &Marking,
        cx: SourceContext,
    ) -> AisIntake {
        let labels = SourceLabels { source: id.to_string() };
        let ais = &cx.metrics().ais;
        let sentences = ais.sentences.get_or_create(&labels).clone();
        let messages = ais.messages.get_or_create(&labels).clone();
        let timeouts = ais.reassembly_timeouts.get_or_create(&labels).clone();
        AisIntake {
            edge: AisEdge::new(Stamp::ais(id, agency, marking), cx.limits()),
            sentences,
            messages,
            timeouts,
            rejects: HashMap::new(),
            seen: [0; 3],
            source: id.to_string(),
            cx,
        }
    }

    /// Decodes one line (no CR/LF), counting what the decoder saw and why a line was refused.
    pub(crate) fn line(&mut self, line: &[u8], connection: u32, now: Time) -> Option<Pending> {
        let pending = match self.edge.line(line, connection, now) {
            Ok(pending) => pending,
            Err(error) => {
                let reason = error.reason();
                tracing::debug!(%error, source = %self.source, reason, "ais line rejected");
                self.reject(&error);
                None
            }
        };
        self.sync_counts();
        pending
    }

    /// Decodes what one read of a stream brought.
    pub(super) fn chunk(
        &mut self,
        lines: &mut Lines,
        bytes: &[u8],
        connection: u32,
        now: Time,
        out: &mut Vec<Pending>,
    ) {
        lines.feed(bytes, |piece| self.piece(piece, connection, now, out));
    }

    /// The last line of a stream that ended without a newline.
    pub(super) fn end(
        &mut self,
        lines: &mut Lines,
        connection: u32,
        now: Time,
        out: &mut Vec<Pending>,
    ) {
        lines.end(|piece| self.piece(piece, connection, now, out));
    }

    fn piece(&mut self, piece: Piece<'_>, connection: u32, now: Time, out: &mut Vec<Pending>) {
        match piece {
            Piece::Line(line) => out.extend(self.line(line, connection, now)),
            Piece::TooLong => self.reject(&LineRefused::TooLong),
        }
    }

    /// Times and validates a pending observation received at `now`; a refusal is counted.
    /// The demo's feed uses this and queues on its own.
    pub(crate) fn admit(&self, pending: Pending, now: Time) -> Option<Observation> {
        match self.edge.admit(pending, now) {
            Ok(observation) => Some(observation),
            Err(error) => {
                self.cx.metrics().rejected(&self.source, error.reason());
                tracing::debug!(%error, source = %self.source, "ais observation rejected");
                None
            }
        }
    }

    /// Times, validates and queues an observation from a live feed.
    pub(super) fn offer(&self, pending: Pending, now: Time) {
        if let Some(observation) = self.admit(pending, now) {
            self.cx.offer(now, observation);
        }
    }

    /// Times, validates and queues what one read of a live feed produced.
    pub(super) fn offer_all(&self, out: &mut Vec<Pending>, now: Time) {
        for pending in out.drain(..) {
            self.offer(pending, now);
        }
    }

    fn reject(&mut self, error: &LineRefused) {
        let reason = error.reason();
        let (source, ais) = (&self.source, &self.cx.metrics().ais);
        self.rejects
            .entry(reason)
            .or_insert_with(|| {
                let labels = RejectLabels { source: source.clone(), reason: reason.into() };
                ais.rejects.get_or_create(&labels).clone()
            })
            .inc();
    }

    fn sync_counts(&mut self) {
        let totals = self.edge.totals();
        let totals = [totals.sentences, totals.messages, totals.reassembly_timeouts];
        for ((counter, seen), total) in [&self.sentences, &self.messages, &self.timeouts]
            .into_iter()
            .zip(&mut self.seen)
            .zip(totals)
        {
            if total > *seen {
                counter.inc_by(total - *seen);
                *seen = total;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_udp_peer_is_its_own_connection() {
        let a = connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4000)));
        let b = connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4001)));
        assert_ne!(a, b);
        assert_eq!(a, connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4000))));
    }
}
