//! Per-vessel behaviour at sea: `loitering` (slow on average, long, far offshore),
//! `port.visit` (stopped in a port's anchorage) and `ais.disabling` (a long silence that
//! starts and ends far offshore).

use geo::sphere::haversine_m;
use model::{ObjectKind, SourceKind, Time, TrackPoint};
use serde::{Deserialize, Serialize};

use super::{Ctx, Rule, RulesConfig};
use crate::TrackEntry;
use crate::alerts::EpisodeKey;

/// A loitering window: since when, and the path travelled since.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Loiter {
    pub since: Time,
    pub path_m: f64,
    pub last: [f64; 2],
}

pub(super) fn on_fix(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    prev: Option<TrackPoint>,
) {
    if entry.track.kind != ObjectKind::Vessel {
        return;
    }
    let p = crate::tracks::current(&entry.track);
    loitering(ctx, rules, number, entry, p);
    port_visit(ctx, rules, number, entry, p);
    if let Some(prev) = prev {
        disabling(ctx, rules, number, entry, prev, p);
    }
}

fn loitering(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    p: TrackPoint,
) {
    let cfg = &rules.loitering;
    let key = EpisodeKey::track(Rule::Loitering, number, None);
    let here = [p.lon, p.lat];
    if !cfg.enabled || super::near_coast(ctx.geo, &mut entry.rules.coast, here, cfg.min_offshore_m)
    {
        entry.rules.loiter.set(None);
        ctx.clear(&key, p.time);
        return;
    }
    let Some(mut w) = entry.rules.loiter.get() else {
        entry.rules.loiter.set(Some(Loiter { since: p.time, path_m: 0.0, last: here }));
        return;
    };
    w.path_m += haversine_m(w.last, here);
    w.last = here;
    let seconds = p.time.since(w.since) as f64 / 1_000.0;
    if seconds > 0.0 {
        if w.path_m / seconds >= cfg.max_avg_speed_mps {
            // Too fast on average: the window starts again here.
            w = Loiter { since: p.time, path_m: 0.0, last: here };
            ctx.clear(&key, p.time);
        } else if p.time.since(w.since) >= cfg.min_duration_ms {
            ctx.raise(key, &[&entry.track], p.time, &[p]);
        }
    }
    entry.rules.loiter.set(Some(w));
}

fn port_visit(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    p: TrackPoint,
) {
    let cfg = &rules.port_visit;
    let stopped = entry.track.speed_mps.is_some_and(|s| s < cfg.max_speed_mps);
    // Only a stopped vessel starts a visit and only one in a port ends one: the nearest-port
    // scan is skipped for every vessel under way, the common case.
    if !cfg.enabled || !(stopped || entry.rules.rare().port.is_some()) {
        return;
    }
    let nearest = ctx.geo.nearest_port(p.lon, p.lat);
    if let Some(port) = entry.rules.rare().port.clone() {
        let left = nearest.is_none_or(|(z, d)| z.id != port || d > cfg.leave_m);
        if left {
            entry.rules.with_rare(|r| r.port = None);
            ctx.clear(&EpisodeKey::track(Rule::PortVisit, number, Some(&port)), p.time);
        }
    }
    let Some((zone, d)) = nearest.filter(|(_, d)| *d <= cfg.enter_m) else { return };
    if entry.rules.rare().port.is_none() {
        entry.rules.with_rare(|r| r.port = Some(zone.id.clone()));
    }
    let key = EpisodeKey::track(Rule::PortVisit, number, Some(&zone.id));
    if stopped && entry.rules.rare().port.as_deref() == Some(zone.id.as_str()) && d <= cfg.leave_m {
        ctx.raise(key, &[&entry.track], p.time, &[p]);
    }
}

fn disabling(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &TrackEntry,
    prev: TrackPoint,
    p: TrackPoint,
) {
    let cfg = &rules.ais_disabling;
    let geo = ctx.geo;
    if cfg.enabled
        && entry.track.source_kinds.contains(&SourceKind::Ais)
        && p.time.since(prev.time) >= cfg.min_gap_ms
        && !geo.near_coast(prev.lon, prev.lat, cfg.min_offshore_m)
        && !super::near_coast(
            geo,
            &mut entry.rules.coast.clone(),
            [p.lon, p.lat],
            cfg.min_offshore_m,
        )
    {
        let key = EpisodeKey::track(Rule::AisDisabling, number, None);
        ctx.raise(key, &[&entry.track], p.time, &[prev, p]);
    }
}
