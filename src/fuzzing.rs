//! Entry points for the fuzz targets (`fuzz/`) and for the test that
//! replays their corpus in `cargo test` (`tests/fuzz_corpus.rs`).
//!
//! Each takes arbitrary bytes and feeds them to one parser the way a site
//! would: `slareport.toml` and an agreement file ([`toml`]), an export read
//! as CSV for each kind of source ([`csv`]), and a note with its front
//! matter ([`note`]). They return what the parser said; the only thing a
//! fuzzer checks is that they never panic, hang or abort.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::load::{agreement, notes, site, CONFIG_FILE};
use crate::model::{Site, SourceKind};

/// A site with a source of every kind and one SLA, for context.
const SITE: &str = r#"title = "Fuzz"
timezone = "Europe/London"

[customers.acme]
name = "Acme"

[calendars.business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"

[sources.outages]
path = "data/outages.csv"
[sources.samples]
path = "data/samples.csv"
[sources.tickets]
path = "data/tickets.csv"
timestamp_format = "%d/%m/%Y %H:%M"
null_values = ["", "?"]
[sources.surveys]
path = "data/surveys.csv"
[sources.counts]
path = "data/counts.csv"
separator = ";"
"#;

const SLA: &str = r#"id = "acme-email"
kind = "sla"
customer = "acme"
title = "E-mail"
version = "1"
effective = 2026-01-01
review_due = 2027-01-01
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"
calendar = "business"
objective = 99.5
"#;

fn fixture() -> &'static Site {
    static SITE_CELL: OnceLock<Site> = OnceLock::new();
    SITE_CELL.get_or_init(|| {
        let (config, _) = site::load(&SourceFile::new(CONFIG_FILE, SITE.to_string()));
        let config = config.expect("the fuzz fixture site is valid");
        let sla = agreement::load(SourceFile::new("agreements/acme/email.toml", SLA.to_string()), "acme", &config)
            .expect("the fuzz fixture agreement is valid");
        let root = std::env::temp_dir().join(format!("slareport-fuzz-{}", std::process::id()));
        Site { root, config, versions: vec![sla.agreement.clone()], agreements: vec![sla.agreement] }
    })
}

/// `data` as `slareport.toml`, then as an SLA of the fixture site.
pub fn toml(data: &[u8]) -> Diagnostics {
    let Ok(text) = std::str::from_utf8(data) else { return Diagnostics::new() };
    let (_, mut problems) = site::load(&SourceFile::new(CONFIG_FILE, text.to_string()));
    let source = SourceFile::new("agreements/acme/fuzz.toml", text.to_string());
    if let Err(p) = agreement::load(source, "acme", &fixture().config) {
        problems.extend(p);
    }
    problems
}

/// `data[1..]` as the CSV export of a source whose kind `data[0]` picks.
pub fn csv(data: &[u8]) -> Diagnostics {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let Some((&pick, bytes)) = data.split_first() else { return Diagnostics::new() };
    let site = fixture();
    let kind = SourceKind::ALL[usize::from(pick) % SourceKind::ALL.len()];
    let mut source = site.config.sources[&kind].clone();
    source.path = PathBuf::from(format!("fuzz-{}.csv", N.fetch_add(1, Ordering::Relaxed)));
    let full = site.root.join(&source.path);
    if std::fs::create_dir_all(&site.root).is_err() || std::fs::write(&full, bytes).is_err() {
        return Diagnostics::new();
    }
    let problems = match crate::scan::scan_source(&site.root, &source) {
        Ok(_) => Diagnostics::new(),
        Err(p) => p,
    };
    let _ = std::fs::remove_file(&full);
    problems
}

/// `data` as the note `notes/acme/2026-10.md` of the fixture site, and its
/// body rendered as commentary.
pub fn note(data: &[u8]) -> Diagnostics {
    let Ok(text) = std::str::from_utf8(data) else { return Diagnostics::new() };
    let site = fixture();
    let targets: BTreeMap<String, ()> = [("acme-email/availability".to_string(), ())].into_iter().collect();
    match notes::load_note(&SourceFile::new("notes/acme/2026-10.md", text.to_string()), site, &targets) {
        Ok((note, warnings)) => {
            let _ = crate::render::markdown::to_safe_html(&note.body);
            warnings
        }
        Err(p) => p,
    }
}
