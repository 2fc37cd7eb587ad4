//! Engine tuning. Part of what makes a fold reproducible: replay with the same config.

use model::{ObjectKind, Time};
use serde::{Deserialize, Serialize};

/// Timeouts of a track's lifecycle for one kind of object, in milliseconds of event time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTimeouts {
    /// Without an update for this long, a track is coasting (position predicted, not observed).
    pub coast_after_ms: i64,
    /// ... and for this long, lost.
    pub lost_after_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Observations before a tentative track is confirmed.
    pub confirm_after: u64,
    /// Most history points kept per track; older halves are thinned when full.
    pub history_max: usize,
    /// A lost track is forgotten (removed from the picture) after this long without an update.
    pub forget_after_ms: i64,
    pub vessel: KindTimeouts,
    pub vehicle: KindTimeouts,
    pub aircraft: KindTimeouts,
    pub person: KindTimeouts,
    pub unknown: KindTimeouts,
    /// Association by position (radar plots and tracks, fusion with AIS).
    pub fusion: crate::fusion::FusionConfig,
    /// Closed alerts are forgotten this long after their last time.
    pub alert_retention_ms: i64,
    /// Every detection rule's thresholds, globally and per zone.
    pub rules: crate::rules::RulesConfig,
    /// Automatic incidents: which alerts open or attach to incidents.
    pub incidents: incident::AutoConfig,
    /// Response-time targets (read by the metrics and reports, not by the fold).
    pub response_targets: incident::ResponseTargets,
    /// How units are recommended: terrain factor, required capabilities (read by the API).
    pub recommend: incident::RecommendConfig,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        let minutes = |m: i64| m * Time::MS_PER_MINUTE;
        EngineConfig {
            confirm_after: 2,
            history_max: 64,
            forget_after_ms: 24 * Time::MS_PER_HOUR,
            // AIS class A reports every 2-10 s under way and every 3 min at anchor; class B
            // every 30 s to 3 min. Six minutes covers two missed slow reports.
            vessel: KindTimeouts { coast_after_ms: minutes(6), lost_after_ms: minutes(30) },
            vehicle: KindTimeouts { coast_after_ms: minutes(2), lost_after_ms: minutes(15) },
            aircraft: KindTimeouts { coast_after_ms: minutes(1), lost_after_ms: minutes(5) },
            person: KindTimeouts { coast_after_ms: minutes(5), lost_after_ms: minutes(30) },
            unknown: KindTimeouts { coast_after_ms: minutes(3), lost_after_ms: minutes(20) },
            fusion: crate::fusion::FusionConfig::default(),
            alert_retention_ms: 7 * Time::MS_PER_DAY,
            rules: crate::rules::RulesConfig::default(),
            incidents: incident::AutoConfig::default(),
            response_targets: incident::ResponseTargets::default(),
            recommend: incident::RecommendConfig::default(),
        }
    }
}

impl EngineConfig {
    /// Checks what serde cannot: every per-zone rules override names a zone of `geo` and
    /// resolves, every speed band enabled is at least 1 kn wide over at least 20 minutes, and
    /// every AIS coverage zone is a polygon or circle of `geo`.
    pub fn check(&self, geo: &geo::Geography) -> Result<(), crate::rules::OverrideError> {
        // An override for a zone the geography does not have (a typo, a zone since removed)
        // would never apply, silently: an error naming it instead.
        for zone in self.rules.zones.keys() {
            let message = match geo.zone(zone).map(|z| &z.geometry) {
                None => "no zone of the geography has this id",
                // Overrides apply to fixes inside a zone, and a line holds none.
                Some(model::ZoneGeometry::LineString { .. }) => {
                    "a line zone contains no fix; overrides apply inside polygons and circles"
                }
                Some(_) => continue,
            };
            return Err(crate::rules::OverrideError {
                zone: zone.clone(),
                message: message.into(),
            });
        }
        let resolved = self.rules.resolve_all()?;
        // A speed band is judged over a window long enough and wide enough not to fire on
        // noise (DOMAIN.md: at least 1 kn wide, averaged over at least 20 minutes).
        let every = std::iter::once(("(every zone)", &self.rules))
            .chain(resolved.iter().map(|(zone, rules)| (zone.as_str(), rules)));
        for (zone, rules) in every {
            let covered_by = |id: &String| match geo.zone(id).map(|z| &z.geometry) {
                None => Some(format!("ais_gap.coverage_zones: no zone of the geography is {id}")),
                Some(model::ZoneGeometry::LineString { .. }) => {
                    Some(format!("ais_gap.coverage_zones: {id} is a line, which covers nothing"))
                }
                Some(_) => None,
            };
            if let Some(message) = rules.ais_gap.coverage_zones.iter().find_map(covered_by) {
                return Err(crate::rules::OverrideError { zone: zone.into(), message });
            }
            let band = &rules.speed_range;
            let width = band.max_mps - band.min_mps;
            let message = if !band.enabled {
                continue;
            } else if width.is_nan() || width < crate::rules::KN {
                "speed_range: the band must be at least 1 kn (0.514 m/s) wide"
            } else if band.window_ms < 20 * Time::MS_PER_MINUTE {
                "speed_range: speeds are averaged over at least 20 minutes (window_ms)"
            } else {
                continue;
            };
            return Err(crate::rules::OverrideError { zone: zone.into(), message: message.into() });
        }
        Ok(())
    }

    pub fn timeouts(&self, kind: ObjectKind) -> KindTimeouts {
        match kind {
            ObjectKind::Vessel => self.vessel,
            ObjectKind::Vehicle => self.vehicle,
            ObjectKind::Aircraft => self.aircraft,
            ObjectKind::Person => self.person,
            ObjectKind::Unknown => self.unknown,
        }
    }
}
