//! The validated site: what every stage after `load` works from.
//!
//! These types hold meaning, not syntax: time zones are parsed, durations are
//! seconds, calendars are rules, references between agreements are known to
//! resolve. Building one is the job of [`crate::load`]; nothing downstream
//! re-checks what is guaranteed here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::period::Period;

/// The name of the built-in calendar that covers every second.
pub const ALWAYS: &str = "24x7";

/// A whole site: its configuration and its agreements.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder; every path below is relative to it.
    pub root: PathBuf,
    pub config: SiteConfig,
    /// The agreements to measure, one version of each: as loaded, the
    /// latest; in the view of a period ([`Site::in_force`]), the version in
    /// force in that period.
    pub agreements: Vec<Agreement>,
    /// Every version of every agreement, in the order of `agreements`, each
    /// agreement's versions oldest (earliest `effective`) first.
    pub versions: Vec<Agreement>,
}

/// The version that governs a month whose first day is `first_day`, of
/// `held` (the one governing among earlier versions) and `v` (the next
/// version, versions oldest first): the first version, then each later one
/// in effect by the first day.
fn governs<'a>(held: Option<&'a Agreement>, v: &'a Agreement, first_day: chrono::NaiveDate) -> &'a Agreement {
    match held {
        Some(held) if v.effective > first_day => held,
        _ => v,
    }
}

impl Site {
    /// The site as it stood in `period`: each agreement in the version in
    /// force then (see [`Site::version_in_force`]).
    pub fn in_force(&self, period: Period) -> Site {
        let agreements = self.agreements_in_force(period).into_iter().cloned().collect();
        Site { root: self.root.clone(), config: self.config.clone(), agreements, versions: self.versions.clone() }
    }

    /// Each agreement in the version in force in `period` (as
    /// [`Site::version_in_force`] picks it), borrowed: one pass over the
    /// versions, not one per agreement.
    pub fn agreements_in_force(&self, period: Period) -> Vec<&Agreement> {
        let first_day = period.first_day();
        let mut governing: std::collections::HashMap<&str, &Agreement> = std::collections::HashMap::new();
        for v in &self.versions {
            let held = governing.get(v.id.as_str()).copied();
            governing.insert(&v.id, governs(held, v, first_day));
        }
        self.agreements.iter().map(|a| governing.get(a.id.as_str()).copied().unwrap_or(a)).collect()
    }

    /// The version of agreement `id` that governs `period`. A version
    /// governs whole months: the one in force on the period's first day
    /// (the latest whose `effective` is on or before it). A version effective
    /// mid-month so takes over from the next month. Before the first
    /// version took effect, the first version (its figures start on its
    /// `effective` day, so earlier months have no data).
    pub fn version_in_force(&self, id: &str, period: Period) -> Option<&Agreement> {
        let first_day = period.first_day();
        self.versions.iter().filter(|a| a.id == id).fold(None, |held, v| Some(governs(held, v, first_day)))
    }


    pub fn agreement(&self, id: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// Every service named by some agreement.
    pub fn services(&self) -> BTreeSet<&str> {
        self.agreements
            .iter()
            .flat_map(|a| a.services.iter().map(String::as_str))
            .collect()
    }

    /// The customers of the site: the parties of its SLAs, sorted.
    pub fn customers(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .agreements
            .iter()
            .filter(|a| a.kind == AgreementKind::Sla)
            .map(|a| a.party.as_str())
            .collect();
        set.into_iter().collect()
    }

    pub fn target_count(&self) -> usize {
        self.agreements.iter().map(|a| a.targets.len()).sum()
    }
}

/// `slareport.toml`, validated.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// The zone periods are cut in: a period is a calendar month here.
    pub timezone: Tz,
    /// Where the site is published, relative to the site folder.
    pub output: PathBuf,
    pub theme: String,
    /// Seconds to wait after a month ends before it is complete enough to
    /// publish (late rows): `publish_after = "3d"`.
    pub publish_after: i64,
    /// Display names of customers, by id.
    pub customers: BTreeMap<String, Customer>,
    /// Every calendar by name, the built-in `24x7` included.
    pub calendars: BTreeMap<String, Calendar>,
    pub sources: BTreeMap<SourceKind, Source>,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub name: String,
}

/// Service hours: when time counts towards a target.
///
/// An instant is inside when, as wall-clock time in `timezone`, its date is
/// not a holiday, its weekday is in `days` and its time of day is in
/// `[start, end)` (seconds after midnight; `end` may be 86 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub name: String,
    pub timezone: Tz,
    pub days: BTreeSet<WeekdayOrd>,
    pub start: u32,
    pub end: u32,
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The built-in calendar that covers every second, in zone `tz`.
    pub fn always(tz: Tz) -> Self {
        Calendar {
            name: ALWAYS.to_string(),
            timezone: tz,
            days: ALL_DAYS.iter().map(|d| WeekdayOrd(*d)).collect(),
            start: 0,
            end: 86_400,
            holidays: BTreeSet::new(),
        }
    }

    /// True when the calendar covers every second of every day.
    pub fn is_always(&self) -> bool {
        self.days.len() == 7 && self.start == 0 && self.end == 86_400 && self.holidays.is_empty()
    }
}

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// A weekday that sorts Monday first, so sets of days print in week order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdayOrd(pub Weekday);

impl PartialOrd for WeekdayOrd {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WeekdayOrd {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .num_days_from_monday()
            .cmp(&other.0.num_days_from_monday())
    }
}

/// The kinds of measurement export, each with its canonical columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Outages,
    Samples,
    Tickets,
    Surveys,
    Counts,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Outages,
        SourceKind::Samples,
        SourceKind::Tickets,
        SourceKind::Surveys,
        SourceKind::Counts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Outages => "outages",
            SourceKind::Samples => "samples",
            SourceKind::Tickets => "tickets",
            SourceKind::Surveys => "surveys",
            SourceKind::Counts => "counts",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where one kind of measurement comes from and how to read it.
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: SourceKind,
    /// A CSV file, a Parquet file or a folder of Parquet files, relative to the site.
    pub path: PathBuf,
    /// Canonical column name -> the export's column name. Complete: every
    /// canonical column of the kind has an entry (identity when not mapped).
    pub columns: BTreeMap<String, String>,
    /// A chrono format for timestamps; `None` reads ISO 8601.
    pub timestamp_format: Option<String>,
    /// The zone naive timestamps are read in.
    pub timezone: Tz,
    /// Cell values that mean "empty".
    pub null_values: Vec<String>,
    /// The CSV field separator.
    pub separator: u8,
    /// Samples: how long one sample covers at most, in seconds.
    pub interval: i64,
    /// Surveys: the lowest and highest score.
    pub scale: (f64, f64),
    /// `[sources.<kind>.values]`: per canonical column (`service`,
    /// `priority` or `customer`), the export's value -> the id it stands for.
    /// Empty when not mapped.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// The canonical columns whose values `[sources.<kind>.values]` may map to ids.
pub const MAPPED_COLUMNS: [&str; 3] = ["service", "priority", "customer"];

/// The kinds of agreement of ITIL service level management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementKind {
    /// Service level agreement, with a customer.
    Sla,
    /// Operational level agreement, with an internal team.
    Ola,
    /// Underpinning contract, with a supplier.
    Upc,
}

impl AgreementKind {
    pub fn name(self) -> &'static str {
        match self {
            AgreementKind::Sla => "sla",
            AgreementKind::Ola => "ola",
            AgreementKind::Upc => "upc",
        }
    }

    /// The field naming the other party.
    pub fn party_field(self) -> &'static str {
        match self {
            AgreementKind::Sla => "customer",
            AgreementKind::Ola => "team",
            AgreementKind::Upc => "supplier",
        }
    }
}

impl fmt::Display for AgreementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name().to_uppercase())
    }
}

/// One agreement file, validated.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub id: String,
    pub kind: AgreementKind,
    /// The customer (SLA), team (OLA) or supplier (UPC).
    pub party: String,
    pub title: String,
    pub version: String,
    /// When this version takes effect.
    pub effective: NaiveDate,
    /// When the agreement's first version took effect: figures start here.
    /// The same as `effective` for a first version.
    pub first_effective: NaiveDate,
    pub review_due: NaiveDate,
    pub drafted: Option<NaiveDate>,
    pub agreed: Option<NaiveDate>,
    pub services: Vec<String>,
    pub description: Option<String>,
    /// The most the targets' credits add up to in a period, % of the
    /// monthly charge (`credit_cap` at the top of the file).
    pub credit_cap: Option<f64>,
    /// What the agreement costs a month: what the customer pays (SLA) or
    /// what we pay the supplier (UPC). OLAs have none.
    pub monthly_charge: Option<Charge>,
    pub targets: Vec<Target>,
    /// The file it was read from, relative to the site folder.
    pub file: PathBuf,
}

/// An amount of money: whole cents (so credits are worked out to the cent
/// in integers) and an ISO 4217 code such as `EUR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub cents: i64,
    pub currency: String,
}

impl Charge {
    /// `percent` of the charge in whole cents, rounded half up. The percent
    /// is taken in millionths of a percent (exact for any percent written
    /// with up to six decimals), and the product is worked out in integers.
    pub fn percent_of(&self, percent: f64) -> i64 {
        let micro = percent_micro(percent);
        // cents * micro / (100 * 1e6), rounded half up; both factors are
        // non-negative, so half up is + half the divisor before dividing.
        let divisor: i128 = 100 * 1_000_000;
        let product = i128::from(self.cents) * i128::from(micro);
        ((product + divisor / 2) / divisor) as i64
    }
}

/// A percentage in millionths of a percent: 12.5 -> 12 500 000.
pub fn percent_micro(percent: f64) -> i64 {
    (percent * 1e6).round() as i64
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Availability,
    Latency,
    Response,
    Resolution,
    Satisfaction,
    Ratio,
    Incidents,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Availability => "availability",
            Metric::Latency => "latency",
            Metric::Response => "response",
            Metric::Resolution => "resolution",
            Metric::Satisfaction => "satisfaction",
            Metric::Ratio => "ratio",
            Metric::Incidents => "incidents",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a target reads its measure, with the options that metric takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// Availability from the outage log.
    OutageAvailability { planned: Planned, degraded: f64 },
    /// Availability from probe samples.
    SampleAvailability { unknown: Unknown },
    /// The nearest-rank percentile of latency, in ms; lower is better.
    LatencyPercentile { percentile: f64 },
    /// The share (%) of samples with latency at or under `threshold_ms`.
    LatencyShare { threshold_ms: f64 },
    /// The share (%) of tickets responded to within `within` seconds of business time.
    Response { priority: String, within: i64 },
    /// The share (%) of tickets resolved within `within` seconds of business time.
    Resolution { priority: String, within: i64 },
    /// The mean survey score.
    SatisfactionMean,
    /// The share (%) of survey scores at or above `threshold`.
    SatisfactionShare { threshold: f64 },
    /// The share (%) good / total.
    Ratio,
    /// The number of tickets of `priority` opened; lower is better.
    Incidents { priority: String },
}

impl Measure {
    /// True when a higher value is better (availability), false when a lower
    /// one is (latency percentile, incident count).
    pub fn higher_is_better(&self) -> bool {
        !matches!(
            self,
            Measure::LatencyPercentile { .. } | Measure::Incidents { .. }
        )
    }

    /// The unit of the value and objective, for people.
    pub fn unit(&self) -> &'static str {
        match self {
            Measure::LatencyPercentile { .. } => "ms",
            Measure::SatisfactionMean => "score",
            Measure::Incidents { .. } => "tickets",
            _ => "%",
        }
    }
}

/// What planned maintenance counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Planned {
    /// Taken out of the in-scope time (the usual rule).
    #[default]
    Excluded,
    /// Counted as downtime.
    Downtime,
    /// Counted as uptime.
    Uptime,
}

/// What time no probe sample covers counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Unknown {
    /// Left out of the denominator, shown as data coverage.
    #[default]
    Exclude,
    Down,
    Up,
}

/// One service credit tier: owed when the value is strictly worse than `bound`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditTier {
    pub bound: f64,
    pub percent: f64,
}

/// One target of an agreement, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    /// The service measured; `None` measures each service of the agreement.
    pub service: Option<String>,
    pub metric: Metric,
    pub measure: Measure,
    /// The calendar's name (always one the site defines).
    pub calendar: String,
    pub objective: f64,
    pub warning: Option<f64>,
    /// Tiers sorted from the mildest to the most severe.
    pub credits: Vec<CreditTier>,
    pub credit_cap: Option<f64>,
    pub underpinned_by: Vec<String>,
    pub description: Option<String>,
    /// Whose rows the figure counts: an OLA or UPC target counts only the
    /// outages and tickets its agreement caused unless it says `counts = "all"`.
    /// Always [`Counts::All`] on an SLA target.
    pub counts: Counts,
    /// Sample-based targets: the least data coverage (%) of in-scope time a
    /// figure needs; below it the figure is "insufficient data".
    pub min_coverage: Option<f64>,
}

/// Whose outages and tickets a target counts (TOML `counts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Counts {
    /// Only rows whose `cause` is the target's agreement (OLA and UPC default).
    #[default]
    Own,
    /// Every row of the service.
    All,
}

/// The type a canonical column is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, such as a service name or a cause.
    Text,
    /// An instant: UTC seconds since 1970 (`i64`).
    Instant,
    /// up / down.
    Bool,
    /// A decimal number (`f64`).
    Number,
    /// Minutes, stored as whole seconds (`i64`).
    Minutes,
}

/// One canonical column of a measurement kind.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub required: bool,
}

const fn col(name: &'static str, ty: ColumnType, required: bool) -> Column {
    Column { name, ty, required }
}

use ColumnType::{Bool, Instant, Minutes, Number, Text};

const OUTAGE_COLUMNS: [Column; 7] = [
    col("id", Text, false),
    col("service", Text, true),
    col("start", Instant, true),
    col("end", Instant, false),
    col("kind", Text, false),
    col("cause", Text, false),
    col("customer", Text, false),
];
const SAMPLE_COLUMNS: [Column; 5] = [
    col("time", Instant, true),
    col("service", Text, true),
    col("up", Bool, true),
    col("latency_ms", Number, false),
    col("customer", Text, false),
];
const TICKET_COLUMNS: [Column; 9] = [
    col("id", Text, true),
    col("service", Text, true),
    col("priority", Text, true),
    col("opened", Instant, true),
    col("responded", Instant, false),
    col("resolved", Instant, false),
    col("paused_minutes", Minutes, false),
    col("cause", Text, false),
    col("customer", Text, false),
];
const SURVEY_COLUMNS: [Column; 5] = [
    col("id", Text, false),
    col("time", Instant, true),
    col("service", Text, true),
    col("score", Number, true),
    col("customer", Text, false),
];
const COUNT_COLUMNS: [Column; 5] = [
    col("time", Instant, true),
    col("service", Text, true),
    col("good", Number, true),
    col("total", Number, true),
    col("customer", Text, false),
];

impl SourceKind {
    /// The canonical schema of this kind (README, "Sources", and docs/rules.md).
    /// `paused_minutes` is converted to whole seconds on reading.
    pub fn columns(self) -> &'static [Column] {
        match self {
            SourceKind::Outages => &OUTAGE_COLUMNS,
            SourceKind::Samples => &SAMPLE_COLUMNS,
            SourceKind::Tickets => &TICKET_COLUMNS,
            SourceKind::Surveys => &SURVEY_COLUMNS,
            SourceKind::Counts => &COUNT_COLUMNS,
        }
    }
}

/// Outage kinds of the canonical `kind` column.
pub const OUTAGE_KINDS: [&str; 3] = ["unplanned", "planned", "degraded"];

impl Measure {
    /// The kind of export this measure is computed from.
    pub fn source_kind(&self) -> SourceKind {
        match self {
            Measure::OutageAvailability { .. } => SourceKind::Outages,
            Measure::SampleAvailability { .. }
            | Measure::LatencyPercentile { .. }
            | Measure::LatencyShare { .. } => SourceKind::Samples,
            Measure::Response { .. } | Measure::Resolution { .. } | Measure::Incidents { .. } => {
                SourceKind::Tickets
            }
            Measure::SatisfactionMean | Measure::SatisfactionShare { .. } => SourceKind::Surveys,
            Measure::Ratio => SourceKind::Counts,
        }
    }
}
