//! How complete the data behind a period is: per source, the rows in the
//! period, the time of the last one, and for probe samples the share of the
//! period they cover. A source with no rows in a period where other sources
//! have rows is a warning, never a silent 100 %: an empty outage log reads as
//! "no outages", which is only true when the export arrived.
//!
//! Rows are counted per service and customer, so a customer's report counts
//! only the rows its figures may use (rows of its own, and rows without a
//! customer), on the services of its SLAs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::data::{sees, Data, Samples};
use crate::model::{AgreementKind, Site, SourceKind};

/// The data section of a period: one entry per configured source.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Completeness {
    pub sources: Vec<SourceData>,
    /// Per service and customer, the rows each source has in the period;
    /// what [`Completeness::for_customer`] sums from. Not published.
    #[serde(skip)]
    cells: Vec<Cell>,
    /// The sources each customer's SLA targets read (outages always, when
    /// configured: they attribute down time), and the seconds of the period measured.
    #[serde(skip)]
    read_by: BTreeMap<String, Vec<SourceKind>>,
    #[serde(skip)]
    seconds: i64,
}

/// One source in one period.
#[derive(Debug, Clone, Serialize)]
pub struct SourceData {
    pub source: SourceKind,
    /// Rows in the period: outages overlapping it, other rows timed in it.
    pub rows: usize,
    /// The time of the latest row in the period (an outage's start), UTC seconds.
    pub last_row: Option<i64>,
    /// Probe samples: the share of the period's time (up to as-of) covered
    /// by some sample, in percent, for each service with samples.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coverage: Vec<ServiceCoverage>,
    /// Why this source's figures may mislead: no rows while other sources have some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Rows of the export counted in no figure (of any month: the export's
    /// whole count), by file and reason, with their first row numbers. The
    /// offending values are left out: they may name another customer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAsideRows>,
}

/// Rows of one file set aside for one reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetAsideRows {
    pub file: String,
    pub reason: String,
    pub count: usize,
    pub rows: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceCoverage {
    pub service: String,
    pub percent: f64,
}

#[derive(Debug, Clone)]
struct Cell {
    source: SourceKind,
    service: String,
    customer: Option<String>,
    rows: usize,
    last: Option<i64>,
    /// Samples: seconds of `[from, to)` covered.
    covered: i64,
}

impl Completeness {
    /// The data behind `[from, to)` (`to`: the period's end, or as-of) for
    /// the services of `site`'s agreements; every configured source is listed.
    pub fn measure(site: &Site, data: &Data, from: i64, to: i64) -> Completeness {
        let services = site.services();
        let mut read_by: BTreeMap<String, Vec<SourceKind>> = BTreeMap::new();
        for a in site.agreements.iter().filter(|a| a.kind == AgreementKind::Sla) {
            let kinds = read_by.entry(a.party.clone()).or_default();
            for k in a.targets.iter().map(|t| t.measure.source_kind()).chain([SourceKind::Outages]) {
                if data.has(k) && !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            kinds.sort();
        }
        let mut cells: BTreeMap<(SourceKind, String, Option<String>), Cell> = BTreeMap::new();
        let inside = |t: i64| from <= t && t < to;
        for service in &services {
            let mut add = |source: SourceKind, customer: &Option<String>, (rows, last, covered): (usize, Option<i64>, i64)| {
                if rows == 0 {
                    return;
                }
                let cell = cells.entry((source, service.to_string(), customer.clone())).or_insert_with(|| Cell {
                    source,
                    service: service.to_string(),
                    customer: customer.clone(),
                    rows: 0,
                    last: None,
                    covered: 0,
                });
                cell.rows += rows;
                cell.last = cell.last.max(last);
                cell.covered += covered;
            };
            for o in data.outages.get(*service).into_iter().flatten() {
                if o.start < to && o.end.is_none_or(|e| e > from) {
                    add(SourceKind::Outages, &o.customer, (1, Some(o.start), 0));
                }
            }
            for t in data.tickets_near(service, from, to).iter().filter(|t| inside(t.opened)) {
                add(SourceKind::Tickets, &t.customer, (1, Some(t.opened), 0));
            }
            for s in data.surveys.get(*service).into_iter().flatten().filter(|s| inside(s.time)) {
                add(SourceKind::Surveys, &s.customer, (1, Some(s.time), 0));
            }
            for c in data.counts.get(*service).into_iter().flatten().filter(|c| inside(c.time)) {
                add(SourceKind::Counts, &c.customer, (1, Some(c.time), 0));
            }
            for (customer, samples) in samples_of(data, service) {
                add(SourceKind::Samples, &customer, sample_rows(samples, data.interval, from, to));
            }
        }
        let cells: Vec<Cell> = cells.into_values().collect();
        let mut sources = summarise(&data.kinds, &cells, to - from, None);
        for s in &mut sources {
            s.set_aside = data
                .set_aside_in(s.source, from, to)
                .map(|a| SetAsideRows { file: a.file.to_string_lossy().replace('\\', "/"), reason: a.reason.describe().to_string(), count: a.count, rows: a.rows.clone() })
                .collect();
        }
        Completeness { sources, cells, read_by, seconds: to - from }
    }

    /// What one customer's report shows: the sources its SLA targets read,
    /// with the rows of the services of its SLAs that its figures may use
    /// (its own and those without a customer).
    pub fn for_customer(&self, customer: &str, services: &BTreeSet<&str>) -> Completeness {
        let cells: Vec<Cell> = self
            .cells
            .iter()
            .filter(|c| services.contains(c.service.as_str()) && sees(Some(customer), c.customer.as_deref()))
            .cloned()
            .collect();
        // Every source is evidence that the month's exports arrived; the
        // report lists those the customer's targets read.
        let read = self.read_by.get(customer).cloned().unwrap_or_default();
        let all: Vec<SourceKind> = self.sources.iter().map(|s| s.source).collect();
        let mut sources = summarise(&all, &cells, self.seconds, Some(customer));
        sources.retain(|s| read.contains(&s.source));
        for s in &mut sources {
            s.set_aside = self.sources.iter().find(|o| o.source == s.source).map(|o| o.set_aside.clone()).unwrap_or_default();
        }
        Completeness { sources, cells, read_by: BTreeMap::new(), seconds: self.seconds }
    }

    /// The warnings of the section, one line each.
    pub fn warnings(&self) -> Vec<String> {
        self.sources.iter().filter_map(|s| s.warning.clone()).collect()
    }
}

/// Sample timelines of a service: the shared one, then each customer's.
fn samples_of<'d>(data: &'d Data, service: &str) -> Vec<(Option<String>, &'d Samples)> {
    let own = data.customer_samples.iter().filter(|((s, _), _)| s == service).map(|((_, c), samples)| (Some(c.clone()), samples));
    data.samples.get(service).map(|s| (None, s)).into_iter().chain(own).collect()
}

/// Samples timed in `[from, to)`: how many, the last one's time, and the
/// seconds of `[from, to)` they cover (each up to the next sample, at most
/// `interval`: the runs of [`Samples::runs`], clipped).
fn sample_rows(samples: &Samples, interval: i64, from: i64, to: i64) -> (usize, Option<i64>, i64) {
    let rows = samples.range(from, to);
    let last = (!rows.is_empty()).then(|| samples.time(rows.end - 1));
    let runs = samples.runs(interval);
    let covered = super::samples::overlapping(&runs, from, to).iter().map(|r| r.end.min(to) - r.start.max(from)).sum();
    (rows.len(), last, covered)
}

/// Sums cells into one entry per source. Sample coverage is that of one
/// timeline per service: the customer's own when it has one, else the
/// shared one; in the provider's view (`customer` None) the shared one, else
/// the best-covered customer's.
fn summarise(kinds: &[SourceKind], cells: &[Cell], seconds: i64, customer: Option<&str>) -> Vec<SourceData> {
    let mut sources: Vec<SourceData> = kinds
        .iter()
        .map(|&source| {
            let mine: Vec<&Cell> = cells.iter().filter(|c| c.source == source).collect();
            let mut coverage: BTreeMap<&str, (u8, i64)> = BTreeMap::new();
            if source == SourceKind::Samples {
                for c in &mine {
                    let rank = match (c.customer.as_deref(), customer) {
                        (Some(x), Some(y)) if x == y => 2,
                        (None, _) => 1,
                        _ => 0,
                    };
                    let best = coverage.entry(c.service.as_str()).or_insert((rank, c.covered));
                    if (rank, c.covered) > *best {
                        *best = (rank, c.covered);
                    }
                }
            }
            SourceData {
                source,
                rows: mine.iter().map(|c| c.rows).sum(),
                last_row: mine.iter().filter_map(|c| c.last).max(),
                coverage: coverage
                    .into_iter()
                    .map(|(service, (_, covered))| ServiceCoverage {
                        service: service.to_string(),
                        percent: if seconds > 0 { super::format::trend_value(100.0 * covered as f64 / seconds as f64) } else { 0.0 },
                    })
                    .collect(),
                warning: None,
                set_aside: Vec::new(),
            }
        })
        .collect();
    let with_rows: Vec<SourceKind> = sources.iter().filter(|s| s.rows > 0).map(|s| s.source).collect();
    if !with_rows.is_empty() {
        for s in sources.iter_mut().filter(|s| s.rows == 0) {
            let others: Vec<&str> = with_rows.iter().map(|k| k.name()).collect();
            s.warning = Some(format!(
                "no {} rows in this period although {} {} rows: {}",
                s.source,
                others.join(", "),
                if others.len() == 1 { "has" } else { "have" },
                consequence(s.source)
            ));
        }
    }
    sources
}

/// What an empty source means for the figures read from it.
fn consequence(source: SourceKind) -> &'static str {
    match source {
        SourceKind::Outages => "outage-based availability reads as no outages (100 %) — check the export arrived",
        SourceKind::Samples => "sample-based figures have no data",
        SourceKind::Tickets => "ticket figures have no tickets to count and incident counts read as 0",
        SourceKind::Surveys => "satisfaction has no answers",
        SourceKind::Counts => "ratio figures have no requests",
    }
}
