//! Which months a build covers, as of an instant: the complete months to
//! publish, the month in progress (its to-date page) and the months that
//! have ended but wait for late rows (`publish_after`); and the month
//! `slareport measure` reports.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::measure::Prepared;
use crate::period::{instant_text, Period};

use super::pages::TO_DATE_DIR;

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
/// is scheduled when `settled` says it is published (see [`super::reads`]).
pub(super) fn schedule_with(prepared: &Prepared, only: Option<Period>, as_of: i64, settled: &BTreeMap<Period, bool>) -> Result<Schedule, Diagnostic> {
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
