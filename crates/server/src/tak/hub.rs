//! The hub: who is connected, the latest SA of every contact, and routing decided by the
//! access policy.
//!
//! Routing runs under one short lock: for each other client, is the event addressed to it
//! (`marti/dest`), and may its agency see the sender's agency's data? The policy decision is
//! made once per receiving agency per event, not once per client, and the encoded bytes once
//! per encoding, so a thousand clients cost a thousand `try_send`s. A full queue never blocks
//! the sender: the slow client is told to go (`slow_client`) and the others keep flowing.
//!
//! The hub's work is split by concern: `route` (audiences, the policy decision, routing and
//! the replay of the latest SA), `clients` (connections joining, signing in and leaving),
//! `notes` (GeoChat and markers that become incident notes) and `tasks` (tasks out to a
//! unit's client).

mod clients;
mod notes;
mod route;
mod tasks;

pub use tasks::{TaskError, task_events};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use cot::control::Encoding;
use model::{AgencyId, Agreement, Marking, SourceKind, Time};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use crate::centre::Centre;
use crate::metrics::Metrics;
use crate::sources::{Shutdown, SourceContext};
use route::{Audiences, is_atom};

/// The source id of everything TAK clients say, in the log and the metrics.
const SOURCE: &str = "tak";
/// Incident notes that may wait for the log.
const NOTE_QUEUE: usize = 1_024;
/// How often agreements are re-read and stale contacts forgotten.
const SWEEP: Duration = Duration::from_secs(1);
/// The server's own uid in the events it writes.
pub(crate) const SERVER_UID: &str = "tansiq";

/// An event encoded at most once per encoding, however many clients receive it.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub event: cot::Event,
    xml: OnceLock<Vec<u8>>,
    proto: OnceLock<Option<Vec<u8>>>,
}

impl Prepared {
    fn new(event: cot::Event) -> Arc<Prepared> {
        Arc::new(Prepared { event, xml: OnceLock::new(), proto: OnceLock::new() })
    }

    /// The bytes to write; `None` if the event has no protobuf form.
    pub fn bytes(&self, encoding: Encoding) -> Option<&[u8]> {
        match encoding {
            Encoding::Xml => Some(self.xml.get_or_init(|| self.event.to_xml().into_bytes())),
            Encoding::Protobuf => self
                .proto
                .get_or_init(|| {
                    let message = self.event.to_tak_message().ok()?;
                    Some(cot::frame::encode_stream_frame(&message))
                })
                .as_deref(),
        }
    }
}

/// What a connection's writer is asked to do, in order.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// Another client's event (or the server's), shared between receivers.
    Shared(Arc<Prepared>),
    /// An event for this client only (a pong, a task).
    Own(Box<cot::Event>),
    /// Answer a version request, then switch if accepted.
    Answer(u32),
    /// The client sent a protobuf frame: answer in kind from now on.
    ProtobufSeen,
}

/// Who said something: a connection (or the UDP listener, id 0) and its agency.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub id: u64,
    pub agency: AgencyId,
    pub marking: Marking,
    /// The Tansiq user it signed in as, if it did.
    pub user: Option<String>,
}

#[derive(Debug)]
struct Client {
    agency: AgencyId,
    marking: Marking,
    /// The Tansiq user the client signed in as (certificate or `<auth>`), if any.
    user: Option<String>,
    /// Its TAK groups: the user's from the config, else the `__group` its SA names.
    groups: BTreeSet<String>,
    /// True when the groups come from the config and the client cannot change them.
    fixed_groups: bool,
    /// Its (agency, groups) as a number ([`Audiences`]): routing decides once per audience
    /// per event, not once per client.
    audience: u32,
    uid: Option<String>,
    callsign: Option<String>,
    last_type: Option<String>,
    tx: mpsc::Sender<Outgoing>,
    kick: Arc<Notify>,
}

#[derive(Debug)]
struct Latest {
    prepared: Arc<Prepared>,
    owner: AgencyId,
    marking: Marking,
    groups: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct State {
    audiences: Audiences,
    clients: HashMap<u64, Client>,
    /// The latest SA of every contact, by uid, until it goes stale.
    latest: HashMap<String, Latest>,
    agreements: Vec<Agreement>,
    /// Notes already made, so that a marker sent again adds nothing new.
    noted: HashSet<String>,
}

/// The TAK server's shared state. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Hub {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    centre: Centre,
    /// The intake of atoms into the log, like any source's, and the handle that stops it.
    intake: SourceContext,
    intake_stop: Shutdown,
    notes: mpsc::Sender<model::Event>,
    limits: model::ValidationLimits,
    next_id: AtomicU64,
    cot_kinds: Vec<SourceKind>,
    /// TAK groups per user (`[tak.groups]`).
    user_groups: BTreeMap<String, BTreeSet<String>>,
}

impl Hub {
    /// The hub, its forwarder into the log and its sweeper.
    pub(crate) fn start(
        centre: Centre,
        limits: model::ValidationLimits,
        user_groups: BTreeMap<String, BTreeSet<String>>,
    ) -> (Hub, Vec<JoinHandle<()>>) {
        let (intake, shutdown, forwarder) = SourceContext::open(SOURCE, &centre, limits);
        let (notes, mut noted) = mpsc::channel::<model::Event>(NOTE_QUEUE);
        let hub = Hub {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                centre: centre.clone(),
                intake,
                intake_stop: shutdown,
                notes,
                limits,
                next_id: AtomicU64::new(1),
                cot_kinds: vec![SourceKind::Cot],
                user_groups,
            }),
        };
        hub.refresh();
        let notes = tokio::spawn(async move {
            while let Some(event) = noted.recv().await {
                if let Err(error) = centre.append(vec![event]).await {
                    tracing::warn!(%error, "tak incident note not logged");
                }
            }
        });
        let sweeper = tokio::spawn({
            let hub = hub.clone();
            async move {
                let mut tick = tokio::time::interval(SWEEP);
                loop {
                    tick.tick().await;
                    hub.refresh();
                }
            }
        });
        (hub, vec![forwarder, notes, sweeper])
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        self.inner.centre.metrics()
    }

    /// The time now, by the centre's clock.
    pub(crate) fn now(&self) -> Time {
        self.inner.centre.now()
    }

    /// Re-reads the agreements and forgets stale contacts.
    fn refresh(&self) {
        let agreements: Vec<Agreement> =
            self.inner.centre.read(|e| e.directory().agreements().cloned().collect());
        let now = self.now();
        let mut state = self.lock();
        state.agreements = agreements;
        state.latest.retain(|_, latest| latest.prepared.event.stale > now);
    }

    /// The agency of an enabled user (a TLS client's certificate names one).
    pub(crate) fn user_agency(&self, username: &str) -> Option<AgencyId> {
        self.inner.centre.read(|engine| {
            let user = engine.directory().user(username)?;
            (!user.disabled).then(|| user.agency.clone())
        })
    }

    /// A user of the directory, for a password check.
    pub(crate) fn user(&self, username: &str) -> Option<model::UserRecord> {
        self.inner.centre.read(|engine| engine.directory().user(username).cloned())
    }

    /// Logs a refused TAK sign-in like a refused web sign-in (`LoginFailed`, the audit sees
    /// it) and returns the reason the connection closes with.
    /// The centre's sign-in throttle (shared with the web sign-in).
    pub(crate) fn sign_ins(&self) -> &Arc<crate::auth::RateLimiter> {
        self.inner.centre.sign_ins()
    }

    pub(crate) async fn login_failed(
        &self,
        username: &str,
        peer: std::net::SocketAddr,
        close: &'static str,
        why: &str,
    ) -> &'static str {
        tracing::info!(username, %peer, why, "tak sign-in refused");
        let event = model::Event {
            time: self.now(),
            kind: model::EventKind::LoginFailed {
                username: username.to_owned(),
                address: format!("tak:{}", peer.ip()),
                reason: why.to_owned(),
            },
        };
        if let Err(error) = self.inner.centre.append(vec![event]).await {
            tracing::warn!(%error, "tak sign-in refusal not logged");
        }
        close
    }

    /// Something a client said that is neither a ping nor a negotiation: into the picture if
    /// it is an atom, then to every client that may see it.
    pub(crate) fn receive(&self, origin: &Origin, event: cot::Event) {
        let now = self.now();
        let metrics = &self.metrics().tak;
        if is_atom(&event) {
            metrics.received("sa");
            self.observe(origin, &event, now);
        } else if event.cot_type == "b-t-f" {
            metrics.received("chat");
        } else {
            metrics.received("other");
        }
        if let Some(note) = cot::incident_note(&event) {
            self.note(origin, &event, &note, now);
        }
        self.route(origin, event, now);
    }

    fn observe(&self, origin: &Origin, event: &cot::Event, now: Time) {
        let from = cot::SourceInfo {
            source: SOURCE.to_owned(),
            agency: origin.agency.clone(),
            marking: origin.marking.clone(),
            exercise: false,
        };
        let intake = &self.inner.intake;
        match edge::cot::observe(event, &from, now, self.inner.limits) {
            Ok(Some(observation)) => intake.offer(now, observation),
            Ok(None) => {}
            Err(error) => intake.reject(error.reason()),
        }
    }

    /// Connected clients now.
    pub fn client_count(&self) -> usize {
        self.lock().clients.len()
    }
}
