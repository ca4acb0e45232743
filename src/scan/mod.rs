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
    /// Rows left out of `frame` (their service or customer is empty or not
    /// mapped), per file and reason, in reading order.
    pub set_aside: Vec<SetAside>,
}

/// Why a row was set aside instead of stopping the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetAsideReason {
    /// The service cell is empty (or one of the source's `null_values`).
    ServiceEmpty,
    /// The source maps services and the value is neither a key nor an id of the mapping.
    ServiceUnmapped,
    /// The export has a customer column and this ticket, survey or count leaves it empty.
    CustomerEmpty,
    /// The source maps customers and the value is neither a key nor an id of the mapping.
    CustomerUnmapped,
}

impl SetAsideReason {
    pub fn describe(&self) -> &'static str {
        match self {
            SetAsideReason::ServiceEmpty => "service is empty",
            SetAsideReason::ServiceUnmapped => "service is not mapped to an id",
            SetAsideReason::CustomerEmpty => "customer is empty",
            SetAsideReason::CustomerUnmapped => "customer is not mapped to an id",
        }
    }
}

/// How many row numbers and values a [`SetAside`] lists.
pub const SET_ASIDE_LISTED: usize = 5;

/// The rows of one file set aside for one reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetAside {
    /// The file, relative to the site folder.
    pub file: PathBuf,
    pub reason: SetAsideReason,
    /// How many rows.
    pub count: usize,
    /// The first row numbers (at most 5), as the `row` column gives them.
    pub rows: Vec<i64>,
    /// The first distinct offending values (at most 5), as the export has
    /// them. For `check` only: never shown in a customer's report, since
    /// they may name another customer.
    pub values: Vec<String>,
}

impl SetAside {
    pub fn new(file: &Path, reason: SetAsideReason) -> Self {
        SetAside { file: file.to_path_buf(), reason, count: 0, rows: Vec::new(), values: Vec::new() }
    }

    /// Counts one more row, listing its number and value while there is room.
    pub fn add(&mut self, row: i64, value: &str) {
        self.count += 1;
        if self.rows.len() < SET_ASIDE_LISTED {
            self.rows.push(row);
        }
        if self.values.len() < SET_ASIDE_LISTED && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
        }
    }
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
    use rayon::prelude::*;
    let mut measurements = Measurements::default();
    let mut problems = Diagnostics::new();
    // Sources are read in parallel; their results are taken in the order of
    // the configuration, so problems are listed as before.
    let sources: Vec<(&SourceKind, &Source)> = config.sources.iter().collect();
    let scanned: Vec<(SourceKind, Result<Table, Diagnostics>)> = sources.into_par_iter().map(|(kind, source)| (*kind, scan_source(root, source))).collect();
    for (kind, result) in scanned {
        match result {
            Ok(table) => {
                measurements.tables.insert(kind, table);
            }
            Err(p) => problems.extend(p),
        }
    }
    (measurements, problems)
}

/// Reads one source: every file it names, converted and stacked.
pub fn scan_source(root: &Path, source: &Source) -> Result<Table, Diagnostics> {
    use rayon::prelude::*;
    let parts = read::read(root, source)?;
    let mut problems = Diagnostics::new();
    let mut frame: Option<DataFrame> = None;
    let mut files = Vec::new();
    let mut set_aside = Vec::new();
    // Files are converted in parallel, each raw part dropped once converted;
    // they are stacked in reading order.
    let converted: Vec<(PathBuf, Result<(DataFrame, Vec<SetAside>), Diagnostics>)> =
        parts.into_par_iter().map(|part| (part.file.clone(), convert::to_canonical(source, &part))).collect();
    for (file, result) in converted {
        match result {
            Ok((converted, aside)) => {
                files.push(file.clone());
                set_aside.extend(aside);
                frame = Some(match frame {
                    None => converted,
                    Some(mut all) => {
                        if let Err(e) = all.vstack_mut_owned(converted) {
                            problems.push(internal(&file, e));
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
    Ok(Table { kind: source.kind, files, frame, set_aside })
}

/// A polars failure that is not the user's doing, with the file it concerns.
fn internal(file: &Path, error: PolarsError) -> Diagnostic {
    Diagnostic::error(format!("cannot read {}: {error}", file.display())).in_file(file)
}
