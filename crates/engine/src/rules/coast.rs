//! Sea rules measured from the coast: `coast.unidentified_departure` (a radar-only contact
//! moving seaward fast enough, for long enough, inside the coastal band) and `ais.gap` (a
//! vessel last seen in the area by AIS that has been silent too long; driven by event time).

use geo::sphere::haversine_m;
use model::{ObjectKind, SourceKind, Time, TrackPoint};

use super::{Ctx, Rule, RulesConfig, is_unidentified};
use crate::alerts::EpisodeKey;
use crate::{EngineConfig, TrackEntry};

pub(super) fn on_fix(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    prev: Option<TrackPoint>,
    in_port: bool,
) {
    departure(ctx, rules, number, entry, prev, in_port);
    gap_seen(ctx, rules, number, entry);
}

/// `in_port`: the fix lies inside a port or terminal anchorage zone.
fn departure(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    prev: Option<TrackPoint>,
    in_port: bool,
) {
    let cfg = &rules.departure;
    let p = crate::tracks::current(&entry.track);
    let key = EpisodeKey::track(Rule::UnidentifiedDeparture, number, None);
    if !cfg.enabled || !is_unidentified(&entry.track) {
        // Identified since (fused with AIS, say): no longer an unidentified departure.
        entry.rules.clear_rare(|r| r.seaward_since = None);
        entry.rules.coast_m.set(None);
        ctx.clear(&key, p.time);
        return;
    }
    if !matches!(entry.track.kind, ObjectKind::Vessel | ObjectKind::Unknown) {
        return;
    }
    let geo = ctx.geo;
    let in_band = geo.surface(p.lon, p.lat) == geo::Surface::Sea
        && super::near_coast(geo, &mut entry.rules.coast, [p.lon, p.lat], cfg.within_m);
    // The memo holds an exact measurement: `near_coast` took it at `p` unless a bound settled
    // the question, and then the distance here is measured now.
    let here = [p.lon, p.lat];
    let measured = entry.rules.coast.get().filter(|(at, _)| *at == here).map(|(_, d)| d);
    let distance =
        if in_band { measured.or_else(|| geo.distance_to_coast_m(p.lon, p.lat)) } else { None };
    let distance = distance.filter(|d| d.is_finite());
    let before = entry.rules.coast_m.get();
    entry.rules.coast_m.set(distance);
    let (Some(now_m), Some(before_m), Some(prev)) = (distance, before, prev) else {
        entry.rules.clear_rare(|r| r.seaward_since = None);
        return;
    };
    let seconds = p.time.since(prev.time) as f64 / 1_000.0;
    let implied =
        || (seconds > 0.0).then(|| haversine_m([prev.lon, prev.lat], [p.lon, p.lat]) / seconds);
    let speed = p.speed_mps.or_else(implied).unwrap_or(0.0);
    if in_port {
        entry.rules.with_rare(|r| r.in_port_at = Some(p.time));
    }
    if now_m > before_m && speed > cfg.min_speed_mps {
        let since = entry.rules.with_rare(|r| *r.seaward_since.get_or_insert(prev.time));
        // A run that began within the hour after the track was in a port left that port
        // (radar noise may have restarted the run since).
        let from_port =
            entry.rules.rare().in_port_at.is_some_and(|t| since.since(t) <= PORT_MEMORY_MS);
        if p.time.since(since) >= cfg.min_duration_ms && (cfg.from_ports || !from_port) {
            ctx.raise(key, &[&entry.track], p.time, &[prev, p]);
        }
    } else {
        entry.rules.clear_rare(|r| r.seaward_since = None);
    }
}

/// How long after its last fix in a port a seaward run counts as leaving that port.
const PORT_MEMORY_MS: i64 = Time::MS_PER_HOUR;

/// A fix of an AIS vessel: gap alerts, if any, end; gaps are watched for if the vessel is in
/// the area (and, for the short warning, inside the coastal receivers' coverage).
fn gap_seen(ctx: &mut Ctx<'_>, rules: &RulesConfig, number: u64, entry: &mut TrackEntry) {
    let p = crate::tracks::current(&entry.track);
    for (raised, rule) in [
        (&mut entry.rules.gap_raised, Rule::AisGap),
        (&mut entry.rules.cover_raised, Rule::AisGapInCoverage),
    ] {
        if !std::mem::take(raised) {
            continue;
        }
        let key = EpisodeKey::track(rule, number, None);
        if ctx.alerts.is_open(&key) {
            // The reappearance is part of the evidence of the gap.
            ctx.raise(key.clone(), &[&entry.track], p.time, &[p]);
        }
        ctx.clear(&key, p.time);
    }
    let cfg = &rules.ais_gap;
    let ais_vessel = cfg.enabled
        && entry.track.kind == ObjectKind::Vessel
        && entry.track.identity.mmsi.is_some()
        && entry.track.source_kinds.contains(&SourceKind::Ais);
    let (geo, memo, at) = (ctx.geo, &mut entry.rules.coast, [p.lon, p.lat]);
    entry.rules.gap_watch = ais_vessel && super::near_coast(geo, memo, at, cfg.area_m);
    // Coverage drawn as zones may reach past the area watched for the long gap.
    entry.rules.cover_watch = ais_vessel
        && cfg.coverage_gap_ms > 0
        && if cfg.coverage_zones.is_empty() {
            entry.rules.gap_watch && super::near_coast(geo, memo, at, cfg.coverage_m)
        } else {
            cfg.coverage_zones.iter().any(|zone| geo.zone_contains(zone, p.lon, p.lat))
        };
}

/// From the sweep: raises `ais.gap` (and the shorter `ais.gap_in_coverage` warning) for a
/// watched vessel silent since its last fix for the gap time. Returns whether it raised.
pub(crate) fn gap_check(
    ctx: &mut Ctx<'_>,
    config: &EngineConfig,
    number: u64,
    entry: &mut TrackEntry,
    now: Time,
) -> bool {
    let last = crate::tracks::current(&entry.track);
    let (dark, cover) = entry.rules.gap_dues(entry.track.last_time, config);
    let mut raised = false;
    if cover.is_some_and(|due| due <= now) {
        entry.rules.cover_raised = true;
        let key = EpisodeKey::track(Rule::AisGapInCoverage, number, None);
        ctx.raise(key, &[&entry.track], now, &[last]);
        raised = true;
    }
    if dark.is_some_and(|due| due <= now) {
        entry.rules.gap_raised = true;
        let key = EpisodeKey::track(Rule::AisGap, number, None);
        ctx.raise(key, &[&entry.track], now, &[last]);
        raised = true;
    }
    raised
}
