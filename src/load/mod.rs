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

    let site = (agreements_ok && !problems.has_errors()).then(|| Site {
        root: root.to_path_buf(),
        config: config.clone(),
        agreements: loaded.into_iter().map(|l| l.agreement).collect(),
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

/// Checks what can only be checked with every agreement at hand: ids are
/// unique, and `underpinned_by` names existing OLAs or UPCs.
fn check_references(loaded: &[LoadedAgreement]) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let mut first: BTreeMap<&str, &LoadedAgreement> = BTreeMap::new();
    for a in loaded {
        let id = a.agreement.id.as_str();
        if let Some(earlier) = first.get(id) {
            let (location, _) = earlier.source.locate(earlier.id_span.clone());
            problems.push(
                Diagnostic::error(format!("agreement id `{id}` is used twice"))
                    .at(&a.source, a.id_span.clone())
                    .with_hint(format!("first used at {location}; agreement ids are unique across the site")),
            );
        } else {
            first.insert(id, a);
        }
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
