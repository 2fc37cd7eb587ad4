//! One TAK connection: accept (TCP, or TLS with a client certificate naming a user), then a
//! reader that decodes with `cot::StreamDecoder` and a writer that drains the client's bounded
//! queue, in the encoding the negotiation settled on.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cot::control::{Control, Negotiation};
use cot::{Format, Frame, StreamDecoder};
use model::{AgencyId, Marking};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;

use super::Listener;
use super::hub::{Hub, Origin, Outgoing, SERVER_UID};
use crate::auth::{hash_password, verify_password};

/// A TLS handshake that has not finished by then is dropped (half-open connections).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Queued items a writer takes per wake-up (the queue's bound caps what waits behind).
const WRITE_BATCH: usize = 4_096;
/// Bytes read per call.
const READ_BUFFER: usize = 64 * 1024;
/// How long a plain client that must sign in may take to send its `<auth>`.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Password checks (Argon2id, deliberately slow) running at once; more sign-ins wait, so a
/// flood of `<auth>` costs the centre at most this many threads.
pub(crate) const SIGN_INS: usize = 2;

/// What every connection of a listener shares.
#[derive(Debug)]
pub(crate) struct Settings {
    pub limits: cot::Limits,
    pub queue: usize,
    /// The agency of clients that present no certificate.
    pub agency: AgencyId,
    pub marking: Marking,
    /// Plain TCP clients must sign in with `<auth>` first.
    pub require_auth: bool,
    pub sign_ins: Arc<Semaphore>,
    /// The least time between two writes to one client (`write_delay_ms`).
    pub write_delay: Duration,
}

pub(crate) async fn accept_tcp(listener: TcpListener, hub: Hub, settings: Arc<Settings>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                count_connection(&hub, Listener::Tcp);
                tokio::spawn(serve_plain(stream, peer, hub.clone(), settings.clone()));
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
                    let decoder = StreamDecoder::new(settings.limits);
                    let who = Identity { agency, user, peer: None };
                    serve(tls, decoder, who, hub, settings).await;
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

/// Who a connection speaks for.
struct Identity {
    agency: AgencyId,
    /// The Tansiq user (certificate or `<auth>`); `None` for an anonymous plain client.
    user: Option<String>,
    /// A plain client's address, which may still sign in with `<auth>`; `None` over TLS.
    peer: Option<SocketAddr>,
}

/// A plain TCP connection: the listener's agency, or — when `require_auth` — the agency of
/// the user its first message signs in as; anything else first closes it.
async fn serve_plain(stream: TcpStream, peer: SocketAddr, hub: Hub, settings: Arc<Settings>) {
    let mut decoder = StreamDecoder::new(settings.limits);
    let mut who = Identity { agency: settings.agency.clone(), user: None, peer: Some(peer) };
    if settings.require_auth {
        let mut stream = stream;
        match tokio::time::timeout(AUTH_TIMEOUT, first_frame(&mut stream, &mut decoder)).await {
            Ok(Ok(Frame::Auth(auth))) => match sign_in(&hub, &settings, &auth, peer).await {
                Ok((user, agency)) => {
                    who = Identity { agency, user: Some(user), peer: None };
                }
                Err(reason) => return hub.metrics().tak.disconnected(reason),
            },
            Ok(Ok(_)) => return hub.metrics().tak.disconnected("auth_required"),
            Ok(Err(reason)) => return hub.metrics().tak.disconnected(reason),
            Err(_) => return hub.metrics().tak.disconnected("auth_timeout"),
        }
        return serve(stream, decoder, who, hub, settings).await;
    }
    serve(stream, decoder, who, hub, settings).await;
}

/// Reads until the first frame (what a client that must sign in says first).
async fn first_frame(
    stream: &mut TcpStream,
    decoder: &mut StreamDecoder,
) -> Result<Frame, &'static str> {
    let mut buf = vec![0u8; 4096];
    loop {
        match decoder.next_frame() {
            Ok(Some(frame)) => return Ok(frame),
            Ok(None) => {}
            Err(error) if !error.is_fatal() => return Err("auth_required"),
            Err(error) => return Err(error.reason()),
        }
        match stream.read(&mut buf).await {
            Ok(0) => return Err("closed"),
            Ok(n) => decoder.feed(&buf[..n]),
            Err(_) => return Err("read_failed"),
        }
    }
}

/// Checks `<auth>` credentials like `POST /api/v1/auth/login` does (Argon2id against the
/// directory, an unknown name as slow to refuse as a wrong password, disabled users refused);
/// a refusal is logged as `LoginFailed` and answered with the reason to close with.
async fn sign_in(
    hub: &Hub,
    settings: &Settings,
    auth: &cot::Auth,
    peer: SocketAddr,
) -> Result<(String, AgencyId), &'static str> {
    let username = auth.username.trim().to_owned();
    if username.is_empty() || username.len() > 128 || auth.password.len() > 1024 {
        return Err(hub.login_failed(&username, peer, "auth_failed", "bad_credentials").await);
    }
    // The same throttle as the web sign-in: too many failures for this name or address, and
    // the password is not even checked.
    let throttle = hub.sign_ins();
    if throttle.check(&username, Some(peer.ip()), Instant::now()).is_err() {
        return Err(hub.login_failed(&username, peer, "auth_failed", "rate_limited").await);
    }
    let Ok(_permit) = settings.sign_ins.acquire().await else { return Err("auth_failed") };
    let user = hub.user(&username);
    let hash = user.as_ref().map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let password = auth.password.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    match user {
        Some(user) if matches && !user.disabled => {
            throttle.succeeded(&username);
            Ok((username, user.agency))
        }
        other => {
            let why = match other {
                None => "unknown_user",
                Some(u) if u.disabled => "disabled",
                Some(_) => "wrong_password",
            };
            throttle.failed(&username, Some(peer.ip()), Instant::now());
            Err(hub.login_failed(&username, peer, "auth_failed", why).await)
        }
    }
}

/// A PHC hash to verify against when the user does not exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// Runs one connection to its end and counts why it ended.
async fn serve<S>(
    stream: S,
    decoder: StreamDecoder,
    mut who: Identity,
    hub: Hub,
    settings: Arc<Settings>,
) where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (reader, writer) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel(settings.queue);
    let kick = Arc::new(Notify::new());
    let marking = settings.marking.clone();
    let id =
        hub.join(who.agency.clone(), marking.clone(), who.user.clone(), tx.clone(), kick.clone());
    let mut writing = tokio::spawn(write(writer, rx, hub.clone(), settings.write_delay));
    let mut origin = Origin { id, agency: who.agency.clone(), marking, user: who.user.take() };
    let reason = tokio::select! {
        reason = read(reader, decoder, &mut origin, who.peer, &hub, &settings, tx) => {
            reason.unwrap_or_else(|r| r)
        }
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
    mut decoder: StreamDecoder,
    origin: &mut Origin,
    mut may_sign_in: Option<SocketAddr>,
    hub: &Hub,
    settings: &Settings,
    tx: mpsc::Sender<Outgoing>,
) -> Result<&'static str, &'static str> {
    let mut buf = vec![0u8; READ_BUFFER];
    let mut protobuf = false;
    // Frames already decoded (a signed-in client's first bytes) come before the next read.
    let mut n = 0;
    loop {
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
                hub.metrics().tak.received("control");
                // A plain client may sign in once; over TLS (or signed in) `<auth>` is
                // ignored: the certificate or the first sign-in already said who it is.
                if let (Frame::Auth(auth), Some(peer)) = (&frame, may_sign_in.take()) {
                    let (user, agency) = sign_in(hub, settings, auth, peer).await?;
                    hub.sign_in(origin.id, user.clone(), agency.clone());
                    origin.agency = agency;
                    origin.user = Some(user);
                }
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
                    send_own(&tx, Outgoing::Own(Box::new(cot::control::pong(hub.now()))))?;
                }
                // pytak's "takPing" (a delete naming nobody), offers, answers, pongs.
                Some(_) => hub.metrics().tak.received("control"),
            }
        }
        n = match reader.read(&mut buf).await {
            Ok(0) => return Ok(if decoder.finish().is_ok() { "closed" } else { "truncated" }),
            Ok(n) => n,
            Err(_) => return Ok("read_failed"),
        };
    }
}

fn send_own(tx: &mpsc::Sender<Outgoing>, out: Outgoing) -> Result<(), &'static str> {
    tx.try_send(out).map_err(|_| "slow_client")
}

/// Writes what is queued, everything waiting in one buffer and one write, until the queue
/// closes or the socket fails. A client that was written to less than `delay` ago waits for
/// the rest of it first: an idle client hears an event at once, a busy one gets at most one
/// write per `delay` however many events it hears. With a thousand clients each hearing a
/// thousand SAs a second, the writes' system calls cost more than everything else together.
async fn write<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut rx: mpsc::Receiver<Outgoing>,
    hub: Hub,
    delay: Duration,
) {
    let mut negotiation = Negotiation::default();
    let mut buf = Vec::new();
    if let Some(offer) = negotiation.offer(SERVER_UID, hub.now())
        && let Ok(bytes) = negotiation.encode(&offer)
    {
        buf.extend_from_slice(&bytes);
    }
    let mut batch = Vec::with_capacity(64);
    let mut last_write: Option<tokio::time::Instant> = None;
    loop {
        if !buf.is_empty() {
            if writer.write_all(&buf).await.is_err() || writer.flush().await.is_err() {
                return;
            }
            last_write = Some(tokio::time::Instant::now());
        }
        buf.clear();
        if rx.recv_many(&mut batch, WRITE_BATCH).await == 0 {
            return;
        }
        if let Some(next) = last_write.map(|at| at + delay)
            && next > tokio::time::Instant::now()
        {
            tokio::time::sleep_until(next).await;
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
                    negotiation.answer(version, SERVER_UID, hub.now()).map_err(|_| ())
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
