//! Thinning a track's trail for display: keep at most N points that best keep its shape.
//!
//! Top-down Douglas–Peucker driven by a priority queue: start from the two ends and keep adding
//! the point farthest from the segment that currently stands for it, until N points are kept.
//! Turns survive, straight runs collapse; the result is the same for the same input.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Indexes (ascending) of at most `max` points of `points` (`[lon, lat]`) that keep its shape;
/// the first and last are always kept when `max >= 2`.
pub fn keep_shape(points: &[[f64; 2]], max: usize) -> Vec<usize> {
    let n = points.len();
    if n <= max {
        return (0..n).collect();
    }
    match max {
        0 => return Vec::new(),
        1 => return vec![n - 1],
        _ => {}
    }
    let mut kept = vec![0, n - 1];
    let mut heap = BinaryHeap::new();
    push_farthest(points, 0, n - 1, &mut heap);
    while kept.len() < max {
        let Some(Split { at, from, to, .. }) = heap.pop() else { break };
        kept.push(at);
        push_farthest(points, from, at, &mut heap);
        push_farthest(points, at, to, &mut heap);
    }
    kept.sort_unstable();
    kept
}

#[derive(Debug, PartialEq)]
struct Split {
    distance: f64,
    at: usize,
    from: usize,
    to: usize,
}

impl Eq for Split {}

impl Ord for Split {
    fn cmp(&self, other: &Self) -> Ordering {
        // Farthest first; ties to the earlier point, so the result never depends on the heap.
        self.distance.total_cmp(&other.distance).then_with(|| other.at.cmp(&self.at))
    }
}

impl PartialOrd for Split {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn push_farthest(points: &[[f64; 2]], from: usize, to: usize, heap: &mut BinaryHeap<Split>) {
    if to <= from + 1 {
        return;
    }
    let (a, b) = (points[from], points[to]);
    // Degrees of longitude shrink with latitude; a local scale keeps distances honest.
    let k = a[1].to_radians().cos().max(1e-6);
    let best = (from + 1..to)
        .map(|i| (offset(points[i], a, b, k), i))
        .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.1.cmp(&x.1)));
    if let Some((distance, at)) = best {
        let distance = if distance.is_finite() { distance } else { f64::MAX };
        heap.push(Split { distance, at, from, to });
    }
}

/// Distance from `p` to the segment `a`–`b`, in scaled degrees.
fn offset(p: [f64; 2], a: [f64; 2], b: [f64; 2], k: f64) -> f64 {
    let (px, py) = ((p[0] - a[0]) * k, p[1] - a[1]);
    let (bx, by) = ((b[0] - a[0]) * k, b[1] - a[1]);
    let len2 = bx * bx + by * by;
    let t = if len2 > 0.0 { ((px * bx + py * by) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (dx, dy) = (px - t * bx, py - t * by);
    (dx * dx + dy * dy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_trails_are_kept_whole_and_limits_hold() {
        let pts: Vec<[f64; 2]> = (0..5).map(|i| [i as f64, 0.0]).collect();
        assert_eq!(keep_shape(&pts, 10), vec![0, 1, 2, 3, 4]);
        assert_eq!(keep_shape(&pts, 0), Vec::<usize>::new());
        assert_eq!(keep_shape(&pts, 1), vec![4]);
        assert_eq!(keep_shape(&pts, 2), vec![0, 4]);
        assert_eq!(keep_shape(&[], 3), Vec::<usize>::new());
    }

    #[test]
    fn the_turn_survives_and_the_straight_run_collapses() {
        // East along the equator for 50 points, then north for 50: an L.
        let mut pts: Vec<[f64; 2]> = (0..50).map(|i| [i as f64 * 0.01, 0.0]).collect();
        pts.extend((0..50).map(|i| [0.49, (i + 1) as f64 * 0.01]));
        let kept = keep_shape(&pts, 3);
        assert_eq!(kept, vec![0, 49, 99]);
    }

    #[test]
    fn nan_points_do_not_panic() {
        let pts = vec![[0.0, 0.0], [f64::NAN, 1.0], [2.0, f64::INFINITY], [3.0, 0.0]];
        let kept = keep_shape(&pts, 3);
        assert_eq!(kept.len(), 3);
        assert_eq!((kept[0], kept[2]), (0, 3));
    }
}
