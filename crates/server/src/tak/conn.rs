//! One TAK connection: accept (TCP, or TLS with a client certificate naming a user), then a
//! reader that decodes with `cot::StreamDecoder` and a writer that drains the client's bounded
//! queue, in the encoding the negotiation settled on.

use std::sync::Arc;
use std::time::Duration;

use cot::control::{Control, Negotiation};
use cot::{Format, Frame, StreamDecoder};
use model::{AgencyId, Marking};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio_rustls::TlsAcceptor;

use super::Listener;
use super::hub::{Hub, Origin, Outgoing, SERVER_UID};
use crate::http::now;

/// A TLS handshake that has not finished by then is dropped (half-open connections).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Queued items a writer takes per write.
const WRITE_BATCH: usize = 512;
/// How long a writer lets events gather before a write. With a thousand clients each hearing
/// a thousand SAs a second, one write per event costs more than everything else together;
/// a few milliseconds of delay turn that into one write per handful of events.
const COALESCE: Duration = Duration::from_millis(5);
/// Bytes read per call.
const READ_BUFFER: usize = 64 * 1024;

/// What every connection of a listener shares.
#[derive(Debug)]
pub(crate) struct Settings {
    pub limits: cot::Limits,
    pub queue: usize,
    /// The agency of clients that present no certificate.
    pub agency: AgencyId,
    pub marking: Marking,
}

pub(crate) async fn accept_tcp(listener: TcpListener, hub: Hub, settings: Arc<Settings>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                let _ = stream.set_nodelay(true);
                count_connection(&hub, Listener::Tcp);
                let agency = settings.agency.clone();
                tokio::spawn(serve(stream, agency, hub.clone(), settings.clone()));
            }
            Err(error) => accept_failed(&error).await,
        }
    }
}

pub(crate) async fn accept_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    hub: Hub,
    settings: Arc<Settings>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let (acceptor, hub, settings) = (acceptor.clone(), hub.clone(), settings.clone());
                // The handshake runs in the connection's own task, so a client that never
                // finishes it holds up nobody.
                tokio::spawn(async move {
                    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
                        .await
                    {
                        Ok(Ok(tls)) => tls,
                        Ok(Err(error)) => {
                            tracing::debug!(%error, %peer, "tak tls handshake failed");
                            hub.metrics().tak.disconnected("tls_handshake");
                            return;
                        }
                        Err(_) => {
                            hub.metrics().tak.disconnected("tls_handshake_timeout");
                            return;
                        }
                    };
                    let certificate = tls.get_ref().1.peer_certificates().and_then(|c| c.first());
                    let user = certificate.and_then(|c| super::tls::subject_cn(c.as_ref()));
                    let Some(agency) = user.as_deref().and_then(|u| hub.user_agency(u)) else {
                        tracing::warn!(user = ?user, %peer, "tak client certificate names no user");
                        hub.metrics().tak.disconnected("unknown_user");
                        return;
                    };
                    count_connection(&hub, Listener::Tls);
                    serve(tls, agency, hub, settings).await;
                });
            }
            Err(error) => accept_failed(&error).await,
        }
    }
}

fn count_connection(hub: &Hub, listener: Listener) {
    let labels = crate::metrics::ListenerLabels { listener: listener.label().to_owned() };
    hub.metrics().tak.connections.get_or_create(&labels).inc();
}

/// Out of file descriptors and the like: wait a moment rather than spin.
async fn accept_failed(error: &std::io::Error) {
    tracing::warn!(%error, "tak accept failed");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Runs one connection to its end and counts why it ended.
async fn serve<S>(stream: S, agency: AgencyId, hub: Hub, settings: Arc<Settings>)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (reader, writer) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel(settings.queue);
    let kick = Arc::new(Notify::new());
    let marking = settings.marking.clone();
    let id = hub.join(agency.clone(), marking.clone(), tx.clone(), kick.clone());
    let mut writing = tokio::spawn(write(writer, rx, hub.clone()));
    let origin = Origin { id, agency, marking };
    let reason = tokio::select! {
        reason = read(reader, &origin, &hub, tx, settings.limits) => reason.unwrap_or_else(|r| r),
        () = kick.notified() => "slow_client",
        _ = &mut writing => "write_failed",
    };
    writing.abort();
    hub.leave(id);
    hub.metrics().tak.disconnected(reason);
    tracing::debug!(reason, client = id, "tak client disconnected");
}

/// Reads until the client goes, the framing is lost, or its own queue overflows; the reason
/// why either way.
async fn read<R: AsyncRead + Unpin>(
    mut reader: R,
    origin: &Origin,
    hub: &Hub,
    tx: mpsc::Sender<Outgoing>,
    limits: cot::Limits,
) -> Result<&'static str, &'static str> {
    let mut decoder = StreamDecoder::new(limits);
    let mut buf = vec![0u8; READ_BUFFER];
    let mut protobuf = false;
    loop {
        let n = match reader.read(&mut buf).await {
            Ok(0) => return Ok(if decoder.finish().is_ok() { "closed" } else { "truncated" }),
            Ok(n) => n,
            Err(_) => return Ok("read_failed"),
        };
        decoder.feed(&buf[..n]);
        loop {
            let frame = match decoder.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(error) if !error.is_fatal() => {
                    tracing::debug!(%error, client = origin.id, "tak frame skipped");
                    hub.metrics().tak.skipped(error.reason());
                    continue;
                }
                Err(error) => {
                    tracing::debug!(%error, client = origin.id, "tak framing lost");
                    return Ok(error.reason());
                }
            };
            let Frame::Event { event, format, .. } = frame else {
                // `<auth>` (a plain stream's identity is its listener's) or a bare control.
                hub.metrics().tak.received("control");
                continue;
            };
            if format == Format::Protobuf && !std::mem::replace(&mut protobuf, true) {
                send_own(&tx, Outgoing::ProtobufSeen)?;
            }
            match cot::control::classify(&event) {
                None | Some(Control::Delete { uid: Some(_) }) => hub.receive(origin, *event),
                Some(Control::VersionRequest(version)) => {
                    hub.metrics().tak.received("control");
                    send_own(&tx, Outgoing::Answer(version))?;
                }
                Some(Control::Ping) => {
                    hub.metrics().tak.received("ping");
                    send_own(&tx, Outgoing::Own(Box::new(cot::control::pong(now()))))?;
                }
                // pytak's "takPing" (a delete naming nobody), offers, answers, pongs.
                Some(_) => hub.metrics().tak.received("control"),
            }
        }
    }
}

fn send_own(tx: &mpsc::Sender<Outgoing>, out: Outgoing) -> Result<(), &'static str> {
    tx.try_send(out).map_err(|_| "slow_client")
}

/// Writes what is queued, a batch per write, until the queue closes or the socket fails.
async fn write<W: AsyncWrite + Unpin>(mut writer: W, mut rx: mpsc::Receiver<Outgoing>, hub: Hub) {
    let mut negotiation = Negotiation::default();
    let mut buf = Vec::new();
    if let Some(offer) = negotiation.offer(SERVER_UID, now())
        && let Ok(bytes) = negotiation.encode(&offer)
    {
        buf.extend_from_slice(&bytes);
    }
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    loop {
        if !buf.is_empty()
            && (writer.write_all(&buf).await.is_err() || writer.flush().await.is_err())
        {
            return;
        }
        buf.clear();
        if rx.recv_many(&mut batch, WRITE_BATCH).await == 0 {
            return;
        }
        if batch.len() < WRITE_BATCH {
            tokio::time::sleep(COALESCE).await;
            while batch.len() < WRITE_BATCH {
                match rx.try_recv() {
                    Ok(out) => batch.push(out),
                    Err(_) => break,
                }
            }
        }
        for out in batch.drain(..) {
            let bytes = match out {
                Outgoing::Shared(prepared) => match prepared.bytes(negotiation.encoding()) {
                    Some(bytes) => {
                        buf.extend_from_slice(bytes);
                        continue;
                    }
                    None => Err(()),
                },
                Outgoing::Own(event) => negotiation.encode(&event).map_err(|_| ()),
                Outgoing::Answer(version) => {
                    negotiation.answer(version, SERVER_UID, now()).map_err(|_| ())
                }
                Outgoing::ProtobufSeen => {
                    negotiation.protobuf_received();
                    continue;
                }
            };
            match bytes {
                Ok(bytes) => buf.extend_from_slice(&bytes),
                Err(()) => hub.metrics().tak.skipped("unencodable"),
            }
        }
    }
}
