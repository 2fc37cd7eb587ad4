//! Overdue duties: EUROSUR report timers and SOP steps past their target time.

use model::incident::ReportKind;
use model::{AgencyId, IncidentState, Role, Time};
use serde::{Deserialize, Serialize};

use crate::playbook::Playbooks;
use crate::{IncidentRecord, Incidents};

/// EUROSUR: the first event report within 24 h of detection.
pub const FIRST_REPORT_MS: i64 = 24 * Time::MS_PER_HOUR;
/// EUROSUR: the SAR closure report within 24 h of the end of the operation.
pub const SAR_CLOSURE_REPORT_MS: i64 = 24 * Time::MS_PER_HOUR;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReminderKind {
    /// No first report filed within 24 h of detection.
    EurosurFirstReport,
    /// No SAR closure report within 24 h of the operation's end (the `resolved` time).
    SarClosureReport,
    /// An SOP step not completed by its target time.
    SopStep { step: String, role: Role, mandatory: bool, en: String, ar: String },
}

/// Something overdue on one incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub incident: String,
    pub category: String,
    pub owner: AgencyId,
    pub exercise: bool,
    #[serde(flatten)]
    pub kind: ReminderKind,
    pub due: Time,
    pub overdue_ms: i64,
}

/// Everything overdue at `now`, with the shipped playbooks. Overdue means strictly past due.
pub fn reminders(state: &Incidents, now: Time) -> Vec<Reminder> {
    reminders_with(state, Playbooks::builtin(), now)
}

/// As [`reminders`], with the centre's playbooks. Sorted by due time, then incident.
pub fn reminders_with(state: &Incidents, playbooks: &Playbooks, now: Time) -> Vec<Reminder> {
    let mut out = Vec::new();
    for record in state.iter() {
        let mut push = |kind: ReminderKind, due: Time| {
            if now > due {
                out.push(Reminder {
                    incident: record.id.clone(),
                    category: record.category.clone(),
                    owner: record.owner.clone(),
                    exercise: record.exercise,
                    kind,
                    due,
                    overdue_ms: now.since(due),
                });
            }
        };
        // A dismissed incident did not occur: nothing is owed for it.
        if record.state == IncidentState::Dismissed {
            continue;
        }
        if !record.reports.contains_key(&ReportKind::First) {
            let detected = record.timeline.detected.unwrap_or(record.opened);
            push(ReminderKind::EurosurFirstReport, detected.plus_millis(FIRST_REPORT_MS));
        }
        if record.sar.is_some()
            && !record.reports.contains_key(&ReportKind::SarClosure)
            && let Some(ended) = record.timeline.resolved
        {
            push(ReminderKind::SarClosureReport, ended.plus_millis(SAR_CLOSURE_REPORT_MS));
        }
        if !record.is_closed() {
            sop_reminders(record, playbooks, &mut push);
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.incident.cmp(&b.incident)));
    out
}

fn sop_reminders(
    record: &IncidentRecord,
    playbooks: &Playbooks,
    push: &mut impl FnMut(ReminderKind, Time),
) {
    let Some(playbook) = playbooks.for_category(&record.category) else { return };
    for step in &playbook.steps {
        if record.steps.contains_key(&step.id) {
            continue;
        }
        let due = record.opened.plus_millis(i64::from(step.target_min) * Time::MS_PER_MINUTE);
        let kind = ReminderKind::SopStep {
            step: step.id.clone(),
            role: step.role,
            mandatory: step.mandatory,
            en: step.en.clone(),
            ar: step.ar.clone(),
        };
        push(kind, due);
    }
}
