//! Every rule's thresholds, with the defaults of docs/domain.md, globally and per zone.
//!
//! A per-zone override is a partial table of the same shape (`[engine.rules.zones."port.zawiya"]
//! encounter = { enabled = false }`): it is laid over the global table when the engine is built,
//! and its keys are checked then, so a misspelt key is an error naming the zone and the key.

use std::collections::BTreeMap;

use model::Time;
use serde::{Deserialize, Serialize};

/// Metres in a nautical mile.
pub const NM: f64 = 1_852.0;
/// Metres per second in a knot.
pub const KN: f64 = NM / 3_600.0;

fn minutes(m: i64) -> i64 {
    m * Time::MS_PER_MINUTE
}

fn hours(h: i64) -> i64 {
    h * Time::MS_PER_HOUR
}

/// All rules, as configured globally; `zones` holds the per-zone overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesConfig {
    pub sar_beacon: Toggle,
    pub mmsi_invalid: Toggle,
    pub identity_conflict: Toggle,
    pub zone: ZoneRules,
    pub crossing: CrossingRules,
    pub departure: DepartureRules,
    pub ais_gap: GapRules,
    pub encounter: EncounterRules,
    pub position_jump: JumpRules,
    pub convoy: ConvoyRules,
    pub rendezvous: RendezvousRules,
    pub loitering: LoiterRules,
    pub port_visit: PortVisitRules,
    pub ais_disabling: DisablingRules,
    pub speed_range: SpeedRangeRules,
    /// Zone id → a partial table of the fields above that applies inside that zone.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub zones: BTreeMap<String, serde_json::Value>,
}

/// A rule with nothing to tune but whether it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Toggle {
        Toggle { enabled: true }
    }
}

/// `zone.entry`, `zone.exit`, `zone.dwell`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ZoneRules {
    pub entry: bool,
    pub exit: bool,
    /// Consecutive fixes inside (outside) before an entry (exit) counts.
    pub debounce_fixes: u32,
    /// Inside this long → `zone.dwell`; 0 turns dwell off. [proposal]
    pub dwell_ms: i64,
    /// Kinds of zone watched; user zones by default (the shipped belts would fire for every
    /// vessel in the territorial sea).
    pub kinds: Vec<model::ZoneKind>,
}

impl Default for ZoneRules {
    fn default() -> ZoneRules {
        ZoneRules {
            entry: true,
            exit: true,
            debounce_fixes: 2,
            dwell_ms: hours(1),
            kinds: vec![model::ZoneKind::User],
        }
    }
}

/// `crossing.pre_alert`, `crossing.border`, `crossing.outside_bcp`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrossingRules {
    pub enabled: bool,
    /// A land track this close to a border line (and not at a crossing point) is pre-alerted.
    pub pre_alert_m: f64,
    /// A crossing farther than this from the nearest official crossing point's centre is
    /// `crossing.outside_bcp`.
    pub outside_bcp_m: f64,
}

impl Default for CrossingRules {
    fn default() -> CrossingRules {
        CrossingRules { enabled: true, pre_alert_m: 1_000.0, outside_bcp_m: 2_000.0 }
    }
}

/// `coast.unidentified_departure`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DepartureRules {
    pub enabled: bool,
    /// Watched band from Libya's coastline.
    pub within_m: f64,
    /// Seaward speed above this ...
    pub min_speed_mps: f64,
    /// ... for at least this long.
    pub min_duration_ms: i64,
    /// Also raise for runs that begin inside a port or terminal anchorage. Off by default: a
    /// port controls its own departures, and fishing boats without AIS leave port all day; the
    /// rule is for boats launched from beaches.
    pub from_ports: bool,
}

impl Default for DepartureRules {
    fn default() -> DepartureRules {
        DepartureRules {
            enabled: true,
            within_m: 12.0 * NM,
            min_speed_mps: 3.0 * KN,
            min_duration_ms: minutes(5),
            from_ports: false,
        }
    }
}

/// `ais.gap`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GapRules {
    pub enabled: bool,
    /// No position for this long ...
    pub gap_ms: i64,
    /// ... from a vessel last seen this close to Libya's coast ("in the area").
    pub area_m: f64,
    /// `ais.gap_in_coverage`: a shorter silence (a warning) from a vessel last seen inside the
    /// coastal receivers' coverage; 0 turns it off.
    pub coverage_gap_ms: i64,
    /// The coverage, as a distance from Libya's coast (VHF range of a coastal receiver).
    /// [proposal]
    pub coverage_m: f64,
    /// The coverage as zones instead (polygons or circles drawn from where the centre's AIS
    /// receivers actually hear): a vessel last seen inside any of them is watched, and
    /// `coverage_m` is not used. Empty: the distance from the coast.
    pub coverage_zones: Vec<String>,
}

impl Default for GapRules {
    fn default() -> GapRules {
        GapRules {
            enabled: true,
            gap_ms: hours(6),
            area_m: 24.0 * NM,
            coverage_gap_ms: hours(1),
            coverage_m: 20.0 * NM,
            coverage_zones: Vec::new(),
        }
    }
}

/// `encounter`. Global only: the pairing grid is sized by `max_distance_m`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncounterRules {
    pub enabled: bool,
    pub max_distance_m: f64,
    pub min_duration_ms: i64,
    /// Both vessels slower than this.
    pub max_speed_mps: f64,
    /// At least this far from the nearest port or terminal.
    pub min_port_distance_m: f64,
    /// Fixes of the two vessels further apart in time than this are not compared.
    pub max_fix_age_ms: i64,
}

impl Default for EncounterRules {
    fn default() -> EncounterRules {
        EncounterRules {
            enabled: true,
            max_distance_m: 500.0,
            min_duration_ms: hours(2),
            max_speed_mps: 2.0 * KN,
            min_port_distance_m: 10_000.0,
            max_fix_age_ms: minutes(10),
        }
    }
}

/// `position.jump`: splits impossible moves of one MMSI into a suspected-spoofing track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JumpRules {
    pub enabled: bool,
    pub max_speed_mps: f64,
    /// For high-speed craft: a track whose own reported speed exceeded `max_speed_mps`.
    pub max_speed_fast_mps: f64,
    /// Fixes closer than this are not judged (position noise over a short time).
    pub min_distance_m: f64,
}

impl Default for JumpRules {
    fn default() -> JumpRules {
        JumpRules {
            enabled: true,
            max_speed_mps: 25.0 * KN,
            max_speed_fast_mps: 50.0 * KN,
            min_distance_m: 1_000.0,
        }
    }
}

/// `convoy`. The land grid is sized by the largest `max_distance_m` over the global rules and
/// every zone's override.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConvoyRules {
    pub enabled: bool,
    pub min_tracks: usize,
    pub max_distance_m: f64,
    pub max_heading_diff_deg: f64,
    pub max_speed_diff_mps: f64,
    pub min_duration_ms: i64,
    /// Vehicles slower than this are parked, not travelling together.
    pub min_speed_mps: f64,
    pub max_fix_age_ms: i64,
    /// A vehicle whose last two fixes are this near a road is on it: traffic, not a convoy
    /// (docs/domain.md: "off-road"); one fix on a road (a convoy crossing it) does not count.
    /// Roads come from `[geography] roads`; with none configured every position is off-road;
    /// 0 turns the check off.
    pub min_road_distance_m: f64,
}

impl Default for ConvoyRules {
    fn default() -> ConvoyRules {
        ConvoyRules {
            enabled: true,
            min_tracks: 3,
            max_distance_m: 500.0,
            max_heading_diff_deg: 20.0,
            max_speed_diff_mps: 10.0 / 3.6,
            min_duration_ms: minutes(3),
            min_speed_mps: 1.0,
            max_fix_age_ms: minutes(1),
            min_road_distance_m: 100.0,
        }
    }
}

/// `rendezvous`: a short meeting of two vessels (Skylight). It pairs vessels through the
/// encounter grid, so it sees the same candidates (slow, away from ports).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RendezvousRules {
    pub enabled: bool,
    /// At most `encounter.max_distance_m` (the grid is sized by it).
    pub max_distance_m: f64,
    /// Longer than this.
    pub min_duration_ms: i64,
}

impl Default for RendezvousRules {
    fn default() -> RendezvousRules {
        RendezvousRules { enabled: true, max_distance_m: 250.0, min_duration_ms: minutes(30) }
    }
}

/// `loitering`: a slow average speed for long, far offshore (GFW).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoiterRules {
    pub enabled: bool,
    /// Average speed over the window below this ...
    pub max_avg_speed_mps: f64,
    /// ... for at least this long ...
    pub min_duration_ms: i64,
    /// ... at least this far from Libya's coast.
    pub min_offshore_m: f64,
}

impl Default for LoiterRules {
    fn default() -> LoiterRules {
        LoiterRules {
            enabled: true,
            max_avg_speed_mps: 2.0 * KN,
            min_duration_ms: hours(4),
            min_offshore_m: 20.0 * NM,
        }
    }
}

/// `port.visit`: in a port's anchorage, stopped (GFW).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortVisitRules {
    pub enabled: bool,
    /// A visit starts within this distance of a port's centre ...
    pub enter_m: f64,
    /// ... and ends beyond this one.
    pub leave_m: f64,
    /// Stopped: slower than this.
    pub max_speed_mps: f64,
}

impl Default for PortVisitRules {
    fn default() -> PortVisitRules {
        PortVisitRules {
            enabled: true,
            enter_m: 3_000.0,
            leave_m: 4_000.0,
            max_speed_mps: 0.2 * KN,
        }
    }
}

/// `ais.disabling`: a long gap that starts and ends far offshore (Welch et al. 2022).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DisablingRules {
    pub enabled: bool,
    pub min_gap_ms: i64,
    /// Both ends of the gap at least this far from Libya's coast.
    pub min_offshore_m: f64,
}

impl Default for DisablingRules {
    fn default() -> DisablingRules {
        DisablingRules { enabled: true, min_gap_ms: hours(12), min_offshore_m: 50.0 * NM }
    }
}

/// `speed.range`: the average speed inside a watched zone outside a band. Off by default:
/// a band means something only for a zone, so it is set in a zone's override.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeedRangeRules {
    pub enabled: bool,
    pub min_mps: f64,
    pub max_mps: f64,
    /// Speeds are averaged over windows at least this long.
    pub window_ms: i64,
}

impl Default for SpeedRangeRules {
    fn default() -> SpeedRangeRules {
        SpeedRangeRules { enabled: false, min_mps: 0.0, max_mps: 1_000.0, window_ms: minutes(20) }
    }
}

/// A per-zone override that does not fit the rules' shape.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("rules override for zone {zone}: {message}")]
pub struct OverrideError {
    pub zone: String,
    pub message: String,
}

impl RulesConfig {
    /// The rules inside `zone`: this table with the zone's override laid over it.
    pub fn resolve(&self, zone: &str) -> Result<Option<RulesConfig>, OverrideError> {
        let Some(patch) = self.zones.get(zone) else { return Ok(None) };
        let error = |message: String| OverrideError { zone: zone.to_string(), message };
        let mut base = self.clone();
        base.zones.clear();
        let mut value = serde_json::to_value(&base).map_err(|e| error(e.to_string()))?;
        merge(&mut value, patch);
        serde_json::from_value(value).map(Some).map_err(|e| error(e.to_string()))
    }

    /// Every override, resolved: the check that config loading runs.
    pub fn resolve_all(&self) -> Result<BTreeMap<String, RulesConfig>, OverrideError> {
        let mut out = BTreeMap::new();
        for zone in self.zones.keys() {
            if let Some(rules) = self.resolve(zone)? {
                out.insert(zone.clone(), rules);
            }
        }
        Ok(out)
    }
}

fn merge(into: &mut serde_json::Value, patch: &serde_json::Value) {
    match (into, patch) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_keeps_the_global_values_it_does_not_name() {
        let mut rules = RulesConfig::default();
        rules.encounter.max_distance_m = 800.0;
        rules.zones.insert("z".into(), serde_json::json!({ "zone": { "dwell_ms": 5 } }));
        let z = rules.resolve("z").unwrap().unwrap();
        assert_eq!(z.zone.dwell_ms, 5);
        assert_eq!(z.encounter.max_distance_m, 800.0);
        assert!(rules.resolve("other").unwrap().is_none());
    }

    #[test]
    fn a_misspelt_override_key_names_the_zone_and_the_key() {
        let mut rules = RulesConfig::default();
        rules.zones.insert("port.zawiya".into(), serde_json::json!({ "zone": { "dwel_ms": 5 } }));
        let err = rules.resolve_all().unwrap_err().to_string();
        assert!(err.contains("port.zawiya") && err.contains("dwel_ms"), "{err}");
    }
}
