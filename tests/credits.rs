//! Service credits as contracts write them: each target's credit from its
//! tiers (and its own `credit_cap`), added up per agreement and capped by the
//! agreement's `credit_cap`, and turned into money when the agreement has a
//! `monthly_charge`. Every expected figure is worked out by hand below.
//!
//! The figures come from `ratio` targets (good / total requests), so each
//! value is a plain fraction: 950 / 1000 = 95 %, 980 / 1000 = 98 %.

mod common;

use std::path::Path;

use common::{assert_at, assert_hint, Fixture};
use scraper::{Html, Selector};
use slareport::build::{build, BuildOptions};
use slareport::measure::results::{AgreementCredit, Results};
use slareport::measure::prepare;
use slareport::period::Period;
use slareport::model::{AgreementKind, Charge};

const SITE: &str = r#"title = "Credit tests"
timezone = "Europe/London"

[customers.acme]
name = "Acme Ltd"

[customers.globex]
name = "Globex Corp"

[sources.counts]
path = "data/counts.csv"
"#;

/// October 2026: e-mail 950 of 1000 good (95 %), web 980 of 1000 (98 %).
/// November 2026 (the month in progress on 23 November): the same.
const COUNTS: &str = "time,service,good,total
2026-10-10T12:00:00Z,email,950,1000
2026-10-10T12:00:00Z,web,980,1000
2026-11-10T12:00:00Z,email,950,1000
2026-11-10T12:00:00Z,web,980,1000
";

/// Two ratio targets, each objective 99 %:
/// - `email-ok`: 95 % is below 99 (5 %) and below 97 (15 %): the most
///   severe tier reached, 15 % (tiers do not add up).
/// - `web-ok`: 98 % is below 99: 10 %.
fn targets(email_cap: &str) -> String {
    format!(
        r#"
[[targets]]
id = "email-ok"
service = "email"
metric = "ratio"
objective = 99
credits = [{{ below = 99, percent = 5 }}, {{ below = 97, percent = 15 }}]
{email_cap}

[[targets]]
id = "web-ok"
service = "web"
metric = "ratio"
objective = 99
credits = [{{ below = 99, percent = 10 }}]
"#
    )
}

/// The SLA of acme, with `head` (agreement-level keys) before its targets.
fn sla(head: &str, targets: &str) -> String {
    format!(
        "id = \"acme-email\"\nkind = \"sla\"\ncustomer = \"acme\"\ntitle = \"Corporate e-mail\"\nversion = \"1\"\n\
         effective = 2026-10-01\nreview_due = 2027-10-01\nservices = [\"email\", \"web\"]\n{head}\n{targets}"
    )
}

/// The UPC under it: vendor promises 99.9 % on e-mail; 95 % is below it: 10 %.
fn upc(head: &str) -> String {
    format!(
        "id = \"vendor-upc\"\nkind = \"upc\"\nsupplier = \"vendor\"\ntitle = \"Mail hosting\"\nversion = \"1\"\n\
         effective = 2026-10-01\nreview_due = 2027-10-01\nservices = [\"email\"]\n{head}\n\n\
         [[targets]]\nid = \"hosting\"\nmetric = \"ratio\"\nobjective = 99.9\ncredits = [{{ below = 99.9, percent = 10 }}]\n"
    )
}

/// A site holding only the given agreement files.
fn site(files: &[(&str, String)]) -> Fixture {
    let f = Fixture::valid();
    f.write("slareport.toml", SITE);
    std::fs::remove_file(f.path("agreements/acme/email.toml")).unwrap();
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    std::fs::remove_file(f.path("data/outages.csv")).unwrap();
    f.write("data/counts.csv", COUNTS);
    for (path, text) in files {
        f.write(path, text);
    }
    f
}

fn measure(f: &Fixture, period: &str) -> Results {
    let prepared = prepare(f.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    prepared.measure(period.parse::<Period>().unwrap())
}

fn credit<'a>(r: &'a Results, agreement: &str) -> &'a AgreementCredit {
    r.credits.iter().find(|c| c.agreement == agreement).unwrap_or_else(|| panic!("no credit of {agreement}: {:?}", r.credits))
}

fn target_amount(r: &Results, target: &str) -> (f64, Option<f64>) {
    let t = r.targets.iter().find(|t| t.target == target).unwrap();
    (t.credit_percent, t.credit_amount)
}

#[test]
fn an_agreement_cap_limits_the_sum_of_its_targets_credits_and_the_amount_is_to_the_cent() {
    let f = site(&[(
        "agreements/acme/email.toml",
        sla("credit_cap = 20\nmonthly_charge = { amount = 12000, currency = \"EUR\" }", &targets("")),
    )]);
    let r = measure(&f, "2026-10");
    // Each target keeps its own credit, and its own amount:
    // 15 % of EUR 12,000 = 12,000 * 15 / 100 = EUR 1,800.00;
    // 10 % of EUR 12,000 = EUR 1,200.00.
    assert_eq!(target_amount(&r, "email-ok"), (15.0, Some(1800.0)));
    assert_eq!(target_amount(&r, "web-ok"), (10.0, Some(1200.0)));
    let c = credit(&r, "acme-email");
    // 15 + 10 = 25 % owed before the agreement's cap; capped at 20 %.
    assert_eq!(c.percent_uncapped, 25.0);
    assert_eq!(c.percent, 20.0);
    assert_eq!(c.cap, Some(20.0));
    assert!(c.capped);
    assert_eq!((c.kind, c.party.as_str()), (AgreementKind::Sla, "acme"));
    // 20 % of EUR 12,000 = 12,000 * 20 / 100 = EUR 2,400.00 (not the 3,000 of 25 %).
    assert_eq!(c.charge, Some(12000.0));
    assert_eq!(c.amount, Some(2400.0));
    assert_eq!(c.currency.as_deref(), Some("EUR"));
    let shares: Vec<(&str, f64, Option<f64>)> = c.targets.iter().map(|t| (t.target.as_str(), t.percent, t.amount)).collect();
    assert_eq!(shares, [("email-ok", 15.0, Some(1800.0)), ("web-ok", 10.0, Some(1200.0))]);
    // The summary adds the capped credits: 20 %, EUR 2,400.00.
    assert_eq!(r.summary.credits_by_customer["acme"], 20.0);
    assert_eq!(r.summary.credit_amounts_by_customer["acme"]["EUR"], 2400.0);
    assert_eq!(r.for_customer("acme").summary.credits_by_customer["acme"], 20.0);

    // The CSV carries each target's own amount and currency in two new last columns.
    let csv = slareport::measure::results::to_csv(&r);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["period", "agreement", "kind"]);
    assert_eq!(header[13], "credit_percent");
    assert_eq!(header[header.len() - 2..], ["credit_amount", "currency"]);
    let email: Vec<&str> = lines.find(|l| l.contains(",email-ok,")).unwrap().split(',').collect();
    assert_eq!(email.len(), header.len());
    assert_eq!((email[13], email[email.len() - 2], email[email.len() - 1]), ("15", "1800.00", "EUR"));
}

#[test]
fn under_the_agreement_cap_the_sum_is_owed_in_full() {
    // credit_cap = 30 at the agreement: 15 + 10 = 25 % is under it, owed in
    // full: 25 % of GBP 999.99 = 99,999 cents * 25 / 100 = 24,999.75 cents,
    // rounded half up to 25,000 cents = GBP 250.00.
    let f = site(&[(
        "agreements/acme/email.toml",
        sla("credit_cap = 30\nmonthly_charge = { amount = 999.99, currency = \"GBP\" }", &targets("")),
    )]);
    let r = measure(&f, "2026-10");
    let c = credit(&r, "acme-email");
    assert_eq!((c.percent_uncapped, c.percent, c.capped), (25.0, 25.0, false));
    assert_eq!(c.amount, Some(250.0));
    // Per target: 15 % of 99,999 cents = 14,999.85 -> 15,000 cents (GBP 150.00);
    // 10 % = 9,999.9 -> 10,000 cents (GBP 100.00).
    assert_eq!(target_amount(&r, "email-ok"), (15.0, Some(150.0)));
    assert_eq!(target_amount(&r, "web-ok"), (10.0, Some(100.0)));
}

#[test]
fn a_target_cap_applies_first_then_the_agreement_cap() {
    // email-ok has credit_cap = 12: its 15 % becomes 12 %. With web-ok's 10 %
    // that is 12 + 10 = 22 %, over the agreement's 20: 20 % is owed, "capped
    // from 22 %". In money: 12 % of EUR 12,000 = EUR 1,440.00 for the target,
    // 20 % = EUR 2,400.00 for the agreement.
    let f = site(&[(
        "agreements/acme/email.toml",
        sla("credit_cap = 20\nmonthly_charge = { amount = 12000, currency = \"EUR\" }", &targets("credit_cap = 12")),
    )]);
    let r = measure(&f, "2026-10");
    assert_eq!(target_amount(&r, "email-ok"), (12.0, Some(1440.0)));
    let c = credit(&r, "acme-email");
    assert_eq!((c.percent_uncapped, c.percent, c.capped), (22.0, 20.0, true));
    assert_eq!(c.amount, Some(2400.0));

    // A target cap alone, no agreement cap: 12 + 10 = 22 % owed, uncapped.
    let f = site(&[("agreements/acme/email.toml", sla("", &targets("credit_cap = 12")))]);
    let c = credit(&measure(&f, "2026-10"), "acme-email").clone();
    assert_eq!((c.percent_uncapped, c.percent, c.cap, c.capped), (22.0, 22.0, None, false));
}

#[test]
fn without_a_charge_credits_are_percentages_only() {
    let f = site(&[("agreements/acme/email.toml", sla("credit_cap = 20", &targets("")))]);
    let r = measure(&f, "2026-10");
    // 15 + 10 = 25 %, capped at 20 %; no charge, so no amount anywhere.
    let c = credit(&r, "acme-email");
    assert_eq!((c.percent_uncapped, c.percent, c.capped), (25.0, 20.0, true));
    assert_eq!((c.charge, c.amount, c.currency.as_deref()), (None, None, None));
    assert_eq!(target_amount(&r, "email-ok"), (15.0, None));
    assert_eq!(r.summary.credits_by_customer["acme"], 20.0);
    assert!(r.summary.credit_amounts_by_customer.is_empty());
    // results.json leaves the per-target amount out (published months keep their form).
    let json = serde_json::to_value(&r).unwrap();
    let t = &json["targets"][0];
    assert!(t.get("credit_amount").is_none() && t.get("currency").is_none(), "{t}");
    assert_eq!(json["credits"][0]["percent"], 20.0);
    // The CSV's two last fields are empty.
    let csv = slareport::measure::results::to_csv(&r);
    assert!(csv.lines().find(|l| l.contains(",email-ok,")).unwrap().ends_with(",,"), "{csv}");
    // The headline says the percent, and never more than the cap.
    assert_eq!(slareport::render::view::credit_text(c), "20% of the monthly charge, capped from 25%");
}

#[test]
fn a_upc_with_a_charge_is_owed_to_us_and_stays_out_of_the_customer_report() {
    let f = site(&[
        ("agreements/acme/email.toml", sla("credit_cap = 20\nmonthly_charge = { amount = 12000, currency = \"EUR\" }", &targets(""))),
        ("agreements/_suppliers/vendor.toml", upc("monthly_charge = { amount = 5000, currency = \"USD\" }")),
    ]);
    let r = measure(&f, "2026-10");
    // The UPC's target: 95 % is below 99.9: 10 % of USD 5,000 = USD 500.00.
    let c = credit(&r, "vendor-upc");
    assert_eq!((c.kind, c.party.as_str()), (AgreementKind::Upc, "vendor"));
    assert_eq!((c.percent, c.capped, c.amount, c.currency.as_deref()), (10.0, false, Some(500.0), Some("USD")));
    // What the supplier owes is not a customer's credit.
    assert_eq!(r.summary.credit_amounts_by_customer.keys().collect::<Vec<_>>(), ["acme"]);
    assert_eq!(r.summary.credit_amounts_by_customer["acme"].keys().collect::<Vec<_>>(), ["EUR"]);
    // The customer's results keep its own SLA credit only.
    let acme = r.for_customer("acme");
    let kept: Vec<&str> = acme.credits.iter().map(|c| c.agreement.as_str()).collect();
    assert_eq!(kept, ["acme-email"]);
    assert!(r.for_customer("globex").credits.is_empty());
    // The provider view lists it separately, owed to us.
    let p = slareport::render::view::provider(&r);
    assert_eq!(p.supplier_credits.len(), 1);
    assert_eq!(p.supplier_credits[0].party, "vendor");
    assert_eq!(p.supplier_credits[0].total, "USD 500.00");
    assert_eq!(p.supplier_credits[0].agreements, ["Mail hosting: 10% of USD 5,000.00 = USD 500.00"]);
    assert_eq!(p.customer_credits[0].total, "EUR 2,400.00");
}

#[test]
fn money_has_the_currency_first_thousands_separators_and_two_decimals() {
    use slareport::render::view::money;
    assert_eq!(money(12000.0, "EUR"), "EUR 12,000.00");
    assert_eq!(money(2400.0, "EUR"), "EUR 2,400.00");
    assert_eq!(money(0.5, "GBP"), "GBP 0.50");
    assert_eq!(money(999.99, "GBP"), "GBP 999.99");
    assert_eq!(money(100.0, "USD"), "USD 100.00");
    // 1,234,567.89: groups of three from the right.
    assert_eq!(money(1_234_567.89, "USD"), "USD 1,234,567.89");
    assert_eq!(money(0.0, "EUR"), "EUR 0.00");
    // Integer cents, rounded half up: 2.5 % of 1 cent = 0.025 cents -> 0;
    // 33.333 % of EUR 100.00 = 10,000 * 33.333 / 100 = 3,333.3 cents -> 3,333;
    // 50 % of 1 cent = 0.5 cents -> 1 (half up).
    let charge = |cents| Charge { cents, currency: "EUR".into() };
    assert_eq!(charge(1).percent_of(2.5), 0);
    assert_eq!(charge(10_000).percent_of(33.333), 3_333);
    assert_eq!(charge(1).percent_of(50.0), 1);
    // The largest charge taken, 10^12 units = 10^14 cents, at 100 %: exact.
    assert_eq!(charge(100_000_000_000_000).percent_of(100.0), 100_000_000_000_000);
    // 0.1 % + 0.2 % of EUR 1,000,000 added in millionths of a percent is
    // exactly 0.3 % = EUR 3,000.00.
    assert_eq!(charge(100_000_000).percent_of(0.3), 300_000);
}

#[test]
fn percentages_add_exactly() {
    // Two targets owing 0.1 % and 0.2 %: 0.3 % in all, not 0.30000000000000004.
    let t = r#"
[[targets]]
id = "email-ok"
service = "email"
metric = "ratio"
objective = 99
credits = [{ below = 99, percent = 0.1 }]

[[targets]]
id = "web-ok"
service = "web"
metric = "ratio"
objective = 99
credits = [{ below = 99, percent = 0.2 }]
"#;
    let f = site(&[("agreements/acme/email.toml", sla("monthly_charge = { amount = 1000000, currency = \"EUR\" }", t))]);
    let r = measure(&f, "2026-10");
    let c = credit(&r, "acme-email");
    assert_eq!(c.percent, 0.3);
    // 0.3 % of EUR 1,000,000 = EUR 3,000.00.
    assert_eq!(c.amount, Some(3000.0));
    assert_eq!(r.summary.credits_by_customer["acme"], 0.3);
}

#[test]
fn an_agreement_owing_nothing_is_not_listed() {
    // 1000 of 1000 on both services: 100 %, met, nothing owed.
    let f = site(&[("agreements/acme/email.toml", sla("credit_cap = 20\nmonthly_charge = { amount = 12000, currency = \"EUR\" }", &targets("")))]);
    f.write("data/counts.csv", "time,service,good,total\n2026-10-10T12:00:00Z,email,1000,1000\n2026-10-10T12:00:00Z,web,1000,1000\n");
    let r = measure(&f, "2026-10");
    assert!(r.credits.is_empty());
    assert_eq!(target_amount(&r, "email-ok"), (0.0, Some(0.0)));
    // The customer is listed, owing 0 %.
    assert_eq!(r.summary.credits_by_customer["acme"], 0.0);
    assert!(r.summary.credit_amounts_by_customer.is_empty());
    assert_eq!(slareport::render::view::report(&r.for_customer("acme"), &[], None, 1).headline.credits, "none");
}

/// 2026-11-23 00:00 UTC: October is complete, November in progress.
const NOW: i64 = 1_795_392_000;

fn select(html: &Html, css: &str) -> Vec<String> {
    html.select(&Selector::parse(css).unwrap()).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn page(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn the_published_pages_show_capped_credits_with_their_amounts() {
    let f = site(&[
        ("agreements/acme/email.toml", sla("credit_cap = 20\nmonthly_charge = { amount = 12000, currency = \"EUR\" }", &targets(""))),
        ("agreements/_suppliers/vendor.toml", upc("monthly_charge = { amount = 5000, currency = \"USD\" }")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        root: f.root().to_path_buf(),
        out: Some(out.path().to_path_buf()),
        period: None,
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(NOW),
        source_date_epoch: Some(NOW),
        progress: false,
    };
    build(&options).unwrap_or_else(|e| panic!("{e:?}"));
    let month = out.path().join("acme/2026-10");

    // The headline: 20 % of EUR 12,000.00 = EUR 2,400.00, never the 25 %.
    let report = page(&month.join("index.html"));
    let headline = select(&report, ".tile.credits li");
    assert_eq!(headline, ["Corporate e-mail: 20% of EUR 12,000.00 = EUR 2,400.00, capped from 25%"]);
    // The single-file twin says the same.
    assert_eq!(select(&page(&month.join("report.html")), ".tile.credits li"), headline);

    // The breach table: each breach's own percent and amount (15 % = EUR
    // 1,800.00, 10 % = EUR 1,200.00), with the agreement's cap.
    let credits: Vec<String> = select(&report, "#breaches td[data-label=Credit]");
    assert_eq!(
        credits,
        [
            "15% of the monthly charge = EUR 1,800.00 (the agreement's credits are capped at 20% in all)",
            "10% of the monthly charge = EUR 1,200.00 (the agreement's credits are capped at 20% in all)",
        ]
    );
    // Nothing of the supplier's credit in the customer's report.
    let text = std::fs::read_to_string(month.join("index.html")).unwrap();
    assert!(!text.contains("USD"), "the customer report shows the supplier's credit");

    // results.json and results.csv carry the amounts.
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(month.join("results.json")).unwrap()).unwrap();
    let listed: Vec<&str> = json["credits"].as_array().unwrap().iter().map(|c| c["agreement"].as_str().unwrap()).collect();
    assert_eq!(listed, ["acme-email"]);
    assert_eq!(json["credits"][0]["amount"], 2400.0);
    assert_eq!(json["credits"][0]["percent_uncapped"], 25.0);
    assert_eq!(json["summary"]["credit_amounts_by_customer"]["acme"]["EUR"], 2400.0);
    let csv = std::fs::read_to_string(month.join("results.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",credit_amount,currency"));
    assert!(csv.lines().any(|l| l.contains(",web-ok,") && l.ends_with(",1200.00,EUR")), "{csv}");

    // The provider overview: per customer the money per currency; the
    // supplier's credit separately, owed to us.
    let index = page(&out.path().join("index.html"));
    let row = select(&index, "table.figures tbody tr").into_iter().find(|r| r.contains("Acme Ltd")).unwrap();
    assert!(row.ends_with("EUR 2,400.00"), "{row}");
    assert_eq!(
        select(&index, "#customer-credits li"),
        ["acme: EUR 2,400.00 (Corporate e-mail: 20% of EUR 12,000.00 = EUR 2,400.00, capped from 25%)"]
    );
    assert_eq!(select(&index, "#supplier-credits li"), ["vendor: USD 500.00 (Mail hosting: 10% of USD 5,000.00 = USD 500.00)"]);

    // The month in progress: what would be owed so far, on the provisional page.
    let to_date = page(&out.path().join("acme/to-date/index.html"));
    assert!(select(&to_date, ".provisional")[0].starts_with("Provisional."));
    assert_eq!(select(&to_date, "ul.credits li"), ["Corporate e-mail: 20% of EUR 12,000.00 = EUR 2,400.00, capped from 25%"]);
}

#[test]
fn titles_in_credit_lines_are_escaped() {
    let f = site(&[(
        "agreements/acme/email.toml",
        sla("credit_cap = 20", &targets("")).replace("Corporate e-mail", "<b>Mail</b> & co"),
    )]);
    let r = measure(&f, "2026-10").for_customer("acme");
    let view = slareport::render::view::report(&r, &[], None, 1);
    let renderer = slareport::render::Renderer::new(f.root(), "default", None).unwrap();
    let site = slareport::render::SiteView { title: "t".into() };
    let customer = slareport::render::CustomerView { id: "acme".into(), name: "Acme".into() };
    let (html, _) = renderer.report(&site, &customer, &view).unwrap();
    assert!(html.contains("&lt;b&gt;Mail&lt;/b&gt; &amp; co: 20% of the monthly charge, capped from 25%"), "{html}");
    assert!(!html.contains("<b>Mail</b>"));
}

// ---- bad input ----

#[test]
fn an_agreement_credit_cap_outside_0_to_100_is_an_error_at_its_line() {
    for cap in ["120", "0", "-5", "nan"] {
        let f = site(&[("agreements/acme/email.toml", sla(&format!("credit_cap = {cap}"), &targets("")))]);
        let e = f.error();
        // Line 9: the 8 header lines, then `head`.
        let shown = if cap == "nan" { "NaN".to_string() } else { cap.to_string() };
        assert_at(&e, "agreements/acme/email.toml", 9, &format!("credit_cap {shown} must be a percentage above 0 and at most 100"));
        assert_hint(&e, "add up to in a month");
    }
    let f = site(&[("agreements/acme/email.toml", sla("credit_cap = \"20\"", &targets("")))]);
    let e = f.error();
    assert_eq!(e.location.as_ref().unwrap().line, Some(9), "{e}");
}

#[test]
fn a_bad_monthly_charge_is_an_error_at_its_line() {
    let cases = [
        ("{ amount = 0, currency = \"EUR\" }", "monthly_charge amount 0 must be above 0 and at most 1000000000000"),
        ("{ amount = -12000, currency = \"EUR\" }", "monthly_charge amount -12000 must be above 0 and at most 1000000000000"),
        ("{ amount = 2e12, currency = \"EUR\" }", "monthly_charge amount 2000000000000 must be above 0 and at most 1000000000000"),
        ("{ amount = 12000.005, currency = \"EUR\" }", "monthly_charge amount 12000.005 has more than 2 decimals"),
        ("{ amount = 12000, currency = \"eur\" }", "monthly_charge currency `eur` is not a 3-letter upper-case code"),
        ("{ amount = 12000, currency = \"EURO\" }", "monthly_charge currency `EURO` is not a 3-letter upper-case code"),
        ("{ amount = 12000, currency = \"€\" }", "monthly_charge currency `€` is not a 3-letter upper-case code"),
    ];
    for (charge, message) in cases {
        let f = site(&[("agreements/acme/email.toml", sla(&format!("monthly_charge = {charge}"), &targets("")))]);
        assert_at(&f.error(), "agreements/acme/email.toml", 9, message);
    }
    // A missing currency, an unknown key: the loader's own errors, on that line.
    for charge in ["{ amount = 12000 }", "{ amount = 12000, currency = \"EUR\", vat = 20 }"] {
        let f = site(&[("agreements/acme/email.toml", sla(&format!("monthly_charge = {charge}"), &targets("")))]);
        let e = f.error();
        assert_eq!(e.location.as_ref().unwrap().line, Some(9), "{e}");
    }
}

#[test]
fn an_ola_has_no_monthly_charge() {
    let ola = "id = \"team-ola\"\nkind = \"ola\"\nteam = \"ops\"\ntitle = \"Ops\"\nversion = \"1\"\neffective = 2026-10-01\n\
               review_due = 2027-10-01\nservices = [\"email\"]\nmonthly_charge = { amount = 100, currency = \"EUR\" }\n";
    let f = site(&[("agreements/acme/email.toml", sla("", &targets(""))), ("agreements/_internal/ops.toml", ola.to_string())]);
    let e = f.error();
    assert_at(&e, "agreements/_internal/ops.toml", 9, "an OLA has no monthly_charge");
    assert_hint(&e, "an SLA (what the customer pays) or a UPC");
    // A UPC may have one (the test above builds a site with one).
}
