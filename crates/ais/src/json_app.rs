//! gpsd JSON for the application payloads of types 6 and 8 (DAC/FI), following gpsd's field
//! order; raw payloads print as `"data":"bitcount:hex"`.

use crate::app::{App6, App8, BERTHING_SERVICES, InlandEta, MetHydro, Route, TidalWindow};
use crate::json::J;
use crate::tables::{self, pick};

const LATLON3_DIV: f64 = 60_000.0;
const LATLON4_DIV: f64 = 600_000.0;

fn stamp4(j: &mut J<'_>, k: &str, mo: u8, d: u8, h: u8, mi: u8, z: bool) {
    j.stamp(
        k,
        &[
            (mo.into(), 2, "-"),
            (d.into(), 2, "T"),
            (h.into(), 2, ":"),
            (mi.into(), 2, if z { "Z" } else { "" }),
        ],
    );
}

fn eta_unpadded(j: &mut J<'_>, k: &str, mo: u8, d: u8, h: u8, mi: u8) {
    j.stamp(k, &[(mo.into(), 0, "-"), (d.into(), 0, "T"), (h.into(), 0, ":"), (mi.into(), 0, "")]);
}

fn inland_head(j: &mut J<'_>, e: &InlandEta) {
    j.str("country", e.country.as_str());
    j.str("locode", e.locode.as_str());
    j.str("section", e.section.as_str());
    j.str("terminal", e.terminal.as_str());
    j.str("hectometre", e.hectometre.as_str());
    eta_unpadded(j, "eta", e.month, e.day, e.hour, e.minute);
}

fn route(j: &mut J<'_>, r: &Route) {
    j.int("linkage", r.linkage);
    j.int("sender", r.sender);
    j.int("rtype", r.rtype);
    j.str("rtype_text", tables::route_type(usize::from(r.rtype)));
    stamp4(j, "start", r.month, r.day, r.hour, r.minute, true);
    j.int("duration", r.duration);
    j.out.extend_from_slice(b",\"waypoints\":[");
    for (i, &(lon, lat)) in r.points().iter().enumerate() {
        if i > 0 {
            j.out.push(b',');
        }
        j.out.push(b'{');
        let mark = j.out.len();
        j.coord("lon", lon, LATLON4_DIV, 6);
        j.coord("lat", lat, LATLON4_DIV, 6);
        j.out.remove(mark);
        j.out.push(b'}');
    }
    j.out.push(b']');
}

fn tidal(j: &mut J<'_>, t: &TidalWindow) {
    j.int("month", t.month);
    j.int("day", t.day);
    j.out.extend_from_slice(b",\"tidals\":[");
    for (i, tp) in t.entries().iter().enumerate() {
        if i > 0 {
            j.out.push(b',');
        }
        j.out.push(b'{');
        let mark = j.out.len();
        j.coord("lon", tp.lon, LATLON3_DIV, 6);
        j.coord("lat", tp.lat, LATLON3_DIV, 6);
        j.out.remove(mark);
        j.int("from_hour", tp.from_hour);
        j.int("from_min", tp.from_min);
        j.int("to_hour", tp.to_hour);
        j.int("to_min", tp.to_min);
        j.int("cdir", tp.cdir);
        if j.scaled {
            j.fixed("cspeed", f64::from(tp.cspeed) / 10.0, 1);
        } else {
            j.int("cspeed", tp.cspeed);
        }
        j.out.push(b'}');
    }
    j.out.push(b']');
}

/// Type 6 application payload.
pub(crate) fn app6(j: &mut J<'_>, app: &App6) {
    let s = j.scaled;
    match app {
        App6::Raw(d) => j.data("data", d),
        App6::InlandEta(e) => {
            inland_head(j, e);
            j.int("tugs", e.tugs_or_status);
            j.int("airdraught", e.airdraught);
        }
        App6::InlandRta(e) => {
            inland_head(j, e);
            j.int("status", e.tugs_or_status);
            j.str("status_text", pick(&tables::RTA_STATUS, usize::from(e.tugs_or_status), ""));
        }
        App6::PersonsOnBoardInland { crew, passengers, personnel } => {
            j.int("crew", *crew);
            j.int("passengers", *passengers);
            j.int("personnel", *personnel);
        }
        App6::AtonMonitoring(a) => {
            j.boolean("off_pos", a.off_pos);
            j.boolean("alarm", a.alarm);
            j.int("stat_ext", a.stat_ext);
            for (k, v) in
                [("ana_int", a.ana_int), ("ana_ext1", a.ana_ext1), ("ana_ext2", a.ana_ext2)]
            {
                if s && v != 0 {
                    j.fixed(k, f64::from(v) * 0.05, 2);
                } else {
                    j.int(k, v);
                }
            }
            j.int("racon", a.racon);
            j.str("racon_text", pick(&tables::RACON, usize::from(a.racon), ""));
            j.int("light", a.light);
            j.str("light_text", pick(&tables::LIGHT, usize::from(a.light), ""));
        }
        App6::DangerousCargo236(c) => {
            j.str("lastport", c.lastport.as_str());
            stamp4(j, "departure", c.lmonth, c.lday, c.lhour, c.lminute, true);
            j.str("nextport", c.nextport.as_str());
            stamp4(j, "eta", c.nmonth, c.nday, c.nhour, c.nminute, true);
            j.str("dangerous", c.dangerous.as_str());
            j.str("imdcat", c.imdcat.as_str());
            j.int("unid", c.unid);
            j.int("amount", c.amount);
            j.int("unit", c.unit);
        }
        App6::TidalWindow236(t) | App6::TidalWindow289(t) => tidal(j, t),
        App6::AirDraught { airdraught } => j.int("airdraught", *airdraught),
        App6::PersonsOnBoard { persons } => j.int("persons", *persons),
        App6::Clearance(c) => {
            j.int("linkage", c.linkage);
            stamp4(j, "arrival", c.month, c.day, c.hour, c.minute, true);
            j.str("portname", c.portname.as_str());
            j.str("destination", c.destination.as_str());
            j.coord("lon", c.lon, LATLON3_DIV, 6);
            j.coord("lat", c.lat, LATLON3_DIV, 6);
        }
        App6::Berthing(b) => {
            j.int("linkage", b.linkage);
            j.int("berth_length", b.berth_length);
            j.int("position", b.position);
            j.str("position_text", pick(&tables::POSITION_TYPES, usize::from(b.position), ""));
            eta_unpadded(j, "arrival", b.month, b.day, b.hour, b.minute);
            j.int("availability", b.availability);
            for (k, v) in BERTHING_SERVICES.iter().zip(b.services) {
                j.int(k, v);
            }
            j.str("berth_name", b.berth_name.as_str());
            j.coord("berth_lon", b.berth_lon, LATLON3_DIV, 6);
            j.coord("berth_lat", b.berth_lat, LATLON3_DIV, 6);
            if s {
                j.fixed("berth_depth", f64::from(b.berth_depth) * 0.1, 1);
            } else {
                j.int("berth_depth", b.berth_depth);
            }
        }
        App6::DangerousCargo289(c) => {
            j.int("unit", c.unit);
            j.int("amount", c.amount);
            j.out.extend_from_slice(b",\"cargos\":[");
            let n = usize::from(c.count);
            for (i, &(code, subtype)) in c.cargos.iter().take(n).enumerate() {
                if i > 0 {
                    j.out.push(b',');
                }
                j.out.extend_from_slice(b"{\"code\":");
                j.raw_int(code.into());
                j.out.extend_from_slice(b",\"subtype\":");
                j.raw_int(subtype.into());
                j.out.push(b'}');
            }
            j.out.push(b']');
        }
        App6::Route(r) => route(j, r),
        App6::Text { linkage, text } => {
            j.int("linkage", *linkage);
            j.str("text", text.as_str());
        }
    }
}

fn met_tail_unscaled(j: &mut J<'_>, m: &MetHydro) {
    j.int("leveltrend", m.leveltrend);
    j.int("cspeed", m.cspeed);
    j.int("cdir", m.cdir);
    j.int("cspeed2", m.cspeed2);
    j.int("cdir2", m.cdir2);
    j.int("cdepth2", m.cdepth2);
    j.int("cspeed3", m.cspeed3);
    j.int("cdir3", m.cdir3);
    j.int("cdepth3", m.cdepth3);
    j.int("waveheight", m.waveheight);
    j.int("waveperiod", m.waveperiod);
    j.int("wavedir", m.wavedir);
    j.int("swellheight", m.swellheight);
    j.int("swellperiod", m.swellperiod);
    j.int("swelldir", m.swelldir);
    j.int("seastate", m.seastate);
    j.int("watertemp", m.watertemp);
}

fn met_tail_scaled(j: &mut J<'_>, m: &MetHydro, watertemp: f64) {
    j.str("leveltrend", pick(&tables::TRENDS, usize::from(m.leveltrend), ""));
    j.fixed("cspeed", f64::from(m.cspeed) / 10.0, 1);
    j.int("cdir", m.cdir);
    j.fixed("cspeed2", f64::from(m.cspeed2) / 10.0, 1);
    j.int("cdir2", m.cdir2);
    j.int("cdepth2", m.cdepth2);
    j.fixed("cspeed3", f64::from(m.cspeed3) / 10.0, 1);
    j.int("cdir3", m.cdir3);
    j.int("cdepth3", m.cdepth3);
    j.fixed("waveheight", f64::from(m.waveheight) / 10.0, 1);
    j.int("waveperiod", m.waveperiod);
    j.int("wavedir", m.wavedir);
    j.fixed("swellheight", f64::from(m.swellheight) / 10.0, 1);
    j.int("swellperiod", m.swellperiod);
    j.int("swelldir", m.swelldir);
    j.int("seastate", m.seastate);
    j.fixed("watertemp", watertemp, 1);
}

fn met_head(j: &mut J<'_>, m: &MetHydro) {
    j.coord("lat", m.lat, LATLON3_DIV, 6);
    j.coord("lon", m.lon, LATLON3_DIV, 6);
}

fn met_time(j: &mut J<'_>, m: &MetHydro) {
    j.stamp(
        "timestamp",
        &[(m.day.into(), 2, "T"), (m.hour.into(), 2, ":"), (m.minute.into(), 2, "Z")],
    );
    j.int("wspeed", m.wspeed);
    j.int("wgust", m.wgust);
    j.int("wdir", m.wdir);
    j.int("wgustdir", m.wgustdir);
    j.int("humidity", m.humidity);
}

fn met236(j: &mut J<'_>, m: &MetHydro) {
    met_head(j, m);
    met_time(j, m);
    let precip = pick(&tables::PRECIP, usize::from(m.preciptype), "");
    let ice = pick(&tables::ICE, usize::from(m.ice), "");
    if j.scaled {
        j.fixed("airtemp", f64::from(m.airtemp - 600) / 10.0, 1);
        j.fixed("dewpoint", f64::from(m.dewpoint - 200) / 10.0, 1);
        j.int("pressure", i64::from(m.pressure) + 800);
        j.str("pressuretend", pick(&tables::TRENDS, usize::from(m.pressuretend), ""));
        j.fixed("visibility", f64::from(m.visibility) / 10.0, 1);
        j.fixed("waterlevel", f64::from(m.waterlevel - 100) / 10.0, 1);
        met_tail_scaled(j, m, f64::from(m.watertemp - 100) / 10.0);
        j.int("preciptype", m.preciptype);
        j.str("preciptype_text", precip);
        j.fixed("salinity", f64::from(m.salinity) / 10.0, 1);
    } else {
        j.int("airtemp", m.airtemp);
        j.int("dewpoint", m.dewpoint);
        j.int("pressure", m.pressure);
        j.int("pressuretend", m.pressuretend);
        j.int("visibility", m.visibility);
        j.int("waterlevel", m.waterlevel);
        met_tail_unscaled(j, m);
        j.int("preciptype", m.preciptype);
        j.str("preciptype_text", precip);
        j.int("salinity", m.salinity);
    }
    j.int("ice", m.ice);
    j.str("ice_text", ice);
}

fn met289(j: &mut J<'_>, m: &MetHydro) {
    met_head(j, m);
    j.boolean("accuracy", m.accuracy);
    met_time(j, m);
    if j.scaled {
        j.fixed("airtemp", f64::from(m.airtemp) / 10.0, 1);
        j.fixed("dewpoint", f64::from(m.dewpoint) / 10.0, 1);
        j.int("pressure", i64::from(m.pressure) + 799);
        j.str("pressuretend", pick(&tables::TRENDS, usize::from(m.pressuretend), ""));
        j.boolean("visgreater", m.visgreater);
        j.fixed("visibility", f64::from(m.visibility) / 10.0, 1);
        j.fixed("waterlevel", f64::from(m.waterlevel - 1000) / 100.0, 1);
        met_tail_scaled(j, m, f64::from(m.watertemp) / 10.0);
        j.str("preciptype", pick(&tables::PRECIP, usize::from(m.preciptype), ""));
        j.fixed("salinity", f64::from(m.salinity) / 10.0, 1);
        j.str("ice", pick(&tables::ICE, usize::from(m.ice), ""));
    } else {
        j.int("airtemp", m.airtemp);
        j.int("dewpoint", m.dewpoint);
        j.int("pressure", m.pressure);
        j.int("pressuretend", m.pressuretend);
        j.boolean("visgreater", m.visgreater);
        j.int("visibility", m.visibility);
        j.int("waterlevel", m.waterlevel);
        met_tail_unscaled(j, m);
        j.int("preciptype", m.preciptype);
        j.int("salinity", m.salinity);
        j.int("ice", m.ice);
    }
}

/// Type 8 application payload.
pub(crate) fn app8(j: &mut J<'_>, app: &App8) {
    match app {
        App8::Raw(d) => j.data("data", d),
        App8::MetHydro236(m) => met236(j, m),
        App8::MetHydro289(m) => met289(j, m),
        App8::FairwayClosed(f) => {
            j.str("reason", f.reason.as_str());
            j.str("closefrom", f.closefrom.as_str());
            j.str("closeto", f.closeto.as_str());
            j.int("radius", f.radius);
            j.int("extunit", f.extunit);
            stamp4(j, "from", f.fmonth, f.fday, f.fhour, f.fminute, false);
            stamp4(j, "to", f.tmonth, f.tday, f.thour, f.tminute, false);
        }
        App8::AirDraught { airdraught } => j.int("airdraught", *airdraught),
        App8::PersonsOnBoard { persons } => j.int("persons", *persons),
        App8::VtsTargets(v) => {
            j.out.extend_from_slice(b",\"targets\":[");
            for (i, t) in v.targets.iter().take(usize::from(v.count)).enumerate() {
                if i > 0 {
                    j.out.push(b',');
                }
                j.out.push(b'{');
                let mark = j.out.len();
                j.int("idtype", t.idtype);
                let name = pick(&tables::IDTYPES, usize::from(t.idtype), "other");
                j.str("idtype_text", name);
                j.out.remove(mark);
                if t.idtype < 2 {
                    j.key_str_number(name, t.id_number);
                } else {
                    j.str(name, t.id_text.as_str());
                }
                j.coord("lat", t.lat, LATLON3_DIV, 6);
                j.coord("lon", t.lon, LATLON3_DIV, 6);
                j.int("course", t.course);
                j.int("second", t.second);
                j.int("speed", t.speed);
                j.out.push(b'}');
            }
            j.out.push(b']');
        }
        App8::TrafficSignal(t) => {
            j.int("linkage", t.linkage);
            j.str("station", t.station.as_str());
            // gpsd prints these scaled even in unscaled mode.
            j.fixed("lon", f64::from(t.lon) / LATLON3_DIV, 6);
            j.fixed("lat", f64::from(t.lat) / LATLON3_DIV, 6);
            j.int("status", t.status);
            j.int("signal", t.signal);
            j.str(
                "signal_text",
                pick(&tables::SIGNAL, usize::from(t.signal), "INVALID SIGNAL TYPE"),
            );
            j.int("hour", t.hour);
            j.int("minute", t.minute);
            j.int("nextsignal", t.nextsignal);
            j.str(
                "nextsignal_text",
                pick(&tables::SIGNAL, usize::from(t.nextsignal), "INVALID SIGNAL TYPE"),
            );
        }
        App8::Route(r) => route(j, r),
        App8::Text { linkage, text } => {
            j.int("linkage", *linkage);
            j.str("text", text.as_str());
        }
        App8::InlandStatic(v) => {
            j.str("vin", v.vin.as_str());
            j.int("length", v.length);
            j.int("beam", v.beam);
            j.int("shiptype", v.shiptype);
            j.str("shiptype_text", tables::inland_shiptype(v.shiptype));
            j.int("hazard", v.hazard);
            j.str(
                "hazard_text",
                pick(&tables::HAZARD, usize::from(v.hazard), "INVALID HAZARD TYPE"),
            );
            j.int("draught", v.draught);
            j.int("loaded", v.loaded);
            j.str(
                "loaded_text",
                pick(&tables::LOADED, usize::from(v.loaded), "INVALID LOAD STATUS"),
            );
            j.boolean("speed_q", v.speed_q);
            j.boolean("course_q", v.course_q);
            j.boolean("heading_q", v.heading_q);
        }
        App8::EmmaWarning(e) => {
            // gpsd's start stamp prints hour, minute, day in the day/hour/minute slots;
            // reproduced for parity.
            j.stamp(
                "start",
                &[
                    (u32::from(e.start_year) + 2000, 4, "-"),
                    (e.start_month.into(), 2, "-"),
                    (e.start_hour.into(), 2, "T"),
                    (e.start_minute.into(), 2, ":"),
                    (e.start_day.into(), 2, ""),
                ],
            );
            j.stamp(
                "end",
                &[
                    (u32::from(e.end_year) + 2000, 4, "-"),
                    (e.end_month.into(), 2, "-"),
                    (e.end_day.into(), 2, "T"),
                    (e.end_hour.into(), 2, ":"),
                    (e.end_minute.into(), 2, ""),
                ],
            );
            j.coord("start_lon", e.start_lon, 600_000.0, 6);
            j.coord("start_lat", e.start_lat, 600_000.0, 6);
            j.coord("end_lon", e.end_lon, 600_000.0, 6);
            j.coord("end_lat", e.end_lat, 600_000.0, 6);
            j.int("type", e.kind);
            j.str("type_text", pick(&tables::EMMA_TYPES, usize::from(e.kind), "INVALID EMMA TYPE"));
            j.int("min", e.min);
            j.int("max", e.max);
            j.int("class", e.intensity);
            j.str(
                "class_text",
                pick(&tables::EMMA_CLASSES, usize::from(e.intensity), "INVALID EMMA TYPE"),
            );
            j.int("wind", e.wind);
            j.str(
                "wind_text",
                pick(&tables::EMMA_WINDS, usize::from(e.wind), "INVALID EMMA WIND DIRECTION"),
            );
        }
        App8::WaterLevels(w) => {
            j.str("country", w.country.as_str());
            j.out.extend_from_slice(b",\"gauges\":[");
            for (i, &(id, level)) in w.gauges.iter().take(usize::from(w.count)).enumerate() {
                if i > 0 {
                    j.out.push(b',');
                }
                j.out.extend_from_slice(b"{\"id\":");
                j.raw_int(id.into());
                j.out.extend_from_slice(b",\"level\":");
                j.raw_int(level.into());
                j.out.push(b'}');
            }
            j.out.push(b']');
        }
        App8::SignalStatus(g) => {
            j.coord("lon", g.lon, 600_000.0, 6);
            j.coord("lat", g.lat, 600_000.0, 6);
            j.int("form", g.form);
            j.int("facing", g.facing);
            j.int("direction", g.direction);
            j.str(
                "direction_text",
                pick(&tables::DIRECTIONS, usize::from(g.direction), "INVALID DIRECTION"),
            );
            j.int("status", g.status);
            j.str(
                "status_text",
                pick(
                    &tables::SIGNAL_STATUS,
                    usize::try_from(g.status).unwrap_or(usize::MAX),
                    "INVALID STATUS",
                ),
            );
        }
    }
}
