//! `zone.entry`, `zone.exit` and `zone.dwell`, debounced: an entry (exit) counts after
//! `debounce_fixes` consecutive fixes inside (outside), so one stray fix starts no episode.

use model::Time;
use serde::{Deserialize, Serialize};

use super::{Ctx, Rule};
use crate::TrackEntry;
use crate::alerts::EpisodeKey;

/// A track's relation to one watched zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Membership {
    /// Entry confirmed (and exit not yet confirmed).
    pub inside: bool,
    /// Consecutive fixes on the other side so far.
    pub streak: u32,
    /// Time of the first fix inside of the current stay (or of the pending entry).
    pub since: Time,
    /// The current speed window inside: its start, the path since, and the last point. Boxed:
    /// only zones with a speed range have one, and a membership is kept for every track in a
    /// watched zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Box<(Time, f64, [f64; 2])>>,
}

/// `watched` are the ids of the watched zones containing the track's new position.
pub(super) fn on_fix(ctx: &mut Ctx<'_>, number: u64, entry: &mut TrackEntry, watched: &[&str]) {
    if watched.is_empty() && entry.rules.zones.is_empty() {
        return;
    }
    let p = crate::tracks::current(&entry.track);
    let t = p.time;
    for &zone in watched {
        let rules = &ctx.rules_of_zone(zone).zone;
        let m = entry.rules.zones.get_or_insert(zone, || Membership {
            inside: false,
            streak: 0,
            since: t,
            window: None,
        });
        if m.inside {
            m.streak = 0;
        } else {
            if m.streak == 0 {
                m.since = t;
            }
            m.streak += 1;
            if m.streak < rules.debounce_fixes.max(1) {
                continue;
            }
            m.inside = true;
            m.streak = 0;
            ctx.clear(&EpisodeKey::track(Rule::ZoneExit, number, Some(zone)), t);
            if rules.entry {
                let key = EpisodeKey::track(Rule::ZoneEntry, number, Some(zone));
                ctx.raise(key, &[&entry.track], t, &[p]);
            }
        }
        if rules.dwell_ms > 0 && t.since(m.since) >= rules.dwell_ms {
            let key = EpisodeKey::track(Rule::ZoneDwell, number, Some(zone));
            ctx.raise(key, &[&entry.track], t, &[p]);
        }
        let band = &ctx.rules_of_zone(zone).speed_range;
        if band.enabled {
            speed_window(ctx, band, number, &entry.track, m, zone, p);
        }
    }
    let outside: Vec<String> =
        entry.rules.zones.keys().filter(|z| !watched.contains(z)).map(str::to_string).collect();
    for zone in outside {
        let rules = &ctx.rules_of_zone(&zone).zone;
        let Some(m) = entry.rules.zones.get_mut(&zone) else { continue };
        if !m.inside {
            // A pending entry broken by a fix outside.
            entry.rules.zones.remove(&zone);
            continue;
        }
        m.streak += 1;
        if m.streak < rules.debounce_fixes.max(1) {
            continue;
        }
        entry.rules.zones.remove(&zone);
        ctx.clear(&EpisodeKey::track(Rule::ZoneEntry, number, Some(&zone)), t);
        ctx.clear(&EpisodeKey::track(Rule::ZoneDwell, number, Some(&zone)), t);
        ctx.clear(&EpisodeKey::track(Rule::SpeedRange, number, Some(&zone)), t);
        if rules.exit {
            let key = EpisodeKey::track(Rule::ZoneExit, number, Some(&zone));
            ctx.raise(key, &[&entry.track], t, &[p]);
        }
    }
}

/// Tumbling windows of at least `band.window_ms` inside the zone: at each window's end the
/// average speed over it raises `speed.range` if outside the band, or ends the episode.
fn speed_window(
    ctx: &mut Ctx<'_>,
    band: &crate::rules::SpeedRangeRules,
    number: u64,
    track: &model::Track,
    m: &mut Membership,
    zone: &str,
    p: model::TrackPoint,
) {
    let here = [p.lon, p.lat];
    let Some((start, path, last)) = m.window.as_deref_mut() else {
        m.window = Some(Box::new((p.time, 0.0, here)));
        return;
    };
    *path += geo::sphere::haversine_m(*last, here);
    *last = here;
    let elapsed = p.time.since(*start);
    if elapsed < band.window_ms.max(1) {
        return;
    }
    let average = *path / (elapsed as f64 / 1_000.0);
    m.window = Some(Box::new((p.time, 0.0, here)));
    let key = EpisodeKey::track(Rule::SpeedRange, number, Some(zone));
    if (band.min_mps..=band.max_mps).contains(&average) {
        ctx.clear(&key, p.time);
    } else {
        ctx.raise(key, &[track], p.time, &[p]);
    }
}

/// A track's memberships by zone id, in id order: a sorted vector of exactly its entries
/// (a track is in no zone or a few), stored in snapshots as a map like the B-tree it replaces,
/// which allocated an eleven-slot node for the first zone a track entered. Most tracks are in
/// no watched zone: one word in every track, the vector only when it holds something.
#[derive(Clone, Debug, Default, PartialEq)]
#[expect(clippy::box_collection, reason = "one word in every track, three only when needed")]
pub(crate) struct Memberships(Option<Box<Vec<Member>>>);

type Member = (Box<str>, Membership);

fn find(list: &[Member], zone: &str) -> Result<usize, usize> {
    list.binary_search_by(|(z, _)| (**z).cmp(zone))
}

impl Memberships {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn list(&self) -> &[Member] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Asks for the first membership's cache line (see `Engine::warm`): the box is a load.
    pub fn prefetch(&self) {
        crate::prefetch::item(self.list(), 0);
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.list().iter().map(|(z, _)| &**z)
    }

    pub fn get_mut(&mut self, zone: &str) -> Option<&mut Membership> {
        let list = self.0.as_deref_mut()?;
        let at = find(list, zone).ok()?;
        Some(&mut list[at].1)
    }

    pub fn get_or_insert(
        &mut self,
        zone: &str,
        make: impl FnOnce() -> Membership,
    ) -> &mut Membership {
        let list = self.0.get_or_insert_default();
        let at = match find(list, zone) {
            Ok(at) => at,
            Err(at) => {
                list.reserve_exact(1);
                list.insert(at, (zone.into(), make()));
                at
            }
        };
        &mut list[at].1
    }

    pub fn remove(&mut self, zone: &str) {
        let Some(list) = self.0.as_deref_mut() else { return };
        if let Ok(at) = find(list, zone) {
            list.remove(at);
            if list.is_empty() {
                self.0 = None;
            }
        }
    }
}

impl Serialize for Memberships {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.list().iter().map(|(z, m)| (&**z, m)))
    }
}

impl<'de> Deserialize<'de> for Memberships {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Memberships, D::Error> {
        let map = std::collections::BTreeMap::<String, Membership>::deserialize(deserializer)?;
        let list: Vec<_> = map.into_iter().map(|(z, m)| (z.into_boxed_str(), m)).collect();
        Ok(Memberships((!list.is_empty()).then(|| Box::new(list))))
    }
}
