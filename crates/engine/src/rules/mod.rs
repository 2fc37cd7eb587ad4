//! Detection rules: what each rule remembers per track, and the order they run in on a fix.
//!
//! Rules run inside the fold, after an observation has moved its track, and from the sweep
//! when time passes (AIS gaps). They raise and clear episodes in [`crate::alerts::Alerts`];
//! they never read a clock and iterate only ordered collections, so replay is exact. Rules over
//! several tracks (encounter, convoy) find their neighbours through a grid hash in
//! [`proximity`], never by comparing every pair.

use std::collections::BTreeMap;

use geo::Geography;
use model::{SourceKind, Time, Track, TrackPoint};
use smallvec::SmallVec;

use crate::alerts::{Alerts, EpisodeKey, Firing};
use crate::{Change, EngineConfig, TrackEntry};

mod catalogue;
mod coast;
mod config;
mod crossing;
mod identity;
pub(crate) mod proximity;
mod state;
mod vessel;
mod zone;

pub use catalogue::{Rule, RuleInfo, rules};
pub(crate) use coast::gap_check;
pub use config::{
    ConvoyRules, CrossingRules, DepartureRules, DisablingRules, EncounterRules, GapRules,
    JumpRules, KN, LoiterRules, NM, OverrideError, PortVisitRules, RendezvousRules, RulesConfig,
    SpeedRangeRules, Toggle, ZoneRules,
};
pub(crate) use identity::consistent;
pub(crate) use state::TrackRules;

/// What a rule needs from outside the track: the geography, the configuration and where to
/// put alerts and changes.
pub(crate) struct Ctx<'a> {
    pub geo: &'a Geography,
    pub config: &'a EngineConfig,
    /// Per-zone overrides, resolved.
    pub zones: &'a BTreeMap<String, RulesConfig>,
    pub alerts: &'a mut Alerts,
    pub changes: &'a mut Vec<Change>,
}

/// The rules at a point: the override of the containing zone that comes last in the
/// geography (user zones come after the shipped ones, in the order configured), else the
/// global rules. By the zones' order, not the order the index visits them in, which differs
/// from cell to cell: the rules must not change at a cell's edge.
fn rules_at<'a>(
    geo: &Geography,
    zones: &'a BTreeMap<String, RulesConfig>,
    global: &'a RulesConfig,
    containing: &[&str],
) -> &'a RulesConfig {
    containing
        .iter()
        .filter_map(|z| Some((geo.zone_index(z)?, zones.get(*z)?)))
        .max_by_key(|(i, _)| *i)
        .map_or(global, |(_, rules)| rules)
}

impl<'a> Ctx<'a> {
    /// The rules at a point: see [`rules_at`]. Free when no zone has an override (inlined:
    /// the proximity rules ask four times a fix).
    #[inline]
    pub fn rules_here(&self, lon: f64, lat: f64) -> &'a RulesConfig {
        let (zones, geo, global) = (self.zones, self.geo, &self.config.rules);
        if zones.is_empty() {
            return global;
        }
        let mut containing: Vec<&str> = Vec::new();
        geo.for_each_containing(lon, lat, |z| {
            if zones.contains_key(&z.id) {
                containing.push(z.id.as_str());
            }
        });
        rules_at(geo, zones, global, &containing)
    }

    /// The rules for one zone: its override, else the global rules.
    pub fn rules_of_zone(&self, zone: &str) -> &'a RulesConfig {
        let (zones, config) = (self.zones, self.config);
        zones.get(zone).unwrap_or(&config.rules)
    }

    pub fn raise(
        &mut self,
        key: EpisodeKey,
        tracks: &[&Track],
        time: Time,
        evidence: &[TrackPoint],
    ) {
        let firing = Firing { key, tracks, time, evidence, severity: None };
        self.alerts.raise(firing, self.changes);
    }

    pub fn raise_with(
        &mut self,
        key: EpisodeKey,
        tracks: &[&Track],
        time: Time,
        evidence: &[TrackPoint],
        severity: model::Severity,
    ) {
        let firing = Firing { key, tracks, time, evidence, severity: Some(severity) };
        self.alerts.raise(firing, self.changes);
    }

    pub fn clear(&mut self, key: &EpisodeKey, time: Time) {
        self.alerts.clear(key, time, self.changes);
    }
}

/// Whether the point `p` of a track is within `metres` of Libya's coast. Answered from an
/// exact measurement at a point near it while the distance between them is too small to
/// change the answer (the distance to the coast changes no faster than the point moves; the
/// 0.1 % covers how the measure rounds, see `geo::Geography::coast_at_cell`); measured again
/// at `p` otherwise. The first measurement is the centre of `p`'s grid cell, measured once
/// for every track there; after that, the track's last exact measurement. Several rules ask
/// this on every fix of every vessel, and most vessels are far from every threshold.
pub(crate) fn near_coast(
    geo: &Geography,
    memo: &mut state::Slim<([f64; 2], f64)>,
    p: [f64; 2],
    metres: f64,
) -> bool {
    if memo.get().is_none() {
        memo.set(geo.coast_at_cell(p[0], p[1]));
    }
    if let Some((at, d)) = memo.get() {
        // The answer, if a move of at most `moved` from `at` cannot change it.
        let settle = |moved: f64| {
            if d - moved > metres {
                Some(false)
            } else if d + moved <= metres {
                Some(true)
            } else {
                None
            }
        };
        // Most moves settle it by a bound, with no trigonometry; the exact move then settles
        // what it settles.
        let bound = || settle(geo::sphere::at_least_haversine_m(at, p) * SLACK);
        if let Some(near) = bound().or_else(|| settle(geo::sphere::haversine_m(at, p) * SLACK)) {
            return near;
        }
    }
    match geo.distance_to_coast_m(p[0], p[1]).filter(|d| d.is_finite()) {
        Some(d) => {
            memo.set(Some((p, d)));
            d <= metres
        }
        None => {
            memo.set(None);
            false
        }
    }
}

/// How much farther than the move a measured distance to the coast may change (see
/// [`near_coast`]).
const SLACK: f64 = 1.001;

/// Whether nothing but radar has seen the track and nothing identifies it: "unidentified".
pub fn is_unidentified(track: &Track) -> bool {
    let id = &track.identity;
    // `&`, not `&&`: every test is a load from the same few lines, and one branch on the
    // whole answer is cheaper than six on parts that vary from track to track.
    track.source_kinds.all_are(SourceKind::Radar)
        & id.mmsi.is_none()
        & id.cot_uid.is_none()
        & id.plate.is_none()
        & id.name.is_none()
        & id.callsign.is_none()
}

/// Runs the rules of one track after an observation moved it from `prev` (`None` for a new
/// track).
pub(crate) fn on_fix(
    ctx: &mut Ctx<'_>,
    number: u64,
    entry: &mut TrackEntry,
    prev: Option<TrackPoint>,
) {
    let p = crate::tracks::current(&entry.track);
    let (geo, zones, config) = (ctx.geo, ctx.zones, ctx.config);
    // One query of the zone index a fix, for every rule: a point lies in a few zones at most,
    // so the lists stay inline.
    let mut containing: SmallVec<[&str; 4]> = SmallVec::new();
    let mut watched: SmallVec<[&str; 4]> = SmallVec::new();
    let mut in_port = false;
    geo.for_each_containing(p.lon, p.lat, |z| {
        if !zones.is_empty() && zones.contains_key(&z.id) {
            containing.push(z.id.as_str());
        }
        if config.rules.zone.kinds.contains(&z.kind) {
            watched.push(z.id.as_str());
        }
        in_port |= z.kind == model::ZoneKind::Port;
    });
    let rules = rules_at(geo, zones, &config.rules, &containing);
    identity::on_fix(ctx, rules, number, entry, prev.is_none());
    zone::on_fix(ctx, number, entry, &watched);
    crossing::on_fix(ctx, rules, number, entry, prev);
    coast::on_fix(ctx, rules, number, entry, prev, in_port);
    vessel::on_fix(ctx, rules, number, entry, prev);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use geo::Geography;
    use model::AgencyId;

    use super::{RulesConfig, rules_at};

    /// A user zone inside the territorial sea, both with an override: wherever a point lies in
    /// both, the user zone's rules apply (it comes later in the geography), in every grid cell.
    /// The index lists a cell the territorial sea covers whole after the zones it covers in
    /// part, so choosing by the order of the visit gave the territorial sea's rules there.
    #[test]
    fn the_later_zone_s_override_applies_in_every_cell() {
        let libya = Geography::libya().expect("geography");
        let inside = |lon: f64, lat: f64| {
            let mut found = false;
            libya.for_each_containing(lon, lat, |z| found |= z.id.as_str() == "sea.territorial");
            found
        };
        // A point of the territorial sea with the sea 0.1° around it on every side.
        let (lon, lat) = (0..200)
            .flat_map(|i| {
                (0..40).map(move |j| (12.0 + 0.05 * f64::from(i), 32.5 + 0.02 * f64::from(j)))
            })
            .find(|&(x, y)| {
                [(0.0, 0.0), (0.1, 0.0), (-0.1, 0.0), (0.0, 0.1), (0.0, -0.1)]
                    .iter()
                    .all(|(dx, dy)| inside(x + dx, y + dy))
            })
            .expect("a point well inside the territorial sea");
        let text = format!(
            "[[zone]]\nid = \"u\"\ncircle = {{ center = [{lon}, {lat}], radius_m = 9000.0 }}\n"
        );
        let zones = geo::zones_from_toml("t.toml", &text, &AgencyId::new("JOC")).expect("zones");
        let geo = Geography::builder().zones(zones).build().expect("geography");
        let (global, mut overrides) = (RulesConfig::default(), BTreeMap::new());
        let mut user = RulesConfig::default();
        user.zone.dwell_ms = 1;
        let mut territorial = RulesConfig::default();
        territorial.zone.dwell_ms = 2;
        overrides.insert("u".to_string(), user);
        overrides.insert("sea.territorial".to_string(), territorial);
        let (mut both, mut visited_user_first) = (0, 0);
        for i in -20..=20 {
            for j in -20..=20 {
                let (x, y) = (lon + 0.005 * f64::from(i), lat + 0.005 * f64::from(j));
                let mut containing = Vec::new();
                geo.for_each_containing(x, y, |z| {
                    if overrides.contains_key(z.id.as_str()) {
                        containing.push(z.id.as_str());
                    }
                });
                if containing.len() < 2 {
                    continue;
                }
                both += 1;
                visited_user_first += usize::from(containing[0] == "u");
                let rules = rules_at(&geo, &overrides, &global, &containing);
                assert_eq!(rules.zone.dwell_ms, 1, "at ({x}, {y}), zones visited {containing:?}");
            }
        }
        assert!(both > 100, "{both} points in both zones");
        // The case the order of the visit got wrong does occur here.
        assert!(visited_user_first > 0, "the index always visited the territorial sea first");
    }
}
