//! Roads, for the rules that ask whether a land track is on one (a convoy is off-road): lines
//! read from GeoJSON, such as an extract of OpenStreetMap's roads and tracks for the region.
//!
//! Roads are not zones: a region's road network is tens of thousands of lines without names
//! or ids worth listing, so they are kept apart, as one shape with one segment index, and only
//! asked "is there a road within so many metres of this point" ([`crate::Geography::near_road`]).
//! Nothing is shipped: the region data has no roads, and with none configured every land
//! position counts as off-road.

use crate::GeoError;
use crate::geojson::{self, Shape};
use crate::sphere::valid_lonlat;
use crate::validate::dedup;

/// Reads the roads of a GeoJSON FeatureCollection: every `LineString` and each line of every
/// `MultiLineString`, whatever their properties. Anything else, a coordinate that is not a
/// valid longitude and latitude, or a line of fewer than two distinct points is an error
/// naming the file and the feature.
pub fn roads_from_geojson(file: &str, text: &str) -> Result<Vec<Vec<[f64; 2]>>, GeoError> {
    let mut roads = Vec::new();
    for item in geojson::read(file, text)? {
        let bad = |problem: String| GeoError::BadFeature {
            file: file.to_string(),
            index: item.index,
            problem,
        };
        let lines = match item.shape {
            Shape::Line(points) => vec![points],
            Shape::MultiLine(lines) => lines,
            Shape::Point(_) => {
                return Err(bad("a road is a LineString or MultiLineString, not a Point".into()));
            }
            Shape::Polygon(_) | Shape::MultiPolygon(_) => {
                return Err(bad("a road is a LineString or MultiLineString, not a polygon".into()));
            }
            Shape::Other(kind) => {
                return Err(bad(format!("a road is a LineString or MultiLineString, not {kind}")));
            }
        };
        for (part, line) in lines.into_iter().enumerate() {
            if let Some(k) = line.iter().position(|p| !valid_lonlat(*p)) {
                let [lon, lat] = line[k];
                return Err(bad(format!(
                    "line {part}, coordinate {k}: lon {lon}, lat {lat} is not a position on the Earth"
                )));
            }
            let line = dedup(&line);
            if line.len() < 2 {
                return Err(bad(format!("line {part}: a road needs at least 2 distinct points")));
            }
            roads.push(line);
        }
    }
    Ok(roads)
}

#[cfg(test)]
mod tests {
    use super::roads_from_geojson;

    fn collection(features: &[&str]) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
    }

    fn feature(geometry: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{{"highway":"track"}},"geometry":{geometry}}}"#)
    }

    #[test]
    fn lines_and_each_line_of_a_multi_line_are_roads() {
        let text = collection(&[
            &feature(
                r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.1,30.0],[10.1,30.0]]}"#,
            ),
            &feature(
                r#"{"type":"MultiLineString","coordinates":[[[11.0,31.0],[11.0,31.1]],[[12.0,31.0],[12.1,31.1],[12.2,31.1]]]}"#,
            ),
        ]);
        let roads = roads_from_geojson("roads.geojson", &text).unwrap();
        assert_eq!(
            roads,
            vec![
                vec![[10.0, 30.0], [10.1, 30.0]],
                vec![[11.0, 31.0], [11.0, 31.1]],
                vec![[12.0, 31.0], [12.1, 31.1], [12.2, 31.1]],
            ]
        );
        assert_eq!(roads_from_geojson("none.geojson", &collection(&[])).unwrap().len(), 0);
    }

    #[test]
    fn garbage_is_an_error_naming_the_file_and_the_feature() {
        let good = feature(r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.1,30.0]]}"#);
        for (bad, says) in [
            (r#"{"type":"Point","coordinates":[10.0,30.0]}"#, "not a Point"),
            (
                r#"{"type":"Polygon","coordinates":[[[10,30],[11,30],[11,31],[10,30]]]}"#,
                "not a polygon",
            ),
            (
                r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.0,30.0]]}"#,
                "2 distinct points",
            ),
            (r#"{"type":"LineString","coordinates":[[10.0,30.0],[190.0,30.0]]}"#, "coordinate 1"),
            (
                r#"{"type":"MultiLineString","coordinates":[[[10,30],[10,31]],[[10,91],[10,30]]]}"#,
                "line 1, coordinate 0",
            ),
        ] {
            let text = collection(&[&good, &feature(bad)]);
            let err = roads_from_geojson("roads.geojson", &text).unwrap_err().to_string();
            assert!(
                err.contains("feature 1 of roads.geojson") && err.contains(says),
                "{bad}: {err}"
            );
        }
        let err = roads_from_geojson("roads.geojson", "{not json").unwrap_err().to_string();
        assert!(err.contains("roads.geojson"), "{err}");
    }
}
