//! gpsd-compatible JSON (`gpsdecode -u` field names, order and raw values; `--scaled` like
//! `gpsdecode`), hand-written into a reused buffer: no allocation per message.
//!
//! The writer of JSON members, `J`, is in `writer`; the members of each message are here.

use std::io::Write as _;

use crate::decoder::Decoded;
use crate::messages::{Body, Message};
use crate::nmea::TagBlock;
use crate::tables::{self, EPFD, NAV_STATUS, pick};

mod writer;

pub(crate) use writer::J;

const LATLON_DIV: f64 = 600_000.0;

/// Append one message as a JSON line (with trailing newline) to `out`.
pub fn write_json(out: &mut Vec<u8>, d: &Decoded<'_>, scaled: bool) {
    let m = d.message;
    out.extend_from_slice(b"{\"class\":\"AIS\"");
    let mut j = J { out, scaled };
    j.int("type", m.msg_type);
    j.int("repeat", m.repeat);
    j.int("mmsi", m.mmsi);
    j.boolean("scaled", scaled);
    write_body(&mut j, m);
    if let Some(tb) = &d.tag_block {
        write_tag_block(&mut j, tb);
    }
    j.out.extend_from_slice(b"}\n");
}

fn write_tag_block(j: &mut J<'_>, tb: &TagBlock<'_>) {
    j.key("tagblock");
    j.out.push(b'{');
    let len0 = j.out.len();
    if let Some(s) = tb.source {
        j.str("s", s);
    }
    if let Some(t) = tb.time {
        j.int("c", t.raw);
    }
    if let Some(g) = tb.group {
        j.key("g");
        let _ = write!(j.out, "\"{}-{}-{}\"", g.sentence, g.count, g.id);
    }
    if let Some(d) = tb.destination {
        j.str("d", d);
    }
    if let Some(n) = tb.line_count {
        j.int("n", n);
    }
    if let Some(r) = tb.relative_time {
        j.int("r", r);
    }
    if let Some(t) = tb.text {
        j.str("t", t);
    }
    // Drop the leading comma of the first member.
    if j.out.get(len0) == Some(&b',') {
        j.out.remove(len0);
    }
    j.out.push(b'}');
}

fn epfd(j: &mut J<'_>, v: u8) {
    j.int("epfd", v);
    j.str("epfd_text", pick(&EPFD, usize::from(v), "INVALID EPFD"));
}

fn shiptype(j: &mut J<'_>, v: u8) {
    j.int("shiptype", v);
    j.str("shiptype_text", tables::ship_type(usize::from(v)));
}

fn dims(j: &mut J<'_>, bow: u16, stern: u16, port: u8, starboard: u8) {
    j.int("to_bow", bow);
    j.int("to_stern", stern);
    j.int("to_port", port);
    j.int("to_starboard", starboard);
}

fn write_body(j: &mut J<'_>, m: &Message) {
    let s = j.scaled;
    match &m.body {
        Body::Position(p) => {
            j.int("status", p.status);
            j.str("status_text", pick(&NAV_STATUS, usize::from(p.status), ""));
            if s {
                match p.turn {
                    -128 => j.literal("turn", "\"n/a\""),
                    -127 => j.literal("turn", "\"fastleft\""),
                    127 => j.literal("turn", "\"fastright\""),
                    t => {
                        // degrees per minute, ROT = 4.733 * sqrt(deg/min), sign kept
                        let r = f64::from(t) / 4.733;
                        j.quoted_fixed("turn", (r * r).copysign(r), 2);
                    }
                }
                match p.speed {
                    1023 => j.literal("speed", "\"nan\""),
                    1022 => j.literal("speed", "\"fast\""),
                    v => j.fixed("speed", f64::from(v) / 10.0, 1),
                }
            } else {
                j.int("turn", p.turn);
                j.int("speed", p.speed);
            }
            j.boolean("accuracy", p.accuracy);
            j.coord("lon", p.lon, LATLON_DIV, 7);
            j.coord("lat", p.lat, LATLON_DIV, 7);
            course(j, p.course);
            j.int("heading", p.heading);
            j.int("second", p.second);
            j.int("maneuver", p.maneuver);
            j.boolean("raim", p.raim);
            j.int("radio", p.radio);
        }
        Body::BaseStation(b) => {
            j.key("timestamp");
            let _ = write!(
                j.out,
                "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z\"",
                b.year, b.month, b.day, b.hour, b.minute, b.second
            );
            j.boolean("accuracy", b.accuracy);
            j.coord("lon", b.lon, LATLON_DIV, 7);
            j.coord("lat", b.lat, LATLON_DIV, 7);
            epfd(j, b.epfd);
            j.boolean("raim", b.raim);
            j.int("radio", b.radio);
        }
        Body::StaticVoyage(v) => {
            j.int("imo", v.imo);
            j.int("ais_version", v.ais_version);
            j.str("callsign", v.callsign.as_str());
            j.str("shipname", v.shipname.as_str());
            shiptype(j, v.shiptype);
            dims(j, v.to_bow, v.to_stern, v.to_port, v.to_starboard);
            epfd(j, v.epfd);
            j.stamp(
                "eta",
                &[
                    (v.month.into(), 2, "-"),
                    (v.day.into(), 2, "T"),
                    (v.hour.into(), 2, ":"),
                    (v.minute.into(), 2, "Z"),
                ],
            );
            if s {
                j.fixed("draught", f64::from(v.draught) / 10.0, 1);
            } else {
                j.int("draught", v.draught);
            }
            j.str("destination", v.destination.as_str());
            j.int("dte", v.dte);
        }
        Body::BinaryAddressed(b) => {
            j.int("seqno", b.seqno);
            j.int("dest_mmsi", b.dest_mmsi);
            j.boolean("retransmit", b.retransmit);
            j.int("dac", b.dac);
            j.int("fid", b.fid);
            crate::json_app::app6(j, &b.app);
        }
        Body::Acknowledge(a) => {
            for (k, v) in ["mmsi1", "mmsi2", "mmsi3", "mmsi4"].iter().zip(a.mmsi) {
                j.int(k, v);
            }
        }
        Body::BinaryBroadcast(b) => {
            j.int("dac", b.dac);
            j.int("fid", b.fid);
            crate::json_app::app8(j, &b.app);
        }
        Body::SarAircraft(a) => {
            if s {
                match a.alt {
                    4095 => j.literal("alt", "\"nan\""),
                    4094 => j.literal("alt", "\"high\""),
                    v => j.int("alt", v),
                }
                match a.speed {
                    1023 => j.literal("speed", "\"nan\""),
                    1022 => j.literal("speed", "\"fast\""),
                    v => j.int("speed", v),
                }
            } else {
                j.int("alt", a.alt);
                j.int("speed", a.speed);
            }
            j.boolean("accuracy", a.accuracy);
            j.coord("lon", a.lon, LATLON_DIV, 7);
            j.coord("lat", a.lat, LATLON_DIV, 7);
            course(j, a.course);
            j.int("second", a.second);
            j.int("regional", a.regional);
            j.int("dte", a.dte);
            j.boolean("raim", a.raim);
            j.int("radio", a.radio);
        }
        Body::UtcInquiry { dest_mmsi } => j.int("dest_mmsi", *dest_mmsi),
        Body::SafetyAddressed(a) => {
            j.int("seqno", a.seqno);
            j.int("dest_mmsi", a.dest_mmsi);
            j.boolean("retransmit", a.retransmit);
            j.str("text", a.text.as_str());
        }
        Body::SafetyBroadcast { text } => j.str("text", text.as_str()),
        Body::Interrogation(q) => {
            j.int("mmsi1", q.mmsi1);
            j.int("type1_1", q.type1_1);
            j.int("offset1_1", q.offset1_1);
            j.int("type1_2", q.type1_2);
            j.int("offset1_2", q.offset1_2);
            j.int("mmsi2", q.mmsi2);
            j.int("type2_1", q.type2_1);
            j.int("offset2_1", q.offset2_1);
        }
        Body::AssignedMode(a) => {
            j.int("mmsi1", a.mmsi1);
            j.int("offset1", a.offset1);
            j.int("increment1", a.increment1);
            j.int("mmsi2", a.mmsi2);
            j.int("offset2", a.offset2);
            j.int("increment2", a.increment2);
        }
        Body::Dgnss(d) => {
            j.coord("lon", d.lon, 600.0, 1);
            j.coord("lat", d.lat, 600.0, 1);
            j.data("data", &d.data);
        }
        Body::ClassB(b) => {
            j.int("reserved", b.reserved);
            speed(j, b.speed);
            j.boolean("accuracy", b.accuracy);
            j.coord("lon", b.lon, LATLON_DIV, 7);
            j.coord("lat", b.lat, LATLON_DIV, 7);
            course(j, b.course);
            j.int("heading", b.heading);
            j.int("second", b.second);
            j.int("regional", b.regional);
            j.boolean("cs", b.cs);
            j.boolean("display", b.display);
            j.boolean("dsc", b.dsc);
            j.boolean("band", b.band);
            j.boolean("msg22", b.msg22);
            j.boolean("raim", b.raim);
            j.int("radio", b.radio);
        }
        Body::ClassBExtended(b) => {
            j.int("reserved", b.reserved);
            speed(j, b.speed);
            j.boolean("accuracy", b.accuracy);
            j.coord("lon", b.lon, LATLON_DIV, 7);
            j.coord("lat", b.lat, LATLON_DIV, 7);
            course(j, b.course);
            j.int("heading", b.heading);
            j.int("second", b.second);
            j.int("regional", b.regional);
            j.str("shipname", b.shipname.as_str());
            shiptype(j, b.shiptype);
            dims(j, b.to_bow, b.to_stern, b.to_port, b.to_starboard);
            epfd(j, b.epfd);
            j.boolean("raim", b.raim);
            j.int("dte", u8::from(b.dte));
            j.boolean("assigned", b.assigned);
        }
        Body::DataLink(d) => {
            const K: [[&str; 4]; 4] = [
                ["offset1", "number1", "timeout1", "increment1"],
                ["offset2", "number2", "timeout2", "increment2"],
                ["offset3", "number3", "timeout3", "increment3"],
                ["offset4", "number4", "timeout4", "increment4"],
            ];
            for (i, k) in K.iter().enumerate() {
                j.int(k[0], d.offset.get(i).copied().unwrap_or(0));
                j.int(k[1], d.number.get(i).copied().unwrap_or(0));
                j.int(k[2], d.timeout.get(i).copied().unwrap_or(0));
                j.int(k[3], d.increment.get(i).copied().unwrap_or(0));
            }
        }
        Body::AidToNavigation(a) => {
            j.int("aid_type", a.aid_type);
            j.str(
                "aid_type_text",
                pick(&tables::NAVAID_TYPE, usize::from(a.aid_type), "INVALID NAVAID TYPE"),
            );
            j.str("name", a.name.as_str());
            if s {
                j.coord("lon", a.lon, LATLON_DIV, 7);
                j.coord("lat", a.lat, LATLON_DIV, 7);
                j.boolean("accuracy", a.accuracy);
            } else {
                j.boolean("accuracy", a.accuracy);
                j.int("lon", a.lon);
                j.int("lat", a.lat);
            }
            dims(j, a.to_bow, a.to_stern, a.to_port, a.to_starboard);
            epfd(j, a.epfd);
            j.int("second", a.second);
            j.int("regional", a.regional);
            j.boolean("off_position", a.off_position);
            j.boolean("raim", a.raim);
            j.boolean("virtual_aid", a.virtual_aid);
        }
        Body::ChannelManagement(c) => {
            j.int("channel_a", c.channel_a);
            j.int("channel_b", c.channel_b);
            j.int("txrx", c.txrx);
            j.boolean("power", c.power);
            if c.addressed {
                j.int("dest1", c.dest1);
                j.int("dest2", c.dest2);
            } else {
                area(j, c.ne_lon, c.ne_lat, c.sw_lon, c.sw_lat);
            }
            j.boolean("addressed", c.addressed);
            j.boolean("band_a", c.band_a);
            j.boolean("band_b", c.band_b);
            j.int("zonesize", c.zonesize);
        }
        Body::GroupAssignment(g) => {
            area(j, g.ne_lon, g.ne_lat, g.sw_lon, g.sw_lat);
            j.int("stationtype", g.stationtype);
            j.str(
                "stationtype_text",
                pick(&tables::STATION_TYPE, usize::from(g.stationtype), "INVALID STATION TYPE"),
            );
            shiptype(j, g.shiptype);
            j.int("interval", g.interval);
            j.int("quiet", g.quiet);
        }
        Body::StaticDataA { shipname } => {
            j.str("part", "A");
            j.str("shipname", shipname.as_str());
        }
        Body::StaticDataB(b) => {
            j.str("part", "B");
            shiptype(j, b.shiptype);
            j.str("vendorid", b.vendorid.as_str());
            j.int("model", b.model);
            j.int("serial", b.serial);
            j.str("callsign", b.callsign.as_str());
            if crate::decode::is_auxiliary(m.mmsi) {
                j.int("mothership_mmsi", b.mothership_mmsi);
            } else {
                dims(j, b.to_bow, b.to_stern, b.to_port, b.to_starboard);
            }
        }
        Body::BinarySlot(b) => {
            j.boolean("addressed", b.addressed);
            j.boolean("structured", b.structured);
            j.int("dest_mmsi", b.dest_mmsi);
            j.int("app_id", b.app_id);
            j.data("data", &b.data);
            if m.msg_type == 26 {
                j.int("radio", b.radio);
            }
        }
        Body::LongRange(l) => {
            j.int("status", l.status);
            if s {
                j.str("status_text", pick(&NAV_STATUS, usize::from(l.status), ""));
            }
            j.boolean("accuracy", l.accuracy);
            j.coord("lon", l.lon, 600.0, 4);
            j.coord("lat", l.lat, 600.0, 4);
            j.int("speed", l.speed);
            j.int("course", l.course);
            j.boolean("raim", l.raim);
            j.boolean("gnss", l.gnss);
        }
    }
}

fn course(j: &mut J<'_>, v: u16) {
    if j.scaled {
        j.fixed("course", f64::from(v) / 10.0, 1);
    } else {
        j.int("course", v);
    }
}

fn speed(j: &mut J<'_>, v: u16) {
    if j.scaled {
        j.fixed("speed", f64::from(v) / 10.0, 1);
    } else {
        j.int("speed", v);
    }
}

fn area(j: &mut J<'_>, ne_lon: i32, ne_lat: i32, sw_lon: i32, sw_lat: i32) {
    for (k, v) in [("ne_lon", ne_lon), ("ne_lat", ne_lat), ("sw_lon", sw_lon), ("sw_lat", sw_lat)] {
        if j.scaled {
            j.quoted_fixed(k, f64::from(v) / 600.0, 6);
        } else {
            j.int(k, v);
        }
    }
}
