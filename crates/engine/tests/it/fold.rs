//! Replays of the same log give the same bytes; a snapshot plus the tail gives the same state.

use engine::{Engine, EngineConfig};
use model::{
    AgencyId, Event, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time,
};
use proptest::prelude::*;

/// A deterministic, varied stream of events: vessels with MMSIs, radar tracks, anonymous plots,
/// exercise data, late fixes, long silences that drive the lifecycle.
pub fn events(n: usize, seed: u64) -> Vec<Event> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    let mut t = 1_700_000_000_000i64;
    (0..n)
        .map(|_| {
            let r = next();
            t += (r % 4_000) as i64 + if r % 97 == 0 { 40 * 60_000 } else { 0 };
            let late = if r % 13 == 0 { -30_000 } else { 0 };
            let mut identity = Identity::default();
            let (kind, source_kind) = match r % 5 {
                0 | 1 => {
                    identity.mmsi = Some(642_000_000 + (next() % 40) as u32);
                    (ObjectKind::Vessel, SourceKind::Ais)
                }
                2 => {
                    identity.source_track = Some(format!("{}", next() % 30).into());
                    (ObjectKind::Unknown, SourceKind::Radar)
                }
                3 => {
                    identity.plate = Some(format!("LY-{}", next() % 10).into());
                    (ObjectKind::Vehicle, SourceKind::Sensor)
                }
                _ => (ObjectKind::Unknown, SourceKind::Radar),
            };
            let observation = Observation {
                source: format!("src-{}", r % 3),
                source_kind,
                agency: AgencyId::new(if r % 2 == 0 { "CGW" } else { "ARS" }),
                marking: Marking::default(),
                time: Time(t + late),
                position: Position {
                    lon: 11.0 + (next() % 10_000) as f64 * 1e-4,
                    lat: 32.0 + (next() % 10_000) as f64 * 1e-4,
                    alt_m: None,
                    accuracy_m: None,
                },
                speed_mps: Some((next() % 100) as f64 / 10.0),
                course_deg: Some((next() % 360) as f64),
                heading_deg: None,
                identity,
                kind,
                exercise: r % 17 == 0,
            };
            Event::observation(Time(t), observation)
        })
        .collect()
}

fn replay(config: &EngineConfig, events: &[Event]) -> Engine {
    let mut engine = Engine::new(config.clone(), crate::geography());
    for (seq, event) in events.iter().enumerate() {
        engine.apply(seq as u64, event);
    }
    engine
}

#[test]
fn two_replays_serialize_byte_identically() {
    let config = EngineConfig { history_max: 16, ..EngineConfig::default() };
    let log = events(5_000, 7);
    let a = replay(&config, &log).snapshot();
    let b = replay(&config, &log).snapshot();
    assert!(a.len() > 1_000, "the state is not trivially empty");
    assert_eq!(a, b);
}

#[test]
fn the_state_is_not_empty_and_moves_through_the_lifecycle() {
    let engine = replay(&EngineConfig::default(), &events(5_000, 3));
    let states: std::collections::BTreeSet<_> =
        engine.tracks().map(|t| format!("{:?}", t.state)).collect();
    assert!(engine.track_count() > 10);
    assert!(states.contains("Confirmed") || states.contains("Coasting"), "{states:?}");
}

fn snapshot_then_tail(config: &EngineConfig, log: &[Event], split: usize) -> Engine {
    let head = replay(config, &log[..split]);
    let mut engine =
        Engine::restore(config.clone(), crate::geography(), &head.snapshot()).expect("restore");
    for (seq, event) in log.iter().enumerate().skip(split) {
        engine.apply(seq as u64, event);
    }
    engine
}

#[test]
fn snapshot_plus_tail_equals_full_replay() {
    let config = EngineConfig { history_max: 8, ..EngineConfig::default() };
    let log = events(3_000, 11);
    let full = replay(&config, &log).snapshot();
    for split in [0, 1, 999, 1_500, 2_999, 3_000] {
        assert_eq!(snapshot_then_tail(&config, &log, split).snapshot(), full, "split at {split}");
    }
}

#[test]
fn events_already_folded_are_ignored() {
    let config = EngineConfig::default();
    let log = events(200, 5);
    let mut engine = replay(&config, &log);
    let before = engine.snapshot();
    assert!(engine.apply(10, &log[10]).is_empty());
    assert_eq!(engine.snapshot(), before);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_split_of_any_log_folds_the_same(seed in any::<u64>(), n in 1usize..600, cut in 0.0f64..=1.0) {
        let config = EngineConfig { history_max: 6, ..EngineConfig::default() };
        let log = events(n, seed);
        let split = ((n as f64) * cut) as usize;
        let full = replay(&config, &log).snapshot();
        prop_assert_eq!(snapshot_then_tail(&config, &log, split).snapshot(), full);
    }
}

#[test]
fn late_and_duplicate_fixes_are_counted_and_survive_a_snapshot() {
    let geo = crate::geography();
    let mut engine = Engine::new(EngineConfig::default(), geo.clone());
    let base = events(1, 7).remove(0);
    let model::EventKind::Observation(first) = &base.kind else { panic!("observation") };
    let mut first = first.clone();
    first.identity = Identity { mmsi: Some(642_999_001), ..Identity::default() };
    first.source_kind = SourceKind::Ais;
    first.kind = ObjectKind::Vessel;
    let mut again = first.clone();
    again.source = "another-receiver".into();
    let mut older = first.clone();
    older.time = Time(first.time.0 - 10_000);
    older.position.lon -= 0.0001;
    // The older fix heard again, by a third receiver: a duplicate too, not a second point.
    let mut older_again = older.clone();
    older_again.source = "a-third-receiver".into();
    for (seq, o) in [first.clone(), again, older, older_again].into_iter().enumerate() {
        engine.apply(seq as u64, &Event::observation(o.time, o));
    }
    assert_eq!((engine.duplicates(), engine.late(), engine.refused()), (2, 1, 0));
    let id = engine.tracks().next().expect("one track").id.clone();
    let entry = engine.track(&id).expect("entry");
    assert!(entry.track.sources.contains("another-receiver"), "the duplicate's source counts");
    assert_eq!(entry.history.len(), 2, "the duplicate adds no history point");
    let restored =
        Engine::restore(EngineConfig::default(), geo, &engine.snapshot()).expect("restore");
    assert_eq!((restored.duplicates(), restored.late()), (2, 1));
}

/// A CoT unit reported 500 km away ten seconds later (a receiver's glitch, a spoofed report):
/// the track takes the newest position, as for any own-force unit, and the jump is counted. A
/// plausible move is not, nor a short fast one (a fused track's sensors disagree by up to a
/// gate), nor an MMSI's jump, which splits off a track of its own instead.
#[test]
fn teleports_of_tracks_without_an_mmsi_are_counted_and_survive_a_snapshot() {
    let geo = crate::geography();
    let mut engine = Engine::new(EngineConfig::default(), geo.clone());
    let base = events(1, 7).remove(0);
    let model::EventKind::Observation(unit) = &base.kind else { panic!("observation") };
    let mut unit = unit.clone();
    unit.identity = Identity { cot_uid: Some("ANDROID-1".into()), ..Identity::default() };
    unit.source_kind = SourceKind::Cot;
    unit.kind = ObjectKind::Person;
    unit.position.lon = 13.0;
    unit.position.lat = 32.8;
    let at = |o: &Observation, dt_s: i64, dlon: f64| {
        let mut o = o.clone();
        o.time = Time(o.time.0 + dt_s * 1_000);
        o.position.lon += dlon;
        o
    };
    let mut vessel = unit.clone();
    vessel.identity = Identity { mmsi: Some(642_999_002), ..Identity::default() };
    vessel.source_kind = SourceKind::Ais;
    vessel.kind = ObjectKind::Vessel;
    let fixes = [
        unit.clone(),
        at(&unit, 10, 0.0001), // ten metres: a walk
        at(&unit, 20, 5.0),    // 470 km in ten seconds
        at(&unit, 30, 5.0001), // and on from there
        at(&unit, 31, 5.0301), // 2.8 km a second later: two sensors' disagreement, not judged
        vessel.clone(),
        at(&vessel, 10, 5.0), // an MMSI's jump: split off, not counted here
    ];
    for (seq, o) in fixes.into_iter().enumerate() {
        engine.apply(seq as u64, &Event::observation(o.time, o));
    }
    assert_eq!(engine.teleports(), 1);
    assert_eq!(engine.track_count(), 3, "the unit, the vessel and the vessel's split");
    let unit_track = engine.tracks().find(|t| t.identity.cot_uid.is_some()).expect("unit");
    assert!((unit_track.position.lon - 18.0301).abs() < 1e-9, "{}", unit_track.position.lon);
    let restored =
        Engine::restore(EngineConfig::default(), geo, &engine.snapshot()).expect("restore");
    assert_eq!(restored.teleports(), 1);
}

/// A position the edge would refuse (NaN, out of range) that reaches the fold anyway, from a
/// log written by another tool say: counted, skipped, no track, and the fold goes on.
#[test]
fn impossible_positions_are_counted_and_skipped() {
    let geo = crate::geography();
    let mut engine = Engine::new(EngineConfig::default(), geo);
    let base = events(1, 7).remove(0);
    let model::EventKind::Observation(good) = &base.kind else { panic!("observation") };
    let bad =
        [(f64::NAN, 33.0), (13.0, f64::NAN), (181.0, 33.0), (13.0, -90.5), (f64::INFINITY, 0.0)];
    for (seq, (lon, lat)) in bad.into_iter().enumerate() {
        let mut o = good.clone();
        (o.position.lon, o.position.lat) = (lon, lat);
        assert!(engine.apply(seq as u64, &Event::observation(o.time, o)).is_empty());
    }
    assert_eq!((engine.refused(), engine.track_count()), (5, 0));
    engine.apply(5, &base);
    assert_eq!((engine.refused(), engine.track_count(), engine.folded()), (5, 1, 6));
}
