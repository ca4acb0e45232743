//! Results of a period: what the report site shows and `results.json` holds.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::data::Data;
use super::exact::{worse_than, Fraction, Status};
use super::format::trend_value;
use super::corrections::{Applied, CorrectionResult};
use super::forecast::{forecast, Forecast, Progress};
use super::metrics::{customer_of, figure, status_of, ticket_points, Basis, Budget, Figure, Loss, Reading, Subject, TicketPoint};
use crate::period::Period;
use crate::load::notes::{Action, ActionStatus, Note};
use crate::model::{Agreement, AgreementKind, Site, Target};

/// How many earlier periods a trend shows.
pub const TREND_PERIODS: usize = 12;

/// Everything measured for one period, for the whole provider.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub period: Period,
    pub title: String,
    pub timezone: String,
    /// `[start, end)` of the period, RFC 3339 in UTC.
    pub starts: String,
    pub ends: String,
    /// The month in progress: measured up to this instant (RFC 3339, UTC);
    /// every figure is "to date" and carries a forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub summary: Summary,
    /// Shared, not copied, by the results of each customer
    /// ([`Results::for_customer`]): a row of an OLA on a service many
    /// customers use is one value however many customers see it.
    pub targets: Vec<Arc<TargetResult>>,
    pub agreements: Vec<AgreementReview>,
    pub reviews: Vec<Review>,
    pub actions: Vec<ActionResult>,
    /// Tickets by service and priority.
    pub tickets: Vec<TicketCount>,
    /// The same by customer too (`None`: tickets without a customer), for
    /// [`Results::for_customer`].
    #[serde(skip)]
    pub tickets_by_customer: Vec<(Option<String>, TicketCount)>,
    /// What each source held for the period.
    pub data: super::completeness::Completeness,
    /// Service credits per agreement that owes any in the period, after the
    /// agreement's cap. In a month in progress, what would be owed so far.
    pub credits: Vec<AgreementCredit>,
    /// Corrections that touched rows of the period, with the figures they moved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionResult>,
    /// See [`Results::rows`].
    #[serde(skip)]
    rows: OnceLock<Rows>,
}

/// Tickets of one service and priority in the period.
#[derive(Debug, Clone, Serialize)]
pub struct TicketCount {
    pub service: String,
    pub priority: String,
    pub opened: usize,
    pub resolved: usize,
    /// Opened before the period's end and not resolved by then.
    pub open_at_end: usize,
}

/// One target for one service.
#[derive(Debug, Clone, Serialize)]
pub struct TargetResult {
    pub agreement: String,
    pub kind: AgreementKind,
    /// Customer, team or supplier.
    pub party: String,
    pub target: String,
    pub service: String,
    pub metric: &'static str,
    pub unit: &'static str,
    pub calendar: String,
    pub value: Option<f64>,
    pub objective: f64,
    pub warning: Option<f64>,
    pub higher_is_better: bool,
    pub status: Status,
    /// 0 for a breach below every credit tier, `n` for the n-th tier (mildest first).
    pub severity: Option<usize>,
    /// The target's own credit, % of the monthly charge (after its own
    /// `credit_cap`, before the agreement's).
    pub credit_percent: f64,
    /// `credit_percent` of the agreement's monthly charge, to the cent, when
    /// the agreement has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit_amount: Option<f64>,
    /// The currency of `credit_amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub coverage: Option<f64>,
    pub budget: Option<Budget>,
    /// Lost time or failed items by cause, largest first.
    pub attribution: Vec<Attribution>,
    /// Underpinning agreements whose causes contributed to a breach.
    pub contributors: Vec<String>,
    pub underpinned_by: Vec<String>,
    pub basis: Basis,
    pub remarks: Vec<String>,
    /// This period and the twelve before it, oldest first (an SLA's; an OLA
    /// or UPC row, whose trend no page shows, carries this period alone).
    /// Drawn and shown on the pages, not written to results.json: each
    /// earlier month's figure is in that month's own results.json.
    #[serde(skip_serializing)]
    pub trend: Vec<TrendPoint>,
    /// Availability: each day of the period (an SLA's row only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub daily: Vec<DailyPoint>,
    /// Response and resolution: the tickets decided in the period (an SLA's
    /// row only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<TicketPoint>,
    /// How the figure was worked out, in words.
    pub rule: String,
    /// Response and resolution: the business time allowed per ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_seconds: Option<i64>,
    /// The month in progress: where the target is heading at this rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Forecast>,
    /// How this target changed from the version of its agreement in force
    /// the month before, when a new version governs this month.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    /// The cause as written, `None` when unattributed.
    pub cause: Option<String>,
    /// `ola`, `upc`, or `None` for causes that name no agreement.
    pub cause_kind: Option<AgreementKind>,
    pub amount: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DailyPoint {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// Against the target's objective and warning, from the exact value.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TrendPoint {
    pub period: Period,
    pub value: Option<f64>,
    pub status: Status,
}

/// The service credit an agreement owes in a period: the sum of its
/// targets' credits, capped by the agreement's `credit_cap`, and what that
/// is in money when the agreement has a monthly charge. An SLA's is owed to
/// the customer; a UPC's is owed to us by the supplier.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct AgreementCredit {
    pub agreement: String,
    pub kind: AgreementKind,
    /// Customer, team or supplier.
    pub party: String,
    pub title: String,
    /// The sum of the targets' `credit_percent`.
    pub percent_uncapped: f64,
    /// What is owed, % of the monthly charge: `percent_uncapped`, at most `cap`.
    pub percent: f64,
    /// The agreement's `credit_cap`.
    pub cap: Option<f64>,
    /// True when the cap took something off.
    pub capped: bool,
    /// The monthly charge, when the agreement has one.
    pub charge: Option<f64>,
    /// `percent` of the charge, to the cent (rounded half up).
    pub amount: Option<f64>,
    pub currency: Option<String>,
    /// The targets that owe a credit, in the agreement's order.
    pub targets: Vec<CreditShare>,
}

/// One target's part of an agreement's credit, before the agreement's cap.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CreditShare {
    pub target: String,
    pub service: String,
    pub percent: f64,
    /// `percent` of the monthly charge, to the cent.
    pub amount: Option<f64>,
}

/// An agreement and whether its review is overdue at the period's end.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementReview {
    pub id: String,
    pub kind: AgreementKind,
    pub party: String,
    pub title: String,
    /// The version in force in the period (the one measured).
    pub version: String,
    /// Its file, relative to the site folder.
    pub file: String,
    pub effective: NaiveDate,
    pub review_due: NaiveDate,
    pub overdue: bool,
    /// Days past `review_due` on the period's last day.
    pub days_overdue: i64,
    /// Days from drafted to agreed, when both are recorded.
    pub days_to_agree: Option<i64>,
    /// The version in force the month before, when another one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
    /// What changed from the previous version, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

/// The service review of one customer in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub customer: String,
    /// The review meeting held in the period, if any.
    pub meeting: Option<NaiveDate>,
    /// The month that meeting reviewed: the note's `reviews`, else the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Period>,
    pub attendees: Vec<String>,
    pub satisfaction: Option<f64>,
    pub complaints: u32,
    pub compliments: u32,
    /// Review meetings held in the twelve months up to this one.
    pub meetings_last_12_months: usize,
}

/// A service improvement plan action as of the period: the latest note up
/// to the period that mentions it gives its status.
#[derive(Debug, Clone, Serialize)]
pub struct ActionResult {
    pub customer: String,
    #[serde(flatten)]
    pub action: Action,
    /// The month of the note that last mentioned it.
    pub as_of: Period,
    /// Open and past its due date at the period's end.
    pub overdue: bool,
}

/// Provider-level figures. The status counts (`figures` ... `no_data`) and
/// `breaches_by_severity` and `breaches_by_kind` are about every agreement
/// the results hold (in a customer's results: its SLAs); the three
/// `breaches_supplier` / `_internal` / `_unattributed` are about SLA
/// breaches only, and add up to `breaches_by_kind["SLA"]`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub figures: usize,
    pub met: usize,
    pub at_risk: usize,
    pub breached: usize,
    pub no_data: usize,
    /// Figures whose sample coverage is below the target's `min_coverage`.
    pub insufficient: usize,
    /// (met + at risk) / (met + at risk + breached), as a percentage: figures
    /// without data or with insufficient data are left out.
    pub percent_met: Option<f64>,
    /// Breaches by severity: "below credit tiers", "tier 1", ...; adds up to `breached`.
    pub breaches_by_severity: BTreeMap<String, usize>,
    /// Breaches by kind of agreement ("SLA", "OLA", "UPC", each present); adds up to `breached`.
    pub breaches_by_kind: BTreeMap<String, usize>,
    /// SLA breaches whose largest cause is a supplier (UPC), an internal team (OLA), or neither.
    pub breaches_supplier: usize,
    pub breaches_internal: usize,
    pub breaches_unattributed: usize,
    pub agreements: usize,
    pub agreements_overdue: usize,
    pub reviews_held: usize,
    /// Customers whose review of this month has been held (in this month or
    /// a later one), and the mean rating they gave in it. A customer's
    /// results count only a meeting held in the month itself, so a published
    /// month never depends on a later note; the provider's count them all.
    pub reviewed: usize,
    pub review_rating: Option<f64>,
    pub customers: usize,
    pub actions_open: usize,
    pub actions_done: usize,
    pub actions_dropped: usize,
    pub actions_overdue: usize,
    /// The sum of credits owed, in percent of each SLA's monthly charge, per
    /// customer, each SLA's after its agreement's `credit_cap`.
    pub credits_by_customer: BTreeMap<String, f64>,
    /// The money owed per customer and currency, from the SLAs with a
    /// monthly charge (customer -> currency -> amount).
    pub credit_amounts_by_customer: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Figures already computed in this run, kept by what they are computed
/// from ([`Reading`]) and month: the trend of one month reuses the figures
/// of the months before it, and the customers sharing a service and a
/// target share its figure, instead of computing them again. Shared by
/// periods measured in parallel: a figure is computed outside the lock (two
/// threads may compute the same one; both get the same figure).
#[derive(Debug, Default)]
pub struct FigureCache {
    /// (foldhash: asked for every row and month of every trend.)
    figures: std::sync::RwLock<std::collections::HashMap<Reading, BTreeMap<Period, Figure>, foldhash::fast::FixedState>>,
    /// Set when a figure was asked of a month whose rows were not read
    /// (see [`Data::partial`]): the results are then incomplete and the
    /// caller measures again from every row.
    missed: std::sync::atomic::AtomicBool,
}

impl FigureCache {
    /// The figure of `subject`'s whole month (whatever its window and cut),
    /// whose reading is `reading`.
    fn get(&self, data: &Data, subject: &Subject, reading: &Reading) -> Figure {
        let held = self.figures.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(reading).and_then(|months| months.get(&subject.period).cloned());
        if let Some(f) = held {
            return f;
        }
        let (start, cut) = subject.period.bounds(subject.config.timezone);
        if data.unread(start, cut) {
            self.missed.store(true, std::sync::atomic::Ordering::Relaxed);
            return Figure::default();
        }
        let f = figure(&Subject { window: None, cut, ..*subject }, data);
        self.figures.write().unwrap_or_else(std::sync::PoisonError::into_inner).entry(reading.clone()).or_default().insert(subject.period, f.clone());
        f
    }

    /// True when a figure was asked of a month whose rows were not read.
    pub fn missed(&self) -> bool {
        self.missed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many figures were computed (different readings and months).
    pub fn computed(&self) -> usize {
        self.figures.read().unwrap_or_else(std::sync::PoisonError::into_inner).values().map(BTreeMap::len).sum()
    }
}

/// How a period is measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The facts as they stood at this instant (UTC seconds), for the month
    /// in progress: in-scope time ends here and each target gets a forecast.
    /// `None`, or an instant at or after the period's end: the whole month.
    pub as_of: Option<i64>,
    /// Figures of earlier months as published: their trend points are read
    /// from here, so a new month shows what was reported then.
    pub history: Option<&'a History>,
    /// The corrections applied to the data, listed in each month they touch
    /// with the figures they moved.
    pub corrections: Option<&'a Corrections>,
}

/// Corrections as applied, and the data before them.
#[derive(Debug, Clone)]
pub struct Corrections {
    pub applied: Vec<Applied>,
    pub uncorrected: Data,
}


/// Published figures of earlier months, by agreement, target, service and period.
#[derive(Debug, Clone, Default)]
pub struct History {
    points: HashMap<(String, String, String), BTreeMap<Period, TrendPoint>>,
}

impl History {
    /// Records the figure of a published month (its value as in [`trend_value`]).
    pub fn insert(&mut self, agreement: &str, target: &str, service: &str, mut point: TrendPoint) {
        point.value = point.value.map(trend_value);
        self.points.entry((agreement.to_string(), target.to_string(), service.to_string())).or_default().insert(point.period, point);
    }

    /// The published months of one row (one lookup for all of its trend).
    fn of(&self, agreement: &str, target: &str, service: &str) -> Option<&BTreeMap<Period, TrendPoint>> {
        if self.points.is_empty() {
            return None;
        }
        self.points.get(&(agreement.to_string(), target.to_string(), service.to_string()))
    }

    /// Adds every figure of `other`; on the same key, `other`'s wins.
    pub fn extend(&mut self, other: History) {
        for (key, points) in other.points {
            self.points.entry(key).or_default().extend(points);
        }
    }
}

/// The agreement versions in force in the months a period's trend shows
/// (by agreement id, month by month), looked up once per period rather
/// than for every trend point of every row.
struct TrendVersions<'a> {
    months: Vec<(Period, HashMap<&'a str, &'a Agreement, foldhash::fast::FixedState>)>,
}

impl<'a> TrendVersions<'a> {
    fn new(site: &'a Site, period: Period) -> Self {
        let months = period
            .trailing(TREND_PERIODS)
            .into_iter()
            .filter(|&p| p != period)
            .map(|p| (p, site.agreements.iter().map(|a| a.id.as_str()).zip(site.agreements_in_force(p)).collect()))
            .collect();
        TrendVersions { months }
    }

    /// The version of agreement `id` in force in `p` (as
    /// [`Site::version_in_force`] picks it).
    fn version(&self, id: &str, p: Period) -> Option<&'a Agreement> {
        self.months.iter().find(|(m, _)| *m == p).and_then(|(_, versions)| versions.get(id).copied())
    }
}

/// Measures every target of every agreement for `period`, with trends.
pub fn measure(site: &Site, data: &Data, notes: &[Note], period: Period) -> Results {
    measure_with(site, data, notes, period, Options::default(), &FigureCache::default())
}

/// [`measure`] as `options` say, reusing and filling `cache`. Each month is
/// measured against the agreement versions in force in it.
pub fn measure_with(site: &Site, data: &Data, notes: &[Note], period: Period, options: Options, cache: &FigureCache) -> Results {
    let site = &site.in_force(period);
    let tz = site.config.timezone;
    let (start, end) = period.bounds(tz);
    let cut = options.as_of.map_or(end, |t| t.min(end));
    // Every target of every service, measured in parallel (in this order).
    let keys: Vec<Key> = site
        .agreements
        .iter()
        .flat_map(|agreement| {
            agreement.targets.iter().flat_map(move |target| services_of(agreement, target).into_iter().map(move |service| Key { agreement, target, service, period, cut }))
        })
        .collect();
    let context = Context { site, data, history: options.history, cache, versions: TrendVersions::new(site, period) };
    let ((targets, tickets_by_customer), completeness) = rayon::join(
        || {
            rayon::join(
                || keys.par_iter().map(|&key| Arc::new(target_result(&context, key))).collect::<Vec<_>>(),
                || ticket_counts(data, start, cut),
            )
        },
        || super::completeness::Completeness::measure(site, data, start, cut),
    );
    let agreements: Vec<AgreementReview> = site.agreements.iter().map(|a| review_status(site, a, period)).collect();
    let reviews = reviews(site, notes, period);
    let actions = actions(notes, period);
    let tickets = sum_tickets(tickets_by_customer.iter().map(|(_, c)| c));
    let credits = agreement_credits(site, &targets);
    let mut summary = summarise(&targets, &credits, &agreements, &reviews, &actions);
    (summary.reviewed, summary.review_rating) = reviews_of(notes, period);
    let corrections = options.corrections.map_or_else(Vec::new, |c| corrections_of(site, c, &targets, period, start, cut));
    Results {
        period,
        title: site.config.title.clone(),
        timezone: tz.name().to_string(),
        starts: rfc3339(start),
        ends: rfc3339(end),
        as_of: (cut < end).then(|| rfc3339(cut)),
        corrections,
        summary,
        targets,
        agreements,
        reviews,
        actions,
        tickets,
        tickets_by_customer,
        data: completeness,
        credits,
        rows: OnceLock::new(),
    }
}

/// Tickets by service, priority and customer: opened in `[start, end)`,
/// resolved in it, and open at `end` (a ticket may count in all three).
fn ticket_counts(data: &Data, start: i64, end: i64) -> Vec<(Option<String>, TicketCount)> {
    // Counted under borrowed keys: a month of a provider holds a hundred
    // thousand tickets and a few thousand keys.
    let mut counts: BTreeMap<(&str, &str, Option<&str>), [usize; 3]> = BTreeMap::new();
    for service in data.tickets.keys() {
        for t in data.tickets_near(service, start, end) {
            let opened = start <= t.opened && t.opened < end;
            let resolved = t.resolved.is_some_and(|r| start <= r && r < end);
            let open = t.opened < end && t.resolved.is_none_or(|r| r >= end);
            if !(opened || resolved || open) {
                continue;
            }
            let c = counts.entry((service.as_str(), t.priority.as_str(), t.customer.as_deref())).or_insert([0; 3]);
            c[0] += usize::from(opened);
            c[1] += usize::from(resolved);
            c[2] += usize::from(open);
        }
    }
    counts
        .into_iter()
        .map(|((service, priority, customer), [opened, resolved, open_at_end])| {
            (customer.map(str::to_string), TicketCount { service: service.to_string(), priority: priority.to_string(), opened, resolved, open_at_end })
        })
        .collect()
}

/// Adds up ticket counts by service and priority.
fn sum_tickets<'a>(counts: impl Iterator<Item = &'a TicketCount>) -> Vec<TicketCount> {
    let mut sums: BTreeMap<(String, String), TicketCount> = BTreeMap::new();
    for c in counts {
        let s = sums.entry((c.service.clone(), c.priority.clone())).or_insert_with(|| TicketCount { opened: 0, resolved: 0, open_at_end: 0, ..c.clone() });
        s.opened += c.opened;
        s.resolved += c.resolved;
        s.open_at_end += c.open_at_end;
    }
    sums.into_values().collect()
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(String::new, |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The services a target measures: its own, or each of its agreement's.
pub fn services_of<'a>(agreement: &'a Agreement, target: &'a Target) -> Vec<&'a str> {
    match &target.service {
        Some(s) => vec![s.as_str()],
        None => agreement.services.iter().map(String::as_str).collect(),
    }
}

/// One target of one service in one period, measured up to `cut`.
#[derive(Clone, Copy)]
struct Key<'a> {
    agreement: &'a Agreement,
    target: &'a Target,
    service: &'a str,
    period: Period,
    cut: i64,
}

/// What every row of one period is measured with.
struct Context<'a> {
    site: &'a Site,
    data: &'a Data,
    history: Option<&'a History>,
    cache: &'a FigureCache,
    versions: TrendVersions<'a>,
}

fn target_result(context: &Context, key: Key) -> TargetResult {
    let Context { site, data, history, cache, ref versions } = *context;
    let Key { agreement, target, service, period, cut } = key;
    let subject = Subject { config: &site.config, agreement, target, service, period, window: None, cut, customer: customer_of(agreement) };
    let complete = cut >= period.bounds(site.config.timezone).1;
    let reading = subject.reading(data);
    let figure = if complete { cache.get(data, &subject, &reading) } else { figure(&subject, data) };
    let higher = target.measure.higher_is_better();
    let status = status_of(target, &figure);
    // Insufficient data owes no credit and reaches no severity.
    let (severity, credit_percent) = if status == Status::InsufficientData { (None, 0.0) } else { credit(target, figure.value, status) };
    let charge = agreement.monthly_charge.as_ref();
    // Only an SLA's trend is shown (its pages; an OLA or UPC row is listed in
    // a customer's results.json, which carries no trend): an OLA or UPC row
    // carries its own month alone, so a build publishing one new month never
    // measures the earlier months of rows no page shows.
    let months = if agreement.kind == AgreementKind::Sla { period.trailing(TREND_PERIODS) } else { vec![period] };
    let published = history.and_then(|h| h.of(&agreement.id, &target.id, service));
    let trend = months
        .into_iter()
        .map(|p| {
            if p == period {
                return TrendPoint { period: p, value: figure.value.map(|v| trend_value(v.to_f64())), status };
            }
            if let Some(point) = published.and_then(|months| months.get(&p)) {
                return point.clone();
            }
            // Each month against its own version; no data where that version
            // lacks the target or the service.
            let then = versions.version(&agreement.id, p).unwrap_or(agreement);
            let Some(t) = then.targets.iter().find(|t| t.id == target.id && services_of(then, t).contains(&service)) else {
                return TrendPoint { period: p, value: None, status: Status::NoData };
            };
            let month = Subject { agreement: then, target: t, period: p, customer: customer_of(then), ..subject };
            // The same version reads as this month's row does.
            let other_version;
            let reading = if then.version == agreement.version {
                &reading
            } else {
                other_version = month.reading(data);
                &other_version
            };
            let f = cache.get(data, &month, reading);
            TrendPoint {
                period: p,
                value: f.value.map(|v| trend_value(v.to_f64())),
                status: status_of(t, &f),
            }
        })
        .collect();
    let forecast = (!complete).then(|| forecast_of(site, data, &subject, &figure));
    let attribution = attribute(site, &figure.losses);
    let contributors = if status == Status::Breached {
        attribution
            .iter()
            .filter(|a| a.cause_kind.is_some() && a.amount > 0.0)
            .filter_map(|a| a.cause.clone())
            .collect()
    } else {
        Vec::new()
    };
    // Days and tickets are listed on an SLA's row, whose card in report.html
    // shows them. An OLA or UPC row has no card: it carries its figure, its
    // basis and its attribution (the cause of an SLA's breach), and no list
    // a page never shows.
    let listed = agreement.kind == AgreementKind::Sla;
    let daily = if listed && target.metric == crate::model::Metric::Availability && figure.value.is_some() {
        daily(site, data, &subject)
    } else {
        Vec::new()
    };
    let tickets = if listed { ticket_points(&subject, data) } else { Vec::new() };
    let changes = version_changes(site, agreement, period)
        .into_iter()
        .filter(|c| c.target.as_deref() == Some(target.id.as_str()))
        .map(|c| c.text)
        .collect();
    let Figure { value, coverage, budget, basis, remarks, .. } = figure;
    TargetResult {
        agreement: agreement.id.clone(),
        kind: agreement.kind,
        party: agreement.party.clone(),
        target: target.id.clone(),
        service: service.to_string(),
        metric: target.metric.name(),
        unit: target.measure.unit(),
        calendar: target.calendar.clone(),
        value: value.map(Fraction::to_f64),
        objective: target.objective,
        warning: target.warning,
        higher_is_better: higher,
        status,
        severity,
        credit_percent,
        credit_amount: charge.map(|c| cents_to_f64(c.percent_of(credit_percent))),
        currency: charge.map(|c| c.currency.clone()),
        coverage: coverage.map(Fraction::to_f64),
        budget,
        attribution,
        contributors,
        underpinned_by: target.underpinned_by.clone(),
        rule: rule_text(site, agreement, target),
        within_seconds: match &target.measure {
            crate::model::Measure::Response { within, .. } | crate::model::Measure::Resolution { within, .. } => Some(*within),
            _ => None,
        },
        basis,
        remarks,
        trend,
        daily,
        tickets,
        forecast,
        changes,
    }
}

/// The corrections touching `[start, cut)`, each with the figures of its
/// service that differ from the figures of the data as exported.
fn corrections_of(site: &Site, c: &Corrections, targets: &[Arc<TargetResult>], period: Period, start: i64, cut: i64) -> Vec<CorrectionResult> {
    let touching: Vec<&Applied> = c.applied.iter().filter(|a| a.touches(start, cut)).collect();
    let mut moved_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for a in &touching {
        if moved_of.contains_key(a.service.as_str()) {
            continue;
        }
        let mut moved = Vec::new();
        for t in targets.iter().filter(|t| t.service == a.service) {
            let (Some(agreement), Some(target)) = (site.agreement(&t.agreement), site.agreement(&t.agreement).and_then(|ag| ag.targets.iter().find(|x| x.id == t.target))) else {
                continue;
            };
            let subject = Subject { config: &site.config, agreement, target, service: &t.service, period, window: None, cut, customer: customer_of(agreement) };
            let before = figure(&subject, &c.uncorrected);
            let shown = |v: Option<f64>| super::format::format_value(v, t.unit);
            let was = shown(before.value.map(Fraction::to_f64));
            if was != shown(t.value) || status_of(target, &before) != t.status {
                moved.push(format!("{}/{} ({}): {was} as exported -> {} corrected", t.agreement, t.target, t.service, shown(t.value)));
            }
        }
        moved_of.insert(a.service.as_str(), moved);
    }
    touching
        .iter()
        .map(|a| CorrectionResult {
            date: a.correction.date,
            by: a.correction.by.clone(),
            reason: a.correction.reason.clone(),
            service: a.service.clone(),
            change: a.correction.describe(),
            moved: moved_of.get(a.service.as_str()).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The forecast of a to-date figure (see [`super::forecast`]).
fn forecast_of(site: &Site, data: &Data, subject: &Subject, so_far: &Figure) -> Forecast {
    use crate::model::{Measure, Planned};
    let tz = site.config.timezone;
    let (period_start, period_end) = subject.period.bounds(tz);
    let calendar = data.calendar(subject.calendar());
    let (from, until) = subject.span();
    let whole_subject = Subject { cut: period_end, ..*subject };
    let (_, month_end) = whole_subject.span();
    let elapsed = calendar.business_seconds(from, until.max(from));
    let whole = calendar.business_seconds(from, month_end.max(from));
    let target = subject.target;
    let scale = if elapsed > 0 { whole as f64 / elapsed as f64 } else { 0.0 };
    // Items go on at the month's pace: the month's allowance is the allowed
    // share of the projected volume, unrounded, so "heading for a breach"
    // agrees with the projected value.
    let share = |fraction: f64, count: Option<f64>| count.map(|n| n * scale * fraction);
    let allowed_share = (100.0 - target.objective) / 100.0;
    let exact_budget = match &target.measure {
        Measure::OutageAvailability { planned, .. } => {
            let (scope, _) = super::metrics::scope(&whole_subject, data, *planned == Planned::Excluded);
            Some(super::metrics::allowed_seconds(super::intervals::total(&scope), target.objective))
        }
        Measure::Incidents { .. } => Some(target.objective),
        Measure::Response { .. } | Measure::Resolution { .. } | Measure::LatencyShare { .. } | Measure::SatisfactionShare { .. } => {
            share(allowed_share, so_far.basis.count.map(|n| n as f64))
        }
        Measure::Ratio => share(allowed_share, so_far.basis.total),
        Measure::LatencyPercentile { percentile } => share((100.0 - percentile) / 100.0, so_far.basis.count.map(|n| n as f64)),
        Measure::SampleAvailability { .. } | Measure::SatisfactionMean => None,
    };
    let progress = Progress {
        elapsed,
        whole,
        calendar_elapsed: until - period_start.max(from.min(until)),
        exact_budget,
        objective: target.objective,
        warning: target.warning,
        higher_is_better: target.measure.higher_is_better(),
        count: matches!(target.measure, Measure::Incidents { .. }),
        insufficient: so_far.value.is_some() && super::metrics::below_min_coverage(target, so_far.coverage),
    };
    forecast(
        so_far,
        &progress,
        |after| calendar.add_business(until, after),
        |t| chrono::DateTime::from_timestamp(t, 0).map_or(subject.period.last_day(), |d| d.with_timezone(&tz).date_naive()),
    )
}

/// Availability day by day (local days of the site's zone).
fn daily(site: &Site, data: &Data, subject: &Subject) -> Vec<DailyPoint> {
    let tz = site.config.timezone;
    let mut out = Vec::new();
    let mut day = subject.period.first_day();
    let last = chrono::DateTime::from_timestamp(subject.cut - 1, 0)
        .map_or(subject.period.last_day(), |d| d.with_timezone(&tz).date_naive())
        .min(subject.period.last_day());
    while day <= last {
        let next = day.succ_opt().expect("in range");
        let window = Some((crate::period::start_of_day(day, tz), crate::period::start_of_day(next, tz)));
        let f = figure(&Subject { window, ..*subject }, data);
        let target = subject.target;
        let status = status_of(target, &f);
        out.push(DailyPoint { date: day, value: f.value.map(Fraction::to_f64), status });
        day = next;
    }
    out
}

/// The severity reached and the credit owed: the most severe tier whose
/// bound the value is strictly worse than; tiers do not add up; capped.
pub fn credit(target: &Target, value: Option<Fraction>, status: Status) -> (Option<usize>, f64) {
    let Some(value) = value else { return (None, 0.0) };
    let higher = target.measure.higher_is_better();
    let reached = target.credits.iter().filter(|t| worse_than(value, t.bound, higher)).count();
    let percent = target.credits.iter().filter(|t| worse_than(value, t.bound, higher)).map(|t| t.percent).fold(0.0, f64::max);
    let percent = target.credit_cap.map_or(percent, |cap| percent.min(cap));
    let severity = (status == Status::Breached || reached > 0).then_some(reached);
    (severity, percent)
}

/// Whole cents as an amount: 240 000 -> 2400.0.
fn cents_to_f64(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The credit each agreement owes in the period, from its targets' credits:
/// their sum, at most the agreement's `credit_cap`, and that percent of the
/// monthly charge in whole cents. Agreements owing nothing are left out.
/// Percentages are added in millionths of a percent, so 0.1 + 0.2 is 0.3.
pub fn agreement_credits(site: &Site, targets: &[Arc<TargetResult>]) -> Vec<AgreementCredit> {
    site.agreements
        .iter()
        .filter_map(|a| {
            let owing: Vec<&TargetResult> = targets.iter().filter(|t| t.agreement == a.id && t.credit_percent > 0.0).map(|t| t.as_ref()).collect();
            if owing.is_empty() {
                return None;
            }
            let micro: i64 = owing.iter().map(|t| crate::model::percent_micro(t.credit_percent)).sum();
            let uncapped = micro as f64 / 1e6;
            let capped = a.credit_cap.is_some_and(|cap| micro > crate::model::percent_micro(cap));
            let percent = if capped { a.credit_cap.unwrap_or(uncapped) } else { uncapped };
            let charge = a.monthly_charge.as_ref();
            Some(AgreementCredit {
                agreement: a.id.clone(),
                kind: a.kind,
                party: a.party.clone(),
                title: a.title.clone(),
                percent_uncapped: uncapped,
                percent,
                cap: a.credit_cap,
                capped,
                charge: charge.map(|c| cents_to_f64(c.cents)),
                amount: charge.map(|c| cents_to_f64(c.percent_of(percent))),
                currency: charge.map(|c| c.currency.clone()),
                targets: owing
                    .iter()
                    .map(|t| CreditShare { target: t.target.clone(), service: t.service.clone(), percent: t.credit_percent, amount: t.credit_amount })
                    .collect(),
            })
        })
        .collect()
}

fn attribute(site: &Site, losses: &[Loss]) -> Vec<Attribution> {
    losses
        .iter()
        .map(|l| Attribution {
            cause: l.cause.clone(),
            cause_kind: l
                .cause
                .as_deref()
                .and_then(|c| site.agreement(c))
                .map(|a| a.kind)
                .filter(|k| *k != AgreementKind::Sla),
            amount: l.amount,
        })
        .collect()
}

/// The rule applied, in words a reader can redo the arithmetic from: the
/// metric's rule, then whose rows it counts (OLA and UPC), then the sample
/// coverage it needs (`min_coverage`).
fn rule_text(site: &Site, agreement: &Agreement, target: &Target) -> String {
    let mut text = metric_rule_text(site, target);
    if agreement.kind != AgreementKind::Sla {
        match target.counts {
            crate::model::Counts::Own => text.push_str(&format!(" Counts only outages and tickets caused by {}.", agreement.id)),
            crate::model::Counts::All => text.push_str(" Counts the whole service."),
        }
    }
    if let Some(min) = target.min_coverage {
        text.push_str(&format!(" Insufficient data when probe samples cover less than {min}% of in-scope time."));
    }
    text
}

fn metric_rule_text(site: &Site, target: &Target) -> String {
    use crate::model::{Measure, Planned, Unknown};
    let calendar = if target.calendar == crate::model::ALWAYS {
        "around the clock (24x7)".to_string()
    } else {
        let c = &site.config.calendars[&target.calendar];
        let days: Vec<String> = c.days.iter().map(|d| format!("{:?}", d.0)).collect();
        format!(
            "in {} hours ({} {:02}:{:02}-{:02}:{:02}, {}, {} holidays)",
            c.name,
            days.join(" "),
            c.start / 3600,
            c.start % 3600 / 60,
            c.end / 3600,
            c.end % 3600 / 60,
            c.timezone.name(),
            c.holidays.len()
        )
    };
    let within = |s: i64| format!("{}h{:02}m", s / 3600, s % 3600 / 60);
    match &target.measure {
        Measure::OutageAvailability { planned, degraded } => format!(
            "Availability = (in-scope time − downtime) / in-scope time, {calendar}. Planned maintenance {}; degraded service counts as {}% down; overlapping outages count once.",
            match planned {
                Planned::Excluded => "is taken out of in-scope time",
                Planned::Downtime => "counts as downtime",
                Planned::Uptime => "counts as uptime",
            },
            (degraded * 100.0).round()
        ),
        Measure::SampleAvailability { unknown } => format!(
            "Availability from probe samples (each covers up to the next, at most {} s), {calendar}; time no sample covers {}.",
            site.config.sources.get(&crate::model::SourceKind::Samples).map_or(60, |s| s.interval),
            match unknown {
                Unknown::Exclude => "is left out (see coverage)",
                Unknown::Down => "counts as down",
                Unknown::Up => "counts as up",
            }
        ),
        Measure::LatencyPercentile { percentile } => format!("The {percentile}th percentile of probe latency (nearest rank: the ⌈{percentile}·n/100⌉-th smallest), {calendar}."),
        Measure::LatencyShare { threshold_ms } => format!("The share of probe samples with latency at or under {threshold_ms} ms, {calendar}."),
        Measure::Response { priority, within: w } => format!("The share of {priority} tickets responded to within {} of business time {calendar}; a ticket counts in the month it was decided.", within(*w)),
        Measure::Resolution { priority, within: w } => format!("The share of {priority} tickets resolved within {} of business time {calendar}, less time on hold; a ticket counts in the month it was decided (an open ticket when its time ran out).", within(*w)),
        Measure::Incidents { priority } => format!("The number of {priority} tickets opened in the month; the objective is a maximum."),
        Measure::SatisfactionMean => "The mean score of the month's survey answers.".to_string(),
        Measure::SatisfactionShare { threshold } => format!("The share of the month's survey answers scoring {threshold} or more."),
        Measure::Ratio => format!("Good requests / all requests, {calendar}."),
    }
}

/// The changes from the version of `agreement` in force the month before
/// `period` to `agreement`, when that was another version.
fn version_changes(site: &Site, agreement: &Agreement, period: Period) -> Vec<super::changes::Change> {
    match site.version_in_force(&agreement.id, period.prev()) {
        Some(before) if before.version != agreement.version => super::changes::changes(before, agreement),
        _ => Vec::new(),
    }
}

fn review_status(site: &Site, agreement: &Agreement, period: Period) -> AgreementReview {
    let last = period.last_day();
    let days_overdue = (last - agreement.review_due).num_days().max(0);
    let previous = site.version_in_force(&agreement.id, period.prev()).filter(|b| b.version != agreement.version);
    AgreementReview {
        id: agreement.id.clone(),
        kind: agreement.kind,
        party: agreement.party.clone(),
        title: agreement.title.clone(),
        version: agreement.version.clone(),
        file: agreement.file.to_string_lossy().replace('\\', "/"),
        previous_version: previous.map(|b| b.version.clone()),
        changes: version_changes(site, agreement, period).into_iter().map(|c| c.text).collect(),
        effective: agreement.effective,
        review_due: agreement.review_due,
        overdue: agreement.review_due < last,
        days_overdue,
        days_to_agree: agreement.drafted.zip(agreement.agreed).map(|(d, a)| (a - d).num_days()),
    }
}

fn reviews(site: &Site, notes: &[Note], period: Period) -> Vec<Review> {
    let customers = site.customers();
    let window = period.trailing(11);
    customers
        .into_iter()
        .map(|customer| {
            let note = notes.iter().find(|n| n.customer == customer && n.period == period);
            let meetings = notes
                .iter()
                .filter(|n| n.customer == customer && window.contains(&n.period) && n.meeting.is_some())
                .count();
            let meeting = note.and_then(|n| n.meeting);
            Review {
                customer: customer.to_string(),
                meeting,
                reviewed: meeting.and(note.map(|n| n.reviews.unwrap_or(period))),
                attendees: note.map(|n| n.attendees.clone()).unwrap_or_default(),
                satisfaction: note.and_then(|n| n.satisfaction),
                complaints: note.map_or(0, |n| n.complaints),
                compliments: note.map_or(0, |n| n.compliments),
                meetings_last_12_months: meetings,
            }
        })
        .collect()
}

/// Customers whose review of `period` has been held, in any note, and the
/// mean rating they gave: for each customer, the latest meeting that
/// reviewed the period (a note without `reviews` reviews its own month).
fn reviews_of(notes: &[Note], period: Period) -> (usize, Option<f64>) {
    let mut latest: BTreeMap<&str, &Note> = BTreeMap::new();
    for n in notes.iter().filter(|n| n.meeting.is_some() && n.reviews.unwrap_or(n.period) == period) {
        if latest.get(n.customer.as_str()).is_none_or(|l| l.period < n.period) {
            latest.insert(&n.customer, n);
        }
    }
    let ratings: Vec<f64> = latest.values().filter_map(|n| n.satisfaction).collect();
    let rating = (!ratings.is_empty()).then(|| ratings.iter().sum::<f64>() / ratings.len() as f64);
    (latest.len(), rating)
}

fn actions(notes: &[Note], period: Period) -> Vec<ActionResult> {
    let mut latest: BTreeMap<(String, String), ActionResult> = BTreeMap::new();
    let mut ordered: Vec<&Note> = notes.iter().filter(|n| n.period <= period).collect();
    ordered.sort_by_key(|n| n.period);
    for note in ordered {
        for action in &note.actions {
            latest.insert(
                (note.customer.clone(), action.id.clone()),
                ActionResult {
                    customer: note.customer.clone(),
                    action: action.clone(),
                    as_of: note.period,
                    overdue: action.status == ActionStatus::Open && action.due.is_some_and(|d| d < period.last_day()),
                },
            );
        }
    }
    latest.into_values().collect()
}

fn summarise(targets: &[Arc<TargetResult>], credits: &[AgreementCredit], agreements: &[AgreementReview], reviews: &[Review], actions: &[ActionResult]) -> Summary {
    let mut s = Summary { figures: targets.len(), agreements: agreements.len(), customers: reviews.len(), ..Summary::default() };
    for kind in [AgreementKind::Sla, AgreementKind::Ola, AgreementKind::Upc] {
        s.breaches_by_kind.insert(kind.to_string(), 0);
    }
    for t in targets {
        match t.status {
            Status::Met => s.met += 1,
            Status::AtRisk => s.at_risk += 1,
            Status::Breached => s.breached += 1,
            Status::NoData => s.no_data += 1,
            Status::InsufficientData => s.insufficient += 1,
        }
        if t.status == Status::Breached {
            let label = match t.severity {
                Some(0) | None => "below credit tiers".to_string(),
                Some(n) => format!("tier {n}"),
            };
            *s.breaches_by_severity.entry(label).or_insert(0) += 1;
            *s.breaches_by_kind.entry(t.kind.to_string()).or_insert(0) += 1;
            if t.kind == AgreementKind::Sla {
                match t.attribution.first().and_then(|a| a.cause_kind) {
                    Some(AgreementKind::Upc) => s.breaches_supplier += 1,
                    Some(AgreementKind::Ola) => s.breaches_internal += 1,
                    _ => s.breaches_unattributed += 1,
                }
            }
        }
    }
    // Capped per agreement, then added per customer: in millionths of a
    // percent and in whole cents, so sums are exact.
    let mut percents: BTreeMap<&str, i64> = BTreeMap::new();
    let mut cents: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    // Every customer with an SLA figure is listed, owing 0 when nothing.
    for t in targets.iter().filter(|t| t.kind == AgreementKind::Sla) {
        percents.entry(&t.party).or_insert(0);
    }
    for c in credits.iter().filter(|c| c.kind == AgreementKind::Sla) {
        *percents.entry(&c.party).or_insert(0) += crate::model::percent_micro(c.percent);
        if let (Some(amount), Some(currency)) = (c.amount, &c.currency) {
            *cents.entry(&c.party).or_default().entry(currency).or_insert(0) += (amount * 100.0).round() as i64;
        }
    }
    s.credits_by_customer = percents.into_iter().map(|(k, v)| (k.to_string(), v as f64 / 1e6)).collect();
    s.credit_amounts_by_customer = cents
        .into_iter()
        .map(|(k, m)| (k.to_string(), m.into_iter().map(|(c, v)| (c.to_string(), cents_to_f64(v))).collect()))
        .collect();
    let with_data = s.met + s.at_risk + s.breached;
    s.percent_met = (with_data > 0).then(|| 100.0 * (s.met + s.at_risk) as f64 / with_data as f64);
    s.agreements_overdue = agreements.iter().filter(|a| a.overdue).count();
    s.reviews_held = reviews.iter().filter(|r| r.meeting.is_some()).count();
    for a in actions {
        match a.action.status {
            ActionStatus::Open => s.actions_open += 1,
            ActionStatus::Done => s.actions_done += 1,
            ActionStatus::Dropped => s.actions_dropped += 1,
        }
        if a.overdue {
            s.actions_overdue += 1;
        }
    }
    s
}

/// The figures as CSV, one row per target and service, for spreadsheets.
pub fn to_csv(results: &Results) -> String {
    let mut out = String::from(
        "period,agreement,kind,party,target,service,metric,unit,value,objective,warning,status,severity,credit_percent,coverage,budget_unit,budget_allowed,budget_used,budget_remaining,main_cause,scope_seconds,lost_seconds,count,credit_amount,currency\n",
    );
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for t in &results.targets {
        let budget = t.budget.as_ref();
        let cause = t.attribution.first().map(|a| a.cause.clone().unwrap_or_else(|| "unattributed".into()));
        let fields = [
            results.period.to_string(),
            t.agreement.clone(),
            t.kind.name().to_string(),
            t.party.clone(),
            t.target.clone(),
            t.service.clone(),
            t.metric.to_string(),
            t.unit.to_string(),
            num(t.value),
            t.objective.to_string(),
            num(t.warning),
            t.status.label().to_string(),
            t.severity.map_or(String::new(), |s| s.to_string()),
            t.credit_percent.to_string(),
            num(t.coverage),
            budget.map_or(String::new(), |b| b.unit.to_string()),
            num(budget.map(|b| b.allowed)),
            num(budget.map(|b| b.used)),
            num(budget.map(|b| b.remaining)),
            cause.unwrap_or_default(),
            t.basis.scope_seconds.map_or(String::new(), |s| s.to_string()),
            num(t.basis.lost_seconds),
            t.basis.count.map_or(String::new(), |c| c.to_string()),
            t.credit_amount.map_or(String::new(), |a| format!("{a:.2}")),
            t.currency.clone().unwrap_or_default(),
        ];
        let escaped: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&escaped.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a CSV field when it holds a comma, a quote or a line break, and
/// defuses text a spreadsheet would run as a formula.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '@']) || (field.starts_with('-') && field.parse::<f64>().is_err()) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

impl Results {
    /// The part of the results one customer may see: its SLAs, the OLAs and
    /// UPCs underpinning them (so a breach can be traced to a team or a
    /// supplier), its review and its improvement actions. Nothing about
    /// another customer.
    pub fn for_customer(&self, customer: &str) -> Results {
        let index = self.rows();
        let none: &[usize] = &[];
        let own_rows = index.slas_of_party.get(customer).map_or(none, Vec::as_slice);
        let slas: Vec<&TargetResult> = own_rows.iter().map(|&i| self.targets[i].as_ref()).collect();
        let underpinning: std::collections::BTreeSet<&str> =
            slas.iter().flat_map(|t| t.underpinned_by.iter().map(String::as_str)).collect();
        let services: std::collections::BTreeSet<&str> = slas.iter().map(|t| t.service.as_str()).collect();
        // The rows of the underpinning agreements, by agreement.
        let underpinning_rows = underpinning.iter().map(|a| (*a, index.of_agreement.get(*a).map_or(none, Vec::as_slice)));
        // The underpinning agreements with a row on one of those services.
        let reaching: std::collections::BTreeSet<&str> = underpinning_rows
            .clone()
            .filter(|(_, rows)| rows.iter().any(|&i| self.targets[i].kind != AgreementKind::Sla && services.contains(self.targets[i].service.as_str())))
            .map(|(a, _)| a)
            .collect();
        // Its SLAs' rows and its underpinning agreements' rows, in the provider's order.
        let mut picked: Vec<usize> = own_rows.iter().copied().chain(underpinning_rows.flat_map(|(_, rows)| rows.iter().copied())).collect();
        picked.sort_unstable();
        picked.dedup();
        let targets: Vec<Arc<TargetResult>> =
            picked.into_iter().map(|i| &self.targets[i]).filter(|t| in_customer_scope(t, &services, &reaching)).cloned().collect();
        let agreements: Vec<AgreementReview> = self
            .agreements
            .iter()
            .filter(|a| (a.kind == AgreementKind::Sla && a.party == customer) || underpinning.contains(a.id.as_str()))
            .cloned()
            .collect();
        // The customer's own tickets and those without a customer, on the services of its SLAs.
        // (The customers whose counts it sees are picked by `sees`, among the
        // few keys of the index, rather than by comparing every count.)
        let mut seen: Vec<usize> = index
            .tickets_of_customer
            .iter()
            .filter(|(c, _)| super::data::sees(Some(customer), c.as_deref()))
            .flat_map(|(_, rows)| rows.iter().copied())
            .collect();
        seen.sort_unstable();
        let tickets = sum_tickets(seen.into_iter().map(|i| &self.tickets_by_customer[i].1).filter(|t| services.contains(t.service.as_str())));
        let data = self.data.for_customer(customer, &services);
        let reviews: Vec<Review> = self.reviews.iter().filter(|r| r.customer == customer).cloned().collect();
        let actions: Vec<ActionResult> = self.actions.iter().filter(|a| a.customer == customer).cloned().collect();
        let corrections: Vec<CorrectionResult> = self.corrections.iter().filter(|c| services.contains(c.service.as_str())).cloned().collect();
        let own: Vec<Arc<TargetResult>> = targets.iter().filter(|t| t.kind == AgreementKind::Sla).cloned().collect();
        let own_agreements: Vec<AgreementReview> = agreements.iter().filter(|a| a.kind == AgreementKind::Sla).cloned().collect();
        // Only the customer's own SLA credits: what a supplier owes us is
        // the provider's business.
        let credits: Vec<AgreementCredit> =
            self.credits.iter().filter(|c| c.kind == AgreementKind::Sla && c.party == customer).cloned().collect();
        let mut summary = summarise(&own, &credits, &own_agreements, &reviews, &actions);
        // Only the customer's own note of the month, never a later one.
        let own_review: Vec<f64> = reviews.iter().filter(|r| r.reviewed == Some(self.period)).filter_map(|r| r.satisfaction).collect();
        summary.reviewed = reviews.iter().filter(|r| r.reviewed == Some(self.period)).count();
        summary.review_rating = (!own_review.is_empty()).then(|| own_review.iter().sum::<f64>() / own_review.len() as f64);
        Results {
            summary,
            targets,
            agreements,
            reviews,
            actions,
            tickets,
            tickets_by_customer: Vec::new(),
            data,
            corrections,
            credits,
            period: self.period,
            title: self.title.clone(),
            timezone: self.timezone.clone(),
            starts: self.starts.clone(),
            ends: self.ends.clone(),
            as_of: self.as_of.clone(),
            rows: OnceLock::new(),
        }
    }

    /// Where each agreement's rows and each customer's ticket counts are,
    /// worked out the first time a customer's results are asked for.
    fn rows(&self) -> &Rows {
        self.rows.get_or_init(|| {
            let mut rows = Rows::default();
            for (i, t) in self.targets.iter().enumerate() {
                rows.of_agreement.entry(t.agreement.clone()).or_default().push(i);
                if t.kind == AgreementKind::Sla {
                    rows.slas_of_party.entry(t.party.clone()).or_default().push(i);
                }
            }
            for (i, (customer, _)) in self.tickets_by_customer.iter().enumerate() {
                rows.tickets_of_customer.entry(customer.clone()).or_default().push(i);
            }
            rows
        })
    }
}

/// Positions in a provider's [`Results`], so that the results of each of
/// its customers ([`Results::for_customer`]) are picked from the rows that
/// concern it instead of every row being compared for every customer.
#[derive(Debug, Clone, Default)]
struct Rows {
    /// Rows of `targets` by agreement.
    of_agreement: HashMap<String, Vec<usize>>,
    /// Rows of `targets` of SLAs, by their customer.
    slas_of_party: HashMap<String, Vec<usize>>,
    /// Entries of `tickets_by_customer` by customer (`None`: tickets without one).
    tickets_of_customer: HashMap<Option<String>, Vec<usize>>,
}

/// Whether a customer's results list `t`: every row of its SLAs; of an
/// underpinning OLA or UPC, the rows on the services of those SLAs (the
/// rest are other customers' services: at provider scale an OLA of 75
/// services would fill every customer's results with 72 rows it never
/// sees). An underpinning agreement with no row on any of them (it
/// underpins through another service, as the network underpins email) is
/// listed whole.
/// `reaching`: the underpinning agreements with a row on one of `services`.
fn in_customer_scope(t: &TargetResult, services: &std::collections::BTreeSet<&str>, reaching: &std::collections::BTreeSet<&str>) -> bool {
    t.kind == AgreementKind::Sla || services.contains(t.service.as_str()) || !reaching.contains(t.agreement.as_str())
}
