//! Bad input: every malformed line is counted by reason, nothing panics, and a stream keeps
//! decoding after garbage. Property tests feed arbitrary bytes and mutated real sentences.

use ais::{DecodeOptions, Decoder, RejectReason, decode_stream};
use proptest::prelude::*;

use crate::support::read;

fn with_checksum(body: &str) -> String {
    let x = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{x:02X}")
}

fn summary(input: &[u8]) -> ais::Summary {
    let mut out = Vec::new();
    let mut r = input;
    decode_stream(&mut r, &mut out, &DecodeOptions::default()).expect("decode_stream")
}

#[test]
fn bad_checksum_is_rejected_and_counted() {
    let s = summary(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n");
    assert_eq!(s.messages(), 0);
    assert_eq!(s.counts.rejected_for(RejectReason::BadChecksum), 1);
    assert!(s.to_string().contains("bad_checksum:1"), "{s}");
}

#[test]
fn truncated_payload_decodes_what_is_present() {
    // A type 1 cut to 60 bits: status, turn and speed arrived, the position did not.
    let line = with_checksum("AIVDM,1,1,,A,15RTgt0PAs,0");
    let mut d = Decoder::default();
    let Ok(Some(dec)) = d.decode_line(line.as_bytes(), 0, 0) else {
        panic!("a truncated type 1 still decodes")
    };
    assert!(dec.message.truncated);
    assert_eq!(dec.message.mmsi, 371_798_000);
    let ais::Body::Position(p) = dec.message.body.clone() else { panic!("type 1") };
    assert_eq!(p.speed_knots(), Some(12.3));
    assert_eq!(p.position(), None);
    assert_eq!(p.course_degrees(), None);
    assert_eq!(p.heading_degrees(), None);
    let s = summary(line.as_bytes());
    assert_eq!((s.messages(), s.counts.truncated), (1, 1));
    // Below type + repeat + MMSI there is nothing to report.
    let s = summary(with_checksum("AIVDM,1,1,,A,15RTg,0").as_bytes());
    assert_eq!(s.messages(), 0);
    assert_eq!(s.counts.rejected_for(RejectReason::BadLength), 1);
    // A type 5 missing its second fragment yields nothing and no error once the stream ends.
    let s = summary(
        b"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n",
    );
    assert_eq!(s.messages(), 0);
    assert_eq!(s.rejected(), 0);
}

#[test]
fn short_type1_decodes_what_is_present() {
    // 164 bits (4 fill bits claimed on a 168-bit payload): radio is partial, the rest intact.
    let full = "15RTgt0PAso;90TKcjM8h6g208CQ";
    let line = with_checksum(&format!("AIVDM,1,1,,A,{full},4"));
    let mut d = Decoder::default();
    let m = d.decode_line(line.as_bytes(), 0, 0).ok().flatten().map(|d| d.message.clone());
    let Some(ais::Body::Position(p)) = m.map(|m| m.body) else { panic!("type 1 expected") };
    assert_eq!(p.position().map(|(lon, _)| (lon * 1e4).round()), Some(-1_233_954.0));
    assert_eq!(p.speed_knots(), Some(12.3));
}

#[test]
fn sentinels_are_none_in_the_typed_api() {
    // gpsd sample: turn -128, heading 511.
    let mut d = Decoder::default();
    let r = d.decode_line(b"!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42", 0, 0);
    let Ok(Some(dec)) = r else { panic!("decodes") };
    let ais::Body::Position(p) = dec.message.body.clone() else { panic!("type 1") };
    assert_eq!(p.turn_raw(), None);
    assert_eq!(p.heading_degrees(), None);
    assert_eq!(p.speed_knots(), Some(0.0));
}

/// Every "not available" value of a position report reads as none, and the value next to
/// each as itself: speed 1023 (102.3 kn), course 3600, longitude 181° and latitude 91° (in
/// 1/10,000 minute), heading 511, turn -128.
#[test]
fn every_sentinel_of_a_position_report_is_none_and_its_neighbour_is_not() {
    let min = 600_000;
    let unavailable = ais::messages::PositionReport {
        speed: 1023,
        course: 3600,
        lon: 181 * min,
        lat: 91 * min,
        heading: 511,
        turn: -128,
        ..ais::messages::PositionReport::default()
    };
    assert_eq!(unavailable.speed_knots(), None);
    assert_eq!(unavailable.course_degrees(), None);
    assert_eq!(unavailable.position(), None);
    assert_eq!(unavailable.heading_degrees(), None);
    assert_eq!(unavailable.turn_raw(), None);
    let lat_only = ais::messages::PositionReport { lon: 13 * min, lat: 91 * min, ..unavailable };
    assert_eq!(lat_only.position(), None, "latitude 91 alone");
    let lon_only = ais::messages::PositionReport { lon: 181 * min, lat: 33 * min, ..unavailable };
    assert_eq!(lon_only.position(), None, "longitude 181 alone");
    let available = ais::messages::PositionReport {
        speed: 1022,
        course: 3599,
        lon: 180 * min,
        lat: 90 * min,
        heading: 359,
        turn: 127,
        ..ais::messages::PositionReport::default()
    };
    assert_eq!(available.speed_knots(), Some(102.2));
    assert_eq!(available.course_degrees(), Some(359.9));
    assert_eq!(available.position(), Some((180.0, 90.0)));
    assert_eq!(available.heading_degrees(), Some(359));
    assert_eq!(available.turn_raw(), Some(127));
}

#[test]
fn invalid_sixbit_character_is_counted() {
    let line = with_checksum("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208C|,0");
    let s = summary(line.as_bytes());
    assert_eq!(s.counts.rejected_for(RejectReason::InvalidSixbit), 1);
}

#[test]
fn impossible_fragment_numbers_are_counted() {
    let mut input = String::new();
    for body in [
        "AIVDM,2,3,1,A,55?MbV02,0",
        "AIVDM,0,1,1,A,55?MbV02,0",
        "AIVDM,1,0,1,A,55?MbV02,0",
        "AIVDM,X,1,1,A,55?MbV02,0",
        "AIVDM,10,1,1,A,55?MbV02,0",
    ] {
        input.push_str(&with_checksum(body));
        input.push('\n');
    }
    // fragment 2 of 2 without fragment 1, and fragment 3 after 1 (skipping 2)
    input.push_str(&with_checksum("AIVDM,2,2,7,A,0000,2"));
    input.push('\n');
    input.push_str(&with_checksum("AIVDM,3,1,8,A,55?MbV02,0"));
    input.push('\n');
    input.push_str(&with_checksum("AIVDM,3,3,8,A,0000,2"));
    input.push('\n');
    let s = summary(input.as_bytes());
    assert_eq!(s.counts.rejected_for(RejectReason::BadFragment), 5, "{s}");
    assert_eq!(s.counts.rejected_for(RejectReason::OrphanFragment), 1, "{s}");
    assert_eq!(s.counts.rejected_for(RejectReason::OutOfOrderFragment), 1, "{s}");
}

#[test]
fn one_megabyte_line_is_skipped_and_the_stream_goes_on() {
    let mut input = vec![b'!'; 1 << 20];
    input.extend_from_slice(b"\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n");
    let s = summary(&input);
    assert_eq!(s.overlong_lines, 1);
    assert_eq!(s.messages(), 1);
    // A 1 MB payload in a well-formed sentence is rejected as too long, not buffered.
    let mut d = Decoder::default();
    let payload = "0".repeat(1 << 20);
    let line = with_checksum(&format!("AIVDM,1,1,,A,{payload},0"));
    let r = d.decode_line(line.as_bytes(), 0, 0);
    assert!(r.is_err());
    assert_eq!(d.counts().rejected_for(RejectReason::PayloadTooLong), 1);
}

#[test]
fn line_endings_and_metadata_variants() {
    let base = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
    let input = format!(
        "{base}\r\n{base}\n{base}\r{base},raishub,1342569600\n{base},s22,d-103,T40.1,x1,r1\n  {base}  \n"
    );
    let s = summary(input.as_bytes());
    // CRLF, LF, a bare CR between two sentences, both metadata styles, padding spaces.
    assert_eq!(s.messages(), 6, "{s}");
    assert_eq!(s.counts.lines, 6, "{s}");
}

#[test]
fn stats_only_prints_nothing_and_counts_the_same() {
    let input = read("gpsd/test/sample.aivdm");
    let mut out = Vec::new();
    let full = decode_stream(&mut &input[..], &mut out, &DecodeOptions::default()).expect("ok");
    let mut quiet = Vec::new();
    let opts = DecodeOptions { scaled: false, stats_only: true };
    let stats = decode_stream(&mut &input[..], &mut quiet, &opts).expect("ok");
    assert!(quiet.is_empty());
    assert_eq!(full, stats);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count() as u64, full.messages());
}

#[test]
fn scaled_output_is_valid_json_for_every_corpus() {
    for f in [
        "gpsd/test/sample.aivdm",
        "gpsd/test/daemon/ais-nmea-type6-fid55.log",
        "libais/test/data/typeexamples.nmea",
        "libais/test/data/tagblock.nmea",
        "pyais/tests/mixed.txt",
    ] {
        let input = read(f);
        let mut out = Vec::new();
        let opts = DecodeOptions { scaled: true, stats_only: false };
        decode_stream(&mut &input[..], &mut out, &opts).expect("ok");
        for line in String::from_utf8(out).expect("utf-8").lines() {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{f}: invalid JSON {e}: {line}"));
            assert_eq!(v.get("scaled"), Some(&serde_json::Value::Bool(true)));
        }
    }
}

fn real_sentences() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for f in [
        "gpsd/test/sample.aivdm",
        "libais/test/data/typeexamples.nmea",
        "libais/test/data/tagblock.nmea",
    ] {
        for line in read(f).split(|&b| b == b'\n') {
            if line.first() == Some(&b'!') || line.first() == Some(&b'\\') {
                v.push(line.to_vec());
            }
        }
    }
    v
}

/// Apply byte edits (replace, insert, delete) to a real sentence, optionally repairing its
/// checksum so that the mutation reaches the payload decoder.
fn mutate(
    mut line: Vec<u8>,
    edits: &[(prop::sample::Index, u8, u8)],
    fix_checksum: bool,
) -> Vec<u8> {
    for (at, byte, op) in edits {
        if line.is_empty() {
            break;
        }
        let i = at.index(line.len());
        match op {
            0 => line[i] = *byte,
            1 => line.insert(i, *byte),
            _ => {
                line.remove(i);
            }
        }
    }
    if fix_checksum
        && let (Some(start), Some(star)) =
            (line.iter().position(|&b| b == b'!'), line.iter().rposition(|&b| b == b'*'))
        && start < star
        && star + 2 < line.len()
    {
        let x = line[start + 1..star].iter().fold(0u8, |a, &b| a ^ b);
        let hex = format!("{x:02X}");
        line[star + 1] = hex.as_bytes()[0];
        line[star + 2] = hex.as_bytes()[1];
    }
    line
}

/// Decode a line after a few real ones (so reassembly has state) and check any output is
/// valid JSON in both modes. Returns whether a message came out.
fn exercise(corpus: &[Vec<u8>], line: &[u8]) -> bool {
    let mut d = Decoder::default();
    for l in &corpus[..corpus.len().min(5)] {
        let _ = d.decode_line(l, 0, 0);
    }
    let Ok(Some(dec)) = d.decode_line(line, 0, 0) else {
        return false;
    };
    let mut out = Vec::new();
    ais::write_json(&mut out, &dec, false);
    ais::write_json(&mut out, &dec, true);
    for l in String::from_utf8_lossy(&out).lines() {
        assert!(serde_json::from_str::<serde_json::Value>(l).is_ok(), "invalid JSON: {l}");
    }
    true
}

/// Time-boxed fuzzing with proptest's generators: `AIS_FUZZ_SECS=600 cargo test -p ais --test it
/// fuzz_for_a_while -- --ignored --nocapture` prints the number of executions.
#[test]
#[ignore]
fn fuzz_for_a_while() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let secs: u64 = std::env::var("AIS_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let corpus = real_sentences();
    let strategy = (
        any::<prop::sample::Index>(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..300),
    );
    let mut runner = TestRunner::deterministic();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let (mut executions, mut decoded) = (0u64, 0u64);
    while std::time::Instant::now() < deadline {
        for _ in 0..1000 {
            let Ok(tree) = strategy.new_tree(&mut runner) else { continue };
            let (pick, edits, fix, garbage) = tree.current();
            let line = mutate(pick.get(&corpus).clone(), &edits, fix);
            decoded += u64::from(exercise(&corpus, &line));
            let mut d = Decoder::default();
            for l in garbage.split(|&b| b == b'\n') {
                let _ = d.decode_line(l, 0, 0);
            }
            executions += 2;
        }
    }
    println!(
        "fuzz: {executions} executions in {secs} s ({decoded} mutated sentences decoded), no panic"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut d = Decoder::default();
        for line in bytes.split(|&b| b == b'\n') {
            let _ = d.decode_line(line, 0, 0);
        }
        let _ = summary(&bytes);
    }

    #[test]
    fn mutated_real_sentences_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        fix_checksum in any::<bool>(),
    ) {
        let corpus = real_sentences();
        let line = mutate(pick.get(&corpus).clone(), &edits, fix_checksum);
        exercise(&corpus, &line);
    }
}

#[test]
fn lines_split_across_reads_decode_the_same() {
    let input = read("gpsd/test/sample.aivdm");
    let mut whole = Vec::new();
    let a = decode_stream(&mut &input[..], &mut whole, &DecodeOptions::default()).expect("ok");
    for cap in [1, 7, 64, 100] {
        let mut r = std::io::BufReader::with_capacity(cap, &input[..]);
        let mut split = Vec::new();
        let b = decode_stream(&mut r, &mut split, &DecodeOptions::default()).expect("ok");
        assert_eq!(a, b, "buffer of {cap} bytes");
        assert_eq!(whole, split, "buffer of {cap} bytes");
    }
}

#[test]
fn summaries_of_several_inputs_merge() {
    let a = summary(&read("gpsd/test/sample.aivdm"));
    let b = summary(&read("pyais/tests/nmea_data_sample.txt"));
    let mut both = a;
    both.merge(&b);
    assert_eq!(both.messages(), a.messages() + b.messages());
    assert_eq!(both.rejected(), a.rejected() + b.rejected());
    assert_eq!(both.counts.lines, a.counts.lines + b.counts.lines);
}

#[test]
fn receiver_metadata_is_kept() {
    let mut d = Decoder::default();
    let line = b"!AIVDM,1,1,,B,181:Kjh01ewHFRPDK1s3IRcn06sd,0*08,raishub,1342569600";
    let Ok(Some(dec)) = d.decode_line(line, 0, 0) else { panic!("decodes") };
    assert_eq!(dec.trailer, b",raishub,1342569600");
}
