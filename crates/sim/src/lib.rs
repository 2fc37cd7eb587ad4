//! The scenario simulator: the feeds real sensors would produce, as files.
//!
//! `run` writes, for a named scenario, deterministic for a seed:
//! - `ais.nmea` — `!AIVDM` sentences with NMEA 4.0 tag blocks (`s:` the coastal receiver,
//!   `c:` UNIX seconds), only from vessels within about 40 nm of a receiver;
//! - `radar.ndjson` — coastal radar tracks (24 nm) as observation JSON, with position noise,
//!   missed detections and false plots;
//! - `sensors.ndjson` — ground-sensor detections on the southern borders;
//! - `units.cot` — own units' positions as Cursor-on-Target XML events, one per line;
//! - `scenario.json` — what was simulated and when each scenario plays.
//!
//! The simulator writes sensor data only, never alerts: every alert must come out of the real
//! pipeline. Files are in time order. It does no I/O but writing into the given folder, and
//! reads no clock: the start time is a parameter.

mod ais_encode;
pub mod earth;
pub mod libya;
pub mod rng;
pub mod world;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use earth::{KNOT_MPS, destination, distance_m};
use rng::Rng;
use serde_json::json;
use world::{Actor, Ais, Kind, Sensor};

pub use ais_encode::{Position, Static, class_a, class_b, sentences, static_voyage};

/// 2026-06-01T00:00:00Z: the default start of a simulation.
pub const DEFAULT_START_MS: i64 = 1_780_272_000_000;

#[derive(Clone, Debug)]
pub struct Params {
    pub scenario: String,
    pub hours: f64,
    pub seed: u64,
    pub start_ms: i64,
    /// Share of the background traffic (merchants, tankers, ferries, fishing boats) to
    /// simulate, 0–1; the scenarios play whole whatever it is. 1 for the full picture.
    pub background: f64,
}

/// Lines written per feed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub vessels: usize,
    pub land_tracks: usize,
    pub ais_sentences: u64,
    pub radar_plots: u64,
    pub sensor_detections: u64,
    pub cot_events: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("unknown scenario {0:?} (known: libya)")]
    UnknownScenario(String),
    #[error("--hours must be a positive number up to 720, got {0}")]
    Hours(f64),
    #[error("background share {0} is not between 0 and 1")]
    Background(f64),
    #[error("cannot write to {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// The scenarios this simulator knows.
pub const SCENARIOS: [&str; 1] = ["libya"];

/// The radar and ground-sensor intervals: a plot per contact every 30 s, a detection a minute.
const RADAR_EVERY_MS: i64 = 30_000;
const SENSOR_EVERY_MS: i64 = 60_000;
const TICK_MS: i64 = 10_000;
/// Class A vessels send static and voyage data every six minutes.
const STATIC_EVERY_MS: i64 = 6 * 60_000;

struct Feeds {
    dir: PathBuf,
    ais: BufWriter<File>,
    radar: BufWriter<File>,
    sensors: BufWriter<File>,
    cot: BufWriter<File>,
    summary: Summary,
}

fn open(dir: &Path, name: &str) -> Result<BufWriter<File>, SimError> {
    let path = dir.join(name);
    File::create(&path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| SimError::Write { path, message: e.to_string() })
}

impl Feeds {
    fn write(&mut self, which: u8, line: &str) -> Result<(), SimError> {
        let (w, name) = match which {
            0 => (&mut self.ais, "ais.nmea"),
            1 => (&mut self.radar, "radar.ndjson"),
            2 => (&mut self.sensors, "sensors.ndjson"),
            _ => (&mut self.cot, "units.cot"),
        };
        writeln!(w, "{line}")
            .map_err(|e| SimError::Write { path: self.dir.join(name), message: e.to_string() })
    }
}

/// Simulates `params` into `out`, creating the folder if needed.
pub fn run(params: &Params, out: &Path) -> Result<Summary, SimError> {
    if !SCENARIOS.contains(&params.scenario.as_str()) {
        return Err(SimError::UnknownScenario(params.scenario.clone()));
    }
    if !(params.hours.is_finite() && params.hours > 0.0 && params.hours <= 720.0) {
        return Err(SimError::Hours(params.hours));
    }
    if !(0.0..=1.0).contains(&params.background) {
        return Err(SimError::Background(params.background));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| SimError::Write { path: out.to_path_buf(), message: e.to_string() })?;
    let mut feeds = Feeds {
        dir: out.to_path_buf(),
        ais: open(out, "ais.nmea")?,
        radar: open(out, "radar.ndjson")?,
        sensors: open(out, "sensors.ndjson")?,
        cot: open(out, "units.cot")?,
        summary: Summary::default(),
    };
    let rng = Rng::new(params.seed);
    let end = params.start_ms + (params.hours * 3_600_000.0) as i64;
    let receivers = libya::ais_receivers();
    let radars = libya::radars();
    let ugs = libya::ground_sensors();
    let mut day = params.start_ms;
    let mut schedule = Vec::new();
    while day < end {
        let cycle_end = (day + 24 * libya::HOUR).min(end);
        let actors = libya::actors(&rng, day, cycle_end, params.background);
        let mut counted = (0, 0);
        for a in &actors {
            match a.kind {
                Kind::Vessel => counted.0 += 1,
                Kind::Vehicle => counted.1 += 1,
            }
        }
        feeds.summary.vessels = feeds.summary.vessels.max(counted.0);
        feeds.summary.land_tracks = feeds.summary.land_tracks.max(counted.1);
        for (name, offset) in libya::SCHEDULE {
            if day + offset <= end {
                schedule.push(json!({ "scenario": name, "time": day + offset }));
            }
        }
        simulate(&mut feeds, &rng, &actors, day, cycle_end, &receivers, &radars, &ugs)?;
        day = cycle_end;
    }
    for w in [&mut feeds.ais, &mut feeds.radar, &mut feeds.sensors, &mut feeds.cot] {
        w.flush()
            .map_err(|e| SimError::Write { path: out.to_path_buf(), message: e.to_string() })?;
    }
    let manifest = json!({
        "scenario": params.scenario,
        "seed": params.seed,
        "start": params.start_ms,
        "hours": params.hours,
        "background": params.background,
        "schedule": schedule,
        "summary": {
            "vessels": feeds.summary.vessels,
            "land_tracks": feeds.summary.land_tracks,
            "ais_sentences": feeds.summary.ais_sentences,
            "radar_plots": feeds.summary.radar_plots,
            "sensor_detections": feeds.summary.sensor_detections,
            "cot_events": feeds.summary.cot_events,
        },
        "sources": {
            "ais": receivers.iter().map(|r| &r.id).collect::<Vec<_>>(),
            "radar": radars.iter().map(|r| &r.id).collect::<Vec<_>>(),
            "ground_sensors": ugs.len(),
        },
    });
    let path = out.join("scenario.json");
    std::fs::write(&path, format!("{manifest:#}\n"))
        .map_err(|e| SimError::Write { path, message: e.to_string() })?;
    Ok(feeds.summary)
}

fn nearest(sensors: &[Sensor], p: [f64; 2]) -> Option<&Sensor> {
    sensors
        .iter()
        .map(|s| (s, distance_m(s.at, p)))
        .filter(|(s, d)| *d <= s.range_m)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(s, _)| s)
}

#[allow(clippy::too_many_arguments)]
fn simulate(
    feeds: &mut Feeds,
    rng: &Rng,
    actors: &[Actor],
    day: i64,
    end: i64,
    receivers: &[Sensor],
    radars: &[Sensor],
    ugs: &[Sensor],
) -> Result<(), SimError> {
    let mut noise = rng.fork(0xA11CE ^ day as u64);
    let mut t = day;
    let mut false_plots = 0u64;
    while t < end {
        let radar_tick = (t - day) % RADAR_EVERY_MS == 0;
        let sensor_tick = (t - day) % SENSOR_EVERY_MS == 0;
        for (i, a) in actors.iter().enumerate() {
            if !a.active(t) {
                continue;
            }
            let (p, course, speed) = a.state(t);
            if (t + a.phase_ms) % a.report_every_ms < TICK_MS {
                let fix = Fix { t, p, course, speed };
                report_ais(feeds, a, &fix, receivers)?;
                report_cot(feeds, a, &fix)?;
            }
            if a.radar_visible && a.kind == Kind::Vessel && radar_tick {
                for r in radars.iter().filter(|r| distance_m(r.at, p) <= r.range_m) {
                    if noise.chance(0.08) {
                        continue; // a missed detection
                    }
                    let fix = destination(p, noise.range(0.0, 360.0), noise.gauss(60.0).abs());
                    let line = json!({
                        "source": r.id, "time": t,
                        "position": { "lon": round6(fix[0]), "lat": round6(fix[1]), "accuracy_m": 60.0 },
                        "speed_mps": round2(speed + noise.gauss(0.3)).max(0.0),
                        "course_deg": round1(course),
                        "identity": { "source_track": format!("{}-{i}", &r.id[6..]) },
                        "kind": "unknown",
                        "exercise": a.exercise,
                    });
                    feeds.write(1, &line.to_string())?;
                    feeds.summary.radar_plots += 1;
                }
            }
            if a.kind == Kind::Vehicle
                && a.cot.is_none()
                && sensor_tick
                && let Some(s) = nearest(ugs, p)
            {
                {
                    let fix = destination(p, noise.range(0.0, 360.0), noise.gauss(150.0).abs());
                    let line = json!({
                        "source": s.id, "time": t,
                        "position": { "lon": round6(fix[0]), "lat": round6(fix[1]), "accuracy_m": 150.0 },
                        "speed_mps": round2(speed), "course_deg": round1(course),
                        "identity": { "source_track": format!("{}-{i}", s.id) },
                        "kind": "vehicle",
                        "exercise": a.exercise,
                    });
                    feeds.write(2, &line.to_string())?;
                    feeds.summary.sensor_detections += 1;
                }
            }
        }
        if radar_tick {
            for r in radars {
                if noise.chance(0.03) {
                    false_plots += 1;
                    let at =
                        destination(r.at, noise.range(0.0, 360.0), noise.range(2_000.0, r.range_m));
                    let line = json!({
                        "source": r.id, "time": t,
                        "position": { "lon": round6(at[0]), "lat": round6(at[1]), "accuracy_m": 60.0 },
                        "identity": { "source_track": format!("{}-f{false_plots}", &r.id[6..]) },
                        "kind": "unknown",
                    });
                    feeds.write(1, &line.to_string())?;
                    feeds.summary.radar_plots += 1;
                }
            }
        }
        t += TICK_MS;
    }
    Ok(())
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Where an actor is when it reports.
#[derive(Clone, Copy)]
struct Fix {
    t: i64,
    p: [f64; 2],
    course: f64,
    speed: f64,
}

fn report_ais(
    feeds: &mut Feeds,
    a: &Actor,
    fix: &Fix,
    receivers: &[Sensor],
) -> Result<(), SimError> {
    let Fix { t, p, course, speed } = *fix;
    if a.mmsi == 0 || !a.ais_on(t) {
        return Ok(());
    }
    let Some(receiver) = nearest(receivers, p) else { return Ok(()) };
    let unix_s = t.div_euclid(1_000);
    let position = Position {
        mmsi: a.mmsi,
        lon: p[0],
        lat: p[1],
        speed_kn: speed / KNOT_MPS,
        course_deg: course,
        heading_deg: Some(course.round()),
        status: match a.ais {
            Ais::Sart => 14,
            _ if speed < 0.3 => 1,
            _ if a.ship_type == 30 => 7,
            _ => 0,
        },
        second: (unix_s % 60) as u8,
    };
    let channel = if (t / 10_000) % 2 == 0 { 'A' } else { 'B' };
    let (payload, fill) = match a.ais {
        Ais::ClassB => class_b(&position),
        _ => class_a(&position),
    };
    for line in sentences(&payload, fill, &receiver.id, unix_s, 0, channel) {
        feeds.write(0, &line)?;
        feeds.summary.ais_sentences += 1;
    }
    let class_a_static = matches!(a.ais, Ais::ClassA | Ais::ClassAOffBetween(..));
    if class_a_static && (t + a.phase_ms) % STATIC_EVERY_MS < a.report_every_ms.min(TICK_MS) {
        let info = Static {
            mmsi: a.mmsi,
            imo: 9_000_000 + a.mmsi % 999_999,
            callsign: a.callsign.clone(),
            name: a.name.clone(),
            ship_type: a.ship_type,
            length_m: a.length_m,
            beam_m: (a.length_m / 6).max(4),
            destination: "LY".into(),
        };
        let (payload, fill) = static_voyage(&info);
        let seq = (a.mmsi % 10) as u8;
        for line in sentences(&payload, fill, &receiver.id, unix_s, seq, channel) {
            feeds.write(0, &line)?;
            feeds.summary.ais_sentences += 1;
        }
    }
    Ok(())
}

fn report_cot(feeds: &mut Feeds, a: &Actor, fix: &Fix) -> Result<(), SimError> {
    let Fix { t, p, course, speed } = *fix;
    let Some((uid, callsign, cot_type)) = &a.cot else { return Ok(()) };
    let time = iso8601(t);
    let stale = iso8601(t + 5 * 60_000);
    let line = format!(
        "<event version=\"2.0\" uid=\"{uid}\" type=\"{cot_type}\" time=\"{time}\" start=\"{time}\" stale=\"{stale}\" how=\"m-g\">\
         <point lat=\"{:.6}\" lon=\"{:.6}\" hae=\"9999999.0\" ce=\"10.0\" le=\"9999999.0\"/>\
         <detail><contact callsign=\"{callsign}\"/><__group name=\"Cyan\" role=\"Team Member\"/>\
         <track course=\"{:.1}\" speed=\"{:.2}\"/></detail></event>",
        p[1], p[0], course, speed
    );
    feeds.write(3, &line)?;
    feeds.summary.cot_events += 1;
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for UTC milliseconds (see `model::Time::iso8601`).
pub fn iso8601(ms: i64) -> String {
    model::Time(ms).iso8601()
}
