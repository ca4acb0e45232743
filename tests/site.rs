//! The published site as a reader and an auditor see it: pages that agree
//! with results.json, links that resolve, no external requests, byte-for-byte
//! rebuilds, refused changes to published months, revisions, and no markup
//! from input reaching a page.

mod common;

use common::files;

use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use slareport::build::{build, BuildError, BuildOptions};
use slareport::period::Period;

/// 2026-11-23 00:00 UTC.
const NOW: i64 = 1_795_392_000;

fn options(root: &Path, out: &Path, period: Option<&str>) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        period: period.map(|p| p.parse::<Period>().unwrap()),
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(NOW),
        source_date_epoch: Some(NOW),
        progress: false,
    }
}

/// A copy of sample-data in a temporary folder, so tests may edit it.
fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&from).unwrap();
        if rel.starts_with("public") {
            continue;
        }
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}


fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

#[test]
fn the_sample_site_agrees_with_its_results_links_resolve_and_nothing_is_fetched() {
    let out = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let report = build(&options(&sample, out.path(), Some("2026-02"))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.published.len(), 3);
    let all = files(out.path());

    // Each target row shows the value and status of results.json.
    let folder = out.path().join("acme/2026-02");
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("results.json")).unwrap()).unwrap();
    let page = Html::parse_document(&std::fs::read_to_string(folder.join("index.html")).unwrap());
    let rows = select(&page, "#targets tbody tr");
    let slas: Vec<&serde_json::Value> = results["targets"].as_array().unwrap().iter().filter(|t| t["kind"] == "sla").collect();
    assert_eq!(rows.len(), slas.len());
    assert!(rows.len() >= 10);
    for t in &slas {
        let key = format!("{}--{}--{}", t["agreement"].as_str().unwrap(), t["target"].as_str().unwrap(), t["service"].as_str().unwrap());
        let row = rows.iter().find(|r| r.value().attr("data-target") == Some(key.as_str())).unwrap_or_else(|| panic!("no row {key}"));
        let cells: Vec<String> = select_in(row, "td").iter().map(text).collect();
        let value = slareport::measure::format::format_value(t["value"].as_f64(), t["unit"].as_str().unwrap());
        assert_eq!(cells[3], value, "{key}");
        let status = t["status"].as_str().unwrap().replace('_', " ");
        assert!(cells[5].ends_with(&status), "{key}: {} vs {status}", cells[5]);
    }
    // The planted February e-mail outage: 96.188 %, breached.
    let email = rows.iter().find(|r| r.value().attr("data-target") == Some("acme-email--availability--email")).unwrap();
    assert_eq!(text(&select_in(email, "td.value")[0]), "96.188%");

    // Every relative link and image of every page resolves to a file.
    for (path, bytes) in &all {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for (css, attr) in [("a[href]", "href"), ("img[src]", "src"), ("link[href]", "href"), ("script[src]", "src")] {
            for e in select(&html, css) {
                let target = e.value().attr(attr).unwrap();
                assert!(!target.contains("://") && !target.starts_with("//"), "{}: external {target}", path.display());
                let target = target.split('#').next().unwrap();
                if target.is_empty() {
                    continue;
                }
                let resolved = normalise(&path.parent().unwrap().join(target));
                assert!(all.contains_key(&resolved), "{}: {target} does not resolve", path.display());
            }
        }
    }

    // report.html is self-contained: inline CSS and SVG, no URL at all.
    let single = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let html = Html::parse_document(&single);
    assert!(select(&html, "link, script, img, iframe").is_empty());
    assert!(!select(&html, "style").is_empty());
    assert!(select(&html, "figure svg").len() >= 10);
    assert!(!single.contains("http://") && !single.contains("https://") || only_namespaces(&single));

    // The provider overview sums up every agreement of the month; it lives
    // only at the top of the site.
    let overview = String::from_utf8(all[Path::new("index.html")].clone()).unwrap();
    assert!(overview.contains("All agreements, February 2026"), "{overview}");
    // The UPC counts only its own outages (February: 28 d = 2_419_200 s;
    // 09:20-15:20 on the 10th = 21_600 s and 06:06:49-06:09:39 on the 23rd =
    // 170 s, not the network's 09:05-09:20 nor the uncaused 100 s):
    // (2_419_200 - 21_770) / 2_419_200 = 99.1001 %, shown as 99.1%.
    assert!(overview.contains("cloudmail-upc (UPC, cloudmail): availability on email was 99.1%"), "{overview}");
    assert!(!all.keys().any(|p| p.starts_with("acme") && p.file_name().unwrap() == "index.html" && all[p] == all[Path::new("index.html")]));

    // A customer's folder holds nothing about another customer.
    for (path, bytes) in &all {
        if path.starts_with("acme") {
            let t = String::from_utf8_lossy(bytes);
            assert!(!t.contains("globex") && !t.contains("initech") && !t.contains("Globex"), "{}", path.display());
        }
    }
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&Selector::parse(css).unwrap()).collect()
}

/// The only URLs allowed in a page are XML namespace names in inline SVG.
fn only_namespaces(text: &str) -> bool {
    text.match_indices("http").all(|(i, _)| text[i..].starts_with("http://www.w3.org/"))
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn building_twice_gives_the_same_bytes() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build(&options(&sample, a.path(), Some("2026-10"))).unwrap_or_else(|e| panic!("{e:?}"));
    build(&options(&sample, b.path(), Some("2026-10"))).unwrap_or_else(|e| panic!("{e:?}"));
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{} differs", path.display());
    }
    // Building again into the same folder keeps the published month untouched.
    let before = files(a.path());
    let again = build(&options(&sample, a.path(), Some("2026-10"))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((again.published.len(), again.kept), (0, 3));
    let after = files(a.path());
    for (path, bytes) in &before {
        assert!(after.get(path) == Some(bytes), "{} changed", path.display());
    }
    assert_eq!(before.len(), after.len());
}

#[test]
fn a_changed_row_of_a_published_month_is_refused_until_revised() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    build(&options(site.path(), out.path(), Some("2026-07"))).unwrap_or_else(|e| panic!("{e:?}"));
    let first = files(out.path());
    // Move the end of the July VPN outage ten minutes later.
    let csv = site.path().join("data/outages.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let line = text.lines().find(|l| l.contains(",vpn,2026-07-14T03:10")).expect("the planted VPN outage").to_string();
    let fields: Vec<&str> = line.split(',').collect();
    let later = fields[3].replace("05:55", "06:05");
    assert_ne!(later, fields[3]);
    std::fs::write(&csv, text.replace(&line, &line.replace(fields[3], &later))).unwrap();

    let refused = build(&options(site.path(), out.path(), Some("2026-07")));
    let Err(BuildError::Refused(reasons)) = refused else { panic!("not refused: {refused:?}") };
    // Ten more minutes down (600 s) of July's 744 h = 2,678,400 s (24x7)
    // take 600 / 2,678,400 = 0.0224 points off: 99.41% -> 99.388%. The
    // refusal names the figure, old and new, and its credit.
    let globex = reasons.iter().find(|r| r.starts_with("globex/2026-07 is published (revision 1) and would change:")).expect("globex refused");
    assert!(globex.contains("  - globex-workplace/vpn-availability (vpn): 99.41% -> 99.388%, credit 10% -> 10%"), "{globex}");
    assert!(globex.contains("  - measurement rows behind the period changed"), "{globex}");
    // Nothing was written.
    assert_eq!(first, files(out.path()));

    let mut revise = options(site.path(), out.path(), Some("2026-07"));
    revise.revise = true;
    let report = build(&revise).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(report.published.contains(&("globex".to_string(), "2026-07".parse().unwrap(), 2)));
    let after = files(out.path());
    // Revision 1 is still there, byte for byte; revision 2 beside it.
    for (path, bytes) in &first {
        if path.starts_with("globex/2026-07") {
            assert_eq!(&after[path], bytes, "{}", path.display());
        }
    }
    assert!(after.contains_key(Path::new("globex/2026-07-r2/index.html")));
    let index = String::from_utf8(after[Path::new("globex/index.html")].clone()).unwrap();
    assert!(index.contains("2026-07-r2/index.html") && index.contains("2026-07/index.html"), "{index}");
}

#[test]
fn markup_in_notes_and_agreement_titles_never_reaches_a_page() {
    let site = sample_copy();
    let sla = site.path().join("agreements/acme/email.toml");
    let text = std::fs::read_to_string(&sla).unwrap();
    std::fs::write(&sla, text.replace("title = \"Corporate e-mail\"", "title = \"<script>alert('t')</script> e-mail\"")).unwrap();
    let note = site.path().join("notes/acme/2026-10.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(
        &note,
        format!("{text}\n<script>alert('n')</script>\n\n[bad](javascript:alert('l')) <a href=\"javascript:alert(2)\" onclick=\"x()\">y</a>\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(&options(site.path(), out.path(), Some("2026-10"))).unwrap_or_else(|e| panic!("{e:?}"));
    for name in ["index.html", "report.html"] {
        let page = std::fs::read_to_string(out.path().join("acme/2026-10").join(name)).unwrap();
        assert!(!page.contains("<script"), "{name}");
        assert!(!page.contains("javascript:"), "{name}");
        assert!(!page.contains("onclick"), "{name}");
        assert!(page.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; e-mail"), "{name}: title escaped as text");
    }
}

#[test]
fn a_sites_own_theme_overrides_a_template_by_name() {
    let site = common::Fixture::valid();
    let text = std::fs::read_to_string(site.path("slareport.toml")).unwrap();
    site.write("slareport.toml", &text.replace("timezone = \"Europe/London\"", "timezone = \"Europe/London\"\ntheme = \"house\""));
    site.write(
        "themes/house/templates/base.html",
        "<!DOCTYPE html><html lang=\"en\"><head><title>{% block title %}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}<p class=\"house\">House style</p></body></html>",
    );
    site.write("themes/house/style.css", "body { color: black; }");
    let out = tempfile::tempdir().unwrap();
    let report = build(&options(site.root(), out.path(), Some("2026-10"))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.published.len(), 1);
    let page = std::fs::read_to_string(out.path().join("acme/2026-10/index.html")).unwrap();
    assert!(page.contains("<p class=\"house\">House style</p>"));
    // The other templates still come from the built-in theme.
    assert!(page.contains("Service report: Acme Ltd, October 2026"));
    assert_eq!(std::fs::read_to_string(out.path().join("acme/2026-10/style.css")).unwrap(), "body { color: black; }");
}

/// results.json and manifest.json are written compact (one line): results.json
/// holds exactly the figures `measure` computes for the customer, and a month
/// published before, with an indented results.json, is kept as it is.
#[test]
fn results_json_is_compact_and_holds_the_measured_figures() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    build(&options(site.path(), out.path(), Some("2026-02"))).unwrap_or_else(|e| panic!("{e:?}"));
    let folder = out.path().join("acme/2026-02");
    for name in ["results.json", "manifest.json"] {
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        assert!(text.ends_with("}\n") && text.lines().count() == 1, "{name} is not one line");
    }
    let published: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(folder.join("results.json")).unwrap()).unwrap();
    let prepared = slareport::measure::prepare(site.path()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
    let measured = prepared.measure("2026-02".parse().unwrap()).for_customer("acme");
    // Both read back from text, as every reader of results.json does.
    let measured: serde_json::Value = serde_json::from_str(&serde_json::to_string_pretty(&measured).unwrap()).unwrap();
    assert_eq!(published, measured);

    // The month as an earlier build published it (indented). Another site
    // title makes the next build measure it again and compare its figures:
    // the same, so it is kept, byte for byte.
    std::fs::write(folder.join("results.json"), format!("{}\n", serde_json::to_string_pretty(&published).unwrap())).unwrap();
    let month = |all: std::collections::BTreeMap<PathBuf, Vec<u8>>| all.into_iter().filter(|(p, _)| p.starts_with("acme/2026-02")).collect::<Vec<_>>();
    let before = month(files(out.path()));
    let config = site.path().join("slareport.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("title = \"Northwind IT — service reports\"", "title = \"Northwind IT — reports\"")).unwrap();
    let again = build(&options(site.path(), out.path(), Some("2026-02"))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again.measured, vec!["2026-02".parse::<Period>().unwrap()]);
    assert_eq!((again.published.len(), again.kept), (0, 3));
    assert_eq!(before, month(files(out.path())));
}

/// A month published under an earlier rule of the rows digest (`rows-v3`,
/// which fed every sample value by value) cannot be vouched for by its
/// digest: it is measured again, its figures compare the same, and it is
/// kept byte for byte, its manifest included.
#[test]
fn a_month_published_under_an_earlier_rows_digest_rule_is_compared_and_kept() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    let feb: Period = "2026-02".parse().unwrap();
    build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    let month = |all: std::collections::BTreeMap<PathBuf, Vec<u8>>| all.into_iter().filter(|(p, _)| p.starts_with("acme/2026-02")).collect::<Vec<_>>();
    // Nothing changed: February is kept without being measured.
    let again = build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!again.measured.contains(&feb), "{:?}", again.measured);
    // acme's digest as the earlier rule wrote it: its rule's name and another hash.
    let manifest = out.path().join("acme/2026-02/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let rule = format!("\"rows\":\"{}:", slareport::measure::data::ROWS_DIGEST_RULE);
    let at = text.find(&rule).unwrap_or_else(|| panic!("{text}"));
    let old = format!("{}\"rows\":\"rows-v3:{}{}", &text[..at], "0".repeat(64), &text[at + rule.len() + 64..]);
    std::fs::write(&manifest, &old).unwrap();
    // February's digest is of an earlier rule: February is measured and
    // compared figure by figure.
    reorder_outage_rows(site.path(), false);
    let before = month(files(out.path()));
    let again = build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(again.measured.contains(&feb), "{:?}", again.measured);
    assert!(again.published.is_empty(), "{:?}", again.published);
    assert_eq!(before, month(files(out.path())));
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), old);
}

/// The rows digest of `customer`'s published `period` worked out again from
/// the site's data, under the current rule and under `rows-v4`: over the
/// services of the SLA rows of its results.json.
fn rows_digests(site: &Path, out: &Path, customer: &str, period: Period) -> (String, String) {
    let folder = out.join(customer).join(period.to_string());
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("results.json")).unwrap()).unwrap();
    let services: Vec<&str> = results["targets"].as_array().unwrap().iter().filter(|t| t["kind"] == "sla").map(|t| t["service"].as_str().unwrap()).collect();
    let prepared = slareport::measure::prepare(site).unwrap_or_else(|e| panic!("{e:?}"));
    let (start, end) = period.bounds(prepared.site.config.timezone);
    let now = prepared.data.rows_digest(&services, Some(customer), start, end);
    let v4 = prepared.data.rows_digest_as(slareport::measure::data::DigestRule::V4, &services, Some(customer), start, end);
    (now, v4)
}

/// The outage export rewritten with its rows in another order (reversed,
/// or with the first row moved to the end): the same rows, other bytes, so
/// no snapshot vouches for the file and each month it bears on is checked
/// by its rows digest.
fn reorder_outage_rows(site: &Path, rotate: bool) {
    let outages = site.join("data/outages.csv");
    let csv = std::fs::read_to_string(&outages).unwrap();
    let (header, rows) = csv.split_once('\n').unwrap();
    let mut rows: Vec<&str> = rows.lines().collect();
    assert!(rows.len() >= 3);
    if rotate {
        rows.rotate_left(1);
    } else {
        rows.reverse();
    }
    std::fs::write(&outages, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
}

/// A month published under `rows-v4` (samples hashed at 25 bytes each),
/// a rule this version still works out, is vouched for by that digest: it
/// is kept without being measured, its manifest as it was. A `rows-v4`
/// digest of other rows vouches for nothing: the month is measured, its
/// rows compared under `rows-v4`, and the build refused.
#[test]
fn a_month_published_under_rows_v4_is_checked_under_its_own_rule() {
    use slareport::measure::data::DigestRule;
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    let feb: Period = "2026-02".parse().unwrap();
    build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    // acme's February digest worked out again, under both rules.
    let (now, v4) = rows_digests(site.path(), out.path(), "acme", feb);
    let manifest = out.path().join("acme/2026-02/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(now.starts_with("rows-v5:") && text.contains(&format!("\"rows\":\"{now}\"")), "{now} in {text}");
    assert!(v4.starts_with("rows-v4:") && v4[8..] != now[8..], "{v4}");
    assert_eq!(DigestRule::of(&v4), Some(DigestRule::V4));
    assert_eq!(DigestRule::of("rows-v3:00"), None);
    let month = |all: std::collections::BTreeMap<PathBuf, Vec<u8>>| all.into_iter().filter(|(p, _)| p.starts_with("acme/2026-02")).collect::<Vec<_>>();
    // February as published under rows-v4: vouched for by that digest.
    let as_v4 = text.replace(&now, &v4);
    std::fs::write(&manifest, &as_v4).unwrap();
    reorder_outage_rows(site.path(), false);
    let before = month(files(out.path()));
    let again = build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!again.measured.contains(&feb), "{:?}", again.measured);
    assert!(again.published.is_empty(), "{:?}", again.published);
    assert_eq!(before, month(files(out.path())));
    // A rows-v4 digest of other rows: measured and compared under rows-v4,
    // its figures the same but its rows not: refused, nothing written.
    let other = text.replace(&now, &format!("rows-v4:{}", "0".repeat(64)));
    std::fs::write(&manifest, &other).unwrap();
    reorder_outage_rows(site.path(), true);
    let before = files(out.path());
    let refused = build(&options(site.path(), out.path(), None));
    let Err(BuildError::Refused(reasons)) = refused else { panic!("not refused: {refused:?}") };
    assert_eq!(reasons, ["acme/2026-02 is published (revision 1) and would change:\n  - measurement rows behind the period changed\n  run `slareport build --revise` to publish revision 2 beside it"]);
    assert_eq!(before, files(out.path()));
}

/// A changed row of a month published under `rows-v4` is named as such: the
/// rows are compared under the rule the month was published with.
#[test]
fn a_changed_row_of_a_month_published_under_rows_v4_is_named_in_the_refusal() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    build(&options(site.path(), out.path(), Some("2026-07"))).unwrap_or_else(|e| panic!("{e:?}"));
    // globex's July as published under rows-v4 (its digest worked out under that rule).
    let (now, v4) = rows_digests(site.path(), out.path(), "globex", "2026-07".parse().unwrap());
    let manifest = out.path().join("globex/2026-07/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains(&now), "{now} in {text}");
    std::fs::write(&manifest, text.replace(&now, &v4)).unwrap();
    // The end of the July VPN outage ten minutes later (as in
    // `a_changed_row_of_a_published_month_is_refused_until_revised`).
    let csv = site.path().join("data/outages.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let line = text.lines().find(|l| l.contains(",vpn,2026-07-14T03:10")).expect("the planted VPN outage").to_string();
    std::fs::write(&csv, text.replace(&line, &line.replace("05:55", "06:05"))).unwrap();
    let refused = build(&options(site.path(), out.path(), Some("2026-07")));
    let Err(BuildError::Refused(reasons)) = refused else { panic!("not refused: {refused:?}") };
    let globex = reasons.iter().find(|r| r.starts_with("globex/2026-07 is published (revision 1) and would change:")).expect("globex refused");
    assert!(globex.contains("  - globex-workplace/vpn-availability (vpn): 99.41% -> 99.388%, credit 10% -> 10%"), "{globex}");
    assert!(globex.contains("  - measurement rows behind the period changed"), "{globex}");
}

/// A month published by the version before this one, whose OLA and UPC
/// rows listed their days and tickets and whose folder held its charts as
/// files, is measured again when a setting behind it changes, its figures
/// compare the same (the lists of those rows are no change), and it
/// is kept byte for byte: its results.json, its charts and its manifest.
#[test]
fn a_month_published_with_chart_files_and_underpinning_lists_is_kept_byte_for_byte() {
    let site = sample_copy();
    let out = tempfile::tempdir().unwrap();
    let feb: Period = "2026-02".parse().unwrap();
    build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    let month = |all: std::collections::BTreeMap<PathBuf, Vec<u8>>| all.into_iter().filter(|(p, _)| p.starts_with("acme/2026-02/")).collect::<Vec<_>>();
    // February as the earlier version wrote it: every OLA and UPC row with
    // a day list and a ticket list, and a chart file beside the pages.
    let folder = out.path().join("acme/2026-02");
    let mut results: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("results.json")).unwrap()).unwrap();
    let mut underpinning = 0;
    for t in results["targets"].as_array_mut().unwrap() {
        if t["kind"] != "sla" {
            t["daily"] = serde_json::json!([{"date": "2026-02-01", "value": 100.0, "status": "met"}]);
            t["tickets"] = serde_json::json!([{"id": "INC0000001", "elapsed_seconds": 60.0, "within": true, "cause": null}]);
            underpinning += 1;
        }
    }
    assert!(underpinning > 0, "acme's February has OLA or UPC rows");
    std::fs::write(folder.join("results.json"), format!("{}\n", serde_json::to_string(&results).unwrap())).unwrap();
    std::fs::create_dir_all(folder.join("charts")).unwrap();
    std::fs::write(folder.join("charts/acme-email--availability--email-trend.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    // Another title in slareport.toml: the settings behind every month
    // changed, so February is measured again and compared figure by figure.
    let config = site.path().join("slareport.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replacen("title = \"", "title = \"Retitled ", 1)).unwrap();
    let before = month(files(out.path()));
    assert!(before.iter().any(|(p, _)| p.ends_with("charts/acme-email--availability--email-trend.svg")));
    let again = build(&options(site.path(), out.path(), None)).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(again.measured.contains(&feb), "{:?}", again.measured);
    assert!(again.published.is_empty(), "{:?}", again.published);
    assert_eq!(before, month(files(out.path())));
}

/// The trend column of the targets table shows one glyph a month, coloured
/// by its status; neighbours of one status share an element.
#[test]
fn the_trend_column_shows_a_glyph_a_month_in_its_status_colour() {
    let out = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    build(&options(&sample, out.path(), Some("2026-02"))).unwrap_or_else(|e| panic!("{e:?}"));
    let page = Html::parse_document(&std::fs::read_to_string(out.path().join("acme/2026-02/index.html")).unwrap());
    let glyph = |status: &str| match status {
        "met" => '●',
        "at_risk" => '◇',
        "breached" => '▲',
        "no_data" => '·',
        _ => '○',
    };
    for cell in select(&page, "#targets td.trend") {
        let runs: Vec<(String, String)> = select_in(&cell, "span").iter().map(|s| (s.value().attr("class").unwrap().to_string(), text(s))).collect();
        assert!(runs.windows(2).all(|w| w[0].0 != w[1].0), "{runs:?}");
        let months: Vec<&str> = cell.value().attr("title").unwrap().split(", ").collect();
        assert_eq!(months.len(), 13);
        let shown: String = runs.iter().map(|(_, glyphs)| glyphs.as_str()).collect();
        let expected: String = runs.iter().flat_map(|(class, glyphs)| std::iter::repeat_n(glyph(class), glyphs.chars().count())).collect();
        assert_eq!(shown, expected);
        assert_eq!(shown.chars().count(), 13);
        // Each glyph agrees with the month's status in words.
        for (g, month) in shown.chars().zip(&months) {
            let status = month.split_once(' ').unwrap().1.replace(' ', "_");
            assert_eq!(g, glyph(&status), "{month}");
        }
    }
}

/// Every figure behind a target's charts is on report.html as text: a trend
/// chart's `<desc>` names every month's figure and status (they are on the
/// page nowhere else); the list of days under a day chart every day, with
/// its status when it was not met; the ticket table every ticket decided. index.html shows
/// no chart: each target of its table links to the target's card in
/// report.html.
#[test]
fn every_figure_behind_a_chart_is_in_the_report_as_text_and_the_month_page_links_to_it() {
    let out = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    build(&options(&sample, out.path(), Some("2026-02"))).unwrap_or_else(|e| panic!("{e:?}"));
    let folder = out.path().join("acme/2026-02");
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(folder.join("results.json")).unwrap()).unwrap();
    let page = Html::parse_document(&std::fs::read_to_string(folder.join("report.html")).unwrap());
    let (mut daily, mut tickets, mut trends) = (0, 0, 0);
    let mut cards = Vec::new();
    for card in select(&page, "article.target") {
        let key = card.value().attr("id").unwrap();
        cards.push(key.to_string());
        let t = results["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| format!("{}--{}--{}", t["agreement"].as_str().unwrap(), t["target"].as_str().unwrap(), t["service"].as_str().unwrap()) == key)
            .unwrap_or_else(|| panic!("no target {key}"));
        let title = format!("{} / {} ({})", t["agreement"].as_str().unwrap(), t["target"].as_str().unwrap(), t["service"].as_str().unwrap());
        let table_rows = |summary: &str| -> Vec<Vec<String>> {
            let details = select_in(&card, "details").into_iter().find(|d| text(&select_in(d, "summary")[0]).starts_with(summary)).unwrap_or_else(|| panic!("{key}: no table {summary}"));
            select_in(&details, "tbody tr").iter().map(|r| select_in(r, "td").iter().map(text).collect()).collect()
        };
        for figure in select_in(&card, "figure.chart") {
            let class = figure.value().attr("class").unwrap();
            let svg = &select_in(&figure, "svg")[0];
            assert_eq!(svg.value().attr("role"), Some("img"), "{key}");
            let chart_title = text(&select_in(svg, "title")[0]);
            let desc = text(&select_in(svg, "desc")[0]);
            assert!(chart_title.starts_with(&title), "{key}: {chart_title}");
            if class.ends_with(" daily") {
                daily += 1;
                assert_eq!(chart_title, format!("{title}: availability by day"));
                // The chart sums the days up and points to the list under it.
                assert!(desc.ends_with(". Each day is listed under the chart."), "{key}: {desc}");
                let details = select_in(&card, "details").into_iter().find(|d| text(&select_in(d, "summary")[0]).starts_with("Availability by day")).unwrap_or_else(|| panic!("{key}: no list of days"));
                let list = text(&select_in(&details, "p.days")[0]);
                let entries: Vec<&str> = list.strip_suffix('.').unwrap().split(", ").collect();
                let days = t["daily"].as_array().unwrap();
                assert_eq!(entries.len(), days.len(), "{key}");
                for (entry, d) in entries.iter().zip(days) {
                    // "DD value", and the status when the day was not met:
                    // "10 37.5% (breached)", no-break spaces within.
                    let day = &d["date"].as_str().unwrap()[8..];
                    let value = slareport::measure::format::format_value(d["value"].as_f64(), "%");
                    let expected = match d["status"].as_str().unwrap() {
                        "met" | "no_data" => format!("{day}\u{a0}{value}"),
                        other => format!("{day}\u{a0}{value}\u{a0}({})", other.replace('_', " ")),
                    };
                    assert_eq!(*entry, expected, "{key}");
                }
            } else if class.ends_with(" tickets") {
                tickets += 1;
                assert_eq!(chart_title, format!("{title}: business hours per ticket"));
                let rows = table_rows("Tickets decided this month");
                let decided = t["tickets"].as_array().unwrap();
                assert_eq!(rows.len(), decided.len(), "{key}");
                for (row, d) in rows.iter().zip(decided) {
                    assert_eq!(row[0], d["id"].as_str().unwrap());
                    let taken = d["elapsed_seconds"].as_f64().map_or("still open".to_string(), slareport::render::view::duration);
                    assert_eq!(row[1], taken, "{key} {row:?}");
                    assert_eq!(row[2], if d["within"].as_bool().unwrap() { "yes" } else { "no" });
                }
            } else {
                trends += 1;
                assert!(class.ends_with(" trend"), "{class}");
                // Every month of the 13, with its figure and status.
                assert_eq!(desc.matches("; ").count(), 12, "{key}: {desc}");
                let value = slareport::measure::format::format_value(t["value"].as_f64(), t["unit"].as_str().unwrap());
                assert!(desc.ends_with(&format!("2026-02 {value} ({}).", t["status"].as_str().unwrap().replace('_', " "))), "{key}: {desc}");
            }
        }
    }
    assert!(daily >= 4 && tickets >= 3 && trends >= 10, "{daily} {tickets} {trends}");

    // index.html: no chart, no card; each row of the targets table links
    // to its card in report.html, every card once.
    let index = Html::parse_document(&std::fs::read_to_string(folder.join("index.html")).unwrap());
    assert!(select(&index, "svg, img, article.target").is_empty());
    let links: Vec<String> = select(&index, "#targets tbody tr td:first-child a").iter().map(|a| a.value().attr("href").unwrap().to_string()).collect();
    assert_eq!(links, cards.iter().map(|k| format!("report.html#{k}")).collect::<Vec<_>>());
    assert!(!folder.join("charts").exists(), "no chart is written as a file of its own");
}
