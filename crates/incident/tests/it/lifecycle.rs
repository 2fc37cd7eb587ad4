//! Every transition rule, hand-over, dismissal and closure, and replay of the fold.

use incident::{
    IncidentError, Incidents, Taxonomy, allowed_transitions, decide_acknowledge,
    decide_handover_accept, decide_handover_decline, decide_handover_offer, decide_open,
    decide_transition, decide_update,
};
use model::incident::{ClosureReason, ImpactLevel, IncidentPatch};
use model::{AgencyId, IncidentState as S};

use crate::common::{Log, ars, at, cgw, joc, request};

const ALL: [S; 8] = [
    S::Reported,
    S::Verified,
    S::Assigned,
    S::Responding,
    S::OnScene,
    S::Resolved,
    S::Closed,
    S::Dismissed,
];

/// A log with one incident brought to `state` along the main path.
fn incident_in(state: S) -> (Log, String) {
    let mut log = Log::default();
    let id = log.open("migration.departure", at(0), &cgw());
    let path = match state {
        S::Reported => &[][..],
        S::Verified => &[S::Verified][..],
        S::Assigned => &[S::Verified, S::Assigned][..],
        S::Responding => &[S::Verified, S::Assigned, S::Responding][..],
        S::OnScene => &[S::Verified, S::Assigned, S::Responding, S::OnScene][..],
        S::Resolved => &[S::Verified, S::Assigned, S::Responding, S::OnScene, S::Resolved][..],
        S::Closed => {
            &[S::Verified, S::Assigned, S::Responding, S::OnScene, S::Resolved, S::Closed][..]
        }
        S::Dismissed => &[S::Dismissed][..],
    };
    for (i, to) in path.iter().enumerate() {
        let closure = (*to == S::Closed).then_some(ClosureReason::Intercepted);
        let time = at(60 * (i as i64 + 1));
        log.commit(time, decide_transition(&log.state, &id, *to, &cgw(), "step", closure)).unwrap();
    }
    assert_eq!(log.state.get(&id).unwrap().state, state);
    (log, id)
}

#[test]
fn every_pair_of_states_is_allowed_or_refused_as_the_table_says() {
    for from in ALL {
        for to in ALL {
            let (mut log, id) = incident_in(from);
            let closure = Some(ClosureReason::Rescued);
            let result = log
                .commit(at(3600), decide_transition(&log.state, &id, to, &cgw(), "why", closure));
            let allowed = allowed_transitions(from).contains(&to);
            match (allowed, result) {
                (true, Ok(())) => assert_eq!(log.state.get(&id).unwrap().state, to),
                (false, Err(IncidentError::InvalidTransition { allowed, .. })) => {
                    assert_eq!(allowed, allowed_transitions(from));
                }
                (false, Err(IncidentError::IncidentClosed { state, .. })) => {
                    assert!(matches!(from, S::Closed | S::Dismissed));
                    assert_eq!(state, from);
                }
                (allowed, result) => panic!("{from:?} → {to:?}: allowed {allowed}, got {result:?}"),
            }
        }
    }
}

#[test]
fn the_table_follows_domain_md() {
    assert_eq!(allowed_transitions(S::Reported), [S::Verified, S::Assigned, S::Dismissed]);
    assert_eq!(allowed_transitions(S::Verified), [S::Assigned, S::Dismissed]);
    assert_eq!(allowed_transitions(S::Assigned), [S::Responding, S::Dismissed]);
    assert_eq!(allowed_transitions(S::Responding), [S::OnScene, S::Resolved, S::Dismissed]);
    assert_eq!(allowed_transitions(S::OnScene), [S::Resolved, S::Dismissed]);
    assert_eq!(allowed_transitions(S::Resolved), [S::Closed]);
    assert!(allowed_transitions(S::Closed).is_empty());
    assert!(allowed_transitions(S::Dismissed).is_empty());
}

#[test]
fn a_refused_transition_lists_the_allowed_ones() {
    let (log, id) = incident_in(S::Reported);
    let err =
        decide_transition(&log.state, &id, S::Closed, &cgw(), "", Some(ClosureReason::Rescued))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "incident `{id}` cannot go from reported to closed; allowed: verified, assigned, dismissed"
        )
    );
}

#[test]
fn transitions_from_closed_incidents_are_refused_by_name() {
    for state in [S::Closed, S::Dismissed] {
        let (log, id) = incident_in(state);
        let err = decide_transition(&log.state, &id, S::Verified, &cgw(), "x", None).unwrap_err();
        assert!(err.to_string().contains("closed incident takes no transition"), "{err}");
        let patch = IncidentPatch { title: Some("again".into()), ..IncidentPatch::default() };
        assert!(matches!(
            decide_update(&log.state, &id, patch, &cgw()),
            Err(IncidentError::IncidentClosed { .. })
        ));
    }
}

#[test]
fn each_transition_records_actor_time_and_reason() {
    let (log, id) = incident_in(S::Closed);
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.transitions.len(), 6);
    let last = record.transitions.last().unwrap();
    assert_eq!((last.from, last.to, last.time), (S::Resolved, S::Closed, at(360)));
    assert_eq!(last.actor, cgw());
    assert_eq!(last.reason, "step");
    assert_eq!(record.closure, Some(ClosureReason::Intercepted));
    assert_eq!(record.timeline.closed, Some(at(360)));
}

#[test]
fn dismissal_needs_a_reason_and_closure_a_closure_reason() {
    let (log, id) = incident_in(S::Verified);
    let err = decide_transition(&log.state, &id, S::Dismissed, &cgw(), "  ", None).unwrap_err();
    assert_eq!(err.to_string(), "a reason is required to dismiss an incident");
    let (mut log, id) = incident_in(S::Resolved);
    let err = decide_transition(&log.state, &id, S::Closed, &cgw(), "done", None).unwrap_err();
    assert_eq!(err, IncidentError::ClosureReasonRequired { id: id.clone() });
    let (mut dlog, did) = incident_in(S::Reported);
    dlog.commit(
        at(99),
        decide_transition(
            &dlog.state,
            &did,
            S::Dismissed,
            &cgw(),
            "false alarm: fishing boat",
            None,
        ),
    )
    .unwrap();
    let dismissed = dlog.state.get(&did).unwrap();
    assert_eq!(dismissed.dismissal.as_deref(), Some("false alarm: fishing boat"));
    assert_eq!(dismissed.timeline.dismissed, Some(at(99)));
    log.commit(
        at(999),
        decide_transition(&log.state, &id, S::Closed, &cgw(), "", Some(ClosureReason::Seized)),
    )
    .unwrap();
}

#[test]
fn handover_moves_ownership_only_when_the_receiver_accepts() {
    let (mut log, id) = incident_in(S::Verified);
    let to = AgencyId::new("JOC");
    assert!(matches!(
        decide_handover_offer(&log.state, &id, &AgencyId::new("CGW"), &cgw(), "mine"),
        Err(IncidentError::HandoverToOwner { .. })
    ));
    assert!(matches!(
        decide_handover_accept(&log.state, &id, &joc()),
        Err(IncidentError::NoHandoverPending { .. })
    ));
    log.commit(at(500), decide_handover_offer(&log.state, &id, &to, &cgw(), "joint case")).unwrap();
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.owner, AgencyId::new("CGW"), "pending until accepted");
    assert_eq!(record.handover.as_ref().unwrap().to, to);
    assert!(matches!(
        decide_handover_offer(&log.state, &id, &AgencyId::new("ARS"), &cgw(), "x"),
        Err(IncidentError::HandoverPending { .. })
    ));
    let err = decide_handover_accept(&log.state, &id, &ars()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("hand-over of incident `{id}` is offered to `JOC`, not to `ARS`")
    );
    log.commit(at(600), decide_handover_accept(&log.state, &id, &joc())).unwrap();
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.owner, to);
    assert_eq!(record.originator, AgencyId::new("CGW"));
    assert!(record.handover.is_none());
}

#[test]
fn a_declined_handover_leaves_the_owner() {
    let (mut log, id) = incident_in(S::Reported);
    log.commit(
        at(500),
        decide_handover_offer(&log.state, &id, &AgencyId::new("ARS"), &cgw(), "land"),
    )
    .unwrap();
    assert!(matches!(
        decide_handover_decline(&log.state, &id, &ars(), ""),
        Err(IncidentError::ReasonRequired { .. })
    ));
    log.commit(at(600), decide_handover_decline(&log.state, &id, &ars(), "at sea, not ours"))
        .unwrap();
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.owner, AgencyId::new("CGW"));
    assert!(record.handover.is_none());
}

#[test]
fn opening_takes_the_category_default_and_refuses_bad_input() {
    let mut log = Log::default();
    let id = log.open("sar.distress", at(0), &cgw());
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.impact, ImpactLevel::VeryHigh);
    assert_eq!(record.owner, AgencyId::new("CGW"));
    assert!(record.sar.is_some());
    assert_eq!(id, "i0");

    let taxonomy = Taxonomy::builtin();
    let err = decide_open(taxonomy, request("smuggling.unicorns"), &cgw()).unwrap_err();
    assert_eq!(err.to_string(), "unknown incident category `smuggling.unicorns`");
    let mut bad = request("other");
    bad.location = Some(model::incident::IncidentLocation::Point {
        position: crate::common::point(200.0, 10.0),
    });
    assert_eq!(
        decide_open(taxonomy, bad, &cgw()).unwrap_err().to_string(),
        "impossible coordinates: lon 200, lat 10"
    );
    let mut bad = request("other");
    bad.confidence = 150;
    assert!(decide_open(taxonomy, bad, &cgw()).unwrap_err().to_string().contains("confidence"));
    let unknown_field = serde_json::json!({"category": "other", "title": "x", "colour": "red"});
    let err = serde_json::from_value::<incident::OpenRequest>(unknown_field).unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
    assert!(matches!(
        decide_acknowledge(&log.state, "i404", &cgw()),
        Err(IncidentError::UnknownIncident { .. })
    ));
}

#[test]
fn replay_and_snapshot_give_the_same_state() {
    let (log, _) = incident_in(S::Closed);
    let mut replayed = Incidents::new();
    for (seq, time, event) in &log.events {
        replayed.apply(*seq, *time, event);
    }
    assert_eq!(replayed, log.state);
    let bytes = serde_json::to_vec(&log.state).unwrap();
    let restored: Incidents = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(restored, log.state);
    assert_eq!(serde_json::to_vec(&restored).unwrap(), bytes);
    // Events round-trip through the log's envelope.
    for (_, time, event) in &log.events {
        let envelope =
            model::Event { time: *time, kind: model::EventKind::Incident(event.clone()) };
        let json = serde_json::to_string(&envelope).unwrap();
        assert_eq!(serde_json::from_str::<model::Event>(&json).unwrap(), envelope);
        assert!(envelope.kind.is_audit());
        assert!(envelope.kind.name().starts_with("incident_"));
    }
}

#[test]
fn a_stale_event_in_the_log_changes_nothing() {
    let (mut log, id) = incident_in(S::Closed);
    let before = log.state.clone();
    let stale = model::incident::IncidentEvent::Transitioned {
        id,
        from: S::Reported,
        to: S::Verified,
        actor: cgw(),
        reason: "late".into(),
        closure: None,
    };
    assert!(log.state.apply(99, at(9999), &stale).is_empty());
    assert_eq!(log.state, before);
}

#[test]
fn events_about_unknown_things_change_nothing() {
    use model::incident::{IncidentEvent as E, ReportKind};
    let (mut log, _) = incident_in(S::Verified);
    let before = log.state.clone();
    let ghost = || "ghost".to_owned();
    let events = [
        E::Acknowledged { id: ghost(), actor: cgw() },
        E::HandoverAccepted { id: ghost(), actor: cgw() },
        E::StepCompleted { id: ghost(), step: "x".into(), actor: cgw(), note: String::new() },
        E::ReportFiled {
            id: ghost(),
            report: ReportKind::First,
            actor: cgw(),
            reference: String::new(),
        },
        E::UnitTasked { incident: ghost(), unit: ghost(), actor: cgw(), cross_agency: false },
        E::UnitAcknowledged { incident: ghost(), unit: ghost(), actor: cgw() },
        E::UnitStatusChanged {
            unit: ghost(),
            status: model::UnitStatus::OnScene,
            actor: cgw(),
            incident: None,
        },
    ];
    for (i, event) in events.iter().enumerate() {
        assert!(log.state.apply(100 + i as u64, at(5000), event).is_empty(), "{event:?}");
    }
    assert_eq!(log.state, before);
    // A hand-over accepted by an agency it was not offered to changes nothing either.
    let id = log.state.iter().next().unwrap().id.clone();
    assert!(log.state.apply(200, at(5001), &E::HandoverAccepted { id, actor: joc() }).is_empty());
}

#[test]
fn notes_join_an_open_incidents_timeline_in_order_and_closed_ones_refuse_them() {
    let (mut log, id) = incident_in(S::Verified);
    let before = log.state.get(&id).unwrap().timeline.clone();
    let first = incident::decide_note(&log.state, &id, &cgw(), "  two aboard ", "tak:c1", None);
    log.commit(at(500), first).unwrap();
    let blank = incident::decide_note(&log.state, &id, &cgw(), "   ", "tak:c2", None).unwrap();
    assert!(blank.is_empty(), "a blank note adds nothing");
    let long = "x".repeat(incident::MAX_NOTE_CHARS + 10);
    log.commit(at(560), incident::decide_note(&log.state, &id, &ars(), &long, "", None)).unwrap();
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.notes.len(), 2);
    assert_eq!((record.notes[0].text.as_str(), record.notes[0].time), ("two aboard", at(500)));
    assert_eq!(record.notes[0].source, "tak:c1");
    assert_eq!(record.notes[1].text.chars().count(), incident::MAX_NOTE_CHARS);
    assert_eq!(record.timeline, before, "a note stamps no dispatch time");
    let (closed, closed_id) = incident_in(S::Closed);
    let refused = incident::decide_note(&closed.state, &closed_id, &cgw(), "late", "", None);
    assert!(matches!(refused, Err(IncidentError::IncidentClosed { .. })), "{refused:?}");
    let unknown = incident::decide_note(&closed.state, "i999", &cgw(), "x", "", None);
    assert!(matches!(unknown, Err(IncidentError::UnknownIncident { .. })), "{unknown:?}");
}
