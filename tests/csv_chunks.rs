//! A CSV file read in parts (issue 11: "a 2 GB CSV streamed in bounded
//! memory"): whatever the part size, the canonical rows, the rows set aside
//! and every message with its row and line are those of the file read whole.
//! Each test works out by hand what the whole file gives, then reads it in
//! parts of every size from one byte up, so every record boundary, quoted
//! newline, separator and `\r\n` falls on a part boundary at least once.

mod common;

use common::{assert_at, instant, Fixture};
use polars::prelude::*;
use slareport::diagnostic::Diagnostic;
use slareport::load::load_site;
use slareport::model::{Source, SourceKind};
use slareport::scan::{fold_files, list_files, scan_source_with, Wanted, Chunking, SetAside, SetAsideReason, Table};

const FILE: &str = "data/outages.csv";

fn source(site: &Fixture) -> Source {
    load_site(site.root()).config.expect("config loads").sources[&SourceKind::Outages].clone()
}

fn read(site: &Fixture, chunking: Chunking) -> Result<Table, Vec<Diagnostic>> {
    scan_source_with(site.root(), &source(site), chunking).map_err(|p| p.into_vec())
}

fn parts_of(chunk_bytes: usize) -> Chunking {
    Chunking { chunk_bytes, max_record_bytes: 1 << 20, ..Chunking::default() }
}

/// Reads `FILE` whole, then in parts of every size up to its length,
/// asserting every read gives what the whole read gives; returns that.
fn same_in_any_parts(site: &Fixture) -> Result<Table, Vec<Diagnostic>> {
    let length = std::fs::metadata(site.path(FILE)).unwrap().len() as usize;
    let whole = read(site, parts_of(usize::MAX));
    for size in 1..=length + 1 {
        match (&whole, read(site, parts_of(size))) {
            (Ok(whole), Ok(parts)) => {
                assert!(whole.frame.equals_missing(&parts.frame), "parts of {size} bytes:\n{}\nwhole:\n{}", parts.frame, whole.frame);
                assert_eq!(whole.set_aside, parts.set_aside, "parts of {size} bytes");
                assert_eq!(whole.files, parts.files, "parts of {size} bytes");
            }
            (Err(whole), Err(parts)) => assert_eq!(format!("{whole:#?}"), format!("{parts:#?}"), "parts of {size} bytes"),
            (whole, parts) => panic!("parts of {size} bytes: {:?} read whole, {:?} in parts", whole.as_ref().err(), parts.err()),
        }
    }
    whole
}

/// The one problem of `FILE`, the same read in parts of any size.
#[track_caller]
fn the_one_problem(site: &Fixture) -> Diagnostic {
    let problems = same_in_any_parts(site).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.into_iter().next().unwrap()
}

fn ints(frame: &DataFrame, name: &str) -> Vec<Option<i64>> {
    frame.column(name).unwrap().i64().unwrap().iter().collect()
}

fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame.column(name).unwrap().str().unwrap().iter().map(|s| s.map(str::to_string)).collect()
}

fn at(text: &str) -> Option<i64> {
    Some(instant(text))
}

#[test]
fn quoted_newlines_separators_crlf_and_a_bom_read_the_same_in_any_parts() {
    let site = Fixture::valid();
    let csv = concat!(
        "\u{FEFF}svc,began,ended,kind,cause\r\n", // line 1, after a byte order mark
        "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,unplanned,\"net,\r\nwork\"\r\n", // lines 2-3
        ",2026-10-06T09:00:00Z,2026-10-06T10:00:00Z,,\r\n", // line 4: no service, set aside
        "email,2026-10-07T09:00:00Z,2026-10-07T09:30:00Z,planned,\"say \"\"hi\"\", then\r\nleave\r\n\"\r\n", // lines 5-7
        ",2026-10-08T09:00:00Z,2026-10-08T10:00:00Z,,x\r\n", // line 8: no service, set aside
        "email,2026-10-09T09:00:00Z,2026-10-09T09:10:00Z,degraded,", // line 9, no line end
    );
    site.write(FILE, csv);
    let table = same_in_any_parts(&site).expect("reads");
    let frame = &table.frame;
    assert_eq!(ints(frame, "row"), [Some(2), Some(5), Some(9)]);
    assert_eq!(texts(frame, "service"), [Some("email".to_string()), Some("email".to_string()), Some("email".to_string())]);
    assert_eq!(ints(frame, "start"), [at("2026-10-05T09:00:00Z"), at("2026-10-07T09:00:00Z"), at("2026-10-09T09:00:00Z")]);
    assert_eq!(ints(frame, "end"), [at("2026-10-05T10:00:00Z"), at("2026-10-07T09:30:00Z"), at("2026-10-09T09:10:00Z")]);
    assert_eq!(texts(frame, "kind"), [Some("unplanned".to_string()), Some("planned".to_string()), Some("degraded".to_string())]);
    // Cells are trimmed: the `\r\n` before the closing quote goes, the inner ones stay.
    assert_eq!(texts(frame, "cause"), [Some("net,\r\nwork".to_string()), Some("say \"hi\", then\r\nleave".to_string()), None]);
    assert_eq!(
        table.set_aside,
        [SetAside { file: FILE.into(), reason: SetAsideReason::ServiceEmpty, count: 2, rows: vec![4, 8], values: vec![String::new()] }]
    );
    assert_eq!(table.files, [std::path::PathBuf::from(FILE)]);

    // Parts of one byte: a part per record, the rows set aside handed on
    // with the last part.
    let listed = list_files(site.root(), &source(&site)).unwrap();
    let source = source(&site);
    let chosen: Vec<_> = listed.iter().map(|l| Wanted::whole(&source, l)).collect();
    let mut parts = Vec::new();
    let fold = |parts: &mut Vec<_>, part: slareport::scan::Part| {
        parts.push((ints(&part.frame, "row"), part.set_aside.iter().map(|a| a.rows.clone()).collect::<Vec<_>>()));
        Ok(())
    };
    fold_files(site.root(), &chosen, parts_of(1), &Vec::new, &fold, &mut |_, read| match read {
        Ok(file) => parts.extend(file),
        Err(problems) => panic!("{problems:?}"),
    });
    let none: Vec<Vec<i64>> = Vec::new();
    assert_eq!(
        parts,
        [
            (vec![Some(2)], none.clone()),
            (vec![], none.clone()),
            (vec![Some(5)], none.clone()),
            (vec![], none.clone()),
            (vec![Some(9)], vec![vec![4, 8]]),
        ]
    );
}

#[test]
fn a_blank_line_after_the_header_is_a_row_of_empty_cells_named_by_its_own_line() {
    let site = Fixture::valid();
    let good = "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z\r\n";
    // Line 1 is blank (skipped before the header), the header is line 2,
    // so rows (counted from the header as row 1) and lines differ by one.
    site.write(FILE, &format!("\r\nsvc,began,ended\r\n{good}\r\n{good}"));
    let problem = the_one_problem(&site);
    assert_at(&problem, FILE, 4, "row 3 (line 4), column `began`: is empty; outages `start` is required");
}

#[test]
fn a_bad_cell_in_a_later_part_is_reported_alone_with_its_row_and_line() {
    let site = Fixture::valid();
    site.write(
        FILE,
        concat!(
            "svc,began,ended,kind,cause\n",                            // 1
            "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,,\"a\nb\"\n", // 2-3: row 2
            "email,2026-10-05T11:00:00Z,2026-10-05T10:00:00Z,,\n",       // 4: row 3 ends before it starts
            "email,2026-10-0xT09:00:00Z,2026-10-05T10:00:00Z,,\n",       // 5: row 4, a bad cell
        ),
    );
    // A bad cell anywhere in the file hides the rules of rows, even those
    // broken in an earlier part.
    let problem = the_one_problem(&site);
    assert_at(
        &problem,
        FILE,
        5,
        "row 4 (line 5), column `began`: `2026-10-0xT09:00:00Z` is not an ISO 8601 timestamp such as 2026-10-01T08:30:00Z, 2026-10-01T09:30:00+01:00 or 2026-10-01 08:30",
    );
}

#[test]
fn ten_bad_cells_and_ten_bad_rows_are_listed_per_file_not_per_part() {
    let site = Fixture::valid();
    // Twelve rows (rows 2 to 13, lines 2 to 13) ending before they start.
    let mut csv = String::from("svc,began,ended\n");
    for _ in 0..12 {
        csv.push_str("email,2026-10-05T11:00:00Z,2026-10-05T10:00:00Z\n");
    }
    site.write(FILE, &csv);
    let problems = same_in_any_parts(&site).unwrap_err();
    assert_eq!(problems.len(), 11, "{problems:#?}");
    for (i, d) in problems[..10].iter().enumerate() {
        assert_at(d, FILE, i + 2, &format!("row {}, column `ended`: ends before it starts", i + 2));
    }
    assert_eq!(problems[10].message, "2 more bad rows not listed");

    // Twelve bad `ended` cells, and the rows above that break a rule: only
    // the cells are reported.
    let mut csv = String::from("svc,began,ended\n");
    for _ in 0..3 {
        csv.push_str("email,2026-10-05T11:00:00Z,2026-10-05T10:00:00Z\n"); // rows 2-4
    }
    for _ in 0..12 {
        csv.push_str("email,2026-10-05T09:00:00Z,never\n"); // rows 5-16
    }
    site.write(FILE, &csv);
    let problems = same_in_any_parts(&site).unwrap_err();
    assert_eq!(problems.len(), 11, "{problems:#?}");
    for (i, d) in problems[..10].iter().enumerate() {
        assert_eq!(d.location.as_ref().unwrap().line, Some(i + 5), "{d}");
        assert!(d.message.starts_with(&format!("row {}, column `ended`: `never` is not", i + 5)), "{d}");
    }
    assert_eq!(problems[10].message, "column `ended`: 2 more bad cells not listed");
}

#[test]
fn a_ragged_record_in_a_later_part_is_the_only_problem() {
    let site = Fixture::valid();
    let csv = concat!(
        "svc,began,ended,kind,cause\n",                           // 1
        "email,bad,2026-10-05T10:00:00Z,,\n",                      // 2: a bad cell
        "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,,\"x\ny\"\n", // 3-4
        "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z\n",       // 5: 3 fields
        "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,,,\n",    // 6: 6 fields
    );
    site.write(FILE, csv);
    let problem = the_one_problem(&site);
    assert_at(
        &problem,
        FILE,
        5,
        "data/outages.csv, line 5: has 3 fields; expected 5, as the header on line 1 has (1 more lines are ragged too)",
    );

    // A quote never closed, further on, comes before the ragged records.
    site.write(FILE, &format!("{csv}email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,,\"never\nclosed\n"));
    let problem = the_one_problem(&site);
    assert_at(
        &problem,
        FILE,
        7,
        "data/outages.csv, line 7: a quoted field starts on this line and is never closed; expected a closing `\"` (write a quote inside a quoted field as `\"\"`)",
    );
}

#[test]
fn text_that_is_not_utf8_further_on_comes_before_a_column_named_twice() {
    let site = Fixture::valid();
    let good = "email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,x\n";
    site.write(FILE, &format!("svc,began,ended,svc\n{good}{good}"));
    let problem = the_one_problem(&site);
    assert_at(
        &problem,
        FILE,
        1,
        "data/outages.csv, line 1: the header names column `svc` twice (fields 1 and 4); expected each column once",
    );

    let mut bytes = format!("svc,began,ended,svc\n{good}{good}email,caf").into_bytes();
    bytes.extend_from_slice(b"\xE9,2026-10-05T10:00:00Z,x\n");
    std::fs::write(site.path(FILE), bytes).unwrap();
    let problem = the_one_problem(&site);
    assert_at(&problem, FILE, 4, "cannot read data/outages.csv: line 4 is not UTF-8 text");
}

#[test]
fn a_file_of_blank_lines_is_empty_in_any_parts() {
    let site = Fixture::valid();
    site.write(FILE, "\n \r\n\t\n\n  \n");
    let problem = the_one_problem(&site);
    assert_eq!(problem.message, "data/outages.csv is empty; expected a header line naming the columns, then one line per row");
}

#[test]
fn a_record_that_never_ends_is_refused_instead_of_held() {
    let site = Fixture::valid();
    let good = "email,2026-10-06T09:00:00Z,2026-10-06T10:00:00Z,,\n";
    // A stray quote on line 2 (not at the start of a field, so the file's
    // shape is fine) runs on to the end of the file as polars reads it.
    site.write(FILE, &format!("svc,began,ended,kind,cause\nemail,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,,5\" tall\n{good}{good}{good}"));
    let problems = read(&site, Chunking { chunk_bytes: 16, max_record_bytes: 64, ..Chunking::default() }).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_at(
        &problems[0],
        FILE,
        2,
        "data/outages.csv, line 2: the record starting here runs on for more than 64 bytes; expected one record per line",
    );
}

/// A Parquet export read in slices of 1, 2, ... rows gives the rows, rows
/// set aside and messages of the file read whole, with Parquet rows
/// numbered from 1 across slices.
#[test]
fn a_parquet_file_read_in_slices_of_rows_is_read_as_whole() {
    let site = Fixture::valid();
    site.edit("slareport.toml", "path = \"data/outages.csv\"", "path = \"data/outages.parquet\"");
    let write = |services: [Option<&str>; 5], began: [&str; 5]| {
        let mut frame = df!(
            "svc" => services,
            "began" => began,
            "ended" => ["2026-10-05T10:30:00Z", "2026-10-06T10:30:00Z", "2026-10-07T10:30:00Z", "2026-10-08T10:30:00Z", "2026-10-09T10:30:00Z"],
        )
        .unwrap();
        let file = std::fs::File::create(site.path("data/outages.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    };
    let slices = |rows: usize| Chunking { parquet_rows: rows, ..Chunking::default() };
    // Five rows; the third has no service (set aside, row 3).
    let good = ["2026-10-05T09:00:00Z", "2026-10-06T09:00:00Z", "2026-10-07T09:00:00Z", "2026-10-08T09:00:00Z", "2026-10-09T09:00:00Z"];
    write([Some("email"), Some("email"), None, Some("email"), Some("email")], good);
    let whole = read(&site, slices(usize::MAX)).unwrap();
    // Row numbers are 1-based Parquet rows: 1, 2, 4, 5 kept; 3 set aside.
    assert_eq!(ints(&whole.frame, "row"), vec![Some(1), Some(2), Some(4), Some(5)]);
    assert_eq!(ints(&whole.frame, "start")[3], at("2026-10-09T09:00:00Z"));
    assert_eq!(whole.set_aside.len(), 1);
    assert_eq!((whole.set_aside[0].count, whole.set_aside[0].rows.clone()), (1, vec![3]));
    for rows in 1..=6 {
        let parts = read(&site, slices(rows)).unwrap();
        assert!(whole.frame.equals_missing(&parts.frame), "slices of {rows} rows:\n{}", parts.frame);
        assert_eq!(whole.set_aside, parts.set_aside, "slices of {rows} rows");
    }
    // A bad instant in row 5 is named as row 5 however the file is sliced.
    let mut bad = good;
    bad[4] = "yesterday";
    write([Some("email"); 5], bad);
    let whole = read(&site, slices(usize::MAX)).unwrap_err();
    assert!(format!("{whole:?}").contains("row 5"), "{whole:#?}");
    for rows in 1..=6 {
        assert_eq!(format!("{whole:#?}"), format!("{:#?}", read(&site, slices(rows)).unwrap_err()), "slices of {rows} rows");
    }
}
