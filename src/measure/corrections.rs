//! Corrections applied to the arranged measurements, before any figure is
//! computed, with what each one touched so reports can list it.

use serde::Serialize;

use super::data::{Data, OutageKind};
use crate::load::corrections::{Correction, Row};

/// A correction applied to the data: which service's rows it changed, and
/// the stretches of time the row covered before and after (a period lists
/// the correction when either overlaps it).
#[derive(Debug, Clone)]
pub struct Applied {
    pub correction: Correction,
    pub service: String,
    pub spans: Vec<(i64, Option<i64>)>,
}

impl Applied {
    /// True when the corrected row belongs to `[from, to)`.
    pub fn touches(&self, from: i64, to: i64) -> bool {
        self.spans.iter().any(|&(start, end)| start < to && end.is_none_or(|e| e > from))
    }
}

/// A correction as a period's report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionResult {
    pub date: chrono::NaiveDate,
    pub by: String,
    pub reason: String,
    pub service: String,
    /// The change in words.
    pub change: String,
    /// Figures of the service this month that the corrections moved:
    /// "acme-email/availability (email): 96.101% as exported -> 96.188%".
    pub moved: Vec<String>,
}

/// The error for a correction that names no row of the exports.
pub fn unmatched(c: &Correction) -> crate::diagnostic::Diagnostic {
    crate::diagnostic::Diagnostic::error(format!("the correction names {} `{}`, which no export has", c.row.kind(), c.row.id()))
        .at_line(&c.file, c.line)
        .with_hint("check the id against the export; a correction must name an existing row")
}

/// Applies `corrections` in order. Returns what each changed, or the
/// corrections that name no row of the exports.
pub fn apply(data: &mut Data, corrections: &[Correction]) -> (Vec<Applied>, Vec<Correction>) {
    let mut applied = Vec::new();
    let mut unmatched = Vec::new();
    for c in corrections {
        let mut found = Vec::new();
        match &c.row {
            Row::Outage(id) => {
                for (service, outages) in &mut data.outages {
                    let mut spans = Vec::new();
                    for o in outages.iter_mut().filter(|o| o.id.as_deref() == Some(id.as_str())) {
                        spans.push((o.start, o.end));
                        if let Some(k) = &c.change.kind {
                            o.kind = match k.as_str() {
                                "planned" => OutageKind::Planned,
                                "degraded" => OutageKind::Degraded,
                                _ => OutageKind::Unplanned,
                            };
                        }
                        if let Some(cause) = &c.change.cause {
                            o.cause = Some(cause.clone());
                        }
                        if let Some(t) = c.change.start {
                            o.start = t;
                        }
                        if let Some(t) = c.change.end {
                            o.end = Some(t);
                        }
                        spans.push((o.start, o.end));
                    }
                    if !spans.is_empty() {
                        if c.change.exclude {
                            outages.retain(|o| o.id.as_deref() != Some(id.as_str()));
                        }
                        outages.sort_by_key(|o| o.start);
                        found.push((service.clone(), spans));
                    }
                }
            }
            Row::Ticket(id) => {
                for (service, tickets) in &mut data.tickets {
                    let mut spans = Vec::new();
                    for t in tickets.iter_mut().filter(|t| t.id == *id) {
                        spans.push((t.opened, t.resolved));
                        if let Some(p) = &c.change.priority {
                            t.priority = p.clone();
                        }
                        if let Some(cause) = &c.change.cause {
                            t.cause = Some(cause.clone());
                        }
                    }
                    if !spans.is_empty() {
                        if c.change.exclude {
                            tickets.retain(|t| t.id != *id);
                        }
                        found.push((service.clone(), spans));
                    }
                }
            }
            Row::Survey(id) => {
                for (service, surveys) in &mut data.surveys {
                    let spans: Vec<(i64, Option<i64>)> =
                        surveys.iter().filter(|s| s.id.as_deref() == Some(id.as_str())).map(|s| (s.time, Some(s.time + 1))).collect();
                    if !spans.is_empty() {
                        surveys.retain(|s| s.id.as_deref() != Some(id.as_str()));
                        found.push((service.clone(), spans));
                    }
                }
            }
        }
        if found.is_empty() {
            unmatched.push(c.clone());
        }
        for (service, spans) in found {
            applied.push(Applied { correction: c.clone(), service, spans });
        }
    }
    data.index_rows();
    (applied, unmatched)
}
