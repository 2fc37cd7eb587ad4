//! IAMSAR phase, distress factors and the SITREP in both languages.

use incident::{IncidentError, Lang, decide_sar_details, decide_sar_phase, decide_update, sitrep};
use model::incident::{DistressFactor, IncidentPatch, Persons, SarDetails, SarPhase};

use crate::common::{Log, at, cgw};

fn case() -> (Log, String) {
    let mut log = Log::default();
    let id = log.open("sar.distress", at(0), &cgw());
    let factors = [DistressFactor::Overloaded, DistressFactor::RequestForHelp].into();
    log.commit(
        at(60),
        decide_sar_phase(&log.state, &id, SarPhase::Distress, factors, &cgw(), "taking water"),
    )
    .unwrap();
    let persons = Persons { on_board: Some(74), rescued: 12, missing: 2, dead: 1 };
    let patch = IncidentPatch { persons: Some(persons), ..IncidentPatch::default() };
    log.commit(at(70), decide_update(&log.state, &id, patch, &cgw())).unwrap();
    let details = SarDetails {
        assistance_required: Some("life jackets, medical evacuation".into()),
        coordinating_rcc: Some("JRCC Tripoli".into()),
        weather: Some("wind NW 4, sea 3".into()),
        search_area: Some("10 nm around datum".into()),
        ..SarDetails::default()
    };
    log.commit(at(80), decide_sar_details(&log.state, &id, details, &cgw())).unwrap();
    (log, id)
}

#[test]
fn english_sitrep_has_every_field() {
    let (log, id) = case();
    let text = sitrep(log.state.get(&id).unwrap(), Lang::En, at(90)).unwrap();
    assert!(text.starts_with("SITREP SAR-i0 — 2023-11-14 00:01Z — reported\n"), "{text}");
    for field in [
        "A. Identity",
        "B. Position",
        "C. Situation",
        "D. Persons at risk",
        "E. Assistance required",
        "F. Coordinating RCC",
        "G. Description",
        "H. Weather on scene",
        "J. Initial actions taken",
        "K. Search area",
        "L. Coordinating instructions",
        "M. Future plans",
        "N. Additional information",
    ] {
        assert!(text.contains(field), "{field} missing from\n{text}");
    }
    assert!(text.contains("B. Position: 33°12.000'N 012°00.000'E"), "{text}");
    assert!(text.contains("distress phase (DETRESFA); distress factors: request for help, persons on board exceed capacity"), "{text}");
    assert!(
        text.contains("D. Persons at risk: on board 74, rescued 12, missing 2, dead 1"),
        "{text}"
    );
    assert!(text.contains("F. Coordinating RCC: JRCC Tripoli"));
    assert!(text.contains("L. Coordinating instructions: not known"));
    assert!(!text.contains("I. "), "IAMSAR has no field I");
}

#[test]
fn arabic_sitrep_has_every_field() {
    let (log, id) = case();
    let text = sitrep(log.state.get(&id).unwrap(), Lang::Ar, at(90)).unwrap();
    assert!(text.starts_with("تقرير الموقف SAR-i0"), "{text}");
    for field in [
        "A. الهوية",
        "B. الموقع",
        "C. الوضع",
        "D. الأشخاص المعرضون للخطر",
        "E. المساعدة المطلوبة",
        "F. مركز تنسيق الإنقاذ المنسق",
        "G. الوصف",
        "H. الأحوال الجوية في الموقع",
        "J. الإجراءات الأولية المتخذة",
        "K. منطقة البحث",
        "L. تعليمات التنسيق",
        "M. الخطط المستقبلية",
        "N. معلومات إضافية",
    ] {
        assert!(text.contains(field), "{field} missing from\n{text}");
    }
    assert!(
        text.contains(
            "مرحلة الاستغاثة (DETRESFA)؛ عوامل الخطر: طلب المساعدة، عدد الأشخاص يفوق سعة القارب"
        ),
        "{text}"
    );
    assert!(text.contains("على متن القارب 74"), "{text}");
    assert!(text.contains("L. تعليمات التنسيق: غير معروف"), "{text}");
    assert_eq!(Lang::parse("ar"), Some(Lang::Ar));
    assert_eq!(Lang::parse("fr"), None);
}

#[test]
fn phases_and_sitreps_only_for_sar_cases() {
    let mut log = Log::default();
    let id = log.open("smuggling.fuel", at(0), &cgw());
    let err = decide_sar_phase(&log.state, &id, SarPhase::Alert, Default::default(), &cgw(), "")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("incident `{id}` is `smuggling.fuel`, not a search-and-rescue case")
    );
    assert!(matches!(
        sitrep(log.state.get(&id).unwrap(), Lang::En, at(1)),
        Err(IncidentError::NotSar { .. })
    ));
    let (log, id) = case();
    assert_eq!(log.state.get(&id).unwrap().sar.as_ref().unwrap().phase, SarPhase::Distress);
}
