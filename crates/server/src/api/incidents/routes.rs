//! The route table's part for incidents, units, reminders, response times and the
//! daily report. `http::routes` appends it, so the router and the OpenAPI document both list it.

use axum::routing::{MethodRouter, get, patch, post};

use crate::api::{AppState, RouteSpec};
use crate::api::{incidents as i, reports, units as u};

pub fn table() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    let r = |method, path, summary| RouteSpec { method, path, summary, public: false };
    vec![
        (
            r(
                "get",
                "/api/v1/incidents",
                "incidents the caller may see (?state=, ?category=, ?exercise=, ?open=)",
            ),
            get(i::list_incidents),
        ),
        (
            r(
                "post",
                "/api/v1/incidents",
                "open an incident: {category, title, description?, location?, impact?, exercise?, …} -> 201",
            ),
            post(i::open_incident),
        ),
        (r("get", "/api/v1/incidents/{id}", "one incident"), get(i::get_incident)),
        (
            r(
                "patch",
                "/api/v1/incidents/{id}",
                "change an open incident's title, description, location, impact, persons, marking",
            ),
            patch(i::patch_incident),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/transition",
                "move along the lifecycle: {to, reason, closure?}; 409 lists the allowed states",
            ),
            post(i::transition),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/handover",
                "offer the incident to another agency: {agency, reason?}",
            ),
            post(i::handover),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/handover/accept",
                "the receiving agency takes the incident over",
            ),
            post(i::handover_accept),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/handover/decline",
                "the receiving agency declines: {reason}",
            ),
            post(i::handover_decline),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/tasks",
                "task a unit: {unit}; another agency's unit needs an agreement",
            ),
            post(i::task_unit),
        ),
        (
            r(
                "get",
                "/api/v1/incidents/{id}/timeline",
                "dispatch timestamps, transitions, SOP steps, units",
            ),
            get(i::timeline),
        ),
        (
            r(
                "get",
                "/api/v1/incidents/{id}/recommendations",
                "available units the caller may task, ranked by ETA",
            ),
            get(i::recommendations),
        ),
        (
            r(
                "get",
                "/api/v1/incidents/{id}/sitrep",
                "the SAR SITREP (fields A-N) as text (?lang=ar|en)",
            ),
            get(i::sitrep),
        ),
        (
            r("post", "/api/v1/incidents/{id}/steps/{step}", "complete an SOP step: {note?}"),
            post(i::step),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/acknowledge",
                "a person takes notice of the incident",
            ),
            post(i::acknowledge),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/reports",
                "file a EUROSUR report: {report: first|sar_closure, reference?}",
            ),
            post(i::file_report),
        ),
        (
            r(
                "post",
                "/api/v1/incidents/{id}/sar",
                "a SAR case's IAMSAR phase and SITREP fields: {phase?, factors?, reason?, details?}",
            ),
            post(i::set_sar),
        ),
        (r("get", "/api/v1/units", "units the caller may see"), get(u::list_units)),
        (
            r(
                "post",
                "/api/v1/units",
                "register a unit of the caller's agency: {id, name, kind, max_speed_mps, base, capabilities?} -> 201",
            ),
            post(u::register_unit),
        ),
        (r("post", "/api/v1/units/{id}/status", "a unit's status: {status}"), post(u::set_status)),
        (
            r("post", "/api/v1/units/{id}/acknowledge", "the unit acknowledges its task"),
            post(u::acknowledge),
        ),
        (
            r(
                "post",
                "/api/v1/units/{id}/position",
                "set a unit's position by hand: {lon, lat, speed_mps?, course_deg?}",
            ),
            post(u::set_position),
        ),
        (r("get", "/api/v1/reminders", "overdue EUROSUR reports and SOP steps"), get(i::reminders)),
        (
            r(
                "get",
                "/api/v1/metrics/response-times",
                "response times: p50/p90 per category, agency, section, day (?from=&to= ms, ?exercise=)",
            ),
            get(i::metrics),
        ),
        (
            r(
                "get",
                "/api/v1/reports/daily",
                "the daily report (?date=YYYY-MM-DD&lang=ar|en&format=json|html|pdf)",
            ),
            get(reports::daily),
        ),
    ]
}
