//! A viewport client's tracks: those it may see in its padded view, ranked and thinned to its
//! limit one grid cell at a time, the rest counted as `cluster` cells.

use std::collections::{BTreeMap, BTreeSet};

use model::{AlertState, Position, SourceKind, Track, TrackId};
use serde_json::{Value, json};

use super::filter::Filter;
use crate::api::AppState;
use crate::visibility;
use crate::wire::{message, track_feature};

/// One track considered for a view.
struct Candidate<'a> {
    track: &'a Track,
    /// 0 selected, 1 alerted, 2 own unit, 3 on screen, 4 in the padding.
    tier: u8,
    cell: (i64, i64),
    held: bool,
}

/// Keeps at most `limit` candidates: by tier, then in turns across cells (held tracks first
/// within a cell); returns the kept indices and the left-out count per cell.
fn thin(candidates: &[Candidate<'_>], limit: usize) -> (Vec<usize>, BTreeMap<(i64, i64), u32>) {
    if candidates.len() <= limit {
        return ((0..candidates.len()).collect(), BTreeMap::new());
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&candidates[a], &candidates[b]);
        (a.cell, a.tier, !a.held, &a.track.id).cmp(&(b.cell, b.tier, !b.held, &b.track.id))
    });
    let mut rank = vec![0u32; candidates.len()];
    for pair in 1..order.len() {
        let (before, this) = (order[pair - 1], order[pair]);
        if candidates[before].cell == candidates[this].cell {
            rank[this] = rank[before] + 1;
        }
    }
    order.sort_by(|&a, &b| {
        let key =
            |i: usize| (candidates[i].tier, rank[i], candidates[i].cell, &candidates[i].track.id);
        key(a).cmp(&key(b))
    });
    let mut left_out: BTreeMap<(i64, i64), u32> = BTreeMap::new();
    for &i in &order[limit..] {
        *left_out.entry(candidates[i].cell).or_default() += 1;
    }
    order.truncate(limit);
    order.sort_unstable();
    (order, left_out)
}

impl Filter {
    /// The track messages that bring the caller's view up to date: removes for what left it
    /// (or the policy now refuses, or thinning dropped), upserts for what entered it and for
    /// `dirty` tracks still in it (every kept track when `everything`), and the cluster cells
    /// when they changed.
    pub(super) fn in_view(
        &mut self,
        state: &AppState,
        dirty: &BTreeSet<TrackId>,
        everything: bool,
    ) -> Vec<Value> {
        let Some(view) = self.view.clone() else { return Vec::new() };
        let now = state.centre.now();
        let cell_deg = view.cell_deg();
        let cell =
            |p: &Position| ((p.lon / cell_deg).floor() as i64, (p.lat / cell_deg).floor() as i64);
        let (kept, upserts, left_out) = state.centre.read(|engine| {
            // Alerts raise a track's rank only when the caller may see the alert.
            let alerted: BTreeSet<&TrackId> = engine
                .alerts()
                .filter(|e| e.alert.state != AlertState::Closed)
                .filter(|e| visibility::alert(engine, &self.viewer, &self.agreements, e, now))
                .flat_map(|e| e.alert.tracks.iter())
                .collect();
            let candidates: Vec<Candidate<'_>> = engine
                .tracks()
                .filter_map(|t| {
                    let selected = view.selected.as_ref() == Some(&t.id);
                    if !selected && !view.near(&t.position) {
                        return None;
                    }
                    if !access::can_see_track(&self.viewer, t, &self.agreements, now).allowed {
                        return None;
                    }
                    let own_unit =
                        t.agency == self.viewer.agency && t.source_kinds.contains(&SourceKind::Cot);
                    let tier = match () {
                        _ if selected => 0,
                        _ if alerted.contains(&t.id) => 1,
                        _ if own_unit => 2,
                        _ if view.shows(&t.position) => 3,
                        _ => 4,
                    };
                    Some(Candidate {
                        track: t,
                        tier,
                        cell: cell(&t.position),
                        held: self.sent.contains(&t.id),
                    })
                })
                .collect();
            let (kept, left_out) = thin(&candidates, view.limit);
            let kept_ids: BTreeSet<TrackId> =
                kept.iter().map(|&i| candidates[i].track.id.clone()).collect();
            let upserts: Vec<Value> = kept
                .iter()
                .map(|&i| &candidates[i])
                .filter(|c| everything || !c.held || dirty.contains(&c.track.id))
                .map(|c| message("track", "upsert", track_feature(c.track)))
                .collect();
            (kept_ids, upserts, left_out)
        });
        let mut out: Vec<Value> = self
            .sent
            .difference(&kept)
            .map(|id| message("track", "remove", json!({ "id": id })))
            .collect();
        out.extend(upserts);
        self.sent = kept;
        let clusters: Vec<[f64; 3]> = left_out
            .into_iter()
            .map(|((x, y), n)| {
                [(x as f64 + 0.5) * cell_deg, (y as f64 + 0.5) * cell_deg, f64::from(n)]
            })
            .collect();
        if everything || clusters != self.clusters {
            out.push(message(
                "cluster",
                "upsert",
                json!({ "cell_deg": cell_deg, "cells": clusters }),
            ));
            self.clusters = clusters;
        }
        out
    }
}
