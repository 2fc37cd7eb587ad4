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

#[test]
fn a_track_goes_out_as_an_sa_that_reads_back_as_the_same_object() {
    // Built from JSON so that fields added to Track later with defaults do not break the test.
    let track: model::Track = serde_json::from_value(serde_json::json!({
        "id": "t42", "kind": "vessel", "state": "confirmed", "agency": "CGW",
        "marking": {}, "identity": {"name": "AL MANARA", "mmsi": 642_123_456},
        "contributors": ["CGW"], "sources": ["ais"], "source_kinds": ["ais"],
        "first_time": 1_714_558_000_000_i64, "last_time": 1_714_558_530_123_i64,
        "position": {"lon": 12.05, "lat": 32.91, "accuracy_m": 25.0},
        "speed_mps": 6.5, "course_deg": 280.0, "heading_deg": null,
        "observations": 12, "exercise": false
    }))
    .unwrap();
    let event = cot::track_to_event(&track, cot::Affiliation::Suspect, "tansiq.", 120_000);
    assert_eq!(
        event.to_xml(),
        "<event version=\"2.0\" uid=\"tansiq.t42\" type=\"a-s-S\" how=\"m-f\" \
         time=\"2024-05-01T10:15:30.123Z\" start=\"2024-05-01T10:15:30.123Z\" \
         stale=\"2024-05-01T10:17:30.123Z\"><point lat=\"32.91\" lon=\"12.05\" hae=\"9999999.0\" \
         ce=\"25\" le=\"9999999.0\"/><detail><contact callsign=\"AL MANARA\"/>\
         <track course=\"280\" speed=\"6.5\"/></detail></event>"
    );
    let obs = to_observation(&read(&event.to_xml()), &source()).unwrap();
    assert_eq!(obs.kind, ObjectKind::Vessel);
    assert_eq!((obs.speed_mps, obs.course_deg), (Some(6.5), Some(280.0)));
    assert_eq!(obs.identity.callsign.as_deref(), Some("AL MANARA"));
}
