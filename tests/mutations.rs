//! Tests that catch the mistakes a mutation review found no test would
//! catch (issue 8, "What must be shown"). Each test names the mutation it
//! kills; every expected value is worked out by hand in the test.
//!
//! 1. planned maintenance dropped from latency;
//! 2. planned maintenance dropped from sample-based availability;
//! 3. an agreement's effective date, and the daily chart's days, cut at UTC
//!    midnight instead of local midnight in zones ahead of UTC;
//! 4. a ticket counted twice (or in the wrong column) in the tickets table;
//! 5. every warning `check` and the loaders can emit, by its text.

mod common;

use common::Fixture;
use slareport::diagnostic::{Diagnostic, Level};
use slareport::measure::exact::Status;
use slareport::measure::results::{Results, TargetResult, TicketCount};
use slareport::measure::prepare;
use slareport::period::Period;

const OUTAGES_HEADER: &str = "service,start,end,kind,cause\n";
const SAMPLES_HEADER: &str = "time,service,up,latency_ms\n";
const TICKETS_HEADER: &str = "id,service,priority,opened,responded,resolved,paused_minutes,cause\n";

/// A site in `zone` with one SLA (effective `effective`) holding `targets`
/// for service `svc`, every source kind, and the given data files.
fn site(zone: &str, effective: &str, targets: &str, files: &[(&str, &str)]) -> Fixture {
    let f = Fixture::valid();
    f.write(
        "slareport.toml",
        &format!(
            "title = \"Mutation tests\"\ntimezone = \"{zone}\"\n\n\
             [sources.outages]\npath = \"data/outages.csv\"\n\n\
             [sources.samples]\npath = \"data/samples.csv\"\ninterval = \"60s\"\n\n\
             [sources.tickets]\npath = \"data/tickets.csv\"\n"
        ),
    );
    std::fs::remove_file(f.path("agreements/acme/email.toml")).unwrap();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write(
        "agreements/acme/sla.toml",
        &format!(
            "id = \"sla\"\nkind = \"sla\"\ncustomer = \"acme\"\ntitle = \"SLA\"\nversion = \"1\"\n\
             effective = {effective}\nreview_due = 2030-01-01\nservices = [\"svc\"]\n\n{targets}"
        ),
    );
    f.write("data/outages.csv", OUTAGES_HEADER);
    f.write("data/samples.csv", SAMPLES_HEADER);
    f.write("data/tickets.csv", TICKETS_HEADER);
    for (path, text) in files {
        f.write(path, text);
    }
    f
}

fn measure(site: &Fixture, period: &str) -> Results {
    let prepared = prepare(site.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    prepared.measure(period.parse::<Period>().unwrap())
}

fn result(site: &Fixture, period: &str, id: &str) -> TargetResult {
    std::sync::Arc::unwrap_or_clone(measure(site, period).targets.into_iter().find(|t| t.target == id).expect("target measured"))
}

#[track_caller]
fn assert_close(actual: Option<f64>, expected: f64) {
    let value = actual.unwrap_or_else(|| panic!("no value, expected {expected}"));
    assert!((value - expected).abs() < 1e-9, "{value} != {expected}");
}

// ---------------------------------------------------------------------------
// 1. Planned maintenance is out of scope for latency.

#[test]
fn latency_leaves_out_samples_taken_during_planned_maintenance() {
    // London in February is UTC+0. Planned maintenance 10 Feb 00:05-00:10.
    // One sample a minute from 00:00 to 00:10 (11 samples):
    //   00:00-00:04: 100, 101, 102, 103, 104 ms (in scope)
    //   00:05-00:09: 1005 .. 1009 ms (inside the maintenance: out of scope;
    //                00:05 exactly is inside, the window is [start, end))
    //   00:10:       110 ms (the window has ended: in scope)
    let mut samples = String::from(SAMPLES_HEADER);
    for m in 0..=10 {
        let latency = if (5..10).contains(&m) { 1000 + m } else if m == 10 { 110 } else { 100 + m };
        samples.push_str(&format!("2026-02-10T00:{m:02}:00Z,svc,true,{latency}\n"));
    }
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-10T00:05:00Z,2026-02-10T00:10:00Z,planned,\n");
    let targets = "[[targets]]\nid = \"p95\"\nmetric = \"latency\"\npercentile = 95\nobjective = 200\n\n\
                   [[targets]]\nid = \"share\"\nmetric = \"latency\"\nthreshold = 200\nobjective = 90\n";
    let s = site("Europe/London", "2024-01-01", targets, &[("data/samples.csv", &samples), ("data/outages.csv", &outages)]);
    let r = result(&s, "2026-02", "p95");
    // In scope: 100, 101, 102, 103, 104, 110 ms, n = 6. Rank ⌈95 · 6 / 100⌉ =
    // ⌈5.7⌉ = 6: the largest, 110 ms <= 200: met. (With the maintenance
    // samples, n = 11, rank ⌈10.45⌉ = 11: 1009 ms, breached.)
    assert_eq!(r.basis.count, Some(6));
    assert_eq!(r.basis.rank, Some(6));
    assert_close(r.value, 110.0);
    assert_eq!(r.status, Status::Met);
    // Scope: February 28 · 86_400 = 2_419_200 s less 5 min = 300 s: 2_418_900 s.
    assert_eq!(r.basis.scope_seconds, Some(2_418_900));
    // Budget: n − rank = 0 samples may be above 200 ms; none is.
    let b = r.budget.unwrap();
    assert_eq!((b.allowed, b.used), (0.0, 0.0));
    // Threshold 200 ms: 6 of 6 in-scope samples are under it = 100 %.
    // (With the maintenance samples: 6 of 11 = 54.5 %.)
    let r = result(&s, "2026-02", "share");
    assert_eq!((r.basis.count, r.basis.good), (Some(6), Some(6.0)));
    assert_close(r.value, 100.0);
}

// ---------------------------------------------------------------------------
// 2. Planned maintenance is out of scope for sample-based availability.

#[test]
fn sample_availability_leaves_out_planned_maintenance() {
    // One sample a minute on 10 Feb 00:00-00:19 (20 samples, 60 s each,
    // the last covering 00:19-00:20). Down at 00:10-00:14 (inside planned
    // maintenance 00:10-00:15) and at 00:17 (a real failure).
    let mut samples = String::from(SAMPLES_HEADER);
    for m in 0..20 {
        let up = !((10..15).contains(&m) || m == 17);
        samples.push_str(&format!("2026-02-10T00:{m:02}:00Z,svc,{up},\n"));
    }
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-10T00:10:00Z,2026-02-10T00:15:00Z,planned,\n");
    let targets = "[[targets]]\nid = \"s\"\nmetric = \"availability\"\nsource = \"samples\"\nobjective = 99\n";
    let s = site("Europe/London", "2024-01-01", targets, &[("data/samples.csv", &samples), ("data/outages.csv", &outages)]);
    let r = result(&s, "2026-02", "s");
    // Scope: 2_419_200 s less the 300 s of maintenance = 2_418_900 s.
    assert_eq!(r.basis.scope_seconds, Some(2_418_900));
    assert_eq!(r.basis.excluded_seconds, Some(300));
    // Covered: 20 · 60 = 1_200 s less the 300 s out of scope = 900 s; up:
    // 900 less the 60 s of 00:17 = 840 s.
    assert_eq!(r.basis.covered_seconds, Some(900));
    assert_eq!(r.basis.up_seconds, Some(840));
    // unknown = "exclude" (default): 840 / 900 = 93.333 %. (With the
    // maintenance in scope: 840 / 1_200 = 70 %.)
    assert_close(r.value, 100.0 * 840.0 / 900.0);
    assert_eq!(r.basis.lost_seconds, Some(60.0));
    // The 60 s down at 00:17 have no outage row: unattributed.
    assert_eq!(r.attribution.len(), 1);
    assert_eq!((r.attribution[0].cause.clone(), r.attribution[0].amount), (None, 60.0));
    // Coverage: 900 / 2_418_900.
    assert_close(r.coverage, 100.0 * 900.0 / 2_418_900.0);
}

// ---------------------------------------------------------------------------
// 3. Local midnight in zones ahead of UTC.

const AVAILABILITY_24X7: &str = "[[targets]]\nid = \"a\"\nmetric = \"availability\"\nobjective = 99\n";

#[test]
fn an_agreement_takes_effect_at_local_midnight_in_sydney() {
    // Sydney in February is AEDT, UTC+11. Effective 15 Feb 2026: local
    // midnight is 14 Feb 13:00 UTC. February in Sydney ends 1 Mar 00:00 AEDT
    // = 28 Feb 13:00 UTC. In scope: 14 Feb 13:00Z to 28 Feb 13:00Z = 14 days
    // = 1_209_600 s. (Cut at UTC midnight, 15 Feb 00:00Z: 11 h = 39_600 s
    // less, 1_170_000 s.)
    // Outages: 14 Feb 12:00Z-12:30Z (14 Feb 23:00-23:30 AEDT, before the
    // agreement: not counted) and 14 Feb 13:30Z-14:30Z (15 Feb 00:30-01:30
    // AEDT: counted, 3_600 s).
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-02-14T12:00:00Z,2026-02-14T12:30:00Z,,\nsvc,2026-02-14T13:30:00Z,2026-02-14T14:30:00Z,,\n"
    );
    let s = site("Australia/Sydney", "2026-02-15", AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let r = result(&s, "2026-02", "a");
    assert_eq!(r.basis.scope_seconds, Some(1_209_600));
    assert_eq!(r.basis.lost_seconds, Some(3_600.0));
    // (1_209_600 − 3_600) / 1_209_600 = 99.7024 %.
    assert_close(r.value, 100.0 * 1_206_000.0 / 1_209_600.0);
}

#[test]
fn an_agreement_takes_effect_at_local_midnight_in_kolkata() {
    // Kolkata is UTC+05:30 all year. Effective 15 Feb 2026: local midnight is
    // 14 Feb 18:30 UTC; February ends 1 Mar 00:00 IST = 28 Feb 18:30 UTC. In
    // scope: 14 days = 1_209_600 s (cut at UTC midnight: 5.5 h = 19_800 s
    // less, 1_189_800 s).
    // Outages: 14 Feb 18:00Z-18:30Z (23:30-24:00 IST on the 14th: before) and
    // 14 Feb 18:30Z-19:00Z (00:00-00:30 IST on the 15th, from the very first
    // second: 1_800 s).
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-02-14T18:00:00Z,2026-02-14T18:30:00Z,,\nsvc,2026-02-14T18:30:00Z,2026-02-14T19:00:00Z,,\n"
    );
    let s = site("Asia/Kolkata", "2026-02-15", AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let r = result(&s, "2026-02", "a");
    assert_eq!(r.basis.scope_seconds, Some(1_209_600));
    assert_eq!(r.basis.lost_seconds, Some(1_800.0));
    // (1_209_600 − 1_800) / 1_209_600 = 99.8512 %.
    assert_close(r.value, 100.0 * 1_207_800.0 / 1_209_600.0);
}

#[test]
fn tickets_count_from_local_midnight_of_the_effective_day() {
    // Sydney, AEDT (UTC+11). Effective 15 Feb 2026 = 14 Feb 13:00Z.
    // T1: P1 opened 14 Feb 20:00Z (15 Feb 07:00 AEDT), resolved 21:00Z: 1 h,
    //     within 4 h around the clock. It counts as an incident and as
    //     resolved within (decided at 21:00Z, after the effective instant).
    // T0: P1 opened 14 Feb 12:00Z (14 Feb 23:00 AEDT, before the agreement),
    //     resolved 12:30Z: counts in neither.
    let tickets = format!(
        "{TICKETS_HEADER}T0,svc,P1,2026-02-14T12:00:00Z,,2026-02-14T12:30:00Z,,\n\
         T1,svc,P1,2026-02-14T20:00:00Z,,2026-02-14T21:00:00Z,,\n"
    );
    let targets = "[[targets]]\nid = \"inc\"\nmetric = \"incidents\"\npriority = \"P1\"\nobjective = 5\n\n\
                   [[targets]]\nid = \"res\"\nmetric = \"resolution\"\npriority = \"P1\"\nwithin = \"4h\"\nobjective = 90\n";
    let s = site("Australia/Sydney", "2026-02-15", targets, &[("data/tickets.csv", &tickets)]);
    let inc = result(&s, "2026-02", "inc");
    // One P1 (T1) opened since the agreement took effect: 1 incident.
    assert_close(inc.value, 1.0);
    assert_eq!(inc.basis.count, Some(1));
    let res = result(&s, "2026-02", "res");
    // One ticket decided (T1), within: 1 / 1 = 100 %.
    assert_eq!((res.basis.count, res.basis.good), (Some(1), Some(1.0)));
    assert_close(res.value, 100.0);
    assert_eq!(res.tickets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["T1"]);
}

#[test]
fn daily_availability_days_are_local_days_in_sydney_across_both_clock_changes() {
    // Sydney 2026: clocks go back on Sun 5 April (03:00 AEDT -> 02:00 AEST),
    // so 5 April is 25 h = 90_000 s long; they go forward on Sun 4 October
    // (02:00 AEST -> 03:00 AEDT), so 4 October is 23 h = 82_800 s long.
    //
    // April: 5 April 00:00 AEDT = 4 Apr 13:00Z; 6 April 00:00 AEST (UTC+10)
    // = 5 Apr 14:00Z. Outage 4 Apr 13:00Z-14:00Z = 5 Apr 00:00-01:00 AEDT.
    // October: 4 October 00:00 AEST = 3 Oct 14:00Z. Outage 3 Oct
    // 14:00Z-15:00Z = 4 Oct 00:00-01:00 AEST.
    let outages = format!(
        "{OUTAGES_HEADER}svc,2026-04-04T13:00:00Z,2026-04-04T14:00:00Z,,\nsvc,2026-10-03T14:00:00Z,2026-10-03T15:00:00Z,,\n"
    );
    let s = site("Australia/Sydney", "2024-01-01", AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);

    let apr = result(&s, "2026-04", "a");
    // April has 30 days, one point each.
    assert_eq!(apr.daily.len(), 30);
    let date = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(apr.daily[4].date, date("2026-04-05"));
    // 5 April: (90_000 − 3_600) / 90_000 = 96 % exactly. (Cut at UTC
    // midnight, the outage would fall on 4 April, 23 / 24 = 95.83 %.)
    assert_close(apr.daily[4].value, 96.0);
    assert_eq!(apr.daily[4].status, Status::Breached);
    // 4 April and 6 April: no downtime, 100 %.
    assert_close(apr.daily[3].value, 100.0);
    assert_close(apr.daily[5].value, 100.0);
    // Every other day is 100 % as well: one day, and only one, lost time.
    assert_eq!(apr.daily.iter().filter(|p| p.value != Some(100.0)).count(), 1);
    // The month: 30 days + the repeated hour = 721 h = 2_595_600 s; 3_600 lost.
    assert_eq!(apr.basis.scope_seconds, Some(721 * 3_600));

    let oct = result(&s, "2026-10", "a");
    assert_eq!(oct.daily.len(), 31);
    assert_eq!(oct.daily[3].date, date("2026-10-04"));
    // 4 October: (82_800 − 3_600) / 82_800 = 79_200 / 82_800 = 95.652 %.
    assert_close(oct.daily[3].value, 100.0 * 79_200.0 / 82_800.0);
    assert_close(oct.daily[2].value, 100.0);
    assert_eq!(oct.daily.iter().filter(|p| p.value != Some(100.0)).count(), 1);
    // The month: 31 days less the skipped hour = 743 h.
    assert_eq!(oct.basis.scope_seconds, Some(743 * 3_600));
}

#[test]
fn daily_availability_days_are_local_days_in_kolkata() {
    // Kolkata, UTC+05:30. Outage 2 Feb 19:00Z-20:00Z = 3 Feb 00:30-01:30 IST:
    // 3 February loses 3_600 of 86_400 s = 95.8333 %; 2 February is 100 %.
    // (Cut at UTC midnight the hour would be 2 February's.)
    let outages = format!("{OUTAGES_HEADER}svc,2026-02-02T19:00:00Z,2026-02-02T20:00:00Z,,\n");
    let s = site("Asia/Kolkata", "2024-01-01", AVAILABILITY_24X7, &[("data/outages.csv", &outages)]);
    let r = result(&s, "2026-02", "a");
    assert_eq!(r.daily.len(), 28);
    assert_close(r.daily[1].value, 100.0);
    assert_close(r.daily[2].value, 100.0 * 82_800.0 / 86_400.0);
    assert_eq!(r.daily[2].date, "2026-02-03".parse::<chrono::NaiveDate>().unwrap());
}

// ---------------------------------------------------------------------------
// 4. The tickets-by-priority table.

#[test]
fn each_ticket_counts_once_per_column_in_the_tickets_table() {
    // February 2026 in London = [1 Feb 00:00Z, 1 Mar 00:00Z).
    // P2 tickets:
    //   A opened 10 Feb, still open            -> opened, open at end
    //   B opened 10 Feb, resolved 12 Feb        -> opened, resolved
    //   C opened 20 Jan, resolved 5 Feb         -> resolved
    //   D opened 20 Jan, still open             -> open at end
    //   E opened 10 Feb, resolved 3 Mar         -> opened, open at end
    //   F opened 5 Mar, still open              -> nothing (after the month)
    //   G opened 10 Jan, resolved 15 Jan        -> nothing (before it)
    //   H opened 1 Mar 00:00:00Z exactly        -> nothing (the end is excluded)
    //   I opened 25 Feb, resolved 1 Mar 00:00Z  -> opened, open at end (resolved
    //                                              at the end, not before it)
    //   K opened 31 Jan 23:59:59Z, resolved 1 Feb 00:00:00Z -> resolved (the
    //                                              start is included)
    // P2: opened A, B, E, I = 4; resolved B, C, K = 3; open at end A, D, E, I = 4.
    // P1: J opened 10 Feb, still open: opened 1, resolved 0, open at end 1.
    let rows = [
        ("A", "P2", "2026-02-10T09:00:00Z", ""),
        ("B", "P2", "2026-02-10T09:00:00Z", "2026-02-12T09:00:00Z"),
        ("C", "P2", "2026-01-20T09:00:00Z", "2026-02-05T09:00:00Z"),
        ("D", "P2", "2026-01-20T09:00:00Z", ""),
        ("E", "P2", "2026-02-10T09:00:00Z", "2026-03-03T09:00:00Z"),
        ("F", "P2", "2026-03-05T09:00:00Z", ""),
        ("G", "P2", "2026-01-10T09:00:00Z", "2026-01-15T09:00:00Z"),
        ("H", "P2", "2026-03-01T00:00:00Z", ""),
        ("I", "P2", "2026-02-25T09:00:00Z", "2026-03-01T00:00:00Z"),
        ("K", "P2", "2026-01-31T23:59:59Z", "2026-02-01T00:00:00Z"),
        ("J", "P1", "2026-02-10T09:00:00Z", ""),
    ];
    let mut tickets = String::from(TICKETS_HEADER);
    for (id, priority, opened, resolved) in rows {
        tickets.push_str(&format!("{id},svc,{priority},{opened},,{resolved},,\n"));
    }
    let s = site("Europe/London", "2024-01-01", AVAILABILITY_24X7, &[("data/tickets.csv", &tickets)]);
    let counts = |r: &Results| -> Vec<(String, String, usize, usize, usize)> {
        r.tickets
            .iter()
            .map(|t: &TicketCount| (t.service.clone(), t.priority.clone(), t.opened, t.resolved, t.open_at_end))
            .collect()
    };
    let feb = measure(&s, "2026-02");
    assert_eq!(
        counts(&feb),
        vec![("svc".to_string(), "P1".to_string(), 1, 0, 1), ("svc".to_string(), "P2".to_string(), 4, 3, 4)]
    );
    // March = [1 Mar 00:00Z, 29 Mar 01:00Z ... 1 Apr 00:00 BST = 31 Mar 23:00Z).
    // P2: opened F, H = 2; resolved E (3 Mar), I (1 Mar 00:00, the first
    // second) = 2; open at end A, D, F, H = 4. P1: J open at end = 1.
    let mar = measure(&s, "2026-03");
    assert_eq!(
        counts(&mar),
        vec![("svc".to_string(), "P1".to_string(), 0, 0, 1), ("svc".to_string(), "P2".to_string(), 2, 2, 4)]
    );
    // December 2025: nothing opened or resolved, nothing open: no rows.
    assert!(measure(&s, "2025-12").tickets.is_empty());
}

// ---------------------------------------------------------------------------
// 5. Every warning, by its text.

fn warnings(site: &Fixture) -> Vec<Diagnostic> {
    let report = site.check();
    let errors: Vec<Diagnostic> = report.problems.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(errors.is_empty(), "unexpected errors:\n{}", common::render(&errors));
    report.problems.iter().filter(|d| d.level == Level::Warning).cloned().collect()
}

#[track_caller]
fn assert_in_file(d: &Diagnostic, file: &str) {
    let location = d.location.as_ref().unwrap_or_else(|| panic!("no location: {d}"));
    assert_eq!(location.file, std::path::Path::new(file), "{d}");
}

#[test]
fn warning_rows_for_services_no_agreement_names() {
    // The fixture's outage log (svc, began, ended, kind, cause) gets two rows
    // for `ftp` and one for `dns`, services no agreement names.
    let s = Fixture::valid();
    s.write(
        "data/outages.csv",
        &format!(
            "{}email,2026-10-06T09:00:00Z,2026-10-06T09:10:00Z,,\nftp,2026-10-07T09:00:00Z,2026-10-07T09:10:00Z,,\n\
             ftp,2026-10-08T09:00:00Z,2026-10-08T09:10:00Z,,\ndns,2026-10-08T09:00:00Z,2026-10-08T09:10:00Z,,\n",
            common::OUTAGES
        ),
    );
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{}", common::render(&w));
    // Values in name order, each with its row count.
    assert_eq!(w[0].message, "outages has rows for services no agreement names: `dns` (1 rows), `ftp` (2 rows)");
    assert_in_file(&w[0], "data/outages.csv");
    assert_eq!(
        w[0].hint.as_deref(),
        Some("these rows are not reported on; add the service to an agreement or map the export's names")
    );
    // Printed like rustc, as a warning; the verdict counts it.
    assert!(w[0].to_string().starts_with("warning: outages has rows for services no agreement names"), "{}", w[0]);
    let report = s.check();
    assert_eq!(slareport::check::verdict(&report), format!("{}: no errors, 1 warning", s.root().display()));
    assert!(report.is_clean());
}

#[test]
fn warning_lists_eight_unknown_values_and_counts_the_rest() {
    // Ten unknown services s0..s9 (one row each): eight are named, "and 2 more".
    let s = Fixture::valid();
    let mut csv = common::OUTAGES.to_string();
    for i in 0..10 {
        csv.push_str(&format!("s{i},2026-10-07T09:00:00Z,2026-10-07T09:10:00Z,,\n"));
    }
    s.write("data/outages.csv", &csv);
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{}", common::render(&w));
    let named: Vec<String> = (0..8).map(|i| format!("`s{i}` (1 rows)")).collect();
    assert_eq!(w[0].message, format!("outages has rows for services no agreement names: {} and 2 more", named.join(", ")));
}

#[test]
fn warning_causes_that_name_no_ola_or_upc() {
    // Causes `dns-team` (2 rows) and `acme-email` (an SLA, not an OLA or UPC:
    // 1 row); `network-ola` is an OLA and is fine.
    let s = Fixture::valid();
    s.write(
        "data/outages.csv",
        &format!(
            "{}email,2026-10-06T09:00:00Z,2026-10-06T09:10:00Z,unplanned,dns-team\n\
             email,2026-10-07T09:00:00Z,2026-10-07T09:10:00Z,unplanned,dns-team\n\
             email,2026-10-08T09:00:00Z,2026-10-08T09:10:00Z,unplanned,acme-email\n",
            common::OUTAGES
        ),
    );
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{}", common::render(&w));
    assert_eq!(w[0].message, "outages has causes that name no OLA or UPC: `acme-email` (1 rows), `dns-team` (2 rows)");
    assert_in_file(&w[0], "data/outages.csv");
    assert_eq!(w[0].hint.as_deref(), Some("these are reported as unattributed; OLAs and UPCs of this site: network-ola"));
}

#[test]
fn warning_a_meeting_outside_the_month_of_its_note_beside_an_error() {
    // notes/acme/2026-10.md records a meeting on 30 September (a warning,
    // line 3) and a satisfaction of 9 on the default scale 1 to 5 (an error,
    // line 4). Both are reported.
    let s = Fixture::valid();
    s.write("notes/acme/2026-10.md", "+++\nattendees = [\"Ann\"]\nmeeting = 2026-09-30\nsatisfaction = 9.0\n+++\nAll good.\n");
    let report = s.check();
    let all: Vec<&Diagnostic> = report.problems.iter().collect();
    assert_eq!(all.len(), 2, "{}", common::render(&report.problems.clone().into_vec()));
    let warning = all.iter().find(|d| d.level == Level::Warning).expect("a warning");
    common::assert_at(warning, "notes/acme/2026-10.md", 3, "meeting 2026-09-30 is not in 2026-10, the month of this note");
    // The value is underlined: `meeting = ` is 10 characters, so column 11.
    assert_eq!(warning.location.as_ref().unwrap().column, Some(11));
    let error = all.iter().find(|d| d.is_error()).expect("an error");
    common::assert_at(error, "notes/acme/2026-10.md", 4, "satisfaction 9 is outside the scale 1 to 5");
}

#[test]
fn warning_a_meeting_outside_the_month_of_its_note() {
    // notes/acme/2026-10.md records a meeting on 30 September, and nothing
    // else is wrong with it.
    let s = Fixture::valid();
    s.write("notes/acme/2026-10.md", "+++\nattendees = [\"Ann\"]\nmeeting = 2026-09-30\n+++\nAll good.\n");
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{}", common::render(&w));
    common::assert_at(&w[0], "notes/acme/2026-10.md", 3, "meeting 2026-09-30 is not in 2026-10, the month of this note");
    // A warning does not stop a build: the site prepares, and keeps it.
    let prepared = prepare(s.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let kept: Vec<&str> = prepared.warnings.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(kept, ["meeting 2026-09-30 is not in 2026-10, the month of this note"]);
}

#[test]
fn warning_no_agreements_folder() {
    // Without agreements/ there is nothing to report on; the outage rows
    // then name a service no agreement names, and a cause that is no OLA.
    let s = Fixture::valid();
    std::fs::remove_dir_all(s.path("agreements")).unwrap();
    let w = warnings(&s);
    let messages: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "no agreements/ folder: there are no agreements to report on",
            "outages has rows for services no agreement names: `email` (1 rows)",
            "outages has causes that name no OLA or UPC: `network-ola` (1 rows)",
        ]
    );
    assert_in_file(&w[0], "agreements");
    assert_eq!(w[2].hint.as_deref(), Some("these are reported as unattributed; OLAs and UPCs of this site: "));
}

/// `check` renders a month's report with the theme, target cards and
/// charts included: a template written for chart files (`charts/{{ c.file }}`,
/// which charts no longer have) fails `check`, naming its file, before a
/// build would.
#[test]
fn error_a_report_template_reading_what_a_chart_lacks() {
    let s = Fixture::valid();
    s.edit("slareport.toml", "title = \"Fixture reports\"\n", "title = \"Fixture reports\"\ntheme = \"house\"\n");
    s.write(
        "themes/house/templates/report.html",
        "{% extends \"base.html\" %}{% block content %}{% for r in rows %}{% for c in r.charts %}<img src=\"charts/{{ c.file }}\">{% endfor %}{% endfor %}{% endblock content %}\n",
    );
    let errors: Vec<_> = s.check().problems.into_iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", common::render(&errors));
    assert!(errors[0].message.contains("report.html") && errors[0].message.contains("c.file"), "{}", errors[0].message);
    assert_in_file(&errors[0], "themes/house/templates/report.html");
    // The default theme's report renders.
    let plain = Fixture::valid();
    assert!(plain.check().problems.iter().all(|d| !d.is_error()));
}

#[test]
fn warning_theme_files_the_renderer_never_reads() {
    // Theme `house`: style.css and templates/report.html are read; a template
    // at the theme's top level, a misspelt template name and a stylesheet
    // inside templates/ are not.
    let s = Fixture::valid();
    s.edit("slareport.toml", "title = \"Fixture reports\"\n", "title = \"Fixture reports\"\ntheme = \"house\"\n");
    s.write("themes/house/style.css", "body { color: black; }\n");
    s.write("themes/house/templates/report.html", "{% extends \"base.html\" %}\n");
    s.write("themes/house/customer.html", "x\n");
    s.write("themes/house/templates/reprot.html", "x\n");
    s.write("themes/house/templates/style.css", "x\n");
    let w = warnings(&s);
    let messages: Vec<&str> = w.iter().map(|d| d.message.as_str()).collect();
    // In file name order.
    assert_eq!(
        messages,
        [
            "themes/house/customer.html is not used by theme `house`",
            "themes/house/templates/reprot.html is not used by theme `house`",
            "themes/house/templates/style.css is not used by theme `house`",
        ]
    );
    assert_in_file(&w[1], "themes/house/templates/reprot.html");
    common::assert_hint(&w[0], "a theme has themes/house/style.css and templates in themes/house/templates/: ");
    common::assert_hint(&w[0], "report.html");
}
