//! Which units to send: available, suitable units ranked by their time to reach the target.
//!
//! At sea the target moves, so the ETA is the intercept time against its current velocity: on
//! a local tangent plane centred on the unit, with the target at `p` moving at `v` and the unit
//! at speed `s`, the unit meets it at the smallest `t > 0` with `|p + v·t| = s·t`, that is
//! `(v·v − s²)·t² + 2(p·v)·t + p·p = 0`. No positive root: the unit cannot catch it. On land
//! the ETA is the straight line times a terrain factor, over the unit's maximum speed.

use std::collections::{BTreeMap, BTreeSet};

use model::incident::IncidentLocation;
use model::{AgencyId, Position, Track, UnitKind, UnitStatus};
use serde::{Deserialize, Serialize};

use crate::taxonomy::Domain;
use crate::units::TaskPermission;
use crate::{IncidentError, Incidents, Taxonomy};

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// How recommendations are computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendConfig {
    /// Road and track distance over straight-line distance for land units.
    #[serde(default = "default_terrain_factor")]
    pub terrain_factor: f64,
    /// Capability tags a unit must have, per category code (none required when absent).
    #[serde(default)]
    pub required_capabilities: BTreeMap<String, BTreeSet<String>>,
    #[serde(default = "default_max_results")]
    pub max_results: usize,
}

pub fn default_terrain_factor() -> f64 {
    1.4
}

pub fn default_max_results() -> usize {
    10
}

impl Default for RecommendConfig {
    fn default() -> RecommendConfig {
        RecommendConfig {
            terrain_factor: default_terrain_factor(),
            required_capabilities: BTreeMap::new(),
            max_results: default_max_results(),
        }
    }
}

/// What the units must reach: a position and, if it moves, its velocity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub position: Position,
    #[serde(default)]
    pub speed_mps: Option<f64>,
    #[serde(default)]
    pub course_deg: Option<f64>,
}

impl Target {
    /// A linked track's current position and velocity.
    pub fn from_track(track: &Track) -> Target {
        Target {
            position: track.position,
            speed_mps: track.speed_mps,
            course_deg: track.course_deg,
        }
    }

    /// The incident's point, or the mean of its area's vertices; stationary.
    pub fn from_location(location: &IncidentLocation) -> Option<Target> {
        let position = match location {
            IncidentLocation::Point { position } => *position,
            IncidentLocation::Area { ring } if !ring.is_empty() => {
                let n = ring.len() as f64;
                let lon = ring.iter().map(|p| p[0]).sum::<f64>() / n;
                let lat = ring.iter().map(|p| p[1]).sum::<f64>() / n;
                Position { lon, lat, ..Position::default() }
            }
            IncidentLocation::Area { .. } => return None,
        };
        Some(Target { position, speed_mps: None, course_deg: None })
    }

    fn velocity(&self) -> [f64; 2] {
        match (self.speed_mps, self.course_deg) {
            (Some(speed), Some(course)) if speed.is_finite() && course.is_finite() => {
                let c = course.to_radians();
                [speed * c.sin(), speed * c.cos()]
            }
            _ => [0.0, 0.0],
        }
    }
}

/// `to` relative to `origin` in metres east and north, on the plane tangent at `origin`
/// (equirectangular; within a few metres per 100 km at Libya's latitudes).
pub fn local_offset(origin: Position, to: Position) -> [f64; 2] {
    let mut dlon = (to.lon - origin.lon).to_radians();
    if dlon > std::f64::consts::PI {
        dlon -= std::f64::consts::TAU;
    } else if dlon < -std::f64::consts::PI {
        dlon += std::f64::consts::TAU;
    }
    let mean_lat = ((to.lat + origin.lat) / 2.0).to_radians();
    [EARTH_RADIUS_M * dlon * mean_lat.cos(), EARTH_RADIUS_M * (to.lat - origin.lat).to_radians()]
}

fn offset_position(origin: Position, offset: [f64; 2]) -> Position {
    let lat = origin.lat + (offset[1] / EARTH_RADIUS_M).to_degrees();
    let mean_lat = ((lat + origin.lat) / 2.0).to_radians();
    let lon = origin.lon + (offset[0] / (EARTH_RADIUS_M * mean_lat.cos())).to_degrees();
    Position { lon, lat, ..Position::default() }
}

/// Where and when a pursuer from the origin meets the target, and the course to steer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Intercept {
    pub time_s: f64,
    /// Metres east and north of the pursuer's start.
    pub point: [f64; 2],
    /// True course in degrees, 0 = north, clockwise.
    pub course_deg: f64,
}

/// Solves the intercept for a pursuer at the origin with speed `speed`, target at `p` moving
/// at `v` (metres, metres per second). `None` when the target cannot be caught.
pub fn intercept(p: [f64; 2], v: [f64; 2], speed: f64) -> Option<Intercept> {
    if !(speed > 0.0 && speed.is_finite()) {
        return None;
    }
    let pp = p[0] * p[0] + p[1] * p[1];
    let pv = p[0] * v[0] + p[1] * v[1];
    let a = v[0] * v[0] + v[1] * v[1] - speed * speed;
    let t = if pp == 0.0 {
        0.0
    } else if a.abs() < 1e-9 {
        // Equal speeds: linear, 2(p·v)t + p·p = 0.
        let t = -pp / (2.0 * pv);
        if t > 0.0 { t } else { return None }
    } else {
        let disc = pv * pv - a * pp;
        if disc < 0.0 {
            return None;
        }
        let root = disc.sqrt();
        let (t1, t2) = ((-pv - root) / a, (-pv + root) / a);
        [t1, t2].into_iter().filter(|t| *t > 0.0).reduce(f64::min)?
    };
    let point = [p[0] + v[0] * t, p[1] + v[1] * t];
    let course_deg = point[0].atan2(point[1]).to_degrees().rem_euclid(360.0);
    Some(Intercept { time_s: t, point, course_deg })
}

/// How an ETA was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EtaMethod {
    Intercept,
    Land,
}

/// One recommended unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub unit: String,
    pub name: String,
    pub agency: AgencyId,
    pub kind: UnitKind,
    pub method: EtaMethod,
    pub eta_s: f64,
    /// Distance the unit covers (straight line or intercept leg, before the terrain factor).
    pub distance_m: f64,
    pub course_deg: f64,
    /// Where it meets the target.
    pub meeting_point: Position,
}

fn suits(kind: UnitKind, domain: Domain) -> bool {
    match kind {
        UnitKind::Post => false,
        UnitKind::Aircraft => true,
        UnitKind::Boat => domain != Domain::Land,
        UnitKind::Vehicle => domain != Domain::Sea,
    }
}

/// Available, suitable units for incident `id`, fastest first. `target` overrides the
/// incident's own location (pass the linked track's to intercept it). Units of agencies other
/// than `viewer` are left out unless `permission.cross_agency`. Units that cannot reach the
/// target are left out.
pub fn recommend_units(
    state: &Incidents,
    taxonomy: &Taxonomy,
    config: &RecommendConfig,
    id: &str,
    target: Option<Target>,
    viewer: &AgencyId,
    permission: TaskPermission,
) -> Result<Vec<Recommendation>, IncidentError> {
    let record = crate::lifecycle::open_incident(state, id)?;
    let target = target
        .or_else(|| record.location.as_ref().and_then(Target::from_location))
        .ok_or(IncidentError::InvalidValue {
            field: "location",
            problem: format!("incident `{id}` has no location and no target was given"),
        })?;
    let domain = taxonomy.get(&record.category).map_or(Domain::Any, |c| c.domain);
    let required = config.required_capabilities.get(&record.category);
    let mut out: Vec<Recommendation> = state
        .units()
        .filter(|u| u.status == UnitStatus::Available && u.incident.is_none())
        .filter(|u| suits(u.registration.kind, domain) && u.registration.max_speed_mps > 0.0)
        .filter(|u| permission.cross_agency || u.registration.agency == *viewer)
        .filter(|u| required.is_none_or(|r| r.is_subset(&u.registration.capabilities)))
        .filter_map(|u| {
            let from = u.position();
            let p = local_offset(from, target.position);
            let speed = u.registration.max_speed_mps;
            let (method, eta_s, distance_m, course_deg, meet) =
                if u.registration.kind == UnitKind::Vehicle {
                    let d = p[0].hypot(p[1]);
                    let course = p[0].atan2(p[1]).to_degrees().rem_euclid(360.0);
                    (EtaMethod::Land, d * config.terrain_factor / speed, d, course, p)
                } else {
                    let i = intercept(p, target.velocity(), speed)?;
                    (EtaMethod::Intercept, i.time_s, i.time_s * speed, i.course_deg, i.point)
                };
            Some(Recommendation {
                unit: u.registration.id.clone(),
                name: u.registration.name.clone(),
                agency: u.registration.agency.clone(),
                kind: u.registration.kind,
                method,
                eta_s,
                distance_m,
                course_deg,
                meeting_point: offset_position(from, meet),
            })
        })
        .collect();
    out.sort_by(|a, b| a.eta_s.total_cmp(&b.eta_s).then_with(|| a.unit.cmp(&b.unit)));
    out.truncate(config.max_results);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_intercept() {
        // Pursuer at the origin at 10 m/s; target 8000 m north moving east at 6 m/s.
        // p = (0, 8000), v = (6, 0): p·p = 64e6, p·v = 0, a = 36 − 100 = −64.
        // −64·t² + 64e6 = 0  →  t = 1000 s. Meeting point (6000, 8000), 10 000 m from the
        // origin = 10 m/s × 1000 s. Course atan2(6000, 8000) = 36.8699°.
        let i = intercept([0.0, 8000.0], [6.0, 0.0], 10.0).unwrap();
        assert!((i.time_s - 1000.0).abs() < 1e-9, "{i:?}");
        assert!((i.point[0] - 6000.0).abs() < 1e-6 && (i.point[1] - 8000.0).abs() < 1e-6);
        assert!((i.course_deg - 36.869_897_645).abs() < 1e-6, "{i:?}");
    }

    #[test]
    fn faster_target_running_away_cannot_be_caught() {
        // Target 1 km north running north at 12 m/s, pursuer at 10 m/s: a = 144 − 100 > 0,
        // p·v > 0, both roots negative.
        assert!(intercept([0.0, 1000.0], [0.0, 12.0], 10.0).is_none());
        // The same target coming towards the pursuer is met: 1000 / (10 + 12) s.
        let i = intercept([0.0, 1000.0], [0.0, -12.0], 10.0).unwrap();
        assert!((i.time_s - 1000.0 / 22.0).abs() < 1e-9);
        assert!(intercept([0.0, 1000.0], [0.0, 0.0], 0.0).is_none());
    }

    #[test]
    fn equal_speeds_use_the_linear_case() {
        // Target 1000 m north moving west at 10 m/s, pursuer 10 m/s: 2(p·v)t + p·p = 0 has
        // p·v = 0 → no finite solution; moving south towards us: t = 1e6 / (2 · 10 000) = 50 s.
        assert!(intercept([0.0, 1000.0], [-10.0, 0.0], 10.0).is_none());
        let i = intercept([0.0, 1000.0], [0.0, -10.0], 10.0).unwrap();
        assert!((i.time_s - 50.0).abs() < 1e-9);
    }

    #[test]
    fn local_offset_matches_a_degree_of_latitude() {
        let a = Position { lon: 12.0, lat: 33.0, ..Position::default() };
        let b = Position { lon: 12.0, lat: 34.0, ..Position::default() };
        let d = local_offset(a, b);
        assert!((d[1] - 111_195.0).abs() < 5.0, "{d:?}");
        let back = offset_position(a, d);
        assert!((back.lat - 34.0).abs() < 1e-9 && (back.lon - 12.0).abs() < 1e-9);
    }
}
