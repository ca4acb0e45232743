//! `slareport check`: load the site and read every source, reporting every
//! problem and what was loaded.
//!
//! Beyond what `load` and `scan` refuse, `check` warns about data that would
//! quietly go unreported: rows for services no agreement names, and causes
//! that name no OLA or UPC.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{load_site, CONFIG_FILE};
use crate::measure::data::Builder;
use crate::model::{AgreementKind, Site, SiteConfig, SourceKind};
use crate::scan::{Chunking, Part, SetAside, SetAsideReason};

/// What `check` found.
#[derive(Debug)]
pub struct Report {
    pub root: PathBuf,
    pub problems: Diagnostics,
    /// What was loaded, when the site itself loaded.
    pub summary: Option<Summary>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        !self.problems.has_errors()
    }
}

/// Counts of what a site holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub customers: usize,
    pub agreements: BTreeMap<AgreementKind, usize>,
    pub targets: usize,
    /// Per source: files read and rows.
    pub sources: BTreeMap<SourceKind, (usize, usize)>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: usize = self.agreements.values().sum();
        let kinds: Vec<String> = self
            .agreements
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        let plural = crate::measure::format::plural;
        writeln!(
            f,
            "loaded {} ({}) with {} for {}",
            plural(total, "agreement", "agreements"),
            kinds.join(", "),
            plural(self.targets, "target", "targets"),
            plural(self.customers, "customer", "customers")
        )?;
        for (kind, (files, rows)) in &self.sources {
            let files = if *files == 1 { "1 file".to_string() } else { format!("{files} files") };
            writeln!(f, "  {kind:<8} {rows:>10} rows  ({files})")?;
        }
        Ok(())
    }
}

/// `corrections.toml`: each entry well formed, and naming a row the exports
/// have (`data`: the measurements arranged, when they could be).
fn check_corrections(site: &Site, data: Option<&crate::measure::Data>) -> Diagnostics {
    let (corrections, mut problems) = crate::load::corrections::load_corrections(site);
    if corrections.is_empty() {
        return problems;
    }
    let Some(mut data) = data.cloned() else { return problems };
    let (_, unmatched) = crate::measure::corrections::apply(&mut data, &corrections);
    for c in unmatched {
        problems.push(crate::measure::corrections::unmatched(&c));
    }
    problems
}

/// Month by month over the span of the data, a source with no rows in a
/// month where another source has rows (the report's data section warns the
/// same way): an outage export that did not arrive reads as 100 %.
fn check_completeness(site: &Site, data: &crate::measure::Data) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let (Some(first), Some(last)) = (data.first_instant(), data.last_instant()) else { return problems };
    let tz = site.config.timezone;
    let month_of = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| crate::period::Period::of(d.with_timezone(&tz).date_naive()));
    let (Some(mut period), Some(end)) = (month_of(first), month_of(last)) else { return problems };
    while period <= end {
        let (start, stop) = period.bounds(tz);
        let site = site.in_force(period);
        for warning in crate::measure::completeness::Completeness::measure(&site, data, start, stop).warnings() {
            let source = warning.split_whitespace().nth(1).unwrap_or_default().to_string();
            let file = site.config.sources.iter().find(|(k, _)| k.name() == source).map(|(_, s)| s.path.clone());
            let mut d = Diagnostic::warning(format!("{period}: {warning}"));
            if let Some(file) = file {
                d = d.in_file(file);
            }
            problems.push(d.with_hint("the report of the month says so too; check that the export covers the month"));
        }
        period = period.next();
    }
    problems
}

/// What `check` keeps of a source as its parts stream by: enough for its
/// warnings and summary, never the rows themselves.
#[derive(Debug, Default)]
struct Tally {
    /// The files read, in reading order.
    files: Vec<PathBuf>,
    rows: usize,
    /// Rows per service.
    services: BTreeMap<String, usize>,
    /// Rows per cause, when the kind has causes.
    causes: Option<BTreeMap<String, usize>>,
    /// Rows per (customer, service), when both are given.
    pairs: BTreeMap<(String, String), usize>,
    set_aside: Vec<SetAside>,
}

impl Tally {
    fn add(&mut self, part: &Part) {
        if self.files.last() != Some(&part.file) {
            self.files.push(part.file.clone());
        }
        self.rows += part.frame.height();
        self.set_aside.extend(part.set_aside.iter().cloned());
        let text = |name: &str| part.frame.column(name).ok().and_then(|c| c.str().ok().cloned());
        if let Some(services) = text("service") {
            for s in services.iter().flatten() {
                *self.services.entry(s.to_string()).or_insert(0) += 1;
            }
            if let Some(customers) = text("customer") {
                for (c, s) in customers.iter().zip(services.iter()) {
                    if let (Some(c), Some(s)) = (c, s) {
                        *self.pairs.entry((c.to_string(), s.to_string())).or_insert(0) += 1;
                    }
                }
            }
        }
        if part.frame.column("cause").is_ok() {
            let causes = self.causes.get_or_insert_with(BTreeMap::new);
            for c in text("cause").iter().flat_map(|c| c.iter().flatten()) {
                *causes.entry(c.to_string()).or_insert(0) += 1;
            }
        }
    }

    /// Adds what `later` tallied (the files after this one's).
    fn append(&mut self, later: Tally) {
        fn add<K: Ord>(into: &mut BTreeMap<K, usize>, from: BTreeMap<K, usize>) {
            for (key, n) in from {
                *into.entry(key).or_insert(0) += n;
            }
        }
        self.files.extend(later.files);
        self.rows += later.rows;
        add(&mut self.services, later.services);
        if let Some(causes) = later.causes {
            add(self.causes.get_or_insert_with(BTreeMap::new), causes);
        }
        add(&mut self.pairs, later.pairs);
        self.set_aside.extend(later.set_aside);
    }
}

/// Every source read: what `check` keeps of each that read without
/// errors, and the measurements arranged (`None` when arranging failed).
struct Scanned {
    sources: BTreeMap<SourceKind, Tally>,
    data: Option<crate::measure::Data>,
}

/// Reads every source of the site part by part (files of all sources in
/// parallel, a few at a time), tallying each part and arranging its rows,
/// so neither a raw file nor a whole table is ever held. A source with
/// errors is left out, as if it had no rows.
fn scan(root: &Path, config: &SiteConfig) -> (Scanned, Diagnostics) {
    let interval = config.sources.get(&SourceKind::Samples).map_or(60, |s| s.interval);
    let mut builder = Builder::new(interval, config.sources.keys().copied().collect());
    let mut arranged = true;
    let mut problems_of: BTreeMap<SourceKind, Diagnostics> = BTreeMap::new();
    let mut tallies: BTreeMap<SourceKind, Tally> = BTreeMap::new();
    let mut files = Vec::new();
    for (kind, source) in &config.sources {
        match crate::scan::list_files(root, source) {
            Ok(listed) => {
                tallies.insert(*kind, Tally::default());
                files.extend(listed.into_iter().map(|l| (source, l)));
            }
            Err(p) => {
                problems_of.insert(*kind, p);
            }
        }
    }
    let chosen: Vec<crate::scan::Wanted> = files.iter().map(|(s, l)| crate::scan::Wanted::whole(s, l)).collect();
    // Each file tallied and arranged on the thread that reads it; joined here in reading order.
    let start = || (Tally::default(), Builder::new(interval, config.sources.keys().copied().collect()), true);
    let fold = |(tally, builder, arranged): &mut (Tally, Builder, bool), part: Part| {
        tally.add(&part);
        *arranged &= builder.add(part.kind, None, &part.frame, part.set_aside).is_ok();
        Ok(())
    };
    crate::scan::fold_files(root, &chosen, Chunking::default(), &start, &fold, &mut |i, read| {
        let kind = chosen[i].source.kind;
        let problems = problems_of.entry(kind).or_default();
        match read {
            Ok((tally, file, ok)) if !problems.has_errors() => {
                if let Some(t) = tallies.get_mut(&kind) {
                    t.append(tally);
                }
                arranged &= ok;
                builder.append(file);
            }
            Ok(_) => {}
            Err(p) => problems.extend(p),
        }
    });
    let mut problems = Diagnostics::new();
    for kind in config.sources.keys() {
        let Some(p) = problems_of.remove(kind) else { continue };
        if p.has_errors() {
            tallies.remove(kind);
            builder.forget(*kind);
        }
        problems.extend(p);
    }
    let data = arranged.then(|| builder.finish());
    (Scanned { sources: tallies, data }, problems)
}

/// Checks the site in `root`.
pub fn check(root: &Path) -> Report {
    let loaded = load_site(root);
    let mut problems = loaded.problems;
    let mut scanned = Scanned { sources: BTreeMap::new(), data: None };
    if let Some(config) = &loaded.config {
        let (s, p) = scan(root, config);
        problems.extend(p);
        scanned = s;
        problems.extend(set_aside_warnings(
            scanned.sources.iter().flat_map(|(kind, t)| t.set_aside.iter().map(move |a| (*kind, a))),
        ));
    }
    if let Some(config) = &loaded.config {
        problems.extend(check_theme(root, config, loaded.site.as_ref()));
    }
    let summary = loaded.site.as_ref().map(|site| {
        problems.extend(crate::load::notes::load_notes(site).1);
        problems.extend(cross_check(site, &scanned.sources));
        problems.extend(check_customers(site, &scanned.sources));
        // The measurements arranged once, for the corrections and the months.
        problems.extend(check_corrections(site, scanned.data.as_ref()));
        if let Some(data) = &scanned.data {
            problems.extend(check_completeness(site, data));
        }
        summarise(site, &scanned.sources)
    });
    Report { root: root.to_path_buf(), problems, summary }
}

/// Loads the theme as `build` would (every template parsed, recursion
/// refused) and renders its index pages once, and a month's report (both
/// pages) for the first customer with an SLA, so a broken template fails
/// `check` with its file and line instead of failing a build; warns about
/// theme files the renderer never reads.
fn check_theme(root: &Path, config: &crate::model::SiteConfig, site_loaded: Option<&Site>) -> Diagnostics {
    use crate::render::{theme, CustomerView, Renderer, SiteView};
    let mut problems = theme::misplaced_files(root, &config.theme, &Renderer::template_names());
    match Renderer::new(root, &config.theme, None) {
        Err(p) => problems.extend(p),
        Ok(renderer) => {
            let site = SiteView { title: config.title.clone() };
            let customer = CustomerView { id: "check".into(), name: "check".into() };
            let report = example_report(site_loaded).map(|view| renderer.report(&site, &customer, &view).map(|_| String::new()));
            let rendered = [
                ("customer.html", renderer.customer(&site, &customer, &[], None, &[])),
                ("to-date.html", renderer.to_date(&site, &customer, &crate::render::view::ToDateView::default())),
                ("index.html", renderer.provider(&site, &[], None)),
            ]
            .into_iter()
            .chain(report.map(|r| ("report.html", r)));
            for (template, result) in rendered {
                for d in result.err().into_iter().flatten() {
                    let file = theme::origin(root, &config.theme, template);
                    problems.push(if d.location.is_none() { d.in_file(file) } else { d });
                }
            }
        }
    }
    problems
}

/// A report for the theme check: the first customer's SLAs in the month the
/// first SLA takes effect, measured on no rows (every figure "no data"),
/// with their charts, so the template's target cards are rendered too.
/// `None` when the site has no SLA.
fn example_report(site: Option<&Site>) -> Option<crate::render::view::ReportView> {
    let site = site?;
    let first = site.agreements.iter().filter(|a| a.kind == AgreementKind::Sla).min_by_key(|a| a.effective)?;
    let period = crate::period::Period::of(first.effective);
    let results = crate::measure::results::measure(site, &crate::measure::data::Data::default(), &[], period).for_customer(&first.party);
    Some(crate::render::view::report(&results, &crate::draw::report_charts(&results, &crate::draw::Drawn::default()), None, 1))
}

fn summarise(site: &Site, sources: &BTreeMap<SourceKind, Tally>) -> Summary {
    let mut agreements = BTreeMap::new();
    for a in &site.agreements {
        *agreements.entry(a.kind).or_insert(0) += 1;
    }
    let customers = site.customers().len();
    Summary {
        customers,
        agreements,
        targets: site.target_count(),
        sources: sources.iter().map(|(k, t)| (*k, (t.files.len(), t.rows))).collect(),
    }
}

/// Warnings about rows no agreement will ever report on.
fn cross_check(site: &Site, sources: &BTreeMap<SourceKind, Tally>) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let services = site.services();
    let agreements: Vec<&str> = site
        .agreements
        .iter()
        .filter(|a| a.kind != AgreementKind::Sla)
        .map(|a| a.id.as_str())
        .collect();
    for (kind, tally) in sources {
        let source = &site.config.sources[kind];
        let unknown = outside(&tally.services, |s| services.contains(s));
        if !unknown.is_empty() {
            problems.push(
                Diagnostic::warning(format!(
                    "{} has rows for services no agreement names: {}",
                    kind,
                    describe(&unknown)
                ))
                .in_file(&source.path)
                .with_hint("these rows are not reported on; add the service to an agreement or map the export's names"),
            );
        }
        if let Some(causes) = &tally.causes {
            let unknown = outside(causes, |c| agreements.contains(&c));
            if !unknown.is_empty() {
                problems.push(
                    Diagnostic::warning(format!(
                        "{} has causes that name no OLA or UPC: {}",
                        kind,
                        describe(&unknown)
                    ))
                    .in_file(&source.path)
                    .with_hint(format!(
                        "these are reported as unattributed; OLAs and UPCs of this site: {}",
                        agreements.join(", ")
                    )),
                );
            }
        }
    }
    problems
}

/// A warning per file and reason for the rows a source set aside: how
/// many, why, the first row numbers and the offending values.
pub fn set_aside_warnings<'a>(set_aside: impl IntoIterator<Item = (SourceKind, &'a SetAside)>) -> Diagnostics {
    let mut problems = Diagnostics::new();
    for (kind, aside) in set_aside {
        let plural = crate::measure::format::plural;
        let rows: Vec<String> = aside.rows.iter().map(i64::to_string).collect();
        let more = if aside.count > aside.rows.len() { ", ..." } else { "" };
        let values: Vec<String> =
            aside.values.iter().map(|v| if v.is_empty() { "an empty cell".to_string() } else { format!("`{v}`") }).collect();
        let hint = match aside.reason {
            SetAsideReason::ServiceEmpty | SetAsideReason::CustomerEmpty => {
                "these rows are left out of every figure; fill the cell in the export if they count"
            }
            SetAsideReason::ServiceUnmapped | SetAsideReason::CustomerUnmapped => {
                "these rows are left out of every figure; map the value in [sources.<kind>.values] of slareport.toml if they count"
            }
        };
        problems.push(
            Diagnostic::warning(format!(
                "{}: {} set aside, {} ({} {}{more}; values {})",
                kind,
                plural(aside.count, "row", "rows"),
                aside.reason.describe(),
                if rows.len() == 1 { "row" } else { "rows" },
                rows.join(", "),
                values.join(", ")
            ))
            .in_file(&aside.file)
            .with_hint(hint),
        );
    }
    problems
}

/// Warnings about rows of a customer the SLAs do not report on: rows of a
/// customer on a service none of that customer's SLAs names, and rows
/// naming a customer that is party to no SLA.
fn check_customers(site: &Site, sources: &BTreeMap<SourceKind, Tally>) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let slas: Vec<&crate::model::Agreement> = site.versions.iter().filter(|a| a.kind == AgreementKind::Sla).collect();
    for (kind, tally) in sources {
        let file = &site.config.sources[kind].path;
        let mut no_party: BTreeMap<&str, usize> = BTreeMap::new();
        for ((customer, service), n) in &tally.pairs {
            let (customer, service, n) = (customer.as_str(), service.as_str(), *n);
            let theirs: Vec<&&crate::model::Agreement> = slas.iter().filter(|a| a.party == customer).collect();
            if theirs.is_empty() {
                *no_party.entry(customer).or_insert(0) += n;
                continue;
            }
            if !theirs.iter().any(|a| a.services.iter().any(|s| s == service)) {
                problems.push(
                    Diagnostic::warning(format!(
                        "{}: {} of customer `{customer}` on service `{service}`, which no SLA of {customer} covers",
                        kind,
                        crate::measure::format::plural(n, "row", "rows")
                    ))
                    .in_file(file)
                    .with_hint("these rows are in no report of the customer; add the service to one of its SLAs, or check the export's customer and service"),
                );
            }
        }
        for (customer, n) in no_party {
            problems.push(
                Diagnostic::warning(format!(
                    "{}: {} naming customer `{customer}`, which is party to no SLA",
                    kind,
                    crate::measure::format::plural(n, "row", "rows")
                ))
                .in_file(file)
                .with_hint(format!("customers with an SLA: {}", site.customers().join(", "))),
            );
        }
    }
    problems
}

/// The values of a tally that fail `known`, with their row counts.
fn outside(counts: &BTreeMap<String, usize>, known: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
    counts.iter().filter(|(v, _)| !known(v)).map(|(v, n)| (v.clone(), *n)).collect()
}

fn describe(values: &[(String, usize)]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(8)
        .map(|(v, n)| format!("`{v}` ({n} rows)"))
        .collect();
    let more = values.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The line `check` ends with.
pub fn verdict(report: &Report) -> String {
    let errors = report.problems.errors();
    let warnings = report.problems.warnings();
    let plural = |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
    let site = report.root.display();
    if errors == 0 && warnings == 0 {
        format!("{site}: no problems found")
    } else if errors == 0 {
        format!("{site}: no errors, {}", plural(warnings, "warning"))
    } else {
        format!(
            "{site}: {} and {} found; fix them and run `slareport check` again (see {CONFIG_FILE} and the files named above)",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}
