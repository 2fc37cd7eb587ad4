//! The operator dashboard's counts (`GET /api/v1/dashboard?hours=24`): alerts and incidents
//! first seen in the last hours, per border section and per hour, as the caller may see them.
//!
//! Read-only. Every alert goes through `alerts::visible` (`access::can_see_alert`) and every
//! incident through `incidents::visible` (`access::can_see_incident`): nothing the caller may
//! not see is counted. Exercise events are counted apart (`exercise_alerts`,
//! `exercise_incidents`) so that the screen can mark them. An alert is placed in the border
//! section it names, else in the section nearest its first evidence point (the same rule as an
//! incident's: a land section within 20 km, else a coast section within 50 km), else in
//! `none`; an incident in its `border_section`, else `none`.

use std::collections::BTreeMap;

use access::Viewer;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use engine::Engine;
use engine::incident::NO_SECTION;
use model::{Time, ZoneKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::incidents::{parse_query, section_at};
use crate::api::{ApiError, AppState, RouteSpec};
use crate::visibility;

const MS_PER_HOUR: i64 = 3_600_000;
/// The longest window a caller may ask for: one week.
pub const MAX_HOURS: u32 = 168;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// The window's length in hours, 1 to 168; 24 when absent.
    hours: Option<u32>,
}

/// Counts of one border section (or `none`).
#[derive(Debug, Default, Serialize)]
pub struct SectionCount {
    pub section: String,
    pub name_en: String,
    pub name_ar: String,
    /// The section's impact level (`low` … `critical`), when it is a border section.
    pub impact: Option<model::Severity>,
    pub alerts: u32,
    pub incidents: u32,
    pub exercise_alerts: u32,
    pub exercise_incidents: u32,
}

/// Counts of one hour, starting at `start` (ms since the epoch, a whole UTC hour).
#[derive(Debug, Default, Serialize)]
pub struct HourCount {
    pub start: i64,
    pub alerts: u32,
    pub incidents: u32,
    pub exercise_alerts: u32,
    pub exercise_incidents: u32,
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    /// From (inclusive) and to (exclusive), ms since the epoch.
    pub from: i64,
    pub to: i64,
    pub hours: u32,
    /// Sections with at least one event, most events first.
    pub sections: Vec<SectionCount>,
    /// One entry per hour of the window, oldest first.
    pub hourly: Vec<HourCount>,
    pub totals: HourCount,
}

fn bump(
    alert: bool,
    exercise: bool,
    alerts: &mut u32,
    incidents: &mut u32,
    ex: (&mut u32, &mut u32),
) {
    match (alert, exercise) {
        (true, false) => *alerts += 1,
        (false, false) => *incidents += 1,
        (true, true) => *ex.0 += 1,
        (false, true) => *ex.1 += 1,
    }
}

fn count_hour(h: &mut HourCount, alert: bool, exercise: bool) {
    bump(
        alert,
        exercise,
        &mut h.alerts,
        &mut h.incidents,
        (&mut h.exercise_alerts, &mut h.exercise_incidents),
    );
}

fn count_section(s: &mut SectionCount, alert: bool, exercise: bool) {
    bump(
        alert,
        exercise,
        &mut s.alerts,
        &mut s.incidents,
        (&mut s.exercise_alerts, &mut s.exercise_incidents),
    );
}

fn is_section(engine: &Engine, id: &str) -> bool {
    engine.geography().zone(id).is_some_and(|z| z.kind == ZoneKind::BorderSection)
}

/// Builds the dashboard of the `hours` before `now` as `viewer` may see it.
pub fn build(engine: &Engine, viewer: &Viewer, hours: u32, now: Time) -> Dashboard {
    // Whole hours, so that the chart's bars line up with the clock.
    let to = (now.0.div_euclid(MS_PER_HOUR) + 1) * MS_PER_HOUR;
    let from = to - i64::from(hours) * MS_PER_HOUR;
    let agreements = visibility::agreements(engine);
    let mut hourly: Vec<HourCount> = (0..i64::from(hours))
        .map(|h| HourCount { start: from + h * MS_PER_HOUR, ..HourCount::default() })
        .collect();
    let mut totals = HourCount { start: from, ..HourCount::default() };
    let mut sections: BTreeMap<String, SectionCount> = BTreeMap::new();
    let mut count = |section: String, time: i64, alert: bool, exercise: bool| {
        let hour = usize::try_from((time - from).div_euclid(MS_PER_HOUR)).unwrap_or(0);
        if let Some(h) = hourly.get_mut(hour) {
            count_hour(h, alert, exercise);
        }
        count_hour(&mut totals, alert, exercise);
        count_section(sections.entry(section).or_default(), alert, exercise);
    };
    for entry in engine.alerts() {
        let a = &entry.alert;
        if a.first_time.0 < from || a.first_time.0 >= to {
            continue;
        }
        if !visibility::alert(engine, viewer, &agreements, entry, now) {
            continue;
        }
        let section = a
            .zone
            .clone()
            .filter(|z| is_section(engine, z))
            .or_else(|| {
                a.evidence.first().and_then(|p| section_at(engine.geography(), p.lon, p.lat))
            })
            .unwrap_or_else(|| NO_SECTION.to_owned());
        count(section, a.first_time.0, true, a.exercise);
    }
    for r in engine.incidents().iter() {
        if r.opened.0 < from
            || r.opened.0 >= to
            || !visibility::incident(viewer, &agreements, r, now)
        {
            continue;
        }
        let section = r.border_section.clone().unwrap_or_else(|| NO_SECTION.to_owned());
        count(section, r.opened.0, false, r.exercise);
    }
    let mut sections: Vec<SectionCount> = sections
        .into_iter()
        .map(|(id, mut s)| {
            match engine.geography().zone(&id) {
                Some(z) => {
                    s.name_en = z.name.clone();
                    s.name_ar = z.name_ar.clone();
                    s.impact = z.impact;
                }
                None if id == NO_SECTION => {
                    s.name_en = "outside the border sections".into();
                    s.name_ar = "خارج القطاعات الحدودية".into();
                }
                None => {
                    s.name_en = id.clone();
                    s.name_ar = id.clone();
                }
            }
            s.section = id;
            s
        })
        .collect();
    let total =
        |s: &SectionCount| s.alerts + s.incidents + s.exercise_alerts + s.exercise_incidents;
    sections.sort_by(|a, b| total(b).cmp(&total(a)).then_with(|| a.section.cmp(&b.section)));
    Dashboard { from, to, hours, sections, hourly, totals }
}

/// `GET /api/v1/dashboard?hours=`: the counts above; `hours` outside 1–168 is a 400.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<DashboardQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    let q = parse_query(query)?;
    let hours = q.hours.unwrap_or(24);
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("hours must be between 1 and {MAX_HOURS}, not {hours}"),
        ));
    }
    let board = state.centre.read(|engine| build(engine, &viewer, hours, state.centre.now()));
    Ok(axum::Json(serde_json::to_value(board).unwrap_or(Value::Null)))
}

/// The route's entry in `http::routes`.
pub fn route() -> (RouteSpec, axum::routing::MethodRouter<AppState>) {
    let spec = RouteSpec {
        method: "get",
        path: "/api/v1/dashboard",
        summary: "alerts and incidents the caller may see per border section and per hour (?hours=1..168, 24)",
        public: false,
    };
    (spec, axum::routing::get(dashboard))
}
