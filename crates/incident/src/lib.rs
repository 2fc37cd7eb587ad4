//! The incident core: what turns a picture into coordinated action, and measures how fast.
//!
//! The crate is shaped like the rest of Tansiq's core, as a pure fold plus pure decisions:
//!
//! - [`Incidents`] is state folded from [`IncidentEvent`]s (`model::incident`, carried in the
//!   log as `EventKind::Incident`) by [`Incidents::apply`]. It reads no clock — the envelope's
//!   time is passed in — and keeps everything in ordered maps, so a replay gives the same bytes
//!   and a snapshot is its serde form.
//! - Commands are `decide_*` functions: they check a request against the current state and
//!   return the events to append or an [`IncidentError`] naming what was wrong (the allowed
//!   transitions, the unit's agency …). The caller appends, then folds. Nothing here decides
//!   who may see what: that is `access`; where tasking across agencies needs a sharing
//!   agreement, the permission is an input ([`TaskPermission`]).
//! - What a centre tunes is data: the taxonomy and the SOP playbooks are TOML in `data/`,
//!   bilingual, parsed once; auto-incident rules, recommendation and response-time targets are
//!   serde configs with `deny_unknown_fields` and named defaults.
//! - Everything derived — reminders ([`reminders`]), recommendations ([`recommend_units`]),
//!   metrics ([`response_metrics`]), the SITREP ([`sitrep`]) — is a function of the state and a
//!   `now`, returning serde structs an API can serve as they are.
//!
//! Ids of incidents are `i{seq}`, given by the fold from the log position of the `Opened` event,
//! so that concurrent openings can never collide and replay names them the same.

mod auto;
mod error;
mod lifecycle;
mod metrics;
mod playbook;
mod recommend;
mod reminders;
mod sar;
mod state;
mod taxonomy;
mod units;

pub use auto::{
    AutoConfig, CorrelateRule, OpenRule, auto_incident, default_correlate_rules, default_open_rules,
};
pub use error::{ErrorKind, IncidentError};
pub use lifecycle::{
    MAX_NOTE_CHARS, OpenRequest, allowed_transitions, decide_acknowledge, decide_handover_accept,
    decide_handover_decline, decide_handover_offer, decide_link_alert, decide_link_track,
    decide_note, decide_open, decide_transition, decide_update, default_confidence, is_closed,
    state_name,
};
pub use metrics::{
    GroupStats, IncidentTimes, Measure, MetricsQuery, NO_SECTION, ResponseMetrics, ResponseTargets,
    Stat, percentile, response_metrics,
};
pub use model::incident::IncidentEvent;
pub use playbook::{DEFAULT_PLAYBOOK, Playbook, PlaybookError, Playbooks, Step, decide_step};
pub use recommend::{
    EtaMethod, Intercept, RecommendConfig, Recommendation, Target, default_max_results,
    default_terrain_factor, intercept, local_offset, recommend_units,
};
pub use reminders::{
    FIRST_REPORT_MS, Reminder, ReminderKind, SAR_CLOSURE_REPORT_MS, reminders, reminders_with,
};
pub use sar::{
    Lang, decide_report, decide_sar_details, decide_sar_phase, factor_name, phase_name, sitrep,
};
pub use state::{
    Changed, IncidentRecord, Incidents, NoteRecord, PendingHandover, SYSTEM_USER, SarCase,
    StepRecord, TaskRecord, Timeline, TransitionRecord,
};
pub use taxonomy::{Category, Domain, Taxonomy, TaxonomyError};
pub use units::{
    TaskPermission, UnitFix, UnitState, decide_register_unit, decide_task, decide_unit_acknowledge,
    decide_unit_position, decide_unit_status,
};
