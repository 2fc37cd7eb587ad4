//! Automatic incidents: configured rules that open an incident from an alert or attach the
//! alert to one already open.

use std::collections::BTreeSet;

use model::incident::{Actor, ImpactLevel, IncidentEvent, IncidentOpened};
use model::{Alert, Severity, TrackId};
use serde::{Deserialize, Serialize};

use crate::state::SYSTEM_USER;
use crate::{IncidentRecord, Incidents};

/// An alert of rule `rule` opens an incident of `category` (or attaches to an open one of that
/// category sharing a track).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRule {
    pub rule: String,
    pub category: String,
    pub impact: ImpactLevel,
    /// Alerts below this severity are left to people.
    #[serde(default = "default_min_severity")]
    pub min_severity: Severity,
    #[serde(default = "default_confidence")]
    pub confidence: u8,
}

/// Alerts of the `first` and `second` rule sets on the same track, within `window_hours` of
/// each other, together make one suspicion of `category`; later alerts of either set on its
/// tracks attach to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelateRule {
    pub first: Vec<String>,
    pub second: Vec<String>,
    pub category: String,
    pub impact: ImpactLevel,
    #[serde(default = "default_window_hours")]
    pub window_hours: u32,
    #[serde(default = "default_suspicion_confidence")]
    pub confidence: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoConfig {
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    #[serde(default = "default_open_rules")]
    pub open: Vec<OpenRule>,
    #[serde(default = "default_correlate_rules")]
    pub correlate: Vec<CorrelateRule>,
}

pub fn default_enabled() -> bool {
    true
}

pub fn default_min_severity() -> Severity {
    Severity::Low
}

pub fn default_confidence() -> u8 {
    80
}

pub fn default_suspicion_confidence() -> u8 {
    60
}

pub fn default_window_hours() -> u32 {
    24
}

/// A SAR beacon opens `sar.distress` at very high impact; a crossing outside a crossing point
/// opens its own category.
pub fn default_open_rules() -> Vec<OpenRule> {
    vec![
        OpenRule {
            rule: "sar.beacon".into(),
            category: "sar.distress".into(),
            impact: ImpactLevel::VeryHigh,
            min_severity: default_min_severity(),
            confidence: default_confidence(),
        },
        OpenRule {
            rule: "crossing.outside_bcp".into(),
            category: "crossing.outside_bcp".into(),
            impact: ImpactLevel::High,
            min_severity: default_min_severity(),
            confidence: default_confidence(),
        },
    ]
}

/// An encounter plus an AIS gap (or suspected disabling) on the same vessel: fuel smuggling.
pub fn default_correlate_rules() -> Vec<CorrelateRule> {
    vec![CorrelateRule {
        first: vec!["encounter".into(), "rendezvous".into()],
        second: vec!["ais.gap".into(), "ais.disabling".into()],
        category: "smuggling.fuel".into(),
        impact: ImpactLevel::High,
        window_hours: default_window_hours(),
        confidence: default_suspicion_confidence(),
    }]
}

impl Default for AutoConfig {
    fn default() -> AutoConfig {
        AutoConfig {
            enabled: default_enabled(),
            open: default_open_rules(),
            correlate: default_correlate_rules(),
        }
    }
}

fn system_actor(alert: &Alert) -> Actor {
    Actor { user: SYSTEM_USER.to_owned(), agency: alert.agency.clone() }
}

fn shares_track(record: &IncidentRecord, tracks: &[TrackId]) -> bool {
    tracks.iter().any(|t| record.tracks.contains(t))
}

/// An open incident of `category`, of the same exercise flag, sharing a track with `tracks`.
fn open_with_track<'a>(
    state: &'a Incidents,
    category: &str,
    exercise: bool,
    tracks: &[TrackId],
) -> Option<&'a IncidentRecord> {
    state.iter().find(|r| {
        !r.is_closed()
            && r.category == category
            && r.exercise == exercise
            && shares_track(r, tracks)
    })
}

fn link(record: &IncidentRecord, alert: &Alert) -> IncidentEvent {
    IncidentEvent::AlertLinked {
        id: record.id.clone(),
        alert: alert.id.clone(),
        tracks: alert.tracks.clone(),
        alert_time: alert.first_time,
        actor: system_actor(alert),
    }
}

fn open(alerts: &[&Alert], category: &str, impact: ImpactLevel, confidence: u8) -> IncidentEvent {
    let lead = alerts[0];
    let tracks: BTreeSet<TrackId> = alerts.iter().flat_map(|a| a.tracks.iter().cloned()).collect();
    let mut marking = lead.marking.clone();
    for a in &alerts[1..] {
        marking = marking.combine(&a.marking);
    }
    let position = lead.evidence.last().map(|p| model::Position {
        lon: p.lon,
        lat: p.lat,
        ..model::Position::default()
    });
    let title = format!(
        "{category}: {} on {}",
        lead.rule,
        tracks.iter().map(|t| &*t.0).collect::<Vec<_>>().join(", ")
    );
    IncidentEvent::Opened(Box::new(IncidentOpened {
        category: category.to_owned(),
        title,
        description: format!(
            "opened automatically from alert{} {}",
            if alerts.len() > 1 { "s" } else { "" },
            alerts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
        location: position.map(|position| model::incident::IncidentLocation::Point { position }),
        border_section: lead.zone.clone(),
        originator: lead.agency.clone(),
        owner: lead.agency.clone(),
        impact,
        confidence: confidence.min(100),
        alerts: alerts.iter().map(|a| a.id.clone()).collect(),
        tracks: tracks.into_iter().collect(),
        persons: Default::default(),
        exercise: lead.exercise,
        marking,
        detected: alerts.iter().map(|a| a.first_time).min(),
        automatic: true,
        actor: system_actor(lead),
    }))
}

/// Time between two alerts' episodes; zero or less when they overlap.
fn gap_ms(a: &Alert, b: &Alert) -> i64 {
    a.first_time.max(b.first_time).since(a.last_time.min(b.last_time))
}

/// What to do with `alert`: open an incident, attach the alert to one, or nothing. `recent` are
/// the other alerts the engine holds (any state), searched for the partner of a correlation.
/// An alert already linked to an incident, or with no track, is left alone.
pub fn auto_incident(
    config: &AutoConfig,
    state: &Incidents,
    alert: &Alert,
    recent: &[&Alert],
) -> Vec<IncidentEvent> {
    if !config.enabled || state.iter().any(|r| r.alerts.contains(&alert.id)) {
        return Vec::new();
    }
    for rule in config.open.iter().filter(|r| r.rule == alert.rule) {
        if alert.severity < rule.min_severity {
            continue;
        }
        if !alert.tracks.is_empty()
            && let Some(record) =
                open_with_track(state, &rule.category, alert.exercise, &alert.tracks)
        {
            return vec![link(record, alert)];
        }
        return vec![open(&[alert], &rule.category, rule.impact, rule.confidence)];
    }
    for rule in &config.correlate {
        let in_first = rule.first.contains(&alert.rule);
        let in_second = rule.second.contains(&alert.rule);
        if !(in_first || in_second) || alert.tracks.is_empty() {
            continue;
        }
        if let Some(record) = open_with_track(state, &rule.category, alert.exercise, &alert.tracks)
        {
            return vec![link(record, alert)];
        }
        let window = i64::from(rule.window_hours) * model::Time::MS_PER_HOUR;
        let partner = recent.iter().copied().find(|other| {
            other.id != alert.id
                && other.exercise == alert.exercise
                && ((in_first && rule.second.contains(&other.rule))
                    || (in_second && rule.first.contains(&other.rule)))
                && other.tracks.iter().any(|t| alert.tracks.contains(t))
                && gap_ms(alert, other) <= window
                && !state.iter().any(|r| r.alerts.contains(&other.id))
        });
        if let Some(partner) = partner {
            let (lead, second) = if in_first { (alert, partner) } else { (partner, alert) };
            return vec![open(&[lead, second], &rule.category, rule.impact, rule.confidence)];
        }
    }
    Vec::new()
}
