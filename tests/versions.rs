//! Agreement versions and review meetings that review an earlier month.
//!
//! Each test writes a small site, runs the real pipeline (load, scan,
//! measure) and checks the figures against arithmetic written out here.
//! Times are UTC, and so London in winter; in summer London is UTC+1, which
//! the month bounds below take into account.

mod common;

use common::{assert_at, assert_hint, Fixture};
use slareport::measure::exact::Status;
use slareport::measure::results::{Results, TargetResult};
use slareport::measure::prepare;
use slareport::period::Period;

const SITE: &str = r#"title = "Version tests"
timezone = "Europe/London"

[customers.acme]
name = "Acme Ltd"

[sources.outages]
path = "data/outages.csv"

[sources.tickets]
path = "data/tickets.csv"
"#;

/// Version 1: 24x7 availability, at least 99.5 % (warning 99.8), 5 % credit
/// below 99.5; P1 resolution within 800 h (so a ticket can run for weeks).
const V1: &str = r#"id = "sla"
kind = "sla"
customer = "acme"
title = "E-mail"
version = "1"
effective = 2026-01-01
review_due = 2027-01-01
services = ["svc"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.5
warning = 99.8
credits = [{ below = 99.5, percent = 5 }]

[[targets]]
id = "resolution"
metric = "resolution"
priority = "P1"
within = "800h"
objective = 90

[[targets]]
id = "incidents"
metric = "incidents"
priority = "P1"
objective = 2
"#;

/// Version 2: a stricter availability objective with no warning, two credit
/// tiers and a cap; the incident count is dropped; a P2 resolution target added.
const V2: &str = r#"id = "sla"
kind = "sla"
customer = "acme"
title = "E-mail"
version = "2"
effective = EFFECTIVE
review_due = 2027-06-30
services = ["svc"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
credits = [{ below = 99.9, percent = 5 }, { below = 99.0, percent = 15 }]
credit_cap = 10

[[targets]]
id = "resolution"
metric = "resolution"
priority = "P1"
within = "800h"
objective = 90

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
objective = 80
"#;

/// One hour down on the 10th of each month from May to August; one P1
/// ticket opened 10 June and resolved 2 July.
const OUTAGES: &str = "service,start,end\n\
    svc,2026-05-10T10:00:00Z,2026-05-10T11:00:00Z\n\
    svc,2026-06-10T10:00:00Z,2026-06-10T11:00:00Z\n\
    svc,2026-07-10T10:00:00Z,2026-07-10T11:00:00Z\n\
    svc,2026-08-10T10:00:00Z,2026-08-10T11:00:00Z\n";
const TICKETS: &str = "id,service,priority,opened,resolved\nINC1,svc,P1,2026-06-10T10:00:00Z,2026-07-02T10:00:00Z\n";

/// The site with version 1 only.
fn site() -> Fixture {
    let f = Fixture::valid();
    f.write("slareport.toml", SITE);
    std::fs::remove_file(f.path("agreements/acme/email.toml")).unwrap();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write("agreements/acme/sla.toml", V1);
    f.write("data/outages.csv", OUTAGES);
    f.write("data/tickets.csv", TICKETS);
    f
}

/// Adds version 2, effective `effective`, in a file of its own.
fn add_version_2(f: &Fixture, effective: &str) {
    f.write("agreements/acme/sla-v2.toml", &V2.replace("EFFECTIVE", effective));
}

fn measure(f: &Fixture, period: &str) -> Results {
    let prepared = prepare(f.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    prepared.measure(period.parse::<Period>().unwrap())
}

fn target<'a>(results: &'a Results, id: &str) -> &'a TargetResult {
    results.targets.iter().find(|t| t.target == id).unwrap_or_else(|| panic!("no target {id}"))
}

fn json(results: &Results) -> String {
    serde_json::to_string_pretty(results).unwrap()
}

#[track_caller]
fn assert_value(r: &TargetResult, expected: f64) {
    let value = r.value.unwrap_or_else(|| panic!("no value for {}", r.target));
    assert!((value - expected).abs() < 1e-9, "{}: {value} != {expected}", r.target);
}

#[test]
fn a_second_version_leaves_earlier_months_as_they_were_and_lists_its_changes() {
    let f = site();
    let before: Vec<String> = ["2026-05", "2026-06"].iter().map(|p| json(&measure(&f, p))).collect();
    add_version_2(&f, "2026-07-01");
    let after: Vec<String> = ["2026-05", "2026-06"].iter().map(|p| json(&measure(&f, p))).collect();
    // Months before version 2, trends included, are measured as before, byte for byte.
    assert_eq!(before, after);

    let june = measure(&f, "2026-06");
    assert_eq!(june.agreements[0].version, "1");
    assert_eq!(june.agreements[0].file, "agreements/acme/sla.toml");

    // July is measured against version 2. July: 31 days = 2_678_400 s, one
    // hour (3_600 s) down: 2_674_800 / 2_678_400 = 99.8656 %: met against
    // version 1 (99.5, warning 99.8) but breached against version 2 (99.9),
    // in its first tier (below 99.9, not below 99.0): 5 %.
    let july = measure(&f, "2026-07");
    let a = target(&july, "availability");
    assert_value(a, 100.0 * 2_674_800.0 / 2_678_400.0);
    assert_eq!((a.objective, a.warning), (99.9, None));
    assert_eq!(a.status, Status::Breached);
    assert_eq!((a.severity, a.credit_percent), (Some(1), 5.0));
    // The trend reads each month against its own version: June, 30 days =
    // 2_592_000 s less 3_600 s = 99.8611 %, is met against version 1's 99.5
    // and warning 99.8 (it would be breached against 99.9).
    assert_eq!(a.trend.len(), 13);
    assert_eq!(a.trend[11].period.to_string(), "2026-06");
    assert_value_point(a.trend[11].value, 100.0 * 2_588_400.0 / 2_592_000.0);
    assert_eq!(a.trend[11].status, Status::Met);
    assert_eq!(a.trend[12].status, Status::Breached);

    // The incident count is gone from July; the P2 target is new, with no
    // P2 ticket: no data. Its trend has no data before July either.
    assert!(july.targets.iter().all(|t| t.target != "incidents"));
    let p2 = target(&july, "resolution-p2");
    assert_eq!(p2.status, Status::NoData);
    assert!(p2.trend.iter().all(|p| p.status == Status::NoData));

    // What changed, in words, on the agreement and on the targets it concerns.
    let review = &july.agreements[0];
    assert_eq!((review.version.as_str(), review.previous_version.as_deref()), ("2", Some("1")));
    assert_eq!(review.file, "agreements/acme/sla-v2.toml");
    assert_eq!(
        review.changes,
        [
            "`availability`: objective at least 99.5% -> at least 99.9%",
            "`availability`: warning 99.8% -> none",
            "`availability`: credit tiers below 99.5%: 5% -> below 99.9%: 5%, below 99%: 15%",
            "`availability`: credit cap none -> 10%",
            "target `resolution-p2` added: P2 resolution within 8h, objective at least 80%",
            "target `incidents` removed (was P1 incidents opened, objective at most 2 tickets)",
        ]
    );
    assert_eq!(a.changes.len(), 4);
    assert!(target(&july, "resolution").changes.is_empty());

    // The report shows them next to the agreement, and marks the target.
    let customer = july.for_customer("acme");
    let view = slareport::render::view::report(&customer, &[], None, 1);
    let row = view.agreements.iter().find(|r| r.id == "sla").unwrap();
    assert_eq!(row.previous_version.as_deref(), Some("1"));
    assert_eq!(row.changes.len(), 6);
    assert_eq!(view.rows.iter().filter(|r| !r.changes.is_empty()).count(), 2);

    // August follows July under the same version: nothing changed.
    let august = measure(&f, "2026-08");
    assert_eq!(august.agreements[0].previous_version, None);
    assert!(august.agreements[0].changes.is_empty());
}

#[track_caller]
/// Trend values are kept to six decimals (`measure::format::trend_value`).
fn assert_value_point(value: Option<f64>, expected: f64) {
    let value = value.expect("a value");
    assert!((value - expected).abs() <= 5e-7, "{value} != {expected}");
}

#[test]
fn a_version_effective_mid_month_governs_from_the_next_month() {
    let f = site();
    add_version_2(&f, "2026-06-15");
    // June is measured whole against version 1, although version 2 took
    // effect on the 15th: 30 days = 2_592_000 s in scope (not pro-rated),
    // 3_600 s down: 99.8611 %, met against 99.5 with warning 99.8.
    let june = measure(&f, "2026-06");
    let a = target(&june, "availability");
    assert_eq!(june.agreements[0].version, "1");
    assert_eq!(a.basis.scope_seconds, Some(2_592_000));
    assert_value(a, 100.0 * 2_588_400.0 / 2_592_000.0);
    assert_eq!((a.objective, a.status), (99.5, Status::Met));
    assert!(june.agreements[0].changes.is_empty());

    // July is version 2's first month: 99.8656 % against 99.9, breached.
    let july = measure(&f, "2026-07");
    let a = target(&july, "availability");
    assert_eq!((july.agreements[0].version.as_str(), july.agreements[0].previous_version.as_deref()), ("2", Some("1")));
    assert_eq!((a.objective, a.status), (99.9, Status::Breached));
    assert_eq!(july.agreements[0].effective.to_string(), "2026-06-15");

    // The P1 ticket opened on 10 June, before version 2 took effect, and was
    // resolved on 2 July: 22 days = 528 h, within 800 h. It counts in July
    // (the month it was decided): the agreement ran all along. 1 of 1: 100 %.
    let r = target(&july, "resolution");
    assert_eq!(r.basis.count, Some(1));
    assert_value(r, 100.0);
}

#[test]
fn the_first_version_effective_mid_month_counts_from_its_day() {
    let f = site();
    f.edit("agreements/acme/sla.toml", "effective = 2026-01-01", "effective = 2026-05-16");
    add_version_2(&f, "2026-07-01");
    // May from the 16th: 16 days = 1_382_400 s; the outage on the 10th is
    // before it: 100 %. April is before the agreement: no data.
    let may = measure(&f, "2026-05");
    let a = target(&may, "availability");
    assert_eq!(a.basis.scope_seconds, Some(16 * 86_400));
    assert_value(a, 100.0);
    assert_eq!(target(&measure(&f, "2026-04"), "availability").status, Status::NoData);
}

#[test]
fn two_versions_with_one_version_or_one_effective_date_are_refused() {
    // Files are read in name order: sla-v2.toml before sla.toml, so the
    // error is at sla.toml and names sla-v2.toml.
    let f = site();
    f.write("agreements/acme/sla-v2.toml", &V2.replace("EFFECTIVE", "2026-07-01").replace("version = \"2\"", "version = \"1\""));
    let e = f.error();
    assert_at(&e, "agreements/acme/sla.toml", 5, "agreement `sla` has version `1` twice");
    assert_hint(&e, "agreements/acme/sla-v2.toml:5:11");

    let f = site();
    add_version_2(&f, "2026-01-01");
    let e = f.error();
    assert_at(&e, "agreements/acme/sla.toml", 6, "agreement `sla` has two versions effective 2026-01-01");
    assert_hint(&e, "agreements/acme/sla-v2.toml:6:13");
}

#[test]
fn the_versions_of_an_agreement_share_its_kind_and_party() {
    let f = site();
    f.write("slareport.toml", &SITE.replace("[customers.acme]", "[customers.globex]\nname = \"Globex\"\n\n[customers.acme]"));
    f.write("agreements/globex/sla-v2.toml", &V2.replace("EFFECTIVE", "2026-07-01").replace("customer = \"acme\"", "customer = \"globex\""));
    // agreements/acme/ is read before agreements/globex/.
    let e = f.error();
    assert_at(&e, "agreements/globex/sla-v2.toml", 3, "agreement `sla` is with customer `globex` here but with `acme` at agreements/acme/sla.toml:3:12");
}

const NOTE_SEPTEMBER: &str = "+++\nmeeting = 2026-09-09\nreviews = \"2026-08\"\nsatisfaction = 4\n+++\n# August review\n";
const NOTE_OCTOBER: &str = "+++\nmeeting = 2026-10-14\nreviews = \"2026-09\"\nsatisfaction = 5\n+++\n# September review\n";

#[test]
fn a_review_meeting_counts_for_the_month_it_reviewed() {
    let f = site();
    f.write("notes/acme/2026-09.md", NOTE_SEPTEMBER);
    // September for the customer, before October's note exists.
    let published = json(&measure(&f, "2026-09").for_customer("acme"));
    f.write("notes/acme/2026-10.md", NOTE_OCTOBER);

    // October's report shows the meeting held in it as the review of
    // September; its rating is not October's satisfaction.
    let october = measure(&f, "2026-10");
    let review = &october.reviews[0];
    assert_eq!(review.meeting.map(|d| d.to_string()).as_deref(), Some("2026-10-14"));
    assert_eq!(review.reviewed.map(|p| p.to_string()).as_deref(), Some("2026-09"));
    let view = slareport::render::view::report(&october.for_customer("acme"), &[], None, 1);
    assert_eq!(view.review.heading.as_deref(), Some("Review of September 2026, held 14 October: rating 5"));
    assert_eq!(view.review.satisfaction, None);
    // No meeting has reviewed October yet.
    assert_eq!((october.summary.reviewed, october.summary.review_rating), (0, None));

    // The provider's September counts the October meeting: 1 customer
    // reviewed, rating 5. The customer's September never reads a later note:
    // it is what it was before October's note was written.
    let september = measure(&f, "2026-09");
    assert_eq!((september.summary.reviewed, september.summary.review_rating), (1, Some(5.0)));
    assert_eq!(json(&september.for_customer("acme")), published);
    let acme = september.for_customer("acme");
    assert_eq!((acme.summary.reviewed, acme.summary.reviews_held), (0, 1));
    // August: reviewed in the September meeting, rating 4.
    assert_eq!(measure(&f, "2026-08").summary.review_rating, Some(4.0));
}

#[test]
fn reviews_must_name_a_month_not_after_the_note() {
    let f = site();
    f.write("notes/acme/2026-10.md", &NOTE_OCTOBER.replace("\"2026-09\"", "\"2026-11\""));
    let e = f.error();
    assert_at(&e, "notes/acme/2026-10.md", 3, "reviews 2026-11 is after 2026-10, the month of this note");

    let f = site();
    f.write("notes/acme/2026-10.md", &NOTE_OCTOBER.replace("\"2026-09\"", "\"September\""));
    assert_at(&f.error(), "notes/acme/2026-10.md", 3, "reviews `September` is not a month like 2026-09");

    let f = site();
    f.write("notes/acme/2026-10.md", &NOTE_OCTOBER.replace("meeting = 2026-10-14\n", ""));
    assert_at(&f.error(), "notes/acme/2026-10.md", 2, "reviews names the month a meeting reviewed, but this note records no meeting");
}

/// The report page of `results` for customer acme, as published (linked twin).
fn page(f: &Fixture, results: &Results) -> String {
    use slareport::render::{CustomerView, Renderer, SiteView};
    let view = slareport::render::view::report(&results.for_customer("acme"), &[], None, 1);
    let renderer = Renderer::new(f.root(), "default", None).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let site = SiteView { title: "Version tests".into() };
    let customer = CustomerView { id: "acme".into(), name: "Acme Ltd".into() };
    renderer.report(&site, &customer, &view).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec()))).0
}

#[test]
fn the_report_page_shows_the_changes_and_the_review_of_the_month_before() {
    let f = site();
    add_version_2(&f, "2026-07-01");
    f.write("notes/acme/2026-07.md", "+++\nmeeting = 2026-07-08\nreviews = \"2026-06\"\nsatisfaction = 4\n+++\n# June review\n");
    let july = page(&f, &measure(&f, "2026-07"));
    // The changes are listed with the agreement, escaped as all text is.
    assert!(july.contains("E-mail: version 2 replaces version 1 from this month"), "{july}");
    assert!(july.contains("<li>`availability`: objective at least 99.5% -&gt; at least 99.9%</li>"), "{july}");
    assert!(july.contains("<li>target `incidents` removed (was P1 incidents opened, objective at most 2 tickets)</li>"), "{july}");
    // The changed targets are marked in the targets table: availability and the new P2 target.
    assert_eq!(july.matches("class=\"changed\" href=\"#changes-sla\"").count(), 2, "{july}");
    // The meeting held in July is the review of June; its rating is not July's satisfaction.
    assert!(july.contains("Review of June 2026, held 8 July: rating 4."), "{july}");
    assert!(!july.contains("Rating given in the review meeting"), "{july}");
    // August has no new version: no list of changes, no marker.
    let august = page(&f, &measure(&f, "2026-08"));
    assert!(!august.contains("replaces version") && !august.contains("class=\"changed\""), "{august}");
}

#[test]
fn agreements_in_force_pick_the_version_that_governs_each_month() {
    // Version 1 from 2026-01-01; version 2 from 2026-03-15 (mid-month: it
    // governs from April, the first month whose first day is on or after it);
    // version 3 from 2026-06-01 (it governs June). Before January, version 1
    // (the first) governs.
    let f = site();
    add_version_2(&f, "2026-03-15");
    f.write("agreements/acme/sla-v3.toml", &V2.replace("EFFECTIVE", "2026-06-01").replace("version = \"2\"", "version = \"3\""));
    let prepared = prepare(f.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let site = &prepared.site;
    assert_eq!(site.versions.len(), 3);
    for (period, expected) in [("2025-11", "1"), ("2026-01", "1"), ("2026-03", "1"), ("2026-04", "2"), ("2026-05", "2"), ("2026-06", "3"), ("2027-01", "3")] {
        let period: Period = period.parse().unwrap();
        let borrowed = site.agreements_in_force(period);
        assert_eq!(borrowed.len(), 1, "{period}");
        assert_eq!(borrowed[0].version, expected, "{period}");
        // The same as the version picked one agreement at a time, and as the cloned view.
        assert_eq!(site.version_in_force("sla", period).map(|a| a.version.as_str()), Some(expected), "{period}");
        assert_eq!(site.in_force(period).agreements[0].version, expected, "{period}");
    }
}
