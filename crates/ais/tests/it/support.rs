//! Shared machinery of the conformance tests: running the decoder over a corpus, comparing
//! JSON objects field by field, per-type match rates, and the known-differences list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ais::{DecodeOptions, decode_stream};
use serde_json::{Map, Value};

/// Root of the copied corpora (`data/ais` in the repository).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ais")
}

pub fn read(rel: &str) -> Vec<u8> {
    let p = data_dir().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// Decode bytes with `decode_stream` and parse every output line as JSON.
pub fn decode_to_json(input: &[u8], scaled: bool) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    let mut r = input;
    let opts = DecodeOptions { scaled, stats_only: false };
    decode_stream(&mut r, &mut out, &opts).expect("decode_stream");
    String::from_utf8(out)
        .expect("utf-8 output")
        .lines()
        .map(|l| match serde_json::from_str::<Value>(l) {
            Ok(Value::Object(m)) => m,
            other => panic!("our output is not a JSON object: {l}: {other:?}"),
        })
        .collect()
}

/// gpsd (not split) prints type 24 only when part B follows part A of the same MMSI, as one
/// merged object; with `-s` it prints part A as well. Reproduce that from our separate parts.
pub fn gpsd_type24(ours: Vec<Map<String, Value>>, split: bool) -> Vec<Map<String, Value>> {
    let mut queue: Vec<(u64, Value)> = Vec::new();
    let mut out = Vec::new();
    for mut m in ours {
        if m.get("type").and_then(Value::as_u64) != Some(24) {
            out.push(m);
            continue;
        }
        let mmsi = m.get("mmsi").and_then(Value::as_u64).unwrap_or(0);
        match m.get("part").and_then(Value::as_str) {
            Some("A") => {
                queue.push((mmsi, m.get("shipname").cloned().unwrap_or(Value::Null)));
                if queue.len() > 8 {
                    queue.remove(0);
                }
                if split {
                    out.push(m);
                }
            }
            Some("B") => {
                if let Some(i) = queue.iter().position(|(q, _)| *q == mmsi) {
                    let (_, name) = queue.remove(i);
                    m.remove("part");
                    m.insert("shipname".into(), name);
                    out.push(m);
                } else if split {
                    out.push(m);
                }
            }
            _ => out.push(m),
        }
    }
    out
}

/// One difference between a reference decode and ours.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diff {
    pub corpus: String,
    pub msg_type: u64,
    pub mmsi: u64,
    /// A field name, or `<missing>` (reference has a message we lack) / `<extra>`.
    pub field: String,
    pub detail: String,
}

/// Per-type field tallies.
#[derive(Default, Debug)]
pub struct Tally {
    /// type -> (fields compared, fields equal, messages compared)
    pub by_type: BTreeMap<u64, (u64, u64, u64)>,
}

impl Tally {
    pub fn add(&mut self, t: u64, compared: u64, equal: u64) {
        let e = self.by_type.entry(t).or_default();
        e.0 += compared;
        e.1 += equal;
        e.2 += 1;
    }

    pub fn merge(&mut self, other: &Tally) {
        for (t, (c, e, m)) in &other.by_type {
            let x = self.by_type.entry(*t).or_default();
            x.0 += c;
            x.1 += e;
            x.2 += m;
        }
    }

    pub fn print(&self, title: &str) {
        println!("== {title}: field match rate per message type ==");
        let (mut c, mut e) = (0, 0);
        for (t, (compared, equal, msgs)) in &self.by_type {
            c += compared;
            e += equal;
            println!(
                "  type {t:>2}: {msgs:>5} messages, {equal:>6}/{compared:<6} fields = {:.2}%",
                100.0 * *equal as f64 / (*compared).max(1) as f64
            );
        }
        println!("  all    : {e}/{c} fields = {:.3}%", 100.0 * e as f64 / c.max(1) as f64);
    }
}

pub fn key(m: &Map<String, Value>) -> (u64, u64) {
    (
        m.get("type").and_then(Value::as_u64).unwrap_or(0),
        m.get("mmsi").and_then(Value::as_u64).unwrap_or(0),
    )
}

/// Compare every field of `expected` (except `class`/`device`) with `ours`; fields we print
/// that gpsd does not count as differences too.
pub fn compare_fields(
    corpus: &str,
    expected: &Map<String, Value>,
    ours: &Map<String, Value>,
    tally: &mut Tally,
    diffs: &mut Vec<Diff>,
) {
    let (t, mmsi) = key(expected);
    let skip = |k: &str| matches!(k, "class" | "device" | "tagblock");
    let (mut compared, mut equal) = (0, 0);
    for (k, v) in expected.iter().filter(|(k, _)| !skip(k)) {
        compared += 1;
        match ours.get(k) {
            Some(o) if o == v => equal += 1,
            Some(o) => diffs.push(Diff {
                corpus: corpus.into(),
                msg_type: t,
                mmsi,
                field: k.clone(),
                detail: format!("gpsd {v}, ours {o}"),
            }),
            None => diffs.push(Diff {
                corpus: corpus.into(),
                msg_type: t,
                mmsi,
                field: k.clone(),
                detail: format!("gpsd {v}, ours absent"),
            }),
        }
    }
    for (k, o) in ours.iter().filter(|(k, _)| !skip(k)) {
        if !expected.contains_key(k) {
            diffs.push(Diff {
                corpus: corpus.into(),
                msg_type: t,
                mmsi,
                field: k.clone(),
                detail: format!("gpsd absent, ours {o}"),
            });
        }
    }
    tally.add(t, compared, equal);
}

/// Align two message sequences by (type, mmsi) in order and compare the pairs.
pub fn align_and_compare(
    corpus: &str,
    expected: &[Map<String, Value>],
    ours: &[Map<String, Value>],
    tally: &mut Tally,
    diffs: &mut Vec<Diff>,
) {
    align_with(corpus, expected, ours, tally, diffs, compare_fields);
}

/// Comparator of one aligned pair.
pub type Cmp = fn(&str, &Map<String, Value>, &Map<String, Value>, &mut Tally, &mut Vec<Diff>);

/// Align by (type, mmsi) in order and compare each pair with `cmp`.
pub fn align_with(
    corpus: &str,
    expected: &[Map<String, Value>],
    ours: &[Map<String, Value>],
    tally: &mut Tally,
    diffs: &mut Vec<Diff>,
    cmp: Cmp,
) {
    let mut j = 0;
    for e in expected {
        let k = key(e);
        let window = ours.iter().skip(j).take(8).position(|o| key(o) == k);
        match window {
            Some(off) => {
                for o in ours.iter().skip(j).take(off) {
                    let (t, mmsi) = key(o);
                    diffs.push(Diff {
                        corpus: corpus.into(),
                        msg_type: t,
                        mmsi,
                        field: "<extra>".into(),
                        detail: "we decoded a message gpsd did not print".into(),
                    });
                }
                if let Some(o) = ours.get(j + off) {
                    cmp(corpus, e, o, tally, diffs);
                }
                j += off + 1;
            }
            None => {
                diffs.push(Diff {
                    corpus: corpus.into(),
                    msg_type: k.0,
                    mmsi: k.1,
                    field: "<missing>".into(),
                    detail: "gpsd printed a message we did not".into(),
                });
                tally.add(k.0, e.len() as u64, 0);
            }
        }
    }
    for o in ours.iter().skip(j) {
        let (t, mmsi) = key(o);
        diffs.push(Diff {
            corpus: corpus.into(),
            msg_type: t,
            mmsi,
            field: "<extra>".into(),
            detail: "we decoded a message gpsd did not print".into(),
        });
    }
}

/// One line of `tests/data/known-differences.txt`.
#[derive(Debug)]
pub struct Known {
    pub corpus: String,
    pub msg_type: String,
    pub mmsi: String,
    pub field: String,
    pub reason: String,
    pub line: usize,
}

impl Known {
    fn matches(&self, d: &Diff) -> bool {
        let m = |pat: &str, v: &str| match pat.strip_suffix('*') {
            Some(prefix) => v.starts_with(prefix),
            None => pat == v,
        };
        m(&self.corpus, &d.corpus)
            && m(&self.msg_type, &d.msg_type.to_string())
            && m(&self.mmsi, &d.mmsi.to_string())
            && m(&self.field, &d.field)
    }
}

pub fn known_differences() -> Vec<Known> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/known-differences.txt");
    let text = std::fs::read_to_string(&p).expect("known-differences.txt");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.splitn(5, '|').map(str::trim).collect();
            assert_eq!(f.len(), 5, "known-differences.txt:{}: want 5 fields", i + 1);
            assert!(!f[4].is_empty(), "known-differences.txt:{}: a reason is required", i + 1);
            Known {
                corpus: f[0].into(),
                msg_type: f[1].into(),
                mmsi: f[2].into(),
                field: f[3].into(),
                reason: f[4].into(),
                line: i + 1,
            }
        })
        .collect()
}

/// Fail on any difference not listed, and on listed entries for `corpora` that matched nothing.
pub fn check_known(corpora: &[&str], diffs: &[Diff]) {
    let known = known_differences();
    let mut used = vec![0usize; known.len()];
    let mut unlisted = Vec::new();
    for d in diffs {
        match known.iter().position(|k| k.matches(d)) {
            Some(i) => used[i] += 1,
            None => unlisted.push(d),
        }
    }
    for (k, n) in known.iter().zip(&used).filter(|(_, n)| **n > 0) {
        println!(
            "KNOWN {n} x {} | {} | {} | {}: {}",
            k.corpus, k.msg_type, k.mmsi, k.field, k.reason
        );
    }
    let relevant = |k: &Known| {
        corpora.iter().any(|c| {
            k.corpus == *c
                || (k.corpus.ends_with('*') && c.starts_with(k.corpus.trim_end_matches('*')))
        })
    };
    let stale: Vec<&Known> =
        known.iter().zip(&used).filter(|(k, u)| **u == 0 && relevant(k)).map(|(k, _)| k).collect();
    let listed = diffs.len() - unlisted.len();
    println!("{} differences, {listed} listed as known, {} unlisted", diffs.len(), unlisted.len());
    for d in unlisted.iter().take(2000) {
        println!(
            "UNLISTED {} | {} | {} | {} | {}",
            d.corpus, d.msg_type, d.mmsi, d.field, d.detail
        );
    }
    for k in &stale {
        println!(
            "STALE known-differences.txt:{}: {} | {} | {} | {}",
            k.line, k.corpus, k.msg_type, k.mmsi, k.field
        );
    }
    assert!(unlisted.is_empty(), "{} unlisted differences", unlisted.len());
    assert!(stale.is_empty(), "{} stale known differences", stale.len());
}
