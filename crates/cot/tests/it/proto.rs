//! Protobuf: TAK's field numbers on the wire, lossless XML ↔ protobuf, TAK's detail rules.

use cot::proto::{CotEvent, TakMessage, v1};
use cot::{CotError, Event, Limits};
use prost::Message;

use crate::{ATAK_SA, FIXTURES, read, sorted};

fn via_protobuf(event: &Event) -> Event {
    let bytes = event.to_tak_message().unwrap().encode_to_vec();
    let message = TakMessage::decode(bytes.as_slice()).unwrap();
    Event::from_tak_message(&message, Limits::default()).unwrap()
}

#[test]
fn every_fixture_survives_xml_to_protobuf_to_xml() {
    for (name, xml) in FIXTURES {
        let event = read(xml);
        let back = via_protobuf(&event);
        assert_eq!(sorted(&back), sorted(&event), "{name}");
        assert_eq!(sorted(&read(&back.to_xml())), sorted(&event), "{name} rewritten");
    }
}

#[test]
fn field_numbers_are_taks() {
    // Each tag byte is (field number << 3) | wire type, as TAK clients encode them.
    let cot = CotEvent { uid: "x".into(), send_time: 1, ..CotEvent::default() };
    assert_eq!(cot.encode_to_vec(), [5 << 3 | 2, 1, b'x', 6 << 3, 1]);
    let cot = CotEvent { r#type: "a".into(), how: "m".into(), lat: 1.0, ..CotEvent::default() };
    let bytes = cot.encode_to_vec();
    assert_eq!(&bytes[..6], &[1 << 3 | 2, 1, b'a', 9 << 3 | 2, 1, b'm']);
    assert_eq!(bytes[6], 10 << 3 | 1, "lat is field 10, fixed64");
    let cot = CotEvent { detail: Some(v1::Detail::default()), ..CotEvent::default() };
    assert_eq!(cot.encode_to_vec(), [15 << 3 | 2, 0]);
    let cot = CotEvent { caveat: "c".into(), releasable_to: "r".into(), ..CotEvent::default() };
    assert_eq!(cot.encode_to_vec(), [0x82, 0x01, 1, b'c', 0x8a, 0x01, 1, b'r'], "fields 16, 17");
    let message = TakMessage {
        tak_control: Some(v1::TakControl { min_proto_version: 1, ..Default::default() }),
        cot_event: Some(CotEvent::default()),
        ..TakMessage::default()
    };
    assert_eq!(message.encode_to_vec(), [1 << 3 | 2, 2, 1 << 3, 1, 2 << 3 | 2, 0]);
    let detail = v1::Detail {
        xml_detail: "<a/>".into(),
        contact: Some(v1::Contact { endpoint: String::new(), callsign: "c".into() }),
        track: Some(v1::Track { speed: 0.0, course: 0.0 }),
        takv: Some(v1::Takv { device: "d".into(), ..Default::default() }),
        ..v1::Detail::default()
    };
    let bytes = detail.encode_to_vec();
    assert_eq!(&bytes[..6], &[1 << 3 | 2, 4, b'<', b'a', b'/', b'>']);
    assert_eq!(&bytes[6..11], &[2 << 3 | 2, 3, 2 << 3 | 2, 1, b'c'], "contact.callsign is 2");
    assert_eq!(&bytes[11..16], &[6 << 3 | 2, 3, 1 << 3 | 2, 1, b'd'], "takv.device is 1");
    assert_eq!(&bytes[16..], &[7 << 3 | 2, 0]);
}

#[test]
fn an_atak_sa_fills_every_typed_field_and_leaves_only_the_rest_as_xml() {
    let message = read(ATAK_SA).to_tak_message().unwrap();
    let cot = message.cot_event.unwrap();
    assert_eq!(cot.send_time, 1_714_558_530_123);
    assert_eq!(cot.le, cot::UNKNOWN_VALUE);
    let detail = cot.detail.unwrap();
    assert_eq!(detail.xml_detail, r#"<uid Droid="ZUWARA-1"/>"#);
    assert_eq!(detail.contact.unwrap().endpoint, "*:-1:stcp");
    assert_eq!(detail.group.unwrap().role, "Team Lead");
    assert_eq!(detail.precision_location.unwrap().altsrc, "GPS");
    assert_eq!(detail.status.unwrap().battery, 87);
    assert_eq!(detail.takv.unwrap().os, "34");
    let track = detail.track.unwrap();
    assert_eq!((track.speed, track.course), (3.2, 271.5));
}

#[test]
fn repeated_or_extended_elements_go_to_xml_detail_whole() {
    let xml = r#"<event uid="u" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"
        stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/><detail><contact callsign="A"/>
        <contact callsign="B"/><track course="1" speed="2" slope="3"/><status battery="9"/>
        <__group name="Cyan"/><contact-x/></detail></event>"#;
    let event = read(xml);
    let detail = event.to_tak_message().unwrap().cot_event.unwrap().detail.unwrap();
    assert_eq!(detail.contact, None);
    assert_eq!(detail.track, None);
    assert_eq!(detail.group, None, "a group needs both name and role");
    assert_eq!(detail.status, Some(v1::Status { battery: 9 }));
    assert_eq!(
        detail.xml_detail,
        r#"<contact callsign="A"/><contact callsign="B"/><track course="1" speed="2" slope="3"/><__group name="Cyan"/><contact-x/>"#
    );
    assert_eq!(sorted(&via_protobuf(&event)), sorted(&event));
}

#[test]
fn xml_detail_wins_over_a_typed_field_with_the_same_name() {
    let cot = CotEvent {
        uid: "u".into(),
        r#type: "a-f-G".into(),
        detail: Some(v1::Detail {
            xml_detail: r#"<contact callsign="from-xml" phone="1"/>"#.into(),
            contact: Some(v1::Contact { callsign: "typed".into(), endpoint: String::new() }),
            status: Some(v1::Status { battery: 5 }),
            ..Default::default()
        }),
        ..CotEvent::default()
    };
    let event = Event::from_cot_event(&cot, Limits::default()).unwrap();
    let detail = event.detail.unwrap();
    assert_eq!(detail.contact().unwrap().callsign.as_deref(), Some("from-xml"));
    assert_eq!(detail.elements.iter().filter(|e| e.name() == "contact").count(), 1);
    assert_eq!(detail.status().unwrap().battery, Some(5));
}

#[test]
fn an_event_without_detail_stays_without_and_an_empty_one_stays_empty() {
    let mut event = Event::new("u", "t-x-c-t", "m-g", model::Time(5), model::Time(6));
    assert_eq!(via_protobuf(&event).detail, None);
    event.detail = Some(cot::Detail::default());
    assert_eq!(via_protobuf(&event).detail, Some(cot::Detail::default()));
}

#[test]
fn times_outside_the_wire_range_are_errors() {
    let event = Event::new("u", "a-f-G", "m-g", model::Time(-1), model::Time(0));
    assert_eq!(event.to_tak_message(), Err(CotError::TimeRange { field: "time", value: -1 }));
    let cot = CotEvent { send_time: u64::MAX, ..CotEvent::default() };
    assert!(matches!(
        Event::from_cot_event(&cot, Limits::default()),
        Err(CotError::TimeRange { field: "sendTime", .. })
    ));
    assert_eq!(
        Event::from_tak_message(&TakMessage::default(), Limits::default()),
        Err(CotError::NoCotEvent)
    );
    let cot = CotEvent { lat: f64::NAN, ..CotEvent::default() };
    assert_eq!(
        Event::from_cot_event(&cot, Limits::default()),
        Err(CotError::InvalidNumber { field: "lat", value: "NaN".into() })
    );
}

#[test]
fn a_broken_xml_detail_is_an_error_not_a_panic() {
    for xml_detail in ["<contact", "</detail><x>", "<!DOCTYPE x []><a/>", "&bomb;"] {
        let cot = CotEvent {
            detail: Some(v1::Detail { xml_detail: xml_detail.into(), ..Default::default() }),
            ..CotEvent::default()
        };
        let _ = Event::from_cot_event(&cot, Limits::default());
    }
    let cot = CotEvent {
        detail: Some(v1::Detail { xml_detail: "<contact".into(), ..Default::default() }),
        ..CotEvent::default()
    };
    assert!(Event::from_cot_event(&cot, Limits::default()).is_err());
}
