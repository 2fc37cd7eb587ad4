//! `ais_file`: replays a file of AIS lines once, at its tag blocks' pace or as fast as the log
//! takes it, waiting for room in the queue so that nothing in the file is lost.
//!
//! `pace = "original"` sleeps between messages as their `c:` times say; lines without a time
//! go at once, and a jump of more than [`MAX_PACE_GAP_MS`] (or back before the start)
//! restarts the clock. `fast` reads as fast as the log takes it.

use std::path::PathBuf;
use std::time::Duration;

use edge::ais::Pending;
use edge::lines::Lines;
use model::{AgencyId, Marking};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use super::ais::AisIntake;
use super::{Built, Source, SourceContext, SourceError};

/// A gap between consecutive `c:` times longer than this is a break in a recording.
pub const MAX_PACE_GAP_MS: u64 = 10 * 60 * 1_000;
const READ_CHUNK: usize = 64 * 1024;

/// How a file is replayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// As the tag blocks' `c:` times say.
    #[default]
    Original,
    /// As fast as the log takes it.
    Fast,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AisFile {
    pub id: String,
    pub path: PathBuf,
    pub agency: AgencyId,
    #[serde(default)]
    pub marking: Marking,
    #[serde(default)]
    pub pace: Pace,
}

impl Source for AisFile {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let path = &self.path;
        let file = tokio::fs::File::open(path).await.map_err(|e| SourceError::Open {
            id: self.id.clone(),
            path: path.clone(),
            message: e.to_string(),
        })?;
        let intake = AisIntake::new(&self.id, &self.agency, &self.marking, cx);
        tracing::info!(source = %self.id, path = %path.display(), pace = ?self.pace, "ais_file source replaying");
        Ok(Built::unbound(replay(file, intake, self.pace)))
    }
}

async fn replay(mut file: tokio::fs::File, mut intake: AisIntake, pace: Pace) {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut lines = Lines::default();
    let mut out = Vec::new();
    let mut clock = PaceClock::default();
    loop {
        let n = match file.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) => {
                let source = intake.cx.id();
                tracing::warn!(%error, %source, "ais file read failed; replay stopped");
                break;
            }
        };
        let now = intake.cx.now();
        intake.chunk(&mut lines, buf.get(..n).unwrap_or(&[]), 0, now, &mut out);
        if !send_paced(&intake, &mut out, pace, &mut clock).await {
            return;
        }
    }
    let now = intake.cx.now();
    intake.end(&mut lines, 0, now, &mut out);
    if send_paced(&intake, &mut out, pace, &mut clock).await {
        let totals = intake.edge.totals();
        let (source, lines, messages) = (intake.cx.id(), totals.lines, totals.messages);
        tracing::info!(%source, lines, messages, "ais file replayed");
    }
}

/// Sends a replayed file's observations, paced, waiting for room. False once the forwarder
/// has gone.
async fn send_paced(
    intake: &AisIntake,
    out: &mut Vec<Pending>,
    pace: Pace,
    clock: &mut PaceClock,
) -> bool {
    for pending in out.drain(..) {
        if let (Pace::Original, Some(t)) = (pace, pending.tag_ms())
            && let Some(due) = clock.due(t, Instant::now())
        {
            tokio::time::sleep_until(due).await;
        }
        let now = intake.cx.now();
        if let Some(observation) = intake.admit(pending, now)
            && !intake.cx.send(now, observation).await
        {
            return false;
        }
    }
    true
}

/// The sleeping half of `pace = "original"`: maps `c:` times onto the local clock.
#[derive(Debug, Default)]
struct PaceClock {
    anchor: Option<(i64, Instant)>,
    last: i64,
}

impl PaceClock {
    /// When a message stamped `t` is due, or `None` for at once (and a restarted clock).
    fn due(&mut self, t: i64, now: Instant) -> Option<Instant> {
        match self.anchor {
            Some((t0, i0)) if t >= t0 && t.abs_diff(self.last) <= MAX_PACE_GAP_MS => {
                self.last = self.last.max(t);
                i0.checked_add(Duration::from_millis(t.abs_diff(t0)))
            }
            _ => {
                self.anchor = Some((t, now));
                self.last = t;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_clock_follows_tag_times_and_restarts_on_jumps() {
        let start = Instant::now();
        let mut clock = PaceClock::default();
        assert_eq!(clock.due(10_000, start), None, "the first time sets the clock");
        assert_eq!(clock.due(10_400, start), Some(start + Duration::from_millis(400)));
        assert_eq!(clock.due(10_200, start), Some(start + Duration::from_millis(200)));
        assert_eq!(clock.due(9_000, start), None, "back before the start: restart");
        let jump = 9_000 + MAX_PACE_GAP_MS as i64 + 1;
        assert_eq!(clock.due(jump, start), None, "a break in the recording: restart");
        assert_eq!(clock.due(jump + 5, start), Some(start + Duration::from_millis(5)));
    }
}
