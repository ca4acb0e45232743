//! The inputs of a build: every input file with its sha256 (provenance, and
//! which data files changed since a snapshot), the text of every agreement
//! version, and which of them a customer's manifest lists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::digest::sha256_file;
use crate::measure::{Loaded, Prepared, Results};
use crate::model::Site;
use crate::publish::manifest::InputFile;

use super::error::BuildError;

/// A file's path relative to the site, with `/`.
pub(super) fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// sha256 and size of every input file (provenance, and which data files
/// changed since a snapshot: see [`super::reads`]); each file is hashed as it
/// is read, in blocks.
pub(super) fn input_files(root: &Path, loaded: &Loaded) -> Vec<InputFile> {
    let mut paths: Vec<PathBuf> = vec![PathBuf::from(crate::load::CONFIG_FILE)];
    if root.join(crate::load::corrections::CORRECTIONS_FILE).is_file() {
        paths.push(PathBuf::from(crate::load::corrections::CORRECTIONS_FILE));
    }
    paths.extend(loaded.site.versions.iter().map(|a| a.file.clone()));
    paths.extend(loaded.notes.iter().map(|n| n.file.clone()));
    for source in loaded.site.config.sources.values() {
        let full = root.join(&source.path);
        if full.is_dir() {
            for e in walkdir::WalkDir::new(&full).sort_by_file_name().into_iter().flatten() {
                if e.file_type().is_file() {
                    paths.push(e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf());
                }
            }
        } else {
            paths.push(source.path.clone());
        }
    }
    // One file a task: a few big data files among many small agreement
    // files would otherwise fall to one thread together.
    paths
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|p| {
            let (sha256, bytes) = sha256_file(&root.join(&p)).ok()?;
            Some(InputFile { path: slashed(&p), sha256, bytes, reach: None })
        })
        .collect()
}

/// The text of every agreement file (every version), by its path, read once
/// per build: each report hashes and copies the versions it used.
pub(super) fn agreement_texts(root: &Path, site: &Site) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    site
        .versions
        .iter()
        .map(|a| {
            std::fs::read(root.join(&a.file))
                .map(|bytes| (slashed(&a.file), bytes))
                .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", a.file.display())))
        })
        .collect()
}

/// The agreement versions a customer's report used: its SLAs and what
/// underpins them, each in the version in force in the period.
pub(super) fn used_agreements<'a>(prepared: &'a Prepared, results: &Results) -> Vec<&'a crate::model::Agreement> {
    results
        .agreements
        .iter()
        .filter_map(|a| prepared.site.versions.iter().find(|v| v.id == a.id && slashed(&v.file) == a.file))
        .collect()
}

/// The inputs a customer's manifest lists: the site configuration, the data
/// files, the agreements its report used and its own notes; never another
/// customer's files. (`agreement_files` holds every agreement version's
/// file; both tests are lookups: a provider has a thousand input files and
/// two hundred customers, each with thirteen months.)
pub(super) fn customer_inputs(inputs: &[InputFile], agreement_files: &BTreeMap<String, Vec<u8>>, results: &Results, others: &BTreeSet<String>) -> Vec<InputFile> {
    let used: BTreeSet<&str> = results.agreements.iter().map(|a| a.file.as_str()).collect();
    inputs
        .iter()
        .filter(|i| !agreement_files.contains_key(&i.path) || used.contains(i.path.as_str()))
        .filter(|i| !note_owner(&i.path).is_some_and(|o| others.contains(o)))
        .cloned()
        .collect()
}

/// The customer whose notes folder holds `path` (`notes/<customer>/...`;
/// a customer id holds no `/`).
fn note_owner(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(crate::load::notes::NOTES_DIR)?.strip_prefix('/')?;
    rest.split_once('/').map(|(owner, _)| owner)
}
