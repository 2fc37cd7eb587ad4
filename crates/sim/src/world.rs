//! Actors and sensors of a simulated world, and how each sees the others.

use crate::earth::{LonLat, Path};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Vessel,
    Vehicle,
}

/// How an actor's AIS transponder behaves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ais {
    /// No transponder (migrant boats, vehicles).
    None,
    ClassA,
    ClassB,
    /// Class A, switched off between these two times (ms).
    ClassAOffBetween(i64, i64),
    /// An AIS-SART: class A reports with status 14.
    Sart,
}

/// Something that moves: a vessel, a vehicle, a unit.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: Kind,
    pub mmsi: u32,
    pub name: String,
    pub callsign: String,
    pub ship_type: u8,
    pub length_m: u16,
    pub ais: Ais,
    pub path: Path,
    pub speed_mps: f64,
    /// When it starts moving along its path, and when it is gone (ms).
    pub start: i64,
    pub end: i64,
    /// Walks its path back and forth instead of stopping at the end.
    pub ping_pong: bool,
    pub report_every_ms: i64,
    /// Offset of its reports within the interval, so that reports spread over time.
    pub phase_ms: i64,
    /// Seen by coastal radars / ground sensors.
    pub radar_visible: bool,
    /// A unit of an agency reporting itself over CoT: (uid, callsign, CoT type).
    pub cot: Option<(String, String, String)>,
    pub exercise: bool,
}

impl Actor {
    pub fn active(&self, t: i64) -> bool {
        t >= self.start && t < self.end
    }

    /// Position, course (degrees) and speed (m/s) at time `t`.
    pub fn state(&self, t: i64) -> (LonLat, f64, f64) {
        let len = self.path.length_m();
        let mut s = self.speed_mps * ((t - self.start).max(0) as f64 / 1_000.0);
        let mut reverse = false;
        if self.ping_pong && len > 0.0 {
            s %= 2.0 * len;
            if s > len {
                s = 2.0 * len - s;
                reverse = true;
            }
        } else if s >= len {
            let (p, course) = self.path.at(len);
            return (p, course, 0.0);
        }
        let (p, course) = self.path.at(s);
        let course = if reverse { (course + 180.0) % 360.0 } else { course };
        (p, course, self.speed_mps)
    }

    pub fn ais_on(&self, t: i64) -> bool {
        match self.ais {
            Ais::None => false,
            Ais::ClassA | Ais::ClassB | Ais::Sart => true,
            Ais::ClassAOffBetween(from, to) => !(from..to).contains(&t),
        }
    }
}

/// A fixed sensor: an AIS receiver, a coastal radar or a ground sensor.
#[derive(Clone, Debug)]
pub struct Sensor {
    pub id: String,
    pub at: LonLat,
    pub range_m: f64,
}
