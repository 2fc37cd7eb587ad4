//! Alerts as engine state: one alert per episode of a rule's condition, opened when it starts,
//! updated while it lasts, closed when it ends; acknowledged by an input event.

use std::collections::BTreeMap;

use model::{Alert, AlertState, Marking, Severity, Time, Track, TrackId, TrackPoint};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::list::List;
use crate::rules::Rule;
use crate::{Change, ChangeOp};

/// Evidence kept per alert: the first points that made it fire and the newest ones.
const EVIDENCE_MAX: usize = 16;

/// What makes two firings the same episode: the rule, the track(s) and the zone.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct EpisodeKey {
    pub rule: Rule,
    /// Track numbers involved, ascending (one, or two for a pair).
    pub subject: (u64, u64),
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Box<str>>,
}

impl EpisodeKey {
    pub fn track(rule: Rule, track: u64, zone: Option<&str>) -> EpisodeKey {
        EpisodeKey { rule, subject: (track, u64::MAX), zone: zone.map(Box::from) }
    }

    pub fn pair(rule: Rule, a: u64, b: u64) -> EpisodeKey {
        EpisodeKey { rule, subject: (a.min(b), a.max(b)), zone: None }
    }

    fn involves(&self, track: u64) -> bool {
        self.subject.0 == track || self.subject.1 == track
    }
}

/// An alert with what the engine needs to keep about it.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertEntry {
    pub alert: Alert,
    /// Who acknowledged it and when: boxed, most alerts never are (40 bytes in every alert
    /// otherwise). Stored as two fields, `acknowledged_by` and `acknowledged_time`.
    acknowledged: Option<Box<(String, Time)>>,
    key: EpisodeKey,
}

impl AlertEntry {
    /// The user who acknowledged the alert, if anyone has.
    pub fn acknowledged_by(&self) -> Option<&str> {
        self.acknowledged.as_deref().map(|(by, _)| by.as_str())
    }

    /// When it was acknowledged, if it was.
    pub fn acknowledged_time(&self) -> Option<Time> {
        self.acknowledged.as_deref().map(|(_, time)| *time)
    }
}

/// An [`AlertEntry`] as snapshots hold it, written borrowed ...
#[derive(Serialize)]
struct EntryView<'a> {
    alert: &'a Alert,
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledged_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledged_time: Option<Time>,
    key: &'a EpisodeKey,
}

/// ... and read owned.
#[derive(Deserialize)]
struct StoredEntry {
    alert: Alert,
    #[serde(default)]
    acknowledged_by: Option<String>,
    #[serde(default)]
    acknowledged_time: Option<Time>,
    key: EpisodeKey,
}

impl Serialize for AlertEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EntryView {
            alert: &self.alert,
            acknowledged_by: self.acknowledged_by(),
            acknowledged_time: self.acknowledged_time(),
            key: &self.key,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AlertEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<AlertEntry, D::Error> {
        let s = StoredEntry::deserialize(deserializer)?;
        // Both or neither were written; a time without a name (a damaged snapshot) is dropped,
        // a name without a time keeps the alert's last time.
        let acknowledged = s
            .acknowledged_by
            .map(|by| Box::new((by, s.acknowledged_time.unwrap_or(s.alert.last_time))));
        Ok(AlertEntry { alert: s.alert, acknowledged, key: s.key })
    }
}

/// An alert number: the sequence number of the event that opened it and its rank among the
/// alerts that event opened. Printed `a{seq}` or `a{seq}.{rank}`.
type AlertNo = (u64, u32);

/// An open alert in [`Alerts::open_by_track`]: its number and its rule, in 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Open {
    seq: u64,
    rank: u32,
    rule: Rule,
}

impl Open {
    fn new((seq, rank): AlertNo, rule: Rule) -> Open {
        Open { seq, rank, rule }
    }

    fn no(self) -> AlertNo {
        (self.seq, self.rank)
    }
}

const _: () = assert!(size_of::<Open>() == 16);

fn alert_id((seq, rank): AlertNo) -> String {
    if rank == 0 { format!("a{seq}") } else { format!("a{seq}.{rank}") }
}

fn parse_id(id: &str) -> Option<AlertNo> {
    let rest = id.strip_prefix('a')?;
    match rest.split_once('.') {
        Some((seq, rank)) => Some((seq.parse().ok()?, rank.parse().ok()?)),
        None => Some((rest.parse().ok()?, 0)),
    }
}

/// Every alert, open or not, and the open episodes.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Alerts {
    /// Boxed, like the tracks: numbers only grow, so the B-tree's nodes stay about half full,
    /// and an entry is a few hundred bytes.
    #[serde(with = "crate::keyed")]
    alerts: BTreeMap<AlertNo, Box<AlertEntry>>,
    /// The open (or acknowledged, still lasting) episodes' alerts by track involved, a pair's
    /// under both tracks. An episode is found through its first track's list, whose alerts
    /// carry their keys: a track has an episode or two open at most, and a map by key beside
    /// this cost some 100 bytes an open alert. Each item says its rule too, in what was
    /// padding: most look-ups are for another rule than the open one, and are answered
    /// without reading the alert. Derived: rebuilt on restore.
    #[serde(skip)]
    open_by_track: FxHashMap<u64, List<Open>>,
    /// When closed alerts were last forgotten (event time; hourly).
    #[serde(default)]
    pruned: Time,
    /// The event being folded and how many alerts it opened. Reset at every event.
    #[serde(skip)]
    current: (u64, u32),
}

/// What a rule says when its condition holds.
pub(crate) struct Firing<'a> {
    pub key: EpisodeKey,
    pub tracks: &'a [&'a Track],
    pub time: Time,
    pub evidence: &'a [TrackPoint],
    pub severity: Option<Severity>,
}

impl Alerts {
    pub fn rebuild(&mut self) {
        self.open_by_track.clear();
        let open: Vec<(EpisodeKey, AlertNo)> = self
            .alerts
            .iter()
            .filter(|(_, e)| e.alert.state != AlertState::Closed)
            .map(|(n, e)| (e.key.clone(), *n))
            .collect();
        for (key, no) in open {
            self.open_insert(key, no);
        }
    }

    fn subjects(key: &EpisodeKey) -> impl Iterator<Item = u64> {
        let (a, b) = key.subject;
        std::iter::once(a).chain((b != u64::MAX && b != a).then_some(b))
    }

    /// The open alert of `key`, if any.
    fn open_no(&self, key: &EpisodeKey) -> Option<AlertNo> {
        let list = self.open_by_track.get(&key.subject.0)?;
        let mut open = list.as_slice().iter().filter(|o| o.rule == key.rule).map(|o| o.no());
        open.find(|no| self.alerts.get(no).is_some_and(|e| e.key == *key))
    }

    fn open_insert(&mut self, key: EpisodeKey, no: AlertNo) {
        // One open alert per key: another under the same key (only a damaged snapshot can hold
        // two) is no longer open in the index.
        self.open_remove(&key);
        for t in Self::subjects(&key) {
            self.open_by_track.entry(t).or_default().push(Open::new(no, key.rule));
        }
    }

    fn open_remove(&mut self, key: &EpisodeKey) -> Option<AlertNo> {
        let no = self.open_no(key)?;
        for t in Self::subjects(key) {
            if let Some(list) = self.open_by_track.get_mut(&t) {
                list.remove(Open::new(no, key.rule));
                if list.is_empty() {
                    self.open_by_track.remove(&t);
                }
            }
        }
        Some(no)
    }

    pub fn begin(&mut self, seq: u64) {
        self.current = (seq, 0);
    }

    pub fn iter(&self) -> impl Iterator<Item = &AlertEntry> {
        self.alerts.values().map(|e| &**e)
    }

    pub fn get(&self, id: &str) -> Option<&AlertEntry> {
        self.alerts.get(&parse_id(id)?).map(|e| &**e).filter(|e| e.alert.id == id)
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Whether `key`'s episode is open. Most rules ask about tracks with nothing open, which
    /// costs one look-up by track number (read ahead by `Engine::warm`).
    pub fn is_open(&self, key: &EpisodeKey) -> bool {
        self.open_no(key).is_some()
    }

    /// Reads what raising or closing an episode of `track` reads first (see `Engine::warm`).
    pub fn warm(&self, track: u64) -> usize {
        self.open_by_track.get(&track).map_or(0, |l| l.as_slice().len())
    }

    /// The condition of `firing` holds: opens its episode's alert or updates it.
    pub fn raise(&mut self, firing: Firing<'_>, changes: &mut Vec<Change>) {
        if let Some(no) = self.open_no(&firing.key)
            && let Some(entry) = self.alerts.get_mut(&no)
        {
            let alert = &mut entry.alert;
            if firing.time > alert.last_time {
                alert.last_time = firing.time;
            }
            for t in firing.tracks {
                if !alert.tracks.contains(&t.id) {
                    alert.tracks.push(t.id.clone());
                    alert.marking = alert.marking.combine(&t.marking);
                }
            }
            if let Some(severity) = firing.severity {
                alert.severity = alert.severity.max(severity);
            }
            push_evidence(&mut alert.evidence, firing.evidence);
            changes.push(Change::Alert { id: alert.id.clone(), op: ChangeOp::Upsert });
            return;
        }
        let Some(first) = firing.tracks.first() else { return };
        let no = self.current;
        self.current.1 += 1;
        let marking =
            firing.tracks.iter().fold(first.marking.clone(), |m: Marking, t| m.combine(&t.marking));
        let mut evidence = Vec::new();
        push_evidence(&mut evidence, firing.evidence);
        let alert = Alert {
            id: alert_id(no),
            rule: firing.key.rule.id().to_string(),
            severity: firing.severity.unwrap_or(firing.key.rule.info().severity),
            state: AlertState::Open,
            agency: first.agency.clone(),
            marking,
            tracks: firing.tracks.iter().map(|t| t.id.clone()).collect::<Vec<TrackId>>(),
            zone: firing.key.zone.as_deref().map(String::from),
            first_time: evidence.first().map_or(firing.time, |p| p.time.min(firing.time)),
            last_time: firing.time,
            evidence,
            exercise: firing.tracks.iter().any(|t| t.exercise),
        };
        changes.push(Change::Alert { id: alert.id.clone(), op: ChangeOp::Upsert });
        self.open_insert(firing.key.clone(), no);
        let entry = AlertEntry { alert, acknowledged: None, key: firing.key };
        self.alerts.insert(no, Box::new(entry));
    }

    /// The condition of `key` ended: closes its alert, if one is open.
    pub fn clear(&mut self, key: &EpisodeKey, time: Time, changes: &mut Vec<Change>) {
        let Some(no) = self.open_remove(key) else { return };
        if let Some(entry) = self.alerts.get_mut(&no) {
            entry.alert.state = AlertState::Closed;
            if time > entry.alert.last_time {
                entry.alert.last_time = time;
            }
            changes.push(Change::Alert { id: entry.alert.id.clone(), op: ChangeOp::Upsert });
        }
    }

    /// Closes every open episode of `track` whose rule `which` selects.
    pub fn clear_track(
        &mut self,
        track: u64,
        time: Time,
        which: impl Fn(Rule) -> bool,
        changes: &mut Vec<Change>,
    ) {
        let open = self.open_by_track.get(&track).map_or(&[][..], List::as_slice);
        let mut keys: Vec<EpisodeKey> = open
            .iter()
            .filter(|o| which(o.rule))
            .filter_map(|o| self.alerts.get(&o.no()))
            .map(|e| &e.key)
            .filter(|k| k.involves(track) && which(k.rule))
            .cloned()
            .collect();
        keys.sort();
        // The index must say what a scan of every open episode says (checked in tests).
        debug_assert_eq!(keys, {
            let mut all: Vec<EpisodeKey> = self
                .alerts
                .values()
                .filter(|e| e.alert.state != AlertState::Closed)
                .map(|e| &e.key)
                .filter(|k| k.involves(track) && which(k.rule))
                .cloned()
                .collect();
            all.sort();
            all
        });
        for key in keys {
            self.clear(&key, time, changes);
        }
    }

    /// An operator acknowledged an alert; unknown ids and closed alerts change nothing.
    pub fn acknowledge(&mut self, id: &str, actor: &str, time: Time, changes: &mut Vec<Change>) {
        let Some(entry) = parse_id(id).and_then(|no| self.alerts.get_mut(&no)) else { return };
        if entry.alert.state != AlertState::Open {
            return;
        }
        entry.alert.state = AlertState::Acknowledged;
        entry.acknowledged = Some(Box::new((actor.to_string(), time)));
        changes.push(Change::Alert { id: entry.alert.id.clone(), op: ChangeOp::Upsert });
    }

    /// Forgets, at most hourly in event time, closed alerts older than `retention_ms`.
    pub fn prune(&mut self, now: Time, retention_ms: i64, changes: &mut Vec<Change>) {
        if now.since(self.pruned) < Time::MS_PER_HOUR {
            return;
        }
        self.pruned = now;
        let before = now.plus_millis(-retention_ms.max(0));
        self.alerts.retain(|_, e| {
            let keep = e.alert.state != AlertState::Closed || e.alert.last_time >= before;
            if !keep {
                changes.push(Change::Alert { id: e.alert.id.clone(), op: ChangeOp::Remove });
            }
            keep
        });
    }
}

/// Keeps the first half of the evidence as it fired and slides the newest through the rest.
fn push_evidence(evidence: &mut Vec<TrackPoint>, points: &[TrackPoint]) {
    for p in points {
        if evidence.last().is_some_and(|l| l.time == p.time && l.lon == p.lon && l.lat == p.lat) {
            continue;
        }
        if evidence.len() >= EVIDENCE_MAX {
            evidence.remove(EVIDENCE_MAX / 2);
        }
        // Most alerts keep a point or two: grow by one slot, not to four and then doubling.
        evidence.reserve_exact(1);
        evidence.push(*p);
    }
}
