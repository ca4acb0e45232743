//! The measurements arranged for the metrics: rows of each kind grouped by
//! service and sorted by time, instants as UTC seconds.
//!
//! polars sorts and partitions the frames (the probe table holds a million
//! rows a year per service); the interval arithmetic that follows runs over
//! one service and one month at a time, in plain integer Rust, where every
//! second can be accounted for.

use std::collections::BTreeMap;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::calendar::CalendarIndex;
use crate::digest::Encode;
use crate::model::{Calendar, SourceKind};
use crate::scan::{Measurements, SetAside};

/// The version of [`Data::rows_digest`]'s rule, written before each digest.
pub const ROWS_DIGEST_RULE: &str = DigestRule::CURRENT.name();

/// A rule of the rows digest this version works out. A published month's
/// digest is checked under the rule it was made with, so a month published
/// under an earlier rule that is still known is vouched for by its digest
/// as before; a digest of an unknown rule vouches for nothing (the month is
/// measured and compared figure by figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestRule {
    /// A timeline's samples in the month as the sha256 of each sample's
    /// time, up (as an integer) and optional latency, 25 bytes a sample.
    V4,
    /// As `V4`, but the samples in their compact form
    /// ([`Samples::write_compact`]): 2 to 3 bytes a sample.
    V5,
}

impl DigestRule {
    /// The rule of digests made now.
    pub const CURRENT: DigestRule = DigestRule::V5;

    pub const fn name(self) -> &'static str {
        match self {
            DigestRule::V4 => "rows-v4",
            DigestRule::V5 => "rows-v5",
        }
    }

    /// The rule `digest` (`<rule>:<hex>`) was made with, when it is one of these.
    pub fn of(digest: &str) -> Option<DigestRule> {
        let (rule, _) = digest.split_once(':')?;
        [DigestRule::V4, DigestRule::V5].into_iter().find(|r| r.name() == rule)
    }
}

/// The one rule of whose rows a figure reads: a figure for `customer` (an
/// SLA's party) sees a row of `row`'s customer when the row has none (it
/// concerns every customer of the service) or names that customer; a figure
/// without a customer (an OLA or UPC, or the provider) sees every row.
pub fn sees(customer: Option<&str>, row: Option<&str>) -> bool {
    customer.is_none() || row.is_none() || row == customer
}

/// An outage row.
#[derive(Debug, Clone, PartialEq)]
pub struct Outage {
    pub id: Option<String>,
    pub start: i64,
    /// `None` while the outage is still going on.
    pub end: Option<i64>,
    pub kind: OutageKind,
    pub cause: Option<String>,
    /// The customer the outage concerns; `None`: every customer of the service.
    pub customer: Option<String>,
    /// The export's row, for the audit trail.
    pub row: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutageKind {
    Unplanned,
    Planned,
    Degraded,
}

pub use super::samples::{Run, Samples};

/// A ticket row.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub priority: String,
    pub opened: i64,
    pub responded: Option<i64>,
    pub resolved: Option<i64>,
    /// Seconds on hold (business time, taken off resolution time).
    pub paused: i64,
    pub cause: Option<String>,
    /// The customer who raised it, when the export says.
    pub customer: Option<String>,
}

/// A survey answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// The answer's id, when the export has one (corrections name it).
    pub id: Option<String>,
    pub time: i64,
    pub score: f64,
    /// The customer who answered, when the export says.
    pub customer: Option<String>,
}

/// A good/total count row.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub time: i64,
    pub good: f64,
    pub total: f64,
    /// The customer whose requests these are, when the export says.
    pub customer: Option<String>,
}

/// Every measurement, by service.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub outages: BTreeMap<String, Vec<Outage>>,
    /// Probe samples without a customer, by service.
    pub samples: BTreeMap<String, Samples>,
    /// Probe samples of one customer, by (service, customer): each customer's
    /// samples are a timeline of their own (a sample covers up to the next
    /// one, so customers' samples are never interleaved).
    pub customer_samples: BTreeMap<(String, String), Samples>,
    /// How long one sample covers at most, in seconds.
    pub interval: i64,
    pub tickets: BTreeMap<String, Vec<Ticket>>,
    pub surveys: BTreeMap<String, Vec<Survey>>,
    pub counts: BTreeMap<String, Vec<Count>>,
    /// Rows each source set aside (service or customer empty or not mapped).
    pub set_aside: BTreeMap<SourceKind, Vec<SetAside>>,
    /// Which kinds had a configured source (a kind without one is "no data").
    pub kinds: Vec<SourceKind>,
    /// Service hours precomputed over the data's span, by calendar name.
    pub calendars: BTreeMap<String, CalendarIndex>,
    /// What each data file read holds (by file, relative to the site
    /// folder); empty when the data was arranged from whole tables.
    pub files: BTreeMap<PathBuf, Reach>,
    /// `Some`: only the files whose rows bear on instants at or after
    /// `from` were read (a build publishing new months on top of unchanged
    /// ones), so figures of earlier months cannot be computed from this
    /// data. `None`: every file was read.
    pub partial: Option<Partial>,
    /// Sorted instants of every ticket opening and resolution, survey and
    /// count, so [`Data::has_rows_in`] is a binary search: it runs for every
    /// daily availability figure.
    row_times: Vec<i64>,
    /// Every outage's start, sorted, each with the latest end of it and every
    /// outage starting before it (`i64::MAX` when one has not ended), so
    /// whether an outage overlaps a span is a binary search too.
    outage_reach: Vec<(i64, i64)>,
    /// Per service, how far the tickets in opening order reach, so the
    /// tickets bearing on a month are a slice ([`Data::tickets_near`]).
    ticket_reach: std::collections::HashMap<String, TicketReach, foldhash::fast::FixedState>,
    /// Digests of samples by timeline and span, for [`Data::rows_digest`].
    sample_digests: Memo<SamplesKey, [u8; 32]>,
    /// [`Data::has_rows_in`] by span: every daily figure of every target
    /// asks it of the same days.
    rows_in: Memo<(i64, i64), bool>,
}

/// How far a service's tickets reach, in their opening order (as
/// [`Builder::finish`] sorts them): `latest[i]` is the latest response or
/// resolution of tickets `0..=i` (`i64::MAX` once one of them is not
/// resolved), and `ordered` is true when no ticket was responded to or
/// resolved before it was opened (scanning refuses such rows; a table
/// arranged by hand may hold them).
#[derive(Debug, Clone)]
struct TicketReach {
    latest: Vec<i64>,
    ordered: bool,
}

impl TicketReach {
    fn of(tickets: &[Ticket]) -> Option<TicketReach> {
        if !tickets.is_sorted_by_key(|t| t.opened) {
            return None;
        }
        let mut running = i64::MIN;
        let latest = tickets
            .iter()
            .map(|t| {
                // The last instant the ticket is open at or acted on.
                let last = t.resolved.map_or(i64::MAX, |r| t.responded.map_or(r, |x| x.max(r)));
                running = running.max(last);
                running
            })
            .collect();
        let ordered = tickets.iter().all(|t| t.responded.into_iter().chain(t.resolved).all(|x| x >= t.opened));
        Some(TicketReach { latest, ordered })
    }
}

/// The key of a digest of samples: the service, the customer whose
/// timeline it is (`None`: the shared one), from, to.
type SamplesKey = (DigestRule, String, Option<String>, i64, i64);

/// Answers worked out from the data on demand and kept, shared by the
/// threads measuring customers (each worked out outside the lock; two
/// threads asking at once both work it out, and agree). Emptied when the
/// data is indexed again; a clone starts empty.
struct Memo<K, V>(std::sync::Mutex<std::collections::HashMap<K, V>>);

impl<K: std::hash::Hash + Eq, V: Copy> Memo<K, V> {
    fn get_or(&self, key: K, work: impl FnOnce() -> V) -> V {
        let lock = || self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(&v) = lock().get(&key) {
            return v;
        }
        let v = work();
        lock().insert(key, v);
        v
    }

    fn clear(&mut self) {
        self.0.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(std::sync::Mutex::new(std::collections::HashMap::new()))
    }
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// What a partial read left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    /// Every file whose rows bear on instants at or after this one was read.
    pub from: i64,
    /// The earliest row of the files not read (see [`Reach::first`]).
    pub first: Option<i64>,
    /// The earliest instant a file not read bears on (see [`Reach::from`]).
    pub earliest: i64,
}

impl Partial {
    /// True when rows of a file not read may bear on `[start, end)`.
    pub fn misses(&self, start: i64, end: i64) -> bool {
        start < self.from && end > self.earliest
    }
}

/// What one data file holds: how many rows it gave and the stretch of time
/// they bear on, so a build can tell which months a file can change
/// without reading it again (see `docs/scale.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Reach {
    /// Rows kept (rows set aside are not counted).
    pub rows: u64,
    /// The earliest instant of a row as [`Data::first_instant`] counts it
    /// (an outage's start, a sample's or answer's time, a ticket's opening).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<i64>,
    /// The earliest instant any row names (a ticket may be resolved before
    /// it was opened in a bad export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// The latest instant any row bears on: an outage's end, a ticket's
    /// response or resolution, a sample's time plus the interval it covers;
    /// `i64::MAX` for an outage still going on or a ticket not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<i64>,
}

impl Reach {
    /// True when a row of the file may bear on `[from, to)`.
    pub fn touches(&self, from: i64, to: i64) -> bool {
        match (self.from, self.to) {
            (Some(lo), Some(hi)) => self.rows > 0 && lo < to && hi >= from,
            _ => false,
        }
    }

    /// What a file holds, from what two parts of it hold: rows add up, the
    /// stretch of time covers both.
    pub fn merge(self, other: Reach) -> Reach {
        let min = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).min();
        let max = |a: Option<i64>, b: Option<i64>| a.into_iter().chain(b).max();
        Reach {
            rows: self.rows + other.rows,
            first: min(self.first, other.first),
            from: min(self.from, other.from),
            to: max(self.to, other.to),
        }
    }

    fn add(&mut self, first: i64, instants: impl IntoIterator<Item = i64>) {
        self.rows += 1;
        self.first = Some(self.first.map_or(first, |f| f.min(first)));
        for t in std::iter::once(first).chain(instants) {
            self.from = Some(self.from.map_or(t, |f| f.min(t)));
            self.to = Some(self.to.map_or(t, |f| f.max(t)));
        }
    }
}

/// Extends each timeline of `into` with the one of the same key in `from`
/// (a timeline `into` lacks starts empty), the timelines on both cores:
/// each is extended on its own, as one by one.
fn extend_timelines<K: Ord + Send + Sync>(into: &mut BTreeMap<K, Samples>, from: BTreeMap<K, Samples>) {
    use rayon::prelude::*;
    let mut later: Vec<(K, Samples)> = Vec::with_capacity(from.len());
    for (key, samples) in from {
        if into.contains_key(&key) {
            later.push((key, samples));
        } else {
            // A timeline new to `into` is moved in whole.
            into.entry(key).or_default().extend(samples);
        }
    }
    // Both sides in key order: each of `later` meets its timeline in `into`.
    let mut pairs: Vec<(&mut Samples, Samples)> = Vec::with_capacity(later.len());
    let mut later = later.into_iter().peekable();
    for (key, timeline) in into.iter_mut() {
        if later.peek().is_some_and(|(k, _)| k == key) {
            if let Some((_, samples)) = later.next() {
                pairs.push((timeline, samples));
            }
        }
    }
    pairs.into_par_iter().for_each(|(timeline, samples)| timeline.extend(samples));
}

/// Arranges measurements file by file as they are scanned: rows are
/// appended to their service's timeline in reading order and each timeline
/// is sorted by time (stably) at the end, which gives the order a sort of
/// all rows by service and time would. Raw frames are dropped once added.
#[derive(Debug, Default)]
pub struct Builder {
    data: Data,
}

impl Builder {
    /// `interval` is the samples source's; `kinds` the kinds with a configured source.
    pub fn new(interval: i64, kinds: Vec<SourceKind>) -> Builder {
        Builder { data: Data { interval, kinds, ..Data::default() } }
    }

    /// Adds the canonical rows of one file, or of one part of it (a CSV
    /// file comes in parts), or of one whole table when `file` is `None`,
    /// and the rows it set aside; returns what the file holds so far (the
    /// parts of a file are merged).
    pub fn add(&mut self, kind: SourceKind, file: Option<&Path>, frame: &DataFrame, set_aside: Vec<SetAside>) -> PolarsResult<Reach> {
        let data = &mut self.data;
        let mut reach = Reach::default();
        let open = |t: Option<i64>| t.unwrap_or(i64::MAX);
        match kind {
            SourceKind::Outages => {
                for (service, rows) in outages(frame)? {
                    for o in &rows {
                        reach.add(o.start, [open(o.end)]);
                    }
                    data.outages.entry(service).or_default().extend(rows);
                }
            }
            SourceKind::Samples => add_samples(data, frame, &mut reach)?,
            SourceKind::Tickets => {
                for (service, rows) in tickets(frame)? {
                    for t in &rows {
                        // A ticket not resolved bears on every month after it opened.
                        let open = t.resolved.is_none().then_some(i64::MAX);
                        reach.add(t.opened, t.responded.into_iter().chain(t.resolved).chain(open));
                    }
                    data.tickets.entry(service).or_default().extend(rows);
                }
            }
            SourceKind::Surveys => {
                for (service, rows) in surveys(frame)? {
                    for v in &rows {
                        reach.add(v.time, []);
                    }
                    data.surveys.entry(service).or_default().extend(rows);
                }
            }
            SourceKind::Counts => {
                for (service, rows) in counts(frame)? {
                    for c in &rows {
                        reach.add(c.time, []);
                    }
                    data.counts.entry(service).or_default().extend(rows);
                }
            }
        }
        data.set_aside.entry(kind).or_default().extend(set_aside);
        if let Some(file) = file {
            return Ok(data.add_reach(file, reach));
        }
        Ok(reach)
    }

    /// A builder fed nothing yet, of this one's interval and kinds (for a
    /// file read on another thread, then [`Builder::append`]ed here).
    pub fn empty_like(&self) -> Builder {
        Builder::new(self.data.interval, self.data.kinds.clone())
    }

    /// Adds what `later` was fed (the files after this one's, read on
    /// another thread): as if its parts had been added here one by one.
    pub fn append(&mut self, later: Builder) {
        fn join<K: Ord, V>(into: &mut BTreeMap<K, Vec<V>>, from: BTreeMap<K, Vec<V>>) {
            for (key, rows) in from {
                let to = into.entry(key).or_default();
                if to.is_empty() {
                    *to = rows;
                } else {
                    to.extend(rows);
                }
            }
        }
        let (data, later) = (&mut self.data, later.data);
        join(&mut data.outages, later.outages);
        join(&mut data.tickets, later.tickets);
        join(&mut data.surveys, later.surveys);
        join(&mut data.counts, later.counts);
        join(&mut data.set_aside, later.set_aside);
        extend_timelines(&mut data.samples, later.samples);
        extend_timelines(&mut data.customer_samples, later.customer_samples);
        for (file, reach) in later.files {
            data.add_reach(&file, reach);
        }
    }

    /// Leaves out everything of `kind` added so far (a source that turned
    /// out to have problems), as if it had no configured source. Files are
    /// not forgotten: a builder fed this way is fed without them.
    pub fn forget(&mut self, kind: SourceKind) {
        let data = &mut self.data;
        match kind {
            SourceKind::Outages => data.outages.clear(),
            SourceKind::Samples => {
                data.samples.clear();
                data.customer_samples.clear();
            }
            SourceKind::Tickets => data.tickets.clear(),
            SourceKind::Surveys => data.surveys.clear(),
            SourceKind::Counts => data.counts.clear(),
        }
        data.set_aside.remove(&kind);
        data.kinds.retain(|k| *k != kind);
    }

    /// What a file added holds.
    pub fn reach(&self, file: &Path) -> Option<Reach> {
        self.data.files.get(file).copied()
    }

    /// Records what a partial read left out.
    pub fn partial(&mut self, partial: Option<Partial>) {
        self.data.partial = partial;
    }

    /// Sorts every timeline by time, keeping reading order among equal times.
    pub fn finish(self) -> Data {
        let mut data = self.data;
        // Timelines and services on both cores: each is sorted on its own.
        use rayon::prelude::*;
        data.outages.par_iter_mut().for_each(|(_, rows)| rows.sort_by_key(|o| o.start));
        data.samples.par_iter_mut().for_each(|(_, s)| s.sort());
        data.customer_samples.par_iter_mut().for_each(|(_, s)| s.sort());
        data.tickets.par_iter_mut().for_each(|(_, rows)| rows.sort_by_key(|t| t.opened));
        data.surveys.par_iter_mut().for_each(|(_, rows)| rows.sort_by_key(|v| v.time));
        data.counts.par_iter_mut().for_each(|(_, rows)| rows.sort_by_key(|c| c.time));
        data.index_rows();
        data
    }
}

impl Data {
    /// Records what more rows of `file` reach (merged with what its rows
    /// added before reach); returns what the file's rows reach so far.
    fn add_reach(&mut self, file: &Path, reach: Reach) -> Reach {
        let merged = self.files.get(file).map_or(reach, |earlier| earlier.merge(reach));
        self.files.insert(file.to_path_buf(), merged);
        merged
    }

    /// Arranges scanned measurements; `interval` is the samples source's.
    pub fn from_measurements(m: &Measurements, interval: i64) -> PolarsResult<Data> {
        let mut builder = Builder::new(interval, m.tables.keys().copied().collect());
        for (kind, table) in &m.tables {
            builder.add(*kind, None, &table.frame, table.set_aside.clone())?;
        }
        Ok(builder.finish())
    }

    /// True when rows of a file that was not read may bear on `[start, end)`
    /// (see [`Data::partial`]): figures of it cannot be computed here.
    pub fn unread(&self, start: i64, end: i64) -> bool {
        self.partial.is_some_and(|p| p.misses(start, end))
    }

    /// The rows `kind` set aside in files that bear on `[from, to)` (every
    /// file's when the data was arranged from whole tables).
    pub fn set_aside_in(&self, kind: SourceKind, from: i64, to: i64) -> impl Iterator<Item = &SetAside> {
        self.set_aside
            .get(&kind)
            .into_iter()
            .flatten()
            .filter(move |a| self.files.get(&a.file).is_none_or(|r| r.touches(from, to)))
    }

    /// The samples of `service` as `customer` sees them: the customer's own
    /// timeline when its export has one, else the samples without a customer.
    pub fn samples_for(&self, service: &str, customer: Option<&str>) -> Option<&Samples> {
        customer
            .and_then(|c| self.customer_samples.get(&(service.to_string(), c.to_string())))
            .or_else(|| self.samples.get(service))
    }

    /// True when some outage of `service` names a customer, or some customer
    /// has a timeline of samples of its own on it: then customers of the
    /// service may see different outages and samples. Worked out from the
    /// rows on each call (nothing indexed that could go stale).
    pub fn outages_or_samples_name_customers(&self, service: &str) -> bool {
        self.outages.get(service).is_some_and(|list| list.iter().any(|o| o.customer.is_some()))
            || self.customer_samples.range((service.to_string(), String::new())..).next().is_some_and(|((s, _), _)| s == service)
    }

    /// Every timeline of samples: the shared ones, then each customer's.
    fn all_samples(&self) -> impl Iterator<Item = &Samples> {
        self.samples.values().chain(self.customer_samples.values())
    }

    /// Sorts the instants behind [`Data::has_rows_in`] and indexes the runs of
    /// every timeline of samples (again, after corrections).
    pub fn index_rows(&mut self) {
        let data = self;
        data.sample_digests.clear();
        data.rows_in.clear();
        data.row_times = data
            .tickets
            .values()
            .flatten()
            .flat_map(|t| std::iter::once(t.opened).chain(t.resolved))
            .chain(data.surveys.values().flatten().map(|s| s.time))
            .chain(data.counts.values().flatten().map(|c| c.time))
            .collect();
        data.row_times.sort_unstable();
        data.ticket_reach = data.tickets.iter().filter_map(|(service, tickets)| Some((service.clone(), TicketReach::of(tickets)?))).collect();
        let interval = data.interval;
        {
            use rayon::prelude::*;
            data.samples.par_iter_mut().for_each(|(_, s)| s.index_runs(interval));
            data.customer_samples.par_iter_mut().for_each(|(_, s)| s.index_runs(interval));
        }
        let mut spans: Vec<(i64, i64)> = data.outages.values().flatten().map(|o| (o.start, o.end.unwrap_or(i64::MAX))).collect();
        spans.sort_unstable();
        let mut latest = i64::MIN;
        data.outage_reach = spans
            .into_iter()
            .map(|(start, end)| {
                latest = latest.max(end);
                (start, latest)
            })
            .collect();
    }

    /// The tickets of `service` that may bear on `[from, to)`, in opening
    /// order: every ticket but those resolved (and responded to) before
    /// `from` and those opened at or after `to` (never responded to or
    /// resolved before they opened). A ticket export holds every month of a
    /// service; a month's figures walk only the tickets near it (a binary
    /// search at each end). The whole list when the tickets were changed
    /// since they were indexed.
    pub fn tickets_near(&self, service: &str, from: i64, to: i64) -> &[Ticket] {
        let Some(tickets) = self.tickets.get(service) else { return &[] };
        match self.ticket_reach.get(service) {
            Some(reach) if reach.latest.len() == tickets.len() => {
                let lo = reach.latest.partition_point(|&t| t < from);
                let hi = if reach.ordered { tickets.partition_point(|t| t.opened < to) } else { tickets.len() };
                &tickets[lo.min(hi)..hi]
            }
            _ => tickets,
        }
    }

    pub fn has(&self, kind: SourceKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// True when any source has a row in `[from, to)`: an outage overlapping
    /// it, a sample, a ticket opened or resolved, a survey or a count. A
    /// period without any is "no data" even for outage-based availability,
    /// where a quiet outage log otherwise means 100 %.
    pub fn has_rows_in(&self, from: i64, to: i64) -> bool {
        self.rows_in.get_or((from, to), || self.work_out_rows_in(from, to))
    }

    fn work_out_rows_in(&self, from: i64, to: i64) -> bool {
        let first_at_or_after = |times: &[i64]| {
            let i = times.partition_point(|&t| t < from);
            times.get(i).is_some_and(|&t| t < to)
        };
        // Of the outages starting before `to`, the latest end is after `from`.
        let starting_before = self.outage_reach.partition_point(|&(start, _)| start < to);
        starting_before.checked_sub(1).is_some_and(|last| self.outage_reach[last].1 > from)
            || self.all_samples().any(|s| !s.range(from, to).is_empty())
            || first_at_or_after(&self.row_times)
    }

    /// The earliest instant of any row (of the files not read, too).
    pub fn first_instant(&self) -> Option<i64> {
        let read = self.outages
            .values()
            .flatten()
            .map(|o| o.start)
            .chain(self.all_samples().filter_map(Samples::first_time))
            .chain(self.tickets.values().flatten().map(|t| t.opened))
            .chain(self.surveys.values().flatten().map(|s| s.time))
            .chain(self.counts.values().flatten().map(|c| c.time))
            .min();
        read.into_iter().chain(self.partial.and_then(|p| p.first)).min()
    }

    /// The latest instant of any row (an outage's start or end).
    pub fn last_instant(&self) -> Option<i64> {
        self.outages
            .values()
            .flatten()
            .map(|o| o.end.unwrap_or(o.start).max(o.start))
            .chain(self.all_samples().filter_map(Samples::last_time))
            .chain(self.tickets.values().flatten().map(|t| t.opened))
            .chain(self.surveys.values().flatten().map(|s| s.time))
            .chain(self.counts.values().flatten().map(|c| c.time))
            .max()
    }

    /// A digest of the rows behind a period `[from, to)` of `services`
    /// that a figure of `customer` may read (its own rows and those without a
    /// customer; its own probe timeline when it has one; `None`: every row),
    /// as they stood at the period's end: an outage's end, a response or a
    /// resolution after `to` is not known yet, so what happens after a month
    /// has ended never changes its digest. Export row numbers are left out
    /// (re-sorting an export changes no fact). The rows' binary values are
    /// fed to sha256 as they are walked (no text is formatted); a timeline's
    /// samples are fed as the sha256 of their values (see
    /// `samples_digest`), worked out once for all customers of the service. Prefixed with
    /// the digest rule's version, so a digest of another rule is recognised
    /// as such.
    pub fn rows_digest(&self, services: &[&str], customer: Option<&str>, from: i64, to: i64) -> String {
        self.rows_digest_as(DigestRule::CURRENT, services, customer, from, to)
    }

    /// [`Data::rows_digest`] under `rule` (to check a digest made under it).
    pub fn rows_digest_as(&self, rule: DigestRule, services: &[&str], customer: Option<&str>, from: i64, to: i64) -> String {
        let mut feed = crate::digest::Feed::new();
        let mut services: Vec<&str> = services.to_vec();
        services.sort_unstable();
        services.dedup();
        let inside = |t: i64| from <= t && t < to;
        let known = |t: Option<i64>| t.filter(|&t| t < to);
        for service in services {
            feed.tag(b'S').text(service);
            // Times are tested before customers: a service's rows of other
            // months are passed over without comparing a string.
            for o in self.outages.get(service).into_iter().flatten().filter(|o| o.start < to && o.end.is_none_or(|e| e > from)) {
                if sees(customer, o.customer.as_deref()) {
                    let kind = match o.kind {
                        OutageKind::Unplanned => 0,
                        OutageKind::Planned => 1,
                        OutageKind::Degraded => 2,
                    };
                    feed.tag(b'o').opt_text(o.id.as_deref()).int(o.start).opt_int(known(o.end)).int(kind).opt_text(o.cause.as_deref()).opt_text(o.customer.as_deref());
                }
            }
            let timelines: Vec<(Option<&str>, &Samples)> = match customer {
                Some(c) => self.samples_for(service, Some(c)).map(|s| {
                    let own = self.customer_samples.contains_key(&(service.to_string(), c.to_string()));
                    (own.then_some(c), s)
                }).into_iter().collect(),
                None => self
                    .samples
                    .get(service)
                    .map(|s| (None, s))
                    .into_iter()
                    .chain(self.customer_samples.range((service.to_string(), String::new())..).take_while(|((s, _), _)| s == service).map(|((_, c), samples)| (Some(c.as_str()), samples)))
                    .collect(),
            };
            for (owner, s) in timelines {
                feed.tag(b's').opt_text(owner).digest(&self.samples_digest(rule, service, owner, s, from, to));
            }
            for t in self.tickets_near(service, from, to).iter().filter(|t| t.opened < to && t.resolved.is_none_or(|r| r >= from)) {
                if sees(customer, t.customer.as_deref()) {
                    let resolved = known(t.resolved);
                    // Time on hold is only a fact of the period once the ticket is resolved in it.
                    let paused = resolved.map(|_| t.paused);
                    feed.tag(b't').text(&t.id).text(&t.priority).int(t.opened).opt_int(known(t.responded)).opt_int(resolved).opt_int(paused).opt_text(t.cause.as_deref()).opt_text(t.customer.as_deref());
                }
            }
            for v in self.surveys.get(service).into_iter().flatten().filter(|v| inside(v.time) && sees(customer, v.customer.as_deref())) {
                feed.tag(b'v').int(v.time).float(v.score).opt_text(v.customer.as_deref());
            }
            for c in self.counts.get(service).into_iter().flatten().filter(|c| inside(c.time) && sees(customer, c.customer.as_deref())) {
                feed.tag(b'c').int(c.time).float(c.good).float(c.total).opt_text(c.customer.as_deref());
            }
        }
        format!("{}:{}", rule.name(), feed.finish())
    }

    /// The digest of `service`'s samples (`owner`'s timeline, or the shared
    /// one) in `[from, to)` under `rule`: the sha256 of their compact form
    /// ([`Samples::write_compact`]; `rows-v4`: of each sample's time, up (1 or
    /// 0) and latency in the form of [`Encode`]). Worked out once per
    /// timeline and span: customers sharing a service read the same samples.
    fn samples_digest(&self, rule: DigestRule, service: &str, owner: Option<&str>, s: &Samples, from: i64, to: i64) -> [u8; 32] {
        let key = (rule, service.to_string(), owner.map(str::to_string), from, to);
        self.sample_digests.get_or(key, || {
            let range = s.range(from, to);
            match rule {
                DigestRule::V4 => crate::digest::values_digest(|values| {
                    values.reserve(range.len() * 25);
                    for i in range {
                        values.int(s.time(i)).int(i64::from(s.up(i))).opt_float(s.latency(i));
                    }
                }),
                DigestRule::V5 => {
                    let mut bytes = Vec::new();
                    s.write_compact(range, from, &mut bytes);
                    crate::digest::bytes_digest(&bytes)
                }
            }
        })
    }

    /// Precomputes every calendar from a month before the earliest
    /// measurement to two years after the latest (deadlines of open tickets
    /// reach past the data).
    pub fn index_calendars(&mut self, calendars: &BTreeMap<String, Calendar>) {
        let times = self
            .outages
            .values()
            .flatten()
            .map(|o| o.start)
            .chain(self.all_samples().flat_map(|s| s.first_time().into_iter().chain(s.last_time())))
            .chain(self.tickets.values().flatten().map(|t| t.opened))
            .chain(self.surveys.values().flatten().map(|s| s.time))
            .chain(self.counts.values().flatten().map(|c| c.time));
        let (lo, hi) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
        if lo > hi {
            return;
        }
        let (from, to) = (lo - 40 * 86_400, hi + 2 * 366 * 86_400);
        self.calendars = calendars
            .iter()
            .map(|(name, c)| (name.clone(), CalendarIndex::new(c, from, to)))
            .collect();
    }

    /// The index of a calendar; one made on the spot (walking days) when
    /// the calendars were not indexed.
    pub fn calendar<'a>(&'a self, calendar: &Calendar) -> Cow<'a, CalendarIndex> {
        match self.calendars.get(&calendar.name) {
            Some(index) => Cow::Borrowed(index),
            None => Cow::Owned(CalendarIndex::new(calendar, 0, 0)),
        }
    }
}

fn text<'f>(frame: &'f DataFrame, name: &str) -> PolarsResult<Vec<Option<&'f str>>> {
    Ok(frame.column(name)?.str()?.iter().collect())
}

fn ints(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(frame.column(name)?.i64()?.iter().collect())
}

fn floats(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(frame.column(name)?.f64()?.iter().collect())
}

/// Groups rows by the `service` column, keeping their (sorted) order.
fn by_service<T>(frame: &DataFrame, mut row: impl FnMut(usize) -> T) -> PolarsResult<BTreeMap<String, Vec<T>>> {
    let services = frame.column("service")?.str()?;
    // Rows counted per service first, so each service's rows are made in
    // place (a vector grown row by row copies its rows again and again).
    // Required columns are never null after scanning.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for service in services.iter() {
        *counts.entry(service.unwrap_or_default()).or_insert(0) += 1;
    }
    let mut out: BTreeMap<String, Vec<T>> = counts.iter().map(|(s, n)| (s.to_string(), Vec::with_capacity(*n))).collect();
    let mut last: Option<(&str, &mut Vec<T>)> = None;
    for (i, service) in services.iter().enumerate() {
        let service = service.unwrap_or_default();
        match &mut last {
            Some((s, rows)) if *s == service => rows.push(row(i)),
            _ => {
                let rows = out.get_mut(service).expect("every service was counted");
                rows.push(row(i));
                last = Some((service, rows));
            }
        }
    }
    Ok(out)
}

fn outages(frame: &DataFrame) -> PolarsResult<BTreeMap<String, Vec<Outage>>> {
    let customer = text(frame, "customer")?;
    let (id, start, end, kind, cause, rows) = (
        text(frame, "id")?,
        ints(frame, "start")?,
        ints(frame, "end")?,
        text(frame, "kind")?,
        text(frame, "cause")?,
        ints(frame, crate::scan::ROW)?,
    );
    by_service(frame, |i| Outage {
        id: id[i].map(str::to_string),
        start: start[i].unwrap_or_default(),
        end: end[i],
        kind: match kind[i] {
            Some("planned") => OutageKind::Planned,
            Some("degraded") => OutageKind::Degraded,
            _ => OutageKind::Unplanned,
        },
        cause: cause[i].map(str::to_string),
        customer: customer[i].map(str::to_string),
        row: rows[i].unwrap_or_default(),
    })
}

/// Adds the samples of `frame` to `data`'s timelines (those without a
/// customer by service, those of a customer by service and customer), in
/// reading order, and each sample to `reach`. The columns are walked once,
/// row by row, into per-frame timelines keyed by borrowed names (no row is
/// copied into an intermediate vector, no name allocated per row).
fn add_samples(data: &mut Data, frame: &DataFrame, reach: &mut Reach) -> PolarsResult<()> {
    use std::collections::HashMap;
    let service = frame.column("service")?.str()?;
    let customer = frame.column("customer")?.str()?;
    let time = frame.column("time")?.i64()?;
    let up = frame.column("up")?.bool()?;
    let latency = frame.column("latency_ms")?.f64()?;
    let interval = data.interval;
    // Timelines by (service, customer), in order of first row. Exports
    // come grouped by service, so the timeline of the row before is looked
    // up first and the map only when the key changes.
    let mut at: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let mut timelines: Vec<((&str, Option<&str>), Samples)> = Vec::new();
    let mut last: Option<((&str, Option<&str>), usize)> = None;
    let rows = service.iter().zip(customer.iter()).zip(time.iter()).zip(up.iter()).zip(latency.iter());
    for ((((s, c), t), u), l) in rows {
        // Required columns are never null after scanning.
        let (key, t) = ((s.unwrap_or_default(), c), t.unwrap_or_default());
        let index = match last {
            Some((k, i)) if k == key => i,
            _ => {
                let i = *at.entry(key).or_insert_with(|| {
                    timelines.push((key, Samples::default()));
                    timelines.len() - 1
                });
                last = Some((key, i));
                i
            }
        };
        timelines[index].1.push(t, u.unwrap_or(false), l);
        reach.add(t, [t.saturating_add(interval)]);
    }
    for ((s, c), samples) in timelines {
        match c {
            Some(c) => data.customer_samples.entry((s.to_string(), c.to_string())).or_default().extend(samples),
            None => data.samples.entry(s.to_string()).or_default().extend(samples),
        }
    }
    Ok(())
}

fn tickets(frame: &DataFrame) -> PolarsResult<BTreeMap<String, Vec<Ticket>>> {
    let customer = text(frame, "customer")?;
    let (id, priority, opened, responded, resolved, paused, cause) = (
        text(frame, "id")?,
        text(frame, "priority")?,
        ints(frame, "opened")?,
        ints(frame, "responded")?,
        ints(frame, "resolved")?,
        ints(frame, "paused_minutes")?,
        text(frame, "cause")?,
    );
    by_service(frame, |i| Ticket {
        id: id[i].unwrap_or_default().to_string(),
        priority: priority[i].unwrap_or_default().to_string(),
        opened: opened[i].unwrap_or_default(),
        responded: responded[i],
        resolved: resolved[i],
        paused: paused[i].unwrap_or(0),
        cause: cause[i].map(str::to_string),
        customer: customer[i].map(str::to_string),
    })
}

fn surveys(frame: &DataFrame) -> PolarsResult<BTreeMap<String, Vec<Survey>>> {
    let (id, time, score, customer) = (text(frame, "id")?, ints(frame, "time")?, floats(frame, "score")?, text(frame, "customer")?);
    by_service(frame, |i| Survey {
        id: id[i].map(str::to_string),
        time: time[i].unwrap_or_default(),
        score: score[i].unwrap_or_default(),
        customer: customer[i].map(str::to_string),
    })
}

fn counts(frame: &DataFrame) -> PolarsResult<BTreeMap<String, Vec<Count>>> {
    let (time, good, total, customer) = (ints(frame, "time")?, floats(frame, "good")?, floats(frame, "total")?, text(frame, "customer")?);
    by_service(frame, |i| Count {
        time: time[i].unwrap_or_default(),
        good: good[i].unwrap_or_default(),
        total: total[i].unwrap_or_default(),
        customer: customer[i].map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_cover_time_in_runs_of_one_state() {
        // Interval 60 s. Up at 0 and 60, down at 120 and 180, then a gap (the
        // sample at 180 covers only to 240), up at 400, twice at 460 (the
        // first covers nothing: the next sample is at the same instant), up
        // at 500 (460 covers to 500, not 520) and the last up at 600 (to 660).
        let mut s = Samples::default();
        for (t, up) in [(0, true), (60, true), (120, false), (180, false), (400, true), (460, true), (460, true), (500, true), (600, true)] {
            s.push(t, up, None);
        }
        let run = |start, end, up| Run { start, end, up };
        // [0,120) up; [120,240) down; [400,560) up (400-460, 460-500,
        // 500-560 meet); [600,660) up: 560-600 has no sample.
        let expected = vec![run(0, 120, true), run(120, 240, false), run(400, 560, true), run(600, 660, true)];
        assert_eq!(s.runs(60).into_owned(), expected);
        // Indexed, the same runs are borrowed; a sample added since makes
        // them worked out again.
        s.index_runs(60);
        assert!(matches!(s.runs(60), Cow::Borrowed(r) if r == expected.as_slice()));
        s.push(660, false, None);
        assert_eq!(s.runs(60).last(), Some(&run(660, 720, false)));
        // Another interval is another coverage: at 120 s the gap closes
        // (180 covers to 300, 400 is 220 s on: still a gap of 100 s).
        assert_eq!(s.runs(120)[1], run(120, 300, false));
    }

    #[test]
    fn reaches_of_two_parts_merge_into_the_file_s() {
        let a = Reach { rows: 3, first: Some(100), from: Some(90), to: Some(400) };
        let b = Reach { rows: 2, first: Some(50), from: Some(50), to: Some(300) };
        assert_eq!(a.merge(b), Reach { rows: 5, first: Some(50), from: Some(50), to: Some(400) });
        // A part without rows changes nothing.
        assert_eq!(a.merge(Reach::default()), a);
        assert_eq!(Reach::default().merge(b), b);
    }

    fn samples_part(times: &[i64]) -> DataFrame {
        let n = times.len();
        DataFrame::new(
            n,
            vec![
                Column::new("time".into(), times.to_vec()),
                Column::new("service".into(), vec!["email"; n]),
                Column::new("up".into(), vec![true; n]),
                Column::new("latency_ms".into(), vec![Some(1.0); n]),
                Column::new("customer".into(), vec![None::<&str>; n]),
                Column::new(crate::scan::ROW.into(), (2..2 + n as i64).collect::<Vec<_>>()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn files_arranged_apart_and_joined_in_reading_order_are_arranged_as_one() {
        use crate::scan::{SetAside, SetAsideReason};
        // Samples of one service with their latencies (row numbers as a CSV gives them).
        let part = |rows: &[(i64, f64)]| {
            let mut frame = samples_part(&rows.iter().map(|r| r.0).collect::<Vec<_>>());
            frame.with_column(Column::new("latency_ms".into(), rows.iter().map(|r| Some(r.1)).collect::<Vec<_>>())).unwrap();
            frame
        };
        let aside = |file: &str, row: i64| {
            let mut a = SetAside::new(Path::new(file), SetAsideReason::ServiceEmpty);
            a.add(row, "");
            vec![a]
        };
        // File a: 1,000 s and 1,060 s (latency 2). File b, read after it:
        // 500 s (before a's rows) and 1,060 s again (latency 3).
        let (a, b) = (Path::new("a.csv"), Path::new("b.csv"));
        let (rows_a, rows_b) = (part(&[(1_000, 1.0), (1_060, 2.0)]), part(&[(500, 5.0), (1_060, 3.0)]));
        let mut one = Builder::new(60, vec![SourceKind::Samples]);
        one.add(SourceKind::Samples, Some(a), &rows_a, aside("a.csv", 9)).unwrap();
        one.add(SourceKind::Samples, Some(b), &rows_b, aside("b.csv", 4)).unwrap();
        // Each file in a builder of its own (as two threads read them), joined in reading order.
        let mut first = Builder::new(60, vec![SourceKind::Samples]);
        first.add(SourceKind::Samples, Some(a), &rows_a, aside("a.csv", 9)).unwrap();
        let mut second = Builder::new(60, vec![SourceKind::Samples]);
        second.add(SourceKind::Samples, Some(b), &rows_b, aside("b.csv", 4)).unwrap();
        first.append(second);
        let (one, joined) = (one.finish(), first.finish());
        // Sorted by time, reading order kept at 1,060 s: a's sample (2) before b's (3).
        let timeline = |d: &Data| {
            let s = &d.samples["email"];
            (0..s.len()).map(|i| (s.time(i), s.latency(i))).collect::<Vec<_>>()
        };
        let expected = vec![(500, Some(5.0)), (1_000, Some(1.0)), (1_060, Some(2.0)), (1_060, Some(3.0))];
        assert_eq!(timeline(&one), expected);
        assert_eq!(timeline(&joined), expected);
        // Each file's reach: a from 1,000 to 1,060 + 60; b from 500 to 1,120.
        assert_eq!(joined.files[a], Reach { rows: 2, first: Some(1_000), from: Some(1_000), to: Some(1_120) });
        assert_eq!(joined.files[b], Reach { rows: 2, first: Some(500), from: Some(500), to: Some(1_120) });
        assert_eq!(joined.files, one.files);
        // Rows set aside, in reading order.
        assert_eq!(joined.set_aside, one.set_aside);
        assert_eq!(joined.set_aside[&SourceKind::Samples].iter().map(|x| x.file.clone()).collect::<Vec<_>>(), vec![a.to_path_buf(), b.to_path_buf()]);
    }

    #[test]
    fn timelines_of_some_files_only_are_joined_as_one_builder_arranges_them() {
        // File a holds crm and email, file b crm and web (services and
        // customers a file lacks, and one both hold, met in key order).
        let frame = |rows: &[(&str, Option<&str>, i64)]| {
            let mut f = samples_part(&rows.iter().map(|r| r.2).collect::<Vec<_>>());
            f.with_column(Column::new("service".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>())).unwrap();
            f.with_column(Column::new("customer".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>())).unwrap();
            f
        };
        let rows_a = frame(&[("crm", None, 600), ("email", None, 60), ("crm", Some("acme"), 120)]);
        let rows_b = frame(&[("web", None, 30), ("crm", None, 0), ("crm", Some("zeta"), 90), ("crm", Some("acme"), 60)]);
        let mut one = Builder::new(60, vec![SourceKind::Samples]);
        one.add(SourceKind::Samples, None, &rows_a, Vec::new()).unwrap();
        one.add(SourceKind::Samples, None, &rows_b, Vec::new()).unwrap();
        let mut first = Builder::new(60, vec![SourceKind::Samples]);
        first.add(SourceKind::Samples, None, &rows_a, Vec::new()).unwrap();
        let mut second = Builder::new(60, vec![SourceKind::Samples]);
        second.add(SourceKind::Samples, None, &rows_b, Vec::new()).unwrap();
        first.append(second);
        let (one, joined) = (one.finish(), first.finish());
        assert_eq!(joined.samples, one.samples);
        assert_eq!(joined.customer_samples, one.customer_samples);
        let times = |s: &Samples| (0..s.len()).map(|i| s.time(i)).collect::<Vec<_>>();
        assert_eq!(joined.samples.keys().collect::<Vec<_>>(), ["crm", "email", "web"]);
        assert_eq!(times(&joined.samples["crm"]), [0, 600]);
        assert_eq!(times(&joined.customer_samples[&("crm".to_string(), "acme".to_string())]), [60, 120]);
        assert_eq!(times(&joined.customer_samples[&("crm".to_string(), "zeta".to_string())]), [90]);
    }

    #[test]
    fn a_file_added_in_parts_has_the_reach_of_all_its_rows() {
        let mut builder = Builder::new(60, vec![SourceKind::Samples]);
        let file = Path::new("data/samples.csv");
        // Parts of one file, out of time order across parts.
        builder.add(SourceKind::Samples, Some(file), &samples_part(&[1_000, 1_060]), Vec::new()).unwrap();
        let all = builder.add(SourceKind::Samples, Some(file), &samples_part(&[500, 2_000, 1_500]), Vec::new()).unwrap();
        let expected = Reach { rows: 5, first: Some(500), from: Some(500), to: Some(2_060) };
        assert_eq!(all, expected);
        assert_eq!(builder.reach(file), Some(expected));
        let data = builder.finish();
        assert_eq!((0..data.samples["email"].len()).map(|i| data.samples["email"].time(i)).collect::<Vec<_>>(), vec![500, 1_000, 1_060, 1_500, 2_000]);
    }

    #[test]
    fn rows_set_aside_are_listed_in_the_months_their_file_reaches() {
        use crate::scan::{SetAside, SetAsideReason};
        let mut builder = Builder::new(60, vec![SourceKind::Samples]);
        let aside = |file: &str, row: i64| {
            let mut a = SetAside::new(Path::new(file), SetAsideReason::ServiceEmpty);
            a.add(row, "");
            a
        };
        // September's file: samples 1,000 s .. 1,060 s, reaching 1,120 s
        // (the last sample covers 60 s more); October's: 5,000 .. 5,060 s.
        builder.add(SourceKind::Samples, Some(Path::new("sep.parquet")), &samples_part(&[1_000, 1_060]), vec![aside("sep.parquet", 4)]).unwrap();
        builder.add(SourceKind::Samples, Some(Path::new("oct.parquet")), &samples_part(&[5_000, 5_060]), vec![aside("oct.parquet", 7)]).unwrap();
        // A file whose every row is set aside reaches no month.
        builder.add(SourceKind::Samples, Some(Path::new("empty.parquet")), &samples_part(&[]), vec![aside("empty.parquet", 2)]).unwrap();
        let data = builder.finish();
        let listed = |from: i64, to: i64| data.set_aside_in(SourceKind::Samples, from, to).map(|a| a.file.display().to_string()).collect::<Vec<_>>();
        // "September" [0, 3,000) holds 1,000..1,120: its file only.
        assert_eq!(listed(0, 3_000), vec!["sep.parquet"]);
        // "October" [3,000, 6,000) holds 5,000..5,120: its file only.
        assert_eq!(listed(3_000, 6_000), vec!["oct.parquet"]);
        // A month starting at 1,120 s still touches September's file (its
        // reach ends at 1,120 inclusive: the last sample's coverage ends there).
        assert_eq!(listed(1_120, 3_000), vec!["sep.parquet"]);
        // Arranged from whole tables (no files known), every file's rows are listed.
        let whole = Data { set_aside: data.set_aside.clone(), ..Data::default() };
        assert_eq!(whole.set_aside_in(SourceKind::Samples, 0, 1).count(), 3);
    }
}

#[cfg(test)]
mod ticket_reach_tests {
    use super::*;

    fn ticket(id: &str, opened: i64, responded: Option<i64>, resolved: Option<i64>) -> Ticket {
        Ticket { id: id.into(), priority: "P1".into(), opened, responded, resolved, paused: 0, cause: None, customer: None }
    }

    fn ids(tickets: &[Ticket]) -> Vec<&str> {
        tickets.iter().map(|t| t.id.as_str()).collect()
    }

    /// Data holding `tickets` on service `s`, arranged as a scan arranges it.
    fn indexed(tickets: Vec<Ticket>) -> Data {
        let mut data = Data::default();
        data.tickets.insert("s".into(), tickets);
        data.index_rows();
        data
    }

    #[test]
    fn the_tickets_near_a_span_leave_out_only_those_resolved_before_it_or_opened_after_it() {
        // In opening order: a resolved at 50 (responded 20); b resolved at
        // 150; c never resolved (open); d resolved at 90 but responded to
        // at 400; e opened at 300.
        let tickets = vec![
            ticket("a", 0, Some(20), Some(50)),
            ticket("b", 10, None, Some(150)),
            ticket("c", 30, None, None),
            ticket("d", 40, Some(400), Some(90)),
            ticket("e", 300, None, Some(320)),
        ];
        let data = indexed(tickets.clone());
        // Running latest: a 50, b 150, c MAX, d MAX, e MAX.
        // [100, 200): a (50 < 100) is left out; e opens at 300 >= 200.
        assert_eq!(ids(data.tickets_near("s", 100, 200)), ["b", "c", "d"]);
        // [200, 300): b's 150 is before 200 but c after it never resolved:
        // the running latest is 150 only up to b. e opens at 300, not < 300.
        assert_eq!(ids(data.tickets_near("s", 200, 300)), ["c", "d"]);
        // [0, 10): only a opened before 10.
        assert_eq!(ids(data.tickets_near("s", 0, 10)), ["a"]);
        // [300, 301): every ticket from c on (c is open), e opened at 300.
        assert_eq!(ids(data.tickets_near("s", 300, 301)), ["c", "d", "e"]);
        // Whatever the span, no ticket left out bears on it: responded,
        // resolved or opened in it, or open across its start.
        for from in (0..420).step_by(10) {
            for to in (from + 1..430).step_by(7) {
                let near = ids(data.tickets_near("s", from, to));
                for t in &tickets {
                    let bears = [Some(t.opened), t.responded, t.resolved].into_iter().flatten().any(|x| from <= x && x < to)
                        || (t.opened < to && t.resolved.is_none_or(|r| r >= from));
                    assert!(!bears || near.contains(&t.id.as_str()), "{} left out of [{from}, {to})", t.id);
                }
            }
        }
        // A service without tickets has none near anything.
        assert!(data.tickets_near("other", 0, 1000).is_empty());
    }

    #[test]
    fn tickets_resolved_before_they_opened_or_changed_since_indexing_are_all_walked() {
        // b was resolved at 5, before it opened at 100 (a table arranged
        // by hand; scanning refuses it): a span [0, 50) must still see it.
        let data = indexed(vec![ticket("a", 0, None, Some(10)), ticket("b", 100, None, Some(5))]);
        assert_eq!(ids(data.tickets_near("s", 0, 50)), ["a", "b"]);
        // Changed after indexing (one more ticket): every ticket is walked.
        let mut changed = indexed(vec![ticket("a", 0, None, Some(10)), ticket("b", 20, None, Some(30))]);
        changed.tickets.get_mut("s").unwrap().push(ticket("c", 500, None, Some(600)));
        assert_eq!(ids(changed.tickets_near("s", 550, 560)), ["a", "b", "c"]);
        // Not in opening order: not indexed, every ticket walked.
        let data = indexed(vec![ticket("a", 50, None, Some(60)), ticket("b", 0, None, Some(10))]);
        assert_eq!(ids(data.tickets_near("s", 100, 200)), ["a", "b"]);
    }
}
