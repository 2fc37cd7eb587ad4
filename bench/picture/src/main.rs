//! 1M position updates from 100k tracks against Libya's zones plus 1,000 user zones, three ways
//! in one run: Tansiq's engine with every rule on; Tansiq's zone index alone (which zones hold
//! each point); and PostGIS answering the same point-in-zone question in batches (GiST index,
//! `ST_Intersects` over zones cut with `ST_Subdivide`). Prints the medians and the ratios, and the engine's memory per live track.
//!
//! Usage: bench/picture.sh [--runs R] [--batch N] [--pg "host=… user=… dbname=…"] [--no-pg]
//!        [--pg-points N] [--state-hash]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../../../crates/engine/benches/common/workload.rs"]
mod workload;

use std::alloc::{GlobalAlloc, Layout};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts the bytes live on the heap, so the engine's memory per track is measured exactly
/// rather than read off the process's resident size (which keeps freed pages). Over mimalloc,
/// the allocator of the `tansiq` binary, so that the fold is timed as the server runs it.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to mimalloc unchanged; only counts sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

use engine::{Engine, EngineConfig};
use model::{EventKind, ZoneGeometry};

struct Args {
    runs: usize,
    batch: usize,
    pg: Option<String>,
    /// Give PostGIS only the first this many points (it is slow; its rate is what counts).
    pg_points: usize,
    /// Print the size and a hash of the final state's snapshot after each run: a change meant
    /// only to make the fold faster must leave both as they were.
    state_hash: bool,
}

fn args() -> Args {
    let mut a = Args {
        runs: 3,
        batch: 10_000,
        pg: Some("host=127.0.0.1 user=postgres dbname=test".into()),
        pg_points: usize::MAX,
        state_hash: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--batch" => a.batch = it.next().and_then(|v| v.parse().ok()).expect("--batch N"),
            "--pg" => a.pg = Some(it.next().expect("--pg CONNINFO")),
            "--no-pg" => a.pg = None,
            "--state-hash" => a.state_hash = true,
            "--pg-points" => {
                a.pg_points = it.next().and_then(|v| v.parse().ok()).expect("--pg-points N")
            }
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// Events folded at a time by the engine.
const BATCH: usize = 1_000;

fn live_bytes() -> u64 {
    LIVE.load(Ordering::Relaxed) as u64
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn points() -> Vec<[f64; 2]> {
    workload::events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Observation(o) => Some([o.position.lon, o.position.lat]),
            _ => None,
        })
        .collect()
}

fn main() {
    let args = args();
    let geo = workload::geography();
    let events = workload::events();
    let points = points();
    println!(
        "workload: {} updates from {} tracks, {} zones ({} user)",
        events.len(),
        workload::TRACKS,
        geo.zones().len(),
        geo.zones().iter().filter(|z| z.kind == model::ZoneKind::User).count()
    );
    let mut pg = args.pg.as_deref().map(|conninfo| Peer::connect(conninfo, &geo));
    let (mut fold, mut zones, mut peer) = (Vec::new(), Vec::new(), Vec::new());
    let mut per_track = Vec::new();
    let (mut ours_hits, mut peer_hits) = (0u64, 0u64);
    for run in 1..=args.runs {
        let before = live_bytes();
        let mut config = EngineConfig::default();
        config.rules.zone.kinds = vec![model::ZoneKind::User];
        let mut engine = Engine::new(config, Arc::clone(&geo));
        // As the server folds them: in the batches the log commits (replay reads the log in
        // runs like these too), the changes of each batch handed on.
        let mut changes = Vec::new();
        let t = Instant::now();
        for (i, batch) in events.chunks(BATCH).enumerate() {
            engine.apply_all((i * BATCH) as u64, batch, &mut changes);
            changes.clear();
        }
        let secs = t.elapsed().as_secs_f64();
        fold.push(events.len() as f64 / secs);
        let tracks = engine.track_count().max(1);
        per_track.push((live_bytes().saturating_sub(before)) as f64 / tracks as f64);
        if args.state_hash {
            use std::hash::{DefaultHasher, Hash, Hasher};
            let bytes = engine.snapshot();
            let mut h = DefaultHasher::new();
            bytes.hash(&mut h);
            println!("run {run}: state snapshot {} bytes, hash {:016x}", bytes.len(), h.finish());
            // What users see of it: the tracks and the alerts, whatever the fold remembers
            // beside them (a change to a memo changes the snapshot, not these).
            let mut h = DefaultHasher::new();
            for track in engine.tracks() {
                serde_json::to_vec(track).unwrap().hash(&mut h);
            }
            for alert in engine.alerts() {
                serde_json::to_vec(&alert.alert).unwrap().hash(&mut h);
            }
            println!("run {run}: tracks and alerts hash {:016x}", h.finish());
        }
        drop(engine);

        let t = Instant::now();
        let mut hits = 0u64;
        for p in &points {
            geo.for_each_containing(p[0], p[1], |_| hits += 1);
        }
        zones.push(points.len() as f64 / t.elapsed().as_secs_f64());
        ours_hits = hits;

        let mut line = format!(
            "run {run}: engine {:.0}/s ({tracks} tracks, {:.1} B/track), zone index {:.0}/s",
            fold[run - 1],
            per_track[run - 1],
            zones[run - 1]
        );
        if let Some(pg) = pg.as_mut() {
            let some = &points[..points.len().min(args.pg_points)];
            let t = Instant::now();
            peer_hits = pg.run(some, args.batch);
            peer.push(some.len() as f64 / t.elapsed().as_secs_f64());
            line.push_str(&format!(", postgis {:.0}/s", peer[run - 1]));
        }
        println!("{line}");
    }
    let (fold, zones) = (median(&mut fold), median(&mut zones));
    println!("median: engine, every rule on: {fold:.0} updates/s");
    println!("median: zone index alone:      {zones:.0} points/s ({ours_hits} point-zone pairs)");
    println!(
        "median: heap per live track:   {:.1} bytes (engine state / tracks)",
        median(&mut per_track)
    );
    if !peer.is_empty() {
        let peer = median(&mut peer);
        println!(
            "median: postgis point-in-zone:  {peer:.0} points/s ({peer_hits} point-zone pairs over the first {} points, batches of {})",
            points.len().min(args.pg_points),
            args.batch
        );
        println!("ratio engine / postgis:     {:.1}", fold / peer);
        println!("ratio zone index / postgis: {:.1}", zones / peer);
    }
}

/// PostGIS with the same areal zones (polygons as they are; circles buffered on the spheroid)
/// under a GiST index, asked which zones hold each point of a batch.
struct Peer {
    client: postgres::Client,
}

impl Peer {
    fn connect(conninfo: &str, geo: &engine::geo::Geography) -> Peer {
        let mut client = postgres::Client::connect(conninfo, postgres::NoTls).expect("postgres");
        client
            .batch_execute(
                "CREATE EXTENSION IF NOT EXISTS postgis;
                 DROP SCHEMA IF EXISTS tansiq_bench CASCADE;
                 CREATE SCHEMA tansiq_bench;
                 CREATE TABLE tansiq_bench.zones (id text PRIMARY KEY, geom geometry(Geometry, 4326));",
            )
            .expect("schema");
        let mut tx = client.transaction().expect("tx");
        for z in geo.zones() {
            match &z.geometry {
                ZoneGeometry::Polygon { rings } => {
                    let rings: Vec<String> = rings
                        .iter()
                        .map(|r| {
                            let pts: Vec<String> =
                                r.iter().map(|p| format!("{} {}", p[0], p[1])).collect();
                            format!("({})", pts.join(","))
                        })
                        .collect();
                    let wkt = format!("POLYGON({})", rings.join(","));
                    tx.execute(
                        "INSERT INTO tansiq_bench.zones VALUES ($1, ST_MakeValid(ST_GeomFromText($2, 4326)))",
                        &[&z.id, &wkt],
                    )
                    .expect("polygon");
                }
                ZoneGeometry::Circle { center, radius_m } => {
                    tx.execute(
                        "INSERT INTO tansiq_bench.zones VALUES ($1, ST_Buffer(ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography, $4, 'quad_segs=16')::geometry)",
                        &[&z.id, &center[0], &center[1], radius_m],
                    )
                    .expect("circle");
                }
                ZoneGeometry::LineString { .. } => {}
            }
        }
        // What a PostGIS expert does with large polygons (the 12/24 nm belts run the length of
        // the coast): cut them into pieces of at most 64 vertices so each test is cheap.
        tx.batch_execute(
            "CREATE TABLE tansiq_bench.parts AS
                 SELECT id, ST_Subdivide(geom, 64) AS geom FROM tansiq_bench.zones;
             CREATE INDEX ON tansiq_bench.parts USING gist (geom);
             ANALYZE tansiq_bench.parts;",
        )
        .expect("index");
        tx.commit().expect("commit");
        Peer { client }
    }

    /// Every point, in batches; returns the point-zone pairs found.
    fn run(&mut self, points: &[[f64; 2]], batch: usize) -> u64 {
        let query = self
            .client
            .prepare(
                "SELECT DISTINCT p.i, z.id FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
                 JOIN tansiq_bench.parts z ON ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))",
            )
            .expect("prepare");
        let mut pairs = 0u64;
        for chunk in points.chunks(batch) {
            let lons: Vec<f64> = chunk.iter().map(|p| p[0]).collect();
            let lats: Vec<f64> = chunk.iter().map(|p| p[1]).collect();
            pairs += self.client.query(&query, &[&lons, &lats]).expect("query").len() as u64;
        }
        pairs
    }
}
