//! The sample site in a real browser: Debian's chromium driven by
//! `tests/browser/suite.mjs` (playwright-core and axe-core from npm, installed
//! by `npm ci --prefix tests/browser`; `.ci/run` does both).
//!
//! Without chromium or the npm packages the test says so and passes, except
//! in CI (`CI=true`), where it fails: a browser suite that silently skips
//! tests nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use slareport::build::{build, BuildOptions};

/// 2026-11-23 00:00 UTC.
const NOW: i64 = 1_795_392_000;

fn options(root: &Path, out: Option<&Path>) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: out.map(Path::to_path_buf),
        period: None,
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(NOW),
        source_date_epoch: Some(NOW),
        progress: false,
    }
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// What is missing to run the suite, if anything.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("{chromium} (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node".to_string());
    }
    if !suite_dir().join("node_modules/playwright-core").is_dir() || !suite_dir().join("node_modules/axe-core").is_dir() {
        missing.push("playwright-core and axe-core (npm ci --prefix tests/browser)".to_string());
    }
    if Command::new("pdftotext").arg("-v").output().is_err() {
        missing.push("pdftotext (apt-get install poppler-utils)".to_string());
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// Runs the suite; returns (success, stdout).
fn suite(args: &[&str]) -> (bool, String) {
    let output = Command::new("node")
        .arg(suite_dir().join("suite.mjs"))
        .args(args)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    // Shown in the test log (and in CI's) even when the test passes: written
    // to the process's standard output, which libtest does not capture (it
    // captures `print!`), the counts of what was checked.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), stdout.as_bytes());
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    (output.status.success(), stdout)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_sample_site_in_chromium_over_file_and_serve_and_a_broken_link_fails_it() {
    if let Some(what) = missing() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the browser suite cannot run in CI: missing {what}; .ci/run installs them");
        }
        eprintln!("SKIPPED the browser suite: missing {what}");
        return;
    }
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let report = build(&options(&sample, Some(&site))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.published.len(), 39, "13 months of 3 customers");
    let pdfs = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-pdfs");
    let site_arg = site.to_str().unwrap();

    // Every page over file://, with axe-core and the printed page budgets.
    let (ok, stdout) = suite(&[
        "--site",
        site_arg,
        "--budget",
        "globex/2026-10/report.html=12",
        "--budget",
        "acme/2026-02/report.html=6",
        "--pdf-dir",
        pdfs.to_str().unwrap(),
    ]);
    assert!(ok, "the browser suite failed over file://:\n{stdout}");
    // 3 customers × 13 months × 2 pages (index.html, report.html) = 78, a
    // customer index each (3), the provider overview (1) and a to-date page
    // per customer (3; NOW is in November 2026): 85.
    assert!(stdout.contains("pages opened: 85"), "{stdout}");
    assert!(stdout.contains("leaving the site: 0; console errors: 0"), "{stdout}");

    // The same pages from `slareport serve`.
    let server = slareport::serve::start(slareport::serve::ServeOptions {
        build: options(&sample, None),
        port: 0,
        debounce: Duration::from_millis(300),
    })
    .unwrap();
    let url = server.url();
    let (ok, stdout) = suite(&["--site", site_arg, "--serve", &url, "--no-axe"]);
    assert!(ok, "the browser suite failed over serve:\n{stdout}");
    assert!(stdout.contains("pages opened: 85"), "{stdout}");
    drop(server);

    // A broken link in a copy of the site fails the suite.
    let broken = out.path().join("broken");
    copy_dir(&site, &broken);
    let page = broken.join("acme/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("href=\"2026-10/index.html\""));
    std::fs::write(&page, html.replacen("href=\"2026-10/index.html\"", "href=\"2026-13/index.html\"", 1)).unwrap();
    let (ok, stdout) = suite(&["--site", broken.to_str().unwrap(), "--no-axe", "--pages", "acme/index.html"]);
    assert!(!ok, "a broken link must fail the suite:\n{stdout}");
    assert!(stdout.contains("FAIL acme/index.html: broken link 2026-13/index.html"), "{stdout}");
    assert!(stdout.contains("browser: "), "{stdout}");
}
