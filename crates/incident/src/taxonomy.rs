//! The shared incident taxonomy, as data: codes with English and Arabic titles and defaults.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use model::incident::ImpactLevel;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::IncidentError;

/// Where the units for a category must be able to go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Sea,
    Land,
    #[default]
    Any,
}

/// One category of the taxonomy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub en: String,
    pub ar: String,
    /// Default impact level of a new incident of this category.
    pub impact: ImpactLevel,
    #[serde(default)]
    pub domain: Domain,
    /// Runs under IAMSAR and owes a SAR closure report.
    #[serde(default)]
    pub sar: bool,
}

/// A taxonomy file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TaxonomyError {
    #[error("taxonomy is not valid toml: {0}")]
    Toml(String),
    #[error("taxonomy lists category `{0}` twice")]
    Duplicate(String),
    #[error("taxonomy category `{0}` has an empty title")]
    EmptyTitle(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    category: Vec<Category>,
}

/// The categories by code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    categories: BTreeMap<String, Category>,
}

static BUILTIN: LazyLock<Result<Taxonomy, TaxonomyError>> =
    LazyLock::new(|| Taxonomy::parse(include_str!("../data/taxonomy.toml")));

impl Taxonomy {
    pub fn parse(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let file: TaxonomyFile =
            toml::from_str(text).map_err(|e| TaxonomyError::Toml(e.message().to_owned()))?;
        let mut categories = BTreeMap::new();
        for category in file.category {
            if category.en.trim().is_empty() || category.ar.trim().is_empty() {
                return Err(TaxonomyError::EmptyTitle(category.code));
            }
            if categories.contains_key(&category.code) {
                return Err(TaxonomyError::Duplicate(category.code));
            }
            categories.insert(category.code.clone(), category);
        }
        Ok(Taxonomy { categories })
    }

    /// docs/domain.md's taxonomy, shipped in `data/taxonomy.toml` and parsed once. A test proves it
    /// parses; were it ever broken, the empty taxonomy refuses every category instead of panicking.
    pub fn builtin() -> &'static Taxonomy {
        static EMPTY: Taxonomy = Taxonomy { categories: BTreeMap::new() };
        BUILTIN.as_ref().unwrap_or(&EMPTY)
    }

    pub fn get(&self, code: &str) -> Result<&Category, IncidentError> {
        self.categories
            .get(code)
            .ok_or_else(|| IncidentError::UnknownCategory { code: code.to_owned() })
    }

    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.values()
    }

    pub fn len(&self) -> usize {
        self.categories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_every_domain_code_with_both_titles() {
        assert!(BUILTIN.is_ok(), "{:?}", BUILTIN.as_ref().err());
        let taxonomy = Taxonomy::builtin();
        assert_eq!(taxonomy.len(), 14);
        let sar = taxonomy.get("sar.distress").unwrap();
        assert_eq!(sar.ar, "أشخاص في خطر في البحر (بحث وإنقاذ)");
        assert_eq!(sar.impact, ImpactLevel::VeryHigh);
        assert!(sar.sar);
        assert_eq!(taxonomy.get("crossing.outside_bcp").unwrap().domain, Domain::Land);
    }

    #[test]
    fn unknown_category_is_named() {
        let err = Taxonomy::builtin().get("smuggling.unicorns").unwrap_err();
        assert_eq!(err.to_string(), "unknown incident category `smuggling.unicorns`");
    }

    #[test]
    fn bad_files_are_refused_by_name() {
        let err = Taxonomy::parse(
            "[[category]]\ncode = \"x\"\nen = \"x\"\nar = \"س\"\nimpact = \"huge\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("huge"), "{err}");
        let twice = "[[category]]\ncode = \"x\"\nen = \"x\"\nar = \"س\"\nimpact = \"low\"\n";
        let err = Taxonomy::parse(&format!("{twice}{twice}")).unwrap_err();
        assert_eq!(err, TaxonomyError::Duplicate("x".into()));
    }
}
