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
    /// resolves, every speed band enabled is at least 1 kn wide over at least 20 minutes,
    /// every AIS coverage zone is a polygon or circle of `geo`, and the convoy's distance
    /// from roads is a distance.
    pub fn check(&self, geo: &geo::Geography) -> Result<(), crate::rules::OverrideError> {
        let error = |zone: &str, message: String| crate::rules::OverrideError {
            zone: zone.to_string(),
            message,
        };
        // An override for a zone the geography does not have (a typo, a zone since removed)
        // would never apply, silently: an error naming it instead.
        for zone in self.rules.zones.keys() {
            if let Err(why) = holds_fixes(geo, zone) {
                return Err(error(
                    zone,
                    format!("{why}; overrides apply inside polygons and circles"),
                ));
            }
        }
        let resolved = self.rules.resolve_all()?;
        let every = std::iter::once(("(every zone)", &self.rules))
            .chain(resolved.iter().map(|(zone, rules)| (zone.as_str(), rules)));
        for (zone, rules) in every {
            for id in &rules.ais_gap.coverage_zones {
                if let Err(why) = holds_fixes(geo, id) {
                    return Err(error(zone, format!("ais_gap.coverage_zones: {id}: {why}")));
                }
            }
            let road = rules.convoy.min_road_distance_m;
            if !(road.is_finite() && road >= 0.0) {
                let why = "a distance in metres, 0 or more (0 turns the check off)";
                return Err(error(
                    zone,
                    format!("convoy.min_road_distance_m: {road} is not {why}"),
                ));
            }
            // A speed band is judged over a window long enough and wide enough not to fire
            // on noise (docs/domain.md: at least 1 kn wide, averaged over at least 20 minutes).
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
            return Err(error(zone, message.into()));
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

/// Whether the geography has zone `id` and it can hold a fix (a polygon or a circle; a line
/// holds none); why not, if not.
fn holds_fixes(geo: &geo::Geography, id: &str) -> Result<(), &'static str> {
    match geo.zone(id).map(|z| &z.geometry) {
        None => Err("no zone of the geography has this id"),
        Some(model::ZoneGeometry::LineString { .. }) => Err("a line zone contains no fix"),
        Some(_) => Ok(()),
    }
}
