//! A tiny log for tests: decide, then fold, as the engine will.

use incident::{IncidentError, IncidentEvent, Incidents, OpenRequest, Taxonomy, decide_open};
use model::incident::Actor;
use model::{Position, Time};

/// 2023-11-14T00:00:00Z.
pub const T0: Time = Time(1_699_920_000_000);

pub fn at(seconds: i64) -> Time {
    T0.plus_millis(seconds * 1_000)
}

pub fn cgw() -> Actor {
    Actor::new("cgw.watch", "CGW")
}

pub fn joc() -> Actor {
    Actor::new("joint.duty", "JOC")
}

pub fn ars() -> Actor {
    Actor::new("army.south", "ARS")
}

pub fn point(lon: f64, lat: f64) -> Position {
    Position { lon, lat, ..Position::default() }
}

#[derive(Debug, Default)]
pub struct Log {
    pub state: Incidents,
    pub seq: u64,
    pub events: Vec<(u64, Time, IncidentEvent)>,
}

impl Log {
    /// Appends and folds the events of a decision at `time`; returns the decision's error.
    pub fn commit(
        &mut self,
        time: Time,
        decision: Result<Vec<IncidentEvent>, IncidentError>,
    ) -> Result<(), IncidentError> {
        for event in decision? {
            self.state.apply(self.seq, time, &event);
            self.events.push((self.seq, time, event));
            self.seq += 1;
        }
        Ok(())
    }

    /// Opens an incident of `category` at `time` by `actor`; returns its id.
    pub fn open(&mut self, category: &str, time: Time, actor: &Actor) -> String {
        let id = Incidents::id_for(self.seq);
        let request = request(category);
        self.commit(time, decide_open(Taxonomy::builtin(), request, actor)).unwrap();
        id
    }
}

pub fn request(category: &str) -> OpenRequest {
    serde_json::from_value(serde_json::json!({
        "category": category,
        "title": format!("test {category}"),
        "location": {"type": "point", "position": {"lon": 12.0, "lat": 33.2}},
    }))
    .unwrap()
}
