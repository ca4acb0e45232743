//! Reading export files as they are: CSV as text, Parquet with its own types.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Source;

/// One file of a source, before conversion.
#[derive(Debug)]
pub struct RawPart {
    /// The file, relative to the site folder.
    pub file: PathBuf,
    pub frame: DataFrame,
    /// How rows of `frame` are numbered for people.
    pub rows: RowNumbers,
    /// `key=value` folders between the source folder and the file (hive partitions).
    pub partitions: Vec<(String, String)>,
}

/// How to name a row of a file in a message.
#[derive(Debug, Clone)]
pub enum RowNumbers {
    /// CSV: the line each record starts on (the header is line 1), and
    /// how many data records of the file come before (a part of a file
    /// read in parts).
    Lines { lines: Vec<usize>, first: usize },
    /// Parquet: rows counted from 1, and how many rows of the file come
    /// before (a part of a file read in slices).
    Rows { first: usize },
    /// Some rows of a part (those `index` gives, in order), named as in the part.
    Picked { of: Box<RowNumbers>, index: Vec<usize> },
}

impl RowNumbers {
    /// The number people see for data row `index` (0-based).
    pub fn number(&self, index: usize) -> usize {
        match self {
            RowNumbers::Lines { lines, first } => lines.get(index).copied().unwrap_or(first + index + 2),
            RowNumbers::Rows { first } => first + index + 1,
            RowNumbers::Picked { of, index: picked } => of.number(picked.get(index).copied().unwrap_or(index)),
        }
    }

    /// How people name data row `index` (0-based): a CSV row as a
    /// spreadsheet numbers it (the header is row 1), with its line when a
    /// quoted newline makes the two differ; a Parquet row counted from 1.
    pub fn describe(&self, index: usize) -> String {
        match self {
            RowNumbers::Lines { first, .. } => {
                let row = first + index + 2;
                let line = self.number(index);
                if line == row {
                    format!("row {row}")
                } else {
                    format!("row {row} (line {line})")
                }
            }
            RowNumbers::Rows { first } => format!("row {}", first + index + 1),
            RowNumbers::Picked { of, index: picked } => of.describe(picked.get(index).copied().unwrap_or(index)),
        }
    }

    pub fn is_csv(&self) -> bool {
        match self {
            RowNumbers::Lines { .. } => true,
            RowNumbers::Rows { .. } => false,
            RowNumbers::Picked { of, .. } => of.is_csv(),
        }
    }
}

/// A file of a source, found but not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The file, relative to the site folder.
    pub file: PathBuf,
    /// `key=value` folders between the source folder and the file (hive partitions).
    pub partitions: Vec<(String, String)>,
}

/// The files of `source` in reading order: the file it names, or every
/// `*.parquet` below the folder it names, in name order.
pub fn list(root: &Path, source: &Source) -> Result<Vec<Listed>, Diagnostics> {
    if source.path.as_os_str().is_empty() {
        // The path was refused when slareport.toml was loaded; that error says it all.
        return Err(Diagnostics::new());
    }
    let full = root.join(&source.path);
    let shown = source.path.clone();
    let not_found = || {
        Diagnostic::error(format!("{} does not exist", shown.display()))
            .in_file(crate::load::CONFIG_FILE)
            .with_hint(format!(
                "sources.{}.path names a CSV file, a Parquet file or a folder of Parquet files, relative to the site folder",
                source.kind
            ))
    };
    let metadata = std::fs::metadata(&full).map_err(|_| Diagnostics::from(not_found()))?;
    if metadata.is_dir() {
        return list_folder(root, &full);
    }
    if !metadata.is_file() {
        // A FIFO would block the read forever, a device never end.
        return Err(Diagnostic::error(format!(
            "{} is not a regular file (a pipe, socket or device); expected a CSV or Parquet file or a folder",
            shown.display()
        ))
        .in_file(crate::load::CONFIG_FILE)
        .into());
    }
    Ok(vec![Listed { file: shown, partitions: Vec::new() }])
}

/// A folder is a Parquet dataset: every `*.parquet` below it, in name order.
fn list_folder(root: &Path, folder: &Path) -> Result<Vec<Listed>, Diagnostics> {
    let mut found = Vec::new();
    let mut problems = Diagnostics::new();
    for entry in WalkDir::new(folder).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Diagnostic::error(format!("cannot read {}: {e}", relative(root, folder).display())));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || !is_parquet(path) {
            continue;
        }
        found.push(Listed { file: relative(root, path), partitions: partitions(folder, path) });
    }
    if found.is_empty() && !problems.has_errors() {
        problems.push(
            Diagnostic::error(format!("{} holds no .parquet files", relative(root, folder).display()))
                .in_file(crate::load::CONFIG_FILE),
        );
    }
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(found)
    }
}

/// True for a file a folder source reads: `*.parquet` or `*.pq`.
pub fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "parquet" || e == "pq")
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// `key=value` folder names between `folder` and `file`.
fn partitions(folder: &Path, file: &Path) -> Vec<(String, String)> {
    let Ok(inner) = file.strip_prefix(folder) else { return Vec::new() };
    inner
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| {
            let name = c.as_os_str().to_str()?;
            let (k, v) = name.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

/// How a file is cut into parts: at a record boundary once a part
/// holds `chunk_bytes`, so the memory a file needs is bounded by the part
/// size, not the file size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    /// A part ends at the first record end at or after this many bytes.
    pub chunk_bytes: usize,
    /// A record longer than this is refused: it is a stray quote running on
    /// (or a line that is not a record), and holding it would need memory
    /// without bound.
    pub max_record_bytes: usize,
    /// How many rows of a Parquet file make a part.
    pub parquet_rows: usize,
}

/// The size of a CSV part: 64 MiB of text (a few hundred MiB once parsed).
pub const CHUNK_BYTES: usize = 64 << 20;

impl Default for Chunking {
    fn default() -> Self {
        Chunking { chunk_bytes: CHUNK_BYTES, max_record_bytes: CHUNK_BYTES, parquet_rows: PARQUET_SLICE_ROWS }
    }
}

/// A file opened for reading, to be read part by part.
pub enum Opened {
    Parquet(ParquetParts),
    Csv(Box<CsvParts>),
}

impl Opened {
    /// The next part of the file; `None` once it is all read.
    pub fn next_part(&mut self) -> Result<Option<RawPart>, Diagnostic> {
        match self {
            Opened::Parquet(p) => p.next_part(),
            Opened::Csv(c) => c.next_part(),
        }
    }
}

/// Opens one file [`list`] found, to be read part by part.
pub fn open_listed(root: &Path, source: &Source, listed: &Listed, chunking: Chunking) -> Result<Opened, Diagnostic> {
    let path = root.join(&listed.file);
    let shown = relative(root, &path);
    if is_parquet(&path) {
        return ParquetParts::open(path, shown, listed.partitions.clone(), chunking.parquet_rows).map(Opened::Parquet);
    }
    let file = File::open(&path).map_err(|e| cannot_read(&shown, e.to_string()))?;
    Ok(Opened::Csv(Box::new(CsvParts::new(file, shown, source.separator, listed.partitions.clone(), chunking))))
}

fn cannot_read(shown: &Path, what: String) -> Diagnostic {
    Diagnostic::error(format!("cannot read {}: {what}", shown.display())).in_file(shown)
}

/// How many rows of a Parquet file are read at once: a month of one-minute
/// probes for 300 services (13 M rows) is read in seven slices, each about
/// 100 MB decoded, instead of 650 MB at once.
pub const PARQUET_SLICE_ROWS: usize = 2 << 20;

/// A Parquet file read in slices of rows (polars reads only the row groups
/// a slice needs). There is always at least one slice, so a file without
/// rows still has its columns checked.
pub struct ParquetParts {
    path: PathBuf,
    shown: PathBuf,
    partitions: Vec<(String, String)>,
    rows: usize,
    next: usize,
    slice: usize,
    started: bool,
}

impl ParquetParts {
    fn open(path: PathBuf, shown: PathBuf, partitions: Vec<(String, String)>, slice: usize) -> Result<ParquetParts, Diagnostic> {
        let file = File::open(&path).map_err(|e| cannot_read(&shown, e.to_string()))?;
        let rows = ParquetReader::new(file).num_rows().map_err(|e| cannot_read(&shown, format!("{e}")).with_hint("is it a Parquet file?"))?;
        Ok(ParquetParts { path, shown, partitions, rows, next: 0, slice: slice.max(1), started: false })
    }

    fn next_part(&mut self) -> Result<Option<RawPart>, Diagnostic> {
        if self.started && self.next >= self.rows {
            return Ok(None);
        }
        self.started = true;
        let (first, len) = (self.next, self.slice.min(self.rows - self.next));
        let file = File::open(&self.path).map_err(|e| cannot_read(&self.shown, e.to_string()))?;
        let frame = ParquetReader::new(file)
            .with_slice(Some((first, len)))
            .finish()
            .map_err(|e| cannot_read(&self.shown, format!("{e}")).with_hint("is it a Parquet file?"))?;
        self.next = first + len;
        Ok(Some(RawPart { file: self.shown.clone(), frame, rows: RowNumbers::Rows { first }, partitions: self.partitions.clone() }))
    }
}

/// A CSV file read part by part. The checks that concern the whole file
/// run over the stream, their state carried from part to part: UTF-8
/// text, not empty, the shape of the records ([`Shape`]). Their messages
/// are those of a file read at once, and so is their precedence: a line
/// that is not UTF-8 is reported alone wherever it is, then an empty
/// file, then the shape; a part's own problems (polars refusing it, a cell
/// that does not convert) count only when the whole file passed. So parts
/// handed out before a later problem is found belong to a file that fails.
pub struct CsvParts {
    file: File,
    shown: PathBuf,
    separator: u8,
    partitions: Vec<(String, String)>,
    chunking: Chunking,
    /// Bytes read and not handed out yet (the byte order mark dropped).
    buf: Vec<u8>,
    eof: bool,
    bom_checked: bool,
    /// Every byte so far is ASCII whitespace.
    blank: bool,
    /// `buf[..utf8_pos]` is UTF-8; `utf8_lines` newlines precede `utf8_pos` in the file.
    utf8_pos: usize,
    utf8_lines: usize,
    shape: Shape,
    shape_pos: usize,
    /// The header names a column twice: the shape check stops there.
    shape_error: Option<(usize, String)>,
    records: Records,
    rec_pos: usize,
    /// Where in `buf` the record being read starts, and its line.
    record_from: usize,
    record_line: usize,
    /// The header record (with any blank lines before it), put before every part after the first.
    header: Option<Vec<u8>>,
    /// The line each data record of the part being gathered starts on.
    lines: Vec<usize>,
    /// Data records handed out in earlier parts.
    rows_before: usize,
    emitted: bool,
    finished: bool,
    /// A problem of a part (polars refused it, a record never ends),
    /// reported when the whole file passes its checks.
    later: Option<Diagnostic>,
}

impl CsvParts {
    fn new(file: File, shown: PathBuf, separator: u8, partitions: Vec<(String, String)>, chunking: Chunking) -> CsvParts {
        CsvParts {
            file,
            shown,
            separator,
            partitions,
            chunking,
            buf: Vec::new(),
            eof: false,
            bom_checked: false,
            blank: true,
            utf8_pos: 0,
            utf8_lines: 0,
            shape: Shape::new(separator),
            shape_pos: 0,
            shape_error: None,
            records: Records::new(),
            rec_pos: 0,
            record_from: 0,
            record_line: 1,
            header: None,
            lines: Vec::new(),
            rows_before: 0,
            emitted: false,
            finished: false,
            later: None,
        }
    }

    /// The next part, `None` after the last. An error is the file's only
    /// problem: the problems of parts handed out before do not count.
    pub fn next_part(&mut self) -> Result<Option<RawPart>, Diagnostic> {
        if self.finished {
            return Ok(None);
        }
        loop {
            if self.bom_checked {
                self.validate_utf8()?;
                if self.shape_error.is_none() {
                    match self.shape.feed(&self.buf, self.shape_pos, self.eof) {
                        Ok(at) => self.shape_pos = at,
                        Err(e) => self.shape_error = Some(e),
                    }
                }
                if !self.scanning_only() {
                    if let Some(cut) = self.gather() {
                        match self.emit(cut) {
                            Ok(part) => return Ok(Some(part)),
                            Err(d) => self.later = Some(d),
                        }
                        continue;
                    }
                    if self.buf.len() - self.record_from > self.chunking.max_record_bytes {
                        self.later = Some(self.too_long());
                    }
                }
                if self.scanning_only() {
                    // Nothing more is handed out: keep only what the checks still need.
                    let checked = if self.shape_error.is_none() { self.utf8_pos.min(self.shape_pos) } else { self.utf8_pos };
                    self.buf.drain(..checked);
                    self.utf8_pos -= checked;
                    self.shape_pos = self.shape_pos.saturating_sub(checked);
                }
                if self.eof {
                    self.finished = true;
                    self.verdict()?;
                    if !self.emitted || !self.lines.is_empty() {
                        return self.emit(self.buf.len()).map(Some);
                    }
                    return Ok(None);
                }
            }
            self.fill()?;
        }
    }

    /// True once no more parts will be handed out: only the checks of the whole file go on.
    fn scanning_only(&self) -> bool {
        self.later.is_some() || self.shape_error.is_some() || self.shape.ragged.is_some()
    }

    /// Reads the next block of the file.
    fn fill(&mut self) -> Result<(), Diagnostic> {
        let block = self.chunking.chunk_bytes.clamp(1, 1 << 20);
        let old = self.buf.len();
        self.buf.resize(old + block, 0);
        let read = loop {
            match self.file.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(cannot_read(&self.shown, e.to_string()));
                }
            }
        };
        self.buf.truncate(old + read);
        if read == 0 {
            self.eof = true;
        }
        if !self.bom_checked && (self.buf.len() >= 3 || self.eof) {
            // Spreadsheet programs start UTF-8 CSV with a byte order mark; it is not
            // part of the first column's name.
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
            self.bom_checked = true;
            self.blank = self.buf.iter().all(u8::is_ascii_whitespace);
        } else if self.bom_checked && self.blank {
            self.blank = self.buf[old..].iter().all(u8::is_ascii_whitespace);
        }
        Ok(())
    }

    /// Checks the bytes read since the last call are UTF-8 (a character cut
    /// at the end of the buffer waits for the next block).
    fn validate_utf8(&mut self) -> Result<(), Diagnostic> {
        let unchecked = &self.buf[self.utf8_pos..];
        let valid = match std::str::from_utf8(unchecked) {
            Ok(_) => unchecked.len(),
            Err(e) if e.error_len().is_none() && !self.eof => e.valid_up_to(),
            Err(e) => {
                let line = 1 + self.utf8_lines + newlines(&unchecked[..e.valid_up_to()]);
                return Err(Diagnostic::error(format!("cannot read {}: line {line} is not UTF-8 text", self.shown.display()))
                    .at_line(&self.shown, line)
                    .with_hint("export the CSV as UTF-8"));
            }
        };
        self.utf8_lines += newlines(&unchecked[..valid]);
        self.utf8_pos += valid;
        Ok(())
    }

    /// Follows the records over what is buffered, noting the line each
    /// data record starts on; returns where to cut once the part is big
    /// enough and holds a record.
    fn gather(&mut self) -> Option<usize> {
        let mut i = self.rec_pos;
        let mut cut = None;
        while let Some(mark) = self.records.next_mark(&self.buf, &mut i, self.eof) {
            match mark {
                Mark::Start(line) => self.lines.push(line),
                Mark::End(at) => {
                    self.record_from = at;
                    self.record_line = self.records.line;
                    if self.header.is_none() && self.records.header_done {
                        self.header = Some(self.buf[..at].to_vec());
                    }
                    if at >= self.chunking.chunk_bytes && !self.lines.is_empty() {
                        cut = Some(at);
                        break;
                    }
                }
            }
        }
        self.rec_pos = i;
        cut
    }

    /// Hands out `buf[..cut]` as a part, parsed with the header's column
    /// names: the buffer always starts with the header (the file's start,
    /// or the header put back in front of what follows a part), so a part
    /// is handed to polars as it is, without a copy.
    fn emit(&mut self, cut: usize) -> Result<RawPart, Diagnostic> {
        let header = self.header.as_deref().unwrap_or_default();
        let mut next = Vec::with_capacity(header.len() + self.buf.len() - cut);
        next.extend_from_slice(header);
        next.extend_from_slice(&self.buf[cut..]);
        self.buf.truncate(cut);
        let bytes = std::mem::replace(&mut self.buf, next);
        let moved = |at: usize| at.saturating_sub(cut) + header.len();
        self.utf8_pos = moved(self.utf8_pos);
        self.shape_pos = moved(self.shape_pos);
        self.rec_pos = moved(self.rec_pos);
        self.record_from = moved(self.record_from);
        self.emitted = true;
        let lines = std::mem::take(&mut self.lines);
        let first = self.rows_before;
        self.rows_before += lines.len();
        let options = CsvReadOptions::default()
            .with_has_header(true)
            // Every cell is read as text and converted by us, so a bad cell is
            // reported with its row instead of failing the whole file.
            .with_infer_schema_length(Some(0))
            .with_raise_if_empty(false)
            .map_parse_options(|p| p.with_separator(self.separator).with_missing_is_null(true));
        let frame = options
            .into_reader_with_file_handle(std::io::Cursor::new(bytes))
            .finish()
            .map_err(|e| {
                cannot_read(&self.shown, format!("{e}")).with_hint("check that every line has the same number of fields as the header")
            })?;
        Ok(RawPart { file: self.shown.clone(), frame, rows: RowNumbers::Lines { lines, first }, partitions: self.partitions.clone() })
    }

    fn too_long(&self) -> Diagnostic {
        let line = self.record_line;
        let limit = self.chunking.max_record_bytes;
        let size = if limit.is_multiple_of(1 << 20) { format!("{} MiB", limit >> 20) } else { format!("{limit} bytes") };
        Diagnostic::error(format!(
            "{}, line {line}: the record starting here runs on for more than {size}; expected one record per line",
            self.shown.display()
        ))
        .at_line(&self.shown, line)
        .with_hint("a `\"` opens a quoted field that runs up to the next `\"`, over line ends; look for a stray quote on this line")
    }

    /// At the end of the file: the checks of the whole file, in the order a
    /// file read at once is checked, then a part's problem.
    fn verdict(&mut self) -> Result<(), Diagnostic> {
        let shown = &self.shown;
        if self.blank {
            return Err(Diagnostic::error(format!(
                "{} is empty; expected a header line naming the columns, then one line per row",
                shown.display()
            ))
            .in_file(shown));
        }
        let shape = match self.shape_error.take() {
            Some(e) => Err(e),
            None => self.shape.finish(),
        };
        if let Err((line, message)) = shape {
            return Err(Diagnostic::error(format!("{}, line {line}: {message}", shown.display())).at_line(shown, line));
        }
        match self.later.take() {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }
}

fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// Checks what polars would refuse without saying where, or accept quietly:
/// a quoted field never closed, a record with more or fewer fields than the
/// header, a column named twice in the header. Returns the line and what
/// was expected. Quotes follow RFC 4180: a `"` opens a quoted field only at
/// the start of a field, and `""` inside one is a quote.
#[cfg(test)]
fn check_shape(bytes: &[u8], separator: u8) -> Result<(), (usize, String)> {
    let mut shape = Shape::new(separator);
    shape.feed(bytes, 0, true)?;
    shape.finish()
}

/// The state of [`check_shape`] between two blocks of a file.
#[derive(Debug)]
struct Shape {
    separator: u8,
    line: usize,
    in_quotes: bool,
    quote_line: usize,
    at_record_start: bool,
    at_field_start: bool,
    fields: usize,
    record_line: usize,
    /// The header's line and column names, once read.
    header: Option<(usize, Vec<String>)>,
    header_fields: Vec<Vec<u8>>,
    /// The first ragged record: its line and fields.
    ragged: Option<(usize, usize)>,
    ragged_more: usize,
}

impl Shape {
    fn new(separator: u8) -> Shape {
        Shape {
            separator,
            line: 1,
            in_quotes: false,
            quote_line: 0,
            at_record_start: true,
            at_field_start: true,
            fields: 1,
            record_line: 1,
            header: None,
            header_fields: vec![Vec::new()],
            ragged: None,
            ragged_more: 0,
        }
    }

    fn end_record(&mut self) -> Result<(), (usize, String)> {
        match &self.header {
            None => {
                let list: Vec<String> = self.header_fields.iter().map(|n| String::from_utf8_lossy(n).trim().to_string()).collect();
                for (i, name) in list.iter().enumerate() {
                    if let Some(j) = list[..i].iter().position(|n| n == name) {
                        return Err((self.record_line, format!(
                            "the header names column `{name}` twice (fields {} and {}); expected each column once",
                            j + 1,
                            i + 1
                        )));
                    }
                }
                self.header = Some((self.record_line, list));
                self.header_fields = Vec::new();
            }
            Some((_, names)) if names.len() != self.fields => {
                if self.ragged.is_none() {
                    self.ragged = Some((self.record_line, self.fields));
                } else {
                    self.ragged_more += 1;
                }
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn push_header_byte(&mut self, b: u8) {
        if self.header.is_none() {
            if let Some(f) = self.header_fields.last_mut() {
                f.push(b);
            }
        }
    }

    /// Reads `bytes[i..]` as far as it can tell (a byte is read once the
    /// one after it is there, or at the end of the file); returns where
    /// it stopped.
    fn feed(&mut self, bytes: &[u8], mut i: usize, eof: bool) -> Result<usize, (usize, String)> {
        while i < bytes.len() && (eof || i + 1 < bytes.len()) {
            let b = bytes[i];
            let next = bytes.get(i + 1);
            if self.at_record_start {
                if b == b'\n' {
                    self.line += 1;
                    i += 1;
                    continue;
                }
                if b == b'\r' && next == Some(&b'\n') {
                    i += 1;
                    continue;
                }
                self.at_record_start = false;
                self.at_field_start = true;
                self.fields = 1;
                self.record_line = self.line;
            }
            if self.in_quotes {
                if b == b'"' {
                    if next == Some(&b'"') {
                        self.push_header_byte(b'"');
                        i += 2;
                        continue;
                    }
                    self.in_quotes = false;
                } else {
                    if b == b'\n' {
                        self.line += 1;
                    }
                    self.push_header_byte(b);
                }
                i += 1;
                continue;
            }
            match b {
                b'"' if self.at_field_start => {
                    self.in_quotes = true;
                    self.quote_line = self.line;
                    self.at_field_start = false;
                }
                b'\n' => {
                    self.line += 1;
                    self.end_record()?;
                    self.at_record_start = true;
                }
                b'\r' if next == Some(&b'\n') => {}
                _ if b == self.separator => {
                    self.fields += 1;
                    self.at_field_start = true;
                    if self.header.is_none() {
                        self.header_fields.push(Vec::new());
                    }
                }
                _ => {
                    self.at_field_start = false;
                    self.push_header_byte(b);
                }
            }
            i += 1;
        }
        Ok(i)
    }

    /// At the end of the file.
    fn finish(&mut self) -> Result<(), (usize, String)> {
        if self.in_quotes {
            return Err((self.quote_line, "a quoted field starts on this line and is never closed; expected a closing `\"` (write a quote inside a quoted field as `\"\"`)".to_string()));
        }
        if !self.at_record_start {
            self.at_record_start = true;
            self.end_record()?;
        }
        if let (Some((line, found)), Some((header_line, names))) = (self.ragged, &self.header) {
            let more = if self.ragged_more > 0 { format!(" ({} more lines are ragged too)", self.ragged_more) } else { String::new() };
            let hint = if names.len() == 1 { format!("; is the separator `{}` right?", self.separator as char) } else { String::new() };
            return Err((line, format!(
                "has {found} fields; expected {}, as the header on line {header_line} has{more}{hint}",
                names.len()
            )));
        }
        Ok(())
    }
}

/// Where records start and end as polars splits them: a newline ends a
/// record unless an odd number of quotes precede it (any `"` toggles, where
/// [`Shape`] follows RFC 4180; the two differ only on a stray quote). Blank
/// lines before the header are skipped; the first record is the header;
/// after it a blank line is a record too (polars reads it as a row of
/// empty cells).
#[derive(Debug)]
struct Records {
    line: usize,
    in_quotes: bool,
    at_record_start: bool,
    header_done: bool,
}

/// What [`Records::next_mark`] found.
#[derive(Debug, PartialEq)]
enum Mark {
    /// A data record starts on this line.
    Start(usize),
    /// A record (or a blank line) ends just before this position.
    End(usize),
}

impl Records {
    fn new() -> Records {
        Records { line: 1, in_quotes: false, at_record_start: true, header_done: false }
    }

    /// Reads on from `*i` to the next mark; `None` when it needs more bytes
    /// (a byte is read once the one after it is there, or at the end of the file).
    fn next_mark(&mut self, bytes: &[u8], i: &mut usize, eof: bool) -> Option<Mark> {
        while *i < bytes.len() && (eof || *i + 1 < bytes.len()) {
            let b = bytes[*i];
            if self.at_record_start && !self.in_quotes {
                if self.header_done {
                    // The byte is read on the next call.
                    self.at_record_start = false;
                    return Some(Mark::Start(self.line));
                }
                let blank = b == b'\n' || (b == b'\r' && bytes.get(*i + 1) == Some(&b'\n'));
                if !blank {
                    self.at_record_start = false;
                    self.header_done = true;
                }
            }
            *i += 1;
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' => {
                    self.line += 1;
                    if !self.in_quotes {
                        self.at_record_start = true;
                        return Some(Mark::End(*i));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// The line each data record starts on, skipping the header (and blank
/// lines before it) and counting newlines inside quoted fields.
#[cfg(test)]
fn record_lines(bytes: &[u8]) -> Vec<usize> {
    let mut records = Records::new();
    let mut i = 0;
    let mut starts = Vec::new();
    while let Some(mark) = records.next_mark(bytes, &mut i, true) {
        if let Mark::Start(line) = mark {
            starts.push(line);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lines_skip_the_header_and_follow_quoted_newlines() {
        let csv = b"a,b\n1,2\n\"x\ny\",3\n\n4,5\n";
        // polars reads the blank line 5 as a row of empty cells.
        assert_eq!(record_lines(csv), vec![2, 3, 5, 6]);
        assert_eq!(record_lines(b"\r\n\na,b\r\n1,2\r\n\r\n"), vec![4, 5]);
    }

    #[test]
    fn ragged_records_unclosed_quotes_and_twice_named_columns_are_found() {
        assert_eq!(check_shape(b"a,b\n1,2\n\"x\ny\",3\n\n4,5\n", b','), Ok(()));
        assert_eq!(check_shape(b"a,b\r\n1,\"2 \"\"in\"\" \"\r\n", b','), Ok(()));
        assert_eq!(check_shape(b"a,b\n1,5\" tall\n", b','), Ok(()));
        let (line, m) = check_shape(b"a,b\n1,2\n1,2,3\n", b',').unwrap_err();
        assert_eq!(line, 3);
        assert!(m.contains("has 3 fields; expected 2"), "{m}");
        let (line, m) = check_shape(b"a,b\n1,2\n\"open,2\n3,4\n", b',').unwrap_err();
        assert_eq!(line, 3);
        assert!(m.contains("never closed"), "{m}");
        let (line, m) = check_shape(b"a,b,a\n1,2,3\n", b',').unwrap_err();
        assert_eq!(line, 1);
        assert!(m.contains("column `a` twice"), "{m}");
    }

    #[test]
    fn hive_partitions_come_from_folder_names() {
        let found = partitions(Path::new("data/probes"), Path::new("data/probes/service=email/year=2026/a.parquet"));
        assert_eq!(found, vec![("service".into(), "email".into()), ("year".into(), "2026".into())]);
    }
}
