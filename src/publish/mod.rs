//! The `publish` stage: the only stage that writes to disk.
//!
//! A published period is a snapshot. Its folder is never rewritten: a later
//! build compares what the period would hold now (its figures, the rows
//! behind them, the agreements and note it used) with the manifest of the
//! snapshot, keeps the snapshot when they agree, and refuses when they do
//! not, unless asked for a revision, which is published beside it
//! (`2026-10-r2/`) while the earlier one stays readable.
//!
//! Everything is written into a staging folder next to the output, which is
//! swapped in only when the whole build has succeeded: a failed build leaves
//! the last site as it was.

pub mod manifest;
pub mod plan;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::measure::Period;
use crate::render::Page;
pub use manifest::Manifest;

/// A published period of a customer, as found in the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub customer: String,
    pub period: Period,
    pub revision: u32,
    /// The folder, relative to the output root (`acme/2026-10-r2`).
    pub folder: PathBuf,
    pub manifest: Manifest,
}

/// The folder name of a revision: `2026-10` for the first, `2026-10-r2` after.
pub fn folder_name(period: Period, revision: u32) -> String {
    if revision <= 1 {
        period.to_string()
    } else {
        format!("{period}-r{revision}")
    }
}

fn parse_folder_name(name: &str) -> Option<(Period, u32)> {
    let (period, revision) = match name.split_once("-r") {
        Some((p, r)) => (p, r.parse::<u32>().ok().filter(|r| *r >= 2)?),
        None => (name, 1),
    };
    Some((period.parse().ok()?, revision))
}

/// Every published period of `customer` under `out`, oldest first, each
/// period's revisions in order.
pub fn published(out: &Path, customer: &str) -> io::Result<Vec<Published>> {
    let dir = out.join(customer);
    let mut found = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((period, revision)) = parse_folder_name(&name) else { continue };
        let manifest_path = entry.path().join(manifest::FILE);
        let Ok(text) = fs::read_to_string(&manifest_path) else { continue };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", manifest_path.display()))
        })?;
        found.push(Published { customer: customer.to_string(), period, revision, folder: PathBuf::from(customer).join(&name), manifest });
    }
    found.sort_by_key(|p| (p.period, p.revision));
    Ok(found)
}

/// The latest revision of each published period.
pub fn latest(published: &[Published]) -> BTreeMap<Period, &Published> {
    let mut out: BTreeMap<Period, &Published> = BTreeMap::new();
    for p in published {
        out.insert(p.period, p);
    }
    out
}

/// Writes `pages` as the new output: a copy of the current output with the
/// pages added, assembled in a staging folder and swapped in. Pages must not
/// fall inside a published period's folder (the caller sees to it).
pub fn write_site(out: &Path, pages: &[Page]) -> io::Result<()> {
    let staging = sibling(out, "staging");
    let previous = sibling(out, "previous");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let result = (|| {
        fs::create_dir_all(&staging)?;
        if out.is_dir() {
            copy_tree(out, &staging)?;
        }
        for page in pages {
            let path = staging.join(&page.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &page.bytes)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if previous.exists() {
        fs::remove_dir_all(&previous)?;
    }
    let had_output = out.exists();
    if had_output {
        fs::rename(out, &previous)?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        if had_output {
            let _ = fs::rename(&previous, out);
        }
        return Err(e);
    }
    if had_output {
        fs::remove_dir_all(&previous)?;
    }
    Ok(())
}

/// `public` -> `.public.staging`, beside it.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{what}"))
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let target = to.join(entry.path().strip_prefix(from).map_err(io::Error::other)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_folders() {
        let p: Period = "2026-10".parse().unwrap();
        assert_eq!(folder_name(p, 1), "2026-10");
        assert_eq!(folder_name(p, 3), "2026-10-r3");
        assert_eq!(parse_folder_name("2026-10-r3"), Some((p, 3)));
        assert_eq!(parse_folder_name("2026-10"), Some((p, 1)));
        assert_eq!(parse_folder_name("2026-10-r1"), None);
        assert_eq!(parse_folder_name("charts"), None);
    }

    #[test]
    fn a_failed_write_leaves_the_site_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[Page::new("a/index.html", "one")]).unwrap();
        // A page whose parent is a file cannot be written.
        let bad = [Page::new("b.html", "x"), Page::new("a/index.html/x", "y")];
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        assert!(!out.join("b.html").exists());
        assert!(!dir.path().join(".public.staging").exists());
    }
}
