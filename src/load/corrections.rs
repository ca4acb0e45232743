//! `corrections.toml`: changes to exported rows, each with its date, author
//! and reason, applied before measuring and listed in the report of every
//! month they touch.
//!
//! ```toml
//! [[corrections]]
//! date = 2026-03-02
//! by = "J. Doe, service level manager"
//! reason = "Customer-caused: their firewall change CHG-4711 cut the site link"
//! outage = "OUT-0061"          # or ticket = "INC0010042", or survey = "S-77"
//! exclude = true               # or kind = "planned", cause = "netco-upc", end = 2026-03-01T10:30:00Z, ...
//! ```
//!
//! What a correction may change depends on the row: an outage its `kind`,
//! `cause`, `start` and `end` (or `exclude` it, e.g. customer-caused); a
//! ticket its `priority` and `cause` (or `exclude` it); a survey answer can
//! only be excluded. Instants are RFC 3339, or local date-times read in the
//! site's zone. That a correction names an existing row is checked once the
//! exports are read (`measure::prepare`), with the correction's line.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::values::toml_date;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{Site, OUTAGE_KINDS};

/// The corrections file, at the site's root.
pub const CORRECTIONS_FILE: &str = "corrections.toml";

/// The row a correction changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Row {
    Outage(String),
    Ticket(String),
    Survey(String),
}

impl Row {
    pub fn kind(&self) -> &'static str {
        match self {
            Row::Outage(_) => "outage",
            Row::Ticket(_) => "ticket",
            Row::Survey(_) => "survey answer",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Row::Outage(id) | Row::Ticket(id) | Row::Survey(id) => id,
        }
    }
}

/// What a correction changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    /// Leave the row out of every figure.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclude: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// UTC seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

/// One correction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub date: NaiveDate,
    pub by: String,
    pub reason: String,
    pub row: Row,
    pub change: Change,
    /// Where it is written: `corrections.toml` and its line.
    #[serde(skip)]
    pub file: PathBuf,
    pub line: usize,
}

impl Correction {
    /// The change in words: "outage OUT-0061: excluded", "ticket INC1: priority P3, cause netco-upc".
    pub fn describe(&self) -> String {
        let c = &self.change;
        let instant = |t: i64| chrono::DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.format("%Y-%m-%d %H:%M UTC").to_string());
        let mut parts = Vec::new();
        if c.exclude {
            parts.push("left out of every figure".to_string());
        }
        if let Some(k) = &c.kind {
            parts.push(format!("kind {k}"));
        }
        if let Some(cause) = &c.cause {
            parts.push(format!("cause {cause}"));
        }
        if let Some(t) = c.start {
            parts.push(format!("start {}", instant(t)));
        }
        if let Some(t) = c.end {
            parts.push(format!("end {}", instant(t)));
        }
        if let Some(p) = &c.priority {
            parts.push(format!("priority {p}"));
        }
        format!("{} {}: {}", self.row.kind(), self.row.id(), parts.join(", "))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    corrections: Vec<Spanned<RawCorrection>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: Spanned<toml::value::Datetime>,
    by: Spanned<String>,
    reason: Spanned<String>,
    outage: Option<Spanned<String>>,
    ticket: Option<Spanned<String>>,
    survey: Option<Spanned<String>>,
    #[serde(default)]
    exclude: bool,
    kind: Option<Spanned<String>>,
    cause: Option<Spanned<String>>,
    start: Option<Spanned<toml::value::Datetime>>,
    end: Option<Spanned<toml::value::Datetime>>,
    priority: Option<Spanned<String>>,
}

/// Reads `corrections.toml` of the site, if there is one: every correction
/// and every problem.
pub fn load_corrections(site: &Site) -> (Vec<Correction>, Diagnostics) {
    let path = site.root.join(CORRECTIONS_FILE);
    if !path.exists() {
        return (Vec::new(), Diagnostics::new());
    }
    let source = match super::read_source(&site.root, &path) {
        Ok(s) => s,
        Err(d) => return (Vec::new(), d.into()),
    };
    let (raw, mut problems) = super::toml_file::parse::<RawFile>(&source);
    let mut out = Vec::new();
    for entry in raw.map(|r| r.corrections).unwrap_or_default() {
        let line = source.locate(entry.span()).0.line.unwrap_or(0);
        let raw = entry.into_inner();
        match check(&source, raw, site) {
            Ok((row, change, date, by, reason)) => {
                out.push(Correction { date, by, reason, row, change, file: PathBuf::from(CORRECTIONS_FILE), line })
            }
            Err(p) => problems.extend(p),
        }
    }
    (out, problems)
}

type Checked = (Row, Change, NaiveDate, String, String);

fn check(source: &SourceFile, raw: RawCorrection, site: &Site) -> Result<Checked, Diagnostics> {
    let mut problems = Diagnostics::new();
    let mut error = |span: std::ops::Range<usize>, message: String, hint: &str| {
        let d = Diagnostic::error(message).at(source, span);
        problems.push(if hint.is_empty() { d } else { d.with_hint(hint) });
    };
    let date = toml_date(raw.date.get_ref()).unwrap_or_else(|e| {
        error(raw.date.span(), format!("date: {e}"), "the day the correction was decided, e.g. 2026-03-02");
        NaiveDate::MIN
    });
    for (field, text) in [("by", &raw.by), ("reason", &raw.reason)] {
        if text.get_ref().trim().is_empty() {
            error(text.span(), format!("`{field}` is empty"), "every correction says who made it and why");
        }
    }
    let rows: Vec<Row> = [
        raw.outage.as_ref().map(|s| Row::Outage(s.get_ref().clone())),
        raw.ticket.as_ref().map(|s| Row::Ticket(s.get_ref().clone())),
        raw.survey.as_ref().map(|s| Row::Survey(s.get_ref().clone())),
    ]
    .into_iter()
    .flatten()
    .collect();
    let whole = raw.date.span().start..raw.reason.span().end.max(raw.by.span().end);
    let row = match rows.as_slice() {
        [row] => Some(row.clone()),
        [] => {
            error(whole.clone(), "a correction names no row".into(), "name one with outage = \"id\", ticket = \"id\" or survey = \"id\"");
            None
        }
        _ => {
            error(whole.clone(), "a correction names more than one row".into(), "write one [[corrections]] entry per row");
            None
        }
    };
    let tz = site.config.timezone;
    let mut instant = |v: &Option<Spanned<toml::value::Datetime>>, field: &str| -> Option<i64> {
        let v = v.as_ref()?;
        match datetime(v.get_ref(), tz) {
            Ok(t) => Some(t),
            Err(e) => {
                error(v.span(), format!("{field}: {e}"), "an instant like 2026-03-01T10:30:00Z, or a local date-time like 2026-03-01T10:30:00 in the site's zone");
                None
            }
        }
    };
    let change = Change {
        exclude: raw.exclude,
        kind: raw.kind.as_ref().map(|k| k.get_ref().clone()),
        cause: raw.cause.as_ref().map(|c| c.get_ref().clone()),
        start: instant(&raw.start, "start"),
        end: instant(&raw.end, "end"),
        priority: raw.priority.as_ref().map(|p| p.get_ref().clone()),
    };
    if let Some(k) = &raw.kind {
        if !OUTAGE_KINDS.contains(&k.get_ref().as_str()) {
            error(k.span(), format!("kind `{}` is not an outage kind", k.get_ref()), &format!("one of: {}", OUTAGE_KINDS.join(", ")));
        }
    }
    if let (Some(s), Some(e)) = (change.start, change.end) {
        if e <= s {
            let span = raw.end.as_ref().map_or(whole.clone(), |e| e.span());
            error(span, "the corrected end is not after the corrected start".into(), "");
        }
    }
    if let Some(row) = &row {
        let allowed: &[&str] = match row {
            Row::Outage(_) => &["exclude", "kind", "cause", "start", "end"],
            Row::Ticket(_) => &["exclude", "priority", "cause"],
            Row::Survey(_) => &["exclude"],
        };
        let given: [(&str, Option<std::ops::Range<usize>>); 5] = [
            ("kind", raw.kind.as_ref().map(|s| s.span())),
            ("cause", raw.cause.as_ref().map(|s| s.span())),
            ("start", raw.start.as_ref().map(|s| s.span())),
            ("end", raw.end.as_ref().map(|s| s.span())),
            ("priority", raw.priority.as_ref().map(|s| s.span())),
        ];
        for (field, span) in given.clone() {
            if let Some(span) = span.filter(|_| !allowed.contains(&field)) {
                error(span, format!("a correction of {} {} cannot change `{field}`", row.kind(), row.id()), &format!("it may change: {}", allowed.join(", ")));
            }
        }
        let changes_something = change.exclude || given.iter().any(|(_, s)| s.is_some());
        if !changes_something {
            error(whole, format!("the correction of {} {} changes nothing", row.kind(), row.id()), &format!("say what it changes: {}", allowed.join(", ")));
        }
    }
    match row {
        Some(row) if !problems.has_errors() => Ok((row, change, date, raw.by.into_inner(), raw.reason.into_inner())),
        _ => Err(problems),
    }
}

/// A TOML date-time as UTC seconds: with an offset as written, without one
/// as wall time in `tz`.
fn datetime(v: &toml::value::Datetime, tz: chrono_tz::Tz) -> Result<i64, String> {
    let text = v.to_string();
    if v.date.is_none() || v.time.is_none() {
        return Err(format!("`{text}` is not a date with a time"));
    }
    if v.offset.is_some() {
        return chrono::DateTime::parse_from_rfc3339(&text.replace(' ', "T")).map(|d| d.timestamp()).map_err(|_| format!("`{text}` is not an instant"));
    }
    let wall = chrono::NaiveDateTime::parse_from_str(&text.replace(' ', "T"), "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| format!("`{text}` is not a date-time"))?;
    Ok(crate::period::local_to_utc(wall, tz))
}
