//! Rules over several tracks, found through a grid hash instead of comparing every pair:
//! `encounter` (two slow vessels close together for long, away from anchorages) and `convoy`
//! (land tracks moving together).
//!
//! Each grid files a track under the cell of its last fix, the cell being at least as wide as
//! the rule's distance, so the 3 × 3 cells around a fix hold every candidate. The grids are
//! derived (rebuilt on restore from the tracks); neighbours are visited in track-number order so
//! that what a rule raises does not depend on the order tracks were filed in.
//!
//! The grid hash itself, and the cells of a position, are in `grid`.

use std::collections::{BTreeMap, BTreeSet};

use geo::sphere::haversine_m;
use model::{ObjectKind, SourceKind, Time, Track, TrackPoint, TrackState, ZoneKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Ctx, Rule};
use crate::alerts::EpisodeKey;
use crate::tracks::current;

mod grid;

pub(crate) use grid::{Cell, cell_deg, cell_in};
use grid::{Grid, cell_of};

/// Which of the grids a track is filed in. Kept in its entry: most tracks are in neither, and
/// asking each grid on every fix (to take the track out) cost a hash miss apiece. Stored in
/// snapshots: whether a track is in the encounter grid depends on the pairs it had at its last
/// fix (a paired vessel may go twice as fast), which a restore cannot work out again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct InGrids {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sea: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub land: bool,
}

impl InGrids {
    pub fn is_none(&self) -> bool {
        !(self.sea || self.land)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Pair {
    since: Time,
    last: Time,
    /// Since when within the rendezvous distance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    near_since: Option<Time>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Convoying {
    since: Time,
    /// The track number the convoy's alert is keyed by, once raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alert: Option<u64>,
}

/// State of the multi-track rules.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Proximity {
    /// Vessel pairs currently close, by track numbers (low, high).
    #[serde(with = "crate::keyed")]
    pairs: BTreeMap<(u64, u64), Pair>,
    /// Land tracks currently moving with enough others.
    convoy: BTreeMap<u64, Convoying>,
    /// The tracks' entries hold their grid flags ([`InGrids`]); false in a snapshot from
    /// before they did, whose grids are then worked out by rule on restore.
    #[serde(default)]
    grid_flags: bool,
    #[serde(skip)]
    partners: FxHashMap<u64, BTreeSet<u64>>,
    #[serde(skip)]
    sea: Grid,
    #[serde(skip)]
    land: Grid,
    /// Neighbours of the track at hand (see [`Grid::near`]).
    #[serde(skip)]
    near: Vec<u64>,
}

/// `paired`: the track is already in a pair. Then twice the speed limit still counts, so one
/// noisy speed (radar plots scatter by knots) does not end a two-hour encounter.
fn encounter_candidate(ctx: &Ctx<'_>, track: &Track, paired: bool) -> bool {
    let cfg = &ctx.rules_here(track.position.lon, track.position.lat).encounter;
    // A vessel, or a radar contact nothing identifies (the dark partner of a transfer).
    let at_sea = track.kind == ObjectKind::Vessel
        || (track.kind == ObjectKind::Unknown && track.source_kinds.contains(&SourceKind::Radar));
    cfg.enabled
        && at_sea
        && track.state != TrackState::Lost
        && track.speed_mps.is_some_and(|s| s < cfg.max_speed_mps * if paired { 2.0 } else { 1.0 })
        && !ctx.geo.any_of_kind_nearer(
            ZoneKind::Port,
            track.position.lon,
            track.position.lat,
            cfg.min_port_distance_m,
        )
}

/// Whether a track, whose fix before was at `was` (NaN if none), may travel in a convoy: a
/// vehicle or person on the move, off-road (docs/domain.md). It is on a road when this fix and the
/// one before both lie near one (or this one, if it is the first): a convoy crossing a road
/// has a fix or so on it, and stays one convoy; traffic along a road starts none.
fn convoy_candidate(ctx: &Ctx<'_>, track: &Track, was: [f64; 2]) -> bool {
    let p = &track.position;
    let cfg = &ctx.rules_here(p.lon, p.lat).convoy;
    let near = |at: [f64; 2]| ctx.geo.near_road(at[0], at[1], cfg.min_road_distance_m);
    let off_road = || {
        !(cfg.min_road_distance_m > 0.0
            && near([p.lon, p.lat])
            && (!geo::sphere::valid_lonlat(was) || near(was)))
    };
    cfg.enabled
        && matches!(track.kind, ObjectKind::Vehicle | ObjectKind::Person)
        && track.state != TrackState::Lost
        && track.course_deg.is_some()
        && track.speed_mps.is_some_and(|s| s >= cfg.min_speed_mps)
        && off_road()
}

/// Cell sizes: the widest distance any zone's rules use, so the 3 × 3 cells hold every pair.
fn sea_cell_m(ctx: &Ctx<'_>) -> f64 {
    widest(ctx.config, ctx.zones, &|r| r.encounter.max_distance_m.max(r.rendezvous.max_distance_m))
}

fn land_cell_m(ctx: &Ctx<'_>) -> f64 {
    widest(ctx.config, ctx.zones, &|r| r.convoy.max_distance_m)
}

/// The largest value of a setting over the global rules and every zone's override.
fn widest(
    config: &crate::EngineConfig,
    zones: &BTreeMap<String, super::RulesConfig>,
    f: &dyn Fn(&super::RulesConfig) -> f64,
) -> f64 {
    zones.values().map(f).fold(f(&config.rules), f64::max)
}

/// The sea and the land grids' cell sizes in metres.
pub(crate) fn cell_sizes(
    config: &crate::EngineConfig,
    zones: &BTreeMap<String, super::RulesConfig>,
) -> (f64, f64) {
    (
        widest(config, zones, &|r| r.encounter.max_distance_m.max(r.rendezvous.max_distance_m)),
        widest(config, zones, &|r| r.convoy.max_distance_m),
    )
}

fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

fn distance(a: &Track, b: &Track) -> f64 {
    haversine_m([a.position.lon, a.position.lat], [b.position.lon, b.position.lat])
}

impl Proximity {
    pub fn new() -> Proximity {
        Proximity { grid_flags: true, ..Proximity::default() }
    }

    /// Refiles every track after a restore.
    pub fn rebuild(&mut self, ctx: &Ctx<'_>, tracks: &mut crate::tracks::Tracks) {
        for (a, b) in self.pairs.keys() {
            self.partners.entry(*a).or_default().insert(*b);
            self.partners.entry(*b).or_default().insert(*a);
        }
        // In no particular order: the grids' lists are sorted when read.
        for (n, e) in tracks.iter_mut_unordered() {
            let p = &e.track.position;
            if !self.grid_flags {
                e.in_grids = InGrids {
                    sea: encounter_candidate(ctx, &e.track, self.partners.contains_key(n)),
                    land: convoy_candidate(ctx, &e.track, [f64::NAN; 2]),
                };
            }
            if e.in_grids.sea {
                self.sea.put(*n, None, cell_of(p.lon, p.lat, sea_cell_m(ctx)));
            }
            if e.in_grids.land {
                self.land.put(*n, None, cell_of(p.lon, p.lat, land_cell_m(ctx)));
            }
        }
        self.grid_flags = true;
    }

    /// Reads what a fix of track `n`, filed at `at`, reads first: its partners and the 3 × 3
    /// cells around it in the grids it is filed in, whose lists it prefetches (see
    /// `Engine::warm`); `sizes` are
    /// [`cell_sizes`].
    pub fn warm(&self, n: u64, in_grids: InGrids, at: [f64; 2], sizes: (f64, f64)) -> u64 {
        let mut sum = self.partners.get(&n).map_or(0, |p| p.len() as u64);
        for (grid, filed, metres) in
            [(&self.sea, in_grids.sea, sizes.0), (&self.land, in_grids.land, sizes.1)]
        {
            if !filed {
                continue;
            }
            let cell = cell_of(at[0], at[1], metres);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let c = (cell.0.saturating_add(dx), cell.1.saturating_add(dy));
                    // The cell's map slot is a load; its list, asked for only.
                    if let Some(list) = grid.cells.get(&c) {
                        crate::prefetch::item(list.as_slice(), 0);
                        sum = sum.wrapping_add(1);
                    }
                }
            }
        }
        sum
    }

    /// After a fix of track `a`; `in_grids` is its entry's, updated here, and `was` where the
    /// fix moved it from (`None` for a new track, which is in no grid).
    pub fn on_fix(
        &mut self,
        ctx: &mut Ctx<'_>,
        tracks: &crate::tracks::Tracks,
        a: u64,
        in_grids: &mut InGrids,
        was: Option<[f64; 2]>,
    ) {
        let Some(entry) = tracks.get(&a) else { return };
        debug_assert!(was.is_some() || in_grids.is_none(), "a new track is in no grid");
        let was = was.unwrap_or([f64::NAN, f64::NAN]);
        self.encounter(ctx, tracks, a, &entry.track, in_grids, was);
        self.convoy(ctx, tracks, a, &entry.track, in_grids, was);
    }

    /// The track, last at `at`, is lost or forgotten: it leaves every grid, pair and convoy.
    pub fn remove(
        &mut self,
        ctx: &mut Ctx<'_>,
        n: u64,
        time: Time,
        in_grids: &mut InGrids,
        at: [f64; 2],
    ) {
        let was = std::mem::take(in_grids);
        if was.sea {
            self.sea.remove(n, cell_of(at[0], at[1], sea_cell_m(ctx)));
        }
        if was.land {
            self.land.remove(n, cell_of(at[0], at[1], land_cell_m(ctx)));
        }
        for b in self.partners.remove(&n).unwrap_or_default() {
            self.unpair(ctx, n, b, time);
        }
        self.leave_convoy(ctx, n, time);
    }

    fn unpair(&mut self, ctx: &mut Ctx<'_>, a: u64, b: u64, time: Time) {
        self.pairs.remove(&(a.min(b), a.max(b)));
        for (x, y) in [(a, b), (b, a)] {
            if let Some(set) = self.partners.get_mut(&x) {
                set.remove(&y);
                if set.is_empty() {
                    self.partners.remove(&x);
                }
            }
        }
        ctx.clear(&EpisodeKey::pair(Rule::Encounter, a, b), time);
        ctx.clear(&EpisodeKey::pair(Rule::Rendezvous, a, b), time);
    }

    fn encounter(
        &mut self,
        ctx: &mut Ctx<'_>,
        tracks: &crate::tracks::Tracks,
        a: u64,
        track: &Track,
        in_grids: &mut InGrids,
        was: [f64; 2],
    ) {
        // The rules where the moving track is: a zone's override judges the pairs it makes.
        let rules = ctx.rules_here(track.position.lon, track.position.lat);
        let cfg = &rules.encounter;
        let t = track.last_time;
        let mut close = Vec::new();
        if encounter_candidate(ctx, track, self.partners.contains_key(&a)) {
            let metres = sea_cell_m(ctx);
            let cell = cell_of(track.position.lon, track.position.lat, metres);
            let filed = in_grids.sea.then(|| cell_of(was[0], was[1], metres));
            self.sea.put(a, filed, cell);
            in_grids.sea = true;
            self.sea.near(cell, a, &mut self.near);
            for &b in &self.near {
                let Some(other) = tracks.get(&b) else { continue };
                let d = distance(track, &other.track);
                if t.since(other.track.last_time).saturating_abs() <= cfg.max_fix_age_ms
                    && d <= cfg.max_distance_m
                {
                    close.push((b, &other.track, d));
                }
            }
        } else if std::mem::take(&mut in_grids.sea) {
            self.sea.remove(a, cell_of(was[0], was[1], sea_cell_m(ctx)));
        }
        let (min_duration, old) = (cfg.min_duration_ms, self.partners.get(&a).cloned());
        for b in old.unwrap_or_default() {
            // A partner not heard from recently enough is not judged: one missed report does
            // not end a two-hour encounter. Its own silence (lost) or its own fix ends it.
            let stale = tracks.get(&b).is_some_and(|o| {
                o.in_grids.sea && t.since(o.track.last_time).saturating_abs() > cfg.max_fix_age_ms
            });
            // One fix apart (radar plots scatter) does not end it either: only being apart
            // for longer than a fix may be old.
            let recent = self
                .pairs
                .get(&(a.min(b), a.max(b)))
                .is_some_and(|p| t.since(p.last) <= cfg.max_fix_age_ms);
            let keep = close.iter().any(|(x, ..)| *x == b)
                || (stale && in_grids.sea)
                || (recent && in_grids.sea);
            if !keep {
                self.unpair(ctx, a, b, t);
            }
        }
        let rendezvous = &rules.rendezvous;
        for (b, other, d) in close {
            let pair = self.pairs.entry((a.min(b), a.max(b))).or_insert(Pair {
                since: t,
                last: t,
                near_since: None,
            });
            pair.last = pair.last.max(t);
            let since = pair.since;
            let near = rendezvous.enabled && d <= rendezvous.max_distance_m;
            let near_since = if near { Some(*pair.near_since.get_or_insert(t)) } else { None };
            if !near {
                pair.near_since = None;
            }
            self.partners.entry(a).or_default().insert(b);
            self.partners.entry(b).or_default().insert(a);
            let evidence = [current(track), current(other)];
            if t.since(since) >= min_duration {
                let key = EpisodeKey::pair(Rule::Encounter, a, b);
                ctx.raise(key, &[track, other], t, &evidence);
            }
            let key = EpisodeKey::pair(Rule::Rendezvous, a, b);
            match near_since {
                Some(s) if t.since(s) > rendezvous.min_duration_ms => {
                    ctx.raise(key, &[track, other], t, &evidence);
                }
                Some(_) => {}
                None => ctx.clear(&key, t),
            }
        }
    }

    fn convoy(
        &mut self,
        ctx: &mut Ctx<'_>,
        tracks: &crate::tracks::Tracks,
        a: u64,
        track: &Track,
        in_grids: &mut InGrids,
        was: [f64; 2],
    ) {
        let cfg = &ctx.rules_here(track.position.lon, track.position.lat).convoy;
        let t = track.last_time;
        if !convoy_candidate(ctx, track, was) {
            if std::mem::take(&mut in_grids.land) {
                self.land.remove(a, cell_of(was[0], was[1], land_cell_m(ctx)));
            }
            self.leave_convoy(ctx, a, t);
            return;
        }
        let metres = land_cell_m(ctx);
        let cell = cell_of(track.position.lon, track.position.lat, metres);
        let filed = in_grids.land.then(|| cell_of(was[0], was[1], metres));
        self.land.put(a, filed, cell);
        in_grids.land = true;
        let (course, speed) = (track.course_deg.unwrap_or(0.0), track.speed_mps.unwrap_or(0.0));
        self.land.near(cell, a, &mut self.near);
        let group: Vec<&Track> = self
            .near
            .iter()
            .filter_map(|b| tracks.get(b).map(|e| &e.track))
            .filter(|o| {
                t.since(o.last_time).saturating_abs() <= cfg.max_fix_age_ms
                    && distance(track, o) <= cfg.max_distance_m
                    && angle_between(course, o.course_deg.unwrap_or(f64::NAN))
                        <= cfg.max_heading_diff_deg
                    && (speed - o.speed_mps.unwrap_or(f64::NAN)).abs() <= cfg.max_speed_diff_mps
            })
            .collect();
        if group.len() + 1 < cfg.min_tracks.max(2) {
            self.leave_convoy(ctx, a, t);
            return;
        }
        let since = self.convoy.entry(a).or_insert(Convoying { since: t, alert: None }).since;
        if t.since(since) < cfg.min_duration_ms {
            return;
        }
        let own = self.convoy.get(&a).and_then(|c| c.alert);
        let founder = own
            .or_else(|| {
                group.iter().find_map(|o| {
                    let n = crate::tracks::track_number(&o.id)?;
                    self.convoy.get(&n).and_then(|c| c.alert)
                })
            })
            .unwrap_or(a);
        let mut members: Vec<&Track> = vec![track];
        members.extend(group.iter().copied());
        let evidence: Vec<TrackPoint> = members.iter().map(|m| current(m)).collect();
        ctx.raise(EpisodeKey::track(Rule::Convoy, founder, None), &members, t, &evidence);
        if let Some(c) = self.convoy.get_mut(&a) {
            c.alert = Some(founder);
        }
    }

    fn leave_convoy(&mut self, ctx: &mut Ctx<'_>, a: u64, time: Time) {
        let Some(left) = self.convoy.remove(&a) else { return };
        let Some(founder) = left.alert else { return };
        if !self.convoy.values().any(|c| c.alert == Some(founder)) {
            ctx.clear(&EpisodeKey::track(Rule::Convoy, founder, None), time);
        }
    }
}
