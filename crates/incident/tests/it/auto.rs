//! Auto-incident rules: open, attach and correlate.

use incident::{AutoConfig, Incidents, auto_incident};
use model::incident::{ImpactLevel, IncidentEvent};
use model::{AgencyId, Alert, AlertState, Severity, Time, TrackId, TrackPoint};

use crate::common::{Log, at};

fn alert(id: &str, rule: &str, tracks: &[&str], first: Time, last: Time) -> Alert {
    Alert {
        id: id.into(),
        rule: rule.into(),
        severity: Severity::High,
        state: AlertState::Open,
        agency: AgencyId::new("CGW"),
        marking: Default::default(),
        tracks: tracks.iter().map(|t| TrackId((*t).into())).collect(),
        zone: None,
        first_time: first,
        last_time: last,
        evidence: vec![TrackPoint {
            time: first,
            lon: 12.1,
            lat: 33.3,
            speed_mps: None,
            course_deg: None,
        }],
        exercise: false,
    }
}

fn fold(log: &mut Log, time: Time, events: Vec<IncidentEvent>) {
    log.commit(time, Ok(events)).unwrap();
}

#[test]
fn a_sar_beacon_opens_a_very_high_distress_incident_and_repeats_attach() {
    let config = AutoConfig::default();
    let mut log = Log::default();
    let beacon = alert("a1", "sar.beacon", &["t970"], at(0), at(0));
    let events = auto_incident(&config, &log.state, &beacon, &[]);
    let [IncidentEvent::Opened(opened)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(opened.category, "sar.distress");
    assert_eq!(opened.impact, ImpactLevel::VeryHigh);
    assert!(opened.automatic);
    assert_eq!(opened.detected, Some(at(0)));
    fold(&mut log, at(1), events);
    let record = log.state.iter().next().unwrap();
    assert_eq!(record.timeline.acknowledged, None, "nobody has looked yet");
    assert_eq!(record.timeline.detected, Some(at(0)));

    assert!(auto_incident(&config, &log.state, &beacon, &[]).is_empty(), "already linked");
    let again = alert("a2", "sar.beacon", &["t970"], at(600), at(600));
    let events = auto_incident(&config, &log.state, &again, &[]);
    assert!(
        matches!(events.as_slice(), [IncidentEvent::AlertLinked { alert, .. }] if alert == "a2")
    );
}

#[test]
fn a_crossing_outside_a_bcp_opens_its_category() {
    let config = AutoConfig::default();
    let crossing = alert("a7", "crossing.outside_bcp", &["v1", "v2"], at(0), at(0));
    let events = auto_incident(&config, &Incidents::new(), &crossing, &[]);
    let [IncidentEvent::Opened(opened)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(opened.category, "crossing.outside_bcp");
    assert_eq!(opened.tracks.len(), 2);
    assert!(
        auto_incident(
            &config,
            &Incidents::new(),
            &alert("a8", "zone.entry", &["v1"], at(0), at(0)),
            &[]
        )
        .is_empty()
    );
    let off = AutoConfig { enabled: false, ..AutoConfig::default() };
    assert!(auto_incident(&off, &Incidents::new(), &crossing, &[]).is_empty());
}

#[test]
fn an_encounter_and_an_ais_gap_on_one_vessel_make_one_fuel_smuggling_suspicion() {
    let config = AutoConfig::default();
    let mut log = Log::default();
    let gap = alert("a10", "ais.gap", &["tanker"], at(0), at(0));
    // A gap alone opens nothing.
    assert!(auto_incident(&config, &log.state, &gap, &[]).is_empty());
    // An encounter between the tanker and another vessel, two hours later: the pair opens it.
    let encounter = alert("a11", "encounter", &["tanker", "dark"], at(7200), at(10_800));
    let events = auto_incident(&config, &log.state, &encounter, &[&gap]);
    let [IncidentEvent::Opened(opened)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(opened.category, "smuggling.fuel");
    assert_eq!(opened.alerts, ["a11", "a10"]);
    assert_eq!(opened.detected, Some(at(0)));
    fold(&mut log, at(10_801), events);
    // A suspected disabling of the other vessel attaches to the same suspicion.
    let disabling = alert("a12", "ais.disabling", &["dark"], at(20_000), at(20_000));
    let events = auto_incident(&config, &log.state, &disabling, &[&gap, &encounter]);
    assert!(
        matches!(events.as_slice(), [IncidentEvent::AlertLinked { alert, .. }] if alert == "a12")
    );
    fold(&mut log, at(20_001), events);
    assert_eq!(log.state.iter().count(), 1);
    assert_eq!(log.state.iter().next().unwrap().alerts.len(), 3);
}

#[test]
fn correlation_needs_the_same_vessel_within_the_window() {
    let config = AutoConfig::default();
    let gap = alert("a10", "ais.gap", &["someone_else"], at(0), at(0));
    let encounter = alert("a11", "encounter", &["tanker", "dark"], at(7200), at(10_800));
    assert!(auto_incident(&config, &Incidents::new(), &encounter, &[&gap]).is_empty());
    let old_gap = alert("a9", "ais.gap", &["tanker"], at(-3 * 86_400), at(-3 * 86_400));
    assert!(auto_incident(&config, &Incidents::new(), &encounter, &[&old_gap]).is_empty());
}

#[test]
fn auto_config_defaults_and_unknown_keys() {
    let config: AutoConfig = toml::from_str("").unwrap();
    assert_eq!(config, AutoConfig::default());
    let err = toml::from_str::<AutoConfig>("enabled = true\nmagic = 1\n").unwrap_err();
    assert!(err.to_string().contains("magic"), "{err}");
    let custom: AutoConfig = toml::from_str(
        "[[open]]\nrule = \"coast.unidentified_departure\"\ncategory = \"migration.departure\"\nimpact = \"high\"\n",
    )
    .unwrap();
    assert_eq!(custom.open.len(), 1);
    assert_eq!(custom.correlate, incident::default_correlate_rules());
}
