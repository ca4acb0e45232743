//! `cargo bench`: times each stage on the sample site and prints the figures.
//!
//! Performance goals live here, not in tests: a timed test fails on a busy
//! machine, a benchmark reports. Runs without a harness crate to keep the
//! build small; each stage runs a few times and the best time is shown.

use std::path::Path;
use std::time::{Duration, Instant};

use slareport::build::{build, BuildOptions};
use slareport::measure::{prepare, Period};

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
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (t, prepared) = best(3, || prepare(&site).expect("the sample site is valid"));
    let rows: usize = prepared.data.samples.values().map(|s| s.time.len()).sum();
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
            root: site.clone(),
            out: Some(out.path().to_path_buf()),
            period: None,
            customer: None,
            revise: false,
            as_of: slareport::measure::period::AsOf::Instant(1_795_392_000),
            source_date_epoch: Some(1_795_392_000),
            progress: false,
        };
        build(&options).expect("the sample site builds")
    });
    println!("build the whole sample site (39 reports): {:>8.1} ms", t.as_secs_f64() * 1e3);
}
