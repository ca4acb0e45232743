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

    /// Adds the rows `later` counted (of a later part of the same file and
    /// reason): as if they had been added one by one after these.
    pub fn merge(&mut self, later: SetAside) {
        self.count += later.count;
        for row in later.rows {
            if self.rows.len() < SET_ASIDE_LISTED {
                self.rows.push(row);
            }
        }
        for value in later.values {
            if self.values.len() < SET_ASIDE_LISTED && !self.values.contains(&value) {
                self.values.push(value);
            }
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
    scan_source_with(root, source, Chunking::default())
}

/// [`scan_source`], cutting CSV files into parts as `chunking` says (the
/// frame is the same whatever the parts).
pub fn scan_source_with(root: &Path, source: &Source, chunking: Chunking) -> Result<Table, Diagnostics> {
    let listed = read::list(root, source)?;
    let mut problems = Diagnostics::new();
    let mut frame: Option<DataFrame> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut set_aside = Vec::new();
    let chosen: Vec<Wanted> = listed.iter().map(|l| Wanted::whole(source, l)).collect();
    // Each file's parts stacked on the thread reading it; the files stacked here in order.
    let stack = |all: &mut Option<DataFrame>, more: DataFrame, file: &Path| -> Result<(), Diagnostic> {
        match all {
            None => *all = Some(more),
            Some(all) => {
                all.vstack_mut_owned(more).map_err(|e| internal(file, e))?;
            }
        }
        Ok(())
    };
    let start = || (None, Vec::new());
    let fold = |(frame, aside): &mut (Option<DataFrame>, Vec<SetAside>), part: Part| {
        aside.extend(part.set_aside);
        stack(frame, part.frame, &part.file).map_err(Diagnostics::from)
    };
    fold_files(root, &chosen, chunking, &start, &fold, &mut |i, read| match read {
        Ok((stacked, aside)) if !problems.has_errors() => {
            files.push(chosen[i].listed.file.clone());
            set_aside.extend(aside);
            if let Some(stacked) = stacked {
                if let Err(d) = stack(&mut frame, stacked, &chosen[i].listed.file) {
                    problems.push(d);
                }
            }
        }
        Ok(_) => {}
        Err(p) => problems.extend(p),
    });
    if problems.has_errors() {
        return Err(problems);
    }
    let frame = match frame {
        Some(mut f) => {
            f.rechunk_mut();
            f
        }
        None => convert::empty(source.kind),
    };
    Ok(Table { kind: source.kind, files, frame, set_aside })
}

pub use read::{is_parquet, Chunking, Listed, CHUNK_BYTES};

/// The files of `source`, in reading order, without reading them.
pub fn list_files(root: &Path, source: &Source) -> Result<Vec<Listed>, Diagnostics> {
    read::list(root, source)
}

/// A part of one file of a source, read and converted to the canonical
/// schema: a Parquet file gives one part per `Chunking::parquet_rows` rows,
/// a CSV file one part per [`CHUNK_BYTES`] or so of records.
#[derive(Debug)]
pub struct Part {
    pub kind: SourceKind,
    /// The file, relative to the site folder.
    pub file: PathBuf,
    pub frame: DataFrame,
    /// Rows of the file left out of `frame`, per reason: on the last part
    /// of the file, for the whole file (empty on the parts before).
    pub set_aside: Vec<SetAside>,
}

/// A file to read: its source, the file as [`list_files`] gives it, and
/// which of its rows are wanted.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub source: &'a Source,
    pub listed: &'a Listed,
    /// `None`: every row. `Some(t)`: only the rows that bear on `t` or
    /// later (whose latest instant, as the file's reach counts it, is at or
    /// after `t`) are converted; the rest are judged only for being set
    /// aside, so the file's record of rows set aside is that of a whole
    /// read. For a file read whole before, whose earlier rows bear only on
    /// months already settled.
    pub since: Option<i64>,
}

impl<'a> Wanted<'a> {
    /// Every row of the file.
    pub fn whole(source: &'a Source, listed: &'a Listed) -> Self {
        Wanted { source, listed, since: None }
    }
}

/// Reads and converts `files` (each with its source; some or all of what
/// [`list_files`] gives), folding the parts of each file, in the order of
/// its rows, into a value of its own (`start` makes it, `fold` adds a
/// part) on the thread that reads the file. `each` is then told, in the
/// order of `files` and with the file's index, each file's value, or its
/// problems: a file with a problem (or whose `fold` failed) gives no value,
/// whatever parts it folded before the problem was found (a CSV file is
/// checked as it is read).
///
/// Files are read in parallel (as many at a time as there are threads,
/// largest first, so a big file does not start last), each part converted
/// and folded as soon as it is read: at most a few parts per file are held
/// at once, so a source of any size, in files of any size, streams through
/// in bounded memory (plus what the values keep).
pub fn fold_files<T: Send>(
    root: &Path,
    files: &[Wanted],
    chunking: Chunking,
    start: &(dyn Fn() -> T + Sync),
    fold: &(dyn Fn(&mut T, Part) -> Result<(), Diagnostics> + Sync),
    each: &mut dyn FnMut(usize, Result<T, Diagnostics>),
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let size = |w: &Wanted| std::fs::metadata(root.join(&w.listed.file)).map_or(0, |m| m.len());
    let mut queue: Vec<usize> = (0..files.len()).collect();
    queue.sort_by_key(|&i| std::cmp::Reverse(size(&files[i])));
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().clamp(1, files.len().max(1));
    let (send, receive) = std::sync::mpsc::channel::<(usize, Result<T, Diagnostics>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (send, queue, next) = (send.clone(), &queue, &next);
            scope.spawn(move || {
                while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mut value = start();
                    let mut problems: Option<Diagnostics> = None;
                    read_parts(root, files[i], chunking, &mut |read| {
                        let failed = match read {
                            Ok(part) => fold(&mut value, part).err(),
                            Err(p) => Some(p),
                        };
                        let go_on = failed.is_none();
                        if let Some(p) = failed {
                            problems.get_or_insert_with(Diagnostics::new).extend(p);
                        }
                        go_on
                    });
                    if send.send((i, problems.map_or(Ok(value), Err))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        // Told in the order of `files`: results that come early wait for those before them.
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in receive {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                each(due, result);
                due += 1;
            }
        }
    });
}

/// Reads and converts one file, handing its parts to `send` (which says
/// whether to go on), then its problems. A part is held back until the
/// next one converts, so the last carries the rows set aside of the file.
fn read_parts(root: &Path, wanted: Wanted, chunking: Chunking, send: &mut dyn FnMut(Result<Part, Diagnostics>) -> bool) {
    let Wanted { source, listed, since } = wanted;
    let part = |frame: DataFrame, set_aside: Vec<SetAside>| Part { kind: source.kind, file: listed.file.clone(), frame, set_aside };
    let mut opened = match read::open_listed(root, source, listed, chunking) {
        Err(d) => {
            send(Err(d.into()));
            return;
        }
        Ok(opened) => opened,
    };
    let mut converter = convert::Converter::new(source, &listed.file).since(since);
    let mut held: Option<DataFrame> = None;
    loop {
        match opened.next_part() {
            Err(d) => {
                send(Err(d.into()));
                return;
            }
            Ok(None) => break,
            Ok(Some(raw)) => {
                if let Some(frame) = converter.convert(&raw) {
                    if let Some(before) = held.replace(frame) {
                        if !send(Ok(part(before, Vec::new()))) {
                            return;
                        }
                    }
                }
            }
        }
    }
    let set_aside = converter.take_set_aside();
    let problems = converter.finish();
    if problems.has_errors() {
        send(Err(problems));
        return;
    }
    let frame = held.unwrap_or_else(|| convert::empty(source.kind));
    send(Ok(part(frame, set_aside)));
}
/// A polars failure that is not the user's doing, with the file it concerns.
fn internal(file: &Path, error: PolarsError) -> Diagnostic {
    Diagnostic::error(format!("cannot read {}: {error}", file.display())).in_file(file)
}
