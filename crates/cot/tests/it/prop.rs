//! Properties: the decoders never panic on any bytes, and generated events round-trip.

use cot::{Contact, Event, Limits, Point, StreamDecoder, Track};
use proptest::prelude::*;

use crate::{FIXTURES, read};

fn drain(decoder: &mut StreamDecoder) {
    loop {
        match decoder.next_frame() {
            Ok(Some(_)) => {}
            Ok(None) => return,
            Err(error) if error.is_fatal() => {
                if decoder.resynchronise() == 0 {
                    return;
                }
            }
            Err(_) => {}
        }
    }
}

/// A stream of real frames and events, to be cut and corrupted.
fn valid_stream() -> Vec<u8> {
    let mut out = Vec::new();
    for (_, xml) in FIXTURES {
        out.extend(xml.as_bytes());
        out.extend(cot::frame::encode_stream_frame(&read(xml).to_tak_message().unwrap()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_stream_decoder_never_panics_on_arbitrary_bytes(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..32),
    ) {
        let mut decoder = StreamDecoder::new(Limits { max_event_bytes: 4096 });
        for chunk in &chunks {
            decoder.feed(chunk);
            drain(&mut decoder);
            prop_assert!(decoder.buffered() <= 4096 + 64 + 8);
        }
        let _ = decoder.finish();
    }

    #[test]
    fn the_decoders_never_panic_on_corrupted_real_streams(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        chunk in 1usize..200,
    ) {
        let mut bytes = valid_stream();
        for (at, byte) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let mut decoder = StreamDecoder::new(Limits::default());
        for piece in bytes.chunks(chunk) {
            decoder.feed(piece);
            drain(&mut decoder);
        }
        let _ = Event::from_xml(&bytes);
        let _ = cot::frame::decode_datagram(&bytes, Limits::default());
    }

    #[test]
    fn generated_events_round_trip_through_xml_and_protobuf(
        uid in "\\PC{1,24}",
        callsign in "[ -~]{0,16}",
        lat in -90.0f64..90.0,
        lon in -180.0f64..180.0,
        hae in proptest::option::of(-500.0f64..9000.0),
        time in 0i64..4_102_444_800_000,
        speed in 0.0f64..400.0,
        course in 0.0f64..360.0,
    ) {
        let mut event = Event::new(uid, "a-f-G-U-C", "m-g", model::Time(time), model::Time(time + 60_000));
        event.point = Point { hae, ..Point::new(lat, lon) };
        event.detail_mut()
            .push(Contact { callsign: Some(callsign), ..Contact::default() })
            .push(Track { course: Some(course), speed: Some(speed), ..Track::default() });
        let xml = event.to_xml();
        prop_assert_eq!(&Event::from_xml(xml.as_bytes()).unwrap(), &event);
        let message = event.to_tak_message().unwrap();
        prop_assert_eq!(&Event::from_tak_message(&message, Limits::default()).unwrap(), &event);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A correctly framed body is never fatal, whatever it holds: the stream goes on.
    #[test]
    fn garbage_inside_a_well_formed_frame_is_never_fatal(
        bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..8),
    ) {
        let mut stream = Vec::new();
        for body in &bodies {
            stream.push(0xbf);
            cot::frame::put_varint(&mut stream, body.len() as u64);
            stream.extend(body);
        }
        let mut decoder = StreamDecoder::new(Limits::default());
        decoder.feed(&stream);
        let mut frames = 0;
        loop {
            match decoder.next_frame() {
                Ok(Some(_)) => frames += 1,
                Ok(None) => break,
                Err(error) => {
                    prop_assert!(!error.is_fatal(), "{error}");
                    frames += 1;
                }
            }
        }
        prop_assert_eq!(frames, bodies.len());
        prop_assert_eq!(decoder.finish(), Ok(()));
    }
}
