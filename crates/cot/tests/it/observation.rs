//! From CoT events to Tansiq observations.

use cot::{NotAnObservation, SourceInfo, to_observation};
use model::{AgencyId, Marking, ObjectKind, SourceKind, ValidationLimits};

use crate::{ATAK_SA, GEOCHAT, MARKER_HOSTILE, read};

fn source() -> SourceInfo {
    SourceInfo {
        source: "tak-8087".into(),
        agency: AgencyId::new("CGW"),
        marking: Marking::default(),
        exercise: false,
    }
}

#[test]
fn an_atak_sa_becomes_an_observation_of_a_person() {
    let event = read(ATAK_SA);
    let obs = to_observation(&event, &source()).unwrap();
    assert_eq!(obs.source_kind, SourceKind::Cot);
    assert_eq!(obs.source, "tak-8087");
    assert_eq!(obs.time, event.time);
    assert_eq!((obs.position.lat, obs.position.lon), (32.8872, 13.1913));
    assert_eq!((obs.position.alt_m, obs.position.accuracy_m), (Some(42.7), Some(4.9)));
    assert_eq!((obs.speed_mps, obs.course_deg), (Some(3.2), Some(271.5)));
    assert_eq!(obs.identity.cot_uid.as_deref(), Some("ANDROID-589520ccfcd20f01"));
    assert_eq!(obs.identity.callsign.as_deref(), Some("ZUWARA-1"));
    assert_eq!(obs.kind, ObjectKind::Person);
    assert_eq!(obs.validate(event.time, ValidationLimits::default()), Ok(()));
}

#[test]
fn a_hostile_marker_is_an_observation_of_unknown_kind_without_accuracy() {
    let obs = to_observation(&read(MARKER_HOSTILE), &source()).unwrap();
    assert_eq!(obs.kind, ObjectKind::Unknown);
    assert_eq!((obs.position.alt_m, obs.position.accuracy_m), (None, None));
    assert_eq!(obs.identity.callsign.as_deref(), Some("H.1"));
    assert_eq!(obs.speed_mps, None);
}

#[test]
fn a_chat_message_is_not_an_observation() {
    assert_eq!(
        to_observation(&read(GEOCHAT), &source()),
        Err(NotAnObservation::NotAnAtom("b-t-f".into()))
    );
}
