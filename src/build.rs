//! `slareport build`: every stage in order, from site folder to published site.
//!
//! load + scan (`measure::prepare`) -> measure each period -> draw charts ->
//! render pages -> publish (snapshots, staging, swap).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::draw;
use crate::measure::results::{to_csv, FigureCache, Results};
use crate::measure::{prepare, Period, Prepared};
use crate::model::AgreementKind;
use crate::publish::manifest::{self, sha256, Content, InputFile, Manifest};
use crate::publish::{self, folder_name};
use crate::render::{view, CustomerSummary, CustomerView, Page, PeriodLink, Renderer, RevisionLink, SiteView};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The output folder; default the site's `output`.
    pub out: Option<PathBuf>,
    /// Only this month; default every complete month with data.
    pub period: Option<Period>,
    /// Only this customer.
    pub customer: Option<String>,
    /// Publish a new revision of a published period whose content changed.
    pub revise: bool,
    /// "Now", UTC seconds: decides which months are complete.
    pub now: i64,
    /// SOURCE_DATE_EPOCH, when set: the only time stamp written to pages.
    pub source_date_epoch: Option<i64>,
    /// Draw a progress bar (on a terminal).
    pub progress: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub out: PathBuf,
    /// (customer, period, revision) of each report published now.
    pub published: Vec<(String, Period, u32)>,
    /// Published periods left as they were.
    pub kept: usize,
    pub warnings: Diagnostics,
}

/// Why a build stopped. Nothing was written in any case.
#[derive(Debug)]
pub enum BuildError {
    /// The site has errors.
    Problems(Diagnostics),
    /// Published periods would change.
    Refused(Vec<String>),
    /// Writing the site failed.
    Io(String),
}

/// Builds the site.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let prepared = prepare(&options.root).map_err(BuildError::Problems)?;
    let config = &prepared.site.config;
    let built = options.source_date_epoch.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string());
    let renderer = Renderer::new(&options.root, &config.theme, built).map_err(BuildError::Problems)?;
    let out = options.out.clone().unwrap_or_else(|| options.root.join(&config.output));
    let customers = customers(&prepared, options.customer.as_deref())?;
    let periods = periods(&prepared, options);
    let site = SiteView { title: config.title.clone() };
    let inputs = input_files(&options.root, &prepared);
    let agreement_texts = agreement_texts(&options.root, &prepared)?;
    let other_customers = |c: &str| -> Vec<String> {
        prepared.site.customers().into_iter().filter(|o| *o != c).map(|o| o.to_string()).collect()
    };

    let mut pages: Vec<Page> = Vec::new();
    let mut report = BuildReport { out: out.clone(), warnings: prepared.warnings.clone(), ..BuildReport::default() };
    let mut refusals = Vec::new();
    let mut cache = FigureCache::default();
    let mut all_results: BTreeMap<Period, Results> = BTreeMap::new();
    let bar = progress_bar(options.progress, (customers.len() * periods.len()) as u64);
    let mut summaries = Vec::new();

    // Held until the last page is written, from before the published months are read.
    let output_lock = publish::lock(&out).map_err(|e| BuildError::Io(e.to_string()))?;
    for customer in &customers {
        let published = publish::published(&out, &customer.id).map_err(|e| BuildError::Io(e.to_string()))?;
        let latest = publish::latest(&published);
        let mut new_revisions: Vec<(Period, u32, Results)> = Vec::new();
        for &period in &periods {
            bar.inc(1);
            let results = all_results
                .entry(period)
                .or_insert_with(|| prepared.measure_with(period, &mut cache))
                .for_customer(&customer.id);
            if results.targets.iter().all(|t| t.kind != AgreementKind::Sla) {
                continue;
            }
            let results_json = results_json(&results);
            let content = content(&prepared, &options.root, customer, &results, &results_json, &agreement_texts);
            let revision = match latest.get(&period) {
                None => 1,
                Some(p) => {
                    let changes = p.manifest.content.differences(&content);
                    if changes.is_empty() {
                        report.kept += 1;
                        continue;
                    }
                    if !options.revise {
                        refusals.push(format!(
                            "{}/{} is published (revision {}) and would change: {}; run `slareport build --revise` to publish revision {} beside it",
                            customer.id,
                            period,
                            p.revision,
                            changes.join(", "),
                            p.revision + 1
                        ));
                        continue;
                    }
                    p.revision + 1
                }
            };
            let folder = PathBuf::from(&customer.id).join(folder_name(period, revision));
            let own_inputs = customer_inputs(&inputs, &prepared, &results, &other_customers(&customer.id));
            let input = PeriodInput { results: &results, results_json, revision, content, inputs: own_inputs };
            pages.extend(period_pages(&renderer, &site, customer, &prepared, &agreement_texts, input, &folder)?);
            report.published.push((customer.id.clone(), period, revision));
            new_revisions.push((period, revision, results));
        }
        let (index, summary) = customer_index(&renderer, &site, customer, &out, &published, &new_revisions)?;
        pages.push(index);
        pages.push(Page::new(PathBuf::from(&customer.id).join("style.css"), renderer.css.clone()));
        summaries.push(summary);
    }
    bar.finish_and_clear();
    if !refusals.is_empty() {
        return Err(BuildError::Refused(refusals));
    }
    if options.customer.is_none() {
        let latest = all_results.values().next_back().map(view::provider);
        let html = renderer.provider(&site, &summaries, latest.as_ref()).map_err(BuildError::Problems)?;
        pages.push(Page::new("index.html", html));
        pages.push(Page::new("style.css", renderer.css.clone()));
    }
    publish::write_site(&output_lock, &pages).map_err(|e| BuildError::Io(e.to_string()))?;
    Ok(report)
}

fn progress_bar(show: bool, len: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} reports") {
        bar.set_style(style);
    }
    bar
}

fn customers(prepared: &Prepared, only: Option<&str>) -> Result<Vec<CustomerView>, BuildError> {
    let all = prepared.site.customers();
    if let Some(c) = only {
        if !all.contains(&c) {
            return Err(BuildError::Problems(
                Diagnostic::error(format!("no SLA names customer `{c}`")).with_hint(format!("customers: {}", all.join(", "))).into(),
            ));
        }
    }
    Ok(all
        .into_iter()
        .filter(|c| only.is_none_or(|o| o == *c))
        .map(|id| CustomerView {
            id: id.to_string(),
            name: prepared.site.config.customers.get(id).map_or_else(|| id.to_string(), |c| c.name.clone()),
        })
        .collect())
}

/// The months to publish: the one asked for, or every complete month
/// (ended before `now`) in which some source has a row.
fn periods(prepared: &Prepared, options: &BuildOptions) -> Vec<Period> {
    if let Some(p) = options.period {
        return vec![p];
    }
    let tz = prepared.site.config.timezone;
    let Some(first) = prepared.data.first_instant() else { return Vec::new() };
    let first_day = chrono::DateTime::from_timestamp(first, 0).map(|d| d.with_timezone(&tz).date_naive());
    let Some(first_day) = first_day else { return Vec::new() };
    let mut out = Vec::new();
    let mut p = Period::of(first_day);
    loop {
        let (start, end) = p.bounds(tz);
        if end > options.now {
            break;
        }
        if prepared.data.has_rows_in(start, end) {
            out.push(p);
        }
        p = p.next();
    }
    out
}

/// The agreements a customer's report uses: its SLAs and what underpins them.
fn used_agreements<'a>(prepared: &'a Prepared, results: &Results) -> Vec<&'a crate::model::Agreement> {
    results.agreements.iter().filter_map(|a| prepared.site.agreement(&a.id)).collect()
}

/// The text of every agreement file, by agreement id, read once per build:
/// each report hashes and copies the ones it used.
fn agreement_texts(root: &Path, prepared: &Prepared) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    prepared
        .site
        .agreements
        .iter()
        .map(|a| {
            std::fs::read(root.join(&a.file))
                .map(|bytes| (a.id.clone(), bytes))
                .map_err(|e| BuildError::Io(format!("cannot read {}: {e}", a.file.display())))
        })
        .collect()
}

fn content(
    prepared: &Prepared,
    root: &Path,
    customer: &CustomerView,
    results: &Results,
    results_json: &str,
    agreement_texts: &BTreeMap<String, Vec<u8>>,
) -> Content {
    let agreements = used_agreements(prepared, results)
        .into_iter()
        .map(|a| (a.id.clone(), sha256(&agreement_texts[&a.id])))
        .collect();
    let note = prepared
        .notes
        .iter()
        .find(|n| n.customer == customer.id && n.period == results.period)
        .map(|n| sha256(&std::fs::read(root.join(&n.file)).unwrap_or_default()));
    let services: Vec<&str> = results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).map(|t| t.service.as_str()).collect();
    let (start, end) = results.period.bounds(prepared.site.config.timezone);
    Content { results: sha256(results_json.as_bytes()), rows: prepared.data.rows_digest(&services, start, end), agreements, note }
}

fn results_json(results: &Results) -> String {
    let mut text = serde_json::to_string_pretty(results).unwrap_or_default();
    text.push('\n');
    text
}

/// sha256 and size of every input file (provenance only).
fn input_files(root: &Path, prepared: &Prepared) -> Vec<InputFile> {
    let mut paths: Vec<PathBuf> = vec![PathBuf::from(crate::load::CONFIG_FILE)];
    paths.extend(prepared.site.agreements.iter().map(|a| a.file.clone()));
    paths.extend(prepared.notes.iter().map(|n| n.file.clone()));
    for source in prepared.site.config.sources.values() {
        let full = root.join(&source.path);
        if full.is_dir() {
            for e in walkdir::WalkDir::new(&full).sort_by_file_name().into_iter().flatten() {
                if e.file_type().is_file() {
                    paths.push(e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf());
                }
            }
        } else {
            paths.push(source.path.clone());
        }
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(root.join(&p)).ok()?;
            Some(InputFile { path: p.to_string_lossy().replace('\\', "/"), sha256: sha256(&bytes), bytes: bytes.len() as u64 })
        })
        .collect()
}

/// The inputs a customer's manifest lists: the site configuration, the data
/// files, the agreements its report used and its own notes; never another
/// customer's files.
fn customer_inputs(inputs: &[InputFile], prepared: &Prepared, results: &Results, others: &[String]) -> Vec<InputFile> {
    let used: Vec<String> = used_agreements(prepared, results).iter().map(|a| a.file.to_string_lossy().replace('\\', "/")).collect();
    let agreement_files: Vec<String> = prepared.site.agreements.iter().map(|a| a.file.to_string_lossy().replace('\\', "/")).collect();
    inputs
        .iter()
        .filter(|i| !agreement_files.contains(&i.path) || used.contains(&i.path))
        .filter(|i| !others.iter().any(|o| i.path.starts_with(&format!("{}/{o}/", crate::load::notes::NOTES_DIR))))
        .cloned()
        .collect()
}

/// One period of one customer, ready to be rendered.
struct PeriodInput<'a> {
    results: &'a Results,
    /// results.json as published (and as hashed in `content`).
    results_json: String,
    revision: u32,
    content: Content,
    inputs: Vec<InputFile>,
}

fn period_pages(
    renderer: &Renderer,
    site: &SiteView,
    customer: &CustomerView,
    prepared: &Prepared,
    agreement_texts: &BTreeMap<String, Vec<u8>>,
    period: PeriodInput,
    folder: &Path,
) -> Result<Vec<Page>, BuildError> {
    let PeriodInput { results, results_json, revision, content, inputs } = period;
    let charts: Vec<(String, Vec<draw::Chart>)> = results
        .targets
        .iter()
        .filter(|t| t.kind == AgreementKind::Sla)
        .map(|t| (draw::chart_id(t), draw::charts(t)))
        .collect();
    let note = prepared.notes.iter().find(|n| n.customer == customer.id && n.period == results.period);
    let commentary = note.map(|n| crate::render::markdown::to_safe_html(&n.body)).filter(|h| !h.trim().is_empty());
    let report_view = view::report(results, &charts, commentary, revision);
    let (linked, standalone) = renderer.report(site, customer, &report_view).map_err(BuildError::Problems)?;

    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("index.html".into(), linked.into_bytes()),
        ("report.html".into(), standalone.into_bytes()),
        ("style.css".into(), renderer.css.clone().into_bytes()),
        ("results.json".into(), results_json.into_bytes()),
        ("results.csv".into(), to_csv(results).into_bytes()),
    ];
    for (_, list) in &charts {
        for c in list {
            files.push((format!("charts/{}", c.file), c.svg.clone().into_bytes()));
        }
    }
    let mut versions = BTreeMap::new();
    for a in used_agreements(prepared, results) {
        files.push((format!("agreements/{}.toml", a.id), agreement_texts[&a.id].clone()));
        versions.insert(a.id.clone(), a.version.clone());
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest = Manifest {
        tool: format!("slareport {}", env!("CARGO_PKG_VERSION")),
        customer: customer.id.clone(),
        period: results.period.to_string(),
        revision,
        content,
        agreement_versions: versions,
        inputs,
        files: files.iter().map(|(name, bytes)| (name.clone(), sha256(bytes))).collect(),
    };
    let mut manifest_text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    manifest_text.push('\n');
    files.push((manifest::FILE.to_string(), manifest_text.into_bytes()));
    Ok(files.into_iter().map(|(name, bytes)| Page::new(folder.join(name), bytes)).collect())
}

/// The customer's index of periods, newest first, and its line in the
/// provider overview.
fn customer_index(
    renderer: &Renderer,
    site: &SiteView,
    customer: &CustomerView,
    out: &Path,
    published: &[publish::Published],
    new: &[(Period, u32, Results)],
) -> Result<(Page, CustomerSummary), BuildError> {
    // Every revision of every period: (period, revision, folder, summary line).
    let mut all: BTreeMap<Period, Vec<(u32, String, String)>> = BTreeMap::new();
    for p in published {
        let summary = std::fs::read_to_string(out.join(&p.folder).join("results.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map(|v| summary_line(&v["summary"]))
            .unwrap_or_default();
        all.entry(p.period).or_default().push((p.revision, p.folder.file_name().unwrap_or_default().to_string_lossy().into_owned(), summary));
    }
    let mut latest_summary = None;
    for (period, revision, results) in new {
        let value = serde_json::to_value(&results.summary).unwrap_or_default();
        all.entry(*period).or_default().push((*revision, folder_name(*period, *revision), summary_line(&value)));
    }
    let mut links = Vec::new();
    for (period, mut revisions) in all.into_iter().rev() {
        revisions.sort();
        let Some((revision, folder, summary)) = revisions.pop() else { continue };
        if latest_summary.is_none() {
            latest_summary = Some((period, folder.clone()));
        }
        links.push(PeriodLink {
            href: format!("{folder}/index.html"),
            label: view::period_label(period),
            revision,
            summary,
            earlier: revisions
                .into_iter()
                .map(|(r, f, _)| RevisionLink { href: format!("{f}/index.html"), label: format!("revision {r}") })
                .collect(),
        });
    }
    let html = renderer.customer(site, customer, &links).map_err(BuildError::Problems)?;
    let latest_results = latest_summary.as_ref().and_then(|(p, _)| new.iter().find(|(np, _, _)| np == p).map(|(_, _, r)| serde_json::to_value(&r.summary).unwrap_or_default()));
    let latest_results = latest_results.or_else(|| {
        latest_summary.as_ref().and_then(|(_, f)| {
            std::fs::read_to_string(out.join(&customer.id).join(f).join("results.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .map(|v| v["summary"].clone())
        })
    });
    let s = latest_results.unwrap_or_default();
    let summary = CustomerSummary {
        id: customer.id.clone(),
        name: customer.name.clone(),
        latest: latest_summary.as_ref().map(|(_, f)| f.clone()),
        latest_label: latest_summary.as_ref().map_or(String::new(), |(p, _)| view::period_label(*p)),
        percent_met: s["percent_met"].as_f64().map_or("no data".into(), |p| format!("{p:.1}%")),
        breaches: s["breached"].as_u64().unwrap_or(0) as usize,
        credits: {
            let c: f64 = s["credits_by_customer"].as_object().map_or(0.0, |m| m.values().filter_map(|v| v.as_f64()).sum());
            if c > 0.0 { format!("{c}%") } else { "none".into() }
        },
    };
    Ok((Page::new(PathBuf::from(&customer.id).join("index.html"), html), summary))
}

fn summary_line(s: &serde_json::Value) -> String {
    let met = s["percent_met"].as_f64().map_or("no data".to_string(), |p| format!("{p:.1}% of targets met"));
    let breached = s["breached"].as_u64().unwrap_or(0);
    format!("{met}, {breached} breach{}", if breached == 1 { "" } else { "es" })
}
