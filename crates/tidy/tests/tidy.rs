//! The repository's own rules, checked on every run of the suite (see `src/lib.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository")
}

/// The files git tracks, and the new ones it does not ignore, relative to the root.
fn files() -> Vec<PathBuf> {
    let out = Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard", "-z"])
        .current_dir(root())
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git ls-files: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .filter(|p| root().join(p).is_file())
        .collect()
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(root().join(path)).ok()
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// Our own text: code, scripts, configuration and documents, but not third-party data
/// (the AIS corpora keep their upstream text) nor lock files.
fn own_text(path: &Path) -> bool {
    let s = path.to_string_lossy();
    let third_party = s.starts_with("data/ais/") && !s.ends_with("README.md");
    let text = matches!(
        extension(path),
        "rs" | "md" | "toml" | "ts" | "mjs" | "js" | "sh" | "py" | "html" | "css" | "json" | ""
    );
    text && !third_party && !s.ends_with(".lock") && !s.ends_with("package-lock.json")
}

/// Lines of a Rust source file before its unit tests (`#[cfg(test)]`).
fn code_lines(text: &str) -> usize {
    text.lines().take_while(|l| !l.starts_with("#[cfg(test)]")).count()
}

const MAX_LINES: usize = 500;

/// Files over the limit today, with their size when the limit came in. None may grow, and a
/// file that drops under the limit must leave the list: the list only shrinks.
const OVERSIZED: &[(&str, usize)] = &[];

#[test]
fn every_rust_file_opens_with_a_doc_line_saying_what_it_is_for() {
    let offenders: Vec<String> = files()
        .into_iter()
        .filter(|p| extension(p) == "rs")
        .filter(|p| !read(p).unwrap_or_default().trim_start().starts_with("//!"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "files without a leading `//!` line: {offenders:#?}");
}

#[test]
fn source_files_stay_within_500_lines_of_code() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for path in files() {
        let s = path.to_string_lossy().into_owned();
        if extension(&path) != "rs" || s.contains("/tests/") {
            continue;
        }
        let Some(text) = read(&path) else { continue };
        let n = code_lines(&text);
        match OVERSIZED.iter().find(|(p, _)| *p == s) {
            Some((_, was)) => {
                seen.insert(s.clone());
                if n > *was {
                    problems.push(format!("{s}: {n} lines, more than the {was} it had"));
                } else if n <= MAX_LINES {
                    problems.push(format!("{s}: {n} lines now; take it off OVERSIZED"));
                }
            }
            None if n > MAX_LINES => {
                problems.push(format!("{s}: {n} lines of code, over {MAX_LINES}: split it"))
            }
            None => {}
        }
    }
    for (path, _) in OVERSIZED {
        if !seen.contains(*path) {
            problems.push(format!("{path} is gone; take it off OVERSIZED"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn code_lines_stop_at_the_unit_tests() {
    assert_eq!(code_lines("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
    assert_eq!(code_lines("a\n    #[cfg(test)]\nb\n"), 3, "only a module-level test block");
}

/// Names of documents that live outside the repository, and ways of pointing at them.
fn outside_reference(line: &str) -> Option<&'static str> {
    const NAMES: &[&str] = &[
        "../shared",
        "shared/design",
        "shared/data",
        "DOMAIN.md",
        "CONTRACTS.md",
        "BRIEF.md",
        "STYLE.md",
        "DEVELOPERS.md",
        "/work/",
    ];
    if let Some(name) = NAMES.iter().find(|n| line.contains(**n)) {
        return Some(name);
    }
    // "issue 7", "issue #7", "issues 3 and 4": the tracker is not part of the repository.
    let lower = line.to_ascii_lowercase();
    for (i, _) in lower.match_indices("issue") {
        let word_start = !lower[..i].ends_with(|c: char| c.is_ascii_alphanumeric());
        let after = lower[i + 5..].trim_start_matches('s').trim_start();
        let after = after.strip_prefix('#').unwrap_or(after);
        if word_start && after.starts_with(|c: char| c.is_ascii_digit()) {
            return Some("issue N");
        }
    }
    None
}

#[test]
fn outside_references_are_recognised() {
    assert_eq!(outside_reference("see DOMAIN.md"), Some("DOMAIN.md"));
    assert_eq!(outside_reference("as issue 7 asks"), Some("issue N"));
    assert_eq!(outside_reference("Issue #12's note"), Some("issue N"));
    assert_eq!(outside_reference("copied from ../shared/data/ais"), Some("../shared"));
    assert_eq!(outside_reference("see docs/domain.md"), None);
    assert_eq!(outside_reference("an issue the operator raises"), None);
    assert_eq!(outside_reference("tissue 5"), None);
    assert_eq!(outside_reference("issues 3 and 4"), Some("issue N"));
}

#[test]
fn nothing_points_outside_the_repository() {
    let mut found = Vec::new();
    for path in files().into_iter().filter(|p| own_text(p)) {
        if path.starts_with("crates/tidy") {
            continue; // The patterns themselves.
        }
        let Some(text) = read(&path) else { continue };
        for (i, line) in text.lines().enumerate() {
            if let Some(what) = outside_reference(line) {
                found.push(format!("{}:{}: {what}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "references that leave the repository:\n{}", found.join("\n"));
}

/// Relative links of a Markdown text: `[text](target)`, without `#fragment`.
fn markdown_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split('#').next().unwrap_or("").trim();
        let external = target.contains("://") || target.starts_with("mailto:");
        if !target.is_empty() && !external && !target.contains(' ') {
            links.push(target.to_string());
        }
        rest = &after[end..];
    }
    links
}

#[test]
fn markdown_links_resolve_inside_the_repository() {
    let root = root();
    let mut broken = Vec::new();
    for path in files().into_iter().filter(|p| extension(p) == "md" && own_text(p)) {
        let Some(text) = read(&path) else { continue };
        let dir = root.join(&path).parent().map(Path::to_path_buf).unwrap_or_default();
        for link in markdown_links(&text) {
            let target = dir.join(&link);
            let inside = target.canonicalize().is_ok_and(|t| t.starts_with(&root));
            if !inside {
                broken.push(format!("{}: ({link})", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links that leave the repository or lead nowhere: {broken:#?}");
}

/// Whether `line` holds a TODO or FIXME marker (not a word about them in prose), and if so
/// whether it says what is to be done: `TODO(three words or more)`.
fn todo_marker(line: &str) -> Option<bool> {
    let markers = [concat!("TO", "DO"), concat!("FIX", "ME")];
    for marker in markers {
        for (at, _) in line.match_indices(marker) {
            let after = &line[at + marker.len()..];
            let before = line[..at].trim_end();
            let comment_start = ["//", "//!", "///", "#", "/*", "*", "<!--", "--"]
                .iter()
                .any(|c| before.ends_with(c));
            let marked = after.starts_with([':', '(']) || comment_start;
            if !marked {
                continue;
            }
            let said = after
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .is_some_and(|(what, _)| what.split_whitespace().count() >= 3);
            return Some(said);
        }
    }
    None
}

#[test]
fn todo_markers_are_told_from_prose() {
    assert_eq!(todo_marker(concat!("// TO", "DO: later")), Some(false));
    assert_eq!(todo_marker(concat!("    // TO", "DO make it faster")), Some(false));
    assert_eq!(todo_marker(concat!("x; // FIX", "ME(the log rotates here): …")), Some(true));
    assert_eq!(todo_marker(concat!("# TO", "DO(two words)")), Some(false));
    assert_eq!(todo_marker(concat!("every TO", "DO says what")), None);
    assert_eq!(todo_marker(concat!("no bare `TO", "DO`s")), None);
}

#[test]
fn every_todo_says_what_is_to_be_done() {
    // A bare marker names nothing anyone can act on.
    let mut bare = Vec::new();
    for path in files().into_iter().filter(|p| own_text(p)) {
        let Some(text) = read(&path) else { continue };
        for (i, line) in text.lines().enumerate() {
            if todo_marker(line) == Some(false) {
                bare.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(bare.is_empty(), "say what is to be done, in three words or more: {bare:#?}");
}

/// Crates that must stay pure: no async runtime, no HTTP, no database.
const PURE: &[&str] =
    &["model", "engine", "access", "geo", "incident", "ais", "cot", "edge", "sim"];
const FORBIDDEN: &[&str] = &["tokio", "axum", "hyper", "redb", "mio", "tower"];

#[test]
fn the_pure_crates_depend_on_no_runtime_server_or_database() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    // Normal and build dependencies of every package (dev-dependencies do not ship).
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().into_iter().flatten() {
        let Some(id) = node["id"].as_str() else { continue };
        let shipped = node["deps"].as_array().into_iter().flatten().filter(|d| {
            d["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].as_str() != Some("dev"))
        });
        deps.insert(id, shipped.filter_map(|d| d["pkg"].as_str()).collect());
    }
    let mut problems = Vec::new();
    for krate in PURE {
        let Some((start, _)) = names.iter().find(|(_, n)| *n == krate) else {
            problems.push(format!("{krate}: not in the workspace"));
            continue;
        };
        // Everything it pulls in, with the path it came by.
        let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::from([(*start, vec![*krate])]);
        let mut queue = vec![*start];
        while let Some(id) = queue.pop() {
            let via = seen[id].clone();
            for dep in deps.get(id).into_iter().flatten() {
                if !seen.contains_key(dep) {
                    let mut path = via.clone();
                    path.push(names.get(dep).copied().unwrap_or(dep));
                    seen.insert(dep, path);
                    queue.push(dep);
                }
            }
        }
        for path in seen.values() {
            if let Some(last) = path.last().filter(|n| FORBIDDEN.contains(n)) {
                problems.push(format!("{krate} depends on {last}: {}", path.join(" → ")));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The rows of the engine README's rule table: each id with its severity as written.
fn readme_rules(readme: &str) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let (Some(ids), Some(severities)) = (cells.first(), cells.last()) else { continue };
        let ids: Vec<&str> = ids.split('/').map(|i| i.trim().trim_matches('`')).collect();
        // The first word: "high (critical on a critical section)" is a high rule.
        let severities: Vec<&str> =
            severities.split('/').filter_map(|s| s.split_whitespace().next()).collect();
        for (i, id) in ids.iter().enumerate() {
            let severity = severities.get(i).or(severities.first()).copied().unwrap_or("");
            rows.push((id.to_string(), severity.to_string()));
        }
    }
    rows
}

#[test]
fn the_engine_readme_lists_every_rule_of_the_catalogue_with_its_severity() {
    let readme = read(Path::new("crates/engine/README.md")).expect("the engine README");
    let documented = readme_rules(&readme);
    let catalogue: Vec<(String, String)> = engine::rules::rules()
        .iter()
        .map(|r| {
            let severity = serde_json::to_value(r.severity).expect("a severity serializes");
            (r.id.to_string(), severity.as_str().unwrap_or("").to_string())
        })
        .collect();
    let missing: Vec<_> = catalogue.iter().filter(|r| !documented.contains(r)).collect();
    let stale: Vec<_> = documented.iter().filter(|r| !catalogue.contains(r)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "in the catalogue, not in the README as (id, severity): {missing:?}\n\
         in the README, not in the catalogue: {stale:?}"
    );
    assert_eq!(catalogue.len(), 20, "the README and ARCHITECTURE.md speak of 20 rules");
}

#[test]
fn every_rule_of_the_catalogue_has_its_configuration_table_and_every_table_a_rule() {
    let config = serde_json::to_value(engine::rules::RulesConfig::default()).expect("serializes");
    let tables: BTreeSet<String> = config
        .as_object()
        .expect("a table")
        .keys()
        .filter(|k| *k != "zones") // per-zone overrides of the tables, not a rule's own
        .cloned()
        .collect();
    let named: BTreeSet<String> =
        engine::rules::rules().iter().map(|r| r.rule.config_key().to_string()).collect();
    let untuned: Vec<_> = named.difference(&tables).collect();
    let orphans: Vec<_> = tables.difference(&named).collect();
    assert!(
        untuned.is_empty() && orphans.is_empty(),
        "rules whose [engine.rules] table does not exist: {untuned:?}\n\
         [engine.rules] tables no rule of the catalogue names: {orphans:?}"
    );
}

/// The server's floors, bottom first. A module may name (`crate::x`) only modules on floors
/// below its own, so imports run one way: the pipeline never reaches into a handler, a source
/// or a wire shape, and a new module must be given its floor here.
const SERVER_FLOORS: &[&[&str]] = &[
    &["clock", "metrics", "auth", "settings", "geography"],
    &["centre"],
    &["wire", "visibility"],
    &["sources"],
    &["tak"],
    &["config", "api"],
    &["web"],
    &["http"],
    &["seed"],
];

/// The modules a file of the server names through `crate::`, outside comments and unit tests.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let code = &text[..text.find("\n#[cfg(test)]").unwrap_or(text.len())];
    let mut named = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

#[test]
fn the_servers_modules_import_only_from_floors_below_their_own() {
    let floor = |name: &str| SERVER_FLOORS.iter().position(|f| f.contains(&name));
    let base = Path::new("crates/server/src");
    let mut problems = Vec::new();
    for path in files() {
        let Ok(inner) = path.strip_prefix(base) else { continue };
        if path.extension().is_none_or(|e| e != "rs") || inner == Path::new("lib.rs") {
            continue;
        }
        let module = inner.components().next().and_then(|c| c.as_os_str().to_str());
        let module = module.map(|m| m.trim_end_matches(".rs")).unwrap_or_default();
        let Some(own) = floor(module) else {
            problems.push(format!(
                "{}: module `{module}` has no floor in SERVER_FLOORS",
                path.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(root().join(&path)).expect("read");
        for named in crate_paths(&text) {
            match floor(&named) {
                Some(theirs) if theirs < own || named == module => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` names `crate::{named}`, which is not on a floor below it",
                    path.display()
                )),
                None => {} // a re-export at the crate root (`crate::Centre`) or a macro
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn crate_paths_skip_comments_and_tests() {
    let text = "use crate::a::B;\n// crate::c\nfn f() { crate::d::e(); }\n#[cfg(test)]\nmod tests { use crate::z; }\n";
    let named: Vec<String> = crate_paths(text).into_iter().collect();
    assert_eq!(named, vec!["a".to_string(), "d".to_string()]);
}
