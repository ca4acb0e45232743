//! `slareport build`: every stage in order, from site folder to published site.
//!
//! load + scan (`measure::prepare`) -> schedule the months (as-of) -> measure
//! each month -> plan (publish::plan: new, kept, refused or revised) -> draw
//! charts -> render pages -> publish.
//!
//! Months and as-of: a month is complete when it ended at least
//! `publish_after` before as-of; only complete months are published, and a
//! published month is a snapshot. The month holding as-of is "to date": each
//! customer gets a provisional page `<customer>/to-date/index.html`, replaced
//! by every build, with each target's figure so far and its forecast.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::draw;
use crate::measure::data::DigestRule;
use crate::measure::results::{to_csv, FigureCache, History, Options, Results};
use rayon::prelude::*;
use crate::measure::period::AsOf;
use crate::load::notes::Note;
use crate::measure::{Period, Prepared};
use crate::model::Site;

use crate::incremental;
use crate::model::AgreementKind;
use crate::publish::manifest::{self, sha256, sha256_file, Content, InputFile, Manifest};
use crate::publish::plan::{self, Candidate, Decision, Revision};
use crate::publish::{self, folder_name};
use crate::render::{view, CustomerSummary, CustomerView, Page, PeriodLink, Renderer, RevisionLink, SiteView, ToDateLink};

/// The folder of a customer's provisional month-to-date page.
pub const TO_DATE_DIR: &str = "to-date";

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
    /// As-of: the facts as they stood then decide which months are
    /// complete, and where the month in progress stands.
    pub as_of: AsOf,
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
    /// The month in progress, when a to-date page was written for it.
    pub to_date: Option<Period>,
    /// Months that have ended but wait for late rows (`publish_after`), with
    /// the instant they become complete.
    pub awaiting: Vec<(Period, i64)>,
    pub warnings: Diagnostics,
    /// Wall time spent in each stage.
    pub timings: Timings,
    /// The complete periods measured: those with something new to publish or
    /// an input that changed, and the latest (published months whose inputs
    /// are as they were are kept without being measured).
    pub measured: Vec<Period>,
    /// Data files read, of all the sources' data files: fewer when the
    /// others bear only on months published with their inputs as they were.
    pub files_read: (usize, usize),
    /// Of those read, the files read in part: files whose earlier
    /// rows bear only on such months, read from the first month measured on.
    pub files_read_in_part: usize,
}

/// Wall time spent in each stage of a build, for `--timings` and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Loading the site and scanning every source into measurements.
    pub scan: std::time::Duration,
    /// Measuring every period (and deciding what to publish).
    pub measure: std::time::Duration,
    /// Drawing the charts.
    pub draw: std::time::Duration,
    /// Rendering pages, results.json and manifests.
    pub render: std::time::Duration,
    /// Writing the site.
    pub publish: std::time::Duration,
}

impl Timings {
    pub fn total(&self) -> std::time::Duration {
        self.scan + self.measure + self.draw + self.render + self.publish
    }
}

/// Runs `f`, adding its wall time to `slot`.
fn timed<T>(slot: &mut std::time::Duration, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let value = f();
    *slot += start.elapsed();
    value
}

/// Why a build stopped. Nothing was written in any case.
#[derive(Debug)]
pub enum BuildError {
    /// The site has errors, or the month asked for cannot be published.
    Problems(Diagnostics),
    /// Published periods would change.
    Refused(Vec<String>),
    /// Writing the site failed.
    Io(String),
}

/// Which months a build covers, as of an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Complete months to publish, oldest first.
    pub complete: Vec<Period>,
    /// The month holding as-of, when it is not before the data.
    pub in_progress: Option<Period>,
    /// Ended months still waiting for late rows, with the instant they are complete.
    pub awaiting: Vec<(Period, i64)>,
}

/// The months of the site as of `as_of`: every complete month with rows
/// (or the one asked for), the month in progress and the months waiting
/// for late rows. A month asked for that is before the first row of any
/// source, or not complete as of `as_of`, is refused with the reason.
pub fn schedule(prepared: &Prepared, only: Option<Period>, as_of: i64) -> Result<Schedule, Diagnostic> {
    schedule_with(prepared, only, as_of, &BTreeMap::new())
}

/// [`schedule`] of data read in part: a complete month before the rows read
/// is scheduled when `settled` says it is published (see [`incremental`]).
fn schedule_with(prepared: &Prepared, only: Option<Period>, as_of: i64, settled: &BTreeMap<Period, bool>) -> Result<Schedule, Diagnostic> {
    let tz = prepared.site.config.timezone;
    let wait = prepared.site.config.publish_after;
    let first = prepared.data.first_instant();
    let as_of_text = instant_text(as_of, tz);
    let first_period = first.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| Period::of(d.with_timezone(&tz).date_naive()));
    let current = chrono::DateTime::from_timestamp(as_of, 0).map(|d| Period::of(d.with_timezone(&tz).date_naive()));
    let in_progress = current.filter(|c| first_period.is_some_and(|f| f <= *c));
    let complete = |p: Period| p.bounds(tz).1 + wait <= as_of;
    if let Some(p) = only {
        let (start, end) = p.bounds(tz);
        let Some(first) = first else {
            return Err(Diagnostic::error(format!("{p} cannot be published: no source has any row")));
        };
        if end <= first {
            return Err(Diagnostic::error(format!(
                "{p} is before the first measurement ({}): there is nothing to report for it",
                instant_text(first, tz)
            )));
        }
        if start > as_of {
            return Err(Diagnostic::error(format!("{p} has not begun as of {as_of_text}")).with_hint("set --as-of to report as of another instant"));
        }
        if !complete(p) {
            let ready = instant_text(end + wait, tz);
            let why = if end > as_of { "is still in progress".to_string() } else { format!("waits for late rows until {ready} (publish_after)") };
            return Err(Diagnostic::error(format!("{p} {why} as of {as_of_text}; a month is published once it is complete ({ready})"))
                .with_hint(format!("each customer's `{TO_DATE_DIR}/` page shows the month in progress; `slareport measure --period {p}` prints it to date")));
        }
        return Ok(Schedule { complete: vec![p], in_progress, awaiting: Vec::new() });
    }
    let mut out = Schedule { complete: Vec::new(), in_progress, awaiting: Vec::new() };
    let Some(mut p) = first_period else { return Ok(out) };
    loop {
        let (start, end) = p.bounds(tz);
        if end > as_of {
            break;
        }
        let unread = prepared.data.unread(start, end);
        if !complete(p) {
            out.awaiting.push((p, end + wait));
        } else if unread {
            if settled.get(&p) == Some(&true) {
                out.complete.push(p);
            }
        } else if prepared.data.has_rows_in(start, end) {
            out.complete.push(p);
        }
        p = p.next();
    }
    Ok(out)
}

/// The month `measure` reports as of `as_of`: the one asked for (complete,
/// or in progress and then measured to date), else the last month that has
/// ended. A month before the first row of any source, or one that has not
/// begun, is refused.
pub fn measured_period(prepared: &Prepared, only: Option<Period>, as_of: i64) -> Result<Period, Diagnostic> {
    let tz = prepared.site.config.timezone;
    let current = chrono::DateTime::from_timestamp(as_of, 0).map_or(Period { year: 1970, month: 1 }, |d| Period::of(d.with_timezone(&tz).date_naive()));
    let p = only.unwrap_or_else(|| current.prev());
    let (start, end) = p.bounds(tz);
    if start > as_of {
        return Err(Diagnostic::error(format!("{p} has not begun as of {}", instant_text(as_of, tz))).with_hint("set --as-of to measure as of another instant"));
    }
    if let Some(first) = prepared.data.first_instant().filter(|&f| end <= f) {
        return Err(Diagnostic::error(format!("{p} is before the first measurement ({}): there is nothing to measure", instant_text(first, tz))));
    }
    Ok(p)
}

/// An instant in the site's zone, for messages: "2026-11-25 16:00 GMT".
pub fn instant_text(t: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string())
}

/// Builds the site, reading only the data files the months to publish need
/// (see [`incremental`]); when a trend needs a month that was not read,
/// the build starts again reading every file. Nothing is written before
/// the end, so starting again costs only time.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    match build_once(options, true)? {
        Some(report) => Ok(report),
        None => build_once(options, false)?.ok_or_else(|| BuildError::Io("the measurements were read in full and still found incomplete".into())),
    }
}

/// One attempt of [`build`]; `None` when the data read in part was not enough.
fn build_once(options: &BuildOptions, incremental: bool) -> Result<Option<BuildReport>, BuildError> {
    let mut timings = Timings::default();
    let mut loaded = timed(&mut timings.scan, || crate::measure::load(&options.root)).map_err(BuildError::Problems)?;
    let config = loaded.site.config.clone();
    let config = &config;
    let built = options.source_date_epoch.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string());
    let renderer = Renderer::new(&options.root, &config.theme, built).map_err(BuildError::Problems)?;
    let out = options.out.clone().unwrap_or_else(|| options.root.join(&config.output));
    check_out(&options.root, &out).map_err(|d| BuildError::Problems(d.into()))?;
    let customers = customers(&loaded.site, options.customer.as_deref())?;
    let as_of = options.as_of.instant(config.timezone);
    let site = SiteView { title: config.title.clone() };
    let mut inputs = timed(&mut timings.scan, || input_files(&options.root, &loaded));
    let agreement_texts = agreement_texts(&options.root, &loaded.site)?;
    let io = |e: std::io::Error| BuildError::Io(e.to_string());

    // Every customer's published months. Read here without the lock, only
    // to choose the files to read; read again under the lock below.
    let published_of = |customers: &[CustomerView]| -> Result<BTreeMap<String, Vec<publish::Published>>, BuildError> {
        let read: Vec<Result<(String, Vec<publish::Published>), BuildError>> =
            customers.par_iter().map(|c| Ok((c.id.clone(), publish::published(&out, &c.id).map_err(io)?))).collect();
        read.into_iter().collect()
    };
    let seen = if incremental { published_of(&customers)? } else { BTreeMap::new() };

    // Read the data files the months to measure need.
    let context = incremental::Context {
        customers: &customers,
        published_of: &seen,
        known: Known { root: &options.root, inputs: &inputs, agreement_texts: &agreement_texts },
        as_of,
        only: options.period,
        incremental,
    };
    // The published snapshots are read meanwhile (a core the scan leaves
    // idle takes them): a published folder never changes, so what is read
    // now holds under the lock for every folder still listed there.
    let read_snapshots = |pairs: &[&publish::Published]| -> Vec<std::io::Result<(PathBuf, plan::Snapshot)>> {
        pairs.par_iter().map(|p| plan::read_snapshot(&out, p).map(|s| (p.folder.clone(), s))).collect()
    };
    let (reading, early) = rayon::join(
        || timed(&mut timings.scan, || incremental::read_needed(&mut loaded, &context)),
        || read_snapshots(&seen.values().flatten().collect::<Vec<_>>()),
    );
    let reading = reading.map_err(BuildError::Problems)?;
    // Any that could not be read are read again below, which says why.
    let mut early: BTreeMap<PathBuf, plan::Snapshot> = early.into_iter().flatten().collect();
    for input in &mut inputs {
        input.reach = reading.reach.get(&input.path).copied();
    }
    let prepared = timed(&mut timings.scan, || loaded.finish(reading.partial)).map_err(BuildError::Problems)?;
    let schedule = schedule_with(&prepared, options.period, as_of, &reading.settled).map_err(|d| BuildError::Problems(d.into()))?;
    if let Some(last) = schedule.complete.last() {
        // The latest complete month is always measured (the provider overview shows it).
        let (start, end) = last.bounds(config.timezone);
        if prepared.data.unread(start, end) {
            return Ok(None);
        }
    }

    // Held until the last page is written, from before the published months are read.
    let output_lock = publish::lock(&out).map_err(|e| BuildError::Io(e.to_string()))?;
    let published_of = published_of(&customers)?;
    if incremental && published_of != seen {
        // Another build published meanwhile: choose the files again.
        return Ok(None);
    }
    // Every published results.json, read once (in parallel): trend history
    // and the customer indexes.
    let pairs: Vec<&publish::Published> = published_of.values().flatten().filter(|p| !early.contains_key(&p.folder)).collect();
    let mut snapshots: BTreeMap<PathBuf, plan::Snapshot> = read_snapshots(&pairs).into_iter().collect::<std::io::Result<_>>().map_err(io)?;
    for p in published_of.values().flatten() {
        if let Some(s) = early.remove(&p.folder) {
            snapshots.insert(p.folder.clone(), s);
        }
    }
    let mut history = History::default();
    for published in published_of.values() {
        history.extend(plan::history_of(published, &snapshots));
    }

    let mut report = BuildReport { out: out.clone(), warnings: prepared.warnings.clone(), awaiting: schedule.awaiting.clone(), ..BuildReport::default() };
    let cache = FigureCache::default();
    let bar = progress_bar(options.progress, (customers.len() * schedule.complete.len()) as u64);
    let complete_options = Options { as_of: None, history: Some(&history), corrections: None };

    // Published months whose inputs are as they were are kept without being
    // measured again; only the other periods are measured.
    let unchanged: BTreeSet<(String, Period)> = timed(&mut timings.measure, || {
        customers
            .par_iter()
            .flat_map_iter(|c| {
                let latest = publish::latest(&published_of[&c.id]);
                let (prepared, known) = (&prepared, Known { root: &options.root, inputs: &inputs, agreement_texts: &agreement_texts });
                schedule.complete.iter().filter_map(move |&period| {
                    let published = latest.get(&period)?;
                    // A month before the rows read is settled (see `incremental`).
                    let (start, end) = period.bounds(prepared.site.config.timezone);
                    let unread = prepared.data.unread(start, end);
                    (unread || inputs_unchanged(prepared, known, &c.id, period, published)).then(|| (c.id.clone(), period))
                })
            })
            .collect()
    });
    let to_measure: Vec<Period> = schedule
        .complete
        .iter()
        .copied()
        // The latest month is always measured: the provider overview shows it.
        .filter(|&p| Some(p) == schedule.complete.last().copied() || customers.iter().any(|c| !unchanged.contains(&(c.id.clone(), p))))
        .collect();

    report.measured = to_measure.clone();
    // Measure: those periods and the month in progress, for the whole
    // provider, periods in parallel (sharing figures for trends).
    let (all_results, to_date_results) = timed(&mut timings.measure, || {
        let all: BTreeMap<Period, Results> =
            to_measure.par_iter().map(|&period| (period, prepared.measure_with(period, complete_options, &cache))).collect();
        let to_date = schedule
            .in_progress
            .map(|period| prepared.measure_with(period, Options { as_of: Some(as_of), history: Some(&history), corrections: None }, &cache));
        (all, to_date)
    });
    if cache.missed() {
        // A trend needed a month whose rows were not read.
        return Ok(None);
    }
    let awaiting: Vec<String> = schedule
        .awaiting
        .iter()
        .map(|(p, at)| format!("{} is complete on {} (publish_after) and will be published then", view::period_label(*p), instant_text(*at, config.timezone)))
        .collect();

    // Decide, draw and render: customers in parallel, each on its own.
    let shared = Shared {
        renderer: &renderer,
        site: &site,
        prepared: &prepared,
        root: &options.root,
        out: &out,
        revise: options.revise,
        agreement_texts: &agreement_texts,
        inputs: &inputs,
        all_results: &all_results,
        complete: &schedule.complete,
        unchanged: &unchanged,
        snapshots: &snapshots,
        to_date: to_date_results.as_ref(),
        to_date_link: schedule.in_progress.map(|period| ToDateLink {
            href: format!("{TO_DATE_DIR}/index.html"),
            label: view::period_label(period),
            as_of: instant_text(as_of, config.timezone),
        }),
        awaiting: &awaiting,
        bar: &bar,
    };
    // Decide, draw, render and stage month by month, the customers of a
    // month in parallel (the charts they share are drawn once, and only
    // one month's are held: `draw::Drawn`). Each period folder goes to disk
    // (not yet in place) as soon as its pages exist and is dropped from
    // memory; nothing is in place before the commit below, so a refusal
    // anywhere leaves the site as it was.
    let staging = publish::Staging::begin(&output_lock).map_err(|e| BuildError::Io(e.to_string()))?;
    let mut states: Vec<CustomerState> = customers.iter().map(|c| CustomerState::new(&shared, c, &published_of[&c.id])).collect();
    for &period in shared.complete {
        let drawn = draw::Drawn::default();
        customers.par_iter().zip(states.par_iter_mut()).try_for_each(|(customer, state)| customer_period(&shared, customer, state, period, &drawn, &staging))?;
    }
    let outcomes: Vec<Result<CustomerOutcome, BuildError>> =
        customers.par_iter().zip(states.into_par_iter()).map(|(customer, state)| customer_pages(&shared, customer, &published_of[&customer.id], state)).collect();
    bar.finish_and_clear();
    let mut pages: Vec<Page> = Vec::new();
    let mut summaries = Vec::new();
    let mut refusals = Vec::new();
    for outcome in outcomes {
        let outcome = outcome?;
        refusals.extend(outcome.refusals);
        pages.extend(outcome.pages);
        summaries.push(outcome.summary);
        report.kept += outcome.kept;
        report.published.extend(outcome.published);
        timings.measure += outcome.timings.measure;
        timings.draw += outcome.timings.draw;
        timings.render += outcome.timings.render;
        timings.publish += outcome.timings.publish;
    }
    if !refusals.is_empty() {
        // Dropping the staging removes every staged folder.
        drop(staging);
        return Err(BuildError::Refused(refusals));
    }
    report.to_date = schedule.in_progress;
    if options.customer.is_none() {
        let latest = all_results.values().next_back().map(view::provider);
        let html = renderer.provider(&site, &summaries, latest.as_ref()).map_err(BuildError::Problems)?;
        pages.push(Page::new("index.html", html));
        pages.push(Page::new("style.css", renderer.css.clone()));
    }
    timed(&mut timings.publish, || staging.commit(&pages)).map_err(|e| BuildError::Io(e.to_string()))?;
    report.timings = timings;
    report.files_read = (prepared.data.files.len(), reading.reach.len());
    report.files_read_in_part = reading.in_part;
    drop(shared);
    drop_later((prepared, snapshots, history, all_results, to_date_results, published_of, seen));
    Ok(Some(report))
}

/// Frees `value` on a thread of its own. The rows of a provider's months
/// are millions of small allocations (a ticket's strings, a timeline's
/// runs); freeing them takes a second or more that the build need not wait
/// for. A command-line build exits meanwhile, which frees them at once.
fn drop_later<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure (and `value`) is dropped here.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}

/// True when the published `published` of `customer` in `period` was made
/// by this version of slareport from the inputs it would be made from now:
/// the same rows behind it (the rows digest), agreement files, note,
/// slareport.toml and corrections.toml. Its figures are then what they
/// would be now, and the month is kept without being measured. Anything
/// else (another version, another digest rule, a changed input) is
/// measured and compared figure by figure as usual.
fn inputs_unchanged(prepared: &Prepared, known: Known, customer: &str, period: Period, published: &publish::Published) -> bool {
    let in_force = prepared.site.agreements_in_force(period);
    let Some(services) = settings_unchanged(&in_force, &prepared.notes, known, customer, period, published) else {
        return false;
    };
    let services: Vec<&str> = services.iter().map(String::as_str).collect();
    let (start, end) = period.bounds(prepared.site.config.timezone);
    // Checked under the rule it was made with (a rule this version no longer
    // knows vouches for nothing: the month is measured and compared).
    let published_rows = &published.manifest.content.rows;
    DigestRule::of(published_rows).is_some_and(|rule| prepared.data.rows_digest_as(rule, &services, Some(customer), start, end) == *published_rows)
}

/// The inputs of this build as a snapshot records them.
#[derive(Clone, Copy)]
pub(crate) struct Known<'a> {
    pub(crate) root: &'a Path,
    /// Every input file with its hash.
    pub(crate) inputs: &'a [InputFile],
    /// The text of every agreement file.
    pub(crate) agreement_texts: &'a BTreeMap<String, Vec<u8>>,
}

/// Everything of [`inputs_unchanged`] but the rows: the same tool,
/// slareport.toml, corrections.toml, agreement files and note. Returns the
/// services of the customer's SLAs in the period when all are as they were.
/// `in_force`: the agreements in force in `period` (`Site::agreements_in_force`).
pub(crate) fn settings_unchanged(
    in_force: &[&crate::model::Agreement],
    notes: &[Note],
    known: Known,
    customer: &str,
    period: Period,
    published: &publish::Published,
) -> Option<Vec<String>> {
    let Known { root, inputs, agreement_texts } = known;
    let manifest = &published.manifest;
    if manifest.tool != tool() {
        return None;
    }
    let settings = [crate::load::CONFIG_FILE, crate::load::corrections::CORRECTIONS_FILE];
    let hash_of = |list: &[InputFile], path: &str| list.iter().find(|i| i.path == path).map(|i| i.sha256.clone());
    if settings.iter().any(|f| hash_of(inputs, f) != hash_of(&manifest.inputs, f)) {
        return None;
    }
    // The agreements the report would use: the customer's SLAs in force in
    // the period and the agreements underpinning them (as `for_customer`).
    let slas: Vec<&crate::model::Agreement> = in_force.iter().copied().filter(|a| a.kind == AgreementKind::Sla && a.party == customer).collect();
    if slas.is_empty() {
        return None;
    }
    let underpinning: BTreeSet<&str> = slas.iter().flat_map(|a| a.targets.iter().flat_map(|t| t.underpinned_by.iter().map(String::as_str))).collect();
    let used = in_force.iter().copied().filter(|a| (a.kind == AgreementKind::Sla && a.party == customer) || underpinning.contains(a.id.as_str()));
    if agreement_digests(used, agreement_texts) != manifest.content.agreements {
        return None;
    }
    if note_digest(notes, root, customer, period) != manifest.content.note {
        return None;
    }
    Some(slas.iter().flat_map(|a| a.targets.iter().flat_map(|t| crate::measure::results::services_of(a, t))).map(str::to_string).collect())
}

/// What every customer's pages are made from.
struct Shared<'a> {
    renderer: &'a Renderer,
    site: &'a SiteView,
    prepared: &'a Prepared,
    root: &'a Path,
    out: &'a Path,
    revise: bool,
    agreement_texts: &'a BTreeMap<String, Vec<u8>>,
    inputs: &'a [InputFile],
    /// The periods measured (see `unchanged` for the others).
    all_results: &'a BTreeMap<Period, Results>,
    complete: &'a [Period],
    /// (customer, period) published and with its inputs as they were: kept.
    unchanged: &'a BTreeSet<(String, Period)>,
    /// What each published period's results.json says, by folder.
    snapshots: &'a BTreeMap<PathBuf, plan::Snapshot>,
    /// The month in progress, measured for the whole provider.
    to_date: Option<&'a Results>,
    to_date_link: Option<ToDateLink>,
    awaiting: &'a [String],
    bar: &'a indicatif::ProgressBar,
}

/// One customer's share of a build.
struct CustomerOutcome {
    /// Its mutable pages (index, to-date); its period folders are staged.
    pages: Vec<Page>,
    /// Published periods that would change, with why.
    refusals: Vec<String>,
    summary: CustomerSummary,
    kept: usize,
    published: Vec<(String, Period, u32)>,
    /// Time spent by this customer's task in each stage.
    timings: Timings,
}

/// A period decided for publication.
struct ToPublish {
    period: Period,
    revision: u32,
    why: Option<Revision>,
    results: Results,
    results_json: String,
    content: Content,
}

/// What a build does with one complete period of one customer.
enum Verdict {
    /// Published and unchanged, or nothing to publish.
    Keep,
    /// Published and would change: why.
    Refuse(String),
    Publish(Box<ToPublish>),
}

/// Decides one complete period of one customer: kept, refused, new or a
/// revision. Draws and writes nothing.
fn decide(shared: &Shared, customer: &CustomerView, latest: &BTreeMap<Period, &publish::Published>, period: Period, timings: &mut Timings) -> Result<Verdict, BuildError> {
    let Shared { prepared, root, out, revise, agreement_texts, all_results, .. } = *shared;
    if shared.unchanged.contains(&(customer.id.clone(), period)) {
        return Ok(Verdict::Keep);
    }
    let Some(all) = all_results.get(&period) else { return Ok(Verdict::Keep) };
    let results = timed(&mut timings.measure, || all.for_customer(&customer.id));
    if results.targets.iter().all(|t| t.kind != AgreementKind::Sla) {
        return Ok(Verdict::Keep);
    }
    let results_json = results_json(&results);
    // The rows digest and the comparison with what is published count as measuring.
    let (content, decision) = timed(&mut timings.measure, || {
        let content = content(prepared, root, customer, &results, &results_json, agreement_texts);
        let decision = match latest.get(&period).copied() {
            // Read back from the text, as a published results.json is read:
            // serde_json may parse a float one bit off the value written, and
            // both sides of the comparison must go through the same parse. A
            // month not published yet has nothing to be compared with.
            Some(published) => {
                let results_value: serde_json::Value = serde_json::from_str(&results_json).unwrap_or_default();
                // A month published under an earlier rule of the rows digest
                // that this version still knows has its rows compared under that rule.
                let rule = DigestRule::of(&published.manifest.content.rows).filter(|&r| r != DigestRule::CURRENT);
                let then = rule.map(|rule| Content { rows: rows_digest(prepared, &customer.id, &results, rule), ..content.clone() });
                plan::decide(out, Some(published), &Candidate { content: then.as_ref().unwrap_or(&content), results: &results_value }, revise)
            }
            None => Ok(Decision::New),
        };
        (content, decision)
    });
    let (revision, why) = match decision.map_err(|e| BuildError::Io(e.to_string()))? {
        Decision::Keep { .. } => return Ok(Verdict::Keep),
        Decision::Refuse { revision, changes } => {
            return Ok(Verdict::Refuse(format!(
                "{}/{} is published (revision {revision}) and would change:\n  - {}\n  run `slareport build --revise` to publish revision {} beside it",
                customer.id,
                period,
                changes.join("\n  - "),
                revision + 1
            )))
        }
        Decision::New => (1, None),
        Decision::Revise { revision, why } => (revision, Some(why)),
    };
    Ok(Verdict::Publish(Box::new(ToPublish { period, revision, why, results, results_json, content })))
}

/// One customer's part of a build while its periods are decided, drawn,
/// rendered and staged one month at a time.
struct CustomerState<'a> {
    /// Its published periods, the latest revision of each.
    latest: BTreeMap<Period, &'a publish::Published>,
    /// The other customers (whose notes a manifest leaves out).
    others: BTreeSet<String>,
    timings: Timings,
    refusals: Vec<String>,
    kept: usize,
    published: Vec<(String, Period, u32)>,
    /// Each new revision's summary and credits, for the customer index.
    new_revisions: Vec<(Period, u32, serde_json::Value, serde_json::Value)>,
}

impl<'a> CustomerState<'a> {
    fn new(shared: &Shared, customer: &CustomerView, published: &'a [publish::Published]) -> Self {
        CustomerState {
            latest: publish::latest(published),
            others: shared.prepared.site.customers().into_iter().filter(|o| *o != customer.id).map(|o| o.to_string()).collect(),
            timings: Timings::default(),
            refusals: Vec::new(),
            kept: 0,
            published: Vec::new(),
            new_revisions: Vec::new(),
        }
    }
}

/// Decides one complete period of one customer, and draws, renders and
/// stages it at once when it is to be published (holding none of it).
/// Charts come from `drawn`, shared by the customers of the month.
fn customer_period(shared: &Shared, customer: &CustomerView, state: &mut CustomerState, period: Period, drawn: &draw::Drawn, staging: &publish::Staging) -> Result<(), BuildError> {
    let Shared { renderer, site, prepared, agreement_texts, inputs, .. } = *shared;
    shared.bar.inc(1);
    let to_publish = match decide(shared, customer, &state.latest, period, &mut state.timings)? {
        Verdict::Keep => {
            state.kept += usize::from(state.latest.contains_key(&period));
            return Ok(());
        }
        Verdict::Refuse(why) => {
            state.refusals.push(why);
            return Ok(());
        }
        Verdict::Publish(p) => *p,
    };
    let ToPublish { period, revision, why, results, results_json, content } = to_publish;
    let summary = (serde_json::to_value(&results.summary).unwrap_or_default(), serde_json::to_value(&results.credits).unwrap_or_default());
    state.new_revisions.push((period, revision, summary.0, summary.1));
    if !state.refusals.is_empty() {
        // The build is refused: nothing more is drawn.
        return Ok(());
    }
    let folder = PathBuf::from(&customer.id).join(folder_name(period, revision));
    let own_inputs = customer_inputs(inputs, agreement_texts, &results, &state.others);
    let input = PeriodInput { results: &results, results_json, revision, why, content, inputs: own_inputs };
    let period_pages = period_pages(renderer, site, customer, prepared, agreement_texts, input, &folder, drawn, &mut state.timings)?;
    timed(&mut state.timings.publish, || staging.stage(&period_pages)).map_err(|e| BuildError::Io(e.to_string()))?;
    state.published.push((customer.id.clone(), period, revision));
    Ok(())
}

/// Renders a customer's to-date page and its index once its periods are
/// done (returned: they are mutable pages).
fn customer_pages(shared: &Shared, customer: &CustomerView, published: &[publish::Published], state: CustomerState) -> Result<CustomerOutcome, BuildError> {
    let Shared { renderer, site, .. } = *shared;
    let CustomerState { mut timings, refusals, kept, published: published_now, new_revisions, .. } = state;
    let mut pages = Vec::new();
    let to_date = match shared.to_date {
        Some(all) => {
            let results = timed(&mut timings.measure, || all.for_customer(&customer.id));
            let has_sla = results.targets.iter().any(|t| t.kind == AgreementKind::Sla);
            if has_sla {
                pages.extend(timed(&mut timings.render, || to_date_pages(renderer, site, customer, &results))?);
            }
            shared.to_date_link.clone().filter(|_| has_sla)
        }
        None => None,
    };
    let (index, summary) = timed(&mut timings.render, || customer_index(renderer, site, customer, shared.snapshots, published, &new_revisions, to_date.as_ref(), shared.awaiting))?;
    pages.push(index);
    pages.push(Page::new(PathBuf::from(&customer.id).join("style.css"), renderer.css.clone()));
    Ok(CustomerOutcome { pages, refusals, summary, kept, published: published_now, timings })
}

/// An output folder of its own: not the site folder or a folder holding it,
/// and not inside the site's inputs (`--out` is not checked by `check`).
fn check_out(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    // The longest existing ancestor, resolved (symlinks followed), with the rest appended.
    let resolve = |p: &Path| -> PathBuf {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else { break };
            rest.push(name.to_os_string());
            existing = parent;
        }
        let mut resolved = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
        resolved.extend(rest.iter().rev());
        resolved
    };
    let (site, output) = (resolve(root), resolve(out));
    if site.starts_with(&output) {
        return Err(Diagnostic::error(format!("the output folder {} holds the site folder; expected a folder of its own", out.display()))
            .with_hint("publish into a folder such as `public` inside the site, or anywhere outside it"));
    }
    for input in crate::load::site::INPUT_FOLDERS {
        if output.starts_with(site.join(input)) {
            return Err(Diagnostic::error(format!("the output folder {} is inside the site's inputs ({input}); expected a folder of its own", out.display()))
                .with_hint("publish into a folder such as `public` inside the site, or anywhere outside it"));
        }
    }
    Ok(())
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

fn customers(site: &Site, only: Option<&str>) -> Result<Vec<CustomerView>, BuildError> {
    let all = site.customers();
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
            name: site.config.customers.get(id).map_or_else(|| id.to_string(), |c| c.name.clone()),
        })
        .collect())
}

/// A file's path relative to the site, with `/`.
pub(crate) fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The agreement versions a customer's report used: its SLAs and what
/// underpins them, each in the version in force in the period.
fn used_agreements<'a>(prepared: &'a Prepared, results: &Results) -> Vec<&'a crate::model::Agreement> {
    results
        .agreements
        .iter()
        .filter_map(|a| prepared.site.versions.iter().find(|v| v.id == a.id && slashed(&v.file) == a.file))
        .collect()
}

/// The text of every agreement file (every version), by its path, read once
/// per build: each report hashes and copies the versions it used.
fn agreement_texts(root: &Path, site: &Site) -> Result<BTreeMap<String, Vec<u8>>, BuildError> {
    site
        .versions
        .iter()
        .map(|a| {
            std::fs::read(root.join(&a.file))
                .map(|bytes| (slashed(&a.file), bytes))
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
    let agreements = agreement_digests(used_agreements(prepared, results), agreement_texts);
    let note = note_digest(&prepared.notes, root, &customer.id, results.period);
    // results.json as published (it carries no trend: it is all the period's own).
    Content { results: sha256(results_json.as_bytes()), rows: rows_digest(prepared, &customer.id, results, DigestRule::CURRENT), agreements, note }
}

/// The digest under `rule` of the rows behind a customer's period: those of
/// the services of its SLA rows.
fn rows_digest(prepared: &Prepared, customer: &str, results: &Results, rule: DigestRule) -> String {
    let services: Vec<&str> = results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).map(|t| t.service.as_str()).collect();
    let (start, end) = results.period.bounds(prepared.site.config.timezone);
    prepared.data.rows_digest_as(rule, &services, Some(customer), start, end)
}

/// What made a snapshot, as its manifest names it.
pub(crate) fn tool() -> String {
    format!("slareport {}", env!("CARGO_PKG_VERSION"))
}

/// sha256 of each agreement's file (every version's text is read once per
/// build), by agreement id: what a snapshot records of the agreements it used.
fn agreement_digests<'a>(agreements: impl IntoIterator<Item = &'a crate::model::Agreement>, agreement_texts: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    agreements
        .into_iter()
        .map(|a| (a.id.clone(), agreement_texts.get(&slashed(&a.file)).map_or_else(String::new, |text| sha256(text))))
        .collect()
}

/// sha256 of the customer's note of the period, if it has one.
fn note_digest(notes: &[Note], root: &Path, customer: &str, period: Period) -> Option<String> {
    notes
        .iter()
        .find(|n| n.customer == customer && n.period == period)
        .map(|n| sha256(&std::fs::read(root.join(&n.file)).unwrap_or_default()))
}

/// results.json as published: compact (no indentation), one line and a
/// newline. It is read back as parsed JSON only (the publishing decision,
/// the trend history, the customer index), never as text, so its layout is
/// free; pretty printing made it 70 % larger.
fn results_json(results: &Results) -> String {
    let mut text = serde_json::to_string(results).unwrap_or_default();
    text.push('\n');
    text
}

/// sha256 and size of every input file (provenance, and which data files
/// changed since a snapshot: see [`incremental`]); each file is hashed as it
/// is read, in blocks.
fn input_files(root: &Path, loaded: &crate::measure::Loaded) -> Vec<InputFile> {
    let mut paths: Vec<PathBuf> = vec![PathBuf::from(crate::load::CONFIG_FILE)];
    if root.join(crate::load::corrections::CORRECTIONS_FILE).is_file() {
        paths.push(PathBuf::from(crate::load::corrections::CORRECTIONS_FILE));
    }
    paths.extend(loaded.site.versions.iter().map(|a| a.file.clone()));
    paths.extend(loaded.notes.iter().map(|n| n.file.clone()));
    for source in loaded.site.config.sources.values() {
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
    // One file a task: a few big data files among many small agreement
    // files would otherwise fall to one thread together.
    paths
        .into_par_iter()
        .with_max_len(1)
        .filter_map(|p| {
            let (sha256, bytes) = sha256_file(&root.join(&p)).ok()?;
            Some(InputFile { path: slashed(&p), sha256, bytes, reach: None })
        })
        .collect()
}

/// The inputs a customer's manifest lists: the site configuration, the data
/// files, the agreements its report used and its own notes; never another
/// customer's files. (`agreement_files` holds every agreement version's
/// file; both tests are lookups: a provider has a thousand input files and
/// two hundred customers, each with thirteen months.)
fn customer_inputs(inputs: &[InputFile], agreement_files: &BTreeMap<String, Vec<u8>>, results: &Results, others: &BTreeSet<String>) -> Vec<InputFile> {
    let used: BTreeSet<&str> = results.agreements.iter().map(|a| a.file.as_str()).collect();
    inputs
        .iter()
        .filter(|i| !agreement_files.contains_key(&i.path) || used.contains(i.path.as_str()))
        .filter(|i| !note_owner(&i.path).is_some_and(|o| others.contains(o)))
        .cloned()
        .collect()
}

/// The customer whose notes folder holds `path` (`notes/<customer>/...`;
/// a customer id holds no `/`).
fn note_owner(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(crate::load::notes::NOTES_DIR)?.strip_prefix('/')?;
    rest.split_once('/').map(|(owner, _)| owner)
}

/// One period of one customer, ready to be rendered.
struct PeriodInput<'a> {
    results: &'a Results,
    /// results.json as published.
    results_json: String,
    revision: u32,
    /// Why this revision exists (revisions after the first).
    why: Option<Revision>,
    content: Content,
    inputs: Vec<InputFile>,
}

#[allow(clippy::too_many_arguments)]
fn period_pages(
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
fn to_date_pages(renderer: &Renderer, site: &SiteView, customer: &CustomerView, results: &Results) -> Result<Vec<Page>, BuildError> {
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
fn customer_index(
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
