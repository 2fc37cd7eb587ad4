//! Text legends gpsd prints next to coded values (`status_text`, `shiptype_text`, …), copied
//! so that our JSON carries the same strings.

pub(crate) fn pick(
    table: &'static [&'static str],
    i: usize,
    invalid: &'static str,
) -> &'static str {
    table.get(i).copied().unwrap_or(invalid)
}

pub(crate) const NAV_STATUS: [&str; 16] = [
    "Under way using engine",
    "At anchor",
    "Not under command",
    "Restricted maneuverability",
    "Constrained by her draught",
    "Moored",
    "Aground",
    "Engaged in fishing",
    "Under way sailing",
    "Reserved for HSC",
    "Reserved for WIG",
    "Power-driven vessel towing astern",
    "Power-driven vessel pushing ahead or towing alongside",
    "Reserved",
    "AIS-SART is active",
    "Not defined",
];

pub(crate) const EPFD: [&str; 16] = [
    "Undefined",
    "GPS",
    "GLONASS",
    "Combined GPS/GLONASS",
    "Loran-C",
    "Chayka",
    "Integrated navigation system",
    "Surveyed",
    "Galileo",
    "Reserved (9)",
    "Reserved (10)",
    "Reserved (11)",
    "Reserved (12)",
    "Reserved (13)",
    "Reserved (14)",
    "Internal GNSS",
];

pub(crate) fn ship_type(n: usize) -> &'static str {
    const RFU: &str = "Reserved for future use";
    match n {
        0 => "Not available",
        1..=19 => RFU,
        20 => "Wing in ground (WIG) - all ships of this type",
        21 => "Wing in ground (WIG) - Hazardous category A",
        22 => "Wing in ground (WIG) - Hazardous category B",
        23 => "Wing in ground (WIG) - Hazardous category C",
        24 => "Wing in ground (WIG) - Hazardous category D",
        25..=29 => "Wing in ground (WIG) - Reserved for future use",
        30 => "Fishing",
        31 => "Towing",
        32 => "Towing: length exceeds 200m or breadth exceeds 25m",
        33 => "Dredging or underwater ops",
        34 => "Diving ops",
        35 => "Military ops",
        36 => "Sailing",
        37 => "Pleasure Craft",
        38 | 39 => "Reserved",
        40..=49 => pick(&HSC, n - 40, "INVALID SHIP TYPE"),
        50 => "Pilot Vessel",
        51 => "Search and Rescue vessel",
        52 => "Tug",
        53 => "Port Tender",
        54 => "Anti-pollution equipment",
        55 => "Law Enforcement",
        56 | 57 => "Spare - Local Vessel",
        58 => "Medical Transport",
        59 => "Ship according to RR Resolution No. 18",
        60..=69 => pick(&PASSENGER, n - 60, "INVALID SHIP TYPE"),
        70..=79 => pick(&CARGO, n - 70, "INVALID SHIP TYPE"),
        80..=89 => pick(&TANKER, n - 80, "INVALID SHIP TYPE"),
        90..=99 => pick(&OTHER, n - 90, "INVALID SHIP TYPE"),
        _ => "INVALID SHIP TYPE",
    }
}

macro_rules! category {
    ($name:ident, $c:literal, $l:literal) => {
        const $name: [&str; 10] = [
            concat!($c, " - all ships of this type"),
            concat!($c, " - Hazardous category A"),
            concat!($c, " - Hazardous category B"),
            concat!($c, " - Hazardous category C"),
            concat!($c, " - Hazardous category D"),
            concat!($c, " - Reserved for future use"),
            concat!($c, " - Reserved for future use"),
            concat!($c, " - Reserved for future use"),
            concat!($c, " - Reserved for future use"),
            concat!($c, " - ", $l),
        ];
    };
}
category!(HSC, "High speed craft (HSC)", "No additional information");
category!(PASSENGER, "Passenger", "No additional information");
category!(CARGO, "Cargo", "No additional information");
category!(TANKER, "Tanker", "No additional information");
category!(OTHER, "Other Type", "no additional information");

pub(crate) const STATION_TYPE: [&str; 16] = [
    "All types of mobiles",
    "Reserved for future use",
    "All types of Class B mobile stations",
    "SAR airborne mobile station",
    "Aid to Navigation station",
    "Class B shipborne mobile station",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Regional use and inland waterways",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
];

pub(crate) const NAVAID_TYPE: [&str; 32] = [
    "Unspecified",
    "Reference point",
    "RACON",
    "Fixed offshore structure",
    "Spare, Reserved for future use.",
    "Light, without sectors",
    "Light, with sectors",
    "Leading Light Front",
    "Leading Light Rear",
    "Beacon, Cardinal N",
    "Beacon, Cardinal E",
    "Beacon, Cardinal S",
    "Beacon, Cardinal W",
    "Beacon, Port hand",
    "Beacon, Starboard hand",
    "Beacon, Preferred Channel port hand",
    "Beacon, Preferred Channel starboard hand",
    "Beacon, Isolated danger",
    "Beacon, Safe water",
    "Beacon, Special mark",
    "Cardinal Mark N",
    "Cardinal Mark E",
    "Cardinal Mark S",
    "Cardinal Mark W",
    "Port hand Mark",
    "Starboard hand Mark",
    "Preferred Channel Port hand",
    "Preferred Channel Starboard hand",
    "Isolated danger",
    "Safe Water",
    "Special Mark",
    "Light Vessel / LANBY / Rigs",
];

pub(crate) const SIGNAL: [&str; 15] = [
    "N/A",
    "Serious emergency – stop or divert according to instructions.",
    "Vessels shall not proceed.",
    "Vessels may proceed. One way traffic.",
    "Vessels may proceed. Two way traffic.",
    "Vessels shall proceed on specific orders only.",
    "Vessels in main channel shall not proceed.",
    "Vessels in main channel shall proceed on specific orders only.",
    "Vessels in main channel shall proceed on specific orders only.",
    "I = \"in-bound\" only acceptable.",
    "O = \"out-bound\" only acceptable.",
    "F = both \"in- and out-bound\" acceptable.",
    "XI = Code will shift to \"I\" in due time.",
    "XO = Code will shift to \"O\" in due time.",
    "X = Vessels shall proceed only on direction.",
];

pub(crate) fn route_type(n: usize) -> &'static str {
    match n {
        0 => "Undefined (default)",
        1 => "Mandatory",
        2 => "Recommended",
        3 => "Alternative",
        4 => "Recommended route through ice",
        5 => "Ship route plan",
        31 => "Cancel route identified by message linkage",
        _ => "Reserved for future use.",
    }
}

pub(crate) const IDTYPES: [&str; 4] = ["mmsi", "imo", "callsign", "other"];
pub(crate) const RACON: [&str; 4] =
    ["No RACON installed", "RACON not monitored", "RACON operational", "RACON ERROR"];
pub(crate) const LIGHT: [&str; 4] =
    ["No light or no monitoring", "Light ON", "Light OFF", "Light ERROR"];
pub(crate) const RTA_STATUS: [&str; 4] =
    ["Operational", "Limited operation", "Out of order", "N/A"];
pub(crate) const POSITION_TYPES: [&str; 8] = [
    "Not available",
    "Port-side to",
    "Starboard-side to",
    "Mediterranean (end-on) mooring",
    "Mooring buoy",
    "Anchorage",
    "Reserved for future use",
    "Reserved for future use",
];
pub(crate) const TRENDS: [&str; 4] = ["steady", "increasing", "decreasing", "N/A"];
pub(crate) const PRECIP: [&str; 8] =
    ["reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice", "snow", "reserved", "N/A"];
pub(crate) const ICE: [&str; 4] = ["no", "yes", "reserved", "N/A"];

/// Inland AIS vessel types: (ERI code, IMO-ish code, legend); gpsd matches either number.
pub(crate) const INLAND_SHIPTYPES: [(u16, u16, &str); 43] = [
    (8000, 99, "Vessel, type unknown"),
    (8010, 79, "Motor freighter"),
    (8020, 89, "Motor tanker"),
    (8021, 80, "Motor tanker, liquid cargo, type N"),
    (8022, 80, "Motor tanker, liquid cargo, type C"),
    (8023, 89, "Motor tanker, dry cargo as if liquid (e.g. cement)"),
    (8030, 79, "Container vessel"),
    (8040, 80, "Gas tanker"),
    (8050, 79, "Motor freighter, tug"),
    (8060, 89, "Motor tanker, tug"),
    (8070, 79, "Motor freighter with one or more ships alongside"),
    (8080, 89, "Motor freighter with tanker"),
    (8090, 79, "Motor freighter pushing one or more freighters"),
    (8100, 89, "Motor freighter pushing at least one tank-ship"),
    (8110, 79, "Tug, freighter"),
    (8120, 89, "Tug, tanker"),
    (8130, 31, "Tug freighter, coupled"),
    (8140, 31, "Tug, freighter/tanker, coupled"),
    (8150, 99, "Freightbarge"),
    (8160, 99, "Tankbarge"),
    (8161, 90, "Tankbarge, liquid cargo, type N"),
    (8162, 90, "Tankbarge, liquid cargo, type C"),
    (8163, 99, "Tankbarge, dry cargo as if liquid (e.g. cement)"),
    (8170, 99, "Freightbarge with containers"),
    (8180, 90, "Tankbarge, gas"),
    (8210, 79, "Pushtow, one cargo barge"),
    (8220, 79, "Pushtow, two cargo barges"),
    (8230, 79, "Pushtow, three cargo barges"),
    (8240, 79, "Pushtow, four cargo barges"),
    (8250, 79, "Pushtow, five cargo barges"),
    (8260, 79, "Pushtow, six cargo barges"),
    (8270, 79, "Pushtow, seven cargo barges"),
    (8280, 79, "Pushtow, eigth cargo barges"),
    (8290, 79, "Pushtow, nine or more barges"),
    (8310, 80, "Pushtow, one tank/gas barge"),
    (8320, 80, "Pushtow, two barges at least one tanker or gas barge"),
    (8330, 80, "Pushtow, three barges at least one tanker or gas barge"),
    (8340, 80, "Pushtow, four barges at least one tanker or gas barge"),
    (8350, 80, "Pushtow, five barges at least one tanker or gas barge"),
    (8360, 80, "Pushtow, six barges at least one tanker or gas barge"),
    (8370, 80, "Pushtow, seven barges at least one tanker or gas barg"),
    (0, 0, "Illegal ship type value."),
    (0, 0, "Illegal ship type value."),
];

pub(crate) fn inland_shiptype(code: u16) -> &'static str {
    INLAND_SHIPTYPES
        .iter()
        .find(|(c, a, _)| *c == code || *a == code || *c == 0)
        .map_or("Illegal ship type value.", |t| t.2)
}

pub(crate) const HAZARD: [&str; 6] = [
    "0 blue cones/lights",
    "1 blue cone/light",
    "2 blue cones/lights",
    "3 blue cones/lights",
    "4 B-Flag",
    "Unknown",
];
pub(crate) const LOADED: [&str; 3] = ["N/A (default)", "Unloaded", "Loaded"];
pub(crate) const EMMA_TYPES: [&str; 10] = [
    "Not Available",
    "Wind",
    "Rain",
    "Snow and ice",
    "Thunderstorm",
    "Fog",
    "Low temperature",
    "High temperature",
    "Flood",
    "Forest Fire",
];
pub(crate) const EMMA_CLASSES: [&str; 3] = ["Slight", "Medium", "Strong"];
pub(crate) const EMMA_WINDS: [&str; 9] = [
    "N/A",
    "North",
    "North East",
    "East",
    "South East",
    "South",
    "South West",
    "West",
    "North West",
];
pub(crate) const DIRECTIONS: [&str; 5] =
    ["Unknown", "Upstream", "Downstream", "To left bank", "To right bank"];
pub(crate) const SIGNAL_STATUS: [&str; 8] = [
    "Unknown",
    "No light",
    "White",
    "Yellow",
    "Green",
    "Red",
    "White flashing",
    "Yellow flashing.",
];
