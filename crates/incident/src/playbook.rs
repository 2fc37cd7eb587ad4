//! SOP playbooks as data: per category, the steps with their responsible role and target time.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use model::Role;
use model::incident::{Actor, IncidentEvent};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::lifecycle::open_incident;
use crate::{IncidentError, Incidents, Taxonomy};

/// The playbook used for a category that has none of its own.
pub const DEFAULT_PLAYBOOK: &str = "default";

/// One step of a playbook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub role: Role,
    /// Minutes from the opening of the incident.
    pub target_min: u32,
    pub mandatory: bool,
    pub en: String,
    pub ar: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub category: String,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

impl Playbook {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// A playbook file that could not be used; each names the playbook and step at fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PlaybookError {
    #[error("playbooks are not valid: {0}")]
    Toml(String),
    #[error("playbook for unknown category `{0}`")]
    UnknownCategory(String),
    #[error("two playbooks for category `{0}`")]
    DuplicatePlaybook(String),
    #[error("playbook `{category}` has no steps")]
    NoSteps { category: String },
    #[error("playbook `{category}` lists step `{step}` twice")]
    DuplicateStep { category: String, step: String },
    #[error("step `{step}` of playbook `{category}` has a target of 0 minutes")]
    ZeroTarget { category: String, step: String },
    #[error("step `{step}` of playbook `{category}` lacks its english or arabic text")]
    MissingText { category: String, step: String },
    #[error("no `default` playbook")]
    NoDefault,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookFile {
    playbook: Vec<Playbook>,
}

/// Every playbook by category code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playbooks {
    playbooks: BTreeMap<String, Playbook>,
}

static BUILTIN: LazyLock<Result<Playbooks, PlaybookError>> =
    LazyLock::new(|| Playbooks::parse(include_str!("../data/playbooks.toml"), Taxonomy::builtin()));

fn check(p: &Playbook) -> Result<(), PlaybookError> {
    let category = || p.category.clone();
    if p.steps.is_empty() {
        return Err(PlaybookError::NoSteps { category: category() });
    }
    let mut seen = BTreeSet::new();
    for s in &p.steps {
        let step = || s.id.clone();
        if !seen.insert(s.id.as_str()) {
            return Err(PlaybookError::DuplicateStep { category: category(), step: step() });
        }
        if s.target_min == 0 {
            return Err(PlaybookError::ZeroTarget { category: category(), step: step() });
        }
        if s.en.trim().is_empty() || s.ar.trim().is_empty() {
            return Err(PlaybookError::MissingText { category: category(), step: step() });
        }
    }
    Ok(())
}

impl Playbooks {
    /// Parses and checks a playbook file: categories from `taxonomy` (or `default`, which must
    /// be present), unique step ids, non-zero targets, both languages.
    pub fn parse(text: &str, taxonomy: &Taxonomy) -> Result<Playbooks, PlaybookError> {
        let file: PlaybookFile =
            toml::from_str(text).map_err(|e| PlaybookError::Toml(e.to_string()))?;
        let mut playbooks = BTreeMap::new();
        for p in file.playbook {
            if p.category != DEFAULT_PLAYBOOK && taxonomy.get(&p.category).is_err() {
                return Err(PlaybookError::UnknownCategory(p.category));
            }
            check(&p)?;
            if playbooks.contains_key(&p.category) {
                return Err(PlaybookError::DuplicatePlaybook(p.category));
            }
            playbooks.insert(p.category.clone(), p);
        }
        if !playbooks.contains_key(DEFAULT_PLAYBOOK) {
            return Err(PlaybookError::NoDefault);
        }
        Ok(Playbooks { playbooks })
    }

    /// The shipped playbooks (`data/playbooks.toml`), parsed once. A test proves they parse;
    /// were they ever broken, there would be no steps rather than a panic.
    pub fn builtin() -> &'static Playbooks {
        static EMPTY: Playbooks = Playbooks { playbooks: BTreeMap::new() };
        BUILTIN.as_ref().unwrap_or(&EMPTY)
    }

    /// The category's playbook, else the default one.
    pub fn for_category(&self, category: &str) -> Option<&Playbook> {
        self.playbooks.get(category).or_else(|| self.playbooks.get(DEFAULT_PLAYBOOK))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Playbook> {
        self.playbooks.values()
    }
}

/// Marks an SOP step of the incident's playbook done.
pub fn decide_step(
    state: &Incidents,
    playbooks: &Playbooks,
    id: &str,
    step: &str,
    actor: &Actor,
    note: &str,
) -> Result<Vec<IncidentEvent>, IncidentError> {
    let record = open_incident(state, id)?;
    let known = playbooks.for_category(&record.category).and_then(|p| p.step(step)).is_some();
    if !known {
        return Err(IncidentError::UnknownStep { id: id.to_owned(), step: step.to_owned() });
    }
    if record.steps.contains_key(step) {
        return Err(IncidentError::StepAlreadyCompleted {
            id: id.to_owned(),
            step: step.to_owned(),
        });
    }
    Ok(vec![IncidentEvent::StepCompleted {
        id: id.to_owned(),
        step: step.to_owned(),
        actor: actor.clone(),
        note: note.to_owned(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_playbooks_parse_and_cover_the_brief() {
        assert!(BUILTIN.is_ok(), "{:?}", BUILTIN.as_ref().err());
        let p = Playbooks::builtin();
        for category in
            ["sar.distress", "migration.departure", "smuggling.fuel", "crossing.outside_bcp"]
        {
            assert_eq!(p.for_category(category).unwrap().category, category);
        }
        assert_eq!(p.for_category("fishing.illegal").unwrap().category, DEFAULT_PLAYBOOK);
    }

    fn parse(text: &str) -> PlaybookError {
        Playbooks::parse(text, Taxonomy::builtin()).unwrap_err()
    }

    const STEP: &str = "[[playbook.step]]\nid = \"a\"\nrole = \"watch_officer\"\ntarget_min = 5\nmandatory = true\nen = \"x\"\nar = \"س\"\n";

    #[test]
    fn malformed_playbooks_name_the_problem() {
        let err = parse(
            "[[playbook]]\ncategory = \"default\"\n[[playbook.step]]\nid = \"a\"\nrole = \"cook\"\n",
        );
        assert!(err.to_string().contains("cook"), "{err}");
        let err = parse(&format!("[[playbook]]\ncategory = \"default\"\n{STEP}colour = \"red\"\n"));
        assert!(err.to_string().contains("colour"), "{err}");
        let err = parse(&format!("[[playbook]]\ncategory = \"smuggling.unicorns\"\n{STEP}"));
        assert_eq!(err, PlaybookError::UnknownCategory("smuggling.unicorns".into()));
        let err = parse(&format!("[[playbook]]\ncategory = \"default\"\n{STEP}{STEP}"));
        assert_eq!(err.to_string(), "playbook `default` lists step `a` twice");
        let err = parse(&format!("[[playbook]]\ncategory = \"other\"\n{STEP}"));
        assert_eq!(err, PlaybookError::NoDefault);
        let zero = STEP.replace("target_min = 5", "target_min = 0");
        let err = parse(&format!("[[playbook]]\ncategory = \"default\"\n{zero}"));
        assert!(err.to_string().contains("target of 0"), "{err}");
        assert!(matches!(parse("not toml at all ["), PlaybookError::Toml(_)));
    }
}
