//! The month in progress: where each target is heading, so a customer can
//! plan for a breach before it happens.
//!
//! A to-date figure is measured on the facts as they stood at as-of (in-scope
//! time ends there). The forecast extends the error budget burn of the month
//! so far to the rest of the month, at the same rate:
//!
//! - progress through the month is counted in the target's service hours:
//!   `elapsed` = service seconds from the month's start (or the agreement's
//!   effective day) to as-of, `whole` = service seconds of the whole month;
//! - the month's budget: for availability from outages, the allowed downtime
//!   of the whole month's in-scope time (planned maintenance already in the
//!   export is taken out); for an incident count, the objective itself; for
//!   a share of tickets, samples, answers or requests, the allowed share of
//!   the projected volume (`count × whole / elapsed`, unrounded, as the
//!   volume is assumed to go on at the month's pace so far); for a
//!   percentile, the share above the percentile of the projected samples;
//!   for availability from samples, the budget so far scaled by
//!   `whole / elapsed`;
//! - the burn rate is the budget used per second of service time so far;
//!   the projected use at month end is `used × whole / elapsed`;
//! - the projected value is the value so far (a constant rate keeps every
//!   share where it is), except an incident count, projected as
//!   `count × whole / elapsed`;
//! - a target is heading for a breach when the projected use exceeds the
//!   month's budget (or, without a budget, when the value so far is
//!   breached); the breach date is when, at this rate, the use passes the
//!   budget: `(budget − used) / rate` service seconds after as-of, counted on
//!   the target's calendar. When the budget is already used up, the breach is
//!   certain for downtime and incident counts.

use chrono::NaiveDate;
use serde::Serialize;

use super::exact::{micros, status, Fraction, Status};
use super::metrics::{Budget, Figure};

/// Where a target of the month in progress is heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// Share of the month's service hours passed at as-of, in percent.
    pub elapsed_percent: f64,
    /// Service seconds passed and in the whole month.
    pub elapsed_seconds: i64,
    pub month_seconds: i64,
    /// The month's error budget, what is used so far and what is left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_unit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_month: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_used: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_left: Option<f64>,
    /// Budget used per calendar day so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burn_per_day: Option<f64>,
    /// Budget use at month end at this rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected_used: Option<f64>,
    /// The value at month end at this rate, and its status.
    pub projected_value: Option<f64>,
    pub projected_status: Status,
    /// Heading for a breach at this rate.
    pub heading_for_breach: bool,
    /// The day (site zone) the budget runs out at this rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breach_on: Option<NaiveDate>,
    /// The month's budget is already used up.
    pub budget_spent: bool,
    /// The forecast in words.
    pub words: String,
}

/// What a forecast needs besides the figure so far.
pub struct Progress {
    /// Service seconds from the span's start to as-of, and in the whole month.
    pub elapsed: i64,
    pub whole: i64,
    /// Calendar seconds from the span's start to as-of (for the daily burn).
    pub calendar_elapsed: i64,
    /// The month's budget when it is known exactly (availability from
    /// outages: the whole month's allowed downtime; incidents: the objective).
    pub exact_budget: Option<f64>,
    /// The objective and the direction of the figure.
    pub objective: f64,
    pub warning: Option<f64>,
    pub higher_is_better: bool,
    /// The figure is a count (incidents): projected by scaling.
    pub count: bool,
    /// Probe samples cover less of the time so far than the target's
    /// `min_coverage`: the figure so far is insufficient data, and so is
    /// the forecast.
    pub insufficient: bool,
}

/// The forecast of a figure so far; `service_instant(x)` gives the instant
/// `x` service seconds after as-of, `day(t)` the site's date of an instant.
pub fn forecast(
    so_far: &Figure,
    p: &Progress,
    service_instant: impl Fn(i64) -> Option<i64>,
    day: impl Fn(i64) -> NaiveDate,
) -> Forecast {
    let mut f = Forecast {
        elapsed_percent: if p.whole > 0 { 100.0 * p.elapsed as f64 / p.whole as f64 } else { 0.0 },
        elapsed_seconds: p.elapsed,
        month_seconds: p.whole,
        budget_unit: None,
        budget_month: None,
        budget_used: None,
        budget_left: None,
        burn_per_day: None,
        projected_used: None,
        projected_value: None,
        projected_status: Status::NoData,
        heading_for_breach: false,
        breach_on: None,
        budget_spent: false,
        words: String::new(),
    };
    let Some(value) = so_far.value else {
        f.words = "no measurements yet this month".into();
        return f;
    };
    if p.elapsed <= 0 || p.whole <= 0 {
        f.words = "no service hours have passed yet".into();
        return f;
    }
    let scale = p.whole as f64 / p.elapsed as f64;
    let projected = if p.count { Fraction::new(value.num * p.whole as i128, value.den * p.elapsed as i128) } else { value };
    f.projected_value = Some(projected.to_f64());
    f.projected_status = status(Some(projected), p.objective, p.warning, p.higher_is_better);
    if p.insufficient {
        f.projected_status = Status::InsufficientData;
        f.words = "too few probe samples so far (below min_coverage): insufficient data".into();
        return f;
    }

    let Some(Budget { unit, allowed, used, .. }) = so_far.budget.clone() else {
        f.heading_for_breach = f.projected_status == Status::Breached;
        f.words = if f.heading_for_breach {
            "at this rate the month ends breached".into()
        } else {
            "at this rate the month ends within the objective".into()
        };
        return f;
    };
    let month = p.exact_budget.unwrap_or(allowed * scale);
    let projected_used = used * scale;
    f.budget_unit = Some(unit);
    f.budget_month = Some(month);
    f.budget_used = Some(used);
    f.budget_left = Some(month - used);
    f.burn_per_day = (p.calendar_elapsed > 0).then(|| used * 86_400.0 / p.calendar_elapsed as f64);
    f.projected_used = Some(projected_used);
    f.budget_spent = used > month;
    f.heading_for_breach = f.budget_spent || projected_used > month + 1e-9;
    if f.heading_for_breach {
        f.projected_status = Status::Breached;
    }
    if f.budget_spent {
        f.words = format!("the month's budget ({}) is already used up: breached", amount(month, unit));
    } else if f.heading_for_breach {
        // Service seconds after as-of until the use passes the budget, at the
        // rate so far (used / elapsed per service second), in exact integers
        // where the budget is in seconds or items: (month − used) × elapsed / used.
        let left_micros = micros(month) - micros(used);
        let used_micros = micros(used);
        let after = if used_micros > 0 { (left_micros * p.elapsed as i128 + used_micros - 1) / used_micros } else { 0 };
        f.breach_on = service_instant(after as i64).map(day);
        f.words = match f.breach_on {
            Some(d) => format!("at this rate breached on {}", d.format("%-d %b")),
            None => "at this rate the month ends breached".into(),
        };
    } else {
        f.words = format!("at this rate {} of the month's {} used at month end", amount(projected_used, unit), amount(month, unit));
    }
    f
}

/// An amount of budget in words: seconds as hours and minutes.
pub fn amount(value: f64, unit: &str) -> String {
    if unit == "seconds" {
        let s = value.round() as i64;
        if s >= 3600 {
            format!("{} h {} min", s / 3600, s % 3600 / 60)
        } else if s >= 60 {
            format!("{} min {} s", s / 60, s % 60)
        } else {
            format!("{s} s")
        }
    } else {
        let v = if (value - value.round()).abs() < 1e-9 { format!("{}", value.round() as i64) } else { format!("{value:.1}") };
        format!("{v} {unit}")
    }
}
