//! Facts about the shipped Libya geography that can be reasoned about from a map.

use geo::{Geography, Options, Side, Surface};
use model::{Severity, ZoneKind};

const NM: f64 = 1852.0;

fn libya() -> Geography {
    Geography::libya().expect("shipped geography builds")
}

fn ids(g: &Geography, lon: f64, lat: f64) -> Vec<String> {
    g.containing(lon, lat).iter().map(|z| z.id.clone()).collect()
}

#[test]
fn stable_ids_of_the_shipped_zones() {
    let g = libya();
    for id in [
        "border.tun",
        "border.dza",
        "border.ner",
        "border.tcd",
        "border.sdn",
        "border.egy",
        "coast.lby",
        "section.coast.zuwara",
        "section.tun.ras-ajdir",
        "bcp.ras-ajdir",
        "bcp.dehiba-wazin",
        "bcp.ghadames-debdeb",
        "bcp.isayen",
        "bcp.tummo",
        "bcp.emsaed",
        "port.zawiya",
        "port.zuwara",
        "port.tripoli",
        "port.es-sider",
        "sea.territorial",
        "sea.contiguous",
    ] {
        assert!(g.zone(id).is_some(), "missing zone {id}");
    }
    assert_eq!(g.zones().iter().filter(|z| z.kind == ZoneKind::Port).count(), 13);
    assert_eq!(g.zones().iter().filter(|z| z.kind == ZoneKind::CrossingPoint).count(), 6);
}

#[test]
fn off_zuwara_territorial_sea_then_contiguous_zone_then_neither() {
    let g = libya();
    // Due north of Zuwara; the coast runs east-west here.
    let cases = [(33.03, 5.0, "sea.territorial"), (33.30, 18.0, "sea.contiguous")];
    for (lat, nm, zone) in cases {
        let d = g.distance_to_coast_m(12.12, lat).unwrap() / NM;
        assert!((d - nm).abs() < 1.0, "{lat}: {d} nm from the coast");
        assert_eq!(ids(&g, 12.12, lat), vec![zone.to_string()], "{lat}");
        assert_eq!(g.surface(12.12, lat), Surface::Sea);
    }
    let d = g.distance_to_coast_m(12.12, 33.53).unwrap() / NM;
    assert!((d - 30.0).abs() < 1.0, "{d}");
    assert!(ids(&g, 12.12, 33.53).is_empty());
    assert!(g.near_coast(12.12, 33.03, 12.0 * NM));
    assert!(!g.near_coast(12.12, 33.53, 24.0 * NM));
}

#[test]
fn zuwara_harbour_is_on_land_in_the_port_zone_and_the_zuwara_section() {
    let g = libya();
    let (lon, lat) = (12.11667, 32.91667);
    assert_eq!(ids(&g, lon, lat), vec!["port.zuwara".to_string()]);
    let at = g.locate_on_line("coast.lby", lon, lat).unwrap();
    assert!(at.metres < 2_000.0, "{}", at.metres);
    let section = g.section_at("coast.lby", at.along_km).unwrap();
    assert_eq!(section.id, "section.coast.zuwara");
    assert_eq!(section.impact, Some(Severity::High));
    assert_eq!(section.parent.as_deref(), Some("coast.lby"));
}

#[test]
fn near_tummo_within_two_km_of_the_crossing() {
    let g = libya();
    // The cited locality of the Tummo post, 1.6 km from the snapped crossing point.
    let (zone, d) = g.nearest_crossing(14.05, 22.767).unwrap();
    assert_eq!(zone.id, "bcp.tummo");
    assert!(d < 2_000.0, "{d}");
    assert!(ids(&g, 14.05, 22.767).contains(&"bcp.tummo".to_string()));
    let fix = g.nearest_border(14.05, 22.767).unwrap();
    assert_eq!(fix.border.id, "border.ner");
    assert_eq!(fix.section.map(|s| s.id.as_str()), Some("section.ner.tummo"));
    // 2.6 km from the crossing: outside its default radius, inside a 5 km one.
    let (_, d) = g.nearest_crossing(14.06, 22.74).unwrap();
    assert!(d > 2_000.0 && d < 3_000.0, "{d}");
    assert!(!ids(&g, 14.06, 22.74).contains(&"bcp.tummo".to_string()));
    let wide = Geography::builder()
        .options(Options { crossing_radius_m: 5_000.0, ..Options::default() })
        .build()
        .unwrap();
    assert!(ids(&wide, 14.06, 22.74).contains(&"bcp.tummo".to_string()));
}

#[test]
fn two_sides_of_the_tunisian_border() {
    let g = libya();
    // Ben Gardane (Tunisia) and Al Assah (Libya), both near the coastal end of the border.
    let tunisia = g.nearest_border(11.22, 33.14).unwrap();
    let libya = g.nearest_border(11.75, 32.95).unwrap();
    assert_eq!(tunisia.border.id, "border.tun");
    assert_eq!(libya.border.id, "border.tun");
    assert!(!tunisia.in_libya);
    assert!(libya.in_libya);
    assert_ne!(tunisia.at.side, libya.at.side);
    assert_ne!(tunisia.at.side, Side::On);
    assert_eq!(g.surface(11.22, 33.14), Surface::OtherLand);
    assert_eq!(g.surface(11.75, 32.95), Surface::Libya);
}

#[test]
fn surfaces() {
    let g = libya();
    assert_eq!(g.surface(13.18, 32.87), Surface::Libya); // Tripoli
    assert_eq!(g.surface(8.0, 28.0), Surface::OtherLand); // Algerian Sahara
    assert_eq!(g.surface(14.45, 35.88), Surface::OtherLand); // Malta
    assert_eq!(g.surface(15.0, 34.0), Surface::Sea);
    assert_eq!(g.surface(0.0, 0.0), Surface::Unknown);
    assert_eq!(g.surface(f64::NAN, 32.0), Surface::Unknown);
}

#[test]
fn sections_cover_every_line_without_gaps_and_are_50_to_150_km() {
    let g = libya();
    let lines: Vec<_> = g
        .zones()
        .iter()
        .filter(|z| matches!(z.kind, ZoneKind::LandBorder | ZoneKind::Coast))
        .map(|z| z.id.clone())
        .collect();
    assert_eq!(lines.len(), 7);
    let mut count = 0;
    for line in &lines {
        let sections = g.sections(line);
        assert!(!sections.is_empty(), "{line} has no sections");
        let mut at = 0.0;
        for (zone, start, end) in &sections {
            assert!((start - at).abs() < 0.01, "{line}: gap before {} ({at} .. {start})", zone.id);
            let km = end - start;
            assert!((49.9..=150.1).contains(&km), "{}: {km} km", zone.id);
            assert!(zone.id.starts_with("section."), "{}", zone.id);
            assert_ne!(zone.impact, None);
            assert_ne!(zone.name_ar, "");
            at = *end;
            count += 1;
        }
        // The end of the line.
        let model::ZoneGeometry::LineString { points } = &g.zone(line).unwrap().geometry else {
            panic!("{line} is not a line");
        };
        let last = points.last().unwrap();
        let end = g.locate_on_line(line, last[0], last[1]).unwrap().along_km;
        assert!((at - end).abs() < 0.01, "{line}: sections end at {at}, line at {end}");
    }
    assert_eq!(count, 52);
}

#[test]
fn every_point_of_a_border_falls_in_one_of_its_sections() {
    let g = libya();
    for line in ["border.tun", "border.ner", "border.egy", "coast.lby"] {
        let model::ZoneGeometry::LineString { points } = &g.zone(line).unwrap().geometry else {
            panic!("{line} is not a line");
        };
        for p in points {
            let at = g.locate_on_line(line, p[0], p[1]).unwrap();
            assert!(at.metres < 1.0, "{line} {p:?}");
            let section = g.section_at(line, at.along_km).unwrap();
            assert_eq!(section.parent.as_deref(), Some(line));
        }
    }
}

#[test]
fn zones_round_trip_through_json() {
    let g = libya();
    for zone in g.zones() {
        let text = serde_json::to_string(zone).unwrap();
        let back: model::Zone = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, zone);
    }
}

#[test]
fn a_step_across_the_tunisian_border_away_from_the_crossings() {
    let g = libya();
    // From Tunisia into Libya south of Ras Ajdir, about 30 km from the crossing.
    let c = g.border_crossing([11.40, 32.90], [11.60, 32.90]).unwrap();
    assert_eq!(c.border.id, "border.tun");
    assert!(c.into_libya);
    assert_eq!(c.section.map(|s| s.id.as_str()), Some("section.tun.ras-ajdir"));
    let (bcp, d) = c.nearest_bcp.unwrap();
    assert_eq!(bcp.id, "bcp.ras-ajdir");
    assert!(d > 2_000.0, "{d}");
    let back = g.border_crossing([11.60, 32.90], [11.40, 32.90]).unwrap();
    assert!(!back.into_libya);
    assert!((back.point[1] - c.point[1]).abs() < 1e-9);
    // A step inside Libya crosses nothing; NaN crosses nothing.
    assert!(g.border_crossing([13.0, 32.0], [13.1, 32.1]).is_none());
    assert!(g.border_crossing([f64::NAN, 32.0], [13.1, 32.1]).is_none());
}

#[test]
fn crossing_at_tummo_is_at_the_crossing_point() {
    let g = libya();
    // North-south through the Tummo post.
    let c = g.border_crossing([14.0407, 22.70], [14.0407, 22.80]).unwrap();
    assert_eq!(c.border.id, "border.ner");
    assert!(c.into_libya);
    let (bcp, d) = c.nearest_bcp.unwrap();
    assert_eq!(bcp.id, "bcp.tummo");
    assert!(d < 2_000.0, "{d}");
}

#[test]
fn ports_and_offshore_distances() {
    let g = libya();
    let (port, d) = g.nearest_port(12.75, 32.80).unwrap();
    assert_eq!(port.id, "port.zawiya");
    assert!(d < 6_000.0, "{d}");
    // Between Libya and Malta: far from Libya's coast, nearer Malta's.
    let libya_d = g.distance_to_coast_m(14.4, 35.5).unwrap();
    let any_d = g.distance_to_any_coast_m(14.4, 35.5).unwrap();
    assert!(any_d < 60_000.0 && libya_d > 250_000.0, "{any_d} {libya_d}");
    assert!(g.distance_to_any_coast_m(f64::NAN, 1.0).is_none());
}

#[test]
fn near_border_prefilter() {
    let g = libya();
    // The Tummo locality is 1.6 km from the Niger border line.
    assert_eq!(g.near_border(14.05, 22.767, 2_000.0).map(|z| z.id.as_str()), Some("border.ner"));
    assert!(g.near_border(14.05, 22.767, 1_000.0).is_none());
    assert!(g.near_border(13.18, 32.87, 50_000.0).is_none()); // Tripoli
    assert!(g.near_border(f64::NAN, 32.87, 50_000.0).is_none());
    assert!(g.near_border(14.05, 22.767, f64::NAN).is_none());
}

#[test]
fn raising_a_section_to_critical() {
    let mut g = libya();
    g.set_impact("section.coast.zuwara", Severity::Critical).unwrap();
    assert_eq!(g.zone("section.coast.zuwara").unwrap().impact, Some(Severity::Critical));
    let e = g.set_impact("port.zuwara", Severity::High).unwrap_err();
    assert!(e.to_string().contains("port.zuwara"), "{e}");
    assert!(g.set_impact("section.coast.nowhere", Severity::High).is_err());
    assert!(g.set_impact("section.coast.zuwara", Severity::Info).is_err());
}
