//! User zones from GeoJSON and TOML: polygons, lines and circles alongside the shipped zones.

use geo::{Geography, Side, zones_from_geojson, zones_from_toml};
use model::{AgencyId, Severity, ZoneGeometry, ZoneKind};

const GEOJSON: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"id": "patrol.box-1", "name": "Patrol box 1", "name_ar": "منطقة الدورية 1", "colour": "red"},
   "geometry": {"type": "Polygon", "coordinates": [[[12.0, 33.2], [12.4, 33.2], [12.4, 33.5], [12.0, 33.5], [12.0, 33.2]]]}},
  {"type": "Feature", "properties": {"id": "watch.line"},
   "geometry": {"type": "LineString", "coordinates": [[12.0, 33.0], [13.0, 33.0]]}},
  {"type": "Feature", "properties": {"id": "rig.1", "radius_m": 500},
   "geometry": {"type": "Point", "coordinates": [12.5, 33.6, 0.0]}}
]}"#;

const TOML: &str = r#"
[[zone]]
id = "fishing.closed"
name = "Closed fishing area"
name_ar = "منطقة صيد مغلقة"
impact = "high"
polygon = [
  [[14.0, 33.0], [14.5, 33.0], [14.5, 33.5], [14.0, 33.5], [14.0, 33.0]],
  [[14.2, 33.2], [14.3, 33.2], [14.3, 33.3], [14.2, 33.3], [14.2, 33.2]],
]

[[zone]]
id = "buoy"
circle = { center = [14.8, 33.1], radius_m = 1000.0 }
"#;

fn geography() -> Geography {
    let owner = AgencyId::new("CGW");
    let mut zones = zones_from_geojson("user.geojson", GEOJSON, &owner).unwrap();
    zones.extend(zones_from_toml("user.toml", TOML, &owner).unwrap());
    Geography::builder().zones(zones).build().unwrap()
}

fn ids(g: &Geography, lon: f64, lat: f64) -> Vec<String> {
    g.containing(lon, lat).iter().map(|z| z.id.clone()).collect()
}

#[test]
fn geojson_zones() {
    let g = geography();
    let z = g.zone("patrol.box-1").unwrap();
    assert_eq!(
        (z.name.as_str(), z.name_ar.as_str(), z.kind),
        ("Patrol box 1", "منطقة الدورية 1", ZoneKind::User)
    );
    assert_eq!(z.agency, AgencyId::new("CGW"));
    assert!(ids(&g, 12.2, 33.3).contains(&"patrol.box-1".to_string()));
    assert!(!ids(&g, 12.5, 33.3).contains(&"patrol.box-1".to_string()));
    assert_eq!(g.zone("watch.line").unwrap().name, "watch.line");
    assert!(
        matches!(g.zone("rig.1").unwrap().geometry, ZoneGeometry::Circle { radius_m, .. } if radius_m == 500.0)
    );
    // 400 m east of the rig, then 600 m.
    assert!(ids(&g, 12.5 + 0.0043, 33.6).contains(&"rig.1".to_string()));
    assert!(!ids(&g, 12.5 + 0.0065, 33.6).contains(&"rig.1".to_string()));
}

#[test]
fn distance_and_side_of_a_user_line() {
    let g = geography();
    // The line runs east along 33.0 N; 0.01° of latitude is 1112 m.
    let north = g.locate_on_line("watch.line", 12.5, 33.01).unwrap();
    assert!((north.metres - 1112.0).abs() < 2.0, "{}", north.metres);
    assert_eq!(north.side, Side::Left);
    let south = g.locate_on_line("watch.line", 12.5, 32.99).unwrap();
    assert_eq!(south.side, Side::Right);
    assert!((south.along_km - 46.7).abs() < 0.5, "{}", south.along_km);
    // Beyond the end, the distance is to the end point.
    let beyond = g.locate_on_line("watch.line", 13.01, 33.0).unwrap();
    assert!((beyond.metres - 933.0).abs() < 3.0, "{}", beyond.metres);
    assert!(g.locate_on_line("patrol.box-1", 12.5, 33.0).is_none());
    assert!(g.locate_on_line("nope", 12.5, 33.0).is_none());
}

#[test]
fn toml_zones_with_a_hole_and_a_circle() {
    let g = geography();
    assert_eq!(g.zone("fishing.closed").unwrap().impact, Some(Severity::High));
    assert!(ids(&g, 14.1, 33.1).contains(&"fishing.closed".to_string()));
    assert!(!ids(&g, 14.25, 33.25).contains(&"fishing.closed".to_string()));
    assert!(ids(&g, 14.8, 33.105).contains(&"buoy".to_string()));
}

#[test]
fn user_zones_overlap_the_shipped_ones() {
    let g = geography();
    let here = ids(&g, 12.2, 33.25);
    assert!(
        here.contains(&"patrol.box-1".to_string()) && here.contains(&"sea.contiguous".to_string()),
        "{here:?}"
    );
}
