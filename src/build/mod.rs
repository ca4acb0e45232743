//! `slareport build`: every stage in order, from site folder to published site.
//!
//! ```text
//! start     load the site, hash every input, the renderer    (inputs.rs)
//! read      scan the data files the months to publish need   (reads.rs)
//! schedule  complete months, the month in progress, waiting  (schedule.rs)
//! lock      published months and their snapshots             (output.rs)
//! measure   the periods that are not kept unmeasured         (measure.rs, unchanged.rs)
//! decide    per customer: keep, refuse, publish, revise      (decide.rs)
//! draw + render + stage, month by month, per customer        (customer.rs, pages.rs)
//! commit    indexes and the provider overview, then in place
//! ```
//!
//! Months and as-of: a month is complete when it ended at least
//! `publish_after` before as-of; only complete months are published, and a
//! published month is a snapshot. The month holding as-of is "to date": each
//! customer gets a provisional page `<customer>/to-date/index.html`, replaced
//! by every build, with each target's figure so far and its forecast.

mod context;
mod customer;
mod decide;
mod error;
mod inputs;
mod measure;
mod output;
mod pages;
mod reads;
mod schedule;
mod timings;
mod unchanged;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

use crate::measure::results::History;
use crate::measure::Loaded;
use crate::period::{instant_text, AsOf, Period};
use crate::publish::{self, plan, Published};
use crate::publish::manifest::InputFile;
use crate::render::{view, CustomerSummary, CustomerView, Page, Renderer, SiteView, ToDateLink};

use context::Shared;
pub use error::BuildError;
pub use pages::TO_DATE_DIR;
pub use schedule::{measured_period, schedule, Schedule};
pub use timings::Timings;
use timings::timed;
use unchanged::Known;

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

/// Builds the site, reading only the data files the months to publish need
/// (see [`reads`]); when a trend needs a month that was not read, the build
/// starts again reading every file. Nothing is written before the end, so
/// starting again costs only time.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    match build_once(options, true)? {
        Some(report) => Ok(report),
        None => build_once(options, false)?.ok_or_else(|| BuildError::Io("the measurements were read in full and still found incomplete".into())),
    }
}

/// One attempt of [`build`], the stages in order; `None` when the data read
/// in part was not enough (or another build published meanwhile).
fn build_once(options: &BuildOptions, incremental: bool) -> Result<Option<BuildReport>, BuildError> {
    let mut timings = Timings::default();
    let start = begin(options, &mut timings)?;
    // Every customer's published months, read here without the lock only to
    // choose the files to read; read again under the lock below.
    let seen = if incremental { output::published_of(&start.out, &start.customers)? } else { BTreeMap::new() };
    let Some(mut read) = read(options, start, &seen, incremental, &mut timings)? else { return Ok(None) };

    // Held until the last page is written, from before the published months are read.
    let output_lock = publish::lock(&read.out).map_err(io)?;
    let published_of = output::published_of(&read.out, &read.customers)?;
    if incremental && published_of != seen {
        // Another build published meanwhile: choose the files again.
        return Ok(None);
    }
    let snapshots = output::snapshots(&read.out, &published_of, std::mem::take(&mut read.early))?;
    let history = history(&published_of, &snapshots);

    let known = Known { root: &options.root, inputs: &read.inputs, agreement_texts: &read.agreement_texts };
    let complete = &read.schedule.complete;
    let unchanged = timed(&mut timings.measure, || measure::unchanged(&read.prepared, known, &read.customers, &published_of, complete));
    let to_measure = measure::to_measure(complete, &read.customers, &unchanged);
    let measuring = || measure::measure(&read.prepared, &to_measure, &read.schedule, read.as_of, &history);
    let Some(measured) = timed(&mut timings.measure, measuring) else {
        // A trend needed a month whose rows were not read.
        return Ok(None);
    };

    let shared = shared(options, &read, &measured, &unchanged, &snapshots);
    let staging = publish::Staging::begin(&output_lock).map_err(io)?;
    let done = customer::run(&shared, &read.customers, &published_of, &staging)?;
    timings.add(&done.timings);
    if !done.refusals.is_empty() {
        // Dropping the staging removes every staged folder.
        drop(staging);
        return Err(BuildError::Refused(done.refusals));
    }
    let mut pages = done.pages;
    if options.customer.is_none() {
        pages.extend(provider_pages(&read.renderer, &read.site, &done.summaries, &measured)?);
    }
    timed(&mut timings.publish, || staging.commit(&pages)).map_err(io)?;
    let report = BuildReport {
        out: read.out.clone(),
        published: done.published,
        kept: done.kept,
        to_date: read.schedule.in_progress,
        awaiting: read.schedule.awaiting.clone(),
        warnings: read.prepared.warnings.clone(),
        timings,
        measured: to_measure,
        files_read: read.files_read,
        files_read_in_part: read.files_read_in_part,
    };
    drop(shared);
    drop_later((read.prepared, snapshots, history, measured, published_of, seen));
    Ok(Some(report))
}

/// What every customer's pages are made from (see [`Shared`]).
fn shared<'a>(
    options: &'a BuildOptions,
    read: &'a Read,
    measured: &'a measure::Measured,
    unchanged: &'a BTreeSet<(String, Period)>,
    snapshots: &'a BTreeMap<PathBuf, plan::Snapshot>,
) -> Shared<'a> {
    let tz = read.prepared.site.config.timezone;
    let schedule = &read.schedule;
    Shared {
        renderer: &read.renderer,
        site: &read.site,
        prepared: &read.prepared,
        root: &options.root,
        out: &read.out,
        revise: options.revise,
        agreement_texts: &read.agreement_texts,
        inputs: &read.inputs,
        all_results: &measured.complete,
        complete: &schedule.complete,
        unchanged,
        snapshots,
        to_date: measured.to_date.as_ref(),
        to_date_link: schedule.in_progress.map(|period| to_date_link(period, read.as_of, tz)),
        awaiting: pages::awaiting_lines(&schedule.awaiting, tz),
        bar: progress_bar(options.progress, (read.customers.len() * schedule.complete.len()) as u64),
    }
}

fn io(e: impl std::fmt::Display) -> BuildError {
    BuildError::Io(e.to_string())
}

/// What a build knows before it reads a data file.
struct Start {
    loaded: Loaded,
    renderer: Renderer,
    out: PathBuf,
    customers: Vec<CustomerView>,
    as_of: i64,
    site: SiteView,
    inputs: Vec<InputFile>,
    agreement_texts: BTreeMap<String, Vec<u8>>,
}

/// Loads the site, makes the renderer, checks the output folder and hashes
/// every input.
fn begin(options: &BuildOptions, timings: &mut Timings) -> Result<Start, BuildError> {
    let loaded = timed(&mut timings.scan, || crate::measure::load(&options.root)).map_err(BuildError::Problems)?;
    let config = &loaded.site.config;
    let built = options.source_date_epoch.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string());
    let renderer = Renderer::new(&options.root, &config.theme, built).map_err(BuildError::Problems)?;
    let out = options.out.clone().unwrap_or_else(|| options.root.join(&config.output));
    output::check_out(&options.root, &out).map_err(|d| BuildError::Problems(d.into()))?;
    let customers = customer::customers(&loaded.site, options.customer.as_deref())?;
    let as_of = options.as_of.instant(config.timezone);
    let site = SiteView { title: config.title.clone() };
    let inputs = timed(&mut timings.scan, || inputs::input_files(&options.root, &loaded));
    let agreement_texts = inputs::agreement_texts(&options.root, &loaded.site)?;
    Ok(Start { loaded, renderer, out, customers, as_of, site, inputs, agreement_texts })
}

/// The data read and the months scheduled, with what [`Start`] knew.
struct Read {
    prepared: crate::measure::Prepared,
    /// Every input, with the reach of each data file.
    inputs: Vec<InputFile>,
    agreement_texts: BTreeMap<String, Vec<u8>>,
    /// Snapshots read while the data was scanned.
    early: BTreeMap<PathBuf, plan::Snapshot>,
    schedule: Schedule,
    renderer: Renderer,
    out: PathBuf,
    customers: Vec<CustomerView>,
    as_of: i64,
    site: SiteView,
    files_read: (usize, usize),
    files_read_in_part: usize,
}

/// Reads the data files the months to measure need (see [`reads`]) and
/// schedules the months. The published snapshots are read meanwhile (a
/// core the scan leaves idle takes them). `None` when the latest complete
/// month was not read (it is always measured: the provider overview shows it).
fn read(options: &BuildOptions, start: Start, seen: &BTreeMap<String, Vec<Published>>, incremental: bool, timings: &mut Timings) -> Result<Option<Read>, BuildError> {
    let Start { mut loaded, renderer, out, customers, as_of, site, mut inputs, agreement_texts } = start;
    let context = reads::Context {
        customers: &customers,
        published_of: seen,
        known: Known { root: &options.root, inputs: &inputs, agreement_texts: &agreement_texts },
        as_of,
        only: options.period,
        incremental,
    };
    let (reading, early) = rayon::join(
        || timed(&mut timings.scan, || reads::read_needed(&mut loaded, &context)),
        || output::read_snapshots(&out, &seen.values().flatten().collect::<Vec<_>>()),
    );
    let reading = reading.map_err(BuildError::Problems)?;
    // Any that could not be read are read again under the lock, which says why.
    let early: BTreeMap<PathBuf, plan::Snapshot> = early.into_iter().flatten().collect();
    for input in &mut inputs {
        input.reach = reading.reach.get(&input.path).copied();
    }
    let prepared = timed(&mut timings.scan, || loaded.finish(reading.partial)).map_err(BuildError::Problems)?;
    let schedule = schedule::schedule_with(&prepared, options.period, as_of, &reading.settled).map_err(|d| BuildError::Problems(d.into()))?;
    if let Some(last) = schedule.complete.last() {
        let (start, end) = last.bounds(prepared.site.config.timezone);
        if prepared.data.unread(start, end) {
            return Ok(None);
        }
    }
    let files_read = (prepared.data.files.len(), reading.reach.len());
    let files_read_in_part = reading.in_part;
    Ok(Some(Read { prepared, inputs, agreement_texts, early, schedule, renderer, out, customers, as_of, site, files_read, files_read_in_part }))
}

/// Trend history: every published month's figures, as published.
fn history(published_of: &BTreeMap<String, Vec<Published>>, snapshots: &BTreeMap<PathBuf, plan::Snapshot>) -> History {
    let mut history = History::default();
    for published in published_of.values() {
        history.extend(plan::history_of(published, snapshots));
    }
    history
}

/// The link from each customer's index to its to-date page.
fn to_date_link(period: Period, as_of: i64, tz: chrono_tz::Tz) -> ToDateLink {
    ToDateLink { href: format!("{TO_DATE_DIR}/index.html"), label: view::period_label(period), as_of: instant_text(as_of, tz) }
}

/// The provider overview (the latest complete month measured) and the site's style sheet.
fn provider_pages(renderer: &Renderer, site: &SiteView, summaries: &[CustomerSummary], measured: &measure::Measured) -> Result<Vec<Page>, BuildError> {
    let latest = measured.complete.values().next_back().map(view::provider);
    let html = renderer.provider(site, summaries, latest.as_ref()).map_err(BuildError::Problems)?;
    Ok(vec![Page::new("index.html", html), Page::new("style.css", renderer.css.clone())])
}

/// Frees `value` on a thread of its own. The rows of a provider's months
/// are millions of small allocations (a ticket's strings, a timeline's
/// runs); freeing them takes a second or more that the build need not wait
/// for. A command-line build exits meanwhile, which frees them at once.
fn drop_later<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure (and `value`) is dropped here.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
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
