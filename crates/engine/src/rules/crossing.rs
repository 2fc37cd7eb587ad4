//! Land-border rules: `crossing.pre_alert` within a distance of a border line away from any
//! crossing point, and on a step across the line `crossing.border` at an official crossing
//! point or `crossing.outside_bcp` farther from one.

use model::{ObjectKind, Severity, SourceKind, Track, TrackPoint};

use super::{Ctx, Rule, RulesConfig};
use crate::TrackEntry;
use crate::alerts::EpisodeKey;

/// Tracks the land-border rules apply to: vehicles, people, and unknowns on land, but not
/// own units known only from their own position reports (CoT from field units): a patrol along
/// the border is where it should be.
fn on_land(ctx: &Ctx<'_>, track: &Track) -> bool {
    if !track.source_kinds.is_empty() && track.source_kinds.all_are(SourceKind::Cot) {
        return false;
    }
    match track.kind {
        ObjectKind::Vehicle | ObjectKind::Person => true,
        ObjectKind::Vessel | ObjectKind::Aircraft => false,
        ObjectKind::Unknown => matches!(
            ctx.geo.surface(track.position.lon, track.position.lat),
            geo::Surface::Libya | geo::Surface::OtherLand
        ),
    }
}

pub(super) fn on_fix(
    ctx: &mut Ctx<'_>,
    rules: &RulesConfig,
    number: u64,
    entry: &mut TrackEntry,
    prev: Option<TrackPoint>,
) {
    let cfg = &rules.crossing;
    if !cfg.enabled || !on_land(ctx, &entry.track) {
        return;
    }
    let p = crate::tracks::current(&entry.track);
    let t = p.time;
    let geo = ctx.geo;
    if let Some(prev) = prev
        && let Some(c) = geo.border_crossing([prev.lon, prev.lat], [p.lon, p.lat])
    {
        let outside = c.nearest_bcp.is_none_or(|(_, metres)| metres > cfg.outside_bcp_m);
        let border = c.border.id.as_str();
        let section_impact = c.section.and_then(|s| s.impact);
        let mut crossing = crate::tracks::current(&entry.track);
        crossing.lon = c.point[0];
        crossing.lat = c.point[1];
        let evidence = [prev, crossing, p];
        if outside {
            // A critical section raises a crossing outside a crossing point to critical.
            let severity = Severity::High.max(section_impact.unwrap_or(Severity::High));
            let key = EpisodeKey::track(Rule::CrossingOutsideBcp, number, Some(border));
            ctx.raise_with(key, &[&entry.track], t, &evidence, severity);
        } else {
            let key = EpisodeKey::track(Rule::CrossingBorder, number, Some(border));
            ctx.raise(key, &[&entry.track], t, &evidence);
        }
        if let Some(b) = entry.rules.with_rare(|r| r.border.take()) {
            ctx.clear(&EpisodeKey::track(Rule::CrossingPreAlert, number, Some(&b)), t);
        }
        return;
    }
    let near = geo
        .near_border(p.lon, p.lat, cfg.pre_alert_m)
        .filter(|_| geo.nearest_crossing(p.lon, p.lat).is_none_or(|(_, m)| m > cfg.outside_bcp_m))
        .map(|z| z.id.as_str());
    let crossed = |ctx: &Ctx<'_>, b: &str| {
        [Rule::CrossingOutsideBcp, Rule::CrossingBorder]
            .iter()
            .any(|r| ctx.alerts.is_open(&EpisodeKey::track(*r, number, Some(b))))
    };
    if let Some(old) = entry.rules.rare().border.clone()
        && near != Some(old.as_str())
    {
        ctx.clear(&EpisodeKey::track(Rule::CrossingPreAlert, number, Some(&old)), t);
        entry.rules.clear_rare(|r| r.border = None);
    }
    if let Some(border) = near
        && !crossed(ctx, border)
    {
        let key = EpisodeKey::track(Rule::CrossingPreAlert, number, Some(border));
        ctx.raise(key, &[&entry.track], t, &[p]);
        entry.rules.with_rare(|r| r.border = Some(border.to_string()));
    }
}
