//! The corpus of broken sites in `tests/bad-inputs/`: one problem each, and
//! `check` must name it with its file, its line where it has one, and what
//! was expected, without panicking or hanging.
//!
//! Each case is a folder: `site/` holds the files laid over the valid
//! fixture site (tests/common), `expect.toml` what `check` must say:
//!
//! ```toml
//! file = "data/outages.csv"      # the file the diagnostic names
//! line = 3                       # its line, when it has one
//! message = "has 6 fields; expected 5"   # a part of the printed diagnostic
//! level = "warning"              # default "error"
//! remove = ["slareport.toml"]    # fixture files to delete first
//! fifo = "data/outages.csv"      # a file to replace by a named pipe
//! ```
//!
//! `BAD_INPUTS_PRINT=1 cargo test --test bad_inputs -- --nocapture` prints
//! what `check` says for every case.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::Fixture;
use slareport::diagnostic::{Diagnostic, Level};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    file: String,
    line: Option<usize>,
    message: String,
    level: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    fifo: Option<String>,
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    cases
}

/// The fixture site with the case laid over it.
fn site_of(case: &Path, expect: &Expect) -> Fixture {
    let fixture = Fixture::valid();
    for rel in &expect.remove {
        std::fs::remove_file(fixture.path(rel)).unwrap();
    }
    let files = case.join("site");
    if files.is_dir() {
        for entry in walkdir::WalkDir::new(&files).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
            let to = fixture.path(entry.path().strip_prefix(&files).unwrap().to_str().unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    if let Some(fifo) = &expect.fifo {
        let path = fixture.path(fifo);
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success());
    }
    fixture
}

/// `check` in a thread, so a hang is a failure and not a stuck test run.
fn check_within(root: &Path, limit: Duration) -> Result<Vec<Diagnostic>, String> {
    let (send, receive) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let report = slareport::check::check(&root);
        let _ = send.send(report.problems.into_vec());
    });
    receive.recv_timeout(limit).map_err(|e| match e {
        mpsc::RecvTimeoutError::Timeout => format!("check did not finish within {limit:?}"),
        mpsc::RecvTimeoutError::Disconnected => "check panicked".to_string(),
    })
}

fn matches(d: &Diagnostic, expect: &Expect) -> bool {
    let level = match expect.level.as_deref() {
        Some("warning") => Level::Warning,
        _ => Level::Error,
    };
    let Some(location) = &d.location else { return false };
    d.level == level
        && location.file == Path::new(&expect.file)
        && (expect.line.is_none() || location.line == expect.line)
        && d.to_string().contains(&expect.message)
}

#[test]
fn every_bad_input_is_named_with_its_file_place_and_what_was_expected() {
    let cases = corpus();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let print = std::env::var_os("BAD_INPUTS_PRINT").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(case.join("expect.toml")).unwrap();
        let expect: Expect = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.toml: {e}"));
        let site = site_of(case, &expect);
        match check_within(site.root(), Duration::from_secs(60)) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(problems) => {
                if print {
                    println!("===== {name}\n{}", common::render(&problems));
                }
                if !problems.iter().any(|d| matches(d, &expect)) {
                    failures.push(format!("{name}: expected {expect:?}, found:\n{}", common::render(&problems)));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// Writes a Parquet file of `frame` into the fixture.
fn write_parquet(fixture: &Fixture, rel: &str, mut frame: polars::prelude::DataFrame) {
    let path = fixture.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    polars::prelude::ParquetWriter::new(&mut file).finish(&mut frame).unwrap();
}

/// The Parquet cases of the corpus are written here: their files are made
/// by polars rather than kept as binary files.
#[test]
fn a_parquet_column_contradicting_its_partition_folder_is_refused() {
    use polars::prelude::*;
    let site = Fixture::valid();
    site.edit("slareport.toml", "[sources.outages]", "[sources.samples]\npath = \"data/probes\"\n\n[sources.outages]");
    let frame = df!(
        "time" => ["2026-10-01T00:00:00Z", "2026-10-01T00:01:00Z"],
        "service" => ["webmail", "email"],
        "up" => [true, true],
    )
    .unwrap();
    write_parquet(&site, "data/probes/service=webmail/part-0.parquet", frame);
    let errors = site.errors();
    let d = errors.iter().find(|d| d.message.contains("contradicts")).unwrap_or_else(|| panic!("{}", common::render(&errors)));
    assert_eq!(d.message, "row 2, column `service`: `email` contradicts the folder `service=webmail/` the file is in");
    assert_eq!(d.location.as_ref().unwrap().file, Path::new("data/probes/service=webmail/part-0.parquet"));
}

#[test]
fn a_parquet_column_of_the_wrong_type_is_refused() {
    use polars::prelude::*;
    let site = Fixture::valid();
    site.edit("slareport.toml", "\"data/outages.csv\"", "\"data/outages.parquet\"");
    let frame = df!(
        "svc" => ["email"],
        "began" => [1_790_000_000i64],
        "ended" => ["2026-10-05T10:30:00+01:00"],
    )
    .unwrap();
    write_parquet(&site, "data/outages.parquet", frame);
    let d = site.error();
    assert_eq!(d.location.as_ref().unwrap().file, Path::new("data/outages.parquet"));
    assert!(d.message.contains("column `began`: holds i64 values; expected timestamps"), "{d}");
}
