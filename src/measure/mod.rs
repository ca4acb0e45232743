//! The `measure` stage: every target of every agreement for a period, as
//! exact figures with status, credits, error budget, attribution and trend.
//!
//! Rules are those of DESIGN.md ("Metrics"); each module holds one part:
//! [`period`] cuts months, [`calendar`] turns service hours into UTC
//! intervals, [`intervals`] does the set arithmetic, [`exact`] compares
//! without floating point, [`metrics`] computes one figure, and
//! [`results`] assembles what the report shows.

pub mod calendar;
pub mod changes;
pub mod completeness;
pub mod corrections;
pub mod data;
pub mod digest;
pub mod exact;
pub mod forecast;
pub mod intervals;
pub mod metrics;
pub mod period;
pub mod print;
pub mod results;

pub use data::Data;
pub use period::Period;
pub use results::{measure, Results};

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics};

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
    let loaded = crate::load::load_site(root);
    let mut problems = loaded.problems;
    let Some(site) = loaded.site.filter(|_| !problems.has_errors()) else {
        return Err(problems);
    };
    let (notes, p) = crate::load::notes::load_notes(&site);
    problems.extend(p);
    let (measurements, p) = crate::scan::scan_sources(root, &site.config);
    problems.extend(p);
    if problems.has_errors() {
        return Err(problems);
    }
    let interval = site
        .config
        .sources
        .get(&crate::model::SourceKind::Samples)
        .map_or(60, |s| s.interval);
    let mut data = Data::from_measurements(&measurements, interval)
        .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot arrange the measurements: {e}"))))?;
    data.index_calendars(&site.config.calendars);
    let (list, p) = crate::load::corrections::load_corrections(&site);
    problems.extend(p);
    let mut corrections = None;
    if !list.is_empty() {
        let uncorrected = data.clone();
        let (applied, unmatched) = corrections::apply(&mut data, &list);
        for c in unmatched {
            problems.push(corrections::unmatched(&c));
        }
        corrections = Some(results::Corrections { applied, uncorrected });
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Prepared { site, notes, data, corrections, warnings: problems })
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
