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

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use edge::recording::{Merged, Record, cot_observation, json_observation};
use model::{AgencyId, Marking, Observation, Time, ValidationLimits};
use tokio::task::JoinHandle;

use super::ais::AisIntake;
use super::{Built, Source, SourceContext, SourceError};
use crate::centre::Centre;

const DAY_MS: i64 = 86_400_000;
/// Most records fed at one reading of the clock.
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

/// Starts the feed as a task; it ends when the centre stops or `hours` have been fed and
/// appended.
pub fn start(
    feed: FeedConfig,
    centre: Centre,
    data_dir: PathBuf,
    limits: ValidationLimits,
) -> JoinHandle<()> {
    let folded_now = centre.read(|e| e.now().0);
    // A restart resumes after the newest event; a fresh centre starts now.
    let origin = match feed.start_ms {
        Some(start) => start,
        None if folded_now > 0 => folded_now,
        None => centre.now().0,
    };
    let (cx, shutdown, forwarder) = SourceContext::open("demo-feed", &centre, limits);
    let demo = DemoFeed { feed, data_dir, origin };
    tokio::spawn(async move {
        // The feed runs until its hours are fed or the task is aborted with the centre.
        let _shutdown = shutdown;
        if let Ok(built) = demo.build(cx).await {
            built.run.await;
        }
        // What was queued goes into the log before the feed says it has ended.
        let _ = forwarder.await;
    })
}

/// The feed as a source: the simulated days from `origin` on.
#[derive(Debug)]
struct DemoFeed {
    feed: FeedConfig,
    data_dir: PathBuf,
    origin: i64,
}

impl Source for DemoFeed {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let (feed, data_dir, origin) = (self.feed.clone(), self.data_dir.clone(), self.origin);
        Ok(Built::unbound(async move {
            if let Err(error) = run(feed, cx, &data_dir, origin).await {
                tracing::error!(%error, "the demo feed stopped");
            }
        }))
    }
}

async fn run(
    feed: FeedConfig,
    cx: SourceContext,
    data_dir: &Path,
    origin: i64,
) -> Result<(), String> {
    let clock = Clock { wall: Instant::now(), origin, speed: feed.speed };
    let stop_at = feed.hours.map(|h| origin + (h * 3_600_000.0) as i64);
    let mut day = origin.div_euclid(DAY_MS) * DAY_MS;
    let mut player = Player::new(cx, stop_at);
    tracing::info!(speed = feed.speed, start = %sim::iso8601(origin), "demo feed starting");
    loop {
        let dir = prepare_day(&feed, data_dir, day).await?;
        let mut merged = Merged::open(&dir)?;
        // Skip what a previous run already fed.
        merged.skip_until(origin);
        if !player.play(&mut merged, &clock).await {
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

/// Turns records into observations with the real decoders and queues them.
struct Player {
    ais: AisIntake,
    cx: SourceContext,
    stop_at: Option<i64>,
    fed: u64,
    last_report: Instant,
}

impl Player {
    fn new(cx: SourceContext, stop_at: Option<i64>) -> Player {
        let ais =
            AisIntake::new("ais-coast", &AgencyId::new("CGW"), &Marking::default(), cx.clone());
        Player { ais, cx, stop_at, fed: 0, last_report: Instant::now() }
    }

    fn observe(&mut self, time: i64, record: Record) -> Option<Observation> {
        let now = Time(time);
        let limits = self.cx.limits();
        match record {
            Record::Ais(line) => {
                let pending = self.ais.line(line.as_bytes(), 0, now)?;
                self.ais.admit(pending, now)
            }
            Record::Json { source_kind, line } => json_observation(&line, source_kind, now, limits),
            Record::Cot(line) => cot_observation(&line, now, limits),
        }
    }

    /// Plays `merged` until it ends (true) or the centre stops or `stop_at` passes (false).
    async fn play(&mut self, merged: &mut Merged, clock: &Clock) -> bool {
        let stop_at = self.stop_at;
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
            let mut n = 0;
            while n < BATCH
                && merged.peek_time().is_some_and(|t| t <= now && stop_at.is_none_or(|e| t < e))
            {
                let Some((t, record)) = merged.pop() else { break };
                n += 1;
                if let Some(observation) = self.observe(t, record) {
                    if !self.cx.send(Time(t), observation).await {
                        return false;
                    }
                    self.fed += 1;
                }
            }
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
