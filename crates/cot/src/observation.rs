//! From a CoT situational-awareness event to a Tansiq [`Observation`]: a pure function of
//! the event and of what the receiving edge knows about the source.

use model::{AgencyId, Identity, Marking, Observation, Position, SourceKind};

use crate::cot_type::CotType;
use crate::event::Event;

/// Who received the event: the configured source and the agency that owns it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    pub source: String,
    pub agency: AgencyId,
    pub marking: Marking,
    pub exercise: bool,
}

/// Why an event is not an observation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NotAnObservation {
    #[error("cot type {0:?} is not an atom (a-…)")]
    NotAnAtom(String),
}

/// An atom's position report as an observation. The uid and the contact's call sign become
/// the identity; `ce` becomes the accuracy, `hae` the altitude, `track` the speed (m/s) and
/// course. Validation against the receiver's clock is [`Observation::validate`]'s job.
pub fn to_observation(event: &Event, from: &SourceInfo) -> Result<Observation, NotAnObservation> {
    let cot_type = CotType::parse(&event.cot_type);
    let Some(atom) = cot_type.atom() else {
        return Err(NotAnObservation::NotAnAtom(event.cot_type.clone()));
    };
    let detail = event.detail.as_ref();
    let track = detail.and_then(|d| d.track());
    let callsign = event.callsign().map(str::trim).filter(|c| !c.is_empty());
    Ok(Observation {
        source: from.source.clone(),
        source_kind: SourceKind::Cot,
        agency: from.agency.clone(),
        marking: from.marking.clone(),
        time: event.time,
        position: Position {
            lon: event.point.lon,
            lat: event.point.lat,
            alt_m: event.point.hae,
            accuracy_m: event.point.ce,
        },
        speed_mps: track.and_then(|t| t.speed),
        course_deg: track.and_then(|t| t.course),
        heading_deg: None,
        identity: Identity {
            cot_uid: Some(event.uid.as_str().into()),
            callsign: callsign.map(Into::into),
            ..Identity::default()
        },
        kind: atom.kind(),
        exercise: from.exercise,
    })
}

/// A Tansiq track as a CoT SA event for TAK clients: uid `<prefix><track id>`, the type from
/// [`type_for`](crate::type_for), `how` "m-f" (machine, fused), the call sign (or name, or
/// track id) as the contact, course and speed as the track. Stale `stale_ms` after its last
/// time.
pub fn track_to_event(
    track: &model::Track,
    affiliation: crate::Affiliation,
    uid_prefix: &str,
    stale_ms: i64,
) -> Event {
    use crate::detail::{Contact, Track};
    let uid = format!("{uid_prefix}{}", track.id);
    let cot_type = crate::type_for(track.kind, affiliation);
    let last = track.last_time;
    let mut event = Event::new(uid, cot_type, "m-f", last, last.plus_millis(stale_ms));
    let p = &track.position;
    event.point =
        crate::Point { hae: p.alt_m, ce: p.accuracy_m, ..crate::Point::new(p.lat, p.lon) };
    let identity = &track.identity;
    let callsign = identity.callsign.as_deref().or(identity.name.as_deref());
    event.detail_mut().push(Contact {
        callsign: Some(callsign.map_or_else(|| track.id.to_string(), str::to_owned)),
        ..Contact::default()
    });
    if track.course_deg.is_some() || track.speed_mps.is_some() {
        event.detail_mut().push(Track {
            course: track.course_deg,
            speed: track.speed_mps,
            extra: Vec::new(),
        });
    }
    event
}
