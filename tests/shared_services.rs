//! One service shared by two customers: each customer's figures count the
//! rows of that customer and the rows without a customer, never the other
//! customer's; an OLA on the service counts every customer's rows (those
//! it caused). Every figure is worked out by hand below.
//!
//! February 2026, London = UTC: 28 × 86_400 = 2_419_200 s.

mod common;

use common::Fixture;
use slareport::measure::results::{FigureCache, Options, Results, TargetResult, TREND_PERIODS};
use slareport::measure::prepare;
use slareport::period::Period;

const SITE: &str = r#"title = "Shared service"
timezone = "Europe/London"

[customers.a]
name = "Customer A"

[customers.b]
name = "Customer B"

[sources.outages]
path = "data/outages.csv"

[sources.tickets]
path = "data/tickets.csv"

[sources.surveys]
path = "data/surveys.csv"

[sources.counts]
path = "data/counts.csv"
"#;

const SLA_TARGETS: &str = r#"
[[targets]]
id = "availability"
metric = "availability"
objective = 99.5

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "30m"
objective = 50

[[targets]]
id = "incidents-p1"
metric = "incidents"
priority = "P1"
objective = 5

[[targets]]
id = "satisfaction"
metric = "satisfaction"
objective = 3.5

[[targets]]
id = "success"
metric = "ratio"
objective = 80
"#;

const OLA: &str = r#"id = "net-ola"
kind = "ola"
team = "network"
title = "Network"
version = "1"
effective = 2025-01-01
review_due = 2027-01-01
services = ["mail"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "30m"
objective = 50
"#;

/// One outage for customer a only (10 Feb 10:00-11:00, caused by the OLA)
/// and one for every customer (12 Feb 10:00-10:30, no cause).
const OUTAGES: &str = "service,start,end,kind,cause,customer\n\
    mail,2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,unplanned,net-ola,a\n\
    mail,2026-02-12T10:00:00Z,2026-02-12T10:30:00Z,unplanned,,\n";

/// P1 tickets, answered within 30 min or not:
/// T1 a, 10 min (within), net-ola; T2 a, 60 min (late), net-ola;
/// T3 b, 20 min (within), net-ola; T4 no customer, 45 min (late), no cause;
/// T5 b, 5 min (within), net-ola.
const TICKETS: &str = "id,service,priority,opened,responded,resolved,paused_minutes,cause,customer\n\
    T1,mail,P1,2026-02-02T09:00:00Z,2026-02-02T09:10:00Z,,,net-ola,a\n\
    T2,mail,P1,2026-02-03T09:00:00Z,2026-02-03T10:00:00Z,,,net-ola,a\n\
    T3,mail,P1,2026-02-04T09:00:00Z,2026-02-04T09:20:00Z,,,net-ola,b\n\
    T4,mail,P1,2026-02-05T09:00:00Z,2026-02-05T09:45:00Z,,,,\n\
    T5,mail,P1,2026-02-06T09:00:00Z,2026-02-06T09:05:00Z,,,net-ola,b\n";

/// Scores: a 5 and 3, b 2, no customer 4.
const SURVEYS: &str = "time,service,score,customer\n\
    2026-02-09T12:00:00Z,mail,5,a\n\
    2026-02-10T12:00:00Z,mail,3,a\n\
    2026-02-11T12:00:00Z,mail,2,b\n\
    2026-02-12T12:00:00Z,mail,4,\n";

/// Requests: a 90 of 100, b 50 of 100, no customer 10 of 10.
const COUNTS: &str = "time,service,good,total,customer\n\
    2026-02-09T12:00:00Z,mail,90,100,a\n\
    2026-02-10T12:00:00Z,mail,50,100,b\n\
    2026-02-11T12:00:00Z,mail,10,10,\n";

fn shared_site() -> Fixture {
    let f = Fixture::valid();
    std::fs::remove_file(f.path("agreements/acme/email.toml")).unwrap();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write("slareport.toml", SITE);
    for customer in ["a", "b"] {
        f.write(
            &format!("agreements/{customer}/mail.toml"),
            &format!(
                "id = \"{customer}-mail\"\nkind = \"sla\"\ncustomer = \"{customer}\"\ntitle = \"Mail for {customer}\"\nversion = \"1\"\n\
                 effective = 2025-01-01\nreview_due = 2027-01-01\nservices = [\"mail\"]\n{SLA_TARGETS}"
            ),
        );
    }
    f.write("agreements/_internal/net-ola.toml", OLA)
        .write("data/outages.csv", OUTAGES)
        .write("data/tickets.csv", TICKETS)
        .write("data/surveys.csv", SURVEYS)
        .write("data/counts.csv", COUNTS);
    f
}

fn measure(site: &Fixture) -> Results {
    let prepared = prepare(site.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    prepared.measure("2026-02".parse::<Period>().unwrap())
}

fn get<'r>(results: &'r Results, agreement: &str, target: &str) -> &'r TargetResult {
    results
        .targets
        .iter()
        .find(|t| t.agreement == agreement && t.target == target)
        .unwrap_or_else(|| panic!("{agreement}/{target} not measured"))
}

#[track_caller]
fn assert_value(r: &TargetResult, expected: f64) {
    let value = r.value.unwrap_or_else(|| panic!("no value for {}/{}", r.agreement, r.target));
    assert!((value - expected).abs() < 1e-9, "{}/{}: {value} != {expected}", r.agreement, r.target);
}

#[test]
fn two_customers_of_one_service_get_their_own_availability() {
    let results = measure(&shared_site());
    // a: its own hour (3_600 s) and the shared half hour (1_800 s), 5_400 s:
    // (2_419_200 − 5_400) / 2_419_200 = 99.77679 %.
    let a = get(&results, "a-mail", "availability");
    assert_eq!(a.basis.lost_seconds, Some(5_400.0));
    assert_value(a, 100.0 * 2_413_800.0 / 2_419_200.0);
    // b: the shared half hour only: (2_419_200 − 1_800) / 2_419_200 = 99.92560 %.
    let b = get(&results, "b-mail", "availability");
    assert_eq!(b.basis.lost_seconds, Some(1_800.0));
    assert_value(b, 100.0 * 2_417_400.0 / 2_419_200.0);
    // a's hour is owed to net-ola, b's figure owes it nothing.
    assert!(a.attribution.iter().any(|x| x.cause.as_deref() == Some("net-ola") && x.amount == 3_600.0));
    assert!(b.attribution.iter().all(|x| x.cause.as_deref() != Some("net-ola")));
    // The OLA sees every customer's outages but counts only its own: a's
    // hour, 3_600 s: (2_419_200 − 3_600) / 2_419_200 = 99.85119 %.
    let ola = get(&results, "net-ola", "availability");
    assert_eq!(ola.basis.lost_seconds, Some(3_600.0));
    assert_value(ola, 100.0 * 2_415_600.0 / 2_419_200.0);
}

#[test]
fn two_customers_of_one_service_get_their_own_tickets_surveys_and_requests() {
    let results = measure(&shared_site());
    // T4, the fourth survey answer and the third count row name no customer
    // in exports that have a customer column: they are set aside (counted in
    // no figure), not shared.
    // Response: a sees T1 (within), T2 (late): 1 / 2 = 50 %.
    let a = get(&results, "a-mail", "response-p1");
    assert_eq!((a.basis.count, a.basis.good), (Some(2), Some(1.0)));
    assert_value(a, 50.0);
    // b sees T3 (within), T5 (within): 2 / 2 = 100 %.
    let b = get(&results, "b-mail", "response-p1");
    assert_eq!((b.basis.count, b.basis.good), (Some(2), Some(2.0)));
    assert_value(b, 100.0);
    let ids = |r: &TargetResult| r.tickets.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(a), ["T1", "T2"]);
    assert_eq!(ids(b), ["T3", "T5"]);
    // Incidents: a 2 (T1, T2), b 2 (T3, T5), not 4 each.
    assert_value(get(&results, "a-mail", "incidents-p1"), 2.0);
    assert_value(get(&results, "b-mail", "incidents-p1"), 2.0);
    // The OLA counts every customer's tickets it caused: T1, T2, T3, T5;
    // within: T1, T3, T5: 3 / 4 = 75 %.
    let ola = get(&results, "net-ola", "response-p1");
    assert_eq!((ola.basis.count, ola.basis.good), (Some(4), Some(3.0)));
    assert_value(ola, 75.0);
    // Satisfaction: a (5 + 3) / 2 = 4; b 2 / 1 = 2.
    assert_value(get(&results, "a-mail", "satisfaction"), 4.0);
    assert_value(get(&results, "b-mail", "satisfaction"), 2.0);
    // Ratio: a 90 / 100 = 90 %; b 50 / 100 = 50 %.
    let a = get(&results, "a-mail", "success");
    assert_eq!((a.basis.good, a.basis.total), (Some(90.0), Some(100.0)));
    assert_value(a, 90.0);
    assert_value(get(&results, "b-mail", "success"), 50.0);
    // The data section lists the rows set aside: T4 is line 5 of the
    // tickets export (the header is line 1, T1 line 2).
    let tickets = results.data.sources.iter().find(|s| s.source == slareport::model::SourceKind::Tickets).unwrap();
    assert_eq!(tickets.set_aside.iter().map(|a| (a.reason.as_str(), a.count, a.rows.clone())).collect::<Vec<_>>(), [("customer is empty", 1, vec![5])]);
}

#[test]
fn without_a_customer_column_every_customer_sees_every_row() {
    // The same exports without the customer column: both customers get the
    // whole service. Down 3_600 + 1_800 = 5_400 s each; response 3 of 5
    // (T1, T3, T5 within) = 60 %.
    let f = shared_site();
    let strip = |text: &str| text.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n").collect::<String>();
    f.write("data/outages.csv", &strip(OUTAGES)).write("data/tickets.csv", &strip(TICKETS));
    let results = measure(&f);
    for sla in ["a-mail", "b-mail"] {
        assert_value(get(&results, sla, "availability"), 100.0 * 2_413_800.0 / 2_419_200.0);
        assert_value(get(&results, sla, "response-p1"), 60.0);
    }
}

#[test]
fn customers_who_see_the_same_outages_share_one_figure() {
    // With outages naming customers, a and b see different outages: each
    // SLA's availability is a figure of its own. Without the customer
    // column both see every outage, so one figure serves both: one figure
    // fewer in each month of the trend (the month and the TREND_PERIODS = 12
    // before it: 13), each customer's value still as worked out by hand in
    // `without_a_customer_column_every_customer_sees_every_row` (down
    // 3_600 + 1_800 = 5_400 s of 2_419_200 s). Ticket figures are never
    // shared (tickets name customers), nor is the OLA's (it counts its own).
    let computed = |f: &Fixture| {
        let prepared = prepare(f.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
        let cache = FigureCache::default();
        let results = prepared.measure_with("2026-02".parse::<Period>().unwrap(), Options::default(), &cache);
        (cache.computed(), results)
    };
    let (apart, results) = computed(&shared_site());
    assert_eq!(get(&results, "a-mail", "availability").basis.lost_seconds, Some(5_400.0));
    assert_eq!(get(&results, "b-mail", "availability").basis.lost_seconds, Some(1_800.0));
    let f = shared_site();
    let strip = |text: &str| text.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n").collect::<String>();
    f.write("data/outages.csv", &strip(OUTAGES));
    let (alike, results) = computed(&f);
    assert_eq!(apart - alike, TREND_PERIODS + 1);
    for sla in ["a-mail", "b-mail"] {
        let r = get(&results, sla, "availability");
        assert_eq!(r.basis.lost_seconds, Some(5_400.0));
        assert_value(r, 100.0 * 2_413_800.0 / 2_419_200.0);
    }
    // The OLA still counts only the hour it caused (3_600 s).
    assert_eq!(get(&results, "net-ola", "availability").basis.lost_seconds, Some(3_600.0));
}
