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
pub mod data;
pub mod exact;
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
    pub data: Data,
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
    Ok(Prepared { site, notes, data, warnings: problems })
}

impl Prepared {
    pub fn measure(&self, period: Period) -> Results {
        measure(&self.site, &self.data, &self.notes, period)
    }

    /// [`Prepared::measure`], sharing figures across periods through `cache`.
    pub fn measure_with(&self, period: Period, cache: &mut results::FigureCache) -> Results {
        results::measure_with(&self.site, &self.data, &self.notes, period, cache)
    }
}
