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
