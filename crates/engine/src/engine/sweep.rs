//! Time passing: tracks whose deadline has come move along their lifecycle, AIS gaps that
//! came due are raised, and long-lost tracks are forgotten.

use model::TrackState;

use super::{Change, ChangeOp, Engine};
use crate::rules::{self, Ctx, Rule};
use crate::tracks::next_deadline;

impl Engine {
    /// Moves tracks whose deadline has passed along their lifecycle, raises AIS gaps that came
    /// due, and forgets long-lost tracks.
    pub(super) fn sweep(&mut self, changes: &mut Vec<Change>) {
        let Engine {
            geo,
            config,
            zone_rules,
            alerts,
            proximity,
            tracks,
            keys,
            deadlines,
            now,
            fused,
            ..
        } = self;
        let now = *now;
        let mut ctx = Ctx { geo, config, zones: zone_rules, alerts, changes };
        let mut stuck = Vec::new();
        while let Some((deadline, number)) = deadlines.pop_due(now) {
            let Some(entry) = tracks.get_mut(&number).filter(|e| e.filed == deadline) else {
                // Stale: the track was filed again earlier, or is gone.
                continue;
            };
            let due = next_deadline(entry, config);
            if due != deadline {
                // Updated since it was filed: file it again at its real deadline, so that
                // tracks come due in the order of their real deadlines (alert ids depend on it,
                // and a restored engine files them there from the start).
                deadlines.file(due, number);
                entry.filed = due;
                continue;
            }
            if rules::gap_check(&mut ctx, config, number, entry, now) {
                entry.filed = next_deadline(entry, config);
                deadlines.file(entry.filed, number);
                continue;
            }
            let idle = now.since(entry.track.last_time);
            if idle >= config.forget_after_ms {
                if let Some(mut entry) = tracks.remove(&number) {
                    // A key another track took over (a released radar track) stays with it.
                    for key in std::iter::once(&entry.key).chain(&entry.aliases) {
                        if keys.get(key.as_ref()) == Some(number) {
                            keys.remove(key.as_ref());
                        }
                    }
                    fused.remove(number, &mut entry.fused_at);
                    ctx.alerts.clear_track(number, now, |_| true, ctx.changes);
                    let at = [entry.track.position.lon, entry.track.position.lat];
                    proximity.remove(&mut ctx, number, now, &mut entry.in_grids, at);
                    ctx.changes.push(Change::Track { id: entry.track.id, op: ChangeOp::Remove });
                }
                continue;
            }
            let timeouts = config.timeouts(entry.track.kind);
            let state = if idle >= timeouts.lost_after_ms {
                TrackState::Lost
            } else if idle >= timeouts.coast_after_ms {
                TrackState::Coasting
            } else {
                entry.track.state
            };
            if entry.track.state != state {
                entry.track.state = state;
                ctx.changes
                    .push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
                if state == TrackState::Lost {
                    fused.remove(number, &mut entry.fused_at);
                    // A lost track's conditions have ended, but the silence an AIS gap is about.
                    let silence = |r| matches!(r, Rule::AisGap | Rule::AisGapInCoverage);
                    ctx.alerts.clear_track(number, now, |r| !silence(r), ctx.changes);
                    let at = [entry.track.position.lon, entry.track.position.lat];
                    proximity.remove(&mut ctx, number, now, &mut entry.in_grids, at);
                }
            }
            entry.filed = next_deadline(entry, config);
            if entry.filed == deadline {
                // No progress: only a deadline stuck at the end of time (a fix stamped near
                // i64::MAX, which saturates) comes out again unchanged. Filed after this sweep,
                // or the sweep would take it out again for ever.
                stuck.push(number);
            } else {
                deadlines.file(entry.filed, number);
            }
        }
        for number in stuck {
            if let Some(entry) = tracks.get(&number) {
                deadlines.file(entry.filed, number);
            }
        }
    }
}
