//! `cargo bench`: times each stage on the sample site and prints the figures.
//!
//! Performance goals live here, not in tests: a timed test fails on a busy
//! machine, a benchmark reports. Runs without a harness crate to keep the
//! build small; each stage runs a few times and the best time is shown.
//!
//! Sections can be picked by name after `--`: `stages` (the sample site,
//! load to build) and `outages` (one service with generated outages at
//! provider scale, default 100,000 and 1,000,000; other counts may follow:
//! `cargo bench --bench pipeline -- outages 10000 100000`). Without names
//! both run.

use std::path::Path;
use std::time::{Duration, Instant};

use slareport::build::{build, BuildOptions};
use slareport::measure::data::{Outage, OutageKind};
use slareport::measure::intervals::{weighted_loss, Interval, Weighted};
use slareport::measure::metrics::{figure, scope, Subject};
use slareport::measure::{prepare, Prepared};
use slareport::period::Period;
use slareport::model::{Measure, Planned};

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut fastest = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        fastest = fastest.min(start.elapsed());
        last = Some(value);
    }
    (fastest, last.expect("at least one run"))
}

fn main() {
    // cargo passes `--bench`; everything else names a section or a count.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let counts: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let named = |s: &str| args.iter().all(|a| a.parse::<usize>().is_ok()) || args.iter().any(|a| a == s);
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    if named("stages") {
        stages(&site);
    }
    if named("charts") {
        charts(&prepared_again(&site));
    }
    if named("outages") {
        let counts = if counts.is_empty() { vec![100_000, 1_000_000] } else { counts };
        for n in counts {
            outages(prepared_again(&site), n);
        }
    }
}

fn prepared_again(site: &Path) -> Prepared {
    prepare(site).expect("the sample site is valid")
}

fn stages(site: &Path) {
    let (t, prepared) = best(3, || prepare(site).expect("the sample site is valid"));
    let rows: usize = prepared.data.samples.values().map(|s| s.len()).sum();
    println!("load + scan sample-data ({rows} probe samples): {:>8.1} ms", t.as_secs_f64() * 1e3);
    let period: Period = "2026-10".parse().unwrap();
    let (t, results) = best(3, || prepared.measure(period));
    println!(
        "measure one month with 13-month trends ({} figures): {:>8.1} ms",
        results.targets.len(),
        t.as_secs_f64() * 1e3
    );
    let (t, _) = best(1, || {
        let out = tempfile::tempdir().expect("temp dir");
        let options = BuildOptions {
            root: site.to_path_buf(),
            out: Some(out.path().to_path_buf()),
            period: None,
            customer: None,
            revise: false,
            as_of: slareport::period::AsOf::Instant(1_795_392_000),
            source_date_epoch: Some(1_795_392_000),
            progress: false,
        };
        build(&options).expect("the sample site builds")
    });
    println!("build the whole sample site (39 reports): {:>8.1} ms", t.as_secs_f64() * 1e3);
}

/// Every SLA chart of the sample site's 13 months, drawn afresh (nothing
/// shared between runs): the draw stage alone.
fn charts(prepared: &Prepared) {
    let last: Period = "2026-10".parse().unwrap();
    let months: Vec<_> = last.trailing(13).into_iter().map(|p| prepared.measure(p)).collect();
    let (t, n) = best(10, || {
        months
            .iter()
            .map(|results| slareport::draw::report_charts(results, &slareport::draw::Drawn::default()).iter().map(|(_, c)| c.len()).sum::<usize>())
            .sum::<usize>()
    });
    println!("draw every SLA chart of 13 months ({n} charts): {:>8.1} ms, {:>6.1} us a chart", t.as_secs_f64() * 1e3, t.as_secs_f64() * 1e6 / n as f64);
}

/// Knuth's MMIX linear congruential generator: the same outages every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// `n` outages in `[from, to)`, their lengths scaled to `n` so they cover
/// part of the month, not all of it: most short, one in ten up to ten times
/// as long and one in a hundred up to a hundred times, so many overlap;
/// 89 % unplanned, 10 % degraded, 1 % planned; a few still going on.
fn generated(n: usize, from: i64, to: i64) -> Vec<Outage> {
    let mut rng = Lcg(1_000_003);
    let unit = ((to - from) as u64 / n.max(1) as u64).max(1);
    let mut out: Vec<Outage> = (0..n)
        .map(|row| {
            let start = from + rng.below((to - from) as u64) as i64;
            let length = 1 + match rng.below(100) {
                0 => rng.below(100 * unit),
                1..=9 => rng.below(10 * unit),
                _ => rng.below(unit),
            } as i64;
            let kind = match rng.below(100) {
                0 => OutageKind::Planned,
                1..=10 => OutageKind::Degraded,
                _ => OutageKind::Unplanned,
            };
            let end = (rng.below(100_000) != 0).then_some(start + length);
            Outage {
                id: Some(format!("OUT-{row}")),
                start,
                end,
                kind,
                cause: Some(format!("cause-{}", rng.below(20))),
                customer: None,
                row: row as i64 + 2,
            }
        })
        .collect();
    // Data keeps a service's outages sorted by start.
    out.sort_by_key(|o| o.start);
    out
}

/// Times the outage availability figure, and `weighted_loss` alone, for a
/// service with `n` generated outages in October 2026.
fn outages(mut prepared: Prepared, n: usize) {
    let period: Period = "2026-10".parse().unwrap();
    let site = &prepared.site;
    let found = site.agreements.iter().find_map(|a| {
        a.targets.iter().find_map(|t| match t.measure {
            Measure::OutageAvailability { planned: Planned::Excluded, degraded } if degraded > 0.0 => {
                let service = t.service.clone().or_else(|| a.services.first().cloned())?;
                Some((a.id.clone(), t.id.clone(), service))
            }
            _ => None,
        })
    });
    let Some((agreement, target, service)) = found else {
        println!("no outage availability target with planned maintenance excluded and degraded time in the sample site");
        return;
    };
    let (from, to) = period.bounds(site.config.timezone);
    prepared.data.outages.insert(service.clone(), generated(n, from, to));
    let site = &prepared.site;
    let data = &prepared.data;
    let agreement = site.agreements.iter().find(|a| a.id == agreement).expect("found above");
    let target = agreement.targets.iter().find(|t| t.id == target).expect("found above");
    let subject = Subject { config: &site.config, agreement, target, service: &service, period, window: None, cut: to, customer: None };

    let (scope, _) = scope(&subject, data, true);
    let items: Vec<Weighted> = data.outages[&service]
        .iter()
        .enumerate()
        .filter_map(|(owner, o)| {
            let weight = match o.kind {
                OutageKind::Unplanned => 1000,
                OutageKind::Degraded => 500,
                OutageKind::Planned => 0,
            };
            Interval::new(o.start, o.end.unwrap_or(i64::MAX)).clip(from, to).map(|span| Weighted { span, weight, owner })
        })
        .collect();
    let (t, lost) = best(1, || weighted_loss(&scope, &items, items.len()));
    println!(
        "weighted_loss, {n} outages, {} scope windows ({}/{}, {service}): {:>9.1} ms, {:.0} s lost",
        scope.len(),
        agreement.id,
        target.id,
        t.as_secs_f64() * 1e3,
        lost.iter().sum::<i64>() as f64 / 1000.0
    );
    let (t, f) = best(1, || figure(&subject, data));
    println!(
        "outage availability figure, {n} outages: {:>9.1} ms, value {}",
        t.as_secs_f64() * 1e3,
        f.value.map_or("none".to_string(), |v| format!("{:.4} %", v.to_f64()))
    );
}
