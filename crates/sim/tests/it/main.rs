//! The simulator: its AIS decodes with Tansiq's decoder, its world is deterministic and holds
//! what the scenarios need, and bad parameters are clear errors.

use std::path::Path;

use sim::libya;
use sim::world::Kind;
use sim::{
    DEFAULT_START_MS, Params, Position, Static, class_a, class_b, iso8601, sentences, static_voyage,
};

fn decode_all(lines: &[String]) -> Vec<ais::Message> {
    let mut decoder = ais::Decoder::new(ais::ReassemblyConfig::default());
    let mut out = Vec::new();
    for line in lines {
        if let Ok(Some(d)) = decoder.decode_line(line.as_bytes(), 0, 0) {
            out.push(d.message.clone());
        }
    }
    out
}

#[test]
fn position_reports_decode_to_what_was_encoded() {
    let p = Position {
        mmsi: 642_100_777,
        lon: 12.023_456,
        lat: 33.181_234,
        speed_kn: 7.3,
        course_deg: 351.2,
        heading_deg: Some(350.0),
        status: 0,
        second: 42,
    };
    for (payload, fill) in [class_a(&p), class_b(&p)] {
        let lines = sentences(&payload, fill, "ais-zuwara", 1_780_272_000, 0, 'A');
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("\\s:ais-zuwara,c:1780272000*"), "{}", lines[0]);
        let messages = decode_all(&lines);
        assert_eq!(messages.len(), 1, "{lines:?}");
        let m = &messages[0];
        assert_eq!(m.mmsi, 642_100_777);
        let (lon, lat, speed, course) = match &m.body {
            ais::Body::Position(r) => {
                (r.position(), r.position(), r.speed_knots(), r.course_degrees())
            }
            ais::Body::ClassB(r) => {
                (r.position(), r.position(), r.speed_knots(), r.course_degrees())
            }
            other => panic!("unexpected body {other:?}"),
        };
        let (lon, lat) = (lon.expect("lon").0, lat.expect("lat").1);
        assert!((lon - p.lon).abs() < 1e-5 && (lat - p.lat).abs() < 1e-5, "{lon} {lat}");
        assert!((speed.expect("speed") - 7.3).abs() < 0.051);
        assert!((course.expect("course") - 351.2).abs() < 0.051);
    }
}

#[test]
fn static_data_spans_two_sentences_and_decodes() {
    let s = Static {
        mmsi: 636_091_234,
        imo: 9_123_456,
        callsign: "A8XY7".into(),
        name: "OCEAN GRACE".into(),
        ship_type: 80,
        length_m: 230,
        beam_m: 38,
        destination: "ZAWIYA".into(),
    };
    let (payload, fill) = static_voyage(&s);
    let lines = sentences(&payload, fill, "ais-tripoli", 1_780_272_000, 3, 'B');
    assert_eq!(lines.len(), 2);
    let messages = decode_all(&lines);
    assert_eq!(messages.len(), 1);
    match &messages[0].body {
        ais::Body::StaticVoyage(v) => {
            assert_eq!(v.shipname.as_str(), "OCEAN GRACE");
            assert_eq!(v.callsign.as_str(), "A8XY7");
            assert_eq!(v.imo, 9_123_456);
        }
        other => panic!("unexpected body {other:?}"),
    }
}

#[test]
fn times_render_as_iso8601() {
    assert_eq!(iso8601(DEFAULT_START_MS), "2026-06-01T00:00:00.000Z");
    assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
}

fn params(hours: f64) -> Params {
    Params { scenario: "libya".into(), hours, seed: 7, start_ms: DEFAULT_START_MS, background: 1.0 }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("feed file")
}

#[test]
fn the_same_seed_writes_the_same_feeds() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let sa = sim::run(&params(1.5), a.path()).expect("sim");
    let sb = sim::run(&params(1.5), b.path()).expect("sim");
    assert_eq!(sa, sb);
    for f in ["ais.nmea", "radar.ndjson", "sensors.ndjson", "units.cot", "scenario.json"] {
        assert_eq!(read(a.path(), f), read(b.path(), f), "{f}");
    }
    assert!(sa.ais_sentences > 1_000 && sa.radar_plots > 1_000 && sa.cot_events > 100, "{sa:?}");
    // Every AIS line decodes; the night departure (01:00) shows up on the Zuwara radar.
    let ais_lines: Vec<String> = read(a.path(), "ais.nmea").lines().map(str::to_string).collect();
    let mut decoder = ais::Decoder::new(ais::ReassemblyConfig::default());
    let mut rejected = 0;
    let mut messages = 0;
    for line in &ais_lines {
        match decoder.decode_line(line.as_bytes(), 0, 0) {
            Ok(Some(_)) => messages += 1,
            Ok(None) => {}
            Err(_) => rejected += 1,
        }
    }
    assert_eq!(rejected, 0, "every simulated sentence is valid AIS");
    assert!(messages * 2 > ais_lines.len(), "{messages} messages from {} lines", ais_lines.len());
    let radar = read(a.path(), "radar.ndjson");
    assert!(radar.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    assert!(radar.contains("\"radar-zuwara\""));
}

#[test]
fn a_day_has_the_fleet_and_the_scenarios_the_brief_asks_for() {
    let rng = sim::rng::Rng::new(7);
    let actors = libya::actors(&rng, DEFAULT_START_MS, DEFAULT_START_MS + 24 * libya::HOUR, 1.0);
    let vessels = actors.iter().filter(|a| a.kind == Kind::Vessel).count();
    let land = actors.iter().filter(|a| a.kind == Kind::Vehicle).count();
    assert!(vessels >= 2_000, "{vessels} vessels");
    assert!(land >= 200, "{land} land tracks");
    assert!(actors.iter().any(|a| a.mmsi / 1_000_000 == 970), "an AIS-SART");
    assert!(actors.iter().any(|a| a.exercise), "an exercise contact");
    // The convoy crosses the Niger border more than 2 km (about 40 km) from Tummo.
    let geography = geo::Geography::libya().expect("geography");
    let convoy: Vec<_> = actors.iter().filter(|a| a.name.starts_with("convoy")).collect();
    assert_eq!(convoy.len(), 4);
    let c = convoy[0];
    let mut crossing = None;
    let mut t = c.start;
    while t + 60_000 < c.end && crossing.is_none() {
        let (a, _, _) = c.state(t);
        let (b, _, _) = c.state(t + 60_000);
        crossing = geography.border_crossing(a, b).map(|x| {
            (x.border.id.clone(), x.into_libya, x.nearest_bcp.map(|(z, m)| (z.id.clone(), m)))
        });
        t += 60_000;
    }
    let (border, into, bcp) = crossing.expect("the convoy crosses a border");
    assert_eq!(border, "border.ner");
    assert!(into, "northbound into Libya");
    let (bcp, metres) = bcp.expect("a nearest crossing point");
    assert_eq!(bcp, "bcp.tummo");
    assert!((30_000.0..50_000.0).contains(&metres), "{metres} m from Tummo");
}

#[test]
fn unknown_scenarios_bad_hours_and_unwritable_folders_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = params(1.0);
    p.scenario = "atlantis".into();
    assert!(sim::run(&p, dir.path()).expect_err("unknown").to_string().contains("atlantis"));
    for hours in [0.0, -1.0, f64::NAN, 10_000.0] {
        assert!(sim::run(&params(hours), dir.path()).is_err(), "{hours}");
    }
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let err = sim::run(&params(1.0), &file.join("sub")).expect_err("unwritable");
    assert!(err.to_string().contains("cannot write"), "{err}");
}
