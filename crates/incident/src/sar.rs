//! Search and rescue: the IAMSAR phase, distress factors, EUROSUR reports and the SITREP.

use std::collections::BTreeSet;
use std::fmt::Write;

use model::incident::{
    Actor, DistressFactor, IncidentEvent, IncidentLocation, ReportKind, SarDetails, SarPhase,
};
use model::{IncidentState, Time};
use serde::{Deserialize, Serialize};

use crate::lifecycle::{open_incident, state_name};
use crate::{IncidentError, IncidentRecord, Incidents, Target};

/// The language a person reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Ar,
}

impl Lang {
    /// `en` or `ar`, as the `lang=` query parameter spells it.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ar" => Some(Lang::Ar),
            _ => None,
        }
    }
}

fn sar_record<'a>(state: &'a Incidents, id: &str) -> Result<&'a IncidentRecord, IncidentError> {
    let record = open_incident(state, id)?;
    if record.sar.is_none() {
        return Err(IncidentError::NotSar { id: id.to_owned(), category: record.category.clone() });
    }
    Ok(record)
}

pub fn decide_sar_phase(
    state: &Incidents,
    id: &str,
    phase: SarPhase,
    factors: BTreeSet<DistressFactor>,
    actor: &Actor,
    reason: &str,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    sar_record(state, id)?;
    Ok(vec![IncidentEvent::SarPhaseSet {
        id: id.to_owned(),
        phase,
        factors,
        actor: actor.clone(),
        reason: reason.to_owned(),
    }])
}

pub fn decide_sar_details(
    state: &Incidents,
    id: &str,
    details: SarDetails,
    actor: &Actor,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    sar_record(state, id)?;
    Ok(vec![IncidentEvent::SarDetailsSet { id: id.to_owned(), details, actor: actor.clone() }])
}

/// Records that a EUROSUR report was filed. Allowed on closed incidents (the SAR closure
/// report follows the end of the operation); the SAR closure report only for SAR cases, once
/// the operation has ended (resolved).
pub fn decide_report(
    state: &Incidents,
    id: &str,
    report: ReportKind,
    actor: &Actor,
    reference: &str,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record =
        state.get(id).ok_or_else(|| IncidentError::UnknownIncident { id: id.to_owned() })?;
    let name = match report {
        ReportKind::First => "first",
        ReportKind::SarClosure => "sar closure",
    };
    if record.reports.contains_key(&report) {
        return Err(IncidentError::ReportAlreadyFiled { id: id.to_owned(), report: name });
    }
    if report == ReportKind::SarClosure {
        if record.sar.is_none() {
            return Err(IncidentError::NotSar {
                id: id.to_owned(),
                category: record.category.clone(),
            });
        }
        if record.timeline.resolved.is_none() {
            return Err(IncidentError::InvalidValue {
                field: "report",
                problem: format!(
                    "the sar operation of incident `{id}` has not ended (not resolved)"
                ),
            });
        }
    }
    Ok(vec![IncidentEvent::ReportFiled {
        id: id.to_owned(),
        report,
        actor: actor.clone(),
        reference: reference.to_owned(),
    }])
}

pub fn phase_name(phase: SarPhase, lang: Lang) -> &'static str {
    match (phase, lang) {
        (SarPhase::Uncertainty, Lang::En) => "uncertainty phase (INCERFA)",
        (SarPhase::Alert, Lang::En) => "alert phase (ALERFA)",
        (SarPhase::Distress, Lang::En) => "distress phase (DETRESFA)",
        (SarPhase::Uncertainty, Lang::Ar) => "مرحلة الشك (INCERFA)",
        (SarPhase::Alert, Lang::Ar) => "مرحلة الإنذار (ALERFA)",
        (SarPhase::Distress, Lang::Ar) => "مرحلة الاستغاثة (DETRESFA)",
    }
}

pub fn factor_name(factor: DistressFactor, lang: Lang) -> &'static str {
    use DistressFactor as F;
    let (en, ar) = match factor {
        F::RequestForHelp => ("request for help", "طلب المساعدة"),
        F::Unseaworthy => ("not seaworthy", "غير صالح للإبحار"),
        F::Overloaded => ("persons on board exceed capacity", "عدد الأشخاص يفوق سعة القارب"),
        F::LackOfSupplies => ("lack of fuel, water or food", "نقص الوقود أو الماء أو الطعام"),
        F::NoQualifiedCrew => ("no qualified crew", "عدم وجود طاقم مؤهل"),
        F::NoSafetyEquipment => ("no safety equipment", "عدم وجود معدات السلامة"),
        F::NoCommunication => ("no means of communication", "عدم وجود وسائل اتصال"),
        F::MedicalCases => {
            ("persons needing urgent medical care", "أشخاص بحاجة إلى رعاية طبية عاجلة")
        }
        F::Deceased => ("deceased persons on board", "وجود متوفين على متن القارب"),
        F::PregnantWomenOrChildren => ("pregnant women or children", "نساء حوامل أو أطفال"),
        F::AdverseWeather => ("adverse weather and sea state", "أحوال جوية وبحرية سيئة"),
    };
    if lang == Lang::En { en } else { ar }
}

/// Degrees and decimal minutes, `33°05.123'N 012°30.000'E`.
fn dm(value: f64, pos: char, neg: char, width: usize) -> String {
    let hemi = if value < 0.0 { neg } else { pos };
    let abs = value.abs();
    let deg = abs.trunc();
    let min = (abs - deg) * 60.0;
    format!("{deg:0width$.0}°{min:06.3}'{hemi}")
}

/// The SITREP labels, A–N (IAMSAR has no field I).
const LABELS: [(char, &str, &str); 13] = [
    ('A', "Identity", "الهوية"),
    ('B', "Position", "الموقع"),
    ('C', "Situation", "الوضع"),
    ('D', "Persons at risk", "الأشخاص المعرضون للخطر"),
    ('E', "Assistance required", "المساعدة المطلوبة"),
    ('F', "Coordinating RCC", "مركز تنسيق الإنقاذ المنسق"),
    ('G', "Description", "الوصف"),
    ('H', "Weather on scene", "الأحوال الجوية في الموقع"),
    ('J', "Initial actions taken", "الإجراءات الأولية المتخذة"),
    ('K', "Search area", "منطقة البحث"),
    ('L', "Coordinating instructions", "تعليمات التنسيق"),
    ('M', "Future plans", "الخطط المستقبلية"),
    ('N', "Additional information", "معلومات إضافية"),
];

/// The SITREP of a SAR incident at `now`, as plain text in `lang`. Fields nobody has filled
/// say so ("not known"), so the form is always complete.
pub fn sitrep(record: &IncidentRecord, lang: Lang, now: Time) -> Result<String, IncidentError> {
    let sar = record.sar.as_ref().ok_or_else(|| IncidentError::NotSar {
        id: record.id.clone(),
        category: record.category.clone(),
    })?;
    let en = lang == Lang::En;
    let unknown = if en { "not known" } else { "غير معروف" };
    let text = |v: &Option<String>| {
        v.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| unknown.to_owned())
    };
    let position = record
        .location
        .as_ref()
        .and_then(Target::from_location)
        .map(|t| {
            let area = matches!(record.location, Some(IncidentLocation::Area { .. }));
            let p =
                format!("{} {}", dm(t.position.lat, 'N', 'S', 2), dm(t.position.lon, 'E', 'W', 3));
            match (area, en) {
                (false, _) => p,
                (true, true) => format!("centre of area {p}"),
                (true, false) => format!("مركز المنطقة {p}"),
            }
        })
        .unwrap_or_else(|| unknown.to_owned());
    let factors: Vec<&str> = sar.factors.iter().map(|f| factor_name(*f, lang)).collect();
    let situation = match (factors.is_empty(), en) {
        (true, _) => phase_name(sar.phase, lang).to_owned(),
        (false, true) => {
            format!("{}; distress factors: {}", phase_name(sar.phase, lang), factors.join(", "))
        }
        (false, false) => {
            format!("{}؛ عوامل الخطر: {}", phase_name(sar.phase, lang), factors.join("، "))
        }
    };
    let p = &record.persons;
    let on_board = p.on_board.map_or_else(|| unknown.to_owned(), |n| n.to_string());
    let persons = if en {
        format!(
            "on board {on_board}, rescued {}, missing {}, dead {}",
            p.rescued, p.missing, p.dead
        )
    } else {
        format!(
            "على متن القارب {on_board}، تم إنقاذ {}، مفقودون {}، متوفون {}",
            p.rescued, p.missing, p.dead
        )
    };
    let d = &sar.details;
    let units: Vec<&str> = record.units.keys().map(String::as_str).collect();
    let initial = d.initial_actions.clone().filter(|s| !s.trim().is_empty()).or_else(|| {
        (!units.is_empty()).then(|| {
            if en {
                format!("units tasked: {}", units.join(", "))
            } else {
                format!("الوحدات المكلفة: {}", units.join("، "))
            }
        })
    });
    let description = d.description.clone().or_else(|| Some(record.description.clone()));
    let mut additional = text(&d.additional_information);
    if record.exercise {
        additional = format!("{} — {additional}", if en { "EXERCISE" } else { "تمرين" });
    }
    let values = [
        format!("{} — {}", sar.case_number, record.title),
        position,
        situation,
        persons,
        text(&d.assistance_required),
        d.coordinating_rcc
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| record.owner.to_string()),
        text(&description),
        text(&d.weather),
        text(&initial),
        text(&d.search_area),
        text(&d.coordinating_instructions),
        text(&d.future_plans),
        additional,
    ];
    let mut out = String::new();
    let exercise = match (record.exercise, en) {
        (false, _) => "",
        (true, true) => "EXERCISE EXERCISE EXERCISE\n",
        (true, false) => "تمرين تمرين تمرين\n",
    };
    out.push_str(exercise);
    let _ = if en {
        writeln!(
            out,
            "SITREP {} — {} — {}",
            sar.case_number,
            now.utc_minute(),
            state_name(record.state)
        )
    } else {
        writeln!(
            out,
            "تقرير الموقف {} — {} — {}",
            sar.case_number,
            now.utc_minute(),
            state_name(record.state)
        )
    };
    for ((letter, en_label, ar_label), value) in LABELS.iter().zip(values) {
        let label = if en { en_label } else { ar_label };
        let _ = writeln!(out, "{letter}. {label}: {value}");
    }
    if record.state == IncidentState::Closed {
        out.push_str(if en {
            "FINAL SITREP\n"
        } else {
            "تقرير الموقف النهائي\n"
        });
    }
    Ok(out)
}
