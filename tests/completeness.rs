//! Shared services, seen per customer: the tickets-by-priority table and the
//! data section count a customer's own rows; a source with no rows in a month
//! where other sources have rows is a warning (measure, report), never a
//! silent 100 %; the provider overview's breakdowns add up to their totals.

mod common;

use common::Fixture;
use slareport::build::build;
use slareport::measure::prepare;
use slareport::period::Period;

/// Two customers on the shared service `email`; tickets carry a customer.
fn shared_site() -> Fixture {
    let f = Fixture::valid();
    f.edit(
        "slareport.toml",
        "[sources.outages]",
        "[customers.globex]\nname = \"Globex\"\n\n[sources.tickets]\npath = \"data/tickets.csv\"\n\n[sources.outages]",
    );
    f.write(
        "agreements/globex/email.toml",
        &common::SLA.replace("acme-email", "globex-email").replace("customer = \"acme\"", "customer = \"globex\""),
    );
    f
}

const TICKETS_HEADER: &str = "id,service,priority,opened,responded,resolved,customer\n";

#[test]
fn each_customer_counts_its_own_tickets_once() {
    let f = shared_site();
    // October 2026 (Europe/London, BST until 25 Oct; the month is
    // [2026-09-30T23:00Z, 2026-10-31T24:00Z)).
    // acme: T1 opened and resolved in October; T2 opened in October, still
    //   open at the month's end (counts once as opened, once as open at end,
    //   never twice); T3 opened in September, resolved in October.
    // globex: T4 opened in October and resolved in November (open at end).
    f.write(
        "data/tickets.csv",
        &format!(
            "{TICKETS_HEADER}\
             T1,email,P2,2026-10-02T10:00:00Z,2026-10-02T10:10:00Z,2026-10-02T12:00:00Z,acme\n\
             T2,email,P2,2026-10-20T10:00:00Z,,,acme\n\
             T3,email,P2,2026-09-29T10:00:00Z,2026-09-29T10:05:00Z,2026-10-01T09:00:00Z,acme\n\
             T4,email,P2,2026-10-30T10:00:00Z,,2026-11-02T10:00:00Z,globex\n"
        ),
    );
    // Both SLAs read tickets too, so their data sections list them.
    let response = "\n[[targets]]\nid = \"response-p2\"\nservice = \"email\"\nmetric = \"response\"\npriority = \"P2\"\nwithin = \"1h\"\ncalendar = \"24x7\"\nobjective = 90\n";
    for file in ["agreements/acme/email.toml", "agreements/globex/email.toml"] {
        let text = std::fs::read_to_string(f.path(file)).unwrap();
        f.write(file, &format!("{text}{response}"));
    }
    let prepared = prepare(f.root()).expect("valid site");
    let results = prepared.measure("2026-10".parse::<Period>().unwrap());
    let counts = |r: &slareport::measure::Results| r.tickets.iter().map(|t| (t.priority.clone(), t.opened, t.resolved, t.open_at_end)).collect::<Vec<_>>();
    // Provider: opened T1, T2, T4 = 3; resolved T1, T3 = 2; open at end T2, T4 = 2.
    assert_eq!(counts(&results), [("P2".to_string(), 3, 2, 2)]);
    // acme: opened T1, T2 = 2; resolved T1, T3 = 2; open at end T2 = 1.
    assert_eq!(counts(&results.for_customer("acme")), [("P2".to_string(), 2, 2, 1)]);
    // globex: opened T4 = 1; resolved 0 (T4 resolves in November); open at end 1.
    assert_eq!(counts(&results.for_customer("globex")), [("P2".to_string(), 1, 0, 1)]);
    // The data section counts the same rows: tickets opened in October.
    let rows = |r: &slareport::measure::Results, kind: &str| {
        r.data.sources.iter().find(|s| s.source.name() == kind).map(|s| s.rows)
    };
    assert_eq!(rows(&results, "tickets"), Some(3));
    assert_eq!(rows(&results.for_customer("acme"), "tickets"), Some(2));
    assert_eq!(rows(&results.for_customer("globex"), "tickets"), Some(1));
    // The last row of globex is T4, opened 2026-10-30T10:00Z.
    let globex = results.for_customer("globex");
    let last = globex.data.sources.iter().find(|s| s.source.name() == "tickets").unwrap().last_row;
    assert_eq!(last, Some(common::instant("2026-10-30T10:00:00Z")));
}

#[test]
fn an_empty_outage_export_in_a_month_with_tickets_is_a_warning_everywhere() {
    let f = shared_site();
    // The outage log has one outage, on 5 October; November has tickets but no outage row.
    f.write(
        "data/tickets.csv",
        &format!("{TICKETS_HEADER}T1,email,P2,2026-11-03T10:00:00Z,2026-11-03T10:10:00Z,2026-11-03T12:00:00Z,acme\n"),
    );
    let prepared = prepare(f.root()).expect("valid site");
    let november = prepared.measure("2026-11".parse::<Period>().unwrap());
    let expected = "no outages rows in this period although tickets has rows: outage-based availability reads as no outages (100 %) — check the export arrived";
    assert_eq!(november.data.warnings(), [expected]);
    assert_eq!(november.for_customer("acme").data.warnings(), [expected]);
    // globex's SLA reads only outages; its tickets in November: none, so
    // nothing else has rows for it either, and no warning is due.
    assert_eq!(november.for_customer("globex").data.warnings(), Vec::<String>::new());
    // October has an outage and no ticket: the warning is about tickets, but
    // no SLA of acme reads tickets, so acme's report lists only outages.
    let october = prepared.measure("2026-10".parse::<Period>().unwrap());
    let acme = october.for_customer("acme");
    assert_eq!(acme.data.sources.iter().map(|s| s.source.name()).collect::<Vec<_>>(), ["outages"]);
    assert!(acme.data.warnings().is_empty());
    // `check` warns month by month, naming the export. October has the outage
    // and no ticket: the tickets export is empty that month.
    let report = f.check();
    let warnings: Vec<(String, String)> = report
        .problems
        .clone()
        .into_vec()
        .iter()
        .map(|d| (d.location.as_ref().map(|l| l.file.display().to_string()).unwrap_or_default(), d.message.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            ("data/tickets.csv".to_string(), "2026-10: no tickets rows in this period although outages has rows: ticket figures have no tickets to count and incident counts read as 0".to_string()),
            ("data/outages.csv".to_string(), format!("2026-11: {expected}")),
        ]
    );
    // `measure` prints the warning under its table.
    let table = slareport::measure::print::table(&november.for_customer("acme"));
    assert!(table.contains(&format!("warning: {expected}")), "{table}");
    // The report of November says it, above its data table.
    let out = tempfile::tempdir().unwrap();
    build(&common::build_options(f.root(), out.path(), "2026-12-10T00:00:00Z")).expect("builds");
    let html = std::fs::read_to_string(out.path().join("acme/2026-11/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let warning = scraper::Selector::parse("section.data p.warning").unwrap();
    let text: Vec<String> = doc.select(&warning).map(|e| e.text().collect::<String>()).collect();
    assert_eq!(text, [format!("Warning: {expected}.")]);
}

#[test]
fn the_provider_overview_adds_up() {
    // The case: an OLA breached, no SLA breached. The OLA objective
    // 99.9 % of 24x7 October (31 days + 1 h for the clock change:
    // 744 h + 1 h = 745 h = 2_682_000 s) allows 2_682 s; the outage of
    // 1 h 30 min (5_400 s) breaches it: (2_682_000 − 5_400) / 2_682_000 = 99.7987 %.
    // The SLA measures business hours (Mon-Fri 08:00-18:00): 22 days x 10 h
    // = 792_000 s; 5_400 s lost: 99.318 %, under 99.5: breached too. So
    // move the SLA objective to 99 to leave only the OLA breached.
    let f = Fixture::valid();
    f.edit("agreements/acme/email.toml", "objective = 99.5", "objective = 99");
    f.edit("agreements/acme/email.toml", "warning = 99.8", "warning = 99.5");
    f.edit("agreements/acme/email.toml", "credits = [{ below = 99.5, percent = 5 }]", "credits = [{ below = 99, percent = 5 }]");
    let prepared = prepare(f.root()).expect("valid site");
    let results = prepared.measure("2026-10".parse::<Period>().unwrap());
    let s = &results.summary;
    assert_eq!(s.breached, 1);
    assert_eq!(s.breaches_by_kind.get("SLA"), Some(&0));
    assert_eq!(s.breaches_by_kind.get("OLA"), Some(&1));
    assert_eq!(s.breaches_by_kind.get("UPC"), Some(&0));
    assert_eq!(s.breaches_supplier + s.breaches_internal + s.breaches_unattributed, 0);
    let out = tempfile::tempdir().unwrap();
    build(&common::build_options(f.root(), out.path(), "2026-11-10T00:00:00Z")).expect("builds");
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let tiles = scraper::Selector::parse(".headline .tile").unwrap();
    let text: Vec<String> = doc.select(&tiles).map(|e| e.text().map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ")).collect();
    assert!(text.contains(&"1 breach of all agreements: 0 of SLAs, 1 of OLAs, 0 of UPCs".to_string()), "{text:?}");
    assert!(text.contains(&"0 SLA breaches: 0 caused by suppliers, 0 by internal teams, 0 unattributed".to_string()), "{text:?}");
}

#[test]
fn every_breakdown_of_the_sample_site_adds_up() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let prepared = prepare(&root).expect("the sample site is valid");
    let mut breaches = 0;
    for month in 1..=10 {
        let results = prepared.measure(format!("2026-{month:02}").parse::<Period>().unwrap());
        for r in std::iter::once(results.clone()).chain(prepared.site.customers().iter().map(|c| results.for_customer(c))) {
            let s = &r.summary;
            assert_eq!(s.met + s.at_risk + s.breached + s.no_data, s.figures, "{}", r.period);
            assert_eq!(s.breaches_by_kind.values().sum::<usize>(), s.breached, "{}", r.period);
            assert_eq!(s.breaches_by_severity.values().sum::<usize>(), s.breached, "{}", r.period);
            assert_eq!(
                s.breaches_supplier + s.breaches_internal + s.breaches_unattributed,
                s.breaches_by_kind["SLA"],
                "{}",
                r.period
            );
        }
        breaches += results.summary.breached;
    }
    // Not vacuous: the sample year has breaches.
    assert!(breaches > 0);
}

#[test]
fn sample_coverage_counts_the_seconds_the_samples_cover_in_the_month() {
    let f = Fixture::valid();
    f.edit("slareport.toml", "[sources.outages]", "[sources.samples]\npath = \"data/samples.csv\"\ninterval = \"60s\"\n\n[sources.outages]");
    // October 2026 in London: 30 Sep 23:00 UTC (BST) to 1 Nov 00:00 UTC (GMT
    // after 25 Oct): 31 days + 1 h = 745 h = 2,682,000 s.
    // - 30 Sep 22:59:30 UTC, before the month: covers its last 30 s in it, is not one of its rows;
    // - ten samples a minute apart from 5 Oct 00:00 UTC: 10 x 60 = 600 s;
    // - 31 Oct 23:59:30 UTC: 30 s to the month's end.
    // Covered 30 + 600 + 30 = 660 s: 100 x 660 / 2,682,000 = 0.0246085 %,
    // kept to six decimals: 0.024609 %. Rows in the month: 10 + 1 = 11.
    let mut csv = String::from("time,service,up,latency_ms\n2026-09-30T22:59:30Z,email,true,10\n");
    for minute in 0..10 {
        csv.push_str(&format!("2026-10-05T00:{minute:02}:00Z,email,true,10\n"));
    }
    csv.push_str("2026-10-31T23:59:30Z,email,false,\n");
    f.write("data/samples.csv", &csv);
    let prepared = prepare(f.root()).expect("valid site");
    let results = prepared.measure("2026-10".parse::<Period>().unwrap());
    let samples = results.data.sources.iter().find(|s| s.source.name() == "samples").unwrap();
    assert_eq!(samples.rows, 11);
    assert_eq!(samples.last_row, Some(common::instant("2026-10-31T23:59:30Z")));
    assert_eq!(samples.coverage.iter().map(|c| (c.service.as_str(), c.percent)).collect::<Vec<_>>(), [("email", 0.024609)]);
}

/// A customer's results list its SLAs' rows and, of the agreements
/// underpinning them, the rows on its own services; an underpinning
/// agreement with no row on them is listed whole.
#[test]
fn a_customer_sees_the_underpinning_rows_of_its_own_services() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let prepared = prepare(&root).expect("the sample site is valid");
    let results = prepared.measure("2026-10".parse::<Period>().unwrap());
    let rows = |r: &slareport::measure::Results, agreement: &str| {
        // Each service once, in the order first listed.
        let mut services: Vec<String> = Vec::new();
        for t in r.targets.iter().filter(|t| t.agreement == agreement) {
            if !services.contains(&t.service) {
                services.push(t.service.clone());
            }
        }
        (r.targets.iter().filter(|t| t.agreement == agreement).count(), services)
    };
    let acme = results.for_customer("acme");
    // acme's SLAs cover email, webmail (acme-email) and erp, payroll
    // (acme-erp), underpinned by cloudmail-upc, network-ola and desk-ola.
    // desk-ola: 4 targets (response P1-P4) on 6 services; acme uses 3 of
    // them (email, erp, payroll): 4 × 3 = 12 rows, not 4 × 6 = 24.
    assert_eq!(rows(&acme, "desk-ola"), (12, vec!["email".into(), "erp".into(), "payroll".into()]));
    // cloudmail-upc: 3 targets, each on one service, all acme's: 3 rows.
    assert_eq!(rows(&acme, "cloudmail-upc").0, 3);
    // network-ola covers vpn and file-share, none of acme's: it underpins
    // email and erp through the network, so all its 6 rows are listed
    // (availability, response-p1, resolution-p2 on 2 services).
    assert_eq!(rows(&acme, "network-ola"), (6, vec!["vpn".into(), "file-share".into()]));
    // The provider's results keep every row: 4 × 6 desk-ola rows.
    assert_eq!(rows(&results, "desk-ola").0, 24);
    // acme's SLA rows are all there: the same as the provider's.
    let slas = |r: &slareport::measure::Results| r.targets.iter().filter(|t| t.party == "acme").count();
    assert_eq!(slas(&acme), slas(&results));
    // An SLA row carries 13 months of trend (its pages draw them); an OLA or
    // UPC row only its own month: no page shows its trend, so a build never
    // measures earlier months for it (a build reading only the new month's
    // files would otherwise have to read every file for rows no page shows).
    use slareport::model::AgreementKind;
    assert!(results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).all(|t| t.trend.len() == 13));
    let underpinning: Vec<_> = results.targets.iter().filter(|t| t.kind != AgreementKind::Sla).collect();
    assert!(!underpinning.is_empty() && underpinning.iter().all(|t| t.trend.len() == 1 && t.trend[0].period == results.period));
}
