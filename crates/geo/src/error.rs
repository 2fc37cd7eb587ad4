//! The one error type of the crate: every variant names the zone, section or file at fault.

/// What was wrong with a zone, a section or a data file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeoError {
    #[error("invalid zone id {id:?}: use 1-64 characters a-z, 0-9, '.', '-' or '_'")]
    BadId { id: String },
    #[error("duplicate zone id {id}")]
    DuplicateId { id: String },
    #[error("zone {zone}: no coordinates")]
    Empty { zone: String },
    #[error("zone {zone}: coordinate {index} of ring {ring} is not a finite number")]
    NotFinite { zone: String, ring: usize, index: usize },
    #[error("zone {zone}: coordinate {index} of ring {ring} out of range: lon {lon}, lat {lat}")]
    OutOfRange { zone: String, ring: usize, index: usize, lon: f64, lat: f64 },
    #[error("zone {zone}: ring {ring} is not closed (first point differs from the last)")]
    Unclosed { zone: String, ring: usize },
    #[error("zone {zone}: ring {ring} has {points} distinct points, a ring needs at least 3")]
    TooFewPoints { zone: String, ring: usize, points: usize },
    #[error("zone {zone}: ring {ring} encloses no area")]
    ZeroArea { zone: String, ring: usize },
    #[error("zone {zone}: ring {ring} intersects itself near lon {lon}, lat {lat}")]
    SelfIntersecting { zone: String, ring: usize, lon: f64, lat: f64 },
    #[error("zone {zone}: rings {ring} and {other} cross near lon {lon}, lat {lat}")]
    RingsCross { zone: String, ring: usize, other: usize, lon: f64, lat: f64 },
    #[error(
        "zone {zone}: too complex to check, more than {pairs} pairs of its edges overlap; \
         simplify it or split it into several zones"
    )]
    TooComplex { zone: String, pairs: usize },
    #[error("zone {zone}: ring {ring}, a hole, does not lie inside ring 0, the outer ring")]
    HoleOutside { zone: String, ring: usize },
    #[error("zone {zone}: a line needs at least 2 distinct points")]
    DegenerateLine { zone: String },
    #[error("zone {zone}: radius {radius_m} m must be above 0 and at most {max_m} m")]
    BadRadius { zone: String, radius_m: f64, max_m: f64 },
    #[error("zone {zone}: unsupported geometry {kind}")]
    Unsupported { zone: String, kind: String },
    #[error("zone {zone}: {problem}")]
    BadProperty { zone: String, problem: String },
    #[error("feature {index} of {file}: {problem}")]
    BadFeature { file: String, index: usize, problem: String },
    #[error("road {index}: {problem}")]
    BadRoad { index: usize, problem: String },
    #[error("invalid json in {file}: {message}")]
    Json { file: String, message: String },
    #[error("invalid toml in {file}: {message}")]
    Toml { file: String, message: String },
    #[error("section {section}: {problem}")]
    Section { section: String, problem: String },
    #[error("sections of line {line}: {problem}")]
    Coverage { line: String, problem: String },
}
