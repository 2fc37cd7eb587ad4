//! The client registry: connections join (hearing the latest SA they may see), sign in with
//! `<auth>`, leave (their contact withdrawn from the others) and are told to go.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use model::{AgencyId, Marking};
use tokio::sync::{Notify, mpsc};

use super::{Client, Hub, Origin, Outgoing, SERVER_UID};

impl Hub {
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
        self.inner.intake_stop.stop();
        for client in self.lock().clients.values() {
            client.kick.notify_one();
        }
    }
}
