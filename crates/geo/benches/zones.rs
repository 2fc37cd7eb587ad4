//! Micro-benchmarks of the queries the rules make per position: point in all zones (Libya's
//! shipped zones plus 1,000 random user zones), nearest border, distance to coast, surface,
//! a road within 100 m (10,000 random desert roads).
//!
//! Run: `cargo bench -p geo --bench zones`. Points are uniform over the region box
//! (lon 9–26 E, lat 19–34.5 N, i.e. Libya's box plus its sea), so most fall in the desert
//! and in no zone; the `coastal` variants use points within the maritime belts' box.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::f64::consts::TAU;
use std::sync::OnceLock;

use divan::{Bencher, black_box, counter::ItemsCount};
use geo::{Geography, zones_from_toml};
use model::AgencyId;

fn main() {
    divan::main();
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// 1,000 user zones: 700 star-shaped polygons of 4–12 vertices and 300 circles, 2–30 km.
fn user_zones_toml(rng: &mut Rng) -> String {
    let mut out = String::new();
    for i in 0..1000 {
        let (lon, lat) = (rng.range(9.5, 25.0), rng.range(20.0, 34.0));
        let r_km = rng.range(2.0, 30.0);
        if i % 10 < 7 {
            let n = 4 + (rng.next() * 9.0) as usize;
            let mut ring = Vec::new();
            for k in 0..n {
                let a = TAU * (k as f64 + rng.range(0.0, 0.8)) / n as f64;
                let r = r_km * rng.range(0.5, 1.0) / 111.2;
                ring.push(format!(
                    "[{}, {}]",
                    lon + r * a.cos() / lat.to_radians().cos(),
                    lat + r * a.sin()
                ));
            }
            ring.push(ring[0].clone());
            out.push_str(&format!("[[zone]]\nid = \"u{i}\"\npolygon = [[{}]]\n", ring.join(", ")));
        } else {
            out.push_str(&format!(
                "[[zone]]\nid = \"u{i}\"\ncircle = {{ center = [{lon}, {lat}], radius_m = {} }}\n",
                r_km * 1000.0
            ));
        }
    }
    out
}

fn geography() -> &'static Geography {
    static G: OnceLock<Geography> = OnceLock::new();
    G.get_or_init(|| {
        let text = user_zones_toml(&mut Rng(0x9e37_79b9_7f4a_7c15));
        let zones =
            zones_from_toml("bench.toml", &text, &AgencyId::new("JOC")).expect("bench zones");
        Geography::builder().zones(zones).build().expect("geography")
    })
}

const N: usize = 4096;

fn points(lon: (f64, f64), lat: (f64, f64)) -> Vec<[f64; 2]> {
    let mut rng = Rng(42);
    (0..N).map(|_| [rng.range(lon.0, lon.1), rng.range(lat.0, lat.1)]).collect()
}

fn region_points() -> Vec<[f64; 2]> {
    points((9.0, 26.0), (19.0, 34.5))
}

fn coastal_points() -> Vec<[f64; 2]> {
    points((11.5, 25.0), (30.2, 34.0))
}

fn containing(bencher: Bencher, pts: Vec<[f64; 2]>) {
    let g = geography();
    bencher.counter(ItemsCount::new(N)).bench(|| {
        let mut hits = 0usize;
        for p in &pts {
            g.for_each_containing(black_box(p[0]), black_box(p[1]), |_| hits += 1);
        }
        hits
    });
}

#[divan::bench]
fn containing_region(bencher: Bencher) {
    containing(bencher, region_points());
}

#[divan::bench]
fn containing_coastal(bencher: Bencher) {
    containing(bencher, coastal_points());
}

#[divan::bench]
fn nearest_border(bencher: Bencher) {
    let (g, pts) = (geography(), region_points());
    bencher.counter(ItemsCount::new(N)).bench(|| {
        pts.iter().filter_map(|p| g.nearest_border(p[0], p[1])).map(|b| b.at.metres).sum::<f64>()
    });
}

#[divan::bench]
fn near_border_1km(bencher: Bencher) {
    let (g, pts) = (geography(), region_points());
    bencher
        .counter(ItemsCount::new(N))
        .bench(|| pts.iter().filter(|p| g.near_border(p[0], p[1], 1_000.0).is_some()).count());
}

#[divan::bench]
fn distance_to_coast(bencher: Bencher) {
    let (g, pts) = (geography(), coastal_points());
    bencher
        .counter(ItemsCount::new(N))
        .bench(|| pts.iter().filter_map(|p| g.distance_to_coast_m(p[0], p[1])).sum::<f64>());
}

#[divan::bench]
fn near_coast_12nm(bencher: Bencher) {
    let (g, pts) = (geography(), coastal_points());
    bencher
        .counter(ItemsCount::new(N))
        .bench(|| pts.iter().filter(|p| g.near_coast(p[0], p[1], 12.0 * 1852.0)).count());
}

#[divan::bench]
fn surface(bencher: Bencher) {
    let (g, pts) = (geography(), region_points());
    bencher
        .counter(ItemsCount::new(N))
        .bench(|| pts.iter().filter(|p| g.surface(p[0], p[1]) == geo::Surface::Sea).count());
}

#[divan::bench(sample_count = 10)]
fn build_libya_plus_1000_user_zones(bencher: Bencher) {
    let text = user_zones_toml(&mut Rng(0x9e37_79b9_7f4a_7c15));
    bencher.bench(|| {
        let zones = zones_from_toml("bench.toml", &text, &AgencyId::new("JOC")).unwrap();
        Geography::builder().zones(zones).build().unwrap().zones().len()
    });
}

/// 10,000 roads over the region's land, each a wandering line of 20 points about 2 km apart:
/// some 190,000 segments, the size of an extract of a country's roads and tracks.
fn roads() -> Vec<Vec<[f64; 2]>> {
    let mut rng = Rng(7);
    (0..10_000)
        .map(|_| {
            let (mut lon, mut lat) = (rng.range(9.5, 25.0), rng.range(20.0, 33.0));
            let mut heading = rng.range(0.0, TAU);
            (0..20)
                .map(|_| {
                    heading += rng.range(-0.5, 0.5);
                    lon += 0.018 * heading.cos() / lat.to_radians().cos();
                    lat += 0.018 * heading.sin();
                    [lon, lat]
                })
                .collect()
        })
        .collect()
}

fn with_roads() -> &'static Geography {
    static G: OnceLock<Geography> = OnceLock::new();
    G.get_or_init(|| Geography::builder().roads(roads()).build().expect("geography"))
}

#[divan::bench]
fn near_road_100m(bencher: Bencher) {
    let (g, pts) = (with_roads(), region_points());
    bencher
        .counter(ItemsCount::new(N))
        .bench(|| pts.iter().filter(|p| g.near_road(p[0], p[1], 100.0)).count());
}

#[divan::bench(sample_count = 10)]
fn build_with_190k_road_segments(bencher: Bencher) {
    let roads = roads();
    bencher
        .with_inputs(|| roads.clone())
        .bench_values(|roads| Geography::builder().roads(roads).build().unwrap().has_roads());
}
