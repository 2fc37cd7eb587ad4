//! Response times: per incident the dispatch timestamps, and per category, agency, border
//! section and day their percentiles against the configured targets.
//!
//! Percentiles use the **nearest-rank** definition: sort the n values ascending; the p-th
//! percentile is the value at rank ⌈p·n/100⌉ (1-based). It is always an observed value, which
//! is what a target like "90 % within 60 s" means.

use std::collections::BTreeMap;

use model::Time;
use serde::{Deserialize, Serialize};

use crate::{IncidentRecord, Incidents};

/// An interval measured on one incident, each from `detected` unless said otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// detected → reported (the incident opened)
    Report,
    /// detected → acknowledged by a person
    Acknowledge,
    /// detected → verified
    Verify,
    /// detected → first unit tasked
    Dispatch,
    /// dispatched → on scene
    Travel,
    /// on scene → resolved
    OnScene,
    /// detected → resolved
    Resolve,
    /// detected → closed
    Total,
}

impl Measure {
    pub const ALL: [Measure; 8] = [
        Measure::Report,
        Measure::Acknowledge,
        Measure::Verify,
        Measure::Dispatch,
        Measure::Travel,
        Measure::OnScene,
        Measure::Resolve,
        Measure::Total,
    ];

    fn of(self, r: &IncidentRecord) -> Option<i64> {
        let t = &r.timeline;
        let (from, to) = match self {
            Measure::Report => (t.detected, t.reported),
            Measure::Acknowledge => (t.detected, t.acknowledged),
            Measure::Verify => (t.detected, t.verified),
            Measure::Dispatch => (t.detected, t.dispatched),
            Measure::Travel => (t.dispatched, t.on_scene),
            Measure::OnScene => (t.on_scene, t.resolved),
            Measure::Resolve => (t.detected, t.resolved),
            Measure::Total => (t.detected, t.closed),
        };
        Some(to?.since(from?).max(0))
    }
}

/// Targets from configuration (docs/domain.md's proposals by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseTargets {
    /// Seconds from detection to a person's acknowledgement.
    #[serde(default = "default_acknowledge_s")]
    pub acknowledge_s: u32,
    /// Seconds from detection to dispatch, per category.
    #[serde(default = "default_dispatch_s")]
    pub dispatch_s: BTreeMap<String, u32>,
    /// For categories without their own dispatch target; none when absent.
    #[serde(default)]
    pub dispatch_default_s: Option<u32>,
}

pub fn default_acknowledge_s() -> u32 {
    60
}

pub fn default_dispatch_s() -> BTreeMap<String, u32> {
    BTreeMap::from([("sar.distress".to_owned(), 300), ("migration.departure".to_owned(), 600)])
}

impl Default for ResponseTargets {
    fn default() -> ResponseTargets {
        ResponseTargets {
            acknowledge_s: default_acknowledge_s(),
            dispatch_s: default_dispatch_s(),
            dispatch_default_s: None,
        }
    }
}

impl ResponseTargets {
    /// The target of `measure` for `category`, in milliseconds, if there is one.
    pub fn target_ms(&self, measure: Measure, category: &str) -> Option<i64> {
        let seconds = match measure {
            Measure::Acknowledge => Some(self.acknowledge_s),
            Measure::Dispatch => self.dispatch_s.get(category).copied().or(self.dispatch_default_s),
            _ => None,
        };
        seconds.map(|s| i64::from(s) * Time::MS_PER_SECOND)
    }
}

/// Which incidents to count: detected in `[from, to)`, exercises only when asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsQuery {
    #[serde(default)]
    pub from: Option<Time>,
    #[serde(default)]
    pub to: Option<Time>,
    #[serde(default)]
    pub include_exercise: bool,
}

/// One incident's timestamps, measures and breaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentTimes {
    pub id: String,
    pub category: String,
    pub agency: String,
    pub border_section: String,
    pub day: String,
    pub timeline: crate::Timeline,
    pub measures: BTreeMap<Measure, i64>,
    pub breaches: Vec<Measure>,
}

/// Percentiles of one measure over a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub count: u32,
    pub p50_ms: i64,
    pub p90_ms: i64,
    pub max_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStats {
    pub incidents: u32,
    pub measures: BTreeMap<Measure, Stat>,
    /// Incidents over target, per measure that has a target.
    pub breaches: BTreeMap<Measure, u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseMetrics {
    /// Always `nearest-rank`.
    pub percentile_method: String,
    pub targets: ResponseTargets,
    pub incidents: Vec<IncidentTimes>,
    pub overall: GroupStats,
    pub by_category: BTreeMap<String, GroupStats>,
    pub by_agency: BTreeMap<String, GroupStats>,
    pub by_border_section: BTreeMap<String, GroupStats>,
    /// UTC day of detection, `YYYY-MM-DD`.
    pub by_day: BTreeMap<String, GroupStats>,
}

/// The label of incidents with no border section.
pub const NO_SECTION: &str = "none";

/// Nearest-rank percentile of ascending `sorted` (`p` in percent); `None` when empty.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// Measures not yet taken but already past their target at `now` count as breaches too (an
/// incident nobody acknowledged for an hour must not look good by having no value).
fn times(r: &IncidentRecord, targets: &ResponseTargets, now: Time) -> IncidentTimes {
    let measures: BTreeMap<Measure, i64> =
        Measure::ALL.iter().filter_map(|m| Some((*m, m.of(r)?))).collect();
    let detected = r.timeline.detected.unwrap_or(r.opened);
    let breaches = Measure::ALL
        .iter()
        .filter(|m| {
            let Some(target) = targets.target_ms(**m, &r.category) else { return false };
            match measures.get(m) {
                Some(value) => *value > target,
                None => !r.is_closed() && now.since(detected) > target,
            }
        })
        .copied()
        .collect();
    IncidentTimes {
        id: r.id.clone(),
        category: r.category.clone(),
        agency: r.owner.to_string(),
        border_section: r.border_section.clone().unwrap_or_else(|| NO_SECTION.to_owned()),
        day: detected.utc_date(),
        timeline: r.timeline.clone(),
        measures,
        breaches,
    }
}

fn group<'a>(items: impl Iterator<Item = &'a IncidentTimes>) -> GroupStats {
    let mut stats = GroupStats::default();
    let mut values: BTreeMap<Measure, Vec<i64>> = BTreeMap::new();
    for item in items {
        stats.incidents += 1;
        for (m, v) in &item.measures {
            values.entry(*m).or_default().push(*v);
        }
        for m in &item.breaches {
            *stats.breaches.entry(*m).or_default() += 1;
        }
    }
    for (m, mut v) in values {
        v.sort_unstable();
        let (Some(p50), Some(p90), Some(max)) = (percentile(&v, 50), percentile(&v, 90), v.last())
        else {
            continue;
        };
        let count = u32::try_from(v.len()).unwrap_or(u32::MAX);
        stats.measures.insert(m, Stat { count, p50_ms: p50, p90_ms: p90, max_ms: *max });
    }
    stats
}

fn by(
    incidents: &[IncidentTimes],
    key: impl Fn(&IncidentTimes) -> &str,
) -> BTreeMap<String, GroupStats> {
    let mut keys: Vec<&str> = incidents.iter().map(&key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|k| (k.to_owned(), group(incidents.iter().filter(|i| key(i) == k))))
        .collect()
}

/// Response-time statistics at `now` over the incidents `query` selects.
pub fn response_metrics(
    state: &Incidents,
    query: &MetricsQuery,
    targets: &ResponseTargets,
    now: Time,
) -> ResponseMetrics {
    let incidents: Vec<IncidentTimes> = state
        .iter()
        .filter(|r| query.include_exercise || !r.exercise)
        .filter(|r| {
            let detected = r.timeline.detected.unwrap_or(r.opened);
            query.from.is_none_or(|from| detected >= from)
                && query.to.is_none_or(|to| detected < to)
        })
        .map(|r| times(r, targets, now))
        .collect();
    ResponseMetrics {
        percentile_method: "nearest-rank".to_owned(),
        targets: targets.clone(),
        overall: group(incidents.iter()),
        by_category: by(&incidents, |i| &i.category),
        by_agency: by(&incidents, |i| &i.agency),
        by_border_section: by(&incidents, |i| &i.border_section),
        by_day: by(&incidents, |i| &i.day),
        incidents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_on_one_to_ten() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
        // n = 3: p50 → rank ⌈1.5⌉ = 2, p90 → rank ⌈2.7⌉ = 3.
        assert_eq!(percentile(&[10, 20, 30], 50), Some(20));
        assert_eq!(percentile(&[10, 20, 30], 90), Some(30));
    }
}
