//! The pages of a customer: a published period's folder (the linked and
//! the self-contained report, results.json and .csv, the agreements used
//! and the manifest), the to-date page of the month in progress and the
//! customer's index of periods with its line in the provider overview.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::digest::sha256;
use crate::draw;
use crate::measure::results::to_csv;
use crate::measure::{Prepared, Results};
use crate::period::{instant_text, Period};
use crate::publish::manifest::{self, Content, InputFile, Manifest, Revision};
use crate::publish::plan;
use crate::publish::{self, folder_name};
use crate::render::{view, CustomerSummary, CustomerView, Page, PeriodLink, Renderer, RevisionLink, SiteView};
use crate::render::ToDateLink;

use super::decide::results_json;
use super::inputs::{slashed, used_agreements};
use super::timings::{timed, Timings};
use super::unchanged::tool;
use super::error::BuildError;

/// The folder of a customer's provisional month-to-date page.
pub const TO_DATE_DIR: &str = "to-date";

/// One period of one customer, ready to be rendered.
pub(super) struct PeriodInput<'a> {
    pub(super) results: &'a Results,
    /// results.json as published.
    pub(super) results_json: String,
    pub(super) revision: u32,
    /// Why this revision exists (revisions after the first).
    pub(super) why: Option<Revision>,
    pub(super) content: Content,
    pub(super) inputs: Vec<InputFile>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn period_pages(
    renderer: &Renderer,
    site: &SiteView,
    customer: &CustomerView,
    prepared: &Prepared,
    agreement_texts: &BTreeMap<String, Vec<u8>>,
    period: PeriodInput,
    folder: &Path,
    drawn: &draw::Drawn,
    timings: &mut Timings,
) -> Result<Vec<Page>, BuildError> {
    let PeriodInput { results, results_json, revision, why, content, inputs } = period;
    let charts = timed(&mut timings.draw, || draw::report_charts(results, drawn));
    let render_start = std::time::Instant::now();
    let note = prepared.notes.iter().find(|n| n.customer == customer.id && n.period == results.period);
    let commentary = note.map(|n| crate::render::markdown::to_safe_html(&n.body)).filter(|h| !h.trim().is_empty());
    let mut report_view = view::report(results, &charts, commentary, revision);
    report_view.revision_reason = why.as_ref().map(|w| view::RevisionView { replaces: w.replaces, changes: w.changes.clone() });
    let (linked, standalone) = renderer.report(site, customer, &report_view).map_err(BuildError::Problems)?;

    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("index.html".into(), linked.into_bytes()),
        ("report.html".into(), standalone.into_bytes()),
        ("style.css".into(), renderer.css.clone().into_bytes()),
        ("results.json".into(), results_json.into_bytes()),
        ("results.csv".into(), to_csv(results).into_bytes()),
    ];
    let mut versions = BTreeMap::new();
    for a in used_agreements(prepared, results) {
        files.push((format!("agreements/{}.toml", a.id), agreement_texts[&slashed(&a.file)].clone()));
        versions.insert(a.id.clone(), a.version.clone());
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest = Manifest {
        tool: tool(),
        customer: customer.id.clone(),
        period: results.period.to_string(),
        revision,
        revision_of: why,
        content,
        agreement_versions: versions,
        inputs,
        files: files.iter().map(|(name, bytes)| (name.clone(), sha256(bytes))).collect(),
    };
    // Compact, as results.json: read back only through serde.
    let mut manifest_text = serde_json::to_string(&manifest).unwrap_or_default();
    manifest_text.push('\n');
    files.push((manifest::FILE.to_string(), manifest_text.into_bytes()));
    timings.render += render_start.elapsed();
    Ok(files.into_iter().map(|(name, bytes)| Page::new(folder.join(name), bytes)).collect())
}

/// The provisional page of the month in progress: figures so far and where
/// each target is heading. Replaced by every build; never a snapshot.
pub(super) fn to_date_pages(renderer: &Renderer, site: &SiteView, customer: &CustomerView, results: &Results) -> Result<Vec<Page>, BuildError> {
    let folder = PathBuf::from(&customer.id).join(TO_DATE_DIR);
    let view = view::to_date(results);
    let html = renderer.to_date(site, customer, &view).map_err(BuildError::Problems)?;
    Ok(vec![
        Page::new(folder.join("index.html"), html),
        Page::new(folder.join("results.json"), results_json(results)),
    ])
}

/// The customer's index of periods, newest first, and its line in the
/// provider overview.
#[allow(clippy::too_many_arguments)]
pub(super) fn customer_index(
    renderer: &Renderer,
    site: &SiteView,
    customer: &CustomerView,
    snapshots: &BTreeMap<PathBuf, plan::Snapshot>,
    published: &[publish::Published],
    new: &[(Period, u32, serde_json::Value, serde_json::Value)],
    to_date: Option<&ToDateLink>,
    awaiting: &[String],
) -> Result<(Page, CustomerSummary), BuildError> {
    // Every revision of every period: (period, revision, folder, summary line).
    let mut all: BTreeMap<Period, Vec<(u32, String, String)>> = BTreeMap::new();
    for p in published {
        let summary = snapshots.get(&p.folder).map(|s| summary_line(&s.summary)).unwrap_or_default();
        all.entry(p.period).or_default().push((p.revision, p.folder.file_name().unwrap_or_default().to_string_lossy().into_owned(), summary));
    }
    let mut latest_summary = None;
    for (period, revision, summary, _) in new {
        all.entry(*period).or_default().push((*revision, folder_name(*period, *revision), summary_line(summary)));
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
    let html = renderer.customer(site, customer, &links, to_date, awaiting).map_err(BuildError::Problems)?;
    // The latest month's summary and credits.
    let latest_results = latest_summary.as_ref().and_then(|(p, _)| {
        new.iter().find(|(np, ..)| np == p).map(|(_, _, summary, credits)| (summary.clone(), credits.clone()))
    });
    let latest_results = latest_results.or_else(|| {
        latest_summary.as_ref().and_then(|(_, f)| {
            let p = published.iter().find(|p| p.folder.file_name().is_some_and(|n| n.to_string_lossy() == *f))?;
            snapshots.get(&p.folder).map(|s| (s.summary.clone(), s.credits.clone()))
        })
    });
    let (s, credits) = latest_results.unwrap_or_default();
    let summary = CustomerSummary {
        id: customer.id.clone(),
        name: customer.name.clone(),
        latest: latest_summary.as_ref().map(|(_, f)| f.clone()),
        latest_label: latest_summary.as_ref().map_or(String::new(), |(p, _)| view::period_label(*p)),
        percent_met: s["percent_met"].as_f64().map_or("no data".into(), |p| format!("{p:.1}%")),
        breaches: s["breached"].as_u64().unwrap_or(0) as usize,
        credits: view::customer_credits(&s, &credits),
    };
    Ok((Page::new(PathBuf::from(&customer.id).join("index.html"), html), summary))
}

fn summary_line(s: &serde_json::Value) -> String {
    let met = s["percent_met"].as_f64().map_or("no data".to_string(), |p| format!("{p:.1}% of targets met"));
    let breached = s["breached"].as_u64().unwrap_or(0);
    format!("{met}, {breached} breach{}", if breached == 1 { "" } else { "es" })
}

/// A line for each month that has ended but waits for late rows, for the
/// customer indexes.
pub(super) fn awaiting_lines(awaiting: &[(Period, i64)], tz: chrono_tz::Tz) -> Vec<String> {
    awaiting
        .iter()
        .map(|(p, at)| format!("{} is complete on {} (publish_after) and will be published then", view::period_label(*p), instant_text(*at, tz)))
        .collect()
}
