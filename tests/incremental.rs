//! Incremental months: a build reads only the data files the months it
//! measures need, and publishes exactly what a build reading every file
//! would. The sample site's probes are one Parquet file per service and
//! year (`service=webmail/2025.parquet`), so once the 2025 months are
//! published, later builds need not read the two 2025 files.

mod common;

use std::path::{Path, PathBuf};

use common::{build_options, files};
use polars::prelude::*;
use slareport::build::{build, BuildError, BuildReport};

/// The two probe files of 2025, by path in the site.
const PROBES_2025: [&str; 2] = ["data/probes/service=api-gateway/2025.parquet", "data/probes/service=webmail/2025.parquet"];
const WEBMAIL_2026: &str = "data/probes/service=webmail/2026.parquet";

/// A copy of the sample site (without its output) that lives as long as the value.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn sample() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        for entry in walkdir::WalkDir::new(&from).into_iter().filter_entry(|e| !e.file_name().to_string_lossy().contains("public")) {
            let entry = entry.unwrap();
            let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    fn build(&self, as_of: &str) -> Result<BuildReport, BuildError> {
        build(&build_options(self.root(), &self.out(), as_of))
    }

    /// Rewrites a Parquet file of the site through `change`.
    fn rewrite(&self, file: &str, compression: ParquetCompression, change: impl FnOnce(DataFrame) -> DataFrame) {
        let path = self.root().join(file);
        let frame = ParquetReader::new(std::fs::File::open(&path).unwrap()).finish().unwrap();
        let mut frame = change(frame);
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).with_compression(compression).finish(&mut frame).unwrap();
    }
}

/// The output of a build of `site` as of `as_of` into a fresh folder,
/// reading every file.
fn fresh(site: &Site, as_of: &str) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let report = build(&build_options(site.root(), out.path(), as_of)).unwrap();
    assert_eq!(report.files_read.0, report.files_read.1, "a first build reads every file");
    files(out.path())
}

#[track_caller]
fn assert_same_site(built: &Path, expected: &std::collections::BTreeMap<PathBuf, Vec<u8>>) {
    let got = files(built);
    let names = |m: &std::collections::BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&got), names(expected), "the same files");
    for (path, bytes) in expected {
        assert!(got[path] == *bytes, "{} differs from a build reading every file", path.display());
    }
}

#[test]
fn a_new_month_reads_the_files_it_needs_and_publishes_what_reading_every_file_would() {
    let site = Site::sample();
    // Up to September 2026 (October is in progress on 15 October).
    let first = site.build("2026-10-15T00:00:00+01:00").unwrap();
    assert_eq!(first.files_read, (8, 8), "nothing is published yet: every data file is read");
    // A month later October is complete. Its figures need the 2026 probe
    // files and the four CSV exports (each spans every month); the 2025
    // probe files bear only on 2025 months, published and unchanged.
    let second = site.build("2026-11-25T00:00:00Z").unwrap();
    assert_eq!(second.files_read, (6, 8));
    // The 2026 probe files also hold January to September, and the four
    // CSV exports every month since 2025, published and unchanged: all six
    // are read from October on.
    assert_eq!(second.files_read_in_part, 6);
    assert_eq!(second.published.len(), 3, "October for acme, globex and initech: {:?}", second.published);
    assert!(second.published.iter().all(|(_, p, r)| p.to_string() == "2026-10" && *r == 1));
    // Byte for byte what a build of every month from every file gives.
    assert_same_site(&site.out(), &fresh(&site, "2026-11-25T00:00:00Z"));
    // October's manifest records each data file's reach, so the next build
    // can settle October without reading the files that bear only on it.
    let manifest = std::fs::read_to_string(site.out().join("acme/2026-10/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let webmail_2025 = manifest["inputs"].as_array().unwrap().iter().find(|i| i["path"] == PROBES_2025[1]).unwrap();
    // The 2025 file holds the rows a Parquet reader finds in it; the first
    // is at 1 October 2025 00:00 BST (2025-09-30 23:00 UTC, 1759273200), the
    // last at 31 December 23:59 UTC (1767225540), covering 60 s more
    // (1767225600).
    let rows = ParquetReader::new(std::fs::File::open(site.root().join(PROBES_2025[1])).unwrap()).finish().unwrap().height();
    assert_eq!(webmail_2025["reach"]["rows"], rows as u64, "{webmail_2025}");
    assert_eq!(webmail_2025["reach"]["first"], 1_759_273_200);
    assert_eq!(webmail_2025["reach"]["from"], 1_759_273_200);
    assert_eq!(webmail_2025["reach"]["to"], 1_767_225_540 + 60);
}

#[test]
fn a_build_with_nothing_new_reads_only_the_latest_months_files_and_changes_nothing() {
    let site = Site::sample();
    site.build("2026-11-25T00:00:00Z").unwrap();
    let before = files(&site.out());
    let again = site.build("2026-11-25T00:00:00Z").unwrap();
    assert_eq!(again.files_read, (6, 8), "the latest month (October) is always measured; 2025 files are not read");
    assert!(again.published.is_empty());
    assert_eq!(again.kept, 39, "13 months of 3 customers");
    assert_eq!(again.measured.len(), 1, "only October is measured: {:?}", again.measured);
    assert_eq!(files(&site.out()), before);
}

#[test]
fn a_rewritten_file_with_the_same_rows_is_read_again_and_changes_nothing() {
    let site = Site::sample();
    site.build("2026-11-25T00:00:00Z").unwrap();
    let before = files(&site.out());
    // Same rows, other bytes: no snapshot vouches for the new hash, so the
    // file is read, and every month it bears on is measured and compared
    // by its rows digest: all the same, all kept.
    site.rewrite(PROBES_2025[1], ParquetCompression::Uncompressed, |f| f);
    let report = site.build("2026-11-25T00:00:00Z").unwrap();
    assert_eq!(report.files_read, (8, 8));
    assert!(report.published.is_empty(), "{:?}", report.published);
    assert_eq!(report.kept, 39);
    let after = files(&site.out());
    // Only the to-date pages and the indexes could differ; no snapshot does.
    for (path, bytes) in &before {
        if path.components().count() > 2 && !path.starts_with(Path::new(path.iter().next().unwrap()).join("to-date")) {
            assert!(after[path] == *bytes, "{} changed", path.display());
        }
    }
}

#[test]
fn a_late_change_to_an_old_months_file_reopens_that_month_only() {
    let site = Site::sample();
    site.build("2026-11-25T00:00:00Z").unwrap();
    // The last webmail sample of 2025 (31 December 23:59 UTC) is dropped:
    // the 60 s it covered in December 2025 are no longer covered.
    site.rewrite(PROBES_2025[1], ParquetCompression::Snappy, |f| {
        let height = f.height();
        f.slice(0, height - 1)
    });
    let refused = match site.build("2026-11-25T00:00:00Z") {
        Err(BuildError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let months: Vec<&str> = refused.iter().map(|r| r.split(' ').next().unwrap()).collect();
    // Acme and Initech read webmail samples; only December 2025 loses the
    // sample; Globex does not use webmail.
    assert_eq!(months, vec!["acme/2025-12", "initech/2025-12"], "{refused:#?}");
}

#[test]
fn with_corrections_every_file_is_read() {
    let site = Site::sample();
    site.build("2026-11-25T00:00:00Z").unwrap();
    std::fs::write(site.root().join("corrections.toml"), "").unwrap();
    let report = site.build("2026-11-25T00:00:00Z").unwrap();
    assert_eq!(report.files_read, (8, 8), "a correction may name a row of any month");
}

#[test]
fn a_figure_of_a_month_whose_rows_were_not_read_is_never_computed() {
    use slareport::measure::data::Partial;
    use slareport::measure::results::{FigureCache, Options};
    let site = Site::sample();
    let mut prepared = slareport::measure::prepare(site.root()).unwrap();
    let october: slareport::period::Period = "2026-10".parse().unwrap();
    let september = common::instant("2026-09-01T00:00:00+01:00");
    // Files bearing on August and earlier "not read": October's trend
    // (November 2025 to September 2026) would need them.
    prepared.data.partial = Some(Partial { from: september, first: None, earliest: 0 });
    let cache = FigureCache::default();
    let partial = prepared.measure_with(october, Options::default(), &cache);
    assert!(cache.missed(), "the trend asked for months whose rows were not read");
    // Without trend history every point before September is one of them;
    // read in full, the same month misses nothing.
    prepared.data.partial = None;
    let cache = FigureCache::default();
    let full = prepared.measure_with(october, Options::default(), &cache);
    assert!(!cache.missed());
    // October itself was measured from rows all read: the same figures.
    let own = |r: &slareport::measure::Results| r.targets.iter().map(|t| (t.agreement.clone(), t.target.clone(), t.service.clone(), t.value)).collect::<Vec<_>>();
    assert_eq!(own(&partial), own(&full));
}

#[test]
fn a_month_asked_for_reads_the_files_of_that_month_on() {
    let site = Site::sample();
    site.build("2026-11-25T00:00:00Z").unwrap();
    let before = files(&site.out());
    let period = |p: &str, as_of: &str| {
        let mut o = build_options(site.root(), &site.out(), as_of);
        o.period = Some(p.parse().unwrap());
        build(&o).unwrap()
    };
    // March 2026 and the month in progress (November) need no 2025 file.
    let march = period("2026-03", "2026-11-25T00:00:00Z");
    assert_eq!(march.files_read, (6, 8));
    assert_eq!((march.published.len(), march.kept), (0, 3), "March is published for all three customers and unchanged");
    // November 2025 needs the 2025 files.
    let november = period("2025-11", "2026-11-25T00:00:00Z");
    assert_eq!(november.files_read, (8, 8));
    assert_eq!((november.published.len(), november.kept), (0, 3));
    // No snapshot changed (the indexes and to-date pages are rewritten).
    let snapshots = |all: std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        all.into_iter().filter(|(p, _)| p.components().nth(1).is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("20"))).collect::<std::collections::BTreeMap<_, _>>()
    };
    let (now, then) = (snapshots(files(&site.out())), snapshots(before));
    assert_eq!(now.keys().collect::<Vec<_>>(), then.keys().collect::<Vec<_>>());
    assert!(now == then, "a snapshot changed");
}

#[test]
fn a_samples_file_read_in_part_lists_its_rows_set_aside_as_a_whole_read_does() {
    let site = Site::sample();
    // The webmail file of 2026 gets a `service` column (the folder names it
    // too) that is empty on two rows: row 3 (1 January) and the row of
    // 15 March 12:00 UTC. Both are set aside, in every month's report of
    // the file, though only October is read again below.
    let march = 1_773_576_000; // 2026-03-15T12:00:00Z
    let mut march_row = 0;
    site.rewrite(WEBMAIL_2026, ParquetCompression::Zstd(None), |mut frame| {
        let unit = match frame.column("time").unwrap().dtype() {
            DataType::Datetime(TimeUnit::Milliseconds, _) => 1_000,
            DataType::Datetime(TimeUnit::Microseconds, _) => 1_000_000,
            DataType::Datetime(TimeUnit::Nanoseconds, _) => 1_000_000_000,
            other => panic!("time is {other}"),
        };
        let times: Vec<i64> = frame.column("time").unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().into_no_null_iter().collect();
        let index = times.iter().position(|t| t / unit == march).expect("a sample at 15 March 12:00");
        march_row = index as i64 + 1;
        let service: Vec<Option<&str>> = (0..times.len()).map(|i| (i != 2 && i != index).then_some("webmail")).collect();
        frame.with_column(Column::new("service".into(), service)).unwrap();
        frame
    });
    site.build("2026-10-15T00:00:00+01:00").unwrap();
    let second = site.build("2026-11-25T00:00:00Z").unwrap();
    assert_eq!(second.files_read_in_part, 6, "the 2026 probe files and the CSV exports are read from October on");
    assert_same_site(&site.out(), &fresh(&site, "2026-11-25T00:00:00Z"));
    // October's report lists both rows, though neither was converted.
    let results = std::fs::read_to_string(site.out().join("acme/2026-10/results.json")).unwrap();
    let results: serde_json::Value = serde_json::from_str(&results).unwrap();
    let samples = results["data"]["sources"].as_array().unwrap().iter().find(|s| s["source"] == "samples").unwrap();
    let aside = &samples["set_aside"][0];
    assert_eq!(aside["file"], WEBMAIL_2026, "{samples}");
    assert_eq!(aside["reason"], "service is empty");
    assert_eq!(aside["count"], 2);
    assert_eq!(aside["rows"], serde_json::json!([3, march_row]));
}
