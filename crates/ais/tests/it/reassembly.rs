//! Reassembly on aggregated feeds: interleaved stations, distinguished by tag-block source or
//! by the caller's connection id, never mix their fragments.

use ais::{Body, Decoder};

const PART1: &str =
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C";
const PART2: &str = "!AIVDM,2,2,1,A,88888888880,2*25";
// Another station's type 5 (gpsd sample, channel multiplexing test), re-labelled to the same
// sequential id and channel as PART1/PART2 so that only the source tells them apart.
const OTHER1: &str = "AIVDM,2,1,1,A,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0";
const OTHER2: &str = "AIVDM,2,2,1,A,00000000000,2";

fn sentence(body: &str) -> String {
    let x = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{x:02X}")
}

fn tagged(source: &str, line: &str) -> String {
    let tb = format!("s:{source},c:1700000000");
    let x = tb.bytes().fold(0u8, |a, b| a ^ b);
    format!("\\{tb}*{x:02X}\\{line}")
}

fn shipname(d: &ais::Decoded<'_>) -> String {
    match &d.message.body {
        Body::StaticVoyage(v) => v.shipname.as_str().to_string(),
        other => panic!("type 5 expected, got {other:?}"),
    }
}

#[test]
fn interleaved_sources_do_not_mix() {
    let other1 = sentence(OTHER1);
    let other2 = sentence(OTHER2);
    let lines = [
        tagged("station-a", PART1),
        tagged("station-b", &other1),
        tagged("station-a", PART2),
        tagged("station-b", &other2),
    ];
    let mut d = Decoder::default();
    let mut names = Vec::new();
    for l in &lines {
        if let Ok(Some(dec)) = d.decode_line(l.as_bytes(), 0, 0) {
            names.push((dec.tag_block.and_then(|t| t.source).map(str::to_string), shipname(&dec)));
        }
    }
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0].0.as_deref(), Some("station-a"));
    assert_eq!(names[1].0.as_deref(), Some("station-b"));
    assert_ne!(names[0].1, names[1].1);
    assert_eq!(d.reassembly_stats().replaced, 0);
}

#[test]
fn interleaved_connections_do_not_mix() {
    let other1 = sentence(OTHER1);
    let other2 = sentence(OTHER2);
    let mut d = Decoder::default();
    let mut got = Vec::new();
    for (conn, l) in [(1, PART1), (2, other1.as_str()), (1, PART2), (2, other2.as_str())] {
        if let Ok(Some(dec)) = d.decode_line(l.as_bytes(), conn, 0) {
            got.push((conn, shipname(&dec)));
        }
    }
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 1);
    assert_eq!(got[1].0, 2);
    // The same four lines on one connection without tag blocks cannot be told apart: the
    // second first-fragment replaces the first (counted), and nothing wrong is emitted silently.
    let mut d = Decoder::default();
    for l in [PART1, other1.as_str(), PART2, other2.as_str()] {
        let _ = d.decode_line(l.as_bytes(), 0, 0);
    }
    assert_eq!(d.reassembly_stats().replaced, 1);
}

#[test]
fn own_ship_reports_are_flagged() {
    let mut d = Decoder::default();
    let line = "!AIVDO,1,1,,,B39i>1000nTu;gQAlBj:wwS5kP06,0*5D";
    let Ok(Some(dec)) = d.decode_line(line.as_bytes(), 0, 0) else { panic!("VDO decodes") };
    assert!(dec.own_ship);
    assert_eq!(dec.talker, *b"AI");
}
