//! The monthly cycle as a provider runs it: months published as of an
//! instant, month ends that leave earlier months untouched, corrections that
//! revise one month only, the month in progress with its forecast, and
//! months that cannot be published yet (or ever).

mod common;

use common::files;

use std::path::{Path, PathBuf};

use slareport::build::{build, BuildError};
use slareport::period::Period;

/// A site in London with outages and tickets: one SLA, 24x7, on `email`.
const SITE: &str = r#"title = "Cycle reports"
timezone = "Europe/London"

[customers.acme]
name = "Acme Ltd"

[sources.outages]
path = "data/outages.csv"

[sources.tickets]
path = "data/tickets.csv"
"#;

const SLA: &str = r#"id = "acme-email"
kind = "sla"
customer = "acme"
title = "Corporate e-mail"
version = "1"
effective = 2026-01-01
review_due = 2027-06-01
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
credits = [{ below = 99.9, percent = 5 }, { below = 99.0, percent = 15 }]

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
objective = 90
"#;

const OUTAGES_HEADER: &str = "id,service,start,end,kind,cause\n";
const TICKETS_HEADER: &str = "id,service,priority,opened,responded,resolved,paused_minutes,cause\n";

use common::{build_options as options, instant as at};

fn site(outages: &str, tickets: &str) -> common::Fixture {
    let f = common::Fixture::valid();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write("slareport.toml", SITE)
        .write("agreements/acme/email.toml", SLA)
        .write("data/outages.csv", &format!("{OUTAGES_HEADER}{outages}"))
        .write("data/tickets.csv", &format!("{TICKETS_HEADER}{tickets}"));
    f
}


fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn target<'a>(results: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    results["targets"].as_array().unwrap().iter().find(|t| t["target"] == id).unwrap_or_else(|| panic!("no target {id}"))
}

fn period(p: &str) -> Period {
    p.parse().unwrap()
}

/// September 2026 ends with an outage still going on and a P2 ticket still
/// open; October's export ends the outage and resolves the ticket. The
/// build after October publishes October and leaves every earlier month
/// byte for byte.
#[test]
fn a_month_end_publishes_the_new_month_and_keeps_every_earlier_month() {
    // August: a 30-minute outage. September: an outage from Wed 30 Sep 23:00
    // BST (22:00 UTC) still going on at the export; a P2 ticket opened
    // 30 Sep 20:00 BST, still open.
    let aug_outage = "OUT-1,email,2026-08-12T10:00:00Z,2026-08-12T10:30:00Z,unplanned,\n";
    let sep_outage_open = "OUT-2,email,2026-09-30T22:00:00Z,,unplanned,\n";
    let aug_ticket = "INC-1,email,P2,2026-08-03T09:00:00Z,2026-08-03T09:05:00Z,2026-08-03T12:00:00Z,0,\n";
    let sep_ticket_open = "INC-2,email,P2,2026-09-30T19:00:00Z,2026-09-30T19:10:00Z,,0,\n";
    let f = site(&format!("{aug_outage}{sep_outage_open}"), &format!("{aug_ticket}{sep_ticket_open}"));
    let out = tempfile::tempdir().unwrap();
    let first = build(&options(f.root(), out.path(), "2026-10-05T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    let months: Vec<Period> = first.published.iter().map(|(_, p, _)| *p).collect();
    assert_eq!(months, vec![period("2026-08"), period("2026-09")]);
    assert_eq!(first.to_date, Some(period("2026-10")));

    // September as published: the outage counts from 23:00 BST to the end
    // of the month: 1 h = 3,600 s of 30 days = 2,592,000 s:
    // (2,592,000 − 3,600) / 2,592,000 = 99.86111 %.
    let sep = json(out.path().join("acme/2026-09/results.json"));
    let availability = target(&sep, "availability");
    assert_eq!(availability["basis"]["lost_seconds"], 3600.0);
    assert!((availability["value"].as_f64().unwrap() - 99.861_111).abs() < 1e-5, "{availability}");
    assert!(availability["remarks"][0].as_str().unwrap().contains("OUT-2 had not ended by the end of the period"), "{availability}");
    let published = files(out.path());

    // October's export: the outage ended 1 Oct 01:00 BST (00:00 UTC), the
    // ticket was resolved 1 Oct 09:00 BST; a new October ticket.
    let sep_outage_ended = "OUT-2,email,2026-09-30T22:00:00Z,2026-10-01T00:00:00Z,unplanned,\n";
    let sep_ticket_resolved = "INC-2,email,P2,2026-09-30T19:00:00Z,2026-09-30T19:10:00Z,2026-10-01T08:00:00Z,0,\n";
    let oct_ticket = "INC-3,email,P2,2026-10-14T09:00:00Z,2026-10-14T09:02:00Z,2026-10-14T10:00:00Z,0,\n";
    f.write("data/outages.csv", &format!("{OUTAGES_HEADER}{aug_outage}{sep_outage_ended}"));
    f.write("data/tickets.csv", &format!("{TICKETS_HEADER}{aug_ticket}{sep_ticket_resolved}{oct_ticket}"));

    let second = build(&options(f.root(), out.path(), "2026-11-05T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(second.published, vec![("acme".to_string(), period("2026-10"), 1)]);
    assert_eq!(second.kept, 2);
    // August and September were kept on their inputs alone (the same rows as
    // they stood at each month's end, agreements, note and settings): only
    // October was measured.
    assert_eq!(second.measured, vec![period("2026-10")]);
    let now = files(out.path());
    for (path, bytes) in &published {
        if path.starts_with("acme/2026-08") || path.starts_with("acme/2026-09") {
            assert!(now.get(path) == Some(bytes), "{} changed at the month end", path.display());
        }
    }
    // October: the outage's last hour (1 Oct 00:00-01:00 BST = 23:00-00:00
    // UTC... of 30 Sep) is September's; October's part is 1 Oct 00:00 BST
    // (30 Sep 23:00 UTC) to 00:00 UTC: 3,600 s of 745 h = 2,682,000 s.
    // INC-2 was resolved 13 h after it opened (19:00 -> 08:00 UTC, 24x7),
    // over its 8 h: a failure decided in September (its deadline,
    // 1 Oct 03:00 UTC = 04:00 BST, is in October!) — so October counts it:
    // decided = min(deadline, resolution) = 1 Oct 03:00 UTC, in October.
    // INC-3 took 1 h: within. 1 of 2 within = 50 %.
    let oct = json(out.path().join("acme/2026-10/results.json"));
    assert_eq!(target(&oct, "availability")["basis"]["lost_seconds"], 3600.0);
    assert_eq!(target(&oct, "availability")["basis"]["scope_seconds"], 2_682_000);
    assert_eq!(target(&oct, "resolution-p2")["basis"]["count"], 2);
    assert_eq!(target(&oct, "resolution-p2")["value"], 50.0);
    // October's trend reads September from its published results: 99.86111 %
    // shown to three decimals, under the 99.9 % objective: breached.
    // (results.json carries no trend: each month's figure is in its own
    // results.json.)
    assert!(oct["targets"][0].get("trend").is_none(), "{oct}");
    let trend = trend_text(&out.path().join("acme/2026-10/report.html"), "acme-email--availability--email");
    assert!(trend.contains("2026-09 99.861% (breached); 2026-10 "), "{trend}");
}

/// The text of a target's trend chart in a published report.html: the
/// chart's `<desc>`, every month's figure as the report shows it (the trend
/// is the first chart of the target's card).
fn trend_text(page: &std::path::Path, chart: &str) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let card = html.find(&format!("id=\"{chart}\">")).unwrap_or_else(|| panic!("no target {chart} in {}", page.display()));
    let figure = card + html[card..].find("<figure class=\"chart trend\">").unwrap();
    let start = figure + html[figure..].find("<desc>").unwrap() + "<desc>".len();
    html[start..start + html[start..].find("</desc>").unwrap()].to_string()
}

/// A published month is measured again when a setting behind its figures
/// changes (here a holiday added to the business calendar of slareport.toml),
/// and the change is found figure by figure as usual.
#[test]
fn a_changed_setting_measures_published_months_again() {
    // One August outage on Monday 3 August 2026, 10:00-10:30 UTC (11:00-11:30 BST),
    // inside business hours (Mon-Fri 08:00-18:00 London).
    // A September ticket, so September has measurements too.
    let f = site(
        "OUT-1,email,2026-08-03T10:00:00Z,2026-08-03T10:30:00Z,unplanned,\n",
        "INC-1,email,P2,2026-09-08T09:00:00Z,2026-09-08T09:05:00Z,2026-09-08T10:00:00Z,0,\n",
    );
    f.write("slareport.toml", &format!("{SITE}\n[calendars.office]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nhours = \"08:00-18:00\"\nholidays = [2026-12-25]\n"));
    f.edit("agreements/acme/email.toml", "metric = \"availability\"\n", "metric = \"availability\"\ncalendar = \"office\"\n");
    let out = tempfile::tempdir().unwrap();
    let first = build(&options(f.root(), out.path(), "2026-10-05T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first.measured, vec![period("2026-08"), period("2026-09")]);
    // Nothing changed: only the latest month is measured (for the overview).
    let again = build(&options(f.root(), out.path(), "2026-10-05T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((again.measured.clone(), again.kept, again.published.len()), (vec![period("2026-09")], 2, 0));
    // Another title in slareport.toml: every month is measured again, and
    // kept, since no figure changed.
    f.edit("slareport.toml", "title = \"Cycle reports\"", "title = \"Cycle reports 2026\"");
    let retitled = build(&options(f.root(), out.path(), "2026-10-05T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((retitled.measured.clone(), retitled.kept, retitled.published.len()), (vec![period("2026-08"), period("2026-09")], 2, 0));
    // 3 August becomes a holiday: August is measured again. Its in-scope
    // time loses that day (10 h) and the outage with it, so its figures
    // change and the build refuses, naming them.
    f.edit("slareport.toml", "holidays = [2026-12-25]", "holidays = [2026-08-03, 2026-12-25]");
    match build(&options(f.root(), out.path(), "2026-10-05T00:00:00Z")) {
        Err(slareport::build::BuildError::Refused(why)) => {
            // August has 21 weekdays (1 August 2026 is a Saturday): 21 x 10 h
            // = 756,000 s; the outage's 1,800 s gave (756,000 − 1,800) /
            // 756,000 = 99.762 %. With 3 August a holiday the outage is out
            // of hours: 100 %. September's figure stays, but its rule (which
            // counts the calendar's holidays) changed.
            assert_eq!(why.len(), 2, "{why:?}");
            assert!(why[0].contains("acme/2026-08 is published (revision 1) and would change:\n  - acme-email/availability (email): 99.762% -> 100% (breached -> met), credit 5% -> 0%"), "{why:?}");
            assert!(why[1].contains("acme/2026-09 is published (revision 1) and would change:\n  - acme-email/availability (email): 100% unchanged, but its rule changed"), "{why:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A correction excludes a customer-caused February outage. Only February
/// changes: the build refuses it naming the figure, old and new, and the
/// correction's reason; `--revise` publishes February revision 2, whose
/// report says why it exists, and March keeps the trend it had.
#[test]
fn a_correction_revises_only_the_month_it_touches() {
    // February 2026 (28 days = 2,419,200 s): OUT-7, 2 h = 7,200 s:
    // (2,419,200 − 7,200) / 2,419,200 = 99.70238 %. March: OUT-8, 10 min.
    let outages = "OUT-7,email,2026-02-10T09:00:00Z,2026-02-10T11:00:00Z,unplanned,\nOUT-8,email,2026-03-03T09:00:00Z,2026-03-03T09:10:00Z,unplanned,\n";
    // A P3 ticket keeps February a month with rows once OUT-7 is excluded.
    let f = site(outages, "INC-9,email,P3,2026-02-20T09:00:00Z,2026-02-20T09:05:00Z,2026-02-20T10:00:00Z,0,\n");
    let out = tempfile::tempdir().unwrap();
    let first = build(&options(f.root(), out.path(), "2026-04-02T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    // February and March: the first row is in February.
    assert_eq!(first.published.len(), 2, "{:?}", first.published);
    let before = files(out.path());
    let feb = json(out.path().join("acme/2026-02/results.json"));
    assert!((target(&feb, "availability")["value"].as_f64().unwrap() - 99.702_381).abs() < 1e-5);

    f.write(
        "corrections.toml",
        r#"[[corrections]]
date = 2026-03-02
by = "J. Doe, service level manager"
reason = "Customer-caused: their firewall change CHG-4711 cut the site link"
outage = "OUT-7"
exclude = true
"#,
    );
    let refused = build(&options(f.root(), out.path(), "2026-04-02T00:00:00Z"));
    let Err(BuildError::Refused(reasons)) = refused else { panic!("not refused: {refused:?}") };
    // February only: March's own figures do not change (its trend is not its own).
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    let reason = &reasons[0];
    assert!(reason.starts_with("acme/2026-02 is published (revision 1) and would change:"), "{reason}");
    // Without the outage February is 100 %; 99.702 % < 99.9 was credit tier 1 (5 %).
    assert!(reason.contains("acme-email/availability (email): 99.702% -> 100% (breached -> met), credit 5% -> 0%"), "{reason}");
    assert!(reason.contains("CHG-4711"), "the correction's reason: {reason}");
    assert_eq!(before, files(out.path()), "a refused build writes nothing");

    let mut revise = options(f.root(), out.path(), "2026-04-02T00:00:00Z");
    revise.revise = true;
    let report = build(&revise).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.published, vec![("acme".to_string(), period("2026-02"), 2)]);
    assert_eq!(report.kept, 1);
    let after = files(out.path());
    for (path, bytes) in &before {
        if !path.ends_with("index.html") || path.starts_with("acme/2026-") {
            assert!(after.get(path) == Some(bytes), "{} changed", path.display());
        }
    }
    // The revision says why it exists and lists the correction with its reason.
    let page = std::fs::read_to_string(out.path().join("acme/2026-02-r2/report.html")).unwrap();
    assert!(page.contains("Why revision 2"), "revision section");
    assert!(page.contains("99.702% -&gt; 100%") || page.contains("99.702% -> 100%"), "changed figure");
    assert!(page.contains("Customer-caused: their firewall change CHG-4711 cut the site link"), "reason");
    assert!(page.contains("outage OUT-7: left out of every figure"), "the change");
    let manifest = json(out.path().join("acme/2026-02-r2/manifest.json"));
    assert_eq!(manifest["revision_of"]["replaces"], 1);
    let r2 = json(out.path().join("acme/2026-02-r2/results.json"));
    assert_eq!(target(&r2, "availability")["value"], 100.0);
    assert_eq!(r2["corrections"][0]["moved"][0], "acme-email/availability (email): 99.702% as exported -> 100% corrected");
    // March as published keeps February's old figure in its trend.
    let trend = trend_text(&out.path().join("acme/2026-03/report.html"), "acme-email--availability--email");
    assert!(trend.contains("2026-02 99.702% (breached); 2026-03 "), "{trend}");
    // The customer index marks the revised month and links both revisions.
    let index = std::fs::read_to_string(out.path().join("acme/index.html")).unwrap();
    assert!(index.contains("revised: revision 2") && index.contains("2026-02/index.html") && index.contains("2026-02-r2/index.html"), "{index}");
}

#[test]
fn a_correction_naming_no_row_is_an_error_with_its_line() {
    let f = site("OUT-7,email,2026-02-10T09:00:00Z,2026-02-10T11:00:00Z,unplanned,\n", "");
    f.write(
        "corrections.toml",
        "[[corrections]]\ndate = 2026-03-02\nby = \"J. Doe\"\nreason = \"r\"\noutage = \"OUT-7\"\nkind = \"planned\"\n\n[[corrections]]\ndate = 2026-03-02\nby = \"J. Doe\"\nreason = \"r\"\noutage = \"OUT-9\"\nexclude = true\n",
    );
    let out = tempfile::tempdir().unwrap();
    let Err(BuildError::Problems(problems)) = build(&options(f.root(), out.path(), "2026-04-02T00:00:00Z")) else { panic!("not refused") };
    let errors: Vec<_> = problems.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    common::assert_at(errors[0], "corrections.toml", 8, "the correction names outage `OUT-9`, which no export has");
    // A correction may only change what its row has.
    f.write("corrections.toml", "[[corrections]]\ndate = 2026-03-02\nby = \"J. Doe\"\nreason = \"r\"\noutage = \"OUT-7\"\npriority = \"P1\"\n");
    let Err(BuildError::Problems(problems)) = build(&options(f.root(), out.path(), "2026-04-02T00:00:00Z")) else { panic!("not refused") };
    let d = problems.iter().find(|d| d.is_error()).unwrap();
    common::assert_at(d, "corrections.toml", 6, "a correction of outage OUT-7 cannot change `priority`");
}

#[test]
fn months_in_the_future_or_before_any_data_are_refused() {
    let f = site("OUT-7,email,2026-02-10T09:00:00Z,2026-02-10T11:00:00Z,unplanned,\nOUT-8,email,2026-03-03T09:00:00Z,2026-03-03T09:10:00Z,unplanned,\n", "");
    let out = tempfile::tempdir().unwrap();
    let ask = |p: &str| {
        let mut o = options(f.root(), out.path(), "2026-04-15T12:00:00Z");
        o.period = Some(period(p));
        match build(&o) {
            Err(BuildError::Problems(d)) => d.iter().next().unwrap().message.clone(),
            other => panic!("{p} was not refused: {other:?}"),
        }
    };
    assert_eq!(ask("2027-03"), "2027-03 has not begun as of 2026-04-15 13:00 BST");
    assert_eq!(ask("2026-04"), "2026-04 is still in progress as of 2026-04-15 13:00 BST; a month is published once it is complete (2026-05-01 00:00 BST)");
    assert_eq!(ask("2025-12"), "2025-12 is before the first measurement (2026-02-10 09:00 GMT): there is nothing to report for it");
    assert!(files(out.path()).is_empty(), "nothing was written");

    // publish_after waits for late rows: March ended 1 Apr 00:00 BST; with
    // 3 days it is complete on 4 Apr 00:00 BST.
    f.edit("slareport.toml", "timezone = \"Europe/London\"", "timezone = \"Europe/London\"\npublish_after = \"3d\"");
    let early = build(&options(f.root(), out.path(), "2026-04-03T12:00:00Z")).unwrap();
    assert_eq!(early.published.iter().map(|(_, p, _)| *p).collect::<Vec<_>>(), vec![period("2026-02")]);
    assert_eq!(early.awaiting, vec![(period("2026-03"), at("2026-03-31T23:00:00Z") + 3 * 86_400)]);
    let later = build(&options(f.root(), out.path(), "2026-04-04T00:00:00Z")).unwrap();
    assert_eq!(later.published.iter().map(|(_, p, _)| *p).collect::<Vec<_>>(), vec![period("2026-03")]);
}

/// As-of 10 November 2026 00:00 UTC (GMT, so also local midnight): the
/// to-date page measures 1-9 November and forecasts the month.
#[test]
fn the_month_in_progress_is_measured_to_as_of_with_a_forecast() {
    // 3 Nov 10:00-10:20 UTC: 1,200 s down.
    let f = site("OUT-1,email,2026-11-03T10:00:00Z,2026-11-03T10:20:00Z,unplanned,\n", "");
    let out = tempfile::tempdir().unwrap();
    let report = build(&options(f.root(), out.path(), "2026-11-10T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(report.published.is_empty());
    assert_eq!(report.to_date, Some(period("2026-11")));
    let results = json(out.path().join("acme/to-date/results.json"));
    assert_eq!(results["as_of"], "2026-11-10T00:00:00Z");
    let t = target(&results, "availability");
    // In-scope time ends at as-of: 9 days × 86,400 = 777,600 s.
    assert_eq!(t["basis"]["scope_seconds"], 777_600);
    assert_eq!(t["basis"]["lost_seconds"], 1200.0);
    // So far: (777,600 − 1,200) / 777,600 = 99.845679 %.
    assert!((t["value"].as_f64().unwrap() - 99.845_679).abs() < 1e-5, "{t}");
    let fc = &t["forecast"];
    // The month: 30 days = 2,592,000 s; budget 0.1 % = 2,592 s.
    assert_eq!(fc["month_seconds"], 2_592_000);
    assert_eq!(fc["elapsed_seconds"], 777_600);
    assert_eq!(fc["budget_month"], 2592.0);
    assert_eq!(fc["budget_used"], 1200.0);
    assert_eq!(fc["budget_left"], 1392.0);
    // Burn: 1,200 s in 9 days = 133.3 s a day; at month end 1,200 × 30/9 = 4,000 s > 2,592.
    assert!((fc["burn_per_day"].as_f64().unwrap() - 133.333_333).abs() < 1e-5);
    assert!((fc["projected_used"].as_f64().unwrap() - 4000.0).abs() < 1e-6);
    assert_eq!(fc["heading_for_breach"], true);
    // The budget runs out (2,592 − 1,200) / (1,200 / 777,600) = 1,392 × 648
    // = 902,016 s after as-of = 10 d 10 h 33 min 36 s: 20 Nov 10:33:36 UTC.
    assert_eq!(fc["breach_on"], "2026-11-20");
    assert_eq!(fc["words"], "at this rate breached on 20 Nov");
    // The page is provisional and linked from the customer index.
    let page = std::fs::read_to_string(out.path().join("acme/to-date/index.html")).unwrap();
    assert!(page.contains("Provisional.") && page.contains("at this rate breached on 20 Nov"), "{page}");
    let index = std::fs::read_to_string(out.path().join("acme/index.html")).unwrap();
    assert!(index.contains("to-date/index.html") && index.contains("provisional"), "{index}");
    // The resolution target has no tickets yet: no data, and it says so.
    assert_eq!(target(&results, "resolution-p2")["forecast"]["words"], "no measurements yet this month");

    // A later as-of replaces the page: 20 Nov 12:00 UTC, nothing more lost.
    build(&options(f.root(), out.path(), "2026-11-20T12:00:00Z")).unwrap();
    let results = json(out.path().join("acme/to-date/results.json"));
    assert_eq!(target(&results, "availability")["basis"]["scope_seconds"], 19 * 86_400 + 12 * 3600);
}

/// A second version of the SLA, effective 1 April, tightens the objective
/// and adds a credit tier. Adding it changes no published month: February
/// and March stay byte for byte and copy version 1; April is measured
/// against version 2, copies its file and lists what changed.
#[test]
fn a_new_agreement_version_leaves_published_months_and_lists_its_changes() {
    // March: 10 min down of 743 h (the clocks go forward) = 2,674,800 s:
    // (2,674,800 − 600) / 2,674,800 = 99.97757 % (met against 99.9).
    // April: 30 min down of 30 days = 2,592,000 s: (2,592,000 − 1,800) /
    // 2,592,000 = 99.93056 %: met against version 1's 99.9, breached against
    // version 2's 99.95.
    let outages = "OUT-7,email,2026-02-10T09:00:00Z,2026-02-10T11:00:00Z,unplanned,\nOUT-8,email,2026-03-03T09:00:00Z,2026-03-03T09:10:00Z,unplanned,\nOUT-9,email,2026-04-07T09:00:00Z,2026-04-07T09:30:00Z,unplanned,\n";
    let f = site(outages, "");
    let out = tempfile::tempdir().unwrap();
    let first = build(&options(f.root(), out.path(), "2026-04-02T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first.published.len(), 2);
    let before = files(out.path());

    let v2 = SLA.replace("version = \"1\"", "version = \"2\"").replace("effective = 2026-01-01", "effective = 2026-04-01").replace(
        "objective = 99.9\ncredits = [{ below = 99.9, percent = 5 }, { below = 99.0, percent = 15 }]",
        "objective = 99.95\ncredits = [{ below = 99.95, percent = 5 }, { below = 99.5, percent = 10 }, { below = 99.0, percent = 15 }]",
    );
    assert_ne!(v2, SLA);
    f.write("agreements/acme/email-v2.toml", &v2);
    let second = build(&options(f.root(), out.path(), "2026-05-02T00:00:00Z")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(second.published, vec![("acme".to_string(), period("2026-04"), 1)]);
    assert_eq!(second.kept, 2);
    let after = files(out.path());
    for (path, bytes) in &before {
        if path.starts_with("acme/2026-") {
            assert!(after.get(path) == Some(bytes), "{} changed", path.display());
        }
    }
    // March copied version 1; April copies version 2.
    assert_eq!(after[Path::new("acme/2026-03/agreements/acme-email.toml")], SLA.as_bytes());
    assert_eq!(after[Path::new("acme/2026-04/agreements/acme-email.toml")], v2.as_bytes());
    let april = json(out.path().join("acme/2026-04/results.json"));
    let t = target(&april, "availability");
    assert!((t["value"].as_f64().unwrap() - 99.930_556).abs() < 1e-5, "{t}");
    assert_eq!(t["objective"], 99.95);
    assert_eq!(t["status"], "breached");
    assert_eq!(t["credit_percent"], 5.0);
    let a = &april["agreements"][0];
    assert_eq!(a["version"], "2");
    assert_eq!(a["previous_version"], "1");
    let changes: Vec<&str> = a["changes"].as_array().unwrap().iter().map(|c| c["text"].as_str().or(c.as_str()).unwrap()).collect();
    assert!(changes.iter().any(|c| c.contains("objective at least 99.9% -> at least 99.95%")), "{changes:?}");
    let page = std::fs::read_to_string(out.path().join("acme/2026-04/report.html")).unwrap();
    assert!(page.contains("version 2 replaces version 1"), "the report lists the change of version");
    // March's manifest names version 1, April's version 2.
    assert_eq!(json(out.path().join("acme/2026-03/manifest.json"))["agreement_versions"]["acme-email"], "1");
    assert_eq!(json(out.path().join("acme/2026-04/manifest.json"))["agreement_versions"]["acme-email"], "2");
}

#[test]
fn an_output_folder_holding_the_site_or_inside_its_inputs_is_refused() {
    let f = site("OUT-7,email,2026-02-10T09:00:00Z,2026-02-10T11:00:00Z,unplanned,\n", "");
    for (out, words) in [(f.root().to_path_buf(), "holds the site folder"), (f.path("data/site"), "is inside the site's inputs (data)")] {
        let Err(BuildError::Problems(d)) = build(&options(f.root(), &out, "2026-04-02T00:00:00Z")) else { panic!("{} was not refused", out.display()) };
        let message = &d.iter().next().unwrap().message;
        assert!(message.contains(words), "{message}");
    }
    assert!(!f.path("data/site").exists(), "nothing was written");
}
