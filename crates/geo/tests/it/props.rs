//! Property tests: no query panics on any coordinates (NaN, infinities, out of range), and no
//! zone definition panics the checks.

use std::sync::OnceLock;

use geo::{Geography, check_zone};
use model::{AgencyId, Marking, Zone, ZoneGeometry, ZoneKind};
use proptest::prelude::*;

fn libya() -> &'static Geography {
    static G: OnceLock<Geography> = OnceLock::new();
    G.get_or_init(|| Geography::libya().expect("shipped geography builds"))
}

fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        -200.0..200.0f64,
        5.0..30.0f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(90.0),
        Just(-180.0),
    ]
}

fn zone(geometry: ZoneGeometry) -> Zone {
    Zone {
        id: "prop".into(),
        name: "prop".into(),
        name_ar: String::new(),
        kind: ZoneKind::User,
        geometry,
        agency: AgencyId::new("JOC"),
        marking: Marking::default(),
        impact: None,
        parent: None,
    }
}

proptest! {
    #[test]
    fn queries_never_panic(lon in coordinate(), lat in coordinate(), metres in any::<f64>()) {
        let g = libya();
        let inside = g.containing(lon, lat);
        if !(lon.is_finite() && lat.is_finite()) {
            prop_assert!(inside.is_empty());
            prop_assert!(g.nearest_crossing(lon, lat).is_none());
            prop_assert!(g.distance_to_coast_m(lon, lat).is_none());
        }
        let _ = g.nearest_border(lon, lat);
        let _ = g.nearest_crossing(lon, lat);
        let _ = g.distance_to_coast_m(lon, lat);
        let _ = g.near_coast(lon, lat, metres);
        let _ = g.surface(lon, lat);
        let _ = g.locate_on_line("section.coast.zuwara", lon, lat);
        let _ = g.section_at("coast.lby", lon);
        let _ = g.nearest_port(lon, lat);
        let _ = g.distance_to_any_coast_m(lon, lat);
        let _ = g.border_crossing([lon, lat], [lat, lon]);
        let _ = g.border_crossing([lon, lat], [11.6, 32.9]);
    }

    /// The pruned scan finds the nearest port and crossing point that measuring every one
    /// finds (the first of equals, in zone order).
    #[test]
    fn the_nearest_port_and_crossing_are_those_a_full_scan_finds(
        lon in 8.0..27.0f64,
        lat in 18.0..36.0f64,
    ) {
        let g = libya();
        for kind in [ZoneKind::Port, ZoneKind::CrossingPoint] {
            let want = g
                .zones()
                .iter()
                .filter(|z| z.kind == kind)
                .filter_map(|z| match z.geometry {
                    ZoneGeometry::Circle { center, .. } => {
                        Some((z.id.as_str(), geo::sphere::haversine_m(center, [lon, lat])))
                    }
                    _ => None,
                })
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let got = if kind == ZoneKind::Port {
                g.nearest_port(lon, lat)
            } else {
                g.nearest_crossing(lon, lat)
            };
            prop_assert_eq!(got.map(|(z, d)| (z.id.as_str(), d)), want);
        }
    }

    /// Whether a port or crossing point lies nearer than a distance is what the nearest one
    /// says, at any distance and at the nearest one's own distance, each side of it.
    #[test]
    fn any_nearer_agrees_with_the_nearest(
        lon in 8.0..27.0f64,
        lat in 18.0..36.0f64,
        metres in 0.0..200_000.0f64,
    ) {
        let g = libya();
        for kind in [ZoneKind::Port, ZoneKind::CrossingPoint] {
            let nearest = g.nearest_of_kind(kind, lon, lat).map(|(_, d)| d);
            let at = nearest.unwrap_or(1.0);
            for m in [metres, at, at * (1.0 + 1e-12), at * (1.0 - 1e-12), at + 1.0, at - 1.0] {
                let want = nearest.is_some_and(|d| d < m);
                prop_assert_eq!(g.any_of_kind_nearer(kind, lon, lat, m), want, "{} m", m);
            }
        }
    }

    /// The distance at a point's cell centre bounds the point's own: it differs by no more
    /// than the distance between them, give or take 0.1 % of it (the measure finds the
    /// nearest point of the coast in a flat frame around the point: up to 0.004 % off over
    /// 20,000 points), which is what lets a fix's first question about the coast be answered
    /// from the cell's.
    #[test]
    fn the_cell_centre_s_coast_distance_bounds_a_point_s(
        lon in 5.0..30.0f64,
        lat in 15.0..38.5f64,
    ) {
        let g = libya();
        let (centre, dc) = g.coast_at_cell(lon, lat).expect("inside the region");
        prop_assert_eq!(Some(dc), g.distance_to_coast_m(centre[0], centre[1]));
        let apart = geo::sphere::haversine_m(centre, [lon, lat]);
        prop_assert!(apart <= 8_000.0, "{apart} m from the centre");
        let d = g.distance_to_coast_m(lon, lat).expect("a distance");
        prop_assert!((d - dc).abs() <= apart * 1.001, "{d} vs {dc} at {apart} m");
    }

    #[test]
    fn a_crossing_point_lies_on_the_border(
        (a, b) in ((9.0..26.0f64, 19.0..34.0f64), (-0.3..0.3f64, -0.3..0.3f64)),
    ) {
        let g = libya();
        let from = [a.0, a.1];
        let to = [a.0 + b.0, a.1 + b.1];
        if let Some(c) = g.border_crossing(from, to) {
            let d = g.nearest_border(c.point[0], c.point[1]).unwrap();
            prop_assert!(d.at.metres < 1.0, "{}", d.at.metres);
        }
    }

    #[test]
    fn distances_are_finite_and_non_negative(lon in 5.0..30.0f64, lat in 15.0..38.5f64) {
        let g = libya();
        let d = g.distance_to_coast_m(lon, lat).unwrap();
        prop_assert!(d.is_finite() && d >= 0.0);
        let b = g.nearest_border(lon, lat).unwrap();
        prop_assert!(b.at.metres.is_finite() && b.at.metres >= 0.0);
        prop_assert!(b.at.metres <= d.max(b.at.metres));
    }

    #[test]
    fn checking_any_polygon_never_panics(
        ring in prop::collection::vec((coordinate(), coordinate()), 0..12),
        close in any::<bool>(),
    ) {
        let mut points: Vec<[f64; 2]> = ring.into_iter().map(|(a, b)| [a, b]).collect();
        if close && let Some(first) = points.first().copied() {
            points.push(first);
        }
        let z = zone(ZoneGeometry::Polygon { rings: vec![points.clone()] });
        if check_zone(&z).is_ok() {
            // A zone that passes the checks builds and answers queries.
            let g = Geography::builder().zones([z]).build().unwrap();
            let _ = g.containing(points[0][0], points[0][1]);
        }
        let _ = check_zone(&zone(ZoneGeometry::LineString { points: points.clone() }));
        if let Some(p) = points.first() {
            let _ = check_zone(&zone(ZoneGeometry::Circle { center: *p, radius_m: p[0] }));
        }
    }
}
