//! EUROSUR timers and overdue SOP steps.

use incident::{Playbooks, ReminderKind, decide_report, decide_step, decide_transition, reminders};
use model::incident::{ClosureReason, ReportKind};
use model::{IncidentState as S, Time};

use crate::common::{Log, at, cgw};

const DAY_S: i64 = 86_400;

fn eurosur(log: &Log, now: Time) -> Vec<ReminderKind> {
    reminders(&log.state, now)
        .into_iter()
        .map(|r| r.kind)
        .filter(|k| !matches!(k, ReminderKind::SopStep { .. }))
        .collect()
}

#[test]
fn first_report_is_due_24_hours_after_detection() {
    let mut log = Log::default();
    let id = log.open("smuggling.goods", at(0), &cgw());
    assert!(eurosur(&log, at(DAY_S).plus_millis(-1)).is_empty());
    assert!(eurosur(&log, at(DAY_S)).is_empty(), "due, not overdue");
    assert_eq!(eurosur(&log, at(DAY_S).plus_millis(1)), [ReminderKind::EurosurFirstReport]);
    let all = reminders(&log.state, at(DAY_S + 60));
    let r = all.iter().find(|r| r.kind == ReminderKind::EurosurFirstReport).unwrap();
    assert_eq!((r.due, r.overdue_ms), (at(DAY_S), 60_000));
    log.commit(
        at(DAY_S + 70),
        decide_report(&log.state, &id, ReportKind::First, &cgw(), "EUROSUR-1"),
    )
    .unwrap();
    assert!(eurosur(&log, at(3 * DAY_S)).is_empty());
    assert!(decide_report(&log.state, &id, ReportKind::First, &cgw(), "again").is_err());
}

#[test]
fn sar_closure_report_is_due_24_hours_after_the_operation_ends() {
    let mut log = Log::default();
    let id = log.open("sar.distress", at(0), &cgw());
    log.commit(at(1), decide_report(&log.state, &id, ReportKind::First, &cgw(), "")).unwrap();
    assert!(
        decide_report(&log.state, &id, ReportKind::SarClosure, &cgw(), "").is_err(),
        "not ended yet"
    );
    for (i, to) in [S::Assigned, S::Responding, S::OnScene, S::Resolved].into_iter().enumerate() {
        log.commit(
            at(3600 * (i as i64 + 1)),
            decide_transition(&log.state, &id, to, &cgw(), "", None),
        )
        .unwrap();
    }
    let ended = at(4 * 3600);
    log.commit(
        at(5 * 3600),
        decide_transition(
            &log.state,
            &id,
            S::Closed,
            &cgw(),
            "landed",
            Some(ClosureReason::Rescued),
        ),
    )
    .unwrap();
    assert!(eurosur(&log, ended.plus_millis(24 * 3_600_000 - 1)).is_empty());
    assert_eq!(
        eurosur(&log, ended.plus_millis(24 * 3_600_000 + 1)),
        [ReminderKind::SarClosureReport]
    );
    log.commit(at(2 * DAY_S), decide_report(&log.state, &id, ReportKind::SarClosure, &cgw(), ""))
        .unwrap();
    assert!(eurosur(&log, at(3 * DAY_S)).is_empty());
}

#[test]
fn overdue_sop_steps_become_reminders_until_completed() {
    let mut log = Log::default();
    let id = log.open("sar.distress", at(0), &cgw());
    let steps = |log: &Log, now: Time| -> Vec<String> {
        reminders(&log.state, now)
            .into_iter()
            .filter_map(|r| match r.kind {
                ReminderKind::SopStep { step, .. } => Some(step),
                _ => None,
            })
            .collect()
    };
    assert!(steps(&log, at(120)).is_empty(), "record_alert is due at 2 min");
    assert_eq!(steps(&log, at(121)), ["record_alert"]);
    assert_eq!(steps(&log, at(301)), ["record_alert", "determine_phase"]);
    log.commit(
        at(302),
        decide_step(&log.state, Playbooks::builtin(), &id, "record_alert", &cgw(), ""),
    )
    .unwrap();
    assert_eq!(steps(&log, at(303)), ["determine_phase"]);
    let err =
        decide_step(&log.state, Playbooks::builtin(), &id, "record_alert", &cgw(), "").unwrap_err();
    assert!(err.to_string().contains("already completed"), "{err}");
    let err =
        decide_step(&log.state, Playbooks::builtin(), &id, "bake_cake", &cgw(), "").unwrap_err();
    assert_eq!(err.to_string(), format!("incident `{id}` has no SOP step `bake_cake`"));
    let all = reminders(&log.state, at(DAY_S));
    let first = all
        .iter()
        .find(|r| matches!(&r.kind, ReminderKind::SopStep { step, .. } if step == "first_sitrep"))
        .unwrap();
    assert!(
        matches!(&first.kind, ReminderKind::SopStep { mandatory: true, ar, .. } if ar.contains("تقرير موقف"))
    );
}

#[test]
fn a_dismissed_incident_owes_nothing() {
    let mut log = Log::default();
    let id = log.open("migration.departure", at(0), &cgw());
    log.commit(
        at(60),
        decide_transition(&log.state, &id, S::Dismissed, &cgw(), "fishing boat", None),
    )
    .unwrap();
    assert!(reminders(&log.state, at(10 * DAY_S)).is_empty());
}
