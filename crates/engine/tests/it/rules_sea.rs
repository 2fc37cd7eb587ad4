//! Sea rules, each just before and just past its threshold.

use engine::geo::sphere::haversine_m;
use engine::rules::NM;
use model::{AlertState, Severity};

use crate::support::*;

/// Open sea north of Tripoli, about 45 km out: far from ports, inside 24 nm of the coast.
const SEA: (f64, f64) = (13.3, 33.3);

#[test]
fn a_sart_mmsi_raises_one_critical_alert_however_many_fixes() {
    let mut f = Feed::default_rules();
    for i in 0..5 {
        f.push(ais(970_123_456, T0 + i * 10 * SECOND, SEA.0, SEA.1, 0.5));
        f.push(ais(642_123_456, T0 + i * 10 * SECOND, SEA.0 + 0.1, SEA.1, 0.5));
    }
    let sar = f.alerts("sar.beacon");
    assert_eq!(sar.len(), 1, "{sar:?}");
    assert_eq!(sar[0].severity, Severity::Critical);
    assert_eq!(sar[0].last_time.0, T0 + 40 * SECOND);
    assert!(sar[0].evidence.len() >= 2);
    // The evidence is the beacon's own fixes: where it was, when.
    for p in &sar[0].evidence {
        assert_eq!((p.lon, p.lat), SEA, "{p:?}");
        assert!((T0..=T0 + 40 * SECOND).contains(&p.time.0), "{p:?}");
    }
    assert_eq!(sar[0].evidence.last().map(|p| p.time.0), Some(T0 + 40 * SECOND));
}

/// Every distress transmitter's MMSI range: 970 (AIS-SART), 972 (MOB), 974 (EPIRB-AIS); a
/// ship's MMSI beside it is none.
#[test]
fn every_beacon_range_raises_sar() {
    for (mmsi, beacons) in [(970_000_001, 1), (972_000_001, 1), (974_000_001, 1), (642_000_001, 0)]
    {
        let mut f = Feed::default_rules();
        f.push(ais(mmsi, T0, SEA.0, SEA.1, 0.5));
        assert_eq!(f.alerts("sar.beacon").len(), beacons, "{mmsi}");
    }
}

#[test]
fn navigational_status_14_is_a_distress_beacon_too() {
    let mut f = Feed::default_rules();
    let mut o = ais(642_123_456, T0, SEA.0, SEA.1, 0.5);
    f.push(o.clone());
    assert!(f.alerts("sar.beacon").is_empty());
    o.time = model::Time(T0 + 10 * SECOND);
    o.identity.nav_status = Some(14);
    f.push(o);
    assert_eq!(f.alerts("sar.beacon").len(), 1);
}

#[test]
fn high_speed_craft_jump_at_50_knots() {
    let run = |knots: f64| {
        let mut f = Feed::default_rules();
        let mut a = ais(642_123_457, T0, SEA.0, SEA.1, 30.0);
        a.identity.ship_type = Some(40);
        a.speed_mps = None;
        f.push(a.clone());
        let metres = knots * KNOT * 600.0;
        a.time = model::Time(T0 + 10 * MINUTE);
        a.position.lat = SEA.1 + dlat(metres);
        f.push(a);
        f.engine.track_count()
    };
    assert_eq!(run(49.9), 1);
    assert_eq!(run(50.1), 2);
}

#[test]
fn invalid_and_default_mmsis_are_flagged_once_per_track() {
    let mut f = Feed::default_rules();
    f.push(ais(100_000_001, T0, SEA.0, SEA.1, 1.0));
    f.push(ais(100_000_001, T0 + SECOND, SEA.0, SEA.1, 1.0));
    f.push(ais(642_000_000, T0, SEA.0 + 0.2, SEA.1, 1.0));
    f.push(ais(642_123_456, T0, SEA.0 + 0.4, SEA.1, 1.0));
    assert_eq!(f.alerts("mmsi.invalid").len(), 1);
    assert_eq!(f.alerts("identity.conflict").len(), 1);
    // The other default a transponder ships with.
    let mut f = Feed::default_rules();
    f.push(ais(123_456_789, T0, SEA.0, SEA.1, 1.0));
    assert_eq!(f.alerts("identity.conflict").len(), 1, "123456789");
}

/// Two fixes of one MMSI 10 minutes apart at an implied speed of `knots`.
fn jump(knots: f64) -> Feed {
    let mut f = Feed::default_rules();
    let metres = knots * KNOT * 600.0;
    f.push(ais(642_123_456, T0, SEA.0, SEA.1, 10.0));
    f.push(ais(642_123_456, T0 + 10 * MINUTE, SEA.0, SEA.1 + dlat(metres), 10.0));
    f
}

#[test]
fn position_jump_splits_at_25_knots() {
    let before = jump(24.9);
    assert_eq!(before.engine.track_count(), 1);
    assert!(before.alerts("position.jump").is_empty());
    let past = jump(25.1);
    assert_eq!(past.engine.track_count(), 2, "the jumped fix went to a suspected-spoofing track");
    let alerts = past.alerts("position.jump");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].tracks.len(), 2);
}

#[test]
fn a_split_mmsi_keeps_feeding_both_tracks_without_new_alerts() {
    let mut f = jump(60.0);
    let far = SEA.1 + dlat(60.0 * KNOT * 600.0);
    for i in 2..6 {
        f.push(ais(642_123_456, T0 + i * 5 * MINUTE, SEA.0, SEA.1, 10.0));
        f.push(ais(642_123_456, T0 + i * 5 * MINUTE + SECOND, SEA.0, far, 10.0));
    }
    assert_eq!(f.engine.track_count(), 2);
    let observed: u64 = f.engine.tracks().map(|t| t.observations).sum();
    assert_eq!(observed, 10, "every fix on one of the two tracks");
    assert_eq!(f.alerts("position.jump").len(), 1);
}

#[test]
fn one_mmsi_on_two_vessels_is_an_identity_conflict() {
    let mut f = jump(60.0);
    assert!(f.alerts("identity.conflict").is_empty(), "one jump is a jump, not yet two vessels");
    let far = SEA.1 + dlat(60.0 * KNOT * 600.0);
    for i in 3..6 {
        f.push(ais(642_123_456, T0 + i * 5 * MINUTE, SEA.0, SEA.1, 10.0));
        f.push(ais(642_123_456, T0 + i * 5 * MINUTE + SECOND, SEA.0, far, 10.0));
    }
    let conflicts = f.alerts("identity.conflict");
    assert_eq!(conflicts.len(), 1, "one episode however many fixes");
    assert_eq!(conflicts[0].tracks.len(), 2);
}

/// A radar-only contact 1 km off the coast near Zuwara, moving north at `knots`, with fixes
/// every 30 s until `until_s` and one at `last_s`.
fn departure(knots: f64, until_s: i64, last_s: i64, identified: bool) -> Feed {
    let mut f = Feed::default_rules();
    let geo = crate::geography();
    let coast = geo.locate_on_line("coast.lby", 12.08, 33.0).expect("coast near Zuwara").closest;
    let start = (coast[0], coast[1] + dlat(1_000.0));
    let speed = knots * KNOT;
    let mut times: Vec<i64> = (0..=until_s).step_by(30).collect();
    times.push(last_s);
    for s in times {
        let lat = start.1 + dlat(speed * s as f64);
        let o = if identified {
            ais(642_555_555, T0 + s * SECOND, start.0, lat, knots)
        } else {
            radar("17", T0 + s * SECOND, start.0, lat, Some(speed))
        };
        f.push(o);
    }
    f
}

#[test]
fn unidentified_departure_after_five_minutes_seaward() {
    assert!(departure(4.0, 270, 299, false).alerts("coast.unidentified_departure").is_empty());
    let past = departure(4.0, 270, 301, false);
    let alerts = past.alerts("coast.unidentified_departure");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].severity, Severity::High);
}

#[test]
fn unidentified_departure_needs_more_than_three_knots_and_no_identity() {
    assert!(departure(2.9, 600, 630, false).alerts("coast.unidentified_departure").is_empty());
    assert_eq!(departure(3.1, 600, 630, false).alerts("coast.unidentified_departure").len(), 1);
    assert!(departure(6.0, 600, 630, true).alerts("coast.unidentified_departure").is_empty());
}

/// A vessel seen at sea, then silence, with another vessel reporting `after` later.
fn gap(after: i64) -> Feed {
    let mut f = Feed::default_rules();
    f.push(ais(642_100_001, T0, SEA.0, SEA.1, 5.0));
    f.push(ais(642_100_001, T0 + 10 * SECOND, SEA.0, SEA.1 + dlat(25.0), 5.0));
    f.push(ais(642_100_002, T0 + 10 * SECOND + after, SEA.0 + 1.0, SEA.1, 5.0));
    f
}

#[test]
fn ais_gap_after_six_hours_of_silence_and_closed_when_heard_again() {
    assert!(gap(5 * HOUR + 59 * MINUTE).alerts("ais.gap").is_empty());
    let mut past = gap(6 * HOUR + MINUTE);
    let alerts = past.open("ais.gap");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].first_time.0, T0 + 10 * SECOND, "the window starts at the last fix");
    past.push(ais(642_100_001, T0 + 7 * HOUR, SEA.0, SEA.1 + dlat(50.0), 5.0));
    assert!(past.open("ais.gap").is_empty());
    assert_eq!(past.alerts("ais.gap")[0].state, AlertState::Closed);
}

#[test]
fn a_gap_inside_coastal_coverage_warns_after_an_hour() {
    // SEA is ~24 nm out, outside the 20 nm coverage; 10 km off Tripoli is inside.
    let near = |after: i64| {
        let mut f = Feed::default_rules();
        f.push(ais(642_100_003, T0, 13.2, 33.0, 5.0));
        f.push(ais(642_100_004, T0 + after, 15.0, 33.5, 5.0));
        f
    };
    assert!(near(59 * MINUTE).alerts("ais.gap_in_coverage").is_empty());
    let past = near(61 * MINUTE);
    assert_eq!(past.alerts("ais.gap_in_coverage").len(), 1);
    assert!(past.alerts("ais.gap").is_empty(), "the dark-vessel gap takes 6 h");
    assert!(gap(2 * HOUR).alerts("ais.gap_in_coverage").is_empty(), "outside coverage");
}

/// A geography with a circle `cover.tripoli` of `radius_m` around `centre`, a config that
/// `name`s it as the coverage and passes the check, and a vessel silent from `at` while
/// another reports `after` later.
fn gap_with_cover(
    (centre, radius_m): ((f64, f64), f64),
    name: impl FnOnce(&mut engine::EngineConfig),
    at: (f64, f64),
    after: i64,
) -> Feed {
    let (lon, lat) = centre;
    let text = format!(
        "[[zone]]\nid = \"cover.tripoli\"\ncircle = {{ center = [{lon}, {lat}], radius_m = {radius_m} }}\n"
    );
    let zones = geo::zones_from_toml("t.toml", &text, &model::AgencyId::new("CGW")).expect("zones");
    let geo = std::sync::Arc::new(geo::Geography::builder().zones(zones).build().expect("geo"));
    let mut config = engine::EngineConfig::default();
    name(&mut config);
    config.check(&geo).expect("coverage naming a circle of the geography");
    let mut f = Feed::with_geography(config, geo);
    f.push(ais(642_100_005, T0, at.0, at.1, 5.0));
    f.push(ais(642_100_006, T0 + after, 15.0, 33.5, 5.0));
    f
}

/// [`gap_with_cover`] with the coverage drawn globally as a circle of 20 km from SEA, which
/// lies beyond the default's 20 nm, to some 31 nm out, beyond the 24 nm watched for the long
/// gap.
fn gap_in_zone_coverage(at: (f64, f64), after: i64) -> Feed {
    let name = |c: &mut engine::EngineConfig| {
        c.rules.ais_gap.coverage_zones = vec!["cover.tripoli".into()];
    };
    gap_with_cover(((13.3, 33.45), 20_000.0), name, at, after)
}

#[test]
fn coverage_drawn_as_zones_replaces_the_distance_from_the_coast() {
    assert!(gap_in_zone_coverage(SEA, 59 * MINUTE).alerts("ais.gap_in_coverage").is_empty());
    let past = gap_in_zone_coverage(SEA, 61 * MINUTE);
    assert_eq!(past.alerts("ais.gap_in_coverage").len(), 1, "inside the zone");
    let far = gap_in_zone_coverage((13.3, 33.6), 61 * MINUTE);
    assert_eq!(far.alerts("ais.gap_in_coverage").len(), 1, "inside the zone, 31 nm out");
    // 10 km off Tripoli: inside the default's 20 nm, 50 km from the zone's centre.
    let off = gap_in_zone_coverage((13.2, 33.0), 2 * HOUR);
    assert!(off.alerts("ais.gap_in_coverage").is_empty(), "outside the zone");
}

/// 10 km off Tripoli, in the territorial sea, whose override draws the coverage as a circle
/// of 5 km around `centre`; silent two hours.
fn gap_in_overridden_coverage(centre: (f64, f64)) -> Feed {
    let name = |c: &mut engine::EngineConfig| {
        let cover = serde_json::json!({ "ais_gap": { "coverage_zones": ["cover.tripoli"] } });
        c.rules.zones.insert("sea.territorial".into(), cover);
    };
    gap_with_cover((centre, 5_000.0), name, (13.2, 33.0), 2 * HOUR)
}

#[test]
fn coverage_zones_set_in_a_zone_s_override_apply_there() {
    // Without the override this vessel is covered (see the test of the 20 nm above).
    let elsewhere = gap_in_overridden_coverage((13.6, 33.0));
    assert!(elsewhere.alerts("ais.gap_in_coverage").is_empty(), "outside the drawn coverage");
    let here = gap_in_overridden_coverage((13.2, 33.0));
    assert_eq!(here.alerts("ais.gap_in_coverage").len(), 1, "inside it");
}

#[test]
fn a_coverage_zone_the_geography_lacks_or_a_line_is_an_error_naming_it() {
    let geo = geo::Geography::libya().expect("geography");
    let mut config = engine::EngineConfig::default();
    config.rules.ais_gap.coverage_zones = vec!["sea.territorial".into()];
    config.check(&geo).expect("a polygon of the geography");
    config.rules.ais_gap.coverage_zones = vec!["sea.territorial".into(), "cover.typo".into()];
    let err = config.check(&geo).expect_err("no such zone").to_string();
    assert!(err.contains("cover.typo") && err.contains("no zone"), "{err}");
    config.rules.ais_gap.coverage_zones = vec![geo::COAST_ID.into()];
    let err = config.check(&geo).expect_err("a line").to_string();
    assert!(err.contains(geo::COAST_ID) && err.contains("line"), "{err}");
    // In a zone's override too.
    config.rules.ais_gap.coverage_zones = Vec::new();
    let cover = serde_json::json!({ "ais_gap": { "coverage_zones": ["cover.typo"] } });
    config.rules.zones.insert("sea.contiguous".into(), cover);
    let err = config.check(&geo).expect_err("no such zone").to_string();
    assert!(err.contains("cover.typo") && err.contains("sea.contiguous"), "{err}");
}

/// Two vessels `metres` apart at 1 kn, fixes every 10 min, then both at `last`.
fn encounter(metres: f64, last: i64) -> Feed {
    let mut f = Feed::default_rules();
    let other = (SEA.0, SEA.1 + dlat(metres));
    assert!((haversine_m([SEA.0, SEA.1], [other.0, other.1]) - metres).abs() < 0.01);
    let mut times: Vec<i64> = (0..=115).step_by(5).map(|m| m * MINUTE).collect();
    times.push(last);
    for t in times {
        f.push(ais(642_200_001, T0 + t, SEA.0, SEA.1, 1.0));
        f.push(ais(642_200_002, T0 + t, other.0, other.1, 1.0));
    }
    f
}

/// [`encounter`] at `knots`, and `from_port` metres north of Zawiya's port.
fn encounter_at(knots: f64, at: (f64, f64)) -> Feed {
    let mut f = Feed::default_rules();
    let other = (at.0, at.1 + dlat(300.0));
    for m in (0..=125).step_by(5) {
        f.push(ais(642_200_011, T0 + m * MINUTE, at.0, at.1, knots));
        f.push(ais(642_200_012, T0 + m * MINUTE, other.0, other.1, knots));
    }
    f
}

#[test]
fn an_encounter_needs_both_below_two_knots() {
    assert_eq!(encounter_at(1.9, SEA).alerts("encounter").len(), 1);
    assert!(encounter_at(2.1, SEA).alerts("encounter").is_empty());
}

#[test]
fn an_encounter_needs_ten_km_from_the_nearest_port() {
    let geo = crate::geography();
    let port = geo.zone("port.zawiya").expect("port");
    let model::ZoneGeometry::Circle { center, .. } = port.geometry else { panic!("circle") };
    // Due north of the port, where its centre is the nearest port's.
    let near = |metres: f64| {
        let at = (center[0], center[1] + dlat(metres));
        let (nearest, m) = geo.nearest_port(at.0, at.1).expect("a port");
        assert_eq!(nearest.id.as_str(), "port.zawiya");
        assert!((m - metres).abs() < 1.0, "{m} m from the port, not {metres}");
        encounter_at(1.0, at).alerts("encounter").len()
    };
    assert_eq!(near(9_950.0), 0, "the nearer vessel 9.95 km from the port");
    assert_eq!(near(10_050.0), 1);
}

/// A vessel stopped `metres` from the coast, heard twice, then silent while another vessel
/// reports 6 h 01 later.
fn silent_at(metres: f64) -> Feed {
    let at = offshore(13.3, metres);
    let mut f = Feed::default_rules();
    f.push(ais(642_100_011, T0, at.0, at.1, 5.0));
    f.push(ais(642_100_011, T0 + 10 * SECOND, at.0, at.1, 5.0));
    f.push(ais(642_100_012, T0 + 10 * SECOND + 6 * HOUR + MINUTE, 15.0, 34.5, 5.0));
    f
}

#[test]
fn an_ais_gap_only_of_a_vessel_within_24_nautical_miles() {
    assert_eq!(silent_at(24.0 * NM - 50.0).alerts("ais.gap").len(), 1);
    assert!(silent_at(24.0 * NM + 50.0).alerts("ais.gap").is_empty());
}

/// A radar-only contact starting `from` metres off the coast north of Tripoli, moving at
/// 4 kn on `course` (0: north, seaward; 180: south, to the coast), a fix every 30 s for 6 min.
fn contact_from(from: f64, course: f64) -> Feed {
    let start = offshore(13.3, from);
    let mut f = Feed::default_rules();
    let north = if course == 0.0 { 1.0 } else { -1.0 };
    for s in (0..=360).step_by(30) {
        let lat = start.1 + north * dlat(4.0 * KNOT * s as f64);
        f.push(radar("31", T0 + s * SECOND, start.0, lat, Some(4.0 * KNOT)));
    }
    f
}

#[test]
fn an_unidentified_departure_is_seaward_and_inside_twelve_nautical_miles() {
    // 6 min at 4 kn is 740 m: from 11 nm the contact stays inside the band.
    assert_eq!(contact_from(11.0 * NM, 0.0).alerts("coast.unidentified_departure").len(), 1);
    assert!(contact_from(12.0 * NM + 50.0, 0.0).alerts("coast.unidentified_departure").is_empty());
    assert!(contact_from(11.0 * NM, 180.0).alerts("coast.unidentified_departure").is_empty());
}

#[test]
fn encounter_at_500_metres_for_two_hours() {
    assert!(encounter(400.0, 119 * MINUTE).alerts("encounter").is_empty(), "1 h 59");
    let past = encounter(400.0, 121 * MINUTE);
    let alerts = past.alerts("encounter");
    assert_eq!(alerts.len(), 1, "2 h 01");
    assert_eq!(alerts[0].tracks.len(), 2);
    // The evidence: both vessels, where they lay, at the fix that made it fire.
    let at: Vec<(i64, f64)> = alerts[0].evidence.iter().map(|p| (p.time.0, p.lat)).collect();
    for lat in [SEA.1, SEA.1 + dlat(400.0)] {
        assert!(at.contains(&(T0 + 121 * MINUTE, lat)), "{lat} at 2 h 01 not in {at:?}");
    }
    assert_eq!(encounter(499.0, 121 * MINUTE).alerts("encounter").len(), 1);
    assert!(encounter(501.0, 121 * MINUTE).alerts("encounter").is_empty());
}

#[test]
fn an_encounter_ends_when_one_vessel_leaves() {
    let mut f = encounter(300.0, 125 * MINUTE);
    f.push(ais(642_200_001, T0 + 130 * MINUTE, SEA.0, SEA.1 - dlat(2_000.0), 8.0));
    let alerts = f.alerts("encounter");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].state, AlertState::Closed);
}

#[test]
fn no_encounter_in_port() {
    let geo = crate::geography();
    let port = geo.zone("port.zawiya").expect("port");
    let model::ZoneGeometry::Circle { center, .. } = port.geometry else { panic!("circle") };
    let mut f = Feed::default_rules();
    for m in (0..=180).step_by(10) {
        f.push(ais(642_200_001, T0 + m * MINUTE, center[0], center[1], 0.5));
        f.push(ais(642_200_002, T0 + m * MINUTE, center[0], center[1] + dlat(100.0), 0.5));
    }
    assert!(f.alerts("encounter").is_empty());
}

#[test]
fn an_acknowledged_alert_stays_acknowledged_until_it_closes() {
    let mut f = encounter(300.0, 125 * MINUTE);
    let id = f.alerts("encounter")[0].id.clone();
    f.ack(&id, T0 + 126 * MINUTE);
    let entry = f.engine.alert(&id).expect("alert").clone();
    assert_eq!(entry.alert.state, AlertState::Acknowledged);
    assert_eq!(entry.acknowledged_by(), Some("cgw.watch"));
    f.push(ais(642_200_001, T0 + 130 * MINUTE, SEA.0, SEA.1 + dlat(300.0), 1.0));
    f.push(ais(642_200_002, T0 + 130 * MINUTE, SEA.0, SEA.1 + dlat(600.0), 1.0));
    assert_eq!(f.engine.alert(&id).map(|e| e.alert.state), Some(AlertState::Acknowledged));
    f.ack("a999999", T0 + 131 * MINUTE);
}

/// [`encounter`] with an override on the contiguous zone, where `SEA` lies.
fn encounter_with_override(metres: f64, patch: serde_json::Value) -> Feed {
    let mut config = engine::EngineConfig::default();
    config.rules.zones.insert("sea.contiguous".into(), patch);
    let mut f = Feed::new(config);
    let other = (SEA.0, SEA.1 + dlat(metres));
    for m in (0..=125).step_by(5) {
        f.push(ais(642_200_001, T0 + m * MINUTE, SEA.0, SEA.1, 1.0));
        f.push(ais(642_200_002, T0 + m * MINUTE, other.0, other.1, 1.0));
    }
    f
}

#[test]
fn a_zone_override_widens_or_turns_off_the_encounter_rule_there() {
    let geo = crate::geography();
    assert!(geo.containing(SEA.0, SEA.1).iter().any(|z| z.id == "sea.contiguous"));
    let wide = serde_json::json!({ "encounter": { "max_distance_m": 1_000.0 } });
    assert_eq!(encounter_with_override(800.0, wide.clone()).alerts("encounter").len(), 1);
    assert!(encounter_with_override(1_001.0, wide).alerts("encounter").is_empty());
    let off = serde_json::json!({ "encounter": { "enabled": false } });
    assert!(encounter_with_override(300.0, off).alerts("encounter").is_empty());
    assert!(encounter(800.0, 125 * MINUTE).alerts("encounter").is_empty(), "globally 500 m");
}

#[test]
fn an_encounter_with_a_dark_radar_contact_counts() {
    // The radar follows the vessel (its track fuses with the AIS one) and a dark partner that
    // comes in from 3 km north over 20 minutes, then lies 200 m off: a second track of the same
    // radar is a second boat, however close.
    let run = |minutes: i64| {
        let mut f = Feed::default_rules();
        for m in (0..=minutes).step_by(5) {
            f.push(ais(642_200_001, T0 + m * MINUTE, SEA.0, SEA.1, 0.0));
            let mut own = radar("zuwara-6", T0 + m * MINUTE + 10 * SECOND, SEA.0, SEA.1, Some(0.2));
            own.position.accuracy_m = Some(60.0);
            f.push(own);
            let off = if m < 20 { 3_000.0 - 140.0 * m as f64 } else { 200.0 };
            let t = T0 + m * MINUTE + 20 * SECOND;
            let mut r = radar("zuwara-7", t, SEA.0, SEA.1 + dlat(off), Some(0.2));
            r.position.accuracy_m = Some(60.0);
            f.push(r);
        }
        let listed: Vec<String> = f
            .engine
            .tracks()
            .map(|t| {
                format!(
                    "{} {:?} {:?} first {}",
                    t.id.0,
                    t.sources,
                    t.identity.source_track,
                    t.first_time.0 - T0
                )
            })
            .collect();
        assert_eq!(
            f.engine.track_count(),
            2,
            "the dark contact stays a track of its own: {listed:?}"
        );
        f.alerts("encounter").len()
    };
    assert_eq!(run(135), 0, "1 h 55 close");
    assert_eq!(run(145), 1, "2 h 05 close");
}

/// An override for a zone the geography lacks (a misspelt id) is an error naming it; the
/// override above, on a zone that exists, passes.
#[test]
fn an_override_for_an_unknown_zone_is_an_error_naming_it() {
    let geo = geo::Geography::libya().expect("geography");
    let mut config = engine::EngineConfig::default();
    config.rules.zones.insert("sea.contiguous".into(), serde_json::json!({ "encounter": {} }));
    config.check(&geo).expect("a zone of the geography");
    config.rules.zones.insert("port.zawiyaa".into(), serde_json::json!({ "zone": {} }));
    let err = config.check(&geo).expect_err("no such zone").to_string();
    assert!(err.contains("port.zawiyaa") && err.contains("no zone"), "{err}");
    // A line (the coast) holds no fix: an override on it would never apply either.
    config.rules.zones.remove("port.zawiyaa");
    config.rules.zones.insert(geo::COAST_ID.into(), serde_json::json!({ "zone": {} }));
    let err = config.check(&geo).expect_err("a line").to_string();
    assert!(err.contains(geo::COAST_ID) && err.contains("line zone"), "{err}");
}
