//! Sharing agreements: what one agency releases to another, by kind of data and area.

use std::collections::BTreeSet;

use crate::{AgencyId, Classification, ObjectKind, SourceKind, Time};
use serde::{Deserialize, Serialize};

/// Which tracks an agreement covers. Empty sets mean "all".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackScope {
    #[serde(default)]
    pub kinds: BTreeSet<ObjectKind>,
    #[serde(default)]
    pub source_kinds: BTreeSet<SourceKind>,
}

/// The kinds of data an agreement releases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementScope {
    /// Tracks, narrowed by object kind and source kind; `None` releases no tracks.
    #[serde(default)]
    pub tracks: Option<TrackScope>,
    #[serde(default)]
    pub alerts: bool,
    /// Incident categories released (empty: all); `None` releases no incidents.
    #[serde(default)]
    pub incidents: Option<BTreeSet<String>>,
    /// Unit positions.
    #[serde(default)]
    pub units: bool,
}

/// An area an agreement is limited to, as a bounding box `[min_lon, min_lat, max_lon, max_lat]`
/// or a polygon ring of `[lon, lat]` points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Bbox([f64; 4]),
    Polygon(Vec<[f64; 2]>),
    /// A named zone's shape, copied when the agreement is made: rings combined even-odd, so
    /// holes and several parts work.
    Zone {
        id: String,
        rings: Vec<Vec<[f64; 2]>>,
    },
    /// A named circular zone (an anchorage, a crossing point).
    Circle {
        id: String,
        center: [f64; 2],
        radius_m: f64,
    },
}

impl Area {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        match self {
            Area::Bbox([x0, y0, x1, y1]) => {
                (*x0..=*x1).contains(&lon) && (*y0..=*y1).contains(&lat)
            }
            Area::Polygon(ring) => point_in_ring(ring, lon, lat),
            Area::Zone { rings, .. } => {
                rings.iter().filter(|ring| point_in_ring(ring, lon, lat)).count() % 2 == 1
            }
            Area::Circle { center, radius_m, .. } => haversine_m(*center, [lon, lat]) <= *radius_m,
        }
    }
}

fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b[0] - a[0]).to_radians() / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
}

/// Even-odd ray casting; points on the boundary may fall either way.
fn point_in_ring(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let [xi, yi] = ring[i];
        let [xj, yj] = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// What `from` releases to `to`, how high, where and for how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub from: AgencyId,
    pub to: AgencyId,
    pub scope: AgreementScope,
    /// Released only where the object is inside one of these areas; empty: everywhere.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// The highest classification released.
    pub ceiling: Classification,
    pub valid_from: Time,
    #[serde(default)]
    pub valid_until: Option<Time>,
    /// Set when revoked; a revoked agreement releases nothing from that moment.
    #[serde(default)]
    pub revoked: Option<Time>,
}

impl Agreement {
    pub fn in_force(&self, now: Time) -> bool {
        now >= self.valid_from
            && self.valid_until.is_none_or(|until| now < until)
            && self.revoked.is_none_or(|at| now < at)
    }

    pub fn covers_area(&self, position: Option<(f64, f64)>) -> bool {
        if self.areas.is_empty() {
            return true;
        }
        match position {
            Some((lon, lat)) => self.areas.iter().any(|a| a.contains(lon, lat)),
            // An object without a position cannot be shown to lie inside the area.
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_contain_their_inside_only() {
        let square = Area::Polygon(vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]);
        assert!(square.contains(5.0, 5.0));
        assert!(!square.contains(15.0, 5.0));
        assert!(!square.contains(-0.1, 5.0));
        assert!(Area::Bbox([0.0, 0.0, 1.0, 1.0]).contains(1.0, 1.0));
        assert!(!Area::Polygon(vec![[0.0, 0.0], [1.0, 1.0]]).contains(0.5, 0.5));
    }
}
