//! Which data files a build must read.
//!
//! A provider publishing its thirteenth month should not read twelve months
//! of probe samples again to learn that nothing in them changed. Every
//! snapshot's manifest lists each data file with its sha256 and its reach
//! (rows, and the stretch of time they bear on: see
//! [`crate::measure::data::Reach`]). A published month is *settled* when,
//! for every customer of the build with an SLA in force in it, the month is
//! published by this version of slareport, its settings, agreements and
//! note are as they were (as `build` checks before keeping a month unmeasured), and the
//! data files whose rows bear on the month are exactly those the snapshot
//! recorded, byte for byte. The rows behind a settled month are then the
//! rows it was made from, without reading one.
//!
//! So a build:
//! 1. hashes every file (cheap: a few seconds for gigabytes);
//! 2. reads the files no snapshot vouches for (new or changed: their reach
//!    is learnt by reading them);
//! 3. finds the first complete month that is not settled, and reads every
//!    file whose rows bear on that month or later, and on the latest
//!    complete month and the month in progress (always measured).
//!
//! Months before that are kept as published; figures of them are never
//! computed from the partial data: a trend that would need one makes the
//! build start again reading every file (see
//! [`crate::measure::results::FigureCache::missed`]). With `corrections.toml`
//! every file is read (a correction may name a row of any month).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::measure::data::{Partial, Reach};
use crate::measure::Loaded;
use crate::period::Period;
use crate::model::AgreementKind;
use crate::publish::{self, Published};
use crate::render::CustomerView;

use super::inputs::slashed;
use super::unchanged::{settings_unchanged, tool, Known};

/// What a build needs to decide which files to read.
pub(super) struct Context<'a> {
    pub customers: &'a [CustomerView],
    pub published_of: &'a BTreeMap<String, Vec<Published>>,
    /// The site folder, every input with its hash, the agreement texts.
    pub known: Known<'a>,
    pub as_of: i64,
    pub only: Option<Period>,
    /// False: read every file (the second attempt of a build whose trends
    /// needed an unread month).
    pub incremental: bool,
}

/// What was read.
#[derive(Debug, Default)]
pub(super) struct Reading {
    /// `None`: every file was read.
    pub partial: Option<Partial>,
    /// Complete months before `partial.from`, settled: `true` when some
    /// customer of the build has the month published, `false` when no
    /// customer has an SLA in force in it (nothing to publish).
    pub settled: BTreeMap<Period, bool>,
    /// Every data file's reach, by its path with `/`.
    pub reach: BTreeMap<String, Reach>,
    /// How many files were read in part (see [`Loaded::read_from`]).
    pub in_part: usize,
}

/// Reads the files the build needs into `loaded` (every file unless the
/// published months show that some cannot change anything to publish).
pub(super) fn read_needed(loaded: &mut Loaded, cx: &Context) -> Result<Reading, Diagnostics> {
    let root = cx.known.root;
    let files: Vec<PathBuf> = loaded.files().map(Path::to_path_buf).collect();
    let corrections = root.join(crate::load::corrections::CORRECTIONS_FILE).is_file();
    if !cx.incremental || corrections {
        return read_all(loaded, root, &files);
    }
    let keys = Keys::new(cx);
    let vouched = vouched(cx, &keys);
    // New and changed files are read whatever happens: reading them is how their reach is learnt.
    let unknown: BTreeSet<PathBuf> = files.iter().filter(|f| !vouched.contains_key(&keys.of(f))).cloned().collect();
    loaded.read(root, &|f| unknown.contains(f))?;
    let reach: BTreeMap<PathBuf, Reach> =
        files.iter().map(|f| (f.clone(), loaded.reach(f).or_else(|| vouched.get(&keys.of(f)).copied()).unwrap_or_default())).collect();
    let tz = loaded.site.config.timezone;
    let first = reach.values().filter_map(|r| r.first).min();
    let Some(first_period) = first.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| Period::of(d.with_timezone(&tz).date_naive())) else {
        return read_all(loaded, root, &files);
    };
    let settler = Settler::new(loaded, cx, &files, &reach, &keys);
    let (from, mut settled) = first_to_read(&settler, first_period);
    let Some(from) = from else {
        return read_all(loaded, root, &files);
    };
    // A file the snapshots vouch for, with rows before `from`, is read from
    // `from` on (the probe file of the month before the first one measured
    // for its last hours only, a ticket export of every month for the
    // tickets still open or decided since); its earlier rows are left
    // unread like those of a file not read.
    loaded.read_from(root, &|f| {
        let r = &reach[f];
        r.touches(from, i64::MAX).then(|| (!unknown.contains(f) && r.from.is_some_and(|lo| lo < from)).then_some(from))
    })?;
    let unread: Vec<&Reach> =
        files.iter().filter(|f| loaded.reach(f).is_none() || loaded.read_since(f).is_some()).map(|f| &reach[f]).filter(|r| r.rows > 0).collect();
    let partial = (!unread.is_empty()).then(|| Partial {
        from,
        first: unread.iter().filter_map(|r| r.first).min(),
        earliest: unread.iter().filter_map(|r| r.from).min().unwrap_or(from),
    });
    settled.retain(|p, _| {
        let (start, end) = p.bounds(tz);
        partial.is_some_and(|part| part.misses(start, end))
    });
    let in_part = files.iter().filter(|f| loaded.read_since(f).is_some()).count();
    Ok(Reading { partial, settled, reach: reach.into_iter().map(|(f, r)| (slashed(&f), r)).collect(), in_part })
}

/// A data file as snapshots name it: its path with `/` and its sha256 now.
struct Keys<'a> {
    sha: HashMap<&'a str, &'a str>,
}

impl<'a> Keys<'a> {
    fn new(cx: &Context<'a>) -> Self {
        Keys { sha: cx.known.inputs.iter().map(|i| (i.path.as_str(), i.sha256.as_str())).collect() }
    }

    fn of(&self, f: &Path) -> (String, String) {
        let path = slashed(f);
        let hash = self.sha.get(path.as_str()).copied().unwrap_or_default().to_string();
        (path, hash)
    }
}

/// Reaches vouched for by snapshots of this tool made from this slareport.toml.
fn vouched(cx: &Context, keys: &Keys) -> HashMap<(String, String), Reach> {
    let config = keys.sha.get(crate::load::CONFIG_FILE).copied();
    let mut vouched = HashMap::new();
    for published in cx.published_of.values().flatten() {
        let m = &published.manifest;
        let same_config = m.inputs.iter().find(|i| i.path == crate::load::CONFIG_FILE).map(|i| i.sha256.as_str()) == config;
        if m.tool != tool() || !same_config {
            continue;
        }
        for i in &m.inputs {
            if let Some(r) = i.reach {
                vouched.insert((i.path.clone(), i.sha256.clone()), r);
            }
        }
    }
    vouched
}

/// Whether a month is settled (see the module documentation).
struct Settler<'a> {
    loaded: &'a Loaded,
    cx: &'a Context<'a>,
    files: &'a [PathBuf],
    reach: &'a BTreeMap<PathBuf, Reach>,
    keys: &'a Keys<'a>,
    /// Paths with `/` of the data files listed now.
    data_paths: BTreeSet<String>,
    latest: BTreeMap<&'a str, BTreeMap<Period, &'a Published>>,
}

impl<'a> Settler<'a> {
    fn new(loaded: &'a Loaded, cx: &'a Context<'a>, files: &'a [PathBuf], reach: &'a BTreeMap<PathBuf, Reach>, keys: &'a Keys<'a>) -> Self {
        let data_paths = files.iter().map(|f| slashed(f)).collect();
        let latest = cx.published_of.iter().map(|(c, list)| (c.as_str(), publish::latest(list))).collect();
        Settler { loaded, cx, files, reach, keys, data_paths, latest }
    }

    /// A data file of a snapshot: listed now, or a Parquet file in a source's folder.
    fn is_data(&self, path: &str) -> bool {
        self.data_paths.contains(path)
            || self.loaded.site.config.sources.values().any(|s| {
                let folder = slashed(&s.path);
                path.starts_with(&format!("{folder}/")) && crate::scan::is_parquet(Path::new(path))
            })
    }

    /// `Some(true)` settled and published, `Some(false)` nothing to publish,
    /// `None` not settled.
    fn settle(&self, period: Period) -> Option<bool> {
        let site = &self.loaded.site;
        let (start, end) = period.bounds(site.config.timezone);
        let now: BTreeSet<(String, String)> = self.files.iter().filter(|f| self.reach[*f].touches(start, end)).map(|f| self.keys.of(f)).collect();
        let in_force = site.agreements_in_force(period);
        let mut any = false;
        for customer in self.cx.customers {
            if !in_force.iter().any(|a| a.kind == AgreementKind::Sla && a.party == customer.id) {
                continue;
            }
            let published = self.latest.get(customer.id.as_str()).and_then(|l| l.get(&period))?;
            settings_unchanged(&in_force, &self.loaded.notes, self.cx.known, &customer.id, period, published)?;
            let mut then = BTreeSet::new();
            for i in published.manifest.inputs.iter().filter(|i| self.is_data(&i.path)) {
                if i.reach?.touches(start, end) {
                    then.insert((i.path.clone(), i.sha256.clone()));
                }
            }
            if then != now {
                return None;
            }
            any = true;
        }
        Some(any)
    }
}

/// The instant to read from, and the settled months before it: the first
/// complete month that is not settled, the latest complete month or the
/// month in progress, whichever comes first; with `--period`, that month or
/// the month in progress (no other month is measured).
fn first_to_read(settler: &Settler, first_period: Period) -> (Option<i64>, BTreeMap<Period, bool>) {
    let cx = settler.cx;
    let config = &settler.loaded.site.config;
    let (tz, wait) = (config.timezone, config.publish_after);
    let mut settled = BTreeMap::new();
    let (mut unsettled, mut last_complete, mut in_progress) = (None, None, None);
    let mut p = first_period;
    loop {
        let (start, end) = p.bounds(tz);
        if end > cx.as_of {
            if start <= cx.as_of {
                in_progress = Some(start);
            }
            break;
        }
        if end + wait <= cx.as_of {
            last_complete = Some(start);
            if unsettled.is_none() && cx.only.is_none() {
                match settler.settle(p) {
                    Some(published) => {
                        settled.insert(p, published);
                    }
                    None => unsettled = Some(start),
                }
            }
        }
        p = p.next();
    }
    let candidates = match cx.only {
        Some(only) => [Some(only.bounds(tz).0), in_progress, None],
        None => [unsettled, last_complete, in_progress],
    };
    (candidates.into_iter().flatten().min(), settled)
}

fn read_all(loaded: &mut Loaded, root: &Path, files: &[PathBuf]) -> Result<Reading, Diagnostics> {
    loaded.read(root, &|_| true)?;
    let reach = files.iter().map(|f| (slashed(f), loaded.reach(f).unwrap_or_default())).collect();
    Ok(Reading { reach, ..Reading::default() })
}
