//! The picture's benchmark workload, shared by `benches/fold.rs` and the side-by-side program
//! in `bench/picture` (which includes this file by path): Libya's zones plus 1,000 user zones,
//! and 1M position updates from 100,000 tracks, 10 rounds 10 s apart per track: 60 % AIS
//! vessels over the sea, 20 % radar contacts near the coast, 20 % vehicles in the desert.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::f64::consts::TAU;
use std::sync::{Arc, OnceLock};

use engine::geo::{Geography, zones_from_toml};
use model::{
    AgencyId, Event, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time,
};

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

pub fn geography() -> Arc<Geography> {
    static G: OnceLock<Arc<Geography>> = OnceLock::new();
    G.get_or_init(|| {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut text = String::new();
        for i in 0..1000 {
            let (lon, lat) = (rng.range(9.5, 25.0), rng.range(20.0, 34.0));
            let r_km = rng.range(2.0, 30.0);
            if i % 10 < 7 {
                let n = 4 + (rng.next() * 9.0) as usize;
                let mut ring: Vec<String> = (0..n)
                    .map(|k| {
                        let a = TAU * (k as f64 + rng.range(0.0, 0.8)) / n as f64;
                        let r = r_km * rng.range(0.5, 1.0) / 111.2;
                        format!("[{}, {}]", lon + r * a.cos() / lat.to_radians().cos(), lat + r * a.sin())
                    })
                    .collect();
                ring.push(ring[0].clone());
                text.push_str(&format!("[[zone]]\nid = \"u{i}\"\npolygon = [[{}]]\n", ring.join(", ")));
            } else {
                let m = r_km * 1000.0;
                text.push_str(&format!("[[zone]]\nid = \"u{i}\"\ncircle = {{ center = [{lon}, {lat}], radius_m = {m} }}\n"));
            }
        }
        let zones = zones_from_toml("bench.toml", &text, &AgencyId::new("JOC")).expect("zones");
        Arc::new(Geography::builder().zones(zones).build().expect("geography"))
    })
    .clone()
}

pub const TRACKS: usize = 100_000;
pub const ROUNDS: usize = 10;

pub fn events() -> &'static [Event] {
    static E: OnceLock<Vec<Event>> = OnceLock::new();
    E.get_or_init(|| {
        let mut rng = Rng(42);
        let starts: Vec<(f64, f64, f64, f64)> = (0..TRACKS)
            .map(|i| match i % 5 {
                0..=2 => (
                    rng.range(11.5, 25.0),
                    rng.range(32.8, 34.5),
                    rng.range(0.0, 8.0),
                    rng.range(0.0, 360.0),
                ),
                3 => (
                    rng.range(11.5, 20.0),
                    rng.range(32.5, 33.0),
                    rng.range(0.0, 4.0),
                    rng.range(0.0, 360.0),
                ),
                _ => (
                    rng.range(10.0, 25.0),
                    rng.range(20.0, 30.0),
                    rng.range(5.0, 20.0),
                    rng.range(0.0, 360.0),
                ),
            })
            .collect();
        let mut out = Vec::with_capacity(TRACKS * ROUNDS);
        for round in 0..ROUNDS {
            for (i, &(lon, lat, speed, course)) in starts.iter().enumerate() {
                let t = 1_700_000_000_000 + (round * 10_000) as i64 + (i / 10) as i64;
                let d = speed * 10.0 * round as f64 / 111_195.0;
                let (lat, lon) = (
                    lat + d * course.to_radians().cos(),
                    lon + d * course.to_radians().sin() / lat.to_radians().cos(),
                );
                let mut identity = Identity::default();
                let (kind, source_kind) = match i % 5 {
                    0..=2 => {
                        identity.mmsi = Some(201_000_000 + i as u32);
                        (ObjectKind::Vessel, SourceKind::Ais)
                    }
                    3 => {
                        identity.source_track = Some(i.to_string().into());
                        (ObjectKind::Unknown, SourceKind::Radar)
                    }
                    _ => {
                        identity.plate = Some(i.to_string().into());
                        (ObjectKind::Vehicle, SourceKind::Sensor)
                    }
                };
                let o = Observation {
                    source: source_kind.as_str().into(),
                    source_kind,
                    agency: AgencyId::new("CGW"),
                    marking: Marking::default(),
                    time: Time(t),
                    position: Position { lon, lat, alt_m: None, accuracy_m: None },
                    speed_mps: Some(speed),
                    course_deg: Some(course),
                    heading_deg: None,
                    identity,
                    kind,
                    exercise: false,
                };
                out.push(Event::observation(Time(t), o));
            }
        }
        out
    })
}
