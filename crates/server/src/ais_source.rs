//! AIS sources: NMEA lines from a UDP socket, a TCP feed server or a file, decoded at the edge.
//!
//! Each source owns one [`ais::Decoder`] (reassembly keyed by the connection: the UDP peer, the
//! TCP connection's number, or the file) and a bounded cache of static data, and hands its
//! observations to a bounded queue that a forwarder drains into the log, like every source in
//! [`crate::sources`]. Choices made where the requirements were silent:
//!
//! - **Time.** An observation's `time` is its tag block's `c:` time when that is plausible —
//!   inside the centre's validation window around the receive time (`ingest.max_future_ms`
//!   ahead, `ingest.max_age_ms` behind) — else the receive time: a receiver with an unset clock
//!   or an old recording must not have its reports refused as stale. The receive time (the
//!   edge's clock, read once per datagram, read or replayed message) is the event's time.
//! - **Which messages.** Types 1–3, 18, 19 and 27 become vessel observations and type 9 an
//!   aircraft (altitude as `alt_m`); a man-overboard device (MMSI 972…) is a person. Types 5,
//!   19 and 24 feed the static cache. Aids to navigation (21) and base stations (4) are fixed
//!   objects, not tracks: they are counted as messages and not forwarded.
//! - **Static data.** Up to [`STATIC_CAPACITY`] MMSIs per source (name, call sign, IMO, ship
//!   type), attached to the vessel's later position reports; beyond that the MMSI first seen
//!   longest ago is forgotten (it returns with its next type 5 or 24, sent every six minutes).
//! - **Identity at the edge.** Every observation says whether its MMSI is valid under ITU-R
//!   M.585 (`mmsi_valid`), its MID's country (`flag`), whether it is a distress beacon
//!   (`ais_beacon`: `sart`, `mob`, `epirb`) and its navigational status (`nav_status`; 14 is
//!   "AIS-SART active").
//! - **Full queue.** UDP and TCP drop the newest observation and count it (a live feed cannot
//!   wait); file replay waits instead, so nothing in a file is lost.
//! - **File pace.** `original` sleeps between messages as their `c:` times say; lines without a
//!   time go at once, and a jump of more than [`MAX_PACE_GAP_MS`] (or back before the start)
//!   restarts the clock. `fast` reads as fast as the log takes it. A file is read once.
//!
//! Sources that do not listen (TCP client, file) report `0.0.0.0:0` as their local address.

mod edge;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use ais::MAX_LINE_BYTES;
use model::{AgencyId, Marking, ValidationLimits};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::centre::Centre;
use crate::metrics::SourceLabels;
use crate::sources::{SourceError, forward};
use edge::Edge;
pub use edge::LineDecoder;

/// Observations a source may hold while the log catches up.
const QUEUE: usize = 16_384;
/// MMSIs whose static data one source remembers.
pub const STATIC_CAPACITY: usize = 50_000;
/// A gap between consecutive `c:` times longer than this is a break in a recording.
pub const MAX_PACE_GAP_MS: u64 = 10 * 60 * 1_000;
const MAX_DATAGRAM: usize = 65_536;
const READ_CHUNK: usize = 64 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub fn default_listen() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 10110))
}
pub fn default_reconnect_min_ms() -> u64 {
    1_000
}
pub fn default_reconnect_max_ms() -> u64 {
    60_000
}
pub fn default_idle_timeout_ms() -> u64 {
    300_000
}

/// How a file is replayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// As the tag blocks' `c:` times say.
    #[default]
    Original,
    /// As fast as the log takes it.
    Fast,
}

/// Reconnection of a TCP client: the delay starts at `min_ms` and doubles to `max_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub min_ms: u64,
    pub max_ms: u64,
    pub idle_timeout_ms: u64,
}

/// What an AIS source stamps on its observations.
#[derive(Clone, Debug)]
pub struct AisStamp {
    pub id: String,
    pub agency: AgencyId,
    pub marking: Marking,
}

impl AisStamp {
    pub fn new(id: &str, agency: &AgencyId, marking: &Marking) -> AisStamp {
        AisStamp { id: id.to_string(), agency: agency.clone(), marking: marking.clone() }
    }
}

type Started = (SocketAddr, Vec<JoinHandle<()>>);

fn no_address() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0))
}

pub(crate) async fn start_udp(
    stamp: AisStamp,
    listen: SocketAddr,
    centre: Centre,
    limits: ValidationLimits,
) -> Result<Started, SourceError> {
    let id = stamp.id.clone();
    let bind_error = |e: std::io::Error| SourceError::Bind {
        id: id.clone(),
        addr: listen,
        message: e.to_string(),
    };
    let socket = tokio::net::UdpSocket::bind(listen).await.map_err(bind_error)?;
    let local_addr = socket.local_addr().map_err(bind_error)?;
    let (edge, rx) = Edge::new(stamp, &centre, limits);
    let forwarder = tokio::spawn(forward(id.clone(), rx, centre));
    let receiver = tokio::spawn(receive_udp(socket, edge));
    tracing::info!(source = %id, %local_addr, "ais_udp source listening");
    Ok((local_addr, vec![receiver, forwarder]))
}

pub(crate) fn start_tcp(
    stamp: AisStamp,
    connect: &str,
    backoff: Backoff,
    centre: Centre,
    limits: ValidationLimits,
) -> Result<Started, SourceError> {
    let invalid = |message: String| SourceError::Invalid { id: stamp.id.clone(), message };
    let port = connect.rsplit_once(':').filter(|(host, _)| !host.is_empty()).map(|(_, p)| p);
    if port.and_then(|p| p.parse::<u16>().ok()).is_none() {
        return Err(invalid(format!("connect {connect:?} is not host:port")));
    }
    if backoff.min_ms == 0 || backoff.max_ms < backoff.min_ms {
        return Err(invalid(format!(
            "reconnect_min_ms {} must be at least 1 and at most reconnect_max_ms {}",
            backoff.min_ms, backoff.max_ms
        )));
    }
    if backoff.idle_timeout_ms == 0 {
        return Err(invalid("idle_timeout_ms must be at least 1".into()));
    }
    let id = stamp.id.clone();
    let (edge, rx) = Edge::new(stamp, &centre, limits);
    let forwarder = tokio::spawn(forward(id.clone(), rx, centre));
    let client = tokio::spawn(run_tcp(connect.to_string(), backoff, edge));
    tracing::info!(source = %id, %connect, "ais_tcp source started");
    Ok((no_address(), vec![client, forwarder]))
}

pub(crate) async fn start_file(
    stamp: AisStamp,
    path: &Path,
    pace: Pace,
    centre: Centre,
    limits: ValidationLimits,
) -> Result<Started, SourceError> {
    let file = tokio::fs::File::open(path).await.map_err(|e| SourceError::Open {
        id: stamp.id.clone(),
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let id = stamp.id.clone();
    let (edge, rx) = Edge::new(stamp, &centre, limits);
    let forwarder = tokio::spawn(forward(id.clone(), rx, centre));
    let reader = tokio::spawn(replay(file, edge, pace));
    tracing::info!(source = %id, path = %path.display(), ?pace, "ais_file source replaying");
    Ok((no_address(), vec![reader, forwarder]))
}

async fn receive_udp(socket: tokio::net::UdpSocket, mut edge: Edge) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let (n, peer) = match socket.recv_from(&mut buf).await {
            Ok(received) => received,
            Err(error) => {
                edge.centre.metrics().rejected(&edge.stamp.id, "socket");
                tracing::warn!(%error, source = %edge.stamp.id, "receive failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let now = edge.centre.now();
        let connection = connection_of(peer);
        for line in buf.get(..n).unwrap_or(&[]).split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if let Some(observation) =
                edge.line(line, connection, now).and_then(|p| edge.admit(p, now))
            {
                edge.offer(now, observation);
            }
        }
    }
}

/// Fragments from different senders must never join, so each peer is its own connection.
fn connection_of(peer: SocketAddr) -> u32 {
    let mut hasher = DefaultHasher::new();
    peer.hash(&mut hasher);
    hasher.finish() as u32
}

async fn run_tcp(connect: String, backoff: Backoff, mut edge: Edge) {
    let labels = SourceLabels { source: edge.stamp.id.clone() };
    let metrics = edge.centre.metrics();
    let connections = metrics.ais.connections.get_or_create(&labels).clone();
    let failures = metrics.ais.connection_failures.get_or_create(&labels).clone();
    let idle = Duration::from_millis(backoff.idle_timeout_ms);
    let mut delay = backoff.min_ms;
    let mut connection = 0u32;
    loop {
        match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(&connect)).await
        {
            Ok(Ok(stream)) => {
                connections.inc();
                connection = connection.wrapping_add(1);
                delay = backoff.min_ms;
                tracing::info!(source = %edge.stamp.id, %connect, "ais feed connected");
                let why = read_feed(stream, &mut edge, connection, idle).await;
                let source = &edge.stamp.id;
                tracing::warn!(%source, %connect, reason = %why, "ais feed disconnected");
            }
            Ok(Err(error)) => {
                failures.inc();
                let source = &edge.stamp.id;
                let retry_ms = delay;
                tracing::warn!(%error, %source, %connect, retry_ms, "ais feed connect failed");
            }
            Err(_) => {
                failures.inc();
                let source = &edge.stamp.id;
                tracing::warn!(%source, %connect, retry_ms = delay, "ais feed connect timed out");
            }
        }
        tokio::time::sleep(Duration::from_millis(delay)).await;
        delay = delay.saturating_mul(2).min(backoff.max_ms);
    }
}

/// Reads one connection until it ends; returns why it ended.
async fn read_feed(
    mut stream: tokio::net::TcpStream,
    edge: &mut Edge,
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
        let now = edge.centre.now();
        edge.chunk(&mut lines, buf.get(..n).unwrap_or(&[]), connection, now, &mut out);
        edge.offer_all(&mut out, now);
    };
    let now = edge.centre.now();
    edge.end(&mut lines, connection, now, &mut out);
    edge.offer_all(&mut out, now);
    why
}

async fn replay(mut file: tokio::fs::File, mut edge: Edge, pace: Pace) {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut lines = Lines::default();
    let mut out = Vec::new();
    let mut clock = PaceClock::default();
    loop {
        let n = match file.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) => {
                let source = &edge.stamp.id;
                tracing::warn!(%error, %source, "ais file read failed; replay stopped");
                break;
            }
        };
        edge.chunk(&mut lines, buf.get(..n).unwrap_or(&[]), 0, edge.centre.now(), &mut out);
        if !edge.send_paced(&mut out, pace, &mut clock).await {
            return;
        }
    }
    edge.end(&mut lines, 0, edge.centre.now(), &mut out);
    if edge.send_paced(&mut out, pace, &mut clock).await {
        let (source, counts) = (&edge.stamp.id, edge.decoder.counts());
        let (lines, messages) = (counts.lines, counts.messages());
        tracing::info!(%source, lines, messages, "ais file replayed");
    }
}

/// The sleeping half of `pace = "original"`: maps `c:` times onto the local clock.
#[derive(Debug, Default)]
struct PaceClock {
    anchor: Option<(i64, Instant)>,
    last: i64,
}

impl PaceClock {
    /// When a message stamped `t` is due, or `None` for at once (and a restarted clock).
    fn due(&mut self, t: i64, now: Instant) -> Option<Instant> {
        match self.anchor {
            Some((t0, i0)) if t >= t0 && t.abs_diff(self.last) <= MAX_PACE_GAP_MS => {
                self.last = self.last.max(t);
                i0.checked_add(Duration::from_millis(t.abs_diff(t0)))
            }
            _ => {
                self.anchor = Some((t, now));
                self.last = t;
                None
            }
        }
    }
}

/// A byte stream cut into lines (CR/LF removed), holding at most [`MAX_LINE_BYTES`] of an
/// unfinished line: a longer one is reported once and skipped up to its newline.
#[derive(Debug, Default)]
struct Lines {
    partial: Vec<u8>,
    overflow: bool,
}

#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Line(&'a [u8]),
    TooLong,
}

impl Lines {
    fn feed(&mut self, mut bytes: &[u8], mut each: impl FnMut(Piece<'_>)) {
        while let Some(i) = bytes.iter().position(|b| *b == b'\n') {
            let (head, rest) = bytes.split_at(i);
            bytes = rest.get(1..).unwrap_or(&[]);
            if std::mem::take(&mut self.overflow) {
                continue;
            }
            if self.partial.is_empty() {
                emit(head, &mut each);
            } else if self.partial.len() + head.len() > MAX_LINE_BYTES {
                self.partial.clear();
                each(Piece::TooLong);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(head);
                emit(&line, &mut each);
                line.clear();
                self.partial = line;
            }
        }
        if self.overflow || bytes.is_empty() {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES {
            self.partial.clear();
            self.overflow = true;
            each(Piece::TooLong);
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    fn end(&mut self, mut each: impl FnMut(Piece<'_>)) {
        let line = std::mem::take(&mut self.partial);
        self.overflow = false;
        emit(&line, &mut each);
    }
}

fn emit(line: &[u8], each: &mut impl FnMut(Piece<'_>)) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if !line.is_empty() {
        each(Piece::Line(line));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pieces(lines: &mut Lines, chunks: &[&[u8]]) -> Vec<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let mut each = |piece: Piece<'_>| match piece {
            Piece::Line(line) => out.push(Some(line.to_vec())),
            Piece::TooLong => out.push(None),
        };
        for chunk in chunks {
            lines.feed(chunk, &mut each);
        }
        lines.end(&mut each);
        out
    }

    #[test]
    fn lines_are_cut_across_chunks_without_cr_and_empty_lines() {
        let got = pieces(&mut Lines::default(), &[b"!AB,1*0", b"0\r\n\r\n\nsecond\r", b"\nlast"]);
        let want: Vec<Option<Vec<u8>>> =
            vec![Some(b"!AB,1*00".to_vec()), Some(b"second".to_vec()), Some(b"last".to_vec())];
        assert_eq!(got, want);
    }

    #[test]
    fn an_over_long_line_is_reported_once_and_skipped_to_its_newline() {
        let long = vec![b'A'; 1_000];
        let mut chunks: Vec<&[u8]> = vec![&long; 1_100];
        chunks.push(b"tail of the long line\ngood\n");
        let got = pieces(&mut Lines::default(), &chunks);
        assert_eq!(got, vec![None, Some(b"good".to_vec())]);
        let mut exact = vec![b'B'; MAX_LINE_BYTES];
        exact.push(b'\n');
        let got = pieces(&mut Lines::default(), &[&exact[..10], &exact[10..]]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().map(Vec::len), Some(MAX_LINE_BYTES));
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_lines_of_the_whole(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b'\r'), any::<u8>()],
                0..400,
            ),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&bytes[from..cut]);
                from = cut;
            }
            chunks.push(&bytes[from..]);
            let whole = pieces(&mut Lines::default(), &[&bytes]);
            prop_assert_eq!(pieces(&mut Lines::default(), &chunks), whole);
        }
    }

    #[test]
    fn the_pace_clock_follows_tag_times_and_restarts_on_jumps() {
        let start = Instant::now();
        let mut clock = PaceClock::default();
        assert_eq!(clock.due(10_000, start), None, "the first time sets the clock");
        assert_eq!(clock.due(10_400, start), Some(start + Duration::from_millis(400)));
        assert_eq!(clock.due(10_200, start), Some(start + Duration::from_millis(200)));
        assert_eq!(clock.due(9_000, start), None, "back before the start: restart");
        let jump = 9_000 + MAX_PACE_GAP_MS as i64 + 1;
        assert_eq!(clock.due(jump, start), None, "a break in the recording: restart");
        assert_eq!(clock.due(jump + 5, start), Some(start + Duration::from_millis(5)));
    }

    #[test]
    fn each_udp_peer_is_its_own_connection() {
        let a = connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4000)));
        let b = connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4001)));
        assert_ne!(a, b);
        assert_eq!(a, connection_of(SocketAddr::from((Ipv4Addr::LOCALHOST, 4000))));
    }
}

/// AIS lines decoded in-process exactly as a source decodes them (same decoder, static cache,
/// identity at the edge and counters), for feeds that are not sockets: the demo's simulator.
#[derive(Debug)]
pub(crate) struct InProcess {
    edge: Edge,
    /// The edge's queue, unused here: observations come back to the caller instead.
    _queue: tokio::sync::mpsc::Receiver<(model::Time, model::Observation)>,
}

impl InProcess {
    pub(crate) fn new(stamp: AisStamp, centre: &Centre, limits: ValidationLimits) -> InProcess {
        let (edge, queue) = Edge::new(stamp, centre, limits);
        InProcess { edge, _queue: queue }
    }

    /// One line received at `now`: the observation it completes, if any.
    pub(crate) fn observe(&mut self, line: &[u8], now: model::Time) -> Option<model::Observation> {
        let pending = self.edge.line(line, 0, now)?;
        self.edge.admit(pending, now)
    }
}
