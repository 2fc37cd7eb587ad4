//! Rules under replay: a generated picture in which every kind of rule fires, folded whole and
//! from snapshots, must give the same bytes; and fusion never loses or duplicates a fix.

use engine::geo::sphere::M_PER_DEG;
use engine::{Engine, EngineConfig};
use model::{Event, EventKind, Time, ZoneGeometry};
use proptest::prelude::*;

use crate::support::*;

/// Something that moves in a straight line and reports itself.
struct Mover {
    make: fn(&str, i64, f64, f64, f64, f64) -> model::Observation,
    name: String,
    lon: f64,
    lat: f64,
    /// Metres per second north and east.
    north: f64,
    east: f64,
}

fn ais_mover(
    name: &str,
    t: i64,
    lon: f64,
    lat: f64,
    speed: f64,
    course: f64,
) -> model::Observation {
    let mut o = ais(name.parse().unwrap_or(642_000_001), t, lon, lat, speed / KNOT);
    o.course_deg = Some(course);
    o
}

fn radar_mover(name: &str, t: i64, lon: f64, lat: f64, speed: f64, _: f64) -> model::Observation {
    radar(name, t, lon, lat, Some(speed))
}

fn movers() -> Vec<Mover> {
    let geo = crate::geography();
    let coast =
        geo.locate_on_line("coast.lby", 12.08, 33.0).map(|d| d.closest).unwrap_or([12.08, 32.9]);
    let border = match &geo.zone("border.ner").map(|z| z.geometry.clone()) {
        Some(ZoneGeometry::LineString { points }) => points[points.len() / 2],
        _ => [12.0, 23.0],
    };
    let m = |make, name: &str, lon, lat, north, east| Mover {
        make,
        name: name.into(),
        lon,
        lat,
        north,
        east,
    };
    let mut all = vec![
        m(radar_mover, "dep-1", coast[0], coast[1] + 0.01, 2.5, 0.0),
        m(radar_mover, "dep-2", coast[0] + 0.05, coast[1] + 0.01, 1.0, 0.3),
        m(ais_mover, "970111222", 13.3, 33.3, 0.2, 0.0),
        m(ais_mover, "642300001", 13.5, 33.4, 0.3, 0.0),
        m(ais_mover, "642300002", 13.5, 33.4025, 0.3, 0.0),
        m(ais_mover, "100000001", 14.0, 33.0, 5.0, 1.0),
        m(ais_mover, "642300003", 15.0, 33.0, 6.0, -2.0),
    ];
    for v in 0..4 {
        let lon = border[0] + 0.0015 * v as f64;
        all.push(m(vehicle_mover, &format!("NE-{v}"), lon, border[1] - 0.02, 11.0, 0.0));
    }
    all
}

fn vehicle_mover(
    name: &str,
    t: i64,
    lon: f64,
    lat: f64,
    speed: f64,
    course: f64,
) -> model::Observation {
    vehicle(name, t, lon, lat, speed, course)
}

/// A deterministic picture: movers reporting in turn, late and missed reports, long silences,
/// teleports of one MMSI, and acknowledgements of whatever alert ids might exist.
pub fn scenario(n: usize, seed: u64) -> Vec<Event> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    let mut movers = movers();
    let mut t = T0;
    let mut out = Vec::with_capacity(n);
    for seq in 0..n {
        let r = next();
        let dt = 2_000 + (r % 8_000) as i64 + if seq % 700 == 699 { 7 * HOUR } else { 0 };
        t += dt;
        for mv in &mut movers {
            mv.lat += mv.north * dt as f64 / 1_000.0 / M_PER_DEG;
            mv.lon += mv.east * dt as f64 / 1_000.0 / (M_PER_DEG * mv.lat.to_radians().cos());
        }
        if r % 37 == 0 && seq > 0 {
            let id = if r % 2 == 0 { format!("a{}", next() % seq as u64) } else { "bogus".into() };
            let kind = EventKind::AlertAcknowledged { id, actor: "cgw.watch".into() };
            out.push(Event { time: Time(t), kind });
            continue;
        }
        let mv = &movers[(next() % movers.len() as u64) as usize];
        let speed = mv.north.hypot(mv.east);
        let course = mv.east.atan2(mv.north).to_degrees().rem_euclid(360.0);
        let late = if r % 29 == 0 { -20_000 } else { 0 };
        let mut o = (mv.make)(&mv.name, t + late, mv.lon, mv.lat, speed, course);
        if r % 53 == 0 {
            o.position.lat += 0.5; // a teleport: spoofing, or a bad fix
        }
        out.push(Event::observation(Time(t), o));
    }
    out
}

fn replay(config: &EngineConfig, log: &[Event]) -> Engine {
    let mut engine = Engine::new(config.clone(), crate::geography());
    for (seq, event) in log.iter().enumerate() {
        engine.apply(seq as u64, event);
    }
    engine
}

fn config() -> EngineConfig {
    let mut config = EngineConfig::default();
    config.rules.encounter.min_duration_ms = 20 * MINUTE;
    config.rules.zone.kinds.push(model::ZoneKind::Port);
    config
}

#[test]
fn the_scenario_fires_many_rules_and_replays_byte_identically() {
    let log = scenario(4_000, 1);
    let a = replay(&config(), &log);
    let rules: std::collections::BTreeSet<String> =
        a.alerts().map(|e| e.alert.rule.clone()).collect();
    for rule in
        ["sar.beacon", "mmsi.invalid", "position.jump", "coast.unidentified_departure", "convoy"]
    {
        assert!(rules.contains(rule), "{rule} never fired: {rules:?}");
    }
    assert_eq!(a.snapshot(), replay(&config(), &log).snapshot());
}

/// A vessel allowed twice the encounter speed while paired, whose pair ends on a fix at that
/// speed, stays in the encounter grid until its next fix: a snapshot taken then must restore
/// it there too, or a third vessel pairs with it in the live engine and not in the restored one
/// (found in review: the grid was rebuilt as if the vessel had never been paired).
#[test]
fn a_pair_ended_at_the_paired_speed_restores_as_it_was() {
    let sea = (13.3, 33.3);
    let fix = |mmsi: u32, minute: i64, metres_north: f64, knots: f64| {
        let event = ais(mmsi, T0 + minute * MINUTE, sea.0, sea.1 + dlat(metres_north), knots);
        Event::observation(event.time, event)
    };
    let (a, b, c) = (642_300_001, 642_300_002, 642_300_003);
    let head = vec![
        fix(a, 0, 0.0, 1.0),
        fix(b, 0, 300.0, 1.0),
        fix(a, 5, 0.0, 1.0),
        fix(b, 5, 300.0, 1.0),
        fix(a, 10, 0.0, 1.0),
        // B moves off; the pair lasts while its last close fix is recent ...
        fix(b, 12, 2_000.0, 1.0),
        // ... and ends on A's fix at 3 kn, which a paired vessel may make (2 kn × 2).
        fix(a, 21, 0.0, 3.0),
    ];
    let tail = vec![fix(c, 25, -300.0, 1.0), fix(a, 26, 0.0, 3.0), fix(c, 30, -300.0, 1.0)];
    let config = EngineConfig::default();
    let whole: Vec<Event> = head.iter().chain(&tail).cloned().collect();
    let live = replay(&config, &whole);
    let cut = replay(&config, &head);
    let mut restored =
        Engine::restore(config.clone(), crate::geography(), &cut.snapshot()).expect("restore");
    for (i, event) in tail.iter().enumerate() {
        restored.apply((head.len() + i) as u64, event);
    }
    assert_eq!(
        String::from_utf8_lossy(&restored.snapshot()),
        String::from_utf8_lossy(&live.snapshot())
    );
}

/// A snapshot from before the grid flags were stored restores with its grids worked out by
/// rule, and folds on with every track's flags in step with the grids (checked in debug builds
/// on every fix).
#[test]
fn a_snapshot_without_grid_flags_still_restores_and_folds() {
    let log = scenario(1_500, 7);
    let (head, tail) = log.split_at(1_000);
    let config = config();
    let bytes = replay(&config, head).snapshot();
    let mut old: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    let proximity = old["proximity"].as_object_mut().expect("proximity");
    assert_eq!(proximity.remove("grid_flags"), Some(serde_json::Value::Bool(true)));
    let mut flagged = 0;
    for entry in old["tracks"].as_object_mut().expect("tracks").values_mut() {
        flagged += usize::from(entry.as_object_mut().expect("entry").remove("in_grids").is_some());
    }
    assert!(flagged > 0, "the scenario files tracks in the grids");
    let old = serde_json::to_vec(&old).expect("json");
    let mut engine = Engine::restore(config, crate::geography(), &old).expect("restore");
    for (i, event) in tail.iter().enumerate() {
        engine.apply((head.len() + i) as u64, event);
    }
    assert_eq!(engine.folded(), log.len() as u64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn rules_fold_the_same_from_any_snapshot(seed in any::<u64>(), n in 1usize..1_500, cut in 0.0f64..=1.0) {
        let config = config();
        let log = scenario(n, seed);
        let split = ((n as f64) * cut) as usize;
        let full = replay(&config, &log).snapshot();
        let head = replay(&config, &log[..split]);
        let mut engine = Engine::restore(config.clone(), crate::geography(), &head.snapshot()).expect("restore");
        for (seq, event) in log.iter().enumerate().skip(split) {
            engine.apply(seq as u64, event);
        }
        prop_assert_eq!(engine.snapshot(), full);
    }

    #[test]
    fn fusion_never_loses_or_duplicates_an_observation(seed in any::<u64>(), n in 1usize..1_500) {
        let config = EngineConfig { forget_after_ms: i64::MAX / 4, ..config() };
        let log = scenario(n, seed);
        let engine = replay(&config, &log);
        let observed = log.iter().filter(|e| matches!(e.kind, EventKind::Observation(_))).count() as u64;
        let folded: u64 = engine.tracks().map(|t| t.observations).sum();
        prop_assert_eq!(folded, observed);
        let plain = crate::fold::events(n, seed);
        let engine = replay(&config, &plain);
        let folded: u64 = engine.tracks().map(|t| t.observations).sum();
        prop_assert_eq!(folded, plain.len() as u64);
    }
}

/// Any time, and often the ends of time, where deadlines saturate.
fn time() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        Just(i64::MAX),
        Just(i64::MIN),
        (i64::MAX - 100_000_000)..=i64::MAX,
        (T0 - 1_000_000)..(T0 + 100_000_000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Validation at the edge refuses these, but the fold must survive anything in the log:
    /// NaN and infinite positions, absurd speeds, times out of order or at the extremes.
    #[test]
    fn bad_input_never_panics_and_still_replays(
        items in proptest::collection::vec(
            (any::<f64>(), any::<f64>(), time(), any::<Option<f64>>(), 0u8..4),
            1..40,
        ),
    ) {
        let log: Vec<Event> = items
            .iter()
            .map(|&(lon, lat, t, speed, which)| {
                let o = match which {
                    0 => ais(642_600_001, t, lon, lat, 3.0),
                    1 => radar("R", t, lon, lat, speed),
                    2 => vehicle("P", t, lon, lat, speed.unwrap_or(f64::NAN), lat),
                    _ => obs(model::Identity::default(), model::ObjectKind::Unknown, model::SourceKind::Radar, (t, lon, lat), speed, None),
                };
                Event::observation(Time(t), o)
            })
            .collect();
        let config = config();
        let full = replay(&config, &log).snapshot();
        let half = log.len() / 2;
        let head = replay(&config, &log[..half]);
        let mut engine = Engine::restore(config.clone(), crate::geography(), &head.snapshot()).expect("restore");
        for (seq, event) in log.iter().enumerate().skip(half) {
            engine.apply(seq as u64, event);
        }
        prop_assert_eq!(engine.snapshot(), full);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Folding runs of events with reading ahead (`apply_all`, what the server does) gives the
    /// state and the changes of folding one event at a time, whatever the runs' lengths.
    #[test]
    fn folding_in_runs_is_folding_one_at_a_time(
        seed in any::<u64>(),
        n in 1usize..1_500,
        runs in proptest::collection::vec(1usize..80, 1..20),
    ) {
        let config = config();
        let mut log = scenario(n, seed);
        // And many tracks created within one run, some fused by position.
        log.extend(crate::fold::events(n / 3, seed));
        let mut one = Engine::new(config.clone(), crate::geography());
        let mut expected = Vec::new();
        for (seq, event) in log.iter().enumerate() {
            expected.extend(one.apply(seq as u64, event));
        }
        let mut many = Engine::new(config, crate::geography());
        let mut changes = Vec::new();
        let mut at = 0;
        for len in runs.iter().cycle() {
            if at >= log.len() {
                break;
            }
            let end = (at + len).min(log.len());
            many.apply_all(at as u64, &log[at..end], &mut changes);
            at = end;
        }
        let (got, want) = (many.snapshot(), one.snapshot());
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        prop_assert_eq!(changes, expected);
    }
}
