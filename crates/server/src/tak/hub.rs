//! The hub: who is connected, the latest SA of every contact, and routing decided by the
//! access policy.
//!
//! Routing runs under one short lock: for each other client, is the event addressed to it
//! (`marti/dest`), and may its agency see the sender's agency's data? The policy decision is
//! made once per receiving agency per event, not once per client, and the encoded bytes once
//! per encoding, so a thousand clients cost a thousand `try_send`s. A full queue never blocks
//! the sender: the slow client is told to go (`slow_client`) and the others keep flowing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use access::{Subject, SubjectKind, Viewer};
use cot::control::Encoding;
use cot::{CotType, Dest};
use model::{AgencyId, Agreement, Marking, SourceKind, Time};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use crate::centre::Centre;
use crate::metrics::Metrics;
use crate::sources::SourceContext;
use crate::visibility;

/// The source id of everything TAK clients say, in the log and the metrics.
const SOURCE: &str = "tak";
/// Incident notes that may wait for the log.
const NOTE_QUEUE: usize = 1_024;
/// Notes remembered against repeats before the memory starts over.
const NOTED_MAX: usize = 65_536;
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

/// The distinct (agency, TAK groups) pairs of connected clients, numbered. Clients that share
/// both hear exactly the same things, so a decision made for one holds for all of them.
#[derive(Debug, Default)]
struct Audiences {
    ids: HashMap<(AgencyId, BTreeSet<String>), u32>,
    list: Vec<(AgencyId, BTreeSet<String>)>,
}

/// Group names are what clients say: past this many pairs the numbering starts over.
const AUDIENCES_MAX: usize = 4_096;

impl State {
    /// Starts the numbering over when it has grown past [`AUDIENCES_MAX`].
    fn renumber(&mut self) {
        if self.audiences.list.len() < AUDIENCES_MAX {
            return;
        }
        self.audiences = Audiences::default();
        for client in self.clients.values_mut() {
            client.audience = self.audiences.id(&client.agency, &client.groups);
        }
    }
}

impl Audiences {
    fn id(&mut self, agency: &AgencyId, groups: &BTreeSet<String>) -> u32 {
        if let Some(id) = self.ids.get(&(agency.clone(), groups.clone())) {
            return *id;
        }
        let id = self.list.len() as u32;
        self.list.push((agency.clone(), groups.clone()));
        self.ids.insert((agency.clone(), groups.clone()), id);
        id
    }
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
    /// The intake of atoms into the log, like any source's.
    intake: SourceContext,
    notes: mpsc::Sender<model::Event>,
    limits: model::ValidationLimits,
    next_id: AtomicU64,
    cot_kinds: Vec<SourceKind>,
    /// TAK groups per user (`[tak.groups]`).
    user_groups: BTreeMap<String, BTreeSet<String>>,
}

/// Why a task could not be sent to a unit's TAK client.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("unit {0} has no connected tak client")]
    NotConnected(String),
    #[error("the tak client of unit {0} is not keeping up; task not queued")]
    QueueFull(String),
}

/// May clients of `viewer` see what a client of `owner` said? One decision per agency.
fn decide(
    agreements: &[Agreement],
    viewer: &AgencyId,
    owner: &AgencyId,
    marking: &Marking,
    event: &cot::Event,
    cot_kinds: &[SourceKind],
    now: Time,
) -> bool {
    // A friendly atom, a chat or any other message is the unit's own data; an atom of another
    // affiliation is a contact the unit reports, a track like any sensor's.
    let cot_type = CotType::parse(&event.cot_type);
    let kind = match cot_type.atom() {
        Some(atom) if !atom.affiliation.is_friendly() => SubjectKind::Track {
            kind: atom.kind(),
            source_kinds: cot_kinds.iter().copied().collect(),
        },
        _ => SubjectKind::Unit,
    };
    let position = Some((event.point.lon, event.point.lat));
    let subject = Subject { owner, marking, kind, position };
    let viewer = Viewer { user: String::new(), agency: viewer.clone(), roles: BTreeSet::new() };
    access::can_see(&viewer, &subject, agreements, now).allowed
}

fn addressed(dest: &Dest, client: &Client) -> bool {
    let matches = |want: &Option<String>, have: &Option<String>| {
        want.as_ref().is_some_and(|w| have.as_ref() == Some(w))
    };
    matches(&dest.uid, &client.uid) || matches(&dest.callsign, &client.callsign)
}

fn is_atom(event: &cot::Event) -> bool {
    event.cot_type.starts_with("a-")
}

impl Hub {
    /// The hub, its forwarder into the log and its sweeper.
    pub(crate) fn start(
        centre: Centre,
        limits: model::ValidationLimits,
        user_groups: BTreeMap<String, BTreeSet<String>>,
    ) -> (Hub, Vec<JoinHandle<()>>) {
        let (intake, forwarder) = SourceContext::open(SOURCE, &centre, limits);
        let (notes, mut noted) = mpsc::channel::<model::Event>(NOTE_QUEUE);
        let hub = Hub {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                centre: centre.clone(),
                intake,
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

    /// Registers a connection (of `user`, if it signed in) and queues the latest SA of every
    /// contact it may see.
    pub(crate) fn join(
        &self,
        agency: AgencyId,
        marking: Marking,
        user: Option<String>,
        tx: mpsc::Sender<Outgoing>,
        kick: Arc<Notify>,
    ) -> u64 {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let fixed = user.as_ref().and_then(|u| self.inner.user_groups.get(u));
        let groups = fixed.cloned().unwrap_or_default();
        let state = &mut *self.lock();
        let audience = state.audiences.id(&agency, &groups);
        let client = Client {
            agency,
            marking,
            user,
            groups,
            fixed_groups: fixed.is_some(),
            audience,
            uid: None,
            callsign: None,
            last_type: None,
            tx,
            kick,
        };
        self.replay(state, &client);
        state.clients.insert(id, client);
        self.metrics().tak.clients.inc();
        id
    }

    /// A plain TCP client signed in with `<auth>` after it joined: it now speaks for `user`
    /// of `agency`, in the user's configured groups, and hears what that identity may.
    pub(crate) fn sign_in(&self, id: u64, user: String, agency: AgencyId) {
        let fixed = self.inner.user_groups.get(&user).cloned();
        let state = &mut *self.lock();
        let Some(mut client) = state.clients.remove(&id) else { return };
        client.agency = agency;
        if let Some(groups) = fixed {
            client.groups = groups;
            client.fixed_groups = true;
        }
        client.user = Some(user);
        state.renumber();
        client.audience = state.audiences.id(&client.agency, &client.groups);
        self.replay(state, &client);
        state.clients.insert(id, client);
    }

    /// Queues to `client` the latest SA of every contact it may see.
    fn replay(&self, state: &State, client: &Client) {
        let now = self.now();
        let mut replayed = 0;
        for latest in state.latest.values() {
            let event = &latest.prepared.event;
            if event.stale <= now
                || !access::tak_groups_meet(&latest.groups, &client.groups)
                || !decide(
                    &state.agreements,
                    &client.agency,
                    &latest.owner,
                    &latest.marking,
                    event,
                    &self.inner.cot_kinds,
                    now,
                )
            {
                continue;
            }
            if client.tx.try_send(Outgoing::Shared(latest.prepared.clone())).is_err() {
                client.kick.notify_one();
                break;
            }
            replayed += 1;
        }
        self.metrics().tak.sent.inc_by(replayed);
    }

    /// Forgets a connection and tells the others its contact is gone (`t-x-d-d`).
    pub(crate) fn leave(&self, id: u64) {
        let known = self.lock().clients.get(&id).map(|c| {
            let origin = Origin {
                id,
                agency: c.agency.clone(),
                marking: c.marking.clone(),
                user: c.user.clone(),
            };
            (c.uid.clone(), c.last_type.clone(), origin)
        });
        let Some((uid, last_type, origin)) = known else { return };
        if let (Some(uid), Some(last_type)) = (uid, last_type) {
            self.lock().latest.remove(&uid);
            // Routed while the leaver is still listed, so the notice reaches its groups.
            let now = self.now();
            let notice = cot::control::disconnect(&uid, &last_type, SERVER_UID, now);
            self.route(&origin, notice, now);
        }
        if self.lock().clients.remove(&id).is_some() {
            self.metrics().tak.clients.dec();
        }
    }

    /// Tells every client to go (the server is stopping).
    pub(crate) fn disconnect_all(&self) {
        for client in self.lock().clients.values() {
            client.kick.notify_one();
        }
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

    /// A chat or marker naming incidents becomes a note on each that exists, is open, and
    /// that the sender's agency may see (the same policy as the incident routes).
    fn note(&self, origin: &Origin, event: &cot::Event, note: &cot::IncidentNote, now: Time) {
        // Who said it: the signed-in user, else the client's call sign (its SA's, a chat's
        // sender), else the event's uid.
        let known = self.lock().clients.get(&origin.id).and_then(|c| c.callsign.clone());
        let name = known
            .or_else(|| event.detail.as_ref()?.chat()?.attrs.sender_callsign.clone())
            .or_else(|| event.callsign().map(str::to_owned))
            .unwrap_or_else(|| event.uid.clone());
        let actor = model::incident::Actor {
            user: origin.user.clone().unwrap_or_else(|| format!("tak:{name}")),
            agency: origin.agency.clone(),
        };
        let viewer = Viewer {
            user: actor.user.clone(),
            agency: origin.agency.clone(),
            roles: BTreeSet::new(),
        };
        let source = format!("tak:{}", event.uid);
        let position = note.position.map(|(lat, lon)| model::Position {
            lon,
            lat,
            alt_m: None,
            accuracy_m: None,
        });
        let decided: Vec<model::incident::IncidentEvent> = self.inner.centre.read(|engine| {
            let agreements = visibility::agreements(engine);
            let incidents = engine.incidents();
            note.incidents
                .iter()
                .filter(|id| {
                    incidents
                        .get(id)
                        .is_some_and(|r| visibility::incident(&viewer, &agreements, r, now))
                })
                .filter_map(|id| {
                    ::engine::incident::decide_note(
                        incidents, id, &actor, &note.text, &source, position,
                    )
                    .ok()
                })
                .flatten()
                .collect()
        });
        for decided in decided {
            let model::incident::IncidentEvent::NoteAdded { id, .. } = &decided else { continue };
            let key = format!("{id}\u{0}{source}\u{0}{}", note.text);
            {
                let mut state = self.lock();
                if state.noted.len() >= NOTED_MAX {
                    state.noted.clear();
                }
                if !state.noted.insert(key) {
                    continue;
                }
            }
            let event = model::Event { time: now, kind: model::EventKind::Incident(decided) };
            if self.inner.notes.try_send(event).is_err() {
                self.metrics().full("tak:notes");
            } else {
                self.metrics().tak.received("note");
            }
        }
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

    /// Queues `event` to every other client addressed and allowed to see it.
    fn route(&self, origin: &Origin, event: cot::Event, now: Time) {
        let prepared = Prepared::new(event);
        let event = &prepared.event;
        let no_dests = Vec::new();
        let dests = event.detail.as_ref().and_then(|d| d.marti()).map_or(&no_dests, |m| &m.dests);
        let announced: Option<BTreeSet<String>> = event
            .detail
            .as_ref()
            .and_then(|d| d.group())
            .and_then(|g| g.name.clone())
            .map(|name| BTreeSet::from([name]));
        let mut guard = self.lock();
        guard.renumber();
        let State { clients, latest, agreements, audiences, .. } = &mut *guard;
        // What the sender says now, the agency and groups it says it as.
        let mut regrouped = false;
        let (agency, marking, groups) = match clients.get_mut(&origin.id) {
            Some(sender) => {
                // The first atom with a call sign is the client's own SA: it names the client,
                // and its `__group` is the client's group unless the config fixed them.
                let own =
                    sender.uid.as_deref().map_or(event.callsign().is_some(), |u| u == event.uid);
                if is_atom(event) && own {
                    sender.uid = Some(event.uid.clone());
                    sender.callsign =
                        event.callsign().map(str::to_owned).or(sender.callsign.take());
                    sender.last_type = Some(event.cot_type.clone());
                    if let Some(groups) =
                        announced.filter(|g| !sender.fixed_groups && *g != sender.groups)
                    {
                        sender.audience = audiences.id(&sender.agency, &groups);
                        sender.groups = groups;
                        regrouped = true;
                    }
                }
                (sender.agency.clone(), sender.marking.clone(), sender.groups.clone())
            }
            // A datagram or a client already gone: its own word on its group.
            None => (origin.agency.clone(), origin.marking.clone(), announced.unwrap_or_default()),
        };
        if is_atom(event) && event.stale > now {
            let entry = Latest {
                prepared: prepared.clone(),
                owner: agency.clone(),
                marking: marking.clone(),
                groups: groups.clone(),
            };
            latest.insert(event.uid.clone(), entry);
        }
        if let Some(cot::control::Control::Delete { uid: Some(gone) }) =
            cot::control::classify(event)
        {
            latest.remove(&gone);
        }
        // One decision per audience per event: may that agency see it, and do the groups meet.
        let mut decisions: Vec<Option<bool>> = vec![None; audiences.list.len()];
        let mut sent = 0;
        for (id, client) in clients.iter() {
            if *id == origin.id || !(dests.is_empty() || dests.iter().any(|d| addressed(d, client)))
            {
                continue;
            }
            let slot = &mut decisions[client.audience as usize];
            let allowed = *slot.get_or_insert_with(|| {
                access::tak_groups_meet(&groups, &client.groups)
                    && decide(
                        agreements,
                        &client.agency,
                        &agency,
                        &marking,
                        event,
                        &self.inner.cot_kinds,
                        now,
                    )
            });
            if !allowed {
                continue;
            }
            match client.tx.try_send(Outgoing::Shared(prepared.clone())) {
                Ok(()) => sent += 1,
                Err(mpsc::error::TrySendError::Full(_)) => client.kick.notify_one(),
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        self.metrics().tak.sent.inc_by(sent);
        // A client that has just named its group hears the contacts of that group, as a
        // newcomer hears its agency's on connecting.
        if regrouped && let Some(sender) = guard.clients.get(&origin.id) {
            self.replay(&guard, sender);
        }
    }

    /// Sends `events` (see [`task_events`]) to the connected client of a unit, found by its
    /// CoT uid or call sign. Returns how many were queued.
    pub fn send_task(&self, unit: &str, events: Vec<cot::Event>) -> Result<usize, TaskError> {
        let state = self.lock();
        let wanted = Some(unit);
        let client = state
            .clients
            .values()
            .find(|c| c.uid.as_deref() == wanted || c.callsign.as_deref() == wanted)
            .ok_or_else(|| TaskError::NotConnected(unit.to_owned()))?;
        let n = events.len();
        for event in events {
            client
                .tx
                .try_send(Outgoing::Own(Box::new(event)))
                .map_err(|_| TaskError::QueueFull(unit.to_owned()))?;
        }
        self.metrics().tak.sent.inc_by(n as u64);
        Ok(n)
    }

    /// Connected clients now.
    pub fn client_count(&self) -> usize {
        self.lock().clients.len()
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A task for a unit as TAK clients show it: a marker at `(lat, lon)` with the task in its
/// remarks, and a GeoChat message saying the same, both addressed to the unit (`marti/dest`).
pub fn task_events(
    unit_uid: &str,
    task_id: &str,
    title: &str,
    (lat, lon): (f64, f64),
    now: Time,
) -> Result<Vec<cot::Event>, cot::CotError> {
    let (unit, task, title) = (escape(unit_uid), escape(task_id), escape(title));
    let time = cot::format_time(now);
    let stale = cot::format_time(now.plus_millis(24 * 3_600_000));
    let head = |uid: &str, cot_type: &str, how: &str| {
        format!(
            "<event version=\"2.0\" uid=\"{uid}\" type=\"{cot_type}\" how=\"{how}\" time=\"{time}\" start=\"{time}\" stale=\"{stale}\">"
        )
    };
    let marker = format!(
        "{}<point lat=\"{lat}\" lon=\"{lon}\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"9999999.0\"/><detail><contact callsign=\"{title}\"/><remarks>{title}</remarks><link uid=\"{SERVER_UID}\" type=\"a-f-G-U-C\" relation=\"p-p\"/><marti><dest uid=\"{unit}\"/></marti></detail></event>",
        head(&format!("{SERVER_UID}.task.{task}"), "b-m-p-s-p-i", "h-g-i-g-o")
    );
    let chat = format!(
        "{}<point lat=\"{lat}\" lon=\"{lon}\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"9999999.0\"/><detail><__chat parent=\"RootContactGroup\" groupOwner=\"false\" messageId=\"{task}\" chatroom=\"{unit}\" id=\"{unit}\" senderCallsign=\"Tansiq\"><chatgrp uid0=\"{SERVER_UID}\" uid1=\"{unit}\" id=\"{unit}\"/></__chat><link uid=\"{SERVER_UID}\" type=\"a-f-G-U-C\" relation=\"p-p\"/><remarks source=\"{SERVER_UID}\" to=\"{unit}\" time=\"{time}\">{title}</remarks><marti><dest uid=\"{unit}\"/></marti></detail></event>",
        head(&format!("GeoChat.{SERVER_UID}.{unit}.{task}"), "b-t-f", "h-g-i-g-o")
    );
    Ok(vec![cot::Event::from_xml(marker.as_bytes())?, cot::Event::from_xml(chat.as_bytes())?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_events_read_back_and_are_addressed_to_the_unit() {
        let events =
            task_events("ANDROID-1", "t1", "intercept <boat> & report", (32.9, 13.1), Time(0))
                .expect("task events");
        assert_eq!(events.len(), 2);
        for event in &events {
            let marti = event.detail.as_ref().and_then(|d| d.marti()).expect("marti");
            assert_eq!(marti.dests[0].uid.as_deref(), Some("ANDROID-1"));
        }
        let remarks = events[1].detail.as_ref().and_then(|d| d.remarks()).expect("remarks");
        assert_eq!(remarks.text, "intercept <boat> & report");
    }
}
