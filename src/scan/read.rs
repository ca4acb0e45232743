//! Reading export files as they are: CSV as text, Parquet with its own types.

use std::fs::File;
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
#[derive(Debug)]
pub enum RowNumbers {
    /// CSV: the line each record starts on (the header is line 1).
    Lines(Vec<usize>),
    /// Parquet: rows counted from 1.
    Rows,
}

impl RowNumbers {
    /// The number people see for data row `index` (0-based).
    pub fn number(&self, index: usize) -> usize {
        match self {
            RowNumbers::Lines(lines) => lines.get(index).copied().unwrap_or(index + 2),
            RowNumbers::Rows => index + 1,
        }
    }

    /// How people name data row `index` (0-based): a CSV row as a
    /// spreadsheet numbers it (the header is row 1), with its line when a
    /// quoted newline makes the two differ; a Parquet row counted from 1.
    pub fn describe(&self, index: usize) -> String {
        match self {
            RowNumbers::Lines(_) => {
                let row = index + 2;
                let line = self.number(index);
                if line == row {
                    format!("row {row}")
                } else {
                    format!("row {row} (line {line})")
                }
            }
            RowNumbers::Rows => format!("row {}", index + 1),
        }
    }

    pub fn is_csv(&self) -> bool {
        matches!(self, RowNumbers::Lines(_))
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

/// Reads one file [`list`] found.
pub fn read_listed(root: &Path, source: &Source, listed: &Listed) -> Result<RawPart, Diagnostic> {
    let mut part = read_file(root, &root.join(&listed.file), source)?;
    part.partitions = listed.partitions.clone();
    Ok(part)
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

fn is_parquet(path: &Path) -> bool {
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

fn read_file(root: &Path, path: &Path, source: &Source) -> Result<RawPart, Diagnostic> {
    let shown = relative(root, path);
    let fail = |what: String| Diagnostic::error(format!("cannot read {}: {what}", shown.display())).in_file(&shown);
    if is_parquet(path) {
        let file = File::open(path).map_err(|e| fail(e.to_string()))?;
        let frame = ParquetReader::new(file)
            .finish()
            .map_err(|e| fail(format!("{e}")).with_hint("is it a Parquet file?"))?;
        return Ok(RawPart { file: shown, frame, rows: RowNumbers::Rows, partitions: Vec::new() });
    }
    let mut bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    // Spreadsheet programs start UTF-8 CSV with a byte order mark; it is not
    // part of the first column's name.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Err(e) = std::str::from_utf8(&bytes) {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
        return Err(Diagnostic::error(format!("cannot read {}: line {line} is not UTF-8 text", shown.display()))
            .at_line(&shown, line)
            .with_hint("export the CSV as UTF-8"));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::error(format!("{} is empty; expected a header line naming the columns, then one line per row", shown.display()))
            .in_file(&shown));
    }
    if let Err((line, message)) = check_shape(&bytes, source.separator) {
        return Err(Diagnostic::error(format!("{}, line {line}: {message}", shown.display())).at_line(&shown, line));
    }
    let lines = record_lines(&bytes);
    let options = CsvReadOptions::default()
        .with_has_header(true)
        // Every cell is read as text and converted by us, so a bad cell is
        // reported with its row instead of failing the whole file.
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|p| p.with_separator(source.separator).with_missing_is_null(true));
    let frame = options
        .into_reader_with_file_handle(std::io::Cursor::new(bytes))
        .finish()
        .map_err(|e| fail(format!("{e}")).with_hint("check that every line has the same number of fields as the header"))?;
    Ok(RawPart { file: shown, frame, rows: RowNumbers::Lines(lines), partitions: Vec::new() })
}

/// Checks what polars would refuse without saying where, or accept quietly:
/// a quoted field never closed, a record with more or fewer fields than the
/// header, a column named twice in the header. Returns the line and what
/// was expected. Quotes follow RFC 4180: a `"` opens a quoted field only at
/// the start of a field, and `""` inside one is a quote.
fn check_shape(bytes: &[u8], separator: u8) -> Result<(), (usize, String)> {
    let mut line = 1;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let mut at_record_start = true;
    let mut at_field_start = true;
    let mut fields = 1;
    let mut record_line = 1;
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut header_fields: Vec<Vec<u8>> = vec![Vec::new()];
    let mut ragged: Option<(usize, usize)> = None;
    let mut ragged_more = 0;
    let mut end_record = |fields: usize, record_line: usize, header: &mut Option<(usize, Vec<String>)>, names: &mut Vec<Vec<u8>>| -> Result<(), (usize, String)> {
        match header {
            None => {
                let list: Vec<String> = names.iter().map(|n| String::from_utf8_lossy(n).trim().to_string()).collect();
                for (i, name) in list.iter().enumerate() {
                    if let Some(j) = list[..i].iter().position(|n| n == name) {
                        return Err((record_line, format!(
                            "the header names column `{name}` twice (fields {} and {}); expected each column once",
                            j + 1,
                            i + 1
                        )));
                    }
                }
                *header = Some((record_line, list));
            }
            Some((_, names)) if names.len() != fields => {
                if ragged.is_none() {
                    ragged = Some((record_line, fields));
                } else {
                    ragged_more += 1;
                }
            }
            Some(_) => {}
        }
        Ok(())
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if at_record_start {
            if b == b'\n' {
                line += 1;
                i += 1;
                continue;
            }
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            at_record_start = false;
            at_field_start = true;
            fields = 1;
            record_line = line;
        }
        let in_header = header.is_none();
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    if in_header {
                        if let Some(f) = header_fields.last_mut() {
                            f.push(b'"');
                        }
                    }
                    i += 2;
                    continue;
                }
                in_quotes = false;
            } else {
                if b == b'\n' {
                    line += 1;
                }
                if in_header {
                    if let Some(f) = header_fields.last_mut() {
                        f.push(b);
                    }
                }
            }
            i += 1;
            continue;
        }
        match b {
            b'"' if at_field_start => {
                in_quotes = true;
                quote_line = line;
                at_field_start = false;
            }
            b'\n' => {
                line += 1;
                end_record(fields, record_line, &mut header, &mut header_fields)?;
                at_record_start = true;
            }
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            _ if b == separator => {
                fields += 1;
                at_field_start = true;
                if in_header {
                    header_fields.push(Vec::new());
                }
            }
            _ => {
                at_field_start = false;
                if in_header {
                    if let Some(f) = header_fields.last_mut() {
                        f.push(b);
                    }
                }
            }
        }
        i += 1;
    }
    if in_quotes {
        return Err((quote_line, "a quoted field starts on this line and is never closed; expected a closing `\"` (write a quote inside a quoted field as `\"\"`)".to_string()));
    }
    if !at_record_start {
        end_record(fields, record_line, &mut header, &mut header_fields)?;
    }
    if let (Some((line, found)), Some((header_line, names))) = (ragged, &header) {
        let more = if ragged_more > 0 { format!(" ({ragged_more} more lines are ragged too)") } else { String::new() };
        let hint = if names.len() == 1 { format!("; is the separator `{}` right?", separator as char) } else { String::new() };
        return Err((line, format!(
            "has {found} fields; expected {}, as the header on line {header_line} has{more}{hint}",
            names.len()
        )));
    }
    Ok(())
}

/// The line each data record starts on, skipping the header and blank lines
/// and counting newlines inside quoted fields.
fn record_lines(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut line = 1;
    let mut in_quotes = false;
    let mut at_record_start = true;
    let mut header_done = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if at_record_start && !in_quotes {
            let blank = b == b'\n' || (b == b'\r' && bytes.get(i + 1) == Some(&b'\n'));
            if !blank {
                if header_done {
                    starts.push(line);
                } else {
                    header_done = true;
                }
                at_record_start = false;
            }
        }
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' => {
                line += 1;
                if !in_quotes {
                    at_record_start = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lines_skip_the_header_and_follow_quoted_newlines() {
        let csv = b"a,b\n1,2\n\"x\ny\",3\n\n4,5\n";
        assert_eq!(record_lines(csv), vec![2, 3, 6]);
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
