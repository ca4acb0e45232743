//! The periods a build measures: published months whose inputs are as they
//! were are kept without being measured; the others, the latest complete
//! month (the provider overview shows it) and the month in progress are
//! measured for the whole provider, periods in parallel, sharing figures
//! for trends.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::measure::results::{FigureCache, History, Options};
use crate::measure::{Prepared, Results};
use crate::period::Period;
use crate::publish::{self, Published};
use crate::render::CustomerView;

use super::schedule::Schedule;
use super::unchanged::{inputs_unchanged, Known};

/// (customer, period) pairs that are published with their inputs as they
/// were: kept without being measured. A month before the rows read is
/// settled (see [`super::reads`]).
pub(super) fn unchanged(
    prepared: &Prepared,
    known: Known,
    customers: &[CustomerView],
    published_of: &BTreeMap<String, Vec<Published>>,
    complete: &[Period],
) -> BTreeSet<(String, Period)> {
    let tz = prepared.site.config.timezone;
    customers
        .par_iter()
        .flat_map_iter(|c| {
            let latest = publish::latest(&published_of[&c.id]);
            complete.iter().filter_map(move |&period| {
                let published = latest.get(&period)?;
                let (start, end) = period.bounds(tz);
                let unread = prepared.data.unread(start, end);
                (unread || inputs_unchanged(prepared, known, &c.id, period, published)).then(|| (c.id.clone(), period))
            })
        })
        .collect()
}

/// The complete periods to measure: the latest, and every other that some
/// customer does not keep unmeasured.
pub(super) fn to_measure(complete: &[Period], customers: &[CustomerView], unchanged: &BTreeSet<(String, Period)>) -> Vec<Period> {
    complete
        .iter()
        .copied()
        .filter(|&p| Some(p) == complete.last().copied() || customers.iter().any(|c| !unchanged.contains(&(c.id.clone(), p))))
        .collect()
}

/// The figures of a build, for the whole provider.
pub(super) struct Measured {
    /// Each complete period measured.
    pub(super) complete: BTreeMap<Period, Results>,
    /// The month in progress, to date.
    pub(super) to_date: Option<Results>,
}

/// Measures `periods` and the month in progress. `None` when a trend needed
/// a month whose rows were not read (the build then reads every file).
pub(super) fn measure(prepared: &Prepared, periods: &[Period], schedule: &Schedule, as_of: i64, history: &History) -> Option<Measured> {
    let cache = FigureCache::default();
    let complete_options = Options { as_of: None, history: Some(history), corrections: None };
    let complete = periods.par_iter().map(|&period| (period, prepared.measure_with(period, complete_options, &cache))).collect();
    let to_date_options = Options { as_of: Some(as_of), history: Some(history), corrections: None };
    let to_date = schedule.in_progress.map(|period| prepared.measure_with(period, to_date_options, &cache));
    (!cache.missed()).then_some(Measured { complete, to_date })
}
