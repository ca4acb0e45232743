//! One target, one service, one period: the figure and what lies behind it.
//!
//! Each function follows a rule of docs/rules.md to the letter; the
//! tests in `tests/metrics.rs` work every rule through by hand.

use std::collections::BTreeMap;

use serde::Serialize;

use super::calendar::CalendarIndex;
use super::data::{sees, Data, Outage, OutageKind, Samples, Ticket};
use super::samples::overlapping;
use super::exact::{micros, Fraction, Status};
use super::intervals::{intersect, subtract, total, union, weighted_loss, Interval, Weighted};
use crate::period::{start_of_day, Period};
use crate::model::{Agreement, AgreementKind, Calendar, Counts, Measure, Planned, SiteConfig, Target, Unknown};

/// What a figure is computed from, for the audit trail and the report's
/// "how this was worked out" line. Only the fields of the metric are set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Basis {
    /// Seconds of service hours in the period (after exclusions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_seconds: Option<i64>,
    /// Seconds lost (degraded time weighted), to the millisecond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_seconds: Option<f64>,
    /// Seconds of planned maintenance taken out of scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_seconds: Option<i64>,
    /// Samples: seconds covered by some sample, and by an up sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_seconds: Option<i64>,
    /// Items counted: samples, tickets, survey answers, incidents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Items that met the rule (tickets within, samples under the threshold, scores at or above).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub good: Option<f64>,
    /// Latency percentile: the rank taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<i64>,
    /// Ratio: the total requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
}

/// An error budget: how much may go wrong in the period before the
/// objective is breached, and how much did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// seconds, tickets, samples, requests or incidents.
    pub unit: &'static str,
    pub allowed: f64,
    pub used: f64,
    pub remaining: f64,
}

impl Budget {
    fn new(unit: &'static str, allowed: f64, used: f64) -> Self {
        Budget { unit, allowed, used, remaining: allowed - used }
    }
}

/// Lost time or failed items owed to one cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loss {
    /// An OLA or UPC id, another cause as written, or `None` (unattributed).
    pub cause: Option<String>,
    /// Seconds (availability) or items (tickets, incidents).
    pub amount: f64,
}

/// A computed figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figure {
    pub value: Option<Fraction>,
    /// Samples: the share of scope covered by samples, as a percentage.
    pub coverage: Option<Fraction>,
    pub budget: Option<Budget>,
    pub losses: Vec<Loss>,
    pub basis: Basis,
    /// Things a reader must know about this figure (an ongoing outage, ...).
    pub remarks: Vec<String>,
}

/// Everything a figure needs besides the data.
pub struct Subject<'a> {
    pub config: &'a SiteConfig,
    pub agreement: &'a Agreement,
    pub target: &'a Target,
    pub service: &'a str,
    pub period: Period,
    /// A part of the period to measure instead of all of it (a day, for
    /// the daily availability chart), as UTC seconds `[from, to)`.
    pub window: Option<(i64, i64)>,
    /// The facts as they stood at this instant (UTC seconds): in-scope time
    /// ends here, and an outage end, a response or a resolution after it
    /// is not known yet. The period's end for a complete month (so what
    /// happens after a month has ended never changes it), as-of for the
    /// month in progress.
    pub cut: i64,
    /// The customer whose figure this is: the party of an SLA, `None` for an
    /// OLA or UPC (see [`customer_of`]). Rows of another customer are not seen.
    pub customer: Option<&'a str>,
}


/// The customer a figure of `agreement` is for: its party when it is an
/// SLA, none for an OLA or UPC (they see every customer's rows).
pub fn customer_of(agreement: &Agreement) -> Option<&str> {
    (agreement.kind == AgreementKind::Sla).then_some(agreement.party.as_str())
}

impl Subject<'_> {
    /// True when a row of `customer` counts for this subject: a row without
    /// a customer concerns every customer of the service, and a subject
    /// without a customer (an OLA or UPC) sees every customer's rows.
    pub fn sees(&self, customer: Option<&str>) -> bool {
        sees(self.customer, customer)
    }

    /// The agreement whose rows alone count: an OLA or UPC target counts
    /// only outages and tickets it caused, unless it says `counts = "all"`.
    pub fn responsible(&self) -> Option<&str> {
        (self.agreement.kind != AgreementKind::Sla && self.target.counts == Counts::Own).then_some(self.agreement.id.as_str())
    }

    /// True when a row with `cause` is this subject's to count.
    fn owns(&self, cause: Option<&str>) -> bool {
        self.responsible().is_none_or(|id| cause == Some(id))
    }

    pub fn calendar(&self) -> &Calendar {
        &self.config.calendars[&self.target.calendar]
    }

    /// `[from, to)`: the period (or window), from the day the agreement took
    /// effect, up to the cut.
    pub fn span(&self) -> (i64, i64) {
        let (start, end) = self.window.unwrap_or_else(|| self.period.bounds(self.config.timezone));
        let effective = start_of_day(self.agreement.first_effective, self.config.timezone);
        (start.max(effective), end.min(self.cut))
    }
}

/// Computes one figure.
pub fn figure(subject: &Subject, data: &Data) -> Figure {
    match &subject.target.measure {
        Measure::OutageAvailability { planned, degraded } => outage_availability(subject, data, *planned, *degraded),
        Measure::SampleAvailability { unknown } => sample_availability(subject, data, *unknown),
        Measure::LatencyPercentile { percentile } => latency_percentile(subject, data, *percentile),
        Measure::LatencyShare { threshold_ms } => latency_share(subject, data, *threshold_ms),
        Measure::Response { priority, within } => tickets_within(subject, data, priority, *within, false),
        Measure::Resolution { priority, within } => tickets_within(subject, data, priority, *within, true),
        Measure::Incidents { priority } => incidents(subject, data, priority),
        Measure::SatisfactionMean => satisfaction(subject, data, None),
        Measure::SatisfactionShare { threshold } => satisfaction(subject, data, Some(*threshold)),
        Measure::Ratio => ratio(subject, data),
    }
}

/// Everything [`figure`] reads of a subject of a whole month besides the
/// data: two subjects with the same reading in the same month have the same
/// figure. Customers sharing a service and a target so share one figure
/// (computed once: [`super::results::FigureCache`]), as do an SLA and an
/// OLA counting all rows.
///
/// The customer is part of it unless the figure cannot tell customers
/// apart: an availability or latency figure reads the service's outages and
/// probe samples only, so when none of them names a customer every customer
/// sees the same rows. Ticket, survey and ratio figures keep their customer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reading {
    service: String,
    /// The measure with its parameters, as Rust writes it (a float's `Debug`
    /// text is exact: two different values never read the same).
    measure: String,
    calendar: String,
    /// The objective's bits (the budget is worked out from it).
    objective: u64,
    /// Whose rows alone count (see [`Subject::responsible`]).
    responsible: Option<String>,
    /// The day the agreement took effect: figures start there.
    effective: chrono::NaiveDate,
    customer: Option<String>,
}

impl Subject<'_> {
    /// What the figure of this subject is computed from (see [`Reading`]);
    /// for whole-month subjects (no window; the cut is the month's end).
    pub fn reading(&self, data: &Data) -> Reading {
        let from_outages_and_samples = matches!(
            self.target.measure,
            Measure::OutageAvailability { .. } | Measure::SampleAvailability { .. } | Measure::LatencyPercentile { .. } | Measure::LatencyShare { .. }
        );
        let alike = from_outages_and_samples && !data.outages_or_samples_name_customers(self.service);
        Reading {
            service: self.service.to_string(),
            measure: format!("{:?}", self.target.measure),
            calendar: self.target.calendar.clone(),
            objective: self.target.objective.to_bits(),
            responsible: self.responsible().map(str::to_string),
            effective: self.agreement.first_effective,
            customer: if alike { None } else { self.customer.map(str::to_string) },
        }
    }
}

fn outages_of<'d>(data: &'d Data, service: &str) -> &'d [Outage] {
    data.outages.get(service).map_or(&[], Vec::as_slice)
}

/// The outages of the subject's service its customer sees.
fn outages_seen<'d>(subject: &Subject, data: &'d Data) -> impl Iterator<Item = &'d Outage> {
    let customer = subject.customer.map(str::to_string);
    outages_of(data, subject.service).iter().filter(move |o| sees(customer.as_deref(), o.customer.as_deref()))
}

/// The outages the subject counts: seen by its customer and, for an OLA or
/// UPC counting its own, caused by its agreement.
fn outages_counted<'d>(subject: &Subject, data: &'d Data) -> Vec<&'d Outage> {
    outages_seen(subject, data).filter(|o| subject.owns(o.cause.as_deref())).collect()
}

/// The tickets of the subject's service it counts (customer and
/// responsibility) among those `when` picks, of the tickets `near` gives
/// ([`Data::tickets_near`] a span, or every ticket of the service). `when`
/// is asked first: it tests times, which leaves out the service's tickets
/// of other months before any of their strings is compared.
fn tickets_counted<'d>(subject: &Subject, data: &'d Data, near: Option<(i64, i64)>, when: impl Fn(&Ticket) -> bool + 'd) -> impl Iterator<Item = &'d Ticket> + 'd {
    let customer = subject.customer.map(str::to_string);
    let responsible = subject.responsible().map(str::to_string);
    let tickets = match near {
        Some((from, to)) => data.tickets_near(subject.service, from, to),
        None => data.tickets.get(subject.service).map_or(&[][..], Vec::as_slice),
    };
    tickets
        .iter()
        .filter(move |t| when(t))
        .filter(move |t| sees(customer.as_deref(), t.customer.as_deref()))
        .filter(move |t| responsible.is_none() || t.cause == responsible)
}

/// The probe samples a figure of the subject reads: the customer's own
/// timeline when its export has one, else the service's shared samples.
fn samples_of<'d>(subject: &Subject, data: &'d Data) -> Option<&'d Samples> {
    data.samples_for(subject.service, subject.customer)
}

/// The span of an outage clipped to `[from, to)`; an ongoing one runs to `to`.
fn outage_span(o: &Outage, from: i64, to: i64) -> Option<Interval> {
    Interval::new(o.start, o.end.unwrap_or(i64::MAX)).clip(from, to)
}

/// Planned maintenance windows the subject's customer sees inside `[from, to)`
/// (whoever caused them: maintenance is out of scope for every agreement).
fn planned_windows(subject: &Subject, data: &Data, from: i64, to: i64) -> Vec<Interval> {
    union(
        outages_seen(subject, data)
            .filter(|o| o.kind == OutageKind::Planned)
            .filter_map(|o| outage_span(o, from, to))
            .collect(),
    )
}

/// In-scope time: period ∩ calendar ∩ [effective, …), less planned
/// maintenance when `exclude_planned`. Returns the scope and the seconds excluded.
pub fn scope(subject: &Subject, data: &Data, exclude_planned: bool) -> (Vec<Interval>, i64) {
    let (from, to) = subject.span();
    let hours = data.calendar(subject.calendar()).windows(from, to);
    if !exclude_planned {
        return (hours, 0);
    }
    let planned = planned_windows(subject, data, from, to);
    let kept = subtract(&hours, &planned);
    let excluded = total(&hours) - total(&kept);
    (kept, excluded)
}

fn ongoing_remarks(data: &Data, subject: &Subject) -> Vec<String> {
    let (from, to) = subject.span();
    let until = if subject.cut < subject.period.bounds(subject.config.timezone).1 { "as-of" } else { "the end of the period" };
    outages_counted(subject, data)
        .into_iter()
        .filter(|o| o.end.is_none_or(|e| e > to) && o.start < to)
        .filter(|o| outage_span(o, from, to).is_some())
        .map(|o| {
            let name = o.id.as_ref().map_or_else(|| format!("without id (row {})", o.row), |id| id.clone());
            format!("outage {name} had not ended by {until}: counted as down to then")
        })
        .collect()
}

/// Seconds lost per cause, from thousandths, in order of first appearance.
fn losses(outages: &[&Outage], lost_milli: &[i64], unattributed_milli: i64) -> Vec<Loss> {
    let mut by_cause: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for (o, lost) in outages.iter().zip(lost_milli) {
        if *lost > 0 {
            *by_cause.entry(o.cause.clone()).or_insert(0) += lost;
        }
    }
    if unattributed_milli > 0 {
        *by_cause.entry(None).or_insert(0) += unattributed_milli;
    }
    sorted_losses(by_cause.into_iter().map(|(c, m)| (c, m as f64 / 1000.0)))
}

/// Largest first, then by name; unattributed last among equals.
fn sorted_losses(items: impl Iterator<Item = (Option<String>, f64)>) -> Vec<Loss> {
    let mut out: Vec<Loss> = items.map(|(cause, amount)| Loss { cause, amount }).collect();
    out.sort_by(|a, b| b.amount.total_cmp(&a.amount).then_with(|| a.cause.is_none().cmp(&b.cause.is_none())).then_with(|| a.cause.cmp(&b.cause)));
    out
}

/// Allowed seconds of downtime: `base × (100 − objective) / 100`.
pub fn allowed_seconds(base_seconds: i64, objective: f64) -> f64 {
    (base_seconds as i128 * (100 * 1_000_000 - micros(objective))) as f64 / 100_000_000.0
}

/// Allowed failures among `n`: the largest whole number `k` with
/// `(n − k) / n ≥ objective %`.
fn allowed_items(n: i64, objective: f64) -> f64 {
    ((n as i128 * (100 * 1_000_000 - micros(objective))) / 100_000_000) as f64
}

fn outage_availability(subject: &Subject, data: &Data, planned: Planned, degraded: f64) -> Figure {
    let (from, to) = subject.span();
    let (scope, excluded) = scope(subject, data, planned == Planned::Excluded);
    let scope_seconds = total(&scope);
    let degraded_weight = (degraded * 1000.0).round() as i64;
    let counted: Vec<&Outage> = outages_counted(subject, data)
        .into_iter()
        .filter(|o| outage_span(o, from, to).is_some())
        .collect();
    let items: Vec<Weighted> = counted
        .iter()
        .enumerate()
        .filter_map(|(owner, o)| {
            let weight = match (o.kind, planned) {
                (OutageKind::Unplanned, _) => 1000,
                (OutageKind::Degraded, _) => degraded_weight,
                (OutageKind::Planned, Planned::Downtime) => 1000,
                (OutageKind::Planned, _) => 0,
            };
            outage_span(o, from, to).map(|span| Weighted { span, weight, owner })
        })
        .collect();
    let lost = weighted_loss(&scope, &items, counted.len());
    let lost_milli: i64 = lost.iter().sum();
    let mut figure = Figure {
        basis: Basis {
            scope_seconds: Some(scope_seconds),
            lost_seconds: Some(lost_milli as f64 / 1000.0),
            excluded_seconds: (planned == Planned::Excluded).then_some(excluded),
            ..Basis::default()
        },
        losses: losses(&counted, &lost, 0),
        remarks: ongoing_remarks(data, subject),
        ..Figure::default()
    };
    let (period_start, period_end) = subject.period.bounds(subject.config.timezone);
    if !data.has_rows_in(period_start, period_end) {
        figure.remarks.push("no measurements of any kind in this period".to_string());
    } else if scope_seconds > 0 {
        let scope_milli = scope_seconds as i128 * 1000;
        figure.value = Some(Fraction::percent(scope_milli - lost_milli as i128, scope_milli));
        figure.budget = Some(Budget::new(
            "seconds",
            allowed_seconds(scope_seconds, subject.target.objective),
            lost_milli as f64 / 1000.0,
        ));
    }
    figure
}

/// Sample coverage of a scope: seconds covered, seconds covered by up
/// samples, and the down stretches (for attribution). Walks the runs of
/// the samples (see [`Samples::runs`]), not the samples.
fn sample_cover(samples: &Samples, scope: &[Interval], interval: i64) -> (i64, i64, Vec<Interval>) {
    let (Some(first), Some(last)) = (scope.first(), scope.last()) else {
        return (0, 0, Vec::new());
    };
    let (mut covered, mut up) = (0, 0);
    let mut down: Vec<Interval> = Vec::new();
    let runs = samples.runs(interval);
    let mut w = 0;
    for run in overlapping(&runs, first.start, last.end) {
        let stretch = Interval::new(run.start, run.end);
        while w < scope.len() && scope[w].end <= stretch.start {
            w += 1;
        }
        let mut k = w;
        while k < scope.len() && scope[k].start < stretch.end {
            if let Some(part) = stretch.clip(scope[k].start, scope[k].end) {
                covered += part.len();
                if run.up {
                    up += part.len();
                } else {
                    match down.last_mut() {
                        Some(d) if d.end == part.start => d.end = part.end,
                        _ => down.push(part),
                    }
                }
            }
            k += 1;
        }
    }
    (covered, up, down)
}

fn sample_availability(subject: &Subject, data: &Data, unknown: Unknown) -> Figure {
    let (from, to) = subject.span();
    let (scope, excluded) = scope(subject, data, true);
    let scope_seconds = total(&scope);
    let empty = Samples::default();
    let samples = samples_of(subject, data).unwrap_or(&empty);
    let (covered, mut up, mut down) = sample_cover(samples, &scope, data.interval);
    // Down time is owed to the outage covering it (the first to start), else unattributed.
    let counted: Vec<&Outage> = outages_counted(subject, data)
        .into_iter()
        .filter(|o| o.kind != OutageKind::Planned && outage_span(o, from, to).is_some())
        .collect();
    if subject.responsible().is_some() {
        // An OLA or UPC answers only for down time one of its own outages
        // covers: the rest is not its responsibility and counts as up.
        let own = union(counted.iter().filter_map(|o| outage_span(o, from, to)).collect());
        let own_down = intersect(&down, &own);
        up += total(&down) - total(&own_down);
        down = own_down;
    }
    let items: Vec<Weighted> = counted
        .iter()
        .enumerate()
        .filter_map(|(owner, o)| outage_span(o, from, to).map(|span| Weighted { span, weight: 1000, owner }))
        .collect();
    let attributed = weighted_loss(&down, &items, counted.len());
    let down_seconds = total(&down);
    let unattributed = down_seconds * 1000 - attributed.iter().sum::<i64>();
    let (numerator, denominator) = match unknown {
        Unknown::Exclude => (up, covered),
        Unknown::Down => (up, if covered > 0 { scope_seconds } else { 0 }),
        Unknown::Up => (up + (scope_seconds - covered), if covered > 0 { scope_seconds } else { 0 }),
    };
    let mut figure = Figure {
        basis: Basis {
            scope_seconds: Some(scope_seconds),
            excluded_seconds: Some(excluded),
            covered_seconds: Some(covered),
            up_seconds: Some(up),
            lost_seconds: Some((denominator - numerator) as f64),
            ..Basis::default()
        },
        losses: losses(&counted, &attributed, unattributed),
        ..Figure::default()
    };
    if scope_seconds > 0 {
        figure.coverage = Some(Fraction::percent(covered as i128, scope_seconds as i128));
    }
    if covered > 0 && denominator > 0 {
        figure.value = Some(Fraction::percent(numerator as i128, denominator as i128));
        figure.budget = Some(Budget::new(
            "seconds",
            allowed_seconds(denominator, subject.target.objective),
            (denominator - numerator) as f64,
        ));
        if unknown == Unknown::Down && covered < scope_seconds {
            figure.losses.push(Loss { cause: Some("no samples (counted as down)".into()), amount: (scope_seconds - covered) as f64 });
        }
    }
    figure
}

/// Latencies of samples taken inside the scope, as each distinct value and
/// how many samples have it (sorted by value: [`Samples::latency_counts`]),
/// the scope, and the seconds of it samples cover (as for availability
/// from samples).
fn latencies(subject: &Subject, data: &Data) -> (Vec<(f64, u64)>, Vec<Interval>, i64) {
    let (scope, _) = scope(subject, data, true);
    let mut counts = Vec::new();
    let mut covered = 0;
    if let (Some(samples), Some(first), Some(last)) = (samples_of(subject, data), scope.first(), scope.last()) {
        covered = sample_cover(samples, &scope, data.interval).0;
        let mut w = 0;
        let inside = samples.range(first.start, last.end).filter(|&i| {
            let t = samples.time(i);
            while w < scope.len() && scope[w].end <= t {
                w += 1;
            }
            w < scope.len() && scope[w].start <= t
        });
        counts = samples.latency_counts(inside);
    }
    (counts, scope, covered)
}

/// Sets a latency figure's data coverage: covered / in-scope time.
fn with_coverage(mut figure: Figure, scope_seconds: i64, covered: i64) -> Figure {
    figure.basis.covered_seconds = Some(covered);
    if scope_seconds > 0 {
        figure.coverage = Some(Fraction::percent(covered as i128, scope_seconds as i128));
    }
    figure
}

/// The status of a figure against its target: breached, at risk or met as
/// [`super::exact::status`] says, except that a figure whose sample coverage
/// is below the target's `min_coverage` is "insufficient data" (its value is
/// still reported).
pub fn status_of(target: &Target, figure: &Figure) -> Status {
    if figure.value.is_some() && below_min_coverage(target, figure.coverage) {
        return Status::InsufficientData;
    }
    super::exact::status(figure.value, target.objective, target.warning, target.measure.higher_is_better())
}

/// True when `coverage` is strictly below the target's `min_coverage` (no
/// coverage figure with a minimum set is below it).
pub fn below_min_coverage(target: &Target, coverage: Option<Fraction>) -> bool {
    target.min_coverage.is_some_and(|min| coverage.is_none_or(|c| c.cmp_decimal(min).is_lt()))
}

fn latency_percentile(subject: &Subject, data: &Data, percentile: f64) -> Figure {
    let (counts, scope, covered) = latencies(subject, data);
    let n = samples_with(&counts, |_| true);
    let figure = Figure {
        basis: Basis { scope_seconds: Some(total(&scope)), count: Some(n), ..Basis::default() },
        ..Figure::default()
    };
    let mut figure = with_coverage(figure, total(&scope), covered);
    if n == 0 {
        return figure;
    }
    // Nearest rank: the ⌈P·n/100⌉-th smallest, in integers (P in thousandths),
    // read off the counts of the sorted distinct values: the first value
    // whose running count reaches the rank.
    let p = (percentile * 1000.0).round() as i64;
    let rank = ((p * n + 99_999) / 100_000).max(1);
    let value = nth_smallest(&counts, rank).unwrap_or(f64::NAN);
    // Worse than the objective: over it in millionths (`worse_than` on
    // `Fraction::decimal`, with the objective converted once, not per value).
    let bound = micros(subject.target.objective);
    let over = samples_with(&counts, |v| micros(v) > bound);
    figure.value = Some(Fraction::decimal(value));
    figure.basis.rank = Some(rank);
    figure.budget = Some(Budget::new("samples", (n - rank) as f64, over as f64));
    figure
}

/// How many of the samples `counts` holds (each latency with how many
/// samples have it) have a latency `keep` keeps.
fn samples_with(counts: &[(f64, u64)], keep: impl Fn(f64) -> bool) -> i64 {
    counts.iter().filter(|&&(v, _)| keep(v)).map(|&(_, c)| c).sum::<u64>() as i64
}

/// The `rank`-th smallest (from 1) of the values `counts` holds, each
/// value with how many there are, sorted by value: the first whose running
/// count reaches the rank. `None` past the last.
fn nth_smallest(counts: &[(f64, u64)], rank: i64) -> Option<f64> {
    let mut so_far = 0i64;
    counts.iter().find(|&&(_, c)| {
        so_far += c as i64;
        so_far >= rank
    }).map(|&(v, _)| v)
}

fn latency_share(subject: &Subject, data: &Data, threshold: f64) -> Figure {
    let (counts, scope, covered) = latencies(subject, data);
    let n = samples_with(&counts, |_| true);
    // At or under the threshold in millionths (`Fraction::cmp_decimal`, with
    // the threshold converted once, not per value).
    let bound = micros(threshold);
    let under = samples_with(&counts, |v| micros(v) <= bound);
    let figure = Figure {
        basis: Basis { scope_seconds: Some(total(&scope)), count: Some(n), good: Some(under as f64), ..Basis::default() },
        ..Figure::default()
    };
    let mut figure = with_coverage(figure, total(&scope), covered);
    if n > 0 {
        figure.value = Some(Fraction::percent(under as i128, n as i128));
        figure.budget = Some(Budget::new("samples", allowed_items(n, subject.target.objective), (n - under) as f64));
    }
    figure
}

/// How one ticket fared against a response or resolution target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketOutcome {
    /// When the ticket was decided: the earlier of its stop event and the
    /// instant its budget ran out. `None`: not decided yet (open, budget not out).
    pub decided: Option<i64>,
    pub within: bool,
    /// Business seconds elapsed (less time on hold), when it has stopped.
    pub elapsed: Option<i64>,
}

/// Decides one ticket on `calendar` against `within` seconds.
pub fn ticket_outcome(ticket: &Ticket, calendar: &CalendarIndex, within: i64, resolution: bool) -> TicketOutcome {
    ticket_outcome_at(ticket, calendar, within, resolution, i64::MAX)
}

/// [`ticket_outcome`] as the ticket stood at `cut`: a response or a
/// resolution at or after `cut` is not known yet (the ticket is open). Time
/// on hold is taken as exported (the export gives no hold times).
pub fn ticket_outcome_at(ticket: &Ticket, calendar: &CalendarIndex, within: i64, resolution: bool, cut: i64) -> TicketOutcome {
    let stop = stop_at(ticket, resolution, cut);
    let paused = if resolution { ticket.paused } else { 0 };
    let deadline = calendar.add_business(ticket.opened, within + paused);
    match stop {
        Some(stop) => {
            let elapsed = (calendar.business_seconds(ticket.opened, stop) - paused).max(0);
            let decided = deadline.map_or(stop, |d| d.min(stop));
            TicketOutcome { decided: Some(decided), within: elapsed <= within, elapsed: Some(elapsed) }
        }
        None => TicketOutcome { decided: deadline, within: false, elapsed: None },
    }
}

/// The instant that stops a ticket's clock as known at `cut`: its resolution
/// (resolution), else its response or its resolution (response).
fn stop_at(ticket: &Ticket, resolution: bool, cut: i64) -> Option<i64> {
    let known = |t: Option<i64>| t.filter(|&t| t < cut);
    if resolution {
        known(ticket.resolved)
    } else {
        known(ticket.responded).or(known(ticket.resolved))
    }
}

/// Whether a ticket can be decided in `[from, to)`, without working out its
/// deadline in business time: a ticket is decided at its stop at the latest
/// (met then, or failed at an earlier deadline), and never before the
/// earlier of its opening and its stop (a deadline is never before the
/// opening). Most of a service's tickets are another month's.
fn may_be_decided_in(ticket: &Ticket, resolution: bool, cut: i64, from: i64, to: i64) -> bool {
    let stop = stop_at(ticket, resolution, cut);
    let latest_before_from = stop.is_some_and(|s| s < from);
    let earliest = stop.map_or(ticket.opened, |s| s.min(ticket.opened));
    !latest_before_from && earliest < to
}

/// A ticket decided in the period, for the resolution-time chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketPoint {
    pub id: String,
    /// Business seconds taken (less time on hold); `None` while still open.
    pub elapsed_seconds: Option<i64>,
    pub within: bool,
    pub cause: Option<String>,
}

/// Tickets of `priority` decided in the subject's span, with their outcomes.
fn decided_tickets<'d>(subject: &Subject, data: &'d Data, priority: &str, within: i64, resolution: bool) -> Vec<(&'d Ticket, TicketOutcome)> {
    let (from, to) = subject.span();
    let effective = start_of_day(subject.agreement.first_effective, subject.config.timezone);
    let calendar = data.calendar(subject.calendar());
    let cut = subject.cut;
    // A ticket resolved before `from` is decided before it only when its
    // resolution is known, as it is when `from` is not after the cut.
    let near = (from <= cut).then_some((from, to));
    tickets_counted(subject, data, near, move |t| t.opened >= effective && may_be_decided_in(t, resolution, cut, from, to))
        .filter(|t| t.priority == priority)
        .filter_map(|t| {
            let outcome = ticket_outcome_at(t, &calendar, within, resolution, cut);
            let decided = outcome.decided?;
            (from <= decided && decided < to).then_some((t, outcome))
        })
        .collect()
}

/// The tickets behind a response or resolution figure.
pub fn ticket_points(subject: &Subject, data: &Data) -> Vec<TicketPoint> {
    let (priority, within, resolution) = match &subject.target.measure {
        Measure::Response { priority, within } => (priority, *within, false),
        Measure::Resolution { priority, within } => (priority, *within, true),
        _ => return Vec::new(),
    };
    decided_tickets(subject, data, priority, within, resolution)
        .into_iter()
        .map(|(t, o)| TicketPoint { id: t.id.clone(), elapsed_seconds: o.elapsed, within: o.within, cause: t.cause.clone() })
        .collect()
}

fn tickets_within(subject: &Subject, data: &Data, priority: &str, within: i64, resolution: bool) -> Figure {
    let (mut counted, mut met) = (0i64, 0i64);
    let mut failed: BTreeMap<Option<String>, f64> = BTreeMap::new();
    let mut remarks = Vec::new();
    for (ticket, outcome) in decided_tickets(subject, data, priority, within, resolution) {
        counted += 1;
        if outcome.within {
            met += 1;
        } else {
            *failed.entry(ticket.cause.clone()).or_insert(0.0) += 1.0;
            if outcome.elapsed.is_none() {
                remarks.push(format!("ticket {} is still open past its deadline", ticket.id));
            }
        }
    }
    let mut figure = Figure {
        basis: Basis { count: Some(counted), good: Some(met as f64), ..Basis::default() },
        losses: sorted_losses(failed.into_iter()),
        remarks,
        ..Figure::default()
    };
    if counted > 0 {
        figure.value = Some(Fraction::percent(met as i128, counted as i128));
        figure.budget = Some(Budget::new("tickets", allowed_items(counted, subject.target.objective), (counted - met) as f64));
    }
    figure
}

fn incidents(subject: &Subject, data: &Data, priority: &str) -> Figure {
    let (from, to) = subject.span();
    let mut by_cause: BTreeMap<Option<String>, f64> = BTreeMap::new();
    let mut n = 0i64;
    for t in tickets_counted(subject, data, Some((from, to)), move |t| t.opened >= from && t.opened < to) {
        if t.priority == priority {
            n += 1;
            *by_cause.entry(t.cause.clone()).or_insert(0.0) += 1.0;
        }
    }
    let mut figure = Figure {
        basis: Basis { count: Some(n), ..Basis::default() },
        losses: sorted_losses(by_cause.into_iter()),
        ..Figure::default()
    };
    // An agreement not yet in force for any of the period has no figure,
    // nor has a period without any measurement; otherwise no incidents is
    // a value, 0.
    let (period_start, period_end) = subject.period.bounds(subject.config.timezone);
    if from < to && data.has_rows_in(period_start, period_end) {
        figure.value = Some(Fraction::whole(n as i128));
        figure.budget = Some(Budget::new("incidents", subject.target.objective, n as f64));
    }
    figure
}

fn satisfaction(subject: &Subject, data: &Data, threshold: Option<f64>) -> Figure {
    let (from, to) = subject.span();
    let scores: Vec<f64> = data
        .surveys
        .get(subject.service)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter(|s| s.time >= from && s.time < to && subject.sees(s.customer.as_deref()))
        .map(|s| s.score)
        .collect();
    let n = scores.len() as i64;
    let mut figure = Figure { basis: Basis { count: Some(n), ..Basis::default() }, ..Figure::default() };
    if n == 0 {
        return figure;
    }
    match threshold {
        None => {
            let sum: i128 = scores.iter().map(|&s| micros(s)).sum();
            figure.value = Some(Fraction::new(sum, n as i128 * 1_000_000));
            figure.basis.good = Some(sum as f64 / 1_000_000.0);
        }
        Some(t) => {
            let good = scores.iter().filter(|&&s| micros(s) >= micros(t)).count() as i64;
            figure.value = Some(Fraction::percent(good as i128, n as i128));
            figure.basis.good = Some(good as f64);
            figure.budget = Some(Budget::new("answers", allowed_items(n, subject.target.objective), (n - good) as f64));
        }
    }
    figure
}

/// Good / total over the count rows the subject's customer sees inside the
/// scope: service hours less planned maintenance, as for latency. The rows
/// are sorted by time, as are the scope's windows: one walk over both.
fn ratio(subject: &Subject, data: &Data) -> Figure {
    let (scope, _) = scope(subject, data, true);
    let (mut good, mut all) = (0i128, 0i128);
    let mut n = 0;
    let mut w = 0;
    for c in data.counts.get(subject.service).map_or(&[][..], Vec::as_slice) {
        while w < scope.len() && scope[w].end <= c.time {
            w += 1;
        }
        if w == scope.len() {
            break;
        }
        if scope[w].start <= c.time && subject.sees(c.customer.as_deref()) {
            good += c.good.round() as i128;
            all += c.total.round() as i128;
            n += 1;
        }
    }
    let mut figure = Figure {
        basis: Basis { count: Some(n), good: Some(good as f64), total: Some(all as f64), ..Basis::default() },
        ..Figure::default()
    };
    if all > 0 {
        figure.value = Some(Fraction::percent(good, all));
        let allowed = (all * (100 * 1_000_000 - micros(subject.target.objective))) as f64 / 100_000_000.0;
        figure.budget = Some(Budget::new("requests", allowed, (all - good) as f64));
    }
    figure
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Calendar, WeekdayOrd};
    use chrono_tz::Europe::London;

    /// The nearest rank read off counts of distinct values is the value a
    /// sort of every value puts at that rank, for every rank, over values
    /// with many repeats (as probes report whole milliseconds), a few
    /// distinct ones and signed zeros.
    #[test]
    fn the_rank_read_off_counts_is_the_rank_of_every_value_sorted() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (len, distinct) in [(1, 1), (7, 3), (500, 40), (44_640, 900)] {
            let mut values: Vec<f64> = (0..len).map(|_| (next() % distinct) as f64 * 0.5).collect();
            values.extend([-0.0, 0.0, -0.0]);
            let mut counts: std::collections::BTreeMap<u64, (f64, u64)> = std::collections::BTreeMap::new();
            for &v in &values {
                counts.entry(v.to_bits()).or_insert((v, 0)).1 += 1;
            }
            let mut counts: Vec<(f64, u64)> = counts.into_values().collect();
            counts.sort_by(|a, b| a.0.total_cmp(&b.0));
            values.sort_by(f64::total_cmp);
            for rank in 1..=values.len() as i64 {
                assert_eq!(nth_smallest(&counts, rank).map(f64::to_bits), Some(values[rank as usize - 1].to_bits()), "rank {rank} of {len}");
            }
            assert_eq!(nth_smallest(&counts, values.len() as i64 + 1), None);
        }
    }

    /// The cheap test never drops a ticket its outcome decides in the
    /// window: over tickets with every kind of gap (unresolved, responded
    /// before the window, resolved after it, on hold, stops before their
    /// opening), windows and cuts, under business hours and 24x7.
    #[test]
    fn the_cheap_window_test_keeps_every_ticket_decided_in_the_window() {
        use chrono::Weekday::*;
        let business = Calendar {
            name: "business".into(),
            timezone: London,
            days: [Mon, Tue, Wed, Thu, Fri].into_iter().map(WeekdayOrd).collect(),
            start: 8 * 3600,
            end: 18 * 3600,
            holidays: Default::default(),
        };
        // 2026-03-01T00:00Z, four weeks either side (the March clock change inside).
        let base = 1_772_323_200;
        let (lo, hi) = (base - 28 * 86_400, base + 56 * 86_400);
        let calendars = [CalendarIndex::new(&Calendar::always(London), lo, hi), CalendarIndex::new(&business, lo, hi)];
        // A small linear congruential generator: the same cases every run.
        let mut state: u64 = 0x5eed;
        let mut next = |n: i64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as i64).rem_euclid(n)
        };
        let (mut checked, mut decided_inside) = (0, 0);
        for _ in 0..20_000 {
            let opened = base + next(28 * 86_400) - 7 * 86_400;
            let after = |d: i64| opened + d - 86_400; // may fall before the opening (bad rows are measured as they are)
            let responded = (next(4) > 0).then(|| after(next(5 * 86_400)));
            let resolved = (next(4) > 0).then(|| after(next(20 * 86_400)));
            let ticket = Ticket { id: "T".into(), priority: "P1".into(), opened, responded, resolved, paused: next(3) * 3_600, cause: None, customer: None };
            let from = base + next(21 * 86_400) - 3 * 86_400;
            let to = from + 1 + next(10 * 86_400);
            let cut = if next(3) == 0 { to - next(86_400) } else { i64::MAX };
            for calendar in &calendars {
                for resolution in [false, true] {
                    let within = 3_600 * (1 + next(48));
                    let outcome = ticket_outcome_at(&ticket, calendar, within, resolution, cut);
                    let inside = outcome.decided.is_some_and(|d| from <= d && d < to);
                    checked += 1;
                    decided_inside += usize::from(inside);
                    if inside {
                        assert!(may_be_decided_in(&ticket, resolution, cut, from, to), "{ticket:?} within {within} resolution {resolution} [{from}, {to}) cut {cut}: {outcome:?}");
                    }
                }
            }
        }
        // Enough of both kinds to mean something.
        assert_eq!(checked, 80_000);
        assert!(decided_inside > 5_000, "{decided_inside}");
    }
}
