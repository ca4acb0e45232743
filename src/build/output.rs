//! The output folder: a folder of its own, what is published in it, and
//! the published snapshots read back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::publish::{self, plan, Published};
use crate::render::CustomerView;

use super::error::BuildError;

/// An output folder of its own: not the site folder or a folder holding it,
/// and not inside the site's inputs (`--out` is not checked by `check`).
pub(super) fn check_out(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    // The longest existing ancestor, resolved (symlinks followed), with the rest appended.
    let resolve = |p: &Path| -> PathBuf {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else { break };
            rest.push(name.to_os_string());
            existing = parent;
        }
        let mut resolved = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
        resolved.extend(rest.iter().rev());
        resolved
    };
    let (site, output) = (resolve(root), resolve(out));
    if site.starts_with(&output) {
        return Err(Diagnostic::error(format!("the output folder {} holds the site folder; expected a folder of its own", out.display()))
            .with_hint("publish into a folder such as `public` inside the site, or anywhere outside it"));
    }
    for input in crate::load::site::INPUT_FOLDERS {
        if output.starts_with(site.join(input)) {
            return Err(Diagnostic::error(format!("the output folder {} is inside the site's inputs ({input}); expected a folder of its own", out.display()))
                .with_hint("publish into a folder such as `public` inside the site, or anywhere outside it"));
        }
    }
    Ok(())
}

/// Every customer's published months, customers in parallel.
pub(super) fn published_of(out: &Path, customers: &[CustomerView]) -> Result<BTreeMap<String, Vec<Published>>, BuildError> {
    customers.par_iter().map(|c| Ok((c.id.clone(), publish::published(out, &c.id).map_err(|e| BuildError::Io(e.to_string()))?))).collect()
}

/// The snapshots (what each results.json says) of `pairs`, in parallel; a
/// snapshot that cannot be read is an error with its folder.
pub(super) fn read_snapshots(out: &Path, pairs: &[&Published]) -> Vec<std::io::Result<(PathBuf, plan::Snapshot)>> {
    pairs.par_iter().map(|p| plan::read_snapshot(out, p).map(|s| (p.folder.clone(), s))).collect()
}

/// Every published results.json of `published_of`, by folder: those read
/// early (`early`, while the data was scanned) and the rest read now. A
/// published folder never changes, so what was read early holds for every
/// folder still listed.
pub(super) fn snapshots(
    out: &Path,
    published_of: &BTreeMap<String, Vec<Published>>,
    mut early: BTreeMap<PathBuf, plan::Snapshot>,
) -> Result<BTreeMap<PathBuf, plan::Snapshot>, BuildError> {
    let pairs: Vec<&Published> = published_of.values().flatten().filter(|p| !early.contains_key(&p.folder)).collect();
    let mut snapshots: BTreeMap<PathBuf, plan::Snapshot> =
        read_snapshots(out, &pairs).into_iter().collect::<std::io::Result<_>>().map_err(|e| BuildError::Io(e.to_string()))?;
    for p in published_of.values().flatten() {
        if let Some(s) = early.remove(&p.folder) {
            snapshots.insert(p.folder.clone(), s);
        }
    }
    Ok(snapshots)
}
