//! The directory: agencies, users, sessions and sharing agreements, folded from the log like
//! everything else, so that who could see what at any moment can be replayed.

use std::collections::{BTreeMap, BTreeSet};

use model::{Agency, AgencyId, Agreement, EventKind, Time, UserRecord};
use serde::{Deserialize, Serialize};

/// A signed-in session, found by the hash of its token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub username: String,
    pub expires: Time,
    pub opened: Time,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    agencies: BTreeMap<AgencyId, Agency>,
    users: BTreeMap<String, UserRecord>,
    sessions: BTreeMap<String, Session>,
    /// Sessions by expiry, to forget expired ones in event time.
    expiries: BTreeSet<(Time, String)>,
    agreements: BTreeMap<String, Agreement>,
}

/// What changed in the directory, for subscribers that must re-check what they show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectoryChange {
    Agreements,
    Sessions,
    Users,
    Agencies,
}

impl Directory {
    pub fn agencies(&self) -> impl Iterator<Item = &Agency> {
        self.agencies.values()
    }

    pub fn agency(&self, id: &AgencyId) -> Option<&Agency> {
        self.agencies.get(id)
    }

    pub fn users(&self) -> impl Iterator<Item = &UserRecord> {
        self.users.values()
    }

    pub fn user(&self, username: &str) -> Option<&UserRecord> {
        self.users.get(username)
    }

    /// The session for a token hash, if it exists, has not expired at `now` and its user is
    /// still enabled.
    pub fn session(&self, token_hash: &str, now: Time) -> Option<(&Session, &UserRecord)> {
        let session = self.sessions.get(token_hash)?;
        let user = self.users.get(&session.username)?;
        (session.expires > now && !user.disabled).then_some((session, user))
    }

    /// Every agreement ever set, revoked ones included (the policy checks `in_force`).
    pub fn agreements(&self) -> impl Iterator<Item = &Agreement> {
        self.agreements.values()
    }

    pub fn agreement(&self, id: &str) -> Option<&Agreement> {
        self.agreements.get(id)
    }

    /// Folds one event; returns what kind of thing changed, if any (events that are not about
    /// the directory change nothing).
    pub fn apply(&mut self, time: Time, kind: &EventKind) -> Option<DirectoryChange> {
        let change = match kind {
            EventKind::Observation(_)
            | EventKind::LoginFailed { .. }
            | EventKind::Accessed { .. }
            | EventKind::AlertAcknowledged { .. }
            | EventKind::ZoneImpactSet { .. }
            | EventKind::Incident(_) => None,
            EventKind::AgencyRegistered(agency) => {
                self.agencies.insert(agency.id.clone(), agency.clone());
                Some(DirectoryChange::Agencies)
            }
            EventKind::UserRegistered(user) => {
                self.users.insert(user.username.clone(), user.clone());
                Some(DirectoryChange::Users)
            }
            EventKind::PasswordChanged { username, password_hash } => {
                let user = self.users.get_mut(username)?;
                user.password_hash.clone_from(password_hash);
                // A new password ends every session of the user.
                self.close_sessions_of(username);
                Some(DirectoryChange::Sessions)
            }
            EventKind::UserDisabled { username, .. } => {
                let user = self.users.get_mut(username)?;
                user.disabled = true;
                self.close_sessions_of(username);
                Some(DirectoryChange::Users)
            }
            EventKind::SessionOpened { username, token_hash, expires, .. } => {
                let session =
                    Session { username: username.clone(), expires: *expires, opened: time };
                self.sessions.insert(token_hash.clone(), session);
                self.expiries.insert((*expires, token_hash.clone()));
                Some(DirectoryChange::Sessions)
            }
            EventKind::SessionClosed { token_hash, .. } => {
                let session = self.sessions.remove(token_hash)?;
                self.expiries.remove(&(session.expires, token_hash.clone()));
                Some(DirectoryChange::Sessions)
            }
            EventKind::AgreementSet { agreement, .. } => {
                self.agreements.insert(agreement.id.clone(), agreement.clone());
                Some(DirectoryChange::Agreements)
            }
            EventKind::AgreementRevoked { id, .. } => {
                let agreement = self.agreements.get_mut(id)?;
                if agreement.revoked.is_none() {
                    agreement.revoked = Some(time);
                }
                Some(DirectoryChange::Agreements)
            }
        };
        self.forget_expired(time);
        change
    }

    fn close_sessions_of(&mut self, username: &str) {
        let closed: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.username == username)
            .map(|(hash, _)| hash.clone())
            .collect();
        for hash in closed {
            if let Some(session) = self.sessions.remove(&hash) {
                self.expiries.remove(&(session.expires, hash));
            }
        }
    }

    fn forget_expired(&mut self, now: Time) {
        while let Some((expires, hash)) = self.expiries.first().cloned() {
            if expires > now {
                break;
            }
            self.expiries.pop_first();
            self.sessions.remove(&hash);
        }
    }
}
