//! Routing: the (agency, TAK groups) audiences, the policy decision made once per audience
//! per event, the queueing of an event to every client addressed and allowed, and the replay
//! of the latest SA to a client that joins or changes its groups.

use std::collections::{BTreeSet, HashMap};

use access::{Subject, SubjectKind, Viewer};
use cot::{CotType, Dest};
use model::{AgencyId, Agreement, Marking, SourceKind, Time};
use tokio::sync::mpsc;

use super::{Client, Hub, Latest, Origin, Outgoing, Prepared, State};

/// The distinct (agency, TAK groups) pairs of connected clients, numbered. Clients that share
/// both hear exactly the same things, so a decision made for one holds for all of them.
#[derive(Debug, Default)]
pub(super) struct Audiences {
    ids: HashMap<(AgencyId, BTreeSet<String>), u32>,
    list: Vec<(AgencyId, BTreeSet<String>)>,
}

/// Group names are what clients say: past this many pairs the numbering starts over.
const AUDIENCES_MAX: usize = 4_096;

impl State {
    /// Starts the numbering over when it has grown past [`AUDIENCES_MAX`].
    pub(super) fn renumber(&mut self) {
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
    pub(super) fn id(&mut self, agency: &AgencyId, groups: &BTreeSet<String>) -> u32 {
        if let Some(id) = self.ids.get(&(agency.clone(), groups.clone())) {
            return *id;
        }
        let id = self.list.len() as u32;
        self.list.push((agency.clone(), groups.clone()));
        self.ids.insert((agency.clone(), groups.clone()), id);
        id
    }
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

pub(super) fn is_atom(event: &cot::Event) -> bool {
    event.cot_type.starts_with("a-")
}

impl Hub {
    /// Queues to `client` the latest SA of every contact it may see.
    pub(super) fn replay(&self, state: &State, client: &Client) {
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

    /// Queues `event` to every other client addressed and allowed to see it.
    pub(super) fn route(&self, origin: &Origin, event: cot::Event, now: Time) {
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
}
