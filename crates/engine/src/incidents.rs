//! Incidents and units in the fold: incident events from the log, and automatic incidents
//! derived from the alerts the fold raises.
//!
//! Automatic incidents are *derived*, like alerts: when folding an event raises or updates an
//! alert, the configured auto-incident rules (`incident::auto_incident`) decide whether it opens
//! an incident or attaches to one, and the resulting events are applied here, inside the fold.
//! They are never appended to the log. Replay from the log (or from a snapshot plus its tail)
//! therefore reproduces exactly the same automatic incidents, with the same ids: the `n`-th
//! incident derived while folding the event at `seq` is `i{seq}` (`i{seq}.{n}` after the
//! first, skipping ids already taken). What people then do with an automatic incident
//! (transitions, tasking, hand-over) is logged as input, like any other incident event.

use incident::{AutoConfig, Changed, IncidentEvent, Incidents};
use model::incident::{Actor, UnitPositionSource};
use model::{Alert, AlertState, Time};

use crate::alerts::Alerts;
use crate::tracks::track_number;
use crate::{Change, ChangeOp};

fn publish(changed: Vec<Changed>, out: &mut Vec<Change>) {
    for c in changed {
        out.push(match c {
            Changed::Incident(id) => Change::Incident { id, op: ChangeOp::Upsert },
            Changed::Unit(id) => Change::Unit { id, op: ChangeOp::Upsert },
        });
    }
}

/// Folds an incident or unit event read from the log.
pub(crate) fn apply_logged(
    incidents: &mut Incidents,
    seq: u64,
    time: Time,
    event: &IncidentEvent,
    out: &mut Vec<Change>,
) {
    publish(incidents.apply(seq, time, event), out);
}

/// Whether any auto-incident rule could act on an alert of `rule`: the cheap test that keeps
/// the common alert update (a fix extending an episode) from scanning incidents.
fn concerns(config: &AutoConfig, rule: &str) -> bool {
    config.enabled
        && (config.open.iter().any(|r| r.rule == rule)
            || config.correlate.iter().any(|r| r.first.iter().chain(&r.second).any(|x| x == rule)))
}

/// Units whose tracker (an MMSI or a CoT uid) is the identity of a track updated by this event
/// take the track's position, as a derived `UnitPositionSet`: a patrol boat's AIS or a field
/// unit's TAK fixes move the unit with no one logging it twice. Exercise tracks never move a
/// unit. A fix older than the unit's own is ignored.
fn follow_trackers(
    incidents: &mut Incidents,
    tracks: &crate::tracks::Tracks,
    time: Time,
    out: &mut Vec<Change>,
    start: usize,
) {
    if !incidents.units().any(|u| u.registration.tracker.is_some()) {
        return;
    }
    let mut events = Vec::new();
    for change in &out[start..] {
        let Change::Track { id, op: ChangeOp::Upsert } = change else { continue };
        let Some(track) = track_number(id).and_then(|n| tracks.get(&n)).map(|e| &e.track) else {
            continue;
        };
        if track.exercise {
            continue;
        }
        let mmsi = track.identity.mmsi.map(|m| m.to_string());
        for unit in incidents.units() {
            let Some(tracker) = unit.registration.tracker.as_deref() else { continue };
            let source = if mmsi.as_deref() == Some(tracker) {
                UnitPositionSource::Ais
            } else if track.identity.cot_uid.as_deref() == Some(tracker) {
                UnitPositionSource::Cot
            } else {
                continue;
            };
            if unit.fix.as_ref().is_some_and(|f| f.time > track.last_time) {
                continue;
            }
            events.push(IncidentEvent::UnitPositionSet {
                unit: unit.registration.id.clone(),
                position: track.position,
                speed_mps: track.speed_mps,
                course_deg: track.course_deg,
                source,
                actor: Actor::new(incident::SYSTEM_USER, unit.registration.agency.as_str()),
            });
        }
    }
    let mut changed = Vec::new();
    for event in events {
        changed.extend(incidents.apply(0, time, &event));
    }
    publish(changed, out);
}

/// Applies the auto-incident rules to every alert raised or updated in `out` from `start` on
/// (the changes of the event being folded, its sequence number and time `event`), appending
/// what the derived events changed.
pub(crate) fn derive(
    config: &AutoConfig,
    incidents: &mut Incidents,
    alerts: &Alerts,
    tracks: &crate::tracks::Tracks,
    (seq, time): (u64, Time),
    out: &mut Vec<Change>,
    start: usize,
) {
    follow_trackers(incidents, tracks, time, out, start);
    if !config.enabled {
        return;
    }
    let mut raised: Vec<&str> = Vec::new();
    for change in &out[start..] {
        if let Change::Alert { id, op: ChangeOp::Upsert } = change
            && !raised.contains(&id.as_str())
        {
            raised.push(id);
        }
    }
    let triggers: Vec<&Alert> = raised
        .into_iter()
        .filter_map(|id| alerts.get(id))
        .map(|entry| &entry.alert)
        .filter(|a| a.state != AlertState::Closed && concerns(config, &a.rule))
        .collect();
    let mut rank = 0u32;
    let mut derived = Vec::new();
    for alert in triggers {
        // Correlation partners share a track with the alert; other alerts cannot match. Only
        // a rule that correlates looks for one: the others (a beacon, a crossing) need no scan
        // of every alert kept.
        let correlates = config
            .correlate
            .iter()
            .any(|r| r.first.iter().chain(&r.second).any(|x| *x == alert.rule));
        let recent: Vec<&Alert> = if correlates {
            alerts
                .iter()
                .map(|e| &e.alert)
                .filter(|a| a.id != alert.id && a.tracks.iter().any(|t| alert.tracks.contains(t)))
                .collect()
        } else {
            Vec::new()
        };
        for event in incident::auto_incident(config, incidents, alert, &recent) {
            if matches!(event, IncidentEvent::Opened(_)) {
                while incidents.get(&Incidents::id_for_rank(seq, rank)).is_some() {
                    rank += 1;
                }
            }
            derived.extend(incidents.apply_ranked(seq, rank, time, &event));
        }
    }
    publish(derived, out);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use model::incident::{Actor, ImpactLevel, UnitPositionSource};
    use model::{
        AgencyId, Event, EventKind, Identity, Marking, ObjectKind, Observation, Position,
        SourceKind,
    };

    use crate::{Change, Engine, EngineConfig};

    const T0: i64 = 1_700_000_000_000;

    fn sart(mmsi: u32, t: i64, exercise: bool) -> Event {
        let o = Observation {
            source: "ais-test".into(),
            source_kind: SourceKind::Ais,
            agency: AgencyId::new("CGW"),
            marking: Marking::default(),
            time: model::Time(t),
            position: Position { lon: 12.5, lat: 33.6, alt_m: None, accuracy_m: None },
            speed_mps: Some(0.5),
            course_deg: Some(0.0),
            heading_deg: None,
            identity: Identity { mmsi: Some(mmsi), ..Identity::default() },
            kind: ObjectKind::Vessel,
            exercise,
        };
        Event::observation(model::Time(t), o)
    }

    fn log() -> Vec<Event> {
        let opened = incident::decide_open(
            incident::Taxonomy::builtin(),
            serde_json::from_value(serde_json::json!({"category": "other", "title": "by hand"}))
                .expect("request"),
            &Actor::new("cgw.watch", "CGW"),
        )
        .expect("open");
        let mut log: Vec<Event> =
            (0..3).map(|i| sart(970_123_456, T0 + i * 10_000, false)).collect();
        log.push(sart(970_999_999, T0 + 40_000, true));
        log.extend(
            opened
                .into_iter()
                .map(|e| Event { time: model::Time(T0 + 50_000), kind: EventKind::Incident(e) }),
        );
        log.push(sart(970_123_456, T0 + 60_000, false));
        log
    }

    fn fold(events: &[Event]) -> (Engine, Vec<Change>) {
        let geo = Arc::new(geo::Geography::libya().expect("geography"));
        let mut engine = Engine::new(EngineConfig::default(), geo);
        let mut changes = Vec::new();
        for (seq, e) in events.iter().enumerate() {
            changes.extend(engine.apply(seq as u64, e));
        }
        (engine, changes)
    }

    #[test]
    fn a_sar_beacon_opens_one_very_high_distress_incident_that_replays() {
        let events = log();
        let (engine, changes) = fold(&events);
        let auto: Vec<_> = engine.incidents().iter().filter(|r| r.automatic).collect();
        assert_eq!(auto.len(), 2, "{auto:#?}");
        let live = auto.iter().find(|r| !r.exercise).expect("live incident");
        assert_eq!(live.category, "sar.distress");
        assert_eq!(live.impact, ImpactLevel::VeryHigh);
        assert_eq!(live.alerts.len(), 1);
        assert!(live.sar.is_some());
        assert!(auto.iter().any(|r| r.exercise), "an exercise beacon opens an exercise incident");
        assert!(changes.iter().any(|c| matches!(c, Change::Incident { id, .. } if *id == live.id)));
        // The incident opened by hand at seq 4 is i4; the derived ones never collide with it.
        assert_eq!(engine.incidents().get("i4").map(|r| r.automatic), Some(false));

        // Snapshot + tail and a full replay give the same bytes.
        for cut in 0..events.len() {
            let (head, _) = fold(&events[..cut]);
            let geo = Arc::clone(engine.geography());
            let mut restored =
                Engine::restore(EngineConfig::default(), geo, &head.snapshot()).expect("restore");
            for (seq, e) in events.iter().enumerate().skip(cut) {
                restored.apply(seq as u64, e);
            }
            assert_eq!(restored.snapshot(), engine.snapshot(), "cut at {cut}");
        }
    }

    #[test]
    fn a_units_tracker_moves_it_with_its_track() {
        let registration = model::incident::UnitRegistration {
            id: "cgw-b1".into(),
            name: "Patrol 1".into(),
            agency: AgencyId::new("CGW"),
            kind: model::UnitKind::Boat,
            capabilities: Default::default(),
            max_speed_mps: 15.0,
            base: Position { lon: 13.19, lat: 32.9, alt_m: None, accuracy_m: None },
            marking: Marking::default(),
            tracker: Some("642000001".into()),
        };
        let register = Event {
            time: model::Time(T0),
            kind: EventKind::Incident(incident::IncidentEvent::UnitRegistered(Box::new(
                registration,
            ))),
        };
        let mut fix = sart(642_000_001, T0 + 1_000, false);
        let mut drill = sart(642_000_001, T0 + 2_000, true);
        for (event, lon) in [(&mut fix, 12.9), (&mut drill, 14.0)] {
            if let EventKind::Observation(o) = &mut event.kind {
                o.position.lon = lon;
            }
        }
        let (engine, changes) = fold(&[register, fix, drill]);
        let unit = engine.incidents().unit("cgw-b1").expect("unit");
        let f = unit.fix.as_ref().expect("a fix from the track");
        assert_eq!((f.position.lon, f.source), (12.9, UnitPositionSource::Ais));
        assert!(changes.iter().filter(|c| matches!(c, Change::Unit { .. })).count() >= 2);
    }
}
