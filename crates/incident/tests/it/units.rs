//! Unit registry, tasking across agencies, status changes and the ETA ranking.

use incident::{
    EtaMethod, IncidentError, RecommendConfig, Target, TaskPermission, Taxonomy,
    decide_register_unit, decide_task, decide_unit_acknowledge, decide_unit_position,
    decide_unit_status, local_offset, recommend_units,
};
use model::incident::{UnitPositionSource, UnitRegistration};
use model::{AgencyId, IncidentState, UnitKind, UnitStatus};

use crate::common::{Log, ars, at, cgw, point};

fn register(log: &mut Log, id: &str, agency: &str, kind: UnitKind, speed: f64, lon: f64, lat: f64) {
    let registration = UnitRegistration {
        id: id.into(),
        name: format!("unit {id}"),
        agency: AgencyId::new(agency),
        kind,
        capabilities: ["rescue".to_owned()].into(),
        max_speed_mps: speed,
        base: point(lon, lat),
        marking: Default::default(),
        tracker: None,
    };
    log.commit(at(0), decide_register_unit(&log.state, registration)).unwrap();
}

#[test]
fn tasking_follows_the_unit_and_the_incident() {
    let mut log = Log::default();
    register(&mut log, "cg1", "CGW", UnitKind::Boat, 15.0, 12.0, 33.0);
    let id = log.open("migration.departure", at(10), &cgw());
    log.commit(at(70), decide_task(&log.state, &id, "cg1", &cgw(), TaskPermission::default()))
        .unwrap();
    assert_eq!(log.state.unit("cg1").unwrap().status, UnitStatus::Tasked);
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.state, IncidentState::Assigned, "tasking assigns");
    assert_eq!(record.timeline.dispatched, Some(at(70)));

    let err = decide_task(&log.state, &id, "cg1", &cgw(), TaskPermission::default()).unwrap_err();
    assert_eq!(err.to_string(), format!("unit `cg1` is already tasked to incident `{id}`"));

    log.commit(at(80), decide_unit_acknowledge(&log.state, &id, "cg1", &cgw())).unwrap();
    log.commit(at(90), decide_unit_status(&log.state, "cg1", UnitStatus::EnRoute, &cgw())).unwrap();
    log.commit(
        at(95),
        decide_unit_position(
            &log.state,
            "cg1",
            point(12.0, 33.1),
            Some(14.0),
            Some(0.0),
            UnitPositionSource::Cot,
            &cgw(),
        ),
    )
    .unwrap();
    log.commit(at(900), decide_unit_status(&log.state, "cg1", UnitStatus::OnScene, &cgw()))
        .unwrap();
    let record = log.state.get(&id).unwrap();
    assert_eq!(record.state, IncidentState::OnScene);
    let t = &record.timeline;
    assert_eq!(
        (t.unit_acknowledged, t.en_route, t.on_scene),
        (Some(at(80)), Some(at(90)), Some(at(900)))
    );
    assert_eq!(log.state.unit("cg1").unwrap().position(), point(12.0, 33.1));

    log.commit(at(2000), decide_unit_status(&log.state, "cg1", UnitStatus::Available, &cgw()))
        .unwrap();
    let unit = log.state.unit("cg1").unwrap();
    assert_eq!((unit.status, unit.incident.as_deref()), (UnitStatus::Available, None));
}

#[test]
fn tasking_another_agencys_unit_needs_a_permission() {
    let mut log = Log::default();
    register(&mut log, "ars1", "ARS", UnitKind::Vehicle, 20.0, 10.0, 23.1);
    let id = log.open("crossing.outside_bcp", at(10), &cgw());
    let err = decide_task(&log.state, &id, "ars1", &cgw(), TaskPermission::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unit `ars1` belongs to `ARS`; tasking it from `CGW` needs a sharing permission"
    );
    let events =
        decide_task(&log.state, &id, "ars1", &cgw(), TaskPermission { cross_agency: true })
            .unwrap();
    assert!(matches!(
        &events[0],
        model::incident::IncidentEvent::UnitTasked { cross_agency: true, .. }
    ));
    assert!(decide_task(&log.state, &id, "ars1", &ars(), TaskPermission::default()).is_ok());
}

#[test]
fn bad_unit_requests_name_the_problem() {
    let mut log = Log::default();
    register(&mut log, "cg1", "CGW", UnitKind::Boat, 15.0, 12.0, 33.0);
    let id = log.open("other", at(10), &cgw());
    assert_eq!(
        decide_task(&log.state, &id, "ghost", &cgw(), TaskPermission::default()).unwrap_err(),
        IncidentError::UnknownUnit { id: "ghost".into() }
    );
    let err = decide_unit_position(
        &log.state,
        "cg1",
        point(12.0, 95.0),
        None,
        None,
        UnitPositionSource::Manual,
        &cgw(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "impossible coordinates: lon 12, lat 95");
    log.commit(at(20), decide_unit_status(&log.state, "cg1", UnitStatus::OutOfService, &cgw()))
        .unwrap();
    assert!(matches!(
        decide_task(&log.state, &id, "cg1", &cgw(), TaskPermission::default()),
        Err(IncidentError::UnitNotAvailable { .. })
    ));
    assert!(matches!(
        decide_unit_status(&log.state, "cg1", UnitStatus::EnRoute, &cgw()),
        Err(IncidentError::InvalidValue { .. })
    ));
    let again = UnitRegistration {
        id: "cg1".into(),
        name: "dup".into(),
        agency: AgencyId::new("CGW"),
        kind: UnitKind::Boat,
        capabilities: Default::default(),
        max_speed_mps: 10.0,
        base: point(12.0, 33.0),
        marking: Default::default(),
        tracker: None,
    };
    assert!(matches!(
        decide_register_unit(&log.state, again),
        Err(IncidentError::UnitAlreadyRegistered { .. })
    ));
}

#[test]
fn units_at_sea_are_ranked_by_intercept_time() {
    let mut log = Log::default();
    register(&mut log, "near", "CGW", UnitKind::Boat, 10.0, 12.0, 33.0);
    register(&mut log, "far", "CGW", UnitKind::Boat, 10.0, 12.0, 32.5);
    register(&mut log, "slow", "CGW", UnitKind::Boat, 2.0, 12.0, 33.0);
    register(&mut log, "truck", "CGW", UnitKind::Vehicle, 30.0, 12.0, 33.19);
    register(&mut log, "other", "ARS", UnitKind::Boat, 30.0, 12.0, 33.19);
    register(&mut log, "busy", "CGW", UnitKind::Boat, 30.0, 12.0, 33.19);
    let id = log.open("migration.departure", at(0), &cgw());
    let busy = log.open("other", at(0), &cgw());
    log.commit(at(1), decide_task(&log.state, &busy, "busy", &cgw(), TaskPermission::default()))
        .unwrap();

    // The boat leaves the coast northbound-east: target at (12.0, 33.2) moving east at 6 m/s.
    let target =
        Target { position: point(12.0, 33.2), speed_mps: Some(6.0), course_deg: Some(90.0) };
    let config = RecommendConfig::default();
    let cgw_agency = AgencyId::new("CGW");
    let ranked = recommend_units(
        &log.state,
        Taxonomy::builtin(),
        &config,
        &id,
        Some(target),
        &cgw_agency,
        TaskPermission::default(),
    )
    .unwrap();
    let ids: Vec<&str> = ranked.iter().map(|r| r.unit.as_str()).collect();
    // `slow` (2 m/s) cannot catch a 6 m/s target; `truck` is a land unit; `other` is ARS's;
    // `busy` is tasked.
    assert_eq!(ids, ["near", "far"]);
    // `near` sits due south of the target at d = 0.2° of latitude; with p·v = 0 the intercept
    // quadratic gives t = d / √(s² − v²) = d / 8.
    let d = local_offset(point(12.0, 33.0), point(12.0, 33.2))[1];
    let near = &ranked[0];
    assert_eq!(near.method, EtaMethod::Intercept);
    assert!((near.eta_s - d / 8.0).abs() < 1.0, "{near:?} vs {}", d / 8.0);
    assert!((near.course_deg - 36.87).abs() < 0.1, "{near:?}");

    let with_others = recommend_units(
        &log.state,
        Taxonomy::builtin(),
        &config,
        &id,
        Some(target),
        &cgw_agency,
        TaskPermission { cross_agency: true },
    )
    .unwrap();
    assert_eq!(with_others[0].unit, "other");
}

#[test]
fn land_units_use_the_straight_line_and_the_terrain_factor() {
    let mut log = Log::default();
    register(&mut log, "v1", "ARS", UnitKind::Vehicle, 20.0, 10.0, 23.1);
    register(&mut log, "boat", "ARS", UnitKind::Boat, 20.0, 10.0, 23.1);
    let id = log.open("crossing.outside_bcp", at(0), &ars());
    let patch = model::incident::IncidentPatch {
        location: Some(model::incident::IncidentLocation::Point { position: point(10.0, 23.0) }),
        ..Default::default()
    };
    log.commit(at(1), incident::decide_update(&log.state, &id, patch, &ars())).unwrap();
    let ranked = recommend_units(
        &log.state,
        Taxonomy::builtin(),
        &RecommendConfig::default(),
        &id,
        None,
        &AgencyId::new("ARS"),
        TaskPermission::default(),
    )
    .unwrap();
    assert_eq!(ranked.len(), 1, "no boats in the desert");
    // 0.1° of latitude ≈ 11 119.5 m; × 1.4 / 20 m/s ≈ 778.4 s.
    let d = local_offset(point(10.0, 23.1), point(10.0, 23.0))[1].abs();
    assert_eq!(ranked[0].method, EtaMethod::Land);
    assert!((ranked[0].eta_s - d * 1.4 / 20.0).abs() < 1e-6);
    assert!((ranked[0].eta_s - 778.4).abs() < 0.5, "{:?}", ranked[0]);
    assert!((ranked[0].course_deg - 180.0).abs() < 1e-6);
}

#[test]
fn closing_an_incident_releases_its_units() {
    let mut log = Log::default();
    register(&mut log, "cg1", "CGW", UnitKind::Boat, 15.0, 12.0, 33.0);
    let id = log.open("migration.departure", at(10), &cgw());
    log.commit(at(20), decide_task(&log.state, &id, "cg1", &cgw(), TaskPermission::default()))
        .unwrap();
    log.commit(
        at(30),
        incident::decide_transition(
            &log.state,
            &id,
            IncidentState::Dismissed,
            &cgw(),
            "duplicate",
            None,
        ),
    )
    .unwrap();
    let unit = log.state.unit("cg1").unwrap();
    assert_eq!((unit.status, unit.incident.as_deref()), (UnitStatus::Available, None));
    let next = log.open("sar.distress", at(40), &cgw());
    assert!(decide_task(&log.state, &next, "cg1", &cgw(), TaskPermission::default()).is_ok());
    let err = decide_task(&log.state, &id, "cg1", &cgw(), TaskPermission::default()).unwrap_err();
    assert_eq!((err.kind(), err.code()), (incident::ErrorKind::Conflict, "incident_closed"));
}
