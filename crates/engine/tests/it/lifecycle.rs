//! Track lifecycle and association, driven only by event time.

use engine::{Change, ChangeOp, Engine, EngineConfig};
use model::{
    AgencyId, Event, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time,
    TrackState,
};

const T0: i64 = 1_700_000_000_000;

fn vessel(mmsi: u32, t: i64, lon: f64, exercise: bool) -> Event {
    let observation = Observation {
        source: "ais-zuwara".into(),
        source_kind: SourceKind::Ais,
        agency: AgencyId::new("CGW"),
        marking: Marking::default(),
        time: Time(t),
        position: Position { lon, lat: 33.0, alt_m: None, accuracy_m: None },
        speed_mps: Some(5.0),
        course_deg: Some(90.0),
        heading_deg: None,
        identity: Identity { mmsi: Some(mmsi), ..Identity::default() },
        kind: ObjectKind::Vessel,
        exercise,
    };
    Event::observation(Time(t), observation)
}

#[test]
fn a_track_is_confirmed_then_coasts_then_is_lost_then_forgotten() {
    let config = EngineConfig::default();
    let mut engine = Engine::new(config.clone(), crate::geography());
    let mut seq = 0;
    let mut apply = |engine: &mut Engine, e: Event| {
        let c = engine.apply(seq, &e);
        seq += 1;
        c
    };
    apply(&mut engine, vessel(642000001, T0, 12.0, false));
    let state = |engine: &Engine| engine.tracks().next().map(|t| t.state);
    assert_eq!(state(&engine), Some(TrackState::Tentative));
    apply(&mut engine, vessel(642000001, T0 + 10_000, 12.01, false));
    assert_eq!(state(&engine), Some(TrackState::Confirmed));
    assert_eq!(engine.track_count(), 1, "same MMSI, same track");

    // Time passes only through other events: a second vessel reporting.
    let coast = config.vessel.coast_after_ms;
    apply(&mut engine, vessel(642000002, T0 + 10_000 + coast - 1_000, 13.0, false));
    let first = |engine: &Engine| {
        engine.tracks().find(|t| t.identity.mmsi == Some(642000001)).map(|t| t.state)
    };
    assert_eq!(first(&engine), Some(TrackState::Confirmed), "just before the coasting timeout");
    apply(&mut engine, vessel(642000002, T0 + 10_000 + coast + 1_000, 13.0, false));
    assert_eq!(first(&engine), Some(TrackState::Coasting), "just after it");
    apply(
        &mut engine,
        vessel(642000002, T0 + 10_000 + config.vessel.lost_after_ms + 1_000, 13.0, false),
    );
    assert_eq!(first(&engine), Some(TrackState::Lost));
    let changes = apply(
        &mut engine,
        vessel(642000002, T0 + 10_000 + config.forget_after_ms + 1_000, 13.0, false),
    );
    assert_eq!(first(&engine), None, "forgotten");
    assert!(changes.iter().any(|c| matches!(c, Change::Track { op: ChangeOp::Remove, .. })));
}

#[test]
fn exercise_data_never_merges_into_a_real_track() {
    let mut engine = Engine::new(EngineConfig::default(), crate::geography());
    engine.apply(0, &vessel(642000001, T0, 12.0, false));
    engine.apply(1, &vessel(642000001, T0 + 1_000, 12.0, true));
    assert_eq!(engine.track_count(), 2);
    assert_eq!(engine.tracks().filter(|t| t.exercise).count(), 1);
}

#[test]
fn a_late_fix_goes_into_history_in_order_without_moving_the_track() {
    let mut engine = Engine::new(EngineConfig::default(), crate::geography());
    engine.apply(0, &vessel(642000001, T0, 12.0, false));
    engine.apply(1, &vessel(642000001, T0 + 20_000, 12.002, false));
    engine.apply(2, &vessel(642000001, T0 + 10_000, 12.001, false));
    let track = engine.tracks().next().expect("track").clone();
    assert_eq!(track.position.lon, 12.002);
    assert_eq!(track.observations, 3);
    let entry = engine.track(&track.id).expect("entry");
    let times: Vec<i64> = entry.history.iter().map(|p| p.time.0).collect();
    assert_eq!(times, vec![T0, T0 + 10_000, T0 + 20_000]);
}

#[test]
fn history_is_bounded_and_keeps_the_newest_points() {
    let config = EngineConfig { history_max: 10, ..EngineConfig::default() };
    let mut engine = Engine::new(config, crate::geography());
    for i in 0..100 {
        engine.apply(i, &vessel(642000001, T0 + i as i64 * 1_000, 12.0, false));
    }
    let track = engine.tracks().next().expect("track").clone();
    let history = &engine.track(&track.id).expect("entry").history;
    assert!(history.len() <= 10);
    assert_eq!(history.last().map(|p| p.time.0), Some(T0 + 99_000));
}

/// Every kind coasts and is lost after its own timeouts, each just before and just past: a
/// track of the kind, then time passing through a vessel's reports elsewhere.
#[test]
fn each_kind_coasts_and_is_lost_after_its_own_timeouts() {
    let config = EngineConfig::default();
    for kind in [ObjectKind::Vehicle, ObjectKind::Aircraft, ObjectKind::Person, ObjectKind::Unknown]
    {
        let timeouts = config.timeouts(kind);
        for (after, expected) in [
            (timeouts.coast_after_ms - 1_000, TrackState::Confirmed),
            (timeouts.coast_after_ms + 1_000, TrackState::Coasting),
            (timeouts.lost_after_ms - 1_000, TrackState::Coasting),
            (timeouts.lost_after_ms + 1_000, TrackState::Lost),
        ] {
            let mut engine = Engine::new(config.clone(), crate::geography());
            let plate = Identity { plate: Some("LY-7".into()), ..Identity::default() };
            for (seq, t) in [T0, T0 + 10_000].into_iter().enumerate() {
                let Event { kind: model::EventKind::Observation(mut o), .. } =
                    vessel(642_000_009, t, 14.0, false)
                else {
                    unreachable!()
                };
                (o.kind, o.source_kind, o.identity) = (kind, SourceKind::Sensor, plate.clone());
                engine.apply(seq as u64, &Event::observation(Time(t), o));
            }
            engine.apply(2, &vessel(642_000_010, T0 + 10_000 + after, 13.0, false));
            let state = engine.tracks().find(|t| t.kind == kind).map(|t| t.state);
            assert_eq!(state, Some(expected), "{kind:?} {after} ms after its last fix");
        }
    }
}
