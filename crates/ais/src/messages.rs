//! Typed AIS messages 1–27: raw field values as transmitted, with accessors that turn the
//! "not available" sentinels into `None` and scale to degrees, knots and metres.

use crate::app::{Binary6, Binary8};
use crate::text::{BitData, Text};

/// Longitude sentinel (181° in 1/10000 minute).
pub const LON_NOT_AVAILABLE: i32 = 181 * 600_000;
/// Latitude sentinel (91° in 1/10000 minute).
pub const LAT_NOT_AVAILABLE: i32 = 91 * 600_000;
/// Speed-over-ground sentinel (tenths of a knot).
pub const SPEED_NOT_AVAILABLE: u16 = 1023;
/// Course-over-ground sentinel (tenths of a degree).
pub const COURSE_NOT_AVAILABLE: u16 = 3600;
/// True-heading sentinel (degrees).
pub const HEADING_NOT_AVAILABLE: u16 = 511;
/// Rate-of-turn sentinel.
pub const TURN_NOT_AVAILABLE: i8 = -128;

/// Position in 1/10000 minute, degrees when available.
fn degrees(lon: i32, lat: i32) -> Option<(f64, f64)> {
    if lon == LON_NOT_AVAILABLE || lat == LAT_NOT_AVAILABLE {
        return None;
    }
    let (lon, lat) = (f64::from(lon) / 600_000.0, f64::from(lat) / 600_000.0);
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return None;
    }
    Some((lon, lat))
}

fn knots(speed: u16) -> Option<f64> {
    (speed < SPEED_NOT_AVAILABLE).then(|| f64::from(speed) / 10.0)
}

fn course_deg(course: u16) -> Option<f64> {
    (course < COURSE_NOT_AVAILABLE).then(|| f64::from(course) / 10.0)
}

fn heading_deg(heading: u16) -> Option<u16> {
    (heading < 360).then_some(heading)
}

/// Types 1, 2, 3: Class A position report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PositionReport {
    pub status: u8,
    pub turn: i8,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub heading: u16,
    pub second: u8,
    pub maneuver: u8,
    pub raim: bool,
    pub radio: u32,
}

impl PositionReport {
    /// (longitude, latitude) in degrees, `None` for the 181/91 sentinels or out of range.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
    /// Speed over ground in knots (`None` for 1023).
    pub fn speed_knots(&self) -> Option<f64> {
        knots(self.speed)
    }
    /// Course over ground in degrees (`None` for 3600 and above).
    pub fn course_degrees(&self) -> Option<f64> {
        course_deg(self.course)
    }
    /// True heading in degrees (`None` for 511).
    pub fn heading_degrees(&self) -> Option<u16> {
        heading_deg(self.heading)
    }
    /// Rate of turn indicator (`None` for -128).
    pub fn turn_raw(&self) -> Option<i8> {
        (self.turn != TURN_NOT_AVAILABLE).then_some(self.turn)
    }
    /// Rate of turn in degrees per minute, `None` when not available or beyond the sensor.
    pub fn turn_degrees_per_minute(&self) -> Option<f64> {
        match self.turn {
            -128 | -127 | 127 => None,
            t => {
                let r = f64::from(t) / 4.733;
                Some((r * r).copysign(f64::from(t)))
            }
        }
    }
}

/// Types 4 and 11: base station report / UTC response.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BaseStation {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub epfd: u8,
    pub raim: bool,
    pub radio: u32,
}

impl BaseStation {
    /// (longitude, latitude) in degrees.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
}

/// Type 5: static and voyage related data.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StaticVoyage {
    pub ais_version: u8,
    pub imo: u32,
    pub callsign: Text<7>,
    pub shipname: Text<20>,
    pub shiptype: u8,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub draught: u8,
    pub destination: Text<20>,
    pub dte: u8,
}

impl StaticVoyage {
    /// Draught in metres (`None` for 0).
    pub fn draught_metres(&self) -> Option<f64> {
        (self.draught > 0).then(|| f64::from(self.draught) / 10.0)
    }
    /// Length overall in metres when both bow and stern distances are given.
    pub fn length_metres(&self) -> Option<u16> {
        (self.to_bow > 0 && self.to_stern > 0).then(|| self.to_bow + self.to_stern)
    }
}

/// Types 7 and 13: binary / safety acknowledge.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Acknowledge {
    pub mmsi: [u32; 4],
    pub seqno: [u8; 4],
}

/// Type 9: SAR aircraft position report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SarAircraft {
    pub alt: u16,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub second: u8,
    pub regional: u8,
    pub dte: u8,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

impl SarAircraft {
    /// (longitude, latitude) in degrees.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
    /// Altitude in metres (`None` for 4095).
    pub fn altitude_metres(&self) -> Option<u16> {
        (self.alt < 4095).then_some(self.alt)
    }
}

/// Type 12: addressed safety related message.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SafetyAddressed {
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    pub text: Text<160>,
}

/// Type 15: interrogation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Interrogation {
    pub mmsi1: u32,
    pub type1_1: u8,
    pub offset1_1: u16,
    pub type1_2: u8,
    pub offset1_2: u16,
    pub mmsi2: u32,
    pub type2_1: u8,
    pub offset2_1: u16,
}

/// Type 16: assigned mode command.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AssignedMode {
    pub mmsi1: u32,
    pub offset1: u16,
    pub increment1: u16,
    pub mmsi2: u32,
    pub offset2: u16,
    pub increment2: u16,
}

/// Type 17: DGNSS broadcast binary message.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DgnssBroadcast {
    pub lon: i32,
    pub lat: i32,
    pub data: BitData,
}

/// Type 18: Class B position report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClassBPosition {
    pub reserved: u8,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub heading: u16,
    pub second: u8,
    pub regional: u8,
    pub cs: bool,
    pub display: bool,
    pub dsc: bool,
    pub band: bool,
    pub msg22: bool,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

impl ClassBPosition {
    /// (longitude, latitude) in degrees.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
    /// Speed over ground in knots.
    pub fn speed_knots(&self) -> Option<f64> {
        knots(self.speed)
    }
    /// Course over ground in degrees.
    pub fn course_degrees(&self) -> Option<f64> {
        course_deg(self.course)
    }
    /// True heading in degrees.
    pub fn heading_degrees(&self) -> Option<u16> {
        heading_deg(self.heading)
    }
}

/// Type 19: extended Class B position report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClassBExtended {
    pub reserved: u8,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub heading: u16,
    pub second: u8,
    pub regional: u8,
    pub shipname: Text<20>,
    pub shiptype: u8,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    pub raim: bool,
    pub dte: bool,
    pub assigned: bool,
}

impl ClassBExtended {
    /// (longitude, latitude) in degrees.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
    /// Speed over ground in knots.
    pub fn speed_knots(&self) -> Option<f64> {
        knots(self.speed)
    }
}

/// Type 20: data link management.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DataLinkManagement {
    pub offset: [u16; 4],
    pub number: [u8; 4],
    pub timeout: [u8; 4],
    pub increment: [u16; 4],
}

/// Type 21: aid-to-navigation report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AidToNavigation {
    pub aid_type: u8,
    pub name: Text<34>,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    pub second: u8,
    pub off_position: bool,
    pub regional: u8,
    pub raim: bool,
    pub virtual_aid: bool,
    pub assigned: bool,
}

impl AidToNavigation {
    /// (longitude, latitude) in degrees.
    pub fn position(&self) -> Option<(f64, f64)> {
        degrees(self.lon, self.lat)
    }
}

/// Type 22: channel management.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChannelManagement {
    pub channel_a: u16,
    pub channel_b: u16,
    pub txrx: u8,
    pub power: bool,
    pub addressed: bool,
    /// Area corners in 1/10 minute (broadcast form).
    pub ne_lon: i32,
    pub ne_lat: i32,
    pub sw_lon: i32,
    pub sw_lat: i32,
    /// Destinations (addressed form).
    pub dest1: u32,
    pub dest2: u32,
    pub band_a: bool,
    pub band_b: bool,
    pub zonesize: u8,
}

/// Type 23: group assignment command.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GroupAssignment {
    pub ne_lon: i32,
    pub ne_lat: i32,
    pub sw_lon: i32,
    pub sw_lat: i32,
    pub stationtype: u8,
    pub shiptype: u8,
    pub txrx: u8,
    pub interval: u8,
    pub quiet: u8,
}

/// Type 24 part B: Class B static data (vessel type, vendor, call sign, dimensions).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StaticDataB {
    pub shiptype: u8,
    pub vendorid: Text<7>,
    pub model: u8,
    pub serial: u32,
    pub callsign: Text<7>,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    /// Set instead of the dimensions for auxiliary craft (MMSI 98xxxxxxx).
    pub mothership_mmsi: u32,
}

/// Types 25 and 26: single / multiple slot binary message.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BinarySlot {
    pub addressed: bool,
    pub structured: bool,
    pub dest_mmsi: u32,
    pub app_id: u16,
    pub data: BitData,
    /// Communication state (type 26 only; gpsd prints 0).
    pub radio: u32,
}

/// Type 27: long-range broadcast.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LongRange {
    pub accuracy: bool,
    pub raim: bool,
    pub status: u8,
    /// Longitude in 1/10 minute.
    pub lon: i32,
    /// Latitude in 1/10 minute.
    pub lat: i32,
    pub speed: u8,
    pub course: u16,
    pub gnss: bool,
}

impl LongRange {
    /// (longitude, latitude) in degrees (`None` for the 181/91 sentinels).
    pub fn position(&self) -> Option<(f64, f64)> {
        if self.lon == 181 * 600 || self.lat == 91 * 600 {
            return None;
        }
        Some((f64::from(self.lon) / 600.0, f64::from(self.lat) / 600.0))
    }
    /// Speed in knots (`None` for 63).
    pub fn speed_knots(&self) -> Option<u8> {
        (self.speed < 63).then_some(self.speed)
    }
    /// Course in degrees (`None` for 511).
    pub fn course_degrees(&self) -> Option<u16> {
        (self.course < 360).then_some(self.course)
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::UtcInquiry { dest_mmsi: 0 }
    }
}

/// The body of a decoded message, by type.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // decoded on the stack by design: no heap per message
pub enum Body {
    Position(PositionReport),
    BaseStation(BaseStation),
    StaticVoyage(StaticVoyage),
    BinaryAddressed(Binary6),
    Acknowledge(Acknowledge),
    BinaryBroadcast(Binary8),
    SarAircraft(SarAircraft),
    UtcInquiry { dest_mmsi: u32 },
    SafetyAddressed(SafetyAddressed),
    SafetyBroadcast { text: Text<160> },
    Interrogation(Interrogation),
    AssignedMode(AssignedMode),
    Dgnss(DgnssBroadcast),
    ClassB(ClassBPosition),
    ClassBExtended(ClassBExtended),
    DataLink(DataLinkManagement),
    AidToNavigation(AidToNavigation),
    ChannelManagement(ChannelManagement),
    GroupAssignment(GroupAssignment),
    StaticDataA { shipname: Text<20> },
    StaticDataB(StaticDataB),
    BinarySlot(BinarySlot),
    LongRange(LongRange),
}

/// One decoded AIS message.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Message {
    /// Message type, 1–27.
    pub msg_type: u8,
    /// Repeat indicator.
    pub repeat: u8,
    /// Source MMSI.
    pub mmsi: u32,
    /// Payload length in bits after fill bits were removed.
    pub bit_len: u16,
    /// The payload was shorter than its type requires: fields it did not reach hold their
    /// "not available" value (gpsd drops such messages; we keep what is there).
    pub truncated: bool,
    /// The type-specific fields.
    pub body: Body,
}
