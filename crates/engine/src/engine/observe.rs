//! An observation folded: checked, routed to its track (or a new one), the track updated,
//! the rules run on the fix, and an unidentified track fused into the identified one it keeps
//! falling in the gate of.

use model::{Observation, TrackId};

use super::assoc::Route;
use super::{Change, ChangeOp, Engine};
use crate::fusion::{self, Probe};
use crate::rules::{self, Ctx};
use crate::tracks::{Folded, current, new_entry, next_deadline, update_entry};

impl Engine {
    pub(super) fn observe(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        // The edge validates, but the fold must not trust the log: an impossible position is
        // counted and skipped, a non-finite speed or course is dropped.
        let p = &obs.position;
        if !geo::sphere::valid_lonlat([p.lon, p.lat]) {
            self.refused += 1;
            return;
        }
        let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
        if !(finite(obs.speed_mps)
            && finite(obs.course_deg)
            && finite(obs.heading_deg)
            && finite(p.alt_m)
            && finite(p.accuracy_m))
        {
            let keep = |v: Option<f64>| v.filter(|x| x.is_finite());
            let mut clean = obs.clone();
            clean.speed_mps = keep(obs.speed_mps);
            clean.course_deg = keep(obs.course_deg);
            clean.heading_deg = keep(obs.heading_deg);
            clean.position.alt_m = keep(p.alt_m);
            clean.position.accuracy_m = keep(p.accuracy_m);
            return self.observe_valid(seq, &clean, changes);
        }
        self.observe_valid(seq, obs, changes);
    }

    fn observe_valid(&mut self, seq: u64, obs: &Observation, changes: &mut Vec<Change>) {
        self.release_stray_radar_track(obs);
        let mut conflict = None;
        let (number, prev) = match self.route(seq, obs) {
            Route::New { key, split_of } => {
                let id = TrackId(smol_str::format_smolstr!("t{seq}"));
                self.keys.insert(key.clone(), seq);
                let mut entry = new_entry(id.clone(), key, obs);
                entry.filed = next_deadline(&entry, &self.config);
                self.deadlines.file(entry.filed, seq);
                self.tracks.insert(seq, Box::new(entry));
                changes.push(Change::Track { id, op: ChangeOp::Upsert });
                if let Some(primary) = split_of {
                    self.split(primary, seq, changes);
                }
                (seq, None)
            }
            route @ (Route::Track(_) | Route::Adopt { .. } | Route::Split { .. }) => {
                let by_identity = matches!(route, Route::Track(_));
                let number = match route {
                    Route::Split { primary, number } => {
                        conflict = Some((primary, number));
                        number
                    }
                    Route::Adopt { key, number } => {
                        self.keys.insert(key.clone(), number);
                        if let Some(e) = self.tracks.get_mut(&number) {
                            e.aliases.push(key);
                        }
                        number
                    }
                    Route::Track(number) | Route::New { split_of: Some(number), .. } => number,
                    Route::New { .. } => return,
                };
                let Some(entry) = self.tracks.get_mut(&number) else { return };
                let prev = current(&entry.track);
                let folded = update_entry(entry, obs, &self.config);
                match folded {
                    Folded::Late => self.late += 1,
                    Folded::Duplicate => self.duplicates += 1,
                    Folded::Moved => {
                        // An MMSI's jumps were judged in routing (split off, or consistent).
                        if by_identity
                            && obs.identity.mmsi.is_none()
                            && teleported(&prev, obs, &self.config.fusion)
                        {
                            self.teleports += 1;
                        }
                    }
                }
                let moved = folded == Folded::Moved;
                changes.push(Change::Track { id: entry.track.id.clone(), op: ChangeOp::Upsert });
                if let Some((primary, split)) = conflict {
                    self.conflict(primary, split, changes);
                }
                if !moved {
                    // A late or repeated fix may still have identified the track (an AIS
                    // report heard with a radar's): it is gated among identified tracks now.
                    if let Some(entry) = self.tracks.get_mut(&number) {
                        fusion::file(&mut self.fused, &self.config.fusion, number, entry);
                    }
                    return;
                }
                (number, Some(prev))
            }
        };
        let Engine { geo, config, zone_rules, alerts, proximity, tracks, deadlines, fused, .. } =
            self;
        let mut ctx = Ctx { geo, config, zones: zone_rules, alerts, changes };
        let mut merge_into = None;
        // What the steps below the rules need of the entry, read while it is at hand: the
        // proximity rules read other tracks, so the entry is looked up again only to write.
        let mut after = None;
        if let Some(entry) = tracks.get_mut(&number) {
            let mut kin = entry.rules.kin.get();
            fusion::Kinematics::update(&mut kin, &current(&entry.track), &config.fusion);
            entry.rules.kin.set(kin);
            fusion::file(fused, &config.fusion, number, entry);
            rules::on_fix(&mut ctx, number, entry, prev);
            let due = next_deadline(entry, config);
            if due < entry.filed {
                // The entry filed before is stale now: skipped when it comes out.
                deadlines.file(due, number);
                entry.filed = due;
            }
            after = Some((entry.in_grids, rules::is_unidentified(&entry.track)));
        }
        let Some((mut in_grids, unidentified)) = after else { return };
        let was = prev.map(|p| [p.lon, p.lat]);
        proximity.on_fix(&mut ctx, tracks, number, &mut in_grids, was);
        if let Some(entry) = tracks.get_mut(&number) {
            entry.in_grids = in_grids;
        }
        if config.fusion.enabled
            && unidentified
            && let Some(entry) = tracks.get(&number)
        {
            let probe = Probe {
                at: [entry.track.position.lon, entry.track.position.lat],
                time: entry.track.last_time,
                accuracy_m: 0.0,
                exercise: entry.track.exercise,
            };
            let tracks_now: &crate::tracks::Tracks = tracks;
            let radars = &entry.track.sources;
            // Never into a track this radar already follows: two of its tracks are two boats.
            let among = fusion::Among::Identified;
            let found =
                fusion::gate(tracks_now, fused, &config.fusion, probe, number, among, |e| {
                    !rules::is_unidentified(&e.track) && e.track.sources.is_disjoint(radars)
                });
            if let Some(entry) = tracks.get_mut(&number) {
                let fusing = found.map(|into| match entry.rules.rare().fusing {
                    Some((n, count)) if n == into => (into, count + 1),
                    _ => (into, 1),
                });
                entry.rules.with_rare(|r| r.fusing = fusing);
                merge_into = fusing
                    .filter(|(_, count)| *count >= config.fusion.fuse_after)
                    .map(|(into, _)| into);
            }
        }
        if let Some(into) = merge_into {
            self.merge(number, into, changes);
        }
    }
}

/// Speeds above this are a position error, not a move (about Mach 3: the edge refuses reported
/// speeds above it too).
pub const TELEPORT_MPS: f64 = 1_000.0;

/// Moves shorter than this are not judged: a teleport is a jump across the map, and two
/// sensors of one fused track disagree by up to a gate a moment apart (see [`teleported`]).
const TELEPORT_MIN_M: f64 = 10_000.0;

/// Whether the fix `obs`, at or after `prev`, lies farther from it than [`TELEPORT_MPS`] allows
/// and farther than [`TELEPORT_MIN_M`] or twice the largest fusion gate, whichever is more: a
/// radar fix of a track fused with an AIS vessel may lie up to the gate from the vessel's
/// report of the same millisecond.
fn teleported(prev: &model::TrackPoint, obs: &Observation, fusion: &fusion::FusionConfig) -> bool {
    let least = TELEPORT_MIN_M.max(2.0 * fusion.max_gate_m);
    // Nearly every move is settled by a bound, with no trigonometry. NaN (never from
    // positions the fold admits) is no teleport.
    let (from, to) = ([prev.lon, prev.lat], [obs.position.lon, obs.position.lat]);
    let Some(metres) = geo::sphere::farther_than(from, to, least) else { return false };
    let seconds = obs.time.since(prev.time) as f64 / 1_000.0;
    metres > TELEPORT_MPS * seconds
}
