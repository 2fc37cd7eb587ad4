//! Rendezvous, loitering, port visits and suspected AIS disabling, each just before and just
//! past its threshold.

use engine::rules::NM;
use model::{AlertState, ZoneGeometry};

use crate::support::*;

const SEA: (f64, f64) = (13.3, 33.3);
/// About 40 nm north of Tripoli.
const OFFSHORE: (f64, f64) = (13.3, 33.6);
/// About 95 nm north of Tripoli.
const FAR: (f64, f64) = (13.3, 34.5);

/// Two slow vessels `metres` apart, fixes every 5 min until 25 min, then both at `last`.
fn pair(metres: f64, last: i64) -> Feed {
    let mut f = Feed::default_rules();
    let mut times: Vec<i64> = (0..=25).step_by(5).map(|m| m * MINUTE).collect();
    times.push(last);
    for t in times {
        f.push(ais(642_500_001, T0 + t, SEA.0, SEA.1, 1.0));
        f.push(ais(642_500_002, T0 + t, SEA.0, SEA.1 + dlat(metres), 1.0));
    }
    f
}

#[test]
fn rendezvous_within_250_metres_for_more_than_30_minutes() {
    assert!(pair(200.0, 29 * MINUTE).alerts("rendezvous").is_empty());
    assert_eq!(pair(200.0, 31 * MINUTE).alerts("rendezvous").len(), 1);
    assert_eq!(pair(249.0, 31 * MINUTE).alerts("rendezvous").len(), 1);
    assert!(pair(251.0, 31 * MINUTE).alerts("rendezvous").is_empty());
    assert!(pair(200.0, 31 * MINUTE).alerts("encounter").is_empty(), "an encounter takes 2 h");
}

/// A vessel drifting north at `knots`, fixes every 10 min until 3 h 50, then at `last`.
fn drift(knots: f64, last: i64) -> Feed {
    let mut f = Feed::default_rules();
    let mut times: Vec<i64> = (0..=230).step_by(10).map(|m| m * MINUTE).collect();
    times.push(last);
    for t in times {
        let lat = OFFSHORE.1 + dlat(knots * KNOT * t as f64 / 1_000.0);
        f.push(ais(642_500_003, T0 + t, OFFSHORE.0, lat, knots));
    }
    f
}

/// A vessel stopped `metres` from the coast, a fix every 10 min for 4 h 10.
fn stopped_at(metres: f64) -> Feed {
    let at = offshore(13.3, metres);
    let mut f = Feed::default_rules();
    for m in (0..=250).step_by(10) {
        f.push(ais(642_500_013, T0 + m * MINUTE, at.0, at.1, 0.0));
    }
    f
}

#[test]
fn loitering_only_beyond_twenty_nautical_miles() {
    assert!(stopped_at(20.0 * NM - 50.0).alerts("loitering").is_empty(), "19.97 nm");
    assert_eq!(stopped_at(20.0 * NM + 50.0).alerts("loitering").len(), 1, "20.03 nm");
}

/// Twelve hours and a minute dark between a fix `from` metres off the coast and one `to`.
fn dark_between(from: f64, to: f64) -> Feed {
    let (a, b) = (offshore(13.3, from), offshore(13.35, to));
    let mut f = Feed::default_rules();
    f.push(ais(642_500_014, T0, a.0, a.1, 8.0));
    f.push(ais(642_500_014, T0 + 12 * HOUR + MINUTE, b.0, b.1, 8.0));
    f
}

#[test]
fn ais_disabling_needs_both_ends_beyond_fifty_nautical_miles() {
    let (inside, beyond) = (50.0 * NM - 50.0, 50.0 * NM + 50.0);
    assert_eq!(dark_between(beyond, beyond).alerts("ais.disabling").len(), 1);
    assert!(dark_between(inside, beyond).alerts("ais.disabling").is_empty(), "went dark inside");
    assert!(dark_between(beyond, inside).alerts("ais.disabling").is_empty(), "came back inside");
}

#[test]
fn loitering_below_two_knots_for_four_hours_offshore() {
    assert!(drift(1.0, 239 * MINUTE).alerts("loitering").is_empty(), "3 h 59");
    assert_eq!(drift(1.0, 241 * MINUTE).alerts("loitering").len(), 1, "4 h 01");
    assert!(drift(2.1, 241 * MINUTE).alerts("loitering").is_empty(), "2.1 kn on average");
    assert_eq!(drift(1.9, 241 * MINUTE).alerts("loitering").len(), 1, "1.9 kn on average");
}

fn zawiya() -> [f64; 2] {
    let geo = crate::geography();
    match geo.zone("port.zawiya").map(|z| z.geometry.clone()) {
        Some(ZoneGeometry::Circle { center, .. }) => center,
        _ => panic!("port.zawiya is a circle"),
    }
}

#[test]
fn a_port_visit_is_a_stop_in_the_anchorage_closed_beyond_four_km() {
    let port = zawiya();
    let mut f = Feed::default_rules();
    f.push(ais(642_500_004, T0, port[0], port[1] + dlat(2_900.0), 0.1));
    f.push(ais(642_500_005, T0, port[0] + 0.01, port[1] + dlat(2_900.0), 5.0));
    let visits = f.alerts("port.visit");
    assert_eq!(visits.len(), 1, "only the stopped vessel visits");
    assert_eq!(visits[0].zone.as_deref(), Some("port.zawiya"));
    f.push(ais(642_500_004, T0 + 10 * MINUTE, port[0], port[1] + dlat(3_900.0), 3.0));
    assert_eq!(f.alerts("port.visit")[0].state, AlertState::Open, "3.9 km: still in port");
    f.push(ais(642_500_004, T0 + 20 * MINUTE, port[0], port[1] + dlat(4_100.0), 3.0));
    assert_eq!(f.alerts("port.visit")[0].state, AlertState::Closed, "4.1 km: left");
}

#[test]
fn a_port_visit_begins_within_three_km() {
    let port = zawiya();
    let visits = |metres: f64| {
        let mut f = Feed::default_rules();
        f.push(ais(642_500_015, T0, port[0], port[1] + dlat(metres), 0.1));
        f.alerts("port.visit").len()
    };
    assert_eq!(visits(2_950.0), 1);
    assert_eq!(visits(3_050.0), 0);
}

fn silence(gap: i64, at: (f64, f64)) -> Feed {
    let mut f = Feed::default_rules();
    f.push(ais(642_500_006, T0, at.0, at.1, 8.0));
    f.push(ais(642_500_006, T0 + gap, at.0, at.1 + dlat(1_000.0), 8.0));
    f
}

#[test]
fn ais_disabling_after_twelve_hours_dark_far_offshore() {
    assert!(silence(11 * HOUR + 59 * MINUTE, FAR).alerts("ais.disabling").is_empty());
    assert_eq!(silence(12 * HOUR + MINUTE, FAR).alerts("ais.disabling").len(), 1);
    assert!(silence(12 * HOUR + MINUTE, OFFSHORE).alerts("ais.disabling").is_empty(), "40 nm");
}
