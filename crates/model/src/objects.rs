//! The objects of the picture: tracks, alerts, incidents, units and zones.
//!
//! Tracks are produced by the engine's fold today; alerts, incidents, units and zones have their
//! shapes here so that every crate agrees on them, and grow as their issues land.

use std::fmt;

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::{AgencyId, Identity, Marking, ObjectKind, Position, SmallSet, SourceKinds, Time};

/// A track's id: stable for the life of the track, derived deterministically from the log.
/// Every track, every change reported about it and the alerts about it hold one, so it is kept
/// inline (the engine's ids, `t` and a sequence number, are far under the 23 bytes a
/// [`SmolStr`] holds without the heap) and a copy costs no allocation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub SmolStr);

impl fmt::Display for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackState {
    Tentative,
    Confirmed,
    Coasting,
    Lost,
}

/// One fix in a track's history.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    pub time: Time,
    pub lon: f64,
    pub lat: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_mps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_deg: Option<f64>,
}

/// Tansiq's fused, continuously updated belief about one moving object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: TrackId,
    pub kind: ObjectKind,
    pub state: TrackState,
    /// The agency whose source first produced the track.
    pub agency: AgencyId,
    /// Combined marking of every contributing observation (see [`Marking::combine`]).
    pub marking: Marking,
    pub identity: Identity,
    /// Every agency whose observations contributed.
    pub contributors: SmallSet<AgencyId>,
    pub sources: SmallSet<Box<str>>,
    pub source_kinds: SourceKinds,
    pub first_time: Time,
    pub last_time: Time,
    pub position: Position,
    pub speed_mps: Option<f64>,
    pub course_deg: Option<f64>,
    pub heading_deg: Option<f64>,
    pub observations: u64,
    pub exercise: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Open,
    Acknowledged,
    Closed,
}

/// A rule fired on a track or a zone; one alert per episode of the condition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: String,
    /// Stable rule id, e.g. `zone.entry` or `ais.gap`.
    pub rule: String,
    pub severity: Severity,
    pub state: AlertState,
    pub agency: AgencyId,
    pub marking: Marking,
    pub tracks: Vec<TrackId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub first_time: Time,
    pub last_time: Time,
    /// The positions that made the rule fire.
    pub evidence: Vec<TrackPoint>,
    pub exercise: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    Reported,
    Verified,
    Assigned,
    Responding,
    OnScene,
    Resolved,
    Closed,
    Dismissed,
}

/// A case that people work on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    /// Code from the shared taxonomy, e.g. `sar.distress`.
    pub category: String,
    pub title: String,
    pub state: IncidentState,
    pub originator: AgencyId,
    pub owner: AgencyId,
    pub marking: Marking,
    pub opened: Time,
    pub exercise: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Boat,
    Vehicle,
    Aircraft,
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Available,
    Tasked,
    EnRoute,
    OnScene,
    OutOfService,
}

/// A patrol boat, vehicle, aircraft or post that can be tasked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub agency: AgencyId,
    pub kind: UnitKind,
    pub status: UnitStatus,
    pub marking: Marking,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    LandBorder,
    BorderSection,
    CrossingPoint,
    Port,
    TerritorialSea,
    ContiguousZone,
    User,
    /// A state's coastline, as a line (the sea-side counterpart of `LandBorder`).
    Coast,
}

/// A zone's shape, in WGS84 `[lon, lat]` pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ZoneGeometry {
    /// Exterior ring first, then holes.
    Polygon {
        rings: Vec<Vec<[f64; 2]>>,
    },
    LineString {
        points: Vec<[f64; 2]>,
    },
    Circle {
        center: [f64; 2],
        radius_m: f64,
    },
}

/// A polygon, line or circle with a meaning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub name_ar: String,
    pub kind: ZoneKind,
    pub geometry: ZoneGeometry,
    pub agency: AgencyId,
    pub marking: Marking,
    /// Impact level of a border section (low / medium / high, critical temporarily); it sets
    /// the expected reaction. `Info` is not used for zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Severity>,
    /// The zone this one is part of, e.g. `border.tun` for the section `section.tun.ras-ajdir`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}
