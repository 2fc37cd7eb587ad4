//! Short payloads: a position or static report cut below the length gpsd accepts still carries
//! its leading fields. We decode what is present and put the AIS "not available" value in every
//! field the payload does not reach, so the typed accessors answer `None` for them and JSON
//! prints the raw sentinel, and mark the message `truncated`.

use crate::bits::Bits;
use crate::messages::*;
use crate::text::Text;

/// Shortest payload worth reporting: type, repeat indicator and MMSI.
pub const MIN_BITS: usize = 38;

struct Reader<'a> {
    b: &'a Bits<'a>,
    len: usize,
}

impl Reader<'_> {
    fn u(&self, start: usize, width: u32, na: u32) -> u32 {
        if start + width as usize <= self.len { self.b.u(start, width) } else { na }
    }
    fn s(&self, start: usize, width: u32, na: i32) -> i32 {
        if start + width as usize <= self.len { self.b.s(start, width) } else { na }
    }
    fn flag(&self, start: usize, na: bool) -> bool {
        if start < self.len { self.b.flag(start) } else { na }
    }
    fn text<const N: usize>(&self, start: usize, count: usize) -> Text<N> {
        let present = self.len.saturating_sub(start) / 6;
        Text::decode(self.b, start, count.min(present))
    }
}

const LON_NA: i32 = LON_NOT_AVAILABLE;
const LAT_NA: i32 = LAT_NOT_AVAILABLE;

/// Decode a payload shorter than its type's minimum; `None` for types where a partial message
/// would say nothing useful (binary and control messages), or below [`MIN_BITS`].
pub(crate) fn decode_truncated(b: &Bits<'_>, msg_type: u8) -> Option<Body> {
    let len = b.len();
    if len < MIN_BITS {
        return None;
    }
    let r = Reader { b, len };
    Some(match msg_type {
        1..=3 => Body::Position(PositionReport {
            status: r.u(38, 4, 15) as u8,
            turn: r.s(42, 8, -128) as i8,
            speed: r.u(50, 10, 1023) as u16,
            accuracy: r.flag(60, false),
            lon: r.s(61, 28, LON_NA),
            lat: r.s(89, 27, LAT_NA),
            course: r.u(116, 12, 3600) as u16,
            heading: r.u(128, 9, 511) as u16,
            second: r.u(137, 6, 60) as u8,
            maneuver: r.u(143, 2, 0) as u8,
            raim: r.flag(148, false),
            radio: r.u(149, 19, 0),
        }),
        4 | 11 => Body::BaseStation(BaseStation {
            year: r.u(38, 14, 0) as u16,
            month: r.u(52, 4, 0) as u8,
            day: r.u(56, 5, 0) as u8,
            hour: r.u(61, 5, 24) as u8,
            minute: r.u(66, 6, 60) as u8,
            second: r.u(72, 6, 60) as u8,
            accuracy: r.flag(78, false),
            lon: r.s(79, 28, LON_NA),
            lat: r.s(107, 27, LAT_NA),
            epfd: r.u(134, 4, 0) as u8,
            raim: r.flag(148, false),
            radio: r.u(149, 19, 0),
        }),
        5 => Body::StaticVoyage(StaticVoyage {
            ais_version: r.u(38, 2, 0) as u8,
            imo: r.u(40, 30, 0),
            callsign: r.text(70, 7),
            shipname: r.text(112, 20),
            shiptype: r.u(232, 8, 0) as u8,
            to_bow: r.u(240, 9, 0) as u16,
            to_stern: r.u(249, 9, 0) as u16,
            to_port: r.u(258, 6, 0) as u8,
            to_starboard: r.u(264, 6, 0) as u8,
            epfd: r.u(270, 4, 0) as u8,
            month: r.u(274, 4, 0) as u8,
            day: r.u(278, 5, 0) as u8,
            hour: r.u(283, 5, 24) as u8,
            minute: r.u(288, 6, 60) as u8,
            draught: r.u(294, 8, 0) as u8,
            destination: r.text(302, 20),
            dte: r.u(422, 1, 1) as u8,
        }),
        9 => Body::SarAircraft(SarAircraft {
            alt: r.u(38, 12, 4095) as u16,
            speed: r.u(50, 10, 1023) as u16,
            accuracy: r.flag(60, false),
            lon: r.s(61, 28, LON_NA),
            lat: r.s(89, 27, LAT_NA),
            course: r.u(116, 12, 3600) as u16,
            second: r.u(128, 6, 60) as u8,
            regional: r.u(134, 8, 0) as u8,
            dte: r.u(142, 1, 1) as u8,
            assigned: r.flag(146, false),
            raim: r.flag(147, false),
            radio: r.u(148, 20, 0),
        }),
        18 => Body::ClassB(ClassBPosition {
            reserved: r.u(38, 8, 0) as u8,
            speed: r.u(46, 10, 1023) as u16,
            accuracy: r.flag(56, false),
            lon: r.s(57, 28, LON_NA),
            lat: r.s(85, 27, LAT_NA),
            course: r.u(112, 12, 3600) as u16,
            heading: r.u(124, 9, 511) as u16,
            second: r.u(133, 6, 60) as u8,
            regional: r.u(139, 2, 0) as u8,
            cs: r.flag(141, false),
            display: r.flag(142, false),
            dsc: r.flag(143, false),
            band: r.flag(144, false),
            msg22: r.flag(145, false),
            assigned: r.flag(146, false),
            raim: r.flag(147, false),
            radio: r.u(148, 20, 0),
        }),
        19 => Body::ClassBExtended(ClassBExtended {
            reserved: r.u(38, 8, 0) as u8,
            speed: r.u(46, 10, 1023) as u16,
            accuracy: r.flag(56, false),
            lon: r.s(57, 28, LON_NA),
            lat: r.s(85, 27, LAT_NA),
            course: r.u(112, 12, 3600) as u16,
            heading: r.u(124, 9, 511) as u16,
            second: r.u(133, 6, 60) as u8,
            regional: r.u(139, 4, 0) as u8,
            shipname: r.text(143, 20),
            shiptype: r.u(263, 8, 0) as u8,
            to_bow: r.u(271, 9, 0) as u16,
            to_stern: r.u(280, 9, 0) as u16,
            to_port: r.u(289, 6, 0) as u8,
            to_starboard: r.u(295, 6, 0) as u8,
            epfd: r.u(301, 4, 0) as u8,
            raim: r.flag(305, false),
            dte: r.flag(306, true),
            assigned: r.flag(307, false),
        }),
        21 => Body::AidToNavigation(AidToNavigation {
            aid_type: r.u(38, 5, 0) as u8,
            name: r.text(43, 20),
            accuracy: r.flag(163, false),
            lon: r.s(164, 28, LON_NA),
            lat: r.s(192, 27, LAT_NA),
            to_bow: r.u(219, 9, 0) as u16,
            to_stern: r.u(228, 9, 0) as u16,
            to_port: r.u(237, 6, 0) as u8,
            to_starboard: r.u(243, 6, 0) as u8,
            epfd: r.u(249, 4, 0) as u8,
            second: r.u(253, 6, 60) as u8,
            off_position: r.flag(259, false),
            regional: r.u(260, 8, 0) as u8,
            raim: r.flag(268, false),
            virtual_aid: r.flag(269, false),
            assigned: r.flag(270, false),
        }),
        27 => Body::LongRange(LongRange {
            accuracy: r.flag(38, false),
            raim: r.flag(39, false),
            status: r.u(40, 4, 15) as u8,
            lon: r.s(44, 18, 181 * 600),
            lat: r.s(62, 17, 91 * 600),
            speed: r.u(79, 6, 63) as u8,
            course: r.u(85, 9, 511) as u16,
            gnss: r.flag(94, true),
        }),
        _ => return None,
    })
}
