//! Bit layouts of the DAC/FI application payloads in types 6 and 8, with gpsd's length
//! conditions for deciding when a payload is structured.

use crate::app::*;
use crate::bits::Bits;
use crate::text::{BitData, Text};

fn u8_(b: &Bits<'_>, s: usize, w: u32) -> u8 {
    b.u(s, w) as u8
}
fn u16_(b: &Bits<'_>, s: usize, w: u32) -> u16 {
    b.u(s, w) as u16
}

/// Six-bit text to the end of the payload, as gpsd's `endchars`.
pub(crate) fn end_text<const N: usize>(b: &Bits<'_>, start: usize) -> Text<N> {
    if b.len() <= start {
        return Text::default();
    }
    Text::decode(b, start, (b.len() - start) / 6)
}

fn route(b: &Bits<'_>, base: usize) -> Route {
    let mut r = Route {
        linkage: u16_(b, base, 10),
        sender: u8_(b, base + 10, 3),
        rtype: u8_(b, base + 13, 5),
        month: u8_(b, base + 18, 4),
        day: u8_(b, base + 22, 5),
        hour: u8_(b, base + 27, 5),
        minute: u8_(b, base + 32, 6),
        duration: b.u(base + 38, 18),
        waycount: u8_(b, base + 56, 5),
        ..Route::default()
    };
    let first = base + 61;
    for (i, wp) in r.waypoints.iter_mut().take(usize::from(r.waycount)).enumerate() {
        let a = first + 55 * i;
        *wp = (b.s(a, 28), b.s(a + 28, 27));
    }
    r
}

fn tidal_window(b: &Bits<'_>, imo236: bool) -> TidalWindow {
    let mut t = TidalWindow { month: u8_(b, 88, 4), day: u8_(b, 92, 5), ..TidalWindow::default() };
    let size = if imo236 { 93 } else { 88 };
    let mut n = 0;
    for (i, tp) in t.tidals.iter_mut().enumerate() {
        let a = 97 + size * i;
        if a > b.len() {
            break;
        }
        *tp = if imo236 {
            Tidal {
                lat: b.s(a, 27),
                lon: b.s(a + 27, 28),
                from_hour: u8_(b, a + 55, 5),
                from_min: u8_(b, a + 60, 6),
                to_hour: u8_(b, a + 66, 5),
                to_min: u8_(b, a + 71, 6),
                cdir: u16_(b, a + 77, 9),
                cspeed: u16_(b, a + 86, 7),
            }
        } else {
            Tidal {
                lon: b.s(a, 25),
                lat: b.s(a + 25, 24),
                from_hour: u8_(b, a + 49, 5),
                from_min: u8_(b, a + 54, 6),
                to_hour: u8_(b, a + 60, 5),
                to_min: u8_(b, a + 65, 6),
                cdir: u16_(b, a + 71, 9),
                cspeed: u16_(b, a + 80, 8),
            }
        };
        n += 1;
    }
    t.count = n;
    t
}

fn inland_eta(b: &Bits<'_>) -> InlandEta {
    InlandEta {
        country: Text::decode(b, 88, 2),
        locode: Text::decode(b, 100, 3),
        section: Text::decode(b, 118, 5),
        terminal: Text::decode(b, 148, 5),
        hectometre: Text::decode(b, 178, 5),
        month: u8_(b, 208, 4),
        day: u8_(b, 212, 5),
        hour: u8_(b, 217, 5),
        minute: u8_(b, 222, 6),
        tugs_or_status: 0,
        airdraught: 0,
    }
}

/// Decode the application part of a type 6 message (header fields already read).
pub(crate) fn decode_app6(b: &Bits<'_>, dac: u16, fid: u8) -> App6 {
    let len = b.len();
    let structured = match (dac, fid) {
        (200, 21) if len == 248 => {
            let mut e = inland_eta(b);
            e.tugs_or_status = u8_(b, 228, 3);
            e.airdraught = u16_(b, 231, 12);
            Some(App6::InlandEta(e))
        }
        (200, 22) if len == 232 => {
            let mut e = inland_eta(b);
            e.tugs_or_status = u8_(b, 228, 2);
            Some(App6::InlandRta(e))
        }
        (200, 55) if len == 168 => Some(App6::PersonsOnBoardInland {
            crew: u8_(b, 88, 8),
            passengers: u16_(b, 96, 13),
            personnel: u8_(b, 109, 8),
        }),
        (235 | 250, 10) if len == 136 => Some(App6::AtonMonitoring(AtonMonitoring {
            ana_int: u16_(b, 88, 10),
            ana_ext1: u16_(b, 98, 10),
            ana_ext2: u16_(b, 108, 10),
            racon: u8_(b, 118, 2),
            light: u8_(b, 120, 2),
            alarm: b.flag(122),
            stat_ext: u8_(b, 123, 8),
            off_pos: b.flag(131),
        })),
        (1, 12) => Some(App6::DangerousCargo236(DangerousCargo236 {
            lastport: Text::decode(b, 88, 5),
            lmonth: u8_(b, 118, 4),
            lday: u8_(b, 122, 5),
            lhour: u8_(b, 127, 5),
            lminute: u8_(b, 132, 6),
            nextport: Text::decode(b, 138, 5),
            nmonth: u8_(b, 168, 4),
            nday: u8_(b, 172, 5),
            nhour: u8_(b, 177, 5),
            nminute: u8_(b, 182, 6),
            dangerous: Text::decode(b, 188, 20),
            imdcat: Text::decode(b, 308, 4),
            unid: u16_(b, 332, 13),
            amount: u16_(b, 345, 10),
            unit: u8_(b, 355, 2),
        })),
        (1, 14) => Some(App6::TidalWindow236(tidal_window(b, true))),
        // gpsd reads bit 56 here (inside the destination MMSI); kept for JSON parity.
        (1, 15) => Some(App6::AirDraught { airdraught: u16_(b, 56, 11) }),
        (1, 16) => Some(App6::PersonsOnBoard {
            persons: if len.saturating_sub(88) == 136 { u16_(b, 88, 13) } else { u16_(b, 55, 13) },
        }),
        (1, 18) => Some(App6::Clearance(Clearance {
            linkage: u16_(b, 88, 10),
            month: u8_(b, 98, 4),
            day: u8_(b, 102, 5),
            hour: u8_(b, 107, 5),
            minute: u8_(b, 112, 6),
            portname: Text::decode(b, 118, 20),
            destination: Text::decode(b, 238, 5),
            lon: b.s(268, 25),
            lat: b.s(293, 24),
        })),
        (1, 20) => {
            let mut services = [0u8; 26];
            for (i, s) in services.iter_mut().enumerate() {
                *s = u8_(b, 139 + 2 * i, 2);
            }
            Some(App6::Berthing(Berthing {
                linkage: u16_(b, 88, 10),
                berth_length: u16_(b, 98, 9),
                berth_depth: u8_(b, 107, 8),
                position: u8_(b, 115, 3),
                month: u8_(b, 118, 4),
                day: u8_(b, 122, 5),
                hour: u8_(b, 127, 5),
                minute: u8_(b, 132, 6),
                availability: u8_(b, 138, 1),
                services,
                berth_name: Text::decode(b, 191, 20),
                berth_lon: b.s(311, 25),
                berth_lat: b.s(336, 24),
            }))
        }
        (1, 25) => {
            let mut d = DangerousCargo289 {
                unit: u8_(b, 88, 2),
                amount: u16_(b, 90, 10),
                count: 0,
                cargos: [(0, 0); 54],
            };
            for (i, c) in d.cargos.iter_mut().enumerate() {
                let a = 100 + 17 * i;
                if a >= len {
                    break;
                }
                *c = (u8_(b, a, 4), u16_(b, a + 4, 13));
                d.count += 1;
            }
            Some(App6::DangerousCargo289(d))
        }
        (1, 28) => Some(App6::Route(route(b, 88))),
        (1, 30) => Some(App6::Text { linkage: u16_(b, 88, 10), text: end_text(b, 98) }),
        (1, 32) => Some(App6::TidalWindow289(tidal_window(b, false))),
        _ => None,
    };
    structured.unwrap_or_else(|| App6::Raw(BitData::extract(b, 88, len.saturating_sub(88), false)))
}

fn met_hydro_236(b: &Bits<'_>) -> MetHydro {
    MetHydro {
        lat: b.s(56, 24),
        lon: b.s(80, 25),
        accuracy: false,
        day: u8_(b, 105, 5),
        hour: u8_(b, 110, 5),
        minute: u8_(b, 115, 6),
        wspeed: u16_(b, 121, 7),
        wgust: u16_(b, 128, 7),
        wdir: u16_(b, 135, 9),
        wgustdir: u16_(b, 144, 9),
        airtemp: b.u(153, 11) as i32,
        humidity: u16_(b, 164, 7),
        dewpoint: b.u(171, 10) as i32,
        pressure: u16_(b, 181, 9),
        pressuretend: u8_(b, 190, 2),
        visgreater: false,
        visibility: u16_(b, 192, 8),
        waterlevel: b.u(200, 9) as i32,
        leveltrend: u8_(b, 209, 2),
        cspeed: u16_(b, 211, 8),
        cdir: u16_(b, 219, 9),
        cspeed2: u16_(b, 228, 8),
        cdir2: u16_(b, 236, 9),
        cdepth2: u16_(b, 245, 5),
        cspeed3: u16_(b, 250, 8),
        cdir3: u16_(b, 258, 9),
        cdepth3: u16_(b, 267, 5),
        waveheight: u16_(b, 272, 8),
        waveperiod: u16_(b, 280, 6),
        wavedir: u16_(b, 286, 9),
        swellheight: u16_(b, 295, 8),
        swellperiod: u16_(b, 303, 6),
        swelldir: u16_(b, 309, 9),
        seastate: u8_(b, 318, 4),
        watertemp: b.u(322, 10) as i32,
        preciptype: u8_(b, 332, 3),
        salinity: u16_(b, 335, 9),
        ice: u8_(b, 344, 2),
    }
}

fn met_hydro_289(b: &Bits<'_>) -> MetHydro {
    MetHydro {
        lon: b.s(56, 25),
        lat: b.s(81, 24),
        accuracy: b.flag(105),
        day: u8_(b, 106, 5),
        hour: u8_(b, 111, 5),
        minute: u8_(b, 116, 6),
        wspeed: u16_(b, 122, 7),
        wgust: u16_(b, 129, 7),
        wdir: u16_(b, 136, 9),
        wgustdir: u16_(b, 145, 9),
        airtemp: b.s(154, 11),
        humidity: u16_(b, 165, 7),
        dewpoint: b.s(172, 10),
        pressure: u16_(b, 182, 9),
        pressuretend: u8_(b, 191, 2),
        visgreater: b.flag(193),
        visibility: u16_(b, 194, 7),
        waterlevel: b.u(201, 12) as i32,
        leveltrend: u8_(b, 213, 2),
        cspeed: u16_(b, 215, 8),
        cdir: u16_(b, 223, 9),
        cspeed2: u16_(b, 232, 8),
        cdir2: u16_(b, 240, 9),
        cdepth2: u16_(b, 249, 5),
        cspeed3: u16_(b, 254, 8),
        cdir3: u16_(b, 262, 9),
        cdepth3: u16_(b, 271, 5),
        waveheight: u16_(b, 276, 8),
        waveperiod: u16_(b, 284, 6),
        wavedir: u16_(b, 290, 9),
        swellheight: u16_(b, 299, 8),
        swellperiod: u16_(b, 307, 6),
        swelldir: u16_(b, 313, 9),
        seastate: u8_(b, 322, 4),
        watertemp: b.s(326, 10),
        preciptype: u8_(b, 336, 3),
        salinity: u16_(b, 339, 9),
        ice: u8_(b, 348, 2),
    }
}

fn vts_targets(b: &Bits<'_>) -> VtsTargets {
    let mut v = VtsTargets::default();
    for (i, t) in v.targets.iter_mut().enumerate() {
        let a = 56 + 122 * i;
        if a > b.len() {
            break;
        }
        let idtype = u8_(b, a, 2);
        *t = VtsTarget {
            idtype,
            id_number: if idtype < 2 { b.u64(a + 2, 42) } else { 0 },
            id_text: if idtype >= 2 { Text::decode(b, a + 2, 7) } else { Text::default() },
            lat: b.s(a + 48, 24),
            lon: b.s(a + 72, 25),
            course: u16_(b, a + 97, 9),
            second: u8_(b, a + 106, 6),
            speed: u16_(b, a + 112, 10),
        };
        v.count += 1;
    }
    v
}

/// Decode the application part of a type 8 message.
pub(crate) fn decode_app8(b: &Bits<'_>, dac: u16, fid: u8) -> App8 {
    let len = b.len();
    let structured = match (dac, fid) {
        (1, 11) => Some(App8::MetHydro236(met_hydro_236(b))),
        (1, 13) => Some(App8::FairwayClosed(FairwayClosed {
            reason: Text::decode(b, 56, 20),
            closefrom: Text::decode(b, 176, 20),
            closeto: Text::decode(b, 296, 20),
            radius: u16_(b, 416, 10),
            extunit: u8_(b, 426, 2),
            fday: u8_(b, 428, 5),
            fmonth: u8_(b, 433, 4),
            fhour: u8_(b, 437, 5),
            fminute: u8_(b, 442, 6),
            tday: u8_(b, 448, 5),
            tmonth: u8_(b, 453, 4),
            thour: u8_(b, 457, 5),
            tminute: u8_(b, 462, 6),
        })),
        (1, 15) => Some(App8::AirDraught { airdraught: u16_(b, 56, 11) }),
        (1, 16) if len.saturating_sub(56) == 136 => {
            Some(App8::PersonsOnBoard { persons: u16_(b, 88, 13) })
        }
        (1, 16) if len.saturating_sub(56) == 72 => {
            Some(App8::PersonsOnBoard { persons: u16_(b, 55, 13) })
        }
        (1, 17) => Some(App8::VtsTargets(vts_targets(b))),
        (1, 19) => Some(App8::TrafficSignal(TrafficSignal {
            linkage: u16_(b, 56, 10),
            station: Text::decode(b, 66, 20),
            lon: b.s(186, 25),
            lat: b.s(211, 24),
            status: u8_(b, 235, 2),
            signal: u8_(b, 237, 5),
            hour: u8_(b, 242, 5),
            minute: u8_(b, 247, 6),
            nextsignal: u8_(b, 253, 5),
        })),
        (1, 27) => Some(App8::Route(route(b, 56))),
        (1, 29) => Some(App8::Text { linkage: u16_(b, 56, 10), text: end_text(b, 66) }),
        (1, 31) => Some(App8::MetHydro289(met_hydro_289(b))),
        (200, 10) if len == 168 => {
            let s = InlandStatic {
                vin: Text::decode(b, 56, 8),
                length: u16_(b, 104, 13),
                beam: u16_(b, 117, 10),
                shiptype: u16_(b, 127, 14),
                hazard: u8_(b, 141, 3),
                draught: u16_(b, 144, 11),
                loaded: u8_(b, 155, 2),
                speed_q: b.flag(157),
                course_q: b.flag(158),
                heading_q: b.flag(159),
            };
            // gpsd's guard against false matches: hazard in range, vin ASCII (always true
            // for six-bit text).
            (s.hazard <= 5).then_some(App8::InlandStatic(s))
        }
        (200, 23) if len == 256 => Some(App8::EmmaWarning(EmmaWarning {
            start_year: u8_(b, 56, 8),
            start_month: u8_(b, 64, 4),
            start_day: u8_(b, 68, 5),
            end_year: u8_(b, 73, 8),
            end_month: u8_(b, 81, 4),
            end_day: u8_(b, 85, 5),
            start_hour: u8_(b, 90, 5),
            start_minute: u8_(b, 95, 6),
            end_hour: u8_(b, 101, 5),
            end_minute: u8_(b, 106, 6),
            start_lon: b.s(112, 28),
            start_lat: b.s(140, 27),
            end_lon: b.s(167, 28),
            end_lat: b.s(195, 27),
            kind: u8_(b, 222, 4),
            min: b.s(226, 9),
            max: b.s(235, 9),
            intensity: u8_(b, 244, 2),
            wind: u8_(b, 246, 4),
        })),
        (200, 24) if len == 168 => {
            let mut w = WaterLevels { country: Text::decode(b, 56, 2), ..WaterLevels::default() };
            for (i, g) in w.gauges.iter_mut().enumerate() {
                let a = 68 + 25 * i;
                if a >= len {
                    break;
                }
                *g = (u16_(b, a, 11), b.s(a + 11, 14));
                w.count += 1;
            }
            Some(App8::WaterLevels(w))
        }
        (200, 40) if len == 168 => Some(App8::SignalStatus(SignalStatus {
            lon: b.s(56, 28),
            lat: b.s(84, 27),
            form: u8_(b, 111, 4),
            facing: u16_(b, 115, 9),
            direction: u8_(b, 124, 3),
            status: b.u(127, 30),
        })),
        _ => None,
    };
    structured.unwrap_or_else(|| App8::Raw(BitData::extract(b, 56, len.saturating_sub(56), true)))
}
