//! Spherical geometry for moving actors: distances, bearings, destinations (mean Earth radius).

pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
pub const KNOT_MPS: f64 = 0.514_444;
pub const NM_M: f64 = 1_852.0;

/// A WGS84 point `[lon, lat]` in degrees.
pub type LonLat = [f64; 2];

pub fn distance_m(a: LonLat, b: LonLat) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial bearing from `a` to `b`, degrees clockwise from north in `[0, 360)`.
pub fn bearing_deg(a: LonLat, b: LonLat) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlon = (b[0] - a[0]).to_radians();
    let y = dlon.sin() * la2.cos();
    let x = la1.cos() * la2.sin() - la1.sin() * la2.cos() * dlon.cos();
    (y.atan2(x).to_degrees() + 360.0) % 360.0
}

/// The point `distance` metres from `from` along `bearing` degrees.
pub fn destination(from: LonLat, bearing: f64, distance: f64) -> LonLat {
    let d = distance / EARTH_RADIUS_M;
    let b = bearing.to_radians();
    let la1 = from[1].to_radians();
    let lo1 = from[0].to_radians();
    let la2 = (la1.sin() * d.cos() + la1.cos() * d.sin() * b.cos()).asin();
    let lo2 = lo1 + (b.sin() * d.sin() * la1.cos()).atan2(d.cos() - la1.sin() * la2.sin());
    [((lo2.to_degrees() + 540.0) % 360.0) - 180.0, la2.to_degrees()]
}

/// A path through waypoints, walked at constant speed.
#[derive(Clone, Debug)]
pub struct Path {
    points: Vec<LonLat>,
    /// Cumulative length at each point.
    along: Vec<f64>,
}

impl Path {
    pub fn new(points: Vec<LonLat>) -> Path {
        let mut along = Vec::with_capacity(points.len());
        let mut total = 0.0;
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                total += distance_m(points[i - 1], *p);
            }
            along.push(total);
        }
        Path { points, along }
    }

    pub fn length_m(&self) -> f64 {
        self.along.last().copied().unwrap_or(0.0)
    }

    /// The position and course `s` metres along the path (clamped to its ends).
    pub fn at(&self, s: f64) -> (LonLat, f64) {
        let n = self.points.len();
        if n == 0 {
            return ([0.0, 0.0], 0.0);
        }
        if n == 1 {
            return (self.points[0], 0.0);
        }
        let s = s.clamp(0.0, self.length_m());
        let i = self.along.partition_point(|a| *a <= s).clamp(1, n - 1);
        let (a, b) = (self.points[i - 1], self.points[i]);
        let leg = self.along[i] - self.along[i - 1];
        let course = bearing_deg(a, b);
        if leg <= 0.0 {
            return (a, course);
        }
        let f = (s - self.along[i - 1]) / leg;
        ([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f], course)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nautical_mile_north_is_a_minute_of_latitude() {
        let p = destination([12.0, 33.0], 0.0, NM_M);
        assert!((p[1] - 33.0 - 1.0 / 60.0).abs() < 1e-4, "{p:?}");
        assert!((distance_m([12.0, 33.0], p) - NM_M).abs() < 1.0);
        assert!((bearing_deg([12.0, 33.0], [13.0, 33.0]) - 90.0).abs() < 1.0);
    }

    #[test]
    fn a_path_is_walked_from_end_to_end() {
        let path = Path::new(vec![[12.0, 33.0], [12.0, 34.0], [13.0, 34.0]]);
        let (p, course) = path.at(0.0);
        assert_eq!(p, [12.0, 33.0]);
        assert!(course.abs() < 1.0);
        let (end, _) = path.at(path.length_m() * 2.0);
        assert_eq!(end, [13.0, 34.0]);
    }
}
