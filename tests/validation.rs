//! One broken-site fixture per validation rule: each starts from the valid
//! fixture site, breaks one thing, and asserts the exact file, line and message.

mod common;

use common::{assert_at, assert_hint, render, Fixture};

#[test]
fn the_valid_fixture_has_no_problems() {
    let report = Fixture::valid().check();
    assert!(report.problems.is_empty(), "{}", render(&report.problems.into_vec()));
    let summary = report.summary.expect("a summary");
    assert_eq!(summary.targets, 2);
    assert_eq!(summary.sources.values().next(), Some(&(1, 1)));
}

#[test]
fn unknown_field_in_the_site_config() {
    let site = Fixture::valid();
    site.edit("slareport.toml", "timezone = \"Europe/London\"\n", "timezone = \"Europe/London\"\ntimezon = \"UTC\"\n");
    let e = site.error();
    assert_at(&e, "slareport.toml", 3, "unknown field `timezon`");
    assert_hint(&e, "`timezone`");
    assert_eq!(e.location.unwrap().column, Some(1));
}

#[test]
fn unknown_field_in_a_target() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "objective = 99.5\n", "objective = 99.5\nobjectve = 99.0\n");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 16, "unknown field `objectve`");
    assert_hint(&e, "`objective`");
}

#[test]
fn wrong_type() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "objective = 99.5", "objective = \"99.5%\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 15, "expected a number, found the text \"99.5%\"");
    assert_eq!(e.location.unwrap().column, Some(13));
}

#[test]
fn toml_syntax_error() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "version = \"1\"", "version = \"1");
    let e = site.errors().remove(0);
    assert_eq!(e.location.as_ref().unwrap().line, Some(5), "{e}");
    assert_eq!(e.location.as_ref().unwrap().file, std::path::Path::new("agreements/acme/email.toml"));
}

#[test]
fn unknown_calendar() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "calendar = \"business\"", "calendar = \"busines\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 14, "unknown calendar `busines`");
    assert_hint(&e, "24x7, business");
}

#[test]
fn unknown_service() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "service = \"email\"", "service = \"e-mail\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 12, "unknown service `e-mail`");
    assert_hint(&e, "services: email");
}

#[test]
fn unknown_metric() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "metric = \"availability\"", "metric = \"uptime\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 13, "`uptime` is not one of the allowed values");
    assert_hint(&e, "use one of: `availability`, `latency`");
}

#[test]
fn unknown_agreement_reference() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "[\"network-ola\"]", "[\"netwrok-ola\"]");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 18, "unknown agreement `netwrok-ola` in underpinned_by");
    assert_hint(&e, "network-ola");
}

#[test]
fn an_sla_cannot_underpin() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "[\"network-ola\"]", "[\"acme-email\"]");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 18, "agreement `acme-email` cannot underpin itself");
}

#[test]
fn duplicate_agreement_id() {
    // A second file with the same id is a second version: a copy has the
    // same version and effective date, so it is refused twice.
    let site = Fixture::valid();
    site.write("agreements/acme/email-copy.toml", common::SLA);
    let errors = site.errors();
    assert_eq!(errors.len(), 2, "{}", common::render(&errors));
    // Files are read in name order: email-copy.toml comes first.
    assert_at(&errors[0], "agreements/acme/email.toml", 5, "agreement `acme-email` has version `1` twice");
    assert_hint(&errors[0], "agreements/acme/email-copy.toml:5:11");
    assert_at(&errors[1], "agreements/acme/email.toml", 6, "agreement `acme-email` has two versions effective 2026-01-01");
    assert_hint(&errors[1], "agreements/acme/email-copy.toml:6:13");
}

#[test]
fn duplicate_target_id() {
    let site = Fixture::valid();
    let text = format!(
        "{}\n[[targets]]\nid = \"availability\"\nmetric = \"availability\"\nobjective = 99.0\n",
        common::SLA
    );
    site.write("agreements/acme/email.toml", &text);
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 21, "target id `availability` is used twice in this agreement");
}

#[test]
fn objective_outside_its_metric_range() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "objective = 99.5", "objective = 199.5");
    let errors = site.errors();
    assert_at(&errors[0], "agreements/acme/email.toml", 15, "objective 199.5 is outside the range of availability targets (a percentage from 0 to 100)");
}

#[test]
fn warning_worse_than_objective() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "warning = 99.8", "warning = 99.0");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 16, "warning 99 is worse than the objective 99.5");
}

#[test]
fn credits_on_the_wrong_side() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "below = 99.5", "above = 99.5");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 17, "this target's credits use `below`, not `above`");
}

#[test]
fn effective_after_review_due() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "review_due = 2027-01-01", "review_due = 2025-12-01");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 7, "review_due 2025-12-01 is before effective 2026-01-01");
}

#[test]
fn ids_that_are_not_safe_folder_names() {
    for (bad, why) in [("../x", "contains '.'"), ("a/b", "contains '/'"), ("", "is empty"), ("index", "is a reserved name")] {
        let site = Fixture::valid();
        site.edit("agreements/_internal/network.toml", "id = \"network-ola\"", &format!("id = \"{bad}\""));
        site.edit("agreements/acme/email.toml", "[\"network-ola\"]", "[]");
        let e = site.error();
        assert_at(&e, "agreements/_internal/network.toml", 1, &format!("agreement id `{bad}` {why}"));
        assert_hint(&e, "a-z, 0-9");
    }
}

#[test]
fn unsafe_customer_and_target_ids() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "id = \"availability\"", "id = \"Avail ability\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 11, "target id `Avail ability` contains 'A'");
}

#[test]
fn time_zone_that_does_not_exist() {
    let site = Fixture::valid();
    site.edit("slareport.toml", "Europe/London", "Europe/Londn");
    let e = site.error();
    assert_at(&e, "slareport.toml", 2, "`Europe/Londn` is not a time zone of the IANA database");
    assert_hint(&e, "Europe/London");
}

#[test]
fn calendar_time_zone_that_does_not_exist() {
    let site = Fixture::valid();
    site.edit("slareport.toml", "[calendars.business]\n", "[calendars.business]\ntimezone = \"Mars/Olympus\"\n");
    let e = site.error();
    assert_at(&e, "slareport.toml", 8, "`Mars/Olympus` is not a time zone of the IANA database");
}

#[test]
fn an_sla_outside_its_customers_folder() {
    let site = Fixture::valid();
    std::fs::remove_file(site.path("agreements/acme/email.toml")).unwrap();
    site.write("agreements/globex/email.toml", common::SLA);
    let e = site.error();
    assert_at(&e, "agreements/globex/email.toml", 3, "this SLA is for customer `acme` but lies in agreements/globex/");
}

#[test]
fn options_that_do_not_belong_to_the_metric() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "objective = 99.5\n", "objective = 99.5\nwithin = \"4h\"\n");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 16, "`within` does not apply to availability targets");
}

#[test]
fn a_days_duration_is_refused() {
    let site = Fixture::valid();
    site.write(
        "agreements/acme/email.toml",
        &common::SLA.replace("[[targets]]", "[[targets]]\nid = \"p1\"\nmetric = \"resolution\"\npriority = \"P1\"\nwithin = \"2d\"\nobjective = 95\n\n[[targets]]"),
    );
    site.edit("slareport.toml", "[sources.outages]", "[sources.tickets]\npath = \"data/outages.csv\"\n\n[sources.outages]");
    let errors = site.errors();
    assert_at(&errors[0], "agreements/acme/email.toml", 14, "`2d` uses days, which are ambiguous for business time; write hours instead (e.g. \"40h\")");
}

#[test]
fn a_metric_whose_source_is_not_configured() {
    let site = Fixture::valid();
    site.edit("agreements/acme/email.toml", "metric = \"availability\"", "metric = \"ratio\"");
    let e = site.error();
    assert_at(&e, "agreements/acme/email.toml", 10, "target `availability` is measured from counts, but slareport.toml has no [sources.counts]");
}

#[test]
fn five_different_problems_are_all_reported() {
    let site = Fixture::valid();
    // 1. an unknown field in slareport.toml
    site.edit("slareport.toml", "title = \"Fixture reports\"", "title = \"Fixture reports\"\ncolour = \"blue\"");
    // 2. an unknown calendar and 3. an objective out of range, in the SLA
    site.edit("agreements/acme/email.toml", "calendar = \"business\"", "calendar = \"weekdays\"");
    site.edit("agreements/acme/email.toml", "objective = 99.5", "objective = -1");
    // 4. effective after review_due in the OLA
    site.edit("agreements/_internal/network.toml", "effective = 2026-01-01", "effective = 2027-06-01");
    // 5. a bad timestamp in the data
    site.write("data/outages.csv", "svc,began,ended\nemail,2026-10-05 09:00,yesterday\n");
    let report = site.check();
    let text = render(&report.problems.clone().into_vec());
    let errors: Vec<_> = report.problems.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 5, "{text}");
    let at = |i: usize| {
        let l = errors[i].location.as_ref().unwrap();
        (l.file.to_str().unwrap().to_string(), l.line.unwrap(), errors[i].message.clone())
    };
    let found: Vec<_> = (0..5).map(at).collect();
    let expected = [
        ("slareport.toml", 2, "unknown field `colour`"),
        ("agreements/_internal/network.toml", 7, "review_due 2027-01-01 is before effective 2027-06-01"),
        ("agreements/acme/email.toml", 14, "unknown calendar `weekdays`"),
        ("agreements/acme/email.toml", 15, "objective -1 is outside the range of availability targets (a percentage from 0 to 100)"),
        ("data/outages.csv", 2, "row 2, column `ended`: `yesterday` is not an ISO 8601 timestamp such as 2026-10-01T08:30:00Z, 2026-10-01T09:30:00+01:00 or 2026-10-01 08:30"),
    ];
    for (file, line, message) in expected {
        assert!(found.contains(&(file.to_string(), line, message.to_string())), "missing {file}:{line} {message} in\n{text}");
    }
    assert!(!report.is_clean());
}

#[test]
fn the_sample_site_checks_clean() {
    let report = slareport::check::check(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data"));
    // No error; the two warnings are the rows the sample export sets aside on
    // purpose (generate.py): three incidents without a configuration item
    // and one from a company no SLA names.
    let texts: Vec<String> = report.problems.clone().into_vec().iter().map(|d| format!("{:?} {}", d.level, d.message)).collect();
    assert_eq!(
        texts,
        [
            "Warning tickets: 3 rows set aside, service is empty (rows 19, 1205, 2892; values `?`)",
            "Warning tickets: 1 row set aside, customer is not mapped to an id (row 2402; values `Northwind internal`)",
        ],
        "{}",
        render(&report.problems.clone().into_vec())
    );
    let summary = report.summary.expect("a summary");
    assert_eq!(summary.customers, 3);
    assert_eq!(summary.targets, 46);
    assert_eq!(summary.agreements.values().sum::<usize>(), 10);
}

#[test]
fn values_tables_name_each_bad_mapping_with_its_line() {
    let site = Fixture::valid();
    // Lines 15..=19 of the fixture's slareport.toml once appended (it has 14 lines).
    site.edit(
        "slareport.toml",
        "end = \"ended\" }\n",
        "end = \"ended\" }\n\n[sources.outages.values]\nsvc = { \"Mail\" = \"email\" }\nservice = { \"Mail\" = \"E-mail\", \"Email Service\" = \"email\" }\ncustomer = { \"Acme Ltd\" = \"acme\", \"Globex\" = \"globex\" }\n",
    );
    let mut errors = site.errors();
    assert_eq!(errors.len(), 3, "{}", render(&errors));
    errors.sort_by_key(|e| e.location.as_ref().and_then(|l| l.line));
    // line 17: `svc` is the export's column name, not a canonical column whose values map
    assert_at(&errors[0], "slareport.toml", 17, "sources.outages.values: `svc` is not a column whose values can be mapped");
    assert_hint(&errors[0], "service, priority, customer");
    // line 18: an id holds no capital letters
    assert_at(&errors[1], "slareport.toml", 18, "sources.outages.values.service: `Mail` maps to `E-mail`, which contains 'E'; expected a service id");
    // line 19: `acme` is a customer of the fixture, `globex` is not
    assert_at(&errors[2], "slareport.toml", 19, "sources.outages.values.customer: `Globex` maps to `globex`, which is no customer of the site");
    assert_hint(&errors[2], "customers of this site: acme");
}
