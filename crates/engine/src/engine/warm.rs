//! Reading ahead: before folding a group of events, [`Engine::warm`] looks up what each will
//! touch, so that the cache misses of the whole group overlap.
//!
//! A large picture does not fit in the caches: with 100k live tracks each fix reads its
//! track's key, its entry (ten cache lines), its history, the fusion and proximity cells around
//! it and the open alerts of the track, and each of those is a miss. Folded one after another
//! these misses come one after another too, since every step waits for the one before. Here
//! the look-ups of a group are independent of one another, so the processor has several
//! misses in flight at once; the fold that follows finds the lines in the cache.
//!
//! Only reads: nothing here changes the state, so folding with or without it gives the same
//! state and the same changes (tested). What it reads is a guess made before the group is
//! folded (an event of the group may create or merge the track a later one goes to), which
//! costs at most a wasted read.

use geo::sphere::valid_lonlat;
use model::{Event, EventKind};

use super::Engine;
use super::assoc::gated_by_position;
use crate::fusion::Among;
use crate::tracks::KeyRef;

/// Events read ahead at a time: enough misses to fill the processor's queue of them, few
/// enough that what they bring in is still cached when the events are folded.
pub(super) const GROUP: usize = 16;

impl Engine {
    /// Reads what folding `events` (at most [`GROUP`], the first with sequence number
    /// `first_seq`) will read; returns a number made of what it read, for the caller to pass
    /// to `black_box`, so that the reads are not optimised away.
    pub(super) fn warm(&self, first_seq: u64, events: &[Event]) -> u64 {
        let (mut numbers, mut gated) = ([None; GROUP], [None; GROUP]);
        // First the keys: independent look-ups, their misses overlap. A key that leads to no
        // track may be gated by position among every track (see `route_by_position`).
        for (((i, event), number), gated) in
            events.iter().enumerate().zip(&mut numbers).zip(&mut gated)
        {
            if let EventKind::Observation(obs) = &event.kind {
                let key = KeyRef::of(first_seq + i as u64, obs);
                *number = self.keys.get(key);
                let at = [obs.position.lon, obs.position.lat];
                if number.is_none() && gated_by_position(key, obs) && valid_lonlat(at) {
                    *gated = Some(at);
                }
            }
        }
        let mut sum = 0u64;
        let mut add = |v: u64| sum = sum.wrapping_add(v);
        // Then the entries the keys lead to, across their cache lines ...
        let entries = || numbers.iter().flatten().filter_map(|n| Some((*n, self.tracks.get(n)?)));
        for (_, e) in entries() {
            let (track, rules) = (&e.track, &e.rules);
            add(track.last_time.0 as u64);
            add(track.first_time.0 as u64);
            add(track.observations);
            add(track.position.lat.to_bits());
            add(u64::from(track.identity.mmsi.unwrap_or(0)));
            add(e.history.len() as u64);
            add(e.filed.0 as u64);
            add(u64::from(rules.gap_watch));
            add(rules.kin.get().map_or(0, |k| k.time.0 as u64));
            add(rules.coast.get().map_or(0, |(_, d)| d.to_bits()));
            add(rules.last_ais.get().map_or(0, |(t, ..)| t.0 as u64));
            add(rules.loiter.get().map_or(0, |l| l.since.0 as u64));
            add(u64::from(e.aliases.is_empty()));
        }
        // ... and what they point to: the history's newest fix, the names compared on every
        // fix (agency, source, the track's id and identity), and the state kept elsewhere.
        let sizes = crate::rules::proximity::cell_sizes(&self.config, &self.zone_rules);
        let first = |s: Option<&str>| u64::from(s.and_then(|s| s.bytes().next()).unwrap_or(0));
        for (n, e) in entries() {
            let track = &e.track;
            add(e.history.last().map_or(0, |p| p.time.0 as u64));
            add(e.rules.zones.keys().count() as u64);
            add(first(Some(&track.id.0)));
            add(first(track.identity.source_track.as_deref()));
            add(first(track.identity.plate.as_deref()));
            add(first(track.identity.cot_uid.as_deref()));
            for agency in track.contributors.iter() {
                add(first(Some(&agency.0)));
            }
            for source in track.sources.iter() {
                add(first(Some(source)));
            }
            if self.config.fusion.enabled && crate::rules::is_unidentified(track) {
                let p = &track.position;
                let (at, among) = ([p.lon, p.lat], Among::Identified);
                add(self.fused.warm_gate(&self.tracks, at, among, &self.config.fusion));
            }
            add(self.alerts.warm(n) as u64);
            let at = [track.position.lon, track.position.lat];
            add(self.proximity.warm(n, e.in_grids, at, sizes));
        }
        if self.config.fusion.enabled {
            for at in gated.into_iter().flatten() {
                add(self.fused.warm_gate(&self.tracks, at, Among::All, &self.config.fusion));
            }
        }
        sum
    }
}
