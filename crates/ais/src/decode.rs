//! Bit layouts of AIS message types 1–27 (ITU-R M.1371-5), with gpsd's length rules so that
//! what we accept and print matches `gpsdecode` field for field.

use crate::app::{Binary6, Binary8};
use crate::app_decode::{decode_app6, decode_app8, end_text};
use crate::bits::Bits;
use crate::messages::*;
use crate::text::{BitData, Text};
use crate::truncated::decode_truncated;

/// Why a complete payload could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The payload is empty.
    #[error("empty ais payload")]
    Empty,
    /// Type 0 or 28–63.
    #[error("unknown ais message type {0}")]
    UnknownType(u8),
    /// Outside the lengths this type may have.
    #[error("ais message type {msg_type} has {bits} bits, outside {min}..={max}")]
    BadLength { msg_type: u8, bits: usize, min: usize, max: usize },
    /// Type 24 with part number 2 or 3.
    #[error("ais message type 24 has invalid part number {0}")]
    BadPart(u8),
}

fn check(msg_type: u8, bits: usize, min: usize, max: usize) -> Result<(), PayloadError> {
    if bits < min || bits > max {
        return Err(PayloadError::BadLength { msg_type, bits, min, max });
    }
    Ok(())
}

fn u8_(b: &Bits<'_>, s: usize, w: u32) -> u8 {
    b.u(s, w) as u8
}
fn u16_(b: &Bits<'_>, s: usize, w: u32) -> u16 {
    b.u(s, w) as u16
}

/// Decode an assembled payload.
pub fn decode(b: &Bits<'_>) -> Result<Message, PayloadError> {
    let mut m = Message::default();
    decode_into(b, &mut m)?;
    Ok(m)
}

/// Decode an assembled payload into `out` (the hot path: no large value is moved).
pub fn decode_into(b: &Bits<'_>, out: &mut Message) -> Result<(), PayloadError> {
    let len = b.len();
    if len == 0 {
        return Err(PayloadError::Empty);
    }
    let msg_type = u8_(b, 0, 6);
    out.truncated = false;
    match decode_body(b, msg_type, len, &mut out.body) {
        Ok(()) => {}
        Err(e @ PayloadError::BadLength { min, .. }) if len < min => {
            out.body = decode_truncated(b, msg_type).ok_or(e)?;
            out.truncated = true;
        }
        Err(e) => return Err(e),
    }
    out.msg_type = msg_type;
    out.repeat = u8_(b, 6, 2);
    out.mmsi = b.u(8, 30);
    out.bit_len = len.min(usize::from(u16::MAX)) as u16;
    Ok(())
}

/// Decode the type-specific fields straight into `out` (each arm assigns in place, so no
/// 300-byte value is built and then copied).
fn decode_body(b: &Bits<'_>, msg_type: u8, len: usize, out: &mut Body) -> Result<(), PayloadError> {
    match msg_type {
        1..=3 => {
            check(msg_type, len, 163, 204)?;
            *out = Body::Position(PositionReport {
                status: u8_(b, 38, 4),
                turn: b.s(42, 8) as i8,
                speed: u16_(b, 50, 10),
                accuracy: b.flag(60),
                lon: b.s(61, 28),
                lat: b.s(89, 27),
                course: u16_(b, 116, 12),
                heading: u16_(b, 128, 9),
                second: u8_(b, 137, 6),
                maneuver: u8_(b, 143, 2),
                raim: b.flag(148),
                radio: if len >= 168 { b.u(149, 19) } else { b.u(149, (len - 149) as u32) },
            })
        }
        4 | 11 => {
            check(msg_type, len, 168, usize::MAX)?;
            *out = Body::BaseStation(BaseStation {
                year: u16_(b, 38, 14),
                month: u8_(b, 52, 4),
                day: u8_(b, 56, 5),
                hour: u8_(b, 61, 5),
                minute: u8_(b, 66, 6),
                second: u8_(b, 72, 6),
                accuracy: b.flag(78),
                lon: b.s(79, 28),
                lat: b.s(107, 27),
                epfd: u8_(b, 134, 4),
                raim: b.flag(148),
                radio: b.u(149, 19),
            })
        }
        5 => {
            // Many transmitters send 420 or 422 bits; gpsd accepts those.
            check(msg_type, len, 420, usize::MAX)?;
            *out = Body::StaticVoyage(StaticVoyage {
                ais_version: u8_(b, 38, 2),
                imo: b.u(40, 30),
                callsign: Text::decode(b, 70, 7),
                shipname: Text::decode(b, 112, 20),
                shiptype: u8_(b, 232, 8),
                to_bow: u16_(b, 240, 9),
                to_stern: u16_(b, 249, 9),
                to_port: u8_(b, 258, 6),
                to_starboard: u8_(b, 264, 6),
                epfd: u8_(b, 270, 4),
                month: u8_(b, 274, 4),
                day: u8_(b, 278, 5),
                hour: u8_(b, 283, 5),
                minute: u8_(b, 288, 6),
                draught: u8_(b, 294, 8),
                destination: Text::decode(b, 302, 20),
                dte: if len >= 423 { u8_(b, 422, 1) } else { 0 },
            })
        }
        6 => {
            check(msg_type, len, 88, 1008)?;
            let dac = u16_(b, 72, 10);
            let fid = u8_(b, 82, 6);
            *out = Body::BinaryAddressed(Binary6 {
                seqno: u8_(b, 38, 2),
                dest_mmsi: b.u(40, 30),
                retransmit: b.flag(70),
                dac,
                fid,
                app: decode_app6(b, dac, fid),
            })
        }
        7 | 13 => {
            check(msg_type, len, 72, 168)?;
            let mut a = Acknowledge::default();
            for i in 0..4 {
                if 40 + 32 * i < len {
                    if let Some(m) = a.mmsi.get_mut(i) {
                        *m = b.u(40 + 32 * i, 30);
                    }
                    if let Some(s) = a.seqno.get_mut(i) {
                        *s = u8_(b, 70 + 32 * i, 2);
                    }
                }
            }
            *out = Body::Acknowledge(a)
        }
        8 => {
            check(msg_type, len, 56, 1008)?;
            let dac = u16_(b, 40, 10);
            let fid = u8_(b, 50, 6);
            *out = Body::BinaryBroadcast(Binary8 { dac, fid, app: decode_app8(b, dac, fid) })
        }
        9 => {
            check(msg_type, len, 168, usize::MAX)?;
            *out = Body::SarAircraft(SarAircraft {
                alt: u16_(b, 38, 12),
                speed: u16_(b, 50, 10),
                accuracy: b.flag(60),
                lon: b.s(61, 28),
                lat: b.s(89, 27),
                course: u16_(b, 116, 12),
                second: u8_(b, 128, 6),
                regional: u8_(b, 134, 8),
                dte: u8_(b, 142, 1),
                assigned: b.flag(146),
                raim: b.flag(147),
                radio: b.u(148, 20),
            })
        }
        10 => {
            check(msg_type, len, 72, usize::MAX)?;
            *out = Body::UtcInquiry { dest_mmsi: b.u(40, 30) }
        }
        12 => {
            check(msg_type, len, 72, 1008)?;
            *out = Body::SafetyAddressed(SafetyAddressed {
                seqno: u8_(b, 38, 2),
                dest_mmsi: b.u(40, 30),
                retransmit: b.flag(70),
                text: end_text(b, 72),
            })
        }
        14 => {
            check(msg_type, len, 40, 960)?;
            *out = Body::SafetyBroadcast { text: end_text(b, 40) }
        }
        15 => {
            check(msg_type, len, 88, 168)?;
            let mut q = Interrogation {
                mmsi1: b.u(40, 30),
                type1_1: u8_(b, 70, 6),
                offset1_1: u16_(b, 76, 12),
                ..Interrogation::default()
            };
            if len > 90 {
                q.type1_2 = u8_(b, 90, 6);
                q.offset1_2 = u16_(b, 96, 12);
                if len > 110 {
                    q.mmsi2 = b.u(110, 30);
                    q.type2_1 = u8_(b, 140, 6);
                    q.offset2_1 = u16_(b, 146, 12);
                }
            }
            *out = Body::Interrogation(q)
        }
        16 => {
            check(msg_type, len, 96, 168)?;
            let mut m = AssignedMode {
                mmsi1: b.u(40, 30),
                offset1: u16_(b, 70, 12),
                increment1: u16_(b, 82, 10),
                ..AssignedMode::default()
            };
            if len >= 144 {
                m.mmsi2 = b.u(92, 30);
                m.offset2 = u16_(b, 122, 12);
                m.increment2 = u16_(b, 134, 10);
            }
            *out = Body::AssignedMode(m)
        }
        17 => {
            check(msg_type, len, 80, 816)?;
            *out = Body::Dgnss(DgnssBroadcast {
                lon: b.s(40, 18),
                lat: b.s(58, 17),
                data: BitData::extract(b, 80, len - 80, false),
            })
        }
        18 => {
            check(msg_type, len, 168, usize::MAX)?;
            *out = Body::ClassB(ClassBPosition {
                reserved: u8_(b, 38, 8),
                speed: u16_(b, 46, 10),
                accuracy: b.flag(56),
                lon: b.s(57, 28),
                lat: b.s(85, 27),
                course: u16_(b, 112, 12),
                heading: u16_(b, 124, 9),
                second: u8_(b, 133, 6),
                regional: u8_(b, 139, 2),
                cs: b.flag(141),
                display: b.flag(142),
                dsc: b.flag(143),
                band: b.flag(144),
                msg22: b.flag(145),
                assigned: b.flag(146),
                raim: b.flag(147),
                radio: b.u(148, 20),
            })
        }
        19 => {
            check(msg_type, len, 312, usize::MAX)?;
            *out = Body::ClassBExtended(ClassBExtended {
                reserved: u8_(b, 38, 8),
                speed: u16_(b, 46, 10),
                accuracy: b.flag(56),
                lon: b.s(57, 28),
                lat: b.s(85, 27),
                course: u16_(b, 112, 12),
                heading: u16_(b, 124, 9),
                second: u8_(b, 133, 6),
                regional: u8_(b, 139, 4),
                shipname: Text::decode(b, 143, 20),
                shiptype: u8_(b, 263, 8),
                to_bow: u16_(b, 271, 9),
                to_stern: u16_(b, 280, 9),
                to_port: u8_(b, 289, 6),
                to_starboard: u8_(b, 295, 6),
                epfd: u8_(b, 301, 4),
                raim: b.flag(305),
                dte: b.flag(306),
                assigned: b.flag(307),
            })
        }
        20 => {
            check(msg_type, len, 72, 186)?;
            let mut d = DataLinkManagement::default();
            for i in 0..4 {
                let a = 40 + 30 * i;
                if let Some(v) = d.offset.get_mut(i) {
                    *v = u16_(b, a, 12);
                }
                if let Some(v) = d.number.get_mut(i) {
                    *v = u8_(b, a + 12, 4);
                }
                if let Some(v) = d.timeout.get_mut(i) {
                    *v = u8_(b, a + 16, 3);
                }
                if let Some(v) = d.increment.get_mut(i) {
                    *v = u16_(b, a + 19, 11);
                }
            }
            *out = Body::DataLink(d)
        }
        21 => {
            check(msg_type, len, 272, 368)?;
            let mut name: Text<34> = Text::decode_untrimmed(b, 43, 20);
            if name.len() == 20 && len > 272 {
                let ext: Text<14> = Text::decode_untrimmed(b, 272, (len - 272) / 6);
                for &c in ext.as_bytes() {
                    name.push(c);
                }
            }
            name.trim_end();
            *out = Body::AidToNavigation(AidToNavigation {
                aid_type: u8_(b, 38, 5),
                name,
                accuracy: b.flag(163),
                lon: b.s(164, 28),
                lat: b.s(192, 27),
                to_bow: u16_(b, 219, 9),
                to_stern: u16_(b, 228, 9),
                to_port: u8_(b, 237, 6),
                to_starboard: u8_(b, 243, 6),
                epfd: u8_(b, 249, 4),
                second: u8_(b, 253, 6),
                off_position: b.flag(259),
                regional: u8_(b, 260, 8),
                raim: b.flag(268),
                virtual_aid: b.flag(269),
                assigned: b.flag(270),
            })
        }
        22 => {
            check(msg_type, len, 168, usize::MAX)?;
            let addressed = b.flag(139);
            let mut c = ChannelManagement {
                channel_a: u16_(b, 40, 12),
                channel_b: u16_(b, 52, 12),
                txrx: u8_(b, 64, 4),
                power: b.flag(68),
                addressed,
                band_a: b.flag(140),
                band_b: b.flag(141),
                zonesize: u8_(b, 142, 3),
                ..ChannelManagement::default()
            };
            if addressed {
                c.dest1 = b.u(69, 30);
                c.dest2 = b.u(104, 30);
            } else {
                c.ne_lon = b.s(69, 18);
                c.ne_lat = b.s(87, 17);
                c.sw_lon = b.s(104, 18);
                c.sw_lat = b.s(122, 17);
            }
            *out = Body::ChannelManagement(c)
        }
        23 => {
            check(msg_type, len, 160, usize::MAX)?;
            *out = Body::GroupAssignment(GroupAssignment {
                ne_lon: b.s(40, 18),
                ne_lat: b.s(58, 17),
                sw_lon: b.s(75, 18),
                sw_lat: b.s(93, 17),
                stationtype: u8_(b, 110, 4),
                shiptype: u8_(b, 114, 8),
                txrx: u8_(b, 144, 4),
                interval: u8_(b, 146, 4),
                quiet: u8_(b, 150, 4),
            })
        }
        24 => match u8_(b, 38, 2) {
            0 => {
                check(msg_type, len, 160, 168)?;
                *out = Body::StaticDataA { shipname: Text::decode(b, 40, 20) }
            }
            1 => {
                check(msg_type, len, 168, usize::MAX)?;
                let mmsi = b.u(8, 30);
                let mut s = StaticDataB {
                    shiptype: u8_(b, 40, 8),
                    vendorid: Text::decode(b, 48, 7),
                    model: u8_(b, 66, 4),
                    serial: b.u(70, 20),
                    callsign: Text::decode(b, 90, 7),
                    ..StaticDataB::default()
                };
                if is_auxiliary(mmsi) {
                    s.mothership_mmsi = b.u(132, 30);
                } else {
                    s.to_bow = u16_(b, 132, 9);
                    s.to_stern = u16_(b, 141, 9);
                    s.to_port = u8_(b, 150, 6);
                    s.to_starboard = u8_(b, 156, 6);
                }
                *out = Body::StaticDataB(s)
            }
            part => return Err(PayloadError::BadPart(part)),
        },
        25 => {
            check(msg_type, len, 40, 168)?;
            let addressed = b.flag(38);
            let structured = b.flag(39);
            let head = 40 + 16 * usize::from(structured) + 30 * usize::from(addressed);
            check(msg_type, len, head, 168)?;
            *out = Body::BinarySlot(binary_slot(b, addressed, structured, head, len - head, 0))
        }
        26 => {
            check(msg_type, len, 60, 1004)?;
            let addressed = b.flag(38);
            let structured = b.flag(39);
            let head = 40 + 16 * usize::from(structured) + 30 * usize::from(addressed);
            check(msg_type, len, head + 20, 1004)?;
            *out = Body::BinarySlot(binary_slot(b, addressed, structured, head, len - head - 20, 0))
        }
        27 => {
            if len != 96 && len != 168 {
                return Err(PayloadError::BadLength { msg_type, bits: len, min: 96, max: 168 });
            }
            *out = Body::LongRange(LongRange {
                accuracy: b.flag(38),
                raim: b.flag(39),
                status: u8_(b, 40, 4),
                lon: b.s(44, 18),
                lat: b.s(62, 17),
                speed: u8_(b, 79, 6),
                course: u16_(b, 85, 9),
                gnss: b.flag(94),
            })
        }
        t => return Err(PayloadError::UnknownType(t)),
    }
    Ok(())
}

fn binary_slot(
    b: &Bits<'_>,
    addressed: bool,
    structured: bool,
    head: usize,
    bits: usize,
    radio: u32,
) -> BinarySlot {
    BinarySlot {
        addressed,
        structured,
        dest_mmsi: if addressed { b.u(40, 30) } else { 0 },
        app_id: if structured { u16_(b, 40 + 30 * usize::from(addressed), 16) } else { 0 },
        data: BitData::extract(b, head, bits, false),
        radio,
    }
}

/// True for auxiliary craft (98MIDxxxx), whose type 24 part B carries a mothership MMSI.
pub(crate) fn is_auxiliary(mmsi: u32) -> bool {
    mmsi / 10_000_000 == 98
}
