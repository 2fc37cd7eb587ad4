//! XML: typed readings of real-looking events, verbatim unknowns, round trips, refusals.

use cot::{CotError, DetailElement, Event, Limits, parse_event};

use crate::{ATAK_SA, FIXTURES, GEOCHAT, MARKER_HOSTILE, read};

#[test]
fn an_atak_sa_reads_into_typed_fields() {
    let event = read(ATAK_SA);
    assert_eq!(event.uid, "ANDROID-589520ccfcd20f01");
    assert_eq!(event.cot_type, "a-f-G-U-C");
    assert_eq!(event.how, "m-g");
    assert_eq!(event.time, model::Time(1_714_558_530_123));
    assert_eq!(event.stale, model::Time(1_714_558_905_123));
    assert_eq!((event.point.lat, event.point.lon), (32.8872, 13.1913));
    assert_eq!((event.point.hae, event.point.ce, event.point.le), (Some(42.7), Some(4.9), None));
    let detail = event.detail.as_ref().unwrap();
    let contact = detail.contact().unwrap();
    assert_eq!(contact.callsign.as_deref(), Some("ZUWARA-1"));
    assert_eq!(contact.endpoint.as_deref(), Some("*:-1:stcp"));
    let group = detail.group().unwrap();
    assert_eq!((group.name.as_deref(), group.role.as_deref()), (Some("Cyan"), Some("Team Lead")));
    let track = detail.track().unwrap();
    assert_eq!((track.course, track.speed), (Some(271.5), Some(3.2)));
    assert_eq!(detail.status().unwrap().battery, Some(87));
    assert_eq!(detail.takv().unwrap().platform.as_deref(), Some("ATAK-CIV"));
    assert_eq!(detail.precision_location().unwrap().geopointsrc.as_deref(), Some("GPS"));
    assert_eq!(detail.droid().unwrap().droid.as_deref(), Some("ZUWARA-1"));
    assert!(detail.elements.iter().all(|e| !matches!(e, DetailElement::Raw(_))));
}

#[test]
fn a_geochat_reads_chat_link_remarks_and_destinations() {
    let event = read(GEOCHAT);
    let detail = event.detail.as_ref().unwrap();
    let chat = detail.chat().unwrap();
    assert_eq!(chat.attrs.chatroom.as_deref(), Some("All Chat Rooms"));
    assert_eq!(chat.attrs.sender_callsign.as_deref(), Some("ZUWARA-1"));
    assert_eq!(chat.participants(), ["ANDROID-589520ccfcd20f01", "All Chat Rooms"]);
    let link = detail.links().next().unwrap();
    assert_eq!(link.relation.as_deref(), Some("p-p"));
    assert_eq!(link.cot_type.as_deref(), Some("a-f-G-U-C"));
    let remarks = detail.remarks().unwrap();
    assert_eq!(remarks.text, "Boat sighted 2 nm north of the harbour & heading west <fast>");
    assert_eq!(remarks.attrs.to.as_deref(), Some("All Chat Rooms"));
    let dests = &detail.marti().unwrap().dests;
    assert_eq!(dests[0].callsign.as_deref(), Some("OPS-CENTRE"));
    assert_eq!(dests[1].uid.as_deref(), Some("ANDROID-77aa"));
    let raw = detail.raw("__serverdestination").next().unwrap();
    assert_eq!(
        raw.xml,
        "<__serverdestination destinations='192.0.2.10:4242:tcp:ANDROID-589520ccfcd20f01'/>"
    );
}

#[test]
fn unknown_children_and_attributes_are_kept_verbatim() {
    let event = read(MARKER_HOSTILE);
    let detail = event.detail.as_ref().unwrap();
    // <status readiness> has no battery: typed, with the attribute kept aside.
    let status = detail.status().unwrap();
    assert_eq!(status.battery, None);
    assert_eq!(status.extra, [("readiness".to_owned(), "true".to_owned())]);
    let video = detail.raw("__video").next().unwrap();
    assert!(video.xml.starts_with("<__video url=\"rtsp://192.0.2.20:554/live\">\n      <Conn"));
    assert!(video.xml.ends_with("alias=\"drone\"/>\n    </__video>"));
    assert!(event.to_xml().contains(&video.xml));
    let link = detail.links().next().unwrap();
    assert!(link.extra.contains(&("parent_callsign".to_owned(), "ZUWARA-1".to_owned())));
}

#[test]
fn both_unknown_sentinels_read_as_unknown() {
    for sentinel in ["9999999.0", "999999", "999999.0", "9999999"] {
        let xml = format!(
            r#"<event version="2.0" uid="u" type="a-f-G" how="m-g" time="2024-01-01T00:00:00Z"
               start="2024-01-01T00:00:00Z" stale="2024-01-01T00:01:00Z">
               <point lat="1" lon="2" hae="{sentinel}" ce="{sentinel}" le="{sentinel}"/></event>"#
        );
        let point = read(&xml).point;
        assert_eq!((point.hae, point.ce, point.le), (None, None, None), "{sentinel}");
    }
    let xml = r#"<event uid="u" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"
        stale="2024-01-01T00:01:00Z"><point lat="1" lon="2" hae="999998.5" ce="0" le="12"/></event>"#;
    let point = read(xml).point;
    assert_eq!((point.hae, point.ce, point.le), (Some(999_998.5), Some(0.0), Some(12.0)));
}

#[test]
fn every_fixture_is_a_fixed_point_of_write_then_read() {
    for (name, xml) in FIXTURES {
        let event = read(xml);
        let written = event.to_xml();
        let again = read(&written);
        assert_eq!(again, event, "{name}");
        assert_eq!(again.to_xml(), written, "{name}");
        assert_eq!(read(&event.to_xml_document()), event, "{name} with a prologue");
    }
}

#[test]
fn typed_elements_that_do_not_fit_stay_verbatim() {
    let cases = [
        r#"<contact callsign="A"><phone number="1"/></contact>"#,
        r#"<track course="north" speed="3"/>"#,
        r#"<track course="NaN" speed="3"/>"#,
        r#"<status battery="-4"/>"#,
        r#"<contact callsign="A" callsign="B"/>"#,
        r#"<remarks>see <b>this</b></remarks>"#,
        r#"<marti><dest callsign="A"/><extra/></marti>"#,
    ];
    for child in cases {
        let xml = format!(
            r#"<event uid="u" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"
            stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/><detail>{child}</detail></event>"#
        );
        match parse_event(xml.as_bytes(), Limits::default()) {
            Ok(event) => {
                let detail = event.detail.unwrap();
                assert!(
                    matches!(&detail.elements[..], [DetailElement::Raw(r)] if r.xml == child),
                    "{child}: {detail:?}"
                );
            }
            // Repeated attributes are malformed XML; refusing the event is also acceptable.
            Err(error) => assert!(matches!(error, CotError::Attribute(_)), "{child}: {error}"),
        }
    }
}

#[test]
fn awkward_text_survives_the_round_trip() {
    let mut event = Event::new("u&<>\"'\n\t", "b-t-f", "h-e", model::Time(0), model::Time(1));
    event.detail_mut().push(cot::Remarks {
        attrs: cot::RemarksAttrs { to: Some("a \"b\"\r\nc".into()), ..Default::default() },
        text: "line one\nline two & <three>\r\n ٱلسَّلَامُ".into(),
    });
    assert_eq!(read(&event.to_xml()), event);
}

#[test]
fn entity_bombs_are_refused_before_any_expansion() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<event uid="&lol3;" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"
 stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/></event>"#;
    assert_eq!(Event::from_xml(bomb.as_bytes()), Err(CotError::DocType));
    // Without the declaration the entity is simply undefined: an error, not an expansion.
    let undefined = r#"<event uid="&lol3;" type="a" time="2024-01-01T00:00:00Z"
        start="2024-01-01T00:00:00Z" stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/></event>"#;
    assert!(matches!(Event::from_xml(undefined.as_bytes()), Err(CotError::Attribute(_))));
}

#[test]
fn malformed_events_name_what_is_wrong() {
    let head = r#"<event uid="u" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z" stale="2024-01-01T00:01:00Z">"#;
    let cases: Vec<(String, CotError)> = vec![
        (
            format!("{head}<point lat=\"1\" lon=\"2\"/><detail><contact callsign=\"x\"/>"),
            CotError::Unterminated,
        ),
        (format!("{head}<point lat=\"1\" lon=\"2\"/>"), CotError::Unterminated),
        (format!("{head}</event>"), CotError::MissingPoint),
        (format!("{head}<point lon=\"2\"/></event>"), CotError::MissingAttribute("lat")),
        (
            format!("{head}<point lat=\"inf\" lon=\"2\"/></event>"),
            CotError::InvalidNumber { field: "lat", value: "inf".into() },
        ),
        (
            format!("{head}<point lat=\"x\" lon=\"2\"/></event>"),
            CotError::InvalidNumber { field: "lat", value: "x".into() },
        ),
        ("<event type=\"a\"/>".into(), CotError::MissingAttribute("uid")),
        ("<eventually/>".into(), CotError::UnexpectedRoot("eventually".into())),
        ("".into(), CotError::NoEvent),
        (head.replace("2024-01-01T00:01:00Z", "soon"), CotError::Time("soon".into())),
    ];
    for (xml, want) in cases {
        assert_eq!(Event::from_xml(xml.as_bytes()), Err(want), "{xml}");
    }
    assert_eq!(Event::from_xml(b"<event uid=\"\xff\"/>"), Err(CotError::NotUtf8));
    let message = CotError::InvalidNumber { field: "lat", value: "x".into() }.to_string();
    assert_eq!(message, "invalid lat: \"x\"");
}

#[test]
fn a_ten_megabyte_event_is_refused_by_the_limit() {
    let padding = "x".repeat(10 << 20);
    let xml = format!(
        r#"<event uid="u" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"
        stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/><detail><remarks>{padding}</remarks></detail></event>"#
    );
    let error = Event::from_xml(xml.as_bytes()).unwrap_err();
    assert!(matches!(error, CotError::TooLarge { limit: 1_048_576, .. }), "{error}");
    let roomy = Limits { max_event_bytes: 16 << 20 };
    let event = parse_event(xml.as_bytes(), roomy).unwrap();
    assert_eq!(event.detail.unwrap().remarks().unwrap().text.len(), 10 << 20);
}
