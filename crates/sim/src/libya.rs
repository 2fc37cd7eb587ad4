//! The Libya scenario: coastal AIS receivers and radars, ground sensors on the southern
//! borders, background traffic (merchant lanes, tankers calling at the oil terminals, fishing
//! boats, ferries, patrols, desert vehicles) and the seven scenarios of the brief, scheduled
//! at fixed times of every 24-hour cycle.

use crate::earth::{KNOT_MPS, LonLat, NM_M, Path, destination, distance_m};
use crate::rng::Rng;
use crate::world::{Actor, Ais, Kind, Sensor};

pub const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// When each scenario plays, as an offset into the 24-hour cycle.
pub const SCHEDULE: [(&str, i64); 7] = [
    ("night departure near Zuwara (unidentified contact leaving the coast)", HOUR),
    ("AIS-SART distress north of Sabratha", 4 * HOUR),
    ("desert convoy across the Niger border, 40 km from Tummo", 10 * HOUR),
    ("fast contact crossing from the western to the central coast (hand-over)", 14 * HOUR),
    ("exercise period off Tripoli (marked exercise)", 16 * HOUR),
    ("ship-to-ship transfer 15 nm off Zuwara with an AIS gap", 20 * HOUR),
    ("the day's report (00:00-24:00), from what the day produced", 24 * HOUR),
];

/// Coastal sites: name, position, whether it has an AIS receiver, whether it has a radar.
const COASTAL_SITES: [(&str, f64, f64, bool, bool); 9] = [
    ("zuwara", 12.08, 32.93, true, true),
    ("tripoli", 13.19, 32.90, true, true),
    ("khoms", 14.26, 32.65, true, false),
    ("misrata", 15.10, 32.38, true, true),
    ("sirte", 16.59, 31.21, true, false),
    ("ras-lanuf", 18.57, 30.50, true, false),
    ("benghazi", 20.07, 32.12, true, true),
    ("derna", 22.64, 32.77, true, false),
    ("tobruk", 23.96, 32.08, true, true),
];

fn coastal(prefix: &str, range_m: f64, has: impl Fn(bool, bool) -> bool) -> Vec<Sensor> {
    COASTAL_SITES
        .iter()
        .filter(|(_, _, _, ais, radar)| has(*ais, *radar))
        .map(|(id, lon, lat, _, _)| Sensor {
            id: format!("{prefix}-{id}"),
            at: [*lon, *lat],
            range_m,
        })
        .collect()
}

/// Coastal AIS receivers: about 40 nm of coverage each, gaps beyond.
pub fn ais_receivers() -> Vec<Sensor> {
    coastal("ais", 40.0 * NM_M, |ais, _| ais)
}

/// Coastal radars: 24 nm.
pub fn radars() -> Vec<Sensor> {
    coastal("radar", 24.0 * NM_M, |_, radar| radar)
}

/// Libya's land border with a neighbour, from the shipped region data.
pub fn border(neighbour: &str) -> Vec<LonLat> {
    let text = include_str!("../../../data/region/libya_land_borders.geojson");
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else { return Vec::new() };
    let features = doc["features"].as_array().cloned().unwrap_or_default();
    for f in features {
        if f["properties"]["neighbour"] != neighbour {
            continue;
        }
        let geometry = &f["geometry"];
        let lines: Vec<serde_json::Value> = match geometry["type"].as_str() {
            Some("LineString") => vec![geometry["coordinates"].clone()],
            Some("MultiLineString") => {
                geometry["coordinates"].as_array().cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        return lines
            .iter()
            .flat_map(|l| l.as_array().cloned().unwrap_or_default())
            .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
            .collect();
    }
    Vec::new()
}

/// Ground sensors every ~25 km along the Niger and Chad borders, 6 km detection radius.
pub fn ground_sensors() -> Vec<Sensor> {
    let mut out = Vec::new();
    for (code, line) in [("ner", border("NER")), ("tcd", border("TCD"))] {
        let path = Path::new(line);
        let mut s = 0.0;
        let mut n = 0;
        while s <= path.length_m() {
            let (p, _) = path.at(s);
            out.push(Sensor { id: format!("ugs-{code}-{n:02}"), at: p, range_m: 6_000.0 });
            s += 25_000.0;
            n += 1;
        }
    }
    out
}

const TUMMO: LonLat = [14.04072, 22.75572];

/// The point of the Niger border `km` kilometres west of Tummo along the line.
fn border_point_from_tummo(km: f64) -> (LonLat, f64) {
    let path = Path::new(border("NER"));
    let mut best = (0.0, f64::MAX);
    let mut s = 0.0;
    while s <= path.length_m() {
        let d = distance_m(path.at(s).0, TUMMO);
        if d < best.1 {
            best = (s, d);
        }
        s += 500.0;
    }
    // The line runs east to west from the Chad tripoint: further along is further west.
    let (p, course) = path.at(best.0 + km * 1_000.0);
    (p, course)
}

fn vessel(mmsi: u32, name: &str, ship_type: u8, path: Vec<LonLat>, speed_kn: f64) -> Actor {
    Actor {
        kind: Kind::Vessel,
        mmsi,
        name: name.to_string(),
        callsign: format!("C{}", mmsi % 100_000),
        ship_type,
        length_m: 100,
        ais: Ais::ClassA,
        path: Path::new(path),
        speed_mps: speed_kn * KNOT_MPS,
        start: 0,
        end: i64::MAX,
        ping_pong: true,
        report_every_ms: MINUTE,
        phase_ms: 0,
        radar_visible: true,
        cot: None,
        exercise: false,
    }
}

const LANES: [&[LonLat]; 5] = [
    // Gibraltar–Suez transit, well offshore.
    &[[9.8, 37.4], [12.0, 36.2], [15.5, 35.2], [20.0, 34.2], [25.8, 33.0]],
    // Malta – Tripoli.
    &[[14.55, 35.85], [13.4, 33.6], [13.19, 32.93]],
    // Catania – Benghazi.
    &[[15.2, 37.3], [17.5, 34.5], [20.0, 32.2]],
    // Crete – Tobruk.
    &[[24.0, 35.2], [23.97, 32.1]],
    // Tunis coast – Misrata.
    &[[11.2, 34.6], [13.0, 33.5], [15.2, 32.45]],
];

/// Oil terminals and ports tankers call at.
const TERMINALS: [LonLat; 4] = [[18.37, 30.70], [18.57, 30.56], [19.58, 30.48], [12.73, 32.82]];
/// Zuwara, Sabratha, Tripoli, Misrata, Benghazi, Tobruk: the ports of the region data, so a
/// fishing boat leaves from inside the port's anchorage zone.
const FISHING_PORTS: [LonLat; 6] = [
    [12.11667, 32.91667],
    [12.48417, 32.79222],
    [13.21667, 32.9],
    [15.21667, 32.36667],
    [20.05, 32.1],
    [24.0, 32.06667],
];

/// Background traffic and the scenario actors for one 24-hour cycle starting at `day`.
pub fn actors(rng: &Rng, day: i64, cycle_end: i64, background: f64) -> Vec<Actor> {
    let mut out = Vec::new();
    // The same vessels in the same order whatever the share: the first n of each fleet.
    let share = |n: usize| (n as f64 * background.clamp(0.0, 1.0)).round() as usize;
    let mut r = rng.fork(day as u64);
    let mut next_mmsi = 200_000_000u32;
    let mut mmsi = |mid: u32| {
        next_mmsi += 1;
        mid * 1_000_000 + next_mmsi % 1_000_000
    };
    let window = |a: &mut Actor, r: &mut Rng| {
        a.start = day;
        a.end = cycle_end;
        a.phase_ms = r.below(a.report_every_ms as u64) as i64;
    };
    for i in 0..share(1_200) {
        let lane = LANES[i % LANES.len()];
        let offset = r.range(-4_000.0, 4_000.0);
        let points: Vec<LonLat> = lane.iter().map(|p| destination(*p, 0.0, offset)).collect();
        let mut a = vessel(
            mmsi([636, 538, 215, 352, 249][i % 5]),
            &format!("MERCHANT {i}"),
            70,
            points,
            r.range(10.0, 16.0),
        );
        a.start = day - r.below(40 * HOUR as u64) as i64;
        a.report_every_ms = 2 * MINUTE;
        a.phase_ms = r.below(a.report_every_ms as u64) as i64;
        a.end = cycle_end;
        a.length_m = 120 + r.below(180) as u16;
        out.push(a);
    }
    for i in 0..share(160) {
        let terminal = TERMINALS[i % TERMINALS.len()];
        let sea = destination(terminal, r.range(-30.0, 30.0), r.range(60_000.0, 150_000.0));
        let mut a = vessel(
            mmsi([636, 538, 256][i % 3]),
            &format!("TANKER {i}"),
            80,
            vec![sea, terminal],
            r.range(9.0, 13.0),
        );
        window(&mut a, &mut r);
        a.start = day - r.below(20 * HOUR as u64) as i64;
        a.length_m = 180 + r.below(90) as u16;
        out.push(a);
    }
    for i in 0..share(40) {
        let path = if i % 2 == 0 { LANES[1].to_vec() } else { LANES[2].to_vec() };
        let mut a = vessel(mmsi(642), &format!("FERRY {i}"), 60, path, 18.0);
        window(&mut a, &mut r);
        a.start = day - r.below(20 * HOUR as u64) as i64;
        out.push(a);
    }
    for i in 0..share(600) {
        let port = FISHING_PORTS[i % FISHING_PORTS.len()];
        let ground = destination(port, r.range(-60.0, 60.0), r.range(5_000.0, 35_000.0));
        let mut a = vessel(
            mmsi(642),
            &format!("SAYD {i}"),
            30,
            vec![port, ground, destination(ground, r.range(0.0, 360.0), 6_000.0)],
            r.range(3.0, 8.0),
        );
        a.ais = if r.chance(0.6) { Ais::ClassB } else { Ais::None };
        a.report_every_ms = 3 * MINUTE;
        a.length_m = 12 + r.below(15) as u16;
        window(&mut a, &mut r);
        out.push(a);
    }
    for (i, port) in
        [[12.08, 32.97], [13.19, 32.93], [15.10, 32.42], [20.07, 32.16]].iter().enumerate()
    {
        for k in 0..3 {
            let out_to = destination(*port, 20.0 + 40.0 * k as f64, 35_000.0);
            let uid = format!("CGW-PB-{:02}", i * 3 + k + 1);
            let mut a = vessel(
                mmsi(642),
                &format!("PATROL {}", i * 3 + k + 1),
                55,
                vec![*port, out_to],
                14.0,
            );
            a.cot = Some((uid, format!("CGW Patrol {}", i * 3 + k + 1), "a-f-S-X-L".into()));
            a.report_every_ms = 30_000;
            window(&mut a, &mut r);
            out.push(a);
        }
    }
    desert(&mut out, &mut r, day, cycle_end);
    scenarios(&mut out, day);
    out
}

fn vehicle(name: &str, path: Vec<LonLat>, kmh: f64) -> Actor {
    Actor {
        kind: Kind::Vehicle,
        mmsi: 0,
        name: name.into(),
        callsign: String::new(),
        ship_type: 0,
        length_m: 5,
        ais: Ais::None,
        path: Path::new(path),
        speed_mps: kmh / 3.6,
        start: 0,
        end: i64::MAX,
        ping_pong: true,
        report_every_ms: MINUTE,
        phase_ms: 0,
        radar_visible: true,
        cot: None,
        exercise: false,
    }
}

/// Vehicles in the southern border belts (seen by ground sensors when near one) and the army's
/// southern units reporting over CoT.
fn desert(out: &mut Vec<Actor>, r: &mut Rng, day: i64, cycle_end: i64) {
    let sensors = ground_sensors();
    let borders = [border("NER"), border("TCD"), border("DZA"), border("SDN"), border("EGY")];
    for i in 0..220 {
        let Some(near) = sensors.get(r.below(sensors.len().max(1) as u64) as usize) else { break };
        // Background traffic keeps to the Libyan side: from near a sensor, inland, redrawn
        // while the path would cross a border. Crossings outside the official points are the
        // scenarios' to make, not the background's.
        let inland = if near.at[0] < 19.0 { [14.43, 27.04] } else { [23.3, 24.2] };
        let toward = crate::earth::bearing_deg(near.at, inland);
        let draw = |r: &mut Rng| {
            let a = destination(near.at, toward + r.range(-45.0, 45.0), r.range(8_000.0, 25_000.0));
            let b = destination(a, toward + r.range(-60.0, 60.0), r.range(10_000.0, 60_000.0));
            (a, b)
        };
        let (mut a_pt, mut b_pt) = draw(r);
        for _ in 0..20 {
            let clear = |line: &Vec<LonLat>| {
                !crosses(line, a_pt, b_pt)
                    && !crosses(line, near.at, a_pt)
                    && !close(line, a_pt, b_pt)
            };
            if borders.iter().all(clear) {
                break;
            }
            (a_pt, b_pt) = draw(r);
        }
        let mut a = vehicle(&format!("vehicle {i}"), vec![a_pt, b_pt], r.range(30.0, 80.0));
        a.start = day + r.below(20 * HOUR as u64) as i64;
        a.end = (a.start + 2 * HOUR + r.below(4 * HOUR as u64) as i64).min(cycle_end);
        a.phase_ms = r.below(a.report_every_ms as u64) as i64;
        out.push(a);
    }
    for (i, base) in [[14.43, 27.04], [13.9, 23.3], [10.17, 24.96], [23.30, 24.20], [14.65, 24.93]]
        .iter()
        .enumerate()
    {
        let mut a = vehicle(
            &format!("ARS patrol {}", i + 1),
            vec![*base, destination(*base, 180.0, 40_000.0)],
            50.0,
        );
        a.cot = Some((
            format!("ARS-V-{:02}", i + 1),
            format!("ARS Patrol {}", i + 1),
            "a-f-G-U-C".into(),
        ));
        a.report_every_ms = 30_000;
        a.start = day;
        a.end = cycle_end;
        a.radar_visible = false;
        out.push(a);
    }
}

/// The scenarios of the brief, at their times in this cycle.
fn scenarios(out: &mut Vec<Actor>, day: i64) {
    let at = |h: i64| day + h;
    // 1. A small contact without AIS leaves the beach east of Zuwara northbound at night.
    let mut boat = vessel(0, "", 0, vec![[12.32, 32.87], [12.32, 33.55]], 6.0);
    boat.ais = Ais::None;
    boat.ping_pong = false;
    boat.start = at(HOUR);
    boat.end = at(4 * HOUR);
    boat.report_every_ms = 10_000;
    out.push(boat);
    // 2. An AIS-SART north of Sabratha, drifting.
    let mut sart = vessel(970_012_345, "SART", 0, vec![[12.55, 33.40], [12.58, 33.38]], 0.5);
    sart.ais = Ais::Sart;
    sart.start = at(4 * HOUR);
    sart.end = at(8 * HOUR);
    sart.report_every_ms = MINUTE;
    out.push(sart);
    // 4. Four vehicles cross the Niger border 40 km west of Tummo, northbound, together.
    let (cross, _) = border_point_from_tummo(40.0);
    // The Niger border runs roughly east-west here: due north crosses it.
    let north = 0.0;
    let from = destination(cross, 180.0, 25_000.0);
    let to = destination(cross, north, 60_000.0);
    for k in 0..4 {
        let offset = |p: LonLat| destination(p, (north + 90.0) % 360.0, k as f64 * 120.0);
        let mut v = vehicle(&format!("convoy {k}"), vec![offset(from), offset(to)], 55.0);
        v.ping_pong = false;
        v.start = at(10 * HOUR) + k * 5_000;
        v.end = at(12 * HOUR);
        v.report_every_ms = 30_000;
        out.push(v);
    }
    // 5. A fast contact without AIS runs east from the Tripoli radar into Misrata's.
    let mut fast = vessel(0, "", 0, vec![[13.35, 33.02], [15.25, 32.55]], 22.0);
    fast.ais = Ais::None;
    fast.ping_pong = false;
    fast.start = at(14 * HOUR);
    fast.end = at(16 * HOUR);
    fast.report_every_ms = 10_000;
    out.push(fast);
    // 7. The exercise: a simulated departure off Tripoli, every report marked exercise.
    let mut drill = vessel(0, "", 0, vec![[13.25, 32.93], [13.25, 33.35]], 7.0);
    drill.ais = Ais::None;
    drill.ping_pong = false;
    drill.exercise = true;
    drill.start = at(16 * HOUR);
    drill.end = at(17 * HOUR);
    drill.report_every_ms = 10_000;
    out.push(drill);
    // 3. Ship-to-ship: a tanker and a Libyan vessel meet 15 nm off Zuwara; the vessel's AIS is
    // off from 19:30 to 23:30; they lie together below 2 kn from 20:00 to 23:00.
    let meet: LonLat = [12.02, 33.18];
    let tanker_mmsi = 636_091_234;
    let dark_mmsi = 642_100_777;
    let legs = [
        (vec![[11.2, 33.9], meet], 10.0, at(18 * HOUR), at(20 * HOUR), false),
        (vec![meet, destination(meet, 90.0, 150.0)], 0.6, at(20 * HOUR), at(23 * HOUR), true),
        (vec![meet, [11.0, 34.0]], 11.0, at(23 * HOUR), at(24 * HOUR), false),
    ];
    for (path, kn, start, end, pp) in legs.iter().cloned() {
        let mut t = vessel(tanker_mmsi, "OCEAN GRACE", 80, path, kn);
        t.start = start;
        t.end = end;
        t.ping_pong = pp;
        t.report_every_ms = 30_000;
        t.length_m = 230;
        out.push(t);
    }
    let dark_legs = [
        (
            vec![[12.10, 32.96], destination(meet, 180.0, 200.0)],
            8.0,
            at(19 * HOUR),
            at(20 * HOUR),
            false,
        ),
        (
            vec![destination(meet, 180.0, 200.0), destination(meet, 200.0, 260.0)],
            0.8,
            at(20 * HOUR),
            at(23 * HOUR),
            true,
        ),
        (
            vec![destination(meet, 180.0, 200.0), [12.10, 32.96]],
            9.0,
            at(23 * HOUR),
            at(24 * HOUR),
            false,
        ),
    ];
    for (path, kn, start, end, pp) in dark_legs.iter().cloned() {
        let mut d = vessel(dark_mmsi, "AL NASR", 30, path, kn);
        d.ais = Ais::ClassAOffBetween(at(19 * HOUR + 30 * MINUTE), at(23 * HOUR + 30 * MINUTE));
        d.start = start;
        d.end = end;
        d.ping_pong = pp;
        d.report_every_ms = 30_000;
        d.length_m = 40;
        out.push(d);
    }
}

/// Whether the segment `a`–`b` crosses the polyline (planar lon/lat: segments are short).
fn crosses(line: &[LonLat], a: LonLat, b: LonLat) -> bool {
    let side = |p: LonLat, q: LonLat, r: LonLat| {
        (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    };
    line.windows(2).any(|w| {
        let (c, d) = (w[0], w[1]);
        side(a, b, c) * side(a, b, d) < 0.0 && side(c, d, a) * side(c, d, b) < 0.0
    })
}

/// Whether any point of the segment `a`–`b` comes within 2 km of the polyline (sampled every
/// ~500 m; planar projection, good enough to keep background traffic clear of the border).
fn close(line: &[LonLat], a: LonLat, b: LonLat) -> bool {
    let steps = (distance_m(a, b) / 500.0).ceil().max(1.0) as usize;
    (0..=steps).any(|i| {
        let f = i as f64 / steps as f64;
        let p = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
        line.windows(2).any(|w| {
            let (c, d) = (w[0], w[1]);
            let (dx, dy) = (d[0] - c[0], d[1] - c[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((p[0] - c[0]) * dx + (p[1] - c[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            distance_m(p, [c[0] + t * dx, c[1] + t * dy]) < 2_000.0
        })
    })
}
