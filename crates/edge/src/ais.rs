//! The AIS edge: lines → messages → observations, with a bounded cache of static data and
//! identity at the edge, for one source. Pure: the receive time comes in, and what is refused
//! comes back with its counting reason.
//!
//! - **Time.** An observation's `time` is its tag block's `c:` time when that is plausible —
//!   inside the centre's validation window around the receive time (`ingest.max_future_ms`
//!   ahead, `ingest.max_age_ms` behind) — else the receive time: a receiver with an unset clock
//!   or an old recording must not have its reports refused as stale.
//! - **Which messages.** Types 1–3, 18, 19 and 27 become vessel observations and type 9 an
//!   aircraft (altitude as `alt_m`); a man-overboard device (MMSI 972…) is a person. Types 5,
//!   19 and 24 feed the static cache. Aids to navigation (21) and base stations (4) are fixed
//!   objects, not tracks: they are counted as messages and give no observation.
//! - **Static data.** Up to [`STATIC_CAPACITY`] MMSIs per source (name, call sign, IMO, ship
//!   type), attached to the vessel's later position reports; beyond that the MMSI first seen
//!   longest ago is forgotten (it returns with its next type 5 or 24, sent every six minutes).
//! - **Identity at the edge.** Every observation says whether its MMSI is valid under ITU-R
//!   M.585 (`mmsi_valid`), its MID's country (`flag`), whether it is a distress beacon
//!   (`ais_beacon`: `sart`, `mob`, `epirb`) and its navigational status (`nav_status`; 14 is
//!   "AIS-SART active").

use std::collections::HashMap;
use std::collections::VecDeque;

use ais::messages::{Body, Message};
use ais::{Decoder, MAX_LINE_BYTES};
use model::{
    Identity, ObjectKind, Observation, ObservationError, Position, SourceKind, Time,
    ValidationLimits,
};

use model::mmsi::{self as identity, Beacon};

use crate::Stamp;

const KNOTS_TO_MPS: f64 = 0.514_444;

/// MMSIs whose static data one source remembers.
pub const STATIC_CAPACITY: usize = 50_000;

/// A decoded report waiting for its receive time.
#[derive(Debug)]
pub struct Pending {
    tag_ms: Option<i64>,
    observation: Observation,
}

impl Pending {
    /// The tag block's `c:` time, if the line had one.
    pub fn tag_ms(&self) -> Option<i64> {
        self.tag_ms
    }
}

/// Why a line gave no report.
#[derive(Debug, thiserror::Error)]
pub enum LineRefused {
    #[error("line longer than {MAX_LINE_BYTES} bytes")]
    TooLong,
    #[error(transparent)]
    Decode(#[from] ais::LineError),
}

impl LineRefused {
    /// The counting reason (`not_ais` for a line that is not AIS at all).
    pub fn reason(&self) -> &'static str {
        match self {
            LineRefused::TooLong => "line_too_long",
            LineRefused::Decode(error) => error.reason().map_or("not_ais", |r| r.as_str()),
        }
    }
}

/// What the decoder has seen so far, for a source's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: u64,
    pub sentences: u64,
    pub messages: u64,
    pub reassembly_timeouts: u64,
}

/// One source's decoding state: the decoder and the static cache.
#[derive(Debug)]
pub struct AisEdge {
    stamp: Stamp,
    limits: ValidationLimits,
    decoder: Decoder,
    statics: StaticCache,
}

impl AisEdge {
    /// An edge stamping `stamp`'s source, agency and marking (its kind is always AIS).
    pub fn new(stamp: Stamp, limits: ValidationLimits) -> AisEdge {
        AisEdge {
            stamp,
            limits,
            decoder: Decoder::default(),
            statics: StaticCache::new(STATIC_CAPACITY),
        }
    }

    pub fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    /// Decodes one line (no CR/LF); a report with a position becomes a pending observation,
    /// a fragment or a message without one gives `Ok(None)`.
    pub fn line(
        &mut self,
        line: &[u8],
        connection: u32,
        now: Time,
    ) -> Result<Option<Pending>, LineRefused> {
        if line.len() > MAX_LINE_BYTES {
            return Err(LineRefused::TooLong);
        }
        match self.decoder.decode_line(line, connection, now.0)? {
            Some(decoded) => {
                let tag_ms = decoded.tag_block.and_then(|t| t.time).map(|t| t.unix_ms);
                Ok(observe(decoded.message, &mut self.statics, &self.stamp)
                    .map(|observation| Pending { tag_ms, observation }))
            }
            None => Ok(None),
        }
    }

    /// Times and validates a pending observation received at `now`.
    pub fn admit(&self, pending: Pending, now: Time) -> Result<Observation, ObservationError> {
        let mut observation = pending.observation;
        observation.time = observation_time(pending.tag_ms, now, self.limits);
        observation.validate(now, self.limits)?;
        Ok(observation)
    }

    /// A pending observation timed by its tag block's `c:` when it has one, else `now`,
    /// without validation: for tools that re-time what they replay.
    pub fn untimed(pending: Pending, now: Time) -> Observation {
        let mut observation = pending.observation;
        observation.time = Time(pending.tag_ms.unwrap_or(now.0));
        observation
    }

    /// The decoder's totals so far.
    pub fn totals(&self) -> Totals {
        let counts = self.decoder.counts();
        Totals {
            lines: counts.lines,
            sentences: counts.sentences,
            messages: counts.messages(),
            reassembly_timeouts: self.decoder.reassembly_stats().timeouts,
        }
    }
}

/// The `c:` time when it is inside the validation window around `now`, else `now`.
fn observation_time(tag_ms: Option<i64>, now: Time, limits: ValidationLimits) -> Time {
    let earliest = now.0.saturating_sub(limits.max_age_ms);
    let latest = now.0.saturating_add(limits.max_future_ms);
    match tag_ms {
        Some(t) if (earliest..=latest).contains(&t) => Time(t),
        _ => now,
    }
}

/// What a position-bearing message says, before identity is attached.
struct Report {
    position: (f64, f64),
    alt_m: Option<f64>,
    knots: Option<f64>,
    course: Option<f64>,
    heading: Option<f64>,
    status: Option<u8>,
    kind: ObjectKind,
}

impl Report {
    fn vessel(position: (f64, f64)) -> Report {
        Report {
            position,
            alt_m: None,
            knots: None,
            course: None,
            heading: None,
            status: None,
            kind: ObjectKind::Vessel,
        }
    }
}

fn tenths(raw: u16, not_available: u16) -> Option<f64> {
    (raw < not_available).then(|| f64::from(raw) / 10.0)
}

fn degrees(raw: u16) -> Option<f64> {
    (raw < 360).then(|| f64::from(raw))
}

/// Reads a message: static data goes to the cache, a position report becomes a report.
fn report(message: &Message, statics: &mut StaticCache) -> Option<Report> {
    let mmsi = message.mmsi;
    match &message.body {
        Body::Position(p) => Some(Report {
            knots: p.speed_knots(),
            course: p.course_degrees(),
            heading: p.heading_degrees().map(f64::from),
            status: Some(p.status),
            ..Report::vessel(p.position()?)
        }),
        Body::ClassB(p) => Some(Report {
            knots: p.speed_knots(),
            course: p.course_degrees(),
            heading: p.heading_degrees().map(f64::from),
            ..Report::vessel(p.position()?)
        }),
        Body::ClassBExtended(p) => {
            statics.learn(mmsi, p.shipname.as_str(), "", 0, p.shiptype);
            Some(Report {
                knots: p.speed_knots(),
                course: tenths(p.course, 3600),
                heading: degrees(p.heading),
                ..Report::vessel(p.position()?)
            })
        }
        Body::SarAircraft(p) => Some(Report {
            alt_m: p.altitude_metres().map(f64::from),
            knots: (p.speed < 1023).then(|| f64::from(p.speed)),
            course: tenths(p.course, 3600),
            kind: ObjectKind::Aircraft,
            ..Report::vessel(p.position()?)
        }),
        Body::LongRange(p) => Some(Report {
            knots: p.speed_knots().map(f64::from),
            course: p.course_degrees().map(f64::from),
            status: Some(p.status),
            ..Report::vessel(p.position()?)
        }),
        Body::StaticVoyage(s) => {
            let (name, callsign) = (s.shipname.as_str(), s.callsign.as_str());
            statics.learn(mmsi, name, callsign, s.imo, s.shiptype);
            None
        }
        Body::StaticDataA { shipname } => {
            statics.learn(mmsi, shipname.as_str(), "", 0, 0);
            None
        }
        Body::StaticDataB(b) => {
            statics.learn(mmsi, "", b.callsign.as_str(), 0, b.shiptype);
            None
        }
        _ => None,
    }
}

/// The observation a message makes, untimed (`admit` sets the time), or `None`.
fn observe(message: &Message, statics: &mut StaticCache, stamp: &Stamp) -> Option<Observation> {
    let report = report(message, statics)?;
    let mmsi = message.mmsi;
    let class = identity::classify(mmsi);
    let beacon = identity::beacon(mmsi);
    let known = statics.get(mmsi).cloned().unwrap_or_default();
    let kind = if beacon == Some(Beacon::Mob) { ObjectKind::Person } else { report.kind };
    let (lon, lat) = report.position;
    Some(Observation {
        source: stamp.source.clone(),
        source_kind: SourceKind::Ais,
        agency: stamp.agency.clone(),
        marking: stamp.marking.clone(),
        time: Time(0),
        position: Position { lon, lat, alt_m: report.alt_m, accuracy_m: None },
        speed_mps: report.knots.map(|k| k * KNOTS_TO_MPS),
        course_deg: report.course,
        heading_deg: report.heading,
        identity: Identity {
            mmsi: Some(mmsi),
            imo: known.imo,
            callsign: known.callsign.map(Into::into),
            name: known.name.map(Into::into),
            ship_type: known.ship_type,
            mmsi_valid: Some(class.is_valid()),
            flag: class.mid.map(|m| m.iso.into()),
            ais_beacon: beacon.map(|b| beacon_name(b).into()),
            nav_status: report.status,
            ..Identity::default()
        },
        kind,
        exercise: false,
    })
}

fn beacon_name(beacon: Beacon) -> &'static str {
    match beacon {
        Beacon::Sart => "sart",
        Beacon::Mob => "mob",
        Beacon::Epirb => "epirb",
    }
}

/// Static data of one vessel, as far as types 5, 19 and 24 have told it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Static {
    name: Option<String>,
    callsign: Option<String>,
    imo: Option<u32>,
    ship_type: Option<u8>,
}

/// MMSI → static data, bounded: the MMSI first seen longest ago goes first.
#[derive(Debug)]
struct StaticCache {
    map: HashMap<u32, Static>,
    order: VecDeque<u32>,
    capacity: usize,
}

impl StaticCache {
    fn new(capacity: usize) -> StaticCache {
        StaticCache { map: HashMap::new(), order: VecDeque::new(), capacity: capacity.max(1) }
    }

    fn get(&self, mmsi: u32) -> Option<&Static> {
        self.map.get(&mmsi)
    }

    /// Records what is available: empty text, IMO 0 and ship type 0 mean "not available".
    fn learn(&mut self, mmsi: u32, name: &str, callsign: &str, imo: u32, ship_type: u8) {
        let imo = (1_000_000..=9_999_999).contains(&imo).then_some(imo);
        let ship_type = (ship_type > 0).then_some(ship_type);
        if name.trim().is_empty()
            && callsign.trim().is_empty()
            && imo.is_none()
            && ship_type.is_none()
        {
            return;
        }
        if !self.map.contains_key(&mmsi) {
            if self.map.len() >= self.capacity
                && let Some(oldest) = self.order.pop_front()
            {
                self.map.remove(&oldest);
            }
            self.order.push_back(mmsi);
        }
        let entry = self.map.entry(mmsi).or_default();
        set_text(&mut entry.name, name);
        set_text(&mut entry.callsign, callsign);
        entry.imo = imo.or(entry.imo);
        entry.ship_type = ship_type.or(entry.ship_type);
    }
}

fn set_text(slot: &mut Option<String>, text: &str) {
    let text = text.trim();
    if !text.is_empty() && slot.as_deref() != Some(text) {
        *slot = Some(text.to_string());
    }
}

#[cfg(test)]
mod tests {
    use ais::messages::{AidToNavigation, PositionReport};
    use model::{AgencyId, Marking};

    use super::*;

    fn stamp() -> Stamp {
        Stamp::ais("ais-test", &AgencyId::new("CGW"), &Marking::default())
    }

    /// Observations from real sentences (gpsd's sample.aivdm), decoded with a fresh decoder.
    fn observe_lines(lines: &[&str], statics: &mut StaticCache) -> Vec<Observation> {
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        for line in lines {
            if let Ok(Some(decoded)) = decoder.decode_line(line.as_bytes(), 0, 0) {
                out.extend(observe(decoded.message, statics, &stamp()));
            }
        }
        out
    }

    fn position_report(mmsi: u32, lon: f64, lat: f64) -> Message {
        let report = PositionReport {
            lon: (lon * 600_000.0) as i32,
            lat: (lat * 600_000.0) as i32,
            speed: 1023,
            course: 3600,
            heading: 511,
            ..PositionReport::default()
        };
        Message { msg_type: 1, mmsi, body: Body::Position(report), ..Message::default() }
    }

    #[test]
    fn a_sar_aircraft_is_an_aircraft_with_its_altitude() {
        let mut statics = StaticCache::new(8);
        let got = observe_lines(&["!AIVDM,1,1,,A,91b77=h3h00nHt0Q3r@@07000<0b,0*69"], &mut statics);
        let [o] = got.as_slice() else { panic!("{got:?}") };
        assert_eq!(o.kind, ObjectKind::Aircraft);
        assert_eq!(o.identity.mmsi, Some(111_265_591));
        assert_eq!(o.position.alt_m, Some(15.0));
        assert_eq!(o.speed_mps, Some(0.0));
        assert_eq!(o.source_kind, SourceKind::Ais);
        assert_eq!(o.source, "ais-test");
    }

    #[test]
    fn type_19_names_itself_and_type_27_carries_its_status() {
        let mut statics = StaticCache::new(8);
        let got = observe_lines(
            &[
                "!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B",
                "!AIVDM,1,1,,A,KCQ9r=hrFUnH7P00,0*41",
            ],
            &mut statics,
        );
        let [b, long_range] = got.as_slice() else { panic!("{got:?}") };
        assert_eq!(b.identity.name.as_deref(), Some("CAPT.J.RIMES"));
        assert_eq!(b.identity.ship_type, Some(70));
        assert_eq!(b.speed_mps, Some(8.7 * KNOTS_TO_MPS));
        assert_eq!(b.course_deg, Some(335.9));
        assert_eq!(long_range.identity.nav_status, Some(3));
        assert_eq!(long_range.speed_mps, Some(0.0));
        assert!((long_range.position.lon - -92_521.0 / 600.0).abs() < 1e-9);
    }

    #[test]
    fn type_24_parts_reach_the_next_position_report() {
        let mut statics = StaticCache::new(8);
        let got = observe_lines(
            &[
                "!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D",
                "!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40",
            ],
            &mut statics,
        );
        assert!(got.is_empty(), "static data alone is no observation: {got:?}");
        let o = observe(&position_report(271_041_815, 29.0, 41.0), &mut statics, &stamp());
        let identity = o.map(|o| o.identity).unwrap_or_default();
        assert_eq!(identity.name.as_deref(), Some("PROGUY"));
        assert_eq!(identity.callsign.as_deref(), Some("TC6163"));
        assert_eq!(identity.ship_type, Some(60));
        assert_eq!(identity.flag.as_deref(), Some("TR"));
    }

    #[test]
    fn aids_to_navigation_and_positionless_reports_are_not_observations() {
        let mut statics = StaticCache::new(8);
        let aid = AidToNavigation { lon: 7_000_000, lat: 19_000_000, ..AidToNavigation::default() };
        let message = Message {
            msg_type: 21,
            mmsi: 992_351_000,
            body: Body::AidToNavigation(aid),
            ..Message::default()
        };
        assert_eq!(observe(&message, &mut statics, &stamp()), None);
        assert_eq!(
            observe(&position_report(642_000_001, 181.0, 91.0), &mut statics, &stamp()),
            None
        );
        let o = observe(&position_report(642_000_001, 13.2, 32.9), &mut statics, &stamp());
        let o = o.expect("a report with a position");
        assert_eq!((o.speed_mps, o.course_deg, o.heading_deg), (None, None, None));
    }

    #[test]
    fn a_tag_time_is_used_only_inside_the_validation_window() {
        let limits = ValidationLimits::default();
        let now = Time(1_800_000_000_000);
        assert_eq!(observation_time(None, now, limits), now);
        assert_eq!(observation_time(Some(now.0 - 60_000), now, limits), Time(now.0 - 60_000));
        let too_old = now.0 - limits.max_age_ms - 1;
        assert_eq!(observation_time(Some(too_old), now, limits), now);
        let too_new = now.0 + limits.max_future_ms + 1;
        assert_eq!(observation_time(Some(too_new), now, limits), now);
        assert_eq!(observation_time(Some(i64::MIN), Time(i64::MIN + 5), limits), Time(i64::MIN));
    }

    #[test]
    fn the_static_cache_is_bounded_and_ignores_unavailable_values() {
        let mut statics = StaticCache::new(2);
        statics.learn(1, "", "  ", 0, 0);
        assert!(statics.get(1).is_none(), "nothing available, nothing stored");
        statics.learn(1, "ONE", "", 123, 0);
        assert_eq!(statics.get(1).and_then(|s| s.imo), None, "123 is no IMO number");
        statics.learn(2, "TWO", "", 9_134_270, 70);
        statics.learn(1, "", "CALL1", 0, 0);
        statics.learn(3, "THREE", "", 0, 0);
        assert!(statics.get(1).is_none(), "the first seen goes first");
        let two = statics.get(2).cloned().unwrap_or_default();
        assert_eq!(
            (two.name.as_deref(), two.imo, two.ship_type),
            (Some("TWO"), Some(9_134_270), Some(70))
        );
        assert!(statics.get(3).is_some());
        assert_eq!(statics.map.len(), statics.order.len());
    }
}
