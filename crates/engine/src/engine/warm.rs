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
//! What needs an address it does not have yet is loaded (a key's slot in its map, a cell's
//! list); what it only needs in the cache is asked for with a prefetch (see
//! [`crate::prefetch`]): every line of each entry, the history's newest fix, the names'
//! text, the filter states of the tracks a fix is gated against. A load that misses holds
//! the processor's window up, so loading those let only a few misses overlap; prefetches of
//! the whole group are all in flight at once (`bench/picture.sh`: ×1.07 for the entries'
//! lines, ×1.06 more for the filter states, ×1.03 more for the rest).
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
use crate::prefetch;
use crate::tracks::{AssocKey, KeyRef};

/// Events read ahead at a time: enough misses to fill the processor's queue of them, few
/// enough that what they bring in is still cached when the events are folded. With loads,
/// 8, 16 and 32 ran alike; with prefetches, 32 ran ×1.021 faster than 16 (8 interleaved
/// pairs), and 64 no faster than 32.
pub(super) const GROUP: usize = 32;

impl Engine {
    /// Reads or prefetches what folding `events` (at most [`GROUP`], the first with sequence
    /// number `first_seq`) will read; returns a number made of what it loaded, for the caller
    /// to pass to `black_box`, so that the loads are not optimised away.
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
        // Then the entries the keys lead to, every cache line of each, all asked for before
        // the first arrives ...
        let entries = || numbers.iter().flatten().filter_map(|n| Some((*n, self.tracks.get(n)?)));
        for (_, e) in entries() {
            prefetch::lines(e);
        }
        // ... and what they point to: the history's newest fix, the names compared on every
        // fix (agency, source, identity; the track's id is short and kept inline), and the
        // state kept elsewhere.
        let sizes = crate::rules::proximity::cell_sizes(&self.config, &self.zone_rules);
        // A name's text: the pointer to it is in the entry, or behind one more allocation,
        // which is a load (an identity's names are boxed twice; a set of two or more names is
        // a vector).
        let text = |s: &str| prefetch::item(s.as_bytes(), 0);
        for (n, e) in entries() {
            let track = &e.track;
            e.history.prefetch_last();
            e.rules.zones.prefetch();
            let id = &track.identity;
            for name in [&id.source_track, &id.plate, &id.cot_uid].into_iter().flatten() {
                text(name);
            }
            for agency in track.contributors.iter() {
                text(&agency.0);
            }
            for source in track.sources.iter() {
                text(source);
            }
            // The key's name, compared when a radar's fix checks which track it belongs to.
            match &e.key {
                AssocKey::Cot { uid: name, .. }
                | AssocKey::SourceTrack { joined: name, .. }
                | AssocKey::Plate { plate: name, .. } => text(name),
                AssocKey::Mmsi { .. } | AssocKey::Single { .. } => {}
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
