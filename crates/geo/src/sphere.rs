//! Distances on the Earth: haversine between points, and a local flat approximation for the
//! closest point of a segment.
//!
//! Distances are great-circle distances on a sphere of the mean Earth radius (IUGG, 6 371 008.8
//! m); against the WGS84 ellipsoid the error is below 0.3 %, i.e. under 300 m at 100 km and
//! under 3 m at 1 km. The closest point of a segment is found in an equirectangular projection
//! centred on the query point (x scaled by cos(lat)), then its distance is measured by
//! haversine, so the error only comes from where the closest point is placed: negligible for
//! the short (sub-kilometre to a few kilometre) segments of the shipped lines.

/// Mean Earth radius in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// One nautical mile in metres.
pub const NAUTICAL_MILE_M: f64 = 1852.0;

/// Metres per degree of latitude on the sphere.
pub const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Great-circle distance in metres between two `[lon, lat]` points in degrees.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A distance never less than [`haversine_m`] between the same points, without trigonometry:
/// along the meridian and then along a parallel is never shorter than the great circle, and
/// a parallel's degree is never longer than a meridian's. The margins cover rounding: the
/// haversine's own is about a nanometre up to thousands of kilometres (a micrometre is
/// added) and grows near the antipode, where `asin` magnifies it (a hundred-millionth of
/// the distance is added: 0.2 m at 20,000 km, against 0.09 m seen). For the
/// questions most moves answer at once ("moved less than 1 km?"): the exact distance only when
/// this bound does not settle them. NaN for a NaN coordinate.
pub fn at_least_haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((b[0] - a[0]).abs() + (b[1] - a[1]).abs()) * M_PER_DEG * (1.0 + 1e-8) + 1e-6
}

/// A lower bound of [`haversine_m`] between points on the Earth (latitudes within ±90°): the
/// latitude gap alone (a great circle is never shorter than the meridian arc between the
/// two parallels), less the margins of [`at_least_haversine_m`] for the haversine's
/// rounding. NaN for a NaN latitude.
pub fn at_most_haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[1] - a[1]).abs() * M_PER_DEG * (1.0 - 1e-8) - 1e-6
}

/// Whether the great-circle distance from `a` to `b` is at most `metres`: for valid positions
/// (see [`valid_lonlat`]) exactly `haversine_m(a, b) <= metres` (false for a NaN distance),
/// settled first by the bounds either side of it where they can (a circular zone's test,
/// most of whose points lie well outside or well inside).
pub fn within_m(a: [f64; 2], b: [f64; 2], metres: f64) -> bool {
    if at_most_haversine_m(a, b) > metres {
        return false;
    }
    if at_least_haversine_m(a, b) <= metres {
        return true;
    }
    haversine_m(a, b) <= metres
}

/// The great-circle distance from `a` to `b` in metres when it is more than `metres`; `None`
/// when it is not, or is NaN. [`at_least_haversine_m`] settles most short moves first, with
/// no trigonometry.
pub fn farther_than(a: [f64; 2], b: [f64; 2], metres: f64) -> Option<f64> {
    if at_least_haversine_m(a, b) <= metres {
        return None;
    }
    let d = haversine_m(a, b);
    (d > metres).then_some(d)
}

/// Whether a `[lon, lat]` pair is finite and within the WGS84 ranges.
pub fn valid_lonlat(p: [f64; 2]) -> bool {
    p[0].is_finite()
        && p[1].is_finite()
        && (-180.0..=180.0).contains(&p[0])
        && (-90.0..=90.0).contains(&p[1])
}

/// The closest point of a segment to a point, with the segment parameter `t` in 0..=1.
#[derive(Clone, Copy, Debug)]
pub struct Closest {
    pub point: [f64; 2],
    pub t: f64,
    pub metres: f64,
}

/// Closest point of segment `a`–`b` to `p` (all `[lon, lat]`), see the module note.
pub fn closest_on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> Closest {
    let k = p[1].to_radians().cos();
    let (ax, ay) = ((a[0] - p[0]) * k, a[1] - p[1]);
    let (bx, by) = ((b[0] - p[0]) * k, b[1] - p[1]);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let point = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    Closest { point, t, metres: haversine_m(p, point) }
}

/// Sign of the turn `a → b → c` in the local flat frame at `a`: > 0 left, < 0 right.
pub fn cross(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    let k = a[1].to_radians().cos();
    ((b[0] - a[0]) * k) * (c[1] - a[1]) - (b[1] - a[1]) * ((c[0] - a[0]) * k)
}

/// The `[lon, lat]` box around a circle, clamped to the valid ranges.
pub fn circle_box(center: [f64; 2], radius_m: f64) -> ([f64; 2], [f64; 2]) {
    let dlat = radius_m / M_PER_DEG;
    let lat_far = (center[1].abs() + dlat).min(89.9);
    let dlon = (dlat / lat_far.to_radians().cos()).min(360.0);
    (
        [(center[0] - dlon).max(-180.0), (center[1] - dlat).max(-90.0)],
        [(center[0] + dlon).min(180.0), (center[1] + dlat).min(90.0)],
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::prop_oneof;

    use super::*;

    proptest::proptest! {
        #[test]
        fn the_bound_is_never_under_the_haversine(
            a in (-180.0..180.0f64, -90.0..90.0f64),
            d in (prop_oneof![-1e-6..1e-6f64, -0.1..0.1f64, -360.0..360.0f64], prop_oneof![-1e-6..1e-6f64, -0.1..0.1f64, -180.0..180.0f64]),
        ) {
            let (a, b) = ([a.0, a.1], [a.0 + d.0, (a.1 + d.1).clamp(-90.0, 90.0)]);
            proptest::prop_assert!(at_least_haversine_m(a, b) >= haversine_m(a, b));
        }

        #[test]
        fn the_lower_bound_is_never_over_the_haversine(
            a in (-180.0..180.0f64, -90.0..90.0f64),
            d in (prop_oneof![-1e-6..1e-6f64, -0.1..0.1f64, -360.0..360.0f64], prop_oneof![-1e-6..1e-6f64, -0.1..0.1f64, -180.0..180.0f64]),
        ) {
            let (a, b) = ([a.0, a.1], [a.0 + d.0, (a.1 + d.1).clamp(-90.0, 90.0)]);
            proptest::prop_assert!(at_most_haversine_m(a, b) <= haversine_m(a, b));
            // Near the antipode, where the haversine's rounding is largest, and pole to pole.
            let far = [a[0] + 180.0 + d.0 * 1e-3, (-a[1] + d.1 * 1e-3).clamp(-90.0, 90.0)];
            proptest::prop_assert!(at_most_haversine_m(a, far) <= haversine_m(a, far));
            let poles = ([a[0], 90.0 - d.1.abs() * 1e-3], [b[0], -90.0 + d.1.abs() * 1e-3]);
            proptest::prop_assert!(at_most_haversine_m(poles.0, poles.1) <= haversine_m(poles.0, poles.1));
        }

        #[test]
        fn within_is_the_haversine_compared(
            a in (-180.0..180.0f64, -90.0..90.0f64),
            d in (prop_oneof![-0.1..0.1f64, -360.0..360.0f64], prop_oneof![-0.1..0.1f64, -180.0..180.0f64]),
            metres in prop_oneof![0.0..20_000.0f64, 0.0..20_000_000.0f64, proptest::prelude::Just(f64::NAN)],
        ) {
            let (a, b) = ([a.0, a.1], [a.0 + d.0, (a.1 + d.1).clamp(-90.0, 90.0)]);
            proptest::prop_assert_eq!(within_m(a, b, metres), haversine_m(a, b) <= metres);
            // At the distance itself and one step either side, where a bound a hair too
            // generous would answer wrongly; and along a meridian, where the lower bound is
            // nearly the distance.
            let exact = haversine_m(a, b);
            for m in [exact, exact.next_up(), exact.next_down()] {
                proptest::prop_assert_eq!(within_m(a, b, m), exact <= m);
            }
            let north = [a[0], b[1]];
            let along = haversine_m(a, north);
            for m in [along, along.next_up(), along.next_down()] {
                proptest::prop_assert_eq!(within_m(a, north, m), along <= m);
            }
        }

        #[test]
        fn farther_than_is_the_haversine_compared(
            a in (-180.0..180.0f64, -90.0..90.0f64),
            d in (-0.1..0.1f64, -0.1..0.1f64),
            metres in prop_oneof![0.0..20_000.0f64, proptest::prelude::Just(f64::NAN)],
        ) {
            let (a, b) = ([a.0, a.1], [a.0 + d.0, (a.1 + d.1).clamp(-90.0, 90.0)]);
            let exact = haversine_m(a, b);
            proptest::prop_assert_eq!(farther_than(a, b, metres), (exact > metres).then_some(exact));
        }
    }

    /// A move of a ten-millionth of a degree, where the haversine's rounding is most of it.
    #[test]
    fn the_bound_covers_the_haversine_s_rounding() {
        let (a, b) = ([13.0, 32.001], [13.0, 32.001_000_1]);
        assert!(at_least_haversine_m(a, b) >= haversine_m(a, b));
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = haversine_m([13.0, 32.0], [13.0, 33.0]);
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn closest_point_is_perpendicular_foot() {
        let c = closest_on_segment([13.0, 32.01], [12.9, 32.0], [13.1, 32.0]);
        assert!((c.point[0] - 13.0).abs() < 1e-9);
        assert!((c.metres - 1112.0).abs() < 2.0, "{}", c.metres);
    }

    #[test]
    fn circle_box_contains_the_circle() {
        let (lo, hi) = circle_box([13.0, 32.0], 2000.0);
        assert!(haversine_m([13.0, 32.0], [hi[0], 32.0]) >= 2000.0);
        assert!(haversine_m([13.0, 32.0], [13.0, lo[1]]) >= 1999.9);
    }
}
