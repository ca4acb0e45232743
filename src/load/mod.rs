//! The `load` stage: reads a site folder into a validated [`Site`].
//!
//! Parsing and meaning are separate steps (as in Zola's `Config::parse`):
//! serde types with `deny_unknown_fields` catch typos and wrong types, then
//! checks in the user's terms catch unknown calendars, services and
//! agreements, bad ranges, duplicate ids and unsafe names. Every problem is
//! collected; nothing is reported one at a time.

pub mod agreement;
pub mod corrections;
pub mod notes;
pub mod site;
mod toml_file;
pub mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{AgreementKind, Site, SiteConfig};
use agreement::LoadedAgreement;

pub use site::CONFIG_FILE;

/// The folder of agreement files inside a site.
pub const AGREEMENTS_DIR: &str = "agreements";

/// What loading a site gave: the site if it is whole, and every problem.
#[derive(Debug)]
pub struct Loaded {
    pub site: Option<Site>,
    /// The configuration, when `slareport.toml` itself was valid (sources can
    /// be checked even when an agreement is not).
    pub config: Option<SiteConfig>,
    pub problems: Diagnostics,
}

/// Loads the site in `root`, reporting every problem found.
pub fn load_site(root: &Path) -> Loaded {
    let mut problems = Diagnostics::new();
    let config_path = root.join(CONFIG_FILE);
    let config = match read_source(root, &config_path) {
        Ok(source) => {
            let (config, p) = site::load(&source);
            problems.extend(p);
            config
        }
        Err(d) => {
            problems.push(d.with_hint(format!(
                "a site folder has a {CONFIG_FILE}; `slareport init DIR` makes a new one"
            )));
            None
        }
    };
    let Some(config) = config else {
        return Loaded { site: None, config: None, problems };
    };

    let mut loaded = Vec::new();
    for path in agreement_files(root, &mut problems) {
        let source = match read_source(root, &path) {
            Ok(s) => s,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let folder = agreement::folder_of(&source.path);
        match agreement::load(source, &folder, &config) {
            Ok(a) => loaded.push(a),
            Err(p) => problems.extend(p),
        }
    }
    let agreements_ok = !problems.has_errors();
    problems.extend(check_references(&loaded));

    let site = (agreements_ok && !problems.has_errors()).then(|| {
        let versions = arrange_versions(loaded.into_iter().map(|l| l.agreement).collect());
        let mut agreements: Vec<crate::model::Agreement> = Vec::new();
        for version in &versions {
            match agreements.last_mut() {
                Some(latest) if latest.id == version.id => *latest = version.clone(),
                _ => agreements.push(version.clone()),
            }
        }
        Site { root: root.to_path_buf(), config: config.clone(), agreements, versions }
    });
    Loaded { site, config: Some(config), problems }
}

/// Every `*.toml` below `agreements/`, in a stable order.
fn agreement_files(root: &Path, problems: &mut Diagnostics) -> Vec<PathBuf> {
    let dir = root.join(AGREEMENTS_DIR);
    if !dir.is_dir() {
        problems.push(
            Diagnostic::warning(format!("no {AGREEMENTS_DIR}/ folder: there are no agreements to report on"))
                .in_file(AGREEMENTS_DIR),
        );
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml") => {
                files.push(e.into_path());
            }
            Ok(_) => {}
            Err(e) => problems.push(Diagnostic::error(format!("cannot read {}: {e}", dir.display()))),
        }
    }
    files
}

/// Reads a file as UTF-8 text, naming it relative to the site on failure.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = path.strip_prefix(root).unwrap_or(path);
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(SourceFile::new(shown, text)),
        Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", shown.display())).in_file(shown)),
    }
}

/// Orders the versions of every agreement: agreements in the order their
/// first version's file was read (so a new version never moves an agreement
/// in the results), each agreement's versions by `effective`. Every version
/// learns when the agreement's first version took effect.
fn arrange_versions(mut all: Vec<crate::model::Agreement>) -> Vec<crate::model::Agreement> {
    let mut first: BTreeMap<String, (chrono::NaiveDate, usize)> = BTreeMap::new();
    for (position, a) in all.iter().enumerate() {
        let entry = first.entry(a.id.clone()).or_insert((a.effective, position));
        if a.effective < entry.0 {
            *entry = (a.effective, position);
        }
    }
    all.sort_by_key(|a| (first[&a.id].1, a.effective));
    for a in &mut all {
        a.first_effective = first[&a.id].0;
    }
    all
}

/// Checks what can only be checked with every agreement at hand: the
/// versions of one agreement differ in `version` and `effective` and agree on
/// kind and party, and `underpinned_by` names existing OLAs or UPCs.
fn check_references(loaded: &[LoadedAgreement]) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let mut first: BTreeMap<&str, &LoadedAgreement> = BTreeMap::new();
    for (i, a) in loaded.iter().enumerate() {
        let id = a.agreement.id.as_str();
        for earlier in loaded[..i].iter().filter(|e| e.agreement.id == id) {
            problems.extend(check_versions(earlier, a));
        }
        first.entry(id).or_insert(a);
    }
    for a in loaded {
        for refs in &a.underpinned_spans {
            for r in refs {
                let name = r.get_ref().as_str();
                let problem = match first.get(name) {
                    None => Some((
                        format!("unknown agreement `{name}` in underpinned_by"),
                        underpinning_hint(&first),
                    )),
                    Some(_) if name == a.agreement.id => {
                        Some((format!("agreement `{name}` cannot underpin itself"), String::new()))
                    }
                    Some(other) if other.agreement.kind == AgreementKind::Sla => Some((
                        format!("`{name}` is an SLA; only OLAs and UPCs underpin a target"),
                        underpinning_hint(&first),
                    )),
                    Some(_) => None,
                };
                if let Some((message, hint)) = problem {
                    let d = Diagnostic::error(message).at(&a.source, r.span());
                    problems.push(if hint.is_empty() { d } else { d.with_hint(hint) });
                }
            }
        }
    }
    problems
}

/// Checks a second version `later` of an agreement against an `earlier` one
/// (read first): both name the other's file and line.
fn check_versions(earlier: &LoadedAgreement, later: &LoadedAgreement) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let (e, l) = (&earlier.agreement, &later.agreement);
    let at = |span: &std::ops::Range<usize>| earlier.source.locate(span.clone()).0;
    const SHARED: &str = "the versions of one agreement are files with the same id, each with its own `version` and `effective` date";
    if e.version == l.version {
        problems.push(
            Diagnostic::error(format!("agreement `{}` has version `{}` twice", l.id, l.version))
                .at(&later.source, later.version_span.clone())
                .with_hint(format!("also at {}; give this version another `version`, or another `id` if it is another agreement; {SHARED}", at(&earlier.version_span))),
        );
    }
    if e.effective == l.effective {
        problems.push(
            Diagnostic::error(format!("agreement `{}` has two versions effective {}", l.id, l.effective))
                .at(&later.source, later.effective_span.clone())
                .with_hint(format!("version `{}` at {} takes effect the same day; {SHARED}", e.version, at(&earlier.effective_span))),
        );
    }
    if e.kind != l.kind {
        problems.push(
            Diagnostic::error(format!("agreement `{}` is an {} here but an {} at {}", l.id, l.kind, e.kind, at(&earlier.kind_span)))
                .at(&later.source, later.kind_span.clone())
                .with_hint("every version of an agreement has the same kind; a new kind is a new agreement with its own id"),
        );
    } else if e.party != l.party {
        let field = l.kind.party_field();
        problems.push(
            Diagnostic::error(format!("agreement `{}` is with {field} `{}` here but with `{}` at {}", l.id, l.party, e.party, at(&earlier.party_span)))
                .at(&later.source, later.party_span.clone())
                .with_hint(format!("every version of an agreement has the same {field}; another {field} is another agreement with its own id")),
        );
    }
    problems
}

fn underpinning_hint(agreements: &BTreeMap<&str, &LoadedAgreement>) -> String {
    let ids: Vec<&str> = agreements
        .values()
        .filter(|a| a.agreement.kind != AgreementKind::Sla)
        .map(|a| a.agreement.id.as_str())
        .collect();
    if ids.is_empty() {
        "the site has no OLA or UPC to name".to_string()
    } else {
        format!("OLAs and UPCs of this site: {}", ids.join(", "))
    }
}
