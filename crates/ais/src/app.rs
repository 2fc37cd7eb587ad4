//! Application-specific payloads of binary messages 6 and 8 (DAC/FI), decoded where gpsd
//! decodes them (IMO 236/289 DAC 1, Inland AIS DAC 200, GLA DAC 235/250), raw otherwise.
//! The types live here; their bit layouts are in `app_decode`.
//!
//! Where gpsd deliberately leaves a DAC/FI undecoded (DAC 1 FI 21, 22, 24, 26 in type 8, FI 23
//! in type 6) or rejects it for a length mismatch, we keep the raw `dac`/`fid`/`data` too, so the
//! JSON matches gpsd's field for field.

use crate::text::{BitData, Text};

/// One tidal-window entry (type 6 DAC 1 FI 14 and FI 32).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tidal {
    pub lon: i32,
    pub lat: i32,
    pub from_hour: u8,
    pub from_min: u8,
    pub to_hour: u8,
    pub to_min: u8,
    pub cdir: u16,
    pub cspeed: u16,
}

/// Tidal window (FI 14 under IMO 236, FI 32 under IMO 289).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TidalWindow {
    pub month: u8,
    pub day: u8,
    pub count: u8,
    pub tidals: [Tidal; 11],
}

impl TidalWindow {
    /// The decoded entries.
    pub fn entries(&self) -> &[Tidal] {
        self.tidals.get(..usize::from(self.count)).unwrap_or(&[])
    }
}

/// A route (type 8 FI 27, type 6 FI 28).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Route {
    pub linkage: u16,
    pub sender: u8,
    pub rtype: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub duration: u32,
    pub waycount: u8,
    /// (lon, lat) in 1/10000 minute.
    pub waypoints: [(i32, i32); 31],
}

impl Route {
    /// The waypoints actually announced.
    pub fn points(&self) -> &[(i32, i32)] {
        self.waypoints.get(..usize::from(self.waycount)).unwrap_or(&[])
    }
}

/// Dangerous cargo indication, IMO 236 (type 6 DAC 1 FI 12).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DangerousCargo236 {
    pub lastport: Text<5>,
    pub lmonth: u8,
    pub lday: u8,
    pub lhour: u8,
    pub lminute: u8,
    pub nextport: Text<5>,
    pub nmonth: u8,
    pub nday: u8,
    pub nhour: u8,
    pub nminute: u8,
    pub dangerous: Text<20>,
    pub imdcat: Text<4>,
    pub unid: u16,
    pub amount: u16,
    pub unit: u8,
}

/// Clearance time to enter port (type 6 DAC 1 FI 18).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clearance {
    pub linkage: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub portname: Text<20>,
    pub destination: Text<5>,
    pub lon: i32,
    pub lat: i32,
}

/// Berthing data (type 6 DAC 1 FI 20). `services` are the 26 two-bit service fields in order
/// agent … future2.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Berthing {
    pub linkage: u16,
    pub berth_length: u16,
    pub berth_depth: u8,
    pub position: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub availability: u8,
    pub services: [u8; 26],
    pub berth_name: Text<20>,
    pub berth_lon: i32,
    pub berth_lat: i32,
}

/// Service field names of [`Berthing::services`], in transmission order.
pub const BERTHING_SERVICES: [&str; 26] = [
    "agent",
    "fuel",
    "chandler",
    "stevedore",
    "electrical",
    "water",
    "customs",
    "cartage",
    "crane",
    "lift",
    "medical",
    "navrepair",
    "provisions",
    "shiprepair",
    "surveyor",
    "steam",
    "tugs",
    "solidwaste",
    "liquidwaste",
    "hazardouswaste",
    "ballast",
    "additional",
    "regional1",
    "regional2",
    "future1",
    "future2",
];

/// Dangerous cargo indication, IMO 289 (type 6 DAC 1 FI 25).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DangerousCargo289 {
    pub unit: u8,
    pub amount: u16,
    pub count: u8,
    /// (code, subtype)
    pub cargos: [(u8, u16); 54],
}

/// Inland ETA / RTA at lock, bridge or terminal (type 6 DAC 200 FI 21 and 22).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct InlandEta {
    pub country: Text<2>,
    pub locode: Text<3>,
    pub section: Text<5>,
    pub terminal: Text<5>,
    pub hectometre: Text<5>,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// FI 21: tugs; FI 22: status.
    pub tugs_or_status: u8,
    /// FI 21 only.
    pub airdraught: u16,
}

/// GLA AtoN monitoring data (type 6 DAC 235/250 FI 10).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AtonMonitoring {
    pub ana_int: u16,
    pub ana_ext1: u16,
    pub ana_ext2: u16,
    pub racon: u8,
    pub light: u8,
    pub alarm: bool,
    pub stat_ext: u8,
    pub off_pos: bool,
}

/// Decoded application payload of a type 6 message.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum App6 {
    Raw(BitData),
    InlandEta(InlandEta),
    InlandRta(InlandEta),
    PersonsOnBoardInland { crew: u8, passengers: u16, personnel: u8 },
    AtonMonitoring(AtonMonitoring),
    DangerousCargo236(DangerousCargo236),
    TidalWindow236(TidalWindow),
    AirDraught { airdraught: u16 },
    PersonsOnBoard { persons: u16 },
    Clearance(Clearance),
    Berthing(Berthing),
    DangerousCargo289(DangerousCargo289),
    Route(Route),
    Text { linkage: u16, text: Text<161> },
    TidalWindow289(TidalWindow),
}

/// Type 6: addressed binary message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Binary6 {
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    pub dac: u16,
    pub fid: u8,
    pub app: App6,
}

/// Meteorological and hydrological data (type 8 DAC 1 FI 11 under IMO 236, FI 31 under
/// IMO 289). Raw values; FI 11 temperatures are offset-coded, FI 31 ones are signed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MetHydro {
    pub lon: i32,
    pub lat: i32,
    /// FI 31 only.
    pub accuracy: bool,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub wspeed: u16,
    pub wgust: u16,
    pub wdir: u16,
    pub wgustdir: u16,
    pub airtemp: i32,
    pub humidity: u16,
    pub dewpoint: i32,
    pub pressure: u16,
    pub pressuretend: u8,
    /// FI 31 only.
    pub visgreater: bool,
    pub visibility: u16,
    pub waterlevel: i32,
    pub leveltrend: u8,
    pub cspeed: u16,
    pub cdir: u16,
    pub cspeed2: u16,
    pub cdir2: u16,
    pub cdepth2: u16,
    pub cspeed3: u16,
    pub cdir3: u16,
    pub cdepth3: u16,
    pub waveheight: u16,
    pub waveperiod: u16,
    pub wavedir: u16,
    pub swellheight: u16,
    pub swellperiod: u16,
    pub swelldir: u16,
    pub seastate: u8,
    pub watertemp: i32,
    pub preciptype: u8,
    pub salinity: u16,
    pub ice: u8,
}

/// Fairway closed (type 8 DAC 1 FI 13).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FairwayClosed {
    pub reason: Text<20>,
    pub closefrom: Text<20>,
    pub closeto: Text<20>,
    pub radius: u16,
    pub extunit: u8,
    pub fday: u8,
    pub fmonth: u8,
    pub fhour: u8,
    pub fminute: u8,
    pub tday: u8,
    pub tmonth: u8,
    pub thour: u8,
    pub tminute: u8,
}

/// One VTS target (type 8 DAC 1 FI 17).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VtsTarget {
    pub idtype: u8,
    /// MMSI or IMO number (idtype 0 or 1).
    pub id_number: u64,
    /// Call sign or other id (idtype 2 or 3).
    pub id_text: Text<7>,
    pub lat: i32,
    pub lon: i32,
    pub course: u16,
    pub second: u8,
    pub speed: u16,
}

/// VTS-generated targets (type 8 DAC 1 FI 17).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VtsTargets {
    pub count: u8,
    pub targets: [VtsTarget; 8],
}

/// Marine traffic signal (type 8 DAC 1 FI 19).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrafficSignal {
    pub linkage: u16,
    pub station: Text<20>,
    pub lon: i32,
    pub lat: i32,
    pub status: u8,
    pub signal: u8,
    pub hour: u8,
    pub minute: u8,
    pub nextsignal: u8,
}

/// Inland ship static and voyage data (type 8 DAC 200 FI 10).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct InlandStatic {
    pub vin: Text<8>,
    pub length: u16,
    pub beam: u16,
    pub shiptype: u16,
    pub hazard: u8,
    pub draught: u16,
    pub loaded: u8,
    pub speed_q: bool,
    pub course_q: bool,
    pub heading_q: bool,
}

/// EMMA weather warning (type 8 DAC 200 FI 23).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EmmaWarning {
    pub start_year: u8,
    pub start_month: u8,
    pub start_day: u8,
    pub end_year: u8,
    pub end_month: u8,
    pub end_day: u8,
    pub start_hour: u8,
    pub start_minute: u8,
    pub end_hour: u8,
    pub end_minute: u8,
    pub start_lon: i32,
    pub start_lat: i32,
    pub end_lon: i32,
    pub end_lat: i32,
    pub kind: u8,
    pub min: i32,
    pub max: i32,
    pub intensity: u8,
    pub wind: u8,
}

/// Inland water levels (type 8 DAC 200 FI 24).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WaterLevels {
    pub country: Text<2>,
    pub count: u8,
    /// (gauge id, level)
    pub gauges: [(u16, i32); 4],
}

/// Inland signal status (type 8 DAC 200 FI 40).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SignalStatus {
    pub lon: i32,
    pub lat: i32,
    pub form: u8,
    pub facing: u16,
    pub direction: u8,
    pub status: u32,
}

/// Decoded application payload of a type 8 message.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum App8 {
    Raw(BitData),
    MetHydro236(MetHydro),
    FairwayClosed(FairwayClosed),
    AirDraught { airdraught: u16 },
    PersonsOnBoard { persons: u16 },
    VtsTargets(VtsTargets),
    TrafficSignal(TrafficSignal),
    Route(Route),
    Text { linkage: u16, text: Text<161> },
    MetHydro289(MetHydro),
    InlandStatic(InlandStatic),
    EmmaWarning(EmmaWarning),
    WaterLevels(WaterLevels),
    SignalStatus(SignalStatus),
}

/// Type 8: broadcast binary message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Binary8 {
    pub dac: u16,
    pub fid: u8,
    pub app: App8,
}
