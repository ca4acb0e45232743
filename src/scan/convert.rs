//! Converting one raw file into the canonical schema of its kind, checking
//! every cell and the rules rows of that kind must keep.

use polars::prelude::*;

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::path::{Path, PathBuf};

use super::read::{RawPart, RowNumbers};
use super::{SetAside, SetAsideReason};
use super::timestamp::TimestampParser;
use super::ROW;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Column as Canonical, ColumnType, Source, SourceKind, OUTAGE_KINDS};

/// How many bad cells of one column are listed before the rest are counted.
const MAX_CELL_ERRORS: usize = 10;

/// A converted column. Text borrows the export's cells (or the mapping's
/// ids): a month of probe samples is millions of service names.
enum Values<'a> {
    Text(Vec<Option<Cow<'a, str>>>),
    /// A text column of the export taken as it is, every cell already what
    /// [`text_cells`] would make of it (see [`as_exported`]): a month of
    /// probe samples names its services in millions of cells, copied
    /// three times over otherwise.
    AsExported(Column),
    /// An optional text column the export does not have: every cell empty.
    Absent(usize),
    Instant(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Number(Vec<Option<f64>>),
}

impl Values<'_> {
    /// The polars column of `name`; a column without an empty cell is made
    /// from its values at once (no validity built cell by cell).
    fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        fn whole<T: Copy>(v: &[Option<T>]) -> Option<Vec<T>> {
            v.iter().copied().collect()
        }
        match self {
            Values::Text(v) => Column::new(name, v),
            Values::AsExported(c) => c.with_name(name),
            Values::Absent(height) => Column::full_null(name, height, &DataType::String),
            Values::Instant(v) => match whole(&v) {
                Some(all) => Int64Chunked::from_vec(name, all).into_column(),
                None => Column::new(name, v),
            },
            Values::Bool(v) => match whole(&v) {
                Some(all) => BooleanChunked::from_slice(name, &all).into_column(),
                None => Column::new(name, v),
            },
            Values::Number(v) => match whole(&v) {
                Some(all) => Float64Chunked::from_vec(name, all).into_column(),
                None => Column::new(name, v),
            },
        }
    }
}

/// The canonical output dtype of a column type.
fn dtype(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text => DataType::String,
        ColumnType::Instant | ColumnType::Minutes => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Number => DataType::Float64,
    }
}

/// An empty frame of the canonical schema of `kind`.
pub fn empty(kind: SourceKind) -> DataFrame {
    let mut columns: Vec<Column> = kind
        .columns()
        .iter()
        .map(|c| Column::full_null(c.name.into(), 0, &dtype(c.ty)))
        .collect();
    columns.push(Column::full_null(ROW.into(), 0, &DataType::Int64));
    DataFrame::new(0, columns).expect("columns of one length")
}

/// A bad cell or row, as people name it.
fn cell_error(file: &Path, rows: &RowNumbers, index: usize, column: &str, message: String) -> Diagnostic {
    let d = Diagnostic::error(format!("{}, column `{column}`: {message}", rows.describe(index)));
    if rows.is_csv() {
        d.at_line(file, rows.number(index))
    } else {
        d.in_file(file)
    }
}

/// Collects cell problems of one column of one file, over all its parts.
struct CellProblems {
    file: PathBuf,
    column: String,
    listed: Diagnostics,
    more: usize,
}

impl CellProblems {
    fn new(file: &Path, column: &str) -> Self {
        CellProblems { file: file.to_path_buf(), column: column.to_string(), listed: Diagnostics::new(), more: 0 }
    }

    /// How many bad cells so far, listed or not.
    fn count(&self) -> usize {
        self.listed.errors() + self.more
    }

    fn finish(mut self) -> Diagnostics {
        if self.more > 0 {
            let d = Diagnostic::error(format!(
                "column `{}`: {} more bad cells not listed",
                self.column, self.more
            ))
            .in_file(&self.file);
            self.listed.push(d);
        }
        self.listed
    }
}

/// The cell problems of one column, for the rows of one part.
struct Cells<'a> {
    problems: &'a mut CellProblems,
    rows: &'a RowNumbers,
}

impl Cells<'_> {
    fn push(&mut self, index: usize, message: String) {
        let problems = &mut *self.problems;
        if problems.listed.errors() >= MAX_CELL_ERRORS {
            problems.more += 1;
            return;
        }
        problems.listed.push(cell_error(&problems.file, self.rows, index, &problems.column, message));
    }
}

/// The bad rows of one rule (see [`check_rows`]), over all parts of a file:
/// the first few, and how many.
#[derive(Default)]
struct RowProblems {
    listed: Vec<Diagnostic>,
    count: usize,
}

/// Converts the parts of one file in turn to the canonical schema of its
/// kind, carrying across parts what the file's messages need, so a file
/// read in parts gets the messages of a file read at once: bad cells
/// column by column (the first ten of each listed), then, only when no
/// cell is bad, the rows breaking a rule (the first ten listed).
pub struct Converter<'s> {
    source: &'s Source,
    file: PathBuf,
    parser: TimestampParser,
    /// Per hive partition of the file, the first row contradicting it.
    partitions: Vec<Option<Diagnostic>>,
    /// Per canonical column of the kind: the required column is missing.
    missing: Vec<Option<Diagnostic>>,
    /// Per canonical column of the kind: its bad cells.
    cells: Vec<CellProblems>,
    /// Per rule of [`check_rows`], in the order it checks them.
    rows: BTreeMap<u32, RowProblems>,
    internal: Diagnostics,
    /// A part had a bad cell (rules of rows are not checked from then on).
    cells_failed: bool,
    set_aside: BTreeMap<SetAsideReason, SetAside>,
    /// Convert only the rows that bear on this instant or later (see
    /// [`crate::scan::Wanted::since`]).
    since: Option<i64>,
}

impl<'s> Converter<'s> {
    pub fn new(source: &'s Source, file: &Path) -> Self {
        let columns = source.kind.columns();
        Converter {
            source,
            file: file.to_path_buf(),
            parser: TimestampParser::new(source.timestamp_format.as_deref(), source.timezone),
            partitions: Vec::new(),
            missing: columns.iter().map(|_| None).collect(),
            cells: columns
                .iter()
                .map(|c| CellProblems::new(file, source.columns.get(c.name).map_or(c.name, String::as_str)))
                .collect(),
            rows: BTreeMap::new(),
            internal: Diagnostics::new(),
            cells_failed: false,
            set_aside: BTreeMap::new(),
            since: None,
        }
    }

    /// Converts only the rows that bear on `since` or later (see
    /// [`crate::scan::Wanted::since`]).
    pub fn since(mut self, since: Option<i64>) -> Self {
        self.since = since;
        self
    }

    /// Converts one part of the file; `None` when it has problems (they
    /// are kept for [`Converter::finish`]). Rows set aside (service or
    /// customer empty or not mapped) are left out of the frame and kept for
    /// [`Converter::take_set_aside`].
    pub fn convert(&mut self, part: &RawPart) -> Option<DataFrame> {
        let wanted = self.since.and_then(|since| self.wanted_rows(part, since));
        self.convert_rows(wanted.as_ref().unwrap_or(part))
    }

    /// Of a part, the rows to convert when only those bearing on `since` or
    /// later are wanted, as a part of their own, numbered as in the file.
    /// Every row is judged for being set aside first (only its service and
    /// customer cells are read), and the rows set aside are recorded as a
    /// whole read records them; they are not among the rows returned.
    /// `None` when the part cannot be judged so (a column is missing or a
    /// cell is bad): it is then converted whole, which says why.
    fn wanted_rows(&mut self, part: &RawPart, since: i64) -> Option<RawPart> {
        let source = self.source;
        let height = part.frame.height();
        let export = |name: &str| source.columns.get(name).map_or(name, String::as_str).to_string();
        if self.cells_failed {
            return None;
        }
        let mut scratch = CellProblems::new(&self.file, "");
        let raw: Vec<(&'static str, Column)> =
            ["service", "customer"].into_iter().filter_map(|name| Some((name, find_column(part, &export(name), height)?))).collect();
        if !raw.iter().any(|(name, _)| *name == "service") {
            return None;
        }
        let as_exported: Vec<(&'static str, Column)> = raw.iter().map(|(name, col)| (*name, exported_text(col))).collect();
        let mut converted: Vec<(&'static str, Values<'_>)> = Vec::new();
        for (name, col) in &raw {
            let mut cells = Cells { problems: &mut scratch, rows: &part.rows };
            let text = text_cells(col, source, &mut cells)?;
            converted.push((name, Values::Text(text.into_iter().map(|c| c.map(Cow::Borrowed)).collect())));
        }
        let has_customer = raw.len() == 2;
        let rows: Vec<i64> = (0..height).map(|i| part.rows.number(i) as i64).collect();
        let (keep, set_aside) = map_values(source, part, &mut converted, has_customer, &as_exported, &rows);
        let latest = self.latest(part, &mut scratch)?;
        if scratch.count() > 0 {
            return None;
        }
        let wanted: Vec<bool> = keep.iter().zip(&latest).map(|(keep, t)| *keep && t.is_none_or(|t| t >= since)).collect();
        let mask = BooleanChunked::from_slice(PlSmallStr::from_static("wanted"), &wanted);
        let frame = part.frame.filter(&mask).ok()?;
        for aside in set_aside {
            self.record(aside);
        }
        let index = wanted.iter().enumerate().filter_map(|(i, w)| w.then_some(i)).collect();
        Some(RawPart { file: part.file.clone(), frame, rows: RowNumbers::Picked { of: Box::new(part.rows.clone()), index }, partitions: part.partitions.clone() })
    }

    /// Per row of `part`, the latest instant it bears on, as the file's
    /// reach counts it (`measure::data::Reach::to`): a sample's time plus its
    /// interval; the latest of a ticket's opening, response and resolution,
    /// or none while it is not resolved (it bears on every month after);
    /// an outage's end, or none while it goes on; a survey answer's or a
    /// count's time. `None` in the list: a cell that is empty or does not
    /// convert (such a row is converted, and a bad cell reported).
    fn latest(&self, part: &RawPart, problems: &mut CellProblems) -> Option<Vec<Option<i64>>> {
        let source = self.source;
        let height = part.frame.height();
        let mut column = |name: &str| -> Option<Vec<Option<i64>>> {
            let export = source.columns.get(name).map_or(name, String::as_str);
            let raw = find_column(part, export, height).unwrap_or_else(|| Column::full_null(export.into(), height, &DataType::String));
            instants(&raw, source, &self.parser, &mut Cells { problems: &mut *problems, rows: &part.rows })
        };
        let max = |a: Option<i64>, b: Option<i64>| a.max(b);
        Some(match source.kind {
            SourceKind::Samples => column("time")?.into_iter().map(|t| t.map(|t| t.saturating_add(source.interval))).collect(),
            SourceKind::Tickets => {
                let (opened, responded, resolved) = (column("opened")?, column("responded")?, column("resolved")?);
                (0..height).map(|i| resolved[i].and_then(|r| max(max(opened[i], responded[i]), Some(r)))).collect()
            }
            SourceKind::Outages => {
                let (start, end) = (column("start")?, column("end")?);
                (0..height).map(|i| end[i].map(|e| e.max(start[i].unwrap_or(e)))).collect()
            }
            SourceKind::Surveys | SourceKind::Counts => column("time")?,
        })
    }

    fn record(&mut self, aside: SetAside) {
        match self.set_aside.get_mut(&aside.reason) {
            Some(earlier) => earlier.merge(aside),
            None => {
                self.set_aside.insert(aside.reason, aside);
            }
        }
    }

    /// [`Converter::convert`] of every row of `part`.
    fn convert_rows(&mut self, part: &RawPart) -> Option<DataFrame> {
        let source = self.source;
        let height = part.frame.height();
        let mut failed = false;
        let mut converted: Vec<(&'static str, Values<'_>)> = Vec::new();
        let contradictions = check_partitions(part);
        self.partitions.resize_with(contradictions.len().max(self.partitions.len()), || None);
        for (i, d) in contradictions.into_iter().enumerate() {
            if let Some(d) = d {
                failed = true;
                self.partitions[i].get_or_insert(d);
            }
        }
        let mut has_customer = false;
        // The service and customer cells as the export has them (trimmed), for the set-aside record.
        let mut as_exported: Vec<(&'static str, Column)> = Vec::new();
        // Every column found first: text values borrow their cells. `None`:
        // an optional text column the export lacks (an outage's kind aside:
        // an empty kind reads "unplanned").
        let mut raws: Vec<(usize, &Canonical, Option<Column>)> = Vec::new();
        for (c, canonical) in source.kind.columns().iter().enumerate() {
            let export = source.columns.get(canonical.name).map_or(canonical.name, String::as_str);
            let raw = match find_column(part, export, height) {
                Some(col) => {
                    if canonical.name == "customer" {
                        has_customer = true;
                    }
                    if matches!(canonical.name, "service" | "customer") && !self.cells_failed {
                        as_exported.push((canonical.name, exported_text(&col)));
                    }
                    Some(col)
                }
                None if canonical.required => {
                    failed = true;
                    self.missing[c].get_or_insert_with(|| missing_column(source, part, canonical, export));
                    continue;
                }
                None if canonical.ty == ColumnType::Text && canonical.name != "kind" => None,
                None => Some(Column::full_null(export.into(), height, &DataType::String)),
            };
            raws.push((c, canonical, raw));
        }
        for (c, canonical, raw) in &raws {
            let c = *c;
            let Some(raw) = raw else {
                converted.push((canonical.name, Values::Absent(height)));
                continue;
            };
            let before = self.cells[c].count();
            let mut cells = Cells { problems: &mut self.cells[c], rows: &part.rows };
            let values = convert_column(raw, canonical, source, &self.parser, &mut cells);
            if self.cells[c].count() > before {
                failed = true;
            }
            if let Some(values) = values {
                converted.push((canonical.name, values));
            }
        }
        if failed || self.cells_failed {
            self.cells_failed = true;
            return None;
        }
        let rows: Vec<i64> = (0..height).map(|i| part.rows.number(i) as i64).collect();
        let (keep, set_aside) = map_values(source, part, &mut converted, has_customer, &as_exported, &rows);
        for aside in set_aside {
            self.record(aside);
        }
        if check_rows(source, part, &mut converted, &mut self.rows) || !self.rows.is_empty() {
            return None;
        }
        let mut columns: Vec<Column> = converted.into_iter().map(|(name, v)| v.into_column(name)).collect();
        columns.push(Column::new(ROW.into(), rows));
        let mut internal = |e| {
            self.internal.push(super::internal(&part.file, e));
            None
        };
        let frame = match DataFrame::new(height, columns) {
            Ok(f) => f,
            Err(e) => return internal(e),
        };
        if keep.iter().all(|k| *k) {
            return Some(frame);
        }
        let mask = BooleanChunked::from_slice(PlSmallStr::from_static("keep"), &keep);
        match frame.filter(&mask) {
            Ok(f) => Some(f),
            Err(e) => internal(e),
        }
    }

    /// The rows set aside so far, per reason (those of every part converted).
    pub fn take_set_aside(&mut self) -> Vec<SetAside> {
        std::mem::take(&mut self.set_aside).into_values().collect()
    }

    /// The problems of the whole file, in the order a file read at once gives them.
    pub fn finish(self) -> Diagnostics {
        let mut problems = Diagnostics::new();
        for d in self.partitions.into_iter().flatten() {
            problems.push(d);
        }
        for (missing, cells) in self.missing.into_iter().zip(self.cells) {
            match missing {
                // A wrong separator is said once, not once per column.
                Some(d) if problems.iter().any(|p| p.message == d.message) => {}
                Some(d) => problems.push(d),
                None => problems.extend(cells.finish()),
            }
        }
        if problems.has_errors() {
            return problems;
        }
        problems.extend(self.internal);
        let mut listed = 0;
        let mut unlisted = 0;
        for rule in self.rows.into_values() {
            unlisted += rule.count - rule.listed.len();
            for d in rule.listed {
                if listed < MAX_CELL_ERRORS {
                    problems.push(d);
                    listed += 1;
                } else {
                    unlisted += 1;
                }
            }
        }
        if unlisted > 0 {
            problems.push(Diagnostic::error(format!("{unlisted} more bad rows not listed")).in_file(&self.file));
        }
        problems
    }
}


/// A column's cells as text (read trimmed, one at a time, for the rows set
/// aside only), all empty when it cannot be cast.
fn exported_text(raw: &Column) -> Column {
    raw.cast(&DataType::String).unwrap_or_else(|_| Column::full_null(raw.name().clone(), raw.len(), &DataType::String))
}

/// The id `value` stands for under `map`: the id it is mapped to, or itself
/// when it already is one of the mapping's ids; `None` when it is neither.
fn mapped<'m>(map: &'m BTreeMap<String, String>, value: &str) -> Option<&'m str> {
    map.get(value)
        .map(String::as_str)
        .or_else(|| map.values().find(|id| id.as_str() == value).map(String::as_str))
}

/// Applies `[sources.<kind>.values]` to the service, priority and customer
/// columns and decides which rows are set aside: an empty service; a
/// service or customer the source maps and this value is not mapped; an
/// empty customer in a tickets, surveys or counts export that has a
/// customer column (for outages and samples an empty customer means every
/// customer of the service). Returns which rows stay, and the set-aside
/// rows by reason. A priority not in the mapping is kept as it is.
fn map_values<'a>(
    source: &'a Source,
    part: &RawPart,
    converted: &mut [(&'static str, Values<'a>)],
    has_customer: bool,
    as_exported: &[(&'static str, Column)],
    rows: &[i64],
) -> (Vec<bool>, Vec<SetAside>) {
    let height = rows.len();
    let mut keep = vec![true; height];
    let mut aside: BTreeMap<SetAsideReason, SetAside> = BTreeMap::new();
    let exported = |name: &str, i: usize| {
        let cell = as_exported.iter().find(|(n, _)| *n == name).and_then(|(_, c)| c.str().ok()?.get(i));
        cell.map_or("", str::trim).to_string()
    };
    let mut set_aside = |keep: &mut Vec<bool>, i: usize, reason: SetAsideReason, value: String| {
        if !keep[i] {
            return;
        }
        keep[i] = false;
        aside.entry(reason).or_insert_with(|| SetAside::new(&part.file, reason)).add(rows[i], &value);
    };
    let customer_may_be_empty = matches!(source.kind, SourceKind::Outages | SourceKind::Samples);
    for name in ["service", "customer", "priority"] {
        let Some((_, Values::Text(cells))) = converted.iter_mut().find(|(n, _)| *n == name) else { continue };
        let map = source.values.get(name);
        for (i, cell) in cells.iter_mut().enumerate() {
            match (name, cell.as_deref(), map) {
                ("service", None, _) => set_aside(&mut keep, i, SetAsideReason::ServiceEmpty, exported(name, i)),
                ("customer", None, _) if has_customer && !customer_may_be_empty => {
                    set_aside(&mut keep, i, SetAsideReason::CustomerEmpty, exported(name, i))
                }
                (_, Some(value), Some(map)) => match mapped(map, value) {
                    Some(id) => *cell = Some(Cow::Borrowed(id)),
                    None if name == "service" => set_aside(&mut keep, i, SetAsideReason::ServiceUnmapped, value.to_string()),
                    None if name == "customer" => set_aside(&mut keep, i, SetAsideReason::CustomerUnmapped, value.to_string()),
                    None => {}
                },
                _ => {}
            }
        }
    }
    (keep, aside.into_values().collect())
}

/// The largest integer an `f64` holds exactly (2^53): a count above it
/// would be rounded, and the figures computed from it would not be exact.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// A column the file holds and a `key=value` folder above it both name
/// must agree: the folder says what the file is about. Per partition, the
/// first row that contradicts it.
fn check_partitions(part: &RawPart) -> Vec<Option<Diagnostic>> {
    let mut problems = Vec::new();
    for (key, value) in &part.partitions {
        let contradiction = part.frame.column(key).ok().and_then(|column| {
            let text = column.cast(&DataType::String).ok()?;
            let found = text.str().ok()?.iter().enumerate().find_map(|(i, v)| v.filter(|v| v.trim() != value).map(|v| (i, v.to_string())));
            found
        });
        problems.push(contradiction.map(|(i, found)| {
            Diagnostic::error(format!(
                "{}, column `{key}`: `{found}` contradicts the folder `{key}={value}/` the file is in",
                part.rows.describe(i)
            ))
            .in_file(&part.file)
            .with_hint(format!("a file below `{key}={value}/` holds rows of `{value}` only; move the file, or drop the column `{key}` from it"))
        }));
    }
    problems
}

/// The export's column, or a constant column from a hive partition folder.
fn find_column(part: &RawPart, name: &str, height: usize) -> Option<Column> {
    if let Ok(c) = part.frame.column(name) {
        return Some(c.clone());
    }
    part.partitions
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| Column::new(name.into(), vec![v.as_str(); height]))
}

fn missing_column(source: &Source, part: &RawPart, canonical: &Canonical, export: &str) -> Diagnostic {
    let found: Vec<String> = part.frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let separator = source.separator as char;
    if let [only] = found.as_slice() {
        if let Some(other) = [';', ',', '\t', '|'].into_iter().find(|c| *c != separator && only.contains(*c)) {
            return Diagnostic::error(format!(
                "the header is one column `{only}`: the file is separated by `{}`, not by `{separator}`",
                other.escape_default()
            ))
            .at_line(&part.file, 1)
            .with_hint(format!("set separator = \"{}\" in [sources.{}] of slareport.toml", other.escape_default(), source.kind));
        }
    }
    let mapped = export != canonical.name;
    let message = if mapped {
        format!("column `{export}` (mapped to {} `{}`) is missing", source.kind, canonical.name)
    } else {
        format!("column `{export}` is missing ({} needs it)", source.kind)
    };
    Diagnostic::error(message)
        .at_line(&part.file, 1)
        .with_hint(format!(
            "the file has: {}; map yours in slareport.toml, e.g. [sources.{}] columns = {{ {} = \"<your column>\" }}",
            found.join(", "),
            source.kind,
            canonical.name
        ))
}

fn convert_column<'c>(
    raw: &'c Column,
    canonical: &Canonical,
    source: &Source,
    parser: &TimestampParser,
    cells: &mut Cells,
) -> Option<Values<'c>> {
    let values = match canonical.ty {
        ColumnType::Text if as_exported(raw, canonical, source) => Values::AsExported(raw.clone()),
        ColumnType::Text => Values::Text(text_cells(raw, source, cells)?.into_iter().map(|c| c.map(Cow::Borrowed)).collect()),
        ColumnType::Instant => Values::Instant(instants(raw, source, parser, cells)?),
        ColumnType::Bool => Values::Bool(bools(raw, source, cells)?),
        ColumnType::Number => Values::Number(numbers(raw, source, cells)?),
        ColumnType::Minutes => Values::Instant(
            numbers(raw, source, cells)?
                .into_iter()
                .enumerate()
                .map(|(i, m)| match m {
                    Some(m) if m < 0.0 => {
                        cells.push(i, format!("{m} minutes is negative"));
                        None
                    }
                    Some(m) => Some((m * 60.0).round() as i64),
                    None => Some(0),
                })
                .collect(),
        ),
    };
    Some(values)
}

/// True when a text column needs nothing done to it: text without an empty
/// cell, none padded or one of the source's null values, of a column the
/// source does not map (`[sources.<kind>.values]`) and the checks do not
/// rewrite (an outage's `kind` is written in lower case): [`text_cells`]
/// would give every cell back as it is.
fn as_exported(raw: &Column, canonical: &Canonical, source: &Source) -> bool {
    let Ok(strings) = raw.str() else { return false };
    canonical.name != "kind"
        && !source.values.contains_key(canonical.name)
        && strings.null_count() == 0
        && strings.iter().flatten().all(|c| c.trim().len() == c.len() && !source.null_values.iter().any(|n| n == c))
}

/// The cells as trimmed text, with the source's null values as `None`.
fn text_cells<'c>(raw: &'c Column, source: &Source, cells: &mut Cells) -> Option<Vec<Option<&'c str>>> {
    let Ok(strings) = raw.str() else {
        cells.push(0, format!("holds {} values; expected text", raw.dtype()));
        return None;
    };
    Some(
        strings
            .iter()
            .map(|c| c.map(str::trim).filter(|c| !source.null_values.iter().any(|n| n == c)))
            .collect(),
    )
}

fn instants(raw: &Column, source: &Source, parser: &TimestampParser, cells: &mut Cells) -> Option<Vec<Option<i64>>> {
    match raw.dtype() {
        DataType::String => {
            let text = text_cells(raw, source, cells)?;
            Some(
                text.into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        c.and_then(|c| match parser.parse(c) {
                            Ok(t) => Some(t),
                            Err(e) => {
                                cells.push(i, e);
                                None
                            }
                        })
                    })
                    .collect(),
            )
        }
        DataType::Datetime(unit, zone) => {
            let per_second: i64 = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            let naive = zone.is_none();
            let physical = raw.datetime().ok()?.physical().clone();
            Some(
                physical
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let seconds = v?.div_euclid(per_second);
                        if !naive {
                            return match super::timestamp::in_range(seconds) {
                                Ok(t) => Some(t),
                                Err(e) => {
                                    cells.push(i, e);
                                    None
                                }
                            };
                        }
                        // A timestamp without a zone is wall time in the source's zone.
                        let wall = chrono::DateTime::from_timestamp(seconds, 0)?.naive_utc();
                        let text = wall.format("%Y-%m-%dT%H:%M:%S").to_string();
                        match TimestampParser::new(None, source.timezone).parse(&text) {
                            Ok(t) => Some(t),
                            Err(e) => {
                                cells.push(i, e);
                                None
                            }
                        }
                    })
                    .collect(),
            )
        }
        other => {
            cells.push(0, format!("holds {other} values; expected timestamps"));
            if let Some(d) = cells.problems.listed.last_mut() {
                d.hint = Some("write instants as ISO 8601 text (2026-10-01T08:30:00Z) or as Parquet timestamps".into());
            }
            None
        }
    }
}

fn bools(raw: &Column, source: &Source, cells: &mut Cells) -> Option<Vec<Option<bool>>> {
    if let DataType::Boolean = raw.dtype() {
        return Some(raw.bool().ok()?.iter().collect());
    }
    let as_text = raw.cast(&DataType::String).ok()?;
    let text = text_cells(&as_text, source, cells)?;
    Some(
        text.into_iter()
            .enumerate()
            .map(|(i, c)| {
                let c = c?;
                match c.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "up" | "ok" => Some(true),
                    "false" | "0" | "no" | "down" | "fail" | "failed" => Some(false),
                    _ => {
                        cells.push(i, format!("`{c}` is not up or down; expected true/false, 1/0, yes/no or up/down"));
                        None
                    }
                }
            })
            .collect(),
    )
}

fn numbers(raw: &Column, source: &Source, cells: &mut Cells) -> Option<Vec<Option<f64>>> {
    if raw.dtype().is_primitive_numeric() {
        let cast = raw.cast(&DataType::Float64).ok()?;
        let mut exact = |i: usize, v: f64| {
            // An integer column above 2^53 was rounded by the cast.
            if raw.dtype().is_integer() && v.abs() > MAX_EXACT {
                cells.push(i, format!("{} is too large to count exactly; expected at most 2^53 (9007199254740992)", raw.get(i).map_or_else(|_| v.to_string(), |a| a.to_string())));
                return None;
            }
            if !v.is_finite() {
                cells.push(i, format!("`{v}` is not a number"));
                return None;
            }
            Some(v)
        };
        return Some(cast.f64().ok()?.iter().enumerate().map(|(i, v)| v.and_then(|v| exact(i, v))).collect());
    }
    let as_text = raw.cast(&DataType::String).ok()?;
    let text = text_cells(&as_text, source, cells)?;
    Some(
        text.into_iter()
            .enumerate()
            .map(|(i, c)| {
                let c = c?;
                match c.parse::<f64>() {
                    Ok(n) if n.is_finite() && n.abs() > MAX_EXACT => {
                        cells.push(i, format!("`{c}` is too large to count exactly; expected at most 2^53 (9007199254740992)"));
                        None
                    }
                    Ok(n) if n.is_finite() => Some(n),
                    _ => {
                        cells.push(i, format!("`{c}` is not a number"));
                        None
                    }
                }
            })
            .collect(),
    )
}

/// Rules rows of each kind must keep beyond their cell types. The bad rows
/// of each rule go to `found` (keyed in the order the rules are checked, so
/// the rows of a file read in parts are listed as read at once); returns
/// whether this part has any.
fn check_rows(source: &Source, part: &RawPart, converted: &mut [(&'static str, Values<'_>)], found: &mut BTreeMap<u32, RowProblems>) -> bool {
    let mut any = false;
    let mut row_error = |rule: u32, index: usize, column: &str, message: String| {
        any = true;
        let rule = found.entry(rule).or_default();
        rule.count += 1;
        if rule.listed.len() < MAX_CELL_ERRORS {
            rule.listed.push(cell_error(&part.file, &part.rows, index, column, message));
        }
    };
    let height = part.frame.height();
    // Required cells may not be empty.
    for (rule, (name, values)) in converted.iter().enumerate() {
        let rule = rule as u32;
        let required = source.kind.columns().iter().any(|c| c.name == *name && c.required);
        // An empty service sets the row aside (see `map_values`).
        if !required || *name == "service" {
            continue;
        }
        let export = source.columns.get(*name).map_or(*name, String::as_str);
        for i in 0..height {
            if is_null(values, i) {
                row_error(rule, i, export, format!("is empty; {} `{name}` is required", source.kind));
            }
        }
    }
    let col = |name: &str| converted.iter().position(|(n, _)| *n == name);
    let export = |name: &str| source.columns.get(name).map_or(name, String::as_str).to_string();
    match source.kind {
        SourceKind::Outages => {
            let (start, end, kind) = (col("start"), col("end"), col("kind"));
            if let (Some(s), Some(e)) = (start, end) {
                if let (Values::Instant(s), Values::Instant(e)) = (&converted[s].1, &converted[e].1) {
                    for i in 0..height {
                        if let (Some(a), Some(b)) = (s[i], e[i]) {
                            if b < a {
                                row_error(100, i, &export("end"), "ends before it starts".into());
                            }
                        }
                    }
                }
            }
            if let Some(k) = kind {
                if let Values::Text(kinds) = &mut converted[k].1 {
                    for (i, value) in kinds.iter_mut().enumerate() {
                        let normal = value.as_deref().map(str::to_ascii_lowercase);
                        let known = normal.as_deref().and_then(|k| OUTAGE_KINDS.iter().find(|o| **o == k));
                        match (normal.as_deref(), known) {
                            (None, _) => *value = Some(Cow::Borrowed("unplanned")),
                            (_, Some(kind)) => *value = Some(Cow::Borrowed(kind)),
                            (Some(other), None) => row_error(
                                101,
                                i,
                                &export("kind"),
                                format!("`{other}` is not an outage kind; expected {} (empty means unplanned)", OUTAGE_KINDS.join(", ")),
                            ),
                        }
                    }
                }
            }
        }
        SourceKind::Tickets => {
            if let Some(o) = col("opened") {
                for (rule, later) in [(100, "responded"), (101, "resolved")] {
                    let Some(l) = col(later) else { continue };
                    if let (Values::Instant(o), Values::Instant(l)) = (&converted[o].1, &converted[l].1) {
                        for i in 0..height {
                            if let (Some(a), Some(b)) = (o[i], l[i]) {
                                if b < a {
                                    row_error(rule, i, &export(later), "is before the ticket was opened".to_string());
                                }
                            }
                        }
                    }
                }
            }
        }
        SourceKind::Samples => {
            if let Some(Values::Number(latency)) = col("latency_ms").map(|i| &converted[i].1) {
                for (i, l) in latency.iter().enumerate() {
                    if l.is_some_and(|l| l < 0.0) {
                        row_error(100, i, &export("latency_ms"), "latency is negative".into());
                    }
                }
            }
        }
        SourceKind::Surveys => {
            let (lo, hi) = source.scale;
            if let Some(Values::Number(scores)) = col("score").map(|i| &converted[i].1) {
                for (i, s) in scores.iter().enumerate() {
                    if let Some(s) = s {
                        if *s < lo || *s > hi {
                            row_error(100, i, &export("score"), format!("score {s} is outside the scale {lo} to {hi}"));
                        }
                    }
                }
            }
        }
        SourceKind::Counts => {
            if let (Some(g), Some(t)) = (col("good"), col("total")) {
                if let (Values::Number(good), Values::Number(total)) = (&converted[g].1, &converted[t].1) {
                    for i in 0..height {
                        if let (Some(g), Some(t)) = (good[i], total[i]) {
                            if g < 0.0 || t < 0.0 {
                                row_error(100, i, &export("good"), "counts cannot be negative".into());
                            } else if g > t {
                                row_error(100, i, &export("good"), format!("good {g} is more than total {t}"));
                            }
                        }
                    }
                }
            }
        }
    }
    any
}

fn is_null(values: &Values<'_>, i: usize) -> bool {
    match values {
        Values::Text(v) => v[i].is_none(),
        Values::AsExported(_) => false,
        Values::Absent(_) => true,
        Values::Instant(v) => v[i].is_none(),
        Values::Bool(v) => v[i].is_none(),
        Values::Number(v) => v[i].is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_maps_through_its_key_or_passes_as_an_id() {
        let map: BTreeMap<String, String> =
            [("Email Service", "email"), ("E-mail", "email"), ("CRM", "crm")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(mapped(&map, "Email Service"), Some("email"));
        assert_eq!(mapped(&map, "E-mail"), Some("email"));
        // already an id of the mapping
        assert_eq!(mapped(&map, "crm"), Some("crm"));
        // neither a key nor an id; matching is exact (case and inner spaces count)
        assert_eq!(mapped(&map, "Category 42"), None);
        assert_eq!(mapped(&map, "email service"), None);
        assert_eq!(mapped(&BTreeMap::new(), "email"), None);
    }

    fn samples_source() -> Source {
        let kind = SourceKind::Samples;
        Source {
            kind,
            path: PathBuf::from("probes.csv"),
            columns: kind.columns().iter().map(|c| (c.name.to_string(), c.name.to_string())).collect(),
            timestamp_format: None,
            timezone: chrono_tz::UTC,
            null_values: vec![String::new(), "NA".to_string()],
            separator: b',',
            interval: 60,
            scale: (1.0, 5.0),
            values: BTreeMap::new(),
        }
    }

    /// The column a text column of the export becomes: taken as it is when
    /// every cell is already canonical, else cell by cell.
    fn text_column(raw: &Column, name: &'static str, source: &Source) -> Column {
        let canonical = source.kind.columns().iter().find(|c| c.name == name).unwrap();
        let mut problems = CellProblems::new(Path::new("probes.csv"), name);
        let rows = RowNumbers::Rows { first: 0 };
        let mut cells = Cells { problems: &mut problems, rows: &rows };
        convert_column(raw, canonical, source, &TimestampParser::new(None, source.timezone), &mut cells).unwrap().into_column(name)
    }

    #[test]
    fn a_text_column_needing_nothing_is_taken_as_exported_and_reads_the_same() {
        let source = samples_source();
        let canonical = |name: &str| source.kind.columns().iter().find(|c| c.name == name).unwrap();
        let clean = Column::new("service".into(), ["mail", "crm", "mail"]);
        assert!(as_exported(&clean, canonical("service"), &source));
        // What the cell-by-cell conversion makes of the same cells.
        let by_cell = Column::new("service".into(), text_cells(&clean, &source, &mut Cells { problems: &mut CellProblems::new(Path::new("p"), "service"), rows: &RowNumbers::Rows { first: 0 } }).unwrap());
        assert!(text_column(&clean, "service", &source).equals_missing(&by_cell));
        // A padded cell, a null value, an empty cell: converted cell by cell.
        for cells in [vec![Some("mail "), Some("crm")], vec![Some("NA"), Some("crm")], vec![None, Some("crm")], vec![Some(""), Some("crm")]] {
            let raw = Column::new("service".into(), cells.clone());
            assert!(!as_exported(&raw, canonical("service"), &source), "{cells:?}");
        }
        let padded = Column::new("service".into(), [Some(" mail "), Some("NA"), Some("crm")]);
        let expected = Column::new("service".into(), [Some("mail"), None, Some("crm")]);
        assert!(text_column(&padded, "service", &source).equals_missing(&expected));
        // A mapped column is converted cell by cell (map_values maps it).
        let mut mapped = samples_source();
        mapped.values.insert("service".into(), [("Mail".to_string(), "mail".to_string())].into_iter().collect());
        assert!(!as_exported(&clean, canonical("service"), &mapped));
        // Not text: refused cell by cell, as before.
        assert!(!as_exported(&Column::new("service".into(), [1i64, 2]), canonical("service"), &source));
    }

    #[test]
    fn an_outage_kind_is_never_taken_as_exported() {
        let mut source = samples_source();
        source.kind = SourceKind::Outages;
        let kind = SourceKind::Outages.columns().iter().find(|c| c.name == "kind").unwrap();
        assert!(!as_exported(&Column::new("kind".into(), ["Planned", "unplanned"]), kind, &source));
    }

    #[test]
    fn a_column_without_empty_cells_is_made_whole_and_reads_the_same() {
        let instants = Values::Instant(vec![Some(1), Some(2)]).into_column("time");
        assert!(instants.equals_missing(&Column::new("time".into(), [Some(1i64), Some(2)])));
        assert_eq!(instants.null_count(), 0);
        let gaps = Values::Number(vec![Some(1.5), None]).into_column("latency_ms");
        assert!(gaps.equals_missing(&Column::new("latency_ms".into(), [Some(1.5f64), None])));
        let absent = Values::Absent(2).into_column("customer");
        assert!(absent.equals_missing(&Column::full_null("customer".into(), 2, &DataType::String)));
        let up = Values::Bool(vec![Some(true), Some(false)]).into_column("up");
        assert!(up.equals_missing(&Column::new("up".into(), [true, false])));
    }
}
