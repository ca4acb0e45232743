//! The `measure` stage: every target of every agreement for a period, as
//! exact figures with status, credits, error budget, attribution and trend.
//!
//! Rules are those of docs/rules.md; each module holds one part:
//! [`calendar`] turns service hours into UTC intervals (months are cut by
//! [`crate::period`]), [`intervals`] does the set arithmetic, [`exact`]
//! compares without floating point, [`metrics`] computes one figure,
//! [`results`] assembles what the report shows, [`format`] writes numbers
//! as people read them and [`print`] as a terminal table.

pub mod calendar;
pub mod changes;
pub mod completeness;
pub mod corrections;
pub mod data;
pub mod exact;
pub mod forecast;
pub mod format;
pub mod intervals;
pub mod metrics;
pub mod print;
pub mod results;
pub mod samples;

pub use data::Data;
pub use results::{measure, Results};

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::period::Period;

/// A loaded, scanned site ready to be measured.
#[derive(Debug)]
pub struct Prepared {
    pub site: crate::model::Site,
    pub notes: Vec<crate::load::notes::Note>,
    /// The measurements, corrected.
    pub data: Data,
    /// `corrections.toml` as applied, and the data as exported (only when
    /// there are corrections), to show what each one moved.
    pub corrections: Option<results::Corrections>,
    /// Warnings met on the way (errors stop preparation).
    pub warnings: Diagnostics,
}

/// Loads the site in `root`, its notes and every source. Any error stops
/// here: figures are never computed from a site with problems.
pub fn prepare(root: &Path) -> Result<Prepared, Diagnostics> {
    let mut loaded = load(root)?;
    loaded.read(root, &|_| true)?;
    loaded.finish(None)
}

/// A site loaded, with the files of its sources listed and some of them
/// read: the first half of [`prepare`], for a build that reads only the
/// files the months it publishes need.
#[derive(Debug)]
pub struct Loaded {
    pub site: crate::model::Site,
    pub notes: Vec<crate::load::notes::Note>,
    pub warnings: Diagnostics,
    /// Every file of every source, in reading order, and whether it was read.
    files: Vec<(crate::model::SourceKind, crate::scan::Listed, bool)>,
    /// Files read in part: from when their rows were read (see [`Loaded::read_from`]).
    partly: std::collections::BTreeMap<PathBuf, i64>,
    builder: data::Builder,
}

/// Loads the site in `root` and its notes, and lists the files of every
/// source without reading them.
pub fn load(root: &Path) -> Result<Loaded, Diagnostics> {
    let loaded = crate::load::load_site(root);
    let mut problems = loaded.problems;
    let Some(site) = loaded.site.filter(|_| !problems.has_errors()) else {
        return Err(problems);
    };
    let (notes, p) = crate::load::notes::load_notes(&site);
    problems.extend(p);
    let mut files = Vec::new();
    for (kind, source) in &site.config.sources {
        match crate::scan::list_files(root, source) {
            Ok(listed) => files.extend(listed.into_iter().map(|l| (*kind, l, false))),
            Err(p) => problems.extend(p),
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let interval = site.config.sources.get(&crate::model::SourceKind::Samples).map_or(60, |s| s.interval);
    let builder = data::Builder::new(interval, site.config.sources.keys().copied().collect());
    Ok(Loaded { site, notes, warnings: problems, files, partly: Default::default(), builder })
}

impl Loaded {
    /// Every file of every source (relative to the site folder), in reading order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(_, l, _)| l.file.as_path())
    }

    /// Reads the files `which` selects that are not read yet (files of all
    /// sources in parallel, a few at a time). Any problem stops here.
    pub fn read(&mut self, root: &Path, which: &dyn Fn(&Path) -> bool) -> Result<(), Diagnostics> {
        self.read_from(root, &|f| which(f).then_some(None))
    }

    /// [`Loaded::read`], where `which` also says from when a file's rows are
    /// wanted: `Some(None)` every row, `Some(Some(t))` the rows bearing on
    /// `t` or later (see [`crate::scan::Wanted::since`]), `None` not read.
    pub fn read_from(&mut self, root: &Path, which: &dyn Fn(&Path) -> Option<Option<i64>>) -> Result<(), Diagnostics> {
        let config = &self.site.config;
        let chosen: Vec<crate::scan::Wanted> = self
            .files
            .iter()
            .filter(|(_, _, read)| !*read)
            .filter_map(|(kind, listed, _)| {
                let since = which(&listed.file)?;
                Some(crate::scan::Wanted { source: config.sources.get(kind)?, listed, since })
            })
            .collect();
        let partly: Vec<(PathBuf, i64)> = chosen.iter().filter_map(|w| Some((w.listed.file.clone(), w.since?))).collect();
        // Each file is arranged on the thread that reads it, into a builder
        // of its own; those are joined here in reading order.
        let template = self.builder.empty_like();
        let start = || template.empty_like();
        let fold = |builder: &mut data::Builder, part: crate::scan::Part| {
            builder
                .add(part.kind, Some(&part.file), &part.frame, part.set_aside)
                .map(|_| ())
                .map_err(|e| Diagnostic::error(format!("cannot arrange {}: {e}", part.file.display())).in_file(&part.file).into())
        };
        let mut problems = Diagnostics::new();
        let builder = &mut self.builder;
        crate::scan::fold_files(root, &chosen, crate::scan::Chunking::default(), &start, &fold, &mut |_, read| match read {
            Ok(file) if !problems.has_errors() => builder.append(file),
            Ok(_) => {}
            Err(p) => problems.extend(p),
        });
        if problems.has_errors() {
            return Err(problems);
        }
        self.warnings.extend(problems);
        for (_, l, read) in &mut self.files {
            if !*read && which(&l.file).is_some() {
                *read = true;
            }
        }
        self.partly.extend(partly);
        Ok(())
    }

    /// For a file read in part, the instant its rows were read from.
    pub fn read_since(&self, file: &Path) -> Option<i64> {
        self.partly.get(file).copied()
    }

    /// What a file read holds; `None` for a file not read (yet).
    pub fn reach(&self, file: &Path) -> Option<data::Reach> {
        self.builder.reach(file)
    }

    /// Arranges what was read, indexes the calendars and applies
    /// `corrections.toml`. `partial`: what was left unread (see [`Data::partial`]).
    pub fn finish(self, partial: Option<data::Partial>) -> Result<Prepared, Diagnostics> {
        let Loaded { site, notes, mut warnings, mut builder, .. } = self;
        builder.partial(partial);
        let mut data = builder.finish();
        data.index_calendars(&site.config.calendars);
        let (list, p) = crate::load::corrections::load_corrections(&site);
        warnings.extend(p);
        let mut corrections = None;
        if !list.is_empty() {
            let uncorrected = data.clone();
            let (applied, unmatched) = corrections::apply(&mut data, &list);
            for c in unmatched {
                warnings.push(corrections::unmatched(&c));
            }
            corrections = Some(results::Corrections { applied, uncorrected });
        }
        if warnings.has_errors() {
            return Err(warnings);
        }
        Ok(Prepared { site, notes, data, corrections, warnings })
    }
}

impl Prepared {
    pub fn measure(&self, period: Period) -> Results {
        let options = results::Options { corrections: self.corrections.as_ref(), ..results::Options::default() };
        results::measure_with(&self.site, &self.data, &self.notes, period, options, &results::FigureCache::default())
    }

    /// [`Prepared::measure`] as `options` say, sharing figures across
    /// periods through `cache`.
    /// The corrections of `corrections.toml` are always applied.
    pub fn measure_with(&self, period: Period, options: results::Options, cache: &results::FigureCache) -> Results {
        let options = results::Options { corrections: self.corrections.as_ref(), ..options };
        results::measure_with(&self.site, &self.data, &self.notes, period, options, cache)
    }
}
