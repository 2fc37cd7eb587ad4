//! The demo's feed: the simulator's Libya scenario played into the centre on a simulation
//! clock running at `speed` × real time, through the same decoders the real sources use.
//!
//! Each 24-hour cycle is simulated into `DATA/sim/YYYY-MM-DD/` (once; `scenario.json` is
//! written last, so its presence means the day is complete), then its four feeds are merged by
//! time and each record is fed when the clock reaches it: AIS lines through the AIS edge
//! decoder, radar and ground-sensor JSON through the observation parser, unit CoT through the
//! CoT codec. The clock starts at the wall clock on a fresh centre, and on a restart at the
//! newest event folded, so a restart continues the day where it stopped. Events carry the
//! simulated receive time, so rules that take hours (an encounter, an AIS gap) fire after
//! simulated hours. When the centre cannot keep up the feed lags the clock — nothing is
//! dropped — and the lag is logged.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use model::{AgencyId, Event, Marking, Observation, SourceKind, Time, ValidationLimits};
use tokio::task::JoinHandle;

use crate::ais_source::{AisStamp, InProcess};
use crate::centre::{AppendError, Centre};
use crate::ingest::{self, SourceStamp};

const DAY_MS: i64 = 86_400_000;
/// Most observations appended in one request.
const BATCH: usize = 2_000;

/// What `tansiq demo` asks of the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedConfig {
    /// Simulated seconds per real second.
    pub speed: f64,
    pub seed: u64,
    /// Share of the background traffic (see `sim::Params::background`).
    pub background: f64,
    /// Stop after this much simulated time (tests); `None` runs until the centre stops.
    pub hours: Option<f64>,
    /// Start the clock here (UTC ms) instead of now or where the log stopped (tests).
    pub start_ms: Option<i64>,
}

impl Default for FeedConfig {
    fn default() -> FeedConfig {
        FeedConfig { speed: 1.0, seed: 1, background: 1.0, hours: None, start_ms: None }
    }
}

/// The simulation clock: `origin` at `wall`, advancing `speed` times faster.
#[derive(Clone, Copy, Debug)]
struct Clock {
    wall: Instant,
    origin: i64,
    speed: f64,
}

impl Clock {
    fn now(&self) -> i64 {
        self.origin + (self.wall.elapsed().as_secs_f64() * 1_000.0 * self.speed) as i64
    }
}

/// Starts the feed as a task; it ends when the centre stops or `hours` have been fed.
pub fn start(
    feed: FeedConfig,
    centre: Centre,
    data_dir: PathBuf,
    limits: ValidationLimits,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(error) = run(feed, centre, &data_dir, limits).await {
            tracing::error!(%error, "the demo feed stopped");
        }
    })
}

async fn run(
    feed: FeedConfig,
    centre: Centre,
    data_dir: &Path,
    limits: ValidationLimits,
) -> Result<(), String> {
    let folded_now = centre.read(|e| e.now().0);
    let wall = centre.now().0;
    // A restart resumes after the newest event; a fresh centre starts now.
    let origin = match feed.start_ms {
        Some(start) => start,
        None if folded_now > 0 => folded_now,
        None => wall,
    };
    let clock = Clock { wall: Instant::now(), origin, speed: feed.speed };
    let stop_at = feed.hours.map(|h| origin + (h * 3_600_000.0) as i64);
    let mut day = origin.div_euclid(DAY_MS) * DAY_MS;
    let mut player = Player::new(&centre, limits);
    tracing::info!(speed = feed.speed, start = %sim::iso8601(origin), "demo feed starting");
    loop {
        let dir = prepare_day(&feed, data_dir, day).await?;
        let mut merged = Merged::open(&dir)?;
        // Skip what a previous run already fed.
        merged.skip_until(origin);
        if !player.play(&mut merged, &clock, stop_at, &centre).await {
            return Ok(());
        }
        day += DAY_MS;
    }
}

/// Simulates the 24 h from `day` into `DATA/sim/DATE/` unless it is there already.
async fn prepare_day(feed: &FeedConfig, data_dir: &Path, day: i64) -> Result<PathBuf, String> {
    let date = Time(day).utc_date();
    let dir = data_dir.join("sim").join(&date);
    if dir.join("scenario.json").exists() {
        return Ok(dir);
    }
    let params = sim::Params {
        scenario: "libya".into(),
        hours: 24.0,
        seed: feed.seed.wrapping_add((day / DAY_MS) as u64),
        start_ms: day,
        background: feed.background,
    };
    let out = dir.clone();
    let started = Instant::now();
    let summary = tokio::task::spawn_blocking(move || sim::run(&params, &out))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    tracing::info!(
        %date,
        vessels = summary.vessels,
        land_tracks = summary.land_tracks,
        ais = summary.ais_sentences,
        secs = started.elapsed().as_secs_f64(),
        "demo day simulated"
    );
    Ok(dir)
}

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

    pub fn peek_time(&self) -> Option<i64> {
        self.files.iter().filter_map(|f| f.next.as_ref().map(|(t, _)| *t)).min()
    }

    pub fn pop(&mut self) -> Option<(i64, Record)> {
        let i = (0..self.files.len())
            .filter(|i| self.files[*i].next.is_some())
            .min_by_key(|i| self.files[*i].next.as_ref().map(|(t, _)| *t))?;
        let taken = self.files[i].next.take();
        self.files[i].advance();
        taken
    }

    fn skip_until(&mut self, t: i64) {
        while self.peek_time().is_some_and(|next| next <= t) {
            self.pop();
        }
    }
}

/// Turns records into observations with the real decoders and appends them.
struct Player {
    ais: InProcess,
    limits: ValidationLimits,
    fed: u64,
    last_report: Instant,
}

impl Player {
    fn new(centre: &Centre, limits: ValidationLimits) -> Player {
        let stamp = AisStamp::new("ais-coast", &AgencyId::new("CGW"), &Marking::default());
        Player {
            ais: InProcess::new(stamp, centre, limits),
            limits,
            fed: 0,
            last_report: Instant::now(),
        }
    }

    fn observe(&mut self, time: i64, record: Record, out: &mut Vec<Event>) {
        let now = Time(time);
        let observation = match record {
            Record::Ais(line) => self.ais.observe(line.as_bytes(), now),
            Record::Json { source_kind, line } => {
                json_observation(&line, source_kind, now, self.limits)
            }
            Record::Cot(line) => cot_observation(&line, now, self.limits),
        };
        if let Some(o) = observation {
            out.push(Event::observation(now, o));
        }
    }

    /// Plays `merged` until it ends (true) or the centre stops or `stop_at` passes (false).
    async fn play(
        &mut self,
        merged: &mut Merged,
        clock: &Clock,
        stop_at: Option<i64>,
        centre: &Centre,
    ) -> bool {
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let Some(next) = merged.peek_time() else { return true };
            if stop_at.is_some_and(|end| next >= end) {
                return false;
            }
            let now = clock.now();
            if next > now {
                let wait_ms = ((next - now) as f64 / clock.speed).clamp(1.0, 200.0);
                tokio::time::sleep(Duration::from_millis(wait_ms as u64)).await;
                continue;
            }
            while batch.len() < BATCH
                && merged.peek_time().is_some_and(|t| t <= now && stop_at.is_none_or(|e| t < e))
            {
                if let Some((t, record)) = merged.pop() {
                    self.observe(t, record, &mut batch);
                }
            }
            if batch.is_empty() {
                continue;
            }
            let n = batch.len() as u64;
            let mut pending = Some(std::mem::take(&mut batch));
            while let Some(events) = pending.take() {
                match centre.append(events).await {
                    Ok(_) => centre.metrics().accepted("demo-feed", n),
                    Err(AppendError::Busy(events)) => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        pending = Some(events);
                    }
                    Err(AppendError::Stopping) => return false,
                    Err(error) => {
                        tracing::error!(%error, "demo feed append failed; batch dropped");
                        centre.metrics().rejected("demo-feed", "store");
                    }
                }
            }
            self.fed += n;
            if self.last_report.elapsed() >= Duration::from_secs(30) {
                self.last_report = Instant::now();
                let behind = (clock.now() - merged.peek_time().unwrap_or(now)).max(0) / 1_000;
                tracing::info!(
                    fed = self.fed,
                    simulated = %sim::iso8601(now),
                    behind_s = behind,
                    "demo feed"
                );
            }
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
    let stamp = SourceStamp { source, source_kind, agency, marking: Marking::default() };
    let (mut ok, _rejected) =
        ingest::parse_from(line.as_bytes(), now, limits, 1, Some(&stamp)).ok()?;
    ok.pop()
}

/// Unit positions: the uid's prefix (`CGW-…`, `ARS-…`) names the unit's agency.
pub fn cot_observation(line: &str, now: Time, limits: ValidationLimits) -> Option<Observation> {
    let event = cot::Event::from_xml(line.as_bytes()).ok()?;
    let agency = event.uid.split('-').next().filter(|a| !a.is_empty()).unwrap_or("JOC");
    let from = cot::SourceInfo {
        source: "tak-units".into(),
        agency: AgencyId::new(agency),
        marking: Marking::default(),
        exercise: false,
    };
    let observation = cot::to_observation(&event, &from).ok()?;
    observation.validate(now, limits).ok()?;
    Some(observation)
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
    cot::parse_time(&line[at..end]).ok().map(|t| t.0)
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
