//! Observations: one report from one source about one object at one time, and their validation.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{AgencyId, Marking, Name, Time};

/// The kind of sensor or channel an observation came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Ais,
    Radar,
    Cot,
    Sensor,
    Manual,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Ais => "ais",
            SourceKind::Radar => "radar",
            SourceKind::Cot => "cot",
            SourceKind::Sensor => "sensor",
            SourceKind::Manual => "manual",
        }
    }
}

/// A set of source kinds in one byte (a track's: which kinds of sensor contributed), iterated
/// in [`SourceKind`] order and serialized as that sequence, like the sorted set it replaced.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SourceKinds(u8);

impl SourceKinds {
    const ALL: [SourceKind; 5] = [
        SourceKind::Ais,
        SourceKind::Radar,
        SourceKind::Cot,
        SourceKind::Sensor,
        SourceKind::Manual,
    ];

    fn bit(kind: SourceKind) -> u8 {
        1 << kind as u8
    }

    pub fn contains(&self, kind: &SourceKind) -> bool {
        self.0 & SourceKinds::bit(*kind) != 0
    }

    /// Adds `kind`; false if it was there already.
    pub fn insert(&mut self, kind: SourceKind) -> bool {
        let had = self.contains(&kind);
        self.0 |= SourceKinds::bit(kind);
        !had
    }

    pub fn iter(&self) -> SourceKindsIter {
        SourceKindsIter { bits: self.0, next: 0 }
    }

    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Whether every kind in the set is `kind` (true of the empty set, like `iter().all`):
    /// one test of the bits where a loop over them costs a branch a kind.
    pub fn all_are(&self, kind: SourceKind) -> bool {
        self.0 & !SourceKinds::bit(kind) == 0
    }
}

impl fmt::Debug for SourceKinds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<SourceKind> for SourceKinds {
    fn from_iter<I: IntoIterator<Item = SourceKind>>(iter: I) -> SourceKinds {
        let mut set = SourceKinds::default();
        set.extend(iter);
        set
    }
}

impl<const N: usize> From<[SourceKind; N]> for SourceKinds {
    fn from(kinds: [SourceKind; N]) -> SourceKinds {
        kinds.into_iter().collect()
    }
}

impl Extend<SourceKind> for SourceKinds {
    fn extend<I: IntoIterator<Item = SourceKind>>(&mut self, iter: I) {
        for kind in iter {
            self.insert(kind);
        }
    }
}

impl IntoIterator for SourceKinds {
    type Item = SourceKind;
    type IntoIter = SourceKindsIter;

    fn into_iter(self) -> SourceKindsIter {
        self.iter()
    }
}

/// The members of a [`SourceKinds`], in order.
#[derive(Clone, Debug)]
pub struct SourceKindsIter {
    bits: u8,
    next: usize,
}

impl Iterator for SourceKindsIter {
    type Item = SourceKind;

    fn next(&mut self) -> Option<SourceKind> {
        while let Some(&kind) = SourceKinds::ALL.get(self.next) {
            self.next += 1;
            if self.bits & SourceKinds::bit(kind) != 0 {
                return Some(kind);
            }
        }
        None
    }
}

impl Serialize for SourceKinds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for SourceKinds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SourceKinds, D::Error> {
        Ok(Vec::<SourceKind>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// What the observed object is, as far as the source can tell.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Vessel,
    Vehicle,
    Aircraft,
    Person,
    #[default]
    Unknown,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Vessel => "vessel",
            ObjectKind::Vehicle => "vehicle",
            ObjectKind::Aircraft => "aircraft",
            ObjectKind::Person => "person",
            ObjectKind::Unknown => "unknown",
        }
    }
}

/// A WGS84 position. `lon`/`lat` in degrees, `alt_m` above the ellipsoid, `accuracy_m` the
/// source's stated horizontal uncertainty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub lon: f64,
    pub lat: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_m: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

/// Whatever identifies the object: any subset may be present. Names are `Box<str>` (16 bytes,
/// not a `String`'s 24: every track holds one of these), read and written as strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callsign: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cot_uid: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate: Option<Name>,
    /// The source's own track number (radar track id, sensor target id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_track: Option<Name>,
    /// AIS ship and cargo type (ITU-R M.1371 table 53, 1–99) from static data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_type: Option<u8>,
    /// Whether the MMSI has an ITU-R M.585 structure and, where it carries one, an allocated
    /// MID. Set by AIS sources only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmsi_valid: Option<bool>,
    /// ISO 3166-1 alpha-2 code of the administration the MMSI's MID belongs to (`LY` for 642).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Name>,
    /// The MMSI is a distress beacon's: `sart` (970), `mob` (972) or `epirb` (974).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ais_beacon: Option<Name>,
    /// AIS navigational status of the report (types 1–3, 27); 14 is "AIS-SART active".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nav_status: Option<u8>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        *self == Identity::default()
    }
}

/// One report from one source about one object at one time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The configured source that produced it, e.g. `ais-udp-zuwara`.
    pub source: String,
    pub source_kind: SourceKind,
    /// The owning agency (the source's owner).
    pub agency: AgencyId,
    #[serde(default)]
    pub marking: Marking,
    /// When the object was at `position` (UTC ms).
    pub time: Time,
    pub position: Position,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_mps: Option<f64>,
    /// Course over ground, degrees clockwise from true north.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_deg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading_deg: Option<f64>,
    #[serde(default, skip_serializing_if = "Identity::is_empty")]
    pub identity: Identity,
    #[serde(default)]
    pub kind: ObjectKind,
    /// Produced during an exercise: kept apart from real data end to end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exercise: bool,
}

/// How far from the receiving edge's clock an observation's time may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidationLimits {
    /// Latest acceptable time: `now + max_future_ms`.
    pub max_future_ms: i64,
    /// Earliest acceptable time: `now - max_age_ms`.
    pub max_age_ms: i64,
}

impl Default for ValidationLimits {
    fn default() -> ValidationLimits {
        ValidationLimits {
            max_future_ms: 5 * Time::MS_PER_MINUTE,
            max_age_ms: 7 * Time::MS_PER_DAY,
        }
    }
}

/// Why an observation was refused. The `reason()` strings are metric labels: keep them stable.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ObservationError {
    #[error("latitude {0} is outside -90..=90 or not a number")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..=180 or not a number")]
    Longitude(f64),
    #[error("time {time} is {ahead_ms} ms ahead of the receiver's clock (limit {limit_ms} ms)")]
    FutureTime { time: Time, ahead_ms: i64, limit_ms: i64 },
    #[error("time {time} is {age_ms} ms old (limit {limit_ms} ms)")]
    StaleTime { time: Time, age_ms: i64, limit_ms: i64 },
    #[error("{field} {value} is out of range ({range})")]
    Kinematics { field: &'static str, value: f64, range: &'static str },
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("altitude or accuracy is not a finite number")]
    NotFinite,
}

impl ObservationError {
    /// A short, stable label for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            ObservationError::Latitude(_) => "latitude",
            ObservationError::Longitude(_) => "longitude",
            ObservationError::FutureTime { .. } => "future_time",
            ObservationError::StaleTime { .. } => "stale_time",
            ObservationError::Kinematics { .. } => "kinematics",
            ObservationError::Empty { .. } => "empty_field",
            ObservationError::NotFinite => "not_finite",
        }
    }
}

/// Speeds above this (about Mach 3) are a decoding error, not an aircraft.
const MAX_SPEED_MPS: f64 = 1_000.0;

impl Observation {
    /// Checks what can be checked from the data alone plus the receiving edge's `now`.
    pub fn validate(&self, now: Time, limits: ValidationLimits) -> Result<(), ObservationError> {
        let p = &self.position;
        if !(-90.0..=90.0).contains(&p.lat) {
            return Err(ObservationError::Latitude(p.lat));
        }
        if !(-180.0..=180.0).contains(&p.lon) {
            return Err(ObservationError::Longitude(p.lon));
        }
        if p.alt_m.is_some_and(|v| !v.is_finite())
            || p.accuracy_m.is_some_and(|v| !v.is_finite() || v < 0.0)
        {
            return Err(ObservationError::NotFinite);
        }
        let ahead = self.time.since(now);
        if ahead > limits.max_future_ms {
            return Err(ObservationError::FutureTime {
                time: self.time,
                ahead_ms: ahead,
                limit_ms: limits.max_future_ms,
            });
        }
        // From `now`, not negated: `since` saturates at i64::MIN for a time at the start of
        // time, which has no negation.
        let age = now.since(self.time);
        if age > limits.max_age_ms {
            return Err(ObservationError::StaleTime {
                time: self.time,
                age_ms: age,
                limit_ms: limits.max_age_ms,
            });
        }
        check_range("speed_mps", self.speed_mps, 0.0, MAX_SPEED_MPS, "0..=1000")?;
        check_range("course_deg", self.course_deg, 0.0, 360.0, "0..=360")?;
        check_range("heading_deg", self.heading_deg, 0.0, 360.0, "0..=360")?;
        if self.source.trim().is_empty() {
            return Err(ObservationError::Empty { field: "source" });
        }
        if self.agency.as_str().trim().is_empty() {
            return Err(ObservationError::Empty { field: "agency" });
        }
        Ok(())
    }
}

fn check_range(
    field: &'static str,
    value: Option<f64>,
    min: f64,
    max: f64,
    range: &'static str,
) -> Result<(), ObservationError> {
    match value {
        Some(v) if !(min..=max).contains(&v) => {
            Err(ObservationError::Kinematics { field, value: v, range })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_kinds_read_and_write_as_the_sorted_sequence() {
        use super::{SourceKind, SourceKinds};
        let mut kinds = SourceKinds::from([SourceKind::Radar]);
        assert!(kinds.insert(SourceKind::Ais) && !kinds.insert(SourceKind::Radar));
        assert!(kinds.contains(&SourceKind::Ais) && !kinds.contains(&SourceKind::Cot));
        assert_eq!(kinds.iter().collect::<Vec<_>>(), [SourceKind::Ais, SourceKind::Radar]);
        assert_eq!(serde_json::to_string(&kinds).unwrap(), r#"["ais","radar"]"#);
        let read: SourceKinds = serde_json::from_str(r#"["radar","ais","radar"]"#).unwrap();
        assert_eq!(read, kinds);
        assert_eq!(read.len(), 2);
        assert_eq!(format!("{read:?}"), "{Ais, Radar}");
    }

    #[test]
    fn all_are_is_all_of_the_iteration() {
        use super::{SourceKind, SourceKinds};
        let kinds = [SourceKind::Ais, SourceKind::Radar, SourceKind::Cot, SourceKind::Sensor];
        for bits in 0u8..16 {
            let set: SourceKinds = kinds
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, k)| *k)
                .collect();
            for kind in kinds.into_iter().chain([SourceKind::Manual]) {
                assert_eq!(set.all_are(kind), set.iter().all(|k| k == kind), "{set:?} {kind:?}");
            }
        }
    }

    use super::*;

    fn obs(lon: f64, lat: f64, t: i64) -> Observation {
        Observation {
            source: "radar-zuwara".into(),
            source_kind: SourceKind::Radar,
            agency: AgencyId::new("CGW"),
            marking: Marking::default(),
            time: Time(t),
            position: Position { lon, lat, alt_m: None, accuracy_m: None },
            speed_mps: Some(3.0),
            course_deg: Some(350.0),
            heading_deg: None,
            identity: Identity::default(),
            kind: ObjectKind::Vessel,
            exercise: false,
        }
    }

    #[test]
    fn rejects_out_of_range_and_nan_coordinates() {
        let now = Time(1_700_000_000_000);
        let limits = ValidationLimits::default();
        assert!(obs(12.0, 33.0, now.0).validate(now, limits).is_ok());
        assert_eq!(obs(12.0, 90.5, now.0).validate(now, limits).unwrap_err().reason(), "latitude");
        assert_eq!(
            obs(180.1, 33.0, now.0).validate(now, limits).unwrap_err().reason(),
            "longitude"
        );
        assert_eq!(
            obs(f64::NAN, 33.0, now.0).validate(now, limits).unwrap_err().reason(),
            "longitude"
        );
        assert_eq!(
            obs(12.0, f64::NAN, now.0).validate(now, limits).unwrap_err().reason(),
            "latitude"
        );
    }

    #[test]
    fn rejects_times_beyond_the_limits_but_not_at_them() {
        let now = Time(1_700_000_000_000);
        let limits = ValidationLimits::default();
        assert!(obs(12.0, 33.0, now.0 + limits.max_future_ms).validate(now, limits).is_ok());
        let err =
            obs(12.0, 33.0, now.0 + limits.max_future_ms + 1).validate(now, limits).unwrap_err();
        assert_eq!(err.reason(), "future_time");
        assert!(obs(12.0, 33.0, now.0 - limits.max_age_ms).validate(now, limits).is_ok());
        let err = obs(12.0, 33.0, now.0 - limits.max_age_ms - 1).validate(now, limits).unwrap_err();
        assert_eq!(err.reason(), "stale_time");
    }

    /// The ends of time are refused, not wrapped round: the age of a time at `i64::MIN` has no
    /// negation, and negating it overflowed (a panic in debug builds, in release a dawn-of-time
    /// fix taken for a fresh one).
    #[test]
    fn refuses_the_ends_of_time() {
        let now = Time(1_700_000_000_000);
        let limits = ValidationLimits::default();
        for (t, reason) in [(i64::MIN, "stale_time"), (i64::MIN + 1, "stale_time")] {
            assert_eq!(obs(12.0, 33.0, t).validate(now, limits).unwrap_err().reason(), reason);
        }
        let err = obs(12.0, 33.0, i64::MAX).validate(now, limits).unwrap_err();
        assert_eq!(err.reason(), "future_time");
        let now = Time(i64::MIN);
        assert!(obs(12.0, 33.0, i64::MIN).validate(now, limits).is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"source":"s","source_kind":"radar","agency":"CGW","time":1,
            "position":{"lon":1,"lat":2},"colour":"red"}"#;
        let err = serde_json::from_str::<Observation>(json).unwrap_err().to_string();
        assert!(err.contains("unknown field `colour`"), "{err}");
    }
}
