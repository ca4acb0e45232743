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

/// Reads every file of `source`.
pub fn read(root: &Path, source: &Source) -> Result<Vec<RawPart>, Diagnostics> {
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
        return read_folder(root, &full, source);
    }
    let part = read_file(root, &full, source).map_err(Diagnostics::from)?;
    Ok(vec![part])
}

/// A folder is a Parquet dataset: every `*.parquet` below it, in name order.
fn read_folder(root: &Path, folder: &Path, source: &Source) -> Result<Vec<RawPart>, Diagnostics> {
    let mut parts = Vec::new();
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
        match read_file(root, path, source) {
            Ok(mut part) => {
                part.partitions = partitions(folder, path);
                parts.push(part);
            }
            Err(d) => problems.push(d),
        }
    }
    if parts.is_empty() && !problems.has_errors() {
        problems.push(
            Diagnostic::error(format!("{} holds no .parquet files", relative(root, folder).display()))
                .in_file(crate::load::CONFIG_FILE),
        );
    }
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok(parts)
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
    if std::str::from_utf8(&bytes).is_err() {
        return Err(fail("it is not UTF-8 text".into()).with_hint("export the CSV as UTF-8"));
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
    fn hive_partitions_come_from_folder_names() {
        let found = partitions(Path::new("data/probes"), Path::new("data/probes/service=email/year=2026/a.parquet"));
        assert_eq!(found, vec![("service".into(), "email".into()), ("year".into(), "2026".into())]);
    }
}
