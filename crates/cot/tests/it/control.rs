//! Negotiation, ping and disconnect events: built, written, read back and recognised.

use cot::control::{self, Control};
use cot::{Event, Frame, Limits, StreamDecoder};
use model::Time;

const NOW: Time = Time(1_714_558_530_123);

fn through_xml(event: &Event) -> Event {
    Event::from_xml(event.to_xml().as_bytes()).unwrap()
}

#[test]
fn the_negotiation_round_trips_and_is_recognised() {
    let offer = control::version_offer("tansiq", NOW);
    assert_eq!(
        offer.to_xml(),
        "<event version=\"2.0\" uid=\"tansiq\" type=\"t-x-takp-v\" how=\"m-g\" \
         time=\"2024-05-01T10:15:30.123Z\" start=\"2024-05-01T10:15:30.123Z\" \
         stale=\"2024-05-01T10:16:30.123Z\"><point lat=\"0\" lon=\"0\" hae=\"0\" ce=\"9999999.0\" \
         le=\"9999999.0\"/><detail><TakControl><TakProtocolSupport version=\"1\"/></TakControl>\
         </detail></event>"
    );
    assert_eq!(control::classify(&through_xml(&offer)), Some(Control::VersionOffer(vec![1])));
    let request = control::version_request("ANDROID-1", 1, NOW);
    assert_eq!(control::classify(&through_xml(&request)), Some(Control::VersionRequest(1)));
    let yes = control::answer_request("tansiq", 1, NOW);
    assert_eq!(control::classify(&through_xml(&yes)), Some(Control::VersionResponse(true)));
    let no = control::answer_request("tansiq", 2, NOW);
    assert_eq!(control::classify(&through_xml(&no)), Some(Control::VersionResponse(false)));
}

#[test]
fn a_request_as_atak_writes_it_is_understood() {
    let xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<event version='2.0' \
        uid='ANDROID-589520ccfcd20f01' type='t-x-takp-q' time='2024-05-01T10:15:31.000Z' \
        start='2024-05-01T10:15:31.000Z' stale='2024-05-01T10:16:31.000Z' how='m-g'>\
        <point lat='0.0' lon='0.0' hae='0.0' ce='999999' le='999999'/><detail><TakControl>\
        <TakRequest version='1'/></TakControl></detail></event>";
    let mut decoder = StreamDecoder::new(Limits::default());
    decoder.feed(xml.as_bytes());
    let Some(Frame::Event { event, .. }) = decoder.next_frame().unwrap() else { panic!() };
    assert_eq!(control::classify(&event), Some(Control::VersionRequest(1)));
    let garbled = xml.replace("version='1'/>", "version='one'/>");
    let event = Event::from_xml(garbled.as_bytes()).unwrap();
    assert_eq!(control::classify(&event), None, "a request without a version is not one");
}

#[test]
fn pings_pongs_and_deletes_are_recognised() {
    let ping = control::ping("ANDROID-1", NOW);
    assert_eq!(ping.uid, "ANDROID-1-ping");
    assert_eq!(control::classify(&through_xml(&ping)), Some(Control::Ping));
    let pong = control::pong(NOW);
    assert_eq!((pong.uid.as_str(), pong.cot_type.as_str()), ("takPong", "t-x-c-t-r"));
    assert_eq!(pong.stale, NOW.plus_millis(20_000));
    assert_eq!(control::classify(&through_xml(&pong)), Some(Control::Pong));
    let gone = control::disconnect("ANDROID-1", "a-f-G-U-C", "tansiq-dd-1", NOW);
    assert_eq!(
        control::classify(&through_xml(&gone)),
        Some(Control::Delete { uid: Some("ANDROID-1".into()) })
    );
    // pytak's first message: a t-x-d-d with no link, a keep-alive in effect.
    let tak_ping = Event::new("takPing", "t-x-d-d", "m-g", NOW, NOW.plus_millis(3_600_000));
    assert_eq!(control::classify(&through_xml(&tak_ping)), Some(Control::Delete { uid: None }));
    let sa = Event::new("ANDROID-1", "a-f-G-U-C", "m-g", NOW, NOW);
    assert_eq!(control::classify(&sa), None);
}

#[test]
fn a_negotiation_offers_once_answers_in_xml_then_switches_to_frames() {
    use cot::control::{Encoding, Negotiation};
    let mut negotiation = Negotiation::default();
    assert!(negotiation.offer("tansiq", NOW).is_some());
    assert!(negotiation.offer("tansiq", NOW).is_none(), "offered once per connection");
    let refused = negotiation.answer(2, "tansiq", NOW).unwrap();
    assert!(refused.starts_with(b"<?xml"));
    assert_eq!(negotiation.encoding(), Encoding::Xml);
    let accepted = negotiation.answer(1, "tansiq", NOW).unwrap();
    let response = Event::from_xml(&accepted).unwrap();
    assert_eq!(control::classify(&response), Some(Control::VersionResponse(true)));
    assert_eq!(negotiation.encoding(), Encoding::Protobuf);
    let sa = Event::new("tansiq", "a-f-G", "m-g", NOW, NOW);
    let bytes = negotiation.encode(&sa).unwrap();
    assert_eq!(bytes[0], 0xbf);
    let mut decoder = StreamDecoder::new(Limits::default());
    decoder.feed(&bytes);
    let Some(Frame::Event { event, format, .. }) = decoder.next_frame().unwrap() else { panic!() };
    assert_eq!((*event, format), (sa, cot::Format::Protobuf));

    let mut silent = Negotiation::default();
    silent.protobuf_received();
    assert_eq!(silent.encoding(), Encoding::Protobuf);
}
