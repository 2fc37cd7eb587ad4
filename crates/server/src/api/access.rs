//! Sign-in, agencies, sharing agreements and the audit trail.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Instant;

use access::Viewer;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::{
    AgencyId, Agreement, AgreementScope, Area, Classification, Event, EventKind, Role, Time,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::request::{append_error, parse_body};
use crate::api::{ApiError, AppState};
use crate::auth::{new_token, verify_password};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

/// A PHC hash to verify against when the user does not exist, so that an unknown name takes
/// as long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        crate::auth::hash_password("decoy password, never valid").unwrap_or_default()
    })
}

pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let credentials: Credentials = parse_body(body)?;
    let addr = peer.map(|Extension(ConnectInfo(a))| a.ip());
    let address = addr.map(|a| a.to_string()).unwrap_or_else(|| "unknown".into());
    let username = credentials.username.trim().to_string();
    if username.is_empty() || username.len() > 128 || credentials.password.len() > 1024 {
        return Err(ApiError::bad_request(
            "bad_body",
            "username must be 1-128 and password at most 1024 bytes",
        ));
    }
    let refuse = |reason: &'static str| Event {
        time: state.centre.now(),
        kind: EventKind::LoginFailed {
            username: username.clone(),
            address: address.clone(),
            reason: reason.into(),
        },
    };
    if let Err(wait) = state.limiter.check(&username, addr, Instant::now()) {
        let _ = state.centre.append(vec![refuse("rate_limited")]).await;
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many failed sign-ins; try again in {} s", wait.as_secs()),
        )
        .into_response();
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }
    let user = state.centre.read(|engine| engine.directory().user(&username).cloned());
    let hash =
        user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| decoy_hash().to_string());
    let password = credentials.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        other => {
            let reason = match other {
                None => "unknown_user",
                Some(u) if u.disabled => "disabled",
                Some(_) => "wrong_password",
            };
            state.limiter.failed(&username, addr, Instant::now());
            state.centre.append(vec![refuse(reason)]).await.map_err(append_error)?;
            // One answer for every reason: nothing tells a guesser which names exist.
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "wrong user name or password",
            ));
        }
    };
    state.limiter.succeeded(&username);
    let (token, token_hash) = new_token();
    let now = state.centre.now();
    let expires = now.plus_millis(state.session_ttl_ms);
    let opened = Event {
        time: now,
        kind: EventKind::SessionOpened {
            username: user.username.clone(),
            token_hash,
            expires,
            address,
        },
    };
    state.centre.append_folded(vec![opened]).await.map_err(append_error)?;
    let agency = state.centre.read(|engine| engine.directory().agency(&user.agency).cloned());
    let body = json!({
        "token": token,
        "user": user.username,
        "agency": user.agency,
        "agency_name": agency.as_ref().map(|a| json!({ "en": a.name_en, "ar": a.name_ar })),
        "roles": user.roles,
        "expires": expires,
    });
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    request_headers: axum::http::HeaderMap,
) -> Result<axum::Json<Value>, ApiError> {
    let token = request_headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let event = Event {
        time: state.centre.now(),
        kind: EventKind::SessionClosed {
            token_hash: crate::auth::token_hash(token.trim()),
            reason: "logout".into(),
        },
    };
    state.centre.append_folded(vec![event]).await.map_err(append_error)?;
    Ok(axum::Json(json!({ "signed_out": true })))
}

pub async fn list_agencies(State(state): State<AppState>) -> axum::Json<Value> {
    let agencies: Vec<Value> = state.centre.read(|engine| {
        engine
            .directory()
            .agencies()
            .map(|a| serde_json::to_value(a).unwrap_or(Value::Null))
            .collect()
    });
    axum::Json(json!({ "agencies": agencies }))
}

/// Records a read worth auditing; a failure to record is logged, the read still answered.
pub async fn record_access(state: &AppState, viewer: &Viewer, action: &str, object: &str) {
    let event = Event {
        time: state.centre.now(),
        kind: EventKind::Accessed {
            actor: viewer.user.clone(),
            agency: viewer.agency.clone(),
            action: action.into(),
            object: object.into(),
        },
    };
    if let Err(error) = state.centre.append(vec![event]).await {
        tracing::warn!(%error, action, "audit record failed");
    }
}

fn may_manage_agreements(viewer: &Viewer) -> bool {
    viewer.has(Role::Admin) || viewer.has(Role::DutyOfficer)
}

fn agreement_view(agreement: &Agreement, now: Time) -> Value {
    let mut value = serde_json::to_value(agreement).unwrap_or(Value::Null);
    value["in_force"] = json!(agreement.in_force(now));
    value
}

pub async fn list_agreements(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> axum::Json<Value> {
    let now = state.centre.now();
    let list: Vec<Value> = state.centre.read(|engine| {
        engine
            .directory()
            .agreements()
            .filter(|a| a.from == viewer.agency || a.to == viewer.agency)
            .map(|a| agreement_view(a, now))
            .collect()
    });
    axum::Json(json!({ "sharing_agreements": list }))
}

pub async fn get_agreement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let now = state.centre.now();
    state
        .centre
        .read(|engine| {
            engine
                .directory()
                .agreement(&id)
                .filter(|a| a.from == viewer.agency || a.to == viewer.agency)
                .map(|a| agreement_view(a, now))
        })
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found(format!("no sharing agreement {id}")))
}

/// What a client sends to create or change an agreement. `from` is always the caller's agency.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementInput {
    #[serde(default)]
    id: Option<String>,
    to: AgencyId,
    scope: AgreementScope,
    #[serde(default)]
    areas: Vec<Area>,
    /// Zone ids (see `GET /api/v1/zones`) whose shapes limit the agreement, added to `areas`.
    #[serde(default)]
    zones: Vec<String>,
    ceiling: Classification,
    #[serde(default)]
    valid_from: Option<Time>,
    #[serde(default)]
    valid_until: Option<Time>,
}

fn check_input(
    input: &AgreementInput,
    viewer: &Viewer,
    known: &BTreeSet<AgencyId>,
) -> Result<(), ApiError> {
    if input.to == viewer.agency {
        return Err(ApiError::bad_request(
            "bad_agreement",
            "an agency needs no agreement with itself",
        ));
    }
    if !known.contains(&input.to) {
        return Err(ApiError::bad_request("bad_agreement", format!("unknown agency {}", input.to)));
    }
    if let (Some(from), Some(until)) = (input.valid_from, input.valid_until)
        && until <= from
    {
        return Err(ApiError::bad_request("bad_agreement", "valid_until must be after valid_from"));
    }
    for area in &input.areas {
        let ok = match area {
            Area::Bbox([x0, y0, x1, y1]) => {
                [x0, y0, x1, y1].iter().all(|v| v.is_finite()) && x0 <= x1 && y0 <= y1
            }
            Area::Polygon(ring) => {
                ring.len() >= 3 && ring.iter().all(|[x, y]| x.is_finite() && y.is_finite())
            }
            // Named shapes come only from `zones`, copied from the geography.
            Area::Zone { .. } | Area::Circle { .. } => false,
        };
        if !ok {
            return Err(ApiError::bad_request(
                "bad_agreement",
                "an area must be a valid bbox or a ring of 3+ points",
            ));
        }
    }
    Ok(())
}

/// The shapes of the named zones, as agreement areas; a line or an unknown id is refused.
fn zone_areas(geography: &engine::geo::Geography, ids: &[String]) -> Result<Vec<Area>, ApiError> {
    ids.iter()
        .map(|id| {
            let zone = geography.zone(id).ok_or_else(|| {
                ApiError::bad_request("bad_agreement", format!("unknown zone {id}"))
            })?;
            match &zone.geometry {
                model::ZoneGeometry::Polygon { rings } => {
                    Ok(Area::Zone { id: id.clone(), rings: rings.clone() })
                }
                model::ZoneGeometry::Circle { center, radius_m } => {
                    Ok(Area::Circle { id: id.clone(), center: *center, radius_m: *radius_m })
                }
                model::ZoneGeometry::LineString { .. } => Err(ApiError::bad_request(
                    "bad_agreement",
                    format!("zone {id} is a line, not an area"),
                )),
            }
        })
        .collect()
}

async fn set_agreement(
    state: &AppState,
    viewer: &Viewer,
    existing: Option<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    if !may_manage_agreements(viewer) {
        return Err(ApiError::forbidden("only admins and duty officers manage sharing agreements"));
    }
    let input: AgreementInput = parse_body(body)?;
    let now = state.centre.now();
    let (known, current) = state.centre.read(|engine| {
        let dir = engine.directory();
        let known: BTreeSet<AgencyId> = dir.agencies().map(|a| a.id.clone()).collect();
        let current = existing.as_deref().and_then(|id| dir.agreement(id).cloned());
        (known, current)
    });
    check_input(&input, viewer, &known)?;
    let mut input = input;
    let zone_areas = state.centre.read(|engine| zone_areas(engine.geography(), &input.zones))?;
    input.areas.extend(zone_areas);
    let id = match (&existing, &current) {
        (Some(id), Some(agreement)) if agreement.from == viewer.agency => {
            if agreement.revoked.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "revoked",
                    format!("agreement {id} is revoked"),
                ));
            }
            if input.id.as_ref().is_some_and(|new| new != id) {
                return Err(ApiError::bad_request(
                    "bad_agreement",
                    "an agreement's id cannot change",
                ));
            }
            id.clone()
        }
        (Some(id), _) => return Err(ApiError::not_found(format!("no sharing agreement {id}"))),
        (None, _) => {
            let id = input
                .id
                .clone()
                .unwrap_or_else(|| format!("{}-{}-{}", viewer.agency, input.to, now.0));
            let taken = state.centre.read(|engine| engine.directory().agreement(&id).is_some());
            if taken || id.is_empty() || id.len() > 128 {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "exists",
                    format!("agreement id {id} is taken or invalid"),
                ));
            }
            id
        }
    };
    let agreement = Agreement {
        id,
        from: viewer.agency.clone(),
        to: input.to,
        scope: input.scope,
        areas: input.areas,
        ceiling: input.ceiling,
        valid_from: input.valid_from.or(current.map(|c| c.valid_from)).unwrap_or(now),
        valid_until: input.valid_until,
        revoked: None,
    };
    let view = agreement_view(&agreement, now);
    let event = Event {
        time: now,
        kind: EventKind::AgreementSet { agreement, actor: viewer.user.clone() },
    };
    state.centre.append_folded(vec![event]).await.map_err(append_error)?;
    let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, axum::Json(view)))
}

pub async fn create_agreement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    set_agreement(&state, &viewer, None, body).await
}

pub async fn change_agreement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    set_agreement(&state, &viewer, Some(id), body).await
}

pub async fn revoke_agreement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    if !may_manage_agreements(&viewer) {
        return Err(ApiError::forbidden("only admins and duty officers manage sharing agreements"));
    }
    let found = state.centre.read(|engine| {
        engine
            .directory()
            .agreement(&id)
            .filter(|a| a.from == viewer.agency)
            .map(|a| a.revoked.is_some())
    });
    match found {
        None => return Err(ApiError::not_found(format!("no sharing agreement {id}"))),
        Some(true) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "revoked",
                format!("agreement {id} is already revoked"),
            ));
        }
        Some(false) => {}
    }
    let event = Event {
        time: state.centre.now(),
        kind: EventKind::AgreementRevoked { id: id.clone(), actor: viewer.user.clone() },
    };
    state.centre.append_folded(vec![event]).await.map_err(append_error)?;
    Ok(axum::Json(json!({ "id": id, "revoked": true })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    from: Option<i64>,
    to: Option<i64>,
    limit: Option<usize>,
}

const AUDIT_LIMIT: usize = 10_000;

/// An audit event as shown: never a password hash or a token hash.
fn audit_view(seq: u64, event: &Event) -> Value {
    let detail = match &event.kind {
        EventKind::UserRegistered(user) => {
            json!({ "username": user.username, "agency": user.agency, "roles": user.roles, "disabled": user.disabled })
        }
        EventKind::PasswordChanged { username, .. } => json!({ "username": username }),
        EventKind::SessionOpened { username, expires, address, .. } => {
            json!({ "username": username, "expires": expires, "address": address })
        }
        EventKind::SessionClosed { reason, .. } => json!({ "reason": reason }),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_object().and_then(|o| o.values().next().cloned()))
            .unwrap_or(Value::Null),
    };
    json!({ "seq": seq, "time": event.time, "type": event.kind.name(), "detail": detail })
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<axum::Json<Value>, ApiError> {
    if !(viewer.has(Role::Auditor) || viewer.has(Role::Admin)) {
        return Err(ApiError::forbidden("the audit trail is for auditors and admins"));
    }
    let Query(query) = query.map_err(|r| ApiError::bad_request("bad_query", r.body_text()))?;
    let limit = query.limit.unwrap_or(1_000).min(AUDIT_LIMIT);
    let reader = state.centre.log_reader().clone();
    let (from, to) = (query.from.unwrap_or(i64::MIN), query.to.unwrap_or(i64::MAX));
    let records = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let scanned = reader.scan(0, &mut |record| {
            let t = record.event.time.0;
            if record.event.kind.is_audit() && t >= from && t <= to {
                out.push(audit_view(record.seq, &record.event));
            }
            out.len() < limit
        });
        scanned.map(|()| out)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string()))?;
    record_access(&state, &viewer, "audit.read", "audit").await;
    Ok(axum::Json(json!({ "events": records })))
}
