//! A radar's `$xxTTM` tracked-target sentences (from a coastal radar's ARPA tracker), placed by
//! range and bearing from the radar's site.
//!
//! Each target becomes a radar observation whose `source_track` is the tracker's target
//! number, so the engine's fusion gates it against the picture like a JSON radar track. Lost
//! targets (`L`) carry stale values and are skipped (counted as `ttm_lost`); other NMEA on the
//! same feed is skipped (counted as `not_ttm`); bad sentences are counted by reason.

use ais::ttm::{self, TargetStatus, TtmError};
use model::{Identity, ObjectKind, Observation, Position, SourceKind, Time, ValidationLimits};

use crate::Stamp;

/// What every observation of one radar carries.
#[derive(Clone, Debug)]
pub struct RadarSite {
    /// Its source id, agency and marking (its kind is always radar).
    pub stamp: Stamp,
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
        source: radar.stamp.source.clone(),
        source_kind: SourceKind::Radar,
        agency: radar.stamp.agency.clone(),
        marking: radar.stamp.marking.clone(),
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

impl RadarSite {
    /// Whether the site is a place on Earth.
    pub fn check(&self) -> Result<(), String> {
        let [lon, lat] = self.site;
        if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
            Ok(())
        } else {
            Err(format!("site {:?} is not a [lon, lat] on Earth", self.site))
        }
    }
}

#[cfg(test)]
mod tests {
    use model::{AgencyId, Marking};

    use super::*;

    fn line(body: &str) -> String {
        let sum = body.bytes().fold(0u8, |a, b| a ^ b);
        format!("${body}*{sum:02X}")
    }

    fn radar() -> RadarSite {
        RadarSite {
            stamp: Stamp::new(
                "radar-zuwara",
                SourceKind::Radar,
                &AgencyId::new("CGW"),
                &Marking::default(),
            ),
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
