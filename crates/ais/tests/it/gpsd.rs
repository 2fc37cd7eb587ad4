//! Conformance with gpsd: `test/sample.aivdm` against `gpsdecode -u` (`.ju.chk`), every
//! `test/daemon/*.log` against the daemon's `.log.chk`, and the pyais/rs162 samples against
//! Debian gpsd 3.22 `gpsdecode -s -u`. Field by field, match rate printed per type.

use serde_json::{Map, Value};

use crate::support::*;

fn json_lines(text: &str) -> Vec<Map<String, Value>> {
    text.lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| match serde_json::from_str::<Value>(l) {
            Ok(Value::Object(m)) if m.get("class").and_then(Value::as_str) == Some("AIS") => {
                Some(m)
            }
            _ => None,
        })
        .collect()
}

fn sample(tally: &mut Tally, diffs: &mut Vec<Diff>) {
    let input = read("gpsd/test/sample.aivdm");
    let expected = json_lines(&String::from_utf8_lossy(&read("gpsd/test/sample.aivdm.ju.chk")));
    assert_eq!(expected.len(), 97);
    let ours = gpsd_type24(decode_to_json(&input, false), false);
    align_and_compare("gpsd/sample.aivdm", &expected, &ours, tally, diffs);
}

fn sample_scaled(tally: &mut Tally, diffs: &mut Vec<Diff>) {
    let input = read("gpsd/test/sample.aivdm");
    let expected = json_lines(&String::from_utf8_lossy(&read("gpsd/test/sample.aivdm.js.chk")));
    assert_eq!(expected.len(), 97);
    let ours = gpsd_type24(decode_to_json(&input, true), false);
    align_and_compare("gpsd/sample.aivdm/scaled", &expected, &ours, tally, diffs);
}

const DAEMON_LOGS: [&str; 7] = [
    "ais-18-27.log",
    "ais-nmea-type6-fid55.log",
    "ais-nmea.log",
    "ais-raw-messages.log",
    "ais_unpack_sixbit.log",
    "ait250.log",
    "saab-r4.log",
];

/// The daemon echoes each input sentence into the `.chk`, then the JSON it produced; after
/// non-AIS sentences it may repeat the last AIS report. Group the `.chk` by echoed AIS sentence
/// and compare what we decode from each sentence of the `.log` with that group.
fn daemon(name: &str, tally: &mut Tally, diffs: &mut Vec<Diff>) {
    let corpus = format!("gpsd/daemon/{name}");
    let log = String::from_utf8_lossy(&read(&format!("gpsd/test/daemon/{name}"))).into_owned();
    let chk = String::from_utf8_lossy(&read(&format!("gpsd/test/daemon/{name}.chk"))).into_owned();
    let log_sentences: Vec<&str> = log.lines().filter(|l| l.starts_with('!')).collect();
    let mut groups: Vec<(String, Vec<Map<String, Value>>)> = Vec::new();
    for line in chk.lines() {
        if line.starts_with('!') {
            groups.push((line.to_string(), Vec::new()));
        } else if let Some(g) = groups.last_mut() {
            g.1.extend(json_lines(line));
        }
    }
    assert_eq!(
        groups.iter().map(|g| g.0.trim_end()).collect::<Vec<_>>(),
        log_sentences.iter().map(|l| l.trim_end()).collect::<Vec<_>>(),
        "{name}: the .chk echoes the .log's AIS sentences in order"
    );
    // Decode the whole log once, sentence by sentence, keeping reassembly state.
    let mut decoder = ais::Decoder::default();
    let mut last_expected: Option<Map<String, Value>> = None;
    let mut pending_a: Vec<(u64, Value)> = Vec::new();
    for (sentence, expected) in &groups {
        let mut ours = Vec::new();
        if let Ok(Some(d)) = decoder.decode_line(sentence.as_bytes(), 0, 0) {
            let mut buf = Vec::new();
            ais::write_json(&mut buf, &d, false);
            if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&buf) {
                ours.push(m);
            }
        }
        // gpsd prints type 24 only once part B completes part A.
        let ours = {
            let mut v = Vec::new();
            for m in ours {
                let mmsi = key(&m).1;
                match (key(&m).0, m.get("part").and_then(Value::as_str)) {
                    (24, Some("A")) => {
                        pending_a.push((mmsi, m.get("shipname").cloned().unwrap_or(Value::Null)));
                        if pending_a.len() > 8 {
                            pending_a.remove(0);
                        }
                    }
                    (24, Some("B")) => {
                        if let Some(i) = pending_a.iter().position(|(q, _)| *q == mmsi) {
                            let (_, n) = pending_a.remove(i);
                            let mut m = m;
                            m.remove("part");
                            m.insert("shipname".into(), n);
                            v.push(m);
                        }
                    }
                    _ => v.push(m),
                }
            }
            v
        };
        // Drop echoes of the previous report.
        let mut fresh: Vec<Map<String, Value>> = Vec::new();
        for e in expected {
            let echo = last_expected.as_ref() == Some(e);
            if !echo || ours.len() > fresh.len() {
                fresh.push(e.clone());
            }
            last_expected = Some(e.clone());
        }
        fresh.dedup();
        align_and_compare(&corpus, &fresh, &ours, tally, diffs);
    }
}

fn derived(corpus: &str, input: &str, reference: &str, tally: &mut Tally, diffs: &mut Vec<Diff>) {
    let expected = json_lines(&String::from_utf8_lossy(&read(reference)));
    let ours = gpsd_type24(decode_to_json(&read(input), false), true);
    align_and_compare(corpus, &expected, &ours, tally, diffs);
}

#[test]
fn conformance_with_gpsd() {
    let mut all = Tally::default();
    let mut diffs = Vec::new();

    let mut t = Tally::default();
    sample(&mut t, &mut diffs);
    t.print("gpsd test/sample.aivdm vs gpsdecode -u (sample.aivdm.ju.chk)");
    all.merge(&t);

    let mut t = Tally::default();
    sample_scaled(&mut t, &mut diffs);
    t.print(
        "gpsd test/sample.aivdm --scaled vs gpsdecode (sample.aivdm.js.chk, numbers as numbers)",
    );

    let mut t = Tally::default();
    for name in DAEMON_LOGS {
        daemon(name, &mut t, &mut diffs);
    }
    t.print("gpsd test/daemon/*.log vs gpsd daemon output (.log.chk)");
    all.merge(&t);

    let mut t = Tally::default();
    derived(
        "gpsd322/pyais_nmea_data_sample",
        "pyais/tests/nmea_data_sample.txt",
        "derived/pyais_nmea_data_sample.gpsdecode-3.22-su.json",
        &mut t,
        &mut diffs,
    );
    derived(
        "gpsd322/rs162_ais_nmea",
        "rs162/data/ais_nmea.txt",
        "derived/rs162_ais_nmea.gpsdecode-3.22-su.json",
        &mut t,
        &mut diffs,
    );
    t.print("pyais + rs162 samples vs Debian gpsd 3.22 gpsdecode -s -u");
    all.merge(&t);

    all.print("all gpsd references");
    let mut corpora: Vec<String> =
        vec!["gpsd/sample.aivdm".into(), "gpsd/sample.aivdm/scaled".into()];
    corpora.extend(DAEMON_LOGS.iter().map(|n| format!("gpsd/daemon/{n}")));
    corpora.push("gpsd322/pyais_nmea_data_sample".into());
    corpora.push("gpsd322/rs162_ais_nmea".into());
    let refs: Vec<&str> = corpora.iter().map(String::as_str).collect();
    check_known(&refs, &diffs);
}

#[test]
#[ignore]
fn dump_sample() {
    for m in decode_to_json(&read("gpsd/test/sample.aivdm"), false) {
        println!("{}", serde_json::to_string(&m).unwrap_or_default());
    }
}

#[test]
#[ignore]
fn dump_file() {
    let path = std::env::var("AIS_DUMP").unwrap_or_default();
    let bytes = std::fs::read(path).unwrap_or_default();
    let scaled = std::env::var("AIS_SCALED").is_ok();
    for m in decode_to_json(&bytes, scaled) {
        println!("{}", serde_json::to_string(&m).unwrap_or_default());
    }
}
