//! The TAK server: Cursor-on-Target over streaming TCP (8087), TLS with client certificates
//! (8089) and UDP (6969), both ways, routed like a TAK server and decided by the access policy.
//!
//! ```text
//!  client ──bytes──▶ conn (StreamDecoder, one per connection) ──▶ Hub::receive
//!                         ▲ pong, negotiation answers                 │ atoms → observations
//!                         │ (to the sender only)                      │   → forwarder → log
//!  client ◀──bytes── writer ◀── [bounded queue per client] ◀── route ─┘ (policy per agency)
//! ```
//!
//! Every connection belongs to an agency: a TLS client's certificate names a Tansiq user (its
//! subject CN) and thus an agency; a plain TCP client that signs in with
//! `<auth><cot username password/></auth>` (checked like the web sign-in, refusals logged as
//! `LoginFailed` and closed as `auth_failed`) is that user's; any other plain TCP or UDP client
//! belongs to the agency configured on the listener — unless `require_auth` refuses it
//! (`auth_required`). What a client says is the agency's data, so [`Hub`] asks
//! `access::can_see` for each receiving agency, and `access::tak_groups_meet` for the TAK
//! groups (configured per user, else the client's own `__group`), before queueing it. A client
//! whose queue is full is disconnected (counted as `slow_client`); the others never wait for
//! it. A GeoChat message or marker naming an incident (`cot::incident_note`: the chat room,
//! a `<link uid>` or a `#id` in the remarks) becomes a note on that incident's timeline if the
//! sender's agency may see it. The codec is the `cot` crate; this module owns sockets, TLS,
//! clocks and routing.

mod conn;
mod hub;
mod tasking;
mod tls;
mod udp;

pub use hub::{Hub, TaskError, task_events};

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use model::{AgencyId, Marking};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::centre::Centre;

/// The `[tak]` table.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakConfig {
    /// Streaming CoT over plain TCP.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The agency that plain TCP and UDP clients belong to (they present no identity).
    pub agency: AgencyId,
    /// The marking given to what TAK clients say.
    #[serde(default)]
    pub marking: Marking,
    /// Streaming CoT over TLS with client certificates (8089); needs `cert`, `key`, `client_ca`.
    #[serde(default)]
    pub tls_listen: Option<SocketAddr>,
    /// The server's certificate chain (PEM).
    #[serde(default)]
    pub cert: Option<PathBuf>,
    /// The server's private key (PEM).
    #[serde(default)]
    pub key: Option<PathBuf>,
    /// The CA (PEM) that client certificates must chain to.
    #[serde(default)]
    pub client_ca: Option<PathBuf>,
    /// CoT datagrams (XML or TAK protocol mesh frames), input only. A datagram cannot sign
    /// in: it belongs to `agency`, and a config with `require_auth` refuses this.
    #[serde(default)]
    pub udp_listen: Option<SocketAddr>,
    /// Events queued for one client before it counts as too slow and is disconnected.
    #[serde(default = "default_client_queue")]
    pub client_queue: usize,
    /// The largest event or frame a client may send.
    #[serde(default = "default_max_event_bytes")]
    pub max_event_bytes: usize,
    /// Refuse plain TCP clients that do not sign in with `<auth><cot username password/>`
    /// as their first message (TLS clients are known by their certificate). Cannot be set
    /// together with `udp_listen` (the config is refused).
    #[serde(default)]
    pub require_auth: bool,
    /// TAK groups per Tansiq user, e.g. `alice = ["Cyan", "Ops"]`. A signed-in client of a
    /// user listed here is in exactly these groups; any other client is in the group its own
    /// SA names (`__group name`), or in `__ANON__` if none. SA, chat and markers reach only
    /// clients sharing a group, on top of the agency rule.
    #[serde(default)]
    pub groups: BTreeMap<String, BTreeSet<String>>,
    /// The least time between two writes to one client, in ms: events that arrive meanwhile
    /// go out together in one write. An idle client hears an event at once.
    #[serde(default = "default_write_delay_ms")]
    pub write_delay_ms: u64,
}

pub fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8087))
}

pub fn default_tls_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8089))
}

fn default_client_queue() -> usize {
    4_096
}

fn default_write_delay_ms() -> u64 {
    20
}

fn default_max_event_bytes() -> usize {
    cot::DEFAULT_MAX_EVENT_BYTES
}

impl TakConfig {
    /// Plain TCP on the default port, for clients of `agency`.
    pub fn plain(agency: &str) -> TakConfig {
        TakConfig {
            listen: default_listen(),
            agency: AgencyId::new(agency),
            marking: Marking::default(),
            tls_listen: None,
            cert: None,
            key: None,
            client_ca: None,
            udp_listen: None,
            client_queue: default_client_queue(),
            max_event_bytes: default_max_event_bytes(),
            require_auth: false,
            groups: BTreeMap::new(),
            write_delay_ms: default_write_delay_ms(),
        }
    }

    pub(crate) fn limits(&self) -> cot::Limits {
        cot::Limits { max_event_bytes: self.max_event_bytes.max(1024) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TakError {
    #[error("tak: cannot listen on {addr} ({what}): {message}")]
    Bind { addr: SocketAddr, what: &'static str, message: String },
    #[error("tak: tls_listen needs `{0}`")]
    Missing(&'static str),
    #[error("tak: cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("tak: invalid tls setup: {0}")]
    Tls(String),
}

/// A started TAK server: where it listens, its hub, and its tasks.
#[derive(Debug)]
pub struct RunningTak {
    pub tcp_addr: SocketAddr,
    pub tls_addr: Option<SocketAddr>,
    pub udp_addr: Option<SocketAddr>,
    pub hub: Hub,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningTak {
    /// Stops listening and disconnects every client.
    pub fn stop(&self) {
        for task in &self.tasks {
            task.abort();
        }
        self.hub.disconnect_all();
    }
}

/// Which listener a connection came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listener {
    Tcp,
    Tls,
}

impl Listener {
    fn label(self) -> &'static str {
        match self {
            Listener::Tcp => "tcp",
            Listener::Tls => "tls",
        }
    }
}

async fn bind(addr: SocketAddr, what: &'static str) -> Result<TcpListener, TakError> {
    TcpListener::bind(addr).await.map_err(|e| TakError::Bind { addr, what, message: e.to_string() })
}

fn resolve(
    base_dir: &Path,
    path: &Option<PathBuf>,
    key: &'static str,
) -> Result<PathBuf, TakError> {
    let path = path.as_ref().ok_or(TakError::Missing(key))?;
    Ok(if path.is_absolute() { path.clone() } else { base_dir.join(path) })
}

/// Starts the listeners. Must be called inside a tokio runtime. Relative certificate paths are
/// read from `base_dir` (the config file's folder).
pub async fn start(
    config: &TakConfig,
    centre: Centre,
    base_dir: &Path,
    limits: model::ValidationLimits,
) -> Result<RunningTak, TakError> {
    let tls = match config.tls_listen {
        Some(addr) => {
            let cert = resolve(base_dir, &config.cert, "cert")?;
            let key = resolve(base_dir, &config.key, "key")?;
            let ca = resolve(base_dir, &config.client_ca, "client_ca")?;
            Some((addr, tls::acceptor(&cert, &key, &ca)?))
        }
        None => None,
    };
    let tcp = bind(config.listen, "tcp").await?;
    let tcp_addr = tcp.local_addr().map_err(|e| TakError::Bind {
        addr: config.listen,
        what: "tcp",
        message: e.to_string(),
    })?;
    let (hub, mut tasks) = Hub::start(centre.clone(), limits, config.groups.clone());
    let shared = Arc::new(conn::Settings {
        limits: config.limits(),
        queue: config.client_queue.max(1),
        agency: config.agency.clone(),
        marking: config.marking.clone(),
        require_auth: config.require_auth,
        sign_ins: Arc::new(tokio::sync::Semaphore::new(conn::SIGN_INS)),
        write_delay: std::time::Duration::from_millis(config.write_delay_ms.min(1_000)),
    });
    tasks.push(tokio::spawn(tasking::run(hub.clone(), centre.clone())));
    tasks.push(tokio::spawn(conn::accept_tcp(tcp, hub.clone(), shared.clone())));
    tracing::info!(%tcp_addr, "tak tcp listening");
    let mut tls_addr = None;
    if let Some((addr, acceptor)) = tls {
        let listener = bind(addr, "tls").await?;
        let local = listener.local_addr().map_err(|e| TakError::Bind {
            addr,
            what: "tls",
            message: e.to_string(),
        })?;
        tls_addr = Some(local);
        tasks.push(tokio::spawn(conn::accept_tls(listener, acceptor, hub.clone(), shared.clone())));
        tracing::info!(%local, "tak tls listening");
    }
    let mut udp_addr = None;
    if let Some(addr) = config.udp_listen {
        let socket = tokio::net::UdpSocket::bind(addr).await.map_err(|e| TakError::Bind {
            addr,
            what: "udp",
            message: e.to_string(),
        })?;
        let local = socket.local_addr().map_err(|e| TakError::Bind {
            addr,
            what: "udp",
            message: e.to_string(),
        })?;
        udp_addr = Some(local);
        tasks.push(tokio::spawn(udp::receive(socket, hub.clone(), shared)));
        tracing::info!(%local, "tak udp listening");
    }
    Ok(RunningTak { tcp_addr, tls_addr, udp_addr, hub, tasks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_unknown_keys_and_has_defaults() {
        let config: TakConfig = toml::from_str("agency = \"CGW\"\n").expect("minimal");
        assert_eq!(config.listen, default_listen());
        assert_eq!(config.client_queue, default_client_queue());
        let err = toml::from_str::<TakConfig>("agency = \"CGW\"\nlistn = \"1.2.3.4:1\"\n")
            .expect_err("typo");
        assert!(err.to_string().contains("listn"), "{err}");
        assert_eq!(TakConfig::plain("CGW"), config);
        let config: TakConfig = toml::from_str(
            "agency = \"CGW\"\nrequire_auth = true\n[groups]\nalice = [\"Cyan\", \"Ops\"]\n",
        )
        .expect("auth and groups");
        assert!(config.require_auth);
        assert_eq!(config.groups["alice"].len(), 2);
    }
}
