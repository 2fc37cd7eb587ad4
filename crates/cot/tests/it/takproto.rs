//! Bytes written by takproto 3.0.1 (MIT, the Python library pytak uses) from our fixtures with
//! `xml2proto(xml, TAKProtoVer.MESH)` and `TAKProtoVer.STREAM`: a real peer's encoding, read
//! by our decoder.

use cot::{Format, Frame, Limits, StreamDecoder};

use crate::{ATAK_SA, SPOT_MARKER, read, sorted};

const SA_MESH: &[u8] = include_bytes!("data/takproto_atak_sa.mesh");
const SA_STREAM: &[u8] = include_bytes!("data/takproto_atak_sa.stream");
const MARKER_MESH: &[u8] = include_bytes!("data/takproto_spot_marker.mesh");
const MARKER_STREAM: &[u8] = include_bytes!("data/takproto_spot_marker.stream");

fn from_stream(bytes: &[u8]) -> (cot::Event, Option<cot::proto::TakControl>) {
    let mut decoder = StreamDecoder::new(Limits::default());
    decoder.feed(bytes);
    let Some(Frame::Event { event, format: Format::Protobuf, control }) =
        decoder.next_frame().unwrap()
    else {
        panic!("no protobuf event")
    };
    assert_eq!(decoder.next_frame(), Ok(None));
    assert_eq!(decoder.finish(), Ok(()));
    (*event, control)
}

#[test]
fn takprotos_sa_reads_as_the_xml_it_came_from() {
    let want = sorted(&read(ATAK_SA));
    let mesh = cot::frame::decode_datagram(SA_MESH, Limits::default()).unwrap();
    assert_eq!(sorted(&mesh), want);
    let (stream, control) = from_stream(SA_STREAM);
    assert_eq!(sorted(&stream), want);
    assert_eq!(control, None);
}

#[test]
fn takprotos_marker_keeps_what_takproto_kept() {
    let original = read(SPOT_MARKER);
    for event in [
        cot::frame::decode_datagram(MARKER_MESH, Limits::default()).unwrap(),
        from_stream(MARKER_STREAM).0,
    ] {
        assert_eq!(
            (&event.uid, &event.cot_type, event.time),
            (&original.uid, &original.cot_type, original.time)
        );
        assert_eq!((event.point.hae, event.point.ce), (None, None));
        let detail = event.detail.as_ref().unwrap();
        assert_eq!(detail.contact().unwrap().callsign.as_deref(), Some("R 1"));
        assert_eq!(detail.remarks().unwrap().text, "Fuel cache, 20 jerrycans");
        let link = detail.links().next().unwrap();
        assert_eq!(link.uid.as_deref(), Some("ANDROID-589520ccfcd20f01"));
        assert!(detail.raw("usericon").next().unwrap().xml.contains("COT_MAPPING_SPOTMAP"));
        // takproto itself drops `<status readiness>`, which has no battery; we do not.
        assert!(detail.status().is_none());
    }
}
