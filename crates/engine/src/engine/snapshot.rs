//! Snapshots: the state as bytes, and an engine restored from them, its derived parts
//! (deadlines, keys, grids) rebuilt; only a snapshot of this fold's version is restored.

use std::collections::BTreeMap;
use std::sync::Arc;

use geo::Geography;
use model::Time;
use serde::Deserialize;

use super::Engine;
use crate::EngineConfig;
use crate::alerts::Alerts;
use crate::fusion;
use crate::rules::{Ctx, proximity::Proximity};
use crate::tracks::next_deadline;

/// The serialized part of [`Engine`], field for field.
#[derive(Deserialize)]
struct Stored {
    /// Absent from snapshots older than the version stamp: version 0.
    #[serde(default)]
    fold: u32,
    folded: u64,
    now: Time,
    directory: crate::Directory,
    tracks: crate::tracks::Tracks,
    alerts: Alerts,
    proximity: Proximity,
    #[serde(default)]
    refused: u64,
    #[serde(default)]
    late: u64,
    #[serde(default)]
    duplicates: u64,
    #[serde(default)]
    teleports: u64,
    #[serde(default)]
    impacts: BTreeMap<String, model::Severity>,
    #[serde(default)]
    incidents: incident::Incidents,
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("snapshot cannot be decoded: {0}")]
    Decode(String),
    #[error("snapshot written by fold version {found}, this is version {expected}")]
    Version { found: u32, expected: u32 },
}

/// The version of what the fold computes from the log. A snapshot records the version that
/// wrote it and is restored only by the same one: state a changed fold would not have
/// reached (a duplicate counted as late, an override chosen another way) must not carry
/// over, or the state would no longer equal a replay of the log. A centre whose snapshot is
/// of another version replays its whole log. Raise it with every change to what the fold
/// computes; changes only to how fast it computes it leave it (`bench/picture.sh
/// --state-hash` tells which is which).
///
/// 2: gating finds a track wherever it is predicted (a fast track long unheard was missed,
/// and its plot started a track of its own), and the near-coast memo starts from its cell's
/// measurement (`geo::Geography::coast_at_cell`) with a 0.1 % slack.
pub const FOLD_VERSION: u32 = 2;

impl Engine {
    pub fn restore(
        config: EngineConfig,
        geo: Arc<Geography>,
        bytes: &[u8],
    ) -> Result<Engine, RestoreError> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|e| RestoreError::Decode(e.to_string()))?;
        if stored.fold != FOLD_VERSION {
            return Err(RestoreError::Version { found: stored.fold, expected: FOLD_VERSION });
        }
        let mut engine = Engine::new(config, geo);
        engine.folded = stored.folded;
        engine.now = stored.now;
        engine.directory = stored.directory;
        engine.tracks = stored.tracks;
        engine.alerts = stored.alerts;
        engine.alerts.rebuild();
        engine.proximity = stored.proximity;
        engine.refused = stored.refused;
        engine.late = stored.late;
        engine.duplicates = stored.duplicates;
        engine.teleports = stored.teleports;
        for (zone, impact) in stored.impacts {
            engine.set_impact(&zone, impact, &mut Vec::new());
        }
        engine.incidents = stored.incidents;
        let config = &engine.config;
        for (_, entry) in engine.tracks.iter_mut_unordered() {
            entry.filed = next_deadline(entry, config);
        }
        engine.deadlines = engine.tracks.iter().map(|(n, e)| (e.filed, *n)).collect();
        for (n, e) in engine.tracks.iter() {
            for key in std::iter::once(&e.key).chain(&e.aliases) {
                engine.keys.insert(key.clone(), *n);
            }
        }
        for (n, e) in engine.tracks.iter_mut_unordered() {
            fusion::file(&mut engine.fused, &engine.config.fusion, *n, e);
        }
        let mut changes = Vec::new();
        let Engine { geo, config, zone_rules, alerts, proximity, tracks, .. } = &mut engine;
        let ctx = Ctx { geo, config, zones: zone_rules, alerts, changes: &mut changes };
        proximity.rebuild(&ctx, tracks);
        Ok(engine)
    }

    /// The state as bytes, for a snapshot. Deterministic: equal states give equal bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
