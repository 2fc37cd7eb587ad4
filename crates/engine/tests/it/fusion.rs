//! Fusion by position: radar plots and radar tracks join the track they fall on, AIS and radar
//! of one object become one track, and nothing else merges.

use engine::rules::is_unidentified;
use model::{Identity, ObjectKind, SourceKind};

use crate::support::*;

const SEA: (f64, f64) = (13.3, 33.3);

fn plot(t: i64, lon: f64, lat: f64) -> model::Observation {
    obs(Identity::default(), ObjectKind::Unknown, SourceKind::Radar, (t, lon, lat), None, None)
}

/// An AIS vessel going north at 10 kn, reporting every 30 s for `n` reports.
fn vessel(f: &mut Feed, n: i64) {
    for i in 0..n {
        let lat = SEA.1 + dlat(10.0 * KNOT * 30.0 * i as f64);
        f.push(ais(642_400_001, T0 + i * 30 * SECOND, SEA.0, lat, 10.0));
    }
}

#[test]
fn radar_plots_on_an_ais_vessel_join_its_track() {
    let mut f = Feed::default_rules();
    vessel(&mut f, 4);
    // 15 s after the last report, 60 m off where the vessel should be.
    let lat = SEA.1 + dlat(10.0 * KNOT * (90.0 + 15.0) + 60.0);
    f.push(plot(T0 + 105 * SECOND, SEA.0, lat));
    assert_eq!(f.engine.track_count(), 1);
    let track = f.engine.tracks().next().expect("track").clone();
    assert!(
        track.source_kinds.contains(&SourceKind::Radar)
            && track.source_kinds.contains(&SourceKind::Ais)
    );
    assert!(!is_unidentified(&track));
    assert_eq!(track.observations, 5);
}

#[test]
fn plots_far_from_everything_start_a_track_and_follow_it() {
    let mut f = Feed::default_rules();
    vessel(&mut f, 2);
    for i in 0..6 {
        let lat = 33.0 + dlat(5.0 * 30.0 * i as f64);
        f.push(plot(T0 + i * 30 * SECOND, 12.5, lat));
    }
    assert_eq!(f.engine.track_count(), 2, "one vessel, one radar contact");
    let contact = f.engine.tracks().find(|t| t.identity.mmsi.is_none()).expect("contact").clone();
    assert_eq!(contact.observations, 6);
    assert!(is_unidentified(&contact));
    // A plot 3 km off the contact's predicted position is something else.
    f.push(plot(T0 + 180 * SECOND, 12.5 + 0.04, 33.0));
    assert_eq!(f.engine.track_count(), 3);
}

#[test]
fn a_radar_track_born_on_an_ais_vessel_is_adopted_by_it() {
    let mut f = Feed::default_rules();
    vessel(&mut f, 4);
    for i in 4..8 {
        let lat = SEA.1 + dlat(10.0 * KNOT * 30.0 * i as f64 + 30.0);
        f.push(radar("R-5", T0 + i * 30 * SECOND + 2 * SECOND, SEA.0, lat, None));
    }
    assert_eq!(f.engine.track_count(), 1);
    let track = f.engine.tracks().next().expect("track");
    assert_eq!(track.observations, 8);
    assert!(track.sources.contains("radar-test") && track.sources.contains("ais-test"));
}

#[test]
fn a_radar_only_track_that_meets_its_ais_vessel_is_merged_into_it() {
    let mut f = Feed::default_rules();
    // The radar sees the boat first, 20 km away from any AIS.
    for i in 0..4 {
        let lat = SEA.1 + dlat(10.0 * KNOT * 30.0 * i as f64);
        f.push(radar("R-9", T0 + i * 30 * SECOND, SEA.0, lat, None));
    }
    assert!(f.engine.tracks().all(is_unidentified));
    // Then its AIS comes on, on top of it, and both keep reporting.
    for i in 4..8 {
        let lat = SEA.1 + dlat(10.0 * KNOT * 30.0 * i as f64);
        f.push(ais(642_400_002, T0 + i * 30 * SECOND, SEA.0, lat, 10.0));
        f.push(radar("R-9", T0 + i * 30 * SECOND + SECOND, SEA.0, lat + dlat(20.0), None));
    }
    assert_eq!(f.engine.track_count(), 1, "one object, one track");
    let track = f.engine.tracks().next().expect("track");
    assert_eq!(track.observations, 12, "nothing lost, nothing counted twice");
    assert_eq!(track.identity.mmsi, Some(642_400_002));
}

#[test]
fn two_tracks_of_one_radar_side_by_side_stay_two() {
    let mut f = Feed::default_rules();
    for i in 0..5 {
        let lat = SEA.1 + dlat(3.0 * 30.0 * i as f64);
        f.push(radar("R-1", T0 + i * 30 * SECOND, SEA.0, lat, None));
        f.push(radar("R-2", T0 + i * 30 * SECOND, SEA.0 + 0.002, lat, None));
    }
    assert_eq!(f.engine.track_count(), 2);
}

/// A fast boat not heard from for minutes lies kilometres past its last fix, and a radar plot
/// on it must still find it: the gate looks where the track is predicted to be, wherever the
/// track was last filed. Over every course, speeds up to 50 kn and ages up to the gate's limit
/// (5 minutes), the plot joins the boat's track.
#[test]
fn a_plot_on_a_fast_boat_long_unheard_joins_its_track() {
    for speed_kn in [15.0, 30.0, 50.0] {
        for course in [0.0_f64, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0] {
            for age_s in [60, 150, 240, 295] {
                let mut f = Feed::default_rules();
                let v = speed_kn * KNOT;
                let (east, north) = (v * course.to_radians().sin(), v * course.to_radians().cos());
                let at = |s: f64| {
                    let lat = SEA.1 + dlat(north * s);
                    (SEA.0 + dlat(east * s) / SEA.1.to_radians().cos(), lat)
                };
                for (i, s) in [0.0, 10.0].into_iter().enumerate() {
                    let (lon, lat) = at(s);
                    let identity = Identity { mmsi: Some(642_400_100), ..Identity::default() };
                    let (t, speed) = (T0 + i as i64 * 10 * SECOND, Some(v));
                    let o = obs(
                        identity,
                        ObjectKind::Vessel,
                        SourceKind::Ais,
                        (t, lon, lat),
                        speed,
                        Some(course),
                    );
                    f.push(o);
                }
                // 300 m off the predicted position, across the course.
                let s = 10.0 + age_s as f64;
                let (lon, lat) = at(s);
                let lon = lon + dlat(300.0) / SEA.1.to_radians().cos();
                f.push(plot(T0 + (s * 1_000.0) as i64, lon, lat));
                assert_eq!(
                    f.engine.track_count(),
                    1,
                    "{speed_kn} kn on {course}°, plot {age_s} s after the last report"
                );
            }
        }
    }
}
