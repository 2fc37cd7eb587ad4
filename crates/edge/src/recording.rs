//! Recordings: the four feed files `tansiq sim` writes (`ais.nmea`, `radar.ndjson`,
//! `sensors.ndjson`, `units.cot`), or recordings in the same formats, merged in time order,
//! and the simulator's conventions for turning their records into observations. Files are read
//! with the standard library, a line at a time.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use model::{AgencyId, Marking, Observation, SourceKind, Time, ValidationLimits};

use crate::{Stamp, json};

/// One record of a feed file, with its time.
#[derive(Debug)]
pub enum Record {
    Ais(String),
    Json { source_kind: SourceKind, line: String },
    Cot(String),
}

#[derive(Debug)]
struct FeedFile {
    lines: std::io::Lines<BufReader<File>>,
    kind: u8,
    next: Option<(i64, Record)>,
    /// The time of the last record read, for lines that carry none of their own.
    last: i64,
}

impl FeedFile {
    fn open(path: &Path, kind: u8) -> Result<FeedFile, String> {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let mut f = FeedFile { lines: BufReader::new(file).lines(), kind, next: None, last: 0 };
        f.advance();
        Ok(f)
    }

    fn advance(&mut self) {
        self.next = None;
        for line in self.lines.by_ref() {
            let Ok(line) = line else { return };
            if line.trim().is_empty() {
                continue;
            }
            let time = match self.kind {
                0 => tag_time(&line),
                3 => cot_time(&line),
                _ => json_time(&line),
            }
            .unwrap_or(self.last);
            self.last = time;
            let record = match self.kind {
                0 => Record::Ais(line),
                1 => Record::Json { source_kind: SourceKind::Radar, line },
                2 => Record::Json { source_kind: SourceKind::Sensor, line },
                _ => Record::Cot(line),
            };
            self.next = Some((time, record));
            return;
        }
    }
}

/// The four feeds of a recording (as `tansiq sim` writes them) merged in time order.
#[derive(Debug)]
pub struct Merged {
    files: Vec<FeedFile>,
}

impl Merged {
    /// Opens `ais.nmea`, `radar.ndjson`, `sensors.ndjson` and `units.cot` in `dir`.
    pub fn open(dir: &Path) -> Result<Merged, String> {
        let names = ["ais.nmea", "radar.ndjson", "sensors.ndjson", "units.cot"];
        let files = names
            .iter()
            .enumerate()
            .map(|(i, n)| FeedFile::open(&dir.join(n), i as u8))
            .collect::<Result<_, _>>()?;
        Ok(Merged { files })
    }

    /// The time of the next record, or `None` at the end of every file.
    pub fn peek_time(&self) -> Option<i64> {
        self.files.iter().filter_map(|f| f.next.as_ref().map(|(t, _)| *t)).min()
    }

    /// The next record in time order (ties: AIS, radar, sensors, units).
    pub fn pop(&mut self) -> Option<(i64, Record)> {
        let i = (0..self.files.len())
            .filter(|i| self.files[*i].next.is_some())
            .min_by_key(|i| self.files[*i].next.as_ref().map(|(t, _)| *t))?;
        let taken = self.files[i].next.take();
        self.files[i].advance();
        taken
    }

    /// Drops every record up to and including time `t`.
    pub fn skip_until(&mut self, t: i64) {
        while self.peek_time().is_some_and(|next| next <= t) {
            self.pop();
        }
    }
}

/// The sim's radar and sensor lines carry their source id; the agency follows the kind:
/// coastal radars are the coast guard's, ground sensors the army's.
pub fn json_observation(
    line: &str,
    source_kind: SourceKind,
    now: Time,
    limits: ValidationLimits,
) -> Option<Observation> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let source = value.get("source").and_then(|s| s.as_str()).unwrap_or("sim").to_string();
    let agency = AgencyId::new(if source_kind == SourceKind::Radar { "CGW" } else { "ARS" });
    let stamp = Stamp { source, source_kind, agency, marking: Marking::default() };
    let (mut ok, _rejected) =
        json::parse_from(line.as_bytes(), now, limits, 1, Some(&stamp)).ok()?;
    ok.pop()
}

/// Unit positions: the uid's prefix (`CGW-…`, `ARS-…`) names the unit's agency.
pub fn cot_observation(line: &str, now: Time, limits: ValidationLimits) -> Option<Observation> {
    let event = ::cot::Event::from_xml(line.as_bytes()).ok()?;
    let agency = event.uid.split('-').next().filter(|a| !a.is_empty()).unwrap_or("JOC");
    let from = ::cot::SourceInfo {
        source: "tak-units".into(),
        agency: AgencyId::new(agency),
        marking: Marking::default(),
        exercise: false,
    };
    crate::cot::observe(&event, &from, now, limits).ok().flatten()
}

/// The `c:` time of a tag block (seconds or milliseconds since the epoch).
fn tag_time(line: &str) -> Option<i64> {
    let block = line.strip_prefix('\\')?.split('\\').next()?;
    let value = block.split(['*', ',']).find_map(|f| f.strip_prefix("c:"))?;
    let n: i64 = value.parse().ok()?;
    Some(if value.len() >= 13 { n } else { n * 1_000 })
}

fn json_time(line: &str) -> Option<i64> {
    let at = line.find("\"time\":")? + 7;
    let digits: String =
        line[at..].trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().ok()
}

fn cot_time(line: &str) -> Option<i64> {
    let at = line.find(" time=\"")? + 7;
    let end = line[at..].find('"')? + at;
    ::cot::parse_time(&line[at..end]).ok().map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_times_are_read_from_each_format() {
        assert_eq!(
            tag_time("\\s:zuwara,c:1780272000*5C\\!AIVDM,1,1,,A,x,0*00"),
            Some(1_780_272_000_000)
        );
        assert_eq!(tag_time("\\c:1780272000123*00\\!AIVDM"), Some(1_780_272_000_123));
        assert_eq!(tag_time("!AIVDM,1,1,,A,x,0*00"), None);
        assert_eq!(
            json_time(r#"{"source":"radar-zuwara","time":1780272030000,"x":1}"#),
            Some(1_780_272_030_000)
        );
        assert_eq!(
            cot_time(
                r#"<event version="2.0" uid="CGW-1" type="a-f-S" time="2026-06-01T00:00:30.000Z" start="x">"#
            ),
            Some(1_780_272_030_000)
        );
    }
}
