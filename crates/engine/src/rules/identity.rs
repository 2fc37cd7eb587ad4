//! Identity rules: `sar.beacon`, `mmsi.invalid`, `identity.conflict`, and the kinematic check
//! behind `position.jump` (which fix of an MMSI belongs to which of its tracks).

use model::{Observation, Severity};

use super::{Ctx, Rule, RulesConfig};
use crate::TrackEntry;
use crate::alerts::EpisodeKey;

pub(super) fn on_fix(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    created: bool,
) {
    let Some(mmsi) = entry.track.identity.mmsi else { return };
    let distress = model::mmsi::beacon(mmsi).is_some()
        || entry.track.identity.nav_status.is_some_and(model::mmsi::is_sart_active_status);
    if entry.track.speed_mps.is_some_and(|s| s > rules.position_jump.max_speed_mps) {
        entry.rules.fast = true;
    }
    let p = crate::tracks::current(&entry.track);
    let track = &entry.track;
    if rules.sar_beacon.enabled && distress {
        // Every fix of a beacon updates its one alert: the newest position is what SAR needs.
        let key = EpisodeKey::track(Rule::SarBeacon, number, None);
        ctx.raise(key, &[track], p.time, &[p]);
    }
    if !created {
        return;
    }
    // The MMSI of a track never changes after creation (it is the association key), so the
    // table look-ups run once per track.
    if rules.mmsi_invalid.enabled && !model::mmsi::classify(mmsi).is_valid() {
        ctx.raise(EpisodeKey::track(Rule::MmsiInvalid, number, None), &[track], p.time, &[p]);
    }
    if rules.identity_conflict.enabled && is_default_mmsi(mmsi) {
        let key = EpisodeKey::track(Rule::IdentityConflict, number, None);
        ctx.raise_with(key, &[track], p.time, &[p], Severity::Medium);
    }
}

/// MMSIs that many transponders leave as shipped: 123456789 and MID + 000000.
fn is_default_mmsi(mmsi: u32) -> bool {
    mmsi == 123_456_789
        || ((200_000_000..800_000_000).contains(&mmsi) && mmsi.is_multiple_of(1_000_000))
}

/// Whether `obs` can be the same object as `entry`'s track: a late fix always can; otherwise
/// the implied speed from the track's position must be within the jump limit.
pub(crate) fn consistent(entry: &TrackEntry, obs: &Observation, rules: &RulesConfig) -> bool {
    let jump = &rules.position_jump;
    let track = &entry.track;
    // Against the MMSI's own newest claim when it has one (a radar fix may have moved the
    // track since), else the track's position.
    let (last_time, from) = match entry.rules.last_ais.get() {
        Some((t, lon, lat)) if obs.source_kind == model::SourceKind::Ais => (t, [lon, lat]),
        _ => (track.last_time, [track.position.lon, track.position.lat]),
    };
    if !jump.enabled || obs.time < last_time {
        return true;
    }
    let to = [obs.position.lon, obs.position.lat];
    // Most fixes are a short move on, settled by a bound with no trigonometry.
    let Some(metres) = geo::sphere::farther_than(from, to, jump.min_distance_m) else {
        return true;
    };
    let seconds = obs.time.since(last_time) as f64 / 1_000.0;
    if seconds <= 0.0 {
        return false;
    }
    // High-speed craft: AIS ship types 40-49, or a track that reported such speeds itself.
    let fast = entry.rules.fast
        || entry.track.identity.ship_type.is_some_and(|t| (40..=49).contains(&t))
        || obs.speed_mps.is_some_and(|s| s > jump.max_speed_mps);
    let limit = if fast { jump.max_speed_fast_mps } else { jump.max_speed_mps };
    metres / seconds <= limit
}
