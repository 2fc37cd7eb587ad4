//! Checks that a zone's geometry is usable before it enters the index: finite, in range,
//! closed, non-empty, with area, and not crossing itself.

use model::{Zone, ZoneGeometry};
use rstar::{AABB, RTree, RTreeObject, primitives::GeomWithData};

use crate::GeoError;
use crate::sphere::valid_lonlat;

/// Pairs of edges whose boxes overlap that the crossing check tests, per edge (plus a million
/// for any zone), before it gives up on a zone: a real border of tens of thousands of points
/// needs a few per edge, while a star of long edges all through one point needs every pair,
/// minutes of work at start-up.
pub const EDGE_PAIRS_PER_EDGE: usize = 64;

/// Largest circle radius accepted: 2 000 km covers the whole region.
pub const MAX_RADIUS_M: f64 = 2_000_000.0;

/// Checks a zone id: 1–64 characters of `a-z 0-9 . - _`.
pub fn check_id(id: &str) -> Result<(), GeoError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(GeoError::BadId { id: id.to_string() }) }
}

/// Checks everything about a zone that the index relies on.
pub fn check_zone(zone: &Zone) -> Result<(), GeoError> {
    check_id(&zone.id)?;
    let name = &zone.id;
    match &zone.geometry {
        ZoneGeometry::Polygon { rings } => check_polygon(name, rings),
        ZoneGeometry::LineString { points } => {
            check_points(name, 0, points)?;
            let distinct = dedup(points);
            if distinct.len() < 2 {
                return Err(GeoError::DegenerateLine { zone: name.clone() });
            }
            Ok(())
        }
        ZoneGeometry::Circle { center, radius_m } => {
            check_points(name, 0, std::slice::from_ref(center))?;
            if !(radius_m.is_finite() && *radius_m > 0.0 && *radius_m <= MAX_RADIUS_M) {
                return Err(GeoError::BadRadius {
                    zone: name.clone(),
                    radius_m: *radius_m,
                    max_m: MAX_RADIUS_M,
                });
            }
            Ok(())
        }
    }
}

fn check_points(zone: &str, ring: usize, points: &[[f64; 2]]) -> Result<(), GeoError> {
    if points.is_empty() {
        return Err(GeoError::Empty { zone: zone.to_string() });
    }
    for (index, p) in points.iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return Err(GeoError::NotFinite { zone: zone.to_string(), ring, index });
        }
        if !valid_lonlat(*p) {
            return Err(GeoError::OutOfRange {
                zone: zone.to_string(),
                ring,
                index,
                lon: p[0],
                lat: p[1],
            });
        }
    }
    Ok(())
}

/// Consecutive duplicates removed.
pub fn dedup(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() != Some(p) {
            out.push(*p);
        }
    }
    out
}

fn check_polygon(zone: &str, rings: &[Vec<[f64; 2]>]) -> Result<(), GeoError> {
    if rings.is_empty() {
        return Err(GeoError::Empty { zone: zone.to_string() });
    }
    let mut clean = Vec::with_capacity(rings.len());
    for (ring, points) in rings.iter().enumerate() {
        check_points(zone, ring, points)?;
        if points.first() != points.last() || points.len() < 2 {
            return Err(GeoError::Unclosed { zone: zone.to_string(), ring });
        }
        let distinct = dedup(points);
        // Closed, so the first point is repeated at the end.
        let n = distinct.len().saturating_sub(1);
        if n < 3 {
            return Err(GeoError::TooFewPoints { zone: zone.to_string(), ring, points: n });
        }
        clean.push(distinct);
    }
    check_crossings(zone, &clean)?;
    // After the crossing check, so that a bow tie (zero net area) is called self-intersecting.
    if let Some(ring) = clean.iter().position(|r| signed_area(r) == 0.0) {
        return Err(GeoError::ZeroArea { zone: zone.to_string(), ring });
    }
    match clean.iter().skip(1).position(|hole| !lies_inside(hole, &clean[0])) {
        Some(i) => Err(GeoError::HoleOutside { zone: zone.to_string(), ring: i + 1 }),
        None => Ok(()),
    }
}

/// Points of a hole closer to its shell than this (in degrees, about 0.1 mm) are taken to lie
/// on it: whether such a point falls inside is decided by rounding, while a point this far off
/// is judged exactly enough by the even-odd test.
const ON_SHELL_DEG: f64 = 1e-9;

/// Whether the ring `hole`, which crosses no edge of `shell` (checked), lies inside it: as its
/// first point, vertex or edge midpoint, that is not on the shell does. A hole all of whose
/// points lie on the shell is the shell again, and would leave the zone holding nothing.
fn lies_inside(hole: &[[f64; 2]], shell: &[[f64; 2]]) -> bool {
    let off_shell = |p: &[f64; 2]| {
        shell.windows(2).all(|e| distance2_to_segment(*p, e[0], e[1]) > ON_SHELL_DEG * ON_SHELL_DEG)
    };
    let points = hole
        .windows(2)
        .flat_map(|e| [e[0], [(e[0][0] + e[1][0]) / 2.0, (e[0][1] + e[1][1]) / 2.0]]);
    let Some(p) = points.into_iter().find(off_shell) else { return false };
    let mut inside = false;
    for e in shell.windows(2) {
        let (a, b) = (e[0], e[1]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
        {
            inside = !inside;
        }
    }
    inside
}

/// The squared planar distance, in square degrees, from `p` to the segment `ab`.
fn distance2_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
    ex * ex + ey * ey
}

/// Twice the signed planar area of a closed ring, in square degrees.
pub fn signed_area(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum()
}

type Seg = GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, (usize, usize)>;

/// No two edges of one ring meet except consecutive ones at their shared vertex, and no two
/// rings cross. Candidate pairs come from an R-tree of edge boxes, so big rings stay cheap.
fn check_crossings(zone: &str, rings: &[Vec<[f64; 2]>]) -> Result<(), GeoError> {
    let edge = |r: usize, i: usize| (rings[r][i], rings[r][i + 1]);
    let mut boxes = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        for i in 0..ring.len() - 1 {
            let (a, b) = edge(r, i);
            let rect = rstar::primitives::Rectangle::from_corners(a, b);
            boxes.push(Seg::new(rect, (r, i)));
        }
    }
    let budget = EDGE_PAIRS_PER_EDGE * boxes.len() + 1_000_000;
    let tree = RTree::bulk_load(boxes);
    let mut tested = 0usize;
    for item in tree.iter() {
        let (r, i) = item.data;
        let (a, b) = edge(r, i);
        let env: AABB<[f64; 2]> = item.envelope();
        for other in tree.locate_in_envelope_intersecting(&env) {
            let (r2, j) = other.data;
            if (r2, j) <= (r, i) {
                continue;
            }
            tested += 1;
            if tested > budget {
                return Err(GeoError::TooComplex { zone: zone.to_string(), pairs: budget });
            }
            let (c, d) = edge(r2, j);
            let last = rings[r].len() - 2;
            let adjacent = r == r2 && (j == i + 1 || (i == 0 && j == last));
            let hit = if adjacent {
                // Consecutive edges share one vertex; they are bad only if they fold back.
                folds_back(a, b, c, d)
            } else if r == r2 {
                segments_meet(a, b, c, d)
            } else {
                segments_cross(a, b, c, d)
            };
            if hit {
                let at = b;
                return Err(if r == r2 {
                    GeoError::SelfIntersecting {
                        zone: zone.to_string(),
                        ring: r,
                        lon: at[0],
                        lat: at[1],
                    }
                } else {
                    GeoError::RingsCross {
                        zone: zone.to_string(),
                        ring: r,
                        other: r2,
                        lon: at[0],
                        lat: at[1],
                    }
                });
            }
        }
    }
    Ok(())
}

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn within_box(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Whether segments `ab` and `cd` share any point.
fn segments_meet(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && within_box(c, d, a))
        || (d2 == 0.0 && within_box(c, d, b))
        || (d3 == 0.0 && within_box(a, b, c))
        || (d4 == 0.0 && within_box(a, b, d))
}

/// Whether segments `ab` and `cd` cross at a point interior to both (touching is allowed).
fn segments_cross(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// Consecutive edges `ab`, `cd` share a vertex; true when they are collinear and overlap.
fn folds_back(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (shared, p, q) = if b == c { (b, a, d) } else { (a, b, c) };
    orient(p, shared, q) == 0.0
        && ((p[0] - shared[0]) * (q[0] - shared[0]) + (p[1] - shared[1]) * (q[1] - shared[1])) > 0.0
}
