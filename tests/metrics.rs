//! Every metric worked through by hand. Each test writes a small site, runs
//! the real pipeline (load, scan, measure) and checks the figure against
//! arithmetic written out in the test.
//!
//! Times are London; in winter London is UTC+0, in summer UTC+1.

mod common;

use common::Fixture;
use slareport::measure::exact::Status;
use slareport::measure::results::TargetResult;
use slareport::measure::prepare;
use slareport::period::Period;

const SITE: &str = r#"title = "Metric tests"
timezone = "Europe/London"

[calendars.business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"
holidays = [2026-12-25]

[sources.outages]
path = "data/outages.csv"

[sources.samples]
path = "data/samples.csv"
interval = "60s"

[sources.tickets]
path = "data/tickets.csv"

[sources.surveys]
path = "data/surveys.csv"

[sources.counts]
path = "data/counts.csv"
"#;

const OUTAGES_HEADER: &str = "service,start,end,kind,cause\n";

/// A site with one SLA holding `targets` (TOML `[[targets]]` tables) for
/// service `svc`, an OLA `team-ola` and a UPC `vendor-upc`, and the given
/// data files (header lines included).
fn site(targets: &str, files: &[(&str, &str)]) -> Fixture {
    let f = Fixture::valid();
    f.write("slareport.toml", SITE);
    std::fs::remove_file(f.path("agreements/acme/email.toml")).unwrap();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write(
        "agreements/acme/sla.toml",
        &format!(
            "id = \"sla\"\nkind = \"sla\"\ncustomer = \"acme\"\ntitle = \"SLA\"\nversion = \"1\"\n\
             effective = 2024-01-01\nreview_due = 2027-01-01\nservices = [\"svc\"]\n\n{targets}"
        ),
    );
    for (id, kind, party) in [("team-ola", "ola", "team = \"team\""), ("vendor-upc", "upc", "supplier = \"vendor\"")] {
        f.write(
            &format!("agreements/_other/{id}.toml"),
            &format!(
                "id = \"{id}\"\nkind = \"{kind}\"\n{party}\ntitle = \"{id}\"\nversion = \"1\"\n\
                 effective = 2024-01-01\nreview_due = 2027-01-01\nservices = [\"svc\"]\n"
            ),
        );
    }
    let defaults = [
        ("data/outages.csv", OUTAGES_HEADER),
        ("data/samples.csv", "time,service,up,latency_ms\n"),
        ("data/tickets.csv", "id,service,priority,opened,responded,resolved,paused_minutes,cause\n"),
        ("data/surveys.csv", "time,service,score\n"),
        ("data/counts.csv", "time,service,good,total\n"),
    ];
    for (path, text) in defaults {
        f.write(path, text);
    }
    for (path, text) in files {
        f.write(path, text);
    }
    f
}

/// Measures `period` and returns the result of target `id`.
fn result(site: &Fixture, period: &str, id: &str) -> TargetResult {
    let prepared = prepare(site.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let results = prepared.measure(period.parse::<Period>().unwrap());
    std::sync::Arc::unwrap_or_clone(results.targets.into_iter().find(|t| t.target == id).expect("target measured"))
}

#[track_caller]
fn assert_value(r: &TargetResult, expected: f64) {
    let value = r.value.unwrap_or_else(|| panic!("no value for {}", r.target));
    assert!((value - expected).abs() < 1e-9, "{}: {value} != {expected}", r.target);
}

const AVAILABILITY_24X7: &str = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\nobjective = 99.5\n";

#[test]
fn an_outage_crossing_a_month_end_counts_in_each_month_its_share() {
    // 2026-01-31 23:00 to 2026-02-01 02:00 (UTC = London in winter).
    let outages = format!("{OUTAGES_HEADER}svc,2026-01-31T23:00:00Z,2026-02-01T02:00:00Z,,\n");
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    // January: 31 * 86_400 = 2_678_400 s in scope; 1 h = 3_600 s down.
    let jan = result(&s, "2026-01", "a");
    assert_eq!(jan.basis.scope_seconds, Some(2_678_400));
    assert_eq!(jan.basis.lost_seconds, Some(3_600.0));
    assert_value(&jan, 100.0 * (2_678_400.0 - 3_600.0) / 2_678_400.0);
    // February: 28 * 86_400 = 2_419_200 s; 2 h = 7_200 s down: 99.7024 %.
    let feb = result(&s, "2026-02", "a");
    assert_eq!(feb.basis.lost_seconds, Some(7_200.0));
    assert_value(&feb, 100.0 * (2_419_200.0 - 7_200.0) / 2_419_200.0);
    assert_eq!(feb.status, Status::Met);
}

#[test]
fn overlapping_outages_count_once_and_the_first_owns_the_overlap() {
    // 10:00-11:00 (team) and 10:30-12:00 (vendor) on 10 Feb: 10:00-12:00 down, 7_200 s.
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,,team-ola\nsvc,2026-02-10T10:30:00Z,2026-02-10T12:00:00Z,,vendor-upc\n"
    );
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let feb = result(&s, "2026-02", "a");
    assert_eq!(feb.basis.lost_seconds, Some(7_200.0));
    assert_value(&feb, 100.0 * (2_419_200.0 - 7_200.0) / 2_419_200.0);
    // team-ola started first: 10:00-11:00 = 3_600 s; vendor-upc: 11:00-12:00 = 3_600 s.
    let owed: Vec<(Option<String>, f64)> = feb.attribution.iter().map(|a| (a.cause.clone(), a.amount)).collect();
    assert_eq!(owed, vec![(Some("team-ola".into()), 3_600.0), (Some("vendor-upc".into()), 3_600.0)]);
}

fn planned_site(rule: &str) -> Fixture {
    // Unplanned 01:00-05:00 on Sat 14 Feb, planned maintenance 02:00-03:00 inside it.
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-02-14T01:00:00Z,2026-02-14T05:00:00Z,unplanned,\nsvc,2026-02-14T02:00:00Z,2026-02-14T03:00:00Z,planned,\n"
    );
    let targets = format!("{AVAILABILITY_24X7}planned = \"{rule}\"\n");
    site(&targets, &[("data/outages.csv", &outages)])
}

#[test]
fn maintenance_inside_an_outage_is_taken_out_of_scope_before_downtime() {
    // Excluded: scope 2_419_200 - 3_600 = 2_415_600 s; down 4 h less the
    // excluded hour = 3 h = 10_800 s: 2_404_800 / 2_415_600 = 99.5529 %.
    let r = result(&planned_site("excluded"), "2026-02", "a");
    assert_eq!(r.basis.scope_seconds, Some(2_415_600));
    assert_eq!(r.basis.excluded_seconds, Some(3_600));
    assert_eq!(r.basis.lost_seconds, Some(10_800.0));
    assert_value(&r, 100.0 * 2_404_800.0 / 2_415_600.0);
    // Downtime: scope stays 2_419_200 s; down 4 h = 14_400 s: 99.4048 %, breached.
    let r = result(&planned_site("downtime"), "2026-02", "a");
    assert_eq!(r.basis.scope_seconds, Some(2_419_200));
    assert_value(&r, 100.0 * (2_419_200.0 - 14_400.0) / 2_419_200.0);
    assert_eq!(r.status, Status::Breached);
    // Uptime: the maintenance hour is not down by itself, but the unplanned
    // outage covers it, so still 4 h down.
    let r = result(&planned_site("uptime"), "2026-02", "a");
    assert_eq!(r.basis.lost_seconds, Some(14_400.0));
}

#[test]
fn business_hours_with_a_holiday() {
    // December 2026 starts on a Tuesday: weekdays are 1-4, 7-11, 14-18,
    // 21-25 and 28-31 = 4 + 5 + 5 + 5 + 4 = 23, less Christmas (Fri 25) = 22
    // days of 10 h = 220 h = 792_000 s.
    // The outage runs from Thu 24 Dec 17:00 to Mon 28 Dec 09:00: in hours
    // only Thu 17:00-18:00 and Mon 08:00-09:00 = 7_200 s.
    let outages = format!("{OUTAGES_HEADER}svc,2026-12-24T17:00:00Z,2026-12-28T09:00:00Z,,\n");
    let targets = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\ncalendar = \"business\"\nobjective = 99.5\n";
    let r = result(&site(targets, &[("data/outages.csv", &outages)]), "2026-12", "a");
    assert_eq!(r.basis.scope_seconds, Some(792_000));
    assert_eq!(r.basis.lost_seconds, Some(7_200.0));
    // 784_800 / 792_000 = 99.0909 %: breached against 99.5.
    assert_value(&r, 100.0 * 784_800.0 / 792_000.0);
    assert_eq!(r.status, Status::Breached);
}

#[test]
fn months_with_a_clock_change() {
    // Naive local times. 29 Mar 2026 00:30 GMT (00:30Z) to 03:30 BST (02:30Z) is 2 h.
    // 25 Oct 2026 00:30 BST (24 Oct 23:30Z) to 02:30 GMT (02:30Z) is 3 h.
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-03-29 00:30,2026-03-29 03:30,,\nsvc,2026-10-25 00:30,2026-10-25 02:30,,\n"
    );
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    // March: 743 h = 2_674_800 s; 7_200 s down.
    let mar = result(&s, "2026-03", "a");
    assert_eq!(mar.basis.scope_seconds, Some(743 * 3_600));
    assert_eq!(mar.basis.lost_seconds, Some(7_200.0));
    assert_value(&mar, 100.0 * (2_674_800.0 - 7_200.0) / 2_674_800.0);
    // October: 745 h = 2_682_000 s; 10_800 s down.
    let oct = result(&s, "2026-10", "a");
    assert_eq!(oct.basis.scope_seconds, Some(745 * 3_600));
    assert_eq!(oct.basis.lost_seconds, Some(10_800.0));
    assert_value(&oct, 100.0 * (2_682_000.0 - 10_800.0) / 2_682_000.0);
}

#[test]
fn degraded_time_counts_by_its_fraction() {
    // 2 h degraded on 10 Feb at degraded = 0.5: 3_600 s lost.
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-10T10:00:00Z,2026-02-10T12:00:00Z,degraded,\n");
    let targets = format!("{AVAILABILITY_24X7}degraded = 0.5\n");
    let r = result(&site(&targets, &[("data/outages.csv", &outages)]), "2026-02", "a");
    assert_eq!(r.basis.lost_seconds, Some(3_600.0));
    assert_value(&r, 100.0 * (2_419_200.0 - 3_600.0) / 2_419_200.0);
    // By default degraded service counts as up.
    let r = result(&site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]), "2026-02", "a");
    assert_eq!(r.basis.lost_seconds, Some(0.0));
    assert_value(&r, 100.0);
}

#[test]
fn credits_take_the_most_severe_tier_reached_and_respect_the_cap() {
    // 4 h down in February: 99.4048 %. Tiers below 99.9 (5 %) and below 99.5
    // (15 %): both bounds are beaten, the most severe applies, 15 %, capped at 10 %.
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-14T01:00:00Z,2026-02-14T05:00:00Z,,vendor-upc\n");
    let targets = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\nobjective = 99.9\nwarning = 99.95\n\
                   credits = [{ below = 99.9, percent = 5 }, { below = 99.5, percent = 15 }]\ncredit_cap = 10\n\
                   underpinned_by = [\"vendor-upc\"]\n";
    let r = result(&site(targets, &[("data/outages.csv", &outages)]), "2026-02", "a");
    assert_eq!(r.status, Status::Breached);
    assert_eq!(r.severity, Some(2));
    assert_eq!(r.credit_percent, 10.0);
    assert_eq!(r.contributors, vec!["vendor-upc".to_string()]);
    // Error budget: 0.1 % of 2_419_200 s = 2_419.2 s allowed; 14_400 used.
    let budget = r.budget.unwrap();
    assert!((budget.allowed - 2_419.2).abs() < 1e-6);
    assert_eq!(budget.used, 14_400.0);
    assert!((budget.remaining - (2_419.2 - 14_400.0)).abs() < 1e-6);
}

#[test]
fn equal_to_the_objective_is_met() {
    // 999 good of 1000 requests = 99.9 % exactly, objective 99.9: met.
    let counts = "time,service,good,total\n2026-02-10T00:00:00Z,svc,999,1000\n";
    let targets = "[[targets]]\nid = \"r\"\nmetric = \"ratio\"\nobjective = 99.9\n";
    let r = result(&site(targets, &[("data/counts.csv", counts)]), "2026-02", "r");
    assert_value(&r, 99.9);
    assert_eq!(r.status, Status::Met);
    assert_eq!(r.budget.unwrap().allowed, 1.0);
}

/// Samples every minute on 10 Feb 00:00-00:59, except 00:30; 00:10-00:19 down.
fn samples() -> String {
    let mut csv = String::from("time,service,up,latency_ms\n");
    for m in 0..60 {
        if m == 30 {
            continue;
        }
        let up = !(10..20).contains(&m);
        let latency = if up { format!("{}", 100 + m) } else { String::new() };
        csv.push_str(&format!("2026-02-10T00:{m:02}:00Z,svc,{up},{latency}\n"));
    }
    csv
}

fn sample_target(unknown: &str) -> String {
    format!("[[targets]]\nid = \"s\"\nmetric = \"availability\"\nsource = \"samples\"\nunknown = \"{unknown}\"\nobjective = 99.0\n")
}

#[test]
fn samples_with_gaps_report_their_coverage() {
    // 59 samples cover 59 min = 3_540 s (00:29 covers only to 00:30, where
    // the next sample would be; 00:59 covers its full 60 s). 49 up samples
    // cover 2_940 s. February in scope: 2_419_200 s.
    let s = site(&sample_target("exclude"), &[("data/samples.csv", &samples())]);
    let r = result(&s, "2026-02", "s");
    assert_eq!(r.basis.covered_seconds, Some(3_540));
    assert_eq!(r.basis.up_seconds, Some(2_940));
    // Unknown time excluded: 2_940 / 3_540 = 83.0508 %.
    assert_value(&r, 100.0 * 2_940.0 / 3_540.0);
    // Coverage: 3_540 / 2_419_200 = 0.1463 %.
    assert!((r.coverage.unwrap() - 100.0 * 3_540.0 / 2_419_200.0).abs() < 1e-9);
    // Unknown time as down: 2_940 / 2_419_200.
    let r = result(&site(&sample_target("down"), &[("data/samples.csv", &samples())]), "2026-02", "s");
    assert_value(&r, 100.0 * 2_940.0 / 2_419_200.0);
    // Unknown time as up: (2_940 + 2_419_200 - 3_540) / 2_419_200 = 99.9752 %.
    let r = result(&site(&sample_target("up"), &[("data/samples.csv", &samples())]), "2026-02", "s");
    assert_value(&r, 100.0 * (2_940.0 + 2_419_200.0 - 3_540.0) / 2_419_200.0);
    // No samples at all in March: no data, not 100 %.
    let r = result(&site(&sample_target("exclude"), &[("data/samples.csv", &samples())]), "2026-03", "s");
    assert_eq!(r.value, None);
    assert_eq!(r.status, Status::NoData);
}

fn latency_samples(n: u32) -> String {
    let mut csv = String::from("time,service,up,latency_ms\n");
    for i in 1..=n {
        csv.push_str(&format!("2026-02-10T{:02}:{:02}:00Z,svc,true,{i}\n", i / 60, i % 60));
    }
    csv
}

#[test]
fn latency_percentile_is_the_nearest_rank_in_integers() {
    // 100 samples of 1..=100 ms. P7: rank ⌈7 · 100 / 100⌉ = 7, so 7 ms.
    // (In f64, 100 * 0.07 = 7.000000000000001 and its ceiling would be rank 8.)
    let targets = "[[targets]]\nid = \"p\"\nmetric = \"latency\"\npercentile = 7\nobjective = 7\n";
    let r = result(&site(targets, &[("data/samples.csv", &latency_samples(100))]), "2026-02", "p");
    assert_eq!(r.basis.rank, Some(7));
    assert_value(&r, 7.0);
    assert_eq!(r.status, Status::Met);
    // P95 of 20 samples 1..=20: rank ⌈95 · 20 / 100⌉ = 19: 19 ms > 18: breached.
    let targets = "[[targets]]\nid = \"p\"\nmetric = \"latency\"\npercentile = 95\nobjective = 18\n";
    let r = result(&site(targets, &[("data/samples.csv", &latency_samples(20))]), "2026-02", "p");
    assert_value(&r, 19.0);
    assert_eq!(r.status, Status::Breached);
    // Budget: n - rank = 1 sample may be above 18 ms; 2 are (19, 20).
    let b = r.budget.unwrap();
    assert_eq!((b.allowed, b.used), (1.0, 2.0));
}

#[test]
fn latency_share_under_a_threshold() {
    // 50 of 100 samples are at or under 50 ms: 50 %.
    let targets = "[[targets]]\nid = \"t\"\nmetric = \"latency\"\nthreshold = 50\nobjective = 50\n";
    let r = result(&site(targets, &[("data/samples.csv", &latency_samples(100))]), "2026-02", "t");
    assert_value(&r, 50.0);
    assert_eq!(r.status, Status::Met);
}

const TICKETS_HEADER: &str = "id,service,priority,opened,responded,resolved,paused_minutes,cause\n";

#[test]
fn a_ticket_paused_over_a_weekend() {
    // Opened Fri 6 Feb 16:00, resolved Tue 10 Feb 10:00, 120 business minutes
    // on hold (Fri 17:00 to Mon 09:00). Business time: Fri 16-18 (2 h),
    // Mon 08-18 (10 h), Tue 08-10 (2 h) = 14 h, less 2 h on hold = 12 h:
    // within 12 h exactly. The second ticket resolves a minute later: 12 h 01 m.
    let tickets = format!(
        "{TICKETS_HEADER}T1,svc,P2,2026-02-06T16:00:00Z,,2026-02-10T10:00:00Z,120,\n\
         T2,svc,P2,2026-02-06T16:00:00Z,,2026-02-10T10:01:00Z,120,team-ola\n"
    );
    let targets = "[[targets]]\nid = \"r\"\nmetric = \"resolution\"\npriority = \"P2\"\nwithin = \"12h\"\ncalendar = \"business\"\nobjective = 90\n";
    let r = result(&site(targets, &[("data/tickets.csv", &tickets)]), "2026-02", "r");
    assert_eq!(r.basis.count, Some(2));
    assert_eq!(r.basis.good, Some(1.0));
    assert_value(&r, 50.0);
    assert_eq!(r.attribution[0].cause.as_deref(), Some("team-ola"));
    assert_eq!(r.attribution[0].amount, 1.0);
}

#[test]
fn a_ticket_still_open_past_its_deadline() {
    // P1 within 4 h of business time.
    // A: opened Thu 26 Feb 15:00, never resolved in February; resolved Tue 3 Mar.
    //    Deadline: Thu 15-18 (3 h) + Fri 08-09 (1 h) = Fri 27 Feb 09:00.
    //    Decided then, breached, in February; not counted again in March.
    // B: opened Fri 27 Feb 15:00, still open. Deadline: Fri 15-18 (3 h) +
    //    Mon 2 Mar 08-09 = Mon 2 Mar 09:00: breached in March.
    let tickets = format!(
        "{TICKETS_HEADER}A,svc,P1,2026-02-26T15:00:00Z,,2026-03-03T12:00:00Z,,\n\
         B,svc,P1,2026-02-27T15:00:00Z,,,,\n"
    );
    let targets = "[[targets]]\nid = \"r\"\nmetric = \"resolution\"\npriority = \"P1\"\nwithin = \"4h\"\ncalendar = \"business\"\nobjective = 90\n";
    let s = site(targets, &[("data/tickets.csv", &tickets)]);
    let feb = result(&s, "2026-02", "r");
    assert_eq!((feb.basis.count, feb.basis.good), (Some(1), Some(0.0)));
    assert_value(&feb, 0.0);
    let mar = result(&s, "2026-03", "r");
    assert_eq!((mar.basis.count, mar.basis.good), (Some(1), Some(0.0)));
    assert_eq!(mar.remarks, vec!["ticket B is still open past its deadline".to_string()]);
    // April: nothing decided: no data.
    assert_eq!(result(&s, "2026-04", "r").status, Status::NoData);
}

#[test]
fn response_uses_the_response_or_else_the_resolution() {
    // P3 within 30 min, business hours. C responded in 20 min; D has no
    // response and was resolved after 45 min: breached.
    let tickets = format!(
        "{TICKETS_HEADER}C,svc,P3,2026-02-10T09:00:00Z,2026-02-10T09:20:00Z,2026-02-10T12:00:00Z,,\n\
         D,svc,P3,2026-02-10T09:00:00Z,,2026-02-10T09:45:00Z,,\n"
    );
    let targets = "[[targets]]\nid = \"r\"\nmetric = \"response\"\npriority = \"P3\"\nwithin = \"30m\"\ncalendar = \"business\"\nobjective = 90\n";
    let r = result(&site(targets, &[("data/tickets.csv", &tickets)]), "2026-02", "r");
    assert_value(&r, 50.0);
}

#[test]
fn incidents_count_and_zero_is_met() {
    let tickets = format!(
        "{TICKETS_HEADER}E,svc,P1,2026-02-10T09:00:00Z,,,,\nF,svc,P1,2026-02-11T09:00:00Z,,,,vendor-upc\nG,svc,P2,2026-02-11T09:00:00Z,,,,\n"
    );
    let targets = "[[targets]]\nid = \"i\"\nmetric = \"incidents\"\npriority = \"P1\"\nobjective = 1\ncredits = [{ above = 1, percent = 5 }]\n";
    // A survey answer in March: the site has data for March, in which no P1 was opened.
    let surveys = "time,service,score\n2026-03-05T10:00:00Z,svc,4\n";
    let s = site(targets, &[("data/tickets.csv", &tickets), ("data/surveys.csv", surveys)]);
    // Two P1s in February against a maximum of 1: breached, tier 1.
    let feb = result(&s, "2026-02", "i");
    assert_value(&feb, 2.0);
    assert_eq!((feb.status, feb.severity, feb.credit_percent), (Status::Breached, Some(1), 5.0));
    // None in March: 0 is a value, and met.
    let mar = result(&s, "2026-03", "i");
    assert_value(&mar, 0.0);
    assert_eq!(mar.status, Status::Met);
    // April has no measurement of any kind: no data, not 0.
    assert_eq!(result(&s, "2026-04", "i").status, Status::NoData);
}

#[test]
fn satisfaction_mean_and_share() {
    // Scores 5, 4, 4, 2: mean 15 / 4 = 3.75; share >= 4 is 3 / 4 = 75 %.
    let surveys = "time,service,score\n2026-02-01T10:00:00Z,svc,5\n2026-02-02T10:00:00Z,svc,4\n2026-02-03T10:00:00Z,svc,4\n2026-02-04T10:00:00Z,svc,2\n";
    let targets = "[[targets]]\nid = \"m\"\nmetric = \"satisfaction\"\nobjective = 3.75\n\n\
                   [[targets]]\nid = \"t\"\nmetric = \"satisfaction\"\nthreshold = 4\nobjective = 80\n";
    let s = site(targets, &[("data/surveys.csv", surveys)]);
    let m = result(&s, "2026-02", "m");
    assert_value(&m, 3.75);
    assert_eq!(m.status, Status::Met);
    let t = result(&s, "2026-02", "t");
    assert_value(&t, 75.0);
    assert_eq!(t.status, Status::Breached);
    assert_eq!(result(&s, "2026-03", "m").status, Status::NoData);
}

#[test]
fn a_period_with_no_data_at_all_is_no_data() {
    // The outage export covers February 2026 only; June 2024 lies outside it.
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,,\n");
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let r = result(&s, "2024-06", "a");
    assert_eq!(r.value, None);
    assert_eq!(r.status, Status::NoData);
    assert_eq!(r.credit_percent, 0.0);
    // Before the agreement took effect (2024-01-01) there is nothing to measure either.
    assert_eq!(result(&s, "2023-12", "a").status, Status::NoData);
}

#[test]
fn an_agreement_effective_mid_month_is_measured_from_that_day() {
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-10T10:00:00Z,2026-02-10T11:00:00Z,,\n");
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let text = std::fs::read_to_string(s.path("agreements/acme/sla.toml")).unwrap();
    s.write("agreements/acme/sla.toml", &text.replace("effective = 2024-01-01", "effective = 2026-02-15"));
    // In scope: 15 Feb 00:00 to 1 Mar 00:00 = 14 days = 1_209_600 s; the
    // outage on the 10th is before it.
    let r = result(&s, "2026-02", "a");
    assert_eq!(r.basis.scope_seconds, Some(1_209_600));
    assert_value(&r, 100.0);
}

#[test]
fn an_ongoing_outage_runs_to_the_period_end_and_is_flagged() {
    // Started 28 Feb 22:00 with no end: 2 h to the end of February.
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-28T22:00:00Z,,,\n");
    let r = result(&site(AVAILABILITY_24X7, &[("data/outages.csv", &outages)]), "2026-02", "a");
    assert_eq!(r.basis.lost_seconds, Some(7_200.0));
    assert_eq!(r.remarks.len(), 1);
}

#[test]
fn trends_hold_thirteen_periods() {
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-14T01:00:00Z,2026-02-14T05:00:00Z,,\n");
    // A survey answer in March shows the site has data for March; the quiet
    // outage log then means no downtime: 100 %.
    let surveys = "time,service,score\n2026-03-02T10:00:00Z,svc,5\n";
    let s = site(AVAILABILITY_24X7, &[("data/outages.csv", &outages), ("data/surveys.csv", surveys)]);
    let r = result(&s, "2026-03", "a");
    assert_eq!(r.trend.len(), 13);
    assert_eq!(r.trend[0].period.to_string(), "2025-03");
    // Before February nothing was measured at all: no data.
    assert_eq!(r.trend[10].status, Status::NoData);
    assert_value(&r, 100.0);
    // February's 4 h down: 99.4048 %, breached against 99.5.
    assert_eq!(r.trend[11].status, Status::Breached);
}

// ---- Whose rows a figure counts: responsibility, ratio scope, min_coverage ----

/// [`site`] with `ola_targets` on the OLA `team-ola` (service `svc`).
fn site_with_ola(targets: &str, ola_targets: &str, files: &[(&str, &str)]) -> Fixture {
    let f = site(targets, files);
    f.write(
        "agreements/_other/team-ola.toml",
        &format!(
            "id = \"team-ola\"\nkind = \"ola\"\nteam = \"team\"\ntitle = \"team-ola\"\nversion = \"1\"\n\
             effective = 2024-01-01\nreview_due = 2027-01-01\nservices = [\"svc\"]\n\n{ola_targets}"
        ),
    );
    f
}

/// Measures `period` and returns the result of `agreement`'s target `id`.
fn result_of(site: &Fixture, period: &str, agreement: &str, id: &str) -> TargetResult {
    let prepared = prepare(site.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let results = prepared.measure(period.parse::<Period>().unwrap());
    std::sync::Arc::unwrap_or_clone(results.targets.into_iter().find(|t| t.agreement == agreement && t.target == id).expect("target measured"))
}

/// The July case of issue 8 (the sample site's VPN, without its planned
/// window): London is UTC+1 in July.
fn july_outages() -> String {
    format!(
        "{OUTAGES_HEADER}\
         svc,2026-07-10T05:50:49+01:00,2026-07-10T06:11:20+01:00,unplanned,vendor-upc\n\
         svc,2026-07-14T02:50:00+01:00,2026-07-14T03:30:00+01:00,unplanned,team-ola\n\
         svc,2026-07-14T03:10:00+01:00,2026-07-14T05:55:00+01:00,unplanned,vendor-upc\n\
         svc,2026-07-16T02:03:43+01:00,2026-07-16T02:11:23+01:00,unplanned,\n\
         svc,2026-07-16T17:10:44+01:00,2026-07-16T17:19:30+01:00,unplanned,team-ola\n\
         svc,2026-07-21T14:05:00+01:00,2026-07-21T14:45:00+01:00,,vendor-upc\n"
    )
}

#[test]
fn an_ola_counts_only_the_outages_it_caused_unless_it_counts_all() {
    let ola = "[[targets]]\nid = \"availability\"\nmetric = \"availability\"\nobjective = 99.9\n";
    let s = site_with_ola(AVAILABILITY_24X7, ola, &[("data/outages.csv", &july_outages())]);
    // July: 31 × 86_400 = 2_678_400 s in scope. The SLA counts every outage:
    // 10 Jul 05:50:49-06:11:20 = 1_231 s; 14 Jul 02:50-05:55 (the team's
    // 02:50-03:30 and the vendor's 03:10-05:55 overlap; counted once) =
    // 11_100 s; 16 Jul 02:03:43-02:11:23 = 460 s and 17:10:44-17:19:30 =
    // 526 s; 21 Jul 14:05-14:45 = 2_400 s. Down 15_717 s:
    // (2_678_400 − 15_717) / 2_678_400 = 99.41320 %.
    let sla = result_of(&s, "2026-07", "sla", "a");
    assert_eq!(sla.basis.scope_seconds, Some(2_678_400));
    assert_eq!(sla.basis.lost_seconds, Some(15_717.0));
    assert_value(&sla, 100.0 * 2_662_683.0 / 2_678_400.0);
    // The OLA caused 02:50-03:30 = 2_400 s and 17:10:44-17:19:30 = 526 s:
    // 2_926 s (48 min 46 s); (2_678_400 − 2_926) / 2_678_400 = 99.89076 %,
    // not the SLA's 99.41 %. Its budget is 0.1 % of 2_678_400 = 2_678.4 s,
    // so it is still breached, by its own 2_926 s.
    let own = result_of(&s, "2026-07", "team-ola", "availability");
    assert_eq!(own.basis.lost_seconds, Some(2_926.0));
    assert_value(&own, 100.0 * 2_675_474.0 / 2_678_400.0);
    assert_eq!(own.status, Status::Breached);
    let owed: Vec<(Option<String>, f64)> = own.attribution.iter().map(|a| (a.cause.clone(), a.amount)).collect();
    assert_eq!(owed, vec![(Some("team-ola".into()), 2_926.0)]);
    assert!(own.rule.ends_with("Counts only outages and tickets caused by team-ola."), "{}", own.rule);
    // counts = "all": the old figure, the whole service's 15_717 s.
    let all = site_with_ola(AVAILABILITY_24X7, &format!("{ola}counts = \"all\"\n"), &[("data/outages.csv", &july_outages())]);
    let whole = result_of(&all, "2026-07", "team-ola", "availability");
    assert_eq!(whole.basis.lost_seconds, Some(15_717.0));
    assert_value(&whole, 100.0 * 2_662_683.0 / 2_678_400.0);
    assert!(whole.rule.ends_with("Counts the whole service."), "{}", whole.rule);
    // The SLA's rule names no responsibility: it always counts everything.
    assert!(!sla.rule.contains("Counts"), "{}", sla.rule);
}

#[test]
fn an_ola_met_on_its_own_outages_was_breached_counting_all() {
    // The same July with the OLA's objective at 99.89 %: allowed 0.11 % of
    // 2_678_400 = 2_946.24 s; its own 2_926 s are within (99.89076 ≥ 99.89),
    // while counting all 15_717 s (99.41 %) breached it.
    let ola = "[[targets]]\nid = \"availability\"\nmetric = \"availability\"\nobjective = 99.89\n";
    let s = site_with_ola(AVAILABILITY_24X7, ola, &[("data/outages.csv", &july_outages())]);
    let own = result_of(&s, "2026-07", "team-ola", "availability");
    assert_eq!(own.status, Status::Met);
    let all = site_with_ola(AVAILABILITY_24X7, &format!("{ola}counts = \"all\"\n"), &[("data/outages.csv", &july_outages())]);
    assert_eq!(result_of(&all, "2026-07", "team-ola", "availability").status, Status::Breached);
}

#[test]
fn an_ola_counts_only_the_tickets_it_caused() {
    // P1 response within 30 min, 24x7, February (UTC):
    // T1 team-ola answered after 10 min (within), T2 vendor-upc after 60 min
    // (late), T3 uncaused after 20 min (within), T4 team-ola after 45 min (late).
    let tickets = "id,service,priority,opened,responded,resolved,paused_minutes,cause\n\
        T1,svc,P1,2026-02-02T10:00:00Z,2026-02-02T10:10:00Z,,,team-ola\n\
        T2,svc,P1,2026-02-03T10:00:00Z,2026-02-03T11:00:00Z,,,vendor-upc\n\
        T3,svc,P1,2026-02-04T10:00:00Z,2026-02-04T10:20:00Z,,,\n\
        T4,svc,P1,2026-02-05T10:00:00Z,2026-02-05T10:45:00Z,,,team-ola\n";
    let target = "[[targets]]\nid = \"r\"\nmetric = \"response\"\npriority = \"P1\"\nwithin = \"30m\"\nobjective = 50\n";
    let s = site_with_ola(target, target, &[("data/tickets.csv", tickets)]);
    // SLA: all four, T1 and T3 within: 2 / 4 = 50 %.
    let sla = result_of(&s, "2026-02", "sla", "r");
    assert_eq!((sla.basis.count, sla.basis.good), (Some(4), Some(2.0)));
    assert_value(&sla, 50.0);
    // OLA: T1 and T4 only, T1 within: 1 / 2 = 50 %. The one late ticket is
    // its own (T4, not vendor-upc's T2): the attribution names team-ola
    // once. The SLA lists its four tickets; an OLA row lists none (it has
    // no card on any page).
    let own = result_of(&s, "2026-02", "team-ola", "r");
    assert_eq!((own.basis.count, own.basis.good), (Some(2), Some(1.0)));
    let causes: Vec<(Option<&str>, f64)> = own.attribution.iter().map(|a| (a.cause.as_deref(), a.amount)).collect();
    assert_eq!(causes, [(Some("team-ola"), 1.0)]);
    let ids: Vec<&str> = sla.tickets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["T1", "T2", "T3", "T4"]);
    assert!(own.tickets.is_empty());
    // counts = "all": 2 / 4 again.
    let all = site_with_ola(target, &format!("{target}counts = \"all\"\n"), &[("data/tickets.csv", tickets)]);
    assert_eq!(result_of(&all, "2026-02", "team-ola", "r").basis.count, Some(4));
}

#[test]
fn an_ola_on_samples_answers_for_down_time_its_own_outages_cover() {
    // Samples every 60 s on Mon 2 Feb 10:00-10:10 (10 samples, 600 s
    // covered); down at 10:02, 10:03 (team-ola's outage 10:02-10:04) and
    // 10:06 (no outage). Calendar "probe": weekdays 10:00-10:10 in February:
    // 20 weekdays × 600 s = 12_000 s in scope, 600 s covered.
    let mut samples = String::from("time,service,up,latency_ms\n");
    for m in 0..10 {
        let up = !matches!(m, 2 | 3 | 6);
        samples.push_str(&format!("2026-02-02T10:{m:02}:00Z,svc,{},100\n", if up { "up" } else { "down" }));
    }
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-02T10:02:00Z,2026-02-02T10:04:00Z,unplanned,team-ola\n");
    let target = "[[targets]]\nid = \"s\"\nmetric = \"availability\"\nsource = \"samples\"\ncalendar = \"probe\"\nobjective = 99\n";
    let s = site_with_ola(target, target, &[("data/samples.csv", &samples), ("data/outages.csv", &outages)]);
    s.write("slareport.toml", &format!("{SITE}\n[calendars.probe]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nhours = \"10:00-10:10\"\n"));
    // SLA: 3 down samples = 180 s down of 600 covered: 420 / 600 = 70 %.
    let sla = result_of(&s, "2026-02", "sla", "s");
    assert_eq!((sla.basis.covered_seconds, sla.basis.up_seconds), (Some(600), Some(420)));
    assert_value(&sla, 70.0);
    // OLA: only 10:02-10:04 (120 s) is its outage's; 10:06 counts as up:
    // 480 / 600 = 80 %, the 120 s owed to team-ola.
    let own = result_of(&s, "2026-02", "team-ola", "s");
    assert_eq!(own.basis.up_seconds, Some(480));
    assert_value(&own, 80.0);
    let owed: Vec<(Option<String>, f64)> = own.attribution.iter().map(|a| (a.cause.clone(), a.amount)).collect();
    assert_eq!(owed, vec![(Some("team-ola".into()), 120.0)]);
}

#[test]
fn ratio_leaves_out_rows_inside_excluded_maintenance() {
    // Planned maintenance Sat 14 Feb 02:00-03:00. Rows: 01:30 90/100 (in),
    // 02:00 0/40 and 02:30 0/50 (inside the window: out), 03:00 45/50 (the
    // window ends at 03:00, exclusive: in), 31 Jan 23:59 10/10 (January: out).
    // Good 90 + 45 = 135 of 100 + 50 = 150: 90 %. (Counting the window,
    // 135 / 240 = 56.25 %.)
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-14T02:00:00Z,2026-02-14T03:00:00Z,planned,\n");
    let counts = "time,service,good,total\n\
        2026-01-31T23:59:00Z,svc,10,10\n\
        2026-02-14T01:30:00Z,svc,90,100\n\
        2026-02-14T02:00:00Z,svc,0,40\n\
        2026-02-14T02:30:00Z,svc,0,50\n\
        2026-02-14T03:00:00Z,svc,45,50\n";
    let s = site("[[targets]]\nid = \"q\"\nmetric = \"ratio\"\nobjective = 90\n", &[("data/outages.csv", &outages), ("data/counts.csv", counts)]);
    let r = result(&s, "2026-02", "q");
    assert_eq!((r.basis.count, r.basis.good, r.basis.total), (Some(2), Some(135.0), Some(150.0)));
    assert_value(&r, 90.0);
    assert_eq!(r.status, Status::Met);
}

/// Samples every 60 s on weekdays 10:00-10:10 of February 2026 (London =
/// UTC): the first 18 weekdays fully, the first of them starting `late`
/// seconds after 10:00; one down sample on Tue 3 Feb at 10:05.
fn coverage_samples(late: u32) -> String {
    let mut out = String::from("time,service,up,latency_ms\n");
    let weekdays = (2..=27).filter(|d| !matches!(d % 7, 0 | 1)); // 1 Feb 2026 is a Sunday
    for (i, day) in weekdays.take(18).enumerate() {
        for m in 0..10 {
            let s = if i == 0 && m == 0 { late } else { 0 };
            let up = !(day == 3 && m == 5);
            out.push_str(&format!("2026-02-{day:02}T10:{m:02}:{s:02}Z,svc,{},{}\n", if up { "up" } else { "down" }, 100 + m));
        }
    }
    out
}

fn coverage_site(late: u32) -> Fixture {
    let targets = "[[targets]]\nid = \"s\"\nmetric = \"availability\"\nsource = \"samples\"\ncalendar = \"probe\"\n\
        objective = 99.9\nmin_coverage = 90\ncredits = [{ below = 99.9, percent = 10 }]\n\n\
        [[targets]]\nid = \"p\"\nmetric = \"latency\"\npercentile = 95\ncalendar = \"probe\"\nobjective = 500\nmin_coverage = 90\n";
    let s = site(targets, &[("data/samples.csv", &coverage_samples(late))]);
    s.write("slareport.toml", &format!("{SITE}\n[calendars.probe]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nhours = \"10:00-10:10\"\n"));
    s
}

#[test]
fn min_coverage_at_90_percent_is_met_and_below_it_is_insufficient_data() {
    // Scope: 20 weekdays × 600 s = 12_000 s. 18 days × 600 s = 10_800 s
    // covered: 10_800 / 12_000 = 90 % exactly, which is enough.
    let prepared = prepare(coverage_site(0).root()).unwrap();
    let results = prepared.measure("2026-02".parse().unwrap());
    let s = results.targets.iter().find(|t| t.target == "s").unwrap();
    assert_eq!((s.basis.scope_seconds, s.basis.covered_seconds), (Some(12_000), Some(10_800)));
    assert!((s.coverage.unwrap() - 90.0).abs() < 1e-9);
    // One down sample: (10_800 − 60) / 10_800 = 99.4444 % < 99.9: breached, tier 1 (10 %).
    assert_value(s, 100.0 * 10_740.0 / 10_800.0);
    assert_eq!((s.status, s.severity, s.credit_percent), (Status::Breached, Some(1), 10.0));
    // Latency: the same coverage; 180 samples, rank ⌈95 × 180 / 100⌉ = 171,
    // the values 100..109 eighteen times each: the 171st smallest is 109.
    let p = results.targets.iter().find(|t| t.target == "p").unwrap();
    assert_eq!(p.basis.covered_seconds, Some(10_800));
    assert!((p.coverage.unwrap() - 90.0).abs() < 1e-9);
    assert_value(p, 109.0);
    assert_eq!(p.status, Status::Met);
    assert_eq!((results.summary.met, results.summary.breached, results.summary.insufficient), (1, 1, 0));
    // 1 met of 2 with data: 50 %.
    assert_eq!(results.summary.percent_met, Some(50.0));

    // The first sample 12 s late: it covers 10:00:12-10:01:00, 48 s, so
    // 10_800 − 12 = 10_788 s covered: 10_788 / 12_000 = 89.9 % < 90.
    let prepared = prepare(coverage_site(12).root()).unwrap();
    let results = prepared.measure("2026-02".parse().unwrap());
    let s = results.targets.iter().find(|t| t.target == "s").unwrap();
    assert_eq!(s.basis.covered_seconds, Some(10_788));
    assert!((s.coverage.unwrap() - 89.9).abs() < 1e-9);
    // The value is still reported, (10_788 − 60) / 10_788 = 99.4438 %, but
    // it is insufficient data: no severity, no credit, not a breach.
    assert_value(s, 100.0 * 10_728.0 / 10_788.0);
    assert_eq!((s.status, s.severity, s.credit_percent), (Status::InsufficientData, None, 0.0));
    assert!(s.contributors.is_empty());
    assert!(s.rule.ends_with("Insufficient data when probe samples cover less than 90% of in-scope time."), "{}", s.rule);
    let p = results.targets.iter().find(|t| t.target == "p").unwrap();
    assert_eq!(p.status, Status::InsufficientData);
    assert_value(p, 109.0);
    // Summary: both insufficient, none met or breached, no share met.
    let sum = &results.summary;
    assert_eq!((sum.met, sum.at_risk, sum.breached, sum.no_data, sum.insufficient), (0, 0, 0, 0, 2));
    assert_eq!(sum.percent_met, None);
    // The terminal table names the status.
    let table = slareport::measure::print::table(&results);
    assert!(table.contains("insufficient data"), "{table}");
    assert!(table.contains("2 insufficient data"), "{table}");
}

#[test]
fn counts_and_min_coverage_are_checked_with_file_and_line() {
    // Lines of the SLA file: 10 [[targets]], 11 id, 12 metric, 13 objective, 14 the key.
    let sla = "agreements/acme/sla.toml";
    let e = site(&format!("{AVAILABILITY_24X7}counts = \"all\"\n"), &[]).error();
    common::assert_at(&e, sla, 14, "`counts` does not apply to SLA targets");
    let e = site(&format!("{AVAILABILITY_24X7}min_coverage = 90\n"), &[]).error();
    common::assert_at(&e, sla, 14, "`min_coverage` does not apply to this availability target");
    let samples = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\nsource = \"samples\"\nobjective = 99.5\n";
    let e = site(&format!("{samples}min_coverage = 0\n"), &[]).error();
    common::assert_at(&e, sla, 15, "min_coverage 0 must be a percentage above 0 and at most 100");
    let e = site(&format!("{samples}min_coverage = 100.5\n"), &[]).error();
    common::assert_at(&e, sla, 15, "min_coverage 100.5 must be a percentage above 0 and at most 100");
    // 100 is allowed.
    assert!(site(&format!("{samples}min_coverage = 100\n"), &[]).check().problems.iter().all(|d| !d.is_error()));
    // On an OLA target: "own" and "all" are fine, anything else is not.
    let ola = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\nobjective = 99.5\n";
    let e = site_with_ola(AVAILABILITY_24X7, &format!("{ola}counts = \"some\"\n"), &[]).error();
    common::assert_at(&e, "agreements/_other/team-ola.toml", 14, "counts `some` is not one of \"own\", \"all\"");
    let ok = site_with_ola(AVAILABILITY_24X7, &format!("{ola}counts = \"own\"\n"), &[]);
    assert!(ok.check().problems.iter().all(|d| !d.is_error()));
}

#[test]
fn insufficient_data_is_shown_in_the_report() {
    // The 89.9 % coverage site above, published: both targets show the
    // status by name and class, and the provider overview counts them.
    let s = coverage_site(12);
    let now = 1_795_000_000; // 2026-11-18
    let report = slareport::build::build(&slareport::build::BuildOptions {
        root: s.root().to_path_buf(),
        out: None,
        period: Some("2026-02".parse().unwrap()),
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(now),
        source_date_epoch: Some(now),
        progress: false,
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    let status = r#"<span class="status insufficient_data">◌ insufficient data</span>"#;
    let report_page = std::fs::read_to_string(report.out.join("acme/2026-02/report.html")).unwrap();
    assert_eq!(report_page.matches(status).count(), 4, "two targets, each in the table and its card");
    let page = std::fs::read_to_string(report.out.join("acme/2026-02/index.html")).unwrap();
    assert_eq!(page.matches(status).count(), 2, "two targets, each in the table (the cards are in report.html)");
    assert!(page.contains("○ insufficient data (too few probe samples)"));
    let overview = std::fs::read_to_string(report.out.join("index.html")).unwrap();
    assert!(overview.contains(r#"<span class="big">2</span><span>target figures with insufficient data"#), "{overview}");
}
