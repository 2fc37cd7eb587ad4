//! The daily report (`GET /api/v1/reports/daily?date=YYYY-MM-DD&lang=ar|en&format=json|html|pdf`):
//! one UTC day of what the caller may see — events per border section and category, incidents
//! opened and closed, impact levels, response times against the targets, and a map.
//!
//! The report is built once as a serde struct ([`DailyReport`], the JSON form) and rendered from
//! it: HTML in the reader's language (Arabic right to left), with the map as inline SVG; PDF by
//! printing that HTML with headless Chromium (see `pdf`). Exercise incidents are listed with
//! their flag but kept out of the counts and the response times, as EUROSUR reporting does.

mod html;
mod pdf;

use std::collections::BTreeMap;

use access::Viewer;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::Engine;
use engine::incident::{
    self, GroupStats, IncidentRecord, Lang, MetricsQuery, ResponseTargets, Taxonomy,
};
use model::Time;
use model::incident::{ImpactLevel, IncidentLocation};
use serde::{Deserialize, Serialize};

use crate::api::incidents::parse_query;
use crate::api::{ApiError, AppState};
use crate::visibility;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyQuery {
    /// `YYYY-MM-DD`, UTC; today when absent.
    date: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// Events in one border section (or zone) of one category or rule.
#[derive(Clone, Debug, Serialize)]
pub struct SectionRow {
    pub section: String,
    pub section_en: String,
    pub section_ar: String,
    /// An incident category code, or `alert:<rule>` for alerts not (yet) incidents.
    pub category: String,
    pub category_en: String,
    pub category_ar: String,
    pub incidents: u32,
    pub alerts: u32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub opened: u32,
    pub closed: u32,
    pub dismissed: u32,
    /// Open at the end of the day (or now, for today).
    pub open: u32,
    /// Exercise incidents opened that day (not in the other counts).
    pub exercise_opened: u32,
    pub alerts: u32,
}

/// One incident of the day, for the list and the map.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub id: String,
    pub category: String,
    pub category_en: String,
    pub category_ar: String,
    pub title: String,
    pub impact: ImpactLevel,
    pub state: model::IncidentState,
    pub owner: model::AgencyId,
    pub border_section: Option<String>,
    pub exercise: bool,
    pub automatic: bool,
    pub opened: Time,
    pub position: Option<[f64; 2]>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponseSection {
    pub targets: ResponseTargets,
    pub percentile_method: String,
    pub overall: GroupStats,
    pub by_category: BTreeMap<String, GroupStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DailyReport {
    pub date: String,
    pub lang: Lang,
    pub from: Time,
    pub to: Time,
    pub generated: Time,
    pub agency: model::AgencyId,
    pub counts: Counts,
    pub impact: BTreeMap<ImpactLevel, u32>,
    pub events: Vec<SectionRow>,
    pub response_times: ResponseSection,
    pub incidents: Vec<Line>,
}

/// The start of a `YYYY-MM-DD` UTC day; `None` unless it is a real date.
pub fn parse_date(text: &str) -> Option<Time> {
    model::Date::parse(text).map(model::Date::start)
}

fn category_titles(code: &str) -> (String, String) {
    match Taxonomy::builtin().get(code) {
        Ok(c) => (c.en.clone(), c.ar.clone()),
        Err(_) => (code.to_owned(), code.to_owned()),
    }
}

fn zone_titles(engine: &Engine, id: &str) -> (String, String) {
    match engine.geography().zone(id) {
        Some(z) => (z.name.clone(), z.name_ar.clone()),
        None if id == incident::NO_SECTION => {
            ("no border section".into(), "خارج القطاعات الحدودية".into())
        }
        None => (id.to_owned(), id.to_owned()),
    }
}

fn point(r: &IncidentRecord) -> Option<[f64; 2]> {
    match r.location.as_ref()? {
        IncidentLocation::Point { position } => Some([position.lon, position.lat]),
        IncidentLocation::Area { ring } => {
            let n = ring.len() as f64;
            (n > 0.0).then(|| {
                [
                    ring.iter().map(|p| p[0]).sum::<f64>() / n,
                    ring.iter().map(|p| p[1]).sum::<f64>() / n,
                ]
            })
        }
    }
}

fn within(t: Option<Time>, from: Time, to: Time) -> bool {
    t.is_some_and(|t| t >= from && t < to)
}

/// Builds the report of the UTC day starting at `from`, as `viewer` may see it, at `now`.
pub fn build(engine: &Engine, viewer: &Viewer, from: Time, lang: Lang, now: Time) -> DailyReport {
    let to = from.plus_millis(Time::MS_PER_DAY);
    let agreements = visibility::agreements(engine);
    let mine = engine.incidents().filtered(|r| visibility::incident(viewer, &agreements, r, now));
    let mut counts = Counts::default();
    let mut impact = BTreeMap::new();
    let mut rows: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    let mut lines = Vec::new();
    let end = to.min(now);
    for r in mine.iter() {
        let ended = r.timeline.closed.or(r.timeline.dismissed);
        if !r.exercise && r.opened < end && ended.is_none_or(|t| t >= end) {
            counts.open += 1;
        }
        if !within(Some(r.opened), from, to) {
            if !r.exercise {
                counts.closed += u32::from(within(r.timeline.closed, from, to));
                counts.dismissed += u32::from(within(r.timeline.dismissed, from, to));
            }
            continue;
        }
        let (category_en, category_ar) = category_titles(&r.category);
        lines.push(Line {
            id: r.id.clone(),
            category: r.category.clone(),
            category_en,
            category_ar,
            title: r.title.clone(),
            impact: r.impact,
            state: r.state,
            owner: r.owner.clone(),
            border_section: r.border_section.clone(),
            exercise: r.exercise,
            automatic: r.automatic,
            opened: r.opened,
            position: point(r),
        });
        if r.exercise {
            counts.exercise_opened += 1;
            continue;
        }
        counts.opened += 1;
        counts.closed += u32::from(within(r.timeline.closed, from, to));
        counts.dismissed += u32::from(within(r.timeline.dismissed, from, to));
        *impact.entry(r.impact).or_insert(0) += 1;
        let section = r.border_section.clone().unwrap_or_else(|| incident::NO_SECTION.to_owned());
        rows.entry((section, r.category.clone())).or_default().0 += 1;
    }
    for entry in engine.alerts() {
        let a = &entry.alert;
        if a.exercise || !within(Some(a.first_time), from, to) {
            continue;
        }
        if !visibility::alert(engine, viewer, &agreements, entry, now) {
            continue;
        }
        counts.alerts += 1;
        let linked = mine.iter().any(|r| r.alerts.contains(&a.id));
        if linked {
            continue;
        }
        let section = a.zone.clone().unwrap_or_else(|| incident::NO_SECTION.to_owned());
        rows.entry((section, format!("alert:{}", a.rule))).or_default().1 += 1;
    }
    let events = rows
        .into_iter()
        .map(|((section, category), (incidents, alerts))| {
            let (section_en, section_ar) = zone_titles(engine, &section);
            let (category_en, category_ar) = match category.strip_prefix("alert:") {
                Some(rule) => {
                    let info = engine::rules::rules().iter().find(|i| i.id == rule);
                    (
                        info.map_or(rule.to_owned(), |i| i.title.to_owned()),
                        info.map_or(rule.to_owned(), |i| i.title_ar.to_owned()),
                    )
                }
                None => category_titles(&category),
            };
            SectionRow {
                section,
                section_en,
                section_ar,
                category,
                category_en,
                category_ar,
                incidents,
                alerts,
            }
        })
        .collect();
    let query = MetricsQuery { from: Some(from), to: Some(to), include_exercise: false };
    let targets = engine.config().response_targets.clone();
    let metrics = incident::response_metrics(&mine, &query, &targets, now);
    DailyReport {
        date: from.utc_date(),
        lang,
        from,
        to,
        generated: now,
        agency: viewer.agency.clone(),
        counts,
        impact,
        events,
        response_times: ResponseSection {
            targets,
            percentile_method: metrics.percentile_method,
            overall: metrics.overall,
            by_category: metrics.by_category,
        },
        incidents: lines,
    }
}

pub async fn daily(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<DailyQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = parse_query(query)?;
    let lang = crate::api::incidents::lang_of(q.lang.as_deref())?;
    let now = state.centre.now();
    let from = match q.date.as_deref() {
        None => Time(now.millis().div_euclid(Time::MS_PER_DAY) * Time::MS_PER_DAY),
        Some(d) => parse_date(d).ok_or_else(|| {
            ApiError::bad_request("bad_query", format!("invalid date `{d}`: use YYYY-MM-DD"))
        })?,
    };
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "html" | "pdf") {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("unknown format `{format}`: use json, html or pdf"),
        ));
    }
    let (report, map) = state.centre.read(|engine| {
        let report = build(engine, &viewer, from, lang, now);
        let map = html::map_svg(engine.geography(), &report.incidents);
        (report, map)
    });
    match format {
        "html" => {
            let page = html::render(&report, &map, None);
            Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
        }
        "pdf" => {
            let page = html::render(&report, &map, Some(pdf::font_face()));
            let bytes = pdf::print(page).await.map_err(|e| {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "pdf_unavailable", e.to_string())
            })?;
            let disposition = format!("inline; filename=\"tansiq-daily-{}.pdf\"", report.date);
            Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Ok(axum::Json(report).into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(Time(0)));
        assert_eq!(parse_date("2024-02-29"), Some(Time(1_709_164_800_000)));
        for bad in ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-01", "x", "2026-01-01-01", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
