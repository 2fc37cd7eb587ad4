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

/// The roads of a file: its lines, and how many of its features were something else.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoadFile {
    pub lines: Vec<Vec<[f64; 2]>>,
    /// Points and polygons, which a road extract often carries beside its lines (crossings,
    /// car parks): skipped, and counted here for the log.
    pub skipped: usize,
}

/// Reads the roads of a GeoJSON FeatureCollection: every `LineString` and each line of every
/// `MultiLineString`, whatever their properties; other features are skipped and counted. A
/// line with a coordinate that is not a valid longitude and latitude, or with fewer than two
/// distinct points, is an error naming the file and the feature, and so is a file with no
/// line at all (most likely the wrong file).
pub fn roads_from_geojson(file: &str, text: &str) -> Result<RoadFile, GeoError> {
    let mut roads = RoadFile::default();
    for item in geojson::read(file, text)? {
        let lines = match item.shape {
            Shape::Line(points) => vec![points],
            Shape::MultiLine(lines) => lines,
            Shape::Point(_) | Shape::Polygon(_) | Shape::MultiPolygon(_) | Shape::Other(_) => {
                roads.skipped += 1;
                continue;
            }
        };
        for (part, line) in lines.into_iter().enumerate() {
            let line = check_road(&line).map_err(|problem| GeoError::BadFeature {
                file: file.to_string(),
                index: item.index,
                problem: format!("line {part}: {problem}"),
            })?;
            roads.lines.push(line);
        }
    }
    if roads.lines.is_empty() {
        return Err(GeoError::Json {
            file: file.to_string(),
            message: format!(
                "no LineString or MultiLineString among its features ({} skipped)",
                roads.skipped
            ),
        });
    }
    Ok(roads)
}

/// The road without repeated points, if every point is a position on the Earth and at least
/// two are distinct; what is wrong, if not.
pub(crate) fn check_road(line: &[[f64; 2]]) -> Result<Vec<[f64; 2]>, String> {
    if let Some(k) = line.iter().position(|p| !valid_lonlat(*p)) {
        let [lon, lat] = line[k];
        return Err(format!("coordinate {k}: lon {lon}, lat {lat} is not a position on the Earth"));
    }
    let line = dedup(line);
    if line.len() < 2 {
        return Err("a road needs at least 2 distinct points".into());
    }
    Ok(line)
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
    fn lines_and_each_line_of_a_multi_line_are_roads_and_the_rest_is_counted() {
        let text = collection(&[
            &feature(
                r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.1,30.0],[10.1,30.0]]}"#,
            ),
            &feature(r#"{"type":"Point","coordinates":[10.0,30.0]}"#),
            &feature(
                r#"{"type":"MultiLineString","coordinates":[[[11.0,31.0],[11.0,31.1]],[[12.0,31.0],[12.1,31.1],[12.2,31.1]]]}"#,
            ),
            &feature(r#"{"type":"Polygon","coordinates":[[[10,30],[11,30],[11,31],[10,30]]]}"#),
        ]);
        let roads = roads_from_geojson("roads.geojson", &text).unwrap();
        assert_eq!(
            roads.lines,
            vec![
                vec![[10.0, 30.0], [10.1, 30.0]],
                vec![[11.0, 31.0], [11.0, 31.1]],
                vec![[12.0, 31.0], [12.1, 31.1], [12.2, 31.1]],
            ]
        );
        assert_eq!(roads.skipped, 2);
    }

    #[test]
    fn garbage_is_an_error_naming_the_file_and_the_feature() {
        let good = feature(r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.1,30.0]]}"#);
        for (bad, says) in [
            (
                r#"{"type":"LineString","coordinates":[[10.0,30.0],[10.0,30.0]]}"#,
                "2 distinct points",
            ),
            (r#"{"type":"LineString","coordinates":[[10.0,30.0],[190.0,30.0]]}"#, "coordinate 1"),
            (
                r#"{"type":"MultiLineString","coordinates":[[[10,30],[10,31]],[[10,91],[10,30]]]}"#,
                "line 1: coordinate 0",
            ),
            (r#"{"type":"LineString","coordinates":[[10.0,30.0],["a",30.0]]}"#, "two numbers"),
            (r#"{"type":"LineString"}"#, "no coordinates"),
        ] {
            let text = collection(&[&good, &feature(bad)]);
            let err = roads_from_geojson("roads.geojson", &text).unwrap_err().to_string();
            assert!(
                err.contains("feature 1 of roads.geojson") && err.contains(says),
                "{bad}: {err}"
            );
        }
        for text in ["{not json", r#"{"type":"Feature"}"#, &collection(&[])] {
            let err = roads_from_geojson("roads.geojson", text).unwrap_err().to_string();
            assert!(err.contains("roads.geojson"), "{err}");
        }
        let points = collection(&[&feature(r#"{"type":"Point","coordinates":[10.0,30.0]}"#)]);
        let err = roads_from_geojson("roads.geojson", &points).unwrap_err().to_string();
        assert!(err.contains("no LineString") && err.contains("1 skipped"), "{err}");
    }
}
