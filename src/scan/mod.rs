//! The `scan` stage: measurement exports into polars frames of one canonical
//! schema per kind.
//!
//! Exports come as they are: CSV from a ticket tool with day-first local
//! times, Parquet from a probe system partitioned by service. Each source is
//! read once, its columns renamed through the site's mapping and converted
//! cell by cell, so a bad cell is reported with its file, row and column
//! instead of surfacing later as a wrong figure. The frames handed on hold
//! instants as UTC seconds (`i64`), flags as booleans and numbers as `f64`,
//! plus a `row` column (the CSV line or Parquet row) for the audit trail.

mod convert;
mod read;
pub mod timestamp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{SiteConfig, Source, SourceKind};

/// The canonical column that holds where a row came from: the line of a CSV
/// file (the header is line 1) or the 1-based row of a Parquet file.
pub const ROW: &str = "row";

/// One source, read and converted.
#[derive(Debug, Clone)]
pub struct Table {
    pub kind: SourceKind,
    /// The files read, relative to the site folder, in reading order.
    pub files: Vec<PathBuf>,
    pub frame: DataFrame,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    /// The table as a lazy query, for the metric stage.
    pub fn lazy(&self) -> LazyFrame {
        self.frame.clone().lazy()
    }
}

/// Every source of a site, read.
#[derive(Debug, Clone, Default)]
pub struct Measurements {
    pub tables: BTreeMap<SourceKind, Table>,
}

impl Measurements {
    pub fn get(&self, kind: SourceKind) -> Option<&Table> {
        self.tables.get(&kind)
    }
}

/// Reads every configured source of the site in `root`. Sources with
/// problems are left out of the result and their problems reported.
pub fn scan_sources(root: &Path, config: &SiteConfig) -> (Measurements, Diagnostics) {
    let mut measurements = Measurements::default();
    let mut problems = Diagnostics::new();
    for (kind, source) in &config.sources {
        match scan_source(root, source) {
            Ok(table) => {
                measurements.tables.insert(*kind, table);
            }
            Err(p) => problems.extend(p),
        }
    }
    (measurements, problems)
}

/// Reads one source: every file it names, converted and stacked.
pub fn scan_source(root: &Path, source: &Source) -> Result<Table, Diagnostics> {
    let parts = read::read(root, source)?;
    let mut problems = Diagnostics::new();
    let mut frame: Option<DataFrame> = None;
    let mut files = Vec::new();
    for part in parts {
        match convert::to_canonical(source, &part) {
            Ok(converted) => {
                files.push(part.file.clone());
                frame = Some(match frame {
                    None => converted,
                    Some(mut all) => {
                        if let Err(e) = all.vstack_mut_owned(converted) {
                            problems.push(internal(&part.file, e));
                        }
                        all
                    }
                });
            }
            Err(p) => problems.extend(p),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let frame = match frame {
        Some(f) => f,
        None => convert::empty(source.kind),
    };
    Ok(Table { kind: source.kind, files, frame })
}

/// A polars failure that is not the user's doing, with the file it concerns.
fn internal(file: &Path, error: PolarsError) -> Diagnostic {
    Diagnostic::error(format!("cannot read {}: {error}", file.display())).in_file(file)
}
