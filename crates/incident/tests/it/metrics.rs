//! Response times from known timelines give known (nearest-rank) percentiles.

use incident::{Incidents, Measure, MetricsQuery, ResponseTargets, response_metrics};
use model::incident::{Actor, IncidentEvent, IncidentOpened};
use model::{AgencyId, IncidentState, Time};

use crate::common::{Log, at};

fn opened(agency: &str, detected: Time, section: Option<&str>, exercise: bool) -> IncidentEvent {
    IncidentEvent::Opened(Box::new(IncidentOpened {
        category: "migration.departure".into(),
        title: "departure".into(),
        description: String::new(),
        location: None,
        border_section: section.map(str::to_owned),
        originator: AgencyId::new(agency),
        owner: AgencyId::new(agency),
        impact: Default::default(),
        confidence: 60,
        alerts: vec![],
        tracks: vec![],
        persons: Default::default(),
        exercise,
        marking: Default::default(),
        detected: Some(detected),
        automatic: true,
        actor: Actor::new(incident::SYSTEM_USER, agency),
    }))
}

/// Ten incidents; incident k (1..=10) is detected at k·3 h, acknowledged k·10 s and dispatched
/// k·100 s after detection. Odd k belong to CGW, even k to JOC; k = 10 has no border section.
fn ten() -> Log {
    let mut log = Log::default();
    for k in 1..=10_i64 {
        let agency = if k % 2 == 1 { "CGW" } else { "JOC" };
        let detected = at(k * 3 * 3600);
        let section = (k != 10).then_some("section.tun.ras-ajdir");
        let id = Incidents::id_for(log.seq);
        log.commit(detected.plus_millis(5_000), Ok(vec![opened(agency, detected, section, false)]))
            .unwrap();
        let actor = Actor::new("watch", agency);
        let ack = IncidentEvent::Acknowledged { id: id.clone(), actor: actor.clone() };
        log.commit(detected.plus_millis(k * 10_000), Ok(vec![ack])).unwrap();
        let dispatch = IncidentEvent::Transitioned {
            id,
            from: IncidentState::Reported,
            to: IncidentState::Assigned,
            actor,
            reason: "boat tasked".into(),
            closure: None,
        };
        log.commit(detected.plus_millis(k * 100_000), Ok(vec![dispatch])).unwrap();
    }
    // An exercise incident never counts unless asked for.
    log.commit(at(3600), Ok(vec![opened("CGW", at(3600), None, true)])).unwrap();
    log
}

#[test]
fn percentiles_and_breaches_over_known_timelines() {
    let log = ten();
    let m = response_metrics(
        &log.state,
        &MetricsQuery::default(),
        &ResponseTargets::default(),
        at(40 * 3600),
    );
    assert_eq!(m.percentile_method, "nearest-rank");
    assert_eq!(m.overall.incidents, 10);
    // Acknowledge: 10, 20 … 100 s. Nearest rank: p50 = 5th = 50 s, p90 = 9th = 90 s.
    let ack = &m.overall.measures[&Measure::Acknowledge];
    assert_eq!((ack.count, ack.p50_ms, ack.p90_ms, ack.max_ms), (10, 50_000, 90_000, 100_000));
    // Dispatch: 100 … 1000 s → 500 s and 900 s.
    let dispatch = &m.overall.measures[&Measure::Dispatch];
    assert_eq!((dispatch.p50_ms, dispatch.p90_ms), (500_000, 900_000));
    // Report: opened 5 s after detection, every time.
    assert_eq!(m.overall.measures[&Measure::Report].p90_ms, 5_000);
    // Targets: acknowledge ≤ 60 s breached by 70, 80, 90, 100; dispatch ≤ 600 s for
    // migration.departure breached by 700 … 1000.
    assert_eq!(m.overall.breaches[&Measure::Acknowledge], 4);
    assert_eq!(m.overall.breaches[&Measure::Dispatch], 4);
    assert!(!m.overall.measures.contains_key(&Measure::Total), "nothing closed yet");
}

#[test]
fn groups_by_agency_section_and_day() {
    let m = response_metrics(
        &ten().state,
        &MetricsQuery::default(),
        &ResponseTargets::default(),
        at(40 * 3600),
    );
    // CGW: 10, 30, 50, 70, 90 s → p50 = ⌈2.5⌉ = 3rd = 50 s, p90 = ⌈4.5⌉ = 5th = 90 s.
    let cgw = &m.by_agency["CGW"].measures[&Measure::Acknowledge];
    assert_eq!((cgw.count, cgw.p50_ms, cgw.p90_ms), (5, 50_000, 90_000));
    // JOC: 20, 40, 60, 80, 100 s → 60 s and 100 s.
    let joc = &m.by_agency["JOC"].measures[&Measure::Acknowledge];
    assert_eq!((joc.p50_ms, joc.p90_ms), (60_000, 100_000));
    assert_eq!(m.by_border_section["section.tun.ras-ajdir"].incidents, 9);
    assert_eq!(m.by_border_section[incident::NO_SECTION].incidents, 1);
    // Detected at 3 h … 21 h on the 14th, 24 h … 30 h on the 15th.
    assert_eq!(m.by_day["2023-11-14"].incidents, 7);
    assert_eq!(m.by_day["2023-11-15"].incidents, 3);
    assert_eq!(m.by_category["migration.departure"].incidents, 10);
}

#[test]
fn query_window_and_exercises() {
    let log = ten();
    let day2 = MetricsQuery { from: Some(at(24 * 3600)), to: None, include_exercise: false };
    let m = response_metrics(&log.state, &day2, &ResponseTargets::default(), at(40 * 3600));
    assert_eq!(m.overall.incidents, 3);
    let all = MetricsQuery { include_exercise: true, ..MetricsQuery::default() };
    let m = response_metrics(&log.state, &all, &ResponseTargets::default(), at(40 * 3600));
    assert_eq!(m.overall.incidents, 11);
}

#[test]
fn an_incident_nobody_acknowledged_is_a_breach_once_past_target() {
    let mut log = Log::default();
    log.commit(at(0), Ok(vec![opened("CGW", at(0), None, false)])).unwrap();
    let targets = ResponseTargets::default();
    let before = response_metrics(&log.state, &MetricsQuery::default(), &targets, at(60));
    assert!(before.overall.breaches.is_empty());
    let after = response_metrics(&log.state, &MetricsQuery::default(), &targets, at(61));
    assert_eq!(after.overall.breaches[&Measure::Acknowledge], 1);
    let toml_targets: ResponseTargets = toml::from_str("acknowledge_s = 30\n").unwrap();
    assert_eq!(toml_targets.dispatch_s["sar.distress"], 300);
    assert!(
        toml::from_str::<ResponseTargets>("acknowledge = 30\n")
            .unwrap_err()
            .to_string()
            .contains("acknowledge")
    );
}
