//! Reading exports: CSV and Parquet through the column mapping into the
//! canonical schema, and the errors a bad export gets.

mod common;

use std::fs::File;

use common::{assert_at, render, Fixture};
use polars::prelude::*;
use slareport::load::load_site;
use slareport::model::SourceKind;
use slareport::scan::{scan_sources, Measurements};

fn scan(site: &Fixture) -> (Measurements, Vec<slareport::diagnostic::Diagnostic>) {
    let loaded = load_site(site.root());
    let config = loaded.config.expect("config loads");
    let (m, p) = scan_sources(site.root(), &config);
    (m, p.into_vec())
}

fn ints(frame: &DataFrame, name: &str) -> Vec<Option<i64>> {
    frame.column(name).unwrap().i64().unwrap().iter().collect()
}

fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame.column(name).unwrap().str().unwrap().iter().map(|s| s.map(str::to_string)).collect()
}

#[test]
fn a_bad_timestamp_on_row_1234_is_reported_as_row_1234_with_its_column() {
    let site = Fixture::valid();
    let mut csv = String::from("svc,began,ended\n");
    // Rows 2..=1240 as a spreadsheet numbers them (the header is row 1).
    for row in 2..=1240 {
        if row == 1234 {
            csv.push_str("email,2026-10-32T09:00:00Z,2026-10-05T10:00:00Z\n");
        } else {
            csv.push_str("email,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z\n");
        }
    }
    site.write("data/outages.csv", &csv);
    let (_, problems) = scan(&site);
    assert_eq!(problems.len(), 1, "{}", render(&problems));
    assert_at(
        &problems[0],
        "data/outages.csv",
        1234,
        "row 1234, column `began`: `2026-10-32T09:00:00Z` is not an ISO 8601 timestamp such as 2026-10-01T08:30:00Z, 2026-10-01T09:30:00+01:00 or 2026-10-01 08:30",
    );
    assert_eq!(problems[0].to_string().lines().nth(1), Some("    --> data/outages.csv:1234"));
}

#[test]
fn rows_after_a_quoted_newline_name_their_line_too() {
    let site = Fixture::valid();
    site.write(
        "data/outages.csv",
        "svc,began,ended,cause\nemail,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,\"two\nlines\"\nemail,soon,2026-10-05T10:00:00Z,\n",
    );
    let (_, problems) = scan(&site);
    assert_eq!(problems.len(), 1, "{}", render(&problems));
    assert!(problems[0].message.starts_with("row 3 (line 4), column `began`: `soon`"), "{}", problems[0]);
}

#[test]
fn csv_columns_are_mapped_and_converted() {
    let site = Fixture::valid();
    site.write(
        "data/outages.csv",
        "svc,began,ended,kind,cause,extra\n\
         email,2026-10-05T09:00:00+01:00,2026-10-05 10:30,Planned,network-ola,x\n\
         email,2026-10-06T09:00:00Z,,,,y\n",
    );
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let t = m.get(SourceKind::Outages).unwrap();
    assert_eq!(t.rows(), 2);
    // 2026-10-05T09:00:00+01:00 is 08:00 UTC. 2026-10-05 is day 20_731 since
    // 1970-01-01: 20_731 * 86_400 = 1_791_158_400; + 8 h (28_800) = 1_791_187_200.
    assert_eq!(ints(&t.frame, "start")[0], Some(1_791_187_200));
    // The naive "2026-10-05 10:30" is London summer time, 09:30 UTC: + 1.5 h (5_400 s).
    assert_eq!(ints(&t.frame, "end")[0], Some(1_791_187_200 + 5_400));
    // An empty end is an ongoing outage; an empty kind is unplanned; kinds are lower-cased.
    assert_eq!(ints(&t.frame, "end")[1], None);
    assert_eq!(texts(&t.frame, "kind"), vec![Some("planned".into()), Some("unplanned".into())]);
    assert_eq!(texts(&t.frame, "cause"), vec![Some("network-ola".into()), None]);
    assert_eq!(ints(&t.frame, "row"), vec![Some(2), Some(3)]);
    let names: Vec<String> = t.frame.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["id", "service", "start", "end", "kind", "cause", "customer", "row"]);
}

#[test]
fn blank_lines_do_not_shift_row_numbers() {
    let site = Fixture::valid();
    site.write("data/outages.csv", "svc,began,ended\nemail,2026-10-05T09:00:00Z,\n\nemail,later,\n");
    let (_, problems) = scan(&site);
    assert_eq!(problems.len(), 1, "{}", render(&problems));
    assert_eq!(problems[0].location.as_ref().unwrap().line, Some(4), "{}", problems[0]);
}

#[test]
fn a_missing_column_names_the_mapping_and_what_the_file_has() {
    let site = Fixture::valid();
    site.write("data/outages.csv", "service,start,end\nemail,2026-10-05T09:00:00Z,\n");
    let (_, problems) = scan(&site);
    assert_eq!(problems.len(), 2, "{}", render(&problems));
    assert_at(&problems[0], "data/outages.csv", 1, "column `svc` (mapped to outages `service`) is missing");
    assert!(problems[0].hint.as_ref().unwrap().contains("the file has: service, start, end"));
    assert_at(&problems[1], "data/outages.csv", 1, "column `began` (mapped to outages `start`) is missing");
}

#[test]
fn row_rules_of_outages() {
    let site = Fixture::valid();
    site.write(
        "data/outages.csv",
        "svc,began,ended,kind\nemail,2026-10-05T09:00:00Z,2026-10-05T08:00:00Z,\nemail,,,\nemail,2026-10-05T09:00:00Z,,outage\n",
    );
    let (_, problems) = scan(&site);
    let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "row 3, column `began`: is empty; outages `start` is required",
            "row 2, column `ended`: ends before it starts",
            "row 4, column `kind`: `outage` is not an outage kind; expected unplanned, planned, degraded (empty means unplanned)",
        ],
        "{}",
        render(&problems)
    );
}

#[test]
fn a_missing_file_is_named() {
    let site = Fixture::valid();
    std::fs::remove_file(site.path("data/outages.csv")).unwrap();
    let (_, problems) = scan(&site);
    assert_eq!(problems[0].message, "data/outages.csv does not exist");
}

/// Writes a Parquet file with polars.
fn write_parquet(path: &std::path::Path, mut frame: DataFrame) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

fn probe_frame(times_ms: Vec<i64>, utc: bool) -> DataFrame {
    let n = times_ms.len();
    let time = Column::new("time".into(), times_ms)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, utc.then_some(TimeZone::UTC)))
        .unwrap();
    let up = Column::new("up".into(), (0..n).map(|i| i % 2 == 0).collect::<Vec<bool>>());
    let latency = Column::new("latency_ms".into(), (0..n).map(|i| 100 + i as i32).collect::<Vec<i32>>());
    DataFrame::new(n, vec![time, up, latency]).unwrap()
}

#[test]
fn a_parquet_folder_with_hive_partitions() {
    let site = Fixture::valid();
    site.edit(
        "slareport.toml",
        "[sources.outages]",
        "[sources.samples]\npath = \"data/probes\"\ninterval = \"60s\"\n\n[sources.outages]",
    );
    // 2026-10-05T08:00:00Z = 1_791_187_200 s (see csv_columns_are_mapped_and_converted).
    let t0 = 1_791_187_200_000;
    write_parquet(&site.path("data/probes/service=email/a.parquet"), probe_frame(vec![t0, t0 + 60_000], true));
    // Naive timestamps are wall time in the source's zone (London, UTC+1 in October):
    // a naive 09:00 is 08:00 UTC.
    write_parquet(&site.path("data/probes/service=webmail/b.parquet"), probe_frame(vec![t0 + 3_600_000], false));
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let t = m.get(SourceKind::Samples).unwrap();
    assert_eq!(t.files.len(), 2);
    assert_eq!(ints(&t.frame, "time"), vec![Some(1_791_187_200), Some(1_791_187_260), Some(1_791_187_200)]);
    assert_eq!(texts(&t.frame, "service"), vec![Some("email".into()), Some("email".into()), Some("webmail".into())]);
    let up: Vec<Option<bool>> = t.frame.column("up").unwrap().bool().unwrap().iter().collect();
    assert_eq!(up, vec![Some(true), Some(false), Some(true)]);
    let latency: Vec<Option<f64>> = t.frame.column("latency_ms").unwrap().f64().unwrap().iter().collect();
    assert_eq!(latency, vec![Some(100.0), Some(101.0), Some(100.0)]);
    assert_eq!(ints(&t.frame, "row"), vec![Some(1), Some(2), Some(1)]);
}

#[test]
fn a_parquet_column_of_the_wrong_type() {
    let site = Fixture::valid();
    site.edit("slareport.toml", "[sources.outages]", "[sources.samples]\npath = \"data/probes.parquet\"\n\n[sources.outages]");
    let frame = DataFrame::new(
        1,
        vec![
            Column::new("time".into(), vec![1_759_651_200i64]),
            Column::new("service".into(), vec!["email"]),
            Column::new("up".into(), vec!["maybe"]),
        ],
    )
    .unwrap();
    write_parquet(&site.path("data/probes.parquet"), frame);
    let (_, problems) = scan(&site);
    let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "row 1, column `time`: holds i64 values; expected timestamps",
            "row 1, column `up`: `maybe` is not up or down; expected true/false, 1/0, yes/no or up/down",
        ],
        "{}",
        render(&problems)
    );
    assert_eq!(problems[0].location.as_ref().unwrap().file, std::path::Path::new("data/probes.parquet"));
}

#[test]
fn tickets_with_day_first_local_times_and_minutes_on_hold() {
    let site = Fixture::valid();
    site.edit(
        "slareport.toml",
        "[sources.outages]",
        "[sources.tickets]\npath = \"data/incident.csv\"\ntimestamp_format = \"%d/%m/%Y %H:%M\"\nnull_values = [\"\", \"?\"]\n\
         columns = { id = \"number\", service = \"cmdb_ci\", opened = \"opened_at\", resolved = \"resolved_at\", paused_minutes = \"on_hold\" }\n\n[sources.outages]",
    );
    site.write(
        "data/incident.csv",
        "number,cmdb_ci,priority,opened_at,resolved_at,on_hold\n\
         INC1,email,P1,25/10/2026 01:30,26/10/2026 09:00,90\n\
         INC2,email,P2,03/02/2026 14:05,?,\n",
    );
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let t = m.get(SourceKind::Tickets).unwrap();
    // 25/10/2026 01:30 London is still BST (UTC+1; clocks go back at 02:00):
    // 00:30 UTC on 2026-10-25, day 20_751: 20_751 * 86_400 + 1_800 = 1_792_888_200.
    // 26/10/2026 09:00 is GMT: 20_752 * 86_400 + 9 * 3_600 = 1_792_972_800 + 32_400 = 1_793_005_200.
    // 03/02/2026 14:05 is GMT: 20_487 * 86_400 + 14 * 3_600 + 5 * 60 = 1_770_076_800 + 50_700.
    assert_eq!(ints(&t.frame, "opened"), vec![Some(1_792_888_200), Some(1_770_127_500)]);
    assert_eq!(ints(&t.frame, "resolved"), vec![Some(1_793_005_200), None]);
    // 90 minutes on hold are 5_400 s; none recorded is 0.
    assert_eq!(ints(&t.frame, "paused_minutes"), vec![Some(5_400), Some(0)]);
}
