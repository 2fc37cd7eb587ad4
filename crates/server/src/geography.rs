//! The `[geography]` table: the shipped Libya zones, their options, edited border sections and
//! user zones from files, built into the one `Geography` the engine folds against.
//!
//! ```toml
//! [geography]
//! crossing_radius_m = 2000          # radius of an official crossing point
//! port_radius_m = 3000              # radius of a port or terminal anchorage
//! sections = "border_sections.toml" # replaces the shipped sections (impact levels, names)
//! zones = ["zones/watch.geojson", "zones/anchorages.toml"]
//! roads = ["roads/libya.geojson"]   # LineStrings: a convoy is a group off these
//! ```
//!
//! Roads are GeoJSON lines of any properties, an extract of OpenStreetMap's roads and tracks
//! for instance (its points and polygons are skipped and counted in the log); none is
//! shipped, and without them every land position is off-road.
//! Relative paths are read from the config file's folder. The geography is part of what makes
//! the fold reproducible, so a replay must use the same files.

use std::path::{Path, PathBuf};

use engine::geo::{self, GeoError, Geography, Options};
use model::AgencyId;
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeographyConfig {
    /// Agency that owns the shipped zones and the user zones read here.
    pub owner: AgencyId,
    pub crossing_radius_m: f64,
    pub port_radius_m: f64,
    /// A TOML file of border sections that replaces the shipped one.
    pub sections: Option<PathBuf>,
    /// GeoJSON (`.geojson`, `.json`) or TOML (`.toml`) files of user zones.
    pub zones: Vec<PathBuf>,
    /// GeoJSON files of roads (see [`geo::roads_from_geojson`]).
    pub roads: Vec<PathBuf>,
}

impl Default for GeographyConfig {
    fn default() -> GeographyConfig {
        let options = Options::default();
        GeographyConfig {
            owner: options.owner,
            crossing_radius_m: options.crossing_radius_m,
            port_radius_m: options.port_radius_m,
            sections: None,
            zones: Vec::new(),
            roads: Vec::new(),
        }
    }
}

/// Why the configured geography could not be built; names the file or the zone.
#[derive(Debug, thiserror::Error)]
pub enum GeographyError {
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: zone files end in .geojson, .json or .toml")]
    Extension { path: PathBuf },
    #[error("{path}: road files are GeoJSON and end in .geojson or .json")]
    RoadExtension { path: PathBuf },
    #[error("{0}")]
    Geo(#[from] GeoError),
}

impl GeographyConfig {
    /// Reads the files (relative to `base`) and builds the indexed geography.
    pub fn build(&self, base: &Path) -> Result<Geography, GeographyError> {
        let options = Options {
            owner: self.owner.clone(),
            crossing_radius_m: self.crossing_radius_m,
            port_radius_m: self.port_radius_m,
        };
        let mut builder = Geography::builder().options(options);
        if let Some(path) = &self.sections {
            let (name, text) = read(base, path)?;
            builder = builder.sections_toml(&name, &text);
        }
        for path in &self.zones {
            let (name, text) = read(base, path)?;
            let zones = match path.extension().and_then(|e| e.to_str()) {
                Some("geojson" | "json") => geo::zones_from_geojson(&name, &text, &self.owner)?,
                Some("toml") => geo::zones_from_toml(&name, &text, &self.owner)?,
                _ => return Err(GeographyError::Extension { path: path.clone() }),
            };
            builder = builder.zones(zones);
        }
        for path in &self.roads {
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("geojson" | "json")) {
                return Err(GeographyError::RoadExtension { path: path.clone() });
            }
            let (name, text) = read(base, path)?;
            let roads = geo::roads_from_geojson(&name, &text)?;
            tracing::info!(
                file = %name,
                lines = roads.lines.len(),
                skipped = roads.skipped,
                "roads read (features that are not lines skipped)"
            );
            builder = builder.roads(roads.lines);
        }
        Ok(builder.build()?)
    }
}

fn read(base: &Path, path: &Path) -> Result<(String, String), GeographyError> {
    let full = base.join(path);
    let text = std::fs::read_to_string(&full)
        .map_err(|e| GeographyError::Read { path: full.clone(), message: e.to_string() })?;
    Ok((path.display().to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn user_zones_from_both_formats_join_the_shipped_ones() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "watch.toml",
            "[[zone]]\nid = \"watch.zuwara\"\nname = \"Zuwara watch box\"\nname_ar = \"مربع مراقبة زوارة\"\npolygon = [[[12.0, 32.9], [12.3, 32.9], [12.3, 33.1], [12.0, 33.1], [12.0, 32.9]]]\n",
        );
        write(
            dir.path(),
            "points.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"anchorage.x","radius_m":1500},"geometry":{"type":"Point","coordinates":[13.1,32.95]}}]}"#,
        );
        let config = GeographyConfig {
            zones: vec!["watch.toml".into(), "points.geojson".into()],
            ..GeographyConfig::default()
        };
        let geo = config.build(dir.path()).unwrap();
        assert!(geo.zone("watch.zuwara").is_some());
        assert!(geo.zone("anchorage.x").is_some());
        assert!(geo.zone(geo::COAST_ID).is_some(), "the shipped zones stay");
        let inside: Vec<_> = geo.containing(12.1, 33.0).iter().map(|z| z.id.clone()).collect();
        assert!(inside.contains(&"watch.zuwara".to_string()), "{inside:?}");
    }

    #[test]
    fn roads_from_a_file_reach_the_geography_and_a_bad_one_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "roads.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"track"},"geometry":{"type":"LineString","coordinates":[[14.0,26.0],[14.0,26.5]]}}]}"#,
        );
        let config =
            GeographyConfig { roads: vec!["roads.geojson".into()], ..GeographyConfig::default() };
        let geo = config.build(dir.path()).unwrap();
        assert!(geo.near_road(14.0005, 26.2, 100.0));
        assert!(!geo.near_road(14.01, 26.2, 100.0));

        write(
            dir.path(),
            "bad.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[14.0,26.0]}}]}"#,
        );
        let config =
            GeographyConfig { roads: vec!["bad.geojson".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("bad.geojson") && err.contains("no LineString"), "{err}");
        let config =
            GeographyConfig { roads: vec!["roads.toml".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("roads.toml") && err.contains("GeoJSON"), "{err}");
        let config =
            GeographyConfig { roads: vec!["missing.geojson".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("missing.geojson"), "{err}");
    }

    #[test]
    fn a_bad_zone_is_an_error_naming_the_zone() {
        let dir = tempfile::tempdir().unwrap();
        // A bow tie: the ring crosses itself.
        write(
            dir.path(),
            "bad.toml",
            "[[zone]]\nid = \"watch.bowtie\"\npolygon = [[[12.0, 32.0], [12.2, 32.2], [12.2, 32.0], [12.0, 32.2], [12.0, 32.0]]]\n",
        );
        let config =
            GeographyConfig { zones: vec!["bad.toml".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("watch.bowtie") && err.contains("intersects itself"), "{err}");

        write(
            dir.path(),
            "open.toml",
            "[[zone]]\nid = \"watch.open\"\npolygon = [[[12.0, 32.0], [12.2, 32.2], [12.2, 32.0]]]\n",
        );
        let config =
            GeographyConfig { zones: vec!["open.toml".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("watch.open"), "{err}");

        let config =
            GeographyConfig { zones: vec!["missing.toml".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("missing.toml"), "{err}");

        write(dir.path(), "zones.kml", "<kml/>");
        let config =
            GeographyConfig { zones: vec!["zones.kml".into()], ..GeographyConfig::default() };
        let err = config.build(dir.path()).unwrap_err().to_string();
        assert!(err.contains("zones.kml"), "{err}");
    }

    #[test]
    fn edited_sections_replace_the_shipped_ones() {
        let dir = tempfile::tempdir().unwrap();
        let edited =
            geo::BORDER_SECTIONS.replacen("impact = \"", "impact = \"critical\" # was \"", 1);
        write(dir.path(), "sections.toml", &edited);
        let config = GeographyConfig {
            sections: Some("sections.toml".into()),
            ..GeographyConfig::default()
        };
        let geo = config.build(dir.path()).unwrap();
        let shipped = Geography::libya().unwrap();
        let changed =
            geo.zones().iter().zip(shipped.zones()).filter(|(a, b)| a.impact != b.impact).count();
        assert_eq!(changed, 1, "exactly the edited section's impact differs");
    }
}
