//! Compiled shapes: polygons with a latitude-band edge index for point-in-polygon, and lines
//! with an R-tree of segments for distance, side and along-line position.

use rstar::{
    RTree,
    primitives::{GeomWithData, Line},
};

use crate::sphere::{Closest, M_PER_DEG, closest_on_segment, cross, haversine_m};
use crate::validate::dedup;

/// Band entries allowed per edge on average (see [`PolygonShape::new`]).
const BAND_ENTRIES_PER_EDGE: usize = 16;

/// A polygon (exterior and holes, even-odd rule) ready for fast containment tests.
///
/// Edges are bucketed in bands across the polygon's longer side (latitude bands for a tall
/// polygon, longitude bands for a wide one) and a crossing-number test casts its ray along the
/// band, looking only at the edges of the band holding the point. A band across a long thin
/// shape — the 12 and 24 nm belts run the length of the coast — holds a few edges; a band
/// along it held every bend of the coast at that latitude.
#[derive(Debug, Clone)]
pub struct PolygonShape {
    pub min: [f64; 2],
    pub max: [f64; 2],
    edges: Vec<[[f64; 2]; 2]>,
    /// The coordinate the bands divide (1: latitude, 0: longitude).
    axis: usize,
    band_height: f64,
    band_start: Vec<u32>,
    band_edges: Vec<u32>,
}

impl PolygonShape {
    /// Builds from rings already checked by `validate` (closed, finite, in range).
    pub fn new(rings: &[Vec<[f64; 2]>]) -> PolygonShape {
        let mut edges = Vec::new();
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for ring in rings {
            for w in ring.windows(2) {
                if w[0] != w[1] {
                    edges.push([w[0], w[1]]);
                }
                for p in w {
                    min = [min[0].min(p[0]), min[1].min(p[1])];
                    max = [max[0].max(p[0]), max[1].max(p[1])];
                }
            }
        }
        let axis = if max[0] - min[0] > max[1] - min[1] { 0 } else { 1 };
        // As many bands as half the edges, fewer if the edges would then be filed too many
        // times over: a zigzag whose every edge spans the whole polygon is filed once a band,
        // and at 8192 bands tens of thousands of such edges took gigabytes. Such a zone is
        // slow to test, not a reason to stop.
        let mut bands = (edges.len() / 2).clamp(1, 8192);
        let budget = BAND_ENTRIES_PER_EDGE * edges.len().max(1024);
        let span = |bands: usize, e: &[[f64; 2]; 2]| {
            let height = ((max[axis] - min[axis]) / bands as f64).max(1e-9);
            let band_of = |v: f64| (((v - min[axis]) / height) as usize).min(bands - 1);
            band_of(e[0][axis].max(e[1][axis])) - band_of(e[0][axis].min(e[1][axis])) + 1
        };
        while bands > 1 && edges.iter().map(|e| span(bands, e)).sum::<usize>() > budget {
            bands /= 2;
        }
        let band_height = ((max[axis] - min[axis]) / bands as f64).max(1e-9);
        let band_of = |v: f64| (((v - min[axis]) / band_height) as usize).min(bands - 1);
        let mut counts = vec![0u32; bands + 1];
        for e in &edges {
            let (lo, hi) =
                (band_of(e[0][axis].min(e[1][axis])), band_of(e[0][axis].max(e[1][axis])));
            for c in &mut counts[lo + 1..=hi + 1] {
                *c += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut band_edges = vec![0u32; counts[bands] as usize];
        for (k, e) in edges.iter().enumerate() {
            let (lo, hi) =
                (band_of(e[0][axis].min(e[1][axis])), band_of(e[0][axis].max(e[1][axis])));
            for slot in &mut fill[lo..=hi] {
                band_edges[*slot as usize] = k as u32;
                *slot += 1;
            }
        }
        PolygonShape { min, max, edges, axis, band_height, band_start: counts, band_edges }
    }

    /// Every edge as `[from, to]`.
    pub fn edges(&self) -> &[[[f64; 2]; 2]] {
        &self.edges
    }

    /// Whether `p` is inside (even-odd rule; points exactly on an edge may go either way).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        if !(p[0] >= self.min[0]
            && p[0] <= self.max[0]
            && p[1] >= self.min[1]
            && p[1] <= self.max[1])
        {
            return false;
        }
        // `v` is the banded coordinate, `u` the other; the ray runs from `p` towards +u.
        let (v, u) = (self.axis, 1 - self.axis);
        let bands = self.band_start.len() - 1;
        let band = (((p[v] - self.min[v]) / self.band_height) as usize).min(bands - 1);
        let (from, to) = (self.band_start[band] as usize, self.band_start[band + 1] as usize);
        let mut inside = false;
        // Without branches on the edges: whether a ray crosses an edge is as good as random
        // to the processor, and a mispredicted branch costs more than the division. Where the
        // edge does not straddle the ray, `at` may be anything (infinite, NaN) and is ignored.
        for &k in &self.band_edges[from..to] {
            let [a, b] = self.edges[k as usize];
            let straddles = (a[v] > p[v]) != (b[v] > p[v]);
            let at = a[u] + (p[v] - a[v]) / (b[v] - a[v]) * (b[u] - a[u]);
            inside ^= straddles & (p[u] < at);
        }
        inside
    }
}

/// Which side of a line a point lies on, looking along the line's direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    /// On the line (within a millimetre).
    On,
}

/// Where a point is relative to a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineDistance {
    /// Distance to the closest point of the line, in metres.
    pub metres: f64,
    pub side: Side,
    /// Position of the closest point along the line, in km from its first point.
    pub along_km: f64,
    /// The closest point, `[lon, lat]`.
    pub closest: [f64; 2],
}

type SegItem = GeomWithData<Line<[f64; 2]>, u32>;

/// A polyline with cumulative lengths and a segment R-tree.
#[derive(Debug, Clone)]
pub struct LineShape {
    pub points: Vec<[f64; 2]>,
    /// Whether `points[i]` → `points[i + 1]` is a segment (false at the end of a part).
    joins: Vec<bool>,
    /// Cumulative length in km at each point.
    pub cum_km: Vec<f64>,
    pub min: [f64; 2],
    pub max: [f64; 2],
    /// cos(mid-latitude): the tree's longitude scale.
    kx: f64,
    tree: RTree<SegItem>,
}

/// Distances up to which [`LineShape::metres_per_unit_near`] bounds hold.
const NEAR_M: f64 = 300_000.0;

impl LineShape {
    /// Builds from points already checked by `validate` (at least 2 distinct).
    pub fn new(points: &[[f64; 2]]) -> LineShape {
        LineShape::from_parts(std::slice::from_ref(&points.to_vec()))
    }

    /// Builds one shape from several disjoint polylines (e.g. every coastline of a map); no
    /// segment joins the end of one part to the start of the next.
    pub fn from_parts(parts: &[Vec<[f64; 2]>]) -> LineShape {
        let mut points = Vec::new();
        let mut joins = Vec::new();
        for part in parts {
            let part = dedup(part);
            for (k, p) in part.iter().enumerate() {
                points.push(*p);
                joins.push(k + 1 < part.len());
            }
        }
        let mut cum_km = Vec::with_capacity(points.len());
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let mut total = 0.0;
        for (i, p) in points.iter().enumerate() {
            if i > 0 && joins[i - 1] {
                total += haversine_m(points[i - 1], *p) / 1000.0;
            }
            cum_km.push(total);
            min = [min[0].min(p[0]), min[1].min(p[1])];
            max = [max[0].max(p[0]), max[1].max(p[1])];
        }
        let kx = ((min[1] + max[1]) / 2.0).to_radians().cos().max(0.01);
        let segs = points
            .windows(2)
            .enumerate()
            .filter(|(i, _)| joins[*i])
            .map(|(i, w)| {
                let (a, b) = ([w[0][0] * kx, w[0][1]], [w[1][0] * kx, w[1][1]]);
                SegItem::new(Line::new(a, b), i as u32)
            })
            .collect();
        LineShape { points, joins, cum_km, min, max, kx, tree: RTree::bulk_load(segs) }
    }

    /// The first point where the segment `p`→`q` meets the line, with its along-line km;
    /// `None` if it does not meet it or a point is invalid. Planar in lon/lat, which is
    /// exact enough for fixes a few kilometres apart.
    pub fn first_crossing(&self, p: [f64; 2], q: [f64; 2]) -> Option<([f64; 2], f64)> {
        if !(crate::sphere::valid_lonlat(p) && crate::sphere::valid_lonlat(q)) {
            return None;
        }
        // A step whose box misses the line's misses the line: most steps, far from it. One
        // branch on the answer (`|`, not `||`): its parts vary from step to step.
        let apart = |k: usize| (p[k].max(q[k]) < self.min[k]) | (p[k].min(q[k]) > self.max[k]);
        if apart(0) | apart(1) {
            return None;
        }
        let env = rstar::AABB::from_corners([p[0] * self.kx, p[1]], [q[0] * self.kx, q[1]]);
        let mut best: Option<(f64, [f64; 2], usize)> = None;
        for item in self.tree.locate_in_envelope_intersecting(&env) {
            let i = item.data as usize;
            let (a, b) = (self.points[i], self.points[i + 1]);
            let r = [q[0] - p[0], q[1] - p[1]];
            let s = [b[0] - a[0], b[1] - a[1]];
            let denom = r[0] * s[1] - r[1] * s[0];
            if denom == 0.0 {
                continue;
            }
            let ap = [a[0] - p[0], a[1] - p[1]];
            let t = (ap[0] * s[1] - ap[1] * s[0]) / denom;
            let u = (ap[0] * r[1] - ap[1] * r[0]) / denom;
            if (0.0..=1.0).contains(&t)
                && (0.0..=1.0).contains(&u)
                && best.is_none_or(|(bt, ..)| t < bt)
            {
                best = Some((t, [a[0] + u * s[0], a[1] + u * s[1]], i));
            }
        }
        let (_, point, i) = best?;
        Some((point, self.cum_km[i] + haversine_m(self.points[i], point) / 1000.0))
    }

    /// Metres per unit of tree distance, as a lower bound: the tree's x is longitude scaled by
    /// cos(mid-latitude), the truth by cos(latitude), which is smallest at the highest
    /// latitude involved; 0.9 absorbs the flat-vs-sphere difference at long range.
    fn metres_per_unit(&self, p: [f64; 2]) -> f64 {
        0.9 * self.metres_per_unit_flat(p)
    }

    /// [`Self::metres_per_unit`] for points of the line less than [`NEAR_M`] from `p`: a bound
    /// within 0.1 % rather than 10 %, so that a nearest-first search stops soon after the
    /// nearest segment instead of measuring every segment up to 11 % farther (a point 100 km
    /// off a smooth coast has a hundred of those). `None` where it does not hold.
    ///
    /// Why it holds: on the sphere `hav(d) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ)`, with
    /// `cos φ1 cos φ2 ≥ cos² φmax` for the largest latitude `φmax` of the point and the line,
    /// and `x ≥ sin x ≥ x (1 − x²/6)`; so `d ≥ (1 − m²/24) · √(Δφ² + cos² φmax Δλ²)`, `m` the
    /// larger of `|Δφ|` and `|Δλ|` in radians. Up to 60° of latitude a point less than 300 km
    /// away has `m < 0.1` (then the factor is above 0.9995), and the tree's unit scales
    /// longitude by `kx` where this scales it by `cos φmax`.
    fn metres_per_unit_near(&self, p: [f64; 2]) -> Option<f64> {
        let max_lat = p[1].abs().max(self.min[1].abs()).max(self.max[1].abs());
        (max_lat <= 60.0).then(|| 0.999 * self.metres_per_unit_flat(p))
    }

    /// Metres per tree unit in the flat approximation at the largest latitude in play.
    fn metres_per_unit_flat(&self, p: [f64; 2]) -> f64 {
        let max_lat = p[1].abs().max(self.min[1].abs()).max(self.max[1].abs()).min(89.0);
        (max_lat.to_radians().cos() / self.kx).min(1.0) * M_PER_DEG
    }

    /// Whether `p` is farther than `metres` from the line's box by a bound with no
    /// trigonometry: the latitude gap alone (a great circle is never shorter), or the
    /// longitude gap scaled as [`Self::lower_bound_m`] scales it but by `1 − θ²/2 ≤ cos θ`
    /// for the largest latitude θ in play, which is at most `kx`, so never above that bound
    /// (which, like this, holds for longitude gaps up to some 50°, not across continents).
    /// Most points are far from most lines; this answers for them before any cosine or root.
    fn far_beyond(&self, p: [f64; 2], metres: f64) -> bool {
        // Both bounds and no branch between them: which one answers varies from point to
        // point, and the second costs a few multiplications.
        let dy = (self.min[1] - p[1]).max(p[1] - self.max[1]);
        let by_lat = dy * M_PER_DEG * (1.0 - 1e-9) - 1e-6 > metres;
        let dx = (self.min[0] - p[0]).max(p[0] - self.max[0]);
        let theta = p[1].abs().max(self.min[1].abs()).max(self.max[1].abs()).to_radians();
        let cos_at_least = 1.0 - theta * theta / 2.0;
        let by_lon = (cos_at_least > 0.0)
            & (dx * cos_at_least * 0.9 * M_PER_DEG * (1.0 - 1e-9) - 1e-6 > metres);
        by_lat | by_lon
    }

    /// A lower bound of the distance in metres from `p` to any point of the line.
    pub fn lower_bound_m(&self, p: [f64; 2]) -> f64 {
        let dx = (self.min[0] - p[0]).max(p[0] - self.max[0]).max(0.0) * self.kx;
        let dy = (self.min[1] - p[1]).max(p[1] - self.max[1]).max(0.0);
        let d = (dx * dx + dy * dy).sqrt() * self.metres_per_unit(p);
        if d.is_nan() { 0.0 } else { d }
    }

    pub fn length_km(&self) -> f64 {
        self.cum_km.last().copied().unwrap_or(0.0)
    }

    /// Distance, side and along-line position of `p`; `None` for an invalid point.
    pub fn locate(&self, p: [f64; 2]) -> Option<LineDistance> {
        if !crate::sphere::valid_lonlat(p) {
            return None;
        }
        // Segments come in tree-distance order; once the tree distance, converted by a lower
        // bound of metres per unit, exceeds the best true distance, no later one can win.
        // Once the best is nearer than `NEAR_M`, only segments nearer still can beat it, and
        // for those the tighter bound holds.
        let floor = self.metres_per_unit(p);
        let near = self.metres_per_unit_near(p);
        let mut best: Option<(usize, Closest)> = None;
        for (item, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&[p[0] * self.kx, p[1]]) {
            if let Some((_, b)) = best {
                let floor = match near {
                    Some(near) if b.metres <= NEAR_M => near,
                    _ => floor,
                };
                if d2.sqrt() * floor > b.metres {
                    break;
                }
            }
            let i = item.data as usize;
            let c = closest_on_segment(p, self.points[i], self.points[i + 1]);
            if best.is_none_or(|(_, b)| c.metres < b.metres) {
                best = Some((i, c));
            }
        }
        let (i, c) = best?;
        let along_km = self.cum_km[i] + haversine_m(self.points[i], c.point) / 1000.0;
        Some(LineDistance {
            metres: c.metres,
            side: self.side(i, &c, p),
            along_km,
            closest: c.point,
        })
    }

    /// Whether any point of the line is within `metres` of `p`; stops at the first one.
    pub fn within(&self, p: [f64; 2], metres: f64) -> bool {
        if !crate::sphere::valid_lonlat(p) || metres.is_nan() || self.far_beyond(p, metres) {
            return false;
        }
        if self.lower_bound_m(p) > metres {
            return false;
        }
        // Every segment within `metres` is within `metres / floor` in tree units, so the
        // segments the tree finds that near are all that can answer; any one that does ends
        // it. (A range query walks the tree on the stack; a nearest-first one kept a heap.)
        let floor = match self.metres_per_unit_near(p) {
            Some(near) if metres <= NEAR_M => near,
            _ => self.metres_per_unit(p),
        };
        let reach = metres / floor;
        let q = [p[0] * self.kx, p[1]];
        self.tree.locate_within_distance(q, reach * reach).any(|item| {
            let i = item.data as usize;
            closest_on_segment(p, self.points[i], self.points[i + 1]).metres <= metres
        })
    }

    fn side(&self, i: usize, c: &Closest, p: [f64; 2]) -> Side {
        if c.metres < 1e-3 {
            return Side::On;
        }
        let (a, b) = (self.points[i], self.points[i + 1]);
        let here = cross(a, b, p);
        // At an interior vertex the two segments may disagree; the turn decides (a point in
        // the wedge's outside belongs to the side the line turns away from).
        let vertex = if c.t <= 0.0 && i > 0 && self.joins[i - 1] {
            Some((self.points[i - 1], a, b))
        } else if c.t >= 1.0 && self.joins.get(i + 1) == Some(&true) {
            Some((a, b, self.points[i + 2]))
        } else {
            None
        };
        let s = match vertex {
            Some((u, v, w)) => {
                let (s1, s2) = (cross(u, v, p), cross(v, w, p));
                if (s1 > 0.0) == (s2 > 0.0) {
                    s1
                } else if cross(u, v, w) > 0.0 {
                    -1.0
                } else {
                    1.0
                }
            }
            None => here,
        };
        if s > 0.0 { Side::Left } else { Side::Right }
    }

    /// The part of the line between two along-line positions in km (clamped to the line).
    pub fn cut(&self, from_km: f64, to_km: f64) -> Vec<[f64; 2]> {
        if self.points.is_empty() {
            return Vec::new();
        }
        let total = self.length_km();
        let (from_km, to_km) = (from_km.clamp(0.0, total), to_km.clamp(0.0, total));
        let at = |km: f64| -> [f64; 2] {
            let i = self.cum_km.partition_point(|&c| c <= km).saturating_sub(1);
            let j = (i + 1).min(self.points.len() - 1);
            let span = self.cum_km[j] - self.cum_km[i];
            let t = if span > 0.0 { ((km - self.cum_km[i]) / span).clamp(0.0, 1.0) } else { 0.0 };
            let (a, b) = (self.points[i], self.points[j]);
            [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
        };
        let mut out = vec![at(from_km)];
        for (p, &c) in self.points.iter().zip(&self.cum_km) {
            if c > from_km && c < to_km {
                out.push(*p);
            }
        }
        out.push(at(to_km));
        dedup(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> PolygonShape {
        PolygonShape::new(&[
            vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]],
            vec![[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]],
        ])
    }

    #[test]
    fn polygon_with_hole() {
        let s = square();
        assert!(s.contains([0.2, 0.2]));
        assert!(!s.contains([0.5, 0.5]));
        assert!(!s.contains([1.5, 0.5]));
        assert!(!s.contains([f64::NAN, 0.5]));
    }

    /// A comb of 20,000 teeth, its 40,000 edges each spanning nine tenths of the polygon's
    /// height: filed in every band they cross, of 8192, that was over a gigabyte of index.
    /// Built within the budget now, and it still answers as a plain even-odd test does.
    #[test]
    fn a_comb_of_tall_edges_is_indexed_within_its_budget() {
        let teeth = 20_000;
        let step = 0.5 / (2 * teeth) as f64;
        let mut ring: Vec<[f64; 2]> = (0..=2 * teeth)
            .map(|i| [i as f64 * step, if i % 2 == 0 { 0.0 } else { 1.0 }])
            .collect();
        ring.extend([[0.5, -0.1], [0.0, -0.1], [0.0, 0.0]]);
        let shape = PolygonShape::new(std::slice::from_ref(&ring));
        let edges = shape.edges().len();
        assert!(
            shape.band_edges.len() <= BAND_ENTRIES_PER_EDGE * edges,
            "{}",
            shape.band_edges.len()
        );
        let plain = |p: [f64; 2]| {
            let mut inside = false;
            for [a, b] in shape.edges() {
                if (a[1] > p[1]) != (b[1] > p[1])
                    && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
                {
                    inside = !inside;
                }
            }
            inside
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut inside, mut outside) = (0, 0);
        for _ in 0..500 {
            let p = [next() * 0.6 - 0.05, next() * 1.3 - 0.2];
            assert_eq!(shape.contains(p), plain(p), "at {p:?}");
            if plain(p) { inside += 1 } else { outside += 1 }
        }
        assert!(inside > 50 && outside > 50, "{inside} inside, {outside} outside");
    }

    #[test]
    fn sides_of_a_bent_line() {
        // East, then north: a left turn at (1, 0).
        let l = LineShape::new(&[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]);
        assert_eq!(l.locate([0.5, 0.1]).map(|d| d.side), Some(Side::Left));
        assert_eq!(l.locate([0.5, -0.1]).map(|d| d.side), Some(Side::Right));
        assert_eq!(l.locate([1.1, -0.1]).map(|d| d.side), Some(Side::Right));
        assert_eq!(l.locate([0.9, 0.1]).map(|d| d.side), Some(Side::Left));
        assert_eq!(l.locate([1.0, 0.5]).map(|d| d.side), Some(Side::On));
    }

    fn wiggly_line() -> LineShape {
        // A long zig-zag from the Tunisian border to Egypt, like a coastline.
        let pts: Vec<[f64; 2]> = (0..400)
            .map(|i| [11.5 + i as f64 * 0.035, 32.0 + (i as f64 * 0.7).sin() * 0.6])
            .collect();
        LineShape::new(&pts)
    }

    /// The distance to the line measured segment by segment, with no index.
    fn nearest_by_scan(l: &LineShape, p: [f64; 2]) -> f64 {
        let segments = l.points.windows(2);
        segments.map(|w| closest_on_segment(p, w[0], w[1]).metres).fold(f64::INFINITY, f64::min)
    }

    proptest::proptest! {
        #[test]
        fn pruned_search_finds_the_true_nearest(lon in 0.0..40.0f64, lat in 10.0..45.0f64) {
            let l = wiggly_line();
            let p = [lon, lat];
            let got = l.locate(p).map(|d| d.metres).unwrap_or(f64::NAN);
            let want = nearest_by_scan(&l, p);
            proptest::prop_assert!((got - want).abs() <= 1e-6 * want.max(1.0), "{got} vs {want}");
            proptest::prop_assert!(l.lower_bound_m(p) <= want + 1e-6);
            proptest::prop_assert!(!l.far_beyond(p, want));
            proptest::prop_assert!(l.within(p, want * 1.001 + 1e-3));
            proptest::prop_assert!(!l.within(p, want * 0.999 - 1e-3));
        }

        /// Near the line, where the search stops on the tighter bound, and at high latitudes.
        #[test]
        fn pruned_search_finds_the_true_nearest_near_the_line(
            lon in 11.0..26.5f64,
            lat in 30.5..34.0f64,
            far_north in proptest::bool::ANY,
        ) {
            let (l, p) = if far_north {
                let pts: Vec<[f64; 2]> = (0..300)
                    .map(|i| [5.0 + i as f64 * 0.05, 58.0 + (i as f64 * 0.9).sin() * 1.5])
                    .collect();
                (LineShape::new(&pts), [lon - 6.0, lat + 26.0])
            } else {
                (wiggly_line(), [lon, lat])
            };
            let got = l.locate(p).map(|d| d.metres).unwrap_or(f64::NAN);
            let want = nearest_by_scan(&l, p);
            proptest::prop_assert_eq!(got, want);
            proptest::prop_assert!(!l.far_beyond(p, want));
            proptest::prop_assert!(l.within(p, want * 1.000_001 + 1e-3));
            proptest::prop_assert!(!l.within(p, want * 0.999_999 - 1e-3));
        }

        /// Wide (banded by longitude) and tall (by latitude) alike.
        #[test]
        fn band_index_agrees_with_a_plain_crossing_test(
            lon in 9.0..26.0f64,
            lat in 26.0..38.0f64,
            wide in proptest::bool::ANY,
        ) {
            let (kx, ky) = if wide { (2.0, 1.0) } else { (1.0, 2.5) };
            let ring: Vec<[f64; 2]> = (0..=500)
                .map(|i| {
                    let a = std::f64::consts::TAU * (i % 500) as f64 / 500.0;
                    let r = 2.0 + (a * 7.0).sin() * 0.8;
                    [17.5 + r * a.cos() * kx, 32.0 + r * a.sin() * ky]
                })
                .collect();
            let shape = PolygonShape::new(std::slice::from_ref(&ring));
            let mut inside = false;
            for w in ring.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a[1] > lat) != (b[1] > lat) && lon < a[0] + (lat - a[1]) / (b[1] - a[1]) * (b[0] - a[0]) {
                    inside = !inside;
                }
            }
            proptest::prop_assert_eq!(shape.contains([lon, lat]), inside);
        }
    }

    #[test]
    fn crossing_a_bent_line() {
        let l = LineShape::new(&[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]);
        let (at, km) = l.first_crossing([0.5, -0.1], [0.5, 0.1]).unwrap_or_default();
        assert_eq!(at, [0.5, 0.0]);
        assert!((km - 55.6).abs() < 0.1, "{km}");
        // Crossing both legs: the first met from the start of the move wins.
        let (at, _) = l.first_crossing([1.5, 0.5], [0.5, -0.3]).unwrap_or_default();
        assert!((at[0] - 1.0).abs() < 1e-12 && at[1] > 0.0, "{at:?}");
        assert!(l.first_crossing([0.5, 0.1], [0.6, 0.2]).is_none());
        assert!(l.first_crossing([f64::NAN, 0.1], [0.6, 0.2]).is_none());
    }

    #[test]
    fn parts_are_not_joined() {
        let l =
            LineShape::from_parts(&[vec![[0.0, 0.0], [1.0, 0.0]], vec![[0.0, 1.0], [1.0, 1.0]]]);
        // (1, 0) -> (0, 1) would be a segment if the parts were joined.
        let d = l.locate([0.5, 0.5]).map(|d| d.metres).unwrap_or_default();
        assert!((d - 55_597.0).abs() < 10.0, "{d}");
        assert!(l.first_crossing([0.4, 0.4], [0.6, 0.6]).is_none());
    }

    #[test]
    fn cut_keeps_the_middle() {
        let l = LineShape::new(&[[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]);
        let part = l.cut(50.0, 150.0);
        assert_eq!(part.len(), 3);
        assert!((part[1][0] - 1.0).abs() < 1e-12);
    }
}
