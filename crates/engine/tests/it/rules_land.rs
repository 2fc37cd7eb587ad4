//! Land and zone rules, each just before and just past its threshold.

use std::sync::Arc;

use engine::EngineConfig;
use engine::geo::sphere::{M_PER_DEG, haversine_m};
use engine::geo::{Geography, zones_from_toml};
use model::{AgencyId, AlertState, Severity, ZoneGeometry};

use crate::support::*;

/// In the Fezzan, far from any border.
const DESERT: (f64, f64) = (14.0, 26.0);

fn with_zone() -> Arc<Geography> {
    let text =
        "[[zone]]\nid = \"aoi.test\"\ncircle = { center = [14.5, 26.5], radius_m = 5000.0 }\n";
    let zones = zones_from_toml("t.toml", text, &AgencyId::new("CGW")).expect("zones");
    Arc::new(Geography::builder().zones(zones).build().expect("geography"))
}

fn patrol(config: EngineConfig, fixes: &[(i64, bool)]) -> Feed {
    let mut f = Feed::with_geography(config, with_zone());
    for &(t, inside) in fixes {
        let lat = if inside { 26.5 } else { 26.6 };
        f.push(vehicle("LY-1", T0 + t, 14.5, lat, 0.5, 0.0));
    }
    f
}

#[test]
fn zone_entry_needs_two_consecutive_fixes_inside() {
    let one = patrol(EngineConfig::default(), &[(0, false), (MINUTE, true), (2 * MINUTE, false)]);
    assert!(one.alerts("zone.entry").is_empty(), "one stray fix inside is no entry");
    let two = patrol(EngineConfig::default(), &[(0, false), (MINUTE, true), (2 * MINUTE, true)]);
    let entry = two.alerts("zone.entry");
    assert_eq!(entry.len(), 1);
    assert_eq!(entry[0].zone.as_deref(), Some("aoi.test"));
}

#[test]
fn zone_exit_is_debounced_too_and_closes_the_entry() {
    let fixes = [(0, true), (MINUTE, true), (2 * MINUTE, false), (3 * MINUTE, true)];
    let f = patrol(EngineConfig::default(), &fixes);
    assert!(f.alerts("zone.exit").is_empty());
    assert_eq!(f.open("zone.entry").len(), 1);
    let fixes = [(0, true), (MINUTE, true), (2 * MINUTE, false), (3 * MINUTE, false)];
    let f = patrol(EngineConfig::default(), &fixes);
    assert_eq!(f.alerts("zone.exit").len(), 1);
    assert_eq!(f.alerts("zone.entry")[0].state, AlertState::Closed);
}

#[test]
fn zone_dwell_after_an_hour_inside() {
    let before = patrol(
        EngineConfig::default(),
        &[(0, true), (MINUTE, true), (59 * MINUTE + 59 * SECOND, true)],
    );
    assert!(before.alerts("zone.dwell").is_empty());
    let past =
        patrol(EngineConfig::default(), &[(0, true), (MINUTE, true), (60 * MINUTE + SECOND, true)]);
    assert_eq!(past.alerts("zone.dwell").len(), 1);
}

#[test]
fn a_per_zone_override_changes_dwell_in_that_zone_only() {
    let mut config = EngineConfig::default();
    config
        .rules
        .zones
        .insert("aoi.test".into(), serde_json::json!({ "zone": { "dwell_ms": 10 * MINUTE } }));
    let f = patrol(config, &[(0, true), (MINUTE, true), (10 * MINUTE, true)]);
    assert_eq!(f.alerts("zone.dwell").len(), 1);
}

/// A point on the Niger border about 40 km from Tummo, and Tummo's centre.
fn niger_border_point(km: f64) -> ([f64; 2], [f64; 2]) {
    let geo = crate::geography();
    let ZoneGeometry::Circle { center, .. } = geo.zone("bcp.tummo").expect("tummo").geometry else {
        panic!("circle")
    };
    let ZoneGeometry::LineString { points } = &geo.zone("border.ner").expect("border").geometry
    else {
        panic!("line")
    };
    let point = points
        .iter()
        .min_by(|a, b| {
            let da = (haversine_m(**a, center) - km * 1_000.0).abs();
            let db = (haversine_m(**b, center) - km * 1_000.0).abs();
            da.total_cmp(&db)
        })
        .copied()
        .expect("points");
    (point, center)
}

/// A vehicle driving north across the Niger border near `point`.
fn cross(config: EngineConfig, point: [f64; 2]) -> Feed {
    let mut f = Feed::new(config);
    let (a, b) = ([point[0], point[1] - 0.01], [point[0], point[1] + 0.01]);
    assert!(crate::geography().border_crossing(a, b).is_some(), "the step crosses the line");
    f.push(vehicle("NE-7", T0, a[0], a[1], 12.0, 0.0));
    f.push(vehicle("NE-7", T0 + 3 * MINUTE, b[0], b[1], 12.0, 0.0));
    f
}

#[test]
fn a_crossing_forty_km_from_tummo_is_outside_a_crossing_point() {
    let (point, _) = niger_border_point(40.0);
    let f = cross(EngineConfig::default(), point);
    let alerts = f.alerts("crossing.outside_bcp");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].zone.as_deref(), Some("border.ner"));
    assert!(alerts[0].severity >= Severity::High);
    assert!(f.alerts("crossing.border").is_empty());
}

#[test]
fn outside_bcp_just_past_and_just_before_the_distance() {
    let (point, _) = niger_border_point(1.5);
    let geo = crate::geography();
    let c = geo
        .border_crossing([point[0], point[1] - 0.01], [point[0], point[1] + 0.01])
        .expect("crossing");
    let d = c.nearest_bcp.expect("tummo").1;
    let mut config = EngineConfig::default();
    config.rules.crossing.outside_bcp_m = d + 1.0;
    let at = cross(config.clone(), point);
    assert_eq!(at.alerts("crossing.border").len(), 1, "within {d} + 1 m of the crossing point");
    assert!(at.alerts("crossing.outside_bcp").is_empty());
    config.rules.crossing.outside_bcp_m = d - 1.0;
    let outside = cross(config, point);
    assert_eq!(outside.alerts("crossing.outside_bcp").len(), 1);
}

/// A vehicle that drives up to 200 m short of the Niger border and back never crosses it: no
/// crossing alert of either kind, however near the line it came.
#[test]
fn driving_up_to_the_line_and_back_is_no_crossing() {
    let (point, _) = niger_border_point(40.0);
    let geo = crate::geography();
    let path = [point[1] - 0.01, point[1] - 0.0018, point[1] - 0.01];
    for w in path.windows(2) {
        let step = ([point[0], w[0]], [point[0], w[1]]);
        assert!(geo.border_crossing(step.0, step.1).is_none(), "a step crosses the line");
    }
    let short = geo.nearest_border(point[0], point[1] - 0.0018).expect("border").at.metres;
    assert!((100.0..300.0).contains(&short), "{short} m short of the line");
    let mut f = Feed::new(EngineConfig::default());
    for (i, lat) in path.iter().enumerate() {
        f.push(vehicle("NE-9", T0 + i as i64 * 3 * MINUTE, point[0], *lat, 5.0, 0.0));
    }
    assert!(f.alerts("crossing.border").is_empty());
    assert!(f.alerts("crossing.outside_bcp").is_empty());
}

/// At the default distance itself (2 km, docs/domain.md): crossings of the Niger border found by
/// bisection along the segment of the line where the distance to Tummo passes 2 km, 1 m
/// either side of it.
#[test]
fn outside_bcp_at_the_default_two_km() {
    assert_eq!(EngineConfig::default().rules.crossing.outside_bcp_m, 2_000.0);
    let geo = crate::geography();
    let ZoneGeometry::LineString { points } = &geo.zone("border.ner").expect("border").geometry
    else {
        panic!("line")
    };
    // The crossing of a short north-south step through `p`, and its distance to the nearest
    // crossing point.
    let crossing = |p: [f64; 2]| {
        let c = geo.border_crossing([p[0], p[1] - 0.001], [p[0], p[1] + 0.001])?;
        Some(c.nearest_bcp?.1)
    };
    let at =
        |a: [f64; 2], b: [f64; 2], t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    let find = |metres: f64| {
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (Some(da), Some(db)) = (crossing(at(a, b, 0.01)), crossing(at(a, b, 0.99))) else {
                continue;
            };
            if (da < metres) == (db < metres) {
                continue;
            }
            let (mut lo, mut hi) = if da < metres { (0.01, 0.99) } else { (0.99, 0.01) };
            for _ in 0..60 {
                let mid = (lo + hi) / 2.0;
                match crossing(at(a, b, mid)) {
                    Some(d) if d < metres => lo = mid,
                    _ => hi = mid,
                }
            }
            let p = at(a, b, (lo + hi) / 2.0);
            let d = crossing(p).expect("a crossing");
            assert!((d - metres).abs() < 0.5, "{d} m, not {metres}");
            return p;
        }
        panic!("no stretch of the border passes {metres} m from a crossing point")
    };
    let step = |p: [f64; 2]| {
        let mut f = Feed::new(EngineConfig::default());
        f.push(vehicle("NE-5", T0, p[0], p[1] - 0.001, 2.0, 0.0));
        f.push(vehicle("NE-5", T0 + MINUTE, p[0], p[1] + 0.001, 2.0, 0.0));
        f
    };
    let inside = step(find(1_999.0));
    assert_eq!(inside.alerts("crossing.border").len(), 1, "1,999 m from the crossing point");
    assert!(inside.alerts("crossing.outside_bcp").is_empty());
    let outside = step(find(2_001.0));
    assert_eq!(outside.alerts("crossing.outside_bcp").len(), 1, "2,001 m");
}

/// At the default pre-alert distance itself (1 km, docs/domain.md): a vehicle 999 m from the line
/// is pre-alerted, one 1,001 m away is not; the distances found by bisection northward.
#[test]
fn pre_alert_at_the_default_one_km() {
    assert_eq!(EngineConfig::default().rules.crossing.pre_alert_m, 1_000.0);
    let (point, _) = niger_border_point(40.0);
    let geo = crate::geography();
    let from_line =
        |dlat: f64| geo.nearest_border(point[0], point[1] + dlat).expect("border").at.metres;
    let north_of = |metres: f64| {
        let (mut lo, mut hi) = (0.0, 0.05);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if from_line(mid) < metres { lo = mid } else { hi = mid }
        }
        let dlat = (lo + hi) / 2.0;
        assert!((from_line(dlat) - metres).abs() < 0.5, "{} m", from_line(dlat));
        point[1] + dlat
    };
    let run = |metres: f64| {
        let mut f = Feed::new(EngineConfig::default());
        f.push(vehicle("NE-6", T0, point[0], north_of(metres), 5.0, 0.0));
        f.alerts("crossing.pre_alert").len()
    };
    assert_eq!(run(999.0), 1);
    assert_eq!(run(1_001.0), 0);
}

#[test]
fn pre_alert_within_the_distance_of_the_line() {
    let (point, _) = niger_border_point(40.0);
    let at = [point[0], point[1] + 0.003];
    let d = crate::geography().nearest_border(at[0], at[1]).expect("border").at.metres;
    assert!(d < 1_000.0, "{d}");
    let run = |pre_alert_m: f64| {
        let mut config = EngineConfig::default();
        config.rules.crossing.pre_alert_m = pre_alert_m;
        let mut f = Feed::new(config);
        f.push(vehicle("NE-8", T0, at[0], at[1], 5.0, 0.0));
        f.alerts("crossing.pre_alert").len()
    };
    assert_eq!(run(d + 1.0), 1);
    assert_eq!(run(d - 1.0), 0);
}

/// `n` vehicles abreast, `spacing` metres apart, north at 40 km/h, each reporting every 20 s
/// until `until` and once at `last`.
fn convoy(n: usize, spacing: f64, until: i64, last: i64) -> Feed {
    let mut f = Feed::default_rules();
    let speed = 40.0 / 3.6;
    let lon_step = spacing / (M_PER_DEG * DESERT.1.to_radians().cos());
    let mut times: Vec<i64> = (0..=until).step_by(20 * SECOND as usize).collect();
    times.push(last);
    for t in times {
        for v in 0..n {
            let lat = DESERT.1 + dlat(speed * t as f64 / 1_000.0);
            let lon = DESERT.0 + lon_step * v as f64;
            f.push(vehicle(&format!("LY-{v}"), T0 + t + v as i64, lon, lat, speed, 0.0));
        }
    }
    f
}

/// Three vehicles abreast 200 m apart, north at 40 km/h for five minutes, the third reporting
/// a course `course_off` degrees and a speed `kmh_off` km/h off the others'.
fn convoy_off(course_off: f64, kmh_off: f64) -> Feed {
    let mut f = Feed::default_rules();
    let speed = 40.0 / 3.6;
    let lon_step = 200.0 / (M_PER_DEG * DESERT.1.to_radians().cos());
    for t in (0..=300 * SECOND).step_by(20 * SECOND as usize) {
        for v in 0..3 {
            let lat = DESERT.1 + dlat(speed * t as f64 / 1_000.0);
            let lon = DESERT.0 + lon_step * v as f64;
            let (course, reported) =
                if v == 2 { (course_off, speed + kmh_off / 3.6) } else { (0.0, speed) };
            f.push(vehicle(&format!("LY-{v}"), T0 + t + v as i64, lon, lat, reported, course));
        }
    }
    f
}

#[test]
fn a_convoy_keeps_within_20_degrees_and_10_kmh() {
    assert_eq!(convoy_off(19.0, 0.0).alerts("convoy").len(), 1);
    assert!(convoy_off(21.0, 0.0).alerts("convoy").is_empty(), "the third heads off");
    assert_eq!(convoy_off(0.0, 9.0).alerts("convoy").len(), 1);
    assert!(convoy_off(0.0, 11.0).alerts("convoy").is_empty(), "the third is faster");
}

/// Three vehicles abreast `spacing` metres apart, north at 1.2 m/s for five minutes, each
/// reporting every 20 s: slow, so that a neighbour's fix from the round before lies within a
/// metre of where it would be now.
fn abreast(spacing: f64) -> Feed {
    let mut f = Feed::default_rules();
    let lon_step = spacing / (M_PER_DEG * DESERT.1.to_radians().cos());
    for t in (0..=300 * SECOND).step_by(20 * SECOND as usize) {
        for v in 0..3 {
            let lat = DESERT.1 + dlat(1.2 * t as f64 / 1_000.0);
            let lon = DESERT.0 + lon_step * v as f64;
            f.push(vehicle(&format!("LY-{v}"), T0 + t + v as i64, lon, lat, 1.2, 0.0));
        }
    }
    f
}

#[test]
fn convoy_spacing_is_500_metres() {
    assert_eq!(abreast(499.0).alerts("convoy").len(), 1);
    assert!(abreast(501.0).alerts("convoy").is_empty());
}

#[test]
fn convoy_of_three_after_three_minutes() {
    assert!(convoy(3, 200.0, 160 * SECOND, 179 * SECOND).alerts("convoy").is_empty(), "2 min 59");
    let past = convoy(3, 200.0, 160 * SECOND, 181 * SECOND);
    let alerts = past.alerts("convoy");
    assert_eq!(alerts.len(), 1, "3 min 01: one alert for the whole convoy");
    assert_eq!(alerts[0].tracks.len(), 3);
    assert!(
        convoy(2, 200.0, 300 * SECOND, 320 * SECOND).alerts("convoy").is_empty(),
        "two is no convoy"
    );
    assert!(
        convoy(3, 600.0, 300 * SECOND, 320 * SECOND).alerts("convoy").is_empty(),
        "too far apart"
    );
}

/// Three vehicles in file 150 m apart, north at 40 km/h for five minutes, with a road running
/// north `road_m` metres east of them.
fn convoy_by_road(road_m: f64, config: EngineConfig) -> Feed {
    let x = DESERT.0 + road_m / (M_PER_DEG * DESERT.1.to_radians().cos());
    let road = vec![[x, DESERT.1 - 0.1], [x, DESERT.1 + 0.2]];
    let geo = Geography::builder().roads([road]).build().expect("geography");
    let mut f = Feed::with_geography(config, Arc::new(geo));
    let speed = 40.0 / 3.6;
    for t in (0..=300 * SECOND).step_by(20 * SECOND as usize) {
        for v in 0..3 {
            let lat = DESERT.1 + dlat(speed * t as f64 / 1_000.0 - 150.0 * v as f64);
            f.push(vehicle(&format!("LY-{v}"), T0 + t + v as i64, DESERT.0, lat, speed, 0.0));
        }
    }
    f
}

/// Three vehicles in file 150 m apart, north at 40 km/h for ten minutes, across a road
/// running east-west that the leader is on at 4 min and the others some 20 s later.
#[test]
fn a_convoy_crossing_a_road_stays_one_convoy() {
    let speed = 40.0 / 3.6;
    let road_lat = DESERT.1 + dlat(speed * 240.0);
    let road = vec![[DESERT.0 - 0.1, road_lat], [DESERT.0 + 0.1, road_lat]];
    let geo = Geography::builder().roads([road]).build().expect("geography");
    let mut f = Feed::with_geography(EngineConfig::default(), Arc::new(geo));
    for t in (0..=600 * SECOND).step_by(20 * SECOND as usize) {
        for v in 0..3 {
            let lat = DESERT.1 + dlat(speed * t as f64 / 1_000.0 - 150.0 * v as f64);
            f.push(vehicle(&format!("LY-{v}"), T0 + t + v as i64, DESERT.0, lat, speed, 0.0));
        }
    }
    let alerts = f.alerts("convoy");
    assert_eq!(alerts.len(), 1, "one convoy before, on and after the road: {alerts:?}");
    assert_eq!(alerts[0].state, AlertState::Open);
    assert_eq!(alerts[0].last_time.0, T0 + 600 * SECOND + 2);
}

#[test]
fn a_road_distance_that_is_no_distance_is_an_error() {
    let geo = Geography::libya().expect("geography");
    let mut config = EngineConfig::default();
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        config.rules.convoy.min_road_distance_m = bad;
        let err = config.check(&geo).expect_err("no distance").to_string();
        assert!(err.contains("convoy.min_road_distance_m"), "{bad}: {err}");
    }
    config.rules.convoy.min_road_distance_m = 0.0;
    config.check(&geo).expect("0 turns the check off");
}

#[test]
fn a_convoy_is_off_road_only() {
    let on = convoy_by_road(99.0, EngineConfig::default());
    assert!(on.alerts("convoy").is_empty(), "99 m from a road: traffic on it");
    let off = convoy_by_road(101.0, EngineConfig::default());
    assert_eq!(off.alerts("convoy").len(), 1, "101 m from the road");
    let mut config = EngineConfig::default();
    config.rules.convoy.min_road_distance_m = 0.0;
    let anywhere = convoy_by_road(99.0, config.clone());
    assert_eq!(anywhere.alerts("convoy").len(), 1, "the check turned off");
    let on_it = convoy_by_road(0.0, config);
    assert_eq!(on_it.alerts("convoy").len(), 1, "turned off, even right on the road");
}

/// A vehicle crossing the test zone northward at `speed`, a fix a minute for 22 minutes, with
/// a 1-2 m/s band set on the zone.
fn through_zone(speed: f64) -> Feed {
    through_zone_for(speed, 22)
}

/// [`through_zone`] for `minutes` minutes.
fn through_zone_for(speed: f64, minutes: i64) -> Feed {
    let mut config = EngineConfig::default();
    let band =
        serde_json::json!({ "speed_range": { "enabled": true, "min_mps": 1.0, "max_mps": 2.0 } });
    config.rules.zones.insert("aoi.test".into(), band);
    let mut f = Feed::with_geography(config, with_zone());
    for m in 0..=minutes {
        let lat = 26.5 - dlat(3_000.0) + dlat(speed * 60.0 * m as f64);
        f.push(vehicle("LY-9", T0 + m * MINUTE, 14.5, lat, speed, 0.0));
    }
    f
}

/// The average is over a window of 20 minutes inside the zone: out of the band for 19 minutes
/// is not yet judged (the first fix inside opens the window, the second confirms the entry).
#[test]
fn speed_range_waits_for_a_whole_window() {
    assert!(through_zone_for(3.0, 19).alerts("speed.range").is_empty(), "19 min");
    assert_eq!(through_zone_for(3.0, 21).alerts("speed.range").len(), 1, "21 min");
}

#[test]
fn speed_range_in_a_zone_averaged_over_twenty_minutes() {
    assert!(through_zone(1.99).alerts("speed.range").is_empty());
    assert_eq!(through_zone(2.01).alerts("speed.range").len(), 1);
    assert_eq!(through_zone(0.99).alerts("speed.range").len(), 1);
    let f = patrol(EngineConfig::default(), &[(0, true), (MINUTE, true), (30 * MINUTE, true)]);
    assert!(f.alerts("speed.range").is_empty(), "no band, no rule");
}

/// A speed band narrower than 1 kn, or averaged over less than 20 minutes, is a configuration
/// error naming the zone; the band of the tests above passes.
#[test]
fn a_speed_band_too_narrow_or_too_short_is_refused() {
    let geo = with_zone();
    let check = |band: serde_json::Value| {
        let mut config = EngineConfig::default();
        config.rules.zones.insert("aoi.test".into(), serde_json::json!({ "speed_range": band }));
        config.check(&geo).map_err(|e| e.to_string())
    };
    let band = |min: f64, max: f64, window_ms: i64| serde_json::json!({ "enabled": true, "min_mps": min, "max_mps": max, "window_ms": window_ms });
    assert!(check(band(1.0, 2.0, 20 * MINUTE)).is_ok());
    assert!(check(band(1.0, 1.0 + 0.52, 20 * MINUTE)).is_ok(), "just over 1 kn");
    let err = check(band(1.0, 1.0 + 0.51, 20 * MINUTE)).expect_err("just under 1 kn");
    assert!(err.contains("aoi.test") && err.contains("1 kn"), "{err}");
    let err = check(band(1.0, 2.0, 19 * MINUTE)).expect_err("19 minutes");
    assert!(err.contains("aoi.test") && err.contains("20 minutes"), "{err}");
    assert!(check(serde_json::json!({ "enabled": false, "window_ms": 60_000 })).is_ok(), "off");
}
