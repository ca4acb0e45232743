//! `cargo bench --bench scale -- --scale small|quarter|full [--json] [--steps ...]`
//!
//! The provider-scale yardstick (issue 11): generates a deterministic site of
//! the given scale under `target/scale-data/<scale>/` (once; a marker file
//! records the generator version), builds it with `slareport::build::build`
//! and prints, per stage and in total, wall time, rows or pages per second,
//! peak memory and the CPU/wall ratio; then a no-op rebuild and one new month
//! on top of the others; then the floor, a bare polars lazy scan of the same
//! probe files, and slareport's total as a multiple of it. The `csv` step
//! (not run by default) writes one big samples CSV (`--csv-bytes`, default
//! 2 GiB at `full`) beside a one-SLA site and measures `slareport check` of
//! it: the CSV is read in parts, so its peak memory should not follow the
//! file's size.
//!
//! Every measured piece of work runs in a fresh child process of this binary
//! (`--child generate|build|floor|csv`), so each peak memory (VmHWM) is that
//! piece's own. The children print one `RESULT {json}` line on stdout; the
//! parent prints the table (or, with `--json`, every figure as JSON).
//! docs/scale.md says how to read the figures and what was measured.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use serde_json::{json, Value};
use slareport::build::{build, BuildOptions};
use slareport::period::AsOf;

/// The allocator the `slareport` command uses (src/main.rs), for every
/// child: the builds, and the floor too (python-polars also ships an
/// allocator of its own rather than glibc's).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Bump when the generated data changes: existing data is then regenerated.
const GENERATOR_VERSION: &str = "scale-generator 1";
const MARKER: &str = ".generated.json";
/// Fixed: the same scale always gives the same bytes.
const SEED: u64 = 0x5EED_2026_0011_0006;
/// Stamped into pages so outputs are comparable run to run.
const SOURCE_DATE_EPOCH: i64 = 1_795_392_000;
/// One probe a minute.
const PROBE_MS: i64 = 60_000;

// ---------------------------------------------------------------- the workload

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    Small,
    Quarter,
    Full,
}

impl Scale {
    fn parse(text: &str) -> Result<Scale, String> {
        match text {
            "small" => Ok(Scale::Small),
            "quarter" => Ok(Scale::Quarter),
            "full" => Ok(Scale::Full),
            other => Err(format!("unknown scale `{other}`; expected small, quarter or full")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::Quarter => "quarter",
            Scale::Full => "full",
        }
    }

    fn shape(self) -> Shape {
        match self {
            Scale::Small => Shape { customers: 5, services: 8, first: (2026, 8), months: 3, tickets: 10_000, outages: 200, surveys: 500 },
            Scale::Quarter => Shape { customers: 50, services: 75, first: (2025, 10), months: 13, tickets: 375_000, outages: 5_000, surveys: 12_500 },
            Scale::Full => Shape { customers: 200, services: 300, first: (2025, 10), months: 13, tickets: 1_500_000, outages: 20_000, surveys: 50_000 },
        }
    }
}

/// What a scale holds.
#[derive(Debug, Clone, Copy)]
struct Shape {
    customers: usize,
    services: usize,
    /// The first month of data (UTC), year and month.
    first: (i32, u32),
    months: usize,
    tickets: usize,
    outages: usize,
    surveys: usize,
}

impl Shape {
    /// The first day of each month of data, and the day after the last.
    fn month_starts(&self) -> Vec<NaiveDate> {
        let mut d = NaiveDate::from_ymd_opt(self.first.0, self.first.1, 1).expect("valid month");
        let mut out = vec![d];
        for _ in 0..self.months {
            d = next_month(d);
            out.push(d);
        }
        out
    }

    /// UTC milliseconds of the data's start and end.
    fn span_ms(&self) -> (i64, i64) {
        let m = self.month_starts();
        (ms(m[0]), ms(*m.last().expect("months")))
    }
}

fn next_month(d: NaiveDate) -> NaiveDate {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
    .expect("valid month")
}

/// Midnight UTC of `d`, in milliseconds.
fn ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis()
}

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn new(parts: &[u64]) -> Rng {
        let mut r = Rng(SEED);
        for p in parts {
            r.0 ^= p.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            r.next();
        }
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Exponential with the given mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

fn service_id(s: usize) -> String {
    format!("svc-{s:03}")
}
fn customer_id(c: usize) -> String {
    format!("cust-{c:03}")
}
/// Each team runs 25 services, each supplier underpins 50.
fn ola_of(s: usize) -> String {
    format!("team-{:02}-ola", s / 25 + 1)
}
fn upc_of(s: usize) -> String {
    format!("supplier-{:02}-upc", s / 50 + 1)
}

/// Which customer has an SLA on which services.
struct Agreements {
    /// Per customer, its SLAs, each a list of service indexes.
    slas: Vec<Vec<Vec<usize>>>,
    /// Per service, the customers with an SLA on it.
    customers_of: Vec<Vec<usize>>,
}

fn agreements(shape: &Shape) -> Agreements {
    let mut rng = Rng::new(&[1]);
    let mut slas = Vec::new();
    let mut customers_of = vec![Vec::new(); shape.services];
    for c in 0..shape.customers {
        let n = 3 + rng.below(3) as usize;
        let mut list = Vec::new();
        for _ in 0..n {
            let k = (1 + rng.below(3) as usize).min(shape.services);
            let mut services: Vec<usize> = Vec::new();
            while services.len() < k {
                let s = rng.below(shape.services as u64) as usize;
                if !services.contains(&s) {
                    services.push(s);
                }
            }
            services.sort();
            for &s in &services {
                if !customers_of[s].contains(&c) {
                    customers_of[s].push(c);
                }
            }
            list.push(services);
        }
        slas.push(list);
    }
    Agreements { slas, customers_of }
}

fn quoted(list: &[String]) -> String {
    list.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

fn write_parquet(path: &Path, mut frame: DataFrame) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    ParquetWriter::new(file).finish(&mut frame).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// A UTC timestamp column from milliseconds.
fn instants(name: &str, values: Vec<Option<i64>>) -> Column {
    Column::new(name.into(), values)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)))
        .expect("i64 milliseconds cast to a timestamp")
}

fn frame(columns: Vec<Column>) -> DataFrame {
    let height = columns.first().map_or(0, |c| c.len());
    DataFrame::new(height, columns).expect("columns of one length")
}

/// Writes the whole site of `scale` into `dir` and returns its row counts.
fn generate(scale: Scale, dir: &Path) -> Result<Value, String> {
    let shape = scale.shape();
    let io = |e: std::io::Error| e.to_string();
    let deals = agreements(&shape);
    let months = shape.month_starts();

    // slareport.toml
    let mut site = format!(
        "# Generated by benches/scale.rs ({GENERATOR_VERSION}, scale {}). Do not edit.\n\
         title = \"Scale benchmark ({})\"\ntimezone = \"Europe/London\"\noutput = \"public\"\n\n",
        scale.name(),
        scale.name()
    );
    for c in 0..shape.customers {
        site.push_str(&format!("[customers.{}]\nname = \"Customer {:03}\"\n\n", customer_id(c), c));
    }
    site.push_str(
        "[calendars.business]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nhours = \"08:00-18:00\"\n\
         holidays = [2025-12-25, 2025-12-26, 2026-01-01, 2026-04-03, 2026-04-06, 2026-05-04, 2026-05-25, 2026-08-31]\n\n\
         [sources.outages]\npath = \"data/outages.parquet\"\n\n\
         [sources.samples]\npath = \"data/probes\"\ninterval = \"60s\"\n\n\
         [sources.tickets]\npath = \"data/tickets.parquet\"\n\n\
         [sources.surveys]\npath = \"data/surveys.parquet\"\n",
    );
    write_text(&dir.join("slareport.toml"), &site).map_err(io)?;

    // SLAs: every target without `service`, so each is measured per service of its agreement.
    for (c, list) in deals.slas.iter().enumerate() {
        for (k, services) in list.iter().enumerate() {
            let names: Vec<String> = services.iter().map(|&s| service_id(s)).collect();
            let mut under: Vec<String> = services.iter().flat_map(|&s| [ola_of(s), upc_of(s)]).collect();
            under.sort();
            under.dedup();
            let calendar = if k % 2 == 0 { "business" } else { "24x7" };
            let (percentile, latency_objective) = if k % 3 == 2 { (99, 1200) } else { (95, 600) };
            let text = format!(
                r#"id = "{cust}-sla-{n}"
kind = "sla"
customer = "{cust}"
title = "Service bundle {n} of customer {c:03}"
version = "1"
effective = 2025-01-01
review_due = 2027-06-30
services = [{services}]

[[targets]]
id = "availability"
metric = "availability"
calendar = "{calendar}"
objective = 99.5
warning = 99.7
planned = "excluded"
degraded = 0.5
credits = [{{ below = 99.5, percent = 5 }}, {{ below = 99.0, percent = 10 }}]
credit_cap = 20
underpinned_by = [{under}]

[[targets]]
id = "probe-availability"
metric = "availability"
source = "samples"
unknown = "exclude"
objective = 99.8
warning = 99.9
credits = [{{ below = 99.8, percent = 5 }}]

[[targets]]
id = "latency"
metric = "latency"
percentile = {percentile}
objective = {latency_objective}
warning = {latency_warning}
credits = [{{ above = {latency_objective}, percent = 2 }}]

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "15m"
objective = 80

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "8h"
calendar = "business"
objective = 70

[[targets]]
id = "incidents-p1"
metric = "incidents"
priority = "P1"
objective = 2

[[targets]]
id = "satisfaction"
metric = "satisfaction"
objective = 4.0
warning = 4.1
"#,
                cust = customer_id(c),
                n = k + 1,
                services = quoted(&names),
                under = quoted(&under),
                latency_warning = latency_objective * 4 / 5,
            );
            write_text(&dir.join(format!("agreements/{}/sla-{}.toml", customer_id(c), k + 1)), &text).map_err(io)?;
        }
    }
    // OLAs (a team per 25 services) and UPCs (a supplier per 50).
    for team in 0..shape.services.div_ceil(25) {
        let services: Vec<String> = (team * 25..((team + 1) * 25).min(shape.services)).map(service_id).collect();
        let text = format!(
            r#"id = "team-{t:02}-ola"
kind = "ola"
team = "team-{t:02}"
title = "Operations team {t:02}"
version = "1"
effective = 2025-01-01
review_due = 2027-03-31
services = [{services}]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
warning = 99.95

[[targets]]
id = "response-p1"
metric = "response"
priority = "P1"
within = "10m"
objective = 75

[[targets]]
id = "resolution-p2"
metric = "resolution"
priority = "P2"
within = "6h"
calendar = "business"
objective = 60
"#,
            t = team + 1,
            services = quoted(&services),
        );
        write_text(&dir.join(format!("agreements/_internal/team-{:02}.toml", team + 1)), &text).map_err(io)?;
    }
    for supplier in 0..shape.services.div_ceil(50) {
        let services: Vec<String> = (supplier * 50..((supplier + 1) * 50).min(shape.services)).map(service_id).collect();
        let text = format!(
            r#"id = "supplier-{t:02}-upc"
kind = "upc"
supplier = "supplier-{t:02}"
title = "Hosting supplier {t:02}"
version = "1"
effective = 2025-01-01
review_due = 2027-03-31
services = [{services}]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
warning = 99.95
credits = [{{ below = 99.9, percent = 10 }}, {{ below = 99.0, percent = 25 }}]
credit_cap = 50

[[targets]]
id = "probe-availability"
metric = "availability"
source = "samples"
unknown = "down"
objective = 99.0
warning = 99.5

[[targets]]
id = "latency"
metric = "latency"
percentile = 95
objective = 650
"#,
            t = supplier + 1,
            services = quoted(&services),
        );
        write_text(&dir.join(format!("agreements/_suppliers/supplier-{:02}.toml", supplier + 1)), &text).map_err(io)?;
    }

    let (start, end) = shape.span_ms();
    let span = (end - start) as u64;
    let cause_of = |rng: &mut Rng, s: usize| if rng.chance(0.5) { ola_of(s) } else { upc_of(s) };
    let customer_on = |rng: &mut Rng, s: usize| {
        let list = &deals.customers_of[s];
        (!list.is_empty()).then(|| customer_id(list[rng.below(list.len() as u64) as usize]))
    };

    // Outages: unplanned 70 %, planned 20 %, degraded 10 %; a cause on 30 %.
    let mut rng = Rng::new(&[2]);
    let n = shape.outages;
    let (mut id, mut service, mut begin, mut finish, mut kind, mut cause) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let s = rng.below(shape.services as u64) as usize;
        let b = start + (rng.below(span / 60_000) as i64) * 60_000 + rng.below(60) as i64 * 1000;
        let roll = rng.unit();
        let (k, minutes) = if roll < 0.7 {
            ("unplanned", 1.0 + rng.exp(40.0))
        } else if roll < 0.9 {
            ("planned", 30.0 + rng.below(211) as f64)
        } else {
            ("degraded", 5.0 + rng.exp(90.0))
        };
        id.push(format!("OUT-{:07}", i + 1));
        service.push(service_id(s));
        begin.push(Some(b));
        finish.push(Some((b + (minutes * 60_000.0) as i64).min(end - 1)));
        kind.push(k);
        cause.push((k == "unplanned" && rng.chance(0.43)).then(|| cause_of(&mut rng, s)));
    }
    write_parquet(
        &dir.join("data/outages.parquet"),
        frame(vec![
            Column::new("id".into(), id),
            Column::new("service".into(), service),
            instants("start", begin),
            instants("end", finish),
            Column::new("kind".into(), kind),
            Column::new("cause".into(), cause),
        ]),
    )?;

    // Tickets, in order of opening: P1 2 %, P2 10 %, P3 38 %, P4 50 %.
    let mut rng = Rng::new(&[3]);
    let n = shape.tickets;
    let mut cols: (Vec<String>, Vec<String>, Vec<Option<String>>, Vec<&str>) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut opened, mut responded, mut resolved, mut paused, mut cause) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let s = rng.below(shape.services as u64) as usize;
        let o = start + (i as i64 * (end - start)) / n as i64 + rng.below(60_000) as i64;
        let roll = rng.unit();
        let (priority, respond_min, resolve_min) = if roll < 0.02 {
            ("P1", 8.0, 180.0)
        } else if roll < 0.12 {
            ("P2", 20.0, 480.0)
        } else if roll < 0.50 {
            ("P3", 60.0, 2880.0)
        } else {
            ("P4", 240.0, 7200.0)
        };
        let r = o + (rng.exp(respond_min) * 60_000.0) as i64;
        let z = o + (rng.exp(resolve_min) * 60_000.0) as i64;
        cols.0.push(format!("INC{:08}", i + 1));
        cols.1.push(service_id(s));
        cols.2.push(customer_on(&mut rng, s));
        cols.3.push(priority);
        opened.push(Some(o));
        responded.push((!rng.chance(0.05) && r < end).then_some(r.max(o)));
        resolved.push((z < end).then_some(z.max(r).max(o)));
        paused.push(if rng.chance(0.1) { 30 + rng.below(571) as i64 } else { 0 });
        cause.push(rng.chance(0.15).then(|| cause_of(&mut rng, s)));
    }
    write_parquet(
        &dir.join("data/tickets.parquet"),
        frame(vec![
            Column::new("id".into(), cols.0),
            Column::new("service".into(), cols.1),
            Column::new("customer".into(), cols.2),
            Column::new("priority".into(), cols.3),
            instants("opened", opened),
            instants("responded", responded),
            instants("resolved", resolved),
            Column::new("paused_minutes".into(), paused),
            Column::new("cause".into(), cause),
        ]),
    )?;

    // Surveys: scores 1..5 weighted 3, 5, 12, 35, 45 % (mean 4.14).
    let mut rng = Rng::new(&[4]);
    let n = shape.surveys;
    let (mut time, mut service, mut customer, mut score) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let s = rng.below(shape.services as u64) as usize;
        time.push(Some(start + (i as i64 * (end - start)) / n as i64 + rng.below(60_000) as i64));
        service.push(service_id(s));
        customer.push(customer_on(&mut rng, s));
        let roll = rng.below(100);
        score.push(match roll {
            0..=2 => 1i32,
            3..=7 => 2,
            8..=19 => 3,
            20..=54 => 4,
            _ => 5,
        });
    }
    write_parquet(
        &dir.join("data/surveys.parquet"),
        frame(vec![instants("time", time), Column::new("service".into(), service), Column::new("customer".into(), customer), Column::new("score".into(), score)]),
    )?;

    // Probes: one file per UTC month holding every service, one sample a
    // minute (service s probes at second 7s mod 60), with probe gaps (no
    // rows) and down spells (up = false, no latency).
    let names: Vec<String> = (0..shape.services).map(service_id).collect();
    let mut samples = 0usize;
    for w in months.windows(2) {
        let (m0, m1) = (ms(w[0]), ms(w[1]));
        let minutes = ((m1 - m0) / PROBE_MS) as usize;
        let cap = minutes * shape.services;
        let (mut time, mut service, mut up, mut latency) = (Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap));
        for (s, name) in names.iter().enumerate() {
            let mut rng = Rng::new(&[5, s as u64, m0 as u64]);
            // Minute ranges [a, b): gaps 0-2 of 5-240 minutes, down spells 0-3 of
            // 1-60 minutes, and one month in twenty a long one of 3-8 hours.
            let spell = |rng: &mut Rng, lo: u64, hi: u64| {
                let len = (lo + rng.below(hi - lo + 1)) as usize;
                let a = rng.below(minutes as u64) as usize;
                (a, (a + len).min(minutes))
            };
            let gaps: Vec<(usize, usize)> = (0..rng.below(3)).map(|_| spell(&mut rng, 5, 240)).collect();
            let mut downs: Vec<(usize, usize)> = (0..rng.below(4)).map(|_| spell(&mut rng, 1, 60)).collect();
            if rng.chance(0.05) {
                downs.push(spell(&mut rng, 180, 480));
            }
            let base = 80.0 + rng.below(221) as f64;
            let offset = (s as i64 * 7 % 60) * 1000;
            for minute in 0..minutes {
                if gaps.iter().any(|&(a, b)| minute >= a && minute < b) {
                    continue;
                }
                let is_up = !downs.iter().any(|&(a, b)| minute >= a && minute < b);
                time.push(Some(m0 + minute as i64 * PROBE_MS + offset));
                service.push(name.as_str());
                up.push(is_up);
                // A heavy tail: p95 about 1.9 x base, p99 about 2.8 x base.
                let u = rng.unit();
                latency.push(is_up.then(|| (base * (0.8 + 0.4 * rng.unit() + 2.5 * u.powi(12))) as i32));
            }
        }
        samples += time.len();
        let part = dir.join(format!("data/probes/month={:04}-{:02}/part-0.parquet", w[0].year(), w[0].month()));
        write_parquet(
            &part,
            frame(vec![instants("time", time), Column::new("service".into(), service), Column::new("up".into(), up), Column::new("latency_ms".into(), latency)]),
        )?;
        eprintln!("  generated {} ({samples} samples so far)", part.strip_prefix(dir).unwrap_or(part.as_path()).display());
    }

    let slas: usize = deals.slas.iter().map(Vec::len).sum();
    Ok(json!({
        "samples": samples,
        "tickets": shape.tickets,
        "outages": shape.outages,
        "surveys": shape.surveys,
        "customers": shape.customers,
        "services": shape.services,
        "months": shape.months,
        "slas": slas,
        "olas": shape.services.div_ceil(25),
        "upcs": shape.services.div_ceil(50),
    }))
}

// ------------------------------------------------------- process measurements

/// Peak resident memory of this process so far, in bytes (VmHWM).
fn peak_bytes() -> u64 {
    status_kb("VmHWM:") * 1024
}

fn status_kb(field: &str) -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// Resets VmHWM to the current resident size (Linux: `5` into clear_refs),
/// so the next peak is that of the next piece of work only. False when
/// the kernel refuses (the peak then includes what came before).
fn reset_peak() -> bool {
    fs::OpenOptions::new().write(true).open("/proc/self/clear_refs").and_then(|mut f| f.write_all(b"5")).is_ok()
}

/// User + system CPU seconds of this process, all threads (/proc/self/stat
/// utime + stime, in clock ticks of 1/100 s, the Linux USER_HZ).
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else { return 0.0 };
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else { return 0.0 };
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command name: state is field 3, utime field 14, stime field 15.
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// Wall time, CPU time and peak memory of `f`.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Value) {
    let fresh = reset_peak();
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let value = f();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    (value, json!({ "wall_s": wall, "cpu_s": cpu, "cpu_per_wall": if wall > 0.0 { cpu / wall } else { 0.0 }, "peak_bytes": peak_bytes(), "peak_is_own": fresh }))
}

/// Size and number of files under `dir`, and how many are HTML pages.
fn tree_size(dir: &Path) -> (u64, u64, u64) {
    let (mut bytes, mut files, mut html) = (0, 0, 0);
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            bytes += e.metadata().map_or(0, |m| m.len());
            files += 1;
            if e.path().extension().is_some_and(|x| x == "html") {
                html += 1;
            }
        }
    }
    (bytes, files, html)
}

// ------------------------------------------------------------------ children

fn data_root() -> PathBuf {
    std::env::var_os("SLAREPORT_SCALE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/scale-data"))
}

fn read_marker(dir: &Path) -> Option<Value> {
    let v: Value = serde_json::from_str(&fs::read_to_string(dir.join(MARKER)).ok()?).ok()?;
    (v["version"] == GENERATOR_VERSION).then_some(v)
}

/// Child: generates the site unless a marker of this generator version is there.
fn child_generate(scale: Scale) -> Result<Value, String> {
    let dir = data_root().join(scale.name());
    if let Some(marker) = read_marker(&dir) {
        return Ok(json!({ "cached": true, "dir": dir, "marker": marker }));
    }
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    eprintln!("generating the {} workload into {}", scale.name(), dir.display());
    let (rows, cost) = measured(|| generate(scale, &dir));
    let rows = rows?;
    let (bytes, files, _) = tree_size(&dir.join("data"));
    let marker = json!({ "version": GENERATOR_VERSION, "scale": scale.name(), "rows": rows, "data_bytes": bytes, "data_files": files, "generate": cost });
    fs::write(dir.join(MARKER), serde_json::to_string_pretty(&marker).unwrap_or_default()).map_err(|e| e.to_string())?;
    Ok(json!({ "cached": false, "dir": dir, "marker": marker }))
}

fn secs(d: std::time::Duration) -> f64 {
    d.as_secs_f64()
}

/// As-of: ten days into the month after `months` months of data.
fn as_of_after(shape: &Shape, months: usize) -> i64 {
    ms(shape.month_starts()[months]) / 1000 + 10 * 86_400
}

/// One build of the site into `out`, measured.
fn one_build(site: &Path, out: &Path, as_of: i64) -> Result<Value, String> {
    let options = BuildOptions {
        root: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        period: None,
        customer: None,
        revise: false,
        as_of: AsOf::Instant(as_of),
        source_date_epoch: Some(SOURCE_DATE_EPOCH),
        progress: false,
    };
    let (report, cost) = measured(|| build(&options));
    let report = report.map_err(|e| format!("build failed: {e:?}"))?;
    let t = report.timings;
    let (bytes, files, html) = tree_size(out);
    Ok(json!({
        "cost": cost,
        "stages_s": { "scan": secs(t.scan), "measure": secs(t.measure), "draw": secs(t.draw), "render": secs(t.render), "publish": secs(t.publish), "total": secs(t.total()) },
        "published": report.published.len(),
        "kept": report.kept,
        "files_read": [report.files_read.0, report.files_read.1],
        "files_read_in_part": report.files_read_in_part,
        "warnings": report.warnings.warnings(),
        "out_bytes": bytes,
        "out_files": files,
        "out_pages": html,
    }))
}

/// Child: the builds. `steps` picks among first (every month from scratch),
/// noop (the same again on top), month (all but the last month, then the last on top).
fn child_build(scale: Scale, steps: &[String]) -> Result<Value, String> {
    let shape = scale.shape();
    let site = data_root().join(scale.name());
    let mut result = serde_json::Map::new();
    let all = as_of_after(&shape, shape.months);
    if steps.iter().any(|s| s == "first" || s == "noop") {
        let out = tempfile::tempdir().map_err(|e| e.to_string())?;
        eprintln!("  {}: first build ({} months)", scale.name(), shape.months);
        result.insert("first".into(), one_build(&site, out.path(), all)?);
        if steps.iter().any(|s| s == "noop") {
            eprintln!("  {}: no-op rebuild", scale.name());
            result.insert("noop".into(), one_build(&site, out.path(), all)?);
        }
    }
    if steps.iter().any(|s| s == "month") {
        let out = tempfile::tempdir().map_err(|e| e.to_string())?;
        eprintln!("  {}: build of the first {} months", scale.name(), shape.months - 1);
        result.insert("before_month".into(), one_build(&site, out.path(), as_of_after(&shape, shape.months - 1))?);
        eprintln!("  {}: one new month on top", scale.name());
        result.insert("new_month".into(), one_build(&site, out.path(), all)?);
    }
    Ok(Value::Object(result))
}

/// Child: the floor. One lazy polars scan of the probe files computing, per
/// service and month, the share of samples up and the p95 latency.
fn child_floor(scale: Scale) -> Result<Value, String> {
    let probes = data_root().join(scale.name()).join("data/probes");
    let path = probes.to_string_lossy().into_owned();
    let (frame, cost) = measured(|| -> PolarsResult<DataFrame> {
        let args = ScanArgsParquet {
            hive_options: HiveOptions { enabled: Some(true), hive_start_idx: 0, schema: None, try_parse_dates: false },
            ..Default::default()
        };
        LazyFrame::scan_parquet(PlRefPath::new(path.as_str()), args)?
            .group_by([col("service"), col("month")])
            .agg([
                col("up").cast(DataType::Float64).mean().alias("up_share"),
                col("latency_ms").quantile(lit(0.95), QuantileMethod::Nearest).alias("p95_ms"),
                len().alias("samples"),
            ])
            .collect()
    });
    let frame = frame.map_err(|e| format!("floor query failed: {e}"))?;
    let mut samples = 0u64;
    if let Ok(counts) = frame.column("samples").and_then(|c| c.cast(&DataType::UInt64)) {
        if let Ok(counts) = counts.u64() {
            samples = counts.sum().unwrap_or(0);
        }
    }
    Ok(json!({ "cost": cost, "groups": frame.height(), "samples": samples }))
}

// ------------------------------------------------------------ the CSV step

/// Bump when the generated CSV changes.
const CSV_GENERATOR_VERSION: &str = "csv-generator 1";
/// Services of the CSV step: a sample a minute each, all in one file.
const CSV_SERVICES: usize = 100;

/// The size of the samples CSV of the `csv` step when `--csv-bytes` is not given.
fn default_csv_bytes(scale: Scale) -> u64 {
    match scale {
        Scale::Small => 200 << 20,
        Scale::Quarter => 512 << 20,
        Scale::Full => 2 << 30,
    }
}

/// `2G`, `512M`, `64K` (binary units) or plain bytes.
fn parse_bytes(text: &str) -> Result<u64, String> {
    let (digits, shift) = match text.char_indices().last() {
        Some((i, 'G' | 'g')) => (&text[..i], 30),
        Some((i, 'M' | 'm')) => (&text[..i], 20),
        Some((i, 'K' | 'k')) => (&text[..i], 10),
        _ => (text, 0),
    };
    let n: u64 = digits.parse().map_err(|_| format!("--csv-bytes `{text}`: expected bytes such as 2G, 512M or 1048576"))?;
    Ok(n << shift)
}

/// Writes the site of the `csv` step into `dir`: one customer, one SLA
/// with probe availability on every service, and `data/samples.csv` of
/// about `bytes` bytes (a sample a minute per service from 2025-01-01, one
/// in 500 down without a latency). Returns the rows written.
fn generate_csv(dir: &Path, bytes: u64) -> Result<u64, String> {
    let io = |e: std::io::Error| format!("cannot write the CSV site in {}: {e}", dir.display());
    let services: Vec<String> = (0..CSV_SERVICES).map(service_id).collect();
    fs::create_dir_all(dir.join("data")).map_err(io)?;
    write_text(
        &dir.join("slareport.toml"),
        "title = \"CSV benchmark\"\ntimezone = \"Europe/London\"\n\n[customers.acme]\nname = \"Acme\"\n\n\
         [sources.samples]\npath = \"data/samples.csv\"\ninterval = \"60s\"\n",
    )
    .map_err(io)?;
    write_text(
        &dir.join("agreements/acme/probes.toml"),
        &format!(
            "id = \"acme-probes\"\nkind = \"sla\"\ncustomer = \"acme\"\ntitle = \"Probed services\"\nversion = \"1\"\n\
             effective = 2025-01-01\nreview_due = 2030-01-01\nservices = [{}]\n\n\
             [[targets]]\nid = \"availability\"\nmetric = \"availability\"\nsource = \"samples\"\nunknown = \"up\"\nobjective = 99.5\n",
            quoted(&services)
        ),
    )
    .map_err(io)?;
    let path = dir.join("data/samples.csv");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, File::create(&path).map_err(io)?);
    let header = "time,service,up,latency_ms\n";
    out.write_all(header.as_bytes()).map_err(io)?;
    let mut written = header.len() as u64;
    let mut rows = 0u64;
    let mut rng = Rng::new(&[SEED, 0xC5F]);
    let start = ms(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()) / 1000;
    let mut line = String::new();
    'minutes: for minute in 0i64.. {
        let stamp = chrono::DateTime::from_timestamp(start + 60 * minute, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        for service in &services {
            if written >= bytes {
                break 'minutes;
            }
            line.clear();
            if rng.chance(0.002) {
                line.push_str(&format!("{stamp},{service},false,\n"));
            } else {
                line.push_str(&format!("{stamp},{service},true,{:.1}\n", 20.0 + rng.exp(30.0)));
            }
            out.write_all(line.as_bytes()).map_err(io)?;
            written += line.len() as u64;
            rows += 1;
        }
    }
    out.flush().map_err(io)?;
    Ok(rows)
}

/// Child: the `csv` step. Generates the CSV site of `bytes` bytes unless a
/// marker says it is there, then runs `slareport check` on it (the library
/// call the command makes) and measures it.
fn child_csv(bytes: u64) -> Result<Value, String> {
    let dir = data_root().join(format!("csv-{bytes}"));
    let marker_path = dir.join(MARKER);
    let marker: Option<Value> = fs::read_to_string(&marker_path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .filter(|v| v["version"] == CSV_GENERATOR_VERSION && v["bytes"] == bytes);
    let marker = match marker {
        Some(m) => m,
        None => {
            if dir.exists() {
                fs::remove_dir_all(&dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
            }
            eprintln!("  csv: writing a samples CSV of {} into {}", gib(bytes as f64), dir.display());
            let (rows, cost) = measured(|| generate_csv(&dir, bytes));
            let m = json!({ "version": CSV_GENERATOR_VERSION, "bytes": bytes, "rows": rows?, "generate": cost });
            fs::write(&marker_path, serde_json::to_string_pretty(&m).unwrap_or_default()).map_err(|e| e.to_string())?;
            m
        }
    };
    let file_bytes = fs::metadata(dir.join("data/samples.csv")).map_or(0, |m| m.len());
    eprintln!("  csv: slareport check of {}", dir.display());
    let (report, cost) = measured(|| slareport::check::check(&dir));
    if !report.is_clean() {
        let errors: Vec<String> = report.problems.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        return Err(format!("check of the CSV site failed:\n{}", errors.join("\n")));
    }
    let rows = report
        .summary
        .as_ref()
        .and_then(|s| s.sources.get(&slareport::model::SourceKind::Samples))
        .map_or(0, |(_, rows)| *rows);
    Ok(json!({ "cost": cost, "file_bytes": file_bytes, "rows": rows, "written_rows": marker["rows"], "warnings": report.problems.warnings() }))
}

// -------------------------------------------------------------------- parent

struct Args {
    scales: Vec<Scale>,
    json: bool,
    steps: Vec<String>,
    child: Option<String>,
    /// `--csv-bytes`: the size of the CSV of the `csv` step.
    csv_bytes: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { scales: Vec::new(), json: false, steps: Vec::new(), child: None, csv_bytes: None };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scale" => {
                for s in it.next().ok_or("--scale needs a value")?.split(',') {
                    args.scales.push(Scale::parse(s)?);
                }
            }
            "--steps" => args.steps = it.next().ok_or("--steps needs a value")?.split(',').map(str::to_string).collect(),
            "--json" => args.json = true,
            // Full builds once needed asking for (they exhausted memory); now they run by default.
            "--full-build" => {}
            "--csv-bytes" => args.csv_bytes = Some(parse_bytes(&it.next().ok_or("--csv-bytes needs a value")?)?),
            "--child" => args.child = Some(it.next().ok_or("--child needs a value")?),
            // cargo bench passes --bench to harness-less benches.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`; expected --scale small|quarter|full, --steps generate,first,noop,month,floor,csv, --json, --csv-bytes 2G")),
        }
    }
    if args.scales.is_empty() {
        args.scales.push(Scale::Small);
    }
    for s in &args.steps {
        if !["generate", "first", "noop", "month", "floor", "csv"].contains(&s.as_str()) {
            return Err(format!("unknown step `{s}`; expected generate, first, noop, month, floor or csv"));
        }
    }
    Ok(args)
}

/// Runs this binary as a child doing one piece of work; its `RESULT` line.
fn run_child(what: &str, scale: Scale, steps: &[String], extra: &[String]) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.args(["--child", what, "--scale", scale.name()]);
    cmd.args(extra);
    if !steps.is_empty() {
        cmd.args(["--steps", steps.join(",").as_str()]);
    }
    let output = cmd.stdin(Stdio::null()).stderr(Stdio::inherit()).output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find_map(|l| l.strip_prefix("RESULT "));
    match line {
        Some(l) if output.status.success() => serde_json::from_str(l).map_err(|e| e.to_string()),
        _ => Err(format!("child `{what}` for {} failed ({}): {}", scale.name(), output.status, stdout.trim())),
    }
}

fn gib(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", bytes / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.0} MiB", bytes / (1024.0 * 1024.0))
    }
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

fn build_line(name: &str, b: &Value) -> String {
    let s = &b["stages_s"];
    format!(
        "{name:<22} {:>8.2} s  (scan {:.2}, measure {:.2}, draw {:.2}, render {:.2}, publish {:.2}); {} published, {} kept; read {} of {} data files ({} in part); peak {}; cpu/wall {:.2}",
        f(&b["cost"]["wall_s"]),
        f(&s["scan"]),
        f(&s["measure"]),
        f(&s["draw"]),
        f(&s["render"]),
        f(&s["publish"]),
        b["published"],
        b["kept"],
        b["files_read"][0],
        b["files_read"][1],
        b["files_read_in_part"].as_u64().unwrap_or(0),
        gib(f(&b["cost"]["peak_bytes"])),
        f(&b["cost"]["cpu_per_wall"]),
    )
}

fn print_scale(scale: Scale, r: &Value) {
    if let Some(c) = r.get("csv") {
        let wall = f(&c["cost"]["wall_s"]);
        println!(
            "== scale {}: csv check of one samples CSV of {} ({} rows): {:.2} s, {} rows/s, {}/s, peak {}, cpu/wall {:.2}",
            scale.name(),
            gib(f(&c["file_bytes"])),
            thousands(f(&c["rows"])),
            wall,
            thousands(f(&c["rows"]) / wall.max(1e-9)),
            gib(f(&c["file_bytes"]) / wall.max(1e-9)),
            gib(f(&c["cost"]["peak_bytes"])),
            f(&c["cost"]["cpu_per_wall"]),
        );
    }
    if r.get("generate").is_none() {
        if let Some(e) = r.get("error") {
            println!("error: {e}");
        }
        return;
    }
    let m = &r["generate"]["marker"];
    let rows = &m["rows"];
    let input = f(&rows["samples"]) + f(&rows["tickets"]) + f(&rows["outages"]) + f(&rows["surveys"]);
    println!(
        "== scale {}: {} customers ({} SLAs, {} OLAs, {} UPCs), {} services, {} months",
        scale.name(),
        rows["customers"],
        rows["slas"],
        rows["olas"],
        rows["upcs"],
        rows["services"],
        rows["months"]
    );
    println!(
        "input     {} rows: {} probe samples, {} tickets, {} outages, {} surveys; {} in {} files",
        thousands(input),
        thousands(f(&rows["samples"])),
        thousands(f(&rows["tickets"])),
        thousands(f(&rows["outages"])),
        thousands(f(&rows["surveys"])),
        gib(f(&m["data_bytes"])),
        m["data_files"]
    );
    let g = &m["generate"];
    println!(
        "generator {:.1} s, peak {}, cpu/wall {:.2}{}",
        f(&g["wall_s"]),
        gib(f(&g["peak_bytes"])),
        f(&g["cpu_per_wall"]),
        if r["generate"]["cached"] == true { " (measured when generated; data reused now)" } else { "" }
    );
    if let Some(b) = r.get("build").and_then(|b| b.get("first")) {
        let s = &b["stages_s"];
        println!("first build: {} reports from scratch", b["published"]);
        println!("  {:<8} {:>9} {:>7} {:>16}", "stage", "wall s", "share", "rate");
        let total = f(&s["total"]);
        for stage in ["scan", "measure", "draw", "render", "publish"] {
            let t = f(&s[stage]);
            let rate = match stage {
                "scan" | "measure" if t > 0.0 => format!("{} rows/s", thousands(input / t)),
                "render" if t > 0.0 => format!("{:.0} pages/s", f(&b["out_pages"]) / t),
                _ => String::new(),
            };
            println!("  {:<8} {:>9.2} {:>6.1}% {:>16}", stage, t, if total > 0.0 { 100.0 * t / total } else { 0.0 }, rate);
        }
        println!("  {:<8} {:>9.2} {:>6.1}% {:>16}", "total", total, 100.0, format!("{} rows/s", thousands(input / total.max(1e-9))));
        println!(
            "  wall {:.2} s (stages + setup), peak {}, cpu/wall {:.2}; output {} in {} files ({} HTML pages); {} warnings",
            f(&b["cost"]["wall_s"]),
            gib(f(&b["cost"]["peak_bytes"])),
            f(&b["cost"]["cpu_per_wall"]),
            gib(f(&b["out_bytes"])),
            b["out_files"],
            b["out_pages"],
            b["warnings"]
        );
    }
    if let Some(b) = r.get("build") {
        let months = f(&rows["months"]) as u64;
        if let Some(n) = b.get("noop") {
            println!("{}", build_line("no-op rebuild", n));
        }
        if let Some(n) = b.get("before_month") {
            println!("{}", build_line(&format!("first {} months", months - 1), n));
        }
        if let Some(n) = b.get("new_month") {
            println!("{}", build_line(&format!("+1 month on {}", months - 1), n));
        }
    }
    if let Some(fl) = r.get("floor") {
        let wall = f(&fl["cost"]["wall_s"]);
        println!(
            "floor     polars lazy scan, up share + p95 per service and month: {:.2} s, {} rows/s, peak {}, cpu/wall {:.2} ({} groups)",
            wall,
            thousands(f(&fl["samples"]) / wall.max(1e-9)),
            gib(f(&fl["cost"]["peak_bytes"])),
            f(&fl["cost"]["cpu_per_wall"]),
            fl["groups"]
        );
        if let Some(b) = r.get("build").and_then(|b| b.get("first")) {
            println!(
                "slareport first build / floor: {:.1}x the time, {:.1}x the peak memory",
                f(&b["cost"]["wall_s"]) / wall.max(1e-9),
                f(&b["cost"]["peak_bytes"]) / f(&fl["cost"]["peak_bytes"]).max(1.0)
            );
        }
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scale: {e}");
            std::process::exit(2);
        }
    };
    if let Some(what) = &args.child {
        let scale = args.scales[0];
        let result = match what.as_str() {
            "generate" => child_generate(scale),
            "build" => child_build(scale, &args.steps),
            "floor" => child_floor(scale),
            "csv" => child_csv(args.csv_bytes.unwrap_or(default_csv_bytes(scale))),
            other => Err(format!("unknown child `{other}`")),
        };
        match result {
            Ok(v) => println!("RESULT {v}"),
            Err(e) => {
                eprintln!("scale: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let steps: Vec<String> = if args.steps.is_empty() {
        ["generate", "first", "noop", "month", "floor"].iter().map(|s| s.to_string()).collect()
    } else {
        args.steps.clone()
    };
    let build_steps: Vec<String> = steps.iter().filter(|s| ["first", "noop", "month"].contains(&s.as_str())).cloned().collect();
    let mut all = BTreeMap::new();
    let mut failed = false;
    for &scale in &args.scales {
        let mut r = serde_json::Map::new();
        let outcome = (|| -> Result<(), String> {
            // The site is needed by every step but `csv`; `generate` only decides whether it is shown.
            if steps.iter().any(|s| s != "csv") {
                r.insert("generate".into(), run_child("generate", scale, &[], &[])?);
            }
            if !build_steps.is_empty() {
                r.insert("build".into(), run_child("build", scale, &build_steps, &[])?);
            }
            if steps.iter().any(|s| s == "floor") {
                r.insert("floor".into(), run_child("floor", scale, &[], &[])?);
            }
            if steps.iter().any(|s| s == "csv") {
                let bytes = args.csv_bytes.unwrap_or(default_csv_bytes(scale));
                r.insert("csv".into(), run_child("csv", scale, &[], &["--csv-bytes".to_string(), bytes.to_string()])?);
            }
            Ok(())
        })();
        if let Err(e) = outcome {
            eprintln!("scale {}: {e}", scale.name());
            r.insert("error".into(), json!(e));
            failed = true;
        }
        let r = Value::Object(r);
        if !args.json {
            print_scale(scale, &r);
            println!();
        }
        all.insert(scale.name().to_string(), r);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    }
    if failed {
        std::process::exit(1);
    }
}
