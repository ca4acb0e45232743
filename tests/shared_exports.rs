//! Exports of a shared service read as they come: export values mapped to
//! ids through `[sources.<kind>.values]`, rows whose service or customer is
//! empty or not mapped set aside (and reported by `check`) instead of
//! stopping the site, and samples of each customer kept as a timeline of
//! their own.

mod common;

use common::{assert_at, render, Fixture, SITE, SLA};
use polars::prelude::*;
use slareport::load::load_site;
use slareport::measure::data::Samples;
use slareport::measure::Data;
use slareport::model::SourceKind;
use slareport::scan::{scan_sources, Measurements, SetAside, SetAsideReason};

/// The fixture's site file with two more customers and a ServiceNow-style tickets source.
fn site_toml() -> String {
    format!(
        r#"{SITE}
[customers.globex]
name = "Globex Corporation"

[customers.initech]
name = "Initech"

[sources.tickets]
path = "data/incident.csv"
columns = {{ id = "number", service = "category", opened = "opened_at", resolved = "resolved_at", customer = "company" }}
null_values = ["", "?"]

[sources.tickets.values]
service = {{ "Email Service" = "email", "CRM" = "crm" }}
priority = {{ "1 - Critical" = "P1", "2 - High" = "P2" }}
customer = {{ "Acme Ltd" = "acme", "Globex Corporation" = "globex", "Initech" = "initech" }}
"#
    )
}

/// An incident export as the tool writes it. CSV line numbers (header = line 1) on the right.
const INCIDENTS: &str = "\
number,category,priority,opened_at,resolved_at,company
INC001,Email Service,1 - Critical,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,Acme Ltd
INC002,?,2 - High,2026-10-05T09:10:00Z,,Acme Ltd
INC003, Email Service ,2 - High,2026-10-06T09:00:00Z,,Globex Corporation
INC004,Category 42,3 - Moderate,2026-10-06T10:00:00Z,,Acme Ltd
INC005,,1 - Critical,2026-10-07T09:00:00Z,,Globex Corporation
INC006,email,P1,2026-10-07T10:00:00Z,,acme
INC007,CRM,3 - Moderate,2026-10-08T09:00:00Z,,Umbrella Corp
INC008,Email Service,2 - High,2026-10-08T10:00:00Z,,?
INC009,CRM,2 - High,2026-10-09T09:00:00Z,,Globex Corporation
INC010,?,1 - Critical,2026-10-09T10:00:00Z,,Umbrella Corp
INC011,Email Service,4 - Low,2026-10-10T09:00:00Z,,Acme Ltd
INC012,Email Service,2 - High,2026-10-10T10:00:00Z,,Initech
";
// line  2 INC001: kept, email / P1 / acme
// line  3 INC002: service `?` is a null value -> set aside, service empty
// line  4 INC003: kept, " Email Service " trimmed -> email / P2 / globex
// line  5 INC004: `Category 42` is neither a key nor an id of the service mapping -> set aside, not mapped
// line  6 INC005: service empty -> set aside, service empty
// line  7 INC006: values that already are ids pass: email / P1 / acme
// line  8 INC007: `Umbrella Corp` is not mapped -> set aside, customer not mapped
// line  9 INC008: customer `?` (null) in an export with a customer column -> set aside, customer empty
// line 10 INC009: kept, crm / P2 / globex
// line 11 INC010: service `?` and customer not mapped: the service is checked first -> service empty
// line 12 INC011: kept; priority `4 - Low` is not in the mapping and stays as it is
// line 13 INC012: kept, email / P2 / initech
// kept: lines 2, 4, 7, 10, 12, 13 = 6 rows; set aside: 3 + 1 + 1 + 1 = 6 rows; 6 + 6 = 12 data lines.

/// A second SLA: globex takes e-mail (but not crm).
fn globex_sla() -> String {
    SLA.replace("id = \"acme-email\"", "id = \"globex-email\"").replace("customer = \"acme\"", "customer = \"globex\"")
}

fn shared_site() -> Fixture {
    let site = Fixture::valid();
    site.write("slareport.toml", &site_toml())
        .write("data/incident.csv", INCIDENTS)
        .write("agreements/globex/email.toml", &globex_sla());
    site
}

fn scan(site: &Fixture) -> (Measurements, Vec<slareport::diagnostic::Diagnostic>) {
    let loaded = load_site(site.root());
    let config = loaded.config.expect("config loads");
    assert!(!loaded.problems.has_errors(), "{}", render(&loaded.problems.into_vec()));
    let (m, p) = scan_sources(site.root(), &config);
    (m, p.into_vec())
}

fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame.column(name).unwrap().str().unwrap().iter().map(|s| s.map(str::to_string)).collect()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

#[test]
fn a_servicenow_export_is_read_as_it_comes() {
    let site = shared_site();
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let tickets = m.get(SourceKind::Tickets).unwrap();
    let frame = &tickets.frame;
    assert_eq!(frame.height(), 6);
    let rows: Vec<Option<i64>> = frame.column("row").unwrap().i64().unwrap().iter().collect();
    assert_eq!(rows, [2, 4, 7, 10, 12, 13].map(Some));
    assert_eq!(texts(frame, "id"), some(&["INC001", "INC003", "INC006", "INC009", "INC011", "INC012"]));
    assert_eq!(texts(frame, "service"), some(&["email", "email", "email", "crm", "email", "email"]));
    assert_eq!(texts(frame, "priority"), some(&["P1", "P2", "P1", "P2", "4 - Low", "P2"]));
    assert_eq!(texts(frame, "customer"), some(&["acme", "globex", "acme", "globex", "acme", "initech"]));

    let file = std::path::PathBuf::from("data/incident.csv");
    let aside = |reason, count, rows: Vec<i64>, values: &[&str]| SetAside {
        file: file.clone(),
        reason,
        count,
        rows,
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    assert_eq!(
        tickets.set_aside,
        vec![
            // lines 3 (`?`), 6 (empty) and 11 (`?` again: values are listed once)
            aside(SetAsideReason::ServiceEmpty, 3, vec![3, 6, 11], &["?", ""]),
            aside(SetAsideReason::ServiceUnmapped, 1, vec![5], &["Category 42"]),
            aside(SetAsideReason::CustomerEmpty, 1, vec![9], &["?"]),
            aside(SetAsideReason::CustomerUnmapped, 1, vec![8], &["Umbrella Corp"]),
        ]
    );
    // 6 kept + 3 + 1 + 1 + 1 set aside = the 12 data lines.
    assert_eq!(frame.height() + tickets.set_aside.iter().map(|a| a.count).sum::<usize>(), 12);

    // The data hands the record on, per source.
    let data = Data::from_measurements(&m, 60).unwrap();
    assert_eq!(data.set_aside[&SourceKind::Tickets], tickets.set_aside);
    assert_eq!(data.set_aside[&SourceKind::Outages], vec![]);
    assert_eq!(data.tickets["email"].len(), 5);
    assert_eq!(data.tickets["crm"][0].customer.as_deref(), Some("globex"));
}

#[test]
fn reasons_describe_themselves() {
    assert_eq!(SetAsideReason::ServiceEmpty.describe(), "service is empty");
    assert_eq!(SetAsideReason::ServiceUnmapped.describe(), "service is not mapped to an id");
    assert_eq!(SetAsideReason::CustomerEmpty.describe(), "customer is empty");
    assert_eq!(SetAsideReason::CustomerUnmapped.describe(), "customer is not mapped to an id");
}

#[test]
fn only_the_first_five_rows_and_distinct_values_are_listed() {
    let site = shared_site();
    let mut csv = String::from("number,category,priority,opened_at,resolved_at,company\n");
    // Data lines 2..=8: seven rows of unmapped categories, `Cat 1` .. `Cat 7`; 6 and 7 repeat 1.
    for (n, cat) in ["Cat 1", "Cat 2", "Cat 3", "Cat 4", "Cat 1", "Cat 5", "Cat 6"].iter().enumerate() {
        csv.push_str(&format!("INC{n},{cat},P1,2026-10-05T09:00:00Z,,acme\n"));
    }
    site.write("data/incident.csv", &csv);
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let tickets = m.get(SourceKind::Tickets).unwrap();
    assert_eq!(tickets.rows(), 0);
    assert_eq!(tickets.set_aside.len(), 1);
    let a = &tickets.set_aside[0];
    assert_eq!(a.count, 7);
    // lines 2..=6, the first five
    assert_eq!(a.rows, [2, 3, 4, 5, 6]);
    // distinct values in order: Cat 1, Cat 2, Cat 3, Cat 4 (Cat 1 again skipped), Cat 5
    assert_eq!(a.values, ["Cat 1", "Cat 2", "Cat 3", "Cat 4", "Cat 5"]);
}

#[test]
fn check_warns_about_rows_set_aside_and_customers_no_sla_covers() {
    let site = shared_site();
    let report = site.check();
    assert!(report.is_clean(), "{}", render(&report.problems.clone().into_vec()));
    let warnings: Vec<String> = report.problems.iter().filter(|d| !d.is_error()).map(|d| d.message.clone()).collect();
    for expected in [
        "tickets: 3 rows set aside, service is empty (rows 3, 6, 11; values `?`, an empty cell)",
        "tickets: 1 row set aside, service is not mapped to an id (row 5; values `Category 42`)",
        "tickets: 1 row set aside, customer is empty (row 9; values `?`)",
        "tickets: 1 row set aside, customer is not mapped to an id (row 8; values `Umbrella Corp`)",
        // INC009 (line 10): globex's only SLA names email, not crm
        "tickets: 1 row of customer `globex` on service `crm`, which no SLA of globex covers",
        // INC012 (line 13): initech is a customer of the site with no SLA
        "tickets: 1 row naming customer `initech`, which is party to no SLA",
    ] {
        assert!(warnings.iter().any(|w| w == expected), "no warning `{expected}` among:\n{}", warnings.join("\n"));
    }
    let set_aside = report.problems.iter().find(|d| d.message.starts_with("tickets: 3 rows set aside")).unwrap();
    assert_eq!(set_aside.location.as_ref().unwrap().file, std::path::Path::new("data/incident.csv"));
    // acme's e-mail rows (INC001, INC006, INC011) and globex's e-mail row (INC003) draw no warning.
    assert!(!warnings.iter().any(|w| w.contains("`acme`") || w.contains("service `email`")), "{}", warnings.join("\n"));
}

#[test]
fn a_bad_cell_stays_an_error_in_a_mapped_source() {
    let site = shared_site();
    site.edit("data/incident.csv", "INC006,email,P1,2026-10-07T10:00:00Z", "INC006,email,P1,2026-10-32T10:00:00Z");
    let (_, problems) = scan(&site);
    assert_eq!(problems.len(), 1, "{}", render(&problems));
    assert!(problems[0].message.starts_with("row 7, column `opened_at`: `2026-10-32T10:00:00Z` is not"), "{}", problems[0]);
}

#[test]
fn without_a_customer_column_tickets_are_kept_and_without_a_mapping_values_pass() {
    let site = shared_site();
    site.edit("slareport.toml", "[sources.tickets.values]\nservice = { \"Email Service\" = \"email\", \"CRM\" = \"crm\" }\n", "[sources.tickets.values]\n");
    site.edit("slareport.toml", ", customer = \"company\"", "");
    site.write(
        "data/incident.csv",
        "number,category,priority,opened_at\nINC1,Category 42,1 - Critical,2026-10-05T09:00:00Z\nINC2,?,P2,2026-10-05T09:00:00Z\n",
    );
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let tickets = m.get(SourceKind::Tickets).unwrap();
    // line 2: no service mapping, so `Category 42` passes as it is (today's rule); no customer column, so no customer.
    assert_eq!(texts(&tickets.frame, "service"), some(&["Category 42"]));
    assert_eq!(texts(&tickets.frame, "priority"), some(&["P1"]));
    assert_eq!(texts(&tickets.frame, "customer"), vec![None]);
    // line 3: a null service is set aside in every source.
    assert_eq!(tickets.set_aside.len(), 1);
    assert_eq!((tickets.set_aside[0].reason, tickets.set_aside[0].count, tickets.set_aside[0].rows.clone()), (SetAsideReason::ServiceEmpty, 1, vec![3]));
}

#[test]
fn an_outage_without_a_customer_concerns_every_customer_and_is_kept() {
    let site = shared_site();
    site.edit("slareport.toml", "columns = { service = \"svc\", start = \"began\", end = \"ended\" }", "columns = { service = \"svc\", start = \"began\", end = \"ended\", customer = \"company\" }\nvalues = { customer = { \"Acme Ltd\" = \"acme\" } }");
    site.write(
        "data/outages.csv",
        "svc,began,ended,company\nemail,2026-10-05T09:00:00Z,2026-10-05T10:00:00Z,\nemail,2026-10-06T09:00:00Z,2026-10-06T10:00:00Z,Acme Ltd\nemail,2026-10-07T09:00:00Z,2026-10-07T10:00:00Z,Hooli\n",
    );
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let outages = m.get(SourceKind::Outages).unwrap();
    // line 2: empty customer kept (every customer); line 3: mapped; line 4: `Hooli` not mapped -> set aside.
    assert_eq!(texts(&outages.frame, "customer"), vec![None, Some("acme".to_string())]);
    assert_eq!(outages.set_aside.len(), 1);
    assert_eq!(outages.set_aside[0].reason, SetAsideReason::CustomerUnmapped);
    assert_eq!(outages.set_aside[0].rows, [4]);
    assert_eq!(outages.set_aside[0].values, ["Hooli"]);
}

#[test]
fn samples_of_a_customer_form_their_own_timeline() {
    let site = Fixture::valid();
    site.write(
        "slareport.toml",
        &format!("{SITE}\n[sources.samples]\npath = \"data/samples.csv\"\ninterval = \"60s\"\n"),
    )
    // No outages, so only samples count as rows below.
    .write("data/outages.csv", "svc,began,ended\n")
    .write(
        "data/samples.csv",
        "time,service,up,customer\n\
         2026-10-05T09:00:00Z,email,true,\n\
         2026-10-05T09:00:30Z,email,false,acme\n\
         2026-10-05T09:01:00Z,email,true,\n\
         2026-10-05T09:01:30Z,email,true,acme\n",
    );
    let (m, problems) = scan(&site);
    assert!(problems.is_empty(), "{}", render(&problems));
    let data = Data::from_measurements(&m, 60).unwrap();
    // 2026-10-05T09:00:00Z = 1_791_190_800
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-10-05T09:00:00Z").unwrap().timestamp();
    assert_eq!(t0, 1_791_190_800);
    let rows = |s: &Samples| (0..s.len()).map(|i| (s.time(i), s.up(i), s.latency(i))).collect::<Vec<_>>();
    let shared = &data.samples["email"];
    assert_eq!(rows(shared), [(t0, true, None), (t0 + 60, true, None)]);
    let acme = &data.customer_samples[&("email".to_string(), "acme".to_string())];
    assert_eq!(rows(acme), [(t0 + 30, false, None), (t0 + 90, true, None)]);
    assert_eq!(data.samples_for("email", Some("acme")), Some(acme));
    // A customer without samples of its own, or no customer at all, sees the shared ones.
    assert_eq!(data.samples_for("email", Some("globex")), Some(shared));
    assert_eq!(data.samples_for("email", None), Some(shared));
    assert_eq!(data.samples_for("crm", Some("acme")), None);
    // acme's samples count as rows: [t0+30, t0+31) holds only acme's first sample.
    assert!(data.has_rows_in(t0 + 30, t0 + 31));
    assert!(!data.has_rows_in(t0 + 91, t0 + 120));
    assert_eq!(data.first_instant(), Some(t0));
    // The digest covers acme's timeline: without it, it differs.
    let with = data.rows_digest(&["email"], None, t0, t0 + 3600);
    let mut without = data.clone();
    without.customer_samples.clear();
    assert_ne!(with, without.rows_digest(&["email"], None, t0, t0 + 3600));
}

#[test]
fn a_service_mapped_to_something_that_is_not_an_id_is_refused() {
    let site = shared_site();
    site.edit("slareport.toml", "\"CRM\" = \"crm\"", "\"CRM\" = \"Customer Relations\"");
    let errors = site.errors();
    assert_eq!(errors.len(), 1, "{}", render(&errors));
    let line = site_toml().lines().position(|l| l.starts_with("service = {")).unwrap() + 1;
    assert_at(
        &errors[0],
        "slareport.toml",
        line,
        "sources.tickets.values.service: `CRM` maps to `Customer Relations`, which contains 'C'; expected a service id",
    );
}
