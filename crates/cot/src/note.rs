//! GeoChat messages and markers as notes on incidents: which incidents an event names and the
//! note it makes. Pure; the server checks that the incidents exist and may be seen.
//!
//! An event names an incident in any of three ways a TAK user can produce without a plugin:
//!
//! - a GeoChat message (`b-t-f`) in a chat room named after the incident (`__chat chatroom`
//!   or `id` equal to the incident id, e.g. `i42`);
//! - a `<link uid="i42"/>` (a marker or chat linked to the incident as its parent);
//! - a `#i42` tag in the remarks.

use crate::event::{Event, known};

/// A note for an incident's timeline, made from a CoT event.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentNote {
    /// Candidate incident ids, in the order named, without repeats.
    pub incidents: Vec<String>,
    /// `SENDER: message` for a chat, `marker NAME (TYPE): remarks` for anything else.
    pub text: String,
    /// `(lat, lon)` of a marker; `None` for a chat (its point is the sender's, often 0,0).
    pub position: Option<(f64, f64)>,
}

fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split('#').skip(1).filter_map(|rest| {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .unwrap_or(rest.len());
        let tag = rest[..end].trim_end_matches(['.', '-', '_']);
        (!tag.is_empty()).then_some(tag)
    })
}

/// The incidents `event` names and the note it makes; `None` if it names none (or says
/// nothing: a chat without text).
pub fn incident_note(event: &Event) -> Option<IncidentNote> {
    let detail = event.detail.as_ref()?;
    let chat = (event.cot_type == "b-t-f").then(|| detail.chat()).flatten();
    let remarks = detail.remarks().map(|r| r.text.trim()).unwrap_or("");
    let mut incidents: Vec<String> = Vec::new();
    let mut name = |id: &str| {
        let id = id.trim();
        if !id.is_empty() && !incidents.iter().any(|i| i == id) {
            incidents.push(id.to_owned());
        }
    };
    if let Some(chat) = chat {
        chat.attrs.chatroom.as_deref().into_iter().for_each(&mut name);
        chat.attrs.id.as_deref().into_iter().for_each(&mut name);
    }
    detail.links().filter_map(|l| l.uid.as_deref()).for_each(&mut name);
    tags(remarks).for_each(&mut name);
    if incidents.is_empty() {
        return None;
    }
    let (text, position) = match chat {
        Some(chat) => {
            if remarks.is_empty() {
                return None;
            }
            let sender = chat.attrs.sender_callsign.as_deref().unwrap_or(&event.uid);
            (format!("{sender}: {remarks}"), None)
        }
        None => {
            let name = event.callsign().unwrap_or(&event.uid);
            let text = if remarks.is_empty() {
                format!("marker {name} ({})", event.cot_type)
            } else {
                format!("marker {name} ({}): {remarks}", event.cot_type)
            };
            let (lat, lon) = (event.point.lat, event.point.lon);
            let placed = known(lat).is_some() && known(lon).is_some() && (lat, lon) != (0.0, 0.0);
            (text, placed.then_some((lat, lon)))
        }
    };
    Some(IncidentNote { incidents, text, position })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(xml: &str) -> Event {
        Event::from_xml(xml.as_bytes()).expect("event")
    }

    const HEAD: &str = "<event version=\"2.0\" time=\"2026-01-01T00:00:00Z\" start=\"2026-01-01T00:00:00Z\" stale=\"2026-01-01T01:00:00Z\" how=\"h-g-i-g-o\"";

    #[test]
    fn a_chat_in_the_incidents_room_is_a_note_by_its_sender() {
        let e = event(&format!(
            "{HEAD} uid=\"GeoChat.A.i42.1\" type=\"b-t-f\"><point lat=\"0\" lon=\"0\"/><detail><__chat chatroom=\"i42\" id=\"i42\" senderCallsign=\"ALPHA\"/><link uid=\"ANDROID-A\" type=\"a-f-G-U-C\" relation=\"p-p\"/><remarks source=\"BAO.F.ATAK.ANDROID-A\">boat sighted #i7.</remarks></detail></event>"
        ));
        let note = incident_note(&e).expect("note");
        assert_eq!(note.incidents, ["i42", "ANDROID-A", "i7"]);
        assert_eq!(note.text, "ALPHA: boat sighted #i7.");
        assert_eq!(note.position, None);
    }

    #[test]
    fn a_marker_linked_to_an_incident_is_a_placed_note_and_others_are_not_notes() {
        let e = event(&format!(
            "{HEAD} uid=\"m1\" type=\"b-m-p-s-p-i\"><point lat=\"32.9\" lon=\"12.1\"/><detail><contact callsign=\"landing\"/><link uid=\"i9\" relation=\"p-p\"/></detail></event>"
        ));
        let note = incident_note(&e).expect("note");
        assert_eq!(note.incidents, ["i9"]);
        assert_eq!(note.text, "marker landing (b-m-p-s-p-i)");
        assert_eq!(note.position, Some((32.9, 12.1)));
        let plain = event(&format!(
            "{HEAD} uid=\"m2\" type=\"a-u-G\"><point lat=\"1\" lon=\"1\"/><detail><remarks>no tag # here</remarks></detail></event>"
        ));
        assert_eq!(incident_note(&plain), None);
        let silent = event(&format!(
            "{HEAD} uid=\"c\" type=\"b-t-f\"><point lat=\"0\" lon=\"0\"/><detail><__chat chatroom=\"i42\"/></detail></event>"
        ));
        assert_eq!(incident_note(&silent), None, "a chat without text says nothing");
    }
}
