//! Radar sources: `$xxTTM` tracked-target sentences from a coastal radar's ARPA tracker, in UDP
//! datagrams (one or more lines each), placed by range and bearing from the radar's site.
//!
//! Each target becomes a radar observation whose `source_track` is the tracker's target
//! number, so the engine's fusion gates it against the picture like a JSON radar track. Lost
//! targets (`L`) carry stale values and are skipped (counted as `ttm_lost`); other NMEA on the
//! same feed is skipped (counted as `not_ttm`); bad sentences are counted by reason.

use std::net::SocketAddr;

use ais::ttm::{self, TargetStatus, TtmError};
use model::{
    AgencyId, Identity, Marking, ObjectKind, Observation, Position, SourceKind, Time,
    ValidationLimits,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::centre::Centre;
use crate::sources::{SourceError, forward};

const QUEUE: usize = 16_384;

/// What every observation of one radar carries.
#[derive(Clone, Debug)]
pub struct RadarSite {
    pub id: String,
    pub agency: AgencyId,
    pub marking: Marking,
    /// The antenna's (lon, lat).
    pub site: [f64; 2],
}

/// Why a line gave no observation, as a metrics label.
pub fn reason(error: &TtmError) -> &'static str {
    match error {
        TtmError::NotTtm => "not_ttm",
        TtmError::MissingChecksum => "missing_checksum",
        TtmError::BadChecksum { .. } => "bad_checksum",
        TtmError::BadTagBlock => "bad_tag_block",
        TtmError::FieldCount(_) => "field_count",
        TtmError::BadField { .. } => "bad_field",
        TtmError::Relative { .. } => "relative_bearing",
    }
}

/// One line → an observation, or the metrics label of why not. Pure: time comes in.
pub fn observe(
    radar: &RadarSite,
    line: &[u8],
    received: Time,
    limits: ValidationLimits,
) -> Result<Observation, &'static str> {
    let target = ttm::parse_ttm(line).map_err(|e| reason(&e))?;
    if target.status == Some(TargetStatus::Lost) {
        return Err("ttm_lost");
    }
    let [lon, lat] = target.position(radar.site);
    let time = Time(ttm::target_time(&target, received.0));
    let identity = Identity {
        source_track: Some(target.number.to_string().into()),
        name: (!target.name.is_empty()).then(|| target.name.into()),
        ..Identity::default()
    };
    let observation = Observation {
        source: radar.id.clone(),
        source_kind: SourceKind::Radar,
        agency: radar.agency.clone(),
        marking: radar.marking.clone(),
        time,
        position: Position { lon, lat, alt_m: None, accuracy_m: None },
        speed_mps: target.speed_mps,
        course_deg: target.course_deg,
        heading_deg: None,
        identity,
        kind: ObjectKind::Unknown,
        exercise: false,
    };
    observation.validate(received, limits).map_err(|e| e.reason())?;
    Ok(observation)
}

pub(crate) async fn start_ttm_udp(
    radar: RadarSite,
    listen: SocketAddr,
    centre: Centre,
    limits: ValidationLimits,
) -> Result<(SocketAddr, Vec<JoinHandle<()>>), SourceError> {
    let bind = |e: std::io::Error| SourceError::Bind {
        id: radar.id.clone(),
        addr: listen,
        message: e.to_string(),
    };
    let [lon, lat] = radar.site;
    if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
        return Err(SourceError::Invalid {
            id: radar.id.clone(),
            message: format!("site {:?} is not a [lon, lat] on Earth", radar.site),
        });
    }
    let socket = tokio::net::UdpSocket::bind(listen).await.map_err(bind)?;
    let local_addr = socket.local_addr().map_err(bind)?;
    let (tx, rx) = mpsc::channel(QUEUE);
    let id = radar.id.clone();
    let receiver = tokio::spawn(receive(socket, radar, centre.clone(), limits, tx));
    let forwarder = tokio::spawn(forward(id.clone(), rx, centre));
    tracing::info!(source = %id, %local_addr, "ttm_udp source listening");
    Ok((local_addr, vec![receiver, forwarder]))
}

async fn receive(
    socket: tokio::net::UdpSocket,
    radar: RadarSite,
    centre: Centre,
    limits: ValidationLimits,
    tx: mpsc::Sender<(Time, Observation)>,
) {
    let mut buf = vec![0u8; 65_536];
    let metrics = centre.metrics();
    loop {
        let n = match socket.recv_from(&mut buf).await {
            Ok((n, _peer)) => n,
            Err(error) => {
                metrics.rejected(&radar.id, "socket");
                tracing::warn!(%error, source = %radar.id, "receive failed");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let now = centre.now();
        for line in buf[..n].split(|&c| c == b'\n') {
            if line.trim_ascii().is_empty() {
                continue;
            }
            match observe(&radar, line, now, limits) {
                Ok(observation) => {
                    if tx.try_send((now, observation)).is_err() {
                        metrics.full(&format!("source:{}", radar.id));
                        metrics.rejected(&radar.id, "queue_full");
                    }
                }
                Err(reason) => metrics.rejected(&radar.id, reason),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(body: &str) -> String {
        let sum = body.bytes().fold(0u8, |a, b| a ^ b);
        format!("${body}*{sum:02X}")
    }

    fn radar() -> RadarSite {
        RadarSite {
            id: "radar-zuwara".into(),
            agency: AgencyId::new("CGW"),
            marking: Marking::default(),
            site: [12.08, 32.93],
        }
    }

    #[test]
    fn a_target_becomes_a_radar_observation_at_range_and_bearing() {
        let now = Time(1_700_000_000_000);
        let l = line("RATTM,42,5.0,000.0,T,10.0,180.0,T,,,N,,T,,,A");
        let o = observe(&radar(), l.as_bytes(), now, ValidationLimits::default()).unwrap();
        assert_eq!(o.source_kind, SourceKind::Radar);
        assert_eq!(o.identity.source_track.as_deref(), Some("42"));
        assert_eq!(o.agency, AgencyId::new("CGW"));
        assert_eq!(o.time, now);
        assert!((o.position.lon - 12.08).abs() < 1e-9);
        assert!((o.position.lat - (32.93 + 5.0 / 60.0)).abs() < 1e-3, "{:?}", o.position);
        assert_eq!(o.course_deg, Some(180.0));
    }

    #[test]
    fn lost_other_and_broken_lines_give_reasons() {
        let now = Time(1_700_000_000_000);
        let limits = ValidationLimits::default();
        let lost = line("RATTM,42,5.0,000.0,T,10.0,180.0,T,,,N,,L,,,A");
        assert_eq!(observe(&radar(), lost.as_bytes(), now, limits), Err("ttm_lost"));
        let gga = line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
        assert_eq!(observe(&radar(), gga.as_bytes(), now, limits), Err("not_ttm"));
        assert_eq!(observe(&radar(), b"$RATTM,\xff\xfe", now, limits), Err("missing_checksum"));
        let relative = line("RATTM,42,5.0,000.0,R,10.0,180.0,T,,,N,,T,,,A");
        assert_eq!(observe(&radar(), relative.as_bytes(), now, limits), Err("relative_bearing"));
    }
}
