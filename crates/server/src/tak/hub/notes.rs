//! Incident notes from TAK: a GeoChat message or marker naming incidents becomes a note on
//! each that the sender's agency may see, once, queued for the log.

use std::collections::BTreeSet;

use access::Viewer;
use model::Time;

use super::{Hub, Origin};
use crate::visibility;

/// Notes remembered against repeats before the memory starts over.
const NOTED_MAX: usize = 65_536;

impl Hub {
    /// A chat or marker naming incidents becomes a note on each that exists, is open, and
    /// that the sender's agency may see (the same policy as the incident routes).
    pub(super) fn note(
        &self,
        origin: &Origin,
        event: &cot::Event,
        note: &cot::IncidentNote,
        now: Time,
    ) {
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
}
