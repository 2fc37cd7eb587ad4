//! Roads from GeoJSON, and the one question asked of them: is a road within so many metres.

use geo::sphere::M_PER_DEG;
use geo::{Geography, roads_from_geojson};

/// Two desert tracks near the Algerian border: one along 25°N, and a bent one of a
/// MultiLineString further east.
const ROADS: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"highway": "track", "osm_id": 1},
   "geometry": {"type": "LineString", "coordinates": [[10.0, 25.0], [10.2, 25.0]]}},
  {"type": "Feature", "properties": null,
   "geometry": {"type": "MultiLineString", "coordinates": [[[11.0, 25.0], [11.1, 25.1], [11.2, 25.1]]]}}
]}"#;

fn geography() -> Geography {
    let roads = roads_from_geojson("roads.geojson", ROADS).unwrap();
    Geography::builder().roads(roads.lines).build().unwrap()
}

/// A point `metres` north of the first road, halfway along it.
fn north_of_road(metres: f64) -> [f64; 2] {
    [10.1, 25.0 + metres / M_PER_DEG]
}

#[test]
fn a_road_is_near_just_inside_the_distance_and_not_just_outside() {
    let g = geography();
    assert!(g.has_roads());
    let [lon, lat] = north_of_road(99.0);
    assert!(g.near_road(lon, lat, 100.0));
    let [lon, lat] = north_of_road(101.0);
    assert!(!g.near_road(lon, lat, 100.0));
    // On the second part, and past the first road's end (its nearest point is the end).
    assert!(g.near_road(11.15, 25.1 + 50.0 / M_PER_DEG, 100.0));
    assert!(!g.near_road(10.2 + 150.0 / (M_PER_DEG * 25f64.to_radians().cos()), 25.0, 100.0));
    assert!(g.near_road(10.2 + 50.0 / (M_PER_DEG * 25f64.to_radians().cos()), 25.0, 100.0));
}

#[test]
fn without_roads_or_with_a_bad_point_nothing_is_near() {
    let g = Geography::libya().unwrap();
    assert!(!g.has_roads());
    assert!(!g.near_road(10.1, 25.0, 1e6));
    let g = geography();
    for (lon, lat) in [(f64::NAN, 25.0), (10.1, f64::INFINITY), (10.1, 95.0), (200.0, 25.0)] {
        assert!(!g.near_road(lon, lat, 1e6), "{lon} {lat}");
    }
    assert!(!g.near_road(10.1, 25.0, f64::NAN));
}

#[test]
fn a_bad_road_handed_to_the_builder_is_an_error_naming_it_not_a_panic() {
    let good = vec![[10.0, 25.0], [10.2, 25.0]];
    for (bad, says) in [
        (vec![[10.0, 25.0], [f64::NAN, 25.0]], "coordinate 1"),
        (vec![[10.0, 25.0], [10.0, 95.0]], "coordinate 1"),
        (vec![[10.0, 25.0], [10.0, 25.0]], "2 distinct points"),
        (vec![], "2 distinct points"),
    ] {
        let err = Geography::builder().roads([good.clone(), bad]).build().unwrap_err();
        let err = err.to_string();
        assert!(err.contains("road 1") && err.contains(says), "{err}");
    }
}

#[test]
fn a_clone_keeps_its_roads() {
    let g = geography().clone();
    let [lon, lat] = north_of_road(10.0);
    assert!(g.near_road(lon, lat, 100.0));
}
