//! The stream decoder: splitting, mixing XML and protobuf, and every kind of bad input.

use cot::frame::{encode_mesh, encode_stream_frame, put_varint};
use cot::proto::{TakControl, TakMessage};
use cot::{CotError, Event, Format, Frame, FrameError, Limits, StreamDecoder};

use crate::{ATAK_SA, FIXTURES, GEOCHAT, read, sorted};

/// Everything the decoder yields for `bytes` fed in chunks of `chunk` bytes.
fn decode(bytes: &[u8], chunk: usize) -> Vec<Result<Frame, FrameError>> {
    let mut decoder = StreamDecoder::new(Limits::default());
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        decoder.feed(piece);
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => out.push(Ok(frame)),
                Ok(None) => break,
                Err(error) => {
                    let fatal = error.is_fatal();
                    out.push(Err(error));
                    if fatal {
                        return out;
                    }
                }
            }
        }
    }
    if let Err(error) = decoder.finish() {
        out.push(Err(error));
    }
    out
}

fn event(frame: &Result<Frame, FrameError>) -> (&Event, Format) {
    match frame {
        Ok(Frame::Event { event, format, .. }) => (event, *format),
        other => panic!("not an event: {other:?}"),
    }
}

fn frame_of(xml: &str) -> Vec<u8> {
    encode_stream_frame(&read(xml).to_tak_message().unwrap())
}

#[test]
fn xml_streams_split_on_event_ends_whatever_the_chunking() {
    let mut stream = String::from(
        "<auth><cot username=\"zuwara\" password=\"s3cret\" uid=\"ANDROID-1\"/></auth>",
    );
    for (_, xml) in FIXTURES {
        stream.push_str(xml);
        stream.push_str("\n\r\n");
    }
    for chunk in [1, 2, 7, 64, 4096, stream.len()] {
        let frames = decode(stream.as_bytes(), chunk);
        assert_eq!(frames.len(), 5, "chunk {chunk}: {frames:?}");
        let Ok(Frame::Auth(auth)) = &frames[0] else { panic!("no auth first: {:?}", frames[0]) };
        assert_eq!((auth.username.as_str(), auth.password.as_str()), ("zuwara", "s3cret"));
        assert_eq!(auth.uid.as_deref(), Some("ANDROID-1"));
        assert!(!format!("{auth:?}").contains("s3cret"), "the password is redacted");
        for (frame, (name, xml)) in frames[1..].iter().zip(FIXTURES) {
            assert_eq!(event(frame), (&read(xml), Format::Xml), "chunk {chunk}, {name}");
        }
    }
}

#[test]
fn protobuf_frames_and_xml_mix_on_one_stream() {
    let mut stream = Vec::new();
    stream.extend(frame_of(ATAK_SA));
    stream.extend(GEOCHAT.as_bytes());
    stream.extend(frame_of(GEOCHAT));
    let control = TakMessage {
        tak_control: Some(TakControl {
            min_proto_version: 1,
            max_proto_version: 1,
            ..Default::default()
        }),
        ..TakMessage::default()
    };
    stream.extend(encode_stream_frame(&control));
    for chunk in [1, 3, 100, stream.len()] {
        let frames = decode(&stream, chunk);
        assert_eq!(frames.len(), 4, "{frames:?}");
        let (sa, format) = event(&frames[0]);
        assert_eq!((sa.callsign(), format), (Some("ZUWARA-1"), Format::Protobuf));
        assert_eq!(event(&frames[1]).1, Format::Xml);
        assert_eq!(event(&frames[2]).0.cot_type, "b-t-f");
        assert_eq!(frames[3], Ok(Frame::Control(control.tak_control.clone().unwrap())));
    }
}

#[test]
fn an_invalid_varint_is_fatal_until_resynchronised() {
    let mut stream = vec![0xbf];
    stream.extend([0xff; 10]);
    stream.extend(ATAK_SA.as_bytes());
    let mut decoder = StreamDecoder::new(Limits::default());
    decoder.feed(&stream);
    let error = decoder.next_frame().unwrap_err();
    assert_eq!(
        (error.clone(), error.is_fatal(), error.reason()),
        (FrameError::InvalidVarint, true, "invalid_varint")
    );
    assert_eq!(decoder.next_frame(), Err(FrameError::Poisoned));
    let held = decoder.buffered();
    for _ in 0..64 {
        decoder.feed(&[b'x'; 64 << 10]);
    }
    assert!(decoder.buffered() <= 1 << 20, "a poisoned decoder stops growing");
    assert!(decoder.buffered() >= held, "but keeps what it had, for resynchronising");
    assert_eq!(decoder.resynchronise(), 11, "drops up to the next '<'");
    let frame = decoder.next_frame().unwrap().unwrap();
    assert!(
        matches!(frame, Frame::Event { ref event, .. } if event.uid == "ANDROID-589520ccfcd20f01")
    );
}

#[test]
fn an_oversize_length_is_refused_before_waiting_for_it() {
    let mut stream = vec![0xbf];
    put_varint(&mut stream, 2 << 20);
    assert_eq!(
        decode(&stream, 64),
        [Err(FrameError::FrameTooLarge { size: 2 << 20, limit: 1 << 20 })]
    );
    let mut stream = vec![0xbf];
    put_varint(&mut stream, u64::MAX);
    assert!(matches!(decode(&stream, 64)[..], [Err(FrameError::FrameTooLarge { .. })]));
}

#[test]
fn protobuf_garbage_skips_one_frame_and_the_stream_goes_on() {
    let garbage: &[u8] = &[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01];
    let mut stream = vec![0xbf, garbage.len() as u8];
    stream.extend(garbage);
    stream.extend([0xbf, 0]); // an empty message: neither event nor control
    stream.extend(frame_of(ATAK_SA));
    let frames = decode(&stream, 5);
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert!(
        matches!(&frames[0], Err(FrameError::Skipped(CotError::Protobuf(_)))),
        "{:?}",
        frames[0]
    );
    assert!(!frames[0].as_ref().unwrap_err().is_fatal());
    assert_eq!(frames[1], Err(FrameError::Skipped(CotError::NoCotEvent)));
    assert_eq!(event(&frames[2]).0.uid, "ANDROID-589520ccfcd20f01");
}

#[test]
fn truncated_frames_wait_and_then_show_at_the_end() {
    let frame = frame_of(ATAK_SA);
    for cut in [1, 2, frame.len() / 2, frame.len() - 1] {
        let frames = decode(&frame[..cut], 1);
        assert_eq!(frames, [Err(FrameError::Truncated(cut))], "cut at {cut}");
    }
    // The prologue and the newline after it are consumed on their own; what is left over is
    // the unfinished event.
    let prologue = ATAK_SA.find("?>\n").unwrap() + 3;
    let cut = ATAK_SA.len() - 3;
    assert_eq!(
        decode(&ATAK_SA.as_bytes()[..cut], 50),
        [Err(FrameError::Truncated(cut - prologue))]
    );
}

#[test]
fn a_ten_megabyte_event_is_refused_while_it_arrives() {
    let mut decoder = StreamDecoder::new(Limits::default());
    decoder.feed(b"<event uid=\"u\" type=\"a\"><detail><remarks>");
    let chunk = vec![b'x'; 64 << 10];
    let mut fed = 0;
    let error = loop {
        decoder.feed(&chunk);
        fed += chunk.len();
        assert!(fed < 10 << 20, "the whole event was accepted");
        match decoder.next_frame() {
            Ok(None) => assert!(decoder.buffered() <= (1 << 20) + chunk.len() + 64),
            Ok(Some(frame)) => panic!("{frame:?}"),
            Err(error) => break error,
        }
    };
    assert!(matches!(error, FrameError::XmlTooLarge { limit: 1_048_576, .. }), "{error}");
    assert!(error.is_fatal());
    assert!(fed <= (1 << 20) + chunk.len());
}

#[test]
fn an_xml_bomb_on_the_stream_is_skipped_and_the_next_event_read() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<event uid="&b;" type="a-f-G" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z" stale="2024-01-01T00:01:00Z"><point lat="1" lon="2"/></event>"#;
    let stream = format!("{bomb}{ATAK_SA}");
    let frames = decode(stream.as_bytes(), 16);
    assert_eq!(frames[0], Err(FrameError::Skipped(CotError::DocType)));
    assert_eq!(event(&frames[1]).0.uid, "ANDROID-589520ccfcd20f01");
    assert_eq!(frames.len(), 2);
}

#[test]
fn a_malformed_event_is_skipped_but_a_stray_byte_is_fatal() {
    let stream = format!("<event uid=\"u\"><point lat=\"1\" lon=\"2\"/></event>{ATAK_SA}junk");
    let frames = decode(stream.as_bytes(), 9);
    assert_eq!(frames[0], Err(FrameError::Skipped(CotError::MissingAttribute("type"))));
    assert_eq!(event(&frames[1]).0.cot_type, "a-f-G-U-C");
    assert_eq!(frames[2], Err(FrameError::UnexpectedByte(b'j')));
    assert_eq!(frames.len(), 3);
}

#[test]
fn datagrams_hold_xml_or_a_mesh_frame() {
    let limits = Limits::default();
    let sa = read(ATAK_SA);
    let mesh = encode_mesh(&sa.to_tak_message().unwrap());
    assert_eq!(&mesh[..3], &[0xbf, 0x01, 0xbf]);
    assert_eq!(cot::frame::decode_datagram(&mesh, limits).map(|e| sorted(&e)), Ok(sorted(&sa)));
    assert_eq!(cot::frame::decode_datagram(ATAK_SA.as_bytes(), limits), Ok(sa));
    assert_eq!(cot::frame::decode_datagram(b"   ", limits), Err(FrameError::EmptyDatagram));
    assert_eq!(cot::frame::decode_datagram(b"{}", limits), Err(FrameError::UnexpectedByte(b'{')));
    assert!(matches!(
        cot::frame::decode_datagram(&[0xbf, 0x01, 0xbf, 0xff], limits),
        Err(FrameError::Skipped(CotError::Protobuf(_)))
    ));
}

#[test]
fn a_self_closed_event_is_skipped_alone_and_a_byte_order_mark_is_ignored() {
    let stream = format!(
        "<event uid='x' note='a > b' type='a-f-G' time='2024-01-01T00:00:00Z' \
         start='2024-01-01T00:00:00Z' stale='2024-01-01T00:01:00Z'/>\u{feff}{ATAK_SA}"
    );
    for chunk in [1, 13, stream.len()] {
        let frames = decode(stream.as_bytes(), chunk);
        assert_eq!(frames[0], Err(FrameError::Skipped(CotError::MissingPoint)), "chunk {chunk}");
        assert_eq!(event(&frames[1]).0.uid, "ANDROID-589520ccfcd20f01", "chunk {chunk}");
        assert_eq!(frames.len(), 2, "chunk {chunk}");
    }
}
