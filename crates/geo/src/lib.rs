//! Tansiq's geography: the zones the rules test positions against, and the few geometric
//! questions they ask.
//!
//! Everything is built once into a [`Geography`] and then only read: Libya's land border per
//! neighbour (`border.tun` …), its coastline (`coast.lby`), the border sections cut from those
//! lines with an impact level (`section.coast.zuwara` …, from the editable
//! `data/region/border_sections.toml`), official crossing points (`bcp.ras-ajdir` …, circles of
//! 2 km) and ports and oil terminals as anchorages (`port.zawiya` …, circles of 3 km), the
//! territorial sea and contiguous zone belts (`sea.territorial`, `sea.contiguous`), and user
//! zones read from GeoJSON or TOML. Each is a plain [`model::Zone`], so the engine, the store
//! and the API all speak the same type; the compiled shapes stay private here. Roads, read
//! from GeoJSON (none shipped), are kept apart: they are not zones (see [`roads_from_geojson`]).
//!
//! The crate is pure: the shipped data is embedded with `include_str!` (the binary works from
//! any directory) and nothing reads a file, the network or the clock. Bad zones and roads are
//! refused at build time with an error naming the zone or the road; queries never panic and
//! answer an invalid position (NaN, out of range) with "nothing" rather than an error, because
//! a bad fix must not stop the watch.
//!
//! Geometry is deliberately simple: point-in-polygon in lon/lat (the shipped belts have edges
//! of a few hundred metres, so the straight-edge error is metres), circles and distances by
//! haversine on the mean Earth radius, closest points on segments in a local equirectangular
//! frame (see [`sphere`]). We do not depend on the `geo` crate of crates.io: the handful of
//! primitives needed fit in a few hundred lines, build fast, and this crate keeps the
//! workspace's `geo` name.

mod builtin;
mod error;
mod geojson;
mod grid;
mod index;
mod roads;
mod shape;
pub mod sphere;
pub mod thin;
mod user;
mod validate;

pub use builtin::{BORDER_SECTIONS, COAST_ID, END_SLACK_KM};
pub use error::GeoError;
pub use index::{
    BorderCrossing, BorderFix, DEFAULT_CROSSING_RADIUS_M, DEFAULT_PORT_RADIUS_M, Geography,
    GeographyBuilder, Options, REGION, Surface,
};
pub use roads::{RoadFile, roads_from_geojson};
pub use shape::{LineDistance, Side};
pub use user::{zones_from_geojson, zones_from_toml};
pub use validate::{MAX_RADIUS_M, check_zone};
