//! The rule catalogue: stable ids, English and Arabic titles and default severities.

use model::Severity;
use serde::{Deserialize, Serialize};

/// One detection rule. The serialized names are the stable ids: never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    #[serde(rename = "sar.beacon")]
    SarBeacon,
    #[serde(rename = "mmsi.invalid")]
    MmsiInvalid,
    #[serde(rename = "identity.conflict")]
    IdentityConflict,
    #[serde(rename = "zone.entry")]
    ZoneEntry,
    #[serde(rename = "zone.exit")]
    ZoneExit,
    #[serde(rename = "zone.dwell")]
    ZoneDwell,
    #[serde(rename = "crossing.pre_alert")]
    CrossingPreAlert,
    #[serde(rename = "crossing.border")]
    CrossingBorder,
    #[serde(rename = "crossing.outside_bcp")]
    CrossingOutsideBcp,
    #[serde(rename = "coast.unidentified_departure")]
    UnidentifiedDeparture,
    #[serde(rename = "ais.gap")]
    AisGap,
    #[serde(rename = "encounter")]
    Encounter,
    #[serde(rename = "position.jump")]
    PositionJump,
    #[serde(rename = "convoy")]
    Convoy,
    #[serde(rename = "rendezvous")]
    Rendezvous,
    #[serde(rename = "loitering")]
    Loitering,
    #[serde(rename = "port.visit")]
    PortVisit,
    #[serde(rename = "ais.disabling")]
    AisDisabling,
    #[serde(rename = "speed.range")]
    SpeedRange,
    #[serde(rename = "ais.gap_in_coverage")]
    AisGapInCoverage,
}

/// What the catalogue says about a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub rule: Rule,
    pub id: &'static str,
    pub title: &'static str,
    pub title_ar: &'static str,
    pub severity: Severity,
}

const fn info(
    rule: Rule,
    id: &'static str,
    title: &'static str,
    title_ar: &'static str,
    severity: Severity,
) -> RuleInfo {
    RuleInfo { rule, id, title, title_ar, severity }
}

const CATALOGUE: [RuleInfo; 20] = [
    info(
        Rule::SarBeacon,
        "sar.beacon",
        "SAR beacon (AIS-SART, MOB, EPIRB)",
        "إشارة استغاثة (بحث وإنقاذ)",
        Severity::Critical,
    ),
    info(
        Rule::MmsiInvalid,
        "mmsi.invalid",
        "invalid MMSI",
        "رقم تعريف بحري غير صالح",
        Severity::Low,
    ),
    info(
        Rule::IdentityConflict,
        "identity.conflict",
        "identity conflict (default MMSI)",
        "تعارض في الهوية",
        Severity::Medium,
    ),
    info(Rule::ZoneEntry, "zone.entry", "zone entry", "دخول منطقة", Severity::Medium),
    info(Rule::ZoneExit, "zone.exit", "zone exit", "خروج من منطقة", Severity::Low),
    info(Rule::ZoneDwell, "zone.dwell", "dwelling in a zone", "مكوث في منطقة", Severity::Medium),
    info(
        Rule::CrossingPreAlert,
        "crossing.pre_alert",
        "approaching the border line",
        "اقتراب من خط الحدود",
        Severity::Medium,
    ),
    info(
        Rule::CrossingBorder,
        "crossing.border",
        "land border crossing at a crossing point",
        "عبور الحدود البرية عبر منفذ",
        Severity::Low,
    ),
    info(
        Rule::CrossingOutsideBcp,
        "crossing.outside_bcp",
        "crossing outside an official crossing point",
        "عبور خارج المنافذ الرسمية",
        Severity::High,
    ),
    info(
        Rule::UnidentifiedDeparture,
        "coast.unidentified_departure",
        "unidentified contact leaving the coast",
        "هدف مجهول يغادر الساحل",
        Severity::High,
    ),
    info(
        Rule::AisGap,
        "ais.gap",
        "AIS gap (vessel gone dark)",
        "انقطاع إشارة التعريف الآلي",
        Severity::Medium,
    ),
    info(
        Rule::Encounter,
        "encounter",
        "encounter at sea (ship-to-ship)",
        "التقاء سفينتين في البحر",
        Severity::High,
    ),
    info(
        Rule::PositionJump,
        "position.jump",
        "position jump (suspected spoofing)",
        "قفزة في الموقع (اشتباه تزوير)",
        Severity::Medium,
    ),
    info(Rule::Convoy, "convoy", "convoy on land", "قافلة برية", Severity::High),
    info(
        Rule::Rendezvous,
        "rendezvous",
        "short rendezvous at sea",
        "لقاء قصير في البحر",
        Severity::Medium,
    ),
    info(Rule::Loitering, "loitering", "loitering offshore", "تسكع في عرض البحر", Severity::Low),
    info(Rule::PortVisit, "port.visit", "port visit", "زيارة ميناء", Severity::Info),
    info(
        Rule::AisDisabling,
        "ais.disabling",
        "suspected AIS disabling",
        "اشتباه في إيقاف نظام التعريف الآلي",
        Severity::High,
    ),
    info(
        Rule::SpeedRange,
        "speed.range",
        "speed outside the zone's range",
        "سرعة خارج النطاق المسموح في المنطقة",
        Severity::Medium,
    ),
    info(
        Rule::AisGapInCoverage,
        "ais.gap_in_coverage",
        "AIS gap inside coastal coverage",
        "انقطاع إشارة التعريف الآلي داخل نطاق التغطية الساحلية",
        Severity::Low,
    ),
];

/// Every rule the engine runs.
pub fn rules() -> &'static [RuleInfo] {
    &CATALOGUE
}

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        // The catalogue lists the variants in declaration order (a test checks it).
        &CATALOGUE[self as usize]
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The table under `[engine.rules]` that tunes the rule and turns it off.
    pub fn config_key(self) -> &'static str {
        match self {
            Rule::SarBeacon => "sar_beacon",
            Rule::MmsiInvalid => "mmsi_invalid",
            Rule::IdentityConflict => "identity_conflict",
            Rule::ZoneEntry | Rule::ZoneExit | Rule::ZoneDwell => "zone",
            Rule::CrossingPreAlert | Rule::CrossingBorder | Rule::CrossingOutsideBcp => "crossing",
            Rule::UnidentifiedDeparture => "departure",
            Rule::AisGap | Rule::AisGapInCoverage => "ais_gap",
            Rule::Encounter => "encounter",
            Rule::PositionJump => "position_jump",
            Rule::Convoy => "convoy",
            Rule::Rendezvous => "rendezvous",
            Rule::Loitering => "loitering",
            Rule::PortVisit => "port_visit",
            Rule::AisDisabling => "ais_disabling",
            Rule::SpeedRange => "speed_range",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_in_order_and_ids_match_serde_names() {
        for (i, info) in rules().iter().enumerate() {
            assert_eq!(info.rule as usize, i);
            let name = serde_json::to_value(info.rule).unwrap();
            assert_eq!(name, serde_json::json!(info.id));
            // Arabic script, not an English title copied over.
            let arabic = info.title_ar.chars().filter(|c| ('\u{0600}'..='\u{06FF}').contains(c));
            assert!(arabic.count() >= 3, "{}: {:?}", info.id, info.title_ar);
            assert!(!info.title.is_empty() && info.title.is_ascii(), "{}", info.id);
        }
    }
}
