//! Fixture sites for the integration tests: a small valid site written to a
//! temporary folder, which each test breaks in one place.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use slareport::check::{check, Report};
use slareport::diagnostic::Diagnostic;

/// A minimal valid site: one calendar, an outage source, one SLA and one OLA.
pub const SITE: &str = r#"title = "Fixture reports"
timezone = "Europe/London"

[customers.acme]
name = "Acme Ltd"

[calendars.business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"
holidays = [2026-12-25]

[sources.outages]
path = "data/outages.csv"
columns = { service = "svc", start = "began", end = "ended" }
"#;

pub const SLA: &str = r#"id = "acme-email"
kind = "sla"
customer = "acme"
title = "Corporate e-mail"
version = "1"
effective = 2026-01-01
review_due = 2027-01-01
services = ["email"]

[[targets]]
id = "availability"
service = "email"
metric = "availability"
calendar = "business"
objective = 99.5
warning = 99.8
credits = [{ below = 99.5, percent = 5 }]
underpinned_by = ["network-ola"]
"#;

pub const OLA: &str = r#"id = "network-ola"
kind = "ola"
team = "network"
title = "Network operations"
version = "2"
effective = 2026-01-01
review_due = 2027-01-01
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
"#;

pub const OUTAGES: &str = "svc,began,ended,kind,cause\nemail,2026-10-05T09:00:00+01:00,2026-10-05T10:30:00+01:00,unplanned,network-ola\n";

/// A site folder that lives as long as the value.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// The valid site.
    pub fn valid() -> Self {
        let fixture = Fixture { dir: tempfile::tempdir().expect("temp dir") };
        fixture
            .write("slareport.toml", SITE)
            .write("agreements/acme/email.toml", SLA)
            .write("agreements/_internal/network.toml", OLA)
            .write("data/outages.csv", OUTAGES);
        fixture
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes (or overwrites) a file of the site.
    pub fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Replaces `from` by `to` in a file of the site; `from` must be there once.
    pub fn edit(&self, relative: &str, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(self.path(relative)).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {relative}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    pub fn check(&self) -> Report {
        check(self.root())
    }

    /// Checks the site and returns its errors, asserting there is at least one.
    pub fn errors(&self) -> Vec<Diagnostic> {
        let report = self.check();
        let errors: Vec<Diagnostic> = report.problems.iter().filter(|d| d.is_error()).cloned().collect();
        assert!(!errors.is_empty(), "expected errors, found none");
        errors
    }

    /// Checks the site and returns its one error.
    pub fn error(&self) -> Diagnostic {
        let errors = self.errors();
        assert_eq!(errors.len(), 1, "expected one error, found: {}", render(&errors));
        errors.into_iter().next().unwrap()
    }
}

pub fn render(problems: &[Diagnostic]) -> String {
    problems.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
}

/// Asserts a diagnostic's file, line and message, and that its hint mentions `hint`.
#[track_caller]
pub fn assert_at(d: &Diagnostic, file: &str, line: usize, message: &str) {
    let location = d.location.as_ref().unwrap_or_else(|| panic!("no location: {d}"));
    assert_eq!(location.file, Path::new(file), "{d}");
    assert_eq!(location.line, Some(line), "{d}");
    assert_eq!(d.message, message, "{d}");
}

#[track_caller]
pub fn assert_hint(d: &Diagnostic, part: &str) {
    let hint = d.hint.as_deref().unwrap_or_else(|| panic!("no hint: {d}"));
    assert!(hint.contains(part), "hint `{hint}` lacks `{part}`");
}

/// Every file below `root`, by its path relative to `root`, with its bytes.
pub fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// An RFC 3339 instant as UTC seconds.
pub fn instant(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text).expect("an RFC 3339 instant").timestamp()
}

/// Build options for a test: the whole site of `root` into `out`, as it
/// stood at `as_of` (RFC 3339), pages stamped at a fixed instant.
pub fn build_options(root: &Path, out: &Path, as_of: &str) -> slareport::build::BuildOptions {
    slareport::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        period: None,
        customer: None,
        revise: false,
        as_of: slareport::period::AsOf::Instant(instant(as_of)),
        source_date_epoch: Some(1_790_000_000),
        progress: false,
    }
}
