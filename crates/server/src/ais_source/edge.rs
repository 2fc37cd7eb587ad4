//! The decoding half of an AIS source: lines → messages → observations, with the static cache,
//! identity at the edge and the per-source counters.

use std::collections::HashMap;
use std::collections::VecDeque;

use ais::identity::{self, Beacon};
use ais::messages::{Body, Message};
use ais::{Decoder, MAX_LINE_BYTES};
use model::{Identity, ObjectKind, Observation, Position, SourceKind, Time, ValidationLimits};
use prometheus_client::metrics::counter::Counter;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{AisStamp, Lines, Pace, PaceClock, Piece, QUEUE, STATIC_CAPACITY};
use crate::centre::Centre;
use crate::metrics::{RejectLabels, SourceLabels};

const KNOTS_TO_MPS: f64 = 0.514_444;

/// A decoded report waiting for its receive time.
#[derive(Debug)]
pub(super) struct Pending {
    tag_ms: Option<i64>,
    observation: Observation,
}

/// One source's decoding state: the decoder, the static cache and the counters.
#[derive(Debug)]
pub(super) struct Edge {
    pub(super) stamp: AisStamp,
    limits: ValidationLimits,
    pub(super) decoder: Decoder,
    statics: StaticCache,
    pub(super) centre: Centre,
    counters: Counters,
    tx: mpsc::Sender<(Time, Observation)>,
    queue_stage: String,
}

#[derive(Debug)]
struct Counters {
    sentences: Counter,
    messages: Counter,
    timeouts: Counter,
    rejects: HashMap<&'static str, Counter>,
    /// Decoder totals already added to the counters.
    seen: [u64; 3],
}

impl Edge {
    pub(super) fn new(
        stamp: AisStamp,
        centre: &Centre,
        limits: ValidationLimits,
    ) -> (Edge, mpsc::Receiver<(Time, Observation)>) {
        let labels = SourceLabels { source: stamp.id.clone() };
        let ais = &centre.metrics().ais;
        let counters = Counters {
            sentences: ais.sentences.get_or_create(&labels).clone(),
            messages: ais.messages.get_or_create(&labels).clone(),
            timeouts: ais.reassembly_timeouts.get_or_create(&labels).clone(),
            rejects: HashMap::new(),
            seen: [0; 3],
        };
        let (tx, rx) = mpsc::channel(QUEUE);
        let queue_stage = format!("source:{}", stamp.id);
        let edge = Edge {
            stamp,
            limits,
            decoder: Decoder::default(),
            statics: StaticCache::new(STATIC_CAPACITY),
            centre: centre.clone(),
            counters,
            tx,
            queue_stage,
        };
        (edge, rx)
    }

    /// Decodes one line (no CR/LF); a report with a position becomes a pending observation.
    pub(super) fn line(&mut self, line: &[u8], connection: u32, now: Time) -> Option<Pending> {
        if line.len() > MAX_LINE_BYTES {
            self.reject("line_too_long");
            return None;
        }
        let pending = match self.decoder.decode_line(line, connection, now.0) {
            Ok(Some(decoded)) => {
                let tag_ms = decoded.tag_block.and_then(|t| t.time).map(|t| t.unix_ms);
                observe(decoded.message, &mut self.statics, &self.stamp)
                    .map(|observation| Pending { tag_ms, observation })
            }
            Ok(None) => None,
            Err(error) => {
                let reason = error.reason().map_or("not_ais", |r| r.as_str());
                tracing::debug!(%error, source = %self.stamp.id, reason, "ais line rejected");
                self.reject(reason);
                None
            }
        };
        self.sync_counts();
        pending
    }

    pub(super) fn chunk(
        &mut self,
        lines: &mut Lines,
        bytes: &[u8],
        connection: u32,
        now: Time,
        out: &mut Vec<Pending>,
    ) {
        lines.feed(bytes, |piece| self.piece(piece, connection, now, out));
    }

    /// The last line of a stream that ended without a newline.
    pub(super) fn end(
        &mut self,
        lines: &mut Lines,
        connection: u32,
        now: Time,
        out: &mut Vec<Pending>,
    ) {
        lines.end(|piece| self.piece(piece, connection, now, out));
    }

    fn piece(&mut self, piece: Piece<'_>, connection: u32, now: Time, out: &mut Vec<Pending>) {
        match piece {
            Piece::Line(line) => out.extend(self.line(line, connection, now)),
            Piece::TooLong => self.reject("line_too_long"),
        }
    }

    /// Times and validates a pending observation received at `now`.
    pub(super) fn admit(&self, pending: Pending, now: Time) -> Option<Observation> {
        let mut observation = pending.observation;
        observation.time = observation_time(pending.tag_ms, now, self.limits);
        match observation.validate(now, self.limits) {
            Ok(()) => Some(observation),
            Err(error) => {
                self.centre.metrics().rejected(&self.stamp.id, error.reason());
                tracing::debug!(%error, source = %self.stamp.id, "ais observation rejected");
                None
            }
        }
    }

    /// Queues an observation from a live feed; a full queue drops it and counts it.
    pub(super) fn offer(&self, now: Time, observation: Observation) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send((now, observation)) {
            let metrics = self.centre.metrics();
            metrics.full(&self.queue_stage);
            metrics.rejected(&self.stamp.id, "queue_full");
        }
    }

    /// Times, validates and queues what one read of a live feed produced.
    pub(super) fn offer_all(&self, out: &mut Vec<Pending>, now: Time) {
        for pending in out.drain(..) {
            if let Some(observation) = self.admit(pending, now) {
                self.offer(now, observation);
            }
        }
    }

    /// Sends a replayed file's observations, paced, waiting for room. False once the
    /// forwarder has gone.
    pub(super) async fn send_paced(
        &self,
        out: &mut Vec<Pending>,
        pace: Pace,
        clock: &mut PaceClock,
    ) -> bool {
        for pending in out.drain(..) {
            if let (Pace::Original, Some(t)) = (pace, pending.tag_ms)
                && let Some(due) = clock.due(t, Instant::now())
            {
                tokio::time::sleep_until(due).await;
            }
            let now = self.centre.now();
            if let Some(observation) = self.admit(pending, now)
                && self.tx.send((now, observation)).await.is_err()
            {
                return false;
            }
        }
        true
    }

    fn reject(&mut self, reason: &'static str) {
        let (source, ais) = (&self.stamp.id, &self.centre.metrics().ais);
        self.counters
            .rejects
            .entry(reason)
            .or_insert_with(|| {
                let labels = RejectLabels { source: source.clone(), reason: reason.to_string() };
                ais.rejects.get_or_create(&labels).clone()
            })
            .inc();
    }

    fn sync_counts(&mut self) {
        let counts = self.decoder.counts();
        let totals =
            [counts.sentences, counts.messages(), self.decoder.reassembly_stats().timeouts];
        let c = &mut self.counters;
        for ((counter, seen), total) in
            [&c.sentences, &c.messages, &c.timeouts].into_iter().zip(&mut c.seen).zip(totals)
        {
            if total > *seen {
                counter.inc_by(total - *seen);
                *seen = total;
            }
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
fn observe(message: &Message, statics: &mut StaticCache, stamp: &AisStamp) -> Option<Observation> {
    let report = report(message, statics)?;
    let mmsi = message.mmsi;
    let class = identity::classify(mmsi);
    let beacon = identity::beacon(mmsi);
    let known = statics.get(mmsi).cloned().unwrap_or_default();
    let kind = if beacon == Some(Beacon::Mob) { ObjectKind::Person } else { report.kind };
    let (lon, lat) = report.position;
    Some(Observation {
        source: stamp.id.clone(),
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

    fn stamp() -> AisStamp {
        AisStamp::new("ais-test", &AgencyId::new("CGW"), &Marking::default())
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

/// AIS lines → observations without a centre: the same decoder, static cache and identity a
/// source uses, for tools that post observations elsewhere (`tansiq replay`).
#[derive(Debug)]
pub struct LineDecoder {
    decoder: Decoder,
    statics: StaticCache,
    stamp: AisStamp,
}

impl LineDecoder {
    pub fn new(stamp: AisStamp) -> LineDecoder {
        LineDecoder {
            decoder: Decoder::default(),
            statics: StaticCache::new(STATIC_CAPACITY),
            stamp,
        }
    }

    /// One line received at `now_ms`: the observation it completes, timed by its tag block's
    /// `c:` when it has one, else `now_ms`. Not validated.
    pub fn line(&mut self, line: &[u8], now_ms: i64) -> Option<Observation> {
        let decoded = self.decoder.decode_line(line, 0, now_ms).ok()??;
        let tag_ms = decoded.tag_block.and_then(|t| t.time).map(|t| t.unix_ms);
        let mut observation = observe(decoded.message, &mut self.statics, &self.stamp)?;
        observation.time = Time(tag_ms.unwrap_or(now_ms));
        Some(observation)
    }
}
