//! Helpers for rule tests: a feed of observations into an engine, and the alerts it raised.

use std::sync::Arc;

use engine::geo::Geography;
use engine::geo::sphere::M_PER_DEG;
use engine::{Engine, EngineConfig};
use model::{
    AgencyId, Alert, AlertState, Event, EventKind, Identity, Marking, ObjectKind, Observation,
    Position, SourceKind, Time,
};

pub const T0: i64 = 1_700_000_000_000;
pub const SECOND: i64 = 1_000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const KNOT: f64 = 1_852.0 / 3_600.0;

/// Degrees of latitude for a distance in metres (exact for haversine along a meridian).
pub fn dlat(metres: f64) -> f64 {
    metres / M_PER_DEG
}

/// The point `metres` from Libya's coastline due north of the coast on meridian `lon`, found
/// by bisection on the geography's own distance: a threshold "from the coast" is then tested
/// on both sides by a few metres, not by whole degrees.
pub fn offshore(lon: f64, metres: f64) -> (f64, f64) {
    let geo = crate::geography();
    let distance = |lat: f64| geo.distance_to_coast_m(lon, lat).expect("a distance");
    // North of Tripoli the coast lies near 32.9°N; 36°N is beyond any threshold tested.
    let (mut lo, mut hi) = (32.95, 36.0);
    assert!(distance(lo) < metres && distance(hi) > metres, "{metres} m not bracketed");
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if distance(mid) < metres { lo = mid } else { hi = mid }
    }
    (lon, hi)
}

/// An observation of `kind` from `source_kind`, identified by `identity`.
pub fn obs(
    identity: Identity,
    kind: ObjectKind,
    source_kind: SourceKind,
    (t, lon, lat): (i64, f64, f64),
    speed_mps: Option<f64>,
    course_deg: Option<f64>,
) -> Observation {
    Observation {
        source: format!("{}-test", source_kind.as_str()),
        source_kind,
        agency: AgencyId::new("CGW"),
        marking: Marking::default(),
        time: Time(t),
        position: Position { lon, lat, alt_m: None, accuracy_m: None },
        speed_mps,
        course_deg,
        heading_deg: None,
        identity,
        kind,
        exercise: false,
    }
}

pub fn ais(mmsi: u32, t: i64, lon: f64, lat: f64, speed_kn: f64) -> Observation {
    let identity = Identity { mmsi: Some(mmsi), ..Identity::default() };
    obs(
        identity,
        ObjectKind::Vessel,
        SourceKind::Ais,
        (t, lon, lat),
        Some(speed_kn * KNOT),
        Some(0.0),
    )
}

pub fn radar(number: &str, t: i64, lon: f64, lat: f64, speed_mps: Option<f64>) -> Observation {
    let identity = Identity { source_track: Some(number.into()), ..Identity::default() };
    obs(identity, ObjectKind::Unknown, SourceKind::Radar, (t, lon, lat), speed_mps, None)
}

pub fn vehicle(
    plate: &str,
    t: i64,
    lon: f64,
    lat: f64,
    speed_mps: f64,
    course: f64,
) -> Observation {
    let identity = Identity { plate: Some(plate.into()), ..Identity::default() };
    obs(
        identity,
        ObjectKind::Vehicle,
        SourceKind::Sensor,
        (t, lon, lat),
        Some(speed_mps),
        Some(course),
    )
}

/// An engine and the next sequence number.
pub struct Feed {
    pub engine: Engine,
    pub seq: u64,
}

impl Feed {
    pub fn new(config: EngineConfig) -> Feed {
        Feed::with_geography(config, crate::geography())
    }

    pub fn with_geography(config: EngineConfig, geo: Arc<Geography>) -> Feed {
        Feed { engine: Engine::new(config, geo), seq: 0 }
    }

    pub fn default_rules() -> Feed {
        Feed::new(EngineConfig::default())
    }

    pub fn event(&mut self, event: Event) -> Vec<engine::Change> {
        let changes = self.engine.apply(self.seq, &event);
        self.seq += 1;
        changes
    }

    pub fn push(&mut self, o: Observation) -> Vec<engine::Change> {
        let t = o.time;
        self.event(Event::observation(t, o))
    }

    pub fn ack(&mut self, id: &str, t: i64) {
        let kind = EventKind::AlertAcknowledged { id: id.into(), actor: "cgw.watch".into() };
        self.event(Event { time: Time(t), kind });
    }

    /// Alerts of `rule`, any state.
    pub fn alerts(&self, rule: &str) -> Vec<Alert> {
        self.engine.alerts().filter(|e| e.alert.rule == rule).map(|e| e.alert.clone()).collect()
    }

    pub fn open(&self, rule: &str) -> Vec<Alert> {
        self.alerts(rule).into_iter().filter(|a| a.state != AlertState::Closed).collect()
    }
}
